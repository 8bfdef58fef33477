//! Consumer group partition assignors.
//!
//! Classic (client-side, run by the group leader): [`range`], [`round_robin`], [`sticky`] and
//! [`cooperative_sticky`], mirroring `RangeAssignor`, `RoundRobinAssignor`, `StickyAssignor`,
//! `CooperativeStickyAssignor` and `AbstractStickyAssignor` (without rack awareness). KIP-848
//! (server-side, new `consumer` protocol): [`server_uniform`] and [`server_range`], mirroring the
//! group coordinator's `UniformAssignor` (homogeneous and heterogeneous builders) and
//! `RangeAssignor`.
//!
//! [`ClientAssignorState`] is the consumer's side: what its assignor instances remember between
//! rebalances (`onAssignment`), put in its JoinGroup subscriptions (`subscriptionUserData`) and,
//! on the leader, carry from one `assign` to the next (`maxGeneration`).
//!
//! Where Kafka's result depends on the iteration order of a `java.util.HashMap`/`HashSet`
//! (the group leader's `Map<memberId, Subscription>`, the sticky assignor's partition-movement
//! sets and user data, the coordinator's member map, the KIP-848 assignors' topic-id sets), that
//! order is reproduced: Java's `String.hashCode` / `TopicPartition.hashCode` / Kafka's
//! `Uuid.hashCode`, `HashMap`'s hash spreading, bucket order, the position within a bucket
//! (`put` appends, `computeIfAbsent` prepends) and table growth. Members are "inserted" in the
//! order of the input slice.
//!
//! `tests/conformance_vectors.rs` checks every function here against Kafka 4.4.0's own classes
//! (the `client-assignors` and `server-assignors` vector families).
//!
//! Reference: `ConsumerPartitionAssignor`.

use crate::sim::codec::Codec;
use crate::sim::java::{
    java_hashmap_order, java_hashmap_order_computed, java_string_cmp, java_string_hash, JavaHashSim,
};
use crate::sim::sort::{CompactCollect, CompactSort};
use crate::sim::types::{TopicId, TopicPartition};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// `AbstractStickyAssignor.DEFAULT_GENERATION`: no generation.
pub(crate) const DEFAULT_GENERATION: i32 = -1;

/// A group member as an assignor sees it: mirrors `ConsumerPartitionAssignor.Subscription`
/// (member id, `group.instance.id`, subscribed topics, owned partitions, generation id, the
/// assignor's user data) and, for the server-side assignors, `MemberSubscriptionAndAssignmentImpl`
/// (`owned` = the member's current target assignment).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct Member {
    pub member_id: String,
    pub group_instance_id: Option<String>,
    pub topics: Vec<String>,
    /// `Subscription.ownedPartitions`, in the order the member sent them (for the KIP-848
    /// assignors: the current target assignment, in the order Kafka iterates it).
    pub owned: Vec<TopicPartition>,
    /// `Subscription.generationId`: the member's generation when it joined; -1
    /// ([`DEFAULT_GENERATION`]) = none (a new member, or one whose generation was reset).
    pub generation: i32,
    /// The chosen assignor's `subscriptionUserData`, decoded; `None` = no user data.
    #[serde(default)]
    pub user_data: Option<UserData>,
}

impl Member {
    /// A dynamic member with no owned partitions, no generation and no user data.
    #[cfg(test)]
    pub(crate) fn new(member_id: impl Into<String>, topics: &[&str]) -> Member {
        Member {
            member_id: member_id.into(),
            group_instance_id: None,
            topics: topics.iter().map(|t| t.to_string()).collect(),
            owned: Vec::new(),
            generation: DEFAULT_GENERATION,
            user_data: None,
        }
    }
}

/// What a sticky assignor puts in `subscriptionUserData` and reads back in `memberData`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub enum UserData {
    /// `StickyAssignor` (`STICKY_ASSIGNOR_USER_DATA_V1`): the partitions of the member's last
    /// assignment and its generation, as `onAssignment` recorded them. The eager protocol revokes
    /// everything before joining, so this is the only memory of what the member owned.
    /// `generation` is `None` for version 0 data.
    Sticky { partitions: Vec<TopicPartition>, generation: Option<i32> },
    /// `CooperativeStickyAssignor` (`COOPERATIVE_STICKY_ASSIGNOR_USER_DATA_V0`): the generation
    /// of its last assignment (-1 before the first).
    CooperativeSticky { generation: i32 },
}

/// What an `AbstractStickyAssignor` instance remembers between `assign` calls: `maxGeneration`,
/// the highest member generation it has seen (it only grows). The group leader's instance does
/// the assignment, so this belongs to the leader's consumer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct StickyAssignorState {
    pub max_generation: i32,
}

impl Default for StickyAssignorState {
    fn default() -> StickyAssignorState {
        StickyAssignorState { max_generation: DEFAULT_GENERATION }
    }
}

/// Member id → assigned partitions, in the order Kafka builds each list.
pub type Assignment = BTreeMap<String, Vec<TopicPartition>>;

/// Partition → the member it is moving to (`partitionsTransferringOwnership`).
pub(crate) type Transfers = BTreeMap<TopicPartition, String>;

// ---------------------------------------------------------------------------------------------
// Java hash order (the `java.util.HashMap` model is crate::sim::java's)
// ---------------------------------------------------------------------------------------------

/// `TopicPartition.hashCode()`: `31 * (31 + partition) + topic.hashCode()`.
pub(crate) fn java_topic_partition_hash(tp: &TopicPartition) -> i32 {
    31i32.wrapping_mul(31i32.wrapping_add(tp.partition)).wrapping_add(java_string_hash(&tp.topic))
}

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

fn tp(topic: &str, partition: i32) -> TopicPartition {
    TopicPartition::new(topic, partition)
}

fn cmp_tp(a: &TopicPartition, b: &TopicPartition) -> Ordering {
    java_string_cmp(&a.topic, &b.topic).then(a.partition.cmp(&b.partition))
}

/// `AbstractPartitionAssignor.MemberInfo.compareTo`: static members first (by instance id), then
/// dynamic members by member id.
fn cmp_member_info(a: &Member, b: &Member) -> Ordering {
    match (&a.group_instance_id, &b.group_instance_id) {
        (Some(x), Some(y)) => java_string_cmp(x, y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => java_string_cmp(&a.member_id, &b.member_id),
    }
}

/// Repeated member ids: like `Map.put`, the last subscription wins at the first position.
/// Repeated topics in a subscription are dropped.
fn normalize_members(members: &[Member]) -> Vec<Member> {
    let mut out: Vec<Member> = Vec::new();
    for m in members {
        let mut m = m.clone();
        let mut seen = BTreeSet::new();
        m.topics.retain(|t| seen.insert(t.clone()));
        match out.iter_mut().find(|x| x.member_id == m.member_id) {
            Some(slot) => *slot = m,
            None => out.push(m),
        }
    }
    out
}

/// `AbstractPartitionAssignor.assign(metadata, groupSubscription)`: only subscribed topics that
/// exist with at least one partition are passed to the assignor.
fn subscribed_partitions_per_topic(
    members: &[Member],
    partitions_per_topic: &BTreeMap<String, i32>,
) -> BTreeMap<String, i32> {
    let mut out = BTreeMap::new();
    for m in members {
        for t in &m.topics {
            if let Some(&n) = partitions_per_topic.get(t) {
                if n > 0 {
                    out.insert(t.clone(), n);
                }
            }
        }
    }
    out
}

/// The leader's `Map<String, Subscription>` iteration order (member ids put in input order).
fn subscription_order(members: &[Member]) -> Vec<String> {
    let ids: Vec<String> = members.iter().map(|m| m.member_id.clone()).collect();
    java_hashmap_order(&ids)
}

fn empty_assignment(members: &[Member]) -> Assignment {
    members.iter().map(|m| (m.member_id.clone(), Vec::new())).collect_map()
}

// ---------------------------------------------------------------------------------------------
// Classic RangeAssignor
// ---------------------------------------------------------------------------------------------

/// Mirrors the client-side `org.apache.kafka.clients.consumer.RangeAssignor` (`"range"`)
/// without rack awareness: per topic, partitions in numeric order and members in `MemberInfo`
/// order (static first by instance id, then member id); each member gets `P / M` contiguous
/// partitions and the first `P % M` one more. Each member's list follows the topic iteration
/// order of the leader's `partitionsPerTopic` `HashMap`.
pub fn range(members: &[Member], partitions_per_topic: &BTreeMap<String, i32>) -> Assignment {
    let members = normalize_members(members);
    let ppt = subscribed_partitions_per_topic(&members, partitions_per_topic);
    let mut assignment = empty_assignment(&members);
    // allSubscribedTopics (HashSet, filled in subscription-map order), then partitionsPerTopic
    // (HashMap, filled in that set's order): the topic iteration order of the assignor.
    let by_id: BTreeMap<&str, &Member> = members.iter().map(|m| (m.member_id.as_str(), m)).collect_map();
    let mut all_topics: Vec<String> = Vec::new();
    for id in subscription_order(&members) {
        for t in &by_id[id.as_str()].topics {
            all_topics.push(t.clone());
        }
    }
    let set_order = java_hashmap_order(&all_topics);
    let with_partitions: Vec<String> = set_order.into_iter().filter(|t| ppt.contains_key(t)).collect();
    for topic in java_hashmap_order(&with_partitions) {
        let n = ppt[&topic];
        let mut consumers: Vec<&Member> = members.iter().filter(|m| m.topics.contains(&topic)).collect();
        consumers.compact_sort_by(|a, b| cmp_member_info(a, b));
        let count = consumers.len() as i32;
        if count == 0 {
            continue;
        }
        let per = n / count;
        let extra = n % count;
        for (i, c) in consumers.iter().enumerate() {
            let i = i as i32;
            let start = per * i + i.min(extra);
            let len = per + if i + 1 > extra { 0 } else { 1 };
            let list = assignment.entry(c.member_id.clone()).or_default();
            for p in start..start + len {
                list.push(tp(&topic, p));
            }
        }
    }
    assignment
}

// ---------------------------------------------------------------------------------------------
// Classic RoundRobinAssignor
// ---------------------------------------------------------------------------------------------

/// Mirrors `org.apache.kafka.clients.consumer.RoundRobinAssignor` (`"roundrobin"`): all
/// partitions of all subscribed topics (topics sorted by name, partitions ascending) dealt to a
/// circular list of members in `MemberInfo` order, skipping members not subscribed to the topic.
pub fn round_robin(members: &[Member], partitions_per_topic: &BTreeMap<String, i32>) -> Assignment {
    let members = normalize_members(members);
    let ppt = subscribed_partitions_per_topic(&members, partitions_per_topic);
    let mut assignment = empty_assignment(&members);
    let mut sorted: Vec<&Member> = members.iter().collect();
    sorted.compact_sort_by(|a, b| cmp_member_info(a, b));
    if sorted.is_empty() {
        return assignment;
    }
    let mut topics: Vec<&String> = ppt.keys().collect();
    topics.compact_sort_by(|a, b| java_string_cmp(a, b));
    let mut cursor = 0usize;
    for topic in topics {
        for p in 0..ppt[topic] {
            let mut guard = 0;
            while !sorted[cursor].topics.contains(topic) {
                cursor = (cursor + 1) % sorted.len();
                guard += 1;
                if guard > sorted.len() {
                    break;
                }
            }
            if guard > sorted.len() {
                continue;
            }
            assignment.entry(sorted[cursor].member_id.clone()).or_default().push(tp(topic, p));
            cursor = (cursor + 1) % sorted.len();
        }
    }
    assignment
}

// ---------------------------------------------------------------------------------------------
// AbstractStickyAssignor
// ---------------------------------------------------------------------------------------------

/// The result of one sticky assignment: the target, and the partitions that change owner as
/// computed by the constrained path (`None` on the general path, where the cooperative assignor
/// computes them from the owned partitions).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct StickyOutcome {
    pub assignment: Assignment,
    pub transferring: Option<Transfers>,
}

struct OwnedValidation {
    all_equal: bool,
    /// consumerToOwnedPartitions, in subscription-map order.
    owned: Vec<(String, Vec<TopicPartition>)>,
    multiple_owners: BTreeSet<TopicPartition>,
}

/// Which `AbstractStickyAssignor` runs: it decides how `memberData` reads a subscription.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum StickyFlavour {
    /// `StickyAssignor` (eager).
    Eager,
    /// `CooperativeStickyAssignor`.
    Cooperative,
}

/// `AbstractStickyAssignor.MemberData`: what a member owned before this rebalance, and when.
struct MemberData {
    partitions: Vec<TopicPartition>,
    generation: Option<i32>,
}

/// `StickyAssignor.memberData` / `CooperativeStickyAssignor.memberData`.
fn member_data(m: &Member, flavour: StickyFlavour) -> MemberData {
    match flavour {
        // Only the user data: the eager consumer revoked everything before joining, so its
        // owned partitions are empty; no user data means nothing owned, no generation.
        StickyFlavour::Eager => match &m.user_data {
            Some(UserData::Sticky { partitions, generation }) => {
                MemberData { partitions: partitions.clone(), generation: *generation }
            }
            _ => MemberData { partitions: Vec::new(), generation: None },
        },
        // The owned partitions, of the subscription's generation if it has one, else of the
        // generation in the user data.
        StickyFlavour::Cooperative => {
            let generation = if m.generation >= 0 {
                Some(m.generation)
            } else {
                match &m.user_data {
                    Some(UserData::CooperativeSticky { generation }) => Some(*generation),
                    Some(UserData::Sticky { .. }) => Some(DEFAULT_GENERATION),
                    None => None,
                }
            };
            MemberData { partitions: m.owned.clone(), generation }
        }
    }
}

/// `AbstractStickyAssignor.allSubscriptionsEqual`: whether every member subscribes to the same
/// topics, and each member's claimed partitions (`memberData`) with conflicting claims settled by
/// generation. A member's own generation is its `memberData` generation; the rival claimant's is
/// its subscription's `generationId`. Raises `state.max_generation` to every member generation.
fn validate_owned(
    order: &[String],
    by_id: &BTreeMap<String, Member>,
    data: &BTreeMap<String, MemberData>,
    ppt: &BTreeMap<String, i32>,
    state: &mut StickyAssignorState,
) -> OwnedValidation {
    let mut all_equal = true;
    let mut subscribed: BTreeSet<String> = BTreeSet::new();
    let mut owner_of: BTreeMap<TopicPartition, String> = BTreeMap::new();
    let mut owned: Vec<(String, Vec<TopicPartition>)> = Vec::new();
    let mut multiple_owners = BTreeSet::new();
    for id in order {
        let m = &by_id[id];
        let topics: BTreeSet<String> = m.topics.iter().cloned().collect_set();
        if subscribed.is_empty() {
            subscribed = topics;
        } else if all_equal && topics != subscribed {
            all_equal = false;
        }
        let generation = data[id].generation.unwrap_or(DEFAULT_GENERATION);
        state.max_generation = state.max_generation.max(generation);
        owned.push((id.clone(), Vec::new()));
        let me = owned.len() - 1;
        for p in &data[id].partitions {
            // Owned partitions of topics that no longer exist (or partitions beyond the
            // topic's count) are dropped.
            match ppt.get(&p.topic) {
                Some(&n) if p.partition >= 0 && p.partition < n => {}
                _ => continue,
            }
            match owner_of.get(p).cloned() {
                None => {
                    owned[me].1.push(p.clone());
                    owner_of.insert(p.clone(), id.clone());
                }
                Some(other) => {
                    let other_gen = by_id[&other].generation;
                    let other_idx = owned.iter().position(|(o, _)| *o == other).unwrap_or(me);
                    if generation == other_gen {
                        multiple_owners.insert(p.clone());
                        if let Some(pos) = owned[other_idx].1.iter().position(|x| x == p) {
                            owned[other_idx].1.remove(pos);
                        }
                        owner_of.insert(p.clone(), id.clone());
                    } else if generation > other_gen {
                        owned[me].1.push(p.clone());
                        if let Some(pos) = owned[other_idx].1.iter().position(|x| x == p) {
                            owned[other_idx].1.remove(pos);
                        }
                        owner_of.insert(p.clone(), id.clone());
                    }
                }
            }
        }
    }
    OwnedValidation { all_equal, owned, multiple_owners }
}

fn all_partitions_sorted(ppt: &BTreeMap<String, i32>) -> Vec<TopicPartition> {
    let mut topics: Vec<&String> = ppt.keys().collect();
    topics.compact_sort_by(|a, b| java_string_cmp(a, b));
    let mut out = Vec::new();
    for t in topics {
        for p in 0..ppt[t] {
            out.push(tp(t, p));
        }
    }
    out
}

/// `AbstractStickyAssignor.ConstrainedAssignmentBuilder` (all members subscribe to the same
/// topics), without rack matching.
fn constrained_assign(
    ppt: &BTreeMap<String, i32>,
    owned: &[(String, Vec<TopicPartition>)],
    multiple_owners: &BTreeSet<TopicPartition>,
) -> (Assignment, Transfers) {
    let total: i64 = ppt.values().map(|&n| i64::from(n)).sum();
    let m = owned.len() as i64;
    let mut assignment: Assignment = owned.iter().map(|(c, _)| (c.clone(), Vec::new())).collect_map();
    let mut transfers = Transfers::new();
    if m == 0 {
        return (assignment, transfers);
    }
    let min_quota = (total / m) as usize;
    let max_quota = ((total + m - 1) / m) as usize;
    let expected_over = (total % m) as usize;
    let mut current_over = 0usize;
    let mut revoked: BTreeSet<TopicPartition> = BTreeSet::new();
    let mut under: Vec<String> = Vec::new();
    let mut exactly_min: Vec<String> = Vec::new();
    let mut assigned: BTreeSet<TopicPartition> = BTreeSet::new();

    for (consumer, owned_list) in owned {
        let mut own = owned_list.clone();
        own.compact_sort_by(|a, b| a.partition.cmp(&b.partition).then(java_string_cmp(&a.topic, &b.topic)));
        for dup in multiple_owners {
            if let Some(pos) = own.iter().position(|x| x == dup) {
                own.remove(pos);
            }
        }
        let list = assignment.entry(consumer.clone()).or_default();
        if own.len() < min_quota {
            for p in &own {
                list.push(p.clone());
                assigned.insert(p.clone());
            }
            under.push(consumer.clone());
        } else if own.len() >= max_quota && current_over < expected_over {
            current_over += 1;
            if current_over == expected_over {
                exactly_min.clear();
            }
            for p in &own[..max_quota] {
                list.push(p.clone());
                assigned.insert(p.clone());
            }
            revoked.extend(own[max_quota..].iter().cloned());
        } else {
            for p in &own[..min_quota] {
                list.push(p.clone());
                assigned.insert(p.clone());
            }
            revoked.extend(own[min_quota..].iter().cloned());
            if current_over < expected_over {
                exactly_min.push(consumer.clone());
            }
        }
    }

    let unassigned: Vec<TopicPartition> =
        all_partitions_sorted(ppt).into_iter().filter(|p| !assigned.contains(p)).collect();
    under.compact_sort_by(|a, b| java_string_cmp(a, b));
    exactly_min.compact_sort_by(|a, b| java_string_cmp(a, b));

    // assignRoundRobin: `next` is the position of the LinkedList iterator over `under`.
    let mut next = 0usize;
    for p in unassigned {
        let (consumer, from_iter) = if next < under.len() {
            next += 1;
            (under[next - 1].clone(), true)
        } else if under.is_empty() && exactly_min.is_empty() {
            // IllegalStateException("No more unfilled consumers to be assigned.") in Kafka;
            // unreachable with consistent quotas.
            break;
        } else if under.is_empty() {
            (exactly_min.remove(0), false)
        } else {
            next = 1;
            (under[0].clone(), true)
        };
        let list = assignment.entry(consumer.clone()).or_default();
        list.push(p.clone());
        let count = list.len();
        if revoked.contains(&p) || multiple_owners.contains(&p) {
            transfers.insert(p.clone(), consumer.clone());
        }
        // Kafka also counts members reaching maxQuota here, only to log an error if the last
        // one is reached early.
        if count == min_quota {
            if from_iter {
                under.remove(next - 1);
                next -= 1;
            }
            exactly_min.push(consumer);
        }
    }
    (assignment, transfers)
}

/// `AbstractStickyAssignor.ConsumerPair`: (source member, destination member).
type ConsumerPair = (String, String);

/// For one topic: each consumer pair and the `HashSet` of partitions that moved between them.
type PairMovements = Vec<(ConsumerPair, JavaHashSim<TopicPartition>)>;

/// `AbstractStickyAssignor.PartitionMovements`.
#[derive(Default)]
struct PartitionMovements {
    movements: BTreeMap<TopicPartition, ConsumerPair>,
    by_topic: BTreeMap<String, PairMovements>,
}

impl PartitionMovements {
    fn remove_record(&mut self, partition: &TopicPartition) -> Option<(String, String)> {
        let pair = self.movements.remove(partition)?;
        if let Some(pairs) = self.by_topic.get_mut(&partition.topic) {
            if let Some(pos) = pairs.iter().position(|(p, _)| *p == pair) {
                pairs[pos].1.remove(partition);
                if pairs[pos].1.is_empty() {
                    pairs.remove(pos);
                }
            }
            if pairs.is_empty() {
                self.by_topic.remove(&partition.topic);
            }
        }
        Some(pair)
    }

    fn add_record(&mut self, partition: &TopicPartition, pair: (String, String)) {
        self.movements.insert(partition.clone(), pair.clone());
        let pairs = self.by_topic.entry(partition.topic.clone()).or_default();
        let pos = match pairs.iter().position(|(p, _)| *p == pair) {
            Some(pos) => pos,
            None => {
                pairs.push((pair, JavaHashSim::new()));
                pairs.len() - 1
            }
        };
        pairs[pos].1.insert(partition.clone(), java_topic_partition_hash(partition));
    }

    fn move_partition(&mut self, partition: &TopicPartition, old: &str, new: &str) {
        if self.movements.contains_key(partition) {
            if let Some((src, _dst)) = self.remove_record(partition) {
                if src != new {
                    self.add_record(partition, (src, new.to_string()));
                }
            }
        } else {
            self.add_record(partition, (old.to_string(), new.to_string()));
        }
    }

    fn actual_partition_to_move(&self, partition: &TopicPartition, old: &str, new: &str) -> TopicPartition {
        let pairs = match self.by_topic.get(&partition.topic) {
            None => return partition.clone(),
            Some(p) => p,
        };
        let old = match self.movements.get(partition) {
            Some((src, _)) => src.clone(),
            None => old.to_string(),
        };
        let reverse = (new.to_string(), old);
        match pairs.iter().find(|(p, _)| *p == reverse) {
            None => partition.clone(),
            Some((_, set)) => set.first().unwrap_or_else(|| partition.clone()),
        }
    }
}

/// `AbstractStickyAssignor.GeneralAssignmentBuilder` (subscriptions differ), without racks.
struct GeneralBuilder<'a> {
    ppt: &'a BTreeMap<String, i32>,
    total: usize,
    topic_consumers: BTreeMap<String, Vec<String>>,
    consumer_topics: BTreeMap<String, Vec<String>>,
    current: BTreeMap<String, Vec<TopicPartition>>,
    owner: BTreeMap<TopicPartition, String>,
    /// The members of `sortedCurrentSubscriptions` (ordered on demand by size, then id).
    in_sorted: BTreeSet<String>,
    movements: PartitionMovements,
}

impl<'a> GeneralBuilder<'a> {
    fn size(&self, c: &str) -> Option<usize> {
        self.current.get(c).map(|v| v.len())
    }

    fn sorted(&self) -> Vec<String> {
        let mut v: Vec<String> = self.in_sorted.iter().cloned().collect();
        v.compact_sort_by(|a, b| {
            let sa = self.size(a).unwrap_or(0);
            let sb = self.size(b).unwrap_or(0);
            sa.cmp(&sb).then(java_string_cmp(a, b))
        });
        v
    }

    fn max_assignment_size(&self, topics: &[String]) -> usize {
        if topics.len() == self.ppt.len() {
            self.total
        } else {
            topics.iter().map(|t| self.ppt.get(t).copied().unwrap_or(0).max(0) as usize).sum()
        }
    }

    fn is_balanced(&self) -> bool {
        let sorted = self.sorted();
        let (first, last) = match (sorted.first(), sorted.last()) {
            (Some(f), Some(l)) => (f, l),
            _ => return true,
        };
        let min = self.size(first).unwrap_or(0);
        let max = self.size(last).unwrap_or(0);
        if min + 1 >= max {
            return true;
        }
        for consumer in &sorted {
            let count = self.size(consumer).unwrap_or(0);
            let topics = &self.consumer_topics[consumer];
            if count == self.max_assignment_size(topics) {
                continue;
            }
            let mine = &self.current[consumer];
            for topic in topics {
                for i in 0..self.ppt.get(topic).copied().unwrap_or(0) {
                    let p = tp(topic, i);
                    if mine.contains(&p) {
                        continue;
                    }
                    if let Some(other) = self.owner.get(&p) {
                        if let Some(other_count) = self.size(other) {
                            if count + 1 < other_count {
                                return false;
                            }
                        }
                    }
                }
            }
        }
        true
    }

    fn balance_score(assignment: &BTreeMap<String, Vec<TopicPartition>>) -> i64 {
        let sizes: Vec<i64> = assignment.values().map(|v| v.len() as i64).collect();
        let mut score = 0;
        for i in 0..sizes.len() {
            for j in i + 1..sizes.len() {
                score += (sizes[i] - sizes[j]).abs();
            }
        }
        score
    }

    fn maybe_assign_partition(&mut self, partition: &TopicPartition) -> bool {
        for consumer in self.sorted() {
            if self.consumer_topics[&consumer].contains(&partition.topic) {
                if let Some(list) = self.current.get_mut(&consumer) {
                    list.push(partition.clone());
                }
                self.owner.insert(partition.clone(), consumer);
                return true;
            }
        }
        false
    }

    fn can_consumer_participate(&self, consumer: &str) -> bool {
        let partitions = &self.current[consumer];
        let max = self.max_assignment_size(&self.consumer_topics[consumer]);
        if partitions.len() < max {
            return true;
        }
        partitions.iter().any(|p| self.topic_consumers.get(&p.topic).map(|c| c.len() >= 2).unwrap_or(false))
    }

    fn process_partition_movement(&mut self, partition: &TopicPartition, new_consumer: &str) {
        let old = match self.owner.get(partition) {
            Some(o) => o.clone(),
            None => return,
        };
        if !self.current.contains_key(&old) || !self.current.contains_key(new_consumer) {
            return;
        }
        self.movements.move_partition(partition, &old, new_consumer);
        if let Some(list) = self.current.get_mut(&old) {
            if let Some(pos) = list.iter().position(|x| x == partition) {
                list.remove(pos);
            }
        }
        if let Some(list) = self.current.get_mut(new_consumer) {
            list.push(partition.clone());
        }
        self.owner.insert(partition.clone(), new_consumer.to_string());
    }

    fn reassign_partition_to(&mut self, partition: &TopicPartition, new_consumer: &str) {
        let consumer = match self.owner.get(partition) {
            Some(c) => c.clone(),
            None => return,
        };
        let to_move = self.movements.actual_partition_to_move(partition, &consumer, new_consumer);
        self.process_partition_movement(&to_move, new_consumer);
    }

    fn reassign_partition(&mut self, partition: &TopicPartition) {
        let new_consumer = self.sorted().into_iter().find(|c| self.consumer_topics[c].contains(&partition.topic));
        if let Some(nc) = new_consumer {
            self.reassign_partition_to(partition, &nc);
        }
    }

    fn perform_reassignments(
        &mut self,
        partitions: &[TopicPartition],
        prev: &BTreeMap<TopicPartition, (String, i32)>,
    ) -> bool {
        let mut performed = false;
        // Each pass either moves a partition towards balance or stops; the bound only guards
        // against a livelock Kafka does not have.
        let max_passes = 4 * (partitions.len() + 1) * (self.current.len() + 1) + 16;
        for _ in 0..max_passes {
            let mut modified = false;
            for partition in partitions {
                if self.is_balanced() {
                    break;
                }
                let consumer = match self.owner.get(partition) {
                    Some(c) => c.clone(),
                    None => continue,
                };
                let consumer_size = match self.size(&consumer) {
                    Some(s) => s,
                    None => continue,
                };
                if let Some((prev_consumer, _)) = prev.get(partition) {
                    if let Some(prev_size) = self.size(prev_consumer) {
                        if consumer_size > prev_size + 1 {
                            let pc = prev_consumer.clone();
                            self.reassign_partition_to(partition, &pc);
                            performed = true;
                            modified = true;
                            continue;
                        }
                    }
                }
                let others = self.topic_consumers.get(&partition.topic).cloned().unwrap_or_default();
                for other in others {
                    if let Some(other_size) = self.size(&other) {
                        if consumer_size > other_size + 1 {
                            self.reassign_partition(partition);
                            performed = true;
                            modified = true;
                            break;
                        }
                    }
                }
            }
            if !modified {
                break;
            }
        }
        performed
    }
}

fn general_assign(
    order: &[String],
    by_id: &BTreeMap<String, Member>,
    data: &BTreeMap<String, MemberData>,
    ppt: &BTreeMap<String, i32>,
    owned: &[(String, Vec<TopicPartition>)],
    max_generation: i32,
) -> Assignment {
    let mut topic_consumers: BTreeMap<String, Vec<String>> = ppt.keys().map(|t| (t.clone(), Vec::new())).collect_map();
    let mut consumer_topics: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for id in order {
        let m = &by_id[id];
        let mut topics = Vec::new();
        for t in &m.topics {
            if ppt.contains_key(t) {
                topics.push(t.clone());
                if let Some(list) = topic_consumers.get_mut(t) {
                    list.push(id.clone());
                }
            }
        }
        consumer_topics.insert(id.clone(), topics);
    }
    let mut current: BTreeMap<String, Vec<TopicPartition>> = owned.iter().cloned().collect_map();
    for id in order {
        current.entry(id.clone()).or_default();
    }
    let mut owner: BTreeMap<TopicPartition, String> = BTreeMap::new();
    for (c, list) in owned {
        for p in list {
            owner.insert(p.clone(), c.clone());
        }
    }
    // sortedAllTopics: by number of potential consumers, then name.
    let mut sorted_topics: Vec<String> = ppt.keys().cloned().collect();
    sorted_topics
        .compact_sort_by(|a, b| topic_consumers[a].len().cmp(&topic_consumers[b].len()).then(java_string_cmp(a, b)));
    let mut sorted_all: Vec<TopicPartition> = Vec::new();
    for t in &sorted_topics {
        for p in 0..ppt[t] {
            sorted_all.push(tp(t, p));
        }
    }

    // prepopulateCurrentAssignments: for each partition, the latest owner from a generation
    // older than the highest the assignor instance has seen (members without a generation count
    // as -1 once any generation was seen).
    let mut prev: BTreeMap<TopicPartition, (String, i32)> = BTreeMap::new();
    for id in order {
        let d = &data[id];
        let generation = match d.generation {
            Some(g) if g < max_generation => g,
            None if max_generation > DEFAULT_GENERATION => DEFAULT_GENERATION,
            _ => continue,
        };
        for p in &d.partitions {
            match prev.get(p) {
                Some((_, g)) if generation <= *g => {}
                _ => {
                    prev.insert(p.clone(), (id.clone(), generation));
                }
            }
        }
    }

    // assignOwnedPartitions.
    let mut revocation_required = false;
    let mut assigned: BTreeSet<TopicPartition> = BTreeSet::new();
    for id in order {
        let topics = consumer_topics[id].clone();
        if let Some(list) = current.get_mut(id) {
            let mut kept = Vec::new();
            for p in list.drain(..) {
                if !ppt.contains_key(&p.topic) {
                    owner.remove(&p);
                } else if !by_id[id].topics.contains(&p.topic) || !topics.contains(&p.topic) {
                    revocation_required = true;
                } else {
                    assigned.insert(p.clone());
                    kept.push(p);
                }
            }
            *list = kept;
        }
    }
    let unassigned: Vec<TopicPartition> = sorted_all.iter().filter(|p| !assigned.contains(p)).cloned().collect();

    let total = ppt.values().map(|&n| n.max(0) as usize).sum();
    let mut b = GeneralBuilder {
        ppt,
        total,
        topic_consumers,
        consumer_topics,
        current,
        owner,
        in_sorted: order.iter().cloned().collect_set(),
        movements: PartitionMovements::default(),
    };

    // balance()
    let initializing = match b.sorted().last() {
        Some(last) => b.size(last).unwrap_or(0) == 0,
        None => true,
    };
    for p in &unassigned {
        if b.topic_consumers.get(&p.topic).map(|c| c.is_empty()).unwrap_or(true) {
            continue;
        }
        b.maybe_assign_partition(p);
    }
    let fixed_topics: BTreeSet<String> =
        b.topic_consumers.iter().filter(|(_, c)| c.len() < 2).map(|(t, _)| t.clone()).collect_set();
    let reassignable_all: Vec<TopicPartition> =
        sorted_all.iter().filter(|p| !fixed_topics.contains(&p.topic)).cloned().collect();
    let reassignable_unassigned: Vec<TopicPartition> =
        unassigned.iter().filter(|p| !fixed_topics.contains(&p.topic)).cloned().collect();
    let mut fixed: BTreeMap<String, Vec<TopicPartition>> = BTreeMap::new();
    let consumers: Vec<String> = b.consumer_topics.keys().cloned().collect();
    for c in consumers {
        if !b.can_consumer_participate(&c) {
            b.in_sorted.remove(&c);
            if let Some(list) = b.current.remove(&c) {
                fixed.insert(c, list);
            }
        }
    }
    let pre_balance = b.current.clone();
    let pre_owner = b.owner.clone();
    if !revocation_required {
        b.perform_reassignments(&reassignable_unassigned, &prev);
    }
    let performed = b.perform_reassignments(&reassignable_all, &prev);
    if !initializing
        && performed
        && GeneralBuilder::balance_score(&b.current) >= GeneralBuilder::balance_score(&pre_balance)
    {
        b.current = pre_balance;
        b.owner = pre_owner;
    }
    for (c, list) in fixed {
        b.current.insert(c.clone(), list);
        b.in_sorted.insert(c);
    }
    b.current
}

/// `AbstractStickyAssignor.assignPartitions` for one flavour, with the instance's state.
fn sticky_assign(
    members: &[Member],
    partitions_per_topic: &BTreeMap<String, i32>,
    flavour: StickyFlavour,
    state: &mut StickyAssignorState,
) -> StickyOutcome {
    let members = normalize_members(members);
    let ppt = subscribed_partitions_per_topic(&members, partitions_per_topic);
    if members.is_empty() {
        return StickyOutcome { assignment: Assignment::new(), transferring: Some(Transfers::new()) };
    }
    let by_id: BTreeMap<String, Member> = members.iter().map(|m| (m.member_id.clone(), m.clone())).collect_map();
    let data: BTreeMap<String, MemberData> =
        members.iter().map(|m| (m.member_id.clone(), member_data(m, flavour))).collect_map();
    let order = subscription_order(&members);
    let v = validate_owned(&order, &by_id, &data, &ppt, state);
    if v.all_equal {
        let (assignment, transfers) = constrained_assign(&ppt, &v.owned, &v.multiple_owners);
        StickyOutcome { assignment, transferring: Some(transfers) }
    } else {
        let assignment = general_assign(&order, &by_id, &data, &ppt, &v.owned, state.max_generation);
        StickyOutcome { assignment, transferring: None }
    }
}

/// Runs `StickyAssignor.assign` on a fresh assignor instance and reports the partitions
/// transferring ownership as the constrained path computes them (`None` on the general path).
#[cfg(test)]
pub(crate) fn sticky_detailed(members: &[Member], partitions_per_topic: &BTreeMap<String, i32>) -> StickyOutcome {
    sticky_assign(members, partitions_per_topic, StickyFlavour::Eager, &mut StickyAssignorState::default())
}

/// Mirrors `org.apache.kafka.clients.consumer.StickyAssignor` (`"sticky"`, eager) on a
/// fresh assignor instance: balance first, then stickiness. What each member owned before the
/// rebalance comes only from its [`UserData::Sticky`] (`StickyAssignor.memberData`): the eager
/// consumer has revoked everything before it joins.
#[cfg(test)]
pub(crate) fn sticky(members: &[Member], partitions_per_topic: &BTreeMap<String, i32>) -> Assignment {
    sticky_with_state(members, partitions_per_topic, &mut StickyAssignorState::default())
}

/// [`sticky`] on the leader's assignor instance, whose `maxGeneration` carries over between
/// rebalances (it decides which older claims are "previous owners" on the general path).
pub fn sticky_with_state(
    members: &[Member],
    partitions_per_topic: &BTreeMap<String, i32>,
    state: &mut StickyAssignorState,
) -> Assignment {
    sticky_assign(members, partitions_per_topic, StickyFlavour::Eager, state).assignment
}

/// One round of the cooperative sticky assignor: the assignment handed out, and the partitions
/// withheld because they change owner (revoked this round, assigned in a follow-up rebalance).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct CooperativeRound {
    pub assignment: Assignment,
    pub(crate) transferring: Transfers,
}

/// `CooperativeStickyAssignor.computePartitionsTransferringOwnership`: partitions assigned to a
/// member that did not own them while another member owned them.
fn compute_transfers(members: &[Member], assignment: &Assignment) -> Transfers {
    let mut added = Transfers::new();
    let mut revoked: BTreeSet<TopicPartition> = BTreeSet::new();
    for (consumer, assigned) in assignment {
        let owned: &[TopicPartition] =
            members.iter().find(|m| &m.member_id == consumer).map(|m| m.owned.as_slice()).unwrap_or(&[]);
        for p in assigned {
            if !owned.contains(p) {
                added.insert(p.clone(), consumer.clone());
            }
        }
        for p in owned {
            if !assigned.contains(p) {
                revoked.insert(p.clone());
            }
        }
    }
    added.retain(|p, _| revoked.contains(p));
    added
}

/// Mirrors one call of `org.apache.kafka.clients.consumer.CooperativeStickyAssignor.assign`
/// (`"cooperative-sticky"`) on a fresh assignor instance: the sticky target minus every
/// partition changing owner.
#[cfg(test)]
pub(crate) fn cooperative_sticky_round(
    members: &[Member],
    partitions_per_topic: &BTreeMap<String, i32>,
) -> CooperativeRound {
    cooperative_sticky_with_state(members, partitions_per_topic, &mut StickyAssignorState::default())
}

/// [`cooperative_sticky_round`] on the leader's assignor instance (see [`sticky_with_state`]).
pub fn cooperative_sticky_with_state(
    members: &[Member],
    partitions_per_topic: &BTreeMap<String, i32>,
    state: &mut StickyAssignorState,
) -> CooperativeRound {
    let normalized = normalize_members(members);
    let outcome = sticky_assign(&normalized, partitions_per_topic, StickyFlavour::Cooperative, state);
    let mut assignment = outcome.assignment;
    let transferring = match outcome.transferring {
        Some(t) => t,
        None => compute_transfers(&normalized, &assignment),
    };
    for (p, consumer) in &transferring {
        if let Some(list) = assignment.get_mut(consumer) {
            if let Some(pos) = list.iter().position(|x| x == p) {
                list.remove(pos);
            }
        }
    }
    CooperativeRound { assignment, transferring }
}

/// `CooperativeStickyAssignor.assign`: the first-round assignment (see
/// [`cooperative_sticky_round`]).
#[cfg(test)]
pub(crate) fn cooperative_sticky(members: &[Member], partitions_per_topic: &BTreeMap<String, i32>) -> Assignment {
    cooperative_sticky_round(members, partitions_per_topic).assignment
}

/// Runs the cooperative protocol to a stable state, like `CooperativeStickyAssignorTest`'s
/// `verifyValidityAndBalance`: while a round revokes a partition from its owner, the members
/// rejoin owning exactly what they were assigned (all at the next generation) and the assignor
/// runs again. Returns every round (at most 10); the last one is the final state.
#[cfg(test)]
pub(crate) fn cooperative_sticky_until_stable(
    members: &[Member],
    partitions_per_topic: &BTreeMap<String, i32>,
) -> Vec<CooperativeRound> {
    let mut current = normalize_members(members);
    let mut rounds = Vec::new();
    for _ in 0..10 {
        let round = cooperative_sticky_round(&current, partitions_per_topic);
        let revoking = current.iter().any(|m| {
            let assigned = round.assignment.get(&m.member_id).cloned().unwrap_or_default();
            m.owned.iter().any(|p| !assigned.contains(p))
        });
        let next_generation = current.iter().map(|m| m.generation).max().unwrap_or(0).max(0) + 1;
        for m in current.iter_mut() {
            m.owned = round.assignment.get(&m.member_id).cloned().unwrap_or_default();
            m.generation = next_generation;
        }
        rounds.push(round);
        if !revoking {
            break;
        }
    }
    rounds
}

// ---------------------------------------------------------------------------------------------
// The consumer's side: what its assignor instances send and remember
// ---------------------------------------------------------------------------------------------

/// A member's assignment as it arrives from SyncGroup: `ConsumerProtocol.serializeAssignment`
/// groups the leader's list by topic (topics in order of first appearance, partitions in list
/// order), and the member deserializes it in that order.
pub(crate) fn wire_order(assignment: &[TopicPartition]) -> Vec<TopicPartition> {
    let mut topics: Vec<&str> = Vec::new();
    for p in assignment {
        if !topics.contains(&p.topic.as_str()) {
            topics.push(&p.topic);
        }
    }
    topics.iter().flat_map(|t| assignment.iter().filter(move |p| p.topic == *t).cloned()).collect()
}

/// What a consumer's classic assignor instances remember between rebalances, and what they put
/// in its JoinGroup subscriptions. One per consumer; the group leader's also assigns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct ClientAssignorState {
    /// `StickyAssignor.memberAssignment` and `generation`, set by its `onAssignment`; `None`
    /// before the first assignment it was given.
    pub(crate) sticky_assignment: Option<(Vec<TopicPartition>, i32)>,
    /// `CooperativeStickyAssignor.generation`, set by its `onAssignment` (-1 before).
    pub(crate) cooperative_generation: i32,
    /// The `StickyAssignor` instance's `maxGeneration` (used when this consumer leads).
    pub(crate) sticky: StickyAssignorState,
    /// The `CooperativeStickyAssignor` instance's `maxGeneration`.
    pub(crate) cooperative: StickyAssignorState,
}

impl Default for ClientAssignorState {
    fn default() -> ClientAssignorState {
        ClientAssignorState {
            sticky_assignment: None,
            cooperative_generation: DEFAULT_GENERATION,
            sticky: StickyAssignorState::default(),
            cooperative: StickyAssignorState::default(),
        }
    }
}

impl ClientAssignorState {
    /// `subscriptionUserData` of the named assignor, as the leader decodes it. `StickyAssignor`
    /// writes its last assignment grouped by topic through a `HashMap<String, List<Integer>>`
    /// filled with `computeIfAbsent` (`serializeTopicPartitionAssignment`): topics in that map's
    /// order, partitions in order.
    pub fn subscription_user_data(&self, assignor: &str) -> Option<UserData> {
        match assignor {
            "sticky" => self.sticky_assignment.as_ref().map(|(partitions, generation)| {
                let mut topics: Vec<String> = Vec::new();
                for p in partitions {
                    if !topics.contains(&p.topic) {
                        topics.push(p.topic.clone());
                    }
                }
                let ordered = java_hashmap_order_computed(&topics)
                    .into_iter()
                    .flat_map(|t| partitions.iter().filter(move |p| p.topic == t).cloned())
                    .collect();
                UserData::Sticky { partitions: ordered, generation: Some(*generation) }
            }),
            "cooperative-sticky" => Some(UserData::CooperativeSticky { generation: self.cooperative_generation }),
            _ => None,
        }
    }

    /// `onAssignment(assignment, groupMetadata)` of the assignor the group chose, with the
    /// assignment as SyncGroup delivered it (see [`wire_order`]) and the new generation.
    pub fn on_assignment(&mut self, assignor: &str, assignment: &[TopicPartition], generation: i32) {
        match assignor {
            "sticky" => self.sticky_assignment = Some((wire_order(assignment), generation)),
            "cooperative-sticky" => self.cooperative_generation = generation,
            _ => {}
        }
    }

    /// The leader's `assign` with the named assignor's instance (unknown names: range).
    pub(crate) fn assign(
        &mut self,
        assignor: &str,
        members: &[Member],
        partitions_per_topic: &BTreeMap<String, i32>,
    ) -> Assignment {
        match assignor {
            "roundrobin" => round_robin(members, partitions_per_topic),
            "sticky" => sticky_with_state(members, partitions_per_topic, &mut self.sticky),
            "cooperative-sticky" => {
                cooperative_sticky_with_state(members, partitions_per_topic, &mut self.cooperative).assignment
            }
            _ => range(members, partitions_per_topic),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// KIP-848 server-side assignors
// ---------------------------------------------------------------------------------------------

/// A topic as the KIP-848 assignors see it (`SubscribedTopicDescriber`): its id and its number of
/// partitions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct ServerTopic {
    pub id: TopicId,
    pub partitions: i32,
}

/// `Uuid.hashCode()`: the two halves of `msb ^ lsb` xor-ed.
pub(crate) fn java_uuid_hash(id: &TopicId) -> i32 {
    let x = id.0 ^ id.1;
    ((x >> 32) as u32 ^ x as u32) as i32
}

/// `Uuid.compareTo`: the most significant bits, then the least, as signed longs.
fn cmp_uuid(a: &TopicId, b: &TopicId) -> Ordering {
    (a.0 as i64).cmp(&(b.0 as i64)).then((a.1 as i64).cmp(&(b.1 as i64)))
}

/// A member's current assignment as `Map<topic, Set<partition>>`, in the iteration order the
/// assignors see: topics in order of first appearance in `owned`, partitions in the order given
/// (the caller passes Kafka's iteration order of the member's assignment map). Repeated and
/// non-existent partitions are dropped.
fn owned_by_topic(m: &Member, ppt: &BTreeMap<String, i32>) -> Vec<(String, Vec<i32>)> {
    let mut out: Vec<(String, Vec<i32>)> = Vec::new();
    for p in &m.owned {
        match ppt.get(&p.topic) {
            Some(&n) if p.partition >= 0 && p.partition < n => {}
            _ => continue,
        }
        match out.iter_mut().find(|(t, _)| *t == p.topic) {
            Some((_, v)) => {
                if !v.contains(&p.partition) {
                    v.push(p.partition);
                }
            }
            None => out.push((p.topic.clone(), vec![p.partition])),
        }
    }
    out
}

fn sorted_output(partitions: impl IntoIterator<Item = TopicPartition>) -> Vec<TopicPartition> {
    let mut v: Vec<TopicPartition> = partitions.into_iter().collect();
    v.compact_sort_by(cmp_tp);
    v.dedup();
    v
}

/// Mirrors the group coordinator's `org.apache.kafka.coordinator.group.assignor.UniformAssignor`
/// (`"uniform"`, the default server-side assignor, the group coordinator's `UniformAssignor`): balance first, then stickiness.
///
/// * `members` are in the order the coordinator puts them into the `HashMap` of
///   `TargetAssignmentBuilder.build()`; the assignor iterates them in that map's order (Java hash
///   order of the member ids). `owned` is each member's current target assignment, in Kafka's
///   iteration order; a partition claimed by two members is kept by the first in that order.
/// * `topics` are the topics that exist, with their ids: the homogeneous builder hands out
///   unassigned partitions in the iteration order of a `HashSet<Uuid>` of the subscribed ids
///   (filled in the order of the first member's `HashSet<String>` of topic names), and the
///   heterogeneous builder breaks ties between topics by `Uuid.compareTo`.
/// * The homogeneous builder runs when every member subscribes to the same topic names
///   (`ModernGroup.subscriptionType`), otherwise the heterogeneous one.
///
/// Output lists are sorted by topic, then partition (Kafka returns sets).
pub fn server_uniform(members: &[Member], topics: &BTreeMap<String, ServerTopic>) -> Assignment {
    let members = normalize_members(members);
    if members.is_empty() {
        return Assignment::new();
    }
    let ppt: BTreeMap<String, i32> = topics.iter().map(|(t, st)| (t.clone(), st.partitions.max(0))).collect_map();
    let by_id: BTreeMap<String, Member> = members.iter().map(|m| (m.member_id.clone(), m.clone())).collect_map();
    let order = subscription_order(&members);
    // Current assignments, with cross-member duplicates removed (first in order keeps).
    let mut claimed: BTreeSet<TopicPartition> = BTreeSet::new();
    let mut current: BTreeMap<String, Vec<(String, Vec<i32>)>> = BTreeMap::new();
    for id in &order {
        let mut owned = owned_by_topic(&by_id[id], &ppt);
        for (t, ps) in owned.iter_mut() {
            ps.retain(|&p| claimed.insert(tp(t, p)));
        }
        owned.retain(|(_, ps)| !ps.is_empty());
        current.insert(id.clone(), owned);
    }
    let declared: Vec<BTreeSet<&String>> = order.iter().map(|id| by_id[id].topics.iter().collect_set()).collect();
    let homogeneous = declared.windows(2).all(|w| w[0] == w[1]);
    // TopicIds: the member's HashSet<String> of names, resolved to the topics that exist.
    let subscribed = |id: &str| -> Vec<String> {
        java_hashmap_order(&by_id[id].topics).into_iter().filter(|t| ppt.contains_key(t)).collect()
    };
    if homogeneous {
        // new HashSet<Uuid>(first member's TopicIds).
        let mut ids: JavaHashSim<String> = JavaHashSim::new();
        for t in subscribed(&order[0]) {
            ids.insert(t.clone(), java_uuid_hash(&topics[&t].id));
        }
        uniform_homogeneous(&order, &current, &ppt, &ids.order())
    } else {
        let subs: Vec<Vec<String>> = order.iter().map(|id| subscribed(id)).collect();
        let ids: BTreeMap<String, TopicId> = topics.iter().map(|(t, st)| (t.clone(), st.id)).collect_map();
        uniform_heterogeneous(&order, &subs, &current, &ppt, &ids)
    }
}

/// `UniformHomogeneousAssignmentBuilder`.
fn uniform_homogeneous(
    order: &[String],
    current: &BTreeMap<String, Vec<(String, Vec<i32>)>>,
    ppt: &BTreeMap<String, i32>,
    topics: &[String],
) -> Assignment {
    let mut target: Assignment = order.iter().map(|id| (id.clone(), Vec::new())).collect_map();
    if topics.is_empty() {
        return target;
    }
    let assigned: BTreeSet<TopicPartition> = current
        .values()
        .flat_map(|owned| owned.iter().flat_map(|(t, ps)| ps.iter().map(move |&p| tp(t, p))))
        .collect_set();
    let mut unassigned: Vec<TopicPartition> = Vec::new();
    let mut total: i64 = 0;
    for t in topics {
        let n = ppt.get(t).copied().unwrap_or(0);
        for p in 0..n {
            if !assigned.contains(&tp(t, p)) {
                unassigned.push(tp(t, p));
            }
        }
        total += i64::from(n);
    }
    let m = order.len() as i64;
    let min_quota = total / m;
    let mut extra = total % m;
    let mut unfilled: Vec<(String, i64)> = Vec::new();
    for (index, id) in order.iter().enumerate() {
        let mut quota = min_quota;
        let mut has_extra = false;
        if extra > 0 {
            quota += 1;
            has_extra = true;
        }
        let mut keep: Vec<TopicPartition> = Vec::new();
        for (t, ps) in current.get(id).map(|v| v.as_slice()).unwrap_or(&[]) {
            if topics.contains(t) {
                if (ps.len() as i64) <= quota {
                    quota -= ps.len() as i64;
                    keep.extend(ps.iter().map(|&p| tp(t, p)));
                } else {
                    for &p in ps {
                        if quota > 0 {
                            quota -= 1;
                            keep.push(tp(t, p));
                        } else {
                            unassigned.push(tp(t, p));
                        }
                    }
                }
            }
        }
        // A member that cannot fill its extra slot from what it already owns gives it up while
        // enough members follow to take the remaining extras (maybeRevokePartitions, Kafka 4.x).
        if quota > 0 && has_extra && m - index as i64 > extra {
            quota -= 1;
            has_extra = false;
        }
        if quota > 0 {
            unfilled.push((id.clone(), quota));
        }
        if has_extra {
            extra -= 1;
        }
        target.insert(id.clone(), keep);
    }
    let mut next = 0usize;
    for (id, quota) in unfilled {
        let list = target.entry(id).or_default();
        let mut q = quota;
        while q > 0 && next < unassigned.len() {
            list.push(unassigned[next].clone());
            next += 1;
            q -= 1;
        }
    }
    // Kafka throws "Partitions were left unassigned" if next < unassigned.len(); unreachable.
    target.into_iter().map(|(k, v)| (k, sorted_output(v))).collect_map()
}

/// `UniformHeterogeneousAssignmentBuilder.MemberAssignmentBalancer`.
struct Balancer {
    sorted: Vec<usize>,
    least_end: usize,
    least_count: i64,
    next_least: usize,
    most_start: usize,
    most_end: usize,
    most_count: i64,
    next_most: i64,
}

impl Balancer {
    fn new() -> Balancer {
        Balancer {
            sorted: Vec::new(),
            least_end: 0,
            least_count: -1,
            next_least: 0,
            most_start: 0,
            most_end: 0,
            most_count: 1,
            next_most: -1,
        }
    }

    fn initialize(&mut self, members: &[usize], sizes: &[i64]) -> i64 {
        self.sorted = members.to_vec();
        self.sorted.compact_sort_by(|&a, &b| sizes[a].cmp(&sizes[b]).then(a.cmp(&b)));
        let first = self.sorted[0];
        let last = self.sorted[self.sorted.len() - 1];
        self.least_end = 0;
        self.least_count = sizes[first] - 1;
        self.next_least = 0;
        self.most_start = self.sorted.len();
        self.most_end = self.sorted.len();
        self.most_count = sizes[last] + 1;
        self.next_most = self.sorted.len() as i64 - 1;
        sizes[last] - sizes[first]
    }

    fn next_least_loaded(&mut self, sizes: &[i64]) -> usize {
        if self.next_least >= self.least_end {
            self.least_count += 1;
            while self.least_end < self.sorted.len() && sizes[self.sorted[self.least_end]] == self.least_count {
                self.least_end += 1;
            }
            self.next_least = 0;
        }
        let idx = self.next_least.min(self.sorted.len() - 1);
        self.next_least += 1;
        self.sorted[idx]
    }

    fn next_most_loaded(&mut self, sizes: &[i64]) -> Option<usize> {
        if self.next_most < self.most_start as i64 {
            if self.most_end <= self.most_start && self.most_start > 0 {
                self.most_count = sizes[self.sorted[self.most_start - 1]];
            } else {
                self.most_count -= 1;
            }
            while self.most_start > 0 && sizes[self.sorted[self.most_start - 1]] == self.most_count {
                self.most_start -= 1;
            }
            self.next_most = self.most_end as i64 - 1;
        }
        if self.next_most < 0 {
            return None;
        }
        let m = self.sorted[self.next_most as usize];
        self.next_most -= 1;
        Some(m)
    }

    fn exclude_most_loaded(&mut self) {
        let i = (self.next_most + 1) as usize;
        if self.most_end == 0 || i >= self.sorted.len() {
            return;
        }
        self.sorted.swap(i, self.most_end - 1);
        self.most_end -= 1;
    }

    fn is_balanced(&self) -> bool {
        self.most_count - self.least_count <= 1
    }
}

/// `UniformHeterogeneousAssignmentBuilder`.
fn uniform_heterogeneous(
    order: &[String],
    subs: &[Vec<String>],
    current: &BTreeMap<String, Vec<(String, Vec<i32>)>>,
    ppt: &BTreeMap<String, i32>,
    ids: &BTreeMap<String, TopicId>,
) -> Assignment {
    let mut topic_subscribers: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, topics) in subs.iter().enumerate() {
        for t in topics {
            let list = topic_subscribers.entry(t.clone()).or_default();
            if !list.contains(&i) {
                list.push(i);
            }
        }
    }
    let mut target: Assignment = order.iter().map(|id| (id.clone(), Vec::new())).collect_map();
    if topic_subscribers.is_empty() {
        return target;
    }
    let mut owners: BTreeMap<String, Vec<i64>> = topic_subscribers
        .keys()
        .map(|t| (t.clone(), vec![-1; ppt.get(t).copied().unwrap_or(0).max(0) as usize]))
        .collect_map();
    let mut sizes = vec![0i64; order.len()];
    // maybeRevokePartitions: keep what is still subscribed.
    for (i, id) in order.iter().enumerate() {
        for (t, ps) in current.get(id).map(|v| v.as_slice()).unwrap_or(&[]) {
            if subs[i].contains(t) {
                if let Some(o) = owners.get_mut(t) {
                    for &p in ps {
                        if let Some(slot) = o.get_mut(p as usize) {
                            *slot = i as i64;
                            sizes[i] += 1;
                        }
                    }
                }
            }
        }
    }
    // Topics by partitions per subscriber (desc), then subscriber count (asc), then topic id.
    let sort_topics = |topics: Vec<String>, ts: &BTreeMap<String, Vec<usize>>| -> Vec<String> {
        let mut v = topics;
        v.compact_sort_by(|a, b| {
            let pa = i64::from(ppt.get(a).copied().unwrap_or(0));
            let pb = i64::from(ppt.get(b).copied().unwrap_or(0));
            let sa = ts[a].len() as i64;
            let sb = ts[b].len() as i64;
            (pb * sa).cmp(&(pa * sb)).then(sa.cmp(&sb)).then_with(|| match (ids.get(a), ids.get(b)) {
                (Some(x), Some(y)) => cmp_uuid(x, y),
                _ => java_string_cmp(a, b),
            })
        });
        v
    };
    fn assign_partition(
        owners: &mut BTreeMap<String, Vec<i64>>,
        sizes: &mut [i64],
        topic: &str,
        p: usize,
        member: usize,
    ) {
        if let Some(o) = owners.get_mut(topic) {
            let old = o[p];
            if old >= 0 {
                sizes[old as usize] -= 1;
            }
            o[p] = member as i64;
            sizes[member] += 1;
        }
    }
    // assignRemainingPartitions.
    let with_unassigned: Vec<String> = owners.iter().filter(|(_, o)| o.contains(&-1)).map(|(t, _)| t.clone()).collect();
    let mut balancer = Balancer::new();
    for t in sort_topics(with_unassigned, &topic_subscribers) {
        let free: Vec<usize> = owners[&t].iter().enumerate().filter(|(_, &o)| o == -1).map(|(p, _)| p).collect();
        balancer.initialize(&topic_subscribers[&t], &sizes);
        for p in free {
            let least = balancer.next_least_loaded(&sizes);
            assign_partition(&mut owners, &mut sizes, &t, p, least);
        }
    }
    // balance(): topics with two or more subscribers.
    let movable: Vec<String> = topic_subscribers.iter().filter(|(_, s)| s.len() >= 2).map(|(t, _)| t.clone()).collect();
    if !movable.is_empty() {
        let sorted_topics = sort_topics(movable, &topic_subscribers);
        let mut last_rebalanced: i64 = -1;
        'outer: for _ in 0..16 {
            for (ti, t) in sorted_topics.iter().enumerate() {
                if ti as i64 == last_rebalanced {
                    break 'outer;
                }
                let moved = balance_topic(t, &topic_subscribers[t], &mut owners, &mut sizes, &mut balancer);
                if moved > 0 || last_rebalanced == -1 {
                    last_rebalanced = ti as i64;
                }
            }
        }
    }
    for (t, o) in &owners {
        for (p, &m) in o.iter().enumerate() {
            if m >= 0 {
                target.entry(order[m as usize].clone()).or_default().push(tp(t, p as i32));
            }
        }
    }
    target.into_iter().map(|(k, v)| (k, sorted_output(v))).collect_map()
}

fn balance_topic(
    topic: &str,
    subscribers: &[usize],
    owners: &mut BTreeMap<String, Vec<i64>>,
    sizes: &mut [i64],
    balancer: &mut Balancer,
) -> usize {
    let mut moved = 0;
    if balancer.initialize(subscribers, sizes) <= 1 {
        return 0;
    }
    let owner_of = owners[topic].clone();
    let n = owner_of.len();
    let mut partitions: Vec<usize> = (0..n).collect();
    partitions.compact_sort_by(|&a, &b| owner_of[a].cmp(&owner_of[b]).then(a.cmp(&b)));
    let mut start: BTreeMap<i64, usize> = BTreeMap::new();
    let mut end: BTreeMap<i64, usize> = BTreeMap::new();
    for (i, &p) in partitions.iter().enumerate() {
        start.entry(owner_of[p]).or_insert(i);
        end.insert(owner_of[p], i + 1);
    }
    let guard_limit = 4 * (n + 1) * (subscribers.len() + 1) + 16;
    let mut guard = 0;
    while !balancer.is_balanced() {
        guard += 1;
        if guard > guard_limit {
            break;
        }
        let mut most: Option<usize> = None;
        let mut inner = 0;
        while let Some(m) = balancer.next_most_loaded(sizes) {
            inner += 1;
            let key = m as i64;
            let has = match (start.get(&key), end.get(&key)) {
                (Some(&s), Some(&e)) => e > s,
                _ => false,
            };
            if !has && inner <= subscribers.len() + 1 {
                balancer.exclude_most_loaded();
                continue;
            }
            if has {
                most = Some(m);
            }
            break;
        }
        let most = match most {
            None => break,
            Some(m) => m as i64,
        };
        let e = end[&most];
        let partition = partitions[e - 1];
        end.insert(most, e - 1);
        let least = balancer.next_least_loaded(sizes);
        if balancer.is_balanced() {
            break;
        }
        if let Some(o) = owners.get_mut(topic) {
            let old = o[partition];
            if old >= 0 {
                sizes[old as usize] -= 1;
            }
            o[partition] = least as i64;
            sizes[least] += 1;
        }
        moved += 1;
    }
    moved
}

/// Mirrors the group coordinator's `org.apache.kafka.coordinator.group.assignor.RangeAssignor`
/// (`"range"`, the group coordinator's `UniformAssignor`, rewritten in KAFKA-16944): members sorted static first (by instance id),
/// then by member id; for each topic, its subscribers in that order get contiguous ranges of
/// `P / subscribers` partitions, the first `P % subscribers` one more. It ignores the current
/// assignment. Output lists are sorted by topic, then partition.
pub fn server_range(members: &[Member], topics: &BTreeMap<String, ServerTopic>) -> Assignment {
    let partitions_per_topic: BTreeMap<String, i32> =
        topics.iter().map(|(t, st)| (t.clone(), st.partitions)).collect_map();
    let members = normalize_members(members);
    let mut sorted: Vec<&Member> = members.iter().collect();
    sorted.compact_sort_by(|a, b| cmp_member_info(a, b));
    let mut target: Assignment = empty_assignment(&members);
    let mut topics: Vec<&String> = partitions_per_topic.keys().collect();
    topics.compact_sort_by(|a, b| java_string_cmp(a, b));
    for topic in topics {
        let n = partitions_per_topic[topic].max(0);
        let subscribers: Vec<&&Member> = sorted.iter().filter(|m| m.topics.contains(topic)).collect();
        if subscribers.is_empty() {
            continue;
        }
        let count = subscribers.len() as i32;
        let min_quota = n / count;
        let mut extra = n % count;
        let mut next = 0;
        for m in subscribers {
            let mut quota = min_quota;
            if extra > 0 {
                quota += 1;
                extra -= 1;
            }
            let list = target.entry(m.member_id.clone()).or_default();
            for p in next..next + quota {
                list.push(tp(topic, p));
            }
            next += quota;
        }
    }
    target.into_iter().map(|(k, v)| (k, sorted_output(v))).collect_map()
}

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

/// Mirrors `ConsumerPartitionAssignor.RebalanceProtocol`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
#[cfg(test)]
pub(crate) enum RebalanceProtocol {
    Eager,
    Cooperative,
}

/// Whether `name` is a classic client-side assignor name this module implements
/// (`ConsumerPartitionAssignor.name()`): `range`, `roundrobin`, `sticky`, `cooperative-sticky`.
#[cfg(test)]
pub(crate) fn supported(name: &str) -> bool {
    matches!(name, "range" | "roundrobin" | "sticky" | "cooperative-sticky")
}

/// `supportedProtocols()` of each classic assignor: only `cooperative-sticky` supports
/// `[COOPERATIVE, EAGER]`; the others `[EAGER]`. Empty for unknown names.
#[cfg(test)]
pub(crate) fn supported_protocols(name: &str) -> &'static [RebalanceProtocol] {
    match name {
        "cooperative-sticky" => &[RebalanceProtocol::Cooperative, RebalanceProtocol::Eager],
        "range" | "roundrobin" | "sticky" => &[RebalanceProtocol::Eager],
        _ => &[],
    }
}

/// Maps a `partition.assignment.strategy` class name to the assignor's protocol name, e.g.
/// `org.apache.kafka.clients.consumer.RangeAssignor` → `range`.
#[cfg(test)]
pub(crate) fn assignor_name_for_class(class_name: &str) -> Option<&'static str> {
    match class_name.trim() {
        "org.apache.kafka.clients.consumer.RangeAssignor" => Some("range"),
        "org.apache.kafka.clients.consumer.RoundRobinAssignor" => Some("roundrobin"),
        "org.apache.kafka.clients.consumer.StickyAssignor" => Some("sticky"),
        "org.apache.kafka.clients.consumer.CooperativeStickyAssignor" => Some("cooperative-sticky"),
        _ => None,
    }
}

/// Whether `name` is a server-side (KIP-848) assignor of `group.consumer.assignors`:
/// `uniform` (the default) or `range`.
#[cfg(test)]
pub(crate) fn server_assignor_supported(name: &str) -> bool {
    matches!(name, "uniform" | "range")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::java::java_int_set_order;

    fn tps(list: &[(&str, i32)]) -> Vec<TopicPartition> {
        list.iter().map(|&(t, p)| tp(t, p)).collect()
    }

    fn ppt(list: &[(&str, i32)]) -> BTreeMap<String, i32> {
        list.iter().map(|&(t, n)| (t.to_string(), n)).collect()
    }

    fn dynamic(id: &str, topics: &[&str]) -> Member {
        Member::new(id, topics)
    }

    fn stat(id: &str, instance: &str, topics: &[&str]) -> Member {
        Member { group_instance_id: Some(instance.to_string()), ..Member::new(id, topics) }
    }

    /// A member that owned `owned` at `generation`, as Kafka's tests build it
    /// (`buildSubscriptionV2Above`): in its owned partitions, its generation id and the sticky
    /// assignor's user data alike.
    fn owning(id: &str, topics: &[&str], owned: &[(&str, i32)], generation: i32) -> Member {
        Member {
            owned: tps(owned),
            generation,
            user_data: Some(UserData::Sticky { partitions: tps(owned), generation: Some(generation) }),
            ..Member::new(id, topics)
        }
    }

    fn set(v: &[TopicPartition]) -> BTreeSet<TopicPartition> {
        v.iter().cloned().collect()
    }

    fn get<'a>(a: &'a Assignment, id: &str) -> &'a Vec<TopicPartition> {
        a.get(id).unwrap_or_else(|| panic!("member {} missing from {:?}", id, a))
    }

    /// Compares each member's partitions as a set (how Kafka's Range tests compare).
    fn assert_sets(a: &Assignment, expected: &[(&str, &[(&str, i32)])], row: &str) {
        for (id, parts) in expected {
            assert_eq!(set(get(a, id)), set(&tps(parts)), "{}: member {}", row, id);
        }
    }

    /// Compares each member's partitions as an ordered list.
    fn assert_lists(a: &Assignment, expected: &[(&str, &[(&str, i32)])], row: &str) {
        for (id, parts) in expected {
            assert_eq!(get(a, id), &tps(parts), "{}: member {}", row, id);
        }
    }

    fn final_state(members: &[Member], p: &BTreeMap<String, i32>) -> Assignment {
        cooperative_sticky_until_stable(members, p).last().unwrap().assignment.clone()
    }

    // ---- Java hash order ---------------------------------------------------------------------

    #[test]
    fn java_hash_order_of_member_ids() {
        // "consumerN".hashCode() differ by 1; HashMap buckets are 12, 11, 10, 9.
        let ids: Vec<String> =
            ["consumer1", "consumer2", "consumer3", "consumer4"].iter().map(|s| s.to_string()).collect();
        assert_eq!(java_hashmap_order(&ids), vec!["consumer4", "consumer3", "consumer2", "consumer1"]);
        let abc: Vec<String> = ["C", "A", "B"].iter().map(|s| s.to_string()).collect();
        assert_eq!(java_hashmap_order(&abc), vec!["A", "B", "C"]);
        assert_eq!(java_int_set_order(&[17, 1, 0, 16], 16), vec![0, 16, 17, 1]);
        assert_eq!(java_topic_partition_hash(&tp("", 0)), 961);
    }

    // ---- RangeAssignor -----------------------------------------------------------------

    // `RangeAssignor` Javadoc example: C0 [t0p0,t0p1,t1p0,t1p1], C1 [t0p2,t1p2].
    #[test]
    fn range_javadoc_example() {
        let a = range(&[dynamic("C0", &["t0", "t1"]), dynamic("C1", &["t0", "t1"])], &ppt(&[("t0", 3), ("t1", 3)]));
        assert_lists(
            &a,
            &[("C0", &[("t0", 0), ("t0", 1), ("t1", 0), ("t1", 1)]), ("C1", &[("t0", 2), ("t1", 2)])],
            "RangeAssignor Javadoc",
        );
    }

    // RangeAssignorTest rows 1–17.
    #[test]
    fn range_rows_1_to_9() {
        let r1 = range(&[dynamic("consumer1", &[])], &ppt(&[]));
        assert_sets(&r1, &[("consumer1", &[])], "RangeAssignor row 1");
        let r2 = range(&[dynamic("consumer1", &["topic1"])], &ppt(&[]));
        assert_sets(&r2, &[("consumer1", &[])], "RangeAssignor row 2");
        let r3 = range(&[dynamic("consumer1", &["topic1"])], &ppt(&[("topic1", 3)]));
        assert_sets(&r3, &[("consumer1", &[("topic1", 0), ("topic1", 1), ("topic1", 2)])], "RangeAssignor row 3");
        let r4 = range(&[dynamic("consumer1", &["topic1"])], &ppt(&[("topic1", 3), ("other", 3)]));
        assert_sets(&r4, &[("consumer1", &[("topic1", 0), ("topic1", 1), ("topic1", 2)])], "RangeAssignor row 4");
        let r5 = range(&[dynamic("consumer1", &["topic1", "topic2"])], &ppt(&[("topic1", 1), ("topic2", 2)]));
        assert_sets(&r5, &[("consumer1", &[("topic1", 0), ("topic2", 0), ("topic2", 1)])], "RangeAssignor row 5");
        let two = [dynamic("consumer1", &["topic1"]), dynamic("consumer2", &["topic1"])];
        let r6 = range(&two, &ppt(&[("topic1", 1)]));
        assert_sets(&r6, &[("consumer1", &[("topic1", 0)]), ("consumer2", &[])], "RangeAssignor row 6");
        let r7 = range(&two, &ppt(&[("topic1", 2)]));
        assert_sets(&r7, &[("consumer1", &[("topic1", 0)]), ("consumer2", &[("topic1", 1)])], "RangeAssignor row 7");
        let r8 = range(
            &[
                dynamic("consumer1", &["topic1"]),
                dynamic("consumer2", &["topic1", "topic2"]),
                dynamic("consumer3", &["topic1"]),
            ],
            &ppt(&[("topic1", 3), ("topic2", 2)]),
        );
        assert_sets(
            &r8,
            &[
                ("consumer1", &[("topic1", 0)]),
                ("consumer2", &[("topic1", 1), ("topic2", 0), ("topic2", 1)]),
                ("consumer3", &[("topic1", 2)]),
            ],
            "RangeAssignor row 8",
        );
        let r9 = range(
            &[dynamic("consumer1", &["topic1", "topic2"]), dynamic("consumer2", &["topic1", "topic2"])],
            &ppt(&[("topic1", 3), ("topic2", 3)]),
        );
        assert_sets(
            &r9,
            &[
                ("consumer1", &[("topic1", 0), ("topic1", 1), ("topic2", 0), ("topic2", 1)]),
                ("consumer2", &[("topic1", 2), ("topic2", 2)]),
            ],
            "RangeAssignor row 9",
        );
    }

    #[test]
    fn range_rows_10_to_13_static_members() {
        let p = ppt(&[("topic1", 3), ("topic2", 3)]);
        let both = ["topic1", "topic2"];
        let expected: &[(&str, &[(&str, i32)])] = &[
            ("consumer-b", &[("topic1", 0), ("topic1", 1), ("topic2", 0), ("topic2", 1)]),
            ("consumer-a", &[("topic1", 2), ("topic2", 2)]),
        ];
        let r10 = range(&[stat("consumer-b", "instance1", &both), stat("consumer-a", "instance2", &both)], &p);
        assert_sets(&r10, expected, "RangeAssignor row 10 (instance id compared, not member id)");
        let r11 = range(&[stat("consumer-b", "instance1", &both), dynamic("consumer-a", &both)], &p);
        assert_sets(&r11, expected, "RangeAssignor row 11 (static members sort first)");

        let p12 = ppt(&[("topic1", 5), ("topic2", 4)]);
        let mut members = vec![
            stat("consumer1", "instance1", &both),
            stat("consumer2", "instance2", &both),
            stat("consumer3", "instance3", &both),
            dynamic("consumer4", &both),
        ];
        let e12 = |last: &'static str| -> Vec<(&'static str, &'static [(&'static str, i32)])> {
            vec![
                ("consumer1", &[("topic1", 0), ("topic1", 1), ("topic2", 0)]),
                ("consumer2", &[("topic1", 2), ("topic2", 1)]),
                ("consumer3", &[("topic1", 3), ("topic2", 2)]),
                (last, &[("topic1", 4), ("topic2", 3)]),
            ]
        };
        assert_sets(&range(&members, &p12), &e12("consumer4"), "RangeAssignor row 12");
        members[3] = dynamic("consumer5", &both);
        assert_sets(&range(&members, &p12), &e12("consumer5"), "RangeAssignor row 12 (consumer5 replaces consumer4)");

        let p13 = ppt(&[("topic1", 5), ("topic2", 5)]);
        let by_instance = |a: &Assignment, members: &[Member]| -> BTreeMap<String, BTreeSet<TopicPartition>> {
            members.iter().map(|m| (m.group_instance_id.clone().unwrap(), set(get(a, &m.member_id)))).collect()
        };
        let before = [
            stat("consumer1", "instance1", &both),
            stat("consumer2", "instance2", &both),
            stat("consumer3", "instance3", &both),
        ];
        let after = [stat("c-z", "instance1", &both), stat("c-a", "instance2", &both), stat("c-m", "instance3", &both)];
        let b13 = by_instance(&range(&before, &p13), &before);
        assert_eq!(
            b13["instance1"],
            set(&tps(&[("topic1", 0), ("topic1", 1), ("topic2", 0), ("topic2", 1)])),
            "RangeAssignor row 13"
        );
        assert_eq!(
            b13["instance2"],
            set(&tps(&[("topic1", 2), ("topic1", 3), ("topic2", 2), ("topic2", 3)])),
            "RangeAssignor row 13"
        );
        assert_eq!(b13["instance3"], set(&tps(&[("topic1", 4), ("topic2", 4)])), "RangeAssignor row 13");
        assert_eq!(by_instance(&range(&after, &p13), &after), b13, "RangeAssignor row 13 after member ids change");
    }

    #[test]
    fn range_rows_14_to_17_non_rack() {
        let all = ["t1", "t2", "t3"];
        let p = ppt(&[("t1", 6), ("t2", 7), ("t3", 2)]);
        let r14 = range(&[dynamic("consumer0", &all), dynamic("consumer1", &all), dynamic("consumer2", &all)], &p);
        assert_sets(
            &r14,
            &[
                ("consumer0", &[("t1", 0), ("t1", 1), ("t2", 0), ("t2", 1), ("t2", 2), ("t3", 0)]),
                ("consumer1", &[("t1", 2), ("t1", 3), ("t2", 3), ("t2", 4), ("t3", 1)]),
                ("consumer2", &[("t1", 4), ("t1", 5), ("t2", 5), ("t2", 6)]),
            ],
            "RangeAssignor row 14",
        );
        let r15 =
            range(&[dynamic("consumer0", &all), dynamic("consumer1", &all), dynamic("consumer2", &["t1", "t3"])], &p);
        assert_sets(
            &r15,
            &[
                ("consumer0", &[("t1", 0), ("t1", 1), ("t2", 0), ("t2", 1), ("t2", 2), ("t2", 3), ("t3", 0)]),
                ("consumer1", &[("t1", 2), ("t1", 3), ("t2", 4), ("t2", 5), ("t2", 6), ("t3", 1)]),
                ("consumer2", &[("t1", 4), ("t1", 5)]),
            ],
            "RangeAssignor row 15",
        );
        let p5 = ppt(&[("t1", 5), ("t2", 5), ("t3", 5)]);
        let r16 = range(&[dynamic("consumer0", &all), dynamic("consumer1", &all), dynamic("consumer2", &all)], &p5);
        assert_sets(
            &r16,
            &[
                ("consumer0", &[("t1", 0), ("t1", 1), ("t2", 0), ("t2", 1), ("t3", 0), ("t3", 1)]),
                ("consumer1", &[("t1", 2), ("t1", 3), ("t2", 2), ("t2", 3), ("t3", 2), ("t3", 3)]),
                ("consumer2", &[("t1", 4), ("t2", 4), ("t3", 4)]),
            ],
            "RangeAssignor row 16",
        );
        let r17 =
            range(&[dynamic("consumer0", &all), dynamic("consumer1", &all), dynamic("consumer2", &["t1", "t3"])], &p5);
        assert_sets(
            &r17,
            &[
                ("consumer0", &[("t1", 0), ("t1", 1), ("t2", 0), ("t2", 1), ("t2", 2), ("t3", 0), ("t3", 1)]),
                ("consumer1", &[("t1", 2), ("t1", 3), ("t2", 3), ("t2", 4), ("t3", 2), ("t3", 3)]),
                ("consumer2", &[("t1", 4), ("t3", 4)]),
            ],
            "RangeAssignor row 17",
        );
    }

    // ---- RoundRobinAssignor ------------------------------------------------------------

    // `RoundRobinAssignor` Javadoc examples.
    #[test]
    fn round_robin_javadoc_examples() {
        let a =
            round_robin(&[dynamic("C0", &["t0", "t1"]), dynamic("C1", &["t0", "t1"])], &ppt(&[("t0", 3), ("t1", 3)]));
        assert_lists(
            &a,
            &[("C0", &[("t0", 0), ("t0", 2), ("t1", 1)]), ("C1", &[("t0", 1), ("t1", 0), ("t1", 2)])],
            "RoundRobinAssignor Javadoc 1",
        );
        let b = round_robin(
            &[dynamic("C0", &["t0"]), dynamic("C1", &["t0", "t1"]), dynamic("C2", &["t0", "t1", "t2"])],
            &ppt(&[("t0", 1), ("t1", 2), ("t2", 3)]),
        );
        assert_lists(
            &b,
            &[("C0", &[("t0", 0)]), ("C1", &[("t1", 0)]), ("C2", &[("t1", 1), ("t2", 0), ("t2", 1), ("t2", 2)])],
            "RoundRobinAssignor Javadoc 2",
        );
    }

    // RoundRobinAssignorTest rows 1–11.
    #[test]
    fn round_robin_rows_1_to_7() {
        let r1 = round_robin(&[dynamic("consumer", &["topic"])], &ppt(&[("topic", 3)]));
        assert_lists(&r1, &[("consumer", &[("topic", 0), ("topic", 1), ("topic", 2)])], "RoundRobinAssignor row 1");
        let r2 = round_robin(&[dynamic("consumer", &["topic"])], &ppt(&[("topic", 3), ("other", 3)]));
        assert_lists(&r2, &[("consumer", &[("topic", 0), ("topic", 1), ("topic", 2)])], "RoundRobinAssignor row 2");
        let r3 = round_robin(&[dynamic("consumer", &["topic1", "topic2"])], &ppt(&[("topic1", 1), ("topic2", 2)]));
        assert_lists(&r3, &[("consumer", &[("topic1", 0), ("topic2", 0), ("topic2", 1)])], "RoundRobinAssignor row 3");
        let two = [dynamic("consumer1", &["topic"]), dynamic("consumer2", &["topic"])];
        let r4 = round_robin(&two, &ppt(&[("topic", 1)]));
        assert_lists(&r4, &[("consumer1", &[("topic", 0)]), ("consumer2", &[])], "RoundRobinAssignor row 4");
        let r5 = round_robin(&two, &ppt(&[("topic", 2)]));
        assert_lists(
            &r5,
            &[("consumer1", &[("topic", 0)]), ("consumer2", &[("topic", 1)])],
            "RoundRobinAssignor row 5",
        );
        let r6 = round_robin(
            &[
                dynamic("consumer1", &["topic1"]),
                dynamic("consumer2", &["topic1", "topic2"]),
                dynamic("consumer3", &["topic1"]),
            ],
            &ppt(&[("topic1", 3), ("topic2", 2)]),
        );
        assert_lists(
            &r6,
            &[
                ("consumer1", &[("topic1", 0)]),
                ("consumer2", &[("topic1", 1), ("topic2", 0), ("topic2", 1)]),
                ("consumer3", &[("topic1", 2)]),
            ],
            "RoundRobinAssignor row 6",
        );
        let both = ["topic1", "topic2"];
        let r7 = round_robin(
            &[dynamic("consumer1", &both), dynamic("consumer2", &both)],
            &ppt(&[("topic1", 3), ("topic2", 3)]),
        );
        assert_lists(
            &r7,
            &[
                ("consumer1", &[("topic1", 0), ("topic1", 2), ("topic2", 1)]),
                ("consumer2", &[("topic1", 1), ("topic2", 0), ("topic2", 2)]),
            ],
            "RoundRobinAssignor row 7",
        );
    }

    #[test]
    fn round_robin_rows_8_to_11_static_members() {
        let both = ["topic1", "topic2"];
        let p = ppt(&[("topic1", 3), ("topic2", 3)]);
        let expected: &[(&str, &[(&str, i32)])] = &[
            ("consumer-b", &[("topic1", 0), ("topic1", 2), ("topic2", 1)]),
            ("consumer-a", &[("topic1", 1), ("topic2", 0), ("topic2", 2)]),
        ];
        let r8 = round_robin(&[stat("consumer-b", "instance1", &both), stat("consumer-a", "instance2", &both)], &p);
        assert_lists(&r8, expected, "RoundRobinAssignor row 8");
        let r9 = round_robin(&[stat("consumer-b", "instance1", &both), dynamic("consumer-a", &both)], &p);
        assert_lists(&r9, expected, "RoundRobinAssignor row 9");
        let mut members = vec![
            stat("consumer1", "instance1", &both),
            stat("consumer2", "instance2", &both),
            stat("consumer3", "instance3", &both),
            dynamic("consumer4", &both),
        ];
        let r10 = round_robin(&members, &p);
        assert_lists(
            &r10,
            &[
                ("consumer1", &[("topic1", 0), ("topic2", 1)]),
                ("consumer2", &[("topic1", 1), ("topic2", 2)]),
                ("consumer3", &[("topic1", 2)]),
                ("consumer4", &[("topic2", 0)]),
            ],
            "RoundRobinAssignor row 10",
        );
        members[3] = dynamic("consumer5", &both);
        assert_lists(
            &round_robin(&members, &p),
            &[("consumer5", &[("topic2", 0)])],
            "RoundRobinAssignor row 10 (consumer5)",
        );
        let p11 = ppt(&[("topic1", 5), ("topic2", 5)]);
        for ids in [["consumer1", "consumer2", "consumer3"], ["zz", "aa", "mm"]] {
            let ms =
                [stat(ids[0], "instance1", &both), stat(ids[1], "instance2", &both), stat(ids[2], "instance3", &both)];
            let r11 = round_robin(&ms, &p11);
            assert_lists(
                &r11,
                &[
                    (ids[0], &[("topic1", 0), ("topic1", 3), ("topic2", 1), ("topic2", 4)]),
                    (ids[1], &[("topic1", 1), ("topic1", 4), ("topic2", 2)]),
                    (ids[2], &[("topic1", 2), ("topic2", 0), ("topic2", 3)]),
                ],
                "RoundRobinAssignor row 11",
            );
        }
    }

    // ---- `StickyAssignor` Sticky and CooperativeSticky --------------------------------------------------

    // StickyAssignor Javadoc, first assignment (the round-robin one).
    #[test]
    fn sticky_javadoc_first_assignment() {
        let all = ["t0", "t1", "t2", "t3"];
        let p = ppt(&[("t0", 2), ("t1", 2), ("t2", 2), ("t3", 2)]);
        let a = sticky(&[dynamic("C0", &all), dynamic("C1", &all), dynamic("C2", &all)], &p);
        assert_lists(
            &a,
            &[
                ("C0", &[("t0", 0), ("t1", 1), ("t3", 0)]),
                ("C1", &[("t0", 1), ("t2", 0), ("t3", 1)]),
                ("C2", &[("t1", 0), ("t2", 1)]),
            ],
            "sticky Javadoc first assignment",
        );
    }

    // StickyAssignor Javadoc "after C1 leaves". The Javadoc's exact
    // lists (C0 [t0p0,t1p1,t3p0,t2p0], C2 [t1p0,t2p1,t0p1,t3p1]) predate the constrained path;
    // today's code keeps every owned partition and balances 4/4 but hands t0p1 to C0 and
    // t2p0, t3p1 to C2. We assert the properties the Javadoc illustrates and today's result.
    #[test]
    fn sticky_javadoc_after_c1_leaves() {
        let all = ["t0", "t1", "t2", "t3"];
        let p = ppt(&[("t0", 2), ("t1", 2), ("t2", 2), ("t3", 2)]);
        let members =
            [owning("C0", &all, &[("t0", 0), ("t1", 1), ("t3", 0)], 1), owning("C2", &all, &[("t1", 0), ("t2", 1)], 1)];
        let a = sticky(&members, &p);
        assert_eq!(get(&a, "C0").len(), 4);
        assert_eq!(get(&a, "C2").len(), 4);
        assert!(set(get(&a, "C0")).is_superset(&set(&members[0].owned)), "stickiness C0");
        assert!(set(get(&a, "C2")).is_superset(&set(&members[1].owned)), "stickiness C2");
        assert_lists(
            &a,
            &[
                ("C0", &[("t0", 0), ("t3", 0), ("t1", 1), ("t0", 1)]),
                ("C2", &[("t1", 0), ("t2", 1), ("t2", 0), ("t3", 1)]),
            ],
            "sticky Javadoc after C1 leaves (current Kafka code)",
        );
        // Round-robin would move everything: C0 [t0p0,t1p0,t2p0,t3p0], C2 [t0p1,t1p1,t2p1,t3p1].
        let rr = round_robin(&[dynamic("C0", &all), dynamic("C2", &all)], &p);
        assert_lists(
            &rr,
            &[
                ("C0", &[("t0", 0), ("t1", 0), ("t2", 0), ("t3", 0)]),
                ("C2", &[("t0", 1), ("t1", 1), ("t2", 1), ("t3", 1)]),
            ],
            "sticky Javadoc round-robin comparison",
        );
    }

    /// Runs a `StickyAssignor` row for both assignors: eager sticky directly, cooperative to its final state.
    fn both(members: &[Member], p: &BTreeMap<String, i32>) -> [(&'static str, Assignment); 2] {
        [("sticky", sticky(members, p)), ("cooperative-sticky (final)", final_state(members, p))]
    }

    #[test]
    fn sticky_rows_1_to_3() {
        for (name, a) in both(&[dynamic("consumer", &["topic"])], &ppt(&[("topic", 3)])) {
            assert_lists(
                &a,
                &[("consumer", &[("topic", 0), ("topic", 1), ("topic", 2)])],
                &format!("sticky row 1 {}", name),
            );
        }
        let m2 = [owning("consumer", &["topic"], &[("topic", 0), ("topic", 1), ("other", 0), ("other", 1)], 1)];
        for (name, a) in both(&m2, &ppt(&[("topic", 2)])) {
            assert_lists(&a, &[("consumer", &[("topic", 0), ("topic", 1)])], &format!("sticky row 2 {}", name));
        }
        let m3 = [dynamic("consumer1", &["topic"]), dynamic("consumer2", &["topic"])];
        for (name, a) in both(&m3, &ppt(&[("topic", 2)])) {
            assert_lists(
                &a,
                &[("consumer1", &[("topic", 0)]), ("consumer2", &[("topic", 1)])],
                &format!("sticky row 3 {}", name),
            );
        }
        assert_eq!(sticky_detailed(&m3, &ppt(&[("topic", 2)])).transferring, Some(Transfers::new()));
    }

    #[test]
    fn sticky_row_4_mixed_subscriptions_general_path() {
        let m = [
            dynamic("consumer1", &["topic1"]),
            dynamic("consumer2", &["topic1", "topic2"]),
            dynamic("consumer3", &["topic1"]),
        ];
        let p = ppt(&[("topic1", 3), ("topic2", 2)]);
        assert_eq!(sticky_detailed(&m, &p).transferring, None, "general path");
        for (name, a) in both(&m, &p) {
            assert_lists(
                &a,
                &[
                    ("consumer1", &[("topic1", 0), ("topic1", 2)]),
                    ("consumer2", &[("topic2", 0), ("topic2", 1)]),
                    ("consumer3", &[("topic1", 1)]),
                ],
                &format!("sticky row 4 {}", name),
            );
        }
    }

    #[test]
    fn sticky_rows_5_and_6() {
        let both_topics = ["topic1", "topic2"];
        let m5 = [dynamic("consumer1", &both_topics), dynamic("consumer2", &both_topics)];
        for (name, a) in both(&m5, &ppt(&[("topic1", 3), ("topic2", 3)])) {
            assert_lists(
                &a,
                &[
                    ("consumer1", &[("topic1", 0), ("topic1", 2), ("topic2", 1)]),
                    ("consumer2", &[("topic1", 1), ("topic2", 0), ("topic2", 2)]),
                ],
                &format!("sticky row 5 {}", name),
            );
        }
        let p6 = ppt(&[("topic1", 2), ("topic2", 3)]);
        let m6 = [
            owning("consumer1", &both_topics, &[("topic1", 0), ("topic2", 1)], 1),
            owning("consumer2", &both_topics, &[("topic1", 1), ("topic2", 2)], 1),
        ];
        assert_eq!(sticky_detailed(&m6, &p6).transferring, Some(Transfers::new()), "sticky row 6 nothing transferring");
        for (name, a) in both(&m6, &p6) {
            assert_lists(
                &a,
                &[
                    ("consumer1", &[("topic1", 0), ("topic2", 1), ("topic2", 0)]),
                    ("consumer2", &[("topic1", 1), ("topic2", 2)]),
                ],
                &format!("sticky row 6 {}", name),
            );
        }
    }

    #[test]
    fn sticky_row_7_max_quota_members_more_than_expected() {
        let t = ["topic1", "topic2"];
        let p = ppt(&[("topic1", 2), ("topic2", 2)]);
        let m = [
            owning("consumer1", &t, &[("topic1", 0), ("topic2", 0)], 1),
            owning("consumer2", &t, &[("topic1", 1), ("topic2", 1)], 1),
            owning("consumer3", &t, &[], 1),
        ];
        let expected_transfers: Transfers = [(tp("topic2", 0), "consumer3".to_string())].into_iter().collect();
        assert_eq!(sticky_detailed(&m, &p).transferring, Some(expected_transfers.clone()), "sticky row 7 transferring");
        let first = cooperative_sticky_round(&m, &p);
        assert_eq!(first.transferring, expected_transfers);
        assert_eq!(get(&first.assignment, "consumer3"), &Vec::<TopicPartition>::new(), "withheld in the first round");
        for (name, a) in both(&m, &p) {
            assert_lists(
                &a,
                &[
                    ("consumer1", &[("topic1", 0)]),
                    ("consumer2", &[("topic1", 1), ("topic2", 1)]),
                    ("consumer3", &[("topic2", 0)]),
                ],
                &format!("sticky row 7 {}", name),
            );
        }
    }

    #[test]
    fn sticky_row_8_all_under_min_quota() {
        let t = ["topic1", "topic2"];
        let p = ppt(&[("topic1", 2), ("topic2", 3)]);
        let m = [
            owning("consumer1", &t, &[("topic1", 0)], 1),
            owning("consumer2", &t, &[("topic1", 1)], 1),
            owning("consumer3", &t, &[], 1),
        ];
        assert_eq!(sticky_detailed(&m, &p).transferring, Some(Transfers::new()));
        for (name, a) in both(&m, &p) {
            assert_lists(
                &a,
                &[
                    ("consumer1", &[("topic1", 0), ("topic2", 1)]),
                    ("consumer2", &[("topic1", 1), ("topic2", 2)]),
                    ("consumer3", &[("topic2", 0)]),
                ],
                &format!("sticky row 8 {}", name),
            );
        }
    }

    #[test]
    fn sticky_row_9_add_remove_consumer_one_topic() {
        let p = ppt(&[("topic", 3)]);
        // (a)
        let a = [dynamic("consumer1", &["topic"])];
        for (name, r) in both(&a, &p) {
            assert_lists(
                &r,
                &[("consumer1", &[("topic", 0), ("topic", 1), ("topic", 2)])],
                &format!("sticky row 9(a) {}", name),
            );
        }
        // (b)
        let b = [
            owning("consumer1", &["topic"], &[("topic", 0), ("topic", 1), ("topic", 2)], 1),
            owning("consumer2", &["topic"], &[], 1),
        ];
        let expected_transfers: Transfers = [(tp("topic", 2), "consumer2".to_string())].into_iter().collect();
        assert_eq!(
            sticky_detailed(&b, &p).transferring,
            Some(expected_transfers.clone()),
            "sticky row 9(b) transferring"
        );
        let first = cooperative_sticky_round(&b, &p);
        assert_lists(
            &first.assignment,
            &[("consumer1", &[("topic", 0), ("topic", 1)]), ("consumer2", &[])],
            "sticky (hand-traced) row 9(b) cooperative first round",
        );
        assert_eq!(first.transferring, expected_transfers);
        let rounds = cooperative_sticky_until_stable(&b, &p);
        assert_eq!(rounds.len(), 2, "one follow-up rebalance");
        for (name, r) in both(&b, &p) {
            assert_lists(
                &r,
                &[("consumer1", &[("topic", 0), ("topic", 1)]), ("consumer2", &[("topic", 2)])],
                &format!("sticky row 9(b) {}", name),
            );
        }
        // (c)
        let c = [owning("consumer2", &["topic"], &[("topic", 2)], 1)];
        for (name, r) in both(&c, &p) {
            assert_sets(
                &r,
                &[("consumer2", &[("topic", 0), ("topic", 1), ("topic", 2)])],
                &format!("sticky row 9(c) {}", name),
            );
        }
        assert_eq!(sticky_detailed(&c, &p).transferring, Some(Transfers::new()));
    }

    #[test]
    fn sticky_row_10_add_remove_two_consumers_two_topics() {
        let t = ["topic1", "topic2"];
        let p = ppt(&[("topic1", 3), ("topic2", 4)]);
        // (a)
        let a_members = [dynamic("consumer1", &t), dynamic("consumer2", &t)];
        let expected_a: &[(&str, &[(&str, i32)])] = &[
            ("consumer1", &[("topic1", 0), ("topic1", 2), ("topic2", 1), ("topic2", 3)]),
            ("consumer2", &[("topic1", 1), ("topic2", 0), ("topic2", 2)]),
        ];
        for (name, r) in both(&a_members, &p) {
            assert_lists(&r, expected_a, &format!("sticky row 10(a) {}", name));
        }
        // (b)
        let a = sticky(&a_members, &p);
        let b_members = [
            owning(
                "consumer1",
                &t,
                &a["consumer1"].iter().map(|x| (x.topic.as_str(), x.partition)).collect::<Vec<_>>(),
                1,
            ),
            owning(
                "consumer2",
                &t,
                &a["consumer2"].iter().map(|x| (x.topic.as_str(), x.partition)).collect::<Vec<_>>(),
                1,
            ),
            owning("consumer3", &t, &[], 1),
            owning("consumer4", &t, &[], 1),
        ];
        let expected_transfers: Transfers = [
            (tp("topic1", 2), "consumer3".to_string()),
            (tp("topic2", 3), "consumer3".to_string()),
            (tp("topic2", 2), "consumer4".to_string()),
        ]
        .into_iter()
        .collect();
        assert_eq!(
            sticky_detailed(&b_members, &p).transferring,
            Some(expected_transfers),
            "sticky row 10(b) transferring"
        );
        let expected_b: &[(&str, &[(&str, i32)])] = &[
            ("consumer1", &[("topic1", 0), ("topic2", 1)]),
            ("consumer2", &[("topic2", 0), ("topic1", 1)]),
            ("consumer3", &[("topic1", 2), ("topic2", 3)]),
            ("consumer4", &[("topic2", 2)]),
        ];
        for (name, r) in both(&b_members, &p) {
            assert_lists(&r, expected_b, &format!("sticky row 10(b) {}", name));
        }
        // (c): remove consumer1 and consumer2; consumer3/4 own their (b) final partitions.
        let c_members =
            [owning("consumer3", &t, &[("topic1", 2), ("topic2", 3)], 1), owning("consumer4", &t, &[("topic2", 2)], 1)];
        assert_eq!(sticky_detailed(&c_members, &p).transferring, Some(Transfers::new()));
        for (name, r) in both(&c_members, &p) {
            assert_lists(
                &r,
                &[
                    ("consumer3", &[("topic1", 2), ("topic2", 3), ("topic1", 0), ("topic2", 1)]),
                    ("consumer4", &[("topic2", 2), ("topic1", 1), ("topic2", 0)]),
                ],
                &format!("sticky row 10(c) {}", name),
            );
        }
    }

    #[test]
    fn sticky_row_11_all_reach_expected_quota() {
        let p = ppt(&[("topic", 4)]);
        let m = [
            owning("consumer1", &["topic"], &[("topic", 0), ("topic", 1)], 1),
            owning("consumer2", &["topic"], &[("topic", 2)], 1),
            owning("consumer3", &["topic"], &[], 1),
        ];
        assert_eq!(sticky_detailed(&m, &p).transferring, Some(Transfers::new()));
        for (name, r) in both(&m, &p) {
            assert_lists(
                &r,
                &[
                    ("consumer1", &[("topic", 0), ("topic", 1)]),
                    ("consumer2", &[("topic", 2)]),
                    ("consumer3", &[("topic", 3)]),
                ],
                &format!("sticky row 11 {}", name),
            );
        }
    }

    #[test]
    fn sticky_rows_12_and_13_stale_or_no_generation() {
        let t = ["topic", "topic2"];
        let p = ppt(&[("topic", 3), ("topic2", 3)]);
        let claim = [("topic", 0), ("topic", 2), ("topic2", 1)];
        for (row, other_gen) in [("row 12", 9), ("row 13", DEFAULT_GENERATION)] {
            let m = [owning("consumer1", &t, &claim, 10), owning("consumer2", &t, &claim, other_gen)];
            assert_eq!(sticky_detailed(&m, &p).transferring, Some(Transfers::new()));
            for (name, r) in both(&m, &p) {
                assert_sets(
                    &r,
                    &[("consumer1", &claim), ("consumer2", &[("topic", 1), ("topic2", 0), ("topic2", 2)])],
                    &format!("sticky {} {}", row, name),
                );
            }
        }
    }

    #[test]
    fn sticky_row_14_highest_generation_wins() {
        let t = ["topic", "topic2", "topic3"];
        let p = ppt(&[("topic", 3), ("topic2", 3), ("topic3", 3)]);
        let m = [
            owning("consumer1", &t, &[("topic", 0), ("topic2", 0), ("topic3", 0)], 10),
            owning("consumer2", &t, &[("topic", 1), ("topic2", 1), ("topic3", 1)], 9),
            owning("consumer3", &t, &[("topic2", 1), ("topic3", 0), ("topic3", 2)], 8),
        ];
        assert_eq!(sticky_detailed(&m, &p).transferring, Some(Transfers::new()));
        for (name, r) in both(&m, &p) {
            assert_sets(
                &r,
                &[
                    ("consumer1", &[("topic", 0), ("topic2", 0), ("topic3", 0)]),
                    ("consumer2", &[("topic", 1), ("topic2", 1), ("topic3", 1)]),
                    ("consumer3", &[("topic", 2), ("topic2", 2), ("topic3", 2)]),
                ],
                &format!("sticky row 14 {}", name),
            );
        }
    }

    #[test]
    fn sticky_row_15_multiple_generations() {
        let t = ["topic", "topic2"];
        let p = ppt(&[("topic", 3), ("topic2", 3)]);
        let m = [
            owning("consumer1", &t, &[("topic", 0), ("topic2", 1), ("topic", 1)], 10),
            owning("consumer2", &t, &[("topic", 0), ("topic2", 1), ("topic2", 2)], 8),
        ];
        assert_eq!(sticky_detailed(&m, &p).transferring, Some(Transfers::new()));
        for (name, r) in both(&m, &p) {
            assert_sets(
                &r,
                &[
                    ("consumer1", &[("topic", 0), ("topic2", 1), ("topic", 1)]),
                    ("consumer2", &[("topic", 2), ("topic2", 2), ("topic2", 0)]),
                ],
                &format!("sticky row 15 {}", name),
            );
        }
    }

    #[test]
    fn sticky_row_16_no_reassignment_on_current_members() {
        let t = ["topic", "topic2", "topic3", "topic1"];
        let p = ppt(&[("topic", 3), ("topic1", 3), ("topic2", 3), ("topic3", 3)]);
        let m = [
            owning("consumer1", &t, &[], DEFAULT_GENERATION),
            owning("consumer2", &t, &[("topic", 0), ("topic2", 0), ("topic1", 0)], 9),
            owning("consumer3", &t, &[("topic3", 2), ("topic2", 2), ("topic1", 1)], 8),
            owning("consumer4", &t, &[("topic3", 1), ("topic", 1), ("topic", 2)], 7),
        ];
        assert_eq!(sticky_detailed(&m, &p).transferring, Some(Transfers::new()), "sticky row 16 nothing transferring");
        for (name, r) in both(&m, &p) {
            assert_sets(
                &r,
                &[("consumer1", &[("topic1", 2), ("topic2", 1), ("topic3", 0)])],
                &format!("sticky row 16 {}", name),
            );
            for id in ["consumer2", "consumer3", "consumer4"] {
                let owned = &m.iter().find(|x| x.member_id == id).unwrap().owned;
                assert_eq!(set(get(&r, id)), set(owned), "sticky row 16 {} {} keeps its partitions", name, id);
            }
        }
    }

    // `StickyAssignor` eager vs cooperative table (same-generation double claims), and
    // testPartitionsTransferringOwnershipIncludeThePartitionClaimedByMultipleConsumersInSameGeneration.
    #[test]
    fn eager_vs_cooperative_double_claims() {
        let claims = |p: i32| -> (Vec<Member>, BTreeMap<String, i32>) {
            (
                vec![
                    owning("consumer1", &["topic"], &[("topic", 0), ("topic", 1)], 1),
                    owning("consumer2", &["topic"], &[("topic", 0), ("topic", 2)], 1),
                    owning("consumer3", &["topic"], &[], 1),
                ],
                ppt(&[("topic", p)]),
            )
        };
        let (m3, p3) = claims(3);
        assert_lists(
            &sticky(&m3, &p3),
            &[("consumer1", &[("topic", 1)]), ("consumer2", &[("topic", 2)]), ("consumer3", &[("topic", 0)])],
            "sticky eager P=3",
        );
        assert_lists(
            &cooperative_sticky(&m3, &p3),
            &[("consumer1", &[("topic", 1)]), ("consumer2", &[("topic", 2)]), ("consumer3", &[])],
            "sticky cooperative first round P=3",
        );
        let expected: Transfers = [(tp("topic", 0), "consumer3".to_string())].into_iter().collect();
        assert_eq!(sticky_detailed(&m3, &p3).transferring, Some(expected), "transferring = {{t-0 → c3}}");
        assert_lists(
            &final_state(&m3, &p3),
            &[("consumer1", &[("topic", 1)]), ("consumer2", &[("topic", 2)]), ("consumer3", &[("topic", 0)])],
            "sticky cooperative final P=3",
        );
        let (m4, p4) = claims(4);
        assert_lists(
            &sticky(&m4, &p4),
            &[
                ("consumer1", &[("topic", 1), ("topic", 3)]),
                ("consumer2", &[("topic", 2)]),
                ("consumer3", &[("topic", 0)]),
            ],
            "sticky eager P=4",
        );
        assert_lists(
            &cooperative_sticky(&m4, &p4),
            &[("consumer1", &[("topic", 1), ("topic", 3)]), ("consumer2", &[("topic", 2)]), ("consumer3", &[])],
            "sticky cooperative first round P=4",
        );
    }

    // An extra general-path vector from AbstractStickyAssignorTest.
    // testRackAwareAssignmentWithNonEqualSubscription (its non-rack-aware expectation).
    #[test]
    fn sticky_general_path_non_equal_subscription() {
        let all = ["t1", "t2", "t3"];
        let p = ppt(&[("t1", 6), ("t2", 7), ("t3", 2)]);
        let m = [dynamic("consumer0", &all), dynamic("consumer1", &all), dynamic("consumer2", &["t1", "t3"])];
        let a = sticky(&m, &p);
        assert_sets(
            &a,
            &[
                ("consumer0", &[("t1", 5), ("t2", 0), ("t2", 2), ("t2", 4), ("t2", 6)]),
                ("consumer1", &[("t1", 3), ("t2", 1), ("t2", 3), ("t2", 5), ("t3", 0)]),
                ("consumer2", &[("t1", 0), ("t1", 1), ("t1", 2), ("t1", 4), ("t3", 1)]),
            ],
            "AbstractStickyAssignorTest non-rack general path",
        );
    }

    #[test]
    fn sticky_general_path_is_valid_and_balanced() {
        // testPoorRoundRobinAssignmentScenario subscriptions; validity and balance only.
        let p = ppt(&[("topic1", 2), ("topic2", 1), ("topic3", 2), ("topic4", 1), ("topic5", 2)]);
        let m = [
            dynamic("consumer1", &["topic1", "topic2", "topic3", "topic4", "topic5"]),
            dynamic("consumer2", &["topic1", "topic3", "topic5"]),
            dynamic("consumer3", &["topic1", "topic3", "topic5"]),
            dynamic("consumer4", &["topic1", "topic2", "topic3", "topic4", "topic5"]),
        ];
        for a in [sticky(&m, &p), final_state(&m, &p)] {
            let mut seen = BTreeSet::new();
            for (id, parts) in &a {
                let member = m.iter().find(|x| &x.member_id == id).unwrap();
                for x in parts {
                    assert!(member.topics.contains(&x.topic));
                    assert!(seen.insert(x.clone()), "{} assigned twice", x);
                }
            }
            assert_eq!(seen.len(), 8);
            let sizes: Vec<usize> = a.values().map(|v| v.len()).collect();
            assert_eq!(sizes, vec![2, 2, 2, 2]);
        }
    }

    // ---- the group coordinator's `UniformAssignor` server-side ---------------------------------------------------------------------

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    /// Topics with ids chosen so that a `HashSet<Uuid>` of them iterates in `order` (then the
    /// rest by name), and `Uuid.compareTo` sorts them the same way: ids (0, 1), (0, 2), ...
    /// land in buckets 1, 2, ...
    fn server_topics(p: &BTreeMap<String, i32>, order: &[String]) -> BTreeMap<String, ServerTopic> {
        let mut rest: Vec<&String> = p.keys().filter(|t| !order.contains(t)).collect();
        rest.compact_sort_by(|a, b| java_string_cmp(a, b));
        p.iter()
            .map(|(t, &n)| {
                let rank = match order.iter().position(|o| o == t) {
                    Some(i) => i,
                    None => order.len() + rest.iter().position(|r| *r == t).unwrap_or(0),
                };
                (t.clone(), ServerTopic { id: TopicId(0, rank as u64 + 1), partitions: n })
            })
            .collect()
    }

    fn uniform(members: &[Member], p: &BTreeMap<String, i32>, order: &[String]) -> Assignment {
        server_uniform(members, &server_topics(p, order))
    }

    fn srange(members: &[Member], p: &BTreeMap<String, i32>) -> Assignment {
        server_range(members, &server_topics(p, &[]))
    }

    #[test]
    fn java_uuid_hash_and_order() {
        // Uuid.hashCode() of Kafka's reserved ids: ZERO_UUID 0, ONE_UUID 1.
        assert_eq!(java_uuid_hash(&TopicId(0, 0)), 0);
        assert_eq!(java_uuid_hash(&TopicId(0, 1)), 1);
        assert_eq!(java_uuid_hash(&TopicId(0x0000_0001_0000_0000, 0)), 1);
        assert_eq!(java_uuid_hash(&TopicId(u64::MAX, 0)), 0);
        // Uuid.compareTo is signed: a set top bit sorts first.
        assert_eq!(cmp_uuid(&TopicId(1 << 63, 0), &TopicId(1, 0)), Ordering::Less);
        assert_eq!(cmp_uuid(&TopicId(1, 1 << 63), &TopicId(1, 0)), Ordering::Less);
    }

    // RangeAssignorTest (group coordinator), every row.
    #[test]
    fn server_range_rows() {
        let t13 = ["T1", "T3"];
        let r1 = srange(&[dynamic("A", &t13), dynamic("B", &t13)], &ppt(&[("T1", 3), ("T3", 2)]));
        assert_sets(
            &r1,
            &[("A", &[("T1", 0), ("T1", 1), ("T3", 0)]), ("B", &[("T1", 2), ("T3", 1)])],
            "group-coordinator RangeAssignor row 1",
        );
        let r2 = srange(
            &[dynamic("A", &["T1", "T2"]), dynamic("B", &["T3"]), dynamic("C", &["T2", "T3"])],
            &ppt(&[("T1", 3), ("T2", 3), ("T3", 2)]),
        );
        assert_sets(
            &r2,
            &[
                ("A", &[("T1", 0), ("T1", 1), ("T1", 2), ("T2", 0), ("T2", 1)]),
                ("B", &[("T3", 0)]),
                ("C", &[("T2", 2), ("T3", 1)]),
            ],
            "group-coordinator RangeAssignor row 2",
        );
        let r3 = srange(&[dynamic("A", &t13), dynamic("B", &t13), dynamic("C", &t13)], &ppt(&[("T1", 3), ("T3", 2)]));
        assert_sets(
            &r3,
            &[("A", &[("T1", 0), ("T3", 0)]), ("B", &[("T1", 1), ("T3", 1)]), ("C", &[("T1", 2)])],
            "group-coordinator RangeAssignor row 3",
        );
        let t12 = ["T1", "T2"];
        let r4 = srange(
            &[
                owning("A", &t12, &[("T1", 0), ("T2", 0)], 1),
                owning("B", &t12, &[("T1", 1), ("T2", 1)], 1),
                dynamic("C", &t12),
            ],
            &ppt(&[("T1", 2), ("T2", 2)]),
        );
        assert_sets(
            &r4,
            &[("A", &[("T1", 0), ("T2", 0)]), ("B", &[("T1", 1), ("T2", 1)]), ("C", &[])],
            "group-coordinator RangeAssignor row 4",
        );
        let r5 = srange(&[dynamic("A", &t12), dynamic("B", &t12)], &ppt(&[("T1", 4), ("T2", 4)]));
        assert_sets(
            &r5,
            &[
                ("A", &[("T1", 0), ("T1", 1), ("T2", 0), ("T2", 1)]),
                ("B", &[("T1", 2), ("T1", 3), ("T2", 2), ("T2", 3)]),
            ],
            "group-coordinator RangeAssignor row 5",
        );
        let r6 = srange(&[dynamic("A", &t12), dynamic("B", &t12), dynamic("C", &t12)], &ppt(&[("T1", 3), ("T2", 3)]));
        assert_sets(
            &r6,
            &[("A", &[("T1", 0), ("T2", 0)]), ("B", &[("T1", 1), ("T2", 1)]), ("C", &[("T1", 2), ("T2", 2)])],
            "group-coordinator RangeAssignor row 6",
        );
        let r7 =
            srange(&[dynamic("A", &t12), dynamic("B", &t12), dynamic("C", &["T1"])], &ppt(&[("T1", 4), ("T2", 3)]));
        assert_sets(
            &r7,
            &[
                ("A", &[("T1", 0), ("T1", 1), ("T2", 0), ("T2", 1)]),
                ("B", &[("T1", 2), ("T2", 2)]),
                ("C", &[("T1", 3)]),
            ],
            "group-coordinator RangeAssignor row 7",
        );
        let r8 = srange(&[dynamic("B", &t12)], &ppt(&[("T1", 3), ("T2", 3)]));
        assert_sets(
            &r8,
            &[("B", &[("T1", 0), ("T1", 1), ("T1", 2), ("T2", 0), ("T2", 1), ("T2", 2)])],
            "group-coordinator RangeAssignor row 8",
        );
        let r9 = srange(
            &[dynamic("A", &["T1"]), dynamic("B", &["T1", "T2", "T3"]), dynamic("C", &["T2"])],
            &ppt(&[("T1", 3), ("T2", 3), ("T3", 2)]),
        );
        assert_sets(
            &r9,
            &[
                ("A", &[("T1", 0), ("T1", 1)]),
                ("B", &[("T1", 2), ("T2", 0), ("T2", 1), ("T3", 0), ("T3", 1)]),
                ("C", &[("T2", 2)]),
            ],
            "group-coordinator RangeAssignor row 9",
        );
        // testMixedStaticMembership.
        let p = ppt(&[("T1", 5)]);
        let before =
            srange(&[stat("A", "instanceA", &["T1"]), stat("C", "instanceC", &["T1"]), dynamic("B", &["T1"])], &p);
        let after = srange(
            &[stat("memberA1", "instanceA", &["T1"]), stat("C", "instanceC", &["T1"]), dynamic("B", &["T1"])],
            &p,
        );
        assert_sets(
            &before,
            &[("A", &[("T1", 0), ("T1", 1)]), ("C", &[("T1", 2), ("T1", 3)]), ("B", &[("T1", 4)])],
            "group-coordinator mixed static",
        );
        assert_eq!(before["A"], after["memberA1"], "group-coordinator testMixedStaticMembership A unchanged");
        assert_eq!(before["B"], after["B"]);
        assert_eq!(before["C"], after["C"]);
    }

    // OptimizedUniformAssignmentBuilderTest rows, with topic ids whose
    // HashSet<Uuid> order is T2, T3, T1. Each member's current assignment is listed in the order
    // Kafka iterates its Map<Uuid, Set<Integer>> (T2, T3, T1). The expected targets are what
    // Kafka 4.4.0's UniformAssignor returns for these inputs: since Kafka 4.0 a member that
    // cannot fill its "extra" partition from what it owns leaves it to a later member
    // (UniformHomogeneousAssignmentBuilder.maybeRevokePartitions), so rows 1, 3, 4 and 5 differ
    // from the 3.x tables.
    #[test]
    fn server_uniform_rows() {
        let order = names(&["T2", "T3", "T1"]);
        let t13 = ["T1", "T3"];
        let r1 = uniform(&[dynamic("A", &t13), dynamic("B", &t13)], &ppt(&[("T1", 3), ("T3", 2)]), &order);
        assert_sets(
            &r1,
            &[("A", &[("T3", 0), ("T3", 1)]), ("B", &[("T1", 0), ("T1", 1), ("T1", 2)])],
            "group-coordinator UniformAssignor row 1",
        );
        let r2 =
            uniform(&[dynamic("A", &["T3"]), dynamic("B", &["T3"]), dynamic("C", &["T3"])], &ppt(&[("T3", 2)]), &order);
        assert_sets(
            &r2,
            &[("A", &[]), ("B", &[("T3", 0)]), ("C", &[("T3", 1)])],
            "group-coordinator UniformAssignor row 2",
        );
        let t12 = ["T1", "T2"];
        let r3 = uniform(
            &[
                owning("A", &t12, &[("T2", 0), ("T2", 1), ("T1", 0), ("T1", 1)], 1),
                owning("B", &t12, &[("T2", 2), ("T1", 2)], 1),
            ],
            &ppt(&[("T1", 3), ("T2", 3)]),
            &order,
        );
        assert_sets(
            &r3,
            &[("A", &[("T1", 0), ("T2", 0), ("T2", 1)]), ("B", &[("T1", 1), ("T1", 2), ("T2", 2)])],
            "group-coordinator UniformAssignor row 3",
        );
        let r4 = uniform(
            &[
                owning("A", &t12, &[("T2", 0), ("T1", 0), ("T1", 2)], 1),
                owning("B", &t12, &[("T2", 1), ("T2", 2), ("T1", 1)], 1),
            ],
            &ppt(&[("T1", 6), ("T2", 5)]),
            &order,
        );
        assert_sets(
            &r4,
            &[
                ("A", &[("T1", 0), ("T1", 2), ("T2", 0), ("T2", 3), ("T2", 4)]),
                ("B", &[("T1", 1), ("T1", 3), ("T1", 4), ("T1", 5), ("T2", 1), ("T2", 2)]),
            ],
            "group-coordinator UniformAssignor row 4",
        );
        let r5 = uniform(
            &[
                owning("A", &t12, &[("T2", 0), ("T1", 0), ("T1", 2)], 1),
                owning("B", &t12, &[("T2", 1), ("T2", 2), ("T1", 1)], 1),
                dynamic("C", &t12),
            ],
            &ppt(&[("T1", 3), ("T2", 3)]),
            &order,
        );
        assert_sets(
            &r5,
            &[("A", &[("T1", 0), ("T2", 0)]), ("B", &[("T2", 1), ("T2", 2)]), ("C", &[("T1", 1), ("T1", 2)])],
            "group-coordinator UniformAssignor row 5",
        );
        let r6 = uniform(
            &[owning("A", &t12, &[("T2", 0), ("T1", 0)], 1), owning("B", &t12, &[("T2", 1), ("T1", 1)], 1)],
            &ppt(&[("T1", 3), ("T2", 3)]),
            &order,
        );
        assert_sets(
            &r6,
            &[("A", &[("T1", 0), ("T2", 0), ("T2", 2)]), ("B", &[("T1", 1), ("T1", 2), ("T2", 1)])],
            "group-coordinator UniformAssignor row 6",
        );
        let r7 = uniform(
            &[owning("A", &["T2"], &[("T2", 0), ("T1", 0)], 1), owning("B", &["T2"], &[("T2", 1), ("T1", 1)], 1)],
            &ppt(&[("T1", 2), ("T2", 2)]),
            &order,
        );
        assert_sets(&r7, &[("A", &[("T2", 0)]), ("B", &[("T2", 1)])], "group-coordinator UniformAssignor row 7");
    }

    // Heterogeneous builder (not in the reference tables): balance with stickiness.
    #[test]
    fn server_uniform_heterogeneous() {
        let p = ppt(&[("T1", 3), ("T2", 3)]);
        let fresh = uniform(&[dynamic("A", &["T1"]), dynamic("B", &["T1", "T2"])], &p, &[]);
        assert_sets(
            &fresh,
            &[("A", &[("T1", 0), ("T1", 1), ("T1", 2)]), ("B", &[("T2", 0), ("T2", 1), ("T2", 2)])],
            "heterogeneous fresh",
        );
        let sticky_case = uniform(
            &[
                owning("A", &["T1"], &[("T1", 0)], 1),
                owning("B", &["T1", "T2"], &[("T1", 1), ("T1", 2), ("T2", 0), ("T2", 1), ("T2", 2)], 1),
            ],
            &p,
            &[],
        );
        assert_sets(
            &sticky_case,
            &[("A", &[("T1", 0), ("T1", 1), ("T1", 2)]), ("B", &[("T2", 0), ("T2", 1), ("T2", 2)])],
            "heterogeneous rebalance keeps A's T1-0",
        );
        // Three members, overlapping subscriptions: valid and within one partition per topic.
        let p3 = ppt(&[("T1", 7), ("T2", 5), ("T3", 4)]);
        let m = [dynamic("A", &["T1", "T2"]), dynamic("B", &["T2", "T3"]), dynamic("C", &["T1", "T3"])];
        let a = uniform(&m, &p3, &[]);
        let mut seen = BTreeSet::new();
        for (id, parts) in &a {
            let member = m.iter().find(|x| &x.member_id == id).unwrap();
            for x in parts {
                assert!(member.topics.contains(&x.topic));
                assert!(seen.insert(x.clone()));
            }
        }
        assert_eq!(seen.len(), 16);
        let sizes: Vec<usize> = a.values().map(|v| v.len()).collect();
        assert!(sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1, "{:?}", a);
        assert!(uniform(&[], &p3, &[]).is_empty());
    }

    // ---- names ---------------------------------------------------------------------------------

    // assignor names, class names and protocols.
    #[test]
    fn assignor_names() {
        for n in ["range", "roundrobin", "sticky", "cooperative-sticky"] {
            assert!(supported(n));
        }
        assert!(!supported("uniform"));
        assert!(server_assignor_supported("uniform") && server_assignor_supported("range"));
        assert_eq!(assignor_name_for_class("org.apache.kafka.clients.consumer.RangeAssignor"), Some("range"));
        assert_eq!(assignor_name_for_class("org.apache.kafka.clients.consumer.RoundRobinAssignor"), Some("roundrobin"));
        assert_eq!(assignor_name_for_class("org.apache.kafka.clients.consumer.StickyAssignor"), Some("sticky"));
        assert_eq!(
            assignor_name_for_class("org.apache.kafka.clients.consumer.CooperativeStickyAssignor"),
            Some("cooperative-sticky")
        );
        assert_eq!(assignor_name_for_class("com.example.Mine"), None);
        assert_eq!(
            supported_protocols("cooperative-sticky"),
            &[RebalanceProtocol::Cooperative, RebalanceProtocol::Eager]
        );
        assert_eq!(supported_protocols("range"), &[RebalanceProtocol::Eager]);
    }

    #[test]
    fn empty_and_degenerate_inputs_do_not_panic() {
        let p = ppt(&[("t", 3), ("u", 0), ("v", -2)]);
        assert!(sticky(&[], &p).is_empty());
        assert!(range(&[], &p).is_empty());
        assert!(round_robin(&[], &p).is_empty());
        let odd = [
            owning("x", &["t", "u", "v", "ghost"], &[("t", 9), ("t", -1), ("ghost", 0), ("t", 1), ("t", 1)], 3),
            owning("x", &["t"], &[("t", 2)], 1),
            dynamic("y", &[]),
        ];
        for a in
            [sticky(&odd, &p), cooperative_sticky(&odd, &p), range(&odd, &p), round_robin(&odd, &p), srange(&odd, &p)]
        {
            assert_eq!(a.len(), 2);
        }
        let u = uniform(&odd, &p, &names(&["t"]));
        assert_eq!(u.len(), 2);
        assert_eq!(final_state(&odd, &p).len(), 2);
    }

    /// Kafka's `verifyValidityAndBalance`: every partition at most once, only subscribed
    /// topics, and two members whose sizes differ by more than one share no topic.
    fn verify_validity_and_balance(
        members: &[Member],
        a: &Assignment,
        p: &BTreeMap<String, i32>,
        complete: bool,
        what: &str,
    ) {
        let mut seen = BTreeSet::new();
        for (id, parts) in a {
            let m = members.iter().find(|x| &x.member_id == id).unwrap();
            for x in parts {
                assert!(m.topics.contains(&x.topic), "{}: {} got unsubscribed {}: {:?}", what, id, x, a);
                assert!(seen.insert(x.clone()), "{}: {} assigned twice: {:?}", what, x, a);
            }
        }
        if !complete {
            return;
        }
        {
            let expected: usize = p
                .iter()
                .filter(|(t, _)| members.iter().any(|m| m.topics.contains(t)))
                .map(|(_, &n)| n.max(0) as usize)
                .sum();
            assert_eq!(seen.len(), expected, "{}: every subscribed partition assigned: {:?}", what, a);
        }
        let ids: Vec<&String> = a.keys().collect();
        for i in 0..ids.len() {
            for j in i + 1..ids.len() {
                let (x, y) = (&a[ids[i]], &a[ids[j]]);
                if (x.len() as i64 - y.len() as i64).abs() <= 1 {
                    continue;
                }
                let tx: BTreeSet<&String> = x.iter().map(|q| &q.topic).collect();
                let ty: BTreeSet<&String> = y.iter().map(|q| &q.topic).collect();
                assert!(
                    tx.is_disjoint(&ty),
                    "{}: {} and {} could be balanced: {:?}\nmembers {:?}",
                    what,
                    ids[i],
                    ids[j],
                    a,
                    members
                );
            }
        }
    }

    // Randomised check of the sticky assignors (AbstractStickyAssignorTest's
    // testReassignmentWithRandomSubscriptionsAndChanges idea): valid, balanced, no panic.
    #[test]
    fn sticky_random_subscriptions_and_changes() {
        use crate::sim::rng::Pcg32;
        let mut rng = Pcg32::new(2024, 848);
        for round in 0..150 {
            let n_topics = 1 + rng.below(5) as i32;
            let p: BTreeMap<String, i32> =
                (0..n_topics).map(|t| (format!("t{}", t), 1 + rng.below(6) as i32)).collect();
            let topics: Vec<String> = p.keys().cloned().collect();
            let n_members = 1 + rng.below(6) as usize;
            let pick = |rng: &mut Pcg32| -> Vec<String> {
                let mut v: Vec<String> = topics.iter().filter(|_| rng.chance(2, 3)).cloned().collect();
                if v.is_empty() {
                    v.push(topics[rng.below(topics.len() as u32) as usize].clone());
                }
                v
            };
            let mut members: Vec<Member> = (0..n_members)
                .map(|i| Member { topics: pick(&mut rng), ..Member::new(format!("c{}", i), &[]) })
                .collect();
            let first = sticky(&members, &p);
            verify_validity_and_balance(&members, &first, &p, true, "sticky first");
            // Next generation: new subscriptions, owned = previous assignment, one member gone.
            for m in members.iter_mut() {
                m.owned = first[&m.member_id].clone();
                m.generation = 1;
                m.user_data = Some(UserData::Sticky { partitions: m.owned.clone(), generation: Some(1) });
                m.topics = pick(&mut rng);
            }
            if members.len() > 1 && round % 3 == 0 {
                members.remove(rng.below(members.len() as u32) as usize);
            }
            let eager = sticky(&members, &p);
            verify_validity_and_balance(&members, &eager, &p, true, "sticky second");
            let rounds = cooperative_sticky_until_stable(&members, &p);
            assert!(rounds.len() <= 4, "round {}: {} cooperative rebalances", round, rounds.len());
            for r in &rounds {
                verify_validity_and_balance(&members, &r.assignment, &p, false, "cooperative round");
            }
            verify_validity_and_balance(&members, &rounds.last().unwrap().assignment, &p, true, "cooperative final");
            // Server-side assignors on the same input.
            let order: Vec<String> = topics.iter().rev().cloned().collect();
            let u = uniform(&members, &p, &order);
            verify_validity_and_balance(&members, &u, &p, true, "uniform");
            let r = srange(&members, &p);
            for (id, parts) in &r {
                let m = members.iter().find(|x| &x.member_id == id).unwrap();
                assert!(parts.iter().all(|x| m.topics.contains(&x.topic)));
            }
        }
    }

    #[test]
    fn types_are_serde() {
        fn assert_serde<T: Serialize + for<'de> Deserialize<'de>>() {}
        assert_serde::<Member>();
        assert_serde::<CooperativeRound>();
        assert_serde::<StickyOutcome>();
    }
}
