//! The console's transcript: what was typed, what the tools printed (stdout and stderr kept
//! apart) and Brokerlab's own notes, newest last, capped so a long session stays light.

use super::view::{TermLine, TermStream};
use crate::console::format::{Output, Stream};
use std::collections::VecDeque;
use std::rc::Rc;

/// Lines kept (the page draws fewer).
pub(crate) const TERM_CAP: usize = 5000;
/// Lines kept across a reload.
pub(crate) const TERM_SAVED: usize = 400;

#[derive(Default)]
pub(crate) struct Transcript {
    lines: VecDeque<Rc<TermLine>>,
    published: Rc<Vec<Rc<TermLine>>>,
    dirty: bool,
    seq: u64,
}

impl Transcript {
    pub(crate) fn push(&mut self, stream: TermStream, text: String) {
        self.seq += 1;
        self.lines.push_back(Rc::new(TermLine { seq: self.seq, stream, text }));
        while self.lines.len() > TERM_CAP {
            self.lines.pop_front();
        }
        self.dirty = true;
    }

    /// A command's output, line by line.
    pub(crate) fn print(&mut self, out: &Output) {
        for (stream, line) in out.lines() {
            // A tool's bare `>` prompt is what the prompt already shows.
            if line == ">" && stream == Stream::Stdout {
                continue;
            }
            match stream {
                Stream::Stdout => self.push(TermStream::Stdout, line),
                Stream::Stderr => self.push(TermStream::Stderr, line),
                // Brokerlab's own remarks read as comments, like the lab's other notes.
                Stream::Note => self.push(TermStream::Note, format!("# {line}")),
            }
        }
    }

    /// The newest lines as a save keeps them: `[stream, text]` pairs.
    pub(crate) fn to_json(&self) -> serde_json::Value {
        let skip = self.lines.len().saturating_sub(TERM_SAVED);
        serde_json::Value::Array(
            self.lines.iter().skip(skip).map(|l| serde_json::json!([stream_name(l.stream), l.text])).collect(),
        )
    }

    /// Puts saved lines back before the ones already shown. Lines that cannot be read are
    /// skipped.
    pub(crate) fn restore_json(&mut self, saved: &serde_json::Value) {
        let Some(rows) = saved.as_array() else { return };
        let now: Vec<Rc<TermLine>> = self.lines.drain(..).collect();
        self.seq = 0;
        for row in rows {
            let (Some(stream), Some(text)) = (row.get(0).and_then(|s| s.as_str()), row.get(1).and_then(|t| t.as_str()))
            else {
                continue;
            };
            let Some(stream) = stream_of(stream) else { continue };
            self.push(stream, text.to_string());
        }
        for l in now {
            self.push(l.stream, l.text.clone());
        }
    }

    pub(crate) fn clear(&mut self) {
        self.lines.clear();
        self.dirty = true;
    }

    #[cfg(test)]
    pub(crate) fn lines(&self) -> impl Iterator<Item = &Rc<TermLine>> {
        self.lines.iter()
    }

    /// The lines as the page gets them (the same `Rc` until something changes).
    pub(crate) fn published(&mut self) -> Rc<Vec<Rc<TermLine>>> {
        if self.dirty {
            self.published = Rc::new(self.lines.iter().cloned().collect());
            self.dirty = false;
        }
        self.published.clone()
    }
}

fn stream_name(s: TermStream) -> &'static str {
    match s {
        TermStream::Command => "cmd",
        TermStream::Input => "in",
        TermStream::Stdout => "out",
        TermStream::Stderr => "err",
        TermStream::Note => "note",
    }
}

fn stream_of(s: &str) -> Option<TermStream> {
    Some(match s {
        "cmd" => TermStream::Command,
        "in" => TermStream::Input,
        "out" => TermStream::Stdout,
        "err" => TermStream::Stderr,
        "note" => TermStream::Note,
        _ => return None,
    })
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
    fn a_reload_puts_the_saved_lines_back_before_the_new_ones() {
        let mut before = Transcript::default();
        before.push(TermStream::Command, "kafka-topics --list".into());
        before.push(TermStream::Stdout, "orders".into());
        before.push(TermStream::Stderr, "oops".into());
        let saved = before.to_json();
        let mut after = Transcript::default();
        after.push(TermStream::Note, "welcome".into());
        after.restore_json(&saved);
        let got: Vec<_> = after.lines().map(|l| (l.stream, l.text.clone())).collect();
        assert_eq!(
            got,
            vec![
                (TermStream::Command, "kafka-topics --list".to_string()),
                (TermStream::Stdout, "orders".to_string()),
                (TermStream::Stderr, "oops".to_string()),
                (TermStream::Note, "welcome".to_string()),
            ]
        );
        // Damaged rows are skipped, not fatal.
        after.restore_json(&serde_json::json!([["bogus", "x"], 7, ["out"]]));
        assert_eq!(after.lines().count(), 4);
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
