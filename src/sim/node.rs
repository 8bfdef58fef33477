//! What every node handler gets and produces: the environment it reads and the outbox it fills.
//!
//! Nodes are sans-IO state machines in the quinn-proto style: `handle_*` methods take `now`
//! and an input (a message, a timer, a disconnect) and push their outputs — messages to send,
//! timers to arm, trace events — into an [`Out`], which the world drains.

use crate::sim::config::BrokerSettings;
use crate::sim::protocol::{Body, Message, NodeAddr, Request, Response};
use crate::sim::time::SimTime;
use crate::sim::trace::TraceKind;
use crate::sim::types::BrokerId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Read-only facts every node may consult.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Env {
    pub settings: BrokerSettings,
    /// Static broker configs (`server.properties`), given when the cluster was created.
    pub static_configs: BTreeMap<String, String>,
    /// Milliseconds since the Unix epoch at simulated time zero.
    pub epoch_ms: i64,
    pub cluster_id: String,
    /// The controller quorum's voter ids.
    pub voters: Vec<i32>,
    /// Opt-in power-loss model: unflushed data is lost when a broker crashes.
    pub power_loss: bool,
}

impl Env {
    /// Wall-clock milliseconds (Kafka timestamps) at simulated time `now`.
    pub fn wall_ms(&self, now: SimTime) -> i64 {
        self.epoch_ms + now.as_ms() as i64
    }
    /// The listener port of a broker: broker 1 is localhost:9092, broker 2 localhost:9093, …
    pub fn broker_port(id: BrokerId) -> u16 {
        (9091 + id.clamp(0, 50_000)) as u16
    }
    /// The listener port of a controller: controller 1001 is localhost:19091, …
    pub fn controller_port(id: i32) -> u16 {
        (18090 + id.clamp(0, 40_000)) as u16
    }
}

/// Timers, by node kind. A timer carries what it is about, so a stale one is recognised and
/// ignored (a timer is never cancelled, it just finds nothing to do).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Timer {
    // controller
    QuorumElection,
    QuorumFetch,
    QuorumRequestTimeout(u64),
    SessionCheck,
    LeaderImbalanceCheck,
    UncleanElectionCheck,
    ParkedFetch(NodeAddr, u64),
    /// The active controller's next `NoOpRecord` (for the epoch it leads).
    WriteNoOpRecord(crate::sim::types::Epoch),
    // broker
    BrokerHeartbeat,
    ControllerRequestTimeout(u64),
    IsrExpiration,
    FetcherWake(BrokerId),
    ReplicaRequestTimeout(u64),
    DelayedProduce(u64),
    DelayedFetch(u64),
    RetentionCheck,
    CleanerCheck,
    HwCheckpoint,
    Flush,
    GroupTick(String),
    TxnTick,
    // clients
    RequestTimeout(u64),
    ClientWake,
    /// `socket.connection.setup.timeout.ms` of a client's connection attempt (its key and
    /// attempt number).
    ConnectTimeout(i32, u64),
}

/// A handler's outputs.
#[derive(Clone, Debug, Default)]
pub struct Out {
    pub sends: Vec<(NodeAddr, Message)>,
    pub timers: Vec<(SimTime, Timer)>,
    pub trace: Vec<TraceKind>,
    /// Partitions whose log changed, for the invariant checker.
    pub touched: Vec<crate::sim::types::TopicPartition>,
    /// What clients observed, for the history checker.
    pub observations: Vec<Observation>,
    /// Connections a client opens (TCP connect): the connection's key (a broker id, or a
    /// negative key for an address where nothing listens) and the attempt number. The world
    /// answers with an accept, a refusal, or nothing (a cut link).
    pub connects: Vec<(i32, u64)>,
}

/// Facts for the history checker that are not trace events (too many, too detailed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Observation {
    /// A consumer's application received a record.
    Consumed {
        client: String,
        tp: crate::sim::types::TopicPartition,
        offset: crate::sim::types::Offset,
        origin: u64,
        index: u32,
        bound: crate::sim::types::Offset,
        read_committed: bool,
        producer_id: i64,
        transactional: bool,
    },
    /// A consumer's position was set other than by consuming (reset, committed offset, seek).
    Position { client: String, tp: crate::sim::types::TopicPartition, offset: crate::sim::types::Offset },
}

impl Out {
    pub fn observe(&mut self, o: Observation) {
        self.observations.push(o);
    }

    pub fn touch(&mut self, tp: &crate::sim::types::TopicPartition) {
        if self.touched.last() != Some(tp) {
            self.touched.push(tp.clone());
        }
    }
    pub fn request(&mut self, to: NodeAddr, corr: u64, req: Request) {
        self.sends.push((to, Message { corr, body: Body::Req(req) }));
    }
    pub fn respond(&mut self, to: NodeAddr, corr: u64, resp: Response) {
        self.sends.push((to, Message { corr, body: Body::Resp(resp) }));
    }
    pub fn timer(&mut self, at: SimTime, timer: Timer) {
        self.timers.push((at, timer));
    }
    pub fn trace(&mut self, kind: TraceKind) {
        self.trace.push(kind);
    }
    pub fn connect(&mut self, key: i32, attempt: u64) {
        self.connects.push((key, attempt));
    }
    pub fn is_empty(&self) -> bool {
        self.sends.is_empty() && self.timers.is_empty() && self.trace.is_empty() && self.connects.is_empty()
    }
}

/// A counter for correlation ids.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct CorrIds(u64);

impl CorrIds {
    pub fn next_id(&mut self) -> u64 {
        self.0 += 1;
        self.0
    }

    /// The correlation id Kafka's client would log for `corr`: `NetworkClient` numbers its
    /// requests from 0, these ids from 1.
    pub fn kafka_id(corr: u64) -> u64 {
        corr.saturating_sub(1)
    }
}
