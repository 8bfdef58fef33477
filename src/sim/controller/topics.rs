//! Topic administration on the active controller: CreateTopics, DeleteTopics,
//! CreatePartitions and IncrementalAlterConfigs, with the KRaft controller's messages
//! (`TopicCommand`; `StripedReplicaPlacer`).

use super::partition_change::ELR_ENABLED;
use super::*;
use crate::sim::config::{validate_broker_alter, validate_topic_configs_on_controller, validate_topic_configs_with};
use crate::sim::errors::{ApiError, KafkaError};
use crate::sim::placement::{place, PlacementBroker};
use crate::sim::protocol::{AlterOp, NewTopic};
use crate::sim::trace::ElectionReason;
use crate::sim::types::{ConfigResource, TopicId};

/// `QuorumController.MAX_RECORDS_PER_USER_OP`: the most metadata records one user operation
/// may write, and the most partitions one CreateTopics or CreatePartitions request may add.
pub(crate) const MAX_RECORDS_PER_USER_OP: i64 = 10_000;

/// A topic's replica assignment: each partition's replicas, in partition order.
type Assignment = Vec<Vec<BrokerId>>;

/// `Topic.validate`: Kafka's rules for topic names.
pub(crate) fn validate_topic_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("Topic name is invalid: the empty string is not allowed".into());
    }
    if name == "." || name == ".." {
        return Err(format!("Topic name is invalid: '{name}' is not allowed"));
    }
    if name.len() > 249 {
        return Err(format!("Topic name is invalid: the length of '{name}' is longer than the max allowed length 249"));
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-') {
        return Err(format!(
            "Topic name is invalid: '{name}' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'"
        ));
    }
    Ok(())
}

impl ControllerProc {
    /// `ClusterControlManager.usableBrokers`: every registered broker except those in
    /// controlled shutdown, fenced or not.
    fn placement_brokers(&self) -> Vec<PlacementBroker> {
        self.image
            .brokers
            .iter()
            .filter(|(_, b)| !b.in_controlled_shutdown)
            .map(|(id, b)| PlacementBroker { id: *id, rack: b.endpoint.rack.clone(), fenced: b.fenced })
            .collect()
    }

    fn validate_new_topic(&self, t: &NewTopic, env: &Env) -> Result<(i32, i32), ApiError> {
        validate_topic_name(&t.name).map_err(|m| ApiError::with(KafkaError::INVALID_TOPIC_EXCEPTION, m))?;
        if self.image.topics.contains_key(&t.name) {
            return Err(ApiError::with(
                KafkaError::TOPIC_ALREADY_EXISTS,
                format!("Topic '{}' already exists.", t.name),
            ));
        }
        let unified = t.name.replace('.', "_");
        if let Some(other) = self.image.topics.keys().find(|n| n.replace('.', "_") == unified) {
            return Err(ApiError::with(
                KafkaError::INVALID_TOPIC_EXCEPTION,
                format!("Topic '{}' collides with existing topic: {other}", t.name),
            ));
        }
        let mut broker_level = env.static_configs.clone();
        broker_level.extend(self.image.cluster_configs.iter().map(|(k, v)| (k.clone(), v.clone())));
        validate_topic_configs_on_controller(&t.configs, &broker_level)
            .map_err(|m| ApiError::with(KafkaError::INVALID_CONFIG, m))?;
        if t.assignment.is_none() {
            if t.partitions == 0 || t.partitions < -1 {
                return Err(ApiError::with(
                    KafkaError::INVALID_PARTITIONS,
                    "Number of partitions was set to an invalid non-positive value.",
                ));
            }
            if t.replication_factor == 0 || t.replication_factor < -1 {
                return Err(ApiError::with(
                    KafkaError::INVALID_REPLICATION_FACTOR,
                    "Replication factor must be larger than 0, or -1 to use the default value.",
                ));
            }
        }
        let partitions = if t.partitions == -1 { env.settings.num_partitions } else { t.partitions };
        let rf =
            if t.replication_factor == -1 { env.settings.default_replication_factor } else { t.replication_factor };
        Ok((partitions, rf))
    }

    fn manual_assignment_error(&self, assignment: &[Vec<BrokerId>]) -> Option<ApiError> {
        let first_len = assignment.first().map(|r| r.len()).unwrap_or(0);
        for (i, replicas) in assignment.iter().enumerate() {
            if replicas.is_empty() {
                return Some(ApiError::with(
                    KafkaError::INVALID_REPLICA_ASSIGNMENT,
                    format!("The manual partition assignment includes an empty replica list for partition {i}."),
                ));
            }
            let mut seen = BTreeSet::new();
            for b in replicas {
                if !self.image.brokers.contains_key(b) {
                    return Some(ApiError::with(
                        KafkaError::INVALID_REPLICA_ASSIGNMENT,
                        format!(
                            "The manual partition assignment includes broker {b}, but no such broker is registered."
                        ),
                    ));
                }
                if !seen.insert(*b) {
                    return Some(ApiError::with(
                        KafkaError::INVALID_REPLICA_ASSIGNMENT,
                        format!("The manual partition assignment includes the broker {b} more than once."),
                    ));
                }
            }
            if replicas.len() != first_len {
                return Some(ApiError::with(
                    KafkaError::INVALID_REPLICA_ASSIGNMENT,
                    format!(
                        "The manual partition assignment includes a partition with {} replica(s), but this is not consistent with previous partitions, which have {first_len} replica(s).",
                        replicas.len()
                    ),
                ));
            }
        }
        None
    }
}

impl ControllerStep<'_> {
    /// Appends the records for `count` new partitions starting at `first`: ISR = the active
    /// replicas, leader = the first of them (`StripedReplicaPlacer`).
    fn append_partitions(
        &mut self,
        topic: &str,
        topic_id: TopicId,
        first: i32,
        assignment: &[Vec<BrokerId>],
        manual: bool,
    ) -> Result<Offset, ApiError> {
        // Validate every partition before writing anything: a partition needs an active
        // replica for its ISR (ReplicationControlManager.createTopic / createPartitions).
        for (i, replicas) in assignment.iter().enumerate() {
            if !replicas.iter().any(|b| self.proc.is_eligible(*b)) {
                return Err(if manual {
                    ApiError::with(
                        KafkaError::INVALID_REPLICA_ASSIGNMENT,
                        format!(
                            "All brokers specified in the manual partition assignment for partition {} are fenced or in controlled shutdown.",
                            first + i as i32
                        ),
                    )
                } else {
                    ApiError::with(
                        KafkaError::INVALID_REPLICATION_FACTOR,
                        format!(
                            "Unable to replicate the partition {} time(s): All brokers are currently fenced or in controlled shutdown.",
                            replicas.len()
                        ),
                    )
                });
            }
        }
        let mut last = -1;
        for (i, replicas) in assignment.iter().enumerate() {
            let isr: Vec<BrokerId> = replicas.iter().copied().filter(|b| self.proc.is_eligible(*b)).collect();
            let leader = isr[0];
            let partition = first + i as i32;
            last = self.append(MetadataRecord::Partition {
                topic_id,
                partition,
                replicas: replicas.clone(),
                isr: isr.clone(),
                leader,
                leader_epoch: 0,
                partition_epoch: 0,
            });
            self.trace_after(
                last,
                TraceKind::LeaderElected {
                    tp: crate::sim::types::TopicPartition::new(topic, partition),
                    leader,
                    previous: crate::sim::types::NO_LEADER,
                    epoch: 0,
                    isr,
                    reason: ElectionReason::NewPartition,
                },
            );
        }
        Ok(last)
    }

    pub(super) fn create_topics(&mut self, reply: ReplyTo, topics: Vec<NewTopic>, validate_only: bool) {
        // ReplicationControlManager.validateTotalNumberOfPartitions, before anything else (and
        // before anything is allocated per partition): QuorumController.MAX_RECORDS_PER_USER_OP.
        let mut total: i64 = 0;
        for t in &topics {
            total += match &t.assignment {
                Some(a) => a.len() as i64,
                None if t.partitions == -1 => i64::from(self.env.settings.num_partitions),
                None => i64::from(t.partitions.max(0)),
            };
            if total > MAX_RECORDS_PER_USER_OP {
                return self.refuse_create(reply, &topics, "Excessively large number of partitions per request.");
            }
        }
        // Validate and place every topic first: the records of one request are written
        // together, at most MAX_RECORDS_PER_USER_OP of them (a BoundedList).
        let mut planned: Vec<(NewTopic, Result<Assignment, ApiError>)> = Vec::new();
        let mut records = 0i64;
        for t in topics {
            let (partitions, rf) = match self.proc.validate_new_topic(&t, self.env) {
                Ok(x) => x,
                Err(e) => {
                    planned.push((t, Err(e)));
                    continue;
                }
            };
            let assignment = match &t.assignment {
                Some(a) => match self.proc.manual_assignment_error(a) {
                    Some(e) => Err(e),
                    None => Ok(a.clone()),
                },
                None => place(&self.proc.placement_brokers(), partitions, rf, &mut self.proc.rng).map_err(|msg| {
                    ApiError::with(
                        KafkaError::INVALID_REPLICATION_FACTOR,
                        format!("Unable to replicate the partition {rf} time(s): {msg}"),
                    )
                }),
            };
            if let Ok(a) = &assignment {
                records += 1 + t.configs.len() as i64 + a.len() as i64;
            }
            planned.push((t, assignment));
        }
        if records > MAX_RECORDS_PER_USER_OP {
            // BoundedListTooLongException, which the controller reports as a policy violation
            // (EventHandlerExceptionInfo) for the whole request.
            let topics: Vec<NewTopic> = planned.into_iter().map(|(t, _)| t).collect();
            return self.refuse_create(reply, &topics, "Unable to perform excessively large batch operation.");
        }
        let mut results = Vec::new();
        let mut last: Option<Offset> = None;
        for (t, assignment) in planned {
            let assignment = match assignment {
                Ok(a) => a,
                Err(e) => {
                    results.push((t.name.clone(), Err(e)));
                    continue;
                }
            };
            let partitions = assignment.len() as i32;
            let rf = assignment.first().map(|r| r.len() as i32).unwrap_or(0);
            if validate_only {
                results.push((t.name.clone(), Ok((TopicId::ZERO, partitions, rf))));
                continue;
            }
            let id = TopicId::random(&mut self.proc.rng);
            let off = self.append(MetadataRecord::Topic { name: t.name.clone(), id });
            for (k, v) in &t.configs {
                self.append(MetadataRecord::Config {
                    resource: ConfigResource::Topic(t.name.clone()),
                    name: k.clone(),
                    value: Some(v.clone()),
                });
            }
            match self.append_partitions(&t.name, id, 0, &assignment, t.assignment.is_some()) {
                Ok(o) => {
                    self.trace_after(
                        off,
                        TraceKind::TopicCreated {
                            topic: t.name.clone(),
                            id: id.to_string(),
                            assignment: assignment.clone(),
                        },
                    );
                    last = Some(o.max(off));
                    results.push((t.name.clone(), Ok((id, partitions, rf))));
                }
                Err(e) => {
                    // Roll back the topic record we just wrote.
                    let o = self.append(MetadataRecord::RemoveTopic { topic_id: id });
                    last = Some(o);
                    results.push((t.name.clone(), Err(e)));
                }
            }
        }
        let resp = Response::Controller(ControllerResponse::CreateTopics(results));
        self.respond_after_last(last, reply, resp)
    }

    /// The whole CreateTopics request fails (`CreateTopicsRequest.getErrorResponse`): every
    /// topic gets the error.
    fn refuse_create(&mut self, reply: ReplyTo, topics: &[NewTopic], message: &str) {
        let results = topics
            .iter()
            .map(|t| (t.name.clone(), Err(ApiError::with(KafkaError::POLICY_VIOLATION, message))))
            .collect();
        self.out.reply(reply, Response::Controller(ControllerResponse::CreateTopics(results)));
    }

    pub(super) fn delete_topics(&mut self, reply: ReplyTo, names: Vec<String>) {
        let mut results = Vec::new();
        let mut last = None;
        for name in names {
            match self.proc.image.topics.get(&name).map(|t| t.id) {
                None => results.push((name, Some(ApiError::new(KafkaError::UNKNOWN_TOPIC_OR_PARTITION)))),
                Some(id) => {
                    let off = self.append(MetadataRecord::RemoveTopic { topic_id: id });
                    self.trace_after(off, TraceKind::TopicDeleted { topic: name.clone() });
                    last = Some(off);
                    results.push((name, None));
                }
            }
        }
        let resp = Response::Controller(ControllerResponse::DeleteTopics(results));
        self.respond_after_last(last, reply, resp)
    }

    pub(super) fn create_partitions(
        &mut self,
        reply: ReplyTo,
        topic: String,
        count: i32,
        assignment: Option<Vec<Vec<BrokerId>>>,
    ) {
        let answer = |e: Option<ApiError>| Response::Controller(ControllerResponse::CreatePartitions(e));
        let Some(t) = self.proc.image.topics.get(&topic) else {
            self.out.reply(reply, answer(Some(ApiError::new(KafkaError::UNKNOWN_TOPIC_OR_PARTITION))));
            return;
        };
        let id = t.id;
        let current = t.partitions.len() as i32;
        // ReplicationControlManager.validateTotalNumberOfPartitions for CreatePartitions.
        if i64::from(count) - i64::from(current) > MAX_RECORDS_PER_USER_OP {
            let e = ApiError::with(
                KafkaError::POLICY_VIOLATION,
                "Excessively large number of additional partitions per request.",
            );
            self.out.reply(reply, answer(Some(e)));
            return;
        }
        let rf = t.partitions.get(&0).map(|p| p.replicas.len() as i32).unwrap_or(1);
        if count == current {
            self.out.reply(
                reply,
                answer(Some(ApiError::with(
                    KafkaError::INVALID_PARTITIONS,
                    format!("Topic already has {current} partition(s)."),
                ))),
            );
            return;
        }
        if count < current {
            self.out.reply(
                reply,
                answer(Some(ApiError::with(
                    KafkaError::INVALID_PARTITIONS,
                    format!(
                        "The topic {topic} currently has {current} partition(s); {count} would not be an increase."
                    ),
                ))),
            );
            return;
        }
        let manual = assignment.is_some();
        let new = match assignment {
            Some(a) => {
                if let Some(e) = self.proc.manual_assignment_error(&a) {
                    self.out.reply(reply, answer(Some(e)));
                    return;
                }
                if a.len() as i32 != count - current {
                    self.out.reply(reply, answer(Some(ApiError::with(
                            KafkaError::INVALID_REPLICA_ASSIGNMENT,
                            format!("Attempted to add {} additional partition(s), but only {} assignment(s) were specified.", count - current, a.len()),
                        ))),
                    );
                    return;
                }
                a
            }
            // ReplicationControlManager.createPartitions: the placer's message as it is.
            None => match place(&self.proc.placement_brokers(), count - current, rf, &mut self.proc.rng) {
                Ok(a) => a,
                Err(msg) => {
                    self.out.reply(reply, answer(Some(ApiError::with(KafkaError::INVALID_REPLICATION_FACTOR, msg))));
                    return;
                }
            },
        };
        match self.append_partitions(&topic, id, current, &new, manual) {
            Ok(off) => {
                self.trace_after(off, TraceKind::PartitionsAdded { topic, assignment: new });
                self.respond_after(off, reply, answer(None));
            }
            Err(e) => self.out.reply(reply, answer(Some(e))),
        }
    }

    pub(super) fn alter_configs(&mut self, reply: ReplyTo, resource: ConfigResource, ops: Vec<AlterOp>) {
        let answer = |e: Option<ApiError>| Response::Controller(ControllerResponse::AlterConfigs(e));
        // Validate everything first: a bad request changes nothing.
        for op in &ops {
            let name = match op {
                AlterOp::Set(n, _) | AlterOp::Delete(n) => n,
            };
            // ConfigurationControlManager.isDisallowedBrokerMinIsrTransition and
            // isDisallowedClusterMinIsrTransition: with ELR on, min.insync.replicas is a
            // cluster-wide (or topic) setting only.
            if ELR_ENABLED && name == "min.insync.replicas" {
                let disallowed = match (&resource, op) {
                    (ConfigResource::Broker(Some(_)), _) => {
                        Some("Broker-level min.insync.replicas cannot be altered while ELR is enabled.")
                    }
                    (ConfigResource::Broker(None), AlterOp::Delete(_)) => {
                        Some("Cluster-level min.insync.replicas cannot be removed while ELR is enabled.")
                    }
                    _ => None,
                };
                if let Some(m) = disallowed {
                    self.out.reply(reply, answer(Some(ApiError::with(KafkaError::INVALID_CONFIG, m))));
                    return;
                }
            }
        }
        let changes: Vec<(String, Option<String>)> = ops
            .iter()
            .map(|op| match op {
                AlterOp::Set(n, v) => (n.clone(), Some(v.clone())),
                AlterOp::Delete(n) => (n.clone(), None),
            })
            .collect();
        let mut broker_level = self.env.static_configs.clone();
        broker_level.extend(self.proc.image.cluster_configs.iter().map(|(k, v)| (k.clone(), v.clone())));
        let empty = BTreeMap::new();
        let check = match &resource {
            ConfigResource::Topic(t) => {
                let Some(topic) = self.proc.image.topics.get(t) else {
                    // QuorumController's check of the resources an IncrementalAlterConfigs names.
                    let m = format!("The topic '{t}' does not exist.");
                    self.out.reply(reply, answer(Some(ApiError::with(KafkaError::UNKNOWN_TOPIC_OR_PARTITION, m))));
                    return;
                };
                // ConfigurationControlManager validates the topic's configs as they would be.
                let mut after = topic.configs.clone();
                for (name, value) in &changes {
                    match value {
                        Some(v) => after.insert(name.clone(), v.clone()),
                        None => after.remove(name),
                    };
                }
                validate_topic_configs_with(&topic.configs, &after, &broker_level)
                    .map_err(|m| ApiError::with(KafkaError::INVALID_CONFIG, m))
            }
            ConfigResource::Broker(b) => {
                if let Some(b) = b {
                    if !self.proc.image.brokers.contains_key(b) {
                        self.out.reply(
                            reply,
                            answer(Some(ApiError::with(
                                KafkaError::INVALID_REQUEST,
                                format!("Broker {b} is not registered."),
                            ))),
                        );
                        return;
                    }
                }
                let current = match b {
                    Some(b) => self.proc.image.broker_configs.get(b).unwrap_or(&empty),
                    None => &self.proc.image.cluster_configs,
                };
                // A cluster-level change is checked by the broker that received it: broker 1's
                // view stands for it (Brokerlab routes admin requests to the controller).
                let receiver = b.unwrap_or(1);
                let rack = self.proc.image.brokers.get(&receiver).and_then(|r| r.endpoint.rack.clone());
                validate_broker_alter(
                    *b,
                    &changes,
                    current,
                    &self.proc.image.cluster_configs,
                    self.proc.image.broker_configs.get(&receiver).unwrap_or(&empty),
                    &self.env.broker_static_configs(receiver, rack.as_deref()),
                )
            }
        };
        if let Err(e) = check {
            self.out.reply(reply, answer(Some(e)));
            return;
        }
        let label = match &resource {
            ConfigResource::Topic(t) => format!("topic {t}"),
            ConfigResource::Broker(Some(b)) => format!("broker {b}"),
            ConfigResource::Broker(None) => "brokers (default)".to_string(),
        };
        let mut last = None;
        let mut clear_elr = false;
        for op in ops {
            let (name, value) = match op {
                AlterOp::Set(n, v) => (n, Some(v)),
                AlterOp::Delete(n) => (n, None),
            };
            if let ConfigResource::Topic(t) = &resource {
                // ConfigurationControlManager: a topic config set to its current value (or a
                // missing one deleted) writes no record.
                let current = self.proc.image.topics.get(t).and_then(|t| t.configs.get(&name));
                if current == value.as_ref() {
                    continue;
                }
            }
            clear_elr |= name == "min.insync.replicas";
            let off = self.append(MetadataRecord::Config {
                resource: resource.clone(),
                name: name.clone(),
                value: value.clone(),
            });
            self.trace_after(off, TraceKind::ConfigChanged { resource: label.clone(), name, value });
            last = Some(off);
        }
        if clear_elr && ELR_ENABLED {
            // createClearElrRecordsAsNeeded: a new min ISR invalidates the ELRs it shaped.
            let topic = match &resource {
                ConfigResource::Topic(t) => Some(t.clone()),
                ConfigResource::Broker(_) => None,
            };
            last = Some(self.append(MetadataRecord::ClearElr { topic }));
        }
        match last {
            Some(o) => self.respond_after(o, reply, answer(None)),
            None => self.out.reply(reply, answer(None)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::validate_topic_name;

    #[test]
    fn topic_names_follow_topic_validate() {
        // `TopicCommand` "invalid name".
        assert!(validate_topic_name("orders-v2.eu_west").is_ok());
        assert_eq!(validate_topic_name(""), Err("Topic name is invalid: the empty string is not allowed".into()));
        assert_eq!(validate_topic_name(".."), Err("Topic name is invalid: '..' is not allowed".into()));
        assert_eq!(
            validate_topic_name("a b"),
            Err("Topic name is invalid: 'a b' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'".into())
        );
        assert!(validate_topic_name(&"x".repeat(250)).unwrap_err().ends_with("longer than the max allowed length 249"));
    }
}
