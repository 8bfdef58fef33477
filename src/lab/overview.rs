//! The overview of a large cluster: a broker × partition grid, one cell per replica, so that at
//! 10 brokers and hundreds of partitions a learner still sees at a glance which partitions are
//! under-replicated or offline and which broker leads what, without reading small text. Zooms
//! into one topic or one broker and back. Decided here (natively tested); the page only draws
//! what [`build`] returns.

use super::diagram::WIDTH;
use crate::sim::types::{BrokerId, TopicPartition};
use crate::sim::view::{NodeStatus, ViewModel};

/// Above this many partitions of the learner's topics (and with no topic focused) the stage
/// shows the overview instead of the broker cards, whose chips no longer fit.
pub(crate) const OVERVIEW_PARTITIONS: usize = 60;

/// Whether the stage should show the overview rather than the diagram by default.
pub fn wants_overview(view: &ViewModel, focus: Option<&str>) -> bool {
    focus.is_none() && user_partitions(view) > OVERVIEW_PARTITIONS
}

/// How many partitions the learner's topics (not the internal ones) have.
pub(crate) fn user_partitions(view: &ViewModel) -> usize {
    view.topics.iter().filter(|t| !t.internal).map(|t| t.partitions.len()).sum()
}

/// What the overview shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Zoom {
    /// Every topic of the learner's, every broker.
    #[default]
    All,
    /// One topic (internal ones too), larger cells.
    Topic(String),
    /// One broker's row, every topic, larger cells.
    Broker(BrokerId),
}

/// A replica as a cell of the grid.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CellState {
    /// The partition's leader.
    Leader,
    /// A follower in the ISR.
    InSync,
    /// A follower out of the ISR (its partition is under-replicated).
    OutOfSync,
    /// The partition has no leader, or this replica's broker is down.
    Offline,
}

impl CellState {
    pub const ALL: [CellState; 4] = [CellState::Leader, CellState::InSync, CellState::OutOfSync, CellState::Offline];

    /// The letter drawn in the cell: the state reads without colour.
    pub fn letter(self) -> &'static str {
        match self {
            CellState::Leader => "L",
            CellState::InSync => "F",
            CellState::OutOfSync => "!",
            CellState::Offline => "✕",
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            CellState::Leader => "leader",
            CellState::InSync => "follower in sync",
            CellState::OutOfSync => "follower out of the ISR",
            CellState::Offline => "offline",
        }
    }

    /// The stylesheet's name (`ocell--leader`, …).
    pub fn class(self) -> &'static str {
        match self {
            CellState::Leader => "leader",
            CellState::InSync => "insync",
            CellState::OutOfSync => "outofsync",
            CellState::Offline => "offline",
        }
    }
}

/// A partition's health, marked above its column.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Health {
    Healthy,
    UnderReplicated,
    Offline,
}

/// One column of a band: a partition.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Column {
    pub(crate) partition: i32,
    pub(crate) x: f64,
    pub(crate) health: Health,
    pub(crate) leader: BrokerId,
}

/// One replica's cell.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Cell {
    pub(crate) x: f64,
    pub(crate) y: f64,
    pub(crate) state: CellState,
    pub(crate) broker: BrokerId,
    pub(crate) partition: i32,
}

/// A topic's block of the grid (a topic with more partitions than fit across takes several
/// bands, `first` saying where this one starts).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Band {
    pub(crate) topic: String,
    pub(crate) internal: bool,
    /// Whether this is the topic's first band (its title is drawn there).
    pub(crate) first: bool,
    pub(crate) y: f64,
    pub(crate) columns: Vec<Column>,
    /// The brokers' rows: (broker, up, y).
    pub(crate) rows: Vec<(BrokerId, bool, f64)>,
    pub(crate) cells: Vec<Cell>,
}

/// The whole overview, in diagram units (the same `WIDTH` as the diagram).
#[derive(Clone, Debug, PartialEq)]
pub struct Overview {
    pub(crate) zoom: Zoom,
    pub cell: f64,
    pub(crate) bands: Vec<Band>,
    pub(crate) height: f64,
    pub brokers: Vec<(BrokerId, bool)>,
    pub under_replicated: Vec<TopicPartition>,
    pub(crate) offline: Vec<TopicPartition>,
    /// Partitions shown.
    pub partitions: usize,
    /// In words, for the grid's accessible name and the line above it.
    pub summary: String,
}

/// Width of the brokers' labels left of the grid.
pub(crate) const ROW_LABEL_W: f64 = 56.0;
/// Height of a band's title and of its partition numbers.
pub(crate) const BAND_HEAD: f64 = 34.0;

/// The overview of `view` at `zoom`. A zoom into a topic or broker that no longer exists
/// shows everything.
pub fn build(view: &ViewModel, zoom: &Zoom) -> Overview {
    let zoom = match zoom {
        Zoom::Topic(t) if !view.topics.iter().any(|x| &x.name == t) => Zoom::All,
        Zoom::Broker(b) if !view.brokers.iter().any(|x| x.id == *b) => Zoom::All,
        z => z.clone(),
    };
    let brokers: Vec<(BrokerId, bool)> = view.brokers.iter().map(|b| (b.id, b.status != NodeStatus::Down)).collect();
    let rows: Vec<(BrokerId, bool)> = match zoom {
        Zoom::Broker(id) => brokers.iter().copied().filter(|(b, _)| *b == id).collect(),
        _ => brokers.clone(),
    };
    let cell: f64 = match zoom {
        Zoom::All => 18.0,
        _ => 34.0,
    };
    let per_band = (((WIDTH - ROW_LABEL_W - 8.0) / cell).floor() as usize).max(1);
    let mut bands = Vec::new();
    let mut under_replicated = Vec::new();
    let mut offline = Vec::new();
    let mut partitions = 0;
    let mut y = 8.0;
    for t in view.topics.iter() {
        let shown = match &zoom {
            Zoom::Topic(name) => &t.name == name,
            _ => !t.internal,
        };
        if !shown {
            continue;
        }
        partitions += t.partitions.len();
        for (i, chunk) in t.partitions.chunks(per_band).enumerate() {
            let mut columns = Vec::with_capacity(chunk.len());
            let mut cells = Vec::new();
            let top = y + BAND_HEAD;
            let row_y: Vec<(BrokerId, bool, f64)> =
                rows.iter().enumerate().map(|(r, (b, up))| (*b, *up, top + r as f64 * cell)).collect();
            for (c, p) in chunk.iter().enumerate() {
                let x = ROW_LABEL_W + c as f64 * cell;
                let health = if p.offline() {
                    offline.push(p.tp.clone());
                    Health::Offline
                } else if p.under_replicated() {
                    under_replicated.push(p.tp.clone());
                    Health::UnderReplicated
                } else {
                    Health::Healthy
                };
                columns.push(Column { partition: p.tp.partition, x, health, leader: p.leader });
                for &(b, up, ry) in &row_y {
                    if !p.replicas.contains(&b) {
                        continue;
                    }
                    let state = if p.offline() || !up {
                        CellState::Offline
                    } else if p.leader == b {
                        CellState::Leader
                    } else if p.isr.contains(&b) {
                        CellState::InSync
                    } else {
                        CellState::OutOfSync
                    };
                    cells.push(Cell { x, y: ry, state, broker: b, partition: p.tp.partition });
                }
            }
            bands.push(Band {
                topic: t.name.clone(),
                internal: t.internal,
                first: i == 0,
                y,
                columns,
                rows: row_y,
                cells,
            });
            y = top + rows.len() as f64 * cell + 14.0;
        }
    }
    let scope = match &zoom {
        Zoom::All => format!("{partitions} partitions on {} brokers", brokers.len()),
        Zoom::Topic(t) => format!("topic {t}: {partitions} partitions on {} brokers", brokers.len()),
        Zoom::Broker(b) => format!("broker {b}: replicas of {partitions} partitions"),
    };
    let summary = format!("{scope}; {} under-replicated, {} offline", under_replicated.len(), offline.len());
    Overview { zoom, cell, bands, height: y + 8.0, brokers, under_replicated, offline, partitions, summary }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::{BenchCluster, Boot, Event, Lab};

    fn still() -> crate::lab::Clock {
        Box::new(|| 0.0)
    }

    /// The 10 × 200 benchmark cluster, run for a few simulated seconds.
    fn large() -> Lab {
        let (mut lab, _) =
            Lab::boot(Boot { bench: Some(BenchCluster::UiLarge), ..Boot::default() }, still()).expect("boots");
        for i in 0..40 {
            lab.update(Event::Frame { wall_ms: f64::from(i) * 100.0, dt_ms: 100 });
        }
        lab
    }

    #[test]
    fn the_large_cluster_gets_the_overview_and_every_replica_has_a_cell() {
        let mut lab = large();
        let view = lab.view().view.clone();
        assert!(wants_overview(&view, None));
        assert!(!wants_overview(&view, Some("orders")), "a focused topic shows the diagram");
        let o = build(&view, &Zoom::All);
        assert_eq!(o.partitions, 200);
        assert_eq!(o.brokers.len(), 10);
        let replicas: usize = view
            .topics
            .iter()
            .filter(|t| !t.internal)
            .flat_map(|t| t.partitions.iter())
            .map(|p| p.replicas.len())
            .sum();
        assert_eq!(o.bands.iter().map(|b| b.cells.len()).sum::<usize>(), replicas);
        assert_eq!(replicas, 600);
        // Every partition has exactly one leader cell, in its leader's row.
        for band in &o.bands {
            for col in &band.columns {
                let leaders: Vec<_> = band
                    .cells
                    .iter()
                    .filter(|c| c.partition == col.partition && c.state == CellState::Leader)
                    .collect();
                assert_eq!(leaders.len(), 1, "{}-{}", band.topic, col.partition);
                assert_eq!(leaders[0].broker, col.leader);
                let row_y = band.rows.iter().find(|r| r.0 == col.leader).expect("leader's row").2;
                assert_eq!(leaders[0].y, row_y);
                assert_eq!(leaders[0].x, col.x);
            }
        }
        // No two cells share a place, and none leaves the diagram's width.
        let mut places: Vec<(i64, i64)> =
            o.bands.iter().flat_map(|b| b.cells.iter()).map(|c| ((c.x * 10.0) as i64, (c.y * 10.0) as i64)).collect();
        let n = places.len();
        places.sort();
        places.dedup();
        assert_eq!(places.len(), n);
        assert!(o.bands.iter().flat_map(|b| b.columns.iter()).all(|c| c.x + o.cell <= WIDTH));
        assert_eq!(o.under_replicated.len(), 0, "{:?}", o.under_replicated);
        assert!(o.summary.starts_with("200 partitions on 10 brokers; 0 under-replicated, 0 offline"), "{}", o.summary);
    }

    #[test]
    fn a_dead_broker_shows_as_offline_cells_and_under_replicated_partitions() {
        let mut lab = large();
        lab.update(Event::Typed("broker kill 3".into()));
        // Past the broker session timeout and replica.lag.time.max.ms (30 s), at 10×.
        lab.update(Event::SetSpeedLog(10));
        for i in 40..140 {
            lab.update(Event::Frame { wall_ms: f64::from(i) * 100.0, dt_ms: 100 });
        }
        let view = lab.view().view.clone();
        let o = build(&view, &Zoom::All);
        let hosted: Vec<&Cell> = o.bands.iter().flat_map(|b| b.cells.iter()).filter(|c| c.broker == 3).collect();
        assert!(!hosted.is_empty());
        assert!(hosted.iter().all(|c| c.state == CellState::Offline), "broker 3 is down");
        // Broker 3's partitions lost a replica from their ISR: every one of them is marked
        // under-replicated, and nothing else is.
        let expected: Vec<TopicPartition> = view
            .topics
            .iter()
            .filter(|t| !t.internal)
            .flat_map(|t| t.partitions.iter())
            .filter(|p| p.replicas.contains(&3))
            .map(|p| p.tp.clone())
            .collect();
        assert_eq!(o.under_replicated, expected);
        for band in &o.bands {
            for col in &band.columns {
                let marked = col.health == Health::UnderReplicated;
                assert_eq!(marked, expected.iter().any(|tp| tp.topic == band.topic && tp.partition == col.partition));
            }
        }
        assert!(o.cells_without_leader_on(3));
    }

    impl Overview {
        fn cells_without_leader_on(&self, broker: BrokerId) -> bool {
            self.bands.iter().flat_map(|b| b.cells.iter()).all(|c| c.broker != broker || c.state != CellState::Leader)
        }
    }

    #[test]
    fn zooming_into_a_topic_or_a_broker_and_back() {
        let mut lab = large();
        let view = lab.view().view.clone();
        let t = build(&view, &Zoom::Topic("payments".into()));
        assert_eq!(t.zoom, Zoom::Topic("payments".into()));
        assert_eq!(t.partitions, 50);
        assert!(t.bands.iter().all(|b| b.topic == "payments"));
        assert!(t.cell > build(&view, &Zoom::All).cell, "zoomed cells are larger");
        assert_eq!(t.bands.iter().map(|b| b.columns.len()).sum::<usize>(), 50);
        let b = build(&view, &Zoom::Broker(4));
        assert!(b.bands.iter().all(|band| band.rows.len() == 1 && band.rows[0].0 == 4));
        let on_4: usize = view
            .brokers
            .iter()
            .find(|x| x.id == 4)
            .map(|x| x.replicas.iter().filter(|r| !r.tp.topic.starts_with("__")).count())
            .expect("broker 4");
        assert_eq!(b.bands.iter().map(|band| band.cells.len()).sum::<usize>(), on_4);
        assert!(b.summary.starts_with("broker 4:"));
        // Gone or unknown: back to everything.
        assert_eq!(build(&view, &Zoom::Topic("nope".into())).zoom, Zoom::All);
        assert_eq!(build(&view, &Zoom::Broker(99)).zoom, Zoom::All);
    }

    #[test]
    fn the_small_benchmark_keeps_the_diagram() {
        let (mut lab, _) =
            Lab::boot(Boot { bench: Some(BenchCluster::Ui), ..Boot::default() }, still()).expect("boots");
        assert!(!wants_overview(&lab.view().view, None));
    }
}
