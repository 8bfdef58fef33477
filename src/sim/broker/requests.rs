//! Client-facing broker requests besides Produce and Fetch: Metadata (with topic
//! auto-creation), ListOffsets, DescribeConfigs, ApiVersions, and forwarding admin requests
//! to the active controller (KIP-590).

use super::*;
use crate::sim::acl::{AclOperation, ResourceType};
use crate::sim::config::{describe_broker_configs, describe_topic_configs, ConfigEntry};
use crate::sim::errors::ApiError;
use crate::sim::metadata::is_internal_topic;
use crate::sim::protocol::{
    ControllerRequest, ControllerResponse, Isolation, MetadataPartition, MetadataTopic, NewTopic,
    PartitionListOffsetsResult,
};
use crate::sim::types::ConfigResource;

/// The APIs a Kafka 4.4 broker with default settings advertises in its ApiVersions response:
/// (key, name, min, max), in key order. That is `ApiVersionsResponse.controllerApiVersions`:
/// every BROKER-listener API (`ApiKeys.apisForListener`) at its stable versions
/// (`unstable.api.versions.enable=false`; Produce from version 0 on the broker listener), the
/// forwardable ones intersected with what the controller advertises, the client telemetry APIs
/// left out (no telemetry exporter is configured). Checked against Kafka by the `api-versions`
/// conformance vectors.
pub(crate) const BROKER_API_VERSIONS: &[(i16, &str, i16, i16)] = &[
    (0, "Produce", 0, 13),
    (1, "Fetch", 4, 18),
    (2, "ListOffsets", 1, 11),
    (3, "Metadata", 0, 13),
    (8, "OffsetCommit", 2, 10),
    (9, "OffsetFetch", 1, 10),
    (10, "FindCoordinator", 0, 6),
    (11, "JoinGroup", 0, 9),
    (12, "Heartbeat", 0, 4),
    (13, "LeaveGroup", 0, 5),
    (14, "SyncGroup", 0, 5),
    (15, "DescribeGroups", 0, 6),
    (16, "ListGroups", 0, 5),
    (17, "SaslHandshake", 0, 1),
    (18, "ApiVersions", 0, 5),
    (19, "CreateTopics", 2, 7),
    (20, "DeleteTopics", 1, 6),
    (21, "DeleteRecords", 0, 2),
    (22, "InitProducerId", 0, 5),
    (23, "OffsetForLeaderEpoch", 2, 4),
    (24, "AddPartitionsToTxn", 0, 5),
    (25, "AddOffsetsToTxn", 0, 4),
    (26, "EndTxn", 0, 5),
    (27, "WriteTxnMarkers", 1, 2),
    (28, "TxnOffsetCommit", 0, 6),
    (29, "DescribeAcls", 1, 3),
    (30, "CreateAcls", 1, 3),
    (31, "DeleteAcls", 1, 3),
    (32, "DescribeConfigs", 1, 4),
    (33, "AlterConfigs", 0, 2),
    (34, "AlterReplicaLogDirs", 1, 2),
    (35, "DescribeLogDirs", 1, 5),
    (36, "SaslAuthenticate", 0, 2),
    (37, "CreatePartitions", 0, 3),
    (38, "CreateDelegationToken", 1, 3),
    (39, "RenewDelegationToken", 1, 2),
    (40, "ExpireDelegationToken", 1, 2),
    (41, "DescribeDelegationToken", 1, 3),
    (42, "DeleteGroups", 0, 3),
    (43, "ElectLeaders", 0, 2),
    (44, "IncrementalAlterConfigs", 0, 1),
    (45, "AlterPartitionReassignments", 0, 1),
    (46, "ListPartitionReassignments", 0, 0),
    (47, "OffsetDelete", 0, 0),
    (48, "DescribeClientQuotas", 0, 1),
    (49, "AlterClientQuotas", 0, 1),
    (50, "DescribeUserScramCredentials", 0, 0),
    (51, "AlterUserScramCredentials", 0, 0),
    (55, "DescribeQuorum", 0, 2),
    (57, "UpdateFeatures", 0, 2),
    (60, "DescribeCluster", 0, 2),
    (61, "DescribeProducers", 0, 0),
    (64, "UnregisterBroker", 0, 0),
    (65, "DescribeTransactions", 0, 0),
    (66, "ListTransactions", 0, 2),
    (68, "ConsumerGroupHeartbeat", 0, 1),
    (69, "ConsumerGroupDescribe", 0, 1),
    (74, "ListConfigResources", 0, 1),
    (75, "DescribeTopicPartitions", 0, 0),
    (76, "ShareGroupHeartbeat", 1, 1),
    (77, "ShareGroupDescribe", 1, 1),
    (78, "ShareFetch", 1, 2),
    (79, "ShareAcknowledge", 1, 2),
    (80, "AddRaftVoter", 0, 1),
    (81, "RemoveRaftVoter", 0, 0),
    (83, "InitializeShareGroupState", 0, 0),
    (84, "ReadShareGroupState", 0, 0),
    (85, "WriteShareGroupState", 0, 1),
    (86, "DeleteShareGroupState", 0, 0),
    (87, "ReadShareGroupStateSummary", 0, 1),
    (88, "StreamsGroupHeartbeat", 0, 1),
    (89, "StreamsGroupDescribe", 0, 1),
    (90, "DescribeShareGroupOffsets", 0, 1),
    (91, "AlterShareGroupOffsets", 0, 0),
    (92, "DeleteShareGroupOffsets", 0, 0),
    (93, "StreamsGroupTopologyDescriptionUpdate", 0, 0),
    (94, "UnregisterController", 0, 0),
];

/// Client APIs (`ApiKeys.clientApis()`) a default 4.4 broker does not advertise:
/// `kafka-broker-api-versions` prints them as `UNSUPPORTED` (`NodeApiVersions.toString`).
pub(crate) const UNADVERTISED_CLIENT_APIS: &[(i16, &str)] = &[(71, "GetTelemetrySubscriptions"), (72, "PushTelemetry")];

/// The broker's ApiVersions response: [`BROKER_API_VERSIONS`].
pub fn api_versions() -> Vec<(i16, String, i16, i16)> {
    BROKER_API_VERSIONS.iter().map(|(k, n, lo, hi)| (*k, n.to_string(), *lo, *hi)).collect()
}

impl BrokerProc {
    /// The partitions of a topic as a Metadata response shows them.
    pub fn metadata_topic(&self, name: &str) -> Option<MetadataTopic> {
        let t = self.image.topics.get(name)?;
        let partitions = t
            .partitions
            .iter()
            .map(|(p, s)| MetadataPartition {
                partition: *p,
                leader: s.leader,
                leader_epoch: s.leader_epoch,
                replicas: s.replicas.clone(),
                isr: s.isr.clone(),
                offline: s.replicas.iter().copied().filter(|b| !self.image.is_unfenced(*b)).collect(),
                elr: s.elr.clone(),
                last_known_elr: s.last_known_elr.clone(),
                adding: s.adding.clone(),
                removing: s.removing.clone(),
            })
            .collect();
        Some(MetadataTopic { name: t.name.clone(), id: t.id, error: None, internal: t.is_internal(), partitions })
    }

    /// `DescribeConfigs` of a broker or of the cluster default (`None`).
    fn describe_broker_configs(&self, broker: Option<BrokerId>, env: &Env) -> Vec<ConfigEntry> {
        let empty = BTreeMap::new();
        let per_broker = broker.and_then(|b| self.image.broker_configs.get(&b)).unwrap_or(&empty);
        let statics = match broker {
            Some(b) => {
                let rack = self.image.brokers.get(&b).and_then(|r| r.endpoint.rack.clone());
                env.broker_static_configs(b, rack.as_deref())
            }
            None => env.static_configs.clone(),
        };
        describe_broker_configs(broker, per_broker, &self.image.cluster_configs, &statics)
    }
}

impl BrokerStep<'_> {
    pub(crate) fn handle_metadata(&mut self, reply: ReplyTo, topics: Option<Vec<String>>, allow_auto_create: bool) {
        let brokers = self.proc.image.brokers.values().filter(|b| !b.fenced).map(|b| b.endpoint.clone()).collect();
        let topics_given = topics.is_some();
        let names: Vec<String> = match topics {
            Some(t) => t,
            None => self.proc.image.topics.keys().cloned().collect(),
        };
        let mut result = Vec::new();
        let listed = topics_given;
        for name in names {
            // KafkaApis.handleTopicMetadataRequest: topics the principal may not DESCRIBE are
            // left out of an all-topics answer and answered TOPIC_AUTHORIZATION_FAILED when named.
            if !self.allowed(reply.to, AclOperation::Describe, ResourceType::Topic, &name) {
                if listed {
                    result.push(MetadataTopic {
                        name,
                        id: crate::sim::types::TopicId::ZERO,
                        error: Some(KafkaError::TOPIC_AUTHORIZATION_FAILED),
                        internal: false,
                        partitions: vec![],
                    });
                }
                continue;
            }
            match self.proc.metadata_topic(&name) {
                Some(t) => result.push(t),
                None => {
                    let valid = crate::sim::controller::topics::validate_topic_name(&name).is_ok();
                    let mut error = None;
                    if allow_auto_create
                        && self.env.settings.auto_create_topics_enable
                        && valid
                        && !is_internal_topic(&name)
                    {
                        // Auto-creation needs CREATE on the cluster or on the topic.
                        if self.allowed(reply.to, AclOperation::Create, ResourceType::Cluster, "kafka-cluster")
                            || self.allowed(reply.to, AclOperation::Create, ResourceType::Topic, &name)
                        {
                            self.auto_create(&name);
                        } else {
                            error = Some(KafkaError::TOPIC_AUTHORIZATION_FAILED);
                        }
                    }
                    let error = error.unwrap_or(if valid {
                        KafkaError::UNKNOWN_TOPIC_OR_PARTITION
                    } else {
                        KafkaError::INVALID_TOPIC_EXCEPTION
                    });
                    result.push(MetadataTopic {
                        name,
                        id: crate::sim::types::TopicId::ZERO,
                        error: Some(error),
                        internal: false,
                        partitions: vec![],
                    });
                }
            }
        }
        let controller = if self.proc.image.is_unfenced(self.proc.id) {
            self.proc.id
        } else {
            self.proc.image.brokers.iter().find(|(_, b)| !b.fenced).map(|(id, _)| *id).unwrap_or(-1)
        };
        self.out.reply(
            reply,
            Response::Metadata { brokers, controller, topics: result, cluster_id: self.env.cluster_id.clone() },
        );
    }

    /// Asks the controller to create a topic with the broker defaults (auto.create.topics.enable).
    pub(crate) fn auto_create(&mut self, name: &str) {
        if let Some(t) = self.proc.auto_creating.get(name) {
            if self.now.ms_since(*t) < 5000 {
                return;
            }
        }
        self.proc.auto_creating.insert(name.to_string(), self.now);
        self.create_topic_internally(NewTopic {
            name: name.into(),
            partitions: -1,
            replication_factor: -1,
            assignment: None,
            configs: BTreeMap::new(),
        });
    }

    /// Sends a CreateTopics of the broker's own (auto-creation, internal topics).
    pub(crate) fn create_topic_internally(&mut self, topic: NewTopic) {
        let me = ReplyTo { to: NodeAddr::Broker(self.proc.id), corr: 0 };
        self.forward_to_controller(me, ControllerRequest::CreateTopics { topics: vec![topic], validate_only: false });
    }

    pub(crate) fn forward_to_controller(&mut self, reply: ReplyTo, inner: ControllerRequest) {
        let ReplyTo { to: client, corr: client_corr } = reply;
        let corr = self.proc.corr.next_id();
        self.proc.forwarded.insert(corr, (client, client_corr));
        let to = self.proc.controller.target(self.env);
        self.out.request(to, corr, Request::Envelope { client, client_corr, inner });
        self.out.timer(self.now.plus_ms(10_000), BrokerTimer::ControllerRequestTimeout(corr));
    }

    pub(crate) fn on_controller_response(&mut self, corr: u64, resp: ControllerResponse) {
        let Some((client, client_corr)) = self.proc.forwarded.remove(&corr) else { return };
        if let ControllerResponse::NotController { leader } = &resp {
            self.proc.controller.not_controller(*leader);
        }
        if client != NodeAddr::Broker(self.proc.id) {
            self.out.respond(client, client_corr, Response::Controller(resp));
        }
    }

    pub(crate) fn handle_list_offsets(
        &mut self,
        reply: ReplyTo,
        isolation: Isolation,
        partitions: Vec<(TopicPartition, i64)>,
    ) {
        let results = self.list_offsets(isolation, partitions);
        self.out.reply(reply, Response::ListOffsets { partitions: results });
    }

    /// `ReplicaManager.fetchOffset`: each partition's offset at `spec` on this broker, as its leader.
    pub(crate) fn list_offsets(
        &self,
        isolation: Isolation,
        partitions: Vec<(TopicPartition, i64)>,
    ) -> Vec<PartitionListOffsetsResult> {
        let mut results = Vec::new();
        for (tp, spec) in partitions {
            let r = match (self.proc.replicas.get(&tp), self.disk.logs.get(&tp)) {
                (Some(r), Some(log)) if r.is_leader() => match spec {
                    // `UnifiedLog.fetchOffsetByTimestamp`: the log start of the whole log
                    // (remote segments included, KIP-405), the local log's start (-4,
                    // KIP-1005), the highest offset copied to remote storage (-5, -1 when
                    // none or not tiered) and the first offset not yet copied (-6).
                    -2 => Ok((self.env.remote.start_offset(&tp).unwrap_or(i64::MAX).min(log.log_start_offset), -1)),
                    -4 => Ok((log.log_start_offset, -1)),
                    -5 => Ok((if self.tiered(&tp.topic) { self.env.remote.highest_offset(&tp) } else { -1 }, -1)),
                    -6 => Ok(if !self.tiered(&tp.topic) {
                        (-1, -1)
                    } else {
                        let start = self.env.remote.start_offset(&tp).unwrap_or(i64::MAX).min(log.log_start_offset);
                        match self.env.remote.highest_offset(&tp) {
                            -1 if log.log_start_offset == start => (start, -1),
                            -1 => (-1, -1),
                            highest => ((highest + 1).max(start), -1),
                        }
                    }),
                    -1 => Ok((
                        if isolation == Isolation::ReadCommitted {
                            log.last_stable_offset()
                        } else {
                            log.high_watermark
                        },
                        -1,
                    )),
                    -3 => Ok(log.max_timestamp_offset().filter(|(o, _)| *o < log.high_watermark).unwrap_or((-1, -1))),
                    ts if ts >= 0 => {
                        Ok(log.offset_for_timestamp(ts).filter(|(o, _)| *o < log.high_watermark).unwrap_or((-1, -1)))
                    }
                    _ => Err(KafkaError::INVALID_REQUEST),
                },
                (Some(_), _) => Err(KafkaError::NOT_LEADER_OR_FOLLOWER),
                (None, _) => Err(if self.proc.image.partition(&tp.topic, tp.partition).is_some() {
                    KafkaError::NOT_LEADER_OR_FOLLOWER
                } else {
                    KafkaError::UNKNOWN_TOPIC_OR_PARTITION
                }),
            };
            results.push((tp, r));
        }
        results
    }

    pub(crate) fn handle_describe_configs(&mut self, reply: ReplyTo, resources: Vec<ConfigResource>) {
        let empty = BTreeMap::new();
        let mut results = Vec::new();
        for res in resources {
            // KafkaApis.handleDescribeConfigsRequest: DESCRIBE_CONFIGS on the topic (else
            // TOPIC_AUTHORIZATION_FAILED) or on the cluster for a broker (else
            // CLUSTER_AUTHORIZATION_FAILED), with the error's default message, before anything else.
            use crate::sim::acl::{AclOperation, ResourceType};
            let refused = match &res {
                ConfigResource::Topic(t) => {
                    (!self.allowed(reply.to, AclOperation::DescribeConfigs, ResourceType::Topic, t))
                        .then_some(KafkaError::TOPIC_AUTHORIZATION_FAILED)
                }
                ConfigResource::Broker(_) => {
                    (!self.allowed(reply.to, AclOperation::DescribeConfigs, ResourceType::Cluster, "kafka-cluster"))
                        .then_some(KafkaError::CLUSTER_AUTHORIZATION_FAILED)
                }
            };
            if let Some(e) = refused {
                results.push((res, Err(ApiError::with(e, e.message()))));
                continue;
            }
            let r = match &res {
                ConfigResource::Topic(t) => match self.proc.image.topics.get(t) {
                    Some(t) => Ok(describe_topic_configs(
                        &t.configs,
                        self.proc.image.broker_configs.get(&self.proc.id).unwrap_or(&empty),
                        &self.proc.image.cluster_configs,
                        &self.env.static_configs,
                    )),
                    None => Err(ApiError::new(KafkaError::UNKNOWN_TOPIC_OR_PARTITION)),
                },
                ConfigResource::Broker(Some(b)) => {
                    if !self.proc.image.brokers.contains_key(b) {
                        Err(ApiError::with(KafkaError::INVALID_REQUEST, format!("Broker {b} is not registered")))
                    } else {
                        Ok(self.proc.describe_broker_configs(Some(*b), self.env))
                    }
                }
                ConfigResource::Broker(None) => Ok(self.proc.describe_broker_configs(None, self.env)),
            };
            results.push((res, r));
        }
        self.out.reply(reply, Response::DescribeConfigs(results));
    }
}
