//! Tests of option parsing, tool checks and usage (jopt-simple, `CommandLineUtils` and
//! each tool's own checks).

use super::*;
use crate::console::format::Stream;
use crate::sim::java::{java_parse_double, java_parse_long, java_string_cmp};

mod fuzz;

fn args(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_string).collect()
}

fn run(tool: Tool, line: &str) -> Result<Parsed, Output> {
    parse_command(tool, &args(line))
}

fn rejected(tool: Tool, line: &str) -> Output {
    match run(tool, line) {
        Ok(p) => panic!("expected rejection of {line:?}, got {p:?}"),
        Err(o) => o,
    }
}

fn first_stderr_line(o: &Output) -> String {
    o.stderr().lines().next().unwrap_or_default().to_string()
}

/// Usage-style rejection: message first, usage table after, exit 1 (`CommandLineUtils`).
fn assert_usage(o: &Output, message: &str) {
    assert_eq!(o.exit_code, 1, "{o:?}");
    assert_eq!(o.stdout(), "", "{o:?}");
    let err = o.stderr();
    let mut lines = err.lines();
    assert_eq!(lines.next(), Some(message), "{err}");
    assert!(err.contains("\nOption "), "{err}");
    assert!(err.contains("--help"), "{err}");
}

// ---------------------------------------------------------------------------
// jopt-simple parsing (jopt-simple's `OptionParser`)
// ---------------------------------------------------------------------------

// jopt-simple's `OptionParser`
#[test]
fn long_options_with_space_or_equals() {
    let p = parse(&tables::TOPICS, &args("--bootstrap-server=localhost:9092 --topic orders --list")).unwrap();
    assert_eq!(p.value("bootstrap-server"), Some("localhost:9092"));
    assert_eq!(p.value("topic"), Some("orders"));
    assert!(p.has("list"));
    assert_eq!(p.arg_count, 4);
}

// jopt-simple's `OptionParser`: no abbreviation
#[test]
fn no_abbreviation() {
    let e = parse(&tables::TOPICS, &args("--topi x")).unwrap_err();
    assert_eq!(e.message(), "topi is not a recognized option");
    assert_eq!(e.exception_class(), "joptsimple.UnrecognizedOptionException");
}

// jopt-simple's `OptionParser`
#[test]
fn missing_argument_and_bad_numbers() {
    let e = parse(&tables::TOPICS, &args("--list --topic")).unwrap_err();
    assert_eq!(e.message(), "Option topic requires an argument");
    let p = parse(&tables::TOPICS, &args("--create --partitions abc")).unwrap();
    let e = p.check_types(&tables::TOPICS).unwrap_err();
    assert_eq!(e.message(), "Cannot parse argument 'abc' of option partitions");
    assert_eq!(p.int_value("partitions").unwrap_err(), e);
    let p = parse(&tables::TOPICS, &args("--partitions 99999999999")).unwrap();
    assert!(p.check_types(&tables::TOPICS).is_err());
    let p = parse(&tables::TOPICS, &args("--partitions -3")).unwrap();
    assert_eq!(p.int_value("partitions").unwrap(), Some(-3));
}

// jopt-simple's `OptionParser` and `CommandLineUtils`
#[test]
fn required_argument_takes_next_token_even_if_dashed() {
    let p = parse(&tables::CONSUMER_GROUPS, &args("--shift-by -2 --topic --list")).unwrap();
    assert_eq!(p.value("shift-by"), Some("-2"));
    assert_eq!(p.value("topic"), Some("--list"));
    assert!(!p.has("list"));
}

// jopt-simple's `OptionParser` and `CommandLineUtils`
#[test]
fn single_dash_long_names_and_short_clusters() {
    let p = parse(&tables::TOPICS, &args("-list -topic t")).unwrap();
    assert!(p.has("list"));
    assert_eq!(p.value("topic"), Some("t"));
    let e = parse(&tables::TOPICS, &args("-t x")).unwrap_err();
    assert_eq!(e.message(), "t is not a recognized option");
    let e = parse(&tables::TOPICS, &args("-xyz")).unwrap_err();
    assert_eq!(e.message(), "x is not a recognized option");
}

// jopt-simple's `OptionParser` and `CommandLineUtils`
#[test]
fn non_options_and_terminator() {
    let p = parse(&tables::TOPICS, &args("stray --list -- --topic x -")).unwrap();
    assert_eq!(p.non_options, args("stray --topic x -"));
    assert!(!p.has("topic"));
}

// jopt-simple's `OptionParser` and `CommandLineUtils`
#[test]
fn optional_argument_rules() {
    let p = parse(&tables::CONSUMER_GROUPS, &args("--list --state stable,empty --bootstrap-server b:1")).unwrap();
    assert_eq!(p.value("state"), Some("stable,empty"));
    let p = parse(&tables::CONSUMER_GROUPS, &args("--list --state --bootstrap-server b:1")).unwrap();
    assert!(p.has("state"));
    assert_eq!(p.value("state"), None);
    assert_eq!(p.value("bootstrap-server"), Some("b:1"));
    let p = parse(&tables::CONSUMER_PERF_TEST, &args("--timeout -5")).unwrap();
    assert_eq!(p.value("timeout"), Some("-5"));
    let p = parse(&tables::CONSUMER_PERF_TEST, &args("--timeout --messages 3")).unwrap();
    assert_eq!(p.value("timeout"), None);
}

// jopt-simple's `OptionParser` availableIf, `ConsumerGroupCommand`
#[test]
fn available_if() {
    let e = parse(&tables::CONSUMER_GROUPS, &args("--list --members --verbose")).unwrap_err();
    assert_eq!(e.message(), "Option(s) [members, verbose] are unavailable given other options on the command line");
    assert!(parse(&tables::CONSUMER_GROUPS, &args("--describe --members")).is_ok());
    assert!(parse(&tables::CONSUMER_GROUPS, &args("--describe --type")).is_err());
}

// jopt-simple's `OptionParser` and `CommandLineUtils`
#[test]
fn repeated_non_repeatable_option() {
    let p = parse(&tables::TOPICS, &args("--topic a --topic b")).unwrap();
    assert_eq!(
        p.check_types(&tables::TOPICS).unwrap_err().message(),
        "Found multiple arguments for option topic, but you asked for only one"
    );
    let p = parse(&tables::TOPICS, &args("--config a=1 --config b=2")).unwrap();
    assert!(p.check_types(&tables::TOPICS).is_ok());
    assert_eq!(p.values("config"), vec!["a=1", "b=2"]);
}

// ---------------------------------------------------------------------------
// CommandLineUtils messages
// ---------------------------------------------------------------------------

// `CommandLineUtils`
#[test]
fn helper_messages() {
    assert_eq!(missing_required("topic"), "Missing required argument \"[topic]\"");
    assert_eq!(cant_be_used_with("config", "list"), "Option \"[config]\" can't be used with option \"[list]\"");
    assert_eq!(
        combination_cant_be_used_with(&["bootstrap-server", "config"], "alter", tables::KAFKA_CONFIGS_HINT),
        "Option combination \"[[bootstrap-server], [config]]\" can't be used with option \"[alter]\" (To alter topic configurations, the kafka-configs tool can be used.)"
    );
    assert_eq!(
        exactly_one_of(&["topic", "include"]),
        "Exactly one of the following arguments is required: [topic], [include]"
    );
    assert_eq!(BOTH_BOOTSTRAP, "You cannot specify both --bootstrap-controller and --bootstrap-server.");
    assert_eq!(NEITHER_BOOTSTRAP, "You must specify either --bootstrap-controller or --bootstrap-server.");
}

// validateBootstrapServer
#[test]
fn bootstrap_validation() {
    assert_eq!(validate_bootstrap_server(None), Err("Error while validating the bootstrap address\n"));
    assert_eq!(validate_bootstrap_server(Some("  ")), Err("Error while validating the bootstrap address\n"));
    assert_eq!(
        validate_bootstrap_server(Some("localhost")),
        Err("Please provide valid host:port like host1:9091,host2:9092\n")
    );
    assert_eq!(
        validate_bootstrap_server(Some("a:1,b")),
        Err("Please provide valid host:port like host1:9091,host2:9092\n")
    );
    assert!(validate_bootstrap_server(Some("localhost:9092")).is_ok());
    assert!(validate_bootstrap_server(Some("a:1,b:2")).is_ok());
    assert!(validate_bootstrap_server(Some("[::1]:9092")).is_ok());
}

// `CommandLineUtils`: --version on stdout, exit 0
#[test]
fn version_for_every_jopt_tool() {
    for t in Tool::ALL {
        if t.spec().is_none() {
            continue;
        }
        let o = rejected(t, "--version");
        assert_eq!(o.stdout(), "4.4.0\n", "{t:?}");
        assert_eq!(o.stderr(), "");
        assert_eq!(o.exit_code, 0);
    }
}

// `CommandLineUtils`: --help and no args print description + usage on stderr, exit 1
#[test]
fn help_and_no_args() {
    let o = rejected(Tool::Topics, "--help");
    assert_usage(&o, "This tool helps to create, delete, describe, or change a topic.");
    let o = rejected(Tool::Topics, "");
    assert_usage(&o, "Create, delete, describe, or change a topic.");
    let o = rejected(Tool::GetOffsets, "--help");
    assert!(o.stderr().starts_with("An interactive shell for getting topic-partition offsets.\n"));
    let o = rejected(Tool::ConsumerGroups, "");
    assert_usage(&o, "This tool helps to list, describe, delete and manage the offsets of consumer groups.");
    let o = rejected(Tool::ReassignPartitions, "");
    assert_usage(&o, "This command moves topic partitions between replicas.");
    let o = rejected(Tool::ReassignPartitions, "--help");
    assert_usage(&o, "This tool helps to move topic partitions between replicas.");
    let o = rejected(Tool::Configs, "--help");
    assert_usage(&o, "This tool helps to manipulate and describe entity config for a topic, client, user, broker, ip, client-metrics or group");
    let o = rejected(Tool::LeaderElection, "");
    assert_usage(&o, "This tool attempts to elect a new leader for a set of topic partitions. The type of elections supported are preferred replicas and unclean replicas.");
    let o = rejected(Tool::ConsoleProducer, "");
    assert_usage(&o, "This tool helps to read data from standard input and publish it to Kafka.");
    let o = rejected(Tool::ConsoleConsumer, "--help");
    assert_usage(&o, "This tool helps to read data from Kafka topics and outputs it to standard output.");
    let o = rejected(Tool::ConsumerPerfTest, "--help");
    assert_usage(&o, "This tool is used to verify the consumer performance.");
    let o = rejected(Tool::BrokerApiVersions, "--help");
    assert_usage(&o, "This tool helps to retrieve broker version information.");
}

// ---------------------------------------------------------------------------
// Usage table (`CommandLineUtils`)
// ---------------------------------------------------------------------------

// jopt-simple's `BuiltinHelpFormatter`: header, divider, alphabetical, <Type: describedAs>, (default: N), 80 columns
#[test]
fn usage_table_layout_get_offsets() {
    let t = usage_table(&tables::GET_OFFSETS);
    let lines: Vec<&str> = t.lines().collect();
    // As a real Kafka 4.4 prints it (tests/conformance/scenarios/get_offsets.txt): option
    // column 39 (the widest option piece, `  topic2:0-3,topic3,topic4:5-,topic5:-3`, since --time's
    // describedAs gained `-6 or earliest-pending-upload`); description column 80 - 39 - 2 = 39,
    // capped by the widest piece (38).
    let row = |o: &str, d: &str| format!("{o:<39}  {d:<38}");
    assert_eq!(lines[0], row("Option", "Description"));
    assert_eq!(lines[1], row("------", "-----------"));
    assert_eq!(lines[2], row("--bootstrap-server <String: HOST1:", "REQUIRED. The server(s) to connect to"));
    assert_eq!(lines[3], row("  PORT1,...,HOST3:PORT3>", "  in the form HOST1:PORT1,HOST2:PORT2."));
    assert_eq!(lines[4], row("--command-config <String: config file>", "Property file containing configs to be"));
    assert_eq!(lines[5], row("", "  passed to Admin Client."));
    // JDK line breaks: after `max-` and `earliest-` (a dash ends a word), never inside
    // `topic5:-3` (a dash before a digit starts a number), so `>` goes on a line of its own.
    assert!(
        lines.contains(
            &row("  latest / -2 or earliest / -3 or max-", "  [Note: No offset is returned, if the").as_str()
        ),
        "{t}"
    );
    assert!(
        lines.contains(&row("  -5 or latest-tiered / -6 or earliest-", "  committed record timestamp is").as_str()),
        "{t}"
    );
    assert!(lines.contains(&row("  >", "  offsets for, with the format of").as_str()), "{t}");
    assert!(lines.iter().all(|l| l.chars().count() == 79), "{t}");
    // alphabetical, with the default options
    let names: Vec<&str> = lines
        .iter()
        .filter(|l| l.starts_with("--") && !l.starts_with("---"))
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    assert_eq!(
        names,
        vec![
            "--bootstrap-server",
            "--command-config",
            "--exclude-internal-topics",
            "--help",
            "--partitions",
            "--time",
            "--topic",
            "--topic-partitions",
            "--version"
        ]
    );
    assert!(t.contains("(default: latest)"));
}

// jopt-simple's `BuiltinHelpFormatter`: option wrapping as seen in real kafka-topics help
#[test]
fn usage_table_wraps_like_jopt_simple() {
    let t = usage_table(&tables::TOPICS);
    let row = |o: &str, d: &str| format!("{o:<39}  {d:<39}\n");
    assert!(t.contains(&row("--bootstrap-server <String: server to", "REQUIRED: The Kafka server to connect")), "{t}");
    assert!(t.contains(&row("  connect to>", "  to.")), "{t}");
    assert!(
        t.contains(&row("--partitions <Integer: # of partitions>", "The number of partitions for the topic")),
        "{t}"
    );
    assert!(t.contains(&row("--replica-assignment <String:", "A list of manual partition-to-broker")), "{t}");
    assert!(t.contains(&row("  broker_id_for_part1_replica1 :", "  assignments for the topic being")), "{t}");
    assert!(t.contains(&row("  broker_id_for_part2_replica2 , ...>", "")), "{t}");
    // rows of different options are not de-duplicated (real help output)
    assert_eq!(t.matches(&row("", "  show partitions whose isr count is")).count(), 2, "{t}");
    assert!(t.contains(&row("", "  configurations, the kafka-configs")), "{t}");
    assert!(t.contains("\t"), "the --config list keeps its tabs");
    assert!(t.lines().all(|l| l.chars().count() >= 41));
}

// jopt-simple's `OptionParser` and `CommandLineUtils`
#[test]
fn java_line_words_break_points() {
    assert_eq!(
        java_line_words("--bootstrap-server <String: server to>"),
        vec!["--", "bootstrap-", "server ", "<String: ", "server ", "to>"]
    );
    assert_eq!(java_line_words("e.g. x"), vec!["e.", "g. ", "x"]);
    assert_eq!(java_line_words("-1 or 1,000"), vec!["-1 ", "or ", "1,000"]);
    assert_eq!(java_line_words("\tcleanup.policy"), vec!["\t", "cleanup.", "policy"]);
}

// ---------------------------------------------------------------------------
// kafka-topics (`TopicCommand`)
// ---------------------------------------------------------------------------

// `TopicCommand`: --zookeeper from old tutorials
#[test]
fn topics_zookeeper_option() {
    let o = rejected(Tool::Topics, "--zookeeper localhost:2181 --list");
    assert_eq!(o.exit_code, 1);
    assert_eq!(o.stdout(), "");
    assert_eq!(
        o.stderr(),
        "zookeeper is not a recognized option\njoptsimple.UnrecognizedOptionException: zookeeper is not a recognized option\n\tat ...\n\n"
    );
}

// `TopicCommand`
#[test]
fn topics_checks() {
    assert_usage(
        &rejected(Tool::Topics, "--bootstrap-server b:1"),
        "Command must include exactly one action: --list, --describe, --create, --alter or --delete",
    );
    assert_usage(
        &rejected(Tool::Topics, "--bootstrap-server b:1 --list --describe"),
        "Command must include exactly one action: --list, --describe, --create, --alter or --delete",
    );
    let o = rejected(Tool::Topics, "--list");
    assert_eq!(
        o.stderr(),
        "--bootstrap-server must be specified\njava.lang.IllegalArgumentException: --bootstrap-server must be specified\n\tat ...\n\n"
    );
    assert_eq!(o.exit_code, 1);
    assert_usage(&rejected(Tool::Topics, "--bootstrap-server b:1 --create"), "Missing required argument \"[topic]\"");
    assert_usage(
        &rejected(Tool::Topics, "--bootstrap-server b:1 --alter --topic t"),
        "Missing required argument \"[partitions]\"",
    );
    assert_usage(
        &rejected(Tool::Topics, "--bootstrap-server b:1 --alter --topic t --config a=b --partitions 3"),
        "Option combination \"[[bootstrap-server], [config]]\" can't be used with option \"[alter]\" (To alter topic configurations, the kafka-configs tool can be used.)",
    );
    assert_usage(
        &rejected(Tool::Topics, "--bootstrap-server b:1 --list --config a=b"),
        "Option \"[config]\" can't be used with option \"[list]\"",
    );
    assert_usage(
        &rejected(Tool::Topics, "--bootstrap-server b:1 --describe --partitions 3"),
        "Option \"[partitions]\" can't be used with option \"[describe]\"",
    );
    assert_usage(
        &rejected(Tool::Topics, "--bootstrap-server b:1 --alter --topic t --partitions 3 --replication-factor 2"),
        "Option \"[replication-factor]\" can't be used with option \"[alter]\"",
    );
    assert_usage(
        &rejected(Tool::Topics, "--bootstrap-server b:1 --create --topic t --replica-assignment 1:2 --partitions 3"),
        "Option \"[replica-assignment]\" can't be used with option \"[partitions]\"",
    );
    assert_usage(
        &rejected(Tool::Topics, "--bootstrap-server b:1 --list --under-replicated-partitions"),
        "Option \"[under-replicated-partitions]\" can't be used with option \"[list]\"",
    );
    assert_usage(
        &rejected(Tool::Topics, "--bootstrap-server b:1 --describe --unavailable-partitions --topics-with-overrides"),
        "Option \"[unavailable-partitions]\" can't be used with option \"[topics-with-overrides]\"",
    );
    assert_usage(
        &rejected(Tool::Topics, "--bootstrap-server b:1 --create --topic t --topics-with-overrides"),
        "Option \"[topics-with-overrides]\" can't be used with option \"[create]\"",
    );
    assert_usage(
        &rejected(Tool::Topics, "--bootstrap-server b:1 --create --topic t --if-exists"),
        "Option \"[if-exists]\" can't be used with option \"[create]\"",
    );
    assert_usage(
        &rejected(Tool::Topics, "--bootstrap-server b:1 --delete --topic t --if-not-exists"),
        "Option \"[if-not-exists]\" can't be used with option \"[delete]\"",
    );
    assert_usage(
        &rejected(Tool::Topics, "--bootstrap-server b:1 --delete --topic t --exclude-internal"),
        "Option \"[exclude-internal]\" can't be used with option \"[delete]\"",
    );
    // `--partitions` is converted when the action reads it (`CommandTopicPartition`, inside the
    // action's try), not while the options are checked ...
    assert!(run(Tool::Topics, "--bootstrap-server b:1 --create --topic t --partitions x").is_ok());
    // ... while `new TopicService(...)` reads the bootstrap server before any action: mainNoExit.
    let o = rejected(Tool::Topics, "--bootstrap-server b:1 --bootstrap-server b:2 --list");
    assert_eq!(
        o.stderr(),
        "Found multiple arguments for option bootstrap-server, but you asked for only one\njoptsimple.MultipleArgumentsForOptionException: Found multiple arguments for option bootstrap-server, but you asked for only one\n\tat ...\n\n"
    );
    assert!(
        run(Tool::Topics, "--bootstrap-server b:1 --create --topic t --partitions 3 --replication-factor 1").is_ok()
    );
    assert!(run(Tool::Topics, "--bootstrap-server b:1 --describe --topics-with-overrides").is_ok());
}

// `TopicCommand`: --delete-config only warns
#[test]
fn topics_delete_config_warning() {
    let p = run(Tool::Topics, "--bootstrap-server b:1 --alter --topic t --partitions 4 --delete-config x").unwrap();
    assert_eq!(
        p.notes.stderr(),
        "delete-config option is no longer supported and deprecated since version 4.0. The config will be fully removed in future releases.\n"
    );
}

// ---------------------------------------------------------------------------
// kafka-console-producer (`ConsoleProducer`)
// ---------------------------------------------------------------------------

// `ConsoleProducer`
#[test]
fn producer_checks() {
    assert_usage(&rejected(Tool::ConsoleProducer, "--bootstrap-server b:1"), "Missing required argument \"[topic]\"");
    let o = rejected(Tool::ConsoleProducer, "--topic t");
    assert!(o.stderr().starts_with("Error while validating the bootstrap address\n\nOption "), "{}", o.stderr());
    let o = rejected(Tool::ConsoleProducer, "--topic t --bootstrap-server localhost");
    assert!(o.stderr().starts_with("Please provide valid host:port like host1:9091,host2:9092\n\n"));
    assert_usage(
        &rejected(Tool::ConsoleProducer, "--topic t --broker-list b:1"),
        "broker-list is not a recognized option",
    );
    let o = rejected(
        Tool::ConsoleProducer,
        "--topic t --bootstrap-server b:1 --property headers.delimiter=, --property parse.headers=true",
    );
    assert_eq!(
        o.stderr(),
        "org.apache.kafka.common.KafkaException: headers.delimiter and headers.separator may not be equal\n\tat ...\n"
    );
    assert!(run(Tool::ConsoleProducer, "--topic t --bootstrap-server b:1 --property parse.key=true").is_ok());
}

// ---------------------------------------------------------------------------
// kafka-console-consumer (`ConsoleConsumer`)
// ---------------------------------------------------------------------------

// `ConsoleConsumer`
#[test]
fn consumer_checks() {
    let o = rejected(Tool::ConsoleConsumer, "--bootstrap-server b:1");
    assert_usage(&o, "Exactly one of the following arguments is required: [topic], [include]");
    assert_usage(
        &rejected(Tool::ConsoleConsumer, "--bootstrap-server b:1 --topic t --include x"),
        "Exactly one of the following arguments is required: [topic], [include]",
    );
    assert_usage(
        &rejected(Tool::ConsoleConsumer, "--bootstrap-server b:1 --include x --partition 0"),
        "The topic is required when partition is specified.",
    );
    assert_usage(
        &rejected(Tool::ConsoleConsumer, "--bootstrap-server b:1 --topic t --partition 0 --offset 3 --from-beginning"),
        "Options from-beginning and offset cannot be specified together.",
    );
    assert_usage(
        &rejected(Tool::ConsoleConsumer, "--bootstrap-server b:1 --topic t --offset 3"),
        "The partition is required when offset is specified.",
    );
    assert_usage(&rejected(Tool::ConsoleConsumer, "--topic t"), "Missing required argument \"[bootstrap-server]\"");
    assert_usage(
        &rejected(Tool::ConsoleConsumer, "--bootstrap-server b:1 --topic t --group g --partition 0"),
        "Options group and partition cannot be specified together.",
    );
    assert_usage(
        &rejected(Tool::ConsoleConsumer, "--bootstrap-server b:1 --topic t --partition 0 --offset -1"),
        "The provided offset value '-1' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.",
    );
    assert_usage(
        &rejected(Tool::ConsoleConsumer, "--bootstrap-server b:1 --topic t --partition 0 --offset abc"),
        "The provided offset value 'abc' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.",
    );
    assert_usage(
        &rejected(
            Tool::ConsoleConsumer,
            "--bootstrap-server b:1 --topic t --from-beginning --command-property auto.offset.reset=latest",
        ),
        "Can't simultaneously specify --from-beginning and 'auto.offset.reset=latest', please remove one option",
    );
    let o = rejected(Tool::ConsoleConsumer, "--bootstrap-server b:1 --topic t --group a --command-property group.id=b");
    let first = first_stderr_line(&o);
    assert!(first.starts_with("The group ids provided in different places (directly using '--group', via '--consumer-property', or via '--consumer.config') do not match. Detected group ids: "));
    assert!(first.ends_with("'a', 'b'"), "{first}");
    assert!(
        run(Tool::ConsoleConsumer, "--bootstrap-server b:1 --topic t --group a --command-property group.id=a").is_ok()
    );
    assert!(run(Tool::ConsoleConsumer, "--bootstrap-server b:1 --topic t --partition 0 --offset EARLIEST").is_ok());
    assert_usage(
        &rejected(Tool::ConsoleConsumer, "--bootstrap-server b:1 --topic t --whitelist x"),
        "whitelist is not a recognized option",
    );
}

// ---------------------------------------------------------------------------
// kafka-consumer-groups (`ConsumerGroupCommand`)
// ---------------------------------------------------------------------------

// jopt-simple's `OptionParser`: parse errors escape main
#[test]
fn groups_parse_error_is_uncaught() {
    let o = rejected(Tool::ConsumerGroups, "--bootstrap-server b:1 --list --zookeeper z:1");
    assert_eq!(
        o.stderr(),
        "Exception in thread \"main\" joptsimple.UnrecognizedOptionException: zookeeper is not a recognized option\n\tat ...\n"
    );
    assert_eq!(o.exit_code, 1);
}

// `ConsumerGroupCommand`
#[test]
fn groups_checks() {
    let g = Tool::ConsumerGroups;
    assert_usage(&rejected(g, "--list"), "Missing required argument \"[bootstrap-server]\"");
    assert_usage(
        &rejected(g, "--bootstrap-server b:1"),
        "Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets, --validate-regex",
    );
    assert_usage(
        &rejected(g, "--bootstrap-server b:1 --describe"),
        "Option [describe] takes one of these options: [all-groups], [group]",
    );
    assert_usage(
        &rejected(g, "--bootstrap-server b:1 --delete"),
        "Option [delete] takes one of these options: [all-groups], [group]",
    );
    assert_usage(
        &rejected(g, "--bootstrap-server b:1 --describe --group g --members --state"),
        "Option [describe] takes at most one of these options: [members], [offsets], [state]",
    );
    assert_usage(
        &rejected(g, "--bootstrap-server b:1 --describe --group g --state Stable"),
        "Option [describe] does not take a value for [state]",
    );
    assert_usage(
        &rejected(g, "--bootstrap-server b:1 --delete --group g --topic t"),
        "The consumer does not support topic-specific offset deletion from a consumer group.",
    );
    assert_usage(
        &rejected(g, "--bootstrap-server b:1 --delete-offsets --group g"),
        "Option [delete-offsets] takes the following options: [topic], [group]",
    );
    assert_usage(
        &rejected(g, "--bootstrap-server b:1 --reset-offsets --group g --dry-run --execute --to-earliest --all-topics"),
        "Option [reset-offsets] only accepts one of [execute] and [dry-run]",
    );
    assert_usage(
        &rejected(
            g,
            "--bootstrap-server b:1 --reset-offsets --group g --to-earliest --to-latest --all-topics --execute",
        ),
        "Option \"[to-earliest]\" can't be used with option \"[to-latest]\"",
    );
    assert_usage(
        &rejected(g, "--bootstrap-server b:1 --reset-offsets --group g --all-topics --execute"),
        "Option '[reset-offsets]' requires one of the following scenarios: [[to-offset], [to-current], [to-datetime], [from-file], [by-duration], [to-earliest], [to-latest], [shift-by]]",
    );
    assert_usage(
        &rejected(g, "--bootstrap-server b:1 --reset-offsets --group g --to-earliest --execute"),
        "One of the reset scopes should be defined: --all-topics, --topic.",
    );
    assert_usage(
        &rejected(g, "--bootstrap-server b:1 --list --group g"),
        "Option \"[group]\" can't be used with option \"[list]\"",
    );
    assert_usage(
        &rejected(g, "--bootstrap-server b:1 --describe --group g --all-groups"),
        "Option \"[group]\" can't be used with option \"[all-groups]\"",
    );
    assert_usage(
        &rejected(g, "--bootstrap-server b:1 --describe --group g --topic t"),
        "Option \"[topic]\" can't be used with option \"[describe]\"",
    );
    assert_usage(
        &rejected(g, "--bootstrap-server b:1 --list --state foo"),
        "Invalid state list 'foo'. Valid states are: PreparingRebalance, CompletingRebalance, Stable, Dead, Empty, Assigning, Reconciling",
    );
    assert_usage(
        &rejected(g, "--bootstrap-server b:1 --list --type x"),
        "Invalid types list 'x'. Valid types are: Consumer, Classic, Share",
    );
    assert!(run(g, "--bootstrap-server b:1 --list --state stable,EMPTY --type classic").is_ok());
    assert!(run(g, "--bootstrap-server b:1 --describe --group g --group h --members --verbose").is_ok());
}

// `ConsumerGroupCommand`: the WARN goes to stderr first, and stays before later errors
#[test]
fn groups_reset_warning() {
    let p = run(Tool::ConsumerGroups, "--bootstrap-server b:1 --reset-offsets --group g --to-earliest --all-topics")
        .unwrap();
    assert_eq!(
        p.notes.stderr(),
        "WARN: No action will be performed as the --execute option is missing. In version 5.0, this command will require either --dry-run or --execute to be specified. You should add the --dry-run option explicitly if you are scripting this command and want to keep the current default behavior without prompting.\n"
    );
    let p = run(
        Tool::ConsumerGroups,
        "--bootstrap-server b:1 --reset-offsets --group g --to-earliest --all-topics --dry-run",
    )
    .unwrap();
    assert_eq!(p.notes.stderr(), "");
    let o = rejected(Tool::ConsumerGroups, "--bootstrap-server b:1 --reset-offsets --to-earliest --all-topics");
    let err = o.stderr();
    assert!(err.starts_with("WARN: No action"));
    assert!(err.contains("\nOption [reset-offsets] takes one of these options: [all-groups], [group]\n"));
}

// ---------------------------------------------------------------------------
// kafka-configs (`ConfigCommand`)
// ---------------------------------------------------------------------------

// `ConfigCommand`: validation errors are the message only, exit 1
#[test]
fn configs_checks() {
    let c = Tool::Configs;
    let only = |line: &str, msg: &str| {
        let o = rejected(c, line);
        assert_eq!(o.stderr(), format!("{msg}\n"), "{line}");
        assert_eq!(o.stdout(), "");
        assert_eq!(o.exit_code, 1);
    };
    assert_usage(
        &rejected(c, "--bootstrap-server b:1 --entity-type topics"),
        "Command must include exactly one action: --describe, --alter",
    );
    assert_usage(
        &rejected(c, "--bootstrap-server b:1 --describe --entity-type topics --add-config a=b"),
        "Option \"[describe]\" can't be used with option \"[add-config]\"",
    );
    only(
        "--bootstrap-server b:1 --describe --entity-type topic --entity-name t",
        "Invalid entity type topic, the entity type must be one of broker-loggers, topics, clients, users, brokers, ips, client-metrics, groups with a --bootstrap-server or --bootstrap-controller argument",
    );
    // The connection options are checked before the entity types' names.
    only(
        "--describe --entity-type topic --entity-name t",
        "Either --bootstrap-server or --bootstrap-controller must be specified.",
    );
    only("--bootstrap-server b:1 --describe", "At least one entity type must be specified");
    only(
        "--describe --entity-type topics --entity-name t",
        "Either --bootstrap-server or --bootstrap-controller must be specified.",
    );
    only(
        "--bootstrap-server b:1 --bootstrap-controller c:1 --describe --entity-type topics",
        "Only one of --bootstrap-server or --bootstrap-controller can be specified",
    );
    only(
        "--bootstrap-server b:1 --describe --entity-name t --topic t",
        "--entity-{type,name,default} should not be used in conjunction with specific entity flags",
    );
    only(
        "--bootstrap-server b:1 --alter --entity-type topics --add-config a=b",
        "An entity name must be specified with --alter of topics",
    );
    only(
        "--bootstrap-server b:1 --alter --entity-type brokers --add-config a=b",
        "An entity-name or default entity must be specified with --alter of users, clients, brokers or ips",
    );
    only(
        "--bootstrap-server b:1 --alter --entity-type topics --entity-name t",
        "At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter",
    );
    only(
        "--bootstrap-server b:1 --alter --topic t --add-config a=b --add-config-file f",
        "Only one of --add-config or --add-config-file must be specified",
    );
    only(
        "--bootstrap-server b:1 --describe --entity-type brokers --entity-name one",
        "The entity name for brokers must be a valid integer broker id, but it is: one",
    );
    only(
        "--bootstrap-server b:1 --describe --entity-type topics --entity-default",
        "--entity-default must not be specified with --describe of topics",
    );
    only(
        "--bootstrap-server b:1 --describe --entity-type topics --entity-type users",
        "Only 'users' and 'clients' entity types may be specified together",
    );
    only(
        "--bootstrap-server b:1 --describe --entity-type topics --entity-type topics",
        "Duplicate entity type(s) specified: topics",
    );
    only(
        "--bootstrap-server b:1 --describe --entity-type topics --zookeeper z:1",
        "zookeeper is not a recognized option",
    );
    assert!(run(
        c,
        "--bootstrap-server b:1 --alter --entity-type topics --entity-name orders --add-config retention.ms=1"
    )
    .is_ok());
    assert!(run(c, "--bootstrap-server b:1 --alter --broker-defaults --add-config log.cleaner.threads=2").is_ok());
    assert!(run(c, "--bootstrap-server b:1 --describe --entity-type users --entity-type clients").is_ok());
}

// ---------------------------------------------------------------------------
// kafka-get-offsets (`GetOffsetShell`)
// ---------------------------------------------------------------------------

// `GetOffsetShell`
#[test]
fn get_offsets_checks() {
    let g = Tool::GetOffsets;
    let occurred = |line: &str, msg: &str| {
        let o = rejected(g, line);
        assert_eq!(o.stderr(), format!("Error occurred: {msg}\n"), "{line}");
        assert_eq!(o.exit_code, 1);
    };
    occurred(
        "--bootstrap-server b:1 --topic t --topic-partitions x:1",
        "--topic-partitions cannot be used with --topic or --partitions",
    );
    occurred(
        "--bootstrap-server b:1 --time yesterday",
        "Malformed time argument yesterday. Please use -1 or latest / -2 or earliest / -3 or max-timestamp / -4 or earliest-local / -5 or latest-tiered / -6 or earliest-pending-upload, or a specified long format timestamp",
    );
    occurred(
        "--bootstrap-server b:1 --partitions 0,x",
        "--partitions expects a comma separated list of numeric partition ids, but received: 0,x",
    );
    occurred("--bootstrap-server b:1 --broker-list b:1", "broker-list is not a recognized option");
    occurred("--bootstrap-server b:1 --topic-partitions t:a", "Invalid rule specification: t:a");
    assert_usage(&rejected(g, "--topic t"), "Missing required argument \"[bootstrap-server]\"");
    assert!(run(g, "--bootstrap-server b:1 --topic orders --time -2").is_ok());
    assert!(run(g, "--bootstrap-server b:1 --topic-partitions topic1:0,topic2:1,topic(3|4):2,__.*:3").is_ok());
}

// ---------------------------------------------------------------------------
// kafka-leader-election (`LeaderElectionCommand`)
// ---------------------------------------------------------------------------

// `LeaderElectionCommand`: stderr message + stack trace, exit 1
#[test]
fn leader_election_checks() {
    let l = Tool::LeaderElection;
    let failed = |line: &str, msg: &str| {
        let o = rejected(l, line);
        assert_eq!(
            o.stderr(),
            format!("{msg}\norg.apache.kafka.tools.AdminCommandFailedException: {msg}\n\tat ...\n\n"),
            "{line}"
        );
        assert_eq!(o.exit_code, 1);
    };
    failed("--all-topic-partitions", "Missing required option(s): bootstrap-server, election-type");
    failed("--bootstrap-server b:1 --all-topic-partitions", "Missing required option(s): election-type");
    failed(
        "--bootstrap-server b:1 --election-type preferred",
        "One and only one of the following options is required: topic, all-topic-partitions, path-to-json-file",
    );
    failed(
        "--bootstrap-server b:1 --election-type preferred --topic t --all-topic-partitions",
        "One and only one of the following options is required: topic, all-topic-partitions, path-to-json-file",
    );
    failed("--bootstrap-server b:1 --election-type preferred --topic t", "Missing required option(s): partition");
    failed(
        "--bootstrap-server b:1 --election-type preferred --all-topic-partitions --partition 0",
        "Option partition is only allowed if topic is used",
    );
    let o = rejected(l, "--bootstrap-server b:1 --election-type best --all-topic-partitions");
    assert_eq!(first_stderr_line(&o), "Cannot parse argument 'best' of option election-type");
    assert!(run(l, "--bootstrap-server b:1 --election-type PREFERRED --all-topic-partitions").is_ok());
    assert!(run(l, "--bootstrap-server b:1 --election-type unclean --topic t --partition 0").is_ok());
}

// ---------------------------------------------------------------------------
// kafka-reassign-partitions (`ReassignPartitionsCommand`)
// ---------------------------------------------------------------------------

// `ReassignPartitionsCommand`
#[test]
fn reassign_checks() {
    let r = Tool::ReassignPartitions;
    assert_usage(
        &rejected(r, "--bootstrap-server b:1"),
        "Command must include exactly one action: --generate, --execute, --verify, --cancel, --list",
    );
    assert_usage(&rejected(r, "--list"), "Please specify either --bootstrap-server or --bootstrap-controller");
    assert_usage(
        &rejected(r, "--list --bootstrap-server b:1 --bootstrap-controller c:1"),
        "Please don't specify both --bootstrap-server and --bootstrap-controller",
    );
    assert_usage(
        &rejected(r, "--execute --bootstrap-server b:1"),
        "Missing required argument \"[reassignment-json-file]\"",
    );
    assert_usage(
        &rejected(r, "--generate --bootstrap-server b:1 --topics-to-move-json-file f"),
        "Missing required argument \"[broker-list]\"",
    );
    assert_usage(
        &rejected(r, "--verify --bootstrap-server b:1 --reassignment-json-file f --throttle 5"),
        "Option \"[throttle]\" can't be used with action \"[verify]\"",
    );
    assert!(run(r, "--execute --bootstrap-server b:1 --reassignment-json-file f --throttle 50000 --additional").is_ok());
    assert!(run(r, "--list --bootstrap-controller c:1").is_ok());
    let o = rejected(r, "--list --bootstrap-server b:1 --zookeeper z");
    assert!(o.stderr().starts_with(
        "Exception in thread \"main\" joptsimple.UnrecognizedOptionException: zookeeper is not a recognized option"
    ));
}

// ---------------------------------------------------------------------------
// perf tests, broker-api-versions
// ---------------------------------------------------------------------------

// jopt-simple's `OptionParser` and `CommandLineUtils`
#[test]
fn consumer_perf_checks() {
    let c = Tool::ConsumerPerfTest;
    assert_usage(
        &rejected(c, "--topic t --bootstrap-server b:1"),
        "Exactly one of the following arguments is required: [messages], [num-records]",
    );
    assert_usage(
        &rejected(c, "--num-records 5 --bootstrap-server b:1"),
        "Exactly one of the following arguments is required: [topic], [include]",
    );
    assert_usage(
        &rejected(c, "--num-records 5 --topic t --bootstrap-server b:1 --reporting-interval x"),
        "Cannot parse argument 'x' of option reporting-interval",
    );
    let o = rejected(c, "--num-records 5 --topic t --bootstrap-server b:1 --reporting-interval 0");
    assert_eq!(first_stderr_line(&o), "Reporting interval must be greater than 0.");
    assert!(run(c, "--num-records 5 --topic t --bootstrap-server b:1 --show-detailed-stats").is_ok());
    // `ofType(Long.class)` replaces the `^\d+$` converter: a negative interval parses as a Long
    let o = rejected(c, "--num-records 5 --topic t --bootstrap-server b:1 --reporting-interval -5");
    assert_eq!(first_stderr_line(&o), "Reporting interval must be greater than 0.");
    let t = usage_table(&tables::CONSUMER_PERF_TEST);
    assert!(t.contains("--reporting-interval <Long:"), "{t}");
}

// jopt-simple's `OptionParser` and `CommandLineUtils`
#[test]
fn broker_api_versions_checks() {
    let b = Tool::BrokerApiVersions;
    assert_usage(&rejected(b, "--command-config f"), "Missing required argument \"[bootstrap-server]\"");
    assert!(run(b, "--bootstrap-server localhost:9092").is_ok());
}

// ---------------------------------------------------------------------------
// argparse4j tools (`MetadataQuorumCommand`)
// ---------------------------------------------------------------------------

// abbreviations accepted (MetadataQuorumCommandTest runs describe --re --hu)
#[test]
fn quorum_abbreviations() {
    let p = run(Tool::MetadataQuorum, "--bootstrap-server b:1 describe --re --hu").unwrap();
    assert_eq!(p.opts.subcommand.as_deref(), Some("describe"));
    assert!(p.opts.has("replication"));
    assert!(p.opts.has("human-readable"));
    let p = run(Tool::MetadataQuorum, "--bootstrap-c c:1 describe --status").unwrap();
    assert_eq!(p.opts.value("bootstrap-controller"), Some("c:1"));
}

// `MetadataQuorumCommand`: TerseException messages on stderr, exit 1
#[test]
fn quorum_describe_errors() {
    let q = Tool::MetadataQuorum;
    for (line, msg) in [
        (
            "--bootstrap-server b:1 describe",
            "One of --status or --replication must be specified with describe sub-command",
        ),
        (
            "--bootstrap-server b:1 describe --status --replication",
            "Only one of --status or --replication should be specified with describe sub-command",
        ),
        (
            "--bootstrap-server b:1 describe --status --human-readable",
            "The option --human-readable is only supported along with --replication",
        ),
        (
            "--bootstrap-server b:1 add-controller",
            "You must supply the configuration file of the controller you are adding when using add-controller.",
        ),
    ] {
        let o = rejected(q, line);
        assert_eq!(o.stderr(), format!("{msg}\n"), "{line}");
        assert_eq!(o.exit_code, 1);
    }
    assert_eq!(
        argparse::quorum_properties_missing("admin.properties"),
        "Properties file admin.properties does not exist."
    );
}

/// An argparse4j error text with its wrapping and justification undone (blank runs and line
/// breaks become one space), to look for a message in it.
fn unwrapped(text: &str) -> String {
    let mut joined = String::new();
    for line in text.lines() {
        if !joined.is_empty() && !joined.ends_with('-') {
            joined.push(' ');
        }
        joined.push_str(line.trim());
    }
    joined.split_whitespace().collect::<Vec<_>>().join(" ")
}

// argparse4j 0.7.0 `printUsage` and `handleError` at the default width of 75 (`MetadataQuorumCommand`;
// exact text as Kafka 4.4 prints it)
#[test]
fn quorum_parse_errors() {
    let q = Tool::MetadataQuorum;
    let o = rejected(q, "describe --status");
    assert_eq!(
        o.stderr(),
        "usage: kafka-metadata-quorum [-h] [--command-config COMMAND_CONFIG]
                             (--bootstrap-server BOOTSTRAP_SERVER |
                             --bootstrap-controller BOOTSTRAP_CONTROLLER)
                             {describe,add-controller,remove-controller}
                             ...
kafka-metadata-quorum: error: one  of  the  arguments --bootstrap-server --
bootstrap-controller is required
"
    );
    assert_eq!(o.exit_code, 1);
    let o = rejected(q, "--bootstrap-server b:1");
    assert!(o.stderr().ends_with("kafka-metadata-quorum: error: too few arguments\n"));
    let o = rejected(q, "--bootstrap-server b:1 explain");
    assert!(unwrapped(&o.stderr())
        .ends_with("error: invalid choice: 'explain' (choose from 'describe', 'add-controller', 'remove-controller')"));
    // argparse4j's ArgumentParserImpl.resolveNextFlag sorts the candidates.
    let o = rejected(q, "--bootstrap b:1 describe --status");
    assert!(
        unwrapped(&o.stderr())
            .ends_with("error: ambiguous option: --bootstrap could match --bootstrap-controller, --bootstrap-server"),
        "{}",
        o.stderr()
    );
    let o = rejected(q, "--bootstrap-server b:1 --bootstrap-controller c:1 describe --status");
    assert!(unwrapped(&o.stderr())
        .ends_with("error: argument --bootstrap-controller: not allowed with argument --bootstrap-server"));
    // a sub-command's usage starts with what the main parser requires, then the command
    // (`addUpperParserUsage`); its errors carry the main parser's prog
    let o = rejected(q, "--bootstrap-server b:1 describe --status --foo");
    assert!(
        unwrapped(&o.stderr())
            .contains("--bootstrap-controller BOOTSTRAP_CONTROLLER) describe [-h] [--status] [--replication]"),
        "{}",
        o.stderr()
    );
    assert!(o.stderr().ends_with("kafka-metadata-quorum: error: unrecognized arguments: '--foo'\n"));
    let o = rejected(q, "--bootstrap-server");
    assert!(unwrapped(&o.stderr()).ends_with("error: argument --bootstrap-server: expected one argument"));
    let o = rejected(q, "--bootstrap-server b:1 remove-controller --controller-id x --controller-directory-id d");
    assert!(unwrapped(&o.stderr())
        .ends_with("error: argument --controller-id: could not convert 'x' to Integer (For input string: \"x\")"));
    let o = rejected(q, "-h");
    assert_eq!(o.exit_code, 0);
    assert!(o.stdout().starts_with("usage: kafka-metadata-quorum"));
    assert!(o.stdout().contains("This tool describes kraft metadata quorum status."));
}

// jopt-simple's `OptionParser` and `CommandLineUtils`
#[test]
fn producer_perf_parse() {
    // Kafka 4.4 ProducerPerformance.argParser and ConfigPostProcessor (the texts are also in the
    // recorded scenarios producer_perf and producer_perf_options).
    let t = Tool::ProducerPerfTest;
    let p = run(
        t,
        "--topic t --num-records 10 --record-size 100 --throughput -1 --producer-props bootstrap.servers=b:1 acks=all",
    )
    .unwrap();
    assert_eq!(p.opts.values("producer-props"), vec!["bootstrap.servers=b:1", "acks=all"]);
    assert_eq!(p.opts.value("throughput"), Some("-1"));
    // nargs("+") with store(): a second --command-property replaces the first list.
    let p = run(
        t,
        "--topic t --num-records 1 --record-size 1 --throughput -1 --command-property a=1 --command-property b=2",
    )
    .unwrap();
    assert_eq!(p.opts.values("command-property"), vec!["b=2"]);
    let o = rejected(t, "");
    assert_eq!(o.exit_code, 0);
    assert!(o
        .stdout()
        .starts_with("usage: kafka-producer-perf-test\n       [-h] [--bootstrap-server BOOTSTRAP-SERVER]"));
    assert!(o.stdout().contains("\n  --random-seed RANDOM-SEED\n"));
    let o = rejected(t, "--topic t --num-records 10 --throughput 5 --bootstrap-server a:1");
    assert!(unwrapped(&o.stderr()).ends_with("kafka-producer-perf-test: error: one of the arguments --record-size --payload-file --payload-monotonic is required"));
    let o = rejected(t, "--topic t --num-records 0 --record-size 1 --throughput 5 --bootstrap-server a:1");
    assert!(
        unwrapped(&o.stderr()).ends_with("kafka-producer-perf-test: error: --num-records should be greater than zero.")
    );
    let o = rejected(t, "--topic t --num-records 5 --record-size 1 --throughput 5");
    assert!(unwrapped(&o.stderr()).ends_with("error: At least one of --bootstrap-server, --command-property, --producer-props, --producer.config or --command-config must be specified."));
    let o = rejected(t, "--num-records 5 --record-size 1 --throughput 5 --bootstrap-server a:1");
    assert!(unwrapped(&o.stderr()).ends_with("kafka-producer-perf-test: error: argument --topic is required"));
    let o = rejected(
        t,
        "--topic t --num-records 5 --record-size 1 --payload-monotonic --throughput 5 --bootstrap-server a:1",
    );
    assert!(unwrapped(&o.stderr())
        .ends_with("error: argument --payload-monotonic: not allowed with argument --record-size"));
    let o = rejected(
        t,
        "--topic t --num-records 5 --record-size 1 --throughput 5 --bootstrap-server a:1 --key-distribution x",
    );
    assert!(unwrapped(&o.stderr())
        .ends_with("error: argument --key-distribution: invalid choice: 'x' (choose from {none,range,random})"));
    let o = rejected(
        t,
        "--topic t --num-records 5 --record-size 1 --throughput 5 --bootstrap-server a:1 --warmup-records 5",
    );
    assert!(unwrapped(&o.stderr()).contains("--warmup-records must be strictly fewer"));
    // A negative --warmup-records is taken as 0 (Math.max).
    assert!(run(
        t,
        "--topic t --num-records 5 --record-size 1 --throughput 5 --bootstrap-server a:1 --warmup-records -9"
    )
    .is_ok());
    // prefixes work in argparse4j
    assert!(run(t, "--top t --num 5 --record-s 1 --through 5 --producer-p a=b").is_ok());
}

// jopt-simple's `OptionParser` and `CommandLineUtils`
#[test]
fn tool_names() {
    for t in Tool::ALL {
        assert_eq!(Tool::from_program(t.program()), Some(t));
        if let Some(s) = t.spec() {
            assert_eq!(s.tool, t);
            assert_eq!(s.name, t.program());
        }
    }
    assert_eq!(Tool::from_program("kafka-streams"), None);
}

// jopt-simple's `OptionParser` and `CommandLineUtils`
#[test]
fn output_streams_are_tagged() {
    let o = rejected(Tool::Topics, "--zookeeper z:1");
    assert!(o.lines().iter().all(|(s, _)| *s == Stream::Stderr));
}

// jopt-simple's `OptionParser` and `CommandLineUtils`
#[test]
fn java_helpers() {
    assert_eq!(java_string_hash("group"), 98629247);
    assert_eq!(java_hash_set_order(&["group".into(), "all-groups".into()]), vec!["all-groups", "group"]);
    assert_eq!(
        check::java_option_set_order(&[
            "under-replicated-partitions".into(),
            "under-min-isr-partitions".into(),
            "at-min-isr-partitions".into(),
            "unavailable-partitions".into()
        ]),
        vec![
            "at-min-isr-partitions",
            "unavailable-partitions",
            "under-min-isr-partitions",
            "under-replicated-partitions"
        ]
    );
    // `ConsumerGroupCommand` computed orders
    assert_eq!(check::java_option_set_order(&["group".into(), "all-groups".into()]), vec!["all-groups", "group"]);
    assert_eq!(check::java_option_set_order(&["group".into(), "topic".into()]), vec!["topic", "group"]);
    assert_eq!(java_parse_long("+5"), Some(5));
    assert_eq!(java_parse_long("5 "), None);
    assert_eq!(java_parse_double("1e3"), Some(1000.0));
    assert_eq!(java_parse_double("-1"), Some(-1.0));
    assert_eq!(java_parse_double("abc"), None);
    assert_eq!(java_string_cmp("__consumer_offsets", "orders"), std::cmp::Ordering::Less);
    assert_eq!(java_string_cmp("Zeta", "alpha"), std::cmp::Ordering::Less);
}

// jopt-simple's `OptionParser` and `CommandLineUtils`
#[test]
#[ignore]
fn show_tables() {
    for t in Tool::ALL {
        if let Some(s) = t.spec() {
            println!("==== {}\n{}", s.name, usage_table(s).replace(' ', "·"));
        }
    }
}

#[test]
#[ignore]
fn show_argparse_help() {
    for t in [Tool::MetadataQuorum, Tool::ProducerPerfTest] {
        let o = parse_command(t, &["--help".to_string()]).unwrap_err();
        println!("{}", o.stdout());
        let o = parse_command(
            t,
            &["--bootstrap-server".to_string(), "b:1".to_string(), "describe".to_string(), "--x".to_string()],
        )
        .unwrap_err();
        println!("{}", o.stderr());
    }
}

// jopt-simple converts a value when the tool reads it: the first option read that fails is the
// error, whatever the command-line order.
#[test]
fn options_fail_in_the_order_the_tool_reads_them() {
    let p = parse(&tables::TOPICS, &args("--replication-factor y --partitions x --topic a --topic b")).unwrap();
    let e = p.check_types_of(&tables::TOPICS, &["partitions", "replication-factor"]).unwrap_err();
    assert_eq!(e.message(), "Cannot parse argument 'x' of option partitions");
    let e = p.check_types_of(&tables::TOPICS, &["replication-factor", "partitions"]).unwrap_err();
    assert_eq!(e.message(), "Cannot parse argument 'y' of option replication-factor");
    let e = p.check_types_of(&tables::TOPICS, &["topic", "partitions"]).unwrap_err();
    assert_eq!(e, OptError::MultipleArguments("topic".into()));
    assert!(p.check_types_of(&tables::TOPICS, &["bootstrap-server"]).is_ok());
}

// The causes of `OptionArgumentConversionException` (the traces recorded from Kafka 4.4 in
// tests/conformance/scenarios/topics_options.txt and leader_election_errors.txt).
#[test]
fn conversion_errors_carry_the_converters_exception() {
    assert_eq!(
        conversion_causes(ValueType::Integer, "many"),
        "Caused by: joptsimple.internal.ReflectionException: java.lang.NumberFormatException: For input string: \"many\"\n\tat ...\nCaused by: java.lang.NumberFormatException: For input string: \"many\"\n\tat ...\n"
    );
    let e = OptError::CannotParse { value: "sideways".into(), option: "election-type".into() };
    assert_eq!(
        e.stack_trace(&tables::LEADER_ELECTION),
        "joptsimple.OptionArgumentConversionException: Cannot parse argument 'sideways' of option election-type\n\tat ...\nCaused by: joptsimple.ValueConversionException: Value [sideways] is not one of [[PREFERRED,UNCLEAN]]\n\tat ...\n"
    );
    assert_eq!(conversion_causes(ValueType::String, "x"), "");
    let o = rejected(Tool::LeaderElection, "--bootstrap-server b:1 --election-type sideways --all-topic-partitions");
    assert!(o.stderr().ends_with("[[PREFERRED,UNCLEAN]]\n\tat ...\n\n"), "{}", o.stderr());
}
