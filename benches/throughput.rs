//! Engine benchmarks, natively. Prints simulated records per wall-clock second and events per
//! second for:
//! * Engine I: 3 brokers, RF 3, acks=all, one producer at full speed;
//! * Engine II: a 3-consumer group reading a 12-partition RF 3 topic while a producer writes;
//! * the reference scenario (3 controllers, faults, message trace on): events of every kind,
//!   most of them small (heartbeats, metadata fetches, single records), so its events per
//!   second measure the engine's cost per event rather than per record.
//!
//! Run: `cargo bench --bench throughput` (or `scripts/bench` for native and wasm together; the
//! wasm side is `tests/web_bench.rs`, the same workloads with the same sizes).

use brokerlab::sim::scenarios::{end_to_end_scenario, reference_scenario, throughput_scenario};
use brokerlab::sim::trace::TraceLevel;
use std::time::Instant;

fn main() {
    let records: u64 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(2_000_000);
    for (label, level) in [("events only", TraceLevel::Events), ("with message trace", TraceLevel::Messages)] {
        let _ = throughput_scenario(1, records / 10, 100, level);
        let start = Instant::now();
        let sim = throughput_scenario(1, records, 100, level);
        let wall = start.elapsed().as_secs_f64();
        let simulated_s = sim.now().as_micros() as f64 / 1e6;
        println!(
            "native, produce, {label}: {records} records of 100 B in {wall:.3} s wall ({:.0} records/s, {:.0} events/s); {:.2} s simulated; {} events",
            records as f64 / wall,
            sim.events_processed() as f64 / wall,
            simulated_s,
            sim.events_processed(),
        );
    }
    let e2e = records / 2;
    let start = Instant::now();
    let (sim, got) = end_to_end_scenario(1, e2e, 100);
    let wall = start.elapsed().as_secs_f64();
    println!(
        "native, end-to-end (3 consumers, 12 partitions, RF 3): {got} of {e2e} records produced and consumed in {wall:.3} s wall ({:.0} records/s, {:.0} events/s); {:.2} s simulated; {} events",
        got as f64 / wall,
        sim.events_processed() as f64 / wall,
        sim.now().as_micros() as f64 / 1e6,
        sim.events_processed(),
    );
    let _ = reference_scenario(42);
    let (mut events, mut simulated_us) = (0u64, 0u64);
    let start = Instant::now();
    for seed in 1..=20 {
        let sim = reference_scenario(seed);
        events += sim.events_processed();
        simulated_us += sim.now().as_micros();
    }
    let wall = start.elapsed().as_secs_f64();
    println!(
        "native, reference scenario x20 seeds (faults, with message trace): {events} events in {wall:.3} s wall ({:.0} events/s); {:.2} s simulated",
        events as f64 / wall,
        simulated_us as f64 / 1e6,
    );
}
