//! Details of one thing the learner points at — a broker, a controller, a replica's log, one
//! record, a client, a group, a topic, a link — read from the engine for the page's inspector.
//! Read-only, like the [`ViewModel`]; built only for the selected thing, so it may look
//! deeper (configs with their sources, the leader-epoch cache, the log's batches).

use crate::sim::broker::replica::Role;
use crate::sim::client::config::{ConsumerConfig, ProducerConfig};
use crate::sim::client::ClientKind;
use crate::sim::codec::Codec;
use crate::sim::config::{
    broker_config_def, describe_broker_configs, describe_topic_configs, ConfigEntry, ConfigSource,
};
use crate::sim::metadata::MetadataRecord;
use crate::sim::record::{Bytes, RecordBatch};
use crate::sim::types::{BrokerId, Epoch, NodeAddr, Offset, TopicPartition};
use crate::sim::view::names::{ControllerRole, ReplicaRole};
use crate::sim::view::{NodeStatus, ViewModel};
use crate::sim::world::Sim;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::rc::Rc;

/// What can be inspected.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub enum Target {
    Broker(BrokerId),
    Controller(i32),
    /// A partition replica on a broker (its log).
    Replica(BrokerId, TopicPartition),
    /// One record of a replica's log, by offset.
    Record(BrokerId, TopicPartition, Offset),
    Client(u32),
    Group(String),
    Topic(String),
    Link(NodeAddr, NodeAddr),
}

/// One config line: name, value, where the value comes from, and whether it is Kafka's default.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct ConfigLine {
    pub(crate) name: String,
    pub(crate) value: String,
    pub(crate) source: String,
    pub(crate) is_default: bool,
}

impl ConfigLine {
    fn from_entry(e: &ConfigEntry) -> ConfigLine {
        ConfigLine {
            name: e.name.clone(),
            value: e.value.clone().unwrap_or_else(|| "null".into()),
            source: e.source.name().to_string(),
            is_default: e.source == ConfigSource::DefaultConfig,
        }
    }
}

/// A replica's log as the inspector shows it: numbers, the leader-epoch cache, and the batches
/// (shared with the engine, never copied) for the virtualised record list.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct LogDetail {
    pub(crate) broker: BrokerId,
    pub(crate) tp: TopicPartition,
    pub(crate) role: String,
    pub(crate) in_isr: bool,
    pub(crate) leader_epoch: Epoch,
    pub(crate) log_start: Offset,
    pub(crate) hw: Offset,
    pub(crate) leo: Offset,
    pub(crate) recovery_point: Offset,
    pub(crate) segments: u32,
    pub(crate) epochs: Vec<(Epoch, Offset)>,
    /// On the leader: each follower's last fetch position.
    pub(crate) followers: Vec<(BrokerId, Offset)>,
    #[serde(skip)]
    pub(crate) batches: Rc<Vec<Rc<RecordBatch>>>,
    /// Total records held (compaction leaves gaps in offsets).
    pub(crate) records: u64,
    /// Its segment files, oldest first (what `kafka-dump-log` reads and `kafka-log-dirs` sums).
    pub(crate) segment_files: Vec<SegmentRow>,
}

/// One segment of a replica's log as it lies on disk: `<base offset>.log`, `.index`,
/// `.timeindex` (see [`crate::sim::segment_files`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct SegmentRow {
    /// The file name's 20 digits.
    pub(crate) base_offset: Offset,
    /// The `.log` file's size in bytes.
    pub(crate) size_bytes: u64,
    pub(crate) batches: u32,
    /// The first and last offsets in it (`None`: empty).
    pub(crate) offsets: Option<(Offset, Offset)>,
    /// The first record's timestamp and the largest one in it (`None`: empty).
    pub(crate) times: Option<(i64, i64)>,
    /// The segment appends go to (the newest one).
    pub(crate) active: bool,
    /// Entries of the sparse `.index` and of the `.timeindex` (`index.interval.bytes`).
    pub(crate) offset_index_entries: u32,
    pub(crate) time_index_entries: u32,
}

/// `log`'s segments as [`SegmentRow`]s; `interval` is the topic's `index.interval.bytes`.
fn segment_rows(log: &crate::sim::log::Log, interval: i64) -> Vec<SegmentRow> {
    let last = log.segments.len().saturating_sub(1);
    log.segments
        .iter()
        .enumerate()
        .map(|(i, seg)| {
            let active = i == last;
            let idx = crate::sim::segment_files::segment_indexes(seg, interval, active);
            let first = seg.batches.first();
            // The first record's timestamp (O(1): the inspector rebuilds this every frame).
            let min_ts = first.and_then(|b| b.records.first()).map(|r| r.timestamp);
            SegmentRow {
                base_offset: seg.base_offset,
                size_bytes: seg.size_bytes,
                batches: seg.batches.len() as u32,
                offsets: first.zip(seg.batches.last()).map(|(f, l)| (f.base_offset, l.last_offset)),
                times: min_ts.map(|m| (m, seg.max_timestamp)),
                active,
                offset_index_entries: idx.offsets.len() as u32,
                time_index_entries: idx.times.len() as u32,
            }
        })
        .collect()
}

/// A topic's config as the brokers apply it: the topic's own value, else the broker default
/// it falls back to, else Kafka's default.
fn topic_config_value(sim: &Sim, topic: &str, name: &str) -> Option<String> {
    let proc = sim.brokers().values().filter_map(|b| b.proc.as_ref()).next()?;
    let broker = proc.image.broker_level_configs(proc.id, &sim.env().static_configs);
    proc.image
        .topics
        .get(topic)
        .and_then(|t| t.configs.get(name).cloned())
        .or_else(|| crate::sim::config::topic_broker_value(name, &broker))
}

/// One record, fully.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct RecordDetail {
    pub(crate) broker: BrokerId,
    pub(crate) tp: TopicPartition,
    pub(crate) offset: Offset,
    pub(crate) committed: bool,
    pub(crate) key: Option<String>,
    pub(crate) value: Option<String>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) timestamp: i64,
    pub(crate) leader_epoch: Epoch,
    pub(crate) batch_base_offset: Offset,
    pub(crate) batch_last_offset: Offset,
    pub(crate) producer_id: i64,
    pub(crate) producer_epoch: i16,
    pub(crate) sequence: i32,
    pub(crate) transactional: bool,
    pub(crate) control: Option<String>,
    pub(crate) size_bytes: u32,
    /// The batch's `compression.type` (`none`, `gzip`, ...).
    pub(crate) codec: &'static str,
    /// The partition murmur2 gives this key (`BuiltInPartitioner.partitionForKey`), to compare with `tp`.
    pub(crate) key_partition: Option<i32>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct BrokerDetail {
    pub(crate) id: BrokerId,
    pub(crate) status: String,
    pub(crate) endpoint: String,
    pub(crate) rack: Option<String>,
    pub(crate) broker_epoch: i64,
    pub(crate) restarts: u64,
    pub(crate) slow_ms: i64,
    pub(crate) configs: Vec<ConfigLine>,
    pub(crate) replicas: Vec<(TopicPartition, String, bool, Offset, Offset)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct ControllerDetail {
    pub(crate) id: i32,
    pub(crate) role: String,
    pub(crate) epoch: Epoch,
    pub(crate) voted_for: Option<i32>,
    pub(crate) high_watermark: Offset,
    pub(crate) log_end: Offset,
    /// Registered brokers: id, fenced, broker epoch.
    pub(crate) brokers: Vec<(BrokerId, bool, i64)>,
    /// The newest metadata records: offset, epoch, description.
    pub(crate) tail: Vec<(Offset, Epoch, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct ClientDetail {
    pub(crate) id: u32,
    pub(crate) name: String,
    pub(crate) kind: String,
    pub(crate) state: String,
    pub(crate) summary: String,
    pub(crate) paused: bool,
    pub(crate) configs: Vec<ConfigLine>,
    pub(crate) group: Option<String>,
    /// Partition, position, lag.
    pub(crate) assignment: Vec<(TopicPartition, Option<Offset>, Option<i64>)>,
    /// A producer's accumulator, requests in flight and buffer (`RecordAccumulator`, `Sender`,
    /// `BufferPool`).
    pub(crate) producer: Option<ProducerInternals>,
    /// A consumer: where it fetches each assigned partition from, and why.
    pub(crate) fetching: Vec<FetchRoute>,
    /// A consumer's fetches waiting at brokers now (long polls): broker, milliseconds waited.
    pub(crate) waiting: Vec<(BrokerId, i64)>,
    /// On a secured cluster, the principal its connections authenticate as
    /// (`KafkaPrincipal.toString`, `User:alice`), or why they cannot (`Err`).
    pub(crate) principal: Option<Result<String, String>>,
    /// A producer's or consumer's quota throttling (KIP-219).
    pub(crate) throttle: Option<ThrottleDetail>,
    /// The newest errors it met (what it logged at WARN or ERROR, and errors its application
    /// was handed), newest last.
    pub(crate) problems: Vec<String>,
}

/// A client's throttling (KIP-219): the broker answers at once with `throttle_time_ms`, and
/// the client sends nothing more to that broker until the time is waited out
/// (`ClusterConnectionStates.throttle`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct ThrottleDetail {
    /// `produce-throttle-time` or `fetch-throttle-time` (the sensor's name).
    pub(crate) sensor: &'static str,
    /// `*-throttle-time-avg` and `-max` over the sensor's window (`None`: NaN).
    pub(crate) avg_ms: Option<i64>,
    pub(crate) max_ms: Option<i64>,
    /// Responses that came with a throttle time.
    pub(crate) throttled_responses: u64,
    /// Per broker it is muted by now: the milliseconds left.
    pub(crate) muted: Vec<(BrokerId, i64)>,
}

/// Where a consumer fetches one partition from (`AbstractFetch.selectReadReplica`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct FetchRoute {
    pub(crate) tp: TopicPartition,
    pub(crate) broker: BrokerId,
    /// The broker's rack, if it has one.
    pub(crate) rack: Option<String>,
    /// In words: "leader", or "preferred read replica (rack c) for 4m 58s more".
    pub(crate) why: String,
}

/// What a producer holds between `send()` and the broker's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct ProducerInternals {
    /// Every batch not yet acknowledged, per partition in queue order.
    pub(crate) batches: Vec<BatchFill>,
    pub(crate) batch_size: i32,
    pub(crate) linger_ms: i64,
    /// Per broker: produce requests in flight and the batches they carry.
    pub(crate) in_flight: Vec<(i32, u32, u32)>,
    pub(crate) max_in_flight: i32,
    pub(crate) buffer_used: i64,
    pub(crate) buffer_memory: i64,
    pub(crate) retries: u64,
    /// Sends that had to wait for buffer space, and those that gave up after `max.block.ms`.
    pub(crate) blocked_sends: u64,
    pub(crate) block_timeouts: u64,
    /// How long the application's current `send()` has been waiting, if it is.
    pub(crate) blocked_for_ms: Option<i64>,
    pub(crate) max_block_ms: i64,
    pub(crate) compression: &'static str,
    /// Per topic, the estimated compression ratio in thousandths (`CompressionRatioEstimator`).
    pub(crate) ratios: Vec<(String, u32)>,
}

/// One batch in the accumulator or on the wire.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct BatchFill {
    pub(crate) tp: TopicPartition,
    pub(crate) records: u32,
    /// Uncompressed bytes so far (header included), what `batch.size` is compared with.
    pub(crate) bytes: u32,
    /// Its size on the wire once closed (compressed), 0 while it fills.
    pub(crate) wire_bytes: u32,
    pub(crate) age_ms: i64,
    /// In words: filling, full, lingered (ready), sent (awaiting the answer), retry in N ms.
    pub(crate) state: String,
    pub(crate) attempts: u32,
}

fn producer_internals(p: &crate::sim::client::producer::Producer, now: crate::sim::time::SimTime) -> ProducerInternals {
    let fill = |b: &crate::sim::client::producer::ProducerBatch, state: String| BatchFill {
        tp: b.tp.clone(),
        records: b.send_ids.len() as u32,
        bytes: b.size,
        wire_bytes: b.wire_size,
        age_ms: now.ms_since(b.created),
        state,
        attempts: b.attempts,
    };
    let mut batches = Vec::new();
    for q in p.accum.values() {
        for b in q {
            let state = if b.retry_at > now {
                format!("retry in {} ms", b.retry_at.ms_since(now))
            } else if b.attempts > 0 {
                "retry due".to_string()
            } else if b.full {
                "full".to_string()
            } else if now.ms_since(b.created) >= p.cfg.linger_ms {
                "lingered, ready".to_string()
            } else {
                "filling".to_string()
            };
            batches.push(fill(b, state));
        }
    }
    let mut in_flight: BTreeMap<i32, (u32, u32)> = BTreeMap::new();
    for (broker, req) in p.inflight_batches() {
        let e = in_flight.entry(broker).or_default();
        e.0 += 1;
        e.1 += req.len() as u32;
        for b in req {
            batches.push(fill(b, format!("sent to broker {broker}, awaiting the answer")));
        }
    }
    ProducerInternals {
        batches,
        batch_size: p.cfg.batch_size,
        linger_ms: p.cfg.linger_ms,
        in_flight: in_flight.into_iter().map(|(b, (r, n))| (b, r, n)).collect(),
        max_in_flight: p.cfg.max_in_flight,
        buffer_used: p.buffered,
        buffer_memory: p.cfg.buffer_memory,
        retries: p.retries,
        blocked_sends: p.blocked_sends,
        block_timeouts: p.block_timeouts,
        blocked_for_ms: p.blocked.as_ref().map(|(since, _)| now.ms_since(*since)),
        max_block_ms: p.cfg.max_block_ms,
        compression: p.cfg.compression.name(),
        ratios: p.compression_ratio.iter().map(|(t, r)| (t.clone(), *r)).collect(),
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct GroupDetail {
    pub(crate) id: String,
    pub(crate) state: String,
    pub(crate) generation: i32,
    pub(crate) protocol_type: String,
    pub(crate) assignor: String,
    pub(crate) leader: Option<String>,
    pub(crate) coordinator: BrokerId,
    /// member id, client id, instance id, assignment.
    pub(crate) members: Vec<(String, String, Option<String>, Vec<TopicPartition>)>,
    /// partition, committed offset, log end (HW), lag.
    pub(crate) offsets: Vec<(TopicPartition, Offset, Offset, i64)>,
    /// The group panel: per member its epoch, owned partitions, partitions being given and to
    /// revoke.
    pub(crate) rebalance: Rc<crate::sim::view::GroupRebalance>,
}

/// partition, leader, epoch, replicas, isr, HW, LEO.
pub(crate) type PartitionDetail = (i32, BrokerId, Epoch, Vec<BrokerId>, Vec<BrokerId>, Offset, Offset);

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct TopicDetail {
    pub(crate) name: String,
    pub(crate) id: String,
    pub(crate) internal: bool,
    /// partition, leader, epoch, replicas, isr, HW, LEO.
    pub(crate) partitions: Vec<PartitionDetail>,
    pub(crate) configs: Vec<ConfigLine>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct LinkDetail {
    pub(crate) from: NodeAddr,
    pub(crate) to: NodeAddr,
    pub(crate) cut: bool,
    pub(crate) extra_latency_ms: u64,
    pub(crate) loss_percent: u32,
}

/// The inspector's content.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) enum Detail {
    Broker(BrokerDetail),
    Controller(ControllerDetail),
    Log(LogDetail),
    Record(RecordDetail),
    Client(Box<ClientDetail>),
    Group(GroupDetail),
    /// A share group (KIP-932): its members and share-partitions as the group panel shows them.
    ShareGroup(Rc<crate::sim::view::ShareGroupView>),
    Topic(TopicDetail),
    Link(LinkDetail),
    /// The thing no longer exists (a deleted topic, a closed client).
    Gone(String),
}

/// Text of a key or value as the console consumer prints it (UTF-8, lossy).
pub(crate) fn text_of(b: &Option<Bytes>) -> Option<String> {
    b.as_ref().map(|b| String::from_utf8_lossy(b).into_owned())
}

/// Details of `target` now.
pub(crate) fn inspect(sim: &Sim, view: &ViewModel, target: &Target) -> Detail {
    match target {
        Target::Broker(id) => broker(sim, view, *id),
        Target::Controller(id) => controller(sim, *id),
        Target::Replica(b, tp) => match log(sim, *b, tp) {
            Some(d) => Detail::Log(d),
            None => Detail::Gone(format!("broker {b} holds no replica of {tp}")),
        },
        Target::Record(b, tp, offset) => record(sim, *b, tp, *offset),
        Target::Client(id) => client(sim, view, *id),
        Target::Group(g) => match view.groups.iter().find(|x| &x.id == g) {
            // Group ids are one name space over every group type (`GroupCoordinatorShard`).
            None => match view.share_groups.iter().find(|x| &x.group == g) {
                Some(sg) => Detail::ShareGroup(sg.clone()),
                None => {
                    Detail::Gone(format!("group {g} has no coordinator state (deleted, or its coordinator is down)"))
                }
            },
            Some(gv) => group(sim, gv),
        },
        Target::Topic(t) => topic(sim, t),
        Target::Link(a, b) => {
            let l = view.links.iter().find(|l| l.from == *a && l.to == *b);
            Detail::Link(LinkDetail {
                from: *a,
                to: *b,
                cut: l.map(|l| l.cut).unwrap_or(false),
                extra_latency_ms: l.map(|l| l.extra_latency_ms).unwrap_or(0),
                loss_percent: l.map(|l| l.loss_percent).unwrap_or(0),
            })
        }
    }
}

fn broker(sim: &Sim, view: &ViewModel, id: BrokerId) -> Detail {
    let (Some(b), Some(bv)) = (sim.brokers().get(&id), view.brokers.iter().find(|b| b.id == id)) else {
        return Detail::Gone(format!("there is no broker {id}"));
    };
    let image = sim.metadata_image();
    let empty = BTreeMap::new();
    let per_broker = image.and_then(|i| i.broker_configs.get(&id)).unwrap_or(&empty);
    let cluster = image.map(|i| &i.cluster_configs).unwrap_or(&empty);
    // The configs the engine acts on, and whatever else is set: the full list of several
    // hundred is `kafka-configs --describe --all`'s.
    let statics = sim.env().broker_static_configs(id, b.rack.as_deref());
    let configs = describe_broker_configs(Some(id), per_broker, cluster, &statics)
        .into_iter()
        .filter(|e| e.source != ConfigSource::DefaultConfig || broker_config_def(&e.name).is_some_and(|d| d.simulated))
        .map(|e| ConfigLine {
            is_default: e.source == ConfigSource::DefaultConfig,
            source: e.source.name().to_string(),
            value: e.value.unwrap_or_else(|| "null".to_string()),
            name: e.name,
        })
        .collect();
    let replicas = bv.replicas.iter().map(|r| (r.tp.clone(), r.role.name(), r.in_isr, r.hw, r.leo)).collect();
    let status = match bv.status {
        NodeStatus::Down => "crashed or stopped (process not running)".to_string(),
        s => s.label().to_string(),
    };
    Detail::Broker(BrokerDetail {
        id,
        status,
        endpoint: format!("localhost:{}", crate::sim::node::Env::broker_port(id)),
        rack: b.rack.clone(),
        broker_epoch: b.proc.as_ref().map(|p| p.broker_epoch).unwrap_or(-1),
        restarts: b.incarnations.saturating_sub(1),
        slow_ms: bv.slow_ms,
        configs,
        replicas,
    })
}

fn controller(sim: &Sim, id: i32) -> Detail {
    let Some(c) = sim.controllers().get(&id) else { return Detail::Gone(format!("there is no controller {id}")) };
    let role = ControllerRole::of(c.proc.as_ref().map(|p| &p.role)).name().to_string();
    let brokers = c
        .proc
        .as_ref()
        .map(|p| p.image.brokers.iter().map(|(id, b)| (*id, b.fenced, b.epoch)).collect())
        .unwrap_or_default();
    let start = c.disk.log.len().saturating_sub(30);
    let tail = c
        .disk
        .log
        .iter()
        .enumerate()
        .skip(start)
        .map(|(i, e)| {
            // A NoOpRecord stands for the run of them since the entry before it (`MetaEntry`).
            let first = i.checked_sub(1).map(|p| c.disk.log[p].offset + 1).unwrap_or(0);
            let text = match *e.record {
                MetadataRecord::NoOp if first < e.offset => {
                    format!("NoOpRecord ×{} (offsets {first}–{})", e.offset - first + 1, e.offset)
                }
                _ => summary(&e.record),
            };
            (e.offset, e.epoch, text)
        })
        .collect();
    Detail::Controller(ControllerDetail {
        id,
        role,
        epoch: c.disk.epoch,
        voted_for: c.disk.voted_for,
        high_watermark: c.proc.as_ref().map(|p| p.hw).unwrap_or(-1),
        log_end: c.disk.log_end(),
        brokers,
        tail,
    })
}

/// One metadata record in a line: Kafka's record type and the fields a learner looks for.
fn summary(r: &MetadataRecord) -> String {
    let list = |v: &[BrokerId]| v.iter().map(|b| b.to_string()).collect::<Vec<_>>().join(",");
    let detail = match r {
        MetadataRecord::LeaderChange { leader, .. } => format!("leader {leader}"),
        MetadataRecord::RegisterBroker { broker, fenced, .. } => format!("broker {broker}, fenced {fenced}"),
        MetadataRecord::BrokerRegistrationChange { broker, fenced, in_controlled_shutdown, .. } => {
            let mut d = format!("broker {broker}");
            if let Some(f) = fenced {
                d.push_str(&format!(", fenced {f}"));
            }
            if let Some(c) = in_controlled_shutdown {
                d.push_str(&format!(", controlled shutdown {c}"));
            }
            d
        }
        MetadataRecord::UnregisterBroker { broker, .. } => format!("broker {broker}"),
        MetadataRecord::Topic { name, .. } => name.clone(),
        MetadataRecord::Partition { partition, replicas, isr, leader, leader_epoch, .. } => {
            format!(
                "partition {partition}, replicas [{}], isr [{}], leader {leader}, epoch {leader_epoch}",
                list(replicas),
                list(isr)
            )
        }
        MetadataRecord::PartitionChange { partition, leader, isr, leader_epoch_bump, elr, last_known_elr, .. } => {
            let mut d = format!("partition {partition}");
            if let Some(l) = leader {
                d.push_str(&format!(", leader {l}"));
            }
            if let Some(i) = isr {
                d.push_str(&format!(", isr [{}]", list(i)));
            }
            if let Some(e) = elr {
                d.push_str(&format!(", elr [{}]", list(e)));
            }
            if let Some(e) = last_known_elr {
                d.push_str(&format!(", last known elr [{}]", list(e)));
            }
            if *leader_epoch_bump {
                d.push_str(", epoch +1");
            }
            d
        }
        MetadataRecord::ClearElr { topic } => match topic {
            Some(t) => format!("topic {t}"),
            None => "all topics".to_string(),
        },
        MetadataRecord::RemoveTopic { .. } => String::new(),
        MetadataRecord::Config { name, value, .. } => format!("{name}={}", value.as_deref().unwrap_or("(deleted)")),
        MetadataRecord::ProducerIds { next_block_start, .. } => format!("next block {next_block_start}"),
        MetadataRecord::ClientQuota { entity, key, value } => match value {
            Some(v) => format!(
                "{}: {key}={}",
                entity.describe(),
                crate::sim::config::java::double_to_string(f64::from_bits(*v))
            ),
            None => format!("{}: {key} (deleted)", entity.describe()),
        },
        MetadataRecord::AccessControlEntry { id, binding } => format!("acl {id}: {binding}"),
        MetadataRecord::RemoveAccessControlEntry { id } => format!("acl {id} removed"),
        MetadataRecord::NoOp => String::new(),
    };
    format!("{} {detail}", r.type_name()).trim_end().to_string()
}

fn log(sim: &Sim, broker: BrokerId, tp: &TopicPartition) -> Option<LogDetail> {
    let b = sim.brokers().get(&broker)?;
    let log = b.disk.logs.get(tp)?;
    let replica = b.proc.as_ref().and_then(|p| p.replicas.get(tp));
    let role = ReplicaRole::of(replica, b.proc.is_some()).name();
    let followers = match replica.map(|r| &r.role) {
        Some(Role::Leader { followers, .. }) => followers.iter().map(|(id, f)| (*id, f.log_end_offset)).collect(),
        _ => vec![],
    };
    let in_isr = sim
        .metadata_image()
        .and_then(|i| i.partition(&tp.topic, tp.partition))
        .map(|p| p.isr.contains(&broker))
        .unwrap_or(false);
    let batches: Vec<Rc<RecordBatch>> = log.batches().cloned().collect();
    let records = batches.iter().map(|b| b.records.len() as u64).sum();
    let interval =
        topic_config_value(sim, &tp.topic, "index.interval.bytes").and_then(|v| v.parse().ok()).unwrap_or(4096);
    Some(LogDetail {
        broker,
        tp: tp.clone(),
        role,
        in_isr,
        leader_epoch: replica.map(|r| r.leader_epoch).unwrap_or(-1),
        log_start: log.log_start_offset,
        hw: log.high_watermark,
        leo: log.log_end_offset,
        recovery_point: log.recovery_point,
        segments: log.segments.len() as u32,
        epochs: log.epochs.entries().iter().map(|e| (e.epoch, e.start_offset)).collect(),
        followers,
        batches: Rc::new(batches),
        records,
        segment_files: segment_rows(log, interval),
    })
}

fn record(sim: &Sim, broker: BrokerId, tp: &TopicPartition, offset: Offset) -> Detail {
    let Some(log) = sim.brokers().get(&broker).and_then(|b| b.disk.logs.get(tp)) else {
        return Detail::Gone(format!("broker {broker} holds no replica of {tp}"));
    };
    let count = sim.metadata_image().and_then(|i| i.topics.get(&tp.topic)).map(|t| t.partitions.len() as i32);
    for b in log.batches() {
        if offset < b.base_offset || offset > b.last_offset {
            continue;
        }
        if let Some(r) = b.records.iter().find(|r| b.base_offset + i64::from(r.offset_delta) == offset) {
            return Detail::Record(RecordDetail {
                broker,
                tp: tp.clone(),
                offset,
                committed: offset < log.high_watermark,
                key: text_of(&r.key),
                value: text_of(&r.value),
                headers: r
                    .headers
                    .iter()
                    .map(|h| {
                        (
                            h.key.clone(),
                            h.value
                                .as_ref()
                                .map(|v| String::from_utf8_lossy(v).into_owned())
                                .unwrap_or_else(|| "null".into()),
                        )
                    })
                    .collect(),
                timestamp: b.record_timestamp(r),
                leader_epoch: b.partition_leader_epoch,
                batch_base_offset: b.base_offset,
                batch_last_offset: b.last_offset,
                producer_id: b.producer_id,
                producer_epoch: b.producer_epoch,
                sequence: if b.base_sequence < 0 { -1 } else { b.base_sequence.wrapping_add(r.offset_delta as i32) },
                transactional: b.transactional,
                control: b.control.map(|c| format!("{c:?}")),
                size_bytes: b.size_bytes,
                codec: b.compression.name(),
                key_partition: match (&r.key, count) {
                    (Some(k), Some(n)) if n > 0 => Some(crate::sim::partitioner::partition_for_key(k, n)),
                    _ => None,
                },
            });
        }
    }
    Detail::Gone(format!(
        "offset {offset} is no longer in {tp} on broker {broker} (deleted by retention or compaction, or truncated)"
    ))
}

fn config_lines(pairs: Vec<(&str, String, String)>) -> Vec<ConfigLine> {
    pairs
        .into_iter()
        .map(|(name, value, default)| ConfigLine {
            name: name.to_string(),
            is_default: value == default,
            source: if value == default { "DEFAULT_CONFIG".into() } else { "client setting".into() },
            value,
        })
        .collect()
}

fn client(sim: &Sim, view: &ViewModel, id: u32) -> Detail {
    let (Some(c), Some(cv)) = (sim.clients().get(&id), view.clients.iter().find(|c| c.id == id)) else {
        return Detail::Gone(format!("client {id} has closed"));
    };
    let configs = match &c.kind {
        ClientKind::Producer(p) => {
            let d = ProducerConfig::parse(&BTreeMap::new()).unwrap_or_else(|_| p.cfg.clone());
            let acks = |a: i16| if a == -1 { "all".to_string() } else { a.to_string() };
            config_lines(vec![
                ("acks", acks(p.cfg.acks), acks(d.acks)),
                ("enable.idempotence", p.cfg.enable_idempotence.to_string(), d.enable_idempotence.to_string()),
                ("transactional.id", p.cfg.transactional_id.clone().unwrap_or("null".into()), "null".into()),
                ("linger.ms", p.cfg.linger_ms.to_string(), d.linger_ms.to_string()),
                ("batch.size", p.cfg.batch_size.to_string(), d.batch_size.to_string()),
                ("compression.type", p.cfg.compression.name().to_string(), d.compression.name().to_string()),
                ("buffer.memory", p.cfg.buffer_memory.to_string(), d.buffer_memory.to_string()),
                ("max.block.ms", p.cfg.max_block_ms.to_string(), d.max_block_ms.to_string()),
                ("max.in.flight.requests.per.connection", p.cfg.max_in_flight.to_string(), d.max_in_flight.to_string()),
                ("retries", p.cfg.retries.to_string(), d.retries.to_string()),
                ("delivery.timeout.ms", p.cfg.delivery_timeout_ms.to_string(), d.delivery_timeout_ms.to_string()),
                ("request.timeout.ms", p.cfg.request_timeout_ms.to_string(), d.request_timeout_ms.to_string()),
                (
                    "partitioner.ignore.keys",
                    p.cfg.partitioner_ignore_keys.to_string(),
                    d.partitioner_ignore_keys.to_string(),
                ),
            ])
        }
        ClientKind::Consumer(k) => {
            let d = ConsumerConfig::parse(&BTreeMap::new()).unwrap_or_else(|_| k.cfg.clone());
            config_lines(vec![
                ("group.id", k.cfg.group_id.clone().unwrap_or("null".into()), "null".into()),
                ("group.instance.id", k.cfg.group_instance_id.clone().unwrap_or("null".into()), "null".into()),
                (
                    "auto.offset.reset",
                    format!("{:?}", k.cfg.auto_offset_reset).to_lowercase(),
                    format!("{:?}", d.auto_offset_reset).to_lowercase(),
                ),
                ("enable.auto.commit", k.cfg.enable_auto_commit.to_string(), d.enable_auto_commit.to_string()),
                (
                    "auto.commit.interval.ms",
                    k.cfg.auto_commit_interval_ms.to_string(),
                    d.auto_commit_interval_ms.to_string(),
                ),
                (
                    "isolation.level",
                    if k.cfg.read_committed { "read_committed" } else { "read_uncommitted" }.to_string(),
                    if d.read_committed { "read_committed" } else { "read_uncommitted" }.to_string(),
                ),
                ("partition.assignment.strategy", k.cfg.assignors.join(","), d.assignors.join(",")),
                ("session.timeout.ms", k.cfg.session_timeout_ms.to_string(), d.session_timeout_ms.to_string()),
                ("heartbeat.interval.ms", k.cfg.heartbeat_interval_ms.to_string(), d.heartbeat_interval_ms.to_string()),
                ("max.poll.interval.ms", k.cfg.max_poll_interval_ms.to_string(), d.max_poll_interval_ms.to_string()),
                ("max.poll.records", k.cfg.max_poll_records.to_string(), d.max_poll_records.to_string()),
                ("fetch.min.bytes", k.cfg.fetch_min_bytes.to_string(), d.fetch_min_bytes.to_string()),
                ("fetch.max.wait.ms", k.cfg.fetch_max_wait_ms.to_string(), d.fetch_max_wait_ms.to_string()),
                ("client.rack", k.cfg.client_rack.clone().unwrap_or_default(), String::new()),
            ])
        }
        ClientKind::Admin(_) => vec![],
    };
    let (fetching, waiting) = match &c.kind {
        ClientKind::Consumer(k) => fetch_routes(sim, id, k),
        _ => (vec![], vec![]),
    };
    Detail::Client(Box::new(ClientDetail {
        id,
        name: cv.name.clone(),
        kind: cv.kind.to_string(),
        state: cv.state.clone(),
        summary: cv.summary.clone(),
        paused: cv.paused,
        configs,
        group: cv.group.clone(),
        assignment: cv.assignment.clone(),
        producer: match &c.kind {
            ClientKind::Producer(p) => Some(producer_internals(p, sim.now())),
            _ => None,
        },
        fetching,
        waiting,
        principal: sim.env().sasl_plain().then(|| sim.env().principal_of(NodeAddr::Client(id))),
        throttle: client_throttle(sim, c),
        problems: client_problems(c),
    }))
}

/// [`ThrottleDetail`] of a producer or consumer.
fn client_throttle(sim: &Sim, c: &crate::sim::client::ClientNode) -> Option<ThrottleDetail> {
    let sensor = match &c.kind {
        ClientKind::Producer(_) => "produce-throttle-time",
        ClientKind::Consumer(_) => "fetch-throttle-time",
        ClientKind::Admin(_) => return None,
    };
    let m = c.meta();
    let now = sim.now();
    let now_ms = now.as_ms() as i64;
    let mut muted: BTreeMap<BrokerId, i64> = BTreeMap::new();
    for n in m.conns.nodes.values().filter(|n| n.throttle_until > now) {
        let left = n.throttle_until.ms_since(now);
        let e = muted.entry(n.node_id).or_default();
        *e = (*e).max(left);
    }
    Some(ThrottleDetail {
        sensor,
        avg_ms: m.throttle.avg(now_ms),
        max_ms: m.throttle.max(now_ms),
        throttled_responses: m.throttled_responses,
        muted: muted.into_iter().collect(),
    })
}

/// The newest few errors a client met, in words: its WARN/ERROR log lines and the errors its
/// consumer's poll was handed (an authorization failure reads as Kafka's exception message).
fn client_problems(c: &crate::sim::client::ClientNode) -> Vec<String> {
    const KEEP: usize = 3;
    let mut out: Vec<String> = c
        .meta()
        .logs
        .iter()
        .rev()
        .filter(|l| l.level == "WARN" || l.level == "ERROR")
        .take(KEEP)
        .map(|l| format!("{} {}", l.level, l.message))
        .collect();
    out.reverse();
    match &c.kind {
        ClientKind::Consumer(k) => out.extend(k.errors.iter().rev().take(KEEP).rev().map(|e| e.java_string())),
        ClientKind::Producer(p) => {
            let failed: Vec<String> = p
                .completions
                .iter()
                .rev()
                .filter_map(|x| {
                    x.result.as_ref().err().map(|e| format!("send to {} failed: {}", x.tp, e.java_string()))
                })
                .take(KEEP)
                .collect();
            out.extend(failed.into_iter().rev());
        }
        ClientKind::Admin(_) => {}
    }
    out
}

/// `298000` → "4m 58s"; under a minute "12s".
fn duration_words(ms: i64) -> String {
    let s = ms / 1000;
    if s >= 60 {
        format!("{}m {}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

/// A consumer's fetch routes (KIP-392) and its fetches waiting at brokers.
fn fetch_routes(
    sim: &Sim,
    id: u32,
    k: &crate::sim::client::consumer::Consumer,
) -> (Vec<FetchRoute>, Vec<(BrokerId, i64)>) {
    let now = sim.now();
    let rack = |b: BrokerId| sim.brokers().get(&b).and_then(|n| n.rack.clone());
    let routes = k
        .assignment
        .keys()
        .filter_map(|tp| {
            let (broker, until) = k.fetch_target(tp, now)?;
            let why = match until {
                None => "leader".to_string(),
                Some(t) => format!(
                    "preferred read replica{} for {} more (the leader's replica.selector.class; metadata.max.age.ms)",
                    k.cfg.client_rack.as_ref().map(|r| format!(" in client.rack {r}")).unwrap_or_default(),
                    duration_words(t.ms_since(now).max(0))
                ),
            };
            Some(FetchRoute { tp: tp.clone(), broker, rack: rack(broker), why })
        })
        .collect();
    let waiting = sim
        .parked_fetches()
        .filter(|(_, from, _)| *from == crate::sim::types::NodeAddr::Client(id))
        .map(|(b, _, since)| (b, now.ms_since(since)))
        .collect();
    (routes, waiting)
}

fn group(sim: &Sim, gv: &crate::sim::view::GroupView) -> Detail {
    let g =
        sim.brokers().get(&gv.coordinator).and_then(|b| b.proc.as_ref()).and_then(|p| p.coordinator.groups.get(&gv.id));
    let members = match g.filter(|g| g.consumer.is_none()) {
        Some(g) => g
            .members
            .values()
            .map(|m| (m.member_id.clone(), m.client_id.clone(), m.instance_id.clone(), m.assignment.clone()))
            .collect(),
        None => gv
            .rebalance
            .members
            .iter()
            .map(|m| (m.member_id.clone(), m.client_id.clone(), m.instance_id.clone(), m.owned.clone()))
            .collect(),
    };
    Detail::Group(GroupDetail {
        id: gv.id.clone(),
        state: gv.state.clone(),
        generation: gv.generation,
        protocol_type: g
            .and_then(|g| g.protocol_type.clone())
            .unwrap_or_else(|| gv.rebalance.protocol.name().to_string()),
        assignor: gv.protocol.clone(),
        leader: g.and_then(|g| g.leader.clone()),
        coordinator: gv.coordinator,
        members,
        offsets: gv.offsets.clone(),
        rebalance: gv.rebalance.clone(),
    })
}

fn topic(sim: &Sim, name: &str) -> Detail {
    let Some(image) = sim.metadata_image() else { return Detail::Gone("no controller is running".into()) };
    let Some(t) = image.topics.get(name) else { return Detail::Gone(format!("topic {name} does not exist")) };
    let empty = BTreeMap::new();
    let configs = describe_topic_configs(&t.configs, &empty, &image.cluster_configs, &sim.env().static_configs)
        .iter()
        .map(ConfigLine::from_entry)
        .collect();
    let partitions = t
        .partitions
        .iter()
        .map(|(p, s)| {
            let tp = TopicPartition::new(name.to_string(), *p);
            let log = sim.leader_log(&tp);
            (
                *p,
                s.leader,
                s.leader_epoch,
                s.replicas.clone(),
                s.isr.clone(),
                log.map(|l| l.high_watermark).unwrap_or(-1),
                log.map(|l| l.log_end_offset).unwrap_or(-1),
            )
        })
        .collect();
    Detail::Topic(TopicDetail {
        name: name.to_string(),
        id: t.id.to_string(),
        internal: t.is_internal(),
        partitions,
        configs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::client::producer::ProducerRecord;
    use crate::sim::record::bytes;
    use crate::sim::scenarios::create_topic;
    use crate::sim::world::ClusterConfig;

    fn cluster_with_records() -> Sim {
        let mut sim = Sim::new(5, ClusterConfig::default()).unwrap();
        sim.boot().unwrap();
        assert!(create_topic(&mut sim, "orders", 3, 3, &[]));
        let p = sim.create_producer("p", "localhost:9092", ProducerConfig::parse(&BTreeMap::new()).unwrap());
        for k in ["a", "b", "c", "d"] {
            let r = ProducerRecord {
                topic: "orders".into(),
                partition: None,
                key: Some(bytes(k.as_bytes())),
                value: Some(bytes(b"v")),
                headers: vec![],
                timestamp: None,
            };
            sim.produce(p, r).unwrap();
        }
        sim.run_for_ms(2000);
        sim
    }

    // `BuiltInPartitioner.partitionForKey`: a keyed record sits in the partition murmur2 picks; the
    // inspector shows both so the learner can check.
    #[test]
    fn a_record_shows_its_batch_epoch_and_key_partition() {
        let sim = cluster_with_records();
        let view = ViewModel::build(&sim);
        let mut seen = 0;
        for p in 0..3 {
            let tp = TopicPartition::new("orders", p);
            let leader = sim.leader_of(&tp).unwrap();
            let Detail::Log(l) = inspect(&sim, &view, &Target::Replica(leader, tp.clone())) else { panic!("a log") };
            assert_eq!(l.role, "leader");
            assert_eq!(l.epochs, vec![(0, 0)], "one leader since creation, from offset 0");
            for off in 0..l.leo {
                let Detail::Record(r) = inspect(&sim, &view, &Target::Record(leader, tp.clone(), off)) else {
                    panic!("record {off}")
                };
                assert_eq!(r.key_partition, Some(p));
                assert!(r.committed, "acks=all and a healthy ISR: HW reached the end");
                assert_eq!(r.leader_epoch, 0);
                seen += 1;
            }
        }
        assert_eq!(seen, 4);
    }

    /// KIP-392 on the page: a consumer in rack c is shown fetching from broker 3, the
    /// preferred read replica, and its waiting fetch (a long poll) at that broker.
    #[test]
    fn a_client_shows_where_it_fetches_from_and_its_waiting_fetch() {
        let mut cfg = ClusterConfig { racks: vec!["a".into(), "b".into(), "c".into()], ..ClusterConfig::default() };
        cfg.broker_configs
            .insert("replica.selector.class".into(), crate::sim::config::RACK_AWARE_REPLICA_SELECTOR.into());
        let mut sim = Sim::new(7, cfg).unwrap();
        sim.boot().unwrap();
        assert!(create_topic(&mut sim, "orders", 1, 3, &[]));
        sim.run_for_ms(1_000);
        let tp = TopicPartition::new("orders", 0);
        let leader = sim.leader_of(&tp).unwrap();
        // A follower and its rack (brokers 1, 2, 3 are in racks a, b, c).
        let follower = if leader == 3 { 2 } else { 3 };
        let rack = ["a", "b", "c"][(follower - 1) as usize];
        let props: BTreeMap<String, String> = [("client.rack", rack), ("auto.offset.reset", "earliest")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let c = sim.create_consumer("near", "localhost:9092", ConsumerConfig::parse(&props).unwrap());
        sim.with_consumer(c, |k, _, _| k.assign(vec![tp.clone()]));
        sim.run_for_ms(3_000);
        let view = ViewModel::build(&sim);
        let Detail::Client(d) = inspect(&sim, &view, &Target::Client(c)) else { panic!("a client") };
        assert_eq!(d.fetching.len(), 1);
        let r = &d.fetching[0];
        assert_eq!((r.broker, r.rack.as_deref()), (follower, Some(rack)));
        assert!(r.why.starts_with(&format!("preferred read replica in client.rack {rack} for 4m")), "{}", r.why);
        assert_eq!(
            d.waiting.iter().map(|(b, _)| *b).collect::<Vec<_>>(),
            vec![follower],
            "an idle partition: a long poll"
        );
        assert!(d.waiting[0].1 <= 500, "fetch.max.wait.ms bounds the wait");
        assert_eq!(view.brokers.iter().find(|b| b.id == follower).unwrap().waiting_fetches, 1);
        assert_eq!(view.brokers.iter().find(|b| b.id == follower).unwrap().rack.as_deref(), Some(rack));
    }

    #[test]
    fn configs_mark_defaults_and_overrides() {
        let mut sim = Sim::new(6, ClusterConfig::default()).unwrap();
        sim.boot().unwrap();
        assert!(create_topic(&mut sim, "t", 1, 3, &[("min.insync.replicas", "2")]));
        let view = ViewModel::build(&sim);
        let Detail::Topic(t) = inspect(&sim, &view, &Target::Topic("t".into())) else { panic!() };
        let min_isr = t.configs.iter().find(|c| c.name == "min.insync.replicas").unwrap();
        assert_eq!((min_isr.value.as_str(), min_isr.is_default), ("2", false));
        let retention = t.configs.iter().find(|c| c.name == "retention.ms").unwrap();
        assert_eq!((retention.value.as_str(), retention.is_default), ("604800000", true));
        let Detail::Broker(b) = inspect(&sim, &view, &Target::Broker(1)) else { panic!() };
        assert_eq!(b.endpoint, "localhost:9092");
        // Nothing was altered: every value is Kafka's default or the cluster's server.properties,
        // except min.insync.replicas, which the first active controller writes as a cluster-wide
        // dynamic default when ELR is on (ActivationRecordsGenerator.recordsForEmptyLog).
        assert!(
            b.configs.iter().all(|c| c.is_default
                || c.source == "STATIC_BROKER_CONFIG"
                || (c.name == "min.insync.replicas" && c.source == "DYNAMIC_DEFAULT_BROKER_CONFIG")),
            "{:?}",
            b.configs
        );
        assert!(b.configs.iter().any(|c| c.is_default));
        assert!(matches!(inspect(&sim, &view, &Target::Topic("nope".into())), Detail::Gone(_)));
        let Detail::Controller(c) = inspect(&sim, &view, &Target::Controller(view.active_controller.unwrap())) else {
            panic!()
        };
        assert_eq!(c.role, "leader (active)");
        assert_eq!(c.brokers.len(), 3);
        assert!(!c.tail.is_empty());
    }

    // RecordAccumulator and Sender: a batch that has not lingered long enough waits, filling;
    // the inspector shows its records, bytes against batch.size, its age against linger.ms and
    // the buffer it holds.
    #[test]
    fn a_producer_shows_its_batches_filling_and_its_buffer() {
        let mut sim = Sim::new(5, ClusterConfig::default()).unwrap();
        sim.boot().unwrap();
        assert!(create_topic(&mut sim, "orders", 1, 3, &[]));
        let props: BTreeMap<String, String> = [("linger.ms", "60000"), ("compression.type", "gzip")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let p = sim.create_producer("p", "localhost:9092", ProducerConfig::parse(&props).unwrap());
        let send = |sim: &mut Sim| {
            let r = ProducerRecord {
                topic: "orders".into(),
                partition: Some(0),
                key: None,
                value: Some(bytes(b"hello")),
                headers: vec![],
                timestamp: None,
            };
            sim.produce(p, r).unwrap();
        };
        send(&mut sim);
        sim.run_for_ms(1000);
        for _ in 0..2 {
            send(&mut sim);
        }
        sim.run_for_ms(500);
        let view = ViewModel::build(&sim);
        let Detail::Client(c) = inspect(&sim, &view, &Target::Client(p)) else { panic!("a client") };
        let prod = c.producer.expect("a producer's internals");
        assert_eq!(prod.compression, "gzip");
        assert_eq!(prod.batches.len(), 1, "{:?}", prod.batches);
        let b = &prod.batches[0];
        assert_eq!((b.records, b.state.as_str(), b.wire_bytes), (3, "filling", 0));
        // Created when the first record went in (once the topic's metadata came), 1.5 s ago.
        assert!((1400..=1500).contains(&b.age_ms), "{}", b.age_ms);
        assert!(b.age_ms < prod.linger_ms);
        assert!(prod.buffer_used > 0 && prod.buffer_used < prod.buffer_memory);
        assert!(prod.in_flight.is_empty());
        assert_eq!((prod.retries, prod.blocked_sends, prod.blocked_for_ms), (0, 0, None));
    }
}
