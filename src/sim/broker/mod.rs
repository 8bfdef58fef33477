//! A Kafka broker: its disk (partition logs, a copy of the metadata log, checkpoints) and, while
//! running, its process.
//!
//! * [`replica`]: partition roles, follower state on the leader, ISR changes, the HW rule.
//! * [`produce`]: Produce, acks, min.insync.replicas, the delayed-produce purgatory.
//! * [`fetch`]: Fetch on the leader (followers and consumers), long polling, and the
//!   follower's replica fetcher with epoch-based truncation.
//! * [`requests`]: Metadata, ListOffsets, DescribeConfigs, ApiVersions, admin forwarding.
//! * [`housekeeping`]: retention, compaction, HW checkpoints, flushing.
//! * [`group`] and [`txn`]: the group and transaction coordinators. Each runs one step at a
//!   time ([`group::GroupStep`], [`txn::TxnStep`]) borrowing its own state and the broker
//!   through the narrow [`host::CoordinatorHost`]; they never import this module.
//! * [`coordinators`]: the broker's side of them: builds their steps, routes requests, timers
//!   and leadership changes to them; FindCoordinator, WriteTxnMarkers, producer-id blocks.

pub(crate) mod consumer_group;
pub(crate) mod coordinators;
pub(crate) mod fetch;
pub(crate) mod group;
pub(crate) mod host;
pub(crate) mod housekeeping;
pub(crate) mod produce;
pub(crate) mod replica;
pub mod requests;
pub(crate) mod timer;
pub(crate) mod txn;

use crate::sim::config::TopicConfig;
use crate::sim::errors::KafkaError;
use crate::sim::log::Log;
use crate::sim::metadata::{ImageDelta, MetadataImage, MetadataRecord};
use crate::sim::node::{CorrIds, Env, Node};
use crate::sim::protocol::{Body, Message, Request, Response};
use crate::sim::rng::Pcg32;
use crate::sim::time::SimTime;
use crate::sim::trace::TraceKind;
use crate::sim::types::{BrokerEndpoint, BrokerId, Epoch, NodeAddr, Offset, TopicPartition};
use fetch::{DelayedFetch, Fetcher};
use produce::DelayedProduce;
use replica::ReplicaState;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::rc::Rc;
use timer::{BrokerOut, BrokerTimer};

/// `log.initial.task.delay.ms` (an internal broker config, 30 s by default: `LogConfig`'s
/// `SERVER_CONFIG_DEF`): how long after a broker starts `LogManager` waits before its first
/// retention check, so nothing is deleted by retention in a broker's first 30 s.
pub(crate) const LOG_INITIAL_TASK_DELAY_MS: i64 = 30_000;

/// What a broker keeps on disk across crashes.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct BrokerDisk {
    pub logs: BTreeMap<TopicPartition, Log>,
    /// The committed metadata records this broker has fetched.
    pub metadata: Vec<(Offset, Epoch, Rc<MetadataRecord>)>,
    /// `replication-offset-checkpoint`: the HW of each partition, written periodically.
    pub hw_checkpoint: BTreeMap<TopicPartition, Offset>,
    /// `.kafka_cleanshutdown` (`CleanShutdownFileHandler`): the broker epoch written at the end
    /// of a clean (controlled) shutdown, read and deleted at start-up. Its absence tells the
    /// controller the broker stopped uncleanly (KIP-966).
    #[serde(default)]
    pub clean_shutdown_epoch: Option<i64>,
}

/// Where the broker is in its life.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BrokerState {
    /// Catching up with the metadata log, not yet registered.
    Starting,
    /// Registered, fenced until caught up.
    Fenced,
    Running,
    /// Controlled shutdown in progress: leaderships are moving away.
    ShuttingDown,
}

impl BrokerState {
    pub(crate) fn name(self) -> &'static str {
        match self {
            BrokerState::Starting => "starting",
            BrokerState::Fenced => "fenced",
            BrokerState::Running => "running",
            BrokerState::ShuttingDown => "shutting down",
        }
    }
}

/// The link to the active controller: who we think leads the quorum.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct ControllerLink {
    pub leader: Option<i32>,
    next: u32,
}

impl ControllerLink {
    pub(crate) fn target(&mut self, env: &Env) -> NodeAddr {
        match self.leader {
            Some(l) => NodeAddr::Controller(l),
            None => {
                let v = env.voters[(self.next as usize) % env.voters.len()];
                NodeAddr::Controller(v)
            }
        }
    }
    /// The current target did not answer: try the next voter.
    pub(crate) fn failed(&mut self) {
        self.leader = None;
        self.next = self.next.wrapping_add(1);
    }
    pub(crate) fn hint(&mut self, leader: Option<i32>) {
        if leader.is_some() {
            self.leader = leader;
        }
    }
}

/// A broker's running process: everything here is lost in a crash.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BrokerProc {
    pub id: BrokerId,
    pub incarnation: u64,
    pub(crate) rng: Pcg32,
    pub(crate) corr: CorrIds,
    pub state: BrokerState,
    pub broker_epoch: i64,
    pub image: MetadataImage,
    pub(crate) controller: ControllerLink,
    pub(crate) registration_inflight: Option<u64>,
    pub(crate) heartbeat_inflight: Option<u64>,
    pub(crate) meta_fetch_inflight: Option<u64>,
    /// The epoch of the last metadata record we hold (sent as `last_fetched_epoch`).
    pub(crate) meta_last_epoch: Epoch,
    /// Whether the initial metadata catch-up is done: until then the broker does not act on
    /// partitions (its local copy may be stale), as KRaft brokers wait before starting the
    /// replica manager.
    pub caught_up: bool,
    pub(crate) next_heartbeat: SimTime,
    pub replicas: BTreeMap<TopicPartition, ReplicaState>,
    pub(crate) fetchers: BTreeMap<BrokerId, Fetcher>,
    pub(crate) delayed_produce: BTreeMap<u64, DelayedProduce>,
    pub(crate) delayed_fetch: BTreeMap<u64, DelayedFetch>,
    pub(crate) next_delayed: u64,
    /// Admin requests forwarded to the controller: our corr → (client, client's corr).
    pub(crate) forwarded: BTreeMap<u64, (NodeAddr, u64)>,
    pub(crate) alter_partition_inflight: BTreeMap<u64, replica::AlterPartitionItem>,
    /// When the retry of the requests lost with a controller connection is due: one retry is
    /// pending at a time (the channel's reconnect backoff), so a dead controller is not asked
    /// again once per lost request.
    #[serde(default)]
    pub(crate) controller_retry_at: Option<SimTime>,
    pub(crate) topic_configs: BTreeMap<String, TopicConfig>,
    /// Fault injection: extra delay before each replica fetch (a slow follower).
    pub fetch_delay_ms: i64,
    /// Topics this broker asked the controller to auto-create (so it asks once).
    pub(crate) auto_creating: BTreeMap<String, SimTime>,
    /// The producer-id block in use (`RPCProducerIdManager.currentProducerIdBlock`): its first
    /// id, the next id to hand out, and its end.
    pub(crate) producer_ids: (i64, i64, i64),
    /// The block fetched ahead (`nextProducerIdBlock`).
    pub(crate) next_producer_ids: Option<(i64, i64)>,
    pub(crate) producer_id_inflight: Option<u64>,
    /// No AllocateProducerIds before this (`backoffDeadlineMs` after a failed one).
    pub(crate) producer_id_backoff_until: SimTime,
    /// The broker epoch read from the clean shutdown file at start-up (-1: none), sent as
    /// `previousBrokerEpoch` when registering.
    #[serde(default)]
    pub(crate) previous_broker_epoch: i64,
    /// `BrokerLifecycleManager.gotControlledShutdownResponse`.
    #[serde(default)]
    pub(crate) got_controlled_shutdown_response: bool,
    pub coordinator: group::GroupCoordinator,
    pub txn: txn::TxnCoordinator,
}

/// A broker: disk plus process.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BrokerNode {
    pub id: BrokerId,
    pub rack: Option<String>,
    pub disk: BrokerDisk,
    pub proc: Option<BrokerProc>,
    pub incarnations: u64,
}

/// The port of `localhost:<port>` for a broker.
pub(crate) fn endpoint_for(id: BrokerId, rack: Option<String>) -> BrokerEndpoint {
    BrokerEndpoint { id, host: "localhost".into(), port: Env::broker_port(id), rack }
}

impl BrokerNode {
    pub(crate) fn new(id: BrokerId, rack: Option<String>) -> BrokerNode {
        BrokerNode { id, rack, disk: BrokerDisk::default(), proc: None, incarnations: 0 }
    }

    /// Starts the broker process: log recovery, replay of the local metadata copy, then
    /// metadata fetching and registration.
    pub(crate) fn start(&mut self, now: SimTime, env: &Env, rng: Pcg32, out: &mut BrokerOut) {
        self.incarnations += 1;
        // LogManager.readBrokerEpochFromCleanShutdownFiles, then loading the logs deletes the
        // file: only the start right after a clean shutdown finds it.
        let previous_broker_epoch = self.disk.clean_shutdown_epoch.take().unwrap_or(-1);
        let mut image = MetadataImage::new();
        for (off, _, rec) in &self.disk.metadata {
            image.apply(*off, rec);
        }
        let now_ms = env.wall_ms(now);
        for (tp, log) in self.disk.logs.iter_mut() {
            let lost = log.recover(env.power_loss);
            if let Some(hw) = self.disk.hw_checkpoint.get(tp) {
                log.high_watermark = (*hw).min(log.log_end_offset).max(log.log_start_offset);
            } else {
                log.high_watermark = log.high_watermark.min(log.log_end_offset);
            }
            if !lost.is_empty() {
                out.trace(TraceKind::LogRecovered {
                    broker: self.id,
                    tp: tp.clone(),
                    log_end_offset: log.log_end_offset,
                    lost_unflushed: lost,
                });
            }
            log.last_flush_ms = now_ms;
        }
        let mut p = BrokerProc {
            id: self.id,
            incarnation: self.incarnations,
            rng,
            corr: CorrIds::default(),
            state: BrokerState::Starting,
            broker_epoch: -1,
            image,
            controller: ControllerLink::default(),
            registration_inflight: None,
            heartbeat_inflight: None,
            meta_fetch_inflight: None,
            meta_last_epoch: self.disk.metadata.last().map(|(_, e, _)| *e).unwrap_or(0),
            caught_up: false,
            next_heartbeat: now,
            replicas: BTreeMap::new(),
            fetchers: BTreeMap::new(),
            delayed_produce: BTreeMap::new(),
            delayed_fetch: BTreeMap::new(),
            next_delayed: 0,
            forwarded: BTreeMap::new(),
            alter_partition_inflight: BTreeMap::new(),
            controller_retry_at: None,
            topic_configs: BTreeMap::new(),
            fetch_delay_ms: 0,
            auto_creating: BTreeMap::new(),
            producer_ids: (0, 0, 0),
            next_producer_ids: None,
            producer_id_inflight: None,
            producer_id_backoff_until: SimTime::ZERO,
            previous_broker_epoch,
            got_controlled_shutdown_response: false,
            coordinator: group::GroupCoordinator::default(),
            txn: txn::TxnCoordinator::default(),
        };
        out.trace(TraceKind::ProcessStarted { node: NodeAddr::Broker(self.id) });
        p.refresh_all_configs(env);
        p.fetch_metadata(now, env, out);
        p.register(now, env, &self.rack, out);
        out.timer(now.plus_ms(env.settings.replica_lag_time_max_ms / 2), BrokerTimer::IsrExpiration);
        // LogManager.startup schedules "kafka-log-retention" at a fixed rate of
        // log.retention.check.interval.ms, starting log.initial.task.delay.ms after the start.
        out.timer(now.plus_ms(LOG_INITIAL_TASK_DELAY_MS), BrokerTimer::RetentionCheck);
        out.timer(now.plus_ms(env.settings.log_cleaner_backoff_ms), BrokerTimer::CleanerCheck);
        out.timer(now.plus_ms(5000), BrokerTimer::HwCheckpoint);
        out.timer(now.plus_ms(1000), BrokerTimer::Flush);
        self.proc = Some(p);
    }
}

/// What the learner's commands ask of a broker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum BrokerInput {
    /// `broker slow`: the replica fetchers wait this long before each fetch (0: no delay).
    SlowFetches { delay_ms: i64 },
    /// `broker stop`: a controlled shutdown (`BrokerLifecycleManager.beginControlledShutdown`);
    /// a broker that never registered just exits.
    ControlledShutdown,
}

impl Node for BrokerNode {
    type Timer = BrokerTimer;
    type Input = BrokerInput;

    fn handle_input(&mut self, now: SimTime, input: BrokerInput, env: &Env, out: &mut BrokerOut) {
        let Some(p) = self.proc.as_mut() else { return };
        match input {
            BrokerInput::SlowFetches { delay_ms } => p.fetch_delay_ms = delay_ms.max(0),
            BrokerInput::ControlledShutdown if p.broker_epoch < 0 => out.exit(),
            BrokerInput::ControlledShutdown => p.begin_controlled_shutdown(now, env, out),
        }
    }

    fn handle_message(&mut self, now: SimTime, from: NodeAddr, msg: Message, env: &Env, out: &mut BrokerOut) {
        let Some(p) = self.proc.as_mut() else { return };
        let disk = &mut self.disk;
        match msg.body {
            Body::Req(req) => p.handle_request(now, from, msg.corr, req, disk, env, out),
            Body::Resp(resp) => p.handle_response(now, from, msg.corr, resp, disk, env, out),
        }
    }

    fn handle_timer(&mut self, now: SimTime, timer: BrokerTimer, env: &Env, out: &mut BrokerOut) {
        let Some(p) = self.proc.as_mut() else { return };
        p.handle_timer(now, timer, &mut self.disk, env, out);
    }

    fn handle_disconnect(&mut self, now: SimTime, peer: NodeAddr, env: &Env, out: &mut BrokerOut) {
        let Some(p) = self.proc.as_mut() else { return };
        match peer {
            NodeAddr::Controller(_) => {
                // Only the connection to the controller we talk to matters; requests sent to it
                // are sent again (to the next voter) after a short backoff.
                let target = p.controller.target(env);
                let lost_alter: Vec<u64> =
                    p.alter_partition_inflight.iter().filter(|(_, i)| i.to == peer).map(|(c, _)| *c).collect();
                for c in &lost_alter {
                    p.alter_partition_inflight.remove(c);
                }
                if peer != target && lost_alter.is_empty() {
                    return;
                }
                if peer == target {
                    p.controller.failed();
                    if p.producer_id_inflight.take().is_some() {
                        p.producer_id_backoff_until = now;
                    }
                    p.meta_fetch_inflight = None;
                    p.registration_inflight = None;
                    p.heartbeat_inflight = None;
                }
                p.schedule_controller_retry(now, 100, out);
            }
            NodeAddr::Broker(leader) => {
                if let Some(f) = p.fetchers.get_mut(&leader) {
                    f.inflight = None;
                    let at = now.plus_ms(env.settings.replica_fetch_backoff_ms);
                    f.backoff_until = at;
                    out.timer(at, BrokerTimer::FetcherWake(leader));
                }
            }
            NodeAddr::Client(_) => {}
        }
    }
}

impl BrokerProc {
    /// Schedules one retry of the controller requests `delay_ms` from now, unless one is
    /// already pending.
    pub(crate) fn schedule_controller_retry(&mut self, now: SimTime, delay_ms: i64, out: &mut BrokerOut) {
        if self.controller_retry_at.is_some_and(|at| at > now) {
            return;
        }
        let at = now.plus_ms(delay_ms);
        self.controller_retry_at = Some(at);
        out.timer(at, BrokerTimer::ControllerRequestTimeout(0));
    }

    /// The effective config of a topic on this broker.
    pub(crate) fn config(&self, topic: &str) -> TopicConfig {
        self.topic_configs.get(topic).cloned().unwrap_or_default()
    }

    pub(crate) fn refresh_all_configs(&mut self, env: &Env) {
        let broker = self.image.broker_level_configs(self.id, &env.static_configs);
        self.topic_configs =
            self.image.topics.values().map(|t| (t.name.clone(), TopicConfig::resolve(&t.configs, &broker))).collect();
    }

    fn register(&mut self, now: SimTime, env: &Env, rack: &Option<String>, out: &mut BrokerOut) {
        if self.registration_inflight.is_some() {
            return;
        }
        let corr = self.corr.next_id();
        self.registration_inflight = Some(corr);
        let to = self.controller.target(env);
        out.request(
            to,
            corr,
            Request::BrokerRegistration {
                endpoint: endpoint_for(self.id, rack.clone()),
                incarnation: self.incarnation,
                previous_broker_epoch: self.previous_broker_epoch,
            },
        );
        out.timer(now.plus_ms(2000), BrokerTimer::ControllerRequestTimeout(corr));
    }

    /// Long-polls the active controller for committed metadata records (as an observer).
    pub(crate) fn fetch_metadata(&mut self, now: SimTime, env: &Env, out: &mut BrokerOut) {
        if self.meta_fetch_inflight.is_some() {
            return;
        }
        let corr = self.corr.next_id();
        self.meta_fetch_inflight = Some(corr);
        let to = self.controller.target(env);
        let last_epoch = self.meta_last_epoch;
        out.request(
            to,
            corr,
            Request::MetadataFetch {
                replica: self.id,
                fetch_offset: self.image.offset + 1,
                last_fetched_epoch: last_epoch,
                max_wait_ms: 500,
            },
        );
        out.timer(now.plus_ms(2500), BrokerTimer::ControllerRequestTimeout(corr));
    }

    fn send_heartbeat(&mut self, now: SimTime, env: &Env, out: &mut BrokerOut) {
        if self.broker_epoch < 0 || self.heartbeat_inflight.is_some() {
            return;
        }
        let corr = self.corr.next_id();
        self.heartbeat_inflight = Some(corr);
        let to = self.controller.target(env);
        out.request(
            to,
            corr,
            Request::BrokerHeartbeat {
                broker: self.id,
                broker_epoch: self.broker_epoch,
                metadata_offset: self.image.offset,
                want_fence: false,
                want_shutdown: self.state == BrokerState::ShuttingDown,
            },
        );
        out.timer(
            now.plus_ms(env.settings.broker_heartbeat_interval_ms.max(1000)),
            BrokerTimer::ControllerRequestTimeout(corr),
        );
    }

    /// Begins a controlled shutdown: heartbeats now ask for it.
    pub(crate) fn begin_controlled_shutdown(&mut self, now: SimTime, env: &Env, out: &mut BrokerOut) {
        if self.state == BrokerState::ShuttingDown {
            return;
        }
        self.state = BrokerState::ShuttingDown;
        self.heartbeat_inflight = None;
        self.send_heartbeat(now, env, out);
    }

    #[allow(clippy::too_many_arguments)]
    fn handle_request(
        &mut self,
        now: SimTime,
        from: NodeAddr,
        corr: u64,
        req: Request,
        disk: &mut BrokerDisk,
        env: &Env,
        out: &mut BrokerOut,
    ) {
        match req {
            Request::Produce { acks, timeout_ms, batches, .. } => {
                self.handle_produce(now, from, corr, acks, timeout_ms, batches, disk, env, out)
            }
            Request::Fetch { replica, max_wait_ms, min_bytes, max_bytes, isolation, partitions } => self.handle_fetch(
                now,
                from,
                corr,
                replica,
                max_wait_ms,
                min_bytes,
                max_bytes,
                isolation,
                partitions,
                disk,
                env,
                out,
            ),
            Request::Metadata { topics, allow_auto_create } => {
                self.handle_metadata(now, from, corr, topics, allow_auto_create, env, out)
            }
            Request::ListOffsets { isolation, partitions } => {
                self.handle_list_offsets(from, corr, isolation, partitions, disk, out)
            }
            Request::DescribeConfigs { resources } => self.handle_describe_configs(from, corr, resources, env, out),
            Request::ApiVersions => out.respond(from, corr, Response::ApiVersions(requests::api_versions())),
            Request::Controller(inner) => self.forward_to_controller(now, from, corr, inner, env, out),
            Request::WriteTxnMarkers { markers } => {
                let resp = self.write_txn_markers(now, markers, disk, env, out);
                out.respond(from, corr, resp);
            }
            req @ Request::InitProducerId { transactional_id: None, .. } => {
                self.txn_step(now, disk, env, out, |s| s.handle_init_producer_id(from, corr, req))
            }
            other => self.handle_coordinator_request(now, (from, corr), other, disk, env, out),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn handle_response(
        &mut self,
        now: SimTime,
        from: NodeAddr,
        corr: u64,
        resp: Response,
        disk: &mut BrokerDisk,
        env: &Env,
        out: &mut BrokerOut,
    ) {
        match resp {
            Response::MetadataFetch { leader, error, high_watermark, entries, .. } => {
                if self.meta_fetch_inflight != Some(corr) {
                    return;
                }
                self.meta_fetch_inflight = None;
                if error.is_some() {
                    if leader.is_some() && leader != self.controller.leader {
                        self.controller.hint(leader);
                    } else {
                        self.controller.failed();
                    }
                    out.timer(now.plus_ms(100), BrokerTimer::ControllerRequestTimeout(0));
                    return;
                }
                self.controller.hint(leader);
                let mut changed = false;
                let mut deltas: Vec<ImageDelta> = Vec::new();
                for (off, e, rec) in entries {
                    let noop = matches!(*rec, MetadataRecord::NoOp);
                    // A NoOpRecord past the next offset ends a run of them that the controller
                    // keeps as its last one (`MetaEntry`).
                    let next = self.image.offset + 1;
                    if (off != next && !(noop && off > next)) || off >= high_watermark {
                        continue;
                    }
                    self.meta_last_epoch = e;
                    let delta = self.image.apply(off, &rec);
                    if noop {
                        // Nothing changes; only the metadata offset moves. A run of them is
                        // kept as its last one, as on the controller.
                        match disk.metadata.last_mut() {
                            Some(last) if matches!(*last.2, MetadataRecord::NoOp) && last.1 == e => last.0 = off,
                            _ => disk.metadata.push((off, e, rec)),
                        }
                        continue;
                    }
                    disk.metadata.push((off, e, rec.clone()));
                    if self.caught_up && !deltas.contains(&delta) {
                        deltas.push(delta);
                    }
                    changed = true;
                }
                // Act on the batch as a whole, like a published metadata image: a broker that
                // catches up after a partition never acts on intermediate states.
                for delta in deltas {
                    self.on_metadata_delta(now, delta, disk, env, out);
                }
                if !self.caught_up && self.image.offset + 1 >= high_watermark {
                    // Initial catch-up done: act on every partition at once.
                    self.caught_up = true;
                    self.refresh_all_configs(env);
                    let parts: Vec<TopicPartition> = self
                        .image
                        .topics
                        .values()
                        .flat_map(|t| t.partitions.keys().map(move |pid| TopicPartition::new(t.name.clone(), *pid)))
                        .collect();
                    for tp in parts {
                        self.apply_partition(now, &tp, disk, env, out);
                    }
                    // Logs of partitions this broker no longer hosts (deleted while it was away).
                    let stray: Vec<TopicPartition> =
                        disk.logs.keys().filter(|tp| !self.replicas.contains_key(*tp)).cloned().collect();
                    for tp in stray {
                        self.remove_replica(now, &tp, disk, out, true);
                    }
                    changed = true;
                }
                if changed && self.caught_up {
                    self.on_metadata_applied(now, disk, env, out);
                }
                self.fetch_metadata(now, env, out);
            }
            Response::BrokerRegistration { error, broker_epoch, leader } => {
                if self.registration_inflight != Some(corr) {
                    return;
                }
                self.registration_inflight = None;
                match error {
                    None => {
                        self.broker_epoch = broker_epoch;
                        if self.state == BrokerState::Starting {
                            self.state = BrokerState::Fenced;
                        }
                        self.send_heartbeat(now, env, out);
                    }
                    Some(e) => {
                        if e.error == KafkaError::NOT_CONTROLLER {
                            if leader.is_some() {
                                self.controller.hint(leader);
                            } else {
                                self.controller.failed();
                            }
                        }
                        out.timer(
                            now.plus_ms(if e.error == KafkaError::NOT_CONTROLLER { 50 } else { 1000 }),
                            BrokerTimer::ControllerRequestTimeout(0),
                        );
                    }
                }
            }
            Response::BrokerHeartbeat { error, is_fenced, should_shutdown, leader, .. } => {
                if self.heartbeat_inflight != Some(corr) {
                    return;
                }
                self.heartbeat_inflight = None;
                match error {
                    Some(KafkaError::NOT_CONTROLLER) => {
                        if leader.is_some() {
                            self.controller.hint(leader);
                        } else {
                            self.controller.failed();
                        }
                        out.timer(now.plus_ms(50), BrokerTimer::BrokerHeartbeat);
                        return;
                    }
                    Some(_) => {
                        // Our registration is stale (e.g. the controller lost it): register again.
                        self.broker_epoch = -1;
                        self.state = if self.state == BrokerState::ShuttingDown {
                            BrokerState::ShuttingDown
                        } else {
                            BrokerState::Starting
                        };
                        out.timer(now.plus_ms(100), BrokerTimer::ControllerRequestTimeout(0));
                        return;
                    }
                    None => {}
                }
                if self.state == BrokerState::ShuttingDown && should_shutdown {
                    // LogManager.shutdown(brokerEpoch) writes the clean shutdown file.
                    disk.clean_shutdown_epoch = Some(self.broker_epoch);
                    out.trace(TraceKind::ProcessStopped { node: NodeAddr::Broker(self.id) });
                    out.exit();
                    return;
                }
                if self.state == BrokerState::Fenced && !is_fenced {
                    self.state = BrokerState::Running;
                }
                // BrokerLifecycleManager: while a controlled shutdown is pending, the heartbeat
                // after the first answer goes out 50 ms later, the next ones at the usual interval.
                let next =
                    now.plus_ms(if self.state == BrokerState::ShuttingDown && !self.got_controlled_shutdown_response {
                        50
                    } else {
                        env.settings.broker_heartbeat_interval_ms
                    });
                if self.state == BrokerState::ShuttingDown {
                    self.got_controlled_shutdown_response = true;
                }
                self.next_heartbeat = next;
                out.timer(next, BrokerTimer::BrokerHeartbeat);
            }
            Response::AlterPartition { error, leader_epoch, partition_epoch, isr, leader, .. } => {
                let Some(item) = self.alter_partition_inflight.remove(&corr) else { return };
                if error == Some(KafkaError::NOT_CONTROLLER) {
                    if leader.is_some() && leader != self.controller.leader {
                        self.controller.hint(leader);
                    } else if leader.is_none() {
                        self.controller.failed();
                    }
                }
                self.on_alter_partition_response(now, item, error, leader_epoch, partition_epoch, isr, disk, env, out);
            }
            Response::AllocateProducerIds { error, first, count, leader } => {
                if self.producer_id_inflight != Some(corr) {
                    return;
                }
                self.producer_id_inflight = None;
                // `handleAllocateProducerIdsResponse`: keep a valid block for when the current
                // one runs out; after an error wait RETRY_BACKOFF_MS (50 ms) before asking again.
                let valid = error.is_none() && first > self.producer_ids.2 - 1 && first >= 0 && count > 0;
                if valid {
                    self.next_producer_ids = Some((first, first + count));
                } else {
                    if error == Some(KafkaError::NOT_CONTROLLER) {
                        self.controller.hint(leader);
                        if leader.is_none() {
                            self.controller.failed();
                        }
                    }
                    self.producer_id_backoff_until = now.plus_ms(50);
                }
            }
            Response::Controller(inner) => self.on_controller_response(now, corr, inner, out),
            Response::Fetch { error, partitions } => {
                if let NodeAddr::Broker(leader) = from {
                    self.on_replica_fetch_response(now, leader, corr, error, partitions, disk, env, out);
                }
            }
            other => self.txn_step(now, disk, env, out, |s| s.handle_txn_response(from, corr, other)),
        }
    }

    fn handle_timer(
        &mut self,
        now: SimTime,
        timer: BrokerTimer,
        disk: &mut BrokerDisk,
        env: &Env,
        out: &mut BrokerOut,
    ) {
        match timer {
            BrokerTimer::BrokerHeartbeat if now >= self.next_heartbeat || self.state == BrokerState::ShuttingDown => {
                self.send_heartbeat(now, env, out);
            }
            BrokerTimer::ControllerRequestTimeout(corr) => {
                let mut retry = corr == 0;
                if corr == 0 && self.controller_retry_at.is_some_and(|at| now >= at) {
                    self.controller_retry_at = None;
                }
                if corr != 0 && self.registration_inflight == Some(corr) {
                    self.registration_inflight = None;
                    self.controller.failed();
                    retry = true;
                }
                if corr != 0 && self.heartbeat_inflight == Some(corr) {
                    self.heartbeat_inflight = None;
                    self.controller.failed();
                    retry = true;
                }
                if corr != 0 && self.meta_fetch_inflight == Some(corr) {
                    self.meta_fetch_inflight = None;
                    self.controller.failed();
                    retry = true;
                }
                if corr != 0 {
                    if let Some((client, ccorr)) = self.forwarded.remove(&corr) {
                        out.respond(
                            client,
                            ccorr,
                            Response::Controller(crate::sim::protocol::ControllerResponse::NotController {
                                leader: None,
                            }),
                        );
                        self.controller.failed();
                    }
                    if self.producer_id_inflight == Some(corr) {
                        // `RPCProducerIdManager` `onTimeout`: ask again on the next request.
                        self.producer_id_inflight = None;
                        self.controller.failed();
                    }
                    if self.alter_partition_inflight.remove(&corr).is_some() {
                        self.controller.failed();
                        retry = true;
                    }
                }
                if retry {
                    self.resend_pending_isr_changes(now, env, out);
                    self.fetch_metadata(now, env, out);
                    if self.broker_epoch == -1 {
                        let rack = self.image.brokers.get(&self.id).and_then(|b| b.endpoint.rack.clone());
                        self.register(now, env, &rack, out);
                    } else if self.broker_epoch >= 0 {
                        self.send_heartbeat(now, env, out);
                    }
                }
            }
            BrokerTimer::IsrExpiration => {
                self.maybe_shrink_isr(now, disk, env, out);
                out.timer(now.plus_ms((env.settings.replica_lag_time_max_ms / 2).max(1)), BrokerTimer::IsrExpiration);
            }
            BrokerTimer::FetcherWake(leader) => self.maybe_send_replica_fetch(now, leader, disk, env, out),
            BrokerTimer::ReplicaRequestTimeout(corr) => self.on_replica_fetch_timeout(now, corr, env, out),
            BrokerTimer::DelayedProduce(id) => self.expire_delayed_produce(now, id, disk, env, out),
            BrokerTimer::DelayedFetch(id) => self.expire_delayed_fetch(now, id, disk, env, out),
            BrokerTimer::RetentionCheck => {
                self.run_retention(now, disk, env, out);
                out.timer(now.plus_ms(env.settings.log_retention_check_interval_ms), BrokerTimer::RetentionCheck);
            }
            BrokerTimer::CleanerCheck => {
                self.run_cleaner(now, disk, env, out);
                out.timer(now.plus_ms(env.settings.log_cleaner_backoff_ms), BrokerTimer::CleanerCheck);
            }
            BrokerTimer::HwCheckpoint => {
                for (tp, log) in &disk.logs {
                    disk.hw_checkpoint.insert(tp.clone(), log.high_watermark);
                }
                disk.hw_checkpoint.retain(|tp, _| disk.logs.contains_key(tp));
                out.timer(now.plus_ms(5000), BrokerTimer::HwCheckpoint);
            }
            BrokerTimer::Flush => {
                self.run_flush(now, disk, env);
                out.timer(now.plus_ms(1000), BrokerTimer::Flush);
            }
            BrokerTimer::GroupTick(group) => self.group_step(now, disk, env, out, |s| s.handle_tick(&group)),
            BrokerTimer::TxnTick => self.txn_step(now, disk, env, out, |s| s.txn_tick()),
            _ => {}
        }
    }

    /// Reacts to one applied metadata record.
    fn on_metadata_delta(
        &mut self,
        now: SimTime,
        delta: ImageDelta,
        disk: &mut BrokerDisk,
        env: &Env,
        out: &mut BrokerOut,
    ) {
        match delta {
            ImageDelta::Partition { topic, partition } => {
                let tp = TopicPartition::new(topic, partition);
                self.apply_partition(now, &tp, disk, env, out);
            }
            ImageDelta::Partitions(list) => {
                for (topic, partition) in list {
                    self.apply_partition(now, &TopicPartition::new(topic, partition), disk, env, out);
                }
            }
            ImageDelta::TopicCreated { topic } => {
                let broker = self.image.broker_level_configs(self.id, &env.static_configs);
                if let Some(t) = self.image.topics.get(&topic) {
                    self.topic_configs.insert(topic.clone(), TopicConfig::resolve(&t.configs, &broker));
                }
                self.auto_creating.remove(&topic);
            }
            ImageDelta::TopicRemoved { topic, partitions, .. } => {
                for (p, _) in partitions {
                    let tp = TopicPartition::new(topic.clone(), p);
                    self.remove_replica(now, &tp, disk, out, true);
                }
                self.topic_configs.remove(&topic);
            }
            ImageDelta::Config(_) => self.refresh_all_configs(env),
            ImageDelta::Broker(b) => {
                if b == self.id {
                    if let Some(reg) = self.image.brokers.get(&self.id) {
                        if !reg.fenced && self.state == BrokerState::Fenced && reg.epoch == self.broker_epoch {
                            self.state = BrokerState::Running;
                        }
                    }
                }
            }
            ImageDelta::None => {}
        }
    }

    /// After a batch of metadata: retry what may have become possible.
    fn on_metadata_applied(&mut self, now: SimTime, disk: &mut BrokerDisk, env: &Env, out: &mut BrokerOut) {
        // Follower fetchers may need to start for newly known leaders.
        let leaders: Vec<BrokerId> = self.fetchers.keys().copied().collect();
        for l in leaders {
            self.maybe_send_replica_fetch(now, l, disk, env, out);
        }
        self.txn_step(now, disk, env, out, |s| s.retry_txn_markers());
    }
}
