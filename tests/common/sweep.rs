//! Random fault schedules for seed sweeps (TigerBeetle/madsim style: one seed decides the
//! cluster, the workload and every fault; a failure prints "reproduce with seed=N").

use super::*;
use brokerlab::sim::rng::Pcg32;
use brokerlab::sim::trace::Finding;
use brokerlab::sim::types::NodeAddr;

pub struct SweepOutcome {
    pub findings: Vec<Finding>,
    /// After the heal and the settling time: acks=all sends of a fresh producer that failed.
    pub probe_failures: Vec<String>,
    pub acked: u64,
    pub trace_hash: u64,
    pub events: u64,
}

/// Runs one schedule. `safe`: RF 3, min.insync.replicas 2, acks=all, idempotence, no unclean
/// elections. Unsafe: acks=1, min.insync.replicas 1, unclean elections allowed.
pub fn run_schedule(seed: u64, safe: bool, fault_seconds: u64) -> SweepOutcome {
    let mut rng = Pcg32::new(seed, 0x5eed);
    let brokers = 3 + rng.below(2);
    let controllers = if rng.below(3) == 0 { 3 } else { 1 };
    let cfg = ClusterConfig { brokers, controllers, ..ClusterConfig::default() };
    let mut sim = Sim::new(seed, cfg).expect("config");
    sim.boot().expect("boot");
    let configs: &[(&str, &str)] = if safe {
        &[("min.insync.replicas", "2")]
    } else {
        &[("min.insync.replicas", "1"), ("unclean.leader.election.enable", "true")]
    };
    let ids: Vec<i32> = (1..=brokers as i32).collect();
    let assignment: Vec<Vec<i32>> =
        (0..2).map(|p| (0..3).map(|k| ids[((p + k) % ids.len() as i32) as usize]).collect()).collect();
    create_topic_assigned(&mut sim, "t", assignment, configs);
    // Each seed's producer compresses with one of Kafka's codecs in turn (chosen from the seed,
    // not the schedule's random stream, so the fault schedule of a seed stays the same).
    let codec = ["none", "gzip", "snappy", "lz4", "zstd"][(seed % 5) as usize];
    let pcfg: &[(&str, &str)] = if safe {
        &[
            ("acks", "all"),
            ("enable.idempotence", "true"),
            ("request.timeout.ms", "4000"),
            ("delivery.timeout.ms", "20000"),
            ("linger.ms", "0"),
            ("compression.type", codec),
        ]
    } else {
        &[
            ("acks", "1"),
            ("enable.idempotence", "false"),
            ("request.timeout.ms", "4000"),
            ("delivery.timeout.ms", "20000"),
            ("linger.ms", "0"),
            ("compression.type", codec),
        ]
    };
    let p = producer(&mut sim, "p", pcfg);
    let end = sim.now().plus_ms((fault_seconds * 1000) as i64);
    let mut next_fault = sim.now().plus_ms(1000);
    let mut i = 0u64;
    while sim.now() < end {
        // A record every 50–250 ms to a random partition.
        let part = rng.below(2) as i32;
        let _ = sim.produce(
            p,
            brokerlab::sim::client::producer::ProducerRecord {
                topic: "t".into(),
                partition: Some(part),
                key: None,
                value: Some(brokerlab::sim::record::bytes(format!("{seed}-{i}").as_bytes())),
                headers: vec![],
                timestamp: None,
            },
        );
        i += 1;
        sim.run_for_ms(50 + u64::from(rng.below(200)));
        if sim.now() >= next_fault {
            inject(&mut sim, &mut rng, brokers);
            next_fault = sim.now().plus_ms(1000 + i64::from(rng.below(4000)));
        }
        sim.take_completions(p);
    }
    // Heal everything and let the cluster settle.
    heal_all(&mut sim);
    sim.run_for_ms(settle_ms());
    // Every partition back in sync, every acknowledged record readable (or reported lost).
    sim.check_healed();
    let acked = sim.producer_mut(p).map(|p| p.acked).unwrap_or(0);
    let probe_failures = probe(&mut sim, "t", 2);
    if std::env::var("SWEEP_DUMP").is_ok() {
        println!("{}", dump(&sim));
    }
    SweepOutcome {
        findings: sim.checker().findings.clone(),
        probe_failures,
        acked,
        trace_hash: sim.trace_hash(),
        events: sim.events_processed(),
    }
}

/// The full heal: no network fault, no slow broker, every controller running, and every broker
/// running, including those whose controlled shutdown was still under way (they finish it
/// first, as an operator restarting them would wait for them to stop).
pub fn heal_all(sim: &mut Sim) {
    use brokerlab::sim::broker::BrokerState;
    sim.net_mut().heal(None);
    sim.set_remote_store_down(false);
    for c in sim.controllers().keys().copied().collect::<Vec<_>>() {
        if sim.controllers()[&c].proc.is_none() {
            let _ = sim.start_controller(c);
        }
    }
    let stopping = |s: &mut Sim| {
        s.brokers().values().any(|b| b.proc.as_ref().map(|p| p.state == BrokerState::ShuttingDown).unwrap_or(false))
    };
    sim.run_while(60_000, |s| !stopping(s));
    for b in sim.brokers().keys().copied().collect::<Vec<_>>() {
        let _ = sim.slow_broker(b, 0);
        if sim.brokers()[&b].proc.is_none() {
            let _ = sim.start_broker(b);
        }
    }
}

/// A healed cluster takes writes: a fresh idempotent acks=all producer sends one record to
/// every partition of `topic`; returns the sends that failed (or did not complete).
pub fn probe(sim: &mut Sim, topic: &str, partitions: i32) -> Vec<String> {
    let q = producer(
        sim,
        "probe",
        &[("acks", "all"), ("enable.idempotence", "true"), ("delivery.timeout.ms", "30000"), ("linger.ms", "0")],
    );
    for part in 0..partitions {
        send(sim, q, topic, Some(part), "probe", "after the heal");
    }
    let done = wait_idle(sim, q, 40_000);
    let mut failures: Vec<String> =
        done.iter().filter(|c| c.result.is_err()).map(|c| format!("{}: {:?}", c.tp, c.result)).collect();
    if done.len() < partitions as usize {
        failures.push(format!("{} of {partitions} sends completed", done.len()));
    }
    failures
}

/// How long a schedule lets the cluster settle after the full heal before the end checks.
fn settle_ms() -> u64 {
    std::env::var("SWEEP_SETTLE_MS").ok().and_then(|s| s.parse().ok()).unwrap_or(40_000)
}

fn inject(sim: &mut Sim, rng: &mut Pcg32, brokers: u32) {
    let b = 1 + rng.below(brokers) as i32;
    let other = 1 + rng.below(brokers) as i32;
    let c = FIRST + rng.below(sim.controllers().len() as u32) as i32;
    let alive = sim.brokers().values().filter(|n| n.proc.is_some()).count();
    // A broker–broker or broker–controller link, one way or both.
    let link = |rng: &mut Pcg32| {
        let x = NodeAddr::Broker(b);
        let y = if rng.below(2) == 0 || other == b { NodeAddr::Controller(c) } else { NodeAddr::Broker(other) };
        if rng.below(2) == 0 {
            (x, y)
        } else {
            (y, x)
        }
    };
    match rng.below(16) {
        0 | 1 => {
            // Crash a broker, but keep at least two running so the cluster can make progress.
            if alive > 2 && sim.brokers()[&b].proc.is_some() {
                let _ = sim.kill_broker(b);
            }
        }
        2 | 3 => {
            if sim.brokers()[&b].proc.is_none() {
                let _ = sim.start_broker(b);
            }
        }
        4 => {
            if other != b {
                let (x, y) = (NodeAddr::Broker(b), NodeAddr::Broker(other));
                sim.net_mut().rule_mut(x, y).cut = true;
                if rng.below(2) == 0 {
                    sim.net_mut().rule_mut(y, x).cut = true;
                }
            }
        }
        5 => {
            let (x, y) = (NodeAddr::Broker(b), NodeAddr::Controller(c));
            sim.net_mut().rule_mut(x, y).cut = true;
            sim.net_mut().rule_mut(y, x).cut = true;
        }
        6 => sim.net_mut().heal(None),
        7 => {
            let _ = sim.slow_broker(b, if rng.below(2) == 0 { 35_000 } else { 0 });
        }
        8 | 9 => {
            // Any controller, the only one too: the quorum (or the whole control plane) is
            // gone until it comes back.
            if sim.controllers()[&c].proc.is_some() {
                let _ = sim.kill_controller(c);
            } else {
                let _ = sim.start_controller(c);
            }
        }
        10 => {
            let (x, y) = link(rng);
            sim.net_mut().rule_mut(x, y).cut = true;
        }
        11 => {
            // Controlled shutdown, keeping two brokers running.
            if alive > 2 && sim.brokers()[&b].proc.is_some() {
                let _ = sim.stop_broker(b);
            }
        }
        12 => {
            let (x, y) = link(rng);
            sim.net_mut().rule_mut(x, y).loss_ppm = 100_000 * (1 + rng.below(5));
        }
        13 => {
            let (x, y) = link(rng);
            sim.net_mut().rule_mut(x, y).drop_next = 1 + rng.below(3);
        }
        14 => {
            // A broker isolated from every other node.
            let me = NodeAddr::Broker(b);
            let others: Vec<NodeAddr> = sim
                .brokers()
                .keys()
                .map(|i| NodeAddr::Broker(*i))
                .chain(sim.controllers().keys().map(|i| NodeAddr::Controller(*i)))
                .filter(|n| *n != me)
                .collect();
            for n in others {
                sim.net_mut().rule_mut(me, n).cut = true;
                sim.net_mut().rule_mut(n, me).cut = true;
            }
        }
        _ => {
            let (x, y) = link(rng);
            sim.net_mut().rule_mut(x, y).extra_latency_us = 1000 * u64::from(50 + rng.below(3000));
        }
    }
}

const FIRST: i32 = brokerlab::sim::world::FIRST_CONTROLLER_ID;

/// Engine II schedule: an idempotent acks=all producer and a consumer group of 2–3 members,
/// with random broker crashes and restarts, network cuts, consumer crashes (a new instance
/// takes its place) and stuck consumers.
pub fn run_consumer_schedule(seed: u64, fault_seconds: u64) -> SweepOutcome {
    run_consumer_schedule_with(seed, fault_seconds, false)
}

/// The consumer configs of the consumer-group sweeps: the classic protocol or, with
/// `consumer_protocol`, KIP-848's (`group.protocol=consumer`: the coordinator's session and
/// heartbeat interval).
fn group_consumer_config(
    name: &str,
    consumer_protocol: bool,
    read_committed: bool,
) -> brokerlab::sim::client::config::ConsumerConfig {
    let mut m = if consumer_protocol {
        props(&[
            ("group.id", "g"),
            ("group.protocol", "consumer"),
            ("auto.offset.reset", "earliest"),
            ("max.poll.interval.ms", "15000"),
        ])
    } else {
        props(&[
            ("group.id", "g"),
            ("auto.offset.reset", "earliest"),
            ("session.timeout.ms", "10000"),
            ("heartbeat.interval.ms", "1000"),
            ("max.poll.interval.ms", "15000"),
        ])
    };
    m.insert("client.id".into(), name.into());
    if read_committed {
        m.insert("isolation.level".into(), "read_committed".into());
    }
    brokerlab::sim::client::config::ConsumerConfig::parse(&m).expect("valid")
}

/// A consumer-group member reading `t`.
fn start_group_consumer(sim: &mut Sim, name: &str, consumer_protocol: bool, read_committed: bool) -> u32 {
    let id =
        sim.create_consumer(name, "localhost:9092", group_consumer_config(name, consumer_protocol, read_committed));
    sim.with_consumer(id, |c, _, _| c.subscribe(vec!["t".into()]));
    id
}

/// A share consumer of share group `sg` reading `t` (KIP-932), acknowledging with an
/// acknowledgement type and a processing time drawn from `rng`.
fn start_share_consumer(sim: &mut Sim, rng: &mut Pcg32, name: &str) -> u32 {
    use brokerlab::sim::broker::share_partition::AckType;
    use brokerlab::sim::client::config::ConsumerConfig;
    use brokerlab::sim::client::consumer::share::ShareClient;
    let acks = [AckType::Accept, AckType::Accept, AckType::Release, AckType::Reject];
    let ack = acks[rng.below(4) as usize];
    let processing = i64::from(rng.below(30));
    let mut m = props(&[("group.id", "sg")]);
    m.insert("client.id".into(), name.into());
    let id = sim.create_consumer(name, "localhost:9092", ConsumerConfig::parse(&m).expect("valid"));
    sim.with_consumer(id, |c, _, _| {
        c.share = Some(ShareClient { implicit_ack: Some(ack), ..Default::default() });
        c.app.processing_ms_per_record = processing;
        c.subscribe(vec!["t".into()]);
    });
    id
}

/// Records the share consumer `id` acquired so far (0 for any other client).
fn share_acquired(sim: &mut Sim, id: u32) -> u64 {
    sim.consumer_mut(id).and_then(|c| c.share.as_ref().map(|s| s.acquired_total)).unwrap_or(0)
}

/// The readers' schedule every group sweep shares: topic `t` with `partitions` partitions (RF 3,
/// min.insync.replicas 2), an acks=all producer writing a keyed record every 50–250 ms, `n`
/// readers started by `start(sim, rng, name, i)` (named `{prefix}{i}`), and from
/// `first_fault_ms` on a fault every 1.5–4.5 s: a broker crash or restart, a cut link between
/// brokers or between a reader and a broker, a heal, a reader that crashes (`crashed` is told,
/// and a new instance of the same kind takes its place: `start` with its index) or that stops
/// and resumes polling. Then everything heals and settles. Returns the producer and the readers.
fn run_readers(
    sim: &mut Sim,
    rng: &mut Pcg32,
    shape: Readers,
    start: &mut dyn FnMut(&mut Sim, &mut Pcg32, &str, usize) -> u32,
    crashed: &mut dyn FnMut(&mut Sim, u32),
) -> (u32, Vec<(String, u32)>) {
    let Readers { seed, fault_seconds, partitions, prefix, n, first_fault_ms, tiered } = shape;
    let assignment: Vec<Vec<i32>> =
        (0..partitions).map(|p| vec![1 + p % 3, 1 + (p + 1) % 3, 1 + (p + 2) % 3]).collect();
    let mut configs = vec![("min.insync.replicas", "2")];
    if tiered {
        configs.extend(TIERED_TOPIC);
    }
    create_topic_assigned(sim, "t", assignment, &configs);
    let p = producer(
        sim,
        "p",
        &[("acks", "all"), ("request.timeout.ms", "4000"), ("delivery.timeout.ms", "20000"), ("linger.ms", "0")],
    );
    let mut readers: Vec<(String, u32)> = Vec::new();
    for i in 0..n as usize {
        let name = format!("{prefix}{i}");
        let id = start(sim, rng, &name, i);
        readers.push((name, id));
    }
    let end = sim.now().plus_ms((fault_seconds * 1000) as i64);
    let mut next_fault = sim.now().plus_ms(first_fault_ms);
    let mut i = 0u64;
    let mut generation = 0u32;
    while sim.now() < end {
        let _ = sim.produce(
            p,
            brokerlab::sim::client::producer::ProducerRecord {
                topic: "t".into(),
                partition: None,
                key: Some(brokerlab::sim::record::bytes(format!("k{}", i % 7).as_bytes())),
                value: Some(brokerlab::sim::record::bytes(format!("{seed}-{i}").as_bytes())),
                headers: vec![],
                timestamp: None,
            },
        );
        i += 1;
        sim.run_for_ms(50 + u64::from(rng.below(150)));
        sim.take_completions(p);
        if sim.now() >= next_fault {
            next_fault = sim.now().plus_ms(1500 + i64::from(rng.below(3000)));
            let b = 1 + rng.below(3) as i32;
            let k = rng.below(readers.len() as u32) as usize;
            match rng.below(if tiered { 9 } else { 8 }) {
                8 => {
                    // Tiered storage: the remote store becomes unreachable, or reachable again.
                    let down = !sim.remote_store().down;
                    sim.set_remote_store_down(down);
                }
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
                    // A reader crashes (a share consumer's records stay locked until their
                    // locks expire); a new instance of the application starts.
                    let (name, id) = readers[k].clone();
                    crashed(sim, id);
                    let _ = sim.crash_client(id);
                    generation += 1;
                    let fresh = format!("{name}-{generation}");
                    let nid = start(sim, rng, &fresh, k);
                    readers[k] = (fresh, nid);
                }
                4 => {
                    // A stalled application: a consumer's partitions move on after
                    // max.poll.interval.ms, a share consumer's records when their locks expire.
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
                    let id = readers[k].1;
                    let c = NodeAddr::Client(id);
                    sim.net_mut().rule_mut(c, NodeAddr::Broker(b)).cut = true;
                    sim.net_mut().rule_mut(NodeAddr::Broker(b), c).cut = true;
                }
            }
        }
    }
    heal_all(sim);
    for (_, id) in &readers {
        let _ = sim.pause_client(*id, false);
    }
    sim.run_for_ms(settle_ms().max(60_000));
    sim.check_healed();
    (p, readers)
}

/// The shape of a group sweep: its seed and length, the topic's partitions, the readers' names
/// and number, when the first fault comes.
struct Readers {
    seed: u64,
    fault_seconds: u64,
    partitions: i32,
    prefix: &'static str,
    n: u32,
    first_fault_ms: i64,
    /// The topic is tiered (`TIERED_TOPIC`) and the remote store may go down among the faults.
    tiered: bool,
}

/// A tiered topic's configs in the tiered sweep: small segments (`internal.segment.bytes`), a
/// small local log, so that segments are copied and deleted locally within the schedule.
const TIERED_TOPIC: [(&str, &str); 3] =
    [("remote.storage.enable", "true"), ("internal.segment.bytes", "2000"), ("local.retention.bytes", "2000")];

/// What a group sweep found, after the probe writes.
fn outcome(sim: &mut Sim, p: u32, partitions: i32) -> SweepOutcome {
    let acked = sim.producer_mut(p).map(|p| p.acked).unwrap_or(0);
    let probe_failures = probe(sim, "t", partitions);
    SweepOutcome {
        findings: sim.checker().findings.clone(),
        probe_failures,
        acked,
        trace_hash: sim.trace_hash(),
        events: sim.events_processed(),
    }
}

/// The consumer sweep with the consumers in the classic protocol or, `consumer_protocol`, in
/// KIP-848's (`group.protocol=consumer`: the coordinator's session and heartbeat interval).
pub fn run_consumer_schedule_with(seed: u64, fault_seconds: u64, consumer_protocol: bool) -> SweepOutcome {
    let mut rng = Pcg32::new(seed, 0xc0de);
    let mut sim = Sim::new(seed, ClusterConfig { brokers: 3, ..ClusterConfig::default() }).expect("config");
    sim.boot().expect("boot");
    let read_committed = rng.below(2) == 0;
    let n = 2 + rng.below(2);
    let mut start = |sim: &mut Sim, _: &mut Pcg32, name: &str, _: usize| {
        start_group_consumer(sim, name, consumer_protocol, read_committed)
    };
    let (p, consumers) = run_readers(
        &mut sim,
        &mut rng,
        Readers { seed, fault_seconds, partitions: 3, prefix: "c", n, first_fault_ms: 2000, tiered: false },
        &mut start,
        &mut |_, _| {},
    );
    let out = outcome(&mut sim, p, 3);
    if std::env::var("SWEEP_DUMP").is_ok() {
        println!("{}", dump(&sim));
        for (name, id) in &consumers {
            if let Some(c) = sim.consumer_mut(*id) {
                println!("{name}: {:?}", c.group);
            }
        }
    }
    let consumed = sim.checker().history.consumed;
    assert!(consumed > 0 || out.acked == 0, "reproduce with seed={seed}: the consumers read nothing");
    out
}

/// Fetching in the mix (KIP-392 and long polls): brokers in racks a, b, c with
/// `replica.selector.class=RackAwareReplicaSelector`, consumer-group members each in a random
/// rack (`client.rack`, sometimes none) with a random `fetch.min.bytes` (1 or 2000) and
/// `fetch.max.wait.ms` (100-1000), so they read from followers and wait at brokers while
/// brokers crash, links are cut and consumers crash or stall.
pub fn run_rack_schedule(seed: u64, fault_seconds: u64) -> SweepOutcome {
    let mut rng = Pcg32::new(seed, 0x4ac3);
    let mut cfg =
        ClusterConfig { brokers: 3, racks: vec!["a".into(), "b".into(), "c".into()], ..ClusterConfig::default() };
    cfg.broker_configs
        .insert("replica.selector.class".into(), "org.apache.kafka.common.replica.RackAwareReplicaSelector".into());
    let mut sim = Sim::new(seed, cfg).expect("config");
    sim.boot().expect("boot");
    let n = 2 + rng.below(2);
    let mut start = |sim: &mut Sim, rng: &mut Pcg32, name: &str, _: usize| {
        let mut m = props(&[
            ("group.id", "g"),
            ("auto.offset.reset", "earliest"),
            ("session.timeout.ms", "10000"),
            ("heartbeat.interval.ms", "1000"),
            ("max.poll.interval.ms", "15000"),
        ]);
        m.insert("client.id".into(), name.into());
        let rack = ["a", "b", "c", ""][rng.below(4) as usize];
        if !rack.is_empty() {
            m.insert("client.rack".into(), rack.into());
        }
        m.insert("fetch.min.bytes".into(), if rng.below(2) == 0 { "1" } else { "2000" }.into());
        m.insert("fetch.max.wait.ms".into(), (100 + rng.below(901)).to_string());
        let cfg = brokerlab::sim::client::config::ConsumerConfig::parse(&m).expect("valid");
        let id = sim.create_consumer(name, "localhost:9092", cfg);
        sim.with_consumer(id, |c, _, _| c.subscribe(vec!["t".into()]));
        id
    };
    let (p, _) = run_readers(
        &mut sim,
        &mut rng,
        Readers { seed, fault_seconds, partitions: 3, prefix: "r", n, first_fault_ms: 3000, tiered: false },
        &mut start,
        &mut |_, _| {},
    );
    let out = outcome(&mut sim, p, 3);
    let consumed = sim.checker().history.consumed;
    assert!(consumed > 0 || out.acked == 0, "reproduce with seed={seed}: the consumers read nothing");
    out
}

/// KIP-932: share consumers (2 to 4, more than the topic's partitions half the time) reading
/// one topic as a share group while brokers crash and restart, links are cut, consumers crash,
/// stall (their acquisition locks expire) or release and reject what they read. The checker
/// looks at every share-partition after each acquisition, acknowledgement and lock expiry: no
/// record delivered more often than `group.share.delivery.count.limit`, none between the SPSO
/// and the SPEO in no state. Returns the outcome and the records the share consumers acquired.
pub fn run_share_schedule(seed: u64, fault_seconds: u64) -> (SweepOutcome, u64) {
    let mut rng = Pcg32::new(seed, 0x5a4e);
    let mut sim = Sim::new(seed, ClusterConfig { brokers: 3, ..ClusterConfig::default() }).expect("config");
    sim.boot().expect("boot");
    let partitions = 1 + rng.below(3) as i32;
    let n = 2 + rng.below(3);
    let mut acquired = 0u64;
    let mut start = |sim: &mut Sim, rng: &mut Pcg32, name: &str, _: usize| start_share_consumer(sim, rng, name);
    let mut crashed = |sim: &mut Sim, id: u32| acquired += share_acquired(sim, id);
    let (p, consumers) = run_readers(
        &mut sim,
        &mut rng,
        Readers { seed, fault_seconds, partitions, prefix: "s", n, first_fault_ms: 8000, tiered: false },
        &mut start,
        &mut crashed,
    );
    for (_, id) in &consumers {
        acquired += share_acquired(&mut sim, *id);
    }
    (outcome(&mut sim, p, partitions), acquired)
}

/// Share groups in the mix: a consumer group (classic or KIP-848, by seed) and a share group
/// read the same topic at once, under the same faults — the group coordinator serves both
/// kinds of group, and the partition leaders serve Fetch and ShareFetch side by side. Readers
/// alternate: even ones are consumer-group members, odd ones share consumers; a crashed reader
/// is replaced by one of its kind. Returns the outcome, the records the consumer group read
/// (the history checker's count) and those the share consumers acquired.
pub fn run_mixed_schedule(seed: u64, fault_seconds: u64) -> (SweepOutcome, u64, u64) {
    let mut rng = Pcg32::new(seed, 0x313c);
    let mut sim = Sim::new(seed, ClusterConfig { brokers: 3, ..ClusterConfig::default() }).expect("config");
    sim.boot().expect("boot");
    let partitions = 1 + rng.below(3) as i32;
    let consumer_protocol = rng.below(2) == 0;
    let n = 3 + rng.below(2);
    let mut acquired = 0u64;
    let mut start = |sim: &mut Sim, rng: &mut Pcg32, name: &str, i: usize| {
        if i.is_multiple_of(2) {
            start_group_consumer(sim, name, consumer_protocol, false)
        } else {
            start_share_consumer(sim, rng, name)
        }
    };
    let mut crashed = |sim: &mut Sim, id: u32| acquired += share_acquired(sim, id);
    let (p, readers) = run_readers(
        &mut sim,
        &mut rng,
        Readers { seed, fault_seconds, partitions, prefix: "r", n, first_fault_ms: 4000, tiered: false },
        &mut start,
        &mut crashed,
    );
    for (_, id) in &readers {
        acquired += share_acquired(&mut sim, *id);
    }
    let consumed = sim.checker().history.consumed;
    (outcome(&mut sim, p, partitions), consumed, acquired)
}

/// Tiered storage (KIP-405) under faults: a cluster with `remote.log.storage.system.enable`, a
/// tiered topic whose segments are copied and deleted locally while a consumer group reads it,
/// brokers crash and restart, links are cut, readers crash or stall and the remote store goes
/// down and comes back. After the heal a new group reads the topic from the beginning, the old
/// offsets from the remote store. Returns the outcome, what the late group read and how many of
/// its fetches the remote store served.
pub fn run_tiered_schedule(seed: u64, fault_seconds: u64) -> (SweepOutcome, u64, u64) {
    let mut rng = Pcg32::new(seed, 0x71e2);
    let mut cfg = ClusterConfig { brokers: 3, ..ClusterConfig::default() };
    for (k, v) in [
        ("remote.log.storage.system.enable", "true"),
        ("remote.log.manager.task.interval.ms", "1000"),
        ("log.retention.check.interval.ms", "1000"),
    ] {
        cfg.broker_configs.insert(k.into(), v.into());
    }
    let mut sim = Sim::new(seed, cfg).expect("config");
    sim.boot().expect("boot");
    let partitions = 1 + rng.below(2) as i32;
    let n = 2 + rng.below(2);
    let mut start = |sim: &mut Sim, _: &mut Pcg32, name: &str, _: usize| start_group_consumer(sim, name, false, false);
    let (p, _) = run_readers(
        &mut sim,
        &mut rng,
        Readers { seed, fault_seconds, partitions, prefix: "r", n, first_fault_ms: 3000, tiered: true },
        &mut start,
        &mut |_, _| {},
    );
    // A late group from the beginning: what is no longer local comes from the remote store.
    let late = {
        let mut m = props(&[("group.id", "late"), ("auto.offset.reset", "earliest")]);
        m.insert("client.id".into(), "late".into());
        let cfg = brokerlab::sim::client::config::ConsumerConfig::parse(&m).expect("valid");
        let id = sim.create_consumer("late", "localhost:9092", cfg);
        sim.with_consumer(id, |c, _, _| c.subscribe(vec!["t".into()]));
        id
    };
    let acked = sim.producer_mut(p).map(|p| p.acked).unwrap_or(0);
    sim.run_while(60_000, |s| s.consumer_mut(late).map(|c| c.delivered_total >= acked).unwrap_or(true));
    let read = sim.consumer_mut(late).map(|c| c.delivered_total).unwrap_or(0);
    let served: u64 = (0..partitions).map(|q| sim.remote_reads(&TopicPartition::new("t", q)).0).sum();
    (outcome(&mut sim, p, partitions), read, served)
}
