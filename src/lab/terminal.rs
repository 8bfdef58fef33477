//! The console's transcript: what was typed, what the tools printed (stdout and stderr kept
//! apart) and Brokerlab's own notes, newest last, capped so a long session stays light.

use super::view::{TermLine, TermStream};
use crate::console::format::{Output, Stream};
use std::collections::VecDeque;
use std::rc::Rc;

/// Lines kept (the page draws fewer).
pub const TERM_CAP: usize = 5000;

#[derive(Default)]
pub struct Transcript {
    lines: VecDeque<Rc<TermLine>>,
    published: Rc<Vec<Rc<TermLine>>>,
    dirty: bool,
    seq: u64,
}

impl Transcript {
    pub fn push(&mut self, stream: TermStream, text: String) {
        self.seq += 1;
        self.lines.push_back(Rc::new(TermLine { seq: self.seq, stream, text }));
        while self.lines.len() > TERM_CAP {
            self.lines.pop_front();
        }
        self.dirty = true;
    }

    /// A command's output, line by line.
    pub fn print(&mut self, out: &Output) {
        for (stream, line) in out.lines() {
            // A tool's bare `>` prompt is what the prompt already shows.
            if line == ">" && stream != Stream::Stderr {
                continue;
            }
            let stream = if stream == Stream::Stderr { TermStream::Stderr } else { TermStream::Stdout };
            self.push(stream, line);
        }
    }

    pub fn clear(&mut self) {
        self.lines.clear();
        self.dirty = true;
    }

    pub fn lines(&self) -> impl Iterator<Item = &Rc<TermLine>> {
        self.lines.iter()
    }

    /// The lines as the page gets them (the same `Rc` until something changes).
    pub fn published(&mut self) -> Rc<Vec<Rc<TermLine>>> {
        if self.dirty {
            self.published = Rc::new(self.lines.iter().cloned().collect());
            self.dirty = false;
        }
        self.published.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_streams_apart_and_drops_the_tools_bare_prompt() {
        let mut t = Transcript::default();
        let mut o = Output::new();
        o.outln("Created topic orders.");
        o.out(">");
        o.errln("Error while executing topic command");
        t.print(&o);
        let got: Vec<_> = t.lines().map(|l| (l.stream, l.text.clone())).collect();
        assert_eq!(
            got,
            vec![
                (TermStream::Stdout, "Created topic orders.".to_string()),
                (TermStream::Stderr, "Error while executing topic command".to_string()),
            ]
        );
    }

    #[test]
    fn is_capped_and_republished_only_after_a_change() {
        let mut t = Transcript::default();
        for i in 0..TERM_CAP + 10 {
            t.push(TermStream::Note, i.to_string());
        }
        let a = t.published();
        assert_eq!(a.len(), TERM_CAP);
        assert_eq!(a[0].text, "10");
        let b = t.published();
        assert!(Rc::ptr_eq(&a, &b));
        t.push(TermStream::Note, "x".into());
        assert!(!Rc::ptr_eq(&a, &t.published()));
    }
}
