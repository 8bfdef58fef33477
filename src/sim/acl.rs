//! ACLs and the KRaft `StandardAuthorizer`.
//!
//! An ACL binding is a resource pattern (`ResourcePattern`: type, name, LITERAL or PREFIXED)
//! and an entry (`AccessControlEntry`: principal, host, operation, ALLOW or DENY). In KRaft the
//! controller stores them as metadata (`AccessControlEntryRecord`, removed by
//! `RemoveAccessControlEntryRecord`) and every node authorizes from its metadata image
//! (`org.apache.kafka.metadata.authorizer.StandardAuthorizer`). [`authorize`] follows
//! `StandardAuthorizerData.authorize`: super users are allowed everything; otherwise the ACLs
//! whose pattern matches the resource (the literal name, a prefix of it, or the literal `*`)
//! decide: a matching DENY wins, then a matching ALLOW; when ACLs exist on the resource but
//! none matches, the answer is DENIED; with no ACL on the resource at all, it is
//! `allow.everyone.if.no.acl.found` (false by default). An ALLOW of READ, WRITE, DELETE or
//! ALTER implies DESCRIBE, an ALLOW of ALTER_CONFIGS implies DESCRIBE_CONFIGS, and ALL matches
//! every operation (`StandardAuthorizerData.findResult`).

use crate::sim::codec::Codec;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The broker configs of Brokerlab's opt-in secured cluster (`reset --security sasl-plain`, a
/// lesson's `security: sasl-plain`, a conformance scenario's `## security: sasl-plain`), as Kafka's
/// security documentation configures SASL/PLAIN for KRaft: every listener authenticates with
/// PLAIN (the brokers' listener is then `SASL_PLAINTEXT://localhost:909N`, also the inter-broker
/// listener); users and passwords are the listener's `user_<name>` JAAS options, and the JAAS
/// `username`/`password` are what the nodes themselves log in as (admin, a super user); the
/// `StandardAuthorizer` with `allow.everyone.if.no.acl.found` at its default, false. Users:
/// admin/admin-secret, alice/alice-secret, bob/bob-secret.
pub const SASL_PLAIN_BROKER_CONFIGS: &[(&str, &str)] = &[
    ("listener.security.protocol.map", "CONTROLLER:SASL_PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT"),
    ("sasl.enabled.mechanisms", "PLAIN"),
    ("sasl.mechanism.controller.protocol", "PLAIN"),
    ("inter.broker.listener.name", "SASL_PLAINTEXT"),
    ("sasl.mechanism.inter.broker.protocol", "PLAIN"),
    ("listener.name.controller.plain.sasl.jaas.config", SASL_JAAS),
    ("listener.name.sasl_plaintext.plain.sasl.jaas.config", SASL_JAAS),
    ("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer"),
    ("super.users", "User:admin"),
];

const SASL_JAAS: &str = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\"admin-secret\" user_admin=\"admin-secret\" user_alice=\"alice-secret\" user_bob=\"bob-secret\";";

/// `org.apache.kafka.common.resource.ResourceType` (the ones a binding can name).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Codec)]
pub enum ResourceType {
    Topic,
    Group,
    Cluster,
    TransactionalId,
    DelegationToken,
    User,
}

impl ResourceType {
    /// The Java enum constant (`TOPIC`), as `ResourcePattern.toString` prints it.
    pub(crate) fn java(self) -> &'static str {
        match self {
            ResourceType::Topic => "TOPIC",
            ResourceType::Group => "GROUP",
            ResourceType::Cluster => "CLUSTER",
            ResourceType::TransactionalId => "TRANSACTIONAL_ID",
            ResourceType::DelegationToken => "DELEGATION_TOKEN",
            ResourceType::User => "USER",
        }
    }

    /// `AclEntry.supportedOperations(resourceType)` (kafka-server-common
    /// `org.apache.kafka.security.authorizer.AclEntry`).
    pub(crate) fn supported_operations(self) -> &'static [AclOperation] {
        use AclOperation::*;
        match self {
            ResourceType::Topic => &[Read, Write, Create, Describe, Delete, Alter, DescribeConfigs, AlterConfigs],
            ResourceType::Group => &[Read, Describe, Delete, DescribeConfigs, AlterConfigs],
            ResourceType::Cluster => {
                &[Create, ClusterAction, DescribeConfigs, AlterConfigs, IdempotentWrite, Alter, Describe]
            }
            ResourceType::TransactionalId => &[Describe, Write, TwoPhaseCommit],
            ResourceType::DelegationToken => &[Describe],
            ResourceType::User => &[CreateTokens, DescribeTokens],
        }
    }
}

/// `org.apache.kafka.common.resource.PatternType` of a stored binding.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Codec)]
pub enum PatternType {
    Literal,
    Prefixed,
}

impl PatternType {
    pub(crate) fn java(self) -> &'static str {
        match self {
            PatternType::Literal => "LITERAL",
            PatternType::Prefixed => "PREFIXED",
        }
    }
}

/// `org.apache.kafka.common.acl.AclOperation` (without UNKNOWN and ANY, which no binding holds).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Codec)]
pub enum AclOperation {
    All,
    Read,
    Write,
    Create,
    Delete,
    Alter,
    Describe,
    ClusterAction,
    DescribeConfigs,
    AlterConfigs,
    IdempotentWrite,
    CreateTokens,
    DescribeTokens,
    TwoPhaseCommit,
}

impl AclOperation {
    /// Every operation in `AclOperation`'s declaration order.
    pub(crate) const EVERY: [AclOperation; 14] = [
        AclOperation::All,
        AclOperation::Read,
        AclOperation::Write,
        AclOperation::Create,
        AclOperation::Delete,
        AclOperation::Alter,
        AclOperation::Describe,
        AclOperation::ClusterAction,
        AclOperation::DescribeConfigs,
        AclOperation::AlterConfigs,
        AclOperation::IdempotentWrite,
        AclOperation::CreateTokens,
        AclOperation::DescribeTokens,
        AclOperation::TwoPhaseCommit,
    ];

    /// The Java enum constant (`DESCRIBE_CONFIGS`).
    pub(crate) fn java(self) -> &'static str {
        match self {
            AclOperation::All => "ALL",
            AclOperation::Read => "READ",
            AclOperation::Write => "WRITE",
            AclOperation::Create => "CREATE",
            AclOperation::Delete => "DELETE",
            AclOperation::Alter => "ALTER",
            AclOperation::Describe => "DESCRIBE",
            AclOperation::ClusterAction => "CLUSTER_ACTION",
            AclOperation::DescribeConfigs => "DESCRIBE_CONFIGS",
            AclOperation::AlterConfigs => "ALTER_CONFIGS",
            AclOperation::IdempotentWrite => "IDEMPOTENT_WRITE",
            AclOperation::CreateTokens => "CREATE_TOKENS",
            AclOperation::DescribeTokens => "DESCRIBE_TOKENS",
            AclOperation::TwoPhaseCommit => "TWO_PHASE_COMMIT",
        }
    }

    /// `SecurityUtils.operation(name)`: the PascalCase name (`DescribeConfigs`), or any name
    /// whose upper case is its upper case (`describeconfigs`); `None` is UNKNOWN.
    pub(crate) fn parse(name: &str) -> Option<AclOperation> {
        AclOperation::EVERY.iter().copied().find(|o| {
            let pascal = pascal_case(o.java());
            pascal == name || pascal.to_ascii_uppercase() == name.to_uppercase()
        })
    }
}

/// `SecurityUtils.toPascalCase`: `DESCRIBE_CONFIGS` → `DescribeConfigs`.
pub(crate) fn pascal_case(name: &str) -> String {
    let mut s = String::new();
    let mut up = true;
    for c in name.chars() {
        if c == '_' {
            up = true;
        } else if up {
            s.push(c.to_ascii_uppercase());
            up = false;
        } else {
            s.push(c.to_ascii_lowercase());
        }
    }
    s
}

/// `AclPermissionType`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Codec)]
pub enum Permission {
    Allow,
    Deny,
}

impl Permission {
    pub(crate) fn java(self) -> &'static str {
        match self {
            Permission::Allow => "ALLOW",
            Permission::Deny => "DENY",
        }
    }
}

/// `ResourcePattern`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Codec)]
pub struct ResourcePattern {
    pub resource_type: ResourceType,
    pub name: String,
    pub pattern: PatternType,
}

impl fmt::Display for ResourcePattern {
    /// `ResourcePattern.toString`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ResourcePattern(resourceType={}, name={}, patternType={})",
            self.resource_type.java(),
            self.name,
            self.pattern.java()
        )
    }
}

/// `AccessControlEntry`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Codec)]
pub struct AclEntry {
    /// `User:alice`.
    pub principal: String,
    pub host: String,
    pub operation: AclOperation,
    pub permission: Permission,
}

impl fmt::Display for AclEntry {
    /// `AccessControlEntryData.toString`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "(principal={}, host={}, operation={}, permissionType={})",
            self.principal,
            self.host,
            self.operation.java(),
            self.permission.java()
        )
    }
}

/// `AclBinding`: a pattern and an entry.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Codec)]
pub struct AclBinding {
    pub pattern: ResourcePattern,
    pub entry: AclEntry,
}

impl fmt::Display for AclBinding {
    /// `AclBinding.toString`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "(pattern={}, entry={})", self.pattern, self.entry)
    }
}

/// How a filter's pattern type matches (`PatternType` ANY and MATCH besides the specific ones).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub enum PatternFilter {
    Literal,
    Prefixed,
    /// The exact name, any pattern type.
    Any,
    /// Every pattern that applies to the name: the literal name, the literal `*`, and every
    /// prefix of it (`ResourcePatternFilter.matches`).
    Match,
}

/// `AclBindingFilter`: `None` matches anything.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct AclFilter {
    pub resource_type: Option<ResourceType>,
    pub name: Option<String>,
    pub pattern: PatternFilter,
    pub principal: Option<String>,
    pub host: Option<String>,
    pub operation: Option<AclOperation>,
    pub permission: Option<Permission>,
}

impl AclFilter {
    /// `AclBindingFilter.ANY`.
    pub(crate) fn any() -> AclFilter {
        AclFilter {
            resource_type: None,
            name: None,
            pattern: PatternFilter::Any,
            principal: None,
            host: None,
            operation: None,
            permission: None,
        }
    }

    /// `AclBindingFilter.matches`: `ResourcePatternFilter.matches` and
    /// `AccessControlEntryFilter.matches` (an operation or permission filter of ANY is `None`).
    pub(crate) fn matches(&self, b: &AclBinding) -> bool {
        if self.resource_type.is_some_and(|t| t != b.pattern.resource_type) {
            return false;
        }
        let name_ok = match (&self.name, self.pattern) {
            (None, PatternFilter::Any | PatternFilter::Match) => true,
            (None, PatternFilter::Literal) => b.pattern.pattern == PatternType::Literal,
            (None, PatternFilter::Prefixed) => b.pattern.pattern == PatternType::Prefixed,
            (Some(n), PatternFilter::Literal) => b.pattern.pattern == PatternType::Literal && &b.pattern.name == n,
            (Some(n), PatternFilter::Prefixed) => b.pattern.pattern == PatternType::Prefixed && &b.pattern.name == n,
            (Some(n), PatternFilter::Any) => &b.pattern.name == n,
            (Some(n), PatternFilter::Match) => match b.pattern.pattern {
                PatternType::Literal => &b.pattern.name == n || b.pattern.name == "*",
                PatternType::Prefixed => n.starts_with(&b.pattern.name),
            },
        };
        name_ok
            && self.principal.as_ref().is_none_or(|p| p == &b.entry.principal)
            && self.host.as_ref().is_none_or(|h| h == &b.entry.host)
            && self.operation.is_none_or(|o| o == b.entry.operation)
            && self.permission.is_none_or(|p| p == b.entry.permission)
    }
}

/// What the authorizer is configured with (`StandardAuthorizer.configure`: `super.users`,
/// `allow.everyone.if.no.acl.found`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct AuthorizerConfig {
    /// `User:admin` strings.
    pub super_users: Vec<String>,
    pub allow_if_no_acl: bool,
}

/// `StandardAuthorizerData.authorize` for a principal (`User:alice`, from any host) asking
/// `op` on the literal resource `(resource_type, name)`.
pub(crate) fn authorize<'a>(
    cfg: &AuthorizerConfig,
    acls: impl Iterator<Item = &'a AclBinding> + Clone,
    principal: &str,
    op: AclOperation,
    resource_type: ResourceType,
    name: &str,
) -> bool {
    if cfg.super_users.iter().any(|s| s == principal) {
        return true;
    }
    let applies = |b: &&AclBinding| {
        b.pattern.resource_type == resource_type
            && match b.pattern.pattern {
                PatternType::Literal => b.pattern.name == name || b.pattern.name == "*",
                PatternType::Prefixed => name.starts_with(&b.pattern.name),
            }
    };
    let mut has_resource_acls = false;
    let mut allowed = false;
    for b in acls.filter(applies) {
        has_resource_acls = true;
        match find_result(principal, op, &b.entry) {
            Some(Permission::Deny) => return false,
            Some(Permission::Allow) => allowed = true,
            None => {}
        }
    }
    if allowed {
        true
    } else if has_resource_acls {
        false
    } else {
        cfg.allow_if_no_acl
    }
}

/// `Authorizer.authorizeByResourceType` (the interface's default, which the
/// `StandardAuthorizer` keeps): whether the principal may do `op` on at least one resource of
/// the type. First `authorize` on a made-up literal name (`hardcode`: super users, ACLs on `*`,
/// `allow.everyone.if.no.acl.found`); then any ALLOW of `op` (or ALL) for the principal (or
/// `User:*`) on a literal or prefixed pattern that no DENY covers (a DENY on the literal `*`
/// denies all; a DENY on a literal name cancels the ALLOW of that literal name; a prefixed DENY
/// cancels every ALLOW whose name starts with it).
pub(crate) fn authorize_by_resource_type<'a>(
    cfg: &AuthorizerConfig,
    acls: impl Iterator<Item = &'a AclBinding> + Clone,
    principal: &str,
    op: AclOperation,
    resource_type: ResourceType,
) -> bool {
    if authorize(cfg, acls.clone(), principal, op, resource_type, "hardcode") {
        return true;
    }
    let mut deny_literal: Vec<&str> = Vec::new();
    let mut deny_prefixed: Vec<&str> = Vec::new();
    let mut allow: Vec<(PatternType, &str)> = Vec::new();
    for b in acls.filter(|b| b.pattern.resource_type == resource_type) {
        let e = &b.entry;
        let host_ok = e.host == "*" || e.host == "127.0.0.1";
        let who_ok = e.principal == principal || e.principal == "User:*";
        let op_ok = e.operation == op || e.operation == AclOperation::All;
        if !(host_ok && who_ok && op_ok) {
            continue;
        }
        match (e.permission, b.pattern.pattern) {
            (Permission::Deny, PatternType::Literal) if b.pattern.name == "*" => return false,
            (Permission::Deny, PatternType::Literal) => deny_literal.push(&b.pattern.name),
            (Permission::Deny, PatternType::Prefixed) => deny_prefixed.push(&b.pattern.name),
            (Permission::Allow, PatternType::Literal) if b.pattern.name == "*" => return true,
            (Permission::Allow, p) => allow.push((p, &b.pattern.name)),
        }
    }
    allow.iter().any(|(p, name)| {
        let literal_denied = *p == PatternType::Literal && deny_literal.contains(name);
        let dominated = deny_prefixed.iter().any(|d| !d.is_empty() && name.starts_with(d));
        !literal_denied && !dominated
    })
}

/// `StandardAuthorizerData.findResult`: whether `entry` speaks about `principal` (or `User:*`)
/// doing `op`, and how.
fn find_result(principal: &str, op: AclOperation, entry: &AclEntry) -> Option<Permission> {
    if entry.principal != principal && entry.principal != "User:*" {
        return None;
    }
    // The simulated clients all connect from one host; only `*` and exact hosts are modelled.
    if entry.host != "*" && entry.host != "127.0.0.1" {
        return None;
    }
    if entry.operation == AclOperation::All {
        return Some(entry.permission);
    }
    let matches = match (entry.permission, op) {
        (Permission::Allow, AclOperation::Describe) => matches!(
            entry.operation,
            AclOperation::Describe
                | AclOperation::Read
                | AclOperation::Write
                | AclOperation::Delete
                | AclOperation::Alter
        ),
        (Permission::Allow, AclOperation::DescribeConfigs) => {
            matches!(entry.operation, AclOperation::DescribeConfigs | AclOperation::AlterConfigs)
        }
        _ => entry.operation == op,
    };
    matches.then_some(entry.permission)
}

/// A SASL/PLAIN login a client is configured with (`sasl.jaas.config` of `PlainLoginModule`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct Login {
    pub username: String,
    pub password: String,
}

/// The `key="value"` options of a JAAS config line (`PlainLoginModule required username="a"
/// password="b";`), in order; `None` when the line does not parse.
pub(crate) fn jaas_options(jaas: &str) -> Option<Vec<(String, String)>> {
    let s = jaas.trim().strip_suffix(';')?.trim();
    let mut words = s.splitn(3, char::is_whitespace);
    let _module = words.next()?;
    let flag = words.next()?;
    if !matches!(flag, "required" | "requisite" | "sufficient" | "optional") {
        return None;
    }
    let mut rest = words.next().unwrap_or("").trim();
    let mut out = Vec::new();
    while !rest.is_empty() {
        let (key, after) = rest.split_once('=')?;
        let after = after.trim_start();
        let (value, tail) = if let Some(q) = after.strip_prefix('"') {
            let end = q.find('"')?;
            (&q[..end], &q[end + 1..])
        } else {
            let end = after.find(char::is_whitespace).unwrap_or(after.len());
            (&after[..end], &after[end..])
        };
        out.push((key.trim().to_string(), value.to_string()));
        rest = tail.trim_start();
    }
    Some(out)
}

/// The login of a client's `sasl.jaas.config` (`username`, `password`).
pub(crate) fn login_of(jaas: &str) -> Option<Login> {
    let opts = jaas_options(jaas)?;
    let get = |k: &str| opts.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    Some(Login { username: get("username")?, password: get("password")? })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acl(
        rt: ResourceType,
        name: &str,
        pattern: PatternType,
        who: &str,
        op: AclOperation,
        p: Permission,
    ) -> AclBinding {
        AclBinding {
            pattern: ResourcePattern { resource_type: rt, name: name.into(), pattern },
            entry: AclEntry { principal: who.into(), host: "*".into(), operation: op, permission: p },
        }
    }

    fn cfg() -> AuthorizerConfig {
        AuthorizerConfig { super_users: vec!["User:admin".into()], allow_if_no_acl: false }
    }

    use AclOperation::*;
    use PatternType::*;
    use Permission::*;
    use ResourceType::*;

    // StandardAuthorizerData.authorize: super users first, then the default rule when no ACL
    // names the resource (allow.everyone.if.no.acl.found, false by default).
    #[test]
    fn super_users_and_the_default_rule() {
        let none: Vec<AclBinding> = vec![];
        assert!(authorize(&cfg(), none.iter(), "User:admin", Write, Topic, "t"));
        assert!(!authorize(&cfg(), none.iter(), "User:alice", Write, Topic, "t"));
        let open = AuthorizerConfig { allow_if_no_acl: true, ..cfg() };
        assert!(authorize(&open, none.iter(), "User:alice", Write, Topic, "t"));
        // An ACL on the resource for someone else: no longer "no ACL found", so denied.
        let bob = [acl(Topic, "t", Literal, "User:bob", Write, Allow)];
        assert!(!authorize(&open, bob.iter(), "User:alice", Write, Topic, "t"));
    }

    // StandardAuthorizerData.checkSection: literal, prefixed and the literal wildcard match;
    // a literal name is not a prefix.
    #[test]
    fn patterns_match_like_the_standard_authorizer() {
        let v = [
            acl(Topic, "pay-", Prefixed, "User:alice", Write, Allow),
            acl(Topic, "orders", Literal, "User:alice", Read, Allow),
            acl(Group, "*", Literal, "User:alice", Read, Allow),
        ];
        assert!(authorize(&cfg(), v.iter(), "User:alice", Write, Topic, "pay-eu"));
        assert!(!authorize(&cfg(), v.iter(), "User:alice", Write, Topic, "pay"));
        assert!(authorize(&cfg(), v.iter(), "User:alice", Read, Topic, "orders"));
        assert!(!authorize(&cfg(), v.iter(), "User:alice", Read, Topic, "orders2"));
        assert!(authorize(&cfg(), v.iter(), "User:alice", Read, Group, "anything"));
        assert!(!authorize(&cfg(), v.iter(), "User:alice", Read, Topic, "pay-eu"));
    }

    // DENY wins over ALLOW; User:* matches everyone; ALL matches every operation.
    #[test]
    fn deny_wins_and_wildcards_apply() {
        let v = [acl(Topic, "*", Literal, "User:*", All, Allow), acl(Topic, "secret", Literal, "User:bob", Read, Deny)];
        assert!(authorize(&cfg(), v.iter(), "User:bob", Read, Topic, "orders"));
        assert!(!authorize(&cfg(), v.iter(), "User:bob", Read, Topic, "secret"));
        assert!(authorize(&cfg(), v.iter(), "User:bob", Write, Topic, "secret"));
        assert!(authorize(&cfg(), v.iter(), "User:alice", Read, Topic, "secret"));
    }

    // StandardAuthorizerData.IMPLIES_DESCRIBE and IMPLIES_DESCRIBE_CONFIGS: only ALLOW ACLs imply.
    #[test]
    fn implied_operations() {
        for op in [Read, Write, Delete, Alter] {
            let v = [acl(Topic, "t", Literal, "User:a", op, Allow)];
            assert!(authorize(&cfg(), v.iter(), "User:a", Describe, Topic, "t"), "{op:?}");
        }
        let v = [acl(Topic, "t", Literal, "User:a", Create, Allow)];
        assert!(!authorize(&cfg(), v.iter(), "User:a", Describe, Topic, "t"));
        let v = [acl(Topic, "t", Literal, "User:a", AlterConfigs, Allow)];
        assert!(authorize(&cfg(), v.iter(), "User:a", DescribeConfigs, Topic, "t"));
        // A DENY of READ does not deny DESCRIBE.
        let v = [acl(Topic, "t", Literal, "User:a", Read, Deny), acl(Topic, "t", Literal, "User:a", Describe, Allow)];
        assert!(authorize(&cfg(), v.iter(), "User:a", Describe, Topic, "t"));
    }

    // ResourcePatternFilter.matches: MATCH finds every pattern that applies to a name.
    #[test]
    fn filters() {
        let p = acl(Topic, "pay-", Prefixed, "User:a", Write, Allow);
        let l = acl(Topic, "pay-eu", Literal, "User:a", Write, Allow);
        let w = acl(Topic, "*", Literal, "User:a", Write, Allow);
        let f = |name: &str, pattern| AclFilter {
            resource_type: Some(Topic),
            name: Some(name.into()),
            pattern,
            ..AclFilter::any()
        };
        assert!(f("pay-eu", PatternFilter::Match).matches(&p));
        assert!(f("pay-eu", PatternFilter::Match).matches(&l));
        assert!(f("pay-eu", PatternFilter::Match).matches(&w));
        assert!(!f("pay-eu", PatternFilter::Literal).matches(&p));
        assert!(f("pay-", PatternFilter::Any).matches(&p));
        assert!(!f("pay-", PatternFilter::Literal).matches(&p));
    }

    // Authorizer.authorizeByResourceType, which KafkaApis.handleInitProducerIdRequest asks for
    // WRITE on topics when the principal has no IDEMPOTENT_WRITE on the cluster (KIP-679).
    #[test]
    fn authorizes_by_resource_type() {
        let none: Vec<AclBinding> = vec![];
        assert!(authorize_by_resource_type(&cfg(), none.iter(), "User:admin", Write, Topic));
        assert!(!authorize_by_resource_type(&cfg(), none.iter(), "User:alice", Write, Topic));
        let v = [acl(Topic, "orders", Literal, "User:alice", Write, Allow)];
        assert!(authorize_by_resource_type(&cfg(), v.iter(), "User:alice", Write, Topic));
        assert!(!authorize_by_resource_type(&cfg(), v.iter(), "User:bob", Write, Topic));
        assert!(!authorize_by_resource_type(&cfg(), v.iter(), "User:alice", Read, Topic));
        // A DENY of the same literal name, or of a prefix of it, cancels the ALLOW.
        let v = [
            acl(Topic, "orders", Literal, "User:alice", Write, Allow),
            acl(Topic, "ord", Prefixed, "User:alice", Write, Deny),
        ];
        assert!(!authorize_by_resource_type(&cfg(), v.iter(), "User:alice", Write, Topic));
        let v = [
            acl(Topic, "orders", Literal, "User:alice", Write, Allow),
            acl(Topic, "orders", Literal, "User:alice", Write, Deny),
            acl(Topic, "pay-", Prefixed, "User:*", All, Allow),
        ];
        assert!(authorize_by_resource_type(&cfg(), v.iter(), "User:alice", Write, Topic));
        // A DENY on the literal `*` denies every topic.
        let v = [
            acl(Topic, "pay-", Prefixed, "User:alice", Write, Allow),
            acl(Topic, "*", Literal, "User:alice", Write, Deny),
        ];
        assert!(!authorize_by_resource_type(&cfg(), v.iter(), "User:alice", Write, Topic));
    }

    #[test]
    fn names_print_like_java() {
        assert_eq!(AclOperation::parse("DescribeConfigs"), Some(DescribeConfigs));
        assert_eq!(AclOperation::parse("WRITE"), Some(Write));
        assert_eq!(AclOperation::parse("write"), Some(Write));
        assert_eq!(AclOperation::parse("describe_configs"), None);
        let b = acl(Topic, "orders", Literal, "User:alice", Write, Allow);
        assert_eq!(
            b.to_string(),
            "(pattern=ResourcePattern(resourceType=TOPIC, name=orders, patternType=LITERAL), entry=(principal=User:alice, host=*, operation=WRITE, permissionType=ALLOW))"
        );
        assert_eq!(
            login_of(
                r#"org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="s3";"#
            ),
            Some(Login { username: "alice".into(), password: "s3".into() })
        );
    }
}
