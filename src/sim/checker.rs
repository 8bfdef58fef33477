//! The invariant checker: runs after every event on what the event
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
use crate::sim::codec::Codec;
use crate::sim::log::Log;
use crate::sim::trace::{Finding, TraceKind};
use crate::sim::types::{Offset, TopicPartition};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A batch a producer was told is written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct Acked {
    pub base_offset: Offset,
    pub count: u32,
    pub origin: u64,
    pub acks: i16,
    /// An unclean election happened on the partition after this ack.
    pub(crate) unclean_after: bool,
}

/// How far the checker has scanned one broker's log, so each batch is examined once.
#[derive(Clone, Debug, Default, Serialize, Deserialize, Codec)]
struct Cursor {
    next: Offset,
    start: Offset,
    origins: BTreeMap<u64, Offset>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, Codec)]
pub struct Checker {
    pub acked: BTreeMap<TopicPartition, Vec<Acked>>,
    /// Every finding so far (also emitted as trace events).
    pub findings: Vec<Finding>,
    reported_dups: BTreeSet<(TopicPartition, u64)>,
    reported_unreadable: BTreeSet<(TopicPartition, Offset)>,
    cursors: BTreeMap<(i32, TopicPartition), Cursor>,
    #[serde(skip)]
    #[codec(skip)]
    pending_dups: Vec<(u64, Offset, Offset)>,
    /// The history checker over what consumers saw.
    pub history: History,
}

impl Checker {
    /// Learns from one trace event (acks, unclean elections).
    pub(crate) fn observe(&mut self, _now: crate::sim::time::SimTime, kind: &TraceKind) {
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

    /// KIP-848: in each consumer group a broker coordinates, no partition is held (assigned or
    /// pending revocation) by two members at once — the coordinator hands a partition out only
    /// once its previous owner has revoked it (`CurrentAssignmentBuilder.computeNextAssignment`
    /// keeps partitions whose `currentPartitionEpoch` is not -1 back as unreleased).
    pub(crate) fn check_consumer_groups(
        &mut self,
        broker: i32,
        coordinator: &crate::sim::broker::group::GroupCoordinator,
    ) -> Vec<Finding> {
        let mut out = Vec::new();
        for g in coordinator.groups.values() {
            let Some(cg) = &g.consumer else { continue };
            let mut holder: BTreeMap<&TopicPartition, &str> = BTreeMap::new();
            for m in cg.members.values() {
                for tp in m.assigned.keys().chain(m.pending_revocation.keys()) {
                    if let Some(other) = holder.insert(tp, &m.member_id) {
                        if other != m.member_id {
                            let what = format!(
                                "broker {broker}: consumer group {} gives {tp} to two members at once ({other} and {}) at group epoch {}",
                                g.id, m.member_id, cg.group_epoch
                            );
                            self.report(Finding::InvariantViolated { what }, &mut out);
                        }
                    }
                }
            }
        }
        out
    }

    /// KIP-932: in each share-partition a broker leads, no record was delivered more often than
    /// `group.share.delivery.count.limit`, and none between the SPSO and the SPEO is lost: each
    /// is available, acquired (by a member, under a lock), acknowledged or archived
    /// (`SharePartition`'s cached state).
    pub(crate) fn check_share_partitions(
        &mut self,
        broker: i32,
        share: &crate::sim::broker::share_fetch::ShareState,
    ) -> Vec<Finding> {
        let mut out = Vec::new();
        for m in share.partitions.values() {
            for sp in m.values() {
                for v in sp.violations() {
                    let what = format!("broker {broker}: {v}");
                    self.report(Finding::InvariantViolated { what }, &mut out);
                }
            }
        }
        out
    }

    /// Checks the logs a broker touched in the last event.
    pub(crate) fn check_touched(
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
            *cur = Cursor {
                next: log.log_start_offset.min(first_base(log)),
                start: log.log_start_offset,
                origins: BTreeMap::new(),
            };
            cur.next = -1;
        }
        let mut prev_end: Option<Offset> = if cur.next >= 0 { Some(cur.next) } else { None };
        let from = cur.next.max(0);
        let batches = log
            .read(from.max(log.log_start_offset).min(log.log_end_offset), log.log_end_offset, i64::MAX)
            .unwrap_or_default();
        for b in batches {
            if b.next_offset() <= from && cur.next >= 0 {
                continue;
            }
            if let Some(n) = prev_end {
                if b.base_offset < n {
                    return Some(format!(
                        "{}: batch at {} overlaps the previous one ending at {}",
                        log.tp,
                        b.base_offset,
                        n - 1
                    ));
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
    pub(crate) fn check_new_leader(&mut self, tp: &TopicPartition, log: &Log, compacted: bool) -> Vec<Finding> {
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

impl Checker {
    /// After every fault healed and the cluster settled: every acknowledged record still tracked
    /// for `tp` must be readable, that is in the current leader's `log` below its high
    /// watermark. A record missing from the log is a lost write (as [`Checker::check_new_leader`]
    /// reports it); one present at or above the HW is [`Finding::Unreadable`]. Each is
    /// reported once.
    pub(crate) fn check_readable(&mut self, tp: &TopicPartition, log: &Log, compacted: bool) -> Vec<Finding> {
        let mut out = self.check_new_leader(tp, log, compacted);
        if compacted {
            return out;
        }
        let hw = log.high_watermark;
        let unreadable: Vec<Offset> = self
            .acked
            .get(tp)
            .map(|list| {
                list.iter()
                    .filter_map(|a| {
                        let end = a.base_offset + i64::from(a.count);
                        (end > hw).then_some(a.base_offset.max(hw))
                    })
                    .collect()
            })
            .unwrap_or_default();
        for offset in unreadable {
            if self.reported_unreadable.insert((tp.clone(), offset)) {
                self.report(Finding::Unreadable { tp: tp.clone(), offset, high_watermark: hw }, &mut out);
            }
        }
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

/// The history checker, in the spirit of Jepsen's Kafka checker: from what consumers were
/// given, find duplicates (one producer record at two offsets), reordering (a producer's
/// records out of send order within a partition), skipped offsets (a readable record a
/// consumer jumped over), reads beyond the HW/LSO, and aborted records seen by read_committed.
/// Per consumer and partition: the next offset expected, and per producer the last
/// (batch, index) seen and its offset.
type Cursors = BTreeMap<(String, TopicPartition), (Offset, BTreeMap<u64, (u64, u32, Offset)>)>;

#[derive(Clone, Debug, Default, Serialize, Deserialize, Codec)]
pub struct History {
    /// Per consumer and partition: the next offset expected, and per producer the last
    /// (batch, index) seen.
    cursors: Cursors,
    /// Per partition: where each producer record was first seen.
    seen_at: BTreeMap<TopicPartition, BTreeMap<(u64, u32), Offset>>,
    reported: BTreeSet<(TopicPartition, u64, u32)>,
    pub consumed: u64,
}

impl History {
    pub(crate) fn observe(&mut self, obs: &crate::sim::node::Observation, leader_log: Option<&Log>) -> Vec<Finding> {
        use crate::sim::node::Observation;
        let mut out = Vec::new();
        match obs {
            Observation::Position { client, tp, offset } => {
                let e = self.cursors.entry((client.clone(), tp.clone())).or_default();
                e.0 = *offset;
            }
            Observation::Consumed {
                client,
                tp,
                offset,
                origin,
                index,
                bound,
                read_committed,
                producer_id,
                transactional,
            } => {
                self.consumed += 1;
                if offset >= bound {
                    out.push(Finding::ReadBeyondBound { tp: tp.clone(), consumer: client.clone(), offset: *offset });
                }
                if *read_committed && *transactional {
                    if let Some(log) = leader_log {
                        if log.aborted.iter().any(|a| {
                            a.producer_id == *producer_id && *offset >= a.first_offset && *offset <= a.last_offset
                        }) {
                            out.push(Finding::AbortedRead {
                                tp: tp.clone(),
                                consumer: client.clone(),
                                offset: *offset,
                            });
                        }
                    }
                }
                let key = (client.clone(), tp.clone());
                let (expected, last_by_producer) = self.cursors.entry(key).or_insert((*offset, BTreeMap::new()));
                if *offset > *expected && *expected >= 0 {
                    if let Some(log) = leader_log {
                        if let Some(skipped) = first_readable(log, *expected, *offset, *read_committed) {
                            out.push(Finding::SkippedOffset {
                                tp: tp.clone(),
                                consumer: client.clone(),
                                offset: skipped,
                            });
                        }
                    }
                }
                if *origin != 0 {
                    let producer = origin >> 40;
                    let batch = origin & ((1u64 << 40) - 1);
                    if let Some((lb, li, lo)) = last_by_producer.get(&producer).copied() {
                        if *offset > lo && (batch, *index) < (lb, li) && !(batch == lb && *index == li) {
                            out.push(Finding::Reordered {
                                tp: tp.clone(),
                                earlier_sent_at: *offset,
                                later_sent_at: lo,
                            });
                        }
                    }
                    last_by_producer.insert(producer, (batch, *index, *offset));
                    let seen = match self.seen_at.get_mut(tp) {
                        Some(seen) => seen,
                        None => self.seen_at.entry(tp.clone()).or_default(),
                    };
                    let first = *seen.entry((*origin, *index)).or_insert(*offset);
                    if first != *offset && self.reported.insert((tp.clone(), *origin, *index)) {
                        out.push(Finding::Duplicate { tp: tp.clone(), first, second: *offset });
                    }
                }
                *expected = offset + 1;
            }
        }
        out
    }
}

/// The first offset in `[from, to)` holding a record a consumer should have received.
fn first_readable(log: &Log, from: Offset, to: Offset, read_committed: bool) -> Option<Offset> {
    let batches = log.read(from.max(log.log_start_offset), to, i64::MAX).ok()?;
    for b in batches {
        if b.is_control() {
            continue;
        }
        if read_committed
            && b.transactional
            && log.aborted.iter().any(|a| {
                a.producer_id == b.producer_id && b.base_offset >= a.first_offset && b.base_offset <= a.last_offset
            })
        {
            continue;
        }
        for (o, _) in b.iter_with_offsets() {
            if o >= from && o < to {
                return Some(o);
            }
        }
    }
    None
}
