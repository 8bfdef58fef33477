//! The world: every node, the network between them, simulated time and the event queue.
//!
//! One seed decides everything: the root PRNG is split per component, events at the same
//! instant run in the order they were scheduled, and every container whose order can reach the
//! trace is ordered. Time only moves in [`Sim::step`], by popping the next event.

/// Read-process-write applications (`processor start`), stepped by the world after each event.
pub mod processor;

use crate::sim::broker::timer::{BrokerOut, BrokerTimer};
use crate::sim::broker::{BrokerInput, BrokerNode, BrokerState};
use crate::sim::checker::Checker;
use crate::sim::client::admin::{Admin, AdminTask, Call};
use crate::sim::client::config::{ConsumerConfig, ProducerConfig};
use crate::sim::client::consumer::Consumer;
use crate::sim::client::producer::{Completion, Producer, ProducerRecord, SendError};
use crate::sim::client::timer::{ClientOut, ClientTimer};
use crate::sim::client::{ClientInput, ClientKind, ClientNode};
use crate::sim::codec::Codec;
use crate::sim::config::{validate_broker_configs, BrokerSettings};
use crate::sim::controller::timer::{ControllerOut, ControllerTimer};
use crate::sim::controller::ControllerNode;
use crate::sim::hash::StableHasher;
use crate::sim::mirror_maker::{MirrorConfig, MirrorHost, MirrorMaker};
use crate::sim::net::{DropReason, NetConfig, Network, Sent};
use crate::sim::node::{Env, Node, Out};
use crate::sim::protocol::Message;
use crate::sim::rng::Pcg32;
use crate::sim::sort::CompactSort;
use crate::sim::time::{SimTime, DEFAULT_EPOCH_MS};
use crate::sim::trace::{TraceEvent, TraceKind, TraceLevel};
use crate::sim::types::{BrokerId, NodeAddr};
use serde::{Deserialize, Serialize};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, VecDeque};
use std::hash::{Hash, Hasher};

/// Everything needed to create a cluster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct ClusterConfig {
    pub brokers: u32,
    /// 1 or 3 KRaft controllers (or any odd number).
    pub controllers: u32,
    /// Racks assigned to brokers in turn (empty: no racks).
    pub racks: Vec<String>,
    /// Static broker configs (`server.properties`).
    pub broker_configs: BTreeMap<String, String>,
    pub net: NetConfig,
    pub power_loss: bool,
    pub epoch_ms: i64,
    pub trace_level: TraceLevel,
    /// A second cluster beside this one (MirrorMaker 2's target or source): its own KRaft
    /// controller quorum (controller 2001), brokers 101, 102… on localhost:9192… and metadata,
    /// the same static broker configs. `None`: one cluster, as every scenario before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_cluster: Option<SecondClusterConfig>,
}

/// The second cluster of a scenario: its alias (what MirrorMaker's `clusters` names it, what
/// the page labels it) and its broker count. Its node ids never meet the first cluster's:
/// brokers from [`SECOND_FIRST_BROKER_ID`], one controller [`SECOND_FIRST_CONTROLLER_ID`], as
/// the conformance harness's `## second-cluster:` cluster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct SecondClusterConfig {
    pub alias: String,
    pub brokers: u32,
}

/// The second cluster's first broker id: broker 101 listens on localhost:9192.
pub(crate) const SECOND_FIRST_BROKER_ID: i32 = 101;
/// The second cluster's controller: 2001 on localhost:20091.
pub(crate) const SECOND_FIRST_CONTROLLER_ID: i32 = 2001;

impl SecondClusterConfig {
    /// Checks the alias (a MirrorMaker cluster alias, a topic-name prefix) and the size.
    pub(crate) fn validate(&self) -> Result<(), String> {
        if self.alias.is_empty()
            || self.alias.len() > 40
            || !self.alias.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(format!(
                "the second cluster's alias '{}' must be 1 to 40 letters, digits, '-' or '_'",
                self.alias
            ));
        }
        if self.brokers == 0 || self.brokers > 9 {
            return Err(format!("the second cluster needs between 1 and 9 brokers, not {}", self.brokers));
        }
        Ok(())
    }
}

/// The second cluster's own facts: its environment (cluster id, voters, static configs), its
/// invariant checker, and the clients that bootstrapped into it.
#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
struct SecondCluster {
    env: Env,
    checker: Checker,
    clients: BTreeSet<u32>,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            brokers: 3,
            controllers: 1,
            racks: vec![],
            broker_configs: BTreeMap::new(),
            net: NetConfig::default(),
            power_loss: false,
            epoch_ms: DEFAULT_EPOCH_MS,
            trace_level: TraceLevel::Messages,
            second_cluster: None,
        }
    }
}

/// The first controller id: controllers are 1001, 1002, 1003.
pub const FIRST_CONTROLLER_ID: i32 = 1001;

/// A queued timer of any node kind (each kind owns its timer type).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Codec)]
enum AnyTimer {
    Controller(ControllerTimer),
    Broker(BrokerTimer),
    Client(ClientTimer),
}

/// Each kind's timer goes into the queue as an [`AnyTimer`] and comes out as itself.
macro_rules! any_timer_kinds {
    ($($kind:ident($timer:ty)),*) => {$(
        impl From<$timer> for AnyTimer {
            fn from(t: $timer) -> Self {
                AnyTimer::$kind(t)
            }
        }
        impl TryFrom<AnyTimer> for $timer {
            type Error = AnyTimer;
            fn try_from(t: AnyTimer) -> Result<Self, AnyTimer> {
                match t {
                    AnyTimer::$kind(t) => Ok(t),
                    other => Err(other),
                }
            }
        }
    )*};
}
any_timer_kinds!(Controller(ControllerTimer), Broker(BrokerTimer), Client(ClientTimer));

/// One input for a node, as the world delivers it.
enum NodeEvent {
    Message(NodeAddr, Message),
    Timer(AnyTimer),
    Disconnect(NodeAddr),
}

/// Hands `event` to `node` if it is meant for that node's kind.
fn feed<N: Node>(node: &mut N, now: SimTime, event: NodeEvent, env: &Env, out: &mut Out<N::Timer>)
where
    N::Timer: TryFrom<AnyTimer>,
{
    match event {
        NodeEvent::Message(from, msg) => node.handle_message(now, from, msg, env, out),
        NodeEvent::Timer(t) => {
            if let Ok(t) = N::Timer::try_from(t) {
                node.handle_timer(now, t, env, out)
            }
        }
        NodeEvent::Disconnect(peer) => node.handle_disconnect(now, peer, env, out),
    }
}

/// The world's reusable output buffers, one per node kind.
#[derive(Clone, Debug, Default)]
struct Outs {
    controller: ControllerOut,
    broker: BrokerOut,
    client: ClientOut,
}

/// Where the world keeps one kind of node, so one step can borrow that node, the environment
/// and the kind's output buffer together.
trait Holds<N: Node> {
    fn parts(&mut self, addr: NodeAddr) -> (Option<&mut N>, &Env, &mut Out<N::Timer>);
    /// Work on the outputs before the world sends them (a client routes its requests through
    /// its connections).
    fn before_flush(&mut self, _addr: NodeAddr, _out: &mut Out<N::Timer>) {}
}

/// The environment of the first cluster, or of the second when `second`.
fn env_for<'a>(first: &'a Env, other: &'a Option<Box<SecondCluster>>, second: bool) -> &'a Env {
    match other {
        Some(c) if second => &c.env,
        _ => first,
    }
}

impl Holds<ControllerNode> for Sim {
    fn parts(&mut self, addr: NodeAddr) -> (Option<&mut ControllerNode>, &Env, &mut ControllerOut) {
        let second = self.in_second(addr);
        let node = match addr {
            NodeAddr::Controller(id) => self.controllers.get_mut(&id),
            _ => None,
        };
        (node, env_for(&self.env, &self.second, second), &mut self.outs.controller)
    }
}

impl Holds<BrokerNode> for Sim {
    fn parts(&mut self, addr: NodeAddr) -> (Option<&mut BrokerNode>, &Env, &mut BrokerOut) {
        let second = self.in_second(addr);
        let node = match addr {
            NodeAddr::Broker(id) => self.brokers.get_mut(&id),
            _ => None,
        };
        (node, env_for(&self.env, &self.second, second), &mut self.outs.broker)
    }
}

impl Holds<ClientNode> for Sim {
    fn parts(&mut self, addr: NodeAddr) -> (Option<&mut ClientNode>, &Env, &mut ClientOut) {
        let second = self.in_second(addr);
        let node = match addr {
            NodeAddr::Client(id) => self.clients.get_mut(&id),
            _ => None,
        };
        (node, env_for(&self.env, &self.second, second), &mut self.outs.client)
    }
    fn before_flush(&mut self, addr: NodeAddr, out: &mut ClientOut) {
        // A client's requests go through its connections: a request to a broker it is not
        // connected to waits for the connection.
        let now = self.now;
        if let NodeAddr::Client(id) = addr {
            if let Some(n) = self.clients.get_mut(&id) {
                n.route_sends(now, out);
            }
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
enum Event {
    Deliver {
        from: NodeAddr,
        from_inc: u64,
        to: NodeAddr,
        to_inc: u64,
        id: u64,
        msg: Message,
    },
    Timer {
        node: NodeAddr,
        inc: u64,
        timer: AnyTimer,
    },
    Disconnect {
        node: NodeAddr,
        inc: u64,
        peer: NodeAddr,
    },
    /// A running MirrorMaker's poll loop (`mirror_maker::TICK_MS`).
    Mirror {
        id: u32,
    },
    /// The outcome of a client's connection attempt: accepted, or refused (nothing listens).
    Connect {
        node: NodeAddr,
        inc: u64,
        key: i32,
        attempt: u64,
        ok: bool,
    },
}

#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
struct Scheduled {
    at: SimTime,
    seq: u64,
    event: Event,
}

impl PartialEq for Scheduled {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Scheduled {}
impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scheduled {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

/// The trace: a bounded window of recent events, a running stable hash over all of them, and
/// a cursor so observers can read what is new.
#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub struct TraceLog {
    pub level: TraceLevel,
    pub events: VecDeque<TraceEvent>,
    pub(crate) capacity: usize,
    /// Index of `events[0]` in the whole trace.
    pub(crate) first_index: u64,
    /// Serialised with the rest: a reloaded world must go on hashing from the same state.
    hasher: StableHasher,
    pub hash: u64,
    pub total: u64,
}

impl TraceLog {
    fn new(level: TraceLevel) -> TraceLog {
        TraceLog {
            level,
            events: VecDeque::new(),
            capacity: 200_000,
            first_index: 0,
            hasher: StableHasher::new(),
            hash: 0,
            total: 0,
        }
    }

    fn push(&mut self, at: SimTime, kind: TraceKind) {
        if self.level < TraceLevel::Messages && kind.is_message_level() {
            return;
        }
        let ev = TraceEvent { at, kind };
        ev.hash(&mut self.hasher);
        self.hash = self.hasher.finish();
        self.total += 1;
        self.events.push_back(ev);
        if self.events.len() > self.capacity {
            self.events.pop_front();
            self.first_index += 1;
        }
    }

    /// Events from absolute index `from` on (what an observer has not seen yet).
    pub fn since(&self, from: u64) -> impl Iterator<Item = &TraceEvent> {
        let skip = from.saturating_sub(self.first_index) as usize;
        self.events.iter().skip(skip)
    }

    pub fn next_index(&self) -> u64 {
        self.first_index + self.events.len() as u64
    }
}

/// The simulated world.
#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub struct Sim {
    seed: u64,
    config: ClusterConfig,
    now: SimTime,
    seq: u64,
    queue: BinaryHeap<Reverse<Scheduled>>,
    /// Timers already queued, so a handler asking twice for the same timer at the same time
    /// queues it once (a producer that wakes often would otherwise pile up identical wakes).
    timers_queued: BTreeSet<(SimTime, NodeAddr, u64, AnyTimer)>,
    env: Env,
    net: Network,
    controllers: BTreeMap<i32, ControllerNode>,
    brokers: BTreeMap<BrokerId, BrokerNode>,
    clients: BTreeMap<u32, ClientNode>,
    rng: Pcg32,
    incarnations: BTreeMap<NodeAddr, u64>,
    connections: BTreeSet<(NodeAddr, NodeAddr)>,
    /// Processes that closed gracefully: what they sent before closing still arrives.
    graceful: BTreeSet<(NodeAddr, u64)>,
    trace: TraceLog,
    checker: Checker,
    next_client: u32,
    events_processed: u64,
    /// The SASL/PLAIN login of the clients the running console command creates (its
    /// `--command-config`, `--producer.config`, `--consumer.config` or `sasl.jaas.config`
    /// property); `None` between commands.
    #[serde(default)]
    login_for_new_clients: Option<crate::sim::acl::Login>,
    /// Read-process-write applications (`processor start`) and their side effects.
    #[serde(default)]
    processors: crate::sim::world::processor::Processors,
    /// The second cluster, when the scenario has one ([`ClusterConfig::second_cluster`]).
    #[serde(default)]
    second: Option<Box<SecondCluster>>,
    /// Running `connect-mirror-maker` processes, by id.
    #[serde(default)]
    mirror_makers: BTreeMap<u32, MirrorMaker>,
    #[serde(default)]
    next_mirror_maker: u32,
    #[serde(skip)]
    #[codec(skip)]
    outs: Outs,
}

impl Sim {
    /// The world in a canonical form for [`crate::sim::disk_image::state_hash`]: the event
    /// queue ordered by sequence number and the trace's window of recent events left out (a
    /// reload snapshot may keep fewer of them; the trace's running hash and count stay).
    pub(crate) fn canonical_for_hash(&self) -> Sim {
        let mut s = self.clone();
        let mut q: Vec<Reverse<Scheduled>> = std::mem::take(&mut s.queue).into_vec();
        q.compact_sort_by_key(|Reverse(e)| e.seq);
        s.queue = q.into_iter().collect();
        s.trace.events.clear();
        s.trace.first_index = 0;
        s.trace.capacity = 0;
        s
    }

    /// Creates and starts a cluster. Brokers and controllers boot at time zero; call
    /// [`Sim::boot`] to run until the cluster is ready.
    pub fn new(seed: u64, config: ClusterConfig) -> Result<Sim, String> {
        if config.brokers == 0 || config.brokers > 64 {
            return Err(format!("a cluster needs between 1 and 64 brokers, not {}", config.brokers));
        }
        if config.controllers == 0 || config.controllers.is_multiple_of(2) || config.controllers > 7 {
            return Err(format!(
                "the controller quorum needs an odd number of controllers (1, 3, 5 or 7), not {}",
                config.controllers
            ));
        }
        let mut static_configs = config.broker_configs.clone();
        validate_broker_configs(&static_configs)?;
        if let Some(second) = &config.second_cluster {
            second.validate()?;
        }
        // A broker loads `replica.selector.class` at start-up (`ReplicaManager.createReplicaSelector`);
        // Brokerlab has Kafka's one implementation.
        if let Some(c) = static_configs.get("replica.selector.class").map(|c| c.trim()) {
            if !c.is_empty() && c != crate::sim::config::RACK_AWARE_REPLICA_SELECTOR {
                return Err(format!(
                    "replica.selector.class: Brokerlab has only {} (class {c} not found)",
                    crate::sim::config::RACK_AWARE_REPLICA_SELECTOR
                ));
            }
        }
        lower_internal_replication(&mut static_configs, config.brokers as i32);
        let settings = BrokerSettings::resolve(&static_configs);
        let mut rng = Pcg32::new(seed, 0xb20c_e21a);
        let cluster_id = crate::sim::types::TopicId::random(&mut rng.split("cluster-id")).to_string();
        let voters: Vec<i32> = (0..config.controllers as i32).map(|i| FIRST_CONTROLLER_ID + i).collect();
        let env = Env {
            settings,
            static_configs,
            epoch_ms: config.epoch_ms,
            cluster_id,
            voters: voters.clone(),
            power_loss: config.power_loss,
            logins: BTreeMap::new(),
            remote: Default::default(),
        };
        let net = Network::new(config.net.clone(), rng.split("network"));
        let mut sim = Sim {
            seed,
            now: SimTime::ZERO,
            seq: 0,
            queue: BinaryHeap::new(),
            timers_queued: BTreeSet::new(),
            env,
            net,
            controllers: BTreeMap::new(),
            brokers: BTreeMap::new(),
            clients: BTreeMap::new(),
            rng,
            incarnations: BTreeMap::new(),
            connections: BTreeSet::new(),
            graceful: BTreeSet::new(),
            trace: TraceLog::new(config.trace_level),
            checker: Checker::default(),
            next_client: 1,
            login_for_new_clients: None,
            processors: Default::default(),
            events_processed: 0,
            outs: Outs::default(),
            second: None,
            mirror_makers: BTreeMap::new(),
            next_mirror_maker: 1,
            config,
        };
        for id in voters {
            sim.controllers.insert(id, ControllerNode::new(id));
            sim.start_controller(id)?;
        }
        for i in 1..=sim.config.brokers as i32 {
            let rack = sim.rack_for(i);
            sim.brokers.insert(i, BrokerNode::new(i, rack));
            sim.start_broker(i)?;
        }
        if let Some(second) = sim.config.second_cluster.clone() {
            // The second cluster: formatted with its own cluster id, started like the first (its
            // internal topics sized for its own broker count).
            let mut configs = sim.config.broker_configs.clone();
            lower_internal_replication(&mut configs, second.brokers as i32);
            let cluster_id =
                crate::sim::types::TopicId::random(&mut sim.rng.split(&format!("cluster-id-{}", second.alias)))
                    .to_string();
            let voters = vec![SECOND_FIRST_CONTROLLER_ID];
            let env = Env {
                settings: BrokerSettings::resolve(&configs),
                static_configs: configs,
                epoch_ms: sim.config.epoch_ms,
                cluster_id,
                voters: voters.clone(),
                power_loss: sim.config.power_loss,
                logins: BTreeMap::new(),
                remote: Default::default(),
            };
            sim.second = Some(Box::new(SecondCluster { env, checker: Checker::default(), clients: BTreeSet::new() }));
            for id in voters {
                sim.controllers.insert(id, ControllerNode::new(id));
                sim.start_controller(id)?;
            }
            for i in 0..second.brokers as i32 {
                let id = SECOND_FIRST_BROKER_ID + i;
                let rack = sim.rack_for(id);
                sim.brokers.insert(id, BrokerNode::new(id, rack));
                sim.start_broker(id)?;
            }
        }
        Ok(sim)
    }

    /// Whether `node` belongs to the second cluster (always false with one cluster).
    fn in_second(&self, node: NodeAddr) -> bool {
        let Some(second) = &self.second else { return false };
        match node {
            NodeAddr::Broker(id) => id >= SECOND_FIRST_BROKER_ID,
            NodeAddr::Controller(id) => id >= SECOND_FIRST_CONTROLLER_ID,
            NodeAddr::Client(id) => second.clients.contains(&id),
        }
    }

    /// The cluster `node` belongs to: 0 the first, 1 the second.
    pub fn cluster_of(&self, node: NodeAddr) -> u8 {
        u8::from(self.in_second(node))
    }

    /// The cluster bootstrap servers `servers` lead to (0 the first, 1 the second).
    pub(crate) fn cluster_of_servers(&self, servers: &str) -> u8 {
        u8::from(self.bootstraps_second(&self.resolve_bootstrap(servers)))
    }

    /// The second cluster's alias, when there is one.
    pub(crate) fn second_alias(&self) -> Option<&str> {
        self.config.second_cluster.as_ref().map(|c| c.alias.as_str())
    }

    /// The environment of `cluster` (0 the first, 1 the second; the first when there is no
    /// second).
    pub(crate) fn env_of(&self, cluster: u8) -> &Env {
        env_for(&self.env, &self.second, cluster == 1)
    }

    /// The invariant checker of `cluster`, taken out while it works (put back with
    /// [`Sim::put_checker`]), so it can read the rest of the world meanwhile.
    fn take_checker(&mut self, cluster: u8) -> Checker {
        match self.second.as_deref_mut() {
            Some(s) if cluster == 1 => std::mem::take(&mut s.checker),
            _ => std::mem::take(&mut self.checker),
        }
    }

    fn put_checker(&mut self, cluster: u8, checker: Checker) {
        match self.second.as_deref_mut() {
            Some(s) if cluster == 1 => s.checker = checker,
            _ => self.checker = checker,
        }
    }

    fn rack_for(&self, broker: BrokerId) -> Option<String> {
        let first = if broker >= SECOND_FIRST_BROKER_ID && self.second.is_some() { SECOND_FIRST_BROKER_ID } else { 1 };
        if self.config.racks.is_empty() {
            None
        } else {
            Some(self.config.racks[((broker - first).max(0) as usize) % self.config.racks.len()].clone())
        }
    }

    /// Runs until every broker is unfenced (or 60 s of simulated time pass).
    pub fn boot(&mut self) -> Result<(), String> {
        let limit = self.now.plus_ms(60_000);
        while self.now < limit {
            if self.cluster_ready() {
                return Ok(());
            }
            if !self.step_until(limit) {
                break;
            }
        }
        if self.cluster_ready() {
            Ok(())
        } else {
            Err("the cluster did not become ready within 60 s of simulated time".into())
        }
    }

    /// Whether every running broker is registered and unfenced (in both clusters, when there
    /// are two).
    pub fn cluster_ready(&self) -> bool {
        self.brokers.values().all(|b| match &b.proc {
            Some(p) => p.state == BrokerState::Running && p.image.is_unfenced(b.id),
            None => true,
        }) && self.active_controller().is_some()
            && (self.second.is_none() || self.active_controller_in(1).is_some())
    }

    /// The first cluster's active controller.
    pub fn active_controller(&self) -> Option<i32> {
        self.active_controller_in(0)
    }

    /// The active controller of `cluster` (0 the first, 1 the second).
    pub fn active_controller_in(&self, cluster: u8) -> Option<i32> {
        self.controllers
            .values()
            .find(|c| c.is_active() && self.cluster_of(NodeAddr::Controller(c.id)) == cluster)
            .map(|c| c.id)
    }

    // ---------------- scheduling ----------------

    fn push(&mut self, at: SimTime, event: Event) {
        self.seq += 1;
        self.queue.push(Reverse(Scheduled { at, seq: self.seq, event }));
    }

    fn inc(&self, node: NodeAddr) -> u64 {
        self.incarnations.get(&node).copied().unwrap_or(0)
    }

    fn is_up(&self, node: NodeAddr) -> bool {
        match node {
            NodeAddr::Controller(id) => self.controllers.get(&id).map(|c| c.proc.is_some()).unwrap_or(false),
            NodeAddr::Broker(id) => self.brokers.get(&id).map(|b| b.proc.is_some()).unwrap_or(false),
            NodeAddr::Client(id) => self.clients.contains_key(&id),
        }
    }

    /// The time of the next event, if any.
    pub(crate) fn next_event_at(&self) -> Option<SimTime> {
        self.queue.peek().map(|Reverse(s)| s.at)
    }

    /// Processes the next event if it is due at or before `limit`. Returns false when nothing
    /// was due (time then moves to `limit`).
    pub(crate) fn step_until(&mut self, limit: SimTime) -> bool {
        match self.queue.peek() {
            Some(Reverse(s)) if s.at <= limit => {}
            _ => {
                if limit > self.now && limit != SimTime::MAX {
                    self.now = limit;
                }
                return false;
            }
        }
        let Reverse(s) = self.queue.pop().expect("peeked");
        if let Event::Timer { node, inc, timer } = &s.event {
            self.timers_queued.remove(&(s.at, *node, *inc, timer.clone()));
        }
        if s.at > self.now {
            self.now = s.at;
        }
        self.events_processed += 1;
        self.dispatch(s.event);
        if !self.processors.running.is_empty() {
            self.drive_processors();
        }
        true
    }

    /// Processes exactly the next event.
    pub fn step(&mut self) -> bool {
        self.step_until(SimTime::MAX)
    }

    /// Runs every event up to `t`, then sets the clock to `t`.
    pub(crate) fn run_until(&mut self, t: SimTime) {
        while self.step_until(t) {}
        if t > self.now {
            self.now = t;
        }
    }

    pub fn run_for_ms(&mut self, ms: u64) {
        let t = self.now.plus_ms(ms as i64);
        self.run_until(t);
    }

    fn dispatch(&mut self, event: Event) {
        let now = self.now;
        match event {
            Event::Deliver { from, from_inc, to, to_inc, id, msg } => {
                self.net.delivered(id);
                let sender_gone = self.inc(from) != from_inc || !self.is_up(from);
                let receiver_changed = self.inc(to) != to_inc;
                if !self.is_up(to) || receiver_changed {
                    self.trace.push(
                        now,
                        TraceKind::Dropped { id, from, to, api: msg.label().into(), reason: DropReason::NodeDown },
                    );
                    if !sender_gone {
                        self.notify_disconnect(from, to);
                    }
                    return;
                }
                if sender_gone && !self.graceful.contains(&(from, from_inc)) {
                    // The sender died after sending: its connection is closed, nothing arrives.
                    self.trace.push(
                        now,
                        TraceKind::Dropped { id, from, to, api: msg.label().into(), reason: DropReason::NodeDown },
                    );
                    return;
                }
                self.trace.push(now, TraceKind::Delivered { id });
                self.connections.insert(ordered(from, to));
                self.deliver(to, NodeEvent::Message(from, msg));
            }
            Event::Timer { node, inc, timer } => {
                if self.inc(node) == inc && self.is_up(node) {
                    self.deliver(node, NodeEvent::Timer(timer));
                }
            }
            Event::Disconnect { node, inc, peer } => {
                if self.inc(node) == inc && self.is_up(node) {
                    self.deliver(node, NodeEvent::Disconnect(peer));
                }
            }
            Event::Mirror { id } => {
                if let Some(mut mm) = self.mirror_makers.remove(&id) {
                    mm.tick(self);
                    self.mirror_makers.insert(id, mm);
                    let at = now.plus_ms(crate::sim::mirror_maker::TICK_MS);
                    self.push(at, Event::Mirror { id });
                }
            }
            Event::Connect { node, inc, key, attempt, ok } => {
                if self.inc(node) != inc || !self.is_up(node) {
                    return;
                }
                // What the handshake finds when it completes: a process that died meanwhile
                // refuses, a link cut meanwhile never answers.
                let peer = (key >= 0).then_some(NodeAddr::Broker(key));
                let ok = ok && peer.map(|p| self.is_up(p)).unwrap_or(false);
                if peer.map(|p| self.net.is_cut(node, p) || self.net.is_cut(p, node)).unwrap_or(false) {
                    return;
                }
                if ok {
                    if let Some(p) = peer {
                        self.connections.insert(ordered(node, p));
                    }
                }
                self.step_node::<ClientNode>(node, |c, now, env, out| {
                    c.handle_connect(now, key, attempt, ok, env, out)
                });
            }
        }
    }

    /// Hands one input to the node at `addr`, whatever its kind.
    fn deliver(&mut self, addr: NodeAddr, event: NodeEvent) {
        match addr {
            NodeAddr::Controller(_) => {
                self.step_node::<ControllerNode>(addr, |n, now, env, out| feed(n, now, event, env, out))
            }
            NodeAddr::Broker(_) => self.step_node::<BrokerNode>(addr, |n, now, env, out| feed(n, now, event, env, out)),
            NodeAddr::Client(_) => self.step_node::<ClientNode>(addr, |n, now, env, out| feed(n, now, event, env, out)),
        }
    }

    /// One step of the node at `addr`: `f` runs on it (if it exists) and fills its kind's
    /// outputs, which the world then carries out.
    fn step_node<N: Node>(&mut self, addr: NodeAddr, f: impl FnOnce(&mut N, SimTime, &Env, &mut Out<N::Timer>))
    where
        Sim: Holds<N>,
        N::Timer: Into<AnyTimer>,
    {
        let now = self.now;
        let (node, env, buffer) = <Sim as Holds<N>>::parts(self, addr);
        let mut out = std::mem::take(buffer);
        if let Some(n) = node {
            f(n, now, env, &mut out);
        }
        <Sim as Holds<N>>::before_flush(self, addr, &mut out);
        let exit = std::mem::take(&mut out.exit);
        self.flush_out(addr, &mut out);
        *<Sim as Holds<N>>::parts(self, addr).2 = out;
        if exit {
            self.stop_process(addr);
        }
    }

    /// Passes a learner's command to the node at `addr` as one of its inputs.
    fn input<N: Node>(&mut self, addr: NodeAddr, input: N::Input)
    where
        Sim: Holds<N>,
        N::Timer: Into<AnyTimer>,
    {
        self.step_node::<N>(addr, |n, now, env, out| n.handle_input(now, input, env, out));
    }

    /// Sends what a handler produced, arms its timers and records its trace.
    fn flush_out<T: Into<AnyTimer>>(&mut self, node: NodeAddr, out: &mut Out<T>) {
        let now = self.now;
        let inc = self.inc(node);
        // Each cluster has its own remote store: a second cluster's copies stay in its own.
        let second = self.in_second(node);
        for op in out.remote.drain(..) {
            match (&mut self.second, second) {
                (Some(s), true) => s.env.remote.apply(op),
                _ => self.env.remote.apply(op),
            }
        }
        for (key, attempt) in std::mem::take(&mut out.connects) {
            self.connect(node, inc, key, attempt);
        }
        let cluster = self.cluster_of(node);
        let mut checker = self.take_checker(cluster);
        let mut findings = Vec::new();
        let mut assignments_changed = false;
        let mut share_changed = false;
        for kind in out.trace.drain(..) {
            checker.observe(now, &kind);
            if let TraceKind::RemoteRead { tp, ok, .. } = &kind {
                let env = match (&mut self.second, second) {
                    (Some(s), true) => &mut s.env,
                    _ => &mut self.env,
                };
                let n = env.remote.reads.entry(tp.clone()).or_default();
                if *ok {
                    n.0 += 1;
                } else {
                    n.1 += 1;
                }
            }
            assignments_changed |= matches!(kind, TraceKind::GroupAssignment { .. } | TraceKind::MemberRemoved { .. });
            share_changed |= matches!(
                kind,
                TraceKind::ShareAcquired { .. }
                    | TraceKind::ShareAcknowledged { .. }
                    | TraceKind::ShareLockExpired { .. }
            );
            if let TraceKind::BecameLeader { tp, broker, epoch, .. } = &kind {
                // Only a leader the controller currently records is the truth (a broker that
                // was cut off may briefly act on an old epoch).
                let current = self
                    .active_controller_in(cluster)
                    .and_then(|c| self.controllers[&c].proc.as_ref())
                    .and_then(|p| p.image.partition(&tp.topic, tp.partition))
                    .map(|st| st.leader == *broker && st.leader_epoch == *epoch)
                    .unwrap_or(false);
                if let Some(log) = self.brokers.get(broker).and_then(|b| b.disk.logs.get(tp)).filter(|_| current) {
                    let compacted = self.brokers[broker]
                        .proc
                        .as_ref()
                        .map(|p| p.config(&tp.topic).cleanup_compact)
                        .unwrap_or(false);
                    findings.extend(checker.check_new_leader(tp, log, compacted));
                }
            }
            self.trace.push(now, kind);
        }
        if assignments_changed {
            if let NodeAddr::Broker(b) = node {
                if let Some(p) = self.brokers.get(&b).and_then(|n| n.proc.as_ref()) {
                    findings.extend(checker.check_consumer_groups(b, &p.coordinator));
                }
            }
        }
        if share_changed {
            if let NodeAddr::Broker(b) = node {
                if let Some(p) = self.brokers.get(&b).and_then(|n| n.proc.as_ref()) {
                    findings.extend(checker.check_share_partitions(b, &p.share));
                }
            }
        }
        if !out.touched.is_empty() {
            if let NodeAddr::Broker(b) = node {
                if let Some(n) = self.brokers.get(&b) {
                    if let Some(p) = &n.proc {
                        let touched = std::mem::take(&mut out.touched);
                        findings.extend(checker.check_touched(p, &n.disk, &touched, |t| p.config(t).cleanup_compact));
                    }
                }
            }
            out.touched.clear();
        }
        // A consumer's observations come one per record, in runs of the same partition: its
        // leader is looked up once per run (nothing here changes leadership).
        let mut leader_for: Option<(usize, Option<BrokerId>)> = None;
        let observations = std::mem::take(&mut out.observations);
        for (i, obs) in observations.iter().enumerate() {
            let tp = obs.tp();
            let leader = match leader_for {
                Some((j, leader)) if observations[j].tp() == tp => leader,
                _ => self.leader_in(cluster, tp),
            };
            leader_for = Some((i, leader));
            let log = leader.and_then(|l| self.brokers.get(&l)).and_then(|b| b.disk.logs.get(tp));
            let seen = checker.history.observe(obs, log);
            if !seen.is_empty() {
                checker.findings.extend(seen.iter().cloned());
                findings.extend(seen);
            }
        }
        out.observations = observations;
        out.observations.clear();
        self.put_checker(cluster, checker);
        for f in findings {
            self.trace.push(now, TraceKind::Check(f));
        }
        for (at, timer) in out.timers.drain(..) {
            let timer = timer.into();
            let at = if at < now { now } else { at };
            if self.timers_queued.insert((at, node, inc, timer.clone())) {
                self.push(at, Event::Timer { node, inc, timer });
            }
        }
        let sends: Vec<(NodeAddr, Message)> = out.sends.drain(..).collect();
        for (to, msg) in sends {
            self.send(node, to, msg);
        }
    }

    fn send(&mut self, from: NodeAddr, to: NodeAddr, msg: Message) {
        let now = self.now;
        let label = msg.label();
        let class = msg.traffic();
        let response = msg.is_response();
        match self.net.send(now, from, to, msg.size_bytes(), label, response) {
            Sent::Arrives { id, at } => {
                if self.trace.level >= TraceLevel::Messages {
                    self.trace.push(
                        now,
                        TraceKind::Sent { id, from, to, api: label.into(), class, response, bytes: msg.size_bytes() },
                    );
                }
                let (from_inc, to_inc) = (self.inc(from), self.inc(to));
                self.push(at, Event::Deliver { from, from_inc, to, to_inc, id, msg });
            }
            Sent::Dropped { id, reason } => {
                self.trace.push(now, TraceKind::Dropped { id, from, to, api: label.into(), reason });
                if !self.is_up(to) {
                    // Connection refused: the sender hears at once (if the link lets it).
                    self.notify_disconnect(from, to);
                }
            }
        }
    }

    /// A TCP connection attempt from `node`: a running process accepts after a round trip, a
    /// port where nothing listens (a killed broker, an address without a broker) refuses after
    /// a round trip (at once when nothing is there at all), and a cut link never answers.
    fn connect(&mut self, node: NodeAddr, inc: u64, key: i32, attempt: u64) {
        let now = self.now;
        let Some(peer) = (key >= 0 && self.brokers.contains_key(&key)).then_some(NodeAddr::Broker(key)) else {
            self.push(now, Event::Connect { node, inc, key, attempt, ok: false });
            return;
        };
        let (Some(there), Some(back)) = (self.net.notice_delay_us(node, peer), self.net.notice_delay_us(peer, node))
        else {
            return;
        };
        let ok = self.is_up(peer);
        self.push(now.plus_micros(there + back), Event::Connect { node, inc, key, attempt, ok });
    }

    /// Tells `node` that its connection to `peer` was reset (after one network latency).
    fn notify_disconnect(&mut self, node: NodeAddr, peer: NodeAddr) {
        if let Some(delay) = self.net.notice_delay_us(peer, node) {
            let at = self.now.plus_micros(delay);
            let inc = self.inc(node);
            self.push(at, Event::Disconnect { node, inc, peer });
        }
    }

    // ---------------- process lifecycle ----------------

    fn next_incarnation(&mut self, node: NodeAddr) -> u64 {
        let e = self.incarnations.entry(node).or_insert(0);
        *e += 1;
        *e
    }

    pub fn start_controller(&mut self, id: i32) -> Result<(), String> {
        if !self.controllers.contains_key(&id) {
            return Err(format!("there is no controller {id}"));
        }
        if self.controllers[&id].proc.is_some() {
            return Err(format!("controller {id} is already running"));
        }
        let node = NodeAddr::Controller(id);
        self.next_incarnation(node);
        let rng = self.rng.split(&format!("{node}#{}", self.inc(node)));
        self.step_node::<ControllerNode>(node, |c, now, env, out| c.start(now, env, rng, out));
        Ok(())
    }

    pub fn start_broker(&mut self, id: BrokerId) -> Result<(), String> {
        if !self.brokers.contains_key(&id) {
            return Err(format!("there is no broker {id}"));
        }
        if self.brokers[&id].proc.is_some() {
            return Err(format!("broker {id} is already running"));
        }
        let node = NodeAddr::Broker(id);
        self.next_incarnation(node);
        let rng = self.rng.split(&format!("{node}#{}", self.inc(node)));
        self.step_node::<BrokerNode>(node, |b, now, env, out| b.start(now, env, rng, out));
        Ok(())
    }

    /// Ends a process: in-memory state is gone, the disk stays. Peers with open connections
    /// see a reset.
    fn stop_process(&mut self, node: NodeAddr) {
        match node {
            NodeAddr::Controller(id) => {
                if let Some(c) = self.controllers.get_mut(&id) {
                    c.proc = None;
                }
            }
            NodeAddr::Broker(id) => {
                if let Some(b) = self.brokers.get_mut(&id) {
                    b.proc = None;
                }
            }
            NodeAddr::Client(id) => {
                self.clients.remove(&id);
            }
        }
        self.net.forget_node(node);
        let peers: Vec<NodeAddr> = self
            .connections
            .iter()
            .filter(|(a, b)| *a == node || *b == node)
            .map(|(a, b)| if *a == node { *b } else { *a })
            .collect();
        self.connections.retain(|(a, b)| *a != node && *b != node);
        for p in peers {
            if self.is_up(p) {
                self.notify_disconnect(p, node);
            }
        }
    }

    /// `kill -9` of a broker: the process is gone, its log stays on disk.
    pub fn kill_broker(&mut self, id: BrokerId) -> Result<(), String> {
        match self.brokers.get(&id) {
            None => Err(format!("there is no broker {id}")),
            Some(b) if b.proc.is_none() => Err(format!("broker {id} is not running")),
            Some(_) => {
                self.trace.push(self.now, TraceKind::ProcessCrashed { node: NodeAddr::Broker(id) });
                self.stop_process(NodeAddr::Broker(id));
                Ok(())
            }
        }
    }

    /// Controlled shutdown: the broker asks the controller to move its leaderships, then exits.
    pub fn stop_broker(&mut self, id: BrokerId) -> Result<(), String> {
        match self.brokers.get(&id) {
            None => return Err(format!("there is no broker {id}")),
            Some(b) if b.proc.is_none() => return Err(format!("broker {id} is not running")),
            _ => {}
        }
        self.input::<BrokerNode>(NodeAddr::Broker(id), BrokerInput::ControlledShutdown);
        Ok(())
    }

    /// The broker's disk is lost (it must be down or is killed first); it restarts empty.
    pub(crate) fn lose_disk(&mut self, id: BrokerId) -> Result<(), String> {
        if !self.brokers.contains_key(&id) {
            return Err(format!("there is no broker {id}"));
        }
        if self.brokers[&id].proc.is_some() {
            self.kill_broker(id)?;
        }
        if let Some(b) = self.brokers.get_mut(&id) {
            b.disk = Default::default();
        }
        self.trace.push(self.now, TraceKind::DiskLost { node: NodeAddr::Broker(id) });
        Ok(())
    }

    /// Adds a new broker with the next free id and starts it.
    pub(crate) fn add_broker(&mut self) -> Result<BrokerId, String> {
        let id = self.brokers.keys().filter(|b| **b < SECOND_FIRST_BROKER_ID).max().copied().unwrap_or(0) + 1;
        if id > 64 {
            return Err("Brokerlab simulates at most 64 brokers".into());
        }
        let rack = self.rack_for(id);
        self.brokers.insert(id, BrokerNode::new(id, rack));
        self.start_broker(id)?;
        Ok(id)
    }

    pub fn kill_controller(&mut self, id: i32) -> Result<(), String> {
        match self.controllers.get(&id) {
            None => Err(format!("there is no controller {id}")),
            Some(c) if c.proc.is_none() => Err(format!("controller {id} is not running")),
            Some(_) => {
                self.trace.push(self.now, TraceKind::ProcessCrashed { node: NodeAddr::Controller(id) });
                self.stop_process(NodeAddr::Controller(id));
                Ok(())
            }
        }
    }

    /// Slows a broker's replica fetchers: it waits `delay_ms` before each fetch.
    pub fn slow_broker(&mut self, id: BrokerId, delay_ms: i64) -> Result<(), String> {
        if self.brokers.get(&id).and_then(|b| b.proc.as_ref()).is_none() {
            return Err(format!("broker {id} is not running"));
        }
        self.input::<BrokerNode>(NodeAddr::Broker(id), BrokerInput::SlowFetches { delay_ms });
        Ok(())
    }

    // ---------------- clients ----------------

    /// Resolves `host:port,host:port` against the simulated listeners.
    pub(crate) fn resolve_bootstrap(&self, servers: &str) -> Vec<(String, Option<BrokerId>)> {
        servers
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .map(|s| {
                let s = s.trim().to_string();
                let resolved = s.rsplit_once(':').and_then(|(host, port)| {
                    let local = matches!(host, "localhost" | "127.0.0.1" | "broker" | "kafka")
                        || host.starts_with("broker-")
                        || host.starts_with("kafka-");
                    let port: u16 = port.parse().ok()?;
                    if !local {
                        return None;
                    }
                    self.brokers.keys().copied().find(|b| Env::broker_port(*b) == port)
                });
                (s, resolved)
            })
            .collect()
    }

    /// Whether bootstrap servers name the second cluster's brokers (a client is in the cluster
    /// its bootstrap servers lead to).
    fn bootstraps_second(&self, bs: &[(String, Option<BrokerId>)]) -> bool {
        bs.iter().any(|(_, b)| b.is_some_and(|b| self.in_second(NodeAddr::Broker(b))))
    }

    fn add_client(&mut self, name: String, second: bool, make: impl FnOnce(u32, Pcg32) -> ClientKind) -> u32 {
        let id = self.next_client;
        self.next_client += 1;
        let node = NodeAddr::Client(id);
        if second {
            if let Some(s) = self.second.as_deref_mut() {
                s.clients.insert(id);
            }
        }
        self.next_incarnation(node);
        let rng = self.rng.split(&format!("client-{id}"));
        let kind = make(id, rng);
        if let Some(login) = self.login_for_new_clients.clone() {
            if let Some(s) = self.second.as_deref_mut() {
                s.env.logins.insert(id, login.clone());
            }
            self.env.logins.insert(id, login);
        }
        self.clients.insert(id, ClientNode { id, name, kind, paused: false });
        self.trace.push(self.now, TraceKind::ProcessStarted { node });
        self.poke_client(id);
        id
    }

    /// The SASL/PLAIN login the clients created from now on authenticate with (`None`: no
    /// SASL settings).
    pub fn set_login_for_new_clients(&mut self, login: Option<crate::sim::acl::Login>) {
        self.login_for_new_clients = login;
    }

    /// Runs a client's poll loop now (after the application handed it work).
    pub(crate) fn poke_client(&mut self, id: u32) {
        self.step_node::<ClientNode>(NodeAddr::Client(id), |c, now, env, out| c.after(now, env, out));
    }

    pub fn create_producer(&mut self, name: &str, bootstrap: &str, cfg: ProducerConfig) -> u32 {
        let bs = self.resolve_bootstrap(bootstrap);
        let client_id = if cfg.client_id.is_empty() { name.to_string() } else { cfg.client_id.clone() };
        let epoch_ms = self.env.epoch_ms;
        let second = self.bootstraps_second(&bs);
        self.add_client(name.to_string(), second, move |id, rng| {
            let mut p = Producer::new(id, client_id, cfg, bs, rng);
            p.epoch_ms = epoch_ms;
            ClientKind::Producer(Box::new(p))
        })
    }

    pub fn create_consumer(&mut self, name: &str, bootstrap: &str, cfg: ConsumerConfig) -> u32 {
        let bs = self.resolve_bootstrap(bootstrap);
        let client_id = if cfg.client_id.is_empty() { name.to_string() } else { cfg.client_id.clone() };
        let second = self.bootstraps_second(&bs);
        self.add_client(name.to_string(), second, move |id, rng| {
            ClientKind::Consumer(Box::new(Consumer::new(id, client_id, cfg, bs, rng)))
        })
    }

    pub fn create_admin(&mut self, name: &str, bootstrap: &str) -> u32 {
        let bs = self.resolve_bootstrap(bootstrap);
        let client_id = name.to_string();
        let second = self.bootstraps_second(&bs);
        self.add_client(name.to_string(), second, move |id, rng| {
            ClientKind::Admin(Box::new(Admin::new(id, client_id, bs, rng)))
        })
    }

    /// Closes a client gracefully (a consumer leaves its group first).
    pub fn close_client(&mut self, id: u32) {
        if let Some(ClientKind::Consumer(_)) = self.clients.get(&id).map(|c| &c.kind) {
            let node = NodeAddr::Client(id);
            self.step_node::<ClientNode>(node, |n, now, _, out| {
                if let ClientKind::Consumer(c) = &mut n.kind {
                    c.close(now, out);
                }
            });
        }
        if self.clients.contains_key(&id) {
            // What was sent before a graceful close (a commit, a LeaveGroup) still arrives.
            let node = NodeAddr::Client(id);
            self.graceful.insert((node, self.inc(node)));
            self.trace.push(self.now, TraceKind::ProcessStopped { node: NodeAddr::Client(id) });
            self.stop_process(NodeAddr::Client(id));
        }
    }

    /// The application process dies without closing anything.
    pub fn crash_client(&mut self, id: u32) -> Result<(), String> {
        if !self.clients.contains_key(&id) {
            return Err(format!("there is no client {id}"));
        }
        self.trace.push(self.now, TraceKind::ProcessCrashed { node: NodeAddr::Client(id) });
        self.stop_process(NodeAddr::Client(id));
        Ok(())
    }

    pub(crate) fn client_by_name(&self, name: &str) -> Option<u32> {
        self.clients.values().find(|c| c.name == name).map(|c| c.id)
    }

    pub fn producer_mut(&mut self, id: u32) -> Option<&mut Producer> {
        match self.clients.get_mut(&id).map(|c| &mut c.kind) {
            Some(ClientKind::Producer(p)) => Some(p),
            _ => None,
        }
    }

    pub fn consumer_mut(&mut self, id: u32) -> Option<&mut Consumer> {
        match self.clients.get_mut(&id).map(|c| &mut c.kind) {
            Some(ClientKind::Consumer(c)) => Some(c),
            _ => None,
        }
    }

    pub(crate) fn admin_mut(&mut self, id: u32) -> Option<&mut Admin> {
        match self.clients.get_mut(&id).map(|c| &mut c.kind) {
            Some(ClientKind::Admin(a)) => Some(a),
            _ => None,
        }
    }

    /// Hands a record to a producer (`send()`).
    pub fn produce(&mut self, producer: u32, record: ProducerRecord) -> Result<u64, SendError> {
        let now = self.now;
        let p = self.producer_mut(producer).ok_or_else(|| SendError::Fatal(format!("no producer {producer}")))?;
        let id = p.send(now, record)?;
        self.poke_client(producer);
        Ok(id)
    }

    /// Starts, changes or stops a producer application's stream of records.
    pub(crate) fn set_producer_workload(
        &mut self,
        producer: u32,
        workload: Option<crate::sim::client::producer::Workload>,
    ) -> Result<(), String> {
        if self.producer_mut(producer).is_none() {
            return Err(format!("there is no producer {producer}"));
        }
        self.step_node::<ClientNode>(NodeAddr::Client(producer), |n, now, _, out| {
            if let ClientKind::Producer(p) = &mut n.kind {
                p.set_workload(now, workload, out);
            }
        });
        self.poke_client(producer);
        Ok(())
    }

    pub fn take_completions(&mut self, producer: u32) -> Vec<Completion> {
        self.producer_mut(producer).map(|p| p.completions.drain(..).collect()).unwrap_or_default()
    }

    /// Starts an admin operation; poll [`Sim::admin_take`] for its result.
    pub fn admin_submit(&mut self, admin: u32, calls: Vec<Call>, timeout_ms: Option<i64>) -> Option<u64> {
        let mut task = None;
        self.step_node::<ClientNode>(NodeAddr::Client(admin), |n, now, _, out| {
            if let ClientKind::Admin(a) = &mut n.kind {
                task = Some(a.submit(now, calls, timeout_ms, out));
            }
        });
        self.poke_client(admin);
        task
    }

    pub fn admin_take(&mut self, admin: u32, task: u64) -> Option<AdminTask> {
        self.admin_mut(admin).and_then(|a| a.take(task))
    }

    /// Runs an admin operation to completion (advancing time) and returns its calls.
    pub fn admin_run(&mut self, admin: u32, calls: Vec<Call>, timeout_ms: Option<i64>) -> AdminTask {
        let Some(task) = self.admin_submit(admin, calls, timeout_ms) else {
            return AdminTask { calls: vec![], deadline: self.now, started: self.now };
        };
        loop {
            if let Some(t) = self.admin_take(admin, task) {
                return t;
            }
            if !self.step() {
                // Nothing left to happen: the task can never finish (should not occur, the
                // deadline timer is always queued).
                return AdminTask { calls: vec![], deadline: self.now, started: self.now };
            }
        }
    }

    /// Runs until `done` holds or `max_ms` of simulated time pass; returns whether it held.
    pub fn run_while(&mut self, max_ms: i64, mut done: impl FnMut(&mut Sim) -> bool) -> bool {
        let limit = self.now.plus_ms(max_ms);
        loop {
            if done(self) {
                return true;
            }
            if !self.step_until(limit) {
                return done(self);
            }
        }
    }

    /// The partition's current leader in the first cluster, per its active controller.
    pub fn leader_of(&self, tp: &crate::sim::types::TopicPartition) -> Option<BrokerId> {
        self.leader_in(0, tp)
    }

    /// The partition's current leader in `cluster`, per its active controller.
    pub fn leader_in(&self, cluster: u8, tp: &crate::sim::types::TopicPartition) -> Option<BrokerId> {
        let c = self.active_controller_in(cluster)?;
        let leader = self.controllers[&c].proc.as_ref()?.image.partition(&tp.topic, tp.partition)?.leader;
        (leader >= 0).then_some(leader)
    }

    /// The log of the partition's current leader (in the first cluster).
    pub fn leader_log(&self, tp: &crate::sim::types::TopicPartition) -> Option<&crate::sim::log::Log> {
        self.leader_log_in(0, tp)
    }

    /// The log of the partition's current leader in `cluster`.
    pub(crate) fn leader_log_in(
        &self,
        cluster: u8,
        tp: &crate::sim::types::TopicPartition,
    ) -> Option<&crate::sim::log::Log> {
        let leader = self.leader_in(cluster, tp)?;
        self.brokers.get(&leader)?.disk.logs.get(tp)
    }

    /// The end-of-run checks of a fault schedule, for after every fault healed and the cluster
    /// had time to settle (well past `replica.lag.time.max.ms`, the broker session timeout and
    /// the replica fetch request timeout):
    ///
    /// * every partition whose replicas all run has a leader and all of them in its ISR
    ///   ([`Finding::NotInSync`]);
    /// * every acknowledged record is readable: in the current leader's log below its high
    ///   watermark ([`Finding::Unreadable`]), or reported as lost ([`Finding::LostWrite`]).
    ///
    /// The findings are recorded like any other (trace and [`Checker::findings`]) and returned.
    ///
    /// [`Finding::NotInSync`]: crate::sim::trace::Finding::NotInSync
    /// [`Finding::Unreadable`]: crate::sim::trace::Finding::Unreadable
    /// [`Finding::LostWrite`]: crate::sim::trace::Finding::LostWrite
    pub fn check_healed(&mut self) -> Vec<crate::sim::trace::Finding> {
        let mut found = self.check_healed_in(0);
        if self.second.is_some() {
            found.extend(self.check_healed_in(1));
        }
        found
    }

    /// [`Sim::check_healed`] for one cluster, with that cluster's checker.
    fn check_healed_in(&mut self, cluster: u8) -> Vec<crate::sim::trace::Finding> {
        let mut checker = self.take_checker(cluster);
        let found = self.check_healed_with(cluster, &mut checker);
        self.put_checker(cluster, checker);
        found
    }

    fn check_healed_with(&mut self, cluster: u8, checker: &mut Checker) -> Vec<crate::sim::trace::Finding> {
        use crate::sim::trace::Finding;
        use crate::sim::types::TopicPartition;
        let mut found = Vec::new();
        let Some(image) =
            self.active_controller_in(cluster).and_then(|c| self.controllers[&c].proc.as_ref()).map(|p| &p.image)
        else {
            let f = Finding::InvariantViolated { what: "no active controller after the cluster healed".into() };
            checker.findings.push(f.clone());
            self.trace.push(self.now, TraceKind::Check(f.clone()));
            return vec![f];
        };
        let mut partitions = Vec::new();
        for t in image.topics.values() {
            for (p, st) in &t.partitions {
                partitions.push((TopicPartition::new(t.name.clone(), *p), st.clone()));
            }
        }
        for (tp, st) in partitions {
            let running = |b: &BrokerId| self.brokers.get(b).map(|n| n.proc.is_some()).unwrap_or(false);
            if st.replicas.iter().all(running) && (st.leader < 0 || !st.replicas.iter().all(|r| st.isr.contains(r))) {
                let f = Finding::NotInSync {
                    tp: tp.clone(),
                    leader: st.leader,
                    isr: st.isr.clone(),
                    replicas: st.replicas.clone(),
                };
                checker.findings.push(f.clone());
                found.push(f);
            }
            let Some(node) = self.brokers.get(&st.leader) else { continue };
            let Some(p) = &node.proc else { continue };
            let leads = p.replicas.get(&tp).map(|r| r.is_leader() && r.leader_epoch == st.leader_epoch);
            if leads != Some(true) {
                let f = Finding::InvariantViolated {
                    what: format!(
                        "broker {} does not lead {tp} at epoch {} after the cluster healed, as the controller records",
                        st.leader, st.leader_epoch
                    ),
                };
                checker.findings.push(f.clone());
                found.push(f);
                continue;
            }
            let Some(log) = node.disk.logs.get(&tp) else { continue };
            let compacted = p.config(&tp.topic).cleanup_compact;
            found.extend(checker.check_readable(&tp, log, compacted));
        }
        for f in &found {
            self.trace.push(self.now, TraceKind::Check(f.clone()));
        }
        found
    }

    /// Runs `f` on a consumer (the application's API: subscribe, assign, seek, commit, close),
    /// then lets its client react.
    pub fn with_consumer<T>(
        &mut self,
        id: u32,
        f: impl FnOnce(&mut Consumer, SimTime, &mut ClientOut) -> T,
    ) -> Option<T> {
        let mut result = None;
        self.step_node::<ClientNode>(NodeAddr::Client(id), |n, now, _, out| {
            if let ClientKind::Consumer(c) = &mut n.kind {
                result = Some(f(c, now, out));
            }
        });
        self.poke_client(id);
        result
    }

    /// Runs `f` on a producer (transactions, flush, close), then lets its client react.
    pub fn with_producer<T>(
        &mut self,
        id: u32,
        f: impl FnOnce(&mut Producer, SimTime, &mut ClientOut) -> T,
    ) -> Option<T> {
        let mut result = None;
        self.step_node::<ClientNode>(NodeAddr::Client(id), |n, now, _, out| {
            if let ClientKind::Producer(p) = &mut n.kind {
                result = Some(f(p, now, out));
            }
        });
        self.poke_client(id);
        result
    }

    /// Pauses or resumes a client's application (a stuck poll loop).
    pub fn pause_client(&mut self, id: u32, paused: bool) -> Result<(), String> {
        if !self.clients.contains_key(&id) {
            return Err(format!("there is no client {id}"));
        }
        self.input::<ClientNode>(NodeAddr::Client(id), ClientInput::Pause(paused));
        Ok(())
    }

    /// The read-process-write applications and the side effects they caused.
    pub fn processors(&self) -> &crate::sim::world::processor::Processors {
        &self.processors
    }

    pub(crate) fn processors_mut(&mut self) -> &mut crate::sim::world::processor::Processors {
        &mut self.processors
    }

    /// The controllers, running or not (read only: the learner acts on them through commands).
    pub fn controllers(&self) -> &BTreeMap<i32, ControllerNode> {
        &self.controllers
    }

    /// The brokers, running or not (read only: the learner acts on them through commands).
    pub fn brokers(&self) -> &BTreeMap<BrokerId, BrokerNode> {
        &self.brokers
    }

    /// Fetches waiting at brokers now (`DelayedFetch`: long polls): the broker, who sent it,
    /// and since when.
    pub(crate) fn parked_fetches(&self) -> impl Iterator<Item = (BrokerId, NodeAddr, SimTime)> + '_ {
        self.brokers
            .iter()
            .filter_map(|(id, b)| b.proc.as_ref().map(|p| (*id, p)))
            .flat_map(|(id, p)| p.delayed_fetch.values().map(move |d| (id, d.from, d.since)))
    }

    /// The clients on the network (read only; an application acts on its client through
    /// [`Sim::with_producer`], [`Sim::with_consumer`] and the admin calls).
    pub fn clients(&self) -> &BTreeMap<u32, ClientNode> {
        &self.clients
    }

    /// The seed every component's randomness is split from.
    pub(crate) fn seed(&self) -> u64 {
        self.seed
    }

    /// Simulated time: the instant of the last event handled.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// What every node shares and nobody changes: the cluster id, static configs, the clock's
    /// epoch.
    pub(crate) fn env(&self) -> &Env {
        &self.env
    }

    /// Tiered storage's remote store (KIP-405): every partition's copied segments.
    pub fn remote_store(&self) -> &crate::sim::remote::RemoteStore {
        &self.env.remote
    }

    /// `remote-storage down|up`: makes the remote store unreachable (every read, copy and
    /// deletion fails with a `RemoteStorageException`) or reachable again. Like a network
    /// fault it is the world's, not a node's; the brokers find out on their next use of it.
    pub fn set_remote_store_down(&mut self, down: bool) {
        if self.env.remote.down != down {
            self.env.remote.down = down;
            self.trace.push(self.now, TraceKind::RemoteStorage { down });
        }
    }

    /// Fetches of `tp` served from remote storage, and those that failed there.
    pub fn remote_reads(&self, tp: &crate::sim::types::TopicPartition) -> (u64, u64) {
        self.env.remote.reads.get(tp).copied().unwrap_or((0, 0))
    }

    /// Whether tiered storage is on in this cluster (`remote.log.storage.system.enable`).
    pub(crate) fn tiered_storage_enabled(&self) -> bool {
        self.env.settings.remote_log_storage_system_enable
    }

    /// The network between the nodes, with its faults.
    pub(crate) fn net(&self) -> &Network {
        &self.net
    }

    /// The network, to cut, heal, isolate, slow or lossen links: it is the world's own, not a
    /// node's, so a fault is a change to it (delivery decisions read it on the next send).
    pub fn net_mut(&mut self) -> &mut Network {
        &mut self.net
    }

    /// The trace of what happened (messages, elections, ISR changes, …).
    pub fn trace(&self) -> &TraceLog {
        &self.trace
    }

    /// The trace, for trimming its window of recent events (snapshots) or sizing it.
    pub(crate) fn trace_mut(&mut self) -> &mut TraceLog {
        &mut self.trace
    }

    /// The invariant checker of the first cluster and what it found.
    pub fn checker(&self) -> &Checker {
        &self.checker
    }

    /// The invariant checker of `cluster` (0 the first, 1 the second) and what it found.
    pub fn checker_of(&self, cluster: u8) -> &Checker {
        match &self.second {
            Some(s) if cluster == 1 => &s.checker,
            _ => &self.checker,
        }
    }

    /// How many events the world has handled since it was created.
    pub fn events_processed(&self) -> u64 {
        self.events_processed
    }

    /// The brokers' disks and all, for persistence only ([`crate::sim::disk_image`] strips
    /// and restores their logs); nothing else changes a node from outside.
    pub(crate) fn brokers_mut(&mut self) -> &mut BTreeMap<BrokerId, BrokerNode> {
        &mut self.brokers
    }

    /// The controllers' disks, for persistence only (see [`Sim::brokers_mut`]).
    pub(crate) fn controllers_mut(&mut self) -> &mut BTreeMap<i32, ControllerNode> {
        &mut self.controllers
    }

    /// Takes what client `id` logged so far, with its log prefix (`[Producer clientId=…]`).
    pub fn take_client_logs(&mut self, id: u32) -> Option<(String, Vec<crate::sim::client::conn::ClientLog>)> {
        let c = self.clients.get_mut(&id)?;
        let prefix = c.meta().log_prefix.clone();
        Some((prefix, c.take_logs()))
    }

    /// The stable hash of the trace so far.
    pub fn trace_hash(&self) -> u64 {
        self.trace.hash
    }
}

/// Small clusters cannot host RF-3 internal topics: do what Kafka's single-node and docker
/// quickstart configs do and lower them (in server.properties, so a describe shows them as
/// static; clusters big enough keep Kafka's defaults).
fn lower_internal_replication(static_configs: &mut BTreeMap<String, String>, brokers: i32) {
    let n = brokers;
    for (k, v) in [
        ("offsets.topic.replication.factor", n.min(3)),
        ("transaction.state.log.replication.factor", n.min(3)),
        ("transaction.state.log.min.isr", n.min(2)),
        ("share.coordinator.state.topic.replication.factor", n.min(3)),
        ("share.coordinator.state.topic.min.isr", n.min(2)),
    ] {
        let default = crate::sim::config::broker_config_def(k).and_then(|d| d.default);
        if default != Some(v.to_string().as_str()) {
            static_configs.entry(k.to_string()).or_insert_with(|| v.to_string());
        }
    }
}

impl Sim {
    /// Starts `connect-mirror-maker <file>` with its parsed properties; its id.
    pub(crate) fn start_mirror_maker(&mut self, file: &str, config: &MirrorConfig) -> Result<u32, String> {
        if config.flows.is_empty() {
            return Err("no replication flow is enabled: set <source>-><target>.enabled = true".to_string());
        }
        let mm = MirrorMaker::start(self, file, config)?;
        let id = self.next_mirror_maker.max(1);
        self.next_mirror_maker = id + 1;
        self.mirror_makers.insert(id, mm);
        let now = self.now;
        self.push(now, Event::Mirror { id });
        Ok(id)
    }

    /// Stops a MirrorMaker (SIGTERM: its connectors stop and its clients close).
    pub(crate) fn stop_mirror_maker(&mut self, id: u32) -> Result<(), String> {
        let Some(mut mm) = self.mirror_makers.remove(&id) else {
            return Err(format!("there is no MirrorMaker {id}"));
        };
        mm.stop(self);
        Ok(())
    }

    /// The running MirrorMakers, by id.
    pub(crate) fn mirror_makers(&self) -> &BTreeMap<u32, MirrorMaker> {
        &self.mirror_makers
    }
}

impl MirrorHost for Sim {
    fn now(&self) -> SimTime {
        self.now
    }
    fn new_admin(&mut self, name: &str, servers: &str) -> u32 {
        self.create_admin(name, servers)
    }
    fn new_consumer(&mut self, name: &str, servers: &str, props: BTreeMap<String, String>) -> Result<u32, String> {
        let cfg = ConsumerConfig::parse(&props)?;
        Ok(self.create_consumer(name, servers, cfg))
    }
    fn new_producer(&mut self, name: &str, servers: &str, props: BTreeMap<String, String>) -> Result<u32, String> {
        let cfg = ProducerConfig::parse(&props)?;
        Ok(self.create_producer(name, servers, cfg))
    }
    fn submit(&mut self, admin: u32, calls: Vec<Call>) -> Option<u64> {
        self.admin_submit(admin, calls, None)
    }
    fn take_task(&mut self, admin: u32, task: u64) -> Option<AdminTask> {
        self.admin_take(admin, task)
    }
    fn admin_topics(&self, admin: u32) -> Vec<(String, i32, bool)> {
        match self.clients.get(&admin).map(|c| &c.kind) {
            Some(ClientKind::Admin(a)) => a
                .meta
                .topics
                .iter()
                .filter(|(_, t)| t.error.is_none())
                .map(|(name, t)| (name.clone(), t.partitions.len() as i32, t.internal))
                .collect(),
            _ => Vec::new(),
        }
    }
    fn assign_from_earliest(
        &mut self,
        consumer: u32,
        all: Vec<crate::sim::types::TopicPartition>,
        new: Vec<crate::sim::types::TopicPartition>,
    ) {
        self.with_consumer(consumer, |c, _, _| {
            c.assign(all);
            for tp in &new {
                c.seek_to(tp, crate::sim::client::config::OffsetReset::Earliest);
            }
        });
    }
    fn take_records(&mut self, consumer: u32) -> Vec<crate::sim::client::consumer::ConsumedRecord> {
        let records = self.consumer_mut(consumer).map(|c| c.take_delivered(usize::MAX)).unwrap_or_default();
        if !records.is_empty() {
            self.poke_client(consumer);
        }
        records
    }
    fn send(&mut self, producer: u32, record: ProducerRecord) -> Result<u64, SendError> {
        self.produce(producer, record)
    }
    fn completions(&mut self, producer: u32) -> Vec<Completion> {
        self.take_completions(producer)
    }
    fn live_brokers(&self, servers: &str) -> Vec<BrokerId> {
        let cluster = self.cluster_of_servers(servers);
        self.brokers
            .iter()
            .filter(|(id, b)| b.proc.is_some() && self.cluster_of(NodeAddr::Broker(**id)) == cluster)
            .map(|(id, _)| *id)
            .collect()
    }
    fn close(&mut self, client: u32) {
        self.close_client(client);
    }
    fn client_alive(&self, client: u32) -> bool {
        self.clients.contains_key(&client)
    }
}

fn ordered(a: NodeAddr, b: NodeAddr) -> (NodeAddr, NodeAddr) {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}
