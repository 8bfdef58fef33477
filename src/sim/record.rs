//! Records and record batches (message format v2), with Kafka's size accounting.
//!
//! Batches are immutable once a leader has stamped them with offsets and its leader epoch, so
//! leader and followers share them through `Rc`: replication copies a pointer, not the records.

use crate::sim::codec::Codec;
use crate::sim::compression::{compressed_len, CompressionType};
use crate::sim::types::{Epoch, Offset};
use serde::{Deserialize, Serialize};
use std::rc::Rc;

/// Immutable bytes shared between producer, leader and followers.
pub(crate) type Bytes = Rc<[u8]>;

pub fn bytes(data: &[u8]) -> Bytes {
    Rc::from(data)
}

/// A record header: a string key and optional bytes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Codec)]
pub struct Header {
    pub key: String,
    pub value: Option<Bytes>,
}

/// One record. `offset_delta` is its position relative to the batch's base offset; it is kept
/// through compaction so offsets never change (`LogCleaner`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Codec)]
pub struct Record {
    pub(crate) offset_delta: u32,
    pub timestamp: i64,
    pub key: Option<Bytes>,
    pub value: Option<Bytes>,
    pub headers: Vec<Header>,
}

/// Control record types (`ControlRecordType`, `ProducerStateManager`).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Codec)]
pub enum ControlType {
    Abort,
    Commit,
}

impl ControlType {
    #[cfg(test)]
    pub(crate) fn code(self) -> i16 {
        match self {
            ControlType::Abort => 0,
            ControlType::Commit => 1,
        }
    }
}

pub(crate) const NO_PRODUCER_ID: i64 = -1;
#[cfg(test)]
pub(crate) const NO_PRODUCER_EPOCH: i16 = -1;
#[cfg(test)]
pub(crate) const NO_SEQUENCE: i32 = -1;
/// `DefaultRecordBatch.RECORD_BATCH_OVERHEAD`.
pub(crate) const RECORD_BATCH_OVERHEAD: u32 = 61;

/// A batch as stored in a log: offsets assigned, leader epoch stamped.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Codec)]
pub struct RecordBatch {
    pub base_offset: Offset,
    /// The last offset the batch covers (kept through compaction, like Kafka's lastOffsetDelta).
    pub(crate) last_offset: Offset,
    pub(crate) partition_leader_epoch: Epoch,
    pub(crate) producer_id: i64,
    pub producer_epoch: i16,
    pub(crate) base_sequence: i32,
    pub transactional: bool,
    pub control: Option<ControlType>,
    pub records: Rc<Vec<Record>>,
    pub(crate) max_timestamp: i64,
    /// The batch's timestamp type (attributes bit 3, `RecordBatch.timestampType()`): true when
    /// the leader's `LogValidator` stamped it with `LOG_APPEND_TIME` (the topic's
    /// `message.timestamp.type=LogAppendTime`), its max timestamp then the append time and
    /// every record's timestamp read as that (`DefaultRecordBatch` iteration).
    #[serde(default)]
    pub(crate) log_append_time: bool,
    /// The batch's size on the wire and on disk: the header plus its records, compressed with
    /// `compression` (`DefaultRecordBatch.sizeInBytes`).
    pub(crate) size_bytes: u32,
    /// The codec of its records (attributes bits 0-2; `kafka-dump-log` prints it as
    /// `compresscodec`).
    pub compression: CompressionType,
    /// Set by compaction for batches holding tombstones or markers (v2 `deleteHorizonMs`).
    pub(crate) delete_horizon_ms: Option<i64>,
    /// Not a Kafka field: the identity of the producer-side batch (retries keep it), so the
    /// history checker can recognise duplicates and losses. 0 for markers.
    pub origin: u64,
}

impl RecordBatch {
    #[cfg(test)]
    pub(crate) fn record_count(&self) -> u32 {
        self.records.len() as u32
    }
    /// `DefaultRecordBatch.sizeInBytes`: its bytes on the wire and on disk (compressed).
    pub fn size_in_bytes(&self) -> u32 {
        self.size_bytes
    }
    /// The offset after this batch.
    pub fn next_offset(&self) -> Offset {
        self.last_offset + 1
    }
    pub(crate) fn is_control(&self) -> bool {
        self.control.is_some()
    }
    /// A record's timestamp as readers see it (`DefaultRecordBatch`'s record iterator): the
    /// batch's max timestamp (the time the leader appended it) under `LOG_APPEND_TIME`, else
    /// the record's own (`CreateTime`, stored as a delta from the batch's base timestamp).
    pub(crate) fn record_timestamp(&self, r: &Record) -> i64 {
        if self.log_append_time {
            self.max_timestamp
        } else {
            r.timestamp
        }
    }
    #[cfg(test)]
    pub(crate) fn last_sequence(&self) -> i32 {
        if self.base_sequence == NO_SEQUENCE {
            return NO_SEQUENCE;
        }
        let delta = (self.last_offset - self.base_offset) as i32;
        // Sequences wrap at Integer.MAX_VALUE (`ProducerStateManager`).
        let s = i64::from(self.base_sequence) + i64::from(delta);
        if s > i64::from(i32::MAX) {
            (s - i64::from(i32::MAX) - 1) as i32
        } else {
            s as i32
        }
    }
    /// Records with their absolute offsets.
    pub(crate) fn iter_with_offsets(&self) -> impl Iterator<Item = (Offset, &Record)> {
        let base = self.base_offset;
        self.records.iter().map(move |r| (base + Offset::from(r.offset_delta), r))
    }
    /// A copy of this batch holding only the records with offset `< end`, or `None` when none
    /// is left. Used when a log is truncated inside a batch.
    pub(crate) fn truncated_before(&self, end: Offset) -> Option<RecordBatch> {
        if end <= self.base_offset {
            return None;
        }
        if end > self.last_offset {
            return Some(self.clone());
        }
        let kept: Vec<Record> =
            self.records.iter().filter(|r| self.base_offset + Offset::from(r.offset_delta) < end).cloned().collect();
        if kept.is_empty() {
            return None;
        }
        let mut b = self.clone();
        b.last_offset = end - 1;
        b.size_bytes = batch_size_with(&kept, self.compression);
        b.max_timestamp = kept.iter().map(|r| r.timestamp).max().unwrap_or(self.max_timestamp);
        b.records = Rc::new(kept);
        Some(b)
    }
    /// The part of this batch at or after `start` (a follower that truncated inside a batch
    /// fetches the rest of it again).
    pub(crate) fn suffix_from(&self, start: Offset) -> Option<RecordBatch> {
        if start <= self.base_offset {
            return Some(self.clone());
        }
        if start > self.last_offset {
            return None;
        }
        let kept: Vec<Record> = self
            .records
            .iter()
            .filter(|r| self.base_offset + Offset::from(r.offset_delta) >= start)
            .map(|r| Record {
                offset_delta: (self.base_offset + Offset::from(r.offset_delta) - start) as u32,
                ..r.clone()
            })
            .collect();
        if kept.is_empty() {
            return None;
        }
        let mut b = self.clone();
        let skipped = (start - self.base_offset) as i32;
        if b.base_sequence >= 0 {
            b.base_sequence = ((i64::from(b.base_sequence) + i64::from(skipped)) % (i64::from(i32::MAX) + 1)) as i32;
        }
        b.base_offset = start;
        b.size_bytes = batch_size_with(&kept, self.compression);
        b.records = Rc::new(kept);
        Some(b)
    }

    /// The CRC-32C of the batch's logical content, used to detect corruption on disk.
    #[cfg(test)]
    pub(crate) fn checksum(&self) -> u32 {
        let mut buf = Vec::with_capacity(self.size_bytes as usize);
        buf.extend_from_slice(&self.base_offset.to_le_bytes());
        buf.extend_from_slice(&self.last_offset.to_le_bytes());
        buf.extend_from_slice(&self.partition_leader_epoch.to_le_bytes());
        buf.extend_from_slice(&self.producer_id.to_le_bytes());
        buf.extend_from_slice(&self.producer_epoch.to_le_bytes());
        buf.extend_from_slice(&self.base_sequence.to_le_bytes());
        buf.push(u8::from(self.transactional));
        buf.push(self.control.map(|c| c.code() as u8 + 1).unwrap_or(0));
        for r in self.records.iter() {
            buf.extend_from_slice(&r.offset_delta.to_le_bytes());
            buf.extend_from_slice(&r.timestamp.to_le_bytes());
            push_opt(&mut buf, r.key.as_deref());
            push_opt(&mut buf, r.value.as_deref());
            buf.extend_from_slice(&(r.headers.len() as u32).to_le_bytes());
            for h in &r.headers {
                push_opt(&mut buf, Some(h.key.as_bytes()));
                push_opt(&mut buf, h.value.as_deref());
            }
        }
        crate::sim::hash::crc32c(&buf)
    }
}

#[cfg(test)]
fn push_opt(buf: &mut Vec<u8>, data: Option<&[u8]>) {
    match data {
        None => buf.extend_from_slice(&u32::MAX.to_le_bytes()),
        Some(d) => {
            buf.extend_from_slice(&(d.len() as u32).to_le_bytes());
            buf.extend_from_slice(d);
        }
    }
}

/// `ByteUtils.sizeOfUnsignedVarint`.
pub(crate) fn size_of_unsigned_varint(value: u32) -> u32 {
    let leading = value.leading_zeros();
    // (38 - leadingZeros) / 7 in Java's bit trick equals ceil(bits / 7), at least 1.
    let bits = 32 - leading;
    if bits == 0 {
        1
    } else {
        bits.div_ceil(7)
    }
}

/// `ByteUtils.sizeOfVarint` (zig-zag).
pub(crate) fn size_of_varint(value: i32) -> u32 {
    size_of_unsigned_varint(((value << 1) ^ (value >> 31)) as u32)
}

/// `ByteUtils.sizeOfVarlong` (zig-zag).
pub(crate) fn size_of_varlong(value: i64) -> u32 {
    let mut v = ((value << 1) ^ (value >> 63)) as u64;
    let mut bytes = 1;
    while v & !0x7f != 0 {
        bytes += 1;
        v >>= 7;
    }
    bytes
}

fn size_of_opt(data: Option<&[u8]>) -> u32 {
    match data {
        None => 1,
        Some(d) => size_of_varint(d.len() as i32) + d.len() as u32,
    }
}

/// `DefaultRecord.sizeInBytes`: the record's size inside a v2 batch.
pub(crate) fn record_size(offset_delta: u32, timestamp_delta: i64, r: &Record) -> u32 {
    record_size_of(offset_delta, timestamp_delta, r.key.as_deref(), r.value.as_deref(), &r.headers)
}

/// [`record_size`] from a record's parts, for a caller that has them without a [`Record`]
/// (the producer sizes every record it accepts; building one would clone its key and value).
pub(crate) fn record_size_of(
    offset_delta: u32,
    timestamp_delta: i64,
    key: Option<&[u8]>,
    value: Option<&[u8]>,
    headers: &[Header],
) -> u32 {
    let mut body = 1 + size_of_varlong(timestamp_delta) + size_of_varint(offset_delta as i32);
    body += size_of_opt(key);
    body += size_of_opt(value);
    body += size_of_varint(headers.len() as i32);
    for h in headers {
        body += size_of_varint(h.key.len() as i32) + h.key.len() as u32;
        body += size_of_opt(h.value.as_deref());
    }
    size_of_varint(body as i32) + body
}

/// The size of a v2 batch holding `records` (batch header + records).
pub(crate) fn batch_size(records: &[Record]) -> u32 {
    let first_ts = records.first().map(|r| r.timestamp).unwrap_or(0);
    RECORD_BATCH_OVERHEAD + records.iter().map(|r| record_size(r.offset_delta, r.timestamp - first_ts, r)).sum::<u32>()
}

/// The bytes of a control record's key (`ControlRecordType.recordKey`: version 0, type) and
/// value (`EndTransactionMarker.serializeValue`: version 0, coordinator epoch).
pub(crate) fn control_key(control: ControlType) -> [u8; 4] {
    let t: i16 = match control {
        ControlType::Abort => 0,
        ControlType::Commit => 1,
    };
    let [a, b] = t.to_be_bytes();
    [0, 0, a, b]
}

/// A marker record's value: version 0 and the coordinator epoch.
pub(crate) fn control_value(coordinator_epoch: i32) -> [u8; 6] {
    let e = coordinator_epoch.to_be_bytes();
    [0, 0, e[0], e[1], e[2], e[3]]
}

/// The size of a v2 batch whose base timestamp is `base_ts` (the cleaner's delete horizon, which
/// `MemoryRecordsBuilder` then writes as the base timestamp: the records' deltas are relative to it).
pub(crate) fn batch_size_with_base(records: &[Record], base_ts: i64) -> u32 {
    RECORD_BATCH_OVERHEAD + records.iter().map(|r| record_size(r.offset_delta, r.timestamp - base_ts, r)).sum::<u32>()
}

/// The one record of an end-transaction marker batch (`MemoryRecordsBuilder.appendEndTxnMarker`).
pub(crate) fn marker_record(control: ControlType, coordinator_epoch: i32, timestamp: i64) -> Record {
    Record {
        offset_delta: 0,
        timestamp,
        key: Some(Rc::from(&control_key(control)[..])),
        value: Some(Rc::from(&control_value(coordinator_epoch)[..])),
        headers: vec![],
    }
}

fn put_varlong(buf: &mut Vec<u8>, v: i64) {
    let mut z = ((v << 1) ^ (v >> 63)) as u64;
    while z >= 0x80 {
        buf.push((z as u8) | 0x80);
        z >>= 7;
    }
    buf.push(z as u8);
}

fn put_opt(buf: &mut Vec<u8>, data: Option<&[u8]>) {
    match data {
        None => put_varlong(buf, -1),
        Some(d) => {
            put_varlong(buf, d.len() as i64);
            buf.extend_from_slice(d);
        }
    }
}

/// Appends `records` as `DefaultRecord.writeTo` lays them out after a v2 batch header whose
/// base timestamp is `base_ts`: length, attributes, timestamp and offset deltas, key, value,
/// headers. What a codec compresses, what the batch CRC covers and what a disk row stores.
pub(crate) fn write_records(buf: &mut Vec<u8>, records: &[Record], base_ts: i64) {
    let mut rec = Vec::new();
    for r in records {
        rec.clear();
        rec.push(0); // record attributes (unused)
        put_varlong(&mut rec, r.timestamp - base_ts);
        put_varlong(&mut rec, i64::from(r.offset_delta));
        put_opt(&mut rec, r.key.as_deref());
        put_opt(&mut rec, r.value.as_deref());
        put_varlong(&mut rec, r.headers.len() as i64);
        for h in &r.headers {
            put_opt(&mut rec, Some(h.key.as_bytes()));
            put_opt(&mut rec, h.value.as_deref());
        }
        put_varlong(buf, rec.len() as i64);
        buf.extend_from_slice(&rec);
    }
}

/// The records of a v2 batch after its header (what a codec compresses).
pub(crate) fn records_bytes(records: &[Record]) -> Vec<u8> {
    let mut buf = Vec::new();
    write_records(&mut buf, records, records.first().map(|r| r.timestamp).unwrap_or(0));
    buf
}

/// The size of a v2 batch holding `records` compressed with `codec` (the header stays
/// uncompressed; see [`crate::sim::compression`]).
pub(crate) fn batch_size_with(records: &[Record], codec: CompressionType) -> u32 {
    match codec {
        CompressionType::None => batch_size(records),
        c => RECORD_BATCH_OVERHEAD + compressed_len(c, &records_bytes(records)),
    }
}

/// The size of one v2 batch holding records `(key, value, timestamp)` in order, compressed
/// with `codec` (what `MemoryRecordsBuilder.build().sizeInBytes()` gives for them).
/// A record as the conformance vectors give it: key, value and timestamp.
pub type KeyValueTime<'a> = (Option<&'a [u8]>, &'a [u8], i64);

pub fn batch_size_of(codec: CompressionType, records: &[KeyValueTime<'_>]) -> u32 {
    let records: Vec<Record> = records
        .iter()
        .enumerate()
        .map(|(i, (k, v, ts))| Record {
            offset_delta: i as u32,
            timestamp: *ts,
            key: k.map(bytes),
            value: Some(bytes(v)),
            headers: vec![],
        })
        .collect();
    batch_size_with(&records, codec)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(i: u32, key: Option<&str>, value: Option<&str>) -> Record {
        Record {
            offset_delta: i,
            timestamp: 1000,
            key: key.map(|k| bytes(k.as_bytes())),
            value: value.map(|v| bytes(v.as_bytes())),
            headers: vec![],
        }
    }

    #[test]
    fn varint_sizes_match_byte_utils() {
        assert_eq!(size_of_varint(0), 1);
        assert_eq!(size_of_varint(-1), 1);
        assert_eq!(size_of_varint(63), 1);
        assert_eq!(size_of_varint(64), 2);
        assert_eq!(size_of_varint(i32::MAX), 5);
        assert_eq!(size_of_varint(i32::MIN), 5);
        assert_eq!(size_of_varlong(0), 1);
        assert_eq!(size_of_varlong(i64::MAX), 10);
    }

    #[test]
    fn a_small_record_has_kafkas_size() {
        // Body: attributes 1 + timestampDelta 1 + offsetDelta 1 + key (1+3) + value (1+5)
        // + header count 1 = 14 bytes, plus a 1-byte length varint: 15.
        let r = rec(0, Some("key"), Some("value"));
        assert_eq!(record_size(0, 0, &r), 15);
        assert_eq!(batch_size(&[r]), 61 + 15);
        // A null key costs one byte (varint -1).
        assert_eq!(record_size(0, 0, &rec(0, None, Some("value"))), 12);
    }

    #[test]
    fn the_serialised_records_are_as_long_as_their_sizes_say() {
        let records: Vec<Record> =
            (0..20).map(|i| rec(i, if i % 2 == 0 { Some("k") } else { None }, Some("v"))).collect();
        assert_eq!(RECORD_BATCH_OVERHEAD + records_bytes(&records).len() as u32, batch_size(&records));
        assert_eq!(batch_size_with(&records, CompressionType::None), batch_size(&records));
        assert!(batch_size_with(&records, CompressionType::Gzip) < batch_size(&records));
    }

    #[test]
    fn truncation_inside_a_batch_keeps_the_prefix() {
        let records: Vec<Record> = (0..5).map(|i| rec(i, None, Some("v"))).collect();
        let b = RecordBatch {
            base_offset: 10,
            last_offset: 14,
            partition_leader_epoch: 1,
            producer_id: NO_PRODUCER_ID,
            producer_epoch: NO_PRODUCER_EPOCH,
            base_sequence: NO_SEQUENCE,
            transactional: false,
            control: None,
            size_bytes: batch_size(&records),
            records: Rc::new(records),
            max_timestamp: 1000,
            log_append_time: false,
            delete_horizon_ms: None,
            compression: CompressionType::None,
            origin: 1,
        };
        let t = b.truncated_before(12).expect("two records kept");
        assert_eq!((t.base_offset, t.last_offset, t.record_count()), (10, 11, 2));
        assert!(b.truncated_before(10).is_none());
        assert_eq!(b.truncated_before(20).map(|x| x.last_offset), Some(14));
        assert_ne!(b.checksum(), t.checksum());
    }

    #[test]
    fn sequences_wrap_at_int_max() {
        let mut b = RecordBatch {
            base_offset: 0,
            last_offset: 1,
            partition_leader_epoch: 0,
            producer_id: 1,
            producer_epoch: 0,
            base_sequence: i32::MAX,
            transactional: false,
            control: None,
            records: Rc::new(vec![]),
            max_timestamp: 0,
            log_append_time: false,
            size_bytes: 0,
            delete_horizon_ms: None,
            compression: CompressionType::None,
            origin: 1,
        };
        assert_eq!(b.last_sequence(), 0);
        b.base_sequence = 5;
        assert_eq!(b.last_sequence(), 6);
    }
}
