//! Engine II: consumers and consumer groups (`ConsumerPartitionAssignor` and `KafkaConsumer`).
#![cfg(not(target_arch = "wasm32"))]

mod common;
use brokerlab::sim::client::config::ConsumerConfig;
use brokerlab::sim::types::TopicPartition;
use brokerlab::sim::world::Sim;
use common::*;

pub fn consumer(sim: &mut Sim, name: &str, pairs: &[(&str, &str)]) -> u32 {
    let cfg = ConsumerConfig::parse(&props(pairs)).expect("valid consumer config");
    sim.create_consumer(name, "localhost:9092", cfg)
}

fn produce_n(sim: &mut Sim, topic: &str, n: u32) {
    let p = producer(sim, "feeder", &[]);
    for i in 0..n {
        send(sim, p, topic, None, &format!("k{i}"), &format!("v{i}"));
    }
    let r = results(&wait_idle(sim, p, 20_000));
    assert!(r.iter().all(|x| x.is_ok()), "{r:?}");
    sim.close_client(p);
}

fn delivered(sim: &mut Sim, c: u32) -> usize {
    sim.consumer_mut(c).map(|c| c.delivered_total as usize).unwrap_or(0)
}

fn assignment(sim: &mut Sim, c: u32) -> Vec<TopicPartition> {
    sim.consumer_mut(c).map(|c| c.assignment.keys().cloned().collect()).unwrap_or_default()
}

#[test]
fn a_group_consumer_reads_everything_from_the_beginning() {
    let mut sim = cluster(21, 3);
    create_topic_assigned(&mut sim, "orders", vec![vec![1, 2, 3], vec![2, 3, 1], vec![3, 1, 2]], &[]);
    produce_n(&mut sim, "orders", 30);
    let c = consumer(&mut sim, "c1", &[("group.id", "g"), ("auto.offset.reset", "earliest")]);
    sim.with_consumer(c, |c, _, _| c.subscribe(vec!["orders".into()]));
    let ok = sim.run_while(30_000, |s| delivered(s, c) >= 30);
    assert!(ok, "read {} of 30\n{}", delivered(&mut sim, c), dump(&sim));
    assert_eq!(assignment(&mut sim, c).len(), 3);
    assert!(findings(&sim).is_empty(), "{:?}", findings(&sim));
}

fn members_of(sim: &mut Sim, ids: &[u32]) -> Vec<Vec<i32>> {
    ids.iter().map(|c| assignment(sim, *c).iter().map(|tp| tp.partition).collect()).collect()
}

fn three_partitions(seed: u64) -> Sim {
    let mut sim = cluster(seed, 3);
    create_topic_assigned(&mut sim, "orders", vec![vec![1, 2, 3], vec![2, 3, 1], vec![3, 1, 2]], &[]);
    sim
}

/// RangeAssignor, and `GroupCoordinator` session.timeout.ms: join, leave, crash.
#[test]
fn rebalances_on_join_leave_and_crash() {
    let mut sim = three_partitions(22);
    let a = consumer(&mut sim, "a", &[("group.id", "g")]);
    sim.with_consumer(a, |c, _, _| c.subscribe(vec!["orders".into()]));
    sim.run_for_ms(8000);
    assert_eq!(members_of(&mut sim, &[a]), vec![vec![0, 1, 2]]);
    let b = consumer(&mut sim, "b", &[("group.id", "g")]);
    sim.with_consumer(b, |c, _, _| c.subscribe(vec!["orders".into()]));
    sim.run_for_ms(8000);
    let both = members_of(&mut sim, &[a, b]);
    let mut sizes: Vec<usize> = both.iter().map(|v| v.len()).collect();
    sizes.sort();
    assert_eq!(sizes, vec![1, 2], "range gives 2 and 1: {both:?}\n{}", dump(&sim));
    // b leaves cleanly: a gets everything back quickly.
    sim.close_client(b);
    sim.run_for_ms(5000);
    assert_eq!(members_of(&mut sim, &[a]), vec![vec![0, 1, 2]], "{}", dump(&sim));
    // A new member c, then c crashes: only after session.timeout.ms (45 s) does a get them back.
    let c = consumer(&mut sim, "c", &[("group.id", "g")]);
    sim.with_consumer(c, |c, _, _| c.subscribe(vec!["orders".into()]));
    sim.run_for_ms(8000);
    assert_eq!(members_of(&mut sim, &[a]).concat().len(), 2, "{}", dump(&sim));
    sim.crash_client(c).unwrap();
    sim.run_for_ms(30_000);
    assert_eq!(members_of(&mut sim, &[a]).concat().len(), 2, "still waiting for the session to expire");
    sim.run_for_ms(25_000);
    assert_eq!(members_of(&mut sim, &[a]), vec![vec![0, 1, 2]], "{}", dump(&sim));
    assert!(has_event(
        &sim,
        |k| matches!(k, brokerlab::sim::trace::TraceKind::MemberRemoved { reason, .. } if reason.contains("session.timeout.ms"))
    ));
}

/// More consumers than partitions: the extra ones are idle.
#[test]
fn extra_consumers_are_idle() {
    let mut sim = three_partitions(23);
    let ids: Vec<u32> = (0..4).map(|i| consumer(&mut sim, &format!("c{i}"), &[("group.id", "g")])).collect();
    for id in &ids {
        sim.with_consumer(*id, |c, _, _| c.subscribe(vec!["orders".into()]));
    }
    sim.run_for_ms(15_000);
    let sizes: Vec<usize> = members_of(&mut sim, &ids).iter().map(|v| v.len()).collect();
    assert_eq!(sizes.iter().sum::<usize>(), 3);
    assert_eq!(sizes.iter().filter(|s| **s == 0).count(), 1, "{sizes:?}");
}

/// `GroupCoordinator` max.poll.interval.ms: an application stuck in processing is removed; the rest take over.
#[test]
fn exceeding_max_poll_interval_triggers_a_rebalance() {
    let mut sim = three_partitions(24);
    let a = consumer(&mut sim, "a", &[("group.id", "g"), ("max.poll.interval.ms", "10000")]);
    let b = consumer(&mut sim, "b", &[("group.id", "g"), ("max.poll.interval.ms", "10000")]);
    for id in [a, b] {
        sim.with_consumer(id, |c, _, _| c.subscribe(vec!["orders".into()]));
    }
    sim.run_for_ms(10_000);
    sim.pause_client(a, true).unwrap();
    sim.run_for_ms(20_000);
    assert_eq!(members_of(&mut sim, &[b]), vec![vec![0, 1, 2]], "{}", dump(&sim));
    assert!(has_event(
        &sim,
        |k| matches!(k, brokerlab::sim::trace::TraceKind::ClientError { detail, .. } if detail.contains("max.poll.interval.ms"))
    ));
    // Unstuck, it joins again.
    sim.pause_client(a, false).unwrap();
    sim.run_for_ms(10_000);
    assert_eq!(members_of(&mut sim, &[a, b]).concat().len(), 3);
    assert!(!assignment(&mut sim, a).is_empty(), "{}", dump(&sim));
}

/// KIP-345 static membership: a member that restarts within session.timeout.ms keeps its
/// partitions without a rebalance.
#[test]
fn a_static_member_bounce_does_not_rebalance() {
    let mut sim = three_partitions(25);
    let a = consumer(&mut sim, "a", &[("group.id", "g"), ("group.instance.id", "instance-a")]);
    let b = consumer(&mut sim, "b", &[("group.id", "g"), ("group.instance.id", "instance-b")]);
    for id in [a, b] {
        sim.with_consumer(id, |c, _, _| c.subscribe(vec!["orders".into()]));
    }
    sim.run_for_ms(10_000);
    let before = members_of(&mut sim, &[a]);
    let generation = |s: &Sim| {
        s.brokers()
            .values()
            .filter_map(|b| b.proc.as_ref())
            .find_map(|p| p.coordinator.groups.get("g").filter(|g| !g.members.is_empty()).map(|g| g.generation))
    };
    let gen_before = generation(&sim);
    sim.crash_client(a).unwrap();
    sim.run_for_ms(5000);
    let a2 = consumer(&mut sim, "a", &[("group.id", "g"), ("group.instance.id", "instance-a")]);
    sim.with_consumer(a2, |c, _, _| c.subscribe(vec!["orders".into()]));
    sim.run_for_ms(5000);
    assert_eq!(members_of(&mut sim, &[a2]), before, "{}", dump(&sim));
    assert_eq!(generation(&sim), gen_before, "no rebalance: same generation");
}

/// `KafkaConsumer` and `SubscriptionState`: crash after processing but before committing → the next owner reads again
/// (at-least-once); committing before processing → records lost (at-most-once).
#[test]
fn commit_strategies_give_at_least_once_or_at_most_once() {
    use brokerlab::sim::client::consumer::CommitMode;
    for (mode, expect_redelivery) in [(CommitMode::AfterProcessing, true), (CommitMode::BeforeProcessing, false)] {
        let mut sim = cluster(26, 3);
        create_topic_assigned(&mut sim, "orders", vec![vec![1, 2, 3]], &[]);
        produce_n(&mut sim, "orders", 10);
        let a = consumer(
            &mut sim,
            "a",
            &[
                ("group.id", "g"),
                ("enable.auto.commit", "false"),
                ("auto.offset.reset", "earliest"),
                ("max.poll.records", "10"),
            ],
        );
        sim.with_consumer(a, |c, _, _| {
            c.app.commit = mode;
            c.app.processing_ms_per_record = 1000;
            c.subscribe(vec!["orders".into()]);
        });
        // It polls all 10 and starts processing (10 s); it crashes after 5 s.
        sim.run_while(20_000, |s| s.consumer_mut(a).map(|c| c.delivered_total >= 10).unwrap_or(false));
        sim.run_for_ms(5000);
        let processed = sim.consumer_mut(a).unwrap().app.processed;
        assert_eq!(processed, 0, "still processing");
        sim.crash_client(a).unwrap();
        let b = consumer(&mut sim, "b", &[("group.id", "g"), ("auto.offset.reset", "earliest")]);
        sim.with_consumer(b, |c, _, _| c.subscribe(vec!["orders".into()]));
        sim.run_for_ms(70_000);
        let again = delivered(&mut sim, b);
        if expect_redelivery {
            assert_eq!(again, 10, "at-least-once: the next owner reads them again\n{}", dump(&sim));
        } else {
            assert_eq!(again, 0, "at-most-once: committed before processing, never processed");
        }
    }
}

/// `SubscriptionState`: auto.offset.reset=latest starts at the end: earlier records are never seen.
#[test]
fn auto_offset_reset_latest_misses_earlier_records() {
    let mut sim = three_partitions(27);
    produce_n(&mut sim, "orders", 20);
    let c = consumer(&mut sim, "late", &[("group.id", "fresh-group")]);
    sim.with_consumer(c, |c, _, _| c.subscribe(vec!["orders".into()]));
    sim.run_for_ms(15_000);
    assert_eq!(delivered(&mut sim, c), 0);
    produce_n(&mut sim, "orders", 5);
    sim.run_for_ms(5000);
    assert_eq!(delivered(&mut sim, c), 5);
}

/// `StickyAssignor` cooperative-sticky: a new member gets partitions in a follow-up rebalance; the old
/// member keeps the others throughout.
#[test]
fn cooperative_rebalancing_keeps_unmoved_partitions() {
    let mut sim = cluster(28, 3);
    create_topic_assigned(&mut sim, "orders", (0..4).map(|i| vec![1 + i % 3, 1 + (i + 1) % 3]).collect(), &[]);
    let opts = [("group.id", "g"), ("partition.assignment.strategy", "cooperative-sticky")];
    let a = consumer(&mut sim, "a", &opts);
    sim.with_consumer(a, |c, _, _| c.subscribe(vec!["orders".into()]));
    sim.run_for_ms(8000);
    assert_eq!(assignment(&mut sim, a).len(), 4);
    let b = consumer(&mut sim, "b", &opts);
    sim.with_consumer(b, |c, _, _| c.subscribe(vec!["orders".into()]));
    sim.run_for_ms(10_000);
    let sizes: Vec<usize> = members_of(&mut sim, &[a, b]).iter().map(|v| v.len()).collect();
    assert_eq!(sizes, vec![2, 2], "{}", dump(&sim));
    let rebalances = sim.consumer_mut(a).unwrap().group.as_ref().unwrap().rebalances;
    assert!(rebalances >= 2, "a follow-up rebalance happened: {rebalances}");
}

/// The eager StickyAssignor remembers each member's last assignment in its subscription user
/// data (StickyAssignor.onAssignment / subscriptionUserData), because an eager member revokes
/// everything before it rejoins: when a member joins or leaves, the others keep what they had.
#[test]
fn the_eager_sticky_assignor_keeps_what_members_owned() {
    let mut sim = cluster(29, 3);
    create_topic_assigned(&mut sim, "orders", (0..6).map(|i| vec![1 + i % 3, 1 + (i + 1) % 3]).collect(), &[]);
    let opts =
        [("group.id", "g"), ("partition.assignment.strategy", "org.apache.kafka.clients.consumer.StickyAssignor")];
    let a = consumer(&mut sim, "a", &opts);
    let b = consumer(&mut sim, "b", &opts);
    for id in [a, b] {
        sim.with_consumer(id, |c, _, _| c.subscribe(vec!["orders".into()]));
    }
    sim.run_for_ms(10_000);
    let before = members_of(&mut sim, &[a, b]);
    assert_eq!(before.iter().map(|v| v.len()).collect::<Vec<_>>(), vec![3, 3], "{}", dump(&sim));
    let c = consumer(&mut sim, "c", &opts);
    sim.with_consumer(c, |c, _, _| c.subscribe(vec!["orders".into()]));
    sim.run_for_ms(10_000);
    let after = members_of(&mut sim, &[a, b, c]);
    assert_eq!(after.iter().map(|v| v.len()).collect::<Vec<_>>(), vec![2, 2, 2], "{}", dump(&sim));
    for (old, new) in before.iter().zip(&after) {
        assert!(new.iter().all(|p| old.contains(p)), "a member kept only partitions it had: {before:?} → {after:?}");
    }
    // a leaves: b and c keep theirs and share a's.
    sim.close_client(a);
    sim.run_for_ms(10_000);
    let last = members_of(&mut sim, &[b, c]);
    assert_eq!(last.iter().map(|v| v.len()).collect::<Vec<_>>(), vec![3, 3], "{}", dump(&sim));
    for (old, new) in after[1..].iter().zip(&last) {
        assert!(old.iter().all(|p| new.contains(p)), "b and c kept theirs: {after:?} → {last:?}");
    }
}

/// `String.hashCode`: the coordinator is the leader of a __consumer_offsets partition; when that broker
/// dies another one loads the group from the log and the consumer continues from its
/// committed offsets.
#[test]
fn the_group_survives_its_coordinator() {
    let mut sim = three_partitions(29);
    produce_n(&mut sim, "orders", 15);
    let c = consumer(
        &mut sim,
        "c",
        &[("group.id", "g"), ("auto.offset.reset", "earliest"), ("auto.commit.interval.ms", "1000")],
    );
    sim.with_consumer(c, |c, _, _| c.subscribe(vec!["orders".into()]));
    sim.run_while(30_000, |s| delivered(s, c) >= 15);
    sim.run_for_ms(3000);
    let coordinator = sim.consumer_mut(c).unwrap().group.as_ref().unwrap().coordinator.unwrap();
    sim.kill_broker(coordinator).unwrap();
    sim.run_for_ms(20_000);
    let new_coord = sim.consumer_mut(c).unwrap().group.as_ref().unwrap().coordinator;
    assert!(new_coord.is_some() && new_coord != Some(coordinator), "{new_coord:?}\n{}", dump(&sim));
    produce_n(&mut sim, "orders", 5);
    sim.run_for_ms(10_000);
    assert_eq!(delivered(&mut sim, c), 20, "no record read twice or missed\n{}", dump(&sim));
    let committed: i64 = sim
        .brokers()
        .values()
        .filter_map(|b| b.proc.as_ref())
        .flat_map(|p| p.coordinator.groups.get("g"))
        .flat_map(|g| g.offsets.values().map(|o| o.offset))
        .sum();
    assert_eq!(committed, 20, "committed offsets add up to every record");
    assert!(findings(&sim).is_empty(), "{:?}", findings(&sim));
}

/// `KafkaConsumer`: a pattern subscription (`subscribe(Pattern)`) made right after the consumer is
/// created, while its first Metadata request (for no topics) is in flight, still gets the
/// full topic list and joins. Before the fix the response cleared the pending update and the
/// consumer waited for metadata.max.age.ms (5 min).
#[test]
fn a_pattern_subscription_right_after_creation_joins_at_once() {
    let mut sim = three_partitions(23);
    produce_n(&mut sim, "orders", 6);
    let c = consumer(&mut sim, "c", &[("group.id", "g"), ("auto.offset.reset", "earliest")]);
    sim.with_consumer(c, |c, _, _| c.subscribe_pattern("ord.*".into()));
    let ok = sim.run_while(15_000, |s| delivered(s, c) >= 6);
    assert!(ok, "read {} of 6\n{}", delivered(&mut sim, c), dump(&sim));
    assert_eq!(assignment(&mut sim, c).len(), 3);
}

/// The KIP-848 consumer group `g` as its coordinator holds it.
fn consumer_group(sim: &Sim) -> Option<brokerlab::sim::broker::consumer_group_state::ConsumerGroupState> {
    sim.brokers().values().filter_map(|b| b.proc.as_ref()).find_map(|p| {
        p.coordinator.groups.get("g").and_then(|g| g.consumer.clone()).filter(|cg| !cg.members.is_empty())
    })
}

fn static_848(sim: &mut Sim, name: &str, instance: &str) -> u32 {
    let c = consumer(sim, name, &[("group.id", "g"), ("group.protocol", "consumer"), ("group.instance.id", instance)]);
    sim.with_consumer(c, |c, _, _| c.subscribe(vec!["orders".into()]));
    c
}

/// KIP-848 static membership (`GroupMetadataManager.consumerGroupLeave` with member epoch -2,
/// `consumerGroupStaticMemberGroupLeave`, then `getOrMaybeSubscribeStaticConsumerGroupMember` and
/// `replaceMember`): a static member that closes stays in the group with epoch -2 and keeps its
/// partitions; a new member with the same `group.instance.id` takes its place and its partitions
/// at once, and the group epoch does not move, so the other member is not disturbed.
#[test]
fn a_static_consumer_protocol_member_comes_back_to_its_partitions_without_a_rebalance() {
    let mut sim = three_partitions(31);
    let a = static_848(&mut sim, "a", "instance-a");
    let b = static_848(&mut sim, "b", "instance-b");
    sim.run_for_ms(15_000);
    let before = members_of(&mut sim, &[a, b]);
    assert_eq!(before.concat().len(), 3, "{}", dump(&sim));
    assert!(!before[0].is_empty() && !before[1].is_empty(), "{before:?}");
    let epoch = consumer_group(&sim).expect("group").group_epoch;
    sim.close_client(a);
    sim.run_for_ms(5_000);
    let cg = consumer_group(&sim).expect("group");
    let left = cg.members.values().find(|m| m.instance_id.as_deref() == Some("instance-a")).expect("still a member");
    assert_eq!(left.member_epoch, -2, "left for now with epoch -2");
    assert_eq!(left.assigned.keys().map(|tp| tp.partition).collect::<Vec<_>>(), before[0], "keeps its partitions");
    assert!(left.assigned.values().all(|e| *e == 0), "their epochs reset to 0: {:?}", left.assigned);
    assert_eq!(cg.group_epoch, epoch, "leaving with -2 does not bump the group epoch");
    assert_eq!(cg.state_name(), "Reconciling", "a member at -2 is not reconciled to the assignment epoch");
    assert_eq!(members_of(&mut sim, &[b]), vec![before[1].clone()], "b did not get a's partitions");
    let a2 = static_848(&mut sim, "a2", "instance-a");
    sim.run_for_ms(5_000);
    assert_eq!(members_of(&mut sim, &[a2, b]), before, "{}", dump(&sim));
    let cg = consumer_group(&sim).expect("group");
    assert_eq!(cg.members.len(), 2, "the new member replaced the old one: {:?}", cg.members.keys());
    assert_eq!(cg.group_epoch, epoch, "no rebalance: same group epoch");
    assert_eq!(cg.state_name(), "Stable");
    assert!(findings(&sim).is_empty(), "{:?}", findings(&sim));
}

/// `consumerGroupStaticMemberGroupLeave` does not cancel the session timeout: a static member
/// that does not come back within `group.consumer.session.timeout.ms` (45 s) is fenced and its
/// partitions go to the others (`consumerGroupFenceMember`, group epoch + 1).
#[test]
fn a_static_consumer_protocol_member_that_stays_away_is_fenced_after_the_session_timeout() {
    let mut sim = three_partitions(32);
    let a = static_848(&mut sim, "a", "instance-a");
    let b = static_848(&mut sim, "b", "instance-b");
    sim.run_for_ms(15_000);
    let epoch = consumer_group(&sim).expect("group").group_epoch;
    sim.close_client(a);
    sim.run_for_ms(30_000);
    assert_eq!(consumer_group(&sim).expect("group").members.len(), 2, "still waiting for it at 30 s");
    sim.run_for_ms(25_000);
    let cg = consumer_group(&sim).expect("group");
    assert_eq!(cg.members.len(), 1, "fenced after the session timeout: {:?}", cg.members.keys());
    assert!(cg.group_epoch > epoch);
    assert_eq!(members_of(&mut sim, &[b]), vec![vec![0, 1, 2]], "{}", dump(&sim));
}

/// `throwIfInstanceIdIsUnreleased`: a second member with the instance id of a live member is
/// refused with UNRELEASED_INSTANCE_ID, a fatal error for it
/// (`ConsumerHeartbeatRequestManager.handleSpecificExceptionInResponse`); the live one keeps its
/// partitions.
#[test]
fn a_second_member_with_a_live_instance_id_is_refused() {
    let mut sim = three_partitions(33);
    let a = static_848(&mut sim, "a", "instance-a");
    sim.run_for_ms(10_000);
    let a2 = static_848(&mut sim, "a2", "instance-a");
    sim.run_for_ms(5_000);
    let err = sim.consumer_mut(a2).and_then(|c| c.errors.front().cloned()).expect("an error");
    assert_eq!(err.error, brokerlab::sim::errors::KafkaError::UNRELEASED_INSTANCE_ID, "{err:?}");
    assert!(
        err.message.as_deref().unwrap_or("").contains("cannot join the group because the instance id is owned by"),
        "{err:?}"
    );
    assert!(assignment(&mut sim, a2).is_empty());
    assert_eq!(members_of(&mut sim, &[a]), vec![vec![0, 1, 2]]);
    assert_eq!(consumer_group(&sim).expect("group").members.len(), 1);
}
