//! `kafka-broker-api-versions` output (`BrokerApiVersionsCommand`).
//!
//! The block layout (first line, one TAB-indented line per API in key order, `,` after every
//! line but the last, closing `)`) is `NodeApiVersions.toString(true)`, which
//! `BrokerApiVersionsCommand` prints after `<node> -> `. The versions come from the broker's
//! ApiVersions response (`sim::broker::requests::BROKER_API_VERSIONS`).

use crate::sim::codec::Codec;
use serde::{Deserialize, Serialize};

use super::Output;
use crate::sim::sort::CompactSort;

/// An API key as a broker advertises it; `versions: None` prints `UNSUPPORTED` (a client API
/// the broker does not advertise).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct ApiKeyInfo {
    pub key: i16,
    pub name: String,
    /// `(min, max)` advertised by the broker.
    pub versions: Option<(i16, i16)>,
}

impl ApiKeyInfo {
    pub(crate) fn new(key: i16, name: &str, versions: Option<(i16, i16)>) -> ApiKeyInfo {
        ApiKeyInfo { key, name: name.to_string(), versions }
    }
}

/// A broker node (`Node.toString()`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct BrokerNode {
    pub host: String,
    pub(crate) port: i32,
    pub id: i32,
    pub rack: Option<String>,
    /// `Some` adds ` isFenced: <b>`, as Kafka 4.4's `Node.toString()` always does (KIP-1073);
    /// `None` gives the older form of `BrokerApiVersionsCommand`.
    pub(crate) is_fenced: Option<bool>,
}

/// `host:port (id: N rack: null)` (`BrokerApiVersionsCommand`).
pub(crate) fn node_string(n: &BrokerNode) -> String {
    let rack = n.rack.clone().unwrap_or_else(|| "null".to_string());
    match n.is_fenced {
        Some(f) => format!("{}:{} (id: {} rack: {rack} isFenced: {f})", n.host, n.port, n.id),
        None => format!("{}:{} (id: {} rack: {rack})", n.host, n.port, n.id),
    }
}

/// One API line without the TAB and the `,` (`BrokerApiVersionsCommand`).
pub fn api_line(a: &ApiKeyInfo) -> String {
    match a.versions {
        None => format!("{}({}): UNSUPPORTED", a.name, a.key),
        Some((min, max)) if min == max => format!("{}({}): {min} [usable: {max}]", a.name, a.key),
        Some((min, max)) => format!("{}({}): {min} to {max} [usable: {max}]", a.name, a.key),
    }
}

/// One broker's block (`BrokerApiVersionsCommand`), with final newline.
pub(crate) fn broker_block(n: &BrokerNode, apis: &[ApiKeyInfo]) -> String {
    let mut sorted: Vec<&ApiKeyInfo> = apis.iter().collect();
    sorted.compact_sort_by_key(|a| a.key);
    let lines: Vec<String> = sorted.iter().map(|a| api_line(a)).collect();
    format!("{} -> (\n\t{}\n)\n", node_string(n), lines.join(",\n\t"))
}

/// A broker whose call failed: `<node> -> ERROR: <message>` (`BrokerApiVersionsCommand`).
pub(crate) fn broker_error(n: &BrokerNode, message: &str) -> String {
    format!("{} -> ERROR: {message}\n", node_string(n))
}

/// The whole output, one block per broker in the order given (sort by id).
pub(crate) fn api_versions(brokers: &[(BrokerNode, Result<Vec<ApiKeyInfo>, String>)]) -> Output {
    let mut o = Output::new();
    for (n, r) in brokers {
        match r {
            Ok(apis) => o.out(&broker_block(n, apis)),
            Err(m) => o.out(&broker_error(n, m)),
        }
    }
    o
}
