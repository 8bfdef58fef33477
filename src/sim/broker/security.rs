//! Authorization in the broker's request handling, as `KafkaApis` does it through
//! `AuthHelper` and the configured `StandardAuthorizer` (see [`crate::sim::acl`]): the
//! principal of a request is the one its connection authenticated as (`Env::principal_of`).

use super::group::{OffsetCommitOf, TxnCommit};
use super::*;
use crate::sim::acl::{authorize, authorize_by_resource_type, AclFilter, AclOperation, ResourceType};
use crate::sim::errors::ApiError;
use crate::sim::protocol::{ControllerRequest, ControllerResponse, GroupDescription, ShareGroupDescription};
use crate::sim::types::ConfigResource;

impl BrokerStep<'_> {
    /// Whether the request's principal may do `op` on the resource (always, without an
    /// authorizer; never, for a connection that failed to authenticate).
    pub(crate) fn allowed(&self, from: NodeAddr, op: AclOperation, rt: ResourceType, name: &str) -> bool {
        let Some(cfg) = self.env.authorizer() else { return true };
        let Ok(principal) = self.env.principal_of(from) else { return false };
        authorize(&cfg, self.proc.image.acls.values(), &principal, op, rt, name)
    }

    /// `AuthHelper.authorizeByResourceType`: may the principal do `op` on any resource of `rt`.
    pub(crate) fn allowed_on_any(&self, from: NodeAddr, op: AclOperation, rt: ResourceType) -> bool {
        let Some(cfg) = self.env.authorizer() else { return true };
        let Ok(principal) = self.env.principal_of(from) else { return false };
        authorize_by_resource_type(&cfg, self.proc.image.acls.values(), &principal, op, rt)
    }

    /// `KafkaApis.handleDescribeAcls`: DESCRIBE on the cluster, then the bindings the filter
    /// matches from the metadata image.
    pub(crate) fn handle_describe_acls(&mut self, reply: ReplyTo, filter: AclFilter) {
        let resp = if self.env.authorizer().is_none() {
            // `KafkaApis`: no authorizer configured.
            Err(ApiError::with(KafkaError::SECURITY_DISABLED, "No Authorizer is configured."))
        } else if !self.allowed(reply.to, AclOperation::Describe, ResourceType::Cluster, "kafka-cluster") {
            Err(ApiError::new(KafkaError::CLUSTER_AUTHORIZATION_FAILED))
        } else {
            Ok(self.proc.image.acls.values().filter(|b| filter.matches(b)).cloned().collect())
        };
        self.out.reply(reply, Response::DescribeAcls(resp));
    }

    /// The answer to an admin request the principal may not make, before it is forwarded to
    /// the controller (Kafka authorizes forwarded requests on the controller with the
    /// principal the Envelope carries, `ControllerApis`; the answer is the same).
    pub(crate) fn refuse_admin(&self, from: NodeAddr, req: &ControllerRequest) -> Option<ControllerResponse> {
        if self.env.authorizer().is_none() {
            // `ControllerApis.handleCreateAcls`/`handleDeleteAcls` without an authorizer.
            let disabled = || ApiError::with(KafkaError::SECURITY_DISABLED, "No Authorizer is configured.");
            return match req {
                ControllerRequest::CreateAcls { bindings } => {
                    Some(ControllerResponse::CreateAcls(bindings.iter().map(|_| Some(disabled())).collect()))
                }
                ControllerRequest::DeleteAcls { filters } => {
                    Some(ControllerResponse::DeleteAcls(filters.iter().map(|_| Err(disabled())).collect()))
                }
                _ => None,
            };
        }
        let cluster = |op| self.allowed(from, op, ResourceType::Cluster, "kafka-cluster");
        match req {
            // `ControllerApis.handleCreateAcls`/`handleDeleteAcls`: ALTER on the cluster.
            ControllerRequest::CreateAcls { bindings } if !cluster(AclOperation::Alter) => {
                Some(ControllerResponse::CreateAcls(
                    bindings.iter().map(|_| Some(ApiError::new(KafkaError::CLUSTER_AUTHORIZATION_FAILED))).collect(),
                ))
            }
            ControllerRequest::DeleteAcls { filters } if !cluster(AclOperation::Alter) => {
                Some(ControllerResponse::DeleteAcls(
                    filters.iter().map(|_| Err(ApiError::new(KafkaError::CLUSTER_AUTHORIZATION_FAILED))).collect(),
                ))
            }
            // `ControllerApis.createTopics`: CREATE on the cluster or on the topic; the topic's
            // error is TOPIC_AUTHORIZATION_FAILED with the message "Authorization failed.".
            ControllerRequest::CreateTopics { topics, .. } if !cluster(AclOperation::Create) => {
                let refused: Vec<_> = topics
                    .iter()
                    .filter(|t| !self.allowed(from, AclOperation::Create, ResourceType::Topic, &t.name))
                    .map(|t| {
                        (
                            t.name.clone(),
                            Err(ApiError::with(KafkaError::TOPIC_AUTHORIZATION_FAILED, "Authorization failed.")),
                        )
                    })
                    .collect();
                (!refused.is_empty()).then_some(ControllerResponse::CreateTopics(refused))
            }
            // ControllerApis.handleIncrementalAlterConfigs (`authorizeAlterResource`): ALTER_CONFIGS
            // on the topic, else TOPIC_AUTHORIZATION_FAILED; on the cluster for a broker's
            // configs or the brokers' default, else CLUSTER_AUTHORIZATION_FAILED (no message:
            // the client shows the error's own).
            ControllerRequest::AlterConfigs { resource: ConfigResource::Topic(t), .. }
                if !self.allowed(from, AclOperation::AlterConfigs, ResourceType::Topic, t) =>
            {
                Some(ControllerResponse::AlterConfigs(Some(ApiError::new(KafkaError::TOPIC_AUTHORIZATION_FAILED))))
            }
            ControllerRequest::AlterConfigs { resource: ConfigResource::Broker(_), .. }
                if !cluster(AclOperation::AlterConfigs) =>
            {
                Some(ControllerResponse::AlterConfigs(Some(ApiError::new(KafkaError::CLUSTER_AUTHORIZATION_FAILED))))
            }
            // ControllerApis.createPartitions (`filterAlterAuthorizedTopics`): ALTER on the topic,
            // else TOPIC_AUTHORIZATION_FAILED without a message.
            ControllerRequest::CreatePartitions { topic, .. }
                if !self.allowed(from, AclOperation::Alter, ResourceType::Topic, topic) =>
            {
                Some(ControllerResponse::CreatePartitions(Some(ApiError::new(KafkaError::TOPIC_AUTHORIZATION_FAILED))))
            }
            // ControllerApis.handleAlterClientQuotas: `authorizeClusterOperation(ALTER_CONFIGS)`;
            // the admin client shows the error's own message.
            ControllerRequest::AlterClientQuotas { .. } if !cluster(AclOperation::AlterConfigs) => Some(
                ControllerResponse::AlterClientQuotas(Some(ApiError::new(KafkaError::CLUSTER_AUTHORIZATION_FAILED))),
            ),
            // ControllerApis.handleElectLeaders: `authorizeClusterOperation(ALTER)`; the
            // response's top-level error has no message.
            ControllerRequest::ElectLeaders { .. } if !cluster(AclOperation::Alter) => {
                Some(ControllerResponse::ElectLeaders(Err(ApiError::new(KafkaError::CLUSTER_AUTHORIZATION_FAILED))))
            }
            // ControllerApis.handleListPartitionReassignments: `authorizeClusterOperation(DESCRIBE)`,
            // whose ClusterAuthorizationException message `getErrorResponse` carries.
            ControllerRequest::ListReassignments if !cluster(AclOperation::Describe) => {
                Some(ControllerResponse::ListReassignments(Err(self.cluster_refusal(from, "DESCRIBE", req))))
            }
            // ControllerApis.handleAlterPartitionReassignments: `authorizeClusterOperation(ALTER)`;
            // `AlterPartitionReassignmentsRequest.getErrorResponse` gives every partition the error
            // and its message.
            ControllerRequest::AlterReassignments { moves } if !cluster(AclOperation::Alter) => {
                let e = self.cluster_refusal(from, "ALTER", req);
                Some(ControllerResponse::AlterReassignments(
                    moves.iter().map(|(tp, _)| (tp.clone(), Some(e.clone()))).collect(),
                ))
            }
            // ControllerApis.handleDescribeQuorum: `authorizeClusterOperation(DESCRIBE)`;
            // `DescribeQuorumRequest.getErrorResponse` keeps only the error code
            // (`getTopLevelErrorResponse(Errors.forException(e))`), so the client shows the
            // error's own message.
            ControllerRequest::DescribeQuorum if !cluster(AclOperation::Describe) => {
                Some(ControllerResponse::DescribeQuorum(Err(ApiError::new(KafkaError::CLUSTER_AUTHORIZATION_FAILED))))
            }
            ControllerRequest::DeleteTopics { names }
                if names.iter().any(|n| !self.allowed(from, AclOperation::Delete, ResourceType::Topic, n)) =>
            {
                Some(ControllerResponse::DeleteTopics(
                    names
                        .iter()
                        .map(|n| {
                            let ok = self.allowed(from, AclOperation::Delete, ResourceType::Topic, n);
                            (n.clone(), (!ok).then(|| ApiError::new(KafkaError::TOPIC_AUTHORIZATION_FAILED)))
                        })
                        .collect(),
                ))
            }
            _ => None,
        }
    }
}

impl BrokerStep<'_> {
    /// `AuthHelper.authorizeClusterOperation`'s refusal: CLUSTER_AUTHORIZATION_FAILED with the
    /// message `Request <request> needs <OPERATION> permission.`. Kafka prints there the
    /// controller's `RequestChannel.Request` (its processor, connection id with the ephemeral
    /// port, the identity hash codes of the sessions, buffer sizes and the broker's Envelope);
    /// Brokerlab has none of those, so it names the listener, the principal and the API instead.
    fn cluster_refusal(&self, from: NodeAddr, operation: &str, req: &ControllerRequest) -> ApiError {
        let principal = self.env.principal_of(from).unwrap_or_default();
        ApiError::with(
            KafkaError::CLUSTER_AUTHORIZATION_FAILED,
            format!(
                "Request Request(listenerName=ListenerName(CONTROLLER), securityProtocol=SASL_PLAINTEXT, \
                 principal={principal}, api={}, envelope=Optional[broker {}]) needs {operation} permission.",
                req.label(),
                self.proc.id
            ),
        )
    }
}

impl BrokerStep<'_> {
    /// The error answer to a group request the principal may not make (`KafkaApis`):
    /// FindCoordinator needs DESCRIBE on the group (or the transactional id); JoinGroup,
    /// SyncGroup, Heartbeat, LeaveGroup, OffsetCommit and ConsumerGroupHeartbeat READ on the
    /// group; OffsetFetch DESCRIBE. The error is GROUP_AUTHORIZATION_FAILED
    /// (TRANSACTIONAL_ID_AUTHORIZATION_FAILED for a transactional coordinator).
    pub(crate) fn refuse_group_request(&self, from: NodeAddr, req: &Request) -> Option<Response> {
        self.env.authorizer()?;
        let denied = KafkaError::GROUP_AUTHORIZATION_FAILED;
        let group = |op, g: &str| !self.allowed(from, op, ResourceType::Group, g);
        let txn_write = |id: &str| self.allowed(from, AclOperation::Write, ResourceType::TransactionalId, id);
        let topics_described =
            |ts: &[String]| ts.iter().all(|t| self.allowed(from, AclOperation::Describe, ResourceType::Topic, t));
        use AclOperation::{Describe, Read};
        Some(match req {
            Request::FindCoordinator { key, transaction: false } if group(Describe, key) => {
                Response::FindCoordinator { error: Some(denied), node: -1, host: String::new(), port: 0 }
            }
            Request::FindCoordinator { key, transaction: true }
                if !self.allowed(from, Describe, ResourceType::TransactionalId, key) =>
            {
                Response::FindCoordinator {
                    error: Some(KafkaError::TRANSACTIONAL_ID_AUTHORIZATION_FAILED),
                    node: -1,
                    host: String::new(),
                    port: 0,
                }
            }
            Request::JoinGroup { group: g, .. } if group(Read, g) => Response::JoinGroup {
                error: Some(denied),
                generation: -1,
                protocol: String::new(),
                leader: String::new(),
                member_id: String::new(),
                members: vec![],
            },
            Request::SyncGroup { group: g, .. } if group(Read, g) => {
                Response::SyncGroup { error: Some(denied), protocol: String::new(), assignment: vec![] }
            }
            Request::Heartbeat { group: g, .. } if group(Read, g) => Response::Heartbeat { error: Some(denied) },
            Request::LeaveGroup { group: g, .. } if group(Read, g) => Response::LeaveGroup { error: Some(denied) },
            Request::OffsetCommit { group: g, .. } if group(Read, g) => {
                Response::OffsetCommit { results: vec![], error: Some(denied) }
            }
            Request::OffsetFetch { group: g, .. } if group(Describe, g) => {
                Response::OffsetFetch { error: Some(denied), offsets: vec![] }
            }
            // KafkaApis.handleInitProducerIdRequest: WRITE on the transactional id; without one
            // (an idempotent producer), IDEMPOTENT_WRITE on the cluster or WRITE on any topic
            // (KIP-679).
            Request::InitProducerId { transactional_id: Some(id), .. } if !txn_write(id) => Response::InitProducerId {
                error: Some(KafkaError::TRANSACTIONAL_ID_AUTHORIZATION_FAILED),
                producer_id: -1,
                producer_epoch: -1,
            },
            Request::InitProducerId { transactional_id: None, .. }
                if !self.allowed(from, AclOperation::IdempotentWrite, ResourceType::Cluster, "kafka-cluster")
                    && !self.allowed_on_any(from, AclOperation::Write, ResourceType::Topic) =>
            {
                Response::InitProducerId {
                    error: Some(KafkaError::CLUSTER_AUTHORIZATION_FAILED),
                    producer_id: -1,
                    producer_epoch: -1,
                }
            }
            // handleAddPartitionsToTxnRequest (v3 and below, from a client): WRITE on the
            // transactional id, else every partition TRANSACTIONAL_ID_AUTHORIZATION_FAILED; then
            // WRITE on each topic (TOPIC_AUTHORIZATION_FAILED, the others OPERATION_NOT_ATTEMPTED).
            Request::AddPartitionsToTxn { transactional_id, partitions, .. } => {
                let per: Vec<_> = if !txn_write(transactional_id) {
                    partitions
                        .iter()
                        .map(|tp| (tp.clone(), Some(KafkaError::TRANSACTIONAL_ID_AUTHORIZATION_FAILED)))
                        .collect()
                } else if partitions
                    .iter()
                    .any(|tp| !self.allowed(from, AclOperation::Write, ResourceType::Topic, &tp.topic))
                {
                    partitions
                        .iter()
                        .map(|tp| {
                            let ok = self.allowed(from, AclOperation::Write, ResourceType::Topic, &tp.topic);
                            let e = if ok {
                                KafkaError::OPERATION_NOT_ATTEMPTED
                            } else {
                                KafkaError::TOPIC_AUTHORIZATION_FAILED
                            };
                            (tp.clone(), Some(e))
                        })
                        .collect()
                } else {
                    return None;
                };
                Response::AddPartitionsToTxn { results: per }
            }
            // handleAddOffsetsToTxnRequest: WRITE on the transactional id, READ on the group.
            Request::AddOffsetsToTxn { transactional_id, .. } if !txn_write(transactional_id) => {
                Response::AddOffsetsToTxn { error: Some(KafkaError::TRANSACTIONAL_ID_AUTHORIZATION_FAILED) }
            }
            Request::AddOffsetsToTxn { group: g, .. } if group(Read, g) => {
                Response::AddOffsetsToTxn { error: Some(denied) }
            }
            // handleEndTxnRequest: WRITE on the transactional id.
            Request::EndTxn { transactional_id, .. } if !txn_write(transactional_id) => {
                Response::EndTxn { error: Some(KafkaError::TRANSACTIONAL_ID_AUTHORIZATION_FAILED) }
            }
            // handleTxnOffsetCommitRequest: WRITE on the transactional id, READ on the group, then
            // READ on each topic (per partition).
            Request::TxnOffsetCommit { transactional_id, group: g, offsets, .. } => {
                let all = |e: KafkaError| offsets.iter().map(|(tp, _)| (tp.clone(), Some(e))).collect();
                if !txn_write(transactional_id) {
                    Response::TxnOffsetCommit { results: all(KafkaError::TRANSACTIONAL_ID_AUTHORIZATION_FAILED) }
                } else if group(Read, g) {
                    Response::TxnOffsetCommit { results: all(denied) }
                } else {
                    // Then READ on each topic: `authorize_in_part`.
                    return None;
                }
            }
            Request::ConsumerGroupHeartbeat { group: g, .. } if group(Read, g) => Response::ConsumerGroupHeartbeat {
                error: Some(denied),
                error_message: None,
                member_id: String::new(),
                member_epoch: -1,
                heartbeat_interval_ms: 0,
                assignment: None,
            },
            // KafkaApis.handleConsumerGroupHeartbeat: then DESCRIBE on every subscribed topic,
            // else TOPIC_AUTHORIZATION_FAILED (no message).
            Request::ConsumerGroupHeartbeat { subscribed_topics: Some(ts), .. } if !topics_described(ts) => {
                Response::ConsumerGroupHeartbeat {
                    error: Some(KafkaError::TOPIC_AUTHORIZATION_FAILED),
                    error_message: None,
                    member_id: String::new(),
                    member_epoch: 0,
                    heartbeat_interval_ms: 0,
                    assignment: None,
                }
            }
            // KafkaApis.handleShareGroupHeartbeat: READ on the group, then DESCRIBE on every
            // subscribed topic.
            Request::ShareGroupHeartbeat { group: g, subscribed_topics, .. }
                if group(Read, g) || subscribed_topics.as_ref().is_some_and(|ts| !topics_described(ts)) =>
            {
                Response::ShareGroupHeartbeat {
                    error: Some(if group(Read, g) { denied } else { KafkaError::TOPIC_AUTHORIZATION_FAILED }),
                    error_message: None,
                    member_id: String::new(),
                    member_epoch: if group(Read, g) { -1 } else { 0 },
                    heartbeat_interval_ms: 0,
                    assignment: None,
                }
            }
            // KafkaApis.handleShareFetchRequest / handleShareAcknowledgeRequest: READ on the group
            // (`getErrorResponse(0, GROUP_AUTHORIZATION_FAILED)`).
            Request::ShareFetch { group: g, .. } if group(Read, g) => {
                Response::ShareFetch { error: Some(denied), partitions: vec![] }
            }
            Request::ShareAcknowledge { group: g, .. } if group(Read, g) => {
                Response::ShareAcknowledge { error: Some(denied), partitions: vec![] }
            }
            // handleShareFetchRequest then READ on each topic: a refused topic's partitions answer
            // TOPIC_AUTHORIZATION_FAILED. Brokerlab answers the whole fetch at once then, the
            // allowed partitions with no records.
            Request::ShareFetch { partitions, .. }
                if partitions.iter().any(|tp| !self.allowed(from, Read, ResourceType::Topic, &tp.topic)) =>
            {
                Response::ShareFetch {
                    error: None,
                    partitions: partitions
                        .iter()
                        .map(|tp| {
                            let ok = self.allowed(from, Read, ResourceType::Topic, &tp.topic);
                            crate::sim::protocol::ShareFetchedPartition {
                                tp: tp.clone(),
                                error: (!ok).then_some(KafkaError::TOPIC_AUTHORIZATION_FAILED),
                                ack_error: None,
                                batches: vec![],
                                acquired: vec![],
                            }
                        })
                        .collect(),
                }
            }
            // KafkaApis.handleAlterShareGroupOffsetsRequest: READ on the group; then READ on each
            // topic, which Kafka answers topic by topic and Brokerlab for the request as a whole.
            Request::AlterShareGroupOffsets { group: g, .. } if group(Read, g) => {
                Response::AlterShareGroupOffsets { error: Some(denied), error_message: None }
            }
            Request::AlterShareGroupOffsets { topics, .. }
                if topics.iter().any(|t| !self.allowed(from, Read, ResourceType::Topic, t)) =>
            {
                Response::AlterShareGroupOffsets {
                    error: Some(KafkaError::TOPIC_AUTHORIZATION_FAILED),
                    error_message: None,
                }
            }
            // KafkaApis.handleDeleteShareGroupOffsetsRequest: DELETE on the group.
            Request::DeleteShareGroupOffsets { group: g, .. } if group(AclOperation::Delete, g) => {
                Response::DeleteShareGroupOffsets { error: Some(denied), error_message: None, topics: vec![] }
            }
            // KafkaApis.handleOffsetDeleteRequest: DELETE on the group.
            Request::OffsetDelete { group: g, .. } if group(AclOperation::Delete, g) => {
                Response::OffsetDelete { error: Some(denied), results: vec![] }
            }
            _ => return None,
        })
    }
}

impl BrokerStep<'_> {
    /// The requests `KafkaApis` authorizes resource by resource: the refused resources are
    /// answered with their error and the others handled as usual, in one response. Returns the
    /// request when nothing in it is refused (it then goes on as usual); `None` once answered.
    pub(crate) fn authorize_in_part(&mut self, reply: ReplyTo, req: Request) -> Option<Request> {
        if self.env.authorizer().is_none() {
            return Some(req);
        }
        let from = reply.to;
        let topic = |s: &Self, op, t: &str| s.allowed(from, op, ResourceType::Topic, t);
        let group = |s: &Self, op, g: &str| s.allowed(from, op, ResourceType::Group, g);
        use AclOperation::{Delete, Describe, Read};
        match req {
            // KafkaApis.handleListOffsetRequest: DESCRIBE on each topic
            // (`AuthHelper.partitionByAuthorized`); a refused topic's partitions answer
            // TOPIC_AUTHORIZATION_FAILED after the others.
            Request::ListOffsets { isolation, partitions }
                if partitions.iter().any(|(tp, _)| !topic(self, Describe, &tp.topic)) =>
            {
                let (allowed, refused): (Vec<_>, Vec<_>) =
                    partitions.into_iter().partition(|(tp, _)| topic(self, Describe, &tp.topic));
                let mut results = self.list_offsets(isolation, allowed);
                results.extend(refused.into_iter().map(|(tp, _)| (tp, Err(KafkaError::TOPIC_AUTHORIZATION_FAILED))));
                self.out.reply(reply, Response::ListOffsets { partitions: results });
                None
            }
            // KafkaApis.handleDescribeGroupsRequest: DESCRIBE on each group; a refused group is
            // `DescribeGroupsResponse.groupError(GROUP_AUTHORIZATION_FAILED)`, listed first.
            Request::DescribeGroups { groups } if groups.iter().any(|g| !group(self, Describe, g)) => {
                let (allowed, refused): (Vec<_>, Vec<_>) = groups.into_iter().partition(|g| group(self, Describe, g));
                let me = self.proc.id;
                let mut d: Vec<GroupDescription> = refused
                    .into_iter()
                    .map(|g| GroupDescription::without_group(&g, Some(KafkaError::GROUP_AUTHORIZATION_FAILED), "", me))
                    .collect();
                d.extend(self.group_step(|s| allowed.iter().map(|g| s.describe_group(g)).collect::<Vec<_>>()));
                self.out.reply(reply, Response::DescribeGroups(d));
                None
            }
            // KafkaApis.handleShareGroupDescribe: the same for share groups.
            Request::ShareGroupDescribe { groups } if groups.iter().any(|g| !group(self, Describe, g)) => {
                let (allowed, refused): (Vec<_>, Vec<_>) = groups.into_iter().partition(|g| group(self, Describe, g));
                let me = self.proc.id;
                let mut d: Vec<ShareGroupDescription> = refused
                    .into_iter()
                    .map(|g| ShareGroupDescription::failed(&g, KafkaError::GROUP_AUTHORIZATION_FAILED, None, "", me))
                    .collect();
                d.extend(self.group_step(|s| allowed.iter().map(|g| s.describe_share_group(g)).collect::<Vec<_>>()));
                self.out.reply(reply, Response::ShareGroupDescribe(d));
                None
            }
            // KafkaApis.handleListGroupsRequest: with DESCRIBE on the cluster every group, else
            // only the groups the principal may DESCRIBE (no error either way).
            Request::ListGroups { states } if !self.allowed(from, Describe, ResourceType::Cluster, "kafka-cluster") => {
                let mut groups = self.group_step(|s| s.list_groups(&states));
                groups.retain(|(g, _, _, _)| group(self, Describe, g));
                self.out.reply(reply, Response::ListGroups { error: None, groups });
                None
            }
            // KafkaApis.handleDeleteGroupsRequest: DELETE on each (distinct) group; the refused
            // ones answer GROUP_AUTHORIZATION_FAILED after the deleted ones.
            Request::DeleteGroups { groups } if groups.iter().any(|g| !group(self, Delete, g)) => {
                let mut distinct: Vec<String> = Vec::new();
                for g in groups {
                    if !distinct.contains(&g) {
                        distinct.push(g);
                    }
                }
                let (allowed, refused): (Vec<_>, Vec<_>) = distinct.into_iter().partition(|g| group(self, Delete, g));
                let mut results: Vec<(String, Option<KafkaError>)> = self.group_step(|s| {
                    let r = allowed.into_iter().map(|g| (g.clone(), s.delete_group(&g))).collect();
                    s.schedule_group_ticks();
                    r
                });
                results.extend(refused.into_iter().map(|g| (g, Some(KafkaError::GROUP_AUTHORIZATION_FAILED))));
                self.out.reply(reply, Response::DeleteGroups(results));
                None
            }
            // KafkaApis.handleOffsetDeleteRequest (DELETE on the group: `refuse_group_request`),
            // then READ on each topic: a refused topic's partitions answer
            // TOPIC_AUTHORIZATION_FAILED, the others are deleted.
            Request::OffsetDelete { group: g, partitions }
                if partitions.iter().any(|tp| !topic(self, Read, &tp.topic)) =>
            {
                let (allowed, refused): (Vec<_>, Vec<_>) =
                    partitions.into_iter().partition(|tp| topic(self, Read, &tp.topic));
                let resp = self.group_step(|s| s.offset_delete(&g, allowed));
                let resp = match resp {
                    Response::OffsetDelete { error: None, mut results } => {
                        results
                            .extend(refused.into_iter().map(|tp| (tp, Some(KafkaError::TOPIC_AUTHORIZATION_FAILED))));
                        Response::OffsetDelete { error: None, results }
                    }
                    other => other,
                };
                self.out.reply(reply, resp);
                None
            }
            // KafkaApis.fetchAllOffsetsForGroup / fetchOffsetsForGroup (DESCRIBE on the group:
            // `refuse_group_request`): all of a group's offsets leave out the topics the
            // principal may not DESCRIBE; named partitions of such a topic answer
            // TOPIC_AUTHORIZATION_FAILED after the others.
            Request::OffsetFetch { group: g, partitions, require_stable } => {
                let named = partitions.is_some();
                let (allowed, refused): (Option<Vec<TopicPartition>>, Vec<TopicPartition>) = match partitions {
                    None => (None, vec![]),
                    Some(ps) => {
                        let (a, r): (Vec<_>, Vec<_>) = ps.into_iter().partition(|tp| topic(self, Describe, &tp.topic));
                        (Some(a), r)
                    }
                };
                let resp = self.group_step(|s| s.offset_fetch(&g, allowed, require_stable));
                let resp = match resp {
                    Response::OffsetFetch { error: None, mut offsets } => {
                        if named {
                            offsets.extend(
                                refused.into_iter().map(|tp| (tp, -1, Some(KafkaError::TOPIC_AUTHORIZATION_FAILED))),
                            );
                        } else {
                            offsets.retain(|(tp, _, _)| topic(self, Describe, &tp.topic));
                        }
                        Response::OffsetFetch { error: None, offsets }
                    }
                    other => other,
                };
                self.out.reply(reply, resp);
                None
            }
            // KafkaApis.handleOffsetCommitRequest (READ on the group: `refuse_group_request`), then
            // READ on each topic (`filterByAuthorized`): a refused topic's partitions answer
            // TOPIC_AUTHORIZATION_FAILED, first, and the group coordinator commits the others;
            // with none left it is not asked at all.
            Request::OffsetCommit { group, generation, member_id, offsets }
                if offsets.iter().any(|(tp, _, _)| !topic(self, Read, &tp.topic)) =>
            {
                let (allowed, refused): (Vec<_>, Vec<_>) =
                    offsets.into_iter().partition(|(tp, _, _)| topic(self, Read, &tp.topic));
                let refused: Vec<TopicPartition> = refused.into_iter().map(|(tp, _, _)| tp).collect();
                if allowed.is_empty() {
                    let results = refused.into_iter().map(|tp| (tp, Some(KafkaError::TOPIC_AUTHORIZATION_FAILED)));
                    self.out.reply(reply, Response::OffsetCommit { results: results.collect(), error: None });
                } else {
                    let commit = OffsetCommitOf { group_id: group, generation, member_id };
                    self.group_step(|s| s.offset_commit(reply.to, reply.corr, commit, allowed, refused));
                }
                None
            }
            // KafkaApis.handleTxnOffsetCommitRequest (WRITE on the transactional id and READ on
            // the group: `refuse_group_request`), then READ on each topic, the same way.
            Request::TxnOffsetCommit { group, producer_id, producer_epoch, offsets, generation, member_id, .. }
                if offsets.iter().any(|(tp, _)| !topic(self, Read, &tp.topic)) =>
            {
                let (allowed, refused): (Vec<_>, Vec<_>) =
                    offsets.into_iter().partition(|(tp, _)| topic(self, Read, &tp.topic));
                let refused: Vec<TopicPartition> = refused.into_iter().map(|(tp, _)| tp).collect();
                if allowed.is_empty() {
                    let results = refused.into_iter().map(|tp| (tp, Some(KafkaError::TOPIC_AUTHORIZATION_FAILED)));
                    self.out.reply(reply, Response::TxnOffsetCommit { results: results.collect() });
                } else {
                    let commit = TxnCommit { group_id: group, producer_id, producer_epoch, generation, member_id };
                    self.group_step(|s| s.txn_offset_commit(reply.to, reply.corr, commit, allowed, refused));
                }
                None
            }
            // KafkaApis.handleDeleteShareGroupOffsetsRequest (DELETE on the group:
            // `refuse_group_request`), then READ on each topic.
            Request::DeleteShareGroupOffsets { group: g, topics } if topics.iter().any(|t| !topic(self, Read, t)) => {
                let (allowed, refused): (Vec<_>, Vec<_>) = topics.into_iter().partition(|t| topic(self, Read, t));
                let resp = self.group_step(|s| s.delete_share_group_offsets(&g, allowed));
                let resp = match resp {
                    Response::DeleteShareGroupOffsets { error: None, error_message, mut topics } => {
                        topics.extend(refused.into_iter().map(|t| (t, Some(KafkaError::TOPIC_AUTHORIZATION_FAILED))));
                        Response::DeleteShareGroupOffsets { error: None, error_message, topics }
                    }
                    other => other,
                };
                self.out.reply(reply, resp);
                None
            }
            other => Some(other),
        }
    }
}
