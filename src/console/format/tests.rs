//! Golden tests of every layout, with the exact strings of the Kafka tools
//! (tabs written `\t`, trailing spaces kept).

use super::*;

mod groups_tests;
mod tools_tests;

// ---------------------------------------------------------------------------
// Output model
// ---------------------------------------------------------------------------

// (output model and Java formatting helpers)
#[test]
fn output_lines_keep_interleaving() {
    let mut o = Output::new();
    o.out("\n");
    o.err("\nConsumer group 'g' has no active members.\n");
    o.out("A\nB");
    o.out("C\n");
    o.err(">");
    assert_eq!(
        o.lines(),
        vec![
            (Stream::Stdout, String::new()),
            (Stream::Stderr, String::new()),
            (Stream::Stderr, "Consumer group 'g' has no active members.".to_string()),
            (Stream::Stdout, "A".to_string()),
            (Stream::Stdout, "BC".to_string()),
            (Stream::Stderr, ">".to_string()),
        ]
    );
    assert_eq!(o.stdout(), "\nA\nBC\n");
    assert_eq!(o.stderr(), "\nConsumer group 'g' has no active members.\n>");
    let json = serde_json::to_string(&o).unwrap();
    let back: Output = serde_json::from_str(&json).unwrap();
    assert_eq!(back, o);
}

// (output model and Java formatting helpers)
#[test]
fn java_fixed_matches_java_formatter() {
    assert_eq!(java_fixed(2.675, 2), "2.68"); // HALF_UP on the decimal repr
    assert_eq!(java_fixed(0.125, 2), "0.13");
    assert_eq!(java_fixed(1.0, 6), "1.000000");
    assert_eq!(java_fixed(1234.5, 1), "1234.5");
    assert_eq!(java_fixed(9.995, 2), "10.00");
    assert_eq!(java_fixed(0.0001, 4), "0.0001");
    assert_eq!(java_fixed(0.00004, 4), "0.0000");
    assert_eq!(java_fixed(0.00005, 4), "0.0001");
    assert_eq!(java_fixed(-1.25, 1), "-1.3");
    assert_eq!(java_fixed(0.0, 2), "0.00");
    assert_eq!(java_fixed(1e21, 1), "1000000000000000000000.0");
    assert_eq!(java_fixed(f64::NAN, 2), "NaN");
    assert_eq!(java_fixed(f64::INFINITY, 2), "Infinity");
    assert_eq!(java_fixed(199.99999, 1), "200.0");
}

// (output model and Java formatting helpers)
#[test]
fn helpers() {
    assert_eq!(pad_right("ab", 5), "ab   ");
    assert_eq!(pad_right("abcdef", 3), "abcdef");
    assert_eq!(width_of(15, ["a", "0123456789012345678"]), 19);
    // log pattern
    assert_eq!(
        log_line("2024-10-25 12:00:00,123", "ERROR", "boom", "x.Y"),
        "[2024-10-25 12:00:00,123] ERROR boom (x.Y)"
    );
    assert_eq!(stack_trace("a.B", "m"), "a.B: m\n\tat ...\n");
    assert_eq!(exception_string("a.B", ""), "a.B");
}

// ---------------------------------------------------------------------------
// kafka-topics (`TopicCommand`)
// ---------------------------------------------------------------------------

use topics::{DescribeFilter, PartitionInfo, TopicCommandError, TopicInfo};

fn part(p: i32, leader: Option<i32>, replicas: &[i32], isr: &[i32]) -> PartitionInfo {
    PartitionInfo {
        partition: p,
        leader,
        replicas: replicas.to_vec(),
        isr: isr.to_vec(),
        reassignment: None,
        elr: Some(vec![]),
        last_known_elr: Some(vec![]),
    }
}

fn orders(parts: Vec<PartitionInfo>) -> TopicInfo {
    TopicInfo {
        name: "orders".to_string(),
        topic_id: Some("2Q8vJ6yDQeGmXn1u0aBc3w".to_string()),
        configs: vec![("segment.bytes".to_string(), "1073741824".to_string())],
        partitions: parts,
        min_isr: Some(1),
    }
}

// `TopicCommand`
#[test]
fn topics_list() {
    let names: Vec<String> =
        ["payments", "orders", "__consumer_offsets", "Zeta"].iter().map(|s| s.to_string()).collect();
    assert_eq!(topics::list(&names).stdout(), "Zeta\n__consumer_offsets\norders\npayments\n");
    // no topics: a single empty line
    assert_eq!(topics::list(&[]).stdout(), "\n");
}

// `TopicCommand` (first example, exact)
#[test]
fn topics_describe_example() {
    let t = orders(vec![
        part(2, Some(3), &[3, 1], &[3, 1]),
        part(0, Some(1), &[1, 2], &[1, 2]),
        part(1, Some(2), &[2, 3], &[2, 3]),
    ]);
    let o = topics::describe(&[t], DescribeFilter::None, &[1, 2, 3]);
    assert_eq!(
        o.stdout(),
        "Topic: orders\tTopicId: 2Q8vJ6yDQeGmXn1u0aBc3w\tPartitionCount: 3\tReplicationFactor: 2\tConfigs: segment.bytes=1073741824\n\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1,2\tIsr: 1,2\tElr: \tLastKnownElr: \n\tTopic: orders\tPartition: 1\tLeader: 2\tReplicas: 2,3\tIsr: 2,3\tElr: \tLastKnownElr: \n\tTopic: orders\tPartition: 2\tLeader: 3\tReplicas: 3,1\tIsr: 3,1\tElr: \tLastKnownElr: \n"
    );
    assert_eq!(o.stderr(), "");
}

// `TopicCommand` (second example: broker 3 stopped)
#[test]
fn topics_describe_after_broker_loss() {
    let t = orders(vec![
        part(0, Some(1), &[1, 2], &[1, 2]),
        part(1, Some(2), &[2, 3], &[2]),
        part(2, Some(1), &[3, 1], &[1]),
    ]);
    assert_eq!(
        topics::describe(std::slice::from_ref(&t), DescribeFilter::None, &[1, 2]).stdout(),
        "Topic: orders\tTopicId: 2Q8vJ6yDQeGmXn1u0aBc3w\tPartitionCount: 3\tReplicationFactor: 2\tConfigs: segment.bytes=1073741824\n\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1,2\tIsr: 1,2\tElr: \tLastKnownElr: \n\tTopic: orders\tPartition: 1\tLeader: 2\tReplicas: 2,3\tIsr: 2\tElr: \tLastKnownElr: \n\tTopic: orders\tPartition: 2\tLeader: 1\tReplicas: 3,1\tIsr: 1\tElr: \tLastKnownElr: \n"
    );
    // --under-replicated-partitions prints partition lines only
    assert_eq!(
        topics::describe(&[t], DescribeFilter::UnderReplicated, &[1, 2]).stdout(),
        "\tTopic: orders\tPartition: 1\tLeader: 2\tReplicas: 2,3\tIsr: 2\tElr: \tLastKnownElr: \n\tTopic: orders\tPartition: 2\tLeader: 1\tReplicas: 3,1\tIsr: 1\tElr: \tLastKnownElr: \n"
    );
}

// TopicCommandTest assertions
#[test]
fn topics_describe_test_assertions() {
    let single = TopicInfo {
        name: "t".to_string(),
        topic_id: None,
        configs: vec![],
        partitions: vec![part(0, None, &[0], &[0])],
        min_isr: Some(1),
    };
    let out = topics::describe(std::slice::from_ref(&single), DescribeFilter::None, &[]).stdout();
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0], "Topic: t\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: ");
    assert!(rows[1].starts_with("\tTopic: t"));
    assert!(rows[1].contains("\tElr") && rows[1].contains("LastKnownElr"));
    let unavailable = topics::describe(std::slice::from_ref(&single), DescribeFilter::Unavailable, &[]).stdout();
    assert!(unavailable.contains("Leader: none\tReplicas: 0\tIsr:"));
    assert_eq!(unavailable, "\tTopic: t\tPartition: 0\tLeader: none\tReplicas: 0\tIsr: 0\tElr: \tLastKnownElr: \n");
    let healthy = orders(vec![part(0, Some(1), &[1, 2], &[1, 2])]);
    assert_eq!(topics::describe(std::slice::from_ref(&healthy), DescribeFilter::UnderReplicated, &[1, 2]).stdout(), "");
    // --topics-with-overrides: topic lines only, only topics with configs
    let out = topics::describe(&[healthy, single], DescribeFilter::TopicsWithOverrides, &[1, 2]).stdout();
    assert_eq!(
        out,
        "Topic: orders\tTopicId: 2Q8vJ6yDQeGmXn1u0aBc3w\tPartitionCount: 1\tReplicationFactor: 2\tConfigs: segment.bytes=1073741824\n"
    );
}

// `TopicCommand`: min ISR filters, N/A, reassignment fields, zero id, sorting
#[test]
fn topics_describe_details() {
    let mut p = part(0, Some(1), &[1, 2, 3, 4], &[1, 2]);
    p.reassignment = Some((vec![4], vec![3]));
    p.elr = None;
    p.last_known_elr = Some(vec![3]);
    assert_eq!(
        topics::partition_line("x", &p),
        "\tTopic: x\tPartition: 0\tLeader: 1\tReplicas: 1,2,3,4\tIsr: 1,2\tAdding Replicas: 4\tRemoving Replicas: 3\tElr: N/A\tLastKnownElr: 3"
    );
    assert_eq!(p.replication_factor(), 3);
    let t = TopicInfo {
        name: "x".to_string(),
        topic_id: Some("AAAAAAAAAAAAAAAAAAAAAA".to_string()),
        configs: vec![("a".into(), "1".into()), ("b".into(), "2".into())],
        partitions: vec![p.clone()],
        min_isr: Some(2),
    };
    assert_eq!(topics::topic_line(&t), "Topic: x\tPartitionCount: 1\tReplicationFactor: 3\tConfigs: a=1,b=2");
    assert_eq!(topics::describe(std::slice::from_ref(&t), DescribeFilter::AtMinIsr, &[1]).stdout().lines().count(), 1);
    assert_eq!(topics::describe(std::slice::from_ref(&t), DescribeFilter::UnderMinIsr, &[1]).stdout(), "");
    let mut b = t.clone();
    b.name = "a".into();
    let both = topics::describe(&[t, b], DescribeFilter::None, &[1]).stdout();
    assert!(both.starts_with("Topic: a\t"));
}

// `TopicCommand`
#[test]
fn topics_collision_chars() {
    assert!(topics::has_collision_chars("a_b"));
}

// `TopicCommand`
#[test]
fn topics_error_messages() {
    use TopicCommandError as E;
    let cases: Vec<(E, &str)> = vec![
        (E::ReplicationFactorRange, "The replication factor must be between 1 and 32767 inclusive"),
        (E::PartitionsNotPositive, "The partitions must be greater than 0"),
        (E::ConfigFormat, "requirement failed: Invalid topic config: all configs to be added must be in the format \"key=val\"."),
        (E::UnknownConfig("foo".into()), "Unknown topic config name: foo"),
        (
            E::InvalidConfigValue { value: "x".into(), name: "retention.ms".into(), reason: "Not a number of type LONG".into() },
            "Invalid value x for configuration retention.ms: Not a number of type LONG",
        ),
        (E::DuplicateReplicas(vec![1, 1]), "Partition replica lists may not contain duplicate entries: 1,1"),
        (E::DifferentReplicationFactor { partition: 1, replicas: vec![1, 2, 3] }, "Partition 1 has different replication factor: [1, 2, 3]"),
        (
            E::NotEnoughBrokers { rf: 3, registered: 1 },
            "Unable to replicate the partition 3 time(s): The target replication factor of 3 cannot be reached because only 1 broker(s) are registered or some brokers have all their log directories cordoned.",
        ),
        (
            E::AllBrokersFenced { rf: 2 },
            "Unable to replicate the partition 2 time(s): All brokers are currently fenced, or have all their log directories cordoned.",
        ),
        (
            E::AllBrokersFencedOrShuttingDown { rf: 2 },
            "Unable to replicate the partition 2 time(s): All brokers are currently fenced or in controlled shutdown.",
        ),
        (E::ReplicationFactorInvalid, "Replication factor must be larger than 0, or -1 to use the default value."),
        (E::PartitionsInvalid, "Number of partitions was set to an invalid non-positive value."),
        (
            E::InvalidName("'a b' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'".into()),
            "Topic name is invalid: 'a b' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'",
        ),
        (E::Collision { name: "foo.bar".into(), existing: "foo_bar".into() }, "Topic 'foo.bar' collides with existing topic: foo_bar"),
        (E::TopicIdDoesNotExist("abc".into()), "TopicId 'abc' does not exist as expected"),
        (E::AlreadyHasPartitions(2), "Topic already has 2 partition(s)."),
        (
            E::NotAnIncrease { name: "bar".into(), current: 4, requested: 3 },
            "The topic bar currently has 4 partition(s); 3 would not be an increase.",
        ),
    ];
    for (e, msg) in cases {
        assert_eq!(e.message(), msg);
    }
}

// `TopicCommand` Topic.validate
#[test]
fn topic_name_validation() {
    assert_eq!(topics::validate_topic_name(""), Err("the empty string is not allowed".into()));
    assert_eq!(topics::validate_topic_name("."), Err("'.' is not allowed".into()));
    assert_eq!(topics::validate_topic_name(".."), Err("'..' is not allowed".into()));
    let long = "a".repeat(250);
    assert_eq!(
        topics::validate_topic_name(&long),
        Err(format!("the length of '{long}' is longer than the max allowed length 249"))
    );
    assert_eq!(
        topics::validate_topic_name("a b"),
        Err("'a b' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'".into())
    );
    assert!(topics::validate_topic_name("orders-v1.x_y").is_ok());
    assert!(topics::validate_topic_name(&"a".repeat(249)).is_ok());
}

// ---------------------------------------------------------------------------
// kafka-console-producer (`ConsoleProducer`)
// ---------------------------------------------------------------------------

use producer::{read_record, ParsedRecord, ReaderConfig};

fn cfg(props: &[(&str, &str)]) -> ReaderConfig {
    let v: Vec<(String, String)> = props.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    ReaderConfig::from_properties(&v).unwrap()
}

fn rec(key: Option<&str>, value: Option<&str>, headers: &[(&str, Option<&str>)]) -> ParsedRecord {
    ParsedRecord {
        key: key.map(|k| k.as_bytes().to_vec()),
        value: value.map(|v| v.as_bytes().to_vec()),
        headers: headers.iter().map(|(k, v)| (k.to_string(), v.map(|x| x.as_bytes().to_vec()))).collect(),
    }
}

// `ConsoleProducer`
#[test]
fn reader_defaults_and_keys() {
    let c = ReaderConfig::default();
    assert_eq!(read_record("hello\tworld", 1, &c).unwrap(), rec(None, Some("hello\tworld"), &[]));
    let c = cfg(&[("parse.key", "true"), ("key.separator", ":")]);
    assert_eq!(read_record("user1:hello", 1, &c).unwrap(), rec(Some("user1"), Some("hello"), &[]));
    // splits at the first separator; the value may contain it
    assert_eq!(read_record("k:a:b", 1, &c).unwrap(), rec(Some("k"), Some("a:b"), &[]));
    assert_eq!(read_record(":v", 1, &c).unwrap(), rec(Some(""), Some("v"), &[]));
    let c = cfg(&[("parse.key", " TRUE ")]);
    assert_eq!(read_record("k\tv", 1, &c).unwrap(), rec(Some("k"), Some("v"), &[]));
    let c = cfg(&[("parse.key", "yes")]);
    assert!(!c.parse_key);
}

// (LineMessageReaderTest.testMissingKeySeparator)
#[test]
fn reader_missing_key_separator() {
    let c = cfg(&[("parse.key", "true")]);
    assert_eq!(
        read_record("no separator here", 2, &c).unwrap_err(),
        "No key separator found on line number 2: 'no separator here'"
    );
    let c = cfg(&[("parse.key", "true"), ("ignore.error", "true")]);
    assert_eq!(read_record("abc", 1, &c).unwrap(), rec(None, Some("abc"), &[]));
    let o = producer::kafka_exception_output("No key separator found on line number 2: 'x'");
    assert_eq!(
        o.stderr(),
        "org.apache.kafka.common.KafkaException: No key separator found on line number 2: 'x'\n\tat ...\n"
    );
    assert_eq!(o.exit_code, 1);
}

// `ConsoleProducer` full parse order [headers<delim>][key<sep>]value
#[test]
fn reader_headers() {
    let c = cfg(&[("parse.headers", "true"), ("parse.key", "true")]);
    assert_eq!(
        read_record("h1:v1,h2:v2\tkey\tvalue", 1, &c).unwrap(),
        rec(Some("key"), Some("value"), &[("h1", Some("v1")), ("h2", Some("v2"))])
    );
    let c = cfg(&[("parse.headers", "true")]);
    assert_eq!(read_record("h1:v1:x\tvalue", 1, &c).unwrap(), rec(None, Some("value"), &[("h1", Some("v1:x"))]));
    assert_eq!(
        read_record("noheaders", 3, &c).unwrap_err(),
        "No headers delimiter found on line number 3: 'noheaders'"
    );
    assert_eq!(
        read_record("h1:v1,h2\tvalue", 4, &c).unwrap_err(),
        "No header key separator found in pair 'h2' on line number 4"
    );
    let c = cfg(&[("parse.headers", "true"), ("ignore.error", "true")]);
    assert_eq!(
        read_record("h1:v1,h2\tvalue", 4, &c).unwrap(),
        rec(None, Some("value"), &[("h1", Some("v1")), ("h2", None)])
    );
    let c = cfg(&[
        ("parse.headers", "true"),
        ("headers.delimiter", "|"),
        ("headers.separator", ";"),
        ("headers.key.separator", "="),
    ]);
    assert_eq!(read_record("a=1;b=2|v", 1, &c).unwrap(), rec(None, Some("v"), &[("a", Some("1")), ("b", Some("2"))]));
}

// `ConsoleProducer` null.marker, `LineMessageReader`
#[test]
fn reader_null_marker() {
    let c = cfg(&[("parse.key", "true"), ("parse.headers", "true"), ("null.marker", "<NULL>")]);
    assert_eq!(read_record("h1:<NULL>\t<NULL>\t<NULL>", 1, &c).unwrap(), rec(None, None, &[("h1", None)]));
    assert_eq!(read_record("<NULL>\tk\tv", 1, &c).unwrap(), rec(Some("k"), Some("v"), &[]));
    assert_eq!(
        read_record("<NULL>:x\tk\tv", 7, &c).unwrap_err(),
        "Header keys should not be equal to the null marker '<NULL>' as they can't be null"
    );
}

// configuration conflicts (LineMessageReaderTest)
#[test]
fn reader_config_conflicts() {
    let conflict = |props: &[(&str, &str)]| {
        let v: Vec<(String, String)> = props.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        ReaderConfig::from_properties(&v).unwrap_err()
    };
    assert_eq!(conflict(&[("headers.delimiter", ",")]), "headers.delimiter and headers.separator may not be equal");
    assert_eq!(conflict(&[("headers.delimiter", ":")]), "headers.delimiter and headers.key.separator may not be equal");
    assert_eq!(conflict(&[("headers.separator", ":")]), "headers.separator and headers.key.separator may not be equal");
    assert_eq!(
        conflict(&[("null.marker", "\t"), ("headers.delimiter", "|")]),
        "null.marker and key.separator may not be equal"
    );
    assert_eq!(conflict(&[("null.marker", ",")]), "null.marker and headers.separator may not be equal");
    assert_eq!(
        conflict(&[("null.marker", "|"), ("headers.delimiter", "|")]),
        "null.marker and headers.delimiter may not be equal"
    );
    assert_eq!(conflict(&[("null.marker", ":")]), "null.marker and headers.key.separator may not be equal");
}

// `ConsoleProducer` prompt rules
#[test]
fn producer_prompt() {
    assert_eq!(producer::prompt(true), ">");
    assert_eq!(producer::prompt(false), "");
    assert_eq!(producer::stdin_lines("a\nb\r\nc\rd"), vec!["a", "b", "c", "d"]);
    assert_eq!(producer::stdin_lines("a\n"), vec!["a"]);
    assert_eq!(producer::stdin_lines("a\n\n"), vec!["a", ""]);
    assert!(producer::stdin_lines("").is_empty());
    assert_eq!(
        producer::parse_key_value_args(&["parse.key=true", "key.separator==", "x"]),
        vec![
            ("parse.key".to_string(), "true".to_string()),
            ("key.separator".to_string(), "=".to_string()),
            ("x".to_string(), String::new())
        ]
    );
}

// ---------------------------------------------------------------------------
// kafka-console-consumer (`ConsoleConsumer`)
// ---------------------------------------------------------------------------

use consumer::{format_record_text, ConsumedRecord, FormatterConfig, TimestampType};

fn consumed(ts_type: TimestampType, ts: i64, headers: &[(&str, &str)], value: Option<&str>) -> ConsumedRecord {
    ConsumedRecord {
        partition: 0,
        offset: 123,
        timestamp_type: ts_type,
        timestamp: ts,
        key: Some(b"key".to_vec()),
        value: value.map(|v| v.as_bytes().to_vec()),
        headers: headers.iter().map(|(k, v)| (k.to_string(), Some(v.as_bytes().to_vec()))).collect(),
        delivery_count: Some(1),
        leader_epoch: Some(58),
    }
}

// every row of the DefaultMessageFormatterTest table, in order
#[test]
fn default_message_formatter_table() {
    let mut props: Vec<(String, String)> = Vec::new();
    let add = |k: &str, v: &str, props: &mut Vec<(String, String)>| props.push((k.to_string(), v.to_string()));
    let plain = consumed(TimestampType::NoTimestamp, -1, &[], Some("value"));
    let fmt = |props: &Vec<(String, String)>, r: &ConsumedRecord| {
        format_record_text(r, &FormatterConfig::from_properties(props))
    };
    assert_eq!(fmt(&props, &plain), "value\n");
    add("print.key", "true", &mut props);
    assert_eq!(fmt(&props, &plain), "key\tvalue\n");
    add("print.partition", "true", &mut props);
    assert_eq!(fmt(&props, &plain), "Partition:0\tkey\tvalue\n");
    add("print.timestamp", "true", &mut props);
    assert_eq!(fmt(&props, &plain), "NO_TIMESTAMP\tPartition:0\tkey\tvalue\n");
    add("print.offset", "true", &mut props);
    assert_eq!(fmt(&props, &plain), "NO_TIMESTAMP\tPartition:0\tOffset:123\tkey\tvalue\n");
    add("print.headers", "true", &mut props);
    assert_eq!(fmt(&props, &plain), "NO_TIMESTAMP\tPartition:0\tOffset:123\tNO_HEADERS\tkey\tvalue\n");
    let full = consumed(TimestampType::CreateTime, 123, &[("h1", "v1"), ("h2", "v2")], Some("value"));
    add("print.delivery", "true", &mut props);
    add("print.epoch", "true", &mut props);
    assert_eq!(
        fmt(&props, &full),
        "CreateTime:123\tPartition:0\tOffset:123\tDelivery:1\tEpoch:58\th1:v1,h2:v2\tkey\tvalue\n"
    );
    add("print.value", "false", &mut props);
    assert_eq!(fmt(&props, &full), "CreateTime:123\tPartition:0\tOffset:123\tDelivery:1\tEpoch:58\th1:v1,h2:v2\tkey\n");
    add("key.separator", "<sep>", &mut props);
    assert_eq!(
        fmt(&props, &full),
        "CreateTime:123<sep>Partition:0<sep>Offset:123<sep>Delivery:1<sep>Epoch:58<sep>h1:v1,h2:v2<sep>key\n"
    );
    add("print.delivery", "false", &mut props);
    add("print.epoch", "false", &mut props);
    add("line.separator", "<end>", &mut props);
    assert_eq!(fmt(&props, &full), "CreateTime:123<sep>Partition:0<sep>Offset:123<sep>h1:v1,h2:v2<sep>key<end>");
    add("headers.separator", "|", &mut props);
    assert_eq!(fmt(&props, &full), "CreateTime:123<sep>Partition:0<sep>Offset:123<sep>h1:v1|h2:v2<sep>key<end>");
    // value null, print.value=true, null.literal=<null>, upper-case deserializers (applied by the caller)
    add("print.value", "true", &mut props);
    add("null.literal", "<null>", &mut props);
    let mut upper = consumed(TimestampType::CreateTime, 123, &[("h1", "V1"), ("h2", "V2")], None);
    upper.key = Some(b"KEY".to_vec());
    assert_eq!(
        fmt(&props, &upper),
        "CreateTime:123<sep>Partition:0<sep>Offset:123<sep>h1:V1|h2:V2<sep>KEY<sep><null><end>"
    );
}

// `DefaultMessageFormatter`: LogAppendTime, NOT_PRESENT, null key, nothing printed
#[test]
fn formatter_details() {
    let mut r = consumed(TimestampType::LogAppendTime, 99, &[], Some("v"));
    r.key = None;
    r.delivery_count = None;
    r.leader_epoch = None;
    let c = FormatterConfig::from_properties(&[
        ("print.timestamp".into(), "true".into()),
        ("print.key".into(), "true".into()),
        ("print.delivery".into(), "true".into()),
        ("print.epoch".into(), "true".into()),
    ]);
    assert_eq!(format_record_text(&r, &c), "LogAppendTime:99\tDelivery:NOT_PRESENT\tEpoch:NOT_PRESENT\tnull\tv\n");
    let none = FormatterConfig::from_properties(&[("print.value".into(), "false".into())]);
    assert_eq!(format_record_text(&r, &none), "");
}

// `DefaultMessageFormatter` typical learner command (exact)
#[test]
fn consumer_typical_session() {
    let c = FormatterConfig::from_properties(&[
        ("print.key".into(), "true".into()),
        ("print.partition".into(), "true".into()),
        ("print.offset".into(), "true".into()),
    ]);
    let mk = |p: i32, o: i64, k: &str, v: &str| ConsumedRecord {
        partition: p,
        offset: o,
        timestamp_type: TimestampType::CreateTime,
        timestamp: 0,
        key: Some(k.as_bytes().to_vec()),
        value: Some(v.as_bytes().to_vec()),
        headers: vec![],
        delivery_count: None,
        leader_epoch: None,
    };
    let out: String = [mk(0, 0, "user1", "hello"), mk(0, 1, "user1", "again"), mk(2, 0, "user2", "world")]
        .iter()
        .map(|r| format_record_text(r, &c))
        .collect();
    assert_eq!(out, "Partition:0\tOffset:0\tuser1\thello\nPartition:0\tOffset:1\tuser1\tagain\nPartition:2\tOffset:0\tuser2\tworld\n");
}

// `ConsoleConsumer`
#[test]
fn consumer_exit_lines() {
    assert_eq!(consumer::processed_total(3), "Processed a total of 3 messages\n");
    assert_eq!(consumer::processed_total(1), "Processed a total of 1 messages\n");
    assert_eq!(
        format!("{}{}", consumer::timeout_error("2024-10-25 12:00:00,123"), consumer::processed_total(0)),
        "[2024-10-25 12:00:00,123] ERROR Error processing message, terminating consumer process:  (org.apache.kafka.tools.consumer.ConsoleConsumer)\norg.apache.kafka.common.errors.TimeoutException\nProcessed a total of 0 messages\n"
    );
}

// `ConsoleConsumer`
#[test]
fn consumer_option_messages() {
    use consumer::StartOffset;
    assert_eq!(consumer::parse_offset("Earliest"), Ok(StartOffset::Earliest));
    assert_eq!(consumer::parse_offset("latest"), Ok(StartOffset::Latest));
    assert_eq!(consumer::parse_offset("42"), Ok(StartOffset::At(42)));
    assert_eq!(
        consumer::parse_offset("-5"),
        Err("The provided offset value '-5' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.".to_string())
    );
    assert_eq!(
        consumer::EXACTLY_ONE_TOPIC_OR_INCLUDE,
        "Exactly one of the following arguments is required: [topic], [include]"
    );
    assert_eq!(
        consumer::group_ids_mismatch(&["a".into(), "b".into()]),
        "The group ids provided in different places (directly using '--group', via '--consumer-property', or via '--consumer.config') do not match. Detected group ids: 'a', 'b'"
    );
    assert_eq!(
        consumer::from_beginning_conflict("latest"),
        "Can't simultaneously specify --from-beginning and 'auto.offset.reset=latest', please remove one option"
    );
}

// Brief: no panics on any input (wasm) — extreme numbers and odd text.
#[test]
fn extreme_values_do_not_panic() {
    use groups::{GroupOffsets, GroupState, OffsetRow};
    let row = OffsetRow {
        topic: Some("é\t✓".into()),
        partition: Some(i32::MIN),
        current_offset: Some(i64::MIN),
        log_end_offset: Some(i64::MAX),
        consumer_id: Some(String::new()),
        host: None,
        client_id: None,
    };
    let _ =
        groups::describe_offsets(&[GroupOffsets { group: String::new(), state: GroupState::Stable, rows: vec![row] }]);
    let q = quorum::QuorumInfo {
        cluster_id: String::new(),
        leader_id: 9,
        leader_epoch: i32::MIN,
        high_watermark: i64::MIN,
        voters: vec![quorum::QuorumReplica {
            id: 1,
            directory_id: None,
            log_end_offset: i64::MIN,
            last_fetch_ms: Some(i64::MIN),
            last_caught_up_ms: Some(i64::MAX),
            endpoints: vec![],
        }],
        observers: vec![],
    };
    let _ = quorum::describe_status(&q);
    let _ = quorum::describe_replication(&q, Some(i64::MIN));
    let _ = quorum::describe_replication(&q, None);
    for x in [f64::MIN, f64::MAX, f64::MIN_POSITIVE, -0.0, 5e-324, 1e300] {
        for d in [0, 1, 2, 4, 6] {
            let _ = java_fixed(x, d);
        }
    }
    assert_eq!(java_fixed(-0.0, 1), "0.0");
    let _ = perf::producer_total_line(&perf::ProducerTotal {
        count: 0,
        bytes: i64::MAX,
        elapsed_ms: 0,
        total_latency_ms: i64::MIN,
        max_latency_ms: i32::MIN,
        percentiles: [0; 4],
        steady: true,
    });
    let _ = perf::consumer_summary_line(&perf::ConsumerTotal {
        start_ms: i64::MAX,
        end_ms: i64::MIN,
        bytes: 0,
        messages: i64::MIN,
        join_ms: i64::MAX,
    });
    let _ = perf::consumer_detailed_line(&perf::ConsumerInterval {
        bytes_read: i64::MIN,
        last_bytes_read: i64::MAX,
        messages_read: i64::MIN,
        last_messages_read: i64::MAX,
        start_ms: i64::MAX,
        end_ms: i64::MIN,
        join_ms_in_round: i64::MIN,
    });
    let _ = perf::simple_date(i64::MIN);
    let _ = perf::simple_date(i64::MAX);
    let _ = configs::parse_add_config("[[[,,,===]]]é=✓,");
    let _ = configs::singular("");
    let _ = get_offsets::parse_topic_partitions(":,:-,-:,::,99999999999:1-2");
    let _ = topics::validate_topic_name("✓");
    let _ = reassign::assignment_json(&[reassign::PartitionReplicas {
        topic: "\u{0}\u{1f}\"\\".into(),
        partition: i32::MIN,
        replicas: vec![],
        log_dirs: Some(vec![]),
    }]);
}
