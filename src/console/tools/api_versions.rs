//! `kafka-broker-api-versions` (`kafka-cli.md` §11): one block per live broker.
//!
//! The first line uses the reference's form, `localhost:9092 (id: 1 rack: null) -> (`,
//! **without** the ` isFenced: false` that KIP-1073 added to `Node.toString()` for 4.0
//! after the reference snapshot (§0, §11): the simulator follows the documented form.
//! Each broker is asked with an ApiVersions request; the API lines are the client APIs of
//! a Kafka 4.0 broker (`format::api_versions::KAFKA_4_0_BROKER_APIS`).

use super::{AdminConn, Ctx, Started};
use crate::console::format::api_versions::{api_versions, BrokerNode, KAFKA_4_0_BROKER_APIS};
use crate::console::format::Output;
use crate::console::opts::{exception_output, parse_command, Tool};
use crate::sim::client::admin::{Call, Target};
use crate::sim::protocol::Request;

pub fn run(ctx: &mut Ctx, args: &[String]) -> Started {
    let parsed = match parse_command(Tool::BrokerApiVersions, args) {
        Ok(p) => p,
        Err(o) => return Started::Done(o),
    };
    let p = &parsed.opts;
    let servers = p.value("bootstrap-server").unwrap_or("").to_string();
    let admin = AdminConn::open(ctx.sim, &servers);
    let listed =
        admin.call(ctx, "listNodes", Target::Any, Request::Metadata { topics: None, allow_auto_create: false });
    if let Err(m) = listed {
        admin.close(ctx.sim);
        let msg = format!("org.apache.kafka.common.errors.TimeoutException: {m}");
        return Started::Done(exception_output(&msg, "java.lang.RuntimeException"));
    }
    let brokers: Vec<(i32, String, u16, Option<String>)> = ctx
        .sim
        .admin_mut(admin.id)
        .map(|a| a.meta.brokers.values().map(|b| (b.id, b.host.clone(), b.port, b.rack.clone())).collect())
        .unwrap_or_default();
    let calls: Vec<Call> =
        brokers.iter().map(|(id, ..)| Call::new("apiVersions", Target::Broker(*id), Request::ApiVersions)).collect();
    let answers = admin.run(ctx, calls);
    admin.close(ctx.sim);
    let blocks: Vec<(BrokerNode, Result<Vec<_>, String>)> = brokers
        .into_iter()
        .zip(answers)
        .map(|((id, host, port, rack), r)| {
            let node = BrokerNode { host, port: i32::from(port), id, rack, is_fenced: None };
            let apis = r.map(|_| KAFKA_4_0_BROKER_APIS.to_vec());
            (node, apis)
        })
        .collect();
    let mut out = Output::new();
    out.append(&api_versions(&blocks));
    Started::Done(out)
}
