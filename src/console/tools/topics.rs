//! `kafka-topics` (`TopicCommand`): create, list, describe, alter, delete, through the
//! admin client.
//!
//! The admin client's metadata cache supplies what `listTopics`/`describeTopics` return
//! (the broker's view of leaders and ISRs); topic ids come from the cluster metadata
//! image, as the broker would report them.

use super::{error_class, AdminConn, Ctx, Started};
use crate::console::format::topics::{self as fmt, DescribeFilter, PartitionInfo, TopicCommandError, TopicInfo};
use crate::console::format::{stack_trace, Output};
use crate::console::opts::tables::TOPICS;
use crate::console::opts::{main_no_exit_output, parse_command, OptError, ParsedOpts, Tool};
use crate::console::regex::Regex;
use crate::sim::client::admin::Target;
use crate::sim::client::TopicMeta;
use crate::sim::config::{topic_config_def, validate_topic_configs, ConfigSource};
use crate::sim::errors::{ApiError, KafkaError};
use crate::sim::java::{java_hash_order, java_parse_int, java_string_hash};
use crate::sim::metadata::is_internal_topic;
use crate::sim::protocol::{ControllerRequest, ControllerResponse, NewTopic, Request, Response};
use crate::sim::sort::{CompactCollect, CompactSort};
use crate::sim::types::ConfigResource;
use std::collections::BTreeMap;

/// A topic's non-default configs and its `min.insync.replicas`.
type TopicConfigs = (Vec<(String, String)>, Option<i32>);

/// A failed action (`TopicCommand.printException`): the exception's message and its stack trace
/// as `Utils.stackTrace` prints it (frames elided).
struct Failure {
    message: String,
    trace: String,
}

impl Failure {
    /// An exception of `class`; `stack`: whether it has frames (Kafka's `ApiException`s have none).
    fn new(message: String, class: &str, stack: bool) -> Failure {
        let trace = if stack { stack_trace(class, &message) } else { format!("{class}: {message}\n") };
        Failure { message, trace }
    }
    fn of(e: TopicCommandError) -> Failure {
        let (class, stack) = e.exception();
        Failure::new(e.message(), class, stack)
    }
    fn api(e: &ApiError) -> Failure {
        Failure::new(e.text().to_string(), &error_class(e.error), false)
    }
    /// A call that failed: timed out, or with the exception it names (an authentication
    /// failure: see `admin::call_exception`).
    fn timeout(msg: String) -> Failure {
        let exception = crate::sim::client::admin::call_exception(&msg);
        match exception.split_once(": ") {
            Some((class, message)) => Failure::new(message.to_string(), class, false),
            None => Failure::new(msg, "org.apache.kafka.common.errors.TimeoutException", false),
        }
    }
    /// An option value the action reads (`OptionSet.valueOf`) that jopt-simple refuses.
    fn option(e: &OptError) -> Failure {
        Failure { message: e.message(), trace: e.stack_trace(&TOPICS) }
    }
}

/// The options each action reads, in the order it reads them (`TopicCommand.TopicService`;
/// create and alter through `CommandTopicPartition`).
fn options_read(p: &ParsedOpts) -> &'static [&'static str] {
    if p.has("create") || p.has("alter") {
        &["topic", "partitions", "replication-factor", "replica-assignment", "config"]
    } else if p.has("describe") {
        &["topic-id", "topic", "partition-size-limit-per-response"]
    } else {
        &["topic"]
    }
}

pub(crate) fn run(ctx: &mut Ctx, args: &[String]) -> Started {
    let parsed = match parse_command(Tool::Topics, args) {
        Ok(p) => p,
        Err(o) => return Started::Done(o),
    };
    let p = &parsed.opts;
    let mut out = parsed.notes.clone();
    if let Some(path) = p.value("command-config").filter(|f| !ctx.vfs.exists(f)) {
        // Utils.loadProps in `new TopicService(...)`, before the actions' try: mainNoExit reports it.
        out.append(&main_no_exit_output(path, &stack_trace(super::NO_SUCH_FILE, path)));
        return Started::Done(out);
    }
    let result = {
        let servers = p.value("bootstrap-server").unwrap_or("").to_string();
        let admin = AdminConn::open(ctx.sim, &servers);
        let r = if let Err(e) = p.check_types_of(&TOPICS, options_read(p)) {
            Err(Failure::option(&e))
        } else if p.has("create") {
            create(ctx, &admin, p, &mut out)
        } else if p.has("list") {
            list(ctx, &admin, p, &mut out)
        } else if p.has("describe") {
            describe(ctx, &admin, p, &mut out)
        } else if p.has("alter") {
            alter(ctx, &admin, p)
        } else {
            delete(ctx, &admin, p)
        };
        admin.close(ctx.sim);
        r
    };
    if let Err(f) = result {
        let ts = super::now_ts(ctx.sim);
        out.append(&fmt::error_output_trace(&f.message, &f.trace, &ts));
    }
    Started::Done(out)
}

/// `IncludeList`: the `--topic` value as a regex, commas meaning `|` (`TopicCommand`).
fn topic_filter(p: &ParsedOpts) -> Result<Option<Regex>, Failure> {
    match p.value("topic") {
        None => Ok(None),
        Some(t) => {
            let pattern = t.trim().replace(',', "|");
            Regex::new(&pattern).map(Some).map_err(|e| {
                Failure::new(
                    format!("{e} in the regular expression {pattern}"),
                    "java.util.regex.PatternSyntaxException",
                    true,
                )
            })
        }
    }
}

/// Fetches the cluster's topics through the admin client (`listTopics`).
fn fetch_topics(ctx: &mut Ctx, admin: &AdminConn, call: &str) -> Result<BTreeMap<String, TopicMeta>, Failure> {
    let r = admin.call(ctx, call, Target::Any, Request::Metadata { topics: None, allow_auto_create: false });
    r.map_err(Failure::timeout)?;
    Ok(ctx.sim.admin_mut(admin.id).map(|a| a.meta.topics.clone()).unwrap_or_default())
}

/// The topics an action works on (`getTopics`), sorted.
fn matching_topics(
    ctx: &mut Ctx,
    admin: &AdminConn,
    p: &ParsedOpts,
    call: &str,
) -> Result<(Vec<String>, BTreeMap<String, TopicMeta>), Failure> {
    let filter = topic_filter(p)?;
    let all = fetch_topics(ctx, admin, call)?;
    let exclude = p.has("exclude-internal");
    let mut names: Vec<String> = all
        .iter()
        .filter(|(n, t)| t.error.is_none() && !(exclude && (t.internal || is_internal_topic(n))))
        .filter(|(n, _)| filter.as_ref().map(|f| f.is_full_match(n)).unwrap_or(true))
        .map(|(n, _)| n.clone())
        .collect();
    names.compact_sort_by(|a, b| crate::sim::java::java_string_cmp(a, b));
    Ok((names, all))
}

/// `ensureTopicExists` (`TopicCommand`, clean form).
fn ensure_exists(names: &[String], p: &ParsedOpts) -> Result<(), Failure> {
    if names.is_empty() && !p.has("if-exists") {
        if let Some(t) = p.value("topic") {
            return Err(Failure::of(TopicCommandError::DoesNotExist(t.to_string())));
        }
    }
    Ok(())
}

fn list(ctx: &mut Ctx, admin: &AdminConn, p: &ParsedOpts, out: &mut Output) -> Result<(), Failure> {
    let (names, _) = matching_topics(ctx, admin, p, "listTopics")?;
    out.append(&fmt::list(&names));
    Ok(())
}

fn describe(ctx: &mut Ctx, admin: &AdminConn, p: &ParsedOpts, out: &mut Output) -> Result<(), Failure> {
    let (mut names, all) = matching_topics(ctx, admin, p, "listTopics")?;
    // The ids of the cluster the admin client talks to (a second cluster has its own).
    let cluster = ctx.sim.cluster_of_servers(&admin.servers);
    let ids: BTreeMap<String, String> = ctx
        .sim
        .metadata_image_in(cluster)
        .map(|i| i.topics.values().map(|t| (t.name.clone(), t.id.to_string())).collect())
        .unwrap_or_default();
    if let Some(id) = p.value("topic-id") {
        names = ids.iter().filter(|(_, v)| v.as_str() == id).map(|(k, _)| k.clone()).collect();
        if names.is_empty() && !p.has("if-exists") {
            return Err(Failure::of(TopicCommandError::TopicIdDoesNotExist(id.to_string())));
        }
    } else {
        ensure_exists(&names, p)?;
    }
    if names.is_empty() {
        return Ok(());
    }
    // describeConfigs for every topic: `Configs:` shows entries not from DEFAULT_CONFIG.
    let resources: Vec<ConfigResource> = names.iter().map(|n| ConfigResource::Topic(n.clone())).collect();
    let resp = admin
        .call(ctx, "describeConfigs", Target::Any, Request::DescribeConfigs { resources })
        .map_err(Failure::timeout)?;
    let mut configs: BTreeMap<String, TopicConfigs> = BTreeMap::new();
    if let Response::DescribeConfigs(results) = resp {
        for (res, r) in results {
            let (ConfigResource::Topic(name), Ok(entries)) = (res, r) else { continue };
            let names: Vec<String> = entries.iter().map(|e| e.name.clone()).collect();
            let shown: Vec<(String, String)> = admin_config_order(&names)
                .iter()
                .filter_map(|n| entries.iter().find(|e| &e.name == n))
                .filter(|e| e.source != ConfigSource::DefaultConfig)
                .map(|e| (e.name.clone(), e.value.clone().unwrap_or_default()))
                .collect();
            let min_isr = entries
                .iter()
                .find(|e| e.name == "min.insync.replicas")
                .and_then(|e| e.value.as_deref())
                .and_then(java_parse_int);
            configs.insert(name, (shown, min_isr));
        }
    }
    let topics: Vec<TopicInfo> = names
        .iter()
        .filter_map(|n| {
            let meta = all.get(n)?;
            let (cfg, min_isr) = configs.get(n).cloned().unwrap_or_default();
            Some(TopicInfo {
                name: n.clone(),
                topic_id: ids.get(n).cloned(),
                configs: cfg,
                partitions: meta
                    .partitions
                    .iter()
                    .map(|mp| PartitionInfo {
                        partition: mp.partition,
                        leader: (mp.leader >= 0).then_some(mp.leader),
                        replicas: mp.replicas.clone(),
                        isr: mp.isr.clone(),
                        reassignment: (!mp.adding.is_empty() || !mp.removing.is_empty())
                            .then(|| (mp.adding.clone(), mp.removing.clone())),
                        elr: Some(mp.elr.clone()),
                        last_known_elr: Some(mp.last_known_elr.clone()),
                    })
                    .collect(),
                min_isr,
            })
        })
        .collect();
    let filter = if p.has("under-replicated-partitions") {
        DescribeFilter::UnderReplicated
    } else if p.has("unavailable-partitions") {
        DescribeFilter::Unavailable
    } else if p.has("under-min-isr-partitions") {
        DescribeFilter::UnderMinIsr
    } else if p.has("at-min-isr-partitions") {
        DescribeFilter::AtMinIsr
    } else if p.has("topics-with-overrides") {
        DescribeFilter::TopicsWithOverrides
    } else {
        DescribeFilter::None
    };
    let live: Vec<i32> =
        ctx.sim.admin_mut(admin.id).map(|a| a.meta.brokers.keys().copied().collect()).unwrap_or_default();
    out.append(&fmt::describe(&topics, filter, &live));
    Ok(())
}

/// The topic configs in the order `LogConfig` defines them (`LogConfig`'s static `CONFIG.define`
/// chain, Kafka 4.4); `internal.segment.bytes` is the internal one.
const LOG_CONFIG_DEFINE_ORDER: [&str; 38] = [
    "segment.bytes",
    "segment.ms",
    "segment.jitter.ms",
    "segment.index.bytes",
    "flush.messages",
    "flush.ms",
    "retention.bytes",
    "retention.ms",
    "max.message.bytes",
    "max.decompressed.message.bytes",
    "index.interval.bytes",
    "delete.retention.ms",
    "min.compaction.lag.ms",
    "max.compaction.lag.ms",
    "file.delete.delay.ms",
    "min.cleanable.dirty.ratio",
    "cleanup.policy",
    "unclean.leader.election.enable",
    "min.insync.replicas",
    "compression.type",
    "compression.gzip.level",
    "compression.lz4.level",
    "compression.zstd.level",
    "preallocate",
    "message.timestamp.type",
    "message.timestamp.before.max.ms",
    "message.timestamp.after.max.ms",
    "leader.replication.throttled.replicas",
    "follower.replication.throttled.replicas",
    "remote.storage.enable",
    "local.retention.ms",
    "local.retention.bytes",
    "remote.log.copy.disable",
    "remote.copy.lag.ms",
    "remote.copy.lag.bytes",
    "remote.log.delete.on.disable",
    "errors.deadletterqueue.group.enable",
    "internal.segment.bytes",
];

/// The order of a topic's config entries as `kafka-topics --describe` iterates them
/// (`Config.entries()`). Three `java.util.HashMap`s, each filled in the previous one's order:
/// the parsed values (`ConfigDef.parse`, in define order), `AbstractConfig.nonInternalValues()`,
/// whose order is the DescribeConfigs response's (`ConfigHelperUtils.createResponseConfig`), and
/// the admin client's `Config`.
fn admin_config_order(names: &[String]) -> Vec<String> {
    let keyed =
        |names: &[String]| -> Vec<(String, i32)> { names.iter().map(|n| (n.clone(), java_string_hash(n))).collect() };
    let defined: Vec<String> = LOG_CONFIG_DEFINE_ORDER.iter().map(|n| n.to_string()).collect();
    let values = java_hash_order(&keyed(&defined), 16);
    let non_internal: Vec<String> =
        values.into_iter().filter(|n| topic_config_def(n).is_some_and(|d| !d.internal)).collect();
    let response_order = java_hash_order(&keyed(&non_internal), 16);
    let position = |n: &String| response_order.iter().position(|r| r == n).unwrap_or(usize::MAX);
    let mut response: Vec<String> = names.to_vec();
    response.compact_sort_by_key(position);
    java_hash_order(&keyed(&response), 16)
}

/// `--replica-assignment 1:2,2:3` (`TopicCommand`): partitions separated by `,`, replicas by `:`.
fn parse_assignment(s: &str) -> Result<Vec<Vec<i32>>, Failure> {
    let mut out: Vec<Vec<i32>> = Vec::new();
    for (i, part) in s.split(',').enumerate() {
        let mut replicas = Vec::new();
        for b in part.split(':') {
            let t = b.trim();
            match java_parse_int(t) {
                Some(v) => replicas.push(v),
                None => {
                    return Err(Failure::new(
                        format!("For input string: \"{t}\""),
                        "java.lang.NumberFormatException",
                        true,
                    ))
                }
            }
        }
        let mut dups: Vec<i32> = Vec::new();
        for (j, r) in replicas.iter().enumerate() {
            if replicas[..j].contains(r) && !dups.contains(r) {
                dups.push(*r);
            }
        }
        if !dups.is_empty() {
            return Err(Failure::of(TopicCommandError::DuplicateReplicas(dups)));
        }
        if let Some(first) = out.first() {
            if first.len() != replicas.len() {
                return Err(Failure::of(TopicCommandError::DifferentReplicationFactor {
                    partition: i32::try_from(i).unwrap_or(i32::MAX),
                    replicas,
                }));
            }
        }
        out.push(replicas);
    }
    Ok(out)
}

/// `parseTopicConfigsToBeAdded` plus `LogConfig.validate`.
fn parse_configs(p: &ParsedOpts) -> Result<BTreeMap<String, String>, Failure> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for c in p.values("config") {
        // `split("\\s*=\\s*")`, Java drops trailing empty strings.
        let mut parts: Vec<String> = c.split('=').map(|s| s.trim().to_string()).collect();
        while parts.len() > 1 && parts.last().is_some_and(|s| s.is_empty()) {
            parts.pop();
        }
        if parts.len() != 2 {
            return Err(Failure::of(TopicCommandError::ConfigFormat));
        }
        pairs.push((parts[0].clone(), parts[1].clone()));
    }
    let map: BTreeMap<String, String> = pairs.into_iter().collect_map();
    // TopicCommand.parseTopicConfigsToBeAdded: LogConfig.validate(props), before any request.
    if let Some(k) = map.keys().find(|k| topic_config_def(k).is_none()) {
        return Err(Failure::of(TopicCommandError::UnknownConfig(k.clone())));
    }
    if let Err(m) = validate_topic_configs(&map) {
        return Err(Failure::new(m, "org.apache.kafka.common.config.ConfigException", true));
    }
    Ok(map)
}

fn create(ctx: &mut Ctx, admin: &AdminConn, p: &ParsedOpts, out: &mut Output) -> Result<(), Failure> {
    let name = p.value("topic").unwrap_or("").to_string();
    // CommandTopicPartition parses the replica assignment before the configs.
    let assignment = match p.value("replica-assignment") {
        Some(s) => Some(parse_assignment(s)?),
        None => None,
    };
    let configs = parse_configs(p)?;
    if fmt::has_collision_chars(&name) {
        out.outln(fmt::COLLISION_WARNING);
    }
    let rf = p.int_value("replication-factor").ok().flatten();
    let partitions = p.int_value("partitions").ok().flatten();
    if rf.is_some_and(|r| !(1..=32767).contains(&r)) {
        return Err(Failure::of(TopicCommandError::ReplicationFactorRange));
    }
    if partitions.is_some_and(|n| n < 1) {
        return Err(Failure::of(TopicCommandError::PartitionsNotPositive));
    }
    let topic = NewTopic {
        name: name.clone(),
        partitions: if assignment.is_some() { -1 } else { partitions.unwrap_or(-1) },
        replication_factor: if assignment.is_some() { -1 } else { rf.unwrap_or(-1) },
        assignment,
        configs,
    };
    let resp = admin
        .call(
            ctx,
            "createTopics",
            Target::Any,
            Request::Controller(ControllerRequest::CreateTopics { topics: vec![topic], validate_only: false }),
        )
        .map_err(Failure::timeout)?;
    match resp {
        Response::Controller(ControllerResponse::CreateTopics(results)) => {
            for (_, r) in results {
                if let Err(e) = r {
                    if e.error == KafkaError::TOPIC_ALREADY_EXISTS && p.has("if-not-exists") {
                        return Ok(());
                    }
                    return Err(Failure::api(&e));
                }
            }
            out.outln(&format!("Created topic {name}."));
            Ok(())
        }
        _ => Err(Failure::timeout("Timed out waiting for a node assignment. Call: createTopics".to_string())),
    }
}

fn alter(ctx: &mut Ctx, admin: &AdminConn, p: &ParsedOpts) -> Result<(), Failure> {
    let assignment = match p.value("replica-assignment") {
        Some(s) => Some(parse_assignment(s)?),
        None => None,
    };
    let (names, all) = matching_topics(ctx, admin, p, "listTopics")?;
    ensure_exists(&names, p)?;
    let count = p.int_value("partitions").ok().flatten().unwrap_or(0);
    for name in names {
        let current = all.get(&name).map(|t| t.partitions.len()).unwrap_or(0);
        let new_assignment = assignment.as_ref().map(|a| a.iter().skip(current).cloned().collect::<Vec<_>>());
        let resp = admin
            .call(
                ctx,
                "createPartitions",
                Target::Any,
                Request::Controller(ControllerRequest::CreatePartitions {
                    topic: name.clone(),
                    count,
                    assignment: new_assignment,
                }),
            )
            .map_err(Failure::timeout)?;
        if let Response::Controller(ControllerResponse::CreatePartitions(Some(e))) = resp {
            return Err(Failure::api(&e));
        }
    }
    Ok(())
}

fn delete(ctx: &mut Ctx, admin: &AdminConn, p: &ParsedOpts) -> Result<(), Failure> {
    let (names, _) = matching_topics(ctx, admin, p, "listTopics")?;
    ensure_exists(&names, p)?;
    if let Some(internal) = names.iter().find(|n| is_internal_topic(n)) {
        return Err(Failure::new(
            format!("Topic {internal} is a kafka internal topic and is not allowed to be marked for deletion."),
            "org.apache.kafka.tools.AdminOperationException",
            true,
        ));
    }
    if names.is_empty() {
        return Ok(());
    }
    let resp = admin
        .call(
            ctx,
            "deleteTopics",
            Target::Any,
            Request::Controller(ControllerRequest::DeleteTopics { names: names.clone() }),
        )
        .map_err(Failure::timeout)?;
    if let Response::Controller(ControllerResponse::DeleteTopics(results)) = resp {
        if let Some(e) = results.iter().find_map(|(_, e)| e.clone()) {
            return Err(Failure::api(&e));
        }
    }
    Ok(())
}
