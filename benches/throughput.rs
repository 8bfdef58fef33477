//! Engine benchmarks, natively. Prints simulated records per wall-clock second and events per
//! second for:
//! * Engine I: 3 brokers, RF 3, acks=all, one producer at full speed;
//! * Engine II: a 3-consumer group reading a 12-partition RF 3 topic while a producer writes.
//!
//! Run: `cargo bench --bench throughput` (or `scripts/bench` for native and wasm together).

use brokerlab::sim::scenarios::{end_to_end_scenario, throughput_scenario};
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
            "native, produce, {label}: {records} records of 100 B in {wall:.3} s wall ({:.0} records/s, {:.0} events/s); {:.2} s simulated",
            records as f64 / wall,
            sim.events_processed() as f64 / wall,
            simulated_s,
        );
    }
    let e2e = records / 2;
    let start = Instant::now();
    let (sim, got) = end_to_end_scenario(1, e2e, 100);
    let wall = start.elapsed().as_secs_f64();
    println!(
        "native, end-to-end (3 consumers, 12 partitions, RF 3): {got} of {e2e} records produced and consumed in {wall:.3} s wall ({:.0} records/s, {:.0} events/s); {:.2} s simulated",
        got as f64 / wall,
        sim.events_processed() as f64 / wall,
        sim.now().as_micros() as f64 / 1e6,
    );
}
