//! `kafka-acls` (`org.apache.kafka.tools.AclCommand`, Kafka 4.4): `--add`, `--remove` and
//! `--list` ACL bindings through the admin client (`describeAcls`, `createAcls`, `deleteAcls`).
//!
//! Output as `AclCommand` prints it: `Adding ACLs for resource `<ResourcePattern>`: ` then the
//! entries, `Current ACLs for resource ...` per resource when listing, each block followed by
//! an empty line. The tool keeps resources and entries in `HashMap`/`HashSet`s, whose order
//! depends on enum identity hash codes and so changes from one JVM to the next: Brokerlab prints
//! them in a fixed order (the conformance comparison sorts both sides, `acl-order`). `--remove`
//! without `--force` asks `Are you sure ...? (y/n)` and reads the answer with
//! `System.console().readLine()`; with no terminal (scripts, the recorder) `System.console()`
//! is null and the tool ends in a NullPointerException, which is what Brokerlab prints.

use super::{AdminConn, Ctx, Started};
use crate::console::format::{stack_trace, Output};
use crate::console::opts::{parse_command, usage_error, ParsedOpts, Tool};
use crate::sim::acl::{
    AclBinding, AclEntry, AclFilter, AclOperation, PatternFilter, PatternType, Permission, ResourcePattern,
    ResourceType,
};
use crate::sim::client::admin::Target;
use crate::sim::protocol::{ControllerRequest, ControllerResponse, Request, Response};
use std::collections::BTreeMap;

/// A resource filter of the command line (`ResourcePatternFilter`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Resource {
    resource_type: ResourceType,
    name: String,
    pattern: Pattern,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Pattern {
    Literal,
    Prefixed,
    Any,
    Match,
}

impl Pattern {
    fn parse(v: &str) -> Option<Pattern> {
        match v.to_ascii_uppercase().as_str() {
            "LITERAL" => Some(Pattern::Literal),
            "PREFIXED" => Some(Pattern::Prefixed),
            "ANY" => Some(Pattern::Any),
            "MATCH" => Some(Pattern::Match),
            _ => None,
        }
    }
    fn java(self) -> &'static str {
        match self {
            Pattern::Literal => "LITERAL",
            Pattern::Prefixed => "PREFIXED",
            Pattern::Any => "ANY",
            Pattern::Match => "MATCH",
        }
    }
    fn filter(self) -> PatternFilter {
        match self {
            Pattern::Literal => PatternFilter::Literal,
            Pattern::Prefixed => PatternFilter::Prefixed,
            Pattern::Any => PatternFilter::Any,
            Pattern::Match => PatternFilter::Match,
        }
    }
    fn specific(self) -> Option<PatternType> {
        match self {
            Pattern::Literal => Some(PatternType::Literal),
            Pattern::Prefixed => Some(PatternType::Prefixed),
            _ => None,
        }
    }
}

impl Resource {
    /// `ResourcePatternFilter.toString`.
    fn show(&self) -> String {
        format!(
            "ResourcePattern(resourceType={}, name={}, patternType={})",
            self.resource_type.java(),
            self.name,
            self.pattern.java()
        )
    }
    /// `new AclBindingFilter(resourceFilter, AccessControlEntryFilter.ANY)`.
    fn filter(&self) -> AclFilter {
        AclFilter {
            resource_type: Some(self.resource_type),
            name: Some(self.name.clone()),
            pattern: self.pattern.filter(),
            ..AclFilter::any()
        }
    }
}

/// What ends the command: printed by `main`'s catch (`Error while executing ACL command: ...`
/// and the stack trace, on stdout) or by `printUsageAndExit`.
enum Fail {
    Exception(String, String),
    Usage(String),
}

pub(crate) fn run(ctx: &mut Ctx, args: &[String]) -> Started {
    let parsed = match parse_command(Tool::Acls, args) {
        Ok(p) => p,
        Err(o) => return Started::Done(o),
    };
    let p = &parsed.opts;
    let mut out = parsed.notes.clone();
    let servers = p.value("bootstrap-server").or_else(|| p.value("bootstrap-controller")).unwrap_or("").to_string();
    if let Some(path) = p.value("command-config") {
        match super::load_props(ctx, path) {
            Ok(_) => {}
            Err(m) => {
                out.append(&exception(&m, super::NO_SUCH_FILE));
                return Started::Done(out);
            }
        }
    }
    let admin = AdminConn::open(ctx.sim, &servers);
    let result = if p.has("add") {
        add(ctx, &admin, p, &mut out)
    } else if p.has("remove") {
        remove(ctx, &admin, p, &mut out)
    } else {
        list(ctx, &admin, p, &mut out)
    };
    admin.close(ctx.sim);
    match result {
        Ok(()) => {}
        Err(Fail::Exception(class, message)) => out.append(&exception(&message, &class)),
        Err(Fail::Usage(m)) => {
            let spec = Tool::Acls.spec().expect("kafka-acls has an option table");
            out.append(&usage_error(spec, &m));
        }
    }
    Started::Done(out)
}

/// `main`'s catch: the message and the stack trace on stdout, exit 1.
fn exception(message: &str, class: &str) -> Output {
    let mut o = Output::new();
    o.outln(&format!("Error while executing ACL command: {message}"));
    o.out(&stack_trace(class, message));
    o.outln("");
    o.exit_code = 1;
    o
}

fn pattern_of(p: &ParsedOpts) -> Pattern {
    p.value("resource-pattern-type").and_then(Pattern::parse).unwrap_or(Pattern::Literal)
}

/// `AclCommand.getResourceFilter`: the resources named on the command line.
fn resources(p: &ParsedOpts, die_if_none: bool) -> Result<Vec<Resource>, Fail> {
    let pattern = pattern_of(p);
    let mut v = Vec::new();
    let mut add = |rt: ResourceType, name: &str| {
        let r = Resource { resource_type: rt, name: name.to_string(), pattern };
        if !v.contains(&r) {
            v.push(r);
        }
    };
    for t in p.values("topic") {
        add(ResourceType::Topic, t.trim());
    }
    if pattern == Pattern::Literal && (p.has("cluster") || p.has("idempotent")) {
        add(ResourceType::Cluster, "kafka-cluster");
    }
    for g in p.values("group") {
        add(ResourceType::Group, g.trim());
    }
    for t in p.values("transactional-id") {
        add(ResourceType::TransactionalId, t);
    }
    for t in p.values("delegation-token") {
        add(ResourceType::DelegationToken, t.trim());
    }
    for u in p.values("user-principal") {
        add(ResourceType::User, u.trim());
    }
    if v.is_empty() && die_if_none {
        return Err(Fail::Usage(
            "You must provide at least one resource: --topic <topic> or --cluster or --group <group> or --delegation-token <Delegation Token ID>".into(),
        ));
    }
    Ok(v)
}

/// `SecurityUtils.parseKafkaPrincipal`.
fn principal(s: &str) -> Result<String, Fail> {
    match s.split_once(':') {
        Some((t, n)) if !s.is_empty() => Ok(format!("{t}:{n}")),
        _ => Err(Fail::Exception(
            "java.lang.IllegalArgumentException".into(),
            format!("expected a string in format principalType:principalName but got {s}"),
        )),
    }
}

fn principals(p: &ParsedOpts, opt: &str) -> Result<Vec<String>, Fail> {
    let mut v = Vec::new();
    for s in p.values(opt) {
        let pr = principal(s.trim())?;
        if !v.contains(&pr) {
            v.push(pr);
        }
    }
    Ok(v)
}

/// `AclCommand.getHosts`: the given hosts, or `*` when the principal option is present.
fn hosts(p: &ParsedOpts, host_opt: &str, principal_opt: &str) -> Vec<String> {
    if p.has(host_opt) {
        let mut v: Vec<String> = p.values(host_opt).iter().map(|h| h.trim().to_string()).collect();
        v.dedup();
        v
    } else if p.has(principal_opt) {
        vec!["*".to_string()]
    } else {
        vec![]
    }
}

/// `AclCommand.getAcl(opts, operations)`: every allowed principal × operation × host, then the
/// denied ones.
fn entries(p: &ParsedOpts, ops: &[AclOperation]) -> Result<Vec<AclEntry>, Fail> {
    let allowed = principals(p, "allow-principal")?;
    let denied = principals(p, "deny-principal")?;
    let mut v = Vec::new();
    for (who, hs, perm) in [
        (allowed, hosts(p, "allow-host", "allow-principal"), Permission::Allow),
        (denied, hosts(p, "deny-host", "deny-principal"), Permission::Deny),
    ] {
        for w in &who {
            for op in ops {
                for h in &hs {
                    let e = AclEntry { principal: w.clone(), host: h.clone(), operation: *op, permission: perm };
                    if !v.contains(&e) {
                        v.push(e);
                    }
                }
            }
        }
    }
    Ok(v)
}

/// `AclCommand.getResourceFilterToAcls`: per resource, the entries to add or remove, then
/// `validateOperation`.
fn resource_acls(p: &ParsedOpts) -> Result<Vec<(Resource, Vec<AclEntry>)>, Fail> {
    let mut map: BTreeMap<Resource, Vec<AclEntry>> = BTreeMap::new();
    let mut unknown_op = false;
    if !p.has("producer") && !p.has("consumer") {
        let mut ops = Vec::new();
        let given = p.values("operation");
        let names: Vec<&str> = if given.is_empty() { vec!["All"] } else { given };
        for n in names {
            match AclOperation::parse(n.trim()) {
                Some(o) => {
                    if !ops.contains(&o) {
                        ops.push(o)
                    }
                }
                None => unknown_op = true,
            }
        }
        let acls = entries(p, &ops)?;
        for r in resources(p, true)? {
            map.insert(r, acls.clone());
        }
    }
    if p.has("producer") {
        use AclOperation::*;
        let rs = resources(p, true)?;
        let topic_acls = entries(p, &[Write, Describe, Create])?;
        let txn_acls = entries(p, &[Write, Describe])?;
        for r in rs {
            match r.resource_type {
                ResourceType::Topic => {
                    map.insert(r, topic_acls.clone());
                }
                ResourceType::TransactionalId => {
                    map.insert(r, txn_acls.clone());
                }
                _ => {}
            }
        }
        if p.has("idempotent") {
            let cluster = Resource {
                resource_type: ResourceType::Cluster,
                name: "kafka-cluster".into(),
                pattern: Pattern::Literal,
            };
            map.insert(cluster, entries(p, &[IdempotentWrite])?);
        }
    }
    if p.has("consumer") {
        use AclOperation::*;
        let rs = resources(p, true)?;
        let topic_acls = entries(p, &[Read, Describe])?;
        let group_acls = entries(p, &[Read])?;
        for r in rs {
            let add = match r.resource_type {
                ResourceType::Topic => topic_acls.clone(),
                ResourceType::Group => group_acls.clone(),
                _ => continue,
            };
            let e = map.entry(r).or_default();
            for a in add {
                if !e.contains(&a) {
                    e.push(a);
                }
            }
        }
    }
    // validateOperation: an operation the resource type does not support (UNKNOWN included).
    for (r, acls) in &map {
        let supported = r.resource_type.supported_operations();
        if unknown_op || acls.iter().any(|a| a.operation != AclOperation::All && !supported.contains(&a.operation)) {
            let mut names: Vec<&str> = supported.iter().map(|o| o.java()).collect();
            names.push("ALL");
            return Err(Fail::Usage(format!(
                "ResourceType {} only supports operations {}",
                r.resource_type.java(),
                format_args!("[{}]", names.join(", "))
            )));
        }
    }
    Ok(map.into_iter().collect())
}

fn describe(ctx: &mut Ctx, admin: &AdminConn, filter: AclFilter) -> Result<Vec<AclBinding>, Fail> {
    match admin.call(ctx, "describeAcls", Target::Any, Request::DescribeAcls { filter }) {
        Ok(Response::DescribeAcls(Ok(v))) => Ok(v),
        Ok(Response::DescribeAcls(Err(e))) => Err(execution(e.error.exception_class(), e.text())),
        Ok(_) => Err(Fail::Exception("java.lang.IllegalStateException".into(), "unexpected response".into())),
        Err(m) => Err(timeout(&m)),
    }
}

fn execution(class: &str, message: &str) -> Fail {
    Fail::Exception("java.util.concurrent.ExecutionException".into(), format!("{class}: {message}"))
}

fn timeout(m: &str) -> Fail {
    execution("org.apache.kafka.common.errors.TimeoutException", m)
}

fn add(ctx: &mut Ctx, admin: &AdminConn, p: &ParsedOpts, out: &mut Output) -> Result<(), Fail> {
    let pattern = pattern_of(p);
    let Some(specific) = pattern.specific() else {
        return Err(Fail::Usage(format!(
            "A '--resource-pattern-type' value of '{}' is not valid when adding acls.",
            pattern.java()
        )));
    };
    let per_resource = resource_acls(p)?;
    if per_resource.iter().any(|(_, a)| a.is_empty()) {
        return Err(Fail::Usage(
            "You must specify one of: --allow-principal, --deny-principal when trying to add ACLs.".into(),
        ));
    }
    for (r, acls) in per_resource {
        let rp = ResourcePattern { resource_type: r.resource_type, name: r.name.clone(), pattern: specific };
        let existing = describe(ctx, admin, r.filter())?;
        let mut new = Vec::new();
        for e in acls {
            let b = AclBinding { pattern: rp.clone(), entry: e };
            if existing.contains(&b) {
                out.outln(&format!("Acl {b} already exists."));
            } else {
                new.push(b);
            }
        }
        if new.is_empty() {
            continue;
        }
        let lines: Vec<String> = new.iter().map(|b| format!("\t{}", b.entry)).collect();
        out.outln(&format!("Adding ACLs for resource `{rp}`: \n {}\n", lines.join("\n")));
        let req = Request::Controller(ControllerRequest::CreateAcls { bindings: new });
        match admin.call(ctx, "createAcls", Target::Any, req) {
            Ok(Response::Controller(ControllerResponse::CreateAcls(results))) => {
                if let Some(e) = results.into_iter().flatten().next() {
                    return Err(execution(e.error.exception_class(), e.text()));
                }
            }
            Ok(Response::Controller(ControllerResponse::NotController { .. })) | Ok(_) => {
                return Err(timeout("Timed out waiting for a node assignment. Call: createAcls"))
            }
            Err(m) => return Err(timeout(&m)),
        }
    }
    Ok(())
}

fn remove(ctx: &mut Ctx, admin: &AdminConn, p: &ParsedOpts, out: &mut Output) -> Result<(), Fail> {
    for (r, acls) in resource_acls(p)? {
        let msg = if acls.is_empty() {
            format!("Are you sure you want to delete all ACLs for resource filter `{}`? (y/n)", r.show())
        } else {
            let lines: Vec<String> = acls.iter().map(|a| format!("\t{a}")).collect();
            format!(
                "Are you sure you want to remove ACLs: \n {}\n from resource filter `{}`? (y/n)",
                lines.join("\n"),
                r.show()
            )
        };
        if !p.has("force") {
            // `confirmAction`: `System.console()` is null without a terminal.
            out.outln(&msg);
            return Err(Fail::Exception(
                "java.lang.NullPointerException".into(),
                "Cannot invoke \"java.io.Console.readLine()\" because the return value of \"java.lang.System.console()\" is null"
                    .into(),
            ));
        }
        let base = r.filter();
        let filters: Vec<AclFilter> = if acls.is_empty() {
            vec![base]
        } else {
            acls.iter()
                .map(|a| AclFilter {
                    principal: Some(a.principal.clone()),
                    host: Some(a.host.clone()),
                    operation: Some(a.operation),
                    permission: Some(a.permission),
                    ..base.clone()
                })
                .collect()
        };
        let req = Request::Controller(ControllerRequest::DeleteAcls { filters });
        match admin.call(ctx, "deleteAcls", Target::Any, req) {
            Ok(Response::Controller(ControllerResponse::DeleteAcls(results))) => {
                if let Some(Err(e)) = results.into_iter().find(|r| r.is_err()) {
                    return Err(execution(e.error.exception_class(), e.text()));
                }
            }
            Ok(_) => return Err(timeout("Timed out waiting for a node assignment. Call: deleteAcls")),
            Err(m) => return Err(timeout(&m)),
        }
    }
    Ok(())
}

fn list(ctx: &mut Ctx, admin: &AdminConn, p: &ParsedOpts, out: &mut Output) -> Result<(), Fail> {
    let filters = resources(p, false)?;
    let list_principals = principals(p, "principal")?;
    let mut bindings = Vec::new();
    if filters.is_empty() {
        bindings = describe(ctx, admin, AclFilter::any())?;
    } else {
        for f in &filters {
            bindings.extend(describe(ctx, admin, f.filter())?);
        }
    }
    let mut by_resource: BTreeMap<ResourcePattern, Vec<AclEntry>> = BTreeMap::new();
    for b in bindings {
        let e = by_resource.entry(b.pattern).or_default();
        if !e.contains(&b.entry) {
            e.push(b.entry);
        }
    }
    if list_principals.is_empty() {
        print_resource_acls(out, &by_resource);
    } else {
        for pr in list_principals {
            out.outln(&format!("ACLs for principal `{pr}`"));
            let only: BTreeMap<ResourcePattern, Vec<AclEntry>> = by_resource
                .iter()
                .map(|(r, v)| (r.clone(), v.iter().filter(|a| a.principal == pr).cloned().collect::<Vec<_>>()))
                .filter(|(_, v)| !v.is_empty())
                .collect();
            print_resource_acls(out, &only);
        }
    }
    Ok(())
}

/// `AclCommand.printResourceAcls`.
fn print_resource_acls(out: &mut Output, m: &BTreeMap<ResourcePattern, Vec<AclEntry>>) {
    for (r, acls) in m {
        let lines: Vec<String> = acls.iter().map(|a| format!("\t{a}")).collect();
        out.outln(&format!("Current ACLs for resource `{r}`:\n{}\n", lines.join("\n")));
    }
}
