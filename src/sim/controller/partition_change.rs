//! Every change to a partition's leader, ISR, ELR or replicas: a pure mirror of Kafka 4.4's
//! `org.apache.kafka.controller.PartitionChangeBuilder` (and `PartitionReassignmentReplicas`,
//! which completes reassignments), with `PartitionRegistration.merge` as [`merge`].
//!
//! The controller builds one [`PartitionChangeBuilder`] per partition it touches — broker
//! fencing, controlled shutdown, re-registration after an unclean shutdown, unfencing,
//! AlterPartition, `kafka-leader-election`, the periodic preferred and unclean elections,
//! reassignments — exactly where `ReplicationControlManager` does, and appends the
//! [`PartitionChange`] it returns (nothing when it returns `None`).
//!
//! Eligible leader replicas (KIP-966) are on, as on a fresh Kafka 4.4 cluster
//! (`EligibleLeaderReplicasVersion.ELRV_1`, the latest production level): when the ISR drops
//! below `min.insync.replicas`, the replicas that leave it become the ELR — replicas that have
//! every committed record, since the high watermark stops advancing under min ISR — and one of
//! them may be elected cleanly if the ISR empties. The metadata version is 4.4-IV2, so an ISR
//! shrink alone does not bump the leader epoch
//! (`MetadataVersion.isLeaderEpochBumpRequiredOnIsrShrink` is false from 3.6-IV0, KAFKA-15021).
//!
//! Where Kafka collects a list from a `java.util.HashSet` (the ELR and last known ELR in
//! `maybePopulateTargetElr`), the order is Java's ([`java_int_set_order`]). Checked against
//! Kafka's own builder by `tests/conformance_vectors.rs` (`partition-change`).

use crate::sim::codec::Codec;
use crate::sim::java::{java_capacity_for_copy, java_int_set_order};
use crate::sim::metadata::{MetadataRecord, PartitionState};
use crate::sim::types::{BrokerId, PartitionId, TopicId, NO_LEADER};
use serde::{Deserialize, Serialize};

/// Whether eligible leader replicas are on: `eligible.leader.replicas.version` is 1
/// (`EligibleLeaderReplicasVersion.ELRV_1`, `LATEST_PRODUCTION` in Kafka 4.4) on a freshly
/// formatted cluster, and Brokerlab's clusters are always fresh 4.4 clusters.
pub(crate) const ELR_ENABLED: bool = true;

/// Mirrors `PartitionChangeBuilder.Election`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub enum Election {
    /// Keep a valid current leader, else the first valid replica (the default).
    Online,
    /// The preferred (first) replica if valid, else the current leader, else the first valid one.
    Preferred,
    /// Like `Online`, then any acceptable replica even outside the ISR (`unclean = true`).
    Unclean,
}

/// A `PartitionChangeRecord`: `None` leaves a field as it is (Kafka's `-2` leader, `-1`
/// leader recovery state, null lists). Setting the leader — even to the current one — bumps
/// the leader epoch.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct PartitionChange {
    pub leader: Option<BrokerId>,
    pub isr: Option<Vec<BrokerId>>,
    pub elr: Option<Vec<BrokerId>>,
    pub last_known_elr: Option<Vec<BrokerId>>,
    pub replicas: Option<Vec<BrokerId>>,
    pub removing: Option<Vec<BrokerId>>,
    pub adding: Option<Vec<BrokerId>>,
    /// `Some(true)`: `RECOVERING` (after an unclean election); `Some(false)`: `RECOVERED`.
    pub leader_recovering: Option<bool>,
}

impl PartitionChange {
    /// `PartitionChangeBuilder.changeRecordIsNoOp`.
    pub(crate) fn is_no_op(&self) -> bool {
        self.leader.is_none()
            && self.isr.is_none()
            && self.elr.is_none()
            && self.last_known_elr.is_none()
            && self.replicas.is_none()
            && self.removing.is_none()
            && self.adding.is_none()
            && self.leader_recovering.is_none()
    }

    /// The metadata record of this change.
    pub(crate) fn to_record(&self, topic_id: TopicId, partition: PartitionId) -> MetadataRecord {
        MetadataRecord::PartitionChange {
            topic_id,
            partition,
            leader: self.leader,
            isr: self.isr.clone(),
            replicas: self.replicas.clone(),
            adding: self.adding.clone(),
            removing: self.removing.clone(),
            leader_recovering: self.leader_recovering,
            leader_epoch_bump: self.leader.is_some(),
            elr: self.elr.clone(),
            last_known_elr: self.last_known_elr.clone(),
        }
    }
}

/// `PartitionRegistration.merge(record)`: the partition after the change. The partition epoch
/// always advances; the leader epoch advances when the record sets a leader.
pub fn merge(p: &PartitionState, change: &PartitionChange) -> PartitionState {
    let mut next = p.clone();
    if let Some(r) = &change.replicas {
        next.replicas = r.clone();
    }
    if let Some(i) = &change.isr {
        next.isr = i.clone();
    }
    if let Some(r) = &change.removing {
        next.removing = r.clone();
    }
    if let Some(a) = &change.adding {
        next.adding = a.clone();
    }
    if let Some(l) = change.leader {
        next.leader = l;
        next.leader_epoch += 1;
    }
    if let Some(r) = change.leader_recovering {
        next.leader_recovering = r;
    }
    if let Some(e) = &change.elr {
        next.elr = e.clone();
    }
    if let Some(e) = &change.last_known_elr {
        next.last_known_elr = e.clone();
    }
    next.partition_epoch += 1;
    next
}

/// `Replicas.contains(List<Integer> a, int[] b)`: whether every element of `b` is in `a`
/// (a merge of both sorted lists, so a repeated element needs as many copies in `a`).
pub(crate) fn replicas_contain_all(a: &[BrokerId], b: &[BrokerId]) -> bool {
    let mut a_sorted = a.to_vec();
    a_sorted.sort_unstable();
    let mut b_sorted = b.to_vec();
    b_sorted.sort_unstable();
    let mut i = 0;
    'outer: for replica in b_sorted {
        loop {
            if i >= a_sorted.len() {
                return false;
            }
            let other = a_sorted[i];
            i += 1;
            if other == replica {
                continue 'outer;
            }
            if other > replica {
                return false;
            }
        }
    }
    true
}

fn without(list: &[BrokerId], remove: &[BrokerId]) -> Vec<BrokerId> {
    list.iter().copied().filter(|r| !remove.contains(r)).collect()
}

/// Mirrors `PartitionReassignmentReplicas.maybeCompleteReassignment(targetIsr)`: once every
/// adding replica is in the ISR (and, when the replica set shrinks, every remaining replica), the
/// removing replicas leave the replica set and the ISR. Returns (replicas, isr).
pub(crate) fn maybe_complete_reassignment(
    removing: &[BrokerId],
    adding: &[BrokerId],
    replicas: &[BrokerId],
    target_isr: &[BrokerId],
) -> Option<(Vec<BrokerId>, Vec<BrokerId>)> {
    if removing.is_empty() && adding.is_empty() {
        return None;
    }
    let mut new_isr = target_isr.to_vec();
    let mut new_replicas = replicas.to_vec();
    if !removing.is_empty() {
        new_isr = without(target_isr, removing);
        if new_isr.is_empty() {
            return None;
        }
        new_replicas = without(replicas, removing);
        if new_replicas.is_empty() {
            return None;
        }
    }
    if !adding.iter().all(|a| new_isr.contains(a)) {
        return None;
    }
    if adding.len() < removing.len() && !new_replicas.iter().all(|r| new_isr.contains(r)) {
        return None;
    }
    Some((new_replicas, new_isr))
}

/// Mirrors `PartitionChangeBuilder`: start from the partition, set targets, then [`build`].
///
/// [`build`]: PartitionChangeBuilder::build
pub struct PartitionChangeBuilder<'a, F: Fn(BrokerId) -> bool> {
    partition: &'a PartitionState,
    is_acceptable_leader: F,
    min_isr: i32,
    elr_enabled: bool,
    target_isr: Vec<BrokerId>,
    target_replicas: Vec<BrokerId>,
    target_removing: Vec<BrokerId>,
    target_adding: Vec<BrokerId>,
    target_elr: Vec<BrokerId>,
    target_last_known_elr: Vec<BrokerId>,
    unclean_shutdown_replicas: Option<Vec<BrokerId>>,
    election: Election,
    target_leader_recovering: bool,
    use_last_known_leader: bool,
}

impl<'a, F: Fn(BrokerId) -> bool> PartitionChangeBuilder<'a, F> {
    /// `new PartitionChangeBuilder(partition, topicId, partitionId, isAcceptableLeader,
    /// metadataVersion, minISR, eligibleLeaderReplicasEnabled)`: every target starts as the
    /// partition has it; the election is ONLINE.
    pub fn new(partition: &'a PartitionState, is_acceptable_leader: F, min_isr: i32, elr_enabled: bool) -> Self {
        PartitionChangeBuilder {
            partition,
            is_acceptable_leader,
            min_isr,
            elr_enabled,
            target_isr: partition.isr.clone(),
            target_replicas: partition.replicas.clone(),
            target_removing: partition.removing.clone(),
            target_adding: partition.adding.clone(),
            target_elr: partition.elr.clone(),
            target_last_known_elr: partition.last_known_elr.clone(),
            unclean_shutdown_replicas: None,
            election: Election::Online,
            target_leader_recovering: partition.leader_recovering,
            use_last_known_leader: true,
        }
    }

    pub fn set_target_isr(mut self, isr: Vec<BrokerId>) -> Self {
        self.target_isr = isr;
        self
    }

    pub fn set_target_replicas(mut self, replicas: Vec<BrokerId>) -> Self {
        self.target_replicas = replicas;
        self
    }

    pub fn set_target_removing(mut self, removing: Vec<BrokerId>) -> Self {
        self.target_removing = removing;
        self
    }

    pub fn set_target_adding(mut self, adding: Vec<BrokerId>) -> Self {
        self.target_adding = adding;
        self
    }

    pub fn set_unclean_shutdown_replicas(mut self, replicas: Vec<BrokerId>) -> Self {
        self.unclean_shutdown_replicas = Some(replicas);
        self
    }

    pub fn set_election(mut self, election: Election) -> Self {
        self.election = election;
        self
    }

    /// `setTargetLeaderRecoveryState`: `true` for `RECOVERING`.
    pub fn set_target_leader_recovering(mut self, recovering: bool) -> Self {
        self.target_leader_recovering = recovering;
        self
    }

    /// `setUseLastKnownLeaderInBalancedRecovery` (true unless set; Kafka's controller never
    /// changes it).
    pub fn set_use_last_known_leader(mut self, use_it: bool) -> Self {
        self.use_last_known_leader = use_it;
        self
    }

    fn acceptable(&self, replica: BrokerId) -> bool {
        (self.is_acceptable_leader)(replica)
    }

    /// `isValidNewLeader`: in the target ISR — or, when it is empty, in the target ELR — and
    /// acceptable.
    fn is_valid_new_leader(&self, replica: BrokerId) -> bool {
        (self.target_isr.contains(&replica) || (self.target_isr.is_empty() && self.target_elr.contains(&replica)))
            && self.acceptable(replica)
    }

    /// `canElectLastKnownLeader`: with ELR on, no ISR and no ELR left, and exactly one last
    /// known ELR member that is acceptable — it is elected, uncleanly (KIP-966 "balanced
    /// recovery").
    fn can_elect_last_known_leader(&self) -> bool {
        if !self.elr_enabled || !self.use_last_known_leader {
            return false;
        }
        if !self.target_elr.is_empty() || !self.target_isr.is_empty() {
            return false;
        }
        if self.partition.last_known_elr.len() != 1 {
            return false;
        }
        self.acceptable(self.partition.last_known_elr[0])
    }

    /// `electLeader`: (leader, unclean).
    fn elect_leader(&self) -> (BrokerId, bool) {
        match self.election {
            Election::Preferred => self.elect_preferred_leader(),
            Election::Online | Election::Unclean => self.elect_any_leader(),
        }
    }

    fn elect_preferred_leader(&self) -> (BrokerId, bool) {
        // Kafka reads `targetReplicas.get(0)` (it never builds an empty replica list); an
        // empty list here simply has no preferred replica.
        if let Some(&preferred) = self.target_replicas.first() {
            if self.is_valid_new_leader(preferred) {
                return (preferred, false);
            }
        }
        if self.is_valid_new_leader(self.partition.leader) {
            return (self.partition.leader, false);
        }
        if let Some(&r) = self.target_replicas.iter().skip(1).find(|&&r| self.is_valid_new_leader(r)) {
            return (r, false);
        }
        if self.can_elect_last_known_leader() {
            return (self.partition.last_known_elr[0], true);
        }
        (NO_LEADER, false)
    }

    fn elect_any_leader(&self) -> (BrokerId, bool) {
        if self.is_valid_new_leader(self.partition.leader) {
            return (self.partition.leader, false);
        }
        if let Some(&r) = self.target_replicas.iter().find(|&&r| self.is_valid_new_leader(r)) {
            return (r, false);
        }
        if self.can_elect_last_known_leader() {
            return (self.partition.last_known_elr[0], true);
        }
        if self.election == Election::Unclean {
            if let Some(&r) = self.target_replicas.iter().find(|&&r| self.acceptable(r)) {
                return (r, true);
            }
        }
        (NO_LEADER, false)
    }

    /// `tryElection`: a new leader from the ELR makes the ISR `[leader]` and leaves the ELR; an
    /// unclean one makes the ISR `[leader]` and the leader `RECOVERING`.
    fn try_election(&mut self, record: &mut PartitionChange) {
        let (node, unclean) = self.elect_leader();
        if node == self.partition.leader {
            return;
        }
        if self.target_elr.contains(&node) {
            self.target_isr = vec![node];
            self.target_elr.retain(|&r| r != node);
        }
        record.leader = Some(node);
        if unclean {
            record.isr = Some(vec![node]);
            if !self.partition.leader_recovering {
                record.leader_recovering = Some(true);
            }
        }
    }

    /// `triggerLeaderEpochBumpForReplicaReassignmentIfNeeded`: a replica set that loses a
    /// replica bumps the leader epoch (by setting the same leader).
    fn trigger_leader_epoch_bump_for_replica_reassignment_if_needed(&self, record: &mut PartitionChange) {
        if record.leader.is_some() {
            return;
        }
        if !replicas_contain_all(&self.target_replicas, &self.partition.replicas) {
            record.leader = Some(self.partition.leader);
        }
    }

    fn complete_reassignment_if_needed(&mut self) {
        if let Some((replicas, isr)) = maybe_complete_reassignment(
            &self.target_removing,
            &self.target_adding,
            &self.target_replicas,
            &self.target_isr,
        ) {
            self.target_isr = isr;
            self.target_replicas = replicas;
            self.target_removing = vec![];
            self.target_adding = vec![];
        }
    }

    /// `maybePopulateTargetElr`: under min ISR, the ELR is the old ELR and ISR (in Java
    /// `HashSet` order) minus the target ISR and the replicas that shut down uncleanly; the last
    /// known ELR collects the rest.
    fn maybe_populate_target_elr(&mut self) {
        if !self.elr_enabled {
            return;
        }
        if self.target_isr.len() as i64 >= i64::from(self.min_isr) {
            self.target_elr = vec![];
            self.target_last_known_elr = vec![];
            return;
        }
        let capacity = java_capacity_for_copy(self.target_elr.len());
        let mut candidates: Vec<BrokerId> = self.target_elr.clone();
        candidates.extend(self.partition.isr.iter().copied());
        let unclean = self.unclean_shutdown_replicas.clone();
        let elr: Vec<BrokerId> = java_int_set_order(&candidates, capacity)
            .into_iter()
            .filter(|r| !self.target_isr.contains(r))
            .filter(|r| unclean.as_ref().map(|u| !u.contains(r)).unwrap_or(true))
            .collect();
        candidates.extend(self.target_last_known_elr.iter().copied());
        let last_known: Vec<BrokerId> = java_int_set_order(&candidates, capacity)
            .into_iter()
            .filter(|r| !self.target_isr.contains(r))
            .filter(|r| !elr.contains(r))
            .collect();
        self.target_elr = elr;
        self.target_last_known_elr = last_known;
    }

    /// `maybeUpdateRecordElr`: an unclean election (or ELR off) clears the ELR.
    fn maybe_update_record_elr(&mut self, record: &mut PartitionChange) {
        let clean = record.isr.is_none();
        if !clean || !self.elr_enabled {
            self.target_elr = vec![];
            self.target_last_known_elr = vec![];
        }
        if self.target_elr != self.partition.elr {
            record.elr = Some(self.target_elr.clone());
        }
        let partition_leaderless = record.leader.is_none() && self.partition.leader == NO_LEADER;
        if self.use_last_known_leader
            && self.partition.last_known_elr.len() == 1
            && (record.leader == Some(NO_LEADER) || partition_leaderless)
        {
            self.target_last_known_elr = self.partition.last_known_elr.clone();
        }
        if self.use_last_known_leader {
            return;
        }
        if self.target_last_known_elr != self.partition.last_known_elr {
            record.last_known_elr = Some(self.target_last_known_elr.clone());
        }
    }

    /// `maybeUpdateLastKnownLeader`: a partition that loses its leader remembers it; one that
    /// gets a leader forgets.
    fn maybe_update_last_known_leader(&self, record: &mut PartitionChange) {
        if !self.use_last_known_leader || !self.elr_enabled {
            return;
        }
        match record.leader {
            Some(NO_LEADER) if self.partition.last_known_elr.is_empty() => {
                record.last_known_elr = Some(vec![self.partition.leader]);
            }
            Some(l) if l >= 0 && !self.partition.last_known_elr.is_empty() => {
                record.last_known_elr = Some(vec![]);
            }
            _ => {}
        }
    }

    /// `setAssignmentChanges` (replica directories are not modelled).
    fn set_assignment_changes(&self, record: &mut PartitionChange) {
        if !self.target_replicas.is_empty() && self.target_replicas != self.partition.replicas {
            record.replicas = Some(self.target_replicas.clone());
        }
        if self.target_removing != self.partition.removing {
            record.removing = Some(self.target_removing.clone());
        }
        if self.target_adding != self.partition.adding {
            record.adding = Some(self.target_adding.clone());
        }
    }

    /// `build()`: the change, or `None` when nothing would change.
    pub fn build(mut self) -> Option<PartitionChange> {
        let mut record = PartitionChange::default();
        self.complete_reassignment_if_needed();
        self.maybe_populate_target_elr();
        self.try_election(&mut record);
        self.trigger_leader_epoch_bump_for_replica_reassignment_if_needed(&mut record);
        self.maybe_update_record_elr(&mut record);
        let keep_isr = record.isr.is_some()
            || (self.target_isr.is_empty() && !self.elr_enabled)
            || self.target_isr == self.partition.isr;
        if !keep_isr {
            record.isr = Some(self.target_isr.clone());
        }
        // triggerLeaderEpochBumpForIsrShrinkIfNeeded: nothing from metadata.version 3.6-IV0 on.
        self.maybe_update_last_known_leader(&mut record);
        self.set_assignment_changes(&mut record);
        if self.target_leader_recovering != self.partition.leader_recovering {
            record.leader_recovering = Some(self.target_leader_recovering);
        }
        if record.is_no_op() {
            None
        } else {
            Some(record)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn partition(replicas: &[BrokerId], isr: &[BrokerId], leader: BrokerId) -> PartitionState {
        PartitionState {
            replicas: replicas.to_vec(),
            isr: isr.to_vec(),
            leader,
            leader_epoch: 100,
            partition_epoch: 200,
            adding: vec![],
            removing: vec![],
            leader_recovering: false,
            elr: vec![],
            last_known_elr: vec![],
        }
    }

    // PartitionChangeBuilderTest.testElectLeader / testUncleanLeaderElection: FOO is replicas
    // [2,1,3], ISR [2,1,3], leader 1; broker 3 is not acceptable.
    fn foo_leader(isr: &[BrokerId], election: Election) -> BrokerId {
        let foo = partition(&[2, 1, 3], &[2, 1, 3], 1);
        let b =
            PartitionChangeBuilder::new(&foo, |r| r != 3, 1, false).set_target_isr(isr.to_vec()).set_election(election);
        b.elect_leader().0
    }

    #[test]
    fn elect_leader_table_without_elr() {
        assert_eq!(foo_leader(&[2, 1, 3], Election::Preferred), 2);
        assert_eq!(foo_leader(&[2, 1, 3], Election::Online), 1);
        assert_eq!(foo_leader(&[1, 3], Election::Unclean), 1);
        assert_eq!(foo_leader(&[3], Election::Online), NO_LEADER);
        assert_eq!(foo_leader(&[3], Election::Unclean), 2);
    }

    // An unclean election makes the ISR [leader] and the leader RECOVERING; the epoch bumps.
    #[test]
    fn unclean_election_recovers_with_a_single_member_isr() {
        let foo = partition(&[2, 1, 3], &[3], NO_LEADER);
        let change = PartitionChangeBuilder::new(&foo, |r| r != 3, 1, false)
            .set_election(Election::Unclean)
            .build()
            .expect("a change");
        assert_eq!(change.leader, Some(2));
        assert_eq!(change.isr, Some(vec![2]));
        assert_eq!(change.leader_recovering, Some(true));
        let after = merge(&foo, &change);
        assert_eq!((after.leader, after.leader_epoch, after.partition_epoch), (2, 101, 201));
    }

    // KIP-966: the last ISR member leaving makes it the ELR (under min ISR 2) and the partition
    // leaderless, remembering its leader; once the ELR member is acceptable again it is
    // elected cleanly and becomes the ISR.
    #[test]
    fn elr_keeps_the_replicas_that_left_the_isr_under_min_isr() {
        let p = partition(&[1, 2, 3], &[1, 2], 1);
        let shrink = PartitionChangeBuilder::new(&p, |r| r == 1, 2, true).set_target_isr(vec![1]).build().unwrap();
        assert_eq!(shrink.isr, Some(vec![1]));
        assert_eq!(shrink.elr, Some(vec![2]));
        assert_eq!(shrink.leader, None, "an ISR shrink keeps the leader and its epoch");
        let p = merge(&p, &shrink);
        // Broker 1 is fenced: it leaves the ISR, which empties; no one is acceptable.
        let fence = PartitionChangeBuilder::new(&p, |_| false, 2, true).set_target_isr(vec![]).build().unwrap();
        assert_eq!((fence.leader, fence.isr.clone()), (Some(NO_LEADER), Some(vec![])));
        assert_eq!(fence.elr, Some(vec![1, 2]));
        assert_eq!(fence.last_known_elr, Some(vec![1]));
        let p = merge(&p, &fence);
        // Broker 2 comes back: it is elected from the ELR, cleanly.
        let back = PartitionChangeBuilder::new(&p, |r| r == 2, 2, true).build().unwrap();
        assert_eq!(back.leader, Some(2));
        assert_eq!(back.isr, Some(vec![2]));
        assert_eq!(back.elr, Some(vec![1]));
        assert_eq!(back.leader_recovering, None, "an ELR member is a clean leader");
        assert_eq!(back.last_known_elr, Some(vec![]));
    }

    // The ELR's order is the Java HashSet's: 17 and 1 share bucket 1, after 16 in bucket 0.
    #[test]
    fn elr_order_follows_java_hash_set_iteration() {
        let p = partition(&[17, 1, 16], &[17, 1, 16], 17);
        let change = PartitionChangeBuilder::new(&p, |_| false, 2, true).set_target_isr(vec![]).build().unwrap();
        assert_eq!(change.elr, Some(vec![16, 17, 1]));
    }

    #[test]
    fn replicas_contain_all_is_a_sorted_merge() {
        assert!(replicas_contain_all(&[3, 1, 2], &[2, 1]));
        assert!(!replicas_contain_all(&[3, 1], &[2]));
        assert!(replicas_contain_all(&[1], &[]));
        assert!(!replicas_contain_all(&[1], &[1, 1]));
    }

    // A reassignment completes in the same change as the ISR expansion that admits the last
    // adding replica; dropping a replica bumps the leader epoch.
    #[test]
    fn reassignment_completes_when_adding_replicas_join_the_isr() {
        let mut p = partition(&[4, 2, 1], &[2, 1], 1);
        p.adding = vec![4];
        p.removing = vec![1];
        let change = PartitionChangeBuilder::new(&p, |_| true, 1, true).set_target_isr(vec![2, 1, 4]).build().unwrap();
        assert_eq!(change.replicas, Some(vec![4, 2]));
        assert_eq!(change.isr, Some(vec![2, 4]));
        assert_eq!(change.leader, Some(4), "the leader left: the first valid target replica leads");
        assert_eq!((change.adding.clone(), change.removing.clone()), (Some(vec![]), Some(vec![])));
    }
}
