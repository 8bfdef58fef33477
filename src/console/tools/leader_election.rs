//! `kafka-leader-election` (`LeaderElectionCommand`): preferred or unclean elections for one
//! partition (`--topic` + `--partition`), all partitions, or a JSON file of partitions.

use super::{AdminConn, Ctx, Started};
use crate::console::format::leader_election::{results, ElectionResults, ElectionType};
use crate::console::format::{stack_trace, Output};
use crate::console::opts::check::ADMIN_COMMAND_FAILED;
use crate::console::opts::{main_no_exit_output, parse_command, Tool};
use crate::sim::client::admin::Target;
use crate::sim::errors::KafkaError;
use crate::sim::protocol::{ControllerRequest, ControllerResponse, ElectionType as SimElection, Request, Response};
use crate::sim::types::TopicPartition;

/// The admin timeout the tool passes (`Duration.ofMillis(30000)`).
pub(crate) const TIMEOUT_MS: i64 = 30_000;

/// Parses `{"partitions": [{"topic": "foo", "partition": 1}, ...]}` (`LeaderElectionCommand`).
/// `Err` is the exception class and its message.
pub(crate) fn parse_partitions_json(text: &str) -> Result<Vec<TopicPartition>, (&'static str, String)> {
    // LeaderElectionCommand.parseReplicaElectionData (Kafka 4.4): text that is not JSON
    // parses to nothing, and a document without "partitions" is refused.
    let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else {
        return Err((ADMIN_OPERATION, "Replica election data is empty".to_string()));
    };
    let Some(list) = v.get("partitions") else {
        return Err((ADMIN_OPERATION, "Replica election data is missing \"partitions\" field".to_string()));
    };
    let list = list.as_array().ok_or((ADMIN_COMMAND_FAILED, "Missing required field 'partitions'".to_string()))?;
    let mut out: Vec<TopicPartition> = Vec::new();
    for item in list {
        let topic = item
            .get("topic")
            .and_then(|t| t.as_str())
            .ok_or((ADMIN_COMMAND_FAILED, "Missing required field 'topic'".to_string()))?;
        let partition = item
            .get("partition")
            .and_then(|p| p.as_i64())
            .and_then(|p| i32::try_from(p).ok())
            .ok_or((ADMIN_COMMAND_FAILED, "Missing required field 'partition'".to_string()))?;
        out.push(TopicPartition::new(topic, partition));
    }
    let mut dups: Vec<String> = Vec::new();
    for (i, tp) in out.iter().enumerate() {
        if out[..i].contains(tp) && !dups.contains(&tp.to_string()) {
            dups.push(tp.to_string());
        }
    }
    if !dups.is_empty() {
        return Err((
            ADMIN_COMMAND_FAILED,
            format!("Replica election data contains duplicate partitions: {}", dups.join(",")),
        ));
    }
    Ok(out)
}

/// `org.apache.kafka.tools.AdminOperationException` (Kafka 4.4).
const ADMIN_OPERATION: &str = "org.apache.kafka.tools.AdminOperationException";

pub(crate) fn run(ctx: &mut Ctx, args: &[String]) -> Started {
    Started::Done(run_inner(ctx, args))
}

/// `LeaderElectionCommand.mainNoExit`'s report of an exception of `class`.
fn failed(message: &str, class: &str) -> Output {
    main_no_exit_output(message, &stack_trace(class, message))
}

fn run_inner(ctx: &mut Ctx, args: &[String]) -> Output {
    let parsed = match parse_command(Tool::LeaderElection, args) {
        Ok(p) => p,
        Err(o) => return o,
    };
    let p = &parsed.opts;
    let Some(kind) = p.value("election-type").and_then(ElectionType::parse) else {
        return Output::failure("internal: election type");
    };
    let partitions: Option<Vec<TopicPartition>> = if let Some(t) = p.value("topic") {
        let part = p.int_value("partition").ok().flatten().unwrap_or(0);
        Some(vec![TopicPartition::new(t, part)])
    } else if let Some(path) = p.value("path-to-json-file") {
        let Some(text) = ctx.vfs.read(path) else {
            // Utils.readFileAsString's IOException, wrapped in a RuntimeException.
            let io = format!("java.io.IOException: Unable to read file {path}");
            let trace = format!(
                "{}Caused by: {io}\n\tat ...\nCaused by: java.nio.file.NoSuchFileException: {path}\n\tat ...\n",
                stack_trace("java.lang.RuntimeException", &io)
            );
            return main_no_exit_output(&io, &trace);
        };
        match parse_partitions_json(text) {
            Ok(v) => Some(v),
            Err((class, m)) => return failed(&m, class),
        }
    } else {
        None
    };
    // LeaderElectionCommand.run: the deprecated spelling is announced, then Utils.loadProps.
    let mut out = Output::new();
    let config = match p.value("admin.config") {
        Some(path) => {
            out.outln("Option --admin.config has been deprecated and will be removed in a future version. Use --command-config instead.");
            Some(path)
        }
        None => p.value("command-config"),
    };
    if let Some(path) = config.filter(|f| !ctx.vfs.exists(f)) {
        out.append(&failed(path, super::NO_SUCH_FILE));
        return out;
    }
    let servers = p.value("bootstrap-server").unwrap_or("").to_string();
    let mut admin = AdminConn::open(ctx.sim, &servers);
    admin.timeout_ms = Some(TIMEOUT_MS);
    let election = match kind {
        ElectionType::Preferred => SimElection::Preferred,
        ElectionType::Unclean => SimElection::Unclean,
    };
    let resp = admin.call(
        ctx,
        "electLeaders",
        Target::Any,
        Request::Controller(ControllerRequest::ElectLeaders { election, partitions }),
    );
    admin.close(ctx.sim);
    match resp {
        Ok(Response::Controller(ControllerResponse::ElectLeaders(Ok(list)))) => {
            let mut r = ElectionResults::default();
            for (tp, e) in list {
                match e {
                    None => r.succeeded.push((tp.topic, tp.partition)),
                    Some(e) if e.error == KafkaError::ELECTION_NOT_NEEDED => {
                        r.not_needed.push((tp.topic, tp.partition))
                    }
                    Some(e) => r.failed.push(((tp.topic, tp.partition), e.java_string())),
                }
            }
            out.append(&results(kind, &r));
        }
        Ok(Response::Controller(ControllerResponse::ElectLeaders(Err(e)))) => {
            out.append(&failed(&e.java_string(), "java.util.concurrent.ExecutionException"));
        }
        Ok(_) => out.append(&Output::failure("unexpected answer")),
        Err(m) => {
            out.outln("Timeout waiting for election results");
            let msg = crate::sim::client::admin::call_exception(&m);
            out.append(&failed(&msg, "java.util.concurrent.ExecutionException"));
        }
    }
    out
}
