//! The metrics panel: every node's metrics under Kafka's MBean names with their values now,
//! and the ones the learner ticks charted over simulated time (sampling and history live in
//! [`crate::lab::metrics`]; this only draws).

use crate::lab::metrics::{MetricEntry, MetricSeries, MetricsView, CHART_CAP};
use crate::lab::Event as LabEvent;
use crate::ui::context::LabContext;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub(crate) struct MetricsProps {
    pub(crate) metrics: Rc<MetricsView>,
}

/// Seconds of history drawn.
const WINDOW: usize = 120;
const W: f64 = 300.0;
const H: f64 = 70.0;
const DASHES: [&str; 4] = ["", "6 3", "2 3", "8 3 2 3"];

/// One chart of one metric: a line per run of values (a gap where it had none).
fn series_chart(k: usize, s: &MetricSeries) -> Html {
    let recent = &s.points[s.points.len().saturating_sub(WINDOW)..];
    let n = recent.len();
    let max = recent.iter().filter_map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let x = |i: usize| if n <= 1 { W } else { i as f64 * W / (n - 1) as f64 };
    let y = |v: i64| H - (v.max(0) as f64 / max as f64) * (H - 6.0);
    let mut runs: Vec<Vec<String>> = vec![Vec::new()];
    for (i, (_, v)) in recent.iter().enumerate() {
        match v {
            Some(v) => runs.last_mut().expect("a run").push(format!("{:.1},{:.1}", x(i), y(*v))),
            None if runs.last().is_some_and(|r| !r.is_empty()) => runs.push(Vec::new()),
            None => {}
        }
    }
    let dash = DASHES[k % DASHES.len()];
    let lines = runs.into_iter().filter(|r| !r.is_empty()).map(|r| {
        html! { <polyline points={r.join(" ")} class={format!("chart__line chart__line--{k}")} stroke-dasharray={dash} /> }
    });
    let title = format!("{} · {}", s.scope, s.name);
    let first = recent.first().map(|(t, _)| *t).unwrap_or(0);
    let last = recent.last().map(|(t, _)| *t).unwrap_or(0);
    html! {
        <figure class="chart" data-testid="metric-chart" data-metric={s.name.clone()} data-scope={s.scope.clone()}>
            <figcaption>
                <span>
                    <svg class="chart__swatch" width="26" height="8" aria-hidden="true"><line x1="0" y1="4" x2="26" y2="4" class={format!("chart__line chart__line--{k}")} stroke-dasharray={dash} /></svg>
                    { format!(" {title}") }
                </span>
                <span class="chart__max">{ format!("max {}", s.max) }</span>
            </figcaption>
            <svg viewBox={format!("0 0 {W} {H}")} preserveAspectRatio="none" role="img"
                aria-label={format!("{title} from second {first} to {last} of simulated time: now {}, max {}", s.last, s.max)}>
                <line x1="0" y1={H.to_string()} x2={W.to_string()} y2={H.to_string()} class="chart__axis" />
                { for lines }
            </svg>
            <p class="chart__legend">{ format!("now {} · {}", s.last, s.mbean) }</p>
        </figure>
    }
}

fn metric_row(ctx: &LabContext, r: &MetricEntry) -> Html {
    let d = ctx.dispatch.clone();
    let key = (r.scope.clone(), r.name.clone());
    let onchange = Callback::from(move |_: Event| d.emit(LabEvent::ChartMetric(key.clone())));
    let id = format!("metric-{}-{}", r.scope.replace(' ', "-"), r.name);
    // Values that say something is wrong stand out (a broker with under-replicated
    // partitions, a controller with offline ones, a throttled client).
    let alarming = r.value.is_some_and(|v| {
        v > 0
            && matches!(
                r.name.as_str(),
                "UnderReplicatedPartitions"
                    | "OfflinePartitionsCount"
                    | "IsrShrinksPerSec"
                    | "UncleanLeaderElectionsPerSec"
                    | "FailedProduceRequestsPerSec"
                    | "FailedFetchRequestsPerSec"
                    | "FencedBrokerCount"
                    | "produce-throttle-time-max"
                    | "fetch-throttle-time-max"
            )
    });
    html! {
        <tr key={id.clone()} class={classes!(alarming.then_some("metric--alarm"))} data-testid="metric-row"
            data-scope={r.scope.clone()} data-metric={r.name.clone()}>
            <td><input type="checkbox" id={id.clone()} checked={r.charted} {onchange} /></td>
            <td><label for={id}>{ &r.name }</label><div class="metric__mbean">{ &r.mbean }</div></td>
            <td class="num" data-testid="metric-value">{ &r.formatted }</td>
        </tr>
    }
}

#[component]
pub(crate) fn MetricsPanel(props: &MetricsProps) -> Html {
    let ctx = use_context::<LabContext>().expect("LabContext");
    let m = &props.metrics;
    // Rows grouped by node, in the order the engine lists them.
    let mut scopes: Vec<(&str, Vec<&MetricEntry>)> = Vec::new();
    for r in &m.rows {
        match scopes.last_mut() {
            Some((s, rows)) if *s == r.scope => rows.push(r),
            _ => scopes.push((&r.scope, vec![r])),
        }
    }
    let tables = scopes.iter().map(|(scope, rows)| {
        html! {
            <table class="table table--metrics" key={scope.to_string()} data-testid="metrics-node">
                <caption>{ scope.to_string() }</caption>
                <thead><tr><th>{ "chart" }</th><th>{ "metric (MBean)" }</th><th>{ "now" }</th></tr></thead>
                <tbody>{ for rows.iter().map(|r| metric_row(&ctx, r)) }</tbody>
            </table>
        }
    });
    html! {
        <section class="metrics" aria-label="Metrics by Kafka's MBean names" data-testid="metrics-panel">
            <p class="muted">
                { format!("What an operator's dashboard shows, by Kafka's MBean names, sampled once per simulated second{}. Tick up to {CHART_CAP} to chart them; the console's ", m.at_s.map(|s| format!(" (now second {s})")).unwrap_or_default()) }
                <code>{ "metrics" }</code>{ " command prints the same. Meters (…PerSec) are the last minute's count / 60." }
            </p>
            if m.series.is_empty() {
                <p class="muted" data-testid="metrics-no-chart">{ "No metric charted yet: tick one below." }</p>
            } else {
                <div data-testid="metric-charts">{ for m.series.iter().enumerate().map(|(k, s)| series_chart(k, s)) }</div>
            }
            if m.rows.is_empty() {
                <p class="muted">{ "Metrics appear as simulated time passes." }</p>
            }
            { for tables }
        </section>
    }
}
