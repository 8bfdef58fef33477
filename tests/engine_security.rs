//! The secured cluster (SASL/PLAIN and the `StandardAuthorizer`): what each request needs, as
//! `KafkaApis` asks the authorizer, and how the clients fail when refused. Each test shows the
//! refusal and then that the ACL Kafka asks for is enough, so none can pass by refusing
//! everything (or nothing). The same commands were recorded on a real 4.4 cluster in
//! `tests/conformance/scenarios/acls_denied.txt`, `acls_refused.txt`, `acls_groups_denied.txt`,
//! `acls_admin_denied.txt`, `acls_cluster_denied.txt` and `acls_commit_partial.txt`.
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

/// The committed offsets of group `billing` on `orders` (admin consumes the record `a`).
fn billing_committed(c: &mut Console) {
    let o = run(c, &format!("kafka-console-consumer {BS} --consumer.config admin.properties --topic orders --group billing --from-beginning --max-messages 1 --timeout-ms 10000"));
    assert!(o.stdout().lines().any(|l| l == "a"), "{}\n{}", o.stdout(), o.stderr());
}

fn groups_as_alice(c: &mut Console, args: &str) -> Output {
    run(c, &format!("kafka-consumer-groups {BS} --command-config alice.properties {args}"))
}

// KafkaApis.handleListGroupsRequest: with DESCRIBE on the cluster every group, else only the
// groups the principal may DESCRIBE, and no error either way (`acls_groups_denied`).
#[test]
fn listing_groups_shows_only_the_groups_the_principal_may_describe() {
    let mut c = secured();
    billing_committed(&mut c);
    let o = run(&mut c, &format!("kafka-console-consumer {BS} --consumer.config admin.properties --topic orders --group audit --from-beginning --max-messages 1 --timeout-ms 10000"));
    assert_eq!(o.exit_code, 0, "{}", o.stderr());
    let o = groups_as_alice(&mut c, "--list");
    assert_eq!((o.exit_code, o.stdout(), o.stderr()), (0, String::new(), String::new()));
    grant(&mut c, "--allow-principal User:alice --operation Describe --group billing");
    let o = groups_as_alice(&mut c, "--list");
    assert_eq!((o.stdout(), o.stderr()), ("billing\n".to_string(), String::new()));
    grant(&mut c, "--allow-principal User:alice --operation Describe --cluster");
    let o = groups_as_alice(&mut c, "--list");
    let stdout = o.stdout();
    let mut listed: Vec<&str> = stdout.lines().collect();
    listed.sort_unstable();
    assert_eq!(listed, ["audit", "billing"], "{}", o.stderr());
}

// KafkaApis.handleDescribeGroupsRequest (DESCRIBE on the group) and fetchAllOffsetsForGroup:
// the group's offsets of topics the principal may not DESCRIBE are left out, so the group looks
// as if it had none (`acls_groups_denied`).
#[test]
fn describing_a_group_leaves_out_the_topics_the_principal_may_not_describe() {
    let mut c = secured();
    billing_committed(&mut c);
    grant(&mut c, "--allow-principal User:alice --operation Describe --group billing");
    let o = groups_as_alice(&mut c, "--describe --group billing");
    assert_eq!(o.exit_code, 0);
    assert_eq!(o.stdout(), "", "{}", o.stderr());
    assert_eq!(o.stderr(), "\nConsumer group 'billing' has no active members.\n");
    grant(&mut c, "--allow-principal User:alice --operation Describe --topic orders");
    let o = groups_as_alice(&mut c, "--describe --group billing");
    let stdout = o.stdout();
    let row: Vec<&str> = stdout.lines().find(|l| l.starts_with("billing")).expect("a row").split_whitespace().collect();
    assert_eq!(row, ["billing", "orders", "0", "1", "1", "0", "-", "-", "-"], "{}", o.stdout());
}

// KafkaApis.handleDeleteGroupsRequest: DELETE on each group, else GROUP_AUTHORIZATION_FAILED for
// that group alone; DESCRIBE is not enough (`acls_groups_denied`).
#[test]
fn deleting_a_group_needs_delete_on_it() {
    let mut c = secured();
    billing_committed(&mut c);
    grant(&mut c, "--allow-principal User:alice --operation Describe --group billing");
    let o = groups_as_alice(&mut c, "--delete --group billing");
    assert_eq!(
        o.stdout(),
        "\nError: Deletion of some consumer groups failed:\n* Group 'billing' could not be deleted due to: org.apache.kafka.common.errors.GroupAuthorizationException: Group authorization failed.\n"
    );
    grant(&mut c, "--allow-principal User:alice --operation Delete --group billing");
    let o = groups_as_alice(&mut c, "--delete --group billing");
    assert_eq!(o.stdout(), "Deletion of requested consumer groups ('billing') was successful.\n", "{}", o.stderr());
    let o = run(&mut c, &format!("kafka-consumer-groups {BS} --command-config admin.properties --list"));
    assert_eq!(o.stdout(), "");
}

// KafkaApis.handleOffsetDeleteRequest: DELETE on the group (else the whole request fails
// GROUP_AUTHORIZATION_FAILED), then READ on each topic (else its partitions fail
// TOPIC_AUTHORIZATION_FAILED), as ConsumerGroupService.deleteOffsets prints them
// (`acls_groups_denied`).
#[test]
fn deleting_offsets_needs_delete_on_the_group_and_read_on_the_topic() {
    let mut c = secured();
    billing_committed(&mut c);
    // DESCRIBE finds the group's coordinator (FindCoordinator), nothing more.
    grant(&mut c, "--allow-principal User:alice --operation Describe --group billing");
    let delete = "--delete-offsets --group billing --topic orders:0";
    let o = groups_as_alice(&mut c, delete);
    assert_eq!(o.stdout(), "\nError: Group authorization failed.\n\nTOPIC           PARTITION  STATUS         \norders          0          Error: org.apache.kafka.common.errors.GroupAuthorizationException: Group authorization failed.\n");
    grant(&mut c, "--allow-principal User:alice --operation Delete --group billing");
    let o = groups_as_alice(&mut c, delete);
    assert_eq!(o.stdout(), "\nError: Encountered some partition-level error, see the follow-up details.\n\nTOPIC           PARTITION  STATUS         \norders          0          Error: org.apache.kafka.common.errors.TopicAuthorizationException: Topic authorization failed.\n");
    grant(&mut c, "--allow-principal User:alice --operation Read --topic orders");
    let o = groups_as_alice(&mut c, delete);
    assert_eq!(o.stdout(), "Request succeeded for deleting offsets from group billing.\n\nTOPIC           PARTITION  STATUS         \norders          0          Successful     \n");
}

// ControllerApis.handleIncrementalAlterConfigs (`authorizeAlterResource`): ALTER_CONFIGS on the
// topic, or on the cluster for a broker's configs and the brokers' default
// (`acls_admin_denied`).
#[test]
fn altering_configs_needs_alter_configs() {
    let mut c = secured();
    let topic = format!("kafka-configs {BS} --command-config alice.properties --alter --entity-type topics --entity-name orders --add-config retention.ms=1000");
    let broker = format!("kafka-configs {BS} --command-config alice.properties --alter --entity-type brokers --entity-name 1 --add-config log.cleaner.threads=2");
    let default = format!("kafka-configs {BS} --command-config alice.properties --alter --entity-type brokers --entity-default --add-config log.cleaner.threads=2");
    // DESCRIBE_CONFIGS does not imply ALTER_CONFIGS.
    grant(&mut c, "--allow-principal User:alice --operation DescribeConfigs --topic orders");
    grant(&mut c, "--allow-principal User:alice --operation DescribeConfigs --cluster");
    for (cmd, error) in [
        (&topic, "TopicAuthorizationException: Topic authorization failed."),
        (&broker, "ClusterAuthorizationException: Cluster authorization failed."),
        (&default, "ClusterAuthorizationException: Cluster authorization failed."),
    ] {
        let o = run(&mut c, cmd);
        assert_eq!(o.exit_code, 1, "{cmd}");
        assert!(
            o.stderr().contains(&format!("Caused by: org.apache.kafka.common.errors.{error}")),
            "{cmd}\n{}",
            o.stderr()
        );
    }
    grant(&mut c, "--allow-principal User:alice --operation AlterConfigs --topic orders");
    let o = run(&mut c, &topic);
    assert_eq!(
        (o.exit_code, o.stdout()),
        (0, "Completed updating config for topic orders.\n".into()),
        "{}",
        o.stderr()
    );
    assert_eq!(run(&mut c, &broker).exit_code, 1);
    grant(&mut c, "--allow-principal User:alice --operation AlterConfigs --cluster");
    let o = run(&mut c, &broker);
    assert_eq!((o.exit_code, o.stdout()), (0, "Completed updating config for broker 1.\n".into()), "{}", o.stderr());
}

// ControllerApis.createPartitions (`filterAlterAuthorizedTopics`): ALTER on the topic, else
// TOPIC_AUTHORIZATION_FAILED, as TopicCommand prints it (`acls_admin_denied`).
#[test]
fn adding_partitions_needs_alter_on_the_topic() {
    let mut c = secured();
    grant(&mut c, "--allow-principal User:alice --operation Describe --topic orders");
    let alter = format!("kafka-topics {BS} --command-config alice.properties --alter --topic orders --partitions 2");
    let o = run(&mut c, &alter);
    assert_eq!(o.exit_code, 1);
    assert_eq!(o.stdout(), "Error while executing topic command : Topic authorization failed.\n");
    grant(&mut c, "--allow-principal User:alice --operation Alter --topic orders");
    let o = run(&mut c, &alter);
    assert_eq!((o.exit_code, o.stdout()), (0, String::new()), "{}", o.stderr());
    let o = run(&mut c, &format!("kafka-get-offsets {BS} --command-config alice.properties --topic orders"));
    assert_eq!(o.stdout(), "orders:0:1\norders:1:0\n", "{}", o.stderr());
}

// KafkaApis.handleListOffsetRequest: DESCRIBE on each topic (`partitionByAuthorized`); the
// refused topic's partitions answer TOPIC_AUTHORIZATION_FAILED and the others their offsets, in
// one response. The tools never get this far without DESCRIBE (their metadata leaves the topic
// out: `kafka-get-offsets` in `acls_admin_denied`), so the request is sent as it is.
#[test]
fn list_offsets_needs_describe_on_each_topic() {
    use brokerlab::sim::acl::Login;
    use brokerlab::sim::client::admin::{Call, Target};
    use brokerlab::sim::errors::KafkaError;
    use brokerlab::sim::protocol::{Isolation, Request, Response};
    use brokerlab::sim::types::TopicPartition;
    let mut c = secured();
    // Both led by broker 1, so one ListOffsets asks about both.
    for t in ["audit", "ledger"] {
        run(
            &mut c,
            &format!(
                "kafka-topics {BS} --command-config admin.properties --create --topic {t} --replica-assignment 1:2:3"
            ),
        );
    }
    run(&mut c, &format!("echo a | kafka-console-producer {BS} --producer.config admin.properties --topic ledger"));
    grant(&mut c, "--allow-principal User:alice --operation Describe --topic audit");
    let mut sim = c.sim().clone();
    let mut list_offsets = |user: &str| {
        sim.set_login_for_new_clients(Some(Login { username: user.into(), password: format!("{user}-secret") }));
        let admin = sim.create_admin(user, "localhost:9092");
        sim.set_login_for_new_clients(None);
        let partitions = vec![(TopicPartition::new("ledger", 0), -1), (TopicPartition::new("audit", 0), -1)];
        let call = Call::new(
            "listOffsets",
            Target::Broker(1),
            Request::ListOffsets { isolation: Isolation::ReadUncommitted, partitions },
        );
        let task = sim.admin_run(admin, vec![call], None);
        sim.close_client(admin);
        match task.calls[0].response.clone() {
            Some(Ok(Response::ListOffsets { partitions })) => {
                let mut v: Vec<_> = partitions.into_iter().map(|(tp, r)| (tp.topic, r.map(|(o, _)| o))).collect();
                v.sort_by(|a, b| a.0.cmp(&b.0));
                v
            }
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(
        list_offsets("alice"),
        [("audit".to_string(), Ok(0)), ("ledger".to_string(), Err(KafkaError::TOPIC_AUTHORIZATION_FAILED))]
    );
    // The super user is refused nothing.
    assert_eq!(list_offsets("admin"), [("audit".to_string(), Ok(0)), ("ledger".to_string(), Ok(1))]);
}

/// The RECORDS column of `consumer list` for one application.
fn records_of(c: &mut Console, name: &str) -> String {
    let o = run(c, "consumer list");
    let row = o.stdout().lines().find(|l| l.split_whitespace().next() == Some(name)).map(str::to_string);
    let row = row.unwrap_or_else(|| panic!("{name} is listed: {}", o.stdout()));
    row.split_whitespace().nth(4).expect("a RECORDS column").to_string()
}

// `consumer start` logs in with the SASL/PLAIN settings among its `--consumer-property` values, as
// `producer start` does with `--producer-property`: the application is alice, so it reads only
// once alice may READ the group and the topic (KafkaApis.handleJoinGroupRequest,
// handleFetchRequest).
#[test]
fn a_consumer_application_logs_in_with_its_consumer_properties() {
    let mut c = secured();
    let login = "--consumer-property security.protocol=SASL_PLAINTEXT --consumer-property sasl.mechanism=PLAIN --consumer-property 'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\" password=\"alice-secret\";'";
    let o = run(&mut c, &format!("consumer start c1 --group billing --topic orders --offset-reset earliest {login}"));
    assert_eq!(o.exit_code, 0, "{}", o.stderr());
    run(&mut c, "sleep 10s");
    assert_eq!(records_of(&mut c, "c1"), "0");
    run(&mut c, "consumer crash c1");
    grant(&mut c, "--allow-principal User:alice --consumer --group billing --topic orders");
    let o = run(&mut c, &format!("consumer start c2 --group billing --topic orders --offset-reset earliest {login}"));
    assert_eq!(o.exit_code, 0, "{}", o.stderr());
    run(&mut c, "sleep 10s");
    assert_eq!(records_of(&mut c, "c2"), "1");
}

// KafkaApis.handleConsumerGroupHeartbeat and handleShareGroupHeartbeat: DESCRIBE on the group
// finds the coordinator, the heartbeat needs READ; AbstractHeartbeatRequestManager.onErrorResponse
// makes GROUP_AUTHORIZATION_FAILED fatal with `GroupAuthorizationException.forGroupId`'s message
// (`acls_heartbeat_denied`).
#[test]
fn a_heartbeat_needs_read_on_the_group() {
    let mut c = secured();
    run(&mut c, "cat > alice-848.properties <<EOF\nsecurity.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\" password=\"alice-secret\";\ngroup.protocol=consumer\nEOF");
    grant(&mut c, "--allow-principal User:alice --operation Describe --group billing --group sg --topic orders");
    let consume = format!("kafka-console-consumer {BS} --command-config alice-848.properties --topic orders --group billing --from-beginning --max-messages 1 --timeout-ms 10000");
    let share = format!(
        "kafka-console-share-consumer {BS} --command-config alice.properties --topic orders --group sg --timeout-ms 10000"
    );
    let o = run(&mut c, &consume);
    assert!(o.stderr().contains("ConsumerGroupHeartbeatRequest failed due to group authorization failure: Not authorized to access group: billing"), "{}", o.stderr());
    assert!(
        o.stderr().contains(
            "org.apache.kafka.common.errors.GroupAuthorizationException: Not authorized to access group: billing"
        ),
        "{}",
        o.stderr()
    );
    let o = run(&mut c, &share);
    assert!(
        o.stderr().contains(
            "ShareGroupHeartbeatRequest failed due to group authorization failure: Not authorized to access group: sg"
        ),
        "{}",
        o.stderr()
    );
    grant(&mut c, "--allow-principal User:alice --operation Read --group billing --group sg --topic orders");
    let o = run(&mut c, &consume);
    assert_eq!((o.stdout(), o.stderr().contains("ERROR")), ("a\n".to_string(), false), "{}", o.stderr());
    // The share group starts at the latest offset (`share.auto.offset.reset`), so the share
    // consumer joins, gets nothing and ends at its --timeout-ms, as `share_consumer_basic` shows.
    let o = run(&mut c, &share);
    assert!(!o.stderr().contains("authoriz"), "{}", o.stderr());
    assert!(o.stderr().contains("org.apache.kafka.common.errors.TimeoutException"), "{}", o.stderr());
}

// KafkaApis.handleDescribeClientQuotasRequest: DESCRIBE_CONFIGS on the cluster, else
// CLUSTER_AUTHORIZATION_FAILED (the error's own message), which kafka-configs lets through; for
// users it then asks for their SCRAM credentials, which needs DESCRIBE on the cluster
// (handleDescribeUserScramCredentialsRequest); altering quotas needs ALTER_CONFIGS on the cluster
// (ControllerApis.handleAlterClientQuotas). As recorded in `acls_quotas_denied`.
#[test]
fn client_quotas_need_describe_configs_and_alter_configs_on_the_cluster() {
    let mut c = secured();
    let refused =
        "Caused by: org.apache.kafka.common.errors.ClusterAuthorizationException: Cluster authorization failed.";
    let clients = format!("kafka-configs {BS} --command-config alice.properties --describe --entity-type clients");
    let users = format!("kafka-configs {BS} --command-config alice.properties --describe --entity-type users");
    let alter = format!("kafka-configs {BS} --command-config alice.properties --alter --entity-type clients --entity-name app --add-config producer_byte_rate=1024");
    for cmd in [&clients, &users, &alter] {
        let o = run(&mut c, cmd);
        assert_eq!(o.exit_code, 1, "{cmd}");
        assert!(o.stderr().contains(refused), "{cmd}\n{}", o.stderr());
    }
    grant(&mut c, "--allow-principal User:alice --operation DescribeConfigs --cluster");
    let o = run(&mut c, &clients);
    assert_eq!((o.exit_code, o.stdout(), o.stderr()), (0, String::new(), String::new()));
    let o = run(&mut c, &users);
    assert!(o.exit_code == 1 && o.stderr().contains(refused), "{}", o.stderr());
    grant(&mut c, "--allow-principal User:alice --operation Describe --operation AlterConfigs --cluster");
    let o = run(&mut c, &users);
    assert_eq!((o.exit_code, o.stdout(), o.stderr()), (0, String::new(), String::new()));
    let o = run(&mut c, &alter);
    assert_eq!(
        (o.exit_code, o.stdout()),
        (0, "Completed updating config for client app.\n".to_string()),
        "{}",
        o.stderr()
    );
}

// ControllerApis.handleListPartitionReassignments and handleDescribeQuorum: DESCRIBE on the
// cluster; handleAlterPartitionReassignments: ALTER on the cluster (`AuthHelper.
// authorizeClusterOperation`, CLUSTER_AUTHORIZATION_FAILED with "Request ... needs <OP>
// permission.", except DescribeQuorum's `getTopLevelErrorResponse`, which keeps only the code).
// kafka-reassign-partitions asks ListPartitionReassignments before it alters anything, so
// --execute without DESCRIBE fails there (`acls_cluster_denied`).
#[test]
fn reassignments_and_the_quorum_need_describe_and_alter_on_the_cluster() {
    let mut c = secured();
    c.run_script(
        "cat > plan.json <<EOF\n{\"version\":1,\"partitions\":[{\"topic\":\"orders\",\"partition\":0,\"replicas\":[1,2,3],\"log_dirs\":[\"any\",\"any\",\"any\"]}]}\nEOF",
        true,
    );
    grant(&mut c, "--allow-principal User:alice --operation Describe --topic orders");
    let reassign = |c: &mut Console, args: &str| {
        run(c, &format!("kafka-reassign-partitions {BS} --command-config alice.properties {args}"))
    };
    let quorum = |c: &mut Console, what: &str| {
        run(c, &format!("kafka-metadata-quorum {BS} --command-config alice.properties describe --{what}"))
    };
    let describe_refused = "Error: org.apache.kafka.common.errors.ClusterAuthorizationException: Request Request(";
    for args in
        ["--list", "--verify --reassignment-json-file plan.json", "--execute --reassignment-json-file plan.json"]
    {
        let o = reassign(&mut c, args);
        assert_eq!(o.exit_code, 1, "{args}");
        let first = o.stdout().lines().next().unwrap_or_default().to_string();
        assert!(
            first.starts_with(describe_refused) && first.ends_with(" needs DESCRIBE permission."),
            "{args}: {first}"
        );
    }
    for what in ["status", "replication"] {
        let o = quorum(&mut c, what);
        assert_eq!((o.exit_code, o.stdout()), (1, String::new()), "{what}");
        assert!(
            o.stderr().starts_with(
                "org.apache.kafka.common.errors.ClusterAuthorizationException: Cluster authorization failed.\n"
            ),
            "{}",
            o.stderr()
        );
    }
    grant(&mut c, "--allow-principal User:alice --operation Describe --cluster");
    let o = reassign(&mut c, "--list");
    assert_eq!((o.exit_code, o.stdout()), (0, "No partition reassignments found.\n".to_string()), "{}", o.stderr());
    let o = quorum(&mut c, "status");
    assert!(o.exit_code == 0 && o.stdout().contains("\nLeaderId:"), "{}{}", o.stdout(), o.stderr());
    // DESCRIBE is not ALTER: the partition is refused and stays where it was.
    let o = reassign(&mut c, "--execute --reassignment-json-file plan.json");
    assert_eq!(o.exit_code, 1);
    let refusal = o.stdout().split("Error reassigning partition(s):\n").nth(1).unwrap_or_default().to_string();
    assert!(
        refusal.starts_with("orders-0: Request Request(") && refusal.ends_with(" needs ALTER permission.\n"),
        "{}",
        o.stdout()
    );
    let describe = format!("kafka-topics {BS} --command-config admin.properties --describe --topic orders");
    let before = run(&mut c, &describe).stdout();
    assert!(!before.contains("Replicas: 1,2,3"), "{before}");
    grant(&mut c, "--allow-principal User:alice --operation Alter --cluster");
    let o = reassign(&mut c, "--execute --reassignment-json-file plan.json");
    assert_eq!(o.exit_code, 0, "{}{}", o.stdout(), o.stderr());
    assert!(o.stdout().ends_with("Successfully started partition reassignment for orders-0\n"), "{}", o.stdout());
    run(&mut c, "sleep 5s");
    assert!(run(&mut c, &describe).stdout().contains("Replicas: 1,2,3"), "{}", run(&mut c, &describe).stdout());
}

/// A raw OffsetCommit (`commit: true`) or TxnOffsetCommit from alice for group `billing` over
/// `orders-0` (offset 1) and `ledger-0` (offset 0); the per-partition errors, sorted by topic.
fn commit_as_alice(
    sim: &mut brokerlab::sim::world::Sim,
    transactional: bool,
) -> Vec<(String, Option<brokerlab::sim::errors::KafkaError>)> {
    use brokerlab::sim::acl::Login;
    use brokerlab::sim::client::admin::{Call, Target};
    use brokerlab::sim::protocol::{Request, Response};
    use brokerlab::sim::types::TopicPartition;
    sim.set_login_for_new_clients(Some(Login { username: "alice".into(), password: "alice-secret".into() }));
    let admin = sim.create_admin("alice", "localhost:9092");
    sim.set_login_for_new_clients(None);
    let (orders, ledger) = (TopicPartition::new("orders", 0), TopicPartition::new("ledger", 0));
    let request = if transactional {
        Request::TxnOffsetCommit {
            transactional_id: "tx-1".into(),
            group: "billing".into(),
            producer_id: 4242,
            producer_epoch: 0,
            generation: -1,
            member_id: String::new(),
            offsets: vec![(orders, 1), (ledger, 0)],
        }
    } else {
        Request::OffsetCommit {
            group: "billing".into(),
            generation: -1,
            member_id: String::new(),
            offsets: vec![(orders, 1, None), (ledger, 0, None)],
        }
    };
    let call = Call::new("commit", Target::Coordinator { key: "billing".into(), transaction: false }, request);
    let task = sim.admin_run(admin, vec![call], None);
    sim.close_client(admin);
    let mut v: Vec<_> = match task.calls[0].response.clone() {
        Some(Ok(Response::OffsetCommit { results, error: None })) => results,
        Some(Ok(Response::TxnOffsetCommit { results })) => results,
        other => panic!("{other:?}"),
    }
    .into_iter()
    .map(|(tp, e)| (tp.topic, e))
    .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

/// The committed offsets of group `billing` on `ledger-0` and `orders-0` as the super user's
/// OffsetFetch answers them (with `requireStable`), sorted by topic.
fn billing_offsets(
    sim: &mut brokerlab::sim::world::Sim,
) -> Vec<(String, i64, Option<brokerlab::sim::errors::KafkaError>)> {
    use brokerlab::sim::acl::Login;
    use brokerlab::sim::client::admin::{Call, Target};
    use brokerlab::sim::protocol::{Request, Response};
    use brokerlab::sim::types::TopicPartition;
    sim.set_login_for_new_clients(Some(Login { username: "admin".into(), password: "admin-secret".into() }));
    let admin = sim.create_admin("admin", "localhost:9092");
    sim.set_login_for_new_clients(None);
    let partitions = Some(vec![TopicPartition::new("ledger", 0), TopicPartition::new("orders", 0)]);
    let fetch = Request::OffsetFetch { group: "billing".into(), partitions, require_stable: true };
    let call = Call::new("fetch", Target::Coordinator { key: "billing".into(), transaction: false }, fetch);
    let task = sim.admin_run(admin, vec![call], None);
    sim.close_client(admin);
    match task.calls[0].response.clone() {
        Some(Ok(Response::OffsetFetch { error: None, offsets })) => {
            let mut v: Vec<_> = offsets.into_iter().map(|(tp, o, e)| (tp.topic, o, e)).collect();
            v.sort_by(|a, b| a.0.cmp(&b.0));
            v
        }
        other => panic!("{other:?}"),
    }
}

/// A secured cluster with topic `ledger` besides `orders`, and alice allowed to READ the group
/// `billing` and the topic `orders` and only to DESCRIBE `ledger`.
fn alice_reads_orders_only() -> Console {
    let mut c = secured();
    run(
        &mut c,
        &format!(
            "kafka-topics {BS} --command-config admin.properties --create --topic ledger --replica-assignment 1:2:3"
        ),
    );
    grant(&mut c, "--allow-principal User:alice --operation Read --group billing");
    grant(&mut c, "--allow-principal User:alice --operation Read --topic orders");
    grant(&mut c, "--allow-principal User:alice --operation Describe --topic ledger");
    c
}

// KafkaApis.handleOffsetCommitRequest: READ on the group, then READ on each topic
// (`filterByAuthorized`); the refused topic's partitions answer TOPIC_AUTHORIZATION_FAILED and the
// group coordinator commits the others (`acls_commit_partial`).
#[test]
fn an_offset_commit_commits_the_topics_the_principal_may_read() {
    use brokerlab::sim::errors::KafkaError;
    let mut c = alice_reads_orders_only();
    let mut sim = c.sim().clone();
    assert_eq!(
        commit_as_alice(&mut sim, false),
        [("ledger".to_string(), Some(KafkaError::TOPIC_AUTHORIZATION_FAILED)), ("orders".to_string(), None)]
    );
    assert_eq!(billing_offsets(&mut sim), [("ledger".to_string(), -1, None), ("orders".to_string(), 1, None)]);
    // kafka-consumer-groups --reset-offsets over both topics: AlterConsumerGroupOffsetsResult.all()
    // names the refused partition; the allowed one is reset all the same.
    let o = run(&mut c, &format!("kafka-consumer-groups {BS} --command-config alice.properties --reset-offsets --group billing --topic orders --topic ledger --to-latest --execute"));
    assert_eq!(o.exit_code, 0);
    assert_eq!(o.stdout(), "\nError: Executing consumer group command failed due to Failed altering group offsets for the following partitions: [ledger-0]\n");
    assert_eq!(o.stderr(), "org.apache.kafka.common.errors.TopicAuthorizationException: Failed altering group offsets for the following partitions: [ledger-0]\n");
    let o = run(
        &mut c,
        &format!("kafka-consumer-groups {BS} --command-config admin.properties --describe --group billing"),
    );
    let stdout = o.stdout();
    let rows: Vec<Vec<&str>> =
        stdout.lines().filter(|l| l.starts_with("billing")).map(|l| l.split_whitespace().collect()).collect();
    assert_eq!(rows, [["billing", "orders", "0", "1", "1", "0", "-", "-", "-"]], "{stdout}{}", o.stderr());
    // With READ on ledger too, nothing is refused.
    grant(&mut c, "--allow-principal User:alice --operation Read --topic ledger");
    let mut sim = c.sim().clone();
    assert_eq!(commit_as_alice(&mut sim, false), [("ledger".to_string(), None), ("orders".to_string(), None)]);
    assert_eq!(billing_offsets(&mut sim), [("ledger".to_string(), 0, None), ("orders".to_string(), 1, None)]);
}

// KafkaApis.handleTxnOffsetCommitRequest: WRITE on the transactional id and READ on the group,
// then READ on each topic as for OffsetCommit: the allowed partitions become the transaction's
// pending offsets (OffsetFetch with requireStable answers UNSTABLE_OFFSET_COMMIT for them), the
// refused ones TOPIC_AUTHORIZATION_FAILED.
#[test]
fn a_txn_offset_commit_commits_the_topics_the_principal_may_read() {
    use brokerlab::sim::errors::KafkaError;
    let mut c = alice_reads_orders_only();
    let mut sim = c.sim().clone();
    assert_eq!(
        commit_as_alice(&mut sim, true),
        [
            ("ledger".to_string(), Some(KafkaError::TRANSACTIONAL_ID_AUTHORIZATION_FAILED)),
            ("orders".to_string(), Some(KafkaError::TRANSACTIONAL_ID_AUTHORIZATION_FAILED))
        ]
    );
    grant(&mut c, "--allow-principal User:alice --operation Write --transactional-id tx-1");
    let mut sim = c.sim().clone();
    assert_eq!(
        commit_as_alice(&mut sim, true),
        [("ledger".to_string(), Some(KafkaError::TOPIC_AUTHORIZATION_FAILED)), ("orders".to_string(), None)]
    );
    assert_eq!(
        billing_offsets(&mut sim),
        [("ledger".to_string(), -1, None), ("orders".to_string(), -1, Some(KafkaError::UNSTABLE_OFFSET_COMMIT))]
    );
}
