//! A partition's log on one broker (`UnifiedLog`): segments of record batches, log start
//! offset, log end offset (LEO), high watermark (HW), last stable offset (LSO), the leader-epoch
//! cache, producer state, retention and compaction.

use crate::sim::codec::Codec;
use crate::sim::compression::{topic_codec, CompressionType};
use crate::sim::config::TopicConfig;
use crate::sim::epoch_cache::LeaderEpochCache;
use crate::sim::errors::{ApiError, KafkaError};
use crate::sim::producer_state::{
    AppendOrigin, AppendOutcome, ControlRecordType, DataBatch, ProducerStateManager, TxnMarker as EndTxnMarker,
};
use crate::sim::protocol::ProduceBatch;
use crate::sim::record::{
    batch_size, batch_size_with, batch_size_with_base, marker_record, ControlType, Record, RecordBatch, NO_PRODUCER_ID,
    RECORD_BATCH_OVERHEAD,
};
use crate::sim::trace::RecordRef;
use crate::sim::types::{Epoch, Offset, TopicPartition};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::rc::Rc;

/// One segment: batches from `base_offset` on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct Segment {
    pub base_offset: Offset,
    pub batches: Vec<Rc<RecordBatch>>,
    pub(crate) size_bytes: u64,
    /// When the segment was created (wall ms), for `segment.ms`.
    pub(crate) created_ms: i64,
    pub(crate) max_timestamp: i64,
}

impl Segment {
    fn new(base_offset: Offset, now_ms: i64) -> Segment {
        Segment { base_offset, batches: Vec::new(), size_bytes: 0, created_ms: now_ms, max_timestamp: -1 }
    }
    fn push(&mut self, b: Rc<RecordBatch>) {
        self.size_bytes += u64::from(b.size_bytes);
        self.max_timestamp = self.max_timestamp.max(b.max_timestamp);
        self.batches.push(b);
    }
    fn recompute(&mut self) {
        self.size_bytes = self.batches.iter().map(|b| u64::from(b.size_bytes)).sum();
        self.max_timestamp = self.batches.iter().map(|b| b.max_timestamp).max().unwrap_or(-1);
    }
}

/// A transaction that was aborted: read_committed consumers skip its records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct AbortedTxn {
    pub(crate) producer_id: i64,
    pub(crate) first_offset: Offset,
    pub(crate) last_offset: Offset,
}

/// A COMMIT or ABORT marker to write (WriteTxnMarkersRequest's WritableTxnMarker).
#[derive(Clone, Copy, Debug)]
pub(crate) struct TxnMarker {
    pub(crate) producer_id: i64,
    pub producer_epoch: i16,
    pub control: ControlType,
    pub(crate) coordinator_epoch: i32,
}

/// The result of a leader append.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct AppendInfo {
    pub base_offset: Offset,
    pub(crate) last_offset: Offset,
    pub(crate) duplicate: bool,
    pub(crate) rolled: bool,
}

/// A partition's log.
#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub struct Log {
    pub tp: TopicPartition,
    pub(crate) segments: Vec<Segment>,
    pub log_start_offset: Offset,
    pub log_end_offset: Offset,
    pub high_watermark: Offset,
    pub epochs: LeaderEpochCache,
    pub(crate) producers: ProducerStateManager,
    pub aborted: Vec<AbortedTxn>,
    /// Everything below this offset has been fsynced (`flush.messages`, `flush.ms`).
    pub(crate) recovery_point: Offset,
    pub(crate) last_flush_ms: i64,
    /// The first offset the cleaner has not compacted yet.
    pub(crate) cleaner_checkpoint: Offset,
    /// Increases on every change; lets the UI and the disk store skip unchanged logs.
    pub(crate) version: u64,
}

impl Log {
    pub(crate) fn new(tp: TopicPartition, now_ms: i64) -> Log {
        Log {
            producers: ProducerStateManager::new(tp.clone()),
            tp,
            segments: vec![Segment::new(0, now_ms)],
            log_start_offset: 0,
            log_end_offset: 0,
            high_watermark: 0,
            epochs: LeaderEpochCache::new(),
            aborted: Vec::new(),
            recovery_point: 0,
            last_flush_ms: now_ms,
            cleaner_checkpoint: 0,
            version: 0,
        }
    }

    pub(crate) fn size_bytes(&self) -> u64 {
        self.segments.iter().map(|s| s.size_bytes).sum()
    }

    pub fn batches(&self) -> impl Iterator<Item = &Rc<RecordBatch>> {
        self.segments.iter().flat_map(|s| s.batches.iter())
    }

    /// The log's segments, oldest first (each a `<base offset>.log` file).
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The epoch of the last batch in the log (KIP-320 "last fetched epoch"), -1 when empty.
    pub(crate) fn last_epoch(&self) -> Epoch {
        self.epochs.latest_epoch().unwrap_or(-1)
    }

    /// `LeaderEpochFileCache.endOffsetFor` against this log's end.
    pub(crate) fn end_offset_for(&self, epoch: Epoch) -> (Epoch, Offset) {
        self.epochs.end_offset_for(epoch, self.log_end_offset)
    }

    /// Last stable offset: the first offset of an undecided transaction, or HW (`UnifiedLog` and KIP-98).
    pub fn last_stable_offset(&self) -> Offset {
        self.producers.last_stable_offset(self.high_watermark)
    }

    fn maybe_roll(&mut self, incoming: u32, now_ms: i64, cfg: &TopicConfig) -> bool {
        let active = self.segments.last().expect("a log always has a segment");
        let full = active.size_bytes > 0 && active.size_bytes + u64::from(incoming) > cfg.segment_bytes.max(14) as u64;
        let old = active.size_bytes > 0 && now_ms - active.created_ms > cfg.segment_ms;
        if full || old {
            let base = self.log_end_offset;
            self.segments.push(Segment::new(base, now_ms));
            true
        } else {
            false
        }
    }

    fn push_batch(&mut self, batch: Rc<RecordBatch>, now_ms: i64, cfg: &TopicConfig) -> bool {
        let rolled = self.maybe_roll(batch.size_bytes, now_ms, cfg);
        self.log_end_offset = batch.next_offset();
        self.segments.last_mut().expect("segment").push(batch);
        self.maybe_flush(now_ms, cfg);
        self.version += 1;
        rolled
    }

    fn maybe_flush(&mut self, now_ms: i64, cfg: &TopicConfig) {
        let unflushed = self.log_end_offset - self.recovery_point;
        if unflushed >= cfg.flush_messages || now_ms - self.last_flush_ms >= cfg.flush_ms {
            self.flush(now_ms);
        }
    }

    /// Rolls a new active segment now (`roll()`), if the active one has data.
    #[cfg(test)]
    pub(crate) fn roll(&mut self, now_ms: i64) {
        if self.segments.last().map(|s| s.size_bytes > 0).unwrap_or(false) {
            let base = self.log_end_offset;
            self.segments.push(Segment::new(base, now_ms));
            self.version += 1;
        }
    }

    /// fsync: everything written so far survives a power loss.
    pub(crate) fn flush(&mut self, now_ms: i64) {
        self.recovery_point = self.log_end_offset;
        self.last_flush_ms = now_ms;
    }

    /// Appends a producer's batch as the leader (`appendAsLeader`): validates it, checks the
    /// producer's sequence (idempotence, `ProducerStateManager`), assigns offsets and stamps the leader epoch.
    pub(crate) fn append_as_leader(
        &mut self,
        pb: &ProduceBatch,
        leader_epoch: Epoch,
        now_ms: i64,
        cfg: &TopicConfig,
    ) -> Result<(AppendInfo, Option<Rc<RecordBatch>>), ApiError> {
        let count = pb.records.len() as i64;
        if count == 0 {
            return Err(ApiError::new(KafkaError::INVALID_RECORD));
        }
        if pb.size_bytes > cfg.max_message_bytes.max(0) as u32 {
            return Err(ApiError::new(KafkaError::MESSAGE_TOO_LARGE));
        }
        if cfg.cleanup_compact && pb.records.iter().any(|r| r.key.is_none()) {
            return Err(ApiError::with(
                KafkaError::CORRUPT_MESSAGE,
                format!("Compacted topic cannot accept message without key in topic partition {}.", self.tp),
            ));
        }
        let base = self.log_end_offset;
        let max_ts = pb.records.iter().map(|r| r.timestamp).max().unwrap_or(now_ms);
        if pb.producer_id != NO_PRODUCER_ID {
            let db = DataBatch {
                producer_id: pb.producer_id,
                producer_epoch: pb.producer_epoch,
                base_sequence: pb.base_sequence,
                record_count: count as i32,
                is_transactional: pb.transactional,
                max_timestamp: max_ts,
            };
            match self.producers.append_as_leader(&db, base) {
                Ok(AppendOutcome::Duplicate { first_offset, last_offset }) => {
                    return Ok((
                        AppendInfo { base_offset: first_offset, last_offset, duplicate: true, rolled: false },
                        None,
                    ));
                }
                Ok(AppendOutcome::Append) => {}
                Err(e) => {
                    let err = match e.error_code() {
                        45 => KafkaError::OUT_OF_ORDER_SEQUENCE_NUMBER,
                        47 => KafkaError::INVALID_PRODUCER_EPOCH,
                        _ => KafkaError::INVALID_TXN_STATE,
                    };
                    return Err(ApiError::with(err, e.message().to_string()));
                }
            }
        }
        // `LogValidator` under LOG_APPEND_TIME sets the batch's timestamp type and max timestamp
        // (`setMaxTimestamp(LOG_APPEND_TIME, now)`); the records keep the producer's timestamps
        // in their bytes, and readers take the batch's ([`RecordBatch::record_timestamp`]).
        let records = pb.records.clone();
        // LogValidator: the topic's compression.type keeps the producer's codec (`producer`)
        // or recompresses the batch with its own, which changes its size on disk.
        let compression = topic_codec(&cfg.compression_type, pb.compression);
        let size_bytes =
            if compression == pb.compression { pb.size_bytes } else { batch_size_with(&records, compression) };
        let batch = Rc::new(RecordBatch {
            base_offset: base,
            last_offset: base + count - 1,
            partition_leader_epoch: leader_epoch,
            producer_id: pb.producer_id,
            producer_epoch: pb.producer_epoch,
            base_sequence: pb.base_sequence,
            transactional: pb.transactional,
            control: None,
            max_timestamp: if cfg.log_append_time { now_ms } else { max_ts },
            log_append_time: cfg.log_append_time,
            size_bytes,
            records,
            delete_horizon_ms: None,
            compression,
            origin: pb.origin,
        });
        self.assign_epoch(leader_epoch, base);
        let rolled = self.push_batch(batch.clone(), now_ms, cfg);
        Ok((AppendInfo { base_offset: base, last_offset: base + count - 1, duplicate: false, rolled }, Some(batch)))
    }

    fn assign_epoch(&mut self, epoch: Epoch, offset: Offset) {
        if epoch >= 0 && self.epochs.latest_epoch().map(|e| epoch > e).unwrap_or(true) {
            let _ = self.epochs.assign(epoch, offset);
        }
    }

    /// Writes a COMMIT or ABORT marker as the leader (from WriteTxnMarkers).
    pub(crate) fn append_marker_as_leader(
        &mut self,
        marker: TxnMarker,
        leader_epoch: Epoch,
        now_ms: i64,
        cfg: &TopicConfig,
    ) -> Result<Rc<RecordBatch>, ApiError> {
        let TxnMarker { producer_id, producer_epoch, control, coordinator_epoch } = marker;
        let base = self.log_end_offset;
        let kind = match control {
            ControlType::Abort => ControlRecordType::Abort,
            ControlType::Commit => ControlRecordType::Commit,
        };
        let completed = self
            .producers
            .append_txn_marker(
                &EndTxnMarker {
                    producer_id,
                    producer_epoch,
                    control_type: kind,
                    offset: base,
                    coordinator_epoch,
                    timestamp: now_ms,
                },
                AppendOrigin::Coordinator,
            )
            .map_err(|e| {
                ApiError::with(
                    if e.error_code() == 47 {
                        KafkaError::INVALID_PRODUCER_EPOCH
                    } else {
                        KafkaError::INVALID_TXN_STATE
                    },
                    e.message().to_string(),
                )
            })?;
        if let Some(t) = completed {
            if t.is_aborted {
                self.aborted.push(AbortedTxn { producer_id, first_offset: t.first_offset, last_offset: t.last_offset });
            }
        }
        // The control record Kafka writes (`MemoryRecords.withEndTransactionMarker`): its key is
        // the control type, its value the marker with the coordinator epoch.
        let records = vec![marker_record(control, coordinator_epoch, now_ms)];
        let batch = Rc::new(RecordBatch {
            base_offset: base,
            last_offset: base,
            partition_leader_epoch: leader_epoch,
            producer_id,
            producer_epoch,
            base_sequence: -1,
            transactional: true,
            control: Some(control),
            max_timestamp: now_ms,
            log_append_time: false,
            size_bytes: batch_size(&records),
            records: Rc::new(records),
            delete_horizon_ms: None,
            compression: CompressionType::None,
            origin: 0,
        });
        self.assign_epoch(leader_epoch, base);
        self.push_batch(batch.clone(), now_ms, cfg);
        Ok(batch)
    }

    /// Appends a batch fetched from the leader (`appendAsFollower`): no validation, offsets
    /// and epochs as the leader assigned them. A batch starting below our LEO is skipped
    /// (`UnifiedLog.append` throws `UnexpectedAppendOffsetException`); one starting above it is
    /// appended, the LEO moving past the gap: on a compacted topic the cleaner removes whole
    /// batches, so the leader's next batch may start after the follower's LEO.
    pub(crate) fn append_as_follower(&mut self, batch: Rc<RecordBatch>, now_ms: i64, cfg: &TopicConfig) -> bool {
        if batch.base_offset < self.log_end_offset {
            return false;
        }
        self.apply_producer_state(&batch);
        self.assign_epoch(batch.partition_leader_epoch, batch.base_offset);
        self.push_batch(batch, now_ms, cfg);
        true
    }

    fn apply_producer_state(&mut self, batch: &RecordBatch) {
        if batch.producer_id == NO_PRODUCER_ID {
            return;
        }
        match batch.control {
            Some(c) => {
                let kind = match c {
                    ControlType::Abort => ControlRecordType::Abort,
                    ControlType::Commit => ControlRecordType::Commit,
                };
                let marker = EndTxnMarker {
                    producer_id: batch.producer_id,
                    producer_epoch: batch.producer_epoch,
                    control_type: kind,
                    offset: batch.base_offset,
                    coordinator_epoch: -1,
                    timestamp: batch.max_timestamp,
                };
                if let Ok(Some(t)) = self.producers.append_txn_marker(&marker, AppendOrigin::Replication) {
                    if t.is_aborted {
                        self.aborted.push(AbortedTxn {
                            producer_id: batch.producer_id,
                            first_offset: t.first_offset,
                            last_offset: t.last_offset,
                        });
                    }
                }
            }
            None => {
                let db = DataBatch {
                    producer_id: batch.producer_id,
                    producer_epoch: batch.producer_epoch,
                    base_sequence: batch.base_sequence,
                    record_count: (batch.last_offset - batch.base_offset + 1) as i32,
                    is_transactional: batch.transactional,
                    max_timestamp: batch.max_timestamp,
                };
                let _ = self.producers.append_as_follower(&db, batch.base_offset);
            }
        }
    }

    /// Moves the HW (never above the LEO); returns whether it changed.
    pub(crate) fn update_high_watermark(&mut self, hw: Offset) -> bool {
        let hw = hw.min(self.log_end_offset).max(self.log_start_offset);
        if hw == self.high_watermark {
            return false;
        }
        self.high_watermark = hw;
        self.producers.on_high_watermark_updated(hw);
        self.version += 1;
        true
    }

    /// Batches from `from` (inclusive) up to `max_offset` (exclusive), at most `max_bytes`
    /// but always at least one batch (KIP-74). OFFSET_OUT_OF_RANGE outside the log.
    pub(crate) fn read(
        &self,
        from: Offset,
        max_offset: Offset,
        max_bytes: i64,
    ) -> Result<Vec<Rc<RecordBatch>>, KafkaError> {
        if from < self.log_start_offset || from > self.log_end_offset {
            return Err(KafkaError::OFFSET_OUT_OF_RANGE);
        }
        let mut out = Vec::new();
        let mut bytes = 0i64;
        let seg_idx = match self.segments.binary_search_by(|s| s.base_offset.cmp(&from)) {
            Ok(i) => i,
            Err(0) => 0,
            Err(i) => i - 1,
        };
        'outer: for seg in &self.segments[seg_idx..] {
            let start = match seg.batches.binary_search_by(|b| b.last_offset.cmp(&from)) {
                Ok(i) | Err(i) => i,
            };
            for b in &seg.batches[start..] {
                if b.base_offset >= max_offset {
                    break 'outer;
                }
                if b.last_offset < from {
                    continue;
                }
                if !out.is_empty() && bytes + i64::from(b.size_bytes) > max_bytes {
                    break 'outer;
                }
                bytes += i64::from(b.size_bytes);
                out.push(b.clone());
            }
        }
        Ok(out)
    }

    /// Aborted transactions overlapping `[from, to)`, for read_committed fetches.
    pub(crate) fn aborted_in(&self, from: Offset, to: Offset) -> Vec<(i64, Offset)> {
        self.aborted
            .iter()
            .filter(|a| a.last_offset >= from && a.first_offset < to)
            .map(|a| (a.producer_id, a.first_offset))
            .collect()
    }

    /// Removes every record at or above `offset` (`UnifiedLog.truncateTo`); returns what was
    /// removed. A truncation at or past the LEO removes no record but still drops epoch
    /// entries starting at or after the LEO: a broker that became leader and stamped its
    /// epoch without appending anything before losing leadership keeps such an entry, and as a
    /// follower it would otherwise send that epoch forever and diverge on every fetch.
    pub(crate) fn truncate_to(&mut self, offset: Offset) -> Vec<RecordRef> {
        if offset >= self.log_end_offset {
            let before = self.epochs.entries().len();
            self.epochs.truncate_from_end(self.log_end_offset);
            if self.epochs.entries().len() != before {
                self.version += 1;
            }
            return Vec::new();
        }
        let offset = offset.max(self.log_start_offset);
        let mut removed = Vec::new();
        for seg in self.segments.iter_mut() {
            if seg.batches.last().map(|b| b.last_offset < offset).unwrap_or(true) {
                continue;
            }
            let mut kept = Vec::with_capacity(seg.batches.len());
            for b in seg.batches.drain(..) {
                if b.last_offset < offset {
                    kept.push(b);
                    continue;
                }
                for (o, r) in b.iter_with_offsets() {
                    if o >= offset && !b.is_control() {
                        removed.push(RecordRef { offset: o, origin: b.origin, index: r.offset_delta });
                    }
                }
                if let Some(t) = b.truncated_before(offset) {
                    kept.push(Rc::new(t));
                }
            }
            seg.batches = kept;
            seg.recompute();
        }
        // Drop segments that now start at or after the truncation point (keep one).
        while self.segments.len() > 1
            && self.segments.last().map(|s| s.base_offset >= offset && s.batches.is_empty()).unwrap_or(false)
        {
            self.segments.pop();
        }
        self.log_end_offset = offset;
        if self.high_watermark > offset {
            self.high_watermark = offset;
        }
        self.recovery_point = self.recovery_point.min(offset);
        self.cleaner_checkpoint = self.cleaner_checkpoint.min(offset);
        self.epochs.truncate_from_end(offset);
        self.aborted.retain(|a| a.last_offset < offset);
        self.rebuild_producer_state();
        self.version += 1;
        removed
    }

    /// Deletes everything and starts the log at `offset` (`truncateFullyAndStartAt`).
    pub(crate) fn truncate_fully_and_start_at(&mut self, offset: Offset, now_ms: i64) -> Vec<RecordRef> {
        let mut removed = Vec::new();
        for b in self.batches() {
            if !b.is_control() {
                for (o, r) in b.iter_with_offsets() {
                    removed.push(RecordRef { offset: o, origin: b.origin, index: r.offset_delta });
                }
            }
        }
        self.segments = vec![Segment::new(offset, now_ms)];
        self.log_start_offset = offset;
        self.log_end_offset = offset;
        self.high_watermark = offset;
        self.recovery_point = offset;
        self.cleaner_checkpoint = offset;
        self.epochs.truncate_from_end(offset);
        self.epochs.truncate_from_start(offset);
        self.aborted.clear();
        self.producers = ProducerStateManager::new(self.tp.clone());
        self.version += 1;
        removed
    }

    /// Completes a log whose segments were just read from disk (`LogLoader`): the log end
    /// follows the batches; the log start, recovery point and cleaner point come from their
    /// checkpoints (clamped to the log; a missing recovery point trusts the whole log); the
    /// leader epochs from the leader-epoch checkpoint, or from the batches when it is missing,
    /// as recovery assigns them; producer state and aborted transactions are rebuilt from
    /// the batches, as Kafka rebuilds them when it has no snapshot.
    pub(crate) fn install_loaded(
        &mut self,
        epochs: LeaderEpochCache,
        log_start: Option<Offset>,
        recovery_point: Option<Offset>,
        cleaner: Option<Offset>,
        high_watermark: Option<Offset>,
    ) {
        self.segments.retain(|s| !s.batches.is_empty() || s.size_bytes == 0);
        if self.segments.is_empty() {
            self.segments.push(Segment::new(log_start.unwrap_or(0).max(0), self.last_flush_ms));
        }
        for s in self.segments.iter_mut() {
            s.recompute();
        }
        let first = self.segments[0].base_offset;
        self.log_end_offset = self
            .batches()
            .last()
            .map(|b| b.next_offset())
            .unwrap_or_else(|| self.segments.last().map(|s| s.base_offset).unwrap_or(0));
        self.log_start_offset = log_start.unwrap_or(first).clamp(first.min(self.log_end_offset), self.log_end_offset);
        self.epochs = epochs;
        if self.epochs.entries().is_empty() {
            let stamps: Vec<(Epoch, Offset)> =
                self.batches().map(|b| (b.partition_leader_epoch, b.base_offset)).collect();
            for (e, o) in stamps {
                self.assign_epoch(e, o);
            }
        }
        self.epochs.truncate_from_end(self.log_end_offset);
        self.recovery_point = recovery_point.unwrap_or(self.log_end_offset).clamp(0, self.log_end_offset);
        self.cleaner_checkpoint =
            cleaner.unwrap_or(self.log_start_offset).clamp(self.log_start_offset, self.log_end_offset);
        self.high_watermark =
            high_watermark.unwrap_or(self.log_start_offset).clamp(self.log_start_offset, self.log_end_offset);
        self.rebuild_producer_state();
        self.version += 1;
    }

    fn rebuild_producer_state(&mut self) {
        self.producers = ProducerStateManager::new(self.tp.clone());
        self.aborted.clear();
        let batches: Vec<Rc<RecordBatch>> = self.batches().cloned().collect();
        for b in batches {
            self.apply_producer_state(&b);
        }
        self.producers.on_high_watermark_updated(self.high_watermark);
    }

    /// Crash recovery: with the power-loss model, everything after the recovery point (not
    /// fsynced) is lost; otherwise the OS page cache kept it all.
    pub(crate) fn recover(&mut self, power_loss: bool) -> Vec<RecordRef> {
        if power_loss && self.recovery_point < self.log_end_offset {
            let to = self.recovery_point;
            return self.truncate_to(to);
        }
        Vec::new()
    }

    /// Retention (`deleteOldSegments`, `UnifiedLog.deleteOldSegments`): the start-offset rule, then size, then time,
    /// whole segments only, never at or above the HW. Returns the new log start offset and
    /// the reason when segments were deleted.
    ///
    /// `tiered` is `Some(highestOffsetInRemoteStorage)` for a topic with `remote.storage.enable`
    /// (KIP-405): the limits are then `local.retention.*` (`localRetentionMs/Size`), a segment
    /// goes only once it is copied (`isSegmentEligibleForDeletion`: its last offset at or below
    /// the highest copied offset), an active segment past the limit is rolled so that it can be
    /// copied (`deletableSegments`' `shouldRoll`), and what moves is the local log start offset
    /// (`maybeIncrementLocalLogStartOffset`; in Brokerlab `log_start_offset` is the local one
    /// and the remote store holds what lies below it).
    pub(crate) fn delete_old_segments(
        &mut self,
        now_ms: i64,
        cfg: &TopicConfig,
        tiered: Option<Offset>,
    ) -> Option<(Offset, &'static str)> {
        let mut reason = None;
        let mut n = self.deletable(tiered, |log, i| {
            log.segments.get(i + 1).map(|next| next.base_offset <= log.log_start_offset).unwrap_or(false)
        });
        if n > 0 {
            reason = Some(if tiered.is_some() { "local log start offset" } else { "log start offset" });
        }
        let (delete, retention_bytes, retention_ms) = match tiered {
            Some(_) => (true, cfg.effective_local_retention_bytes(), cfg.effective_local_retention_ms()),
            None => (cfg.cleanup_delete, cfg.retention_bytes, cfg.retention_ms),
        };
        if n == 0 && delete && retention_bytes >= 0 {
            let size = self.size_bytes() as i64;
            if size >= retention_bytes {
                let mut diff = size - retention_bytes;
                n = self.deletable(tiered, |log, i| {
                    let s = log.segments[i].size_bytes as i64;
                    if diff - s >= 0 {
                        diff -= s;
                        true
                    } else {
                        false
                    }
                });
                if n > 0 {
                    reason = Some(if tiered.is_some() { "local.retention.bytes" } else { "retention.bytes" });
                }
            }
        }
        if n == 0 && delete && retention_ms >= 0 {
            let limit = retention_ms;
            n = self.deletable(tiered, |log, i| now_ms - log.segments[i].max_timestamp > limit);
            if n > 0 {
                reason = Some(if tiered.is_some() { "local.retention.ms" } else { "retention.ms" });
            }
            if tiered.is_some() {
                // `deletableSegments`: with remote storage an active segment past the limit is
                // rolled, so that the copy task can take it.
                let last = self.segments.len() - 1;
                let active = &self.segments[last];
                let upper_ok = self.high_watermark >= self.log_end_offset;
                if n == last && active.size_bytes > 0 && upper_ok && now_ms - active.max_timestamp > limit {
                    let base = self.log_end_offset;
                    self.segments.push(Segment::new(base, now_ms));
                    self.version += 1;
                }
            }
        }
        if n == 0 {
            return None;
        }
        if n == self.segments.len() {
            // Every segment goes: roll an empty active segment first.
            let base = self.log_end_offset;
            self.segments.push(Segment::new(base, now_ms));
        }
        self.segments.drain(..n);
        let first = self.segments[0].base_offset;
        if first > self.log_start_offset {
            self.log_start_offset = first;
        }
        // A tiered log's epoch cache keeps what the remote segments need: only the log start
        // offset of the whole log truncates it (`maybeIncrementLocalLogStartOffset` does not).
        // (Nor the aborted transactions: remote reads of read_committed consumers need them, as
        // Kafka keeps each remote segment's transaction index.)
        if tiered.is_none() {
            self.epochs.truncate_from_start(self.log_start_offset);
            self.aborted.retain(|a| a.last_offset >= self.log_start_offset);
        }
        self.cleaner_checkpoint = self.cleaner_checkpoint.max(self.log_start_offset);
        self.version += 1;
        reason.map(|r| (self.log_start_offset, r))
    }

    /// How many leading segments satisfy `pred` (Kafka's `deletableSegments` loop); with
    /// `tiered`, only segments already copied (`isSegmentEligibleForDeletion`).
    fn deletable(&self, tiered: Option<Offset>, mut pred: impl FnMut(&Log, usize) -> bool) -> usize {
        let mut n = 0;
        for i in 0..self.segments.len() {
            let seg = &self.segments[i];
            let next = self.segments.get(i + 1).map(|s| s.base_offset);
            let upper = next.unwrap_or(self.log_end_offset);
            let last_and_empty = i + 1 == self.segments.len() && seg.size_bytes == 0;
            let eligible = match tiered {
                None => true,
                Some(highest) => {
                    (upper > 0 && upper - 1 <= highest) || next.is_some_and(|b| self.log_start_offset >= b)
                }
            };
            if self.high_watermark >= upper && !last_and_empty && eligible && pred(self, i) {
                n += 1;
            } else {
                break;
            }
        }
        n
    }

    /// Log compaction (`LogCleaner`): keeps the latest value per key below the first uncleanable
    /// offset (active segment, LSO, `min.compaction.lag.ms`), removes aborted transactional
    /// records at once, and tombstones `delete.retention.ms` after their first cleaning.
    /// A batch left without records is dropped, except the newest batch of each producer and a
    /// batch ending at the high watermark, which stay as empty batches (`Cleaner.cleanInto`'s
    /// `checkBatchRetention`: `BatchRetention.RETAIN_EMPTY`, which `MemoryRecords.filterTo`
    /// writes with `DefaultRecordBatch.writeEmptyHeader`): producer state rebuilt from the log
    /// then still knows the producer's last sequence, so a retry stays a duplicate.
    /// Returns how many records were removed, or None when the log was not cleanable.
    pub(crate) fn clean(&mut self, now_ms: i64, cfg: &TopicConfig, force: bool) -> Option<u32> {
        if !cfg.cleanup_compact || self.segments.len() < 2 {
            return None;
        }
        let active_base = self.segments.last().map(|s| s.base_offset).unwrap_or(0);
        let mut first_uncleanable = active_base.min(self.last_stable_offset());
        if cfg.min_compaction_lag_ms > 0 {
            if let Some(s) = self.segments.iter().find(|s| s.max_timestamp > now_ms - cfg.min_compaction_lag_ms) {
                first_uncleanable = first_uncleanable.min(s.base_offset);
            }
        }
        let dirty_start = self.cleaner_checkpoint.max(self.log_start_offset);
        if first_uncleanable <= dirty_start && !force {
            return None;
        }
        let mut total = 0u64;
        let mut dirty = 0u64;
        for s in &self.segments {
            if s.base_offset >= first_uncleanable {
                break;
            }
            total += s.size_bytes;
            if s.base_offset >= dirty_start {
                dirty += s.size_bytes;
            }
        }
        let (num, den) = cfg.min_cleanable_dirty_ratio;
        let ratio_ok = total > 0 && u128::from(dirty) * u128::from(den) > u128::from(num) * u128::from(total);
        let max_lag_forced = cfg.max_compaction_lag_ms < i64::MAX
            && self.segments.iter().any(|s| {
                s.base_offset >= dirty_start
                    && s.base_offset < first_uncleanable
                    && now_ms - s.max_timestamp > cfg.max_compaction_lag_ms
            });
        if !(force || ratio_ok || max_lag_forced) {
            return None;
        }
        // The offset map: the latest offset of every key below the first uncleanable offset.
        let mut latest: BTreeMap<Rc<[u8]>, Offset> = BTreeMap::new();
        let aborted = self.aborted.clone();
        let is_aborted = |pid: i64, off: Offset| {
            aborted.iter().any(|a| a.producer_id == pid && off >= a.first_offset && off <= a.last_offset)
        };
        for b in self.batches() {
            if b.base_offset >= first_uncleanable || b.is_control() {
                continue;
            }
            for (o, r) in b.iter_with_offsets() {
                if let Some(k) = &r.key {
                    if !(b.transactional && is_aborted(b.producer_id, o)) {
                        latest.insert(k.clone(), o);
                    }
                }
            }
        }
        let last_data = self.producers.last_data_offsets();
        let high_watermark = self.high_watermark;
        let mut removed = 0u32;
        for seg in self.segments.iter_mut() {
            if seg.base_offset >= first_uncleanable {
                break;
            }
            let mut kept = Vec::with_capacity(seg.batches.len());
            for b in seg.batches.drain(..) {
                if b.is_control() {
                    kept.push(b);
                    continue;
                }
                let retain_empty = (b.producer_id != NO_PRODUCER_ID
                    && last_data.get(&b.producer_id) == Some(&b.last_offset))
                    || b.next_offset() == high_watermark;
                let horizon = b.delete_horizon_ms;
                let mut has_tombstone = false;
                let records: Vec<Record> = b
                    .records
                    .iter()
                    .filter(|r| {
                        let o = b.base_offset + Offset::from(r.offset_delta);
                        let keep = match &r.key {
                            None => false,
                            Some(k) => {
                                let aborted_rec = b.transactional && is_aborted(b.producer_id, o);
                                let superseded = latest.get(k).map(|l| *l > o).unwrap_or(false);
                                let tombstone_expired =
                                    r.value.is_none() && horizon.map(|h| now_ms >= h).unwrap_or(false);
                                !aborted_rec && !superseded && !tombstone_expired
                            }
                        };
                        if keep && r.value.is_none() {
                            has_tombstone = true;
                        }
                        if !keep {
                            removed += 1;
                        }
                        keep
                    })
                    .cloned()
                    .collect();
                if records.is_empty() {
                    if retain_empty {
                        // `writeEmptyHeader`: the batch's offsets, producer id, epoch, base
                        // sequence and max timestamp, no records, no compression, no horizon.
                        let mut nb = (*b).clone();
                        nb.records = Rc::new(Vec::new());
                        nb.compression = CompressionType::None;
                        nb.delete_horizon_ms = None;
                        nb.size_bytes = RECORD_BATCH_OVERHEAD;
                        kept.push(if nb == *b { b } else { Rc::new(nb) });
                    }
                    continue;
                }
                if records.len() == b.records.len() && (horizon.is_some() || !has_tombstone) {
                    kept.push(b);
                    continue;
                }
                let mut nb = (*b).clone();
                nb.size_bytes = batch_size_with(&records, nb.compression);
                nb.max_timestamp = records.iter().map(|r| r.timestamp).max().unwrap_or(b.max_timestamp);
                nb.records = Rc::new(records);
                if has_tombstone && nb.delete_horizon_ms.is_none() {
                    nb.delete_horizon_ms = Some(now_ms + cfg.delete_retention_ms);
                }
                if let Some(h) = nb.delete_horizon_ms {
                    // The horizon becomes the batch's base timestamp (`MemoryRecordsBuilder`).
                    nb.size_bytes = batch_size_with_base(&nb.records, h);
                }
                kept.push(Rc::new(nb));
            }
            seg.batches = kept;
            seg.recompute();
        }
        // Merge cleaned segments that now fit together (`groupSegmentsBySize`).
        let mut merged: Vec<Segment> = Vec::new();
        for seg in self.segments.drain(..) {
            if let Some(prev) = merged.last_mut() {
                if seg.base_offset < first_uncleanable
                    && prev.base_offset < first_uncleanable
                    && prev.size_bytes + seg.size_bytes <= cfg.segment_bytes.max(14) as u64
                {
                    for b in seg.batches {
                        prev.push(b);
                    }
                    continue;
                }
            }
            merged.push(seg);
        }
        self.segments = merged;
        self.cleaner_checkpoint = first_uncleanable;
        self.version += 1;
        Some(removed)
    }

    /// The first offset whose record timestamp is at or after `ts` (ListOffsets by time).
    pub(crate) fn offset_for_timestamp(&self, ts: i64) -> Option<(Offset, i64)> {
        for b in self.batches() {
            if b.max_timestamp < ts || b.is_control() {
                continue;
            }
            for (o, r) in b.iter_with_offsets() {
                let t = b.record_timestamp(r);
                if t >= ts && o >= self.log_start_offset {
                    return Some((o, t));
                }
            }
        }
        None
    }

    /// The offset and timestamp of the record with the largest timestamp (`max-timestamp`).
    pub(crate) fn max_timestamp_offset(&self) -> Option<(Offset, i64)> {
        let mut best: Option<(Offset, i64)> = None;
        for b in self.batches() {
            if b.is_control() {
                continue;
            }
            for (o, r) in b.iter_with_offsets() {
                let ts = b.record_timestamp(r);
                if best.map(|(_, t)| ts > t).unwrap_or(true) {
                    best = Some((o, ts));
                }
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::record::bytes;
    use std::collections::BTreeMap;

    fn cfg(pairs: &[(&str, &str)]) -> TopicConfig {
        let m: BTreeMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        TopicConfig::resolve(&m, &BTreeMap::new())
    }

    fn batch(records: Vec<Record>, pid: i64, seq: i32, txn: bool) -> ProduceBatch {
        let size = batch_size(&records);
        ProduceBatch {
            tp: TopicPartition::new("t", 0),
            producer_id: pid,
            producer_epoch: if pid >= 0 { 0 } else { -1 },
            base_sequence: seq,
            transactional: txn,
            records: Rc::new(records),
            size_bytes: size,
            compression: CompressionType::None,
            origin: 1,
        }
    }

    fn rec(key: Option<&str>, value: Option<&str>, ts: i64) -> Record {
        Record {
            offset_delta: 0,
            timestamp: ts,
            key: key.map(|k| bytes(k.as_bytes())),
            value: value.map(|v| bytes(v.as_bytes())),
            headers: vec![],
        }
    }

    /// `singletonRecords("test")` × 15 with segment.bytes = 5 records' size → 3 segments.
    fn fifteen(c: &TopicConfig, ts: i64) -> Log {
        let mut log = Log::new(TopicPartition::new("t", 0), 0);
        for _ in 0..15 {
            log.append_as_leader(&batch(vec![rec(Some("test"), Some("test"), ts)], -1, -1, false), 0, ts, c)
                .expect("append");
        }
        log.update_high_watermark(log.log_end_offset);
        log
    }

    fn one_batch_size() -> i32 {
        batch_size(&[rec(Some("test"), Some("test"), 0)]) as i32
    }

    fn bases(log: &Log) -> Vec<Offset> {
        log.segments.iter().map(|s| s.base_offset).collect()
    }

    /// `LogValidator` under `message.timestamp.type=LogAppendTime` (LogValidatorTest
    /// `testLogAppendTimeNonCompressedV2`): the batch gets the LOG_APPEND_TIME type and the
    /// append time as its max timestamp, its records keep the producer's timestamps in their
    /// bytes, and every reader sees the append time; ListOffsets by time searches that.
    #[test]
    fn log_append_time_stamps_the_batch_and_readers_see_the_append_time() {
        let c = cfg(&[("message.timestamp.type", "LogAppendTime")]);
        let mut log = Log::new(TopicPartition::new("t", 0), 0);
        let recs = vec![rec(None, Some("a"), 100), Record { offset_delta: 1, ..rec(None, Some("b"), 150) }];
        log.append_as_leader(&batch(recs, -1, -1, false), 0, 9_000, &c).expect("append");
        let b = log.batches().next().expect("a batch").clone();
        assert!(b.log_append_time);
        assert_eq!(b.max_timestamp, 9_000);
        assert_eq!(b.records.iter().map(|r| r.timestamp).collect::<Vec<_>>(), vec![100, 150], "bytes unchanged");
        assert_eq!(b.records.iter().map(|r| b.record_timestamp(r)).collect::<Vec<_>>(), vec![9_000, 9_000]);
        assert_eq!(log.offset_for_timestamp(200), Some((0, 9_000)));
        let create = cfg(&[]);
        log.append_as_leader(&batch(vec![rec(None, Some("c"), 200)], -1, -1, false), 0, 9_500, &create).unwrap();
        let last = log.batches().last().unwrap().clone();
        assert!(!last.log_append_time, "the type is the batch's own: CreateTime after the topic changed");
        assert_eq!(last.record_timestamp(&last.records[0]), 200);
    }

    // UnifiedLogTest: the retention vectors.
    #[test]
    fn size_based_retention_deletes_whole_segments() {
        let seg = (5 * one_batch_size()).to_string();
        let c = cfg(&[("segment.bytes", &seg), ("retention.bytes", &(10 * one_batch_size()).to_string())]);
        let mut log = fifteen(&c, 0);
        assert_eq!(bases(&log), vec![0, 5, 10]);
        log.delete_old_segments(0, &c, None);
        assert_eq!(log.segments.len(), 2, "shouldDeleteSizeBasedSegments");
        assert_eq!(log.log_start_offset, 5);

        let c = cfg(&[("segment.bytes", &seg), ("retention.bytes", &(15 * one_batch_size()).to_string())]);
        let mut log = fifteen(&c, 0);
        log.delete_old_segments(0, &c, None);
        assert_eq!(log.segments.len(), 3, "shouldNotDeleteSizeBasedSegmentsWhenUnderRetentionSize");
    }

    /// `UnifiedLogTest.testRetentionOnLocalLogDeletionWhenRemoteLogCopyEnabled` and
    /// `testDeletableSegmentsIteration`'s remote cases: a tiered topic deletes local segments by
    /// `local.retention.bytes`, and only those already copied (`isSegmentEligibleForDeletion`).
    #[test]
    fn tiered_local_retention_deletes_only_copied_segments() {
        let seg = (5 * one_batch_size()).to_string();
        let c = cfg(&[
            ("segment.bytes", &seg),
            ("remote.storage.enable", "true"),
            ("local.retention.bytes", &(5 * one_batch_size()).to_string()),
        ]);
        assert_eq!(c.effective_local_retention_bytes(), i64::from(5 * one_batch_size()));
        let mut log = fifteen(&c, 0);
        // Nothing copied yet: nothing may go, whatever the local limit says.
        assert_eq!(log.delete_old_segments(0, &c, Some(-1)), None);
        assert_eq!(bases(&log), vec![0, 5, 10]);
        // The first segment (offsets 0-4) copied: only it goes.
        assert_eq!(log.delete_old_segments(0, &c, Some(4)), Some((5, "local.retention.bytes")));
        assert_eq!(bases(&log), vec![5, 10]);
        // The second copied: it goes too, down to the local limit; the active one stays.
        assert_eq!(log.delete_old_segments(0, &c, Some(9)), Some((10, "local.retention.bytes")));
        assert_eq!(bases(&log), vec![10]);
        // Without tiering the same log and limits would have deleted both at once.
        let plain = cfg(&[("segment.bytes", &seg), ("retention.bytes", &(5 * one_batch_size()).to_string())]);
        let mut log = fifteen(&plain, 0);
        assert_eq!(log.delete_old_segments(0, &plain, None), Some((10, "retention.bytes")));
    }

    /// `deletableSegments`' `shouldRoll`: with remote storage an active segment past
    /// `local.retention.ms` is rolled so that it can be copied, and is not deleted before.
    #[test]
    fn tiered_time_retention_rolls_the_active_segment() {
        let c = cfg(&[("remote.storage.enable", "true"), ("local.retention.ms", "1000"), ("retention.ms", "60000")]);
        let mut log = fifteen(&c, 10);
        assert_eq!(log.segments.len(), 1);
        assert_eq!(log.delete_old_segments(5_000, &c, Some(-1)), None);
        assert_eq!(bases(&log), vec![0, 15], "rolled, nothing deleted");
        assert_eq!(log.delete_old_segments(5_000, &c, Some(14)), Some((15, "local.retention.ms")));
        assert_eq!(log.log_start_offset, 15);
    }

    #[test]
    fn time_based_retention_uses_the_largest_timestamp() {
        let seg = (5 * one_batch_size()).to_string();
        let now = 1_000_000;
        let c = cfg(&[("segment.bytes", &seg), ("retention.ms", "10000")]);
        let mut log = fifteen(&c, 10);
        log.delete_old_segments(now, &c, None);
        assert_eq!(
            log.segments.len(),
            1,
            "shouldDeleteTimeBasedSegmentsReadyToBeDeleted: all deleted, an empty one rolled"
        );
        assert_eq!((log.log_start_offset, log.log_end_offset), (15, 15));

        let c = cfg(&[("segment.bytes", &seg), ("retention.ms", "10000000")]);
        let mut log = fifteen(&c, now);
        log.delete_old_segments(now, &c, None);
        assert_eq!(log.segments.len(), 3, "shouldNotDeleteTimeBasedSegmentsWhenNoneReadyToBeDeleted");
    }

    #[test]
    fn retention_follows_the_cleanup_policy() {
        let seg = (5 * one_batch_size()).to_string();
        let now = 1_000_000;
        let c = cfg(&[("segment.bytes", &seg), ("retention.ms", "10000"), ("cleanup.policy", "compact")]);
        let mut log = fifteen(&c, 10);
        log.delete_old_segments(now, &c, None);
        assert_eq!(log.segments.len(), 3, "shouldNotDeleteSegmentsWhenPolicyDoesNotIncludeDelete");

        let c = cfg(&[("segment.bytes", &seg), ("retention.ms", "10000"), ("cleanup.policy", "compact,delete")]);
        let mut log = fifteen(&c, 10);
        log.delete_old_segments(now, &c, None);
        assert_eq!(log.segments.len(), 1, "shouldDeleteSegmentsReadyToBeDeletedWhenCleanupPolicyIsCompactAndDelete");

        let c = cfg(&[("segment.bytes", &seg), ("cleanup.policy", "compact")]);
        let mut log = fifteen(&c, now);
        log.log_start_offset = 5;
        log.delete_old_segments(now, &c, None);
        assert_eq!(log.segments.len(), 2, "shouldDeleteStartOffsetBreachedSegmentsWhenPolicyDoesNotIncludeDelete");
        assert!(log.segments[0].base_offset <= log.log_start_offset);
    }

    #[test]
    fn retention_never_deletes_at_or_above_the_high_watermark() {
        let seg = (5 * one_batch_size()).to_string();
        let c = cfg(&[("segment.bytes", &seg), ("retention.ms", "10000")]);
        let mut log = fifteen(&c, 10);
        log.update_high_watermark(7);
        log.delete_old_segments(1_000_000, &c, None);
        assert_eq!(bases(&log), vec![5, 10], "the segment [5-9] holds offsets ≥ HW 7: kept");
    }

    // LogCleanerTest.testBasicTransactionAwareCleaning.
    #[test]
    fn transaction_aware_cleaning_removes_aborted_data_and_keeps_markers() {
        let c = cfg(&[("cleanup.policy", "compact")]);
        let mut log = Log::new(TopicPartition::new("t", 0), 0);
        let two = |k1: &str, k2: &str| {
            vec![rec(Some(k1), Some("v"), 0), Record { offset_delta: 1, ..rec(Some(k2), Some("v"), 0) }]
        };
        log.append_as_leader(&batch(two("1", "2"), 1, 0, true), 0, 0, &c).unwrap();
        log.append_as_leader(&batch(two("2", "3"), 2, 0, true), 0, 0, &c).unwrap();
        log.append_as_leader(&batch(two("3", "4"), 1, 2, true), 0, 0, &c).unwrap();
        log.append_marker_as_leader(
            TxnMarker { producer_id: 1, producer_epoch: 0, control: ControlType::Abort, coordinator_epoch: 0 },
            0,
            0,
            &c,
        )
        .unwrap();
        log.append_marker_as_leader(
            TxnMarker { producer_id: 2, producer_epoch: 0, control: ControlType::Commit, coordinator_epoch: 0 },
            0,
            0,
            &c,
        )
        .unwrap();
        log.append_as_leader(&batch(vec![rec(Some("2"), Some("v"), 0)], 1, 4, true), 0, 0, &c).unwrap();
        log.append_marker_as_leader(
            TxnMarker { producer_id: 1, producer_epoch: 0, control: ControlType::Commit, coordinator_epoch: 0 },
            0,
            0,
            &c,
        )
        .unwrap();
        log.update_high_watermark(log.log_end_offset);
        log.roll(0);
        log.clean(0, &c, true).expect("cleaned");
        let mut keys = Vec::new();
        let mut offsets = Vec::new();
        for b in log.batches() {
            for (o, r) in b.iter_with_offsets() {
                offsets.push(o);
                if !b.is_control() {
                    keys.push(String::from_utf8(r.key.as_deref().unwrap().to_vec()).unwrap());
                }
            }
        }
        assert_eq!(keys, vec!["3", "2"]);
        assert_eq!(offsets, vec![3, 6, 7, 8, 9]);
    }

    // `LogCleaner`: latest value per key; tombstones go only after delete.retention.ms, counted from
    // their first cleaning; the active segment is never cleaned; offsets never change.
    #[test]
    fn compaction_keeps_the_latest_value_and_expires_tombstones() {
        let c = cfg(&[("cleanup.policy", "compact"), ("delete.retention.ms", "1000")]);
        let mut log = Log::new(TopicPartition::new("t", 0), 0);
        for (k, v) in [("a", Some("1")), ("b", Some("1")), ("a", Some("2")), ("b", None), ("c", Some("1"))] {
            log.append_as_leader(&batch(vec![rec(Some(k), v, 0)], -1, -1, false), 0, 0, &c).unwrap();
        }
        log.update_high_watermark(log.log_end_offset);
        assert_eq!(log.clean(0, &c, true), None, "one segment: the active segment is never cleaned");
        log.roll(0);
        log.append_as_leader(&batch(vec![rec(Some("d"), Some("1"), 0)], -1, -1, false), 0, 0, &c).unwrap();
        log.update_high_watermark(log.log_end_offset);
        log.clean(100, &c, true).unwrap();
        let live = |log: &Log| -> Vec<(Offset, String)> {
            log.batches()
                .flat_map(|b| {
                    b.iter_with_offsets()
                        .map(|(o, r)| (o, String::from_utf8_lossy(r.key.as_deref().unwrap_or(b"")).into_owned()))
                        .collect::<Vec<_>>()
                })
                .collect()
        };
        assert_eq!(
            live(&log),
            vec![(2, "a".into()), (3, "b".into()), (4, "c".into()), (5, "d".into())],
            "a@0 and b@1 superseded; the tombstone b@3 stays"
        );
        log.clean(500, &c, true).unwrap();
        assert!(live(&log).contains(&(3, "b".into())), "before delete.retention.ms the tombstone stays");
        log.clean(1100, &c, true).unwrap();
        assert_eq!(
            live(&log),
            vec![(2, "a".into()), (4, "c".into()), (5, "d".into())],
            "after it, the tombstone is gone"
        );
        // A read from a removed offset starts at the next offset present (offsets 0, 1 → 2).
        assert_eq!(log.read(0, log.log_end_offset, i64::MAX).unwrap()[0].iter_with_offsets().next().unwrap().0, 2);
    }

    // UnifiedLogTest.testHighWatermarkMaintenance.
    #[test]
    fn high_watermark_maintenance() {
        let c = cfg(&[]);
        let mut log = Log::new(TopicPartition::new("t", 0), 0);
        let three = || (0..3).map(|i| Record { offset_delta: i, ..rec(None, Some("x"), 0) }).collect::<Vec<_>>();
        assert_eq!((log.log_end_offset, log.high_watermark), (0, 0));
        log.append_as_leader(&batch(three(), -1, -1, false), 0, 0, &c).unwrap();
        assert_eq!((log.log_end_offset, log.high_watermark), (3, 0), "an append does not move the HW");
        log.update_high_watermark(1);
        assert_eq!(log.high_watermark, 1);
        log.update_high_watermark(5);
        assert_eq!(log.high_watermark, 3, "capped at the LEO");
        let follower = RecordBatch {
            base_offset: 3,
            last_offset: 5,
            partition_leader_epoch: 0,
            producer_id: -1,
            producer_epoch: -1,
            base_sequence: -1,
            transactional: false,
            control: None,
            records: Rc::new(three()),
            max_timestamp: 0,
            log_append_time: false,
            size_bytes: batch_size(&three()),
            delete_horizon_ms: None,
            compression: CompressionType::None,
            origin: 2,
        };
        assert!(log.append_as_follower(Rc::new(follower), 0, &c));
        log.update_high_watermark(6);
        assert_eq!((log.log_end_offset, log.high_watermark), (6, 6));
        log.truncate_to(3);
        assert_eq!((log.log_end_offset, log.high_watermark), (3, 3), "lowered by the truncation");
        log.append_as_leader(&batch(three(), -1, -1, false), 0, 0, &c).unwrap();
        assert_eq!((log.log_end_offset, log.high_watermark), (6, 3));
        log.truncate_fully_and_start_at(4, 0);
        assert_eq!((log.log_end_offset, log.log_start_offset, log.high_watermark), (4, 4, 4));
    }

    // UnifiedLog.truncateTo: a truncation at or past the LEO removes no record but still
    // truncates the leader-epoch cache at the LEO (the entry a leader stamped without
    // appending anything must go, or the replica as follower keeps fetching with that epoch).
    #[test]
    fn truncation_at_the_log_end_drops_epoch_entries_past_it() {
        let c = cfg(&[]);
        let mut log = Log::new(TopicPartition::new("t", 0), 0);
        log.epochs.assign(0, 0).unwrap();
        log.append_as_leader(&batch(vec![rec(None, Some("a"), 0)], -1, -1, false), 0, 0, &c).unwrap();
        log.epochs.assign(1, 1).unwrap();
        assert_eq!(log.last_epoch(), 1);
        assert!(log.truncate_to(1).is_empty());
        assert_eq!(log.log_end_offset, 1);
        assert_eq!(log.last_epoch(), 0, "epoch 1 started at the LEO and held no record");
        assert!(log.truncate_to(5).is_empty());
        assert_eq!((log.log_end_offset, log.last_epoch()), (1, 0), "entries below the LEO stay");
    }

    // `ProducerStateManager` testDuplicateAppends at the log level: a retried batch returns its first offsets.
    #[test]
    fn duplicate_appends_return_the_original_offsets() {
        let c = cfg(&[]);
        let mut log = Log::new(TopicPartition::new("t", 0), 0);
        for seq in 0..6 {
            let (info, _) =
                log.append_as_leader(&batch(vec![rec(None, Some("x"), 0)], 1, seq, false), 0, 0, &c).unwrap();
            assert_eq!(info.base_offset, i64::from(seq));
        }
        let three = || (0..3).map(|i| Record { offset_delta: i, ..rec(None, Some("x"), 0) }).collect::<Vec<_>>();
        let (first, _) = log.append_as_leader(&batch(three(), 1, 6, false), 0, 0, &c).unwrap();
        assert_eq!((first.base_offset, first.last_offset), (6, 8));
        let (again, b) = log.append_as_leader(&batch(three(), 1, 6, false), 0, 0, &c).unwrap();
        assert!(again.duplicate && b.is_none());
        assert_eq!((again.base_offset, again.last_offset), (6, 8));
        let two = (0..2).map(|i| Record { offset_delta: i, ..rec(None, Some("x"), 0) }).collect::<Vec<_>>();
        assert_eq!(
            log.append_as_leader(&batch(two, 1, 7, false), 0, 0, &c).unwrap_err().error,
            crate::sim::errors::KafkaError::OUT_OF_ORDER_SEQUENCE_NUMBER
        );
        assert_eq!(log.log_end_offset, 9);
    }
}
