//! Client processes: producers, consumers and the admin client behind the CLI tools.
//!
//! Each client starts from its bootstrap servers, fetches metadata, and refreshes it on
//! NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION and disconnects (KIP-631,
//! "broker discovery").

pub mod admin;
pub mod config;
pub(crate) mod conn;
pub mod consumer;
pub mod producer;
pub(crate) mod timer;
pub mod txn;

use crate::sim::codec::Codec;
use crate::sim::errors::KafkaError;
use crate::sim::node::{CorrIds, Env, Node};
use crate::sim::protocol::{Body, Message, MetadataPartition, MetadataTopic, Request, Response};
use crate::sim::rng::Pcg32;
use crate::sim::sort::CompactCollect;
use crate::sim::time::SimTime;
use crate::sim::trace::TraceKind;
use crate::sim::types::{BrokerEndpoint, BrokerId, Epoch, NodeAddr, PartitionId, TopicPartition};
use conn::{ClientLog, CloseReason, ConnKey, ConnState, Connections, ExpBackoff, Queued, LOG_CAPACITY};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use timer::{ClientOut, ClientTimer};

/// What a client knows of one topic.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct TopicMeta {
    pub error: Option<KafkaError>,
    pub internal: bool,
    pub partitions: Vec<MetadataPartition>,
    /// Partitions with a leader (computed once per metadata update; the sticky partitioner
    /// reads it for every record).
    pub(crate) available: Vec<PartitionId>,
}

/// Which of Kafka's metadata managers a client follows.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) enum MetadataStyle {
    /// `Metadata` behind `NetworkClient.DefaultMetadataUpdater` (producer, consumer):
    /// exponential refresh back-off, and the equivalent-response back-off of KIP-951.
    Client,
    /// `AdminMetadataManager`: a constant `retry.backoff.ms` between fetches.
    Admin,
}

/// The client's metadata cache (`Metadata`) and its network layer (`NetworkClient` with
/// `ClusterConnectionStates`, see [`conn`]).
#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub struct ClientMetadata {
    /// Bootstrap addresses as typed, resolved to brokers (None: nothing listens there).
    pub bootstrap: Vec<(String, Option<BrokerId>)>,
    pub brokers: BTreeMap<BrokerId, BrokerEndpoint>,
    pub topics: BTreeMap<String, TopicMeta>,
    pub(crate) wanted: BTreeSet<String>,
    pub(crate) all_topics: bool,
    pub(crate) allow_auto_create: bool,
    /// The Metadata request in flight and the connection it went to.
    pub(crate) inflight: Option<(u64, NodeAddr)>,
    /// When the last successful update arrived (`lastSuccessfulRefreshMs`).
    pub(crate) last_update: Option<SimTime>,
    /// A full update is wanted (`needFullUpdate`, `Metadata.requestUpdate`).
    pub(crate) need_update: bool,
    /// A newly wanted topic needs fetching (`needPartialUpdate`).
    pub(crate) need_partial: bool,
    /// The last update attempt, failed or not (`lastRefreshMs`); `None` asks for one at once
    /// (`requestUpdateForNewTopics`).
    pub(crate) last_refresh: Option<SimTime>,
    /// Failed attempts since the last success (`Metadata.attempts`).
    pub(crate) attempts: u64,
    /// Responses in a row that taught nothing new about leaders (`equivalentResponseCount`).
    pub(crate) equivalent_responses: u64,
    /// The earliest next update (`timeToAllowUpdate`), drawn with jitter when an attempt ends.
    pub(crate) allow_at: SimTime,
    pub(crate) cluster_id: Option<String>,
    pub(crate) controller: BrokerId,
    pub(crate) max_age_ms: i64,
    /// Bumped whenever a new topic is wanted, so a response to an older request does not
    /// count as fresh for it.
    pub(crate) want_generation: u32,
    pub(crate) inflight_generation: u32,
    pub(crate) style: MetadataStyle,
    /// `retry.backoff.ms` / `retry.backoff.max.ms` (the metadata refresh back-off).
    pub(crate) refresh_backoff: ExpBackoff,
    /// `request.timeout.ms` (the `ApiVersions` exchange of a new connection waits this long).
    pub(crate) request_timeout_ms: i64,
    pub(crate) conns: Connections,
    /// The log context of the client's loggers: `[Producer clientId=console-producer] `.
    pub(crate) log_prefix: String,
    /// What the client logged at WARN and above (the tools print it on stderr).
    pub logs: VecDeque<ClientLog>,
    /// Requests that were in flight or waiting on a connection that just closed, for the
    /// client's logic to fail (`NetworkClient.processDisconnection` → `cancelInFlightRequests`
    /// completes each with a disconnected `ClientResponse`); drained at once by [`ClientNode`].
    #[serde(default)]
    pub(crate) failed_requests: Vec<u64>,
    /// `produce-throttle-time-*` (a producer) or `fetch-throttle-time-*` (a consumer): the
    /// throttle time of each produce or fetch response (KIP-219).
    #[serde(default)]
    pub throttle: crate::sim::quota::ThrottleStat,
    /// Responses that came throttled, and their throttle time summed.
    #[serde(default)]
    pub throttled_responses: u64,
    rng: Pcg32,
    clock: SimTime,
}

/// The node `leastLoadedNode` chose, and whether any connection is ready.
struct LeastLoaded {
    node: Option<ConnKey>,
    any_ready: bool,
}

impl ClientMetadata {
    pub(crate) fn new(bootstrap: Vec<(String, Option<BrokerId>)>, rng: Pcg32) -> ClientMetadata {
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
            need_partial: false,
            last_refresh: None,
            attempts: 0,
            equivalent_responses: 0,
            allow_at: SimTime::ZERO,
            cluster_id: None,
            controller: -1,
            max_age_ms: 300_000,
            want_generation: 0,
            inflight_generation: 0,
            style: MetadataStyle::Client,
            refresh_backoff: ExpBackoff::new(100, 1000),
            request_timeout_ms: 30_000,
            conns: Connections::default(),
            throttle: Default::default(),
            throttled_responses: 0,
            log_prefix: String::new(),
            logs: VecDeque::new(),
            failed_requests: Vec::new(),
            rng,
            clock: SimTime::ZERO,
        }
    }

    /// Logs a line at `level` from `logger` (kept for the tool that prints it).
    pub(crate) fn log(&mut self, now: SimTime, level: &str, logger: &str, message: String) {
        if self.logs.len() >= LOG_CAPACITY {
            self.logs.pop_front();
        }
        self.logs.push_back(ClientLog { at: now, level: level.into(), logger: logger.into(), message });
    }

    /// The client's random numbers (jitter of its back-offs).
    pub(crate) fn rng(&mut self) -> &mut Pcg32 {
        &mut self.rng
    }

    /// `requestUpdateForNewTopics`: a new topic is fetched at once.
    pub(crate) fn want(&mut self, topic: &str) {
        // Checked first: a producer asks for its topic with every record it queues.
        if !self.wanted.contains(topic) && self.wanted.insert(topic.to_string()) {
            self.need_partial = true;
            self.want_generation += 1;
            self.last_refresh = None;
            self.equivalent_responses = 0;
            self.recompute_allow();
        }
    }

    /// `Metadata.timeToAllowUpdate` as a moment: `retry.backoff.ms` growing with failed
    /// attempts and with responses that brought nothing new, from the last attempt.
    fn recompute_allow(&mut self) {
        let Some(last) = self.last_refresh else {
            self.allow_at = SimTime::ZERO;
            return;
        };
        let wait = match self.style {
            MetadataStyle::Admin => self.refresh_backoff.initial_ms,
            MetadataStyle::Client => {
                let b = self.refresh_backoff;
                let for_attempts = b.backoff(self.attempts.saturating_sub(1), &mut self.rng);
                let for_equivalent = if self.equivalent_responses > 0 {
                    b.backoff(self.equivalent_responses - 1, &mut self.rng)
                } else {
                    0
                };
                for_attempts.max(for_equivalent)
            }
        };
        self.allow_at = last.plus_ms(wait);
    }

    /// `Metadata.timeToNextUpdate`.
    pub(crate) fn time_to_next_update(&mut self, now: SimTime) -> i64 {
        let stale = self.last_update.map(|t| now.ms_since(t) >= self.max_age_ms).unwrap_or(true);
        if stale && self.equivalent_responses > 0 {
            self.equivalent_responses = 0;
            self.recompute_allow();
        }
        let to_expire = if self.need_update || self.need_partial || stale {
            0
        } else {
            self.last_update.map(|t| self.max_age_ms - now.ms_since(t)).unwrap_or(0)
        };
        to_expire.max(self.allow_at.ms_since(now)).max(0)
    }

    /// `Metadata.failedUpdate`.
    fn failed_update(&mut self, now: SimTime) {
        self.last_refresh = Some(now);
        self.attempts += 1;
        self.equivalent_responses = 0;
        self.recompute_allow();
    }

    /// Before the first metadata (or after a rebootstrap) the client only knows its bootstrap
    /// servers.
    pub(crate) fn bootstrapping(&self) -> bool {
        self.brokers.is_empty()
    }

    /// The connections `leastLoadedNode` chooses from: the bootstrap servers, or the brokers.
    fn candidate_keys(&self) -> Vec<ConnKey> {
        if self.bootstrapping() {
            self.bootstrap.iter().enumerate().map(|(i, (_, b))| b.unwrap_or(-1 - i as i32)).collect()
        } else {
            self.brokers.keys().copied().collect()
        }
    }

    /// `NetworkClient.leastLoadedNode`: a ready node without requests in flight, else the
    /// least busy ready one, else one connecting, else the one tried longest ago that may be
    /// tried again; a random starting point spreads clients.
    fn least_loaded(&mut self, now: SimTime) -> LeastLoaded {
        let nodes = self.candidate_keys();
        if nodes.is_empty() {
            return LeastLoaded { node: None, any_ready: false };
        }
        let offset = self.rng.below(nodes.len() as u32) as usize;
        let mut found_ready: Option<(usize, ConnKey)> = None;
        let mut found_connecting = None;
        let mut found_can_connect: Option<ConnKey> = None;
        let mut any_ready = false;
        for i in 0..nodes.len() {
            let key = nodes[(offset + i) % nodes.len()];
            if self.conns.is_ready(key) {
                any_ready = true;
                let n = self.conns.inflight_to(key);
                if n == 0 {
                    return LeastLoaded { node: Some(key), any_ready: true };
                }
                if found_ready.map(|(m, _)| n < m).unwrap_or(true) {
                    found_ready = Some((n, key));
                }
            } else if self.conns.is_preparing(key) {
                found_connecting = Some(key);
            } else if self.conns.can_connect(key, now)
                && found_can_connect.map(|f| self.conns.last_attempt(f) > self.conns.last_attempt(key)).unwrap_or(true)
            {
                found_can_connect = Some(key);
            }
        }
        let node = found_ready.map(|(_, k)| k).or(found_connecting).or(found_can_connect);
        LeastLoaded { node, any_ready }
    }

    /// `metadata.recovery.strategy=rebootstrap` (the default since Kafka 4.0): when none of
    /// the known brokers can be reached, start again from the bootstrap servers.
    fn rebootstrap(&mut self) {
        self.brokers.clear();
        self.need_update = true;
    }

    /// A node to send a request that may go anywhere (FindCoordinator, InitProducerId, an
    /// admin call to any broker): `leastLoadedNode`.
    pub(crate) fn pick_node(&mut self) -> Option<NodeAddr> {
        let now = self.clock;
        self.least_loaded(now).node.and_then(Connections::peer)
    }

    /// The id, host and port a connection to `key` uses: a bootstrap server's as typed while
    /// bootstrapping, the broker's advertised listener after.
    fn endpoint(&self, key: ConnKey) -> (i32, String, u16) {
        if let Some(ep) = self.brokers.get(&key) {
            return (key, ep.host.clone(), ep.port);
        }
        let index = self.bootstrap.iter().enumerate().position(|(i, (_, b))| b.unwrap_or(-1 - i as i32) == key);
        if let Some(i) = index {
            let server = &self.bootstrap[i].0;
            let (host, port) = server.rsplit_once(':').unwrap_or((server.as_str(), ""));
            return (-1 - i as i32, host.to_string(), port.parse().unwrap_or(0));
        }
        (key, "localhost".to_string(), crate::sim::node::Env::broker_port(key))
    }

    /// Starts a connection attempt (`NetworkClient.initiateConnect`).
    fn connect(&mut self, key: ConnKey, now: SimTime, out: &mut ClientOut) {
        let (node_id, host, port) = self.endpoint(key);
        self.conns.connecting(key, node_id, &host, port, now, &mut self.rng);
        let c = &self.conns.nodes[&key];
        out.connect(key, c.attempt);
        // ClusterConnectionStates.isConnectionSetupTimeout: more than the timeout has passed.
        out.timer(now.plus_ms(c.setup_timeout_ms + 1), ClientTimer::ConnectTimeout(key, c.attempt));
    }

    /// Whether the connection to `key` is the one the client would use now (a connection
    /// opened to a bootstrap server is another connection than the one to that broker's id).
    fn current(&self, key: ConnKey) -> bool {
        let (node_id, _, _) = self.endpoint(key);
        self.conns.nodes.get(&key).map(|c| c.node_id == node_id).unwrap_or(false)
    }

    /// `NetworkClient.ready`: whether a request may go to `broker` now; if not, starts
    /// connecting when the reconnect back-off allows it.
    pub(crate) fn conn_ready(&mut self, broker: BrokerId, now: SimTime, out: &mut ClientOut) -> bool {
        let key = Connections::key_of(broker);
        let current = self.current(key);
        if current && self.conns.is_ready(key) {
            return true;
        }
        let can = !current || self.conns.can_connect(key, now);
        if can && !(current && self.conns.is_preparing(key)) {
            self.connect(key, now, out);
        } else if let Some(c) = self.conns.nodes.get(&key).filter(|c| c.blacked_out(now)) {
            out.timer(c.retry_at(), ClientTimer::ClientWake);
        }
        false
    }

    /// Sends a Metadata request if one is due (`DefaultMetadataUpdater.maybeUpdate`). Returns
    /// false when no node can be tried.
    pub(crate) fn maybe_request(
        &mut self,
        now: SimTime,
        corr: &mut CorrIds,
        out: &mut ClientOut,
        request_timeout_ms: i64,
    ) -> bool {
        self.clock = now;
        if self.inflight.is_some() {
            return true;
        }
        let wait = self.time_to_next_update(now);
        if wait > 0 {
            if wait < i64::MAX / 4 {
                out.timer(now.plus_ms(wait), ClientTimer::ClientWake);
            }
            return true;
        }
        let mut found = self.least_loaded(now);
        if found.node.is_none() && !found.any_ready && !self.bootstrapping() {
            self.rebootstrap();
            found = self.least_loaded(now);
        }
        let Some(key) = found.node else {
            // Nothing can be tried before a reconnect back-off ends.
            let next = self.candidate_keys().iter().filter_map(|k| self.conns.nodes.get(k)).map(|c| c.retry_at()).min();
            out.timer(next.filter(|t| *t > now).unwrap_or(now.plus_ms(50)), ClientTimer::ClientWake);
            return false;
        };
        if self.current(key) && self.conns.is_ready(key) {
            let node = NodeAddr::Broker(key);
            let c = corr.next_id();
            self.inflight = Some((c, node));
            self.inflight_generation = self.want_generation;
            if self.style == MetadataStyle::Admin {
                // AdminMetadataManager.transitionToUpdatePending: the back-off counts from here.
                self.last_refresh = Some(now);
                self.recompute_allow();
            }
            let topics = if self.all_topics { None } else { Some(self.wanted.iter().cloned().collect()) };
            out.request(node, c, Request::Metadata { topics, allow_auto_create: self.allow_auto_create });
            out.timer(now.plus_ms(request_timeout_ms), ClientTimer::RequestTimeout(c));
            return true;
        }
        let any_connecting = self.candidate_keys().iter().any(|k| self.conns.is_preparing(*k));
        if any_connecting && self.current(key) {
            return true;
        }
        if !self.current(key) || self.conns.can_connect(key, now) {
            self.connect(key, now, out);
        }
        true
    }

    pub(crate) fn on_response(
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
        if brokers.is_empty() {
            // "Ignoring empty metadata response": it counts as a failed attempt.
            self.failed_update(now);
            return true;
        }
        // Metadata.update
        self.need_partial = self.inflight_generation != self.want_generation;
        self.last_refresh = Some(now);
        self.attempts = 0;
        self.need_update = false;
        self.last_update = Some(now);
        self.equivalent_responses += 1;
        self.brokers = brokers.into_iter().map(|b| (b.id, b)).collect_map();
        self.controller = controller;
        self.cluster_id = Some(cluster_id);
        let mut errors = Vec::new();
        for t in topics {
            if let Some(e) = t.error {
                errors.push((t.name.clone(), e));
                if e.is_retriable() {
                    // An InvalidMetadataException: ask again.
                    self.need_update = true;
                }
            }
            for p in &t.partitions {
                // Leader epochs: anything new resets the equivalent-response back-off.
                let old = self
                    .topics
                    .get(&t.name)
                    .and_then(|o| o.partitions.iter().find(|q| q.partition == p.partition))
                    .map(|q| q.leader_epoch);
                if old.map(|e| p.leader_epoch > e).unwrap_or(true) {
                    self.equivalent_responses = 0;
                }
                if p.leader < 0 {
                    // LEADER_NOT_AVAILABLE on the partition: another InvalidMetadataException.
                    self.need_update = true;
                }
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
        if !errors.is_empty() && self.style == MetadataStyle::Client {
            let list: Vec<String> = errors.iter().map(|(t, e)| format!("{t}={}", e.name())).collect();
            self.log(
                now,
                "WARN",
                NETWORK_CLIENT,
                format!(
                    "The metadata response from the cluster reported a recoverable issue with correlation id {} : {{{}}}",
                    CorrIds::kafka_id(corr),
                    list.join(", ")
                ),
            );
            // Metadata.checkUnauthorizedTopics: the topics refused TOPIC_AUTHORIZATION_FAILED
            // are logged at ERROR, and the next send to one of them throws
            // `TopicAuthorizationException` (`maybeThrowExceptionForTopic`).
            let unauthorized: Vec<&str> = errors
                .iter()
                .filter(|(_, e)| *e == KafkaError::TOPIC_AUTHORIZATION_FAILED)
                .map(|(t, _)| t.as_str())
                .collect();
            if !unauthorized.is_empty() {
                let line = format!("Topic authorization failed for topics [{}]", unauthorized.join(", "));
                self.log(now, "ERROR", METADATA_LOGGER, line);
            }
        }
        self.recompute_allow();
        true
    }

    /// The Metadata request `corr` failed (timeout or disconnect): `handleFailedRequest`.
    pub(crate) fn on_failure(&mut self, now: SimTime, corr: u64, out: &mut ClientOut) -> bool {
        if self.inflight.map(|(c, _)| c) != Some(corr) {
            return false;
        }
        self.inflight = None;
        if self.style == MetadataStyle::Client {
            self.failed_update(now);
        }
        out.timer(self.allow_at.max(now), ClientTimer::ClientWake);
        true
    }

    /// `MetadataUpdater.handleServerDisconnect` after connection `key` ended.
    fn handle_server_disconnect(&mut self, now: SimTime, key: ConnKey, out: &mut ClientOut) {
        if let Some((c, NodeAddr::Broker(b))) = self.inflight {
            if b == key {
                self.on_failure(now, c, out);
            }
        }
        if self.style == MetadataStyle::Client {
            if let Some(c) = self.conns.nodes.get(&key).filter(|c| c.node_id < 0 && self.bootstrapping()) {
                let line = format!("Bootstrap broker {} disconnected", c.node_string());
                self.log(now, "WARN", NETWORK_CLIENT, line);
            }
            if self.inflight.is_none() && self.time_to_next_update(now) == 0 {
                self.failed_update(now);
            }
        }
        self.need_update = true;
        out.timer(self.allow_at.max(now), ClientTimer::ClientWake);
    }

    /// Connection `key` ended (`NetworkClient.processDisconnection`).
    pub(crate) fn conn_closed(&mut self, now: SimTime, key: ConnKey, reason: CloseReason, out: &mut ClientOut) {
        let Some(c) = self.conns.nodes.get(&key) else { return };
        if c.state == ConnState::Disconnected {
            return;
        }
        let refused = (reason == CloseReason::Refused && c.state == ConnState::Connecting).then(|| {
            format!(
                "Connection to node {} ({}) could not be established. Node may not be available.",
                c.node_id,
                c.remote_address()
            )
        });
        if let Some(line) = refused {
            self.log(now, "WARN", NETWORK_CLIENT, line);
        }
        // Every request sent on the connection, and every one still waiting for it, fails
        // back to the part of the client that made it (never silently forgotten).
        let metadata = self.inflight.map(|(c, _)| c);
        let mut failed: Vec<u64> = self.conns.inflight.iter().filter(|(_, k)| **k == key).map(|(c, _)| *c).collect();
        if let Some(c) = self.conns.nodes.get_mut(&key) {
            failed.extend(c.queued.drain(..).map(|q| q.corr));
        }
        failed.retain(|c| Some(*c) != metadata);
        self.failed_requests.extend(failed);
        self.conns.disconnected(key, now, &mut self.rng);
        self.handle_server_disconnect(now, key, out);
    }

    /// The world's answer to connection attempt `attempt` of `key`. Returns the `ApiVersions`
    /// request to send when the connection was accepted.
    /// `sasl` is the login the client authenticates with on a SASL listener (`None`: the
    /// listener is PLAINTEXT).
    pub(crate) fn conn_result(
        &mut self,
        now: SimTime,
        key: ConnKey,
        (attempt, ok): (u64, bool),
        sasl: Option<crate::sim::acl::Login>,
        corr: &mut CorrIds,
        out: &mut ClientOut,
    ) {
        let Some(c) = self.conns.nodes.get_mut(&key) else { return };
        if c.state != ConnState::Connecting || c.attempt != attempt {
            return;
        }
        if !ok {
            self.conn_closed(now, key, CloseReason::Refused, out);
            return;
        }
        if let Some(login) = sasl {
            // A SASL listener: the channel authenticates before the connection is ready.
            let auth = corr.next_id();
            c.state = ConnState::Authenticating;
            c.api_versions_corr = Some(auth);
            let req = Request::SaslAuthenticate { username: login.username, password: login.password };
            out.request(NodeAddr::Broker(key), auth, req);
            out.timer(now.plus_ms(self.request_timeout_ms), ClientTimer::RequestTimeout(auth));
            return;
        }
        self.check_api_versions(now, key, corr, out);
    }

    /// The connection is established (and authenticated): every Java client first asks the
    /// broker which API versions it speaks.
    fn check_api_versions(&mut self, now: SimTime, key: ConnKey, corr: &mut CorrIds, out: &mut ClientOut) {
        let Some(c) = self.conns.nodes.get_mut(&key) else { return };
        let api = corr.next_id();
        c.state = ConnState::CheckingApiVersions;
        c.api_versions_corr = Some(api);
        out.request(NodeAddr::Broker(key), api, Request::ApiVersions { client_id: self.client_id() });
        out.timer(now.plus_ms(self.request_timeout_ms), ClientTimer::RequestTimeout(api));
    }

    /// The client's `client.id`, as its log context names it (`[Producer clientId=x] `,
    /// `[Consumer clientId=x, groupId=g] `): the request header's client id.
    pub(crate) fn client_id(&self) -> String {
        self.log_prefix
            .split_once("clientId=")
            .map(|(_, rest)| rest.split([',', ']']).next().unwrap_or("").to_string())
            .unwrap_or_default()
    }

    /// The connection whose `ApiVersions` request is `corr`, if any.
    pub(crate) fn api_versions_conn(&self, corr: u64) -> Option<ConnKey> {
        self.conns.nodes.iter().find(|(_, c)| c.api_versions_corr == Some(corr)).map(|(k, _)| *k)
    }

    /// The answer to the `SaslAuthenticate` of connection `key`: on success the connection goes
    /// on to `ApiVersions`; a refusal closes it (`ChannelState.AUTHENTICATION_FAILED`):
    /// `NetworkClient.processDisconnection` logs it at ERROR and the client's metadata takes the
    /// `SaslAuthenticationException` as fatal (`DefaultMetadataUpdater.handleServerDisconnect`,
    /// `AdminMetadataManager.updateFailed`). Returns the refusal's message.
    pub(crate) fn authenticated(
        &mut self,
        now: SimTime,
        key: ConnKey,
        error: Option<String>,
        corr: &mut CorrIds,
        out: &mut ClientOut,
    ) -> Option<String> {
        let Some(message) = error else {
            self.check_api_versions(now, key, corr, out);
            return None;
        };
        if let Some(c) = self.conns.nodes.get(&key) {
            let line = format!(
                "Connection to node {} ({}) failed authentication due to: {message}",
                c.node_id,
                c.remote_address()
            );
            self.log(now, "ERROR", NETWORK_CLIENT, line);
        }
        if let Some(c) = self.conns.nodes.get_mut(&key) {
            c.api_versions_corr = None;
        }
        self.conn_closed(now, key, CloseReason::Reset, out);
        Some(message)
    }

    /// The `ApiVersions` answer arrived: the connection is ready and what waited for it goes.
    pub(crate) fn conn_ready_now(&mut self, now: SimTime, key: ConnKey, out: &mut ClientOut) {
        self.conns.ready(key, &mut self.rng);
        self.send_queued(now, key, out);
    }

    /// Sends what waited on the connection to `key` (for it to be ready, or for a throttle to
    /// end), each with its request timeout.
    fn send_queued(&mut self, now: SimTime, key: ConnKey, out: &mut ClientOut) {
        let queued: Vec<Queued> =
            self.conns.nodes.get_mut(&key).map(|c| c.queued.drain(..).collect()).unwrap_or_default();
        for q in queued {
            out.request(NodeAddr::Broker(key), q.corr, q.request);
            if let Some(ms) = q.timeout_ms {
                out.timer(now.plus_ms(ms), ClientTimer::RequestTimeout(q.corr));
            }
            self.conns.inflight.insert(q.corr, key);
        }
    }

    /// The connection setup timer of attempt `attempt` of `key` fired.
    pub(crate) fn conn_setup_timeout(&mut self, now: SimTime, key: ConnKey, attempt: u64, out: &mut ClientOut) -> bool {
        let timed_out = self
            .conns
            .nodes
            .get(&key)
            .map(|c| c.state == ConnState::Connecting && c.attempt == attempt)
            .unwrap_or(false);
        if timed_out {
            // INFO "Disconnecting from node … due to socket connection setup timeout": below
            // the tools' WARN threshold.
            self.conn_closed(now, key, CloseReason::LocalTimeout, out);
        }
        timed_out
    }

    /// Requests the client just produced to a broker whose connection is not ready wait for
    /// it (and the connection is opened when allowed); the others are recorded in flight.
    pub(crate) fn route_sends(&mut self, now: SimTime, out: &mut ClientOut) {
        if out.sends.is_empty() {
            return;
        }
        let sends = std::mem::take(&mut out.sends);
        for (to, msg) in sends {
            let (NodeAddr::Broker(b), Body::Req(req)) = (to, &msg.body) else {
                out.sends.push((to, msg));
                continue;
            };
            let key = Connections::key_of(b);
            let api = matches!(req, Request::ApiVersions { .. } | Request::SaslAuthenticate { .. })
                && self.conns.nodes.get(&key).and_then(|c| c.api_versions_corr) == Some(msg.corr);
            let throttled = self.conns.nodes.get(&key).is_some_and(|c| c.throttle_until > now);
            if api || (self.current(key) && self.conns.is_ready(key) && !throttled) {
                if !api {
                    self.conns.inflight.insert(msg.corr, key);
                }
                out.sends.push((to, msg));
                continue;
            }
            // Not ready: the request waits, and so does its timeout.
            let timeout_ms = out
                .timers
                .iter()
                .position(|(_, t)| *t == ClientTimer::RequestTimeout(msg.corr))
                .map(|i| out.timers.remove(i).0.ms_since(now));
            let Body::Req(request) = msg.body else { continue };
            if !self.current(key) || self.conns.can_connect(key, now) {
                self.connect(key, now, out);
            }
            if let Some(c) = self.conns.nodes.get_mut(&key) {
                if c.blacked_out(now) {
                    out.timer(c.retry_at(), ClientTimer::ClientWake);
                }
                if throttled {
                    out.timer(c.throttle_until, ClientTimer::ClientWake);
                }
                c.queued.push_back(Queued { corr: msg.corr, request, timeout_ms });
            }
        }
    }

    /// A response carried a throttle time: nothing more goes to that broker until it passes
    /// (`NetworkClient.maybeThrottle`, KIP-219).
    pub(crate) fn throttled_by(&mut self, now: SimTime, broker: BrokerId, ms: i32, out: &mut ClientOut) {
        let key = Connections::key_of(broker);
        if let Some(c) = self.conns.nodes.get_mut(&key) {
            let until = now.plus_ms(i64::from(ms.max(0)));
            c.throttle_until = c.throttle_until.max(until);
            out.timer(c.throttle_until, ClientTimer::ClientWake);
        }
        self.throttled_responses += 1;
    }

    /// Requests held while their connection was throttled go once the throttle has passed.
    pub(crate) fn release_throttled(&mut self, now: SimTime, out: &mut ClientOut) {
        let due: Vec<ConnKey> = self
            .conns
            .nodes
            .iter()
            .filter(|(_, c)| {
                c.state == ConnState::Ready
                    && !c.queued.is_empty()
                    && c.throttle_until > SimTime::ZERO
                    && c.throttle_until <= now
            })
            .map(|(k, _)| *k)
            .collect();
        for key in due {
            self.send_queued(now, key, out);
        }
    }

    /// Connections with waiting requests are retried once their back-off ends.
    pub(crate) fn retry_waiting(&mut self, now: SimTime, out: &mut ClientOut) {
        let due: Vec<ConnKey> = self
            .conns
            .nodes
            .iter()
            .filter(|(_, c)| !c.queued.is_empty() && c.can_connect(now))
            .map(|(k, _)| *k)
            .collect();
        for key in due {
            self.connect(key, now, out);
        }
    }

    /// Keeps the client's notion of now (for choosing nodes).
    pub(crate) fn tick(&mut self, now: SimTime) {
        self.clock = now;
    }

    pub(crate) fn partition(&self, tp: &TopicPartition) -> Option<&MetadataPartition> {
        self.topics.get(&tp.topic).and_then(|t| t.partitions.iter().find(|p| p.partition == tp.partition))
    }

    /// The partition's leader, if known and its connection is not backing off after a
    /// failure (`NetworkClient.isUnavailable`).
    pub(crate) fn leader(&self, tp: &TopicPartition) -> Option<BrokerId> {
        self.partition(tp)
            .map(|p| p.leader)
            .filter(|l| *l >= 0 && self.brokers.contains_key(l) && !self.conns.blacked_out(*l, self.clock))
    }

    pub(crate) fn leader_epoch(&self, tp: &TopicPartition) -> Epoch {
        self.partition(tp).map(|p| p.leader_epoch).unwrap_or(-1)
    }

    pub(crate) fn partition_count(&self, topic: &str) -> Option<i32> {
        self.topics
            .get(topic)
            .filter(|t| t.error.is_none() && !t.partitions.is_empty())
            .map(|t| t.partitions.len() as i32)
    }
}

/// The logger of the network layer's lines.
pub(crate) const NETWORK_CLIENT: &str = "org.apache.kafka.clients.NetworkClient";
/// The logger of the client metadata's lines (`org.apache.kafka.clients.Metadata`).
pub(crate) const METADATA_LOGGER: &str = "org.apache.kafka.clients.Metadata";

/// `new TopicAuthorizationException(Set<String>)`: the message names the topics as a Java set
/// prints them.
pub(crate) fn topics_not_authorized(topics: &[&str]) -> crate::sim::errors::ApiError {
    crate::sim::errors::ApiError::with(
        KafkaError::TOPIC_AUTHORIZATION_FAILED,
        format!("Not authorized to access topics: [{}]", topics.join(", ")),
    )
}

/// What a client process is.
#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub enum ClientKind {
    Producer(Box<producer::Producer>),
    Consumer(Box<consumer::Consumer>),
    Admin(Box<admin::Admin>),
}

/// A client process on the simulated network.
#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub struct ClientNode {
    pub id: u32,
    /// The name the learner uses (`p1`, `console-producer`, …).
    pub name: String,
    pub kind: ClientKind,
    /// Paused clients stop polling (a stuck application).
    pub paused: bool,
}

/// What the learner's commands ask of a client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ClientInput {
    /// `client pause|resume`: the application stops polling (a stuck poll loop) or goes on.
    Pause(bool),
}

impl Node for ClientNode {
    type Timer = ClientTimer;
    type Input = ClientInput;

    fn handle_input(&mut self, now: SimTime, input: ClientInput, env: &Env, out: &mut ClientOut) {
        match input {
            ClientInput::Pause(paused) => {
                self.paused = paused;
                match &mut self.kind {
                    ClientKind::Consumer(c) => c.app.stuck = paused,
                    ClientKind::Producer(p) => {
                        if let Some(w) = &mut p.workload {
                            w.next_at = now;
                        }
                    }
                    ClientKind::Admin(_) => {}
                }
            }
        }
        self.after(now, env, out);
    }

    fn handle_message(&mut self, now: SimTime, from: NodeAddr, msg: Message, env: &Env, out: &mut ClientOut) {
        self.meta_mut().tick(now);
        if let Body::Resp(Response::ApiVersions(_)) = &msg.body {
            if let Some(key) = self.meta_mut().api_versions_conn(msg.corr) {
                self.meta_mut().conn_ready_now(now, key, out);
                self.after(now, env, out);
                return;
            }
        }
        if let Body::Resp(Response::SaslAuthenticate(error)) = &msg.body {
            if let Some(key) = self.meta_mut().api_versions_conn(msg.corr) {
                let (meta, corr) = self.net();
                if let Some(message) = meta.authenticated(now, key, error.clone(), corr, out) {
                    self.fail_peer(now, key, env, out);
                    self.authentication_failed(now, &message, out);
                }
                self.after(now, env, out);
            }
            return;
        }
        self.meta_mut().conns.inflight.remove(&msg.corr);
        let msg = self.throttle_of(now, from, msg, out);
        match &mut self.kind {
            ClientKind::Producer(p) => p.handle_message(now, from, msg, env, out),
            ClientKind::Consumer(c) => c.handle_message(now, from, msg, env, out),
            ClientKind::Admin(a) => a.handle_message(now, from, msg, env, out),
        }
        self.after(now, env, out);
    }

    fn handle_timer(&mut self, now: SimTime, timer: ClientTimer, env: &Env, out: &mut ClientOut) {
        self.meta_mut().tick(now);
        match timer {
            ClientTimer::ConnectTimeout(key, attempt) => {
                if self.meta_mut().conn_setup_timeout(now, key, attempt, out) {
                    self.fail_peer(now, key, env, out);
                }
                self.after(now, env, out);
                return;
            }
            ClientTimer::RequestTimeout(corr) => {
                if let Some(key) = self.meta_mut().api_versions_conn(corr) {
                    self.meta_mut().conn_closed(now, key, CloseReason::LocalTimeout, out);
                    self.fail_peer(now, key, env, out);
                    self.after(now, env, out);
                    return;
                }
                if let Some(key) = self.meta_mut().conns.inflight.remove(&corr) {
                    // NetworkClient.handleTimedOutRequests: the connection is closed, and every
                    // request on it fails.
                    self.meta_mut().conn_closed(now, key, CloseReason::LocalTimeout, out);
                    self.kind_timer(now, timer, env, out);
                    self.fail_peer(now, key, env, out);
                    self.after(now, env, out);
                    return;
                }
            }
            _ => {}
        }
        self.kind_timer(now, timer, env, out);
        self.after(now, env, out);
    }

    fn handle_disconnect(&mut self, now: SimTime, peer: NodeAddr, env: &Env, out: &mut ClientOut) {
        self.meta_mut().tick(now);
        out.trace(TraceKind::Disconnected { node: NodeAddr::Client(self.id), peer });
        if let NodeAddr::Broker(b) = peer {
            let key = Connections::key_of(b);
            let live = matches!(
                self.meta().conns.state(key),
                Some(ConnState::Authenticating | ConnState::CheckingApiVersions | ConnState::Ready)
            );
            if live {
                self.meta_mut().conn_closed(now, key, CloseReason::Reset, out);
            }
        }
        self.fail_requests(now, out);
        match &mut self.kind {
            ClientKind::Producer(p) => p.handle_disconnect(now, peer, env, out),
            ClientKind::Consumer(c) => c.handle_disconnect(now, peer, env, out),
            ClientKind::Admin(a) => a.handle_disconnect(now, peer, env, out),
        }
        self.after(now, env, out);
    }
}

impl ClientNode {
    pub(crate) fn meta_mut(&mut self) -> &mut ClientMetadata {
        match &mut self.kind {
            ClientKind::Producer(p) => &mut p.meta,
            ClientKind::Consumer(c) => &mut c.meta,
            ClientKind::Admin(a) => &mut a.meta,
        }
    }

    pub fn meta(&self) -> &ClientMetadata {
        match &self.kind {
            ClientKind::Producer(p) => &p.meta,
            ClientKind::Consumer(c) => &c.meta,
            ClientKind::Admin(a) => &a.meta,
        }
    }

    /// The metadata and the correlation-id counter of the client's `NetworkClient`.
    fn net(&mut self) -> (&mut ClientMetadata, &mut CorrIds) {
        match &mut self.kind {
            ClientKind::Producer(p) => (&mut p.meta, &mut p.corr),
            ClientKind::Consumer(c) => (&mut c.meta, &mut c.corr),
            ClientKind::Admin(a) => (&mut a.meta, &mut a.corr),
        }
    }

    /// Takes what the client logged so far.
    pub(crate) fn take_logs(&mut self) -> Vec<ClientLog> {
        self.meta_mut().logs.drain(..).collect()
    }

    fn kind_timer(&mut self, now: SimTime, timer: ClientTimer, env: &Env, out: &mut ClientOut) {
        match &mut self.kind {
            ClientKind::Producer(p) => p.handle_timer(now, timer, env, out),
            ClientKind::Consumer(c) => c.handle_timer(now, timer, env, out),
            ClientKind::Admin(a) => a.handle_timer(now, timer, env, out),
        }
    }

    /// Completes every request the network layer just cancelled as disconnected: each client
    /// kind fails it as its Kafka counterpart does (the producer re-enqueues the batch, the
    /// consumer retries after `retry.backoff.ms`, the admin client retries the call).
    fn fail_requests(&mut self, now: SimTime, out: &mut ClientOut) {
        let failed = std::mem::take(&mut self.meta_mut().failed_requests);
        for corr in failed {
            match &mut self.kind {
                ClientKind::Producer(p) => p.request_disconnected(now, corr, out),
                ClientKind::Consumer(c) => c.request_failed(now, corr, out),
                ClientKind::Admin(a) => a.request_failed(now, corr, out),
            }
        }
    }

    /// Tells the client's logic that every request to the broker behind `key` failed.
    fn fail_peer(&mut self, now: SimTime, key: ConnKey, env: &Env, out: &mut ClientOut) {
        self.fail_requests(now, out);
        let Some(peer) = Connections::peer(key) else { return };
        match &mut self.kind {
            ClientKind::Producer(p) => p.handle_disconnect(now, peer, env, out),
            ClientKind::Consumer(c) => c.handle_disconnect(now, peer, env, out),
            ClientKind::Admin(a) => a.handle_disconnect(now, peer, env, out),
        }
    }

    /// The world's answer to a connection attempt: accepted, or refused (nothing listens).
    pub(crate) fn handle_connect(
        &mut self,
        now: SimTime,
        key: ConnKey,
        attempt: u64,
        ok: bool,
        env: &Env,
        out: &mut ClientOut,
    ) {
        self.meta_mut().tick(now);
        let sasl = env.sasl_plain().then(|| {
            env.logins
                .get(&self.id)
                .cloned()
                .unwrap_or(crate::sim::acl::Login { username: String::new(), password: String::new() })
        });
        let (meta, corr) = self.net();
        meta.conn_result(now, key, (attempt, ok), sasl, corr, out);
        if !ok {
            if let Some(peer) = Connections::peer(key) {
                out.trace(TraceKind::Disconnected { node: NodeAddr::Client(self.id), peer });
            }
            self.fail_peer(now, key, env, out);
        }
        self.after(now, env, out);
    }

    /// A connection failed authentication: the `SaslAuthenticationException` reaches the
    /// client's caller (the admin client fails its calls, the producer the sends waiting for
    /// metadata, the consumer's next poll throws it).
    fn authentication_failed(&mut self, now: SimTime, message: &str, out: &mut ClientOut) {
        let exception = KafkaError::SASL_AUTHENTICATION_FAILED.java_string(Some(message));
        match &mut self.kind {
            ClientKind::Admin(a) => a.authentication_failed(now, &exception),
            ClientKind::Producer(p) => p.authentication_failed(now, message, out),
            ClientKind::Consumer(c) => c.authentication_failed(message),
        }
    }

    /// Runs the client's poll loop after any input.
    pub(crate) fn after(&mut self, now: SimTime, env: &Env, out: &mut ClientOut) {
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
        self.meta_mut().release_throttled(now, out);
        self.meta_mut().retry_waiting(now, out);
    }

    /// Takes a response's throttle time: the connection waits it out, and a produce or fetch
    /// response's time (0 when not throttled) goes into the client's throttle-time metric.
    fn throttle_of(&mut self, now: SimTime, from: NodeAddr, mut msg: Message, out: &mut ClientOut) -> Message {
        let mut ms = 0;
        let body = std::mem::replace(&mut msg.body, Body::Resp(Response::ApiVersions(Vec::new())));
        msg.body = match body {
            Body::Resp(Response::Throttled { throttle_time_ms, response }) => {
                ms = throttle_time_ms;
                if let NodeAddr::Broker(b) = from {
                    self.meta_mut().throttled_by(now, b, ms, out);
                }
                Body::Resp(*response)
            }
            other => other,
        };
        if matches!(msg.body, Body::Resp(Response::Produce { .. } | Response::Fetch { .. })) {
            self.meta_mut().throttle.record(i64::from(ms), now.as_ms() as i64);
        }
        msg
    }

    /// What the client's handlers sent, routed through its connections (the world calls this
    /// before delivering a client's outputs).
    pub(crate) fn route_sends(&mut self, now: SimTime, out: &mut ClientOut) {
        self.meta_mut().route_sends(now, out);
    }
}
