//! `kafka-configs --entity-type users|clients`: client quotas (`ConfigCommand.alterConfig` for
//! users and clients, `alterQuotaConfigs`, `describeQuotaConfigs`), through the admin client's
//! `alterClientQuotas` and `describeClientQuotas` (KIP-546). SCRAM credentials (the other
//! user configs) are not simulated.

use super::{error_class, AdminConn, Ctx};
use crate::console::format::configs::{self as fmt, arg_error, command_failed, parse_add_config, parse_delete_config};
use crate::console::format::Output;
use crate::console::opts::ParsedOpts;
use crate::sim::client::admin::Target;
use crate::sim::config::java::double_to_string;
use crate::sim::java::{java_hashmap_order, java_parse_double};
use crate::sim::protocol::{ControllerRequest, ControllerResponse, Request, Response};
use crate::sim::quota::{describe_order, is_quota_key, QuotaEntity, QuotaFilter, QuotaMatch, QuotaName};

const EXECUTION_EXCEPTION: &str = "java.util.concurrent.ExecutionException";
/// `ScramMechanism.isScram`.
const SCRAM: [&str; 2] = ["SCRAM-SHA-256", "SCRAM-SHA-512"];

/// `users` → `user`, `clients` → `client-id` (the quota entity types).
fn quota_type(entity_type: &str) -> &'static str {
    if entity_type == "users" {
        "user"
    } else {
        "client-id"
    }
}

/// `getAllClientQuotasConfigs`: the filter of the given types and names.
fn filter(types: &[String], names: &[String]) -> Result<QuotaFilter, String> {
    if names.len() > types.len() {
        return Err("More entity names specified than entity types".to_string());
    }
    let components = types
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let m = match names.get(i) {
                None => QuotaMatch::Any,
                Some(n) if n.is_empty() => QuotaMatch::Default,
                Some(n) => QuotaMatch::Exact(n.clone()),
            };
            (quota_type(t).to_string(), m)
        })
        .collect();
    Ok(QuotaFilter { components, strict: true })
}

fn describe_quotas(
    ctx: &mut Ctx,
    admin: &AdminConn,
    args: &[String],
    f: QuotaFilter,
) -> Result<crate::sim::quota::QuotaEntries, Output> {
    match admin.call(ctx, "describeClientQuotas", Target::Any, Request::DescribeClientQuotas { filter: f }) {
        Ok(Response::DescribeClientQuotas(Ok(v))) => Ok(describe_order(v)),
        Ok(Response::DescribeClientQuotas(Err(e))) => {
            Err(command_failed(args, EXECUTION_EXCEPTION, &format!("{}: {}", error_class(e.error), e.text())))
        }
        Ok(_) => Err(command_failed(args, EXECUTION_EXCEPTION, "unexpected answer")),
        Err(m) => Err(command_failed(args, EXECUTION_EXCEPTION, &crate::sim::client::admin::call_exception(&m))),
    }
}

/// `--describe` of users and/or clients.
pub(crate) fn describe(
    ctx: &mut Ctx,
    admin: &AdminConn,
    args: &[String],
    types: &[String],
    names: &[String],
) -> Output {
    let f = match filter(types, names) {
        Ok(f) => f,
        Err(m) => return arg_error(&m),
    };
    let found = match describe_quotas(ctx, admin, args, f) {
        Ok(v) => v,
        Err(o) => return o,
    };
    let mut out = Output::new();
    for (entity, values) in found {
        let entries: Vec<String> =
            values.iter().map(|(k, v)| format!("{k}={}", double_to_string(f64::from_bits(*v)))).collect();
        out.outln(&format!("Quota configs for {} are {}", entity.describe(), entries.join(", ")));
    }
    // ConfigCommand.describeClientQuotaAndUserScramCredentialConfigs: then the users' SCRAM
    // credentials, unless clients or a default are described. They list nothing (Brokerlab has
    // no SCRAM credentials), but the request needs DESCRIBE on the cluster.
    if !types.iter().any(|t| t == "clients") && !names.iter().any(|n| n.is_empty()) {
        let users = names.to_vec();
        let r = admin.call(
            ctx,
            "describeUserScramCredentials",
            Target::Any,
            Request::DescribeUserScramCredentials { users },
        );
        match r {
            Ok(Response::DescribeUserScramCredentials(Some(e))) => {
                out.append(&command_failed(
                    args,
                    EXECUTION_EXCEPTION,
                    &format!("{}: {}", error_class(e.error), e.text()),
                ));
            }
            Ok(_) => {}
            Err(m) => {
                out.append(&command_failed(args, EXECUTION_EXCEPTION, &crate::sim::client::admin::call_exception(&m)))
            }
        }
    }
    out
}

/// `--alter` of users and/or clients.
pub(crate) fn alter(
    ctx: &mut Ctx,
    admin: &AdminConn,
    p: &ParsedOpts,
    args: &[String],
    types: &[String],
    names: &[String],
) -> Output {
    // ConfigCommand.processCommand, before the admin client is created.
    if types.len() != names.len() {
        return arg_error("An entity name must be specified for every entity type");
    }
    let mut to_add: Vec<(String, String)> = Vec::new();
    if let Some(s) = p.value("add-config") {
        match parse_add_config(s) {
            Ok(v) => to_add.extend(v),
            Err(m) => return arg_error(&m),
        }
    }
    if let Some(path) = p.value("add-config-file") {
        match super::load_props(ctx, path) {
            Ok(v) => to_add.extend(v),
            Err(m) => return command_failed(args, super::NO_SUCH_FILE, &m),
        }
    }
    if let Some((k, _)) =
        to_add.iter().find(|(k, _)| !k.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '$' | '.' | '_' | '-')))
    {
        return arg_error(&format!("Invalid character found for config key: {k}"));
    }
    // Properties: a later value of a key replaces the earlier one.
    let mut added: Vec<(String, String)> = Vec::new();
    for (k, v) in to_add {
        match added.iter_mut().find(|(n, _)| *n == k) {
            Some(e) => e.1 = v,
            None => added.push((k, v)),
        }
    }
    let to_delete = parse_delete_config(&p.values("delete-config"));
    let entity_type = types[0].as_str();
    let is_scram = |k: &str| SCRAM.contains(&k);
    let unknown_add: Vec<String> =
        added.iter().map(|(k, _)| k.clone()).filter(|k| !is_scram(k) && !is_quota_key(k)).collect();
    let unknown_delete: Vec<String> = to_delete.iter().filter(|k| !is_scram(k) && !is_quota_key(k)).cloned().collect();
    let scram_add: Vec<String> = added.iter().map(|(k, _)| k.clone()).filter(|k| is_scram(k)).collect();
    let scram_delete: Vec<String> = to_delete.iter().filter(|k| is_scram(k)).cloned().collect();
    // The unexpected names are a HashSet, joined in its order.
    let joined = |mut v: Vec<String>, extra: &[String]| {
        v.extend(extra.iter().cloned());
        java_hashmap_order(&v).join(",")
    };
    if entity_type == "clients" || types.len() == 2 {
        if !unknown_add.is_empty() || !scram_add.is_empty() {
            return arg_error(&format!(
                "Only quota configs can be added for 'clients' using --bootstrap-server. Unexpected config names: {}",
                joined(unknown_add, &scram_add)
            ));
        }
        if !unknown_delete.is_empty() || !scram_delete.is_empty() {
            return arg_error(&format!(
                "Only quota configs can be deleted for 'clients' using --bootstrap-server. Unexpected config names: {}",
                joined(unknown_delete, &scram_delete)
            ));
        }
    } else {
        if !unknown_add.is_empty() {
            return arg_error(&format!(
                "Only quota and SCRAM credential configs can be added for 'users' using --bootstrap-server. Unexpected config names: {}",
                joined(unknown_add, &[])
            ));
        }
        if !unknown_delete.is_empty() {
            return arg_error(&format!(
                "Only quota and SCRAM credential configs can be deleted for 'users' using --bootstrap-server. Unexpected config names: {}",
                joined(unknown_delete, &[])
            ));
        }
        if !scram_add.is_empty() || !scram_delete.is_empty() {
            return Output::failure(
                "Brokerlab does not simulate SCRAM credentials: only the quota configs of users (producer_byte_rate, consumer_byte_rate, request_percentage, controller_mutation_rate) can be altered.",
            );
        }
    }
    // alterQuotaConfigs: the entity's current quotas first; deleting one that is not set fails.
    let f = match filter(types, names) {
        Ok(f) => f,
        Err(m) => return arg_error(&m),
    };
    let old = match describe_quotas(ctx, admin, args, f) {
        Ok(v) => v.into_iter().next().map(|(_, vals)| vals).unwrap_or_default(),
        Err(o) => return o,
    };
    let invalid: Vec<&str> =
        to_delete.iter().filter(|k| !old.iter().any(|(n, _)| n == *k)).map(|k| k.as_str()).collect();
    if !invalid.is_empty() {
        return arg_error(&format!("Invalid config(s): {}", invalid.join(",")));
    }
    let mut entity = QuotaEntity { user: None, client_id: None };
    for (t, n) in types.iter().zip(names) {
        let name = if n.is_empty() { QuotaName::Default } else { QuotaName::Named(n.clone()) };
        if t == "users" {
            entity.user = Some(name);
        } else {
            entity.client_id = Some(name);
        }
    }
    // The values are parsed in the order of the HashMap they were collected into.
    let keys: Vec<String> = added.iter().map(|(k, _)| k.clone()).collect();
    let mut ops: Vec<(String, Option<u64>)> = Vec::new();
    for k in java_hashmap_order(&keys) {
        let v = added.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone()).unwrap_or_default();
        match java_parse_double(&v) {
            Some(d) => ops.push((k, Some(d.to_bits()))),
            None => return arg_error(&format!("Cannot parse quota configuration value for {k}: {v}")),
        }
    }
    ops.extend(to_delete.iter().map(|k| (k.clone(), None)));
    let resp = admin.call(
        ctx,
        "alterClientQuotas",
        Target::Any,
        Request::Controller(ControllerRequest::AlterClientQuotas { entity, ops }),
    );
    match resp {
        Ok(Response::Controller(ControllerResponse::AlterClientQuotas(None))) => {
            let n = names[0].as_str();
            fmt::alter_completed(entity_type, if n.is_empty() { None } else { Some(n) })
        }
        Ok(Response::Controller(ControllerResponse::AlterClientQuotas(Some(e)))) => {
            command_failed(args, EXECUTION_EXCEPTION, &format!("{}: {}", error_class(e.error), e.text()))
        }
        Ok(_) => command_failed(args, EXECUTION_EXCEPTION, "unexpected answer"),
        Err(m) => command_failed(args, EXECUTION_EXCEPTION, &crate::sim::client::admin::call_exception(&m)),
    }
}
