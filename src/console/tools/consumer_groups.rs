//! `kafka-consumer-groups` (`ConsumerGroupCommand`): `--list`, `--describe` (offsets, members,
//! state), `--delete`, `--delete-offsets` and `--reset-offsets`, through the admin client
//! (ListGroups to every broker, DescribeGroups/OffsetFetch/OffsetCommit/DeleteGroups to the
//! group's coordinator, ListOffsets to partition leaders). Runtime failures print
//! `Error: ...` and exit 0, as the real tool does (`ConsumerGroupCommand`).

use super::{AdminConn, Ctx, Started};
use crate::console::format::groups::{
    self, cannot_shift, delete_groups, describe_members, describe_offsets, describe_state, empty_partition_warning,
    list, offset_clamped_high, offset_clamped_low, parse_state_list, parse_type_list, reset_csv,
    reset_group_not_inactive, reset_table, Coordinator, DeleteGroupError, DeleteOffsetsResult, DeleteOffsetsRow,
    GroupListing, GroupMembers, GroupOffsets, GroupState, GroupStateRow, GroupType, MemberRow, OffsetRow, ResetRow,
};
use crate::console::format::{exception_string, Output};
use crate::console::opts::{parse_command, usage_error, ParsedOpts, Tool};
use crate::sim::client::admin::{Call, Target};
use crate::sim::errors::KafkaError;
use crate::sim::java::java_hash_order;
use crate::sim::node::Env;
use crate::sim::protocol::{GroupDescription, Isolation, Request, Response};
use crate::sim::sort::{CompactCollect, CompactSort};
use crate::sim::types::{Offset, TopicPartition};
use std::collections::{BTreeMap, BTreeSet};

/// The member that owns a partition: consumer id, host, client id.
type Owner = (String, String, String);

const EXECUTION_EXCEPTION: &str = "java.util.concurrent.ExecutionException";
const RUNTIME_EXCEPTION: &str = "java.lang.RuntimeException";

/// A failure that ends the command. Most are printed as `ConsumerGroupCommand.run`'s `Error:
/// Executing consumer group command failed due to <message>` with the stack trace (exit 0); an
/// `IllegalArgumentException` is a usage error instead (message and usage table, exit 1).
struct Failed {
    message: String,
    /// The stack trace text on stderr.
    trace: String,
    usage: bool,
}

impl Failed {
    /// A Kafka future failed and the tool let the `ExecutionException` through.
    fn execution(cause: &str) -> Failed {
        Failed {
            message: cause.to_string(),
            trace: crate::console::format::stack_trace(EXECUTION_EXCEPTION, cause),
            usage: false,
        }
    }

    fn timeout(m: &str) -> Failed {
        Failed::execution(&crate::sim::client::admin::call_exception(m))
    }

    fn api(e: KafkaError) -> Failed {
        Failed::execution(&e.java_string(None))
    }

    /// `resetOffsetsForInactiveGroup` catches an `ExecutionException` and rethrows its cause when
    /// that is a `KafkaException`: then the message is the cause's own, and as an `ApiException`
    /// has no stack trace, only its `toString()` is printed.
    fn unwrap_kafka_cause(self) -> Failed {
        if self.usage || !self.trace.starts_with(EXECUTION_EXCEPTION) {
            return self;
        }
        let Some(cause) = self.message.strip_prefix("org.apache.kafka.common.errors.") else { return self };
        let message = cause.split_once(": ").map(|(_, m)| m).unwrap_or("").to_string();
        Failed { message, trace: format!("{}\n", self.message), usage: false }
    }

    /// `new RuntimeException(cause)` around a checked exception with a stack trace; `causes` is
    /// the chain from the outermost cause inwards, each `(class, message)`.
    fn runtime(causes: &[(&str, &str)]) -> Failed {
        let first = exception_string(causes[0].0, causes[0].1);
        let mut trace = format!("{RUNTIME_EXCEPTION}: {first}\n\tat ...\n");
        for (class, message) in causes {
            trace.push_str(&format!("Caused by: {}\n\tat ...\n", exception_string(class, message)));
        }
        Failed { message: first, trace, usage: false }
    }

    /// A plain exception thrown by the tool (message and its own stack trace).
    fn thrown(class: &str, message: &str) -> Failed {
        Failed {
            message: message.to_string(),
            trace: crate::console::format::stack_trace(class, message),
            usage: false,
        }
    }

    /// An `IllegalArgumentException`: `run` prints it with the usage table and exits 1.
    fn usage(message: &str) -> Failed {
        Failed { message: message.to_string(), trace: String::new(), usage: true }
    }

    fn output(&self) -> Output {
        if self.usage {
            if let Some(spec) = Tool::ConsumerGroups.spec() {
                return usage_error(spec, &self.message);
            }
        }
        let mut o = Output::new();
        o.out(&format!("\nError: Executing consumer group command failed due to {}\n", self.message));
        o.err(&self.trace);
        o
    }
}

/// The engine's state names → the tool's.
fn state_of(name: &str) -> GroupState {
    match name {
        "Stable" => GroupState::Stable,
        "Empty" => GroupState::Empty,
        "PreparingRebalance" => GroupState::PreparingRebalance,
        "CompletingRebalance" => GroupState::CompletingRebalance,
        "Dead" => GroupState::Dead,
        "Assigning" => GroupState::Assigning,
        "Reconciling" => GroupState::Reconciling,
        _ => GroupState::Unknown,
    }
}

pub(crate) fn run(ctx: &mut Ctx, args: &[String]) -> Started {
    let parsed = match parse_command(Tool::ConsumerGroups, args) {
        Ok(p) => p,
        Err(o) => return Started::Done(o),
    };
    let p = &parsed.opts;
    let mut out = parsed.notes.clone();
    if let Some(regex) = p.value("validate-regex") {
        out.append(&validate_regex(regex));
        return Started::Done(out);
    }
    let servers = match super::validate_bootstrap(p.value("bootstrap-server")) {
        Ok(s) => s,
        Err(o) => {
            out.append(&o);
            out.exit_code = o.exit_code;
            return Started::Done(out);
        }
    };
    if let Some(path) = p.value("command-config") {
        // ConsumerGroupService's constructor: Utils.loadProps' IOException, rethrown as a
        // RuntimeException that `run` reports (exit 0).
        if let Err(m) = super::load_props(ctx, path) {
            return Started::Done(Failed::runtime(&[(super::NO_SUCH_FILE, &m)]).output());
        }
    }
    let timeout = p.long_value("timeout").ok().flatten().unwrap_or(30_000).max(1);
    let mut admin = AdminConn::open(ctx.sim, &servers);
    admin.timeout_ms = Some(timeout);
    let result = if p.has("list") {
        cmd_list(ctx, &admin, p)
    } else if p.has("describe") {
        cmd_describe(ctx, &admin, p)
    } else if p.has("delete") {
        cmd_delete(ctx, &admin, p)
    } else if p.has("delete-offsets") {
        cmd_delete_offsets(ctx, &admin, p)
    } else {
        cmd_reset(ctx, &admin, p)
    };
    admin.close(ctx.sim);
    let mut all = std::mem::take(&mut ctx.log);
    all.append(&out);
    match result {
        Ok(o) => {
            all.append(&o);
            all.exit_code = o.exit_code;
        }
        Err(f) => all.append(&f.output()),
    }
    Started::Done(all)
}

/// `--validate-regex` (`ConsumerGroupCommand.validateRegex`, RE2J syntax). Brokerlab checks the
/// pattern with its own matcher and names the reason as RE2J's `PatternSyntaxException`
/// description does for the common mistakes.
fn validate_regex(regex: &str) -> Output {
    let mut o = Output::new();
    match crate::console::regex::Regex::new(regex) {
        Ok(_) => o.outln(&format!("The regular expression `{regex}` is valid.")),
        Err(reason) => {
            let description = if reason.starts_with("Unclosed group") {
                "missing closing )".to_string()
            } else if reason.starts_with("Unmatched closing") {
                "unexpected )".to_string()
            } else if reason.starts_with("Dangling meta") || reason.starts_with("dangling meta") {
                "missing argument to repetition operator".to_string()
            } else if reason.starts_with("Unclosed character class") {
                "missing closing ]".to_string()
            } else if reason.starts_with("Illegal/unsupported escape") {
                "invalid escape sequence".to_string()
            } else {
                reason
            };
            o.outln(&format!("The regular expression `{regex}` is invalid: {description}."));
        }
    }
    o
}

// ---------------------------------------------------------------------------
// admin calls
// ---------------------------------------------------------------------------

/// Every group of every live broker: `(id, protocol type, state, group type)`, broker by broker.
fn list_groups(ctx: &mut Ctx, admin: &AdminConn) -> Result<Vec<(String, String, String, String)>, Failed> {
    let mut groups = list_all_groups(ctx, admin, "listConsumerGroups").map_err(|e| match e {
        Ok(e) => Failed::api(e),
        Err(m) => Failed::timeout(&m),
    })?;
    // Only consumer groups (`listConsumerGroups` keeps protocol type "consumer" or none).
    groups.retain(|(_, pt, _, _)| pt.is_empty() || pt == "consumer");
    Ok(groups)
}

/// A listed group: (group id, protocol type, state, group type).
pub(crate) type ListedGroup = (String, String, String, String);

/// ListGroups to every live broker (`Admin.listGroups`, `ListGroupsHandler`): each group once, as
/// (group id, protocol type, state, group type); the error is a broker's error code or the
/// client's timeout text.
pub(crate) fn list_all_groups(
    ctx: &mut Ctx,
    admin: &AdminConn,
    call: &str,
) -> Result<Vec<ListedGroup>, Result<KafkaError, String>> {
    let live: Vec<i32> = super::live_brokers_of(ctx.sim, &admin.servers);
    if live.is_empty() || !super::bootstrap_reachable(ctx.sim, &admin.servers) {
        let r = admin.call(ctx, call, Target::Any, Request::ListGroups { states: vec![] });
        return match r {
            Ok(Response::ListGroups { groups, .. }) => Ok(groups),
            Ok(_) => Ok(vec![]),
            Err(m) => Err(Err(m)),
        };
    }
    let calls: Vec<Call> =
        live.iter().map(|b| Call::new(call, Target::Broker(*b), Request::ListGroups { states: vec![] })).collect();
    let mut seen = BTreeSet::new();
    let mut groups = Vec::new();
    for r in admin.run(ctx, calls) {
        match r {
            Ok(Response::ListGroups { error: None, groups: gs }) => {
                for g in gs {
                    if seen.insert(g.0.clone()) {
                        groups.push(g);
                    }
                }
            }
            Ok(Response::ListGroups { error: Some(e), .. }) => return Err(Ok(e)),
            Ok(_) => {}
            Err(m) => return Err(Err(m)),
        }
    }
    Ok(groups)
}

fn describe_group(ctx: &mut Ctx, admin: &AdminConn, group: &str) -> Result<GroupDescription, Failed> {
    let r = admin.call(
        ctx,
        "describeConsumerGroups",
        Target::Coordinator { key: group.to_string(), transaction: false },
        Request::DescribeGroups { groups: vec![group.to_string()] },
    );
    match r {
        Ok(Response::DescribeGroups(mut v)) if !v.is_empty() => {
            let d = v.remove(0);
            match d.error {
                Some(KafkaError::GROUP_ID_NOT_FOUND) | None => Ok(d),
                Some(e) => Err(Failed::api(e)),
            }
        }
        Ok(_) => Err(Failed::timeout("no answer. Call: describeConsumerGroups")),
        Err(m) => Err(Failed::timeout(&m)),
    }
}

/// The group's committed offsets (partitions without one are left out).
fn committed(ctx: &mut Ctx, admin: &AdminConn, group: &str) -> Result<BTreeMap<TopicPartition, Offset>, Failed> {
    let r = admin.call(
        ctx,
        "listConsumerGroupOffsets",
        Target::Coordinator { key: group.to_string(), transaction: false },
        Request::OffsetFetch { group: group.to_string(), partitions: None, require_stable: false },
    );
    match r {
        Ok(Response::OffsetFetch { error: None, offsets }) => {
            Ok(offsets.into_iter().filter(|(_, o, e)| *o >= 0 && e.is_none()).map(|(tp, o, _)| (tp, o)).collect_map())
        }
        Ok(Response::OffsetFetch { error: Some(KafkaError::GROUP_ID_NOT_FOUND), .. }) => Ok(BTreeMap::new()),
        Ok(Response::OffsetFetch { error: Some(e), .. }) => Err(Failed::api(e)),
        Ok(_) => Ok(BTreeMap::new()),
        Err(m) => Err(Failed::timeout(&m)),
    }
}

/// `ListOffsets` of each partition at `spec` (-1 latest, -2 earliest, else a timestamp):
/// the offset, or `None` when the leader has none (no record at or after the timestamp) or
/// cannot answer.
fn list_offsets(
    ctx: &mut Ctx,
    admin: &AdminConn,
    tps: &[TopicPartition],
    spec: i64,
) -> Result<BTreeMap<TopicPartition, Option<Offset>>, Failed> {
    let calls: Vec<Call> = tps
        .iter()
        .map(|tp| {
            Call::new(
                "listOffsets",
                Target::Leader(tp.clone()),
                Request::ListOffsets { isolation: Isolation::ReadUncommitted, partitions: vec![(tp.clone(), spec)] },
            )
        })
        .collect();
    let mut out = BTreeMap::new();
    for (tp, r) in tps.iter().zip(admin.run(ctx, calls)) {
        let v = match r {
            Ok(Response::ListOffsets { partitions }) => {
                partitions.into_iter().find(|(t, _)| t == tp).and_then(|(_, r)| r.ok()).map(|(o, _)| o)
            }
            Ok(_) => None,
            Err(m) => return Err(Failed::timeout(&m)),
        };
        out.insert(tp.clone(), v.filter(|o| *o >= 0));
    }
    Ok(out)
}

/// Every partition of each topic, from metadata; `Err` names a topic that does not exist.
fn topic_partitions(ctx: &mut Ctx, admin: &AdminConn, topics: &[String]) -> Result<Vec<TopicPartition>, Failed> {
    let r = admin.call(
        ctx,
        "describeTopics",
        Target::Any,
        Request::Metadata { topics: Some(topics.to_vec()), allow_auto_create: false },
    );
    if let Err(m) = r {
        return Err(Failed::timeout(&m));
    }
    let meta = ctx.sim.admin_mut(admin.id).map(|a| a.meta.topics.clone()).unwrap_or_default();
    let mut v = Vec::new();
    for t in topics {
        match meta.get(t) {
            Some(m) if m.error.is_none() => {
                let mut ps: Vec<i32> = m.partitions.iter().map(|p| p.partition).collect();
                ps.sort_unstable();
                v.extend(ps.into_iter().map(|p| TopicPartition::new(t.clone(), p)));
            }
            _ => return Err(Failed::api(KafkaError::UNKNOWN_TOPIC_OR_PARTITION)),
        }
    }
    Ok(v)
}

/// The groups named with `--group` (in order, without repeats), or every group with
/// `--all-groups`.
fn target_groups(ctx: &mut Ctx, admin: &AdminConn, p: &ParsedOpts) -> Result<Vec<String>, Failed> {
    if p.has("all-groups") {
        return Ok(list_groups(ctx, admin)?.into_iter().map(|(g, _, _, _)| g).collect());
    }
    let mut v: Vec<String> = Vec::new();
    for g in p.values("group") {
        if !v.iter().any(|x| x == g) {
            v.push(g.to_string());
        }
    }
    Ok(v)
}

// ---------------------------------------------------------------------------
// --list
// ---------------------------------------------------------------------------

fn cmd_list(ctx: &mut Ctx, admin: &AdminConn, p: &ParsedOpts) -> Result<Output, Failed> {
    let groups = list_groups(ctx, admin)?;
    let states = match p.value("state") {
        Some(s) => parse_state_list(s).unwrap_or_default(),
        None => vec![],
    };
    let types = match p.value("type") {
        Some(s) => parse_type_list(s).unwrap_or_default(),
        None => vec![],
    };
    let listings: Vec<GroupListing> = groups
        .into_iter()
        .map(|(id, _, st, ty)| GroupListing {
            group_id: id,
            group_type: if ty == "consumer" { GroupType::Consumer } else { GroupType::Classic },
            state: state_of(&st),
        })
        .filter(|g| states.is_empty() || states.contains(&g.state))
        .filter(|g| types.is_empty() || types.contains(&g.group_type))
        .collect();
    Ok(list(&listings, p.has("type"), p.has("state")))
}

// ---------------------------------------------------------------------------
// --describe
// ---------------------------------------------------------------------------

fn cmd_describe(ctx: &mut Ctx, admin: &AdminConn, p: &ParsedOpts) -> Result<Output, Failed> {
    let names = target_groups(ctx, admin, p)?;
    let mut descs = Vec::new();
    for g in &names {
        let d = describe_group(ctx, admin, g)?;
        if state_of(&d.state) == GroupState::Dead {
            // A group that does not exist: DescribeGroups v6 answers GROUP_ID_NOT_FOUND with the
            // message of the ConsumerGroupDescribe tried first (`DescribeConsumerGroupsHandler`,
            // `GroupMetadataManager.group`), and `describeConsumerGroups` lets the future's
            // `ExecutionException` through.
            return Err(Failed::execution(&format!(
                "org.apache.kafka.common.errors.GroupIdNotFoundException: Group {g} not found."
            )));
        }
        descs.push(d);
    }
    if p.has("members") {
        let groups: Vec<GroupMembers> = descs
            .iter()
            .map(|d| GroupMembers {
                group: d.group.clone(),
                state: state_of(&d.state),
                members: d
                    .members
                    .iter()
                    .map(|m| MemberRow {
                        consumer_id: m.member_id.clone(),
                        group_instance_id: m.instance_id.clone(),
                        host: m.host.clone(),
                        client_id: m.client_id.clone(),
                        assignment: m.assignment.iter().map(|tp| (tp.topic.clone(), tp.partition)).collect(),
                        // Classic-protocol members have no epochs or target assignment.
                        current_epoch: m.member_epoch,
                        target_assignment: m
                            .target_assignment
                            .iter()
                            .map(|tp| (tp.topic.clone(), tp.partition))
                            .collect(),
                        upgraded: m.upgraded,
                    })
                    .collect(),
                target_epoch: d.consumer.as_ref().map(|c| c.assignment_epoch),
            })
            .collect();
        return Ok(describe_members(&groups, p.has("verbose")));
    }
    if p.has("state") {
        let mut rows = Vec::new();
        for d in &descs {
            let state = state_of(&d.state);
            rows.push(GroupStateRow {
                group: d.group.clone(),
                coordinator: Coordinator {
                    host: "localhost".into(),
                    port: i32::from(Env::broker_port(d.coordinator)),
                    id: d.coordinator,
                },
                assignment_strategy: match &d.consumer {
                    Some(c) => c.assignor.clone(),
                    None => d.protocol.clone(),
                },
                state,
                members: d.members.len() as i32,
                group_epoch: d.consumer.as_ref().map(|c| c.group_epoch),
                target_assignment_epoch: d.consumer.as_ref().map(|c| c.assignment_epoch),
            });
        }
        return Ok(describe_state(&rows, p.has("verbose")));
    }
    let mut groups = Vec::new();
    for d in &descs {
        let state = state_of(&d.state);
        if state == GroupState::Dead {
            groups.push(GroupOffsets { group: d.group.clone(), state, rows: vec![] });
            continue;
        }
        let offsets = committed(ctx, admin, &d.group)?;
        // Members with partitions, most partitions first; then committed partitions no one owns.
        let mut members: Vec<&crate::sim::protocol::GroupMemberDescription> =
            d.members.iter().filter(|m| !m.assignment.is_empty()).collect();
        members.compact_sort_by_key(|m| std::cmp::Reverse(m.assignment.len()));
        let mut owned: BTreeSet<TopicPartition> = BTreeSet::new();
        let mut keyed: Vec<(TopicPartition, Option<Owner>)> = Vec::new();
        for m in members {
            let mut tps = m.assignment.clone();
            tps.compact_sort();
            for tp in tps {
                owned.insert(tp.clone());
                keyed.push((tp, Some((m.member_id.clone(), m.host.clone(), m.client_id.clone()))));
            }
        }
        for tp in offsets.keys() {
            if !owned.contains(tp) {
                keyed.push((tp.clone(), None));
            }
        }
        let tps: Vec<TopicPartition> = keyed.iter().map(|(tp, _)| tp.clone()).collect();
        let ends = list_offsets(ctx, admin, &tps, -1)?;
        let rows = keyed
            .into_iter()
            .map(|(tp, m)| OffsetRow {
                current_offset: offsets.get(&tp).copied(),
                log_end_offset: ends.get(&tp).copied().flatten(),
                consumer_id: m.as_ref().map(|x| x.0.clone()),
                host: m.as_ref().map(|x| x.1.clone()),
                client_id: m.as_ref().map(|x| x.2.clone()),
                topic: Some(tp.topic),
                partition: Some(tp.partition),
            })
            .collect();
        groups.push(GroupOffsets { group: d.group.clone(), state, rows });
    }
    Ok(describe_offsets(&groups))
}

// ---------------------------------------------------------------------------
// --delete, --delete-offsets
// ---------------------------------------------------------------------------

fn cmd_delete(ctx: &mut Ctx, admin: &AdminConn, p: &ParsedOpts) -> Result<Output, Failed> {
    let names = target_groups(ctx, admin, p)?;
    let calls: Vec<Call> = names
        .iter()
        .map(|g| {
            Call::new(
                "deleteConsumerGroups",
                Target::Coordinator { key: g.clone(), transaction: false },
                Request::DeleteGroups { groups: vec![g.clone()] },
            )
        })
        .collect();
    let mut results = Vec::new();
    for (g, r) in names.iter().zip(admin.run(ctx, calls)) {
        let e = match r {
            Ok(Response::DeleteGroups(v)) => match v.into_iter().find(|(x, _)| x == g).and_then(|(_, e)| e) {
                None => None,
                Some(KafkaError::NON_EMPTY_GROUP) => Some(DeleteGroupError::NotEmpty),
                Some(KafkaError::GROUP_ID_NOT_FOUND) => Some(DeleteGroupError::NotFound),
                Some(e) => Some(DeleteGroupError::Other(e.java_string(None))),
            },
            Ok(_) => None,
            Err(m) => Some(DeleteGroupError::Other(crate::sim::client::admin::call_exception(&m))),
        };
        results.push((g.clone(), e));
    }
    if results.is_empty() {
        return Ok(Output::new());
    }
    Ok(delete_groups(&results))
}

/// `--topic t` or `--topic t:0,1,2` (`GroupOffsetsResetter.parseTopicsWithPartitions`); `Err` is
/// its `IllegalArgumentException` message.
fn parse_topic_arg(v: &str) -> Result<(String, Option<Vec<i32>>), String> {
    if !v.contains(':') {
        return Ok((v.to_string(), None));
    }
    // `String.split(":")` drops trailing empty strings.
    let mut arr: Vec<&str> = v.split(':').collect();
    while arr.len() > 1 && arr.last().is_some_and(|x| x.is_empty()) {
        arr.pop();
    }
    if arr.len() != 2 {
        return Err(format!("Invalid topic arg '{v}', expected topic name and partitions"));
    }
    let mut parts = Vec::new();
    let mut pieces: Vec<&str> = arr[1].split(',').collect();
    while pieces.len() > 1 && pieces.last().is_some_and(|x| x.is_empty()) {
        pieces.pop();
    }
    for x in pieces {
        match crate::sim::java::java_parse_int(x) {
            Some(n) => parts.push(n),
            None => return Err(format!("Invalid partition '{x}' specified in topic arg '{v}''")),
        }
    }
    Ok((arr[0].to_string(), Some(parts)))
}

/// The partitions `--topic` options name (whole topics expanded through metadata, a topic
/// that does not exist failing the command).
fn scoped_partitions(ctx: &mut Ctx, admin: &AdminConn, p: &ParsedOpts) -> Result<Vec<TopicPartition>, Failed> {
    let mut whole: Vec<String> = Vec::new();
    let mut v: Vec<TopicPartition> = Vec::new();
    for t in p.values("topic") {
        match parse_topic_arg(t) {
            Ok((topic, Some(parts))) => v.extend(parts.into_iter().map(|n| TopicPartition::new(topic.clone(), n))),
            Ok((topic, None)) => whole.push(topic),
            Err(m) => return Err(Failed::usage(&m)),
        }
    }
    if !whole.is_empty() {
        v.extend(topic_partitions(ctx, admin, &whole)?);
    }
    let mut seen = BTreeSet::new();
    v.retain(|tp| seen.insert(tp.clone()));
    Ok(v)
}

const UNKNOWN_TOPIC: &str =
    "org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this topic-partition.";

fn cmd_delete_offsets(ctx: &mut Ctx, admin: &AdminConn, p: &ParsedOpts) -> Result<Output, Failed> {
    let group = p.value("group").unwrap_or("").to_string();
    // `ConsumerGroupService.deleteOffsets`: `topic:partitions` are taken as given, whole topics
    // are described one by one and a topic that cannot be described becomes a row of its own.
    let mut tps: Vec<TopicPartition> = Vec::new();
    let mut rows: Vec<DeleteOffsetsRow> = Vec::new();
    for t in p.values("topic") {
        match parse_topic_arg(t) {
            Ok((topic, Some(parts))) => tps.extend(parts.into_iter().map(|n| TopicPartition::new(topic.clone(), n))),
            Ok((topic, None)) => match topic_partitions(ctx, admin, std::slice::from_ref(&topic)) {
                Ok(v) => tps.extend(v),
                Err(f) if f.message == KafkaError::UNKNOWN_TOPIC_OR_PARTITION.java_string(None) => {
                    rows.push(DeleteOffsetsRow { topic, partition: -1, error: Some(UNKNOWN_TOPIC.to_string()) })
                }
                Err(f) => return Err(f),
            },
            Err(m) => return Err(Failed::usage(&m)),
        }
    }
    let mut seen = BTreeSet::new();
    tps.retain(|tp| seen.insert(tp.clone()));
    let r = admin.call(
        ctx,
        "deleteConsumerGroupOffsets",
        Target::Coordinator { key: group.clone(), transaction: false },
        Request::OffsetDelete { group: group.clone(), partitions: tps.clone() },
    );
    let result = match r {
        Ok(Response::OffsetDelete { error: Some(KafkaError::GROUP_ID_NOT_FOUND), .. }) => {
            rows.extend(error_rows(&tps, KafkaError::GROUP_ID_NOT_FOUND));
            DeleteOffsetsResult::GroupNotFound
        }
        Ok(Response::OffsetDelete { error: Some(KafkaError::NON_EMPTY_GROUP), .. }) => {
            rows.extend(error_rows(&tps, KafkaError::NON_EMPTY_GROUP));
            DeleteOffsetsResult::GroupNotEmpty
        }
        // `deleteOffsets` prints the top-level error's message for GROUP_AUTHORIZATION_FAILED
        // too, and each partition fails with it.
        Ok(Response::OffsetDelete { error: Some(KafkaError::GROUP_AUTHORIZATION_FAILED), .. }) => {
            rows.extend(error_rows(&tps, KafkaError::GROUP_AUTHORIZATION_FAILED));
            DeleteOffsetsResult::GroupAuthorizationFailed
        }
        Ok(Response::OffsetDelete { error: Some(e), .. }) => return Err(Failed::api(e)),
        Ok(Response::OffsetDelete { error: None, results }) => {
            let any = results.iter().any(|(_, e)| e.is_some());
            rows.extend(results.iter().map(|(tp, e)| DeleteOffsetsRow {
                topic: tp.topic.clone(),
                partition: tp.partition,
                error: e.map(|e| e.java_string(None)),
            }));
            if any {
                DeleteOffsetsResult::PartitionErrors
            } else {
                DeleteOffsetsResult::Success
            }
        }
        Ok(_) => DeleteOffsetsResult::Success,
        Err(m) => return Err(Failed::timeout(&m)),
    };
    Ok(groups::delete_offsets(&group, result, &rows))
}

fn error_rows(tps: &[TopicPartition], e: KafkaError) -> Vec<DeleteOffsetsRow> {
    tps.iter()
        .map(|tp| DeleteOffsetsRow {
            topic: tp.topic.clone(),
            partition: tp.partition,
            error: Some(e.java_string(None)),
        })
        .collect()
}

// ---------------------------------------------------------------------------
// --reset-offsets (`ConsumerGroupCommand`)
// ---------------------------------------------------------------------------

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `--to-datetime` (`Utils.getDateTime`: `yyyy-MM-dd'T'HH:mm:ss.SSS`, optionally with `Z` or
/// `±HH:mm`; UTC without one) → epoch milliseconds; `Err` is the `ParseException` message.
pub(crate) fn parse_datetime(s: &str) -> Result<i64, String> {
    // `timestamp.split("T")` (trailing empty strings dropped) must give two parts.
    if s.trim_end_matches('T').split('T').count() < 2 {
        return Err("Error parsing timestamp. It does not contain a 'T' according to ISO8601 format".to_string());
    }
    let second = s.split('T').nth(1).unwrap_or("");
    let zoned = if second.contains(['+', '-', 'Z']) { s.to_string() } else { format!("{s}Z") };
    let bad = || format!("Unparseable date: \"{zoned}\"");
    let (date, time) = s.split_once('T').ok_or_else(bad)?;
    let dp: Vec<&str> = date.split('-').collect();
    if dp.len() != 3 || dp[0].len() != 4 || dp[1].len() != 2 || dp[2].len() != 2 {
        return Err(bad());
    }
    let num = |x: &str| -> Result<i64, String> {
        if x.is_empty() || !x.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        x.parse::<i64>().map_err(|_| bad())
    };
    let (y, mo, d) = (num(dp[0])?, num(dp[1])?, num(dp[2])?);
    // Split off a zone.
    let (clock, offset_min) = if let Some(c) = time.strip_suffix('Z') {
        (c, 0)
    } else if let Some(i) = time.rfind(['+', '-']) {
        let (c, z) = time.split_at(i);
        let sign = if z.starts_with('-') { -1 } else { 1 };
        let zz = z[1..].replace(':', "");
        if zz.len() != 4 {
            return Err(bad());
        }
        (c, sign * (num(&zz[..2])? * 60 + num(&zz[2..])?))
    } else {
        (time, 0)
    };
    // `.SSS` is part of both patterns `getDateTime` tries.
    let (hms, ms) = match clock.split_once('.') {
        Some((a, b)) if b.len() == 3 => (a, num(b)?),
        _ => return Err(bad()),
    };
    let tp: Vec<&str> = hms.split(':').collect();
    if tp.len() != 3 {
        return Err(bad());
    }
    let (h, mi, sec) = (num(tp[0])?, num(tp[1])?, num(tp[2])?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 59 {
        return Err(bad());
    }
    let days = days_from_civil(y, mo, d);
    Ok(((days * 24 + h) * 60 + mi) * 60_000 + sec * 1000 + ms - offset_min * 60_000)
}

/// `--by-duration` (`java.time.Duration.parse`: `PnDTnHnMnS`, seconds may have a fraction)
/// → milliseconds.
pub(crate) fn parse_duration(s: &str) -> Result<i64, String> {
    let bad = || "Text cannot be parsed to a Duration".to_string();
    let body = s.strip_prefix('P').or_else(|| s.strip_prefix('p')).ok_or_else(bad)?;
    let (days_part, time_part) = match body.split_once(['T', 't']) {
        Some((a, b)) => (a, Some(b)),
        None => (body, None),
    };
    let mut ms: i64 = 0;
    let mut any = false;
    if !days_part.is_empty() {
        let n = days_part.strip_suffix(['D', 'd']).ok_or_else(bad)?;
        ms = ms
            .checked_add(n.parse::<i64>().map_err(|_| bad())?.checked_mul(86_400_000).ok_or_else(bad)?)
            .ok_or_else(bad)?;
        any = true;
    }
    if let Some(t) = time_part {
        if t.is_empty() {
            return Err(bad());
        }
        let mut rest = t;
        while !rest.is_empty() {
            let i = rest.find(|c: char| c.is_ascii_alphabetic()).ok_or_else(bad)?;
            let (n, unit) = rest.split_at(i);
            let unit_ms: i64 = match &unit[..1] {
                "H" | "h" => 3_600_000,
                "M" | "m" => 60_000,
                "S" | "s" => 1000,
                _ => return Err(bad()),
            };
            let v = if unit_ms == 1000 && n.contains('.') {
                let (a, b) = n.split_once('.').ok_or_else(bad)?;
                let whole = a.parse::<i64>().map_err(|_| bad())?;
                let frac: String = b.chars().chain("000".chars()).take(3).collect();
                whole.checked_mul(1000).and_then(|w| w.checked_add(frac.parse::<i64>().ok()?)).ok_or_else(bad)?
            } else {
                n.parse::<i64>().map_err(|_| bad())?.checked_mul(unit_ms).ok_or_else(bad)?
            };
            ms = ms.checked_add(v).ok_or_else(bad)?;
            rest = &unit[1..];
            any = true;
        }
    }
    if !any {
        return Err(bad());
    }
    Ok(ms)
}

fn cmd_reset(ctx: &mut Ctx, admin: &AdminConn, p: &ParsedOpts) -> Result<Output, Failed> {
    let names = target_groups(ctx, admin, p)?;
    // `ConsumerGroupService.resetOffsetsForInactiveGroup`: a dry run unless --execute is given.
    let execute = p.has("execute") && !p.has("dry-run");
    let export = p.has("export");
    let mut o = Output::new();
    let mut rows: Vec<ResetRow> = Vec::new();
    for g in &names {
        let d = describe_group(ctx, admin, g)?;
        let state = state_of(&d.state);
        // A group that does not exist is reset like an inactive one (`resetOffsets`).
        if !matches!(state, GroupState::Empty | GroupState::Dead) {
            o.append(&reset_group_not_inactive(g, state));
            continue;
        }
        let committed = committed(ctx, admin, g)?;
        let plan = reset_plan(ctx, admin, p, g, &committed, &mut o).map_err(Failed::unwrap_kafka_cause)?;
        if execute && !plan.is_empty() {
            let r = admin.call(
                ctx,
                "alterConsumerGroupOffsets",
                Target::Coordinator { key: g.clone(), transaction: false },
                Request::OffsetCommit {
                    group: g.clone(),
                    generation: -1,
                    member_id: String::new(),
                    offsets: plan.iter().map(|(tp, o)| (tp.clone(), *o, None)).collect(),
                },
            );
            let failed = match r {
                // OffsetCommitRequest.getErrorResponse gives every partition the error.
                Ok(Response::OffsetCommit { error: Some(e), results }) if results.is_empty() => {
                    alter_offsets_failed(&plan.iter().map(|(tp, _)| (tp.clone(), Some(e))).collect::<Vec<_>>())
                }
                Ok(Response::OffsetCommit { results, .. }) => alter_offsets_failed(&results),
                Ok(_) => None,
                Err(m) => Some(Failed::timeout(&m)),
            };
            if let Some(f) = failed {
                return Err(f.unwrap_kafka_cause());
            }
        }
        rows.extend(plan.into_iter().map(|(tp, off)| ResetRow {
            group: g.clone(),
            topic: tp.topic,
            partition: tp.partition,
            new_offset: off,
        }));
    }
    if export {
        o.append(&reset_csv(&rows, p.values("group").len() != 1));
    } else {
        o.append(&reset_table(&names, &rows));
    }
    Ok(o)
}

/// `AlterConsumerGroupOffsetsResult.all()`: the partitions' results are a `HashMap` filled in
/// the response's order (`AlterConsumerGroupOffsetsHandler.handleResponse`); the first error
/// in its iteration order fails the call, naming every failed partition in that order.
fn alter_offsets_failed(results: &[(TopicPartition, Option<KafkaError>)]) -> Option<Failed> {
    let keyed: Vec<(&(TopicPartition, Option<KafkaError>), i32)> = results
        .iter()
        .map(|r| (r, crate::console::format::groups::topic_partition_hash(&r.0.topic, r.0.partition)))
        .collect();
    let failed: Vec<&(TopicPartition, Option<KafkaError>)> =
        java_hash_order(&keyed, 16).into_iter().filter(|(_, e)| e.is_some()).collect();
    let error = failed.first().and_then(|(_, e)| *e)?;
    let names: Vec<String> = failed.iter().map(|(tp, _)| tp.to_string()).collect();
    let message = format!("Failed altering group offsets for the following partitions: [{}]", names.join(", "));
    Some(Failed::execution(&error.java_string(Some(&message))))
}

/// The new offset of each partition in scope, with the tool's warnings in `o`
/// (`ConsumerGroupService.prepareOffsetsToReset`, `GroupOffsetsResetter`).
fn reset_plan(
    ctx: &mut Ctx,
    admin: &AdminConn,
    p: &ParsedOpts,
    group: &str,
    committed: &BTreeMap<TopicPartition, Offset>,
    o: &mut Output,
) -> Result<Vec<(TopicPartition, Offset)>, Failed> {
    let tps: Vec<TopicPartition> = if p.has("all-topics") {
        committed.keys().cloned().collect()
    } else if p.has("topic") {
        scoped_partitions(ctx, admin, p)?
    } else {
        vec![]
    };
    check_partitions_exist(ctx, admin, &tps)?;
    let requested: Vec<(TopicPartition, Offset)> = if let Some(path) = p.value("from-file") {
        match from_file(ctx, path, group)? {
            Some(plan) => plan,
            None => {
                o.out(&format!("\nError: No reset plan for group {group} found.\n"));
                return Ok(vec![]);
            }
        }
    } else {
        tps.iter().map(|tp| (tp.clone(), 0)).collect()
    };
    if requested.is_empty() {
        return Ok(vec![]);
    }
    let scope: Vec<TopicPartition> = requested.iter().map(|(tp, _)| tp.clone()).collect();
    let earliest = list_offsets(ctx, admin, &scope, -2)?;
    let latest = list_offsets(ctx, admin, &scope, -1)?;
    let lo = |tp: &TopicPartition| earliest.get(tp).copied().flatten().unwrap_or(0);
    let hi = |tp: &TopicPartition| latest.get(tp).copied().flatten().unwrap_or(0);
    let ts = super::now_ts(ctx.sim);
    // Clamps a target into [log start, log end] (`GroupOffsetsResetter.checkOffsetsRange`, which
    // looks at the end first), logging the clamp.
    let clamp = |tp: &TopicPartition, target: Offset, o: &mut Output| -> Offset {
        if target > hi(tp) {
            o.errln(&offset_clamped_high(&ts, target, &tp.topic, tp.partition, hi(tp)));
            hi(tp)
        } else if target < lo(tp) {
            o.errln(&offset_clamped_low(&ts, target, &tp.topic, tp.partition, lo(tp)));
            lo(tp)
        } else {
            target
        }
    };
    let mut plan = Vec::new();
    if let Some(v) = p.value("to-offset") {
        let n = crate::sim::java::java_parse_long(v).unwrap_or(0);
        for tp in &tps {
            plan.push((tp.clone(), clamp(tp, n, o)));
        }
    } else if p.has("to-earliest") {
        plan = tps.iter().map(|tp| (tp.clone(), lo(tp))).collect();
    } else if p.has("to-latest") {
        plan = tps.iter().map(|tp| (tp.clone(), hi(tp))).collect();
    } else if let Some(v) = p.value("shift-by") {
        let n = crate::sim::java::java_parse_long(v).unwrap_or(0);
        // Every partition's target first (an IllegalArgumentException for one without a
        // committed offset), then the range checks.
        let mut targets = Vec::new();
        for tp in &tps {
            let Some(c) = committed.get(tp) else {
                return Err(Failed::usage(&cannot_shift(&tp.topic, tp.partition)));
            };
            targets.push((tp, c.wrapping_add(n)));
        }
        for (tp, target) in targets {
            plan.push((tp.clone(), clamp(tp, target, o)));
        }
    } else if p.has("to-datetime") || p.has("by-duration") {
        let target_ms = if let Some(v) = p.value("to-datetime") {
            // `Utils.getDateTime`'s ParseException, wrapped by `resetToDateTime`.
            parse_datetime(v).map_err(|m| Failed::runtime(&[("java.text.ParseException", &m)]))?
        } else {
            let v = p.value("by-duration").unwrap_or("");
            let d = parse_duration(v).map_err(|m| Failed::thrown("java.time.format.DateTimeParseException", &m))?;
            ctx.sim.env().wall_ms(ctx.sim.now()).saturating_sub(d)
        };
        let by_time = list_offsets(ctx, admin, &tps, target_ms.max(0))?;
        for tp in &tps {
            match by_time.get(tp).copied().flatten() {
                Some(off) => plan.push((tp.clone(), off)),
                None => {
                    o.out(&empty_partition_warning(&tp.topic, tp.partition));
                    plan.push((tp.clone(), hi(tp)));
                }
            }
        }
    } else if p.has("from-file") {
        for (tp, target) in &requested {
            plan.push((tp.clone(), clamp(tp, *target, o)));
        }
    } else if p.has("to-current") {
        plan = tps.iter().map(|tp| (tp.clone(), committed.get(tp).copied().unwrap_or_else(|| hi(tp)))).collect();
    }
    Ok(plan)
}

/// The reset plan of `kafka-share-groups --reset-offsets`, which uses the same
/// `GroupOffsetsResetter` (`ShareGroupCommand.prepareOffsetsToReset`); `current` holds the
/// share-partitions' start offsets. A failure comes back as its message, its stderr text and
/// whether it is a usage error.
pub(crate) fn share_reset_plan(
    ctx: &mut Ctx,
    admin: &AdminConn,
    p: &ParsedOpts,
    group: &str,
    current: &BTreeMap<TopicPartition, Offset>,
    o: &mut Output,
) -> Result<Vec<(TopicPartition, Offset)>, (String, String, bool)> {
    reset_plan(ctx, admin, p, group, current, o)
        .map_err(Failed::unwrap_kafka_cause)
        .map_err(|f| (f.message, f.trace, f.usage))
}

/// `GroupOffsetsResetter.checkAllTopicPartitionsValid`: named partitions that do not exist fail
/// the reset with an `UnknownTopicOrPartitionException` the tool throws itself.
fn check_partitions_exist(ctx: &mut Ctx, admin: &AdminConn, tps: &[TopicPartition]) -> Result<(), Failed> {
    let mut topics: Vec<String> = tps.iter().map(|tp| tp.topic.clone()).collect();
    topics.compact_sort();
    topics.dedup();
    if topics.is_empty() {
        return Ok(());
    }
    let existing: BTreeSet<TopicPartition> = topic_partitions(ctx, admin, &topics)?.into_iter().collect_set();
    let missing: Vec<String> = tps.iter().filter(|tp| !existing.contains(tp)).map(|tp| tp.to_string()).collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(Failed::thrown(
        "org.apache.kafka.common.errors.UnknownTopicOrPartitionException",
        &format!("The partitions \"{}\" do not exist", missing.join(",")),
    ))
}

/// `--from-file` (`GroupOffsetsResetter.resetPlanFromFile`): CSV lines `topic,partition,offset`
/// (one group) or `group,topic,partition,offset`; `None` when the file has no plan for `group`.
fn from_file(ctx: &Ctx, path: &str, group: &str) -> Result<Option<Vec<(TopicPartition, Offset)>>, Failed> {
    let text = super::read_file(ctx, path).map_err(|_| {
        // `Utils.readFileAsString`'s IOException, wrapped by `resetPlanFromFile`.
        Failed::runtime(&[
            ("java.io.IOException", &format!("Unable to read file {path}")),
            ("java.nio.file.NoSuchFileException", path),
        ])
    })?;
    let mut v = Vec::new();
    let mut found = false;
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        let bad =
            || Failed::thrown("java.lang.IllegalArgumentException", &format!("Unable to parse the CSV line: {line}"));
        let (g, t, part, off) = match f.len() {
            3 => (group, f[0], f[1], f[2]),
            4 => (f[0], f[1], f[2], f[3]),
            _ => return Err(bad()),
        };
        if g != group {
            continue;
        }
        found = true;
        let part = part.parse::<i32>().map_err(|_| bad())?;
        let off = off.parse::<i64>().map_err(|_| bad())?;
        v.push((TopicPartition::new(t, part), off));
    }
    Ok(found.then_some(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes_parse_like_the_tool() {
        assert_eq!(parse_datetime("1970-01-01T00:00:00.000"), Ok(0));
        assert_eq!(parse_datetime("2025-03-18T00:00:00.000"), Ok(1_742_256_000_000));
        assert_eq!(parse_datetime("2025-03-18T01:00:00.000+01:00"), Ok(1_742_256_000_000));
        assert_eq!(parse_datetime("2025-03-18T00:00:01.000Z"), Ok(1_742_256_001_000));
        assert!(parse_datetime("2025-03-18T00:00:01Z").is_err());
        assert_eq!(
            parse_datetime("yesterday"),
            Err("Error parsing timestamp. It does not contain a 'T' according to ISO8601 format".to_string())
        );
        assert_eq!(
            parse_datetime("2025-03-18T25:00:00.000"),
            Err("Unparseable date: \"2025-03-18T25:00:00.000Z\"".to_string())
        );
        assert!(parse_datetime("2025-13-18T00:00:00.000").is_err());
    }

    #[test]
    fn durations_parse_like_java_duration() {
        assert_eq!(parse_duration("PT10M"), Ok(600_000));
        assert_eq!(parse_duration("P1DT2H"), Ok(93_600_000));
        assert_eq!(parse_duration("PT1.5S"), Ok(1500));
        assert!(parse_duration("10m").is_err());
        assert!(parse_duration("P").is_err());
        assert!(parse_duration("PT").is_err());
        assert!(parse_duration("P99999999999999999D").is_err());
    }
}
