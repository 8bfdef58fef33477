//! The checks a broker's configuration must pass beyond each value's own type and validator:
//! what `new KafkaConfig(props)` does after `ConfigDef.parse` — `GroupCoordinatorConfig`'s and
//! `ShareGroupConfig`'s constraints, the listeners it parses, the `'classic'` protocol check, and
//! `KafkaConfig.validateValues`. A broker refuses to start on a failure (static configs); a
//! dynamic change that would fail it is refused with the same message.
//!
//! Brokerlab's brokers are KRaft brokers (`process.roles=broker`) with one PLAINTEXT listener
//! and the controllers behind `controller.quorum.bootstrap.servers`; see `implicit_static`.

use super::broker_config_def;
use super::java::{host_port, invalid, split_list};
use crate::sim::java::java_trim;
use crate::sim::sort::CompactSort;
use std::collections::BTreeMap;

/// A broker's effective raw config: what is set (static, then dynamic overrides), else defaults.
pub(crate) struct Effective<'a> {
    /// The values as parsed (lists without duplicates).
    pub set: &'a BTreeMap<String, String>,
    /// The values as given (`AbstractConfig.originals()`).
    pub(crate) originals: &'a BTreeMap<String, String>,
}

impl Effective<'_> {
    fn raw(&self, name: &str) -> Option<String> {
        self.set.get(name).cloned().or_else(|| broker_config_def(name).and_then(|d| d.default.map(str::to_string)))
    }

    fn is_set(&self, name: &str) -> bool {
        self.set.contains_key(name)
    }

    /// A numeric config's value (values were type-checked before the rules run).
    fn num(&self, name: &str) -> Option<i64> {
        self.raw(name).and_then(|v| java_trim(&v).parse().ok())
    }

    fn n(&self, name: &str) -> i64 {
        self.num(name).unwrap_or(0)
    }

    fn list(&self, name: &str) -> Option<Vec<String>> {
        self.raw(name).map(|v| split_list(java_trim(&v)))
    }
}

/// `Utils.require(cond, message)`: the message as is.
fn require(cond: bool, message: String) -> Result<(), String> {
    if cond {
        Ok(())
    } else {
        Err(message)
    }
}

/// Scala's `require(cond, message)`: `requirement failed: <message>`.
fn scala_require(cond: bool, message: &str) -> Result<(), String> {
    require(cond, format!("requirement failed: {message}"))
}

/// How a group type's configs must relate (`GroupCoordinatorConfig.checkConstraints`):
/// (a, relation, b) for `a >= b` (`Ge`), `a <= b` (`Le`), `a < b` (`Lt`).
#[derive(Clone, Copy)]
enum Rel {
    Ge,
    Le,
    Lt,
}

const GROUP_RULES: &[(&str, Rel, &str)] = &[
    ("max.heartbeat.interval.ms", Rel::Ge, "min.heartbeat.interval.ms"),
    ("heartbeat.interval.ms", Rel::Ge, "min.heartbeat.interval.ms"),
    ("heartbeat.interval.ms", Rel::Le, "max.heartbeat.interval.ms"),
    ("max.session.timeout.ms", Rel::Ge, "min.session.timeout.ms"),
    ("session.timeout.ms", Rel::Ge, "min.session.timeout.ms"),
    ("session.timeout.ms", Rel::Le, "max.session.timeout.ms"),
    ("heartbeat.interval.ms", Rel::Lt, "session.timeout.ms"),
    ("max.assignment.interval.ms", Rel::Ge, "min.assignment.interval.ms"),
    ("assignment.interval.ms", Rel::Ge, "min.assignment.interval.ms"),
    ("assignment.interval.ms", Rel::Le, "max.assignment.interval.ms"),
];

/// `verifyStreamsGroupConfigs` after the common rules, then `ShareGroupConfig`'s constraints.
const STREAMS_RULES: &[(&str, Rel, &str)] = &[
    ("group.streams.num.standby.replicas", Rel::Le, "group.streams.max.standby.replicas"),
    ("group.streams.task.offset.interval.ms", Rel::Ge, "group.streams.min.task.offset.interval.ms"),
    ("group.streams.num.warmup.replicas", Rel::Le, "group.streams.max.warmup.replicas"),
];

const SHARE_RULES: &[(&str, Rel, &str)] = &[
    ("group.share.max.delivery.count.limit", Rel::Ge, "group.share.delivery.count.limit"),
    ("group.share.delivery.count.limit", Rel::Ge, "group.share.min.delivery.count.limit"),
    ("group.share.max.partition.max.record.locks", Rel::Ge, "group.share.partition.max.record.locks"),
    ("group.share.partition.max.record.locks", Rel::Ge, "group.share.min.partition.max.record.locks"),
    ("group.share.record.lock.duration.ms", Rel::Ge, "group.share.min.record.lock.duration.ms"),
    ("group.share.max.record.lock.duration.ms", Rel::Ge, "group.share.record.lock.duration.ms"),
    ("group.share.max.share.sessions", Rel::Ge, "group.share.max.size"),
];

fn relation(e: &Effective, a: &str, rel: Rel, b: &str) -> Result<(), String> {
    let (x, y) = (e.n(a), e.n(b));
    let (ok, words) = match rel {
        Rel::Ge => (x >= y, "greater than or equal to"),
        Rel::Le => (x <= y, "less than or equal to"),
        Rel::Lt => (x < y, "less than"),
    };
    require(ok, format!("{a} must be {words} {b}"))
}

/// The assignors each group type knows by name (`GroupCoordinatorConfig`'s built-ins).
const ASSIGNORS: &[(&str, &[&str])] = &[
    ("group.consumer.assignors", &["uniform", "range"]),
    ("group.streams.assignors", &["sticky"]),
    ("group.share.assignors", &["simple"]),
];

/// `CompressionType.forId`: 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd.
fn compression_codec(e: &Effective, name: &str) -> Result<(), String> {
    let id = e.n(name);
    require((0..=4).contains(&id), format!("Unknown compression type id: {id}"))
}

/// `Csv.parseCsvMap` as `AbstractKafkaConfig.getMap` reports its failures.
fn csv_map(name: &str, value: &str) -> Result<Vec<(String, String)>, String> {
    if value.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for entry in split_list(value) {
        match entry.rfind(':') {
            Some(i) => out.push((entry[..i].trim().to_string(), entry[i + 1..].trim().to_string())),
            // `s.substring(0, -1)`: Java's StringIndexOutOfBoundsException message.
            None => {
                return Err(format!(
                    "Error parsing configuration property '{name}': begin 0, end -1, length {}",
                    entry.encode_utf16().count()
                ))
            }
        }
    }
    Ok(out)
}

const PROTOCOLS: &[&str] = &["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"];

/// `AbstractKafkaConfig.effectiveListenerSecurityProtocolMap`.
fn protocol_map(e: &Effective) -> Result<Vec<(String, String)>, String> {
    let raw = e.raw("listener.security.protocol.map").unwrap_or_default();
    let mut map = Vec::new();
    for (k, v) in csv_map("listener.security.protocol.map", &raw)? {
        let proto = v.to_ascii_uppercase();
        if !PROTOCOLS.contains(&proto.as_str()) {
            return Err(format!("Invalid security protocol `{v}` defined in listener.security.protocol.map"));
        }
        map.push((k.to_ascii_uppercase(), proto));
    }
    if !e.is_set("listener.security.protocol.map") {
        let controllers = e.list("controller.listener.names").unwrap_or_default();
        let mut names = Vec::new();
        for l in e.list("listeners").unwrap_or_default() {
            match l.find(':') {
                Some(i) => names.push(l[..i].to_ascii_uppercase()),
                None => return Err(format!("Unable to parse a listener name from {l}")),
            }
        }
        let ssl_or_sasl = |n: &String| matches!(n.as_str(), "SSL" | "SASL_SSL" | "SASL_PLAINTEXT");
        if controllers.iter().any(ssl_or_sasl) || names.iter().any(ssl_or_sasl) {
            return Ok(map);
        }
        for c in controllers.iter().filter(|c| c.as_str() != "PLAINTEXT") {
            map.push((c.to_ascii_uppercase(), "PLAINTEXT".into()));
        }
    }
    Ok(map)
}

/// `SocketServerConfigs.listenerListToEndPoints` wrapped by `AbstractKafkaConfig`: the listener
/// names of `list`, or the failure.
fn endpoints(list: &[String], map: &[(String, String)]) -> Result<Vec<String>, String> {
    let fail = |m: String| format!("Error creating broker listeners from '[{}]': {m}", list.join(", "));
    let mut names = Vec::new();
    for entry in list {
        let parsed = entry.find("://").and_then(|i| host_port(&entry[i..]).map(|_| entry[..i].to_ascii_uppercase()));
        let Some(name) = parsed else { return Err(fail(format!("Unable to parse {entry} to a broker endpoint"))) };
        if !map.iter().any(|(k, _)| *k == name) {
            return Err(fail(format!("No security protocol defined for listener {name}")));
        }
        names.push(name);
    }
    Ok(names)
}

/// Every check of a broker's whole configuration, in the order `new KafkaConfig` makes them.
pub(crate) fn check(e: &Effective) -> Result<(), String> {
    // GroupCoordinatorConfig: named assignors, the offsets topic codec, then its constraints.
    for (name, known) in ASSIGNORS {
        for a in e.list(name).unwrap_or_default() {
            if !known.contains(&a.as_str()) {
                return Err(invalid(name, &a, "Class cannot be found"));
            }
        }
    }
    compression_codec(e, "offsets.topic.compression.codec")?;
    for group in ["consumer", "share", "streams"] {
        for (a, rel, b) in GROUP_RULES {
            relation(e, &format!("group.{group}.{a}"), *rel, &format!("group.{group}.{b}"))?;
        }
        if group == "share" {
            let n = e.list("group.share.assignors").map(|l| l.len()).unwrap_or(0);
            require(n == 1, format!("group.share.assignors must contain exactly one assignor, but found {n}"))?;
        }
        if group == "streams" {
            for (a, rel, b) in STREAMS_RULES {
                relation(e, a, *rel, b)?;
            }
            let raw = e.originals.get("group.streams.rack.aware.assignment.tags").map(|v| split_list(java_trim(v)));
            let tags = raw.unwrap_or_default();
            let mut unique = tags.clone();
            unique.compact_sort();
            unique.dedup();
            require(
                unique.len() == tags.len(),
                "group.streams.rack.aware.assignment.tags must not contain duplicate tag keys.".to_string(),
            )?;
        }
    }
    for (a, rel, b) in SHARE_RULES {
        relation(e, a, *rel, b)?;
    }
    compression_codec(e, "share.coordinator.state.topic.compression.codec")?;

    // The listeners, with the protocol of each, and the early-start ones among them.
    let map = protocol_map(e)?;
    let listeners = e.list("listeners").unwrap_or_default();
    let listener_names = endpoints(&listeners, &map)?;
    let controller_names: Vec<String> =
        e.list("controller.listener.names").unwrap_or_default().iter().map(|c| c.to_ascii_uppercase()).collect();
    if e.is_set("early.start.listeners") {
        for l in e.list("early.start.listeners").unwrap_or_default() {
            // `new ListenerName(str)`: not normalised, so only upper-case names can match.
            let name = l.trim().to_string();
            if !name.is_empty() && !listener_names.contains(&name) && !controller_names.contains(&name) {
                return Err(format!(
                    "early.start.listeners contains listener {name}, but this is not contained in listeners or controller.listener.names"
                ));
            }
        }
    }
    let protocols = e.list("group.coordinator.rebalance.protocols").unwrap_or_default();
    require(
        protocols.iter().any(|p| p.eq_ignore_ascii_case("classic")),
        "Disabling the 'classic' protocol is not supported.".to_string(),
    )?;

    // KafkaConfig.validateValues.
    if e.is_set("broker.id") {
        require(
            e.num("broker.id") == e.num("node.id"),
            "`node.id` and `broker.id` must be set to the same value. `broker.id` is deprecated, please use `node.id` instead."
                .to_string(),
        )?;
    }
    let roll = e.num("log.roll.ms").unwrap_or_else(|| e.n("log.roll.hours").saturating_mul(3_600_000));
    scala_require(roll >= 1, "log.roll.ms must be greater than or equal to 1")?;
    let jitter = e.num("log.roll.jitter.ms").unwrap_or_else(|| e.n("log.roll.jitter.hours").saturating_mul(3_600_000));
    scala_require(jitter >= 0, "log.roll.jitter.ms must be greater than or equal to 0")?;
    let retention = retention_ms(e);
    scala_require(
        retention >= 1 || retention == -1,
        "log.retention.ms must be unlimited (-1) or, greater than or equal to 1",
    )?;
    let threads = e.n("log.cleaner.threads");
    if threads == 0 {
        // dedupe buffer / threads: the JVM's ArithmeticException.
        return Err("/ by zero".to_string());
    }
    scala_require(
        e.n("log.cleaner.dedupe.buffer.size") / threads > 1_048_576,
        "log.cleaner.dedupe.buffer.size must be at least 1MB per cleaner thread.",
    )?;
    scala_require(
        e.n("replica.fetch.wait.max.ms") <= e.n("replica.socket.timeout.ms"),
        "replica.socket.timeout.ms should always be at least replica.fetch.wait.max.ms to prevent unnecessary socket timeouts",
    )?;
    scala_require(
        e.n("replica.fetch.wait.max.ms") <= e.n("replica.lag.time.max.ms"),
        "replica.fetch.wait.max.ms should always be less than or equal to replica.lag.time.max.ms to prevent frequent changes in ISR",
    )?;
    let voters = e.list("controller.quorum.voters").unwrap_or_default();
    let node = e.n("node.id");
    if voters.iter().any(|v| v.split('@').next().and_then(|id| id.parse::<i64>().ok()) == Some(node)) {
        let ids: Vec<String> = voters.iter().filter_map(|v| v.split('@').next().map(str::to_string)).collect();
        return Err(format!(
            "requirement failed: If process.roles contains just the 'broker' role, the node id {node} must not be included in the set of voters controller.quorum.voters=Set({})",
            ids.join(", ")
        ));
    }
    for c in &controller_names {
        require(
            map.iter().any(|(k, _)| k == c),
            format!("Controller listener with name {c} defined in controller.listener.names not found in listener.security.protocol.map  (an explicit security mapping for each controller listener is required if listener.security.protocol.map is non-empty, or if there are security protocols other than PLAINTEXT in use)"),
        )?;
    }
    let auto_join =
        e.raw("controller.quorum.auto.join.enable").is_some_and(|v| java_trim(&v).eq_ignore_ascii_case("true"));
    scala_require(
        !auto_join,
        "controller.quorum.auto.join.enable is only supported when process.roles contains the 'controller' role.",
    )?;
    let advertised = match e.set.get("advertised.listeners") {
        Some(v) => endpoints(&split_list(java_trim(v)), &map)?,
        None => listener_names.clone(),
    };
    let inter_broker = inter_broker_listener(e, &map)?;
    scala_require(
        advertised.contains(&inter_broker),
        &format!(
            "inter.broker.listener.name must be a listener name defined in advertised.listeners. The valid options based on currently configured listeners are {}",
            advertised.join(",")
        ),
    )?;
    cordoned_log_dirs(e)?;
    let queued = e.n("queued.max.request.bytes");
    scala_require(
        queued <= 0 || queued >= e.n("socket.request.max.bytes"),
        "queued.max.request.bytes must be larger or equal to socket.request.max.bytes",
    )?;
    let overrides =
        csv_map("max.connections.per.ip.overrides", &e.raw("max.connections.per.ip.overrides").unwrap_or_default())?;
    if e.n("max.connections.per.ip") == 0 {
        scala_require(
            !overrides.is_empty(),
            "max.connections.per.ip can be set to zero only if max.connections.per.ip.overrides property is set.",
        )?;
    }
    let idle = e.n("connections.max.idle.ms");
    let delay = e.n("connection.failed.authentication.delay.ms");
    if idle >= 0 {
        scala_require(
            delay < idle,
            &format!("connection.failed.authentication.delay.ms={delay} should always be less than connections.max.idle.ms={idle} to prevent failed authentication responses from timing out"),
        )?;
    }
    Ok(())
}

/// `AbstractKafkaConfig.logRetentionTimeMillis`: ms, else minutes, else hours; negative is -1.
pub(crate) fn retention_ms(e: &Effective) -> i64 {
    let ms = e.num("log.retention.ms").unwrap_or_else(|| match e.num("log.retention.minutes") {
        Some(m) => m.saturating_mul(60_000),
        None => e.n("log.retention.hours").saturating_mul(3_600_000),
    });
    if ms < 0 {
        -1
    } else {
        ms
    }
}

/// `interBrokerListenerNameAndSecurityProtocol`: the listener brokers talk to each other on.
fn inter_broker_listener(e: &Effective, map: &[(String, String)]) -> Result<String, String> {
    if let Some(name) = e.set.get("inter.broker.listener.name") {
        if e.is_set("security.inter.broker.protocol") {
            return Err(
                "Only one of inter.broker.listener.name and security.inter.broker.protocol should be set.".into()
            );
        }
        let name = java_trim(name).to_ascii_uppercase();
        if name.is_empty() {
            return Err("The provided listener name is null or empty string".into());
        }
        if !map.iter().any(|(k, _)| *k == name) {
            return Err(format!(
                "Listener with name {name} defined in inter.broker.listener.name not found in listener.security.protocol.map."
            ));
        }
        return Ok(name);
    }
    Ok(e.raw("security.inter.broker.protocol").map(|p| java_trim(&p).to_string()).unwrap_or_default())
}

/// `KafkaConfig.validateCordonedLogDirs`.
fn cordoned_log_dirs(e: &Effective) -> Result<(), String> {
    let cordoned = e.list("cordoned.log.dirs").unwrap_or_default();
    if cordoned.iter().any(|d| d == "*") {
        return scala_require(
            cordoned.len() == 1,
            "When cordoned.log.dirs is set to *, it must not contain other values",
        );
    }
    let dirs = e.list("log.dirs").or_else(|| e.list("log.dir")).unwrap_or_default();
    let missing: Vec<&String> = cordoned.iter().filter(|d| !dirs.contains(d)).collect();
    scala_require(
        missing.is_empty(),
        &format!(
            "All entries in cordoned.log.dirs must be present in log.dirs or log.dir. Missing entries : {}",
            missing.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
        ),
    )
}
