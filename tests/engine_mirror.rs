//! MirrorMaker 2's offset bookkeeping end to end (`src/sim/mirror.rs`), checked against the
//! recording of real MirrorMaker 2 between two real clusters
//! (`tests/conformance/scenarios/mirror_maker_failover.txt`): 250 records on `orders`, group
//! `billing` committed at 150 on the primary cluster, MirrorMaker copies the topic to
//! `primary.orders` on the backup cluster one record for one. The checkpoint it wrote, the offset
//! it committed for the idle group on the target and the first record a consumer failing over
//! reads there are read from the recording, and Brokerlab's source task (`OffsetSyncWriter`),
//! checkpoint task (`OffsetSyncStore`, `checkpointsForGroup`) and group offset sync
//! (`syncGroupOffset`) must give the same numbers.
#![cfg(not(target_arch = "wasm32"))]

use brokerlab::sim::mirror::{checkpoints_for_group, offsets_to_sync, Checkpoint, OffsetSyncStore};
use brokerlab::sim::mirror::{OffsetSyncWriter, ReplicationPolicy};
use brokerlab::sim::types::TopicPartition;
use std::path::PathBuf;

/// The recorded scenario's output lines (stdout and stderr, `! ` kept) after the command that
/// starts with `command`.
fn output_of(recording: &str, command: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in recording.lines() {
        if let Some(typed) = line.strip_prefix("$ ") {
            inside = typed.starts_with(command);
            continue;
        }
        if inside && !line.starts_with("##") {
            out.push(line.to_string());
        }
    }
    out
}

/// `name=<digits>` in a `Checkpoint{...}` line (`Checkpoint.toString`).
fn field(line: &str, name: &str) -> i64 {
    let at = line.find(&format!("{name}=")).unwrap_or_else(|| panic!("no {name} in {line}")) + name.len() + 1;
    line[at..].chars().take_while(char::is_ascii_digit).collect::<String>().parse().expect("a number")
}

#[test]
fn failover_offsets_agree_with_real_mirror_maker() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/scenarios/mirror_maker_failover.txt");
    let recording = std::fs::read_to_string(&path).expect("the recorded scenario");
    // What real Kafka said.
    let checkpoint_line =
        output_of(&recording, "kafka-console-consumer --bootstrap-server localhost:9192 --topic primary.checkpoints")
            .into_iter()
            .find(|l| l.starts_with("Checkpoint{"))
            .expect("a checkpoint was recorded");
    assert!(checkpoint_line.contains("consumerGroupId=billing, topicPartition=primary.orders-0"), "{checkpoint_line}");
    let (upstream, kafka_downstream) =
        (field(&checkpoint_line, "upstreamOffset"), field(&checkpoint_line, "downstreamOffset"));
    let group_row =
        output_of(&recording, "kafka-consumer-groups --bootstrap-server localhost:9192 --describe --group billing")
            .into_iter()
            .find(|l| l.starts_with("billing "))
            .expect("billing's offsets on backup were recorded");
    let cols: Vec<&str> = group_row.split_whitespace().collect();
    assert_eq!(&cols[1..3], &["primary.orders", "0"], "{group_row}");
    let kafka_group_offset: i64 = cols[3].parse().expect("CURRENT-OFFSET");
    let first_read_again: i64 =
        output_of(&recording, "kafka-console-consumer --bootstrap-server localhost:9192 --topic primary.orders")
            .into_iter()
            .find(|l| !l.starts_with('!'))
            .expect("the failed-over consumer printed records")
            .parse()
            .expect("a value of seq");

    // Brokerlab: the source task copies offsets 0..250 of orders-0 to offsets 0..250 of
    // primary.orders-0 (a new topic), then commits; the checkpoint task reads the syncs.
    let tp = TopicPartition::new("orders", 0);
    let mut writer = OffsetSyncWriter::default();
    let mut store = OffsetSyncStore::new();
    store.set_read_to_end();
    for offset in 0..250 {
        writer.record_copied(&tp, offset, offset);
        for (t, s) in writer.take_pending() {
            store.handle_sync(&t, s);
        }
    }
    writer.commit();
    for (t, s) in writer.take_pending() {
        store.handle_sync(&t, s);
    }
    let policy = ReplicationPolicy;
    let checkpoints =
        checkpoints_for_group(&policy, "primary", "backup", &store, "billing", &[(tp.clone(), upstream)], &[]);
    let remote = policy.rename_for_target("primary", "backup", &tp);
    assert_eq!(
        checkpoints,
        vec![Checkpoint { group: "billing".into(), tp: remote.clone(), upstream, downstream: kafka_downstream }],
        "the checkpoint of billing at {upstream}"
    );
    // The group does not exist on backup yet: the translated offset is committed as it is.
    let synced = offsets_to_sync(&[(remote.clone(), checkpoints[0].downstream)], None);
    assert_eq!(synced, vec![(remote, kafka_group_offset)]);
    // Conservative: the consumer that fails over reads again from the translated offset, records
    // it had read on primary (values are `seq 250`: offset n holds n + 1).
    assert_eq!(first_read_again, kafka_group_offset + 1);
    assert!(kafka_group_offset < upstream, "the failed-over consumer re-reads records");
}

// ---------------------------------------------------------------- two clusters, MirrorMaker 2

use brokerlab::console::session::Console;
use brokerlab::sim::types::NodeAddr;
use brokerlab::sim::world::{ClusterConfig, SecondClusterConfig};

fn two_clusters() -> Console {
    let cfg = ClusterConfig {
        second_cluster: Some(SecondClusterConfig { alias: "backup".into(), brokers: 1 }),
        ..ClusterConfig::default()
    };
    Console::new(42, cfg).expect("two clusters boot")
}

/// Runs `script` strictly; the stdout of each command.
fn run(c: &mut Console, script: &str) -> Vec<String> {
    let r = c.run_script(script, true);
    assert_eq!(r.stopped_at, None, "{script}: {:?}", r.commands.last().map(|c| c.output.stderr()));
    r.commands.iter().map(|c| c.output.stdout()).collect()
}

const MM2: &str = "cat > mm2.properties <<EOF
clusters = primary, backup
primary.bootstrap.servers = localhost:9092
backup.bootstrap.servers = localhost:9192
primary->backup.enabled = true
primary->backup.topics = orders
replication.factor = 1
checkpoints.topic.replication.factor = 1
offset-syncs.topic.replication.factor = 1
sync.group.offsets.enabled = true
emit.checkpoints.interval.seconds = 5
sync.group.offsets.interval.seconds = 5
EOF";

/// Two clusters in one world, as the conformance harness's `## second-cluster:` makes them:
/// each with its own KRaft quorum (controller 1001 for brokers 1-3, 2001 for broker 101), its own
/// cluster id and metadata; a topic created through one cluster's listener exists only there,
/// and its replicas are placed on that cluster's brokers (`StripedReplicaPlacer` sees only the
/// brokers registered with its controller).
#[test]
fn two_clusters_have_their_own_quorum_and_metadata() {
    let mut c = two_clusters();
    let sim = c.sim();
    assert_eq!(sim.active_controller_in(0), Some(1001));
    assert_eq!(sim.active_controller_in(1), Some(2001));
    assert_eq!(sim.cluster_of(NodeAddr::Broker(101)), 1);
    assert_eq!(sim.cluster_of(NodeAddr::Broker(3)), 0);
    run(
        &mut c,
        "kafka-topics --bootstrap-server localhost:9092 --create --topic t --partitions 2 --replication-factor 3
kafka-topics --bootstrap-server localhost:9192 --create --topic u --partitions 1 --replication-factor 1",
    );
    let out = run(
        &mut c,
        "kafka-topics --bootstrap-server localhost:9092 --list
kafka-topics --bootstrap-server localhost:9192 --list
kafka-metadata-quorum --bootstrap-server localhost:9192 describe --status",
    );
    assert_eq!(out[0], "t\n");
    assert_eq!(out[1], "u\n");
    assert!(out[2].contains("LeaderId:               2001"), "{}", out[2]);
    let sim = c.sim();
    let u = brokerlab::sim::types::TopicPartition::new("u", 0);
    assert_eq!(sim.leader_in(1, &u), Some(101));
    assert_eq!(sim.leader_in(0, &u), None);
    // A replication factor the backup cluster cannot place is refused there.
    let r = c.run_script(
        "kafka-topics --bootstrap-server localhost:9192 --create --topic v --partitions 1 --replication-factor 3",
        false,
    );
    assert!(r.commands[0].output.stderr().contains("InvalidReplicationFactorException"), "{:?}", r.commands[0].output);
    assert!(c.sim().checker_of(0).findings.is_empty() && c.sim().checker_of(1).findings.is_empty());
}

/// A fault on one cluster leaves the other alone: with broker 101 killed, the backup cluster's
/// topic has no leader while the primary cluster's partitions keep theirs; restarted, 101 leads
/// again, and the invariant checker of each cluster finds nothing.
#[test]
fn faults_on_one_cluster_do_not_touch_the_other() {
    let mut c = two_clusters();
    run(
        &mut c,
        "kafka-topics --bootstrap-server localhost:9092 --create --topic t --partitions 1 --replication-factor 3
kafka-topics --bootstrap-server localhost:9192 --create --topic t --partitions 1 --replication-factor 1
broker kill 101
sleep 10s",
    );
    let t = brokerlab::sim::types::TopicPartition::new("t", 0);
    assert_eq!(c.sim().leader_in(1, &t), None, "broker 101 was the backup cluster's only replica");
    assert!(c.sim().leader_in(0, &t).is_some());
    run(&mut c, "broker start 101\nsleep 10s");
    assert_eq!(c.sim().leader_in(1, &t), Some(101));
    let mut sim = c.sim().clone();
    assert_eq!(sim.check_healed(), vec![]);
}

/// MirrorMaker 2's source side end to end (`MirrorSourceTask`, `OffsetSyncWriter`,
/// `DefaultReplicationPolicy`): `orders` arrives as `primary.orders` with the configs the source
/// set, every record copied; records produced after MirrorMaker stopped are not copied; and with the primary
/// cluster gone, billing moves to backup at the offset a checkpoint gives (102, the recording's:
/// set here with `--reset-offsets`) and reads on from there, re-reading what it read upstream.
#[test]
fn mirror_maker_mirrors_and_a_group_fails_over() {
    let mut c = two_clusters();
    run(
        &mut c,
        "kafka-topics --bootstrap-server localhost:9092 --create --topic orders --partitions 1 --replication-factor 3 --config retention.ms=86400000
seq 250 | kafka-console-producer --bootstrap-server localhost:9092 --topic orders
kafka-console-consumer --bootstrap-server localhost:9092 --topic orders --group billing --from-beginning --max-messages 150",
    );
    run(&mut c, MM2);
    run(&mut c, "connect-mirror-maker mm2.properties\nsleep 30s");
    let out = run(
        &mut c,
        "kafka-get-offsets --bootstrap-server localhost:9192 --topic primary.orders
kafka-configs --bootstrap-server localhost:9192 --describe --topic primary.orders
mirror-maker list",
    );
    assert_eq!(out[0], "primary.orders:0:250\n");
    assert!(out[1].contains("retention.ms=86400000"), "{}", out[1]);
    assert!(out[2].contains("orders-0 -> primary.orders-0: copied to offset 250, lag 0"), "{}", out[2]);
    // Stopped, MirrorMaker copies nothing more.
    run(&mut c, "mirror-maker stop 1\nseq 5 | kafka-console-producer --bootstrap-server localhost:9092 --topic orders\nsleep 10s");
    let out = run(&mut c, "kafka-get-offsets --bootstrap-server localhost:9192 --topic primary.orders");
    assert_eq!(out[0], "primary.orders:0:250\n");
    // The primary cluster is lost; billing moves to backup and goes on from 102 (offset 102 holds 103).
    run(
        &mut c,
        "broker kill 1\nbroker kill 2\nbroker kill 3
kafka-consumer-groups --bootstrap-server localhost:9192 --group billing --topic primary.orders --reset-offsets --to-offset 102 --execute",
    );
    let out = run(
        &mut c,
        "kafka-console-consumer --bootstrap-server localhost:9192 --topic primary.orders --group billing --max-messages 3 --timeout-ms 10000",
    );
    assert_eq!(out[0], "103\n104\n105\n");
    assert!(c.sim().checker_of(1).findings.is_empty(), "{:?}", c.sim().checker_of(1).findings);
}

/// MirrorMaker's properties are checked as `MirrorMakerConfig` checks them (a cluster without
/// its `bootstrap.servers`), a missing file is `Files.newInputStream`'s error, and a file that
/// enables no flow starts nothing.
#[test]
fn mirror_maker_config_errors_are_reported() {
    let mut c = two_clusters();
    let r = c.run_script("cat > bad.properties <<EOF\nclusters = a, b\na.bootstrap.servers = localhost:9092\nEOF\nconnect-mirror-maker bad.properties", false);
    let err = r.commands.last().expect("ran").output.stderr();
    assert!(err.contains("Missing required configuration \"b.bootstrap.servers\""), "{err}");
    let r = c.run_script("connect-mirror-maker missing.properties", false);
    assert!(r.commands[0].output.stderr().contains("NoSuchFileException: missing.properties"));
    let r = c.run_script(
        "cat > off.properties <<EOF\nclusters = a, b\na.bootstrap.servers = localhost:9092\nb.bootstrap.servers = localhost:9192\nEOF\nconnect-mirror-maker off.properties",
        false,
    );
    assert!(r.commands.last().expect("ran").output.stderr().contains("no replication flow is enabled"));
    let r = c.run_script("mirror-maker list", false);
    assert!(
        r.commands[0].output.stdout().starts_with("no MirrorMaker is running"),
        "{:?}",
        r.commands[0].output.stdout()
    );
}
