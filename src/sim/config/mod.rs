//! Configuration: every topic and broker config of Apache Kafka 4.4 with its type, default,
//! validator and (for brokers) whether and where it may change at run time, and the
//! behaviour around them: validation with Kafka's messages, the `DescribeConfigs` entries
//! `kafka-configs --describe` prints (values, sources, synonyms), and the typed settings the
//! engine reads.
//!
//! The catalogues are data (`topic_configs.tsv`, `broker_configs.tsv`: names, types, defaults
//! and the validators' descriptions as Kafka prints them), checked against Kafka itself by
//! `tests/conformance_vectors.rs`. Brokerlab simulates the behaviour of only some configs (flag
//! `s`; the README lists the rest); the others are accepted, stored and described like Kafka's.
//!
//! Values are kept as strings exactly as given and parsed into typed structs once, when they
//! change — never on the hot path.

pub(crate) mod java;
mod rules;

use crate::sim::codec::Codec;
use crate::sim::errors::{ApiError, KafkaError};
use crate::sim::java::java_trim;
use crate::sim::sort::CompactSort;
use crate::sim::types::BrokerId;
use java::{ensure_valid, java_set_string, parse_type, Parsed};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// A config's type (`ConfigDef.Type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    Boolean,
    String,
    Int,
    Short,
    Long,
    Double,
    List,
    Class,
    Password,
}

impl Type {
    /// Kafka's name, as in `Not a number of type INT`.
    pub fn name(self) -> &'static str {
        match self {
            Type::Boolean => "BOOLEAN",
            Type::String => "STRING",
            Type::Int => "INT",
            Type::Short => "SHORT",
            Type::Long => "LONG",
            Type::Double => "DOUBLE",
            Type::List => "LIST",
            Type::Class => "CLASS",
            Type::Password => "PASSWORD",
        }
    }

    fn from_name(s: &str) -> Option<Type> {
        [
            Type::Boolean,
            Type::String,
            Type::Int,
            Type::Short,
            Type::Long,
            Type::Double,
            Type::List,
            Type::Class,
            Type::Password,
        ]
        .into_iter()
        .find(|t| t.name() == s)
    }
}

/// A config's validator (`ConfigDef.Validator`), as its description in Kafka's docs names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Valid {
    /// No validator.
    Any,
    /// `ConfigDef.Range`: the bounds as Kafka prints them (`[1,...]`, `[0,...,1]`).
    Range(Option<&'static str>, Option<&'static str>),
    /// `CompressionType.GZIP.levelValidator()`: `[1,...,9] or -1`.
    GzipLevel,
    /// `ConfigDef.ValidString`.
    OneOf(Vec<&'static str>),
    /// `ConfigDef.CaseInsensitiveValidString`, choices in the order Kafka prints them.
    OneOfIgnoreCase(Vec<&'static str>),
    /// `ConfigDef.ValidList`: allowed items (none listed: any), whether an empty list passes.
    List { items: Vec<&'static str>, empty_ok: bool, null_ok: bool },
    /// `ConfigDef.NonEmptyString`.
    NonEmptyString,
    /// `ConfigDef.NonNullValidator`.
    NonNull,
    /// `ThrottledReplicaListValidator`.
    ThrottledReplicas,
    /// `QuorumConfig.ControllerQuorumVotersValidator`.
    QuorumVoters,
    /// `QuorumConfig.ControllerQuorumBootstrapServersValidator`.
    QuorumBootstrap,
}

impl Valid {
    /// The validator a description stands for; `None` for one Brokerlab does not know.
    fn from_text(name: &str, ty: Type, text: Option<&'static str>, flags: &str) -> Option<Valid> {
        let Some(t) = text else { return Some(Valid::Any) };
        let inner = |t: &'static str| t.strip_prefix('[').and_then(|x| x.strip_suffix(']'));
        let items = |t: &'static str| -> Vec<&'static str> {
            if t.is_empty() {
                Vec::new()
            } else {
                t.split(", ").collect()
            }
        };
        Some(match t {
            "[1,...,9] or -1" => Valid::GzipLevel,
            "non-empty string" => Valid::NonEmptyString,
            "non-null string" => Valid::NonNull,
            "[partitionId]:[brokerId],[partitionId]:[brokerId],..." => Valid::ThrottledReplicas,
            "non-empty list" if name == "controller.quorum.voters" => Valid::QuorumVoters,
            "non-empty list" => Valid::QuorumBootstrap,
            _ if ty == Type::List && (t.is_empty() || inner(t).is_some()) => Valid::List {
                items: items(inner(t).unwrap_or("")),
                empty_ok: flags.contains('e'),
                null_ok: flags.contains('n'),
            },
            _ if t.starts_with("(case insensitive) ") => {
                Valid::OneOfIgnoreCase(items(inner(&t["(case insensitive) ".len()..])?))
            }
            _ if t.contains(",...") => {
                let body = inner(t)?;
                let (min, max) = match body.split_once(",...") {
                    Some((min, rest)) => (min, rest.strip_prefix(',').unwrap_or(rest)),
                    None => return None,
                };
                let bound = |b: &'static str| if b.is_empty() { None } else { Some(b) };
                Valid::Range(bound(min), bound(max))
            }
            _ if ty == Type::String => Valid::OneOf(items(inner(t)?)),
            _ => return None,
        })
    }
}

/// Whether and where a broker config may change at run time
/// (`DynamicBrokerConfig.dynamicConfigUpdateModes()`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    ReadOnly,
    PerBroker,
    ClusterWide,
}

impl Mode {
    /// The docs' "Update Mode".
    pub fn name(self) -> &'static str {
        match self {
            Mode::ReadOnly => "read-only",
            Mode::PerBroker => "per-broker",
            Mode::ClusterWide => "cluster-wide",
        }
    }
}

/// One topic config (`LogConfig`).
#[derive(Debug)]
pub struct TopicConfigDef {
    pub name: &'static str,
    pub ty: Type,
    /// `ConfigDef.convertToString` of the default; `None` when Kafka's default is null.
    pub default: Option<&'static str>,
    /// The validator's description (the docs' "Valid Values").
    pub valid_text: Option<&'static str>,
    pub(crate) valid: Valid,
    /// The broker config supplying the default (`ServerTopicConfigSynonyms`).
    pub server_default: Option<&'static str>,
    pub internal: bool,
}

/// One broker config (`KafkaConfig` and the dynamic broker quota configs).
#[derive(Debug)]
pub struct BrokerConfigDef {
    pub name: &'static str,
    pub ty: Type,
    pub default: Option<&'static str>,
    pub valid_text: Option<&'static str>,
    pub(crate) valid: Valid,
    pub mode: Mode,
    pub internal: bool,
    /// Only a dynamic config (`QuotaConfig.brokerQuotaConfigs()`), not in `KafkaConfig`.
    pub dynamic_only: bool,
    /// May only be set per listener (`DynamicBrokerConfig.DYNAMIC_SECURITY_CONFIGS`).
    pub listener_only: bool,
    pub(crate) simulated: bool,
}

impl BrokerConfigDef {
    /// Whether it may change at run time (`DynamicBrokerConfig.ALL_DYNAMIC_CONFIGS`).
    pub(crate) fn dynamic(&self) -> bool {
        self.mode != Mode::ReadOnly
    }

    /// Values hidden in describes (`AbstractKafkaConfig.maybeSensitive`): passwords.
    pub fn sensitive(&self) -> bool {
        self.ty == Type::Password
    }
}

const TOPIC_TSV: &str = include_str!("topic_configs.tsv");
const BROKER_TSV: &str = include_str!("broker_configs.tsv");

/// The tab-separated rows of a catalogue: comment lines start with `#`, `\N` is null.
fn rows(tsv: &'static str) -> impl Iterator<Item = Vec<Option<&'static str>>> {
    tsv.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| l.split('\t').map(|c| if c == "\\N" { None } else { Some(c) }).collect())
}

/// A catalogue row that does not parse is a mistake in the data file (checked by the unit
/// tests), never input: it panics at first use in every build.
fn bad_row(row: &[Option<&str>]) -> ! {
    panic!("malformed config catalogue row: {row:?}")
}

/// Every topic config of Kafka 4.4, sorted by name.
pub fn topic_configs() -> &'static [TopicConfigDef] {
    static CATALOGUE: OnceLock<Vec<TopicConfigDef>> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        rows(TOPIC_TSV)
            .map(|r| {
                let (Some(name), Some(ty), Some(flags)) =
                    (r[0], r.get(1).copied().flatten().and_then(Type::from_name), r.get(5).copied().flatten())
                else {
                    bad_row(&r)
                };
                let valid = Valid::from_text(name, ty, r[3], flags).unwrap_or_else(|| bad_row(&r));
                TopicConfigDef {
                    name,
                    ty,
                    default: r[2],
                    valid_text: r[3],
                    valid,
                    server_default: r[4],
                    internal: flags.contains('i'),
                }
            })
            .collect()
    })
}

/// Every broker config of Kafka 4.4, sorted by name.
pub fn broker_configs() -> &'static [BrokerConfigDef] {
    static CATALOGUE: OnceLock<Vec<BrokerConfigDef>> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        rows(BROKER_TSV)
            .map(|r| {
                let mode = match r.get(4).copied().flatten() {
                    Some("read-only") => Mode::ReadOnly,
                    Some("per-broker") => Mode::PerBroker,
                    Some("cluster-wide") => Mode::ClusterWide,
                    _ => bad_row(&r),
                };
                let (Some(name), Some(ty), Some(flags)) =
                    (r[0], r.get(1).copied().flatten().and_then(Type::from_name), r.get(5).copied().flatten())
                else {
                    bad_row(&r)
                };
                let valid = Valid::from_text(name, ty, r[3], flags).unwrap_or_else(|| bad_row(&r));
                BrokerConfigDef {
                    name,
                    ty,
                    default: r[2],
                    valid_text: r[3],
                    valid,
                    mode,
                    internal: flags.contains('i'),
                    dynamic_only: flags.contains('d'),
                    listener_only: flags.contains('l'),
                    simulated: flags.contains('s'),
                }
            })
            .collect()
    })
}

/// Looks up a topic config definition.
pub fn topic_config_def(name: &str) -> Option<&'static TopicConfigDef> {
    let all = topic_configs();
    all.binary_search_by(|d| d.name.cmp(name)).ok().map(|i| &all[i])
}

/// Looks up a broker config definition.
pub fn broker_config_def(name: &str) -> Option<&'static BrokerConfigDef> {
    let all = broker_configs();
    all.binary_search_by(|d| d.name.cmp(name)).ok().map(|i| &all[i])
}

/// Whether a class name would load on a Kafka broker: Brokerlab knows the classes Kafka's own
/// defaults name; anything else is, as on a broker without that jar, not found.
fn known_class(name: &str) -> bool {
    broker_configs()
        .iter()
        .filter(|d| matches!(d.ty, Type::Class | Type::List))
        .filter_map(|d| d.default)
        .any(|dflt| dflt.split(',').any(|c| c == name))
}

/// `ConfigDef.parseValue` for one value: parse as the type, then the validator. `dedup`: drop
/// duplicate list items first, as `AbstractConfig` does (not the dynamic broker path).
fn parse_valid(name: &str, ty: Type, valid: &Valid, raw: &str, dedup: bool) -> Result<Parsed, String> {
    let mut v = parse_type(name, ty, raw)?;
    ensure_valid(name, valid, &mut v, dedup)?;
    Ok(v)
}

/// How a describe prints a value once Kafka parsed it (`ConfigDef.convertToString`: `007` →
/// `7`, `TRUE` → `true`, `compact, delete` → `compact,delete`, a `ValidList` without its
/// duplicates); the raw text when it does not parse.
pub(crate) fn normalized(ty: Type, valid: &Valid, raw: &str) -> String {
    match parse_type("", ty, raw) {
        Ok(Parsed::Password) | Err(_) => raw.to_string(),
        Ok(Parsed::List(mut items)) if matches!(valid, Valid::List { .. }) => {
            let mut seen = Vec::new();
            items.retain(|i| {
                let new = !seen.contains(i);
                seen.push(i.clone());
                new
            });
            items.join(",")
        }
        Ok(v) => v.to_config_string(),
    }
}

/// A client config's kind, for the producer and consumer settings Brokerlab checks
/// (`sim::client::config`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Int { min: i64 },
    Long { min: i64 },
    Bool,
}

/// Validates a client config value with Kafka's `ConfigException` wording.
pub(crate) fn validate(name: &str, kind: Kind, value: &str) -> Result<(), String> {
    let (ty, min) = match kind {
        Kind::Int { min } => (Type::Int, Some(min)),
        Kind::Long { min } => (Type::Long, Some(min)),
        Kind::Bool => (Type::Boolean, None),
    };
    match (parse_type(name, ty, value)?, min) {
        (Parsed::Int(v), Some(min)) if v < min => {
            Err(java::invalid(name, &v.to_string(), &format!("Value must be at least {min}")))
        }
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------------
// Topic configs
// ---------------------------------------------------------------------------------------------

/// The unknown-name check and each value's type and validator (`LogConfig.validateNames`, then
/// `ConfigDef.parse`), then `LogConfig.validateValues`, with `broker` supplying what the topic
/// does not set.
fn validate_topic_values(configs: &BTreeMap<String, String>, broker: &BTreeMap<String, String>) -> Result<(), String> {
    if let Some(unknown) = configs.keys().find(|k| topic_config_def(k).is_none()) {
        return Err(format!("Unknown topic config name: {unknown}"));
    }
    for def in topic_configs() {
        if let Some(v) = configs.get(def.name) {
            parse_valid(def.name, def.ty, &def.valid, v, true)?;
        }
    }
    let lag = |name: &str| -> i64 {
        let v = configs.get(name).cloned().or_else(|| topic_broker_value(name, broker));
        v.and_then(|v| java_trim(&v).parse().ok()).unwrap_or(0)
    };
    let (min, max) = (lag("min.compaction.lag.ms"), lag("max.compaction.lag.ms"));
    if min > max {
        return Err(format!(
            "conflict topic config setting min.compaction.lag.ms ({min}) > max.compaction.lag.ms ({max})"
        ));
    }
    Ok(())
}

/// A client's check of topic configs (`LogConfig.validate(props)`, as `kafka-topics --config`
/// runs it before asking the cluster).
pub(crate) fn validate_topic_configs(configs: &BTreeMap<String, String>) -> Result<(), String> {
    validate_topic_values(configs, &BTreeMap::new())
}

/// The controller's check of a topic's new configs (`ControllerConfigurationValidator` →
/// `LogConfig.validate` with the broker's log configs, `validateTopicLogConfigValues`): tiered
/// storage needs `remote.log.storage.system.enable=true` (false by default), the delete policy
/// only, and local retention within the topic's retention.
pub fn validate_topic_configs_on_controller(
    configs: &BTreeMap<String, String>,
    broker: &BTreeMap<String, String>,
) -> Result<(), String> {
    validate_topic_configs_with(&BTreeMap::new(), configs, broker)
}

/// [`validate_topic_configs_on_controller`] for an alteration: `existing` are the topic's
/// configs before it (`validateTurningOffRemoteStorageWithDelete`).
pub(crate) fn validate_topic_configs_with(
    existing: &BTreeMap<String, String>,
    configs: &BTreeMap<String, String>,
    broker: &BTreeMap<String, String>,
) -> Result<(), String> {
    validate_topic_values(configs, broker)?;
    let flag = |m: &BTreeMap<String, String>, name: &str| {
        m.get(name).is_some_and(|v| java_trim(v).eq_ignore_ascii_case("true"))
    };
    if !flag(configs, "remote.storage.enable") {
        if flag(existing, "remote.storage.enable") && !flag(configs, "remote.log.delete.on.disable") {
            return Err("It is invalid to disable remote storage without deleting remote data. If you want to keep the remote data and turn to read only, please set `remote.storage.enable=true,remote.log.copy.disable=true`. If you want to disable remote storage and delete all remote data, please set `remote.storage.enable=false,remote.log.delete.on.disable=true`.".to_string());
        }
        return Ok(());
    }
    // LogConfig.validateRemoteStorageOnlyIfSystemEnabled
    let system = broker_config_value("remote.log.storage.system.enable", broker)
        .is_some_and(|v| java_trim(&v).eq_ignore_ascii_case("true"));
    if !system {
        return Err(
            "Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage."
                .to_string(),
        );
    }
    let cfg = TopicConfig::resolve(configs, broker);
    // validateRemoteStorageRequiresDeleteCleanupPolicy: `delete` alone, or an empty list.
    if cfg.cleanup_compact {
        return Err(
            "Remote log storage only supports topics with cleanup.policy=delete or cleanup.policy being an empty list."
                .to_string(),
        );
    }
    // validateRemoteStorageRetentionSize / validateRemoteStorageRetentionTime: ConfigException(name, value, message).
    for (local_name, local, name, limit, unlimited) in [
        (
            "local.retention.bytes",
            cfg.local_retention_bytes,
            "retention.bytes",
            cfg.retention_bytes,
            cfg.retention_bytes <= -1,
        ),
        ("local.retention.ms", cfg.local_retention_ms, "retention.ms", cfg.retention_ms, cfg.retention_ms == -1),
    ] {
        if unlimited || local == -2 {
            continue;
        }
        if local == -1 {
            return Err(java::invalid(
                local_name,
                &local.to_string(),
                &format!("Value must not be -1 as {name} value is set as {limit}."),
            ));
        }
        if local > limit {
            return Err(java::invalid(
                local_name,
                &local.to_string(),
                &format!("Value must not be more than {name} property value: {limit}"),
            ));
        }
    }
    Ok(())
}

/// Parses a decimal such as `0.5` or `1e-1` into an exact ratio `(numerator, denominator)`, so
/// that decisions compare integers (`a/b > n/d` ⇔ `a·d > n·b`), never floats.
pub(crate) fn parse_ratio(text: &str) -> Option<(u64, u64)> {
    let t = text.trim();
    let (t, exp) = match t.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i32>().ok()?),
        None => (t, 0),
    };
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
    let mut den = 10u64.pow(frac.len() as u32);
    let i: u64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let f: u64 = if frac.is_empty() { 0 } else { frac.parse().ok()? };
    let mut num = i.checked_mul(den)?.checked_add(f)?;
    if exp > 0 {
        num = num.checked_mul(10u64.checked_pow(exp as u32)?)?;
    } else if exp < 0 {
        den = den.checked_mul(10u64.checked_pow(exp.unsigned_abs())?)?;
    }
    Some((num, den))
}

/// The broker configs whose values stand in for each other (`DynamicBrokerConfig.
/// brokerConfigSynonyms`): the first wins; the others are its older, coarser units.
fn broker_synonyms(name: &str) -> &'static [&'static str] {
    const FAMILIES: &[&[&str]] = &[
        &["log.roll.ms", "log.roll.hours"],
        &["log.roll.jitter.ms", "log.roll.jitter.hours"],
        &["log.retention.ms", "log.retention.minutes", "log.retention.hours"],
    ];
    if name == "log.flush.interval.ms" {
        return &["log.flush.interval.ms", "log.flush.scheduler.interval.ms"];
    }
    FAMILIES.iter().find(|f| f.contains(&name)).copied().unwrap_or(&[])
}

/// The value a broker gives a topic config the topic does not set
/// (`KafkaConfig.extractLogConfigMap`): the broker config it maps to, with the `*.hours` and
/// `*.minutes` fallbacks of `log.roll.ms`, `log.roll.jitter.ms`, `log.retention.ms` and
/// `log.flush.interval.ms`; the topic default when no broker config maps to it.
pub(crate) fn topic_broker_value(topic_config: &str, broker: &BTreeMap<String, String>) -> Option<String> {
    let def = topic_config_def(topic_config)?;
    let Some(server) = def.server_default else { return def.default.map(str::to_string) };
    let e = rules::Effective { set: broker, originals: broker };
    let set_num = |n: &str| broker.get(n).and_then(|v| java_trim(v).parse::<i64>().ok());
    let hours = |n: &str| broker_config_value(n, broker).and_then(|v| java_trim(&v).parse::<i64>().ok());
    Some(match server {
        "log.retention.ms" => rules::retention_ms(&e).to_string(),
        "log.roll.ms" => set_num(server)
            .unwrap_or_else(|| hours("log.roll.hours").unwrap_or(0).saturating_mul(3_600_000))
            .to_string(),
        "log.roll.jitter.ms" => set_num(server)
            .unwrap_or_else(|| hours("log.roll.jitter.hours").unwrap_or(0).saturating_mul(3_600_000))
            .to_string(),
        "log.flush.interval.ms" => broker_config_value(server, broker)
            .or_else(|| broker_config_value("log.flush.scheduler.interval.ms", broker))?,
        _ => broker_config_value(server, broker).or_else(|| def.default.map(str::to_string))?,
    })
}

/// A broker config's value: set, else its default.
fn broker_config_value(name: &str, broker: &BTreeMap<String, String>) -> Option<String> {
    broker.get(name).cloned().or_else(|| broker_config_def(name).and_then(|d| d.default).map(str::to_string))
}

/// The typed, effective configuration of one topic.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct TopicConfig {
    pub(crate) cleanup_delete: bool,
    pub(crate) cleanup_compact: bool,
    pub(crate) delete_retention_ms: i64,
    pub(crate) flush_messages: i64,
    pub(crate) flush_ms: i64,
    pub(crate) max_compaction_lag_ms: i64,
    pub(crate) max_message_bytes: i32,
    pub(crate) log_append_time: bool,
    pub(crate) min_cleanable_dirty_ratio: (u64, u64),
    pub(crate) min_compaction_lag_ms: i64,
    pub(crate) min_insync_replicas: i32,
    pub(crate) retention_bytes: i64,
    pub(crate) retention_ms: i64,
    pub(crate) segment_bytes: i32,
    pub(crate) segment_ms: i64,
    pub(crate) unclean_leader_election_enable: bool,
    /// `compression.type`: `producer`, `uncompressed` or a codec's name.
    pub(crate) compression_type: String,
    /// `remote.storage.enable` (KIP-405): the leader copies rolled segments to the remote store.
    #[serde(default)]
    pub(crate) remote_storage_enable: bool,
    /// `local.retention.ms` / `local.retention.bytes` as `UnifiedLog.localRetentionMs/Size`
    /// resolve them: -2 means `retention.ms` / `retention.bytes`.
    #[serde(default)]
    pub(crate) local_retention_ms: i64,
    #[serde(default)]
    pub(crate) local_retention_bytes: i64,
}

impl TopicConfig {
    /// `UnifiedLog.localRetentionMs`: the local log's time limit of a tiered topic.
    pub(crate) fn effective_local_retention_ms(&self) -> i64 {
        if self.local_retention_ms == -2 {
            self.retention_ms
        } else {
            self.local_retention_ms
        }
    }

    /// `UnifiedLog.localRetentionSize`.
    pub(crate) fn effective_local_retention_bytes(&self) -> i64 {
        if self.local_retention_bytes == -2 {
            self.retention_bytes
        } else {
            self.local_retention_bytes
        }
    }
}

impl TopicConfig {
    /// Resolves a topic's configs: topic override, then broker-level value, then default.
    pub(crate) fn resolve(topic: &BTreeMap<String, String>, broker: &BTreeMap<String, String>) -> TopicConfig {
        // The topic's override, else what the broker gives it (KafkaConfig.extractLogConfigMap).
        let get = |name: &str| -> String {
            let raw = topic.get(name).cloned().or_else(|| topic_broker_value(name, broker)).unwrap_or_default();
            match topic_config_def(name) {
                Some(def) => normalized(def.ty, &def.valid, &raw),
                None => raw,
            }
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
            // LogConfig.segmentSize(): the internal test override wins when set.
            segment_bytes: match topic.get("internal.segment.bytes").and_then(|v| java_trim(v).parse::<i32>().ok()) {
                Some(internal) => internal,
                None => long("segment.bytes") as i32,
            },
            segment_ms: long("segment.ms"),
            unclean_leader_election_enable: get("unclean.leader.election.enable").eq_ignore_ascii_case("true"),
            compression_type: get("compression.type"),
            remote_storage_enable: get("remote.storage.enable").eq_ignore_ascii_case("true"),
            local_retention_ms: long("local.retention.ms"),
            local_retention_bytes: long("local.retention.bytes"),
        }
    }
}

impl Default for TopicConfig {
    fn default() -> Self {
        TopicConfig::resolve(&BTreeMap::new(), &BTreeMap::new())
    }
}

/// The one `ReplicaSelector` Brokerlab has (`org.apache.kafka.common.replica`).
pub(crate) const RACK_AWARE_REPLICA_SELECTOR: &str = "org.apache.kafka.common.replica.RackAwareReplicaSelector";

/// The typed broker (cluster-wide) settings the engine reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct BrokerSettings {
    pub(crate) auto_create_topics_enable: bool,
    pub(crate) auto_leader_rebalance_enable: bool,
    pub(crate) broker_heartbeat_interval_ms: i64,
    pub(crate) broker_session_timeout_ms: i64,
    pub(crate) default_replication_factor: i32,
    pub(crate) group_initial_rebalance_delay_ms: i64,
    pub(crate) group_min_session_timeout_ms: i64,
    pub(crate) group_max_session_timeout_ms: i64,
    /// KIP-848 consumer groups: `group.consumer.session.timeout.ms`,
    /// `group.consumer.heartbeat.interval.ms`, `group.consumer.assignment.interval.ms` and the
    /// server assignors of `group.consumer.assignors` (the first is the default).
    #[serde(default = "default_consumer_group_settings")]
    pub(crate) consumer_group: ConsumerGroupSettings,
    pub(crate) leader_imbalance_check_interval_ms: i64,
    pub(crate) leader_imbalance_per_broker_percentage: i64,
    pub(crate) log_cleaner_backoff_ms: i64,
    pub(crate) log_retention_check_interval_ms: i64,
    /// `metadata.max.idle.interval.ms`: how often the active controller writes a
    /// `NoOpRecord` (0: never).
    #[serde(default = "default_metadata_max_idle_interval_ms")]
    pub(crate) metadata_max_idle_interval_ms: i64,
    pub(crate) num_partitions: i32,
    pub(crate) offsets_retention_ms: i64,
    pub(crate) offsets_topic_num_partitions: i32,
    pub(crate) offsets_topic_replication_factor: i32,
    pub(crate) replica_fetch_backoff_ms: i64,
    pub(crate) replica_fetch_wait_max_ms: i64,
    pub(crate) replica_lag_time_max_ms: i64,
    /// `replica.selector.class` names `RackAwareReplicaSelector` (KIP-392): leaders send
    /// consumers with a `client.rack` to a replica in their rack. Unset (Kafka's default), a
    /// leader always serves its consumers itself.
    #[serde(default)]
    pub(crate) rack_aware_replica_selector: bool,
    pub(crate) transaction_max_timeout_ms: i64,
    pub(crate) transaction_state_log_min_isr: i32,
    pub(crate) transaction_state_log_num_partitions: i32,
    pub(crate) transaction_state_log_replication_factor: i32,
    pub(crate) unclean_leader_election_interval_ms: i64,
    /// `share.coordinator.state.topic.*` (`ShareCoordinatorConfig`): partitions, replication
    /// factor and min.insync.replicas of `__share_group_state`.
    #[serde(default = "default_share_state_topic")]
    pub share_state_topic: (i32, i32, i32),
    /// `remote.log.storage.system.enable` (KIP-405): tiered storage on this cluster.
    #[serde(default)]
    pub(crate) remote_log_storage_system_enable: bool,
    /// `remote.log.manager.task.interval.ms`: how often each leader's `RLMCopyTask` and
    /// `RLMExpirationTask` run (30 s).
    #[serde(default)]
    pub(crate) remote_log_manager_task_interval_ms: i64,
}

fn default_share_state_topic() -> (i32, i32, i32) {
    (50, 3, 2)
}

impl BrokerSettings {
    pub(crate) fn resolve(map: &BTreeMap<String, String>) -> BrokerSettings {
        let long = |name: &str| -> i64 {
            map.get(name)
                .map(|s| s.as_str())
                .or_else(|| broker_config_def(name).and_then(|d| d.default))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0)
        };
        let boolean = |name: &str| -> bool {
            map.get(name)
                .map(|s| s.as_str())
                .or_else(|| broker_config_def(name).and_then(|d| d.default))
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
            consumer_group: ConsumerGroupSettings {
                session_timeout_ms: long("group.consumer.session.timeout.ms"),
                heartbeat_interval_ms: long("group.consumer.heartbeat.interval.ms"),
                assignment_interval_ms: long("group.consumer.assignment.interval.ms"),
                assignors: map
                    .get("group.consumer.assignors")
                    .map(|s| s.as_str())
                    .or_else(|| broker_config_def("group.consumer.assignors").and_then(|d| d.default))
                    .unwrap_or("uniform,range")
                    .split(',')
                    .map(|a| a.trim())
                    .filter(|a| !a.is_empty())
                    .map(|a| match a {
                        "org.apache.kafka.coordinator.group.assignor.UniformAssignor" => "uniform".to_string(),
                        "org.apache.kafka.coordinator.group.assignor.RangeAssignor" => "range".to_string(),
                        other => other.to_string(),
                    })
                    .collect(),
                migration_policy: map
                    .get("group.consumer.migration.policy")
                    .map(|s| s.as_str())
                    .or_else(|| broker_config_def("group.consumer.migration.policy").and_then(|d| d.default))
                    .map(MigrationPolicy::parse)
                    .unwrap_or(MigrationPolicy::Bidirectional),
            },
            leader_imbalance_check_interval_ms: long("leader.imbalance.check.interval.seconds") * 1000,
            leader_imbalance_per_broker_percentage: long("leader.imbalance.per.broker.percentage"),
            log_cleaner_backoff_ms: long("log.cleaner.backoff.ms"),
            log_retention_check_interval_ms: long("log.retention.check.interval.ms"),
            metadata_max_idle_interval_ms: long("metadata.max.idle.interval.ms"),
            num_partitions: long("num.partitions") as i32,
            offsets_retention_ms: long("offsets.retention.minutes") * 60_000,
            offsets_topic_num_partitions: long("offsets.topic.num.partitions") as i32,
            offsets_topic_replication_factor: long("offsets.topic.replication.factor") as i32,
            replica_fetch_backoff_ms: long("replica.fetch.backoff.ms"),
            replica_fetch_wait_max_ms: long("replica.fetch.wait.max.ms"),
            replica_lag_time_max_ms: long("replica.lag.time.max.ms"),
            rack_aware_replica_selector: map.get("replica.selector.class").map(|s| s.trim())
                == Some(RACK_AWARE_REPLICA_SELECTOR),
            transaction_max_timeout_ms: long("transaction.max.timeout.ms"),
            transaction_state_log_min_isr: long("transaction.state.log.min.isr") as i32,
            transaction_state_log_num_partitions: long("transaction.state.log.num.partitions") as i32,
            transaction_state_log_replication_factor: long("transaction.state.log.replication.factor") as i32,
            unclean_leader_election_interval_ms: long("unclean.leader.election.interval.ms"),
            share_state_topic: (
                long("share.coordinator.state.topic.num.partitions") as i32,
                long("share.coordinator.state.topic.replication.factor") as i32,
                long("share.coordinator.state.topic.min.isr") as i32,
            ),
            remote_log_storage_system_enable: boolean("remote.log.storage.system.enable"),
            remote_log_manager_task_interval_ms: long("remote.log.manager.task.interval.ms"),
        }
    }
}

/// The KIP-848 consumer group settings (`GroupCoordinatorConfig`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct ConsumerGroupSettings {
    pub(crate) session_timeout_ms: i64,
    pub(crate) heartbeat_interval_ms: i64,
    pub(crate) assignment_interval_ms: i64,
    pub(crate) assignors: Vec<String>,
    /// `group.consumer.migration.policy` (KIP-848's online upgrade and downgrade of non-empty
    /// groups).
    #[serde(default)]
    pub migration_policy: MigrationPolicy,
}

/// `ConsumerGroupMigrationPolicy`: whether a non-empty classic group may be converted to a
/// consumer group (upgrade) and back (downgrade); empty groups convert either way regardless.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) enum MigrationPolicy {
    #[default]
    Bidirectional,
    Upgrade,
    Downgrade,
    Disabled,
}

impl MigrationPolicy {
    /// `ConsumerGroupMigrationPolicy.parse`: case-insensitive; anything else is `disabled`.
    pub(crate) fn parse(name: &str) -> MigrationPolicy {
        match name.trim().to_ascii_lowercase().as_str() {
            "bidirectional" => MigrationPolicy::Bidirectional,
            "upgrade" => MigrationPolicy::Upgrade,
            "downgrade" => MigrationPolicy::Downgrade,
            _ => MigrationPolicy::Disabled,
        }
    }

    pub(crate) fn upgrade_enabled(self) -> bool {
        matches!(self, MigrationPolicy::Bidirectional | MigrationPolicy::Upgrade)
    }

    pub(crate) fn downgrade_enabled(self) -> bool {
        matches!(self, MigrationPolicy::Bidirectional | MigrationPolicy::Downgrade)
    }
}

fn default_consumer_group_settings() -> ConsumerGroupSettings {
    BrokerSettings::resolve(&BTreeMap::new()).consumer_group
}

fn default_metadata_max_idle_interval_ms() -> i64 {
    500
}

impl Default for BrokerSettings {
    fn default() -> Self {
        BrokerSettings::resolve(&BTreeMap::new())
    }
}

/// Where a broker config value comes from, as `kafka-configs` names it.
// The variants are Kafka's `ConfigEntry.ConfigSource` names (and saved in snapshots by name).
#[allow(clippy::enum_variant_names)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Codec)]
pub(crate) enum ConfigSource {
    DynamicTopicConfig,
    DynamicBrokerConfig,
    DynamicDefaultBrokerConfig,
    StaticBrokerConfig,
    DefaultConfig,
}

impl ConfigSource {
    pub(crate) fn name(self) -> &'static str {
        match self {
            ConfigSource::DynamicTopicConfig => "DYNAMIC_TOPIC_CONFIG",
            ConfigSource::DynamicBrokerConfig => "DYNAMIC_BROKER_CONFIG",
            ConfigSource::DynamicDefaultBrokerConfig => "DYNAMIC_DEFAULT_BROKER_CONFIG",
            ConfigSource::StaticBrokerConfig => "STATIC_BROKER_CONFIG",
            ConfigSource::DefaultConfig => "DEFAULT_CONFIG",
        }
    }
}

/// A config entry as `DescribeConfigs` returns it; a sensitive value is `None` (printed `null`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct ConfigEntry {
    pub name: String,
    pub value: Option<String>,
    pub(crate) source: ConfigSource,
    pub sensitive: bool,
    pub read_only: bool,
    pub(crate) synonyms: Vec<(ConfigSource, String, Option<String>)>,
}

/// The synonym chain of `ConfigHelper.configSynonyms`: each name of the family at each level
/// (per-broker dynamic, cluster dynamic, static, Kafka's default), then everything before
/// `name` itself dropped (a value set in a coarser unit is not a synonym of the finer one).
fn synonym_chain(
    name: &str,
    family: &[&str],
    levels: [(ConfigSource, &BTreeMap<String, String>); 3],
    sensitive: bool,
) -> Vec<(ConfigSource, String, Option<String>)> {
    let single = [name];
    let family: &[&str] = if family.is_empty() { &single } else { family };
    let mut chain = Vec::new();
    for (source, map) in levels {
        for n in family {
            if let Some(v) = map.get(*n) {
                chain.push((source, n.to_string(), if sensitive { None } else { Some(v.clone()) }));
            }
        }
    }
    for n in family {
        if let Some(d) = broker_config_def(n).and_then(|d| d.default) {
            chain.push((
                ConfigSource::DefaultConfig,
                n.to_string(),
                if sensitive { None } else { Some(d.to_string()) },
            ));
        }
    }
    let first = chain.iter().position(|(_, n, _)| n == name).unwrap_or(chain.len());
    chain.split_off(first)
}

/// The `DescribeConfigs` entries of a topic (`ConfigHelper.createTopicConfigEntry`), sorted by
/// name: every non-internal topic config, its value as Kafka parsed it (the override, else what
/// the broker gives it), and its synonyms — the override, then the broker config it maps to at
/// each level.
pub fn describe_topic_configs(
    overrides: &BTreeMap<String, String>,
    broker_dynamic: &BTreeMap<String, String>,
    cluster_dynamic: &BTreeMap<String, String>,
    static_broker: &BTreeMap<String, String>,
) -> Vec<ConfigEntry> {
    let mut broker = static_broker.clone();
    broker.extend(cluster_dynamic.iter().map(|(k, v)| (k.clone(), v.clone())));
    broker.extend(broker_dynamic.iter().map(|(k, v)| (k.clone(), v.clone())));
    topic_configs()
        .iter()
        // Internal configs only when the topic sets them (ConfigHelperUtils.createResponseConfig).
        .filter(|def| !def.internal || overrides.contains_key(def.name))
        .map(|def| {
            let value = match overrides.get(def.name) {
                Some(v) => Some(normalized(def.ty, &def.valid, v)),
                None => topic_broker_value(def.name, &broker).map(|v| normalized(def.ty, &def.valid, &v)),
            };
            let mut synonyms = Vec::new();
            if overrides.contains_key(def.name) {
                synonyms.push((ConfigSource::DynamicTopicConfig, def.name.to_string(), value.clone()));
            }
            if let Some(server) = def.server_default {
                synonyms.extend(synonym_chain(
                    server,
                    broker_synonyms(server),
                    [
                        (ConfigSource::DynamicBrokerConfig, broker_dynamic),
                        (ConfigSource::DynamicDefaultBrokerConfig, cluster_dynamic),
                        (ConfigSource::StaticBrokerConfig, static_broker),
                    ],
                    false,
                ));
            }
            let source = synonyms.first().map(|s| s.0).unwrap_or(ConfigSource::DefaultConfig);
            ConfigEntry { name: def.name.to_string(), value, source, sensitive: false, read_only: false, synonyms }
        })
        .collect()
}

/// What a Brokerlab broker's server.properties holds besides the configs given with
/// `reset --broker-config`: what a KRaft broker cannot start without, with Brokerlab's node id,
/// listener and controllers (the same as the conformance vectors' broker 1 for a one-controller
/// cluster), and its rack.
pub fn implicit_static(
    broker: BrokerId,
    port: u16,
    controller_ports: &[u16],
    rack: Option<&str>,
) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    m.insert("process.roles".to_string(), "broker".to_string());
    m.insert("node.id".to_string(), broker.to_string());
    m.insert("listeners".to_string(), format!("PLAINTEXT://localhost:{port}"));
    m.insert("controller.listener.names".to_string(), "CONTROLLER".to_string());
    let controllers: Vec<String> = controller_ports.iter().map(|p| format!("localhost:{p}")).collect();
    m.insert("controller.quorum.bootstrap.servers".to_string(), controllers.join(","));
    if let Some(r) = rack {
        m.insert("broker.rack".to_string(), r.to_string());
    }
    m
}

/// Whether the brokers' one listener is `SASL_PLAINTEXT` (Brokerlab's opt-in secured cluster):
/// the given `listener.security.protocol.map` names a listener `SASL_PLAINTEXT` with that
/// protocol (`listeners` is Brokerlab's own, `implicit_static`).
pub(crate) fn sasl_listener(configs: &BTreeMap<String, String>) -> bool {
    configs
        .get("listener.security.protocol.map")
        .is_some_and(|m| m.split(',').any(|e| e.trim().eq_ignore_ascii_case("SASL_PLAINTEXT:SASL_PLAINTEXT")))
}

/// The configs Brokerlab sets itself on every broker (`implicit_static`): they cannot be given.
/// (`broker.rack` can: it is stored and described; placement follows `reset --racks`.)
pub(crate) const IMPLICIT_STATIC_NAMES: &[&str] =
    &["process.roles", "node.id", "listeners", "controller.listener.names", "controller.quorum.bootstrap.servers"];

/// The `DescribeConfigs` entries of a broker (`ConfigHelper.describeConfigs` for `BROKER`),
/// sorted by name. `Some(id)`: every non-internal config of `KafkaConfig` and whatever else is
/// set, with the full synonym chain; `None` (the cluster default entity): only what is set at
/// the cluster level, with that level's synonyms.
pub fn describe_broker_configs(
    broker: Option<BrokerId>,
    per_broker: &BTreeMap<String, String>,
    cluster: &BTreeMap<String, String>,
    static_configs: &BTreeMap<String, String>,
) -> Vec<ConfigEntry> {
    let empty = BTreeMap::new();
    let per_broker = if broker.is_some() { per_broker } else { &empty };
    // AbstractKafkaConfig.populateSynonyms: a node.id without a broker.id gives it one.
    let mut with_id = static_configs.clone();
    if let (Some(id), false) = (static_configs.get("node.id"), static_configs.contains_key("broker.id")) {
        with_id.insert("broker.id".to_string(), id.clone());
    }
    let static_configs = &with_id;
    let mut names: Vec<String> = match broker {
        Some(_) => {
            let mut n: Vec<String> = broker_configs()
                .iter()
                .filter(|d| !d.internal && !d.dynamic_only)
                .map(|d| d.name.to_string())
                .collect();
            n.extend(static_configs.keys().chain(cluster.keys()).chain(per_broker.keys()).cloned());
            n
        }
        None => cluster.keys().cloned().collect(),
    };
    names.compact_sort();
    names.dedup();
    names
        .into_iter()
        .map(|name| {
            let def = broker_config_def(&name);
            // Unknown names have no type: Kafka hides their values (maybeSensitive(None)).
            let sensitive = def.map(|d| d.sensitive()).unwrap_or(true);
            let mut synonyms = synonym_chain(
                &name,
                broker_synonyms(&name),
                [
                    (ConfigSource::DynamicBrokerConfig, per_broker),
                    (ConfigSource::DynamicDefaultBrokerConfig, cluster),
                    (ConfigSource::StaticBrokerConfig, static_configs),
                ],
                sensitive,
            );
            let raw = per_broker.get(&name).or_else(|| cluster.get(&name)).or_else(|| static_configs.get(&name));
            let value = if sensitive {
                None
            } else {
                match (broker, raw, def) {
                    // The default entity lists the stored strings as they are.
                    (None, Some(v), _) => Some(v.clone()),
                    (_, Some(v), Some(d)) => Some(normalized(d.ty, &d.valid, v)),
                    (_, Some(v), None) => Some(v.clone()),
                    (_, None, d) => d.and_then(|d| d.default).map(str::to_string),
                }
            };
            if broker.is_none() {
                synonyms.retain(|s| s.0 == ConfigSource::DynamicDefaultBrokerConfig);
            }
            let source = synonyms.first().map(|s| s.0).unwrap_or(ConfigSource::DefaultConfig);
            ConfigEntry { name, value, source, sensitive, read_only: !def.is_some_and(|d| d.dynamic()), synonyms }
        })
        .collect()
}

/// A broker's static configs as it starts with them (`new KafkaConfig(server.properties)`):
/// each known value's type and validator, then every check across configs (`rules`). Names
/// Kafka does not know are accepted (a broker only logs them as unused); the configs Brokerlab
/// sets itself (`IMPLICIT_STATIC_NAMES`) are refused. Checked as broker 1.
pub fn validate_broker_configs(configs: &BTreeMap<String, String>) -> Result<(), String> {
    if let Some(own) = configs.keys().find(|k| IMPLICIT_STATIC_NAMES.contains(&k.as_str())) {
        return Err(format!("Brokerlab sets {own} on each broker itself; it cannot be given"));
    }
    // Broker 1 listens on localhost:9092 (`Env::broker_port`), controller 1001 on 19091.
    let mut merged = implicit_static(1, 9092, &[19091], None);
    if sasl_listener(configs) {
        merged.insert("listeners".to_string(), "SASL_PLAINTEXT://localhost:9092".to_string());
    }
    for def in broker_configs().iter().filter(|d| !d.dynamic_only) {
        if let Some(v) = configs.get(def.name) {
            let parsed = parse_valid(def.name, def.ty, &def.valid, v, true)?;
            merged.insert(def.name.to_string(), stored_form(def.ty, parsed, v));
        }
    }
    for (k, v) in configs {
        merged.entry(k.clone()).or_insert_with(|| v.clone());
    }
    let mut originals = merged.clone();
    originals.extend(configs.iter().map(|(k, v)| (k.clone(), v.clone())));
    rules::check(&rules::Effective { set: &merged, originals: &originals })
}

/// What the cross-config checks see of a parsed value: lists deduplicated as Kafka parsed them.
fn stored_form(ty: Type, parsed: Parsed, raw: &str) -> String {
    match (ty, parsed) {
        (Type::List, p) => p.to_config_string(),
        _ => raw.to_string(),
    }
}

/// Kafka 4.4 clusters have eligible leader replicas on by default
/// (`eligible.leader.replicas.version=1` for the latest production metadata version, KIP-966),
/// which forbids broker-level `min.insync.replicas` (`ConfigurationControlManager`).
pub(crate) const ELR_ENABLED: bool = true;

/// One change of an IncrementalAlterConfigs request: `Some(value)` sets, `None` deletes.
pub(crate) type ConfigChange = (String, Option<String>);

/// Kafka's answer to changing broker configs at run time: the broker's checks before it
/// forwards the change (`ConfigAdminManager.validateBrokerConfigChange` →
/// `DynamicBrokerConfig.validate`), then the controller's (`ConfigurationControlManager`).
/// `broker`: `Some(id)` for one broker, `None` for the cluster default; `current` is what that
/// entity has set dynamically; `receiver_dynamic` the per-broker configs of the broker that
/// checks a cluster-level change.
pub fn validate_broker_alter(
    broker: Option<BrokerId>,
    changes: &[ConfigChange],
    current: &BTreeMap<String, String>,
    cluster: &BTreeMap<String, String>,
    receiver_dynamic: &BTreeMap<String, String>,
    static_configs: &BTreeMap<String, String>,
) -> Result<(), ApiError> {
    let bad = |m: String| Err(ApiError::with(KafkaError::INVALID_REQUEST, m));
    // DynamicBrokerConfig.fromPersistentProps keeps only the dynamic configs, then the changes.
    let mut props: BTreeMap<String, String> = current
        .iter()
        .filter(|(k, _)| broker_config_def(k).is_none_or(|d| d.dynamic()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut order: Vec<String> = Vec::new();
    for (name, value) in changes {
        match value {
            Some(v) => {
                props.insert(name.clone(), v.clone());
            }
            None => {
                props.remove(name);
            }
        }
        order.push(name.clone());
    }
    let names_where = |f: &dyn Fn(&BrokerConfigDef) -> bool| -> Vec<String> {
        let mut out: Vec<String> = order.iter().filter(|n| props.contains_key(*n)).cloned().collect();
        out.extend(props.keys().filter(|k| !order.contains(k)).cloned());
        out.retain(|n| broker_config_def(n).is_some_and(f));
        out
    };
    let fixed = names_where(&|d| !d.dynamic());
    if !fixed.is_empty() {
        return bad(format!("Cannot update these configs dynamically: {}", java_set_string(&fixed)));
    }
    let listener = names_where(&|d| d.listener_only);
    if !listener.is_empty() {
        return bad(format!(
            "These security configs can be dynamically updated only per-listener using the listener prefix: {}",
            java_set_string(&listener)
        ));
    }
    // DynamicBrokerConfig.resolveVariableConfigs leaves out config.providers* before checking.
    for def in broker_configs().iter().filter(|d| d.dynamic() && !d.name.starts_with("config.providers")) {
        if let Some(v) = props.get(def.name) {
            if let Err(m) = parse_valid(def.name, def.ty, &def.valid, v, false) {
                return bad(m);
            }
        }
    }
    if broker.is_none() {
        let per_broker = names_where(&|d| d.mode == Mode::PerBroker);
        if !per_broker.is_empty() {
            return bad(format!(
                "Cannot update these configs at default cluster level, broker id must be specified: {}",
                java_set_string(&per_broker)
            ));
        }
    }
    // The whole configuration the broker would run with must still be valid.
    let mut merged = static_configs.clone();
    let layers: [&BTreeMap<String, String>; 2] =
        if broker.is_some() { [cluster, &props] } else { [&props, receiver_dynamic] };
    for layer in layers {
        for (k, v) in layer {
            for synonym in broker_synonyms(k) {
                merged.remove(*synonym);
            }
            merged.insert(k.clone(), v.clone());
        }
    }
    if let Err(m) = rules::check(&rules::Effective { set: &merged, originals: &merged }) {
        return bad(m);
    }
    // The controller, once the broker forwards the change.
    for (name, value) in changes {
        if value.as_ref().is_some_and(|v| v.len() > 32767) {
            return Err(ApiError::with(
                KafkaError::INVALID_CONFIG,
                "The configuration value cannot be added because it exceeds the maximum value size of 32767 bytes.",
            ));
        }
        if name == "min.insync.replicas" && ELR_ENABLED {
            if broker.is_some() {
                return Err(ApiError::with(
                    KafkaError::INVALID_CONFIG,
                    "Broker-level min.insync.replicas cannot be altered while ELR is enabled.",
                ));
            }
            if value.is_none() {
                return Err(ApiError::with(
                    KafkaError::INVALID_CONFIG,
                    "Cluster-level min.insync.replicas cannot be removed while ELR is enabled.",
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn catalogues_parse_and_are_sorted() {
        // Every row of both data files parses (a bad row would panic here, not in a page).
        assert!(topic_configs().len() > 30 && broker_configs().len() > 300);
        assert!(topic_configs().windows(2).all(|w| w[0].name < w[1].name));
        assert!(broker_configs().windows(2).all(|w| w[0].name < w[1].name));
    }

    #[test]
    fn defaults_match_kafka() {
        let t = TopicConfig::default();
        assert_eq!(t.retention_ms, 604_800_000);
        assert_eq!(t.retention_bytes, -1);
        assert_eq!(t.segment_bytes, 1_073_741_824);
        assert_eq!(t.segment_ms, 604_800_000);
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
        let topic = map(&[("cleanup.policy", "compact, delete")]);
        let broker = map(&[("min.insync.replicas", "2"), ("log.retention.hours", "1"), ("log.roll.hours", "2")]);
        let t = TopicConfig::resolve(&topic, &broker);
        assert!(t.cleanup_compact && t.cleanup_delete);
        assert_eq!(t.min_insync_replicas, 2);
        assert_eq!(t.retention_ms, 3_600_000);
        assert_eq!(t.segment_ms, 7_200_000);
    }

    #[test]
    fn topic_validation_messages_are_kafkas() {
        let check = |pairs: &[(&str, &str)]| validate_topic_configs(&map(pairs));
        assert_eq!(check(&[("retention.mss", "1")]), Err("Unknown topic config name: retention.mss".into()));
        assert_eq!(
            check(&[("retention.ms", "abc")]),
            Err("Invalid value abc for configuration retention.ms: Not a number of type LONG".into())
        );
        assert_eq!(
            check(&[("min.insync.replicas", "0")]),
            Err("Invalid value 0 for configuration min.insync.replicas: Value must be at least 1".into())
        );
        assert_eq!(
            check(&[("cleanup.policy", "compact,forever")]),
            Err("Invalid value forever for configuration cleanup.policy: String must be one of: compact, delete".into())
        );
        assert!(check(&[("cleanup.policy", "compact,compact")]).is_ok());
        assert!(check(&[("preallocate", "TRUE"), ("segment.jitter.ms", "10")]).is_ok());
        assert_eq!(
            check(&[("min.compaction.lag.ms", "10"), ("max.compaction.lag.ms", "5")]),
            Err("conflict topic config setting min.compaction.lag.ms (10) > max.compaction.lag.ms (5)".into())
        );
        let remote = map(&[("remote.storage.enable", "true")]);
        assert!(validate_topic_configs(&remote).is_ok());
        assert!(validate_topic_configs_on_controller(&remote, &BTreeMap::new()).is_err());
    }

    #[test]
    fn ratios_are_exact() {
        assert_eq!(parse_ratio("0.5"), Some((5, 10)));
        assert_eq!(parse_ratio("1"), Some((1, 1)));
        assert_eq!(parse_ratio(".25"), Some((25, 100)));
        assert_eq!(parse_ratio("1e-1"), Some((1, 10)));
        assert_eq!(parse_ratio("abc"), None);
        assert_eq!(parse_ratio("."), None);
    }

    #[test]
    fn topic_describe_follows_config_helper() {
        let o = map(&[("retention.ms", "86400000"), ("cleanup.policy", "compact")]);
        let e = describe_topic_configs(&o, &BTreeMap::new(), &BTreeMap::new(), &BTreeMap::new());
        let cp = e.iter().find(|x| x.name == "cleanup.policy").unwrap();
        assert_eq!(cp.synonyms.len(), 2);
        assert_eq!(cp.synonyms[1], (ConfigSource::DefaultConfig, "log.cleanup.policy".into(), Some("delete".into())));
        let rm = e.iter().find(|x| x.name == "retention.ms").unwrap();
        assert_eq!(
            rm.synonyms,
            vec![(ConfigSource::DynamicTopicConfig, "retention.ms".into(), Some("86400000".into()))]
        );
        // A coarser broker unit gives the value but is no synonym of the finer config.
        let e = describe_topic_configs(
            &BTreeMap::new(),
            &BTreeMap::new(),
            &BTreeMap::new(),
            &map(&[("log.retention.hours", "1")]),
        );
        let rm = e.iter().find(|x| x.name == "retention.ms").unwrap();
        assert_eq!((rm.value.as_deref(), rm.synonyms.len()), (Some("3600000"), 0));
    }

    #[test]
    fn broker_changes_follow_dynamic_broker_config() {
        let none = BTreeMap::new();
        let alter = |b: Option<BrokerId>, n: &str, v: &str| {
            validate_broker_alter(b, &[(n.to_string(), Some(v.to_string()))], &none, &none, &none, &none)
                .map_err(|e| (e.error, e.message.unwrap_or_default()))
        };
        assert_eq!(
            alter(Some(1), "num.partitions", "3"),
            Err((KafkaError::INVALID_REQUEST, "Cannot update these configs dynamically: [num.partitions]".into()))
        );
        assert!(alter(Some(1), "log.cleaner.threads", "2").is_ok());
        assert!(alter(None, "min.insync.replicas", "2").is_ok());
        assert_eq!(alter(Some(1), "min.insync.replicas", "2").unwrap_err().0, KafkaError::INVALID_CONFIG);
        assert!(alter(Some(1), "flavour", "vanilla").is_ok());
        assert_eq!(
            alter(Some(1), "log.cleanup.policy", "compact,compact").unwrap_err().1,
            "Configuration 'log.cleanup.policy' values must not be duplicated."
        );
    }

    #[test]
    fn static_broker_configs_follow_kafka_config() {
        assert!(validate_broker_configs(&map(&[("num.partitions", "3"), ("flavour", "vanilla")])).is_ok());
        assert_eq!(validate_broker_configs(&map(&[("log.cleaner.threads", "0")])), Err("/ by zero".into()));
        assert!(validate_broker_configs(&map(&[("node.id", "5")])).is_err());
    }
}
