//! Durability and sharing, natively: disk images (save/restore, deltas, CRC, power loss) and
//! scenarios (share links, JSON files, the real-Kafka export).
#![cfg(not(target_arch = "wasm32"))]

use brokerlab::console::session::{parse_line, Action, Console, LogEntry};
use brokerlab::scenario::link::{decode, decode_bytes, encode, encode_bytes, fragment_for, parse_fragment, Fragment};
use brokerlab::scenario::snapshot::{Snapshot, SnapshotError};
use brokerlab::scenario::{json, real_kafka, Scenario, ScenarioError, ENGINE_VERSION, FORMAT_VERSION};
use brokerlab::sim::batch_row;
use brokerlab::sim::disk_image::{disks_from_rows, state_hash, DiskProblem, DiskRow, DiskTracker, RowKey, RowValue};
use brokerlab::sim::hash::crc32c;
use brokerlab::sim::scenarios::REFERENCE_TRACE_HASH;
use brokerlab::sim::time::SimTime;
use brokerlab::sim::types::TopicPartition;
use brokerlab::sim::world::ClusterConfig;
use std::collections::BTreeMap;

/// A small deterministic generator for test data (xorshift64*).
struct Gen(u64);
impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const BS: &str = "--bootstrap-server localhost:9092";

fn run(c: &mut Console, lines: &[&str]) {
    for l in lines {
        c.run_script(l, false);
    }
}

fn busy_console(config: ClusterConfig) -> Console {
    let mut c = Console::new(7, config).expect("boots");
    run(
        &mut c,
        &[
            &format!("kafka-topics {BS} --create --topic orders --partitions 3 --replication-factor 3"),
            &format!("seq 50 | kafka-console-producer {BS} --topic orders"),
            "sleep 2s",
        ],
    );
    c
}

fn rows_map(rows: Vec<DiskRow>) -> BTreeMap<RowKey, RowValue> {
    rows.into_iter().map(|r| (r.key, r.value)).collect()
}

// ------------------------------------------------------------------ disks

#[test]
fn the_engine_version_moves_with_the_reference_trace() {
    // Bump ENGINE_VERSION in src/scenario/mod.rs whenever REFERENCE_TRACE_HASH changes: old
    // links then replay with a note instead of silently differing. (Version 2: consumers send
    // the sticky assignors' user data, so sticky and cooperative groups replay differently, and
    // trace messages carry their traffic class. Version 3: the controller elects and changes ISRs
    // through Kafka 4.4's PartitionChangeBuilder with eligible leader replicas, KIP-966; clients
    // connect and back off as NetworkClient does, net isolate cuts later nodes too, member ids
    // are version-4 UUIDs; a leader retries its AlterPartition until the controller answers,
    // and a broker's first producer id waits for a block from the controller, as
    // RPCProducerIdManager does; a broker's first retention check comes
    // log.initial.task.delay.ms after it starts; the console consumer commits only what it printed.
    // Version 4: the active controller writes a NoOpRecord every metadata.max.idle.interval.ms,
    // QuorumController's writeNoOpRecord task, so the metadata log moves while idle; an
    // IncrementalAlterConfigs for a missing topic is refused with QuorumController's message
    // "The topic '<t>' does not exist.". Version 5: a request cancelled by a closed connection
    // fails back to its client, which retries it as Kafka's does: NetworkClient's
    // processDisconnection, the producer's NETWORK_EXCEPTION retry, the consumer's reset and
    // commit retries, KafkaAdminClient's Call.fail back-off. Version 6: consumers with
    // group.protocol=consumer join KIP-848 consumer groups through ConsumerGroupHeartbeat, where
    // the coordinator assigns with its server-side assignors (GroupMetadataManager.
    // consumerGroupHeartbeat); a log using it was refused before, others replay as they did.
    // Version 7: a static member of a KIP-848 consumer group (group.instance.id) that closes
    // leaves with member epoch -2 and keeps its partitions until the same instance id comes back
    // and takes its place without a rebalance (GroupMetadataManager.
    // consumerGroupStaticMemberGroupLeave, getOrMaybeSubscribeStaticConsumerGroupMember,
    // replaceMember); kafka-groups lists groups of every type. The reference trace is unchanged.
    // Also version 7: share groups (KIP-932) through ShareGroupHeartbeat, ShareFetch and
    // ShareAcknowledge (GroupMetadataManager.shareGroupHeartbeat, SharePartition); a log using
    // them was refused before, others replay as they did. Version 8: share-partition state goes
    // through the share coordinator and __share_group_state (ShareCoordinatorShard.writeState,
    // SharePartition.maybeInitialize), so a new leader continues from it; kafka-share-groups
    // --reset-offsets, --delete-offsets and --delete (AlterShareGroupOffsets,
    // DeleteShareGroupOffsets, DeleteGroups); logs with share groups replay differently, others
    // as they did. Also version 8: mixed consumer groups and
    // the online upgrade and downgrade between the classic and consumer protocols
    // (GroupMetadataManager.convertToConsumerGroup, classicGroupJoinToConsumerGroup,
    // convertToClassicGroup, group.consumer.migration.policy): a consumer-protocol member joining
    // a classic group with members was refused before; a classic or consumer-protocol member
    // joining a share group's id is refused. The reference trace is unchanged.) Version 9: an
    // end-transaction marker's record carries its control key and value as Kafka writes them
    // (MemoryRecords.withEndTransactionMarker: a 78-byte batch), and a batch the cleaner gives a
    // delete horizon is sized from it (MemoryRecordsBuilder's base timestamp), so logs with
    // transactions or compacted tombstones have other sizes, positions and roll points.
    // Also in version 9: client quotas (ClientQuotaRecord, ClientQuotaManager, KIP-219 throttling): a log
    // that sets a quota with kafka-configs --entity-type users|clients failed before. Also in
    // version 9: the secured cluster (reset --security sasl-plain): SASL/PLAIN principals, ACLs as metadata
    // records (AccessControlEntryRecord) and the StandardAuthorizer in request handling; a log
    // using them was refused before, others replay as they did. The reference trace is unchanged.
    // Also in version 9: compression.type compresses batches (MemoryRecordsBuilder; sizes estimated per
    // codec, sim::compression), a topic's compression.type recompresses them (LogValidator),
    // the accumulator fills compressed batches by CompressionRatioEstimator's estimate, and a
    // `producer start` application blocks in send() for buffer.memory up to max.block.ms
    // (BufferPool.allocate) instead of dropping the record. Logs with compression or a full
    // buffer replay differently; the reference trace is unchanged.
    // Also in version 9: fetch.min.bytes holds a fetch at the broker until that many bytes are readable
    // (DelayedFetch), and KIP-392: replica.selector.class=RackAwareReplicaSelector sends a
    // consumer with client.rack to the in-sync replica of its rack (findPreferredReadReplica,
    // selectReadReplica); reset --racks. Logs with those settings replay differently; the
    // reference trace is unchanged.) Version 10: tiered storage (KIP-405): remote.log.storage.system.enable,
    // remote.storage.enable, the RemoteLogManager's copy and expiration tasks, local.retention.*
    // deleting only copied segments, remote reads (RemoteLogReader, DelayedRemoteFetch), ListOffsets
    // -4/-5/-6 and remote-storage down|up; a log using it was refused before, others replay as they did.
    // Also in version 10: SASL authentication of each connection to a SASL
    // listener (SaslAuthenticate), InitProducerId, transactional APIs, Fetch, OffsetCommit and
    // DescribeConfigs authorized, a send to an unauthorized topic failed at once
    // (Metadata.maybeThrowExceptionForTopic), and a console producer's close waits for an
    // idempotent InitProducerId in flight. Logs of the secured cluster replay differently.
    // Also in version 10 (eos): LogAppendTime batches keep the records' producer timestamps and carry the
    // LOG_APPEND_TIME attribute (LogValidator), so consumers print the type and the stored rows
    // and dump-log CRCs cover it; TxnOffsetCommit with group metadata is fenced by generation
    // (KIP-447); the processor command (TransactionalMessageCopier's loop). Logs with those replay
    // differently; the reference trace is unchanged.
    // Also in version 10: a second cluster in one world (reset
    // --second-cluster, controller 2001, brokers from 101) and MirrorMaker 2 (connect-mirror-maker:
    // MirrorSourceTask, MirrorCheckpointTask); the saved world has new fields; one-cluster logs
    // replay as they did (the reference trace is unchanged).
    // Version 11: MirrorMaker 2 fires each offset sync as its record is acknowledged
    // (MirrorSourceTask.commitRecord), so checkpoints and synced group offsets appear, and creates
    // its offset-syncs and checkpoints topics at start; the reference trace is unchanged.
    // Also in version 11 (sweep): stale fetch responses discarded (FetchCollector), a follower
    // appends a batch above its LEO, transactional offsets pending until their marker on a new
    // coordinator, a processor aborts a transaction a rebalance disturbed, user quotas on the SASL
    // user. Also in version 11: WriteTxnMarkers answered once the HW passed the markers
    // (requiredAcks = -1). Also in version 11 (authz): the group and admin APIs authorized (KafkaApis,
    // ControllerApis), consumer start logs in with SASL.
    // Version 12: a WriteTxnMarkers lost with its broker (disconnected, or unanswered for
    // request.timeout.ms) is sent again to the partitions' new leaders
    // (TransactionMarkerRequestCompletionHandler); the reference trace is unchanged. Also in
    // version 12 (authz): the reassignment and quorum APIs authorized, an OffsetCommit commits
    // the topics the principal may READ. Also in version 12 (compact): the cleaner keeps a
    // producer's newest batch, and one ending at the HW, empty (BatchRetention.RETAIN_EMPTY).
    assert_eq!((ENGINE_VERSION, REFERENCE_TRACE_HASH), (12, 0x7221_2181_c3cf_5eb1));
}

#[test]
fn disk_rows_use_kafkas_file_names() {
    let c = busy_console(ClusterConfig::default());
    let rows = DiskTracker::new().full(c.sim());
    let files: Vec<&str> = rows.iter().filter(|r| r.key.node == "broker-1").map(|r| r.key.file.as_str()).collect();
    for want in [
        "orders-0/00000000000000000000.log",
        "orders-0/leader-epoch-checkpoint",
        "replication-offset-checkpoint",
        "recovery-point-offset-checkpoint",
        "__cluster_metadata-0/00000000000000000000.log",
    ] {
        assert!(files.contains(&want), "broker-1 has {want}: {files:?}");
    }
    assert!(rows
        .iter()
        .any(|r| r.key.node == "controller-1001" && r.key.file == "__cluster_metadata-0/00000000000000000000.log"));
    let batch = rows.iter().find_map(|r| match &r.value {
        RowValue::Batch(b) => Some(b),
        _ => None,
    });
    assert!(batch.expect("a batch row").crc != 0);
}

/// The browser's store keeps each batch row as bytes (`batch_row`): every batch of a busy
/// cluster comes back whole, and a cut row is an error, not a panic.
#[test]
fn batch_rows_survive_their_binary_form() {
    let c = busy_console(ClusterConfig::default());
    let rows = DiskTracker::new().full(c.sim());
    let mut batches = 0;
    for r in &rows {
        if let RowValue::Batch(b) = &r.value {
            let bytes = batch_row::encode(b);
            assert_eq!(batch_row::decode(&bytes).as_ref(), Ok(b), "{:?}", r.key);
            assert!(batch_row::decode(&bytes[..bytes.len() - 1]).is_err());
            batches += 1;
        }
    }
    assert!(batches > 0, "a busy cluster has batch rows");
}

#[test]
fn save_and_restore_gives_back_the_same_state_and_the_same_future() {
    let mut c = busy_console(ClusterConfig::default());
    let before = state_hash(c.sim());
    let mut tracker = DiskTracker::new();
    let rows = tracker.full(c.sim());
    let bytes = Snapshot::take(&c, 5000).expect("no job").to_bytes();
    let (mut back, report) = Snapshot::from_bytes(&bytes).expect("reads").restore(&rows);
    assert!(report.is_clean(), "{report:?}");
    assert_eq!(state_hash(back.sim()), before);
    assert_eq!(back.log(), c.log());
    assert_eq!(back.history(), c.history());
    // The same commands afterwards give the same world: a reload does not fork the future.
    let more = [&format!("seq 20 | kafka-console-producer {BS} --topic orders") as &str, "broker kill 2", "sleep 3s"];
    run(&mut c, &more);
    run(&mut back, &more);
    assert_eq!(state_hash(back.sim()), state_hash(c.sim()));
    assert_ne!(state_hash(c.sim()), before, "the hash sees the change");
}

#[test]
fn deltas_write_only_what_changed() {
    let mut c = busy_console(ClusterConfig::default());
    let mut tracker = DiskTracker::new();
    let mut stored = rows_map(tracker.full(c.sim()));
    let total_batches = stored.values().filter(|v| matches!(v, RowValue::Batch(_))).count();
    run(&mut c, &[&format!("seq 3 | kafka-console-producer {BS} --topic orders"), "sleep 1s"]);
    let delta = tracker.delta(c.sim());
    let new_batches = delta
        .ops
        .iter()
        .filter(|o| matches!(o, brokerlab::sim::disk_image::DiskOp::Put(DiskRow { value: RowValue::Batch(_), .. })))
        .count();
    assert!(new_batches > 0, "the new batches are written");
    assert!(delta.puts() * 2 < stored.len(), "{} rows of {} rewritten", delta.puts(), stored.len());
    let _ = total_batches;
    delta.apply_to(&mut stored);
    assert_eq!(stored, rows_map(DiskTracker::new().full(c.sim())), "delta + old rows = a full dump");
    assert!(tracker.delta(c.sim()).is_empty(), "nothing changed since");
}

#[test]
fn a_batch_that_fails_its_crc_is_reported_and_skipped() {
    let c = busy_console(ClusterConfig::default());
    let mut rows = DiskTracker::new().full(c.sim());
    let victim = rows
        .iter()
        .position(|r| r.key.node == "broker-2" && matches!(&r.value, RowValue::Batch(b) if b.records.len() > 1))
        .expect("a batch on broker-2");
    if let RowValue::Batch(b) = &mut rows[victim].value {
        b.records[0].value = Some(brokerlab::sim::disk_image::Payload::Text("tampered".into()));
    }
    let snap = Snapshot::take(&c, 100).unwrap();
    let (mut back, report) = snap.restore(&rows);
    assert!(
        report.problems.iter().any(|p| matches!(p, DiskProblem::BadBatch { node, .. } if node == "broker-2")),
        "{report:?}"
    );
    let msg = report.problems[0].to_string();
    assert!(msg.contains("failed its CRC check and was skipped"), "{msg}");
    // The engine keeps running; broker-2 recovers from the replicas.
    run(&mut back, &["sleep 10s"]);
    let (_, _, cold) = disks_from_rows(&rows);
    assert!(cold.problems.iter().any(|p| matches!(p, DiskProblem::BadBatch { .. })), "a cold load reports it too");
}

#[test]
fn a_cold_load_reads_back_every_log() {
    let c = busy_console(ClusterConfig::default());
    let rows = DiskTracker::new().full(c.sim());
    let (brokers, controllers, report) = disks_from_rows(&rows);
    assert!(report.is_clean(), "{report:?}");
    assert_eq!(brokers.len(), 3);
    assert_eq!(controllers.len(), 1);
    for (id, disk) in &brokers {
        let live = &c.sim().brokers()[id].disk;
        for (tp, log) in &live.logs {
            assert_eq!(disk.logs[tp].log_end_offset, log.log_end_offset, "broker {id} {tp}");
            assert_eq!(disk.logs[tp].log_start_offset, log.log_start_offset);
        }
        assert_eq!(disk.metadata.len(), live.metadata.len());
    }
}

#[test]
fn a_crash_restart_after_a_reload_recovers_as_before_it() {
    let mut c = busy_console(ClusterConfig::default());
    let rows = DiskTracker::new().full(c.sim());
    let (mut back, _) = Snapshot::take(&c, 100).unwrap().restore(&rows);
    let crash = ["broker kill 1", "sleep 2s", "broker start 1", "sleep 5s"];
    run(&mut c, &crash);
    run(&mut back, &crash);
    assert_eq!(state_hash(back.sim()), state_hash(c.sim()));
}

fn offsets(c: &mut Console, topic: &str) -> String {
    let out = c.run_script(&format!("kafka-get-offsets {BS} --topic {topic}"), false);
    out.commands[0].output.stdout().to_string()
}

/// flush.messages / flush.ms with the opt-in power-loss model: what was not flushed is lost
/// when the only replica's broker crashes; with fsync after every message nothing is.
#[test]
fn power_loss_loses_the_unflushed_tail_only_when_enabled() {
    let scenario = |power_loss: bool, flush_every: bool| {
        let config = ClusterConfig { brokers: 1, power_loss, ..ClusterConfig::default() };
        let mut c = Console::new(3, config).unwrap();
        let extra = if flush_every { " --config flush.messages=1" } else { "" };
        run(
            &mut c,
            &[
                &format!("kafka-topics {BS} --create --topic t --partitions 1 --replication-factor 1{extra}"),
                &format!("seq 10 | kafka-console-producer {BS} --topic t"),
                "sleep 1s",
                "broker kill 1",
                "broker start 1",
                "sleep 10s",
            ],
        );
        offsets(&mut c, "t")
    };
    assert_eq!(scenario(false, false), "t:0:10\n", "without the model a crash loses nothing");
    assert_eq!(scenario(true, false), "t:0:0\n", "unflushed records are lost");
    assert_eq!(scenario(true, true), "t:0:10\n", "flush.messages=1 fsyncs each one");
}

#[test]
fn power_loss_survives_a_reload_from_the_stored_disk() {
    let config = ClusterConfig { brokers: 1, power_loss: true, ..ClusterConfig::default() };
    let mut c = Console::new(3, config).unwrap();
    run(
        &mut c,
        &[
            &format!(
                "kafka-topics {BS} --create --topic t --partitions 1 --replication-factor 1 --config flush.messages=5"
            ),
            &format!("seq 4 | kafka-console-producer {BS} --topic t"),
            "sleep 1s",
            &format!("seq 3 | kafka-console-producer {BS} --topic t"),
            "sleep 1s",
        ],
    );
    let rows = DiskTracker::new().full(c.sim());
    let (mut back, report) = Snapshot::take(&c, 100).unwrap().restore(&rows);
    assert!(report.is_clean());
    let crash = ["broker kill 1", "broker start 1", "sleep 10s"];
    run(&mut back, &crash);
    run(&mut c, &crash);
    let got = offsets(&mut back, "t");
    assert_eq!(got, offsets(&mut c, "t"), "the reloaded disk knows what was flushed");
    assert_eq!(got, "t:0:7\n", "the flush at 5 messages covered the batch that crossed it");
}

#[test]
fn snapshots_refuse_what_they_cannot_read() {
    let c = busy_console(ClusterConfig::default());
    let mut bytes = Snapshot::take(&c, 10).unwrap().to_bytes();
    assert!(matches!(Snapshot::from_bytes(&bytes[..8]), Err(SnapshotError::Unreadable(_))));
    assert!(matches!(Snapshot::from_bytes(&bytes[..bytes.len() / 2]), Err(SnapshotError::Unreadable(_))));
    bytes[8] = (ENGINE_VERSION + 1) as u8;
    assert!(matches!(Snapshot::from_bytes(&bytes), Err(SnapshotError::Newer { .. })));
    bytes[4] = 9;
    assert!(matches!(Snapshot::from_bytes(&bytes), Err(SnapshotError::Newer { found: 9, .. })));
}

#[test]
fn a_snapshot_of_the_old_serde_format_is_refused_with_its_reason() {
    // Version 1 was serde + bincode; the page no longer carries that decoder, so such a session
    // is replayed from its commands (src/lab/persist.rs) and the learner is told why.
    let c = busy_console(ClusterConfig::default());
    let mut bytes = Snapshot::take(&c, 10).unwrap().to_bytes();
    bytes[4..8].copy_from_slice(&1u32.to_le_bytes());
    match Snapshot::from_bytes(&bytes) {
        Err(SnapshotError::Unreadable(why)) => assert!(why.contains("older Brokerlab"), "{why}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_snapshot_keeps_every_field_of_a_busy_world() {
    // Debug prints every field of every type: a field the codec left out, or read back into the
    // wrong place, shows here as a difference (the state hash uses the codec itself, so it
    // cannot see a field both sides leave out).
    // Racks and the replica selector (KIP-392): a consumer's preferred read replica and its
    // long poll (a DelayedFetch with its min bytes and rack) are in the snapshot.
    let mut cfg = ClusterConfig { racks: vec!["a".into(), "b".into(), "c".into()], ..ClusterConfig::default() };
    cfg.broker_configs
        .insert("replica.selector.class".into(), "org.apache.kafka.common.replica.RackAwareReplicaSelector".into());
    let mut c = busy_console(cfg);
    run(
        &mut c,
        &[
            "consumer start near --group near --topic orders --consumer-property client.rack=c --consumer-property fetch.min.bytes=100000 --consumer-property fetch.max.wait.ms=5000",
            &format!("kafka-console-consumer {BS} --topic orders --group readers --from-beginning --max-messages 5"),
            &format!(
                "kafka-configs {BS} --alter --entity-type topics --entity-name orders --add-config retention.ms=60000"
            ),
            "producer start app --topic orders --rate 10/s --keys a,b,c",
            // A compressing producer (its batches' codec and compressed size, its ratio
            // estimate) and one blocked on a tiny buffer.memory (the record its send() holds).
            "producer start zipped --topic orders --rate 50/s --producer-property compression.type=zstd --producer-property linger.ms=200",
            "producer start starved --topic orders --rate 200/s --producer-property buffer.memory=2000 --producer-property linger.ms=1000",
            "net cut broker-1 broker-2",
            "broker kill 3",
            "sleep 2s",
        ],
    );
    let snap = Snapshot::take(&c, 5000).expect("no job");
    let bytes = snap.to_bytes();
    let back = Snapshot::from_bytes(&bytes).expect("reads");
    assert_eq!(format!("{back:?}"), format!("{snap:?}"));
    assert_eq!(back.to_bytes(), bytes);
    // Every truncation of the body is an error, never a panic.
    for n in (12..bytes.len()).step_by((bytes.len() / 97).max(1)) {
        assert!(Snapshot::from_bytes(&bytes[..n]).is_err(), "{n} of {} bytes", bytes.len());
    }
}

#[test]
fn a_snapshot_keeps_the_acls_and_logins_of_a_secured_world() {
    let mut cfg = ClusterConfig::default();
    for (k, v) in brokerlab::sim::acl::SASL_PLAIN_BROKER_CONFIGS {
        cfg.broker_configs.insert(k.to_string(), v.to_string());
    }
    let mut c = Console::new(7, cfg).expect("boots");
    #[allow(clippy::useless_format)]
    let login = |u: &str| {
        format!(
            "cat > {u}.properties <<EOF\nsecurity.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"{u}\" password=\"{u}-secret\";\nEOF"
        )
    };
    run(
        &mut c,
        &[
            &login("admin"),
            &format!("kafka-topics {BS} --command-config admin.properties --create --topic orders --partitions 1 --replication-factor 3"),
            &format!("kafka-acls {BS} --command-config admin.properties --add --allow-principal User:alice --producer --topic orders"),
            "sleep 1s",
        ],
    );
    let snap = Snapshot::take(&c, 5000).expect("no job");
    let text = format!("{snap:?}");
    assert!(text.contains("AclBinding {"), "the ACLs are in the world");
    assert!(text.contains("Login {"), "the clients' logins are in the world");
    let back = Snapshot::from_bytes(&snap.to_bytes()).expect("reads");
    assert_eq!(format!("{back:?}"), text);
}

// ------------------------------------------------------------------ scenarios

const POOL: &[&str] = &[
    "kafka-topics --bootstrap-server localhost:9092 --create --topic orders --partitions 3 --replication-factor 3",
    "kafka-topics --bootstrap-server localhost:9092 --create --topic payments --partitions 6 --replication-factor 2 --config min.insync.replicas=2",
    "kafka-topics --bootstrap-server localhost:9092 --describe --topic orders",
    "kafka-topics --bootstrap-server localhost:9092 --list",
    "seq 100 | kafka-console-producer --bootstrap-server localhost:9092 --topic orders",
    "kafka-console-producer --bootstrap-server localhost:9092 --topic payments --property parse.key=true --property key.separator=:",
    "kafka-get-offsets --bootstrap-server localhost:9092 --topic orders",
    "kafka-configs --bootstrap-server localhost:9092 --alter --entity-type topics --entity-name orders --add-config retention.ms=60000",
    "kafka-metadata-quorum --bootstrap-server localhost:9092 describe --status",
    "broker kill 2",
    "broker start 2",
    "broker stop 3",
    "net cut broker-1 broker-2",
    "net heal",
    "producer start app --topic orders --rate 10/s --keys a,b,c",
    "producer stop app",
    "sleep 5s",
    "describe partition orders-0",
    "trace --last 20",
    "kafka-leader-election --bootstrap-server localhost:9092 --election-type preferred --all-topic-partitions",
];

fn random_scenario(g: &mut Gen, n: usize) -> Scenario {
    let mut log = Vec::new();
    let mut t = 0u64;
    for _ in 0..n {
        t += g.below(5) * 1000 * g.below(3_000) + g.below(2) * g.below(999);
        let action = match g.below(10) {
            0 => Action::AdvanceTo(SimTime(t + g.below(10_000_000))),
            1 => Action::Input(format!("key{}:välue {}", g.below(100), g.below(1 << 40))),
            2 => Action::Eof,
            3 => Action::Interrupt,
            4 => Action::Rejected(format!("kafka-topics --oops '{}", g.below(9))),
            5 => Action::Start(parse_line(POOL[5]).unwrap()),
            _ => Action::Run(parse_line(POOL[g.below(POOL.len() as u64) as usize]).unwrap()),
        };
        log.push(LogEntry { at: SimTime(t), action });
    }
    let mut config = ClusterConfig { brokers: 1 + g.below(5) as u32, ..ClusterConfig::default() };
    if g.below(2) == 0 {
        config.broker_configs.insert("min.insync.replicas".into(), "2".into());
        config.power_loss = true;
    }
    Scenario { engine_version: ENGINE_VERSION, seed: g.next(), config, log }
}

/// A sandbox of 50 commands as a learner types them (with the UI's clock moving between).
fn sandbox_50() -> Scenario {
    let mut c = Console::new(42, ClusterConfig::default()).unwrap();
    for i in 0..50 {
        let line = POOL[i % POOL.len()];
        c.run_script(line, false);
        let t = c.sim().now().plus_ms(1500);
        c.advance_to(t);
    }
    let s = Scenario::from_console(&c);
    assert!(s.log.iter().filter(|e| matches!(e.action, Action::Run(_))).count() >= 50);
    s
}

#[test]
fn a_50_command_sandbox_fits_in_1500_characters_and_replays_to_the_same_state() {
    let s = sandbox_50();
    let f = fragment_for(&Fragment::Scenario { scenario: Box::new(s.clone()), embed: false });
    println!("50-command sandbox: {} log entries, fragment {} characters", s.log.len(), f.len());
    assert!(f.len() <= 1500, "fragment is {} characters", f.len());
    let Fragment::Scenario { scenario, embed } = parse_fragment(&f).unwrap() else { panic!("a scenario") };
    assert!(!embed);
    assert_eq!(*scenario, s);
    let a = s.replay().unwrap();
    let b = scenario.replay().unwrap();
    assert_eq!(state_hash(a.sim()), state_hash(b.sim()));
}

#[test]
fn fragments_are_typed() {
    let s = sandbox_50();
    let data = encode(&s);
    assert!(matches!(parse_fragment(&format!("#s={data}&embed=1")), Ok(Fragment::Scenario { embed: true, .. })));
    assert!(matches!(parse_fragment(&format!("#embed&s={data}")), Ok(Fragment::Scenario { embed: true, .. })));
    assert_eq!(parse_fragment("#lesson=isr-1").unwrap(), Fragment::Lesson { id: "isr-1".into(), embed: false });
    assert_eq!(parse_fragment("").unwrap(), Fragment::Sandbox);
}

#[test]
fn links_round_trip_for_random_scenarios() {
    let mut g = Gen(0x5eed);
    for round in 0..300 {
        let n = g.below(80) as usize;
        let s = random_scenario(&mut g, n);
        let link = encode(&s);
        assert_eq!(decode(&link).unwrap(), s, "round {round}");
        assert_eq!(json::import(&json::export(&s)).unwrap(), s, "json round {round}");
    }
}

#[test]
fn a_link_cut_at_any_length_says_it_is_cut_short() {
    let link = encode(&sandbox_50());
    for n in 0..link.len() {
        match decode(&link[..n]) {
            Err(ScenarioError::CutShort { .. }) | Err(ScenarioError::Empty) => {}
            other => panic!("cut at {n} of {}: {other:?}", link.len()),
        }
    }
    let msg = decode(&link[..link.len() / 2]).unwrap_err().to_string();
    assert!(msg.contains("cut short"), "{msg}");
}

#[test]
fn versions_are_checked() {
    let mut s = sandbox_50();
    let link = encode(&s);
    let newer = format!("{}{}", FORMAT_VERSION + 1, &link[link.find('.').unwrap()..]);
    let e = decode(&newer).unwrap_err();
    assert_eq!(e, ScenarioError::NewerFormat { found: FORMAT_VERSION + 1, supported: FORMAT_VERSION });
    assert!(e.to_string().contains("newer Brokerlab"));
    s.engine_version = ENGINE_VERSION + 1;
    let e = decode(&encode(&s)).unwrap_err();
    assert_eq!(e, ScenarioError::NewerEngine { found: ENGINE_VERSION + 1, supported: ENGINE_VERSION });
    assert!(e.to_string().contains("newer simulator"));
    let text =
        json::export(&s).replace(&format!("\"engine_version\": {}", ENGINE_VERSION + 1), "\"engine_version\": 1");
    assert!(json::import(&text).is_ok());
    let text = json::export(&s).replace("\"brokerlab_scenario\": 1", "\"brokerlab_scenario\": 2");
    assert!(matches!(json::import(&text), Err(ScenarioError::NewerFormat { found: 2, .. })));
}

#[test]
fn json_import_rejects_unknown_fields_and_bad_commands() {
    let s = sandbox_50();
    let text = json::export(&s);
    let extra = text.replacen("\"seed\"", "\"colour\": 1,\n  \"seed\"", 1);
    assert!(matches!(json::import(&extra), Err(ScenarioError::NotAScenarioFile(_))));
    let cfg = text.replacen("\"brokers\"", "\"flux\": 2,\n    \"brokers\"", 1);
    assert!(matches!(json::import(&cfg), Err(ScenarioError::InvalidConfig(_))), "{:?}", json::import(&cfg));
    assert!(matches!(json::import("[1,2]"), Err(ScenarioError::NotAScenarioFile(_))));
    assert!(matches!(json::import("not json"), Err(ScenarioError::NotAScenarioFile(_))));
}

#[test]
fn a_damaged_link_is_refused_not_trusted() {
    let link = encode(&sandbox_50());
    let mut g = Gen(99);
    let chars: Vec<char> = link.chars().collect();
    let alphabet: Vec<char> =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.%=&é ".chars().collect();
    let mut accepted = 0;
    for _ in 0..50_000 {
        let mut m = chars.clone();
        for _ in 0..1 + g.below(3) {
            let i = g.below(m.len() as u64) as usize;
            match g.below(3) {
                0 => m[i] = alphabet[g.below(alphabet.len() as u64) as usize],
                1 => {
                    m.remove(i);
                }
                _ => m.insert(i, alphabet[g.below(alphabet.len() as u64) as usize]),
            }
        }
        let text: String = m.into_iter().collect();
        if text != link && decode(&text).is_ok() {
            accepted += 1;
        }
        let _ = parse_fragment(&format!("#s={text}"));
    }
    assert_eq!(accepted, 0, "a changed link must fail its checks");
}

#[test]
fn random_input_never_panics() {
    let mut g = Gen(7);
    let mut ok = 0;
    for i in 0..100_000u64 {
        let len = g.below(if i % 10 == 0 { 400 } else { 40 }) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| g.next() as u8).collect();
        ok += decode_bytes(&bytes).is_ok() as u32;
        // The same bytes framed with a valid length and checksum reach the body parser.
        let mut framed = vec![(i % 2) as u8];
        framed.push(bytes.len() as u8 & 0x7f);
        framed.truncate(1);
        let mut len_buf = Vec::new();
        let mut v = bytes.len() as u64;
        while v >= 0x80 {
            len_buf.push((v as u8) | 0x80);
            v >>= 7;
        }
        len_buf.push(v as u8);
        framed.extend_from_slice(&len_buf);
        framed.extend_from_slice(&bytes);
        let crc = crc32c(&framed);
        framed.extend_from_slice(&crc.to_le_bytes());
        ok += decode_bytes(&framed).is_ok() as u32;
        let text: String = bytes.iter().map(|b| (b % 96 + 32) as char).collect();
        let _ = parse_fragment(&text);
        let _ = decode(&format!("1.{text}"));
        if i % 100 == 0 {
            let _ = json::import(&text);
            let _ = Snapshot::from_bytes(&bytes);
            let _ = disks_from_rows(&[]);
        }
    }
    // Random bytes are not scenarios (the empty log of a valid config can be, rarely).
    assert!(ok < 10, "{ok} random inputs decoded");
    // A valid encoding of a real scenario, then flipped bytes: errors, never a panic.
    let good = encode_bytes(&sandbox_50());
    for i in 0..good.len() {
        for bit in [1u8, 0x80] {
            let mut b = good.clone();
            b[i] ^= bit;
            assert!(decode_bytes(&b).is_err(), "byte {i} bit {bit}");
        }
    }
}

// ------------------------------------------------------------------ real Kafka

#[test]
fn the_real_kafka_export_is_a_valid_compose_file_and_script() {
    let mut c = Console::new(1, ClusterConfig { brokers: 3, controllers: 3, ..ClusterConfig::default() }).unwrap();
    run(
        &mut c,
        &[
            &format!("kafka-topics {BS} --create --topic orders --partitions 3 --replication-factor 3"),
            "seq 5 | kafka-console-producer --bootstrap-server localhost:9093 --topic orders",
            "cat > plan.json <<EOF\n{\"version\":1,\"partitions\":[{\"topic\":\"orders\",\"partition\":0,\"replicas\":[2,3,1]}]}\nEOF",
            &format!("kafka-reassign-partitions {BS} --reassignment-json-file plan.json --execute"),
            "broker kill 2",
            "sleep 5s",
            "net cut broker-1 broker-3",
            "broker start 2",
            &format!("kafka-console-consumer {BS} --topic orders --from-beginning --max-messages 5"),
        ],
    );
    let s = Scenario::from_console(&c);
    let compose = real_kafka::compose(&s);
    // docker-compose structure: one service per node, every broker on its own host port.
    let services: Vec<&str> = compose
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   ") && l.ends_with(':'))
        .map(|l| l.trim().trim_end_matches(':'))
        .collect();
    assert_eq!(services, ["controller-1001", "controller-1002", "controller-1003", "broker-1", "broker-2", "broker-3"]);
    assert_eq!(compose.matches(&format!("image: {}", real_kafka::KAFKA_IMAGE)).count(), 6);
    for p in ["9092:9092", "9093:9093", "9094:9094"] {
        assert!(compose.contains(p), "{p}");
    }
    assert_eq!(
        compose
            .matches("KAFKA_CONTROLLER_QUORUM_VOTERS: \"1001@controller-1001:9093,1002@controller-1002:9093,1003@controller-1003:9093\"")
            .count(),
        6
    );
    assert!(
        compose.contains("KAFKA_PROCESS_ROLES: \"broker\"") && compose.contains("KAFKA_PROCESS_ROLES: \"controller\"")
    );
    assert!(!compose.contains('\t'), "YAML has no tabs");
    let script = real_kafka::script(&s);
    assert!(script.starts_with("#!/usr/bin/env bash\n"));
    assert!(script
        .contains("kexec '/opt/kafka/bin/kafka-topics.sh --bootstrap-server broker-1:19092 --create --topic orders"));
    assert!(script.contains("kafka-console-producer.sh --bootstrap-server broker-2:19092 --topic orders' <<'BROKERLAB_EOF'\n1\n2\n3\n4\n5\nBROKERLAB_EOF\n"));
    assert!(script.contains("kexec 'cat > plan.json' <<'BROKERLAB_EOF'\n{\"version\":1"));
    assert!(script.contains("docker compose kill broker-2\n"));
    assert!(script.contains("docker compose start broker-2\n"));
    assert!(script.contains("sleep 5\n"));
    assert!(script.contains("# not translated: network faults"));
    assert!(
        script.lines().filter(|l| !l.starts_with('#')).all(|l| !l.contains("localhost:909")),
        "bootstrap addresses are rewritten"
    );
    // bash parses it (syntax only: nothing runs).
    let dir = std::env::temp_dir().join(format!("brokerlab-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("scenario.sh");
    std::fs::write(&path, &script).unwrap();
    if let Ok(out) = std::process::Command::new("bash").arg("-n").arg(&path).output() {
        assert!(out.status.success(), "bash -n: {}", String::from_utf8_lossy(&out.stderr));
    }
    let _ = std::fs::remove_dir_all(&dir);
    let _ = TopicPartition::new("x", 0);
}
