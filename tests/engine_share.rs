//! Share groups (KIP-932) end to end in the engine: share consumers of one share group read the
//! same partition together (`SimpleAssignor`), acquisition locks expire and hand a stalled
//! consumer's records to the others (`SharePartition.releaseAcquisitionLockOnTimeout`), and a
//! record rejected or released again and again is archived at `group.share.delivery.count.limit`
//! (`InFlightState.tryUpdateState`).
#![cfg(not(target_arch = "wasm32"))]

mod common;
use brokerlab::sim::broker::share_partition::{AckType, RecordState};
use brokerlab::sim::client::config::ConsumerConfig;
use brokerlab::sim::client::consumer::share::ShareClient;
use brokerlab::sim::types::TopicPartition;
use brokerlab::sim::world::Sim;
use common::*;

fn share_consumer(sim: &mut Sim, name: &str, ack: AckType, processing_ms: i64) -> u32 {
    let mut m = props(&[("group.id", "sg")]);
    m.insert("client.id".into(), name.into());
    let id = sim.create_consumer(name, "localhost:9092", ConsumerConfig::parse(&m).expect("valid"));
    sim.with_consumer(id, |c, _, _| {
        c.share = Some(ShareClient { implicit_ack: Some(ack), ..Default::default() });
        c.app.processing_ms_per_record = processing_ms;
        c.subscribe(vec!["orders".into()]);
    });
    id
}

fn produce_n(sim: &mut Sim, n: u32, from: u32) {
    let p = producer(sim, "feeder", &[("linger.ms", "0")]);
    for i in from..from + n {
        send(sim, p, "orders", Some(0), &format!("k{i}"), &format!("v{i}"));
        sim.run_for_ms(5);
    }
    let r = results(&wait_idle(sim, p, 20_000));
    assert!(r.iter().all(|x| x.is_ok()), "{r:?}");
    sim.close_client(p);
}

fn delivered(sim: &mut Sim, c: u32) -> u64 {
    sim.consumer_mut(c).map(|c| c.delivered_total).unwrap_or(0)
}

fn assigned(sim: &mut Sim, c: u32) -> Vec<TopicPartition> {
    sim.consumer_mut(c).map(|c| c.assignment.keys().cloned().collect()).unwrap_or_default()
}

/// The leader's share-partition of `sg` on `orders-0`.
fn share_partition(sim: &Sim) -> brokerlab::sim::broker::share_partition::SharePartition {
    let leader = partition(sim, "orders", 0).leader;
    sim.brokers()[&leader].proc.as_ref().expect("leader runs").share.partitions["sg"][&TopicPartition::new("orders", 0)]
        .clone()
}

fn no_findings(sim: &Sim) {
    let f = &sim.checker().findings;
    assert!(f.is_empty(), "{f:?}");
}

// SimpleHomogeneousAssignmentBuilder: three members, one partition: each gets it
// (desiredSharing = 3), and all three read from it (SharePartition.acquire hands each record
// to one of them).
#[test]
fn more_share_consumers_than_partitions_all_read() {
    let mut sim = cluster(7, 3);
    create_topic_assigned(&mut sim, "orders", vec![vec![1, 2, 3]], &[]);
    let ids: Vec<u32> = (0..3).map(|i| share_consumer(&mut sim, &format!("s{i}"), AckType::Accept, 20)).collect();
    // The share-partition starts at the latest offset once the members fetch: wait for that.
    let ok = sim.run_while(30_000, |s| ids.iter().all(|c| assigned(s, *c) == vec![TopicPartition::new("orders", 0)]));
    assert!(ok, "every member is assigned orders-0");
    sim.run_for_ms(2_000);
    // One record per produce batch, slow processing: the three share the work.
    produce_n(&mut sim, 60, 0);
    let ok = sim.run_while(60_000, |s| ids.iter().map(|c| delivered(s, *c)).sum::<u64>() >= 60);
    assert!(ok, "all 60 records delivered: {:?}", ids.iter().map(|c| delivered(&mut sim, *c)).collect::<Vec<_>>());
    for c in &ids {
        assert!(delivered(&mut sim, *c) > 0, "every member read something");
    }
    sim.run_for_ms(2_000);
    let sp = share_partition(&sim);
    assert_eq!(sp.start_offset, 60, "all acknowledged: the SPSO moved past them");
    assert_eq!(ids.iter().map(|c| delivered(&mut sim, *c)).sum::<u64>(), 60, "each record delivered once");
    no_findings(&sim);
}

// releaseAcquisitionLockOnTimeout: a member that takes far longer than
// group.share.record.lock.duration.ms (30 s) over the records it acquired loses them when the
// lock expires; another member gets them, delivery count 2.
#[test]
fn a_stalled_consumers_records_go_to_another_when_the_lock_expires() {
    let mut sim = cluster(8, 3);
    create_topic_assigned(&mut sim, "orders", vec![vec![1, 2, 3]], &[]);
    // Two minutes per record: it acquires the batch and is still on the first record when the
    // locks run out.
    let slow = share_consumer(&mut sim, "slow", AckType::Accept, 120_000);
    let ok = sim.run_while(30_000, |s| !assigned(s, slow).is_empty());
    assert!(ok);
    sim.run_for_ms(2_000);
    produce_n(&mut sim, 5, 0);
    let ok = sim.run_while(10_000, |s| share_partition(s).records.values().any(|r| r.state == RecordState::Acquired));
    assert!(ok, "the stalled member acquired the records");
    let acquired_at = sim.now();
    let fast = share_consumer(&mut sim, "fast", AckType::Accept, 0);
    let ok = sim.run_while(60_000, |s| delivered(s, fast) >= 5);
    assert!(ok, "the other member gets the records");
    assert!(sim.now().ms_since(acquired_at) >= 25_000, "only after the lock expired");
    let ok = sim.run_while(5_000, |s| share_partition(s).start_offset == 5);
    assert!(ok, "acknowledged by the other member");
    no_findings(&sim);
}

// InFlightState.tryUpdateState: a record rejected is archived; one released over and over is
// archived when its delivery count reaches the limit (5), and the SPSO moves past it.
#[test]
fn a_poison_message_is_archived_at_the_delivery_limit() {
    let mut sim = cluster(9, 3);
    create_topic_assigned(&mut sim, "orders", vec![vec![1, 2, 3]], &[]);
    let c = share_consumer(&mut sim, "picky", AckType::Release, 0);
    let ok = sim.run_while(30_000, |s| !assigned(s, c).is_empty());
    assert!(ok);
    sim.run_for_ms(2_000);
    produce_n(&mut sim, 1, 0);
    let ok = sim.run_while(30_000, |s| share_partition(s).start_offset == 1);
    assert!(ok, "archived after five deliveries");
    assert_eq!(delivered(&mut sim, c), 5, "delivered exactly group.share.delivery.count.limit times");
    no_findings(&sim);
}

// DefaultStatePersister / ShareCoordinatorShard.writeState and SharePartition.maybeInitialize:
// the leader writes the share-partition's state to __share_group_state (created with
// share.coordinator.state.topic.* when the group's partitions are initialized); after the leader
// is killed the new leader reads it back (ReadShareGroupState), so the records already accepted
// are not delivered again and the released ones come with their delivery count.
#[test]
fn share_state_survives_a_leader_change() {
    let mut sim = cluster(10, 3);
    create_topic_assigned(&mut sim, "orders", vec![vec![1, 2, 3]], &[]);
    let c = share_consumer(&mut sim, "first", AckType::Accept, 0);
    let ok = sim.run_while(30_000, |s| !assigned(s, c).is_empty());
    assert!(ok);
    let state_topic = |s: &Sim| {
        let c = s.active_controller().expect("active controller");
        s.controllers()[&c].proc.as_ref().expect("runs").image.topics.get("__share_group_state").cloned()
    };
    let ok = sim.run_while(10_000, |s| state_topic(s).is_some());
    assert!(ok, "the state topic is created");
    let t = state_topic(&sim).expect("exists");
    assert_eq!(t.partitions.len(), 50);
    assert_eq!(t.configs.get("min.insync.replicas").map(String::as_str), Some("2"));
    assert_eq!(t.configs.get("cleanup.policy").map(String::as_str), Some("delete"));
    sim.run_for_ms(2_000);
    produce_n(&mut sim, 6, 0);
    let ok = sim.run_while(30_000, |s| delivered(s, c) >= 6);
    assert!(ok, "the first consumer read all six");
    sim.run_for_ms(2_000);
    assert_eq!(share_partition(&sim).start_offset, 6);
    sim.close_client(c);
    sim.run_for_ms(2_000);
    produce_n(&mut sim, 3, 6);
    let old = partition(&sim, "orders", 0).leader;
    sim.kill_broker(old).expect("kill");
    let ok = sim.run_while(30_000, |s| partition(s, "orders", 0).leader != old && partition(s, "orders", 0).leader > 0);
    assert!(ok, "a new leader");
    let mut m = props(&[("group.id", "sg")]);
    m.insert("client.id".into(), "second".into());
    let c2 = sim.create_consumer("second", "localhost:9093", ConsumerConfig::parse(&m).expect("valid"));
    sim.with_consumer(c2, |c, _, _| {
        c.share = Some(ShareClient { implicit_ack: Some(AckType::Accept), ..Default::default() });
        c.subscribe(vec!["orders".into()]);
    });
    let ok = sim.run_while(60_000, |s| delivered(s, c2) >= 3);
    assert!(ok, "the second consumer reads the three new records");
    sim.run_for_ms(5_000);
    assert_eq!(delivered(&mut sim, c2), 3, "the six accepted before the leader change are not delivered again");
    let sp = share_partition(&sim);
    assert_eq!(sp.start_offset, 9, "the new leader continued from the persisted start offset");
    no_findings(&sim);
}
