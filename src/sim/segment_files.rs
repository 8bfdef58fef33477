//! A partition's segment files as Kafka lays them out on disk: each segment's `.log` (record
//! batches in the v2 format, `DefaultRecordBatch`), its sparse offset index (`.index`,
//! `OffsetIndex`) and its time index (`.timeindex`, `TimeIndex`), derived from the simulated
//! [`Log`]'s segments. `kafka-dump-log` reads them (`DumpLogSegments`).
//!
//! The simulated log keeps batches, not bytes, so the index entries are recomputed the way
//! `LogSegment.append` builds them, batch by batch: once more than `index.interval.bytes` (4096)
//! have been appended since the last entry, the next batch gets an offset-index entry (its last
//! offset, its position) and the time index gets the largest timestamp so far with its offset
//! (`TimeIndex.maybeAppend`, only if larger than its last entry). When a segment stops being the
//! active one, `LogSegment.onBecomeInactiveSegment` appends the segment's largest timestamp to the
//! time index once more and trims both indexes; the active segment's index files stay
//! preallocated to `segment.index.bytes` (zero-filled past their entries).

use crate::sim::hash::crc32c;
use crate::sim::log::{Log, Segment};
use crate::sim::record::{batch_size, batch_size_with_base, marker_record, ControlType, Header, Record, RecordBatch};
use crate::sim::types::Offset;
use std::rc::Rc;

/// `RecordBatch.NO_TIMESTAMP`.
pub(crate) const NO_TIMESTAMP: i64 = -1;
/// `OffsetIndex`'s entry: a 4-byte relative offset and a 4-byte position.
pub(crate) const OFFSET_INDEX_ENTRY: i64 = 8;
/// `TimeIndex`'s entry: an 8-byte timestamp and a 4-byte relative offset.
pub(crate) const TIME_INDEX_ENTRY: i64 = 12;

/// The entries of one segment's two indexes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct SegmentIndexes {
    /// (offset, position in the `.log`).
    pub(crate) offsets: Vec<(Offset, i64)>,
    /// (timestamp, offset).
    pub(crate) times: Vec<(i64, Offset)>,
}

/// The index entries `LogSegment.append` writes for `seg`'s batches with `index.interval.bytes`
/// = `interval`; `active` is false for a segment that has been rolled
/// (`onBecomeInactiveSegment` adds its final time-index entry).
pub(crate) fn segment_indexes(seg: &Segment, interval: i64, active: bool) -> SegmentIndexes {
    let mut out = SegmentIndexes::default();
    let mut last_time = NO_TIMESTAMP;
    let mut time_append = |out: &mut SegmentIndexes, ts: i64, offset: Offset| {
        if ts > last_time {
            out.times.push((ts, offset));
            last_time = ts;
        }
    };
    let mut bytes_since: i64 = 0;
    let mut position: i64 = 0;
    let (mut max_ts, mut max_ts_offset) = (NO_TIMESTAMP, -1);
    for b in &seg.batches {
        if b.max_timestamp > max_ts {
            max_ts = b.max_timestamp;
            max_ts_offset = b.last_offset;
        }
        if bytes_since > interval {
            out.offsets.push((b.last_offset, position));
            time_append(&mut out, max_ts, max_ts_offset);
            bytes_since = 0;
        }
        position += i64::from(b.size_bytes);
        bytes_since += i64::from(b.size_bytes);
    }
    if !active {
        time_append(&mut out, max_ts, max_ts_offset);
    }
    out
}

/// The segment of `log` whose files start at `base_offset`, and whether it is the active one.
pub(crate) fn segment_at(log: &Log, base_offset: Offset) -> Option<(&Segment, bool)> {
    let last = log.segments.len().checked_sub(1)?;
    log.segments.iter().enumerate().find(|(_, s)| s.base_offset == base_offset).map(|(i, s)| (s, i == last))
}

/// A record of [`BatchSpec`]: timestamp, key, value, headers.
pub type RecordSpec = (i64, Option<Vec<u8>>, Option<Vec<u8>>, Vec<(String, Option<Vec<u8>>)>);

/// A batch from plain parts, for checking the encoding against Kafka's (conformance vector family
/// `batch-crc`).
pub struct BatchSpec {
    pub base_offset: i64,
    pub partition_leader_epoch: i32,
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub base_sequence: i32,
    pub transactional: bool,
    pub delete_horizon_ms: Option<i64>,
    /// An end-transaction marker: COMMIT (true) or ABORT, the coordinator epoch, the timestamp.
    pub marker: Option<(bool, i32, i64)>,
    pub records: Vec<RecordSpec>,
}

/// The batch's size in bytes, its max timestamp and its CRC as the simulator computes them.
pub fn encoded(spec: &BatchSpec) -> (u32, i64, u32) {
    let (records, control, transactional) = match spec.marker {
        Some((commit, epoch, ts)) => {
            let c = if commit { ControlType::Commit } else { ControlType::Abort };
            (vec![marker_record(c, epoch, ts)], Some(c), true)
        }
        None => (
            spec.records
                .iter()
                .enumerate()
                .map(|(i, (ts, k, v, h))| Record {
                    offset_delta: i as u32,
                    timestamp: *ts,
                    key: k.as_deref().map(Rc::from),
                    value: v.as_deref().map(Rc::from),
                    headers: h
                        .iter()
                        .map(|(hk, hv)| Header { key: hk.clone(), value: hv.as_deref().map(Rc::from) })
                        .collect(),
                })
                .collect(),
            None,
            spec.transactional,
        ),
    };
    let b = RecordBatch {
        base_offset: spec.base_offset,
        last_offset: spec.base_offset + records.len() as i64 - 1,
        partition_leader_epoch: spec.partition_leader_epoch,
        producer_id: spec.producer_id,
        producer_epoch: spec.producer_epoch,
        base_sequence: if control.is_some() { -1 } else { spec.base_sequence },
        transactional,
        control,
        max_timestamp: records.iter().map(|r| r.timestamp).max().unwrap_or(NO_TIMESTAMP),
        log_append_time: false,
        size_bytes: match spec.delete_horizon_ms {
            Some(h) => batch_size_with_base(&records, h),
            None => batch_size(&records),
        },
        records: Rc::new(records),
        compression: crate::sim::compression::CompressionType::None,
        delete_horizon_ms: spec.delete_horizon_ms,
        origin: 0,
    };
    (b.size_bytes, b.max_timestamp, kafka_crc(&b))
}

/// The batch's attributes (`DefaultRecordBatch.computeAttributes`): compression in bits 0-2, the timestamp type in bit 3, transactional in bit 4, control in bit 5, a delete horizon
/// in bit 6.
pub(crate) fn attributes(b: &RecordBatch) -> i16 {
    let mut a: i16 = i16::from(b.compression.id());
    if b.log_append_time {
        a |= 1 << 3;
    }
    if b.transactional {
        a |= 1 << 4;
    }
    if b.control.is_some() {
        a |= 1 << 5;
    }
    if b.delete_horizon_ms.is_some() {
        a |= 1 << 6;
    }
    a
}

/// The batch's CRC as Kafka computes it (`DefaultRecordBatch.checksum`, `Crc32C`): over the bytes
/// from the attributes to the end of the last record, as `MemoryRecordsBuilder` writes them.
/// The base timestamp is the first record's (the delete horizon once the cleaner has set one).
pub(crate) fn kafka_crc(b: &RecordBatch) -> u32 {
    let mut buf = Vec::with_capacity(b.size_bytes as usize);
    let first_ts = b.records.first().map(|r| r.timestamp).unwrap_or(b.max_timestamp);
    let base_ts = b.delete_horizon_ms.unwrap_or(first_ts);
    buf.extend_from_slice(&attributes(b).to_be_bytes());
    buf.extend_from_slice(&((b.last_offset - b.base_offset) as i32).to_be_bytes());
    buf.extend_from_slice(&base_ts.to_be_bytes());
    buf.extend_from_slice(&b.max_timestamp.to_be_bytes());
    buf.extend_from_slice(&b.producer_id.to_be_bytes());
    buf.extend_from_slice(&b.producer_epoch.to_be_bytes());
    buf.extend_from_slice(&b.base_sequence.to_be_bytes());
    buf.extend_from_slice(&(b.records.len() as i32).to_be_bytes());
    crate::sim::record::write_records(&mut buf, &b.records, base_ts);
    crc32c(&buf)
}

/// `DefaultRecordBatch.lastSequence`: the base sequence plus the last offset delta, wrapping at
/// `Integer.MAX_VALUE`; -1 without one.
pub(crate) fn last_sequence(b: &RecordBatch) -> i32 {
    sequence_at(b.base_sequence, (b.last_offset - b.base_offset) as i32)
}

/// `DefaultRecord.sequence` / `DefaultRecordBatch.incrementSequence`.
pub(crate) fn sequence_at(base_sequence: i32, delta: i32) -> i32 {
    if base_sequence < 0 {
        return -1;
    }
    let s = i64::from(base_sequence) + i64::from(delta);
    if s > i64::from(i32::MAX) {
        (s - i64::from(i32::MAX) - 1) as i32
    } else {
        s as i32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::record::{batch_size, Record};
    use crate::sim::types::TopicPartition;
    use std::rc::Rc;

    fn batch(base: Offset, values: &[&str], ts: i64) -> Rc<RecordBatch> {
        let records: Vec<Record> = values
            .iter()
            .enumerate()
            .map(|(i, v)| Record {
                offset_delta: i as u32,
                timestamp: ts + i as i64,
                key: None,
                value: Some(Rc::from(v.as_bytes())),
                headers: vec![],
            })
            .collect();
        Rc::new(RecordBatch {
            base_offset: base,
            last_offset: base + values.len() as i64 - 1,
            partition_leader_epoch: 0,
            producer_id: 0,
            producer_epoch: 0,
            base_sequence: 0,
            transactional: false,
            control: None,
            max_timestamp: ts + values.len() as i64 - 1,
            log_append_time: false,
            size_bytes: batch_size(&records),
            records: Rc::new(records),
            compression: crate::sim::compression::CompressionType::None,
            delete_horizon_ms: None,
            origin: 1,
        })
    }

    /// `LogSegment.append`: an offset-index entry only once more than `index.interval.bytes`
    /// have been written since the last one, at the position of the batch that crosses it, and
    /// `onBecomeInactiveSegment`'s final time-index entry for a rolled segment.
    #[test]
    fn index_entries_follow_log_segment_append() {
        let mut log = Log::new(TopicPartition { topic: "t".into(), partition: 0 }, 0);
        let big: Vec<String> = (0..100).map(|i| format!("{i:0>40}")).collect();
        let big: Vec<&str> = big.iter().map(String::as_str).collect();
        let mut base = 0;
        let mut sizes = Vec::new();
        for n in 0..4 {
            let b = batch(base, &big, 1000 * (n + 1));
            sizes.push(i64::from(b.size_bytes));
            base = b.next_offset();
            log.segments[0].batches.push(b);
        }
        assert!(sizes[0] > 4096, "each batch alone passes the interval");
        let seg = &log.segments[0];
        let active = segment_indexes(seg, 4096, true);
        // The first batch starts the segment (nothing written before it): no entry.
        assert_eq!(
            active.offsets,
            vec![(199, sizes[0]), (299, sizes[0] + sizes[1]), (399, sizes[0] + sizes[1] + sizes[2])]
        );
        assert_eq!(active.times, vec![(2099, 199), (3099, 299), (4099, 399)]);
        let closed = segment_indexes(seg, 4096, false);
        assert_eq!(closed.offsets, active.offsets);
        // The final entry repeats neither timestamp: 4099 is not larger than the last.
        assert_eq!(closed.times, active.times);
        // With a larger interval fewer entries, and the rolled segment gets its maximum.
        let sparse = segment_indexes(seg, 100_000, false);
        assert!(sparse.offsets.is_empty());
        assert_eq!(sparse.times, vec![(4099, 399)]);
    }

    #[test]
    fn sequences_wrap_like_default_record_batch() {
        assert_eq!(sequence_at(-1, 3), -1);
        assert_eq!(sequence_at(5, 3), 8);
        assert_eq!(sequence_at(i32::MAX, 1), 0);
    }
}
