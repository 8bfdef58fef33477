//! Benchmarks in headless Chromium (wasm). Not part of `scripts/test`: run `scripts/bench`,
//! which builds them with the `bench` profile and prints the figures.
#![cfg(target_arch = "wasm32")]

use brokerlab::sim::scenarios::{end_to_end_scenario, throughput_scenario};
use brokerlab::sim::trace::TraceLevel;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0)
}

#[wasm_bindgen_test]
fn engine_throughput_in_wasm() {
    let records = 2_000_000u64;
    let _ = throughput_scenario(1, records / 10, 100, TraceLevel::Events);
    for (label, level) in [("events only", TraceLevel::Events), ("with message trace", TraceLevel::Messages)] {
        let start = now_ms();
        let sim = throughput_scenario(1, records, 100, level);
        let wall = (now_ms() - start) / 1000.0;
        console_log!(
            "wasm, produce, {label}: {records} records of 100 B in {:.3} s wall ({:.0} records/s, {:.0} events/s)",
            wall,
            records as f64 / wall,
            sim.events_processed() as f64 / wall
        );
        assert!(sim.now().as_ms() > 0);
    }
    let e2e = records / 2;
    let start = now_ms();
    let (sim, got) = end_to_end_scenario(1, e2e, 100);
    let wall = (now_ms() - start) / 1000.0;
    console_log!(
        "wasm, end-to-end (3 consumers, 12 partitions, RF 3): {got} of {e2e} records in {:.3} s wall ({:.0} records/s, {:.0} events/s)",
        wall,
        got as f64 / wall,
        sim.events_processed() as f64 / wall
    );
}
