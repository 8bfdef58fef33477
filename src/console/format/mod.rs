//! Output layouts of the Kafka tools as pure functions over plain data. Nothing here reads a clock or a random source:
//! timestamps for log lines are passed in already formatted, and every
//! collection that reaches the output is ordered explicitly.
//!
//! # Output model
//! A tool run produces an [`Output`]: an ordered list of [`Chunk`]s, each
//! tagged with its [`Stream`], plus an exit code. Chunks keep the real
//! interleaving of stdout and stderr (e.g. `ConsumerGroupCommand` prints the "no active
//! members" note on stderr before the table on stdout) and may end without a
//! newline (the producer's `>` prompt, `ConsoleProducer`). [`Output::stdout`] and
//! [`Output::stderr`] give each stream alone; [`Output::lines`] splits the
//! chunks into display lines for the browser, which marks stderr lines.

use crate::sim::codec::Codec;
use serde::{Deserialize, Serialize};

pub mod api_versions;
pub mod configs;
pub(crate) mod consumer;
pub(crate) mod get_offsets;
pub(crate) mod groups;
pub(crate) mod leader_election;
pub(crate) mod perf;
pub(crate) mod producer;
pub(crate) mod quorum;
pub(crate) mod reassign;
pub(crate) mod topics;

/// Which stream a chunk of text went to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Codec)]
pub enum Stream {
    Stdout,
    Stderr,
    /// Brokerlab's own remark beside a tool's output ("did you mean --topic?"): shown in the
    /// console as a note, never part of what the real tool prints on stdout or stderr.
    Note,
}

/// A piece of text written to one stream.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct Chunk {
    pub stream: Stream,
    pub text: String,
}

/// Everything one tool invocation printed, in order, and its exit code.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct Output {
    pub chunks: Vec<Chunk>,
    pub exit_code: i32,
}

impl Output {
    /// Nothing printed, exit 0.
    pub(crate) fn new() -> Output {
        Output::default()
    }

    /// A one-line message on stderr with exit 1 (for simulator-internal
    /// failures that have no Kafka equivalent).
    pub(crate) fn failure(message: &str) -> Output {
        let mut o = Output::new();
        o.errln(message);
        o.exit_code = 1;
        o
    }

    fn push(&mut self, stream: Stream, text: &str) {
        if text.is_empty() {
            return;
        }
        if let Some(last) = self.chunks.last_mut() {
            if last.stream == stream {
                last.text.push_str(text);
                return;
            }
        }
        self.chunks.push(Chunk { stream, text: text.to_string() });
    }

    /// Writes to stdout (Java `System.out.print`).
    pub(crate) fn out(&mut self, text: &str) {
        self.push(Stream::Stdout, text);
    }

    /// Writes a line to stdout (Java `System.out.println`).
    pub(crate) fn outln(&mut self, text: &str) {
        self.push(Stream::Stdout, text);
        self.push(Stream::Stdout, "\n");
    }

    /// Writes to stderr.
    pub(crate) fn err(&mut self, text: &str) {
        self.push(Stream::Stderr, text);
    }

    /// Writes a line to stderr.
    pub(crate) fn errln(&mut self, text: &str) {
        self.push(Stream::Stderr, text);
        self.push(Stream::Stderr, "\n");
    }

    /// Adds a line of Brokerlab's own ([`Stream::Note`]).
    pub(crate) fn noteln(&mut self, text: &str) {
        self.push(Stream::Note, text);
        self.push(Stream::Note, "\n");
    }

    /// Appends another output (its exit code wins if non-zero).
    pub(crate) fn append(&mut self, other: &Output) {
        for c in &other.chunks {
            self.push(c.stream, &c.text);
        }
        if other.exit_code != 0 {
            self.exit_code = other.exit_code;
        }
    }

    /// Sets the exit code.
    pub(crate) fn with_exit(mut self, code: i32) -> Output {
        self.exit_code = code;
        self
    }

    /// All stdout text.
    pub fn stdout(&self) -> String {
        self.stream_text(Stream::Stdout)
    }

    /// All stderr text.
    pub fn stderr(&self) -> String {
        self.stream_text(Stream::Stderr)
    }

    fn stream_text(&self, s: Stream) -> String {
        self.chunks.iter().filter(|c| c.stream == s).map(|c| c.text.as_str()).collect()
    }

    /// Display lines in order, each tagged with its stream. A chunk that
    /// does not end with a newline leaves an open line that the next chunk of
    /// the same stream continues; a final open line is returned as is.
    pub fn lines(&self) -> Vec<(Stream, String)> {
        let mut out: Vec<(Stream, String)> = Vec::new();
        let mut open: Option<(Stream, String)> = None;
        for c in &self.chunks {
            for piece in c.text.split_inclusive('\n') {
                let (body, ends) = match piece.strip_suffix('\n') {
                    Some(b) => (b, true),
                    None => (piece, false),
                };
                let mut cur = match open.take() {
                    Some((s, t)) if s == c.stream => (s, t),
                    Some(other) => {
                        out.push(other);
                        (c.stream, String::new())
                    }
                    None => (c.stream, String::new()),
                };
                cur.1.push_str(body);
                if ends {
                    out.push(cur);
                } else {
                    open = Some(cur);
                }
            }
        }
        if let Some(o) = open {
            out.push(o);
        }
        out
    }
}

/// The first line of a Java stack trace and one elided frame, as printed
/// after tool errors: `<class>: <message>\n\tat...\n`.
///
/// An `ExecutionException` (a failed `KafkaFuture.get()`) takes its cause's `toString()` as
/// its message; `Throwable.printStackTrace` then prints the cause as `Caused by: ...`. A Kafka
/// `ApiException` (`org.apache.kafka.common.errors.*`) fills in no stack trace, so its
/// `Caused by:` line has no frames after it.
pub(crate) fn stack_trace(exception_class: &str, message: &str) -> String {
    if message.is_empty() {
        format!("{exception_class}\n\tat ...\n")
    } else if exception_class == "java.util.concurrent.ExecutionException"
        && message.starts_with("org.apache.kafka.common.errors.")
    {
        format!("{exception_class}: {message}\n\tat ...\nCaused by: {message}\n")
    } else {
        format!("{exception_class}: {message}\n\tat ...\n")
    }
}

/// An exception's `toString`: `<class>: <message>`. Kafka's
/// `ApiException`s print only this (they have no stack trace).
pub(crate) fn exception_string(exception_class: &str, message: &str) -> String {
    if message.is_empty() {
        exception_class.to_string()
    } else {
        format!("{exception_class}: {message}")
    }
}

/// A log4j line with the tools' pattern `[%d] %p %m (%c)%n`, without
/// the final newline. `timestamp` is already formatted
/// (`2024-10-25 12:00:00,123`).
pub(crate) fn log_line(timestamp: &str, level: &str, message: &str, logger: &str) -> String {
    format!("[{timestamp}] {level} {message} ({logger})")
}

/// Java `%-Ns`: left-justify in `width` characters (UTF-16 units, like Java).
pub(crate) fn pad_right(s: &str, width: usize) -> String {
    let len = s.encode_utf16().count();
    let mut out = s.to_string();
    if len < width {
        out.extend(std::iter::repeat_n(' ', width - len));
    }
    out
}

/// Java `%-Ns` with a width computed from data.
pub(crate) fn width_of<'a, I: IntoIterator<Item = &'a str>>(min: usize, values: I) -> usize {
    values.into_iter().map(|v| v.encode_utf16().count()).fold(min, usize::max)
}

/// Joins ints with `,` (Kafka's replica lists, `TopicCommand`).
pub(crate) fn join_ints(v: &[i32]) -> String {
    v.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(",")
}

/// Java `String.format("%.Nf", x)`: Java rounds HALF_UP on the shortest
/// decimal representation of the double (Rust rounds the exact binary value),
/// so `%.2f` of 2.675 is `2.68` in Java. `NaN` and `Infinity` as in Java.
pub(crate) fn java_fixed(x: f64, decimals: usize) -> String {
    if x.is_nan() {
        return "NaN".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.to_string();
    }
    let negative = x.is_sign_negative() && x != 0.0;
    // Shortest round-trip digits: d.ddd e±x, value = 0.D × 10^point.
    let repr = format!("{:e}", x.abs());
    let (mantissa, exp) = repr.split_once('e').unwrap_or((repr.as_str(), "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).map(|b| b - b'0').collect();
    let point = exp + 1;
    let (mut int_part, mut frac): (Vec<u8>, Vec<u8>) = if point <= 0 {
        let mut f: Vec<u8> = std::iter::repeat_n(0u8, (-point) as usize).collect();
        f.extend_from_slice(&digits);
        (Vec::new(), f)
    } else if point as usize >= digits.len() {
        let mut i = digits.clone();
        i.extend(std::iter::repeat_n(0u8, point as usize - digits.len()));
        (i, Vec::new())
    } else {
        (digits[..point as usize].to_vec(), digits[point as usize..].to_vec())
    };
    if frac.len() > decimals {
        let round_up = frac[decimals] >= 5;
        frac.truncate(decimals);
        if round_up {
            let mut carry = true;
            for d in frac.iter_mut().rev() {
                if *d == 9 {
                    *d = 0;
                } else {
                    *d += 1;
                    carry = false;
                    break;
                }
            }
            if carry {
                for d in int_part.iter_mut().rev() {
                    if *d == 9 {
                        *d = 0;
                    } else {
                        *d += 1;
                        carry = false;
                        break;
                    }
                }
                if carry {
                    int_part.insert(0, 1);
                }
            }
        }
    }
    while frac.len() < decimals {
        frac.push(0);
    }
    let mut s = String::new();
    if negative {
        s.push('-');
    }
    if int_part.is_empty() {
        s.push('0');
    } else {
        s.extend(int_part.iter().map(|d| char::from(b'0' + d)));
    }
    if decimals > 0 {
        s.push('.');
        s.extend(frac.iter().map(|d| char::from(b'0' + d)));
    }
    s
}

#[cfg(test)]
mod tests;
