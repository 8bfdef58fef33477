//! Partition changes on the active controller (`PartitionChangeBuilder`,
//! `ReplicationControlManager`): leader elections, ISR changes asked for by leaders
//! (AlterPartition), preferred and unclean elections, and reassignments
//! (kafka-semantics.md §4.2, §4.6).

use super::*;
use crate::sim::config::TopicConfig;
use crate::sim::election::{elect_leader, Election};
use crate::sim::errors::{ApiError, KafkaError};
use crate::sim::protocol::ElectionType;
use crate::sim::trace::ElectionReason;
use crate::sim::types::{TopicPartition, NO_LEADER};

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

    /// Builds and appends the change of one partition towards `target_isr` with an election of
    /// kind `election`. Returns the record's offset, or None when nothing changes.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn change_partition(
        &mut self,
        topic: &str,
        partition: i32,
        target_isr: Vec<BrokerId>,
        election: Election,
        reason: ElectionReason,
        disk: &mut ControllerDisk,
        out: &mut Out,
    ) -> Option<Offset> {
        let t = self.image.topics.get(topic)?;
        let topic_id = t.id;
        let state = t.partitions.get(&partition)?.clone();
        let (leader, unclean) =
            elect_leader(&state.replicas, &target_isr, state.leader, |b| self.is_eligible(b), election);
        let isr = if unclean { vec![leader] } else { target_isr };
        let leader_changed = leader != state.leader;
        let isr_changed = isr != state.isr;
        if !leader_changed && !isr_changed {
            return None;
        }
        let off = self.append(
            disk,
            MetadataRecord::PartitionChange {
                topic_id,
                partition,
                leader: leader_changed.then_some(leader),
                isr: isr_changed.then(|| isr.clone()),
                replicas: None,
                adding: None,
                removing: None,
                leader_recovering: unclean.then_some(true),
                leader_epoch_bump: leader_changed,
            },
        );
        let tp = TopicPartition::new(topic, partition);
        let new_epoch = self.image.partition(topic, partition).map(|p| p.leader_epoch).unwrap_or(state.leader_epoch);
        if isr_changed && !unclean {
            let removed: Vec<BrokerId> = state.isr.iter().copied().filter(|b| !isr.contains(b)).collect();
            let added: Vec<BrokerId> = isr.iter().copied().filter(|b| !state.isr.contains(b)).collect();
            if !removed.is_empty() {
                self.trace_after(off, TraceKind::IsrShrunk { tp: tp.clone(), leader, removed, isr: isr.clone() }, out);
            }
            if !added.is_empty() {
                self.trace_after(off, TraceKind::IsrExpanded { tp: tp.clone(), leader, added, isr: isr.clone() }, out);
            }
        }
        if leader_changed {
            if leader == NO_LEADER {
                self.trace_after(off, TraceKind::PartitionOffline { tp, isr }, out);
            } else {
                let reason = if unclean { ElectionReason::Unclean } else { reason };
                self.trace_after(
                    off,
                    TraceKind::LeaderElected { tp, leader, previous: state.leader, epoch: new_epoch, isr, reason },
                    out,
                );
            }
        }
        Some(off)
    }

    /// AlterPartition from a partition leader: validate epochs and eligibility, then apply.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn handle_alter_partition(
        &mut self,
        _now: SimTime,
        from: NodeAddr,
        corr: u64,
        broker: BrokerId,
        broker_epoch: i64,
        tp: TopicPartition,
        leader_epoch: Epoch,
        partition_epoch: i32,
        new_isr: Vec<BrokerId>,
        disk: &mut ControllerDisk,
        _env: &Env,
        out: &mut Out,
    ) {
        let id = self.id;
        let reply =
            |error: Option<KafkaError>, st: Option<&crate::sim::metadata::PartitionState>| Response::AlterPartition {
                tp: tp.clone(),
                error,
                leader_epoch: st.map(|s| s.leader_epoch).unwrap_or(-1),
                partition_epoch: st.map(|s| s.partition_epoch).unwrap_or(-1),
                isr: st.map(|s| s.isr.clone()).unwrap_or_default(),
                leader: Some(id),
            };
        let Some(state) = self.image.partition(&tp.topic, tp.partition).cloned() else {
            out.respond(from, corr, reply(Some(KafkaError::UNKNOWN_TOPIC_OR_PARTITION), None));
            return;
        };
        // `ClusterControlManager.checkBrokerEpoch` (a top-level STALE_BROKER_EPOCH), then
        // `ReplicationControlManager.validateAlterPartitionData`, in its order.
        let stale_broker = self.image.brokers.get(&broker).map(|b| b.epoch != broker_epoch).unwrap_or(true);
        let mut distinct = new_isr.clone();
        distinct.sort_unstable();
        distinct.dedup();
        let error = if stale_broker {
            Some(KafkaError::STALE_BROKER_EPOCH)
        } else if leader_epoch > state.leader_epoch || partition_epoch > state.partition_epoch {
            // The leader saw a change this controller has not: it is behind.
            Some(KafkaError::NOT_CONTROLLER)
        } else if leader_epoch < state.leader_epoch {
            Some(KafkaError::FENCED_LEADER_EPOCH)
        } else if state.leader != broker {
            Some(KafkaError::INVALID_REQUEST)
        } else if partition_epoch < state.partition_epoch {
            Some(KafkaError::INVALID_UPDATE_VERSION)
        } else if distinct.len() != new_isr.len()
            || new_isr.iter().any(|b| !state.replicas.contains(b))
            || !new_isr.contains(&broker)
        {
            Some(KafkaError::INVALID_REQUEST)
        } else if new_isr.iter().any(|b| !self.is_eligible(*b)) {
            // `ineligibleReplicasForIsr`: every proposed member must be registered, unfenced
            // and not shutting down.
            Some(KafkaError::INELIGIBLE_REPLICA)
        } else {
            None
        };
        if let Some(e) = error {
            out.respond(from, corr, reply(Some(e), Some(&state)));
            return;
        }
        let mut new_isr = new_isr;
        // Keep the ISR in replica order, as Kafka's tools print it.
        new_isr.sort_by_key(|b| state.replicas.iter().position(|r| r == b).unwrap_or(usize::MAX));
        new_isr.dedup();
        let topic_id = self.image.topics[&tp.topic].id;
        let off = self.append(
            disk,
            MetadataRecord::PartitionChange {
                topic_id,
                partition: tp.partition,
                leader: None,
                isr: Some(new_isr.clone()),
                replicas: None,
                adding: None,
                removing: None,
                leader_recovering: state.leader_recovering.then_some(false),
                leader_epoch_bump: false,
            },
        );
        let removed: Vec<BrokerId> = state.isr.iter().copied().filter(|b| !new_isr.contains(b)).collect();
        let added: Vec<BrokerId> = new_isr.iter().copied().filter(|b| !state.isr.contains(b)).collect();
        if !removed.is_empty() {
            self.trace_after(
                off,
                TraceKind::IsrShrunk { tp: tp.clone(), leader: broker, removed, isr: new_isr.clone() },
                out,
            );
        }
        if !added.is_empty() {
            self.trace_after(
                off,
                TraceKind::IsrExpanded { tp: tp.clone(), leader: broker, added, isr: new_isr.clone() },
                out,
            );
        }
        let mut last = off;
        if let Some(o) = self.maybe_complete_reassignment(&tp.topic, tp.partition, disk, out) {
            last = o;
        }
        let st = self.image.partition(&tp.topic, tp.partition).cloned();
        let resp = reply(None, st.as_ref());
        self.respond_after(last, from, corr, resp, out);
    }

    /// `ElectLeaders` from `kafka-leader-election`.
    pub(super) fn elect_leaders(
        &mut self,
        from: NodeAddr,
        corr: u64,
        election: ElectionType,
        partitions: Option<Vec<TopicPartition>>,
        disk: &mut ControllerDisk,
        out: &mut Out,
    ) {
        let explicit = partitions.is_some();
        let list: Vec<TopicPartition> = match partitions {
            Some(l) => l,
            None => self
                .image
                .topics
                .values()
                .flat_map(|t| t.partitions.keys().map(move |p| TopicPartition::new(t.name.clone(), *p)))
                .collect(),
        };
        let mut results = Vec::new();
        let mut last: Option<Offset> = None;
        for tp in list {
            let Some(t) = self.image.topics.get(&tp.topic) else {
                results.push((
                    tp.clone(),
                    Some(ApiError::with(
                        KafkaError::UNKNOWN_TOPIC_OR_PARTITION,
                        format!("No such topic as {}", tp.topic),
                    )),
                ));
                continue;
            };
            let Some(state) = t.partitions.get(&tp.partition).cloned() else {
                results.push((
                    tp.clone(),
                    Some(ApiError::with(KafkaError::UNKNOWN_TOPIC_OR_PARTITION, format!("No such partition as {tp}"))),
                ));
                continue;
            };
            match election {
                ElectionType::Preferred => {
                    if state.leader == state.preferred() {
                        if explicit {
                            results.push((tp, Some(ApiError::new(KafkaError::ELECTION_NOT_NEEDED))));
                        }
                        continue;
                    }
                    let (leader, _) = elect_leader(
                        &state.replicas,
                        &state.isr,
                        state.leader,
                        |b| self.is_eligible(b),
                        Election::Preferred,
                    );
                    if leader != state.preferred() {
                        results.push((tp, Some(ApiError::new(KafkaError::PREFERRED_LEADER_NOT_AVAILABLE))));
                        continue;
                    }
                    if let Some(o) = self.change_partition(
                        &tp.topic,
                        tp.partition,
                        state.isr.clone(),
                        Election::Preferred,
                        ElectionReason::Preferred,
                        disk,
                        out,
                    ) {
                        last = Some(o);
                    }
                    results.push((tp, None));
                }
                ElectionType::Unclean => {
                    if state.leader != NO_LEADER {
                        if explicit {
                            results.push((tp, Some(ApiError::new(KafkaError::ELECTION_NOT_NEEDED))));
                        }
                        continue;
                    }
                    match self.change_partition(
                        &tp.topic,
                        tp.partition,
                        state.isr.clone(),
                        Election::Unclean,
                        ElectionReason::Unclean,
                        disk,
                        out,
                    ) {
                        Some(o)
                            if self
                                .image
                                .partition(&tp.topic, tp.partition)
                                .map(|p| p.leader != NO_LEADER)
                                .unwrap_or(false) =>
                        {
                            last = Some(o);
                            results.push((tp, None));
                        }
                        _ => results.push((tp, Some(ApiError::new(KafkaError::ELIGIBLE_LEADERS_NOT_AVAILABLE)))),
                    }
                }
            }
        }
        let resp = Response::Controller(ControllerResponse::ElectLeaders(Ok(results)));
        match last {
            Some(o) => self.respond_after(o, from, corr, resp, out),
            None => out.respond(from, corr, resp),
        }
    }

    /// `auto.leader.rebalance.enable`: brokers whose share of partitions led by someone other
    /// than their preferred replica exceeds `leader.imbalance.per.broker.percentage` get their
    /// preferred leaderships back (kafka-semantics.md §4.6).
    pub(super) fn rebalance_preferred_leaders(&mut self, disk: &mut ControllerDisk, out: &mut Out) {
        let pct = 10i64;
        let mut per_broker: BTreeMap<BrokerId, (i64, Vec<(String, i32)>)> = BTreeMap::new();
        for t in self.image.topics.values() {
            for (p, s) in &t.partitions {
                let pref = s.preferred();
                let e = per_broker.entry(pref).or_default();
                e.0 += 1;
                if s.leader != pref {
                    e.1.push((t.name.clone(), *p));
                }
            }
        }
        for (broker, (total, moved)) in per_broker {
            if total == 0 || (moved.len() as i64) * 100 <= pct * total || !self.is_eligible(broker) {
                continue;
            }
            for (topic, p) in moved {
                let Some(state) = self.image.partition(&topic, p).cloned() else { continue };
                if state.isr.contains(&broker) {
                    self.change_partition(
                        &topic,
                        p,
                        state.isr.clone(),
                        Election::Preferred,
                        ElectionReason::Preferred,
                        disk,
                        out,
                    );
                }
            }
        }
    }

    /// The periodic unclean election of leaderless partitions whose topic allows it.
    pub(super) fn unclean_elect_leaderless(&mut self, disk: &mut ControllerDisk, env: &Env, out: &mut Out) {
        let leaderless: Vec<(String, i32, Vec<BrokerId>)> = self
            .image
            .topics
            .values()
            .flat_map(|t| {
                t.partitions
                    .iter()
                    .filter(|(_, s)| s.leader == NO_LEADER)
                    .map(move |(p, s)| (t.name.clone(), *p, s.isr.clone()))
            })
            .collect();
        for (topic, p, isr) in leaderless {
            if self.unclean_allowed(&topic, env) {
                self.change_partition(&topic, p, isr, Election::Unclean, ElectionReason::Unclean, disk, out);
            }
        }
    }

    /// `AlterPartitionReassignments`: start (or cancel) moving partitions to new replicas.
    pub(super) fn alter_reassignments(
        &mut self,
        from: NodeAddr,
        corr: u64,
        moves: Vec<(TopicPartition, Option<Vec<BrokerId>>)>,
        disk: &mut ControllerDisk,
        out: &mut Out,
    ) {
        let mut results = Vec::new();
        let mut last = None;
        for (tp, target) in moves {
            let Some(t) = self.image.topics.get(&tp.topic) else {
                results.push((tp, Some(ApiError::new(KafkaError::UNKNOWN_TOPIC_OR_PARTITION))));
                continue;
            };
            let topic_id = t.id;
            let Some(state) = t.partitions.get(&tp.partition).cloned() else {
                results.push((tp, Some(ApiError::new(KafkaError::UNKNOWN_TOPIC_OR_PARTITION))));
                continue;
            };
            let record = match target {
                None => {
                    if state.adding.is_empty() && state.removing.is_empty() {
                        results.push((tp, Some(ApiError::new(KafkaError::NO_REASSIGNMENT_IN_PROGRESS))));
                        continue;
                    }
                    let original: Vec<BrokerId> =
                        state.replicas.iter().copied().filter(|b| !state.adding.contains(b)).collect();
                    let isr: Vec<BrokerId> = state.isr.iter().copied().filter(|b| original.contains(b)).collect();
                    MetadataRecord::PartitionChange {
                        topic_id,
                        partition: tp.partition,
                        leader: None,
                        isr: Some(if isr.is_empty() { state.isr.clone() } else { isr }),
                        replicas: Some(original),
                        adding: Some(vec![]),
                        removing: Some(vec![]),
                        leader_recovering: None,
                        leader_epoch_bump: true,
                    }
                }
                Some(target) => {
                    let mut seen = BTreeSet::new();
                    if target.is_empty() || !target.iter().all(|b| seen.insert(*b)) {
                        results.push((
                            tp,
                            Some(ApiError::with(
                                KafkaError::INVALID_REPLICA_ASSIGNMENT,
                                "Duplicate replica assignment",
                            )),
                        ));
                        continue;
                    }
                    if let Some(b) = target.iter().find(|b| !self.image.brokers.contains_key(b)) {
                        results.push((
                            tp,
                            Some(ApiError::with(
                                KafkaError::INVALID_REPLICA_ASSIGNMENT,
                                format!("Unknown broker id {b}"),
                            )),
                        ));
                        continue;
                    }
                    let current: Vec<BrokerId> =
                        state.replicas.iter().copied().filter(|b| !state.adding.contains(b)).collect();
                    let adding: Vec<BrokerId> = target.iter().copied().filter(|b| !current.contains(b)).collect();
                    let removing: Vec<BrokerId> = current.iter().copied().filter(|b| !target.contains(b)).collect();
                    let mut replicas = target.clone();
                    replicas.extend(removing.iter().copied());
                    MetadataRecord::PartitionChange {
                        topic_id,
                        partition: tp.partition,
                        leader: None,
                        isr: None,
                        replicas: Some(replicas),
                        adding: Some(adding),
                        removing: Some(removing),
                        leader_recovering: None,
                        leader_epoch_bump: false,
                    }
                }
            };
            let off = self.append(disk, record);
            last = Some(off);
            if let Some(o) = self.maybe_complete_reassignment(&tp.topic, tp.partition, disk, out) {
                last = Some(o);
            }
            results.push((tp, None));
        }
        let resp = Response::Controller(ControllerResponse::AlterReassignments(results));
        match last {
            Some(o) => self.respond_after(o, from, corr, resp, out),
            None => out.respond(from, corr, resp),
        }
    }

    /// Finishes a reassignment once every target replica is in the ISR: the replica set
    /// becomes the target, removed replicas leave, and the leader moves if it was removed.
    pub(super) fn maybe_complete_reassignment(
        &mut self,
        topic: &str,
        partition: i32,
        disk: &mut ControllerDisk,
        out: &mut Out,
    ) -> Option<Offset> {
        let t = self.image.topics.get(topic)?;
        let topic_id = t.id;
        let state = t.partitions.get(&partition)?.clone();
        if state.adding.is_empty() && state.removing.is_empty() {
            return None;
        }
        let target: Vec<BrokerId> = state.replicas.iter().copied().filter(|b| !state.removing.contains(b)).collect();
        if !target.iter().all(|b| state.isr.contains(b)) {
            return None;
        }
        let isr: Vec<BrokerId> = target.iter().copied().filter(|b| state.isr.contains(b)).collect();
        let leader = if target.contains(&state.leader) {
            state.leader
        } else {
            target.iter().copied().find(|b| isr.contains(b) && self.is_eligible(*b)).unwrap_or(NO_LEADER)
        };
        let bump = !state.removing.is_empty() || leader != state.leader;
        let off = self.append(
            disk,
            MetadataRecord::PartitionChange {
                topic_id,
                partition,
                leader: (leader != state.leader).then_some(leader),
                isr: Some(isr.clone()),
                replicas: Some(target),
                adding: Some(vec![]),
                removing: Some(vec![]),
                leader_recovering: None,
                leader_epoch_bump: bump,
            },
        );
        if leader != state.leader {
            let epoch = self.image.partition(topic, partition).map(|p| p.leader_epoch).unwrap_or(0);
            self.trace_after(
                off,
                TraceKind::LeaderElected {
                    tp: TopicPartition::new(topic, partition),
                    leader,
                    previous: state.leader,
                    epoch,
                    isr,
                    reason: ElectionReason::Reassignment,
                },
                out,
            );
        }
        Some(off)
    }
}
