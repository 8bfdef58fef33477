//! `kafka-broker-api-versions` output (`kafka-cli.md` §11).
//!
//! The block layout (first line, one TAB-indented line per client API in
//! key order, `,` after every line but the last, closing `)`) is the one
//! asserted by `BrokerApiVersionsCommandTest`. The version table of a 4.0
//! broker is **assumed** (see [`KAFKA_4_0_BROKER_APIS`]).

use serde::{Deserialize, Serialize};

use super::Output;

/// An API key as a broker advertises it; `versions: None` prints
/// `UNSUPPORTED` (a client API the broker does not advertise).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyInfo {
    pub key: i16,
    pub name: &'static str,
    /// `(min, max)` advertised by the broker.
    pub versions: Option<(i16, i16)>,
}

const fn api(key: i16, name: &'static str, min: i16, max: i16) -> ApiKeyInfo {
    ApiKeyInfo { key, name, versions: Some((min, max)) }
}

const fn unsupported(key: i16, name: &'static str) -> ApiKeyInfo {
    ApiKeyInfo { key, name, versions: None }
}

/// The client APIs (`ApiKeys.clientApis()` = the broker listener's APIs) of
/// a Kafka 4.0 broker with default settings, in key order.
///
/// Verified from `apache/kafka` source: the names and keys of `ApiKeys`,
/// that `clientApis()` is the broker-listener set, that Produce advertises
/// min version 0 (KAFKA-18659), that the telemetry APIs print `UNSUPPORTED`
/// without a metrics reporter. **Assumed** (from memory of KIP-896 and the
/// 4.0 release): the min/max numbers, and which early-access share-group
/// APIs are advertised (none, as their versions are unstable in 4.0).
pub const KAFKA_4_0_BROKER_APIS: &[ApiKeyInfo] = &[
    api(0, "Produce", 0, 12),
    api(1, "Fetch", 4, 17),
    api(2, "ListOffsets", 1, 10),
    api(3, "Metadata", 0, 13),
    api(8, "OffsetCommit", 2, 9),
    api(9, "OffsetFetch", 1, 9),
    api(10, "FindCoordinator", 0, 6),
    api(11, "JoinGroup", 2, 9),
    api(12, "Heartbeat", 0, 4),
    api(13, "LeaveGroup", 0, 5),
    api(14, "SyncGroup", 0, 5),
    api(15, "DescribeGroups", 0, 6),
    api(16, "ListGroups", 0, 5),
    api(17, "SaslHandshake", 0, 1),
    api(18, "ApiVersions", 0, 4),
    api(19, "CreateTopics", 2, 7),
    api(20, "DeleteTopics", 1, 6),
    api(21, "DeleteRecords", 0, 2),
    api(22, "InitProducerId", 0, 5),
    api(23, "OffsetForLeaderEpoch", 2, 4),
    api(24, "AddPartitionsToTxn", 0, 5),
    api(25, "AddOffsetsToTxn", 0, 4),
    api(26, "EndTxn", 0, 5),
    api(27, "WriteTxnMarkers", 1, 1),
    api(28, "TxnOffsetCommit", 0, 5),
    api(29, "DescribeAcls", 1, 3),
    api(30, "CreateAcls", 1, 3),
    api(31, "DeleteAcls", 1, 3),
    api(32, "DescribeConfigs", 1, 4),
    api(33, "AlterConfigs", 0, 2),
    api(34, "AlterReplicaLogDirs", 1, 2),
    api(35, "DescribeLogDirs", 1, 4),
    api(36, "SaslAuthenticate", 0, 2),
    api(37, "CreatePartitions", 0, 3),
    api(38, "CreateDelegationToken", 1, 3),
    api(39, "RenewDelegationToken", 1, 2),
    api(40, "ExpireDelegationToken", 1, 2),
    api(41, "DescribeDelegationToken", 1, 3),
    api(42, "DeleteGroups", 0, 2),
    api(43, "ElectLeaders", 0, 2),
    api(44, "IncrementalAlterConfigs", 0, 1),
    api(45, "AlterPartitionReassignments", 0, 0),
    api(46, "ListPartitionReassignments", 0, 0),
    api(47, "OffsetDelete", 0, 0),
    api(48, "DescribeClientQuotas", 0, 1),
    api(49, "AlterClientQuotas", 0, 1),
    api(50, "DescribeUserScramCredentials", 0, 0),
    api(51, "AlterUserScramCredentials", 0, 0),
    api(55, "DescribeQuorum", 0, 2),
    api(57, "UpdateFeatures", 0, 1),
    api(60, "DescribeCluster", 0, 2),
    api(61, "DescribeProducers", 0, 0),
    api(64, "UnregisterBroker", 0, 0),
    api(65, "DescribeTransactions", 0, 0),
    api(66, "ListTransactions", 0, 1),
    api(68, "ConsumerGroupHeartbeat", 0, 1),
    api(69, "ConsumerGroupDescribe", 0, 1),
    unsupported(71, "GetTelemetrySubscriptions"),
    unsupported(72, "PushTelemetry"),
    api(74, "ListClientMetricsResources", 0, 0),
    api(75, "DescribeTopicPartitions", 0, 0),
    unsupported(76, "ShareGroupHeartbeat"),
    unsupported(77, "ShareGroupDescribe"),
    unsupported(78, "ShareFetch"),
    unsupported(79, "ShareAcknowledge"),
    api(80, "AddRaftVoter", 0, 0),
    api(81, "RemoveRaftVoter", 0, 0),
    unsupported(83, "InitializeShareGroupState"),
    unsupported(84, "ReadShareGroupState"),
    unsupported(85, "WriteShareGroupState"),
    unsupported(86, "DeleteShareGroupState"),
    unsupported(87, "ReadShareGroupStateSummary"),
];

/// A broker node (`Node.toString()`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokerNode {
    pub host: String,
    pub port: i32,
    pub id: i32,
    pub rack: Option<String>,
    /// `Some` adds ` isFenced: <b>` (KIP-1073, merged Nov 2024 for 4.0,
    /// after the reference snapshot); `None` gives the §11 form.
    pub is_fenced: Option<bool>,
}

/// `host:port (id: N rack: null)` (§11).
pub fn node_string(n: &BrokerNode) -> String {
    let rack = n.rack.clone().unwrap_or_else(|| "null".to_string());
    match n.is_fenced {
        Some(f) => format!("{}:{} (id: {} rack: {rack} isFenced: {f})", n.host, n.port, n.id),
        None => format!("{}:{} (id: {} rack: {rack})", n.host, n.port, n.id),
    }
}

/// One API line without the TAB and the `,` (§11).
pub fn api_line(a: &ApiKeyInfo) -> String {
    match a.versions {
        None => format!("{}({}): UNSUPPORTED", a.name, a.key),
        Some((min, max)) if min == max => format!("{}({}): {min} [usable: {max}]", a.name, a.key),
        Some((min, max)) => format!("{}({}): {min} to {max} [usable: {max}]", a.name, a.key),
    }
}

/// One broker's block (§11), with final newline.
pub fn broker_block(n: &BrokerNode, apis: &[ApiKeyInfo]) -> String {
    let mut sorted: Vec<&ApiKeyInfo> = apis.iter().collect();
    sorted.sort_by_key(|a| a.key);
    let lines: Vec<String> = sorted.iter().map(|a| api_line(a)).collect();
    format!("{} -> (\n\t{}\n)\n", node_string(n), lines.join(",\n\t"))
}

/// A broker whose call failed: `<node> -> ERROR: <message>` (§11).
pub fn broker_error(n: &BrokerNode, message: &str) -> String {
    format!("{} -> ERROR: {message}\n", node_string(n))
}

/// The whole output, one block per broker in the order given (sort by id).
pub fn api_versions(brokers: &[(BrokerNode, Result<Vec<ApiKeyInfo>, String>)]) -> Output {
    let mut o = Output::new();
    for (n, r) in brokers {
        match r {
            Ok(apis) => o.out(&broker_block(n, apis)),
            Err(m) => o.out(&broker_error(n, m)),
        }
    }
    o
}
