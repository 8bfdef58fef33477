//! Console input → commands: a small, deterministic subset of `sh`.
//!
//! The console accepts one line typed in the browser or a whole script file
//! (headless runner). Learners type the real Kafka tools
//! (`bin/kafka-topics.sh ...`), often copied from tutorials, so the subset covers
//! what such tutorials use:
//!
//! * words split on blanks; `'single'` quotes (literal), `"double"` quotes with
//!   the `\"`, `\\`, `\$`, `` \` `` escapes, backslash escapes outside quotes,
//!   backslash-newline continuation, `#` comments at a word start, blank lines;
//! * `;` between commands on one line;
//! * stdin from a here-document (`<<EOF`, `<<'EOF'`, `<<"EOF"`, `<<-EOF`, any
//!   delimiter word) or from one pipe whose left side is `echo` (`-n`, `-e`),
//!   `printf` (`%s`, `%d`, `%%`, `\n`, `\t`, `\\`, format reuse), `seq N`,
//!   `seq A B` (`seq A STEP B`) or `cat <<EOF`.
//!
//! * stdout redirection to the console's virtual files: `> FILE`, `1> FILE`,
//!   `>> FILE`; stdin from a file: `< FILE` or `cat FILE | ...`.
//!
//! There are no environment variables: `$VAR` stays literal. Redirecting
//! stderr (`2>`), `&&`, `||`, `&`, subshells and command substitution are
//! rejected with a one-line message. Nothing here panics: every rejection is a [`ShellError`]
//! tied to the line where the bad command starts, and later commands are still
//! parsed.

use crate::sim::codec::Codec;
use serde::{Deserialize, Serialize};

/// One command ready to run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct ScriptItem {
    /// 1-based line where the command starts.
    pub line: u32,
    /// The original command text (continuation lines and here-document body
    /// included), for echoing in the console.
    pub text: String,
    /// Arguments after quote removal. `argv[0]` is the normalised program
    /// name (`bin/kafka-topics.sh` → `kafka-topics`, see [`normalize_program`]).
    pub argv: Vec<String>,
    /// The program name exactly as typed (`bin/kafka-topics.sh`), for messages.
    pub program_as_typed: String,
    /// Standard input: a here-document body or the output of the producer
    /// left of `|`. `None` when the command reads no stdin.
    pub stdin: Option<String>,
    /// Standard input from a file of the console's virtual file system
    /// (`tool < FILE` or `cat FILE | tool`); the executor reads it.
    #[serde(default)]
    pub stdin_file: Option<String>,
    /// Standard output redirected to a file (`> FILE`, `>> FILE`).
    #[serde(default)]
    pub redirect: Option<Redirect>,
}

/// `> FILE` (truncate) or `>> FILE` (append): where stdout goes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct Redirect {
    pub path: String,
    pub(crate) append: bool,
}

/// A command that could not be parsed. `message` is one line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct ShellError {
    /// 1-based line where the bad command starts.
    pub line: u32,
    pub message: String,
}

/// Most numbers `seq` may print (keeps the page responsive).
pub(crate) const SEQ_LIMIT: i64 = 1_000_000;

/// Normalises a program name: an optional leading `./`, `bin/` (or any path
/// ending in `/bin/`) and a trailing `.sh` are dropped, so
/// `bin/kafka-topics.sh`, `./bin/kafka-topics.sh`, `kafka-topics.sh` and
/// `kafka-topics` are the same program (Kafka's quickstart uses
/// `bin/kafka-topics.sh`).
pub fn normalize_program(name: &str) -> String {
    let mut s = name;
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    if let Some(rest) = s.strip_prefix("bin/") {
        s = rest;
    } else if let Some(idx) = s.rfind("/bin/") {
        s = &s[idx + 5..];
    }
    let s = s.strip_suffix(".sh").unwrap_or(s);
    s.to_string()
}

/// Parses console input (one line or a whole script) into commands.
///
/// A bad command yields an `Err` for its line and parsing goes on with the
/// next command. CRLF line ends are accepted.
pub fn parse_script(src: &str) -> Vec<Result<ScriptItem, ShellError>> {
    let normalised = src.replace("\r\n", "\n");
    let chars: Vec<char> = normalised.chars().collect();
    let mut out = Vec::new();
    let mut pos = 0usize;
    let mut line = 1u32;
    while pos < chars.len() {
        let start_pos = pos;
        let cl = lex_command_line(&chars, &mut pos, &mut line);
        match &cl.incomplete {
            Some(Incomplete::Quote { quote, line: qline }) => {
                let what = if *quote == '\'' { "single" } else { "double" };
                out.push(Err(ShellError {
                    line: cl.first_line,
                    message: format!("unterminated {what} quote: the {quote} opened on line {qline} is never closed"),
                }));
                // Resume on the physical line after the one where the command
                // started, so later commands still run.
                pos = next_line_start(&chars, start_pos.max(cl.start));
                line = line_of(&chars, pos);
                continue;
            }
            Some(Incomplete::Pipe) => {
                out.push(Err(ShellError {
                    line: cl.first_line,
                    message: "syntax error: unexpected end of input after '|' (a command must follow the pipe)"
                        .to_string(),
                }));
                continue;
            }
            _ => {}
        }
        build_items(&chars, &cl, &mut out);
    }
    out
}

/// True when `partial` cannot be run yet and the UI should show a
/// continuation prompt: an open quote, a trailing backslash, a trailing `|`,
/// or a here-document whose delimiter line has not been typed.
pub fn needs_more_input(partial: &str) -> bool {
    let normalised = partial.replace("\r\n", "\n");
    let chars: Vec<char> = normalised.chars().collect();
    let mut pos = 0usize;
    let mut line = 1u32;
    while pos < chars.len() {
        let before = pos;
        let cl = lex_command_line(&chars, &mut pos, &mut line);
        if cl.incomplete.is_some() {
            return true;
        }
        if cl.heredocs.iter().any(|h| !h.closed) {
            return true;
        }
        if pos <= before {
            break;
        }
    }
    false
}

/// Runs one of the supported stdin producers (`echo`, `printf`, `seq`,
/// `cat <<EOF`) and returns what it writes. `heredoc` is the body fed to it.
/// The executor may also use this to run a lone `echo`/`printf`/`seq`.
pub(crate) fn producer_output(argv: &[String], heredoc: Option<&str>) -> Result<String, String> {
    let Some(prog) = argv.first() else {
        return Err("empty command before '|'".to_string());
    };
    let args = &argv[1..];
    match prog.as_str() {
        "echo" => Ok(run_echo(args)),
        "printf" => run_printf(args),
        "seq" => run_seq(args),
        "cat" => {
            let plain = args.iter().all(|a| a == "-");
            match heredoc {
                Some(body) if plain => Ok(body.to_string()),
                _ => Err("cat can pass a here-document or one file into a pipe (cat <<EOF | ..., cat FILE | ...)"
                    .to_string()),
            }
        }
        other => Err(format!(
            "'{other}' cannot feed a pipe here: only echo, printf, seq and cat <<EOF are supported before '|'"
        )),
    }
}

// ---------------------------------------------------------------------------
// Lexer
// ---------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum TokKind {
    Word(String),
    Pipe,
    Semi,
    /// Index into `CommandLine::heredocs`.
    HereDoc(usize),
    /// `>` (false) or `>>` (true); the next word is the file.
    RedirectOut(bool),
    /// `<`; the next word is the file.
    RedirectIn,
    /// An unsupported construct; the message says what is supported.
    Bad(String),
}

#[derive(Clone, Debug)]
struct Tok {
    kind: TokKind,
    start: usize,
    end: usize,
    line: u32,
}

#[derive(Clone, Debug)]
struct HereDoc {
    delim: String,
    strip_tabs: bool,
    quoted: bool,
    line: u32,
    body: String,
    /// Raw source range of the body and delimiter line (for `text`).
    raw_start: usize,
    raw_end: usize,
    closed: bool,
    read: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Incomplete {
    Quote { quote: char, line: u32 },
    Backslash,
    Pipe,
}

#[derive(Clone, Debug)]
struct CommandLine {
    toks: Vec<Tok>,
    heredocs: Vec<HereDoc>,
    start: usize,
    first_line: u32,
    incomplete: Option<Incomplete>,
}

fn next_line_start(chars: &[char], from: usize) -> usize {
    let mut i = from;
    while i < chars.len() {
        if chars[i] == '\n' {
            return i + 1;
        }
        i += 1;
    }
    chars.len()
}

fn line_of(chars: &[char], pos: usize) -> u32 {
    let n = chars[..pos.min(chars.len())].iter().filter(|c| **c == '\n').count();
    u32::try_from(n).unwrap_or(u32::MAX - 1).saturating_add(1)
}

struct WordBuf {
    text: String,
    start: usize,
    line: u32,
}

fn flush(word: &mut Option<WordBuf>, toks: &mut Vec<Tok>, end: usize) {
    if let Some(w) = word.take() {
        toks.push(Tok { kind: TokKind::Word(w.text), start: w.start, end, line: w.line });
    }
}

fn begin(word: &mut Option<WordBuf>, pos: usize, line: u32) -> &mut String {
    &mut word.get_or_insert_with(|| WordBuf { text: String::new(), start: pos, line }).text
}

fn is_operator_char(c: char) -> bool {
    matches!(c, '|' | ';' | '&' | '<' | '>' | '(' | ')')
}

/// Lexes one logical command line (continuations and pipe continuations
/// included) and reads the bodies of its here-documents.
fn lex_command_line(chars: &[char], pos: &mut usize, line: &mut u32) -> CommandLine {
    let mut cl =
        CommandLine { toks: Vec::new(), heredocs: Vec::new(), start: *pos, first_line: *line, incomplete: None };
    let mut word: Option<WordBuf> = None;
    let mut first_line_set = false;
    let len = chars.len();
    loop {
        if *pos >= len {
            flush(&mut word, &mut cl.toks, *pos);
            if cl.incomplete.is_none() && matches!(cl.toks.last(), Some(t) if matches!(t.kind, TokKind::Pipe)) {
                cl.incomplete = Some(Incomplete::Pipe);
            }
            break;
        }
        let c = chars[*pos];
        if !first_line_set && !c.is_whitespace() {
            cl.first_line = *line;
            cl.start = *pos;
            first_line_set = true;
        }
        match c {
            '\n' => {
                flush(&mut word, &mut cl.toks, *pos);
                *pos += 1;
                *line = line.saturating_add(1);
                read_pending_heredocs(chars, pos, line, &mut cl.heredocs);
                if matches!(cl.toks.last(), Some(t) if matches!(t.kind, TokKind::Pipe)) {
                    continue;
                }
                break;
            }
            ' ' | '\t' | '\r' => {
                flush(&mut word, &mut cl.toks, *pos);
                *pos += 1;
            }
            '\\' => {
                if *pos + 1 < len {
                    let next = chars[*pos + 1];
                    if next == '\n' {
                        *pos += 2;
                        *line = line.saturating_add(1);
                    } else {
                        begin(&mut word, *pos, *line).push(next);
                        *pos += 2;
                    }
                } else {
                    *pos += 1;
                    cl.incomplete = Some(Incomplete::Backslash);
                }
            }
            '\'' => {
                let qline = *line;
                let qstart = *pos;
                *pos += 1;
                let mut buf = String::new();
                let mut closed = false;
                while *pos < len {
                    let ch = chars[*pos];
                    *pos += 1;
                    if ch == '\'' {
                        closed = true;
                        break;
                    }
                    if ch == '\n' {
                        *line = line.saturating_add(1);
                    }
                    buf.push(ch);
                }
                begin(&mut word, qstart, qline).push_str(&buf);
                if !closed {
                    cl.incomplete = Some(Incomplete::Quote { quote: '\'', line: qline });
                    flush(&mut word, &mut cl.toks, *pos);
                    break;
                }
            }
            '"' => {
                let qline = *line;
                let qstart = *pos;
                *pos += 1;
                let mut buf = String::new();
                let mut closed = false;
                while *pos < len {
                    let ch = chars[*pos];
                    if ch == '"' {
                        *pos += 1;
                        closed = true;
                        break;
                    }
                    if ch == '\\' && *pos + 1 < len {
                        let next = chars[*pos + 1];
                        match next {
                            '"' | '\\' | '$' | '`' => {
                                buf.push(next);
                                *pos += 2;
                            }
                            '\n' => {
                                *pos += 2;
                                *line = line.saturating_add(1);
                            }
                            _ => {
                                buf.push('\\');
                                *pos += 1;
                            }
                        }
                        continue;
                    }
                    if ch == '\n' {
                        *line = line.saturating_add(1);
                    }
                    buf.push(ch);
                    *pos += 1;
                }
                begin(&mut word, qstart, qline).push_str(&buf);
                if !closed {
                    cl.incomplete = Some(Incomplete::Quote { quote: '"', line: qline });
                    flush(&mut word, &mut cl.toks, *pos);
                    break;
                }
            }
            '#' if word.is_none() => {
                while *pos < len && chars[*pos] != '\n' {
                    *pos += 1;
                }
            }
            '|' => {
                flush(&mut word, &mut cl.toks, *pos);
                let start = *pos;
                if *pos + 1 < len && chars[*pos + 1] == '|' {
                    *pos += 2;
                    cl.toks.push(Tok {
                        kind: TokKind::Bad("'||' is not supported: run the commands on separate lines".to_string()),
                        start,
                        end: *pos,
                        line: *line,
                    });
                } else {
                    *pos += 1;
                    cl.toks.push(Tok { kind: TokKind::Pipe, start, end: *pos, line: *line });
                }
            }
            ';' => {
                flush(&mut word, &mut cl.toks, *pos);
                cl.toks.push(Tok { kind: TokKind::Semi, start: *pos, end: *pos + 1, line: *line });
                *pos += 1;
            }
            '&' => {
                flush(&mut word, &mut cl.toks, *pos);
                let start = *pos;
                let msg = if *pos + 1 < len && chars[*pos + 1] == '&' {
                    *pos += 2;
                    "'&&' is not supported: run the commands on separate lines (or separate them with ';')"
                } else {
                    *pos += 1;
                    "'&' (background jobs) is not supported: tools that keep running, like the console consumer, already run in the background of the simulator"
                };
                cl.toks.push(Tok { kind: TokKind::Bad(msg.to_string()), start, end: *pos, line: *line });
            }
            '<' => {
                flush(&mut word, &mut cl.toks, *pos);
                let start = *pos;
                let tok_line = *line;
                if *pos + 1 < len && chars[*pos + 1] == '<' {
                    if *pos + 2 < len && chars[*pos + 2] == '<' {
                        *pos += 3;
                        cl.toks.push(Tok {
                            kind: TokKind::Bad(
                                "here-strings (<<<) are not supported: use <<EOF ... EOF or echo ... |".to_string(),
                            ),
                            start,
                            end: *pos,
                            line: tok_line,
                        });
                    } else {
                        *pos += 2;
                        let kind = lex_heredoc_op(chars, pos, *line, &mut cl.heredocs);
                        cl.toks.push(Tok { kind, start, end: *pos, line: tok_line });
                    }
                } else {
                    *pos += 1;
                    cl.toks.push(Tok { kind: TokKind::RedirectIn, start, end: *pos, line: tok_line });
                }
            }
            '>' => {
                // `1>` and `2>`: a lone digit glued to the operator names a descriptor.
                let fd = match &word {
                    Some(w) if w.text == "1" || w.text == "2" => w.text.clone(),
                    _ => String::new(),
                };
                let start = if fd.is_empty() {
                    flush(&mut word, &mut cl.toks, *pos);
                    *pos
                } else {
                    word.take().map(|w| w.start).unwrap_or(*pos)
                };
                *pos += 1;
                let mut append = false;
                if *pos < len && chars[*pos] == '>' {
                    append = true;
                    *pos += 1;
                }
                let mut bad = false;
                while *pos < len && matches!(chars[*pos], '>' | '&' | '|') {
                    bad = true;
                    *pos += 1;
                }
                let kind = if fd == "2" {
                    TokKind::Bad("redirecting stderr (2>) is not supported: stderr always goes to the console, where its lines are marked".to_string())
                } else if bad {
                    TokKind::Bad("only '> FILE' and '>> FILE' redirections are supported".to_string())
                } else {
                    TokKind::RedirectOut(append)
                };
                cl.toks.push(Tok { kind, start, end: *pos, line: *line });
            }
            '(' | ')' | '`' => {
                flush(&mut word, &mut cl.toks, *pos);
                let start = *pos;
                *pos += 1;
                let msg = if c == '`' {
                    "command substitution (`...`) is not supported"
                } else {
                    "subshells and grouping with '(' ')' are not supported (quote the text if it is an argument)"
                };
                cl.toks.push(Tok { kind: TokKind::Bad(msg.to_string()), start, end: *pos, line: *line });
            }
            '$' if *pos + 1 < len && chars[*pos + 1] == '(' => {
                flush(&mut word, &mut cl.toks, *pos);
                let start = *pos;
                *pos += 2;
                cl.toks.push(Tok {
                    kind: TokKind::Bad("command substitution $(...) is not supported".to_string()),
                    start,
                    end: *pos,
                    line: *line,
                });
            }
            _ => {
                begin(&mut word, *pos, *line).push(c);
                *pos += 1;
            }
        }
    }
    // A here-document whose command line ended at EOF without a newline has
    // no body yet.
    read_pending_heredocs(chars, pos, line, &mut cl.heredocs);
    cl
}

/// After `<<`: reads the optional `-` and the delimiter word.
fn lex_heredoc_op(chars: &[char], pos: &mut usize, line: u32, heredocs: &mut Vec<HereDoc>) -> TokKind {
    let len = chars.len();
    let mut strip_tabs = false;
    if *pos < len && chars[*pos] == '-' {
        strip_tabs = true;
        *pos += 1;
    }
    while *pos < len && (chars[*pos] == ' ' || chars[*pos] == '\t') {
        *pos += 1;
    }
    let mut delim = String::new();
    let mut quoted = false;
    let mut any = false;
    while *pos < len {
        let c = chars[*pos];
        if c.is_whitespace() || is_operator_char(c) {
            break;
        }
        any = true;
        match c {
            '\'' | '"' => {
                quoted = true;
                *pos += 1;
                while *pos < len && chars[*pos] != c && chars[*pos] != '\n' {
                    delim.push(chars[*pos]);
                    *pos += 1;
                }
                if *pos < len && chars[*pos] == c {
                    *pos += 1;
                } else {
                    return TokKind::Bad(format!(
                        "syntax error: unterminated quote in the here-document delimiter after '<<' (line {line})"
                    ));
                }
            }
            '\\' => {
                quoted = true;
                *pos += 1;
                if *pos < len && chars[*pos] != '\n' {
                    delim.push(chars[*pos]);
                    *pos += 1;
                }
            }
            _ => {
                delim.push(c);
                *pos += 1;
            }
        }
    }
    if !any {
        return TokKind::Bad("syntax error: a delimiter word must follow '<<' (for example <<EOF)".to_string());
    }
    heredocs.push(HereDoc {
        delim,
        strip_tabs,
        quoted,
        line,
        body: String::new(),
        raw_start: 0,
        raw_end: 0,
        closed: false,
        read: false,
    });
    TokKind::HereDoc(heredocs.len() - 1)
}

/// Reads the body of every here-document of the current line that has not
/// been read yet, starting at `pos` (just after a newline).
fn read_pending_heredocs(chars: &[char], pos: &mut usize, line: &mut u32, heredocs: &mut [HereDoc]) {
    let len = chars.len();
    for h in heredocs.iter_mut().filter(|h| !h.read) {
        h.read = true;
        h.raw_start = *pos;
        let mut raw_body = String::new();
        loop {
            if *pos >= len {
                h.raw_end = len;
                break;
            }
            let line_start = *pos;
            let mut line_end = line_start;
            while line_end < len && chars[line_end] != '\n' {
                line_end += 1;
            }
            let raw: String = chars[line_start..line_end].iter().collect();
            let cmp: &str = if h.strip_tabs { raw.trim_start_matches('\t') } else { raw.as_str() };
            let at_eof = line_end >= len;
            *pos = if at_eof { len } else { line_end + 1 };
            if !at_eof {
                *line = line.saturating_add(1);
            }
            if cmp == h.delim {
                h.closed = true;
                h.raw_end = line_end;
                break;
            }
            raw_body.push_str(cmp);
            raw_body.push('\n');
            if at_eof {
                h.raw_end = len;
                break;
            }
        }
        h.body = if h.quoted { raw_body } else { unquoted_heredoc_body(&raw_body) };
    }
}

/// In an unquoted here-document `\\`, `\$`, `` \` `` lose their backslash and
/// backslash-newline joins lines; `$VAR` stays literal (no environment).
fn unquoted_heredoc_body(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut it = raw.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.peek() {
                Some('\\') | Some('$') | Some('`') => {
                    if let Some(n) = it.next() {
                        out.push(n);
                    }
                }
                Some('\n') => {
                    it.next();
                }
                _ => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------

struct Stage<'a> {
    words: Vec<String>,
    heredoc: Option<&'a HereDoc>,
    line: u32,
}

fn build_items(chars: &[char], cl: &CommandLine, out: &mut Vec<Result<ScriptItem, ShellError>>) {
    let mut segment: Vec<&Tok> = Vec::new();
    let mut segments: Vec<Vec<&Tok>> = Vec::new();
    for t in &cl.toks {
        if matches!(t.kind, TokKind::Semi) {
            segments.push(std::mem::take(&mut segment));
        } else {
            segment.push(t);
        }
    }
    segments.push(segment);
    for seg in segments {
        if seg.is_empty() {
            continue;
        }
        out.push(build_segment(chars, cl, &seg));
    }
}

fn build_segment(chars: &[char], cl: &CommandLine, seg: &[&Tok]) -> Result<ScriptItem, ShellError> {
    let line = seg.first().map(|t| t.line).unwrap_or(cl.first_line);
    let err = |message: String| Err(ShellError { line, message });
    for t in seg {
        if let TokKind::Bad(msg) = &t.kind {
            return err(msg.clone());
        }
    }
    // Text: the tokens' source range, then any here-document body.
    let start = seg.first().map(|t| t.start).unwrap_or(0);
    let end = seg.last().map(|t| t.end).unwrap_or(start);
    let mut text: String = chars[start.min(chars.len())..end.min(chars.len())].iter().collect();
    for t in seg {
        if let TokKind::HereDoc(i) = t.kind {
            if let Some(h) = cl.heredocs.get(i) {
                let raw: String = chars[h.raw_start.min(chars.len())..h.raw_end.min(chars.len())].iter().collect();
                text.push('\n');
                text.push_str(&raw);
            }
        }
    }

    let mut stages: Vec<Stage> = vec![Stage { words: Vec::new(), heredoc: None, line }];
    let mut redirect: Option<Redirect> = None;
    let mut stdin_file: Option<String> = None;
    // Some(Some(append)) after `>`/`>>`, Some(None) after `<`.
    let mut pending_redirect: Option<Option<bool>> = None;
    let mut redirect_stage = usize::MAX;
    for t in seg {
        match &t.kind {
            TokKind::Pipe => stages.push(Stage { words: Vec::new(), heredoc: None, line: t.line }),
            TokKind::Word(w) => {
                if let Some(target) = pending_redirect.take() {
                    match target {
                        Some(append) => redirect = Some(Redirect { path: w.clone(), append }),
                        None => stdin_file = Some(w.clone()),
                    }
                    redirect_stage = redirect_stage.min(stages.len());
                    continue;
                }
                if let Some(s) = stages.last_mut() {
                    if s.words.is_empty() {
                        s.line = t.line;
                    }
                    s.words.push(w.clone());
                }
            }
            TokKind::RedirectOut(append) => {
                if pending_redirect.is_some() {
                    return err("syntax error: a file name must follow '>'".to_string());
                }
                pending_redirect = Some(Some(*append));
            }
            TokKind::RedirectIn => {
                if pending_redirect.is_some() {
                    return err("syntax error: a file name must follow '<'".to_string());
                }
                pending_redirect = Some(None);
            }
            TokKind::HereDoc(i) => {
                if let (Some(s), Some(h)) = (stages.last_mut(), cl.heredocs.get(*i)) {
                    s.heredoc = Some(h);
                }
            }
            TokKind::Semi | TokKind::Bad(_) => {}
        }
    }
    if let Some(target) = pending_redirect {
        let op = if target.is_some() { '>' } else { '<' };
        return err(format!("syntax error: a file name must follow '{op}'"));
    }
    if stages.len() > 1 && redirect_stage < stages.len() {
        return err("a redirection must come after the last command of a pipe".to_string());
    }
    if stages.iter().any(|s| s.words.is_empty() && s.heredoc.is_none()) && stages.len() > 1 {
        return err("syntax error near unexpected token '|': a command is missing on one side of the pipe".to_string());
    }
    for s in &stages {
        if s.words.is_empty() {
            return err("a here-document needs a command: write e.g. kafka-console-producer ... <<EOF".to_string());
        }
        if let Some(h) = s.heredoc {
            if !h.closed {
                return err(format!(
                    "here-document started on line {} is never closed: add a line containing only '{}'",
                    h.line, h.delim
                ));
            }
        }
    }
    if stages.len() > 2 {
        return err("only one '|' per command is supported: <echo|printf|seq|cat <<EOF> | <kafka tool>".to_string());
    }
    let (stdin, consumer) = if stages.len() == 2 {
        let producer = &stages[0];
        let consumer = &stages[1];
        // `cat FILE | tool`: the executor reads the file.
        let cat_file = producer.heredoc.is_none()
            && producer.words.len() == 2
            && producer.words[0] == "cat"
            && producer.words[1] != "-";
        if cat_file && consumer.heredoc.is_none() && stdin_file.is_none() {
            stdin_file = Some(producer.words[1].clone());
        }
        let produced = if cat_file {
            Ok(String::new())
        } else {
            producer_output(&producer.words, producer.heredoc.map(|h| h.body.as_str()))
        };
        let produced = match produced {
            Ok(s) => s,
            Err(m) => return Err(ShellError { line: producer.line, message: m }),
        };
        // As in sh, a here-document on the right side wins over the pipe.
        let stdin = consumer.heredoc.map(|h| h.body.clone()).unwrap_or(produced);
        if stdin_file.is_some() && consumer.heredoc.is_none() {
            (None, consumer)
        } else {
            (Some(stdin), consumer)
        }
    } else {
        let only = &stages[0];
        (only.heredoc.map(|h| h.body.clone()), only)
    };
    let program_as_typed = consumer.words.first().cloned().unwrap_or_default();
    let mut argv = consumer.words.clone();
    if let Some(first) = argv.first_mut() {
        *first = normalize_program(first);
    }
    // A here-document wins over `< FILE`, as in sh when it comes last; keep it simple.
    let stdin_file = if stdin.is_some() { None } else { stdin_file };
    Ok(ScriptItem { line, text, argv, program_as_typed, stdin, stdin_file, redirect })
}

// ---------------------------------------------------------------------------
// Producers: echo, printf, seq
// ---------------------------------------------------------------------------

fn run_echo(args: &[String]) -> String {
    let mut newline = true;
    let mut escapes = false;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        let is_opt = a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|c| matches!(c, 'n' | 'e' | 'E'));
        if !is_opt {
            break;
        }
        for c in a[1..].chars() {
            match c {
                'n' => newline = false,
                'e' => escapes = true,
                _ => escapes = false,
            }
        }
        i += 1;
    }
    let joined = args[i..].join(" ");
    let mut out = if escapes {
        let (s, stop) = echo_escapes(&joined);
        if stop {
            return s;
        }
        s
    } else {
        joined
    };
    if newline {
        out.push('\n');
    }
    out
}

/// `echo -e` escapes. Returns the text and whether `\c` stopped output.
fn echo_escapes(s: &str) -> (String, bool) {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != '\\' || i + 1 >= chars.len() {
            out.push(c);
            i += 1;
            continue;
        }
        let n = chars[i + 1];
        i += 2;
        match n {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            '\\' => out.push('\\'),
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'e' | 'E' => out.push('\u{1b}'),
            'f' => out.push('\u{c}'),
            'r' => out.push('\r'),
            'v' => out.push('\u{b}'),
            'c' => return (out, true),
            '0' => {
                let (v, used) = parse_radix(&chars[i..], 8, 3);
                i += used;
                out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
            }
            'x' => {
                let (v, used) = parse_radix(&chars[i..], 16, 2);
                if used == 0 {
                    out.push('\\');
                    out.push('x');
                } else {
                    i += used;
                    out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
                }
            }
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    (out, false)
}

fn parse_radix(chars: &[char], radix: u32, max: usize) -> (u32, usize) {
    let mut v = 0u32;
    let mut used = 0;
    for c in chars.iter().take(max) {
        match c.to_digit(radix) {
            Some(d) => {
                v = v * radix + d;
                used += 1;
            }
            None => break,
        }
    }
    (v, used)
}

fn run_printf(args: &[String]) -> Result<String, String> {
    let Some(format) = args.first() else {
        return Err("printf: usage: printf format [arguments]".to_string());
    };
    let fmt: Vec<char> = format.chars().collect();
    let rest = &args[1..];
    let mut out = String::new();
    let mut next = 0usize;
    loop {
        let before = next;
        let conversions = printf_pass(&fmt, rest, &mut next, &mut out)?;
        if conversions == 0 || next >= rest.len() || next == before {
            break;
        }
        if out.len() > 64 * 1024 * 1024 {
            return Err("printf: output too large".to_string());
        }
    }
    Ok(out)
}

/// One pass over the format. Returns the number of conversions seen.
fn printf_pass(fmt: &[char], args: &[String], next: &mut usize, out: &mut String) -> Result<usize, String> {
    let mut conversions = 0;
    let mut i = 0;
    while i < fmt.len() {
        let c = fmt[i];
        if c == '\\' && i + 1 < fmt.len() {
            let n = fmt[i + 1];
            i += 2;
            match n {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                '\\' => out.push('\\'),
                '"' => out.push('"'),
                '\'' => out.push('\''),
                'r' => out.push('\r'),
                'a' => out.push('\u{7}'),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                'v' => out.push('\u{b}'),
                'e' => out.push('\u{1b}'),
                '0'..='7' => {
                    let (v, used) = parse_radix(&fmt[i - 1..], 8, 3);
                    i = i - 1 + used;
                    out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
                }
                other => {
                    out.push('\\');
                    out.push(other);
                }
            }
            continue;
        }
        if c != '%' {
            out.push(c);
            i += 1;
            continue;
        }
        // Conversion: %[-0]*[width][.prec](s|d|i|%)
        i += 1;
        if i < fmt.len() && fmt[i] == '%' {
            out.push('%');
            i += 1;
            continue;
        }
        let spec_start = i;
        let mut left = false;
        let mut zero = false;
        while i < fmt.len() && matches!(fmt[i], '-' | '0' | '+' | ' ' | '#') {
            if fmt[i] == '-' {
                left = true;
            }
            if fmt[i] == '0' {
                zero = true;
            }
            i += 1;
        }
        let mut width = 0usize;
        while i < fmt.len() && fmt[i].is_ascii_digit() {
            width = width.saturating_mul(10).saturating_add(fmt[i] as usize - '0' as usize);
            i += 1;
        }
        let mut precision: Option<usize> = None;
        if i < fmt.len() && fmt[i] == '.' {
            i += 1;
            let mut p = 0usize;
            while i < fmt.len() && fmt[i].is_ascii_digit() {
                p = p.saturating_mul(10).saturating_add(fmt[i] as usize - '0' as usize);
                i += 1;
            }
            precision = Some(p);
        }
        if width > 4096 || precision.unwrap_or(0) > 4096 {
            return Err("printf: field width too large".to_string());
        }
        let Some(&conv) = fmt.get(i) else {
            let spec: String = fmt[spec_start - 1..].iter().collect();
            return Err(format!("printf: '{spec}': missing format character"));
        };
        i += 1;
        conversions += 1;
        let arg = args.get(*next).cloned();
        if arg.is_some() {
            *next += 1;
        }
        let body = match conv {
            's' => {
                let s = arg.unwrap_or_default();
                match precision {
                    Some(p) => s.chars().take(p).collect(),
                    None => s,
                }
            }
            'd' | 'i' => {
                let s = arg.unwrap_or_else(|| "0".to_string());
                let t = s.trim();
                match t.strip_prefix('+').unwrap_or(t).parse::<i64>() {
                    Ok(v) => v.to_string(),
                    Err(_) => return Err(format!("printf: {s}: invalid number")),
                }
            }
            other => return Err(format!("printf: '%{other}': invalid format character (supported: %s, %d, %%)")),
        };
        let n = body.chars().count();
        if n < width {
            let pad = width - n;
            if left {
                out.push_str(&body);
                out.extend(std::iter::repeat_n(' ', pad));
            } else if zero && matches!(conv, 'd' | 'i') {
                let (sign, digits) = match body.strip_prefix('-') {
                    Some(d) => ("-", d.to_string()),
                    None => ("", body.clone()),
                };
                out.push_str(sign);
                out.extend(std::iter::repeat_n('0', pad));
                out.push_str(&digits);
            } else {
                out.extend(std::iter::repeat_n(' ', pad));
                out.push_str(&body);
            }
        } else {
            out.push_str(&body);
        }
    }
    Ok(conversions)
}

fn run_seq(args: &[String]) -> Result<String, String> {
    let parse = |s: &String| -> Result<i64, String> {
        s.trim().parse::<i64>().map_err(|_| format!("seq: invalid integer argument: '{s}'"))
    };
    let (first, step, last) = match args.len() {
        1 => (1, 1, parse(&args[0])?),
        2 => (parse(&args[0])?, 1, parse(&args[1])?),
        3 => (parse(&args[0])?, parse(&args[1])?, parse(&args[2])?),
        0 => return Err("seq: missing operand (use seq N or seq A B)".to_string()),
        _ => return Err(format!("seq: extra operand '{}'", args[3])),
    };
    if step == 0 {
        return Err("seq: invalid Zero increment value: '0'".to_string());
    }
    let count: i128 = if (step > 0 && last < first) || (step < 0 && last > first) {
        0
    } else {
        (i128::from(last) - i128::from(first)) / i128::from(step) + 1
    };
    if count > i128::from(SEQ_LIMIT) {
        return Err(format!("seq: refusing to print more than {SEQ_LIMIT} numbers in the simulator"));
    }
    let mut out = String::new();
    let mut v = i128::from(first);
    for _ in 0..count {
        out.push_str(&v.to_string());
        out.push('\n');
        v += i128::from(step);
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
