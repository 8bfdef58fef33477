//! Authorization in the broker's request handling, as `KafkaApis` does it through
//! `AuthHelper` and the configured `StandardAuthorizer` (see [`crate::sim::acl`]): the
//! principal of a request is the one its connection authenticated as (`Env::principal_of`).

use super::*;
use crate::sim::acl::{authorize, authorize_by_resource_type, AclFilter, AclOperation, ResourceType};
use crate::sim::errors::ApiError;
use crate::sim::protocol::{ControllerRequest, ControllerResponse};

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
        // A commit refused as a whole for its topics: each refused partition answers
        // TOPIC_AUTHORIZATION_FAILED, each other one OPERATION_NOT_ATTEMPTED.
        let topic_results = |tps: Vec<&TopicPartition>| {
            tps.into_iter()
                .map(|tp| {
                    let e = if self.allowed(from, Read, ResourceType::Topic, &tp.topic) {
                        KafkaError::OPERATION_NOT_ATTEMPTED
                    } else {
                        KafkaError::TOPIC_AUTHORIZATION_FAILED
                    };
                    (tp.clone(), Some(e))
                })
                .collect()
        };
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
            // handleOffsetCommitRequest: then READ on each topic; a refused partition is
            // TOPIC_AUTHORIZATION_FAILED. Kafka commits the others; Brokerlab commits none of a
            // request that has a refused partition (they answer OPERATION_NOT_ATTEMPTED).
            Request::OffsetCommit { offsets, .. }
                if offsets.iter().any(|(tp, _, _)| !self.allowed(from, Read, ResourceType::Topic, &tp.topic)) =>
            {
                Response::OffsetCommit {
                    results: topic_results(offsets.iter().map(|(tp, _, _)| tp).collect()),
                    error: None,
                }
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
                } else if offsets.iter().any(|(tp, _)| !self.allowed(from, Read, ResourceType::Topic, &tp.topic)) {
                    // Kafka commits the authorized ones; Brokerlab refuses the request as a whole
                    // (the refused partitions carry TOPIC_AUTHORIZATION_FAILED, the others
                    // OPERATION_NOT_ATTEMPTED).
                    Response::TxnOffsetCommit { results: topic_results(offsets.iter().map(|(tp, _)| tp).collect()) }
                } else {
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
            _ => return None,
        })
    }
}
