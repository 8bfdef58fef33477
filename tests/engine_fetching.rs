//! Long polls and fetching from the closest replica (KIP-392): `ReplicaManager.fetchMessages`
//! and `DelayedFetch` on the broker, `ReplicaManager.findPreferredReadReplica` with
//! `RackAwareReplicaSelector`, and the consumer's `AbstractFetch.selectReadReplica`.
mod common;

use brokerlab::sim::client::config::ConsumerConfig;
use brokerlab::sim::trace::TraceKind;
use brokerlab::sim::types::{BrokerId, NodeAddr, TopicPartition};
use brokerlab::sim::world::{ClusterConfig, Sim};
use common::*;
use std::collections::BTreeMap;

const SELECTOR: &str = "org.apache.kafka.common.replica.RackAwareReplicaSelector";

fn racked_cluster(seed: u64, selector: bool) -> Sim {
    let mut cfg =
        ClusterConfig { brokers: 3, racks: vec!["a".into(), "b".into(), "c".into()], ..ClusterConfig::default() };
    if selector {
        cfg.broker_configs.insert("replica.selector.class".into(), SELECTOR.into());
    }
    let mut sim = Sim::new(seed, cfg).expect("valid config");
    sim.boot().expect("boots");
    sim
}

fn consumer(sim: &mut Sim, name: &str, pairs: &[(&str, &str)]) -> u32 {
    let cfg = ConsumerConfig::parse(&props(pairs)).expect("valid consumer config");
    let c = sim.create_consumer(name, "localhost:9092", cfg);
    sim.with_consumer(c, |c, _, _| c.assign(vec![TopicPartition::new("orders", 0)]));
    c
}

fn delivered(sim: &mut Sim, c: u32) -> u64 {
    sim.consumer_mut(c).map(|c| c.delivered_total).unwrap_or(0)
}

/// Fetch requests `client` sent to each broker since trace index `since`.
fn fetches_by_broker(sim: &Sim, client: u32, since: u64) -> BTreeMap<BrokerId, usize> {
    let mut m = BTreeMap::new();
    for e in sim.trace().since(since) {
        if let TraceKind::Sent { from: NodeAddr::Client(c), to: NodeAddr::Broker(b), api, response: false, .. } =
            &e.kind
        {
            if *c == client && api == "Fetch" {
                *m.entry(*b).or_insert(0) += 1;
            }
        }
    }
    m
}

fn produce(sim: &mut Sim, n: usize) {
    let p = producer(sim, "p", &[("acks", "all")]);
    for i in 0..n {
        send(sim, p, "orders", Some(0), "k", &format!("v{i}"));
    }
    let r = results(&wait_idle(sim, p, 10_000));
    assert!(r.iter().all(|r| r.is_ok()), "{r:?}");
    sim.close_client(p);
}

/// `RackAwareReplicaSelector.select`: the leader (broker 1, rack a) answers the first fetch
/// of a consumer in rack c with no records and `preferredReadReplica` 3, the in-sync follower
/// in rack c; the consumer fetches from broker 3 from then on and reads every record there.
#[test]
fn a_consumer_fetches_from_the_in_sync_follower_in_its_rack() {
    let mut sim = racked_cluster(91, true);
    create_topic_assigned(&mut sim, "orders", vec![vec![1, 2, 3]], &[]);
    produce(&mut sim, 5);
    sim.run_for_ms(1_000);
    let since = sim.trace().next_index();
    let c = consumer(&mut sim, "c", &[("client.rack", "c"), ("auto.offset.reset", "earliest")]);
    assert!(sim.run_while(10_000, |s| delivered(s, c) >= 5), "{}", dump(&sim));
    let first = fetches_by_broker(&sim, c, since);
    assert_eq!(first.get(&1), Some(&1), "one fetch to the leader, then the follower: {first:?}");
    assert!(first.get(&3).copied().unwrap_or(0) >= 1, "{first:?}");
    assert_eq!(first.get(&2), None, "{first:?}");

    // New records are read from broker 3 too, up to the high watermark it knows.
    let since = sim.trace().next_index();
    produce(&mut sim, 3);
    assert!(sim.run_while(10_000, |s| delivered(s, c) >= 8), "{}", dump(&sim));
    let later = fetches_by_broker(&sim, c, since);
    assert_eq!(later.keys().copied().collect::<Vec<_>>(), vec![3], "{later:?}");
    assert!(findings(&sim).is_empty(), "{:?}", findings(&sim));
}

/// Without `replica.selector.class` (Kafka's default), or when the leader is in the
/// consumer's rack, or no replica is, the leader serves every fetch.
#[test]
fn the_leader_serves_without_a_selector_or_a_closer_replica() {
    for (selector, rack) in [(false, "c"), (true, "a"), (true, "z"), (true, "")] {
        let mut sim = racked_cluster(92, selector);
        create_topic_assigned(&mut sim, "orders", vec![vec![1, 2, 3]], &[]);
        produce(&mut sim, 3);
        let since = sim.trace().next_index();
        let c = consumer(&mut sim, "c", &[("client.rack", rack), ("auto.offset.reset", "earliest")]);
        assert!(sim.run_while(10_000, |s| delivered(s, c) >= 3), "{}", dump(&sim));
        sim.run_for_ms(2_000);
        let by = fetches_by_broker(&sim, c, since);
        assert_eq!(by.keys().copied().collect::<Vec<_>>(), vec![1], "selector {selector}, rack {rack:?}: {by:?}");
    }
}

/// A follower out of the ISR is no candidate (`findPreferredReadReplica` keeps only
/// `inSyncReplicaIds`): with broker 3 stopped, the consumer in rack c reads from the leader.
#[test]
fn a_follower_out_of_the_isr_is_not_chosen() {
    let mut sim = racked_cluster(93, true);
    create_topic_assigned(&mut sim, "orders", vec![vec![1, 2, 3]], &[]);
    sim.stop_broker(3).unwrap();
    sim.run_for_ms(5_000);
    assert!(!partition(&sim, "orders", 0).isr.contains(&3));
    produce(&mut sim, 3);
    let since = sim.trace().next_index();
    let c = consumer(&mut sim, "c", &[("client.rack", "c"), ("auto.offset.reset", "earliest")]);
    assert!(sim.run_while(10_000, |s| delivered(s, c) >= 3), "{}", dump(&sim));
    let by = fetches_by_broker(&sim, c, since);
    assert_eq!(by.keys().copied().collect::<Vec<_>>(), vec![1], "{by:?}");
}

/// The advice lasts `metadata.max.age.ms` (`FetchCollector` sets its expiry to
/// `metadata.metadataExpireMs()`): then the consumer asks the leader again, which sends it
/// back to the follower.
#[test]
fn the_preferred_replica_expires_with_metadata_max_age() {
    let mut sim = racked_cluster(94, true);
    create_topic_assigned(&mut sim, "orders", vec![vec![1, 2, 3]], &[]);
    produce(&mut sim, 1);
    let c = consumer(
        &mut sim,
        "c",
        &[("client.rack", "c"), ("auto.offset.reset", "earliest"), ("metadata.max.age.ms", "10000")],
    );
    assert!(sim.run_while(10_000, |s| delivered(s, c) >= 1), "{}", dump(&sim));
    let since = sim.trace().next_index();
    sim.run_for_ms(15_000);
    let by = fetches_by_broker(&sim, c, since);
    assert_eq!(by.get(&1), Some(&1), "back to the leader once, when the advice expired: {by:?}");
    assert!(by.get(&3).copied().unwrap_or(0) >= 2, "{by:?}");
}

/// `DelayedFetch`: with `fetch.min.bytes` far above what is readable, the leader holds the
/// fetch for `fetch.max.wait.ms` before answering with what there is; with the default of one
/// byte it answers at once.
#[test]
fn a_long_poll_waits_for_min_bytes_or_max_wait() {
    let mut sim = cluster(95, 3);
    create_topic_assigned(&mut sim, "orders", vec![vec![1, 2, 3]], &[]);
    produce(&mut sim, 3);
    let c = consumer(
        &mut sim,
        "c",
        &[("auto.offset.reset", "earliest"), ("fetch.min.bytes", "1000000"), ("fetch.max.wait.ms", "10000")],
    );
    sim.run_for_ms(8_000);
    assert_eq!(delivered(&mut sim, c), 0, "held by the broker for fetch.max.wait.ms");
    assert!(sim.run_while(4_000, |s| delivered(s, c) >= 3), "{}", dump(&sim));

    let quick = consumer(&mut sim, "quick", &[("auto.offset.reset", "earliest")]);
    assert!(sim.run_while(1_000, |s| delivered(s, quick) >= 3), "{}", dump(&sim));
}

/// A parked fetch completes as soon as `fetch.min.bytes` are readable
/// (`DelayedFetch.tryComplete` after a produce), not at `fetch.max.wait.ms`.
#[test]
fn a_long_poll_completes_when_enough_bytes_arrive() {
    let mut sim = cluster(96, 3);
    create_topic_assigned(&mut sim, "orders", vec![vec![1, 2, 3]], &[]);
    let c = consumer(
        &mut sim,
        "c",
        &[("auto.offset.reset", "earliest"), ("fetch.min.bytes", "1"), ("fetch.max.wait.ms", "30000")],
    );
    sim.run_for_ms(3_000);
    let start = sim.now();
    produce(&mut sim, 1);
    assert!(sim.run_while(2_000, |s| delivered(s, c) >= 1), "{}", dump(&sim));
    assert!(sim.now().ms_since(start) < 2_000);
}
