//! Mixed consumer groups and the online migration between the classic protocol and the consumer
//! protocol (KIP-848), as Kafka 4.4's `GroupMetadataManager` does them.
//!
//! - **Upgrade**: the first `ConsumerGroupHeartbeat` (epoch 0) into a classic group that has
//!   members converts it into a consumer group (`getOrMaybeCreateConsumerGroup` →
//!   `validateOnlineUpgrade`, `convertToConsumerGroup`, `ConsumerGroup.fromClassicGroup`): the
//!   group epoch and assignment epoch become the classic generation, every classic member stays
//!   with its assignment at that epoch (its target assignment too), marked as a classic member.
//! - **Classic members in a consumer group** keep speaking JoinGroup / SyncGroup / Heartbeat /
//!   LeaveGroup, answered against the consumer group (`classicGroupJoinToConsumerGroup`,
//!   `classicGroupSyncToConsumerGroup`, `classicGroupHeartbeatToConsumerGroup`,
//!   `classicGroupLeaveToConsumerGroup`): the coordinator's assignor decides, a JoinGroup is
//!   reconciled like a heartbeat (its subscription's owned partitions are what it holds), the
//!   generation is the member epoch, and a heartbeat answers REBALANCE_IN_PROGRESS while the member
//!   is behind the assignment epoch or must revoke, so it rejoins.
//! - **Downgrade**: when the last consumer-protocol member leaves (or is fenced) and classic
//!   members remain, the group becomes a classic group again (`consumerGroupFenceMembers` →
//!   `validateOnlineDowngradeWithFencedMembers`, `convertToClassicGroup`,
//!   `ClassicGroup.fromConsumerGroup`): Stable at the group epoch, each member with its target
//!   assignment, then a rebalance ("Downgrade group … for member leaving.").
//!
//! `group.consumer.migration.policy` (default `bidirectional`) gates the conversions of non-empty
//! groups; `disabled` also refuses classic members joining a consumer group.

use super::consumer_group_state::*;
use super::group::{sync_error, GroupState, GroupStep, Member};
use crate::sim::errors::KafkaError;
use crate::sim::protocol::Response;
use crate::sim::sort::{CompactCollect, CompactSort};
use crate::sim::trace::TraceKind;
use crate::sim::types::{NodeAddr, TopicPartition};
use std::collections::{BTreeMap, BTreeSet};

/// `java.util.UUID.randomUUID().toString()`: the member id the coordinator gives a classic
/// member joining a consumer group (`Uuid.randomUuid().toString()`).
fn random_uuid(rng: &mut crate::sim::rng::Pcg32) -> String {
    let msb = (rng.next_u64() & !0xF000) | 0x4000;
    let lsb = (rng.next_u64() & !0xC000_0000_0000_0000) | 0x8000_0000_0000_0000;
    let hex = format!("{msb:016x}{lsb:016x}");
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

fn join_error(e: KafkaError, member_id: String) -> Response {
    Response::JoinGroup {
        error: Some(e),
        generation: -1,
        protocol: String::new(),
        leader: String::new(),
        member_id,
        members: vec![],
    }
}

impl GroupStep<'_> {
    /// `validateOnlineUpgrade` and `convertToConsumerGroup` (with `ConsumerGroup.fromClassicGroup`)
    /// for the classic group `group`, which has members. `Err` is the heartbeat's answer.
    pub(crate) fn upgrade_to_consumer_group(&mut self, group: &str) -> Result<(), (KafkaError, Option<String>)> {
        let policy = self.env.settings.consumer_group.migration_policy;
        let Some(g) = self.coord.groups.get(group) else { return Ok(()) };
        if !policy.upgrade_enabled() {
            return Err((
                KafkaError::GROUP_ID_NOT_FOUND,
                Some(format!(
                    "Cannot upgrade classic group {group} to consumer group because online upgrade is disabled."
                )),
            ));
        }
        // ClassicGroup.usesConsumerGroupProtocol: the embedded consumer protocol.
        if g.protocol_type.as_deref() != Some("consumer") {
            return Err((
                KafkaError::GROUP_ID_NOT_FOUND,
                Some(format!("Cannot upgrade classic group {group} to consumer group because the group does not use the consumer embedded protocol.")),
            ));
        }
        let now = self.now;
        let generation = g.generation;
        let protocol = g.protocol.clone();
        let image_topics: BTreeSet<String> = self.host.image().topics.keys().cloned().collect_set();
        let mut cg = ConsumerGroupState::new();
        cg.group_epoch = generation;
        cg.assignment_epoch = generation;
        cg.assignment_time = None;
        for m in g.members.values() {
            let sub = m
                .protocols
                .iter()
                .find(|(n, _)| Some(n) == protocol.as_ref())
                .or_else(|| m.protocols.first())
                .map(|(_, s)| s.clone());
            let mut subscribed: Vec<String> = sub.map(|s| s.topics.clone()).unwrap_or_default();
            subscribed.compact_sort();
            subscribed.dedup();
            // Utils.toTopicPartitionMap: partitions of topics that no longer exist are dropped.
            let assignment: Vec<TopicPartition> =
                m.assignment.iter().filter(|tp| image_topics.contains(&tp.topic)).cloned().collect();
            cg.target.insert(m.member_id.clone(), assignment.clone());
            cg.members.insert(
                m.member_id.clone(),
                ConsumerMember {
                    member_id: m.member_id.clone(),
                    instance_id: m.instance_id.clone(),
                    client_id: m.client_id.clone(),
                    host: m.host.clone(),
                    member_epoch: generation,
                    previous_epoch: generation,
                    state: ConsumerMemberState::Stable,
                    rebalance_timeout_ms: m.rebalance_timeout_ms,
                    subscribed,
                    server_assignor: None,
                    assigned: assignment.into_iter().map(|tp| (tp, generation)).collect_map(),
                    pending_revocation: BTreeMap::new(),
                    // scheduleConsumerGroupSessionTimeout with the classic session timeout.
                    session_deadline: now.plus_ms(m.session_timeout_ms),
                    rebalance_deadline: None,
                    classic: Some(ClassicMemberMetadata {
                        session_timeout_ms: m.session_timeout_ms,
                        protocols: m.protocols.clone(),
                        join_deadline: None,
                        sync_deadline: None,
                    }),
                },
            );
        }
        let topics = cg.subscribed_topics();
        cg.subscription_metadata = self.subscription_metadata(&topics);
        // completeAllJoinFutures / completeAllSyncFutures(REBALANCE_IN_PROGRESS).
        let g = self.coord.groups.get_mut(group).expect("group");
        for m in g.members.values_mut() {
            if let Some((to, c)) = m.join_pending.take() {
                self.out.respond(to, c, join_error(KafkaError::REBALANCE_IN_PROGRESS, m.member_id.clone()));
            }
            if let Some((to, c)) = m.sync_pending.take() {
                self.out.respond(to, c, sync_error(KafkaError::REBALANCE_IN_PROGRESS));
            }
        }
        g.members.clear();
        g.protocol = None;
        g.leader = None;
        g.rebalance_deadline = None;
        g.initial_delay_until = None;
        g.protocol_type = Some("consumer".into());
        g.state = GroupState::Stable;
        let members = cg.members.len();
        g.consumer = Some(cg);
        self.out.trace(TraceKind::GroupStateChanged {
            group: group.to_string(),
            state: "Stable".into(),
            generation,
            reason: format!(
                "a consumer-protocol member joined: the classic group (generation {generation}, {members} member(s)) became a consumer group at epoch {generation}, its members keep their partitions (online upgrade, group.consumer.migration.policy)"
            ),
        });
        Ok(())
    }

    /// `validateOnlineDowngradeWithFencedMembers`: after `leaving` go, only classic members
    /// remain (at least one) and the policy allows a downgrade.
    pub(crate) fn downgrade_allowed(&self, group: &str, leaving: &[String]) -> bool {
        let Some(cg) = self.coord.groups.get(group).and_then(|g| g.consumer.as_ref()) else { return false };
        let leaving_classic =
            cg.members.values().filter(|m| leaving.contains(&m.member_id) && m.classic.is_some()).count();
        let leaving_known = cg.members.keys().filter(|id| leaving.contains(id)).count();
        let remaining = cg.members.len() - leaving_known;
        cg.classic_members() - leaving_classic == remaining
            && remaining > 0
            && self.env.settings.consumer_group.migration_policy.downgrade_enabled()
    }

    /// `convertToClassicGroup` (with `ClassicGroup.fromConsumerGroup`) when `leaving` leave a
    /// consumer group whose other members all speak the classic protocol: a Stable classic group
    /// at the group epoch, each member with its target assignment, then a rebalance so the
    /// members rejoin with the classic protocol.
    pub(crate) fn downgrade_to_classic_group(&mut self, group: &str, leaving: &[String], reason: &str) {
        let now = self.now;
        let Some(g) = self.coord.groups.get_mut(group) else { return };
        let Some(cg) = g.consumer.take() else { return };
        for id in leaving {
            if cg.members.contains_key(id) {
                self.out.trace(TraceKind::MemberRemoved {
                    group: group.to_string(),
                    member: id.clone(),
                    reason: reason.to_string(),
                });
            }
        }
        g.generation = cg.group_epoch;
        g.protocol_type = Some("consumer".into());
        g.leader = None;
        g.members = cg
            .members
            .values()
            .filter(|m| !leaving.contains(&m.member_id))
            .filter_map(|m| {
                let c = m.classic.as_ref()?;
                Some((
                    m.member_id.clone(),
                    Member {
                        member_id: m.member_id.clone(),
                        instance_id: m.instance_id.clone(),
                        client_id: m.client_id.clone(),
                        host: m.host.clone(),
                        session_timeout_ms: c.session_timeout_ms,
                        rebalance_timeout_ms: m.rebalance_timeout_ms,
                        protocols: c.protocols.clone(),
                        assignment: cg.target.get(&m.member_id).cloned().unwrap_or_default(),
                        // rescheduleClassicGroupMemberHeartbeat.
                        last_heartbeat: now,
                        join_pending: None,
                        sync_pending: None,
                        joined_at: now,
                    },
                ))
            })
            .collect_map();
        g.state = GroupState::Stable;
        g.protocol = g.select_protocol();
        g.empty_since = None;
        let generation = g.generation;
        self.out.trace(TraceKind::GroupStateChanged {
            group: group.to_string(),
            state: "Stable".into(),
            generation,
            reason: format!(
                "the last consumer-protocol member left: the consumer group became a classic group at generation {generation} (online downgrade, group.consumer.migration.policy)"
            ),
        });
        self.persist_group(group);
        self.prepare_rebalance(group, &format!("Downgrade group {group} from consumer to classic for member leaving."));
        self.schedule_group_ticks();
    }

    /// `classicGroupJoinToConsumerGroup`: a classic member joins (or rejoins) a consumer group
    /// that has members.
    pub(crate) fn classic_join_to_consumer_group(&mut self, from: NodeAddr, corr: u64, join: ClassicJoin) {
        let now = self.now;
        let group = join.group.clone();
        let policy = self.env.settings.consumer_group.migration_policy;
        // throwIfClassicMemberCannotJoinConsumerGroup.
        if policy == crate::sim::config::MigrationPolicy::Disabled {
            self.out.respond(from, corr, join_error(KafkaError::INCONSISTENT_GROUP_PROTOCOL, join.member_id));
            return;
        }
        let unknown = join.member_id.is_empty();
        let member_id = if unknown { random_uuid(self.host.rng()) } else { join.member_id.clone() };
        let names: Vec<String> = join.protocols.iter().map(|(n, _)| n.clone()).collect();
        let Some(cg) = self.coord.groups.get(&group).and_then(|g| g.consumer.as_ref()) else { return };
        // throwIfClassicProtocolIsNotSupported.
        if !cg.supports_classic_protocols(&join.protocol_type, &names) {
            self.out.respond(from, corr, join_error(KafkaError::INCONSISTENT_GROUP_PROTOCOL, member_id));
            return;
        }
        // JoinGroupRequest.requiresKnownMemberId (KIP-394): a dynamic member learns its id first.
        if unknown && join.instance_id.is_none() {
            self.out.respond(from, corr, join_error(KafkaError::MEMBER_ID_REQUIRED, member_id));
            return;
        }
        let mut replaced: Option<String> = None;
        let existing: Option<ConsumerMember> = match &join.instance_id {
            // getOrMaybeSubscribeDynamicConsumerGroupMember(createIfNotExists = true).
            None => cg.members.get(&member_id).cloned(),
            Some(inst) => {
                let old = cg.static_member(inst).cloned();
                if unknown {
                    // A classic static member takes the instance id's place without the
                    // "unreleased" check (getOrMaybeSubscribeStaticConsumerGroupMember).
                    old.map(|o| {
                        replaced = Some(o.member_id.clone());
                        let mut m = o;
                        m.member_id = member_id.clone();
                        m.member_epoch = 0;
                        m.previous_epoch = 0;
                        m
                    })
                } else {
                    match old {
                        None => {
                            self.out.respond(from, corr, join_error(KafkaError::UNKNOWN_MEMBER_ID, member_id));
                            return;
                        }
                        Some(o) if o.member_id != member_id => {
                            self.out.respond(from, corr, join_error(KafkaError::FENCED_INSTANCE_ID, member_id));
                            return;
                        }
                        Some(o) => Some(o),
                    }
                }
            }
        };
        let first = join.protocols.first().map(|(n, s)| (n.clone(), s.clone()));
        let Some((protocol_name, subscription)) = first else {
            self.out.respond(from, corr, join_error(KafkaError::INCONSISTENT_GROUP_PROTOCOL, member_id));
            return;
        };
        let mut topics = subscription.topics.clone();
        topics.compact_sort();
        topics.dedup();
        let is_new = existing.is_none();
        let member = existing.unwrap_or_else(|| ConsumerMember::new(member_id.clone(), now));
        let mut updated = member.clone();
        if join.instance_id.is_some() {
            updated.instance_id = join.instance_id.clone();
        }
        if join.rebalance_timeout_ms >= 0 {
            updated.rebalance_timeout_ms = join.rebalance_timeout_ms;
        }
        updated.server_assignor = None;
        let subscription_changed = updated.subscribed != topics;
        updated.subscribed = topics;
        updated.client_id = join.client_id.clone();
        updated.host = "/127.0.0.1".into();
        let (join_deadline, _) =
            member.classic.as_ref().map(|c| (c.join_deadline, c.sync_deadline)).unwrap_or_default();
        updated.classic = Some(ClassicMemberMetadata {
            session_timeout_ms: join.session_timeout_ms,
            protocols: join.protocols.clone(),
            join_deadline,
            sync_deadline: None,
        });
        let g = self.coord.groups.get_mut(&group).expect("group");
        let cg = g.consumer.as_mut().expect("consumer group");
        if let Some(old) = &replaced {
            cg.members.remove(old);
            if let Some(t) = cg.target.remove(old) {
                cg.target.insert(member_id.clone(), t);
            }
        }
        let assignor_changed = member.server_assignor.is_some();
        cg.members.insert(member_id.clone(), updated);
        let topics = cg.subscribed_topics();
        let metadata = self.subscription_metadata(&topics);
        let g = self.coord.groups.get_mut(&group).expect("group");
        let cg = g.consumer.as_mut().expect("consumer group");
        if (is_new && replaced.is_none())
            || subscription_changed
            || assignor_changed
            || metadata != cg.subscription_metadata
        {
            cg.group_epoch += 1;
            cg.subscription_metadata = metadata;
            self.out.trace(TraceKind::GroupStateChanged {
                group: group.clone(),
                state: cg.state_name().into(),
                generation: cg.group_epoch,
                reason: format!(
                    "classic member {member_id} joined the consumer group (JoinGroup, group epoch {})",
                    cg.group_epoch
                ),
            });
        }
        self.maybe_update_target_assignment(&group);
        let g = self.coord.groups.get_mut(&group).expect("group");
        let cg = g.consumer.as_mut().expect("consumer group");
        let target = cg.target.get(&member_id).cloned().unwrap_or_default();
        let current = cg.members[&member_id].clone();
        let owned: Vec<TopicPartition> = subscription.owned.clone();
        let mut next = {
            let cg_ref: &ConsumerGroupState = cg;
            let epoch_of = |tp: &TopicPartition| cg_ref.current_partition_epoch(tp, &member_id);
            reconcile(&current, cg.assignment_epoch, &target, Some(&owned), &epoch_of)
        };
        // scheduleConsumerGroupSessionTimeout and scheduleConsumerGroupSyncTimeout;
        // cancelConsumerGroupJoinTimeout.
        next.session_deadline = now.plus_ms(join.session_timeout_ms);
        if let Some(c) = next.classic.as_mut() {
            c.join_deadline = None;
            c.sync_deadline = Some(now.plus_ms(join.rebalance_timeout_ms.max(0)));
        }
        if next.assigned != current.assigned || next.member_epoch != current.member_epoch {
            self.out.trace(TraceKind::GroupAssignment {
                group: group.clone(),
                member: member_id.clone(),
                generation: next.member_epoch,
                partitions: next.assigned.keys().cloned().collect(),
            });
        }
        let generation = next.member_epoch;
        cg.members.insert(member_id.clone(), next);
        g.state = GroupState::Stable;
        let resp = Response::JoinGroup {
            error: None,
            generation,
            protocol: protocol_name,
            leader: String::new(),
            member_id: member_id.clone(),
            members: vec![],
        };
        self.schedule_group_ticks();
        self.persist_consumer_group(&group, Some((from, corr, resp)));
    }

    /// The member a classic request names (`validateConsumerGroupMember`,
    /// `throwIfMemberDoesNotUseClassicProtocol`).
    fn classic_member_of(
        cg: &ConsumerGroupState,
        member_id: &str,
        instance_id: Option<&str>,
    ) -> Result<String, KafkaError> {
        let m = match instance_id {
            None => cg.members.get(member_id).ok_or(KafkaError::UNKNOWN_MEMBER_ID)?,
            Some(inst) => {
                let m = cg.static_member(inst).ok_or(KafkaError::UNKNOWN_MEMBER_ID)?;
                if m.member_id != member_id {
                    return Err(KafkaError::FENCED_INSTANCE_ID);
                }
                m
            }
        };
        if m.classic.is_none() {
            return Err(KafkaError::UNKNOWN_MEMBER_ID);
        }
        Ok(m.member_id.clone())
    }

    /// `classicGroupSyncToConsumerGroup`: the member's current assignment, unless the group moved
    /// on and the member has nothing to revoke (then REBALANCE_IN_PROGRESS: rejoin).
    pub(crate) fn classic_sync_to_consumer_group(
        &mut self,
        group: &str,
        generation: i32,
        member_id: &str,
        instance_id: Option<&str>,
    ) -> Response {
        let now = self.now;
        let fail = sync_error;
        let Some(cg) = self.coord.groups.get_mut(group).and_then(|g| g.consumer.as_mut()) else {
            return fail(KafkaError::UNKNOWN_MEMBER_ID);
        };
        let id = match Self::classic_member_of(cg, member_id, instance_id) {
            Ok(id) => id,
            Err(e) => return fail(e),
        };
        let assignment_epoch = cg.assignment_epoch;
        let m = cg.members.get_mut(&id).expect("member");
        if m.member_epoch != generation {
            return fail(KafkaError::ILLEGAL_GENERATION);
        }
        let protocol = m.classic.as_ref().and_then(|c| c.protocols.first()).map(|(n, _)| n.clone()).unwrap_or_default();
        let rebalance_timeout = m.rebalance_timeout_ms.max(0);
        let classic = m.classic.as_mut().expect("classic member");
        // throwIfRebalanceInProgress.
        if assignment_epoch > m.member_epoch && m.state != ConsumerMemberState::UnrevokedPartitions {
            classic.join_deadline.get_or_insert(now.plus_ms(rebalance_timeout));
            self.schedule_group_ticks();
            return fail(KafkaError::REBALANCE_IN_PROGRESS);
        }
        classic.sync_deadline = None;
        m.session_deadline = now.plus_ms(classic.session_timeout_ms);
        let resp = Response::SyncGroup { error: None, protocol, assignment: m.assigned.keys().cloned().collect() };
        self.schedule_group_ticks();
        resp
    }

    /// `classicGroupHeartbeatToConsumerGroup`: keeps the session; REBALANCE_IN_PROGRESS while
    /// the member is behind the assignment epoch, must revoke, or may now take partitions
    /// others released.
    pub(crate) fn classic_heartbeat_to_consumer_group(
        &mut self,
        group: &str,
        generation: i32,
        member_id: &str,
        instance_id: Option<&str>,
    ) -> Option<KafkaError> {
        let now = self.now;
        let cg = self.coord.groups.get_mut(group).and_then(|g| g.consumer.as_mut())?;
        let id = match Self::classic_member_of(cg, member_id, instance_id) {
            Ok(id) => id,
            Err(e) => return Some(e),
        };
        let m = &cg.members[&id];
        if m.member_epoch != generation {
            return Some(KafkaError::ILLEGAL_GENERATION);
        }
        let rejoin = m.member_epoch < cg.assignment_epoch
            || m.state == ConsumerMemberState::UnrevokedPartitions
            || (m.state == ConsumerMemberState::UnreleasedPartitions && !cg.waiting_on_unreleased_partition(m));
        let m = cg.members.get_mut(&id).expect("member");
        let rebalance_timeout = m.rebalance_timeout_ms.max(0);
        let classic = m.classic.as_mut().expect("classic member");
        m.session_deadline = now.plus_ms(classic.session_timeout_ms);
        let error = if rejoin {
            classic.join_deadline.get_or_insert(now.plus_ms(rebalance_timeout));
            Some(KafkaError::REBALANCE_IN_PROGRESS)
        } else {
            None
        };
        self.schedule_group_ticks();
        error
    }

    /// `classicGroupLeaveToConsumerGroup`: the named members are fenced (downgrading the group
    /// when only classic members remain).
    pub(crate) fn classic_leave_to_consumer_group(
        &mut self,
        group: &str,
        members: &[(String, Option<String>)],
        reason: &str,
    ) -> Option<KafkaError> {
        let cg = self.coord.groups.get(group).and_then(|g| g.consumer.as_ref())?;
        let mut leaving: Vec<String> = Vec::new();
        for (member, instance) in members {
            let found = match instance {
                None => cg.members.get(member).map(|m| m.member_id.clone()),
                Some(inst) => cg
                    .static_member(inst)
                    .filter(|m| member.is_empty() || m.member_id == *member)
                    .map(|m| m.member_id.clone()),
            };
            if let Some(id) = found {
                leaving.push(id);
            }
        }
        if leaving.is_empty() {
            return Some(KafkaError::UNKNOWN_MEMBER_ID);
        }
        self.fence_consumer_members(group, &leaving, reason);
        self.persist_consumer_group(group, None);
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::protocol::GroupSubscription;
    use std::rc::Rc;

    fn classic_member(id: &str, protocols: &[&str]) -> ConsumerMember {
        let sub = Rc::new(GroupSubscription {
            topics: vec!["t".into()],
            owned: vec![],
            generation: -1,
            rack: None,
            user_data: None,
        });
        ConsumerMember {
            member_id: id.into(),
            instance_id: None,
            client_id: id.into(),
            host: "/127.0.0.1".into(),
            member_epoch: 1,
            previous_epoch: 1,
            state: ConsumerMemberState::Stable,
            rebalance_timeout_ms: 300_000,
            subscribed: vec!["t".into()],
            server_assignor: None,
            assigned: BTreeMap::new(),
            pending_revocation: BTreeMap::new(),
            session_deadline: crate::sim::time::SimTime::ZERO,
            rebalance_deadline: None,
            classic: Some(ClassicMemberMetadata {
                session_timeout_ms: 45_000,
                protocols: protocols.iter().map(|p| (p.to_string(), sub.clone())).collect(),
                join_deadline: None,
                sync_deadline: None,
            }),
        }
    }

    // ConsumerGroup.supportsClassicProtocols: protocol type `consumer`, and a protocol every
    // classic member supports; any non-empty list into a group without classic members.
    #[test]
    fn classic_members_must_share_a_protocol() {
        let mut g = ConsumerGroupState::new();
        assert!(g.supports_classic_protocols("consumer", &["range".into()]));
        assert!(!g.supports_classic_protocols("consumer", &[]));
        assert!(!g.supports_classic_protocols("connect", &["range".into()]));
        g.members.insert("a".into(), classic_member("a", &["range", "cooperative-sticky"]));
        g.members.insert("b".into(), classic_member("b", &["cooperative-sticky"]));
        assert!(g.supports_classic_protocols("consumer", &["roundrobin".into(), "cooperative-sticky".into()]));
        assert!(!g.supports_classic_protocols("consumer", &["range".into()]));
        assert_eq!(g.classic_members(), 2);
    }

    // The coordinator's member id for a classic member joining a consumer group is a plain
    // version-4 UUID (`Uuid.randomUuid().toString()`), without the client id prefix.
    #[test]
    fn classic_member_ids_in_a_consumer_group_are_plain_uuids() {
        let mut rng = crate::sim::rng::Pcg32::new(7, 1);
        let id = random_uuid(&mut rng);
        let parts: Vec<&str> = id.split('-').collect();
        assert_eq!(parts.iter().map(|p| p.len()).collect::<Vec<_>>(), vec![8, 4, 4, 4, 12]);
        assert!(parts[2].starts_with('4'));
        assert!(matches!(parts[3].chars().next(), Some('8' | '9' | 'a' | 'b')));
    }
}
