//! Trace events: everything that happens, for the UI's feed, lessons and tests.
//!
//! Every event has a stable serialised form (serde JSON) and a stable hash
//! ([`crate::sim::hash::StableHasher`]); the same seed and commands give the same trace, byte
//! for byte, natively and in wasm.

use crate::sim::codec::Codec;
use crate::sim::errors::KafkaError;
use crate::sim::net::DropReason;
use crate::sim::time::SimTime;
use crate::sim::types::{BrokerId, Epoch, NodeAddr, Offset, TopicPartition};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// How much the engine records.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Codec)]
pub enum TraceLevel {
    /// Cluster events only (elections, ISR changes, errors, …).
    Events,
    /// Also every message sent, delivered and dropped.
    Messages,
}

/// Why a leader was chosen.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Codec)]
pub enum ElectionReason {
    /// A new partition got its first leader.
    NewPartition,
    /// The old leader was fenced or shut down; the next one came from the ISR.
    LeaderFenced,
    /// Controlled shutdown moved leadership away.
    ControlledShutdown,
    /// Preferred leader election (manual or automatic rebalance).
    Preferred,
    /// An out-of-sync replica became leader (unclean.leader.election.enable).
    Unclean,
    /// A partition reassignment moved the leader.
    Reassignment,
    /// A leaderless partition got a leader back when an ISR member returned.
    Recovered,
}

impl ElectionReason {}

/// A record identity for the checker: the producer-side batch and the record's index in it
/// (its `offsetDelta`, which compaction keeps, not its position among the records left).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Codec)]
pub struct RecordRef {
    pub offset: Offset,
    pub origin: u64,
    pub index: u32,
}

/// A finding of the invariant or history checker.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Codec)]
pub enum Finding {
    /// An invariant of the engine itself broke (a bug in Brokerlab).
    InvariantViolated { what: String },
    /// An acknowledged record is gone from the partition.
    LostWrite { tp: TopicPartition, offset: Offset, acks: i16, after_unclean: bool },
    /// The same producer record is in the log twice.
    Duplicate { tp: TopicPartition, first: Offset, second: Offset },
    /// Records of one producer landed out of the order they were sent in.
    Reordered { tp: TopicPartition, earlier_sent_at: Offset, later_sent_at: Offset },
    /// A consumer skipped an offset that holds a readable record.
    SkippedOffset { tp: TopicPartition, consumer: String, offset: Offset },
    /// A consumer saw a record beyond the high watermark (or LSO for read_committed).
    ReadBeyondBound { tp: TopicPartition, consumer: String, offset: Offset },
    /// A read_committed consumer saw a record of an aborted transaction.
    AbortedRead { tp: TopicPartition, consumer: String, offset: Offset },
    /// After every fault healed and the cluster settled, an acknowledged record is in the
    /// current leader's log but not below its high watermark: no consumer can ever read it.
    Unreadable { tp: TopicPartition, offset: Offset, high_watermark: Offset },
    /// After every fault healed and the cluster settled, a partition whose replicas all run has
    /// no leader or an ISR short of its replicas (the ISR never re-expanded).
    NotInSync { tp: TopicPartition, leader: BrokerId, isr: Vec<BrokerId>, replicas: Vec<BrokerId> },
}

impl Finding {
    /// Whether a correctly configured cluster may produce it (losses after an unclean election
    /// or with acks<all are expected; everything else is an anomaly under safe settings).
    pub fn is_expected_under(&self, safe: bool) -> bool {
        match self {
            Finding::LostWrite { acks, after_unclean, .. } => !safe || *after_unclean || *acks != -1,
            Finding::Duplicate { .. } | Finding::Reordered { .. } => !safe,
            _ => false,
        }
    }
}

/// What kind of traffic a message is: a page draws constant background traffic quietly.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Codec)]
pub enum Traffic {
    /// Liveness: broker heartbeats to the controller, consumer heartbeats to the coordinator.
    Heartbeat,
    /// Replication of the metadata log (`__cluster_metadata`): controllers and brokers
    /// fetching from the active controller, and quorum votes.
    MetadataLog,
    /// Everything else: client requests, replica fetches, admin calls, and all responses.
    Request,
}

/// One event of the trace.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Codec)]
pub struct TraceEvent {
    pub at: SimTime,
    pub kind: TraceKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Codec)]
pub enum TraceKind {
    // ---- network ----
    Sent {
        id: u64,
        from: NodeAddr,
        to: NodeAddr,
        api: Cow<'static, str>,
        /// What kind of traffic it is, so observers need not read `api`.
        class: Traffic,
        response: bool,
        bytes: u32,
    },
    Delivered {
        id: u64,
    },
    Dropped {
        id: u64,
        from: NodeAddr,
        to: NodeAddr,
        api: Cow<'static, str>,
        reason: DropReason,
    },
    /// A connection reset seen by `node` because `peer` went away.
    Disconnected {
        node: NodeAddr,
        peer: NodeAddr,
    },
    // ---- processes ----
    ProcessStarted {
        node: NodeAddr,
    },
    ProcessCrashed {
        node: NodeAddr,
    },
    ProcessStopped {
        node: NodeAddr,
    },
    DiskLost {
        node: NodeAddr,
    },
    /// A broker's log recovery at start-up, and what the power-loss model removed.
    LogRecovered {
        broker: BrokerId,
        tp: TopicPartition,
        log_end_offset: Offset,
        lost_unflushed: Vec<RecordRef>,
    },
    // ---- KRaft ----
    QuorumLeaderElected {
        controller: i32,
        epoch: Epoch,
    },
    QuorumElectionStarted {
        controller: i32,
        epoch: Epoch,
    },
    MetadataCommitted {
        controller: i32,
        offset: Offset,
        record: String,
    },
    BrokerRegistered {
        broker: BrokerId,
        broker_epoch: i64,
    },
    BrokerFenced {
        broker: BrokerId,
        reason: String,
    },
    BrokerUnfenced {
        broker: BrokerId,
    },
    BrokerControlledShutdown {
        broker: BrokerId,
    },
    // ---- topics ----
    TopicCreated {
        topic: String,
        id: String,
        assignment: Vec<Vec<BrokerId>>,
    },
    TopicDeleted {
        topic: String,
    },
    PartitionsAdded {
        topic: String,
        assignment: Vec<Vec<BrokerId>>,
    },
    ConfigChanged {
        resource: String,
        name: String,
        value: Option<String>,
    },
    // ---- replication ----
    LeaderElected {
        tp: TopicPartition,
        leader: BrokerId,
        previous: BrokerId,
        epoch: Epoch,
        isr: Vec<BrokerId>,
        reason: ElectionReason,
    },
    /// The controller has no eligible leader for a partition. `isr` is the ISR before;
    /// `elr` the eligible leader replicas (KIP-966) that may lead once one is back.
    PartitionOffline {
        tp: TopicPartition,
        isr: Vec<BrokerId>,
        #[serde(default)]
        elr: Vec<BrokerId>,
    },
    IsrShrunk {
        tp: TopicPartition,
        leader: BrokerId,
        removed: Vec<BrokerId>,
        isr: Vec<BrokerId>,
    },
    IsrExpanded {
        tp: TopicPartition,
        leader: BrokerId,
        added: Vec<BrokerId>,
        isr: Vec<BrokerId>,
    },
    HighWatermark {
        tp: TopicPartition,
        broker: BrokerId,
        hw: Offset,
    },
    BecameLeader {
        tp: TopicPartition,
        broker: BrokerId,
        epoch: Epoch,
        log_end_offset: Offset,
    },
    BecameFollower {
        tp: TopicPartition,
        broker: BrokerId,
        leader: BrokerId,
        epoch: Epoch,
    },
    Truncated {
        tp: TopicPartition,
        broker: BrokerId,
        from: Offset,
        to: Offset,
        removed: Vec<RecordRef>,
    },
    ReplicaDeleted {
        tp: TopicPartition,
        broker: BrokerId,
    },
    SegmentRolled {
        tp: TopicPartition,
        broker: BrokerId,
        base_offset: Offset,
    },
    SegmentsDeleted {
        tp: TopicPartition,
        broker: BrokerId,
        log_start_offset: Offset,
        reason: String,
    },
    LogCleaned {
        tp: TopicPartition,
        broker: BrokerId,
        removed: u32,
    },
    // ---- clients ----
    ProduceAcked {
        client: String,
        tp: TopicPartition,
        base_offset: Offset,
        count: u32,
        acks: i16,
        origin: u64,
    },
    ProduceFailed {
        client: String,
        tp: TopicPartition,
        error: KafkaError,
        count: u32,
        retrying: bool,
    },
    ClientError {
        client: String,
        api: Cow<'static, str>,
        error: KafkaError,
        detail: String,
    },
    MetadataRefreshed {
        client: String,
    },
    Consumed {
        client: String,
        tp: TopicPartition,
        from: Offset,
        count: u32,
    },
    OffsetsCommitted {
        group: String,
        client: String,
        offsets: Vec<(TopicPartition, Offset)>,
    },
    OffsetReset {
        client: String,
        tp: TopicPartition,
        offset: Offset,
        reason: String,
    },
    GroupStateChanged {
        group: String,
        state: String,
        generation: i32,
        reason: String,
    },
    GroupAssignment {
        group: String,
        member: String,
        generation: i32,
        partitions: Vec<TopicPartition>,
    },
    MemberRemoved {
        group: String,
        member: String,
        reason: String,
    },
    /// KIP-932: a share group member acquired records of a share-partition: `(first, last,
    /// delivery count)` ranges (`SharePartition.acquire`).
    ShareAcquired {
        group: String,
        member: String,
        tp: TopicPartition,
        ranges: Vec<(Offset, Offset, i32)>,
    },
    /// A share group member acknowledged records (`SharePartition.acknowledge`).
    ShareAcknowledged {
        group: String,
        member: String,
        tp: TopicPartition,
        count: u32,
        kinds: String,
    },
    /// An acquisition lock ran out: the record is available again, or archived at the delivery
    /// limit (`SharePartition.releaseAcquisitionLockOnTimeout`).
    ShareLockExpired {
        group: String,
        member: String,
        tp: TopicPartition,
        offset: Offset,
        archived: bool,
    },
    TransactionState {
        transactional_id: String,
        state: String,
    },
    // ---- checker ----
    Check(Finding),
    /// A note from a console command or lesson, for the feed.
    Note {
        text: String,
    },
    // ---- tiered storage (after every older kind, so their derived hashes stay) ----
    /// Tiered storage: the leader's `RLMCopyTask` copied a rolled segment to the remote store.
    SegmentCopied {
        tp: TopicPartition,
        broker: BrokerId,
        base_offset: Offset,
        end_offset: Offset,
    },
    /// The leader's `RLMExpirationTask` deleted remote segments past `retention.ms` /
    /// `retention.bytes`; the log (remote and local) now starts at `log_start_offset`.
    RemoteSegmentsDeleted {
        tp: TopicPartition,
        broker: BrokerId,
        log_start_offset: Offset,
        reason: String,
    },
    /// A fetch was served from the remote store (`RemoteLogReader`), or failed there.
    RemoteRead {
        tp: TopicPartition,
        broker: BrokerId,
        offset: Offset,
        ok: bool,
    },
    /// A copy to the remote store failed (`RemoteStorageException`): the task tries again.
    RemoteCopyFailed {
        tp: TopicPartition,
        broker: BrokerId,
    },
    /// `remote-storage down|up`.
    RemoteStorage {
        down: bool,
    },
}

impl TraceKind {
    /// The topic the event is about, if it is about one.
    pub(crate) fn topic(&self) -> Option<&str> {
        use TraceKind as K;
        match self {
            K::LogRecovered { tp, .. }
            | K::LeaderElected { tp, .. }
            | K::PartitionOffline { tp, .. }
            | K::IsrShrunk { tp, .. }
            | K::IsrExpanded { tp, .. }
            | K::HighWatermark { tp, .. }
            | K::BecameLeader { tp, .. }
            | K::BecameFollower { tp, .. }
            | K::Truncated { tp, .. }
            | K::ReplicaDeleted { tp, .. }
            | K::SegmentRolled { tp, .. }
            | K::SegmentsDeleted { tp, .. }
            | K::LogCleaned { tp, .. }
            | K::SegmentCopied { tp, .. }
            | K::RemoteSegmentsDeleted { tp, .. }
            | K::RemoteRead { tp, .. }
            | K::RemoteCopyFailed { tp, .. }
            | K::ProduceAcked { tp, .. }
            | K::ProduceFailed { tp, .. }
            | K::Consumed { tp, .. }
            | K::OffsetReset { tp, .. } => Some(&tp.topic),
            K::TopicCreated { topic, .. } | K::TopicDeleted { topic } | K::PartitionsAdded { topic, .. } => Some(topic),
            _ => None,
        }
    }

    /// Whether the event is about individual messages (only recorded at [`TraceLevel::Messages`]).
    pub fn is_message_level(&self) -> bool {
        matches!(self, TraceKind::Sent { .. } | TraceKind::Delivered { .. })
    }
}
