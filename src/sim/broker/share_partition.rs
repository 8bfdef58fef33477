//! A share-partition on its partition's leader (KIP-932, `SharePartition`): which records of one
//! topic-partition a share group has in flight, per record.
//!
//! The share-partition start offset (**SPSO**, `startOffset`) is the first record not yet
//! finished; the end offset (**SPEO**, `endOffset`) the last record acquired so far. Every record
//! between them is in one state (`RecordState`): `Available` (may be handed out), `Acquired`
//! (locked by one member for `group.share.record.lock.duration.ms`, 30 s), `Acknowledged` or
//! `Archived` (finished). Acquiring a record counts a delivery (`DeliveryCountOps.INCREASE`); a
//! record released (by the member, on lock expiry or when its member leaves) whose delivery count
//! reached `group.share.delivery.count.limit` (5) is archived instead of becoming available
//! (`InFlightState.tryUpdateState`). When the records at the SPSO are finished, the SPSO moves
//! past them (`maybeUpdateCachedStateAndOffsets`).
//!
//! Brokerlab keeps the state per record (Kafka keeps whole batches until they split); what a
//! consumer sees is the same: records are acquired a fetched batch at a time, and a batch whose
//! records reached half the delivery limit is handed out one record at a time
//! (`shouldThrottleRecordsDelivery`).

use crate::sim::codec::Codec;
use crate::sim::time::SimTime;
use crate::sim::types::{Offset, TopicPartition};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `group.share.record.lock.duration.ms` (`ShareGroupConfig`).
pub(crate) const DEFAULT_RECORD_LOCK_DURATION_MS: i64 = 30_000;
/// `group.share.delivery.count.limit` (`ShareGroupConfig`).
pub(crate) const DEFAULT_DELIVERY_COUNT_LIMIT: i32 = 5;
/// `group.share.partition.max.record.locks` (`ShareGroupConfig`).
pub(crate) const DEFAULT_MAX_RECORD_LOCKS: i32 = 2000;

/// `RecordState`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub enum RecordState {
    Available,
    Acquired,
    Acknowledged,
    Archived,
}

impl RecordState {
    /// `isStateTerminal`.
    pub fn terminal(self) -> bool {
        matches!(self, RecordState::Acknowledged | RecordState::Archived)
    }
}

/// `AcknowledgeType` (its ids: ACCEPT 1, RELEASE 2, REJECT 3).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Codec)]
pub enum AckType {
    Accept,
    Release,
    Reject,
}

impl AckType {
    pub fn name(self) -> &'static str {
        match self {
            AckType::Accept => "ACCEPT",
            AckType::Release => "RELEASE",
            AckType::Reject => "REJECT",
        }
    }
}

/// One record in flight (`InFlightState`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct InFlight {
    pub state: RecordState,
    pub(crate) delivery_count: i32,
    /// The member holding it while `Acquired` (empty otherwise).
    pub(crate) member: String,
    /// When the acquisition lock expires (`AcquisitionLockTimerTask`).
    pub(crate) lock_until: Option<SimTime>,
    /// The in-flight batch it was first acquired in (`InFlightBatch`: first and last offset).
    pub(crate) batch: (Offset, Offset),
}

/// The limits a share-partition works with (`ShareGroupConfig`, or the group's overrides).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct ShareLimits {
    pub(crate) lock_duration_ms: i64,
    pub(crate) delivery_count_limit: i32,
    pub(crate) max_record_locks: i32,
}

impl Default for ShareLimits {
    fn default() -> Self {
        ShareLimits {
            lock_duration_ms: DEFAULT_RECORD_LOCK_DURATION_MS,
            delivery_count_limit: DEFAULT_DELIVERY_COUNT_LIMIT,
            max_record_locks: DEFAULT_MAX_RECORD_LOCKS,
        }
    }
}

/// Records handed to a member by one acquisition: `(first, last, delivery count)` ranges as in
/// `ShareFetchResponseData.AcquiredRecords`.
pub(crate) type AcquiredRange = (Offset, Offset, i32);

/// A share-partition (`SharePartition`) on the leader.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct SharePartition {
    pub group: String,
    pub tp: TopicPartition,
    /// The leader epoch it was initialized under.
    pub leader_epoch: i32,
    /// SPSO.
    pub start_offset: Offset,
    /// SPEO: the last offset acquired so far, or `start_offset` while nothing is in flight.
    pub end_offset: Offset,
    /// Every record from the SPSO to the SPEO that is in flight.
    pub records: BTreeMap<Offset, InFlight>,
    pub limits: ShareLimits,
    /// The state epoch the share coordinator gave it (`stateEpoch`): a write under an older
    /// one is fenced.
    #[serde(default)]
    pub state_epoch: i32,
    /// The state to write to the share coordinator (`writeShareGroupState`), taken at the last
    /// change that needs it (an acknowledgement, a release, a lock expiry; acquiring alone
    /// writes nothing): the start offset as it was before the change and the records after
    /// it, so the start offset a write carries moves with the next write.
    #[serde(default)]
    pub unpersisted: Option<PersistedShareState>,
}

/// A share-partition's state as the share coordinator keeps it in `__share_group_state`
/// (`ShareSnapshotValue`): its state epoch, the leader epoch that wrote it, the start offset
/// (-1: initialized, nothing started yet, `share.auto.offset.reset` applies) and its state
/// batches `(first, last, delivery state, delivery count)` with Kafka's `RecordState` ids
/// (AVAILABLE 0, ACKNOWLEDGED 2, ARCHIVED 4; an acquired record is written as available).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct PersistedShareState {
    pub state_epoch: i32,
    pub leader_epoch: i32,
    pub start_offset: Offset,
    pub batches: Vec<(Offset, Offset, i8, i32)>,
}

impl PersistedShareState {
    /// `ReadShareGroupStateSummary`'s figures: the start offset and the records finished at or
    /// after it (`deliveryCompleteCount`); none while nothing was started.
    pub fn summary(&self) -> Option<(Offset, i64)> {
        if self.start_offset < 0 {
            return None;
        }
        let done = self
            .batches
            .iter()
            .filter(|b| b.2 == 2 || b.2 == 4)
            .map(|b| (b.1 - b.0.max(self.start_offset) + 1).max(0))
            .sum();
        Some((self.start_offset, done))
    }
}

/// A record batch of the log as acquisition sees it: its first and last offsets.
pub(crate) type LogBatch = (Offset, Offset);

impl SharePartition {
    /// A share-partition initialized at `start` (`maybeInitialize` with
    /// `startOffsetDuringInitialization`: `share.auto.offset.reset`, latest by default).
    pub fn new(group: &str, tp: TopicPartition, leader_epoch: i32, start: Offset, limits: ShareLimits) -> Self {
        SharePartition {
            group: group.to_string(),
            tp,
            leader_epoch,
            start_offset: start,
            end_offset: start,
            records: BTreeMap::new(),
            limits,
            state_epoch: 0,
            unpersisted: None,
        }
    }

    /// A share-partition initialized from its persisted state (`SharePartition.maybeInitialize`
    /// with the `ReadShareGroupState` answer): no state or start offset -1 starts at `latest`
    /// (`share.auto.offset.reset=latest`); otherwise the persisted start offset (not before the
    /// log start) and its batches, acquired ones available again; the start offset then moves
    /// past the finished records at its head.
    pub(crate) fn from_persisted(
        group: &str,
        tp: TopicPartition,
        leader_epoch: i32,
        state: Option<&PersistedShareState>,
        latest: Offset,
        limits: ShareLimits,
    ) -> Self {
        let Some(st) = state.filter(|s| s.start_offset >= 0) else {
            let mut sp = SharePartition::new(group, tp, leader_epoch, latest, limits);
            sp.state_epoch = state.map(|s| s.state_epoch).unwrap_or(0);
            return sp;
        };
        let mut sp = SharePartition::new(group, tp, leader_epoch, st.start_offset, limits);
        sp.state_epoch = st.state_epoch;
        for &(first, last, state, count) in &st.batches {
            let first = first.max(st.start_offset);
            for o in first..=last {
                let state = match state {
                    2 => RecordState::Acknowledged,
                    4 => RecordState::Archived,
                    _ => RecordState::Available,
                };
                sp.records.insert(
                    o,
                    InFlight {
                        state,
                        delivery_count: count,
                        member: String::new(),
                        lock_until: None,
                        batch: (first, last),
                    },
                );
            }
            sp.end_offset = sp.end_offset.max(last);
        }
        sp.advance_start();
        sp
    }

    /// The state to persist now: the current start offset and every record in flight.
    fn snapshot(&self) -> PersistedShareState {
        let mut batches: Vec<(Offset, Offset, i8, i32)> = Vec::new();
        for (&o, r) in self.records.range(self.start_offset..) {
            let state = match r.state {
                RecordState::Acknowledged => 2,
                RecordState::Archived => 4,
                _ => 0,
            };
            match batches.last_mut() {
                Some(b) if b.1 + 1 == o && b.2 == state && b.3 == r.delivery_count => b.1 = o,
                _ => batches.push((o, o, state, r.delivery_count)),
            }
        }
        PersistedShareState {
            state_epoch: self.state_epoch,
            leader_epoch: self.leader_epoch,
            start_offset: self.start_offset,
            batches,
        }
    }

    /// A change to persist: taken before the start offset moves past finished records.
    fn mark_changed(&mut self) {
        self.unpersisted = Some(self.snapshot());
    }

    /// `throttleRecordsDeliveryLimit`: `max(2, ceil(limit / 2))`.
    pub(crate) fn throttle_limit(&self) -> i32 {
        ((self.limits.delivery_count_limit + 1) / 2).max(2)
    }

    /// `nextFetchOffset`: the first available record in flight, else the offset after the SPEO
    /// (or the SPSO while nothing is in flight).
    pub(crate) fn next_fetch_offset(&self) -> Offset {
        if let Some((o, _)) = self.records.iter().find(|(_, r)| r.state == RecordState::Available) {
            return *o;
        }
        if self.records.is_empty() {
            self.end_offset.max(self.start_offset)
        } else {
            self.end_offset + 1
        }
    }

    /// Records in flight from the SPSO (`numInFlightRecords`).
    pub(crate) fn in_flight_count(&self) -> i64 {
        self.records.range(self.start_offset..).count() as i64
    }

    /// `acquire`: hands `member` what is available among `batches` (the log's batches from the
    /// next fetch offset up to the high watermark), at most `max_records` records but whole
    /// batches at a time (`batch_optimized` acquisition): first the available records already in
    /// flight, batch by batch, then new records, which form one new in-flight batch. A batch
    /// whose available records reached half the delivery limit is handed out in smaller parts
    /// (`shouldThrottleRecordsDelivery`, `acquireSubsetBatchRecords`): at most
    /// `max(1, batch size >> (delivery count - throttle limit + 1))` records, a record on its
    /// last attempt alone, and nothing else in the same fetch. Returns the acquired ranges.
    pub(crate) fn acquire(
        &mut self,
        member: &str,
        batches: &[LogBatch],
        max_records: i32,
        now: SimTime,
    ) -> Vec<AcquiredRange> {
        let Some(&(request_first, _)) = batches.first() else { return vec![] };
        let request_last = batches.iter().map(|b| b.1).max().unwrap_or(request_first);
        if request_last < self.start_offset {
            return vec![];
        }
        // lastOffsetAndMaxRecordsToAcquire: the record locks left bound what is taken; with
        // none left, only records already in flight may be acquired again.
        let locks_left = i64::from(self.limits.max_record_locks) - self.in_flight_count();
        let budget = i64::from(max_records.max(0)).min(locks_left.max(0));
        let in_flight_only = locks_left <= 0;
        let budget = if in_flight_only { i64::from(max_records.max(0)) } else { budget };
        if budget <= 0 {
            return vec![];
        }
        let limit = self.limits.delivery_count_limit;
        let throttle = self.throttle_limit();
        let lock_until = now.plus_ms(self.limits.lock_duration_ms);
        let mut acquired: Vec<(Offset, i32)> = Vec::new();
        let mut total: i64 = 0;
        let mut stop = false;
        // The in-flight batches overlapping the request, in order.
        let mut in_flight: Vec<(Offset, Offset)> =
            self.records.range(request_first.max(self.start_offset)..=request_last).map(|(_, r)| r.batch).collect();
        in_flight.dedup();
        for (bf, bl) in in_flight {
            if total >= budget {
                break;
            }
            let lo = bf.max(request_first).max(self.start_offset);
            let hi = bl.min(request_last);
            let available: Vec<(Offset, i32)> = self
                .records
                .range(lo..=hi)
                .filter(|(_, r)| r.state == RecordState::Available)
                .map(|(o, r)| (*o, r.delivery_count))
                .collect();
            if available.is_empty() {
                continue;
            }
            let throttled = available.iter().any(|(_, d)| *d >= throttle);
            if throttled && total > 0 {
                stop = true;
                break;
            }
            let size = bl - bf + 1;
            let mut cap: Option<i64> = None;
            let mut local: i64 = 0;
            for (o, d) in available {
                if limit > 2 && d == limit - 1 && local > 0 {
                    break;
                }
                if d >= throttle && cap.is_none() {
                    cap = Some((size >> (d - throttle + 1).clamp(0, 62)).max(1));
                }
                let r = self.records.get_mut(&o).expect("in flight");
                r.state = RecordState::Acquired;
                r.delivery_count += 1;
                r.member = member.to_string();
                r.lock_until = Some(lock_until);
                acquired.push((o, r.delivery_count));
                local += 1;
                if r.delivery_count == limit && limit > 2 {
                    break;
                }
                if cap == Some(local) {
                    break;
                }
            }
            total += local;
            if throttled && local > 0 {
                stop = true;
                break;
            }
        }
        // New records: past everything acquired so far, whole log batches until the budget is
        // reached (`acquireNewBatchRecords`); with no record locks left, none.
        if !stop && !in_flight_only && total < budget {
            let after = self.end_offset_inclusive();
            let mut new: Vec<Offset> = Vec::new();
            for &(first, last) in batches {
                if last <= after || last < self.start_offset {
                    continue;
                }
                if total + new.len() as i64 >= budget {
                    break;
                }
                new.extend(first.max(after + 1).max(self.start_offset)..=last);
            }
            if let (Some(&f), Some(&l)) = (new.first(), new.last()) {
                for o in new {
                    self.records.insert(
                        o,
                        InFlight {
                            state: RecordState::Acquired,
                            delivery_count: 1,
                            member: member.to_string(),
                            lock_until: Some(lock_until),
                            batch: (f, l),
                        },
                    );
                    acquired.push((o, 1));
                }
                self.end_offset = self.end_offset.max(l);
            }
        }
        acquired.sort_unstable();
        // Ranges of consecutive offsets with the same delivery count.
        let mut ranges: Vec<AcquiredRange> = Vec::new();
        for (o, c) in acquired {
            match ranges.last_mut() {
                Some((_, l, dc)) if *l + 1 == o && *dc == c => *l = o,
                _ => ranges.push((o, o, c)),
            }
        }
        ranges
    }

    /// The last offset that has ever been acquired (records after it are new).
    fn end_offset_inclusive(&self) -> Offset {
        match self.records.keys().next_back() {
            Some(&last) => last.max(self.end_offset),
            None => self.start_offset - 1,
        }
    }

    /// `acknowledge`: `member` finishes, releases or rejects records it holds. Errors are
    /// Kafka's: a record not acquired by that member is an `INVALID_RECORD_STATE`.
    pub(crate) fn acknowledge(&mut self, member: &str, acks: &[(Offset, AckType)]) -> Result<(), &'static str> {
        // Validate first, then apply (Kafka rolls a failed batch back).
        for (o, _) in acks {
            if *o < self.start_offset {
                continue;
            }
            match self.records.get(o) {
                Some(r) if r.state == RecordState::Acquired && r.member == member => {}
                Some(_) => {
                    return Err("The record state is invalid. The acknowledgement of delivery could not be completed.")
                }
                None => return Err("Batch record not found. The request batch offsets are not found in the cache."),
            }
        }
        let limit = self.limits.delivery_count_limit;
        for (o, t) in acks {
            if *o < self.start_offset {
                continue;
            }
            if let Some(r) = self.records.get_mut(o) {
                r.state = match t {
                    AckType::Accept => RecordState::Acknowledged,
                    AckType::Reject => RecordState::Archived,
                    AckType::Release if r.delivery_count >= limit => RecordState::Archived,
                    AckType::Release => RecordState::Available,
                };
                r.member.clear();
                r.lock_until = None;
            }
        }
        if !acks.is_empty() {
            self.mark_changed();
        }
        self.advance_start();
        Ok(())
    }

    /// `releaseAcquiredRecords`: the member's share session ended; what it holds becomes
    /// available again with its delivery count (archived once at the limit).
    pub(crate) fn release_member(&mut self, member: &str) -> bool {
        let limit = self.limits.delivery_count_limit;
        let mut any = false;
        for r in self.records.values_mut() {
            if r.state == RecordState::Acquired && r.member == member {
                r.state = if r.delivery_count >= limit { RecordState::Archived } else { RecordState::Available };
                r.member.clear();
                r.lock_until = None;
                any = true;
            }
        }
        if any {
            self.mark_changed();
            self.advance_start();
        }
        any
    }

    /// `releaseAcquisitionLockOnTimeout`: acquired records whose lock expired by `now` become
    /// available again (archived once at the delivery limit). The records released.
    pub(crate) fn expire_locks(&mut self, now: SimTime) -> Vec<(Offset, String, RecordState)> {
        let limit = self.limits.delivery_count_limit;
        let mut released = Vec::new();
        for (o, r) in self.records.iter_mut() {
            if r.state == RecordState::Acquired && r.lock_until.map(|t| t <= now).unwrap_or(false) {
                r.state = if r.delivery_count >= limit { RecordState::Archived } else { RecordState::Available };
                released.push((*o, std::mem::take(&mut r.member), r.state));
                r.lock_until = None;
            }
        }
        if !released.is_empty() {
            self.mark_changed();
            self.advance_start();
        }
        released
    }

    /// The earliest acquisition lock still running.
    pub(crate) fn next_lock_expiry(&self) -> Option<SimTime> {
        self.records.values().filter(|r| r.state == RecordState::Acquired).filter_map(|r| r.lock_until).min()
    }

    /// `maybeUpdateCachedStateAndOffsets`: the SPSO moves past the finished records at its
    /// head, which leave the cache.
    fn advance_start(&mut self) {
        while let Some((&o, r)) = self.records.first_key_value() {
            if o < self.start_offset {
                self.records.remove(&o);
                continue;
            }
            if o != self.start_offset || !r.state.terminal() {
                break;
            }
            self.records.remove(&o);
            self.start_offset = o + 1;
        }
        if self.records.is_empty() && self.end_offset < self.start_offset {
            self.end_offset = self.start_offset;
        }
    }

    /// `updateCacheAndOffsets`: the log start offset moved past the SPSO (retention, deleted
    /// records); what lies before it is gone.
    pub(crate) fn on_log_start_offset(&mut self, log_start: Offset) {
        if log_start <= self.start_offset {
            return;
        }
        self.records.retain(|o, _| *o >= log_start);
        self.start_offset = log_start;
        if self.end_offset < self.start_offset {
            self.end_offset = self.start_offset;
        }
        self.mark_changed();
        self.advance_start();
    }

    /// The checker's invariants: no record delivered more often than the delivery limit, no
    /// acquired record without a member and a lock, and nothing in flight outside
    /// `[SPSO, SPEO]`. Each breach is described.
    pub(crate) fn violations(&self) -> Vec<String> {
        let mut v = Vec::new();
        for (o, r) in &self.records {
            if r.delivery_count > self.limits.delivery_count_limit {
                v.push(format!(
                    "share group {} {}: offset {o} was delivered {} times (limit {})",
                    self.group, self.tp, r.delivery_count, self.limits.delivery_count_limit
                ));
            }
            if r.state == RecordState::Acquired && (r.member.is_empty() || r.lock_until.is_none()) {
                v.push(format!(
                    "share group {} {}: offset {o} is acquired without a member or a lock",
                    self.group, self.tp
                ));
            }
            if *o < self.start_offset || *o > self.end_offset {
                v.push(format!(
                    "share group {} {}: offset {o} is in flight outside SPSO {} .. SPEO {}",
                    self.group, self.tp, self.start_offset, self.end_offset
                ));
            }
        }
        // None lost: every offset from the SPSO to the SPEO is in flight (available, acquired,
        // acknowledged or archived) unless nothing is in flight at all.
        if !self.records.is_empty() {
            for o in self.start_offset..=self.end_offset {
                if !self.records.contains_key(&o) {
                    v.push(format!(
                        "share group {} {}: offset {o} between SPSO {} and SPEO {} is in no state (lost)",
                        self.group, self.tp, self.start_offset, self.end_offset
                    ));
                    break;
                }
            }
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp() -> SharePartition {
        SharePartition::new("g", TopicPartition::new("t", 0), 0, 0, ShareLimits::default())
    }

    fn t(ms: u64) -> SimTime {
        SimTime(ms * 1000)
    }

    // SharePartition.acquire: a fetched batch is acquired whole, delivery count 1, locked for
    // group.share.record.lock.duration.ms; nextFetchOffset moves past it.
    #[test]
    fn acquire_takes_whole_batches_and_locks_them() {
        let mut p = sp();
        let got = p.acquire("a", &[(0, 5)], 500, t(0));
        assert_eq!(got, vec![(0, 5, 1)]);
        assert_eq!((p.start_offset, p.end_offset, p.next_fetch_offset()), (0, 5, 6));
        assert!(p.records.values().all(|r| r.state == RecordState::Acquired && r.lock_until == Some(t(30_000))));
        // Another member finds nothing available.
        assert!(p.acquire("b", &[(0, 5)], 500, t(1)).is_empty());
    }

    // acknowledge: ACCEPT finishes, RELEASE makes available, REJECT archives; the SPSO moves
    // past finished records at its head (maybeUpdateCachedStateAndOffsets).
    #[test]
    fn acknowledgements_move_the_start_offset() {
        let mut p = sp();
        p.acquire("a", &[(0, 3)], 500, t(0));
        p.acknowledge("a", &[(0, AckType::Accept), (1, AckType::Reject), (2, AckType::Release)]).unwrap();
        assert_eq!(p.start_offset, 2);
        assert_eq!(p.records[&2].state, RecordState::Available);
        assert_eq!(p.next_fetch_offset(), 2);
        // Only the holder may acknowledge.
        assert!(p.acknowledge("b", &[(3, AckType::Accept)]).is_err());
        let finished =
            |p: &SharePartition| p.records.range(p.start_offset..).filter(|(_, r)| r.state.terminal()).count();
        assert_eq!(finished(&p), 0);
        p.acknowledge("a", &[(3, AckType::Accept)]).unwrap();
        assert_eq!(finished(&p), 1);
        let again = p.acquire("b", &[(0, 3)], 500, t(1));
        assert_eq!(again, vec![(2, 2, 2)]);
        p.acknowledge("b", &[(2, AckType::Accept)]).unwrap();
        assert_eq!((p.start_offset, p.records.len()), (4, 0));
    }

    // releaseAcquisitionLockOnTimeout: an expired lock makes the record available to others;
    // at the delivery limit it is archived instead (InFlightState.tryUpdateState).
    #[test]
    fn lock_expiry_redelivers_until_the_limit_archives() {
        let mut p = sp();
        let mut now = 0;
        let mut released = Vec::new();
        for round in 1..=5 {
            // From the throttle limit on (ceil(5/2) = 3) records go one at a time.
            let got = p.acquire("slow", &[(0, 1)], 500, t(now));
            if round >= 4 {
                assert_eq!(got, vec![(0, 0, round)], "round {round}");
            } else {
                assert_eq!(got, vec![(0, 1, round)], "round {round}");
            }
            now += 30_000;
            assert_eq!(p.next_lock_expiry(), Some(t(now)));
            released = p.expire_locks(t(now));
        }
        // The fifth expiry archives the record (delivered 5 times: the last `acquire` said so),
        // and the start offset moves past it, so it leaves the in-flight records.
        assert_eq!(released, vec![(0, "slow".to_string(), RecordState::Archived)]);
        assert_eq!(p.start_offset, 1);
        assert!(!p.records.contains_key(&0));
        assert!(p.violations().is_empty(), "{:?}", p.violations());
    }

    // releaseAcquiredRecords: a member's session ends; its records go back with their count.
    #[test]
    fn a_leaving_member_releases_what_it_holds() {
        let mut p = sp();
        p.acquire("a", &[(0, 2)], 500, t(0));
        p.acknowledge("a", &[(0, AckType::Accept)]).unwrap();
        assert!(p.release_member("a"));
        assert_eq!(p.start_offset, 1);
        assert_eq!(p.records[&1].state, RecordState::Available);
        assert_eq!(p.records[&1].delivery_count, 1);
        assert_eq!(p.acquire("b", &[(0, 2)], 500, t(1)), vec![(1, 2, 2)]);
    }

    // group.share.partition.max.record.locks bounds what is in flight.
    #[test]
    fn record_locks_bound_what_is_acquired() {
        let mut p = sp();
        p.limits.max_record_locks = 100;
        // Whole batches: the limit is checked between them (lastOffsetFromBatchWithRequestOffset).
        let got = p.acquire("a", &[(0, 49), (50, 99), (100, 149)], 500, t(0));
        assert_eq!(got, vec![(0, 99, 1)]);
        assert!(p.acquire("b", &[(100, 149)], 500, t(0)).is_empty());
    }

    // The checker's invariant can fail: a record delivered beyond the limit, and a hole.
    #[test]
    fn violations_are_reported() {
        let mut p = sp();
        p.acquire("a", &[(0, 2)], 500, t(0));
        p.records.get_mut(&0).unwrap().delivery_count = 6;
        p.records.remove(&1);
        let v = p.violations();
        assert_eq!(v.len(), 2, "{v:?}");
    }

    // updateCacheAndOffsets: the log start offset passing the SPSO drops what lies before it.
    #[test]
    fn log_start_offset_moves_the_start() {
        let mut p = sp();
        p.acquire("a", &[(0, 4)], 500, t(0));
        p.on_log_start_offset(3);
        assert_eq!(p.start_offset, 3);
        assert_eq!(p.records.keys().copied().collect::<Vec<_>>(), vec![3, 4]);
    }
}
