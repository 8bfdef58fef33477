//! The secured cluster (SASL/PLAIN and the `StandardAuthorizer`): what each request needs, as
//! `KafkaApis` asks the authorizer, and how the clients fail when refused. Each test shows the
//! refusal and then that the ACL Kafka asks for is enough, so none can pass by refusing
//! everything (or nothing). The same commands were recorded on a real 4.4 cluster in
//! `tests/conformance/scenarios/acls_denied.txt` and `acls_refused.txt`.
#![cfg(not(target_arch = "wasm32"))]

use brokerlab::console::format::Output;
use brokerlab::console::session::Console;
use brokerlab::sim::world::ClusterConfig;

const BS: &str = "--bootstrap-server localhost:9092";

fn secured() -> Console {
    let mut cfg = ClusterConfig::default();
    for (k, v) in brokerlab::sim::acl::SASL_PLAIN_BROKER_CONFIGS {
        cfg.broker_configs.insert(k.to_string(), v.to_string());
    }
    let mut c = Console::new(7, cfg).expect("boots");
    for (user, password) in
        [("admin", "admin-secret"), ("alice", "alice-secret"), ("bob", "bob-secret"), ("wrong", "nope")]
    {
        let name = if user == "wrong" { "alice" } else { user };
        let file = format!(
            "cat > {user}.properties <<EOF\nsecurity.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"{name}\" password=\"{password}\";\nEOF"
        );
        c.run_script(&file, true);
    }
    run(&mut c, &format!("kafka-topics {BS} --command-config admin.properties --create --topic orders --partitions 1 --replication-factor 3"));
    run(&mut c, &format!("echo a | kafka-console-producer {BS} --producer.config admin.properties --topic orders"));
    c
}

fn run(c: &mut Console, line: &str) -> Output {
    let r = c.run_script(line, false);
    r.commands.last().map(|r| r.output.clone()).expect("the command ran")
}

fn grant(c: &mut Console, what: &str) {
    let o = run(c, &format!("kafka-acls {BS} --command-config admin.properties --add {what}"));
    assert_eq!(o.exit_code, 0, "{}", o.stderr());
}

// SaslServerAuthenticator with PlainServerCallbackHandler: a wrong password fails the
// SaslAuthenticate exchange of the connection, and the admin client ends with the
// SaslAuthenticationException (AdminMetadataManager's fatal metadata error), not a timeout.
#[test]
fn a_wrong_password_fails_the_connection_at_authentication() {
    let mut c = secured();
    let o = run(&mut c, &format!("kafka-topics {BS} --command-config wrong.properties --list"));
    assert_eq!(o.exit_code, 1);
    assert_eq!(
        o.stdout(),
        "Error while executing topic command : Authentication failed: Invalid username or password\n"
    );
    assert!(o.stderr().contains("Connection to node -1 (localhost/127.0.0.1:9092) failed authentication due to: Authentication failed: Invalid username or password"), "{}", o.stderr());
    assert!(o.stderr().contains("org.apache.kafka.common.errors.SaslAuthenticationException"), "{}", o.stderr());
    // The right password for the same user lists the topics alice may describe: none yet (the
    // tool prints an empty line), and nothing goes wrong.
    let o = run(&mut c, &format!("kafka-topics {BS} --command-config alice.properties --list"));
    assert_eq!((o.exit_code, o.stdout(), o.stderr()), (0, "\n".to_string(), String::new()));
}

// KafkaApis.handleFetchRequest: a consumer needs READ on the topic (DESCRIBE is enough for its
// metadata and ListOffsets); FetchCollector turns TOPIC_AUTHORIZATION_FAILED into
// TopicAuthorizationException, which the console consumer's poll throws.
#[test]
fn a_consumer_needs_read_on_the_topic_to_fetch() {
    let mut c = secured();
    grant(&mut c, "--allow-principal User:alice --operation Read --group billing");
    grant(&mut c, "--allow-principal User:alice --operation Describe --topic orders");
    let consume = format!("kafka-console-consumer {BS} --consumer.config alice.properties --topic orders --group billing --from-beginning --max-messages 1 --timeout-ms 10000");
    let o = run(&mut c, &consume);
    assert!(o.stderr().contains("Not authorized to read from partition orders-0."), "{}", o.stderr());
    assert!(
        o.stderr().contains(
            "org.apache.kafka.common.errors.TopicAuthorizationException: Not authorized to access topics: [orders]"
        ),
        "{}",
        o.stderr()
    );
    assert!(!o.stdout().lines().any(|l| l == "a"), "{}", o.stdout());
    grant(&mut c, "--allow-principal User:alice --operation Read --topic orders");
    let o = run(&mut c, &consume);
    assert!(o.stdout().lines().any(|l| l == "a"), "{}\n{}", o.stdout(), o.stderr());
    assert!(!o.stderr().contains("ERROR"), "{}", o.stderr());
}

// KafkaApis.handleDescribeConfigsRequest: DESCRIBE_CONFIGS on the topic, else
// TOPIC_AUTHORIZATION_FAILED with its default message; ALTER_CONFIGS implies DESCRIBE_CONFIGS
// (StandardAuthorizerData's implied operations).
#[test]
fn describing_a_topics_configs_needs_describe_configs() {
    let mut c = secured();
    // DESCRIBE lets alice see the topic, not its configs.
    grant(&mut c, "--allow-principal User:alice --operation Describe --topic orders");
    let describe = format!(
        "kafka-configs {BS} --command-config alice.properties --describe --entity-type topics --entity-name orders"
    );
    let o = run(&mut c, &describe);
    assert_eq!(o.exit_code, 1);
    assert!(
        o.stderr().contains(
            "Caused by: org.apache.kafka.common.errors.TopicAuthorizationException: Topic authorization failed."
        ),
        "{}",
        o.stderr()
    );
    grant(&mut c, "--allow-principal User:alice --operation AlterConfigs --topic orders");
    let o = run(&mut c, &describe);
    assert_eq!((o.exit_code, o.stdout()), (0, "Dynamic configs for topic orders are:\n".to_string()), "{}", o.stderr());
}

// KafkaApis.handleFindCoordinatorRequest and handleInitProducerIdRequest: a transactional
// producer needs DESCRIBE (to find its coordinator) and WRITE on its transactional id; WRITE on
// the topic alone is refused TRANSACTIONAL_ID_AUTHORIZATION_FAILED, fatal to initTransactions().
#[test]
fn a_transactional_producer_needs_write_on_its_transactional_id() {
    let mut c = secured();
    grant(&mut c, "--allow-principal User:bob --operation Write --topic orders");
    let perf = "kafka-producer-perf-test --topic orders --num-records 1 --record-size 10 --throughput -1 --transactional-id tx-1 --producer.config bob.properties --producer-props bootstrap.servers=localhost:9092";
    let o = run(&mut c, perf);
    assert_eq!(o.exit_code, 1);
    assert!(o.stderr().contains("Exception in thread \"main\" org.apache.kafka.common.errors.TransactionalIdAuthorizationException: Transactional Id authorization failed."), "{}", o.stderr());
    grant(&mut c, "--allow-principal User:bob --operation Write --transactional-id tx-1");
    let o = run(&mut c, perf);
    assert_eq!(o.exit_code, 0, "{}", o.stderr());
    assert!(o.stdout().contains("1 records sent"), "{}", o.stdout());
}

// Metadata.checkUnauthorizedTopics and KafkaProducer.waitOnMetadata: a send to a topic the
// metadata answers TOPIC_AUTHORIZATION_FAILED fails at once (no wait for max.block.ms); an
// idempotent producer with no WRITE anywhere is also refused InitProducerId
// (authorizeByResourceType, KIP-679), which its I/O thread reports when it closes.
#[test]
fn a_producer_without_acls_fails_its_send_at_once() {
    let mut c = secured();
    let start = c.sim().now();
    let o = run(&mut c, &format!("echo a:1 | kafka-console-producer {BS} --producer.config alice.properties --topic orders --property parse.key=true --property key.separator=:"));
    let took = c.sim().now().ms_since(start);
    assert!(took < 5_000, "took {took} ms");
    let err = o.stderr();
    assert!(
        err.contains("Topic authorization failed for topics [orders] (org.apache.kafka.clients.Metadata)"),
        "{err}"
    );
    assert!(
        err.contains(
            "org.apache.kafka.common.errors.TopicAuthorizationException: Not authorized to access topics: [orders]"
        ),
        "{err}"
    );
    assert!(
        err.contains("Error in kafka producer I/O thread while aborting transaction when during closing:"),
        "{err}"
    );
    grant(&mut c, "--allow-principal User:alice --producer --topic orders");
    let o =
        run(&mut c, &format!("echo b | kafka-console-producer {BS} --producer.config alice.properties --topic orders"));
    assert_eq!((o.exit_code, o.stderr().contains("ERROR")), (0, false), "{}", o.stderr());
}
