//! ShareFetch and ShareAcknowledge on a partition leader (KIP-932: `SharePartitionManager`,
//! `ShareSessionCache`, `DelayedShareFetch`, `ShareFetchUtils`).
//!
//! The leader keeps one [`SharePartition`] per (share group, partition), created on the first
//! fetch at the partition's latest offset (`share.auto.offset.reset=latest`). A fetch first
//! applies the acknowledgements it carries, then acquires what is available for the member and
//! returns those records with their delivery counts; with nothing to hand out it waits up to
//! `max_wait_ms` for new records or released ones (`DelayedShareFetch`). Each member has a share
//! session per broker (`ShareSession`): epoch 0 opens it, -1 closes it, and closing releases
//! what the member still holds (`SharePartition.releaseAcquiredRecords`). Acquisition locks
//! expire after `group.share.record.lock.duration.ms`.
//!
//! Each share-partition's state is persisted through the share coordinator
//! (`share_coordinator.rs`, `__share_group_state`), as Kafka's `DefaultStatePersister` does: a
//! leader without the share-partition in its cache reads it (`ReadShareGroupState`,
//! `SharePartition.maybeInitialize`) before handing anything out, and writes it after every
//! change a restart must not lose (`WriteShareGroupState` after an acknowledgement, a release,
//! a lock expiry or a start-offset move). A leader under a new leader epoch reads it again, so
//! a new leader continues from the persisted start offset, delivery counts and finished records;
//! what was acquired and not yet written is handed out again as new.

use super::share_partition::{AckType, LogBatch, PersistedShareState, RecordState, ShareLimits, SharePartition};
use super::*;
use crate::sim::protocol::ShareFetchedPartition;
use std::collections::BTreeSet;

/// A member's share session on this broker (`ShareSession`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct ShareSession {
    pub(crate) epoch: i32,
    pub partitions: BTreeSet<TopicPartition>,
}

/// A ShareFetch waiting for records (`DelayedShareFetch`).
#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub(crate) struct DelayedShareFetch {
    pub from: NodeAddr,
    pub(crate) corr: u64,
    pub group: String,
    pub(crate) member: String,
    pub(crate) max_records: i32,
    pub partitions: Vec<TopicPartition>,
    pub(crate) ack_errors: Vec<(TopicPartition, Option<KafkaError>)>,
    pub(crate) deadline: SimTime,
}

/// The share-group state a leader holds.
#[derive(Clone, Debug, Default, Serialize, Deserialize, Codec)]
pub struct ShareState {
    /// Per share group, its share-partitions this broker has served.
    pub partitions: BTreeMap<String, BTreeMap<TopicPartition, SharePartition>>,
    /// Per share group and member, its share session.
    pub(crate) sessions: BTreeMap<String, BTreeMap<String, ShareSession>>,
    pub(crate) delayed: BTreeMap<u64, DelayedShareFetch>,
    /// `ReadShareGroupState` in flight: group, partition, correlation id, when sent.
    #[serde(default)]
    pub(crate) reads: Vec<(String, TopicPartition, u64, SimTime)>,
    /// `WriteShareGroupState` in flight: correlation id, group, partition, the state, when sent.
    #[serde(default)]
    pub(crate) writes: Vec<(u64, String, TopicPartition, PersistedShareState, SimTime)>,
}

/// How long a persister request may go unanswered before it is sent again (the persister's
/// request timeout, `PersisterStateManager`).
const PERSISTER_TIMEOUT_MS: i64 = 5_000;
/// The back-off before a failed write is sent again.
const PERSISTER_BACKOFF_MS: i64 = 500;

type Acks = Vec<(TopicPartition, Vec<(Offset, AckType)>)>;

impl BrokerStep<'_> {
    /// `KafkaApis.handleShareFetchRequest`.
    pub(crate) fn handle_share_fetch(&mut self, reply: ReplyTo, req: Request) {
        let Request::ShareFetch {
            group,
            member_id: member,
            share_session_epoch: session_epoch,
            max_wait_ms,
            max_records,
            partitions,
            acks,
        } = req
        else {
            return;
        };
        if group.is_empty() || member.is_empty() {
            self.out
                .reply(reply, Response::ShareFetch { error: Some(KafkaError::INVALID_REQUEST), partitions: vec![] });
            return;
        }
        let ack_errors = self.apply_share_acks(&group, &member, &acks);
        if session_epoch == -1 {
            // The final fetch closes the session: what the member holds goes back.
            self.close_share_session(&group, &member);
            let parts = ack_errors.into_iter().map(|(tp, e)| empty_share_partition(tp, None, e)).collect();
            self.out.reply(reply, Response::ShareFetch { error: None, partitions: parts });
            self.try_complete_delayed_share_fetches();
            self.flush_share_writes();
            return;
        }
        {
            let session = self.proc.share.sessions.entry(group.clone()).or_default().entry(member.clone()).or_default();
            if session_epoch == 0 {
                session.partitions.clear();
            }
            session.epoch = session_epoch;
            session.partitions.extend(partitions.iter().cloned());
        }
        let (parts, has_data) = self.read_share_fetch(&group, &member, max_records, &partitions, &ack_errors);
        if has_data || max_wait_ms <= 0 {
            self.out.reply(reply, Response::ShareFetch { error: None, partitions: parts });
            self.try_complete_delayed_share_fetches();
            self.flush_share_writes();
            return;
        }
        let id = self.proc.next_delayed;
        self.proc.next_delayed += 1;
        let deadline = self.now.plus_ms(max_wait_ms);
        self.proc.share.delayed.insert(
            id,
            DelayedShareFetch {
                from: reply.to,
                corr: reply.corr,
                group,
                member,
                max_records,
                partitions,
                ack_errors,
                deadline,
            },
        );
        self.out.timer(deadline, BrokerTimer::DelayedShareFetch(id));
        // Acknowledgements may have released records another parked fetch can take.
        self.try_complete_delayed_share_fetches();
        self.flush_share_writes();
    }

    /// `KafkaApis.handleShareAcknowledgeRequest`.
    pub(crate) fn handle_share_acknowledge(
        &mut self,
        reply: ReplyTo,
        group: String,
        member: String,
        epoch: i32,
        acks: Acks,
    ) {
        let ack_errors = self.apply_share_acks(&group, &member, &acks);
        if epoch == -1 {
            self.close_share_session(&group, &member);
        }
        self.out.reply(reply, Response::ShareAcknowledge { error: None, partitions: ack_errors });
        self.try_complete_delayed_share_fetches();
        self.flush_share_writes();
    }

    /// Applies a member's acknowledgements; the error per partition.
    fn apply_share_acks(
        &mut self,
        group: &str,
        member: &str,
        acks: &Acks,
    ) -> Vec<(TopicPartition, Option<KafkaError>)> {
        let mut out = Vec::new();
        for (tp, list) in acks {
            let leading = self.proc.replicas.get(tp).map(|r| r.is_leader()).unwrap_or(false);
            let e = if !leading {
                Some(KafkaError::NOT_LEADER_OR_FOLLOWER)
            } else {
                match self.proc.share.partitions.get_mut(group).and_then(|m| m.get_mut(tp)) {
                    None => Some(KafkaError::INVALID_RECORD_STATE),
                    Some(sp) => match sp.acknowledge(member, list) {
                        Ok(()) => None,
                        Err(_) => Some(KafkaError::INVALID_RECORD_STATE),
                    },
                }
            };
            if e.is_none() {
                let n = list.len();
                self.out.trace(TraceKind::ShareAcknowledged {
                    group: group.to_string(),
                    member: member.to_string(),
                    tp: tp.clone(),
                    count: n as u32,
                    kinds: list
                        .iter()
                        .map(|(_, t)| t.name())
                        .collect::<BTreeSet<_>>()
                        .into_iter()
                        .collect::<Vec<_>>()
                        .join("/"),
                });
            }
            out.push((tp.clone(), e));
        }
        out
    }

    /// Ends a member's share session on this broker, releasing what it holds.
    fn close_share_session(&mut self, group: &str, member: &str) {
        // A fetch of the member still parked is answered empty: the session it belongs to is
        // gone, and nothing may be acquired for a member that left.
        let parked: Vec<u64> = self
            .proc
            .share
            .delayed
            .iter()
            .filter(|(_, d)| d.group == group && d.member == member)
            .map(|(id, _)| *id)
            .collect();
        for id in parked {
            if let Some(d) = self.proc.share.delayed.remove(&id) {
                let parts = d.partitions.into_iter().map(|tp| empty_share_partition(tp, None, None)).collect();
                self.out.respond(d.from, d.corr, Response::ShareFetch { error: None, partitions: parts });
            }
        }
        let Some(s) = self.proc.share.sessions.get_mut(group).and_then(|m| m.remove(member)) else { return };
        if let Some(m) = self.proc.share.partitions.get_mut(group) {
            for tp in &s.partitions {
                if let Some(sp) = m.get_mut(tp) {
                    sp.release_member(member);
                }
            }
        }
        // The group's last session here closed (`ShareGroupListener.onGroupEmpty`): its
        // share-partitions leave the cache and are read back from the persister on the next
        // fetch (those with a write still to make stay until it is made). One whose state was
        // never written has nothing there: it starts again at `share.auto.offset.reset` (the
        // latest offset).
        if self.proc.share.sessions.get(group).map(|m| m.is_empty()).unwrap_or(true) {
            self.proc.share.sessions.remove(group);
            self.flush_share_writes();
            let writing: BTreeSet<TopicPartition> =
                self.proc.share.writes.iter().filter(|w| w.1 == group).map(|w| w.2.clone()).collect();
            if let Some(m) = self.proc.share.partitions.get_mut(group) {
                m.retain(|tp, sp| sp.unpersisted.is_some() || writing.contains(tp));
            }
        }
    }

    /// Whether the share-partition of `group` on `tp` is ready on this leader: cached, or read
    /// from the share coordinator first (`SharePartitionManager.getOrCreateSharePartition`,
    /// `SharePartition.maybeInitialize`: `Ok(false)` while the read is under way). A cached
    /// one from an earlier leader epoch is dropped and read again.
    fn ensure_share_partition(&mut self, group: &str, tp: &TopicPartition) -> Result<bool, KafkaError> {
        let Some(r) = self.proc.replicas.get(tp) else {
            let known = self.proc.image.partition(&tp.topic, tp.partition).is_some();
            return Err(if known {
                KafkaError::NOT_LEADER_OR_FOLLOWER
            } else {
                KafkaError::UNKNOWN_TOPIC_OR_PARTITION
            });
        };
        if !r.is_leader() {
            return Err(KafkaError::NOT_LEADER_OR_FOLLOWER);
        }
        let epoch = r.leader_epoch;
        let Some(log) = self.disk.logs.get(tp) else { return Err(KafkaError::NOT_LEADER_OR_FOLLOWER) };
        let log_start = log.log_start_offset;
        if let Some(m) = self.proc.share.partitions.get_mut(group) {
            if m.get(tp).is_some_and(|sp| sp.leader_epoch != epoch) {
                m.remove(tp);
            }
            if let Some(sp) = m.get_mut(tp) {
                sp.on_log_start_offset(log_start);
                return Ok(true);
            }
        }
        self.read_share_state(group, tp, epoch);
        Ok(false)
    }

    /// Sends `ReadShareGroupState` for a share-partition to its share coordinator, unless one is
    /// under way.
    fn read_share_state(&mut self, group: &str, tp: &TopicPartition, epoch: i32) {
        let now = self.now;
        self.proc.share.reads.retain(|r| now.ms_since(r.3) < PERSISTER_TIMEOUT_MS);
        if self.proc.share.reads.iter().any(|r| r.0 == group && &r.1 == tp) {
            return;
        }
        let Some(key) = self.proc.share_key(group, tp) else { return };
        let Some(coordinator) = self.proc.share_coordinator_of(&key, self.env) else { return };
        let corr = self.proc.corr.next_id();
        self.proc.share.reads.push((group.to_string(), tp.clone(), corr, now));
        self.out.request(
            NodeAddr::Broker(coordinator),
            corr,
            Request::ReadShareGroupState { key, leader_epoch: epoch },
        );
    }

    /// A `ReadShareGroupState` answer: the share-partition is initialized from it (unless this
    /// broker no longer leads it), and parked fetches may go on.
    pub(crate) fn on_share_read_response(
        &mut self,
        corr: u64,
        error: Option<KafkaError>,
        state: Option<PersistedShareState>,
    ) {
        let Some(i) = self.proc.share.reads.iter().position(|r| r.2 == corr) else { return };
        let (group, tp, _, _) = self.proc.share.reads.remove(i);
        if error.is_some() {
            return;
        }
        let Some(r) = self.proc.replicas.get(&tp).filter(|r| r.is_leader()) else { return };
        let epoch = r.leader_epoch;
        let Some(log) = self.disk.logs.get(&tp) else { return };
        let (hw, log_start) = (log.high_watermark, log.log_start_offset);
        let m = self.proc.share.partitions.entry(group.clone()).or_default();
        if let std::collections::btree_map::Entry::Vacant(slot) = m.entry(tp.clone()) {
            let mut sp = SharePartition::from_persisted(&group, tp, epoch, state.as_ref(), hw, ShareLimits::default());
            sp.on_log_start_offset(log_start);
            slot.insert(sp);
        }
        self.try_complete_delayed_share_fetches();
        self.flush_share_writes();
    }

    /// Sends `WriteShareGroupState` for every share-partition with a change to persist and no
    /// write under way (`SharePartition.writeShareGroupState`); one that cannot go now (no share
    /// coordinator) is tried again after a back-off.
    pub(crate) fn flush_share_writes(&mut self) {
        let now = self.now;
        // A write unanswered for too long is taken as lost: its state goes again unless a newer
        // one is waiting.
        let mut lost = Vec::new();
        self.proc.share.writes.retain(|w| {
            let keep = now.ms_since(w.4) < PERSISTER_TIMEOUT_MS;
            if !keep {
                lost.push((w.1.clone(), w.2.clone(), w.3.clone()));
            }
            keep
        });
        for (group, tp, state) in lost {
            if let Some(sp) = self.proc.share.partitions.get_mut(&group).and_then(|m| m.get_mut(&tp)) {
                sp.unpersisted.get_or_insert(state);
            }
        }
        let mut todo: Vec<(String, TopicPartition)> = Vec::new();
        for (group, m) in &self.proc.share.partitions {
            for (tp, sp) in m {
                if sp.unpersisted.is_some() && !self.proc.share.writes.iter().any(|w| &w.1 == group && &w.2 == tp) {
                    todo.push((group.clone(), tp.clone()));
                }
            }
        }
        let mut retry = false;
        for (group, tp) in todo {
            let Some(key) = self.proc.share_key(&group, &tp) else { continue };
            let Some(coordinator) = self.proc.share_coordinator_of(&key, self.env) else {
                retry = true;
                continue;
            };
            let Some(state) = self
                .proc
                .share
                .partitions
                .get_mut(&group)
                .and_then(|m| m.get_mut(&tp))
                .and_then(|sp| sp.unpersisted.take())
            else {
                continue;
            };
            let corr = self.proc.corr.next_id();
            self.proc.share.writes.push((corr, group, tp, state.clone(), now));
            self.out.request(NodeAddr::Broker(coordinator), corr, Request::WriteShareGroupState { key, state });
            self.out.timer(now.plus_ms(PERSISTER_TIMEOUT_MS), BrokerTimer::ShareLocks);
        }
        if retry {
            self.out.timer(now.plus_ms(PERSISTER_BACKOFF_MS), BrokerTimer::ShareLocks);
        }
    }

    /// A `WriteShareGroupState` answer. Fenced (`FENCED_STATE_EPOCH`, `FENCED_LEADER_EPOCH`):
    /// the share-partition leaves the cache and is read again
    /// (`SharePartitionManager.handleFencedSharePartitionException`); another error: the state
    /// goes again after a back-off unless a newer one waits.
    pub(crate) fn on_share_write_response(&mut self, corr: u64, error: Option<KafkaError>) {
        let Some(i) = self.proc.share.writes.iter().position(|w| w.0 == corr) else { return };
        let (_, group, tp, state, _) = self.proc.share.writes.remove(i);
        match error {
            None => {}
            Some(KafkaError::FENCED_STATE_EPOCH | KafkaError::FENCED_LEADER_EPOCH) => {
                if let Some(m) = self.proc.share.partitions.get_mut(&group) {
                    m.remove(&tp);
                }
            }
            Some(_) => {
                if let Some(sp) = self.proc.share.partitions.get_mut(&group).and_then(|m| m.get_mut(&tp)) {
                    sp.unpersisted.get_or_insert(state);
                }
                self.out.timer(self.now.plus_ms(PERSISTER_BACKOFF_MS), BrokerTimer::ShareLocks);
            }
        }
        // A cache entry the group's emptiness left in place for this write may go now.
        if !self.proc.share.sessions.contains_key(&group) {
            let writing = self.proc.share.writes.iter().any(|w| w.1 == group && w.2 == tp);
            if let Some(m) = self.proc.share.partitions.get_mut(&group) {
                if m.get(&tp).is_some_and(|sp| sp.unpersisted.is_none()) && !writing {
                    m.remove(&tp);
                }
            }
        }
        self.flush_share_writes();
    }

    /// Acquires records for a member on each partition; whether anything was acquired or
    /// failed (worth answering now).
    fn read_share_fetch(
        &mut self,
        group: &str,
        member: &str,
        max_records: i32,
        partitions: &[TopicPartition],
        ack_errors: &[(TopicPartition, Option<KafkaError>)],
    ) -> (Vec<ShareFetchedPartition>, bool) {
        let now = self.now;
        let mut out = Vec::new();
        let mut has_data = false;
        let mut budget = max_records.max(1);
        let mut locked = false;
        for tp in partitions {
            let ack_error = ack_errors.iter().find(|(t, _)| t == tp).and_then(|(_, e)| *e);
            let hw = self.disk.logs.get(tp).map(|l| l.high_watermark).unwrap_or(0);
            let from = match self.ensure_share_partition(group, tp) {
                Ok(true) => match self.proc.share.partitions.get(group).and_then(|m| m.get(tp)) {
                    Some(sp) => sp.next_fetch_offset(),
                    None => continue,
                },
                Ok(false) => {
                    // Still being read from the share coordinator: nothing to hand out yet.
                    if ack_error.is_some() {
                        has_data = true;
                    }
                    out.push(empty_share_partition(tp.clone(), None, ack_error));
                    continue;
                }
                Err(e) => {
                    has_data = true;
                    out.push(empty_share_partition(tp.clone(), Some(e), ack_error));
                    continue;
                }
            };
            let batches = if budget > 0 && from < hw {
                self.disk.logs.get(tp).and_then(|l| l.read(from, hw, i64::MAX).ok()).unwrap_or_default()
            } else {
                vec![]
            };
            let ranges: Vec<LogBatch> = batches.iter().map(|b| (b.base_offset, b.last_offset)).collect();
            let Some(sp) = self.proc.share.partitions.get_mut(group).and_then(|m| m.get_mut(tp)) else { continue };
            let acquired = if ranges.is_empty() { vec![] } else { sp.acquire(member, &ranges, budget, now) };
            // Offsets acquired with no record behind them (control batches, compacted records)
            // are finished at once, as the consumer acknowledges them as gaps
            // (`ShareCompletedFetch`: `AcknowledgeType.GAP` archives them).
            let mut present: BTreeSet<Offset> = BTreeSet::new();
            for b in &batches {
                if b.is_control() {
                    continue;
                }
                for (o, _) in b.iter_with_offsets() {
                    present.insert(o);
                }
            }
            let mut gaps = Vec::new();
            let mut count = 0i32;
            for &(first, last, _) in &acquired {
                for o in first..=last {
                    if present.contains(&o) {
                        count += 1;
                    } else {
                        gaps.push((o, AckType::Reject));
                    }
                }
            }
            if !gaps.is_empty() {
                let _ = sp.acknowledge(member, &gaps);
            }
            if !acquired.is_empty() {
                locked = true;
                self.out.trace(TraceKind::ShareAcquired {
                    group: group.to_string(),
                    member: member.to_string(),
                    tp: tp.clone(),
                    ranges: acquired.clone(),
                });
            }
            budget -= count;
            let kept: Vec<Rc<crate::sim::record::RecordBatch>> = batches
                .into_iter()
                .filter(|b| {
                    !b.is_control() && acquired.iter().any(|&(f, l, _)| b.base_offset <= l && b.last_offset >= f)
                })
                .collect();
            if count > 0 || ack_error.is_some() {
                has_data = true;
            }
            out.push(ShareFetchedPartition { tp: tp.clone(), error: None, ack_error, batches: kept, acquired });
        }
        if locked {
            let at = now.plus_ms(super::share_partition::DEFAULT_RECORD_LOCK_DURATION_MS);
            self.out.timer(at, BrokerTimer::ShareLocks);
        }
        (out, has_data)
    }

    /// Answers parked share fetches that can now acquire something.
    pub(crate) fn try_complete_delayed_share_fetches(&mut self) {
        if self.proc.share.delayed.is_empty() {
            return;
        }
        let ids: Vec<u64> = self.proc.share.delayed.keys().copied().collect();
        for id in ids {
            let Some(d) = self.proc.share.delayed.get(&id).cloned() else { continue };
            let (parts, has_data) =
                self.read_share_fetch(&d.group, &d.member, d.max_records, &d.partitions, &d.ack_errors);
            if has_data {
                self.proc.share.delayed.remove(&id);
                self.out.respond(d.from, d.corr, Response::ShareFetch { error: None, partitions: parts });
            }
        }
    }

    pub(crate) fn expire_delayed_share_fetch(&mut self, id: u64) {
        let Some(d) = self.proc.share.delayed.get(&id) else { return };
        if d.deadline > self.now {
            return;
        }
        let d = self.proc.share.delayed.remove(&id).expect("present");
        let (parts, _) = self.read_share_fetch(&d.group, &d.member, d.max_records, &d.partitions, &d.ack_errors);
        self.out.respond(d.from, d.corr, Response::ShareFetch { error: None, partitions: parts });
    }

    /// Acquisition locks that ran out (`AcquisitionLockTimerTask`): their records are available
    /// again, and parked fetches may take them.
    pub(crate) fn expire_share_locks(&mut self) {
        let now = self.now;
        let mut any = false;
        let mut next: Option<SimTime> = None;
        for (group, m) in self.proc.share.partitions.iter_mut() {
            for (tp, sp) in m.iter_mut() {
                let released = sp.expire_locks(now);
                for (offset, member, state) in released {
                    any = true;
                    self.out.trace(TraceKind::ShareLockExpired {
                        group: group.clone(),
                        member,
                        tp: tp.clone(),
                        offset,
                        archived: state == RecordState::Archived,
                    });
                }
                if let Some(t) = sp.next_lock_expiry() {
                    next = Some(next.map_or(t, |n: SimTime| n.min(t)));
                }
            }
        }
        if let Some(t) = next {
            self.out.timer(t, BrokerTimer::ShareLocks);
        }
        if any {
            self.try_complete_delayed_share_fetches();
        }
        self.flush_share_writes();
    }
}

fn empty_share_partition(
    tp: TopicPartition,
    error: Option<KafkaError>,
    ack_error: Option<KafkaError>,
) -> ShareFetchedPartition {
    ShareFetchedPartition { tp, error, ack_error, batches: vec![], acquired: vec![] }
}
