//! The state of a KIP-848 consumer group on the coordinator (`ConsumerGroup`,
//! `ConsumerGroupMember`) and the member reconciliation of `CurrentAssignmentBuilder`: the data
//! that `group.rs` stores and `consumer_group.rs` drives.

use crate::sim::codec::Codec;
use crate::sim::sort::CompactCollect;
use crate::sim::time::SimTime;
use crate::sim::types::TopicPartition;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// `ConsumerGroupHeartbeatRequest.LEAVE_GROUP_STATIC_MEMBER_EPOCH`: a static member that left for
/// now; it keeps its assignment until it comes back or its session times out.
pub(crate) const LEAVE_GROUP_STATIC_MEMBER_EPOCH: i32 = -2;

/// `MemberState` of a consumer group member on the coordinator.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub enum ConsumerMemberState {
    /// Owns exactly its target assignment at the assignment epoch.
    Stable,
    /// Must revoke `pending_revocation` before it gets anything new.
    UnrevokedPartitions,
    /// Waits for partitions other members still hold.
    UnreleasedPartitions,
}

/// A member of a consumer group (`ConsumerGroupMember`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct ConsumerMember {
    pub member_id: String,
    pub instance_id: Option<String>,
    pub(crate) client_id: String,
    pub host: String,
    pub member_epoch: i32,
    pub(crate) previous_epoch: i32,
    pub state: ConsumerMemberState,
    pub(crate) rebalance_timeout_ms: i64,
    pub(crate) subscribed: Vec<String>,
    pub(crate) server_assignor: Option<String>,
    /// Assigned partitions, each with the epoch at which it was assigned.
    pub assigned: BTreeMap<TopicPartition, i32>,
    pub(crate) pending_revocation: BTreeMap<TopicPartition, i32>,
    /// The session ends `group.consumer.session.timeout.ms` after the last heartbeat.
    pub(crate) session_deadline: SimTime,
    /// Set while the member must revoke: fenced if still at this epoch by then
    /// (`scheduleConsumerGroupRebalanceTimeout`).
    pub(crate) rebalance_deadline: Option<(SimTime, i32)>,
    /// Set for a member that speaks the classic protocol inside a consumer group (KIP-848's
    /// online migration: `ConsumerGroupMember.classicMemberMetadata`).
    #[serde(default)]
    pub classic: Option<ClassicMemberMetadata>,
}

impl ConsumerMember {
    /// A member the coordinator has just heard of (`ConsumerGroupMember.Builder` with its
    /// defaults): epoch 0, nothing assigned, its session counted from `now`.
    pub(crate) fn new(member_id: String, now: SimTime) -> ConsumerMember {
        ConsumerMember {
            member_id,
            instance_id: None,
            client_id: String::new(),
            host: String::new(),
            member_epoch: 0,
            previous_epoch: 0,
            state: ConsumerMemberState::Stable,
            rebalance_timeout_ms: -1,
            subscribed: vec![],
            server_assignor: None,
            assigned: BTreeMap::new(),
            pending_revocation: BTreeMap::new(),
            session_deadline: now,
            rebalance_deadline: None,
            classic: None,
        }
    }
}

/// What a classic-protocol member of a consumer group keeps from its JoinGroup
/// (`ConsumerGroupMemberMetadataValue.ClassicMemberMetadata`), and its JoinGroup / SyncGroup
/// deadlines (`GroupMetadataManager.scheduleConsumerGroupJoinTimeoutIfAbsent`,
/// `scheduleConsumerGroupSyncTimeout`): fenced if it has not rejoined (after it was told
/// REBALANCE_IN_PROGRESS) or synced (after its join) within its rebalance timeout.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct ClassicMemberMetadata {
    pub session_timeout_ms: i64,
    /// The supported protocols (assignor name and subscription), in the member's order.
    pub protocols: Vec<(String, std::rc::Rc<crate::sim::protocol::GroupSubscription>)>,
    pub join_deadline: Option<SimTime>,
    pub sync_deadline: Option<SimTime>,
}

/// A consumer group's KIP-848 state (`ConsumerGroup`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct ConsumerGroupState {
    pub group_epoch: i32,
    pub(crate) assignment_epoch: i32,
    /// When the target assignment was last computed (`group.consumer.assignment.interval.ms`).
    pub(crate) assignment_time: Option<SimTime>,
    pub members: BTreeMap<String, ConsumerMember>,
    /// The target assignment per member.
    pub(crate) target: BTreeMap<String, Vec<TopicPartition>>,
    /// The subscribed topics' partition counts the group epoch was computed with.
    pub(crate) subscription_metadata: BTreeMap<String, i32>,
}

impl ConsumerGroupState {
    /// A new group: group epoch 1, no target assignment yet (`ModernGroup`'s constructor,
    /// `TargetAssignmentMetadata.INITIAL`).
    pub(crate) fn new() -> ConsumerGroupState {
        ConsumerGroupState { group_epoch: 1, ..ConsumerGroupState::default() }
    }

    /// `ConsumerGroup.maybeUpdateGroupState`: Empty, Assigning (group epoch ahead of the
    /// assignment), Reconciling (a member not yet at the assignment epoch), Stable.
    pub fn state_name(&self) -> &'static str {
        if self.members.is_empty() {
            "Empty"
        } else if self.group_epoch > self.assignment_epoch {
            "Assigning"
        } else if self
            .members
            .values()
            .any(|m| m.member_epoch != self.assignment_epoch || m.state != ConsumerMemberState::Stable)
        {
            "Reconciling"
        } else {
            "Stable"
        }
    }

    /// `ConsumerGroup.currentPartitionEpoch`: the epoch of the member that holds `tp` (assigned
    /// or pending revocation), -1 when none does.
    pub(crate) fn current_partition_epoch(&self, tp: &TopicPartition, except: &str) -> i32 {
        for m in self.members.values() {
            if m.member_id == except {
                continue;
            }
            if let Some(e) = m.assigned.get(tp).or_else(|| m.pending_revocation.get(tp)) {
                return *e;
            }
        }
        -1
    }

    /// `ConsumerGroup.staticMember`: the member with this `group.instance.id`.
    pub(crate) fn static_member(&self, instance_id: &str) -> Option<&ConsumerMember> {
        self.members.values().find(|m| m.instance_id.as_deref() == Some(instance_id))
    }

    /// `ConsumerGroup.numClassicProtocolMembers`.
    pub(crate) fn classic_members(&self) -> usize {
        self.members.values().filter(|m| m.classic.is_some()).count()
    }

    /// `ConsumerGroup.supportsClassicProtocols`: a classic member may join when its protocol type
    /// is `consumer` and one of its protocols is supported by every classic member already in
    /// the group (any protocol when there is none).
    pub(crate) fn supports_classic_protocols(&self, protocol_type: &str, protocols: &[String]) -> bool {
        if protocol_type != "consumer" {
            return false;
        }
        let classic: Vec<&ClassicMemberMetadata> = self.members.values().filter_map(|m| m.classic.as_ref()).collect();
        if self.members.is_empty() {
            return !protocols.is_empty();
        }
        protocols.iter().any(|p| classic.iter().all(|c| c.protocols.iter().any(|(n, _)| n == p)))
    }

    /// `ConsumerGroup.waitingOnUnreleasedPartition`: a member in UNRELEASED_PARTITIONS whose
    /// target names a partition another member still holds.
    pub(crate) fn waiting_on_unreleased_partition(&self, member: &ConsumerMember) -> bool {
        if member.state != ConsumerMemberState::UnreleasedPartitions {
            return false;
        }
        self.target
            .get(&member.member_id)
            .into_iter()
            .flatten()
            .any(|tp| !member.assigned.contains_key(tp) && self.current_partition_epoch(tp, &member.member_id) != -1)
    }

    /// The topics any member subscribes to.
    pub(crate) fn subscribed_topics(&self) -> BTreeSet<String> {
        self.members.values().flat_map(|m| m.subscribed.iter().cloned()).collect_set()
    }

    /// `ConsumerGroup.computePreferredServerAssignor`: the assignor most members name (ties: the
    /// smaller name), or the coordinator's default.
    pub(crate) fn preferred_assignor_name(&self, default: &str) -> String {
        let mut count: BTreeMap<&str, u32> = BTreeMap::new();
        for m in self.members.values() {
            if let Some(a) = &m.server_assignor {
                *count.entry(a.as_str()).or_default() += 1;
            }
        }
        let best = count.values().copied().max().unwrap_or(0);
        count.into_iter().find(|(_, c)| *c == best && best > 0).map(|(a, _)| a.to_string()).unwrap_or(default.into())
    }
}

/// The request fields `consumerGroupHeartbeat` reads.
pub(crate) struct Heartbeat {
    pub group: String,
    pub member_id: String,
    pub member_epoch: i32,
    pub instance_id: Option<String>,
    pub(crate) rebalance_timeout_ms: i64,
    pub(crate) subscribed_topics: Option<Vec<String>>,
    pub(crate) server_assignor: Option<String>,
    pub owned: Option<Vec<TopicPartition>>,
    pub(crate) client_id: String,
}

/// `CurrentAssignmentBuilder.build` for one member: the next state, epoch and assignment given
/// the target, the owned partitions the member reported (`None`: unchanged) and who else holds
/// what.
pub(crate) fn reconcile(
    member: &ConsumerMember,
    target_epoch: i32,
    target: &[TopicPartition],
    owned: Option<&[TopicPartition]>,
    partition_epoch: &dyn Fn(&TopicPartition) -> i32,
) -> ConsumerMember {
    // `ownsRevokedPartitions`: without an owned list the member is assumed to still own them.
    let owns_revoked = |pending: &BTreeMap<TopicPartition, i32>| match owned {
        None => true,
        Some(o) => o.iter().any(|tp| pending.contains_key(tp)),
    };
    match member.state {
        ConsumerMemberState::Stable if member.member_epoch == target_epoch => return member.clone(),
        ConsumerMemberState::UnrevokedPartitions if owns_revoked(&member.pending_revocation) => return member.clone(),
        _ => {}
    }
    // computeNextAssignment.
    let subscribed: BTreeSet<&String> = member.subscribed.iter().collect_set();
    let target: BTreeSet<&TopicPartition> = target.iter().filter(|tp| subscribed.contains(&tp.topic)).collect_set();
    let mut assigned: BTreeMap<TopicPartition, i32> = BTreeMap::new();
    let mut revoke: BTreeMap<TopicPartition, i32> = BTreeMap::new();
    for (tp, e) in &member.assigned {
        if target.contains(tp) {
            assigned.insert(tp.clone(), *e);
        } else {
            revoke.insert(tp.clone(), *e);
        }
    }
    let mut unreleased = false;
    let mut pending_assignment: Vec<TopicPartition> = Vec::new();
    for tp in target {
        if assigned.contains_key(tp) {
            continue;
        }
        // Still held by another member (and not one this member is itself giving back).
        if partition_epoch(tp) != -1 && !member.pending_revocation.contains_key(tp) {
            unreleased = true;
        } else {
            pending_assignment.push(tp.clone());
        }
    }
    let mut next = member.clone();
    if !revoke.is_empty() && owns_revoked(&revoke) {
        next.state = ConsumerMemberState::UnrevokedPartitions;
        next.assigned = assigned;
        next.pending_revocation = revoke;
        return next;
    }
    for tp in pending_assignment {
        assigned.insert(tp, target_epoch);
    }
    next.state = if unreleased { ConsumerMemberState::UnreleasedPartitions } else { ConsumerMemberState::Stable };
    if next.member_epoch != target_epoch {
        next.previous_epoch = next.member_epoch;
    }
    next.member_epoch = target_epoch;
    next.assigned = assigned;
    next.pending_revocation = BTreeMap::new();
    next
}

/// The record key of a consumer group's state in `__consumer_offsets`.
pub(crate) fn consumer_group_key(group: &str) -> String {
    format!("consumer-group:{group}")
}

/// A JoinGroup for a consumer group, as `classicGroupJoinToConsumerGroup` reads it.
pub(crate) struct ClassicJoin {
    pub group: String,
    pub member_id: String,
    pub client_id: String,
    pub instance_id: Option<String>,
    pub session_timeout_ms: i64,
    pub rebalance_timeout_ms: i64,
    pub protocol_type: String,
    pub protocols: Vec<(String, std::rc::Rc<crate::sim::protocol::GroupSubscription>)>,
}
