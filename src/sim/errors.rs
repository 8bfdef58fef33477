//! Kafka protocol error codes, with the names, exception classes and default messages of
//! `org.apache.kafka.common.protocol.Errors`.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! kafka_errors {
    ($( $variant:ident = $code:expr, $exception:expr, $retriable:expr, $message:expr; )*) => {
        /// A Kafka error code (`Errors.java`).
        #[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[allow(non_camel_case_types)]
        pub enum KafkaError { $( $variant, )* }

        impl KafkaError {
            /// The numeric code on the wire.
            pub fn code(self) -> i16 { match self { $( KafkaError::$variant => $code, )* } }
            /// The constant's name, e.g. `NOT_ENOUGH_REPLICAS`.
            pub fn name(self) -> &'static str { match self { $( KafkaError::$variant => stringify!($variant), )* } }
            /// The simple name of the Java exception class, e.g. `NotEnoughReplicasException`.
            pub fn exception(self) -> &'static str { match self { $( KafkaError::$variant => $exception, )* } }
            /// Whether the Java client treats it as retriable (`RetriableException`).
            pub fn is_retriable(self) -> bool { match self { $( KafkaError::$variant => $retriable, )* } }
            /// The default message (`Errors.message()`), used when the server sends none.
            pub fn message(self) -> &'static str { match self { $( KafkaError::$variant => $message, )* } }
            /// Every error, in code order.
            pub const ALL: &'static [KafkaError] = &[ $( KafkaError::$variant, )* ];
        }
    };
}

kafka_errors! {
    OFFSET_OUT_OF_RANGE = 1, "OffsetOutOfRangeException", false, "The requested offset is not within the range of offsets maintained by the server.";
    CORRUPT_MESSAGE = 2, "CorruptRecordException", true, "This message has failed its CRC checksum, exceeds the valid size, has a null key for a compacted topic, or is otherwise corrupt.";
    UNKNOWN_TOPIC_OR_PARTITION = 3, "UnknownTopicOrPartitionException", true, "This server does not host this topic-partition.";
    LEADER_NOT_AVAILABLE = 5, "LeaderNotAvailableException", true, "There is no leader for this topic-partition as we are in the middle of a leadership election.";
    NOT_LEADER_OR_FOLLOWER = 6, "NotLeaderOrFollowerException", true, "For requests intended only for the leader, this error indicates that the broker is not the current leader. For requests intended for any replica, this error indicates that the broker is not a replica of the topic partition.";
    REQUEST_TIMED_OUT = 7, "TimeoutException", true, "The request timed out.";
    BROKER_NOT_AVAILABLE = 8, "BrokerNotAvailableException", false, "The broker is not available.";
    MESSAGE_TOO_LARGE = 10, "RecordTooLargeException", false, "The request included a message larger than the max message size the server will accept.";
    NETWORK_EXCEPTION = 13, "NetworkException", true, "The server disconnected before a response was received.";
    COORDINATOR_LOAD_IN_PROGRESS = 14, "CoordinatorLoadInProgressException", true, "The coordinator is loading and hence can't process requests.";
    COORDINATOR_NOT_AVAILABLE = 15, "CoordinatorNotAvailableException", true, "The coordinator is not available.";
    NOT_COORDINATOR = 16, "NotCoordinatorException", true, "This is not the correct coordinator.";
    INVALID_TOPIC_EXCEPTION = 17, "InvalidTopicException", false, "The request attempted to perform an operation on an invalid topic.";
    NOT_ENOUGH_REPLICAS = 19, "NotEnoughReplicasException", true, "Messages are rejected since there are fewer in-sync replicas than required.";
    NOT_ENOUGH_REPLICAS_AFTER_APPEND = 20, "NotEnoughReplicasAfterAppendException", true, "Messages are written to the log, but to fewer in-sync replicas than required.";
    INVALID_REQUIRED_ACKS = 21, "InvalidRequiredAcksException", false, "Produce request specified an invalid value for required acks.";
    ILLEGAL_GENERATION = 22, "IllegalGenerationException", false, "Specified group generation id is not valid.";
    INCONSISTENT_GROUP_PROTOCOL = 23, "InconsistentGroupProtocolException", false, "The group member's supported protocols are incompatible with those of existing members or first group member tried to join with empty protocol type or empty protocol list.";
    INVALID_GROUP_ID = 24, "InvalidGroupIdException", false, "The configured groupId is invalid.";
    UNKNOWN_MEMBER_ID = 25, "UnknownMemberIdException", false, "The coordinator is not aware of this member.";
    INVALID_SESSION_TIMEOUT = 26, "InvalidSessionTimeoutException", false, "The session timeout is not within the range allowed by the broker (as configured by group.min.session.timeout.ms and group.max.session.timeout.ms).";
    REBALANCE_IN_PROGRESS = 27, "RebalanceInProgressException", false, "The group is rebalancing, so a rejoin is needed.";
    TOPIC_ALREADY_EXISTS = 36, "TopicExistsException", false, "Topic with this name already exists.";
    INVALID_PARTITIONS = 37, "InvalidPartitionsException", false, "Number of partitions is below 1.";
    INVALID_REPLICATION_FACTOR = 38, "InvalidReplicationFactorException", false, "Replication factor is below 1 or larger than the number of available brokers.";
    INVALID_REPLICA_ASSIGNMENT = 39, "InvalidReplicaAssignmentException", false, "Replica assignment is invalid.";
    INVALID_CONFIG = 40, "InvalidConfigurationException", false, "Configuration is invalid.";
    NOT_CONTROLLER = 41, "NotControllerException", true, "This is not the correct controller for this cluster.";
    INVALID_REQUEST = 42, "InvalidRequestException", false, "This most likely occurs because of a request being malformed by the client library or the message was sent to an incompatible broker. See the broker logs for more details.";
    POLICY_VIOLATION = 44, "PolicyViolationException", false, "Request parameters do not satisfy the configured policy.";
    OUT_OF_ORDER_SEQUENCE_NUMBER = 45, "OutOfOrderSequenceException", false, "The broker received an out of order sequence number.";
    DUPLICATE_SEQUENCE_NUMBER = 46, "DuplicateSequenceException", false, "The broker received a duplicate sequence number.";
    INVALID_PRODUCER_EPOCH = 47, "InvalidProducerEpochException", false, "Producer attempted to produce with an old epoch.";
    INVALID_TXN_STATE = 48, "InvalidTxnStateException", false, "The producer attempted a transactional operation in an invalid state.";
    INVALID_PRODUCER_ID_MAPPING = 49, "InvalidPidMappingException", false, "The producer attempted to use a producer id which is not currently assigned to its transactional id.";
    INVALID_TRANSACTION_TIMEOUT = 50, "InvalidTxnTimeoutException", false, "The transaction timeout is larger than the maximum value allowed by the broker (as configured by transaction.max.timeout.ms).";
    CONCURRENT_TRANSACTIONS = 51, "ConcurrentTransactionsException", true, "The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing.";
    NON_EMPTY_GROUP = 68, "GroupNotEmptyException", false, "The group is not empty.";
    GROUP_ID_NOT_FOUND = 69, "GroupIdNotFoundException", false, "The group id does not exist.";
    FENCED_LEADER_EPOCH = 74, "FencedLeaderEpochException", true, "The leader epoch in the request is older than the epoch on the broker.";
    UNKNOWN_LEADER_EPOCH = 75, "UnknownLeaderEpochException", true, "The leader epoch in the request is newer than the epoch on the broker.";
    STALE_BROKER_EPOCH = 77, "StaleBrokerEpochException", false, "Broker epoch has changed.";
    MEMBER_ID_REQUIRED = 79, "MemberIdRequiredException", false, "The group member needs to have a valid member id before actually entering a consumer group.";
    PREFERRED_LEADER_NOT_AVAILABLE = 80, "PreferredLeaderNotAvailableException", true, "The preferred leader was not available.";
    FENCED_INSTANCE_ID = 82, "FencedInstanceIdException", false, "The broker rejected this static consumer since another consumer with the same group.instance.id has registered with a different member.id.";
    ELIGIBLE_LEADERS_NOT_AVAILABLE = 83, "EligibleLeadersNotAvailableException", true, "Eligible topic partition leaders are not available.";
    ELECTION_NOT_NEEDED = 84, "ElectionNotNeededException", true, "Leader election not needed for topic partition.";
    NO_REASSIGNMENT_IN_PROGRESS = 85, "NoReassignmentInProgressException", false, "No partition reassignment is in progress.";
    GROUP_SUBSCRIBED_TO_TOPIC = 86, "GroupSubscribedToTopicException", false, "Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it.";
    INVALID_RECORD = 87, "InvalidRecordException", false, "This record has failed the validation on broker and hence will be rejected.";
    UNSTABLE_OFFSET_COMMIT = 88, "UnstableOffsetCommitException", true, "There are unstable offsets that need to be cleared.";
    PRODUCER_FENCED = 90, "ProducerFencedException", false, "There is a newer producer with the same transactionalId which fences the current one.";
    INVALID_UPDATE_VERSION = 95, "InvalidUpdateVersionException", false, "The given update version was invalid.";
    UNKNOWN_TOPIC_ID = 100, "UnknownTopicIdException", true, "This server does not host this topic ID.";
    INELIGIBLE_REPLICA = 107, "IneligibleReplicaException", false, "The new ISR contains at least one ineligible replica.";
}

impl fmt::Display for KafkaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl KafkaError {
    /// `org.apache.kafka.common.errors.<Exception>: <message>` — how Java prints it.
    pub fn java_string(self, message: Option<&str>) -> String {
        let package = match self {
            KafkaError::INVALID_CONFIG => "org.apache.kafka.common.errors",
            _ => "org.apache.kafka.common.errors",
        };
        format!("{package}.{}: {}", self.exception(), message.unwrap_or(self.message()))
    }
}

/// An error with an optional server-provided message, as carried in responses.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ApiError {
    pub error: KafkaError,
    pub message: Option<String>,
}

impl ApiError {
    pub fn new(error: KafkaError) -> ApiError {
        ApiError { error, message: None }
    }
    pub fn with(error: KafkaError, message: impl Into<String>) -> ApiError {
        ApiError { error, message: Some(message.into()) }
    }
    pub fn text(&self) -> &str {
        self.message.as_deref().unwrap_or(self.error.message())
    }
    /// `org.apache.kafka.common.errors.TopicExistsException: Topic 'orders' already exists.`
    pub fn java_string(&self) -> String {
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
        // kafka-semantics.md §4.4: NOT_ENOUGH_REPLICAS = 19, NOT_ENOUGH_REPLICAS_AFTER_APPEND = 20,
        // REQUEST_TIMED_OUT = 7; §5.2: OFFSET_OUT_OF_RANGE = 1; §6.2: 45, 47.
        assert_eq!(KafkaError::NOT_ENOUGH_REPLICAS.code(), 19);
        assert_eq!(KafkaError::NOT_ENOUGH_REPLICAS_AFTER_APPEND.code(), 20);
        assert_eq!(KafkaError::REQUEST_TIMED_OUT.code(), 7);
        assert_eq!(KafkaError::OFFSET_OUT_OF_RANGE.code(), 1);
        assert_eq!(KafkaError::OUT_OF_ORDER_SEQUENCE_NUMBER.code(), 45);
        assert_eq!(KafkaError::INVALID_PRODUCER_EPOCH.code(), 47);
        // kafka-cli.md §12 default messages.
        assert_eq!(KafkaError::UNKNOWN_TOPIC_OR_PARTITION.message(), "This server does not host this topic-partition.");
        assert_eq!(KafkaError::GROUP_ID_NOT_FOUND.message(), "The group id does not exist.");
        let mut codes: Vec<i16> = KafkaError::ALL.iter().map(|e| e.code()).collect();
        let n = codes.len();
        codes.dedup();
        assert_eq!(codes.len(), n, "codes are unique and in order");
    }
}
