//! Engine I benchmark: 3 brokers, RF 3, acks=all, one producer at full speed.
//! Prints simulated records per wall-clock second and simulated events per second.
//! Run: `cargo bench --bench throughput` (or `scripts/bench` for native and wasm together).

use brokerlab::sim::scenarios::throughput_scenario;
use brokerlab::sim::trace::TraceLevel;
use std::time::Instant;

fn main() {
    let records: u64 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(2_000_000);
    for (label, level) in [("events only", TraceLevel::Events), ("with message trace", TraceLevel::Messages)] {
        // Warm up once, then measure.
        let _ = throughput_scenario(1, records / 10, 100, level);
        let start = Instant::now();
        let sim = throughput_scenario(1, records, 100, level);
        let wall = start.elapsed().as_secs_f64();
        let simulated_s = sim.now.as_micros() as f64 / 1e6;
        println!(
            "native, {label}: {records} records of 100 B in {wall:.3} s wall ({:.0} records/s, {:.0} events/s); {:.2} s simulated ({:.0} records/s simulated)",
            records as f64 / wall,
            sim.events_processed as f64 / wall,
            simulated_s,
            records as f64 / simulated_s.max(1e-9),
        );
    }
}
