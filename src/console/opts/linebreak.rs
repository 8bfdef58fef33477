//! Where a line of help text may break: a model of the JDK's line `BreakIterator`
//! (`BreakIterator.getLineInstance()`, a `sun.text.RuleBasedBreakIterator` built from the
//! `LineBreakRules` of `sun.text.resources.BreakIteratorRules`), which is what jopt-simple's
//! `BuiltinHelpFormatter` (`joptsimple.internal.Columns.piecesOf`) and argparse4j's
//! `TextHelper.wrap` cut help texts at.
//!
//! The JDK's rule, in its own terms: a *word* is pre-word characters (`( [ { $ ' "`), then a core
//! (a run of ordinary characters, or a number: pre-word characters and dashes, digits with single
//! `.` or `,` between them), then a suffix (a run of dashes, or a run of post-word characters
//! `) ] } " ! % . , : ; ?`); words joined by `'` or `$` stay together; then come blanks, then
//! an optional `()` followed by post-word characters, then an optional CR and a hard break (tab,
//! LF, FF). `RuleBasedBreakIterator.handleNext` takes the longest match of that rule from the
//! current position, and always at least one character. Brokerlab runs the rule as a small
//! regular expression (a Thompson NFA, simulated with state sets, which gives the longest match the
//! JDK's state table gives).
//!
//! The character classes are exact for ASCII (checked against the JDK by the `line-breaks`
//! conformance vectors); other characters are classified from Rust's character properties as
//! the JDK's Unicode categories would roughly have them (spaces, dashes, CJK, digits, the rest
//! ordinary), which is enough for the ASCII help texts of Kafka's tools.

use std::sync::LazyLock;

/// A character's classes in the line rule (a character may be in several: `.` is post-word and
/// mid-number, `(` is pre-word and the rule's `<hack1>`).
type Cat = u16;
const BREAK: Cat = 1;
const SPACE: Cat = 1 << 1;
const DASH: Cat = 1 << 2;
const PRE: Cat = 1 << 3;
const POST: Cat = 1 << 4;
const DIGIT: Cat = 1 << 5;
const MID_NUM: Cat = 1 << 6;
const CHAR: Cat = 1 << 7;
const CR: Cat = 1 << 8;
const OPEN_PAREN: Cat = 1 << 9;
const CLOSE_PAREN: Cat = 1 << 10;
const JOINER: Cat = 1 << 11;
const GLUE: Cat = 1 << 12;
const KANJI: Cat = 1 << 13;
const ENCLOSING: Cat = 1 << 14;
/// Format and control characters the iterator steps over without changing state.
const IGNORE: Cat = 1 << 15;

fn category(c: char) -> Cat {
    match c {
        '\u{3}' | '\t' | '\n' | '\u{c}' | '\u{2028}' | '\u{2029}' => BREAK,
        '\r' => CR,
        ' ' => SPACE,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => IGNORE,
        '-' | '\u{ad}' | '\u{2010}' | '\u{2012}'..='\u{2015}' => DASH,
        '(' => PRE | OPEN_PAREN,
        '[' | '{' => PRE,
        '$' | '\'' => PRE | JOINER,
        '"' => PRE | POST,
        ')' => POST | CLOSE_PAREN,
        ']' | '}' => POST,
        '!' | '%' | ':' | ';' | '?' => POST,
        '.' | ',' => POST | MID_NUM,
        // `<char>` is everything not named in its exclusion, which does not name `<digit>`.
        '0'..='9' => DIGIT | CHAR,
        '\u{20}'..='\u{7e}' => CHAR,
        // Beyond ASCII: an approximation of the JDK's Unicode classes.
        '\u{a0}' | '\u{2007}' | '\u{2011}' | '\u{202f}' | '\u{feff}' => GLUE,
        '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' => IGNORE,
        '\u{a2}'
        | '\u{b0}'
        | '\u{2030}'..='\u{2034}'
        | '\u{3001}'
        | '\u{3002}'
        | '\u{ff01}'
        | '\u{ff0c}'
        | '\u{ff0e}' => POST,
        '\u{a3}'..='\u{a5}' | '\u{20a0}'..='\u{20cf}' | '\u{ab}' | '\u{2018}' | '\u{201c}' => PRE,
        '\u{bb}' | '\u{2019}' | '\u{201d}' => POST,
        '\u{4e00}'..='\u{9fa5}' | '\u{ac00}'..='\u{d7a3}' | '\u{f900}'..='\u{fa2d}' | '\u{3041}'..='\u{3094}' => KANJI,
        '\u{30a1}'..='\u{30fa}' => KANJI,
        c if c.is_whitespace() => SPACE,
        c if c.is_numeric() => DIGIT | CHAR,
        _ => CHAR,
    }
}

/// The rule as a regular expression over character classes.
enum Re {
    Class(Cat),
    Seq(Vec<Re>),
    Alt(Vec<Re>),
    Star(Box<Re>),
    Opt(Box<Re>),
}

fn class(c: Cat) -> Re {
    Re::Class(c)
}
fn star(r: Re) -> Re {
    Re::Star(Box::new(r))
}
fn opt(r: Re) -> Re {
    Re::Opt(Box::new(r))
}
fn plus(c: Cat) -> Re {
    Re::Seq(vec![class(c), star(class(c))])
}

/// `LineBreakRules`' `<word>`: pre-word characters, a core (ordinary characters, one Kanji, or a
/// number), a suffix (dashes, or post-word characters).
fn word() -> Re {
    let number = Re::Seq(vec![star(class(PRE | DASH)), plus(DIGIT), star(Re::Seq(vec![class(MID_NUM), plus(DIGIT)]))]);
    let core = Re::Alt(vec![star(class(CHAR)), class(KANJI), number]);
    let suffix = Re::Alt(vec![plus(DASH), star(class(POST))]);
    Re::Seq(vec![star(class(PRE)), core, suffix])
}

/// The whole rule: words joined by glue or by `'`/`$`, blanks, `()` and post-word characters,
/// CR, a hard break; or a lone CR followed by a hard break.
fn rule() -> Re {
    let glued = Re::Seq(vec![star(class(SPACE)), plus(GLUE), opt(class(SPACE))]);
    let main = Re::Seq(vec![
        word(),
        star(Re::Seq(vec![Re::Alt(vec![glued, class(JOINER)]), word()])),
        star(class(SPACE)),
        star(class(ENCLOSING)),
        opt(Re::Seq(vec![class(OPEN_PAREN), class(CLOSE_PAREN), star(class(POST))])),
        star(class(ENCLOSING)),
        opt(class(CR)),
        opt(class(BREAK)),
    ]);
    Re::Alt(vec![main, Re::Seq(vec![class(CR), class(BREAK)])])
}

#[derive(Clone, Copy)]
enum Inst {
    Class(Cat),
    Split(usize, usize),
    Jmp(usize),
    Match,
}

fn compile(re: &Re, prog: &mut Vec<Inst>) {
    match re {
        Re::Class(c) => prog.push(Inst::Class(*c)),
        Re::Seq(v) => v.iter().for_each(|r| compile(r, prog)),
        Re::Alt(v) => match v.split_first() {
            None => {}
            Some((first, [])) => compile(first, prog),
            Some((first, rest)) => {
                let split = prog.len();
                prog.push(Inst::Split(split + 1, 0));
                compile(first, prog);
                let jmp = prog.len();
                prog.push(Inst::Jmp(0));
                let other = prog.len();
                compile(&Re::Alt(rest.iter().map(clone_re).collect()), prog);
                let end = prog.len();
                prog[split] = Inst::Split(split + 1, other);
                prog[jmp] = Inst::Jmp(end);
            }
        },
        Re::Star(r) => {
            let split = prog.len();
            prog.push(Inst::Split(split + 1, 0));
            compile(r, prog);
            prog.push(Inst::Jmp(split));
            let end = prog.len();
            prog[split] = Inst::Split(split + 1, end);
        }
        Re::Opt(r) => {
            let split = prog.len();
            prog.push(Inst::Split(split + 1, 0));
            compile(r, prog);
            let end = prog.len();
            prog[split] = Inst::Split(split + 1, end);
        }
    }
}

fn clone_re(r: &Re) -> Re {
    match r {
        Re::Class(c) => Re::Class(*c),
        Re::Seq(v) => Re::Seq(v.iter().map(clone_re).collect()),
        Re::Alt(v) => Re::Alt(v.iter().map(clone_re).collect()),
        Re::Star(b) => Re::Star(Box::new(clone_re(b))),
        Re::Opt(b) => Re::Opt(Box::new(clone_re(b))),
    }
}

static PROGRAM: LazyLock<Vec<Inst>> = LazyLock::new(|| {
    let mut prog = Vec::new();
    compile(&rule(), &mut prog);
    prog.push(Inst::Match);
    prog
});

/// Adds `pc` and everything reachable from it without reading a character.
fn close(prog: &[Inst], pc: usize, on: &mut [bool], list: &mut Vec<usize>) {
    if on[pc] {
        return;
    }
    on[pc] = true;
    match prog[pc] {
        Inst::Split(a, b) => {
            close(prog, a, on, list);
            close(prog, b, on, list);
        }
        Inst::Jmp(a) => close(prog, a, on, list),
        Inst::Class(_) | Inst::Match => list.push(pc),
    }
}

/// The length (in characters) of the next segment of `cats[start..]`: the longest match of the
/// rule, at least one character (`RuleBasedBreakIterator.handleNext`).
fn next_segment(prog: &[Inst], cats: &[Cat], start: usize) -> usize {
    let mut on = vec![false; prog.len()];
    let mut current = Vec::new();
    close(prog, 0, &mut on, &mut current);
    let accepts = |list: &[usize]| list.iter().any(|&pc| matches!(prog[pc], Inst::Match));
    let mut best = 1;
    for (i, &cat) in cats.iter().enumerate().skip(start) {
        if cat == IGNORE {
            // The state stays; an accepting state takes the ignored character along.
            if accepts(&current) {
                best = best.max(i + 1 - start);
            }
            continue;
        }
        on.iter_mut().for_each(|b| *b = false);
        let mut next = Vec::new();
        for &pc in &current {
            if let Inst::Class(c) = prog[pc] {
                if c & cat != 0 {
                    close(prog, pc + 1, &mut on, &mut next);
                }
            }
        }
        if next.is_empty() {
            break;
        }
        if accepts(&next) {
            best = best.max(i + 1 - start);
        }
        current = next;
    }
    best
}

/// `line` cut where the JDK's line `BreakIterator` puts its boundaries: each segment is a word
/// with what sticks to it and the blanks after it (a help formatter puts whole segments on a line).
pub(crate) fn segments(line: &str) -> Vec<&str> {
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let cats: Vec<Cat> = chars.iter().map(|&(_, c)| category(c)).collect();
    let mut out = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        let len = next_segment(&PROGRAM, &cats, start);
        let end = (start + len).min(chars.len());
        let from = chars[start].0;
        let to = chars.get(end).map_or(line.len(), |&(b, _)| b);
        out.push(&line[from..to]);
        start = end;
    }
    out
}

/// The boundaries `BreakIterator.next()` returns for `text` (after `first()`, until `DONE`), as
/// UTF-16 indices like Java's.
pub fn break_positions(text: &str) -> Vec<usize> {
    let mut at = 0;
    segments(text)
        .into_iter()
        .map(|s| {
            at += s.encode_utf16().count();
            at
        })
        .collect()
}
