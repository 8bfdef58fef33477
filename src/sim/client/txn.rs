//! The transactional side of the producer (`TransactionManager`, KIP-98):
//! initTransactions, beginTransaction, adding partitions before writing to them
//! (AddPartitionsToTxn), sendOffsetsToTransaction (AddOffsetsToTxn + TxnOffsetCommit to the
//! group coordinator), commitTransaction (flush, then EndTxn) and abortTransaction.
//! PRODUCER_FENCED and INVALID_PRODUCER_EPOCH are fatal: a newer instance took over.

use super::ClientMetadata;
use crate::sim::client::timer::{ClientOut, ClientTimer};
use crate::sim::codec::Codec;
use crate::sim::errors::{ApiError, KafkaError};
use crate::sim::node::CorrIds;
use crate::sim::protocol::{Request, Response};
use crate::sim::time::SimTime;
use crate::sim::trace::TraceKind;
use crate::sim::types::{BrokerId, NodeAddr, Offset, TopicPartition};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// `TransactionManager.State`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub enum TxnClientState {
    Uninitialized,
    Initializing,
    Ready,
    InTransaction,
    CommittingTransaction,
    AbortingTransaction,
    AbortableError,
    FatalError,
}

/// The producer's id and epoch (`ProducerIdAndEpoch`), which the transaction's requests carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ProducerIdAndEpoch {
    pub(crate) producer_id: i64,
    pub(crate) epoch: i16,
}

impl TxnClientState {
    pub(crate) fn name(self) -> &'static str {
        match self {
            TxnClientState::Uninitialized => "UNINITIALIZED",
            TxnClientState::Initializing => "INITIALIZING",
            TxnClientState::Ready => "READY",
            TxnClientState::InTransaction => "IN_TRANSACTION",
            TxnClientState::CommittingTransaction => "COMMITTING_TRANSACTION",
            TxnClientState::AbortingTransaction => "ABORTING_TRANSACTION",
            TxnClientState::AbortableError => "ABORTABLE_ERROR",
            TxnClientState::FatalError => "FATAL_ERROR",
        }
    }
}

/// sendOffsetsToTransaction in progress.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
struct PendingOffsets {
    group: String,
    offsets: Vec<(TopicPartition, Offset)>,
    added: bool,
    group_coordinator: Option<BrokerId>,
    /// The consumer's `groupMetadata()` (KIP-447): its generation (member epoch) and member id,
    /// which the group coordinator checks so that a zombie of an older generation is fenced.
    /// -1 and "" without it (the old `sendOffsetsToTransaction(offsets, groupId)`).
    #[serde(default = "no_generation")]
    generation: i32,
    #[serde(default)]
    member_id: String,
}

fn no_generation() -> i32 {
    -1
}

/// `ConsumerGroupMetadata`: what `KafkaConsumer.groupMetadata()` returns for
/// `sendOffsetsToTransaction` (KIP-447).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupMetadata {
    pub group_id: String,
    pub generation: i32,
    pub member_id: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub struct ProducerTxn {
    pub(crate) transactional_id: String,
    pub coordinator: Option<BrokerId>,
    find_inflight: Option<u64>,
    find_backoff: SimTime,
    pub state: TxnClientState,
    pub(crate) fatal: Option<KafkaError>,
    pub(crate) added: BTreeSet<TopicPartition>,
    /// `TransactionManager.transactionStarted`: a partition or the group's offsets were added
    /// to the transaction, so the coordinator has it and EndTxn must be sent.
    transaction_started: bool,
    to_add: BTreeSet<TopicPartition>,
    add_inflight: Option<(u64, Vec<TopicPartition>)>,
    offsets: Option<PendingOffsets>,
    offsets_inflight: Option<u64>,
    group_find_inflight: Option<u64>,
    end_inflight: Option<u64>,
    retry_at: SimTime,
    /// The outcome of the last application call (init, sendOffsets, commit, abort).
    pub result: Option<(String, Result<(), ApiError>)>,
    pid: i64,
    epoch: i16,
}

impl ProducerTxn {
    pub(crate) fn new(transactional_id: String) -> ProducerTxn {
        ProducerTxn {
            transactional_id,
            coordinator: None,
            find_inflight: None,
            find_backoff: SimTime::ZERO,
            state: TxnClientState::Uninitialized,
            fatal: None,
            added: BTreeSet::new(),
            transaction_started: false,
            to_add: BTreeSet::new(),
            add_inflight: None,
            offsets: None,
            offsets_inflight: None,
            group_find_inflight: None,
            end_inflight: None,
            retry_at: SimTime::ZERO,
            result: None,
            pid: -1,
            epoch: -1,
        }
    }

    fn illegal(&self, what: &str) -> ApiError {
        ApiError::with(KafkaError::INVALID_TXN_STATE, format!("Cannot {what} in state {}", self.state.name()))
    }

    // ---------------- the application's calls ----------------

    /// `initTransactions()`.
    pub fn init(&mut self) -> Result<(), ApiError> {
        match self.state {
            TxnClientState::Uninitialized | TxnClientState::Ready => {
                self.state = TxnClientState::Initializing;
                self.result = None;
                Ok(())
            }
            _ => Err(self.illegal("call initTransactions")),
        }
    }

    /// `beginTransaction()` (local only).
    pub fn begin(&mut self) -> Result<(), ApiError> {
        if self.state != TxnClientState::Ready {
            return Err(self.illegal("call beginTransaction"));
        }
        self.state = TxnClientState::InTransaction;
        self.added.clear();
        self.transaction_started = false;
        Ok(())
    }

    /// Whether `send()` is allowed now.
    pub(crate) fn can_send(&self) -> Result<(), ApiError> {
        match self.state {
            TxnClientState::InTransaction => Ok(()),
            TxnClientState::FatalError => Err(ApiError::new(self.fatal.unwrap_or(KafkaError::PRODUCER_FENCED))),
            TxnClientState::Uninitialized | TxnClientState::Initializing => Err(ApiError::with(
                KafkaError::INVALID_TXN_STATE,
                "Cannot perform a 'send' before completing a call to initTransactions when transactions are enabled.",
            )),
            _ => Err(self.illegal("call send")),
        }
    }

    /// `sendOffsetsToTransaction(offsets, groupMetadata)`.
    pub fn send_offsets(&mut self, group: String, offsets: Vec<(TopicPartition, Offset)>) -> Result<(), ApiError> {
        if self.state != TxnClientState::InTransaction {
            return Err(self.illegal("send offsets"));
        }
        self.result = None;
        self.offsets = Some(PendingOffsets {
            group,
            offsets,
            added: false,
            group_coordinator: None,
            generation: -1,
            member_id: String::new(),
        });
        Ok(())
    }

    /// `sendOffsetsToTransaction(offsets, consumer.groupMetadata())` (KIP-447): the
    /// TxnOffsetCommit carries the member's generation and id, so the group coordinator refuses
    /// it (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID) once the group has moved on without it.
    pub fn send_offsets_with_metadata(
        &mut self,
        meta: GroupMetadata,
        offsets: Vec<(TopicPartition, Offset)>,
    ) -> Result<(), ApiError> {
        self.send_offsets(meta.group_id, offsets)?;
        if let Some(po) = &mut self.offsets {
            po.generation = meta.generation;
            po.member_id = meta.member_id;
        }
        Ok(())
    }

    /// `commitTransaction()`: the producer flushes, then EndTxn(commit).
    pub fn commit(&mut self) -> Result<(), ApiError> {
        if self.state != TxnClientState::InTransaction {
            return Err(self.illegal("commit transaction"));
        }
        self.result = None;
        self.state = TxnClientState::CommittingTransaction;
        Ok(())
    }

    /// `abortTransaction()`.
    pub fn abort(&mut self) -> Result<(), ApiError> {
        match self.state {
            TxnClientState::InTransaction | TxnClientState::AbortableError => {
                self.result = None;
                self.state = TxnClientState::AbortingTransaction;
                Ok(())
            }
            _ => Err(self.illegal("abort transaction")),
        }
    }

    // ---------------- hooks used by the producer ----------------

    pub(crate) fn on_init(&mut self, pid: i64, epoch: i16) {
        self.pid = pid;
        self.epoch = epoch;
        if self.state == TxnClientState::Initializing {
            self.state = TxnClientState::Ready;
            self.result = Some(("initTransactions".into(), Ok(())));
        }
    }

    /// A batch of the transaction may only be sent once its partition is added.
    pub(crate) fn partition_added(&self, tp: &TopicPartition) -> bool {
        self.added.contains(tp)
    }

    pub(crate) fn want_partition(&mut self, tp: &TopicPartition) {
        if !self.added.contains(tp)
            && matches!(self.state, TxnClientState::InTransaction | TxnClientState::CommittingTransaction)
        {
            self.to_add.insert(tp.clone());
        }
    }

    pub(crate) fn can_send_partitions(&self) -> bool {
        !matches!(self.state, TxnClientState::Uninitialized | TxnClientState::Initializing | TxnClientState::FatalError)
    }

    /// Whether queued, unsent batches must be dropped (an abort in progress).
    pub(crate) fn aborting(&self) -> bool {
        self.state == TxnClientState::AbortingTransaction
    }

    pub(crate) fn find_coordinator(
        &mut self,
        now: SimTime,
        meta: &mut ClientMetadata,
        corr: &mut CorrIds,
        out: &mut ClientOut,
    ) {
        if self.find_inflight.is_some() {
            return;
        }
        if now < self.find_backoff {
            out.timer(self.find_backoff, ClientTimer::ClientWake);
            return;
        }
        let Some(node) = meta.pick_node() else { return };
        let c = corr.next_id();
        self.find_inflight = Some(c);
        out.request(node, c, Request::FindCoordinator { key: self.transactional_id.clone(), transaction: true });
        out.timer(now.plus_ms(30_000), ClientTimer::RequestTimeout(c));
    }

    fn fail_fatal(&mut self, e: KafkaError, out: &mut ClientOut) {
        self.state = TxnClientState::FatalError;
        self.fatal = Some(e);
        out.trace(TraceKind::TransactionState {
            transactional_id: self.transactional_id.clone(),
            state: format!("FATAL_ERROR ({})", e.exception()),
        });
    }

    /// Sends what the transaction needs next. `idle`: nothing of the producer is queued or in
    /// flight (a commit may go out).
    pub(crate) fn poll(
        &mut self,
        now: SimTime,
        meta: &mut ClientMetadata,
        corr: &mut CorrIds,
        producer: ProducerIdAndEpoch,
        idle: bool,
        out: &mut ClientOut,
    ) {
        let ProducerIdAndEpoch { producer_id: pid, epoch } = producer;
        if self.state == TxnClientState::FatalError {
            return;
        }
        if now < self.retry_at {
            out.timer(self.retry_at, ClientTimer::ClientWake);
            return;
        }
        let Some(coord) = self.coordinator else {
            if matches!(
                self.state,
                TxnClientState::InTransaction
                    | TxnClientState::CommittingTransaction
                    | TxnClientState::AbortingTransaction
            ) {
                self.find_coordinator(now, meta, corr, out);
            }
            return;
        };
        let to = NodeAddr::Broker(coord);
        // AddPartitionsToTxn for partitions the application wrote to.
        if self.add_inflight.is_none() && !self.to_add.is_empty() && pid >= 0 {
            let parts: Vec<TopicPartition> = std::mem::take(&mut self.to_add).into_iter().collect();
            let c = corr.next_id();
            self.add_inflight = Some((c, parts.clone()));
            out.request(
                to,
                c,
                Request::AddPartitionsToTxn {
                    transactional_id: self.transactional_id.clone(),
                    producer_id: pid,
                    producer_epoch: epoch,
                    partitions: parts,
                },
            );
            out.timer(now.plus_ms(30_000), ClientTimer::RequestTimeout(c));
        }
        // sendOffsetsToTransaction: AddOffsetsToTxn, then TxnOffsetCommit to the group's coordinator.
        if let Some(po) = &self.offsets {
            if self.offsets_inflight.is_none() && self.group_find_inflight.is_none() {
                if !po.added {
                    let c = corr.next_id();
                    self.offsets_inflight = Some(c);
                    out.request(
                        to,
                        c,
                        Request::AddOffsetsToTxn {
                            transactional_id: self.transactional_id.clone(),
                            producer_id: pid,
                            producer_epoch: epoch,
                            group: po.group.clone(),
                        },
                    );
                    out.timer(now.plus_ms(30_000), ClientTimer::RequestTimeout(c));
                } else if let Some(gc) = po.group_coordinator {
                    let c = corr.next_id();
                    self.offsets_inflight = Some(c);
                    out.request(
                        NodeAddr::Broker(gc),
                        c,
                        Request::TxnOffsetCommit {
                            transactional_id: self.transactional_id.clone(),
                            group: po.group.clone(),
                            producer_id: pid,
                            producer_epoch: epoch,
                            generation: po.generation,
                            member_id: po.member_id.clone(),
                            offsets: po.offsets.clone(),
                        },
                    );
                    out.timer(now.plus_ms(30_000), ClientTimer::RequestTimeout(c));
                } else if let Some(node) = meta.pick_node() {
                    let c = corr.next_id();
                    self.group_find_inflight = Some(c);
                    out.request(node, c, Request::FindCoordinator { key: po.group.clone(), transaction: false });
                    out.timer(now.plus_ms(30_000), ClientTimer::RequestTimeout(c));
                }
            }
        }
        // EndTxn once everything was sent and acknowledged.
        let ending = matches!(self.state, TxnClientState::CommittingTransaction | TxnClientState::AbortingTransaction);
        if ending
            && self.end_inflight.is_none()
            && idle
            && self.add_inflight.is_none()
            && self.to_add.is_empty()
            && self.offsets.is_none()
        {
            let commit = self.state == TxnClientState::CommittingTransaction;
            if self.added.is_empty() && !self.transaction_started {
                // Nothing was added: nothing to end on the coordinator (`TransactionManager.
                // nextRequest` skips EndTxn while `transactionStarted` is false). A
                // transaction of offsets only (sendOffsetsToTransaction without a send) is
                // started by its AddOffsetsToTxn and must end with EndTxn, or its offsets stay
                // pending: before, they were never published nor dropped.
                self.complete_end(commit, out);
                return;
            }
            let c = corr.next_id();
            self.end_inflight = Some(c);
            out.request(
                to,
                c,
                Request::EndTxn {
                    transactional_id: self.transactional_id.clone(),
                    producer_id: pid,
                    producer_epoch: epoch,
                    commit,
                },
            );
            out.timer(now.plus_ms(30_000), ClientTimer::RequestTimeout(c));
        }
    }

    fn complete_end(&mut self, commit: bool, out: &mut ClientOut) {
        self.state = TxnClientState::Ready;
        self.added.clear();
        self.transaction_started = false;
        let what = if commit { "commitTransaction" } else { "abortTransaction" };
        self.result = Some((what.into(), Ok(())));
        out.trace(TraceKind::TransactionState {
            transactional_id: self.transactional_id.clone(),
            state: if commit { "committed".into() } else { "aborted".into() },
        });
    }

    fn retriable(e: KafkaError) -> bool {
        matches!(
            e,
            KafkaError::COORDINATOR_NOT_AVAILABLE
                | KafkaError::NOT_COORDINATOR
                | KafkaError::COORDINATOR_LOAD_IN_PROGRESS
                | KafkaError::CONCURRENT_TRANSACTIONS
                | KafkaError::REQUEST_TIMED_OUT
                | KafkaError::NETWORK_EXCEPTION
        )
    }

    pub(crate) fn on_response(
        &mut self,
        now: SimTime,
        _from: NodeAddr,
        corr: u64,
        resp: Response,
        _meta: &mut ClientMetadata,
        out: &mut ClientOut,
    ) {
        match resp {
            Response::FindCoordinator { error, node, .. } => {
                if self.find_inflight == Some(corr) {
                    self.find_inflight = None;
                    match error {
                        None => self.coordinator = Some(node),
                        // FindCoordinatorHandler: refused DESCRIBE on the transactional id is
                        // fatal (`TransactionalIdAuthorizationException`).
                        Some(e @ KafkaError::TRANSACTIONAL_ID_AUTHORIZATION_FAILED) => self.fail_fatal(e, out),
                        Some(_) => self.find_backoff = now.plus_ms(100),
                    }
                } else if self.group_find_inflight == Some(corr) {
                    self.group_find_inflight = None;
                    if let (None, Some(po)) = (error, &mut self.offsets) {
                        po.group_coordinator = Some(node);
                    } else {
                        self.retry_at = now.plus_ms(100);
                    }
                }
            }
            Response::AddPartitionsToTxn { results } => {
                let Some((c, parts)) = self.add_inflight.take() else { return };
                if c != corr {
                    self.add_inflight = Some((c, parts));
                    return;
                }
                for (tp, e) in results {
                    match e {
                        None => {
                            self.added.insert(tp);
                        }
                        Some(e)
                            if matches!(
                                e,
                                KafkaError::PRODUCER_FENCED
                                    | KafkaError::INVALID_PRODUCER_EPOCH
                                    | KafkaError::INVALID_PRODUCER_ID_MAPPING
                            ) =>
                        {
                            self.fail_fatal(e, out);
                            return;
                        }
                        Some(e) => {
                            if matches!(e, KafkaError::NOT_COORDINATOR | KafkaError::COORDINATOR_NOT_AVAILABLE) {
                                self.coordinator = None;
                            }
                            self.to_add.insert(tp);
                            self.retry_at = now.plus_ms(20);
                        }
                    }
                }
                let _ = parts;
            }
            Response::AddOffsetsToTxn { error } => {
                if self.offsets_inflight != Some(corr) {
                    return;
                }
                self.offsets_inflight = None;
                match error {
                    None => {
                        if let Some(po) = &mut self.offsets {
                            po.added = true;
                        }
                        self.transaction_started = true;
                    }
                    Some(e) if Self::retriable(e) => {
                        if matches!(e, KafkaError::NOT_COORDINATOR | KafkaError::COORDINATOR_NOT_AVAILABLE) {
                            self.coordinator = None;
                        }
                        self.retry_at = now.plus_ms(100);
                    }
                    Some(e) => {
                        self.offsets = None;
                        self.result = Some(("sendOffsetsToTransaction".into(), Err(ApiError::new(e))));
                        self.fail_fatal(e, out);
                    }
                }
            }
            Response::TxnOffsetCommit { results } => {
                if self.offsets_inflight != Some(corr) {
                    return;
                }
                self.offsets_inflight = None;
                match results.iter().find_map(|(_, e)| *e) {
                    None => {
                        self.offsets = None;
                        self.result = Some(("sendOffsetsToTransaction".into(), Ok(())));
                    }
                    Some(e) if Self::retriable(e) => {
                        if let Some(po) = &mut self.offsets {
                            po.group_coordinator = None;
                        }
                        self.retry_at = now.plus_ms(100);
                    }
                    Some(e) => {
                        // `TxnOffsetCommitHandler.handleResponse`: a fenced member
                        // (UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, GROUP_ID_NOT_FOUND,
                        // STALE_MEMBER_EPOCH: CommitFailedException; FENCED_INSTANCE_ID) is an
                        // abortable error: the application must abort the transaction.
                        self.offsets = None;
                        self.result = Some(("sendOffsetsToTransaction".into(), Err(ApiError::new(e))));
                        if matches!(
                            e,
                            KafkaError::UNKNOWN_MEMBER_ID
                                | KafkaError::ILLEGAL_GENERATION
                                | KafkaError::GROUP_ID_NOT_FOUND
                                | KafkaError::STALE_MEMBER_EPOCH
                                | KafkaError::FENCED_INSTANCE_ID
                                | KafkaError::GROUP_AUTHORIZATION_FAILED
                        ) && self.state == TxnClientState::InTransaction
                        {
                            self.state = TxnClientState::AbortableError;
                        }
                    }
                }
            }
            Response::EndTxn { error } => {
                if self.end_inflight != Some(corr) {
                    return;
                }
                self.end_inflight = None;
                let commit = self.state == TxnClientState::CommittingTransaction;
                match error {
                    None => self.complete_end(commit, out),
                    Some(e) if Self::retriable(e) => {
                        if matches!(e, KafkaError::NOT_COORDINATOR | KafkaError::COORDINATOR_NOT_AVAILABLE) {
                            self.coordinator = None;
                        }
                        self.retry_at = now.plus_ms(100);
                    }
                    Some(e) => {
                        let what = if commit { "commitTransaction" } else { "abortTransaction" };
                        self.result = Some((what.into(), Err(ApiError::new(e))));
                        self.fail_fatal(e, out);
                    }
                }
            }
            _ => {}
        }
    }

    pub(crate) fn on_timeout(&mut self, _now: SimTime, corr: u64, _meta: &mut ClientMetadata, _out: &mut ClientOut) {
        if self.find_inflight == Some(corr) {
            self.find_inflight = None;
        }
        if self.group_find_inflight == Some(corr) {
            self.group_find_inflight = None;
        }
        if let Some((c, parts)) = self.add_inflight.take() {
            if c == corr {
                self.to_add.extend(parts);
                self.coordinator = None;
            } else {
                self.add_inflight = Some((c, parts));
            }
        }
        for slot in [&mut self.offsets_inflight, &mut self.end_inflight] {
            if *slot == Some(corr) {
                *slot = None;
                self.coordinator = None;
            }
        }
    }

    pub(crate) fn on_disconnect(&mut self, _now: SimTime, peer: NodeAddr) {
        if let NodeAddr::Broker(b) = peer {
            if self.coordinator == Some(b) {
                self.coordinator = None;
                self.find_inflight = None;
                if let Some((_, parts)) = self.add_inflight.take() {
                    self.to_add.extend(parts);
                }
                self.offsets_inflight = None;
                self.end_inflight = None;
            }
        }
    }

    /// A produce failed with a fencing error: the producer is done for.
    pub(crate) fn on_produce_error(&mut self, e: KafkaError, out: &mut ClientOut) {
        match e {
            KafkaError::PRODUCER_FENCED
            | KafkaError::INVALID_PRODUCER_EPOCH
            | KafkaError::INVALID_PRODUCER_ID_MAPPING => self.fail_fatal(e, out),
            _ => {
                if self.state == TxnClientState::InTransaction {
                    self.state = TxnClientState::AbortableError;
                }
            }
        }
    }
}
