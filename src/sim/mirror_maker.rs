//! MirrorMaker 2 (KIP-382) as a simulated process: `connect-mirror-maker mm2.properties` in
//! dedicated mode (`org.apache.kafka.connect.mirror.MirrorMaker`), one flow per enabled
//! `A->B` pair, each made of the clients MirrorMaker's connectors use:
//!
//! * `MirrorSourceConnector` / `MirrorSourceTask`: lists the source's topics (`topics`,
//!   `topics.exclude`, never internal or MirrorMaker's own topics, never a topic that came from
//!   the target: `DefaultReplicationPolicy`), creates each remote topic on the target
//!   (`source.topic`, the source's partition count, `replication.factor`, and with
//!   `sync.topic.configs.enabled` the topic configs the source set, less
//!   `DefaultConfigPropertyFilter`'s exclusions), then copies every record with a consumer
//!   assigned to the source partitions (from the earliest offset) and a producer to the
//!   target, the same partition, key, value, headers and timestamp. Each acknowledged copy goes
//!   through `OffsetSyncWriter` ([`crate::sim::mirror`]); the syncs it emits are written to
//!   `mm2-offset-syncs.<target>.internal` on the source cluster.
//! * `MirrorCheckpointConnector` / `MirrorCheckpointTask`: every
//!   `emit.checkpoints.interval.seconds` reads the committed offsets of the source's groups
//!   (`groups`, `groups.exclude`) for mirrored topics, translates them with the
//!   `OffsetSyncStore` and writes the new ones to `<source>.checkpoints.internal` on the target
//!   (`Checkpoint`'s binary key and value); with `sync.group.offsets.enabled`, every
//!   `sync.group.offsets.interval.seconds` commits the translated offsets to the target's group
//!   when it is empty or absent (`syncGroupOffset`), never moving an idle group back.
//!
//! Brokerlab's checkpoint task reads the syncs as the source task writes them (Kafka's reads
//! them back from the offset-syncs topic with a consumer: the same syncs, a little later), and
//! there is no heartbeat connector, no Connect internal topics (`mm2-configs…`, `mm2-offsets…`,
//! `mm2-status…`) and no REST API: a restarted MirrorMaker copies from the earliest offset again
//! (Kafka resumes from the offsets Connect stored).

use crate::sim::client::admin::{AdminTask, Call, Target};
use crate::sim::client::consumer::ConsumedRecord;
use crate::sim::client::producer::{Completion, ProducerRecord, SendError};
use crate::sim::codec::Codec;
use crate::sim::mirror::{checkpoints_for_group, offsets_to_sync, Checkpoint, OffsetSync};
use crate::sim::mirror::{OffsetSyncStore, OffsetSyncWriter, ReplicationPolicy};
use crate::sim::protocol::{ControllerRequest, NewTopic, Request, Response};
use crate::sim::time::SimTime;
use crate::sim::types::{BrokerId, ConfigResource, TopicPartition};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// How often the simulated process looks at its clients (a Connect task's poll loop).
pub(crate) const TICK_MS: i64 = 100;

/// Connect's `offset.flush.interval.ms` (the source task's offset commit, when
/// `OffsetSyncWriter` promotes its delayed syncs).
const OFFSET_FLUSH_INTERVAL_MS: i64 = 60_000;

/// What the process runs on: the world's clients, seen through what MirrorMaker's connectors
/// do with them (the world implements it; this module never sees the world itself).
pub(crate) trait MirrorHost {
    fn now(&self) -> SimTime;
    fn new_admin(&mut self, name: &str, servers: &str) -> u32;
    fn new_consumer(&mut self, name: &str, servers: &str, props: BTreeMap<String, String>) -> Result<u32, String>;
    fn new_producer(&mut self, name: &str, servers: &str, props: BTreeMap<String, String>) -> Result<u32, String>;
    fn submit(&mut self, admin: u32, calls: Vec<Call>) -> Option<u64>;
    fn take_task(&mut self, admin: u32, task: u64) -> Option<AdminTask>;
    /// The topics an admin client's metadata holds after a `listTopics` (name, partition
    /// count, internal), as `KafkaAdminClient.listTopics` reads them from its Metadata response.
    fn admin_topics(&self, admin: u32) -> Vec<(String, i32, bool)>;
    /// `consumer.assign(partitions)`, each new one from its earliest offset.
    fn assign_from_earliest(&mut self, consumer: u32, all: Vec<TopicPartition>, new: Vec<TopicPartition>);
    fn take_records(&mut self, consumer: u32) -> Vec<ConsumedRecord>;
    fn send(&mut self, producer: u32, record: ProducerRecord) -> Result<u64, SendError>;
    fn completions(&mut self, producer: u32) -> Vec<Completion>;
    /// The running brokers of the cluster `servers` lead to.
    fn live_brokers(&self, servers: &str) -> Vec<BrokerId>;
    fn close(&mut self, client: u32);
    fn client_alive(&self, client: u32) -> bool;
}

/// `connect-mirror-maker.properties`, as `MirrorMakerConfig` reads it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct MirrorConfig {
    /// `clusters` and each `<alias>.bootstrap.servers`.
    pub clusters: Vec<(String, String)>,
    pub flows: Vec<FlowConfig>,
}

/// One enabled `source->target` flow and the settings it resolved (`<source>-><target>.<key>`
/// over `<key>`, over MirrorMaker's defaults).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct FlowConfig {
    pub source: String,
    pub target: String,
    pub source_servers: String,
    pub target_servers: String,
    pub topics: Vec<String>,
    pub topics_exclude: Vec<String>,
    pub groups: Vec<String>,
    pub groups_exclude: Vec<String>,
    pub replication_factor: i32,
    pub offset_syncs_rf: i32,
    pub checkpoints_rf: i32,
    pub sync_topic_configs: bool,
    pub emit_checkpoints: bool,
    pub emit_checkpoints_interval_ms: i64,
    pub sync_group_offsets: bool,
    pub sync_group_offsets_interval_ms: i64,
    pub offset_lag_max: i64,
    pub refresh_topics_interval_ms: i64,
    pub refresh_groups_interval_ms: i64,
}

/// `DefaultConfigPropertyFilter.CONFIG_PROPERTIES_EXCLUDE_DEFAULT`: topic configs never synced.
const CONFIG_EXCLUDE: &[&str] = &[
    "follower.replication.throttled.replicas",
    "leader.replication.throttled.replicas",
    "message.timestamp.difference.max.ms",
    "log.message.timestamp.before.max.ms",
    "log.message.timestamp.after.max.ms",
    "message.timestamp.type",
    "unclean.leader.election.enable",
    "min.insync.replicas",
];

fn list(v: &str) -> Vec<String> {
    v.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
}

/// Parses MirrorMaker's properties (`MirrorMakerConfig`): `Err` says what is wrong, as a
/// `ConfigException` would.
pub(crate) fn parse_config(props: &[(String, String)]) -> Result<MirrorConfig, String> {
    let map: BTreeMap<&str, &str> = props.iter().map(|(k, v)| (k.trim(), v.trim())).collect();
    let aliases = map.get("clusters").map(|c| list(c)).unwrap_or_default();
    if aliases.is_empty() {
        return Err("Missing required configuration \"clusters\" which has no default value.".to_string());
    }
    let mut clusters = Vec::new();
    for a in &aliases {
        let key = format!("{a}.bootstrap.servers");
        let Some(servers) = map.get(key.as_str()) else {
            return Err(format!("Missing required configuration \"{key}\" which has no default value."));
        };
        clusters.push((a.clone(), servers.to_string()));
    }
    let mut flows = Vec::new();
    for (source, source_servers) in &clusters {
        for (target, target_servers) in &clusters {
            if source == target {
                continue;
            }
            let prefix = format!("{source}->{target}.");
            let get = |key: &str| -> Option<&str> {
                map.get(format!("{prefix}{key}").as_str()).or_else(|| map.get(key)).copied()
            };
            let enabled = map.get(format!("{prefix}enabled").as_str()).copied().unwrap_or("false");
            if !enabled.eq_ignore_ascii_case("true") {
                continue;
            }
            let bool_of = |key: &str, default: bool| -> Result<bool, String> {
                match get(key) {
                    None => Ok(default),
                    Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
                    Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
                    Some(v) => Err(format!(
                        "Invalid value {v} for configuration {key}: Expected value to be either true or false"
                    )),
                }
            };
            let long_of = |key: &str, default: i64| -> Result<i64, String> {
                match get(key) {
                    None => Ok(default),
                    Some(v) => v
                        .parse::<i64>()
                        .map_err(|_| format!("Invalid value {v} for configuration {key}: Not a number of type LONG")),
                }
            };
            let int_of = |key: &str, default: i32| -> Result<i32, String> {
                match get(key) {
                    None => Ok(default),
                    Some(v) => v
                        .parse::<i32>()
                        .map_err(|_| format!("Invalid value {v} for configuration {key}: Not a number of type INT")),
                }
            };
            let seconds = |key: &str, default: i64| -> Result<i64, String> {
                let s = long_of(key, default)?;
                Ok(s.saturating_mul(1000))
            };
            let flow = FlowConfig {
                source: source.clone(),
                target: target.clone(),
                source_servers: source_servers.clone(),
                target_servers: target_servers.clone(),
                topics: list(get("topics").unwrap_or(".*")),
                topics_exclude: list(get("topics.exclude").unwrap_or("mm2.*\\.internal, .*\\.replica, __.*")),
                groups: list(get("groups").unwrap_or(".*")),
                groups_exclude: list(get("groups.exclude").unwrap_or("console-consumer-.*, connect-.*, __.*")),
                replication_factor: int_of("replication.factor", 2)?,
                offset_syncs_rf: int_of("offset-syncs.topic.replication.factor", 3)?,
                checkpoints_rf: int_of("checkpoints.topic.replication.factor", 3)?,
                sync_topic_configs: bool_of("sync.topic.configs.enabled", true)?,
                emit_checkpoints: bool_of("emit.checkpoints.enabled", true)?,
                emit_checkpoints_interval_ms: seconds("emit.checkpoints.interval.seconds", 60)?,
                sync_group_offsets: bool_of("sync.group.offsets.enabled", false)?,
                sync_group_offsets_interval_ms: seconds("sync.group.offsets.interval.seconds", 60)?,
                offset_lag_max: long_of("offset.lag.max", 100)?,
                refresh_topics_interval_ms: seconds("refresh.topics.interval.seconds", 600)?,
                refresh_groups_interval_ms: seconds("refresh.groups.interval.seconds", 600)?,
            };
            for (key, v) in [
                ("emit.checkpoints.interval.seconds", flow.emit_checkpoints_interval_ms),
                ("sync.group.offsets.interval.seconds", flow.sync_group_offsets_interval_ms),
                ("refresh.topics.interval.seconds", flow.refresh_topics_interval_ms),
                ("refresh.groups.interval.seconds", flow.refresh_groups_interval_ms),
            ] {
                if v <= 0 {
                    return Err(format!(
                        "Invalid value {} for configuration {key}: Brokerlab needs a positive interval",
                        v / 1000
                    ));
                }
            }
            for r in flow.topics.iter().chain(&flow.topics_exclude).chain(&flow.groups).chain(&flow.groups_exclude) {
                if regex_lite::Regex::new(&format!("^(?:{r})$")).is_err() {
                    return Err(format!("Invalid regular expression {r}"));
                }
            }
            flows.push(flow);
        }
    }
    Ok(MirrorConfig { clusters, flows })
}

fn matches_any(patterns: &[String], name: &str) -> bool {
    patterns.iter().any(|p| regex_lite::Regex::new(&format!("^(?:{p})$")).map(|r| r.is_match(name)).unwrap_or(false))
}

/// What an admin task of a flow was for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
enum Job {
    /// `MirrorSourceConnector.findSourceTopicPartitions`: the source's topics.
    ListTopics,
    /// The source topics' configs (`describeTopicConfigs`), for these new topics.
    DescribeConfigs(Vec<(String, i32)>),
    /// `createNewTopics` on the target (and MirrorMaker's internal topics).
    CreateTopics(Vec<(String, i32)>),
    /// `MirrorCheckpointConnector.findConsumerGroups`: the source's groups.
    ListGroups,
    /// The committed offsets of these groups on the source (`listConsumerGroupOffsets`).
    GroupOffsets(Vec<String>),
    /// `refreshIdleConsumerGroupOffset`: the target groups' states, then the offsets of the
    /// empty ones.
    DescribeTargetGroups(Vec<String>),
    TargetGroupOffsets(Vec<String>),
    /// `syncGroupOffset`: `alterConsumerGroupOffsets` on the target.
    AlterOffsets,
    /// Nothing waits for it (the offset-syncs topic's creation on the source).
    Background,
}

/// One `source->target` flow while it runs.
#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub(crate) struct Flow {
    pub config: FlowConfig,
    source_admin: u32,
    target_admin: u32,
    consumer: u32,
    producer: u32,
    sync_producer: u32,
    checkpoint_producer: u32,
    jobs: Vec<(u32, u64, Job)>,
    /// Source topics being mirrored, with their partition counts.
    pub topics: BTreeMap<String, i32>,
    /// Sends in flight: producer send id → the upstream partition and offset.
    in_flight: BTreeMap<u64, (TopicPartition, i64)>,
    writer: OffsetSyncWriter,
    store: OffsetSyncStore,
    /// The newest checkpoint per group and partition (`CheckpointStore`).
    pub checkpoints: Vec<Checkpoint>,
    /// Groups found on the source, with offsets for mirrored topics.
    pub groups: BTreeSet<String>,
    /// What the last admin calls answered that MirrorMaker could not use (shown by
    /// `mirror-maker list`).
    pub errors: Vec<String>,
    /// Records copied and acknowledged, per upstream partition: the next upstream offset.
    pub copied: BTreeMap<TopicPartition, i64>,
    /// Empty target groups and their committed offsets, for the next group offset sync.
    idle_target: BTreeMap<String, Vec<(TopicPartition, i64)>>,
    next_topics_at: SimTime,
    next_groups_at: SimTime,
    next_checkpoint_at: SimTime,
    next_group_sync_at: SimTime,
    next_flush_at: SimTime,
}

/// A running `connect-mirror-maker`.
#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub(crate) struct MirrorMaker {
    /// The properties file it was started with.
    pub file: String,
    pub flows: Vec<Flow>,
}

const POLICY: ReplicationPolicy = ReplicationPolicy;

impl MirrorMaker {
    /// Starts the process: each flow's clients, and at once its topic and group discovery.
    pub(crate) fn start(host: &mut dyn MirrorHost, file: &str, config: &MirrorConfig) -> Result<MirrorMaker, String> {
        let now = host.now();
        let mut flows = Vec::new();
        for f in &config.flows {
            let name = format!("{}->{}", f.source, f.target);
            let source_admin = host.new_admin(&format!("mm2-admin-{}", f.source), &f.source_servers);
            let target_admin = host.new_admin(&format!("mm2-admin-{}", f.target), &f.target_servers);
            let mut consumer_props = BTreeMap::new();
            consumer_props.insert("enable.auto.commit".to_string(), "false".to_string());
            consumer_props.insert("auto.offset.reset".to_string(), "earliest".to_string());
            consumer_props
                .insert("client.id".to_string(), format!("{name}|MirrorSourceConnector-0|replication-consumer"));
            let consumer = host.new_consumer("mm2-consumer", &f.source_servers, consumer_props)?;
            let mut producer_props = BTreeMap::new();
            producer_props
                .insert("client.id".to_string(), format!("{name}|MirrorSourceConnector-0|replication-producer"));
            producer_props.insert("linger.ms".to_string(), "0".to_string());
            let producer = host.new_producer("mm2-producer", &f.target_servers, producer_props)?;
            let mut sync_props = BTreeMap::new();
            sync_props.insert("client.id".to_string(), format!("{name}|MirrorSourceConnector-0|offset-syncs-producer"));
            let sync_producer = host.new_producer("mm2-offset-syncs", &f.source_servers, sync_props)?;
            let mut cp_props = BTreeMap::new();
            cp_props.insert("client.id".to_string(), format!("{name}|MirrorCheckpointConnector-0|producer"));
            let checkpoint_producer = host.new_producer("mm2-checkpoints", &f.target_servers, cp_props)?;
            // `MirrorSourceConnector.start` creates the offset-syncs topic on the source and
            // `MirrorCheckpointConnector.start` the checkpoints topic on the target
            // (`MirrorUtils.createSinglePartitionCompactedTopic`), before their tasks copy or
            // checkpoint anything; nothing waits for the answers.
            let mut jobs = Vec::new();
            let compacted = |name: String, rf: i32| NewTopic {
                name,
                partitions: 1,
                replication_factor: rf,
                assignment: None,
                configs: [("cleanup.policy".to_string(), "compact".to_string())].into_iter().collect(),
            };
            let internal = [
                (source_admin, Some(compacted(POLICY.offset_syncs_topic(&f.target), f.offset_syncs_rf))),
                (
                    target_admin,
                    f.emit_checkpoints.then(|| compacted(POLICY.checkpoints_topic(&f.source), f.checkpoints_rf)),
                ),
            ];
            for (admin, topic) in internal {
                let Some(topic) = topic else { continue };
                let calls = vec![Call::new(
                    "createTopics",
                    Target::Any,
                    Request::Controller(ControllerRequest::CreateTopics { topics: vec![topic], validate_only: false }),
                )];
                if let Some(task) = host.submit(admin, calls) {
                    jobs.push((admin, task, Job::Background));
                }
            }
            let mut store = OffsetSyncStore::new();
            // The checkpoint task reads the offset-syncs topic to its end before it starts.
            store.set_read_to_end();
            flows.push(Flow {
                config: f.clone(),
                source_admin,
                target_admin,
                consumer,
                producer,
                sync_producer,
                checkpoint_producer,
                jobs,
                topics: BTreeMap::new(),
                in_flight: BTreeMap::new(),
                writer: OffsetSyncWriter::new(f.offset_lag_max),
                store,
                checkpoints: Vec::new(),
                groups: BTreeSet::new(),
                errors: Vec::new(),
                copied: BTreeMap::new(),
                idle_target: BTreeMap::new(),
                next_topics_at: now,
                // After the first topic listing (its Metadata gives the admin client the
                // brokers to ask).
                next_groups_at: now.plus_ms(1000),
                next_checkpoint_at: now.plus_ms(f.emit_checkpoints_interval_ms),
                next_group_sync_at: now.plus_ms(f.sync_group_offsets_interval_ms),
                next_flush_at: now.plus_ms(OFFSET_FLUSH_INTERVAL_MS),
            });
        }
        Ok(MirrorMaker { file: file.to_string(), flows })
    }

    /// One look at every flow's clients.
    pub(crate) fn tick(&mut self, host: &mut dyn MirrorHost) {
        for f in &mut self.flows {
            f.tick(host);
        }
    }

    /// Stops the process (SIGTERM: the connectors stop, the clients close).
    pub(crate) fn stop(&mut self, host: &mut dyn MirrorHost) {
        for f in &self.flows {
            for c in [f.source_admin, f.target_admin, f.consumer, f.producer, f.sync_producer, f.checkpoint_producer] {
                host.close(c);
            }
        }
    }
}

/// `Checkpoint.recordKey()`: the group, topic and partition (`KEY_SCHEMA`).
pub(crate) fn checkpoint_key(c: &Checkpoint) -> Vec<u8> {
    let mut b = Vec::new();
    put_string(&mut b, &c.group);
    put_string(&mut b, &c.tp.topic);
    b.extend_from_slice(&c.tp.partition.to_be_bytes());
    b
}

/// `Checkpoint.recordValue()`: version 0, the upstream and downstream offsets, the metadata.
pub(crate) fn checkpoint_value(c: &Checkpoint) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(&0i16.to_be_bytes());
    b.extend_from_slice(&c.upstream.to_be_bytes());
    b.extend_from_slice(&c.downstream.to_be_bytes());
    put_string(&mut b, "");
    b
}

/// `Checkpoint.deserializeRecord` then `toString` (what `CheckpointFormatter` prints); `None`
/// when the bytes are not a checkpoint (Kafka throws a `SchemaException`).
pub(crate) fn format_checkpoint(key: &[u8], value: &[u8]) -> Option<String> {
    let mut k = Reader(key);
    let group = k.string()?;
    let topic = k.string()?;
    let partition = k.i32()?;
    let mut v = Reader(value);
    let _version = v.i16()?;
    let upstream = v.i64()?;
    let downstream = v.i64()?;
    let metadata = v.string()?;
    Some(format!(
        "Checkpoint{{consumerGroupId={group}, topicPartition={topic}-{partition}, upstreamOffset={upstream}, downstreamOffset={downstream}, metadata={metadata}}}"
    ))
}

/// `OffsetSync.recordKey()` / `recordValue()`.
fn offset_sync_record(tp: &TopicPartition, sync: OffsetSync) -> (Vec<u8>, Vec<u8>) {
    let mut k = Vec::new();
    put_string(&mut k, &tp.topic);
    k.extend_from_slice(&tp.partition.to_be_bytes());
    let mut v = Vec::new();
    v.extend_from_slice(&sync.upstream.to_be_bytes());
    v.extend_from_slice(&sync.downstream.to_be_bytes());
    (k, v)
}

/// `OffsetSync.deserializeRecord` then `toString` (what `OffsetSyncFormatter` prints).
pub(crate) fn format_offset_sync(key: &[u8], value: &[u8]) -> Option<String> {
    let mut k = Reader(key);
    let topic = k.string()?;
    let partition = k.i32()?;
    let mut v = Reader(value);
    let upstream = v.i64()?;
    let downstream = v.i64()?;
    Some(format!(
        "OffsetSync{{topicPartition={topic}-{partition}, upstreamOffset={upstream}, downstreamOffset={downstream}}}"
    ))
}

/// Kafka's protocol `Type.STRING`: an int16 length, then UTF-8.
fn put_string(b: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    let n = bytes.len().min(i16::MAX as usize);
    b.extend_from_slice(&(n as i16).to_be_bytes());
    b.extend_from_slice(&bytes[..n]);
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        if self.0.len() < n {
            return None;
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Some(a)
    }
    fn i16(&mut self) -> Option<i16> {
        Some(i16::from_be_bytes(self.take(2)?.try_into().ok()?))
    }
    fn i32(&mut self) -> Option<i32> {
        Some(i32::from_be_bytes(self.take(4)?.try_into().ok()?))
    }
    fn i64(&mut self) -> Option<i64> {
        Some(i64::from_be_bytes(self.take(8)?.try_into().ok()?))
    }
    fn string(&mut self) -> Option<String> {
        let n = self.i16()?;
        if n < 0 {
            return None;
        }
        String::from_utf8(self.take(n as usize)?.to_vec()).ok()
    }
}

impl Flow {
    /// The remote topic a source topic is copied to.
    pub(crate) fn remote_topic(&self, topic: &str) -> String {
        POLICY.format_remote_topic(&self.config.source, topic)
    }

    /// `MirrorSourceConnector.shouldReplicateTopic`: the topic filter, not internal, not from
    /// the target (no cycles).
    fn should_replicate(&self, topic: &str, internal: bool) -> bool {
        !internal
            && matches_any(&self.config.topics, topic)
            && !matches_any(&self.config.topics_exclude, topic)
            && !POLICY.is_internal_topic(topic)
            && POLICY.topic_source(topic).as_deref() != Some(self.config.target.as_str())
            && !POLICY.is_heartbeats_topic(topic)
    }

    fn submit(&mut self, host: &mut dyn MirrorHost, admin: u32, calls: Vec<Call>, job: Job) {
        if calls.is_empty() {
            return;
        }
        if let Some(task) = host.submit(admin, calls) {
            self.jobs.push((admin, task, job));
        }
    }

    fn tick(&mut self, host: &mut dyn MirrorHost) {
        let now = host.now();
        // Admin tasks that finished.
        let mut i = 0;
        while i < self.jobs.len() {
            let (admin, task, _) = self.jobs[i].clone();
            match host.take_task(admin, task) {
                Some(t) => {
                    let (_, _, job) = self.jobs.remove(i);
                    self.finished(host, job, t);
                }
                None if !host.client_alive(admin) => {
                    self.jobs.remove(i);
                }
                None => i += 1,
            }
        }
        let busy = |jobs: &[(u32, u64, Job)], f: fn(&Job) -> bool| jobs.iter().any(|(_, _, j)| f(j));
        if now >= self.next_topics_at
            && !busy(&self.jobs, |j| matches!(j, Job::ListTopics | Job::DescribeConfigs(_) | Job::CreateTopics(_)))
        {
            self.next_topics_at = now.plus_ms(self.config.refresh_topics_interval_ms);
            let calls = vec![Call::new(
                "listTopics",
                Target::Any,
                Request::Metadata { topics: None, allow_auto_create: false },
            )];
            self.submit(host, self.source_admin, calls, Job::ListTopics);
        }
        if now >= self.next_groups_at && !busy(&self.jobs, |j| matches!(j, Job::ListGroups)) {
            self.next_groups_at = now.plus_ms(self.config.refresh_groups_interval_ms);
            let calls: Vec<Call> = host
                .live_brokers(&self.config.source_servers)
                .into_iter()
                .map(|b| Call::new("listConsumerGroups", Target::Broker(b), Request::ListGroups { states: vec![] }))
                .collect();
            self.submit(host, self.source_admin, calls, Job::ListGroups);
        }
        self.copy(host);
        if now >= self.next_flush_at {
            self.next_flush_at = now.plus_ms(OFFSET_FLUSH_INTERVAL_MS);
            // `MirrorSourceTask.commit`: `promoteDelayedOffsetSyncs`, then fire them.
            self.writer.commit();
            self.write_syncs(host);
        }
        if self.config.emit_checkpoints
            && now >= self.next_checkpoint_at
            && !busy(&self.jobs, |j| matches!(j, Job::GroupOffsets(_)))
        {
            self.next_checkpoint_at = now.plus_ms(self.config.emit_checkpoints_interval_ms);
            let groups: Vec<String> = self.groups.iter().cloned().collect();
            let calls = groups
                .iter()
                .map(|g| {
                    Call::new(
                        "listConsumerGroupOffsets",
                        Target::Coordinator { key: g.clone(), transaction: false },
                        Request::OffsetFetch { group: g.clone(), partitions: None, require_stable: true },
                    )
                })
                .collect();
            self.submit(host, self.source_admin, calls, Job::GroupOffsets(groups));
        }
        if self.config.emit_checkpoints
            && self.config.sync_group_offsets
            && now >= self.next_group_sync_at
            && !busy(&self.jobs, |j| {
                matches!(j, Job::DescribeTargetGroups(_) | Job::TargetGroupOffsets(_) | Job::AlterOffsets)
            })
        {
            self.next_group_sync_at = now.plus_ms(self.config.sync_group_offsets_interval_ms);
            let groups: Vec<String> =
                self.checkpoints.iter().map(|c| c.group.clone()).collect::<BTreeSet<_>>().into_iter().collect();
            let calls = groups
                .iter()
                .map(|g| {
                    Call::new(
                        "describeConsumerGroups",
                        Target::Coordinator { key: g.clone(), transaction: false },
                        Request::DescribeGroups { groups: vec![g.clone()] },
                    )
                })
                .collect();
            self.submit(host, self.target_admin, calls, Job::DescribeTargetGroups(groups));
        }
    }

    /// `MirrorSourceTask.poll` and `commitRecord`: what the consumer read is sent to the
    /// target; what the target acknowledged goes through the offset sync writer.
    fn copy(&mut self, host: &mut dyn MirrorHost) {
        for r in host.take_records(self.consumer) {
            let record = ProducerRecord {
                topic: self.remote_topic(&r.tp.topic),
                partition: Some(r.tp.partition),
                key: r.key.clone(),
                value: r.value.clone(),
                headers: r.headers.clone(),
                timestamp: Some(r.timestamp),
            };
            if let Ok(id) = host.send(self.producer, record) {
                self.in_flight.insert(id, (r.tp.clone(), r.offset));
            }
        }
        for c in host.completions(self.producer) {
            for (i, id) in c.send_ids.iter().enumerate() {
                let Some((tp, upstream)) = self.in_flight.remove(id) else { continue };
                if let Ok(base) = c.result {
                    if base >= 0 {
                        // `commitRecord`: queue the sync, then fire what is pending at once,
                        // record by record, so a burst of acknowledgements keeps each sync
                        // due (the first record's, then one every offset.lag.max) rather
                        // than only the last one queued for the partition.
                        self.writer.record_copied(&tp, upstream, base + i as i64);
                        self.write_syncs(host);
                    }
                }
                let next = self.copied.entry(tp).or_insert(0);
                *next = (*next).max(upstream + 1);
            }
        }
    }

    /// `OffsetSyncWriter.firePendingOffsetSyncs`: to the source's offset-syncs topic, and (as
    /// the checkpoint task reads that topic) into the offset sync store.
    fn write_syncs(&mut self, host: &mut dyn MirrorHost) {
        let topic = POLICY.offset_syncs_topic(&self.config.target);
        for (tp, sync) in self.writer.take_pending() {
            let (k, v) = offset_sync_record(&tp, sync);
            let record = ProducerRecord {
                topic: topic.clone(),
                partition: Some(0),
                key: Some(k.into()),
                value: Some(v.into()),
                headers: vec![],
                timestamp: None,
            };
            let _ = host.send(self.sync_producer, record);
            self.store.handle_sync(&tp, sync);
        }
    }

    fn finished(&mut self, host: &mut dyn MirrorHost, job: Job, task: AdminTask) {
        for c in &task.calls {
            if let Some(Err(e)) = &c.response {
                self.errors.push(format!("{}: {e}", c.name));
                if self.errors.len() > 5 {
                    self.errors.remove(0);
                }
            }
        }
        let responses: Vec<Option<Response>> =
            task.calls.into_iter().map(|c| c.response.and_then(|r| r.ok())).map(unthrottle).collect();
        match job {
            Job::ListTopics => {
                if responses.first().map(|r| r.is_none()).unwrap_or(true) {
                    // The call failed (timed out): try again soon.
                    self.next_topics_at = self.next_topics_at.min(host.now().plus_ms(1000));
                    return;
                }
                let new: Vec<(String, i32)> = host
                    .admin_topics(self.source_admin)
                    .into_iter()
                    .filter(|(name, _, internal)| self.should_replicate(name, *internal))
                    .filter(|(name, n, _)| self.topics.get(name) != Some(n))
                    .map(|(name, n, _)| (name, n))
                    .collect();
                if new.is_empty() {
                    return;
                }
                if self.config.sync_topic_configs {
                    let resources = new.iter().map(|(t, _)| ConfigResource::Topic(t.clone())).collect();
                    let calls = vec![Call::new("describeConfigs", Target::Any, Request::DescribeConfigs { resources })];
                    self.submit(host, self.source_admin, calls, Job::DescribeConfigs(new));
                } else {
                    self.create_topics(host, new, &BTreeMap::new());
                }
            }
            Job::DescribeConfigs(new) => {
                let mut configs: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
                if let Some(Some(Response::DescribeConfigs(results))) = responses.first() {
                    for (res, r) in results {
                        let (ConfigResource::Topic(t), Ok(entries)) = (res, r) else { continue };
                        // `use.defaults.from = target`: only what the source set on the topic.
                        let set: BTreeMap<String, String> = entries
                            .iter()
                            .filter(|e| e.source == crate::sim::config::ConfigSource::DynamicTopicConfig)
                            .filter(|e| !CONFIG_EXCLUDE.contains(&e.name.as_str()))
                            .filter_map(|e| e.value.clone().map(|v| (e.name.clone(), v)))
                            .collect();
                        configs.insert(t.clone(), set);
                    }
                }
                self.create_topics(host, new, &configs);
            }
            Job::CreateTopics(new) => {
                // Created, or there already: either way the partitions are copied now
                // (`MirrorSourceConnector` reconfigures its tasks with them).
                let _ = responses;
                let before: Vec<TopicPartition> = self.assigned();
                for (t, n) in new {
                    self.topics.insert(t, n);
                }
                let all = self.assigned();
                let added: Vec<TopicPartition> = all.iter().filter(|tp| !before.contains(tp)).cloned().collect();
                host.assign_from_earliest(self.consumer, all, added);
            }
            Job::ListGroups => {
                let mut found = BTreeSet::new();
                for r in responses.iter().flatten() {
                    if let Response::ListGroups { groups, .. } = r {
                        for (g, protocol, _, _) in groups {
                            if (protocol == "consumer" || protocol.is_empty())
                                && matches_any(&self.config.groups, g)
                                && !matches_any(&self.config.groups_exclude, g)
                            {
                                found.insert(g.clone());
                            }
                        }
                    }
                }
                if found.is_empty() {
                    // Nothing yet (or no answer): look again soon rather than in
                    // refresh.groups.interval.seconds.
                    self.next_groups_at = self.next_groups_at.min(host.now().plus_ms(5000));
                }
                self.groups = found;
            }
            Job::GroupOffsets(groups) => {
                let topic = POLICY.checkpoints_topic(&self.config.source);
                for (g, r) in groups.iter().zip(responses) {
                    let Some(Response::OffsetFetch { error: None, offsets }) = r else { continue };
                    let committed: Vec<(TopicPartition, i64)> = offsets
                        .iter()
                        .filter(|(tp, o, e)| e.is_none() && *o >= 0 && self.topics.contains_key(&tp.topic))
                        .map(|(tp, o, _)| (tp.clone(), *o))
                        .collect();
                    let new = checkpoints_for_group(
                        &POLICY,
                        &self.config.source,
                        &self.config.target,
                        &self.store,
                        g,
                        &committed,
                        &self.checkpoints,
                    );
                    for c in new {
                        let record = ProducerRecord {
                            topic: topic.clone(),
                            partition: Some(0),
                            key: Some(checkpoint_key(&c).into()),
                            value: Some(checkpoint_value(&c).into()),
                            headers: vec![],
                            timestamp: None,
                        };
                        let _ = host.send(self.checkpoint_producer, record);
                        match self.checkpoints.iter_mut().find(|l| l.group == c.group && l.tp == c.tp) {
                            Some(l) => *l = c,
                            None => self.checkpoints.push(c),
                        }
                    }
                }
            }
            Job::DescribeTargetGroups(groups) => {
                self.idle_target.clear();
                let mut empty = Vec::new();
                for (g, r) in groups.iter().zip(&responses) {
                    if let Some(Response::DescribeGroups(d)) = r {
                        if d.iter().any(|d| d.error.is_none() && d.state == "Empty") {
                            empty.push(g.clone());
                        }
                    }
                }
                let calls = empty
                    .iter()
                    .map(|g| {
                        Call::new(
                            "listConsumerGroupOffsets",
                            Target::Coordinator { key: g.clone(), transaction: false },
                            Request::OffsetFetch { group: g.clone(), partitions: None, require_stable: true },
                        )
                    })
                    .collect::<Vec<_>>();
                if calls.is_empty() {
                    self.sync_offsets(host);
                } else {
                    self.submit(host, self.target_admin, calls, Job::TargetGroupOffsets(empty));
                }
            }
            Job::TargetGroupOffsets(groups) => {
                for (g, r) in groups.iter().zip(responses) {
                    if let Some(Response::OffsetFetch { error: None, offsets }) = r {
                        let o = offsets.iter().filter(|(_, _, e)| e.is_none()).map(|(tp, o, _)| (tp.clone(), *o));
                        self.idle_target.insert(g.clone(), o.collect());
                    }
                }
                self.sync_offsets(host);
            }
            Job::AlterOffsets | Job::Background => {}
        }
    }

    /// `MirrorCheckpointTask.syncGroupOffset`: the converted offsets of every checkpointed group
    /// to the target (an idle group only where it is behind).
    fn sync_offsets(&mut self, host: &mut dyn MirrorHost) {
        let groups: BTreeSet<String> = self.checkpoints.iter().map(|c| c.group.clone()).collect();
        let mut calls = Vec::new();
        for g in groups {
            let converted: Vec<(TopicPartition, i64)> =
                self.checkpoints.iter().filter(|c| c.group == g).map(|c| (c.tp.clone(), c.downstream)).collect();
            let offsets = offsets_to_sync(&converted, self.idle_target.get(&g).map(|v| v.as_slice()));
            if offsets.is_empty() {
                continue;
            }
            calls.push(Call::new(
                "alterConsumerGroupOffsets",
                Target::Coordinator { key: g.clone(), transaction: false },
                Request::OffsetCommit {
                    group: g,
                    generation: -1,
                    member_id: String::new(),
                    offsets: offsets.into_iter().map(|(tp, o)| (tp, o, None)).collect(),
                },
            ));
        }
        self.idle_target.clear();
        self.submit(host, self.target_admin, calls, Job::AlterOffsets);
    }

    fn assigned(&self) -> Vec<TopicPartition> {
        self.topics.iter().flat_map(|(t, n)| (0..*n).map(move |p| TopicPartition::new(t.clone(), p))).collect()
    }

    /// `MirrorSourceConnector.createNewTopics`: the remote topics on the target.
    fn create_topics(
        &mut self,
        host: &mut dyn MirrorHost,
        new: Vec<(String, i32)>,
        configs: &BTreeMap<String, BTreeMap<String, String>>,
    ) {
        let target_topics: Vec<NewTopic> = new
            .iter()
            .map(|(t, n)| NewTopic {
                name: self.remote_topic(t),
                partitions: *n,
                replication_factor: self.config.replication_factor,
                assignment: None,
                configs: configs.get(t).cloned().unwrap_or_default(),
            })
            .collect();
        let calls = vec![Call::new(
            "createTopics",
            Target::Any,
            Request::Controller(ControllerRequest::CreateTopics { topics: target_topics, validate_only: false }),
        )];
        self.submit(host, self.target_admin, calls, Job::CreateTopics(new));
    }
}

/// The response inside a throttled one.
fn unthrottle(r: Option<Response>) -> Option<Response> {
    match r {
        Some(Response::Throttled { response, .. }) => Some(*response),
        other => other,
    }
}
