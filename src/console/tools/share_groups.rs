//! `kafka-share-groups` (`ShareGroupCommand`): `--list [--state]` and `--describe` (offsets,
//! `--members`, `--state`, each `--verbose`) of share groups (KIP-932), through the admin client:
//! ListGroups to every broker (share groups only), ShareGroupDescribe to the group's coordinator,
//! the share-partitions' start offsets from their leaders and ListOffsets for the lag
//! (`lag = latest offset - start offset - records finished past it`,
//! `GroupCoordinatorService.describeShareGroupOffsets`). Runtime failures print `Error: Executing
//! share group command failed due to ...` (exit 0), as the real tool does. `--delete`,
//! `--delete-offsets` and `--reset-offsets` are not simulated yet.

use super::{AdminConn, Ctx, Started};
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

    fn timeout(m: &str) -> Failed {
        Failed::execution(&format!("org.apache.kafka.common.errors.TimeoutException: {m}"))
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
    if p.has("delete") || p.has("delete-offsets") || p.has("reset-offsets") {
        return Started::Done(Output::failure(
            "kafka-share-groups --delete, --delete-offsets and --reset-offsets are not available yet in Brokerlab.",
        ));
    }
    let timeout = p.long_value("timeout").ok().flatten().unwrap_or(30_000).max(1);
    let mut admin = AdminConn::open(ctx.sim, &servers);
    admin.timeout_ms = Some(timeout);
    let result = if p.has("list") { cmd_list(ctx, &admin, p) } else { cmd_describe(ctx, &admin, p) };
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
    let live: Vec<i32> = ctx.sim.brokers().iter().filter(|(_, b)| b.proc.is_some()).map(|(id, _)| *id).collect();
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

/// Per partition: start offset, leader epoch and lag (each `None` when unknown).
type OffsetRow = (TopicPartition, Option<Offset>, Option<i64>, Option<i64>);

fn share_offsets(
    ctx: &mut Ctx,
    admin: &AdminConn,
    group: &str,
    tps: &[TopicPartition],
) -> Result<Vec<OffsetRow>, Failed> {
    let calls: Vec<Call> = tps
        .iter()
        .map(|tp| {
            Call::new(
                "listShareGroupOffsets",
                Target::Leader(tp.clone()),
                Request::ReadShareGroupStateSummary { group: group.to_string(), partitions: vec![tp.clone()] },
            )
        })
        .collect();
    let summaries = admin.run(ctx, calls);
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
