//! `kafka-get-offsets` output (`GetOffsetShell`).

use crate::sim::codec::Codec;
use serde::{Deserialize, Serialize};

use super::Output;
use crate::sim::java::{java_parse_int, java_parse_long, java_string_cmp};
use crate::sim::sort::CompactSort;

/// `GetOffsetShell`
pub(crate) const TOPIC_PARTITIONS_CONFLICT: &str = "--topic-partitions cannot be used with --topic or --partitions";
/// `GetOffsetShell`
pub(crate) const NO_MATCH: &str = "Could not match any topic-partitions with the specified filters";

/// One partition's answer; `None` (unknown offset) is omitted (`GetOffsetShell`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct PartitionOffset {
    pub topic: String,
    pub partition: i32,
    pub offset: Option<i64>,
}

/// The result lines `<topic>:<partition>:<offset>` (`GetOffsetShell`), sorted by the
/// string `<topic>-<partition>` (so `t-10` before `t-2`).
pub(crate) fn offsets(rows: &[PartitionOffset]) -> Output {
    let mut v: Vec<(String, &PartitionOffset)> =
        rows.iter().filter(|r| r.offset.is_some()).map(|r| (format!("{}-{}", r.topic, r.partition), r)).collect();
    v.compact_sort_by(|a, b| java_string_cmp(&a.0, &b.0));
    v.dedup_by(|a, b| a.0 == b.0);
    let mut o = Output::new();
    for (_, r) in v {
        o.outln(&format!("{}:{}:{}", r.topic, r.partition, r.offset.unwrap_or_default()));
    }
    o
}

/// `Error occurred: <message>` on stderr, exit 1 (`GetOffsetShell`).
pub(crate) fn error(message: &str) -> Output {
    Output::failure(&format!("Error occurred: {message}"))
}

/// `Skip getting offsets for topic-partition <t>-<p> due to error: <msg>`
/// (`GetOffsetShell`), a stderr line without newline.
pub(crate) fn skip_partition(topic: &str, partition: i32, message: &str) -> String {
    format!("Skip getting offsets for topic-partition {topic}-{partition} due to error: {message}")
}

/// What `--time` asks for (`GetOffsetShell`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) enum OffsetTime {
    Latest,
    Earliest,
    MaxTimestamp,
    EarliestLocal,
    LatestTiered,
    /// `-6` / `earliest-pending-upload` (KIP-1023, new in 4.x): tiered storage only.
    EarliestPendingUpload,
    Timestamp(i64),
}

/// Parses `--time` (`GetOffsetShell`), case-sensitive like the tool.
pub(crate) fn parse_time(s: &str) -> Result<OffsetTime, String> {
    match s {
        "latest" => return Ok(OffsetTime::Latest),
        "earliest" => return Ok(OffsetTime::Earliest),
        "max-timestamp" => return Ok(OffsetTime::MaxTimestamp),
        "earliest-local" => return Ok(OffsetTime::EarliestLocal),
        "latest-tiered" => return Ok(OffsetTime::LatestTiered),
        "earliest-pending-upload" => return Ok(OffsetTime::EarliestPendingUpload),
        _ => {}
    }
    match java_parse_long(s) {
        Some(-1) => Ok(OffsetTime::Latest),
        Some(-2) => Ok(OffsetTime::Earliest),
        Some(-3) => Ok(OffsetTime::MaxTimestamp),
        Some(-4) => Ok(OffsetTime::EarliestLocal),
        Some(-5) => Ok(OffsetTime::LatestTiered),
        Some(-6) => Ok(OffsetTime::EarliestPendingUpload),
        Some(t) => Ok(OffsetTime::Timestamp(t)),
        None => Err(format!(
            "Malformed time argument {s}. Please use -1 or latest / -2 or earliest / -3 or max-timestamp / -4 or earliest-local / -5 or latest-tiered / -6 or earliest-pending-upload, or a specified long format timestamp"
        )),
    }
}

/// Parses `--partitions 0,1` (`GetOffsetShell`).
pub(crate) fn parse_partitions(s: &str) -> Result<Vec<i32>, String> {
    if s.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for p in s.split(',') {
        match java_parse_int(p) {
            Some(v) => {
                if !out.contains(&v) {
                    out.push(v);
                }
            }
            None => {
                return Err(format!(
                    "--partitions expects a comma separated list of numeric partition ids, but received: {s}"
                ))
            }
        }
    }
    out.sort_unstable();
    Ok(out)
}

/// The partition part of a `--topic-partitions` rule (`GetOffsetShell`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) enum PartitionRule {
    All,
    One(i32),
    /// `from` inclusive, `to` exclusive (`i32::MAX` when open).
    Range {
        from: i32,
        to: i32,
    },
}

impl PartitionRule {
    pub(crate) fn matches(self, p: i32) -> bool {
        match self {
            PartitionRule::All => true,
            PartitionRule::One(x) => p == x,
            PartitionRule::Range { from, to } => p >= from && p < to,
        }
    }
}

/// One `--topic-partitions` rule: an optional topic regex (`None` = any
/// topic; the caller evaluates the regex) and a partition rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct TopicPartitionRule {
    pub(crate) topic_regex: Option<String>,
    pub partitions: PartitionRule,
}

fn digits(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_digit())
}

/// Parses `--topic-partitions 'topic1:1,topic2:0-3,topic3,topic4:5-,topic5:-3'`
/// with the pattern `([^:,]*)(?::(?:([0-9]*)|(?:([0-9]*)-([0-9]*))))?`.
pub(crate) fn parse_topic_partitions(s: &str) -> Result<Vec<TopicPartitionRule>, String> {
    let mut rules = Vec::new();
    for spec in s.split(',') {
        let invalid = || format!("Invalid rule specification: {spec}");
        let (topic, part) = match spec.split_once(':') {
            Some((t, p)) => (t, Some(p)),
            None => (spec, None),
        };
        let topic_regex = if topic.is_empty() { None } else { Some(topic.to_string()) };
        let num = |x: &str| -> Result<Option<i32>, String> {
            if x.is_empty() {
                Ok(None)
            } else {
                java_parse_int(x).map(Some).ok_or_else(invalid)
            }
        };
        let partitions = match part {
            None => PartitionRule::All,
            Some(p) if digits(p) => match num(p)? {
                Some(v) => PartitionRule::One(v),
                None => PartitionRule::Range { from: 0, to: i32::MAX },
            },
            Some(p) => match p.split_once('-') {
                Some((a, b)) if digits(a) && digits(b) => {
                    PartitionRule::Range { from: num(a)?.unwrap_or(0), to: num(b)?.unwrap_or(i32::MAX) }
                }
                _ => return Err(invalid()),
            },
        };
        rules.push(TopicPartitionRule { topic_regex, partitions });
    }
    Ok(rules)
}
