//! Goals: predicates over the engine (state), the trace (things that happened) and the
//! console log (commands run). Written one per line as `predicate | text for the learner`.
//!
//! Cost: a state goal reads the controller's metadata image and at most one leader log
//! (O(1) per goal, except `key-partitions`, which scans the topic's leader logs, and group
//! goals, which build the group part of the view once per check). Event goals are latched:
//! [`super::run::Tracker`] scans only the trace events and log entries that are new since
//! the last check, so checking every frame costs O(new events).

use crate::console::shell;
use crate::sim::codec::Codec;
use crate::sim::errors::KafkaError;
use crate::sim::trace::{ElectionReason, Finding, TraceKind};
use crate::sim::types::TopicPartition;
use crate::sim::view::model::NodeStatus;
use crate::sim::world::Sim;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A comparison.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    fn parse(s: &str) -> Option<Op> {
        Some(match s {
            "==" | "=" => Op::Eq,
            "!=" => Op::Ne,
            "<" => Op::Lt,
            "<=" => Op::Le,
            ">" => Op::Gt,
            ">=" => Op::Ge,
            _ => return None,
        })
    }
    pub(crate) fn holds(self, a: i64, b: i64) -> bool {
        match self {
            Op::Eq => a == b,
            Op::Ne => a != b,
            Op::Lt => a < b,
            Op::Le => a <= b,
            Op::Gt => a > b,
            Op::Ge => a >= b,
        }
    }
    fn symbol(self) -> &'static str {
        match self {
            Op::Eq => "==",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }
    fn words(self) -> &'static str {
        match self {
            Op::Eq => "is",
            Op::Ne => "is not",
            Op::Lt => "is below",
            Op::Le => "is at most",
            Op::Gt => "is above",
            Op::Ge => "is at least",
        }
    }
}

/// A number measured on a partition.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub enum PartMetric {
    /// The leader epoch the controller records.
    Epoch,
    /// ISR size.
    Isr,
    /// The leader's high watermark.
    Hw,
    /// The leader's log end offset.
    Leo,
    /// The leader's log start offset.
    LogStart,
    /// LEO − HW on the leader: records written but not yet committed.
    Uncommitted,
    /// The leader's last stable offset (below it no transaction is open).
    Lso,
    /// HW − LSO on the leader: committed records a read_committed consumer may not read yet.
    Unstable,
    /// How many segments the leader's log has (`UnifiedLog.numberOfSegments`).
    Segments,
    /// Tiered storage: how many segments the remote store holds for the partition.
    RemoteSegments,
    /// The leader's local log start offset (`localLogStartOffset`, `--time -4`); the log start
    /// (`log-start`) counts remote segments too.
    LocalLogStart,
    /// Fetches served from the remote store so far.
    RemoteReads,
    /// Fetches that failed at the remote store (unreachable).
    FailedRemoteReads,
}

impl PartMetric {
    const ALL: &'static [(&'static str, PartMetric, &'static str)] = &[
        ("epoch", PartMetric::Epoch, "leader epoch"),
        ("isr", PartMetric::Isr, "ISR size"),
        ("hw", PartMetric::Hw, "high watermark"),
        ("leo", PartMetric::Leo, "log end offset"),
        ("log-start", PartMetric::LogStart, "log start offset"),
        ("uncommitted", PartMetric::Uncommitted, "number of uncommitted records (LEO − HW)"),
        ("lso", PartMetric::Lso, "last stable offset"),
        ("unstable", PartMetric::Unstable, "number of records held back from read_committed (HW − LSO)"),
        ("segments", PartMetric::Segments, "number of segments on the leader"),
        ("remote-segments", PartMetric::RemoteSegments, "number of segments copied to remote storage"),
        ("local-log-start", PartMetric::LocalLogStart, "the leader's local log start offset"),
        ("remote-reads", PartMetric::RemoteReads, "number of fetches served from remote storage"),
        ("failed-remote-reads", PartMetric::FailedRemoteReads, "number of fetches that failed at remote storage"),
    ];
    fn name(self) -> &'static str {
        Self::ALL.iter().find(|(_, m, _)| *m == self).map(|(n, _, _)| *n).unwrap_or("?")
    }
    fn words(self) -> &'static str {
        Self::ALL.iter().find(|(_, m, _)| *m == self).map(|(_, _, w)| *w).unwrap_or("?")
    }
}

/// A number measured on a consumer group.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub enum GroupMetric {
    /// Total lag over the group's committed partitions.
    Lag,
    Members,
    /// Members with no partition assigned.
    Idle,
    Generation,
}

/// A number measured on a share group (KIP-932), or on one of its share-partitions.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub enum ShareMetric {
    Members,
    /// Members holding acquired records now.
    Busy,
    /// The share-partition start offset (SPSO).
    Spso,
    InFlight,
    Available,
    Acquired,
    Archived,
    /// The highest delivery count among the records in flight.
    MaxDeliveries,
}

impl ShareMetric {
    const ALL: &'static [(&'static str, ShareMetric, &'static str, bool)] = &[
        ("members", ShareMetric::Members, "number of members", false),
        ("busy", ShareMetric::Busy, "number of members holding records", false),
        ("spso", ShareMetric::Spso, "share-partition start offset (SPSO)", true),
        ("in-flight", ShareMetric::InFlight, "number of records in flight", true),
        ("available", ShareMetric::Available, "number of available records in flight", true),
        ("acquired", ShareMetric::Acquired, "number of acquired records", true),
        ("archived", ShareMetric::Archived, "number of archived records in flight", true),
        ("max-deliveries", ShareMetric::MaxDeliveries, "highest delivery count in flight", true),
    ];
    fn parse(s: &str) -> Option<(ShareMetric, bool)> {
        Self::ALL.iter().find(|(n, _, _, _)| *n == s).map(|(_, m, _, p)| (*m, *p))
    }
    fn name(self) -> &'static str {
        Self::ALL.iter().find(|(_, m, _, _)| *m == self).map(|(n, _, _, _)| *n).unwrap_or("?")
    }
    fn words(self) -> &'static str {
        Self::ALL.iter().find(|(_, m, _, _)| *m == self).map(|(_, _, w, _)| *w).unwrap_or("?")
    }
}

/// What a broker or controller is doing.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub enum NodeState {
    /// The process is not running.
    Down,
    /// Running but fenced by the controller (or still starting).
    Fenced,
    /// Running and unfenced.
    Running,
    /// The active controller (controllers only).
    Active,
    /// Running but not the active controller: a follower of the quorum's leader (controllers
    /// only; the read model's `ControllerRole::Follower`). Saved as `Standby` before.
    #[serde(alias = "Standby")]
    Follower,
}

impl NodeState {
    fn parse(s: &str) -> Option<NodeState> {
        Some(match s {
            "down" => NodeState::Down,
            "fenced" => NodeState::Fenced,
            "running" | "up" => NodeState::Running,
            "active" => NodeState::Active,
            // `standby` is what goals said before the read model settled on Kafka's word.
            "follower" | "standby" => NodeState::Follower,
            _ => return None,
        })
    }
    fn name(self) -> &'static str {
        match self {
            NodeState::Down => "down",
            NodeState::Fenced => "fenced",
            NodeState::Running => "running",
            NodeState::Active => "active",
            NodeState::Follower => "follower",
        }
    }
}

/// Something that happens, seen in the trace.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub enum EventKind {
    /// A produce failed with NOT_ENOUGH_REPLICAS (or _AFTER_APPEND).
    NotEnoughReplicas,
    /// A produce failed with any error (filter: the error name, a topic or partition).
    ProduceError,
    /// A replica truncated its log.
    Truncation,
    UncleanElection,
    PreferredElection,
    /// A partition got a new leader (not its first one).
    LeaderChange,
    IsrShrink,
    IsrExpand,
    /// A partition had no eligible leader.
    Offline,
    /// A group started rebalancing (PreparingRebalance).
    Rebalance,
    MemberRemoved,
    OffsetsCommitted,
    /// A consumer reset its position (auto.offset.reset).
    OffsetReset,
    /// A client was told OFFSET_OUT_OF_RANGE, or reset because of it.
    OffsetOutOfRange,
    TxnCommitted,
    TxnAborted,
    LostWrite,
    Duplicate,
    Reordered,
    BrokerFenced,
    ControlledShutdown,
    QuorumElection,
    SegmentsDeleted,
    LogCleaned,
    /// Tiered storage: a leader copied a segment to the remote store.
    SegmentCopied,
    /// A fetch was served from the remote store.
    RemoteRead,
    /// A fetch failed at the remote store.
    RemoteReadFailed,
    PartitionsAdded,
    Consumed,
    /// A share-partition's acquisition lock ran out (`releaseAcquisitionLockOnTimeout`).
    LockExpired,
    /// A share group member acquired a record delivered before (delivery count 2 or more).
    Redelivered,
}

impl EventKind {
    const ALL: &'static [(&'static str, EventKind, &'static str)] = &[
        ("not-enough-replicas", EventKind::NotEnoughReplicas, "a produce was refused with NOT_ENOUGH_REPLICAS"),
        ("produce-error", EventKind::ProduceError, "a produce request failed"),
        ("truncation", EventKind::Truncation, "a replica truncated its log"),
        ("unclean-election", EventKind::UncleanElection, "an unclean leader election happened"),
        ("preferred-election", EventKind::PreferredElection, "a preferred leader election moved a leader"),
        ("leader-change", EventKind::LeaderChange, "a partition changed leader"),
        ("isr-shrink", EventKind::IsrShrink, "an ISR shrank"),
        ("isr-expand", EventKind::IsrExpand, "an ISR grew back"),
        ("offline", EventKind::Offline, "a partition went offline"),
        ("rebalance", EventKind::Rebalance, "a consumer group rebalanced"),
        ("member-removed", EventKind::MemberRemoved, "a member was removed from a group"),
        ("offsets-committed", EventKind::OffsetsCommitted, "a consumer committed offsets"),
        ("offset-reset", EventKind::OffsetReset, "a consumer reset its position (auto.offset.reset)"),
        ("offset-out-of-range", EventKind::OffsetOutOfRange, "a fetch hit OFFSET_OUT_OF_RANGE"),
        ("txn-committed", EventKind::TxnCommitted, "a transaction committed"),
        ("txn-aborted", EventKind::TxnAborted, "a transaction aborted"),
        ("lost-write", EventKind::LostWrite, "the checker found an acknowledged record lost"),
        ("duplicate", EventKind::Duplicate, "the checker found a duplicate record"),
        ("reordered", EventKind::Reordered, "the checker found records out of order"),
        ("broker-fenced", EventKind::BrokerFenced, "the controller fenced a broker"),
        ("controlled-shutdown", EventKind::ControlledShutdown, "a broker shut down in a controlled way"),
        ("quorum-election", EventKind::QuorumElection, "the controller quorum elected a new leader"),
        ("segments-deleted", EventKind::SegmentsDeleted, "retention deleted log segments"),
        ("log-cleaned", EventKind::LogCleaned, "the log cleaner compacted a log"),
        ("segment-copied", EventKind::SegmentCopied, "a leader copied a segment to remote storage"),
        ("remote-read", EventKind::RemoteRead, "a fetch was served from remote storage"),
        ("remote-read-failed", EventKind::RemoteReadFailed, "a fetch failed at the remote storage"),
        ("partitions-added", EventKind::PartitionsAdded, "partitions were added to a topic"),
        ("consumed", EventKind::Consumed, "a consumer received records"),
        ("lock-expired", EventKind::LockExpired, "a share group's record lock expired"),
        ("redelivered", EventKind::Redelivered, "a share group member was given a record delivered before"),
    ];
    fn parse(s: &str) -> Option<EventKind> {
        Self::ALL.iter().find(|(n, _, _)| *n == s).map(|(_, k, _)| *k)
    }
    pub(crate) fn name(self) -> &'static str {
        Self::ALL.iter().find(|(_, k, _)| *k == self).map(|(n, _, _)| *n).unwrap_or("?")
    }
    fn words(self) -> &'static str {
        Self::ALL.iter().find(|(_, k, _)| *k == self).map(|(_, _, w)| *w).unwrap_or("?")
    }
    /// Every event kind name, for documentation and error messages.
    pub(crate) fn names() -> Vec<&'static str> {
        Self::ALL.iter().map(|(n, _, _)| *n).collect()
    }
}

/// A predicate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub enum Goal {
    /// `authorized PRINCIPAL OPERATION RESOURCE-TYPE NAME` (and `not-authorized ...`): what the
    /// StandardAuthorizer answers now from the controller's ACLs (see [`crate::sim::acl::authorize`]).
    Authorized {
        principal: String,
        operation: crate::sim::acl::AclOperation,
        resource_type: crate::sim::acl::ResourceType,
        name: String,
        allowed: bool,
    },
    /// `acls OP N`: how many ACL bindings the metadata holds.
    Acls { op: Op, n: i64 },
    /// `second GOAL`: a state goal on the second cluster (`second-cluster:` lessons), e.g.
    /// `second records primary.orders >= 250`.
    Second { inner: Box<Goal> },
    /// `topic-exists T`
    TopicExists { topic: String },
    /// `topic-absent T`
    TopicAbsent { topic: String },
    /// `partitions T OP N`
    Partitions { topic: String, op: Op, n: i64 },
    /// `rf T OP N`: every partition's replica count.
    Rf { topic: String, op: Op, n: i64 },
    /// `topic-config T KEY VALUE`: a topic config override is set to VALUE.
    TopicConfig { topic: String, key: String, value: String },
    /// `records T OP N`: the sum of the partitions' high watermarks (committed offsets).
    Records { topic: String, op: Op, n: i64 },
    /// `leader T-P == N` / `leader T-P != N`
    Leader { tp: TopicPartition, op: Op, broker: i32 },
    /// `offline T-P`: no leader.
    Offline { tp: TopicPartition },
    /// `online T-P`: has a leader.
    Online { tp: TopicPartition },
    /// `preferred-leaders T`: every partition is led by its first (preferred) replica.
    PreferredLeaders { topic: String },
    /// `in-isr T-P N` / `not-in-isr T-P N`
    InIsr { tp: TopicPartition, broker: i32, yes: bool },
    /// `in-elr T-P N` / `not-in-elr T-P N`: broker N is (not) an eligible leader replica
    /// (KIP-966), as the controller records it.
    InElr { tp: TopicPartition, broker: i32, yes: bool },
    /// `replicas T-P 1,2,4`: the replica set (any order).
    Replicas { tp: TopicPartition, brokers: Vec<i32> },
    /// `epoch|isr|hw|leo|log-start|uncommitted|lso|unstable|segments T-P OP N`
    Partition { tp: TopicPartition, metric: PartMetric, op: Op, n: i64 },
    /// `key-partitions T KEY OP N`: how many partitions hold records with this key
    /// (at least one record must exist).
    KeyPartitions { topic: String, key: String, op: Op, n: i64 },
    /// `broker N down|fenced|running`
    Broker { id: i32, state: NodeState },
    /// `brokers OP N`: brokers in the cluster (any state).
    Brokers { op: Op, n: i64 },
    /// `controller N down|running|active|follower`
    Controller { id: i32, state: NodeState },
    /// `group G state S`
    GroupState { group: String, state: String },
    /// `group G type classic|consumer`: the protocol the coordinator runs the group with (a
    /// mixed group of KIP-848's online migration is a consumer group).
    GroupType { group: String, protocol: String },
    /// `group G lag|members|idle|generation OP N`
    Group { group: String, metric: GroupMetric, op: Op, n: i64 },
    /// A share group (`tp: None`) or one of its share-partitions.
    Share { group: String, tp: Option<TopicPartition>, metric: ShareMetric, op: Op, n: i64 },
    /// `acked C OP N` / `failed C OP N`: a producer client's acknowledged or failed records;
    /// `consumed C OP N`: records a consumer client received.
    ClientCount { client: String, what: ClientCount, op: Op, n: i64 },
    /// `metric NAME NODE OP N`: an operator's metric of one node (`broker-1`, `controller-1001`,
    /// a client's name), as the `metrics` command shows it (meters in thousandths per second).
    Metric { name: String, node: String, op: Op, n: i64 },
    /// `event KIND [FILTER]`: it happened since the step began. The filter is a
    /// topic, topic-partition, group, broker id, client or error name, by kind.
    Event { kind: EventKind, filter: Option<String> },
    /// `ran WORD...`: a command whose arguments contain these words, in order, was run
    /// since the step began (`ran kafka-topics --create`).
    Ran { words: Vec<String> },
    /// `batch T-P records|bytes OP N`: the newest data batch on the partition's leader holds
    /// OP N records / is OP N bytes on disk (compressed, as `kafka-dump-log` prints its size).
    Batch { tp: TopicPartition, bytes: bool, op: Op, n: i64 },
    /// `batch T-P codec NAME`: the newest data batch on the leader is compressed with this codec
    /// (`none`, `gzip`, `snappy`, `lz4`, `zstd`).
    BatchCodec { tp: TopicPartition, codec: String },
    /// `fetches-from C T-P N`: consumer C fetches partition T-P from broker N now — the
    /// leader, or the replica the leader preferred for it (KIP-392).
    FetchesFrom { client: String, tp: TopicPartition, broker: i32 },
    /// `long-poll C`: a Fetch of client C is waiting at a broker now (`DelayedFetch`).
    LongPoll { client: String },
    /// `processor P committed|aborted|copied|in-txn OP N`: a read-process-write processor's
    /// transactions committed or aborted, input records copied by committed transactions, or
    /// records processed in its open transaction (`processor start`).
    Processor { name: String, metric: ProcessorMetric, op: Op, n: i64 },
    /// `side-effect LABEL total|repeated OP N`: how often an external side effect happened, or
    /// for how many input records it happened more than once.
    SideEffect { label: String, repeated: bool, op: Op, n: i64 },
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub enum ProcessorMetric {
    Committed,
    Aborted,
    Copied,
    InTxn,
}

impl ProcessorMetric {
    fn parse(s: &str) -> Option<ProcessorMetric> {
        Some(match s {
            "committed" => ProcessorMetric::Committed,
            "aborted" => ProcessorMetric::Aborted,
            "copied" => ProcessorMetric::Copied,
            "in-txn" => ProcessorMetric::InTxn,
            _ => return None,
        })
    }
    fn name(self) -> &'static str {
        match self {
            ProcessorMetric::Committed => "committed",
            ProcessorMetric::Aborted => "aborted",
            ProcessorMetric::Copied => "copied",
            ProcessorMetric::InTxn => "in-txn",
        }
    }
    fn words(self) -> &'static str {
        match self {
            ProcessorMetric::Committed => "transactions committed by",
            ProcessorMetric::Aborted => "transactions aborted by",
            ProcessorMetric::Copied => "records copied (committed) by",
            ProcessorMetric::InTxn => "records in the open transaction of",
        }
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub enum ClientCount {
    Acked,
    Failed,
    Consumed,
    /// Produce or fetch responses that came with a throttle time (client quotas, KIP-219).
    Throttled,
}

/// A goal as written in a lesson: the predicate and the text shown to the learner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct GoalSpec {
    /// What the learner reads.
    pub text: String,
    pub goal: Goal,
}

impl GoalSpec {
    /// Parses `predicate | text` (the text may be left out: a default is written).
    pub fn parse(line: &str) -> Result<GoalSpec, String> {
        let (pred, text) = match line.split_once('|') {
            Some((p, t)) => (p.trim(), t.trim()),
            None => (line.trim(), ""),
        };
        let goal = Goal::parse(pred)?;
        let text = if text.is_empty() { goal.describe() } else { text.to_string() };
        Ok(GoalSpec { text, goal })
    }

    /// The line this goal is written as in a lesson file.
    pub fn to_line(&self) -> String {
        format!("{} | {}", self.goal, self.text)
    }
}

fn parse_tp(s: &str) -> Result<TopicPartition, String> {
    let bad = || format!("'{s}' is not a partition: write topic-partition, e.g. orders-0");
    let (t, p) = s.rsplit_once('-').ok_or_else(bad)?;
    let p: i32 = p.parse().map_err(|_| bad())?;
    if t.is_empty() || p < 0 {
        return Err(bad());
    }
    Ok(TopicPartition::new(t.to_string(), p))
}

fn parse_int(s: &str) -> Result<i64, String> {
    s.parse::<i64>().map_err(|_| format!("'{s}' is not a number"))
}

fn parse_id(s: &str) -> Result<i32, String> {
    s.parse::<i32>().map_err(|_| format!("'{s}' is not a broker or controller id"))
}

fn parse_op(s: &str) -> Result<Op, String> {
    Op::parse(s).ok_or_else(|| format!("'{s}' is not a comparison (==, !=, <, <=, >, >=)"))
}

const KINDS: &str = "topic-exists, topic-absent, partitions, rf, topic-config, records, leader, offline, online, \
second, preferred-leaders, in-isr, not-in-isr, in-elr, not-in-elr, replicas, epoch, isr, hw, leo, log-start, uncommitted, lso, unstable, segments, key-partitions, \
broker, brokers, controller, group, share, acked, failed, consumed, throttled, metric, event, ran, authorized, not-authorized, acls, batch, fetches-from, long-poll";

impl Goal {
    /// Parses a predicate (the part before `|`).
    pub(crate) fn parse(s: &str) -> Result<Goal, String> {
        let w: Vec<&str> = s.split_whitespace().collect();
        let Some(kind) = w.first() else { return Err("an empty goal".to_string()) };
        let arity = |n: usize, usage: &str| -> Result<(), String> {
            if w.len() == n {
                Ok(())
            } else {
                Err(format!("'{s}': expected {usage}"))
            }
        };
        let g = match *kind {
            "second" => {
                let rest = s.trim_start().strip_prefix("second").unwrap_or("").trim();
                let inner = Goal::parse(rest)?;
                if matches!(inner, Goal::Event { .. } | Goal::Ran { .. } | Goal::Second { .. }) {
                    return Err(format!("'{s}': second takes a state goal (topic, records, partition, broker...)"));
                }
                Goal::Second { inner: Box::new(inner) }
            }
            "topic-exists" | "topic-absent" => {
                arity(2, &format!("{kind} TOPIC"))?;
                let topic = w[1].to_string();
                if *kind == "topic-exists" {
                    Goal::TopicExists { topic }
                } else {
                    Goal::TopicAbsent { topic }
                }
            }
            "partitions" | "rf" | "records" => {
                arity(4, &format!("{kind} TOPIC OP N, e.g. {kind} orders == 3"))?;
                let (topic, op, n) = (w[1].to_string(), parse_op(w[2])?, parse_int(w[3])?);
                match *kind {
                    "partitions" => Goal::Partitions { topic, op, n },
                    "rf" => Goal::Rf { topic, op, n },
                    _ => Goal::Records { topic, op, n },
                }
            }
            "topic-config" => {
                arity(4, "topic-config TOPIC KEY VALUE")?;
                Goal::TopicConfig { topic: w[1].to_string(), key: w[2].to_string(), value: w[3].to_string() }
            }
            "leader" => {
                arity(4, "leader TOPIC-P == N (or !=)")?;
                let op = parse_op(w[2])?;
                if !matches!(op, Op::Eq | Op::Ne) {
                    return Err(format!("'{s}': leader takes == or !="));
                }
                Goal::Leader { tp: parse_tp(w[1])?, op, broker: parse_id(w[3])? }
            }
            "offline" | "online" => {
                arity(2, &format!("{kind} TOPIC-P"))?;
                let tp = parse_tp(w[1])?;
                if *kind == "offline" {
                    Goal::Offline { tp }
                } else {
                    Goal::Online { tp }
                }
            }
            "preferred-leaders" => {
                arity(2, "preferred-leaders TOPIC")?;
                Goal::PreferredLeaders { topic: w[1].to_string() }
            }
            "in-isr" | "not-in-isr" => {
                arity(3, &format!("{kind} TOPIC-P BROKER"))?;
                Goal::InIsr { tp: parse_tp(w[1])?, broker: parse_id(w[2])?, yes: *kind == "in-isr" }
            }
            "in-elr" | "not-in-elr" => {
                arity(3, &format!("{kind} TOPIC-P BROKER"))?;
                Goal::InElr { tp: parse_tp(w[1])?, broker: parse_id(w[2])?, yes: *kind == "in-elr" }
            }
            "replicas" => {
                arity(3, "replicas TOPIC-P 1,2,3")?;
                let mut brokers = Vec::new();
                for b in w[2].split(',') {
                    brokers.push(parse_id(b.trim())?);
                }
                Goal::Replicas { tp: parse_tp(w[1])?, brokers }
            }
            m if PartMetric::ALL.iter().any(|(n, _, _)| *n == m) => {
                arity(4, &format!("{m} TOPIC-P OP N, e.g. {m} orders-0 >= 1"))?;
                let metric =
                    PartMetric::ALL.iter().find(|(n, _, _)| *n == m).map(|(_, k, _)| *k).unwrap_or(PartMetric::Hw);
                Goal::Partition { tp: parse_tp(w[1])?, metric, op: parse_op(w[2])?, n: parse_int(w[3])? }
            }
            "key-partitions" => {
                arity(5, "key-partitions TOPIC KEY OP N, e.g. key-partitions orders alice == 1")?;
                Goal::KeyPartitions {
                    topic: w[1].to_string(),
                    key: w[2].to_string(),
                    op: parse_op(w[3])?,
                    n: parse_int(w[4])?,
                }
            }
            "broker" => {
                arity(3, "broker N down|fenced|running")?;
                let state = NodeState::parse(w[2])
                    .filter(|s| matches!(s, NodeState::Down | NodeState::Fenced | NodeState::Running))
                    .ok_or_else(|| format!("'{}': a broker is down, fenced or running", w[2]))?;
                Goal::Broker { id: parse_id(w[1])?, state }
            }
            "brokers" => {
                arity(3, "brokers OP N")?;
                Goal::Brokers { op: parse_op(w[1])?, n: parse_int(w[2])? }
            }
            "controller" => {
                arity(3, "controller N down|running|active|follower")?;
                let state = NodeState::parse(w[2])
                    .filter(|s| *s != NodeState::Fenced)
                    .ok_or_else(|| format!("'{}': a controller is down, running, active or follower", w[2]))?;
                Goal::Controller { id: parse_id(w[1])?, state }
            }
            "group" => {
                if w.len() == 4 && w[2] == "state" {
                    Goal::GroupState { group: w[1].to_string(), state: w[3].to_string() }
                } else if w.len() == 4 && w[2] == "type" {
                    if !matches!(w[3], "classic" | "consumer") {
                        return Err(format!("'{}': a group's type is classic or consumer", w[3]));
                    }
                    Goal::GroupType { group: w[1].to_string(), protocol: w[3].to_string() }
                } else {
                    arity(
                        5,
                        "group G state S, group G type classic|consumer, or group G lag|members|idle|generation OP N",
                    )?;
                    let metric = match w[2] {
                        "lag" => GroupMetric::Lag,
                        "members" => GroupMetric::Members,
                        "idle" => GroupMetric::Idle,
                        "generation" => GroupMetric::Generation,
                        o => {
                            return Err(format!("'{o}': a group goal measures state, lag, members, idle or generation"))
                        }
                    };
                    Goal::Group { group: w[1].to_string(), metric, op: parse_op(w[3])?, n: parse_int(w[4])? }
                }
            }
            "share" => {
                let usage = "share G members|busy OP N, or share G TOPIC-P spso|in-flight|available|acquired|archived|max-deliveries OP N";
                let (tp, m, rest) = match w.len() {
                    5 => (None, w[2], &w[3..]),
                    6 => (Some(parse_tp(w[2])?), w[3], &w[4..]),
                    _ => return Err(format!("'{s}': expected {usage}")),
                };
                let (metric, per_partition) =
                    ShareMetric::parse(m).ok_or_else(|| format!("'{m}': a share goal measures {usage}"))?;
                if per_partition != tp.is_some() {
                    return Err(format!("'{s}': expected {usage}"));
                }
                Goal::Share { group: w[1].to_string(), tp, metric, op: parse_op(rest[0])?, n: parse_int(rest[1])? }
            }
            "acked" | "failed" | "consumed" | "throttled" => {
                arity(4, &format!("{kind} CLIENT OP N"))?;
                let what = match *kind {
                    "acked" => ClientCount::Acked,
                    "failed" => ClientCount::Failed,
                    "throttled" => ClientCount::Throttled,
                    _ => ClientCount::Consumed,
                };
                Goal::ClientCount { client: w[1].to_string(), what, op: parse_op(w[2])?, n: parse_int(w[3])? }
            }
            "fetches-from" => {
                arity(4, "fetches-from CLIENT TOPIC-P BROKER")?;
                Goal::FetchesFrom { client: w[1].to_string(), tp: parse_tp(w[2])?, broker: parse_id(w[3])? }
            }
            "long-poll" => {
                arity(2, "long-poll CLIENT")?;
                Goal::LongPoll { client: w[1].to_string() }
            }
            "processor" => {
                let usage = "processor NAME committed|aborted|copied|in-txn OP N";
                arity(5, usage)?;
                let metric = ProcessorMetric::parse(w[2]).ok_or_else(|| {
                    format!("'{}': a processor goal measures committed, aborted, copied or in-txn", w[2])
                })?;
                Goal::Processor { name: w[1].to_string(), metric, op: parse_op(w[3])?, n: parse_int(w[4])? }
            }
            "side-effect" => {
                arity(5, "side-effect LABEL total|repeated OP N")?;
                let repeated = match w[2] {
                    "total" => false,
                    "repeated" => true,
                    other => return Err(format!("'{other}': a side-effect goal measures total or repeated")),
                };
                Goal::SideEffect { label: w[1].to_string(), repeated, op: parse_op(w[3])?, n: parse_int(w[4])? }
            }
            "event" => {
                if !(2..=3).contains(&w.len()) {
                    return Err(format!("'{s}': expected event KIND [FILTER]"));
                }
                let kind = EventKind::parse(w[1]).ok_or_else(|| {
                    format!("unknown event kind '{}' (one of: {})", w[1], EventKind::names().join(", "))
                })?;
                Goal::Event { kind, filter: w.get(2).map(|f| f.to_string()) }
            }
            "metric" => {
                arity(5, "metric NAME NODE OP N")?;
                Goal::Metric {
                    name: w[1].to_string(),
                    node: w[2].to_string(),
                    op: parse_op(w[3])?,
                    n: parse_int(w[4])?,
                }
            }
            "ran" => {
                if w.len() < 2 {
                    return Err("expected ran WORD..., e.g. ran kafka-topics --create".to_string());
                }
                let mut words: Vec<String> = w[1..].iter().map(|s| s.to_string()).collect();
                words[0] = shell::normalize_program(&words[0]);
                Goal::Ran { words }
            }
            "authorized" | "not-authorized" => {
                arity(5, &format!("{kind} PRINCIPAL OPERATION topic|group|cluster|transactional-id NAME, e.g. {kind} User:alice Write topic orders"))?;
                let operation = crate::sim::acl::AclOperation::parse(w[2])
                    .ok_or_else(|| format!("'{}' is not an ACL operation (Read, Write, Describe, ...)", w[2]))?;
                let resource_type = match w[3] {
                    "topic" => crate::sim::acl::ResourceType::Topic,
                    "group" => crate::sim::acl::ResourceType::Group,
                    "cluster" => crate::sim::acl::ResourceType::Cluster,
                    "transactional-id" => crate::sim::acl::ResourceType::TransactionalId,
                    other => {
                        return Err(format!(
                            "'{other}' is not a resource type (topic, group, cluster, transactional-id)"
                        ))
                    }
                };
                if !w[1].contains(':') {
                    return Err(format!("'{}' is not a principal (User:alice)", w[1]));
                }
                Goal::Authorized {
                    principal: w[1].to_string(),
                    operation,
                    resource_type,
                    name: w[4].to_string(),
                    allowed: *kind == "authorized",
                }
            }
            "acls" => {
                arity(3, "acls OP N, e.g. acls >= 1")?;
                Goal::Acls { op: parse_op(w[1])?, n: parse_int(w[2])? }
            }
            "batch" => {
                let usage = "batch TOPIC-P records|bytes OP N, or batch TOPIC-P codec NAME";
                match (w.len(), w.get(2).copied()) {
                    (5, Some(m @ ("records" | "bytes"))) => Goal::Batch {
                        tp: parse_tp(w[1])?,
                        bytes: m == "bytes",
                        op: parse_op(w[3])?,
                        n: parse_int(w[4])?,
                    },
                    (4, Some("codec")) => {
                        if crate::sim::compression::CompressionType::from_name(w[3]).is_none() {
                            return Err(format!("'{}': not a codec (none, gzip, snappy, lz4, zstd)", w[3]));
                        }
                        Goal::BatchCodec { tp: parse_tp(w[1])?, codec: w[3].to_string() }
                    }
                    _ => return Err(format!("'{s}': expected {usage}")),
                }
            }
            other => return Err(format!("unknown goal kind '{other}' (one of: {KINDS})")),
        };
        Ok(g)
    }

    /// A plain-words description (used when a lesson gives no text).
    pub(crate) fn describe(&self) -> String {
        match self {
            Goal::Second { inner } => format!("On the second cluster: {}", inner.describe()),
            Goal::TopicExists { topic } => format!("Topic {topic} exists"),
            Goal::TopicAbsent { topic } => format!("Topic {topic} does not exist"),
            Goal::Partitions { topic, op, n } => format!("The number of partitions of {topic} {} {n}", op.words()),
            Goal::Rf { topic, op, n } => format!("The replication factor of {topic} {} {n}", op.words()),
            Goal::TopicConfig { topic, key, value } => format!("Topic {topic} has {key}={value}"),
            Goal::Records { topic, op, n } => {
                format!("The committed records of {topic} (sum of HWs) {} {n}", op.words())
            }
            Goal::Leader { tp, op, broker } => format!("The leader of {tp} {} broker {broker}", op.words()),
            Goal::Offline { tp } => format!("{tp} has no leader (offline)"),
            Goal::Online { tp } => format!("{tp} has a leader"),
            Goal::PreferredLeaders { topic } => format!("Every partition of {topic} is led by its preferred replica"),
            Goal::InIsr { tp, broker, yes: true } => format!("Broker {broker} is in the ISR of {tp}"),
            Goal::InIsr { tp, broker, yes: false } => format!("Broker {broker} is not in the ISR of {tp}"),
            Goal::InElr { tp, broker, yes: true } => format!("Broker {broker} is an eligible leader replica of {tp}"),
            Goal::InElr { tp, broker, yes: false } => {
                format!("Broker {broker} is not an eligible leader replica of {tp}")
            }
            Goal::Replicas { tp, brokers } => format!("The replicas of {tp} are brokers {}", join(brokers)),
            Goal::Partition { tp, metric, op, n } => format!("The {} of {tp} {} {n}", metric.words(), op.words()),
            Goal::KeyPartitions { topic, key, op, n } => {
                format!("Records with key {key} are in a number of {topic} partitions that {} {n}", op.words())
            }
            Goal::Broker { id, state } => format!("Broker {id} is {}", state.name()),
            Goal::Brokers { op, n } => format!("The number of brokers {} {n}", op.words()),
            Goal::Controller { id, state: NodeState::Follower } => format!("Controller {id} is a follower"),
            Goal::Controller { id, state } => format!("Controller {id} is {}", state.name()),
            Goal::GroupState { group, state } => format!("Group {group} is {state}"),
            Goal::GroupType { group, protocol } => format!("Group {group} is a {protocol} group"),
            Goal::Group { group, metric, op, n } => {
                let m = match metric {
                    GroupMetric::Lag => "lag",
                    GroupMetric::Members => "number of members",
                    GroupMetric::Idle => "number of idle members (no partition)",
                    GroupMetric::Generation => "generation",
                };
                format!("The {m} of group {group} {} {n}", op.words())
            }
            Goal::Share { group, tp: None, metric, op, n } => {
                format!("The {} of share group {group} {} {n}", metric.words(), op.words())
            }
            Goal::Share { group, tp: Some(tp), metric, op, n } => {
                format!("The {} of share group {group} on {tp} {} {n}", metric.words(), op.words())
            }
            Goal::ClientCount { client, what, op, n } => {
                let m = match what {
                    ClientCount::Acked => "records acknowledged to",
                    ClientCount::Failed => "records failed for",
                    ClientCount::Consumed => "records received by",
                    ClientCount::Throttled => "throttled responses to",
                };
                format!("The {m} {client} {} {n}", op.words())
            }
            Goal::Event { kind, filter } => match filter {
                Some(f) => format!("{} ({f})", capitalise(kind.words())),
                None => capitalise(kind.words()),
            },
            Goal::Ran { words } => format!("You ran `{}`", words.join(" ")),
            Goal::Metric { name, node, op, n } => format!("{name} on {node} {} {n}", op.words()),
            Goal::Authorized { principal, operation, resource_type, name, allowed } => format!(
                "{principal} {} {} {} {name}",
                if *allowed { "may" } else { "may not" },
                crate::sim::acl::pascal_case(operation.java()),
                resource_type.java().to_ascii_lowercase().replace('_', " ")
            ),
            Goal::Acls { op, n } => format!("The number of ACLs {} {n}", op.words()),
            Goal::Batch { tp, bytes: false, op, n } => {
                format!("The newest batch of {tp} holds a number of records that {} {n}", op.words())
            }
            Goal::Batch { tp, bytes: true, op, n } => {
                format!("The newest batch of {tp} takes a number of bytes that {} {n}", op.words())
            }
            Goal::BatchCodec { tp, codec } => format!("The newest batch of {tp} is compressed with {codec}"),
            Goal::FetchesFrom { client, tp, broker } => format!("{client} fetches {tp} from broker {broker}"),
            Goal::LongPoll { client } => format!("A fetch of {client} waits at a broker (a long poll)"),
            Goal::Processor { name, metric, op, n } => {
                format!("The {} processor {name} {} {n}", metric.words(), op.words())
            }
            Goal::SideEffect { label, repeated: false, op, n } => {
                format!("Side effect {label} happened {} {n} times", op.words())
            }
            Goal::SideEffect { label, repeated: true, op, n } => {
                format!("The input records that caused side effect {label} more than once {} {n}", op.words())
            }
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn join(v: &[i32]) -> String {
    v.iter().map(|b| b.to_string()).collect::<Vec<_>>().join(",")
}

impl fmt::Display for Goal {
    /// The predicate as written in a lesson file (parses back to the same goal).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Goal::Second { inner } => write!(f, "second {inner}"),
            Goal::TopicExists { topic } => write!(f, "topic-exists {topic}"),
            Goal::TopicAbsent { topic } => write!(f, "topic-absent {topic}"),
            Goal::Partitions { topic, op, n } => write!(f, "partitions {topic} {} {n}", op.symbol()),
            Goal::Rf { topic, op, n } => write!(f, "rf {topic} {} {n}", op.symbol()),
            Goal::TopicConfig { topic, key, value } => write!(f, "topic-config {topic} {key} {value}"),
            Goal::Records { topic, op, n } => write!(f, "records {topic} {} {n}", op.symbol()),
            Goal::Leader { tp, op, broker } => write!(f, "leader {tp} {} {broker}", op.symbol()),
            Goal::Offline { tp } => write!(f, "offline {tp}"),
            Goal::Online { tp } => write!(f, "online {tp}"),
            Goal::PreferredLeaders { topic } => write!(f, "preferred-leaders {topic}"),
            Goal::InIsr { tp, broker, yes } => {
                write!(f, "{} {tp} {broker}", if *yes { "in-isr" } else { "not-in-isr" })
            }
            Goal::InElr { tp, broker, yes } => {
                write!(f, "{} {tp} {broker}", if *yes { "in-elr" } else { "not-in-elr" })
            }
            Goal::Replicas { tp, brokers } => write!(f, "replicas {tp} {}", join(brokers)),
            Goal::Partition { tp, metric, op, n } => write!(f, "{} {tp} {} {n}", metric.name(), op.symbol()),
            Goal::KeyPartitions { topic, key, op, n } => write!(f, "key-partitions {topic} {key} {} {n}", op.symbol()),
            Goal::Broker { id, state } => write!(f, "broker {id} {}", state.name()),
            Goal::Brokers { op, n } => write!(f, "brokers {} {n}", op.symbol()),
            Goal::Controller { id, state } => write!(f, "controller {id} {}", state.name()),
            Goal::GroupState { group, state } => write!(f, "group {group} state {state}"),
            Goal::GroupType { group, protocol } => write!(f, "group {group} type {protocol}"),
            Goal::Group { group, metric, op, n } => {
                let m = match metric {
                    GroupMetric::Lag => "lag",
                    GroupMetric::Members => "members",
                    GroupMetric::Idle => "idle",
                    GroupMetric::Generation => "generation",
                };
                write!(f, "group {group} {m} {} {n}", op.symbol())
            }
            Goal::Share { group, tp: None, metric, op, n } => {
                write!(f, "share {group} {} {} {n}", metric.name(), op.symbol())
            }
            Goal::Share { group, tp: Some(tp), metric, op, n } => {
                write!(f, "share {group} {tp} {} {} {n}", metric.name(), op.symbol())
            }
            Goal::ClientCount { client, what, op, n } => {
                let k = match what {
                    ClientCount::Acked => "acked",
                    ClientCount::Failed => "failed",
                    ClientCount::Consumed => "consumed",
                    ClientCount::Throttled => "throttled",
                };
                write!(f, "{k} {client} {} {n}", op.symbol())
            }
            Goal::Event { kind, filter: Some(x) } => write!(f, "event {} {x}", kind.name()),
            Goal::Event { kind, filter: None } => write!(f, "event {}", kind.name()),
            Goal::Ran { words } => write!(f, "ran {}", words.join(" ")),
            Goal::Metric { name, node, op, n } => write!(f, "metric {name} {node} {} {n}", op.symbol()),
            Goal::Authorized { principal, operation, resource_type, name, allowed } => write!(
                f,
                "{} {principal} {} {} {name}",
                if *allowed { "authorized" } else { "not-authorized" },
                crate::sim::acl::pascal_case(operation.java()),
                resource_type.java().to_ascii_lowercase().replace('_', "-")
            ),
            Goal::Acls { op, n } => write!(f, "acls {} {n}", op.symbol()),
            Goal::Batch { tp, bytes, op, n } => {
                write!(f, "batch {tp} {} {} {n}", if *bytes { "bytes" } else { "records" }, op.symbol())
            }
            Goal::BatchCodec { tp, codec } => write!(f, "batch {tp} codec {codec}"),
            Goal::FetchesFrom { client, tp, broker } => write!(f, "fetches-from {client} {tp} {broker}"),
            Goal::LongPoll { client } => write!(f, "long-poll {client}"),
            Goal::Processor { name, metric, op, n } => {
                write!(f, "processor {name} {} {} {n}", metric.name(), op.symbol())
            }
            Goal::SideEffect { label, repeated, op, n } => {
                write!(f, "side-effect {label} {} {} {n}", if *repeated { "repeated" } else { "total" }, op.symbol())
            }
        }
    }
}

// ---------------------------------------------------------------- evaluation

/// Evaluates a state goal on the engine now. Event goals answer `false` here (they are
/// latched by the tracker). `groups` is built on demand, once per check.
pub(crate) fn eval_state(goal: &Goal, sim: &Sim, groups: &mut Option<Vec<crate::sim::view::GroupView>>) -> bool {
    eval_state_in(goal, sim, 0, groups)
}

/// [`eval_state`] on one cluster (0 the first, 1 the second).
fn eval_state_in(goal: &Goal, sim: &Sim, cluster: u8, groups: &mut Option<Vec<crate::sim::view::GroupView>>) -> bool {
    let image = sim.metadata_image_in(cluster);
    let topic = |t: &str| image.and_then(|i| i.topics.get(t));
    let part = |tp: &TopicPartition| image.and_then(|i| i.partition(&tp.topic, tp.partition));
    match goal {
        Goal::Second { inner } => sim.second_alias().is_some() && eval_state_in(inner, sim, 1, groups),
        Goal::TopicExists { topic: t } => topic(t).is_some(),
        Goal::TopicAbsent { topic: t } => image.is_some() && topic(t).is_none(),
        Goal::Partitions { topic: t, op, n } => {
            topic(t).map(|x| op.holds(x.partitions.len() as i64, *n)).unwrap_or(false)
        }
        Goal::Rf { topic: t, op, n } => topic(t)
            .map(|x| !x.partitions.is_empty() && x.partitions.values().all(|p| op.holds(p.replicas.len() as i64, *n)))
            .unwrap_or(false),
        Goal::TopicConfig { topic: t, key, value } => {
            topic(t).and_then(|x| x.configs.get(key)).map(|v| v == value).unwrap_or(false)
        }
        Goal::Records { topic: t, op, n } => match topic(t) {
            None => false,
            Some(x) => {
                let mut sum = 0i64;
                for p in x.partitions.keys() {
                    let tp = TopicPartition::new(t.clone(), *p);
                    sum += sim.leader_log_in(cluster, &tp).map(|l| l.high_watermark).unwrap_or(0);
                }
                op.holds(sum, *n)
            }
        },
        Goal::Leader { tp, op, broker } => {
            part(tp).map(|p| p.leader >= 0 && op.holds(p.leader as i64, *broker as i64)).unwrap_or(false)
        }
        Goal::Offline { tp } => part(tp).map(|p| p.leader < 0).unwrap_or(false),
        Goal::Online { tp } => part(tp).map(|p| p.leader >= 0).unwrap_or(false),
        Goal::PreferredLeaders { topic: t } => topic(t)
            .map(|x| {
                !x.partitions.is_empty()
                    && x.partitions.values().all(|p| p.leader >= 0 && p.replicas.first() == Some(&p.leader))
            })
            .unwrap_or(false),
        Goal::InIsr { tp, broker, yes } => part(tp).map(|p| p.isr.contains(broker) == *yes).unwrap_or(false),
        Goal::InElr { tp, broker, yes } => part(tp).map(|p| p.elr.contains(broker) == *yes).unwrap_or(false),
        Goal::Replicas { tp, brokers } => part(tp)
            .map(|p| {
                let mut a = p.replicas.clone();
                let mut b = brokers.clone();
                a.sort_unstable();
                b.sort_unstable();
                a == b
            })
            .unwrap_or(false),
        Goal::Partition { tp, metric, op, n } => {
            let Some(p) = part(tp) else { return false };
            let value = match metric {
                PartMetric::Epoch => Some(p.leader_epoch as i64),
                PartMetric::Isr => Some(p.isr.len() as i64),
                PartMetric::RemoteSegments => Some(sim.remote_store().segments(tp).len() as i64),
                PartMetric::RemoteReads => Some(sim.remote_reads(tp).0 as i64),
                PartMetric::FailedRemoteReads => Some(sim.remote_reads(tp).1 as i64),
                _ => sim.leader_log_in(cluster, tp).map(|l| match metric {
                    PartMetric::Hw => l.high_watermark,
                    PartMetric::Leo => l.log_end_offset,
                    PartMetric::LogStart => {
                        sim.remote_store().start_offset(tp).unwrap_or(i64::MAX).min(l.log_start_offset)
                    }
                    PartMetric::LocalLogStart => l.log_start_offset,
                    PartMetric::Lso => l.last_stable_offset(),
                    PartMetric::Unstable => l.high_watermark - l.last_stable_offset(),
                    PartMetric::Segments => l.segments.len() as i64,
                    _ => l.log_end_offset - l.high_watermark,
                }),
            };
            value.map(|v| op.holds(v, *n)).unwrap_or(false)
        }
        Goal::KeyPartitions { topic: t, key, op, n } => {
            let Some(x) = topic(t) else { return false };
            let mut count = 0i64;
            for p in x.partitions.keys() {
                let tp = TopicPartition::new(t.clone(), *p);
                let Some(log) = sim.leader_log_in(cluster, &tp) else { continue };
                let has = log
                    .batches()
                    .any(|b| b.control.is_none() && b.records.iter().any(|r| r.key.as_deref() == Some(key.as_bytes())));
                if has {
                    count += 1;
                }
            }
            count > 0 && op.holds(count, *n)
        }
        Goal::Broker { id, state } => {
            let Some(b) = sim.brokers().get(id) else { return false };
            // The read model's status; starting and shutting down count as fenced here.
            let now = match NodeStatus::of_broker(b, image) {
                NodeStatus::Down => NodeState::Down,
                NodeStatus::Running => NodeState::Running,
                NodeStatus::Fenced | NodeStatus::Starting | NodeStatus::ShuttingDown => NodeState::Fenced,
            };
            now == *state
        }
        Goal::Brokers { op, n } => op.holds(sim.brokers().len() as i64, *n),
        Goal::Batch { tp, bytes, op, n } => {
            let Some(log) = sim.leader_log_in(cluster, tp) else { return false };
            let Some(b) = log.batches().filter(|b| b.control.is_none()).last() else { return false };
            let v = if *bytes { i64::from(b.size_in_bytes()) } else { b.records.len() as i64 };
            op.holds(v, *n)
        }
        Goal::BatchCodec { tp, codec } => sim
            .leader_log(tp)
            .and_then(|log| log.batches().filter(|b| b.control.is_none()).last().map(|b| b.compression.name() == codec))
            .unwrap_or(false),
        Goal::Controller { id, state } => {
            let Some(c) = sim.controllers().get(id) else { return false };
            let up = c.proc.is_some();
            let active = sim.active_controller() == Some(*id);
            match state {
                NodeState::Down => !up,
                NodeState::Running => up,
                NodeState::Active => up && active,
                NodeState::Follower => up && !active,
                NodeState::Fenced => false,
            }
        }
        Goal::GroupState { group, state } => {
            let gs = groups.get_or_insert_with(|| group_views(sim));
            group_in(gs, sim, cluster, group).map(|g| g.state.eq_ignore_ascii_case(state)).unwrap_or(false)
        }
        Goal::GroupType { group, protocol } => {
            let gs = groups.get_or_insert_with(|| group_views(sim));
            group_in(gs, sim, cluster, group).map(|g| g.rebalance.protocol.name() == protocol).unwrap_or(false)
        }
        Goal::Group { group, metric, op, n } => {
            let gs = groups.get_or_insert_with(|| group_views(sim));
            let Some(g) = group_in(gs, sim, cluster, group) else { return false };
            let v = match metric {
                GroupMetric::Lag => {
                    if g.offsets.is_empty() {
                        return false;
                    }
                    g.total_lag()
                }
                GroupMetric::Members => g.members.len() as i64,
                GroupMetric::Idle => g.members.iter().filter(|m| m.2.is_empty()).count() as i64,
                GroupMetric::Generation => g.generation as i64,
            };
            op.holds(v, *n)
        }
        Goal::Metric { name, node, op, n } => {
            let scope = if let Some(id) = node.strip_prefix("broker-") {
                format!("broker {id}")
            } else if let Some(id) = node.strip_prefix("controller-") {
                format!("controller {id}")
            } else {
                format!("client {node}")
            };
            crate::sim::view::metrics::metric_value(sim, name, Some(&scope)).is_some_and(|v| op.holds(v, *n))
        }
        Goal::ClientCount { client, what, op, n } => {
            let Some(id) = sim.client_by_name(client) else { return false };
            let Some(c) = sim.clients().get(&id) else { return false };
            let v = match (&c.kind, what) {
                (crate::sim::client::ClientKind::Producer(p), ClientCount::Acked) => p.acked as i64,
                (crate::sim::client::ClientKind::Producer(p), ClientCount::Failed) => p.failed as i64,
                (crate::sim::client::ClientKind::Consumer(k), ClientCount::Consumed) => k.delivered_total as i64,
                (_, ClientCount::Throttled) => c.meta().throttled_responses as i64,
                _ => return false,
            };
            op.holds(v, *n)
        }
        Goal::FetchesFrom { client, tp, broker } => {
            let Some(id) = sim.client_by_name(client) else { return false };
            let Some(crate::sim::client::ClientKind::Consumer(k)) = sim.clients().get(&id).map(|c| &c.kind) else {
                return false;
            };
            k.fetch_target(tp, sim.now()).map(|(b, _)| b) == Some(*broker)
        }
        Goal::Processor { name, metric, op, n } => {
            let Some(p) = sim.processors().running.get(name) else { return false };
            let v = match metric {
                ProcessorMetric::Committed => p.committed_txns as i64,
                ProcessorMetric::Aborted => p.aborted_txns as i64,
                ProcessorMetric::Copied => p.copied as i64,
                ProcessorMetric::InTxn => p.in_txn.len() as i64,
            };
            op.holds(v, *n)
        }
        Goal::SideEffect { label, repeated, op, n } => {
            let fx = sim.processors().effects.get(label);
            let v = fx.map(|f| if *repeated { f.repeated() } else { f.total }).unwrap_or(0);
            op.holds(v as i64, *n)
        }
        Goal::LongPoll { client } => {
            let Some(id) = sim.client_by_name(client) else { return false };
            sim.parked_fetches().any(|(_, from, _)| from == crate::sim::types::NodeAddr::Client(id))
        }
        Goal::Share { group, tp, metric, op, n } => {
            let all = crate::sim::view::share::share_groups(sim);
            let Some(g) = all.iter().find(|g| &g.group == group) else { return false };
            let v = match (tp, metric) {
                (None, ShareMetric::Members) => g.members.len() as i64,
                (None, ShareMetric::Busy) => g.busy() as i64,
                (None, _) => return false,
                (Some(tp), m) => {
                    let Some(p) = g.partition(tp) else { return false };
                    match m {
                        ShareMetric::Spso => p.start_offset,
                        ShareMetric::InFlight => p.in_flight(),
                        ShareMetric::Available => p.available,
                        ShareMetric::Acquired => p.acquired,
                        ShareMetric::Archived => p.archived,
                        ShareMetric::MaxDeliveries => p.max_delivery_count as i64,
                        ShareMetric::Members | ShareMetric::Busy => return false,
                    }
                }
            };
            op.holds(v, *n)
        }
        Goal::Event { .. } | Goal::Ran { .. } => false,
        Goal::Authorized { principal, operation, resource_type, name, allowed } => {
            let (Some(image), Some(cfg)) = (image, sim.env().authorizer()) else { return false };
            crate::sim::acl::authorize(&cfg, image.acls.values(), principal, *operation, *resource_type, name)
                == *allowed
        }
        Goal::Acls { op, n } => image.map(|i| op.holds(i.acls.len() as i64, *n)).unwrap_or(false),
    }
}

fn group_views(sim: &Sim) -> Vec<crate::sim::view::GroupView> {
    crate::sim::view::ViewModel::build(sim).groups.as_ref().clone()
}

/// Group `id` as the coordinator of `cluster` (0 the first, 1 the second) holds it: two
/// clusters may each have a group of that name (a group failed over by MirrorMaker 2).
fn group_in<'a>(
    groups: &'a [crate::sim::view::GroupView],
    sim: &Sim,
    cluster: u8,
    id: &str,
) -> Option<&'a crate::sim::view::GroupView> {
    groups.iter().find(|g| g.id == id && sim.cluster_of(crate::sim::types::NodeAddr::Broker(g.coordinator)) == cluster)
}

fn tp_matches(filter: &Option<String>, tp: &TopicPartition) -> bool {
    match filter {
        None => true,
        Some(f) => *f == tp.topic || *f == tp.to_string(),
    }
}

fn eq_filter(filter: &Option<String>, value: &str) -> bool {
    filter.as_deref().map(|f| f == value).unwrap_or(true)
}

fn is_oor(e: &KafkaError) -> bool {
    *e == KafkaError::OFFSET_OUT_OF_RANGE
}

/// Whether a trace event is an occurrence of `kind` passing `filter`.
pub(crate) fn event_matches(kind: EventKind, filter: &Option<String>, ev: &TraceKind) -> bool {
    match (kind, ev) {
        (EventKind::NotEnoughReplicas, TraceKind::ProduceFailed { tp, error, .. }) => {
            matches!(error, KafkaError::NOT_ENOUGH_REPLICAS | KafkaError::NOT_ENOUGH_REPLICAS_AFTER_APPEND)
                && tp_matches(filter, tp)
        }
        (EventKind::ProduceError, TraceKind::ProduceFailed { tp, error, client, .. }) => match filter {
            None => true,
            Some(f) => f == error.name() || *f == tp.topic || *f == tp.to_string() || f == client,
        },
        (EventKind::Truncation, TraceKind::Truncated { tp, from, to, .. }) => to < from && tp_matches(filter, tp),
        (EventKind::UncleanElection, TraceKind::LeaderElected { tp, reason: ElectionReason::Unclean, .. }) => {
            tp_matches(filter, tp)
        }
        (EventKind::PreferredElection, TraceKind::LeaderElected { tp, reason: ElectionReason::Preferred, .. }) => {
            tp_matches(filter, tp)
        }
        (EventKind::LeaderChange, TraceKind::LeaderElected { tp, reason, leader, previous, .. }) => {
            *reason != ElectionReason::NewPartition && leader != previous && tp_matches(filter, tp)
        }
        (EventKind::IsrShrink, TraceKind::IsrShrunk { tp, .. }) => tp_matches(filter, tp),
        (EventKind::IsrExpand, TraceKind::IsrExpanded { tp, .. }) => tp_matches(filter, tp),
        (EventKind::Offline, TraceKind::PartitionOffline { tp, .. }) => tp_matches(filter, tp),
        (EventKind::Rebalance, TraceKind::GroupStateChanged { group, state, .. }) => {
            state == "PreparingRebalance" && eq_filter(filter, group)
        }
        (EventKind::MemberRemoved, TraceKind::MemberRemoved { group, .. }) => eq_filter(filter, group),
        (EventKind::OffsetsCommitted, TraceKind::OffsetsCommitted { group, .. }) => eq_filter(filter, group),
        (EventKind::OffsetReset, TraceKind::OffsetReset { client, tp, .. }) => {
            filter.is_none() || eq_filter(filter, client) || tp_matches(filter, tp)
        }
        (EventKind::OffsetOutOfRange, TraceKind::ClientError { client, error, .. }) => {
            is_oor(error) && eq_filter(filter, client)
        }
        (EventKind::OffsetOutOfRange, TraceKind::OffsetReset { client, tp, reason, .. }) => {
            reason.to_ascii_lowercase().contains("out of range")
                && (filter.is_none() || eq_filter(filter, client) || tp_matches(filter, tp))
        }
        (EventKind::TxnCommitted, TraceKind::TransactionState { transactional_id, state }) => {
            state.contains("Commit") && eq_filter(filter, transactional_id)
        }
        (EventKind::TxnAborted, TraceKind::TransactionState { transactional_id, state }) => {
            state.contains("Abort") && eq_filter(filter, transactional_id)
        }
        (EventKind::LostWrite, TraceKind::Check(Finding::LostWrite { tp, .. })) => tp_matches(filter, tp),
        (EventKind::Duplicate, TraceKind::Check(Finding::Duplicate { tp, .. })) => tp_matches(filter, tp),
        (EventKind::Reordered, TraceKind::Check(Finding::Reordered { tp, .. })) => tp_matches(filter, tp),
        (EventKind::BrokerFenced, TraceKind::BrokerFenced { broker, .. }) => eq_filter(filter, &broker.to_string()),
        (EventKind::ControlledShutdown, TraceKind::BrokerControlledShutdown { broker }) => {
            eq_filter(filter, &broker.to_string())
        }
        (EventKind::QuorumElection, TraceKind::QuorumLeaderElected { controller, .. }) => {
            eq_filter(filter, &controller.to_string())
        }
        (EventKind::SegmentsDeleted, TraceKind::SegmentsDeleted { tp, .. }) => tp_matches(filter, tp),
        (EventKind::LogCleaned, TraceKind::LogCleaned { tp, removed, .. }) => *removed > 0 && tp_matches(filter, tp),
        (EventKind::SegmentCopied, TraceKind::SegmentCopied { tp, .. }) => tp_matches(filter, tp),
        (EventKind::RemoteRead, TraceKind::RemoteRead { tp, ok: true, .. }) => tp_matches(filter, tp),
        (EventKind::RemoteReadFailed, TraceKind::RemoteRead { tp, ok: false, .. }) => tp_matches(filter, tp),
        (EventKind::PartitionsAdded, TraceKind::PartitionsAdded { topic, .. }) => eq_filter(filter, topic),
        (EventKind::Consumed, TraceKind::Consumed { client, tp, count, .. }) => {
            *count > 0 && (filter.is_none() || eq_filter(filter, client) || tp_matches(filter, tp))
        }
        (EventKind::LockExpired, TraceKind::ShareLockExpired { group, tp, .. }) => {
            filter.is_none() || eq_filter(filter, group) || tp_matches(filter, tp)
        }
        (EventKind::Redelivered, TraceKind::ShareAcquired { group, tp, ranges, .. }) => {
            ranges.iter().any(|(_, _, d)| *d >= 2)
                && (filter.is_none() || eq_filter(filter, group) || tp_matches(filter, tp))
        }
        _ => false,
    }
}

/// Whether a command (its argv) contains `words` in order.
pub(crate) fn ran_matches(words: &[String], argv: &[String]) -> bool {
    let mut it = argv.iter();
    words
        .iter()
        .all(|w| it.any(|a| a == w || a.strip_suffix(".sh").map(shell::normalize_program).as_deref() == Some(w)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::view::names::ControllerRole;

    #[test]
    fn a_running_controller_that_is_not_active_is_a_follower_as_the_read_model_says() {
        for line in ["controller 1002 follower", "controller 1002 standby"] {
            let g = Goal::parse(line).expect("parses");
            assert_eq!(g, Goal::Controller { id: 1002, state: NodeState::Follower });
            assert_eq!(g.to_string(), "controller 1002 follower");
        }
        assert_eq!(NodeState::Follower.name(), ControllerRole::Follower.name());
    }

    #[test]
    fn a_segment_count_goal_names_the_leaders_segments() {
        let g = Goal::parse("segments orders-0 >= 2").expect("parses");
        assert_eq!(g.to_string(), "segments orders-0 >= 2");
        assert!(Goal::parse("segments orders >= 2").is_err(), "a partition, not a topic");
    }

    #[test]
    fn fetching_goals_parse_and_print_as_written() {
        for line in ["fetches-from nearby orders-0 3", "long-poll reader"] {
            assert_eq!(Goal::parse(line).expect("parses").to_string(), line);
        }
        assert!(Goal::parse("fetches-from nearby orders 3").unwrap_err().contains("not a partition"));
        assert!(Goal::parse("long-poll").is_err());
    }
}

#[cfg(test)]
mod batch_goal_tests {
    use super::*;

    #[test]
    fn batch_goals_parse_print_back_and_refuse_unknown_codecs() {
        for line in ["batch clicks-0 records >= 10", "batch clicks-0 bytes < 9000", "batch clicks-0 codec gzip"] {
            let g = Goal::parse(line).expect("parses");
            assert_eq!(g.to_string(), line);
            assert!(!g.describe().is_empty());
        }
        assert!(Goal::parse("batch clicks-0 codec rar").unwrap_err().contains("not a codec"));
        assert!(Goal::parse("batch clicks-0 size > 1").unwrap_err().contains("expected batch"));
    }

    #[test]
    fn batch_goals_read_the_newest_data_batch_on_the_leader() {
        use crate::console::session::Console;
        let mut c = Console::new(1, crate::sim::world::ClusterConfig::default()).expect("a console");
        let r = c.run_script(
            "kafka-topics --bootstrap-server localhost:9092 --create --topic clicks --replica-assignment 1:2:3\n\
             printf 'a\\nb\\nc\\n' | kafka-console-producer --bootstrap-server localhost:9092 --topic clicks --compression-codec lz4\n",
            true,
        );
        assert_eq!(r.exit_code(), 0);
        let mut groups = None;
        let holds = |s: &str, g: &mut Option<_>| eval_state(&Goal::parse(s).expect("parses"), c.sim(), g);
        assert!(holds("batch clicks-0 codec lz4", &mut groups));
        assert!(!holds("batch clicks-0 codec gzip", &mut groups));
        assert!(holds("batch clicks-0 records >= 1", &mut groups));
        assert!(holds("batch clicks-0 bytes > 61", &mut groups));
        assert!(!holds("batch clicks-1 records >= 1", &mut groups));
    }
}
