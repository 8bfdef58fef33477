//! The page's frame loop, natively: the `?bench=ui` and `?bench=ui-large` clusters booted as
//! the page boots them (`Lab::boot`), then animation frames of 16 ms at 1× fed to
//! `Lab::update` with the wall clock as the lab's clock, as the page does. Prints, per
//! cluster, the lab's own split of each frame (advancing the simulation with everything read
//! from it, then publishing the view) and the simulated events per frame, so the frame cost
//! the browser benchmark reports (`E2E_ONLY=benchmark node e2e/run.mjs`) can be profiled with
//! native tools (`perf record` on this binary). Nothing passes or fails on speed.
//!
//! Run: `cargo bench --bench frames [FRAMES]` (default 1,200 frames: 20 s at 1×, after 600
//! frames of warm-up so the groups have settled as in the browser benchmark).

use brokerlab::lab::{BenchCluster, Boot, Event, Lab};
use std::time::Instant;

fn main() {
    let frames: usize = std::env::args().skip(1).find_map(|s| s.parse().ok()).unwrap_or(1_200);
    for cluster in [BenchCluster::Ui, BenchCluster::UiLarge] {
        let origin = Instant::now();
        let clock = Box::new(move || origin.elapsed().as_secs_f64() * 1000.0);
        let boot = Boot { hash: String::new(), bench: Some(cluster), base_url: String::new() };
        let (mut lab, _) = match Lab::boot(boot, clock) {
            Ok(booted) => booted,
            Err(e) => {
                eprintln!("{}: the benchmark cluster did not boot: {e}", cluster.describe());
                continue;
            }
        };
        let mut wall = 0.0;
        let mut run = |lab: &mut Lab, n: usize| {
            let mut sim = Vec::with_capacity(n);
            let mut publish = Vec::with_capacity(n);
            let mut events = Vec::with_capacity(n);
            for _ in 0..n {
                wall += 16.0;
                let before = lab.console().sim().events_processed();
                let _ = lab.update(Event::Frame { wall_ms: wall, dt_ms: 16 });
                let _ = lab.view();
                let cost = lab.frame_cost();
                sim.push(cost.simulate_ms);
                publish.push(cost.publish_ms);
                events.push((lab.console().sim().events_processed() - before) as f64);
            }
            (sim, publish, events)
        };
        let _ = run(&mut lab, 600);
        let (sim, publish, events) = run(&mut lab, frames);
        let total: Vec<f64> = sim.iter().zip(&publish).map(|(a, b)| a + b).collect();
        println!(
            "native frames, {} ({frames} frames of 16 ms at 1x): simulation {}; publish {}; both {}; events per frame {}",
            cluster.describe(),
            quantiles(&sim, 2),
            quantiles(&publish, 2),
            quantiles(&total, 2),
            quantiles(&events, 0),
        );
    }
}

/// "p50 a / p95 b / max c" of `v`.
fn quantiles(v: &[f64], decimals: usize) -> String {
    let mut v = v.to_vec();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    let q = |p: usize| v.get((v.len() * p / 100).min(v.len().saturating_sub(1))).copied().unwrap_or(0.0);
    format!(
        "p50 {:.*} / p95 {:.*} / max {:.*}",
        decimals,
        q(50),
        decimals,
        q(95),
        decimals,
        v.last().copied().unwrap_or(0.0)
    )
}
