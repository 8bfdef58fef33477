//! `kafka-configs` (`ConfigCommand`) for topics, brokers and the broker default
//! entity: `--describe [--all]`, `--alter --add-config/--add-config-file/--delete-config`.
//! Users and clients (client quotas) are in [`super::configs_quotas`]; the other entity types
//! (ips, client metrics, groups, broker loggers) are not simulated and say so.

use super::{error_class, AdminConn, Ctx, Started};
use crate::console::format::configs::{
    self as fmt, arg_error, command_failed, parse_add_config, parse_delete_config, ConfigBlock, ConfigEntryView,
    ConfigSynonym,
};
use crate::console::format::Output;
use crate::console::opts::check::{config_entity_names, config_entity_types};
use crate::console::opts::{parse_command, ParsedOpts, Tool};
use crate::sim::client::admin::Target;
use crate::sim::config::{ConfigEntry, ConfigSource};
use crate::sim::errors::ApiError;
use crate::sim::java::java_parse_int;
use crate::sim::protocol::{AlterOp, ControllerRequest, ControllerResponse, Request, Response};
use crate::sim::sort::CompactSort;
use crate::sim::types::ConfigResource;

const EXECUTION_EXCEPTION: &str = "java.util.concurrent.ExecutionException";

pub(crate) fn run(ctx: &mut Ctx, args: &[String]) -> Started {
    let parsed = match parse_command(Tool::Configs, args) {
        Ok(p) => p,
        Err(o) => return Started::Done(o),
    };
    let p = &parsed.opts;
    let types = config_entity_types(p);
    let Some(entity_type) = types.first().cloned() else {
        return Started::Done(arg_error("At least one entity type must be specified"));
    };
    let quotas = entity_type == "users" || entity_type == "clients";
    if entity_type != "topics" && entity_type != "brokers" && !quotas {
        return Started::Done(Output::failure(&format!(
            "Brokerlab simulates topic and broker configs and user and client quotas only; {entity_type} configs (IP quotas, client metrics, group configs, loggers) are not simulated."
        )));
    }
    if let Some(path) = p.value("command-config").filter(|f| !ctx.vfs.exists(f)) {
        return Started::Done(command_failed(args, super::NO_SUCH_FILE, path));
    }
    let names = config_entity_names(p);
    if quotas {
        if p.has("alter") && types.len() != names.len() {
            // ConfigCommand.processCommand, before the admin client exists.
            return Started::Done(arg_error("An entity name must be specified for every entity type"));
        }
        let servers = p.value("bootstrap-server").or(p.value("bootstrap-controller")).unwrap_or("").to_string();
        let admin = AdminConn::open(ctx.sim, &servers);
        let out = if p.has("describe") {
            super::configs_quotas::describe(ctx, &admin, args, &types, &names)
        } else {
            super::configs_quotas::alter(ctx, &admin, p, args, &types, &names)
        };
        admin.close(ctx.sim);
        return Started::Done(out);
    }
    let servers = p.value("bootstrap-server").or(p.value("bootstrap-controller")).unwrap_or("").to_string();
    let admin = AdminConn::open(ctx.sim, &servers);
    let mut out = Output::new();
    if p.has("describe") {
        describe(ctx, &admin, p, args, &entity_type, &names, &mut out);
    } else {
        alter(ctx, &admin, p, args, &entity_type, &names, &mut out);
    }
    admin.close(ctx.sim);
    Started::Done(out)
}

/// The resource of an entity name (`""` = the broker default).
fn resource(entity_type: &str, name: &str) -> Result<ConfigResource, String> {
    if entity_type == "topics" {
        return Ok(ConfigResource::Topic(name.to_string()));
    }
    if name.is_empty() {
        return Ok(ConfigResource::Broker(None));
    }
    java_parse_int(name)
        .map(|id| ConfigResource::Broker(Some(id)))
        .ok_or_else(|| format!("The entity name for brokers must be a valid integer broker id, but it is: {name}"))
}

/// The source an entry must have to show without `--all` (`ConfigCommand`).
fn dynamic_source(r: &ConfigResource) -> ConfigSource {
    match r {
        ConfigResource::Topic(_) => ConfigSource::DynamicTopicConfig,
        ConfigResource::Broker(Some(_)) => ConfigSource::DynamicBrokerConfig,
        ConfigResource::Broker(None) => ConfigSource::DynamicDefaultBrokerConfig,
    }
}

/// How the admin client hands an entry to the tool (`ConfigEntry` with its synonyms).
pub fn view(e: &ConfigEntry) -> ConfigEntryView {
    ConfigEntryView {
        name: e.name.clone(),
        value: e.value.clone(),
        sensitive: e.sensitive,
        synonyms: e
            .synonyms
            .iter()
            .map(|(s, n, v)| ConfigSynonym { source: s.name().to_string(), name: n.clone(), value: v.clone() })
            .collect(),
    }
}

/// `describeConfigs` of one resource: the entries, or the failure to print.
fn fetch(ctx: &mut Ctx, admin: &AdminConn, r: &ConfigResource) -> Result<Vec<ConfigEntry>, (String, String)> {
    let resp = admin
        .call(ctx, "describeConfigs", Target::Any, Request::DescribeConfigs { resources: vec![r.clone()] })
        .map_err(|m| (EXECUTION_EXCEPTION.to_string(), crate::sim::client::admin::call_exception(&m)))?;
    match resp {
        Response::DescribeConfigs(mut v) => match v.pop() {
            Some((_, Ok(entries))) => Ok(entries),
            Some((_, Err(e))) => Err((EXECUTION_EXCEPTION.to_string(), e.java_string())),
            None => Err((EXECUTION_EXCEPTION.to_string(), "no answer".to_string())),
        },
        _ => Err((EXECUTION_EXCEPTION.to_string(), "unexpected answer".to_string())),
    }
}

fn describe(
    ctx: &mut Ctx,
    admin: &AdminConn,
    p: &ParsedOpts,
    args: &[String],
    entity_type: &str,
    names: &[String],
    out: &mut Output,
) {
    let all = p.has("all");
    let mut entities: Vec<String> = names.to_vec();
    if entities.is_empty() {
        // Every topic (internal ones too), or every live broker then the default entity.
        let listed =
            admin.call(ctx, "listTopics", Target::Any, Request::Metadata { topics: None, allow_auto_create: false });
        if let Err(m) = listed {
            out.append(&command_failed(args, EXECUTION_EXCEPTION, &crate::sim::client::admin::call_exception(&m)));
            return;
        }
        let meta = ctx.sim.admin_mut(admin.id).map(|a| a.meta.clone());
        if let Some(meta) = meta {
            if entity_type == "topics" {
                entities = meta.topics.keys().cloned().collect();
                entities.compact_sort_by(|a, b| crate::sim::java::java_string_cmp(a, b));
            } else {
                entities = meta.brokers.keys().map(|b| b.to_string()).collect();
                entities.push(String::new());
            }
        }
    }
    // ConfigCommand.describeResourceConfig: one named topic or broker (not `--all`) must exist,
    // or the tool says so (exit 0).
    if let (false, [name]) = (all, names) {
        let exists = if entity_type == "topics" {
            if let Err(reason) = crate::console::format::topics::validate_topic_name(name) {
                // Thrown by Topic.validate itself: an ApiException, without frames.
                out.errln(&format!("Error while executing config command with args '{}'", args.join(" ")));
                out.errln(&format!(
                    "org.apache.kafka.common.errors.InvalidTopicException: Topic name is invalid: {reason}"
                ));
                out.exit_code = 1;
                return;
            }
            let listed = admin.call(
                ctx,
                "listTopics",
                Target::Any,
                Request::Metadata { topics: None, allow_auto_create: false },
            );
            listed.is_err() || ctx.sim.admin_mut(admin.id).is_some_and(|a| a.meta.topics.contains_key(name))
        } else {
            let listed = admin.call(
                ctx,
                "describeCluster",
                Target::Any,
                Request::Metadata { topics: Some(Vec::new()), allow_auto_create: false },
            );
            name.is_empty()
                || listed.is_err()
                || ctx.sim.admin_mut(admin.id).is_some_and(|a| a.meta.brokers.keys().any(|b| b.to_string() == *name))
        };
        if !exists {
            let singular = entity_type.trim_end_matches('s');
            out.outln(&format!("The {singular} '{name}' doesn't exist and doesn't have dynamic config."));
            return;
        }
    }
    for name in entities {
        let r = match resource(entity_type, &name) {
            Ok(r) => r,
            Err(m) => {
                out.append(&arg_error(&m));
                return;
            }
        };
        let block_name = if name.is_empty() { None } else { Some(name.clone()) };
        out.outln(&fmt::describe_header(entity_type, block_name.as_deref(), all));
        match fetch(ctx, admin, &r) {
            Ok(entries) => {
                let src = dynamic_source(&r);
                let shown: Vec<ConfigEntryView> = entries.iter().filter(|e| all || e.source == src).map(view).collect();
                let block =
                    ConfigBlock { entity_type: entity_type.to_string(), entity_name: block_name, all, entries: shown };
                // The header is already out; print the entries only.
                let body = fmt::describe(&[block]);
                let text = body.stdout();
                let rest = text.split_once('\n').map(|(_, r)| r).unwrap_or("");
                out.out(rest);
            }
            Err((class, msg)) => {
                out.append(&command_failed(args, &class, &msg));
                return;
            }
        }
    }
}

fn alter(
    ctx: &mut Ctx,
    admin: &AdminConn,
    p: &ParsedOpts,
    args: &[String],
    entity_type: &str,
    names: &[String],
    out: &mut Output,
) {
    let mut to_add: Vec<(String, String)> = Vec::new();
    if let Some(s) = p.value("add-config") {
        match parse_add_config(s) {
            Ok(v) => to_add.extend(v),
            Err(m) => {
                out.append(&arg_error(&m));
                return;
            }
        }
    }
    if let Some(path) = p.value("add-config-file") {
        match super::load_props(ctx, path) {
            Ok(v) => to_add.extend(v),
            Err(m) => {
                out.append(&command_failed(args, super::NO_SUCH_FILE, &m));
                return;
            }
        }
    }
    if let Some((k, _)) = to_add.iter().find(|(k, _)| k.is_empty() || k.contains(char::is_whitespace)) {
        out.append(&arg_error(&format!("Invalid character found for config key: {k}")));
        return;
    }
    let to_delete = parse_delete_config(&p.values("delete-config"));
    let name = names.first().cloned().unwrap_or_default();
    let r = match resource(entity_type, &name) {
        Ok(r) => r,
        Err(m) => {
            out.append(&arg_error(&m));
            return;
        }
    };
    // ConfigCommand.alterResourceConfig (topics, brokers): one IncrementalAlterConfigs, the
    // deletions first; deleting a config that is not set is no error.
    let mut ops: Vec<AlterOp> = to_delete.iter().map(|k| AlterOp::Delete(k.clone())).collect();
    ops.extend(to_add.iter().map(|(k, v)| AlterOp::Set(k.clone(), v.clone())));
    let resp = admin.call(
        ctx,
        "incrementalAlterConfigs",
        Target::Any,
        Request::Controller(ControllerRequest::AlterConfigs { resource: r, ops }),
    );
    match resp {
        Ok(Response::Controller(ControllerResponse::AlterConfigs(None))) => {
            let n = if name.is_empty() { None } else { Some(name.as_str()) };
            out.append(&fmt::alter_completed(entity_type, n));
        }
        Ok(Response::Controller(ControllerResponse::AlterConfigs(Some(e)))) => {
            out.append(&failed_api(args, &e));
        }
        Ok(_) => out.append(&command_failed(args, EXECUTION_EXCEPTION, "unexpected answer")),
        Err(m) => {
            out.append(&command_failed(args, EXECUTION_EXCEPTION, &crate::sim::client::admin::call_exception(&m)))
        }
    }
}

fn failed_api(args: &[String], e: &ApiError) -> Output {
    command_failed(args, EXECUTION_EXCEPTION, &format!("{}: {}", error_class(e.error), e.text()))
}
