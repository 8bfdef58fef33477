//! Charts over simulated time, in SVG: throughput, lag per group, ISR health and errors. Each
//! series has its own dash pattern and a legend, so the charts read without colour.

use crate::lab::view::Sample;
use crate::sim::sort::CompactSort;
use crate::sim::view::ViewModel;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub(crate) struct ChartsProps {
    pub(crate) samples: Rc<Vec<Sample>>,
    pub(crate) view: Rc<ViewModel>,
}

/// Seconds of history shown.
const WINDOW: usize = 120;
const W: f64 = 300.0;
const H: f64 = 90.0;
const DASHES: [&str; 4] = ["", "6 3", "2 3", "8 3 2 3"];

struct Series {
    label: String,
    points: Vec<i64>,
}

fn chart(title: &str, unit: &str, series: &[Series], testid: &str) -> Html {
    let n = series.iter().map(|s| s.points.len()).max().unwrap_or(0);
    let max = series.iter().flat_map(|s| s.points.iter().copied()).max().unwrap_or(0).max(1);
    let x = |i: usize| if n <= 1 { W } else { i as f64 * W / (n - 1) as f64 };
    let y = |v: i64| H - (v.max(0) as f64 / max as f64) * (H - 6.0);
    let lines = series.iter().enumerate().map(|(k, s)| {
        let pts = s.points.iter().enumerate().map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v))).collect::<Vec<_>>().join(" ");
        html! { <polyline points={pts} class={format!("chart__line chart__line--{k}")} stroke-dasharray={DASHES[k % DASHES.len()]} /> }
    });
    let legend = series.iter().enumerate().map(|(k, s)| {
        let last = s.points.last().copied().unwrap_or(0);
        html! {
            <li>
                <svg class="chart__swatch" width="26" height="8" aria-hidden="true"><line x1="0" y1="4" x2="26" y2="4" class={format!("chart__line chart__line--{k}")} stroke-dasharray={DASHES[k % DASHES.len()]} /></svg>
                { format!(" {} — now {last}{unit}", s.label) }
            </li>
        }
    });
    let summary = series
        .iter()
        .map(|s| format!("{} {}{unit}", s.label, s.points.last().copied().unwrap_or(0)))
        .collect::<Vec<_>>()
        .join(", ");
    html! {
        <figure class="chart" data-testid={testid.to_string()}>
            <figcaption>{ title }<span class="chart__max">{ format!("max {max}{unit}") }</span></figcaption>
            <svg viewBox={format!("0 0 {W} {H}")} preserveAspectRatio="none" role="img" aria-label={format!("{title}: {summary}")}>
                <line x1="0" y1={H.to_string()} x2={W.to_string()} y2={H.to_string()} class="chart__axis" />
                { for lines }
            </svg>
            <ul class="chart__legend">{ for legend }</ul>
        </figure>
    }
}

#[component]
pub(crate) fn Charts(props: &ChartsProps) -> Html {
    let s = &props.samples;
    let recent = &s[s.len().saturating_sub(WINDOW)..];
    let col = |f: &dyn Fn(&Sample) -> i64| recent.iter().map(f).collect::<Vec<i64>>();
    let throughput = [
        Series { label: "produced".into(), points: col(&|x| x.produced as i64) },
        Series { label: "consumed".into(), points: col(&|x| x.consumed as i64) },
    ];
    let mut groups: Vec<String> = recent.iter().flat_map(|x| x.lag_by_group.iter().map(|(g, _)| g.clone())).collect();
    groups.compact_sort();
    groups.dedup();
    let lag: Vec<Series> = groups
        .iter()
        .take(4)
        .map(|g| Series {
            label: format!("group {g}"),
            points: col(&|x| x.lag_by_group.iter().find(|(n, _)| n == g).map(|(_, l)| *l).unwrap_or(0)),
        })
        .collect();
    let isr = [
        Series { label: "replicas in ISR".into(), points: col(&|x| i64::from(x.isr_total)) },
        Series { label: "replicas".into(), points: col(&|x| i64::from(x.replicas_total)) },
        Series { label: "under-replicated partitions".into(), points: col(&|x| i64::from(x.under_replicated)) },
    ];
    let errors = [Series { label: "errors".into(), points: col(&|x| x.errors as i64) }];
    // Lag per partition, now.
    let partition_lag = props.view.groups.iter().flat_map(|g| {
        g.offsets.iter().map(move |(tp, committed, end, lag)| {
            html! {
                <tr key={format!("{}:{}", g.id, tp)}>
                    <td>{ &g.id }</td><td>{ tp.to_string() }</td><td>{ committed }</td><td>{ end }</td><td>{ lag }</td>
                </tr>
            }
        })
    });
    html! {
        <section class="charts" aria-label="Charts over simulated time">
            if s.is_empty() {
                <p class="muted">{ "Charts fill in as simulated time passes." }</p>
            }
            { chart("Throughput (records per simulated second)", "/s", &throughput, "chart-throughput") }
            if lag.is_empty() {
                <p class="muted">{ "Lag appears when a consumer group commits offsets." }</p>
            } else {
                { chart("Consumer lag per group (records)", "", &lag, "chart-lag") }
            }
            { chart("ISR health", "", &isr, "chart-isr") }
            { chart("Request errors per second", "/s", &errors, "chart-errors") }
            if !props.view.groups.is_empty() {
                <table class="table">
                    <caption>{ "Lag per partition, now" }</caption>
                    <thead><tr><th>{ "group" }</th><th>{ "partition" }</th><th>{ "committed" }</th><th>{ "end" }</th><th>{ "lag" }</th></tr></thead>
                    <tbody>{ for partition_lag }</tbody>
                </table>
            }
        </section>
    }
}
