//! `kafka-metadata-quorum describe --status | --replication [--human-readable]`
//! (`MetadataQuorumCommand`). The ClusterId comes from Metadata; directory ids are stable per
//! node (derived from the node id, as a real node keeps the id of its log directory);
//! voters list their `CONTROLLER://localhost:<port>` endpoint. Adding and removing
//! controllers is not simulated (the quorum's voters are fixed when the cluster starts).

use super::{AdminConn, Ctx, Started};
use crate::console::format::quorum::{describe_replication, describe_status, QuorumInfo, QuorumReplica};
use crate::console::format::stack_trace;
use crate::console::format::Output;
use crate::console::opts::{exception_output, main_no_exit_output, parse_command, Tool};
use crate::sim::client::admin::Target;
use crate::sim::node::Env;
use crate::sim::protocol::{ControllerRequest, ControllerResponse, ReplicaProgress, Request, Response};
use crate::sim::rng::Pcg32;
use crate::sim::types::TopicId;
use crate::sim::world::Sim;

/// The directory id of a node's metadata log directory: a UUID derived from the node id,
/// the same on every run.
pub(crate) fn directory_id(node: i32) -> String {
    let mut rng = Pcg32::new(0x6469_7265_6374_6f72 ^ (node as u64), 0x0d1d);
    TopicId::random(&mut rng).to_string()
}

fn replica(r: &ReplicaProgress, endpoints: Vec<String>) -> QuorumReplica {
    QuorumReplica {
        id: r.id,
        directory_id: Some(directory_id(r.id)),
        log_end_offset: r.log_end_offset,
        last_fetch_ms: (r.last_fetch_ms >= 0).then_some(r.last_fetch_ms),
        last_caught_up_ms: (r.last_caught_up_ms >= 0).then_some(r.last_caught_up_ms),
        endpoints,
    }
}

/// Whether `servers` names the listener of a running controller.
fn controller_reachable(sim: &Sim, servers: &str) -> bool {
    servers.split(',').any(|s| {
        let Some((host, port)) = s.trim().rsplit_once(':') else { return false };
        matches!(host, "localhost" | "127.0.0.1")
            && sim
                .controllers()
                .iter()
                .any(|(id, c)| c.proc.is_some() && port.parse::<u16>().ok() == Some(Env::controller_port(*id)))
    })
}

pub(crate) fn run(ctx: &mut Ctx, args: &[String]) -> Started {
    let parsed = match parse_command(Tool::MetadataQuorum, args) {
        Ok(p) => p,
        Err(o) => return Started::Done(o),
    };
    let p = &parsed.opts;
    if p.subcommand.as_deref() != Some("describe") {
        return Started::Done(Output::failure(
            "Brokerlab's controller quorum has a fixed set of voters: add-controller and remove-controller are not simulated.",
        ));
    }
    if let Some(path) = p.value("command-config").filter(|f| !ctx.vfs.exists(f)) {
        return Started::Done(Output::failure(&crate::console::opts::argparse::quorum_properties_missing(path)));
    }
    // With --bootstrap-controller the client talks to the controllers; the simulated
    // admin client reaches them through a running broker, once the address checks out.
    let servers = match p.value("bootstrap-controller") {
        Some(c) => {
            if controller_reachable(ctx.sim, c) {
                let broker = ctx.sim.brokers().iter().find(|(_, b)| b.proc.is_some()).map(|(id, _)| *id);
                broker.map(|b| format!("localhost:{}", Env::broker_port(b))).unwrap_or_else(|| c.to_string())
            } else {
                format!("localhost:1{}", c.rsplit_once(':').map(|(_, p)| p).unwrap_or("0"))
            }
        }
        None => p.value("bootstrap-server").unwrap_or("").to_string(),
    };
    let admin = AdminConn::open(ctx.sim, &servers);
    let resp =
        admin.call(ctx, "describeMetadataQuorum", Target::Any, Request::Controller(ControllerRequest::DescribeQuorum));
    let cluster_id = ctx.sim.admin_mut(admin.id).and_then(|a| a.meta.cluster_id.clone()).unwrap_or_default();
    admin.close(ctx.sim);
    let info = match resp {
        Ok(Response::Controller(ControllerResponse::DescribeQuorum(Ok(q)))) => q,
        // MetadataQuorumCommand.mainNoExit: the failed call's ExecutionException, its message
        // then its stack trace (`Utils.stackTrace`, which ends with a line break).
        Ok(Response::Controller(ControllerResponse::DescribeQuorum(Err(e)))) => {
            let msg = e.java_string();
            return Started::Done(main_no_exit_output(
                &msg,
                &stack_trace("java.util.concurrent.ExecutionException", &msg),
            ));
        }
        Ok(_) => return Started::Done(Output::failure("unexpected answer")),
        Err(m) => {
            let msg = crate::sim::client::admin::call_exception(&m);
            return Started::Done(exception_output(&msg, "java.util.concurrent.ExecutionException"));
        }
    };
    let q = QuorumInfo {
        cluster_id,
        leader_id: info.leader_id,
        leader_epoch: info.leader_epoch,
        high_watermark: info.high_watermark,
        voters: info
            .voters
            .iter()
            .map(|v| replica(v, vec![format!("CONTROLLER://localhost:{}", Env::controller_port(v.id))]))
            .collect(),
        observers: info.observers.iter().map(|o| replica(o, vec![])).collect(),
    };
    let out = if p.has("status") {
        describe_status(&q)
    } else {
        let now = p.has("human-readable").then(|| ctx.sim.env().wall_ms(ctx.sim.now()));
        describe_replication(&q, now)
    };
    Started::Done(out)
}
