//! Producer internals (issue 17, part 1): retries that reorder without idempotence
//! (`Sender`, `RecordAccumulator`), and `compression.type` changing a batch's size on the wire
//! and on disk (`MemoryRecordsBuilder`, `LogValidator`).
#![cfg(not(target_arch = "wasm32"))]

mod common;
use brokerlab::sim::compression::CompressionType;
use brokerlab::sim::trace::Finding;
use brokerlab::sim::types::{NodeAddr, TopicPartition};
use brokerlab::sim::world::Sim;
use common::*;

fn values(sim: &Sim, broker: i32, topic: &str) -> Vec<String> {
    let log = &sim.brokers()[&broker].disk.logs[&TopicPartition::new(topic, 0)];
    log.batches()
        .flat_map(|b| b.records.iter().map(|r| String::from_utf8_lossy(r.value.as_deref().unwrap_or(b"")).into_owned()))
        .collect()
}

/// `Sender.sendProducerData` keeps up to `max.in.flight.requests.per.connection` requests on a
/// connection; `NetworkClient.handleTimedOutRequests` fails one whose answer did not come in
/// `request.timeout.ms`, and `Sender.completeBatch` re-enqueues it (`RecordAccumulator
/// .reenqueue`). Without idempotence nothing stops the batches sent after it from landing
/// first, so the log holds `b`, `c` before `a`. With `max.in.flight.requests.per.connection=1`
/// (`RecordAccumulator.drain` mutes the partition while a batch is in flight) the order holds,
/// and so it does with idempotence: the broker refuses `b` and `c` with
/// OUT_OF_ORDER_SEQUENCE_NUMBER (`ProducerStateManager`) and the producer resends them after `a`
/// (`TransactionManager.canRetry`, `RecordAccumulator.insertInSequenceOrder`).
#[test]
fn a_retried_batch_lands_after_later_ones_without_idempotence() {
    for (idempotent, in_flight, expect) in
        [("false", "5", ["b", "c", "a"]), ("false", "1", ["a", "b", "c"]), ("true", "5", ["a", "b", "c"])]
    {
        let mut sim = cluster(40, 3);
        create_topic_assigned(&mut sim, "pay", vec![vec![1, 2, 3]], &[]);
        let p = producer(
            &mut sim,
            "p",
            &[
                ("acks", if idempotent == "true" { "all" } else { "1" }),
                ("enable.idempotence", idempotent),
                ("max.in.flight.requests.per.connection", in_flight),
                ("request.timeout.ms", "1000"),
            ],
        );
        send(&mut sim, p, "pay", Some(0), "k", "warm-up");
        wait_idle(&mut sim, p, 5000);
        // The produce request carrying `a` is lost on its way to the leader.
        sim.net_mut().rule_mut(NodeAddr::Client(p), NodeAddr::Broker(1)).drop_next = 1;
        for v in ["a", "b", "c"] {
            send(&mut sim, p, "pay", Some(0), "k", v);
            sim.run_for_ms(100);
        }
        let r = results(&wait_idle(&mut sim, p, 20_000));
        assert!(r.iter().all(|x| x.is_ok()), "{r:?}");
        let got = values(&sim, 1, "pay");
        assert_eq!(got[1..], expect, "idempotence {idempotent}, max.in.flight {in_flight}: {got:?}");
        assert!(findings(&sim).iter().all(|f| !matches!(f, Finding::Duplicate { .. })));
    }
}

/// `MemoryRecordsBuilder`: the producer compresses each batch's records with its
/// `compression.type`, so the batch on the wire and in the leader's log is smaller than the
/// same records uncompressed and carries the codec; a topic whose `compression.type` names
/// another codec recompresses it (`LogValidator.validateMessagesAndAssignOffsetsCompressed`),
/// and `uncompressed` stores it uncompressed.
#[test]
fn compression_shrinks_batches_and_the_topic_can_recompress() {
    let mut sim = cluster(41, 3);
    create_topic_assigned(&mut sim, "plain", vec![vec![1, 2, 3]], &[]);
    create_topic_assigned(&mut sim, "zs", vec![vec![1, 2, 3]], &[("compression.type", "zstd")]);
    create_topic_assigned(&mut sim, "raw", vec![vec![1, 2, 3]], &[("compression.type", "uncompressed")]);
    let mut sizes = Vec::new();
    for (name, codec) in [("none", "none"), ("gz", "gzip"), ("lz", "lz4")] {
        let p = producer(&mut sim, name, &[("compression.type", codec), ("linger.ms", "50")]);
        for topic in ["plain", "zs", "raw"] {
            for i in 0..40 {
                send(&mut sim, p, topic, Some(0), "user-1", &format!("{{\"order\":{i},\"status\":\"paid\"}}"));
            }
        }
        let r = results(&wait_idle(&mut sim, p, 10_000));
        assert!(r.iter().all(|x| x.is_ok()), "{r:?}");
        for topic in ["plain", "zs", "raw"] {
            let log = &sim.brokers()[&1].disk.logs[&TopicPartition::new(topic, 0)];
            let b = log.batches().last().expect("a batch");
            assert_eq!(b.records.len(), 40, "one batch of 40 records");
            sizes.push((name, topic, b.compression, b.size_in_bytes()));
        }
    }
    let size = |n: &str, t: &str| sizes.iter().find(|s| s.0 == n && s.1 == t).expect("measured");
    // The producer's codec is kept by `producer` (the default)...
    assert_eq!(size("none", "plain").2, CompressionType::None);
    assert_eq!(size("gz", "plain").2, CompressionType::Gzip);
    assert_eq!(size("lz", "plain").2, CompressionType::Lz4);
    assert!(size("gz", "plain").3 * 3 < size("none", "plain").3, "{sizes:?}");
    assert!(size("lz", "plain").3 < size("none", "plain").3, "{sizes:?}");
    // ...replaced by the topic's codec...
    for n in ["none", "gz", "lz"] {
        assert_eq!(size(n, "zs").2, CompressionType::Zstd, "{sizes:?}");
        assert_eq!(size(n, "zs").3, size("none", "zs").3, "{sizes:?}");
        // ...or stored uncompressed.
        assert_eq!(size(n, "raw").2, CompressionType::None);
        assert_eq!(size(n, "raw").3, size("none", "plain").3, "{sizes:?}");
    }
}

/// `RecordAccumulator.append` and `MemoryRecordsBuilder.hasRoomFor`: with compression a batch
/// is full when its estimated compressed size reaches `batch.size`: the records' uncompressed
/// size × the topic's estimated ratio × 1.05. `CompressionRatioEstimator.updateEstimation`
/// raises the estimate at once to a worse ratio (at least +0.05) and lowers it by at most
/// 0.005 per batch: the first round's 2-record remainder (a 61-byte header over a few bytes,
/// `MemoryRecordsBuilder.close` divides the whole batch by the records' bytes) makes it worse
/// than 1, batches shrink, then grow back slowly as well-compressed batches bring it down.
#[test]
fn compressed_batches_grow_as_the_ratio_estimate_learns() {
    let mut sim = cluster(42, 3);
    create_topic_assigned(&mut sim, "t", vec![vec![1, 2, 3]], &[]);
    let p = producer(&mut sim, "p", &[("compression.type", "gzip"), ("linger.ms", "100"), ("batch.size", "2000")]);
    for round in 0..30 {
        for i in 0..60 {
            send(&mut sim, p, "t", Some(0), "k", &format!("order {round}-{i} paid by alice"));
        }
        wait_idle(&mut sim, p, 5000);
    }
    let log = &sim.brokers()[&1].disk.logs[&TopicPartition::new("t", 0)];
    let counts: Vec<usize> = log.batches().map(|b| b.records.len()).collect();
    let n = counts.len();
    assert!(counts[2] < counts[0], "a bad ratio shrinks the next batches: {counts:?}");
    let late = *counts[n - 10..].iter().max().expect("batches");
    assert!(late > counts[2], "the estimate improves and batches grow: {counts:?}");
    for b in log.batches() {
        assert!(b.size_in_bytes() <= 2000 * 105 / 100, "{}", b.size_in_bytes());
    }
}
