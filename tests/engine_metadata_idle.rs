//! The metadata log of an idle cluster: the active controller writes a `NoOpRecord` every
//! `metadata.max.idle.interval.ms` (`QuorumController`'s writeNoOpRecord periodic task), so the
//! log end offset and high watermark move and brokers follow; a run of them costs no memory.
#![cfg(not(target_arch = "wasm32"))]

use brokerlab::sim::world::{ClusterConfig, Sim};
use std::collections::BTreeMap;

fn boot(controllers: u32, configs: &[(&str, &str)]) -> Sim {
    let broker_configs: BTreeMap<String, String> =
        configs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let mut sim = Sim::new(11, ClusterConfig { controllers, broker_configs, ..ClusterConfig::default() }).unwrap();
    sim.boot().unwrap();
    sim
}

/// (high watermark, log end offset, stored entries) of the active controller.
fn leader_log(sim: &Sim) -> (i64, i64, usize) {
    let id = sim.active_controller().expect("an active controller");
    let c = &sim.controllers()[&id];
    (c.proc.as_ref().unwrap().hw, c.disk.log_end(), c.disk.log.len())
}

/// The offset of the last metadata record each broker applied.
fn broker_offsets(sim: &Sim) -> Vec<i64> {
    sim.brokers().values().map(|b| b.proc.as_ref().map(|p| p.image.offset).unwrap_or(-1)).collect()
}

#[test]
fn an_idle_metadata_log_moves_twice_a_second_and_brokers_follow() {
    for controllers in [1, 3] {
        let mut sim = boot(controllers, &[]);
        sim.run_for_ms(1_000);
        let (hw0, end0, stored0) = leader_log(&sim);
        sim.run_for_ms(60_000);
        let (hw1, end1, stored1) = leader_log(&sim);
        // 60 s at one NoOpRecord per 500 ms, nothing else written.
        assert_eq!(end1 - end0, 120, "{controllers} controller(s)");
        assert!(hw1 - hw0 >= 119 && hw1 <= end1, "{controllers} controller(s): hw {hw0} → {hw1}, end {end1}");
        // The run is kept as one entry.
        assert!(stored1 <= stored0 + 1, "{controllers} controller(s): {stored0} → {stored1} stored entries");
        // Every broker has applied the log up to (nearly) the high watermark.
        for o in broker_offsets(&sim) {
            assert!(o + 1 >= hw1 - 1, "{controllers} controller(s): a broker at {o}, hw {hw1}");
        }
        // Every voter's log ends at the same place with the same stored entries.
        let logs: Vec<_> = sim.controllers().values().map(|c| (c.disk.log_end(), c.disk.log.len())).collect();
        assert!(logs.iter().all(|l| l.0 >= end1 - 1 && l.1 <= stored1 + 1), "{logs:?}");
    }
}

#[test]
fn zero_disables_the_noop_records() {
    let mut sim = boot(1, &[("metadata.max.idle.interval.ms", "0")]);
    sim.run_for_ms(1_000);
    let (_, end0, _) = leader_log(&sim);
    sim.run_for_ms(30_000);
    assert_eq!(leader_log(&sim).1, end0);
}

#[test]
fn a_broker_back_after_an_hour_catches_up_with_the_run_it_missed() {
    let mut sim = boot(1, &[]);
    sim.run_for_ms(2_000);
    sim.kill_broker(2).unwrap();
    sim.run_for_ms(3_600_000);
    sim.start_broker(2).unwrap();
    sim.run_for_ms(10_000);
    let (hw, end, stored) = leader_log(&sim);
    assert!(end > 7_200, "{end}");
    assert!(stored < 40, "{stored} stored entries after an hour");
    let b = &sim.brokers()[&2];
    let applied = b.proc.as_ref().unwrap().image.offset;
    assert!(applied + 2 >= hw, "broker 2 applied up to {applied}, hw {hw}");
    assert!(b.disk.metadata.len() < 40, "{} entries on broker 2's disk", b.disk.metadata.len());
    assert!(
        sim.metadata_image().and_then(|m| m.brokers.get(&2)).map(|r| !r.fenced).unwrap_or(false),
        "broker 2 unfenced again"
    );
}
