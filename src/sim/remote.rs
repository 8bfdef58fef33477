//! Tiered storage's remote store (KIP-405): the segments a leader's `RemoteLogManager` copied
//! out of its local log, shared by every broker of the cluster as a real
//! `RemoteStorageManager` (an object store) is.
//!
//! Simplified on purpose: Kafka keeps the segments' metadata in `__remote_log_metadata`
//! (`TopicBasedRemoteLogMetadataManager`) and their bytes in the plugin's store; here one
//! component holds both, so every broker sees a copy the moment it is made. Brokers never
//! change it directly: a broker's step asks for changes through its outbox
//! ([`crate::sim::node::Out::remote`]) and the world applies them after the step, so the
//! engine stays a set of sans-IO state machines.

use crate::sim::codec::Codec;
use crate::sim::errors::KafkaError;
use crate::sim::record::RecordBatch;
use crate::sim::types::{Offset, TopicPartition};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::rc::Rc;

/// How long a read from the remote store takes (`RemoteLogReader` on the
/// `remote.log.reader.threads` pool, then `DelayedRemoteFetch` answers): the fetch that needs
/// it is answered this much later. An object store's first byte is tens of milliseconds away.
pub const REMOTE_READ_LATENCY_MS: i64 = 40;

/// One copied segment (`RemoteLogSegmentMetadata` and its data).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct RemoteSegment {
    pub base_offset: Offset,
    /// The last offset in the segment (`endOffset`).
    pub end_offset: Offset,
    pub size_bytes: u64,
    /// The largest record timestamp (`maxTimestampMs`), for `retention.ms`.
    pub max_timestamp: i64,
    /// The broker that copied it.
    pub broker: i32,
    pub batches: Vec<Rc<RecordBatch>>,
}

/// A change a broker asks of the remote store.
#[derive(Clone, Debug)]
pub(crate) enum RemoteOp {
    /// `RLMCopyTask.copyLogSegment`: a rolled segment is uploaded.
    Copy(TopicPartition, RemoteSegment),
    /// `RLMExpirationTask`: segments whose end is below the offset are deleted.
    DeleteBelow(TopicPartition, Offset),
    /// The topic was deleted (`RemoteLogManager.stopPartitions` with deletion).
    DeletePartition(TopicPartition),
}

/// The cluster's remote store.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct RemoteStore {
    /// `remote-storage down`: every read, copy and delete fails with a
    /// `RemoteStorageException` until it is up again.
    pub down: bool,
    pub partitions: BTreeMap<TopicPartition, Vec<RemoteSegment>>,
    /// Fetches served from the store per partition, and those that failed there (what the page
    /// and the lessons show; counted by the world from the brokers' `RemoteRead` events).
    pub reads: BTreeMap<TopicPartition, (u64, u64)>,
}

impl RemoteStore {
    /// The copied segments of a partition, oldest first.
    pub fn segments(&self, tp: &TopicPartition) -> &[RemoteSegment] {
        self.partitions.get(tp).map(|v| v.as_slice()).unwrap_or(&[])
    }

    /// `highestOffsetInRemoteStorage`: the end offset of the newest copied segment, -1 when none.
    pub fn highest_offset(&self, tp: &TopicPartition) -> Offset {
        self.segments(tp).last().map(|s| s.end_offset).unwrap_or(-1)
    }

    /// The first offset held remotely (`RemoteLogManager.findLogStartOffset`).
    pub fn start_offset(&self, tp: &TopicPartition) -> Option<Offset> {
        self.segments(tp).first().map(|s| s.base_offset)
    }

    /// Bytes held remotely for a partition.
    pub fn size_bytes(&self, tp: &TopicPartition) -> u64 {
        self.segments(tp).iter().map(|s| s.size_bytes).sum()
    }

    /// `RemoteLogManager.read`: batches from `from` up to `max_offset` (exclusive), at most
    /// `max_bytes` but at least one batch, from the one remote segment holding `from`
    /// (Kafka reads one segment per remote fetch). An unreachable store fails the read
    /// (`RemoteStorageException`, which the fetch answers as UNKNOWN_SERVER_ERROR:
    /// `Errors.forException` knows no code for it); an offset held by no segment is
    /// OFFSET_OUT_OF_RANGE.
    pub(crate) fn read(
        &self,
        tp: &TopicPartition,
        from: Offset,
        max_offset: Offset,
        max_bytes: i64,
    ) -> Result<Vec<Rc<RecordBatch>>, KafkaError> {
        if self.down {
            return Err(KafkaError::UNKNOWN_SERVER_ERROR);
        }
        let Some(seg) = self.segments(tp).iter().find(|s| s.base_offset <= from && from <= s.end_offset) else {
            return Err(KafkaError::OFFSET_OUT_OF_RANGE);
        };
        let mut out = Vec::new();
        let mut bytes = 0i64;
        for b in &seg.batches {
            if b.last_offset < from {
                continue;
            }
            if b.base_offset >= max_offset {
                break;
            }
            if !out.is_empty() && bytes + i64::from(b.size_bytes) > max_bytes {
                break;
            }
            bytes += i64::from(b.size_bytes);
            out.push(b.clone());
        }
        Ok(out)
    }

    /// Applies a broker's change. A store that is down changes nothing (the broker's task
    /// failed and tries again on its next run).
    pub(crate) fn apply(&mut self, op: RemoteOp) {
        if self.down {
            return;
        }
        match op {
            RemoteOp::Copy(tp, seg) => {
                let segs = self.partitions.entry(tp).or_default();
                // A copy is only ever of the segment after the highest copied offset.
                if segs.last().map(|s| seg.base_offset > s.end_offset).unwrap_or(true) {
                    segs.push(seg);
                }
            }
            RemoteOp::DeleteBelow(tp, offset) => {
                if let Some(segs) = self.partitions.get_mut(&tp) {
                    segs.retain(|s| s.end_offset >= offset);
                    if segs.is_empty() {
                        self.partitions.remove(&tp);
                    }
                }
            }
            RemoteOp::DeletePartition(tp) => {
                self.partitions.remove(&tp);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(base: Offset, end: Offset) -> RemoteSegment {
        RemoteSegment {
            base_offset: base,
            end_offset: end,
            size_bytes: 100,
            max_timestamp: 0,
            broker: 1,
            batches: vec![],
        }
    }

    #[test]
    fn copies_only_move_forward_and_expiry_deletes_whole_segments() {
        let tp = TopicPartition::new("t", 0);
        let mut s = RemoteStore::default();
        s.apply(RemoteOp::Copy(tp.clone(), seg(0, 9)));
        s.apply(RemoteOp::Copy(tp.clone(), seg(10, 19)));
        // A second leader copying the same segment again is ignored.
        s.apply(RemoteOp::Copy(tp.clone(), seg(10, 19)));
        assert_eq!(s.segments(&tp).len(), 2);
        assert_eq!(s.highest_offset(&tp), 19);
        s.apply(RemoteOp::DeleteBelow(tp.clone(), 12));
        assert_eq!(s.start_offset(&tp), Some(10));
        s.down = true;
        assert_eq!(s.read(&tp, 10, 20, 1000), Err(KafkaError::UNKNOWN_SERVER_ERROR));
        s.apply(RemoteOp::DeletePartition(tp.clone()));
        assert_eq!(s.segments(&tp).len(), 1, "a store that is down changes nothing");
        s.down = false;
        assert_eq!(s.read(&tp, 25, 30, 1000), Err(KafkaError::OFFSET_OUT_OF_RANGE));
        s.apply(RemoteOp::DeletePartition(tp.clone()));
        assert_eq!(s.highest_offset(&tp), -1);
    }
}
