//! Seed sweeps of the newer features under faults (issue 17): client quotas throttling the
//! workload, a secured cluster (SASL/PLAIN, the `StandardAuthorizer`) with a refused principal,
//! segments rolling and retention or the cleaner removing them while brokers crash, and the
//! exactly-once processor crashed, fenced and restarted. Each schedule is decided by its seed
//! alone, like those of `common::sweep`.

use super::sweep::{heal_all, probe, SweepOutcome};
use super::*;
use brokerlab::sim::acl::{AclBinding, AclEntry, AclOperation, Login, PatternType, Permission, ResourcePattern};
use brokerlab::sim::acl::{ResourceType, SASL_PLAIN_BROKER_CONFIGS};
use brokerlab::sim::client::admin::{Call, Target};
use brokerlab::sim::client::config::ConsumerConfig;
use brokerlab::sim::errors::KafkaError;
use brokerlab::sim::protocol::{ControllerRequest, ControllerResponse, Request, Response};
use brokerlab::sim::quota::{QuotaEntity, QuotaName};
use brokerlab::sim::rng::Pcg32;
use brokerlab::sim::types::NodeAddr;
use brokerlab::sim::world::processor::ProcessorSpec;

/// Sets byte-rate quotas (`kafka-configs --alter --add-config producer_byte_rate=…`) of one
/// entity through the controller (`AlterClientQuotas`, KIP-546), as `admin` logged in.
pub fn set_quota(sim: &mut Sim, entity: QuotaEntity, rates: &[(&str, i64)]) {
    // A quota value is a Java double; the request carries its bits.
    let ops = rates.iter().map(|(k, v)| (k.to_string(), Some((*v as f64).to_bits()))).collect();
    let call = Call::new(
        "alterClientQuotas",
        Target::Any,
        Request::Controller(ControllerRequest::AlterClientQuotas { entity, ops }),
    );
    let admin = sim.create_admin("quota-admin", "localhost:9092");
    let task = sim.admin_run(admin, vec![call], None);
    sim.close_client(admin);
    match task.calls[0].response.clone() {
        Some(Ok(Response::Controller(ControllerResponse::AlterClientQuotas(None)))) => {}
        other => panic!("alterClientQuotas failed: {other:?}"),
    }
}

/// The default client-id entity (`--entity-type clients --entity-default`).
pub fn default_client() -> QuotaEntity {
    QuotaEntity { user: None, client_id: Some(QuotaName::Default) }
}

/// Responses that came back throttled (KIP-219), summed over the running clients.
pub fn throttled_responses(sim: &Sim) -> u64 {
    sim.clients().values().map(|c| c.meta().throttled_responses).sum()
}

/// What the processor sweep found.
pub struct ProcessorOutcome {
    pub out: SweepOutcome,
    /// Input records below the processor group's committed offsets (all copied, exactly once).
    pub copied: u64,
    /// Processor instances that were crashed or fenced during the schedule.
    pub instances: u32,
    /// Responses throttled by the default quota during the whole run.
    pub throttled: u64,
    /// Exactly-once violations: per output partition, what differs from the input.
    pub violations: Vec<String>,
    /// The processor's committed offsets reached the input's end after the heal.
    pub caught_up: bool,
}

const PROCESSOR_GROUP: &str = "copier";
const PROCESSOR_TXN_ID: &str = "copier-tx";

fn processor_spec(name: &str, transaction_size: u32, processing_ms: i64) -> ProcessorSpec {
    ProcessorSpec {
        name: name.into(),
        group: PROCESSOR_GROUP.into(),
        input: "in".into(),
        output: "out".into(),
        transactional_id: PROCESSOR_TXN_ID.into(),
        processing_ms_per_record: processing_ms,
        side_effect: None,
        transaction_size,
        transaction_timeout_ms: 60_000,
    }
}

/// The committed offsets of `group` as an admin reads them (`listConsumerGroupOffsets` with
/// `requireStable`, KIP-447: a partition with a pending transactional commit answers
/// UNSTABLE_OFFSET_COMMIT, which makes it `None` here). `None` when the coordinator did not answer.
pub fn committed_offsets(sim: &mut Sim, group: &str) -> Option<BTreeMap<TopicPartition, Offset>> {
    let admin = sim.create_admin("offsets-admin", "localhost:9092");
    let call = Call::new(
        "listConsumerGroupOffsets",
        Target::Coordinator { key: group.to_string(), transaction: false },
        Request::OffsetFetch { group: group.to_string(), partitions: None, require_stable: true },
    );
    let task = sim.admin_run(admin, vec![call], Some(10_000));
    sim.close_client(admin);
    match task.calls[0].response.clone() {
        Some(Ok(Response::OffsetFetch { error: None, offsets })) => {
            if offsets.iter().any(|(_, _, e)| e.is_some()) {
                return None;
            }
            Some(offsets.into_iter().filter(|(_, o, _)| *o >= 0).map(|(tp, o, _)| (tp, o)).collect())
        }
        Some(Ok(Response::OffsetFetch { error: Some(KafkaError::GROUP_ID_NOT_FOUND), .. })) => Some(BTreeMap::new()),
        _ => None,
    }
}

/// The values of partition `tp`'s records in `[from, to)` as its leader's log holds them (a
/// topic written by a plain producer: no control batch, no compaction).
fn input_values(sim: &Sim, tp: &TopicPartition, to: Offset) -> Vec<String> {
    let Some(log) = sim.leader_log(tp) else { return vec![] };
    let mut out = Vec::new();
    for b in log.batches() {
        for (i, r) in b.records.iter().enumerate() {
            if b.base_offset + i as i64 >= to {
                return out;
            }
            out.push(String::from_utf8_lossy(r.value.as_deref().unwrap_or(b"")).into_owned());
        }
    }
    out
}

/// Reads `topic` with a fresh `read_committed` consumer from the beginning up to each
/// partition's end offset for that isolation level (the last stable offset, what ListOffsets
/// answers a read_committed consumer), however long that takes — not "until nothing came for
/// a while": a reader under a byte-rate quota is throttled, and waits (KIP-219) between
/// fetches. Returns each partition's values in offset order, and whether every partition's
/// position reached its end within `max_ms`.
pub fn read_committed_to_end(
    sim: &mut Sim,
    name: &str,
    topic: &str,
    partitions: i32,
    max_ms: i64,
) -> (BTreeMap<i32, Vec<String>>, bool) {
    let tps: Vec<TopicPartition> = (0..partitions).map(|p| TopicPartition::new(topic, p)).collect();
    let ends: BTreeMap<TopicPartition, Offset> =
        tps.iter().map(|tp| (tp.clone(), sim.leader_log(tp).map(|l| l.last_stable_offset()).unwrap_or(0))).collect();
    let m = props(&[("isolation.level", "read_committed"), ("auto.offset.reset", "earliest"), ("client.id", name)]);
    let c = sim.create_consumer(name, "localhost:9092", ConsumerConfig::parse(&m).expect("valid"));
    let assigned = tps.clone();
    sim.with_consumer(c, move |c, _, _| c.assign(assigned));
    let mut read: BTreeMap<i32, Vec<String>> = (0..partitions).map(|p| (p, vec![])).collect();
    let mut take = |sim: &mut Sim| {
        for r in sim.consumer_mut(c).map(|c| c.take_delivered(usize::MAX)).unwrap_or_default() {
            read.entry(r.tp.partition)
                .or_default()
                .push(String::from_utf8_lossy(r.value.as_deref().unwrap_or(b"")).into_owned());
        }
    };
    let reached = |sim: &mut Sim| {
        sim.consumer_mut(c)
            .map(|c| {
                ends.iter().all(|(tp, end)| {
                    c.assignment
                        .get(tp)
                        .map(|p| p.buffered.is_empty() && p.position.unwrap_or(-1) >= *end)
                        .unwrap_or(false)
                }) && c.delivered.is_empty()
            })
            .unwrap_or(false)
    };
    let mut done = false;
    let deadline = sim.now().plus_ms(max_ms);
    while sim.now() < deadline {
        sim.run_for_ms(500);
        take(sim);
        if reached(sim) {
            done = true;
            break;
        }
    }
    take(sim);
    sim.close_client(c);
    (read, done)
}

/// The exactly-once processor (`processor start`, `TransactionalMessageCopier` with
/// `--use-group-metadata`) under faults: a feeder writes keyed records to `in`; the processor
/// copies them to `out` (as many partitions, so each key lands in the partition of the same
/// number) in transactions that commit its consumer's offsets (KIP-447), while brokers crash,
/// links are cut, the processor crashes mid-transaction and a new instance takes over (the
/// transactional id fences the old producer epoch and aborts its open transaction), or a new
/// instance starts while the old one is cut off (a zombie, fenced when it comes back). A
/// default client quota throttles every client, the checking reader included.
///
/// After the heal a processor runs until the group's committed offsets reach the input's
/// end; then `out` read with `read_committed` up to its last stable offsets must hold, per
/// partition and in order, exactly the input's records below the committed offset.
pub fn run_processor_schedule(seed: u64, fault_seconds: u64) -> ProcessorOutcome {
    let mut rng = Pcg32::new(seed, 0xe05e);
    let mut sim = Sim::new(seed, ClusterConfig { brokers: 3, ..ClusterConfig::default() }).expect("config");
    sim.boot().expect("boot");
    let partitions = 1 + rng.below(3) as i32;
    let assignment: Vec<Vec<i32>> =
        (0..partitions).map(|p| vec![1 + p % 3, 1 + (p + 1) % 3, 1 + (p + 2) % 3]).collect();
    create_topic_assigned(&mut sim, "in", assignment.clone(), &[("min.insync.replicas", "2")]);
    create_topic_assigned(&mut sim, "out", assignment, &[("min.insync.replicas", "2")]);
    // Every client is throttled above these rates: a few hundred bytes a second up to a few
    // kilobytes (the feeder writes about 1 KB/s, the processor copies in bursts).
    let produce_rate = [400, 1000, 2500, 6000][rng.below(4) as usize];
    let consume_rate = [400, 1000, 2500, 6000][rng.below(4) as usize];
    set_quota(
        &mut sim,
        default_client(),
        &[("producer_byte_rate", produce_rate), ("consumer_byte_rate", consume_rate)],
    );
    let feeder = producer(
        &mut sim,
        "feeder",
        &[("acks", "all"), ("request.timeout.ms", "4000"), ("delivery.timeout.ms", "20000"), ("linger.ms", "0")],
    );
    let size = [5, 20, 200][rng.below(3) as usize];
    let processing = i64::from(rng.below(3)) * 10;
    let mut instance = 0u32;
    let mut current: Option<String> = Some(format!("copier-{instance}"));
    sim.start_processor(processor_spec("copier-0", size, processing), "localhost:9092").expect("starts");
    let mut throttled = 0u64;
    let end = sim.now().plus_ms((fault_seconds * 1000) as i64);
    let mut next_fault = sim.now().plus_ms(2000);
    let mut i = 0u64;
    while sim.now() < end {
        let _ = sim.produce(
            feeder,
            brokerlab::sim::client::producer::ProducerRecord {
                topic: "in".into(),
                partition: None,
                key: Some(brokerlab::sim::record::bytes(format!("k{}", i % 7).as_bytes())),
                value: Some(brokerlab::sim::record::bytes(format!("{seed}-{i}").as_bytes())),
                headers: vec![],
                timestamp: None,
            },
        );
        i += 1;
        sim.run_for_ms(30 + u64::from(rng.below(120)));
        sim.take_completions(feeder);
        if sim.now() < next_fault {
            continue;
        }
        next_fault = sim.now().plus_ms(1500 + i64::from(rng.below(3000)));
        let b = 1 + rng.below(3) as i32;
        let running = current.clone().filter(|n| sim.processors().running.contains_key(n));
        match rng.below(9) {
            0 => {
                let alive = sim.brokers().values().filter(|n| n.proc.is_some()).count();
                if alive > 2 && sim.brokers()[&b].proc.is_some() {
                    let _ = sim.kill_broker(b);
                }
            }
            1 | 2 => {
                if sim.brokers()[&b].proc.is_none() {
                    let _ = sim.start_broker(b);
                }
            }
            3 | 4 => {
                // The processor dies (mid-transaction or not); half the time a new instance
                // starts at once, else at a later fault.
                if let Some(name) = &running {
                    throttled += processor_throttled(&sim, name);
                    let _ = sim.crash_processor(name);
                    current = None;
                }
                if rng.below(2) == 0 || running.is_none() {
                    instance += 1;
                    let name = format!("copier-{instance}");
                    if sim.start_processor(processor_spec(&name, size, processing), "localhost:9092").is_ok() {
                        current = Some(name);
                    }
                }
            }
            5 => {
                // A zombie: the running instance is cut off from every broker and a new one
                // starts; when the links heal the old one finds itself fenced.
                if let Some(name) = &running {
                    let p = &sim.processors().running[name];
                    let ids = [p.consumer, p.producer];
                    for id in ids {
                        for k in 1..=3 {
                            sim.net_mut().rule_mut(NodeAddr::Client(id), NodeAddr::Broker(k)).cut = true;
                            sim.net_mut().rule_mut(NodeAddr::Broker(k), NodeAddr::Client(id)).cut = true;
                        }
                    }
                    instance += 1;
                    let name = format!("copier-{instance}");
                    if sim.start_processor(processor_spec(&name, size, processing), "localhost:9092").is_ok() {
                        current = Some(name);
                    }
                }
            }
            6 => {
                let other = 1 + (b % 3);
                sim.net_mut().rule_mut(NodeAddr::Broker(b), NodeAddr::Broker(other)).cut = true;
            }
            7 => sim.net_mut().heal(None),
            _ => {
                // One of the processor's clients loses its link to one broker.
                if let Some(name) = &running {
                    let p = &sim.processors().running[name];
                    let id = if rng.below(2) == 0 { p.consumer } else { p.producer };
                    sim.net_mut().rule_mut(NodeAddr::Client(id), NodeAddr::Broker(b)).cut = true;
                    sim.net_mut().rule_mut(NodeAddr::Broker(b), NodeAddr::Client(id)).cut = true;
                }
            }
        }
    }
    heal_all(&mut sim);
    sim.run_for_ms(10_000);
    // A processor that ended (fenced, or its clients gone) is replaced, as an operator would.
    let alive = current.clone().filter(|n| {
        sim.processors().running.get(n).map(|p| !matches!(p.stage, ProcessorStage::Failed(_))).unwrap_or(false)
    });
    let name = match alive {
        Some(n) => n,
        None => {
            instance += 1;
            let name = format!("copier-{instance}");
            sim.start_processor(processor_spec(&name, size, processing), "localhost:9092").expect("starts");
            name
        }
    };
    sim.run_for_ms(30_000);
    sim.check_healed();
    // Catch up: the group's committed offsets reach the input's end and no transaction is open.
    let input_end: BTreeMap<TopicPartition, Offset> = (0..partitions)
        .map(|p| {
            let tp = TopicPartition::new("in", p);
            let end = sim.leader_log(&tp).map(|l| l.high_watermark).unwrap_or(0);
            (tp, end)
        })
        .collect();
    let mut committed = BTreeMap::new();
    // At the lowest quotas (400 B/s) copying a schedule's input takes minutes.
    let deadline = sim.now().plus_ms(600_000);
    while sim.now() < deadline {
        if let Some(c) = committed_offsets(&mut sim, PROCESSOR_GROUP) {
            committed = c;
            let idle = sim.processors().running.get(&name).map(|p| p.stage == ProcessorStage::Polling).unwrap_or(true);
            if idle && input_end.iter().all(|(tp, end)| committed.get(tp) == Some(end)) {
                break;
            }
        }
        sim.run_for_ms(5000);
    }
    let caught_up = input_end.iter().all(|(tp, end)| committed.get(tp) == Some(end));
    throttled += throttled_responses(&sim);
    // Every instance stops (crashes): a transaction left open is aborted by its coordinator
    // after transaction.timeout.ms, and then the committed offsets are stable.
    let names: Vec<String> = sim.processors().running.keys().cloned().collect();
    for n in names {
        let _ = sim.crash_processor(&n);
    }
    let deadline = sim.now().plus_ms(120_000);
    loop {
        let open = (0..partitions).any(|p| {
            sim.leader_log(&TopicPartition::new("out", p))
                .map(|l| l.last_stable_offset() < l.high_watermark)
                .unwrap_or(true)
        });
        if !open {
            if let Some(c) = committed_offsets(&mut sim, PROCESSOR_GROUP) {
                committed = c;
                break;
            }
        }
        if sim.now() >= deadline {
            break;
        }
        sim.run_for_ms(2000);
    }
    // The output, read_committed, to its end offsets; then the check.
    // The reader is throttled like every client: at 400 B/s the output takes minutes to read.
    let (output, reached) = read_committed_to_end(&mut sim, "checker", "out", partitions, 1_200_000);
    let mut violations = Vec::new();
    if !reached {
        violations.push("the checking reader did not reach the output's end offsets".to_string());
    }
    let mut copied = 0u64;
    for p in 0..partitions {
        let tp = TopicPartition::new("in", p);
        let below = committed.get(&tp).copied().unwrap_or(0);
        let expected = input_values(&sim, &tp, below);
        copied += expected.len() as u64;
        let got = &output[&p];
        if got != &expected {
            let first =
                expected.iter().zip(got.iter()).position(|(a, b)| a != b).unwrap_or(expected.len().min(got.len()));
            violations.push(format!(
                "out-{p}: {} records read_committed where in-{p} holds {} below the committed offset {below}; first difference at #{first}: expected {:?}, read {:?}",
                got.len(),
                expected.len(),
                expected.get(first),
                got.get(first),
            ));
        }
    }
    if std::env::var("SWEEP_DUMP").is_ok() {
        println!("{}", dump(&sim));
        for e in &sim.trace().events {
            let line = format!("{:?}", e.kind);
            if ["TxnOffsetCommit", "WriteTxnMarkers", "EndTxn", "InitProducerId", "AddOffsetsToTxn", "OffsetFetch"]
                .iter()
                .any(|k| line.contains(k))
            {
                println!("MSG {} {}", e.at, line);
            }
        }
        println!("{:?}", sim.processors().running);
        for p in 0..partitions {
            let tp = TopicPartition::new("out", p);
            if let Some(log) = sim.leader_log(&tp) {
                for b in log.batches() {
                    let vals: Vec<String> = b
                        .records
                        .iter()
                        .map(|r| String::from_utf8_lossy(r.value.as_deref().unwrap_or(b"")).into_owned())
                        .collect();
                    println!(
                        "{tp}@{} pid={} epoch={} control={:?} {vals:?}",
                        b.base_offset,
                        b.origin >> 40,
                        b.producer_epoch,
                        b.control
                    );
                }
                println!("{tp} aborted: {:?}", log.aborted);
            }
        }
    }
    let acked = sim.producer_mut(feeder).map(|p| p.acked).unwrap_or(0);
    let probe_failures = probe(&mut sim, "in", partitions);
    let out = SweepOutcome {
        findings: sim.checker().findings.clone(),
        probe_failures,
        acked,
        trace_hash: sim.trace_hash(),
        events: sim.events_processed(),
    };
    ProcessorOutcome { out, copied, instances: instance + 1, throttled, violations, caught_up }
}

/// Responses the processor `name`'s two clients got throttled.
fn processor_throttled(sim: &Sim, name: &str) -> u64 {
    let Some(p) = sim.processors().running.get(name) else { return 0 };
    [p.consumer, p.producer].iter().filter_map(|id| sim.clients().get(id)).map(|c| c.meta().throttled_responses).sum()
}

use brokerlab::sim::world::processor::ProcessorStage;

/// Logs the clients created from now on in as `user` (SASL/PLAIN), `None` for no SASL settings.
fn login(sim: &mut Sim, user: &str) {
    let password = format!("{user}-secret");
    sim.set_login_for_new_clients(Some(Login { username: user.into(), password }));
}

/// Adds ACLs through the controller (`CreateAcls`), as the admin client of the running login.
fn add_acls(sim: &mut Sim, acls: &[(&str, ResourceType, &str, AclOperation)]) {
    let bindings = acls
        .iter()
        .map(|(principal, rt, name, op)| AclBinding {
            pattern: ResourcePattern { resource_type: *rt, name: name.to_string(), pattern: PatternType::Literal },
            entry: AclEntry {
                principal: principal.to_string(),
                host: "*".into(),
                operation: *op,
                permission: Permission::Allow,
            },
        })
        .collect();
    let call = Call::new("createAcls", Target::Any, Request::Controller(ControllerRequest::CreateAcls { bindings }));
    let admin = sim.create_admin("acl-admin", "localhost:9092");
    let task = sim.admin_run(admin, vec![call], None);
    sim.close_client(admin);
    match task.calls[0].response.clone() {
        Some(Ok(Response::Controller(ControllerResponse::CreateAcls(r)))) if r.iter().all(|e| e.is_none()) => {}
        other => panic!("createAcls failed: {other:?}"),
    }
    sim.run_for_ms(1000);
}

/// The readers of a feature sweep: consumer-group members of group `g` reading `t`.
struct Workload<'a> {
    seed: u64,
    fault_seconds: u64,
    /// The producer writing `t` (keyed records, a new one every 50–200 ms).
    producer: u32,
    /// Creates a reader named by its argument (the login set as it needs).
    start: &'a mut dyn FnMut(&mut Sim, &str) -> u32,
    /// Called at every fault (after the common one): the sweep's own faults and work.
    extra: &'a mut dyn FnMut(&mut Sim, &mut Pcg32),
    readers: u32,
}

/// The common loop of the feature sweeps: records to `t`, readers in group `g`, and every
/// 1.5–4.5 s a fault: a broker crashes or starts, a reader crashes (a new instance starts) or
/// stalls, a link between brokers or between a reader and a broker is cut, or everything
/// heals. Then the full heal, a minute to settle and [`Sim::check_healed`].
fn run_workload(sim: &mut Sim, rng: &mut Pcg32, w: Workload<'_>) -> Vec<u32> {
    let mut readers: Vec<(String, u32)> = (0..w.readers)
        .map(|i| {
            let name = format!("r{i}");
            let id = (w.start)(sim, &name);
            (name, id)
        })
        .collect();
    let end = sim.now().plus_ms((w.fault_seconds * 1000) as i64);
    let mut next_fault = sim.now().plus_ms(2000);
    let (mut i, mut generation) = (0u64, 0u32);
    while sim.now() < end {
        let _ = sim.produce(
            w.producer,
            brokerlab::sim::client::producer::ProducerRecord {
                topic: "t".into(),
                partition: None,
                key: Some(brokerlab::sim::record::bytes(format!("k{}", i % 7).as_bytes())),
                value: Some(brokerlab::sim::record::bytes(format!("{}-{i}", w.seed).as_bytes())),
                headers: vec![],
                timestamp: None,
            },
        );
        i += 1;
        sim.run_for_ms(50 + u64::from(rng.below(150)));
        sim.take_completions(w.producer);
        if sim.now() < next_fault {
            continue;
        }
        next_fault = sim.now().plus_ms(1500 + i64::from(rng.below(3000)));
        let b = 1 + rng.below(3) as i32;
        let k = rng.below(readers.len() as u32) as usize;
        match rng.below(8) {
            0 => {
                let alive = sim.brokers().values().filter(|n| n.proc.is_some()).count();
                if alive > 2 && sim.brokers()[&b].proc.is_some() {
                    let _ = sim.kill_broker(b);
                }
            }
            1 | 2 => {
                if sim.brokers()[&b].proc.is_none() {
                    let _ = sim.start_broker(b);
                }
            }
            3 => {
                let (name, id) = readers[k].clone();
                let _ = sim.crash_client(id);
                generation += 1;
                let fresh = format!("{name}-{generation}");
                let nid = (w.start)(sim, &fresh);
                readers[k] = (fresh, nid);
            }
            4 => {
                let id = readers[k].1;
                let paused = sim.clients().get(&id).map(|c| c.paused).unwrap_or(false);
                let _ = sim.pause_client(id, !paused);
            }
            5 => {
                let other = 1 + (b % 3);
                sim.net_mut().rule_mut(NodeAddr::Broker(b), NodeAddr::Broker(other)).cut = true;
            }
            6 => sim.net_mut().heal(None),
            _ => {
                let c = NodeAddr::Client(readers[k].1);
                sim.net_mut().rule_mut(c, NodeAddr::Broker(b)).cut = true;
                sim.net_mut().rule_mut(NodeAddr::Broker(b), c).cut = true;
            }
        }
        (w.extra)(sim, rng);
    }
    heal_all(sim);
    for (_, id) in &readers {
        let _ = sim.pause_client(*id, false);
    }
    sim.run_for_ms(60_000);
    sim.check_healed();
    readers.into_iter().map(|(_, id)| id).collect()
}

fn group_reader(sim: &mut Sim, name: &str) -> u32 {
    let m = props(&[
        ("group.id", "g"),
        ("client.id", name),
        ("auto.offset.reset", "earliest"),
        ("session.timeout.ms", "10000"),
        ("heartbeat.interval.ms", "1000"),
        ("max.poll.interval.ms", "15000"),
    ]);
    let id = sim.create_consumer(name, "localhost:9092", ConsumerConfig::parse(&m).expect("valid"));
    sim.with_consumer(id, |c, _, _| c.subscribe(vec!["t".into()]));
    id
}

/// What the secured sweep found.
pub struct SecuredOutcome {
    pub out: SweepOutcome,
    /// Records alice's producer had acknowledged and bob's consumers read.
    pub consumed: u64,
    /// Sends of the refused writer (bob, who may only read) that failed with an authorization
    /// error; and what of its writes got in anyway (acknowledged sends, records in the log).
    pub refused: u64,
    pub accepted: Vec<String>,
    pub throttled: u64,
}

/// A secured cluster under faults (SASL/PLAIN on every listener, the `StandardAuthorizer`,
/// `allow.everyone.if.no.acl.found=false`): alice writes `t` with WRITE on it (enough for her
/// idempotent producer's InitProducerId, KIP-679), bob's consumers read it in group `g` with
/// READ on both, and each has a byte-rate quota as a user (`--entity-type users`). Bob also runs
/// a producer to `t`, which he may not write: each of its sends must fail with an authorization
/// error (`TOPIC_AUTHORIZATION_FAILED`, or `CLUSTER_AUTHORIZATION_FAILED` at InitProducerId
/// when idempotent) and nobody else may notice. Brokers crash, links are cut, bob's consumers
/// crash or stall.
pub fn run_secured_schedule(seed: u64, fault_seconds: u64) -> SecuredOutcome {
    let mut rng = Pcg32::new(seed, 0x5ec0);
    let mut cfg = ClusterConfig { brokers: 3, ..ClusterConfig::default() };
    for (k, v) in SASL_PLAIN_BROKER_CONFIGS {
        cfg.broker_configs.insert(k.to_string(), v.to_string());
    }
    let mut sim = Sim::new(seed, cfg).expect("config");
    sim.boot().expect("boot");
    let partitions = 1 + rng.below(3) as i32;
    login(&mut sim, "admin");
    let assignment: Vec<Vec<i32>> =
        (0..partitions).map(|p| vec![1 + p % 3, 1 + (p + 1) % 3, 1 + (p + 2) % 3]).collect();
    create_topic_assigned(&mut sim, "t", assignment, &[("min.insync.replicas", "2")]);
    add_acls(
        &mut sim,
        &[
            ("User:alice", ResourceType::Topic, "t", AclOperation::Write),
            ("User:bob", ResourceType::Topic, "t", AclOperation::Read),
            ("User:bob", ResourceType::Group, "g", AclOperation::Read),
        ],
    );
    let user = |u: &str| QuotaEntity { user: Some(QuotaName::Named(u.into())), client_id: None };
    let rates = [300, 800, 2000, 6000];
    let (produce_rate, consume_rate) = (rates[rng.below(4) as usize], rates[rng.below(4) as usize]);
    set_quota(&mut sim, user("alice"), &[("producer_byte_rate", produce_rate)]);
    set_quota(&mut sim, user("bob"), &[("consumer_byte_rate", consume_rate), ("producer_byte_rate", 100)]);
    login(&mut sim, "alice");
    let p = producer(
        &mut sim,
        "p",
        &[("acks", "all"), ("request.timeout.ms", "4000"), ("delivery.timeout.ms", "20000"), ("linger.ms", "0")],
    );
    login(&mut sim, "bob");
    let idempotent = if rng.below(2) == 0 { "true" } else { "false" };
    let acks = if idempotent == "true" { "all" } else { "1" };
    let refused_writer = producer(
        &mut sim,
        "bob-writer",
        &[
            ("enable.idempotence", idempotent),
            ("acks", acks),
            ("request.timeout.ms", "4000"),
            ("delivery.timeout.ms", "20000"),
            ("linger.ms", "0"),
        ],
    );
    let (mut refused, mut accepted) = (0u64, Vec::new());
    // A send that timed out under the faults before a broker could refuse it is neither.
    let tally = |sim: &mut Sim, refused: &mut u64, accepted: &mut Vec<String>| {
        for c in sim.take_completions(refused_writer) {
            match &c.result {
                Err(e)
                    if matches!(
                        e.error,
                        KafkaError::TOPIC_AUTHORIZATION_FAILED | KafkaError::CLUSTER_AUTHORIZATION_FAILED
                    ) =>
                {
                    *refused += 1
                }
                Ok(offset) => accepted.push(format!("{} acknowledged at {offset}", c.tp)),
                Err(_) => {}
            }
        }
    };
    let mut start = |sim: &mut Sim, name: &str| {
        login(sim, "bob");
        group_reader(sim, name)
    };
    let mut extra = |sim: &mut Sim, rng: &mut Pcg32| {
        // Bob tries to write now and then.
        for _ in 0..1 + rng.below(3) {
            let _ = sim.produce(
                refused_writer,
                brokerlab::sim::client::producer::ProducerRecord {
                    topic: "t".into(),
                    partition: None,
                    key: None,
                    value: Some(brokerlab::sim::record::bytes(b"not allowed")),
                    headers: vec![],
                    timestamp: None,
                },
            );
        }
        tally(sim, &mut refused, &mut accepted);
    };
    let n = 2 + rng.below(2);
    let readers = run_workload(
        &mut sim,
        &mut rng,
        Workload { seed, fault_seconds, producer: p, start: &mut start, extra: &mut extra, readers: n },
    );
    let _ = readers;
    tally(&mut sim, &mut refused, &mut accepted);
    for q in 0..partitions {
        let tp = TopicPartition::new("t", q);
        let Some(log) = sim.leader_log(&tp) else { continue };
        for b in log.batches() {
            if b.records.iter().any(|r| r.value.as_deref() == Some(b"not allowed".as_slice())) {
                accepted.push(format!("{tp}: bob's record in the log at {}", b.base_offset));
            }
        }
    }
    let throttled = throttled_responses(&sim);
    let consumed = sim.checker().history.consumed;
    let acked = sim.producer_mut(p).map(|p| p.acked).unwrap_or(0);
    login(&mut sim, "admin");
    let probe_failures = probe(&mut sim, "t", partitions);
    sim.set_login_for_new_clients(None);
    let out = SweepOutcome {
        findings: sim.checker().findings.clone(),
        probe_failures,
        acked,
        trace_hash: sim.trace_hash(),
        events: sim.events_processed(),
    };
    SecuredOutcome { out, consumed, refused, accepted, throttled }
}

/// What the segment sweep found.
pub struct SegmentOutcome {
    pub out: SweepOutcome,
    pub consumed: u64,
    /// Segments of the partition leaders' logs after the heal, and the offsets below their
    /// LEO that no longer hold a record (deleted by retention).
    pub segments: u64,
    pub removed: u64,
    pub throttled: u64,
    /// Whether the topic's `cleanup.policy` includes `compact`, and how many records the log
    /// cleaner removed from it on any broker (`LogCleaned` trace events).
    pub compacted: bool,
    pub cleaned: u64,
}

/// Segment files under faults: a topic whose segments roll every `segment.ms` (1–4 s) or every
/// few kilobytes (`internal.segment.bytes`), whose `cleanup.policy` is `delete`, `compact` or
/// `compact,delete` (one seed in three each): old segments retention deletes (`retention.ms` of
/// seconds or a `retention.bytes` of kilobytes, checked every second) and the cleaner compacts
/// (keys `k0`..`k6`, `min.cleanable.dirty.ratio=0.01`, every second), while brokers crash and
/// recover their
/// logs, links are cut and consumers of group `g` crash, stall and fall below the log start
/// (OFFSET_OUT_OF_RANGE, `auto.offset.reset=earliest`). A default client quota throttles every
/// client. No invariant violation, no duplicate, reordering or skipped offset, no acknowledged
/// write lost that retention did not delete.
pub fn run_segment_schedule(seed: u64, fault_seconds: u64) -> SegmentOutcome {
    let mut rng = Pcg32::new(seed, 0x5e6f);
    let mut cfg = ClusterConfig { brokers: 3, ..ClusterConfig::default() };
    cfg.broker_configs.insert("log.retention.check.interval.ms".into(), "1000".into());
    cfg.broker_configs.insert("log.cleaner.backoff.ms".into(), "1000".into());
    let mut sim = Sim::new(seed, cfg).expect("config");
    sim.boot().expect("boot");
    let partitions = 1 + rng.below(2) as i32;
    let segment_ms = (1000 + rng.below(3001)).to_string();
    let segment_bytes = (1500 + rng.below(3000)).to_string();
    let retention_ms = (6000 + rng.below(10_000)).to_string();
    let retention_bytes = (3000 + rng.below(6000)).to_string();
    let mut configs: Vec<(&str, &str)> = vec![("min.insync.replicas", "2"), ("segment.ms", &segment_ms)];
    if rng.below(2) == 0 {
        configs.push(("internal.segment.bytes", &segment_bytes));
    }
    let policy = ["delete", "compact", "compact,delete"][rng.below(3) as usize];
    if policy != "delete" {
        configs.extend([("cleanup.policy", policy), ("min.cleanable.dirty.ratio", "0.01")]);
    }
    match rng.below(3) {
        0 => configs.push(("retention.ms", &retention_ms)),
        1 => configs.push(("retention.bytes", &retention_bytes)),
        _ => configs.extend([("retention.ms", retention_ms.as_str()), ("retention.bytes", &retention_bytes)]),
    }
    let assignment: Vec<Vec<i32>> =
        (0..partitions).map(|p| vec![1 + p % 3, 1 + (p + 1) % 3, 1 + (p + 2) % 3]).collect();
    create_topic_assigned(&mut sim, "t", assignment, &configs);
    let rate = [500, 1500, 5000][rng.below(3) as usize];
    set_quota(&mut sim, default_client(), &[("producer_byte_rate", rate), ("consumer_byte_rate", rate)]);
    let p = producer(
        &mut sim,
        "p",
        &[("acks", "all"), ("request.timeout.ms", "4000"), ("delivery.timeout.ms", "20000"), ("linger.ms", "0")],
    );
    let n = 2 + rng.below(2);
    let mut start = |sim: &mut Sim, name: &str| group_reader(sim, name);
    let mut extra = |_: &mut Sim, _: &mut Pcg32| {};
    run_workload(
        &mut sim,
        &mut rng,
        Workload { seed, fault_seconds, producer: p, start: &mut start, extra: &mut extra, readers: n },
    );
    let (mut segments, mut removed) = (0u64, 0u64);
    for q in 0..partitions {
        if let Some(log) = sim.leader_log(&TopicPartition::new("t", q)) {
            segments += log.segments().len() as u64;
            let held: i64 = log.batches().map(|b| b.records.len() as i64).sum();
            removed += (log.log_end_offset - held).max(0) as u64;
        }
    }
    let cleaned: u64 = sim
        .trace()
        .events
        .iter()
        .map(|e| match &e.kind {
            TraceKind::LogCleaned { tp, removed, .. } if tp.topic == "t" => u64::from(*removed),
            _ => 0,
        })
        .sum();
    let throttled = throttled_responses(&sim);
    let consumed = sim.checker().history.consumed;
    let acked = sim.producer_mut(p).map(|p| p.acked).unwrap_or(0);
    let probe_failures = probe(&mut sim, "t", partitions);
    if std::env::var("SWEEP_DUMP").is_ok() {
        println!("{configs:?}\n{}", dump(&sim));
        for (id, b) in sim.brokers() {
            for (tp, log) in &b.disk.logs {
                if tp.topic == "t" {
                    println!(
                        "broker {id} {tp}: start {} hw {} leo {} segments {:?}",
                        log.log_start_offset,
                        log.high_watermark,
                        log.log_end_offset,
                        log.segments().iter().map(|s| s.base_offset).collect::<Vec<_>>()
                    );
                    if std::env::var("SWEEP_DUMP_BATCHES").is_ok() {
                        for b in log.batches() {
                            println!("  {b:?}");
                        }
                    }
                }
            }
        }
    }
    let out = SweepOutcome {
        findings: sim.checker().findings.clone(),
        probe_failures,
        acked,
        trace_hash: sim.trace_hash(),
        events: sim.events_processed(),
    };
    SegmentOutcome { out, consumed, segments, removed, throttled, compacted: policy != "delete", cleaned }
}
