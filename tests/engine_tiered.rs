//! Tiered storage (KIP-405) running on the brokers: each leader's `RemoteLogManager` copies
//! rolled segments to the cluster's remote store (`RLMCopyTask`), local segments go only once
//! copied (`UnifiedLog.deleteOldSegments` with `isSegmentEligibleForDeletion`), consumers read
//! old offsets from the remote store (`RemoteLogReader`, `DelayedRemoteFetch`), remote segments
//! expire by `retention.*` (`RLMExpirationTask`), and an unreachable store fails remote reads
//! with UNKNOWN_SERVER_ERROR (`Errors.forException(RemoteStorageException)`).
#![cfg(not(target_arch = "wasm32"))]

mod common;
use brokerlab::console::session::{parse_line, Console};
use brokerlab::sim::client::config::ConsumerConfig;
use brokerlab::sim::remote::REMOTE_READ_LATENCY_MS;
use brokerlab::sim::trace::TraceKind;
use brokerlab::sim::types::TopicPartition;
use brokerlab::sim::world::{ClusterConfig, Sim};
use common::*;

/// A cluster with tiered storage on, its tasks every second (retention still starts
/// `log.initial.task.delay.ms`, 30 s, after a broker starts).
fn tiered_cluster(seed: u64) -> Sim {
    let mut cfg = ClusterConfig::default();
    for (k, v) in [
        ("remote.log.storage.system.enable", "true"),
        ("remote.log.manager.task.interval.ms", "1000"),
        ("log.retention.check.interval.ms", "1000"),
    ] {
        cfg.broker_configs.insert(k.into(), v.into());
    }
    let mut sim = Sim::new(seed, cfg).unwrap();
    sim.boot().unwrap();
    sim
}

/// Small segments (`internal.segment.bytes`, Kafka's test-only override of the 1 MiB minimum)
/// and a local log of at most one segment's worth.
const TIERED: &[(&str, &str)] =
    &[("remote.storage.enable", "true"), ("internal.segment.bytes", "500"), ("local.retention.bytes", "400")];

fn produce(sim: &mut Sim, n: usize) {
    let p = producer(sim, "p", &[("linger.ms", "0")]);
    for i in 0..n {
        send(sim, p, "t", Some(0), "k", &format!("value-{i:04}"));
        wait_idle(sim, p, 5000);
    }
}

fn tp() -> TopicPartition {
    TopicPartition::new("t", 0)
}

fn consumer_from_earliest(sim: &mut Sim, name: &str) -> u32 {
    let c = sim.create_consumer(
        name,
        "localhost:9092",
        ConsumerConfig::parse(&props(&[("group.id", name), ("auto.offset.reset", "earliest")])).unwrap(),
    );
    sim.with_consumer(c, |c, _, _| c.subscribe(vec!["t".into()]));
    c
}

#[test]
fn rolled_segments_are_copied_and_local_ones_go_only_once_copied() {
    let mut sim = tiered_cluster(71);
    create_topic_assigned(&mut sim, "t", vec![vec![1, 2, 3]], TIERED);
    produce(&mut sim, 60);
    sim.run_for_ms(40_000);
    let store = sim.remote_store();
    let segs = store.segments(&tp());
    assert!(segs.len() >= 3, "segments copied: {segs:?}");
    // Contiguous from offset 0, each copied once, by the leader (broker 1).
    assert_eq!(segs[0].base_offset, 0);
    for w in segs.windows(2) {
        assert_eq!(w[1].base_offset, w[0].end_offset + 1, "{segs:?}");
    }
    assert!(segs.iter().all(|s| s.broker == 1), "followers do not copy");
    let highest = store.highest_offset(&tp());
    let leader = sim.leader_log(&tp()).unwrap();
    // The active segment is never copied: the highest copied offset is below the LEO.
    assert!(highest < leader.log_end_offset);
    // Local deletion happened, and only of copied data, on every replica.
    for b in [1, 2, 3] {
        let log = &sim.brokers()[&b].disk.logs[&tp()];
        assert!(log.log_start_offset > 0, "broker {b} deleted local segments");
        assert!(log.log_start_offset <= highest + 1, "broker {b} deleted past the copies");
    }
    assert!(has_event(
        &sim,
        |k| matches!(k, TraceKind::SegmentsDeleted { reason, .. } if reason == "local.retention.bytes")
    ));
    assert!(findings(&sim).is_empty(), "{:?}", findings(&sim));
}

#[test]
fn nothing_local_is_deleted_while_the_remote_store_is_unreachable() {
    let mut sim = tiered_cluster(72);
    sim.set_remote_store_down(true);
    create_topic_assigned(&mut sim, "t", vec![vec![1, 2, 3]], TIERED);
    produce(&mut sim, 60);
    sim.run_for_ms(40_000);
    assert!(sim.remote_store().segments(&tp()).is_empty());
    assert!(has_event(&sim, |k| matches!(k, TraceKind::RemoteCopyFailed { broker: 1, .. })));
    assert!(
        !has_event(&sim, |k| matches!(k, TraceKind::SegmentsDeleted { .. })),
        "local.retention.bytes waits for the copy"
    );
    assert_eq!(sim.leader_log(&tp()).unwrap().log_start_offset, 0);
    // Reachable again: the next run of the copy task catches up, then retention deletes.
    sim.set_remote_store_down(false);
    sim.run_for_ms(5_000);
    assert!(!sim.remote_store().segments(&tp()).is_empty());
    assert!(sim.leader_log(&tp()).unwrap().log_start_offset > 0);
}

#[test]
fn a_consumer_from_the_beginning_reads_old_offsets_from_remote_storage() {
    let mut sim = tiered_cluster(73);
    create_topic_assigned(&mut sim, "t", vec![vec![1, 2, 3]], TIERED);
    produce(&mut sim, 60);
    sim.run_for_ms(40_000);
    let local_start = sim.leader_log(&tp()).unwrap().log_start_offset;
    assert!(local_start > 0);
    let c = consumer_from_earliest(&mut sim, "reader");
    sim.run_while(30_000, |s| s.consumer_mut(c).map(|c| c.delivered_total >= 60).unwrap_or(false));
    let offsets: Vec<i64> = sim.consumer_mut(c).unwrap().delivered.iter().map(|r| r.offset).collect();
    assert_eq!(offsets, (0..60).collect::<Vec<i64>>(), "every offset, in order, remote ones first");
    let (served, failed) = sim.remote_reads(&tp());
    assert!(served >= 1 && failed == 0, "served {served}, failed {failed}");
    assert!(has_event(&sim, |k| matches!(k, TraceKind::RemoteRead { offset: 0, ok: true, broker: 1, .. })));
    assert!(findings(&sim).is_empty(), "{:?}", findings(&sim));
}

/// `DelayedRemoteFetch`: a fetch that reads the remote store is answered when the remote read is
/// done, [`REMOTE_READ_LATENCY_MS`] later. A consumer fetching again at once after each failed
/// remote read therefore reads the store no more often than that.
#[test]
fn a_remote_read_is_answered_after_the_remote_store_latency() {
    let mut sim = tiered_cluster(74);
    create_topic_assigned(&mut sim, "t", vec![vec![1, 2, 3]], TIERED);
    produce(&mut sim, 60);
    sim.run_for_ms(40_000);
    sim.set_remote_store_down(true);
    let _c = consumer_from_earliest(&mut sim, "reader");
    sim.run_for_ms(8_000);
    let reads: Vec<u64> = events(&sim)
        .iter()
        .filter(|e| matches!(&e.kind, TraceKind::RemoteRead { offset: 0, ok: false, .. }))
        .map(|e| e.at.as_ms())
        .collect();
    assert!(reads.len() >= 5, "{reads:?}");
    for w in reads.windows(2) {
        assert!(w[1] - w[0] >= REMOTE_READ_LATENCY_MS as u64, "remote reads at {reads:?}");
    }
}

#[test]
fn an_unreachable_remote_store_fails_remote_reads_and_the_consumer_retries() {
    let mut sim = tiered_cluster(75);
    create_topic_assigned(&mut sim, "t", vec![vec![1, 2, 3]], TIERED);
    produce(&mut sim, 60);
    sim.run_for_ms(40_000);
    sim.set_remote_store_down(true);
    let c = consumer_from_earliest(&mut sim, "reader");
    sim.run_for_ms(5_000);
    assert_eq!(sim.consumer_mut(c).unwrap().delivered_total, 0, "nothing below the local log start can be read");
    let (_, failed) = sim.remote_reads(&tp());
    assert!(failed >= 2, "the consumer fetched again and again: {failed}");
    let warned = sim.consumer_mut(c).unwrap().meta.logs.iter().any(|l| {
        l.level == "WARN" && l.message == "Unknown server error while fetching offset 0 for topic-partition t-0"
    });
    assert!(warned, "FetchCollector's WARN");
    // No reset: the position stays at 0 (UNKNOWN_SERVER_ERROR is not OFFSET_OUT_OF_RANGE).
    assert!(!has_event(&sim, |k| matches!(
        k,
        TraceKind::ClientError { error: brokerlab::sim::errors::KafkaError::OFFSET_OUT_OF_RANGE, .. }
    )));
    sim.set_remote_store_down(false);
    sim.run_while(30_000, |s| s.consumer_mut(c).map(|c| c.delivered_total >= 60).unwrap_or(false));
    let offsets: Vec<i64> = sim.consumer_mut(c).unwrap().delivered.iter().map(|r| r.offset).collect();
    assert_eq!(offsets, (0..60).collect::<Vec<i64>>());
}

#[test]
fn remote_segments_expire_by_retention_and_move_the_log_start() {
    let mut sim = tiered_cluster(76);
    let mut configs = TIERED.to_vec();
    configs.push(("retention.bytes", "1500"));
    create_topic_assigned(&mut sim, "t", vec![vec![1, 2, 3]], &configs);
    produce(&mut sim, 60);
    sim.run_for_ms(40_000);
    assert!(has_event(
        &sim,
        |k| matches!(k, TraceKind::RemoteSegmentsDeleted { reason, .. } if reason == "retention.bytes")
    ));
    let start = sim.remote_store().start_offset(&tp()).expect("some remote segments are kept");
    assert!(start > 0, "the oldest remote segments expired");
    let remote: u64 = sim.remote_store().size_bytes(&tp());
    assert!(remote <= 1500, "{remote}");
    // A consumer from the beginning starts at the new log start.
    let c = consumer_from_earliest(&mut sim, "reader");
    sim.run_while(30_000, |s| s.consumer_mut(c).map(|c| c.delivered_total >= 1).unwrap_or(false));
    assert_eq!(sim.consumer_mut(c).unwrap().delivered.front().map(|r| r.offset), Some(start));
}

#[test]
fn a_new_leader_goes_on_copying_after_the_highest_copied_offset() {
    let mut sim = tiered_cluster(77);
    create_topic_assigned(&mut sim, "t", vec![vec![1, 2, 3]], TIERED);
    produce(&mut sim, 30);
    sim.run_for_ms(5_000);
    let before = sim.remote_store().highest_offset(&tp());
    assert!(before >= 0);
    sim.kill_broker(1).unwrap();
    sim.run_for_ms(15_000);
    let p = producer(&mut sim, "p2", &[("linger.ms", "0")]);
    for i in 0..30 {
        send(&mut sim, p, "t", Some(0), "k", &format!("later-{i:04}"));
        wait_idle(&mut sim, p, 10_000);
    }
    sim.run_for_ms(40_000);
    let segs = sim.remote_store().segments(&tp());
    assert!(sim.remote_store().highest_offset(&tp()) > before);
    for w in segs.windows(2) {
        assert_eq!(w[1].base_offset, w[0].end_offset + 1, "no overlap, no gap: {segs:?}");
    }
    assert!(segs.iter().any(|s| s.broker != 1), "the new leader copied");
    assert!(findings(&sim).is_empty(), "{:?}", findings(&sim));
}

/// A console on a tiered cluster with topic `t` (the `TIERED` configs on one partition, RF 3)
/// that a steady producer filled with 60 records, and time for the copy task and retention.
fn tiered_console(seed: u64) -> Console {
    let mut cfg = ClusterConfig::default();
    for (k, v) in [
        ("remote.log.storage.system.enable", "true"),
        ("remote.log.manager.task.interval.ms", "1000"),
        ("log.retention.check.interval.ms", "1000"),
    ] {
        cfg.broker_configs.insert(k.into(), v.into());
    }
    let mut c = Console::new(seed, cfg).expect("boots");
    for line in [
        "kafka-topics --bootstrap-server localhost:9092 --create --topic t --replica-assignment 1:2:3 --config remote.storage.enable=true --config internal.segment.bytes=500 --config local.retention.bytes=400",
        "producer start p --topic t --rate 20/s --max 60",
        "sleep 40s",
    ] {
        let o = run(&mut c, line);
        assert_eq!(o.exit_code, 0, "{line}: {}", o.stderr());
    }
    c
}

fn run(c: &mut Console, line: &str) -> brokerlab::console::format::Output {
    c.run(&parse_line(line).expect("parses"))
}

#[test]
fn deleting_a_tiered_topic_deletes_its_remote_segments() {
    let mut c = tiered_console(78);
    assert!(!c.sim().remote_store().segments(&tp()).is_empty());
    let o = run(&mut c, "kafka-topics --bootstrap-server localhost:9092 --delete --topic t");
    assert_eq!(o.exit_code, 0, "{}", o.stderr());
    run(&mut c, "sleep 3s");
    assert!(c.sim().remote_store().segments(&tp()).is_empty());
}

#[test]
fn get_offsets_earliest_local_and_latest_tiered() {
    let mut c = tiered_console(79);
    let local = c.sim().leader_log(&tp()).unwrap().log_start_offset;
    let highest = c.sim().remote_store().highest_offset(&tp());
    assert!(local > 0 && highest >= local - 1, "local start {local}, highest copied {highest}");
    let mut ask = |time: &str| {
        run(&mut c, &format!("kafka-get-offsets --bootstrap-server localhost:9092 --topic t --time {time}")).stdout()
    };
    assert_eq!(ask("-2"), "t:0:0\n");
    assert_eq!(ask("earliest"), "t:0:0\n");
    assert_eq!(ask("-4"), format!("t:0:{local}\n"));
    assert_eq!(ask("earliest-local"), format!("t:0:{local}\n"));
    assert_eq!(ask("-5"), format!("t:0:{highest}\n"));
    assert_eq!(ask("-6"), format!("t:0:{}\n", highest + 1));
    assert_eq!(ask("-1"), "t:0:60\n");
}

#[test]
fn the_remote_storage_command_shows_and_switches_the_store() {
    let mut c = tiered_console(80);
    let shown = run(&mut c, "remote-storage show").stdout();
    assert!(shown.starts_with("remote storage: reachable\nt-0: "), "{shown}");
    assert!(shown.contains("00000000000000000000.log  offsets 0-"), "{shown}");
    assert_eq!(run(&mut c, "remote-storage down").exit_code, 0);
    assert!(c.sim().remote_store().down);
    assert!(run(&mut c, "remote-storage show").stdout().starts_with("remote storage: UNREACHABLE"));
    assert_eq!(run(&mut c, "remote-storage up").exit_code, 0);
    assert!(!c.sim().remote_store().down);
    let bad = run(&mut c, "remote-storage sideways");
    assert_eq!(bad.exit_code, 1);
    assert!(bad.stderr().contains("unknown subcommand 'sideways'"), "{}", bad.stderr());
    // Without tiered storage in the cluster the command says so.
    let mut plain = Console::new(81, ClusterConfig::default()).expect("boots");
    let o = run(&mut plain, "remote-storage down");
    assert_eq!(o.exit_code, 0);
    assert!(
        o.stdout().contains("tiered storage is off in this cluster (remote.log.storage.system.enable=false)"),
        "{}",
        o.stdout()
    );
}

#[test]
fn tiered_topic_configs_are_validated_as_log_config_does() {
    let mut c = tiered_console(82);
    let create = |c: &mut Console, configs: &str| {
        run(c, &format!("kafka-topics --bootstrap-server localhost:9092 --create --topic x --replica-assignment 1:2:3 {configs}"))
    };
    let o = create(&mut c, "--config remote.storage.enable=true --config cleanup.policy=compact");
    assert!(
        o.stderr().contains(
            "Remote log storage only supports topics with cleanup.policy=delete or cleanup.policy being an empty list."
        ),
        "{}",
        o.stderr()
    );
    let o = create(
        &mut c,
        "--config remote.storage.enable=true --config retention.ms=60000 --config local.retention.ms=120000",
    );
    assert!(
        o.stderr().contains("Invalid value 120000 for configuration local.retention.ms: Value must not be more than retention.ms property value: 60000"),
        "{}",
        o.stderr()
    );
    let o = create(
        &mut c,
        "--config remote.storage.enable=true --config retention.bytes=100000 --config local.retention.bytes=-1",
    );
    assert!(
        o.stderr().contains("Invalid value -1 for configuration local.retention.bytes: Value must not be -1 as retention.bytes value is set as 100000."),
        "{}",
        o.stderr()
    );
    let o = run(
        &mut c,
        "kafka-configs --bootstrap-server localhost:9092 --entity-type topics --entity-name t --alter --add-config remote.storage.enable=false",
    );
    assert!(
        o.stderr().contains("It is invalid to disable remote storage without deleting remote data."),
        "{}",
        o.stderr()
    );
    // Off by default: refused on a cluster without remote.log.storage.system.enable.
    let mut plain = Console::new(83, ClusterConfig::default()).expect("boots");
    let o = create(&mut plain, "--config remote.storage.enable=true");
    assert!(
        o.stderr().contains("Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage."),
        "{}",
        o.stderr()
    );
}
