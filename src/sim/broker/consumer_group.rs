//! The KIP-848 consumer rebalance protocol on the group coordinator (`GroupMetadataManager.
//! consumerGroupHeartbeat`, `ConsumerGroup`, `ConsumerGroupMember`, `CurrentAssignmentBuilder`,
//! `TargetAssignmentBuilder`).
//!
//! The coordinator owns the assignment. Every member sends `ConsumerGroupHeartbeat`: a change of
//! membership or subscription bumps the **group epoch**; the next heartbeat computes a new
//! **target assignment** with the server-side assignor (`uniform` or `range`,
//! `group.consumer.assignors`, chosen by the members' `group.remote.assignor`) and stamps it with
//! that epoch (the **assignment epoch**); then each member is moved towards its target on its own
//! (`CurrentAssignmentBuilder`): first it must revoke what is no longer its own (its member epoch
//! stays), then it receives the target's partitions that no other member still holds, with the
//! new member epoch. No group-wide barrier: members that keep their partitions go on fetching.
//! A member that misses `group.consumer.session.timeout.ms` (45 s) or does not revoke within its
//! rebalance timeout (`max.poll.interval.ms`) is fenced: removed, and the group epoch bumped.

use super::group::{CommittedOffset, Group, GroupState, GroupStep};
use super::host::offsets_partitions;
use crate::sim::assignor::{self, ServerTopic};
use crate::sim::errors::KafkaError;
use crate::sim::partitioner::coordinator_partition;
use crate::sim::protocol::Response;
use crate::sim::sort::{CompactCollect, CompactSort};
use crate::sim::time::SimTime;
use crate::sim::trace::TraceKind;
use crate::sim::types::{NodeAddr, TopicPartition};
use std::collections::{BTreeMap, BTreeSet};

use super::consumer_group_state::*;

/// What the heartbeat answers: an error (with its message) or the member's id, epoch and maybe
/// its assignment.
type HeartbeatResult = Result<(String, i32, Option<Vec<TopicPartition>>), (KafkaError, Option<String>)>;

impl GroupStep<'_> {
    /// `GroupCoordinatorService.consumerGroupHeartbeat` and `GroupMetadataManager.
    /// consumerGroupHeartbeat` / `consumerGroupLeave`.
    pub(crate) fn consumer_group_heartbeat(&mut self, from: NodeAddr, corr: u64, hb: Heartbeat) {
        let interval = self.env.settings.consumer_group.heartbeat_interval_ms;
        let reply = |r: HeartbeatResult, epoch_if_error: i32| match r {
            Ok((member_id, member_epoch, assignment)) => Response::ConsumerGroupHeartbeat {
                error: None,
                error_message: None,
                member_id,
                member_epoch,
                heartbeat_interval_ms: interval,
                assignment,
            },
            Err((e, message)) => Response::ConsumerGroupHeartbeat {
                error: Some(e),
                error_message: message,
                member_id: String::new(),
                member_epoch: epoch_if_error,
                heartbeat_interval_ms: 0,
                assignment: None,
            },
        };
        if let Some(e) = self.not_coordinator_error(&hb.group) {
            self.out.respond(from, corr, reply(Err((e, None)), -1));
            return;
        }
        if let Err(e) = self.validate_heartbeat(&hb) {
            self.out.respond(from, corr, reply(Err(e), -1));
            return;
        }
        let before = self.coord.groups.get(&hb.group).and_then(|g| g.consumer.clone());
        let result = if hb.member_epoch < 0 {
            self.consumer_group_leave(&hb)
        } else {
            self.consumer_group_join_or_heartbeat(&hb)
        };
        let after = self.coord.groups.get(&hb.group).and_then(|g| g.consumer.clone());
        let resp = reply(result, -1);
        if before != after && after.is_some() {
            // The new state is written to __consumer_offsets; the answer waits for it to be
            // committed (`CoordinatorRuntime`: a write operation completes when its records are).
            self.persist_consumer_group(&hb.group, Some((from, corr, resp)));
        } else {
            self.out.respond(from, corr, resp);
        }
    }

    /// `throwIfConsumerGroupHeartbeatRequestIsInvalid` (v1).
    fn validate_heartbeat(&self, hb: &Heartbeat) -> Result<(), (KafkaError, Option<String>)> {
        let invalid = |m: &str| Err((KafkaError::INVALID_REQUEST, Some(m.to_string())));
        if hb.member_id.is_empty() {
            return invalid("MemberId can't be empty.");
        }
        if hb.group.is_empty() {
            return invalid("GroupId can't be empty.");
        }
        if hb.instance_id.as_deref() == Some("") {
            return invalid("InstanceId can't be empty.");
        }
        if hb.member_epoch == 0 {
            if hb.rebalance_timeout_ms == -1 {
                return invalid("RebalanceTimeoutMs must be provided in first request.");
            }
            if hb.owned.as_ref().map(|o| !o.is_empty()).unwrap_or(true) {
                return invalid("TopicPartitions must be empty when (re-)joining.");
            }
            if hb.subscribed_topics.is_none() {
                return invalid(
                    "Either SubscribedTopicNames or SubscribedTopicRegex must be non-null when (re-)joining.",
                );
            }
        } else if hb.member_epoch == -2 {
            if hb.instance_id.is_none() {
                return invalid("InstanceId can't be null.");
            }
        } else if hb.member_epoch < -2 {
            return invalid("MemberEpoch is invalid.");
        }
        let assignors = &self.env.settings.consumer_group.assignors;
        if let Some(a) = &hb.server_assignor {
            if !assignors.contains(a) {
                return Err((
                    KafkaError::UNSUPPORTED_ASSIGNOR,
                    Some(format!(
                        "ServerAssignor {a} is not supported. Supported assignors: {}.",
                        assignors.join(", ")
                    )),
                ));
            }
        }
        Ok(())
    }

    fn not_coordinator_error(&self, group: &str) -> Option<KafkaError> {
        let n = offsets_partitions(self.host.image(), self.env);
        if !self.host.image().topics.contains_key(crate::sim::types::OFFSETS_TOPIC) {
            return Some(KafkaError::COORDINATOR_NOT_AVAILABLE);
        }
        if !self.coord.owned.contains(&coordinator_partition(group, n)) {
            return Some(KafkaError::NOT_COORDINATOR);
        }
        None
    }

    /// The partition counts of the subscribed topics that exist (`updateSubscriptionMetadata`).
    pub(crate) fn subscription_metadata(&self, topics: &BTreeSet<String>) -> BTreeMap<String, i32> {
        let image = self.host.image();
        topics.iter().filter_map(|t| image.topics.get(t).map(|ti| (t.clone(), ti.partitions.len() as i32))).collect()
    }

    fn consumer_group_join_or_heartbeat(&mut self, hb: &Heartbeat) -> HeartbeatResult {
        let now = self.now;
        let session = self.env.settings.consumer_group.session_timeout_ms;
        let joining = hb.member_epoch == 0;
        // getOrMaybeCreateConsumerGroup.
        // A share group's id is not a consumer group's.
        if self.coord.share_groups.contains_key(&hb.group) {
            return Err((KafkaError::GROUP_ID_NOT_FOUND, Some(format!("Group {} is not a consumer group.", hb.group))));
        }
        let exists = self.coord.groups.get(&hb.group).map(|g| g.state != GroupState::Dead).unwrap_or(false);
        if !exists && !joining {
            return Err((KafkaError::GROUP_ID_NOT_FOUND, Some(format!("Consumer group {} not found.", hb.group))));
        }
        let classic_with_members = self
            .coord
            .groups
            .get(&hb.group)
            .map(|g| g.state != GroupState::Dead && g.consumer.is_none() && !g.members.is_empty())
            .unwrap_or(false);
        if classic_with_members {
            if !joining {
                return Err((
                    KafkaError::GROUP_ID_NOT_FOUND,
                    Some(format!("Group {} is not a consumer group.", hb.group)),
                ));
            }
            // The online upgrade (validateOnlineUpgrade, convertToConsumerGroup).
            self.upgrade_to_consumer_group(&hb.group)?;
        }
        {
            let g = self.coord.groups.entry(hb.group.clone()).or_insert_with(|| Group::new(&hb.group));
            if g.state == GroupState::Dead {
                *g = Group::new(&hb.group);
            }
            if g.consumer.is_none() {
                if !joining {
                    return Err((
                        KafkaError::GROUP_ID_NOT_FOUND,
                        Some(format!("Consumer group {} not found.", hb.group)),
                    ));
                }
                // An empty classic group becomes a consumer group; its offsets stay
                // (`maybeDeleteEmptyClassicGroup`).
                g.consumer = Some(ConsumerGroupState::new());
                g.protocol_type = Some("consumer".into());
                g.protocol = None;
                g.leader = None;
                g.generation = 0;
            }
        }
        let g = self.coord.groups.get_mut(&hb.group).expect("group");
        let cg = g.consumer.as_mut().expect("consumer group");
        // getOrMaybeSubscribeDynamicConsumerGroupMember / getOrMaybeSubscribeStaticConsumerGroupMember
        // with the epoch checks (`throwIfConsumerGroupMemberEpochIsInvalid`).
        let static_member = hb.instance_id.as_ref().and_then(|i| cg.static_member(i)).cloned();
        let mut replaced: Option<String> = None;
        let existing = match &hb.instance_id {
            None => cg.members.get(&hb.member_id).cloned(),
            Some(inst) if joining => match static_member {
                None => cg.members.get(&hb.member_id).cloned(),
                Some(old) => {
                    // throwIfInstanceIdIsUnreleased: only a member that left with epoch -2 gives
                    // its instance id up.
                    // A classic static member is replaced without the check: the rolling upgrade of
                    // a static member (getOrMaybeSubscribeStaticConsumerGroupMember).
                    if old.member_epoch != LEAVE_GROUP_STATIC_MEMBER_EPOCH && old.classic.is_none() {
                        return Err((
                            KafkaError::UNRELEASED_INSTANCE_ID,
                            Some(format!("Static member {} with instance id {inst} cannot join the group because the instance id is owned by {} member.", hb.member_id, old.member_id)),
                        ));
                    }
                    // replaceMember: the new member id takes the old member's place, its
                    // assignment and its target assignment, at epoch 0; the group epoch stays, so
                    // nobody else rebalances.
                    let mut m = old.clone();
                    m.member_id = hb.member_id.clone();
                    m.member_epoch = 0;
                    m.previous_epoch = 0;
                    cg.members.remove(&old.member_id);
                    if let Some(t) = cg.target.remove(&old.member_id) {
                        cg.target.insert(hb.member_id.clone(), t);
                    }
                    cg.members.insert(m.member_id.clone(), m.clone());
                    replaced = Some(old.member_id.clone());
                    Some(m)
                }
            },
            Some(inst) => {
                // throwIfStaticMemberIsUnknown, throwIfInstanceIdIsFenced.
                let Some(m) = static_member else {
                    return Err((KafkaError::UNKNOWN_MEMBER_ID, Some(format!("Instance id {inst} is unknown."))));
                };
                if m.member_id != hb.member_id {
                    return Err((
                        KafkaError::FENCED_INSTANCE_ID,
                        Some(format!(
                            "Static member {} with instance id {inst} was fenced by member {}.",
                            hb.member_id, m.member_id
                        )),
                    ));
                }
                Some(m)
            }
        };
        let member = match existing {
            Some(m) => {
                if !joining {
                    if hb.member_epoch > m.member_epoch {
                        return Err((
                            KafkaError::FENCED_MEMBER_EPOCH,
                            Some(format!("The consumer group member has a greater member epoch ({}) than the one known by the group coordinator ({}). The member must abandon all its partitions and rejoin.", hb.member_epoch, m.member_epoch)),
                        ));
                    }
                    let subset =
                        hb.owned.as_ref().map(|o| o.iter().all(|tp| m.assigned.contains_key(tp))).unwrap_or(false);
                    if hb.member_epoch < m.member_epoch && !(hb.member_epoch == m.previous_epoch && subset) {
                        return Err((
                            KafkaError::FENCED_MEMBER_EPOCH,
                            Some(format!("The consumer group member has a smaller member epoch ({}) than the one known by the group coordinator ({}). The member must abandon all its partitions and rejoin.", hb.member_epoch, m.member_epoch)),
                        ));
                    }
                }
                m
            }
            None => {
                if !joining {
                    return Err((
                        KafkaError::UNKNOWN_MEMBER_ID,
                        Some(format!("Member {} is not a member of group {}.", hb.member_id, hb.group)),
                    ));
                }
                ConsumerMember::new(hb.member_id.clone(), now)
            }
        };
        if let Some(old) = &replaced {
            self.out.trace(TraceKind::GroupStateChanged {
                group: hb.group.clone(),
                state: cg.state_name().into(),
                generation: cg.group_epoch,
                reason: format!(
                    "static member {} (group.instance.id {}) came back as {}: it keeps its partitions, no rebalance",
                    old,
                    hb.instance_id.as_deref().unwrap_or(""),
                    hb.member_id
                ),
            });
        }
        // A member rejoining with epoch 0 gives up what it held (`UNKNOWN` → abandon).
        let mut updated = member.clone();
        if joining && member.member_epoch != 0 {
            updated.assigned.clear();
            updated.pending_revocation.clear();
            updated.state = ConsumerMemberState::Stable;
            updated.member_epoch = 0;
            updated.previous_epoch = 0;
        }
        if let Some(i) = &hb.instance_id {
            updated.instance_id = Some(i.clone());
        }
        if hb.rebalance_timeout_ms >= 0 {
            updated.rebalance_timeout_ms = hb.rebalance_timeout_ms;
        }
        if let Some(a) = &hb.server_assignor {
            updated.server_assignor = Some(a.clone());
        }
        let mut subscription_changed = false;
        if let Some(t) = &hb.subscribed_topics {
            let mut t = t.clone();
            t.compact_sort();
            t.dedup();
            if t != updated.subscribed {
                updated.subscribed = t;
                subscription_changed = true;
            }
        }
        updated.client_id = hb.client_id.clone();
        updated.host = "/127.0.0.1".into();
        // It speaks ConsumerGroupHeartbeat: no classic metadata (`setClassicMemberMetadata(null)`).
        updated.classic = None;
        let assignor_changed = member.server_assignor != updated.server_assignor;
        let is_new = !cg.members.contains_key(&hb.member_id) && replaced.is_none();
        cg.members.insert(updated.member_id.clone(), updated.clone());
        // The group epoch: bumped by a new member, a subscription or assignor change, or a change
        // of the subscribed topics' metadata (`updateSubscriptionMetadata`).
        let topics = cg.subscribed_topics();
        let metadata = self.subscription_metadata(&topics);
        let g = self.coord.groups.get_mut(&hb.group).expect("group");
        let cg = g.consumer.as_mut().expect("consumer group");
        if is_new || subscription_changed || assignor_changed || metadata != cg.subscription_metadata {
            cg.group_epoch += 1;
            cg.subscription_metadata = metadata;
            self.out.trace(TraceKind::GroupStateChanged {
                group: hb.group.clone(),
                state: cg.state_name().into(),
                generation: cg.group_epoch,
                reason: if is_new {
                    format!("member {} joined (group epoch {})", hb.member_id, cg.group_epoch)
                } else {
                    format!("member {} changed its subscription (group epoch {})", hb.member_id, cg.group_epoch)
                },
            });
        }
        self.maybe_update_target_assignment(&hb.group);
        let g = self.coord.groups.get_mut(&hb.group).expect("group");
        let cg = g.consumer.as_mut().expect("consumer group");
        let target = cg.target.get(&hb.member_id).cloned().unwrap_or_default();
        let current = cg.members[&hb.member_id].clone();
        let next = {
            let cg_ref: &ConsumerGroupState = cg;
            let epoch_of = |tp: &TopicPartition| cg_ref.current_partition_epoch(tp, &hb.member_id);
            if subscription_changed
                || current.member_epoch != cg.assignment_epoch
                || current.state != ConsumerMemberState::Stable
            {
                reconcile(&current, cg.assignment_epoch, &target, hb.owned.as_deref(), &epoch_of)
            } else {
                current.clone()
            }
        };
        let mut next = next;
        next.session_deadline = now.plus_ms(session);
        if next != current {
            next.rebalance_deadline = if next.state == ConsumerMemberState::UnrevokedPartitions {
                if current.state == ConsumerMemberState::UnrevokedPartitions
                    && current.member_epoch == next.member_epoch
                {
                    current.rebalance_deadline
                } else {
                    Some((now.plus_ms(next.rebalance_timeout_ms.max(0)), next.member_epoch))
                }
            } else {
                None
            };
        }
        let assignment_changed = next.assigned != member.assigned || joining;
        let full = hb.rebalance_timeout_ms != -1 && hb.subscribed_topics.is_some() && hb.owned.is_some();
        if next.assigned != current.assigned || next.member_epoch != current.member_epoch {
            let assigned: Vec<TopicPartition> = next.assigned.keys().cloned().collect();
            self.out.trace(TraceKind::GroupAssignment {
                group: hb.group.clone(),
                member: hb.member_id.clone(),
                generation: next.member_epoch,
                partitions: assigned,
            });
        }
        let resp_epoch = next.member_epoch;
        let assignment = next.assigned.keys().cloned().collect::<Vec<_>>();
        cg.members.insert(hb.member_id.clone(), next);
        g.state = if cg.members.is_empty() { GroupState::Empty } else { GroupState::Stable };
        self.schedule_group_ticks();
        Ok((hb.member_id.clone(), resp_epoch, if assignment_changed || full { Some(assignment) } else { None }))
    }

    /// `maybeUpdateTargetAssignment`: when the group epoch is ahead of the assignment epoch and
    /// `group.consumer.assignment.interval.ms` has passed since the last computation, the
    /// preferred server assignor computes a new target from the current one.
    pub(crate) fn maybe_update_target_assignment(&mut self, group: &str) {
        let now = self.now;
        let interval = self.env.settings.consumer_group.assignment_interval_ms;
        let default = self.env.settings.consumer_group.assignors.first().cloned().unwrap_or_else(|| "uniform".into());
        let topics: BTreeMap<String, ServerTopic> = self
            .host
            .image()
            .topics
            .iter()
            .map(|(n, t)| (n.clone(), ServerTopic { id: t.id, partitions: t.partitions.len() as i32 }))
            .collect_map();
        let Some(cg) = self.coord.groups.get_mut(group).and_then(|g| g.consumer.as_mut()) else { return };
        if cg.assignment_epoch >= cg.group_epoch {
            return;
        }
        if let Some(t) = cg.assignment_time {
            if interval > 0 && now.ms_since(t) < interval {
                return;
            }
        }
        let assignor_name = cg.preferred_assignor_name(&default);
        let subscribed = cg.subscribed_topics();
        let topics: BTreeMap<String, ServerTopic> =
            topics.into_iter().filter(|(n, _)| subscribed.contains(n)).collect_map();
        let members: Vec<assignor::Member> = cg
            .members
            .values()
            .map(|m| assignor::Member {
                member_id: m.member_id.clone(),
                group_instance_id: m.instance_id.clone(),
                topics: m.subscribed.clone(),
                owned: cg.target.get(&m.member_id).cloned().unwrap_or_default(),
                generation: assignor::DEFAULT_GENERATION,
                user_data: None,
            })
            .collect();
        let result = if assignor_name == "range" {
            assignor::server_range(&members, &topics)
        } else {
            assignor::server_uniform(&members, &topics)
        };
        cg.target = cg.members.keys().map(|id| (id.clone(), result.get(id).cloned().unwrap_or_default())).collect();
        cg.assignment_epoch = cg.group_epoch;
        cg.assignment_time = Some(now);
        self.out.trace(TraceKind::GroupStateChanged {
            group: group.to_string(),
            state: cg.state_name().into(),
            generation: cg.assignment_epoch,
            reason: format!(
                "computed a new target assignment for epoch {} with the {assignor_name} assignor",
                cg.assignment_epoch
            ),
        });
    }

    /// `consumerGroupLeave`: -1 leaves for good, -2 (a static member) for now.
    fn consumer_group_leave(&mut self, hb: &Heartbeat) -> HeartbeatResult {
        let Some(cg) = self.coord.groups.get_mut(&hb.group).and_then(|g| g.consumer.as_mut()) else {
            return Err((KafkaError::GROUP_ID_NOT_FOUND, Some(format!("Consumer group {} not found.", hb.group))));
        };
        let id = match &hb.instance_id {
            None => hb.member_id.clone(),
            // throwIfStaticMemberIsUnknown, throwIfInstanceIdIsFenced.
            Some(inst) => match cg.static_member(inst) {
                Some(m) if m.member_id == hb.member_id => m.member_id.clone(),
                Some(m) => {
                    return Err((
                        KafkaError::FENCED_INSTANCE_ID,
                        Some(format!(
                            "Static member {} with instance id {inst} was fenced by member {}.",
                            hb.member_id, m.member_id
                        )),
                    ))
                }
                None => return Err((KafkaError::UNKNOWN_MEMBER_ID, Some(format!("Instance id {inst} is unknown.")))),
            },
        };
        if !cg.members.contains_key(&id) {
            return Err((
                KafkaError::UNKNOWN_MEMBER_ID,
                Some(format!("Member {id} is not a member of group {}.", hb.group)),
            ));
        }
        if hb.member_epoch == LEAVE_GROUP_STATIC_MEMBER_EPOCH {
            // consumerGroupStaticMemberGroupLeave: the member stays with epoch -2, nothing pending
            // revocation and its partitions' epochs reset to 0, until the same instance id joins
            // again (and takes its place) or its session times out (the session timeout is not
            // cancelled). No group epoch bump: the others keep what they have.
            if let Some(m) = cg.members.get_mut(&id) {
                m.member_epoch = LEAVE_GROUP_STATIC_MEMBER_EPOCH;
                m.pending_revocation.clear();
                for e in m.assigned.values_mut() {
                    *e = 0;
                }
                m.rebalance_deadline = None;
            }
            self.out.trace(TraceKind::GroupStateChanged {
                group: hb.group.clone(),
                state: cg.state_name().into(),
                generation: cg.group_epoch,
                reason: format!(
                    "static member {id} (group.instance.id {}) left for now: its partitions wait for it until its session times out",
                    hb.instance_id.as_deref().unwrap_or("")
                ),
            });
            return Ok((id, LEAVE_GROUP_STATIC_MEMBER_EPOCH, None));
        }
        self.fence_consumer_member(&hb.group, &id, "the member left the group");
        Ok((hb.member_id.clone(), hb.member_epoch, None))
    }

    /// `consumerGroupFenceMember`: remove the member, bump the group epoch (its partitions go to
    /// the others at the next target assignment).
    pub(crate) fn fence_consumer_member(&mut self, group: &str, member: &str, reason: &str) {
        self.fence_consumer_members(group, &[member.to_string()], reason);
    }

    /// `consumerGroupFenceMembers`: when only classic members would remain, the group is
    /// downgraded to a classic group instead (`validateOnlineDowngradeWithFencedMembers`,
    /// `convertToClassicGroup`); otherwise each member is removed.
    pub(crate) fn fence_consumer_members(&mut self, group: &str, members: &[String], reason: &str) {
        if self.downgrade_allowed(group, members) {
            self.downgrade_to_classic_group(group, members, reason);
            return;
        }
        for m in members {
            self.remove_consumer_member(group, m, reason);
        }
    }

    fn remove_consumer_member(&mut self, group: &str, member: &str, reason: &str) {
        let Some(g) = self.coord.groups.get_mut(group) else { return };
        let Some(cg) = g.consumer.as_mut() else { return };
        if cg.members.remove(member).is_none() {
            return;
        }
        cg.target.remove(member);
        cg.group_epoch += 1;
        let topics = cg.subscribed_topics();
        cg.subscription_metadata = {
            let image = self.host.image();
            topics
                .iter()
                .filter_map(|t| image.topics.get(t).map(|ti| (t.clone(), ti.partitions.len() as i32)))
                .collect_map()
        };
        let g = self.coord.groups.get_mut(group).expect("group");
        let cg = g.consumer.as_mut().expect("consumer group");
        self.out.trace(TraceKind::MemberRemoved {
            group: group.to_string(),
            member: member.to_string(),
            reason: reason.to_string(),
        });
        if cg.members.is_empty() {
            // The last member gone: the (empty) target assignment is at the new epoch.
            cg.assignment_epoch = cg.group_epoch;
            cg.assignment_time = None;
            g.state = GroupState::Empty;
            g.empty_since = Some(self.now);
        }
        let state = cg.state_name();
        let epoch = cg.group_epoch;
        self.out.trace(TraceKind::GroupStateChanged {
            group: group.to_string(),
            state: state.into(),
            generation: epoch,
            reason: format!("member {member} removed (group epoch {epoch})"),
        });
    }

    /// Session and rebalance timeouts of a consumer group's members.
    pub(crate) fn consumer_group_tick(&mut self, group: &str) {
        let now = self.now;
        let Some(cg) = self.coord.groups.get(group).and_then(|g| g.consumer.as_ref()) else { return };
        let session = self.env.settings.consumer_group.session_timeout_ms;
        let mut fenced: Vec<(String, String)> = Vec::new();
        for m in cg.members.values() {
            if now >= m.session_deadline {
                fenced.push((
                    m.member_id.clone(),
                    format!("no heartbeat for {} s (group.consumer.session.timeout.ms={session})", session / 1000),
                ));
            } else if m.classic.as_ref().and_then(|c| c.join_deadline).is_some_and(|t| now >= t) {
                // scheduleConsumerGroupJoinTimeoutIfAbsent.
                fenced.push((
                    m.member_id.clone(),
                    "the classic member failed to join within the rebalance timeout".into(),
                ));
            } else if m.classic.as_ref().and_then(|c| c.sync_deadline).is_some_and(|t| now >= t) {
                // scheduleConsumerGroupSyncTimeout.
                fenced.push((m.member_id.clone(), "the member failed to sync within timeout".into()));
            } else if let Some((t, epoch)) = m.rebalance_deadline {
                if now >= t && m.member_epoch == epoch {
                    fenced.push((
                        m.member_id.clone(),
                        format!(
                            "it failed to transition from epoch {epoch} within {}ms (its rebalance timeout)",
                            m.rebalance_timeout_ms
                        ),
                    ));
                }
            }
        }
        if fenced.is_empty() {
            return;
        }
        for (id, reason) in &fenced {
            self.fence_consumer_member(group, id, reason);
        }
        self.persist_consumer_group(group, None);
    }

    /// The next session or rebalance deadline of a consumer group.
    pub(crate) fn consumer_group_next_deadline(cg: &ConsumerGroupState) -> Option<SimTime> {
        let mut next: Option<SimTime> = None;
        for m in cg.members.values() {
            let mut consider = |t: SimTime| next = Some(next.map_or(t, |n: SimTime| n.min(t)));
            consider(m.session_deadline);
            if let Some((t, _)) = m.rebalance_deadline {
                consider(t);
            }
            if let Some(c) = &m.classic {
                c.join_deadline.into_iter().chain(c.sync_deadline).for_each(&mut consider);
            }
        }
        next
    }

    /// Writes the consumer group's state to its `__consumer_offsets` partition (Kafka writes
    /// `ConsumerGroupMetadata`, `TargetAssignment` and `CurrentAssignment` records; here one
    /// readable record holds them); `reply` is answered when the write is committed.
    pub(crate) fn persist_consumer_group(&mut self, group: &str, reply: Option<(NodeAddr, u64, Response)>) {
        let Some(cg) = self.coord.groups.get(group).and_then(|g| g.consumer.as_ref()) else { return };
        let value = serde_json::to_string(cg).unwrap_or_default();
        let (to, corr, resp) =
            reply.unwrap_or((NodeAddr::Broker(self.host.broker_id()), 0, Response::Heartbeat { error: None }));
        let offsets: Vec<(TopicPartition, CommittedOffset)> = vec![];
        self.write_offsets_records(to, corr, group, vec![(consumer_group_key(group), Some(value))], resp, offsets);
    }

    /// Offset commit checks of a consumer group (`ConsumerGroup.validateOffsetCommit`): `None`
    /// accepts.
    pub(crate) fn validate_consumer_commit(
        cg: &ConsumerGroupState,
        member_id: &str,
        member_epoch: i32,
        partitions: &[TopicPartition],
    ) -> Option<KafkaError> {
        if member_epoch < 0 && cg.members.is_empty() {
            return None;
        }
        let Some(m) = cg.members.get(member_id) else { return Some(KafkaError::UNKNOWN_MEMBER_ID) };
        if member_epoch == m.member_epoch {
            return None;
        }
        if member_epoch > m.member_epoch {
            // A classic member's generation is its member epoch: too new is ILLEGAL_GENERATION.
            return Some(if m.classic.is_some() {
                KafkaError::ILLEGAL_GENERATION
            } else {
                KafkaError::STALE_MEMBER_EPOCH
            });
        }
        // createAssignmentEpochValidator: an older epoch may commit partitions it was assigned
        // at or before that epoch.
        for tp in partitions {
            match m.assigned.get(tp).or_else(|| m.pending_revocation.get(tp)) {
                Some(e) if *e <= member_epoch => {}
                _ => return Some(KafkaError::STALE_MEMBER_EPOCH),
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tp(p: i32) -> TopicPartition {
        TopicPartition::new("t", p)
    }

    fn member(id: &str, epoch: i32, assigned: &[i32]) -> ConsumerMember {
        ConsumerMember {
            member_id: id.into(),
            instance_id: None,
            client_id: id.into(),
            host: "/127.0.0.1".into(),
            member_epoch: epoch,
            previous_epoch: epoch - 1,
            state: ConsumerMemberState::Stable,
            rebalance_timeout_ms: 300_000,
            subscribed: vec!["t".into()],
            server_assignor: None,
            assigned: assigned.iter().map(|p| (tp(*p), epoch)).collect(),
            pending_revocation: BTreeMap::new(),
            session_deadline: SimTime::ZERO,
            rebalance_deadline: None,
            classic: None,
        }
    }

    // CurrentAssignmentBuilder.computeNextAssignment: a member that must give partitions back
    // first revokes them and keeps its epoch (UNREVOKED_PARTITIONS).
    #[test]
    fn revocation_comes_first_and_keeps_the_epoch() {
        let m = member("a", 2, &[0, 1, 2]);
        let next = reconcile(&m, 3, &[tp(0), tp(1)], Some(&[tp(0), tp(1), tp(2)]), &|_| -1);
        assert_eq!(next.state, ConsumerMemberState::UnrevokedPartitions);
        assert_eq!(next.member_epoch, 2);
        assert_eq!(next.assigned.keys().cloned().collect::<Vec<_>>(), vec![tp(0), tp(1)]);
        assert_eq!(next.pending_revocation.keys().cloned().collect::<Vec<_>>(), vec![tp(2)]);
        // Still owning it (the heartbeat says so): nothing moves.
        assert_eq!(reconcile(&next, 3, &[tp(0), tp(1)], Some(&[tp(0), tp(1), tp(2)]), &|_| -1), next);
        // No owned list: assumed still owned (`ownsRevokedPartitions` with null).
        assert_eq!(reconcile(&next, 3, &[tp(0), tp(1)], None, &|_| -1), next);
        // Acknowledged: the member reaches the target epoch.
        let done = reconcile(&next, 3, &[tp(0), tp(1)], Some(&[tp(0), tp(1)]), &|_| -1);
        assert_eq!(done.state, ConsumerMemberState::Stable);
        assert_eq!(done.member_epoch, 3);
        assert_eq!(done.previous_epoch, 2);
        assert!(done.pending_revocation.is_empty());
    }

    // computeNextAssignment: a partition another member still holds is not given
    // (UNRELEASED_PARTITIONS, with the new epoch); once released it is, at the target epoch.
    #[test]
    fn partitions_held_by_others_wait_until_released() {
        let m = member("b", 2, &[]);
        let held = |t: &TopicPartition| if t.partition == 1 { 2 } else { -1 };
        let next = reconcile(&m, 3, &[tp(0), tp(1)], Some(&[]), &held);
        assert_eq!(next.state, ConsumerMemberState::UnreleasedPartitions);
        assert_eq!(next.member_epoch, 3);
        assert_eq!(next.assigned.keys().cloned().collect::<Vec<_>>(), vec![tp(0)]);
        let released = reconcile(&next, 3, &[tp(0), tp(1)], Some(&[tp(0)]), &|_| -1);
        assert_eq!(released.state, ConsumerMemberState::Stable);
        assert_eq!(released.assigned.get(&tp(1)), Some(&3));
    }

    // ConsumerGroup.maybeUpdateGroupState.
    #[test]
    fn group_states_follow_the_epochs() {
        let mut g = ConsumerGroupState::new();
        assert_eq!((g.group_epoch, g.assignment_epoch, g.state_name()), (1, 0, "Empty"));
        g.members.insert("a".into(), member("a", 2, &[0]));
        g.group_epoch = 3;
        g.assignment_epoch = 2;
        assert_eq!(g.state_name(), "Assigning");
        g.assignment_epoch = 3;
        assert_eq!(g.state_name(), "Reconciling");
        g.members.get_mut("a").unwrap().member_epoch = 3;
        assert_eq!(g.state_name(), "Stable");
    }

    // ConsumerGroup.validateOffsetCommit: the current epoch commits; a newer one is stale; an
    // older one only for partitions assigned at or before it; unknown members are refused.
    #[test]
    fn offset_commits_check_the_member_epoch() {
        let mut g = ConsumerGroupState::new();
        let mut m = member("a", 4, &[0]);
        m.assigned.insert(tp(1), 2);
        g.members.insert("a".into(), m);
        assert_eq!(GroupStep::validate_consumer_commit(&g, "a", 4, &[tp(0)]), None);
        assert_eq!(GroupStep::validate_consumer_commit(&g, "a", 5, &[tp(0)]), Some(KafkaError::STALE_MEMBER_EPOCH));
        assert_eq!(GroupStep::validate_consumer_commit(&g, "a", 3, &[tp(1)]), None);
        assert_eq!(GroupStep::validate_consumer_commit(&g, "a", 3, &[tp(0)]), Some(KafkaError::STALE_MEMBER_EPOCH));
        assert_eq!(GroupStep::validate_consumer_commit(&g, "x", 4, &[tp(0)]), Some(KafkaError::UNKNOWN_MEMBER_ID));
        g.members.clear();
        assert_eq!(GroupStep::validate_consumer_commit(&g, "", -1, &[tp(0)]), None);
    }

    // The checker's invariant can fail: two members holding one partition are reported.
    #[test]
    fn the_checker_reports_a_partition_held_twice() {
        let mut coord = crate::sim::broker::group::GroupCoordinator::default();
        let mut g = Group::new("g");
        let mut cg = ConsumerGroupState::new();
        cg.members.insert("a".into(), member("a", 2, &[0, 1]));
        let mut b = member("b", 2, &[2]);
        b.pending_revocation.insert(tp(1), 2);
        cg.members.insert("b".into(), b);
        g.consumer = Some(cg);
        coord.groups.insert("g".into(), g);
        let mut checker = crate::sim::checker::Checker::default();
        let found = checker.check_consumer_groups(1, &coord);
        assert_eq!(found.len(), 1, "{found:?}");
        coord
            .groups
            .get_mut("g")
            .unwrap()
            .consumer
            .as_mut()
            .unwrap()
            .members
            .get_mut("b")
            .unwrap()
            .pending_revocation
            .clear();
        assert!(checker.check_consumer_groups(1, &coord).is_empty());
    }
}
