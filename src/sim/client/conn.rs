//! A client's connections to brokers, as Kafka's `NetworkClient` keeps them in
//! `ClusterConnectionStates`: a connection is CONNECTING (TCP handshake), CHECKING_API_VERSIONS
//! (the `ApiVersions` exchange every Java client starts a connection with), READY, or
//! DISCONNECTED, and a node whose connection failed is not tried again before its reconnect
//! back-off has passed (`reconnect.backoff.ms` 50 doubling to `reconnect.backoff.max.ms` 1000,
//! ±20 % jitter, KIP-144). A connection that does not complete is abandoned after
//! `socket.connection.setup.timeout.ms` (10 s doubling to 30 s, ±20 %, KIP-601).
//!
//! What the simulated network answers to a connection attempt is what a real one does: a
//! running broker accepts it, a port where no process listens refuses it at once (TCP reset —
//! a killed broker, or nothing at that address), and a cut link gives no answer at all, so the
//! attempt waits for the setup timeout.
//!
//! Jitter comes from the client's seeded generator, in integer parts per million: never a float
//! in a decision.

use crate::sim::codec::Codec;
use crate::sim::protocol::Request;
use crate::sim::rng::Pcg32;
use crate::sim::time::SimTime;
use crate::sim::types::{BrokerId, NodeAddr};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};

/// `org.apache.kafka.common.utils.internals.ExponentialBackoff` with multiplier 2 and jitter
/// 0.2: `initial * 2^attempts`, capped at `max`, times a random factor in [0.8, 1.2), capped
/// at `max` again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct ExpBackoff {
    pub(crate) initial_ms: i64,
    pub(crate) max_ms: i64,
}

impl ExpBackoff {
    pub(crate) const fn new(initial_ms: i64, max_ms: i64) -> ExpBackoff {
        ExpBackoff { initial_ms, max_ms }
    }

    /// `backoff(attempts)`. With `max <= initial` the back-off is constant (Kafka's
    /// `expMax == 0`), without jitter.
    pub(crate) fn backoff(&self, attempts: u64, rng: &mut Pcg32) -> i64 {
        let initial = self.initial_ms.min(self.max_ms).max(0);
        if self.max_ms <= self.initial_ms {
            return initial;
        }
        let max = i128::from(self.max_ms);
        let term = if attempts >= 62 { max } else { (i128::from(initial) << attempts).min(max) };
        // nextDouble(0.8, 1.2) as parts per million.
        let factor = 800_000 + i128::from(rng.below(400_000));
        let value = (term * factor / 1_000_000).min(max);
        i64::try_from(value).unwrap_or(self.max_ms)
    }
}

/// The state of one connection (`ConnectionState`).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) enum ConnState {
    Connecting,
    /// SASL authentication of the new connection (`KafkaChannel.prepare` →
    /// `SaslClientAuthenticator`), on a SASL listener only.
    Authenticating,
    CheckingApiVersions,
    Ready,
    Disconnected,
}

/// A request the client handed to a connection that is not ready yet; it goes out when the
/// connection is (`ConsumerNetworkClient`'s unsent requests), or fails with the connection.
#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub(crate) struct Queued {
    pub(crate) corr: u64,
    pub(crate) request: Request,
    /// The request timeout the client armed, started again when the request is sent.
    pub(crate) timeout_ms: Option<i64>,
}

/// One connection (`ClusterConnectionStates.NodeConnectionState`).
#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub(crate) struct NodeConn {
    pub(crate) state: ConnState,
    /// The node id the client knows this connection by: -1, -2, … for the bootstrap servers
    /// (before the first metadata), the broker id after.
    pub(crate) node_id: i32,
    /// `host:port` as the client connects to it.
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) last_attempt: SimTime,
    pub(crate) failed_attempts: u64,
    pub(crate) reconnect_backoff_ms: i64,
    pub(crate) failed_connect_attempts: u64,
    pub(crate) setup_timeout_ms: i64,
    /// Counts connection attempts, so a stale setup-timeout timer is recognised.
    pub(crate) attempt: u64,
    /// The correlation id of the `ApiVersions` request while CHECKING_API_VERSIONS (of the
    /// `SaslAuthenticate` request while authenticating).
    pub(crate) api_versions_corr: Option<u64>,
    pub(crate) queued: VecDeque<Queued>,
    /// No request goes to the node before this (`ClusterConnectionStates.throttle`, KIP-219):
    /// the broker's last response carried a throttle time.
    #[serde(default)]
    pub(crate) throttle_until: SimTime,
}

impl NodeConn {
    /// Whether the connection failed and its reconnect back-off has not passed yet
    /// (`isBlackedOut`).
    pub(crate) fn blacked_out(&self, now: SimTime) -> bool {
        self.state == ConnState::Disconnected && now.ms_since(self.last_attempt) < self.reconnect_backoff_ms
    }

    /// `canConnect`.
    pub(crate) fn can_connect(&self, now: SimTime) -> bool {
        self.state == ConnState::Disconnected && now.ms_since(self.last_attempt) >= self.reconnect_backoff_ms
    }

    /// When a failed connection may be tried again.
    pub(crate) fn retry_at(&self) -> SimTime {
        self.last_attempt.plus_ms(self.reconnect_backoff_ms)
    }

    /// `InetSocketAddress.toString()` of the address connected to: `localhost/127.0.0.1:9092`.
    pub(crate) fn remote_address(&self) -> String {
        remote_address(&self.host, self.port)
    }

    /// `Node.toString()`: `localhost:9092 (id: -1 rack: null isFenced: false)`.
    pub(crate) fn node_string(&self) -> String {
        format!("{}:{} (id: {} rack: null isFenced: false)", self.host, self.port, self.node_id)
    }
}

/// `InetSocketAddress.toString()` for a host the simulation resolves to its own machine:
/// `host/127.0.0.1:port`, or `/127.0.0.1:port` for an address typed as a literal.
pub(crate) fn remote_address(host: &str, port: u16) -> String {
    if host == "127.0.0.1" {
        format!("/127.0.0.1:{port}")
    } else {
        format!("{host}/127.0.0.1:{port}")
    }
}

/// Why a connection ended, for what the client logs (`ChannelState`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum CloseReason {
    /// The connection attempt was refused (`NOT_CONNECTED`): WARN "could not be established".
    Refused,
    /// The peer went away or reset the connection.
    Reset,
    /// The client gave up: socket setup timeout or a request timeout (`LOCAL_CLOSE`).
    LocalTimeout,
}

/// A line the client logs (level at least WARN is what the tools' log4j configuration
/// prints, on stderr).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct ClientLog {
    pub at: SimTime,
    pub level: String,
    /// The logger (the class): `org.apache.kafka.clients.NetworkClient`.
    pub(crate) logger: String,
    /// The message without the client's log context prefix.
    pub message: String,
}

/// How many log lines a client keeps for the tool that prints them (a background
/// application's lines nobody reads are dropped, oldest first).
pub(crate) const LOG_CAPACITY: usize = 2_000;

/// The key of a connection: the broker's id, or `-1 - i` for bootstrap address `i` where no
/// broker listens.
pub(crate) type ConnKey = i32;

/// `reconnect.backoff.ms` / `reconnect.backoff.max.ms` defaults.
pub(crate) const RECONNECT_BACKOFF: ExpBackoff = ExpBackoff::new(50, 1000);
/// `socket.connection.setup.timeout.ms` / `.max.ms` defaults.
pub(crate) const SETUP_TIMEOUT: ExpBackoff = ExpBackoff::new(10_000, 30_000);

/// Every connection of one client.
#[derive(Clone, Debug, Default, Serialize, Deserialize, Codec)]
pub(crate) struct Connections {
    pub(crate) nodes: BTreeMap<ConnKey, NodeConn>,
    /// Requests sent and not answered yet: correlation id → connection.
    pub(crate) inflight: BTreeMap<u64, ConnKey>,
}

impl Connections {
    /// The process a connection key reaches (`None`: nothing listens there).
    pub(crate) fn peer(key: ConnKey) -> Option<NodeAddr> {
        (key >= 0).then_some(NodeAddr::Broker(key))
    }

    pub(crate) fn key_of(b: BrokerId) -> ConnKey {
        b
    }

    pub(crate) fn state(&self, key: ConnKey) -> Option<ConnState> {
        self.nodes.get(&key).map(|c| c.state)
    }

    pub(crate) fn is_ready(&self, key: ConnKey) -> bool {
        self.state(key) == Some(ConnState::Ready)
    }

    pub(crate) fn is_preparing(&self, key: ConnKey) -> bool {
        matches!(
            self.state(key),
            Some(ConnState::Connecting | ConnState::Authenticating | ConnState::CheckingApiVersions)
        )
    }

    pub(crate) fn can_connect(&self, key: ConnKey, now: SimTime) -> bool {
        self.nodes.get(&key).map(|c| c.can_connect(now)).unwrap_or(true)
    }

    pub(crate) fn blacked_out(&self, key: ConnKey, now: SimTime) -> bool {
        self.nodes.get(&key).map(|c| c.blacked_out(now)).unwrap_or(false)
    }

    pub(crate) fn last_attempt(&self, key: ConnKey) -> SimTime {
        self.nodes.get(&key).map(|c| c.last_attempt).unwrap_or(SimTime::ZERO)
    }

    pub(crate) fn inflight_to(&self, key: ConnKey) -> usize {
        self.inflight.values().filter(|k| **k == key).count()
    }

    /// `ClusterConnectionStates.connecting`: a fresh state gets the first back-off and setup
    /// timeout; a known one keeps them (they grew with its failures).
    pub(crate) fn connecting(
        &mut self,
        key: ConnKey,
        node_id: i32,
        host: &str,
        port: u16,
        now: SimTime,
        rng: &mut Pcg32,
    ) {
        let fresh = match self.nodes.get(&key) {
            Some(c) => c.node_id != node_id || c.host != host || c.port != port,
            None => true,
        };
        if fresh {
            let queued = self.nodes.remove(&key).map(|c| c.queued).unwrap_or_default();
            self.nodes.insert(
                key,
                NodeConn {
                    state: ConnState::Connecting,
                    node_id,
                    host: host.to_string(),
                    port,
                    last_attempt: now,
                    failed_attempts: 0,
                    reconnect_backoff_ms: RECONNECT_BACKOFF.backoff(0, rng),
                    failed_connect_attempts: 0,
                    setup_timeout_ms: SETUP_TIMEOUT.backoff(0, rng),
                    attempt: 1,
                    api_versions_corr: None,
                    queued,
                    throttle_until: SimTime::ZERO,
                },
            );
        } else if let Some(c) = self.nodes.get_mut(&key) {
            c.state = ConnState::Connecting;
            c.last_attempt = now;
            c.attempt += 1;
            c.api_versions_corr = None;
        }
    }

    /// `ClusterConnectionStates.disconnected`: the back-off grows with each failure; a
    /// connection that never completed also makes the next setup timeout longer.
    pub(crate) fn disconnected(&mut self, key: ConnKey, now: SimTime, rng: &mut Pcg32) {
        let Some(c) = self.nodes.get_mut(&key) else { return };
        c.last_attempt = now;
        c.reconnect_backoff_ms = RECONNECT_BACKOFF.backoff(c.failed_attempts, rng);
        c.failed_attempts += 1;
        if c.state == ConnState::Connecting {
            c.failed_connect_attempts += 1;
            c.setup_timeout_ms = SETUP_TIMEOUT.backoff(c.failed_connect_attempts, rng);
        } else {
            c.failed_connect_attempts = 0;
            c.setup_timeout_ms = SETUP_TIMEOUT.backoff(0, rng);
        }
        c.state = ConnState::Disconnected;
        c.api_versions_corr = None;
        self.inflight.retain(|_, k| *k != key);
    }

    /// `ClusterConnectionStates.ready`: the back-offs start again from the beginning.
    pub(crate) fn ready(&mut self, key: ConnKey, rng: &mut Pcg32) {
        let Some(c) = self.nodes.get_mut(&key) else { return };
        c.state = ConnState::Ready;
        c.api_versions_corr = None;
        c.failed_attempts = 0;
        c.reconnect_backoff_ms = RECONNECT_BACKOFF.backoff(0, rng);
        c.failed_connect_attempts = 0;
        c.setup_timeout_ms = SETUP_TIMEOUT.backoff(0, rng);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_caps() {
        let mut rng = Pcg32::new(7, 7);
        let b = ExpBackoff::new(100, 1000);
        for _ in 0..200 {
            let v0 = b.backoff(0, &mut rng);
            assert!((80..120).contains(&v0), "{v0}");
            let v2 = b.backoff(2, &mut rng);
            assert!((320..480).contains(&v2), "{v2}");
            let v9 = b.backoff(9, &mut rng);
            assert!((800..=1000).contains(&v9), "{v9}");
            assert!(b.backoff(u64::MAX, &mut rng) <= 1000);
        }
        // Both ends of the jitter are reached over many draws.
        let draws: Vec<i64> = (0..2000).map(|_| b.backoff(0, &mut rng)).collect();
        assert!(draws.iter().any(|v| *v < 85) && draws.iter().any(|v| *v > 115));
        // max <= initial: a constant back-off without jitter.
        assert_eq!(ExpBackoff::new(2000, 1000).backoff(3, &mut rng), 1000);
        assert_eq!(ExpBackoff::new(0, 1000).backoff(5, &mut rng), 0);
    }

    #[test]
    fn failures_grow_the_reconnect_backoff_and_ready_resets_it() {
        let mut rng = Pcg32::new(1, 2);
        let mut c = Connections::default();
        c.connecting(2, 2, "localhost", 9093, SimTime::ZERO, &mut rng);
        assert!(c.is_preparing(2));
        let first_setup = c.nodes[&2].setup_timeout_ms;
        assert!((8_000..12_000).contains(&first_setup));
        c.disconnected(2, SimTime::ZERO, &mut rng);
        assert!((40..60).contains(&c.nodes[&2].reconnect_backoff_ms));
        assert!(c.blacked_out(2, SimTime::ZERO.plus_ms(39)));
        assert!(c.can_connect(2, SimTime::ZERO.plus_ms(60)));
        // The failed handshake makes the next setup timeout longer.
        assert!((16_000..24_000).contains(&c.nodes[&2].setup_timeout_ms));
        for _ in 0..3 {
            c.connecting(2, 2, "localhost", 9093, SimTime::ZERO, &mut rng);
            c.disconnected(2, SimTime::ZERO, &mut rng);
        }
        assert!((320..480).contains(&c.nodes[&2].reconnect_backoff_ms));
        c.connecting(2, 2, "localhost", 9093, SimTime::ZERO, &mut rng);
        c.ready(2, &mut rng);
        assert!(c.is_ready(2));
        assert_eq!(c.nodes[&2].failed_attempts, 0);
    }

    #[test]
    fn log_strings_follow_the_java_classes() {
        assert_eq!(remote_address("localhost", 9092), "localhost/127.0.0.1:9092");
        assert_eq!(remote_address("127.0.0.1", 9092), "/127.0.0.1:9092");
        let mut rng = Pcg32::new(1, 1);
        let mut c = Connections::default();
        c.connecting(-1, -1, "localhost", 9999, SimTime::ZERO, &mut rng);
        assert_eq!(c.nodes[&-1].node_string(), "localhost:9999 (id: -1 rack: null isFenced: false)");
    }
}
