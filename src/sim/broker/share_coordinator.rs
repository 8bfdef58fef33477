//! The share coordinator (KIP-932: `ShareCoordinatorService`, `ShareCoordinatorShard`): keeps
//! each share-partition's state in `__share_group_state`, so it outlives the partition's leader.
//!
//! A share-partition's state lives in the `__share_group_state` partition of its key
//! `groupId:topicId:partition` (`ShareCoordinatorService.partitionFor`:
//! `abs(key.hashCode()) % share.coordinator.state.topic.num.partitions`), on that partition's
//! leader. The topic is created the first time a share group's partitions are initialized
//! (`share.coordinator.state.topic.num.partitions` 50, `.replication.factor` 3, `.min.isr` 2,
//! `cleanup.policy=delete`, `retention.ms=-1`: `shareGroupStateTopicConfigs`).
//!
//! - `WriteShareGroupState` (a share-partition's leader, `ShareCoordinatorShard.writeState`):
//!   fenced when its leader epoch is older than the one the coordinator knows
//!   (`FENCED_LEADER_EPOCH`) or its state epoch is not the current one (`FENCED_STATE_EPOCH`);
//!   otherwise appended, answered once the HW passes it.
//! - `ReadShareGroupState` (a new leader, `readStateAndMaybeUpdateLeaderEpoch`): the state, the
//!   reader's leader epoch remembered so an older leader's writes are fenced.
//! - `ReadShareGroupStateSummary` (describing a share group's offsets): start offset, leader
//!   epoch and the records finished past the start.
//! - `InitializeShareGroupState` (`initializeState`: `AlterShareGroupOffsets`): a new start
//!   offset under the next state epoch, no batches.
//! - `DeleteShareGroupState` (`deleteState`): a tombstone.
//!
//! Kafka writes a `ShareUpdate` record per write and a `ShareSnapshot` every
//! `share.coordinator.snapshot.update.records.per.snapshot` (500) updates, merging the state
//! batches (`PersisterStateBatchCombiner`); a Brokerlab leader always writes its whole state,
//! so each record here is a snapshot (key `share:<key>`, the state as JSON, readable by a learner).

use super::host::{coordinator_write_error, internal_batch, not_coordinator, topic_creation_due, CoordinatorHost};
use super::share_partition::PersistedShareState;
use super::timer::BrokerOut;
use crate::sim::codec::Codec;
use crate::sim::errors::KafkaError;
use crate::sim::node::Env;
use crate::sim::partitioner::coordinator_partition;
use crate::sim::protocol::{NewTopic, Response};
use crate::sim::time::SimTime;
use crate::sim::types::{NodeAddr, Offset, TopicPartition, SHARE_STATE_TOPIC};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A write waiting for the HW of its `__share_group_state` partition.
#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub struct PendingShareWrite {
    pub partition: i32,
    pub required: Offset,
    pub to: NodeAddr,
    pub corr: u64,
    pub resp: Response,
    /// The states it sets (`None`: deleted).
    pub states: Vec<(String, Option<PersistedShareState>)>,
}

/// The share coordinator of one broker.
#[derive(Clone, Debug, Default, Serialize, Deserialize, Codec)]
pub struct ShareCoordinator {
    /// `__share_group_state` partitions this broker leads and has loaded.
    pub owned: BTreeSet<i32>,
    /// Per key (`groupId:topicId:partition`), its state.
    pub states: BTreeMap<String, PersistedShareState>,
    pub pending_writes: Vec<PendingShareWrite>,
    creating_topic_at: Option<SimTime>,
}

/// The record key of a share-partition's state.
fn record_key(key: &str) -> String {
    format!("share:{key}")
}

/// The partitions of `__share_group_state` (`share.coordinator.state.topic.num.partitions`
/// until it exists).
pub(crate) fn share_state_partitions(image: &crate::sim::metadata::MetadataImage, env: &Env) -> i32 {
    image.topics.get(SHARE_STATE_TOPIC).map(|t| t.partitions.len() as i32).unwrap_or(env.settings.share_state_topic.0)
}

/// One step of a broker's share coordinator (as `GroupStep`).
pub(crate) struct ShareCoordStep<'a> {
    pub coord: &'a mut ShareCoordinator,
    pub host: &'a mut dyn CoordinatorHost,
    pub now: SimTime,
    pub env: &'a Env,
    pub out: &'a mut BrokerOut,
}

impl ShareCoordStep<'_> {
    fn partition_for(&self, key: &str) -> i32 {
        coordinator_partition(key, share_state_partitions(self.host.image(), self.env))
    }

    /// Whether this broker is the share coordinator of `key`: the error otherwise.
    fn not_coordinator(&self, key: &str) -> Option<KafkaError> {
        not_coordinator(self.host.image(), SHARE_STATE_TOPIC, &self.coord.owned, self.partition_for(key))
    }

    /// Creates `__share_group_state` with its configs (`ShareCoordinatorService
    /// .shareGroupStateTopicConfigs`) unless it exists or its creation was asked for within 5 s.
    pub(crate) fn ensure_share_state_topic(&mut self) {
        if !topic_creation_due(self.host.image(), SHARE_STATE_TOPIC, &mut self.coord.creating_topic_at, self.now) {
            return;
        }
        let (partitions, replication_factor, min_isr) = self.env.settings.share_state_topic;
        let mut configs = BTreeMap::new();
        configs.insert("cleanup.policy".to_string(), "delete".to_string());
        configs.insert("compression.type".to_string(), "producer".to_string());
        configs.insert("segment.bytes".to_string(), "104857600".to_string());
        configs.insert("min.insync.replicas".to_string(), min_isr.to_string());
        configs.insert("retention.ms".to_string(), "-1".to_string());
        let topic =
            NewTopic { name: SHARE_STATE_TOPIC.into(), partitions, replication_factor, assignment: None, configs };
        self.host.create_topic(self.now, topic, self.env, self.out);
    }

    /// `ShareCoordinatorShard.writeState`.
    pub(crate) fn write_state(&mut self, to: NodeAddr, corr: u64, key: String, state: PersistedShareState) {
        let fail = |e| Response::WriteShareGroupState { error: Some(e) };
        if let Some(e) = self.not_coordinator(&key) {
            self.out.respond(to, corr, fail(e));
            return;
        }
        if let Some(cur) = self.coord.states.get(&key) {
            if state.leader_epoch < cur.leader_epoch {
                self.out.respond(to, corr, fail(KafkaError::FENCED_LEADER_EPOCH));
                return;
            }
            if state.state_epoch != cur.state_epoch {
                self.out.respond(to, corr, fail(KafkaError::FENCED_STATE_EPOCH));
                return;
            }
        }
        let partition = self.partition_for(&key);
        self.append(to, corr, partition, vec![(key, Some(state))], Response::WriteShareGroupState { error: None });
    }

    /// `ShareCoordinatorShard.readStateAndMaybeUpdateLeaderEpoch`.
    pub(crate) fn read_state(&mut self, to: NodeAddr, corr: u64, key: String, leader_epoch: i32) {
        if let Some(e) = self.not_coordinator(&key) {
            self.out.respond(to, corr, Response::ReadShareGroupState { error: Some(e), state: None });
            return;
        }
        let state = self.coord.states.get_mut(&key).map(|s| {
            if leader_epoch > s.leader_epoch {
                s.leader_epoch = leader_epoch;
            }
            s.clone()
        });
        self.out.respond(to, corr, Response::ReadShareGroupState { error: None, state });
    }

    /// `ShareCoordinatorShard.readStateSummary`: per key, its summary (start offset, leader
    /// epoch, records finished past the start), or why there is none.
    pub(crate) fn read_summary(&self, key: &str) -> Result<Option<(Offset, i32, i64)>, KafkaError> {
        if let Some(e) = self.not_coordinator(key) {
            return Err(e);
        }
        Ok(self.coord.states.get(key).and_then(|s| s.summary().map(|(start, done)| (start, s.leader_epoch, done))))
    }

    /// `ShareCoordinatorShard.initializeState`: each key's new start offset under the next
    /// state epoch. Keys of several partitions are written one partition at a time; the answer
    /// goes with the last write.
    pub(crate) fn initialize_state(&mut self, to: NodeAddr, corr: u64, keys: Vec<(String, Offset)>) {
        self.write_many(
            to,
            corr,
            keys.into_iter()
                .map(|(key, start)| {
                    let epoch = self.coord.states.get(&key).map(|s| s.state_epoch + 1).unwrap_or(1);
                    let state = PersistedShareState {
                        state_epoch: epoch,
                        leader_epoch: -1,
                        start_offset: start,
                        batches: vec![],
                    };
                    (key, Some(state))
                })
                .collect(),
            Response::InitializeShareGroupState { error: None },
            |e| Response::InitializeShareGroupState { error: Some(e) },
        );
    }

    /// `ShareCoordinatorShard.deleteState`.
    pub(crate) fn delete_state(&mut self, to: NodeAddr, corr: u64, keys: Vec<String>) {
        self.write_many(
            to,
            corr,
            keys.into_iter().map(|k| (k, None)).collect(),
            Response::DeleteShareGroupState { error: None },
            |e| Response::DeleteShareGroupState { error: Some(e) },
        );
    }

    fn write_many(
        &mut self,
        to: NodeAddr,
        corr: u64,
        states: Vec<(String, Option<PersistedShareState>)>,
        ok: Response,
        fail: impl Fn(KafkaError) -> Response,
    ) {
        if let Some(e) = states.iter().find_map(|(k, _)| self.not_coordinator(k)) {
            self.out.respond(to, corr, fail(e));
            return;
        }
        let mut by_partition: BTreeMap<i32, Vec<(String, Option<PersistedShareState>)>> = BTreeMap::new();
        for (k, s) in states {
            by_partition.entry(self.partition_for(&k)).or_default().push((k, s));
        }
        let n = by_partition.len();
        if n == 0 {
            self.out.respond(to, corr, ok);
            return;
        }
        for (i, (partition, states)) in by_partition.into_iter().enumerate() {
            // Only the last write answers; the others answer the broker itself, which drops it.
            let (to, corr) = if i + 1 == n { (to, corr) } else { (NodeAddr::Broker(self.host.broker_id()), 0) };
            self.append(to, corr, partition, states, ok.clone());
        }
    }

    /// Appends state records to a `__share_group_state` partition this broker leads; the
    /// answer (and the cache update) waits until the HW passes them.
    fn append(
        &mut self,
        to: NodeAddr,
        corr: u64,
        partition: i32,
        states: Vec<(String, Option<PersistedShareState>)>,
        resp: Response,
    ) {
        let tp = TopicPartition::new(SHARE_STATE_TOPIC, partition);
        let records =
            states.iter().map(|(k, s)| (record_key(k), s.as_ref().and_then(|s| serde_json::to_string(s).ok())));
        let pb = internal_batch(&tp, self.env.wall_ms(self.now), records);
        match self.host.append_as_leader(self.now, &pb, self.env, self.out) {
            Ok(last) => {
                self.coord.pending_writes.push(PendingShareWrite {
                    partition,
                    required: last + 1,
                    to,
                    corr,
                    resp,
                    states,
                });
                self.host.after_append(self.now, &tp, self.env, self.out);
                self.complete_writes();
            }
            Err(e) => {
                if to != NodeAddr::Broker(self.host.broker_id()) {
                    let e = coordinator_write_error(e);
                    let resp = match resp {
                        Response::WriteShareGroupState { .. } => Response::WriteShareGroupState { error: Some(e) },
                        Response::InitializeShareGroupState { .. } => {
                            Response::InitializeShareGroupState { error: Some(e) }
                        }
                        _ => Response::DeleteShareGroupState { error: Some(e) },
                    };
                    self.out.respond(to, corr, resp);
                }
            }
        }
    }

    /// Answers writes whose records the HW has passed, and applies them.
    pub(crate) fn complete_writes(&mut self) {
        let mut keep = Vec::new();
        for w in std::mem::take(&mut self.coord.pending_writes) {
            let tp = TopicPartition::new(SHARE_STATE_TOPIC, w.partition);
            let hw = self.host.log(&tp).map(|l| l.high_watermark).unwrap_or(0);
            if hw < w.required {
                keep.push(w);
                continue;
            }
            for (k, s) in w.states {
                match s {
                    Some(s) => {
                        self.coord.states.insert(k, s);
                    }
                    None => {
                        self.coord.states.remove(&k);
                    }
                }
            }
            if w.to != NodeAddr::Broker(self.host.broker_id()) || w.corr != 0 {
                self.out.respond(w.to, w.corr, w.resp);
            }
        }
        self.coord.pending_writes = keep;
    }

    /// Becoming the leader of a `__share_group_state` partition: its states are read back from
    /// the log (`ShareCoordinatorShard.replay`), the last record of a key winning.
    pub(crate) fn load(&mut self, tp: &TopicPartition) {
        self.coord.owned.insert(tp.partition);
        let Some(log) = self.host.log(tp) else { return };
        let mut loaded: BTreeMap<String, Option<PersistedShareState>> = BTreeMap::new();
        for b in log.batches() {
            if b.is_control() {
                continue;
            }
            for r in b.records.iter() {
                let Some(key) = r.key.as_ref().and_then(|k| std::str::from_utf8(k).ok()) else { continue };
                let Some(key) = key.strip_prefix("share:") else { continue };
                let value = r
                    .value
                    .as_ref()
                    .and_then(|v| std::str::from_utf8(v).ok())
                    .and_then(|v| serde_json::from_str::<PersistedShareState>(v).ok());
                loaded.insert(key.to_string(), value);
            }
        }
        for (k, v) in loaded {
            match v {
                Some(s) => {
                    self.coord.states.insert(k, s);
                }
                None => {
                    self.coord.states.remove(&k);
                }
            }
        }
    }

    /// No longer the leader of a `__share_group_state` partition: its states and the writes
    /// waiting on it are dropped (their senders time out or retry elsewhere).
    pub(crate) fn unload(&mut self, tp: &TopicPartition) {
        if !self.coord.owned.remove(&tp.partition) {
            return;
        }
        let n = share_state_partitions(self.host.image(), self.env);
        self.coord.states.retain(|k, _| coordinator_partition(k, n) != tp.partition);
        let mut keep = Vec::new();
        for w in std::mem::take(&mut self.coord.pending_writes) {
            if w.partition != tp.partition {
                keep.push(w);
            } else if w.to != NodeAddr::Broker(self.host.broker_id()) || w.corr != 0 {
                let resp = match w.resp {
                    Response::WriteShareGroupState { .. } => {
                        Response::WriteShareGroupState { error: Some(KafkaError::NOT_COORDINATOR) }
                    }
                    Response::InitializeShareGroupState { .. } => {
                        Response::InitializeShareGroupState { error: Some(KafkaError::NOT_COORDINATOR) }
                    }
                    _ => Response::DeleteShareGroupState { error: Some(KafkaError::NOT_COORDINATOR) },
                };
                self.out.respond(w.to, w.corr, resp);
            }
        }
        self.coord.pending_writes = keep;
    }
}
