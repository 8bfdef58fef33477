//! Configuration: topic, broker and client configs with Kafka's names, defaults
//! (kafka-semantics.md §4.8) and validation messages (kafka-cli.md §12 `ConfigException`).
//!
//! Values are kept as strings exactly as given (that is what `kafka-configs --describe` shows)
//! and parsed into typed structs once, when they change — never on the hot path.

use crate::sim::types::BrokerId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A config's type, for validation (`ConfigDef.Type` plus Kafka's validators).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Int {
        min: i64,
    },
    Long {
        min: i64,
    },
    Bool,
    /// A ratio in [0, 1], e.g. `min.cleanable.dirty.ratio`.
    Ratio,
    Choice(&'static [&'static str]),
    /// A comma-separated list whose items come from the choices.
    List(&'static [&'static str]),
}

/// One topic-level config: its name, the broker config it falls back to, and the built-in
/// default shown as `DEFAULT_CONFIG:<broker name>=<value>` (None when Kafka's broker default is
/// null, e.g. `log.retention.ms`, which then shows no broker synonym — kafka-cli.md §6.3).
pub struct TopicConfigDef {
    pub name: &'static str,
    pub broker_name: &'static str,
    pub default: &'static str,
    pub broker_default_shown: bool,
    pub kind: Kind,
    pub doc: &'static str,
}

const CLEANUP: &[&str] = &["compact", "delete"];
const TS_TYPES: &[&str] = &["CreateTime", "LogAppendTime"];
const COMPRESSION: &[&str] = &["uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"];

/// The topic configs Brokerlab models, sorted by name.
pub const TOPIC_CONFIGS: &[TopicConfigDef] = &[
    TopicConfigDef {
        name: "cleanup.policy",
        broker_name: "log.cleanup.policy",
        default: "delete",
        broker_default_shown: true,
        kind: Kind::List(CLEANUP),
        doc: "delete: old segments are removed by retention; compact: the latest value per key is kept.",
    },
    TopicConfigDef {
        name: "compression.type",
        broker_name: "compression.type",
        default: "producer",
        broker_default_shown: true,
        kind: Kind::Choice(COMPRESSION),
        doc: "Compression codec (the simulator does not compress; sizes stay uncompressed).",
    },
    TopicConfigDef {
        name: "delete.retention.ms",
        broker_name: "log.cleaner.delete.retention.ms",
        default: "86400000",
        broker_default_shown: true,
        kind: Kind::Long { min: 0 },
        doc: "How long tombstones are kept after their segment was first cleaned.",
    },
    TopicConfigDef {
        name: "file.delete.delay.ms",
        broker_name: "log.segment.delete.delay.ms",
        default: "60000",
        broker_default_shown: true,
        kind: Kind::Long { min: 0 },
        doc: "Delay before a deleted segment's file is removed.",
    },
    TopicConfigDef {
        name: "flush.messages",
        broker_name: "log.flush.interval.messages",
        default: "9223372036854775807",
        broker_default_shown: true,
        kind: Kind::Long { min: 1 },
        doc: "fsync after this many messages (Kafka relies on replication instead).",
    },
    TopicConfigDef {
        name: "flush.ms",
        broker_name: "log.flush.interval.ms",
        default: "9223372036854775807",
        broker_default_shown: false,
        kind: Kind::Long { min: 0 },
        doc: "fsync at least this often.",
    },
    TopicConfigDef {
        name: "max.compaction.lag.ms",
        broker_name: "log.cleaner.max.compaction.lag.ms",
        default: "9223372036854775807",
        broker_default_shown: true,
        kind: Kind::Long { min: 1 },
        doc: "Maximum time a record stays uncompacted.",
    },
    TopicConfigDef {
        name: "max.message.bytes",
        broker_name: "message.max.bytes",
        default: "1048588",
        broker_default_shown: true,
        kind: Kind::Int { min: 0 },
        doc: "Largest record batch the broker accepts.",
    },
    TopicConfigDef {
        name: "message.timestamp.type",
        broker_name: "log.message.timestamp.type",
        default: "CreateTime",
        broker_default_shown: true,
        kind: Kind::Choice(TS_TYPES),
        doc: "Whether record timestamps come from the producer or the broker.",
    },
    TopicConfigDef {
        name: "min.cleanable.dirty.ratio",
        broker_name: "log.cleaner.min.cleanable.ratio",
        default: "0.5",
        broker_default_shown: true,
        kind: Kind::Ratio,
        doc: "Compaction starts when the dirty part exceeds this share of the log.",
    },
    TopicConfigDef {
        name: "min.compaction.lag.ms",
        broker_name: "log.cleaner.min.compaction.lag.ms",
        default: "0",
        broker_default_shown: true,
        kind: Kind::Long { min: 0 },
        doc: "Minimum age before a record may be compacted.",
    },
    TopicConfigDef {
        name: "min.insync.replicas",
        broker_name: "min.insync.replicas",
        default: "1",
        broker_default_shown: true,
        kind: Kind::Int { min: 1 },
        doc: "With acks=all, the fewest in-sync replicas a write needs.",
    },
    TopicConfigDef {
        name: "retention.bytes",
        broker_name: "log.retention.bytes",
        default: "-1",
        broker_default_shown: true,
        kind: Kind::Long { min: i64::MIN },
        doc: "Delete old segments beyond this partition size (-1: no limit).",
    },
    TopicConfigDef {
        name: "retention.ms",
        broker_name: "log.retention.ms",
        default: "604800000",
        broker_default_shown: false,
        kind: Kind::Long { min: -1 },
        doc: "Delete segments whose newest record is older than this (-1: forever).",
    },
    TopicConfigDef {
        name: "segment.bytes",
        broker_name: "log.segment.bytes",
        default: "1073741824",
        broker_default_shown: true,
        kind: Kind::Int { min: 14 },
        doc: "Roll a new segment at this size.",
    },
    TopicConfigDef {
        name: "segment.ms",
        broker_name: "log.roll.ms",
        default: "604800000",
        broker_default_shown: false,
        kind: Kind::Long { min: 1 },
        doc: "Roll a new segment after this long.",
    },
    TopicConfigDef {
        name: "unclean.leader.election.enable",
        broker_name: "unclean.leader.election.enable",
        default: "false",
        broker_default_shown: true,
        kind: Kind::Bool,
        doc: "Allow an out-of-sync replica to become leader (may lose data).",
    },
];

/// Looks up a topic config definition.
pub fn topic_config_def(name: &str) -> Option<&'static TopicConfigDef> {
    TOPIC_CONFIGS.iter().find(|d| d.name == name)
}

/// Validates a value against a kind, with Kafka's `ConfigException` wording.
pub fn validate(name: &str, kind: Kind, value: &str) -> Result<(), String> {
    let bad = |reason: &str| Err(format!("Invalid value {value} for configuration {name}: {reason}"));
    match kind {
        Kind::Int { min } => match value.trim().parse::<i32>() {
            Ok(v) if i64::from(v) < min => bad(&format!("Value must be at least {min}")),
            Ok(_) => Ok(()),
            Err(_) => bad("Not a number of type INT"),
        },
        Kind::Long { min } => match value.trim().parse::<i64>() {
            Ok(v) if v < min => bad(&format!("Value must be at least {min}")),
            Ok(_) => Ok(()),
            Err(_) => bad("Not a number of type LONG"),
        },
        Kind::Bool => match value.trim().to_ascii_lowercase().as_str() {
            "true" | "false" => Ok(()),
            _ => bad("Expected value to be either true or false"),
        },
        Kind::Ratio => match parse_ratio(value) {
            Some((n, d)) if n <= d => Ok(()),
            Some(_) => bad("Value must be no more than 1"),
            None => bad("Not a number of type DOUBLE"),
        },
        Kind::Choice(choices) => {
            if choices.contains(&value) {
                Ok(())
            } else {
                bad(&format!("String must be one of: {}", choices.join(", ")))
            }
        }
        Kind::List(choices) => {
            for item in value.split(',') {
                if !choices.contains(&item.trim()) {
                    return Err(format!(
                        "Invalid value {} for configuration {name}: String must be one of: {}",
                        item.trim(),
                        choices.join(", ")
                    ));
                }
            }
            Ok(())
        }
    }
}

/// Parses a decimal such as `0.5` into an exact ratio `(numerator, denominator)`, so that
/// decisions compare integers (`a/b > n/d` ⇔ `a·d > n·b`), never floats.
pub fn parse_ratio(text: &str) -> Option<(u64, u64)> {
    let t = text.trim();
    let (int, frac) = match t.split_once('.') {
        Some((i, f)) => (i, f),
        None => (t, ""),
    };
    if int.is_empty() && frac.is_empty() || frac.len() > 9 {
        return None;
    }
    if !int.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let den = 10u64.pow(frac.len() as u32);
    let i: u64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let f: u64 = if frac.is_empty() { 0 } else { frac.parse().ok()? };
    Some((i.checked_mul(den)?.checked_add(f)?, den))
}

/// Validates a set of topic config overrides (`kafka-topics --config`, `kafka-configs`).
pub fn validate_topic_configs(configs: &BTreeMap<String, String>) -> Result<(), String> {
    for (k, v) in configs {
        let def = topic_config_def(k).ok_or_else(|| format!("Unknown topic config name: {k}"))?;
        validate(k, def.kind, v)?;
    }
    Ok(())
}

/// The typed, effective configuration of one topic.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicConfig {
    pub cleanup_delete: bool,
    pub cleanup_compact: bool,
    pub delete_retention_ms: i64,
    pub flush_messages: i64,
    pub flush_ms: i64,
    pub max_compaction_lag_ms: i64,
    pub max_message_bytes: i32,
    pub log_append_time: bool,
    pub min_cleanable_dirty_ratio: (u64, u64),
    pub min_compaction_lag_ms: i64,
    pub min_insync_replicas: i32,
    pub retention_bytes: i64,
    pub retention_ms: i64,
    pub segment_bytes: i32,
    pub segment_ms: i64,
    pub unclean_leader_election_enable: bool,
}

impl TopicConfig {
    /// Resolves a topic's configs: topic override, then broker-level value, then default.
    pub fn resolve(topic: &BTreeMap<String, String>, broker: &BTreeMap<String, String>) -> TopicConfig {
        let get = |name: &str| -> String {
            if let Some(v) = topic.get(name) {
                return v.clone();
            }
            let def = topic_config_def(name).expect("known topic config");
            if let Some(v) = broker.get(def.broker_name) {
                return v.clone();
            }
            // log.retention.ms falls back to log.retention.minutes/hours (kafka-cli.md §6.3).
            if name == "retention.ms" {
                if let Some(m) = broker.get("log.retention.minutes").and_then(|v| v.parse::<i64>().ok()) {
                    return (m * 60_000).to_string();
                }
                if let Some(h) = broker.get("log.retention.hours").and_then(|v| v.parse::<i64>().ok()) {
                    return (h * 3_600_000).to_string();
                }
            }
            def.default.to_string()
        };
        let long = |name: &str| get(name).trim().parse::<i64>().unwrap_or(0);
        let policy = get("cleanup.policy");
        TopicConfig {
            cleanup_delete: policy.split(',').any(|p| p.trim() == "delete"),
            cleanup_compact: policy.split(',').any(|p| p.trim() == "compact"),
            delete_retention_ms: long("delete.retention.ms"),
            flush_messages: long("flush.messages"),
            flush_ms: long("flush.ms"),
            max_compaction_lag_ms: long("max.compaction.lag.ms"),
            max_message_bytes: long("max.message.bytes") as i32,
            log_append_time: get("message.timestamp.type") == "LogAppendTime",
            min_cleanable_dirty_ratio: parse_ratio(&get("min.cleanable.dirty.ratio")).unwrap_or((1, 2)),
            min_compaction_lag_ms: long("min.compaction.lag.ms"),
            min_insync_replicas: long("min.insync.replicas") as i32,
            retention_bytes: long("retention.bytes"),
            retention_ms: long("retention.ms"),
            segment_bytes: long("segment.bytes") as i32,
            segment_ms: long("segment.ms"),
            unclean_leader_election_enable: get("unclean.leader.election.enable").eq_ignore_ascii_case("true"),
        }
    }
}

impl Default for TopicConfig {
    fn default() -> Self {
        TopicConfig::resolve(&BTreeMap::new(), &BTreeMap::new())
    }
}

/// A broker-level config Brokerlab knows: name, default, whether it may change at run time
/// (`kafka-configs --alter` on a broker), and what it means.
pub struct BrokerConfigDef {
    pub name: &'static str,
    pub default: &'static str,
    pub dynamic: bool,
    pub kind: Kind,
    pub doc: &'static str,
}

/// Broker configs, sorted by name. Defaults from kafka-semantics.md §4.2, §4.6, §4.7, §4.8.
pub const BROKER_CONFIGS: &[BrokerConfigDef] = &[
    BrokerConfigDef {
        name: "auto.create.topics.enable",
        default: "true",
        dynamic: false,
        kind: Kind::Bool,
        doc: "Create a topic when a client asks for an unknown one.",
    },
    BrokerConfigDef {
        name: "auto.leader.rebalance.enable",
        default: "true",
        dynamic: false,
        kind: Kind::Bool,
        doc: "Move leadership back to preferred replicas.",
    },
    BrokerConfigDef {
        name: "broker.heartbeat.interval.ms",
        default: "2000",
        dynamic: false,
        kind: Kind::Int { min: 1 },
        doc: "How often a broker heartbeats to the controller.",
    },
    BrokerConfigDef {
        name: "broker.session.timeout.ms",
        default: "9000",
        dynamic: false,
        kind: Kind::Int { min: 1 },
        doc: "A broker without heartbeats this long is fenced.",
    },
    BrokerConfigDef {
        name: "compression.type",
        default: "producer",
        dynamic: true,
        kind: Kind::Choice(COMPRESSION),
        doc: "Compression codec.",
    },
    BrokerConfigDef {
        name: "default.replication.factor",
        default: "1",
        dynamic: false,
        kind: Kind::Int { min: 1 },
        doc: "Replication factor of auto-created topics.",
    },
    BrokerConfigDef {
        name: "group.initial.rebalance.delay.ms",
        default: "3000",
        dynamic: false,
        kind: Kind::Int { min: 0 },
        doc: "Wait this long for more members before the first rebalance of an empty group.",
    },
    BrokerConfigDef {
        name: "group.max.session.timeout.ms",
        default: "1800000",
        dynamic: false,
        kind: Kind::Int { min: 1 },
        doc: "Largest session.timeout.ms a consumer may use.",
    },
    BrokerConfigDef {
        name: "group.min.session.timeout.ms",
        default: "6000",
        dynamic: false,
        kind: Kind::Int { min: 1 },
        doc: "Smallest session.timeout.ms a consumer may use.",
    },
    BrokerConfigDef {
        name: "leader.imbalance.check.interval.seconds",
        default: "300",
        dynamic: false,
        kind: Kind::Long { min: 1 },
        doc: "How often the controller checks leader balance.",
    },
    BrokerConfigDef {
        name: "leader.imbalance.per.broker.percentage",
        default: "10",
        dynamic: false,
        kind: Kind::Int { min: 0 },
        doc: "Imbalance allowed before preferred leaders are restored.",
    },
    BrokerConfigDef {
        name: "log.cleaner.backoff.ms",
        default: "15000",
        dynamic: true,
        kind: Kind::Long { min: 0 },
        doc: "Sleep between cleaner runs when nothing is cleanable.",
    },
    BrokerConfigDef {
        name: "log.cleaner.delete.retention.ms",
        default: "86400000",
        dynamic: true,
        kind: Kind::Long { min: 0 },
        doc: "Default delete.retention.ms.",
    },
    BrokerConfigDef {
        name: "log.cleaner.min.cleanable.ratio",
        default: "0.5",
        dynamic: true,
        kind: Kind::Ratio,
        doc: "Default min.cleanable.dirty.ratio.",
    },
    BrokerConfigDef {
        name: "log.cleaner.min.compaction.lag.ms",
        default: "0",
        dynamic: true,
        kind: Kind::Long { min: 0 },
        doc: "Default min.compaction.lag.ms.",
    },
    BrokerConfigDef {
        name: "log.cleaner.threads",
        default: "1",
        dynamic: true,
        kind: Kind::Int { min: 0 },
        doc: "Log cleaner threads.",
    },
    BrokerConfigDef {
        name: "log.cleanup.policy",
        default: "delete",
        dynamic: true,
        kind: Kind::List(CLEANUP),
        doc: "Default cleanup.policy.",
    },
    BrokerConfigDef {
        name: "log.flush.interval.messages",
        default: "9223372036854775807",
        dynamic: true,
        kind: Kind::Long { min: 1 },
        doc: "Default flush.messages.",
    },
    BrokerConfigDef {
        name: "log.flush.interval.ms",
        default: "9223372036854775807",
        dynamic: true,
        kind: Kind::Long { min: 0 },
        doc: "Default flush.ms.",
    },
    BrokerConfigDef {
        name: "log.retention.bytes",
        default: "-1",
        dynamic: true,
        kind: Kind::Long { min: i64::MIN },
        doc: "Default retention.bytes.",
    },
    BrokerConfigDef {
        name: "log.retention.check.interval.ms",
        default: "300000",
        dynamic: false,
        kind: Kind::Long { min: 1 },
        doc: "How often retention runs.",
    },
    BrokerConfigDef {
        name: "log.retention.hours",
        default: "168",
        dynamic: false,
        kind: Kind::Int { min: 0 },
        doc: "Retention in hours when log.retention.ms is not set.",
    },
    BrokerConfigDef {
        name: "log.retention.ms",
        default: "604800000",
        dynamic: true,
        kind: Kind::Long { min: -1 },
        doc: "Default retention.ms.",
    },
    BrokerConfigDef {
        name: "log.roll.ms",
        default: "604800000",
        dynamic: true,
        kind: Kind::Long { min: 1 },
        doc: "Default segment.ms.",
    },
    BrokerConfigDef {
        name: "log.segment.bytes",
        default: "1073741824",
        dynamic: true,
        kind: Kind::Int { min: 14 },
        doc: "Default segment.bytes.",
    },
    BrokerConfigDef {
        name: "message.max.bytes",
        default: "1048588",
        dynamic: true,
        kind: Kind::Int { min: 0 },
        doc: "Default max.message.bytes.",
    },
    BrokerConfigDef {
        name: "min.insync.replicas",
        default: "1",
        dynamic: true,
        kind: Kind::Int { min: 1 },
        doc: "Default min.insync.replicas.",
    },
    BrokerConfigDef {
        name: "num.partitions",
        default: "1",
        dynamic: false,
        kind: Kind::Int { min: 1 },
        doc: "Partitions of auto-created topics and of kafka-topics --create without --partitions.",
    },
    BrokerConfigDef {
        name: "offsets.retention.minutes",
        default: "10080",
        dynamic: false,
        kind: Kind::Int { min: 1 },
        doc: "How long committed offsets of an empty group are kept.",
    },
    BrokerConfigDef {
        name: "offsets.topic.num.partitions",
        default: "50",
        dynamic: false,
        kind: Kind::Int { min: 1 },
        doc: "Partitions of __consumer_offsets.",
    },
    BrokerConfigDef {
        name: "offsets.topic.replication.factor",
        default: "3",
        dynamic: false,
        kind: Kind::Int { min: 1 },
        doc: "Replication factor of __consumer_offsets.",
    },
    BrokerConfigDef {
        name: "replica.fetch.backoff.ms",
        default: "1000",
        dynamic: false,
        kind: Kind::Int { min: 0 },
        doc: "Follower back-off after a fetch error.",
    },
    BrokerConfigDef {
        name: "replica.fetch.wait.max.ms",
        default: "500",
        dynamic: false,
        kind: Kind::Int { min: 0 },
        doc: "How long a follower fetch may wait for data.",
    },
    BrokerConfigDef {
        name: "replica.lag.time.max.ms",
        default: "30000",
        dynamic: false,
        kind: Kind::Long { min: 0 },
        doc: "A follower not caught up for this long leaves the ISR.",
    },
    BrokerConfigDef {
        name: "transaction.max.timeout.ms",
        default: "900000",
        dynamic: false,
        kind: Kind::Int { min: 1 },
        doc: "Largest transaction.timeout.ms a producer may use.",
    },
    BrokerConfigDef {
        name: "transaction.state.log.min.isr",
        default: "2",
        dynamic: false,
        kind: Kind::Int { min: 1 },
        doc: "min.insync.replicas of __transaction_state.",
    },
    BrokerConfigDef {
        name: "transaction.state.log.num.partitions",
        default: "50",
        dynamic: false,
        kind: Kind::Int { min: 1 },
        doc: "Partitions of __transaction_state.",
    },
    BrokerConfigDef {
        name: "transaction.state.log.replication.factor",
        default: "3",
        dynamic: false,
        kind: Kind::Int { min: 1 },
        doc: "Replication factor of __transaction_state.",
    },
    BrokerConfigDef {
        name: "unclean.leader.election.enable",
        default: "false",
        dynamic: true,
        kind: Kind::Bool,
        doc: "Default unclean.leader.election.enable.",
    },
    BrokerConfigDef {
        name: "unclean.leader.election.interval.ms",
        default: "300000",
        dynamic: false,
        kind: Kind::Long { min: 1 },
        doc: "How often the controller looks for leaderless partitions to elect uncleanly.",
    },
];

pub fn broker_config_def(name: &str) -> Option<&'static BrokerConfigDef> {
    BROKER_CONFIGS.iter().find(|d| d.name == name)
}

/// The typed broker (cluster-wide) settings the engine reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokerSettings {
    pub auto_create_topics_enable: bool,
    pub auto_leader_rebalance_enable: bool,
    pub broker_heartbeat_interval_ms: i64,
    pub broker_session_timeout_ms: i64,
    pub default_replication_factor: i32,
    pub group_initial_rebalance_delay_ms: i64,
    pub group_min_session_timeout_ms: i64,
    pub group_max_session_timeout_ms: i64,
    pub leader_imbalance_check_interval_ms: i64,
    pub leader_imbalance_per_broker_percentage: i64,
    pub log_cleaner_backoff_ms: i64,
    pub log_retention_check_interval_ms: i64,
    pub num_partitions: i32,
    pub offsets_retention_ms: i64,
    pub offsets_topic_num_partitions: i32,
    pub offsets_topic_replication_factor: i32,
    pub replica_fetch_backoff_ms: i64,
    pub replica_fetch_wait_max_ms: i64,
    pub replica_lag_time_max_ms: i64,
    pub transaction_max_timeout_ms: i64,
    pub transaction_state_log_min_isr: i32,
    pub transaction_state_log_num_partitions: i32,
    pub transaction_state_log_replication_factor: i32,
    pub unclean_leader_election_interval_ms: i64,
}

impl BrokerSettings {
    pub fn resolve(map: &BTreeMap<String, String>) -> BrokerSettings {
        let long = |name: &str| -> i64 {
            map.get(name)
                .map(|s| s.as_str())
                .or_else(|| broker_config_def(name).map(|d| d.default))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0)
        };
        let boolean = |name: &str| -> bool {
            map.get(name)
                .map(|s| s.as_str())
                .or_else(|| broker_config_def(name).map(|d| d.default))
                .map(|v| v.eq_ignore_ascii_case("true"))
                .unwrap_or(false)
        };
        BrokerSettings {
            auto_create_topics_enable: boolean("auto.create.topics.enable"),
            auto_leader_rebalance_enable: boolean("auto.leader.rebalance.enable"),
            broker_heartbeat_interval_ms: long("broker.heartbeat.interval.ms"),
            broker_session_timeout_ms: long("broker.session.timeout.ms"),
            default_replication_factor: long("default.replication.factor") as i32,
            group_initial_rebalance_delay_ms: long("group.initial.rebalance.delay.ms"),
            group_min_session_timeout_ms: long("group.min.session.timeout.ms"),
            group_max_session_timeout_ms: long("group.max.session.timeout.ms"),
            leader_imbalance_check_interval_ms: long("leader.imbalance.check.interval.seconds") * 1000,
            leader_imbalance_per_broker_percentage: long("leader.imbalance.per.broker.percentage"),
            log_cleaner_backoff_ms: long("log.cleaner.backoff.ms"),
            log_retention_check_interval_ms: long("log.retention.check.interval.ms"),
            num_partitions: long("num.partitions") as i32,
            offsets_retention_ms: long("offsets.retention.minutes") * 60_000,
            offsets_topic_num_partitions: long("offsets.topic.num.partitions") as i32,
            offsets_topic_replication_factor: long("offsets.topic.replication.factor") as i32,
            replica_fetch_backoff_ms: long("replica.fetch.backoff.ms"),
            replica_fetch_wait_max_ms: long("replica.fetch.wait.max.ms"),
            replica_lag_time_max_ms: long("replica.lag.time.max.ms"),
            transaction_max_timeout_ms: long("transaction.max.timeout.ms"),
            transaction_state_log_min_isr: long("transaction.state.log.min.isr") as i32,
            transaction_state_log_num_partitions: long("transaction.state.log.num.partitions") as i32,
            transaction_state_log_replication_factor: long("transaction.state.log.replication.factor") as i32,
            unclean_leader_election_interval_ms: long("unclean.leader.election.interval.ms"),
        }
    }
}

impl Default for BrokerSettings {
    fn default() -> Self {
        BrokerSettings::resolve(&BTreeMap::new())
    }
}

/// Validates broker config overrides given at cluster creation.
pub fn validate_broker_configs(configs: &BTreeMap<String, String>) -> Result<(), String> {
    for (k, v) in configs {
        let def = broker_config_def(k).ok_or_else(|| format!("Unknown broker config name: {k}"))?;
        validate(k, def.kind, v)?;
    }
    Ok(())
}

/// Where a broker config value comes from, as `kafka-configs` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ConfigSource {
    DynamicTopicConfig,
    DynamicBrokerConfig,
    DynamicDefaultBrokerConfig,
    StaticBrokerConfig,
    DefaultConfig,
}

impl ConfigSource {
    pub fn name(self) -> &'static str {
        match self {
            ConfigSource::DynamicTopicConfig => "DYNAMIC_TOPIC_CONFIG",
            ConfigSource::DynamicBrokerConfig => "DYNAMIC_BROKER_CONFIG",
            ConfigSource::DynamicDefaultBrokerConfig => "DYNAMIC_DEFAULT_BROKER_CONFIG",
            ConfigSource::StaticBrokerConfig => "STATIC_BROKER_CONFIG",
            ConfigSource::DefaultConfig => "DEFAULT_CONFIG",
        }
    }
}

/// A config entry as `DescribeConfigs` returns it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigEntry {
    pub name: String,
    pub value: Option<String>,
    pub source: ConfigSource,
    pub sensitive: bool,
    pub read_only: bool,
    pub synonyms: Vec<(ConfigSource, String, String)>,
}

/// Builds the `DescribeConfigs` entries of a topic (sorted by name), with the synonym chain of
/// kafka-cli.md §6.3: topic override, then per-broker dynamic, cluster dynamic, static, default.
pub fn describe_topic_configs(
    overrides: &BTreeMap<String, String>,
    broker_dynamic: &BTreeMap<String, String>,
    cluster_dynamic: &BTreeMap<String, String>,
    static_broker: &BTreeMap<String, String>,
) -> Vec<ConfigEntry> {
    TOPIC_CONFIGS
        .iter()
        .map(|def| {
            let mut synonyms = Vec::new();
            if let Some(v) = overrides.get(def.name) {
                synonyms.push((ConfigSource::DynamicTopicConfig, def.name.to_string(), v.clone()));
            }
            for (src, map) in [
                (ConfigSource::DynamicBrokerConfig, broker_dynamic),
                (ConfigSource::DynamicDefaultBrokerConfig, cluster_dynamic),
                (ConfigSource::StaticBrokerConfig, static_broker),
            ] {
                if let Some(v) = map.get(def.broker_name) {
                    synonyms.push((src, def.broker_name.to_string(), v.clone()));
                }
            }
            if def.broker_default_shown {
                synonyms.push((ConfigSource::DefaultConfig, def.broker_name.to_string(), def.default.to_string()));
            }
            let (source, value) = match synonyms.first() {
                Some((src, _, v)) => (*src, v.clone()),
                None => (ConfigSource::DefaultConfig, def.default.to_string()),
            };
            ConfigEntry {
                name: def.name.to_string(),
                value: Some(value),
                source,
                sensitive: false,
                read_only: false,
                synonyms,
            }
        })
        .collect()
}

/// The id of the broker a `DescribeConfigs` for brokers is about (None = cluster default).
pub type BrokerScope = Option<BrokerId>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_kafka() {
        // kafka-semantics.md §4.8.
        let t = TopicConfig::default();
        assert_eq!(t.retention_ms, 604_800_000);
        assert_eq!(t.retention_bytes, -1);
        assert_eq!(t.segment_bytes, 1_073_741_824);
        assert_eq!(t.min_insync_replicas, 1);
        assert!(!t.unclean_leader_election_enable);
        assert!(t.cleanup_delete && !t.cleanup_compact);
        assert_eq!(t.delete_retention_ms, 86_400_000);
        assert_eq!(t.min_cleanable_dirty_ratio, (5, 10));
        let b = BrokerSettings::default();
        assert_eq!(b.replica_lag_time_max_ms, 30_000);
        assert_eq!(b.broker_session_timeout_ms, 9_000);
        assert_eq!(b.broker_heartbeat_interval_ms, 2_000);
        assert_eq!(b.offsets_topic_num_partitions, 50);
        assert_eq!(b.leader_imbalance_check_interval_ms, 300_000);
    }

    #[test]
    fn overrides_and_broker_fallbacks() {
        let mut topic = BTreeMap::new();
        topic.insert("cleanup.policy".to_string(), "compact,delete".to_string());
        let mut broker = BTreeMap::new();
        broker.insert("min.insync.replicas".to_string(), "2".to_string());
        broker.insert("log.retention.hours".to_string(), "1".to_string());
        let t = TopicConfig::resolve(&topic, &broker);
        assert!(t.cleanup_compact && t.cleanup_delete);
        assert_eq!(t.min_insync_replicas, 2);
        assert_eq!(t.retention_ms, 3_600_000);
    }

    #[test]
    fn validation_messages_are_kafkas() {
        // kafka-cli.md §2.2 and §12.
        let mut c = BTreeMap::new();
        c.insert("retention.mss".to_string(), "1".to_string());
        assert_eq!(validate_topic_configs(&c), Err("Unknown topic config name: retention.mss".to_string()));
        assert_eq!(
            validate("retention.ms", Kind::Long { min: -1 }, "abc"),
            Err("Invalid value abc for configuration retention.ms: Not a number of type LONG".to_string())
        );
        assert_eq!(
            validate("unclean.leader.election.enable", Kind::Bool, "yes"),
            Err("Invalid value yes for configuration unclean.leader.election.enable: Expected value to be either true or false".to_string())
        );
        assert_eq!(
            validate("min.insync.replicas", Kind::Int { min: 1 }, "0"),
            Err("Invalid value 0 for configuration min.insync.replicas: Value must be at least 1".to_string())
        );
        assert!(validate("cleanup.policy", Kind::List(CLEANUP), "compact,delete").is_ok());
        assert!(validate("cleanup.policy", Kind::List(CLEANUP), "compact,forever").is_err());
    }

    #[test]
    fn ratios_are_exact() {
        assert_eq!(parse_ratio("0.5"), Some((5, 10)));
        assert_eq!(parse_ratio("1"), Some((1, 1)));
        assert_eq!(parse_ratio(".25"), Some((25, 100)));
        assert_eq!(parse_ratio("abc"), None);
        assert_eq!(parse_ratio("."), None);
    }

    #[test]
    fn describe_synonyms_follow_kafka_cli_6_3() {
        let mut o = BTreeMap::new();
        o.insert("retention.ms".to_string(), "86400000".to_string());
        o.insert("cleanup.policy".to_string(), "compact".to_string());
        let e = describe_topic_configs(&o, &BTreeMap::new(), &BTreeMap::new(), &BTreeMap::new());
        let cp = e.iter().find(|x| x.name == "cleanup.policy").unwrap();
        assert_eq!(cp.synonyms.len(), 2);
        assert_eq!(cp.synonyms[1], (ConfigSource::DefaultConfig, "log.cleanup.policy".into(), "delete".into()));
        let rm = e.iter().find(|x| x.name == "retention.ms").unwrap();
        assert_eq!(rm.synonyms, vec![(ConfigSource::DynamicTopicConfig, "retention.ms".into(), "86400000".into())]);
    }
}
