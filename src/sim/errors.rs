//! Kafka protocol error codes: every constant of Kafka 4.4's
//! `org.apache.kafka.common.protocol.Errors` but `NONE` (no error is `None` here), with its code,
//! the exception class a Java client throws for it, whether that class is a
//! `RetriableException`, and its default message (`Errors.message()`). The table is checked
//! against Kafka itself by `tests/conformance_vectors.rs` (`errors` vectors).

use crate::sim::codec::Codec;
use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! kafka_errors {
    ($( $variant:ident = $code:expr, $exception:expr, $retriable:expr, $message:expr; )*) => {
        /// A Kafka error code (`Errors.java`).
        #[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Codec)]
        #[allow(non_camel_case_types)]
        pub enum KafkaError { $( $variant, )* }

        impl KafkaError {
            /// The numeric code on the wire.
            pub fn code(self) -> i16 { match self { $( KafkaError::$variant => $code, )* } }
            /// The constant's name, e.g. `NOT_ENOUGH_REPLICAS`.
            pub fn name(self) -> &'static str { match self { $( KafkaError::$variant => stringify!($variant), )* } }
            /// The Java exception class, e.g.
            /// `org.apache.kafka.common.errors.NotEnoughReplicasException`.
            pub fn exception_class(self) -> &'static str { match self { $( KafkaError::$variant => $exception, )* } }
            /// Whether the Java client treats it as retriable (`RetriableException`).
            pub fn is_retriable(self) -> bool { match self { $( KafkaError::$variant => $retriable, )* } }
            /// The default message (`Errors.message()`), used when the server sends none.
            pub fn message(self) -> &'static str { match self { $( KafkaError::$variant => $message, )* } }
            /// Every error, in declaration order (see the note in the table).
            pub const ALL: &'static [KafkaError] = &[ $( KafkaError::$variant, )* ];
        }
    };
}

kafka_errors! {
    OFFSET_OUT_OF_RANGE = 1, "org.apache.kafka.common.errors.OffsetOutOfRangeException", false, "The requested offset is not within the range of offsets maintained by the server.";
    CORRUPT_MESSAGE = 2, "org.apache.kafka.common.errors.CorruptRecordException", true, "This message has failed its CRC checksum, exceeds the valid size, has a null key for a compacted topic, or is otherwise corrupt.";
    UNKNOWN_TOPIC_OR_PARTITION = 3, "org.apache.kafka.common.errors.UnknownTopicOrPartitionException", true, "This server does not host this topic-partition.";
    LEADER_NOT_AVAILABLE = 5, "org.apache.kafka.common.errors.LeaderNotAvailableException", true, "There is no leader for this topic-partition as we are in the middle of a leadership election.";
    NOT_LEADER_OR_FOLLOWER = 6, "org.apache.kafka.common.errors.NotLeaderOrFollowerException", true, "For requests intended only for the leader, this error indicates that the broker is not the current leader. For requests intended for any replica, this error indicates that the broker is not a replica of the topic partition.";
    REQUEST_TIMED_OUT = 7, "org.apache.kafka.common.errors.TimeoutException", true, "The request timed out.";
    BROKER_NOT_AVAILABLE = 8, "org.apache.kafka.common.errors.BrokerNotAvailableException", false, "The broker is not available.";
    MESSAGE_TOO_LARGE = 10, "org.apache.kafka.common.errors.RecordTooLargeException", false, "The request included a message larger than the max message size the server will accept.";
    NETWORK_EXCEPTION = 13, "org.apache.kafka.common.errors.NetworkException", true, "The server disconnected before a response was received.";
    COORDINATOR_LOAD_IN_PROGRESS = 14, "org.apache.kafka.common.errors.CoordinatorLoadInProgressException", true, "The coordinator is loading and hence can't process requests.";
    COORDINATOR_NOT_AVAILABLE = 15, "org.apache.kafka.common.errors.CoordinatorNotAvailableException", true, "The coordinator is not available.";
    NOT_COORDINATOR = 16, "org.apache.kafka.common.errors.NotCoordinatorException", true, "This is not the correct coordinator.";
    INVALID_TOPIC_EXCEPTION = 17, "org.apache.kafka.common.errors.InvalidTopicException", false, "The request attempted to perform an operation on an invalid topic.";
    NOT_ENOUGH_REPLICAS = 19, "org.apache.kafka.common.errors.NotEnoughReplicasException", true, "Messages are rejected since there are fewer in-sync replicas than required.";
    NOT_ENOUGH_REPLICAS_AFTER_APPEND = 20, "org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException", true, "Messages are written to the log, but to fewer in-sync replicas than required.";
    INVALID_REQUIRED_ACKS = 21, "org.apache.kafka.common.errors.InvalidRequiredAcksException", false, "Produce request specified an invalid value for required acks.";
    ILLEGAL_GENERATION = 22, "org.apache.kafka.common.errors.IllegalGenerationException", false, "Specified group generation id is not valid.";
    INCONSISTENT_GROUP_PROTOCOL = 23, "org.apache.kafka.common.errors.InconsistentGroupProtocolException", false, "The group member's supported protocols are incompatible with those of existing members or first group member tried to join with empty protocol type or empty protocol list.";
    INVALID_GROUP_ID = 24, "org.apache.kafka.common.errors.InvalidGroupIdException", false, "The group id is invalid.";
    UNKNOWN_MEMBER_ID = 25, "org.apache.kafka.common.errors.UnknownMemberIdException", false, "The coordinator is not aware of this member.";
    INVALID_SESSION_TIMEOUT = 26, "org.apache.kafka.common.errors.InvalidSessionTimeoutException", false, "The session timeout is not within the range allowed by the broker (as configured by group.min.session.timeout.ms and group.max.session.timeout.ms).";
    REBALANCE_IN_PROGRESS = 27, "org.apache.kafka.common.errors.RebalanceInProgressException", false, "The group is rebalancing, so a rejoin is needed.";
    TOPIC_ALREADY_EXISTS = 36, "org.apache.kafka.common.errors.TopicExistsException", false, "Topic with this name already exists.";
    INVALID_PARTITIONS = 37, "org.apache.kafka.common.errors.InvalidPartitionsException", false, "Number of partitions is below 1.";
    INVALID_REPLICATION_FACTOR = 38, "org.apache.kafka.common.errors.InvalidReplicationFactorException", false, "Replication factor is below 1 or larger than the number of available brokers.";
    INVALID_REPLICA_ASSIGNMENT = 39, "org.apache.kafka.common.errors.InvalidReplicaAssignmentException", false, "Replica assignment is invalid.";
    INVALID_CONFIG = 40, "org.apache.kafka.common.errors.InvalidConfigurationException", false, "Configuration is invalid.";
    NOT_CONTROLLER = 41, "org.apache.kafka.common.errors.NotControllerException", true, "This is not the correct controller for this cluster.";
    INVALID_REQUEST = 42, "org.apache.kafka.common.errors.InvalidRequestException", false, "This most likely occurs because of a request being malformed by the client library or the message was sent to an incompatible broker. See the broker logs for more details.";
    OUT_OF_ORDER_SEQUENCE_NUMBER = 45, "org.apache.kafka.common.errors.OutOfOrderSequenceException", false, "The broker received an out of order sequence number.";
    DUPLICATE_SEQUENCE_NUMBER = 46, "org.apache.kafka.common.errors.DuplicateSequenceException", false, "The broker received a duplicate sequence number.";
    INVALID_PRODUCER_EPOCH = 47, "org.apache.kafka.common.errors.InvalidProducerEpochException", false, "Producer attempted to produce with an old epoch.";
    INVALID_TXN_STATE = 48, "org.apache.kafka.common.errors.InvalidTxnStateException", false, "The producer attempted a transactional operation in an invalid state.";
    INVALID_PRODUCER_ID_MAPPING = 49, "org.apache.kafka.common.errors.InvalidPidMappingException", false, "The producer attempted to use a producer id which is not currently assigned to its transactional id.";
    INVALID_TRANSACTION_TIMEOUT = 50, "org.apache.kafka.common.errors.InvalidTxnTimeoutException", false, "The transaction timeout is larger than the maximum value allowed by the broker (as configured by transaction.max.timeout.ms).";
    CONCURRENT_TRANSACTIONS = 51, "org.apache.kafka.common.errors.ConcurrentTransactionsException", true, "The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing.";
    NON_EMPTY_GROUP = 68, "org.apache.kafka.common.errors.GroupNotEmptyException", false, "The group is not empty.";
    GROUP_ID_NOT_FOUND = 69, "org.apache.kafka.common.errors.GroupIdNotFoundException", false, "The group id does not exist.";
    FENCED_LEADER_EPOCH = 74, "org.apache.kafka.common.errors.FencedLeaderEpochException", true, "The leader epoch in the request is older than the epoch on the broker.";
    UNKNOWN_LEADER_EPOCH = 75, "org.apache.kafka.common.errors.UnknownLeaderEpochException", true, "The leader epoch in the request is newer than the epoch on the broker.";
    MEMBER_ID_REQUIRED = 79, "org.apache.kafka.common.errors.MemberIdRequiredException", false, "The group member needs to have a valid member id before actually entering a consumer group.";
    PREFERRED_LEADER_NOT_AVAILABLE = 80, "org.apache.kafka.common.errors.PreferredLeaderNotAvailableException", true, "The preferred leader was not available.";
    FENCED_INSTANCE_ID = 82, "org.apache.kafka.common.errors.FencedInstanceIdException", false, "The broker rejected this static consumer since another consumer with the same group.instance.id has registered with a different member.id.";
    ELIGIBLE_LEADERS_NOT_AVAILABLE = 83, "org.apache.kafka.common.errors.EligibleLeadersNotAvailableException", true, "Eligible topic partition leaders are not available.";
    ELECTION_NOT_NEEDED = 84, "org.apache.kafka.common.errors.ElectionNotNeededException", true, "Leader election not needed for topic partition.";
    NO_REASSIGNMENT_IN_PROGRESS = 85, "org.apache.kafka.common.errors.NoReassignmentInProgressException", false, "No partition reassignment is in progress.";
    GROUP_SUBSCRIBED_TO_TOPIC = 86, "org.apache.kafka.common.errors.GroupSubscribedToTopicException", false, "Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it.";
    INVALID_RECORD = 87, "org.apache.kafka.common.InvalidRecordException", false, "This record has failed the validation on broker and hence will be rejected.";
    UNSTABLE_OFFSET_COMMIT = 88, "org.apache.kafka.common.errors.UnstableOffsetCommitException", true, "There are unstable offsets that need to be cleared.";
    PRODUCER_FENCED = 90, "org.apache.kafka.common.errors.ProducerFencedException", false, "There is a newer producer with the same transactionalId which fences the current one.";
    INVALID_UPDATE_VERSION = 95, "org.apache.kafka.common.errors.InvalidUpdateVersionException", false, "The given update version was invalid.";
    UNKNOWN_TOPIC_ID = 100, "org.apache.kafka.common.errors.UnknownTopicIdException", true, "This server does not host this topic ID.";
    INELIGIBLE_REPLICA = 107, "org.apache.kafka.common.errors.IneligibleReplicaException", false, "The new ISR contains at least one ineligible replica.";
    // Append only: the variants' order is their index in saved sessions (src/sim/codec.rs) and their
    // `Hash` in the trace hash. The errors above were Brokerlab's first; below, the rest of
    // Kafka 4.4's, in code order.
    UNKNOWN_SERVER_ERROR = -1, "org.apache.kafka.common.errors.UnknownServerException", false, "The server experienced an unexpected error when processing the request.";
    INVALID_FETCH_SIZE = 4, "org.apache.kafka.common.errors.InvalidFetchSizeException", false, "The requested fetch size is invalid.";
    REPLICA_NOT_AVAILABLE = 9, "org.apache.kafka.common.errors.ReplicaNotAvailableException", true, "The replica is not available for the requested topic-partition. Produce/Fetch requests and other requests intended only for the leader or follower return NOT_LEADER_OR_FOLLOWER if the broker is not a replica of the topic-partition.";
    STALE_CONTROLLER_EPOCH = 11, "org.apache.kafka.common.errors.ControllerMovedException", false, "The controller moved to another broker.";
    OFFSET_METADATA_TOO_LARGE = 12, "org.apache.kafka.common.errors.OffsetMetadataTooLarge", false, "The metadata field of the offset request was too large.";
    RECORD_LIST_TOO_LARGE = 18, "org.apache.kafka.common.errors.RecordBatchTooLargeException", false, "The request included message batch larger than the configured segment size on the server.";
    INVALID_COMMIT_OFFSET_SIZE = 28, "org.apache.kafka.common.errors.InvalidCommitOffsetSizeException", false, "The committing offset data size is not valid.";
    TOPIC_AUTHORIZATION_FAILED = 29, "org.apache.kafka.common.errors.TopicAuthorizationException", false, "Topic authorization failed.";
    GROUP_AUTHORIZATION_FAILED = 30, "org.apache.kafka.common.errors.GroupAuthorizationException", false, "Group authorization failed.";
    CLUSTER_AUTHORIZATION_FAILED = 31, "org.apache.kafka.common.errors.ClusterAuthorizationException", false, "Cluster authorization failed.";
    INVALID_TIMESTAMP = 32, "org.apache.kafka.common.errors.InvalidTimestampException", false, "The timestamp of the message is out of acceptable range.";
    UNSUPPORTED_SASL_MECHANISM = 33, "org.apache.kafka.common.errors.UnsupportedSaslMechanismException", false, "The broker does not support the requested SASL mechanism.";
    ILLEGAL_SASL_STATE = 34, "org.apache.kafka.common.errors.IllegalSaslStateException", false, "Request is not valid given the current SASL state.";
    UNSUPPORTED_VERSION = 35, "org.apache.kafka.common.errors.UnsupportedVersionException", false, "The version of API is not supported.";
    UNSUPPORTED_FOR_MESSAGE_FORMAT = 43, "org.apache.kafka.common.errors.UnsupportedForMessageFormatException", false, "The message format version on the broker does not support the request.";
    POLICY_VIOLATION = 44, "org.apache.kafka.common.errors.PolicyViolationException", false, "Request parameters do not satisfy the configured policy.";
    TRANSACTION_COORDINATOR_FENCED = 52, "org.apache.kafka.common.errors.TransactionCoordinatorFencedException", false, "Indicates that the transaction coordinator sending a WriteTxnMarker is no longer the current coordinator for a given producer.";
    TRANSACTIONAL_ID_AUTHORIZATION_FAILED = 53, "org.apache.kafka.common.errors.TransactionalIdAuthorizationException", false, "Transactional Id authorization failed.";
    SECURITY_DISABLED = 54, "org.apache.kafka.common.errors.SecurityDisabledException", false, "Security features are disabled.";
    OPERATION_NOT_ATTEMPTED = 55, "org.apache.kafka.common.errors.OperationNotAttemptedException", false, "The broker did not attempt to execute this operation. This may happen for batched RPCs where some operations in the batch failed, causing the broker to respond without trying the rest.";
    KAFKA_STORAGE_ERROR = 56, "org.apache.kafka.common.errors.KafkaStorageException", true, "Disk error when trying to access log file on the disk.";
    LOG_DIR_NOT_FOUND = 57, "org.apache.kafka.common.errors.LogDirNotFoundException", false, "The user-specified log directory is not found in the broker config.";
    SASL_AUTHENTICATION_FAILED = 58, "org.apache.kafka.common.errors.SaslAuthenticationException", false, "SASL Authentication failed.";
    UNKNOWN_PRODUCER_ID = 59, "org.apache.kafka.common.errors.UnknownProducerIdException", false, "This exception is raised by the broker if it could not locate the producer metadata associated with the producerId in question. This could happen if, for instance, the producer's records were deleted because their retention time had elapsed. Once the last records of the producerId are removed, the producer's metadata is removed from the broker, and future appends by the producer will return this exception.";
    REASSIGNMENT_IN_PROGRESS = 60, "org.apache.kafka.common.errors.ReassignmentInProgressException", false, "A partition reassignment is in progress.";
    DELEGATION_TOKEN_AUTH_DISABLED = 61, "org.apache.kafka.common.errors.DelegationTokenDisabledException", false, "Delegation Token feature is not enabled.";
    DELEGATION_TOKEN_NOT_FOUND = 62, "org.apache.kafka.common.errors.DelegationTokenNotFoundException", false, "Delegation Token is not found on server.";
    DELEGATION_TOKEN_OWNER_MISMATCH = 63, "org.apache.kafka.common.errors.DelegationTokenOwnerMismatchException", false, "Specified Principal is not valid Owner/Renewer.";
    DELEGATION_TOKEN_REQUEST_NOT_ALLOWED = 64, "org.apache.kafka.common.errors.UnsupportedByAuthenticationException", false, "Delegation Token requests are not allowed on PLAINTEXT/1-way SSL channels and on delegation token authenticated channels.";
    DELEGATION_TOKEN_AUTHORIZATION_FAILED = 65, "org.apache.kafka.common.errors.DelegationTokenAuthorizationException", false, "Delegation Token authorization failed.";
    DELEGATION_TOKEN_EXPIRED = 66, "org.apache.kafka.common.errors.DelegationTokenExpiredException", false, "Delegation Token is expired.";
    INVALID_PRINCIPAL_TYPE = 67, "org.apache.kafka.common.errors.InvalidPrincipalTypeException", false, "Supplied principalType is not supported.";
    FETCH_SESSION_ID_NOT_FOUND = 70, "org.apache.kafka.common.errors.FetchSessionIdNotFoundException", true, "The fetch session ID was not found.";
    INVALID_FETCH_SESSION_EPOCH = 71, "org.apache.kafka.common.errors.InvalidFetchSessionEpochException", true, "The fetch session epoch is invalid.";
    LISTENER_NOT_FOUND = 72, "org.apache.kafka.common.errors.ListenerNotFoundException", true, "There is no listener on the leader broker that matches the listener on which metadata request was processed.";
    TOPIC_DELETION_DISABLED = 73, "org.apache.kafka.common.errors.TopicDeletionDisabledException", false, "Topic deletion is disabled.";
    UNSUPPORTED_COMPRESSION_TYPE = 76, "org.apache.kafka.common.errors.UnsupportedCompressionTypeException", false, "The requesting client does not support the compression type of given partition.";
    STALE_BROKER_EPOCH = 77, "org.apache.kafka.common.errors.StaleBrokerEpochException", false, "Broker epoch has changed.";
    OFFSET_NOT_AVAILABLE = 78, "org.apache.kafka.common.errors.OffsetNotAvailableException", true, "The leader high watermark has not caught up from a recent leader election so the offsets cannot be guaranteed to be monotonically increasing.";
    GROUP_MAX_SIZE_REACHED = 81, "org.apache.kafka.common.errors.GroupMaxSizeReachedException", false, "The group has reached its maximum size.";
    THROTTLING_QUOTA_EXCEEDED = 89, "org.apache.kafka.common.errors.ThrottlingQuotaExceededException", true, "The throttling quota has been exceeded.";
    RESOURCE_NOT_FOUND = 91, "org.apache.kafka.common.errors.ResourceNotFoundException", false, "A request illegally referred to a resource that does not exist.";
    DUPLICATE_RESOURCE = 92, "org.apache.kafka.common.errors.DuplicateResourceException", false, "A request illegally referred to the same resource twice.";
    UNACCEPTABLE_CREDENTIAL = 93, "org.apache.kafka.common.errors.UnacceptableCredentialException", false, "Requested credential would not meet criteria for acceptability.";
    INCONSISTENT_VOTER_SET = 94, "org.apache.kafka.common.errors.InconsistentVoterSetException", false, "Indicates that the either the sender or recipient of a voter-only request is not one of the expected voters.";
    FEATURE_UPDATE_FAILED = 96, "org.apache.kafka.common.errors.FeatureUpdateFailedException", false, "Unable to update finalized features due to an unexpected server error.";
    PRINCIPAL_DESERIALIZATION_FAILURE = 97, "org.apache.kafka.common.errors.PrincipalDeserializationException", false, "Request principal deserialization failed during forwarding. This indicates an internal error on the broker cluster security setup.";
    SNAPSHOT_NOT_FOUND = 98, "org.apache.kafka.common.errors.SnapshotNotFoundException", false, "Requested snapshot was not found.";
    POSITION_OUT_OF_RANGE = 99, "org.apache.kafka.common.errors.PositionOutOfRangeException", false, "Requested position is not greater than or equal to zero, and less than the size of the snapshot.";
    DUPLICATE_BROKER_REGISTRATION = 101, "org.apache.kafka.common.errors.DuplicateBrokerRegistrationException", false, "This broker ID is already in use.";
    BROKER_ID_NOT_REGISTERED = 102, "org.apache.kafka.common.errors.BrokerIdNotRegisteredException", false, "The given broker ID was not registered.";
    INCONSISTENT_TOPIC_ID = 103, "org.apache.kafka.common.errors.InconsistentTopicIdException", true, "The log's topic ID did not match the topic ID in the request.";
    INCONSISTENT_CLUSTER_ID = 104, "org.apache.kafka.common.errors.InconsistentClusterIdException", false, "The clusterId in the request does not match that found on the server.";
    TRANSACTIONAL_ID_NOT_FOUND = 105, "org.apache.kafka.common.errors.TransactionalIdNotFoundException", false, "The transactionalId could not be found.";
    FETCH_SESSION_TOPIC_ID_ERROR = 106, "org.apache.kafka.common.errors.FetchSessionTopicIdException", true, "The fetch session encountered inconsistent topic ID usage.";
    NEW_LEADER_ELECTED = 108, "org.apache.kafka.common.errors.NewLeaderElectedException", false, "The AlterPartition request successfully updated the partition state but the leader has changed.";
    OFFSET_MOVED_TO_TIERED_STORAGE = 109, "org.apache.kafka.common.errors.OffsetMovedToTieredStorageException", false, "The requested offset is moved to tiered storage.";
    FENCED_MEMBER_EPOCH = 110, "org.apache.kafka.common.errors.FencedMemberEpochException", false, "The member epoch is fenced by the group coordinator. The member must abandon all its partitions and rejoin.";
    UNRELEASED_INSTANCE_ID = 111, "org.apache.kafka.common.errors.UnreleasedInstanceIdException", false, "The instance ID is still used by another member in the consumer group. That member must leave first.";
    UNSUPPORTED_ASSIGNOR = 112, "org.apache.kafka.common.errors.UnsupportedAssignorException", false, "The assignor or its version range is not supported by the consumer group.";
    STALE_MEMBER_EPOCH = 113, "org.apache.kafka.common.errors.StaleMemberEpochException", false, "The member epoch is stale. The member must retry after receiving its updated member epoch via the ConsumerGroupHeartbeat API.";
    MISMATCHED_ENDPOINT_TYPE = 114, "org.apache.kafka.common.errors.MismatchedEndpointTypeException", false, "The request was sent to an endpoint of the wrong type.";
    UNSUPPORTED_ENDPOINT_TYPE = 115, "org.apache.kafka.common.errors.UnsupportedEndpointTypeException", false, "This endpoint type is not supported yet.";
    UNKNOWN_CONTROLLER_ID = 116, "org.apache.kafka.common.errors.UnknownControllerIdException", false, "This controller ID is not known.";
    UNKNOWN_SUBSCRIPTION_ID = 117, "org.apache.kafka.common.errors.UnknownSubscriptionIdException", false, "Client sent a push telemetry request with an invalid or outdated subscription ID.";
    TELEMETRY_TOO_LARGE = 118, "org.apache.kafka.common.errors.TelemetryTooLargeException", false, "Client sent a push telemetry request larger than the maximum size the broker will accept.";
    INVALID_REGISTRATION = 119, "org.apache.kafka.common.errors.InvalidRegistrationException", false, "The controller has considered the broker registration to be invalid.";
    TRANSACTION_ABORTABLE = 120, "org.apache.kafka.common.errors.TransactionAbortableException", false, "The server encountered an error with the transaction. The client can abort the transaction to continue using this transactional ID.";
    INVALID_RECORD_STATE = 121, "org.apache.kafka.common.errors.InvalidRecordStateException", false, "The record state is invalid. The acknowledgement of delivery could not be completed.";
    SHARE_SESSION_NOT_FOUND = 122, "org.apache.kafka.common.errors.ShareSessionNotFoundException", true, "The share session was not found.";
    INVALID_SHARE_SESSION_EPOCH = 123, "org.apache.kafka.common.errors.InvalidShareSessionEpochException", true, "The share session epoch is invalid.";
    FENCED_STATE_EPOCH = 124, "org.apache.kafka.common.errors.FencedStateEpochException", false, "The coordinator rejected the request because the state epoch did not match.";
    INVALID_VOTER_KEY = 125, "org.apache.kafka.common.errors.InvalidVoterKeyException", false, "The voter key doesn't match the receiving replica's key.";
    DUPLICATE_VOTER = 126, "org.apache.kafka.common.errors.DuplicateVoterException", false, "The voter is already part of the set of voters.";
    VOTER_NOT_FOUND = 127, "org.apache.kafka.common.errors.VoterNotFoundException", false, "The voter is not part of the set of voters.";
    INVALID_REGULAR_EXPRESSION = 128, "org.apache.kafka.common.errors.InvalidRegularExpression", false, "The regular expression is not valid.";
    REBOOTSTRAP_REQUIRED = 129, "org.apache.kafka.common.errors.RebootstrapRequiredException", false, "Client metadata is stale. The client should rebootstrap to obtain new metadata.";
    STREAMS_INVALID_TOPOLOGY = 130, "org.apache.kafka.common.errors.StreamsInvalidTopologyException", false, "The supplied topology is invalid.";
    STREAMS_INVALID_TOPOLOGY_EPOCH = 131, "org.apache.kafka.common.errors.StreamsInvalidTopologyEpochException", false, "The supplied topology epoch is invalid.";
    STREAMS_TOPOLOGY_FENCED = 132, "org.apache.kafka.common.errors.StreamsTopologyFencedException", false, "The supplied topology epoch is outdated.";
    SHARE_SESSION_LIMIT_REACHED = 133, "org.apache.kafka.common.errors.ShareSessionLimitReachedException", true, "The limit of share sessions has been reached.";
    GROUP_DELETION_FAILED = 134, "org.apache.kafka.common.errors.GroupDeletionFailedException", false, "DeleteGroups could not complete; see the error message on the per-group result for details.";
    STREAMS_TOPOLOGY_DESCRIPTION_UPDATE_FAILED = 135, "org.apache.kafka.common.errors.StreamsTopologyDescriptionUpdateFailedException", false, "The broker could not process the topology description update; see the error message for details.";
    CONTROLLER_ID_NOT_REGISTERED = 136, "org.apache.kafka.common.errors.ControllerIdNotRegisteredException", false, "The given controller ID was not registered.";
}

impl fmt::Display for KafkaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl KafkaError {
    /// The simple name of the Java exception class, e.g. `NotEnoughReplicasException`.
    pub(crate) fn exception(self) -> &'static str {
        let class = self.exception_class();
        class.rsplit('.').next().unwrap_or(class)
    }

    /// The error with this wire code; `None` for 0 (`Errors.NONE`) and codes Kafka does not define.
    pub fn from_code(code: i16) -> Option<KafkaError> {
        KafkaError::ALL.iter().copied().find(|e| e.code() == code)
    }

    /// `org.apache.kafka.common.errors.<Exception>: <message>` — how Java prints it.
    pub(crate) fn java_string(self, message: Option<&str>) -> String {
        format!("{}: {}", self.exception_class(), message.unwrap_or(self.message()))
    }
}

/// An error with an optional server-provided message, as carried in responses.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Codec)]
pub struct ApiError {
    pub error: KafkaError,
    pub message: Option<String>,
}

impl ApiError {
    pub(crate) fn new(error: KafkaError) -> ApiError {
        ApiError { error, message: None }
    }
    pub fn with(error: KafkaError, message: impl Into<String>) -> ApiError {
        ApiError { error, message: Some(message.into()) }
    }
    pub(crate) fn text(&self) -> &str {
        self.message.as_deref().unwrap_or(self.error.message())
    }
    /// `org.apache.kafka.common.errors.TopicExistsException: Topic 'orders' already exists.`
    pub(crate) fn java_string(&self) -> String {
        self.error.java_string(self.message.as_deref())
    }
}

impl From<KafkaError> for ApiError {
    fn from(e: KafkaError) -> ApiError {
        ApiError::new(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_errors_java() {
        // `Partition.appendRecordsToLeader`: NOT_ENOUGH_REPLICAS = 19, NOT_ENOUGH_REPLICAS_AFTER_APPEND = 20,
        // REQUEST_TIMED_OUT = 7; `SubscriptionState`: OFFSET_OUT_OF_RANGE = 1; `ProducerStateManager`: 45, 47.
        assert_eq!(KafkaError::NOT_ENOUGH_REPLICAS.code(), 19);
        assert_eq!(KafkaError::NOT_ENOUGH_REPLICAS_AFTER_APPEND.code(), 20);
        assert_eq!(KafkaError::REQUEST_TIMED_OUT.code(), 7);
        assert_eq!(KafkaError::OFFSET_OUT_OF_RANGE.code(), 1);
        assert_eq!(KafkaError::OUT_OF_ORDER_SEQUENCE_NUMBER.code(), 45);
        assert_eq!(KafkaError::INVALID_PRODUCER_EPOCH.code(), 47);
        // default messages.
        assert_eq!(KafkaError::UNKNOWN_TOPIC_OR_PARTITION.message(), "This server does not host this topic-partition.");
        assert_eq!(KafkaError::GROUP_ID_NOT_FOUND.message(), "The group id does not exist.");
        let mut codes: Vec<i16> = KafkaError::ALL.iter().map(|e| e.code()).collect();
        let n = codes.len();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), n, "codes are unique");
        assert_eq!(KafkaError::from_code(19), Some(KafkaError::NOT_ENOUGH_REPLICAS));
        assert_eq!(KafkaError::from_code(0), None);
    }
}
