//! Identifiers shared by every part of the engine.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A Kafka node id (broker or controller), as in `node.id`.
pub type NodeIdNum = i32;
/// A broker id. `-1` means "none" where Kafka uses it so (NO_LEADER).
pub type BrokerId = i32;
/// A partition index.
pub type PartitionId = i32;
/// An offset in a partition's log.
pub type Offset = i64;
/// A leader epoch.
pub type Epoch = i32;

/// Kafka's "no leader" sentinel.
pub const NO_LEADER: BrokerId = -1;

/// A topic partition, written `topic-partition` like Kafka's `TopicPartition.toString()`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TopicPartition {
    pub topic: String,
    pub partition: PartitionId,
}

impl TopicPartition {
    pub fn new(topic: impl Into<String>, partition: PartitionId) -> TopicPartition {
        TopicPartition { topic: topic.into(), partition }
    }
}

impl fmt::Display for TopicPartition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.topic, self.partition)
    }
}
