//! KRaft metadata: the records of `__cluster_metadata` and the image built by applying them.
//!
//! The active controller appends records; voters replicate them by Raft; brokers fetch the
//! committed ones and apply them to their own [`MetadataImage`], which is how a broker learns
//! that it leads or follows a partition (KIP-631).

use crate::sim::codec::Codec;
use crate::sim::quota::{QuotaEntity, QuotaImage};
use crate::sim::types::{BrokerEndpoint, BrokerId, ConfigResource, Epoch, Offset, PartitionId, TopicId, NO_LEADER};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A record of the metadata log. The names follow Kafka's `*Record` schemas.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub enum MetadataRecord {
    /// KRaft control record written by a new quorum leader.
    LeaderChange {
        leader: i32,
        voters: Vec<i32>,
    },
    RegisterBroker {
        broker: BrokerId,
        incarnation: u64,
        endpoint: BrokerEndpoint,
        fenced: bool,
    },
    BrokerRegistrationChange {
        broker: BrokerId,
        broker_epoch: i64,
        fenced: Option<bool>,
        in_controlled_shutdown: Option<bool>,
    },
    UnregisterBroker {
        broker: BrokerId,
        broker_epoch: i64,
    },
    Topic {
        name: String,
        id: TopicId,
    },
    Partition {
        topic_id: TopicId,
        partition: PartitionId,
        replicas: Vec<BrokerId>,
        isr: Vec<BrokerId>,
        leader: BrokerId,
        leader_epoch: Epoch,
        partition_epoch: i32,
    },
    /// A change to one partition (`PartitionChangeRecord`, built by
    /// [`PartitionChangeBuilder`](crate::sim::controller::partition_change::PartitionChangeBuilder)).
    /// `leader_epoch_bump` is set whenever Kafka bumps the leader epoch: whenever the record
    /// sets a leader (a leader change, or replicas removed — `PartitionChangeBuilder`).
    PartitionChange {
        topic_id: TopicId,
        partition: PartitionId,
        leader: Option<BrokerId>,
        isr: Option<Vec<BrokerId>>,
        replicas: Option<Vec<BrokerId>>,
        adding: Option<Vec<BrokerId>>,
        removing: Option<Vec<BrokerId>>,
        leader_recovering: Option<bool>,
        leader_epoch_bump: bool,
        /// `eligibleLeaderReplicas` (KIP-966).
        #[serde(default)]
        elr: Option<Vec<BrokerId>>,
        /// `lastKnownElr` (KIP-966).
        #[serde(default)]
        last_known_elr: Option<Vec<BrokerId>>,
    },
    /// `ClearElrRecord`: a `min.insync.replicas` change clears the ELR and last known ELR of a
    /// topic's partitions (`topic`), or of every partition (`None`: the cluster default changed).
    ClearElr {
        topic: Option<String>,
    },
    RemoveTopic {
        topic_id: TopicId,
    },
    Config {
        resource: ConfigResource,
        name: String,
        value: Option<String>,
    },
    ProducerIds {
        broker: BrokerId,
        next_block_start: i64,
    },
    /// `ClientQuotaRecord` (KIP-546): sets (`value`: the bits of Kafka's `double`) or removes
    /// one quota of one entity.
    ClientQuota {
        entity: QuotaEntity,
        key: String,
        value: Option<u64>,
    },
    /// `NoOpRecord`: written by the active controller every `metadata.max.idle.interval.ms`
    /// (the `writeNoOpRecord` periodic task of `QuorumController`) so that the metadata log's
    /// end offset and high watermark move while the cluster is idle and every broker can tell
    /// it is still caught up. It changes nothing in the image.
    NoOp,
    /// `AccessControlEntryRecord`: an ACL binding, under the id the controller gave it.
    AccessControlEntry {
        id: i64,
        binding: crate::sim::acl::AclBinding,
    },
    /// `RemoveAccessControlEntryRecord`.
    RemoveAccessControlEntry {
        id: i64,
    },
}

impl MetadataRecord {
    /// The record type name, as Kafka's metadata shell prints it.
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            MetadataRecord::LeaderChange { .. } => "LeaderChangeMessage",
            MetadataRecord::RegisterBroker { .. } => "RegisterBrokerRecord",
            MetadataRecord::BrokerRegistrationChange { .. } => "BrokerRegistrationChangeRecord",
            MetadataRecord::UnregisterBroker { .. } => "UnregisterBrokerRecord",
            MetadataRecord::Topic { .. } => "TopicRecord",
            MetadataRecord::Partition { .. } => "PartitionRecord",
            MetadataRecord::PartitionChange { .. } => "PartitionChangeRecord",
            MetadataRecord::ClearElr { .. } => "ClearElrRecord",
            MetadataRecord::RemoveTopic { .. } => "RemoveTopicRecord",
            MetadataRecord::Config { .. } => "ConfigRecord",
            MetadataRecord::ProducerIds { .. } => "ProducerIdsRecord",
            MetadataRecord::ClientQuota { .. } => "ClientQuotaRecord",
            MetadataRecord::NoOp => "NoOpRecord",
            MetadataRecord::AccessControlEntry { .. } => "AccessControlEntryRecord",
            MetadataRecord::RemoveAccessControlEntry { .. } => "RemoveAccessControlEntryRecord",
        }
    }
}

/// A registered broker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct BrokerRegistration {
    pub(crate) endpoint: BrokerEndpoint,
    /// The broker epoch: the offset of its RegisterBrokerRecord.
    pub(crate) epoch: i64,
    pub(crate) incarnation: u64,
    pub fenced: bool,
    pub(crate) in_controlled_shutdown: bool,
}

/// A partition as the metadata describes it (`PartitionRegistration`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct PartitionState {
    pub replicas: Vec<BrokerId>,
    pub isr: Vec<BrokerId>,
    pub leader: BrokerId,
    pub leader_epoch: Epoch,
    pub partition_epoch: i32,
    pub adding: Vec<BrokerId>,
    pub removing: Vec<BrokerId>,
    pub leader_recovering: bool,
    /// Eligible leader replicas (KIP-966): replicas that left the ISR while it was below
    /// `min.insync.replicas`, so they hold every committed record and may lead cleanly.
    #[serde(default)]
    pub elr: Vec<BrokerId>,
    /// The last known ELR members (KIP-966), kept while the partition has no leader.
    #[serde(default)]
    pub last_known_elr: Vec<BrokerId>,
}

impl PartitionState {
    pub(crate) fn preferred(&self) -> BrokerId {
        self.replicas.first().copied().unwrap_or(NO_LEADER)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct TopicImage {
    pub name: String,
    pub id: TopicId,
    pub partitions: BTreeMap<PartitionId, PartitionState>,
    pub configs: BTreeMap<String, String>,
}

impl TopicImage {
    pub(crate) fn is_internal(&self) -> bool {
        is_internal_topic(&self.name)
    }
}

/// `__consumer_offsets` and `__transaction_state` (and the share-group state topic).
pub(crate) fn is_internal_topic(name: &str) -> bool {
    matches!(name, "__consumer_offsets" | "__transaction_state" | "__share_group_state")
}

/// The state built by applying metadata records in order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct MetadataImage {
    /// The offset of the last record applied (-1: none).
    pub offset: Offset,
    pub brokers: BTreeMap<BrokerId, BrokerRegistration>,
    pub topics: BTreeMap<String, TopicImage>,
    pub topic_names: BTreeMap<TopicId, String>,
    /// Cluster-wide dynamic broker configs (`--entity-default`).
    pub cluster_configs: BTreeMap<String, String>,
    /// Per-broker dynamic configs.
    pub broker_configs: BTreeMap<BrokerId, BTreeMap<String, String>>,
    pub(crate) next_producer_id_block: i64,
    pub(crate) quorum_leader: Option<i32>,
    /// Client quotas by entity (`ClientQuotasImage`).
    pub(crate) client_quotas: QuotaImage,
    /// The ACLs (`AccessControlEntryRecord`s not removed), by id: what every node's
    /// `StandardAuthorizer` authorizes with.
    #[serde(default)]
    pub acls: BTreeMap<i64, crate::sim::acl::AclBinding>,
}

/// What applying a record changed, for brokers to act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ImageDelta {
    None,
    Partition {
        topic: String,
        partition: PartitionId,
    },
    /// Several partitions changed at once (a `ClearElrRecord`).
    Partitions(Vec<(String, PartitionId)>),
    TopicCreated {
        topic: String,
    },
    TopicRemoved {
        topic: String,
        id: TopicId,
        partitions: Vec<(PartitionId, Vec<BrokerId>)>,
    },
    Broker(BrokerId),
    Config(ConfigResource),
}

impl MetadataImage {
    pub(crate) fn new() -> MetadataImage {
        MetadataImage { offset: -1, next_producer_id_block: 0, ..Default::default() }
    }

    pub fn partition(&self, topic: &str, partition: PartitionId) -> Option<&PartitionState> {
        self.topics.get(topic).and_then(|t| t.partitions.get(&partition))
    }

    /// Registered brokers that are not fenced.
    pub(crate) fn is_unfenced(&self, broker: BrokerId) -> bool {
        self.brokers.get(&broker).map(|b| !b.fenced).unwrap_or(false)
    }

    /// Applies one record at `offset`.
    pub(crate) fn apply(&mut self, offset: Offset, record: &MetadataRecord) -> ImageDelta {
        self.offset = offset;
        match record {
            MetadataRecord::LeaderChange { leader, .. } => {
                self.quorum_leader = Some(*leader);
                ImageDelta::None
            }
            MetadataRecord::RegisterBroker { broker, incarnation, endpoint, fenced } => {
                self.brokers.insert(
                    *broker,
                    BrokerRegistration {
                        endpoint: endpoint.clone(),
                        epoch: offset,
                        incarnation: *incarnation,
                        fenced: *fenced,
                        in_controlled_shutdown: false,
                    },
                );
                ImageDelta::Broker(*broker)
            }
            MetadataRecord::BrokerRegistrationChange { broker, broker_epoch, fenced, in_controlled_shutdown } => {
                if let Some(b) = self.brokers.get_mut(broker) {
                    if b.epoch == *broker_epoch {
                        if let Some(f) = fenced {
                            b.fenced = *f;
                            if !*f {
                                b.in_controlled_shutdown = false;
                            }
                        }
                        if let Some(s) = in_controlled_shutdown {
                            b.in_controlled_shutdown = *s;
                        }
                    }
                }
                ImageDelta::Broker(*broker)
            }
            MetadataRecord::UnregisterBroker { broker, broker_epoch } => {
                if self.brokers.get(broker).map(|b| b.epoch == *broker_epoch).unwrap_or(false) {
                    self.brokers.remove(broker);
                }
                ImageDelta::Broker(*broker)
            }
            MetadataRecord::Topic { name, id } => {
                self.topics.insert(
                    name.clone(),
                    TopicImage { name: name.clone(), id: *id, partitions: BTreeMap::new(), configs: BTreeMap::new() },
                );
                self.topic_names.insert(*id, name.clone());
                ImageDelta::TopicCreated { topic: name.clone() }
            }
            MetadataRecord::Partition { topic_id, partition, replicas, isr, leader, leader_epoch, partition_epoch } => {
                let Some(name) = self.topic_names.get(topic_id).cloned() else { return ImageDelta::None };
                if let Some(t) = self.topics.get_mut(&name) {
                    t.partitions.insert(
                        *partition,
                        PartitionState {
                            replicas: replicas.clone(),
                            isr: isr.clone(),
                            leader: *leader,
                            leader_epoch: *leader_epoch,
                            partition_epoch: *partition_epoch,
                            adding: vec![],
                            removing: vec![],
                            leader_recovering: false,
                            elr: vec![],
                            last_known_elr: vec![],
                        },
                    );
                }
                ImageDelta::Partition { topic: name, partition: *partition }
            }
            MetadataRecord::PartitionChange {
                topic_id,
                partition,
                leader,
                isr,
                replicas,
                adding,
                removing,
                leader_recovering,
                leader_epoch_bump,
                elr,
                last_known_elr,
            } => {
                let Some(name) = self.topic_names.get(topic_id).cloned() else { return ImageDelta::None };
                let Some(p) = self.topics.get_mut(&name).and_then(|t| t.partitions.get_mut(partition)) else {
                    return ImageDelta::None;
                };
                if let Some(l) = leader {
                    p.leader = *l;
                }
                if let Some(i) = isr {
                    p.isr = i.clone();
                }
                if let Some(r) = replicas {
                    p.replicas = r.clone();
                }
                if let Some(a) = adding {
                    p.adding = a.clone();
                }
                if let Some(r) = removing {
                    p.removing = r.clone();
                }
                if let Some(lr) = leader_recovering {
                    p.leader_recovering = *lr;
                }
                if let Some(e) = elr {
                    p.elr = e.clone();
                }
                if let Some(e) = last_known_elr {
                    p.last_known_elr = e.clone();
                }
                if *leader_epoch_bump {
                    p.leader_epoch += 1;
                }
                p.partition_epoch += 1;
                ImageDelta::Partition { topic: name, partition: *partition }
            }
            MetadataRecord::ClearElr { topic } => {
                // ReplicationControlManager.removeTopicElrs: each partition with an ELR or a
                // last known ELR is merged with a change clearing both (its partition epoch
                // advances).
                let mut changed = Vec::new();
                for t in self.topics.values_mut() {
                    if topic.as_ref().map(|n| *n != t.name).unwrap_or(false) {
                        continue;
                    }
                    for (pid, p) in t.partitions.iter_mut() {
                        if p.elr.is_empty() && p.last_known_elr.is_empty() {
                            continue;
                        }
                        p.elr.clear();
                        p.last_known_elr.clear();
                        p.partition_epoch += 1;
                        changed.push((t.name.clone(), *pid));
                    }
                }
                ImageDelta::Partitions(changed)
            }
            MetadataRecord::RemoveTopic { topic_id } => {
                let Some(name) = self.topic_names.remove(topic_id) else { return ImageDelta::None };
                let t = self.topics.remove(&name);
                let partitions =
                    t.map(|t| t.partitions.into_iter().map(|(p, s)| (p, s.replicas)).collect()).unwrap_or_default();
                ImageDelta::TopicRemoved { topic: name, id: *topic_id, partitions }
            }
            MetadataRecord::Config { resource, name, value } => {
                let map = match resource {
                    ConfigResource::Topic(t) => match self.topics.get_mut(t) {
                        Some(t) => &mut t.configs,
                        None => return ImageDelta::None,
                    },
                    ConfigResource::Broker(None) => &mut self.cluster_configs,
                    ConfigResource::Broker(Some(b)) => self.broker_configs.entry(*b).or_default(),
                };
                match value {
                    Some(v) => {
                        map.insert(name.clone(), v.clone());
                    }
                    None => {
                        map.remove(name);
                    }
                }
                ImageDelta::Config(resource.clone())
            }
            MetadataRecord::ProducerIds { next_block_start, .. } => {
                self.next_producer_id_block = *next_block_start;
                ImageDelta::None
            }
            MetadataRecord::ClientQuota { entity, key, value } => {
                // ClientQuotaControlManager.replay: an entity without quotas is dropped.
                match value {
                    Some(v) => {
                        self.client_quotas.entry(entity.clone()).or_default().insert(key.clone(), *v);
                    }
                    None => {
                        if let Some(m) = self.client_quotas.get_mut(entity) {
                            m.remove(key);
                            if m.is_empty() {
                                self.client_quotas.remove(entity);
                            }
                        }
                    }
                }
                ImageDelta::None
            }
            MetadataRecord::NoOp => ImageDelta::None,
            MetadataRecord::AccessControlEntry { id, binding } => {
                self.acls.insert(*id, binding.clone());
                ImageDelta::None
            }
            MetadataRecord::RemoveAccessControlEntry { id } => {
                self.acls.remove(id);
                ImageDelta::None
            }
        }
    }

    /// The broker-level config map a topic falls back to on `broker` (cluster default merged
    /// with the broker's own dynamic configs, then the static configs given at start).
    pub(crate) fn broker_level_configs(
        &self,
        broker: BrokerId,
        static_configs: &BTreeMap<String, String>,
    ) -> BTreeMap<String, String> {
        let mut m = static_configs.clone();
        for (k, v) in &self.cluster_configs {
            m.insert(k.clone(), v.clone());
        }
        if let Some(b) = self.broker_configs.get(&broker) {
            for (k, v) in b {
                m.insert(k.clone(), v.clone());
            }
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_change_bumps_epochs_like_kraft() {
        let mut img = MetadataImage::new();
        let id = TopicId(1, 2);
        img.apply(0, &MetadataRecord::Topic { name: "orders".into(), id });
        img.apply(
            1,
            &MetadataRecord::Partition {
                topic_id: id,
                partition: 0,
                replicas: vec![1, 2, 3],
                isr: vec![1, 2, 3],
                leader: 1,
                leader_epoch: 0,
                partition_epoch: 0,
            },
        );
        // An ISR shrink does not bump the leader epoch (`PartitionChangeBuilder`, KAFKA-15021), only the partition epoch.
        img.apply(
            2,
            &MetadataRecord::PartitionChange {
                topic_id: id,
                partition: 0,
                leader: None,
                isr: Some(vec![1, 2]),
                replicas: None,
                adding: None,
                removing: None,
                leader_recovering: None,
                leader_epoch_bump: false,
                elr: None,
                last_known_elr: None,
            },
        );
        let p = img.partition("orders", 0).unwrap();
        assert_eq!((p.leader_epoch, p.partition_epoch, p.isr.clone()), (0, 1, vec![1, 2]));
        img.apply(
            3,
            &MetadataRecord::PartitionChange {
                topic_id: id,
                partition: 0,
                leader: Some(2),
                isr: Some(vec![2]),
                replicas: None,
                adding: None,
                removing: None,
                leader_recovering: None,
                leader_epoch_bump: true,
                elr: None,
                last_known_elr: None,
            },
        );
        let p = img.partition("orders", 0).unwrap();
        assert_eq!((p.leader, p.leader_epoch, p.partition_epoch), (2, 1, 2));
    }
}
