//! The state of a KIP-932 share group on its coordinator (`ShareGroup`, `ShareGroupMember`) and
//! the `simple` assignor; `share_group.rs` drives it and `group.rs` stores it, so neither
//! imports the other through it.

use crate::sim::codec::Codec;
use crate::sim::errors::KafkaError;
use crate::sim::time::SimTime;
use crate::sim::types::TopicPartition;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// `group.share.heartbeat.interval.ms`.
pub(crate) const SHARE_HEARTBEAT_INTERVAL_MS: i64 = 5_000;
/// `group.share.session.timeout.ms`.
pub(crate) const SHARE_SESSION_TIMEOUT_MS: i64 = 45_000;
/// `group.share.assignment.interval.ms`.
pub(crate) const SHARE_ASSIGNMENT_INTERVAL_MS: i64 = 1_000;
/// `group.share.max.size`.
pub(crate) const SHARE_MAX_SIZE: usize = 200;

/// A share group member (`ShareGroupMember`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct ShareMember {
    pub(crate) member_id: String,
    pub(crate) client_id: String,
    pub(crate) host: String,
    pub(crate) member_epoch: i32,
    pub(crate) subscribed: Vec<String>,
    pub(crate) assigned: Vec<TopicPartition>,
    pub(crate) session_deadline: SimTime,
}

/// A share group (`ShareGroup`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct ShareGroup {
    pub(crate) id: String,
    pub(crate) group_epoch: i32,
    pub(crate) assignment_epoch: i32,
    pub(crate) assignment_time: Option<SimTime>,
    pub(crate) members: BTreeMap<String, ShareMember>,
    pub(crate) target: BTreeMap<String, Vec<TopicPartition>>,
    /// Partition counts of the subscribed topics at the last epoch bump.
    pub(crate) subscription_metadata: BTreeMap<String, i32>,
    /// Topics whose share-group state is initialized (`ShareGroupStatePartitionMetadata`).
    pub(crate) initialized: BTreeSet<String>,
}

impl ShareGroup {
    /// A new group: group epoch 1, no target assignment yet (`ModernGroup`'s constructor), so
    /// the first member joins at epoch 2.
    pub(crate) fn new(id: &str) -> ShareGroup {
        ShareGroup { id: id.to_string(), group_epoch: 1, ..Default::default() }
    }

    /// `ShareGroup.maybeUpdateGroupState`: Empty without members, else Stable.
    pub(crate) fn state_name(&self) -> &'static str {
        if self.members.is_empty() {
            "Empty"
        } else {
            "Stable"
        }
    }

    /// Topics any member subscribes to.
    pub(crate) fn subscribed_topics(&self) -> BTreeSet<String> {
        self.members.values().flat_map(|m| m.subscribed.iter().cloned()).collect()
    }
}

/// A ShareGroupHeartbeat as the coordinator takes it in.
pub(crate) struct ShareHeartbeat {
    pub(crate) group: String,
    pub(crate) member_id: String,
    pub(crate) member_epoch: i32,
    pub(crate) subscribed_topics: Option<Vec<String>>,
    pub(crate) client_id: String,
}

pub(crate) type HeartbeatResult = Result<(i32, Option<Vec<TopicPartition>>), (KafkaError, String)>;

/// The `simple` share group assignor (`SimpleHomogeneousAssignmentBuilder`): each partition goes
/// to `ceil(members / partitions)` members, each member gets its share of the assignments, what
/// members had is kept where it fits. Kafka walks hash sets; Brokerlab walks members and
/// partitions in sorted order.
pub(crate) fn simple_assign(
    members: &BTreeMap<String, Vec<String>>,
    partitions: &[TopicPartition],
    old: &BTreeMap<String, Vec<TopicPartition>>,
) -> BTreeMap<String, Vec<TopicPartition>> {
    let mut result: BTreeMap<String, Vec<TopicPartition>> = members.keys().map(|m| (m.clone(), vec![])).collect();
    let n = members.len() as i64;
    let p = partitions.len() as i64;
    if n == 0 || p == 0 {
        return result;
    }
    let sharing = (n + p - 1) / p;
    let total = sharing * p;
    let ids: Vec<&String> = members.keys().collect();
    // desiredAssignmentCount: ceil(total * (i + 1) / n) - ceil(total * i / n), in integers.
    let desired: Vec<i64> = (0..n).map(|i| (total * (i + 1) + n - 1) / n - (total * i + n - 1) / n).collect();
    let subscribes = |m: &String, tp: &TopicPartition| members[m].contains(&tp.topic);
    let mut holders: BTreeMap<&TopicPartition, Vec<&String>> = partitions.iter().map(|tp| (tp, vec![])).collect();
    // Keep what each member had, within its desired count and the desired sharing.
    for (i, &m) in ids.iter().enumerate() {
        for tp in old.get(m).map(|v| v.as_slice()).unwrap_or(&[]) {
            let Some(h) = holders.get_mut(tp) else { continue };
            if !subscribes(m, tp) || (result[m].len() as i64) >= desired[i] || (h.len() as i64) >= sharing {
                continue;
            }
            h.push(m);
            result.get_mut(m).expect("member").push(tp.clone());
        }
    }
    // assignRemainingPartitions: fill each partition up to the sharing from the unfilled members,
    // round robin.
    let mut cursor = 0usize;
    for tp in partitions {
        let mut tries = 0usize;
        while (holders[tp].len() as i64) < sharing && tries < ids.len() {
            let i = cursor % ids.len();
            cursor += 1;
            tries += 1;
            let m = ids[i];
            if holders[tp].contains(&m) || !subscribes(m, tp) || (result[m].len() as i64) >= desired[i] {
                continue;
            }
            holders.get_mut(tp).expect("partition").push(m);
            result.get_mut(m).expect("member").push(tp.clone());
            tries = 0;
        }
    }
    for v in result.values_mut() {
        v.sort();
    }
    result
}
