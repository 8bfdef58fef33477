//! Each tool's own argument checks, in the tool's order, with its exact
//! messages and reporting (`TopicCommand`, `ConsoleProducer`, `ConsoleConsumer`,
//! `ConsumerGroupCommand`, `ConfigCommand`, `GetOffsetShell`, `LeaderElectionCommand`,
//! `ReassignPartitionsCommand`). Called by `opts::parse_command` after the parse and
//! the `--help`/`--version` handling.
//!
//! `Ok(notes)` means the tool goes on to run; `notes` holds what it already
//! printed (e.g. `ConsumerGroupCommand`'s `WARN: No action will be performed...`).
//! `Err(output)` is the complete output of the rejected run.

use super::super::format::{consumer, get_offsets, producer, stack_trace, Output};
use super::{
    cant_be_used_with, combination_cant_be_used_with, exactly_one_of, exception_output, java_hash_set_order,
    main_no_exit_output, missing_required, option_error, usage_error, validate_bootstrap_server, ParsedOpts, Tool,
    ToolSpec,
};

/// Runs the checks of `tool`.
pub(crate) fn check(tool: Tool, spec: &ToolSpec, p: &ParsedOpts) -> Result<Output, Output> {
    match tool {
        Tool::Topics => check_topics(spec, p),
        Tool::ConsoleProducer => check_console_producer(spec, p),
        Tool::ConsoleConsumer => check_console_consumer(spec, p),
        Tool::ConsumerGroups => check_consumer_groups(spec, p),
        Tool::Configs => check_configs(spec, p),
        Tool::GetOffsets => check_get_offsets(spec, p),
        Tool::LeaderElection => check_leader_election(spec, p),
        Tool::ReassignPartitions => check_reassign(spec, p),
        Tool::ConsumerPerfTest => check_consumer_perf(spec, p),
        Tool::BrokerApiVersions => check_broker_api_versions(spec, p),
        Tool::Groups => check_groups(spec, p),
        Tool::ConsoleShareConsumer => check_console_share_consumer(spec, p),
        Tool::ShareGroups => check_share_groups(spec, p),
        Tool::DumpLog => check_dump_log(spec, p),
        Tool::LogDirs => check_log_dirs(spec, p),
        Tool::Acls => check_acls(spec, p),
        Tool::ProducerPerfTest | Tool::MetadataQuorum => Ok(Output::new()),
    }
}

fn with_notes(notes: &Output, err: Output) -> Output {
    let mut o = notes.clone();
    o.append(&err);
    o.exit_code = err.exit_code;
    o
}

/// `CommandLineUtils.checkInvalidArgs`: the first of `others` present.
fn first_invalid(p: &ParsedOpts, used: &str, others: &[&str]) -> Option<String> {
    if !p.has(used) {
        return None;
    }
    others.iter().find(|o| p.has(o)).map(|o| cant_be_used_with(used, o))
}

fn types(spec: &ToolSpec, p: &ParsedOpts) -> Result<(), Output> {
    p.check_types(spec).map_err(|e| option_error(spec, &e))
}

// ---------------------------------------------------------------------------
// kafka-topics (`TopicCommand`)
// ---------------------------------------------------------------------------

/// The describe filters, in the order `TopicCommand` checks them.
const TOPIC_REPORT_OPTS: [&str; 4] =
    ["under-replicated-partitions", "under-min-isr-partitions", "at-min-isr-partitions", "unavailable-partitions"];

fn check_topics(spec: &ToolSpec, p: &ParsedOpts) -> Result<Output, Output> {
    let actions = ["create", "list", "alter", "describe", "delete"];
    if p.count_present(&actions) != 1 {
        return Err(usage_error(
            spec,
            "Command must include exactly one action: --list, --describe, --create, --alter or --delete",
        ));
    }
    let mut notes = Output::new();
    if p.has("delete-config") {
        notes.errln("delete-config option is no longer supported and deprecated since version 4.0. The config will be fully removed in future releases.");
    }
    if !p.has("bootstrap-server") {
        let m = "--bootstrap-server must be specified";
        return Err(with_notes(&notes, main_no_exit_output(m, &stack_trace("java.lang.IllegalArgumentException", m))));
    }
    let usage = |m: String| with_notes(&notes, usage_error(spec, &m));
    if !p.has("list") && !p.has("describe") && !p.has("topic") {
        return Err(usage(missing_required("topic")));
    }
    if p.has("alter") {
        if p.has("bootstrap-server") && p.has("config") {
            return Err(usage(combination_cant_be_used_with(
                &["bootstrap-server", "config"],
                "alter",
                super::tables::KAFKA_CONFIGS_HINT,
            )));
        }
        if !p.has("partitions") {
            return Err(usage(missing_required("partitions")));
        }
    }
    let not_create_alter = ["list", "describe", "delete"];
    let checks: Vec<(&str, Vec<&str>)> = vec![
        ("config", not_create_alter.to_vec()),
        ("partitions", not_create_alter.to_vec()),
        ("replication-factor", vec!["alter", "list", "describe", "delete"]),
        ("replica-assignment", not_create_alter.to_vec()),
    ];
    for (used, others) in &checks {
        if let Some(m) = first_invalid(p, used, others) {
            return Err(usage(m));
        }
    }
    if p.has("create") {
        if let Some(m) = first_invalid(p, "replica-assignment", &["partitions", "replication-factor"]) {
            return Err(usage(m));
        }
    }
    for r in TOPIC_REPORT_OPTS {
        let others = ["alter", "create", "list", "delete", "topics-with-overrides"];
        if let Some(m) = first_invalid(p, r, &others) {
            return Err(usage(m));
        }
    }
    // Actions, then the report options in Java HashSet order.
    let mut overrides_others: Vec<String> =
        ["alter", "create", "list", "delete"].iter().map(|s| s.to_string()).collect();
    let report: Vec<String> = TOPIC_REPORT_OPTS.iter().map(|s| s.to_string()).collect();
    overrides_others.extend(java_option_set_order(&report));
    let refs: Vec<&str> = overrides_others.iter().map(String::as_str).collect();
    let later: Vec<(&str, Vec<&str>)> = vec![
        ("topics-with-overrides", refs),
        ("if-exists", vec!["create", "list"]),
        ("if-not-exists", vec!["alter", "list", "describe", "delete"]),
        ("exclude-internal", vec!["alter", "create", "delete"]),
    ];
    for (used, others) in &later {
        if let Some(m) = first_invalid(p, used, others) {
            return Err(usage(m));
        }
    }
    // The options `new TopicService(opts.commandConfig(), opts.bootstrapServer())` reads, outside
    // the actions' try; each action reads its own options (`tools::topics`).
    if let Err(e) = p.check_types_of(spec, &["command-config", "bootstrap-server"]) {
        return Err(with_notes(&notes, option_error(spec, &e)));
    }
    Ok(notes)
}

/// Iteration order of a Java `HashSet<OptionSpec>`: a spec hashes as the list of its names
/// (`List.hashCode` of one element is `31 + hash`).
pub(crate) fn java_option_set_order(names: &[String]) -> Vec<String> {
    let keyed: Vec<(String, i32)> =
        names.iter().map(|n| (n.clone(), 31i32.wrapping_add(crate::sim::java::java_string_hash(n)))).collect();
    crate::sim::java::java_hash_order(&keyed, 16)
}

// ---------------------------------------------------------------------------
// kafka-console-producer (`ConsoleProducer` and `LineMessageReader`)
// ---------------------------------------------------------------------------

fn check_console_producer(spec: &ToolSpec, p: &ParsedOpts) -> Result<Output, Output> {
    if !p.has("topic") {
        return Err(usage_error(spec, &missing_required("topic")));
    }
    // Kafka 4.4 ConsoleProducerConfig: the KIP-1147 spellings and their deprecated
    // predecessors exclude each other; a deprecated one is announced on stdout and used.
    for (new, old) in [("command-config", "producer.config"), ("command-property", "producer-property")] {
        if p.has(new) && p.has(old) {
            return Err(usage_error(spec, &format!("Options --{new} and --{old} cannot be specified together.")));
        }
    }
    if p.has("reader-property") && p.has("property") {
        return Err(usage_error(spec, "Options --reader-property and --property cannot be specified together."));
    }
    let mut notes = Output::new();
    for (old, new) in [
        ("producer-property", "command-property"),
        ("producer.config", "command-config"),
        ("property", "reader-property"),
    ] {
        if p.has(old) {
            notes.outln(&format!(
                "Warning: --{old} is deprecated and will be removed in a future version. Use --{new} instead."
            ));
        }
    }
    if p.has("max-partition-memory-bytes") {
        notes.outln("Warning: --max-partition-memory-bytes is deprecated and will be removed in Apache Kafka 5.0. Use --batch-size instead.");
    }
    if let Err(m) = validate_bootstrap_server(p.value("bootstrap-server")) {
        return Err(with_notes(&notes, usage_error(spec, m)));
    }
    if let Err(e) = p.check_types(spec) {
        return Err(with_notes(&notes, Output::failure(&e.message())));
    }
    let props = producer::parse_key_value_args(&reader_property_values(p));
    if let Err(m) = producer::ReaderConfig::from_properties(&props) {
        return Err(with_notes(&notes, producer::kafka_exception_output(&m)));
    }
    Ok(notes)
}

/// The console producer's reader properties: `--property` when given (it replaces
/// `--reader-property`, Kafka 4.4 `ConsoleProducerConfig`), else `--reader-property`.
pub(crate) fn reader_property_values(p: &ParsedOpts) -> Vec<&str> {
    if p.has("property") {
        p.values("property")
    } else {
        p.values("reader-property")
    }
}

/// The console producer's producer properties: `--producer-property` when given, else
/// `--command-property` (Kafka 4.4 `ConsoleProducerConfig`).
pub(crate) fn producer_property_values(p: &ParsedOpts) -> Vec<&str> {
    if p.has("producer-property") {
        p.values("producer-property")
    } else {
        p.values("command-property")
    }
}

// ---------------------------------------------------------------------------
// kafka-console-consumer (`ConsoleConsumer`)
// ---------------------------------------------------------------------------

/// The console consumer's consumer properties: `--consumer-property` when given (it replaces
/// `--command-property`, Kafka 4.4 `ConsoleConsumerOptions`), else `--command-property`.
pub(crate) fn command_property_values(p: &ParsedOpts) -> Vec<&str> {
    if p.has("consumer-property") {
        p.values("consumer-property")
    } else {
        p.values("command-property")
    }
}

fn check_console_consumer(spec: &ToolSpec, p: &ParsedOpts) -> Result<Output, Output> {
    let usage = |m: &str| usage_error(spec, m);
    if p.count_present(&["topic", "include"]) != 1 {
        return Err(usage(consumer::EXACTLY_ONE_TOPIC_OR_INCLUDE));
    }
    if p.has("partition") {
        if !p.has("topic") {
            return Err(usage(consumer::TOPIC_REQUIRED_WITH_PARTITION));
        }
        if p.has("from-beginning") && p.has("offset") {
            return Err(usage(consumer::FROM_BEGINNING_AND_OFFSET));
        }
    } else if p.has("offset") {
        return Err(usage(consumer::PARTITION_REQUIRED_WITH_OFFSET));
    }
    if !p.has("bootstrap-server") {
        return Err(usage(&missing_required("bootstrap-server")));
    }
    types(spec, p)?;
    // Kafka 4.4 ConsoleConsumerOptions: the KIP-1147 spellings and their deprecated
    // predecessors exclude each other; a deprecated one is announced on stdout and used.
    if p.has("consumer-property") && p.has("command-property") {
        return Err(usage("Options --consumer-property and --command-property cannot be specified together."));
    }
    if p.has("consumer.config") && p.has("command-config") {
        return Err(usage("Options --consumer.config and --command-config cannot be specified together."));
    }
    let mut notes = Output::new();
    if p.has("consumer-property") {
        notes.outln(consumer::CONSUMER_PROPERTY_DEPRECATED);
    }
    if p.has("consumer.config") {
        notes.outln(consumer::CONSUMER_CONFIG_DEPRECATED);
    }
    let extra = producer::parse_key_value_args(&command_property_values(p));
    let mut group_ids: Vec<String> = Vec::new();
    if let Some(g) = p.value("group") {
        group_ids.push(g.to_string());
    }
    if let Some((_, v)) = extra.iter().rev().find(|(k, _)| k == "group.id") {
        group_ids.push(v.clone());
    }
    let distinct = java_hash_set_order(&group_ids);
    if distinct.len() > 1 {
        return Err(with_notes(&notes, usage(&consumer::group_ids_mismatch(&distinct))));
    }
    if !distinct.is_empty() && p.has("partition") {
        return Err(with_notes(&notes, usage(consumer::GROUP_AND_PARTITION)));
    }
    if let Some((_, v)) = extra.iter().rev().find(|(k, _)| k == "auto.offset.reset") {
        if p.has("from-beginning") && v != "earliest" {
            return Err(with_notes(&notes, usage(&consumer::from_beginning_conflict(v))));
        }
    }
    if let Some(off) = p.value("offset") {
        if let Err(m) = consumer::parse_offset(off) {
            return Err(with_notes(&notes, usage(&m)));
        }
    }
    Ok(notes)
}

// ---------------------------------------------------------------------------
// kafka-consumer-groups (`ConsumerGroupCommand`)
// ---------------------------------------------------------------------------

/// `allResetOffsetScenarioOpts` in Java HashSet order (`ConsumerGroupCommand`, computed).
pub(crate) const RESET_SCENARIOS_HASH_ORDER: [&str; 8] =
    ["to-offset", "to-current", "to-datetime", "from-file", "by-duration", "to-earliest", "to-latest", "shift-by"];

/// `WARN: No action will be performed...` (4.4 `ConsumerGroupCommandOptions.checkArgs`).
pub(crate) const RESET_WARN: &str = "WARN: No action will be performed as the --execute option is missing. In version 5.0, this command will require either --dry-run or --execute to be specified. You should add the --dry-run option explicitly if you are scripting this command and want to keep the current default behavior without prompting.";

fn check_consumer_groups(spec: &ToolSpec, p: &ParsedOpts) -> Result<Output, Output> {
    let mut notes = Output::new();
    let usage = |notes: &Output, m: &str| with_notes(notes, usage_error(spec, m));
    if !p.has("validate-regex") && !p.has("bootstrap-server") {
        return Err(usage(&notes, &missing_required("bootstrap-server")));
    }
    let scope = "[all-groups], [group]";
    if p.has("describe") {
        if !p.has("group") && !p.has("all-groups") {
            return Err(usage(&notes, &format!("Option [describe] takes one of these options: {scope}")));
        }
        if p.count_present(&["members", "offsets", "state"]) > 1 {
            return Err(usage(
                &notes,
                "Option [describe] takes at most one of these options: [members], [offsets], [state]",
            ));
        }
        if p.value("state").is_some() {
            return Err(usage(&notes, "Option [describe] does not take a value for [state]"));
        }
    }
    if p.has("delete") {
        if !p.has("group") && !p.has("all-groups") {
            return Err(usage(&notes, &format!("Option [delete] takes one of these options: {scope}")));
        }
        if p.has("topic") {
            return Err(usage(
                &notes,
                "The consumer does not support topic-specific offset deletion from a consumer group.",
            ));
        }
    }
    if p.has("delete-offsets") && (!p.has("group") || !p.has("topic")) {
        return Err(usage(&notes, "Option [delete-offsets] takes the following options: [topic], [group]"));
    }
    if p.has("reset-offsets") {
        if p.has("dry-run") && p.has("execute") {
            return Err(usage(&notes, "Option [reset-offsets] only accepts one of [execute] and [dry-run]"));
        }
        if !p.has("dry-run") && !p.has("execute") {
            notes.errln(RESET_WARN);
        }
        if !p.has("group") && !p.has("all-groups") {
            return Err(usage(&notes, &format!("Option [reset-offsets] takes one of these options: {scope}")));
        }
        for used in [
            "to-offset",
            "to-datetime",
            "by-duration",
            "to-earliest",
            "to-latest",
            "to-current",
            "shift-by",
            "from-file",
        ] {
            let others: Vec<&str> = RESET_SCENARIOS_HASH_ORDER.iter().copied().filter(|o| *o != used).collect();
            if let Some(m) = first_invalid(p, used, &others) {
                return Err(usage(&notes, &m));
            }
        }
    }
    if let Some(m) = first_invalid(p, "group", &["all-groups"]) {
        return Err(usage(&notes, &m));
    }
    if let Some(m) = first_invalid(p, "group", &["list"]) {
        return Err(usage(&notes, &m));
    }
    if let Some(m) = first_invalid(p, "topic", &["describe", "list"]) {
        return Err(usage(&notes, &m));
    }
    let actions = ["list", "describe", "delete", "reset-offsets", "delete-offsets", "validate-regex"];
    if p.count_present(&actions) != 1 {
        return Err(usage(
            &notes,
            "Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets, --validate-regex",
        ));
    }
    if let Err(e) = p.check_types(spec) {
        // valueOf runs inside the tool's try: IllegalArgument-style report.
        return Err(usage(&notes, &e.message()));
    }
    if p.has("list") {
        if let Some(s) = p.value("state") {
            if let Err(m) = super::super::format::groups::parse_state_list(s) {
                return Err(usage(&notes, &m));
            }
        }
        if let Some(s) = p.value("type") {
            if let Err(m) = super::super::format::groups::parse_type_list(s) {
                return Err(usage(&notes, &m));
            }
        }
    }
    if p.has("reset-offsets") {
        // `getPartitionsToReset` runs before `prepareOffsetsToReset`.
        if !p.has("all-topics") && !p.has("topic") && !p.has("from-file") {
            return Err(usage(&notes, "One of the reset scopes should be defined: --all-topics, --topic."));
        }
        if !RESET_SCENARIOS_HASH_ORDER.iter().any(|s| p.has(s)) {
            let list: Vec<String> = RESET_SCENARIOS_HASH_ORDER.iter().map(|s| format!("[{s}]")).collect();
            return Err(usage(
                &notes,
                &format!("Option '[reset-offsets]' requires one of the following scenarios: [{}]", list.join(", ")),
            ));
        }
    }
    Ok(notes)
}

// ---------------------------------------------------------------------------
// kafka-configs (`ConfigCommand`)
// ---------------------------------------------------------------------------

/// Entity types accepted with `--bootstrap-server`/`--bootstrap-controller`, in the order of the
/// error message (`ConfigCommand.BROKER_SUPPORTED_CONFIG_TYPES`: `broker-loggers`, then
/// `ConfigType.values()`).
pub(crate) const CONFIG_ENTITY_TYPES: [&str; 8] =
    ["broker-loggers", "topics", "clients", "users", "brokers", "ips", "client-metrics", "groups"];

/// Shorthand flags with a value and the entity type they stand for (`ConfigCommand`).
pub(crate) const CONFIG_ENTITY_FLAGS: [(&str, &str); 8] = [
    ("topic", "topics"),
    ("client", "clients"),
    ("user", "users"),
    ("broker", "brokers"),
    ("broker-logger", "broker-loggers"),
    ("ip", "ips"),
    ("client-metrics", "client-metrics"),
    ("group", "groups"),
];

/// Shorthand default flags and their entity types (`ConfigCommand`).
pub(crate) const CONFIG_DEFAULT_FLAGS: [(&str, &str); 4] = [
    ("client-defaults", "clients"),
    ("user-defaults", "users"),
    ("broker-defaults", "brokers"),
    ("ip-defaults", "ips"),
];

/// The entity types given, `--entity-type` values first, then flags.
pub(crate) fn config_entity_types(p: &ParsedOpts) -> Vec<String> {
    let mut v: Vec<String> = p.values("entity-type").iter().map(|s| s.to_string()).collect();
    for (flag, ty) in CONFIG_ENTITY_FLAGS.iter().chain(CONFIG_DEFAULT_FLAGS.iter()) {
        if p.has(flag) {
            v.push(ty.to_string());
        }
    }
    v
}

/// The entity names given (`""` is the default entity), in the tool's order:
/// `--entity-name`/`--entity-default` in command-line order, then the value
/// flags, then the default flags.
pub(crate) fn config_entity_names(p: &ParsedOpts) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for (name, value) in &p.entries {
        if name == "entity-name" {
            v.push(value.clone().unwrap_or_default());
        } else if name == "entity-default" {
            v.push(String::new());
        }
    }
    for (flag, _) in CONFIG_ENTITY_FLAGS {
        if let Some(val) = p.value(flag) {
            v.push(val.to_string());
        }
    }
    for (flag, _) in CONFIG_DEFAULT_FLAGS {
        if p.has(flag) {
            v.push(String::new());
        }
    }
    v
}

/// `ConfigCommand.ConfigCommandOptions.checkArgs`, in its order.
fn check_configs(spec: &ToolSpec, p: &ParsedOpts) -> Result<Output, Output> {
    let arg_error = |m: &str| Output::failure(m);
    if p.count_present(&["alter", "describe"]) != 1 {
        return Err(usage_error(spec, "Command must include exactly one action: --describe, --alter"));
    }
    if let Some(m) = first_invalid(p, "describe", &["alter", "add-config", "delete-config"]) {
        return Err(usage_error(spec, &m));
    }
    let types_given = config_entity_types(p);
    let mut dups: Vec<String> = Vec::new();
    for (i, t) in types_given.iter().enumerate() {
        if types_given[..i].contains(t) && !dups.contains(t) {
            dups.push(t.clone());
        }
    }
    if !dups.is_empty() {
        return Err(arg_error(&format!("Duplicate entity type(s) specified: {}", dups.join(","))));
    }
    if p.count_present(&["bootstrap-server", "bootstrap-controller"]) == 0 {
        return Err(arg_error("Either --bootstrap-server or --bootstrap-controller must be specified."));
    }
    for t in &types_given {
        if !CONFIG_ENTITY_TYPES.contains(&t.as_str()) {
            return Err(arg_error(&format!(
                "Invalid entity type {t}, the entity type must be one of {} with a --bootstrap-server or --bootstrap-controller argument",
                CONFIG_ENTITY_TYPES.join(", ")
            )));
        }
    }
    if types_given.is_empty() {
        return Err(arg_error("At least one entity type must be specified"));
    }
    let is_user_client = types_given.len() == 2
        && types_given.contains(&"users".to_string())
        && types_given.contains(&"clients".to_string());
    if types_given.len() > 1 && !is_user_client {
        return Err(arg_error("Only 'users' and 'clients' entity types may be specified together"));
    }
    let any_flag = CONFIG_ENTITY_FLAGS.iter().chain(CONFIG_DEFAULT_FLAGS.iter()).any(|(f, _)| p.has(f));
    if (p.has("entity-name") || p.has("entity-type") || p.has("entity-default")) && any_flag {
        return Err(arg_error(
            "--entity-{type,name,default} should not be used in conjunction with specific entity flags",
        ));
    }
    let names = config_entity_names(p);
    let has_name = names.iter().any(|n| !n.is_empty());
    let has_default = names.iter().any(String::is_empty);
    if p.count_present(&["bootstrap-server", "bootstrap-controller"]) > 1 {
        return Err(arg_error("Only one of --bootstrap-server or --bootstrap-controller can be specified"));
    }
    let first_type = types_given[0].clone();
    if has_name && types_given.iter().any(|t| t == "brokers" || t == "broker-loggers") {
        for opt in ["entity-name", "broker", "broker-logger"] {
            if let Some(v) = p.value(opt) {
                if crate::sim::java::java_parse_int(v).is_none() {
                    return Err(arg_error(&format!(
                        "The entity name for {first_type} must be a valid integer broker id, but it is: {v}"
                    )));
                }
            }
        }
    }
    let joined = types_given.join(",");
    if p.has("describe") {
        let default_ok = ["users", "clients", "brokers", "ips"].iter().any(|t| types_given.iter().any(|g| g == t));
        if !default_ok && p.has("entity-default") {
            return Err(arg_error(&format!("--entity-default must not be specified with --describe of {joined}")));
        }
        if types_given.iter().any(|t| t == "broker-loggers") && !has_name {
            return Err(arg_error(&format!("An entity name must be specified with --describe of {joined}")));
        }
    }
    if p.has("alter") {
        let needs_name_or_default =
            ["users", "clients", "brokers", "ips"].iter().any(|t| types_given.iter().any(|g| g == t));
        if needs_name_or_default {
            if !has_name && !has_default {
                return Err(arg_error(
                    "An entity-name or default entity must be specified with --alter of users, clients, brokers or ips",
                ));
            }
        } else if !has_name {
            return Err(arg_error(&format!("An entity name must be specified with --alter of {joined}")));
        }
        if p.has("add-config") && p.has("add-config-file") {
            return Err(arg_error("Only one of --add-config or --add-config-file must be specified"));
        }
        if !p.has("add-config") && !p.has("add-config-file") && !p.has("delete-config") {
            return Err(arg_error(
                "At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter",
            ));
        }
    }
    if let Err(e) = p.check_types(spec) {
        return Err(arg_error(&e.message()));
    }
    Ok(Output::new())
}

// ---------------------------------------------------------------------------
// kafka-get-offsets (`GetOffsetShell`)
// ---------------------------------------------------------------------------

fn check_get_offsets(spec: &ToolSpec, p: &ParsedOpts) -> Result<Output, Output> {
    if !p.has("bootstrap-server") {
        return Err(usage_error(spec, &missing_required("bootstrap-server")));
    }
    if let Err(m) = validate_bootstrap_server(p.value("bootstrap-server")) {
        return Err(usage_error(spec, m));
    }
    if let Err(e) = p.check_types(spec) {
        return Err(get_offsets::error(&e.message()));
    }
    if p.has("topic-partitions") && (p.has("topic") || p.has("partitions")) {
        return Err(get_offsets::error(get_offsets::TOPIC_PARTITIONS_CONFLICT));
    }
    if let Some(t) = p.value("time") {
        if let Err(m) = get_offsets::parse_time(t) {
            return Err(get_offsets::error(&m));
        }
    }
    if let Some(parts) = p.value("partitions") {
        if let Err(m) = get_offsets::parse_partitions(parts) {
            return Err(get_offsets::error(&m));
        }
    }
    if let Some(tp) = p.value("topic-partitions") {
        if let Err(m) = get_offsets::parse_topic_partitions(tp) {
            return Err(get_offsets::error(&m));
        }
    }
    Ok(Output::new())
}

// ---------------------------------------------------------------------------
// kafka-leader-election (`LeaderElectionCommand`)
// ---------------------------------------------------------------------------

/// `AdminCommandFailedException`, the class of `LeaderElectionCommand`'s validation errors.
pub(crate) const ADMIN_COMMAND_FAILED: &str = "org.apache.kafka.tools.AdminCommandFailedException";

fn check_leader_election(spec: &ToolSpec, p: &ParsedOpts) -> Result<Output, Output> {
    let fail = |m: &str| main_no_exit_output(m, &stack_trace(ADMIN_COMMAND_FAILED, m));
    let mut missing: Vec<&str> = Vec::new();
    if !p.has("bootstrap-server") {
        missing.push("bootstrap-server");
    }
    if !p.has("election-type") {
        missing.push("election-type");
    }
    if !missing.is_empty() {
        return Err(fail(&format!("Missing required option(s): {}", missing.join(", "))));
    }
    if let Some(m) = first_invalid(p, "admin.config", &["command-config"]) {
        return Err(usage_error(spec, &m));
    }
    if p.count_present(&["topic", "all-topic-partitions", "path-to-json-file"]) != 1 {
        return Err(fail(
            "One and only one of the following options is required: topic, all-topic-partitions, path-to-json-file",
        ));
    }
    if p.has("topic") && !p.has("partition") {
        return Err(fail("Missing required option(s): partition"));
    }
    if !p.has("topic") && p.has("partition") {
        return Err(fail("Option partition is only allowed if topic is used"));
    }
    types(spec, p)?;
    Ok(Output::new())
}

// ---------------------------------------------------------------------------
// kafka-reassign-partitions (`ReassignPartitionsCommand`)
// ---------------------------------------------------------------------------

fn check_reassign(spec: &ToolSpec, p: &ParsedOpts) -> Result<Output, Output> {
    let actions = ["generate", "execute", "verify", "cancel", "list"];
    let present: Vec<&str> = actions.iter().copied().filter(|a| p.has(a)).collect();
    if present.len() != 1 {
        return Err(usage_error(
            spec,
            "Command must include exactly one action: --generate, --execute, --verify, --cancel, --list",
        ));
    }
    let action = present[0];
    match (p.has("bootstrap-server"), p.has("bootstrap-controller")) {
        (true, true) => {
            return Err(usage_error(spec, "Please don't specify both --bootstrap-server and --bootstrap-controller"))
        }
        (false, false) => {
            return Err(usage_error(spec, "Please specify either --bootstrap-server or --bootstrap-controller"))
        }
        _ => {}
    }
    let required: &[&str] = match action {
        "generate" => &["topics-to-move-json-file", "broker-list"],
        "list" => &[],
        _ => &["reassignment-json-file"],
    };
    for r in required {
        if !p.has(r) {
            return Err(usage_error(spec, &missing_required(r)));
        }
    }
    let permitted: &[&str] = match action {
        "verify" => &["bootstrap-server", "command-config", "preserve-throttles"],
        "generate" => &["bootstrap-server", "broker-list", "command-config", "disable-rack-aware"],
        "execute" => &[
            "additional",
            "bootstrap-server",
            "command-config",
            "throttle",
            "replica-alter-log-dirs-throttle",
            "timeout",
        ],
        "cancel" => &["bootstrap-server", "bootstrap-controller", "command-config", "preserve-throttles", "timeout"],
        _ => &["bootstrap-server", "bootstrap-controller", "command-config"],
    };
    let mut seen: Vec<&str> = Vec::new();
    for (name, _) in &p.entries {
        if seen.contains(&name.as_str()) {
            continue;
        }
        seen.push(name);
        if name == action || required.contains(&name.as_str()) || permitted.contains(&name.as_str()) {
            continue;
        }
        return Err(usage_error(spec, &format!("Option \"[{name}]\" can't be used with action \"[{action}]\"")));
    }
    if let Err(e) = p.check_types(spec) {
        let mut o = Output::new();
        o.outln(&format!("Error: {}", e.message()));
        o.out(&stack_trace(e.exception_class(), &e.message()));
        o.exit_code = 1;
        return Err(o);
    }
    Ok(Output::new())
}

// ---------------------------------------------------------------------------
// kafka-consumer-perf-test, kafka-broker-api-versions
// ---------------------------------------------------------------------------

fn check_consumer_perf(spec: &ToolSpec, p: &ParsedOpts) -> Result<Output, Output> {
    // Kafka 4.4 ConsumerPerfOptions: bootstrap server, then topic or include, then exactly one
    // of --messages (deprecated) and --num-records (KIP-1147).
    if !p.has("bootstrap-server") {
        return Err(usage_error(spec, &missing_required("bootstrap-server")));
    }
    if p.count_present(&["topic", "include"]) != 1 {
        return Err(usage_error(spec, &exactly_one_of(&["topic", "include"])));
    }
    if p.count_present(&["messages", "num-records"]) != 1 {
        return Err(usage_error(spec, &exactly_one_of(&["messages", "num-records"])));
    }
    if let Some(m) = first_invalid(p, "consumer.config", &["command-config"]) {
        return Err(usage_error(spec, &m));
    }
    let mut notes = Output::new();
    if p.has("messages") {
        notes.outln("Warning: --messages is deprecated. Use --num-records instead.");
    }
    if p.has("consumer.config") {
        notes.outln("Warning: --consumer.config is deprecated. Use --command-config instead.");
    }
    types(spec, p).map_err(|e| with_notes(&notes, e))?;
    if let Ok(Some(v)) = p.long_value("reporting-interval") {
        if v <= 0 {
            return Err(with_notes(
                &notes,
                exception_output("Reporting interval must be greater than 0.", "java.lang.IllegalArgumentException"),
            ));
        }
    }
    Ok(notes)
}

fn check_broker_api_versions(spec: &ToolSpec, p: &ParsedOpts) -> Result<Output, Output> {
    if !p.has("bootstrap-server") {
        return Err(usage_error(spec, &missing_required("bootstrap-server")));
    }
    types(spec, p)?;
    Ok(Output::new())
}

// ---------------------------------------------------------------------------
// kafka-acls (`AclCommand.AclCommandOptions.checkArgs`)
// ---------------------------------------------------------------------------

fn check_acls(spec: &ToolSpec, p: &ParsedOpts) -> Result<Output, Output> {
    let usage = |m: &str| Err(usage_error(spec, m));
    if p.has("bootstrap-server") && p.has("bootstrap-controller") {
        return usage("Only one of --bootstrap-server or --bootstrap-controller must be specified");
    }
    if !p.has("bootstrap-server") && !p.has("bootstrap-controller") {
        return usage("One of --bootstrap-server or --bootstrap-controller must be specified");
    }
    if ["add", "remove", "list"].iter().filter(|a| p.has(a)).count() != 1 {
        return usage("Command must include exactly one action: --list, --add, --remove. ");
    }
    let rules: [(&str, &[&str]); 3] = [
        ("list", &["producer", "consumer", "allow-host", "allow-principal", "deny-host", "deny-principal"]),
        ("producer", &["operation", "deny-principal", "deny-host"]),
        ("consumer", &["operation", "deny-principal", "deny-host"]),
    ];
    for (used, others) in rules {
        if let Some(m) = first_invalid(p, used, others) {
            return usage(&m);
        }
    }
    if p.has("principal") && !p.has("list") {
        return usage("The --principal option is only available if --list is set");
    }
    if p.has("producer") && !p.has("topic") {
        return usage("With --producer you must specify a --topic");
    }
    if p.has("idempotent") && !p.has("producer") {
        return usage("The --idempotent option is only available if --producer is set");
    }
    if p.has("consumer")
        && (!p.has("topic") || !p.has("group") || !p.has("producer") && (p.has("cluster") || p.has("transactional-id")))
    {
        return usage("With --consumer you must specify a --topic and a --group and no --cluster or --transactional-id option should be specified.");
    }
    types(spec, p)?;
    Ok(Output::new())
}

// ---------------------------------------------------------------------------
// kafka-groups (`GroupsCommand.GroupsCommandOptions.checkArgs`)
// ---------------------------------------------------------------------------

/// `GroupType.parse`: the group types a name may give, case-insensitively.
pub(crate) const GROUP_TYPES: [&str; 4] = ["consumer", "classic", "share", "streams"];

fn check_groups(spec: &ToolSpec, p: &ParsedOpts) -> Result<Output, Output> {
    if !p.has("list") {
        return Err(usage_error(spec, "Command must include exactly one action: --list."));
    }
    if let Some(t) = p.value("group-type") {
        if !GROUP_TYPES.iter().any(|g| g.eq_ignore_ascii_case(t)) {
            // Thrown from the options' constructor, outside `execute`'s try: `mainNoExit` prints
            // the message and the stack trace.
            let msg = "--group-type must be a valid group type.";
            return Err(main_no_exit_output(msg, &stack_trace("java.lang.IllegalArgumentException", msg)));
        }
    }
    let rules: [(&str, [&str; 4]); 3] = [
        ("consumer", ["group-type", "protocol", "share", "streams"]),
        ("share", ["consumer", "group-type", "protocol", "streams"]),
        ("streams", ["consumer", "group-type", "protocol", "share"]),
    ];
    for (used, others) in rules {
        if let Some(m) = first_invalid(p, used, &others) {
            return Err(usage_error(spec, &m));
        }
    }
    types(spec, p)?;
    Ok(Output::new())
}

// ---------------------------------------------------------------------------
// kafka-console-share-consumer (`ConsoleShareConsumer`)
// ---------------------------------------------------------------------------

/// `ConsoleShareConsumerOptions`, in its order: `--topic`, `--bootstrap-server`, `--reject`
/// with `--release`, the deprecated spellings, then the group ids.
fn check_console_share_consumer(spec: &ToolSpec, p: &ParsedOpts) -> Result<Output, Output> {
    let usage = |m: &str| usage_error(spec, m);
    if !p.has("topic") {
        return Err(usage("--topic is a required argument"));
    }
    if !p.has("bootstrap-server") {
        return Err(usage(&missing_required("bootstrap-server")));
    }
    types(spec, p)?;
    if p.has("reject") && p.has("release") {
        return Err(usage("At most one of --reject and --release may be specified."));
    }
    if p.has("consumer-property") && p.has("command-property") {
        return Err(usage("Options --consumer-property and --command-property cannot be specified together."));
    }
    if p.has("consumer-config") && p.has("command-config") {
        return Err(usage("Options --consumer-config and --command-config cannot be specified together."));
    }
    let mut notes = Output::new();
    let props = if p.has("consumer-property") {
        notes.outln(consumer::CONSUMER_PROPERTY_DEPRECATED);
        p.values("consumer-property")
    } else {
        p.values("command-property")
    };
    if p.has("consumer-config") {
        notes.outln("Option --consumer-config is deprecated and will be removed in a future version. Use --command-config instead.");
    }
    let extra = producer::parse_key_value_args(&props);
    let mut group_ids: Vec<String> = Vec::new();
    if let Some(g) = p.value("group") {
        group_ids.push(g.to_string());
    }
    if let Some((_, v)) = extra.iter().rev().find(|(k, _)| k == "group.id") {
        group_ids.push(v.clone());
    }
    let distinct = java_hash_set_order(&group_ids);
    if distinct.len() > 1 {
        let names: Vec<String> = distinct.iter().map(|g| format!("'{g}'")).collect();
        return Err(with_notes(
            &notes,
            usage(&format!(
                "The group ids provided in different places (directly using '--group', via '--consumer-property', or via '--consumer-config') do not match. Detected group ids: {}",
                names.join(", ")
            )),
        ));
    }
    Ok(notes)
}

// ---------------------------------------------------------------------------
// kafka-share-groups (`ShareGroupCommand`)
// ---------------------------------------------------------------------------

/// `ShareGroupCommandOptions.checkArgs`, then `ShareGroupCommand.main`'s one action.
fn check_share_groups(spec: &ToolSpec, p: &ParsedOpts) -> Result<Output, Output> {
    let usage = |m: &str| usage_error(spec, m);
    if !p.has("bootstrap-server") {
        return Err(usage(&missing_required("bootstrap-server")));
    }
    types(spec, p)?;
    if p.has("describe") {
        if !p.has("group") && !p.has("all-groups") {
            return Err(usage("Option [describe] takes one of these options: [all-groups], [group]"));
        }
        if p.count_present(&["members", "offsets", "state"]) > 1 {
            return Err(usage("Option [describe] takes at most one of these options: [members], [offsets], [state]"));
        }
        if p.has("state") && p.value("state").is_some() {
            return Err(usage("Option [describe] does not take a value for [state]"));
        }
    }
    if p.has("delete") {
        if !p.has("group") && !p.has("all-groups") {
            return Err(usage("Option [delete] takes the options [group] or [all-groups]."));
        }
        if p.has("all-groups") && p.has("group") {
            return Err(usage("Option [delete] takes either [group] or [all-groups], not both."));
        }
        if p.has("all-topics") || p.has("topic") {
            return Err(usage("Option [delete] does not take the options [topic] or [all-topics]."));
        }
    }
    if p.has("delete-offsets") && !(p.has("group") && p.has("topic")) {
        return Err(usage("Option [delete-offsets] takes the following options: [group], [topic]"));
    }
    if p.has("reset-offsets") {
        if p.has("dry-run") && p.has("execute") {
            return Err(usage("Option [reset-offsets] only accepts one of [execute] and [dry-run]"));
        }
        if !p.has("dry-run") && !p.has("execute") {
            return Err(usage("Option [reset-offsets] takes the option: [execute] or [dry-run]"));
        }
        if !p.has("group") {
            return Err(usage("Option [reset-offsets] takes the option: [group]"));
        }
        let scopes = ["topic", "all-topics", "from-file"];
        if p.count_present(&scopes) == 0 {
            return Err(usage("Option [reset-offsets] takes one of these options: [all-topics], [from-file], [topic]"));
        }
        for a in scopes {
            if let Some(b) = scopes.iter().find(|b| **b != a && p.has(a) && p.has(b)) {
                return Err(usage(&cant_be_used_with(a, b)));
            }
        }
        let scenarios = ["to-offset", "to-datetime", "to-earliest", "to-latest", "to-current", "from-file"];
        if p.count_present(&scenarios) == 0 {
            return Err(usage(
                "Option [reset-offsets] takes one of these options: [from-file], [to-current], [to-datetime], [to-earliest], [to-latest], [to-offset]",
            ));
        }
        for a in scenarios {
            if let Some(b) = scenarios.iter().find(|b| **b != a && p.has(a) && p.has(b)) {
                return Err(usage(&cant_be_used_with(a, b)));
            }
        }
    }
    if p.has("group") && p.has("all-groups") {
        return Err(usage(&cant_be_used_with("group", "all-groups")));
    }
    if p.has("group") && p.has("list") {
        return Err(usage(&cant_be_used_with("group", "list")));
    }
    if p.has("topic") {
        if let Some(o) = ["list", "describe", "delete"].iter().find(|o| p.has(o)) {
            return Err(usage(&cant_be_used_with("topic", o)));
        }
    }
    if p.count_present(&["list", "describe", "delete", "reset-offsets", "delete-offsets"]) != 1 {
        return Err(usage(
            "Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets.",
        ));
    }
    Ok(Output::new())
}

// ---------------------------------------------------------------------------
// kafka-dump-log (`DumpLogSegments.DumpLogSegmentsOptions.checkArgs`) and kafka-log-dirs
// (`LogDirsCommand.LogDirsCommandOptions`)
// ---------------------------------------------------------------------------

fn check_dump_log(spec: &ToolSpec, p: &ParsedOpts) -> Result<Output, Output> {
    if !p.has("files") {
        return Err(usage_error(spec, &missing_required("files")));
    }
    types(spec, p)?;
    Ok(Output::new())
}

fn check_log_dirs(spec: &ToolSpec, p: &ParsedOpts) -> Result<Output, Output> {
    // `CommandLineUtils.checkRequiredArgs(parser, options, bootstrapServerOpt, describeOpt)`.
    for required in ["bootstrap-server", "describe"] {
        if !p.has(required) {
            return Err(usage_error(spec, &missing_required(required)));
        }
    }
    Ok(Output::new())
}
