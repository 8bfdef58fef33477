//! `kafka-get-offsets` (`GetOffsetShell`): list the matching
//! partitions, then ask each partition's leader for the offset of `--time`.

use super::{AdminConn, Ctx, Started};
use crate::console::format::get_offsets::{
    self as fmt, parse_partitions, parse_time, parse_topic_partitions, OffsetTime, PartitionOffset, PartitionRule,
};
use crate::console::format::{stack_trace, Output};
use crate::console::opts::{parse_command, Tool};
use crate::console::regex::Regex;
use crate::sim::client::admin::{Call, Target};
use crate::sim::protocol::{Isolation, Request, Response};
use crate::sim::types::TopicPartition;

/// One filter rule: a topic regex (`None`: any) and the partitions it takes.
struct Rule {
    topic: Option<Regex>,
    partitions: PartitionRule,
    only: Option<Vec<i32>>,
}

fn regex(pattern: &str) -> Result<Regex, Output> {
    Regex::new(&pattern.trim().replace(',', "|")).map_err(|e| fmt::error(&format!("{e} in {pattern}")))
}

pub(crate) fn run(ctx: &mut Ctx, args: &[String]) -> Started {
    let parsed = match parse_command(Tool::GetOffsets, args) {
        Ok(p) => p,
        Err(o) => return Started::Done(o),
    };
    let p = &parsed.opts;
    let time = p.value("time").map(parse_time).unwrap_or(Ok(OffsetTime::Latest));
    let Ok(time) = time else {
        return Started::Done(fmt::error("bad --time"));
    };
    let mut rules: Vec<Rule> = Vec::new();
    if let Some(tp) = p.value("topic-partitions") {
        let Ok(parsed_rules) = parse_topic_partitions(tp) else {
            return Started::Done(fmt::error("bad --topic-partitions"));
        };
        for r in parsed_rules {
            let topic = match r.topic_regex.as_deref().map(regex).transpose() {
                Ok(t) => t,
                Err(o) => return Started::Done(o),
            };
            rules.push(Rule { topic, partitions: r.partitions, only: None });
        }
    } else {
        let topic = match p.value("topic").map(regex).transpose() {
            Ok(t) => t,
            Err(o) => return Started::Done(o),
        };
        let only = match p.value("partitions").map(parse_partitions).transpose() {
            Ok(v) => v.filter(|v| !v.is_empty()),
            Err(m) => return Started::Done(fmt::error(&m)),
        };
        rules.push(Rule { topic, partitions: PartitionRule::All, only });
    }
    let servers = p.value("bootstrap-server").unwrap_or("").to_string();
    // GetOffsetShell.fetchOffsets reads --command-config (Utils.loadProps) before it creates
    // the admin client, whose client.id it sets to GetOffsetShell.
    if let Some(path) = p.value("command-config").filter(|f| !ctx.vfs.exists(f)) {
        return Started::Done(failure(super::NO_SUCH_FILE, path));
    }
    let admin = AdminConn::open_as(ctx.sim, &servers, "GetOffsetShell");
    let out = query(ctx, &admin, &rules, p.has("exclude-internal-topics"), time);
    admin.close(ctx.sim);
    Started::Done(out)
}

/// `GetOffsetShell.mainNoExit` for an exception of `class`: `Error occurred: <message>`, then
/// `System.err.println(Utils.stackTrace(e))`, the trace already ending with a line break, so an
/// empty line follows. For a failed admin call `class` is the `ExecutionException` the future
/// threw, whose cause (an `ApiException`, without frames of its own) `stack_trace` writes as the
/// `Caused by:` line.
fn failure(class: &str, message: &str) -> Output {
    let mut o = fmt::error(message);
    o.err(&stack_trace(class, message));
    o.errln("");
    o
}

const EXECUTION_EXCEPTION: &str = "java.util.concurrent.ExecutionException";

fn query(ctx: &mut Ctx, admin: &AdminConn, rules: &[Rule], exclude_internal: bool, time: OffsetTime) -> Output {
    let listed =
        admin.call(ctx, "listTopics", Target::Any, Request::Metadata { topics: None, allow_auto_create: false });
    if let Err(m) = listed {
        return failure(EXECUTION_EXCEPTION, &crate::sim::client::admin::call_exception(&m));
    }
    let topics = ctx.sim.admin_mut(admin.id).map(|a| a.meta.topics.clone()).unwrap_or_default();
    let mut tps: Vec<TopicPartition> = Vec::new();
    for (name, t) in &topics {
        if t.error.is_some() || (exclude_internal && t.internal) {
            continue;
        }
        for mp in &t.partitions {
            let hit = rules.iter().any(|r| {
                r.topic.as_ref().map(|re| re.is_full_match(name)).unwrap_or(true)
                    && r.partitions.matches(mp.partition)
                    && r.only.as_ref().map(|o| o.contains(&mp.partition)).unwrap_or(true)
            });
            if hit {
                tps.push(TopicPartition::new(name.clone(), mp.partition));
            }
        }
    }
    if tps.is_empty() {
        return fmt::error(fmt::NO_MATCH);
    }
    let spec: i64 = match time {
        OffsetTime::Latest => -1,
        OffsetTime::Earliest => -2,
        OffsetTime::MaxTimestamp => -3,
        // KIP-1005 (`OffsetSpec.earliestLocal`, `latestTiered`, `earliestPendingUpload`): the
        // broker answers them from tiered storage's offsets (-1, printed as nothing, for a topic
        // that is not tiered).
        OffsetTime::EarliestLocal => -4,
        OffsetTime::LatestTiered => -5,
        OffsetTime::EarliestPendingUpload => -6,
        OffsetTime::Timestamp(t) => t,
    };
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
    let results = admin.run(ctx, calls);
    let mut rows: Vec<PartitionOffset> = Vec::new();
    let mut skipped = Output::new();
    for (tp, r) in tps.iter().zip(results) {
        match r {
            Ok(Response::ListOffsets { partitions }) => match partitions.into_iter().next() {
                Some((_, Ok((offset, _)))) => rows.push(PartitionOffset {
                    topic: tp.topic.clone(),
                    partition: tp.partition,
                    offset: (offset >= 0).then_some(offset),
                }),
                Some((_, Err(e))) => {
                    skipped.errln(&fmt::skip_partition(&tp.topic, tp.partition, &e.java_string(None)));
                }
                None => {}
            },
            Ok(_) => {}
            Err(m) => skipped.errln(&fmt::skip_partition(
                &tp.topic,
                tp.partition,
                &crate::sim::client::admin::call_exception(&m),
            )),
        }
    }
    let mut out = skipped;
    out.append(&fmt::offsets(&rows));
    out
}
