//! Mixed consumer groups and the online migration between the classic protocol and the consumer
//! protocol (KIP-848), as Kafka 4.4's `GroupMetadataManager` does them: the upgrade of a classic
//! group when a consumer-protocol member joins (`convertToConsumerGroup`,
//! `ConsumerGroup.fromClassicGroup`), classic members inside a consumer group
//! (`classicGroupJoinToConsumerGroup`, `classicGroupSyncToConsumerGroup`,
//! `classicGroupHeartbeatToConsumerGroup`), the downgrade when the last consumer-protocol member
//! leaves (`consumerGroupFenceMembers` → `convertToClassicGroup`, `ClassicGroup.fromConsumerGroup`),
//! and the refusal of a group id that a share group holds.
#![cfg(not(target_arch = "wasm32"))]

mod common;
use brokerlab::sim::broker::consumer_group_state::ConsumerGroupState;
use brokerlab::sim::client::config::ConsumerConfig;
use brokerlab::sim::errors::KafkaError;
use brokerlab::sim::types::TopicPartition;
use brokerlab::sim::world::Sim;
use common::*;
use std::collections::BTreeSet;

fn consumer(sim: &mut Sim, name: &str, pairs: &[(&str, &str)]) -> u32 {
    let mut m = props(pairs);
    m.insert("client.id".into(), name.into());
    let id = sim.create_consumer(name, "localhost:9092", ConsumerConfig::parse(&m).expect("valid consumer config"));
    sim.with_consumer(id, |c, _, _| c.subscribe(vec!["orders".into()]));
    id
}

fn classic(sim: &mut Sim, name: &str) -> u32 {
    consumer(sim, name, &[("group.id", "g"), ("auto.offset.reset", "earliest")])
}

fn modern(sim: &mut Sim, name: &str) -> u32 {
    consumer(sim, name, &[("group.id", "g"), ("auto.offset.reset", "earliest"), ("group.protocol", "consumer")])
}

/// Group `g` as its coordinator holds it (the broker that has it with members).
#[derive(Debug)]
struct View {
    /// The KIP-848 state; `None` for a classic group.
    consumer: Option<ConsumerGroupState>,
    generation: i32,
    /// Members of the classic group.
    members: usize,
    /// The classic group's state (`GroupState`).
    state: String,
}

fn group(sim: &Sim) -> View {
    sim.brokers()
        .values()
        .filter_map(|b| b.proc.as_ref())
        .filter_map(|p| p.coordinator.groups.get("g"))
        .find(|g| !g.members.is_empty() || g.consumer.as_ref().is_some_and(|c| !c.members.is_empty()))
        .map(|g| View {
            consumer: g.consumer.clone(),
            generation: g.generation,
            members: g.members.len(),
            state: format!("{:?}", g.state),
        })
        .expect("group g has members somewhere")
}

fn owned(sim: &mut Sim, c: u32) -> Vec<i32> {
    sim.consumer_mut(c).map(|c| c.assignment.keys().map(|tp| tp.partition).collect()).unwrap_or_default()
}

fn delivered(sim: &mut Sim, c: u32) -> u64 {
    sim.consumer_mut(c).map(|c| c.delivered_total).unwrap_or(0)
}

/// Every partition owned by exactly one of `ids` (client side).
fn split_exactly(sim: &mut Sim, ids: &[u32]) -> bool {
    let all: Vec<i32> = ids.iter().flat_map(|c| owned(sim, *c)).collect();
    let set: BTreeSet<i32> = all.iter().copied().collect();
    all.len() == 3 && set.len() == 3
}

fn produce(sim: &mut Sim, n: u32, from: u32) {
    let p = producer(sim, "feeder", &[]);
    for i in from..from + n {
        send(sim, p, "orders", Some((i % 3) as i32), &format!("k{i}"), &format!("v{i}"));
    }
    let r = results(&wait_idle(sim, p, 20_000));
    assert!(r.iter().all(|x| x.is_ok()), "{r:?}");
    sim.close_client(p);
}

fn three_partitions(seed: u64) -> Sim {
    let mut sim = cluster(seed, 3);
    create_topic_assigned(&mut sim, "orders", vec![vec![1, 2, 3], vec![2, 3, 1], vec![3, 1, 2]], &[]);
    sim
}

/// `getOrMaybeCreateConsumerGroup` → `convertToConsumerGroup`: a consumer-protocol member joining a
/// classic group with members turns it into a consumer group at the classic generation
/// (`ConsumerGroup.fromClassicGroup`: group epoch = assignment epoch = generation, each classic
/// member at that epoch with its partitions), then the new member bumps the group epoch once. The
/// classic members, told REBALANCE_IN_PROGRESS by their heartbeats, rejoin through
/// `classicGroupJoinToConsumerGroup` and give up what the coordinator's assignor moved.
#[test]
fn a_consumer_protocol_member_upgrades_a_classic_group_online() {
    let mut sim = three_partitions(41);
    produce(&mut sim, 30, 0);
    let a = classic(&mut sim, "a");
    let b = classic(&mut sim, "b");
    let ok = sim.run_while(20_000, |s| split_exactly(s, &[a, b]) && delivered(s, a) + delivered(s, b) >= 30);
    assert!(ok, "the classic group settles\n{}", dump(&sim));
    let g = group(&sim);
    assert!(g.consumer.is_none(), "a classic group");
    let generation = g.generation;
    let c = modern(&mut sim, "c");
    let ok = sim.run_while(20_000, |s| split_exactly(s, &[a, b, c]) && !owned(s, c).is_empty());
    assert!(ok, "the three members share the partitions\n{}", dump(&sim));
    let g = group(&sim);
    let cg = g.consumer.as_ref().expect("now a consumer group");
    assert_eq!(cg.group_epoch, generation + 1, "converted at the generation, bumped once by the new member");
    assert_eq!(cg.members.len(), 3);
    assert_eq!(
        cg.members.values().filter(|m| m.classic.is_some()).count(),
        2,
        "a and b still speak the classic protocol"
    );
    assert_eq!(cg.state_name(), "Stable", "{cg:?}");
    // The coordinator's view matches the clients', one owner per partition.
    let coordinator: Vec<TopicPartition> = cg.members.values().flat_map(|m| m.assigned.keys().cloned()).collect();
    assert_eq!(coordinator.len(), 3, "{cg:?}");
    // Consumption goes on across the upgrade.
    produce(&mut sim, 30, 30);
    let ok = sim.run_while(20_000, |s| delivered(s, a) + delivered(s, b) + delivered(s, c) >= 60);
    assert!(ok, "all 60 records read\n{}", dump(&sim));
    assert!(findings(&sim).is_empty(), "{:?}", findings(&sim));
}

/// `consumerGroupFenceMembers` → `validateOnlineDowngradeWithFencedMembers` → `convertToClassicGroup`:
/// when the last consumer-protocol member leaves and classic members remain, the group becomes a
/// classic group again (`ClassicGroup.fromConsumerGroup`: Stable at the group epoch), and a
/// rebalance follows ("Downgrade group … for member leaving.") so the classic members take its
/// partitions at the next generation.
#[test]
fn the_last_consumer_protocol_member_leaving_downgrades_the_group() {
    let mut sim = three_partitions(42);
    let a = classic(&mut sim, "a");
    sim.run_while(15_000, |s| owned(s, a).len() == 3);
    let c = modern(&mut sim, "c");
    let ok = sim.run_while(20_000, |s| split_exactly(s, &[a, c]) && !owned(s, c).is_empty());
    assert!(ok, "a mixed group\n{}", dump(&sim));
    let epoch = group(&sim).consumer.as_ref().expect("a consumer group").group_epoch;
    sim.close_client(c);
    let ok = sim.run_while(20_000, |s| owned(s, a).len() == 3);
    assert!(ok, "a takes every partition back\n{}", dump(&sim));
    let g = group(&sim);
    assert!(g.consumer.is_none(), "a classic group again: {g:?}");
    assert_eq!(g.members, 1);
    assert!(g.generation > epoch, "the downgrade rebalances past the group epoch {epoch}: {}", g.generation);
    assert_eq!(g.state, "Stable");
    assert!(findings(&sim).is_empty(), "{:?}", findings(&sim));
}

/// A rolling upgrade, one member at a time, then back: the group is classic, mixed, a consumer
/// group with only consumer-protocol members, mixed again, classic again — and at every step each
/// partition has one owner (the checker's invariant).
#[test]
fn a_rolling_upgrade_and_downgrade_keeps_one_owner_per_partition() {
    let mut sim = three_partitions(43);
    let a = classic(&mut sim, "a");
    let b = classic(&mut sim, "b");
    assert!(sim.run_while(20_000, |s| split_exactly(s, &[a, b])), "{}", dump(&sim));
    sim.close_client(a);
    let a2 = modern(&mut sim, "a2");
    assert!(sim.run_while(30_000, |s| split_exactly(s, &[a2, b]) && !owned(s, a2).is_empty()), "{}", dump(&sim));
    assert!(group(&sim).consumer.is_some(), "mixed");
    sim.close_client(b);
    let b2 = modern(&mut sim, "b2");
    assert!(sim.run_while(30_000, |s| split_exactly(s, &[a2, b2]) && !owned(s, b2).is_empty()), "{}", dump(&sim));
    let g = group(&sim);
    let cg = g.consumer.as_ref().expect("a consumer group");
    assert!(cg.members.values().all(|m| m.classic.is_none()), "every member upgraded: {cg:?}");
    // And back.
    sim.close_client(a2);
    let a3 = classic(&mut sim, "a3");
    assert!(sim.run_while(30_000, |s| split_exactly(s, &[a3, b2]) && !owned(s, a3).is_empty()), "{}", dump(&sim));
    assert!(group(&sim).consumer.is_some(), "still a consumer group while b2 is in it");
    sim.close_client(b2);
    assert!(sim.run_while(30_000, |s| owned(s, a3).len() == 3), "{}", dump(&sim));
    assert!(group(&sim).consumer.is_none(), "classic again");
    assert!(findings(&sim).is_empty(), "{:?}", findings(&sim));
}

/// A share group's id is taken (one `groups` map in `GroupMetadataManager`): a classic JoinGroup
/// is answered INCONSISTENT_GROUP_PROTOCOL (`classicGroupJoin`), a consumer-protocol heartbeat
/// GROUP_ID_NOT_FOUND "Group g is not a consumer group." (`getOrMaybeCreateConsumerGroup`); both
/// are fatal for the consumer.
#[test]
fn a_share_groups_id_is_refused_to_other_group_types() {
    use brokerlab::sim::broker::share_partition::AckType;
    use brokerlab::sim::client::consumer::share::ShareClient;
    let mut sim = three_partitions(44);
    let mut m = props(&[("group.id", "g")]);
    m.insert("client.id".into(), "s".into());
    let s = sim.create_consumer("s", "localhost:9092", ConsumerConfig::parse(&m).expect("valid"));
    sim.with_consumer(s, |c, _, _| {
        c.share = Some(ShareClient { implicit_ack: Some(AckType::Accept), ..Default::default() });
        c.subscribe(vec!["orders".into()]);
    });
    sim.run_for_ms(8_000);
    let a = classic(&mut sim, "a");
    let c = modern(&mut sim, "c");
    sim.run_for_ms(8_000);
    let err = |sim: &mut Sim, id: u32| sim.consumer_mut(id).and_then(|c| c.errors.front().cloned());
    assert_eq!(err(&mut sim, a).map(|e| e.error), Some(KafkaError::INCONSISTENT_GROUP_PROTOCOL));
    let e = err(&mut sim, c).expect("an error");
    assert_eq!(e.error, KafkaError::GROUP_ID_NOT_FOUND);
    assert_eq!(e.message.as_deref(), Some("Group g is not a consumer group."));
    assert!(owned(&mut sim, a).is_empty() && owned(&mut sim, c).is_empty());
}
