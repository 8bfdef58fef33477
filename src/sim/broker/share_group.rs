//! Share groups (KIP-932) on the group coordinator: `GroupMetadataManager.shareGroupHeartbeat`,
//! `ShareGroup`, `ShareGroupMember`, `ShareGroupAssignmentBuilder` and the `simple` assignor
//! (`SimpleAssignor`, `SimpleHomogeneousAssignmentBuilder`).
//!
//! Members send `ShareGroupHeartbeat` every `group.share.heartbeat.interval.ms` (5 s). A new
//! member or a changed subscription bumps the **group epoch**; the coordinator then computes a
//! target assignment with the `simple` assignor, which may give one partition to several members
//! (`desiredSharing = ceil(members / partitions)`), and a member takes its target at once, with
//! the assignment epoch as its member epoch (no revocation step: share-partitions are not owned).
//! Only partitions whose share-group state is initialized are assigned
//! (`GroupSpec.isPartitionAssignable`): a topic is initialized after the heartbeat that first
//! subscribes to it (`InitializeShareGroupState`), so its partitions come with the next heartbeat
//! (`initializedAssignmentPending` bumps the epoch). A member that misses
//! `group.share.session.timeout.ms` (45 s) is fenced; leaving sends epoch -1.
//!
//! Brokerlab does not write share groups to `__consumer_offsets`: a new coordinator starts
//! without them and members join again.

use super::group::{GroupState, GroupStep};
use super::host::offsets_partitions;
use super::share_group_state::*;
use super::timer::BrokerTimer;
use crate::sim::errors::KafkaError;
use crate::sim::partitioner::coordinator_partition;
use crate::sim::protocol::{Response, ShareGroupDescription};
use crate::sim::trace::TraceKind;
use crate::sim::types::{NodeAddr, TopicPartition};
use std::collections::{BTreeMap, BTreeSet};
impl GroupStep<'_> {
    fn share_not_coordinator(&self, group: &str) -> Option<KafkaError> {
        if !self.host.image().topics.contains_key(crate::sim::types::OFFSETS_TOPIC) {
            return Some(KafkaError::COORDINATOR_NOT_AVAILABLE);
        }
        let n = offsets_partitions(self.host.image(), self.env);
        if !self.coord.owned.contains(&coordinator_partition(group, n)) {
            return Some(KafkaError::NOT_COORDINATOR);
        }
        None
    }

    /// `GroupCoordinatorService.shareGroupHeartbeat` / `GroupMetadataManager.shareGroupHeartbeat`
    /// and `shareGroupLeave`.
    pub(crate) fn share_group_heartbeat(&mut self, from: NodeAddr, corr: u64, hb: ShareHeartbeat) {
        let result = match self.share_not_coordinator(&hb.group) {
            Some(e) => Err((e, e.message().to_string())),
            None => self.validate_share_heartbeat(&hb).and_then(|()| {
                if hb.member_epoch == -1 {
                    self.share_group_leave(&hb)
                } else {
                    self.share_group_join_or_heartbeat(&hb)
                }
            }),
        };
        let resp = match result {
            Ok((epoch, assignment)) => Response::ShareGroupHeartbeat {
                error: None,
                error_message: None,
                member_id: hb.member_id.clone(),
                member_epoch: epoch,
                heartbeat_interval_ms: SHARE_HEARTBEAT_INTERVAL_MS,
                assignment,
            },
            Err((e, m)) => Response::ShareGroupHeartbeat {
                error: Some(e),
                error_message: Some(m),
                member_id: String::new(),
                member_epoch: -1,
                heartbeat_interval_ms: 0,
                assignment: None,
            },
        };
        self.out.respond(from, corr, resp);
    }

    /// `throwIfShareGroupHeartbeatRequestIsInvalid`.
    fn validate_share_heartbeat(&self, hb: &ShareHeartbeat) -> Result<(), (KafkaError, String)> {
        let invalid = |m: &str| Err((KafkaError::INVALID_REQUEST, m.to_string()));
        if hb.member_id.is_empty() {
            return invalid("MemberId can't be empty.");
        }
        if hb.group.is_empty() {
            return invalid("GroupId can't be empty.");
        }
        if hb.member_epoch == 0 && hb.subscribed_topics.as_ref().map(|t| t.is_empty()).unwrap_or(true) {
            return invalid("SubscribedTopicNames must be set in first request.");
        }
        if hb.member_epoch < -1 {
            return invalid("MemberEpoch is invalid.");
        }
        Ok(())
    }

    fn share_group_join_or_heartbeat(&mut self, hb: &ShareHeartbeat) -> HeartbeatResult {
        let now = self.now;
        let joining = hb.member_epoch == 0;
        // getOrMaybeCreateShareGroup: one name space with the other group types.
        if self.coord.groups.get(&hb.group).map(|g| g.state != GroupState::Dead).unwrap_or(false) {
            return Err((KafkaError::GROUP_ID_NOT_FOUND, format!("Group {} is not a share group.", hb.group)));
        }
        if !self.coord.share_groups.contains_key(&hb.group) && !joining {
            return Err((KafkaError::GROUP_ID_NOT_FOUND, format!("Share group {} not found.", hb.group)));
        }
        let partition_counts: BTreeMap<String, i32> =
            self.host.image().topics.iter().map(|(n, t)| (n.clone(), t.partitions.len() as i32)).collect();
        let g = self.coord.share_groups.entry(hb.group.clone()).or_insert_with(|| ShareGroup::new(&hb.group));
        // throwIfShareGroupIsFull.
        if !g.members.contains_key(&hb.member_id) && g.members.len() >= SHARE_MAX_SIZE {
            return Err((
                KafkaError::GROUP_MAX_SIZE_REACHED,
                format!("The share group has reached its maximum capacity of {SHARE_MAX_SIZE} members."),
            ));
        }
        // getOrMaybeSubscribeShareGroupMember with the epoch checks.
        let old = match g.members.get(&hb.member_id) {
            Some(m) => {
                if !joining && hb.member_epoch != m.member_epoch {
                    return Err((
                        KafkaError::FENCED_MEMBER_EPOCH,
                        format!(
                            "The share group member has a {} member epoch ({}) than the one known by the group coordinator ({}). The member must abandon all its partitions and rejoin.",
                            if hb.member_epoch > m.member_epoch { "greater" } else { "smaller" },
                            hb.member_epoch,
                            m.member_epoch
                        ),
                    ));
                }
                Some(m.clone())
            }
            None if !joining => {
                return Err((
                    KafkaError::UNKNOWN_MEMBER_ID,
                    format!("Member {} is not a member of group {}.", hb.member_id, hb.group),
                ))
            }
            None => None,
        };
        let mut member = old.clone().unwrap_or(ShareMember {
            member_id: hb.member_id.clone(),
            client_id: String::new(),
            host: String::new(),
            member_epoch: 0,
            subscribed: vec![],
            assigned: vec![],
            session_deadline: now,
        });
        member.client_id = hb.client_id.clone();
        member.host = "/127.0.0.1".into();
        let mut subscription_changed = false;
        if let Some(t) = &hb.subscribed_topics {
            let mut t = t.clone();
            t.sort();
            t.dedup();
            if t != member.subscribed {
                member.subscribed = t;
                subscription_changed = true;
            }
        }
        member.session_deadline = now.plus_ms(SHARE_SESSION_TIMEOUT_MS);
        let is_new = old.is_none();
        g.members.insert(member.member_id.clone(), member.clone());
        let topics = g.subscribed_topics();
        let metadata: BTreeMap<String, i32> =
            topics.iter().filter_map(|t| partition_counts.get(t).map(|n| (t.clone(), *n))).collect();
        // initializedAssignmentPending: initialized partitions no member is assigned yet.
        let pending = g.assignment_epoch >= g.group_epoch && {
            let assigned: BTreeSet<&TopicPartition> = g.target.values().flatten().collect();
            g.initialized.iter().filter(|t| topics.contains(*t)).any(|t| {
                (0..partition_counts.get(t).copied().unwrap_or(0))
                    .any(|p| !assigned.contains(&TopicPartition::new(t.clone(), p)))
            })
        };
        if is_new || subscription_changed || pending || metadata != g.subscription_metadata {
            g.group_epoch += 1;
            g.subscription_metadata = metadata;
            let (state, epoch) = (g.state_name(), g.group_epoch);
            self.out.trace(TraceKind::GroupStateChanged {
                group: hb.group.clone(),
                state: state.into(),
                generation: epoch,
                reason: if is_new {
                    format!("member {} joined the share group (group epoch {epoch})", hb.member_id)
                } else if pending {
                    format!("share-partitions were initialized (group epoch {epoch})")
                } else {
                    format!("member {} changed its subscription (group epoch {epoch})", hb.member_id)
                },
            });
        }
        self.maybe_update_share_target(&hb.group, &partition_counts);
        let g = self.coord.share_groups.get_mut(&hb.group).expect("share group");
        // ShareGroupAssignmentBuilder: the member takes its target at once.
        let mut next = g.members[&hb.member_id].clone();
        let target: Vec<TopicPartition> = g
            .target
            .get(&hb.member_id)
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|tp| next.subscribed.contains(&tp.topic))
            .collect();
        if next.member_epoch != g.assignment_epoch {
            next.member_epoch = g.assignment_epoch;
            next.assigned = target;
        } else if subscription_changed {
            next.assigned = target;
        }
        let changed = old.as_ref().map(|o| o.assigned != next.assigned).unwrap_or(true);
        if changed || old.as_ref().map(|o| o.member_epoch != next.member_epoch).unwrap_or(true) {
            self.out.trace(TraceKind::GroupAssignment {
                group: hb.group.clone(),
                member: hb.member_id.clone(),
                generation: next.member_epoch,
                partitions: next.assigned.clone(),
            });
        }
        let epoch = next.member_epoch;
        let assignment = next.assigned.clone();
        g.members.insert(hb.member_id.clone(), next);
        // The subscribed topics' share-group state gets initialized (InitializeShareGroupState to
        // the share coordinator, done by the next heartbeat here).
        let new_topics: Vec<String> = topics
            .iter()
            .filter(|t| partition_counts.contains_key(*t) && !g.initialized.contains(*t))
            .cloned()
            .collect();
        g.initialized.extend(new_topics);
        let full = hb.subscribed_topics.is_some();
        Ok((epoch, if joining || full || changed { Some(assignment) } else { None }))
    }

    /// `maybeUpdateTargetAssignment` with the `simple` assignor over the initialized partitions.
    fn maybe_update_share_target(&mut self, group: &str, partition_counts: &BTreeMap<String, i32>) {
        let now = self.now;
        let Some(g) = self.coord.share_groups.get_mut(group) else { return };
        if g.assignment_epoch >= g.group_epoch {
            return;
        }
        if let Some(t) = g.assignment_time {
            if now.ms_since(t) < SHARE_ASSIGNMENT_INTERVAL_MS {
                return;
            }
        }
        let topics = g.subscribed_topics();
        let partitions: Vec<TopicPartition> = topics
            .iter()
            .filter(|t| g.initialized.contains(*t))
            .flat_map(|t| {
                (0..partition_counts.get(t).copied().unwrap_or(0)).map(move |p| TopicPartition::new(t.clone(), p))
            })
            .collect();
        let members: BTreeMap<String, Vec<String>> =
            g.members.values().map(|m| (m.member_id.clone(), m.subscribed.clone())).collect();
        g.target = simple_assign(&members, &partitions, &g.target);
        g.assignment_epoch = g.group_epoch;
        g.assignment_time = Some(now);
        let (state, epoch) = (g.state_name(), g.assignment_epoch);
        self.out.trace(TraceKind::GroupStateChanged {
            group: group.to_string(),
            state: state.into(),
            generation: epoch,
            reason: format!("computed a new target assignment for epoch {epoch} with the simple assignor"),
        });
    }

    fn share_group_leave(&mut self, hb: &ShareHeartbeat) -> HeartbeatResult {
        let Some(g) = self.coord.share_groups.get(&hb.group) else {
            return Err((KafkaError::GROUP_ID_NOT_FOUND, format!("Share group {} not found.", hb.group)));
        };
        if !g.members.contains_key(&hb.member_id) {
            return Err((
                KafkaError::UNKNOWN_MEMBER_ID,
                format!("Member {} is not a member of group {}.", hb.member_id, hb.group),
            ));
        }
        self.fence_share_member(&hb.group, &hb.member_id, "the member left the group");
        Ok((-1, None))
    }

    /// `shareGroupFenceMember`: remove the member and bump the group epoch.
    fn fence_share_member(&mut self, group: &str, member: &str, reason: &str) {
        let Some(g) = self.coord.share_groups.get_mut(group) else { return };
        if g.members.remove(member).is_none() {
            return;
        }
        g.target.remove(member);
        g.group_epoch += 1;
        if g.members.is_empty() {
            g.assignment_epoch = g.group_epoch;
            g.assignment_time = None;
        }
        let (state, epoch) = (g.state_name(), g.group_epoch);
        self.out.trace(TraceKind::MemberRemoved {
            group: group.to_string(),
            member: member.to_string(),
            reason: reason.to_string(),
        });
        self.out.trace(TraceKind::GroupStateChanged {
            group: group.to_string(),
            state: state.into(),
            generation: epoch,
            reason: format!("member {member} removed (group epoch {epoch})"),
        });
    }

    /// Session timeouts of a share group's members.
    pub(crate) fn share_group_tick(&mut self, group: &str) {
        let now = self.now;
        let Some(g) = self.coord.share_groups.get(group) else { return };
        let expired: Vec<String> =
            g.members.values().filter(|m| now >= m.session_deadline).map(|m| m.member_id.clone()).collect();
        for id in expired {
            let reason = format!(
                "no heartbeat for {} s (group.share.session.timeout.ms={SHARE_SESSION_TIMEOUT_MS})",
                SHARE_SESSION_TIMEOUT_MS / 1000
            );
            self.fence_share_member(group, &id, &reason);
        }
    }

    /// Arms a timer for the next session deadline of every share group.
    pub(crate) fn schedule_share_group_ticks(&mut self) {
        let mut timers = Vec::new();
        for g in self.coord.share_groups.values() {
            if let Some(t) = g.members.values().map(|m| m.session_deadline).min() {
                timers.push((if t < self.now { self.now } else { t }, g.id.clone()));
            }
        }
        for (t, id) in timers {
            self.out.timer(t, BrokerTimer::GroupTick(id));
        }
    }

    /// `ShareGroupDescribe` for one group.
    pub(crate) fn describe_share_group(&self, group: &str) -> ShareGroupDescription {
        let me = self.host.broker_id();
        let err = |e: KafkaError, m: String| ShareGroupDescription::failed(group, e, Some(m), "Dead", me);
        if let Some(e) = self.share_not_coordinator(group) {
            return err(e, e.message().to_string());
        }
        match self.coord.share_groups.get(group) {
            Some(g) => ShareGroupDescription {
                group: group.to_string(),
                error: None,
                error_message: None,
                state: g.state_name().into(),
                group_epoch: g.group_epoch,
                assignment_epoch: g.assignment_epoch,
                assignor: "simple".into(),
                coordinator: me,
                members: g
                    .members
                    .values()
                    .map(|m| {
                        (m.member_id.clone(), m.client_id.clone(), m.host.clone(), m.member_epoch, m.assigned.clone())
                    })
                    .collect(),
                partitions: g
                    .initialized
                    .iter()
                    .flat_map(|t| {
                        let n = self.host.image().topics.get(t).map(|ti| ti.partitions.len() as i32).unwrap_or(0);
                        (0..n).map(move |p| TopicPartition::new(t.clone(), p))
                    })
                    .collect(),
            },
            None if self.coord.groups.get(group).map(|g| g.state != GroupState::Dead).unwrap_or(false) => {
                err(KafkaError::GROUP_ID_NOT_FOUND, format!("Group {group} is not a share group."))
            }
            None => err(KafkaError::GROUP_ID_NOT_FOUND, format!("Group {group} not found.")),
        }
    }

    /// `GroupMetadataManager.alterShareGroupOffsets` (the coordinator's half): the group, created
    /// if it does not exist (`getOrMaybeCreatePersistedShareGroup`), must have no members; the
    /// topics' share-partitions count as initialized from now on.
    pub(crate) fn alter_share_group_offsets(&mut self, group: &str, topics: Vec<String>) -> Response {
        let fail =
            |e: KafkaError, m: String| Response::AlterShareGroupOffsets { error: Some(e), error_message: Some(m) };
        if let Some(e) = self.share_not_coordinator(group) {
            return fail(e, e.message().to_string());
        }
        if !self.is_share_group(group) && self.coord.groups.get(group).is_some_and(|g| g.state != GroupState::Dead) {
            return fail(KafkaError::GROUP_ID_NOT_FOUND, format!("Group {group} is not a share group."));
        }
        let g = self.coord.share_groups.entry(group.to_string()).or_insert_with(|| ShareGroup::new(group));
        if !g.members.is_empty() {
            return fail(KafkaError::NON_EMPTY_GROUP, format!("Share group {group} is not empty."));
        }
        g.initialized.extend(topics);
        Response::AlterShareGroupOffsets { error: None, error_message: None }
    }

    /// `GroupMetadataManager.deleteShareGroupOffsets` (the coordinator's half): the empty group
    /// forgets the topics; a topic that does not exist fails alone.
    pub(crate) fn delete_share_group_offsets(&mut self, group: &str, topics: Vec<String>) -> Response {
        let fail = |e: KafkaError, m: String| Response::DeleteShareGroupOffsets {
            error: Some(e),
            error_message: Some(m),
            topics: vec![],
        };
        if let Some(e) = self.share_not_coordinator(group) {
            return fail(e, e.message().to_string());
        }
        let known: Vec<bool> = topics.iter().map(|t| self.host.image().topics.contains_key(t)).collect();
        let Some(g) = self.coord.share_groups.get_mut(group) else {
            return fail(KafkaError::GROUP_ID_NOT_FOUND, format!("Group {group} not found."));
        };
        if !g.members.is_empty() {
            return fail(KafkaError::NON_EMPTY_GROUP, format!("Share group {group} is not empty."));
        }
        let mut results = Vec::new();
        for (t, known) in topics.into_iter().zip(known) {
            if known {
                g.initialized.remove(&t);
                results.push((t, None));
            } else {
                results.push((t, Some(KafkaError::UNKNOWN_TOPIC_OR_PARTITION)));
            }
        }
        Response::DeleteShareGroupOffsets { error: None, error_message: None, topics: results }
    }

    /// DeleteGroups of a share group (`GroupMetadataManager.deleteGroup`): only an empty one.
    pub(crate) fn delete_share_group(&mut self, group: &str) -> Option<KafkaError> {
        if self.coord.share_groups.get(group).is_some_and(|g| !g.members.is_empty()) {
            return Some(KafkaError::NON_EMPTY_GROUP);
        }
        self.coord.share_groups.remove(group);
        self.out.trace(TraceKind::GroupStateChanged {
            group: group.to_string(),
            state: "Dead".into(),
            generation: -1,
            reason: "deleted".into(),
        });
        None
    }

    /// Whether a share group of that name exists here (the other group types share its name
    /// space).
    pub(crate) fn is_share_group(&self, group: &str) -> bool {
        self.coord.share_groups.contains_key(group)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tps(n: i32) -> Vec<TopicPartition> {
        (0..n).map(|p| TopicPartition::new("t", p)).collect()
    }

    fn members(ids: &[&str]) -> BTreeMap<String, Vec<String>> {
        ids.iter().map(|m| (m.to_string(), vec!["t".to_string()])).collect()
    }

    // SimpleHomogeneousAssignmentBuilder: more members than partitions share each partition
    // (desiredSharing = ceil(members / partitions)), every member busy.
    #[test]
    fn more_members_than_partitions_all_share() {
        let a = simple_assign(&members(&["a", "b", "c"]), &tps(1), &BTreeMap::new());
        assert!(a.values().all(|v| v == &tps(1)), "{a:?}");
        let a = simple_assign(&members(&["a", "b", "c", "d", "e"]), &tps(2), &BTreeMap::new());
        // sharing 3, 6 assignments over 5 members: each has 1 or 2, each partition 3 members.
        for tp in tps(2) {
            assert_eq!(a.values().filter(|v| v.contains(&tp)).count(), 3, "{a:?}");
        }
        assert!(a.values().all(|v| !v.is_empty()), "{a:?}");
    }

    // Fewer members than partitions: each partition goes to one member, balanced.
    #[test]
    fn fewer_members_split_the_partitions() {
        let a = simple_assign(&members(&["a", "b"]), &tps(4), &BTreeMap::new());
        assert_eq!(a["a"].len() + a["b"].len(), 4);
        assert_eq!(a["a"].len(), 2);
        // What a member had is kept (stickiness) when it still fits.
        let mut old = BTreeMap::new();
        old.insert("b".to_string(), vec![TopicPartition::new("t", 0), TopicPartition::new("t", 1)]);
        let a = simple_assign(&members(&["a", "b"]), &tps(4), &old);
        assert_eq!(a["b"], vec![TopicPartition::new("t", 0), TopicPartition::new("t", 1)]);
    }
}
