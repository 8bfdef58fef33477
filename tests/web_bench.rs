//! The engine benchmarks of `benches/throughput.rs`, in wasm in headless Chromium: the same
//! three workloads (Engine I, Engine II, the reference scenario over 20 seeds) with the same
//! sizes, so each line compares with the native line of the same name. Not part of
//! `scripts/test`; `scripts/bench engine` runs it as the page ships: the page's own build
//! profile (`release`, fat LTO) and then the wasm-opt pass Trunk runs on the page (the level
//! of index.html's `data-wasm-opt`, applied by `scripts/wasm-shipped-runner`):
//!
//! ```sh
//! CHROMEDRIVER=/usr/bin/chromedriver CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=$PWD/scripts/wasm-shipped-runner \
//!   cargo test --target wasm32-unknown-unknown --profile release --test web_bench -- --nocapture
//! ```
//!
//! Without the runner the wasm is not optimised after linking (the reference scenario then
//! runs about 1.7× slower than shipped); `WASM_OPT_LEVEL=3` compares another pass.
//!
//! The event counts are printed too: the engine is deterministic, so they equal the native
//! run's, which shows both ran the same work.
#![cfg(target_arch = "wasm32")]

use brokerlab::sim::scenarios::{end_to_end_scenario, reference_scenario, throughput_scenario};
use brokerlab::sim::trace::TraceLevel;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0)
}

#[wasm_bindgen_test]
fn engine_throughput_in_wasm() {
    let records = 2_000_000u64;
    for (label, level) in [("events only", TraceLevel::Events), ("with message trace", TraceLevel::Messages)] {
        let _ = throughput_scenario(1, records / 10, 100, level);
        let start = now_ms();
        let sim = throughput_scenario(1, records, 100, level);
        let wall = (now_ms() - start) / 1000.0;
        console_log!(
            "wasm, produce, {label}: {records} records of 100 B in {:.3} s wall ({:.0} records/s, {:.0} events/s); {} events",
            wall,
            records as f64 / wall,
            sim.events_processed() as f64 / wall,
            sim.events_processed()
        );
        assert!(sim.now().as_ms() > 0);
    }
    let e2e = records / 2;
    let start = now_ms();
    let (sim, got) = end_to_end_scenario(1, e2e, 100);
    let wall = (now_ms() - start) / 1000.0;
    console_log!(
        "wasm, end-to-end (3 consumers, 12 partitions, RF 3): {got} of {e2e} records in {:.3} s wall ({:.0} records/s, {:.0} events/s); {} events",
        wall,
        got as f64 / wall,
        sim.events_processed() as f64 / wall,
        sim.events_processed()
    );
    let _ = reference_scenario(42);
    let mut events = 0u64;
    let start = now_ms();
    for seed in 1..=20 {
        events += reference_scenario(seed).events_processed();
    }
    let wall = (now_ms() - start) / 1000.0;
    console_log!(
        "wasm, reference scenario x20 seeds (faults, with message trace): {events} events in {:.3} s wall ({:.0} events/s)",
        wall,
        events as f64 / wall
    );
}
