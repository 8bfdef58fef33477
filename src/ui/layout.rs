//! Where things are drawn in the cluster diagram: controllers on top, brokers in the middle,
//! clients below. Coordinates are in the SVG's own units (the viewBox scales to the screen).

use crate::sim::sort::CompactSort;
use crate::sim::types::NodeAddr;
use crate::sim::view::{ReplicaView, ViewModel};
use std::collections::BTreeMap;

pub const WIDTH: f64 = 1000.0;
pub const CHIP_H: f64 = 20.0;
pub const MAX_CHIPS: usize = 12;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn center(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
    /// The point on the rectangle's top or bottom edge facing `other`.
    pub fn anchor_towards(&self, other: &Rect) -> (f64, f64) {
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
    pub height: f64,
}

/// The replicas a broker card shows for the focused topic (all topics when `None`), leaders
/// first, then the most-behind followers.
pub fn visible_replicas<'a>(
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
    // Controllers: a centred row, wide enough for "leader (active) · epoch N · HW N" with a
    // high watermark of seven digits (the active controller's NoOpRecords move it twice a second).
    let cw = 240.0;
    let n_c = view.controllers.len().max(1) as f64;
    let start = (WIDTH - n_c * cw - (n_c - 1.0) * 20.0) / 2.0;
    for (i, c) in view.controllers.iter().enumerate() {
        nodes.insert(NodeAddr::Controller(c.id), Rect { x: start + i as f64 * (cw + 20.0), y: 12.0, w: cw, h: 44.0 });
    }
    // Brokers: up to 5 per row.
    let n_b = view.brokers.len().max(1);
    let per_row = n_b.min(5);
    let gap = 16.0;
    let bw = ((WIDTH - 20.0 - (per_row as f64 - 1.0) * gap) / per_row as f64).min(240.0);
    let row_w = per_row as f64 * bw + (per_row as f64 - 1.0) * gap;
    let max_chips = view
        .brokers
        .iter()
        .map(|b| visible_replicas(&b.replicas, focus, include_internal).len().min(MAX_CHIPS + 1))
        .max()
        .unwrap_or(0);
    let bh = 58.0 + max_chips as f64 * (CHIP_H + 3.0);
    let mut y = 96.0;
    for (i, b) in view.brokers.iter().enumerate() {
        let row = i / per_row;
        let col = i % per_row;
        let in_row = (n_b - row * per_row).min(per_row);
        let this_row_w = in_row as f64 * bw + (in_row as f64 - 1.0) * gap;
        let x0 = (WIDTH - this_row_w) / 2.0;
        let _ = row_w;
        nodes.insert(
            NodeAddr::Broker(b.id),
            Rect { x: x0 + col as f64 * (bw + gap), y: 96.0 + row as f64 * (bh + 24.0), w: bw, h: bh },
        );
        y = 96.0 + row as f64 * (bh + 24.0) + bh;
    }
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
    Layout { nodes, height }
}
