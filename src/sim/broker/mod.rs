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
pub(crate) mod consumer_group_migration;
pub mod consumer_group_state;
pub(crate) mod coordinators;
pub(crate) mod fetch;
pub(crate) mod group;
pub(crate) mod host;
pub(crate) mod housekeeping;
pub(crate) mod produce;
pub(crate) mod quotas;
pub(crate) mod replica;
pub mod requests;
pub(crate) mod security;
pub(crate) mod share_coordinator;
pub(crate) mod share_fetch;
pub(crate) mod share_group;
pub(crate) mod share_group_state;
pub mod share_partition;
pub(crate) mod timer;
pub(crate) mod txn;

use crate::sim::codec::Codec;
use crate::sim::config::TopicConfig;
use crate::sim::errors::KafkaError;
use crate::sim::log::Log;
use crate::sim::metadata::{ImageDelta, MetadataImage, MetadataRecord};
use crate::sim::node::{CorrIds, Env, Node, ReplyTo};
use crate::sim::protocol::{Body, Message, Request, Response};
use crate::sim::rng::Pcg32;
use crate::sim::sort::CompactCollect;
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
#[derive(Clone, Debug, Default, Serialize, Deserialize, Codec)]
pub struct BrokerDisk {
    pub logs: BTreeMap<TopicPartition, Log>,
    /// The committed metadata records this broker has fetched.
    pub metadata: Vec<(Offset, Epoch, Rc<MetadataRecord>)>,
    /// `replication-offset-checkpoint`: the HW of each partition, written periodically.
    pub(crate) hw_checkpoint: BTreeMap<TopicPartition, Offset>,
    /// `.kafka_cleanshutdown` (`CleanShutdownFileHandler`): the broker epoch written at the end
    /// of a clean (controlled) shutdown, read and deleted at start-up. Its absence tells the
    /// controller the broker stopped uncleanly (KIP-966).
    #[serde(default)]
    pub clean_shutdown_epoch: Option<i64>,
}

/// Where the broker is in its life.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub enum BrokerState {
    /// Catching up with the metadata log, not yet registered.
    Starting,
    /// Registered, fenced until caught up.
    Fenced,
    Running,
    /// Controlled shutdown in progress: leaderships are moving away.
    ShuttingDown,
}

/// The link to the active controller: who we think leads the quorum.
#[derive(Clone, Debug, Default, Serialize, Deserialize, Codec)]
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
    /// A NOT_CONTROLLER answer: talk to the leader it names, else to the next voter.
    pub(crate) fn not_controller(&mut self, leader: Option<i32>) {
        match leader {
            Some(_) => self.hint(leader),
            None => self.failed(),
        }
    }
}

/// A broker's running process: everything here is lost in a crash.
#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub struct BrokerProc {
    pub id: BrokerId,
    pub(crate) incarnation: u64,
    pub(crate) rng: Pcg32,
    pub(crate) corr: CorrIds,
    pub state: BrokerState,
    pub(crate) broker_epoch: i64,
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
    pub(crate) caught_up: bool,
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
    pub(crate) fetch_delay_ms: i64,
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
    pub(crate) txn: txn::TxnCoordinator,
    /// KIP-932: the share-partitions this broker leads, share sessions and parked ShareFetches.
    #[serde(default)]
    pub share: share_fetch::ShareState,
    /// KIP-932: the share coordinator (`__share_group_state`).
    #[serde(default)]
    pub share_coord: share_coordinator::ShareCoordinator,
    /// Client connections' principals and client ids (for client quotas).
    #[serde(default)]
    pub(crate) client_sessions: BTreeMap<u32, quotas::ClientSession>,
    /// Byte-rate quota sensors (`QuotaFactory.QuotaManagers` produce and fetch).
    #[serde(default)]
    pub(crate) quotas: crate::sim::quota::QuotaManagers,
    /// Sizes of produce requests awaiting their response, by (client, correlation id).
    #[serde(default)]
    pub(crate) produce_sizes: BTreeMap<(u32, u64), i64>,
    /// Requests handled per second (the request metrics).
    #[serde(default)]
    pub(crate) work: quotas::WorkMeter,
}

/// A broker: disk plus process.
#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub struct BrokerNode {
    pub id: BrokerId,
    pub rack: Option<String>,
    pub disk: BrokerDisk,
    pub proc: Option<BrokerProc>,
    pub(crate) incarnations: u64,
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
            share: share_fetch::ShareState::default(),
            share_coord: share_coordinator::ShareCoordinator::default(),
            client_sessions: BTreeMap::new(),
            quotas: crate::sim::quota::QuotaManagers::default(),
            produce_sizes: BTreeMap::new(),
            work: quotas::WorkMeter::default(),
        };
        out.trace(TraceKind::ProcessStarted { node: NodeAddr::Broker(self.id) });
        p.refresh_all_configs(env);
        let mut step = BrokerStep { proc: &mut p, disk: &mut self.disk, now, env, out };
        step.fetch_metadata();
        step.register(&self.rack);
        out.timer(now.plus_ms(env.settings.replica_lag_time_max_ms / 2), BrokerTimer::IsrExpiration);
        // LogManager.startup schedules "kafka-log-retention" at a fixed rate of
        // log.retention.check.interval.ms, starting log.initial.task.delay.ms after the start.
        out.timer(now.plus_ms(LOG_INITIAL_TASK_DELAY_MS), BrokerTimer::RetentionCheck);
        out.timer(now.plus_ms(env.settings.log_cleaner_backoff_ms), BrokerTimer::CleanerCheck);
        // RemoteLogManager schedules each leader's RLMCopyTask and RLMExpirationTask every
        // remote.log.manager.task.interval.ms; only on a cluster with tiered storage.
        if env.settings.remote_log_storage_system_enable {
            out.timer(
                now.plus_ms(env.settings.remote_log_manager_task_interval_ms.max(1)),
                BrokerTimer::RemoteLogManager,
            );
        }
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
        self.run(now, env, out, |step| step.handle_input(input));
    }

    fn handle_message(&mut self, now: SimTime, from: NodeAddr, msg: Message, env: &Env, out: &mut BrokerOut) {
        self.run(now, env, out, |step| step.handle_message(from, msg));
    }

    fn handle_timer(&mut self, now: SimTime, timer: BrokerTimer, env: &Env, out: &mut BrokerOut) {
        self.run(now, env, out, |step| step.handle_timer(timer));
    }

    fn handle_disconnect(&mut self, now: SimTime, peer: NodeAddr, env: &Env, out: &mut BrokerOut) {
        self.run(now, env, out, |step| step.handle_disconnect(peer));
    }
}

/// One step of a running broker: its process and its disk, borrowed for one input (a request,
/// a response, a timer, a disconnect, a command), with the time, the environment and where the
/// step's effects go. The broker's handlers are its methods; what only reads the process stays
/// on [`BrokerProc`]. The coordinators run their own steps inside it
/// ([`BrokerStep::group_step`], [`BrokerStep::txn_step`]).
pub(crate) struct BrokerStep<'a> {
    pub(crate) proc: &'a mut BrokerProc,
    pub(crate) disk: &'a mut BrokerDisk,
    pub(crate) now: SimTime,
    pub(crate) env: &'a Env,
    pub(crate) out: &'a mut BrokerOut,
}

impl BrokerNode {
    /// Runs `f` as one step of this broker's process; a broker that is not running takes no
    /// input (what reaches it is lost, as with a dead process).
    fn run(&mut self, now: SimTime, env: &Env, out: &mut BrokerOut, f: impl FnOnce(&mut BrokerStep)) {
        if let Some(proc) = self.proc.as_mut() {
            let mut step = BrokerStep { proc, disk: &mut self.disk, now, env, out };
            f(&mut step);
            step.apply_client_quotas();
        }
    }
}

impl BrokerProc {
    /// The effective config of a topic on this broker.
    pub(crate) fn config(&self, topic: &str) -> TopicConfig {
        self.topic_configs.get(topic).cloned().unwrap_or_default()
    }

    pub(crate) fn refresh_all_configs(&mut self, env: &Env) {
        let broker = self.image.broker_level_configs(self.id, &env.static_configs);
        self.topic_configs = self
            .image
            .topics
            .values()
            .map(|t| (t.name.clone(), TopicConfig::resolve(&t.configs, &broker)))
            .collect_map();
    }
}

impl BrokerStep<'_> {
    /// Schedules one retry of the controller requests `delay_ms` from now, unless one is
    /// already pending.
    pub(crate) fn schedule_controller_retry(&mut self, delay_ms: i64) {
        if self.proc.controller_retry_at.is_some_and(|at| at > self.now) {
            return;
        }
        let at = self.now.plus_ms(delay_ms);
        self.proc.controller_retry_at = Some(at);
        self.out.timer(at, BrokerTimer::ControllerRequestTimeout(0));
    }

    fn register(&mut self, rack: &Option<String>) {
        if self.proc.registration_inflight.is_some() {
            return;
        }
        let corr = self.proc.corr.next_id();
        self.proc.registration_inflight = Some(corr);
        let to = self.proc.controller.target(self.env);
        self.out.request(
            to,
            corr,
            Request::BrokerRegistration {
                endpoint: endpoint_for(self.proc.id, rack.clone()),
                incarnation: self.proc.incarnation,
                previous_broker_epoch: self.proc.previous_broker_epoch,
            },
        );
        self.out.timer(self.now.plus_ms(2000), BrokerTimer::ControllerRequestTimeout(corr));
    }

    /// Long-polls the active controller for committed metadata records (as an observer).
    pub(crate) fn fetch_metadata(&mut self) {
        if self.proc.meta_fetch_inflight.is_some() {
            return;
        }
        let corr = self.proc.corr.next_id();
        self.proc.meta_fetch_inflight = Some(corr);
        let to = self.proc.controller.target(self.env);
        let last_epoch = self.proc.meta_last_epoch;
        self.out.request(
            to,
            corr,
            Request::MetadataFetch {
                replica: self.proc.id,
                fetch_offset: self.proc.image.offset + 1,
                last_fetched_epoch: last_epoch,
                max_wait_ms: 500,
            },
        );
        self.out.timer(self.now.plus_ms(2500), BrokerTimer::ControllerRequestTimeout(corr));
    }

    fn send_heartbeat(&mut self) {
        if self.proc.broker_epoch < 0 || self.proc.heartbeat_inflight.is_some() {
            return;
        }
        let corr = self.proc.corr.next_id();
        self.proc.heartbeat_inflight = Some(corr);
        let to = self.proc.controller.target(self.env);
        self.out.request(
            to,
            corr,
            Request::BrokerHeartbeat {
                broker: self.proc.id,
                broker_epoch: self.proc.broker_epoch,
                metadata_offset: self.proc.image.offset,
                want_fence: false,
                want_shutdown: self.proc.state == BrokerState::ShuttingDown,
            },
        );
        self.out.timer(
            self.now.plus_ms(self.env.settings.broker_heartbeat_interval_ms.max(1000)),
            BrokerTimer::ControllerRequestTimeout(corr),
        );
    }

    /// Begins a controlled shutdown: heartbeats now ask for it.
    pub(crate) fn begin_controlled_shutdown(&mut self) {
        if self.proc.state == BrokerState::ShuttingDown {
            return;
        }
        self.proc.state = BrokerState::ShuttingDown;
        self.proc.heartbeat_inflight = None;
        self.send_heartbeat();
    }

    /// What the learner's commands ask of the broker.
    fn handle_input(&mut self, input: BrokerInput) {
        match input {
            BrokerInput::SlowFetches { delay_ms } => self.proc.fetch_delay_ms = delay_ms.max(0),
            BrokerInput::ControlledShutdown if self.proc.broker_epoch < 0 => self.out.exit(),
            BrokerInput::ControlledShutdown => self.begin_controlled_shutdown(),
        }
    }

    fn handle_message(&mut self, from: NodeAddr, msg: Message) {
        match msg.body {
            Body::Req(mut req) => {
                self.quota_on_request(from, msg.corr, &mut req);
                self.handle_request(ReplyTo { to: from, corr: msg.corr }, req)
            }
            Body::Resp(resp) => self.handle_response(from, msg.corr, resp),
        }
    }

    /// The connection to `peer` closed.
    fn handle_disconnect(&mut self, peer: NodeAddr) {
        self.quota_on_disconnect(peer);
        let now = self.now;
        match peer {
            NodeAddr::Controller(_) => {
                // Only the connection to the controller we talk to matters; requests sent to it
                // are sent again (to the next voter) after a short backoff.
                let target = self.proc.controller.target(self.env);
                let lost_alter: Vec<u64> =
                    self.proc.alter_partition_inflight.iter().filter(|(_, i)| i.to == peer).map(|(c, _)| *c).collect();
                for c in &lost_alter {
                    self.proc.alter_partition_inflight.remove(c);
                }
                if peer != target && lost_alter.is_empty() {
                    return;
                }
                if peer == target {
                    self.proc.controller.failed();
                    if self.proc.producer_id_inflight.take().is_some() {
                        self.proc.producer_id_backoff_until = now;
                    }
                    self.proc.meta_fetch_inflight = None;
                    self.proc.registration_inflight = None;
                    self.proc.heartbeat_inflight = None;
                }
                self.schedule_controller_retry(100);
            }
            NodeAddr::Broker(leader) => {
                self.txn_step(|s| s.markers_disconnected(leader));
                if let Some(f) = self.proc.fetchers.get_mut(&leader) {
                    f.inflight = None;
                    let at = now.plus_ms(self.env.settings.replica_fetch_backoff_ms);
                    f.backoff_until = at;
                    self.out.timer(at, BrokerTimer::FetcherWake(leader));
                }
            }
            NodeAddr::Client(_) => {}
        }
    }

    fn handle_request(&mut self, reply: ReplyTo, req: Request) {
        if let Request::SaslAuthenticate { .. } = req {
            // SaslServerAuthenticator with PlainServerCallbackHandler: the login the request
            // carries is the one the connection's client is configured with.
            let error = self.env.principal_of(reply.to).err();
            self.out.reply(reply, Response::SaslAuthenticate(error));
            return;
        }
        if let Some(resp) = self.refuse_group_request(reply.to, &req) {
            self.out.reply(reply, resp);
            return;
        }
        let Some(req) = self.authorize_in_part(reply, req) else { return };
        match req {
            Request::Produce { acks, timeout_ms, batches, .. } => self.handle_produce(reply, acks, timeout_ms, batches),
            req @ Request::Fetch { .. } => self.handle_fetch(reply, req),
            Request::Metadata { topics, allow_auto_create } => self.handle_metadata(reply, topics, allow_auto_create),
            Request::DescribeAcls { filter } => self.handle_describe_acls(reply, filter),
            Request::Controller(inner) if self.refuse_admin(reply.to, &inner).is_some() => {
                if let Some(resp) = self.refuse_admin(reply.to, &inner) {
                    self.out.reply(reply, Response::Controller(resp));
                }
            }
            Request::ListOffsets { isolation, partitions } => self.handle_list_offsets(reply, isolation, partitions),
            Request::DescribeConfigs { resources } => self.handle_describe_configs(reply, resources),
            // KafkaApis.handleDescribeUserScramCredentialsRequest: DESCRIBE on the cluster, else
            // CLUSTER_AUTHORIZATION_FAILED.
            Request::DescribeUserScramCredentials { .. } => {
                let allowed = self.allowed(
                    reply.to,
                    crate::sim::acl::AclOperation::Describe,
                    crate::sim::acl::ResourceType::Cluster,
                    "kafka-cluster",
                );
                let e = (!allowed).then(|| crate::sim::errors::ApiError::new(KafkaError::CLUSTER_AUTHORIZATION_FAILED));
                self.out.reply(reply, Response::DescribeUserScramCredentials(e))
            }
            // KafkaApis.handleDescribeClientQuotasRequest: DESCRIBE_CONFIGS on the cluster, else
            // CLUSTER_AUTHORIZATION_FAILED with the error's own message.
            Request::DescribeClientQuotas { .. }
                if !self.allowed(
                    reply.to,
                    crate::sim::acl::AclOperation::DescribeConfigs,
                    crate::sim::acl::ResourceType::Cluster,
                    "kafka-cluster",
                ) =>
            {
                let e = crate::sim::errors::ApiError::new(KafkaError::CLUSTER_AUTHORIZATION_FAILED);
                self.out.reply(reply, Response::DescribeClientQuotas(Err(e)))
            }
            Request::DescribeClientQuotas { filter } => {
                let found: Vec<_> = self
                    .proc
                    .image
                    .client_quotas
                    .iter()
                    .filter(|(e, _)| filter.matches(e))
                    .map(|(e, m)| (e.clone(), m.iter().map(|(k, v)| (k.clone(), *v)).collect()))
                    .collect();
                self.out.reply(reply, Response::DescribeClientQuotas(Ok(found)))
            }
            Request::ApiVersions { .. } => self.out.reply(reply, Response::ApiVersions(requests::api_versions())),
            Request::Controller(inner) => self.forward_to_controller(reply, inner),
            Request::WriteTxnMarkers { markers } => self.write_txn_markers(reply, markers),
            req @ Request::ShareFetch { .. } => self.handle_share_fetch(reply, req),
            Request::ShareAcknowledge { group, member_id, share_session_epoch, acks } => {
                self.handle_share_acknowledge(reply, group, member_id, share_session_epoch, acks)
            }
            req @ Request::InitProducerId { transactional_id: None, .. } => {
                self.txn_step(|s| s.handle_init_producer_id(reply.to, reply.corr, req))
            }
            other => {
                if let Some(other) = self.handle_share_coordinator_request(reply, other) {
                    self.handle_coordinator_request(reply, other)
                }
            }
        }
    }

    fn handle_response(&mut self, from: NodeAddr, corr: u64, resp: Response) {
        match resp {
            Response::MetadataFetch { leader, error, high_watermark, entries, .. } => {
                if self.proc.meta_fetch_inflight != Some(corr) {
                    return;
                }
                self.proc.meta_fetch_inflight = None;
                if error.is_some() {
                    if leader.is_some() && leader != self.proc.controller.leader {
                        self.proc.controller.hint(leader);
                    } else {
                        self.proc.controller.failed();
                    }
                    self.out.timer(self.now.plus_ms(100), BrokerTimer::ControllerRequestTimeout(0));
                    return;
                }
                self.proc.controller.hint(leader);
                let mut changed = false;
                let mut deltas: Vec<ImageDelta> = Vec::new();
                for (off, e, rec) in entries {
                    let noop = matches!(*rec, MetadataRecord::NoOp);
                    // A NoOpRecord past the next offset ends a run of them that the controller
                    // keeps as its last one (`MetaEntry`).
                    let next = self.proc.image.offset + 1;
                    if (off != next && !(noop && off > next)) || off >= high_watermark {
                        continue;
                    }
                    self.proc.meta_last_epoch = e;
                    let delta = self.proc.image.apply(off, &rec);
                    if noop {
                        // Nothing changes; only the metadata offset moves. A run of them is
                        // kept as its last one, as on the controller.
                        match self.disk.metadata.last_mut() {
                            Some(last) if matches!(*last.2, MetadataRecord::NoOp) && last.1 == e => last.0 = off,
                            _ => self.disk.metadata.push((off, e, rec)),
                        }
                        continue;
                    }
                    self.disk.metadata.push((off, e, rec.clone()));
                    if self.proc.caught_up && !deltas.contains(&delta) {
                        deltas.push(delta);
                    }
                    changed = true;
                }
                // Act on the batch as a whole, like a published metadata image: a broker that
                // catches up after a partition never acts on intermediate states.
                for delta in deltas {
                    self.on_metadata_delta(delta);
                }
                if !self.proc.caught_up && self.proc.image.offset + 1 >= high_watermark {
                    // Initial catch-up done: act on every partition at once.
                    self.proc.caught_up = true;
                    self.proc.refresh_all_configs(self.env);
                    let parts: Vec<TopicPartition> = self
                        .proc
                        .image
                        .topics
                        .values()
                        .flat_map(|t| t.partitions.keys().map(move |pid| TopicPartition::new(t.name.clone(), *pid)))
                        .collect();
                    for tp in parts {
                        self.apply_partition(&tp);
                    }
                    // Logs of partitions this broker no longer hosts (deleted while it was away).
                    let stray: Vec<TopicPartition> =
                        self.disk.logs.keys().filter(|tp| !self.proc.replicas.contains_key(*tp)).cloned().collect();
                    for tp in stray {
                        self.remove_replica(&tp, true);
                    }
                    changed = true;
                }
                if changed && self.proc.caught_up {
                    self.on_metadata_applied();
                }
                self.fetch_metadata();
            }
            Response::BrokerRegistration { error, broker_epoch, leader } => {
                if self.proc.registration_inflight != Some(corr) {
                    return;
                }
                self.proc.registration_inflight = None;
                match error {
                    None => {
                        self.proc.broker_epoch = broker_epoch;
                        if self.proc.state == BrokerState::Starting {
                            self.proc.state = BrokerState::Fenced;
                        }
                        self.send_heartbeat();
                    }
                    Some(e) => {
                        if e.error == KafkaError::NOT_CONTROLLER {
                            self.proc.controller.not_controller(leader);
                        }
                        self.out.timer(
                            self.now.plus_ms(if e.error == KafkaError::NOT_CONTROLLER { 50 } else { 1000 }),
                            BrokerTimer::ControllerRequestTimeout(0),
                        );
                    }
                }
            }
            Response::BrokerHeartbeat { error, is_fenced, should_shutdown, leader, .. } => {
                if self.proc.heartbeat_inflight != Some(corr) {
                    return;
                }
                self.proc.heartbeat_inflight = None;
                match error {
                    Some(KafkaError::NOT_CONTROLLER) => {
                        self.proc.controller.not_controller(leader);
                        self.out.timer(self.now.plus_ms(50), BrokerTimer::BrokerHeartbeat);
                        return;
                    }
                    Some(_) => {
                        // Our registration is stale (e.g. the controller lost it): register again.
                        self.proc.broker_epoch = -1;
                        self.proc.state = if self.proc.state == BrokerState::ShuttingDown {
                            BrokerState::ShuttingDown
                        } else {
                            BrokerState::Starting
                        };
                        self.out.timer(self.now.plus_ms(100), BrokerTimer::ControllerRequestTimeout(0));
                        return;
                    }
                    None => {}
                }
                if self.proc.state == BrokerState::ShuttingDown && should_shutdown {
                    // LogManager.shutdown(brokerEpoch) writes the clean shutdown file.
                    self.disk.clean_shutdown_epoch = Some(self.proc.broker_epoch);
                    self.out.trace(TraceKind::ProcessStopped { node: NodeAddr::Broker(self.proc.id) });
                    self.out.exit();
                    return;
                }
                if self.proc.state == BrokerState::Fenced && !is_fenced {
                    self.proc.state = BrokerState::Running;
                }
                // BrokerLifecycleManager: while a controlled shutdown is pending, the heartbeat
                // after the first answer goes out 50 ms later, the next ones at the usual interval.
                let next = self.now.plus_ms(
                    if self.proc.state == BrokerState::ShuttingDown && !self.proc.got_controlled_shutdown_response {
                        50
                    } else {
                        self.env.settings.broker_heartbeat_interval_ms
                    },
                );
                if self.proc.state == BrokerState::ShuttingDown {
                    self.proc.got_controlled_shutdown_response = true;
                }
                self.proc.next_heartbeat = next;
                self.out.timer(next, BrokerTimer::BrokerHeartbeat);
            }
            Response::AlterPartition { error, leader_epoch, partition_epoch, isr, leader, .. } => {
                let Some(item) = self.proc.alter_partition_inflight.remove(&corr) else { return };
                if error == Some(KafkaError::NOT_CONTROLLER) {
                    if leader.is_some() && leader != self.proc.controller.leader {
                        self.proc.controller.hint(leader);
                    } else if leader.is_none() {
                        self.proc.controller.failed();
                    }
                }
                self.on_alter_partition_response(item, error, leader_epoch, partition_epoch, isr);
            }
            Response::AllocateProducerIds { error, first, count, leader } => {
                if self.proc.producer_id_inflight != Some(corr) {
                    return;
                }
                self.proc.producer_id_inflight = None;
                // `handleAllocateProducerIdsResponse`: keep a valid block for when the current
                // one runs out; after an error wait RETRY_BACKOFF_MS (50 ms) before asking again.
                let valid = error.is_none() && first > self.proc.producer_ids.2 - 1 && first >= 0 && count > 0;
                if valid {
                    self.proc.next_producer_ids = Some((first, first + count));
                } else {
                    if error == Some(KafkaError::NOT_CONTROLLER) {
                        self.proc.controller.not_controller(leader);
                    }
                    self.proc.producer_id_backoff_until = self.now.plus_ms(50);
                }
            }
            Response::Controller(inner) => self.on_controller_response(corr, inner),
            Response::Fetch { error, partitions } => {
                if let NodeAddr::Broker(leader) = from {
                    self.on_replica_fetch_response(leader, corr, error, partitions);
                }
            }
            Response::WriteShareGroupState { error } => self.on_share_write_response(corr, error),
            Response::ReadShareGroupState { error, state } => self.on_share_read_response(corr, error, state),
            other => self.txn_step(|s| s.handle_txn_response(from, corr, other)),
        }
    }

    fn handle_timer(&mut self, timer: BrokerTimer) {
        match timer {
            BrokerTimer::BrokerHeartbeat
                if self.now >= self.proc.next_heartbeat || self.proc.state == BrokerState::ShuttingDown =>
            {
                self.send_heartbeat();
            }
            BrokerTimer::ControllerRequestTimeout(corr) => {
                let mut retry = corr == 0;
                if corr == 0 && self.proc.controller_retry_at.is_some_and(|at| self.now >= at) {
                    self.proc.controller_retry_at = None;
                }
                if corr != 0 && self.proc.registration_inflight == Some(corr) {
                    self.proc.registration_inflight = None;
                    self.proc.controller.failed();
                    retry = true;
                }
                if corr != 0 && self.proc.heartbeat_inflight == Some(corr) {
                    self.proc.heartbeat_inflight = None;
                    self.proc.controller.failed();
                    retry = true;
                }
                if corr != 0 && self.proc.meta_fetch_inflight == Some(corr) {
                    self.proc.meta_fetch_inflight = None;
                    self.proc.controller.failed();
                    retry = true;
                }
                if corr != 0 {
                    if let Some((client, ccorr)) = self.proc.forwarded.remove(&corr) {
                        self.out.respond(
                            client,
                            ccorr,
                            Response::Controller(crate::sim::protocol::ControllerResponse::NotController {
                                leader: None,
                            }),
                        );
                        self.proc.controller.failed();
                    }
                    if self.proc.producer_id_inflight == Some(corr) {
                        // `RPCProducerIdManager` `onTimeout`: ask again on the next request.
                        self.proc.producer_id_inflight = None;
                        self.proc.controller.failed();
                    }
                    if self.proc.alter_partition_inflight.remove(&corr).is_some() {
                        self.proc.controller.failed();
                        retry = true;
                    }
                }
                if retry {
                    self.resend_pending_isr_changes();
                    self.fetch_metadata();
                    if self.proc.broker_epoch == -1 {
                        let rack = self.proc.image.brokers.get(&self.proc.id).and_then(|b| b.endpoint.rack.clone());
                        self.register(&rack);
                    } else if self.proc.broker_epoch >= 0 {
                        self.send_heartbeat();
                    }
                }
            }
            BrokerTimer::IsrExpiration => {
                self.maybe_shrink_isr();
                self.out.timer(
                    self.now.plus_ms((self.env.settings.replica_lag_time_max_ms / 2).max(1)),
                    BrokerTimer::IsrExpiration,
                );
            }
            BrokerTimer::FetcherWake(leader) => self.maybe_send_replica_fetch(leader),
            BrokerTimer::ReplicaRequestTimeout(corr) => self.on_replica_fetch_timeout(corr),
            BrokerTimer::DelayedProduce(id) => self.expire_delayed_produce(id),
            BrokerTimer::DelayedFetch(id) => self.expire_delayed_fetch(id),
            BrokerTimer::DelayedShareFetch(id) => self.expire_delayed_share_fetch(id),
            BrokerTimer::ShareLocks => self.expire_share_locks(),
            BrokerTimer::RetentionCheck => {
                self.run_retention();
                self.out.timer(
                    self.now.plus_ms(self.env.settings.log_retention_check_interval_ms),
                    BrokerTimer::RetentionCheck,
                );
            }
            BrokerTimer::RemoteLogManager => {
                self.run_remote_log_manager();
                self.out.timer(
                    self.now.plus_ms(self.env.settings.remote_log_manager_task_interval_ms.max(1)),
                    BrokerTimer::RemoteLogManager,
                );
            }
            BrokerTimer::CleanerCheck => {
                self.run_cleaner();
                self.out.timer(self.now.plus_ms(self.env.settings.log_cleaner_backoff_ms), BrokerTimer::CleanerCheck);
            }
            BrokerTimer::HwCheckpoint => {
                for (tp, log) in &self.disk.logs {
                    self.disk.hw_checkpoint.insert(tp.clone(), log.high_watermark);
                }
                self.disk.hw_checkpoint.retain(|tp, _| self.disk.logs.contains_key(tp));
                self.out.timer(self.now.plus_ms(5000), BrokerTimer::HwCheckpoint);
            }
            BrokerTimer::Flush => {
                self.run_flush();
                self.out.timer(self.now.plus_ms(1000), BrokerTimer::Flush);
            }
            BrokerTimer::GroupTick(group) => self.group_step(|s| s.handle_tick(&group)),
            BrokerTimer::TxnTick => self.txn_step(|s| s.txn_tick()),
            _ => {}
        }
    }

    /// Reacts to one applied metadata record.
    fn on_metadata_delta(&mut self, delta: ImageDelta) {
        match delta {
            ImageDelta::Partition { topic, partition } => {
                let tp = TopicPartition::new(topic, partition);
                self.apply_partition(&tp);
            }
            ImageDelta::Partitions(list) => {
                for (topic, partition) in list {
                    self.apply_partition(&TopicPartition::new(topic, partition));
                }
            }
            ImageDelta::TopicCreated { topic } => {
                let broker = self.proc.image.broker_level_configs(self.proc.id, &self.env.static_configs);
                if let Some(t) = self.proc.image.topics.get(&topic) {
                    self.proc.topic_configs.insert(topic.clone(), TopicConfig::resolve(&t.configs, &broker));
                }
                self.proc.auto_creating.remove(&topic);
            }
            ImageDelta::TopicRemoved { topic, partitions, .. } => {
                for (p, _) in partitions {
                    let tp = TopicPartition::new(topic.clone(), p);
                    // `RemoteLogManager.stopPartitions` with deletion: the remote segments go too.
                    if !self.env.remote.segments(&tp).is_empty() {
                        self.out.remote.push(crate::sim::remote::RemoteOp::DeletePartition(tp.clone()));
                    }
                    self.remove_replica(&tp, true);
                }
                self.proc.topic_configs.remove(&topic);
            }
            ImageDelta::Config(_) => self.proc.refresh_all_configs(self.env),
            ImageDelta::Broker(b) => {
                if b == self.proc.id {
                    if let Some(reg) = self.proc.image.brokers.get(&self.proc.id) {
                        if !reg.fenced && self.proc.state == BrokerState::Fenced && reg.epoch == self.proc.broker_epoch
                        {
                            self.proc.state = BrokerState::Running;
                        }
                    }
                }
            }
            ImageDelta::None => {}
        }
    }

    /// After a batch of metadata: retry what may have become possible.
    fn on_metadata_applied(&mut self) {
        // Follower fetchers may need to start for newly known leaders.
        let leaders: Vec<BrokerId> = self.proc.fetchers.keys().copied().collect();
        for l in leaders {
            self.maybe_send_replica_fetch(l);
        }
        self.txn_step(|s| s.retry_txn_markers());
    }
}
