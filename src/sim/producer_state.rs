//! Broker-side idempotent/transactional producer state for one partition.
//!
//! * [`ProducerStateEntry`] mirrors `ProducerStateEntry` (epoch, last 5 batches, open txn).
//! * [`ProducerStateManager`] mirrors the parts of `ProducerStateManager`, `ProducerAppendInfo`
//!   and `UnifiedLog.analyzeAndValidateProducerState` that decide whether an append is accepted,
//!   a duplicate, or rejected; the COMMIT/ABORT markers; and the first-unstable-offset / LSO
//!   bookkeeping (`ongoingTxns`, `unreplicatedTxns`, `onHighWatermarkUpdated`).
//!
//! Reference: `ProducerStateManager` and KIP-98.

use crate::sim::codec::Codec;
use crate::sim::types::{Offset, TopicPartition};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};

/// A producer id (`long` in Kafka).
pub(crate) type ProducerId = i64;
/// A producer epoch (`short` in Kafka).
pub(crate) type ProducerEpoch = i16;

/// `RecordBatch.NO_PRODUCER_ID`.
pub(crate) const NO_PRODUCER_ID: ProducerId = -1;
/// `RecordBatch.NO_PRODUCER_EPOCH`.
pub(crate) const NO_PRODUCER_EPOCH: ProducerEpoch = -1;
/// `RecordBatch.NO_SEQUENCE`.
pub(crate) const NO_SEQUENCE: i32 = -1;
/// `RecordBatch.NO_TIMESTAMP`.
pub(crate) const NO_TIMESTAMP: i64 = -1;
/// `ProducerStateEntry.NUM_BATCHES_TO_RETAIN`.
pub(crate) const NUM_BATCHES_TO_RETAIN: usize = 5;

/// Mirrors `DefaultRecordBatch.incrementSequence`: `seq + increment`, wrapping past
/// `Integer.MAX_VALUE` to 0.
pub(crate) fn increment_sequence(sequence: i32, increment: i32) -> i32 {
    if sequence > i32::MAX - increment {
        increment - (i32::MAX - sequence) - 1
    } else {
        sequence + increment
    }
}

/// Mirrors `DefaultRecordBatch.decrementSequence`.
#[cfg(test)]
pub(crate) fn decrement_sequence(sequence: i32, decrement: i32) -> i32 {
    if sequence < decrement {
        i32::MAX.wrapping_sub(decrement.wrapping_sub(sequence)).wrapping_add(1)
    } else {
        sequence.wrapping_sub(decrement)
    }
}

/// Mirrors `org.apache.kafka.common.record.ControlRecordType` (the values that matter here).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) enum ControlRecordType {
    /// `ABORT = 0`.
    Abort,
    /// `COMMIT = 1`.
    Commit,
}

impl ControlRecordType {
    /// The type id written in the control record key.
    #[cfg(test)]
    pub(crate) fn id(self) -> i16 {
        match self {
            ControlRecordType::Abort => 0,
            ControlRecordType::Commit => 1,
        }
    }
}

/// A COMMIT/ABORT control batch written by the transaction coordinator: mirrors the fields of
/// `EndTransactionMarker` and its batch that `appendEndTxnMarker` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct TxnMarker {
    pub(crate) producer_id: ProducerId,
    pub producer_epoch: ProducerEpoch,
    pub(crate) control_type: ControlRecordType,
    /// The marker's offset in the log.
    pub offset: Offset,
    pub(crate) coordinator_epoch: i32,
    pub timestamp: i64,
}

/// Mirrors `org.apache.kafka.storage.internals.log.AppendOrigin`: how much validation is done.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) enum AppendOrigin {
    /// Replication to a follower: no sequence check; an old epoch only logs a warning.
    Replication,
    /// The group/transaction coordinator: epoch check only, no sequence check.
    Coordinator,
    /// A client produce request to the leader: full validation and duplicate detection.
    Client,
}

/// Mirrors `org.apache.kafka.storage.internals.log.BatchMetadata`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct BatchMetadata {
    pub(crate) first_seq: i32,
    pub(crate) last_seq: i32,
    pub(crate) first_offset: Offset,
    pub(crate) last_offset: Offset,
    pub timestamp: i64,
}

/// Mirrors `org.apache.kafka.storage.internals.log.ProducerStateEntry`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct ProducerStateEntry {
    pub(crate) producer_id: ProducerId,
    pub producer_epoch: ProducerEpoch,
    /// The last `NUM_BATCHES_TO_RETAIN` batches of the current epoch, oldest first.
    pub batches: VecDeque<BatchMetadata>,
    pub(crate) coordinator_epoch: i32,
    pub(crate) last_timestamp: i64,
    /// The first offset of the producer's open transaction on this partition.
    pub(crate) current_txn_first_offset: Option<Offset>,
}

impl ProducerStateEntry {
    /// `ProducerStateEntry.empty(producerId)`: no epoch, no batches.
    pub(crate) fn empty(producer_id: ProducerId) -> ProducerStateEntry {
        ProducerStateEntry {
            producer_id,
            producer_epoch: NO_PRODUCER_EPOCH,
            batches: VecDeque::new(),
            coordinator_epoch: -1,
            last_timestamp: NO_TIMESTAMP,
            current_txn_first_offset: None,
        }
    }

    /// `firstSeq()`: of the oldest retained batch, or `NO_SEQUENCE`.
    #[cfg(test)]
    pub(crate) fn first_seq(&self) -> i32 {
        self.batches.front().map(|b| b.first_seq).unwrap_or(NO_SEQUENCE)
    }

    /// `lastSeq()`: of the newest retained batch, or `NO_SEQUENCE`.
    pub(crate) fn last_seq(&self) -> i32 {
        self.batches.back().map(|b| b.last_seq).unwrap_or(NO_SEQUENCE)
    }

    /// `maybeUpdateProducerEpoch`: a new epoch clears the retained batches.
    fn maybe_update_producer_epoch(&mut self, epoch: ProducerEpoch) -> bool {
        if self.producer_epoch != epoch {
            self.batches.clear();
            self.producer_epoch = epoch;
            true
        } else {
            false
        }
    }

    fn add_batch(&mut self, epoch: ProducerEpoch, batch: BatchMetadata) {
        self.maybe_update_producer_epoch(epoch);
        if self.batches.len() == NUM_BATCHES_TO_RETAIN {
            self.batches.pop_front();
        }
        self.last_timestamp = batch.timestamp;
        self.batches.push_back(batch);
    }

    /// `findDuplicateBatch`: a retained batch of the same epoch with exactly this sequence range.
    pub(crate) fn find_duplicate_batch(
        &self,
        epoch: ProducerEpoch,
        first_seq: i32,
        last_seq: i32,
    ) -> Option<BatchMetadata> {
        if epoch != self.producer_epoch {
            return None;
        }
        self.batches.iter().find(|b| b.first_seq == first_seq && b.last_seq == last_seq).copied()
    }
}

/// A data batch as the producer state sees it (the fields of `RecordBatch` that matter).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct DataBatch {
    /// `NO_PRODUCER_ID` (-1) for a producer without idempotence: nothing is tracked.
    pub(crate) producer_id: ProducerId,
    pub producer_epoch: ProducerEpoch,
    /// `baseSequence()`.
    pub(crate) base_sequence: i32,
    /// Number of records (≥ 1); the last sequence and last offset follow from it.
    pub(crate) record_count: i32,
    pub(crate) is_transactional: bool,
    pub(crate) max_timestamp: i64,
}

impl DataBatch {
    /// `lastSequence()`: `incrementSequence(baseSequence, lastOffsetDelta)`.
    pub(crate) fn last_sequence(&self) -> i32 {
        if self.base_sequence == NO_SEQUENCE {
            return NO_SEQUENCE;
        }
        increment_sequence(self.base_sequence, self.record_count.max(1) - 1)
    }
}

/// The outcome of a data append that passed validation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) enum AppendOutcome {
    /// Write the batch at the offsets the log assigns.
    Append,
    /// The batch is one of the producer's last 5: do not write it; answer with the original
    /// offsets and no error.
    Duplicate { first_offset: Offset, last_offset: Offset },
}

/// The exceptions of `ProducerAppendInfo`, with Kafka's messages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) enum ProducerStateError {
    /// `OutOfOrderSequenceException`, error code 45 (`OUT_OF_ORDER_SEQUENCE_NUMBER`).
    OutOfOrderSequence(String),
    /// `InvalidProducerEpochException`, error code 47 (`INVALID_PRODUCER_EPOCH`).
    InvalidProducerEpoch(String),
    /// `InvalidTxnStateException`, error code 48 (`INVALID_TXN_STATE`).
    InvalidTxnState(String),
    /// `TransactionCoordinatorFencedException`, error code 52 (`TRANSACTION_COORDINATOR_FENCED`).
    TransactionCoordinatorFenced(String),
}

impl ProducerStateError {
    /// The Kafka error code.
    pub(crate) fn error_code(&self) -> i16 {
        match self {
            ProducerStateError::OutOfOrderSequence(_) => 45,
            ProducerStateError::InvalidProducerEpoch(_) => 47,
            ProducerStateError::InvalidTxnState(_) => 48,
            ProducerStateError::TransactionCoordinatorFenced(_) => 52,
        }
    }

    /// The exception message.
    pub(crate) fn message(&self) -> &str {
        match self {
            ProducerStateError::OutOfOrderSequence(m)
            | ProducerStateError::InvalidProducerEpoch(m)
            | ProducerStateError::InvalidTxnState(m)
            | ProducerStateError::TransactionCoordinatorFenced(m) => m,
        }
    }
}

/// Mirrors `TxnMetadata`: a transaction's first offset, and its marker offset once decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct TxnMetadata {
    pub(crate) producer_id: ProducerId,
    pub(crate) first_offset: Offset,
    pub(crate) last_offset: Option<Offset>,
}

/// Mirrors `CompletedTxn`: emitted by a marker that closes a non-empty transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct CompletedTxn {
    pub(crate) producer_id: ProducerId,
    pub(crate) first_offset: Offset,
    pub(crate) last_offset: Offset,
    pub(crate) is_aborted: bool,
}

/// Mirrors `org.apache.kafka.storage.internals.log.ProducerStateManager` for one partition
/// (without snapshots, expiration or KIP-890 verification).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct ProducerStateManager {
    topic_partition: TopicPartition,
    producers: BTreeMap<ProducerId, ProducerStateEntry>,
    /// Undecided transactions, by first offset.
    ongoing_txns: BTreeMap<Offset, TxnMetadata>,
    /// Decided transactions whose marker the HW has not passed yet, by first offset.
    unreplicated_txns: BTreeMap<Offset, TxnMetadata>,
}

impl ProducerStateManager {
    /// An empty manager for `topic_partition` (used in error messages).
    pub(crate) fn new(topic_partition: TopicPartition) -> ProducerStateManager {
        ProducerStateManager {
            topic_partition,
            producers: BTreeMap::new(),
            ongoing_txns: BTreeMap::new(),
            unreplicated_txns: BTreeMap::new(),
        }
    }

    /// What `UnifiedLog.lastRecordsOfActiveProducers` gives the cleaner: each producer's
    /// `ProducerStateEntry.lastDataOffset`, the last offset of its newest batch (producers with
    /// no data batch have none, and the cleaner keeps every control batch anyway).
    pub(crate) fn last_data_offsets(&self) -> BTreeMap<ProducerId, Offset> {
        self.producers.iter().filter_map(|(id, e)| e.batches.back().map(|b| (*id, b.last_offset))).collect()
    }

    /// `lastEntry(producerId)`.
    pub(crate) fn last_entry(&self, producer_id: ProducerId) -> Option<&ProducerStateEntry> {
        self.producers.get(&producer_id)
    }

    /// Appends as leader for a client produce request (`UnifiedLog.appendAsLeader`, origin
    /// CLIENT): duplicate check against the last 5 batches first, then full validation.
    /// `first_offset` is where the log would write the batch (its LEO).
    pub(crate) fn append_as_leader(
        &mut self,
        batch: &DataBatch,
        first_offset: Offset,
    ) -> Result<AppendOutcome, ProducerStateError> {
        if batch.producer_id != NO_PRODUCER_ID {
            if let Some(entry) = self.producers.get(&batch.producer_id) {
                if let Some(dup) =
                    entry.find_duplicate_batch(batch.producer_epoch, batch.base_sequence, batch.last_sequence())
                {
                    return Ok(AppendOutcome::Duplicate {
                        first_offset: dup.first_offset,
                        last_offset: dup.last_offset,
                    });
                }
            }
        }
        self.append_data(batch, first_offset, AppendOrigin::Client)
    }

    /// Appends as follower (`appendAsFollower`, origin REPLICATION): no sequence validation, an
    /// older epoch only warns. Can still fail with `InvalidTxnState`, as in Kafka.
    pub(crate) fn append_as_follower(
        &mut self,
        batch: &DataBatch,
        first_offset: Offset,
    ) -> Result<(), ProducerStateError> {
        self.append_data(batch, first_offset, AppendOrigin::Replication).map(|_| ())
    }

    /// Validates and records a data batch written at `first_offset` with the given origin, like
    /// `ProducerAppendInfo.appendDataBatch` (no duplicate check: that is `UnifiedLog`'s, see
    /// [`Self::append_as_leader`]). Batches without a producer id are accepted and not tracked.
    pub(crate) fn append_data(
        &mut self,
        batch: &DataBatch,
        first_offset: Offset,
        origin: AppendOrigin,
    ) -> Result<AppendOutcome, ProducerStateError> {
        if batch.producer_id == NO_PRODUCER_ID {
            return Ok(AppendOutcome::Append);
        }
        let pid = batch.producer_id;
        let epoch = batch.producer_epoch;
        let first_seq = batch.base_sequence;
        let last_seq = batch.last_sequence();
        let last_offset = first_offset.saturating_add(i64::from(batch.record_count.max(1) - 1));
        let current = self.producers.get(&pid).cloned().unwrap_or_else(|| ProducerStateEntry::empty(pid));
        self.check_producer_epoch(&current, epoch, first_offset, origin)?;
        if origin == AppendOrigin::Client {
            self.check_sequence(&current, epoch, first_seq, first_offset)?;
        }
        let mut updated = current;
        updated.add_batch(
            epoch,
            BatchMetadata { first_seq, last_seq, first_offset, last_offset, timestamp: batch.max_timestamp },
        );
        match (updated.current_txn_first_offset, batch.is_transactional) {
            (Some(_), false) => {
                return Err(ProducerStateError::InvalidTxnState(format!(
                    "Expected transactional write from producer {} at offset {} in partition {}",
                    pid,
                    log_offset_metadata(first_offset),
                    self.topic_partition
                )));
            }
            (None, true) => {
                updated.current_txn_first_offset = Some(first_offset);
                self.ongoing_txns
                    .insert(first_offset, TxnMetadata { producer_id: pid, first_offset, last_offset: None });
            }
            _ => {}
        }
        self.producers.insert(pid, updated);
        Ok(AppendOutcome::Append)
    }

    fn check_producer_epoch(
        &self,
        current: &ProducerStateEntry,
        epoch: ProducerEpoch,
        offset: Offset,
        origin: AppendOrigin,
    ) -> Result<(), ProducerStateError> {
        if epoch < current.producer_epoch && origin != AppendOrigin::Replication {
            return Err(ProducerStateError::InvalidProducerEpoch(format!(
                "Epoch of producer {} at offset {} in {} is {}, which is smaller than the last seen epoch {}",
                current.producer_id, offset, self.topic_partition, epoch, current.producer_epoch
            )));
        }
        Ok(())
    }

    fn check_sequence(
        &self,
        current: &ProducerStateEntry,
        epoch: ProducerEpoch,
        first_seq: i32,
        offset: Offset,
    ) -> Result<(), ProducerStateError> {
        let pid = current.producer_id;
        if epoch != current.producer_epoch {
            if first_seq != 0 && current.producer_epoch != NO_PRODUCER_EPOCH {
                // Kafka's message lacks a space before "at offset".
                return Err(ProducerStateError::OutOfOrderSequence(format!(
                    "Invalid sequence number for new epoch of producer {}at offset {} in partition {}: {} (request epoch), {} (seq. number), {} (current producer epoch)",
                    pid, offset, self.topic_partition, epoch, first_seq, current.producer_epoch
                )));
            }
        } else {
            let current_last_seq = current.last_seq();
            let in_sequence = i64::from(first_seq) == i64::from(current_last_seq) + 1
                || (first_seq == 0 && current_last_seq == i32::MAX);
            if !(current.producer_epoch == NO_PRODUCER_EPOCH || in_sequence) {
                return Err(ProducerStateError::OutOfOrderSequence(format!(
                    "Out of order sequence number for producer {} at offset {} in partition {}: {} (incoming seq. number), {} (current end sequence number)",
                    pid, offset, self.topic_partition, first_seq, current_last_seq
                )));
            }
        }
        Ok(())
    }

    /// Appends a COMMIT or ABORT marker (`appendEndTxnMarker`). Checks the producer epoch (a
    /// warning only for replication) and the coordinator epoch; a higher epoch bumps the stored
    /// epoch and clears the retained batches (sequence back to `NO_SEQUENCE`). Closes the
    /// producer's open transaction: the transaction stops being undecided, and stays unstable
    /// until the HW passes the marker. Returns the completed transaction, if it had data here.
    pub(crate) fn append_txn_marker(
        &mut self,
        marker: &TxnMarker,
        origin: AppendOrigin,
    ) -> Result<Option<CompletedTxn>, ProducerStateError> {
        let TxnMarker { producer_id, producer_epoch, control_type, offset, coordinator_epoch, timestamp } = *marker;
        let current =
            self.producers.get(&producer_id).cloned().unwrap_or_else(|| ProducerStateEntry::empty(producer_id));
        self.check_producer_epoch(&current, producer_epoch, offset, origin)?;
        if current.coordinator_epoch > coordinator_epoch && origin != AppendOrigin::Replication {
            return Err(ProducerStateError::TransactionCoordinatorFenced(format!(
                "Invalid coordinator epoch for producerId {} at offset {} in partition {}: {} (zombie), {} (current)",
                producer_id, offset, self.topic_partition, coordinator_epoch, current.coordinator_epoch
            )));
        }
        let completed = current.current_txn_first_offset.map(|first| CompletedTxn {
            producer_id,
            first_offset: first,
            last_offset: offset,
            is_aborted: control_type == ControlRecordType::Abort,
        });
        let mut updated = current;
        updated.maybe_update_producer_epoch(producer_epoch);
        updated.coordinator_epoch = coordinator_epoch;
        updated.last_timestamp = timestamp;
        updated.current_txn_first_offset = None;
        self.producers.insert(producer_id, updated);
        if let Some(txn) = completed {
            self.complete_txn(txn);
        }
        Ok(completed)
    }

    /// `completeTxn`: the transaction leaves `ongoingTxns` and waits in `unreplicatedTxns`.
    fn complete_txn(&mut self, txn: CompletedTxn) {
        let mut meta = self.ongoing_txns.remove(&txn.first_offset).unwrap_or(TxnMetadata {
            producer_id: txn.producer_id,
            first_offset: txn.first_offset,
            last_offset: None,
        });
        meta.last_offset = Some(txn.last_offset);
        self.unreplicated_txns.insert(txn.first_offset, meta);
    }

    /// `onHighWatermarkUpdated(highWatermark)`: decided transactions whose marker is below the
    /// HW stop counting as unstable.
    pub(crate) fn on_high_watermark_updated(&mut self, high_watermark: Offset) {
        self.unreplicated_txns.retain(|_, t| !matches!(t.last_offset, Some(last) if last < high_watermark));
    }

    /// `firstUndecidedOffset()`: the first offset of the earliest open transaction.
    pub(crate) fn first_undecided_offset(&self) -> Option<Offset> {
        self.ongoing_txns.keys().next().copied()
    }

    /// `firstUnstableOffset()`: the earlier of the first undecided offset and the first offset
    /// of a decided transaction whose marker the HW has not passed.
    pub(crate) fn first_unstable_offset(&self) -> Option<Offset> {
        let unreplicated = self.unreplicated_txns.keys().next().copied();
        let undecided = self.first_undecided_offset();
        match (unreplicated, undecided) {
            (None, u) => u,
            (r, None) => r,
            (Some(r), Some(u)) => Some(r.min(u)),
        }
    }

    /// `UnifiedLog.lastStableOffset`: the first unstable offset if it is below the HW, else HW.
    pub(crate) fn last_stable_offset(&self, high_watermark: Offset) -> Offset {
        match self.first_unstable_offset() {
            Some(o) if o < high_watermark => o,
            _ => high_watermark,
        }
    }
}

/// Kafka prints the first offset of a batch as `LogOffsetMetadata.toString()` in the
/// `InvalidTxnStateException` message.
fn log_offset_metadata(offset: Offset) -> String {
    format!("(offset={}segment=[-1:-1])", offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PID: ProducerId = 1;

    fn marker(
        pid: ProducerId,
        epoch: ProducerEpoch,
        control_type: ControlRecordType,
        offset: Offset,
        coordinator_epoch: i32,
        timestamp: i64,
    ) -> TxnMarker {
        TxnMarker { producer_id: pid, producer_epoch: epoch, control_type, offset, coordinator_epoch, timestamp }
    }

    fn mgr() -> ProducerStateManager {
        ProducerStateManager::new(TopicPartition::new("topic", 0))
    }

    fn batch(epoch: ProducerEpoch, seq: i32, count: i32, txn: bool) -> DataBatch {
        DataBatch {
            producer_id: PID,
            producer_epoch: epoch,
            base_sequence: seq,
            record_count: count,
            is_transactional: txn,
            max_timestamp: 0,
        }
    }

    fn is_out_of_order<T: std::fmt::Debug>(r: Result<T, ProducerStateError>) -> bool {
        matches!(r, Err(ProducerStateError::OutOfOrderSequence(_)))
    }

    fn is_invalid_epoch<T: std::fmt::Debug>(r: Result<T, ProducerStateError>) -> bool {
        matches!(r, Err(ProducerStateError::InvalidProducerEpoch(_)))
    }

    // ProducerStateManagerTest.testBasicIdMapping (every step).
    #[test]
    fn basic_id_mapping() {
        let mut m = mgr();
        assert_eq!(m.append_data(&batch(0, 0, 1, false), 0, AppendOrigin::Client), Ok(AppendOutcome::Append));
        assert_eq!(m.append_data(&batch(0, 1, 1, false), 1, AppendOrigin::Client), Ok(AppendOutcome::Append));
        // At the state-manager level (no duplicate check) seq 1 again is out of order; through
        // append_as_leader it is a duplicate (UnifiedLog catches it first).
        assert!(is_out_of_order(m.append_data(&batch(0, 1, 1, false), 2, AppendOrigin::Client)));
        assert_eq!(
            m.append_as_leader(&batch(0, 1, 1, false), 2),
            Ok(AppendOutcome::Duplicate { first_offset: 1, last_offset: 1 })
        );
        let err = m.append_data(&batch(0, 5, 1, false), 2, AppendOrigin::Client).unwrap_err();
        assert_eq!(
            err.message(),
            "Out of order sequence number for producer 1 at offset 2 in partition topic-0: 5 (incoming seq. number), 1 (current end sequence number)"
        );
        assert_eq!(err.error_code(), 45);
        assert_eq!(m.append_data(&batch(1, 0, 1, false), 2, AppendOrigin::Client), Ok(AppendOutcome::Append));
        let err = m.append_data(&batch(0, 2, 1, false), 3, AppendOrigin::Client).unwrap_err();
        assert_eq!(
            err,
            ProducerStateError::InvalidProducerEpoch(
                "Epoch of producer 1 at offset 3 in topic-0 is 0, which is smaller than the last seen epoch 1"
                    .to_string()
            )
        );
        assert_eq!(err.error_code(), 47);
    }

    // `ProducerStateManagerTest.testProducerSequenceWrapAround`.
    #[test]
    fn producer_sequence_wrap_around() {
        let mut m = mgr();
        m.append_as_follower(&batch(15, i32::MAX, 1, false), 100).unwrap();
        assert_eq!(m.append_as_leader(&batch(15, 0, 1, false), 101), Ok(AppendOutcome::Append));
        let e = m.last_entry(PID).unwrap();
        assert_eq!((e.first_seq(), e.last_seq()), (i32::MAX, 0), "ProducerStateEntry firstSeq MAX, lastSeq 0");
        assert_eq!(e.producer_epoch, 15);
    }

    // `ProducerStateManagerTest.testProducerSequenceInvalidWrapAround`.
    #[test]
    fn producer_sequence_invalid_wrap_around() {
        let mut m = mgr();
        m.append_as_follower(&batch(15, i32::MAX, 1, false), 100).unwrap();
        assert!(is_out_of_order(m.append_as_leader(&batch(15, 1, 1, false), 101)));
    }

    // `ProducerStateManagerTest.testNoValidationOnFirstEntryWhenLoadingLog`.
    #[test]
    fn no_validation_on_first_entry_when_loading_log() {
        let mut m = mgr();
        m.append_as_follower(&batch(5, 16, 1, false), 735).unwrap();
        let e = m.last_entry(PID).unwrap();
        assert_eq!((e.producer_epoch, e.first_seq(), e.last_seq()), (5, 16, 16));
        assert_eq!(e.batches.back().unwrap().last_offset, 735);
        // The first client append of an unknown producer is also accepted with any sequence.
        let mut m2 = mgr();
        assert_eq!(m2.append_as_leader(&batch(0, 42, 1, false), 0), Ok(AppendOutcome::Append));
        // Replication only warns about an older epoch.
        assert_eq!(m.append_as_follower(&batch(3, 99, 1, false), 736), Ok(()));
    }

    // `ProducerStateManagerTest.testAppendTxnMarkerWithNoProducerState`.
    #[test]
    fn append_txn_marker_with_no_producer_state() {
        let mut m = mgr();
        let completed = m
            .append_txn_marker(&marker(PID, 2, ControlRecordType::Commit, 27, 0, 0), AppendOrigin::Coordinator)
            .unwrap();
        assert_eq!(completed, None, "an empty transaction completes nothing");
        let e = m.last_entry(PID).unwrap();
        assert_eq!((e.producer_epoch, e.last_seq()), (2, -1));
        assert!(is_invalid_epoch(m.append_as_leader(&batch(0, 0, 1, false), 28)));
        assert!(is_out_of_order(m.append_as_leader(&batch(2, 17, 1, false), 28)));
        assert_eq!(m.append_as_leader(&batch(2, 0, 1, false), 28), Ok(AppendOutcome::Append));
        assert_eq!(m.last_entry(PID).unwrap().last_seq(), 0);
    }

    // `ProducerStateManagerTest.testControlRecordBumpsProducerEpoch`.
    #[test]
    fn control_record_bumps_producer_epoch() {
        let mut m = mgr();
        m.append_as_leader(&batch(0, 0, 1, false), 0).unwrap();
        m.append_txn_marker(&marker(PID, 1, ControlRecordType::Abort, 1, 0, 0), AppendOrigin::Coordinator).unwrap();
        let e = m.last_entry(PID).unwrap();
        assert_eq!((e.producer_epoch, e.first_seq(), e.last_seq()), (1, -1, -1));
        assert_eq!(m.append_as_leader(&batch(1, 0, 1, false), 2), Ok(AppendOutcome::Append));
    }

    // `ProducerStateManagerTest.testOutOfSequenceAfterControlRecordEpochBump`.
    #[test]
    fn out_of_sequence_after_control_record_epoch_bump() {
        let mut m = mgr();
        m.append_as_leader(&batch(0, 0, 1, true), 0).unwrap();
        m.append_as_leader(&batch(0, 1, 1, true), 1).unwrap();
        m.append_txn_marker(&marker(PID, 1, ControlRecordType::Abort, 2, 0, 0), AppendOrigin::Coordinator).unwrap();
        assert!(is_out_of_order(m.append_as_leader(&batch(1, 2, 1, true), 3)));
        let err = m.append_as_leader(&batch(2, 2, 1, true), 3).unwrap_err();
        assert_eq!(
            err.message(),
            "Invalid sequence number for new epoch of producer 1at offset 3 in partition topic-0: 2 (request epoch), 2 (seq. number), 1 (current producer epoch)"
        );
        assert_eq!(m.append_as_leader(&batch(1, 0, 1, true), 3), Ok(AppendOutcome::Append));
    }

    // `ProducerStateManagerTest.testNonTransactionalAppendWithOngoingTransaction`.
    #[test]
    fn non_transactional_append_with_ongoing_transaction() {
        let mut m = mgr();
        m.append_as_leader(&batch(0, 0, 1, true), 0).unwrap();
        let err = m.append_as_leader(&batch(0, 1, 1, false), 1).unwrap_err();
        assert!(matches!(err, ProducerStateError::InvalidTxnState(_)));
        assert_eq!(err.error_code(), 48);
        assert_eq!(m.last_entry(PID).unwrap().last_seq(), 0, "a rejected append changes nothing");
    }

    /// A tiny log that assigns offsets, as `UnifiedLog.appendAsLeader` would.
    struct TinyLog {
        leo: Offset,
        state: ProducerStateManager,
    }

    impl TinyLog {
        fn append(&mut self, seq: i32, count: i32) -> Result<(Offset, Offset), ProducerStateError> {
            match self.state.append_as_leader(&batch(0, seq, count, false), self.leo)? {
                AppendOutcome::Duplicate { first_offset, last_offset } => Ok((first_offset, last_offset)),
                AppendOutcome::Append => {
                    let first = self.leo;
                    self.leo += i64::from(count);
                    Ok((first, self.leo - 1))
                }
            }
        }
    }

    // UnifiedLogTest.testDuplicateAppends, every step.
    #[test]
    fn duplicate_appends() {
        let mut log = TinyLog { leo: 0, state: mgr() };
        for seq in 0..6 {
            assert_eq!(log.append(seq, 1), Ok((i64::from(seq), i64::from(seq))), "steps 1–6 seq {}", seq);
        }
        assert_eq!(log.append(6, 3), Ok((6, 8)), "step 7");
        assert_eq!(log.append(6, 3), Ok((6, 8)), "step 8: same offsets, nothing appended");
        assert_eq!(log.leo, 9);
        assert!(is_out_of_order(log.append(7, 2)), "step 9: partial overlap");
        assert_eq!(log.append(2, 1), Ok((2, 2)), "step 10: still among the last 5 batches");
        assert!(is_out_of_order(log.append(1, 1)), "step 11: older than the last 5 batches");
        let first = log.append(9, 1).unwrap();
        assert_eq!(first, (9, 9));
        assert_eq!(log.append(9, 1), Ok(first), "step 12: same offset as the first");
        assert_eq!(log.leo, 10);
    }

    // ProducerStateManagerTest.testFirstUnstableOffset (every row).
    #[test]
    fn first_unstable_offset_progression() {
        let mut m = mgr();
        let mut hw: Offset = 0;
        let pid2: ProducerId = 2;
        assert_eq!(
            (m.first_undecided_offset(), m.first_unstable_offset(), m.last_stable_offset(hw)),
            (None, None, 0),
            "start"
        );
        m.append_data(&DataBatch { producer_id: PID, ..batch(5, 0, 1, true) }, 99, AppendOrigin::Client).unwrap();
        assert_eq!((m.first_undecided_offset(), m.first_unstable_offset()), (Some(99), Some(99)), "pid1 txn at 99");
        assert_eq!(m.last_stable_offset(100), 99, "LSO = min(firstUnstable, HW)");
        m.append_data(&DataBatch { producer_id: pid2, ..batch(5, 0, 1, true) }, 105, AppendOrigin::Client).unwrap();
        assert_eq!((m.first_undecided_offset(), m.first_unstable_offset()), (Some(99), Some(99)), "pid2 txn at 105");
        m.append_txn_marker(&marker(PID, 5, ControlRecordType::Commit, 109, 0, 0), AppendOrigin::Coordinator).unwrap();
        assert_eq!(
            (m.first_undecided_offset(), m.first_unstable_offset()),
            (Some(105), Some(99)),
            "COMMIT pid1 at 109"
        );
        hw = 100;
        m.on_high_watermark_updated(hw);
        assert_eq!(
            (m.first_undecided_offset(), m.first_unstable_offset(), m.last_stable_offset(hw)),
            (Some(105), Some(99), 99),
            "HW 100"
        );
        hw = 110;
        m.on_high_watermark_updated(hw);
        assert_eq!(
            (m.first_undecided_offset(), m.first_unstable_offset(), m.last_stable_offset(hw)),
            (Some(105), Some(105), 105),
            "HW 110"
        );
        m.append_txn_marker(&marker(pid2, 5, ControlRecordType::Abort, 112, 0, 0), AppendOrigin::Coordinator).unwrap();
        assert_eq!(
            (m.first_undecided_offset(), m.first_unstable_offset(), m.last_stable_offset(hw)),
            (None, Some(105), 105),
            "ABORT pid2 at 112"
        );
        hw = 113;
        m.on_high_watermark_updated(hw);
        assert_eq!(
            (m.first_undecided_offset(), m.first_unstable_offset(), m.last_stable_offset(hw)),
            (None, None, 113),
            "HW 113"
        );
    }

    // UnifiedLogTest.testLastStableOffsetWithMixedProducerData.
    #[test]
    fn last_stable_offset_with_mixed_producer_data() {
        let mut m = mgr();
        let pid2: ProducerId = 2;
        m.append_data(&DataBatch { producer_id: PID, ..batch(0, 0, 3, true) }, 0, AppendOrigin::Client).unwrap();
        // Non-transactional g,h,i at 3–5 from another idempotent producer.
        m.append_data(&DataBatch { producer_id: 3, ..batch(0, 0, 3, false) }, 3, AppendOrigin::Client).unwrap();
        m.append_data(&DataBatch { producer_id: pid2, ..batch(0, 0, 3, true) }, 6, AppendOrigin::Client).unwrap();
        assert_eq!(m.first_unstable_offset(), Some(0));
        m.append_txn_marker(&marker(PID, 0, ControlRecordType::Abort, 9, 0, 0), AppendOrigin::Coordinator).unwrap();
        m.on_high_watermark_updated(10);
        assert_eq!(m.first_unstable_offset(), Some(6));
        assert_eq!(m.last_stable_offset(10), 6);
        m.append_txn_marker(&marker(pid2, 0, ControlRecordType::Commit, 10, 0, 0), AppendOrigin::Coordinator).unwrap();
        m.on_high_watermark_updated(11);
        assert_eq!(m.first_unstable_offset(), None);
        assert_eq!(m.last_stable_offset(11), 11);
    }

    // UnifiedLogTest.testFirstUnstableOffsetWithTransactionalData.
    #[test]
    fn first_unstable_offset_unchanged_until_hw_passes_commit() {
        let mut m = mgr();
        m.append_as_leader(&batch(0, 0, 2, true), 0).unwrap();
        m.append_as_leader(&batch(0, 2, 2, true), 2).unwrap();
        m.on_high_watermark_updated(4);
        assert_eq!(m.first_unstable_offset(), Some(0));
        let commit_offset = 4;
        let done = m
            .append_txn_marker(
                &marker(PID, 0, ControlRecordType::Commit, commit_offset, 0, 0),
                AppendOrigin::Coordinator,
            )
            .unwrap();
        assert_eq!(done, Some(CompletedTxn { producer_id: PID, first_offset: 0, last_offset: 4, is_aborted: false }));
        assert_eq!(m.first_unstable_offset(), Some(0), "unchanged after the COMMIT marker");
        m.on_high_watermark_updated(commit_offset);
        assert_eq!(m.first_unstable_offset(), Some(0), "HW at the marker does not pass it");
        m.on_high_watermark_updated(commit_offset + 1);
        assert_eq!(m.first_unstable_offset(), None, "decided once HW = commitOffset + 1");
    }

    #[test]
    fn coordinator_epoch_fencing_and_untracked_producers() {
        let mut m = mgr();
        m.append_txn_marker(&marker(PID, 0, ControlRecordType::Commit, 0, 5, 0), AppendOrigin::Coordinator).unwrap();
        let err = m
            .append_txn_marker(&marker(PID, 0, ControlRecordType::Abort, 1, 4, 0), AppendOrigin::Coordinator)
            .unwrap_err();
        assert_eq!(err.error_code(), 52);
        assert!(m
            .append_txn_marker(&marker(PID, 0, ControlRecordType::Abort, 1, 4, 0), AppendOrigin::Replication)
            .is_ok());
        assert!(m
            .append_txn_marker(&marker(PID, 0, ControlRecordType::Commit, 3, 5, 0), AppendOrigin::Coordinator)
            .unwrap()
            .is_none());
        let plain = DataBatch { producer_id: NO_PRODUCER_ID, ..batch(-1, -1, 3, false) };
        assert_eq!(m.append_as_leader(&plain, 4), Ok(AppendOutcome::Append));
        assert_eq!(increment_sequence(i32::MAX, 1), 0);
        assert_eq!(decrement_sequence(0, 1), i32::MAX);
        assert_eq!(ControlRecordType::Commit.id(), 1);
    }

    #[test]
    fn types_are_serde() {
        fn assert_serde<T: Serialize + for<'de> Deserialize<'de>>() {}
        assert_serde::<ProducerStateManager>();
        assert_serde::<ProducerStateEntry>();
        assert_serde::<ProducerStateError>();
    }
}
