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

/// How far the checker has scanned one broker's log, so each batch is examined once.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Cursor {
    next: Offset,
    start: Offset,
    origins: BTreeMap<u64, Offset>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Checker {
    pub acked: BTreeMap<TopicPartition, Vec<Acked>>,
    /// Every finding so far (also emitted as trace events).
    pub findings: Vec<Finding>,
    reported_dups: BTreeSet<(TopicPartition, u64)>,
    cursors: BTreeMap<(i32, TopicPartition), Cursor>,
    #[serde(skip)]
    pending_dups: Vec<(u64, Offset, Offset)>,
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
            let Some(log) = disk.logs.get(tp) else {
                self.cursors.remove(&(p.id, tp.clone()));
                continue;
            };
            if let Some(what) = self.scan(p.id, log, compacted(&tp.topic)) {
                self.report(Finding::InvariantViolated { what: format!("broker {}: {what}", p.id) }, &mut out);
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
            let dups = std::mem::take(&mut self.pending_dups);
            for (origin, first, second) in dups {
                if self.reported_dups.insert((tp.clone(), origin)) {
                    self.report(Finding::Duplicate { tp: tp.clone(), first, second }, &mut out);
                }
            }
        }
        out
    }

    /// Examines what changed in a log since the last scan: the O(1) invariants always, and
    /// each new batch once (increasing, dense offsets; one producer batch written twice).
    fn scan(&mut self, broker: i32, log: &Log, compacted: bool) -> Option<String> {
        if log.high_watermark > log.log_end_offset {
            return Some(format!("{}: HW {} > LEO {}", log.tp, log.high_watermark, log.log_end_offset));
        }
        if log.log_start_offset > log.high_watermark {
            return Some(format!("{}: log start {} > HW {}", log.tp, log.log_start_offset, log.high_watermark));
        }
        let key = (broker, log.tp.clone());
        let cur = self.cursors.entry(key).or_default();
        if log.log_end_offset < cur.next || log.log_start_offset != cur.start {
            // Truncated, trimmed or compacted: rescan from the start.
            *cur = Cursor { next: log.log_start_offset.min(first_base(log)), start: log.log_start_offset, origins: BTreeMap::new() };
            cur.next = -1;
        }
        let mut prev_end: Option<Offset> = if cur.next >= 0 { Some(cur.next) } else { None };
        let from = cur.next.max(0);
        let batches = log.read(from.max(log.log_start_offset).min(log.log_end_offset), log.log_end_offset, i64::MAX).unwrap_or_default();
        for b in batches {
            if b.next_offset() <= from && cur.next >= 0 {
                continue;
            }
            if let Some(n) = prev_end {
                if b.base_offset < n {
                    return Some(format!("{}: batch at {} overlaps the previous one ending at {}", log.tp, b.base_offset, n - 1));
                }
                if !compacted && b.base_offset != n {
                    return Some(format!("{}: offsets jump from {} to {}", log.tp, n - 1, b.base_offset));
                }
            }
            let mut last = -1i64;
            for (o, _) in b.iter_with_offsets() {
                if o <= last || o > b.last_offset {
                    return Some(format!("{}: offsets not increasing inside the batch at {}", log.tp, b.base_offset));
                }
                last = o;
            }
            if !compacted && !b.is_control() && b.records.len() as i64 != b.last_offset - b.base_offset + 1 {
                return Some(format!("{}: batch at {} has gaps", log.tp, b.base_offset));
            }
            if b.origin != 0 && !b.is_control() {
                if let Some(first) = cur.origins.insert(b.origin, b.base_offset) {
                    if first != b.base_offset {
                        self.pending_dups.push((b.origin, first, b.base_offset));
                    }
                }
            }
            prev_end = Some(b.next_offset());
        }
        let cur = self.cursors.get_mut(&(broker, log.tp.clone())).expect("cursor");
        cur.next = log.log_end_offset;
        cur.start = log.log_start_offset;
        if let Some(n) = prev_end {
            if n != log.log_end_offset {
                return Some(format!("{}: LEO {} but the last batch ends at {}", log.tp, log.log_end_offset, n - 1));
            }
        }
        None
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

fn first_base(log: &Log) -> Offset {
    log.batches().next().map(|b| b.base_offset).unwrap_or(log.log_end_offset)
}
