//! The metrics panel: every node's metrics under Kafka's MBean names
//! ([`crate::sim::view::metrics`], what the `metrics` command prints), sampled once per
//! simulated second like the charts, with a history per metric so the learner can chart any
//! of them over simulated time, including the minutes before it was picked (an operator's
//! dashboard keeps history too).

use crate::sim::view::metrics::{metrics, MetricUnit};
use crate::sim::world::Sim;
use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

/// How many metrics can be charted at once (each chart has its own dash pattern).
pub const CHART_CAP: usize = 4;
/// Samples kept per metric (ten minutes of simulated time, as the charts keep).
const HISTORY_CAP: usize = 600;

/// One metric's unit, label and samples (simulated second, value; `None`: the node was down).
type History = (MetricUnit, String, VecDeque<(u64, Option<i64>)>);

/// A metric: the node it belongs to (`broker 1`, `controller 1001`, `client billing-1`) and
/// its short name (`UnderReplicatedPartitions`, `records-lag-max`).
pub type MetricKey = (String, String);

/// One metric as the panel lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetricEntry {
    pub scope: String,
    pub name: String,
    /// The MBean name as JMX shows it.
    pub mbean: String,
    /// `None`: Kafka's NaN (nothing measured in the window), or a node that is down.
    pub value: Option<i64>,
    /// The value in words (`3`, `0.050/s`, `12 ms`, `NaN`).
    pub formatted: String,
    pub charted: bool,
}

/// A charted metric: its samples over simulated time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetricSeries {
    pub scope: String,
    pub name: String,
    pub mbean: String,
    /// (simulated second, value); `None` where the metric had no value.
    pub points: Vec<(u64, Option<i64>)>,
    /// The newest value and the largest, in words.
    pub last: String,
    pub max: String,
    /// The largest value, raw (the chart's scale).
    pub max_raw: i64,
}

/// What the panel draws.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MetricsView {
    /// The simulated second of the newest sample (`None`: none yet).
    pub at_s: Option<u64>,
    /// Every metric now: brokers, then controllers, then clients.
    pub rows: Vec<MetricEntry>,
    /// The charted metrics, in the order they were picked.
    pub series: Vec<MetricSeries>,
}

#[derive(Default)]
pub(crate) struct Metrics {
    chosen: Vec<MetricKey>,
    history: BTreeMap<MetricKey, History>,
    published: Rc<MetricsView>,
    last_s: Option<u64>,
}

impl Metrics {
    /// Samples every metric when simulated time reached a new second. Returns whether a
    /// sample was taken.
    pub(crate) fn sample(&mut self, sim: &Sim) -> bool {
        let s = sim.now().as_ms() / 1000;
        if self.last_s.is_some_and(|l| s <= l) {
            return false;
        }
        self.last_s = Some(s);
        let rows = metrics(sim);
        for r in &rows {
            let e = self
                .history
                .entry((r.scope.clone(), r.name.clone()))
                .or_insert_with(|| (r.unit, r.mbean.clone(), VecDeque::new()));
            e.0 = r.unit;
            e.1.clone_from(&r.mbean);
            e.2.push_back((s, r.value));
            while e.2.len() > HISTORY_CAP {
                e.2.pop_front();
            }
        }
        // A metric the node no longer reports (a broker went down, a client closed) has no
        // value this second: a gap in its chart.
        for (k, e) in self.history.iter_mut() {
            if !rows.iter().any(|r| r.scope == k.0 && r.name == k.1) {
                e.2.push_back((s, None));
                while e.2.len() > HISTORY_CAP {
                    e.2.pop_front();
                }
            }
        }
        let entries = rows
            .into_iter()
            .map(|r| MetricEntry {
                formatted: r.formatted(),
                charted: self.chosen.iter().any(|(sc, n)| *sc == r.scope && *n == r.name),
                scope: r.scope,
                name: r.name,
                mbean: r.mbean,
                value: r.value,
            })
            .collect();
        self.publish(Some(entries));
        true
    }

    /// Charts `key`, or stops charting it; beyond [`CHART_CAP`] the oldest pick makes room.
    pub(crate) fn toggle(&mut self, key: MetricKey) {
        if let Some(i) = self.chosen.iter().position(|k| *k == key) {
            self.chosen.remove(i);
        } else {
            if self.chosen.len() >= CHART_CAP {
                self.chosen.remove(0);
            }
            self.chosen.push(key);
        }
        self.publish(None);
    }

    fn publish(&mut self, rows: Option<Vec<MetricEntry>>) {
        let mut rows = rows.unwrap_or_else(|| self.published.rows.clone());
        for r in rows.iter_mut() {
            r.charted = self.chosen.iter().any(|(s, n)| *s == r.scope && *n == r.name);
        }
        let series = self
            .chosen
            .iter()
            .map(|(scope, name)| {
                let (unit, mbean, points) = match self.history.get(&(scope.clone(), name.clone())) {
                    Some((u, m, p)) => (*u, m.clone(), p.iter().copied().collect::<Vec<_>>()),
                    None => (MetricUnit::Count, String::new(), Vec::new()),
                };
                let max_raw = points.iter().filter_map(|(_, v)| *v).max().unwrap_or(0);
                let last = points.last().and_then(|(_, v)| *v);
                MetricSeries {
                    scope: scope.clone(),
                    name: name.clone(),
                    mbean,
                    last: unit.format(last),
                    max: unit.format(Some(max_raw)),
                    max_raw,
                    points,
                }
            })
            .collect();
        self.published = Rc::new(MetricsView { at_s: self.last_s, rows, series });
    }

    /// Forgets the samples after `ms` (the timeline forked there).
    pub(crate) fn cut_after(&mut self, ms: u64) {
        let s = ms / 1000;
        for e in self.history.values_mut() {
            e.2.retain(|(at, _)| *at <= s);
        }
        self.last_s = self.last_s.map(|l| l.min(s));
        self.publish(None);
    }

    /// A fresh cluster: no history; the picks stay (the learner still wants them charted).
    pub(crate) fn clear(&mut self) {
        self.history.clear();
        self.last_s = None;
        self.publish(Some(Vec::new()));
    }

    pub(crate) fn published(&self) -> Rc<MetricsView> {
        self.published.clone()
    }
}
