//! kafka-configs, kafka-get-offsets, kafka-leader-election,
//! kafka-reassign-partitions, kafka-metadata-quorum,
//! kafka-broker-api-versions and perf-test layouts.

use super::super::*;

// ---------------------------------------------------------------------------
// kafka-configs (`ConfigCommand`)
// ---------------------------------------------------------------------------

// (exact, ConfigCommandIntegrationTest)
#[test]
fn configs_alter_lines() {
    let out: String = [
        configs::alter_completed("topics", Some("orders")),
        configs::alter_completed("brokers", Some("1")),
        configs::alter_completed("users", Some("admin")),
        configs::alter_completed("groups", Some("group")),
        configs::alter_completed("client-metrics", Some("cm")),
        configs::alter_completed("brokers", None),
    ]
    .iter()
    .map(Output::stdout)
    .collect();
    assert_eq!(
        out,
        "Completed updating config for topic orders.\nCompleted updating config for broker 1.\nCompleted updating config for user admin.\nCompleted updating config for group group.\nCompleted updating config for client-metric cm.\nCompleted updating default config for brokers in the cluster.\n"
    );
}

fn syn(source: &str, name: &str, value: &str) -> configs::ConfigSynonym {
    configs::ConfigSynonym { source: source.into(), name: name.into(), value: Some(value.into()) }
}

// `ConfigCommand` (exact example)
#[test]
fn configs_describe_example() {
    let topic = configs::ConfigBlock {
        entity_type: "topics".into(),
        entity_name: Some("orders".into()),
        all: false,
        entries: vec![
            configs::ConfigEntryView {
                name: "retention.ms".into(),
                value: Some("86400000".into()),
                sensitive: false,
                synonyms: vec![syn("DYNAMIC_TOPIC_CONFIG", "retention.ms", "86400000")],
            },
            configs::ConfigEntryView {
                name: "cleanup.policy".into(),
                value: Some("compact".into()),
                sensitive: false,
                synonyms: vec![
                    syn("DYNAMIC_TOPIC_CONFIG", "cleanup.policy", "compact"),
                    syn("DEFAULT_CONFIG", "log.cleanup.policy", "delete"),
                ],
            },
        ],
    };
    assert_eq!(
        configs::describe(&[topic]).stdout(),
        "Dynamic configs for topic orders are:\n  cleanup.policy=compact sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact, DEFAULT_CONFIG:log.cleanup.policy=delete}\n  retention.ms=86400000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=86400000}\n"
    );
    let broker = configs::ConfigBlock {
        entity_type: "brokers".into(),
        entity_name: Some("1".into()),
        all: false,
        entries: vec![configs::ConfigEntryView {
            name: "log.cleaner.threads".into(),
            value: Some("2".into()),
            sensitive: false,
            synonyms: vec![
                syn("DYNAMIC_BROKER_CONFIG", "log.cleaner.threads", "2"),
                syn("DEFAULT_CONFIG", "log.cleaner.threads", "1"),
            ],
        }],
    };
    assert_eq!(
        configs::describe(&[broker]).stdout(),
        "Dynamic configs for broker 1 are:\n  log.cleaner.threads=2 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:log.cleaner.threads=2, DEFAULT_CONFIG:log.cleaner.threads=1}\n"
    );
}

// `ConfigCommand` headers, sensitive values
#[test]
fn configs_describe_details() {
    assert_eq!(configs::describe_header("topics", Some("t"), true), "All configs for topic t are:");
    assert_eq!(configs::describe_header("brokers", None, false), "Default configs for brokers in the cluster are:");
    let e = configs::ConfigEntryView {
        name: "ssl.key.password".into(),
        value: Some("secret".into()),
        sensitive: true,
        synonyms: vec![syn("DYNAMIC_BROKER_CONFIG", "ssl.key.password", "secret")],
    };
    assert_eq!(
        configs::entry_line(&e),
        "  ssl.key.password=null sensitive=true synonyms={DYNAMIC_BROKER_CONFIG:ssl.key.password=null}"
    );
    let empty = configs::ConfigBlock {
        entity_type: "topics".into(),
        entity_name: Some("o".into()),
        all: false,
        entries: vec![],
    };
    assert_eq!(configs::describe(&[empty]).stdout(), "Dynamic configs for topic o are:\n");
}

// `ConfigCommand` --add-config parsing and messages
#[test]
fn configs_add_config_parsing() {
    assert_eq!(
        configs::parse_add_config("k1=v1,k2=[a,b],k3=v3").unwrap(),
        vec![("k1".into(), "v1".into()), ("k2".into(), "a,b".into()), ("k3".into(), "v3".into())]
    );
    assert_eq!(configs::parse_add_config(" a = 1 ,").unwrap(), vec![("a".into(), "1".into())]);
    // The message recorded from Kafka 4.4 (tests/conformance/scenarios/configs_topic.txt).
    let bad = "Invalid entity config: all configs to be added must be in the format \"key=val\" or  \"key=[val1,val2]\" to group values which contain commas.";
    assert_eq!(configs::parse_add_config("novalue").unwrap_err(), bad);
    assert_eq!(configs::parse_add_config("a=b=c").unwrap_err(), bad);
    assert_eq!(configs::parse_add_config("").unwrap_err(), bad);
    assert_eq!(configs::parse_delete_config(&["a,b", "c"]), vec!["a", "b", "c"]);
    assert_eq!(
        configs::arg_error("At least one entity type must be specified").stderr(),
        "At least one entity type must be specified\n"
    );
}

// ---------------------------------------------------------------------------
// kafka-get-offsets (`GetOffsetShell`)
// ---------------------------------------------------------------------------

use get_offsets::{OffsetTime, PartitionOffset, PartitionRule};

fn po(t: &str, p: i32, o: Option<i64>) -> PartitionOffset {
    PartitionOffset { topic: t.into(), partition: p, offset: o }
}

// `GetOffsetShell` (exact example, ordering rule, omitted partitions)
#[test]
fn get_offsets_output() {
    assert_eq!(
        get_offsets::offsets(&[po("orders", 2, Some(6)), po("orders", 0, Some(7)), po("orders", 1, Some(3))]).stdout(),
        "orders:0:7\norders:1:3\norders:2:6\n"
    );
    assert_eq!(
        get_offsets::offsets(&[po("t", 2, Some(1)), po("t", 10, Some(1)), po("t", 1, None)]).stdout(),
        "t:10:1\nt:2:1\n"
    );
    // GetOffsetShellTest fixture order
    let rows = vec![
        po("topic4", 2, Some(4)),
        po("topic1", 0, Some(1)),
        po("__consumer_offsets", 3, Some(0)),
        po("topic3", 2, Some(3)),
        po("topic2", 1, Some(2)),
    ];
    assert_eq!(
        get_offsets::offsets(&rows).stdout(),
        "__consumer_offsets:3:0\ntopic1:0:1\ntopic2:1:2\ntopic3:2:3\ntopic4:2:4\n"
    );
    assert_eq!(
        get_offsets::error(get_offsets::NO_MATCH).stderr(),
        "Error occurred: Could not match any topic-partitions with the specified filters\n"
    );
    assert_eq!(get_offsets::error("x").exit_code, 1);
    assert_eq!(
        get_offsets::skip_partition("t", 0, "boom"),
        "Skip getting offsets for topic-partition t-0 due to error: boom"
    );
}

// `GetOffsetShell` --time, --partitions, --topic-partitions
#[test]
fn get_offsets_parsing() {
    assert_eq!(get_offsets::parse_time("latest"), Ok(OffsetTime::Latest));
    assert_eq!(get_offsets::parse_time("-2"), Ok(OffsetTime::Earliest));
    assert_eq!(get_offsets::parse_time("-3"), Ok(OffsetTime::MaxTimestamp));
    assert_eq!(get_offsets::parse_time("earliest-local"), Ok(OffsetTime::EarliestLocal));
    assert_eq!(get_offsets::parse_time("-5"), Ok(OffsetTime::LatestTiered));
    assert_eq!(get_offsets::parse_time("1729850000000"), Ok(OffsetTime::Timestamp(1_729_850_000_000)));
    assert!(get_offsets::parse_time("Latest").is_err());
    assert_eq!(get_offsets::parse_partitions("2,0,2"), Ok(vec![0, 2]));
    let rules = get_offsets::parse_topic_partitions("topic1:1,topic2:0-3,topic3,topic4:5-,topic5:-3,:7").unwrap();
    assert_eq!(rules[0].partitions, PartitionRule::One(1));
    assert_eq!(rules[1].partitions, PartitionRule::Range { from: 0, to: 3 });
    assert_eq!(rules[2].partitions, PartitionRule::All);
    assert_eq!(rules[3].partitions, PartitionRule::Range { from: 5, to: i32::MAX });
    assert_eq!(rules[4].partitions, PartitionRule::Range { from: 0, to: 3 });
    assert_eq!(rules[5].topic_regex, None);
    assert!(rules[1].partitions.matches(2) && !rules[1].partitions.matches(3));
    assert_eq!(get_offsets::parse_topic_partitions("a:1:2").unwrap_err(), "Invalid rule specification: a:1:2");
}

// ---------------------------------------------------------------------------
// kafka-leader-election (`LeaderElectionCommand`)
// ---------------------------------------------------------------------------

use leader_election::{ElectionResults, ElectionType};

// `LeaderElectionCommand` (exact example)
#[test]
fn leader_election_output() {
    let r = ElectionResults {
        succeeded: vec![("orders".into(), 2), ("orders".into(), 0)],
        not_needed: vec![("orders".into(), 1)],
        failed: vec![],
    };
    let o = leader_election::results(ElectionType::Preferred, &r);
    assert_eq!(
        o.stdout(),
        "Successfully completed leader election (PREFERRED) for partitions orders-0, orders-2\nValid replica already elected for partitions orders-1\n"
    );
    assert_eq!(o.exit_code, 0);
    assert_eq!(leader_election::results(ElectionType::Preferred, &ElectionResults::default()), Output::new());
    let r = ElectionResults {
        succeeded: vec![],
        not_needed: vec![],
        failed: vec![(("orders".into(), 0), leader_election::PREFERRED_NOT_AVAILABLE.into())],
    };
    let o = leader_election::results(ElectionType::Unclean, &r);
    assert_eq!(
        o.stdout(),
        "Error completing leader election (UNCLEAN) for partition: orders-0: org.apache.kafka.common.errors.PreferredLeaderNotAvailableException: The preferred leader was not available.\n"
    );
    assert_eq!(
        o.stderr(),
        "1 replica(s) could not be elected\norg.apache.kafka.tools.AdminCommandFailedException: 1 replica(s) could not be elected\n\tat ...\n\tSuppressed: org.apache.kafka.common.errors.PreferredLeaderNotAvailableException: The preferred leader was not available.\n\n"
    );
    assert_eq!(o.exit_code, 1);
    assert_eq!(ElectionType::parse("Preferred"), Some(ElectionType::Preferred));
}

// ---------------------------------------------------------------------------
// kafka-reassign-partitions (`ReassignPartitionsCommand`)
// ---------------------------------------------------------------------------

use reassign::{OngoingReassignment, PartitionReplicas, VerifyState};

fn pr(t: &str, p: i32, r: &[i32]) -> PartitionReplicas {
    PartitionReplicas { topic: t.into(), partition: p, replicas: r.to_vec(), log_dirs: None }
}

// `ReassignPartitionsCommand` --generate (exact)
#[test]
fn reassign_generate() {
    let o = reassign::generate(
        &[pr("foo", 1, &[2, 3]), pr("foo", 0, &[1, 2])],
        &[pr("foo", 0, &[5, 6]), pr("foo", 1, &[6, 5])],
    );
    assert_eq!(
        o.stdout(),
        "Current partition replica assignment\n{\"version\":1,\"partitions\":[{\"topic\":\"foo\",\"partition\":0,\"replicas\":[1,2],\"log_dirs\":[\"any\",\"any\"]},{\"topic\":\"foo\",\"partition\":1,\"replicas\":[2,3],\"log_dirs\":[\"any\",\"any\"]}]}\n\nProposed partition reassignment configuration\n{\"version\":1,\"partitions\":[{\"topic\":\"foo\",\"partition\":0,\"replicas\":[5,6],\"log_dirs\":[\"any\",\"any\"]},{\"topic\":\"foo\",\"partition\":1,\"replicas\":[6,5],\"log_dirs\":[\"any\",\"any\"]}]}\n"
    );
    let json = reassign::assignment_json(&[pr("a\"b", 0, &[1])]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["partitions"][0]["topic"], "a\"b");
}

// `ReassignPartitionsCommand` --execute (exact)
#[test]
fn reassign_execute() {
    let o = reassign::execute(
        &[pr("foo", 1, &[4, 5, 6]), pr("bar", 0, &[7, 8])],
        &[("foo".into(), 1), ("bar".into(), 0)],
        -1,
        -1,
    );
    assert_eq!(
        o.stdout(),
        "Current partition replica assignment\n\n{\"version\":1,\"partitions\":[{\"topic\":\"bar\",\"partition\":0,\"replicas\":[7,8],\"log_dirs\":[\"any\",\"any\"]},{\"topic\":\"foo\",\"partition\":1,\"replicas\":[4,5,6],\"log_dirs\":[\"any\",\"any\",\"any\"]}]}\n\nSave this to use as the --reassignment-json-file option during rollback\nSuccessfully started partition reassignments for bar-0,foo-1\n"
    );
    let o = reassign::execute(&[pr("foo", 0, &[1])], &[("foo".into(), 0)], 50000, -1);
    assert!(o.stdout().ends_with(
        "Warning: You must run --verify periodically, until the reassignment completes, to ensure the throttle is removed.\nThe inter-broker throttle limit was set to 50000 B/s\nSuccessfully started partition reassignment for foo-0\n"
    ));
    let o = reassign::execute(&[pr("foo", 0, &[1])], &[("foo".into(), 0)], -1, 1000);
    assert!(o.stdout().contains("The replica-alter-dir throttle limit was set to 1000 B/s\n"));
}

// `ReassignPartitionsCommand` --verify (exact)
#[test]
fn reassign_verify() {
    let states = vec![
        ("foo".to_string(), 1, VerifyState::InProgress),
        ("bar".to_string(), 0, VerifyState::InProgress),
        ("foo".to_string(), 0, VerifyState::Completed),
    ];
    assert_eq!(
        reassign::verify(&states, false, &[1, 2, 3], &["foo".into()]).stdout(),
        "Status of partition reassignment:\nReassignment of partition bar-0 is still in progress.\nReassignment of partition foo-0 is completed.\nReassignment of partition foo-1 is still in progress.\n"
    );
    let done = vec![("foo".to_string(), 0, VerifyState::Completed)];
    assert_eq!(
        reassign::verify(&done, false, &[3, 1, 2], &["foo".into()]).stdout(),
        "Status of partition reassignment:\nReassignment of partition foo-0 is completed.\n\nClearing broker-level throttles on brokers 1,2,3\nClearing topic-level throttles on topic foo\n"
    );
    assert_eq!(
        reassign::verify(&done, true, &[1], &["foo".into()]).stdout(),
        "Status of partition reassignment:\nReassignment of partition foo-0 is completed.\n"
    );
    let mism = vec![("foo".to_string(), 0, VerifyState::Mismatch { current: vec![1, 2], target: vec![3, 4] })];
    assert!(reassign::verify(&mism, true, &[], &[])
        .stdout()
        .contains("There is no active reassignment of partition foo-0, but replica set is 1,2 rather than 3,4.\n"));
    assert_eq!(
        reassign::clearing_throttles(&[1], &["a".into(), "b".into()]).stdout(),
        "Clearing broker-level throttles on broker 1\nClearing topic-level throttles on topics a,b\n"
    );
}

// `ReassignPartitionsCommand` --list (exact) and --cancel
#[test]
fn reassign_list_and_cancel() {
    let ongoing = vec![
        OngoingReassignment {
            topic: "foo".into(),
            partition: 1,
            replicas: vec![1, 2, 3],
            adding: vec![4, 5],
            removing: vec![1, 2],
        },
        OngoingReassignment {
            topic: "bar".into(),
            partition: 0,
            replicas: vec![2, 3, 0],
            adding: vec![],
            removing: vec![0],
        },
        OngoingReassignment {
            topic: "foo".into(),
            partition: 0,
            replicas: vec![0, 1, 2],
            adding: vec![4],
            removing: vec![],
        },
    ];
    assert_eq!(
        reassign::list(&ongoing).stdout(),
        "Current partition reassignments:\nbar-0: replicas: 2,3,0. removing: 0.\nfoo-0: replicas: 0,1,2. adding: 4.\nfoo-1: replicas: 1,2,3. adding: 4,5. removing: 1,2.\n"
    );
    assert_eq!(reassign::list(&[]).stdout(), "No partition reassignments found.\n");
    let brokers = [1];
    let topics = ["foo".to_string()];
    assert_eq!(
        reassign::cancel(&[("foo".into(), 0)], Some((&brokers, &topics))).stdout(),
        "Successfully cancelled partition reassignment for: foo-0\nNone of the specified partition moves are active.Clearing broker-level throttles on broker 1\nClearing topic-level throttles on topic foo\n"
    );
    assert_eq!(
        reassign::cancel(&[], None).stdout(),
        "None of the specified partition reassignments are active.\nNone of the specified partition moves are active."
    );
    assert!(reassign::cancel(&[("a".into(), 1), ("a".into(), 0)], None)
        .stdout()
        .starts_with("Successfully cancelled partition reassignments for: a-0,a-1\n"));
}

// `ReassignPartitionsCommand` error texts
#[test]
fn reassign_errors() {
    let o = reassign::terse_error(reassign::EXISTING_ASSIGNMENT);
    assert_eq!(
        o.stdout(),
        "Cannot execute because there is an existing partition assignment.  Use --additional to override this and create a new partition assignment in addition to the existing one. The --additional flag can also be used to change the throttle by resubmitting the current reassignment.\n"
    );
    assert_eq!(o.exit_code, 1);
    assert_eq!(reassign::unknown_broker(9), "Unknown broker id 9");
    assert_eq!(reassign::unable_to_find_partition("foo", 10), "Unable to find partition: foo-10");
    let o = reassign::error("boom", "java.lang.RuntimeException");
    // println(Utils.stackTrace(e)): an empty line ends the trace.
    assert_eq!(o.stdout(), "Error: boom\njava.lang.RuntimeException: boom\n\tat ...\n\n");
}

// ---------------------------------------------------------------------------
// kafka-metadata-quorum (`MetadataQuorumCommand`)
// ---------------------------------------------------------------------------

use quorum::{QuorumInfo, QuorumReplica};

fn qr(id: i32, dir: Option<&str>, leo: i64, fetch: Option<i64>, caught: Option<i64>, eps: &[&str]) -> QuorumReplica {
    QuorumReplica {
        id,
        directory_id: dir.map(str::to_string),
        log_end_offset: leo,
        last_fetch_ms: fetch,
        last_caught_up_ms: caught,
        endpoints: eps.iter().map(|s| s.to_string()).collect(),
    }
}

// `MetadataQuorumCommand` (exact)
#[test]
fn quorum_status() {
    let q = QuorumInfo {
        cluster_id: "5L6g3nShT-eMCtK--X86sw".into(),
        leader_id: 1,
        leader_epoch: 1,
        high_watermark: 1421,
        voters: vec![qr(1, Some("pbvuBlaTTwKRxS5NLJwRFQ"), 1421, Some(1), Some(1), &["CONTROLLER://localhost:9093"])],
        observers: vec![],
    };
    assert_eq!(
        quorum::describe_status(&q).stdout(),
        "ClusterId:              5L6g3nShT-eMCtK--X86sw\nLeaderId:               1\nLeaderEpoch:            1\nHighWatermark:          1421\nMaxFollowerLag:         0\nMaxFollowerLagTimeMs:   0\nCurrentVoters:          [{\"id\": 1, \"directoryId\": \"pbvuBlaTTwKRxS5NLJwRFQ\", \"endpoints\": [\"CONTROLLER://localhost:9093\"]}]\nCurrentObservers:       []\n"
    );
    let q2 = QuorumInfo {
        voters: vec![
            qr(1, Some("a"), 100, None, Some(1000), &["CONTROLLER://c1:9093"]),
            qr(2, None, 90, None, Some(700), &["CONTROLLER://c2:9093", "X://c2:1"]),
        ],
        observers: vec![qr(4, Some("b"), 95, None, None, &[])],
        ..q
    };
    let out = quorum::describe_status(&q2).stdout();
    assert!(out.contains("MaxFollowerLag:         10\nMaxFollowerLagTimeMs:   300\n"));
    assert!(out.contains("{\"id\": 2, \"directoryId\": null, \"endpoints\": [\"CONTROLLER://c2:9093\", \"X://c2:1\"]}"));
    assert!(out.ends_with("CurrentObservers:       [{\"id\": 4, \"directoryId\": \"b\"}]\n"));
}

fn replication_quorum() -> QuorumInfo {
    QuorumInfo {
        cluster_id: "c".into(),
        leader_id: 1,
        leader_epoch: 3,
        high_watermark: 1234,
        voters: vec![
            qr(2, Some("Fz4fwHbdSuCgfSQ3RM4lrg"), 1234, Some(1_729_849_999_721), Some(1_729_849_999_721), &[]),
            qr(1, Some("pbvuBlaTTwKRxS5NLJwRFQ"), 1234, Some(1_729_850_000_000), Some(1_729_850_000_000), &[]),
            qr(3, Some("jD0ebhfKTGSOyGDfV2d5Ew"), 1230, Some(1_729_849_999_400), Some(1_729_849_999_100), &[]),
        ],
        observers: vec![],
    }
}

// `MetadataQuorumCommand` (exact, real TABs, every line ends with a TAB)
#[test]
fn quorum_replication() {
    assert_eq!(
        quorum::describe_replication(&replication_quorum(), None).stdout(),
        "NodeId\tDirectoryId           \tLogEndOffset\tLag\tLastFetchTimestamp\tLastCaughtUpTimestamp\tStatus  \t\n1     \tpbvuBlaTTwKRxS5NLJwRFQ\t1234        \t0  \t1729850000000     \t1729850000000        \tLeader  \t\n2     \tFz4fwHbdSuCgfSQ3RM4lrg\t1234        \t0  \t1729849999721     \t1729849999721        \tFollower\t\n3     \tjD0ebhfKTGSOyGDfV2d5Ew\t1230        \t4  \t1729849999400     \t1729849999100        \tFollower\t\n"
    );
}

// `MetadataQuorumCommand` --human-readable, observers, unknown timestamps, zero directory id
#[test]
fn quorum_replication_details() {
    let mut q = replication_quorum();
    q.observers.push(qr(4, None, 1200, None, None, &[]));
    let out = quorum::describe_replication(&q, Some(1_729_850_000_500)).stdout();
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[1].starts_with("1     \tpbvuBlaTTwKRxS5NLJwRFQ\t1234        \t0  \t500 ms ago"), "{out}");
    assert_eq!(
        lines[4],
        "4     \tAAAAAAAAAAAAAAAAAAAAAA\t1200        \t34 \t-1                \t-1                   \tObserver\t"
    );
    let bad = quorum::describe_replication(&q, Some(1));
    assert_eq!(bad.exit_code, 1);
    assert!(bad.stderr().starts_with("Error while computing relative time, possible drift in system clock.\nCurrent timestamp is 1, last fetch timestamp is 1729850000000\n"));
}

// ---------------------------------------------------------------------------
// kafka-broker-api-versions (`BrokerApiVersionsCommand`)
// ---------------------------------------------------------------------------

use api_versions::{ApiKeyInfo, BrokerNode};

fn node(fenced: Option<bool>) -> BrokerNode {
    BrokerNode { host: "localhost".into(), port: 9092, id: 1, rack: None, is_fenced: fenced }
}

// block layout (BrokerApiVersionsCommandTest)
#[test]
fn api_versions_block() {
    let apis = [
        ApiKeyInfo::new(1, "Fetch", Some((0, 17))),
        ApiKeyInfo::new(0, "Produce", Some((0, 11))),
        ApiKeyInfo::new(75, "DescribeTopicPartitions", Some((0, 0))),
        ApiKeyInfo::new(71, "GetTelemetrySubscriptions", None),
    ];
    assert_eq!(
        api_versions::broker_block(&node(None), &apis),
        "localhost:9092 (id: 1 rack: null) -> (\n\tProduce(0): 0 to 11 [usable: 11],\n\tFetch(1): 0 to 17 [usable: 17],\n\tGetTelemetrySubscriptions(71): UNSUPPORTED,\n\tDescribeTopicPartitions(75): 0 [usable: 0]\n)\n"
    );
    assert_eq!(
        api_versions::broker_error(&node(Some(false)), "timeout"),
        "localhost:9092 (id: 1 rack: null isFenced: false) -> ERROR: timeout\n"
    );
    let mut racked = node(None);
    racked.rack = Some("r1".into());
    assert_eq!(api_versions::node_string(&racked), "localhost:9092 (id: 1 rack: r1)");
}

// ---------------------------------------------------------------------------
// perf tests (ProducerPerformance / ConsumerPerformance format strings)
// ---------------------------------------------------------------------------

use perf::{ConsumerInterval, ConsumerTotal, ProducerTotal, ProducerWindow};

// format strings of apache/kafka tools/.../ProducerPerformance.java and ConsumerPerformance.java
#[test]
fn producer_perf_lines() {
    let w = ProducerWindow {
        count: 4998,
        bytes: 4998 * 100,
        elapsed_ms: 5001,
        total_latency_ms: 4998 * 3,
        max_latency_ms: 17,
    };
    assert_eq!(
        perf::producer_progress_line(&w),
        "4998 records sent, 999.4 records/sec (0.10 MB/sec), 3.0 ms avg latency, 17.0 ms max latency.\n"
    );
    let t = ProducerTotal {
        count: 100_000,
        bytes: 100_000 * 100,
        elapsed_ms: 12_345,
        total_latency_ms: 100_000 * 2 + 12_345,
        max_latency_ms: 345,
        percentiles: [2, 5, 12, 300],
        steady: false,
    };
    assert_eq!(
        perf::producer_total_line(&t),
        "100000 records sent, 8100.445525 records/sec (0.77 MB/sec), 2.12 ms avg latency, 345.00 ms max latency, 2 ms 50th, 5 ms 95th, 12 ms 99th, 300 ms 99.9th.\n"
    );
    assert_eq!(
        perf::producer_total_line(&ProducerTotal { steady: true, ..t }),
        "100000 steady state records sent, 8100.445525 records/sec (0.77 MB/sec), 2.12 ms avg latency, 345.00 ms max latency, 2 ms 50th, 5 ms 95th, 12 ms 99th, 300 ms 99.9th.\n"
    );
    let lat: Vec<i32> = (1..=1000).rev().collect();
    assert_eq!(perf::percentiles(&lat), [501, 951, 991, 1000]);
    assert_eq!(perf::percentiles(&[]), [0, 0, 0, 0]);
    assert_eq!(perf::percentiles(&[7]), [7, 7, 7, 7]);
}

// format strings of apache/kafka tools/.../ProducerPerformance.java and ConsumerPerformance.java
#[test]
fn consumer_perf_lines() {
    assert_eq!(
        perf::consumer_header(false),
        "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec\n"
    );
    assert_eq!(
        perf::consumer_header(true),
        "time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec\n"
    );
    let t = ConsumerTotal {
        start_ms: 1_729_850_000_000,
        end_ms: 1_729_850_004_000,
        bytes: 10 * 1024 * 1024,
        messages: 100_000,
        join_ms: 3000,
    };
    assert_eq!(
        perf::consumer_summary_line(&t),
        "2024-10-25 09:53:20:000, 2024-10-25 09:53:24:000, 10.0000, 2.5000, 100000, 25000.0000, 3000, 1000, 10.0000, 100000.0000\n"
    );
    let i = ConsumerInterval {
        bytes_read: 2 * 1024 * 1024,
        last_bytes_read: 1024 * 1024,
        messages_read: 2000,
        last_messages_read: 1000,
        start_ms: 0,
        end_ms: 5000,
        join_ms_in_round: 0,
    };
    assert_eq!(
        perf::consumer_detailed_line(&i),
        "1970-01-01 00:00:05:000, 0, 2.0000, 0.2000, 2000, 200.0000, 0, 5000, 0.2000, 200.0000\n"
    );
    assert_eq!(
        perf::consumer_timeout_warning(10000),
        "WARNING: Exiting before consuming the expected number of records: timeout (10000 ms) exceeded. You can use the --timeout option to increase the timeout.\n"
    );
    assert_eq!(perf::simple_date(0), "1970-01-01 00:00:00:000");
    assert_eq!(perf::simple_date(951_782_400_123), "2000-02-29 00:00:00:123");
    assert_eq!(perf::simple_date(-1), "1969-12-31 23:59:59:999");
}
