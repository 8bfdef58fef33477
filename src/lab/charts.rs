//! The charts' samples: one per simulated second of throughput, lag per group, ISR health and
//! errors, taken from the view and the feed's counters.

use super::feed::Counters;
use super::view::Sample;
use crate::sim::view::ViewModel;
use std::collections::VecDeque;
use std::rc::Rc;

/// Samples kept (ten minutes of simulated time).
pub(crate) const SAMPLES_CAP: usize = 600;

#[derive(Default)]
pub(crate) struct Charts {
    samples: VecDeque<Sample>,
    published: Rc<Vec<Sample>>,
    last_s: u64,
}

impl Charts {
    /// Takes a sample when simulated time reached a new second; `take` gives the counters
    /// since the last sample. Returns whether one was taken.
    pub(crate) fn sample(&mut self, now_ms: u64, view: &ViewModel, take: impl FnOnce() -> Counters) -> bool {
        let s = now_ms / 1000;
        if s <= self.last_s && !self.samples.is_empty() {
            return false;
        }
        self.last_s = s;
        let (mut isr_total, mut replicas_total, mut urp) = (0u32, 0u32, 0u32);
        for t in view.topics.iter().filter(|t| !t.internal) {
            for p in t.partitions.iter() {
                isr_total += p.isr.len() as u32;
                replicas_total += p.replicas.len() as u32;
                if p.under_replicated() {
                    urp += 1;
                }
            }
        }
        let c = take();
        self.samples.push_back(Sample {
            at_s: s,
            produced: c.produced,
            consumed: c.consumed,
            lag: view.groups.iter().map(|g| g.total_lag()).sum(),
            lag_by_group: view.groups.iter().map(|g| (g.id.clone(), g.total_lag())).collect(),
            isr_total,
            replicas_total,
            under_replicated: urp,
            errors: c.errors,
        });
        while self.samples.len() > SAMPLES_CAP {
            self.samples.pop_front();
        }
        self.published = Rc::new(self.samples.iter().cloned().collect());
        true
    }

    /// Forgets the samples after `ms` (the timeline forked there).
    pub(crate) fn cut_after(&mut self, ms: u64) {
        self.samples.retain(|s| s.at_s <= ms / 1000);
        self.published = Rc::new(self.samples.iter().cloned().collect());
    }

    pub(crate) fn clear(&mut self) {
        self.samples.clear();
        self.published = Rc::new(Vec::new());
        self.last_s = 0;
    }

    pub(crate) fn published(&self) -> Rc<Vec<Sample>> {
        self.published.clone()
    }
}
