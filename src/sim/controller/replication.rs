//! Partition changes on the active controller (`PartitionChangeBuilder`,
//! `ReplicationControlManager`): leader elections, ISR changes asked for by leaders
//! (AlterPartition), preferred and unclean elections, and reassignments
//! (`Partition` and `PartitionChangeBuilder`).

use super::partition_change::{Election, PartitionChange, PartitionChangeBuilder, ELR_ENABLED};
use super::*;
use crate::sim::config::TopicConfig;
use crate::sim::errors::{ApiError, KafkaError};
use crate::sim::metadata::PartitionState;
use crate::sim::protocol::ElectionType;
use crate::sim::trace::ElectionReason;
use crate::sim::types::{TopicPartition, NO_LEADER};

/// The targets of one partition change (`None`: as the partition has it).
#[derive(Clone, Debug)]
pub(super) struct ChangeRequest {
    pub election: Election,
    pub isr: Option<Vec<BrokerId>>,
    pub replicas: Option<Vec<BrokerId>>,
    pub removing: Option<Vec<BrokerId>>,
    pub adding: Option<Vec<BrokerId>>,
    pub(crate) unclean_shutdown: Option<Vec<BrokerId>>,
    /// The leader's recovery state (`true`: RECOVERING), as AlterPartition reports it.
    pub leader_recovering: Option<bool>,
}

impl Default for ChangeRequest {
    fn default() -> ChangeRequest {
        ChangeRequest {
            election: Election::Online,
            isr: None,
            replicas: None,
            removing: None,
            adding: None,
            unclean_shutdown: None,
            leader_recovering: None,
        }
    }
}

/// `maxElectionsPerImbalance`: the periodic elections handle at most this many partitions per run.
const MAX_ELECTIONS_PER_IMBALANCE: usize = 1000;

impl ControllerProc {
    /// Whether `broker` may lead or join an ISR: registered, unfenced, not shutting down.
    pub(super) fn is_eligible(&self, broker: BrokerId) -> bool {
        self.image.brokers.get(&broker).map(|b| !b.fenced && !b.in_controlled_shutdown).unwrap_or(false)
    }

    pub(super) fn topic_config(&self, topic: &str, env: &Env) -> TopicConfig {
        let empty = BTreeMap::new();
        let overrides = self.image.topics.get(topic).map(|t| &t.configs).unwrap_or(&empty);
        let mut broker = env.static_configs.clone();
        for (k, v) in &self.image.cluster_configs {
            broker.insert(k.clone(), v.clone());
        }
        TopicConfig::resolve(overrides, &broker)
    }

    pub(super) fn unclean_allowed(&self, topic: &str, env: &Env) -> bool {
        self.topic_config(topic, env).unclean_leader_election_enable
    }

    /// `ReplicationControlManager.getTopicEffectiveMinIsr`: the topic's `min.insync.replicas`
    /// (topic override, else the cluster default), at most the replication factor of its
    /// partition 0.
    pub(super) fn effective_min_isr(&self, topic: &str, env: &Env) -> i32 {
        let configured = self.topic_config(topic, env).min_insync_replicas;
        let rf = self
            .image
            .topics
            .get(topic)
            .and_then(|t| t.partitions.get(&0))
            .map(|p| p.replicas.len() as i32)
            .unwrap_or(configured);
        configured.min(rf)
    }

    /// Builds the change of one partition as `ReplicationControlManager` does: the
    /// `PartitionChangeBuilder` with a `LeaderAcceptor` (`acceptable`), the topic's effective min
    /// ISR, ELR on, and the targets of `request`. `None` when the partition is unknown or
    /// nothing changes.
    pub(super) fn build_change(
        &self,
        topic: &str,
        partition: i32,
        env: &Env,
        acceptable: impl Fn(BrokerId) -> bool,
        request: ChangeRequest,
    ) -> Option<PartitionChange> {
        let state = self.image.partition(topic, partition)?;
        let min_isr = self.effective_min_isr(topic, env);
        let mut b = PartitionChangeBuilder::new(state, acceptable, min_isr, ELR_ENABLED).set_election(request.election);
        if let Some(isr) = request.isr {
            b = b.set_target_isr(isr);
        }
        if let Some(r) = request.replicas {
            b = b.set_target_replicas(r);
        }
        if let Some(r) = request.removing {
            b = b.set_target_removing(r);
        }
        if let Some(a) = request.adding {
            b = b.set_target_adding(a);
        }
        if let Some(u) = request.unclean_shutdown {
            b = b.set_unclean_shutdown_replicas(u);
        }
        if let Some(r) = request.leader_recovering {
            b = b.set_target_leader_recovering(r);
        }
        b.build()
    }

    /// Partitions whose ISR includes `broker` (`BrokersToIsrs.partitionsWithBrokerInIsr`).
    pub(super) fn partitions_with_broker_in_isr(&self, broker: BrokerId) -> Vec<(String, i32)> {
        self.partitions_where(|p| p.isr.contains(&broker))
    }

    /// Partitions whose ELR includes `broker` (`BrokersToElrs.partitionsWithBrokerInElr`).
    pub(super) fn partitions_with_broker_in_elr(&self, broker: BrokerId) -> Vec<(String, i32)> {
        self.partitions_where(|p| p.elr.contains(&broker))
    }

    /// Partitions without a leader (`BrokersToIsrs.partitionsWithNoLeader`).
    pub(super) fn partitions_with_no_leader(&self) -> Vec<(String, i32)> {
        self.partitions_where(|p| p.leader == NO_LEADER)
    }

    fn partitions_where(&self, keep: impl Fn(&PartitionState) -> bool) -> Vec<(String, i32)> {
        self.image
            .topics
            .values()
            .flat_map(|t| t.partitions.iter().filter(|(_, p)| keep(p)).map(move |(pid, _)| (t.name.clone(), *pid)))
            .collect()
    }

    /// `validateManualPartitionAssignment` for a reassignment target.
    fn reassignment_target_error(&self, target: &[BrokerId]) -> Option<ApiError> {
        let invalid = |m: String| Some(ApiError::with(KafkaError::INVALID_REPLICA_ASSIGNMENT, m));
        if target.is_empty() {
            return invalid("The manual partition assignment includes an empty replica list.".into());
        }
        let mut sorted = target.to_vec();
        sorted.sort_unstable();
        let mut prev: Option<BrokerId> = None;
        for b in sorted {
            if !self.image.brokers.contains_key(&b) {
                return invalid(format!(
                    "The manual partition assignment includes broker {b}, but no such broker is registered."
                ));
            }
            if prev == Some(b) {
                return invalid(format!("The manual partition assignment includes the broker {b} more than once."));
            }
            prev = Some(b);
        }
        None
    }
}

impl ControllerStep<'_> {
    /// Appends a partition change and explains it (ISR shrinks and expansions, new leaders,
    /// offline partitions). Returns the record's offset.
    pub(super) fn append_partition_change(
        &mut self,
        topic: &str,
        partition: i32,
        change: &PartitionChange,
        reason: ElectionReason,
    ) -> Option<Offset> {
        let t = self.proc.image.topics.get(topic)?;
        let topic_id = t.id;
        let before = t.partitions.get(&partition)?.clone();
        let off = self.append(change.to_record(topic_id, partition));
        let after = self.proc.image.partition(topic, partition).cloned().unwrap_or_else(|| before.clone());
        let tp = TopicPartition::new(topic, partition);
        let leader_changed = after.leader != before.leader;
        // An unclean election: a leader from outside the ISR and the ELR, alone in the ISR.
        let unclean = leader_changed
            && after.leader != NO_LEADER
            && !before.isr.contains(&after.leader)
            && !before.elr.contains(&after.leader)
            && after.isr == [after.leader];
        if !unclean && after.isr != before.isr {
            let removed: Vec<BrokerId> = before.isr.iter().copied().filter(|b| !after.isr.contains(b)).collect();
            let added: Vec<BrokerId> = after.isr.iter().copied().filter(|b| !before.isr.contains(b)).collect();
            if !removed.is_empty() {
                let kind =
                    TraceKind::IsrShrunk { tp: tp.clone(), leader: after.leader, removed, isr: after.isr.clone() };
                self.trace_after(off, kind);
            }
            if !added.is_empty() {
                let kind =
                    TraceKind::IsrExpanded { tp: tp.clone(), leader: after.leader, added, isr: after.isr.clone() };
                self.trace_after(off, kind);
            }
        }
        if leader_changed {
            if after.leader == NO_LEADER {
                let kind = TraceKind::PartitionOffline { tp, isr: before.isr.clone(), elr: after.elr.clone() };
                self.trace_after(off, kind);
            } else {
                let reason = if unclean { ElectionReason::Unclean } else { reason };
                let kind = TraceKind::LeaderElected {
                    tp,
                    leader: after.leader,
                    previous: before.leader,
                    epoch: after.leader_epoch,
                    isr: after.isr.clone(),
                    reason,
                };
                self.trace_after(off, kind);
            }
        }
        Some(off)
    }

    /// `ReplicationControlManager.generateLeaderAndIsrUpdates`: for each partition, the ISR
    /// without `remove` and `unclean_shutdown`, an election (UNCLEAN where the topic allows it)
    /// among acceptable leaders — active brokers or `add`, never `remove` or
    /// `unclean_shutdown` — and `unclean_shutdown` kept out of the ELR.
    pub(super) fn generate_leader_and_isr_updates(
        &mut self,
        remove: BrokerId,
        add: BrokerId,
        unclean_shutdown: BrokerId,
        partitions: Vec<(String, i32)>,
        reason: ElectionReason,
    ) -> Option<Offset> {
        let mut last = None;
        for (topic, partition) in partitions {
            let Some(state) = self.proc.image.partition(&topic, partition) else { continue };
            let isr: Vec<BrokerId> =
                state.isr.iter().copied().filter(|r| *r != remove && *r != unclean_shutdown).collect();
            let request = ChangeRequest {
                election: if self.proc.unclean_allowed(&topic, self.env) {
                    Election::Unclean
                } else {
                    Election::Online
                },
                isr: Some(isr),
                unclean_shutdown: (unclean_shutdown != NO_LEADER).then(|| vec![unclean_shutdown]),
                ..ChangeRequest::default()
            };
            let acceptable =
                |r: BrokerId| r != remove && r != unclean_shutdown && (r == add || self.proc.is_eligible(r));
            let change = self.proc.build_change(&topic, partition, self.env, acceptable, request);
            if let Some(change) = change {
                if let Some(o) = self.append_partition_change(&topic, partition, &change, reason) {
                    last = Some(o);
                }
            }
        }
        last
    }

    /// `ReplicationControlManager.electLeader`: a PREFERRED or UNCLEAN election of one
    /// partition; `Ok(None)` when Kafka would say `ELECTION_NOT_NEEDED`.
    fn elect_leader(&mut self, tp: &TopicPartition, election: ElectionType) -> Result<Option<Offset>, ApiError> {
        let Some(t) = self.proc.image.topics.get(&tp.topic) else {
            return Err(ApiError::with(
                KafkaError::UNKNOWN_TOPIC_OR_PARTITION,
                format!("No such topic as {}", tp.topic),
            ));
        };
        let Some(state) = t.partitions.get(&tp.partition) else {
            return Err(ApiError::with(KafkaError::UNKNOWN_TOPIC_OR_PARTITION, format!("No such partition as {tp}")));
        };
        let not_needed = match election {
            ElectionType::Preferred => state.leader == state.preferred(),
            ElectionType::Unclean => state.leader != NO_LEADER,
        };
        if not_needed {
            return Err(ApiError::new(KafkaError::ELECTION_NOT_NEEDED));
        }
        let (kind, reason) = match election {
            ElectionType::Preferred => (Election::Preferred, ElectionReason::Preferred),
            ElectionType::Unclean => (Election::Unclean, ElectionReason::Unclean),
        };
        let request = ChangeRequest { election: kind, ..ChangeRequest::default() };
        let change = self.proc.build_change(&tp.topic, tp.partition, self.env, |b| self.proc.is_eligible(b), request);
        match change {
            None => Err(ApiError::new(match election {
                ElectionType::Preferred => KafkaError::PREFERRED_LEADER_NOT_AVAILABLE,
                ElectionType::Unclean => KafkaError::ELIGIBLE_LEADERS_NOT_AVAILABLE,
            })),
            Some(change) => Ok(self.append_partition_change(&tp.topic, tp.partition, &change, reason)),
        }
    }

    /// AlterPartition from a partition leader: validate epochs and eligibility, then apply.
    pub(super) fn handle_alter_partition(
        &mut self,
        reply: ReplyTo,
        broker: BrokerId,
        broker_epoch: i64,
        data: AlterPartitionData,
    ) {
        let AlterPartitionData { tp, leader_epoch, partition_epoch, new_isr } = data;
        let id = self.proc.id;
        let answer =
            |error: Option<KafkaError>, st: Option<&crate::sim::metadata::PartitionState>| Response::AlterPartition {
                tp: tp.clone(),
                error,
                leader_epoch: st.map(|s| s.leader_epoch).unwrap_or(-1),
                partition_epoch: st.map(|s| s.partition_epoch).unwrap_or(-1),
                isr: st.map(|s| s.isr.clone()).unwrap_or_default(),
                leader: Some(id),
            };
        let Some(state) = self.proc.image.partition(&tp.topic, tp.partition).cloned() else {
            self.out.reply(reply, answer(Some(KafkaError::UNKNOWN_TOPIC_OR_PARTITION), None));
            return;
        };
        // `ClusterControlManager.checkBrokerEpoch` (STALE_BROKER_EPOCH for the whole request),
        // then `ReplicationControlManager.validateAlterPartitionData`, in its order.
        let stale_broker = self.proc.image.brokers.get(&broker).map(|b| b.epoch != broker_epoch).unwrap_or(true);
        let mut distinct = new_isr.clone();
        distinct.sort_unstable();
        distinct.dedup();
        let error = if stale_broker {
            Some(KafkaError::STALE_BROKER_EPOCH)
        } else if leader_epoch > state.leader_epoch || partition_epoch > state.partition_epoch {
            Some(KafkaError::NOT_CONTROLLER)
        } else if leader_epoch < state.leader_epoch {
            Some(KafkaError::FENCED_LEADER_EPOCH)
        } else if broker != state.leader {
            Some(KafkaError::INVALID_REQUEST)
        } else if partition_epoch < state.partition_epoch {
            Some(KafkaError::INVALID_UPDATE_VERSION)
        } else if distinct.len() != new_isr.len()
            || new_isr.iter().any(|b| !state.replicas.contains(b))
            || !new_isr.contains(&state.leader)
        {
            Some(KafkaError::INVALID_REQUEST)
        } else if new_isr.iter().any(|b| !self.proc.is_eligible(*b)) {
            // ineligibleReplicasForIsr: not registered, shutting down or fenced.
            Some(KafkaError::INELIGIBLE_REPLICA)
        } else {
            None
        };
        if let Some(e) = error {
            self.out.reply(reply, answer(Some(e), Some(&state)));
            return;
        }
        // The ISR as the leader sent it (Kafka keeps the order of AlterPartition's newIsr).
        let request = ChangeRequest {
            election: if self.proc.unclean_allowed(&tp.topic, self.env) { Election::Unclean } else { Election::Online },
            isr: Some(new_isr),
            leader_recovering: Some(false),
            ..ChangeRequest::default()
        };
        let change = self.proc.build_change(&tp.topic, tp.partition, self.env, |b| self.proc.is_eligible(b), request);
        let mut last = None;
        if let Some(change) = change {
            last = self.append_partition_change(&tp.topic, tp.partition, &change, ElectionReason::Reassignment);
        }
        // A change that completed a reassignment may have moved the leader away from the
        // sender: Kafka answers NEW_LEADER_ELECTED, and the sender learns its new role from the
        // metadata (here the answer carries the new epochs, which the old leader ignores).
        let st = self.proc.image.partition(&tp.topic, tp.partition).cloned();
        let resp = answer(None, st.as_ref());
        self.respond_after_last(last, reply, resp)
    }

    /// `ElectLeaders` from `kafka-leader-election` (`ReplicationControlManager.electLeaders`):
    /// without a partition list, every partition, leaving out those that need no election.
    pub(super) fn elect_leaders(
        &mut self,
        reply: ReplyTo,
        election: ElectionType,
        partitions: Option<Vec<TopicPartition>>,
    ) {
        let explicit = partitions.is_some();
        let list: Vec<TopicPartition> = match partitions {
            Some(l) => l,
            None => self
                .proc
                .image
                .topics
                .values()
                .flat_map(|t| t.partitions.keys().map(move |p| TopicPartition::new(t.name.clone(), *p)))
                .collect(),
        };
        let mut results = Vec::new();
        let mut last: Option<Offset> = None;
        for tp in list {
            match self.elect_leader(&tp, election) {
                Ok(o) => {
                    if o.is_some() {
                        last = o;
                    }
                    results.push((tp, None));
                }
                Err(e) if e.error == KafkaError::ELECTION_NOT_NEEDED && !explicit => {}
                Err(e) => results.push((tp, Some(e))),
            }
        }
        let resp = Response::Controller(ControllerResponse::ElectLeaders(Ok(results)));
        self.respond_after_last(last, reply, resp)
    }

    /// The periodic `electPreferred` task (`auto.leader.rebalance.enable`,
    /// `ReplicationControlManager.maybeBalancePartitionLeaders`): every partition not led by
    /// its preferred replica gets a PREFERRED election. (KRaft has no per-broker imbalance
    /// threshold: `leader.imbalance.per.broker.percentage` is a ZooKeeper-era setting.)
    pub(super) fn rebalance_preferred_leaders(&mut self) {
        let imbalanced = self.proc.partitions_where(|p| p.leader != p.preferred());
        for (topic, partition) in imbalanced.into_iter().take(MAX_ELECTIONS_PER_IMBALANCE) {
            let request = ChangeRequest { election: Election::Preferred, ..ChangeRequest::default() };
            let change = self.proc.build_change(&topic, partition, self.env, |b| self.proc.is_eligible(b), request);
            if let Some(change) = change {
                self.append_partition_change(&topic, partition, &change, ElectionReason::Preferred);
            }
        }
    }

    /// The periodic `electUnclean` task (`maybeTriggerUncleanLeaderElectionForLeaderlessPartitions`):
    /// leaderless partitions whose topic allows it get an UNCLEAN election.
    pub(super) fn unclean_elect_leaderless(&mut self) {
        for (topic, partition) in self.proc.partitions_with_no_leader().into_iter().take(MAX_ELECTIONS_PER_IMBALANCE) {
            if self.proc.unclean_allowed(&topic, self.env) {
                let _ = self.elect_leader(&TopicPartition::new(topic, partition), ElectionType::Unclean);
            }
        }
    }

    /// `AlterPartitionReassignments`: start (`changePartitionReassignment`) or cancel
    /// (`cancelPartitionReassignment`) moving partitions to new replicas. Replication factor
    /// changes are allowed (the tool's default).
    pub(super) fn alter_reassignments(&mut self, reply: ReplyTo, moves: Vec<(TopicPartition, Option<Vec<BrokerId>>)>) {
        let mut results = Vec::new();
        let mut last = None;
        for (tp, target) in moves {
            let Some(state) = self.proc.image.partition(&tp.topic, tp.partition).cloned() else {
                let message = if self.proc.image.topics.contains_key(&tp.topic) {
                    format!("Unable to find partition {}:{}.", tp.topic, tp.partition)
                } else {
                    format!("Unable to find a topic named {}.", tp.topic)
                };
                results.push((tp, Some(ApiError::with(KafkaError::UNKNOWN_TOPIC_OR_PARTITION, message))));
                continue;
            };
            let change = match target {
                None => {
                    if state.adding.is_empty() && state.removing.is_empty() {
                        results.push((tp, Some(ApiError::new(KafkaError::NO_REASSIGNMENT_IN_PROGRESS))));
                        continue;
                    }
                    // PartitionReassignmentRevert: the original replicas, the ISR without the
                    // adding replicas (or the first original replica, uncleanly).
                    let replicas: Vec<BrokerId> =
                        state.replicas.iter().copied().filter(|b| !state.adding.contains(b)).collect();
                    let mut isr: Vec<BrokerId> =
                        state.isr.iter().copied().filter(|b| !state.adding.contains(b)).collect();
                    let mut unclean = false;
                    if isr.is_empty() {
                        let Some(&first) = replicas.first() else {
                            let m = "Invalid replica assignment: addingReplicas contains all replicas.";
                            results.push((tp, Some(ApiError::with(KafkaError::INVALID_REPLICA_ASSIGNMENT, m))));
                            continue;
                        };
                        isr.push(first);
                        unclean = true;
                    }
                    let unclean_allowed = self.proc.unclean_allowed(&tp.topic, self.env);
                    if unclean && !unclean_allowed {
                        let m = format!(
                            "Unable to revert partition assignment for {}:{} because it would require an unclean leader election.",
                            tp.topic, tp.partition
                        );
                        results.push((tp, Some(ApiError::with(KafkaError::INVALID_REPLICA_ASSIGNMENT, m))));
                        continue;
                    }
                    let request = ChangeRequest {
                        election: if unclean_allowed { Election::Unclean } else { Election::Online },
                        isr: Some(isr),
                        replicas: Some(replicas),
                        removing: Some(vec![]),
                        adding: Some(vec![]),
                        ..ChangeRequest::default()
                    };
                    self.proc.build_change(&tp.topic, tp.partition, self.env, |b| self.proc.is_eligible(b), request)
                }
                Some(target) => {
                    if let Some(e) = self.proc.reassignment_target_error(&target) {
                        results.push((tp, Some(e)));
                        continue;
                    }
                    // PartitionReassignmentReplicas(current, target): sorted differences; the
                    // replica set is the target, then the replicas being removed.
                    let current = state.replicas.clone();
                    let removing: Vec<BrokerId> = {
                        let mut r: Vec<BrokerId> = current.iter().copied().filter(|b| !target.contains(b)).collect();
                        r.sort_unstable();
                        r
                    };
                    let adding: Vec<BrokerId> = {
                        let mut a: Vec<BrokerId> = target.iter().copied().filter(|b| !current.contains(b)).collect();
                        a.sort_unstable();
                        a
                    };
                    let mut replicas = target.clone();
                    replicas.extend(removing.iter().copied());
                    let request = ChangeRequest {
                        replicas: (replicas != current).then_some(replicas),
                        removing: (!removing.is_empty()).then_some(removing),
                        adding: (!adding.is_empty()).then_some(adding),
                        ..ChangeRequest::default()
                    };
                    self.proc.build_change(&tp.topic, tp.partition, self.env, |b| self.proc.is_eligible(b), request)
                }
            };
            if let Some(change) = change {
                if let Some(o) =
                    self.append_partition_change(&tp.topic, tp.partition, &change, ElectionReason::Reassignment)
                {
                    last = Some(o);
                }
            }
            results.push((tp, None));
        }
        let resp = Response::Controller(ControllerResponse::AlterReassignments(results));
        self.respond_after_last(last, reply, resp)
    }
}
