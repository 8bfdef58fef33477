//! The simulated disks as rows of plain data: what the browser's IndexedDB store writes, in a
//! shape a learner recognises in the developer tools — one row per record batch of each
//! segment file, Kafka's checkpoint files in Kafka's own text format, and the controllers'
//! `__cluster_metadata-0` log.
//!
//! Keys are `[node, file]` or `[node, file, offset]` ([`RowKey`]):
//!
//! ```text
//! ["broker-1", "meta.properties"]                                  Text
//! ["broker-1", "orders-0/00000000000000000000.log"]                Segment (its header)
//! ["broker-1", "orders-0/00000000000000000000.log", 40]            Batch (base offset 40)
//! ["broker-1", "orders-0/leader-epoch-checkpoint"]                 Text  "0\n2\n0 0\n1 57\n"
//! ["broker-1", "replication-offset-checkpoint"]                    Text  "0\n1\norders 0 57\n"
//! ["broker-1", "recovery-point-offset-checkpoint"]                 Text
//! ["broker-1", "log-start-offset-checkpoint"]                      Text
//! ["broker-1", "cleaner-offset-checkpoint"]                        Text
//! ["broker-1", ".kafka_cleanshutdown"]                             Text  (after a clean shutdown)
//! ["broker-1", "__cluster_metadata-0/00000000000000000000.log", 7] MetadataRecord (its copy)
//! ["controller-1001", "__cluster_metadata-0/quorum-state"]         Text  (JSON, as KRaft's)
//! ["controller-1001", "__cluster_metadata-0/00000000000000000000.log", 7] MetadataRecord
//! ```
//!
//! Checkpoints follow Kafka's `CheckpointFile` layout: a version line (0), a count line, then
//! one entry per line (`topic partition offset`, or `epoch startOffset` for the leader-epoch
//! checkpoint).
//!
//! Every batch row carries a CRC-32C ([`batch_crc`]) computed, as Kafka's v2 batches do, over
//! the batch from its attributes to its end; restoring recomputes it, and the first batch of a
//! log that fails is reported and the log is truncated there, as Kafka's log recovery
//! truncates a segment at its first invalid batch and drops the segments after it.
//!
//! Three uses:
//! * [`DiskTracker`]: a full dump for the first save, then [`DiskDelta`]s (rows to put, rows
//!   and files to delete) with only what changed since the last save.
//! * [`disks_from_rows`]: a cold load, as a broker process reads its log directory at start
//!   (checkpoints give the recovery point, HW, log start; producer state is rebuilt from the
//!   batches). With the power-loss model the broker's start then truncates to the recovery
//!   point, as it does with its in-memory disk.
//! * [`strip_disks`] + [`restore_disks`]: a reload — the world saved without its disk
//!   contents, then filled from the rows.

use crate::sim::base64::{self, Alphabet};
use crate::sim::broker::BrokerDisk;
use crate::sim::codec::Codec;
use crate::sim::compression::CompressionType;
use crate::sim::controller::{ControllerDisk, MetaEntry};
use crate::sim::epoch_cache::LeaderEpochCache;
use crate::sim::hash::{crc32c, StableHasher};
use crate::sim::log::{Log, Segment};
use crate::sim::metadata::MetadataRecord;
use crate::sim::record::{ControlType, Header, Record, RecordBatch};
use crate::sim::sort::CompactCollect;
use crate::sim::types::{BrokerId, NodeAddr, Offset, TopicPartition};
use crate::sim::world::Sim;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::hash::Hasher;
use std::rc::Rc;

/// Version of the row schema (bump it, and add a migration, when a row's shape changes).
pub(crate) const DISK_SCHEMA_VERSION: u32 = 1;

/// The name of the metadata log's directory.
pub(crate) const METADATA_DIR: &str = "__cluster_metadata-0";

/// A row's key: `[node, file]` or `[node, file, offset]`. In IndexedDB, an array key sorts
/// element by element and a shorter array before its extensions, so a segment's header sorts
/// just before its batches, and `[node, file] .. [node, file, []]` ranges over a whole file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Codec)]
pub struct RowKey {
    pub node: String,
    pub file: String,
    pub offset: Option<i64>,
}

/// One row: key and value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct DiskRow {
    pub key: RowKey,
    pub value: RowValue,
}

/// What a row holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RowValue {
    /// The header of a segment file (`orders-0/00000000000000000040.log`).
    Segment { base_offset: i64, created_ms: i64 },
    /// One record batch of a segment file.
    Batch(StoredBatch),
    /// A small text file in Kafka's format (checkpoints, `meta.properties`, `quorum-state`).
    Text { text: String },
    /// One record of a `__cluster_metadata-0` log; `record` is its JSON, `crc` the CRC-32C
    /// of `offset`, `epoch` and `record`.
    MetadataRecord { offset: i64, epoch: i32, record: String, crc: u32 },
}

/// A record batch as stored: Kafka's v2 batch fields, the records, and the CRC.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct StoredBatch {
    pub base_offset: i64,
    pub(crate) last_offset: i64,
    pub(crate) partition_leader_epoch: i32,
    pub(crate) producer_id: i64,
    pub producer_epoch: i16,
    pub(crate) base_sequence: i32,
    pub transactional: bool,
    /// `"COMMIT"` or `"ABORT"` for a transaction marker.
    pub control: Option<String>,
    pub(crate) max_timestamp: i64,
    /// The timestamp type (attributes bit 3): `LOG_APPEND_TIME` when true.
    #[serde(default)]
    pub(crate) log_append_time: bool,
    pub(crate) size_bytes: u32,
    pub(crate) delete_horizon_ms: Option<i64>,
    /// `CompressionType.id` of the batch's codec (attributes bits 0-2).
    #[serde(default)]
    pub(crate) compression: u8,
    /// The simulator's identity of the producer batch (decimal: it may exceed 2^53).
    pub origin: String,
    pub crc: u32,
    pub records: Vec<StoredRecord>,
}

/// A record as stored: text stays text (readable in the developer tools), other bytes are
/// base64.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct StoredRecord {
    pub(crate) offset_delta: u32,
    pub timestamp: i64,
    pub key: Option<Payload>,
    pub value: Option<Payload>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<(String, Option<Payload>)>,
}

/// Record bytes: UTF-8 text as a string, anything else as `{"base64": "…"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
#[serde(untagged)]
pub enum Payload {
    Text(String),
    Bytes { base64: String },
}

/// A change to the stored rows, applied in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum DiskOp {
    /// Write (or overwrite) a row.
    Put(DiskRow),
    /// Delete one row.
    Delete(RowKey),
    /// Delete every row of a file: `[node, file]` and all `[node, file, offset]`.
    DeleteFile { node: String, file: String },
}

/// What changed since the previous save.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct DiskDelta {
    pub ops: Vec<DiskOp>,
}

impl DiskDelta {
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// Applies the delta to rows held in memory (what the IndexedDB store does to its object
    /// store; tests use it to stand in for the store).
    pub fn apply_to(&self, rows: &mut BTreeMap<RowKey, RowValue>) {
        for op in &self.ops {
            match op {
                DiskOp::Put(r) => {
                    rows.insert(r.key.clone(), r.value.clone());
                }
                DiskOp::Delete(k) => {
                    rows.remove(k);
                }
                DiskOp::DeleteFile { node, file } => rows.retain(|k, _| !(k.node == *node && k.file == *file)),
            }
        }
    }

    /// How many rows the delta writes.
    pub fn puts(&self) -> usize {
        self.ops.iter().filter(|o| matches!(o, DiskOp::Put(_))).count()
    }
}

/// Something wrong found while reading rows back. Each says which node and file, and what
/// was done about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub enum DiskProblem {
    /// A batch whose CRC does not match its content: skipped, and the log truncated there.
    BadBatch { node: String, tp: String, offset: i64 },
    /// Batches out of order or overlapping the one before: the log is truncated there.
    OutOfOrder { node: String, tp: String, offset: i64 },
    /// A segment's rows do not match what was saved (rows missing or extra): the log is
    /// truncated at the segment's start.
    SegmentMismatch { node: String, file: String },
    /// A metadata record that fails its CRC, or is missing: the metadata log is truncated there.
    BadMetadataRecord { node: String, offset: i64 },
    /// A row that cannot be understood (bad key or value): ignored.
    UnreadableRow { node: String, file: String, why: String },
    /// A checkpoint file that cannot be parsed: its values are not used.
    BadCheckpoint { node: String, file: String, why: String },
    /// A node whose disk had problems was restarted, so it recovers like a Kafka process that
    /// finds a damaged log at start.
    Restarted { node: String },
}

impl fmt::Display for DiskProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DiskProblem::BadBatch { node, tp, offset } => {
                write!(f, "{node} {tp}: batch at offset {offset} failed its CRC check and was skipped; the log ends before it")
            }
            DiskProblem::OutOfOrder { node, tp, offset } => {
                write!(f, "{node} {tp}: batch at offset {offset} is out of order; the log ends before it")
            }
            DiskProblem::SegmentMismatch { node, file } => {
                write!(
                    f,
                    "{node} {file}: the stored batches do not match what was saved; the log ends before this segment"
                )
            }
            DiskProblem::BadMetadataRecord { node, offset } => {
                write!(
                    f,
                    "{node} {METADATA_DIR}: record {offset} is damaged or missing; the metadata log ends before it"
                )
            }
            DiskProblem::UnreadableRow { node, file, why } => {
                write!(f, "{node} {file}: a row could not be read ({why})")
            }
            DiskProblem::BadCheckpoint { node, file, why } => write!(f, "{node} {file}: unreadable checkpoint ({why})"),
            DiskProblem::Restarted { node } => {
                write!(f, "{node} was restarted so it recovers from its damaged disk, as Kafka does at start")
            }
        }
    }
}

/// Everything found while restoring (empty when all was well).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct DiskReport {
    pub problems: Vec<DiskProblem>,
}

impl DiskReport {
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }
}

// ---------------------------------------------------------------- names

/// `broker-1`.
pub(crate) fn broker_node(id: BrokerId) -> String {
    format!("broker-{id}")
}

/// `controller-1001`.
pub(crate) fn controller_node(id: i32) -> String {
    format!("controller-{id}")
}

/// `orders-0/00000000000000000040.log`: Kafka names a segment by its base offset, 20 digits.
pub(crate) fn segment_file(tp: &TopicPartition, base: Offset) -> String {
    format!("{tp}/{base:020}.log")
}

fn metadata_file() -> String {
    format!("{METADATA_DIR}/{:020}.log", 0)
}

fn parse_node(node: &str) -> Option<NodeId> {
    if let Some(id) = node.strip_prefix("broker-") {
        return id.parse().ok().filter(|i: &i32| *i > 0).map(NodeId::Broker);
    }
    node.strip_prefix("controller-").and_then(|id| id.parse().ok()).map(NodeId::Controller)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum NodeId {
    Broker(BrokerId),
    Controller(i32),
}

/// `orders-0/00000000000000000040.log` → (orders-0, 40).
fn parse_segment_file(file: &str) -> Option<(TopicPartition, Offset)> {
    let (dir, name) = file.split_once('/')?;
    let base: Offset = name.strip_suffix(".log")?.parse().ok()?;
    let (topic, p) = dir.rsplit_once('-')?;
    let partition = p.parse().ok()?;
    (!topic.is_empty() && base >= 0).then(|| (TopicPartition::new(topic, partition), base))
}

// ---------------------------------------------------------------- CRC and conversions

/// CRC-32C over the batch as Kafka's v2 format lays it out from the attributes to the end
/// (attributes, last offset delta, base and max timestamps, producer id and epoch, base
/// sequence, record count, then each record with its zig-zag varints), followed by what
/// Kafka leaves out of its CRC or the simulator adds: base offset, partition leader epoch,
/// size and origin. Kafka leaves the first two out so a leader can restamp a batch without
/// recomputing; here a row can be edited by hand in the developer tools, so they are covered.
pub(crate) fn batch_crc(b: &RecordBatch) -> u32 {
    let mut buf = Vec::with_capacity(b.size_bytes as usize + 32);
    let mut attributes: i16 = i16::from(b.compression.id());
    if b.log_append_time {
        attributes |= 1 << 3;
    }
    if b.transactional {
        attributes |= 1 << 4;
    }
    if b.control.is_some() {
        attributes |= 1 << 5;
    }
    if b.delete_horizon_ms.is_some() {
        attributes |= 1 << 6;
    }
    let first_ts = b.records.first().map(|r| r.timestamp).unwrap_or(b.max_timestamp);
    let base_ts = b.delete_horizon_ms.unwrap_or(first_ts);
    buf.extend_from_slice(&attributes.to_be_bytes());
    buf.extend_from_slice(&((b.last_offset - b.base_offset) as i32).to_be_bytes());
    buf.extend_from_slice(&base_ts.to_be_bytes());
    buf.extend_from_slice(&b.max_timestamp.to_be_bytes());
    buf.extend_from_slice(&b.producer_id.to_be_bytes());
    buf.extend_from_slice(&b.producer_epoch.to_be_bytes());
    buf.extend_from_slice(&b.base_sequence.to_be_bytes());
    buf.extend_from_slice(&(b.records.len() as i32).to_be_bytes());
    crate::sim::record::write_records(&mut buf, &b.records, base_ts);
    buf.extend_from_slice(&b.base_offset.to_be_bytes());
    buf.extend_from_slice(&b.partition_leader_epoch.to_be_bytes());
    buf.extend_from_slice(&b.size_bytes.to_be_bytes());
    buf.extend_from_slice(&b.origin.to_be_bytes());
    match b.control {
        None => buf.push(0),
        Some(ControlType::Abort) => buf.push(1),
        Some(ControlType::Commit) => buf.push(2),
    }
    crc32c(&buf)
}

fn payload(b: &[u8]) -> Payload {
    match std::str::from_utf8(b) {
        Ok(s) => Payload::Text(s.to_string()),
        Err(_) => Payload::Bytes { base64: base64::encode(b, Alphabet::Standard) },
    }
}

fn payload_bytes(p: &Payload) -> Result<Rc<[u8]>, String> {
    match p {
        Payload::Text(s) => Ok(Rc::from(s.as_bytes())),
        Payload::Bytes { base64: text } => {
            base64::decode(text, Alphabet::Standard).map(Rc::from).map_err(|_| "invalid base64".to_string())
        }
    }
}

/// A batch as a row value.
pub(crate) fn store_batch(b: &RecordBatch) -> StoredBatch {
    StoredBatch {
        base_offset: b.base_offset,
        last_offset: b.last_offset,
        partition_leader_epoch: b.partition_leader_epoch,
        producer_id: b.producer_id,
        producer_epoch: b.producer_epoch,
        base_sequence: b.base_sequence,
        transactional: b.transactional,
        control: b.control.map(|c| match c {
            ControlType::Abort => "ABORT".to_string(),
            ControlType::Commit => "COMMIT".to_string(),
        }),
        max_timestamp: b.max_timestamp,
        log_append_time: b.log_append_time,
        size_bytes: b.size_bytes,
        delete_horizon_ms: b.delete_horizon_ms,
        compression: b.compression.id(),
        origin: b.origin.to_string(),
        crc: batch_crc(b),
        records: b
            .records
            .iter()
            .map(|r| StoredRecord {
                offset_delta: r.offset_delta,
                timestamp: r.timestamp,
                key: r.key.as_deref().map(payload),
                value: r.value.as_deref().map(payload),
                headers: r.headers.iter().map(|h| (h.key.clone(), h.value.as_deref().map(payload))).collect(),
            })
            .collect(),
    }
}

/// A row value back to a batch; `Err` when it cannot be read or fails its CRC.
pub(crate) fn load_batch(s: &StoredBatch) -> Result<RecordBatch, String> {
    let control = match s.control.as_deref() {
        None => None,
        Some("ABORT") => Some(ControlType::Abort),
        Some("COMMIT") => Some(ControlType::Commit),
        Some(other) => return Err(format!("unknown control type {other}")),
    };
    let mut records = Vec::with_capacity(s.records.len());
    for r in &s.records {
        let mut headers = Vec::with_capacity(r.headers.len());
        for (k, v) in &r.headers {
            headers.push(Header { key: k.clone(), value: v.as_ref().map(payload_bytes).transpose()? });
        }
        records.push(Record {
            offset_delta: r.offset_delta,
            timestamp: r.timestamp,
            key: r.key.as_ref().map(payload_bytes).transpose()?,
            value: r.value.as_ref().map(payload_bytes).transpose()?,
            headers,
        });
    }
    let b = RecordBatch {
        base_offset: s.base_offset,
        last_offset: s.last_offset,
        partition_leader_epoch: s.partition_leader_epoch,
        producer_id: s.producer_id,
        producer_epoch: s.producer_epoch,
        base_sequence: s.base_sequence,
        transactional: s.transactional,
        control,
        records: Rc::new(records),
        max_timestamp: s.max_timestamp,
        log_append_time: s.log_append_time,
        size_bytes: s.size_bytes,
        delete_horizon_ms: s.delete_horizon_ms,
        compression: CompressionType::ALL
            .get(usize::from(s.compression))
            .copied()
            .ok_or_else(|| format!("unknown compression type id {}", s.compression))?,
        origin: s.origin.parse().map_err(|_| "bad origin".to_string())?,
    };
    if batch_crc(&b) != s.crc {
        return Err("CRC mismatch".into());
    }
    let offsets_ok = b.last_offset >= b.base_offset
        && b.records.iter().all(|r| b.base_offset + Offset::from(r.offset_delta) <= b.last_offset);
    if !offsets_ok {
        return Err("offsets outside the batch".into());
    }
    Ok(b)
}

fn metadata_crc(offset: i64, epoch: i32, record: &str) -> u32 {
    let mut buf = Vec::with_capacity(record.len() + 12);
    buf.extend_from_slice(&offset.to_be_bytes());
    buf.extend_from_slice(&epoch.to_be_bytes());
    buf.extend_from_slice(record.as_bytes());
    crc32c(&buf)
}

fn metadata_row(node: &str, offset: i64, epoch: i32, rec: &MetadataRecord) -> DiskRow {
    let record = serde_json::to_string(rec).unwrap_or_default();
    DiskRow {
        key: RowKey { node: node.to_string(), file: metadata_file(), offset: Some(offset) },
        value: RowValue::MetadataRecord { offset, epoch, crc: metadata_crc(offset, epoch, &record), record },
    }
}

// ---------------------------------------------------------------- checkpoint texts

/// Kafka's `CheckpointFile` text: version 0, the count, then the lines.
fn checkpoint_text(lines: Vec<String>) -> String {
    let mut s = format!("0\n{}\n", lines.len());
    for l in lines {
        s.push_str(&l);
        s.push('\n');
    }
    s
}

/// Parses a checkpoint's entry lines (each split on whitespace).
fn parse_checkpoint(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut lines = text.lines();
    if lines.next() != Some("0") {
        return Err("its version is not 0".into());
    }
    let count: usize = lines.next().and_then(|l| l.trim().parse().ok()).ok_or("no entry count")?;
    let entries: Vec<Vec<String>> =
        lines.filter(|l| !l.trim().is_empty()).map(|l| l.split_whitespace().map(str::to_string).collect()).collect();
    if entries.len() != count {
        return Err(format!("it says {count} entries but has {}", entries.len()));
    }
    Ok(entries)
}

fn offsets_checkpoint(entries: Vec<(&TopicPartition, Offset)>) -> String {
    checkpoint_text(entries.into_iter().map(|(tp, o)| format!("{} {} {o}", tp.topic, tp.partition)).collect())
}

fn parse_offsets_checkpoint(text: &str) -> Result<BTreeMap<TopicPartition, Offset>, String> {
    let mut out = BTreeMap::new();
    for e in parse_checkpoint(text)? {
        match e.as_slice() {
            [t, p, o] => {
                let p = p.parse().map_err(|_| format!("bad partition {p}"))?;
                let o = o.parse().map_err(|_| format!("bad offset {o}"))?;
                out.insert(TopicPartition::new(t.clone(), p), o);
            }
            _ => return Err("an entry is not `topic partition offset`".into()),
        }
    }
    Ok(out)
}

/// The text files of a broker (name → content).
fn broker_texts(id: BrokerId, disk: &BrokerDisk, cluster_id: &str) -> BTreeMap<String, String> {
    let mut t = BTreeMap::new();
    t.insert("meta.properties".to_string(), format!("node.id={id}\ncluster.id={cluster_id}\nversion=1\n"));
    t.insert(
        "replication-offset-checkpoint".to_string(),
        offsets_checkpoint(disk.hw_checkpoint.iter().map(|(tp, o)| (tp, *o)).collect()),
    );
    t.insert(
        "recovery-point-offset-checkpoint".to_string(),
        offsets_checkpoint(disk.logs.iter().map(|(tp, l)| (tp, l.recovery_point)).collect()),
    );
    t.insert(
        "log-start-offset-checkpoint".to_string(),
        offsets_checkpoint(disk.logs.iter().map(|(tp, l)| (tp, l.log_start_offset)).collect()),
    );
    t.insert(
        "cleaner-offset-checkpoint".to_string(),
        offsets_checkpoint(disk.logs.iter().map(|(tp, l)| (tp, l.cleaner_checkpoint)).collect()),
    );
    for (tp, log) in &disk.logs {
        let lines = log.epochs.entries().iter().map(|e| format!("{} {}", e.epoch, e.start_offset)).collect();
        t.insert(format!("{tp}/leader-epoch-checkpoint"), checkpoint_text(lines));
    }
    if let Some(epoch) = disk.clean_shutdown_epoch {
        // CleanShutdownFileHandler.write: `{"version":0,"brokerEpoch":N}`.
        t.insert(CLEAN_SHUTDOWN_FILE.to_string(), format!("{{\"version\":0,\"brokerEpoch\":{epoch}}}"));
    }
    t
}

/// `CleanShutdownFileHandler.CLEAN_SHUTDOWN_FILE_NAME`.
const CLEAN_SHUTDOWN_FILE: &str = ".kafka_cleanshutdown";

/// `CleanShutdownFileHandler.read`: the broker epoch, or nothing if the file does not parse.
fn parse_clean_shutdown(text: &str) -> Option<i64> {
    serde_json::from_str::<serde_json::Value>(text).ok()?.get("brokerEpoch")?.as_i64()
}

fn controller_texts(id: i32, disk: &ControllerDisk, cluster_id: &str) -> BTreeMap<String, String> {
    let mut t = BTreeMap::new();
    t.insert("meta.properties".to_string(), format!("node.id={id}\ncluster.id={cluster_id}\nversion=1\n"));
    let state = serde_json::json!({
        "leaderEpoch": disk.epoch,
        "votedId": disk.voted_for.unwrap_or(-1),
        "data_version": 0,
    });
    t.insert(format!("{METADATA_DIR}/quorum-state"), state.to_string());
    t
}

// ---------------------------------------------------------------- tracker

/// What was last written for one node.
#[derive(Clone, Debug, Default)]
struct NodeTrack {
    texts: BTreeMap<String, String>,
    logs: BTreeMap<TopicPartition, LogTrack>,
    metadata: Vec<(Offset, i32, Rc<MetadataRecord>)>,
}

#[derive(Clone, Debug)]
struct LogTrack {
    fingerprint: (u64, Offset, Offset, u32, usize, usize),
    /// Segment base → (created_ms, batches by base offset).
    segments: BTreeMap<Offset, (i64, BTreeMap<Offset, Rc<RecordBatch>>)>,
}

fn fingerprint(log: &Log) -> (u64, Offset, Offset, u32, usize, usize) {
    let first = log.batches().next().map(|b| Rc::as_ptr(b) as usize).unwrap_or(0);
    let last = log.segments.last().and_then(|s| s.batches.last()).map(|b| Rc::as_ptr(b) as usize).unwrap_or(0);
    (log.version, log.log_end_offset, log.log_start_offset, log.segments.len() as u32, first, last)
}

/// Remembers what was written, to produce deltas. Keep one per store; start it with
/// [`DiskTracker::full`] (first save, or after loading rows) and call
/// [`DiskTracker::delta`] at each save point.
#[derive(Clone, Debug, Default)]
pub struct DiskTracker {
    nodes: BTreeMap<String, NodeTrack>,
}

impl DiskTracker {
    pub fn new() -> DiskTracker {
        DiskTracker::default()
    }

    /// Every row of every disk (first save); the tracker now considers them written.
    pub fn full(&mut self, sim: &Sim) -> Vec<DiskRow> {
        self.nodes.clear();
        self.delta(sim)
            .ops
            .into_iter()
            .filter_map(|op| match op {
                DiskOp::Put(r) => Some(r),
                _ => None,
            })
            .collect()
    }

    /// What changed since the previous call (or [`DiskTracker::full`]).
    pub fn delta(&mut self, sim: &Sim) -> DiskDelta {
        let mut ops = Vec::new();
        let cluster_id = |node: NodeAddr| sim.env_of(sim.cluster_of(node)).cluster_id.clone();
        let mut seen: Vec<String> = Vec::new();
        for (id, b) in sim.brokers() {
            let cluster_id = cluster_id(NodeAddr::Broker(*id));
            let node = broker_node(*id);
            let track = self.nodes.entry(node.clone()).or_default();
            diff_texts(&node, track, broker_texts(*id, &b.disk, &cluster_id), &mut ops);
            diff_logs(&node, track, &b.disk.logs, &mut ops);
            diff_metadata(&node, track, &b.disk.metadata, &mut ops);
            seen.push(node);
        }
        for (id, c) in sim.controllers() {
            let cluster_id = cluster_id(NodeAddr::Controller(*id));
            let node = controller_node(*id);
            let track = self.nodes.entry(node.clone()).or_default();
            diff_texts(&node, track, controller_texts(*id, &c.disk, &cluster_id), &mut ops);
            let entries: Vec<(Offset, i32, Rc<MetadataRecord>)> =
                c.disk.log.iter().map(|e| (e.offset, e.epoch, e.record.clone())).collect();
            diff_metadata(&node, track, &entries, &mut ops);
            seen.push(node);
        }
        // Nodes that no longer exist (never happens today: brokers are only added).
        let gone: Vec<String> = self.nodes.keys().filter(|n| !seen.contains(n)).cloned().collect();
        for node in gone {
            if let Some(t) = self.nodes.remove(&node) {
                for file in t.texts.keys() {
                    ops.push(DiskOp::DeleteFile { node: node.clone(), file: file.clone() });
                }
                for (tp, lt) in &t.logs {
                    for base in lt.segments.keys() {
                        ops.push(DiskOp::DeleteFile { node: node.clone(), file: segment_file(tp, *base) });
                    }
                }
                ops.push(DiskOp::DeleteFile { node: node.clone(), file: metadata_file() });
            }
        }
        DiskDelta { ops }
    }
}

fn diff_texts(node: &str, track: &mut NodeTrack, texts: BTreeMap<String, String>, ops: &mut Vec<DiskOp>) {
    for (file, old) in &track.texts {
        if !texts.contains_key(file) {
            let _ = old;
            ops.push(DiskOp::DeleteFile { node: node.to_string(), file: file.clone() });
        }
    }
    for (file, text) in &texts {
        if track.texts.get(file) != Some(text) {
            ops.push(DiskOp::Put(DiskRow {
                key: RowKey { node: node.to_string(), file: file.clone(), offset: None },
                value: RowValue::Text { text: text.clone() },
            }));
        }
    }
    track.texts = texts;
}

fn diff_logs(node: &str, track: &mut NodeTrack, logs: &BTreeMap<TopicPartition, Log>, ops: &mut Vec<DiskOp>) {
    let removed: Vec<TopicPartition> = track.logs.keys().filter(|tp| !logs.contains_key(*tp)).cloned().collect();
    for tp in removed {
        if let Some(lt) = track.logs.remove(&tp) {
            for base in lt.segments.keys() {
                ops.push(DiskOp::DeleteFile { node: node.to_string(), file: segment_file(&tp, *base) });
            }
        }
    }
    for (tp, log) in logs {
        let fp = fingerprint(log);
        if track.logs.get(tp).map(|lt| lt.fingerprint == fp).unwrap_or(false) {
            continue;
        }
        let mut lt = track.logs.remove(tp).unwrap_or(LogTrack { fingerprint: fp, segments: BTreeMap::new() });
        lt.fingerprint = fp;
        let current: BTreeMap<Offset, &Segment> = log.segments.iter().map(|s| (s.base_offset, s)).collect_map();
        let stale: Vec<Offset> = lt.segments.keys().filter(|b| !current.contains_key(*b)).copied().collect();
        for base in stale {
            lt.segments.remove(&base);
            ops.push(DiskOp::DeleteFile { node: node.to_string(), file: segment_file(tp, base) });
        }
        for (base, seg) in current {
            let file = segment_file(tp, base);
            let entry = lt.segments.entry(base).or_insert_with(|| (i64::MIN, BTreeMap::new()));
            if entry.0 != seg.created_ms {
                entry.0 = seg.created_ms;
                ops.push(DiskOp::Put(DiskRow {
                    key: RowKey { node: node.to_string(), file: file.clone(), offset: None },
                    value: RowValue::Segment { base_offset: base, created_ms: seg.created_ms },
                }));
            }
            let now: BTreeMap<Offset, &Rc<RecordBatch>> = seg.batches.iter().map(|b| (b.base_offset, b)).collect_map();
            let gone: Vec<Offset> = entry.1.keys().filter(|o| !now.contains_key(*o)).copied().collect();
            for o in gone {
                entry.1.remove(&o);
                ops.push(DiskOp::Delete(RowKey { node: node.to_string(), file: file.clone(), offset: Some(o) }));
            }
            for (o, b) in now {
                if entry.1.get(&o).map(|old| Rc::ptr_eq(old, b) || **old == **b).unwrap_or(false) {
                    continue;
                }
                entry.1.insert(o, b.clone());
                ops.push(DiskOp::Put(DiskRow {
                    key: RowKey { node: node.to_string(), file: file.clone(), offset: Some(o) },
                    value: RowValue::Batch(store_batch(b)),
                }));
            }
        }
        track.logs.insert(tp.clone(), lt);
    }
}

fn diff_metadata(
    node: &str,
    track: &mut NodeTrack,
    entries: &[(Offset, i32, Rc<MetadataRecord>)],
    ops: &mut Vec<DiskOp>,
) {
    let same = |a: &(Offset, i32, Rc<MetadataRecord>), b: &(Offset, i32, Rc<MetadataRecord>)| {
        a.0 == b.0 && a.1 == b.1 && (Rc::ptr_eq(&a.2, &b.2) || a.2 == b.2)
    };
    let common = track.metadata.iter().zip(entries.iter()).take_while(|(a, b)| same(a, b)).count();
    for old in &track.metadata[common..] {
        if !entries.iter().any(|e| e.0 == old.0) {
            ops.push(DiskOp::Delete(RowKey { node: node.to_string(), file: metadata_file(), offset: Some(old.0) }));
        }
    }
    for (o, e, r) in &entries[common..] {
        ops.push(DiskOp::Put(metadata_row(node, *o, *e, r)));
    }
    track.metadata = entries.to_vec();
}

// ---------------------------------------------------------------- reading rows

/// A segment file's rows: (created_ms from its header row, batches by offset).
/// A segment's header (its creation time) and its batch rows by offset, borrowed from the
/// rows read (a reload's 100,000 records are not copied again).
type SegmentRows<'a> = (Option<i64>, BTreeMap<i64, &'a StoredBatch>);

/// Rows grouped by node and file, batches sorted by offset.
#[derive(Default)]
struct NodeRows<'a> {
    texts: BTreeMap<String, String>,
    /// tp → segment base → its rows.
    segments: BTreeMap<TopicPartition, BTreeMap<Offset, SegmentRows<'a>>>,
    metadata: BTreeMap<i64, (i32, String, u32)>,
}

fn group_rows<'a>(rows: &'a [DiskRow], report: &mut DiskReport) -> BTreeMap<String, NodeRows<'a>> {
    let mut out: BTreeMap<String, NodeRows<'a>> = BTreeMap::new();
    for row in rows {
        let k = &row.key;
        let unreadable =
            |why: &str| DiskProblem::UnreadableRow { node: k.node.clone(), file: k.file.clone(), why: why.into() };
        if parse_node(&k.node).is_none() {
            report.problems.push(unreadable("unknown node"));
            continue;
        }
        let n = out.entry(k.node.clone()).or_default();
        match (&row.value, k.offset) {
            (RowValue::Text { text }, None) => {
                n.texts.insert(k.file.clone(), text.clone());
            }
            (RowValue::MetadataRecord { offset, epoch, record, crc }, Some(o))
                if *offset == o && k.file == metadata_file() =>
            {
                n.metadata.insert(o, (*epoch, record.clone(), *crc));
            }
            (RowValue::Segment { base_offset, created_ms }, None) => match parse_segment_file(&k.file) {
                Some((tp, base)) if base == *base_offset => {
                    n.segments.entry(tp).or_default().entry(base).or_default().0 = Some(*created_ms);
                }
                _ => report.problems.push(unreadable("a segment header that does not match its file name")),
            },
            (RowValue::Batch(b), Some(o)) if b.base_offset == o => match parse_segment_file(&k.file) {
                Some((tp, base)) => {
                    n.segments.entry(tp).or_default().entry(base).or_default().1.insert(o, b);
                }
                None => report.problems.push(unreadable("a batch in a file that is not a segment")),
            },
            _ => report.problems.push(unreadable("its key and value do not go together")),
        }
    }
    out
}

/// Shares identical batches and metadata records between nodes, as replication does in
/// memory (followers hold the leader's `Rc`), so a restored world uses no more memory.
#[derive(Default)]
struct Interner {
    batches: BTreeMap<(TopicPartition, Offset, u32), Rc<RecordBatch>>,
    records: BTreeMap<(Offset, u32), Rc<MetadataRecord>>,
}

impl Interner {
    fn batch(&mut self, tp: &TopicPartition, crc: u32, b: RecordBatch) -> Rc<RecordBatch> {
        let key = (tp.clone(), b.base_offset, crc);
        match self.batches.get(&key) {
            Some(rc) if **rc == b => rc.clone(),
            _ => {
                let rc = Rc::new(b);
                self.batches.insert(key, rc.clone());
                rc
            }
        }
    }
    fn record(&mut self, offset: Offset, crc: u32, r: MetadataRecord) -> Rc<MetadataRecord> {
        match self.records.get(&(offset, crc)) {
            Some(rc) if **rc == r => rc.clone(),
            _ => {
                let rc = Rc::new(r);
                self.records.insert((offset, crc), rc.clone());
                rc
            }
        }
    }
}

/// The segments of one log read from rows: valid batches in order, stopping at the first
/// bad one (Kafka's `LogSegment.recover` truncates at the first invalid batch and the
/// segments after it are deleted). Returns the segments and where the log had to end early.
fn load_segments(
    node: &str,
    tp: &TopicPartition,
    segs: &BTreeMap<Offset, SegmentRows<'_>>,
    interner: &mut Interner,
    report: &mut DiskReport,
) -> (Vec<Segment>, Option<Offset>) {
    let mut out: Vec<Segment> = Vec::new();
    let mut next: Offset = i64::MIN;
    for (base, (created, batches)) in segs {
        let mut seg = Segment {
            base_offset: *base,
            batches: Vec::new(),
            size_bytes: 0,
            created_ms: created.unwrap_or(0),
            max_timestamp: -1,
        };
        for (o, sb) in batches {
            let stop = match load_batch(sb) {
                Err(_) => Some(DiskProblem::BadBatch { node: node.into(), tp: tp.to_string(), offset: *o }),
                Ok(b) if b.base_offset < next || b.base_offset < *base => {
                    Some(DiskProblem::OutOfOrder { node: node.into(), tp: tp.to_string(), offset: *o })
                }
                Ok(b) => {
                    next = b.next_offset();
                    let rc = interner.batch(tp, sb.crc, b);
                    seg.size_bytes += u64::from(rc.size_bytes);
                    seg.max_timestamp = seg.max_timestamp.max(rc.max_timestamp);
                    seg.batches.push(rc);
                    None
                }
            };
            if let Some(p) = stop {
                report.problems.push(p);
                out.push(seg);
                return (out, Some(*o));
            }
        }
        out.push(seg);
    }
    (out, None)
}

fn load_metadata(
    node: &str,
    rows: &BTreeMap<i64, (i32, String, u32)>,
    expected_len: Option<u64>,
    interner: &mut Interner,
    report: &mut DiskReport,
) -> Vec<(Offset, i32, Rc<MetadataRecord>)> {
    let mut out = Vec::new();
    let mut expect: i64 = 0;
    for (o, (epoch, json, crc)) in rows {
        let ok = *o >= expect && metadata_crc(*o, *epoch, json) == *crc;
        // Offsets are consecutive, except before a NoOpRecord: it stands for the run of
        // NoOpRecords that ends with it (`MetaEntry`).
        let rec = if ok { serde_json::from_str::<MetadataRecord>(json).ok() } else { None }
            .filter(|r| *o == expect || matches!(r, MetadataRecord::NoOp));
        match rec {
            Some(r) => {
                out.push((*o, *epoch, interner.record(*o, *crc, r)));
                expect = *o + 1;
            }
            None => {
                report.problems.push(DiskProblem::BadMetadataRecord { node: node.into(), offset: expect });
                return out;
            }
        }
    }
    if let Some(n) = expected_len {
        if (out.len() as u64) < n {
            let offset = out.last().map(|e| e.0 + 1).unwrap_or(0);
            report.problems.push(DiskProblem::BadMetadataRecord { node: node.into(), offset });
        }
    }
    out
}

/// Cold load: every broker's and controller's disk as its rows describe it, as a process
/// finds its directory at start. Log state comes from the checkpoints (recovery point, log
/// start, cleaner point, leader epochs; the HW checkpoint stays in `hw_checkpoint` for the
/// broker's start to apply), producer state and aborted transactions are rebuilt from the
/// batches. Damaged batches end their log early; damaged metadata records end the metadata
/// log early; all of it is in the report.
pub fn disks_from_rows(
    rows: &[DiskRow],
) -> (BTreeMap<BrokerId, BrokerDisk>, BTreeMap<i32, ControllerDisk>, DiskReport) {
    let mut report = DiskReport::default();
    let grouped = group_rows(rows, &mut report);
    let mut interner = Interner::default();
    let mut brokers = BTreeMap::new();
    let mut controllers = BTreeMap::new();
    for (node, nr) in grouped {
        match parse_node(&node) {
            Some(NodeId::Broker(id)) => {
                let offsets = |name: &str, report: &mut DiskReport| -> BTreeMap<TopicPartition, Offset> {
                    match nr.texts.get(name).map(|t| parse_offsets_checkpoint(t)) {
                        Some(Ok(m)) => m,
                        Some(Err(why)) => {
                            report.problems.push(DiskProblem::BadCheckpoint {
                                node: node.clone(),
                                file: name.into(),
                                why,
                            });
                            BTreeMap::new()
                        }
                        None => BTreeMap::new(),
                    }
                };
                let hw = offsets("replication-offset-checkpoint", &mut report);
                let recovery = offsets("recovery-point-offset-checkpoint", &mut report);
                let starts = offsets("log-start-offset-checkpoint", &mut report);
                let cleaner = offsets("cleaner-offset-checkpoint", &mut report);
                let mut disk = BrokerDisk::default();
                for (tp, segs) in &nr.segments {
                    let (segments, _) = load_segments(&node, tp, segs, &mut interner, &mut report);
                    let mut log = Log::new(tp.clone(), segments.first().map(|s| s.created_ms).unwrap_or(0));
                    if !segments.is_empty() {
                        log.segments = segments;
                    }
                    let file = format!("{tp}/leader-epoch-checkpoint");
                    let mut epochs = LeaderEpochCache::new();
                    match nr.texts.get(&file).map(|t| parse_checkpoint(t)) {
                        Some(Ok(entries)) => {
                            for e in entries {
                                let parsed = match e.as_slice() {
                                    [ep, so] => ep.parse().ok().zip(so.parse().ok()),
                                    _ => None,
                                };
                                if let Some((ep, so)) = parsed {
                                    let _ = epochs.assign(ep, so);
                                }
                            }
                        }
                        Some(Err(why)) => {
                            report.problems.push(DiskProblem::BadCheckpoint { node: node.clone(), file, why })
                        }
                        None => {}
                    }
                    log.install_loaded(
                        epochs,
                        starts.get(tp).copied(),
                        recovery.get(tp).copied(),
                        cleaner.get(tp).copied(),
                        hw.get(tp).copied(),
                    );
                    disk.logs.insert(tp.clone(), log);
                }
                disk.hw_checkpoint = hw.into_iter().filter(|(tp, _)| disk.logs.contains_key(tp)).collect();
                disk.metadata = load_metadata(&node, &nr.metadata, None, &mut interner, &mut report);
                disk.clean_shutdown_epoch = nr.texts.get(CLEAN_SHUTDOWN_FILE).and_then(|t| parse_clean_shutdown(t));
                brokers.insert(id, disk);
            }
            Some(NodeId::Controller(id)) => {
                let mut disk = ControllerDisk::default();
                let file = format!("{METADATA_DIR}/quorum-state");
                if let Some(text) = nr.texts.get(&file) {
                    match serde_json::from_str::<serde_json::Value>(text) {
                        Ok(v) => {
                            disk.epoch = v.get("leaderEpoch").and_then(|e| e.as_i64()).unwrap_or(0) as i32;
                            disk.voted_for =
                                v.get("votedId").and_then(|e| e.as_i64()).filter(|v| *v >= 0).map(|v| v as i32);
                        }
                        Err(e) => report.problems.push(DiskProblem::BadCheckpoint {
                            node: node.clone(),
                            file,
                            why: e.to_string(),
                        }),
                    }
                }
                disk.log = load_metadata(&node, &nr.metadata, None, &mut interner, &mut report)
                    .into_iter()
                    .map(|(offset, epoch, record)| MetaEntry { offset, epoch, record })
                    .collect();
                controllers.insert(id, disk);
            }
            None => {}
        }
    }
    (brokers, controllers, report)
}

// ---------------------------------------------------------------- reload: strip and restore

/// What a stripped world expects to find in the rows, so missing or extra rows are noticed:
/// per segment file its batch count and a digest of their offsets and sizes; per metadata
/// log its length.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct DiskManifest {
    pub(crate) segments: BTreeMap<String, BTreeMap<String, (u32, u64)>>,
    pub metadata: BTreeMap<String, u64>,
}

fn segment_digest(batches: &[Rc<RecordBatch>]) -> (u32, u64) {
    let mut h = StableHasher::new();
    for b in batches {
        h.write_i64(b.base_offset);
        h.write_i64(b.last_offset);
        h.write_u32(b.size_bytes);
        h.write_u32(b.records.len() as u32);
    }
    (batches.len() as u32, h.finish())
}

/// The world without its disk contents (record batches and metadata logs), for a reload
/// snapshot, and the manifest of what the rows must hold. Everything else stays, including
/// each log's in-memory state (HW, producer state, segment headers), so that with the rows
/// [`restore_disks`] gives back exactly this world.
pub fn strip_disks(sim: &Sim) -> (Sim, DiskManifest) {
    let mut s = sim.clone();
    let mut manifest = DiskManifest::default();
    for (id, b) in s.brokers_mut().iter_mut() {
        let node = broker_node(*id);
        let files = manifest.segments.entry(node.clone()).or_default();
        for (tp, log) in b.disk.logs.iter_mut() {
            for seg in log.segments.iter_mut() {
                files.insert(segment_file(tp, seg.base_offset), segment_digest(&seg.batches));
                seg.batches.clear();
            }
        }
        manifest.metadata.insert(node, b.disk.metadata.len() as u64);
        b.disk.metadata.clear();
    }
    for (id, c) in s.controllers_mut().iter_mut() {
        manifest.metadata.insert(controller_node(*id), c.disk.log.len() as u64);
        c.disk.log.clear();
    }
    (s, manifest)
}

/// Fills a stripped world's disks from the rows. Where rows are damaged or missing, the log
/// ends before the damage, the node is reported, and its process is restarted so that it
/// recovers as a Kafka process does when it finds a damaged log at start.
pub fn restore_disks(mut sim: Sim, manifest: &DiskManifest, rows: &[DiskRow]) -> (Sim, DiskReport) {
    let mut report = DiskReport::default();
    let grouped = group_rows(rows, &mut report);
    let empty = NodeRows::default();
    let mut interner = Interner::default();
    let mut damaged_brokers = Vec::new();
    let mut damaged_controllers = Vec::new();
    for (id, b) in sim.brokers_mut().iter_mut() {
        let node = broker_node(*id);
        let nr = grouped.get(&node).unwrap_or(&empty);
        let before = report.problems.len();
        let expected = manifest.segments.get(&node);
        for (tp, log) in b.disk.logs.iter_mut() {
            let no_segs = BTreeMap::new();
            let segs = nr.segments.get(tp).unwrap_or(&no_segs);
            let (loaded, _) = load_segments(&node, tp, segs, &mut interner, &mut report);
            let mut end: Option<Offset> = None;
            let mut by_base: BTreeMap<Offset, Segment> = loaded.into_iter().map(|s| (s.base_offset, s)).collect_map();
            for seg in log.segments.iter_mut() {
                let file = segment_file(tp, seg.base_offset);
                let want = expected.and_then(|m| m.get(&file)).copied();
                let got = by_base.remove(&seg.base_offset);
                match got {
                    Some(g) if end.is_none() && Some(segment_digest(&g.batches)) == want => {
                        seg.batches = g.batches;
                    }
                    other => {
                        if end.is_none() {
                            // Keep what is good in this segment up to the damage.
                            let good: Vec<Rc<RecordBatch>> = other.map(|g| g.batches).unwrap_or_default();
                            let damaged_here = report.problems.len() > before;
                            if !damaged_here {
                                report.problems.push(DiskProblem::SegmentMismatch { node: node.clone(), file });
                                end = Some(seg.base_offset);
                            } else {
                                end = Some(good.last().map(|b| b.next_offset()).unwrap_or(seg.base_offset));
                                seg.batches = good;
                            }
                        }
                    }
                }
            }
            if let Some(e) = end {
                // Batches after the damage are dropped, as Kafka drops the segments after a
                // corrupt one; `truncate_to` then makes LEO, HW, epochs and producer state agree.
                for seg in log.segments.iter_mut() {
                    seg.batches.retain(|b| b.base_offset < e);
                }
                log.truncate_to(e);
            }
            for seg in log.segments.iter_mut() {
                let (size, max_ts) = (seg.size_bytes, seg.max_timestamp);
                seg.size_bytes = seg.batches.iter().map(|b| u64::from(b.size_bytes)).sum();
                seg.max_timestamp = seg.batches.iter().map(|b| b.max_timestamp).max().unwrap_or(-1);
                if end.is_none() && (size, max_ts) != (seg.size_bytes, seg.max_timestamp) {
                    seg.size_bytes = size;
                    seg.max_timestamp = max_ts;
                }
            }
        }
        b.disk.metadata =
            load_metadata(&node, &nr.metadata, manifest.metadata.get(&node).copied(), &mut interner, &mut report);
        if report.problems.len() > before {
            damaged_brokers.push(*id);
        }
    }
    for (id, c) in sim.controllers_mut().iter_mut() {
        let node = controller_node(*id);
        let nr = grouped.get(&node).unwrap_or(&empty);
        let before = report.problems.len();
        c.disk.log =
            load_metadata(&node, &nr.metadata, manifest.metadata.get(&node).copied(), &mut interner, &mut report)
                .into_iter()
                .map(|(offset, epoch, record)| MetaEntry { offset, epoch, record })
                .collect();
        if report.problems.len() > before {
            damaged_controllers.push(*id);
        }
    }
    for id in damaged_brokers {
        if sim.brokers().get(&id).map(|b| b.proc.is_some()).unwrap_or(false) {
            let _ = sim.kill_broker(id);
            let _ = sim.start_broker(id);
            report.problems.push(DiskProblem::Restarted { node: broker_node(id) });
        }
    }
    for id in damaged_controllers {
        if sim.controllers().get(&id).map(|c| c.proc.is_some()).unwrap_or(false) {
            let _ = sim.kill_controller(id);
            let _ = sim.start_controller(id);
            report.problems.push(DiskProblem::Restarted { node: controller_node(id) });
        }
    }
    (sim, report)
}

/// A stable hash of the whole world's state, over a canonical binary encoding
/// ([`crate::sim::codec`]: the same bytes on native and wasm), unchanged by a
/// save and reload. Leaves out only the trace's window of recent events (a snapshot may keep
/// fewer of them; the trace's running hash and count stay in) and orders the event queue by
/// its sequence numbers.
pub fn state_hash(sim: &Sim) -> u64 {
    let canonical = sim.canonical_for_hash();
    let mut h = StableHasher::new();
    let bytes = crate::sim::codec::to_bytes(&canonical);
    h.write(&bytes);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::record::{batch_size, bytes};

    fn sample() -> RecordBatch {
        let records: Vec<Record> = (0..3)
            .map(|i| Record {
                offset_delta: i,
                timestamp: 1000 + i64::from(i),
                key: Some(bytes(b"k")),
                value: if i == 1 { Some(bytes(&[0xff, 0x00])) } else { Some(bytes(b"v")) },
                headers: vec![Header { key: "h".into(), value: None }],
            })
            .collect();
        RecordBatch {
            base_offset: 40,
            last_offset: 42,
            partition_leader_epoch: 3,
            producer_id: 7,
            producer_epoch: 0,
            base_sequence: 12,
            transactional: false,
            control: None,
            size_bytes: batch_size(&records),
            records: Rc::new(records),
            max_timestamp: 1002,
            log_append_time: false,
            delete_horizon_ms: None,
            compression: CompressionType::None,
            origin: (9u64 << 40) | 5,
        }
    }

    #[test]
    fn a_batch_round_trips_through_its_row_and_any_change_fails_the_crc() {
        let b = sample();
        let s = store_batch(&b);
        assert_eq!(load_batch(&s).unwrap(), b);
        assert_eq!(s.records[1].value, Some(Payload::Bytes { base64: "/wA=".into() }), "non-UTF-8 bytes are base64");
        assert_eq!(s.records[0].key, Some(Payload::Text("k".into())));
        let mut t = s.clone();
        t.records[2].value = Some(Payload::Text("w".into()));
        assert_eq!(load_batch(&t).unwrap_err(), "CRC mismatch");
        let mut t = s.clone();
        t.partition_leader_epoch = 4;
        assert!(load_batch(&t).is_err(), "the leader epoch is covered too");
        let mut t = s.clone();
        t.log_append_time = true;
        assert!(load_batch(&t).is_err(), "and the timestamp type (attributes bit 3)");
        let mut t = s;
        t.base_offset = 41;
        assert!(load_batch(&t).is_err(), "and the base offset");
        // A LogAppendTime batch comes back as one.
        let lat = RecordBatch { log_append_time: true, max_timestamp: 5000, ..sample() };
        assert_eq!(load_batch(&store_batch(&lat)).unwrap(), lat);
    }

    #[test]
    fn checkpoints_use_kafkas_text_format() {
        let a = TopicPartition::new("orders", 0);
        let b = TopicPartition::new("pay-ments", 11);
        let text = offsets_checkpoint(vec![(&a, 57), (&b, 3)]);
        assert_eq!(text, "0\n2\norders 0 57\npay-ments 11 3\n");
        let parsed = parse_offsets_checkpoint(&text).unwrap();
        assert_eq!(parsed[&a], 57);
        assert_eq!(parsed[&b], 3);
        assert!(parse_offsets_checkpoint("0\n3\norders 0 1\n").is_err(), "count mismatch");
        assert!(parse_offsets_checkpoint("1\n0\n").is_err(), "unknown version");
    }

    #[test]
    fn segment_files_are_named_by_their_base_offset() {
        let tp = TopicPartition::new("my-topic-2", 10);
        let f = segment_file(&tp, 40);
        assert_eq!(f, "my-topic-2-10/00000000000000000040.log");
        assert_eq!(parse_segment_file(&f), Some((tp, 40)));
        assert_eq!(parse_segment_file("orders-0/leader-epoch-checkpoint"), None);
    }
}
