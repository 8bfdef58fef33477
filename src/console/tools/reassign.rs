//! `kafka-reassign-partitions` (`ReassignPartitionsCommand`): `--generate` (client-side
//! `AdminUtils` placement), `--execute`, `--verify`, `--list`, `--cancel`, with the
//! one-line JSON formats. Throttles are printed as Kafka does; the simulator does not
//! model replication quotas, so they do not slow the move.

use super::{AdminConn, Ctx, Started};
use crate::console::format::reassign::{
    self as fmt, OngoingReassignment, PartitionReplicas, VerifyState, DUPLICATE_BROKERS, DUPLICATE_TOPICS,
    EXISTING_ASSIGNMENT,
};
use crate::console::format::{stack_trace, Output};
use crate::console::opts::{parse_command, ParsedOpts, Tool};
use crate::sim::client::admin::Target;
use crate::sim::client::TopicMeta;
use crate::sim::errors::KafkaError;
use crate::sim::java::java_parse_int;
use crate::sim::placement::{place, PlacementBroker};
use crate::sim::protocol::{ControllerRequest, ControllerResponse, Request, Response};
use crate::sim::rng::Pcg32;
use crate::sim::types::TopicPartition;
use std::collections::BTreeMap;

const EXECUTION_EXCEPTION: &str = "java.util.concurrent.ExecutionException";
const ADMIN_OPERATION: &str = "org.apache.kafka.tools.AdminOperationException";
const ADMIN_FAILED: &str = "org.apache.kafka.tools.AdminCommandFailedException";

pub(crate) fn run(ctx: &mut Ctx, args: &[String]) -> Started {
    let parsed = match parse_command(Tool::ReassignPartitions, args) {
        Ok(p) => p,
        Err(o) => return Started::Done(o),
    };
    let p = &parsed.opts;
    if p.has("disallow-replication-factor-change") {
        // Kafka 4.4 sends it as AlterPartitionReassignmentsOptions.allowReplicationFactorChange.
        return Started::Done(Output::failure(
            "Brokerlab does not simulate --disallow-replication-factor-change yet: run the reassignment without it.",
        ));
    }
    if let Some(path) = p.value("command-config").filter(|f| !ctx.vfs.exists(f)) {
        return Started::Done(fmt::error(path, super::NO_SUCH_FILE));
    }
    let servers =
        p.value("bootstrap-server").or(p.value("bootstrap-controller")).unwrap_or("localhost:9092").to_string();
    let admin = AdminConn::open(ctx.sim, &servers);
    let out = if p.has("generate") {
        generate(ctx, &admin, p)
    } else if p.has("execute") {
        execute(ctx, &admin, p)
    } else if p.has("verify") {
        verify(ctx, &admin, p)
    } else if p.has("cancel") {
        cancel(ctx, &admin, p)
    } else {
        list(ctx, &admin)
    };
    admin.close(ctx.sim);
    Started::Done(out)
}

fn timeout(m: &str) -> Output {
    fmt::error(&crate::sim::client::admin::call_exception(m), EXECUTION_EXCEPTION)
}

/// Reads a JSON file given to the tool; `Err` is the complete failure output.
fn read_json(ctx: &Ctx, path: &str) -> Result<serde_json::Value, Output> {
    let Some(text) = ctx.vfs.read(path) else {
        // Utils.readFileAsString: an IOException whose cause is Files.readAllBytes' exception.
        let m = format!("Unable to read file {path}");
        let trace = format!(
            "{}Caused by: java.nio.file.NoSuchFileException: {path}\n\tat ...\n",
            stack_trace("java.io.IOException", &m)
        );
        return Err(fmt::error_with_trace(&m, &trace));
    };
    serde_json::from_str(text).map_err(|e| fmt::error(&format!("Failed to parse JSON: {e}"), ADMIN_OPERATION))
}

/// `{"version":1,"partitions":[{"topic":..,"partition":..,"replicas":[..],"log_dirs":[..]}]}`.
pub(crate) fn parse_plan(v: &serde_json::Value) -> Result<Vec<PartitionReplicas>, String> {
    let list =
        v.get("partitions").and_then(|p| p.as_array()).ok_or_else(|| "Missing field 'partitions'".to_string())?;
    let mut out: Vec<PartitionReplicas> = Vec::new();
    for item in list {
        let topic = item.get("topic").and_then(|t| t.as_str()).ok_or_else(|| "Missing field 'topic'".to_string())?;
        let partition = item
            .get("partition")
            .and_then(|p| p.as_i64())
            .and_then(|p| i32::try_from(p).ok())
            .ok_or_else(|| "Missing field 'partition'".to_string())?;
        let replicas: Vec<i32> = item
            .get("replicas")
            .and_then(|r| r.as_array())
            .ok_or_else(|| "Missing field 'replicas'".to_string())?
            .iter()
            .filter_map(|x| x.as_i64().and_then(|v| i32::try_from(v).ok()))
            .collect();
        let log_dirs: Option<Vec<String>> = item
            .get("log_dirs")
            .and_then(|d| d.as_array())
            .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect());
        if let Some(d) = &log_dirs {
            if d.len() != replicas.len() {
                return Err(format!(
                    "Size of replicas list {} is different from size of log dirs list {} for partition {topic}-{partition}",
                    crate::console::format::join_ints(&replicas).replace(',', ", "),
                    d.join(", ")
                ));
            }
        }
        if out.iter().any(|x| x.topic == topic && x.partition == partition) {
            return Err(format!("Reassignment JSON file contains duplicate partition {topic}-{partition}"));
        }
        out.push(PartitionReplicas { topic: topic.to_string(), partition, replicas, log_dirs });
    }
    Ok(out)
}

/// `ReassignPartitionsCommand.parseExecuteAssignmentArgs` refuses a plan in which a
/// partition lists a broker twice, before it checks that the brokers exist:
/// `Partition replica lists may not contain duplicate entries: foo-0 contains multiple
/// entries for 1` (each partition's duplicates, partitions joined by `. `).
fn duplicate_replicas(plan: &[PartitionReplicas]) -> Option<String> {
    let per_partition: Vec<String> = plan
        .iter()
        .filter_map(|part| {
            let mut seen = std::collections::BTreeSet::new();
            let dups: std::collections::BTreeSet<i32> =
                part.replicas.iter().copied().filter(|b| !seen.insert(*b)).collect();
            (!dups.is_empty()).then(|| {
                let ids: Vec<String> = dups.iter().map(i32::to_string).collect();
                format!("{}-{} contains multiple entries for {}", part.topic, part.partition, ids.join(","))
            })
        })
        .collect();
    (!per_partition.is_empty())
        .then(|| format!("Partition replica lists may not contain duplicate entries: {}", per_partition.join(". ")))
}

/// Where a live broker keeps its logs, as `describeReplicaLogDirs` reports it: each simulated
/// broker has one log directory, at the `log.dirs` of Kafka's shipped
/// `config/server.properties` (and of the `apache/kafka` image the real-Kafka export uses).
pub(crate) const LOG_DIR: &str = "/tmp/kraft-combined-logs";

/// The current assignment as `ReassignPartitionsCommand.getReplicaToLogDir` gives it to the
/// rollback JSON: a replica on a live broker shows that broker's log directory, one on a
/// broker the metadata does not list (offline) stays `"any"`.
fn with_log_dirs(ctx: &mut Ctx, admin: &AdminConn, current: &mut [PartitionReplicas]) {
    let live: Vec<i32> = live_brokers(ctx, admin).into_iter().map(|(id, _)| id).collect();
    for part in current {
        part.log_dirs = Some(
            part.replicas
                .iter()
                .map(|b| if live.contains(b) { LOG_DIR.to_string() } else { "any".to_string() })
                .collect(),
        );
    }
}

/// The cluster's topics (admin metadata) after a `describeTopics` round trip.
fn topics(ctx: &mut Ctx, admin: &AdminConn) -> Result<BTreeMap<String, TopicMeta>, Output> {
    admin
        .call(ctx, "describeTopics", Target::Any, Request::Metadata { topics: None, allow_auto_create: false })
        .map_err(|m| timeout(&m))?;
    Ok(ctx.sim.admin_mut(admin.id).map(|a| a.meta.topics.clone()).unwrap_or_default())
}

fn live_brokers(ctx: &mut Ctx, admin: &AdminConn) -> Vec<(i32, Option<String>)> {
    ctx.sim
        .admin_mut(admin.id)
        .map(|a| a.meta.brokers.values().map(|b| (b.id, b.rack.clone())).collect())
        .unwrap_or_default()
}

fn current_replicas(all: &BTreeMap<String, TopicMeta>, topic: &str, partition: i32) -> Option<Vec<i32>> {
    all.get(topic).and_then(|t| t.partitions.iter().find(|p| p.partition == partition)).map(|p| p.replicas.clone())
}

fn generate(ctx: &mut Ctx, admin: &AdminConn, p: &ParsedOpts) -> Output {
    let path = p.value("topics-to-move-json-file").unwrap_or("");
    let v = match read_json(ctx, path) {
        Ok(v) => v,
        Err(o) => return o,
    };
    let names: Vec<String> = v
        .get("topics")
        .and_then(|t| t.as_array())
        .map(|a| a.iter().filter_map(|x| x.get("topic").and_then(|t| t.as_str()).map(str::to_string)).collect())
        .unwrap_or_default();
    for (i, n) in names.iter().enumerate() {
        if names[..i].contains(n) {
            return fmt::error(DUPLICATE_TOPICS, ADMIN_FAILED);
        }
    }
    let mut brokers: Vec<i32> = Vec::new();
    for b in p.value("broker-list").unwrap_or("").split(',') {
        match java_parse_int(b.trim()) {
            Some(id) => {
                if brokers.contains(&id) {
                    return fmt::error(DUPLICATE_BROKERS, ADMIN_FAILED);
                }
                brokers.push(id);
            }
            None => {
                return fmt::error(&format!("For input string: \"{}\"", b.trim()), "java.lang.NumberFormatException")
            }
        }
    }
    let all = match topics(ctx, admin) {
        Ok(t) => t,
        Err(o) => return o,
    };
    let mut current: Vec<PartitionReplicas> = Vec::new();
    for n in &names {
        let Some(t) = all.get(n).filter(|t| t.error.is_none()) else {
            return fmt::error(
                &format!("org.apache.kafka.common.errors.UnknownTopicOrPartitionException: Topic {n} not found."),
                EXECUTION_EXCEPTION,
            );
        };
        for mp in &t.partitions {
            current.push(PartitionReplicas {
                topic: n.clone(),
                partition: mp.partition,
                replicas: mp.replicas.clone(),
                log_dirs: None,
            });
        }
    }
    with_log_dirs(ctx, admin, &mut current);
    let racks = !p.has("disable-rack-aware");
    // ReassignPartitionsCommand.getBrokerMetadata: the listed brokers describeCluster knows, as
    // unfenced UsableBrokers for the controller's StripedReplicaPlacer (Kafka 4.4).
    let usable: Vec<PlacementBroker> = live_brokers(ctx, admin)
        .into_iter()
        .filter(|(id, _)| brokers.contains(id))
        .map(|(id, rack)| PlacementBroker { id, rack: if racks { rack } else { None }, fenced: false })
        .collect();
    let mut rng = Pcg32::new(ctx.sim.seed() ^ 0x7265_6173, ctx.sim.now().as_micros());
    let mut proposed: Vec<PartitionReplicas> = Vec::new();
    for n in &names {
        let parts: Vec<&PartitionReplicas> = current.iter().filter(|c| &c.topic == n).collect();
        let count = i32::try_from(parts.len()).unwrap_or(i32::MAX);
        let rf = parts.first().map(|c| i32::try_from(c.replicas.len()).unwrap_or(0)).unwrap_or(0);
        match place(&usable, count, rf, &mut rng) {
            Ok(list) => {
                for (partition, replicas) in (0..).zip(list) {
                    proposed.push(PartitionReplicas { topic: n.clone(), partition, replicas, log_dirs: None });
                }
            }
            // The placer's InvalidReplicationFactorException, an ApiException without frames.
            Err(m) => {
                let trace = format!("org.apache.kafka.common.errors.InvalidReplicationFactorException: {m}\n");
                return fmt::error_with_trace(&m, &trace);
            }
        }
    }
    fmt::generate(&current, &proposed)
}

fn ongoing(ctx: &mut Ctx, admin: &AdminConn) -> Result<Vec<OngoingReassignment>, Output> {
    let resp = admin
        .call(ctx, "listPartitionReassignments", Target::Any, Request::Controller(ControllerRequest::ListReassignments))
        .map_err(|m| timeout(&m))?;
    match resp {
        // ReassignPartitionsCommand.main: `System.out.println("Error: " + e.getMessage())`, then
        // the stack trace, for the refused call (e.g. CLUSTER_AUTHORIZATION_FAILED without
        // DESCRIBE on the cluster).
        Response::Controller(ControllerResponse::ListReassignments(Err(e))) => Err(timeout(&e.java_string())),
        Response::Controller(ControllerResponse::ListReassignments(Ok(list))) => Ok(list
            .into_iter()
            .map(|(tp, replicas, adding, removing)| OngoingReassignment {
                topic: tp.topic,
                partition: tp.partition,
                replicas,
                adding,
                removing,
            })
            .collect()),
        _ => Ok(Vec::new()),
    }
}

fn execute(ctx: &mut Ctx, admin: &AdminConn, p: &ParsedOpts) -> Output {
    let path = p.value("reassignment-json-file").unwrap_or("");
    let plan = match read_json(ctx, path).and_then(|v| parse_plan(&v).map_err(|m| fmt::error(&m, ADMIN_OPERATION))) {
        Ok(v) => v,
        Err(o) => return o,
    };
    let live: Vec<i32> = {
        if let Err(o) = topics(ctx, admin) {
            return o;
        }
        live_brokers(ctx, admin).into_iter().map(|(id, _)| id).collect()
    };
    for part in &plan {
        if part.replicas.is_empty() {
            return fmt::error(
                &format!("Partition replica list cannot be empty for partition {}-{}", part.topic, part.partition),
                ADMIN_OPERATION,
            );
        }
    }
    if let Some(m) = duplicate_replicas(&plan) {
        return fmt::error(&m, ADMIN_FAILED);
    }
    for part in &plan {
        if let Some(b) = part.replicas.iter().find(|b| !live.contains(b)) {
            return fmt::error(&fmt::unknown_broker(*b), ADMIN_FAILED);
        }
    }
    let running = match ongoing(ctx, admin) {
        Ok(v) => v,
        Err(o) => return o,
    };
    if !running.is_empty() && !p.has("additional") {
        return fmt::terse_error(EXISTING_ASSIGNMENT);
    }
    let all = match topics(ctx, admin) {
        Ok(t) => t,
        Err(o) => return o,
    };
    let mut current: Vec<PartitionReplicas> = Vec::new();
    for part in &plan {
        match current_replicas(&all, &part.topic, part.partition) {
            Some(r) => current.push(PartitionReplicas {
                topic: part.topic.clone(),
                partition: part.partition,
                replicas: r,
                log_dirs: None,
            }),
            None => {
                return fmt::error(
                    &format!(
                        "org.apache.kafka.common.errors.UnknownTopicOrPartitionException: {}",
                        fmt::unable_to_find_partition(&part.topic, part.partition)
                    ),
                    EXECUTION_EXCEPTION,
                )
            }
        }
    }
    with_log_dirs(ctx, admin, &mut current);
    let moves: Vec<(TopicPartition, Option<Vec<i32>>)> =
        plan.iter().map(|x| (TopicPartition::new(x.topic.clone(), x.partition), Some(x.replicas.clone()))).collect();
    let resp = admin.call(
        ctx,
        "alterPartitionReassignments",
        Target::Any,
        Request::Controller(ControllerRequest::AlterReassignments { moves }),
    );
    let throttle = p.long_value("throttle").ok().flatten().unwrap_or(-1);
    let ld_throttle = p.long_value("replica-alter-log-dirs-throttle").ok().flatten().unwrap_or(-1);
    match resp {
        Ok(Response::Controller(ControllerResponse::AlterReassignments(results))) => {
            let failed: Vec<String> =
                results.iter().filter_map(|(tp, e)| e.as_ref().map(|e| format!("{tp}: {}", e.text()))).collect();
            let started: Vec<(String, i32)> =
                results.iter().filter(|(_, e)| e.is_none()).map(|(tp, _)| (tp.topic.clone(), tp.partition)).collect();
            let mut out = fmt::execute(&current, &started, throttle, ld_throttle);
            if !failed.is_empty() {
                out.append(&fmt::terse_error(&format!("Error reassigning partition(s):\n{}", failed.join("\n"))));
            }
            out
        }
        Ok(_) => fmt::error("unexpected answer", EXECUTION_EXCEPTION),
        Err(m) => {
            let mut out = fmt::execute(&current, &[], throttle, ld_throttle);
            out.append(&timeout(&m));
            out
        }
    }
}

fn verify(ctx: &mut Ctx, admin: &AdminConn, p: &ParsedOpts) -> Output {
    let path = p.value("reassignment-json-file").unwrap_or("");
    let plan = match read_json(ctx, path).and_then(|v| parse_plan(&v).map_err(|m| fmt::error(&m, ADMIN_OPERATION))) {
        Ok(v) => v,
        Err(o) => return o,
    };
    let running = match ongoing(ctx, admin) {
        Ok(v) => v,
        Err(o) => return o,
    };
    let all = match topics(ctx, admin) {
        Ok(t) => t,
        Err(o) => return o,
    };
    let mut states: Vec<(String, i32, VerifyState)> = Vec::new();
    for part in &plan {
        let state = if running.iter().any(|r| r.topic == part.topic && r.partition == part.partition) {
            VerifyState::InProgress
        } else {
            match current_replicas(&all, &part.topic, part.partition) {
                Some(cur) if cur == part.replicas => VerifyState::Completed,
                Some(cur) => VerifyState::Mismatch { current: cur, target: part.replicas.clone() },
                None => {
                    return fmt::error(
                        &format!(
                            "org.apache.kafka.common.errors.UnknownTopicOrPartitionException: {}",
                            fmt::unable_to_find_partition(&part.topic, part.partition)
                        ),
                        EXECUTION_EXCEPTION,
                    )
                }
            }
        };
        states.push((part.topic.clone(), part.partition, state));
    }
    let brokers: Vec<i32> = live_brokers(ctx, admin).into_iter().map(|(id, _)| id).collect();
    let topics: Vec<String> = plan.iter().map(|x| x.topic.clone()).collect();
    fmt::verify(&states, p.has("preserve-throttles"), &brokers, &topics)
}

fn list(ctx: &mut Ctx, admin: &AdminConn) -> Output {
    match ongoing(ctx, admin) {
        Ok(v) => fmt::list(&v),
        Err(o) => o,
    }
}

fn cancel(ctx: &mut Ctx, admin: &AdminConn, p: &ParsedOpts) -> Output {
    let path = p.value("reassignment-json-file").unwrap_or("");
    let plan = match read_json(ctx, path).and_then(|v| parse_plan(&v).map_err(|m| fmt::error(&m, ADMIN_OPERATION))) {
        Ok(v) => v,
        Err(o) => return o,
    };
    let moves: Vec<(TopicPartition, Option<Vec<i32>>)> =
        plan.iter().map(|x| (TopicPartition::new(x.topic.clone(), x.partition), None)).collect();
    let resp = admin.call(
        ctx,
        "alterPartitionReassignments",
        Target::Any,
        Request::Controller(ControllerRequest::AlterReassignments { moves }),
    );
    let cancelled: Vec<(String, i32)> = match resp {
        Ok(Response::Controller(ControllerResponse::AlterReassignments(results))) => results
            .iter()
            .filter(|(_, e)| e.as_ref().map(|e| e.error != KafkaError::NO_REASSIGNMENT_IN_PROGRESS).unwrap_or(true))
            .filter(|(_, e)| e.is_none())
            .map(|(tp, _)| (tp.topic.clone(), tp.partition))
            .collect(),
        Ok(_) => Vec::new(),
        Err(m) => return timeout(&m),
    };
    let brokers: Vec<i32> = live_brokers(ctx, admin).into_iter().map(|(id, _)| id).collect();
    let topics: Vec<String> = plan.iter().map(|x| x.topic.clone()).collect();
    if p.has("preserve-throttles") {
        fmt::cancel(&cancelled, None)
    } else {
        fmt::cancel(&cancelled, Some((&brokers, &topics)))
    }
}
