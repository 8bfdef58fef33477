//! The simulated network: per-link latency with jitter, bandwidth, loss, full and one-way
//! partitions, slow links and "drop the next message".
//!
//! Each directed link is FIFO, like the TCP connection between two Kafka nodes: jitter never
//! reorders messages on one link. A dropped message is simply never delivered; the sender finds
//! out through its request timeout, as a Kafka client does when the network goes quiet. A
//! message to a crashed process is answered by a disconnect (a TCP reset) instead.

use crate::sim::codec::Codec;
use crate::sim::rng::Pcg32;
use crate::sim::time::SimTime;
use crate::sim::types::NodeAddr;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Network-wide defaults.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct NetConfig {
    /// One-way base latency in microseconds.
    pub(crate) latency_us: u64,
    /// Uniform extra latency in `0..=jitter_us`.
    pub(crate) jitter_us: u64,
    /// Link bandwidth in bytes per second (0: unlimited).
    pub(crate) bandwidth_bytes_per_sec: u64,
}

impl Default for NetConfig {
    fn default() -> Self {
        // A data-centre network: 1 ms ± 0.5 ms, 1 Gbit/s per link.
        NetConfig { latency_us: 1000, jitter_us: 500, bandwidth_bytes_per_sec: 125_000_000 }
    }
}

/// A fault rule on one directed link.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct LinkRule {
    pub cut: bool,
    pub extra_latency_us: u64,
    pub(crate) extra_jitter_us: u64,
    /// Loss probability in parts per million (integer ratio, no floats).
    pub loss_ppm: u32,
    pub drop_next: u32,
}

impl LinkRule {
    fn is_default(&self) -> bool {
        *self == LinkRule::default()
    }
}

/// Why a message was not delivered.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Codec)]
pub enum DropReason {
    /// The link is cut (a network partition).
    Partitioned,
    /// Random loss on the link.
    Lost,
    /// `net drop-next`.
    DroppedByRule,
    /// The destination process is not running.
    NodeDown,
}

impl DropReason {}

/// A message on its way, for the UI to draw.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct InFlight {
    pub id: u64,
    pub from: NodeAddr,
    pub to: NodeAddr,
    pub(crate) label: String,
    pub response: bool,
    pub sent: SimTime,
    pub(crate) arrives: SimTime,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, Codec)]
struct LinkState {
    busy_until: SimTime,
    last_arrival: SimTime,
}

/// The network between all nodes.
#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub struct Network {
    pub config: NetConfig,
    rules: BTreeMap<(NodeAddr, NodeAddr), LinkRule>,
    /// Isolated nodes (`net isolate`): cut from every other node, including nodes that start
    /// later (a client launched after the isolation, a broker added), until healed. The set
    /// holds the peers healed one by one since (`net heal <a> <b>`).
    #[serde(default)]
    isolated: BTreeMap<NodeAddr, BTreeSet<NodeAddr>>,
    links: BTreeMap<(NodeAddr, NodeAddr), LinkState>,
    rng: Pcg32,
    next_id: u64,
    /// Whether to keep [`InFlight`] entries (the UI wants them; benchmarks do not).
    pub(crate) track_in_flight: bool,
    in_flight: BTreeMap<u64, InFlight>,
}

/// The outcome of sending one message.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Sent {
    Arrives { id: u64, at: SimTime },
    Dropped { id: u64, reason: DropReason },
}

impl Network {
    pub(crate) fn new(config: NetConfig, rng: Pcg32) -> Network {
        Network {
            config,
            rules: BTreeMap::new(),
            isolated: BTreeMap::new(),
            links: BTreeMap::new(),
            rng,
            next_id: 1,
            track_in_flight: false,
            in_flight: BTreeMap::new(),
        }
    }

    /// Sends `bytes` from `from` to `to` at `now`.
    pub(crate) fn send(
        &mut self,
        now: SimTime,
        from: NodeAddr,
        to: NodeAddr,
        bytes: u32,
        label: &str,
        response: bool,
    ) -> Sent {
        let id = self.next_id;
        self.next_id += 1;
        if self.isolation_cuts(from, to) {
            return Sent::Dropped { id, reason: DropReason::Partitioned };
        }
        let key = (from, to);
        if let Some(rule) = self.rules.get_mut(&key) {
            if rule.cut {
                return Sent::Dropped { id, reason: DropReason::Partitioned };
            }
            if rule.drop_next > 0 {
                rule.drop_next -= 1;
                let clean = rule.is_default();
                if clean {
                    self.rules.remove(&key);
                }
                return Sent::Dropped { id, reason: DropReason::DroppedByRule };
            }
        }
        let rule = self.rules.get(&key).cloned().unwrap_or_default();
        if rule.loss_ppm > 0 && self.rng.chance(rule.loss_ppm, 1_000_000) {
            return Sent::Dropped { id, reason: DropReason::Lost };
        }
        let tx_us = (u64::from(bytes) * 1_000_000).checked_div(self.config.bandwidth_bytes_per_sec).unwrap_or(0);
        let jitter_max = self.config.jitter_us + rule.extra_jitter_us;
        let jitter = if jitter_max == 0 { 0 } else { self.rng.range_u64(0, jitter_max) };
        let link = self.links.entry(key).or_default();
        let start = if link.busy_until > now { link.busy_until } else { now };
        let done = start.plus_micros(tx_us);
        link.busy_until = done;
        let mut at = done.plus_micros(self.config.latency_us + rule.extra_latency_us + jitter);
        if at < link.last_arrival {
            at = link.last_arrival;
        }
        link.last_arrival = at;
        if self.track_in_flight {
            self.in_flight
                .insert(id, InFlight { id, from, to, label: label.to_string(), response, sent: now, arrives: at });
        }
        Sent::Arrives { id, at }
    }

    /// The one-way latency a reset (disconnect) notice takes to travel back.
    pub(crate) fn notice_delay_us(&self, from: NodeAddr, to: NodeAddr) -> Option<u64> {
        if self.isolation_cuts(from, to) {
            return None;
        }
        match self.rules.get(&(from, to)) {
            Some(r) if r.cut => None,
            Some(r) => Some(self.config.latency_us + r.extra_latency_us),
            None => Some(self.config.latency_us),
        }
    }

    pub(crate) fn delivered(&mut self, id: u64) {
        if self.track_in_flight {
            self.in_flight.remove(&id);
        }
    }

    /// Forgets messages in flight from or to `node` (its process died).
    pub(crate) fn forget_node(&mut self, node: NodeAddr) {
        self.in_flight.retain(|_, m| m.from != node && m.to != node);
    }

    pub fn rule_mut(&mut self, from: NodeAddr, to: NodeAddr) -> &mut LinkRule {
        self.rules.entry((from, to)).or_default()
    }

    pub(crate) fn rules(&self) -> impl Iterator<Item = (&(NodeAddr, NodeAddr), &LinkRule)> {
        self.rules.iter()
    }

    pub(crate) fn is_cut(&self, from: NodeAddr, to: NodeAddr) -> bool {
        self.isolation_cuts(from, to) || self.rules.get(&(from, to)).map(|r| r.cut).unwrap_or(false)
    }

    /// Whether an isolation separates `a` and `b` (either of them isolated, and the pair not
    /// healed since).
    fn isolation_cuts(&self, a: NodeAddr, b: NodeAddr) -> bool {
        if a == b || self.isolated.is_empty() {
            return false;
        }
        self.isolated.get(&a).map(|healed| !healed.contains(&b)).unwrap_or(false)
            || self.isolated.get(&b).map(|healed| !healed.contains(&a)).unwrap_or(false)
    }

    /// Cuts `node` from every other node, now and later (`net isolate`).
    pub fn isolate(&mut self, node: NodeAddr) {
        self.isolated.insert(node, BTreeSet::new());
    }

    /// The isolated nodes.
    pub(crate) fn isolated(&self) -> impl Iterator<Item = (&NodeAddr, &BTreeSet<NodeAddr>)> {
        self.isolated.iter()
    }

    /// Removes every rule between `a` and `b` (both directions) and lets an isolated one of
    /// them reach the other again; with `None`, every rule and every isolation.
    pub fn heal(&mut self, pair: Option<(NodeAddr, NodeAddr)>) {
        match pair {
            None => {
                self.rules.clear();
                self.isolated.clear();
            }
            Some((a, b)) => {
                self.rules.remove(&(a, b));
                self.rules.remove(&(b, a));
                if let Some(healed) = self.isolated.get_mut(&a) {
                    healed.insert(b);
                }
                if let Some(healed) = self.isolated.get_mut(&b) {
                    healed.insert(a);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net() -> Network {
        Network::new(NetConfig { latency_us: 1000, jitter_us: 800, bandwidth_bytes_per_sec: 0 }, Pcg32::new(3, 3))
    }

    #[test]
    fn links_are_fifo_despite_jitter() {
        let mut n = net();
        let (a, b) = (NodeAddr::Broker(1), NodeAddr::Broker(2));
        let mut last = SimTime::ZERO;
        for i in 0..200 {
            match n.send(SimTime(i * 10), a, b, 100, "Fetch", false) {
                Sent::Arrives { at, .. } => {
                    assert!(at >= last);
                    assert!(at.0 >= i * 10 + 1000 && at.0 <= i * 10 + 1800 + 2000);
                    last = at;
                }
                Sent::Dropped { .. } => panic!("no rule, no drop"),
            }
        }
    }

    #[test]
    fn cuts_are_directional_and_heal() {
        let mut n = net();
        let (a, b) = (NodeAddr::Broker(1), NodeAddr::Broker(2));
        n.rule_mut(a, b).cut = true;
        assert!(matches!(
            n.send(SimTime::ZERO, a, b, 1, "x", false),
            Sent::Dropped { reason: DropReason::Partitioned, .. }
        ));
        assert!(matches!(n.send(SimTime::ZERO, b, a, 1, "x", false), Sent::Arrives { .. }));
        n.heal(Some((b, a)));
        assert!(matches!(n.send(SimTime::ZERO, a, b, 1, "x", false), Sent::Arrives { .. }));
    }

    #[test]
    fn isolation_covers_nodes_that_appear_later_until_healed() {
        let mut n = net();
        let (b3, c7) = (NodeAddr::Broker(3), NodeAddr::Client(7));
        n.isolate(b3);
        // Client 7 did not exist when broker 3 was isolated: it is cut all the same.
        for (a, b) in [(c7, b3), (b3, c7), (b3, NodeAddr::Broker(4))] {
            assert!(matches!(
                n.send(SimTime::ZERO, a, b, 1, "x", false),
                Sent::Dropped { reason: DropReason::Partitioned, .. }
            ));
            assert!(n.is_cut(a, b));
            assert_eq!(n.notice_delay_us(a, b), None);
        }
        assert!(matches!(n.send(SimTime::ZERO, c7, NodeAddr::Broker(1), 1, "x", false), Sent::Arrives { .. }));
        // Healing one pair lets that pair through and keeps the rest cut.
        n.heal(Some((c7, b3)));
        assert!(matches!(n.send(SimTime::ZERO, c7, b3, 1, "x", false), Sent::Arrives { .. }));
        assert!(n.is_cut(b3, NodeAddr::Broker(4)));
        n.heal(None);
        assert!(!n.is_cut(b3, NodeAddr::Broker(4)));
    }

    #[test]
    fn drop_next_drops_exactly_n() {
        let mut n = net();
        let (a, b) = (NodeAddr::Client(1), NodeAddr::Broker(2));
        n.rule_mut(a, b).drop_next = 2;
        let drops =
            (0..5).filter(|_| matches!(n.send(SimTime::ZERO, a, b, 1, "x", false), Sent::Dropped { .. })).count();
        assert_eq!(drops, 2);
    }

    #[test]
    fn loss_is_an_integer_ratio() {
        let mut n = net();
        let (a, b) = (NodeAddr::Client(1), NodeAddr::Broker(2));
        n.rule_mut(a, b).loss_ppm = 250_000;
        let drops =
            (0..4000).filter(|_| matches!(n.send(SimTime::ZERO, a, b, 1, "x", false), Sent::Dropped { .. })).count();
        assert!((800..1200).contains(&drops), "about a quarter lost, got {drops}");
    }

    #[test]
    fn bandwidth_serialises_big_messages() {
        let mut n = Network::new(
            NetConfig { latency_us: 0, jitter_us: 0, bandwidth_bytes_per_sec: 1_000_000 },
            Pcg32::new(1, 1),
        );
        let (a, b) = (NodeAddr::Broker(1), NodeAddr::Broker(2));
        let t1 = n.send(SimTime::ZERO, a, b, 1000, "x", false);
        let t2 = n.send(SimTime::ZERO, a, b, 1000, "x", false);
        assert_eq!(t1, Sent::Arrives { id: 1, at: SimTime(1000) });
        assert_eq!(t2, Sent::Arrives { id: 2, at: SimTime(2000) });
    }
}
