//! Producer ids and the transaction coordinator (KIP-98).
//!
//! Idempotent producers get a producer id from any broker (InitProducerId without a
//! `transactional.id`, answered here with the host's `next_producer_id`); brokers take ids in
//! blocks of 1000 from the controller (`AllocateProducerIds`, KIP-730, in
//! [`super::coordinators`]), so the first producers of a fresh cluster get ids 0, 1, 2, …
//!
//! Transactional producers talk to the coordinator of their `transactional.id`: the leader of
//! partition `abs(hashCode(id)) % 50` of `__transaction_state` (`String.hashCode`). It bumps the epoch on
//! every InitProducerId (fencing older instances), records the partitions a transaction
//! touches, and on EndTxn writes PrepareCommit/PrepareAbort, sends COMMIT/ABORT markers to every
//! partition leader (WriteTxnMarkers), then CompleteCommit/CompleteAbort. A transaction open
//! longer than its timeout is aborted with an epoch bump. The state lives as records in
//! `__transaction_state`, replayed by the next leader.

use super::host::{
    coordinator_write_error, internal_batch, not_coordinator, offsets_partitions, topic_creation_due, txn_partitions,
    CoordinatorHost,
};
use super::timer::{BrokerOut, BrokerTimer};
use crate::sim::codec::Codec;
use crate::sim::errors::KafkaError;
use crate::sim::node::Env;
use crate::sim::partitioner::coordinator_partition;
use crate::sim::protocol::{NewTopic, Request, Response};
use crate::sim::record::ControlType;
use crate::sim::sort::CompactCollect;
use crate::sim::time::SimTime;
use crate::sim::trace::TraceKind;
use crate::sim::types::{BrokerId, NodeAddr, Offset, TopicPartition, OFFSETS_TOPIC, TXN_TOPIC};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Transaction states with Kafka's ids (KIP-98).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) enum TxnState {
    Empty,
    Ongoing,
    PrepareCommit,
    PrepareAbort,
    CompleteCommit,
    CompleteAbort,
    Dead,
    PrepareEpochFence,
}

impl TxnState {
    pub(crate) fn name(self) -> &'static str {
        match self {
            TxnState::Empty => "Empty",
            TxnState::Ongoing => "Ongoing",
            TxnState::PrepareCommit => "PrepareCommit",
            TxnState::PrepareAbort => "PrepareAbort",
            TxnState::CompleteCommit => "CompleteCommit",
            TxnState::CompleteAbort => "CompleteAbort",
            TxnState::Dead => "Dead",
            TxnState::PrepareEpochFence => "PrepareEpochFence",
        }
    }
}

/// `TransactionMetadata`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct TxnMeta {
    pub(crate) transactional_id: String,
    pub(crate) producer_id: i64,
    pub(crate) epoch: i16,
    pub(crate) timeout_ms: i64,
    pub(crate) state: TxnState,
    pub(crate) partitions: BTreeSet<TopicPartition>,
    pub(crate) txn_start: SimTime,
    /// Partitions whose marker is not acknowledged yet.
    pub(crate) pending_markers: BTreeSet<TopicPartition>,
}

#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
struct TxnWrite {
    partition: i32,
    required: Offset,
    /// The answer to the request that caused the write, sent once the write is replicated
    /// (none when the coordinator acts on its own: a timeout abort, a completion).
    reply: Option<Reply>,
    /// After the write: send markers for this transactional id.
    send_markers: Option<String>,
}

/// A response and where it goes.
#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
struct Reply {
    to: NodeAddr,
    corr: u64,
    resp: Response,
}

/// A WriteTxnMarkers request on its way (`TransactionMarkerChannelManager`'s in-flight
/// requests): which transaction's markers, to which broker, since when.
#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
struct MarkerRequest {
    transactional_id: String,
    partitions: Vec<TopicPartition>,
    to: BrokerId,
    sent: SimTime,
}

/// `request.timeout.ms` of the coordinator's marker channel (the broker's, 30 s): a request
/// unanswered that long is cancelled as if disconnected (`NetworkClient.handleTimedOutRequests`).
const MARKER_REQUEST_TIMEOUT_MS: i64 = 30_000;

#[derive(Clone, Debug, Default, Serialize, Deserialize, Codec)]
pub(crate) struct TxnCoordinator {
    pub(crate) txns: BTreeMap<String, TxnMeta>,
    pub(crate) owned: BTreeSet<i32>,
    writes: Vec<TxnWrite>,
    markers_inflight: BTreeMap<u64, MarkerRequest>,
    creating_topic_at: Option<SimTime>,
    next_tick: Option<SimTime>,
}

/// How often timed-out transactions are looked for
/// (`transaction.abort.timed.out.transaction.cleanup.interval.ms`).
const CLEANUP_INTERVAL_MS: i64 = 10_000;

/// One step of the transaction coordinator: its state, the broker it runs on as a
/// [`CoordinatorHost`], the moment and where its messages and timers go.
pub(crate) struct TxnStep<'a> {
    pub(crate) coord: &'a mut TxnCoordinator,
    pub(crate) host: &'a mut dyn CoordinatorHost,
    pub(crate) now: SimTime,
    pub(crate) env: &'a Env,
    pub(crate) out: &'a mut BrokerOut,
}

impl TxnStep<'_> {
    fn txn_partition(&self, id: &str) -> i32 {
        coordinator_partition(id, txn_partitions(self.host.image(), self.env))
    }

    fn txn_not_coordinator(&self, id: &str) -> Option<KafkaError> {
        not_coordinator(self.host.image(), TXN_TOPIC, &self.coord.owned, self.txn_partition(id))
    }

    /// Creates `__transaction_state` the first time a client looks for a transaction
    /// coordinator.
    pub(crate) fn ensure_txn_topic(&mut self) {
        if !topic_creation_due(self.host.image(), TXN_TOPIC, &mut self.coord.creating_topic_at, self.now) {
            return;
        }
        let mut configs = BTreeMap::new();
        configs.insert("cleanup.policy".to_string(), "compact".to_string());
        configs.insert("min.insync.replicas".to_string(), self.env.settings.transaction_state_log_min_isr.to_string());
        configs.insert("segment.bytes".to_string(), "104857600".to_string());
        let topic = NewTopic {
            name: TXN_TOPIC.into(),
            partitions: self.env.settings.transaction_state_log_num_partitions,
            replication_factor: self.env.settings.transaction_state_log_replication_factor,
            assignment: None,
            configs,
        };
        self.host.create_topic(self.now, topic, self.env, self.out);
    }

    pub(crate) fn handle_init_producer_id(&mut self, from: NodeAddr, corr: u64, req: Request) {
        let Request::InitProducerId { transactional_id, timeout_ms, .. } = &req else { return };
        let fail = |e: KafkaError| Response::InitProducerId { error: Some(e), producer_id: -1, producer_epoch: -1 };
        let Some(txn_id) = transactional_id.clone() else {
            match self.host.next_producer_id(self.now, self.env, self.out) {
                Ok(pid) => self.out.respond(
                    from,
                    corr,
                    Response::InitProducerId { error: None, producer_id: pid, producer_epoch: 0 },
                ),
                Err(e) => self.out.respond(from, corr, fail(e)),
            }
            return;
        };
        if let Some(e) = self.txn_not_coordinator(&txn_id) {
            self.out.respond(from, corr, fail(e));
            return;
        }
        if *timeout_ms > self.env.settings.transaction_max_timeout_ms || *timeout_ms <= 0 {
            self.out.respond(from, corr, fail(KafkaError::INVALID_TRANSACTION_TIMEOUT));
            return;
        }
        let existing = self.coord.txns.get(&txn_id).cloned();
        let meta = match existing {
            None => {
                let pid = match self.host.next_producer_id(self.now, self.env, self.out) {
                    Ok(pid) => pid,
                    Err(e) => {
                        self.out.respond(from, corr, fail(e));
                        return;
                    }
                };
                TxnMeta {
                    transactional_id: txn_id.clone(),
                    producer_id: pid,
                    epoch: 0,
                    timeout_ms: *timeout_ms,
                    state: TxnState::Empty,
                    partitions: BTreeSet::new(),
                    txn_start: self.now,
                    pending_markers: BTreeSet::new(),
                }
            }
            Some(m) => match m.state {
                TxnState::PrepareCommit | TxnState::PrepareAbort | TxnState::PrepareEpochFence => {
                    self.out.respond(from, corr, fail(KafkaError::CONCURRENT_TRANSACTIONS));
                    return;
                }
                TxnState::Ongoing => {
                    // A new instance fences the old one: abort its transaction with a bumped
                    // epoch; the new producer retries (CONCURRENT_TRANSACTIONS) until done.
                    let mut m = m;
                    m.epoch = m.epoch.saturating_add(1);
                    self.begin_completion(m, false, None);
                    self.out.respond(from, corr, fail(KafkaError::CONCURRENT_TRANSACTIONS));
                    return;
                }
                _ => {
                    let mut m = m;
                    if m.epoch == i16::MAX - 1 {
                        let pid = match self.host.next_producer_id(self.now, self.env, self.out) {
                            Ok(pid) => pid,
                            Err(e) => {
                                self.out.respond(from, corr, fail(e));
                                return;
                            }
                        };
                        m.producer_id = pid;
                        m.epoch = 0;
                    } else {
                        m.epoch += 1;
                    }
                    m.state = TxnState::Empty;
                    m.partitions.clear();
                    m.timeout_ms = *timeout_ms;
                    m
                }
            },
        };
        let resp = Response::InitProducerId { error: None, producer_id: meta.producer_id, producer_epoch: meta.epoch };
        self.out.trace(TraceKind::TransactionState {
            transactional_id: txn_id.clone(),
            state: format!("Empty (producerId={}, epoch={})", meta.producer_id, meta.epoch),
        });
        self.persist_txn(meta, Some(Reply { to: from, corr, resp }), None);
    }

    /// Validates producer id and epoch against the stored transaction.
    fn check_txn_producer(&self, id: &str, pid: i64, epoch: i16) -> Result<TxnMeta, KafkaError> {
        let Some(m) = self.coord.txns.get(id) else { return Err(KafkaError::INVALID_PRODUCER_ID_MAPPING) };
        if m.producer_id != pid {
            return Err(KafkaError::INVALID_PRODUCER_ID_MAPPING);
        }
        if epoch < m.epoch {
            return Err(KafkaError::PRODUCER_FENCED);
        }
        if epoch > m.epoch {
            return Err(KafkaError::INVALID_PRODUCER_EPOCH);
        }
        Ok(m.clone())
    }

    pub(crate) fn handle_txn_request(&mut self, from: NodeAddr, corr: u64, req: Request) {
        match req {
            Request::InitProducerId { .. } => self.handle_init_producer_id(from, corr, req),
            Request::AddPartitionsToTxn { transactional_id, producer_id, producer_epoch, partitions } => {
                let fail = |e: KafkaError, parts: &[TopicPartition]| Response::AddPartitionsToTxn {
                    results: parts.iter().map(|tp| (tp.clone(), Some(e))).collect(),
                };
                if let Some(e) = self.txn_not_coordinator(&transactional_id) {
                    self.out.respond(from, corr, fail(e, &partitions));
                    return;
                }
                let mut m = match self.check_txn_producer(&transactional_id, producer_id, producer_epoch) {
                    Ok(m) => m,
                    Err(e) => {
                        self.out.respond(from, corr, fail(e, &partitions));
                        return;
                    }
                };
                if matches!(m.state, TxnState::PrepareCommit | TxnState::PrepareAbort | TxnState::PrepareEpochFence) {
                    self.out.respond(from, corr, fail(KafkaError::CONCURRENT_TRANSACTIONS, &partitions));
                    return;
                }
                if m.state != TxnState::Ongoing {
                    m.txn_start = self.now;
                    m.partitions.clear();
                    self.out.trace(TraceKind::TransactionState {
                        transactional_id: transactional_id.clone(),
                        state: "Ongoing".into(),
                    });
                }
                m.state = TxnState::Ongoing;
                m.partitions.extend(partitions.iter().cloned());
                let resp =
                    Response::AddPartitionsToTxn { results: partitions.iter().map(|tp| (tp.clone(), None)).collect() };
                self.persist_txn(m, Some(Reply { to: from, corr, resp }), None);
            }
            Request::AddOffsetsToTxn { transactional_id, producer_id, producer_epoch, group } => {
                if let Some(e) = self.txn_not_coordinator(&transactional_id) {
                    self.out.respond(from, corr, Response::AddOffsetsToTxn { error: Some(e) });
                    return;
                }
                let mut m = match self.check_txn_producer(&transactional_id, producer_id, producer_epoch) {
                    Ok(m) => m,
                    Err(e) => {
                        self.out.respond(from, corr, Response::AddOffsetsToTxn { error: Some(e) });
                        return;
                    }
                };
                if matches!(m.state, TxnState::PrepareCommit | TxnState::PrepareAbort | TxnState::PrepareEpochFence) {
                    self.out.respond(
                        from,
                        corr,
                        Response::AddOffsetsToTxn { error: Some(KafkaError::CONCURRENT_TRANSACTIONS) },
                    );
                    return;
                }
                if m.state != TxnState::Ongoing {
                    m.txn_start = self.now;
                    m.partitions.clear();
                }
                m.state = TxnState::Ongoing;
                let p = coordinator_partition(&group, offsets_partitions(self.host.image(), self.env));
                m.partitions.insert(TopicPartition::new(OFFSETS_TOPIC, p));
                let reply = Reply { to: from, corr, resp: Response::AddOffsetsToTxn { error: None } };
                self.persist_txn(m, Some(reply), None);
            }
            Request::EndTxn { transactional_id, producer_id, producer_epoch, commit } => {
                if let Some(e) = self.txn_not_coordinator(&transactional_id) {
                    self.out.respond(from, corr, Response::EndTxn { error: Some(e) });
                    return;
                }
                let m = match self.check_txn_producer(&transactional_id, producer_id, producer_epoch) {
                    Ok(m) => m,
                    Err(e) => {
                        self.out.respond(from, corr, Response::EndTxn { error: Some(e) });
                        return;
                    }
                };
                match (m.state, commit) {
                    (TxnState::Ongoing, _) => self.begin_completion(m, commit, Some((from, corr))),
                    (TxnState::CompleteCommit | TxnState::PrepareCommit, true)
                    | (TxnState::CompleteAbort | TxnState::PrepareAbort, false) => {
                        // A retried EndTxn: already decided.
                        self.out.respond(from, corr, Response::EndTxn { error: None });
                    }
                    (TxnState::Empty, false) => self.out.respond(from, corr, Response::EndTxn { error: None }),
                    (TxnState::PrepareCommit | TxnState::PrepareAbort, _) => self.out.respond(
                        from,
                        corr,
                        Response::EndTxn { error: Some(KafkaError::CONCURRENT_TRANSACTIONS) },
                    ),
                    _ => self.out.respond(from, corr, Response::EndTxn { error: Some(KafkaError::INVALID_TXN_STATE) }),
                }
            }
            _ => {}
        }
        self.arm_txn_tick();
    }

    /// PrepareCommit/PrepareAbort: persisted, then EndTxn is answered and markers go out.
    fn begin_completion(&mut self, mut m: TxnMeta, commit: bool, reply: Option<(NodeAddr, u64)>) {
        m.state = if commit { TxnState::PrepareCommit } else { TxnState::PrepareAbort };
        m.pending_markers = m.partitions.clone();
        self.out.trace(TraceKind::TransactionState {
            transactional_id: m.transactional_id.clone(),
            state: m.state.name().into(),
        });
        let id = m.transactional_id.clone();
        let reply = reply.map(|(to, corr)| Reply { to, corr, resp: Response::EndTxn { error: None } });
        self.persist_txn(m, reply, Some(id));
    }

    /// Writes the transaction's state to `__transaction_state`; the response (and markers)
    /// wait for the HW.
    fn persist_txn(&mut self, meta: TxnMeta, reply: Option<Reply>, send_markers: Option<String>) {
        let partition = self.txn_partition(&meta.transactional_id);
        let tp = TopicPartition::new(TXN_TOPIC, partition);
        let value = serde_json::to_string(&meta).unwrap_or_default();
        let key = format!("txn:{}", meta.transactional_id);
        self.coord.txns.insert(meta.transactional_id.clone(), meta);
        let pb = internal_batch(&tp, self.env.wall_ms(self.now), [(key, Some(value))]);
        match self.host.append_as_leader(self.now, &pb, self.env, self.out) {
            Ok(last_offset) => {
                self.coord.writes.push(TxnWrite { partition, required: last_offset + 1, reply, send_markers });
                if self.host.after_append(self.now, &tp, self.env, self.out) {
                    self.complete_txn_writes();
                }
                self.complete_txn_writes();
            }
            Err(e) => {
                if let Some(Reply { to, corr, resp }) = reply {
                    self.out.respond(to, corr, error_of(resp, coordinator_write_error(e)));
                }
            }
        }
    }

    pub(crate) fn complete_txn_writes(&mut self) {
        let mut keep = Vec::new();
        let mut markers = Vec::new();
        for w in std::mem::take(&mut self.coord.writes) {
            let tp = TopicPartition::new(TXN_TOPIC, w.partition);
            let hw = self.host.log(&tp).map(|l| l.high_watermark).unwrap_or(0);
            if hw >= w.required {
                if let Some(Reply { to, corr, resp }) = w.reply {
                    self.out.respond(to, corr, resp);
                }
                if let Some(id) = w.send_markers {
                    markers.push(id);
                }
            } else {
                keep.push(w);
            }
        }
        self.coord.writes = keep;
        for id in markers {
            self.send_markers(&id);
        }
    }

    /// Sends WriteTxnMarkers for the transaction's partitions whose markers are missing.
    fn send_markers(&mut self, id: &str) {
        let Some(m) = self.coord.txns.get(id).cloned() else { return };
        if !matches!(m.state, TxnState::PrepareCommit | TxnState::PrepareAbort) {
            return;
        }
        if m.pending_markers.is_empty() {
            self.finish_completion(id);
            return;
        }
        let in_flight: BTreeSet<TopicPartition> = self
            .coord
            .markers_inflight
            .values()
            .filter(|r| r.transactional_id == id)
            .flat_map(|r| r.partitions.iter().cloned())
            .collect_set();
        let control = if m.state == TxnState::PrepareCommit { ControlType::Commit } else { ControlType::Abort };
        let mut by_leader: BTreeMap<BrokerId, Vec<TopicPartition>> = BTreeMap::new();
        for tp in &m.pending_markers {
            if in_flight.contains(tp) {
                continue;
            }
            match self.host.image().partition(&tp.topic, tp.partition) {
                Some(s) if s.leader >= 0 => by_leader.entry(s.leader).or_default().push(tp.clone()),
                Some(_) => {}
                None => {
                    // The topic is gone: nothing to mark.
                    if let Some(mm) = self.coord.txns.get_mut(id) {
                        mm.pending_markers.remove(tp);
                    }
                }
            }
        }
        for (leader, parts) in by_leader {
            let corr = self.host.next_corr();
            self.coord.markers_inflight.insert(
                corr,
                MarkerRequest {
                    transactional_id: id.to_string(),
                    partitions: parts.clone(),
                    to: leader,
                    sent: self.now,
                },
            );
            self.out.request(
                NodeAddr::Broker(leader),
                corr,
                Request::WriteTxnMarkers { markers: vec![(m.producer_id, m.epoch, control, parts, 0)] },
            );
            self.out.timer(self.now.plus_ms(MARKER_REQUEST_TIMEOUT_MS), BrokerTimer::TxnTick);
        }
        if self.coord.txns.get(id).map(|m| m.pending_markers.is_empty()).unwrap_or(false) {
            self.finish_completion(id);
        }
    }

    /// All markers written: CompleteCommit / CompleteAbort.
    fn finish_completion(&mut self, id: &str) {
        let Some(mut m) = self.coord.txns.get(id).cloned() else { return };
        m.state = if m.state == TxnState::PrepareCommit { TxnState::CompleteCommit } else { TxnState::CompleteAbort };
        m.partitions.clear();
        self.out.trace(TraceKind::TransactionState { transactional_id: id.to_string(), state: m.state.name().into() });
        self.persist_txn(m, None, None);
    }

    pub(crate) fn handle_txn_response(&mut self, _from: NodeAddr, corr: u64, resp: Response) {
        let Response::WriteTxnMarkers { results } = resp else { return };
        let Some(MarkerRequest { transactional_id: id, .. }) = self.coord.markers_inflight.remove(&corr) else {
            return;
        };
        if let Some(m) = self.coord.txns.get_mut(&id) {
            for (_, parts) in results {
                for (tp, e) in parts {
                    if e.is_none() {
                        m.pending_markers.remove(&tp);
                    }
                }
            }
        }
        self.send_markers(&id);
    }

    /// Periodic: abort timed-out transactions, resend markers that failed.
    pub(crate) fn txn_tick(&mut self) {
        self.coord.next_tick = None;
        let timed_out: Vec<TxnMeta> = self
            .coord
            .txns
            .values()
            .filter(|m| m.state == TxnState::Ongoing && self.now.ms_since(m.txn_start) > m.timeout_ms)
            .filter(|m| self.coord.owned.contains(&self.txn_partition(&m.transactional_id)))
            .cloned()
            .collect();
        for mut m in timed_out {
            // Abort with an epoch bump: the zombie producer is fenced.
            m.epoch = m.epoch.saturating_add(1);
            self.out.trace(TraceKind::Note {
                text: format!(
                    "transaction {} timed out after {} ms: the coordinator aborts it",
                    m.transactional_id, m.timeout_ms
                ),
            });
            self.begin_completion(m, false, None);
        }
        self.cancel_marker_requests(None);
        self.retry_txn_markers();
        self.arm_txn_tick();
    }

    /// The connection to broker `peer` closed: its in-flight WriteTxnMarkers are cancelled and
    /// their markers sent again, to the partitions' leaders as the metadata now names them
    /// (`TransactionMarkerRequestCompletionHandler.onComplete` on `wasDisconnected`: "re-enqueue
    /// the markers with possibly new destination brokers"). Without this a marker sent to a
    /// broker that died stayed in flight for ever and its transaction never completed.
    pub(crate) fn markers_disconnected(&mut self, peer: BrokerId) {
        if self.cancel_marker_requests(Some(peer)) {
            self.retry_txn_markers();
            self.arm_txn_tick();
        }
    }

    /// Drops the in-flight marker requests to `peer`, or (with `None`) those unanswered for
    /// `request.timeout.ms` (`NetworkClient.handleTimedOutRequests` treats them as
    /// disconnected); whether any was dropped.
    fn cancel_marker_requests(&mut self, peer: Option<BrokerId>) -> bool {
        let now = self.now;
        let before = self.coord.markers_inflight.len();
        self.coord.markers_inflight.retain(|_, r| match peer {
            Some(b) => r.to != b,
            None => now.ms_since(r.sent) < MARKER_REQUEST_TIMEOUT_MS,
        });
        self.coord.markers_inflight.len() != before
    }

    pub(crate) fn retry_txn_markers(&mut self) {
        let pending: Vec<String> = self
            .coord
            .txns
            .values()
            .filter(|m| matches!(m.state, TxnState::PrepareCommit | TxnState::PrepareAbort))
            .map(|m| m.transactional_id.clone())
            .collect();
        for id in pending {
            self.send_markers(&id);
        }
    }

    fn arm_txn_tick(&mut self) {
        if self.coord.owned.is_empty() || self.coord.txns.is_empty() {
            return;
        }
        if self.coord.next_tick.map(|t| t > self.now).unwrap_or(false) {
            return;
        }
        let at = self.now.plus_ms(CLEANUP_INTERVAL_MS);
        self.coord.next_tick = Some(at);
        self.out.timer(at, BrokerTimer::TxnTick);
    }

    /// Becoming leader of a `__transaction_state` partition: replay it.
    pub(crate) fn load_transactions(&mut self, tp: &TopicPartition) {
        self.coord.owned.insert(tp.partition);
        let Some(log) = self.host.log(tp) else { return };
        let mut loaded: BTreeMap<String, TxnMeta> = BTreeMap::new();
        for b in log.batches() {
            for r in b.records.iter() {
                let Some(key) = r.key.as_ref().and_then(|k| std::str::from_utf8(k).ok()) else { continue };
                let Some(id) = key.strip_prefix("txn:") else { continue };
                match r
                    .value
                    .as_ref()
                    .and_then(|v| std::str::from_utf8(v).ok())
                    .and_then(|v| serde_json::from_str::<TxnMeta>(v).ok())
                {
                    Some(m) => {
                        loaded.insert(id.to_string(), m);
                    }
                    None => {
                        loaded.remove(id);
                    }
                }
            }
        }
        for (id, mut m) in loaded {
            // Time spent by the old coordinator counts from now on.
            m.txn_start = self.now;
            self.coord.txns.insert(id, m);
        }
        self.retry_txn_markers();
        self.arm_txn_tick();
    }

    pub(crate) fn unload_transactions(&mut self, tp: &TopicPartition) {
        if !self.coord.owned.remove(&tp.partition) {
            return;
        }
        let n = txn_partitions(self.host.image(), self.env);
        self.coord.txns.retain(|id, _| coordinator_partition(id, n) != tp.partition);
        self.coord.writes.retain(|w| w.partition != tp.partition);
    }
}

fn error_of(resp: Response, e: KafkaError) -> Response {
    match resp {
        Response::InitProducerId { .. } => {
            Response::InitProducerId { error: Some(e), producer_id: -1, producer_epoch: -1 }
        }
        Response::AddPartitionsToTxn { results } => {
            Response::AddPartitionsToTxn { results: results.into_iter().map(|(tp, _)| (tp, Some(e))).collect() }
        }
        Response::AddOffsetsToTxn { .. } => Response::AddOffsetsToTxn { error: Some(e) },
        Response::EndTxn { .. } => Response::EndTxn { error: Some(e) },
        other => other,
    }
}
