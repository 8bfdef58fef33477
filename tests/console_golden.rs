//! Golden outputs against a live simulated cluster, asserted exactly (tabs, trailing
//! spaces) with the expected text taken from the Kafka tools; and error messages, with
//! checks that a failing command changes nothing in the cluster.
#![cfg(not(target_arch = "wasm32"))]

use brokerlab::console::format::Stream;
use brokerlab::console::session::Console;
use brokerlab::sim::world::ClusterConfig;

/// Kafka 4.4 `ConsoleConsumer.maybePrintConsumerProtocolMessage`, stderr, for a console
/// consumer that subscribes with the classic protocol.
const KIP_848_NOTICE: &str = "The consumer rebalance protocol (KIP-848) is production-ready! Set group.protocol=consumer to try it out. See https://kafka.apache.org/documentation/#consumer_rebalance_protocol";

/// A cluster started from the sample KRaft config: `log.segment.bytes=1073741824` is a
/// static broker config, so every topic shows it in `Configs:`, beside the cluster-wide
/// `min.insync.replicas=1` a Kafka 4.4 controller writes with ELR on
/// (`TopicCommand`).
fn sample_cluster() -> Console {
    let mut cfg = ClusterConfig::default();
    cfg.broker_configs.insert("log.segment.bytes".into(), "1073741824".into());
    Console::new(42, cfg).expect("boots")
}

fn console() -> Console {
    Console::new(42, ClusterConfig::default()).expect("boots")
}

fn run(c: &mut Console, script: &str) -> (String, String, i32) {
    let r = c.run_script(script, false);
    let mut out = String::new();
    let mut err = String::new();
    let mut code = 0;
    for cmd in &r.commands {
        out.push_str(&cmd.output.stdout());
        err.push_str(&cmd.output.stderr());
        if code == 0 {
            code = cmd.output.exit_code;
        }
    }
    (out, err, code)
}

fn topic_id(c: &Console, topic: &str) -> String {
    c.sim().metadata_image().and_then(|i| i.topics.get(topic)).map(|t| t.id.to_string()).expect("topic exists")
}

// `TopicCommand`: the describe example (3 brokers, `orders`, 3 partitions, RF 2), then the
// same topic after broker 3 stops.
#[test]
fn topics_describe_before_and_after_a_broker_stops() {
    let mut c = sample_cluster();
    let (out, _, code) = run(
        &mut c,
        "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic orders --replica-assignment 1:2,2:3,3:1",
    );
    assert_eq!((out.as_str(), code), ("Created topic orders.\n", 0));
    let id = topic_id(&c, "orders");
    let (out, err, _) = run(&mut c, "bin/kafka-topics.sh --bootstrap-server localhost:9092 --describe --topic orders");
    let expected =
        "Topic: orders\tTopicId: ID\tPartitionCount: 3\tReplicationFactor: 2\tConfigs: min.insync.replicas=1,segment.bytes=1073741824
\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1,2\tIsr: 1,2\tElr: \tLastKnownElr: 
\tTopic: orders\tPartition: 1\tLeader: 2\tReplicas: 2,3\tIsr: 2,3\tElr: \tLastKnownElr: 
\tTopic: orders\tPartition: 2\tLeader: 3\tReplicas: 3,1\tIsr: 3,1\tElr: \tLastKnownElr: 
"
        .replace("ID", &id);
    assert_eq!(out, expected);
    assert_eq!(err, "");
    run(&mut c, "broker stop 3\nsleep 5s");
    let (out, _, _) = run(&mut c, "kafka-topics --bootstrap-server localhost:9092 --describe --topic orders");
    let expected =
        "Topic: orders\tTopicId: ID\tPartitionCount: 3\tReplicationFactor: 2\tConfigs: min.insync.replicas=1,segment.bytes=1073741824
\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1,2\tIsr: 1,2\tElr: \tLastKnownElr: 
\tTopic: orders\tPartition: 1\tLeader: 2\tReplicas: 2,3\tIsr: 2\tElr: \tLastKnownElr: 
\tTopic: orders\tPartition: 2\tLeader: 1\tReplicas: 3,1\tIsr: 1\tElr: \tLastKnownElr: 
"
        .replace("ID", &id);
    assert_eq!(out, expected);
    // `TopicCommand` filters: only partition lines, no topic line.
    let (out, _, _) =
        run(&mut c, "kafka-topics --bootstrap-server localhost:9092 --describe --under-replicated-partitions");
    assert_eq!(
        out,
        "\tTopic: orders\tPartition: 1\tLeader: 2\tReplicas: 2,3\tIsr: 2\tElr: \tLastKnownElr: 
\tTopic: orders\tPartition: 2\tLeader: 1\tReplicas: 3,1\tIsr: 1\tElr: \tLastKnownElr: 
"
    );
    // `TopicCommand`: --list sorts by Java String order.
    run(
        &mut c,
        "kafka-topics --bootstrap-server localhost:9092 --create --topic Zeta --partitions 1 --replication-factor 1",
    );
    let (out, _, _) = run(&mut c, "kafka-topics --bootstrap-server localhost:9092 --list");
    assert_eq!(out, "Zeta\norders\n");
}

// `TopicCommand`: errors print one stdout line and the ERROR log (two lines for an ApiException).
#[test]
fn topics_errors_follow_topic_command() {
    let mut c = console();
    run(
        &mut c,
        "kafka-topics --bootstrap-server localhost:9092 --create --topic orders --partitions 3 --replication-factor 3",
    );
    let before = c.sim().topic_names();
    let (out, err, code) = run(
        &mut c,
        "kafka-topics --bootstrap-server localhost:9092 --create --topic big --partitions 1 --replication-factor 4",
    );
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "Error while executing topic command : Unable to replicate the partition 4 time(s): The target replication factor of 4 cannot be reached because only 3 broker(s) are registered or some brokers have all their log directories cordoned.\n"
    );
    assert!(err.ends_with(" ERROR org.apache.kafka.common.errors.InvalidReplicationFactorException: Unable to replicate the partition 4 time(s): The target replication factor of 4 cannot be reached because only 3 broker(s) are registered or some brokers have all their log directories cordoned.\n (org.apache.kafka.tools.TopicCommand)\n"), "{err}");
    assert!(err.starts_with("[2025-03-18 00:00:0"), "log lines use the simulated wall clock: {err}");
    let (out, err, _) = run(&mut c, "kafka-topics --bootstrap-server localhost:9092 --create --topic orders");
    assert_eq!(out, "Error while executing topic command : Topic 'orders' already exists.\n");
    assert!(err.contains("] ERROR org.apache.kafka.common.errors.TopicExistsException: Topic 'orders' already exists.\n (org.apache.kafka.tools.TopicCommand)\n"));
    let (out, _, _) = run(&mut c, "kafka-topics --bootstrap-server localhost:9092 --describe --topic nope");
    assert_eq!(out, "Error while executing topic command : Topic 'nope' does not exist as expected\n");
    // `TopicCommand`: an old tutorial's --zookeeper.
    let (out, err, code) = run(&mut c, "bin/kafka-topics.sh --zookeeper localhost:2181 --list");
    assert_eq!((out.as_str(), code), ("", 1));
    assert!(err.starts_with("zookeeper is not a recognized option\njoptsimple.UnrecognizedOptionException: zookeeper is not a recognized option\n"));
    let (_, err, _) =
        run(&mut c, "kafka-topics --bootstrap-server localhost:9092 --create --topic x --config retention.ms=abc");
    assert!(
        err.contains("ConfigException: Invalid value abc for configuration retention.ms: Not a number of type LONG")
    );
    // `TopicCommand`: exactly one action.
    let (_, err, _) = run(&mut c, "kafka-topics --bootstrap-server localhost:9092 --topic orders");
    assert!(
        err.starts_with("Command must include exactly one action: --list, --describe, --create, --alter or --delete\n")
    );
    // Failed commands changed nothing.
    assert_eq!(c.sim().topic_names(), before);
    // `TopicCommand`: a successful delete prints nothing.
    let (out, _, code) = run(&mut c, "kafka-topics --bootstrap-server localhost:9092 --delete --topic orders");
    assert_eq!((out.as_str(), code), ("", 0));
}

// nobody listens at the bootstrap address: 60 s of simulated time, then the timeout.
#[test]
fn unreachable_bootstrap_times_out_after_60_s_and_changes_nothing() {
    let mut c = console();
    let before = c.sim().topic_names();
    let t0 = c.sim().now();
    let (out, err, code) = run(&mut c, "kafka-topics --bootstrap-server localhost:9999 --create --topic lost");
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "Error while executing topic command : Timed out waiting for a node assignment. Call: createTopics\n"
    );
    assert!(err.contains("WARN [AdminClient clientId=adminclient-1] Connection to node -1 (localhost/127.0.0.1:9999) could not be established. Node may not be available. (org.apache.kafka.clients.NetworkClient)\n"));
    let waited = c.sim().now().ms_since(t0);
    assert!((60_000..61_000).contains(&waited), "waited {waited} ms");
    assert_eq!(c.sim().topic_names(), before);
    // validateBootstrapServer messages (with their extra newline).
    let (_, err, _) = run(&mut c, "echo x | kafka-console-producer --bootstrap-server localhost --topic t");
    assert!(err.starts_with("Please provide valid host:port like host1:9091,host2:9092\n\n"));
    let (_, err, _) = run(&mut c, "kafka-get-offsets --bootstrap-server '' --topic t");
    assert!(err.starts_with("Error while validating the bootstrap address\n\n"));
}

// `LineMessageReader` (producer errors): ErrorLoggingCallback's two lines.
#[test]
fn producer_failure_is_logged_like_error_logging_callback() {
    let mut c = console();
    run(
        &mut c,
        "kafka-topics --bootstrap-server localhost:9092 --create --topic p --replica-assignment 1:2:3 --config min.insync.replicas=3\nbroker kill 3\nsleep 12s",
    );
    let (out, err, code) = run(&mut c, "printf 'k:hello\\n' | kafka-console-producer --bootstrap-server localhost:9092 --topic p --reader-property parse.key=true --reader-property key.separator=:");
    assert_eq!((out.as_str(), code), ("", 0));
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 5, "{err}");
    // ConsoleProducer merges --message-send-max-retries (default 3) into `retries`: three retries,
    // each logged by Sender.completeBatch, then the callback's two lines.
    for (i, left) in [2, 1, 0].iter().enumerate() {
        assert!(lines[i].starts_with("[2025-03-18 00:00:"));
        assert!(
            lines[i].contains(
                "] WARN [Producer clientId=console-producer] Got error produce response with correlation id "
            ),
            "{}",
            lines[i]
        );
        assert!(lines[i].ends_with(&format!(
            " on topic-partition p-0, retrying ({left} attempts left). Error: NOT_ENOUGH_REPLICAS (org.apache.kafka.clients.producer.internals.Sender)"
        )));
    }
    assert!(lines[3].ends_with("] ERROR Error when sending message to topic p with key: 1 bytes, value: 5 bytes with error: (org.apache.kafka.clients.producer.internals.ErrorLoggingCallback)"));
    // The broker sends no message (LogAppendResult.hasCustomErrorMessage is false): the
    // exception carries Errors.NOT_ENOUGH_REPLICAS' own.
    assert_eq!(
        lines[4],
        "org.apache.kafka.common.errors.NotEnoughReplicasException: Messages are rejected since there are fewer in-sync replicas than required."
    );
    // `LineMessageReader`: the missing separator.
    let (_, err, code) = run(&mut c, "printf 'a:1\\nb\\n' | kafka-console-producer --bootstrap-server localhost:9092 --topic p --property parse.key=true --property key.separator=:");
    assert_eq!(code, 1);
    assert!(err.starts_with("org.apache.kafka.common.KafkaException: No key separator found on line number 2: 'b'\n"));
}

// `ConfigCommand`: the exact example block.
#[test]
fn configs_match_config_command() {
    let mut c = console();
    run(
        &mut c,
        "kafka-topics --bootstrap-server localhost:9092 --create --topic orders --partitions 1 --replication-factor 1",
    );
    let (out, _, _) = run(&mut c, "bin/kafka-configs.sh --bootstrap-server localhost:9092 --entity-type topics --entity-name orders --alter --add-config retention.ms=86400000,cleanup.policy=compact
bin/kafka-configs.sh --bootstrap-server localhost:9092 --entity-type topics --entity-name orders --describe
bin/kafka-configs.sh --bootstrap-server localhost:9092 --entity-type brokers --entity-name 1 --alter --add-config log.cleaner.threads=2
bin/kafka-configs.sh --bootstrap-server localhost:9092 --entity-type brokers --entity-name 1 --describe");
    assert_eq!(
        out,
        "Completed updating config for topic orders.
Dynamic configs for topic orders are:
  cleanup.policy=compact sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact, DEFAULT_CONFIG:log.cleanup.policy=delete}
  retention.ms=86400000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=86400000}
Completed updating config for broker 1.
Dynamic configs for broker 1 are:
  log.cleaner.threads=2 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:log.cleaner.threads=2, DEFAULT_CONFIG:log.cleaner.threads=1}
"
    );
    let (_, err, code) = run(
        &mut c,
        "kafka-configs --bootstrap-server localhost:9092 --entity-type topic --entity-name orders --describe",
    );
    assert_eq!(code, 1);
    assert_eq!(err, "Invalid entity type topic, the entity type must be one of broker-loggers, topics, clients, users, brokers, ips, client-metrics, groups with a --bootstrap-server or --bootstrap-controller argument\n");
}

// `GetOffsetShell`: `<topic>:<partition>:<offset>`, sorted by `<topic>-<partition>` as strings.
#[test]
fn get_offsets_order_follows_get_offset_shell() {
    let mut c = console();
    run(
        &mut c,
        "kafka-topics --bootstrap-server localhost:9092 --create --topic t --partitions 11 --replication-factor 1",
    );
    let (out, _, _) = run(&mut c, "kafka-get-offsets --bootstrap-server localhost:9092 --topic t --partitions 1,2,10");
    assert_eq!(out, "t:1:0\nt:10:0\nt:2:0\n");
    let (_, err, code) = run(&mut c, "kafka-get-offsets --bootstrap-server localhost:9092 --topic missing");
    assert_eq!(
        (err.as_str(), code),
        ("Error occurred: Could not match any topic-partitions with the specified filters\n", 1)
    );
}

// `LeaderElectionCommand`.
#[test]
fn leader_election_lines_follow_leader_election_command() {
    let mut c = console();
    run(&mut c, "kafka-topics --bootstrap-server localhost:9092 --create --topic orders --replica-assignment 1:2\nbroker stop 1\nsleep 3s\nbroker start 1\nsleep 10s");
    let (out, _, _) = run(&mut c, "kafka-leader-election --bootstrap-server localhost:9092 --election-type preferred --topic orders --partition 0");
    assert_eq!(out, "Successfully completed leader election (PREFERRED) for partitions orders-0\n");
    let (out, _, _) = run(&mut c, "kafka-leader-election --bootstrap-server localhost:9092 --election-type preferred --topic orders --partition 0");
    assert_eq!(out, "Valid replica already elected for partitions orders-0\n");
    let (out, err, code) = run(
        &mut c,
        "kafka-leader-election --bootstrap-server localhost:9092 --election-type preferred --all-topic-partitions",
    );
    assert_eq!((out.as_str(), err.as_str(), code), ("", "", 0));
}

// ReassignPartitionsCommand.executeAssignment: one-line JSON, the rollback block (each live
// replica's log dir, getReplicaToLogDir), verify lines.
#[test]
fn reassignment_follows_reassign_partitions_command() {
    let mut c = console();
    run(&mut c, "kafka-topics --bootstrap-server localhost:9092 --create --topic foo --replica-assignment 1:2");
    c.files_mut()
        .write("plan.json", r#"{"version":1,"partitions":[{"topic":"foo","partition":0,"replicas":[2,3]}]}"#)
        .unwrap();
    let (out, _, _) = run(
        &mut c,
        "kafka-reassign-partitions --bootstrap-server localhost:9092 --execute --reassignment-json-file plan.json",
    );
    assert_eq!(
        out,
        "Current partition replica assignment

{\"version\":1,\"partitions\":[{\"topic\":\"foo\",\"partition\":0,\"replicas\":[1,2],\"log_dirs\":[\"/tmp/kraft-combined-logs\",\"/tmp/kraft-combined-logs\"]}]}

Save this to use as the --reassignment-json-file option during rollback
Successfully started partition reassignment for foo-0
"
    );
    run(&mut c, "sleep 5s");
    let (out, _, _) = run(
        &mut c,
        "kafka-reassign-partitions --bootstrap-server localhost:9092 --verify --reassignment-json-file plan.json",
    );
    assert_eq!(
        out,
        "Status of partition reassignment:
Reassignment of partition foo-0 is completed.

Clearing broker-level throttles on brokers 1,2,3
Clearing topic-level throttles on topic foo
"
    );
    let (out, _, _) = run(&mut c, "kafka-reassign-partitions --bootstrap-server localhost:9092 --list");
    assert_eq!(out, "No partition reassignments found.\n");
    let (out, _, code) = run(
        &mut c,
        "kafka-reassign-partitions --bootstrap-server localhost:9092 --execute --reassignment-json-file nope.json",
    );
    assert_eq!(code, 1);
    assert!(
        out.starts_with("Error: Unable to read file nope.json\njava.io.IOException: Unable to read file nope.json\n")
    );
}

// `MetadataQuorumCommand`: labels padded to column 25; every line ends with a TAB.
#[test]
fn metadata_quorum_follows_metadata_quorum_command() {
    let mut c = Console::new(42, ClusterConfig { controllers: 3, ..ClusterConfig::default() }).unwrap();
    let (out, _, _) = run(&mut c, "kafka-metadata-quorum --bootstrap-server localhost:9092 describe --status");
    let lines: Vec<&str> = out.lines().collect();
    let labels = [
        "ClusterId:              ",
        "LeaderId:               ",
        "LeaderEpoch:            ",
        "HighWatermark:          ",
        "MaxFollowerLag:         ",
        "MaxFollowerLagTimeMs:   ",
        "CurrentVoters:          ",
        "CurrentObservers:       ",
    ];
    assert_eq!(lines.len(), 8);
    for (l, label) in lines.iter().zip(labels) {
        assert!(l.starts_with(label) && l.len() > 24, "{l}");
    }
    assert_eq!(lines[0].len(), 24 + 22, "ClusterId is 22 characters");
    assert!(lines[6].contains("\"endpoints\": [\"CONTROLLER://localhost:19091\"]"));
    let (out, _, _) = run(&mut c, "kafka-metadata-quorum --bootstrap-server localhost:9092 describe --replication");
    assert!(out.starts_with(
        "NodeId\tDirectoryId           \tLogEndOffset\tLag\tLastFetchTimestamp\tLastCaughtUpTimestamp\tStatus  \t\n"
    ));
    assert!(out.lines().all(|l| l.ends_with('\t')));
    assert_eq!(out.lines().filter(|l| l.contains("\tLeader  \t")).count(), 1);
}

// block layout; Kafka 4.4's Node.toString adds isFenced (KIP-1073) and a 4.4
// broker advertises Produce 0 to 13 (tests/conformance/vectors/api-versions.jsonl).
#[test]
fn api_versions_follow_broker_api_versions_command() {
    let mut c = console();
    let (out, _, _) = run(&mut c, "kafka-broker-api-versions --bootstrap-server localhost:9092");
    assert!(out
        .starts_with("localhost:9092 (id: 1 rack: null isFenced: false) -> (\n\tProduce(0): 0 to 13 [usable: 13],\n"));
    assert_eq!(out.matches(" -> (\n").count(), 3, "one block per live broker");
    assert!(out.contains("\tDescribeTopicPartitions(75): 0 [usable: 0],\n"));
    assert!(out.ends_with("\n)\n"));
    run(&mut c, "broker kill 3\nsleep 12s");
    let (out, _, _) = run(&mut c, "kafka-broker-api-versions --bootstrap-server localhost:9092");
    assert_eq!(out.matches(" -> (\n").count(), 2);
}

// `CommandLineUtils`: --help prints the description and usage on stderr and exits 1; --version.
#[test]
fn help_and_version_follow_command_line_utils() {
    let mut c = console();
    let (out, err, code) = run(&mut c, "kafka-topics --help");
    assert_eq!((out.as_str(), code), ("", 1));
    assert!(err.starts_with("This tool helps to create, delete, describe, or change a topic.\nOption "));
    let (out, _, code) = run(&mut c, "kafka-get-offsets --version");
    assert_eq!((out.as_str(), code), ("4.4.0\n", 0));
    let (_, err, _) = run(&mut c, "kafka-topics");
    assert!(err.starts_with("Create, delete, describe, or change a topic.\n"));
}

// Stdout and stderr stay apart and in order.
#[test]
fn streams_stay_apart() {
    let mut c = console();
    let r = c.run_script(
        "kafka-topics --bootstrap-server localhost:9092 --create --topic a.b --partitions 1 --replication-factor 1",
        false,
    );
    let chunks = &r.commands[0].output.chunks;
    assert!(chunks.iter().all(|c| c.stream == Stream::Stdout));
    assert!(chunks[0].text.starts_with("WARNING: Due to limitations in metric names"));
}

// ---------------------------------------------------------------------------
// The consumer tools (`ConsoleConsumer` and `ConsumerGroupCommand`)
// ---------------------------------------------------------------------------

/// A key that the default partitioner sends to `partition` of `n`.
fn key_for(partition: i32, n: i32) -> String {
    (0..1000)
        .map(|i| format!("k{i}"))
        .find(|k| brokerlab::sim::partitioner::partition_for_key(k.as_bytes(), n) == partition)
        .expect("some key hashes to each partition")
}

/// `orders` with 3 partitions holding 7, 3 and 6 records: the numbers of `ConsumerGroupCommand`'s Empty example.
fn orders_7_3_6(c: &mut Console) {
    let (out, _, _) = run(
        c,
        "kafka-topics --bootstrap-server localhost:9092 --create --topic orders --partitions 3 --replication-factor 3",
    );
    assert_eq!(out, "Created topic orders.\n");
    let mut lines = String::new();
    for (p, n) in [(0, 7), (1, 3), (2, 6)] {
        for i in 0..n {
            lines.push_str(&format!("{}:v{p}-{i}\n", key_for(p, 3)));
        }
    }
    let script = format!(
        "kafka-console-producer --bootstrap-server localhost:9092 --topic orders --property parse.key=true --property key.separator=: <<EOF\n{lines}EOF"
    );
    let (_, err, code) = run(c, &script);
    assert_eq!((err.as_str(), code), ("", 0));
}

// `DefaultMessageFormatter`: the learner command's exact lines (TAB between every pair of fields) and
// `ConsoleConsumer`'s `Processed a total of 3 messages` on stderr. The interleaving across partitions is the
// fetch order (`DefaultMessageFormatter`), so the lines are compared as a set.
#[test]
fn console_consumer_lines_follow_console_consumer() {
    let mut c = console();
    run(
        &mut c,
        "kafka-topics --bootstrap-server localhost:9092 --create --topic orders --partitions 3 --replication-factor 3",
    );
    run(
        &mut c,
        "kafka-console-producer --bootstrap-server localhost:9092 --topic orders --property parse.key=true --property key.separator=: <<EOF\nuser1:hello\nuser2:world\nuser1:again\nEOF",
    );
    let (out, err, code) = run(
        &mut c,
        "bin/kafka-console-consumer.sh --bootstrap-server localhost:9092 --topic orders --from-beginning --formatter-property print.key=true --formatter-property print.partition=true --formatter-property print.offset=true --max-messages 3",
    );
    let mut lines: Vec<&str> = out.lines().collect();
    lines.sort();
    assert_eq!(
        lines,
        vec![
            "Partition:0\tOffset:0\tuser1\thello",
            "Partition:0\tOffset:1\tuser1\tagain",
            "Partition:2\tOffset:0\tuser2\tworld"
        ]
    );
    // Within a partition, offset order.
    assert!(out.find("hello").unwrap() < out.find("again").unwrap());
    // Kafka 4.4 ConsoleConsumer.maybePrintConsumerProtocolMessage: a subscribing consumer.
    assert_eq!((err.as_str(), code), (format!("{KIP_848_NOTICE}\nProcessed a total of 3 messages\n").as_str(), 0));
    // `ConsoleConsumer` defaults: value only.
    let (out, _, _) =
        run(&mut c, "kafka-console-consumer --bootstrap-server localhost:9092 --topic orders --partition 0 --offset 0 --max-messages 2");
    assert_eq!(out, "hello\nagain\n");
}

// `ConsoleConsumer`: the --timeout-ms block (two spaces before `(`), then the count.
#[test]
fn console_consumer_timeout_follows_console_consumer() {
    let mut c = console();
    run(
        &mut c,
        "kafka-topics --bootstrap-server localhost:9092 --create --topic quiet --partitions 1 --replication-factor 1",
    );
    let (out, err, code) =
        run(&mut c, "kafka-console-consumer --bootstrap-server localhost:9092 --topic quiet --timeout-ms 5000");
    assert_eq!(out, "");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 4, "{err}");
    assert_eq!(lines[0], KIP_848_NOTICE);
    assert!(lines[1].starts_with('['), "{err}");
    assert!(lines[1].ends_with(
        "] ERROR Error processing message, terminating consumer process:  (org.apache.kafka.tools.consumer.ConsoleConsumer)"
    ));
    assert_eq!(lines[2], "org.apache.kafka.common.errors.TimeoutException");
    assert_eq!(lines[3], "Processed a total of 0 messages");
    assert_eq!(code, 0);
}

// `ConsumerGroupCommand` (Empty group: the note on stderr, the table with `-`), (Empty),
// `ConsumerGroupCommand` (the reset table), `ConsumerGroupCommand` (delete): the exact example blocks.
#[test]
fn consumer_groups_empty_group_follows_consumer_group_command() {
    let mut c = console();
    orders_7_3_6(&mut c);
    // A console consumer in my-group reads all 16 records; close() auto-commits 7, 3, 6.
    let (_, err, _) = run(
        &mut c,
        "kafka-console-consumer --bootstrap-server localhost:9092 --topic orders --group my-group --from-beginning --max-messages 16",
    );
    assert_eq!(err, format!("{KIP_848_NOTICE}\nProcessed a total of 16 messages\n"));
    let (out, err, code) =
        run(&mut c, "kafka-consumer-groups --bootstrap-server localhost:9092 --describe --group my-group");
    assert_eq!(err, "\nConsumer group 'my-group' has no active members.\n");
    assert_eq!(
        out,
        "
GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID
my-group        orders          0          7               7               0               -               -               -
my-group        orders          1          3               3               0               -               -               -
my-group        orders          2          6               6               0               -               -               -
"
    );
    assert_eq!(code, 0);
    let coordinator = c.sim().group_names();
    assert_eq!(coordinator, vec!["my-group".to_string()]);
    let (out, _, _) =
        run(&mut c, "kafka-consumer-groups --bootstrap-server localhost:9092 --describe --group my-group --state");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "");
    assert_eq!(
        lines[1],
        "GROUP           COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE                #MEMBERS"
    );
    // `localhost:9092  (1)` in the example; the coordinator is whichever broker leads the
    // group's __consumer_offsets partition.
    let re = |id: i32| {
        format!("my-group        localhost:{}  ({id})       -                    Empty                0", 9091 + id)
    };
    assert!((1..=3).any(|id| lines[2] == re(id)), "{out}");
    // `ConsumerGroupCommand`: dry-run and execute print the same table; widths from the data (at least 15).
    let (out, err, code) = run(
        &mut c,
        "kafka-consumer-groups --bootstrap-server localhost:9092 --reset-offsets --group my-group --topic orders --to-earliest --execute",
    );
    assert_eq!(
        out,
        "
GROUP           TOPIC           PARTITION  NEW-OFFSET
my-group        orders          0          0
my-group        orders          1          0
my-group        orders          2          0
"
    );
    assert_eq!((err.as_str(), code), ("", 0));
    // `ConsumerGroupCommand`.
    let (out, _, _) = run(&mut c, "kafka-consumer-groups --bootstrap-server localhost:9092 --delete --group my-group");
    assert_eq!(out, "Deletion of requested consumer groups ('my-group') was successful.\n");
    let (out, _, code) =
        run(&mut c, "kafka-consumer-groups --bootstrap-server localhost:9092 --delete --group my-group");
    assert_eq!(
        out,
        "\nError: Deletion of some consumer groups failed:\n* Group 'my-group' could not be deleted due to: org.apache.kafka.common.errors.GroupIdNotFoundException: The group id does not exist.\n"
    );
    assert_eq!(code, 0);
    // `ConsumerGroupCommand` 4.4: describing a group that does not exist fails with the admin
    // client's GroupIdNotFoundException (message on stdout, its stack trace on stderr).
    let (out, err, _) =
        run(&mut c, "kafka-consumer-groups --bootstrap-server localhost:9092 --describe --group my-group");
    assert_eq!(
        out,
        "\nError: Executing consumer group command failed due to org.apache.kafka.common.errors.GroupIdNotFoundException: Group my-group not found.\n"
    );
    assert!(err.starts_with("java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.GroupIdNotFoundException: Group my-group not found.\n"), "{err}");
}

// `ConsumerGroupCommand` (Stable: one row per assigned partition, CONSUMER-ID `console-consumer-<uuid>`),
// `ConsumerGroupCommand` (members and --verbose: `orders(0,1,2)`), `ConsumerGroupCommand` (Stable, range), `ConsumerGroupCommand` (active group),
// `ConsumerGroupCommand` (--list --state), `ConsumerGroupCommand` (not empty).
#[test]
fn consumer_groups_stable_group_follows_consumer_group_command() {
    let mut c = console();
    orders_7_3_6(&mut c);
    run(
        &mut c,
        "consumer start app --group my-group --topic orders --offset-reset earliest --consumer-property client.id=console-consumer\nsleep 10s",
    );
    let member = c
        .sim()
        .clients()
        .values()
        .find_map(|cl| match &cl.kind {
            brokerlab::sim::client::ClientKind::Consumer(x) => x.group.as_ref().map(|g| g.member_id.clone()),
            _ => None,
        })
        .expect("a member");
    assert_eq!(member.len(), "console-consumer-4f8a2b1c-9d3e-4c5f-8a6b-7e1d2c3b4a59".len());
    let (out, err, _) =
        run(&mut c, "kafka-consumer-groups --bootstrap-server localhost:9092 --describe --group my-group --members");
    assert_eq!(err, "");
    assert_eq!(
        out,
        "
GROUP           CONSUMER-ID                                           HOST            CLIENT-ID        #PARTITIONS     
my-group        console-consumer-4f8a2b1c-9d3e-4c5f-8a6b-7e1d2c3b4a59 /127.0.0.1      console-consumer 3               
"
        .replace("console-consumer-4f8a2b1c-9d3e-4c5f-8a6b-7e1d2c3b4a59", &member)
    );
    let (out, _, _) = run(
        &mut c,
        "kafka-consumer-groups --bootstrap-server localhost:9092 --describe --group my-group --members --verbose",
    );
    assert_eq!(
        out,
        "
GROUP           CONSUMER-ID                                           HOST            CLIENT-ID        #PARTITIONS     CURRENT-EPOCH   CURRENT-ASSIGNMENT   TARGET-EPOCH    TARGET-ASSIGNMENT   
my-group        console-consumer-4f8a2b1c-9d3e-4c5f-8a6b-7e1d2c3b4a59 /127.0.0.1      console-consumer 3               -               orders:0,1,2         -               -                   
"
        .replace("console-consumer-4f8a2b1c-9d3e-4c5f-8a6b-7e1d2c3b4a59", &member)
    );
    // `ConsumerGroupCommand` layout with the example's member: everything read, auto-committed after 5 s.
    let (out, _, _) =
        run(&mut c, "kafka-consumer-groups --bootstrap-server localhost:9092 --describe --group my-group");
    assert_eq!(
        out,
        "
GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID                                           HOST            CLIENT-ID
my-group        orders          0          7               7               0               console-consumer-4f8a2b1c-9d3e-4c5f-8a6b-7e1d2c3b4a59 /127.0.0.1      console-consumer
my-group        orders          1          3               3               0               console-consumer-4f8a2b1c-9d3e-4c5f-8a6b-7e1d2c3b4a59 /127.0.0.1      console-consumer
my-group        orders          2          6               6               0               console-consumer-4f8a2b1c-9d3e-4c5f-8a6b-7e1d2c3b4a59 /127.0.0.1      console-consumer
"
        .replace("console-consumer-4f8a2b1c-9d3e-4c5f-8a6b-7e1d2c3b4a59", &member)
    );
    let (out, _, _) =
        run(&mut c, "kafka-consumer-groups --bootstrap-server localhost:9092 --describe --group my-group --state");
    let last = out.lines().last().unwrap_or("").to_string();
    assert!(
        (1..=3).any(|id| last
            == format!(
                "my-group        localhost:{}  ({id})       range                Stable               1",
                9091 + id
            )),
        "{out}"
    );
    let (out, _, _) = run(&mut c, "kafka-consumer-groups --bootstrap-server localhost:9092 --list --state");
    assert_eq!(out, "GROUP                     STATE               \nmy-group                  Stable              \n");
    let (out, _, _) = run(&mut c, "kafka-consumer-groups --bootstrap-server localhost:9092 --list --type --state");
    assert_eq!(
        out,
        "GROUP                     TYPE                 STATE               \nmy-group                  Classic              Stable              \n"
    );
    let (out, _, code) = run(
        &mut c,
        "kafka-consumer-groups --bootstrap-server localhost:9092 --reset-offsets --group my-group --all-topics --to-earliest --execute",
    );
    assert_eq!(
        out,
        "\nError: Assignments can only be reset if the group 'my-group' is inactive, but the current state is Stable.\n\nGROUP           TOPIC           PARTITION  NEW-OFFSET\n"
    );
    assert_eq!(code, 0);
    let (out, _, _) = run(&mut c, "kafka-consumer-groups --bootstrap-server localhost:9092 --delete --group my-group");
    assert_eq!(
        out,
        "\nError: Deletion of some consumer groups failed:\n* Group 'my-group' could not be deleted due to: org.apache.kafka.common.errors.GroupNotEmptyException: The group is not empty.\n"
    );
    // `ConsumerGroupCommand`: without --execute/--dry-run the WARN comes first on stderr.
    let (_, err, _) = run(
        &mut c,
        "kafka-consumer-groups --bootstrap-server localhost:9092 --reset-offsets --group other --all-topics --to-latest",
    );
    assert!(err.starts_with(
        "WARN: No action will be performed as the --execute option is missing. In version 5.0, this command will require"
    ));
}
