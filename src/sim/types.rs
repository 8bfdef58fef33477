//! The engine's shared vocabulary: identifiers, addresses, endpoints and config resources.
//! This is the ground floor: it imports nothing of the engine but its random source, so the
//! protocol, the metadata log, the network, the trace and the nodes can all build on it.

use crate::sim::base64::{self, Alphabet};
use crate::sim::codec::Codec;
use crate::sim::rng::Pcg32;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A broker id. `-1` means "none" where Kafka uses it so (NO_LEADER).
pub type BrokerId = i32;
/// A partition index.
pub(crate) type PartitionId = i32;
/// An offset in a partition's log.
pub type Offset = i64;
/// A leader epoch.
pub(crate) type Epoch = i32;

/// Kafka's "no leader" sentinel.
pub const NO_LEADER: BrokerId = -1;

/// The group coordinator's internal topic (`Topic.GROUP_METADATA_TOPIC_NAME`).
pub(crate) const OFFSETS_TOPIC: &str = "__consumer_offsets";
/// The transaction coordinator's internal topic (`Topic.TRANSACTION_STATE_TOPIC_NAME`).
pub(crate) const TXN_TOPIC: &str = "__transaction_state";
/// The share coordinator's internal topic (`Topic.SHARE_GROUP_STATE_TOPIC_NAME`, KIP-932).
pub(crate) const SHARE_STATE_TOPIC: &str = "__share_group_state";

/// The key of a share-partition's state (`SharePartitionKey.asCoordinatorKey`:
/// `groupId:topicId:partition`), which picks its `__share_group_state` partition.
pub(crate) fn share_state_key(group: &str, topic_id: TopicId, partition: i32) -> String {
    format!("{group}:{topic_id}:{partition}")
}

/// A topic partition, written `topic-partition` like Kafka's `TopicPartition.toString()`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Codec)]
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

/// A network endpoint: a controller, a broker or a client process.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Codec)]
pub enum NodeAddr {
    Controller(i32),
    Broker(i32),
    Client(u32),
}

impl fmt::Display for NodeAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NodeAddr::Controller(id) => write!(f, "controller-{id}"),
            NodeAddr::Broker(id) => write!(f, "broker-{id}"),
            NodeAddr::Client(id) => write!(f, "client-{id}"),
        }
    }
}

/// A broker's registration as the controller records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct BrokerEndpoint {
    pub id: BrokerId,
    pub host: String,
    pub(crate) port: u16,
    pub rack: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub enum ConfigResource {
    Topic(String),
    /// A broker id, or None for the cluster-wide default.
    Broker(Option<BrokerId>),
}

/// A topic id: a 128-bit UUID printed as 22 characters of URL-safe base64 (Kafka's `Uuid`).
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Codec)]
pub struct TopicId(pub u64, pub u64);

impl TopicId {
    pub(crate) const ZERO: TopicId = TopicId(0, 0);

    /// A random id. Like `Uuid.randomUuid` (a version-4 `java.util.UUID`), ids whose text
    /// contains a `-` anywhere are drawn again.
    pub(crate) fn random(rng: &mut Pcg32) -> TopicId {
        loop {
            let mut hi = rng.next_u64();
            let mut lo = rng.next_u64();
            // Version 4, IETF variant bits, as java.util.UUID.randomUUID sets them.
            hi = (hi & !0xF000) | 0x4000;
            lo = (lo & !(0xC000_0000_0000_0000)) | 0x8000_0000_0000_0000;
            let id = TopicId(hi, lo);
            if !id.to_string().contains('-') {
                return id;
            }
        }
    }
}

impl fmt::Display for TopicId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.0.to_be_bytes());
        bytes[8..].copy_from_slice(&self.1.to_be_bytes());
        f.write_str(&base64::encode(&bytes, Alphabet::Url))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_ids_print_as_22_char_base64url() {
        let mut rng = Pcg32::new(1, 2);
        for _ in 0..1000 {
            let id = TopicId::random(&mut rng);
            let s = id.to_string();
            assert_eq!(s.len(), 22);
            // Uuid.randomUuid draws again while the text contains a '-' (not only at the start).
            assert!(!s.contains('-'), "{s}");
            assert!(s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
            // A version-4 java.util.UUID underneath.
            assert_eq!((id.0 >> 12) & 0xF, 4);
            assert_eq!(id.1 >> 62, 0b10);
        }
        assert_eq!(TopicId::ZERO.to_string(), "AAAAAAAAAAAAAAAAAAAAAA");
    }
}
