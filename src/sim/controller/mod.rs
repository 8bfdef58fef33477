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
pub(crate) mod quotas;
pub(crate) mod replication;
pub(crate) mod timer;
pub(crate) mod topics;

use crate::sim::codec::Codec;
use crate::sim::errors::{ApiError, KafkaError};
use crate::sim::metadata::{MetadataImage, MetadataRecord};
use crate::sim::node::{CorrIds, Env, Node, ReplyTo};
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct MetaEntry {
    pub offset: Offset,
    pub(crate) epoch: Epoch,
    pub record: Rc<MetadataRecord>,
}

impl MetaEntry {
    fn is_noop(&self) -> bool {
        matches!(*self.record, MetadataRecord::NoOp)
    }
}

/// What a controller keeps on disk: the metadata log and its quorum state.
#[derive(Clone, Debug, Default, Serialize, Deserialize, Codec)]
pub struct ControllerDisk {
    /// Stored entries by offset; the gaps are runs of `NoOpRecord`s (see [`MetaEntry`]).
    pub log: Vec<MetaEntry>,
    pub(crate) epoch: Epoch,
    pub(crate) voted_for: Option<i32>,
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
#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub struct Progress {
    pub end: Offset,
    pub last_fetch: Option<SimTime>,
    pub last_caught_up: Option<SimTime>,
}

/// A response that goes out once the records it depends on are committed.
#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub(crate) struct Pending {
    pub(crate) offset: Offset,
    pub(crate) to: NodeAddr,
    pub(crate) corr: u64,
    pub(crate) resp: Response,
}

/// A fetch of the metadata log waiting for new records.
#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub(crate) struct Parked {
    pub(crate) from: NodeAddr,
    pub(crate) corr: u64,
    pub(crate) replica: i32,
    pub(crate) fetch_offset: Offset,
    pub(crate) deadline: SimTime,
}

/// One partition of an AlterPartition request (`AlterPartitionRequestData.PartitionData`): the
/// leader's epochs as it knows them and the ISR it asks for.
pub(crate) struct AlterPartitionData {
    pub(crate) tp: crate::sim::types::TopicPartition,
    pub(crate) leader_epoch: Epoch,
    pub(crate) partition_epoch: i32,
    pub(crate) new_isr: Vec<BrokerId>,
}

/// The active controller's state (only while it leads the quorum).
#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub(crate) struct LeaderState {
    pub(crate) voters: BTreeMap<i32, Progress>,
    pub(crate) observers: BTreeMap<i32, Progress>,
    /// Last heartbeat per broker (sessions restart when a controller takes over).
    pub(crate) sessions: BTreeMap<BrokerId, SimTime>,
    pub(crate) epoch_start: Offset,
    pub(crate) pending: Vec<Pending>,
    pub(crate) pending_trace: Vec<(Offset, TraceKind)>,
    pub(crate) parked: Vec<Parked>,
    pub(crate) became_leader_at: SimTime,
    pub(crate) last_imbalance_check: SimTime,
}

#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub(crate) enum Role {
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
#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub struct ControllerProc {
    pub id: i32,
    rng: Pcg32,
    corr: CorrIds,
    pub(crate) role: Role,
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
#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
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
        let mut step = ControllerStep { proc: &mut p, disk: &mut self.disk, now, env, out };
        step.reset_election_deadline();
        step.out.trace(TraceKind::ProcessStarted { node: NodeAddr::Controller(self.id) });
        if env.voters == [self.id] {
            // A single voter elects itself at once.
            step.start_election();
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
        self.run(now, env, out, |step| step.handle_message(from, msg));
    }

    fn handle_timer(&mut self, now: SimTime, timer: ControllerTimer, env: &Env, out: &mut ControllerOut) {
        self.run(now, env, out, |step| step.handle_timer(timer));
    }

    fn handle_disconnect(&mut self, now: SimTime, peer: NodeAddr, env: &Env, out: &mut ControllerOut) {
        self.run(now, env, out, |step| step.handle_disconnect(peer));
    }
}

/// One step of a running controller: its process and its disk, borrowed for one input (a
/// message, a timer, a disconnect), with the time, the environment and where the step's
/// effects go (the shape of openraft's `Engine`, which owns the state and collects the
/// commands of one call). The controller's handlers are its methods; what only reads the
/// process stays on [`ControllerProc`].
pub(crate) struct ControllerStep<'a> {
    pub(crate) proc: &'a mut ControllerProc,
    pub(crate) disk: &'a mut ControllerDisk,
    pub(crate) now: SimTime,
    pub(crate) env: &'a Env,
    pub(crate) out: &'a mut ControllerOut,
}

impl ControllerNode {
    /// Runs `f` as one step of this controller's process, then [`ControllerStep::after_step`];
    /// a controller that is not running takes no input.
    fn run(&mut self, now: SimTime, env: &Env, out: &mut ControllerOut, f: impl FnOnce(&mut ControllerStep)) {
        if let Some(proc) = self.proc.as_mut() {
            let mut step = ControllerStep { proc, disk: &mut self.disk, now, env, out };
            f(&mut step);
            step.after_step();
        }
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

    pub(crate) fn is_leader(&self) -> bool {
        matches!(self.role, Role::Leader(_))
    }

    /// The answer of a controller that is not the active one to a request only the active
    /// controller handles: NOT_CONTROLLER, with the leader it knows of. `None` for the quorum's
    /// own requests, which every voter handles.
    fn not_controller(&self, req: &Request) -> Option<Response> {
        let leader = self.leader_id();
        let not_controller = Some(KafkaError::NOT_CONTROLLER);
        Some(match req {
            Request::BrokerRegistration { .. } => Response::BrokerRegistration {
                error: Some(ApiError::new(KafkaError::NOT_CONTROLLER)),
                broker_epoch: -1,
                leader,
            },
            Request::BrokerHeartbeat { .. } => Response::BrokerHeartbeat {
                error: not_controller,
                is_caught_up: false,
                is_fenced: true,
                should_shutdown: false,
                leader,
            },
            Request::AlterPartition { tp, .. } => Response::AlterPartition {
                tp: tp.clone(),
                error: not_controller,
                leader_epoch: -1,
                partition_epoch: -1,
                isr: vec![],
                leader,
            },
            Request::AllocateProducerIds { .. } => {
                Response::AllocateProducerIds { error: not_controller, first: -1, count: 0, leader }
            }
            Request::Envelope { .. } | Request::Controller(_) => {
                Response::Controller(ControllerResponse::NotController { leader })
            }
            _ => return None,
        })
    }
}

impl ControllerStep<'_> {
    /// Appends a record as the active controller; it is applied to the image at once and
    /// committed when a majority of voters has it.
    pub(crate) fn append(&mut self, record: MetadataRecord) -> Offset {
        let record = Rc::new(record);
        let offset = self.disk.push(self.disk.epoch, record.clone());
        self.proc.image.apply(offset, &record);
        self.proc.applied = offset + 1;
        offset
    }

    /// Queues a response for when `offset` is committed.
    pub(crate) fn respond_after(&mut self, offset: Offset, reply: ReplyTo, resp: Response) {
        if offset < self.proc.hw {
            self.out.reply(reply, resp);
        } else if let Some(l) = self.proc.leader_state() {
            l.pending.push(Pending { offset, to: reply.to, corr: reply.corr, resp });
        }
    }

    /// Answers once the last record a request wrote (if any) is committed.
    pub(crate) fn respond_after_last(&mut self, last: Option<Offset>, reply: ReplyTo, resp: Response) {
        match last {
            Some(o) => self.respond_after(o, reply, resp),
            None => self.out.reply(reply, resp),
        }
    }

    /// Queues a trace event for when `offset` is committed.
    pub(crate) fn trace_after(&mut self, offset: Offset, kind: TraceKind) {
        if offset < self.proc.hw {
            self.out.trace(kind);
        } else if let Some(l) = self.proc.leader_state() {
            l.pending_trace.push((offset, kind));
        }
    }

    fn handle_message(&mut self, from: NodeAddr, msg: Message) {
        match msg.body {
            Body::Req(req) => self.handle_request(ReplyTo { to: from, corr: msg.corr }, req),
            Body::Resp(resp) => self.handle_response(msg.corr, resp),
        }
    }

    /// The connection to `peer` closed: a quorum fetch in flight to it is sent again soon.
    fn handle_disconnect(&mut self, peer: NodeAddr) {
        if let NodeAddr::Controller(_) = peer {
            if self.proc.fetch_inflight.is_some() {
                self.proc.fetch_inflight = None;
                self.out.timer(self.now.plus_ms(50), ControllerTimer::QuorumFetch);
            }
        }
    }

    fn handle_request(&mut self, reply: ReplyTo, req: Request) {
        if !self.proc.is_leader() {
            if let Some(resp) = self.proc.not_controller(&req) {
                self.out.reply(reply, resp);
                return;
            }
        }
        match req {
            Request::Vote { epoch, candidate, last_epoch, last_offset } => {
                self.handle_vote(reply, epoch, candidate, last_epoch, last_offset)
            }
            Request::BeginQuorumEpoch { epoch, leader } => self.handle_begin_quorum_epoch(reply, epoch, leader),
            Request::MetadataFetch { replica, fetch_offset, last_fetched_epoch, max_wait_ms } => {
                self.handle_metadata_fetch(reply, replica, fetch_offset, last_fetched_epoch, max_wait_ms)
            }
            Request::BrokerRegistration { endpoint, incarnation, previous_broker_epoch } => {
                self.handle_broker_registration(reply, endpoint, incarnation, previous_broker_epoch);
            }
            Request::BrokerHeartbeat { broker, broker_epoch, metadata_offset, want_fence, want_shutdown } => {
                self.handle_broker_heartbeat(reply, broker, broker_epoch, metadata_offset, want_fence, want_shutdown);
            }
            Request::AlterPartition { broker, broker_epoch, tp, leader_epoch, partition_epoch, new_isr } => {
                let data = AlterPartitionData { tp, leader_epoch, partition_epoch, new_isr };
                self.handle_alter_partition(reply, broker, broker_epoch, data);
            }
            Request::AllocateProducerIds { .. } => {
                let first = self.proc.image.next_producer_id_block;
                let broker = match reply.to {
                    NodeAddr::Broker(b) => b,
                    _ => -1,
                };
                let off = self.append(MetadataRecord::ProducerIds { broker, next_block_start: first + 1000 });
                self.respond_after(
                    off,
                    reply,
                    Response::AllocateProducerIds { error: None, first, count: 1000, leader: Some(self.proc.id) },
                );
            }
            Request::Envelope { inner, .. } | Request::Controller(inner) => {
                self.handle_controller_request(reply, inner)
            }
            _ => {}
        }
    }

    fn handle_controller_request(&mut self, reply: ReplyTo, req: ControllerRequest) {
        match req {
            ControllerRequest::CreateTopics { topics, validate_only } => {
                self.create_topics(reply, topics, validate_only)
            }
            ControllerRequest::DeleteTopics { names } => self.delete_topics(reply, names),
            ControllerRequest::CreatePartitions { topic, count, assignment } => {
                self.create_partitions(reply, topic, count, assignment)
            }
            ControllerRequest::AlterConfigs { resource, ops } => self.alter_configs(reply, resource, ops),
            ControllerRequest::AlterClientQuotas { entity, ops } => self.alter_client_quotas(reply, entity, ops),
            ControllerRequest::ElectLeaders { election, partitions } => self.elect_leaders(reply, election, partitions),
            ControllerRequest::AlterReassignments { moves } => self.alter_reassignments(reply, moves),
            ControllerRequest::ListReassignments => {
                let mut list = Vec::new();
                for t in self.proc.image.topics.values() {
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
                self.out.reply(reply, Response::Controller(ControllerResponse::ListReassignments(Ok(list))));
            }
            ControllerRequest::DescribeQuorum => {
                let info = self.proc.quorum_info(self.now, self.disk, self.env);
                self.out.reply(reply, Response::Controller(ControllerResponse::DescribeQuorum(Ok(info))));
            }
            ControllerRequest::CreateAcls { bindings } => self.create_acls(reply, bindings),
            ControllerRequest::DeleteAcls { filters } => self.delete_acls(reply, filters),
        }
    }

    /// `AclControlManager.createAcls`: one `AccessControlEntryRecord` per new binding; a binding
    /// that already exists succeeds without a record. The record's id is its offset (Kafka
    /// draws a random Uuid, which no tool shows).
    fn create_acls(&mut self, reply: ReplyTo, bindings: Vec<crate::sim::acl::AclBinding>) {
        let mut last = None;
        let mut results = Vec::new();
        for b in bindings {
            if !self.proc.image.acls.values().any(|a| *a == b) {
                let id = self.disk.log_end();
                last = Some(self.append(MetadataRecord::AccessControlEntry { id, binding: b }));
            }
            results.push(None);
        }
        self.respond_after_last(last, reply, Response::Controller(ControllerResponse::CreateAcls(results)));
    }

    /// `AclControlManager.deleteAcls`: every binding a filter matches is removed
    /// (`RemoveAccessControlEntryRecord`) and named in that filter's result.
    fn delete_acls(&mut self, reply: ReplyTo, filters: Vec<crate::sim::acl::AclFilter>) {
        let mut last = None;
        let mut results = Vec::new();
        for f in filters {
            let hits: Vec<(i64, crate::sim::acl::AclBinding)> =
                self.proc.image.acls.iter().filter(|(_, b)| f.matches(b)).map(|(i, b)| (*i, b.clone())).collect();
            for (id, _) in &hits {
                last = Some(self.append(MetadataRecord::RemoveAccessControlEntry { id: *id }));
            }
            results.push(Ok(hits.into_iter().map(|(_, b)| b).collect()));
        }
        self.respond_after_last(last, reply, Response::Controller(ControllerResponse::DeleteAcls(results)));
    }

    fn handle_response(&mut self, corr: u64, resp: Response) {
        match resp {
            Response::Vote { epoch, granted, leader } => self.handle_vote_response(corr, epoch, granted, leader),
            // Only the answer to the fetch in flight counts.
            Response::MetadataFetch { epoch, leader, error, high_watermark, diverging, entries }
                if self.proc.fetch_inflight == Some(corr) =>
            {
                self.proc.fetch_inflight = None;
                self.handle_fetch_response(epoch, leader, error, high_watermark, diverging, entries)
            }
            Response::BeginQuorumEpoch { .. } => {}
            _ => {}
        }
    }

    fn handle_timer(&mut self, timer: ControllerTimer) {
        match timer {
            ControllerTimer::QuorumElection => self.on_election_timer(),
            ControllerTimer::QuorumFetch => self.maybe_fetch(),
            ControllerTimer::QuorumRequestTimeout(corr) if self.proc.fetch_inflight == Some(corr) => {
                self.proc.fetch_inflight = None;
                self.maybe_fetch();
            }
            ControllerTimer::ParkedFetch(addr, corr) => self.expire_parked(addr, corr),
            ControllerTimer::SessionCheck if self.proc.is_leader() => {
                self.check_sessions();
                self.check_quorum();
                if self.proc.is_leader() {
                    self.out.timer(self.now.plus_ms(SESSION_CHECK_MS), ControllerTimer::SessionCheck);
                }
            }
            ControllerTimer::LeaderImbalanceCheck if self.proc.is_leader() => {
                if self.env.settings.auto_leader_rebalance_enable {
                    self.rebalance_preferred_leaders();
                }
                self.out.timer(
                    self.now.plus_ms(self.env.settings.leader_imbalance_check_interval_ms),
                    ControllerTimer::LeaderImbalanceCheck,
                );
            }
            ControllerTimer::WriteNoOpRecord(epoch) if self.proc.is_leader() && epoch == self.disk.epoch => {
                // QuorumController's "writeNoOpRecord" periodic task: one NoOpRecord, then
                // again metadata.max.idle.interval.ms after this run
                // (PeriodicTaskControlManager.reschedule), however busy the log is.
                self.append(MetadataRecord::NoOp);
                self.out.timer(
                    self.now.plus_ms(self.env.settings.metadata_max_idle_interval_ms),
                    ControllerTimer::WriteNoOpRecord(epoch),
                );
            }
            ControllerTimer::UncleanElectionCheck if self.proc.is_leader() => {
                self.unclean_elect_leaderless();
                self.out.timer(
                    self.now.plus_ms(self.env.settings.unclean_leader_election_interval_ms),
                    ControllerTimer::UncleanElectionCheck,
                );
            }
            _ => {}
        }
    }

    /// After every input: advance the commit point, release what waited on it, apply
    /// committed records (followers), and answer parked fetches that now have data.
    fn after_step(&mut self) {
        if self.proc.is_leader() {
            self.update_high_watermark();
            self.release_pending();
            self.answer_parked(false);
        } else {
            let target = self.proc.hw.min(self.disk.log_end());
            if self.proc.applied < target {
                for e in self.disk.entries_from(self.proc.applied) {
                    if e.offset >= target {
                        break;
                    }
                    self.proc.image.apply(e.offset, &e.record);
                }
                self.proc.applied = target;
            }
        }
    }

    fn release_pending(&mut self) {
        let hw = self.proc.hw;
        if let Role::Leader(l) = &mut self.proc.role {
            let mut keep = Vec::new();
            for p in l.pending.drain(..) {
                if p.offset < hw {
                    self.out.respond(p.to, p.corr, p.resp);
                } else {
                    keep.push(p);
                }
            }
            l.pending = keep;
            let mut keep_t = Vec::new();
            for (off, t) in l.pending_trace.drain(..) {
                if off < hw {
                    self.out.trace(t);
                } else {
                    keep_t.push((off, t));
                }
            }
            l.pending_trace = keep_t;
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
