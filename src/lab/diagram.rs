//! Where things are drawn in the cluster diagram: controllers on top, brokers in the middle,
//! clients below, and where the labels of the requests in flight go. Coordinates are in the
//! SVG's own units (the viewBox scales to the screen). Decided here, natively tested; the page
//! only draws.

use super::request_kind::RequestKind;
use super::view::Flight;
use crate::sim::sort::CompactSort;
use crate::sim::types::NodeAddr;
use crate::sim::view::{BrokerView, ReplicaView, ViewModel};
use std::collections::BTreeMap;

pub(crate) const WIDTH: f64 = 1000.0;
pub(crate) const CHIP_H: f64 = 20.0;
pub(crate) const MAX_CHIPS: usize = 12;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub(crate) x: f64,
    pub(crate) y: f64,
    pub w: f64,
    pub(crate) h: f64,
}

impl Rect {
    pub(crate) fn center(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
    /// The point on the rectangle's top or bottom edge facing `other`.
    pub(crate) fn anchor_towards(&self, other: &Rect) -> (f64, f64) {
        let (cx, _) = self.center();
        if other.y > self.y + self.h {
            (cx, self.y + self.h)
        } else if other.y + other.h < self.y {
            (cx, self.y)
        } else if other.x > self.x {
            (self.x + self.w, self.y + self.h / 2.0)
        } else {
            (self.x, self.y + self.h / 2.0)
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub nodes: BTreeMap<NodeAddr, Rect>,
    pub(crate) height: f64,
    /// With two clusters: each cluster's labelled region (empty with one).
    pub regions: Vec<(String, Rect)>,
    /// Each running MirrorMaker's box, between the clusters (two clusters only).
    pub mirrors: Vec<(u32, Rect)>,
}

/// The replicas a broker card shows for the focused topic (all topics when `None`), leaders
/// first, then the most-behind followers.
pub(crate) fn visible_replicas<'a>(
    replicas: &'a [ReplicaView],
    focus: Option<&str>,
    include_internal: bool,
) -> Vec<&'a ReplicaView> {
    let mut v: Vec<&ReplicaView> = replicas
        .iter()
        .filter(|r| match focus {
            Some(t) => r.tp.topic == t,
            None => include_internal || !r.tp.topic.starts_with("__"),
        })
        .collect();
    v.compact_sort_by(|a, b| (&a.tp.topic, a.tp.partition).cmp(&(&b.tp.topic, b.tp.partition)));
    v
}

pub fn compute(view: &ViewModel, focus: Option<&str>, include_internal: bool) -> Layout {
    let mut nodes = BTreeMap::new();
    let mut regions = Vec::new();
    let mut mirrors = Vec::new();
    let y = match &view.second_cluster {
        None => {
            let controllers: Vec<i32> = view.controllers.iter().map(|c| c.id).collect();
            let brokers: Vec<&BrokerView> = view.brokers.iter().collect();
            place_cluster(&mut nodes, &controllers, &brokers, 12.0, focus, include_internal)
        }
        Some(alias) => {
            // Two clusters stacked, each in a labelled region, MirrorMaker between them.
            let of = |cluster: u8| -> (Vec<i32>, Vec<&BrokerView>) {
                (
                    view.controllers.iter().filter(|c| c.cluster == cluster).map(|c| c.id).collect(),
                    view.brokers.iter().filter(|b| b.cluster == cluster).collect(),
                )
            };
            let first_alias = view
                .mirrors
                .iter()
                .flat_map(|m| m.flows.iter())
                .find_map(|f| {
                    if &f.target == alias {
                        Some(f.source.clone())
                    } else if &f.source == alias {
                        Some(f.target.clone())
                    } else {
                        None
                    }
                })
                .unwrap_or_else(|| "first cluster".to_string());
            let (c0, b0) = of(0);
            let top = 34.0;
            let bottom0 = place_cluster(&mut nodes, &c0, &b0, top, focus, include_internal);
            regions.push((
                format!("{first_alias} · localhost:9092"),
                Rect { x: 4.0, y: 4.0, w: WIDTH - 8.0, h: bottom0 + 10.0 - 4.0 },
            ));
            let mut y = bottom0 + 22.0;
            if !view.mirrors.is_empty() {
                let mw = 300.0;
                let n = view.mirrors.len() as f64;
                let start = (WIDTH - n * mw - (n - 1.0) * 20.0) / 2.0;
                for (i, m) in view.mirrors.iter().enumerate() {
                    mirrors.push((m.id, Rect { x: start + i as f64 * (mw + 20.0), y, w: mw, h: 44.0 }));
                }
                y += 44.0 + 22.0;
            }
            let (c1, b1) = of(1);
            let region_top = y;
            let bottom1 = place_cluster(&mut nodes, &c1, &b1, region_top + 30.0, focus, include_internal);
            regions.push((
                format!("{alias} · localhost:9192"),
                Rect { x: 4.0, y: region_top, w: WIDTH - 8.0, h: bottom1 + 10.0 - region_top },
            ));
            bottom1 + 10.0
        }
    };
    // Clients: producers on the left half, consumers on the right half.
    let y_clients = y + 56.0;
    let producers: Vec<u32> = view.clients.iter().filter(|c| c.kind == "producer").map(|c| c.id).collect();
    let consumers: Vec<u32> = view.clients.iter().filter(|c| c.kind == "consumer").map(|c| c.id).collect();
    let place = |ids: &[u32], left: f64, right: f64, nodes: &mut BTreeMap<NodeAddr, Rect>| -> f64 {
        let cwid = 170.0;
        let per = (((right - left) + 12.0) / (cwid + 12.0)).floor().max(1.0) as usize;
        let mut bottom = y_clients;
        for (i, id) in ids.iter().enumerate() {
            let r = i / per;
            let c = i % per;
            let rect = Rect { x: left + c as f64 * (cwid + 12.0), y: y_clients + r as f64 * 60.0, w: cwid, h: 48.0 };
            bottom = bottom.max(rect.y + rect.h);
            nodes.insert(NodeAddr::Client(*id), rect);
        }
        bottom
    };
    let b1 = place(&producers, 10.0, WIDTH / 2.0 - 10.0, &mut nodes);
    let b2 = place(&consumers, WIDTH / 2.0 + 10.0, WIDTH - 10.0, &mut nodes);
    let height = b1.max(b2).max(y + 20.0) + 16.0;
    Layout { nodes, height, regions, mirrors }
}

/// One cluster's controllers (a centred row at `top`) and brokers (rows below them); the bottom
/// of its last broker row.
fn place_cluster(
    nodes: &mut BTreeMap<NodeAddr, Rect>,
    controllers: &[i32],
    brokers: &[&BrokerView],
    top: f64,
    focus: Option<&str>,
    include_internal: bool,
) -> f64 {
    // Controllers: a centred row, wide enough for "leader (active) · epoch N · HW N" with a
    // high watermark of seven digits (the active controller's NoOpRecords move it twice a second).
    let cw = 240.0;
    let n_c = controllers.len().max(1) as f64;
    let start = (WIDTH - n_c * cw - (n_c - 1.0) * 20.0) / 2.0;
    for (i, c) in controllers.iter().enumerate() {
        nodes.insert(NodeAddr::Controller(*c), Rect { x: start + i as f64 * (cw + 20.0), y: top, w: cw, h: 44.0 });
    }
    // Brokers: up to 5 per row, the rows balanced (6 brokers are two rows of 3, not 5 and 1).
    let n_b = brokers.len().max(1);
    let rows = n_b.div_ceil(5);
    let per_row = n_b.div_ceil(rows);
    let gap = 16.0;
    let bw = ((WIDTH - 20.0 - (per_row as f64 - 1.0) * gap) / per_row as f64).min(240.0);
    let max_chips = brokers
        .iter()
        .map(|b| visible_replicas(&b.replicas, focus, include_internal).len().min(MAX_CHIPS + 1))
        .max()
        .unwrap_or(0);
    let bh = 58.0 + max_chips as f64 * (CHIP_H + 3.0);
    let first_row = top + 84.0;
    let mut y = first_row;
    for (i, b) in brokers.iter().enumerate() {
        let row = i / per_row;
        let col = i % per_row;
        let in_row = (n_b - row * per_row).min(per_row);
        let this_row_w = in_row as f64 * bw + (in_row as f64 - 1.0) * gap;
        let x0 = (WIDTH - this_row_w) / 2.0;
        nodes.insert(
            NodeAddr::Broker(b.id),
            Rect { x: x0 + col as f64 * (bw + gap), y: first_row + row as f64 * (bh + 24.0), w: bw, h: bh },
        );
        y = first_row + row as f64 * (bh + 24.0) + bh;
    }
    y
}

/// The smallest scale at which the diagram stays readable: its 11-unit texts drawn at 9 px.
pub(crate) const READABLE_SCALE: f64 = 0.8;
/// The largest scale the diagram is drawn at: beyond it, it only grows, it reads no better.
pub(crate) const MAX_SCALE: f64 = 1.3;

/// How large to draw a diagram `height` units tall (and [`WIDTH`] wide) in a box of
/// `box_w` × `box_h` CSS pixels, as its width and height in pixels. The whole diagram when it
/// fits at a readable scale; otherwise as wide as the box (never below [`READABLE_SCALE`], never
/// above 1), and it scrolls. Shrinking a 6-broker cluster into a laptop's stage made its text
/// 3 px high.
pub fn fit(box_w: f64, box_h: f64, height: f64) -> (f64, f64) {
    let (box_w, box_h, height) = (box_w.max(1.0), box_h.max(1.0), height.max(1.0));
    let whole = (box_w / WIDTH).min(box_h / height).min(MAX_SCALE);
    let scale = if whole >= READABLE_SCALE { whole } else { (box_w / WIDTH).clamp(READABLE_SCALE, 1.0) };
    ((WIDTH * scale).floor(), (height * scale).floor())
}

/// Where a request in flight is drawn `elapsed_ms` after it left: how far along its link
/// (0 at the sender, 1 at the receiver; eased in and out) and how opaque (it fades out over
/// the last tenth of its flight). `None` once it has landed.
pub fn flight_progress(elapsed_ms: f64, duration_ms: u32) -> Option<(f64, f64)> {
    let d = f64::from(duration_ms.max(1));
    let t = elapsed_ms.max(0.0) / d;
    if t >= 1.0 {
        return None;
    }
    let along = t * t * (3.0 - 2.0 * t);
    let alpha = if t < 0.9 { 1.0 } else { (1.0 - t) / 0.1 };
    Some((along, alpha))
}

impl Rect {
    /// Whether two rectangles overlap (touching edges do not count).
    pub fn intersects(&self, o: &Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }
}

/// A label for requests in flight: one API on one link, `Fetch ×12` when several are in
/// flight at once, or, where the link has no room left, all of that API's requests arriving at
/// one node (`Produce ×5 → b3`).
#[derive(Clone, Debug, PartialEq)]
pub struct FlightLabel {
    pub text: String,
    pub kind: RequestKind,
    pub count: u32,
    /// The label's box, in diagram units; `text` is drawn at its left edge, vertically centred.
    pub rect: Rect,
}

/// What the diagram shows of the requests in flight: non-overlapping labels, and for the
/// legend how many of each kind are in flight (labelled or not).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FlightLabels {
    pub labels: Vec<FlightLabel>,
    pub in_flight: Vec<(RequestKind, u32)>,
    /// Labelled requests whose label found no free place (their dots are still drawn).
    pub(crate) unlabelled: u32,
}

/// Height of a request label, in diagram units.
pub(crate) const LABEL_H: f64 = 14.0;

/// How wide a label's text is drawn (10-unit sans-serif: about 6 units a character, plus
/// padding). Generous, so real glyphs never run past the box that was kept free.
pub(crate) fn label_width(text: &str) -> f64 {
    text.chars().count() as f64 * 6.2 + 8.0
}

/// Places the labels of the requests in `flights`: requests of one API on one link share a
/// label (`Fetch ×12`); each label goes at the first free place along its link (the middle
/// first, then towards either end, either side of the line); when none is free, the requests
/// join a label at their destination (`Fetch ×5 → b3`); when that finds no room either they
/// stay unlabelled (and are counted). No two labels ever overlap. Flights are taken in order
/// of their first id, so the same flights give the same labels.
pub fn flight_labels(flights: &[Flight], nodes: &BTreeMap<NodeAddr, Rect>) -> FlightLabels {
    let mut in_flight: BTreeMap<RequestKind, u32> = BTreeMap::new();
    // (from, to, api) -> (first id, count)
    let mut links: BTreeMap<(NodeAddr, NodeAddr, &str), (u64, u32)> = BTreeMap::new();
    for f in flights {
        if f.response {
            continue;
        }
        *in_flight.entry(f.kind).or_default() += 1;
        if f.label.is_empty() {
            continue;
        }
        let e = links.entry((f.from, f.to, f.label.as_str())).or_insert((f.id, 0));
        e.0 = e.0.min(f.id);
        e.1 += 1;
    }
    let mut groups: Vec<_> = links.into_iter().collect();
    groups.compact_sort_by_key(|(_, (first, _))| *first);
    let mut placed: Vec<FlightLabel> = Vec::new();
    let mut at_node: BTreeMap<(NodeAddr, &str), (u32, u64)> = BTreeMap::new();
    let mut unlabelled = 0;
    for ((from, to, api), (first, count)) in groups {
        let (Some(a), Some(b)) = (nodes.get(&from), nodes.get(&to)) else { continue };
        let text = if count > 1 { format!("{api} ×{count}") } else { api.to_string() };
        let w = label_width(&text);
        let (x1, y1) = a.anchor_towards(b);
        let (x2, y2) = b.anchor_towards(a);
        let spot = [0.5, 0.35, 0.65, 0.2, 0.8].iter().find_map(|t| {
            let (cx, cy) = (x1 + (x2 - x1) * t, y1 + (y2 - y1) * t);
            [(4.0, -LABEL_H - 2.0), (4.0, 2.0), (-w - 4.0, -LABEL_H - 2.0), (-w - 4.0, 2.0)]
                .iter()
                .map(|(dx, dy)| Rect { x: cx + dx, y: cy + dy, w, h: LABEL_H })
                .find(|r| free(r, &placed, nodes))
        });
        match spot {
            Some(rect) => placed.push(FlightLabel { text, kind: RequestKind::of_api(api), count, rect }),
            None => {
                let e = at_node.entry((to, api)).or_insert((0, first));
                e.0 += count;
            }
        }
    }
    // What did not fit on its link, gathered where it arrives.
    let mut arriving: Vec<_> = at_node.into_iter().collect();
    arriving.compact_sort_by_key(|(_, (_, first))| *first);
    for ((to, api), (count, _)) in arriving {
        let Some(r) = nodes.get(&to) else { continue };
        let text = if count > 1 {
            format!("{api} ×{count} → {}", node_short(to))
        } else {
            format!("{api} → {}", node_short(to))
        };
        let w = label_width(&text);
        let candidates = (0..8).flat_map(|i| {
            let dy = i as f64 * (LABEL_H + 2.0);
            [
                Rect { x: r.x + r.w + 4.0, y: r.y + dy, w, h: LABEL_H },
                Rect { x: r.x - w - 4.0, y: r.y + dy, w, h: LABEL_H },
                Rect { x: r.x + 4.0, y: r.y - LABEL_H - 2.0 - dy, w, h: LABEL_H },
            ]
        });
        let spot = candidates.into_iter().find(|c| free(c, &placed, nodes));
        match spot {
            Some(rect) => placed.push(FlightLabel { text, kind: RequestKind::of_api(api), count, rect }),
            None => unlabelled += count,
        }
    }
    FlightLabels { labels: placed, in_flight: in_flight.into_iter().collect(), unlabelled }
}

/// How many requests of each kind are in flight (responses not counted), for the legend.
pub fn in_flight_by_kind(flights: &[Flight]) -> Vec<(RequestKind, u32)> {
    let mut n: BTreeMap<RequestKind, u32> = BTreeMap::new();
    for f in flights.iter().filter(|f| !f.response) {
        *n.entry(f.kind).or_default() += 1;
    }
    RequestKind::ALL.iter().map(|k| (*k, n.get(k).copied().unwrap_or(0))).collect()
}

/// Fetches parked at brokers now (long polls waiting in `DelayedFetch` for `fetch.min.bytes`
/// or `fetch.max.wait.ms`): in flight as far as their sender knows, though no dot moves, so the
/// legend counts them beside the Fetch dots.
pub fn parked_fetches(view: &crate::sim::view::ViewModel) -> u32 {
    view.brokers.iter().map(|b| b.waiting_fetches).sum()
}

/// Whether a label may go at `r`: inside the diagram, clear of the labels already placed and of
/// every card (a label on the short link between two neighbouring brokers was drawn over their
/// replica chips).
fn free(r: &Rect, placed: &[FlightLabel], nodes: &BTreeMap<NodeAddr, Rect>) -> bool {
    // A little air between labels, so two never read as one.
    let padded = Rect { x: r.x - 1.0, y: r.y - 1.0, w: r.w + 2.0, h: r.h + 2.0 };
    r.x >= 0.0
        && r.x + r.w <= WIDTH
        && r.y >= 0.0
        && placed.iter().all(|p| !padded.intersects(&p.rect))
        && nodes.values().all(|n| !r.intersects(n))
}

/// A node's name as short as labels write it: `b3`, `c1`, `client 4`.
pub(crate) fn node_short(n: NodeAddr) -> String {
    match n {
        NodeAddr::Broker(b) => format!("b{b}"),
        NodeAddr::Controller(c) => format!("c{c}"),
        NodeAddr::Client(c) => format!("client {c}"),
    }
}

/// A replica chip's label, `<topic>-<partition> <role><out>`, within `room` units of 11-px
/// monospace (6.6 units a character): a topic name too long for it is cut with `…`, keeping the
/// partition and the role. Before, `mm2-offset-syncs.backup.internal-0 L` ran over the chip's
/// numbers and cells.
#[cfg(any(test, target_arch = "wasm32"))]
pub(crate) fn chip_label(topic: &str, partition: i32, role: &str, room: f64) -> String {
    let tail = format!("-{partition} {role}");
    let max = (room / 6.6).floor().max(0.0) as usize;
    let n = topic.chars().count();
    if n + tail.chars().count() <= max {
        return format!("{topic}{tail}");
    }
    let keep = max.saturating_sub(tail.chars().count() + 1).max(1);
    let cut: String = topic.chars().take(keep).collect();
    format!("{cut}…{tail}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_long_topic_name_is_cut_to_fit_its_chip_keeping_partition_and_role() {
        use super::chip_label;
        assert_eq!(chip_label("orders", 0, "L", 200.0), "orders-0 L");
        let cut = chip_label("mm2-offset-syncs.backup.internal", 0, "F ✗", 100.0);
        assert!(cut.ends_with("…-0 F ✗"), "{cut}");
        assert!(cut.chars().count() as f64 * 6.6 <= 100.0, "{cut} fits 100 units");
        assert!(cut.starts_with("mm2-"), "{cut}");
    }

    use super::*;
    use crate::lab::{BenchCluster, Boot, Event, Lab};

    fn flight(id: u64, from: NodeAddr, to: NodeAddr, api: &str) -> Flight {
        Flight {
            id,
            from,
            to,
            label: api.to_string(),
            kind: RequestKind::of_api(api),
            response: false,
            error: false,
            duration_ms: 500,
            started_ms: 0,
        }
    }

    fn assert_apart(labels: &[FlightLabel]) {
        for (i, a) in labels.iter().enumerate() {
            for b in &labels[i + 1..] {
                assert!(!a.rect.intersects(&b.rect), "{a:?} overlaps {b:?}");
            }
        }
    }

    /// Busy frames of the benchmark clusters (at 1× and at 100×): plenty of labelled requests,
    /// no two label boxes intersect, and none covers a card.
    #[test]
    fn labels_of_a_busy_frame_never_overlap() {
        for bench in [BenchCluster::Ui, BenchCluster::UiLarge] {
            let (mut lab, _) =
                Lab::boot(Boot { bench: Some(bench), ..Boot::default() }, Box::new(|| 0.0)).expect("boots");
            lab.update(Event::SetSpeedLog(20));
            let mut busiest = 0;
            for i in 0..60 {
                lab.update(Event::Frame { wall_ms: f64::from(i) * 16.0, dt_ms: 16 });
                let v = lab.view();
                let layout = compute(&v.view, None, false);
                let out = flight_labels(&v.flights, &layout.nodes);
                assert_apart(&out.labels);
                for l in &out.labels {
                    for (n, r) in &layout.nodes {
                        assert!(!l.rect.intersects(r), "{l:?} is drawn over {n:?}'s card {r:?}");
                    }
                }
                let labelled: u32 = out.labels.iter().map(|l| l.count).sum();
                let requests = v.flights.iter().filter(|f| !f.response && !f.label.is_empty()).count() as u32;
                assert_eq!(labelled + out.unlabelled, requests, "every labelled request is counted once");
                let total: u32 = out.in_flight.iter().map(|(_, n)| n).sum();
                assert_eq!(total as usize, v.flights.iter().filter(|f| !f.response).count());
                busiest = busiest.max(out.labels.len());
            }
            assert!(busiest >= 5, "{bench:?}: the frames were busy ({busiest} labels at most)");
        }
    }

    /// The 6-broker benchmark cluster at a laptop's stage (about 845 × 290 px) does not fit
    /// whole at a readable scale: it is drawn as wide as the stage and scrolls; the default
    /// three brokers fit whole; a phone's narrow stage keeps the readable scale and scrolls
    /// sideways; a huge screen does not blow the diagram up.
    #[test]
    fn the_diagram_is_drawn_whole_when_readable_else_readable_and_scrolled() {
        let (mut lab6, _) =
            Lab::boot(Boot { bench: Some(BenchCluster::Ui), ..Boot::default() }, Box::new(|| 0.0)).expect("boots");
        let h6 = compute(&lab6.view().view, None, false).height;
        let (w, h) = fit(845.0, 290.0, h6);
        assert!(h > 290.0, "the 6 brokers scroll ({h6} units tall)");
        assert!((w - 845.0).abs() < 1.0, "as wide as the stage: {w}");
        assert!(w / WIDTH >= READABLE_SCALE);
        let (mut lab3, _) = Lab::boot(Boot::default(), Box::new(|| 0.0)).expect("boots");
        let h3 = compute(&lab3.view().view, None, false).height;
        let (w, h) = fit(845.0, 290.0, h3);
        assert!(h <= 290.0 && w <= 845.0, "three brokers fit whole: {w} × {h} for {h3} units");
        assert!(w / WIDTH >= READABLE_SCALE, "and stay readable");
        let (w, _) = fit(370.0, 500.0, h3);
        assert!((w - WIDTH * READABLE_SCALE).abs() < 1.0, "a phone scrolls sideways at the readable scale: {w}");
        let (w, h) = fit(3000.0, 2000.0, h3);
        assert!((w - WIDTH * MAX_SCALE).abs() < 1.0 && (h - h3 * MAX_SCALE).abs() < 1.0, "not blown up: {w} × {h}");
        let (w, h) = fit(0.0, -5.0, 0.0);
        assert!(w > 0.0 && h >= 0.0, "no box yet: no panic");
    }

    /// Rows of brokers are balanced: the 6 brokers of `?bench=ui` are two rows of three, the
    /// 10 of `?bench=ui-large` two rows of five; no two cards overlap.
    #[test]
    fn broker_rows_are_balanced() {
        for (bench, per_row) in [(BenchCluster::Ui, 3), (BenchCluster::UiLarge, 5)] {
            let (mut lab, _) =
                Lab::boot(Boot { bench: Some(bench), ..Boot::default() }, Box::new(|| 0.0)).expect("boots");
            let view = lab.view().view.clone();
            let layout = compute(&view, None, false);
            let cards: Vec<Rect> = view.brokers.iter().map(|b| layout.nodes[&NodeAddr::Broker(b.id)]).collect();
            let mut ys: Vec<i64> = cards.iter().map(|r| r.y as i64).collect();
            ys.dedup();
            assert_eq!(ys.len(), 2, "{bench:?}: two rows");
            assert_eq!(cards.iter().filter(|r| r.y as i64 == ys[0]).count(), per_row, "{bench:?}");
            for (i, a) in cards.iter().enumerate() {
                assert!(a.x >= 0.0 && a.x + a.w <= WIDTH, "{a:?} inside the diagram");
                for b in &cards[i + 1..] {
                    assert!(!a.intersects(b), "{a:?} overlaps {b:?}");
                }
            }
        }
    }

    #[test]
    fn a_flight_eases_along_its_link_and_fades_out_before_it_lands() {
        assert_eq!(flight_progress(0.0, 500), Some((0.0, 1.0)));
        let (mid, a) = flight_progress(250.0, 500).expect("in flight");
        assert!((mid - 0.5).abs() < 1e-9 && a == 1.0);
        let (early, _) = flight_progress(50.0, 500).expect("in flight");
        assert!(early < 0.1, "eased in: {early}");
        let (_, fading) = flight_progress(475.0, 500).expect("in flight");
        assert!(fading > 0.0 && fading < 1.0);
        assert_eq!(flight_progress(500.0, 500), None);
        assert_eq!(flight_progress(-20.0, 0), Some((0.0, 1.0)), "a zero duration and a clock behind: no panic");
    }

    #[test]
    fn requests_of_one_api_on_one_link_share_a_label() {
        let (b1, b2, b3) = (NodeAddr::Broker(1), NodeAddr::Broker(2), NodeAddr::Broker(3));
        let mut nodes = BTreeMap::new();
        nodes.insert(b1, Rect { x: 10.0, y: 100.0, w: 200.0, h: 100.0 });
        nodes.insert(b2, Rect { x: 400.0, y: 100.0, w: 200.0, h: 100.0 });
        nodes.insert(b3, Rect { x: 400.0, y: 400.0, w: 200.0, h: 100.0 });
        let mut flights: Vec<Flight> = (0..12).map(|i| flight(i, b1, b2, "Fetch")).collect();
        flights.push(flight(50, b1, b2, "Produce"));
        flights.push(flight(51, b1, b3, "Fetch"));
        let out = flight_labels(&flights, &nodes);
        let texts: Vec<&str> = out.labels.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["Fetch ×12", "Produce", "Fetch"]);
        assert_eq!(out.labels[0].count, 12);
        assert_eq!(out.in_flight, [(RequestKind::Produce, 1), (RequestKind::Fetch, 13)]);
        assert_apart(&out.labels);
    }

    #[test]
    fn a_crowded_link_sends_its_labels_to_the_destination_and_counts_what_finds_no_room() {
        // Thirty clients, all on one spot, all sending different APIs to one broker: the
        // link has room for a few labels; the rest gather at the broker, then go unlabelled.
        let b = NodeAddr::Broker(1);
        let mut nodes = BTreeMap::new();
        nodes.insert(b, Rect { x: 400.0, y: 100.0, w: 200.0, h: 100.0 });
        let apis = ["Produce", "Fetch", "Metadata", "JoinGroup", "SyncGroup", "OffsetCommit"];
        let mut flights = Vec::new();
        for c in 0..30u32 {
            nodes.insert(NodeAddr::Client(c), Rect { x: 400.0, y: 400.0, w: 170.0, h: 48.0 });
            for (i, api) in apis.iter().enumerate() {
                flights.push(flight(u64::from(c) * 10 + i as u64, NodeAddr::Client(c), b, api));
            }
        }
        let out = flight_labels(&flights, &nodes);
        assert_apart(&out.labels);
        assert!(out.labels.iter().any(|l| l.text.ends_with("→ b1")), "{:?}", out.labels);
        let labelled: u32 = out.labels.iter().map(|l| l.count).sum();
        assert_eq!(labelled + out.unlabelled, 180);
        assert!(out.labels.iter().all(|l| l.rect.x >= 0.0 && l.rect.x + l.rect.w <= WIDTH));
    }

    #[test]
    fn every_api_has_a_kind_and_every_kind_its_own_shape() {
        assert_eq!(RequestKind::of_api("Produce"), RequestKind::Produce);
        assert_eq!(RequestKind::of_api("Fetch"), RequestKind::Fetch);
        assert_eq!(RequestKind::of_api("OffsetCommit"), RequestKind::Group);
        assert_eq!(RequestKind::of_api("EndTxn"), RequestKind::Transaction);
        assert_eq!(RequestKind::of_api("BrokerHeartbeat"), RequestKind::Control);
        let mut shapes: Vec<_> = RequestKind::ALL.iter().map(|k| k.shape()).collect();
        shapes.sort();
        shapes.dedup();
        assert_eq!(shapes.len(), RequestKind::ALL.len());
        let mut glyphs: Vec<_> = RequestKind::ALL.iter().map(|k| k.glyph()).collect();
        glyphs.sort();
        glyphs.dedup();
        assert_eq!(glyphs.len(), RequestKind::ALL.len());
    }
}
