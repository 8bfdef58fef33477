//! The group coordinator, classic protocol (`GroupCoordinator`, `GroupMetadata`), on the
//! partitions of a real `__consumer_offsets` topic (`GroupCoordinator` and `KafkaConsumer`).
//!
//! The coordinator of a group is the leader of partition `abs(hashCode(group)) % 50` of
//! `__consumer_offsets` (`String.hashCode`). Committed offsets and group metadata are records in that
//! partition; a broker that becomes its leader rebuilds the groups by replaying it, which is
//! how a group survives its coordinator's failure. Members join (JoinGroup), the leader member
//! computes the assignment on the client side (SyncGroup), everyone heartbeats; a member that
//! misses its session, leaves, or joins starts a rebalance. Static members
//! (`group.instance.id`) can come back under a new member id without one.

use super::consumer_group_state::{consumer_group_key, ConsumerGroupState, Heartbeat as ConsumerHeartbeat};
use super::host::{
    coordinator_write_error, internal_batch, not_coordinator, offsets_partitions, topic_creation_due, CoordinatorHost,
};
use super::timer::{BrokerOut, BrokerTimer};
use crate::sim::codec::Codec;
use crate::sim::errors::KafkaError;
use crate::sim::node::Env;
use crate::sim::partitioner::coordinator_partition;
use crate::sim::protocol::{
    GroupDescription, GroupMemberDescription, GroupSubscription, JoinMember, NewTopic, Request, Response,
};
use crate::sim::record::ControlType;
use crate::sim::time::SimTime;
use crate::sim::trace::TraceKind;
use crate::sim::types::{Epoch, NodeAddr, Offset, TopicPartition, OFFSETS_TOPIC};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// `GroupState` names as the tools print them.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub enum GroupState {
    Empty,
    PreparingRebalance,
    CompletingRebalance,
    Stable,
    Dead,
}

impl GroupState {
    pub(crate) fn name(self) -> &'static str {
        match self {
            GroupState::Empty => "Empty",
            GroupState::PreparingRebalance => "PreparingRebalance",
            GroupState::CompletingRebalance => "CompletingRebalance",
            GroupState::Stable => "Stable",
            GroupState::Dead => "Dead",
        }
    }
}

/// A member of a classic group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct Member {
    pub member_id: String,
    pub instance_id: Option<String>,
    pub client_id: String,
    pub host: String,
    pub session_timeout_ms: i64,
    pub rebalance_timeout_ms: i64,
    pub protocols: Vec<(String, Rc<GroupSubscription>)>,
    pub assignment: Vec<TopicPartition>,
    pub last_heartbeat: SimTime,
    /// Set while its JoinGroup waits for the rebalance to complete (serialised: a reloaded
    /// coordinator must still answer it).
    pub join_pending: Option<(NodeAddr, u64)>,
    pub sync_pending: Option<(NodeAddr, u64)>,
    pub joined_at: SimTime,
}

/// A committed offset (`OffsetAndMetadata`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct CommittedOffset {
    pub offset: Offset,
    pub leader_epoch: Option<Epoch>,
    pub(crate) commit_ms: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct Group {
    pub id: String,
    pub state: GroupState,
    pub generation: i32,
    pub(crate) protocol_type: Option<String>,
    pub protocol: Option<String>,
    pub leader: Option<String>,
    pub members: BTreeMap<String, Member>,
    pub offsets: BTreeMap<TopicPartition, CommittedOffset>,
    /// Offsets committed inside a transaction, visible once it commits (by producer id).
    pub(crate) pending_txn_offsets: BTreeMap<i64, BTreeMap<TopicPartition, CommittedOffset>>,
    pub(crate) rebalance_deadline: Option<SimTime>,
    /// The initial rebalance delay of an empty group (`group.initial.rebalance.delay.ms`).
    pub(crate) initial_delay_until: Option<SimTime>,
    pub(crate) empty_since: Option<SimTime>,
    /// A consumer-protocol group (KIP-848): its epochs, members and target assignment; `None`
    /// for a classic group.
    #[serde(default)]
    pub consumer: Option<ConsumerGroupState>,
}

impl Group {
    pub(crate) fn new(id: &str) -> Group {
        Group {
            id: id.to_string(),
            state: GroupState::Empty,
            generation: 0,
            protocol_type: None,
            protocol: None,
            leader: None,
            members: BTreeMap::new(),
            offsets: BTreeMap::new(),
            pending_txn_offsets: BTreeMap::new(),
            rebalance_deadline: None,
            initial_delay_until: None,
            empty_since: None,
            consumer: None,
        }
    }

    /// The state the tools print: a classic group's, or a consumer group's
    /// (`ConsumerGroup.maybeUpdateGroupState`).
    pub(crate) fn state_name(&self) -> &'static str {
        match &self.consumer {
            Some(cg) if self.state != GroupState::Dead => cg.state_name(),
            _ => self.state.name(),
        }
    }

    /// Topics the members subscribe to.
    pub(crate) fn subscribed_topics(&self) -> BTreeSet<String> {
        if let Some(cg) = &self.consumer {
            return cg.subscribed_topics();
        }
        let mut s = BTreeSet::new();
        for m in self.members.values() {
            for (_, sub) in &m.protocols {
                s.extend(sub.topics.iter().cloned());
            }
        }
        s
    }

    /// `GroupMetadata.selectProtocol`: among the protocols every member supports, the one most
    /// members prefer (ties: the earlier in the first member's list).
    pub(crate) fn select_protocol(&self) -> Option<String> {
        let mut candidates: Option<Vec<String>> = None;
        for m in self.members.values() {
            let names: Vec<String> = m.protocols.iter().map(|(n, _)| n.clone()).collect();
            candidates = Some(match candidates {
                None => names,
                Some(c) => c.into_iter().filter(|n| names.contains(n)).collect(),
            });
        }
        let candidates = candidates?;
        let mut votes: BTreeMap<String, u32> = BTreeMap::new();
        for m in self.members.values() {
            if let Some((n, _)) = m.protocols.iter().find(|(n, _)| candidates.contains(n)) {
                *votes.entry(n.clone()).or_default() += 1;
            }
        }
        let best = votes.values().copied().max()?;
        candidates.into_iter().find(|c| votes.get(c).copied() == Some(best))
    }

    fn member_by_instance(&self, instance: &str) -> Option<String> {
        self.members.values().find(|m| m.instance_id.as_deref() == Some(instance)).map(|m| m.member_id.clone())
    }
}

/// A write to `__consumer_offsets` waiting for its HW, then its response.
#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub(crate) struct PendingWrite {
    pub(crate) partition: i32,
    pub(crate) required: Offset,
    pub(crate) to: NodeAddr,
    pub(crate) corr: u64,
    pub(crate) resp: Response,
    /// Offsets to publish in the group's cache when the write completes.
    pub(crate) group: String,
    pub(crate) offsets: Vec<(TopicPartition, CommittedOffset)>,
}

/// The group coordinator of one broker.
#[derive(Clone, Debug, Default, Serialize, Deserialize, Codec)]
pub struct GroupCoordinator {
    pub groups: BTreeMap<String, Group>,
    /// `__consumer_offsets` partitions this broker leads and has loaded.
    pub owned: BTreeSet<i32>,
    pub(crate) pending_writes: Vec<PendingWrite>,
    creating_topic_at: Option<SimTime>,
    /// KIP-932 share groups (`share_group.rs`); one name space with `groups`.
    #[serde(default)]
    pub(crate) share_groups: BTreeMap<String, super::share_group_state::ShareGroup>,
}

/// Record keys and values of `__consumer_offsets` (text, so a learner can read them).
fn offset_key(group: &str, tp: &TopicPartition) -> String {
    format!("offset:{group},{},{}", tp.topic, tp.partition)
}

fn group_key(group: &str) -> String {
    format!("group:{group}")
}

/// A member id: `<client.id>-<UUID>` (`ClassicGroup.generateMemberId`).
/// `ClassicGroup.generateMemberId`: the group instance id (a static member) or the client id,
/// `-`, and `java.util.UUID.randomUUID()` — a version-4 UUID (version nibble 4, IETF variant
/// bits 10) in its 8-4-4-4-12 hex form.
fn new_member_id(prefix: &str, rng: &mut crate::sim::rng::Pcg32) -> String {
    let msb = (rng.next_u64() & !0xF000) | 0x4000;
    let lsb = (rng.next_u64() & !0xC000_0000_0000_0000) | 0x8000_0000_0000_0000;
    let hex = format!("{msb:016x}{lsb:016x}");
    format!("{prefix}-{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

/// One step of the group coordinator: its state, the broker it runs on as a
/// [`CoordinatorHost`], the moment and where its messages and timers go.
pub(crate) struct GroupStep<'a> {
    pub(crate) coord: &'a mut GroupCoordinator,
    pub host: &'a mut dyn CoordinatorHost,
    pub now: SimTime,
    pub env: &'a Env,
    pub out: &'a mut BrokerOut,
}

/// A TxnOffsetCommit's group fields (KIP-447: the producer sends its consumer's group metadata).
pub(crate) struct TxnCommit {
    pub(crate) group_id: String,
    pub(crate) producer_id: i64,
    pub(crate) producer_epoch: i16,
    pub(crate) generation: i32,
    pub(crate) member_id: String,
}

/// An OffsetCommit's group fields: the group, and the member's generation (or member epoch)
/// and id (-1 and "" for an admin client's commit).
pub(crate) struct OffsetCommitOf {
    pub(crate) group_id: String,
    pub(crate) generation: i32,
    pub(crate) member_id: String,
}

/// A JoinGroup as the coordinator takes it in.
struct Join {
    group: String,
    client_id: String,
    instance_id: Option<String>,
    session_timeout_ms: i64,
    rebalance_timeout_ms: i64,
    protocol_type: String,
    protocols: Vec<(String, Rc<GroupSubscription>)>,
}

impl GroupCoordinator {
    /// A COMMIT or ABORT marker reached partition `partition` of `__consumer_offsets` (of
    /// `partitions`) that this broker leads: pending transactional offsets of that producer
    /// become visible, or are dropped (`GroupCoordinator.onTransactionCompleted`).
    pub(crate) fn complete_txn_offsets(
        &mut self,
        partition: i32,
        partitions: i32,
        producer_id: i64,
        control: ControlType,
    ) {
        for g in self.groups.values_mut() {
            if coordinator_partition(&g.id, partitions) != partition {
                continue;
            }
            if let Some(pending) = g.pending_txn_offsets.remove(&producer_id) {
                if control == ControlType::Commit {
                    for (tp, c) in pending {
                        g.offsets.insert(tp, c);
                    }
                }
            }
        }
    }
}

impl GroupStep<'_> {
    /// The `__consumer_offsets` partition of a group (`String.hashCode`).
    fn group_partition(&self, group: &str) -> i32 {
        coordinator_partition(group, offsets_partitions(self.host.image(), self.env))
    }

    /// Whether this broker coordinates `group` right now.
    fn coordinates(&self, group: &str) -> bool {
        self.coord.owned.contains(&self.group_partition(group))
    }

    /// Creates `__consumer_offsets` the first time a client looks for a coordinator.
    pub(crate) fn ensure_offsets_topic(&mut self) {
        if !topic_creation_due(self.host.image(), OFFSETS_TOPIC, &mut self.coord.creating_topic_at, self.now) {
            return;
        }
        let mut configs = BTreeMap::new();
        configs.insert("cleanup.policy".to_string(), "compact".to_string());
        configs.insert("segment.bytes".to_string(), "104857600".to_string());
        configs.insert("compression.type".to_string(), "producer".to_string());
        let topic = NewTopic {
            name: OFFSETS_TOPIC.into(),
            partitions: self.env.settings.offsets_topic_num_partitions,
            replication_factor: self.env.settings.offsets_topic_replication_factor,
            assignment: None,
            configs,
        };
        self.host.create_topic(self.now, topic, self.env, self.out);
    }

    /// A group request; any other request is handed back.
    pub(crate) fn handle_request(&mut self, from: NodeAddr, corr: u64, req: Request) -> Option<Request> {
        match req {
            Request::JoinGroup {
                client_id,
                group,
                session_timeout_ms,
                rebalance_timeout_ms,
                member_id,
                instance_id,
                protocol_type,
                protocols,
                ..
            } => {
                let join = Join {
                    group,
                    client_id,
                    instance_id,
                    session_timeout_ms,
                    rebalance_timeout_ms,
                    protocol_type,
                    protocols,
                };
                self.join_group(from, corr, member_id, join)
            }
            Request::SyncGroup { group, generation, member_id, instance_id, assignments } => {
                if self.coord.groups.get(&group).is_some_and(|g| g.consumer.is_some() && g.state != GroupState::Dead)
                    && self.not_coordinator(&group).is_none()
                {
                    // A classic member of a consumer group (KIP-848's online migration).
                    let resp =
                        self.classic_sync_to_consumer_group(&group, generation, &member_id, instance_id.as_deref());
                    self.out.respond(from, corr, resp);
                    return None;
                }
                self.sync_group(from, corr, group, generation, member_id, assignments)
            }
            Request::Heartbeat { group, generation, member_id, instance_id } => {
                if self.coord.groups.get(&group).is_some_and(|g| g.consumer.is_some() && g.state != GroupState::Dead)
                    && self.not_coordinator(&group).is_none()
                {
                    let error = self.classic_heartbeat_to_consumer_group(
                        &group,
                        generation,
                        &member_id,
                        instance_id.as_deref(),
                    );
                    self.out.respond(from, corr, Response::Heartbeat { error });
                    return None;
                }
                let error = self.heartbeat(&group, generation, &member_id, instance_id.as_deref());
                self.out.respond(from, corr, Response::Heartbeat { error });
            }
            Request::LeaveGroup { group, members, reason } => {
                if self.coord.groups.get(&group).is_some_and(|g| g.consumer.is_some() && g.state != GroupState::Dead)
                    && self.not_coordinator(&group).is_none()
                {
                    let reason = reason.as_deref().unwrap_or("the consumer left");
                    let error = self.classic_leave_to_consumer_group(&group, &members, reason);
                    self.out.respond(from, corr, Response::LeaveGroup { error });
                    return None;
                }
                let error = self.leave_group(&group, &members, reason.as_deref().unwrap_or("the consumer left"));
                self.out.respond(from, corr, Response::LeaveGroup { error });
            }
            Request::OffsetCommit { group, generation, member_id, offsets } => self.offset_commit(
                from,
                corr,
                OffsetCommitOf { group_id: group, generation, member_id },
                offsets,
                vec![],
            ),
            Request::OffsetFetch { group, partitions, require_stable } => {
                let resp = self.offset_fetch(&group, partitions, require_stable);
                self.out.respond(from, corr, resp);
            }
            Request::ConsumerGroupHeartbeat {
                group,
                member_id,
                member_epoch,
                instance_id,
                rebalance_timeout_ms,
                subscribed_topics,
                server_assignor,
                owned,
                client_id,
            } => {
                let hb = ConsumerHeartbeat {
                    group,
                    member_id,
                    member_epoch,
                    instance_id,
                    rebalance_timeout_ms,
                    subscribed_topics,
                    server_assignor,
                    owned,
                    client_id,
                };
                self.consumer_group_heartbeat(from, corr, hb);
            }
            Request::ShareGroupHeartbeat { group, member_id, member_epoch, subscribed_topics, client_id } => {
                let hb = super::share_group_state::ShareHeartbeat {
                    group,
                    member_id,
                    member_epoch,
                    subscribed_topics,
                    client_id,
                };
                self.share_group_heartbeat(from, corr, hb);
            }
            Request::AlterShareGroupOffsets { group, topics } => {
                let resp = self.alter_share_group_offsets(&group, topics);
                self.out.respond(from, corr, resp);
            }
            Request::DeleteShareGroupOffsets { group, topics } => {
                let resp = self.delete_share_group_offsets(&group, topics);
                self.out.respond(from, corr, resp);
            }
            Request::ShareGroupDescribe { groups } => {
                let d = groups.iter().map(|g| self.describe_share_group(g)).collect();
                self.out.respond(from, corr, Response::ShareGroupDescribe(d));
            }
            Request::ListGroups { states } => {
                let groups = self.list_groups(&states);
                self.out.respond(from, corr, Response::ListGroups { error: None, groups });
            }
            Request::DescribeGroups { groups } => {
                let d = groups.iter().map(|g| self.describe_group(g)).collect();
                self.out.respond(from, corr, Response::DescribeGroups(d));
            }
            Request::DeleteGroups { groups } => {
                let mut results = Vec::new();
                for g in groups {
                    let e = self.delete_group(&g);
                    results.push((g, e));
                }
                self.out.respond(from, corr, Response::DeleteGroups(results));
            }
            Request::OffsetDelete { group, partitions } => {
                let resp = self.offset_delete(&group, partitions);
                self.out.respond(from, corr, resp);
            }
            Request::TxnOffsetCommit { group, producer_id, producer_epoch, offsets, generation, member_id, .. } => self
                .txn_offset_commit(
                    from,
                    corr,
                    TxnCommit { group_id: group, producer_id, producer_epoch, generation, member_id },
                    offsets,
                    vec![],
                ),
            other => return Some(other),
        }
        None
    }

    /// The groups this coordinator has in one of `states` (all with none): id, protocol type,
    /// state and group type (`GroupCoordinatorService.listGroups`).
    pub(crate) fn list_groups(&self, states: &[String]) -> Vec<(String, String, String, String)> {
        let mut groups: Vec<(String, String, String, String)> = self
            .coord
            .groups
            .values()
            .filter(|g| self.coordinates(&g.id))
            .filter(|g| states.is_empty() || states.iter().any(|s| s.eq_ignore_ascii_case(g.state_name())))
            .map(|g| {
                (
                    g.id.clone(),
                    // A group that only has offsets (a simple consumer group) has no
                    // protocol type: ListGroups answers "" (`ClassicGroup.protocolType`).
                    g.protocol_type.clone().unwrap_or_default(),
                    g.state_name().to_string(),
                    if g.consumer.is_some() { "consumer" } else { "classic" }.to_string(),
                )
            })
            .collect();
        // Share groups: protocol type "share", type "share" (ListGroups v5).
        for g in self.coord.share_groups.values().filter(|g| self.coordinates(&g.id)) {
            if states.is_empty() || states.iter().any(|s| s.eq_ignore_ascii_case(g.state_name())) {
                groups.push((g.id.clone(), "share".into(), g.state_name().into(), "share".into()));
            }
        }
        groups
    }

    fn not_coordinator(&self, group: &str) -> Option<KafkaError> {
        not_coordinator(self.host.image(), OFFSETS_TOPIC, &self.coord.owned, self.group_partition(group))
    }

    fn join_group(&mut self, from: NodeAddr, corr: u64, member_id: String, join: Join) {
        let group_id = join.group.clone();
        let (session_timeout_ms, rebalance_timeout_ms) = (join.session_timeout_ms, join.rebalance_timeout_ms);
        let fail = |error: KafkaError, member: String| Response::JoinGroup {
            error: Some(error),
            generation: -1,
            protocol: String::new(),
            leader: String::new(),
            member_id: member,
            members: vec![],
        };
        if let Some(e) = self.not_coordinator(&group_id) {
            self.out.respond(from, corr, fail(e, member_id));
            return;
        }
        if session_timeout_ms < self.env.settings.group_min_session_timeout_ms
            || session_timeout_ms > self.env.settings.group_max_session_timeout_ms
        {
            self.out.respond(from, corr, fail(KafkaError::INVALID_SESSION_TIMEOUT, member_id));
            return;
        }
        if join.protocols.is_empty() || join.protocol_type.is_empty() {
            self.out.respond(from, corr, fail(KafkaError::INCONSISTENT_GROUP_PROTOCOL, member_id));
            return;
        }
        // A share group's id: INCONSISTENT_GROUP_PROTOCOL with no member id
        // (`GroupMetadataManager.classicGroupJoin`).
        if self.coord.share_groups.contains_key(&group_id) {
            self.out.respond(from, corr, fail(KafkaError::INCONSISTENT_GROUP_PROTOCOL, String::new()));
            return;
        }
        let group = self.coord.groups.entry(group_id.clone()).or_insert_with(|| Group::new(&group_id));
        if group.state == GroupState::Dead {
            *group = Group::new(&group_id);
        }
        if let Some(cg) = &group.consumer {
            if !cg.members.is_empty() {
                // A classic member joining a consumer group with members: the mixed group of
                // KIP-848's online migration (`classicGroupJoinToConsumerGroup`).
                let join = super::consumer_group_state::ClassicJoin {
                    group: join.group,
                    member_id,
                    client_id: join.client_id,
                    instance_id: join.instance_id,
                    session_timeout_ms: join.session_timeout_ms,
                    rebalance_timeout_ms: join.rebalance_timeout_ms,
                    protocol_type: join.protocol_type,
                    protocols: join.protocols,
                };
                self.classic_join_to_consumer_group(from, corr, join);
                return;
            }
            // An empty consumer group becomes a classic group again; its offsets stay
            // (`GroupMetadataManager.maybeDeleteEmptyConsumerGroup`).
            group.consumer = None;
            group.state = GroupState::Empty;
            group.generation = 0;
        }
        // The group's members must speak a common protocol.
        if group.state != GroupState::Empty && !group.members.is_empty() {
            let common = group
                .members
                .values()
                .next()
                .map(|m| m.protocols.iter().any(|(n, _)| join.protocols.iter().any(|(p, _)| p == n)))
                .unwrap_or(true);
            if !common || group.protocol_type.as_deref().map(|t| t != join.protocol_type).unwrap_or(false) {
                self.out.respond(from, corr, fail(KafkaError::INCONSISTENT_GROUP_PROTOCOL, member_id));
                return;
            }
        }
        if member_id.is_empty() {
            // A new member: static members are recognised by their instance id.
            if let Some(inst) = join.instance_id.clone() {
                if let Some(old) = self.coord.groups[&group_id].member_by_instance(&inst) {
                    let new_id = new_member_id(&inst, self.host.rng());
                    self.replace_static_member(from, corr, &group_id, &old, new_id, join.protocols);
                    return;
                }
                let new_id = new_member_id(&inst, self.host.rng());
                self.add_member(from, corr, new_id, join);
                return;
            }
            // KIP-394: tell the client its member id; it joins again with it.
            let new_id = new_member_id(&join.client_id, self.host.rng());
            self.out.respond(from, corr, fail(KafkaError::MEMBER_ID_REQUIRED, new_id.clone()));
            // Remember it so its next join is accepted (pending member).
            let g = self.coord.groups.get_mut(&group_id).expect("group");
            g.protocol_type.get_or_insert(join.protocol_type);
            return;
        }
        let known = self.coord.groups[&group_id].members.contains_key(&member_id);
        if !known {
            if let Some(inst) = &join.instance_id {
                if self.coord.groups[&group_id].member_by_instance(inst).is_some() {
                    self.out.respond(from, corr, fail(KafkaError::FENCED_INSTANCE_ID, member_id));
                    return;
                }
            }
            self.add_member(from, corr, member_id, join);
            return;
        }
        let protocols = join.protocols;
        // A known member joining again.
        let g = self.coord.groups.get_mut(&group_id).expect("group");
        let m = g.members.get_mut(&member_id).expect("member");
        let same = m.protocols == protocols;
        m.protocols = protocols;
        m.session_timeout_ms = session_timeout_ms;
        m.rebalance_timeout_ms = rebalance_timeout_ms;
        m.last_heartbeat = self.now;
        m.join_pending = Some((from, corr));
        match g.state {
            GroupState::PreparingRebalance => {}
            GroupState::CompletingRebalance | GroupState::Stable
                if same && g.leader.as_deref() != Some(&member_id) && g.state == GroupState::Stable =>
            {
                // A follower rejoining with unchanged metadata while Stable: answer at once.
                let resp = Response::JoinGroup {
                    error: None,
                    generation: g.generation,
                    protocol: g.protocol.clone().unwrap_or_default(),
                    leader: g.leader.clone().unwrap_or_default(),
                    member_id: member_id.clone(),
                    members: vec![],
                };
                g.members.get_mut(&member_id).expect("member").join_pending = None;
                self.out.respond(from, corr, resp);
            }
            _ => self.prepare_rebalance(&group_id, &format!("member {member_id} rejoined")),
        }
        self.maybe_complete_join(&group_id);
    }

    fn member_label(from: NodeAddr, member_id: &str) -> String {
        if member_id.is_empty() {
            from.to_string()
        } else {
            member_id.to_string()
        }
    }

    fn add_member(&mut self, from: NodeAddr, corr: u64, member_id: String, join: Join) {
        let group_id = join.group.as_str();
        let rebalance_timeout_ms = join.rebalance_timeout_ms;
        let g = self.coord.groups.get_mut(group_id).expect("group");
        let was_empty = g.members.is_empty();
        g.protocol_type = Some(join.protocol_type);
        g.members.insert(
            member_id.clone(),
            Member {
                member_id: member_id.clone(),
                instance_id: join.instance_id,
                client_id: join.client_id,
                host: "/127.0.0.1".to_string(),
                session_timeout_ms: join.session_timeout_ms,
                rebalance_timeout_ms,
                protocols: join.protocols,
                assignment: vec![],
                last_heartbeat: self.now,
                join_pending: Some((from, corr)),
                sync_pending: None,
                joined_at: self.now,
            },
        );
        if was_empty && matches!(g.state, GroupState::Empty) {
            // group.initial.rebalance.delay.ms: wait for more members before the first rebalance.
            let delay = self.env.settings.group_initial_rebalance_delay_ms;
            g.initial_delay_until = Some(self.now.plus_ms(delay));
            g.rebalance_deadline = Some(self.now.plus_ms(rebalance_timeout_ms.max(delay)));
            g.state = GroupState::PreparingRebalance;
            self.out.trace(TraceKind::GroupStateChanged {
                group: group_id.to_string(),
                state: "PreparingRebalance".into(),
                generation: g.generation,
                reason: format!("member {member_id} joined an empty group"),
            });
        } else if g.state == GroupState::PreparingRebalance {
            if let Some(until) = g.initial_delay_until {
                // Each new member extends the initial delay, up to the rebalance timeout.
                let delay = self.env.settings.group_initial_rebalance_delay_ms;
                let extended = self.now.plus_ms(delay);
                let cap = g.rebalance_deadline.unwrap_or(extended);
                g.initial_delay_until = Some(if extended > until { extended.min(cap) } else { until });
            }
        } else {
            self.prepare_rebalance(group_id, &format!("member {member_id} joined"));
        }
    }

    fn replace_static_member(
        &mut self,
        from: NodeAddr,
        corr: u64,
        group_id: &str,
        old_id: &str,
        new_id: String,
        protocols: Vec<(String, Rc<GroupSubscription>)>,
    ) {
        let g = self.coord.groups.get_mut(group_id).expect("group");
        let Some(mut m) = g.members.remove(old_id) else { return };
        let same = m.protocols == protocols;
        // A join still waiting under the old id is answered with FENCED_INSTANCE_ID.
        if let Some((to, c)) = m.join_pending.take() {
            self.out.respond(
                to,
                c,
                Response::JoinGroup {
                    error: Some(KafkaError::FENCED_INSTANCE_ID),
                    generation: -1,
                    protocol: String::new(),
                    leader: String::new(),
                    member_id: old_id.to_string(),
                    members: vec![],
                },
            );
        }
        m.member_id = new_id.clone();
        m.protocols = protocols;
        m.last_heartbeat = self.now;
        if g.leader.as_deref() == Some(old_id) {
            g.leader = Some(new_id.clone());
        }
        let stable = g.state == GroupState::Stable;
        if stable && same {
            // Static member bounce: same assignment, no rebalance (KIP-345).
            let resp = Response::JoinGroup {
                error: None,
                generation: g.generation,
                protocol: g.protocol.clone().unwrap_or_default(),
                leader: g.leader.clone().unwrap_or_default(),
                member_id: new_id.clone(),
                members: vec![],
            };
            g.members.insert(new_id.clone(), m);
            self.out.respond(from, corr, resp);
            self.persist_group(group_id);
            return;
        }
        m.join_pending = Some((from, corr));
        g.members.insert(new_id.clone(), m);
        if g.state != GroupState::PreparingRebalance {
            self.prepare_rebalance(group_id, &format!("static member {new_id} joined with new metadata"));
        }
        self.maybe_complete_join(group_id);
    }

    /// Starts a rebalance: everyone must join again within the rebalance timeout.
    pub(crate) fn prepare_rebalance(&mut self, group_id: &str, reason: &str) {
        let Some(g) = self.coord.groups.get_mut(group_id) else { return };
        if g.state == GroupState::PreparingRebalance {
            return;
        }
        // Syncs waiting for the old generation are told to rejoin.
        for m in g.members.values_mut() {
            if let Some((to, c)) = m.sync_pending.take() {
                self.out.respond(to, c, sync_error(KafkaError::REBALANCE_IN_PROGRESS));
            }
        }
        let timeout = g.members.values().map(|m| m.rebalance_timeout_ms).max().unwrap_or(0);
        g.rebalance_deadline = Some(self.now.plus_ms(timeout));
        g.initial_delay_until = None;
        g.state = GroupState::PreparingRebalance;
        self.out.trace(TraceKind::GroupStateChanged {
            group: group_id.to_string(),
            state: "PreparingRebalance".into(),
            generation: g.generation,
            reason: reason.to_string(),
        });
    }

    /// Completes the join phase once every member has joined (or the deadline passed).
    fn maybe_complete_join(&mut self, group_id: &str) {
        let Some(g) = self.coord.groups.get(group_id) else { return };
        if g.state != GroupState::PreparingRebalance {
            return;
        }
        let all_joined = g.members.values().all(|m| m.join_pending.is_some());
        let delay_over = g.initial_delay_until.map(|t| self.now >= t).unwrap_or(true);
        let deadline_passed = g.rebalance_deadline.map(|t| self.now >= t).unwrap_or(false);
        if !(deadline_passed || all_joined && delay_over) {
            return;
        }
        let g = self.coord.groups.get_mut(group_id).expect("group");
        // Members that did not rejoin in time are removed.
        let gone: Vec<String> =
            g.members.values().filter(|m| m.join_pending.is_none()).map(|m| m.member_id.clone()).collect();
        for id in &gone {
            g.members.remove(id);
            self.out.trace(TraceKind::MemberRemoved {
                group: group_id.to_string(),
                member: id.clone(),
                reason: "did not rejoin within the rebalance timeout".into(),
            });
        }
        g.initial_delay_until = None;
        g.rebalance_deadline = None;
        if g.members.is_empty() {
            g.state = GroupState::Empty;
            g.generation += 1;
            g.protocol = None;
            g.leader = None;
            g.empty_since = Some(self.now);
            self.out.trace(TraceKind::GroupStateChanged {
                group: group_id.to_string(),
                state: "Empty".into(),
                generation: g.generation,
                reason: "no members left".into(),
            });
            self.persist_group(group_id);
            return;
        }
        g.generation += 1;
        g.protocol = g.select_protocol();
        if g.leader.as_ref().map(|l| !g.members.contains_key(l)).unwrap_or(true) {
            g.leader =
                g.members.values().min_by_key(|m| (m.joined_at, m.member_id.clone())).map(|m| m.member_id.clone());
        }
        g.state = GroupState::CompletingRebalance;
        let protocol = g.protocol.clone().unwrap_or_default();
        let leader = g.leader.clone().unwrap_or_default();
        let members: Vec<JoinMember> = g
            .members
            .values()
            .map(|m| JoinMember {
                member_id: m.member_id.clone(),
                instance_id: m.instance_id.clone(),
                subscription: m
                    .protocols
                    .iter()
                    .find(|(n, _)| *n == protocol)
                    .map(|(_, s)| s.clone())
                    .unwrap_or_else(|| m.protocols[0].1.clone()),
            })
            .collect();
        self.out.trace(TraceKind::GroupStateChanged {
            group: group_id.to_string(),
            state: "CompletingRebalance".into(),
            generation: g.generation,
            reason: format!("{} member(s) joined; leader {leader}, assignor {protocol}", g.members.len()),
        });
        for m in g.members.values_mut() {
            if let Some((to, c)) = m.join_pending.take() {
                m.last_heartbeat = self.now;
                let is_leader = m.member_id == leader;
                self.out.respond(
                    to,
                    c,
                    Response::JoinGroup {
                        error: None,
                        generation: g.generation,
                        protocol: protocol.clone(),
                        leader: leader.clone(),
                        member_id: m.member_id.clone(),
                        members: if is_leader { members.clone() } else { vec![] },
                    },
                );
            }
        }
    }

    fn sync_group(
        &mut self,
        from: NodeAddr,
        corr: u64,
        group_id: String,
        generation: i32,
        member_id: String,
        assignments: Vec<(String, Vec<TopicPartition>)>,
    ) {
        let fail = sync_error;
        if let Some(e) = self.not_coordinator(&group_id) {
            self.out.respond(from, corr, fail(e));
            return;
        }
        let Some(g) = self.coord.groups.get_mut(&group_id) else {
            self.out.respond(from, corr, fail(KafkaError::UNKNOWN_MEMBER_ID));
            return;
        };
        if !g.members.contains_key(&member_id) {
            self.out.respond(from, corr, fail(KafkaError::UNKNOWN_MEMBER_ID));
            return;
        }
        if generation != g.generation {
            self.out.respond(from, corr, fail(KafkaError::ILLEGAL_GENERATION));
            return;
        }
        match g.state {
            GroupState::PreparingRebalance => self.out.respond(from, corr, fail(KafkaError::REBALANCE_IN_PROGRESS)),
            GroupState::Stable => {
                let m = &g.members[&member_id];
                self.out.respond(
                    from,
                    corr,
                    Response::SyncGroup {
                        error: None,
                        protocol: g.protocol.clone().unwrap_or_default(),
                        assignment: m.assignment.clone(),
                    },
                );
            }
            GroupState::CompletingRebalance => {
                if let Some(m) = g.members.get_mut(&member_id) {
                    m.sync_pending = Some((from, corr));
                    m.last_heartbeat = self.now;
                }
                if g.leader.as_deref() == Some(&member_id) {
                    for m in g.members.values_mut() {
                        m.assignment = assignments
                            .iter()
                            .find(|(id, _)| *id == m.member_id)
                            .map(|(_, a)| a.clone())
                            .unwrap_or_default();
                    }
                    g.state = GroupState::Stable;
                    let protocol = g.protocol.clone().unwrap_or_default();
                    self.out.trace(TraceKind::GroupStateChanged {
                        group: group_id.clone(),
                        state: "Stable".into(),
                        generation: g.generation,
                        reason: format!("the leader sent the {protocol} assignment"),
                    });
                    for m in g.members.values() {
                        self.out.trace(TraceKind::GroupAssignment {
                            group: group_id.clone(),
                            member: m.member_id.clone(),
                            generation: g.generation,
                            partitions: m.assignment.clone(),
                        });
                    }
                    for m in g.members.values_mut() {
                        if let Some((to, c)) = m.sync_pending.take() {
                            self.out.respond(
                                to,
                                c,
                                Response::SyncGroup {
                                    error: None,
                                    protocol: protocol.clone(),
                                    assignment: m.assignment.clone(),
                                },
                            );
                        }
                    }
                    self.persist_group(&group_id);
                }
            }
            GroupState::Empty | GroupState::Dead => self.out.respond(from, corr, fail(KafkaError::UNKNOWN_MEMBER_ID)),
        }
    }

    fn heartbeat(
        &mut self,
        group_id: &str,
        generation: i32,
        member_id: &str,
        instance_id: Option<&str>,
    ) -> Option<KafkaError> {
        if let Some(e) = self.not_coordinator(group_id) {
            return Some(e);
        }
        let Some(g) = self.coord.groups.get_mut(group_id) else { return Some(KafkaError::UNKNOWN_MEMBER_ID) };
        let Some(m) = g.members.get_mut(member_id) else {
            if let Some(inst) = instance_id {
                if g.member_by_instance(inst).is_some() {
                    return Some(KafkaError::FENCED_INSTANCE_ID);
                }
            }
            return Some(KafkaError::UNKNOWN_MEMBER_ID);
        };
        m.last_heartbeat = self.now;
        match g.state {
            GroupState::PreparingRebalance => Some(KafkaError::REBALANCE_IN_PROGRESS),
            GroupState::CompletingRebalance | GroupState::Stable if generation != g.generation => {
                Some(KafkaError::ILLEGAL_GENERATION)
            }
            GroupState::CompletingRebalance | GroupState::Stable => None,
            _ => Some(KafkaError::UNKNOWN_MEMBER_ID),
        }
    }

    fn leave_group(
        &mut self,
        group_id: &str,
        members: &[(String, Option<String>)],
        reason: &str,
    ) -> Option<KafkaError> {
        if let Some(e) = self.not_coordinator(group_id) {
            return Some(e);
        }
        let Some(g) = self.coord.groups.get_mut(group_id) else { return Some(KafkaError::UNKNOWN_MEMBER_ID) };
        let mut removed = false;
        for (member, instance) in members {
            let id = if member.is_empty() {
                instance.as_deref().and_then(|i| g.member_by_instance(i))
            } else {
                Some(member.clone())
            };
            if let Some(id) = id {
                if let Some(mut m) = g.members.remove(&id) {
                    if let Some((to, c)) = m.join_pending.take() {
                        self.out.respond(
                            to,
                            c,
                            Response::JoinGroup {
                                error: Some(KafkaError::UNKNOWN_MEMBER_ID),
                                generation: -1,
                                protocol: String::new(),
                                leader: String::new(),
                                member_id: id.clone(),
                                members: vec![],
                            },
                        );
                    }
                    self.out.trace(TraceKind::MemberRemoved {
                        group: group_id.to_string(),
                        member: id,
                        reason: reason.to_string(),
                    });
                    removed = true;
                }
            }
        }
        if !removed {
            return Some(KafkaError::UNKNOWN_MEMBER_ID);
        }
        self.on_members_removed(group_id, "a member left the group");
        None
    }

    /// After members left or expired: rebalance, or become Empty.
    fn on_members_removed(&mut self, group_id: &str, reason: &str) {
        let Some(g) = self.coord.groups.get_mut(group_id) else { return };
        if g.members.is_empty() && g.state != GroupState::PreparingRebalance {
            g.state = GroupState::Empty;
            g.generation += 1;
            g.protocol = None;
            g.leader = None;
            g.empty_since = Some(self.now);
            self.out.trace(TraceKind::GroupStateChanged {
                group: group_id.to_string(),
                state: "Empty".into(),
                generation: g.generation,
                reason: reason.to_string(),
            });
            self.persist_group(group_id);
            return;
        }
        match g.state {
            GroupState::Stable | GroupState::CompletingRebalance => self.prepare_rebalance(group_id, reason),
            _ => {}
        }
        self.maybe_complete_join(group_id);
    }

    /// Periodic work per group: expired sessions, rebalance deadlines, initial delays.
    pub(crate) fn group_tick(&mut self, group_id: &str) {
        let Some(g) = self.coord.groups.get_mut(group_id) else { return };
        let expired: Vec<String> = g
            .members
            .values()
            .filter(|m| m.join_pending.is_none() && self.now.ms_since(m.last_heartbeat) >= m.session_timeout_ms)
            .map(|m| m.member_id.clone())
            .collect();
        for id in &expired {
            if let Some(m) = g.members.remove(id) {
                self.out.trace(TraceKind::MemberRemoved {
                    group: group_id.to_string(),
                    member: id.clone(),
                    reason: format!(
                        "no heartbeat for {} s (session.timeout.ms={})",
                        m.session_timeout_ms / 1000,
                        m.session_timeout_ms
                    ),
                });
            }
        }
        if !expired.is_empty() {
            self.on_members_removed(group_id, "a member's session expired");
        }
        self.maybe_complete_join(group_id);
    }

    /// Arms a timer for the next deadline of every group this broker coordinates.
    pub(crate) fn schedule_group_ticks(&mut self) {
        for g in self.coord.groups.values() {
            let mut next: Option<SimTime> = None;
            let mut consider = |t: SimTime| next = Some(next.map_or(t, |n: SimTime| n.min(t)));
            for m in g.members.values() {
                if m.join_pending.is_none() {
                    consider(m.last_heartbeat.plus_ms(m.session_timeout_ms));
                }
            }
            if let Some(t) = g.initial_delay_until {
                consider(t);
            }
            if let Some(t) = g.rebalance_deadline {
                consider(t);
            }
            if let Some(t) = g.consumer.as_ref().and_then(GroupStep::consumer_group_next_deadline) {
                consider(t);
            }
            if let Some(t) = next {
                self.out.timer(if t < self.now { self.now } else { t }, BrokerTimer::GroupTick(g.id.clone()));
            }
        }
        self.schedule_share_group_ticks();
    }

    /// The coordinator's part of an OffsetCommit (`GroupCoordinator.commitOffsets`). `refused`
    /// are the partitions `KafkaApis.handleOffsetCommitRequest` answered
    /// TOPIC_AUTHORIZATION_FAILED itself (no READ on their topic): they come first in the
    /// response, whatever the coordinator answers for the others.
    pub(crate) fn offset_commit(
        &mut self,
        from: NodeAddr,
        corr: u64,
        commit: OffsetCommitOf,
        offsets: Vec<(TopicPartition, Offset, Option<Epoch>)>,
        refused: Vec<TopicPartition>,
    ) {
        let OffsetCommitOf { group_id, generation, member_id } = commit;
        let reply =
            |e: Option<KafkaError>, offsets: &[(TopicPartition, Offset, Option<Epoch>)]| Response::OffsetCommit {
                results: refused_first(&refused, offsets.iter().map(|(tp, _, _)| (tp.clone(), e))),
                error: e,
            };
        if let Some(e) = self.not_coordinator(&group_id) {
            self.out.respond(from, corr, reply(Some(e), &offsets));
            return;
        }
        let g = self.coord.groups.entry(group_id.clone()).or_insert_with(|| Group::new(&group_id));
        if g.state == GroupState::Dead {
            *g = Group::new(&group_id);
        }
        if let Some(cg) = &g.consumer {
            let tps: Vec<TopicPartition> = offsets.iter().map(|(tp, _, _)| tp.clone()).collect();
            if let Some(e) = Self::validate_consumer_commit(cg, &member_id, generation, &tps) {
                self.out.respond(from, corr, reply(Some(e), &offsets));
                return;
            }
        } else if generation >= 0 || !g.members.is_empty() {
            // A member commit: it must be a current member of the current generation.
            let error = if !g.members.contains_key(&member_id) {
                Some(if g.members.is_empty() { KafkaError::ILLEGAL_GENERATION } else { KafkaError::UNKNOWN_MEMBER_ID })
            } else if generation != g.generation {
                Some(KafkaError::ILLEGAL_GENERATION)
            } else if g.state == GroupState::CompletingRebalance {
                // Commits are accepted while PreparingRebalance (the heartbeat tells the member
                // to rejoin); only the sync phase refuses them (GroupCoordinator.doCommitOffsets).
                Some(KafkaError::REBALANCE_IN_PROGRESS)
            } else {
                None
            };
            if let Some(e) = error {
                if !(generation < 0 && g.members.is_empty()) {
                    self.out.respond(from, corr, reply(Some(e), &offsets));
                    return;
                }
            }
            if let Some(m) = g.members.get_mut(&member_id) {
                m.last_heartbeat = self.now;
            }
        }
        let commit_ms = self.env.wall_ms(self.now);
        let entries: Vec<(TopicPartition, CommittedOffset)> = offsets
            .iter()
            .map(|(tp, o, e)| (tp.clone(), CommittedOffset { offset: *o, leader_epoch: *e, commit_ms }))
            .collect();
        let records: Vec<(String, Option<String>)> = entries
            .iter()
            .map(|(tp, c)| {
                (
                    offset_key(&group_id, tp),
                    Some(format!(
                        "offset={} leaderEpoch={} commitTimestamp={}",
                        c.offset,
                        c.leader_epoch.map(|e| e.to_string()).unwrap_or_else(|| "none".into()),
                        c.commit_ms
                    )),
                )
            })
            .collect();
        let resp = reply(None, &offsets);
        self.out.trace(TraceKind::OffsetsCommitted {
            group: group_id.clone(),
            client: Self::member_label(from, &member_id),
            offsets: offsets.iter().map(|(tp, o, _)| (tp.clone(), *o)).collect(),
        });
        self.write_offsets_records(from, corr, &group_id, records, resp, entries);
    }

    /// Appends records to the group's `__consumer_offsets` partition as its leader; the
    /// response (and the cache update) waits until the HW passes them.
    pub(crate) fn write_offsets_records(
        &mut self,
        to: NodeAddr,
        corr: u64,
        group_id: &str,
        records: Vec<(String, Option<String>)>,
        resp: Response,
        offsets: Vec<(TopicPartition, CommittedOffset)>,
    ) {
        let partition = self.group_partition(group_id);
        let tp = TopicPartition::new(OFFSETS_TOPIC, partition);
        let pb = internal_batch(&tp, self.env.wall_ms(self.now), records);
        match self.host.append_as_leader(self.now, &pb, self.env, self.out) {
            Ok(last_offset) => {
                self.coord.pending_writes.push(PendingWrite {
                    partition,
                    required: last_offset + 1,
                    to,
                    corr,
                    resp,
                    group: group_id.to_string(),
                    offsets,
                });
                if self.host.after_append(self.now, &tp, self.env, self.out) {
                    self.complete_offset_writes();
                }
                self.complete_offset_writes();
            }
            Err(e) => {
                if to != NodeAddr::Broker(self.host.broker_id()) {
                    self.out.respond(to, corr, with_error(resp, coordinator_write_error(e)));
                }
            }
        }
    }

    /// Answers offset writes whose records the HW has passed.
    pub(crate) fn complete_offset_writes(&mut self) {
        let mut keep = Vec::new();
        for w in std::mem::take(&mut self.coord.pending_writes) {
            let tp = TopicPartition::new(OFFSETS_TOPIC, w.partition);
            let hw = self.host.log(&tp).map(|l| l.high_watermark).unwrap_or(0);
            if hw >= w.required {
                if let Some(g) = self.coord.groups.get_mut(&w.group) {
                    for (tp, c) in w.offsets {
                        g.offsets.insert(tp, c);
                    }
                }
                if w.to != NodeAddr::Broker(self.host.broker_id()) {
                    self.out.respond(w.to, w.corr, w.resp);
                }
            } else {
                keep.push(w);
            }
        }
        self.coord.pending_writes = keep;
    }

    /// Persists the group's membership (GroupMetadata record) after a completed rebalance.
    pub(crate) fn persist_group(&mut self, group_id: &str) {
        let Some(g) = self.coord.groups.get(group_id) else { return };
        let value = serde_json::to_string(&StoredGroup::from(g)).unwrap_or_default();
        let me = NodeAddr::Broker(self.host.broker_id());
        self.write_offsets_records(
            me,
            0,
            group_id,
            vec![(group_key(group_id), Some(value))],
            Response::Heartbeat { error: None },
            vec![],
        );
    }

    pub(crate) fn offset_fetch(
        &self,
        group_id: &str,
        partitions: Option<Vec<TopicPartition>>,
        require_stable: bool,
    ) -> Response {
        if let Some(e) = self.not_coordinator(group_id) {
            return Response::OffsetFetch { error: Some(e), offsets: vec![] };
        }
        let g = self.coord.groups.get(group_id);
        let list: Vec<TopicPartition> = match partitions {
            Some(p) => p,
            None => g.map(|g| g.offsets.keys().cloned().collect()).unwrap_or_default(),
        };
        let offsets = list
            .into_iter()
            .map(|tp| {
                let pending = require_stable
                    && g.map(|g| g.pending_txn_offsets.values().any(|m| m.contains_key(&tp))).unwrap_or(false);
                let o = g.and_then(|g| g.offsets.get(&tp)).map(|c| c.offset).unwrap_or(-1);
                (tp, o, if pending { Some(KafkaError::UNSTABLE_OFFSET_COMMIT) } else { None })
            })
            .collect();
        Response::OffsetFetch { error: None, offsets }
    }

    pub(crate) fn describe_group(&self, group_id: &str) -> GroupDescription {
        let base = |error: Option<KafkaError>, state: &str| {
            GroupDescription::without_group(group_id, error, state, self.host.broker_id())
        };
        if let Some(e) = self.not_coordinator(group_id) {
            return base(Some(e), "");
        }
        let Some(g) = self.coord.groups.get(group_id) else { return base(None, "Dead") };
        if let Some(cg) = &g.consumer {
            if g.state != GroupState::Dead {
                let default = self.env.settings.consumer_group.assignors.first().cloned().unwrap_or_default();
                return GroupDescription {
                    group: g.id.clone(),
                    error: None,
                    state: cg.state_name().to_string(),
                    protocol_type: "consumer".into(),
                    protocol: String::new(),
                    members: cg
                        .members
                        .values()
                        .map(|m| GroupMemberDescription {
                            member_id: m.member_id.clone(),
                            instance_id: m.instance_id.clone(),
                            client_id: m.client_id.clone(),
                            host: m.host.clone(),
                            assignment: m.assigned.keys().cloned().collect(),
                            member_epoch: Some(m.member_epoch),
                            target_assignment: cg.target.get(&m.member_id).cloned().unwrap_or_default(),
                            upgraded: Some(m.classic.is_none()),
                        })
                        .collect(),
                    coordinator: self.host.broker_id(),
                    consumer: Some(crate::sim::protocol::ConsumerGroupEpochs {
                        group_epoch: cg.group_epoch,
                        assignment_epoch: cg.assignment_epoch,
                        assignor: cg.preferred_assignor_name(&default),
                    }),
                };
            }
        }
        GroupDescription {
            group: g.id.clone(),
            error: None,
            state: g.state.name().to_string(),
            protocol_type: g.protocol_type.clone().unwrap_or_default(),
            // Only a Stable group reports its protocol (`ClassicGroup.describe`: the other
            // states describe their members without metadata and no protocol data).
            protocol: if g.state == GroupState::Stable {
                g.protocol.clone().unwrap_or_default()
            } else {
                String::new()
            },
            members: g
                .members
                .values()
                .map(|m| GroupMemberDescription {
                    member_id: m.member_id.clone(),
                    instance_id: m.instance_id.clone(),
                    client_id: m.client_id.clone(),
                    host: m.host.clone(),
                    assignment: m.assignment.clone(),
                    member_epoch: None,
                    target_assignment: vec![],
                    upgraded: None,
                })
                .collect(),
            coordinator: self.host.broker_id(),
            consumer: None,
        }
    }

    pub(crate) fn delete_group(&mut self, group_id: &str) -> Option<KafkaError> {
        if let Some(e) = self.not_coordinator(group_id) {
            return Some(e);
        }
        if self.is_share_group(group_id) {
            return self.delete_share_group(group_id);
        }
        let Some(g) = self.coord.groups.get(group_id) else { return Some(KafkaError::GROUP_ID_NOT_FOUND) };
        if !matches!(g.state, GroupState::Empty | GroupState::Dead)
            || g.consumer.as_ref().map(|cg| !cg.members.is_empty()).unwrap_or(false)
        {
            return Some(KafkaError::NON_EMPTY_GROUP);
        }
        let consumer = g.consumer.is_some();
        // Tombstones for every offset and for the group itself; compaction removes them.
        let mut records: Vec<(String, Option<String>)> =
            g.offsets.keys().map(|tp| (offset_key(group_id, tp), None)).collect();
        records.push((if consumer { consumer_group_key(group_id) } else { group_key(group_id) }, None));
        self.coord.groups.remove(group_id);
        let me = NodeAddr::Broker(self.host.broker_id());
        self.write_offsets_records(me, 0, group_id, records, Response::Heartbeat { error: None }, vec![]);
        self.out.trace(TraceKind::GroupStateChanged {
            group: group_id.to_string(),
            state: "Dead".into(),
            generation: -1,
            reason: "deleted".into(),
        });
        None
    }

    pub(crate) fn offset_delete(&mut self, group_id: &str, partitions: Vec<TopicPartition>) -> Response {
        if let Some(e) = self.not_coordinator(group_id) {
            return Response::OffsetDelete { error: Some(e), results: vec![] };
        }
        let Some(g) = self.coord.groups.get_mut(group_id) else {
            return Response::OffsetDelete { error: Some(KafkaError::GROUP_ID_NOT_FOUND), results: vec![] };
        };
        let active = !g.members.is_empty() || g.consumer.as_ref().map(|cg| !cg.members.is_empty()).unwrap_or(false);
        let subscribed = g.subscribed_topics();
        let mut results = Vec::new();
        let mut records = Vec::new();
        for tp in partitions {
            if active && subscribed.contains(&tp.topic) {
                results.push((tp, Some(KafkaError::GROUP_SUBSCRIBED_TO_TOPIC)));
            } else {
                if g.offsets.remove(&tp).is_some() {
                    records.push((offset_key(group_id, &tp), None));
                }
                results.push((tp, None));
            }
        }
        if !records.is_empty() {
            let me = NodeAddr::Broker(self.host.broker_id());
            self.write_offsets_records(me, 0, group_id, records, Response::Heartbeat { error: None }, vec![]);
        }
        let error = None;
        Response::OffsetDelete { error, results }
    }

    /// The coordinator's part of a TxnOffsetCommit (`GroupCoordinator.commitTransactionalOffsets`);
    /// `refused` are the partitions `KafkaApis.handleTxnOffsetCommitRequest` answered
    /// TOPIC_AUTHORIZATION_FAILED itself, first in the response.
    pub(crate) fn txn_offset_commit(
        &mut self,
        from: NodeAddr,
        corr: u64,
        req: TxnCommit,
        offsets: Vec<(TopicPartition, Offset)>,
        refused: Vec<TopicPartition>,
    ) {
        let TxnCommit { group_id, producer_id, producer_epoch, generation, member_id } = req;
        let with_refused = |e: Option<KafkaError>| Response::TxnOffsetCommit {
            results: refused_first(&refused, offsets.iter().map(|(tp, _)| (tp.clone(), e))),
        };
        let fail = |e: KafkaError| with_refused(Some(e));
        if let Some(e) = self.not_coordinator(&group_id) {
            self.out.respond(from, corr, fail(e));
            return;
        }
        // Kafka appends the offsets as a transactional batch of (producerId, producerEpoch) to
        // the group's `__consumer_offsets` partition (`CoordinatorRuntime.
        // scheduleTransactionalWriteOperation`), and that log's producer state refuses an epoch
        // older than the last it saw (`ProducerAppendInfo.checkProducerEpoch`): the ABORT marker
        // of a transaction fenced by a newer instance carries the bumped epoch, so a zombie's
        // late TxnOffsetCommit fails with INVALID_PRODUCER_EPOCH and never becomes pending
        // offsets that a later COMMIT of the same producer id would publish.
        let offsets_tp = TopicPartition::new(OFFSETS_TOPIC, self.group_partition(&group_id));
        let fenced = self
            .host
            .log(&offsets_tp)
            .and_then(|l| l.producers.last_entry(producer_id))
            .is_some_and(|e| producer_epoch < e.producer_epoch);
        if fenced {
            self.out.respond(from, corr, fail(KafkaError::INVALID_PRODUCER_EPOCH));
            return;
        }
        // KIP-447 (`OffsetMetadataManager.validateTransactionalOffsetCommit`): a commit that names
        // a generation must come from a current member of it, or the producer is a zombie of
        // an older generation; one without (-1, "") is accepted as before KIP-447.
        let tps: Vec<TopicPartition> = offsets.iter().map(|(tp, _)| tp.clone()).collect();
        if let Some(e) =
            self.coord.groups.get(&group_id).and_then(|g| Self::validate_txn_commit(g, generation, &member_id, &tps))
        {
            self.out.respond(from, corr, fail(e));
            return;
        }
        if !self.coord.groups.contains_key(&group_id) && generation >= 0 {
            // `GroupIdNotFoundException` (TxnOffsetCommit v6 returns it; older versions
            // ILLEGAL_GENERATION).
            self.out.respond(from, corr, fail(KafkaError::GROUP_ID_NOT_FOUND));
            return;
        }
        let commit_ms = self.env.wall_ms(self.now);
        let g = self.coord.groups.entry(group_id.clone()).or_insert_with(|| Group::new(&group_id));
        let pending = g.pending_txn_offsets.entry(producer_id).or_default();
        for (tp, o) in &offsets {
            pending.insert(tp.clone(), CommittedOffset { offset: *o, leader_epoch: None, commit_ms });
        }
        // The offsets are written as transactional records; they become visible on COMMIT.
        let records = offsets
            .iter()
            .map(|(tp, o)| {
                (offset_key(&group_id, tp), Some(format!("offset={o} (transactional, producerId={producer_id})")))
            })
            .collect();
        let resp = with_refused(None);
        self.write_offsets_records(from, corr, &group_id, records, resp, vec![]);
    }

    /// `ClassicGroup.validateOffsetCommit` / `ConsumerGroup.validateOffsetCommit` with
    /// `isTransactional` true: no generation and no member id is accepted; otherwise the member
    /// must be in the group (UNKNOWN_MEMBER_ID) at that generation or member epoch
    /// (ILLEGAL_GENERATION; STALE_MEMBER_EPOCH for a KIP-848 member, which TxnOffsetCommit v6
    /// returns as it is). A transactional commit is not refused during COMPLETING_REBALANCE.
    fn validate_txn_commit(
        g: &Group,
        generation: i32,
        member_id: &str,
        partitions: &[TopicPartition],
    ) -> Option<KafkaError> {
        if let Some(cg) = &g.consumer {
            if generation == -1 && member_id.is_empty() {
                return None;
            }
            return Self::validate_consumer_commit(cg, member_id, generation, partitions);
        }
        if generation < 0 && g.members.is_empty() {
            return None;
        }
        if generation < 0 && member_id.is_empty() {
            return None;
        }
        if !g.members.contains_key(member_id) {
            return Some(KafkaError::UNKNOWN_MEMBER_ID);
        }
        if generation != g.generation {
            return Some(KafkaError::ILLEGAL_GENERATION);
        }
        None
    }

    /// A group's timer: expired sessions, rebalance deadlines, initial delays; then the next
    /// timers.
    pub(crate) fn handle_tick(&mut self, group: &str) {
        if !group.is_empty() {
            if self.is_share_group(group) {
                self.share_group_tick(group);
            } else if self.coord.groups.get(group).map(|g| g.consumer.is_some()).unwrap_or(false) {
                self.consumer_group_tick(group);
            } else {
                self.group_tick(group);
            }
        }
        self.schedule_group_ticks();
    }

    /// Becoming leader of a `__consumer_offsets` partition: load its groups by replaying it.
    pub(crate) fn load_groups(&mut self, tp: &TopicPartition) {
        self.coord.owned.insert(tp.partition);
        let Some(log) = self.host.log(tp) else { return };
        let mut loaded: BTreeMap<String, Group> = BTreeMap::new();
        for b in log.batches() {
            if b.is_control() {
                // `OffsetMetadataManager.replayEndTransactionMarker`: the transaction's pending
                // offsets become the group's committed offsets on COMMIT, and go on ABORT.
                for g in loaded.values_mut() {
                    if let Some(pending) = g.pending_txn_offsets.remove(&b.producer_id) {
                        if b.control == Some(ControlType::Commit) {
                            g.offsets.extend(pending);
                        }
                    }
                }
                continue;
            }
            for r in b.records.iter() {
                let Some(key) = r.key.as_ref().and_then(|k| std::str::from_utf8(k).ok()) else { continue };
                let value = r.value.as_ref().and_then(|v| std::str::from_utf8(v).ok());
                if let Some(rest) = key.strip_prefix("offset:") {
                    let mut parts = rest.rsplitn(3, ',');
                    let (Some(p), Some(topic), Some(group)) = (parts.next(), parts.next(), parts.next()) else {
                        continue;
                    };
                    let Ok(p) = p.parse::<i32>() else { continue };
                    let g = loaded.entry(group.to_string()).or_insert_with(|| Group::new(group));
                    let tp = TopicPartition::new(topic, p);
                    match value.and_then(parse_offset_value) {
                        // A TxnOffsetCommit's record (`OffsetMetadataManager.replay` of a
                        // transactional batch): pending until its transaction's marker.
                        Some(c) if !b.transactional => match value.and_then(txn_offset_producer) {
                            Some(pid) => {
                                g.pending_txn_offsets.entry(pid).or_default().insert(tp, c);
                            }
                            None => {
                                g.offsets.insert(tp, c);
                            }
                        },
                        Some(_) => {}
                        None => {
                            g.offsets.remove(&tp);
                        }
                    }
                } else if let Some(group) = key.strip_prefix("consumer-group:") {
                    match value.and_then(|v| serde_json::from_str::<ConsumerGroupState>(v).ok()) {
                        Some(mut cg) => {
                            // A new coordinator gives every member a fresh session.
                            let session = self.env.settings.consumer_group.session_timeout_ms;
                            for m in cg.members.values_mut() {
                                m.session_deadline = self.now.plus_ms(session);
                                m.rebalance_deadline = None;
                            }
                            let g = loaded.entry(group.to_string()).or_insert_with(|| Group::new(group));
                            g.state = if cg.members.is_empty() { GroupState::Empty } else { GroupState::Stable };
                            g.protocol_type = Some("consumer".into());
                            g.members.clear();
                            g.consumer = Some(cg);
                        }
                        None => {
                            if let Some(g) = loaded.get_mut(group) {
                                g.consumer = None;
                                g.state = GroupState::Empty;
                            }
                        }
                    }
                } else if let Some(group) = key.strip_prefix("group:") {
                    match value.and_then(|v| serde_json::from_str::<StoredGroup>(v).ok()) {
                        Some(s) => {
                            let g = loaded.entry(group.to_string()).or_insert_with(|| Group::new(group));
                            s.restore(g, self.now);
                        }
                        None => {
                            loaded.remove(group);
                        }
                    }
                }
            }
        }
        let n = offsets_partitions(self.host.image(), self.env);
        for (id, g) in loaded {
            if coordinator_partition(&id, n) == tp.partition {
                self.coord.groups.insert(id, g);
            }
        }
        self.schedule_group_ticks();
    }

    /// Losing leadership of a `__consumer_offsets` partition: its groups move to the new leader.
    pub(crate) fn unload_groups(&mut self, tp: &TopicPartition) {
        if !self.coord.owned.remove(&tp.partition) {
            return;
        }
        let n = offsets_partitions(self.host.image(), self.env);
        let gone: Vec<String> =
            self.coord.groups.keys().filter(|g| coordinator_partition(g, n) == tp.partition).cloned().collect();
        for id in gone {
            if let Some(g) = self.coord.groups.remove(&id) {
                for m in g.members.into_values() {
                    if let Some((to, c)) = m.join_pending {
                        self.out.respond(
                            to,
                            c,
                            Response::JoinGroup {
                                error: Some(KafkaError::NOT_COORDINATOR),
                                generation: -1,
                                protocol: String::new(),
                                leader: String::new(),
                                member_id: m.member_id.clone(),
                                members: vec![],
                            },
                        );
                    }
                    if let Some((to, c)) = m.sync_pending {
                        self.out.respond(to, c, sync_error(KafkaError::NOT_COORDINATOR));
                    }
                }
            }
        }
        let p = tp.partition;
        let pending: Vec<PendingWrite> =
            self.coord.pending_writes.iter().filter(|w| w.partition == p).cloned().collect();
        self.coord.pending_writes.retain(|w| w.partition != p);
        for w in pending {
            if w.to != NodeAddr::Broker(self.host.broker_id()) {
                self.out.respond(w.to, w.corr, with_error(w.resp, KafkaError::NOT_COORDINATOR));
            }
        }
    }
}

/// A commit's per-partition results: the partitions `KafkaApis` refused for their topic
/// (TOPIC_AUTHORIZATION_FAILED) first, then what the coordinator answers for the others.
fn refused_first(
    refused: &[TopicPartition],
    rest: impl Iterator<Item = (TopicPartition, Option<KafkaError>)>,
) -> Vec<(TopicPartition, Option<KafkaError>)> {
    refused.iter().map(|tp| (tp.clone(), Some(KafkaError::TOPIC_AUTHORIZATION_FAILED))).chain(rest).collect()
}

/// Replaces the error of a response (for answers that must fail late).
fn with_error(resp: Response, e: KafkaError) -> Response {
    match resp {
        Response::OffsetCommit { results, .. } => Response::OffsetCommit {
            results: results.into_iter().map(|(tp, _)| (tp, Some(e))).collect(),
            error: Some(e),
        },
        Response::TxnOffsetCommit { results } => {
            Response::TxnOffsetCommit { results: results.into_iter().map(|(tp, _)| (tp, Some(e))).collect() }
        }
        other => other,
    }
}

/// The producer id of a TxnOffsetCommit's offset record (`offset=5 (transactional,
/// producerId=1000)`), `None` for a plain OffsetCommit's.
fn txn_offset_producer(v: &str) -> Option<i64> {
    v.split_once("(transactional, producerId=")?.1.strip_suffix(')')?.parse().ok()
}

fn parse_offset_value(v: &str) -> Option<CommittedOffset> {
    let mut offset = None;
    let mut epoch = None;
    let mut ts = 0;
    for part in v.split_whitespace() {
        if let Some(x) = part.strip_prefix("offset=") {
            offset = x.parse().ok();
        } else if let Some(x) = part.strip_prefix("leaderEpoch=") {
            epoch = x.parse().ok();
        } else if let Some(x) = part.strip_prefix("commitTimestamp=") {
            ts = x.parse().unwrap_or(0);
        }
    }
    offset.map(|o| CommittedOffset { offset: o, leader_epoch: epoch, commit_ms: ts })
}

/// What a GroupMetadata record holds.
#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
struct StoredGroup {
    state: String,
    generation: i32,
    protocol_type: Option<String>,
    protocol: Option<String>,
    leader: Option<String>,
    members: Vec<StoredMember>,
}

#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
struct StoredMember {
    member_id: String,
    instance_id: Option<String>,
    client_id: String,
    host: String,
    session_timeout_ms: i64,
    rebalance_timeout_ms: i64,
    protocols: Vec<(String, Rc<GroupSubscription>)>,
    assignment: Vec<TopicPartition>,
}

impl From<&Group> for StoredGroup {
    fn from(g: &Group) -> StoredGroup {
        StoredGroup {
            state: g.state.name().to_string(),
            generation: g.generation,
            protocol_type: g.protocol_type.clone(),
            protocol: g.protocol.clone(),
            leader: g.leader.clone(),
            members: g
                .members
                .values()
                .map(|m| StoredMember {
                    member_id: m.member_id.clone(),
                    instance_id: m.instance_id.clone(),
                    client_id: m.client_id.clone(),
                    host: m.host.clone(),
                    session_timeout_ms: m.session_timeout_ms,
                    rebalance_timeout_ms: m.rebalance_timeout_ms,
                    protocols: m.protocols.clone(),
                    assignment: m.assignment.clone(),
                })
                .collect(),
        }
    }
}

impl StoredGroup {
    /// Restores membership on a new coordinator: members keep their generation and get a
    /// fresh session (they must heartbeat within `session.timeout.ms`).
    fn restore(self, g: &mut Group, now: SimTime) {
        g.generation = self.generation;
        g.protocol_type = self.protocol_type;
        g.protocol = self.protocol;
        g.leader = self.leader;
        g.members = self
            .members
            .into_iter()
            .map(|m| {
                (
                    m.member_id.clone(),
                    Member {
                        member_id: m.member_id,
                        instance_id: m.instance_id,
                        client_id: m.client_id,
                        host: m.host,
                        session_timeout_ms: m.session_timeout_ms,
                        rebalance_timeout_ms: m.rebalance_timeout_ms,
                        protocols: m.protocols,
                        assignment: m.assignment,
                        last_heartbeat: now,
                        join_pending: None,
                        sync_pending: None,
                        joined_at: now,
                    },
                )
            })
            .collect();
        g.state = if g.members.is_empty() {
            GroupState::Empty
        } else if self.state == "Stable" {
            GroupState::Stable
        } else {
            // A rebalance was in flight: start it again.
            GroupState::PreparingRebalance
        };
        if g.state == GroupState::PreparingRebalance {
            let timeout = g.members.values().map(|m| m.rebalance_timeout_ms).max().unwrap_or(0);
            g.rebalance_deadline = Some(now.plus_ms(timeout));
        }
    }
}

/// A SyncGroup answer carrying only an error (no protocol, no assignment).
pub(crate) fn sync_error(error: KafkaError) -> Response {
    Response::SyncGroup { error: Some(error), protocol: String::new(), assignment: vec![] }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_ids_look_like_kafkas() {
        let mut rng = crate::sim::rng::Pcg32::new(1, 1);
        let id = new_member_id("console-consumer", &mut rng);
        // console-consumer-4f8a2b1c-9d3e-4c5f-8a6b-7e1d2c3b4a59 (`ConsoleConsumer`)
        let uuid = id.strip_prefix("console-consumer-").unwrap();
        let parts: Vec<usize> = uuid.split('-').map(|p| p.len()).collect();
        assert_eq!(parts, vec![8, 4, 4, 4, 12]);
        // Every draw is a version-4 UUID of the IETF variant (java.util.UUID.randomUUID).
        for _ in 0..500 {
            let id = new_member_id("c", &mut rng);
            let uuid = id.strip_prefix("c-").unwrap();
            assert!(uuid.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
            assert_eq!(&uuid[14..15], "4", "{uuid}");
            assert!("89ab".contains(&uuid[19..20]), "variant bits 10: {uuid}");
        }
    }

    #[test]
    fn protocol_selection_picks_what_everyone_supports() {
        let sub = Rc::new(GroupSubscription {
            topics: vec!["t".into()],
            owned: vec![],
            generation: -1,
            rack: None,
            user_data: None,
        });
        let mut g = Group::new("g");
        for (id, protos) in [
            ("a", vec!["range", "cooperative-sticky"]),
            ("b", vec!["cooperative-sticky", "range"]),
            ("c", vec!["cooperative-sticky"]),
        ] {
            g.members.insert(
                id.into(),
                Member {
                    member_id: id.into(),
                    instance_id: None,
                    client_id: id.into(),
                    host: String::new(),
                    session_timeout_ms: 45000,
                    rebalance_timeout_ms: 300000,
                    protocols: protos.iter().map(|p| (p.to_string(), sub.clone())).collect(),
                    assignment: vec![],
                    last_heartbeat: SimTime::ZERO,
                    join_pending: None,
                    sync_pending: None,
                    joined_at: SimTime::ZERO,
                },
            );
        }
        assert_eq!(g.select_protocol().as_deref(), Some("cooperative-sticky"));
        g.members.remove("c");
        // a votes range, b votes cooperative-sticky: a tie goes to the first candidate.
        assert_eq!(g.select_protocol().as_deref(), Some("range"));
    }

    #[test]
    fn offset_values_round_trip() {
        let c = parse_offset_value("offset=5 leaderEpoch=2 commitTimestamp=1742256000123").unwrap();
        assert_eq!(c, CommittedOffset { offset: 5, leader_epoch: Some(2), commit_ms: 1742256000123 });
        assert_eq!(parse_offset_value("offset=7 leaderEpoch=none commitTimestamp=1").unwrap().leader_epoch, None);
    }
}
