//! The invariant checker (kafka-semantics.md §4): runs after every event on what the event
//! touched, and on every leadership change checks that acknowledged writes survived.
//!
//! * Log invariants: HW ≤ LEO, log start ≤ HW, offsets increasing and dense (gaps only where
//!   compaction removed records), the LEO at the end of the last batch.
//! * A leader is in its own ISR.
//! * Durability: a record acknowledged with acks=all while the ISR met min.insync.replicas is
//!   in every later leader's log, unless an unclean election happened. Losses with acks=0/1
//!   are reported too, as expected findings.
//! * Duplicates: one producer batch written twice (a retry without idempotence).

use crate::sim::broker::replica::Role;
use crate::sim::broker::{BrokerDisk, BrokerProc};
use crate::sim::log::Log;
use crate::sim::trace::{Finding, TraceKind};
use crate::sim::types::{Offset, TopicPartition};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A batch a producer was told is written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acked {
    pub base_offset: Offset,
    pub count: u32,
    pub origin: u64,
    pub acks: i16,
    /// An unclean election happened on the partition after this ack.
    pub unclean_after: bool,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Checker {
    pub acked: BTreeMap<TopicPartition, Vec<Acked>>,
    /// Every finding so far (also emitted as trace events).
    pub findings: Vec<Finding>,
    reported_dups: BTreeSet<(TopicPartition, u64)>,
}

impl Checker {
    /// Learns from one trace event (acks, unclean elections).
    pub fn observe(&mut self, _now: crate::sim::time::SimTime, kind: &TraceKind) {
        match kind {
            TraceKind::ProduceAcked { tp, base_offset, count, acks, origin, .. } if *base_offset >= 0 => {
                self.acked.entry(tp.clone()).or_default().push(Acked {
                    base_offset: *base_offset,
                    count: *count,
                    origin: *origin,
                    acks: *acks,
                    unclean_after: false,
                });
            }
            TraceKind::LeaderElected { tp, reason: crate::sim::trace::ElectionReason::Unclean, .. } => {
                if let Some(v) = self.acked.get_mut(tp) {
                    for a in v.iter_mut() {
                        a.unclean_after = true;
                    }
                }
            }
            TraceKind::TopicDeleted { topic } => {
                self.acked.retain(|tp, _| &tp.topic != topic);
            }
            _ => {}
        }
    }

    fn report(&mut self, f: Finding, out: &mut Vec<Finding>) {
        self.findings.push(f.clone());
        out.push(f);
    }

    /// Checks the logs a broker touched in the last event.
    pub fn check_touched(
        &mut self,
        p: &BrokerProc,
        disk: &BrokerDisk,
        touched: &[TopicPartition],
        compacted: impl Fn(&str) -> bool,
    ) -> Vec<Finding> {
        let mut out = Vec::new();
        for tp in touched {
            let Some(log) = disk.logs.get(tp) else { continue };
            if let Some(what) = log.check_invariants() {
                self.report(Finding::InvariantViolated { what: format!("broker {}: {what}", p.id) }, &mut out);
            }
            if !compacted(&tp.topic) {
                if let Some(what) = gaps(log) {
                    self.report(Finding::InvariantViolated { what: format!("broker {}: {what}", p.id) }, &mut out);
                }
            }
            if let Some(r) = p.replicas.get(tp) {
                if matches!(r.role, Role::Leader { .. }) && !r.isr.contains(&p.id) {
                    self.report(
                        Finding::InvariantViolated {
                            what: format!("broker {} leads {tp} but is not in its ISR {:?}", p.id, r.isr),
                        },
                        &mut out,
                    );
                }
            }
            self.check_duplicates(tp, log, &mut out);
        }
        out
    }

    fn check_duplicates(&mut self, tp: &TopicPartition, log: &Log, out: &mut Vec<Finding>) {
        let Some(acked) = self.acked.get(tp) else { return };
        if acked.is_empty() {
            return;
        }
        let mut seen: BTreeMap<u64, Offset> = BTreeMap::new();
        let mut dups = Vec::new();
        for b in log.batches() {
            if b.origin == 0 || b.is_control() {
                continue;
            }
            if let Some(first) = seen.insert(b.origin, b.base_offset) {
                if first != b.base_offset && !self.reported_dups.contains(&(tp.clone(), b.origin)) {
                    dups.push((b.origin, first, b.base_offset));
                }
            }
        }
        for (origin, first, second) in dups {
            self.reported_dups.insert((tp.clone(), origin));
            self.report(Finding::Duplicate { tp: tp.clone(), first, second }, out);
        }
    }

    /// When a broker becomes leader its log is the truth: every acknowledged record must be
    /// in it. Returns the losses found (each reported once).
    pub fn check_new_leader(&mut self, tp: &TopicPartition, log: &Log, compacted: bool) -> Vec<Finding> {
        let mut out = Vec::new();
        if compacted {
            return out;
        }
        let Some(list) = self.acked.get(tp).cloned() else { return out };
        let mut keep = Vec::new();
        for a in list {
            let end = a.base_offset + i64::from(a.count);
            if end <= log.log_start_offset {
                continue; // removed by retention: not a loss
            }
            let present =
                a.count > 0 && (a.base_offset..end).all(|o| o < log.log_start_offset || holds(log, o, a.origin));
            if present {
                keep.push(a);
            } else {
                for o in a.base_offset..end {
                    if o >= log.log_start_offset && !holds(log, o, a.origin) {
                        self.report(
                            Finding::LostWrite {
                                tp: tp.clone(),
                                offset: o,
                                acks: a.acks,
                                after_unclean: a.unclean_after,
                            },
                            &mut out,
                        );
                    }
                }
            }
        }
        self.acked.insert(tp.clone(), keep);
        out
    }
}

/// Whether the log holds the record of batch `origin` at `offset`.
fn holds(log: &Log, offset: Offset, origin: u64) -> bool {
    if offset >= log.log_end_offset {
        return false;
    }
    match log.read(offset, offset + 1, 1) {
        Ok(batches) => batches.iter().any(|b| b.origin == origin && b.iter_with_offsets().any(|(o, _)| o == offset)),
        Err(_) => false,
    }
}

/// Offsets are dense in a log that compaction never touched.
fn gaps(log: &Log) -> Option<String> {
    let mut next: Option<Offset> = None;
    for b in log.batches() {
        if let Some(n) = next {
            if b.base_offset != n {
                return Some(format!("{}: offsets jump from {} to {}", log.tp, n - 1, b.base_offset));
            }
        }
        if !b.is_control() && b.records.len() as i64 != b.last_offset - b.base_offset + 1 {
            return Some(format!("{}: batch at {} has gaps", log.tp, b.base_offset));
        }
        next = Some(b.next_offset());
    }
    None
}
