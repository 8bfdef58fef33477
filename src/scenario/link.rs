//! Share links: a scenario in the URL fragment (`#s=1.<data>`), lesson links
//! (`#lesson=<id>`) and the read-only embed flag (`&embed=1`).
//!
//! The data is binary, then base64url (no padding), after a version tag (`1.`) that says how
//! to read it — so a link from a newer Brokerlab is recognised as such before anything else is
//! read. Format 1, byte by byte:
//!
//! ```text
//! flags u8            bit 0: the body is deflated (raw DEFLATE); other bits must be 0
//! length varint       the length of the body as stored
//! body                (inflated:) engine version, seed, config, entries — see `write_body`
//! crc32c u32 LE       CRC-32C of everything before it
//! ```
//!
//! The body is small because it is mostly command text, and command text is mostly the same
//! few phrases: each text is coded against a fixed dictionary of tool names and common options
//! ([`DICTIONARY`]), then deflate removes what repeats between commands (topic names, the
//! learner's own phrases). Times are deltas in microseconds, with whole milliseconds coded
//! shorter. The dictionary is part of format 1: changing it means a new format version.
//!
//! Decoding checks everything and never panics: the version tag, every character, the length
//! (a cut link says how much is missing), the checksum, then the content, bounded in size,
//! and finally the scenario itself ([`Scenario::validate`]). Nothing is skipped: a part it
//! does not know is an error, not ignored.

use super::{item_from_text, Scenario, ScenarioError, FORMAT_VERSION, MAX_LOG_ENTRIES, MAX_TEXT_BYTES};
use crate::console::session::{Action, LogEntry};
use crate::console::shell::{Redirect, ScriptItem};
use crate::sim::base64::{self, Alphabet};
use crate::sim::hash::crc32c;
use crate::sim::net::NetConfig;
use crate::sim::time::{SimTime, DEFAULT_EPOCH_MS};
use crate::sim::trace::TraceLevel;
use crate::sim::world::{ClusterConfig, SecondClusterConfig};
use std::collections::BTreeMap;

/// What a URL fragment asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fragment {
    /// No fragment: the normal sandbox.
    Sandbox,
    /// `#s=…`: replay this scenario; `embed`: read-only embed mode.
    Scenario { scenario: Box<Scenario>, embed: bool },
    /// `#lesson=<id>`.
    Lesson { id: String, embed: bool },
}

/// Most bytes an inflated body may have (a bound against deflate bombs).
pub(crate) const MAX_BODY_BYTES: usize = 4 << 20;

/// The fragment parameter that carries a scenario.
pub(crate) const SCENARIO_KEY: &str = "s";

const FLAG_DEFLATED: u8 = 1;

/// Phrases of format 1's text dictionary. Frozen: the index of each phrase is part of the
/// format (a test pins a hash of this list).
pub(crate) const DICTIONARY: &[&str] = &[
    "kafka-topics --bootstrap-server localhost:9092 ",
    "kafka-console-producer --bootstrap-server localhost:9092 ",
    "kafka-console-consumer --bootstrap-server localhost:9092 ",
    "kafka-consumer-groups --bootstrap-server localhost:9092 ",
    "kafka-configs --bootstrap-server localhost:9092 ",
    "kafka-get-offsets --bootstrap-server localhost:9092 ",
    "kafka-topics",
    "kafka-console-producer",
    "kafka-console-consumer",
    "kafka-consumer-groups",
    "kafka-configs",
    "kafka-get-offsets",
    "kafka-leader-election",
    "kafka-reassign-partitions",
    "kafka-producer-perf-test",
    "kafka-consumer-perf-test",
    "kafka-broker-api-versions",
    "kafka-metadata-quorum",
    "bin/",
    ".sh",
    " --bootstrap-server localhost:909",
    "--bootstrap-server ",
    "localhost:9092",
    "localhost:909",
    "--create --topic ",
    "--describe --topic ",
    "--delete --topic ",
    "--alter --topic ",
    "--list",
    "--topic ",
    " --partitions ",
    " --replication-factor ",
    "--config ",
    "--from-beginning",
    "--group ",
    "--property ",
    "parse.key=true",
    "key.separator=",
    "print.key=true",
    "--max-messages ",
    "--timeout-ms ",
    "--describe",
    "--alter",
    "--add-config ",
    "--delete-config ",
    "--entity-type ",
    "--entity-name ",
    "--producer-property ",
    "acks=all",
    "min.insync.replicas=",
    "retention.ms=",
    "retention.bytes=",
    "segment.bytes=",
    "cleanup.policy=compact",
    "--num-records ",
    "--record-size ",
    "--throughput ",
    "--producer-props ",
    "--reset-offsets ",
    "--to-earliest",
    "--execute",
    "--members",
    "--offsets",
    "--all-groups",
    "--election-type ",
    "--all-topic-partitions",
    "--reassignment-json-file ",
    "--verify",
    "--status",
    "--replication",
    "broker kill ",
    "broker stop ",
    "broker start ",
    "broker add",
    "broker lose-disk ",
    "broker slow ",
    "broker list",
    "controller kill ",
    "controller start ",
    "controller list",
    "net cut ",
    "net heal",
    "net isolate ",
    "net delay ",
    "net loss ",
    "net drop-next ",
    "net show",
    "producer start ",
    "producer stop ",
    "producer pause ",
    "producer resume ",
    "producer rate ",
    "producer crash ",
    " --rate ",
    " --keys ",
    " --max ",
    "sleep ",
    "describe partition ",
    "trace --last ",
    "broker-",
    "controller-100",
    "seq ",
    " | ",
    "<<EOF\n",
    "\nEOF",
    "cat > ",
    "orders",
    "payments",
    "events",
];

// ---------------------------------------------------------------- fragment

/// Parses a URL fragment (with or without its leading `#`) into what it asks for.
pub fn parse_fragment(fragment: &str) -> Result<Fragment, ScenarioError> {
    let text = fragment.strip_prefix('#').unwrap_or(fragment);
    let text = percent_decode(text)?;
    if text.trim().is_empty() {
        return Ok(Fragment::Sandbox);
    }
    let mut parts: BTreeMap<&str, &str> = BTreeMap::new();
    for part in text.split('&') {
        if part.is_empty() {
            continue;
        }
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        if !matches!(k, SCENARIO_KEY | "lesson" | "embed") {
            return Err(ScenarioError::UnknownPart(shorten(part)));
        }
        if parts.insert(k, v).is_some() {
            return Err(ScenarioError::DuplicatePart(k.to_string()));
        }
    }
    let embed = match parts.get("embed") {
        None => false,
        Some(&"1") | Some(&"") | Some(&"true") => true,
        Some(&"0") | Some(&"false") => false,
        Some(v) => return Err(ScenarioError::UnknownPart(format!("embed={}", shorten(v)))),
    };
    match (parts.get(SCENARIO_KEY), parts.get("lesson")) {
        (Some(_), Some(_)) => Err(ScenarioError::ScenarioAndLesson),
        (Some(data), None) => Ok(Fragment::Scenario { scenario: Box::new(decode(data)?), embed }),
        (None, Some(id)) => {
            let ok = !id.is_empty()
                && id.len() <= 64
                && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if ok {
                Ok(Fragment::Lesson { id: id.to_string(), embed })
            } else {
                Err(ScenarioError::BadLessonId(shorten(id)))
            }
        }
        (None, None) => Err(ScenarioError::Empty),
    }
}

/// The fragment (with `#`) for a fragment value.
pub fn fragment_for(f: &Fragment) -> String {
    let embed = |e: bool| if e { "&embed=1" } else { "" };
    match f {
        Fragment::Sandbox => String::new(),
        Fragment::Scenario { scenario, embed: e } => format!("#{SCENARIO_KEY}={}{}", encode(scenario), embed(*e)),
        Fragment::Lesson { id, embed: e } => format!("#lesson={id}{}", embed(*e)),
    }
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s.to_string()
    }
}

fn percent_decode(s: &str) -> Result<String, ScenarioError> {
    if !s.contains('%') {
        return Ok(s.to_string());
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = |c: u8| (c as char).to_digit(16);
            match (b.get(i + 1).copied().and_then(hex), b.get(i + 2).copied().and_then(hex)) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                }
                _ => return Err(ScenarioError::BadEscape { position: i as u32 }),
            }
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| ScenarioError::BadEscape { position: 0 })
}

// ---------------------------------------------------------------- encode / decode

/// Encodes a scenario as the value of `s=` (`1.<base64url>`).
pub fn encode(scenario: &Scenario) -> String {
    format!("{FORMAT_VERSION}.{}", base64url_encode(&encode_bytes(scenario)))
}

/// The binary form (flags, length, body, checksum).
pub fn encode_bytes(scenario: &Scenario) -> Vec<u8> {
    let mut body = Vec::new();
    write_body(&mut body, scenario);
    let deflated = miniz_oxide::deflate::compress_to_vec(&body, 10);
    let (flags, stored) = if deflated.len() < body.len() { (FLAG_DEFLATED, deflated) } else { (0, body) };
    let mut out = vec![flags];
    put_uvarint(&mut out, stored.len() as u64);
    out.extend_from_slice(&stored);
    let crc = crc32c(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// Decodes the value of `s=` (`1.<base64url>`), checking everything.
pub fn decode(value: &str) -> Result<Scenario, ScenarioError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(ScenarioError::Empty);
    }
    let Some((tag, data)) = value.split_once('.') else {
        // A link cut inside its version tag, or no tag at all.
        return if !value.is_empty() && value.chars().all(|c| c.is_ascii_digit()) {
            Err(ScenarioError::CutShort { got: 0, expected: None })
        } else {
            Err(ScenarioError::BadVersionTag(shorten(value)))
        };
    };
    let version: u32 = match tag.parse() {
        // Only the tag `encode` writes: no sign and no leading zero ("01." is a damaged "1.").
        Ok(v) if tag.len() <= 9 && !tag.starts_with('+') && !(tag.len() > 1 && tag.starts_with('0')) => v,
        _ => return Err(ScenarioError::BadVersionTag(shorten(tag))),
    };
    if version > FORMAT_VERSION {
        return Err(ScenarioError::NewerFormat { found: version, supported: FORMAT_VERSION });
    }
    if version == 0 {
        return Err(ScenarioError::BadVersionTag(tag.to_string()));
    }
    let bytes = base64url_decode(data)?;
    let scenario = decode_bytes(&bytes)?;
    // The unused low bits of a last group of 2 or 3 characters are zero in an encoded link:
    // a changed last character must not decode to the same bytes unnoticed.
    let data = data.trim_end_matches('=');
    if data.len() % 4 == 2 || data.len() % 4 == 3 {
        if let Some(ch) = data.chars().last() {
            let v = base64::value(ch, Alphabet::Url).unwrap_or(0);
            let unused = if data.len() % 4 == 2 { 0b1111 } else { 0b11 };
            if v & unused != 0 {
                return Err(ScenarioError::BadCharacter { ch, position: (data.chars().count() - 1) as u32 });
            }
        }
    }
    // A last group of one character is never written (it holds no whole byte): after complete
    // data it is a character too many.
    if data.len() % 4 == 1 {
        return Err(ScenarioError::TrailingBytes { extra: 1 });
    }
    Ok(scenario)
}

/// Decodes the binary form.
pub fn decode_bytes(bytes: &[u8]) -> Result<Scenario, ScenarioError> {
    let total = bytes.len() as u32;
    let Some(&flags) = bytes.first() else {
        return Err(ScenarioError::CutShort { got: 0, expected: None });
    };
    let mut r = Reader { data: bytes, pos: 1 };
    let len = match r.uvarint() {
        Ok(l) => l,
        Err(_) if bytes.len() < 11 => return Err(ScenarioError::CutShort { got: total, expected: None }),
        Err(e) => return Err(e),
    };
    let header = r.pos as u64;
    let expected = header + len + 4;
    if expected > u64::from(u32::MAX) {
        return Err(ScenarioError::Malformed { what: "its length is impossible".into(), at: 1 });
    }
    if (bytes.len() as u64) < expected {
        return Err(ScenarioError::CutShort { got: total, expected: Some(expected as u32) });
    }
    if (bytes.len() as u64) > expected {
        return Err(ScenarioError::TrailingBytes { extra: (bytes.len() as u64 - expected) as u32 });
    }
    let split = bytes.len() - 4;
    let stored_crc = u32::from_le_bytes([bytes[split], bytes[split + 1], bytes[split + 2], bytes[split + 3]]);
    if crc32c(&bytes[..split]) != stored_crc {
        return Err(ScenarioError::ChecksumMismatch);
    }
    if flags & !FLAG_DEFLATED != 0 {
        return Err(ScenarioError::Malformed {
            what: format!("it uses features this page does not know (flags {flags:#04x})"),
            at: 0,
        });
    }
    let stored = &bytes[header as usize..split];
    let inflated;
    let body: &[u8] = if flags & FLAG_DEFLATED != 0 {
        inflated = miniz_oxide::inflate::decompress_to_vec_with_limit(stored, MAX_BODY_BYTES).map_err(|_| {
            ScenarioError::Malformed { what: "its compressed data cannot be inflated".into(), at: header as u32 }
        })?;
        &inflated
    } else {
        stored
    };
    let scenario = read_body(body)?;
    scenario.validate()?;
    Ok(scenario)
}

// ---------------------------------------------------------------- body

const KIND_RUN: u8 = 0;
const KIND_START: u8 = 1;
const KIND_INPUT: u8 = 2;
const KIND_EOF: u8 = 3;
const KIND_INTERRUPT: u8 = 4;
const KIND_ADVANCE: u8 = 5;
const KIND_REJECTED: u8 = 6;
/// Set on Run/Start when the whole item follows, not only its text.
const KIND_FULL_ITEM: u8 = 0x80;

/// Body of format 1: engine version, seed, config, then the entries.
fn write_body(out: &mut Vec<u8>, s: &Scenario) {
    put_uvarint(out, u64::from(s.engine_version));
    put_uvarint(out, s.seed);
    write_config(out, &s.config);
    put_uvarint(out, s.log.len() as u64);
    let mut prev = 0u64;
    for e in &s.log {
        let kind = match &e.action {
            Action::Run(_) => KIND_RUN,
            Action::Start(_) => KIND_START,
            Action::Input(_) => KIND_INPUT,
            Action::Eof => KIND_EOF,
            Action::Interrupt => KIND_INTERRUPT,
            Action::AdvanceTo(_) => KIND_ADVANCE,
            Action::Rejected(_) => KIND_REJECTED,
        };
        let full = match &e.action {
            Action::Run(item) | Action::Start(item) => item_from_text(&item.text, item.line).as_ref() != Some(item),
            _ => false,
        };
        out.push(if full { kind | KIND_FULL_ITEM } else { kind });
        put_time_delta(out, e.at.0 as i128 - prev as i128);
        prev = e.at.0;
        match &e.action {
            Action::Run(item) | Action::Start(item) => {
                put_text(out, &item.text);
                put_uvarint(out, u64::from(item.line));
                if full {
                    put_uvarint(out, item.argv.len() as u64);
                    for a in &item.argv {
                        put_str(out, a);
                    }
                    put_str(out, &item.program_as_typed);
                    put_opt_str(out, item.stdin.as_deref());
                    put_opt_str(out, item.stdin_file.as_deref());
                    match &item.redirect {
                        None => out.push(0),
                        Some(r) => {
                            out.push(if r.append { 2 } else { 1 });
                            put_str(out, &r.path);
                        }
                    }
                }
            }
            Action::Input(t) | Action::Rejected(t) => put_text(out, t),
            Action::AdvanceTo(t) => put_time_delta(out, t.0 as i128 - e.at.0 as i128),
            Action::Eof | Action::Interrupt => {}
        }
    }
}

fn read_body(body: &[u8]) -> Result<Scenario, ScenarioError> {
    let mut r = Reader { data: body, pos: 0 };
    let engine_version = r.u32("the engine version")?;
    let seed = r.uvarint()?;
    let config = read_config(&mut r)?;
    let count = r.uvarint()?;
    if count > MAX_LOG_ENTRIES as u64 || count > body.len() as u64 {
        return Err(r.malformed("it claims more commands than it holds"));
    }
    let mut log = Vec::with_capacity(count as usize);
    let mut prev = 0u64;
    for _ in 0..count {
        let kind_at = r.pos;
        let kind = r.byte()?;
        let at = r.time_after(prev)?;
        prev = at;
        let full = kind & KIND_FULL_ITEM != 0;
        if full && !matches!(kind & !KIND_FULL_ITEM, KIND_RUN | KIND_START) {
            return Err(ScenarioError::Malformed { what: format!("unknown entry kind {kind}"), at: kind_at as u32 });
        }
        let action = match kind & !KIND_FULL_ITEM {
            KIND_RUN | KIND_START => {
                let text_at = r.pos;
                let text = r.text()?;
                let line = r.u32("a line number")?;
                let item = if full {
                    let n = r.uvarint()?;
                    if n > (body.len() - r.pos) as u64 {
                        return Err(r.malformed("an argument list is longer than the data"));
                    }
                    let mut argv = Vec::with_capacity(n as usize);
                    for _ in 0..n {
                        argv.push(r.string()?);
                    }
                    let program_as_typed = r.string()?;
                    let stdin = r.opt_string()?;
                    let stdin_file = r.opt_string()?;
                    let redirect = match r.byte()? {
                        0 => None,
                        m @ (1 | 2) => Some(Redirect { path: r.string()?, append: m == 2 }),
                        _ => return Err(r.malformed("an unknown redirection")),
                    };
                    ScriptItem { line, text, argv, program_as_typed, stdin, stdin_file, redirect }
                } else {
                    item_from_text(&text, line).ok_or_else(|| ScenarioError::Malformed {
                        what: "a command does not parse".into(),
                        at: text_at as u32,
                    })?
                };
                if kind & !KIND_FULL_ITEM == KIND_RUN {
                    Action::Run(item)
                } else {
                    Action::Start(item)
                }
            }
            KIND_INPUT => Action::Input(r.text()?),
            KIND_EOF => Action::Eof,
            KIND_INTERRUPT => Action::Interrupt,
            KIND_ADVANCE => Action::AdvanceTo(SimTime(r.time_after(at)?)),
            KIND_REJECTED => Action::Rejected(r.text()?),
            other => {
                return Err(ScenarioError::Malformed {
                    what: format!("unknown entry kind {other}"),
                    at: kind_at as u32,
                })
            }
        };
        log.push(LogEntry { at: SimTime(at), action });
    }
    if r.pos != body.len() {
        return Err(r.malformed("there is data after the last command"));
    }
    Ok(Scenario { engine_version, seed, config, log })
}

fn write_config(out: &mut Vec<u8>, c: &ClusterConfig) {
    put_uvarint(out, u64::from(c.brokers));
    put_uvarint(out, u64::from(c.controllers));
    put_uvarint(out, c.racks.len() as u64);
    for r in &c.racks {
        put_str(out, r);
    }
    put_uvarint(out, c.broker_configs.len() as u64);
    for (k, v) in &c.broker_configs {
        put_str(out, k);
        put_str(out, v);
    }
    put_uvarint(out, c.net.latency_us);
    put_uvarint(out, c.net.jitter_us);
    put_uvarint(out, c.net.bandwidth_bytes_per_sec);
    let flags = u8::from(c.power_loss)
        | if c.trace_level == TraceLevel::Messages { 2 } else { 0 }
        | if c.second_cluster.is_some() { 4 } else { 0 };
    out.push(flags);
    put_svarint(out, i128::from(c.epoch_ms) - i128::from(DEFAULT_EPOCH_MS));
    // Flag 4: a second cluster follows (links of one cluster are as they were).
    if let Some(second) = &c.second_cluster {
        put_str(out, &second.alias);
        put_uvarint(out, u64::from(second.brokers));
    }
}

fn read_config(r: &mut Reader) -> Result<ClusterConfig, ScenarioError> {
    let brokers = r.u32("the broker count")?;
    let controllers = r.u32("the controller count")?;
    let nracks = r.uvarint()?;
    if nracks > 64 {
        return Err(r.malformed("too many racks"));
    }
    let mut racks = Vec::new();
    for _ in 0..nracks {
        racks.push(r.string()?);
    }
    let nconf = r.uvarint()?;
    if nconf > 1000 {
        return Err(r.malformed("too many broker configs"));
    }
    let mut broker_configs = BTreeMap::new();
    for _ in 0..nconf {
        let k = r.string()?;
        let v = r.string()?;
        if broker_configs.insert(k, v).is_some() {
            return Err(r.malformed("a broker config given twice"));
        }
    }
    let net = NetConfig { latency_us: r.uvarint()?, jitter_us: r.uvarint()?, bandwidth_bytes_per_sec: r.uvarint()? };
    let flags = r.byte()?;
    if flags & !7 != 0 {
        return Err(r.malformed("unknown cluster flags"));
    }
    let epoch = r.svarint()? + i128::from(DEFAULT_EPOCH_MS);
    let epoch_ms = i64::try_from(epoch).map_err(|_| r.malformed("an impossible start time"))?;
    let second_cluster = if flags & 4 != 0 {
        let alias = r.string()?;
        let brokers = r.u32("the second cluster's broker count")?;
        let second = SecondClusterConfig { alias, brokers };
        second.validate().map_err(|e| r.malformed(&e))?;
        Some(second)
    } else {
        None
    };
    Ok(ClusterConfig {
        brokers,
        controllers,
        racks,
        broker_configs,
        net,
        power_loss: flags & 1 != 0,
        epoch_ms,
        trace_level: if flags & 2 != 0 { TraceLevel::Messages } else { TraceLevel::Events },
        second_cluster,
    })
}

// ---------------------------------------------------------------- primitives

fn put_uvarint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Zig-zag over i128 so any difference of two u64 or i64 values fits (as at most 19 bytes).
fn put_svarint(out: &mut Vec<u8>, v: i128) {
    let z = ((v << 1) ^ (v >> 127)) as u128;
    let mut z = z;
    while z >= 0x80 {
        out.push((z as u8) | 0x80);
        z >>= 7;
    }
    out.push(z as u8);
}

/// A time difference in microseconds; whole milliseconds (the usual case) cost fewer bytes.
fn put_time_delta(out: &mut Vec<u8>, delta_us: i128) {
    if delta_us % 1000 == 0 {
        put_svarint(out, (delta_us / 1000) * 2 + if delta_us >= 0 { 1 } else { -1 });
    } else {
        put_svarint(out, delta_us * 2);
    }
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_uvarint(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

fn put_opt_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        None => out.push(0),
        Some(s) => {
            out.push(1);
            put_str(out, s);
        }
    }
}

/// Command text against [`DICTIONARY`]: a count of ops, then each op is a varint `n`: a
/// dictionary phrase when `n < DICTIONARY.len()`, else a literal of `n - DICTIONARY.len()`
/// bytes that follow. Greedy longest match.
fn put_text(out: &mut Vec<u8>, text: &str) {
    let b = text.as_bytes();
    let mut ops: Vec<(u64, &[u8])> = Vec::new();
    let mut lit_start = 0;
    let mut i = 0;
    while i < b.len() {
        let best = DICTIONARY
            .iter()
            .enumerate()
            .filter(|(_, p)| b[i..].starts_with(p.as_bytes()))
            .max_by_key(|(idx, p)| (p.len(), usize::MAX - idx));
        match best {
            Some((idx, p)) if p.len() >= 2 => {
                if lit_start < i {
                    ops.push(((DICTIONARY.len() + i - lit_start) as u64, &b[lit_start..i]));
                }
                ops.push((idx as u64, &[]));
                i += p.len();
                lit_start = i;
            }
            _ => i += 1,
        }
    }
    if lit_start < b.len() {
        ops.push(((DICTIONARY.len() + b.len() - lit_start) as u64, &b[lit_start..]));
    }
    put_uvarint(out, ops.len() as u64);
    for (n, lit) in ops {
        put_uvarint(out, n);
        out.extend_from_slice(lit);
    }
}

struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn malformed(&self, what: &str) -> ScenarioError {
        ScenarioError::Malformed { what: what.to_string(), at: self.pos as u32 }
    }
    fn byte(&mut self) -> Result<u8, ScenarioError> {
        let b = *self.data.get(self.pos).ok_or_else(|| self.malformed("it ends in the middle of a command"))?;
        self.pos += 1;
        Ok(b)
    }
    fn uvarint(&mut self) -> Result<u64, ScenarioError> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            let part = u64::from(b & 0x7f);
            if shift == 63 && part > 1 {
                return Err(self.malformed("a number is too large"));
            }
            v |= part << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(self.malformed("a number is too long"))
    }
    fn svarint(&mut self) -> Result<i128, ScenarioError> {
        let mut z: u128 = 0;
        for shift in (0..128).step_by(7) {
            let b = self.byte()?;
            z |= u128::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(((z >> 1) as i128) ^ -((z & 1) as i128));
            }
        }
        Err(self.malformed("a number is too long"))
    }
    fn u32(&mut self, what: &str) -> Result<u32, ScenarioError> {
        let v = self.uvarint()?;
        u32::try_from(v).map_err(|_| self.malformed(&format!("{what} is too large")))
    }
    /// A time `base + delta` (see [`put_time_delta`]), which must be a valid `SimTime`.
    fn time_after(&mut self, base: u64) -> Result<u64, ScenarioError> {
        let z = self.svarint()?;
        let delta = if z & 1 != 0 { (z - z.signum()) / 2 * 1000 } else { z / 2 };
        let t = i128::from(base) + delta;
        u64::try_from(t).map_err(|_| self.malformed("a time out of range"))
    }
    fn bytes(&mut self, n: u64) -> Result<&[u8], ScenarioError> {
        if n > (self.data.len() - self.pos) as u64 {
            return Err(self.malformed("a text is longer than the data"));
        }
        let s = &self.data[self.pos..self.pos + n as usize];
        self.pos += n as usize;
        Ok(s)
    }
    fn string(&mut self) -> Result<String, ScenarioError> {
        let n = self.uvarint()?;
        if n > MAX_TEXT_BYTES as u64 {
            return Err(self.malformed("a text is too long"));
        }
        let at = self.pos;
        let b = self.bytes(n)?.to_vec();
        String::from_utf8(b).map_err(|_| ScenarioError::Malformed { what: "a text is not UTF-8".into(), at: at as u32 })
    }
    fn opt_string(&mut self) -> Result<Option<String>, ScenarioError> {
        match self.byte()? {
            0 => Ok(None),
            1 => Ok(Some(self.string()?)),
            _ => Err(self.malformed("an unknown optional marker")),
        }
    }
    fn text(&mut self) -> Result<String, ScenarioError> {
        let at = self.pos;
        let ops = self.uvarint()?;
        if ops > (self.data.len() - self.pos) as u64 {
            return Err(self.malformed("a text claims more parts than the data holds"));
        }
        let mut out: Vec<u8> = Vec::new();
        for _ in 0..ops {
            let n = self.uvarint()?;
            if n < DICTIONARY.len() as u64 {
                out.extend_from_slice(DICTIONARY[n as usize].as_bytes());
            } else {
                let lit = self.bytes(n - DICTIONARY.len() as u64)?;
                out.extend_from_slice(lit);
            }
            if out.len() > MAX_TEXT_BYTES {
                return Err(self.malformed("a text is too long"));
            }
        }
        String::from_utf8(out)
            .map_err(|_| ScenarioError::Malformed { what: "a text is not UTF-8".into(), at: at as u32 })
    }
}

// ---------------------------------------------------------------- base64url

/// base64url without padding (RFC 4648 §5), the alphabet that needs no escaping in a URL.
pub(crate) fn base64url_encode(data: &[u8]) -> String {
    base64::encode(data, Alphabet::Url)
}

/// Decodes base64url without padding (a trailing `=` is tolerated). A last group of one
/// character (half a byte) is a cut link: it is dropped here and the length check reports it.
pub(crate) fn base64url_decode(s: &str) -> Result<Vec<u8>, ScenarioError> {
    base64::decode(s, Alphabet::Url).map_err(|(ch, position)| ScenarioError::BadCharacter { ch, position })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::hash::stable_hash;

    #[test]
    fn base64url_round_trips_every_length() {
        for n in 0..40u8 {
            let data: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37).wrapping_add(n)).collect();
            let enc = base64url_encode(&data);
            assert!(enc.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
            assert_eq!(base64url_decode(&enc).unwrap(), data, "length {n}");
        }
        // RFC 4648 §10 test vectors (without padding).
        assert_eq!(base64url_encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64url_encode(b"fooba"), "Zm9vYmE");
        assert_eq!(base64url_encode(b"f"), "Zg");
    }

    #[test]
    fn varints_round_trip_their_extremes() {
        for v in [0u64, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX] {
            let mut out = Vec::new();
            put_uvarint(&mut out, v);
            assert_eq!(Reader { data: &out, pos: 0 }.uvarint().unwrap(), v);
        }
        for d in [0i128, 1, -1, 999, 1000, -1000, 1500, -2_000_000, i128::from(u64::MAX), -i128::from(u64::MAX)] {
            let mut out = Vec::new();
            put_time_delta(&mut out, d);
            let base = if d < 0 { u64::MAX } else { 0 };
            let got = Reader { data: &out, pos: 0 }.time_after(base).unwrap();
            assert_eq!(i128::from(got) - i128::from(base), d, "delta {d}");
        }
        // An 11-byte varint overflows u64: an error, not a wrap.
        let big = [0xffu8; 10];
        assert!(Reader { data: &big, pos: 0 }.uvarint().is_err());
    }

    #[test]
    fn texts_round_trip_through_the_dictionary() {
        for t in [
            "",
            "kafka-topics --bootstrap-server localhost:9092 --create --topic orders --partitions 3",
            "sleep 5s",
            "héllo wörld ✓ | broker-2",
            "seq 3 | kafka-console-producer --bootstrap-server localhost:9093 --topic orders",
        ] {
            let mut out = Vec::new();
            put_text(&mut out, t);
            assert_eq!(Reader { data: &out, pos: 0 }.text().unwrap(), t);
        }
        let mut out = Vec::new();
        put_text(&mut out, "kafka-topics --bootstrap-server localhost:9092 --list");
        assert!(out.len() <= 4, "two phrases and a count: {} bytes", out.len());
    }

    /// The dictionary is part of format 1: a changed phrase would misread every old link.
    #[test]
    fn the_format_1_dictionary_is_frozen() {
        assert_eq!(DICTIONARY.len(), 109);
        assert_eq!(
            stable_hash(&DICTIONARY.to_vec()),
            0xde04729632f7741e,
            "pinned: {:#x}",
            stable_hash(&DICTIONARY.to_vec())
        );
    }

    #[test]
    fn fragments_parse_into_what_they_ask_for() {
        assert_eq!(parse_fragment("").unwrap(), Fragment::Sandbox);
        assert_eq!(parse_fragment("#").unwrap(), Fragment::Sandbox);
        assert_eq!(
            parse_fragment("#lesson=isr-basics").unwrap(),
            Fragment::Lesson { id: "isr-basics".into(), embed: false }
        );
        assert_eq!(
            parse_fragment("lesson=isr-basics&embed=1").unwrap(),
            Fragment::Lesson { id: "isr-basics".into(), embed: true }
        );
        assert_eq!(parse_fragment("#lesson=../etc").unwrap_err(), ScenarioError::BadLessonId("../etc".into()));
        assert_eq!(parse_fragment("#foo=bar").unwrap_err(), ScenarioError::UnknownPart("foo=bar".into()));
        assert_eq!(parse_fragment("#lesson=a&lesson=b").unwrap_err(), ScenarioError::DuplicatePart("lesson".into()));
        assert_eq!(parse_fragment("#s=1.AA&lesson=a").unwrap_err(), ScenarioError::ScenarioAndLesson);
        assert_eq!(parse_fragment("#embed=1").unwrap_err(), ScenarioError::Empty);
        assert_eq!(parse_fragment("#s=9.AAAA").unwrap_err(), ScenarioError::NewerFormat { found: 9, supported: 1 });
        assert_eq!(parse_fragment("#s%3D9.AAAA").unwrap_err(), ScenarioError::NewerFormat { found: 9, supported: 1 });
        assert!(matches!(parse_fragment("#s=1.A%zz").unwrap_err(), ScenarioError::BadEscape { .. }));
    }

    #[test]
    fn messages_say_what_is_wrong() {
        assert_eq!(
            ScenarioError::NewerFormat { found: 3, supported: 2 }.to_string(),
            "This link was made by a newer Brokerlab (format 3; this page reads up to 2). Reload the page to get the newest version."
        );
        assert_eq!(
            ScenarioError::CutShort { got: 212, expected: Some(340) }.to_string(),
            "This link is cut short: it ends after 212 of 340 bytes — was it copied completely?"
        );
        assert_eq!(ScenarioError::ChecksumMismatch.to_string(), "This link is damaged: its checksum does not match.");
    }
}
