//! Engine I fault scenarios (issue: acks=all losing brokers, lagging follower, uncommitted tail,
//! unclean election, leader isolated from the controller, retries with and without idempotence).
#![cfg(not(target_arch = "wasm32"))]

mod common;
use brokerlab::sim::errors::KafkaError;
use brokerlab::sim::trace::{ElectionReason, Finding, TraceKind};
use common::*;

/// `Partition.appendRecordsToLeader`: RF 3, min.insync.replicas 2, acks=all; brokers die one by one.
#[test]
fn acks_all_with_min_isr_two_loses_brokers_one_by_one() {
    let mut sim = cluster(11, 3);
    create_topic_assigned(&mut sim, "orders", vec![vec![1, 2, 3]], &[("min.insync.replicas", "2")]);
    let p =
        producer(&mut sim, "p", &[("acks", "all"), ("delivery.timeout.ms", "40000"), ("request.timeout.ms", "5000")]);
    send(&mut sim, p, "orders", Some(0), "a", "1");
    let r = results(&wait_idle(&mut sim, p, 10_000));
    assert_eq!(r, vec![Ok(0)]);

    // One follower dies: after broker.session.timeout.ms it is fenced and leaves the ISR.
    sim.kill_broker(3).unwrap();
    sim.run_for_ms(12_000);
    assert_eq!(partition(&sim, "orders", 0).isr, vec![1, 2], "{}", dump(&sim));
    send(&mut sim, p, "orders", Some(0), "b", "2");
    assert_eq!(results(&wait_idle(&mut sim, p, 10_000)), vec![Ok(1)]);

    // The second follower dies: ISR [1] < min.insync.replicas 2 → NOT_ENOUGH_REPLICAS, nothing
    // written, retried until delivery.timeout.ms.
    sim.kill_broker(2).unwrap();
    sim.run_for_ms(12_000);
    assert_eq!(partition(&sim, "orders", 0).isr, vec![1]);
    let leo_before = log_offsets(&sim, 1, "orders", 0).0;
    send(&mut sim, p, "orders", Some(0), "c", "3");
    let r = results(&wait_idle(&mut sim, p, 60_000));
    assert!(matches!(&r[0], Err(e) if e.error == KafkaError::REQUEST_TIMED_OUT), "{r:?}");
    assert!(has_event(&sim, |k| matches!(
        k,
        TraceKind::ProduceFailed { error: KafkaError::NOT_ENOUGH_REPLICAS, retrying: true, .. }
    )));
    assert_eq!(log_offsets(&sim, 1, "orders", 0).0, leo_before, "NOT_ENOUGH_REPLICAS writes nothing");
    assert!(findings(&sim).is_empty(), "{:?}", findings(&sim));
}

/// `Partition`: a slow follower leaves the ISR after replica.lag.time.max.ms and rejoins once caught up.
#[test]
fn a_lagging_follower_leaves_and_rejoins_the_isr() {
    let mut sim = cluster(12, 3);
    create_topic_assigned(&mut sim, "orders", vec![vec![1, 2, 3]], &[]);
    let p = producer(&mut sim, "p", &[("acks", "1")]);
    sim.slow_broker(3, 45_000).unwrap();
    // Keep producing for 50 s: broker 3 falls behind. The leader checks every
    // replica.lag.time.max.ms / 2 = 15 s, so the shrink comes at the 45 s check.
    for i in 0..50 {
        send(&mut sim, p, "orders", Some(0), "k", &format!("v{i}"));
        sim.run_for_ms(1000);
    }
    assert!(
        has_event(&sim, |k| matches!(k, TraceKind::IsrShrunk { removed, .. } if removed == &vec![3])),
        "{}",
        dump(&sim)
    );
    assert_eq!(partition(&sim, "orders", 0).isr, vec![1, 2]);
    sim.slow_broker(3, 0).unwrap();
    sim.run_for_ms(50_000);
    assert!(
        has_event(&sim, |k| matches!(k, TraceKind::IsrExpanded { added, .. } if added == &vec![3])),
        "{}",
        dump(&sim)
    );
    assert_eq!(partition(&sim, "orders", 0).isr, vec![1, 2, 3]);
    assert!(findings(&sim).is_empty(), "{:?}", findings(&sim));
}

/// `LeaderEpochFileCache`: a leader dies with records its followers never fetched (acked with acks=1); the new
/// leader does not have them, and the old leader truncates them when it comes back.
#[test]
fn leader_crash_with_an_uncommitted_tail_truncates_it() {
    let mut sim = cluster(13, 3);
    create_topic_assigned(&mut sim, "orders", vec![vec![1, 2, 3]], &[]);
    let p = producer(&mut sim, "p", &[("acks", "1")]);
    send(&mut sim, p, "orders", Some(0), "k", "committed");
    wait_idle(&mut sim, p, 5000);
    sim.run_for_ms(2000);
    // Followers stall; the leader takes two more records.
    sim.slow_broker(2, 20_000).unwrap();
    sim.slow_broker(3, 20_000).unwrap();
    sim.run_for_ms(1000);
    send(&mut sim, p, "orders", Some(0), "k", "tail-1");
    send(&mut sim, p, "orders", Some(0), "k", "tail-2");
    let r = results(&wait_idle(&mut sim, p, 5000));
    assert!(r.iter().all(|x| x.is_ok()), "acks=1 acknowledges the tail: {r:?}");
    assert_eq!(log_offsets(&sim, 1, "orders", 0).0, 3);
    sim.kill_broker(1).unwrap();
    sim.slow_broker(2, 0).unwrap();
    sim.slow_broker(3, 0).unwrap();
    sim.run_for_ms(12_000);
    let st = partition(&sim, "orders", 0);
    assert!(st.leader == 2 || st.leader == 3, "{st:?}");
    assert_eq!(st.leader_epoch, 1);
    // The checker reports the acknowledged-but-lost acks=1 records.
    let lost: Vec<_> = findings(&sim).into_iter().filter(|f| matches!(f, Finding::LostWrite { acks: 1, .. })).collect();
    assert_eq!(lost.len(), 2, "{:?}\n{}", findings(&sim), dump(&sim));
    sim.start_broker(1).unwrap();
    sim.run_for_ms(15_000);
    let truncated = sim.trace().events.iter().find_map(|e| match &e.kind {
        TraceKind::Truncated { broker: 1, from, to, removed, .. } => Some((*from, *to, removed.len())),
        _ => None,
    });
    assert_eq!(truncated, Some((3, 1, 2)), "{}", dump(&sim));
    assert_eq!(log_offsets(&sim, 1, "orders", 0).0, log_offsets(&sim, st.leader, "orders", 0).0);
    assert!(findings(&sim).iter().all(|f| f.is_expected_under(true)), "{:?}", findings(&sim));
}

/// `PartitionChangeBuilder`: with unclean.leader.election.enable an out-of-sync replica becomes leader and the
/// records only the old leader had are lost — the trace names them.
#[test]
fn unclean_election_loses_exactly_the_records_the_trace_names() {
    let mut sim = cluster(14, 3);
    create_topic_assigned(&mut sim, "orders", vec![vec![1, 2, 3]], &[("unclean.leader.election.enable", "true")]);
    let p = producer(&mut sim, "p", &[("acks", "1")]);
    send(&mut sim, p, "orders", Some(0), "k", "everyone-has-it");
    wait_idle(&mut sim, p, 5000);
    sim.run_for_ms(2000);
    // Followers 2 and 3 go down; the ISR shrinks to [1]; broker 1 takes more writes.
    sim.kill_broker(2).unwrap();
    sim.kill_broker(3).unwrap();
    sim.run_for_ms(12_000);
    assert_eq!(partition(&sim, "orders", 0).isr, vec![1]);
    for i in 0..3 {
        send(&mut sim, p, "orders", Some(0), "k", &format!("only-on-1-{i}"));
    }
    wait_idle(&mut sim, p, 5000);
    // Broker 1 dies; broker 2 comes back; the unclean election picks it.
    sim.kill_broker(1).unwrap();
    sim.run_for_ms(12_000);
    assert_eq!(partition(&sim, "orders", 0).leader, -1, "offline while no ISR member lives");
    sim.start_broker(2).unwrap();
    sim.run_for_ms(10_000);
    let st = partition(&sim, "orders", 0);
    assert_eq!((st.leader, st.isr.clone()), (2, vec![2]), "{}", dump(&sim));
    assert!(has_event(&sim, |k| matches!(
        k,
        TraceKind::LeaderElected { reason: ElectionReason::Unclean, leader: 2, .. }
    )));
    let lost: Vec<i64> = findings(&sim)
        .iter()
        .filter_map(|f| match f {
            Finding::LostWrite { offset, after_unclean: true, .. } => Some(*offset),
            _ => None,
        })
        .collect();
    assert_eq!(lost, vec![1, 2, 3], "{:?}", findings(&sim));
    // When broker 1 returns it truncates exactly those offsets.
    sim.start_broker(1).unwrap();
    sim.run_for_ms(15_000);
    let removed: Vec<i64> = sim
        .trace()
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            TraceKind::Truncated { broker: 1, removed, .. } => {
                Some(removed.iter().map(|r| r.offset).collect::<Vec<_>>())
            }
            _ => None,
        })
        .flatten()
        .collect();
    assert_eq!(removed, vec![1, 2, 3], "{}", dump(&sim));
}

/// `PartitionChangeBuilder` and KIP-631: the leader loses its controller link but still talks to clients and followers.
/// It is fenced after broker.session.timeout.ms; a follower becomes leader with a new epoch;
/// the producer finds the new leader through metadata; when the link heals the old leader
/// rejoins as a follower with the same log.
#[test]
fn a_leader_isolated_from_the_controller_is_replaced() {
    use brokerlab::sim::types::NodeAddr;
    let mut sim = cluster(15, 3);
    create_topic_assigned(&mut sim, "orders", vec![vec![1, 2, 3]], &[("min.insync.replicas", "2")]);
    let p =
        producer(&mut sim, "p", &[("acks", "all"), ("request.timeout.ms", "5000"), ("delivery.timeout.ms", "30000")]);
    send(&mut sim, p, "orders", Some(0), "k", "before");
    assert_eq!(results(&wait_idle(&mut sim, p, 5000)), vec![Ok(0)]);
    let (b1, c) = (NodeAddr::Broker(1), NodeAddr::Controller(1001));
    sim.net_mut().rule_mut(b1, c).cut = true;
    sim.net_mut().rule_mut(c, b1).cut = true;
    sim.run_for_ms(12_000);
    let st = partition(&sim, "orders", 0);
    assert!(st.leader == 2 || st.leader == 3, "{st:?}\n{}", dump(&sim));
    assert_eq!(st.leader_epoch, 1);
    assert!(has_event(&sim, |k| matches!(k, TraceKind::BrokerFenced { broker: 1, .. })));
    // The producer follows metadata to the new leader and its writes succeed.
    send(&mut sim, p, "orders", Some(0), "k", "after");
    let r = results(&wait_idle(&mut sim, p, 30_000));
    assert!(matches!(r[..], [Ok(_)]), "{r:?}\n{}", dump(&sim));
    sim.net_mut().heal(None);
    sim.run_for_ms(20_000);
    // Broker 1 rejoins as a follower with the same log as the leader.
    let leader = partition(&sim, "orders", 0).leader;
    assert_eq!(log_offsets(&sim, 1, "orders", 0).0, log_offsets(&sim, leader, "orders", 0).0, "{}", dump(&sim));
    assert_eq!(partition(&sim, "orders", 0).isr.len(), 3, "{}", dump(&sim));
    assert!(findings(&sim).is_empty(), "{:?}", findings(&sim));
}

/// `ProducerConfig` and `ProducerStateManager`: a lost produce response makes the producer retry. Without idempotence the
/// record is written twice; with it the broker recognises the sequence and writes it once.
#[test]
fn retries_after_a_lost_response_duplicate_only_without_idempotence() {
    use brokerlab::sim::types::NodeAddr;
    for (idempotent, expect_dup) in [(false, true), (true, false)] {
        let mut sim = cluster(16, 3);
        create_topic_assigned(&mut sim, "orders", vec![vec![1, 2, 3]], &[]);
        let p = producer(
            &mut sim,
            "p",
            &[
                ("acks", "all"),
                ("enable.idempotence", if idempotent { "true" } else { "false" }),
                ("request.timeout.ms", "3000"),
            ],
        );
        // Warm up metadata and the producer id.
        send(&mut sim, p, "orders", Some(0), "k", "warm-up");
        wait_idle(&mut sim, p, 5000);
        // Drop the next response from the leader to the producer.
        sim.net_mut().rule_mut(NodeAddr::Broker(1), NodeAddr::Client(p)).drop_next = 1;
        send(&mut sim, p, "orders", Some(0), "k", "once");
        let r = results(&wait_idle(&mut sim, p, 20_000));
        assert!(matches!(r[..], [Ok(_)]), "{r:?}");
        sim.run_for_ms(2000);
        let (leo, _) = log_offsets(&sim, 1, "orders", 0);
        let dups: Vec<_> = findings(&sim).into_iter().filter(|f| matches!(f, Finding::Duplicate { .. })).collect();
        if expect_dup {
            assert_eq!(leo, 3, "written twice without idempotence");
            assert_eq!(dups.len(), 1, "{dups:?}");
        } else {
            assert_eq!(leo, 2, "written once with idempotence");
            assert!(dups.is_empty(), "{dups:?}");
        }
    }
}

/// KIP-631: with 3 controllers, killing the active one elects another; the cluster keeps working.
#[test]
fn the_controller_quorum_survives_losing_its_leader() {
    use brokerlab::sim::world::ClusterConfig;
    let mut sim =
        brokerlab::sim::world::Sim::new(17, ClusterConfig { controllers: 3, ..ClusterConfig::default() }).unwrap();
    sim.boot().unwrap();
    let first = sim.active_controller().unwrap();
    create_topic_assigned(&mut sim, "orders", vec![vec![1, 2, 3]], &[]);
    sim.kill_controller(first).unwrap();
    sim.run_for_ms(8000);
    let second = sim.active_controller().expect("a new active controller");
    assert_ne!(first, second);
    // Leadership changes still work: kill the partition leader.
    sim.kill_broker(1).unwrap();
    sim.run_for_ms(12_000);
    let st = partition(&sim, "orders", 0);
    assert!(st.leader == 2 || st.leader == 3, "{st:?}\n{}", dump(&sim));
    let p = producer(&mut sim, "p", &[]);
    send(&mut sim, p, "orders", Some(0), "k", "v");
    assert!(matches!(results(&wait_idle(&mut sim, p, 20_000))[..], [Ok(_)]));
    assert!(findings(&sim).is_empty(), "{:?}", findings(&sim));
}

// ---------------------------------------------------------------------------------------------
// The client's network layer: back-offs (KIP-580, KIP-144, KIP-601), refused connections and
// cut links.
// ---------------------------------------------------------------------------------------------

use brokerlab::sim::client::config::ProducerConfig;
use brokerlab::sim::time::SimTime;
use brokerlab::sim::types::NodeAddr;
use brokerlab::sim::world::Sim;

/// When `client` sent each of its `api` requests (the trace records every message).
fn requests_sent(sim: &Sim, client: u32, api: &str, since: SimTime) -> Vec<SimTime> {
    sim.trace()
        .events
        .iter()
        .filter(|e| e.at >= since)
        .filter(|e| {
            matches!(&e.kind, TraceKind::Sent { from: NodeAddr::Client(c), api: a, response: false, .. }
                if *c == client && a == api)
        })
        .map(|e| e.at)
        .collect()
}

fn producer_at(sim: &mut Sim, bootstrap: &str) -> u32 {
    sim.create_producer("p", bootstrap, ProducerConfig::default())
}

fn logged(sim: &Sim, client: u32) -> Vec<String> {
    sim.clients()[&client].meta().logs.iter().map(|l| l.message.clone()).collect()
}

/// A partition without a leader: the producer asks for metadata again and again, but never
/// faster than `Metadata.timeToAllowUpdate` allows — `retry.backoff.ms` (100 ms) doubling to
/// `retry.backoff.max.ms` (1 s), ±20 %, as long as the answers bring nothing new (KIP-580,
/// KIP-951's equivalent-response back-off).
#[test]
fn metadata_requests_back_off_while_a_partition_has_no_leader() {
    let mut sim = cluster(42, 3);
    create_topic_assigned(&mut sim, "s", vec![vec![3]], &[]);
    sim.net_mut().isolate(NodeAddr::Broker(3));
    // Fenced after broker.session.timeout.ms: the partition has no leader.
    sim.run_for_ms(15_000);
    assert_eq!(partition(&sim, "s", 0).leader, -1, "{}", dump(&sim));
    let p = producer_at(&mut sim, "localhost:9092");
    let start = sim.now();
    send(&mut sim, p, "s", None, "k", "v");
    sim.run_for_ms(60_000);
    let sent = requests_sent(&sim, p, "Metadata", start);
    // At most 4 requests while the back-off grows (≥ 80, 160, 320, 640 ms apart), then one per
    // ≥ 800 ms: 4 + 58.8 s / 0.8 s < 80. Before the back-off was modelled: tens of thousands.
    assert!(sent.len() <= 80, "{} Metadata requests in 60 s", sent.len());
    assert!(sent.len() >= 40, "the producer keeps asking: {} requests", sent.len());
    for w in sent.windows(2) {
        assert!(w[1].ms_since(w[0]) >= 80, "two Metadata requests {} ms apart", w[1].ms_since(w[0]));
    }
    // The record is still waiting (delivery.timeout.ms is 120 s).
    assert!(sim.take_completions(p).is_empty());
}

/// A killed broker's port refuses connections at once: a client whose first bootstrap server
/// is that broker moves to the next one after a round trip, logging Kafka's WARN lines.
#[test]
fn a_dead_bootstrap_server_is_refused_at_once() {
    for seed in 1..=8 {
        let mut sim = cluster(seed, 3);
        create_topic_assigned(&mut sim, "t", vec![vec![2]], &[]);
        sim.kill_broker(1).unwrap();
        let p = producer_at(&mut sim, "localhost:9092,localhost:9093");
        let start = sim.now();
        send(&mut sim, p, "t", None, "k", "v");
        let r = results(&wait_idle(&mut sim, p, 20_000));
        assert_eq!(r, vec![Ok(0)], "seed {seed}");
        let took = sim.now().ms_since(start);
        assert!(took < 1_000, "seed {seed}: {took} ms to produce past a dead bootstrap server");
        for l in logged(&sim, p) {
            assert!(
                l == "Connection to node -1 (localhost/127.0.0.1:9092) could not be established. Node may not be available."
                    || l == "Bootstrap broker localhost:9092 (id: -1 rack: null isFenced: false) disconnected"
                    || l == "Connection to node 1 (localhost/127.0.0.1:9092) could not be established. Node may not be available.",
                "seed {seed}: {l}"
            );
        }
    }
}

/// A cut link never answers: a connection attempt to an isolated broker waits for
/// `socket.connection.setup.timeout.ms` (10 s ±20 %) before the client tries elsewhere, and it
/// logs no "could not be established" (that is a refusal).
#[test]
fn a_cut_bootstrap_server_costs_the_connection_setup_timeout() {
    let mut slowest = 0;
    for seed in 1..=8 {
        let mut sim = cluster(seed, 3);
        create_topic_assigned(&mut sim, "t", vec![vec![2]], &[]);
        sim.net_mut().isolate(NodeAddr::Broker(1));
        let p = producer_at(&mut sim, "localhost:9092,localhost:9093");
        let start = sim.now();
        send(&mut sim, p, "t", None, "k", "v");
        let r = results(&wait_idle(&mut sim, p, 60_000));
        assert_eq!(r, vec![Ok(0)], "seed {seed}");
        slowest = slowest.max(sim.now().ms_since(start));
        assert!(!logged(&sim, p).iter().any(|l| l.contains("could not be established")), "seed {seed}");
    }
    assert!((8_000..40_000).contains(&slowest), "slowest produce past a cut bootstrap server: {slowest} ms");
}

/// `net isolate` is a property of the node: a client started after it cannot reach the node
/// either (it never gets metadata), until healed.
#[test]
fn isolation_cuts_clients_started_after_it() {
    let mut sim = cluster(5, 3);
    create_topic_assigned(&mut sim, "t", vec![vec![2]], &[]);
    sim.net_mut().isolate(NodeAddr::Broker(2));
    let p = producer_at(&mut sim, "localhost:9093");
    send(&mut sim, p, "t", None, "k", "v");
    let r = wait_idle(&mut sim, p, 70_000);
    assert!(
        matches!(&r[0].result, Err(e) if e.message.as_deref() == Some("Topic t not present in metadata after 60000 ms.")),
        "{r:?}"
    );
    let logs = logged(&sim, p);
    assert!(logs
        .iter()
        .any(|l| l == "Bootstrap broker localhost:9093 (id: -1 rack: null isFenced: false) disconnected"));
    assert!(!logs.iter().any(|l| l.contains("could not be established")), "{logs:?}");
    // Healed: a new client gets through.
    sim.net_mut().heal(None);
    let q = producer_at(&mut sim, "localhost:9093");
    send(&mut sim, q, "t", None, "k", "v");
    assert_eq!(results(&wait_idle(&mut sim, q, 20_000)), vec![Ok(0)]);
}
