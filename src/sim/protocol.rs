//! Messages on the simulated network: Kafka's own request/response pairs.
//!
//! Each request carries a correlation id chosen by its sender; the response echoes it. The
//! UI draws every message in flight with [`Message::label`], the Kafka API name.

use crate::sim::broker::share_partition::{AckType, PersistedShareState};
use crate::sim::codec::Codec;
use crate::sim::errors::{ApiError, KafkaError};
use crate::sim::metadata::MetadataRecord;
use crate::sim::quota::{QuotaEntity, QuotaFilter};
use crate::sim::record::{ControlType, Record, RecordBatch};
use crate::sim::types::{
    BrokerEndpoint, BrokerId, ConfigResource, Epoch, NodeAddr, Offset, PartitionId, TopicId, TopicPartition,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::rc::Rc;

/// A message: a request or a response, with its correlation id.
#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub struct Message {
    pub(crate) corr: u64,
    pub body: Body,
}

#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub enum Body {
    Req(Request),
    Resp(Response),
}

/// Partition data in a produce request (one batch per partition, as the Java producer sends).
#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub struct ProduceBatch {
    pub tp: TopicPartition,
    pub(crate) producer_id: i64,
    pub producer_epoch: i16,
    pub(crate) base_sequence: i32,
    pub transactional: bool,
    pub records: Rc<Vec<Record>>,
    pub(crate) size_bytes: u32,
    /// The producer's `compression.type` (the batch's attributes).
    pub(crate) compression: crate::sim::compression::CompressionType,
    /// Identity of the producer-side batch; retries carry the same value. Not a Kafka field:
    /// the history checker uses it to recognise duplicates and losses.
    pub origin: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub struct FetchPartition {
    pub tp: TopicPartition,
    pub(crate) fetch_offset: Offset,
    pub(crate) current_leader_epoch: Epoch,
    /// The epoch of the last fetched batch (KIP-320); -1 when unknown.
    pub(crate) last_fetched_epoch: Epoch,
    pub log_start_offset: Offset,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Codec)]
pub enum Isolation {
    ReadUncommitted,
    ReadCommitted,
}

#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub struct FetchedPartition {
    pub tp: TopicPartition,
    pub error: Option<KafkaError>,
    pub high_watermark: Offset,
    pub last_stable_offset: Offset,
    pub log_start_offset: Offset,
    /// Set when the follower's log diverges from the leader's (KIP-320): (epoch, end offset).
    pub(crate) diverging_epoch: Option<(Epoch, Offset)>,
    pub aborted: Vec<(i64, Offset)>,
    pub batches: Vec<Rc<RecordBatch>>,
    /// The leader's current epoch, so a follower can tell a stale leader.
    pub leader_epoch: Epoch,
    /// KIP-392: the replica the leader's `replica.selector.class` prefers this consumer to fetch
    /// from (`FetchResponseData.PartitionData.preferredReadReplica`; -1 none). Set only with no
    /// records (`ReplicaManager.readFromLog`).
    #[serde(default = "no_replica")]
    pub(crate) preferred_read_replica: BrokerId,
}

fn no_replica() -> BrokerId {
    -1
}

impl FetchedPartition {
    /// A partition answered with no data: an error (or none), no offsets, `leader_epoch` as the
    /// broker knows it (-1: unknown).
    pub(crate) fn empty(tp: TopicPartition, error: Option<KafkaError>, leader_epoch: Epoch) -> FetchedPartition {
        FetchedPartition {
            tp,
            error,
            high_watermark: -1,
            last_stable_offset: -1,
            log_start_offset: -1,
            diverging_epoch: None,
            aborted: vec![],
            batches: vec![],
            leader_epoch,
            preferred_read_replica: -1,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub struct MetadataTopic {
    pub name: String,
    pub id: TopicId,
    pub error: Option<KafkaError>,
    pub internal: bool,
    pub partitions: Vec<MetadataPartition>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct MetadataPartition {
    pub partition: PartitionId,
    pub leader: BrokerId,
    pub leader_epoch: Epoch,
    pub replicas: Vec<BrokerId>,
    pub isr: Vec<BrokerId>,
    pub(crate) offline: Vec<BrokerId>,
    pub elr: Vec<BrokerId>,
    pub last_known_elr: Vec<BrokerId>,
    pub adding: Vec<BrokerId>,
    pub removing: Vec<BrokerId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct NewTopic {
    pub name: String,
    /// -1: the broker default `num.partitions`.
    pub partitions: i32,
    /// -1: the broker default `default.replication.factor`.
    pub replication_factor: i32,
    pub assignment: Option<Vec<Vec<BrokerId>>>,
    pub configs: BTreeMap<String, String>,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub enum ElectionType {
    Preferred,
    Unclean,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub enum AlterOp {
    Set(String, String),
    Delete(String),
}

/// What the controller quorum says about itself (`DescribeQuorum`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct QuorumInfo {
    pub(crate) leader_id: i32,
    pub leader_epoch: Epoch,
    pub high_watermark: Offset,
    pub(crate) voters: Vec<ReplicaProgress>,
    pub(crate) observers: Vec<ReplicaProgress>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct ReplicaProgress {
    pub(crate) id: i32,
    pub(crate) log_end_offset: Offset,
    /// Milliseconds since the epoch, -1 when unknown.
    pub(crate) last_fetch_ms: i64,
    pub(crate) last_caught_up_ms: i64,
}

/// Requests the controller handles (directly, or forwarded by a broker in an Envelope).
#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub enum ControllerRequest {
    CreateTopics {
        topics: Vec<NewTopic>,
        validate_only: bool,
    },
    DeleteTopics {
        names: Vec<String>,
    },
    CreatePartitions {
        topic: String,
        count: i32,
        assignment: Option<Vec<Vec<BrokerId>>>,
    },
    AlterConfigs {
        resource: ConfigResource,
        ops: Vec<AlterOp>,
    },
    ElectLeaders {
        election: ElectionType,
        partitions: Option<Vec<TopicPartition>>,
    },
    AlterReassignments {
        moves: Vec<(TopicPartition, Option<Vec<BrokerId>>)>,
    },
    ListReassignments,
    DescribeQuorum,
    /// `AlterClientQuotas` (KIP-546) for one entity: each key set (the bits of a `double`) or
    /// removed (`None`).
    AlterClientQuotas {
        entity: QuotaEntity,
        ops: Vec<(String, Option<u64>)>,
    },
    /// `CreateAcls` (ControllerApis.handleCreateAcls → `AclControlManager.createAcls`).
    CreateAcls {
        bindings: Vec<crate::sim::acl::AclBinding>,
    },
    /// `DeleteAcls` (`AclControlManager.deleteAcls`).
    DeleteAcls {
        filters: Vec<crate::sim::acl::AclFilter>,
    },
}

/// A created topic: its id, partition count and replication factor.
pub(crate) type CreatedTopic = Result<(TopicId, i32, i32), ApiError>;
/// An ongoing reassignment: the partition, its replicas, adding replicas and removing replicas.
pub(crate) type Reassignment = (TopicPartition, Vec<BrokerId>, Vec<BrokerId>, Vec<BrokerId>);
/// A produce result per partition: the base offset and the log append time, or the error.
pub(crate) type PartitionProduceResult = (TopicPartition, Result<(Offset, i64), ApiError>);
/// A ListOffsets result per partition: the offset and its timestamp, or the error.
pub(crate) type PartitionListOffsetsResult = (TopicPartition, Result<(Offset, i64), KafkaError>);
/// The errors per partition of one producer's transaction markers.
pub(crate) type TxnMarkerResult = (i64, Vec<(TopicPartition, Option<KafkaError>)>);

#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub enum ControllerResponse {
    CreateTopics(Vec<(String, CreatedTopic)>),
    DeleteTopics(Vec<(String, Option<ApiError>)>),
    CreatePartitions(Option<ApiError>),
    AlterConfigs(Option<ApiError>),
    ElectLeaders(Result<Vec<(TopicPartition, Option<ApiError>)>, ApiError>),
    AlterReassignments(Vec<(TopicPartition, Option<ApiError>)>),
    ListReassignments(Result<Vec<Reassignment>, ApiError>),
    DescribeQuorum(Result<QuorumInfo, ApiError>),
    AlterClientQuotas(Option<ApiError>),
    /// One result per binding.
    CreateAcls(Vec<Option<ApiError>>),
    /// Per filter: the bindings it deleted, or its error.
    DeleteAcls(Vec<Result<Vec<crate::sim::acl::AclBinding>, ApiError>>),
    /// Not the active controller; the hint names who is, if known.
    NotController {
        leader: Option<i32>,
    },
}

#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub enum Request {
    // ---- KRaft quorum (controllers) ----
    /// A candidate asks for a vote.
    Vote {
        epoch: Epoch,
        candidate: i32,
        last_epoch: Epoch,
        last_offset: Offset,
    },
    /// The new leader announces itself to the voters.
    BeginQuorumEpoch {
        epoch: Epoch,
        leader: i32,
    },
    /// Pull replication of `__cluster_metadata` by voters and observers (brokers).
    MetadataFetch {
        replica: i32,
        fetch_offset: Offset,
        last_fetched_epoch: Epoch,
        max_wait_ms: i64,
    },
    // ---- broker lifecycle (broker → active controller) ----
    BrokerRegistration {
        endpoint: BrokerEndpoint,
        incarnation: u64,
        /// `previousBrokerEpoch`: the broker epoch read from the clean shutdown file at
        /// start-up, -1 when there was none (the last shutdown was not clean).
        #[serde(default = "no_previous_broker_epoch")]
        previous_broker_epoch: i64,
    },
    BrokerHeartbeat {
        broker: BrokerId,
        broker_epoch: i64,
        metadata_offset: Offset,
        want_fence: bool,
        want_shutdown: bool,
    },
    /// A leader asks to change a partition's ISR (KIP-497).
    AlterPartition {
        broker: BrokerId,
        broker_epoch: i64,
        tp: TopicPartition,
        leader_epoch: Epoch,
        partition_epoch: i32,
        new_isr: Vec<BrokerId>,
    },
    /// A producer-id block for idempotent producers (KIP-730).
    AllocateProducerIds {
        broker: BrokerId,
        broker_epoch: i64,
    },
    // ---- admin (client → broker → controller) ----
    Controller(ControllerRequest),
    /// A broker forwarding a client's admin request to the controller (KIP-590).
    Envelope {
        client: NodeAddr,
        client_corr: u64,
        inner: ControllerRequest,
    },
    DescribeConfigs {
        resources: Vec<ConfigResource>,
    },
    /// `ApiVersions`, the first request on a connection; `client_id` is its header's client id,
    /// which the broker keeps for the connection (client quotas are per client id).
    ApiVersions {
        client_id: String,
    },
    /// SASL/PLAIN authentication of a new connection to a SASL listener: Kafka's
    /// `SaslClientAuthenticator` exchanges `SaslHandshake` (mechanism PLAIN) and
    /// `SaslAuthenticate` (the PLAIN token `\0username\0password`) before the connection is
    /// ready; Brokerlab sends the two as this one request. The broker checks the login against
    /// its listener's JAAS `user_<name>` options (`PlainServerCallbackHandler`).
    SaslAuthenticate {
        username: String,
        password: String,
    },
    /// `DescribeClientQuotas`, answered by any broker from its metadata image.
    DescribeClientQuotas {
        filter: QuotaFilter,
    },
    /// `DescribeAcls`: a broker answers from its metadata image (`KafkaApis.handleDescribeAcls`).
    DescribeAcls {
        filter: crate::sim::acl::AclFilter,
    },
    // ---- clients ----
    Metadata {
        topics: Option<Vec<String>>,
        allow_auto_create: bool,
    },
    Produce {
        acks: i16,
        timeout_ms: i64,
        transactional_id: Option<String>,
        batches: Vec<ProduceBatch>,
    },
    Fetch {
        replica: i32,
        max_wait_ms: i64,
        min_bytes: i32,
        max_bytes: i32,
        isolation: Isolation,
        partitions: Vec<FetchPartition>,
        /// The consumer's `client.rack` (`FetchRequest.rackId`, "" when not set; KIP-392).
        #[serde(default)]
        rack_id: String,
    },
    ListOffsets {
        isolation: Isolation,
        partitions: Vec<(TopicPartition, i64)>,
    },
    // ---- groups (client → coordinator) ----
    FindCoordinator {
        key: String,
        transaction: bool,
    },
    JoinGroup {
        /// From the request header (`client.id`).
        client_id: String,
        group: String,
        session_timeout_ms: i64,
        rebalance_timeout_ms: i64,
        member_id: String,
        instance_id: Option<String>,
        protocol_type: String,
        protocols: Vec<(String, Rc<GroupSubscription>)>,
        reason: Option<String>,
    },
    SyncGroup {
        group: String,
        generation: i32,
        member_id: String,
        instance_id: Option<String>,
        assignments: Vec<(String, Vec<TopicPartition>)>,
    },
    Heartbeat {
        group: String,
        generation: i32,
        member_id: String,
        instance_id: Option<String>,
    },
    LeaveGroup {
        group: String,
        members: Vec<(String, Option<String>)>,
        reason: Option<String>,
    },
    OffsetCommit {
        group: String,
        generation: i32,
        member_id: String,
        offsets: Vec<(TopicPartition, Offset, Option<Epoch>)>,
    },
    OffsetFetch {
        group: String,
        partitions: Option<Vec<TopicPartition>>,
        require_stable: bool,
    },
    ListGroups {
        states: Vec<String>,
    },
    /// KIP-848: a member of a consumer group (`group.protocol=consumer`) joins, heartbeats,
    /// acknowledges its assignment and leaves with this one request (`ConsumerGroupHeartbeatRequest`
    /// v1). Fields left `None` (or -1) are unchanged since the member's last request.
    ConsumerGroupHeartbeat {
        group: String,
        /// Generated by the client (KIP-1082), kept for the consumer's lifetime.
        member_id: String,
        /// 0 joins, -1 leaves, -2 leaves temporarily (a static member).
        member_epoch: i32,
        instance_id: Option<String>,
        /// -1: unchanged.
        rebalance_timeout_ms: i64,
        subscribed_topics: Option<Vec<String>>,
        server_assignor: Option<String>,
        /// The partitions the member owns now; `None`: unchanged.
        owned: Option<Vec<TopicPartition>>,
        client_id: String,
    },
    DescribeGroups {
        groups: Vec<String>,
    },
    /// KIP-932: a share consumer joins, heartbeats and leaves its share group
    /// (`ShareGroupHeartbeatRequest`). 0 joins, -1 leaves.
    ShareGroupHeartbeat {
        group: String,
        /// Generated by the client, kept for its lifetime.
        member_id: String,
        member_epoch: i32,
        /// `None`: unchanged since the last heartbeat.
        subscribed_topics: Option<Vec<String>>,
        client_id: String,
    },
    /// `ShareGroupDescribeRequest` (to the group coordinator).
    ShareGroupDescribe {
        groups: Vec<String>,
    },
    /// KIP-932: fetch from share-partitions on their leader (`ShareFetchRequest`); it also carries
    /// the acknowledgements of what the member was given before. Share session epoch 0 opens the
    /// member's session on this broker, -1 closes it.
    ShareFetch {
        group: String,
        member_id: String,
        share_session_epoch: i32,
        max_wait_ms: i64,
        max_records: i32,
        partitions: Vec<TopicPartition>,
        acks: Vec<(TopicPartition, Vec<(Offset, AckType)>)>,
    },
    /// `ShareAcknowledgeRequest`: acknowledgements without fetching (and the final ones on close,
    /// share session epoch -1).
    ShareAcknowledge {
        group: String,
        member_id: String,
        share_session_epoch: i32,
        acks: Vec<(TopicPartition, Vec<(Offset, AckType)>)>,
    },
    /// What the share coordinator persisted of share-partitions: start offset, leader epoch and
    /// the records finished past it. Kafka's admin asks the group coordinator
    /// (`DescribeShareGroupOffsets`), which asks the share coordinator through the persister
    /// (`ReadShareGroupStateSummary`); Brokerlab's admin asks the share coordinator (the leader
    /// of the key's `__share_group_state` partition) itself.
    ReadShareGroupStateSummary {
        group: String,
        partitions: Vec<TopicPartition>,
    },
    /// A share-partition leader's write of its state to the share coordinator
    /// (`WriteShareGroupState`, from `PersisterStateManager.WriteStateHandler`); `key` is
    /// `groupId:topicId:partition`.
    WriteShareGroupState {
        key: String,
        state: PersistedShareState,
    },
    /// A new share-partition leader reads its state (`ReadShareGroupState`).
    ReadShareGroupState {
        key: String,
        leader_epoch: i32,
    },
    /// Sets a share-partition's start offset under a new state epoch, dropping its batches
    /// (`InitializeShareGroupState`: the group coordinator's initialization and
    /// `AlterShareGroupOffsets`).
    InitializeShareGroupState {
        keys: Vec<(String, Offset)>,
    },
    /// Deletes share-partitions' state (`DeleteShareGroupState`: `DeleteShareGroupOffsets`,
    /// `DeleteGroups` of a share group).
    DeleteShareGroupState {
        keys: Vec<String>,
    },
    /// `AlterShareGroupOffsets` to the group coordinator: the group (created if it does not
    /// exist) must be empty; its topics become initialized. Brokerlab's admin then sets the
    /// start offsets at the share coordinators (Kafka's group coordinator does it through the
    /// persister).
    AlterShareGroupOffsets {
        group: String,
        topics: Vec<String>,
    },
    /// `DeleteShareGroupOffsets` to the group coordinator: the empty group forgets the topics;
    /// Brokerlab's admin then deletes their state at the share coordinators.
    DeleteShareGroupOffsets {
        group: String,
        topics: Vec<String>,
    },
    DeleteGroups {
        groups: Vec<String>,
    },
    OffsetDelete {
        group: String,
        partitions: Vec<TopicPartition>,
    },
    // ---- idempotence and transactions ----
    InitProducerId {
        transactional_id: Option<String>,
        timeout_ms: i64,
        producer_id: i64,
        producer_epoch: i16,
    },
    AddPartitionsToTxn {
        transactional_id: String,
        producer_id: i64,
        producer_epoch: i16,
        partitions: Vec<TopicPartition>,
    },
    AddOffsetsToTxn {
        transactional_id: String,
        producer_id: i64,
        producer_epoch: i16,
        group: String,
    },
    EndTxn {
        transactional_id: String,
        producer_id: i64,
        producer_epoch: i16,
        commit: bool,
    },
    TxnOffsetCommit {
        transactional_id: String,
        group: String,
        producer_id: i64,
        producer_epoch: i16,
        generation: i32,
        member_id: String,
        offsets: Vec<(TopicPartition, Offset)>,
    },
    /// The transaction coordinator writes COMMIT/ABORT markers to a partition leader.
    WriteTxnMarkers {
        markers: Vec<(i64, i16, ControlType, Vec<TopicPartition>, i32)>,
    },
    /// `DescribeUserScramCredentials` of these users (all with none), answered by any broker
    /// (`KafkaApis.handleDescribeUserScramCredentialsRequest`); Brokerlab has no SCRAM
    /// credentials, so an allowed request finds none.
    DescribeUserScramCredentials {
        users: Vec<String>,
    },
}

/// A member's subscription as carried in JoinGroup (ConsumerProtocolSubscription), one per
/// assignor the consumer offers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct GroupSubscription {
    pub topics: Vec<String>,
    pub owned: Vec<TopicPartition>,
    pub generation: i32,
    pub rack: Option<String>,
    /// That assignor's `subscriptionUserData`, decoded.
    pub user_data: Option<crate::sim::assignor::UserData>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct JoinMember {
    pub member_id: String,
    pub instance_id: Option<String>,
    pub(crate) subscription: Rc<GroupSubscription>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct GroupMemberDescription {
    pub member_id: String,
    pub instance_id: Option<String>,
    pub(crate) client_id: String,
    pub host: String,
    pub assignment: Vec<TopicPartition>,
    /// KIP-848 (`ConsumerGroupDescribe`): the member epoch and target assignment; `None` for a
    /// classic group's member.
    #[serde(default)]
    pub member_epoch: Option<i32>,
    #[serde(default)]
    pub(crate) target_assignment: Vec<TopicPartition>,
    /// KIP-1099's member type in a consumer group: `Some(true)` for a consumer-protocol member,
    /// `Some(false)` for a classic one (`MemberDescription.upgraded`); `None` in a classic group.
    #[serde(default)]
    pub upgraded: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct GroupDescription {
    pub group: String,
    pub error: Option<KafkaError>,
    pub state: String,
    pub(crate) protocol_type: String,
    pub protocol: String,
    pub members: Vec<GroupMemberDescription>,
    pub coordinator: BrokerId,
    /// KIP-848 (`ConsumerGroupDescribe`): the group epoch, the target assignment epoch and the
    /// server assignor; `None` for a classic group.
    #[serde(default)]
    pub consumer: Option<ConsumerGroupEpochs>,
}

impl GroupDescription {
    /// A group described without its members: an error (NOT_COORDINATOR, GROUP_AUTHORIZATION_FAILED,
    /// ...) or a group that does not exist (`Dead`).
    pub(crate) fn without_group(group: &str, error: Option<KafkaError>, state: &str, coordinator: BrokerId) -> Self {
        GroupDescription {
            group: group.to_string(),
            error,
            state: state.to_string(),
            protocol_type: String::new(),
            protocol: String::new(),
            members: vec![],
            coordinator,
            consumer: None,
        }
    }
}

/// One share-partition in a ShareFetch response: the batches read and the records this member
/// acquired from them (`AcquiredRecords`: first, last offset and delivery count).
#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub struct ShareFetchedPartition {
    pub tp: TopicPartition,
    pub error: Option<KafkaError>,
    pub(crate) ack_error: Option<KafkaError>,
    pub batches: Vec<Rc<RecordBatch>>,
    pub(crate) acquired: Vec<(Offset, Offset, i32)>,
}

/// A share group as `ShareGroupDescribe` answers (`ShareGroupDescribeResponseData.DescribedGroup`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct ShareGroupDescription {
    pub group: String,
    pub error: Option<KafkaError>,
    pub(crate) error_message: Option<String>,
    pub state: String,
    pub group_epoch: i32,
    pub(crate) assignment_epoch: i32,
    pub assignor: String,
    pub coordinator: BrokerId,
    /// Member id, client id, host, member epoch, assignment.
    pub members: Vec<(String, String, String, i32, Vec<TopicPartition>)>,
    /// The partitions whose share-group state is initialized (what `DescribeShareGroupOffsets`
    /// reports on).
    pub partitions: Vec<TopicPartition>,
}

impl ShareGroupDescription {
    /// A share group described with an error and nothing else (`DescribedGroup` with its
    /// error code and message, epochs -1).
    pub(crate) fn failed(
        group: &str,
        error: KafkaError,
        error_message: Option<String>,
        state: &str,
        coordinator: BrokerId,
    ) -> Self {
        ShareGroupDescription {
            group: group.to_string(),
            error: Some(error),
            error_message,
            state: state.to_string(),
            group_epoch: -1,
            assignment_epoch: -1,
            assignor: String::new(),
            coordinator,
            members: vec![],
            partitions: vec![],
        }
    }
}

/// What `ConsumerGroupDescribe` adds for a consumer-protocol group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct ConsumerGroupEpochs {
    pub group_epoch: i32,
    pub(crate) assignment_epoch: i32,
    pub assignor: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub enum Response {
    Vote {
        epoch: Epoch,
        granted: bool,
        leader: Option<i32>,
    },
    BeginQuorumEpoch {
        epoch: Epoch,
    },
    MetadataFetch {
        epoch: Epoch,
        leader: Option<i32>,
        error: Option<KafkaError>,
        high_watermark: Offset,
        diverging: Option<(Epoch, Offset)>,
        entries: Vec<(Offset, Epoch, Rc<MetadataRecord>)>,
    },
    BrokerRegistration {
        error: Option<ApiError>,
        broker_epoch: i64,
        leader: Option<i32>,
    },
    BrokerHeartbeat {
        error: Option<KafkaError>,
        is_caught_up: bool,
        is_fenced: bool,
        should_shutdown: bool,
        leader: Option<i32>,
    },
    AlterPartition {
        tp: TopicPartition,
        error: Option<KafkaError>,
        leader_epoch: Epoch,
        partition_epoch: i32,
        isr: Vec<BrokerId>,
        leader: Option<i32>,
    },
    AllocateProducerIds {
        error: Option<KafkaError>,
        first: i64,
        count: i64,
        leader: Option<i32>,
    },
    Controller(ControllerResponse),
    DescribeConfigs(Vec<(ConfigResource, Result<Vec<crate::sim::config::ConfigEntry>, ApiError>)>),
    DescribeAcls(Result<Vec<crate::sim::acl::AclBinding>, ApiError>),
    ApiVersions(Vec<(i16, String, i16, i16)>),
    /// `SaslAuthenticateResponse`: `None` authenticated, else the error message
    /// (SASL_AUTHENTICATION_FAILED, `Authentication failed: Invalid username or password`).
    SaslAuthenticate(Option<String>),
    /// `DescribeClientQuotas`: the matching entities and their quotas (`double` bits).
    DescribeClientQuotas(Result<crate::sim::quota::QuotaEntries, ApiError>),
    /// A response whose `throttle_time_ms` is positive (KIP-219: the broker answers at once and
    /// mutes the channel; the client waits that long before sending to the broker again).
    /// Brokerlab wraps the answer rather than giving every response the field.
    Throttled {
        throttle_time_ms: i32,
        response: Box<Response>,
    },
    Metadata {
        brokers: Vec<BrokerEndpoint>,
        controller: i32,
        topics: Vec<MetadataTopic>,
        cluster_id: String,
    },
    Produce {
        results: Vec<PartitionProduceResult>,
    },
    Fetch {
        error: Option<KafkaError>,
        partitions: Vec<FetchedPartition>,
    },
    ListOffsets {
        partitions: Vec<PartitionListOffsetsResult>,
    },
    FindCoordinator {
        error: Option<KafkaError>,
        node: BrokerId,
        host: String,
        port: u16,
    },
    JoinGroup {
        error: Option<KafkaError>,
        generation: i32,
        protocol: String,
        leader: String,
        member_id: String,
        members: Vec<JoinMember>,
    },
    SyncGroup {
        error: Option<KafkaError>,
        protocol: String,
        assignment: Vec<TopicPartition>,
    },
    Heartbeat {
        error: Option<KafkaError>,
    },
    LeaveGroup {
        error: Option<KafkaError>,
    },
    OffsetCommit {
        results: Vec<(TopicPartition, Option<KafkaError>)>,
        error: Option<KafkaError>,
    },
    OffsetFetch {
        error: Option<KafkaError>,
        offsets: Vec<(TopicPartition, Offset, Option<KafkaError>)>,
    },
    ListGroups {
        error: Option<KafkaError>,
        /// Group id, protocol type, state and group type (`classic` or `consumer`, ListGroups v5).
        groups: Vec<(String, String, String, String)>,
    },
    DescribeGroups(Vec<GroupDescription>),
    ShareGroupHeartbeat {
        error: Option<KafkaError>,
        error_message: Option<String>,
        member_id: String,
        member_epoch: i32,
        heartbeat_interval_ms: i64,
        /// The member's assignment, when it changed (or on a join or a full request).
        assignment: Option<Vec<TopicPartition>>,
    },
    ShareGroupDescribe(Vec<ShareGroupDescription>),
    ShareFetch {
        error: Option<KafkaError>,
        partitions: Vec<ShareFetchedPartition>,
    },
    ShareAcknowledge {
        error: Option<KafkaError>,
        partitions: Vec<(TopicPartition, Option<KafkaError>)>,
    },
    /// Per partition: `(start offset, leader epoch, records finished past it)`, or `None` when
    /// this broker has no state of it.
    ReadShareGroupStateSummary {
        partitions: Vec<(TopicPartition, Option<ShareStateSummary>)>,
    },
    WriteShareGroupState {
        error: Option<KafkaError>,
    },
    ReadShareGroupState {
        error: Option<KafkaError>,
        state: Option<PersistedShareState>,
    },
    InitializeShareGroupState {
        error: Option<KafkaError>,
    },
    DeleteShareGroupState {
        error: Option<KafkaError>,
    },
    AlterShareGroupOffsets {
        error: Option<KafkaError>,
        error_message: Option<String>,
    },
    /// The group's error, or each topic's.
    DeleteShareGroupOffsets {
        error: Option<KafkaError>,
        error_message: Option<String>,
        topics: Vec<(String, Option<KafkaError>)>,
    },
    ConsumerGroupHeartbeat {
        error: Option<KafkaError>,
        error_message: Option<String>,
        member_id: String,
        member_epoch: i32,
        heartbeat_interval_ms: i64,
        /// The member's assignment, when it changed (or on a join or a full request).
        assignment: Option<Vec<TopicPartition>>,
    },
    DeleteGroups(Vec<(String, Option<KafkaError>)>),
    OffsetDelete {
        error: Option<KafkaError>,
        results: Vec<(TopicPartition, Option<KafkaError>)>,
    },
    InitProducerId {
        error: Option<KafkaError>,
        producer_id: i64,
        producer_epoch: i16,
    },
    AddPartitionsToTxn {
        results: Vec<(TopicPartition, Option<KafkaError>)>,
    },
    AddOffsetsToTxn {
        error: Option<KafkaError>,
    },
    EndTxn {
        error: Option<KafkaError>,
    },
    TxnOffsetCommit {
        results: Vec<(TopicPartition, Option<KafkaError>)>,
    },
    WriteTxnMarkers {
        results: Vec<TxnMarkerResult>,
    },
    /// `DescribeUserScramCredentials`: the request's error (there are no credentials to list).
    DescribeUserScramCredentials(Option<ApiError>),
}

impl Request {
    /// The Kafka API name (`ApiKeys`), shown on the message in flight.
    pub(crate) fn label(&self) -> &'static str {
        match self {
            Request::Vote { .. } => "Vote",
            Request::BeginQuorumEpoch { .. } => "BeginQuorumEpoch",
            Request::MetadataFetch { .. } => "Fetch(__cluster_metadata)",
            Request::BrokerRegistration { .. } => "BrokerRegistration",
            Request::BrokerHeartbeat { .. } => "BrokerHeartbeat",
            Request::AlterPartition { .. } => "AlterPartition",
            Request::AllocateProducerIds { .. } => "AllocateProducerIds",
            Request::Controller(c) | Request::Envelope { inner: c, .. } => c.label(),
            Request::DescribeConfigs { .. } => "DescribeConfigs",
            Request::ApiVersions { .. } => "ApiVersions",
            Request::SaslAuthenticate { .. } => "SaslAuthenticate",
            Request::DescribeClientQuotas { .. } => "DescribeClientQuotas",
            Request::DescribeAcls { .. } => "DescribeAcls",
            Request::Metadata { .. } => "Metadata",
            Request::Produce { .. } => "Produce",
            Request::Fetch { replica, .. } => {
                if *replica >= 0 {
                    "Fetch(replica)"
                } else {
                    "Fetch"
                }
            }
            Request::ListOffsets { .. } => "ListOffsets",
            Request::FindCoordinator { .. } => "FindCoordinator",
            Request::JoinGroup { .. } => "JoinGroup",
            Request::SyncGroup { .. } => "SyncGroup",
            Request::Heartbeat { .. } => "Heartbeat",
            Request::LeaveGroup { .. } => "LeaveGroup",
            Request::OffsetCommit { .. } => "OffsetCommit",
            Request::OffsetFetch { .. } => "OffsetFetch",
            Request::ListGroups { .. } => "ListGroups",
            Request::ConsumerGroupHeartbeat { .. } => "ConsumerGroupHeartbeat",
            Request::DescribeGroups { .. } => "DescribeGroups",
            Request::ShareGroupHeartbeat { .. } => "ShareGroupHeartbeat",
            Request::ShareGroupDescribe { .. } => "ShareGroupDescribe",
            Request::ShareFetch { .. } => "ShareFetch",
            Request::ShareAcknowledge { .. } => "ShareAcknowledge",
            Request::ReadShareGroupStateSummary { .. } => "ReadShareGroupStateSummary",
            Request::WriteShareGroupState { .. } => "WriteShareGroupState",
            Request::ReadShareGroupState { .. } => "ReadShareGroupState",
            Request::InitializeShareGroupState { .. } => "InitializeShareGroupState",
            Request::DeleteShareGroupState { .. } => "DeleteShareGroupState",
            Request::AlterShareGroupOffsets { .. } => "AlterShareGroupOffsets",
            Request::DeleteShareGroupOffsets { .. } => "DeleteShareGroupOffsets",
            Request::DeleteGroups { .. } => "DeleteGroups",
            Request::OffsetDelete { .. } => "OffsetDelete",
            Request::InitProducerId { .. } => "InitProducerId",
            Request::AddPartitionsToTxn { .. } => "AddPartitionsToTxn",
            Request::AddOffsetsToTxn { .. } => "AddOffsetsToTxn",
            Request::EndTxn { .. } => "EndTxn",
            Request::TxnOffsetCommit { .. } => "TxnOffsetCommit",
            Request::WriteTxnMarkers { .. } => "WriteTxnMarkers",
            Request::DescribeUserScramCredentials { .. } => "DescribeUserScramCredentials",
        }
    }
}

impl ControllerRequest {
    pub(crate) fn label(&self) -> &'static str {
        match self {
            ControllerRequest::CreateTopics { .. } => "CreateTopics",
            ControllerRequest::DeleteTopics { .. } => "DeleteTopics",
            ControllerRequest::CreatePartitions { .. } => "CreatePartitions",
            ControllerRequest::AlterConfigs { .. } => "IncrementalAlterConfigs",
            ControllerRequest::ElectLeaders { .. } => "ElectLeaders",
            ControllerRequest::AlterReassignments { .. } => "AlterPartitionReassignments",
            ControllerRequest::ListReassignments => "ListPartitionReassignments",
            ControllerRequest::DescribeQuorum => "DescribeQuorum",
            ControllerRequest::AlterClientQuotas { .. } => "AlterClientQuotas",
            ControllerRequest::CreateAcls { .. } => "CreateAcls",
            ControllerRequest::DeleteAcls { .. } => "DeleteAcls",
        }
    }
}

impl Message {
    /// The kind of traffic this message is (see [`crate::sim::trace::Traffic`]).
    pub(crate) fn traffic(&self) -> crate::sim::trace::Traffic {
        use crate::sim::trace::Traffic;
        match &self.body {
            Body::Req(
                Request::BrokerHeartbeat { .. }
                | Request::Heartbeat { .. }
                | Request::ConsumerGroupHeartbeat { .. }
                | Request::ShareGroupHeartbeat { .. },
            ) => Traffic::Heartbeat,
            Body::Req(Request::MetadataFetch { .. } | Request::Vote { .. } | Request::BeginQuorumEpoch { .. }) => {
                Traffic::MetadataLog
            }
            _ => Traffic::Request,
        }
    }

    pub(crate) fn label(&self) -> &'static str {
        match &self.body {
            Body::Req(r) => r.label(),
            Body::Resp(_) => "response",
        }
    }
    pub(crate) fn is_response(&self) -> bool {
        matches!(self.body, Body::Resp(_))
    }
    /// An approximate size on the wire, for the bandwidth model.
    pub(crate) fn size_bytes(&self) -> u32 {
        const HEADER: u32 = 40;
        match &self.body {
            Body::Req(Request::Produce { batches, .. }) => {
                HEADER + batches.iter().map(|b| b.size_bytes + 16).sum::<u32>()
            }
            Body::Resp(Response::Fetch { partitions, .. }) => {
                HEADER
                    + partitions.iter().map(|p| 40 + p.batches.iter().map(|b| b.size_bytes).sum::<u32>()).sum::<u32>()
            }
            Body::Req(Request::Fetch { partitions, .. }) => HEADER + 30 * partitions.len() as u32,
            Body::Resp(Response::ShareFetch { partitions, .. }) => {
                HEADER
                    + partitions.iter().map(|p| 40 + p.batches.iter().map(|b| b.size_bytes).sum::<u32>()).sum::<u32>()
            }
            _ => HEADER + 60,
        }
    }
}

fn no_previous_broker_epoch() -> i64 {
    -1
}

/// A share-partition's state summary: (start offset, leader epoch, records finished past it).
pub type ShareStateSummary = (Offset, Epoch, i64);
