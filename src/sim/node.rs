//! What every node handler gets and produces: the environment it reads and the outbox it fills.
//!
//! Nodes are sans-IO state machines in the quinn-proto style: `handle_*` methods take `now`
//! and an input (a message, a timer, a disconnect) and push their outputs — messages to send,
//! timers to arm, trace events — into an [`Out`], which the world drains.

use crate::sim::codec::Codec;
use crate::sim::config::BrokerSettings;
use crate::sim::protocol::{Body, Message, Request, Response};
use crate::sim::time::SimTime;
use crate::sim::trace::TraceKind;
use crate::sim::types::{BrokerId, NodeAddr};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Read-only facts every node may consult.
#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub(crate) struct Env {
    pub(crate) settings: BrokerSettings,
    /// Static broker configs (`server.properties`), given when the cluster was created.
    pub(crate) static_configs: BTreeMap<String, String>,
    /// Milliseconds since the Unix epoch at simulated time zero.
    pub(crate) epoch_ms: i64,
    pub(crate) cluster_id: String,
    /// The controller quorum's voter ids.
    pub(crate) voters: Vec<i32>,
    /// Opt-in power-loss model: unflushed data is lost when a broker crashes.
    pub power_loss: bool,
    /// The SASL/PLAIN login each client process is configured with (`sasl.jaas.config`), by
    /// client address: what it authenticates with on every connection to a SASL listener.
    #[serde(default)]
    pub(crate) logins: BTreeMap<u32, crate::sim::acl::Login>,
    /// Tiered storage's remote store (KIP-405), shared by the cluster's brokers: they read it
    /// here and change it through [`Out::remote`].
    #[serde(default)]
    pub(crate) remote: crate::sim::remote::RemoteStore,
}

impl Env {
    /// Wall-clock milliseconds (Kafka timestamps) at simulated time `now`.
    pub(crate) fn wall_ms(&self, now: SimTime) -> i64 {
        self.epoch_ms + now.as_ms() as i64
    }
    /// The listener port of a broker: broker 1 is localhost:9092, broker 2 localhost:9093, …
    pub(crate) fn broker_port(id: BrokerId) -> u16 {
        (9091 + id.clamp(0, 50_000)) as u16
    }
    /// The listener port of a controller: controller 1001 is localhost:19091, …
    pub(crate) fn controller_port(id: i32) -> u16 {
        (18090 + id.clamp(0, 40_000)) as u16
    }
    /// All static configs of a broker: the ones given at `reset` over
    /// [`implicit_static`](crate::sim::config::implicit_static).
    pub(crate) fn broker_static_configs(&self, broker: BrokerId, rack: Option<&str>) -> BTreeMap<String, String> {
        let ports: Vec<u16> = self.voters.iter().map(|v| Env::controller_port(*v)).collect();
        let mut m = crate::sim::config::implicit_static(broker, Env::broker_port(broker), &ports, rack);
        m.extend(self.static_configs.iter().map(|(k, v)| (k.clone(), v.clone())));
        if self.sasl_plain() {
            m.insert("listeners".to_string(), format!("SASL_PLAINTEXT://localhost:{}", Env::broker_port(broker)));
        }
        m
    }

    /// Whether the brokers' listener is `SASL_PLAINTEXT` (the opt-in secured cluster): the
    /// learner's `listener.security.protocol.map` names a listener `SASL_PLAINTEXT` with that
    /// protocol, and Brokerlab's one broker listener is then that one.
    pub(crate) fn sasl_plain(&self) -> bool {
        crate::sim::config::sasl_listener(&self.static_configs)
    }

    /// The JAAS options of the brokers' SASL listener
    /// (`listener.name.sasl_plaintext.plain.sasl.jaas.config`).
    fn broker_jaas(&self) -> Vec<(String, String)> {
        self.static_configs
            .get("listener.name.sasl_plaintext.plain.sasl.jaas.config")
            .and_then(|j| crate::sim::acl::jaas_options(j))
            .unwrap_or_default()
    }

    /// The principal a request from `from` runs as (`KafkaPrincipal.toString`): on a PLAINTEXT
    /// listener `User:ANONYMOUS`; on the SASL listener the login's user when its password is
    /// the listener's `user_<name>`, brokers and controllers as the JAAS `username` (the
    /// inter-broker login). `Err` is the message of the `SaslAuthenticationException` a client
    /// with a wrong login gets (`PlainServerCallbackHandler`, `SaslServerAuthenticator`).
    pub(crate) fn principal_of(&self, from: NodeAddr) -> Result<String, String> {
        if !self.sasl_plain() {
            return Ok("User:ANONYMOUS".to_string());
        }
        let jaas = self.broker_jaas();
        let get = |k: &str| jaas.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        match from {
            NodeAddr::Client(id) => {
                let Some(login) = self.logins.get(&id) else {
                    // A client without SASL settings does not speak SASL to a SASL listener:
                    // Brokerlab treats it as a failed authentication.
                    return Err("Authentication failed: Invalid username or password".to_string());
                };
                match get(&format!("user_{}", login.username)) {
                    Some(p) if p == login.password => Ok(format!("User:{}", login.username)),
                    _ => Err("Authentication failed: Invalid username or password".to_string()),
                }
            }
            _ => Ok(format!("User:{}", get("username").unwrap_or_else(|| "ANONYMOUS".to_string()))),
        }
    }

    /// The `StandardAuthorizer`'s settings when `authorizer.class.name` names it.
    pub(crate) fn authorizer(&self) -> Option<crate::sim::acl::AuthorizerConfig> {
        let class = self.static_configs.get("authorizer.class.name")?;
        if class.trim() != "org.apache.kafka.metadata.authorizer.StandardAuthorizer" {
            return None;
        }
        let super_users = self
            .static_configs
            .get("super.users")
            .map(|s| s.split(';').map(|u| u.trim().to_string()).filter(|u| !u.is_empty()).collect())
            .unwrap_or_default();
        let allow_if_no_acl = self
            .static_configs
            .get("allow.everyone.if.no.acl.found")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
        Some(crate::sim::acl::AuthorizerConfig { super_users, allow_if_no_acl })
    }
}

/// One simulated process (a controller, a broker) or client, as the world sees it: a sans-IO
/// state machine in the quinn-proto style. Each `handle_*` takes `now` and one input and
/// pushes what the node does into an [`Out`]; the world delivers messages, fires timers, tells
/// of lost connections and passes on what the learner does to the node (its [`Node::Input`]).
pub(crate) trait Node {
    /// The node kind's own timers. A timer carries what it is about, so a stale one is
    /// recognised and ignored (a timer is never cancelled, it just finds nothing to do).
    type Timer: Clone;
    /// What the world (the learner's commands) asks of the node: slowing a follower, a
    /// controlled shutdown, pausing an application, …
    type Input;
    fn handle_message(&mut self, now: SimTime, from: NodeAddr, msg: Message, env: &Env, out: &mut Out<Self::Timer>);
    fn handle_timer(&mut self, now: SimTime, timer: Self::Timer, env: &Env, out: &mut Out<Self::Timer>);
    /// The connection to `peer` was closed (reset, or refused when it was being opened).
    fn handle_disconnect(&mut self, now: SimTime, peer: NodeAddr, env: &Env, out: &mut Out<Self::Timer>);
    fn handle_input(&mut self, now: SimTime, input: Self::Input, env: &Env, out: &mut Out<Self::Timer>);
}

/// A handler's outputs.
#[derive(Clone, Debug)]
pub struct Out<T> {
    pub sends: Vec<(NodeAddr, Message)>,
    pub(crate) timers: Vec<(SimTime, T)>,
    pub trace: Vec<TraceKind>,
    /// Partitions whose log changed, for the invariant checker.
    pub(crate) touched: Vec<crate::sim::types::TopicPartition>,
    /// What clients observed, for the history checker.
    pub(crate) observations: Vec<Observation>,
    /// Connections a client opens (TCP connect): the connection's key (a broker id, or a
    /// negative key for an address where nothing listens) and the attempt number. The world
    /// answers with an accept, a refusal, or nothing (a cut link).
    pub(crate) connects: Vec<(i32, u64)>,
    /// The process asks to exit (a broker whose controlled shutdown is complete).
    pub exit: bool,
    /// Changes to the remote store (tiered storage), applied by the world after the step.
    pub(crate) remote: Vec<crate::sim::remote::RemoteOp>,
}

impl<T> Default for Out<T> {
    fn default() -> Self {
        Out {
            sends: Vec::new(),
            timers: Vec::new(),
            trace: Vec::new(),
            touched: Vec::new(),
            observations: Vec::new(),
            connects: Vec::new(),
            exit: false,
            remote: Vec::new(),
        }
    }
}

/// Facts for the history checker that are not trace events (too many, too detailed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Observation {
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

impl Observation {
    /// The partition observed.
    pub(crate) fn tp(&self) -> &crate::sim::types::TopicPartition {
        match self {
            Observation::Consumed { tp, .. } | Observation::Position { tp, .. } => tp,
        }
    }
}

impl<T> Out<T> {
    pub(crate) fn observe(&mut self, o: Observation) {
        self.observations.push(o);
    }

    pub(crate) fn touch(&mut self, tp: &crate::sim::types::TopicPartition) {
        if self.touched.last() != Some(tp) {
            self.touched.push(tp.clone());
        }
    }
    pub(crate) fn request(&mut self, to: NodeAddr, corr: u64, req: Request) {
        self.sends.push((to, Message { corr, body: Body::Req(req) }));
    }
    pub(crate) fn respond(&mut self, to: NodeAddr, corr: u64, resp: Response) {
        self.sends.push((to, Message { corr, body: Body::Resp(resp) }));
    }
    /// Answers a request.
    pub(crate) fn reply(&mut self, to: ReplyTo, resp: Response) {
        self.respond(to.to, to.corr, resp);
    }
    pub(crate) fn timer(&mut self, at: SimTime, timer: T) {
        self.timers.push((at, timer));
    }
    pub(crate) fn trace(&mut self, kind: TraceKind) {
        self.trace.push(kind);
    }
    pub(crate) fn connect(&mut self, key: i32, attempt: u64) {
        self.connects.push((key, attempt));
    }
    /// The process exits once this step's outputs are sent.
    pub(crate) fn exit(&mut self) {
        self.exit = true;
    }
}

/// Where the answer to a request goes: the node that sent it and the request's correlation id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ReplyTo {
    pub(crate) to: NodeAddr,
    pub(crate) corr: u64,
}

/// A counter for correlation ids.
#[derive(Clone, Debug, Default, Serialize, Deserialize, Codec)]
pub(crate) struct CorrIds(u64);

impl CorrIds {
    pub(crate) fn next_id(&mut self) -> u64 {
        self.0 += 1;
        self.0
    }

    /// The correlation id Kafka's client would log for `corr`: `NetworkClient` numbers its
    /// requests from 0, these ids from 1.
    pub(crate) fn kafka_id(corr: u64) -> u64 {
        corr.saturating_sub(1)
    }
}
