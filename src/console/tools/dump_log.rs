//! `kafka-dump-log` (`DumpLogSegments`): prints the batches (and with `--deep-iteration` or
//! `--print-data-log` the records) of a segment's `.log`, and the entries of its `.index` and
//! `.timeindex`, read from the files of broker 1's log directory: the console runs on broker 1's
//! machine, as the real-Kafka export runs the tools inside `broker-1`, and every simulated broker
//! keeps its logs in `/tmp/kraft-combined-logs` (Kafka's quick-start `log.dirs`). The files are
//! there whether the broker process runs or not.
//!
//! The formats are `DumpLogSegments.printBatchLevel`, `printRecordMetadata`, `printRecordContents`,
//! `dumpIndex` and `dumpTimeIndex` (recorded in tests/conformance/scenarios/dump_log.txt).

use super::{Ctx, Started, NO_SUCH_FILE};
use crate::console::format::{stack_trace, Output};
use crate::console::opts::{parse_command, Tool};
use crate::console::tools::reassign::LOG_DIR;
use crate::console::vfs::normalize;
use crate::sim::config::topic_broker_value;
use crate::sim::log::Segment;
use crate::sim::record::RecordBatch;
use crate::sim::segment_files::{
    kafka_crc, last_sequence, segment_at, segment_indexes, sequence_at, SegmentIndexes, OFFSET_INDEX_ENTRY,
    TIME_INDEX_ENTRY,
};
use crate::sim::types::TopicPartition;
use crate::sim::world::Sim;
use std::collections::BTreeMap;

/// What a file name says it is.
enum Kind {
    Log,
    Index,
    TimeIndex,
    /// `.snapshot`, `.txnindex`, `.checkpoint`: files the simulator does not keep.
    Unkept,
    Unknown,
}

fn kind_of(file_name: &str) -> Kind {
    match file_name.rfind('.').map(|i| &file_name[i..]) {
        None => Kind::Unknown,
        Some(".log") => Kind::Log,
        Some(".index") => Kind::Index,
        Some(".timeindex") => Kind::TimeIndex,
        Some(".snapshot" | ".txnindex" | ".checkpoint") => Kind::Unkept,
        Some(_) => Kind::Unknown,
    }
}

/// How the segment behind a path is found: its partition's log and base offset.
struct SegmentFile<'a> {
    segment: &'a Segment,
    active: bool,
    /// `index.interval.bytes` of the topic.
    interval: i64,
    /// `segment.index.bytes`.
    index_bytes: i64,
}

/// The broker whose disk the console's `/tmp/kraft-combined-logs` is: broker 1, or the lowest id.
fn console_broker(sim: &Sim) -> Option<i32> {
    sim.brokers().keys().next().copied()
}

/// A topic config's effective value as a broker resolves it (topic override, broker config,
/// default), from the metadata image of any running broker.
pub(crate) fn topic_value(sim: &Sim, topic: &str, name: &str) -> Option<String> {
    let proc = sim.brokers().values().filter_map(|b| b.proc.as_ref()).next()?;
    let broker = proc.image.broker_level_configs(proc.id, &sim.env().static_configs);
    proc.image
        .topics
        .get(topic)
        .and_then(|t| t.configs.get(name).cloned())
        .or_else(|| topic_broker_value(name, &broker))
}

/// `<log dir>/<topic>-<partition>/<20 digits>.<ext>` → the partition and base offset.
fn parse_path(path: &str) -> Option<(TopicPartition, i64)> {
    let norm = normalize(path)?;
    let rest = norm.strip_prefix(LOG_DIR)?.strip_prefix('/')?;
    let (dir, file) = rest.split_once('/')?;
    let (topic, partition) = dir.rsplit_once('-')?;
    let partition: i32 = partition.parse().ok()?;
    let stem = file.split('.').next()?;
    if stem.len() != 20 || !stem.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((TopicPartition { topic: topic.to_string(), partition }, stem.parse().ok()?))
}

fn find<'a>(sim: &'a Sim, path: &str) -> Option<SegmentFile<'a>> {
    let (tp, base) = parse_path(path)?;
    let broker = sim.brokers().get(&console_broker(sim)?)?;
    let log = broker.disk.logs.get(&tp)?;
    let (segment, active) = segment_at(log, base)?;
    let interval = topic_value(sim, &tp.topic, "index.interval.bytes").and_then(|v| v.parse().ok()).unwrap_or(4096);
    let index_bytes =
        topic_value(sim, &tp.topic, "segment.index.bytes").and_then(|v| v.parse().ok()).unwrap_or(10 * 1024 * 1024);
    Some(SegmentFile { segment, active, interval, index_bytes })
}

/// Options that shape the dump.
struct Opts {
    deep: bool,
    print: bool,
    skip_metadata: bool,
    verify_only: bool,
    max_bytes: i64,
}

/// Errors `DumpLogSegments.main` prints after all files, in its maps' order.
#[derive(Default)]
struct Errors {
    /// `misMatchesForIndexFilesMap`: file → (index offset → log offset), newest first.
    index_mismatches: BTreeMap<String, BTreeMap<i64, i64>>,
    /// `TimeIndexDumpErrors`.
    time_mismatches: BTreeMap<String, Vec<(i64, i64)>>,
    time_out_of_order: BTreeMap<String, Vec<(i64, i64)>>,
    time_not_found: BTreeMap<String, Vec<(i64, i64)>>,
    /// `nonConsecutivePairsForLogFilesMap`.
    non_consecutive: BTreeMap<String, BTreeMap<i64, i64>>,
}

pub(crate) fn run(ctx: &mut Ctx, args: &[String]) -> Started {
    let parsed = match parse_command(Tool::DumpLog, args) {
        Ok(p) => p,
        Err(o) => return Started::Done(o),
    };
    let p = &parsed.opts;
    let decoder = [
        "offsets-decoder",
        "transaction-log-decoder",
        "cluster-metadata-decoder",
        "remote-log-metadata-decoder",
        "share-group-state-decoder",
    ];
    let print = p.has("print-data-log")
        || decoder.iter().any(|d| p.has(d))
        || p.has("value-decoder-class")
        || p.has("key-decoder-class");
    let opts = Opts {
        deep: p.has("deep-iteration") || print,
        print,
        skip_metadata: p.has("skip-record-metadata"),
        verify_only: p.has("verify-index-only"),
        max_bytes: p.int_value("max-bytes").ok().flatten().map(i64::from).unwrap_or(i64::from(i32::MAX)),
    };
    if let Some(d) = decoder.iter().find(|d| p.has(d)) {
        let mut o = Output::new();
        o.errln(&format!(
            "--{d}: the simulator's internal topics do not keep their records in Kafka's binary format, so it cannot decode them"
        ));
        o.exit_code = 1;
        return Started::Done(o);
    }
    let files: Vec<String> = p.value("files").unwrap_or("").split(',').map(str::to_string).collect();
    let mut out = Output::new();
    let mut errors = Errors::default();
    for f in &files {
        out.outln(&format!("Dumping {f}"));
        let name = f.rsplit('/').next().unwrap_or(f);
        match kind_of(name) {
            Kind::Unknown => out.errln(&format!("Ignoring unknown file {f}")),
            Kind::Unkept => {
                out.errln(&format!("{f}: the simulator keeps no {} files", &name[name.rfind('.').unwrap_or(0)..]));
                out.exit_code = 1;
                return Started::Done(out);
            }
            Kind::Log => {
                if let Some(base) = name.split('.').next().and_then(|s| s.parse::<i64>().ok()) {
                    out.outln(&format!("Log starting offset: {base}"));
                }
                match find(ctx.sim, f) {
                    Some(seg) => dump_log(&mut out, f, &seg, &opts, &mut errors),
                    None => return Started::Done(no_such_file(out, f)),
                }
            }
            Kind::Index => match find(ctx.sim, f) {
                Some(seg) => dump_index(&mut out, f, &seg, &opts, &mut errors),
                None => return Started::Done(no_such_file(out, f)),
            },
            Kind::TimeIndex => match find(ctx.sim, f) {
                Some(seg) => dump_time_index(&mut out, f, &seg, &opts, &mut errors),
                None => return Started::Done(no_such_file(out, f)),
            },
        }
    }
    print_errors(&mut out, &errors);
    Started::Done(out)
}

/// `FileRecords.open` of a file that is not there: the exception escapes `main`.
fn no_such_file(mut out: Output, path: &str) -> Output {
    out.err("Exception in thread \"main\" ");
    out.err(&stack_trace(NO_SUCH_FILE, &normalize(path).unwrap_or_else(|| path.to_string())));
    out.exit_code = 1;
    out
}

fn dump_log(out: &mut Output, path: &str, seg: &SegmentFile, opts: &Opts, errors: &mut Errors) {
    let mut position: i64 = 0;
    let mut last_offset: i64 = -1;
    for b in &seg.segment.batches {
        // `RecordBatch.timestampType()`: each batch carries its own (attributes bit 3), as the
        // leader's `LogValidator` stamped it under the topic's `message.timestamp.type` then.
        let stamp = if b.log_append_time { "LogAppendTime" } else { "CreateTime" };
        let size = i64::from(b.size_bytes);
        // `FileRecords.slice(0, maxBytes).batches()`: only batches wholly inside the slice.
        if position + size > opts.max_bytes {
            break;
        }
        out.outln(&batch_line(b, position, stamp));
        if opts.deep {
            for (offset, r) in b.iter_with_offsets() {
                if offset != last_offset + 1 {
                    errors.non_consecutive.entry(path_of(path)).or_default().insert(last_offset, offset);
                }
                last_offset = offset;
                let mut line = String::new();
                if !opts.skip_metadata {
                    let key_size = r.key.as_ref().map_or(-1, |k| k.len() as i64);
                    let value_size = r.value.as_ref().map_or(-1, |v| v.len() as i64);
                    let ts = if b.log_append_time { b.max_timestamp } else { r.timestamp };
                    let headers: Vec<&str> = r.headers.iter().map(|h| h.key.as_str()).collect();
                    line.push_str(&format!(
                        "| offset: {offset} {stamp}: {ts} keySize: {key_size} valueSize: {value_size} sequence: {} headerKeys: [{}]",
                        sequence_at(b.base_sequence, r.offset_delta as i32),
                        headers.join(",")
                    ));
                    if let Some(c) = b.control {
                        let epoch = r
                            .value
                            .as_ref()
                            .filter(|v| v.len() >= 6)
                            .map(|v| i32::from_be_bytes([v[2], v[3], v[4], v[5]]))
                            .unwrap_or(0);
                        let kind = match c {
                            crate::sim::record::ControlType::Abort => "ABORT",
                            crate::sim::record::ControlType::Commit => "COMMIT",
                        };
                        line.push_str(&format!(" endTxnMarker: {kind} coordinatorEpoch: {epoch}"));
                    }
                }
                if opts.print && b.control.is_none() {
                    let mut prefix = if opts.skip_metadata { "| " } else { " " };
                    if let Some(k) = &r.key {
                        line.push_str(&format!("{prefix}key: {}", String::from_utf8_lossy(k)));
                        prefix = " ";
                    }
                    if let Some(v) = &r.value {
                        line.push_str(&format!("{prefix}payload: {}", String::from_utf8_lossy(v)));
                    }
                }
                out.outln(&line);
            }
        }
        position += size;
    }
}

/// `DumpLogSegments.printBatchLevel` for a v2 batch.
fn batch_line(b: &RecordBatch, position: i64, stamp: &str) -> String {
    let horizon = match b.delete_horizon_ms {
        Some(h) => format!("OptionalLong[{h}]"),
        None => "OptionalLong.empty".to_string(),
    };
    format!(
        "baseOffset: {} lastOffset: {} count: {} baseSequence: {} lastSequence: {} producerId: {} producerEpoch: {} \
         partitionLeaderEpoch: {} isTransactional: {} isControl: {} deleteHorizonMs: {horizon} position: {position} \
         {stamp}: {} size: {} magic: 2 compresscodec: {} crc: {} isvalid: true",
        b.base_offset,
        b.last_offset,
        b.records.len(),
        b.base_sequence,
        last_sequence(b),
        b.producer_id,
        b.producer_epoch,
        b.partition_leader_epoch,
        b.transactional,
        b.control.is_some(),
        b.max_timestamp,
        b.size_bytes,
        b.compression.name(),
        kafka_crc(b),
    )
}

/// `File.getAbsolutePath` of a path the console gives (already absolute under the log dir).
fn path_of(path: &str) -> String {
    normalize(path).unwrap_or_else(|| path.to_string())
}

/// The index as the tool reads it: a closed segment's trimmed entries; the active segment's
/// preallocated file, whose first zero entry after the real ones reads as the base offset (and
/// as the only entry when there are none: `dumpIndex` prints it, then stops at the next).
fn read_entries<T: Copy>(entries: &[T], active: bool, zero: T, max_entries: i64) -> Vec<T> {
    let mut v = entries.to_vec();
    if active && (v.len() as i64) < max_entries {
        v.push(zero);
    }
    v
}

/// The position in the `.log` of the batch holding `offset` by the offset index
/// (`OffsetIndex.lookup`: the largest entry at or below it, else the start).
fn lookup(idx: &SegmentIndexes, offset: i64) -> i64 {
    idx.offsets.iter().rev().find(|(o, _)| *o <= offset).map_or(0, |(_, p)| *p)
}

/// The first batch starting at `position` or later (`FileRecords.slice(position, ..).batches()`).
fn batches_from(seg: &Segment, position: i64) -> impl Iterator<Item = &RecordBatch> {
    let mut pos = 0i64;
    seg.batches.iter().filter_map(move |b| {
        let here = pos;
        pos += i64::from(b.size_bytes);
        (here >= position).then_some(&**b)
    })
}

fn dump_index(out: &mut Output, path: &str, seg: &SegmentFile, opts: &Opts, errors: &mut Errors) {
    let idx = segment_indexes(seg.segment, seg.interval, seg.active);
    let max_entries = index_bytes(seg) / OFFSET_INDEX_ENTRY;
    let entries = read_entries(&idx.offsets, seg.active, (seg.segment.base_offset, 0), max_entries);
    if entries.is_empty() {
        out.outln(&format!("{path} is empty."));
        return;
    }
    for (i, (offset, position)) in entries.iter().enumerate() {
        if *offset == seg.segment.base_offset && i > 0 {
            return;
        }
        if let Some(first) = batches_from(seg.segment, *position).next() {
            if first.last_offset != *offset {
                errors.index_mismatches.entry(path_of(path)).or_default().insert(*offset, first.last_offset);
            }
        }
        if !opts.verify_only {
            out.outln(&format!("offset: {offset} position: {position}"));
        }
    }
}

fn dump_time_index(out: &mut Output, path: &str, seg: &SegmentFile, opts: &Opts, errors: &mut Errors) {
    let idx = segment_indexes(seg.segment, seg.interval, seg.active);
    let max_entries = index_bytes(seg) / TIME_INDEX_ENTRY;
    let entries = read_entries(&idx.times, seg.active, (0, seg.segment.base_offset), max_entries);
    let mut prev = crate::sim::segment_files::NO_TIMESTAMP;
    let file = path_of(path);
    for (i, (ts, offset)) in entries.iter().enumerate() {
        if *offset == seg.segment.base_offset && i > 0 {
            return;
        }
        let position = lookup(&idx, *offset);
        match batches_from(seg.segment, position).find(|b| b.last_offset >= *offset) {
            None => errors.time_not_found.entry(file.clone()).or_default().push((*offset, -1)),
            Some(b) if b.last_offset != *offset => {
                errors.time_not_found.entry(file.clone()).or_default().push((*offset, b.last_offset))
            }
            Some(b) => {
                let max =
                    b.records.iter().map(|r| r.timestamp).max().unwrap_or(crate::sim::segment_files::NO_TIMESTAMP);
                let max = if b.log_append_time { b.max_timestamp } else { max };
                if max != *ts {
                    errors.time_mismatches.entry(file.clone()).or_default().push((*ts, max));
                }
                if prev >= *ts {
                    errors.time_out_of_order.entry(file.clone()).or_default().push((*ts, prev));
                }
            }
        }
        if !opts.verify_only {
            out.outln(&format!("timestamp: {ts} offset: {offset}"));
        }
        prev = *ts;
    }
}

/// `segment.index.bytes`: the size the active segment's index files are preallocated to.
fn index_bytes(seg: &SegmentFile) -> i64 {
    seg.index_bytes
}

fn print_errors(out: &mut Output, e: &Errors) {
    for (file, m) in &e.index_mismatches {
        out.errln(&format!("Mismatches in :{file}"));
        for (index_offset, log_offset) in m.iter().rev() {
            out.errln(&format!("  Index offset: {index_offset}, log offset: {log_offset}"));
        }
    }
    for (file, m) in &e.time_mismatches {
        out.errln(&format!("Found timestamp mismatch in :{file}"));
        for (i, l) in m {
            out.errln(&format!("  Index timestamp: {i}, log timestamp: {l}"));
        }
    }
    for (file, m) in &e.time_out_of_order {
        out.errln(&format!("Found out of order timestamp in :{file}"));
        for (i, p) in m {
            out.errln(&format!("  Index timestamp: {i}, Previously indexed timestamp: {p}"));
        }
    }
    for (file, m) in &e.time_not_found {
        out.errln(&format!("The following indexed offsets are not found in :{file}"));
        for (i, l) in m {
            out.errln(&format!("Indexed offset: {i}, found log offset: {l}"));
        }
    }
    for (file, m) in &e.non_consecutive {
        out.errln(&format!("Non-consecutive offsets in {file}"));
        for (a, b) in m {
            out.errln(&format!("  {a} is followed by {b}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_a_partition_and_a_segment() {
        let (tp, base) = parse_path("/tmp/kraft-combined-logs/orders-0/00000000000000002005.log").unwrap();
        assert_eq!((tp.topic.as_str(), tp.partition, base), ("orders", 0, 2005));
        let (tp, _) = parse_path("/tmp/kraft-combined-logs/my-topic-12/00000000000000000000.index").unwrap();
        assert_eq!((tp.topic.as_str(), tp.partition), ("my-topic", 12));
        assert!(parse_path("/tmp/kraft-combined-logs/orders-0/0.log").is_none());
        assert!(parse_path("/var/orders-0/00000000000000000000.log").is_none());
        assert!(parse_path("orders-0/00000000000000000000.log").is_none());
    }
}
