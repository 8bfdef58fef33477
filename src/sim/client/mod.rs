//! Client processes: producers, consumers and the admin client behind the CLI tools.
//!
//! Each client starts from its bootstrap servers, fetches metadata, and refreshes it on
//! NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION and disconnects (kafka-semantics.md §4.7,
//! "broker discovery").

pub mod admin;
pub mod config;
pub mod consumer;
pub mod producer;
pub mod txn;

use crate::sim::errors::KafkaError;
use crate::sim::node::{CorrIds, Env, Out, Timer};
use crate::sim::protocol::{BrokerEndpoint, Message, MetadataPartition, MetadataTopic, NodeAddr, Request};
use crate::sim::time::SimTime;
use crate::sim::trace::TraceKind;
use crate::sim::types::{BrokerId, Epoch, PartitionId, TopicPartition};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// What a client knows of one topic.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicMeta {
    pub error: Option<KafkaError>,
    pub internal: bool,
    pub partitions: Vec<MetadataPartition>,
    /// Partitions with a leader (computed once per metadata update; the sticky partitioner
    /// reads it for every record).
    pub available: Vec<PartitionId>,
}

/// The client's metadata cache (`Metadata` + the bootstrap logic of `NetworkClient`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ClientMetadata {
    /// Bootstrap addresses as typed, resolved to brokers (None: nothing listens there).
    pub bootstrap: Vec<(String, Option<BrokerId>)>,
    pub brokers: BTreeMap<BrokerId, BrokerEndpoint>,
    pub topics: BTreeMap<String, TopicMeta>,
    pub wanted: BTreeSet<String>,
    pub all_topics: bool,
    pub allow_auto_create: bool,
    pub inflight: Option<(u64, NodeAddr)>,
    pub last_update: Option<SimTime>,
    pub need_update: bool,
    pub rr: u32,
    pub backoff_until: SimTime,
    pub failures: u32,
    pub cluster_id: Option<String>,
    pub controller: BrokerId,
    pub max_age_ms: i64,
    /// Bumped whenever a new topic is wanted, so a response to an older request does not
    /// count as fresh for it.
    pub want_generation: u32,
    pub inflight_generation: u32,
    /// Nodes whose connection failed: not used again before the reconnect back-off ends
    /// (`reconnect.backoff.ms` doubling to `reconnect.backoff.max.ms`).
    pub unready: BTreeMap<BrokerId, (SimTime, u32)>,
    clock: SimTime,
}

impl ClientMetadata {
    pub fn new(bootstrap: Vec<(String, Option<BrokerId>)>) -> ClientMetadata {
        ClientMetadata {
            bootstrap,
            brokers: BTreeMap::new(),
            topics: BTreeMap::new(),
            wanted: BTreeSet::new(),
            all_topics: false,
            allow_auto_create: true,
            inflight: None,
            last_update: None,
            need_update: true,
            rr: 0,
            backoff_until: SimTime::ZERO,
            failures: 0,
            cluster_id: None,
            controller: -1,
            max_age_ms: 300_000,
            want_generation: 0,
            inflight_generation: 0,
            unready: BTreeMap::new(),
            clock: SimTime::ZERO,
        }
    }

    pub fn want(&mut self, topic: &str) {
        if self.wanted.insert(topic.to_string()) {
            self.need_update = true;
            self.want_generation += 1;
        }
    }

    /// Whether a connection to `broker` may be (re)tried now.
    pub fn ready(&self, broker: BrokerId, now: SimTime) -> bool {
        self.unready.get(&broker).map(|(until, _)| now >= *until).unwrap_or(true)
    }

    /// The node to ask next: known brokers round-robin, else the bootstrap list.
    pub fn pick_node(&mut self) -> Option<NodeAddr> {
        let all: Vec<BrokerId> = self.brokers.keys().copied().collect();
        let now = self.clock;
        let ready: Vec<BrokerId> = all.iter().copied().filter(|b| self.ready(*b, now)).collect();
        let known = if ready.is_empty() { all } else { ready };
        self.rr = self.rr.wrapping_add(1);
        if !known.is_empty() && self.failures < 2 * known.len() as u32 {
            return Some(NodeAddr::Broker(known[(self.rr as usize) % known.len()]));
        }
        if self.bootstrap.is_empty() {
            return None;
        }
        let (_, b) = &self.bootstrap[(self.rr as usize) % self.bootstrap.len()];
        b.map(NodeAddr::Broker)
    }

    /// Sends a Metadata request if one is due. Returns false when no node can be reached.
    pub fn maybe_request(&mut self, now: SimTime, corr: &mut CorrIds, out: &mut Out, request_timeout_ms: i64) -> bool {
        let stale = self.last_update.map(|t| now.ms_since(t) >= self.max_age_ms).unwrap_or(true);
        if self.inflight.is_some() || !(self.need_update || stale) {
            return true;
        }
        if now < self.backoff_until {
            out.timer(self.backoff_until, Timer::ClientWake);
            return true;
        }
        let Some(node) = self.pick_node() else {
            // Nothing listens at the bootstrap address: connection refused, back off.
            self.failures += 1;
            self.backoff_until = now.plus_ms(reconnect_backoff(self.failures));
            out.timer(self.backoff_until, Timer::ClientWake);
            return false;
        };
        let c = corr.next();
        self.inflight = Some((c, node));
        self.inflight_generation = self.want_generation;
        let topics = if self.all_topics { None } else { Some(self.wanted.iter().cloned().collect()) };
        out.request(node, c, Request::Metadata { topics, allow_auto_create: self.allow_auto_create });
        out.timer(now.plus_ms(request_timeout_ms), Timer::RequestTimeout(c));
        true
    }

    pub fn on_response(
        &mut self,
        now: SimTime,
        corr: u64,
        brokers: Vec<BrokerEndpoint>,
        controller: BrokerId,
        topics: Vec<MetadataTopic>,
        cluster_id: String,
    ) -> bool {
        if self.inflight.map(|(c, _)| c) != Some(corr) {
            return false;
        }
        self.inflight = None;
        self.failures = 0;
        self.brokers = brokers.into_iter().map(|b| (b.id, b)).collect();
        self.controller = controller;
        self.cluster_id = Some(cluster_id);
        let mut retry = false;
        for t in topics {
            if t.error.is_some() {
                retry = true;
            }
            let available = t
                .partitions
                .iter()
                .filter(|p| p.leader >= 0 && self.brokers.contains_key(&p.leader))
                .map(|p| p.partition)
                .collect();
            self.topics.insert(
                t.name.clone(),
                TopicMeta { error: t.error, internal: t.internal, partitions: t.partitions, available },
            );
        }
        self.last_update = Some(now);
        self.need_update = retry || self.inflight_generation != self.want_generation;
        if retry {
            self.backoff_until = now.plus_ms(100);
        }
        true
    }

    /// The request for `corr` failed (timeout or disconnect).
    pub fn on_failure(&mut self, now: SimTime, corr: u64, out: &mut Out) -> bool {
        if self.inflight.map(|(c, _)| c) != Some(corr) {
            return false;
        }
        self.inflight = None;
        self.failures += 1;
        self.backoff_until = now.plus_ms(reconnect_backoff(self.failures));
        out.timer(self.backoff_until, Timer::ClientWake);
        true
    }

    pub fn on_disconnect(&mut self, now: SimTime, peer: NodeAddr, out: &mut Out) {
        if let Some((c, n)) = self.inflight {
            if n == peer {
                self.on_failure(now, c, out);
            }
        }
        if let NodeAddr::Broker(b) = peer {
            let e = self.unready.entry(b).or_insert((now, 0));
            e.1 += 1;
            e.0 = now.plus_ms(reconnect_backoff(e.1));
            out.timer(e.0, Timer::ClientWake);
        }
        self.need_update = true;
    }

    /// Keeps the client's notion of now (for choosing ready nodes).
    pub fn tick(&mut self, now: SimTime) {
        self.clock = now;
        self.unready.retain(|_, (until, failures)| now < *until || *failures < 6);
    }

    /// A node answered: its connection works again.
    pub fn node_ok(&mut self, broker: BrokerId) {
        self.unready.remove(&broker);
    }

    pub fn partition(&self, tp: &TopicPartition) -> Option<&MetadataPartition> {
        self.topics.get(&tp.topic).and_then(|t| t.partitions.iter().find(|p| p.partition == tp.partition))
    }

    /// The partition's leader, if known and its connection is not backing off.
    pub fn leader(&self, tp: &TopicPartition) -> Option<BrokerId> {
        self.partition(tp)
            .map(|p| p.leader)
            .filter(|l| *l >= 0 && self.brokers.contains_key(l) && self.ready(*l, self.clock))
    }

    pub fn leader_epoch(&self, tp: &TopicPartition) -> Epoch {
        self.partition(tp).map(|p| p.leader_epoch).unwrap_or(-1)
    }

    pub fn partition_count(&self, topic: &str) -> Option<i32> {
        self.topics
            .get(topic)
            .filter(|t| t.error.is_none() && !t.partitions.is_empty())
            .map(|t| t.partitions.len() as i32)
    }

    /// Partitions of `topic` that have a leader right now.
    pub fn available_partitions(&self, topic: &str) -> &[PartitionId] {
        self.topics.get(topic).map(|t| t.available.as_slice()).unwrap_or(&[])
    }
}

/// `reconnect.backoff.ms` (50) doubling up to `reconnect.backoff.max.ms` (1000).
pub fn reconnect_backoff(failures: u32) -> i64 {
    (50i64 << failures.min(5)).min(1000)
}

/// What a client process is.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum ClientKind {
    Producer(Box<producer::Producer>),
    Consumer(Box<consumer::Consumer>),
    Admin(Box<admin::Admin>),
}

/// A client process on the simulated network.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ClientNode {
    pub id: u32,
    /// The name the learner uses (`p1`, `console-producer`, …).
    pub name: String,
    pub kind: ClientKind,
    /// Paused clients stop polling (a stuck application).
    pub paused: bool,
}

impl ClientNode {
    pub fn handle_message(&mut self, now: SimTime, from: NodeAddr, msg: Message, env: &Env, out: &mut Out) {
        if let NodeAddr::Broker(b) = from {
            self.meta_mut().node_ok(b);
        }
        self.meta_mut().tick(now);
        match &mut self.kind {
            ClientKind::Producer(p) => p.handle_message(now, from, msg, env, out),
            ClientKind::Consumer(c) => c.handle_message(now, from, msg, env, out),
            ClientKind::Admin(a) => a.handle_message(now, from, msg, env, out),
        }
        self.after(now, env, out);
    }

    fn meta_mut(&mut self) -> &mut ClientMetadata {
        match &mut self.kind {
            ClientKind::Producer(p) => &mut p.meta,
            ClientKind::Consumer(c) => &mut c.meta,
            ClientKind::Admin(a) => &mut a.meta,
        }
    }

    pub fn handle_timer(&mut self, now: SimTime, timer: Timer, env: &Env, out: &mut Out) {
        self.meta_mut().tick(now);
        match &mut self.kind {
            ClientKind::Producer(p) => p.handle_timer(now, timer, env, out),
            ClientKind::Consumer(c) => c.handle_timer(now, timer, env, out),
            ClientKind::Admin(a) => a.handle_timer(now, timer, env, out),
        }
        self.after(now, env, out);
    }

    pub fn handle_disconnect(&mut self, now: SimTime, peer: NodeAddr, env: &Env, out: &mut Out) {
        self.meta_mut().tick(now);
        out.trace(TraceKind::Disconnected { node: NodeAddr::Client(self.id), peer });
        match &mut self.kind {
            ClientKind::Producer(p) => p.handle_disconnect(now, peer, env, out),
            ClientKind::Consumer(c) => c.handle_disconnect(now, peer, env, out),
            ClientKind::Admin(a) => a.handle_disconnect(now, peer, env, out),
        }
        self.after(now, env, out);
    }

    /// Runs the client's poll loop after any input.
    pub fn after(&mut self, now: SimTime, env: &Env, out: &mut Out) {
        self.meta_mut().tick(now);
        let paused = self.paused;
        match &mut self.kind {
            ClientKind::Producer(p) => p.poll(now, env, out),
            ClientKind::Consumer(c) => {
                if !paused {
                    c.poll(now, env, out)
                } else {
                    c.poll_network_only(now, env, out)
                }
            }
            ClientKind::Admin(a) => a.poll(now, env, out),
        }
    }
}
