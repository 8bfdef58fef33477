//! A KRaft controller: a voter of the `__cluster_metadata` Raft quorum, and — when it is the
//! quorum leader — the active controller that decides everything about the cluster
//! (`PartitionChangeBuilder` and KIP-631).
//!
//! * [`quorum`]: Raft — votes, epochs, pull replication, the high watermark.
//! * [`cluster`]: broker registration, heartbeats, sessions, fencing, controlled shutdown.
//! * [`replication`]: partition changes — elections, ISR updates, reassignments.
//! * [`topics`]: create, delete, add partitions, configs.

pub(crate) mod cluster;
pub mod partition_change;
pub(crate) mod quorum;
pub(crate) mod replication;
pub(crate) mod timer;
pub(crate) mod topics;

use crate::sim::metadata::{MetadataImage, MetadataRecord};
use crate::sim::node::{CorrIds, Env, Node};
use crate::sim::protocol::{Body, ControllerRequest, ControllerResponse, Message, Request, Response};
use crate::sim::rng::Pcg32;
use crate::sim::time::SimTime;
use crate::sim::trace::TraceKind;
use crate::sim::types::{BrokerId, Epoch, NodeAddr, Offset};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use timer::{ControllerOut, ControllerTimer};

/// `controller.quorum.election.timeout.ms` (KRaft default).
pub(crate) const ELECTION_TIMEOUT_MS: i64 = 1000;
/// `controller.quorum.fetch.timeout.ms` (KRaft default).
pub(crate) const FETCH_TIMEOUT_MS: i64 = 2000;
/// How long a fetch of the metadata log may wait for new records.
pub(crate) const FETCH_MAX_WAIT_MS: i64 = 500;
/// How often the active controller looks for expired broker sessions.
pub(crate) const SESSION_CHECK_MS: i64 = 250;
/// Most stored entries of the metadata log in one Fetch response.
pub(crate) const MAX_FETCH_ENTRIES: usize = 2000;

/// One entry of the metadata log.
///
/// A run of `NoOpRecord`s (one every `metadata.max.idle.interval.ms` while the cluster is idle)
/// is kept as its newest record only: the offsets between the entry before it and it hold
/// `NoOpRecord`s of its epoch. They carry no state, and a snapshot of the log would not hold
/// them either (`SnapshotGenerator`), so keeping each one would only make a long idle run cost
/// memory, disk rows and replay time without anything a learner could see.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetaEntry {
    pub offset: Offset,
    pub epoch: Epoch,
    pub record: Rc<MetadataRecord>,
}

impl MetaEntry {
    fn is_noop(&self) -> bool {
        matches!(*self.record, MetadataRecord::NoOp)
    }
}

/// What a controller keeps on disk: the metadata log and its quorum state.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ControllerDisk {
    /// Stored entries by offset; the gaps are runs of `NoOpRecord`s (see [`MetaEntry`]).
    pub log: Vec<MetaEntry>,
    pub epoch: Epoch,
    pub voted_for: Option<i32>,
}

impl ControllerDisk {
    pub fn log_end(&self) -> Offset {
        self.log.last().map(|e| e.offset + 1).unwrap_or(0)
    }
    pub(crate) fn last_epoch(&self) -> Epoch {
        self.log.last().map(|e| e.epoch).unwrap_or(0)
    }
    /// The index of the first stored entry at or after `offset`.
    fn index_from(&self, offset: Offset) -> usize {
        self.log.partition_point(|e| e.offset < offset)
    }
    /// The stored entries at or after `offset`, in order.
    pub(crate) fn entries_from(&self, offset: Offset) -> &[MetaEntry] {
        &self.log[self.index_from(offset)..]
    }
    /// The first offset of the run that the stored entry `i` ends (its own offset unless it
    /// is a `NoOpRecord` standing for the ones before it).
    fn run_start(&self, i: usize) -> Offset {
        let e = &self.log[i];
        if e.is_noop() {
            i.checked_sub(1).map(|p| self.log[p].offset + 1).unwrap_or(0)
        } else {
            e.offset
        }
    }
    /// The record at `offset` and its epoch (a `NoOpRecord` of a run included).
    pub(crate) fn entry_at(&self, offset: Offset) -> Option<(Epoch, Rc<MetadataRecord>)> {
        let i = self.index_from(offset);
        let e = self.log.get(i)?;
        (e.offset == offset || (e.is_noop() && self.run_start(i) <= offset)).then(|| (e.epoch, e.record.clone()))
    }
    /// Appends a record at the log end; a `NoOpRecord` right after one of the same epoch
    /// extends its run.
    pub(crate) fn push(&mut self, epoch: Epoch, record: Rc<MetadataRecord>) -> Offset {
        let offset = self.log_end();
        self.place(offset, epoch, record);
        offset
    }
    /// Stores a record replicated from the leader at `offset`: the log end, or beyond it for
    /// a `NoOpRecord` that ends a run whose earlier records the leader no longer stores.
    /// False when the record does not continue this log.
    pub(crate) fn accept(&mut self, offset: Offset, epoch: Epoch, record: Rc<MetadataRecord>) -> bool {
        let end = self.log_end();
        if offset == end || (offset > end && matches!(*record, MetadataRecord::NoOp)) {
            self.place(offset, epoch, record);
            true
        } else {
            false
        }
    }
    fn place(&mut self, offset: Offset, epoch: Epoch, record: Rc<MetadataRecord>) {
        if matches!(*record, MetadataRecord::NoOp) {
            if let Some(last) = self.log.last_mut() {
                if last.is_noop() && last.epoch == epoch {
                    last.offset = offset;
                    return;
                }
            }
        }
        self.log.push(MetaEntry { offset, epoch, record });
    }
    /// Removes every record at or after `to` (a run cut short keeps its records before `to`).
    pub(crate) fn truncate_to(&mut self, to: Offset) {
        let i = self.index_from(to);
        let cut_run = self.log.get(i).filter(|e| e.is_noop() && self.run_start(i) < to).map(|e| e.epoch);
        self.log.truncate(i);
        if let Some(epoch) = cut_run {
            self.log.push(MetaEntry { offset: to - 1, epoch, record: Rc::new(MetadataRecord::NoOp) });
        }
    }
    /// Like `LeaderEpochFileCache.endOffsetFor` over the metadata log: the largest epoch
    /// `<= epoch` and the offset where the next higher epoch starts (or the log end).
    pub(crate) fn end_offset_for(&self, epoch: Epoch) -> (Epoch, Offset) {
        let mut floor: Option<Epoch> = None;
        for e in &self.log {
            if e.epoch <= epoch {
                floor = Some(e.epoch);
            } else {
                break;
            }
        }
        match floor {
            None => (-1, -1),
            Some(f) => {
                let end =
                    self.log.iter().position(|e| e.epoch > f).map(|i| self.run_start(i)).unwrap_or(self.log_end());
                (f, end)
            }
        }
    }
}

/// Progress of one replica of the metadata log, as the leader sees it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Progress {
    pub end: Offset,
    pub last_fetch: Option<SimTime>,
    pub last_caught_up: Option<SimTime>,
}

/// A response that goes out once the records it depends on are committed.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Pending {
    pub offset: Offset,
    pub to: NodeAddr,
    pub corr: u64,
    pub resp: Response,
}

/// A fetch of the metadata log waiting for new records.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Parked {
    pub from: NodeAddr,
    pub corr: u64,
    pub replica: i32,
    pub fetch_offset: Offset,
    pub deadline: SimTime,
}

/// The active controller's state (only while it leads the quorum).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LeaderState {
    pub voters: BTreeMap<i32, Progress>,
    pub observers: BTreeMap<i32, Progress>,
    /// Last heartbeat per broker (sessions restart when a controller takes over).
    pub sessions: BTreeMap<BrokerId, SimTime>,
    pub epoch_start: Offset,
    pub pending: Vec<Pending>,
    pub pending_trace: Vec<(Offset, TraceKind)>,
    pub parked: Vec<Parked>,
    pub became_leader_at: SimTime,
    pub last_imbalance_check: SimTime,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Role {
    /// No known leader and no vote in flight.
    Unattached,
    Follower {
        leader: i32,
    },
    Candidate {
        votes: BTreeSet<i32>,
    },
    Leader(Box<LeaderState>),
}

impl Role {}

/// The running controller process (lost when it crashes).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ControllerProc {
    pub id: i32,
    rng: Pcg32,
    corr: CorrIds,
    pub role: Role,
    /// Offset after the last committed entry.
    pub hw: Offset,
    /// The metadata image: all appended entries on the leader, committed ones elsewhere.
    pub image: MetadataImage,
    applied: Offset,
    last_leader_contact: SimTime,
    fetch_inflight: Option<u64>,
    election_deadline: SimTime,
    pending_votes: BTreeMap<u64, i32>,
}

/// A controller: its disk and, while running, its process.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ControllerNode {
    pub id: i32,
    pub disk: ControllerDisk,
    pub proc: Option<ControllerProc>,
}

impl ControllerNode {
    pub(crate) fn new(id: i32) -> ControllerNode {
        ControllerNode { id, disk: ControllerDisk::default(), proc: None }
    }

    /// Starts the process: replays the log into an image and waits for (or starts) an election.
    pub(crate) fn start(&mut self, now: SimTime, env: &Env, rng: Pcg32, out: &mut ControllerOut) {
        let mut p = ControllerProc {
            id: self.id,
            rng,
            corr: CorrIds::default(),
            role: Role::Unattached,
            hw: 0,
            image: MetadataImage::new(),
            applied: 0,
            last_leader_contact: now,
            fetch_inflight: None,
            election_deadline: now,
            pending_votes: BTreeMap::new(),
        };
        p.reset_election_deadline(now, out);
        out.trace(TraceKind::ProcessStarted { node: NodeAddr::Controller(self.id) });
        if env.voters == [self.id] {
            // A single voter elects itself at once.
            p.start_election(now, &mut self.disk, env, out);
        }
        self.proc = Some(p);
    }

    pub(crate) fn is_active(&self) -> bool {
        matches!(self.proc.as_ref().map(|p| &p.role), Some(Role::Leader(_)))
    }
}

/// A controller takes no commands of its own: the learner starts and kills it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ControllerInput {}

impl Node for ControllerNode {
    type Timer = ControllerTimer;
    type Input = ControllerInput;

    fn handle_input(&mut self, _now: SimTime, input: ControllerInput, _env: &Env, _out: &mut ControllerOut) {
        match input {}
    }

    fn handle_message(&mut self, now: SimTime, from: NodeAddr, msg: Message, env: &Env, out: &mut ControllerOut) {
        let Some(p) = self.proc.as_mut() else { return };
        let disk = &mut self.disk;
        match msg.body {
            Body::Req(req) => p.handle_request(now, from, msg.corr, req, disk, env, out),
            Body::Resp(resp) => p.handle_response(now, from, msg.corr, resp, disk, env, out),
        }
        p.after_step(now, disk, env, out);
    }

    fn handle_timer(&mut self, now: SimTime, timer: ControllerTimer, env: &Env, out: &mut ControllerOut) {
        let Some(p) = self.proc.as_mut() else { return };
        let disk = &mut self.disk;
        p.handle_timer(now, timer, disk, env, out);
        p.after_step(now, disk, env, out);
    }

    fn handle_disconnect(&mut self, now: SimTime, peer: NodeAddr, env: &Env, out: &mut ControllerOut) {
        let Some(p) = self.proc.as_mut() else { return };
        if let NodeAddr::Controller(_) = peer {
            if p.fetch_inflight.is_some() {
                p.fetch_inflight = None;
                out.timer(now.plus_ms(50), ControllerTimer::QuorumFetch);
            }
        }
        p.after_step(now, &mut self.disk, env, out);
    }
}

impl ControllerProc {
    pub(crate) fn leader_id(&self) -> Option<i32> {
        match &self.role {
            Role::Leader(_) => Some(self.id),
            Role::Follower { leader } => Some(*leader),
            _ => None,
        }
    }

    fn leader_state(&mut self) -> Option<&mut LeaderState> {
        match &mut self.role {
            Role::Leader(l) => Some(l),
            _ => None,
        }
    }

    /// Appends a record as the active controller; it is applied to the image at once and
    /// committed when a majority of voters has it.
    pub(crate) fn append(&mut self, disk: &mut ControllerDisk, record: MetadataRecord) -> Offset {
        let record = Rc::new(record);
        let offset = disk.push(disk.epoch, record.clone());
        self.image.apply(offset, &record);
        self.applied = offset + 1;
        offset
    }

    /// Queues a response for when `offset` is committed.
    pub(crate) fn respond_after(
        &mut self,
        offset: Offset,
        to: NodeAddr,
        corr: u64,
        resp: Response,
        out: &mut ControllerOut,
    ) {
        if offset < self.hw {
            out.respond(to, corr, resp);
        } else if let Some(l) = self.leader_state() {
            l.pending.push(Pending { offset, to, corr, resp });
        }
    }

    /// Queues a trace event for when `offset` is committed.
    pub(crate) fn trace_after(&mut self, offset: Offset, kind: TraceKind, out: &mut ControllerOut) {
        if offset < self.hw {
            out.trace(kind);
        } else if let Some(l) = self.leader_state() {
            l.pending_trace.push((offset, kind));
        }
    }

    #[allow(clippy::too_many_arguments)] // the same dispatch signature as the broker's handlers
    fn handle_request(
        &mut self,
        now: SimTime,
        from: NodeAddr,
        corr: u64,
        req: Request,
        disk: &mut ControllerDisk,
        env: &Env,
        out: &mut ControllerOut,
    ) {
        match req {
            Request::Vote { epoch, candidate, last_epoch, last_offset } => {
                self.handle_vote(now, from, corr, epoch, candidate, last_epoch, last_offset, disk, out)
            }
            Request::BeginQuorumEpoch { epoch, leader } => {
                self.handle_begin_quorum_epoch(now, from, corr, epoch, leader, disk, out)
            }
            Request::MetadataFetch { replica, fetch_offset, last_fetched_epoch, max_wait_ms } => self
                .handle_metadata_fetch(
                    now,
                    from,
                    corr,
                    replica,
                    fetch_offset,
                    last_fetched_epoch,
                    max_wait_ms,
                    disk,
                    out,
                ),
            Request::BrokerRegistration { endpoint, incarnation, previous_broker_epoch } => {
                if !self.is_leader() {
                    let leader = self.leader_id();
                    out.respond(
                        from,
                        corr,
                        Response::BrokerRegistration {
                            error: Some(crate::sim::errors::ApiError::new(
                                crate::sim::errors::KafkaError::NOT_CONTROLLER,
                            )),
                            broker_epoch: -1,
                            leader,
                        },
                    );
                    return;
                }
                self.handle_broker_registration(
                    now,
                    from,
                    corr,
                    endpoint,
                    incarnation,
                    previous_broker_epoch,
                    disk,
                    env,
                    out,
                );
            }
            Request::BrokerHeartbeat { broker, broker_epoch, metadata_offset, want_fence, want_shutdown } => {
                if !self.is_leader() {
                    let leader = self.leader_id();
                    out.respond(
                        from,
                        corr,
                        Response::BrokerHeartbeat {
                            error: Some(crate::sim::errors::KafkaError::NOT_CONTROLLER),
                            is_caught_up: false,
                            is_fenced: true,
                            should_shutdown: false,
                            leader,
                        },
                    );
                    return;
                }
                self.handle_broker_heartbeat(
                    now,
                    from,
                    corr,
                    broker,
                    broker_epoch,
                    metadata_offset,
                    want_fence,
                    want_shutdown,
                    disk,
                    env,
                    out,
                );
            }
            Request::AlterPartition { broker, broker_epoch, tp, leader_epoch, partition_epoch, new_isr } => {
                if !self.is_leader() {
                    let leader = self.leader_id();
                    out.respond(
                        from,
                        corr,
                        Response::AlterPartition {
                            tp,
                            error: Some(crate::sim::errors::KafkaError::NOT_CONTROLLER),
                            leader_epoch: -1,
                            partition_epoch: -1,
                            isr: vec![],
                            leader,
                        },
                    );
                    return;
                }
                self.handle_alter_partition(
                    now,
                    from,
                    corr,
                    broker,
                    broker_epoch,
                    tp,
                    leader_epoch,
                    partition_epoch,
                    new_isr,
                    disk,
                    env,
                    out,
                );
            }
            Request::AllocateProducerIds { .. } => {
                if !self.is_leader() {
                    let leader = self.leader_id();
                    out.respond(
                        from,
                        corr,
                        Response::AllocateProducerIds {
                            error: Some(crate::sim::errors::KafkaError::NOT_CONTROLLER),
                            first: -1,
                            count: 0,
                            leader,
                        },
                    );
                    return;
                }
                let first = self.image.next_producer_id_block;
                let broker = match from {
                    NodeAddr::Broker(b) => b,
                    _ => -1,
                };
                let off = self.append(disk, MetadataRecord::ProducerIds { broker, next_block_start: first + 1000 });
                self.respond_after(
                    off,
                    from,
                    corr,
                    Response::AllocateProducerIds { error: None, first, count: 1000, leader: Some(self.id) },
                    out,
                );
            }
            Request::Envelope { inner, .. } | Request::Controller(inner) => {
                if !self.is_leader() {
                    out.respond(
                        from,
                        corr,
                        Response::Controller(ControllerResponse::NotController { leader: self.leader_id() }),
                    );
                    return;
                }
                self.handle_controller_request(now, from, corr, inner, disk, env, out);
            }
            _ => {}
        }
    }

    #[allow(clippy::too_many_arguments)] // the same dispatch signature as the broker's handlers
    fn handle_controller_request(
        &mut self,
        now: SimTime,
        from: NodeAddr,
        corr: u64,
        req: ControllerRequest,
        disk: &mut ControllerDisk,
        env: &Env,
        out: &mut ControllerOut,
    ) {
        match req {
            ControllerRequest::CreateTopics { topics, validate_only } => {
                self.create_topics(now, from, corr, topics, validate_only, disk, env, out)
            }
            ControllerRequest::DeleteTopics { names } => self.delete_topics(from, corr, names, disk, out),
            ControllerRequest::CreatePartitions { topic, count, assignment } => {
                self.create_partitions(from, corr, topic, count, assignment, disk, out)
            }
            ControllerRequest::AlterConfigs { resource, ops } => {
                self.alter_configs(now, from, corr, resource, ops, disk, env, out)
            }
            ControllerRequest::ElectLeaders { election, partitions } => {
                self.elect_leaders(from, corr, election, partitions, disk, env, out)
            }
            ControllerRequest::AlterReassignments { moves } => {
                self.alter_reassignments(from, corr, moves, disk, env, out)
            }
            ControllerRequest::ListReassignments => {
                let mut list = Vec::new();
                for t in self.image.topics.values() {
                    for (p, s) in &t.partitions {
                        if !s.adding.is_empty() || !s.removing.is_empty() {
                            list.push((
                                crate::sim::types::TopicPartition::new(t.name.clone(), *p),
                                s.replicas.clone(),
                                s.adding.clone(),
                                s.removing.clone(),
                            ));
                        }
                    }
                }
                out.respond(from, corr, Response::Controller(ControllerResponse::ListReassignments(list)));
            }
            ControllerRequest::DescribeQuorum => {
                let info = self.quorum_info(now, disk, env);
                out.respond(from, corr, Response::Controller(ControllerResponse::DescribeQuorum(info)));
            }
        }
    }

    #[allow(clippy::too_many_arguments)] // the same dispatch signature as the broker's handlers
    fn handle_response(
        &mut self,
        now: SimTime,
        from: NodeAddr,
        corr: u64,
        resp: Response,
        disk: &mut ControllerDisk,
        env: &Env,
        out: &mut ControllerOut,
    ) {
        match resp {
            Response::Vote { epoch, granted, leader } => {
                self.handle_vote_response(now, from, corr, epoch, granted, leader, disk, env, out)
            }
            Response::MetadataFetch { epoch, leader, error, high_watermark, diverging, entries } => self
                .handle_fetch_response(now, corr, epoch, leader, error, high_watermark, diverging, entries, disk, out),
            Response::BeginQuorumEpoch { .. } => {}
            _ => {}
        }
    }

    fn handle_timer(
        &mut self,
        now: SimTime,
        timer: ControllerTimer,
        disk: &mut ControllerDisk,
        env: &Env,
        out: &mut ControllerOut,
    ) {
        match timer {
            ControllerTimer::QuorumElection => self.on_election_timer(now, disk, env, out),
            ControllerTimer::QuorumFetch => self.maybe_fetch(now, disk, out),
            ControllerTimer::QuorumRequestTimeout(corr) if self.fetch_inflight == Some(corr) => {
                self.fetch_inflight = None;
                self.maybe_fetch(now, disk, out);
            }
            ControllerTimer::ParkedFetch(addr, corr) => self.expire_parked(now, addr, corr, disk, out),
            ControllerTimer::SessionCheck if self.is_leader() => {
                self.check_sessions(now, disk, env, out);
                self.check_quorum(now, disk, env, out);
                if self.is_leader() {
                    out.timer(now.plus_ms(SESSION_CHECK_MS), ControllerTimer::SessionCheck);
                }
            }
            ControllerTimer::LeaderImbalanceCheck if self.is_leader() => {
                if env.settings.auto_leader_rebalance_enable {
                    self.rebalance_preferred_leaders(disk, env, out);
                }
                out.timer(
                    now.plus_ms(env.settings.leader_imbalance_check_interval_ms),
                    ControllerTimer::LeaderImbalanceCheck,
                );
            }
            ControllerTimer::WriteNoOpRecord(epoch) if self.is_leader() && epoch == disk.epoch => {
                // QuorumController's "writeNoOpRecord" periodic task: one NoOpRecord, then
                // again metadata.max.idle.interval.ms after this run
                // (PeriodicTaskControlManager.reschedule), however busy the log is.
                self.append(disk, MetadataRecord::NoOp);
                out.timer(
                    now.plus_ms(env.settings.metadata_max_idle_interval_ms),
                    ControllerTimer::WriteNoOpRecord(epoch),
                );
            }
            ControllerTimer::UncleanElectionCheck if self.is_leader() => {
                self.unclean_elect_leaderless(disk, env, out);
                out.timer(
                    now.plus_ms(env.settings.unclean_leader_election_interval_ms),
                    ControllerTimer::UncleanElectionCheck,
                );
            }
            _ => {}
        }
    }

    pub(crate) fn is_leader(&self) -> bool {
        matches!(self.role, Role::Leader(_))
    }

    /// After every input: advance the commit point, release what waited on it, apply
    /// committed records (followers), and answer parked fetches that now have data.
    fn after_step(&mut self, now: SimTime, disk: &mut ControllerDisk, env: &Env, out: &mut ControllerOut) {
        if self.is_leader() {
            self.update_high_watermark(now, disk, env, out);
            self.release_pending(out);
            self.answer_parked(now, disk, out, false);
        } else {
            let target = self.hw.min(disk.log_end());
            if self.applied < target {
                for e in disk.entries_from(self.applied) {
                    if e.offset >= target {
                        break;
                    }
                    self.image.apply(e.offset, &e.record);
                }
                self.applied = target;
            }
        }
    }

    fn release_pending(&mut self, out: &mut ControllerOut) {
        let hw = self.hw;
        let id = self.id;
        if let Role::Leader(l) = &mut self.role {
            let mut keep = Vec::new();
            for p in l.pending.drain(..) {
                if p.offset < hw {
                    out.respond(p.to, p.corr, p.resp);
                } else {
                    keep.push(p);
                }
            }
            l.pending = keep;
            let mut keep_t = Vec::new();
            for (off, t) in l.pending_trace.drain(..) {
                if off < hw {
                    out.trace(t);
                } else {
                    keep_t.push((off, t));
                }
            }
            l.pending_trace = keep_t;
            let _ = id;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(broker: BrokerId) -> Rc<MetadataRecord> {
        Rc::new(MetadataRecord::UnregisterBroker { broker, broker_epoch: 0 })
    }
    fn noop() -> Rc<MetadataRecord> {
        Rc::new(MetadataRecord::NoOp)
    }
    fn offsets(d: &ControllerDisk) -> Vec<Offset> {
        d.log.iter().map(|e| e.offset).collect()
    }

    #[test]
    fn a_run_of_noop_records_is_kept_as_its_last_one() {
        let mut d = ControllerDisk::default();
        d.push(1, record(1));
        for _ in 0..1000 {
            d.push(1, noop());
        }
        d.push(1, record(2));
        d.push(1, noop());
        assert_eq!(d.log_end(), 1003);
        assert_eq!(offsets(&d), vec![0, 1000, 1001, 1002]);
        // Every offset of a run reads as a NoOpRecord of its epoch.
        assert_eq!(d.entry_at(1).map(|(e, r)| (e, (*r).clone())), Some((1, MetadataRecord::NoOp)));
        assert_eq!(d.entry_at(1000).map(|(e, r)| (e, (*r).clone())), Some((1, MetadataRecord::NoOp)));
        assert_eq!(d.entry_at(1001).map(|(_, r)| (*r).clone()), Some((*record(2)).clone()));
        assert_eq!(d.entry_at(1003), None);
        // A run of a new epoch starts after that epoch's first record, never merged with the old one.
        d.push(2, noop());
        assert_eq!(offsets(&d), vec![0, 1000, 1001, 1002, 1003]);
        assert_eq!(d.end_offset_for(1), (1, 1003));
    }

    #[test]
    fn truncating_inside_a_run_keeps_its_records_before_the_cut() {
        let mut d = ControllerDisk::default();
        d.push(1, record(1));
        for _ in 0..10 {
            d.push(1, noop());
        }
        d.truncate_to(5);
        assert_eq!(d.log_end(), 5);
        assert_eq!(offsets(&d), vec![0, 4]);
        d.truncate_to(1);
        assert_eq!(offsets(&d), vec![0]);
        assert_eq!(d.log_end(), 1);
    }

    #[test]
    fn a_follower_accepts_a_run_sent_as_its_last_record_only() {
        let mut d = ControllerDisk::default();
        assert!(d.accept(0, 1, record(1)));
        // Offsets 1..=7 are NoOpRecords the leader keeps as the one at 7.
        assert!(d.accept(7, 1, noop()));
        assert_eq!(d.log_end(), 8);
        // A real record must continue the log exactly.
        assert!(!d.accept(9, 1, record(2)));
        assert!(d.accept(8, 1, record(2)));
        assert_eq!(d.log_end(), 9);
    }
}
