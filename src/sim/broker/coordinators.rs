//! The broker's side of its group, transaction and share coordinators: it builds a
//! coordinator's step ([`GroupStep`], [`TxnStep`], [`ShareCoordStep`]) around the coordinator's state and itself as the step's
//! [`CoordinatorHost`], and routes requests, responses, timers and partition changes to it. Also
//! what Kafka does outside the coordinators: FindCoordinator (`KafkaApis`), WriteTxnMarkers at
//! a partition leader (`ReplicaManager`) and the producer-id blocks (`RPCProducerIdManager`).

use super::group::GroupStep;
use super::host::{offsets_partitions, txn_partitions, CoordinatorHost};
use super::produce::DelayedPart;
use super::share_coordinator::{share_state_partitions, ShareCoordStep};
use super::timer::{BrokerOut, BrokerTimer};
use super::txn::TxnStep;
use super::{BrokerDisk, BrokerProc, BrokerStep};
use crate::sim::errors::KafkaError;
use crate::sim::log::{Log, TxnMarker};
use crate::sim::metadata::MetadataImage;
use crate::sim::node::{Env, ReplyTo};
use crate::sim::partitioner::coordinator_partition;
use crate::sim::protocol::{NewTopic, ProduceBatch, Request, Response};
use crate::sim::record::ControlType;
use crate::sim::rng::Pcg32;
use crate::sim::time::SimTime;
use crate::sim::types::{
    share_state_key, BrokerId, Offset, TopicPartition, OFFSETS_TOPIC, SHARE_STATE_TOPIC, TXN_TOPIC,
};

/// The broker as its coordinators' host during one step: everything of the process but the
/// coordinators' own state, and the disk.
struct BrokerHost<'a> {
    proc: &'a mut BrokerProc,
    disk: &'a mut BrokerDisk,
}

impl CoordinatorHost for BrokerHost<'_> {
    fn broker_id(&self) -> BrokerId {
        self.proc.id
    }

    fn image(&self) -> &MetadataImage {
        &self.proc.image
    }

    fn log(&self, tp: &TopicPartition) -> Option<&Log> {
        self.disk.logs.get(tp)
    }

    /// Without a local log of the partition the write fails with NOT_COORDINATOR.
    fn append_as_leader(
        &mut self,
        now: SimTime,
        batch: &ProduceBatch,
        env: &Env,
        out: &mut BrokerOut,
    ) -> Result<Offset, KafkaError> {
        let tp = &batch.tp;
        let epoch = self.proc.replicas.get(tp).map(|r| r.leader_epoch).unwrap_or(0);
        let cfg = self.proc.config(&tp.topic);
        let Some(log) = self.disk.logs.get_mut(tp) else { return Err(KafkaError::NOT_COORDINATOR) };
        let (info, _) = log.append_as_leader(batch, epoch, env.wall_ms(now), &cfg).map_err(|e| e.error)?;
        out.touch(tp);
        Ok(info.last_offset)
    }

    fn after_append(&mut self, now: SimTime, tp: &TopicPartition, env: &Env, out: &mut BrokerOut) -> bool {
        let mut broker = self.broker(now, env, out);
        broker.try_complete_delayed_fetches();
        broker.advance_hw(tp)
    }

    fn create_topic(&mut self, now: SimTime, topic: NewTopic, env: &Env, out: &mut BrokerOut) {
        self.broker(now, env, out).create_topic_internally(topic);
    }

    fn next_corr(&mut self) -> u64 {
        self.proc.corr.next_id()
    }

    fn rng(&mut self) -> &mut Pcg32 {
        &mut self.proc.rng
    }

    fn next_producer_id(&mut self, now: SimTime, env: &Env, out: &mut BrokerOut) -> Result<i64, KafkaError> {
        self.broker(now, env, out).next_producer_id()
    }
}

impl BrokerHost<'_> {
    /// The broker's own step, for what the host does on the coordinator's behalf.
    fn broker<'s>(&'s mut self, now: SimTime, env: &'s Env, out: &'s mut BrokerOut) -> BrokerStep<'s> {
        BrokerStep { proc: self.proc, disk: self.disk, now, env, out }
    }
}

impl BrokerProc {
    /// The share-state key of a share-partition (`SharePartitionKey`), if its topic is known.
    pub(crate) fn share_key(&self, group: &str, tp: &TopicPartition) -> Option<String> {
        self.image.topics.get(&tp.topic).map(|t| share_state_key(group, t.id, tp.partition))
    }

    /// The share coordinator of a share-state key: the leader of its `__share_group_state`
    /// partition (`ShareCoordinatorService.partitionFor`), if the topic exists and the leader is
    /// up.
    pub(crate) fn share_coordinator_of(&self, key: &str, env: &Env) -> Option<BrokerId> {
        let t = self.image.topics.get(SHARE_STATE_TOPIC)?;
        let p = coordinator_partition(key, share_state_partitions(&self.image, env));
        let leader = t.partitions.get(&p)?.leader;
        self.image.brokers.get(&leader).filter(|b| !b.fenced).map(|_| leader)
    }

    /// The `__consumer_offsets` partition of a group (`String.hashCode`).
    pub(crate) fn group_partition(&self, group: &str, env: &Env) -> i32 {
        coordinator_partition(group, offsets_partitions(&self.image, env))
    }
}

impl BrokerStep<'_> {
    /// Runs one step of the group coordinator. The step borrows the coordinator's state and,
    /// as its host, the rest of the broker: the state is lifted out of the process for the
    /// step (nothing the host does reaches a coordinator) and put back after it.
    pub(crate) fn group_step<R>(&mut self, step: impl FnOnce(&mut GroupStep<'_>) -> R) -> R {
        let mut coord = std::mem::take(&mut self.proc.coordinator);
        let mut host = BrokerHost { proc: self.proc, disk: self.disk };
        let r =
            step(&mut GroupStep { coord: &mut coord, host: &mut host, now: self.now, env: self.env, out: self.out });
        self.proc.coordinator = coord;
        r
    }

    /// Runs one step of the share coordinator (as [`BrokerStep::group_step`]).
    pub(crate) fn share_coord_step<R>(&mut self, step: impl FnOnce(&mut ShareCoordStep<'_>) -> R) -> R {
        let mut coord = std::mem::take(&mut self.proc.share_coord);
        let mut host = BrokerHost { proc: self.proc, disk: self.disk };
        let r = step(&mut ShareCoordStep {
            coord: &mut coord,
            host: &mut host,
            now: self.now,
            env: self.env,
            out: self.out,
        });
        self.proc.share_coord = coord;
        r
    }

    /// Runs one step of the transaction coordinator (as [`BrokerStep::group_step`]).
    pub(crate) fn txn_step<R>(&mut self, step: impl FnOnce(&mut TxnStep<'_>) -> R) -> R {
        let mut coord = std::mem::take(&mut self.proc.txn);
        let mut host = BrokerHost { proc: self.proc, disk: self.disk };
        let r = step(&mut TxnStep { coord: &mut coord, host: &mut host, now: self.now, env: self.env, out: self.out });
        self.proc.txn = coord;
        r
    }

    /// FindCoordinator (`KafkaApis.handleFindCoordinatorRequest`): the leader of the key's
    /// partition of the internal topic, which is created the first time it is asked for. The
    /// answer, and whether the topic exists.
    pub(crate) fn find_coordinator(&mut self, key: &str, transaction: bool) -> (Response, bool) {
        let unavailable = Response::FindCoordinator {
            error: Some(KafkaError::COORDINATOR_NOT_AVAILABLE),
            node: -1,
            host: String::new(),
            port: 0,
        };
        let (topic, n) = if transaction {
            (TXN_TOPIC, txn_partitions(&self.proc.image, self.env))
        } else {
            (OFFSETS_TOPIC, offsets_partitions(&self.proc.image, self.env))
        };
        if !self.proc.image.topics.contains_key(topic) {
            if transaction {
                self.txn_step(|s| s.ensure_txn_topic());
            } else {
                self.group_step(|s| s.ensure_offsets_topic());
            }
            return (unavailable, false);
        }
        let p = coordinator_partition(key, n);
        let leader = self.proc.image.partition(topic, p).map(|s| s.leader).unwrap_or(-1);
        let resp = match self.proc.image.brokers.get(&leader).filter(|b| !b.fenced) {
            Some(b) => Response::FindCoordinator {
                error: None,
                node: leader,
                host: b.endpoint.host.clone(),
                port: b.endpoint.port,
            },
            None => unavailable,
        };
        (resp, true)
    }

    /// The requests of clients to the coordinators: the group's, then the transaction
    /// coordinator's; after any of them the groups' timers are armed again.
    pub(crate) fn handle_coordinator_request(&mut self, reply: ReplyTo, req: Request) {
        if let Request::FindCoordinator { key, transaction } = req {
            let (resp, known) = self.find_coordinator(&key, transaction);
            self.out.reply(reply, resp);
            if known {
                self.group_step(|s| s.schedule_group_ticks());
            }
            return;
        }
        let share_heartbeat =
            matches!(req, Request::ShareGroupHeartbeat { .. } | Request::AlterShareGroupOffsets { .. });
        if let Some(req) = self.group_step(|s| s.handle_request(reply.to, reply.corr, req)) {
            self.txn_step(|s| s.handle_txn_request(reply.to, reply.corr, req));
        }
        // A share group's partitions were initialized (`InitializeShareGroupState` through the
        // persister, whose FindCoordinator of key type SHARE creates `__share_group_state`).
        if share_heartbeat
            && !self.proc.image.topics.contains_key(SHARE_STATE_TOPIC)
            && self.proc.coordinator.share_groups.values().any(|g| !g.initialized.is_empty())
        {
            self.share_coord_step(|s| s.ensure_share_state_topic());
        }
        self.group_step(|s| s.schedule_group_ticks());
    }

    /// The share coordinator's requests (`KafkaApis.handleWriteShareGroupStateRequest` and its
    /// siblings); any other request is handed back.
    pub(crate) fn handle_share_coordinator_request(&mut self, reply: ReplyTo, req: Request) -> Option<Request> {
        match req {
            Request::WriteShareGroupState { key, state } => {
                self.share_coord_step(|s| s.write_state(reply.to, reply.corr, key, state))
            }
            Request::ReadShareGroupState { key, leader_epoch } => {
                self.share_coord_step(|s| s.read_state(reply.to, reply.corr, key, leader_epoch))
            }
            Request::InitializeShareGroupState { keys } => {
                self.share_coord_step(|s| s.initialize_state(reply.to, reply.corr, keys))
            }
            Request::DeleteShareGroupState { keys } => {
                self.share_coord_step(|s| s.delete_state(reply.to, reply.corr, keys))
            }
            Request::ReadShareGroupStateSummary { group, partitions } => {
                let keys: Vec<(TopicPartition, Option<String>)> =
                    partitions.into_iter().map(|tp| (tp.clone(), self.proc.share_key(&group, &tp))).collect();
                let parts = self.share_coord_step(|s| {
                    keys.into_iter().map(|(tp, k)| (tp, k.and_then(|k| s.read_summary(&k).ok().flatten()))).collect()
                });
                self.out.reply(reply, Response::ReadShareGroupStateSummary { partitions: parts });
            }
            other => return Some(other),
        }
        None
    }

    /// Becoming (`leader`) or ceasing to be leader of a partition of an internal topic: its
    /// coordinator loads or unloads it.
    pub(crate) fn on_leadership_coordinator(&mut self, tp: &TopicPartition, leader: bool) {
        match (tp.topic.as_str(), leader) {
            (TXN_TOPIC, true) => self.txn_step(|s| s.load_transactions(tp)),
            (TXN_TOPIC, false) => self.txn_step(|s| s.unload_transactions(tp)),
            (OFFSETS_TOPIC, true) => self.group_step(|s| s.load_groups(tp)),
            (OFFSETS_TOPIC, false) => self.group_step(|s| s.unload_groups(tp)),
            (SHARE_STATE_TOPIC, true) => self.share_coord_step(|s| s.load(tp)),
            (SHARE_STATE_TOPIC, false) => self.share_coord_step(|s| s.unload(tp)),
            _ => {}
        }
    }

    /// The HW of a partition of an internal topic moved: writes it covers are answered.
    pub(crate) fn on_hw_advanced_coordinator(&mut self, tp: &TopicPartition) {
        if tp.topic == OFFSETS_TOPIC {
            self.group_step(|s| s.complete_offset_writes());
        } else if tp.topic == TXN_TOPIC {
            self.txn_step(|s| s.complete_txn_writes());
        } else if tp.topic == SHARE_STATE_TOPIC {
            self.share_coord_step(|s| s.complete_writes());
        }
    }

    /// WriteTxnMarkers at a partition leader (`KafkaApis.handleWriteTxnMarkersRequest`:
    /// `ReplicaManager.appendRecords` of the control records with `requiredAcks = -1` and
    /// `request.timeout.ms`): append the markers; on `__consumer_offsets` the group coordinator
    /// publishes (or drops) the transaction's offsets. Answered, like an acks=all produce, once
    /// the high watermark has passed every marker: before, it was answered at the append, so a
    /// leader that crashed before its followers had the marker lost it while the transaction
    /// coordinator took it as written (a processor's offsets then stayed pending for ever on
    /// the new leader while its output was committed: the processor sweep's seed 346).
    pub(crate) fn write_txn_markers(
        &mut self,
        reply: ReplyTo,
        markers: Vec<(i64, i16, ControlType, Vec<TopicPartition>, i32)>,
    ) {
        let now_ms = self.env.wall_ms(self.now);
        let mut parts: Vec<DelayedPart> = Vec::new();
        let mut pids = Vec::new();
        for (pid, epoch, control, tps, coordinator_epoch) in markers {
            for tp in tps {
                pids.push(pid);
                let leader_epoch = match self.proc.replicas.get(&tp) {
                    Some(rep) if rep.is_leader() => rep.leader_epoch,
                    _ => {
                        parts.push((tp, 0, Err(KafkaError::NOT_LEADER_OR_FOLLOWER.into()), true));
                        continue;
                    }
                };
                let cfg = self.proc.config(&tp.topic);
                let Some(log) = self.disk.logs.get_mut(&tp) else {
                    parts.push((tp, 0, Err(KafkaError::NOT_LEADER_OR_FOLLOWER.into()), true));
                    continue;
                };
                let marker = TxnMarker { producer_id: pid, producer_epoch: epoch, control, coordinator_epoch };
                match log.append_marker_as_leader(marker, leader_epoch, now_ms, &cfg) {
                    Ok(_) => {
                        let end = log.log_end_offset;
                        self.out.touch(&tp);
                        if tp.topic == OFFSETS_TOPIC {
                            let n = offsets_partitions(&self.proc.image, self.env);
                            self.proc.coordinator.complete_txn_offsets(tp.partition, n, pid, control);
                        }
                        parts.push((tp, end, Ok((0, -1)), false));
                    }
                    Err(e) => parts.push((tp, 0, Err(e), true)),
                }
            }
        }
        self.try_complete_delayed_fetches();
        let touched: Vec<TopicPartition> = parts.iter().filter(|p| p.2.is_ok()).map(|p| p.0.clone()).collect();
        for tp in touched {
            self.maybe_increment_hw(&tp);
        }
        // `request.timeout.ms` (30 s, the broker's default).
        self.park_until_replicated(reply, 30_000, parts, Some(pids));
    }

    /// `RPCProducerIdManager.generateProducerId`: the next id of the current block, moving to
    /// the block fetched ahead when it runs out. With no id left it asks the controller for a
    /// block and fails with COORDINATOR_LOAD_IN_PROGRESS (the client retries); at 90% of a
    /// block it fetches the next one ahead.
    pub(crate) fn next_producer_id(&mut self) -> Result<i64, KafkaError> {
        for _ in 0..=3 {
            let (first, next, end) = self.proc.producer_ids;
            if next < end {
                self.proc.producer_ids.1 += 1;
                if next == first + (end - first) * 9 / 10 {
                    self.maybe_request_producer_ids();
                }
                return Ok(next);
            }
            let Some((f, e)) = self.proc.next_producer_ids.take() else {
                self.maybe_request_producer_ids();
                return Err(KafkaError::COORDINATOR_LOAD_IN_PROGRESS);
            };
            self.proc.producer_ids = (f, f, e);
            self.proc.producer_id_inflight = None;
            self.proc.producer_id_backoff_until = SimTime::ZERO;
        }
        Err(KafkaError::COORDINATOR_LOAD_IN_PROGRESS)
    }

    /// `maybeRequestNextBlock`: one AllocateProducerIds at a time, none while a block waits or
    /// during the backoff after a failure.
    fn maybe_request_producer_ids(&mut self) {
        if self.proc.next_producer_ids.is_some()
            || self.proc.producer_id_inflight.is_some()
            || self.now < self.proc.producer_id_backoff_until
        {
            return;
        }
        let corr = self.proc.corr.next_id();
        self.proc.producer_id_inflight = Some(corr);
        let to = self.proc.controller.target(self.env);
        self.out.request(
            to,
            corr,
            Request::AllocateProducerIds { broker: self.proc.id, broker_epoch: self.proc.broker_epoch },
        );
        self.out.timer(self.now.plus_ms(5000), BrokerTimer::ControllerRequestTimeout(corr));
    }
}
