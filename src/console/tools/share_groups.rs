//! `kafka-share-groups` (`ShareGroupCommand`): `--list [--state]` and `--describe` (offsets,
//! `--members`, `--state`, each `--verbose`) of share groups (KIP-932), through the admin client:
//! ListGroups to every broker (share groups only), ShareGroupDescribe to the group's coordinator,
//! the share-partitions' start offsets from their leaders and ListOffsets for the lag
//! (`lag = latest offset - start offset - records finished past it`,
//! `GroupCoordinatorService.describeShareGroupOffsets`). Runtime failures print `Error: Executing
//! share group command failed due to ...` (exit 0), as the real tool does.
//!
//! `--reset-offsets` (`AlterShareGroupOffsets`), `--delete-offsets` (`DeleteShareGroupOffsets`)
//! and `--delete` (`DeleteGroups`) go to the group coordinator, which checks the group is empty
//! and updates it; the share-partitions' state then changes at their share coordinators
//! (`InitializeShareGroupState`, `DeleteShareGroupState`), which Kafka's group coordinator does
//! through the persister and Brokerlab's admin does itself.

use super::{AdminConn, Ctx, Started};
use crate::console::format::groups::ResetRow;
use crate::console::format::Output;
use crate::console::opts::{parse_command, usage_error, ParsedOpts, Tool};
use crate::sim::client::admin::{Call, Target};
use crate::sim::errors::KafkaError;
use crate::sim::protocol::{Isolation, Request, Response, ShareGroupDescription};
use crate::sim::types::{Offset, TopicPartition};
use std::collections::{BTreeMap, BTreeSet};

/// `Error: Executing share group command failed due to <message>` with the exception's trace.
struct Failed {
    message: String,
    trace: String,
    usage: bool,
}

impl Failed {
    fn execution(cause: &str) -> Failed {
        Failed {
            message: cause.to_string(),
            trace: crate::console::format::stack_trace("java.util.concurrent.ExecutionException", cause),
            usage: false,
        }
    }

    fn api(e: KafkaError, message: Option<&str>) -> Failed {
        Failed::execution(&e.java_string(message))
    }

    /// A cause rethrown on its own (`resetOffsetsForInactiveGroup`): its message, and as an
    /// `ApiException` without a stack trace, its `toString()` on stderr.
    fn bare(e: KafkaError, message: Option<&str>) -> Failed {
        let full = e.java_string(message);
        let message = full.split_once(": ").map(|(_, m)| m.to_string()).unwrap_or_default();
        Failed {
            message,
            trace: format!(
                "{full}
"
            ),
            usage: false,
        }
    }

    fn timeout(m: &str) -> Failed {
        Failed::execution(&crate::sim::client::admin::call_exception(m))
    }

    fn output(&self) -> Output {
        if self.usage {
            if let Some(spec) = Tool::ShareGroups.spec() {
                return usage_error(spec, &self.message);
            }
        }
        let mut o = Output::new();
        o.out(&format!("\nError: Executing share group command failed due to {}\n", self.message));
        o.err(&self.trace);
        o
    }
}

pub(crate) fn run(ctx: &mut Ctx, args: &[String]) -> Started {
    let parsed = match parse_command(Tool::ShareGroups, args) {
        Ok(p) => p,
        Err(o) => return Started::Done(o),
    };
    let p = &parsed.opts;
    let mut out = parsed.notes.clone();
    let servers = match super::validate_bootstrap(p.value("bootstrap-server")) {
        Ok(s) => s,
        Err(o) => {
            out.append(&o);
            out.exit_code = o.exit_code;
            return Started::Done(out);
        }
    };
    let timeout = p.long_value("timeout").ok().flatten().unwrap_or(30_000).max(1);
    let mut admin = AdminConn::open(ctx.sim, &servers);
    admin.timeout_ms = Some(timeout);
    let result = if p.has("list") {
        cmd_list(ctx, &admin, p)
    } else if p.has("reset-offsets") {
        cmd_reset(ctx, &admin, p)
    } else if p.has("delete-offsets") {
        cmd_delete_offsets(ctx, &admin, p)
    } else if p.has("delete") {
        cmd_delete(ctx, &admin, p)
    } else {
        cmd_describe(ctx, &admin, p)
    };
    admin.close(ctx.sim);
    let mut all = std::mem::take(&mut ctx.log);
    all.append(&out);
    match result {
        Ok(o) => {
            all.append(&o);
            all.exit_code = o.exit_code;
        }
        Err(f) => {
            let o = f.output();
            all.append(&o);
            all.exit_code = o.exit_code;
        }
    }
    Started::Done(all)
}

/// Share groups of every live broker: `(id, state)` (`Admin.listGroups(forShareGroups())`).
fn list_share_groups(ctx: &mut Ctx, admin: &AdminConn) -> Result<Vec<(String, String)>, Failed> {
    let live: Vec<i32> = super::live_brokers_of(ctx.sim, &admin.servers);
    let calls: Vec<Call> = if live.is_empty() || !super::bootstrap_reachable(ctx.sim, &admin.servers) {
        vec![Call::new("listGroups", Target::Any, Request::ListGroups { states: vec![] })]
    } else {
        live.iter()
            .map(|b| Call::new("listGroups", Target::Broker(*b), Request::ListGroups { states: vec![] }))
            .collect()
    };
    let mut seen = BTreeSet::new();
    let mut groups = Vec::new();
    for r in admin.run(ctx, calls) {
        match r {
            Ok(Response::ListGroups { error: None, groups: gs }) => {
                for (id, _, state, kind) in gs {
                    if kind == "share" && seen.insert(id.clone()) {
                        groups.push((id, state));
                    }
                }
            }
            Ok(Response::ListGroups { error: Some(e), .. }) => return Err(Failed::api(e, None)),
            Ok(_) => {}
            Err(m) => return Err(Failed::timeout(&m)),
        }
    }
    Ok(groups)
}

fn cmd_list(ctx: &mut Ctx, admin: &AdminConn, p: &ParsedOpts) -> Result<Output, Failed> {
    let groups = list_share_groups(ctx, admin)?;
    let mut o = Output::new();
    if !p.has("state") {
        for (g, _) in &groups {
            o.outln(g);
        }
        return Ok(o);
    }
    // groupStatesFromString: the share group states only (Stable, Dead, Empty).
    let wanted: Option<Vec<String>> = match p.value("state").filter(|v| !v.is_empty()) {
        None => None,
        Some(v) => {
            let mut states = Vec::new();
            for s in v.split(',') {
                let s = s.trim();
                match ["Stable", "Dead", "Empty"].iter().find(|n| n.eq_ignore_ascii_case(s)) {
                    Some(n) => states.push(n.to_string()),
                    None => {
                        return Err(Failed {
                            message: format!("Invalid state list '{v}'. Valid states are: Stable, Dead, Empty"),
                            trace: String::new(),
                            usage: true,
                        })
                    }
                }
            }
            Some(states)
        }
    };
    let shown: Vec<&(String, String)> =
        groups.iter().filter(|(_, s)| wanted.as_ref().map(|w| w.contains(s)).unwrap_or(true)).collect();
    let width = shown.iter().map(|(g, _)| g.chars().count()).max().unwrap_or(0).max(15);
    o.outln(&format!("{:<width$} {}", "GROUP", "STATE"));
    for (g, s) in shown {
        o.outln(&format!("{g:<width$} {s}"));
    }
    Ok(o)
}

fn describe(ctx: &mut Ctx, admin: &AdminConn, group: &str) -> Result<ShareGroupDescription, Failed> {
    let r = admin.call(
        ctx,
        "describeShareGroups",
        Target::Coordinator { key: group.to_string(), transaction: false },
        Request::ShareGroupDescribe { groups: vec![group.to_string()] },
    );
    match r {
        Ok(Response::ShareGroupDescribe(mut v)) if !v.is_empty() => {
            let d = v.remove(0);
            match d.error {
                None => Ok(d),
                Some(e) => Err(Failed::api(e, d.error_message.as_deref())),
            }
        }
        Ok(_) => Err(Failed::timeout("no answer. Call: describeShareGroups")),
        Err(m) => Err(Failed::timeout(&m)),
    }
}

/// The coordinator's `host:port  (id)`.
fn coordinator_text(id: i32) -> String {
    let port = crate::sim::node::Env::broker_port(id);
    format!("localhost:{port}  ({id})")
}

fn cmd_describe(ctx: &mut Ctx, admin: &AdminConn, p: &ParsedOpts) -> Result<Output, Failed> {
    let ids: Vec<String> = if p.has("all-groups") {
        list_share_groups(ctx, admin)?.into_iter().map(|(g, _)| g).collect()
    } else {
        p.values("group").iter().map(|s| s.to_string()).collect()
    };
    // describeShareGroups answers every group before anything is printed (a TreeMap by id).
    let mut descriptions: BTreeMap<String, ShareGroupDescription> = BTreeMap::new();
    for g in &ids {
        descriptions.insert(g.clone(), describe(ctx, admin, g)?);
    }
    let verbose = p.has("verbose");
    let mut o = Output::new();
    if p.has("members") {
        for (g, d) in &descriptions {
            if !print_empty_state(&mut o, g, &d.state, d.members.len()) {
                continue;
            }
            let gl = g.chars().count().max(15);
            let mut members = d.members.clone();
            members.sort_by(|a, b| crate::sim::java::java_string_cmp(&a.0, &b.0));
            let cl = members.iter().map(|m| m.0.chars().count()).max().unwrap_or(0).max(15);
            let hl = members.iter().map(|m| m.2.chars().count()).max().unwrap_or(0).max(15);
            let il = members.iter().map(|m| m.1.chars().count()).max().unwrap_or(0).max(15);
            if verbose {
                o.out(&format!(
                    "\n{:<gl$} {:<cl$} {:<hl$} {:<il$} {:<12} {:<13} {}",
                    "GROUP", "CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS", "MEMBER-EPOCH", "ASSIGNMENT"
                ));
            } else {
                o.out(&format!(
                    "\n{:<gl$} {:<cl$} {:<hl$} {:<il$} {:<12} {}",
                    "GROUP", "CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS", "ASSIGNMENT"
                ));
            }
            for (id, client, host, epoch, assigned) in &members {
                let a = assignment_string(assigned);
                if verbose {
                    o.out(&format!(
                        "\n{g:<gl$} {id:<cl$} {host:<hl$} {client:<il$} {:<12} {epoch:<13} {a}",
                        assigned.len()
                    ));
                } else {
                    o.out(&format!("\n{g:<gl$} {id:<cl$} {host:<hl$} {client:<il$} {:<12} {a}", assigned.len()));
                }
            }
            o.out("\n");
        }
        return Ok(o);
    }
    if p.has("state") {
        for (g, d) in &descriptions {
            print_empty_state(&mut o, g, &d.state, 1);
            let gl = g.chars().count().max(15);
            let coordinator = coordinator_text(d.coordinator);
            let cl = coordinator.chars().count().max(25);
            if verbose {
                o.out(&format!(
                    "\n{:<gl$} {:<cl$} {:<15} {:<12} {:<17} {}",
                    "GROUP", "COORDINATOR (ID)", "STATE", "GROUP-EPOCH", "ASSIGNMENT-EPOCH", "#MEMBERS"
                ));
                o.out(&format!(
                    "\n{g:<gl$} {coordinator:<cl$} {:<15} {:<12} {:<17} {}",
                    d.state,
                    d.group_epoch,
                    d.assignment_epoch,
                    d.members.len()
                ));
            } else {
                o.out(&format!("\n{:<gl$} {:<cl$} {:<15} {}", "GROUP", "COORDINATOR (ID)", "STATE", "#MEMBERS"));
                o.out(&format!("\n{g:<gl$} {coordinator:<cl$} {:<15} {}", d.state, d.members.len()));
            }
            o.out("\n");
        }
        return Ok(o);
    }
    // Offsets: the share-partitions' start offsets and lag.
    for (g, d) in &descriptions {
        let rows = share_offsets(ctx, admin, g, &d.partitions)?;
        if rows.is_empty() {
            o.outln(&format!("\nShare group '{g}' has no offset information."));
            continue;
        }
        let gl = g.chars().count().max(15);
        let tl = rows.iter().map(|r| r.0.topic.chars().count()).max().unwrap_or(0).max(15);
        let dash = |v: Option<i64>| v.map(|x| x.to_string()).unwrap_or_else(|| "-".into());
        if verbose {
            o.out(&format!(
                "\n{:<gl$} {:<tl$} {:<10} {:<13} {:<13} {}",
                "GROUP", "TOPIC", "PARTITION", "LEADER-EPOCH", "START-OFFSET", "LAG"
            ));
        } else {
            o.out(&format!("\n{:<gl$} {:<tl$} {:<10} {:<13} {}", "GROUP", "TOPIC", "PARTITION", "START-OFFSET", "LAG"));
        }
        for (tp, start, epoch, lag) in &rows {
            if verbose {
                o.out(&format!(
                    "\n{g:<gl$} {:<tl$} {:<10} {:<13} {:<13} {}",
                    tp.topic,
                    tp.partition,
                    dash(*epoch),
                    dash(*start),
                    dash(*lag)
                ));
            } else {
                o.out(&format!(
                    "\n{g:<gl$} {:<tl$} {:<10} {:<13} {}",
                    tp.topic,
                    tp.partition,
                    dash(*start),
                    dash(*lag)
                ));
            }
        }
        o.out("\n");
    }
    Ok(o)
}

/// `maybePrintEmptyGroupState`: whether rows follow.
fn print_empty_state(o: &mut Output, group: &str, state: &str, rows: usize) -> bool {
    if state == "Dead" {
        o.out(&format!("\nError: Share group '{group}' does not exist.\n"));
    } else if state == "Empty" {
        o.err(&format!("\nShare group '{group}' has no active members.\n"));
    }
    state != "Dead" && rows > 0
}

/// `getAssignmentString`: `topic:0,1;other:2`, topics sorted.
fn assignment_string(tps: &[TopicPartition]) -> String {
    let mut by_topic: BTreeMap<&str, Vec<i32>> = BTreeMap::new();
    for tp in tps {
        by_topic.entry(&tp.topic).or_default().push(tp.partition);
    }
    let mut parts: Vec<String> = by_topic
        .into_iter()
        .map(|(t, mut ps)| {
            ps.sort_unstable();
            format!("{t}:{}", ps.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(","))
        })
        .collect();
    parts.sort();
    parts.join(";")
}

/// `ShareGroupService.resetOffsets`: the group must be Empty (or not exist); the plan is
/// `GroupOffsetsResetter`'s, printed as `GROUP TOPIC PARTITION NEW-OFFSET`; with `--execute`
/// it is applied (`Admin.alterShareGroupOffsets`).
fn cmd_reset(ctx: &mut Ctx, admin: &AdminConn, p: &ParsedOpts) -> Result<Output, Failed> {
    let group = p.value("group").unwrap_or_default().to_string();
    let partitions = match describe(ctx, admin, &group) {
        Ok(d) => {
            if d.state != "Empty" && d.state != "Dead" {
                // `CommandLineUtils.printErrorAndExit`.
                let mut o = Output::new();
                o.errln(&format!("Share group '{group}' is not empty."));
                o.exit_code = 1;
                return Ok(o);
            }
            d.partitions
        }
        Err(f) if f.message.contains("GroupIdNotFoundException") && f.message.ends_with(" not found.") => vec![],
        Err(f) => return Err(f),
    };
    let current: BTreeMap<TopicPartition, Offset> = if p.has("all-topics") || p.has("to-current") {
        share_offsets(ctx, admin, &group, &partitions)?
            .into_iter()
            .map(|(tp, start, _, _)| (tp.clone(), start.unwrap_or(-1)))
            .collect()
    } else {
        BTreeMap::new()
    };
    let mut o = Output::new();
    let plan = super::consumer_groups::share_reset_plan(ctx, admin, p, &group, &current, &mut o)
        .map_err(|(message, trace, usage)| Failed { message, trace, usage })?;
    if p.has("execute") && !plan.is_empty() {
        let mut topics: Vec<String> = plan.iter().map(|(tp, _)| tp.topic.clone()).collect();
        topics.dedup();
        let r = admin.call(
            ctx,
            "alterShareGroupOffsets",
            Target::Coordinator { key: group.clone(), transaction: false },
            Request::AlterShareGroupOffsets { group: group.clone(), topics },
        );
        match r {
            Ok(Response::AlterShareGroupOffsets { error: Some(e), error_message }) => {
                return Err(Failed::bare(e, error_message.as_deref()))
            }
            Ok(_) => {}
            Err(m) => return Err(Failed::timeout(&m)),
        }
        let keys: Vec<(TopicPartition, Offset)> = plan.clone();
        set_share_state(ctx, admin, &group, keys.into_iter().map(|(tp, o)| (tp, Some(o))).collect())?;
    }
    if p.has("export") {
        let rows: Vec<ResetRow> = reset_rows(&group, &plan);
        o.append(&crate::console::format::groups::reset_csv(&rows, false));
    } else if !plan.is_empty() {
        o.append(&crate::console::format::groups::reset_table(
            std::slice::from_ref(&group),
            &reset_rows(&group, &plan),
        ));
    } else {
        o.out(
            "
",
        );
    }
    Ok(o)
}

fn reset_rows(group: &str, plan: &[(TopicPartition, Offset)]) -> Vec<ResetRow> {
    plan.iter()
        .map(|(tp, off)| ResetRow {
            group: group.to_string(),
            topic: tp.topic.clone(),
            partition: tp.partition,
            new_offset: *off,
        })
        .collect()
}

/// Sets (`Some(start offset)`: `InitializeShareGroupState`) or deletes (`None`:
/// `DeleteShareGroupState`) share-partitions' state at their share coordinators.
fn set_share_state(
    ctx: &mut Ctx,
    admin: &AdminConn,
    group: &str,
    changes: Vec<(TopicPartition, Option<Offset>)>,
) -> Result<(), Failed> {
    let mut calls = Vec::new();
    for (tp, start) in changes {
        let Some((key, coordinator)) = share_key_and_coordinator(ctx, group, &tp) else { continue };
        let request = match start {
            Some(o) => Request::InitializeShareGroupState { keys: vec![(key, o)] },
            None => Request::DeleteShareGroupState { keys: vec![key] },
        };
        calls.push(Call::new("shareGroupState", Target::Broker(coordinator), request));
    }
    for r in admin.run(ctx, calls) {
        match r {
            Ok(Response::InitializeShareGroupState { error: Some(e) })
            | Ok(Response::DeleteShareGroupState { error: Some(e) }) => return Err(Failed::bare(e, None)),
            Ok(_) => {}
            Err(m) => return Err(Failed::timeout(&m)),
        }
    }
    Ok(())
}

/// `ShareGroupService.deleteOffsets`: the group's top-level error (printed for a missing or
/// non-empty group), then `TOPIC STATUS` per topic.
fn cmd_delete_offsets(ctx: &mut Ctx, admin: &AdminConn, p: &ParsedOpts) -> Result<Output, Failed> {
    let group = p.value("group").unwrap_or_default().to_string();
    let mut topics: Vec<String> = Vec::new();
    for t in p.values("topic") {
        if !topics.iter().any(|x| x == t) {
            topics.push(t.to_string());
        }
    }
    let r = admin.call(
        ctx,
        "deleteShareGroupOffsets",
        Target::Coordinator { key: group.clone(), transaction: false },
        Request::DeleteShareGroupOffsets { group: group.clone(), topics: topics.clone() },
    );
    let mut o = Output::new();
    let statuses: Vec<(String, String)> = match r {
        Ok(Response::DeleteShareGroupOffsets { error: Some(e), error_message, .. }) => {
            let m = error_message.unwrap_or_else(|| e.message().to_string());
            if matches!(
                e,
                KafkaError::INVALID_GROUP_ID
                    | KafkaError::GROUP_ID_NOT_FOUND
                    | KafkaError::GROUP_AUTHORIZATION_FAILED
                    | KafkaError::NON_EMPTY_GROUP
            ) {
                o.out(&format!(
                    "
Error: {m}
"
                ));
            } else if e != KafkaError::UNKNOWN_TOPIC_OR_PARTITION {
                o.out(&format!(
                    "
Error: Encounter some unknown error: {}
",
                    e.java_string(Some(&m))
                ));
            }
            topics.iter().map(|t| (t.clone(), format!("Error: {m}"))).collect()
        }
        Ok(Response::DeleteShareGroupOffsets { topics: results, .. }) => {
            let deleted: Vec<String> = results.iter().filter(|(_, e)| e.is_none()).map(|(t, _)| t.clone()).collect();
            let tps = topic_partitions_of(ctx, &deleted);
            set_share_state(ctx, admin, &group, tps.into_iter().map(|tp| (tp, None)).collect())?;
            results
                .into_iter()
                .map(|(t, e)| match e {
                    None => (t, "Successful".to_string()),
                    Some(e) => (t, format!("Error: {}", e.message())),
                })
                .collect()
        }
        Ok(_) => vec![],
        Err(m) => return Err(Failed::timeout(&m)),
    };
    if !statuses.is_empty() {
        let width = statuses.iter().map(|(t, _)| t.chars().count()).max().unwrap_or(0).max(15);
        let mut sorted = statuses;
        sorted.sort_by(|a, b| crate::sim::java::java_string_cmp(&a.0, &b.0));
        o.out(&format!(
            "
{:<width$} {}",
            "TOPIC", "STATUS"
        ));
        for (t, s) in sorted {
            o.out(&format!(
                "
{t:<width$} {s}"
            ));
        }
    }
    o.out(
        "
",
    );
    Ok(o)
}

/// Every partition of the topics, as the brokers' metadata has them.
fn topic_partitions_of(ctx: &Ctx, topics: &[String]) -> Vec<TopicPartition> {
    let Some(p) = ctx.sim.brokers().values().filter_map(|b| b.proc.as_ref()).next() else { return vec![] };
    topics
        .iter()
        .flat_map(|t| {
            let n = p.image.topics.get(t).map(|ti| ti.partitions.len() as i32).unwrap_or(0);
            (0..n).map(move |i| TopicPartition::new(t.clone(), i))
        })
        .collect()
}

/// `ShareGroupService.deleteShareGroups`: groups that are not listed as share groups, or not
/// Empty, fail before anything is sent; the others go to DeleteGroups.
fn cmd_delete(ctx: &mut Ctx, admin: &AdminConn, p: &ParsedOpts) -> Result<Output, Failed> {
    let listed = list_share_groups(ctx, admin)?;
    let mut ids: Vec<String> = Vec::new();
    let wanted: Vec<String> = if p.has("all-groups") {
        listed.iter().map(|(g, _)| g.clone()).collect()
    } else {
        p.values("group").iter().map(|s| s.to_string()).collect()
    };
    for g in wanted {
        if !ids.contains(&g) {
            ids.push(g);
        }
    }
    let mut failed: Vec<(String, String)> = Vec::new();
    let mut to_delete: Vec<String> = Vec::new();
    for g in &ids {
        match listed.iter().find(|(id, _)| id == g) {
            None => failed.push((
                g.clone(),
                format!("org.apache.kafka.common.errors.GroupIdNotFoundException: Group '{g}' is not a share group."),
            )),
            Some((_, s)) if s == "Dead" => failed
                .push((g.clone(), format!("java.lang.IllegalStateException: Share group '{g}' group state is DEAD."))),
            Some((_, s)) if s != "Empty" => failed.push((
                g.clone(),
                format!("org.apache.kafka.common.errors.GroupNotEmptyException: Share group '{g}' is not EMPTY."),
            )),
            Some(_) => to_delete.push(g.clone()),
        }
    }
    let mut success: Vec<String> = Vec::new();
    for g in to_delete {
        let partitions = describe(ctx, admin, &g).map(|d| d.partitions).unwrap_or_default();
        let r = admin.call(
            ctx,
            "deleteShareGroups",
            Target::Coordinator { key: g.clone(), transaction: false },
            Request::DeleteGroups { groups: vec![g.clone()] },
        );
        match r {
            Ok(Response::DeleteGroups(results)) => {
                match results.into_iter().find(|(id, _)| *id == g).and_then(|(_, e)| e) {
                    None => {
                        set_share_state(ctx, admin, &g, partitions.into_iter().map(|tp| (tp, None)).collect())?;
                        success.push(g);
                    }
                    Some(e) => failed.push((g, e.java_string(None))),
                }
            }
            Ok(_) => {}
            Err(m) => failed.push((g, crate::sim::client::admin::call_exception(&m))),
        }
    }
    let quoted = |v: &[String]| v.iter().map(|g| format!("'{g}'")).collect::<Vec<_>>().join(", ");
    let mut o = Output::new();
    if failed.is_empty() {
        o.outln(&format!("Deletion of requested share groups ({}) was successful.", quoted(&success)));
    } else {
        o.outln(
            "
Error: Deletion of some share groups failed:",
        );
        for (g, e) in &failed {
            o.outln(&format!("* Group '{g}' could not be deleted due to: {e}"));
        }
        if !success.is_empty() {
            o.outln(&format!(
                "
These share groups were deleted successfully: {}",
                quoted(&success)
            ));
        }
    }
    Ok(o)
}

/// The share-state key of a share-partition and its share coordinator.
fn share_key_and_coordinator(ctx: &Ctx, group: &str, tp: &TopicPartition) -> Option<(String, i32)> {
    let env = ctx.sim.env();
    ctx.sim.brokers().values().filter_map(|b| b.proc.as_ref()).find_map(|p| {
        let key = p.share_key(group, tp)?;
        p.share_coordinator_of(&key, env).map(|c| (key, c))
    })
}

/// The share coordinator of a share-partition: the leader of its `__share_group_state`
/// partition, as the running brokers' metadata says.
fn share_coordinator(ctx: &Ctx, group: &str, tp: &TopicPartition) -> Option<i32> {
    let env = ctx.sim.env();
    ctx.sim.brokers().values().filter_map(|b| b.proc.as_ref()).find_map(|p| {
        let key = p.share_key(group, tp)?;
        p.share_coordinator_of(&key, env)
    })
}

/// Per partition: start offset, leader epoch and lag (each `None` when unknown).
type OffsetRow = (TopicPartition, Option<Offset>, Option<i64>, Option<i64>);

fn share_offsets(
    ctx: &mut Ctx,
    admin: &AdminConn,
    group: &str,
    tps: &[TopicPartition],
) -> Result<Vec<OffsetRow>, Failed> {
    // Kafka's admin asks the group coordinator (DescribeShareGroupOffsets), which asks each
    // share-partition's share coordinator through the persister (ReadShareGroupStateSummary);
    // here the admin asks that share coordinator itself. Without one (no `__share_group_state`
    // yet, or its leader down) nothing was persisted that can be read.
    let coordinators: Vec<Option<i32>> = tps.iter().map(|tp| share_coordinator(ctx, group, tp)).collect();
    let calls: Vec<Call> = tps
        .iter()
        .zip(&coordinators)
        .filter_map(|(tp, c)| {
            c.map(|b| {
                Call::new(
                    "listShareGroupOffsets",
                    Target::Broker(b),
                    Request::ReadShareGroupStateSummary { group: group.to_string(), partitions: vec![tp.clone()] },
                )
            })
        })
        .collect();
    let mut answered = admin.run(ctx, calls).into_iter();
    let summaries: Vec<Result<Response, String>> = coordinators
        .iter()
        .map(|c| match c {
            Some(_) => {
                answered.next().unwrap_or_else(|| Ok(Response::ReadShareGroupStateSummary { partitions: vec![] }))
            }
            None => Ok(Response::ReadShareGroupStateSummary { partitions: vec![] }),
        })
        .collect();
    let latest_calls: Vec<Call> = tps
        .iter()
        .map(|tp| {
            Call::new(
                "listOffsets",
                Target::Leader(tp.clone()),
                Request::ListOffsets { isolation: Isolation::ReadUncommitted, partitions: vec![(tp.clone(), -1)] },
            )
        })
        .collect();
    let latest = admin.run(ctx, latest_calls);
    let mut rows = Vec::new();
    for ((tp, s), l) in tps.iter().zip(summaries).zip(latest) {
        let summary = match s {
            Ok(Response::ReadShareGroupStateSummary { partitions }) => {
                partitions.into_iter().find(|(t, _)| t == tp).and_then(|(_, v)| v)
            }
            Ok(_) => None,
            Err(m) => return Err(Failed::timeout(&m)),
        };
        let end = match l {
            Ok(Response::ListOffsets { partitions }) => {
                partitions.into_iter().find(|(t, _)| t == tp).and_then(|(_, r)| r.ok()).map(|(o, _)| o)
            }
            _ => None,
        };
        rows.push(match summary {
            Some((start, epoch, complete)) => {
                let lag = end.map(|e| e - start - complete);
                (tp.clone(), Some(start), Some(i64::from(epoch)), lag)
            }
            None => (tp.clone(), None, None, None),
        });
    }
    rows.sort_by(|a, b| {
        crate::sim::java::java_string_cmp(&a.0.topic, &b.0.topic).then(a.0.partition.cmp(&b.0.partition))
    });
    Ok(rows)
}
