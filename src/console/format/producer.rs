//! `kafka-console-producer`: the `>` prompt (`ConsoleProducer`) and the
//! line reader `LineMessageReader` with its error texts (`ConsoleProducer`).

use crate::sim::codec::Codec;
use serde::{Deserialize, Serialize};

use super::{stack_trace, Output};

/// The reader's configuration (`--property`, `ConsoleProducer`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct ReaderConfig {
    pub(crate) parse_key: bool,
    pub(crate) key_separator: String,
    pub(crate) parse_headers: bool,
    pub(crate) headers_delimiter: String,
    pub(crate) headers_separator: String,
    pub(crate) headers_key_separator: String,
    pub(crate) null_marker: Option<String>,
    pub(crate) ignore_error: bool,
}

impl Default for ReaderConfig {
    fn default() -> Self {
        ReaderConfig {
            parse_key: false,
            key_separator: "\t".to_string(),
            parse_headers: false,
            headers_delimiter: "\t".to_string(),
            headers_separator: ",".to_string(),
            headers_key_separator: ":".to_string(),
            null_marker: None,
            ignore_error: false,
        }
    }
}

fn is_true(v: &str) -> bool {
    v.trim().eq_ignore_ascii_case("true")
}

impl ReaderConfig {
    /// `LineMessageReader.configure`: booleans are
    /// `equalsIgnoreCase("true")` after trimming; the conflict checks run in
    /// Kafka's order and return the `KafkaException` message.
    pub(crate) fn from_properties(props: &[(String, String)]) -> Result<ReaderConfig, String> {
        let get = |k: &str| props.iter().rev().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        let mut c = ReaderConfig::default();
        if let Some(v) = get("parse.key") {
            c.parse_key = is_true(v);
        }
        if let Some(v) = get("key.separator") {
            c.key_separator = v.to_string();
        }
        if let Some(v) = get("parse.headers") {
            c.parse_headers = is_true(v);
        }
        if let Some(v) = get("headers.delimiter") {
            c.headers_delimiter = v.to_string();
        }
        if let Some(v) = get("headers.separator") {
            c.headers_separator = v.to_string();
        }
        if let Some(v) = get("headers.key.separator") {
            c.headers_key_separator = v.to_string();
        }
        if let Some(v) = get("ignore.error") {
            c.ignore_error = is_true(v);
        }
        if c.headers_delimiter == c.headers_separator {
            return Err("headers.delimiter and headers.separator may not be equal".to_string());
        }
        if c.headers_delimiter == c.headers_key_separator {
            return Err("headers.delimiter and headers.key.separator may not be equal".to_string());
        }
        if c.headers_separator == c.headers_key_separator {
            return Err("headers.separator and headers.key.separator may not be equal".to_string());
        }
        c.null_marker = get("null.marker").map(str::to_string);
        if let Some(m) = &c.null_marker {
            if &c.key_separator == m {
                return Err("null.marker and key.separator may not be equal".to_string());
            }
            if &c.headers_separator == m {
                return Err("null.marker and headers.separator may not be equal".to_string());
            }
            if &c.headers_delimiter == m {
                return Err("null.marker and headers.delimiter may not be equal".to_string());
            }
            if &c.headers_key_separator == m {
                return Err("null.marker and headers.key.separator may not be equal".to_string());
            }
        }
        Ok(c)
    }
}

/// A record header: key and optional value.
pub(crate) type Header = (String, Option<Vec<u8>>);

/// One record read from a line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct ParsedRecord {
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
    pub headers: Vec<Header>,
}

fn find_from(line: &str, start: usize, pat: &str) -> Option<usize> {
    line.get(start..)?.find(pat).map(|i| i + start)
}

/// `LineMessageReader`: parses `[headers<delimiter>][key<separator>]value`
/// (`ConsoleProducer`). `line_number` counts from 1. `Err` is the `KafkaException`
/// message (`LineMessageReader`). Separators are matched literally (Kafka compiles
/// `headers.separator` as a regex; plain separators behave the same).
pub(crate) fn read_record(line: &str, line_number: u32, cfg: &ReaderConfig) -> Result<ParsedRecord, String> {
    let parse = |enabled: bool, start: usize, demarcation: &str, name: &str| -> Result<Option<String>, String> {
        if !enabled {
            return Ok(None);
        }
        match find_from(line, start, demarcation) {
            None => {
                if cfg.ignore_error {
                    Ok(None)
                } else {
                    Err(format!("No {name} found on line number {line_number}: '{line}'"))
                }
            }
            Some(idx) => Ok(Some(line[start..idx].to_string())),
        }
    };
    let headers = parse(cfg.parse_headers, 0, &cfg.headers_delimiter, "headers delimiter")?;
    let header_offset = headers.as_ref().map(|h| h.len() + cfg.headers_delimiter.len()).unwrap_or(0);
    let key = parse(cfg.parse_key, header_offset, &cfg.key_separator, "key separator")?;
    let key_offset = key.as_ref().map(|k| k.len() + cfg.key_separator.len()).unwrap_or(0);
    let value = line.get(header_offset + key_offset..).unwrap_or("").to_string();
    let is_null = |s: &str| cfg.null_marker.as_deref() == Some(s);
    let mut record = ParsedRecord {
        key: key.filter(|k| !is_null(k)).map(String::into_bytes),
        value: if is_null(&value) { None } else { Some(value.into_bytes()) },
        headers: Vec::new(),
    };
    if let Some(h) = headers {
        if !is_null(&h) {
            record.headers = split_headers(&h, line_number, cfg)?;
        }
    }
    Ok(record)
}

/// Java `String.split`: drops trailing empty strings.
fn java_split<'a>(s: &'a str, sep: &str) -> Vec<&'a str> {
    if sep.is_empty() {
        return vec![s];
    }
    let mut v: Vec<&str> = s.split(sep).collect();
    while v.len() > 1 && v.last() == Some(&"") {
        v.pop();
    }
    if v.len() == 1 && v[0].is_empty() && !s.is_empty() {
        v.clear();
    }
    v
}

fn split_headers(headers: &str, line_number: u32, cfg: &ReaderConfig) -> Result<Vec<Header>, String> {
    let mut out = Vec::new();
    for pair in java_split(headers, &cfg.headers_separator) {
        match pair.find(&cfg.headers_key_separator) {
            None => {
                if cfg.ignore_error {
                    out.push((pair.to_string(), None));
                } else {
                    return Err(format!("No header key separator found in pair '{pair}' on line number {line_number}"));
                }
            }
            Some(i) => {
                let key = &pair[..i];
                if cfg.null_marker.as_deref() == Some(key) {
                    return Err(format!(
                        "Header keys should not be equal to the null marker '{key}' as they can't be null"
                    ));
                }
                let value = &pair[i + cfg.headers_key_separator.len()..];
                let v = if cfg.null_marker.as_deref() == Some(value) { None } else { Some(value.as_bytes().to_vec()) };
                out.push((key.to_string(), v));
            }
        }
    }
    Ok(out)
}

/// `CommandLineUtils.parseKeyValueArgs`: `k=v` split at the first `=`; a
/// missing value becomes `""`.
pub(crate) fn parse_key_value_args(args: &[&str]) -> Vec<(String, String)> {
    args.iter()
        .map(|a| match a.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (a.to_string(), String::new()),
        })
        .collect()
}

/// Java `BufferedReader.readLine` over stdin: lines split at `\n`, `\r\n` or
/// `\r`; a final line without terminator still counts; no line after a
/// final terminator.
pub(crate) fn stdin_lines(stdin: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let bytes = stdin.as_bytes();
    let mut start = 0usize;
    let mut i = 0usize;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                lines.push(&stdin[start..i]);
                i += 1;
                start = i;
            }
            b'\r' => {
                lines.push(&stdin[start..i]);
                i += 1;
                if i < bytes.len() && bytes[i] == b'\n' {
                    i += 1;
                }
                start = i;
            }
            _ => i += 1,
        }
    }
    if start < bytes.len() {
        lines.push(&stdin[start..]);
    }
    lines
}

/// The prompt printed before each line is read (`ConsoleProducer`): `>` when stdin is an
/// interactive terminal, nothing when it is piped (here-document, `echo |`).
pub(crate) fn prompt(interactive: bool) -> &'static str {
    if interactive {
        ">"
    } else {
        ""
    }
}

/// A `KafkaException` reaching `main`, which prints its stack trace (`LineMessageReader`):
/// `org.apache.kafka.common.KafkaException: <message>` then frames, stderr,
/// exit 1.
pub(crate) fn kafka_exception_output(message: &str) -> Output {
    let mut o = Output::new();
    o.err(&stack_trace("org.apache.kafka.common.KafkaException", message));
    o.exit_code = 1;
    o
}
