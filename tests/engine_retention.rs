//! Engine II: retention and compaction running on the brokers (Kafka's `LogManager` retention
//! and `LogCleaner` tasks), and a consumer that falls off the log (`auto.offset.reset`).
#![cfg(not(target_arch = "wasm32"))]

mod common;
use brokerlab::sim::client::config::ConsumerConfig;
use brokerlab::sim::trace::TraceKind;
use brokerlab::sim::types::{NodeAddr, TopicPartition};
use brokerlab::sim::world::{ClusterConfig, Sim};
use common::*;

/// Small segments come from `internal.segment.bytes`, the test-only override Kafka 4.4 keeps
/// since `segment.bytes` may not go below 1 MiB (`LogConfig.segmentSize()`).
fn fast_housekeeping(seed: u64) -> Sim {
    let mut cfg = ClusterConfig::default();
    cfg.broker_configs.insert("log.retention.check.interval.ms".into(), "2000".into());
    cfg.broker_configs.insert("log.cleaner.backoff.ms".into(), "2000".into());
    let mut sim = Sim::new(seed, cfg).unwrap();
    sim.boot().unwrap();
    sim
}

#[test]
fn a_consumer_that_falls_off_the_log_resets() {
    let mut sim = fast_housekeeping(41);
    create_topic_assigned(
        &mut sim,
        "t",
        vec![vec![1, 2, 3]],
        &[("internal.segment.bytes", "500"), ("retention.bytes", "1500")],
    );
    let c = sim.create_consumer(
        "slow",
        "localhost:9092",
        ConsumerConfig::parse(&props(&[("group.id", "g"), ("auto.offset.reset", "earliest")])).unwrap(),
    );
    sim.with_consumer(c, |c, _, _| c.subscribe(vec!["t".into()]));
    let p = producer(&mut sim, "p", &[("linger.ms", "0")]);
    send(&mut sim, p, "t", Some(0), "k", "first");
    wait_idle(&mut sim, p, 5000);
    sim.run_while(20_000, |s| s.consumer_mut(c).map(|c| c.delivered_total >= 1).unwrap_or(false));
    sim.pause_client(c, true).unwrap();
    for i in 0..60 {
        send(&mut sim, p, "t", Some(0), "k", &format!("value-{i:04}"));
        wait_idle(&mut sim, p, 5000);
    }
    // The first retention check comes log.initial.task.delay.ms (30 s) after a broker starts
    // (LogManager.startup), then every log.retention.check.interval.ms.
    sim.run_for_ms(35_000);
    let log = sim.leader_log(&TopicPartition::new("t", 0)).unwrap();
    assert!(log.log_start_offset > 1, "retention moved the log start: {}", log.log_start_offset);
    assert!(has_event(&sim, |k| matches!(k, TraceKind::SegmentsDeleted { reason, .. } if reason == "retention.bytes")));
    sim.pause_client(c, false).unwrap();
    sim.run_for_ms(5000);
    assert!(
        has_event(&sim, |k| matches!(
            k,
            TraceKind::ClientError { error: brokerlab::sim::errors::KafkaError::OFFSET_OUT_OF_RANGE, .. }
        )),
        "{}",
        dump(&sim)
    );
    assert!(has_event(&sim, |k| matches!(k, TraceKind::OffsetReset { reason, .. } if reason.contains("earliest"))));
    // Delivery resumes with what the client had prefetched, then jumps to the log start the
    // reset found: the records in between were deleted by retention, not skipped.
    let offsets: Vec<i64> = sim.consumer_mut(c).unwrap().delivered.iter().map(|r| r.offset).collect();
    let jump = offsets.windows(2).find(|w| w[1] > w[0] + 1).map(|w| (w[0], w[1]));
    let (before, after) = jump.expect("a jump over deleted records");
    assert!(before < after && after > 1, "{offsets:?}");
    assert!(
        !findings(&sim).iter().any(|f| matches!(f, brokerlab::sim::trace::Finding::SkippedOffset { .. })),
        "{:?}",
        findings(&sim)
    );
}

#[test]
fn the_cleaner_compacts_to_the_latest_value_per_key() {
    let mut sim = fast_housekeeping(42);
    create_topic_assigned(
        &mut sim,
        "c",
        vec![vec![1, 2, 3]],
        &[
            ("cleanup.policy", "compact"),
            ("segment.ms", "1000"),
            ("min.cleanable.dirty.ratio", "0.01"),
            ("delete.retention.ms", "5000"),
        ],
    );
    let p = producer(&mut sim, "p", &[("linger.ms", "0")]);
    for round in 0..5 {
        for key in ["alice", "bob", "carol"] {
            send(&mut sim, p, "c", Some(0), key, &format!("{key}-{round}"));
        }
        wait_idle(&mut sim, p, 5000);
        sim.run_for_ms(1200);
    }
    sim.run_for_ms(10_000);
    let log = sim.leader_log(&TopicPartition::new("c", 0)).unwrap();
    let kept: Vec<String> = log
        .batches()
        .flat_map(|b| {
            b.records
                .iter()
                .map(|r| String::from_utf8_lossy(r.value.as_deref().unwrap_or(b"")).into_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(has_event(&sim, |k| matches!(k, TraceKind::LogCleaned { .. })), "{}", dump(&sim));
    for key in ["alice", "bob", "carol"] {
        assert!(kept.contains(&format!("{key}-4")), "{kept:?}");
        assert!(!kept.contains(&format!("{key}-0")), "old values compacted away: {kept:?}");
    }
    assert_eq!(log.log_end_offset, 15, "offsets never change");
}

fn earliest_reader(sim: &mut Sim, group: &str, topic: &str) -> u32 {
    let cfg = ConsumerConfig::parse(&props(&[("group.id", group), ("auto.offset.reset", "earliest")])).unwrap();
    let c = sim.create_consumer(group, "localhost:9092", cfg);
    sim.with_consumer(c, |c, _, _| c.subscribe(vec![topic.into()]));
    c
}

/// The history checker names a record by its producer batch and its offset delta, which
/// compaction keeps (`MemoryRecords.filterTo` rebuilds a v2 batch at its original base offset,
/// each record at its own offset): a record read before and after the cleaner removed an older
/// record of the same batch is one record, not a duplicate. (The checker used to take the
/// position among the records left, and reported the second read as a duplicate: the segment
/// sweep's findings with compaction.)
#[test]
fn a_record_read_before_and_after_compaction_is_one_record() {
    let mut sim = fast_housekeeping(43);
    create_topic_assigned(
        &mut sim,
        "c",
        vec![vec![1, 2, 3]],
        &[("cleanup.policy", "compact"), ("segment.ms", "1000"), ("min.cleanable.dirty.ratio", "0.01")],
    );
    let p = producer(&mut sim, "p", &[("linger.ms", "100")]);
    for (k, v) in [("a", "a-0"), ("b", "b-0"), ("a", "a-1")] {
        send(&mut sim, p, "c", Some(0), k, v);
    }
    wait_idle(&mut sim, p, 5000);
    let before = earliest_reader(&mut sim, "before", "c");
    sim.run_while(20_000, |s| s.consumer_mut(before).map(|c| c.delivered_total >= 3).unwrap_or(false));
    // Two later records roll the segment twice (segment.ms): the first batch becomes cleanable.
    for v in ["z-0", "z-1"] {
        sim.run_for_ms(1200);
        send(&mut sim, p, "c", Some(0), "z", v);
        wait_idle(&mut sim, p, 5000);
    }
    sim.run_for_ms(6000);
    let log = sim.leader_log(&TopicPartition::new("c", 0)).unwrap();
    let first = log.batches().next().unwrap();
    assert_eq!(
        (first.base_offset, first.records.len()),
        (0, 2),
        "a-0 compacted out of the first batch: {}",
        dump(&sim)
    );
    let after = earliest_reader(&mut sim, "after", "c");
    sim.run_while(20_000, |s| s.consumer_mut(after).map(|c| c.delivered_total >= 3).unwrap_or(false));
    let ids = |sim: &mut Sim, c: u32| -> Vec<(i64, u64, u32)> {
        let d = &sim.consumer_mut(c).unwrap().delivered;
        d.iter().filter(|r| r.offset <= 2).map(|r| (r.offset, r.origin, r.index)).collect()
    };
    let (seen_before, seen_after) = (ids(&mut sim, before), ids(&mut sim, after));
    assert_eq!(seen_before.len(), 3, "{seen_before:?}");
    assert_eq!(&seen_before[1..], &seen_after[..], "same records, same identities");
    assert!(findings(&sim).is_empty(), "{:?}", findings(&sim));
}

/// The cleaner keeps the newest batch of each producer, emptied, when compaction removes all
/// its records (`Cleaner.cleanInto`: `BatchRetention.RETAIN_EMPTY` for
/// `isBatchLastRecordOfProducer`), so that producer state rebuilt from the log after a restart
/// still holds the producer's last sequence (`ProducerStateManager`, `ProducerAppendInfo`) and
/// a retry of that batch is answered as a duplicate (`UnifiedLog.analyzeAndValidateProducerState`)
/// instead of being appended again. Here producer `a`'s newest batch is superseded by `b`, the
/// cleaner empties it, the broker loses power (its unflushed tail is truncated, which rebuilds
/// producer state from the log), and `a` retries the batch (its first response was lost):
/// before, the retry was appended a second time, bringing the old value of the key back.
#[test]
fn a_retry_after_compaction_and_restart_is_still_a_duplicate() {
    let mut cfg = ClusterConfig { brokers: 1, power_loss: true, ..ClusterConfig::default() };
    cfg.broker_configs.insert("log.cleaner.backoff.ms".into(), "1000".into());
    let mut sim = Sim::new(44, cfg).unwrap();
    sim.boot().unwrap();
    create_topic_assigned(
        &mut sim,
        "c",
        vec![vec![1]],
        &[
            ("cleanup.policy", "compact"),
            ("segment.ms", "1000"),
            ("min.cleanable.dirty.ratio", "0.01"),
            ("flush.messages", "4"),
        ],
    );
    let a = producer(&mut sim, "a", &[("linger.ms", "0"), ("request.timeout.ms", "60000")]);
    let b = producer(&mut sim, "b", &[("linger.ms", "0")]);
    // b's metadata and producer id first, so that a's response is the only thing cut.
    send(&mut sim, b, "c", Some(0), "x", "x");
    wait_idle(&mut sim, b, 5000);
    send(&mut sim, a, "c", Some(0), "warm-up", "w");
    wait_idle(&mut sim, a, 5000);
    sim.net_mut().rule_mut(NodeAddr::Broker(1), NodeAddr::Client(a)).cut = true;
    send(&mut sim, a, "c", Some(0), "k", "old");
    sim.run_for_ms(1200);
    for v in ["new", "later"] {
        send(&mut sim, b, "c", Some(0), if v == "new" { "k" } else { "z" }, v);
        wait_idle(&mut sim, b, 5000);
        sim.run_for_ms(1200);
    }
    sim.run_for_ms(3000);
    // (base offset of each batch, its values)
    let values = |sim: &Sim| -> Vec<(i64, Vec<String>)> {
        let log = sim.leader_log(&TopicPartition::new("c", 0)).unwrap();
        log.batches()
            .map(|b| {
                let v =
                    b.records.iter().map(|r| String::from_utf8_lossy(r.value.as_deref().unwrap_or(b"")).into_owned());
                (b.base_offset, v.collect())
            })
            .collect()
    };
    let olds = |sim: &Sim| -> Vec<i64> {
        values(sim).into_iter().filter(|(_, v)| v.iter().any(|v| v == "old")).map(|(o, _)| o).collect()
    };
    assert!(olds(&sim).is_empty(), "the cleaner removed a's record: {:?}", values(&sim));
    // Offsets 0-3 were flushed (flush.messages=4), "later" at 4 was not: the restart truncates
    // it, which rebuilds producer state from the log. a's request fails with the disconnect
    // and is retried with the same sequence.
    sim.kill_broker(1).unwrap();
    sim.net_mut().heal(None);
    sim.run_for_ms(1000);
    sim.start_broker(1).unwrap();
    let done = wait_idle(&mut sim, a, 60_000);
    assert!(done.iter().all(|c| c.result.is_ok()), "{done:?}");
    assert!(olds(&sim).is_empty(), "a's retry appended again: {:?}\n{}", values(&sim), dump(&sim));
    let log = sim.leader_log(&TopicPartition::new("c", 0)).unwrap();
    let emptied: Vec<i64> = log.batches().filter(|b| b.records.is_empty()).map(|b| b.base_offset).collect();
    assert_eq!(emptied, vec![2], "a's batch at 2 stays, empty: {:?}", values(&sim));
    assert!(findings(&sim).is_empty(), "{:?}", findings(&sim));
}
