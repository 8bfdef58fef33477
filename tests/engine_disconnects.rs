//! A broker killed while a client's request is in flight: the request fails back to the client
//! and is retried as Kafka's clients retry it (`NetworkClient.processDisconnection` →
//! `cancelInFlightRequests` completes it with a disconnected `ClientResponse`), never a silent
//! hang.
#![cfg(not(target_arch = "wasm32"))]

mod common;
use brokerlab::sim::client::admin::{Call, Target};
use brokerlab::sim::client::config::ConsumerConfig;
use brokerlab::sim::client::consumer::CommitMode;
use brokerlab::sim::protocol::{Isolation, Request, Response};
use brokerlab::sim::trace::TraceKind;
use brokerlab::sim::types::{BrokerId, NodeAddr, TopicPartition};
use brokerlab::sim::world::Sim;
use common::*;

fn consumer(sim: &mut Sim, name: &str, pairs: &[(&str, &str)]) -> u32 {
    let cfg = ConsumerConfig::parse(&props(pairs)).expect("valid consumer config");
    sim.create_consumer(name, "localhost:9092,localhost:9093,localhost:9094", cfg)
}

/// Steps the simulation until client `client` sends a request of `api`; returns the broker it
/// goes to (the request is then on the wire, unanswered).
fn step_until_sent(sim: &mut Sim, client: u32, api: &str, max_ms: i64) -> BrokerId {
    let deadline = sim.now().plus_ms(max_ms);
    let mut seen = sim.trace().next_index();
    while sim.now() < deadline {
        assert!(sim.step(), "the simulation ran out of events");
        for e in sim.trace().since(seen) {
            if let TraceKind::Sent { from: NodeAddr::Client(c), to: NodeAddr::Broker(b), api: a, .. } = &e.kind {
                if *c == client && a == api {
                    return *b;
                }
            }
        }
        seen = sim.trace().next_index();
    }
    panic!("client {client} sent no {api} within {max_ms} ms\n{}", dump(sim));
}

fn logs(sim: &mut Sim, client: u32) -> Vec<String> {
    let (prefix, lines) = sim.take_client_logs(client).expect("client exists");
    lines.into_iter().map(|l| format!("{} {}{}", l.level, prefix, l.message)).collect()
}

/// `Sender.handleProduceResponse` with `wasDisconnected()`: the batch fails with
/// NETWORK_EXCEPTION "Disconnected from node 1", is re-enqueued (`Sender.completeBatch` →
/// `canRetry`) with the WARN a real producer prints, metadata is refreshed, and the record
/// lands on the new leader.
#[test]
fn a_produce_in_flight_to_a_killed_leader_is_retried_on_the_new_leader() {
    let mut sim = cluster(71, 3);
    create_topic_assigned(&mut sim, "orders", vec![vec![1, 2, 3]], &[]);
    let p = producer(&mut sim, "p", &[("acks", "all")]);
    send(&mut sim, p, "orders", Some(0), "a", "1");
    assert_eq!(results(&wait_idle(&mut sim, p, 10_000)), vec![Ok(0)]);
    logs(&mut sim, p);

    send(&mut sim, p, "orders", Some(0), "b", "2");
    assert_eq!(step_until_sent(&mut sim, p, "Produce", 5_000), 1);
    sim.kill_broker(1).unwrap();
    let r = results(&wait_idle(&mut sim, p, 60_000));
    assert_eq!(r, vec![Ok(1)], "{}", dump(&sim));
    assert_ne!(sim.leader_of(&TopicPartition::new("orders", 0)), Some(1));
    let lines = logs(&mut sim, p);
    assert!(
        lines.iter().any(|l| l.starts_with("WARN [Producer clientId=p] Got error produce response with correlation id ")
            && l.ends_with(
                " on topic-partition orders-0, retrying (2147483646 attempts left). Error: NETWORK_EXCEPTION. Error Message: Disconnected from node 1"
            )),
        "{lines:#?}"
    );
    assert!(findings(&sim).is_empty(), "{:?}", findings(&sim));
}

/// The fetcher's request fails with the connection: metadata is refreshed and the consumer
/// fetches from the new leader (`AbstractFetch.handleFetchFailure`, `Metadata.requestUpdate`).
#[test]
fn a_fetch_in_flight_to_a_killed_leader_goes_on_at_the_new_leader() {
    let mut sim = cluster(72, 3);
    create_topic_assigned(&mut sim, "orders", vec![vec![1, 2, 3]], &[]);
    let c = consumer(&mut sim, "c", &[("group.id", "g"), ("auto.offset.reset", "earliest")]);
    sim.with_consumer(c, |c, _, _| c.subscribe(vec!["orders".into()]));
    let p = producer(&mut sim, "p", &[("acks", "all")]);
    send(&mut sim, p, "orders", Some(0), "a", "1");
    assert_eq!(results(&wait_idle(&mut sim, p, 10_000)), vec![Ok(0)]);
    assert!(sim.run_while(20_000, |s| s.consumer_mut(c).unwrap().delivered_total >= 1), "{}", dump(&sim));

    assert_eq!(step_until_sent(&mut sim, c, "Fetch", 5_000), 1);
    sim.kill_broker(1).unwrap();
    send(&mut sim, p, "orders", Some(0), "b", "2");
    assert_eq!(results(&wait_idle(&mut sim, p, 60_000)), vec![Ok(1)]);
    let read = sim.run_while(30_000, |s| s.consumer_mut(c).unwrap().delivered_total >= 2);
    assert!(read, "{}", dump(&sim));
    assert!(findings(&sim).is_empty(), "{:?}", findings(&sim));
}

/// `OffsetFetcher.resetPositionsAsync`: the ListOffsets of a position reset fails with the
/// connection, so the partitions are reset again after `retry.backoff.ms`
/// (`SubscriptionState.requestFailed`) once metadata names the new leader — not after the
/// 30 s `request.timeout.ms` of a request nobody answers.
#[test]
fn a_position_reset_in_flight_to_a_killed_leader_is_retried_at_once() {
    let mut sim = cluster(73, 3);
    create_topic_assigned(&mut sim, "orders", vec![vec![1, 2, 3]], &[]);
    let p = producer(&mut sim, "p", &[("acks", "all")]);
    send(&mut sim, p, "orders", Some(0), "a", "1");
    assert_eq!(results(&wait_idle(&mut sim, p, 10_000)), vec![Ok(0)]);
    let c = consumer(&mut sim, "c", &[("group.id", "g"), ("auto.offset.reset", "earliest")]);
    sim.with_consumer(c, |c, _, _| c.subscribe(vec!["orders".into()]));

    assert_eq!(step_until_sent(&mut sim, c, "ListOffsets", 20_000), 1);
    let killed_at = sim.now();
    sim.kill_broker(1).unwrap();
    // The controller fences broker 1 after broker.session.timeout.ms (9 s) and elects another
    // leader; the reset follows within a few back-offs, far before a request timeout.
    let read = sim.run_while(20_000, |s| s.consumer_mut(c).unwrap().delivered_total >= 1);
    assert!(read, "{}", dump(&sim));
    assert!(sim.now().ms_since(killed_at) < 15_000, "read only after {} ms", sim.now().ms_since(killed_at));
    assert!(findings(&sim).is_empty(), "{:?}", findings(&sim));
}

/// `ConsumerCoordinator.commitOffsetsSync`: an OffsetCommit cancelled by the coordinator's
/// death marks the coordinator unknown (`CoordinatorResponseHandler.onFailure` →
/// `markCoordinatorUnknown`), and the same offsets are committed again to the new coordinator.
#[test]
fn a_sync_commit_in_flight_to_a_killed_coordinator_is_sent_again_to_the_new_one() {
    let mut sim = cluster(74, 3);
    create_topic_assigned(&mut sim, "orders", vec![vec![1, 2, 3]], &[]);
    let c = consumer(
        &mut sim,
        "c",
        &[("group.id", "g"), ("auto.offset.reset", "earliest"), ("enable.auto.commit", "false")],
    );
    sim.with_consumer(c, |c, _, _| {
        c.app.commit = CommitMode::AfterProcessing;
        c.subscribe(vec!["orders".into()])
    });
    let p = producer(&mut sim, "p", &[("acks", "all")]);
    send(&mut sim, p, "orders", Some(0), "a", "1");
    assert_eq!(results(&wait_idle(&mut sim, p, 10_000)), vec![Ok(0)]);
    assert!(sim.run_while(20_000, |s| s.consumer_mut(c).unwrap().delivered_total >= 1), "{}", dump(&sim));
    sim.run_for_ms(1_000);

    send(&mut sim, p, "orders", Some(0), "b", "2");
    let coordinator = step_until_sent(&mut sim, c, "OffsetCommit", 10_000);
    let killed_at = sim.trace().next_index();
    sim.kill_broker(coordinator).unwrap();
    let committed = |s: &mut Sim| {
        s.trace().since(killed_at).any(|e| {
            matches!(&e.kind, TraceKind::OffsetsCommitted { offsets, .. }
                if offsets.contains(&(TopicPartition::new("orders", 0), 2)))
        })
    };
    assert!(sim.run_while(40_000, committed), "offset 2 was never committed\n{}", dump(&sim));
    assert!(findings(&sim).is_empty(), "{:?}", findings(&sim));
}

/// `KafkaAdminClient`: a call whose connection closes fails with a `DisconnectException`, a
/// retriable error, so `Call.fail` tries it again after `retryBackoff.backoff(tries)` — here on
/// the partition's new leader — well within `default.api.timeout.ms`.
#[test]
fn an_admin_call_in_flight_to_a_killed_broker_is_retried() {
    let mut sim = cluster(75, 3);
    create_topic_assigned(&mut sim, "orders", vec![vec![1, 2, 3]], &[]);
    let p = producer(&mut sim, "p", &[("acks", "all")]);
    send(&mut sim, p, "orders", Some(0), "a", "1");
    assert_eq!(results(&wait_idle(&mut sim, p, 10_000)), vec![Ok(0)]);
    sim.close_client(p);

    let admin = sim.create_admin("admin", "localhost:9092,localhost:9093,localhost:9094");
    let tp = TopicPartition::new("orders", 0);
    let call = Call::new(
        "listOffsets",
        Target::Leader(tp.clone()),
        Request::ListOffsets { isolation: Isolation::ReadUncommitted, partitions: vec![(tp.clone(), -1)] },
    );
    let started = sim.now();
    let task = sim.admin_submit(admin, vec![call], None).expect("admin exists");
    assert_eq!(step_until_sent(&mut sim, admin, "ListOffsets", 10_000), 1);
    sim.kill_broker(1).unwrap();
    let result = loop {
        if let Some(t) = sim.admin_take(admin, task) {
            break t;
        }
        assert!(sim.now().ms_since(started) < 60_000 && sim.step(), "the call never completed\n{}", dump(&sim));
    };
    match result.calls[0].response.clone() {
        Some(Ok(Response::ListOffsets { partitions })) => {
            assert_eq!(partitions.len(), 1);
            assert_eq!(partitions[0].1.as_ref().map(|(o, _)| *o).ok(), Some(1), "{partitions:?}");
        }
        other => panic!("{other:?}\n{}", dump(&sim)),
    }
    assert!(sim.now().ms_since(started) < 20_000, "took {} ms", sim.now().ms_since(started));
}
