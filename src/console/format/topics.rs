//! `kafka-topics` output (`TopicCommand`).

use crate::sim::codec::Codec;
use serde::{Deserialize, Serialize};

use super::{join_ints, log_line, Output};
use crate::sim::java::java_string_cmp;
use crate::sim::sort::CompactSort;

/// The logger of `TopicCommand`'s error lines.
pub(crate) const LOGGER: &str = "org.apache.kafka.tools.TopicCommand";

/// One partition as `--describe` shows it (`TopicCommand`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct PartitionInfo {
    pub partition: i32,
    /// `None` prints `Leader: none`.
    pub leader: Option<i32>,
    pub replicas: Vec<i32>,
    pub isr: Vec<i32>,
    /// `Some((adding, removing))` only while a reassignment is in progress.
    pub reassignment: Option<(Vec<i32>, Vec<i32>)>,
    /// `None` prints `N/A` (broker without DescribeTopicPartitions, pre-3.8).
    pub elr: Option<Vec<i32>>,
    /// `None` prints `N/A`.
    pub last_known_elr: Option<Vec<i32>>,
}

impl PartitionInfo {
    /// Replica count minus adding replicas (`TopicCommand`).
    pub(crate) fn replication_factor(&self) -> i32 {
        let adding = self.reassignment.as_ref().map(|(a, _)| a.len()).unwrap_or(0);
        i32::try_from(self.replicas.len().saturating_sub(adding)).unwrap_or(i32::MAX)
    }

    /// `isUnderReplicated`: fewer in-sync replicas than the replication factor.
    pub(crate) fn is_under_replicated(&self) -> bool {
        self.replication_factor() - i32::try_from(self.isr.len()).unwrap_or(i32::MAX) > 0
    }

    /// `hasUnavailablePartitions`: no leader, or the leader is not live.
    pub(crate) fn is_unavailable(&self, live_brokers: &[i32]) -> bool {
        match self.leader {
            None => true,
            Some(l) => !live_brokers.contains(&l),
        }
    }

    /// `isUnderMinIsr`: no leader, or ISR below `min.insync.replicas`.
    pub(crate) fn is_under_min_isr(&self, min_isr: Option<i32>) -> bool {
        self.leader.is_none() || min_isr.is_some_and(|m| (self.isr.len() as i64) < i64::from(m))
    }

    /// `isAtMinIsrPartitions`: ISR size equals `min.insync.replicas`.
    pub(crate) fn is_at_min_isr(&self, min_isr: Option<i32>) -> bool {
        min_isr.is_some_and(|m| self.isr.len() as i64 == i64::from(m))
    }
}

/// One topic as `--describe` shows it (`TopicCommand`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct TopicInfo {
    pub name: String,
    /// 22-character base64url id; `None` (or the all-zero id
    /// `AAAAAAAAAAAAAAAAAAAAAA`) omits the field.
    pub(crate) topic_id: Option<String>,
    /// Entries whose source is not `DEFAULT_CONFIG`, in display order.
    pub configs: Vec<(String, String)>,
    pub partitions: Vec<PartitionInfo>,
    /// `min.insync.replicas` of the topic (for the ISR filters).
    pub(crate) min_isr: Option<i32>,
}

/// Which lines `--describe` prints (`TopicCommand`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) enum DescribeFilter {
    /// Topic line and every partition line.
    None,
    /// `--under-replicated-partitions`: matching partition lines only.
    UnderReplicated,
    /// `--unavailable-partitions`
    Unavailable,
    /// `--under-min-isr-partitions`
    UnderMinIsr,
    /// `--at-min-isr-partitions`
    AtMinIsr,
    /// `--topics-with-overrides`: topic lines of topics with configs only.
    TopicsWithOverrides,
}

/// `Topic 'x' ...` warning printed before creating a topic whose name has
/// `.` or `_` (`TopicCommand`), on stdout.
pub(crate) const COLLISION_WARNING: &str = "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.";

/// `--list` (`TopicCommand`): names sorted by Java `String` order, one per line; with
/// no topics a single empty line. The caller applies `--exclude-internal`
/// and `--topic`.
pub(crate) fn list(names: &[String]) -> Output {
    let mut sorted: Vec<&String> = names.iter().collect();
    sorted.compact_sort_by(|a, b| java_string_cmp(a, b));
    let mut o = Output::new();
    o.outln(&sorted.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n"));
    o
}

/// The topic summary line without newline (`TopicCommand`; no leading tab).
pub(crate) fn topic_line(t: &TopicInfo) -> String {
    let mut s = format!("Topic: {}", t.name);
    if let Some(id) = &t.topic_id {
        if id != "AAAAAAAAAAAAAAAAAAAAAA" {
            s.push_str("\tTopicId: ");
            s.push_str(id);
        }
    }
    let rf = t.partitions.first().map(PartitionInfo::replication_factor).unwrap_or(0);
    s.push_str(&format!("\tPartitionCount: {}", t.partitions.len()));
    s.push_str(&format!("\tReplicationFactor: {rf}"));
    let configs: Vec<String> = t.configs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    s.push_str("\tConfigs: ");
    s.push_str(&configs.join(","));
    s
}

fn ids_or_na(v: &Option<Vec<i32>>) -> String {
    match v {
        Some(ids) => join_ints(ids),
        None => "N/A".to_string(),
    }
}

/// A partition line without newline (`TopicCommand`): starts with a TAB; an empty
/// `Elr`/`LastKnownElr` leaves a trailing space.
pub(crate) fn partition_line(topic: &str, p: &PartitionInfo) -> String {
    let leader = match p.leader {
        Some(l) => l.to_string(),
        None => "none".to_string(),
    };
    let mut s = format!(
        "\tTopic: {topic}\tPartition: {}\tLeader: {leader}\tReplicas: {}\tIsr: {}",
        p.partition,
        join_ints(&p.replicas),
        join_ints(&p.isr)
    );
    if let Some((adding, removing)) = &p.reassignment {
        s.push_str(&format!("\tAdding Replicas: {}\tRemoving Replicas: {}", join_ints(adding), join_ints(removing)));
    }
    s.push_str(&format!("\tElr: {}", ids_or_na(&p.elr)));
    s.push_str(&format!("\tLastKnownElr: {}", ids_or_na(&p.last_known_elr)));
    s
}

/// `--describe` (`TopicCommand`). Topics are printed sorted by name (the real
/// order is a hash order), partitions by id. `live_brokers` serves
/// `--unavailable-partitions`.
pub(crate) fn describe(topics: &[TopicInfo], filter: DescribeFilter, live_brokers: &[i32]) -> Output {
    let mut sorted: Vec<&TopicInfo> = topics.iter().collect();
    sorted.compact_sort_by(|a, b| java_string_cmp(&a.name, &b.name));
    let mut o = Output::new();
    for t in sorted {
        let mut parts: Vec<&PartitionInfo> = t.partitions.iter().collect();
        parts.compact_sort_by_key(|p| p.partition);
        match filter {
            DescribeFilter::None => {
                o.outln(&topic_line(t));
                for p in parts {
                    o.outln(&partition_line(&t.name, p));
                }
            }
            DescribeFilter::TopicsWithOverrides => {
                if !t.configs.is_empty() {
                    o.outln(&topic_line(t));
                }
            }
            _ => {
                for p in parts {
                    let show = match filter {
                        DescribeFilter::UnderReplicated => p.is_under_replicated(),
                        DescribeFilter::Unavailable => p.is_unavailable(live_brokers),
                        DescribeFilter::UnderMinIsr => p.is_under_min_isr(t.min_isr),
                        DescribeFilter::AtMinIsr => p.is_at_min_isr(t.min_isr),
                        _ => false,
                    };
                    if show {
                        o.outln(&partition_line(&t.name, p));
                    }
                }
            }
        }
    }
    o
}

/// Whether a topic name has `.` or `_` (`Topic.hasCollisionChars`, `TopicCommand`).
pub(crate) fn has_collision_chars(name: &str) -> bool {
    name.contains('.') || name.contains('_')
}

/// `Topic.validate` (`TopicCommand`): `Ok` or the reason after `Topic name is invalid: `.
pub(crate) fn validate_topic_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("the empty string is not allowed".to_string());
    }
    if name == "." {
        return Err("'.' is not allowed".to_string());
    }
    if name == ".." {
        return Err("'..' is not allowed".to_string());
    }
    if name.encode_utf16().count() > 249 {
        return Err(format!("the length of '{name}' is longer than the max allowed length 249"));
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-') {
        return Err(format!(
            "'{name}' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'"
        ));
    }
    Ok(())
}

/// Errors of `kafka-topics` actions (`TopicCommand`), each with its
/// message and exception class.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) enum TopicCommandError {
    /// `Topic '<name>' already exists.` (TopicExistsException)
    TopicExists(String),
    /// `The replication factor must be between 1 and 32767 inclusive`
    ReplicationFactorRange,
    /// `The partitions must be greater than 0`
    PartitionsNotPositive,
    /// `requirement failed: Invalid topic config: ...`
    ConfigFormat,
    /// `Unknown topic config name: <name>`
    UnknownConfig(String),
    /// `Invalid value <v> for configuration <name>: <reason>`
    InvalidConfigValue { value: String, name: String, reason: String },
    /// `Partition replica lists may not contain duplicate entries: <ids>`
    DuplicateReplicas(Vec<i32>),
    /// `Partition <i> has different replication factor: [<ids>]`
    DifferentReplicationFactor { partition: i32, replicas: Vec<i32> },
    /// `Unable to replicate the partition <rf> time(s): The target
    /// replication factor of <rf> cannot be reached because only <n>
    /// broker(s) are registered or some brokers have all their log directories cordoned.`
    NotEnoughBrokers { rf: i32, registered: i32 },
    /// `... All brokers are currently fenced, or have all their log directories cordoned.`
    AllBrokersFenced { rf: i32 },
    /// `... All brokers are currently fenced or in controlled shutdown.`
    AllBrokersFencedOrShuttingDown { rf: i32 },
    /// `Replication factor must be larger than 0, or -1 to use the default value.`
    ReplicationFactorInvalid,
    /// `Number of partitions was set to an invalid non-positive value.`
    PartitionsInvalid,
    /// `Topic name is invalid: <reason>` (reason from [`validate_topic_name`])
    InvalidName(String),
    /// `Topic '<name>' collides with existing topic: <other>`
    Collision { name: String, existing: String },
    /// `Topic '<name>' does not exist as expected` (clean form)
    DoesNotExist(String),
    /// `TopicId '<id>' does not exist as expected`
    TopicIdDoesNotExist(String),
    /// `Topic already has <n> partition(s).`
    AlreadyHasPartitions(i32),
    /// `The topic <name> currently has <n> partition(s); <m> would not be an increase.`
    NotAnIncrease { name: String, current: i32, requested: i32 },
    /// `Timed out waiting for a node assignment. Call: <call>`
    Timeout(String),
}

impl TopicCommandError {
    /// The exception message.
    pub(crate) fn message(&self) -> String {
        match self {
            TopicCommandError::TopicExists(n) => format!("Topic '{n}' already exists."),
            TopicCommandError::ReplicationFactorRange => {
                "The replication factor must be between 1 and 32767 inclusive".to_string()
            }
            TopicCommandError::PartitionsNotPositive => "The partitions must be greater than 0".to_string(),
            TopicCommandError::ConfigFormat => {
                "requirement failed: Invalid topic config: all configs to be added must be in the format \"key=val\".".to_string()
            }
            TopicCommandError::UnknownConfig(n) => format!("Unknown topic config name: {n}"),
            TopicCommandError::InvalidConfigValue { value, name, reason } => {
                format!("Invalid value {value} for configuration {name}: {reason}")
            }
            TopicCommandError::DuplicateReplicas(ids) => format!(
                "Partition replica lists may not contain duplicate entries: {}",
                join_ints(ids)
            ),
            TopicCommandError::DifferentReplicationFactor { partition, replicas } => format!(
                "Partition {partition} has different replication factor: [{}]",
                replicas.iter().map(|r| r.to_string()).collect::<Vec<_>>().join(", ")
            ),
            TopicCommandError::NotEnoughBrokers { rf, registered } => format!(
                "Unable to replicate the partition {rf} time(s): {}",
                crate::sim::placement::too_few_brokers_message(*rf, *registered)
            ),
            TopicCommandError::AllBrokersFenced { rf } => format!(
                "Unable to replicate the partition {rf} time(s): {}",
                crate::sim::placement::ALL_BROKERS_FENCED
            ),
            TopicCommandError::AllBrokersFencedOrShuttingDown { rf } => format!(
                "Unable to replicate the partition {rf} time(s): All brokers are currently fenced or in controlled shutdown."
            ),
            TopicCommandError::ReplicationFactorInvalid => {
                "Replication factor must be larger than 0, or -1 to use the default value.".to_string()
            }
            TopicCommandError::PartitionsInvalid => {
                "Number of partitions was set to an invalid non-positive value.".to_string()
            }
            TopicCommandError::InvalidName(reason) => format!("Topic name is invalid: {reason}"),
            TopicCommandError::Collision { name, existing } => {
                format!("Topic '{name}' collides with existing topic: {existing}")
            }
            TopicCommandError::DoesNotExist(n) => format!("Topic '{n}' does not exist as expected"),
            TopicCommandError::TopicIdDoesNotExist(id) => format!("TopicId '{id}' does not exist as expected"),
            TopicCommandError::AlreadyHasPartitions(n) => format!("Topic already has {n} partition(s)."),
            TopicCommandError::NotAnIncrease { name, current, requested } => format!(
                "The topic {name} currently has {current} partition(s); {requested} would not be an increase."
            ),
            TopicCommandError::Timeout(call) => {
                format!("Timed out waiting for a node assignment. Call: {call}")
            }
        }
    }

    /// The exception class, and whether it carries a stack trace (Kafka's
    /// `ApiException`s do not).
    pub(crate) fn exception(&self) -> (&'static str, bool) {
        match self {
            TopicCommandError::TopicExists(_) => ("org.apache.kafka.common.errors.TopicExistsException", false),
            TopicCommandError::ReplicationFactorRange
            | TopicCommandError::PartitionsNotPositive
            | TopicCommandError::ConfigFormat
            | TopicCommandError::DoesNotExist(_)
            | TopicCommandError::TopicIdDoesNotExist(_) => ("java.lang.IllegalArgumentException", true),
            TopicCommandError::UnknownConfig(_) => {
                ("org.apache.kafka.common.errors.InvalidConfigurationException", false)
            }
            TopicCommandError::InvalidConfigValue { .. } => ("org.apache.kafka.common.config.ConfigException", true),
            // TopicCommand.parseReplicaAssignment.
            TopicCommandError::DuplicateReplicas(_) => ("org.apache.kafka.tools.AdminCommandFailedException", true),
            TopicCommandError::DifferentReplicationFactor { .. } => {
                ("org.apache.kafka.tools.AdminOperationException", true)
            }
            TopicCommandError::NotEnoughBrokers { .. }
            | TopicCommandError::AllBrokersFenced { .. }
            | TopicCommandError::AllBrokersFencedOrShuttingDown { .. }
            | TopicCommandError::ReplicationFactorInvalid => {
                ("org.apache.kafka.common.errors.InvalidReplicationFactorException", false)
            }
            TopicCommandError::PartitionsInvalid
            | TopicCommandError::AlreadyHasPartitions(_)
            | TopicCommandError::NotAnIncrease { .. } => {
                ("org.apache.kafka.common.errors.InvalidPartitionsException", false)
            }
            TopicCommandError::InvalidName(_) | TopicCommandError::Collision { .. } => {
                ("org.apache.kafka.common.errors.InvalidTopicException", false)
            }
            TopicCommandError::Timeout(_) => ("org.apache.kafka.common.errors.TimeoutException", false),
        }
    }
}

/// [`error_output`] with the exception's whole stack trace text (`Utils.stackTrace`, ending with
/// a line break), causes included.
pub(crate) fn error_output_trace(message: &str, trace: &str, timestamp: &str) -> Output {
    let mut o = Output::new();
    o.outln(&format!("Error while executing topic command : {message}"));
    o.err(&format!("[{timestamp}] ERROR {trace}"));
    o.errln(&format!(" ({LOGGER})"));
    o.exit_code = 1;
    let _ = log_line; // the same pattern as format::log_line, split over lines
    o
}
