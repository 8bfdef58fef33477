//! MirrorMaker 2's bookkeeping between two clusters (KIP-382), as pure functions and state
//! machines: the names `DefaultReplicationPolicy` gives remote and internal topics, the offset
//! syncs `MirrorSourceTask` emits while it copies records (`OffsetSyncWriter`, with KIP-545's
//! `offset.lag.max`), and the translation of a consumer group's upstream offset into the target
//! cluster's offset that `MirrorCheckpointTask` reads from its `OffsetSyncStore`.
//!
//! A translated offset is conservative: between two syncs the store answers the downstream offset
//! of the sync at or below the group's offset, plus one when the group is past it, so a consumer
//! that fails over to the target cluster may read again records it had already read upstream;
//! never does it skip one.
//!
//! Checked against Kafka's own classes by `tests/conformance_vectors.rs` (families
//! `mirror-offsets` and `mirror-names`). connect-mirror is not published at 4.4.0, so those
//! vectors come from its newest release (4.3.1).

use crate::sim::codec::Codec;
use crate::sim::types::TopicPartition;
use serde::{Deserialize, Serialize};

/// The default `replication.policy.separator`.
const SEPARATOR: &str = ".";

/// `DefaultReplicationPolicy` with the default separator `"."`: a remote topic is named
/// `<source alias>.<topic>` (`primary.orders` on the backup cluster).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReplicationPolicy;

impl ReplicationPolicy {
    /// `formatRemoteTopic`: `primary` + `.` + `orders`.
    pub fn format_remote_topic(&self, source_alias: &str, topic: &str) -> String {
        format!("{source_alias}{SEPARATOR}{topic}")
    }

    /// `topicSource`: the part before the first separator, when splitting the name on the
    /// separator (as Java's `Pattern.split`, which drops trailing empty parts) gives at least two
    /// parts; `None` for a topic that is not remote.
    pub fn topic_source(&self, topic: &str) -> Option<String> {
        let mut parts: Vec<&str> = topic.split(SEPARATOR).collect();
        while parts.len() > 1 && parts.last() == Some(&"") {
            parts.pop();
        }
        // An empty input splits into one empty part in Java too.
        if parts.len() < 2 {
            return None;
        }
        Some(parts[0].to_string())
    }

    /// `upstreamTopic`: the name after `<source>.`.
    pub fn upstream_topic(&self, topic: &str) -> Option<String> {
        let source = self.topic_source(topic)?;
        Some(topic[source.len() + SEPARATOR.len()..].to_string())
    }

    /// `ReplicationPolicy.originalTopic`: the upstream topic of the upstream topic, … until a name
    /// is not remote.
    pub fn original_topic(&self, topic: &str) -> String {
        let mut t = topic.to_string();
        loop {
            match self.upstream_topic(&t) {
                Some(up) if up != t => t = up,
                _ => return t,
            }
        }
    }

    /// `heartbeatsTopic`.
    pub fn heartbeats_topic(&self) -> &'static str {
        "heartbeats"
    }

    /// `offsetSyncsTopic`: `mm2-offset-syncs.<alias>.internal`, kept on the source cluster and
    /// named after the target.
    pub fn offset_syncs_topic(&self, alias: &str) -> String {
        format!("mm2-offset-syncs{SEPARATOR}{alias}{SEPARATOR}internal")
    }

    /// `checkpointsTopic`: `<source alias>.checkpoints.internal` on the target cluster.
    pub fn checkpoints_topic(&self, alias: &str) -> String {
        format!("{alias}{}", Self::checkpoints_suffix())
    }

    fn checkpoints_suffix() -> String {
        format!("{SEPARATOR}checkpoints{SEPARATOR}internal")
    }

    /// `isHeartbeatsTopic`: `heartbeats`, or a remote copy of it.
    pub fn is_heartbeats_topic(&self, topic: &str) -> bool {
        self.original_topic(topic) == self.heartbeats_topic()
    }

    /// `isCheckpointsTopic`.
    pub fn is_checkpoints_topic(&self, topic: &str) -> bool {
        topic.ends_with(&Self::checkpoints_suffix())
    }

    /// `isMM2InternalTopic`: `mm2…​.internal` or a checkpoints topic.
    pub fn is_mm2_internal_topic(&self, topic: &str) -> bool {
        (topic.starts_with("mm2") && topic.ends_with(&format!("{SEPARATOR}internal")))
            || self.is_checkpoints_topic(topic)
    }

    /// `isInternalTopic`: MirrorMaker's own, or Kafka's (`__…`, `.…`); never replicated.
    pub fn is_internal_topic(&self, topic: &str) -> bool {
        self.is_mm2_internal_topic(topic) || topic.starts_with("__") || topic.starts_with('.')
    }
}

/// The default `offset.lag.max` (`MirrorSourceConfig`): a new offset sync at least every 100
/// records copied.
const DEFAULT_OFFSET_LAG_MAX: i64 = 100;

/// One offset sync: upstream offset `upstream` was written downstream at `downstream`
/// (`OffsetSync`, a record of `mm2-offset-syncs.<target>.internal`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct OffsetSync {
    pub upstream: i64,
    pub downstream: i64,
}

/// `OffsetSyncWriter.PartitionState`: whether the record just copied must be synced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
struct PartitionState {
    previous_upstream: i64,
    previous_downstream: i64,
    last_sync_downstream: i64,
    max_offset_lag: i64,
    should_sync: bool,
}

impl PartitionState {
    fn new(max_offset_lag: i64) -> PartitionState {
        PartitionState {
            previous_upstream: -1,
            previous_downstream: -1,
            last_sync_downstream: -1,
            max_offset_lag,
            should_sync: false,
        }
    }

    /// `PartitionState.update`: a sync is due for the first record of this task's life, when the
    /// last sync is `offset.lag.max` or more records behind, when upstream offsets skipped (a
    /// compacted record, a transaction marker) or the downstream topic went back (truncated).
    fn update(&mut self, upstream: i64, downstream: i64) -> bool {
        let no_previous_sync = self.last_sync_downstream == -1;
        let too_stale = downstream.wrapping_sub(self.last_sync_downstream.wrapping_add(1)) >= self.max_offset_lag;
        let skipped_upstream = upstream.wrapping_sub(self.previous_upstream) != 1;
        let truncated_downstream = downstream < self.previous_downstream;
        if no_previous_sync || too_stale || skipped_upstream || truncated_downstream {
            self.last_sync_downstream = downstream;
            self.should_sync = true;
        }
        self.previous_upstream = upstream;
        self.previous_downstream = downstream;
        self.should_sync
    }
}

/// `OffsetSyncWriter`: the offset syncs a source task owes, per partition. A due sync is pending
/// (sent at once); a record that needs none still leaves a delayed sync, promoted to pending at
/// the task's next offset commit, so the newest position reaches the target eventually.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct OffsetSyncWriter {
    max_offset_lag: i64,
    states: Vec<(TopicPartition, PartitionState)>,
    /// Insertion-ordered like the writer's `LinkedHashMap`s: re-putting a key keeps its place.
    delayed: Vec<(TopicPartition, OffsetSync)>,
    pending: Vec<(TopicPartition, OffsetSync)>,
}

fn put(map: &mut Vec<(TopicPartition, OffsetSync)>, tp: &TopicPartition, sync: OffsetSync) {
    match map.iter_mut().find(|(t, _)| t == tp) {
        Some((_, s)) => *s = sync,
        None => map.push((tp.clone(), sync)),
    }
}

impl Default for OffsetSyncWriter {
    /// `offset.lag.max` at its default.
    fn default() -> OffsetSyncWriter {
        OffsetSyncWriter::new(DEFAULT_OFFSET_LAG_MAX)
    }
}

impl OffsetSyncWriter {
    pub fn new(max_offset_lag: i64) -> OffsetSyncWriter {
        OffsetSyncWriter { max_offset_lag, states: Vec::new(), delayed: Vec::new(), pending: Vec::new() }
    }

    /// `maybeQueueOffsetSyncs`, called for each record the target acknowledged
    /// (`MirrorSourceTask.commitRecord`).
    pub fn record_copied(&mut self, tp: &TopicPartition, upstream: i64, downstream: i64) {
        let lag = self.max_offset_lag;
        let state = match self.states.iter().position(|(t, _)| t == tp) {
            Some(i) => &mut self.states[i].1,
            None => {
                self.states.push((tp.clone(), PartitionState::new(lag)));
                &mut self.states.last_mut().expect("pushed").1
            }
        };
        let sync = OffsetSync { upstream, downstream };
        if state.update(upstream, downstream) {
            state.should_sync = false;
            self.delayed.retain(|(t, _)| t != tp);
            put(&mut self.pending, tp, sync);
        } else {
            put(&mut self.delayed, tp, sync);
        }
    }

    /// `promoteDelayedOffsetSyncs`, at the task's offset commit.
    pub fn commit(&mut self) {
        for (tp, sync) in std::mem::take(&mut self.delayed) {
            put(&mut self.pending, &tp, sync);
        }
    }

    /// The syncs to send now, in order (`firePendingOffsetSyncs` with its acks back at once).
    pub fn take_pending(&mut self) -> Vec<(TopicPartition, OffsetSync)> {
        std::mem::take(&mut self.pending)
    }
}

/// How many syncs the store keeps per partition (`OffsetSyncStore.SYNCS_PER_PARTITION`).
const SYNCS_PER_PARTITION: usize = 64;

/// A sync as the store holds it: Kafka's array compares syncs by identity (one record read is
/// one object, copied into several slots), so each read gets a serial number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
struct Held {
    sync: OffsetSync,
    serial: u64,
}

/// `OffsetSyncStore`: per source partition, 64 syncs spread over the history (slot 0 the newest,
/// slot i at least 2^i - 1 upstream offsets older — invariant B — and far enough from its
/// neighbours — invariant C), from which a group's upstream offset is translated.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct OffsetSyncStore {
    syncs: Vec<(TopicPartition, Vec<Held>)>,
    serial: u64,
    /// Whether the store has read its topic to the end once (`readToEnd`); until then it keeps only
    /// the newest sync of each partition and translates nothing.
    read_to_end: bool,
}

/// Java's `long` shift: `1L << n` for n in 0..64.
fn pow2(n: usize) -> i64 {
    1i64.wrapping_shl(n as u32)
}

fn invariant_b(i_sync: Held, j_sync: Held, i: usize, j: usize) -> bool {
    let bound = j_sync.sync.upstream.wrapping_add(pow2(j)).wrapping_sub(pow2(i));
    i_sync.serial == j_sync.serial || bound < 0 || i_sync.sync.upstream <= bound
}

fn invariant_c(i_sync: Held, j_sync: Held, i: usize) -> bool {
    let bound = j_sync.sync.upstream.wrapping_add(pow2(i.saturating_sub(2)));
    i_sync.serial == j_sync.serial || (bound >= 0 && i_sync.sync.upstream >= bound)
}

impl OffsetSyncStore {
    pub fn new() -> OffsetSyncStore {
        OffsetSyncStore::default()
    }

    /// The store has read its topic to the end (`OffsetSyncStore.start` returned).
    pub fn set_read_to_end(&mut self) {
        self.read_to_end = true;
    }

    /// `handleRecord`: one sync read from the offset-syncs topic.
    pub fn handle_sync(&mut self, tp: &TopicPartition, sync: OffsetSync) {
        self.serial += 1;
        let held = Held { sync, serial: self.serial };
        match self.syncs.iter().position(|(t, _)| t == tp) {
            None => self.syncs.push((tp.clone(), vec![held; SYNCS_PER_PARTITION])),
            Some(i) => {
                let original = self.syncs[i].1.clone();
                let mut syncs = original.clone();
                self.update_sync_array(&mut syncs, &original, held);
                self.syncs[i].1 = syncs;
            }
        }
    }

    /// `updateSyncArray`: the new sync goes to slot 0; older ones move down where they keep the
    /// invariants, so the array covers ever longer stretches of history.
    fn update_sync_array(&self, syncs: &mut [Held], original: &[Held], sync: Held) {
        let only_load_last = !self.read_to_end;
        let upstream_rewind = sync.sync.upstream < syncs[0].sync.upstream;
        if only_load_last || upstream_rewind {
            syncs.fill(sync);
            return;
        }
        let mut replacement = sync;
        let mut replacement_index = 0usize;
        syncs[0] = replacement;
        for current in 1..SYNCS_PER_PARTITION {
            let previous = current - 1;
            loop {
                let old_value = original[replacement_index];
                let is_recent = invariant_b(syncs[previous], old_value, previous, current);
                let separated_from_previous = invariant_c(syncs[previous], old_value, previous);
                let next = current + 1;
                let separated_from_next = next >= SYNCS_PER_PARTITION || invariant_c(old_value, syncs[next], current);
                let next_replacement = replacement_index + 1;
                let duplicate =
                    next_replacement < SYNCS_PER_PARTITION && old_value.serial == original[next_replacement].serial;
                let promote = is_recent && separated_from_previous && separated_from_next;
                if promote {
                    replacement = old_value;
                }
                let skip = duplicate || !separated_from_previous;
                if promote || skip {
                    replacement_index += 1;
                }
                if !(replacement_index < current && skip) {
                    break;
                }
            }
            if invariant_b(syncs[previous], syncs[current], previous, current) {
                break;
            }
            syncs[current] = replacement;
        }
    }

    /// `translateDownstream`: the target cluster's offset for a group at `upstream` on `tp`.
    /// `None` while the store is still reading or when no sync is known for the partition;
    /// `Some(-1)` when every sync kept is ahead of the group (it cannot be translated).
    pub fn translate_downstream(&self, tp: &TopicPartition, upstream: i64) -> Option<i64> {
        if !self.read_to_end {
            return None;
        }
        let (_, syncs) = self.syncs.iter().find(|(t, _)| t == tp)?;
        let sync = syncs.iter().find(|h| h.sync.upstream <= upstream).unwrap_or(&syncs[SYNCS_PER_PARTITION - 1]).sync;
        if sync.upstream > upstream {
            return Some(-1);
        }
        let step = if upstream == sync.upstream { 0 } else { 1 };
        Some(sync.downstream + step)
    }
}

/// One checkpoint (`Checkpoint`, a record of `<source>.checkpoints.internal` on the target): group
/// `group` had committed `upstream` on the source partition, which is `downstream` on the target's
/// remote partition `tp`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct Checkpoint {
    pub group: String,
    pub tp: TopicPartition,
    pub upstream: i64,
    pub downstream: i64,
}

impl ReplicationPolicy {
    /// `MirrorCheckpointTask.renameTopicPartition`: a source partition's name on the target; a
    /// topic that came from the target in the first place gets its original name back.
    pub fn rename_for_target(&self, source_alias: &str, target_alias: &str, tp: &TopicPartition) -> TopicPartition {
        if self.topic_source(&tp.topic).as_deref() == Some(target_alias) {
            TopicPartition::new(self.original_topic(&tp.topic), tp.partition)
        } else {
            TopicPartition::new(self.format_remote_topic(source_alias, &tp.topic), tp.partition)
        }
    }
}

/// `MirrorCheckpointTask.checkpointsForGroup` for one group's committed offsets on the source: the
/// checkpoints to emit, given the last checkpoint emitted per target partition. A partition whose
/// offset cannot be translated yet (no sync read, or every sync ahead: -1) gets none; a checkpoint
/// is emitted only when it moves the downstream offset forward, or the group rewound upstream
/// (`checkpointIsMoreRecent`), never one that would move the downstream offset back.
pub fn checkpoints_for_group(
    policy: &ReplicationPolicy,
    source_alias: &str,
    target_alias: &str,
    store: &OffsetSyncStore,
    group: &str,
    committed: &[(TopicPartition, i64)],
    last: &[Checkpoint],
) -> Vec<Checkpoint> {
    let mut out = Vec::new();
    for (tp, upstream) in committed {
        let Some(downstream) = store.translate_downstream(tp, *upstream) else { continue };
        if downstream < 0 {
            continue;
        }
        let c = Checkpoint {
            group: group.to_string(),
            tp: policy.rename_for_target(source_alias, target_alias, tp),
            upstream: *upstream,
            downstream,
        };
        let more_recent = match last.iter().find(|l| l.group == c.group && l.tp == c.tp) {
            None => true,
            Some(l) => c.upstream < l.upstream || c.downstream > l.downstream,
        };
        if more_recent {
            out.push(c);
        }
    }
    out
}

/// `MirrorCheckpointTask.syncGroupOffset` (`sync.group.offsets.enabled`) for one group: the
/// translated offsets to commit to the target's group. `idle_target` is the group's committed
/// offsets on the target when it is Empty there (`refreshIdleConsumerGroupOffset`), `None`
/// otherwise (then every translated offset is committed, and the target refuses them while the
/// group has members: UNKNOWN_MEMBER_ID). An idle group's offset that is already at or past the
/// translated one is left alone, so a consumer that moved on at the target is not sent back.
pub fn offsets_to_sync(
    converted: &[(TopicPartition, i64)],
    idle_target: Option<&[(TopicPartition, i64)]>,
) -> Vec<(TopicPartition, i64)> {
    let Some(target) = idle_target else { return converted.to_vec() };
    converted
        .iter()
        .filter(|(tp, offset)| match target.iter().find(|(t, _)| t == tp) {
            None => true,
            Some((_, latest)) => latest < offset,
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tp() -> TopicPartition {
        TopicPartition::new("orders", 0)
    }

    /// `MirrorSourceTask` copies 250 records one for one from offset 0 to offset 1000: with
    /// `offset.lag.max` 100 it syncs the first record, then the one 100 records past the last
    /// sync's next offset (`PartitionState.update`: `downstream - (lastSync + 1) >= maxOffsetLag`).
    #[test]
    fn source_task_syncs_every_offset_lag_max_records() {
        let mut w = OffsetSyncWriter::default();
        let mut sent = Vec::new();
        for i in 0..250 {
            w.record_copied(&tp(), i, 1000 + i);
            sent.extend(w.take_pending().into_iter().map(|(_, s)| (s.upstream, s.downstream)));
        }
        assert_eq!(sent, vec![(0, 1000), (101, 1101), (202, 1202)]);
        // The offset commit sends the newest position too.
        w.commit();
        assert_eq!(w.take_pending(), vec![(tp(), OffsetSync { upstream: 249, downstream: 1249 })]);
    }

    /// A group at upstream 150 translates to the sync at 101 plus one: 1102, not 1150, so a
    /// consumer failing over reads 48 records again (`translateDownstream`).
    #[test]
    fn translation_is_conservative() {
        let mut s = OffsetSyncStore::new();
        s.set_read_to_end();
        for (u, d) in [(0, 1000), (101, 1101), (202, 1202)] {
            s.handle_sync(&tp(), OffsetSync { upstream: u, downstream: d });
        }
        assert_eq!(s.translate_downstream(&tp(), 150), Some(1102));
        assert_eq!(s.translate_downstream(&tp(), 101), Some(1101));
        assert_eq!(s.translate_downstream(&tp(), 250), Some(1203));
        assert_eq!(s.translate_downstream(&TopicPartition::new("orders", 1), 5), None);
    }

    /// The checkpoint of group billing at upstream 150 is 102 on `primary.orders`; a repeated or
    /// backwards translation is not emitted again, an upstream rewind is.
    #[test]
    fn checkpoints_move_forward_only() {
        let p = ReplicationPolicy;
        let mut s = OffsetSyncStore::new();
        s.set_read_to_end();
        for (u, d) in [(0, 0), (101, 101), (202, 202)] {
            s.handle_sync(&tp(), OffsetSync { upstream: u, downstream: d });
        }
        let first = checkpoints_for_group(&p, "primary", "backup", &s, "billing", &[(tp(), 150)], &[]);
        let remote = TopicPartition::new("primary.orders", 0);
        assert_eq!(
            first,
            vec![Checkpoint { group: "billing".into(), tp: remote.clone(), upstream: 150, downstream: 102 }]
        );
        assert!(checkpoints_for_group(&p, "primary", "backup", &s, "billing", &[(tp(), 160)], &first).is_empty());
        let rewound = checkpoints_for_group(&p, "primary", "backup", &s, "billing", &[(tp(), 50)], &first);
        assert_eq!(rewound[0].downstream, 1);
        // A topic that came from the target is checkpointed under its original name.
        let back = TopicPartition::new("backup.payments", 0);
        assert_eq!(p.rename_for_target("primary", "backup", &back), TopicPartition::new("payments", 0));
    }

    /// An idle group already at 120 on the target keeps it against a translated 102; one with no
    /// offset for the partition, or not idle, is given the translated offset.
    #[test]
    fn group_offsets_sync_only_forward_for_idle_groups() {
        let remote = TopicPartition::new("primary.orders", 0);
        let converted = vec![(remote.clone(), 102)];
        assert!(offsets_to_sync(&converted, Some(&[(remote.clone(), 120)])).is_empty());
        assert_eq!(offsets_to_sync(&converted, Some(&[(remote.clone(), 90)])), converted);
        assert_eq!(offsets_to_sync(&converted, Some(&[])), converted);
        assert_eq!(offsets_to_sync(&converted, None), converted);
    }

    #[test]
    fn remote_topic_names() {
        let p = ReplicationPolicy;
        assert_eq!(p.format_remote_topic("primary", "orders"), "primary.orders");
        assert_eq!(p.topic_source("primary.orders").as_deref(), Some("primary"));
        assert_eq!(p.topic_source("primary."), None);
        assert_eq!(p.upstream_topic("backup.primary.orders").as_deref(), Some("primary.orders"));
        assert_eq!(p.original_topic("backup.primary.orders"), "orders");
        assert!(p.is_internal_topic("mm2-offset-syncs.backup.internal"));
        assert!(p.is_internal_topic("primary.checkpoints.internal"));
    }
}
