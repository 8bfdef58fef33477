//! Engine II: transactions, the LSO and read_committed (`FetchCollector` and KIP-98).
#![cfg(not(target_arch = "wasm32"))]

mod common;
use brokerlab::sim::client::config::ConsumerConfig;
use brokerlab::sim::client::consumer::MemberState;
use brokerlab::sim::client::producer::ProducerRecord;
use brokerlab::sim::client::txn::{GroupMetadata, TxnClientState};
use brokerlab::sim::errors::KafkaError;
use brokerlab::sim::record::bytes;
use brokerlab::sim::types::TopicPartition;
use brokerlab::sim::world::processor::ProcessorSpec;
use brokerlab::sim::world::Sim;
use common::*;

fn txn_producer(sim: &mut Sim, name: &str, id: &str, extra: &[(&str, &str)]) -> u32 {
    let mut pairs = vec![("transactional.id", id)];
    pairs.extend_from_slice(extra);
    let p = producer(sim, name, &pairs);
    sim.with_producer(p, |p, _, _| p.txn_mut().unwrap().init()).unwrap().unwrap();
    let ok =
        sim.run_while(30_000, |s| s.producer_mut(p).and_then(|p| p.txn_mut().and_then(|t| t.result.clone())).is_some());
    assert!(ok, "initTransactions completed");
    p
}

/// Runs one transactional call and waits for its result.
fn txn_call(
    sim: &mut Sim,
    p: u32,
    f: impl FnOnce(&mut brokerlab::sim::client::txn::ProducerTxn) -> Result<(), brokerlab::sim::errors::ApiError>,
) -> Result<(), KafkaError> {
    sim.with_producer(p, |p, _, _| f(p.txn_mut().unwrap())).unwrap().map_err(|e| e.error)?;
    sim.run_while(30_000, |s| s.producer_mut(p).and_then(|p| p.txn_mut().and_then(|t| t.result.clone())).is_some());
    let r = sim.producer_mut(p).and_then(|p| p.txn_mut().and_then(|t| t.result.take()));
    match r {
        Some((_, Ok(()))) => Ok(()),
        Some((_, Err(e))) => Err(e.error),
        None => Err(KafkaError::REQUEST_TIMED_OUT),
    }
}

fn send_value(sim: &mut Sim, p: u32, topic: &str, value: &str) {
    let r = ProducerRecord {
        topic: topic.into(),
        partition: Some(0),
        key: Some(bytes(value.as_bytes())),
        value: Some(bytes(value.as_bytes())),
        headers: vec![],
        timestamp: None,
    };
    sim.produce(p, r).expect("accepted");
    wait_idle(sim, p, 20_000);
}

fn read_all(sim: &mut Sim, topic: &str, read_committed: bool, ms: u64) -> Vec<String> {
    let iso = if read_committed { "read_committed" } else { "read_uncommitted" };
    let c = sim.create_consumer(
        &format!("reader-{iso}"),
        "localhost:9092",
        ConsumerConfig::parse(&props(&[("isolation.level", iso), ("auto.offset.reset", "earliest")])).unwrap(),
    );
    sim.with_consumer(c, |c, _, _| c.assign(vec![TopicPartition::new(topic, 0)]));
    sim.run_for_ms(ms);
    let out: Vec<String> = sim
        .consumer_mut(c)
        .unwrap()
        .take_delivered(usize::MAX)
        .iter()
        .map(|r| String::from_utf8_lossy(r.value.as_deref().unwrap_or(b"")).into_owned())
        .collect();
    sim.close_client(c);
    out
}

/// FetcherTest.testReadCommittedWithCommittedAndAbortedTransactions, driven through two
/// real transactional producers.
#[test]
fn read_committed_skips_aborted_transactions() {
    let mut sim = cluster(31, 3);
    create_topic_assigned(&mut sim, "t", vec![vec![1, 2, 3]], &[]);
    let p1 = txn_producer(&mut sim, "p1", "pid1", &[]);
    let p2 = txn_producer(&mut sim, "p2", "pid2", &[]);
    sim.with_producer(p1, |p, _, _| p.txn_mut().unwrap().begin()).unwrap().unwrap();
    send_value(&mut sim, p1, "t", "commit1-1");
    send_value(&mut sim, p1, "t", "commit1-2");
    sim.with_producer(p2, |p, _, _| p.txn_mut().unwrap().begin()).unwrap().unwrap();
    send_value(&mut sim, p2, "t", "abort2-1");
    assert_eq!(txn_call(&mut sim, p1, |t| t.commit()), Ok(()));
    send_value(&mut sim, p2, "t", "abort2-2");
    assert_eq!(txn_call(&mut sim, p2, |t| t.abort()), Ok(()));
    sim.with_producer(p1, |p, _, _| p.txn_mut().unwrap().begin()).unwrap().unwrap();
    send_value(&mut sim, p1, "t", "abort1-1");
    sim.with_producer(p2, |p, _, _| p.txn_mut().unwrap().begin()).unwrap().unwrap();
    send_value(&mut sim, p2, "t", "commit2-1");
    send_value(&mut sim, p1, "t", "abort1-2");
    assert_eq!(txn_call(&mut sim, p1, |t| t.abort()), Ok(()));
    assert_eq!(txn_call(&mut sim, p2, |t| t.commit()), Ok(()));
    sim.run_for_ms(3000);
    // The log: 6 data records and 5 markers, as in the reference table.
    let log = sim.leader_log(&TopicPartition::new("t", 0)).unwrap();
    assert_eq!(log.log_end_offset, 11, "6 records + 5 markers");
    assert_eq!(log.aborted.len(), 2);
    let committed = read_all(&mut sim, "t", true, 5000);
    assert_eq!(committed, vec!["commit1-1", "commit1-2", "commit2-1"]);
    let all = read_all(&mut sim, "t", false, 5000);
    // read_uncommitted gets every data record, aborted ones included (testReturnAbortedTransactionsInUncommittedMode).
    assert_eq!(all, vec!["commit1-1", "commit1-2", "abort2-1", "abort2-2", "abort1-1", "commit2-1", "abort1-2"]);
    assert!(findings(&sim).iter().all(|f| !matches!(f, brokerlab::sim::trace::Finding::AbortedRead { .. })));
}

/// KIP-98: an open transaction holds the LSO; read_committed consumers stop there, even for
/// later non-transactional records, until the coordinator aborts it after
/// transaction.timeout.ms.
#[test]
fn a_hanging_transaction_pins_the_lso_until_it_times_out() {
    let mut sim = cluster(32, 3);
    create_topic_assigned(&mut sim, "t", vec![vec![1, 2, 3]], &[]);
    let plain = producer(&mut sim, "plain", &[]);
    send_value(&mut sim, plain, "t", "before");
    let hung = txn_producer(&mut sim, "hung", "stuck", &[("transaction.timeout.ms", "20000")]);
    sim.with_producer(hung, |p, _, _| p.txn_mut().unwrap().begin()).unwrap().unwrap();
    send_value(&mut sim, hung, "t", "in-txn");
    for i in 0..3 {
        send_value(&mut sim, plain, "t", &format!("after-{i}"));
    }
    sim.run_for_ms(2000);
    let log = sim.leader_log(&TopicPartition::new("t", 0)).unwrap();
    assert_eq!(
        (log.high_watermark, log.last_stable_offset()),
        (5, 1),
        "HW 5, LSO pinned at the open transaction's first offset"
    );
    assert_eq!(read_all(&mut sim, "t", true, 3000), vec!["before"]);
    assert_eq!(read_all(&mut sim, "t", false, 3000).len(), 5);
    // After transaction.timeout.ms the coordinator aborts it (with an epoch bump).
    sim.run_for_ms(30_000);
    let log = sim.leader_log(&TopicPartition::new("t", 0)).unwrap();
    assert_eq!(log.last_stable_offset(), log.high_watermark);
    assert_eq!(read_all(&mut sim, "t", true, 3000), vec!["before", "after-0", "after-1", "after-2"]);
    // The zombie is fenced.
    let r = sim.with_producer(hung, |p, _, _| p.txn_mut().unwrap().commit()).unwrap();
    let outcome = if r.is_ok() {
        sim.run_while(10_000, |s| {
            s.producer_mut(hung).and_then(|p| p.txn_mut().and_then(|t| t.result.clone())).is_some()
        });
        sim.producer_mut(hung).and_then(|p| p.txn_mut().and_then(|t| t.result.clone()))
    } else {
        None
    };
    assert!(matches!(outcome, Some((_, Err(_)))) || r.is_err(), "{outcome:?}");
}

/// KIP-98: a second instance with the same transactional.id fences the first.
#[test]
fn a_new_instance_fences_the_old_one() {
    let mut sim = cluster(33, 3);
    create_topic_assigned(&mut sim, "t", vec![vec![1, 2, 3]], &[]);
    let old = txn_producer(&mut sim, "old", "app-1", &[]);
    sim.with_producer(old, |p, _, _| p.txn_mut().unwrap().begin()).unwrap().unwrap();
    send_value(&mut sim, old, "t", "zombie");
    let new = txn_producer(&mut sim, "new", "app-1", &[]);
    let epochs = (sim.producer_mut(old).unwrap().producer_epoch, sim.producer_mut(new).unwrap().producer_epoch);
    assert!(epochs.1 > epochs.0, "{epochs:?}");
    assert_eq!(txn_call(&mut sim, old, |t| t.commit()), Err(KafkaError::PRODUCER_FENCED));
    // The old transaction was aborted: read_committed sees nothing of it.
    sim.with_producer(new, |p, _, _| p.txn_mut().unwrap().begin()).unwrap().unwrap();
    send_value(&mut sim, new, "t", "fresh");
    assert_eq!(txn_call(&mut sim, new, |t| t.commit()), Ok(()));
    sim.run_for_ms(2000);
    assert_eq!(read_all(&mut sim, "t", true, 3000), vec!["fresh"]);
}

/// Exactly-once read-process-write: consume, produce, send the consumer's offsets to the
/// transaction, commit — the output holds each input once and the group's offsets move with it.
#[test]
fn read_process_write_is_exactly_once() {
    let mut sim = cluster(34, 3);
    create_topic_assigned(&mut sim, "in", vec![vec![1, 2, 3]], &[]);
    create_topic_assigned(&mut sim, "out", vec![vec![2, 3, 1]], &[]);
    let feeder = producer(&mut sim, "feeder", &[]);
    for i in 0..5 {
        send_value(&mut sim, feeder, "in", &format!("m{i}"));
    }
    let c = sim.create_consumer(
        "worker-in",
        "localhost:9092",
        ConsumerConfig::parse(&props(&[
            ("group.id", "eos"),
            ("enable.auto.commit", "false"),
            ("isolation.level", "read_committed"),
            ("auto.offset.reset", "earliest"),
        ]))
        .unwrap(),
    );
    sim.with_consumer(c, |c, _, _| c.subscribe(vec!["in".into()]));
    sim.run_while(30_000, |s| s.consumer_mut(c).map(|c| c.delivered_total >= 5).unwrap_or(false));
    let records = sim.consumer_mut(c).unwrap().take_delivered(usize::MAX);
    let p = txn_producer(&mut sim, "worker-out", "eos-worker", &[]);
    sim.with_producer(p, |p, _, _| p.txn_mut().unwrap().begin()).unwrap().unwrap();
    for r in &records {
        send_value(&mut sim, p, "out", &format!("{}-processed", String::from_utf8_lossy(r.value.as_deref().unwrap())));
    }
    let next = records.last().unwrap().offset + 1;
    assert_eq!(
        txn_call(&mut sim, p, |t| t.send_offsets("eos".into(), vec![(TopicPartition::new("in", 0), next)])),
        Ok(())
    );
    assert_eq!(txn_call(&mut sim, p, |t| t.commit()), Ok(()));
    sim.run_for_ms(3000);
    assert_eq!(read_all(&mut sim, "out", true, 3000).len(), 5);
    let committed: Vec<i64> = sim
        .brokers()
        .values()
        .filter_map(|b| b.proc.as_ref())
        .flat_map(|b| b.coordinator.groups.get("eos"))
        .flat_map(|g| g.offsets.values().map(|o| o.offset))
        .collect();
    assert_eq!(committed, vec![5], "the offsets became visible with the commit");
}

/// `kafka-producer-perf-test --transactional-id` (Kafka 4.4 `ProducerPerformance.start`): the perf
/// producer is the engine's transactional producer. Its records become visible to read_committed
/// only with each commit: while a transaction is open the last stable offset stays at its first
/// record, so everything after the last COMMIT marker is held back; a COMMIT marker follows every
/// `--transaction-duration-ms` of records, and the final transaction is committed before the
/// summary line.
#[test]
fn a_transactional_perf_run_is_visible_to_read_committed_only_after_each_commit() {
    use brokerlab::console::session::{parse_line, Console, Started};
    use brokerlab::sim::record::ControlType;
    use brokerlab::sim::world::ClusterConfig;

    let mut c = Console::new(42, ClusterConfig::default()).expect("boots");
    c.run_script(
        "kafka-topics --bootstrap-server localhost:9092 --create --topic pay --partitions 1 --replication-factor 3",
        true,
    );
    let tp = TopicPartition::new("pay", 0);
    let started = c.start(
        &parse_line(
            "kafka-producer-perf-test --topic pay --num-records 30 --record-size 10 --throughput 10 \
             --transactional-id perf-tx --transaction-duration-ms 1000 --bootstrap-server localhost:9092",
        )
        .expect("parses"),
    );
    assert_eq!(started, Started::Job);
    let mut held_back = 0;
    let mut markers_seen_mid_run = 0;
    for _ in 0..600 {
        if !c.job_running() {
            break;
        }
        let t = c.sim().now().plus_ms(100);
        c.advance_to(t);
        let Some(log) = c.sim().leader_log(&tp) else { continue };
        // The offset after the last COMMIT marker below the high watermark.
        let batches: Vec<_> = log.batches().filter(|b| b.base_offset < log.high_watermark).collect();
        let committed_end = batches
            .iter()
            .filter(|b| b.control == Some(ControlType::Commit))
            .map(|b| b.next_offset())
            .max()
            .unwrap_or(0);
        let open_records = batches.iter().filter(|b| b.control.is_none() && b.base_offset >= committed_end).count();
        if open_records > 0 {
            // Records of the open transaction are replicated but not stable.
            assert_eq!(log.last_stable_offset(), committed_end, "LSO at the open transaction's first record");
            assert!(log.high_watermark > log.last_stable_offset());
            held_back += 1;
        } else {
            assert_eq!(log.last_stable_offset(), log.high_watermark);
        }
        if c.job_running() {
            markers_seen_mid_run = markers_seen_mid_run.max(batches.iter().filter(|b| b.control.is_some()).count());
        }
    }
    assert!(!c.job_running(), "the perf test finished");
    let out = c.take_output();
    assert_eq!(out.exit_code, 0, "{}", out.stderr());
    assert!(out.stdout().contains("30 records sent, "), "{}", out.stdout());
    assert!(held_back > 0, "a transaction was seen open");
    assert!(markers_seen_mid_run >= 2, "commits every --transaction-duration-ms: {markers_seen_mid_run}");

    let log = c.sim().leader_log(&tp).expect("leader");
    let markers: Vec<_> = log.batches().filter_map(|b| b.control).collect();
    assert!(markers.iter().all(|m| *m == ControlType::Commit));
    assert!(log.batches().all(|b| b.transactional));
    assert_eq!(log.log_end_offset, 30 + markers.len() as i64, "30 records and one marker per transaction");
    assert_eq!(log.last_stable_offset(), log.log_end_offset);

    // What the tools show once it is committed.
    let r = c.run_script(
        "kafka-get-offsets --bootstrap-server localhost:9092 --topic pay\n\
         kafka-console-consumer --bootstrap-server localhost:9092 --topic pay --from-beginning --isolation-level read_committed --max-messages 30 --timeout-ms 10000",
        true,
    );
    assert_eq!(r.commands[0].output.stdout(), format!("pay:0:{}\n", 30 + markers.len()));
    assert_eq!(r.commands[1].output.stdout().lines().count(), 30);
    assert!(r.commands[1].output.stderr().contains("Processed a total of 30 messages"));
}

/// The group's committed offsets of `group`, per partition, as its coordinator holds them.
fn group_offsets(sim: &Sim, group: &str) -> Vec<(TopicPartition, i64)> {
    sim.brokers()
        .values()
        .filter_map(|b| b.proc.as_ref())
        .flat_map(|b| b.coordinator.groups.get(group))
        .flat_map(|g| g.offsets.iter().map(|(tp, o)| (tp.clone(), o.offset)))
        .collect()
}

fn processor_spec(name: &str, side_effect: Option<&str>, size: u32, processing_ms: i64) -> ProcessorSpec {
    ProcessorSpec {
        name: name.into(),
        group: "copier".into(),
        input: "in".into(),
        output: "out".into(),
        transactional_id: "copier-1".into(),
        processing_ms_per_record: processing_ms,
        side_effect: side_effect.map(String::from),
        transaction_size: size,
        transaction_timeout_ms: 60_000,
    }
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// The read-process-write loop of Kafka's `TransactionalMessageCopier` (`processor start`):
/// each poll() is copied in one transaction with the consumer's positions
/// (`sendOffsetsToTransaction` with `groupMetadata()`, KIP-447), then committed. A crash in the
/// middle of a transaction leaves it open; the next instance with the same transactional.id
/// fences the old producer epoch at InitProducerId and the coordinator aborts the open
/// transaction (KIP-98, `TransactionManager`), so a read_committed reader of the output sees
/// each input record exactly once, and the group's committed offset is the input's end. The
/// side effect performed outside the transaction is not undone: the records of the aborted
/// transaction caused it twice.
#[test]
fn a_processor_copies_exactly_once_across_a_crash_but_its_side_effect_repeats() {
    let mut sim = cluster(41, 3);
    create_topic_assigned(&mut sim, "in", vec![vec![1, 2, 3]], &[]);
    create_topic_assigned(&mut sim, "out", vec![vec![2, 3, 1]], &[]);
    let feeder = producer(&mut sim, "feeder", &[]);
    let inputs: Vec<String> = (0..30).map(|i| format!("order-{i}")).collect();
    for v in &inputs {
        send_value(&mut sim, feeder, "in", v);
    }
    sim.start_processor(processor_spec("copier", Some("emails"), 10, 100), "localhost:9092").unwrap();
    // Run until one transaction has committed and the next one is half done: 5 of its 10
    // records (one poll() of max.poll.records = the transaction size) processed and sent.
    let mid_txn = sim.run_while(60_000, |s| {
        s.processors().running.get("copier").map(|p| p.committed_txns >= 1 && p.in_txn.len() >= 5).unwrap_or(false)
    });
    assert!(mid_txn, "the processor committed a transaction and is in the next: {:?}", sim.processors().running);
    let open = sim.processors().running["copier"].in_txn.len() as u64;
    assert_eq!(open, 5);
    sim.crash_processor("copier").unwrap();
    assert!(sim.processors().running.is_empty());
    // The open transaction holds the LSO: read_committed sees only what was committed.
    let before = read_all(&mut sim, "out", true, 2000);
    assert_eq!(before.len(), 10, "only the committed transaction is visible: {before:?}");
    // A new instance, same transactional.id: InitProducerId bumps the epoch and aborts the open
    // transaction long before transaction.timeout.ms (60 s).
    let restarted_at = sim.now();
    sim.start_processor(processor_spec("copier", Some("emails"), 10, 100), "localhost:9092").unwrap();
    let done = sim.run_while(120_000, |s| group_offsets(s, "copier") == vec![(TopicPartition::new("in", 0), 30)]);
    assert!(done, "the group's offset reached the input's end: {:?}", group_offsets(&sim, "copier"));
    let out_log = sim.leader_log(&TopicPartition::new("out", 0)).unwrap();
    assert!(!out_log.aborted.is_empty(), "the crashed instance's transaction was aborted");
    assert!(sim.now().ms_since(restarted_at) < 60_000, "fenced at InitProducerId, not by the timeout");
    sim.run_for_ms(2000);
    let committed = read_all(&mut sim, "out", true, 3000);
    assert_eq!(sorted(committed), sorted(inputs.clone()), "read_committed: each input record exactly once");
    let uncommitted = read_all(&mut sim, "out", false, 3000);
    assert!(
        uncommitted.len() > 30 && uncommitted.len() <= 30 + open as usize,
        "the aborted copies are in the log all the same: {} records",
        uncommitted.len()
    );
    let fx = &sim.processors().effects["emails"];
    assert_eq!(fx.per_record.len(), 30, "every input record caused the side effect");
    assert_eq!(fx.repeated(), open, "the records of the aborted transaction caused it twice");
    assert_eq!(fx.total, 30 + open);
    let p = &sim.processors().running["copier"];
    assert_eq!(p.copied, 20);
    assert!(findings(&sim).iter().all(|f| !matches!(f, brokerlab::sim::trace::Finding::AbortedRead { .. })));
}

/// KIP-447 (`OffsetMetadataManager.validateTransactionalOffsetCommit`,
/// `ClassicGroup.validateOffsetCommit` with isTransactional): a TxnOffsetCommit that names a
/// member and generation must come from a current member of that generation. A zombie of an
/// older generation is refused with ILLEGAL_GENERATION, an unknown member with
/// UNKNOWN_MEMBER_ID; `TransactionManager`'s TxnOffsetCommitHandler makes both abortable
/// errors, so the transaction is aborted, not committed. Without group metadata (-1, "") the
/// commit is accepted as before KIP-447.
#[test]
fn a_transactional_offset_commit_of_an_old_generation_is_fenced() {
    let mut sim = cluster(42, 3);
    create_topic_assigned(&mut sim, "in", vec![vec![1, 2, 3]], &[]);
    let c = sim.create_consumer(
        "member",
        "localhost:9092",
        ConsumerConfig::parse(&props(&[("group.id", "g"), ("enable.auto.commit", "false")])).unwrap(),
    );
    sim.with_consumer(c, |c, _, _| c.subscribe(vec!["in".into()]));
    let joined = sim.run_while(30_000, |s| {
        s.consumer_mut(c).and_then(|c| c.group.as_ref().map(|g| g.state == MemberState::Stable)).unwrap_or(false)
    });
    assert!(joined);
    let (generation, member_id) =
        sim.consumer_mut(c).and_then(|c| c.group.as_ref().map(|g| (g.generation, g.member_id.clone()))).unwrap();
    let tp = TopicPartition::new("in", 0);
    let p = txn_producer(&mut sim, "zombie", "z", &[]);
    let meta = |generation: i32, member_id: &str| GroupMetadata {
        group_id: "g".into(),
        generation,
        member_id: member_id.into(),
    };
    for (g, m, want) in [
        (generation - 1, member_id.as_str(), KafkaError::ILLEGAL_GENERATION),
        (generation, "someone-else", KafkaError::UNKNOWN_MEMBER_ID),
    ] {
        sim.with_producer(p, |p, _, _| p.txn_mut().unwrap().begin()).unwrap().unwrap();
        let offsets = vec![(tp.clone(), 1)];
        let md = meta(g, m);
        assert_eq!(txn_call(&mut sim, p, move |t| t.send_offsets_with_metadata(md, offsets)), Err(want));
        let state = sim.producer_mut(p).unwrap().txn_mut().unwrap().state;
        assert_eq!(state, TxnClientState::AbortableError, "{want:?} makes the transaction abortable");
        assert!(sim.with_producer(p, |p, _, _| p.txn_mut().unwrap().commit()).unwrap().is_err(), "no commit");
        assert_eq!(txn_call(&mut sim, p, |t| t.abort()), Ok(()));
    }
    // The current member's metadata, and none at all, are accepted.
    for md in [meta(generation, &member_id), meta(-1, "")] {
        sim.with_producer(p, |p, _, _| p.txn_mut().unwrap().begin()).unwrap().unwrap();
        let offsets = vec![(tp.clone(), 0)];
        assert_eq!(txn_call(&mut sim, p, move |t| t.send_offsets_with_metadata(md, offsets)), Ok(()));
        assert_eq!(txn_call(&mut sim, p, |t| t.commit()), Ok(()));
    }
}

/// `__consumer_offsets` partition of a group: `Utils.abs(groupId.hashCode()) %
/// offsets.topic.num.partitions` (`GroupCoordinatorService.partitionFor`), 50 by default.
fn offsets_partition_of(group: &str) -> TopicPartition {
    internal_partition_of("__consumer_offsets", group)
}

/// The partition of an internal topic of 50 partitions that coordinates `key`
/// (`Utils.abs(key.hashCode) % partitions`).
fn internal_partition_of(topic: &str, key: &str) -> TopicPartition {
    let h = key.encode_utf16().fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(i32::from(c)));
    let abs = if h == i32::MIN { 0 } else { h.abs() };
    TopicPartition::new(topic, abs % 50)
}

/// OffsetFetch of one partition with requireStable (`OffsetMetadataManager.fetchOffsets`: a
/// partition with pending transactional offsets answers UNSTABLE_OFFSET_COMMIT, KIP-447).
fn fetch_stable(sim: &mut Sim, group: &str, tp: &TopicPartition) -> Option<(i64, Option<KafkaError>)> {
    use brokerlab::sim::client::admin::{Call, Target};
    use brokerlab::sim::protocol::{Request, Response};
    let admin = sim.create_admin("fetch-admin", "localhost:9092");
    let call = Call::new(
        "listConsumerGroupOffsets",
        Target::Coordinator { key: group.to_string(), transaction: false },
        Request::OffsetFetch { group: group.to_string(), partitions: Some(vec![tp.clone()]), require_stable: true },
    );
    let task = sim.admin_run(admin, vec![call], Some(10_000));
    sim.close_client(admin);
    match task.calls[0].response.clone() {
        Some(Ok(Response::OffsetFetch { error: None, offsets })) => offsets.into_iter().next().map(|(_, o, e)| (o, e)),
        _ => None,
    }
}

/// `producer.sendOffsetsToTransaction(offsets, new ConsumerGroupMetadata("solo"))` for a group
/// that has no member and does not exist yet (generation -1, member id ""): the group
/// coordinator accepts it (`OffsetMetadataManager.commitTransactionalOffset` creates the group,
/// `getOrMaybeCreatePersistedConsumerGroup`), keeps the offsets pending (an OffsetFetch with
/// requireStable answers UNSTABLE_OFFSET_COMMIT, KIP-447) and publishes them on the COMMIT
/// marker or drops them on ABORT (`OffsetMetadataManager.replayEndTransactionMarker`). With
/// `failover` the coordinator is killed between the TxnOffsetCommit and EndTxn: the new one
/// rebuilds the pending offsets from the transactional records it loads
/// (`OffsetMetadataManager.replay`) and the marker it then receives decides them. Returns the
/// committed offsets an admin reads afterwards.
fn memberless_txn_offsets(seed: u64, commit: bool, failover: bool) -> std::collections::BTreeMap<TopicPartition, i64> {
    let mut sim = cluster(seed, 3);
    create_topic_assigned(&mut sim, "in", vec![vec![1, 2, 3]], &[]);
    let p = txn_producer(&mut sim, "copier", "solo-copier", &[]);
    let tp = TopicPartition::new("in", 0);
    sim.with_producer(p, |p, _, _| p.txn_mut().unwrap().begin()).unwrap().unwrap();
    let offsets = vec![(tp.clone(), 7)];
    assert_eq!(txn_call(&mut sim, p, move |t| t.send_offsets("solo".into(), offsets)), Ok(()), "accepted");
    assert_eq!(
        fetch_stable(&mut sim, "solo", &tp),
        Some((-1, Some(KafkaError::UNSTABLE_OFFSET_COMMIT))),
        "pending until the transaction ends"
    );
    if failover {
        let otp = offsets_partition_of("solo");
        let old = sim.leader_of(&otp).expect("the group has a coordinator");
        sim.kill_broker(old).unwrap();
        let moved = sim.run_while(30_000, |s| s.leader_of(&otp).is_some_and(|l| l != old));
        assert!(moved, "another broker leads {otp:?}");
        // Back as a follower (the clients bootstrap from localhost:9092, broker 1).
        sim.start_broker(old).unwrap();
    }
    let end = if commit { txn_call(&mut sim, p, |t| t.commit()) } else { txn_call(&mut sim, p, |t| t.abort()) };
    assert_eq!(end, Ok(()));
    // commitTransaction returns once PrepareCommit is written; the markers follow.
    let decided = sim.run_while(30_000, |s| fetch_stable(s, "solo", &tp).is_some_and(|(_, e)| e.is_none()));
    assert!(decided, "the marker decides the pending offsets: {:?}", fetch_stable(&mut sim, "solo", &tp));
    common::sweep_features::committed_offsets(&mut sim, "solo").expect("the coordinator answers")
}

#[test]
fn a_memberless_groups_transactional_offsets_are_published_on_commit() {
    let want: std::collections::BTreeMap<_, _> = [(TopicPartition::new("in", 0), 7)].into_iter().collect();
    assert_eq!(memberless_txn_offsets(5, true, false), want);
    assert_eq!(memberless_txn_offsets(5, false, false), Default::default(), "dropped on ABORT");
}

#[test]
fn a_memberless_groups_transactional_offsets_survive_a_coordinator_failover_until_the_marker() {
    let want: std::collections::BTreeMap<_, _> = [(TopicPartition::new("in", 0), 7)].into_iter().collect();
    assert_eq!(memberless_txn_offsets(6, true, true), want);
    assert_eq!(memberless_txn_offsets(6, false, true), Default::default(), "dropped on ABORT");
}

/// Where in the trace the transaction `id` first reached `state` (`CompleteCommit`, ...).
fn txn_state_at(sim: &Sim, id: &str, what: &str) -> Option<usize> {
    use brokerlab::sim::trace::TraceKind;
    sim.trace().events.iter().position(|e| {
        matches!(&e.kind, TraceKind::TransactionState { transactional_id, state } if transactional_id == id && state == what)
    })
}

/// `KafkaApis.handleWriteTxnMarkersRequest` appends the markers with `requiredAcks = -1`: the
/// transaction coordinator learns a marker is written only once the partition's high watermark
/// has passed it. With an in-sync follower that stops fetching, the commit stays PrepareCommit
/// until that follower leaves the ISR (`replica.lag.time.max.ms`), and only then completes. A
/// marker answered at the append (as Brokerlab did) could be lost with its leader while the
/// coordinator took it as written.
#[test]
fn a_commit_completes_only_once_its_markers_are_replicated() {
    use brokerlab::sim::trace::TraceKind;
    use brokerlab::sim::types::NodeAddr;
    let mut sim = cluster(41, 3);
    create_topic_assigned(&mut sim, "t", vec![vec![1, 2, 3]], &[]);
    let p = txn_producer(&mut sim, "tx", "tx-1", &[]);
    sim.with_producer(p, |p, _, _| p.txn_mut().unwrap().begin()).unwrap().unwrap();
    send_value(&mut sim, p, "t", "a");
    // Follower 2 of t-0 stops fetching from leader 1.
    let (b1, b2) = (NodeAddr::Broker(1), NodeAddr::Broker(2));
    sim.net_mut().rule_mut(b1, b2).cut = true;
    sim.net_mut().rule_mut(b2, b1).cut = true;
    assert_eq!(txn_call(&mut sim, p, |t| t.commit()), Ok(()), "EndTxn is answered once PrepareCommit is written");
    let shrunk = |sim: &Sim| {
        sim.trace().events.iter().position(
            |e| matches!(&e.kind, TraceKind::IsrShrunk { tp, removed, .. } if tp.topic == "t" && removed.contains(&2)),
        )
    };
    assert!(shrunk(&sim).is_none(), "follower 2 is still in the ISR");
    assert!(txn_state_at(&sim, "tx-1", "CompleteCommit").is_none(), "the marker on t-0 is not replicated yet");
    sim.run_for_ms(45_000);
    let (shrunk_at, complete_at) = (shrunk(&sim), txn_state_at(&sim, "tx-1", "CompleteCommit"));
    assert!(shrunk_at.is_some(), "follower 2 left the ISR after replica.lag.time.max.ms");
    assert!(complete_at > shrunk_at, "the commit completed after the ISR shrank: {complete_at:?} {shrunk_at:?}");
    assert_eq!(read_all(&mut sim, "t", true, 3000), vec!["a"]);
}

/// A COMMIT marker on its way to a partition leader that dies: the transaction coordinator is
/// told the connection closed and sends the marker again to the partition's new leader
/// (`TransactionMarkerRequestCompletionHandler.onComplete` with `wasDisconnected`: "re-enqueue
/// the markers with possibly new destination brokers"), and the commit completes. Brokerlab
/// kept such a request in flight for ever, so the transaction stayed PrepareCommit and every
/// later InitProducerId of that transactional id answered CONCURRENT_TRANSACTIONS (the
/// processor sweep's seed 346).
#[test]
fn a_marker_lost_with_its_leader_is_sent_to_the_new_leader() {
    use brokerlab::sim::types::NodeAddr;
    let mut sim = cluster(43, 3);
    let p = txn_producer(&mut sim, "tx", "tx-1", &[]);
    let coordinator = sim.leader_of(&internal_partition_of("__transaction_state", "tx-1")).expect("a coordinator");
    // t-0 is led by a broker that is not the transaction coordinator.
    let leader = 1 + coordinator % 3;
    let followers: Vec<i32> = (1..=3).filter(|b| *b != leader).collect();
    create_topic_assigned(&mut sim, "t", vec![vec![leader, followers[0], followers[1]]], &[]);
    sim.with_producer(p, |p, _, _| p.txn_mut().unwrap().begin()).unwrap().unwrap();
    send_value(&mut sim, p, "t", "a");
    // The follower that is not the coordinator stops fetching: the marker waits at the leader
    // for its high watermark (the coordinator's own writes still replicate).
    let stalled = if followers[0] == coordinator { followers[1] } else { followers[0] };
    sim.net_mut().rule_mut(NodeAddr::Broker(leader), NodeAddr::Broker(stalled)).cut = true;
    sim.net_mut().rule_mut(NodeAddr::Broker(stalled), NodeAddr::Broker(leader)).cut = true;
    assert_eq!(txn_call(&mut sim, p, |t| t.commit()), Ok(()), "EndTxn is answered once PrepareCommit is written");
    assert!(txn_state_at(&sim, "tx-1", "CompleteCommit").is_none(), "the marker on t-0 is not replicated yet");
    sim.kill_broker(leader).unwrap();
    let done = sim.run_while(60_000, |s| txn_state_at(s, "tx-1", "CompleteCommit").is_some());
    assert!(done, "the commit completed once the marker reached t-0's new leader");
    let new_leader = sim.leader_of(&TopicPartition::new("t", 0)).expect("t-0 has a leader");
    assert_ne!(new_leader, leader);
    assert_eq!(read_all(&mut sim, "t", true, 3000), vec!["a"]);
}
