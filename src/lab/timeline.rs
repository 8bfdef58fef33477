//! The recorded timeline: copies of the console every few simulated seconds, so the learner
//! can go back to any earlier moment (the nearest copy before it, caught up with the command
//! log), look around, and fork a new future from there.

use crate::console::session::Console;
use crate::sim::time::SimTime;
use std::rc::Rc;

/// Simulated ms between two saved moments.
pub const SNAPSHOT_EVERY_MS: u64 = 10_000;
/// Saved moments kept (older ones are thinned out).
pub const SNAPSHOT_CAP: usize = 90;

struct Snapshot {
    at: SimTime,
    console: Console,
}

/// The saved moments, and the live console while the learner looks at the past.
#[derive(Default)]
pub struct Timeline {
    snapshots: Vec<Snapshot>,
    published: Rc<Vec<u64>>,
    /// While the learner looks at the past: the live console waits here.
    live: Option<Console>,
}

impl Timeline {
    /// Saves a moment when simulated time entered a new interval (or none is saved yet).
    pub fn maybe_snapshot(&mut self, console: &Console) {
        if self.live.is_some() {
            return;
        }
        let bucket = |t: SimTime| t.as_ms() / SNAPSHOT_EVERY_MS;
        if self.snapshots.last().map(|s| bucket(s.at) < bucket(console.sim().now())).unwrap_or(true) {
            self.snapshot(console);
        }
    }

    /// Saves the moment `console` is at (nothing while a tool runs: a job cannot be copied).
    pub fn snapshot(&mut self, console: &Console) {
        let Some(c) = console.snapshot() else { return };
        self.snapshots.push(Snapshot { at: c.sim().now(), console: c });
        if self.snapshots.len() > SNAPSHOT_CAP {
            // Thin out the older half, keeping the first (boot) and the recent ones.
            let n = self.snapshots.len();
            let mut i = 0;
            self.snapshots.retain(|_| {
                let keep = i == 0 || i % 2 == 0 || i >= n - 20;
                i += 1;
                keep
            });
        }
        self.publish();
    }

    fn publish(&mut self) {
        self.published = Rc::new(self.snapshots.iter().map(|s| s.at.as_ms()).collect());
    }

    /// The live head: the latest moment recorded.
    pub fn head(&self, shown: &Console) -> SimTime {
        self.live.as_ref().map(|c| c.sim().now()).unwrap_or(shown.sim().now())
    }

    pub fn viewing_past(&self) -> bool {
        self.live.is_some()
    }

    /// The console as it was at `target` (before the live head), built from the nearest saved
    /// moment and the command log; `shown` becomes it and the live one waits aside. Returns
    /// false when no saved moment is early enough.
    pub fn seek(&mut self, shown: &mut Console, target: SimTime) -> bool {
        let Some(snap) = self.snapshots.iter().rev().find(|s| s.at <= target) else { return false };
        let Some(mut c) = snap.console.snapshot() else { return false };
        let log = self.live.as_ref().unwrap_or(shown).log();
        c.catch_up(log, target);
        let previous = std::mem::replace(shown, c);
        if self.live.is_none() {
            self.live = Some(previous);
        }
        true
    }

    /// Back to the live head; returns whether the learner was looking at the past.
    pub fn back_to_live(&mut self, shown: &mut Console) -> bool {
        match self.live.take() {
            Some(live) => {
                *shown = live;
                true
            }
            None => false,
        }
    }

    /// Acting on the past: the moment shown becomes the present and the old future is
    /// dropped. Returns whether there was a future to drop.
    pub fn fork(&mut self, now: SimTime) -> bool {
        if self.live.take().is_none() {
            return false;
        }
        self.snapshots.retain(|s| s.at <= now);
        self.publish();
        true
    }

    /// Starts again from `console` (another cluster, a lesson step).
    pub fn restart(&mut self, console: &Console) {
        self.live = None;
        self.snapshots.clear();
        self.snapshot(console);
    }

    pub fn published(&self) -> Rc<Vec<u64>> {
        self.published.clone()
    }
}
