//! Partition replicas on a broker: becoming leader or follower from metadata, the leader's
//! view of its followers, ISR shrink and expand through AlterPartition, and the high-watermark
//! rule.

use super::*;
use crate::sim::broker::timer::BrokerTimer;

/// The leader's record of one follower (`Replica.scala` state).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct FollowerState {
    /// -1 while unknown (a new leader resets it).
    pub(crate) log_end_offset: Offset,
    pub(crate) log_start_offset: Offset,
    pub(crate) last_caught_up_ms: i64,
    pub(crate) last_fetch_leader_leo: Offset,
    pub(crate) last_fetch_ms: i64,
}

impl FollowerState {
    fn unknown() -> FollowerState {
        FollowerState {
            log_end_offset: -1,
            log_start_offset: -1,
            last_caught_up_ms: 0,
            last_fetch_leader_leo: -1,
            last_fetch_ms: 0,
        }
    }

    /// `isCaughtUp(leaderLEO, now, maxLag)` (`Partition`).
    pub(crate) fn is_caught_up(&self, leader_leo: Offset, now_ms: i64, max_lag_ms: i64) -> bool {
        self.log_end_offset == leader_leo || now_ms - self.last_caught_up_ms <= max_lag_ms
    }

    /// `updateFetchState` for a follower fetch at `fetch_offset` (`Partition`).
    pub(crate) fn update_fetch_state(
        &mut self,
        fetch_offset: Offset,
        log_start: Offset,
        leader_leo: Offset,
        now_ms: i64,
    ) {
        if fetch_offset >= leader_leo {
            self.last_caught_up_ms = self.last_caught_up_ms.max(now_ms);
        } else if fetch_offset >= self.last_fetch_leader_leo {
            self.last_caught_up_ms = self.last_caught_up_ms.max(self.last_fetch_ms);
        }
        self.log_end_offset = fetch_offset;
        self.log_start_offset = log_start;
        self.last_fetch_leader_leo = leader_leo;
        self.last_fetch_ms = now_ms;
    }

    /// `resetReplicaState` on a leader change (`Partition`).
    pub(crate) fn reset(&mut self, leader_leo: Offset, now_ms: i64, new_leader: bool, in_sync: bool) {
        if new_leader {
            self.log_end_offset = -1;
            self.log_start_offset = -1;
            self.last_fetch_leader_leo = -1;
            self.last_fetch_ms = 0;
        } else {
            self.last_fetch_leader_leo = leader_leo;
            self.last_fetch_ms = if in_sync { now_ms } else { 0 };
        }
        self.last_caught_up_ms = if in_sync { now_ms } else { 0 };
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) enum Role {
    Leader {
        followers: BTreeMap<BrokerId, FollowerState>,
    },
    /// A follower of `leader`, which is -1 (`NO_LEADER`) while the partition has none.
    Follower {
        leader: BrokerId,
    },
}

/// An AlterPartition sent to the controller and not answered yet (`AlterPartitionItem`): the
/// proposal it carries, so a late answer to an older proposal is recognised.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct AlterPartitionItem {
    pub(crate) tp: TopicPartition,
    pub(crate) isr: Vec<BrokerId>,
    pub(crate) leader_epoch: Epoch,
    pub(crate) partition_epoch: i32,
    /// The controller it was sent to.
    pub(crate) to: NodeAddr,
}

/// A partition this broker hosts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct ReplicaState {
    pub(crate) role: Role,
    pub leader_epoch: Epoch,
    pub partition_epoch: i32,
    pub replicas: Vec<BrokerId>,
    /// The committed ISR.
    pub isr: Vec<BrokerId>,
    /// An ISR change sent to the controller and not answered yet.
    pub(crate) pending_isr: Option<Vec<BrokerId>>,
}

impl ReplicaState {
    pub(crate) fn is_leader(&self) -> bool {
        matches!(self.role, Role::Leader { .. })
    }
    /// The "maximal ISR": the committed ISR plus replicas a pending expansion adds (a pending
    /// shrink does not remove anyone until it is committed).
    pub(crate) fn maximal_isr(&self) -> Vec<BrokerId> {
        let mut m = self.isr.clone();
        if let Some(p) = &self.pending_isr {
            for b in p {
                if !m.contains(b) {
                    m.push(*b);
                }
            }
        }
        m
    }
}

impl BrokerProc {
    /// The effective min ISR of a partition: `min(min.insync.replicas, replication factor)`.
    pub(crate) fn effective_min_isr(&self, tp: &TopicPartition, r: &ReplicaState) -> usize {
        let cfg = self.config(&tp.topic).min_insync_replicas.max(1) as usize;
        cfg.min(r.replicas.len().max(1))
    }
}

impl BrokerStep<'_> {
    /// Brings this broker's replica of `tp` in line with the metadata image: become leader,
    /// follower, or drop the replica.
    pub(crate) fn apply_partition(&mut self, tp: &TopicPartition) {
        let Some(state) = self.proc.image.partition(&tp.topic, tp.partition).cloned() else {
            self.remove_replica(tp, true);
            return;
        };
        if !state.replicas.contains(&self.proc.id) {
            if self.proc.replicas.contains_key(tp) || self.disk.logs.contains_key(tp) {
                self.remove_replica(tp, true);
            }
            return;
        }
        let now_ms = self.env.wall_ms(self.now);
        if !self.disk.logs.contains_key(tp) {
            self.disk.logs.insert(tp.clone(), Log::new(tp.clone(), now_ms));
        }
        let me = self.proc.id;
        let prev = self.proc.replicas.get(tp).cloned();
        let epoch_changed = prev.as_ref().map(|p| p.leader_epoch != state.leader_epoch).unwrap_or(true);
        if state.leader == me {
            let log = self.disk.logs.get_mut(tp).expect("log exists");
            let was_leader = prev.as_ref().map(|p| p.is_leader()).unwrap_or(false);
            if !was_leader || epoch_changed {
                // Become leader (`makeLeader`): stamp the new epoch at our LEO, reset followers.
                let leo = log.log_end_offset;
                if log.epochs.latest_epoch().map(|e| state.leader_epoch > e).unwrap_or(true) {
                    let _ = log.epochs.assign(state.leader_epoch, leo);
                }
                let mut followers = BTreeMap::new();
                let old_followers = match prev.as_ref().map(|p| &p.role) {
                    Some(Role::Leader { followers }) => followers.clone(),
                    _ => BTreeMap::new(),
                };
                for r in &state.replicas {
                    if *r == me {
                        continue;
                    }
                    let mut f = old_followers.get(r).cloned().unwrap_or_else(FollowerState::unknown);
                    f.reset(leo, now_ms, !was_leader, state.isr.contains(r));
                    followers.insert(*r, f);
                }
                self.proc.replicas.insert(
                    tp.clone(),
                    ReplicaState {
                        role: Role::Leader { followers },
                        leader_epoch: state.leader_epoch,
                        partition_epoch: state.partition_epoch,
                        replicas: state.replicas.clone(),
                        isr: state.isr.clone(),
                        pending_isr: None,
                    },
                );
                self.proc.stop_fetching(tp);
                self.fail_delayed_produce_for(tp, KafkaError::NOT_LEADER_OR_FOLLOWER);
                self.out.trace(TraceKind::BecameLeader {
                    tp: tp.clone(),
                    broker: me,
                    epoch: state.leader_epoch,
                    log_end_offset: leo,
                });
                self.on_leadership_coordinator(tp, true);
            } else if let Some(r) = self.proc.replicas.get_mut(tp) {
                // Same leader and epoch: take the committed ISR and replica set.
                r.partition_epoch = state.partition_epoch;
                r.isr = state.isr.clone();
                r.pending_isr = None;
                if let Role::Leader { followers } = &mut r.role {
                    for b in &state.replicas {
                        if *b != me && !followers.contains_key(b) {
                            followers.insert(*b, FollowerState::unknown());
                        }
                    }
                    followers.retain(|b, _| state.replicas.contains(b));
                }
                r.replicas = state.replicas.clone();
            }
            self.maybe_increment_hw(tp);
            self.try_complete_delayed_produce(tp);
        } else {
            let was_follower_of = match prev.as_ref().map(|p| &p.role) {
                Some(Role::Follower { leader }) => Some(*leader),
                _ => None,
            };
            // A partition without a leader still makes this replica a follower, of leader -1
            // (`ReplicaManager.applyLocalFollowersDelta` → `Partition.makeFollower`); it only
            // has nothing to fetch from.
            let role = Role::Follower { leader: state.leader };
            let was_leader = prev.as_ref().map(|p| p.is_leader()).unwrap_or(false);
            self.proc.replicas.insert(
                tp.clone(),
                ReplicaState {
                    role,
                    leader_epoch: state.leader_epoch,
                    partition_epoch: state.partition_epoch,
                    replicas: state.replicas.clone(),
                    isr: state.isr.clone(),
                    pending_isr: None,
                },
            );
            if was_leader {
                self.fail_delayed_produce_for(tp, KafkaError::NOT_LEADER_OR_FOLLOWER);
                self.on_leadership_coordinator(tp, false);
            }
            // A broker in controlled shutdown does not fetch for a partition it is no longer in
            // the ISR of, nor for one without a leader (`ReplicaManager.applyLocalFollowersDelta`):
            // its new leader never hears from it, so knows no log end offset for it.
            let stop_only =
                self.proc.state == super::BrokerState::ShuttingDown && (state.leader < 0 || !state.isr.contains(&me));
            if stop_only {
                self.proc.stop_fetching(tp);
            } else if epoch_changed || was_follower_of != Some(state.leader) {
                self.proc.stop_fetching(tp);
                if state.leader >= 0 {
                    self.out.trace(TraceKind::BecameFollower {
                        tp: tp.clone(),
                        broker: me,
                        leader: state.leader,
                        epoch: state.leader_epoch,
                    });
                    self.start_fetching(tp, state.leader);
                }
            }
        }
    }

    /// Deletes a replica this broker no longer hosts (a deleted topic or a reassignment).
    pub(crate) fn remove_replica(&mut self, tp: &TopicPartition, delete_log: bool) {
        let hosted = self.proc.replicas.remove(tp).is_some();
        self.proc.stop_fetching(tp);
        self.fail_delayed_produce_for(tp, KafkaError::NOT_LEADER_OR_FOLLOWER);
        if delete_log && self.disk.logs.remove(tp).is_some() || hosted {
            self.disk.hw_checkpoint.remove(tp);
            self.out.trace(TraceKind::ReplicaDeleted { tp: tp.clone(), broker: self.proc.id });
        }
    }

    /// `maybeIncrementLeaderHW` (`Partition.maybeIncrementLeaderHW`): the smallest LEO among the maximal ISR and any caught-up
    /// eligible replica, and only while the ISR is at least the effective min ISR. Whether the
    /// HW moved.
    pub(crate) fn maybe_increment_hw(&mut self, tp: &TopicPartition) -> bool {
        if !self.advance_hw(tp) {
            return false;
        }
        self.on_hw_advanced_coordinator(tp);
        true
    }

    /// [`BrokerStep::maybe_increment_hw`] but for the coordinators' reaction to a moved HW: what
    /// a coordinator's own write needs of the broker (the step reacts itself).
    pub(crate) fn advance_hw(&mut self, tp: &TopicPartition) -> bool {
        let Some(r) = self.proc.replicas.get(tp) else { return false };
        let Role::Leader { followers } = &r.role else { return false };
        let Some(log) = self.disk.logs.get(tp) else { return false };
        if r.isr.len() < self.proc.effective_min_isr(tp, r) {
            return false;
        }
        let leo = log.log_end_offset;
        let now_ms = self.env.wall_ms(self.now);
        let max_lag = self.env.settings.replica_lag_time_max_ms;
        let maximal = r.maximal_isr();
        let mut hw = leo;
        for (b, f) in followers {
            let alive = self.proc.image.is_unfenced(*b);
            if maximal.contains(b) || (alive && f.is_caught_up(leo, now_ms, max_lag)) {
                hw = hw.min(f.log_end_offset.max(0));
            }
        }
        let log = self.disk.logs.get_mut(tp).expect("log");
        if hw > log.high_watermark {
            log.update_high_watermark(hw);
            self.out.touch(tp);
            self.out.trace(TraceKind::HighWatermark { tp: tp.clone(), broker: self.proc.id, hw });
            self.on_high_watermark_advanced(tp);
            return true;
        }
        false
    }

    /// After a follower fetch: may the follower join the ISR? (`Partition` expand rule).
    pub(crate) fn maybe_expand_isr(&mut self, tp: &TopicPartition, follower: BrokerId) {
        let Some(r) = self.proc.replicas.get(tp) else { return };
        if r.pending_isr.is_some() || r.isr.contains(&follower) {
            return;
        }
        let Role::Leader { followers } = &r.role else { return };
        let Some(f) = followers.get(&follower) else { return };
        let Some(log) = self.disk.logs.get(tp) else { return };
        let epoch_start =
            log.epochs.entries().iter().find(|e| e.epoch == r.leader_epoch).map(|e| e.start_offset).unwrap_or(0);
        let eligible =
            self.proc.image.brokers.get(&follower).map(|b| !b.fenced && !b.in_controlled_shutdown).unwrap_or(false);
        if eligible && f.log_end_offset >= log.high_watermark && f.log_end_offset >= epoch_start {
            let mut isr = r.isr.clone();
            isr.push(follower);
            self.propose_isr(tp, isr);
        }
    }

    /// The periodic `isr-expiration` check (every `replica.lag.time.max.ms / 2`).
    pub(crate) fn maybe_shrink_isr(&mut self) {
        let now_ms = self.env.wall_ms(self.now);
        let max_lag = self.env.settings.replica_lag_time_max_ms;
        let mut proposals = Vec::new();
        for (tp, r) in &self.proc.replicas {
            let Role::Leader { followers } = &r.role else { continue };
            if r.pending_isr.is_some() {
                continue;
            }
            let Some(log) = self.disk.logs.get(tp) else { continue };
            let leo = log.log_end_offset;
            let out_of_sync: Vec<BrokerId> = r
                .isr
                .iter()
                .copied()
                .filter(|b| {
                    *b != self.proc.id
                        && followers.get(b).map(|f| !f.is_caught_up(leo, now_ms, max_lag)).unwrap_or(true)
                })
                .collect();
            if !out_of_sync.is_empty() {
                let isr: Vec<BrokerId> = r.isr.iter().copied().filter(|b| !out_of_sync.contains(b)).collect();
                proposals.push((tp.clone(), isr));
            }
        }
        for (tp, isr) in proposals {
            self.propose_isr(&tp, isr);
        }
    }

    /// Proposes a new ISR (`prepareIsrExpand` / `prepareIsrShrink`): the partition state
    /// becomes pending until the controller answers or new metadata arrives, and the change is
    /// submitted to the AlterPartition channel.
    fn propose_isr(&mut self, tp: &TopicPartition, isr: Vec<BrokerId>) {
        let Some(r) = self.proc.replicas.get_mut(tp) else { return };
        // The order Kafka's Partition sends (a Scala mutable HashSet); the controller keeps it.
        let isr = crate::sim::java::scala_isr_order(&isr, isr.len() > r.isr.len());
        r.pending_isr = Some(isr);
        self.send_alter_partition(tp);
    }

    /// Sends the pending ISR change of `tp` to the controller, unless a request for it is
    /// already in flight (`DefaultAlterPartitionManager` keeps one item per partition).
    pub(crate) fn send_alter_partition(&mut self, tp: &TopicPartition) {
        if self.proc.alter_partition_inflight.values().any(|item| &item.tp == tp) {
            return;
        }
        let Some(r) = self.proc.replicas.get(tp) else { return };
        let Some(isr) = r.pending_isr.clone() else { return };
        if !r.is_leader() {
            return;
        }
        let item = AlterPartitionItem {
            tp: tp.clone(),
            isr: isr.clone(),
            leader_epoch: r.leader_epoch,
            partition_epoch: r.partition_epoch,
            to: self.proc.controller.target(self.env),
        };
        let corr = self.proc.corr.next_id();
        self.out.request(
            item.to,
            corr,
            Request::AlterPartition {
                broker: self.proc.id,
                broker_epoch: self.proc.broker_epoch,
                tp: tp.clone(),
                leader_epoch: item.leader_epoch,
                partition_epoch: item.partition_epoch,
                new_isr: isr,
            },
        );
        self.proc.alter_partition_inflight.insert(corr, item);
        self.out.timer(self.now.plus_ms(5000), BrokerTimer::ControllerRequestTimeout(corr));
    }

    /// Sends again every pending ISR change that has no request in flight: the AlterPartition
    /// channel retries until the controller answers (`NodeToControllerRequestThread` requeues
    /// a request on a disconnect, a timeout or NOT_CONTROLLER, with no overall deadline).
    pub(crate) fn resend_pending_isr_changes(&mut self) {
        let pending: Vec<TopicPartition> = self
            .proc
            .replicas
            .iter()
            .filter(|(_, r)| r.is_leader() && r.pending_isr.is_some())
            .map(|(tp, _)| tp.clone())
            .collect();
        for tp in pending {
            self.send_alter_partition(&tp);
        }
    }

    /// The controller's answer to one AlterPartition (`Partition.submitAlterPartition`'s
    /// completion): only the proposal still pending is affected.
    pub(crate) fn on_alter_partition_response(
        &mut self,
        item: AlterPartitionItem,
        error: Option<KafkaError>,
        leader_epoch: Epoch,
        partition_epoch: i32,
        isr: Vec<BrokerId>,
    ) {
        let tp = &item.tp;
        match error {
            // Not answered by the active controller, or answered for an old registration of
            // this broker: the channel (or `DefaultAlterPartitionManager`) sends it again.
            Some(KafkaError::NOT_CONTROLLER) | Some(KafkaError::STALE_BROKER_EPOCH) => {
                self.schedule_controller_retry(50);
                return;
            }
            _ => {}
        }
        let Some(r) = self.proc.replicas.get_mut(tp) else { return };
        let same_proposal = r.is_leader()
            && r.pending_isr.as_ref() == Some(&item.isr)
            && r.leader_epoch == item.leader_epoch
            && r.partition_epoch == item.partition_epoch;
        if !same_proposal {
            // "Ignoring failed ISR update … since we have already updated state".
            return;
        }
        match error {
            None => {
                if leader_epoch != r.leader_epoch || partition_epoch < r.partition_epoch {
                    // Stale for us: stay pending until the metadata catches up.
                    return;
                }
                r.isr = isr;
                r.partition_epoch = partition_epoch;
                r.pending_isr = None;
                self.maybe_increment_hw(tp);
                self.try_complete_delayed_produce(tp);
            }
            // `handleAlterPartitionError`: the controller rejected the change; back to the
            // last committed state.
            Some(KafkaError::INELIGIBLE_REPLICA) => r.pending_isr = None,
            // The partition changed under us (or is gone): the state stays pending until the
            // new metadata resets it (`makeLeader` commits the controller's ISR).
            Some(KafkaError::UNKNOWN_TOPIC_OR_PARTITION)
            | Some(KafkaError::UNKNOWN_TOPIC_ID)
            | Some(KafkaError::FENCED_LEADER_EPOCH)
            | Some(KafkaError::INVALID_UPDATE_VERSION)
            | Some(KafkaError::INVALID_REQUEST) => {}
            // Anything else: "Retrying".
            Some(_) => self.send_alter_partition(tp),
        }
    }

    /// Called when a leader's HW moves: parked consumer fetches and acks=all produces may
    /// complete (then, in [`BrokerStep::maybe_increment_hw`], the coordinators' writes).
    fn on_high_watermark_advanced(&mut self, tp: &TopicPartition) {
        self.try_complete_delayed_produce(tp);
        self.try_complete_delayed_fetches();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // ReplicaTest: testUpdateFetchState.
    #[test]
    fn update_fetch_state_follows_replica_test() {
        let mut f = FollowerState::unknown();
        f.last_caught_up_ms = 0;
        f.last_fetch_leader_leo = 0;
        f.last_fetch_ms = 0;
        let (t1, t2, t3) = (100, 200, 300);
        f.update_fetch_state(5, 1, 10, t1);
        assert_eq!(
            (f.log_start_offset, f.log_end_offset, f.last_caught_up_ms, f.last_fetch_leader_leo, f.last_fetch_ms),
            (1, 5, 0, 10, t1)
        );
        f.update_fetch_state(10, 2, 15, t2);
        assert_eq!(
            (f.log_start_offset, f.log_end_offset, f.last_caught_up_ms, f.last_fetch_leader_leo, f.last_fetch_ms),
            (2, 10, t1, 15, t2)
        );
        f.update_fetch_state(15, 3, 15, t3);
        assert_eq!(
            (f.log_start_offset, f.log_end_offset, f.last_caught_up_ms, f.last_fetch_leader_leo, f.last_fetch_ms),
            (3, 15, t3, 15, t3)
        );
    }

    // `Partition` testIsCaughtUpWhenReplicaIsCaughtUpToLogEnd / …NotCaughtUpToLogEnd.
    #[test]
    fn is_caught_up_follows_replica_test() {
        let lag = 30_000;
        let mut f = FollowerState {
            log_end_offset: -1,
            log_start_offset: -1,
            last_caught_up_ms: 0,
            last_fetch_leader_leo: 0,
            last_fetch_ms: 0,
        };
        let t = 1_000_000;
        assert!(!f.is_caught_up(10, t, lag));
        f.update_fetch_state(10, 1, 10, t);
        assert!(f.is_caught_up(10, t, lag));
        assert!(f.is_caught_up(10, t + 30_001, lag), "LEO equals the leader LEO");

        let mut g = FollowerState {
            log_end_offset: -1,
            log_start_offset: -1,
            last_caught_up_ms: 0,
            last_fetch_leader_leo: 0,
            last_fetch_ms: 0,
        };
        g.update_fetch_state(5, 1, 10, t);
        assert!(!g.is_caught_up(10, t, lag));
        g.update_fetch_state(10, 1, 15, t);
        assert!(g.is_caught_up(16, t, lag));
        assert!(!g.is_caught_up(16, t + 30_001, lag));
    }

    // `Partition` testResetReplicaState… (four cases).
    #[test]
    fn reset_follows_replica_test() {
        let t = 5000;
        let base = || {
            let mut f = FollowerState {
                log_end_offset: -1,
                log_start_offset: -1,
                last_caught_up_ms: 0,
                last_fetch_leader_leo: 0,
                last_fetch_ms: 0,
            };
            f.update_fetch_state(10, 1, 10, 1000);
            f
        };
        let mut a = base();
        a.reset(11, t, false, true);
        assert_eq!((a.log_end_offset, a.last_caught_up_ms, a.last_fetch_leader_leo, a.last_fetch_ms), (10, t, 11, t));
        let mut b = base();
        b.reset(11, t, false, false);
        assert_eq!((b.log_end_offset, b.last_caught_up_ms, b.last_fetch_leader_leo, b.last_fetch_ms), (10, 0, 11, 0));
        let mut c = base();
        c.reset(11, t, true, true);
        assert_eq!(
            (c.log_start_offset, c.log_end_offset, c.last_caught_up_ms, c.last_fetch_leader_leo, c.last_fetch_ms),
            (-1, -1, t, -1, 0)
        );
        let mut d = base();
        d.reset(11, t, true, false);
        assert_eq!(
            (d.log_start_offset, d.log_end_offset, d.last_caught_up_ms, d.last_fetch_leader_leo, d.last_fetch_ms),
            (-1, -1, 0, -1, 0)
        );
    }
}
