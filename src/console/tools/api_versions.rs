//! `kafka-broker-api-versions` (`BrokerApiVersionsCommand`): one block per live broker.
//!
//! The first line is `Node.toString()` of Kafka 4.4, `localhost:9092 (id: 1 rack: null
//! isFenced: false) -> (` (KIP-1073; the brokers listed come from a Metadata response, which
//! holds unfenced brokers only). Each broker is asked with an ApiVersions request and its
//! answer printed as `NodeApiVersions.toString(true)` does: every API it advertises, and the
//! client APIs it does not as `UNSUPPORTED`.

use super::{AdminConn, Ctx, Started};
use crate::console::format::api_versions::{api_versions, ApiKeyInfo, BrokerNode};
use crate::console::format::{stack_trace, Output};
use crate::console::opts::{main_no_exit_output, parse_command, Tool};
use crate::sim::broker::requests::UNADVERTISED_CLIENT_APIS;
use crate::sim::client::admin::{Call, Target};
use crate::sim::protocol::{Request, Response};

pub(crate) fn run(ctx: &mut Ctx, args: &[String]) -> Started {
    let parsed = match parse_command(Tool::BrokerApiVersions, args) {
        Ok(p) => p,
        Err(o) => return Started::Done(o),
    };
    let p = &parsed.opts;
    // BrokerApiVersionsCommand.createAdminClient: Utils.loadProps first.
    if let Some(path) = p.value("command-config").filter(|f| !ctx.vfs.exists(f)) {
        return Started::Done(main_no_exit_output(path, &stack_trace(super::NO_SUCH_FILE, path)));
    }
    let servers = p.value("bootstrap-server").unwrap_or("").to_string();
    let admin = AdminConn::open(ctx.sim, &servers);
    let listed =
        admin.call(ctx, "listNodes", Target::Any, Request::Metadata { topics: None, allow_auto_create: false });
    if let Err(m) = listed {
        admin.close(ctx.sim);
        let msg = crate::sim::client::admin::call_exception(&m);
        return Started::Done(main_no_exit_output(&msg, &stack_trace("java.lang.RuntimeException", &msg)));
    }
    let brokers: Vec<(i32, String, u16, Option<String>)> = ctx
        .sim
        .admin_mut(admin.id)
        .map(|a| a.meta.brokers.values().map(|b| (b.id, b.host.clone(), b.port, b.rack.clone())).collect())
        .unwrap_or_default();
    let calls: Vec<Call> = brokers
        .iter()
        .map(|(id, ..)| {
            Call::new("apiVersions", Target::Broker(*id), Request::ApiVersions { client_id: String::new() })
        })
        .collect();
    let answers = admin.run(ctx, calls);
    admin.close(ctx.sim);
    let blocks: Vec<(BrokerNode, Result<Vec<_>, String>)> = brokers
        .into_iter()
        .zip(answers)
        .map(|((id, host, port, rack), r)| {
            let node = BrokerNode { host, port: i32::from(port), id, rack, is_fenced: Some(false) };
            let apis = r.map(|resp| match resp {
                Response::ApiVersions(list) => advertised(&list),
                _ => Vec::new(),
            });
            (node, apis)
        })
        .collect();
    let mut out = Output::new();
    out.append(&api_versions(&blocks));
    Started::Done(out)
}

/// The lines of one broker's answer: what it advertises, then the client APIs it does not.
pub fn advertised(list: &[(i16, String, i16, i16)]) -> Vec<ApiKeyInfo> {
    let mut apis: Vec<ApiKeyInfo> =
        list.iter().map(|(key, name, min, max)| ApiKeyInfo::new(*key, name, Some((*min, *max)))).collect();
    for (key, name) in UNADVERTISED_CLIENT_APIS {
        if !apis.iter().any(|a| a.key == *key) {
            apis.push(ApiKeyInfo::new(*key, name, None));
        }
    }
    apis
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::broker::requests::api_versions as broker_answer;

    // `BrokerApiVersionsCommand` (block layout) over the 4.4 broker's table; the numbers
    // themselves are checked against Kafka by tests/conformance_vectors.rs
    #[test]
    fn api_versions_4_4_table() {
        let apis = advertised(&broker_answer());
        let node = BrokerNode { host: "localhost".into(), port: 9092, id: 1, rack: None, is_fenced: Some(false) };
        let o = api_versions(&[(node, Ok(apis.clone()))]);
        let out = o.stdout();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "localhost:9092 (id: 1 rack: null isFenced: false) -> (");
        assert!(lines[1].starts_with("\tProduce(0): 0 to "));
        assert!(lines.contains(&"\tDescribeTopicPartitions(75): 0 [usable: 0],"));
        assert!(lines.contains(&"\tPushTelemetry(72): UNSUPPORTED,"));
        assert_eq!(*lines.last().unwrap(), ")");
        assert!(!lines[lines.len() - 2].ends_with(','));
        assert_eq!(lines.len(), apis.len() + 2);
    }
}
