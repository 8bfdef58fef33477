//! Read-only questions the console asks the engine directly: the internals no Kafka tool
//! shows (`describe partition`), the cluster's members for `broker list` and tab
//! completion. Kafka tools themselves go through the admin client instead.

use crate::sim::broker::replica::Role;
use crate::sim::metadata::MetadataImage;
use crate::sim::types::{BrokerId, Epoch, Offset, TopicPartition};
use crate::sim::view::names::ReplicaRole;
use crate::sim::world::Sim;

/// One replica of a partition as its broker holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PartitionReplica {
    pub broker: BrokerId,
    /// Whether the broker process runs.
    pub(crate) running: bool,
    pub(crate) role: ReplicaRole,
    /// The leader epoch the broker knows for the partition (-1: none).
    pub leader_epoch: Epoch,
    pub log_end_offset: Option<Offset>,
    pub high_watermark: Option<Offset>,
    pub log_start_offset: Option<Offset>,
    /// The leader-epoch cache: (epoch, start offset).
    pub epochs: Vec<(Epoch, Offset)>,
    /// On the leader: each follower's fetch position (broker, LEO).
    pub(crate) followers: Vec<(BrokerId, Offset)>,
}

impl Sim {
    /// The metadata image of the active controller, or of the first running controller.
    pub fn metadata_image(&self) -> Option<&MetadataImage> {
        self.metadata_image_in(0)
    }

    /// [`Sim::metadata_image`] of `cluster` (0 the first, 1 the second).
    pub(crate) fn metadata_image_in(&self, cluster: u8) -> Option<&MetadataImage> {
        if let Some(id) = self.active_controller_in(cluster) {
            if let Some(p) = self.controllers().get(&id).and_then(|c| c.proc.as_ref()) {
                return Some(&p.image);
            }
        }
        self.controllers()
            .values()
            .filter(|c| self.cluster_of(crate::sim::types::NodeAddr::Controller(c.id)) == cluster)
            .find_map(|c| c.proc.as_ref())
            .map(|p| &p.image)
    }

    /// Topic names the cluster knows (sorted).
    pub fn topic_names(&self) -> Vec<String> {
        self.metadata_image().map(|i| i.topics.keys().cloned().collect()).unwrap_or_default()
    }

    /// The replicas of a partition (from its replica list, or every broker holding a log).
    pub(crate) fn partition_replicas(&self, tp: &TopicPartition) -> Vec<PartitionReplica> {
        let mut ids: Vec<BrokerId> = self
            .metadata_image()
            .and_then(|i| i.partition(&tp.topic, tp.partition))
            .map(|p| p.replicas.clone())
            .unwrap_or_default();
        for (id, b) in self.brokers() {
            if b.disk.logs.contains_key(tp) && !ids.contains(id) {
                ids.push(*id);
            }
        }
        ids.iter()
            .map(|id| {
                let node = self.brokers().get(id);
                let running = node.map(|n| n.proc.is_some()).unwrap_or(false);
                let log = node.and_then(|n| n.disk.logs.get(tp));
                let state = node.and_then(|n| n.proc.as_ref()).and_then(|p| p.replicas.get(tp));
                let role = ReplicaRole::of(state, running && node.is_some());
                let leader_epoch = state.map(|s| s.leader_epoch).unwrap_or(-1);
                let followers = match state.map(|s| &s.role) {
                    Some(Role::Leader { followers }) => followers.iter().map(|(b, f)| (*b, f.log_end_offset)).collect(),
                    _ => vec![],
                };
                PartitionReplica {
                    broker: *id,
                    running,
                    role,
                    leader_epoch,
                    log_end_offset: log.map(|l| l.log_end_offset),
                    high_watermark: log.map(|l| l.high_watermark),
                    // `UnifiedLog.logStartOffset`: with tiered storage the remote segments count
                    // (the local log's start is `kafka-get-offsets --time -4`).
                    log_start_offset: log
                        .map(|l| self.remote_store().start_offset(tp).unwrap_or(i64::MAX).min(l.log_start_offset)),
                    epochs: log
                        .map(|l| l.epochs.entries().iter().map(|e| (e.epoch, e.start_offset)).collect())
                        .unwrap_or_default(),
                    followers,
                }
            })
            .collect()
    }

    /// Names of the client processes (producers, consumers, admin clients), by id.
    pub(crate) fn client_names(&self) -> Vec<String> {
        self.clients().values().map(|c| c.name.clone()).collect()
    }
}

impl Sim {
    /// The consumer groups the running coordinators hold (sorted, no duplicates): what tab
    /// completion offers after `--group`. Only a broker that currently coordinates a group
    /// (leads its `__consumer_offsets` partition) counts.
    pub fn group_names(&self) -> Vec<String> {
        let mut names = std::collections::BTreeSet::new();
        for b in self.brokers().values() {
            let Some(p) = &b.proc else { continue };
            for id in p.coordinator.groups.keys() {
                if p.coordinator.owned.contains(&p.group_partition(id, self.env())) {
                    names.insert(id.clone());
                }
            }
        }
        names.into_iter().collect()
    }
}
