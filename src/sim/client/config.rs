//! Producer and consumer configs: names, defaults (`ProducerConfig`) and validation,
//! including the idempotence rules of `ProducerConfig`.

use crate::sim::codec::Codec;
use crate::sim::config::{validate, Kind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The producer settings the simulation uses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct ProducerConfig {
    pub(crate) client_id: String,
    pub acks: i16,
    pub(crate) enable_idempotence: bool,
    pub(crate) transactional_id: Option<String>,
    pub(crate) transaction_timeout_ms: i64,
    pub(crate) retries: i64,
    pub(crate) batch_size: i32,
    pub(crate) linger_ms: i64,
    pub(crate) max_in_flight: i32,
    pub(crate) delivery_timeout_ms: i64,
    pub(crate) request_timeout_ms: i64,
    pub(crate) retry_backoff_ms: i64,
    pub(crate) retry_backoff_max_ms: i64,
    pub(crate) buffer_memory: i64,
    pub(crate) max_block_ms: i64,
    pub(crate) max_request_size: i32,
    pub(crate) partitioner_ignore_keys: bool,
    pub(crate) partitioner_adaptive: bool,
    pub(crate) metadata_max_age_ms: i64,
    /// `compression.type` (default `none`).
    pub(crate) compression: crate::sim::compression::CompressionType,
    /// Names given that Brokerlab does not model (Kafka logs them as unused).
    pub(crate) unused: Vec<String>,
}

const PRODUCER_KNOWN: &[&str] = &[
    "acks",
    "batch.size",
    "bootstrap.servers",
    "buffer.memory",
    "client.id",
    "compression.type",
    "delivery.timeout.ms",
    "enable.idempotence",
    "key.serializer",
    "linger.ms",
    "max.block.ms",
    "max.in.flight.requests.per.connection",
    "max.request.size",
    "metadata.max.age.ms",
    "partitioner.adaptive.partitioning.enable",
    "partitioner.availability.timeout.ms",
    "partitioner.class",
    "partitioner.ignore.keys",
    "request.timeout.ms",
    "retries",
    "retry.backoff.max.ms",
    "retry.backoff.ms",
    "transaction.timeout.ms",
    "transactional.id",
    "value.serializer",
    "compression.gzip.level",
    "send.buffer.bytes",
    "receive.buffer.bytes",
];

/// `CompressionType`'s names, in declaration order (`compression.type`'s valid values).
pub(crate) const COMPRESSION_TYPES: &[&str] = &["none", "gzip", "snappy", "lz4", "zstd"];

fn get_long(map: &BTreeMap<String, String>, name: &str, default: i64, min: i64) -> Result<i64, String> {
    match map.get(name) {
        None => Ok(default),
        Some(v) => {
            validate(name, Kind::Long { min }, v)?;
            Ok(v.trim().parse().unwrap_or(default))
        }
    }
}

fn get_int(map: &BTreeMap<String, String>, name: &str, default: i64, min: i64) -> Result<i64, String> {
    match map.get(name) {
        None => Ok(default),
        Some(v) => {
            validate(name, Kind::Int { min }, v)?;
            Ok(v.trim().parse().unwrap_or(default))
        }
    }
}

fn get_bool(map: &BTreeMap<String, String>, name: &str, default: bool) -> Result<bool, String> {
    match map.get(name) {
        None => Ok(default),
        Some(v) => {
            validate(name, Kind::Bool, v)?;
            Ok(v.trim().eq_ignore_ascii_case("true"))
        }
    }
}

impl ProducerConfig {
    /// Parses producer properties. Errors carry Kafka's `ConfigException` text.
    pub fn parse(map: &BTreeMap<String, String>) -> Result<ProducerConfig, String> {
        let acks = match map.get("acks").map(|s| s.trim()) {
            None | Some("all") | Some("-1") => -1,
            Some("0") => 0,
            Some("1") => 1,
            Some(v) => {
                return Err(format!("Invalid value {v} for configuration acks: String must be one of: all, -1, 0, 1"))
            }
        };
        let retries = get_int(map, "retries", i64::from(i32::MAX), 0)?;
        let max_in_flight = get_int(map, "max.in.flight.requests.per.connection", 5, 1)? as i32;
        let transactional_id = map.get("transactional.id").filter(|s| !s.is_empty()).cloned();
        let explicit_idem = map.get("enable.idempotence").is_some();
        let mut idem = get_bool(map, "enable.idempotence", true)?;
        if transactional_id.is_some() && explicit_idem && !idem {
            return Err("Cannot set a transactional.id without also enabling idempotence.".into());
        }
        if transactional_id.is_some() {
            idem = true;
        }
        // `ProducerConfig`: conflicts disable a defaulted idempotence silently, and are
        // errors when idempotence was asked for.
        let conflict = if acks != -1 {
            Some("Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.")
        } else if retries == 0 {
            Some("Must set retries to non-zero when using the idempotent producer.")
        } else if max_in_flight > 5 {
            Some("Must set max.in.flight.requests.per.connection to at most 5 when using the idempotent producer.")
        } else {
            None
        };
        if let Some(msg) = conflict {
            if idem && (explicit_idem || transactional_id.is_some()) {
                return Err(msg.to_string());
            }
            idem = false;
        }
        let linger_ms = get_long(map, "linger.ms", 5, 0)?;
        let request_timeout_ms = get_int(map, "request.timeout.ms", 30_000, 0)?;
        let delivery_timeout_ms = get_int(map, "delivery.timeout.ms", 120_000, 0)?;
        if delivery_timeout_ms < linger_ms + request_timeout_ms && map.contains_key("delivery.timeout.ms") {
            return Err("delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms".into());
        }
        let batch_size = get_int(map, "batch.size", 16384, 0)? as i32;
        if let Some(v) = map.get("compression.type") {
            // ConfigDef.ValidString.in(Utils.enumOptions(CompressionType.class)): exact names.
            if !COMPRESSION_TYPES.contains(&v.as_str()) {
                return Err(format!(
                    "Invalid value {v} for configuration compression.type: String must be one of: {}",
                    COMPRESSION_TYPES.join(", ")
                ));
            }
        }
        let unused = map.keys().filter(|k| !PRODUCER_KNOWN.contains(&k.as_str())).cloned().collect();
        let compression = map
            .get("compression.type")
            .and_then(|v| crate::sim::compression::CompressionType::from_name(v))
            .unwrap_or_default();
        Ok(ProducerConfig {
            compression,
            client_id: map.get("client.id").cloned().unwrap_or_default(),
            acks,
            enable_idempotence: idem,
            transactional_id,
            transaction_timeout_ms: get_int(map, "transaction.timeout.ms", 60_000, 1)?,
            retries,
            batch_size: batch_size.max(1),
            linger_ms,
            max_in_flight,
            delivery_timeout_ms: delivery_timeout_ms.max(linger_ms + request_timeout_ms),
            request_timeout_ms,
            retry_backoff_ms: get_long(map, "retry.backoff.ms", 100, 0)?,
            retry_backoff_max_ms: get_long(map, "retry.backoff.max.ms", 1000, 0)?,
            buffer_memory: get_long(map, "buffer.memory", 33_554_432, 0)?,
            max_block_ms: get_long(map, "max.block.ms", 60_000, 0)?,
            max_request_size: get_int(map, "max.request.size", 1_048_576, 0)? as i32,
            partitioner_ignore_keys: get_bool(map, "partitioner.ignore.keys", false)?,
            partitioner_adaptive: get_bool(map, "partitioner.adaptive.partitioning.enable", true)?,
            metadata_max_age_ms: get_long(map, "metadata.max.age.ms", 300_000, 0)?,
            unused,
        })
    }
}

impl Default for ProducerConfig {
    fn default() -> Self {
        ProducerConfig::parse(&BTreeMap::new()).expect("defaults are valid")
    }
}

/// `auto.offset.reset`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub enum OffsetReset {
    Earliest,
    Latest,
    None,
}

/// The consumer settings the simulation uses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct ConsumerConfig {
    pub(crate) client_id: String,
    pub(crate) group_id: Option<String>,
    pub group_instance_id: Option<String>,
    pub(crate) auto_offset_reset: OffsetReset,
    pub(crate) enable_auto_commit: bool,
    pub(crate) auto_commit_interval_ms: i64,
    pub(crate) session_timeout_ms: i64,
    pub(crate) heartbeat_interval_ms: i64,
    pub(crate) max_poll_interval_ms: i64,
    pub(crate) max_poll_records: i32,
    pub(crate) fetch_min_bytes: i32,
    pub(crate) fetch_max_wait_ms: i64,
    pub(crate) fetch_max_bytes: i32,
    pub(crate) max_partition_fetch_bytes: i32,
    pub read_committed: bool,
    /// Assignor names in preference order (`partition.assignment.strategy`).
    pub(crate) assignors: Vec<String>,
    pub(crate) request_timeout_ms: i64,
    pub(crate) retry_backoff_ms: i64,
    pub(crate) retry_backoff_max_ms: i64,
    pub(crate) metadata_max_age_ms: i64,
    pub(crate) default_api_timeout_ms: i64,
    pub(crate) client_rack: Option<String>,
    pub(crate) unused: Vec<String>,
    /// `group.protocol=consumer`: the KIP-848 protocol (ConsumerGroupHeartbeat), with the
    /// server-side assignor of `group.remote.assignor` (`None`: the coordinator's default).
    #[serde(default)]
    pub consumer_protocol: bool,
    #[serde(default)]
    pub(crate) remote_assignor: Option<String>,
}

const CONSUMER_KNOWN: &[&str] = &[
    "auto.commit.interval.ms",
    "auto.offset.reset",
    "bootstrap.servers",
    "client.id",
    "client.rack",
    "default.api.timeout.ms",
    "enable.auto.commit",
    "fetch.max.bytes",
    "fetch.max.wait.ms",
    "fetch.min.bytes",
    "group.id",
    "group.instance.id",
    "group.protocol",
    "group.remote.assignor",
    "heartbeat.interval.ms",
    "isolation.level",
    "key.deserializer",
    "max.partition.fetch.bytes",
    "max.poll.interval.ms",
    "max.poll.records",
    "partition.assignment.strategy",
    "request.timeout.ms",
    "retry.backoff.ms",
    "retry.backoff.max.ms",
    "metadata.max.age.ms",
    "session.timeout.ms",
    "value.deserializer",
    "exclude.internal.topics",
    "allow.auto.create.topics",
];

/// Maps a `partition.assignment.strategy` entry (short name or class name) to its name.
pub(crate) fn assignor_name(entry: &str) -> Option<&'static str> {
    let e = entry.trim();
    let short = e.rsplit('.').next().unwrap_or(e);
    match (e, short) {
        ("range", _) | (_, "RangeAssignor") => Some("range"),
        ("roundrobin", _) | (_, "RoundRobinAssignor") => Some("roundrobin"),
        ("sticky", _) | (_, "StickyAssignor") => Some("sticky"),
        ("cooperative-sticky", _) | (_, "CooperativeStickyAssignor") => Some("cooperative-sticky"),
        _ => None,
    }
}

impl ConsumerConfig {
    pub fn parse(map: &BTreeMap<String, String>) -> Result<ConsumerConfig, String> {
        let reset = match map.get("auto.offset.reset").map(|s| s.trim()) {
            None | Some("latest") => OffsetReset::Latest,
            Some("earliest") => OffsetReset::Earliest,
            Some("none") => OffsetReset::None,
            Some(v) => return Err(format!("Invalid value {v} for configuration auto.offset.reset: Invalid value `{v}` for configuration auto.offset.reset. The value must be either 'earliest', 'latest', 'none' or of the format 'by_duration:<PnDTnHnMn.nS.>'.")),
        };
        let read_committed = match map.get("isolation.level").map(|s| s.trim()) {
            None | Some("read_uncommitted") => false,
            Some("read_committed") => true,
            Some(v) => return Err(format!("Invalid value {v} for configuration isolation.level: String must be one of: read_committed, read_uncommitted")),
        };
        let assignors = match map.get("partition.assignment.strategy") {
            None => vec!["range".to_string(), "cooperative-sticky".to_string()],
            Some(list) => {
                let mut v = Vec::new();
                for entry in list.split(',').filter(|s| !s.trim().is_empty()) {
                    match assignor_name(entry) {
                        Some(n) => v.push(n.to_string()),
                        None => return Err(format!("Invalid value {} for configuration partition.assignment.strategy: Class {} cannot be found", list, entry.trim())),
                    }
                }
                v
            }
        };
        // `ConsumerConfig`: group.protocol is CLASSIC or CONSUMER (any case); each protocol
        // refuses the other's settings (`checkUnsupportedConfigsPostProcess`).
        let consumer_protocol = match map.get("group.protocol").map(|p| p.trim()) {
            None => false,
            Some(p) if p.eq_ignore_ascii_case("classic") => false,
            Some(p) if p.eq_ignore_ascii_case("consumer") => true,
            Some(p) => {
                return Err(format!(
                    "Invalid value {p} for configuration group.protocol: String must be one of (case insensitive): classic, consumer"
                ))
            }
        };
        let set = |k: &str| map.get(k).map(|v| !v.trim().is_empty()).unwrap_or(false);
        let unsupported: &[&str] = if consumer_protocol {
            &["partition.assignment.strategy", "heartbeat.interval.ms", "session.timeout.ms"]
        } else {
            &["group.remote.assignor"]
        };
        let invalid: Vec<&str> = unsupported.iter().copied().filter(|k| set(k)).collect();
        if !invalid.is_empty() {
            return Err(format!(
                "{} cannot be set when group.protocol={}",
                invalid.join(", "),
                if consumer_protocol { "CONSUMER" } else { "CLASSIC" }
            ));
        }
        let remote_assignor = map.get("group.remote.assignor").map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let session = get_int(map, "session.timeout.ms", 45_000, 1)?;
        let heartbeat = get_int(map, "heartbeat.interval.ms", 3_000, 1)?;
        let unused = map.keys().filter(|k| !CONSUMER_KNOWN.contains(&k.as_str())).cloned().collect();
        Ok(ConsumerConfig {
            client_id: map.get("client.id").cloned().unwrap_or_default(),
            group_id: map.get("group.id").filter(|s| !s.is_empty()).cloned(),
            group_instance_id: map.get("group.instance.id").filter(|s| !s.is_empty()).cloned(),
            auto_offset_reset: reset,
            enable_auto_commit: get_bool(map, "enable.auto.commit", true)?,
            auto_commit_interval_ms: get_int(map, "auto.commit.interval.ms", 5_000, 0)?,
            session_timeout_ms: session,
            heartbeat_interval_ms: heartbeat,
            max_poll_interval_ms: get_int(map, "max.poll.interval.ms", 300_000, 1)?,
            max_poll_records: get_int(map, "max.poll.records", 500, 1)? as i32,
            fetch_min_bytes: get_int(map, "fetch.min.bytes", 1, 0)? as i32,
            fetch_max_wait_ms: get_int(map, "fetch.max.wait.ms", 500, 0)?,
            fetch_max_bytes: get_int(map, "fetch.max.bytes", 52_428_800, 0)? as i32,
            max_partition_fetch_bytes: get_int(map, "max.partition.fetch.bytes", 1_048_576, 0)? as i32,
            read_committed,
            assignors,
            request_timeout_ms: get_int(map, "request.timeout.ms", 30_000, 0)?,
            retry_backoff_ms: get_long(map, "retry.backoff.ms", 100, 0)?,
            retry_backoff_max_ms: get_long(map, "retry.backoff.max.ms", 1000, 0)?,
            metadata_max_age_ms: get_long(map, "metadata.max.age.ms", 300_000, 0)?,
            default_api_timeout_ms: get_int(map, "default.api.timeout.ms", 60_000, 0)?,
            client_rack: map.get("client.rack").cloned(),
            unused,
            consumer_protocol,
            remote_assignor,
        })
    }
}

impl Default for ConsumerConfig {
    fn default() -> Self {
        ConsumerConfig::parse(&BTreeMap::new()).expect("defaults are valid")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn producer_defaults_follow_kafka() {
        // (linger.ms = 5 as in Kafka 4.0, KIP-1030).
        let c = ProducerConfig::default();
        assert_eq!((c.acks, c.enable_idempotence, c.retries), (-1, true, i64::from(i32::MAX)));
        assert_eq!((c.batch_size, c.linger_ms, c.max_in_flight), (16384, 5, 5));
        assert_eq!((c.delivery_timeout_ms, c.request_timeout_ms), (120_000, 30_000));
    }

    #[test]
    fn idempotence_conflicts_follow_producer_config() {
        // Defaulted idempotence is silently turned off by acks=1.
        let c = ProducerConfig::parse(&m(&[("acks", "1")])).unwrap();
        assert!(!c.enable_idempotence);
        // Explicit idempotence with acks=1 is a ConfigException.
        let e = ProducerConfig::parse(&m(&[("acks", "1"), ("enable.idempotence", "true")])).unwrap_err();
        assert!(e.starts_with("Must set acks to all"));
        // A transactional id implies idempotence.
        let t = ProducerConfig::parse(&m(&[("transactional.id", "tx-1")])).unwrap();
        assert!(t.enable_idempotence);
        assert!(ProducerConfig::parse(&m(&[("acks", "2")]))
            .unwrap_err()
            .contains("String must be one of: all, -1, 0, 1"));
    }

    #[test]
    fn compression_type_is_one_of_the_codecs() {
        // ProducerConfig: compression.type is ValidString.in(Utils.enumOptions(CompressionType.class)).
        for ok in COMPRESSION_TYPES {
            assert!(ProducerConfig::parse(&m(&[("compression.type", ok)])).is_ok(), "{ok}");
        }
        assert_eq!(
            ProducerConfig::parse(&m(&[("compression.type", "rar")])).unwrap_err(),
            "Invalid value rar for configuration compression.type: String must be one of: none, gzip, snappy, lz4, zstd"
        );
        // Case matters (ValidString, not CaseInsensitiveValidString).
        assert!(ProducerConfig::parse(&m(&[("compression.type", "GZIP")])).is_err());
    }

    #[test]
    fn consumer_defaults_follow_kafka() {
        let c = ConsumerConfig::default();
        assert_eq!(c.auto_offset_reset, OffsetReset::Latest);
        assert!(c.enable_auto_commit && !c.read_committed);
        assert_eq!((c.session_timeout_ms, c.heartbeat_interval_ms, c.max_poll_interval_ms), (45_000, 3_000, 300_000));
        assert_eq!(c.assignors, vec!["range", "cooperative-sticky"]);
        assert_eq!(assignor_name("org.apache.kafka.clients.consumer.RoundRobinAssignor"), Some("roundrobin"));
    }
}
