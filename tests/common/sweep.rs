//! Random fault schedules for seed sweeps (TigerBeetle/madsim style: one seed decides the
//! cluster, the workload and every fault; a failure prints "reproduce with seed=N").

use super::*;
use brokerlab::sim::protocol::NodeAddr;
use brokerlab::sim::rng::Pcg32;
use brokerlab::sim::trace::Finding;

pub struct SweepOutcome {
    pub findings: Vec<Finding>,
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
    let pcfg: &[(&str, &str)] = if safe {
        &[
            ("acks", "all"),
            ("enable.idempotence", "true"),
            ("request.timeout.ms", "4000"),
            ("delivery.timeout.ms", "20000"),
            ("linger.ms", "0"),
        ]
    } else {
        &[
            ("acks", "1"),
            ("enable.idempotence", "false"),
            ("request.timeout.ms", "4000"),
            ("delivery.timeout.ms", "20000"),
            ("linger.ms", "0"),
        ]
    };
    let p = producer(&mut sim, "p", pcfg);
    let end = sim.now.plus_ms((fault_seconds * 1000) as i64);
    let mut next_fault = sim.now.plus_ms(1000);
    let mut i = 0u64;
    while sim.now < end {
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
        if sim.now >= next_fault {
            inject(&mut sim, &mut rng, brokers);
            next_fault = sim.now.plus_ms(1000 + i64::from(rng.below(4000)));
        }
        sim.take_completions(p);
    }
    // Heal everything and let the cluster settle.
    sim.net.heal(None);
    for b in 1..=brokers as i32 {
        let _ = sim.slow_broker(b, 0);
        if sim.brokers[&b].proc.is_none() {
            let _ = sim.start_broker(b);
        }
    }
    for c in sim.controllers.keys().copied().collect::<Vec<_>>() {
        if sim.controllers[&c].proc.is_none() {
            let _ = sim.start_controller(c);
        }
    }
    sim.run_for_ms(40_000);
    // Make every partition's current leader check the acknowledged writes once more.
    let acked = sim.producer_mut(p).map(|p| p.acked).unwrap_or(0);
    if std::env::var("SWEEP_DUMP").is_ok() {
        println!("{}", dump(&sim));
    }
    SweepOutcome {
        findings: sim.checker.findings.clone(),
        acked,
        trace_hash: sim.trace_hash(),
        events: sim.events_processed,
    }
}

fn inject(sim: &mut Sim, rng: &mut Pcg32, brokers: u32) {
    let b = 1 + rng.below(brokers) as i32;
    let alive = sim.brokers.values().filter(|n| n.proc.is_some()).count();
    match rng.below(9) {
        0 | 1 => {
            // Crash a broker, but keep at least two running so the cluster can make progress.
            if alive > 2 && sim.brokers[&b].proc.is_some() {
                let _ = sim.kill_broker(b);
            }
        }
        2 | 3 => {
            if sim.brokers[&b].proc.is_none() {
                let _ = sim.start_broker(b);
            }
        }
        4 => {
            let other = 1 + rng.below(brokers) as i32;
            if other != b {
                let (x, y) = (NodeAddr::Broker(b), NodeAddr::Broker(other));
                sim.net.rule_mut(x, y).cut = true;
                if rng.below(2) == 0 {
                    sim.net.rule_mut(y, x).cut = true;
                }
            }
        }
        5 => {
            let c = *sim.controllers.keys().next().unwrap();
            let (x, y) = (NodeAddr::Broker(b), NodeAddr::Controller(c));
            sim.net.rule_mut(x, y).cut = true;
            sim.net.rule_mut(y, x).cut = true;
        }
        6 => sim.net.heal(None),
        7 => {
            let _ = sim.slow_broker(b, if rng.below(2) == 0 { 35_000 } else { 0 });
        }
        _ => {
            let c = FIRST + rng.below(sim.controllers.len() as u32) as i32;
            if sim.controllers.len() > 1 && sim.controllers[&c].proc.is_some() {
                let _ = sim.kill_controller(c);
            } else if sim.controllers[&c].proc.is_none() {
                let _ = sim.start_controller(c);
            }
        }
    }
}

const FIRST: i32 = brokerlab::sim::world::FIRST_CONTROLLER_ID;
