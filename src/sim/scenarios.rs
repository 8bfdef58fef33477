//! Fixed scenarios used by determinism tests and benchmarks, natively and in wasm.

use crate::sim::client::admin::{Call, Target};
use crate::sim::client::config::ProducerConfig;
use crate::sim::client::producer::{ProducerRecord, SendError};
use crate::sim::protocol::{ControllerRequest, NewTopic, Request};
use crate::sim::record::bytes;
use crate::sim::trace::TraceLevel;
use crate::sim::types::NodeAddr;
use crate::sim::world::{ClusterConfig, Sim};
use std::collections::BTreeMap;

/// The trace hash the reference scenario must produce on every platform (seed 42). A native
/// test and a browser test both compare against it; change it only together with a
/// deliberate change of the engine's behaviour.
///
/// Changed when `TraceKind::Sent` gained its `class` ([`crate::sim::trace::Traffic`]), so the
/// page no longer classifies messages by matching their names: same events, one more field.
/// Changed again (engine version 3) when the KRaft controller moved onto Kafka 4.4's
/// `PartitionChangeBuilder` with eligible leader replicas (KIP-966) enabled, as a fresh 4.4
/// cluster has them.
///
/// Engine version 3 also: clients open their connections as `NetworkClient` does (a TCP
/// connect a dead broker refuses, a cut link never answers, `ApiVersions` first) and back off
/// their reconnects and metadata refreshes (KIP-144, KIP-580); `net isolate` cuts later nodes
/// too; member ids are version-4 UUIDs; a leader retries its AlterPartition until the
/// controller answers, and a broker's first producer id waits for a block from the controller
/// (`RPCProducerIdManager`); a broker's first retention check comes
/// `log.initial.task.delay.ms` after it starts; the console consumer commits only the records
/// it printed.
///
/// Engine version 4: the active controller writes a `NoOpRecord` every
/// `metadata.max.idle.interval.ms` (`QuorumController`'s writeNoOpRecord periodic task), so the
/// metadata log's end offset and high watermark move while the cluster is idle. Also: an
/// IncrementalAlterConfigs for a missing topic is refused with `QuorumController`'s message
/// (`The topic '<t>' does not exist.`), which leaves the reference trace as it was.
///
/// Engine version 5: a request cancelled because its connection closed fails back to the
/// client that sent it, as `NetworkClient.processDisconnection` completes it: the producer
/// retries the batch (NETWORK_EXCEPTION), a consumer's position reset is retried after
/// `retry.backoff.ms`, its synchronous commits are sent again to the next coordinator and a
/// failed auto-commit is retried after `retry.backoff.ms`, and the admin client retries the
/// call after `retryBackoff.backoff(tries)`; an InitProducerId is dropped only when its own
/// connection closes.
///
/// Engine version 6: a consumer with `group.protocol=consumer` joins a KIP-848 consumer group
/// through ConsumerGroupHeartbeat and the coordinator assigns its partitions with a server-side
/// assignor (`GroupMetadataManager.consumerGroupHeartbeat`, `CurrentAssignmentBuilder`); such a
/// log was refused before, and every other log replays as it did (the reference trace is
/// unchanged).
///
/// Engine version 7: a static member of a KIP-848 consumer group (`group.instance.id`) that
/// closes leaves with member epoch -2 and keeps its partitions; a new member with the same
/// instance id takes its place and its partitions without bumping the group epoch
/// (`GroupMetadataManager.consumerGroupStaticMemberGroupLeave`,
/// `getOrMaybeSubscribeStaticConsumerGroupMember`, `replaceMember`); `kafka-groups` lists the
/// groups of every type. The reference trace is unchanged.
/// Also version 7: share groups (KIP-932): `kafka-console-share-consumer`, `kafka-share-groups`
/// and `consumer start … --share` join share groups through ShareGroupHeartbeat and read with
/// ShareFetch/ShareAcknowledge from share-partitions on the partition leaders
/// (`GroupMetadataManager.shareGroupHeartbeat`, `SharePartition`); such a log was refused before,
/// and every other log replays as it did (the reference trace is unchanged).
///
/// Engine version 8: share-partition state is persisted through the share coordinator in
/// `__share_group_state` (`ShareCoordinatorShard.writeState`/`readState`,
/// `SharePartition.maybeInitialize`): a leader reads it before handing records out and writes it
/// after each acknowledgement, release or lock expiry, so a new leader continues from it; the
/// topic is created with the group's first initialized partitions; `kafka-share-groups
/// --reset-offsets`, `--delete-offsets` and `--delete` work (`AlterShareGroupOffsets`,
/// `DeleteShareGroupOffsets`, `DeleteGroups`). Logs with share groups replay differently; every
/// other log replays as it did (the reference trace is unchanged).
/// Also version 8: mixed consumer groups and the online migration between the protocols
/// (KIP-848): a consumer-protocol member joining a classic group with members converts it into a
/// consumer group where the classic members go on with JoinGroup/SyncGroup/Heartbeat
/// (`GroupMetadataManager.convertToConsumerGroup`, `classicGroupJoinToConsumerGroup`), and the
/// last consumer-protocol member leaving converts it back (`convertToClassicGroup`), as
/// `group.consumer.migration.policy` allows; a share group's id is refused to classic and
/// consumer-protocol members. Such a log behaved differently before (the new member was
/// refused); the reference trace is unchanged.
/// Version 9: an end-transaction marker's record carries its control key and value
/// (`MemoryRecords.withEndTransactionMarker`: a 78-byte batch, 68 before), and a batch the
/// cleaner gives a delete horizon is sized with it as its base timestamp (`MemoryRecordsBuilder`).
/// Also in version 9: client quotas (`kafka-configs --entity-type users|clients`, `ClientQuotaRecord`):
/// a log that sets a byte-rate quota now throttles the client (KIP-219) where the command failed
/// before; `ApiVersions` carries the client id.
/// Also in version 9: the secured cluster (`reset --security sasl-plain`): SASL/PLAIN principals
/// from the brokers' JAAS config, ACLs as KRaft metadata (`AccessControlEntryRecord`) changed by
/// `kafka-acls`, and the `StandardAuthorizer` in the brokers' request handling; a log using them
/// was refused before (no `kafka-acls`, no `--security`), every other log replays as it did (the
/// reference trace is unchanged).
/// Also in version 9: `compression.type` compresses batches (`MemoryRecordsBuilder`; sizes estimated per
/// codec by `sim::compression`), a topic's `compression.type` recompresses them
/// (`LogValidator`), compressed batches fill by `CompressionRatioEstimator`'s estimate, and a
/// `producer start` application blocks in `send()` for `buffer.memory` up to `max.block.ms`
/// (`BufferPool.allocate`) instead of dropping the record; the reference trace is unchanged.
/// Together the version-9 changes move the reference trace (each branch alone kept it).
/// Also in version 9: `fetch.min.bytes` holds a fetch at the broker until that many bytes are
/// readable or `fetch.max.wait.ms` passes (`ReplicaManager.fetchMessages`, `DelayedFetch`); with
/// `replica.selector.class=RackAwareReplicaSelector` a leader sends a consumer with `client.rack`
/// to the in-sync replica of its rack (KIP-392: `findPreferredReadReplica`,
/// `AbstractFetch.selectReadReplica`), which serves it up to its high watermark; `reset --racks`.
/// Logs with those settings replay differently; the reference trace is unchanged.
/// Version 10: tiered storage (KIP-405): with `remote.log.storage.system.enable=true` a topic may be
/// created with `remote.storage.enable=true` (refused before); each leader's `RemoteLogManager`
/// copies rolled segments to the cluster's remote store every `remote.log.manager.task.interval.ms`
/// (`RLMCopyTask`) and expires them by `retention.*` (`RLMExpirationTask`), local segments go by
/// `local.retention.*` only once copied, fetches below the local log start are read from the
/// remote store (`RemoteLogReader`, `DelayedRemoteFetch`), ListOffsets answers -4/-5/-6 (KIP-1005),
/// and `remote-storage down|up` makes the store unreachable. Logs with tiered storage were refused
/// before; every other log replays as it did.
/// Also in version 10 (security): a client authenticates each new connection to a SASL listener
/// (`SaslAuthenticate` before `ApiVersions`; a wrong password fails the client with
/// `SaslAuthenticationException`), the brokers authorize InitProducerId (IDEMPOTENT_WRITE or WRITE
/// on any topic, WRITE on a transactional id), the transactional APIs, a consumer's Fetch and
/// OffsetCommit (READ on the topic) and DescribeConfigs; a producer fails a send to a topic its
/// metadata calls unauthorized at once; a console producer's close waits for an idempotent
/// InitProducerId in flight. Logs of the secured cluster replay differently.
/// Also in version 10 (`eos`): a `message.timestamp.type=LogAppendTime` batch keeps its records'
/// producer timestamps and carries the LOG_APPEND_TIME attribute (`LogValidator`), so consumers
/// read its type and `kafka-dump-log` its CRC over those bytes; a TxnOffsetCommit with group
/// metadata is checked against the group's generation (KIP-447), and the `processor` command runs
/// read-process-write applications (`TransactionalMessageCopier`). Logs with those replay
/// differently; the reference trace is unchanged.
/// Also in version 10 (cluster2): a second cluster in one world (`reset --second-cluster <alias>`, lesson header
/// `second-cluster:`; its own controller 2001, brokers from 101 on localhost:9192, metadata and
/// invariant checker) and MirrorMaker 2 as a simulated process (`connect-mirror-maker`:
/// `MirrorSourceTask`, `MirrorCheckpointTask`); the world's saved state has new fields, so older
/// snapshots replay from their commands. A log with one cluster replays as it did (the
/// reference trace is unchanged); such logs were refused before.
/// Version 11: MirrorMaker 2's source task fires each offset sync as the record it names is
/// acknowledged (`MirrorSourceTask.commitRecord` → `OffsetSyncWriter.firePendingOffsetSyncs`), so a
/// burst of acknowledgements keeps the first sync and one every `offset.lag.max` instead of only
/// the last; the checkpoint task then translates a group's offsets (checkpoints and synced group
/// offsets appear where none did), and the offset-syncs and checkpoints topics are created when
/// MirrorMaker starts (`MirrorSourceConnector.start`, `MirrorCheckpointConnector.start`). Logs
/// with MirrorMaker replay differently; the reference trace is unchanged.
/// Also in version 11 (sweep): a consumer discards a fetch response whose fetch offset is no longer
/// its position (`FetchCollector`); a follower appends a batch starting above its LEO (a compacted
/// leader's gap); a new group coordinator keeps a TxnOffsetCommit's offsets pending until their
/// marker, and a TxnOffsetCommit of an older producer epoch is refused; a processor aborts a
/// transaction whose input partition came back from a rebalance at its committed offset; a user
/// quota applies to the SASL user. Logs with those replay differently; the reference trace is
/// unchanged.
/// Also in version 11: a WriteTxnMarkers is answered once the high watermark has passed the
/// markers (`requiredAcks = -1`, `KafkaApis.handleWriteTxnMarkersRequest`), not at the append, so
/// a transaction completes (CompleteCommit/CompleteAbort) only once its markers are replicated.
/// Logs with transactions replay differently; the reference trace is unchanged.
/// Also in version 11 (authz): the brokers authorize ListOffsets, ListGroups, DescribeGroups,
/// DeleteGroups, OffsetDelete, OffsetFetch's topics, the KIP-848 and share-group APIs,
/// IncrementalAlterConfigs, CreatePartitions, ElectLeaders and the client-quota APIs
/// (`KafkaApis`, `ControllerApis`), and `consumer start` logs in with SASL. Logs of the secured
/// cluster replay differently; the reference trace is unchanged.
/// Version 12: the transaction coordinator sends a WriteTxnMarkers again when the connection
/// to its broker closes, or when it has gone unanswered for `request.timeout.ms`, to the
/// partitions' leaders as the metadata then names them
/// (`TransactionMarkerRequestCompletionHandler.onComplete` on `wasDisconnected`); before, a
/// marker sent to a broker that died stayed in flight and its transaction never completed.
/// Logs with transactions and broker crashes replay differently; the reference trace is
/// unchanged.
/// Also in version 12 (authz): AlterPartitionReassignments,
/// ListPartitionReassignments and DescribeQuorum are authorized (`ControllerApis`,
/// `authorizeClusterOperation`), and an OffsetCommit or TxnOffsetCommit commits the topics the
/// principal may READ (`KafkaApis.handleOffsetCommitRequest`). Logs of the secured cluster replay
/// differently; the reference trace is unchanged.
/// Also in version 12 (compact): the log cleaner keeps a producer's newest batch, and a batch
/// ending at the high watermark, as an empty batch when compaction removes all its records
/// (`Cleaner.cleanInto`, `BatchRetention.RETAIN_EMPTY`), so producer state rebuilt from the log
/// still deduplicates that producer's retry. Logs with compacted topics replay differently; the
/// reference trace is unchanged.
pub const REFERENCE_TRACE_HASH: u64 = 0x7221_2181_c3cf_5eb1;

/// Creates a topic through the admin client, as `kafka-topics --create` does.
pub(crate) fn create_topic(sim: &mut Sim, name: &str, partitions: i32, rf: i32, configs: &[(&str, &str)]) -> bool {
    let admin = sim.create_admin("setup", "localhost:9092");
    let topic = NewTopic {
        name: name.into(),
        partitions,
        replication_factor: rf,
        assignment: None,
        configs: configs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
    };
    let call = Call::new(
        "createTopics",
        Target::Any,
        Request::Controller(ControllerRequest::CreateTopics { topics: vec![topic], validate_only: false }),
    );
    let task = sim.admin_run(admin, vec![call], None);
    sim.close_client(admin);
    matches!(task.calls.first().and_then(|c| c.response.as_ref()), Some(Ok(_)))
}

/// A scenario that exercises most of the engine: a 3-controller quorum, keyed and unkeyed
/// produce, a broker crash and restart, a network cut and heal, a slow follower. Returns the
/// world so callers can read its trace hash and state.
pub fn reference_scenario(seed: u64) -> Sim {
    let cfg =
        ClusterConfig { brokers: 3, controllers: 3, trace_level: TraceLevel::Messages, ..ClusterConfig::default() };
    let mut sim = Sim::new(seed, cfg).expect("valid config");
    let _ = sim.boot();
    create_topic(&mut sim, "orders", 3, 3, &[("min.insync.replicas", "2")]);
    let mut props = BTreeMap::new();
    props.insert("linger.ms".to_string(), "5".to_string());
    let p = sim.create_producer("p1", "localhost:9092", ProducerConfig::parse(&props).expect("valid"));
    for i in 0..200u32 {
        let key = if i % 3 == 0 { None } else { Some(bytes(format!("user-{}", i % 17).as_bytes())) };
        let rec = ProducerRecord {
            topic: "orders".into(),
            partition: None,
            key,
            value: Some(bytes(format!("event-{i}").as_bytes())),
            headers: vec![],
            timestamp: None,
        };
        match sim.produce(p, rec) {
            Ok(_) | Err(SendError::BufferFull) => {}
            Err(SendError::Fatal(_)) => break,
        }
        sim.run_for_ms(37);
        match i {
            40 => {
                let _ = sim.kill_broker(2);
            }
            70 => {
                let _ = sim.start_broker(2);
            }
            100 => {
                sim.net_mut().rule_mut(NodeAddr::Broker(3), NodeAddr::Broker(1)).cut = true;
            }
            130 => sim.net_mut().heal(None),
            150 => {
                let _ = sim.slow_broker(1, 2_000);
            }
            170 => {
                let _ = sim.slow_broker(1, 0);
            }
            _ => {}
        }
    }
    sim.run_for_ms(20_000);
    sim
}

/// The simulated-throughput workload of the benchmarks: 3 brokers, RF 3, acks=all, one
/// producer writing `records` records of `record_size` bytes as fast as the buffer allows.
/// Returns the world (its clock tells the simulated duration).
pub fn throughput_scenario(seed: u64, records: u64, record_size: usize, trace: TraceLevel) -> Sim {
    let cfg = ClusterConfig { brokers: 3, controllers: 1, trace_level: trace, ..ClusterConfig::default() };
    let mut sim = Sim::new(seed, cfg).expect("valid config");
    let _ = sim.boot();
    sim.trace_mut().capacity = 10_000;
    create_topic(&mut sim, "bench", 6, 3, &[]);
    let mut props = BTreeMap::new();
    props.insert("acks".to_string(), "all".to_string());
    props.insert("linger.ms".to_string(), "5".to_string());
    let p = sim.create_producer("perf", "localhost:9092", ProducerConfig::parse(&props).expect("valid"));
    let value = bytes(&vec![b'x'; record_size]);
    let mut sent = 0u64;
    while sent < records {
        // Hand the producer as much as its buffer takes, then let the world run a little.
        loop {
            if sent >= records {
                break;
            }
            let rec = ProducerRecord {
                topic: "bench".into(),
                partition: None,
                key: None,
                value: Some(value.clone()),
                headers: vec![],
                timestamp: None,
            };
            let now = sim.now();
            let Some(prod) = sim.producer_mut(p) else { return sim };
            match prod.send(now, rec) {
                Ok(_) => sent += 1,
                Err(_) => break,
            }
        }
        sim.poke_client(p);
        let t = sim.now().plus_ms(2);
        sim.run_until(t);
        sim.take_completions(p);
    }
    sim.run_while(60_000, |s| s.producer_mut(p).map(|p| p.is_idle()).unwrap_or(true));
    sim.take_completions(p);
    sim
}

/// The end-to-end benchmark of Engine II: a 3-consumer group reading a 12-partition RF 3 topic
/// while one producer writes `records` records. Returns the world and how many records the
/// consumers received.
pub fn end_to_end_scenario(seed: u64, records: u64, record_size: usize) -> (Sim, u64) {
    use crate::sim::client::config::ConsumerConfig;
    let cfg = ClusterConfig { brokers: 3, controllers: 1, trace_level: TraceLevel::Events, ..ClusterConfig::default() };
    let mut sim = Sim::new(seed, cfg).expect("valid config");
    let _ = sim.boot();
    sim.trace_mut().capacity = 10_000;
    create_topic(&mut sim, "e2e", 12, 3, &[]);
    let mut consumers = Vec::new();
    for i in 0..3 {
        let mut m = BTreeMap::new();
        m.insert("group.id".to_string(), "bench".to_string());
        m.insert("auto.offset.reset".to_string(), "earliest".to_string());
        m.insert("max.poll.records".to_string(), "2000".to_string());
        let c = sim.create_consumer(&format!("c{i}"), "localhost:9092", ConsumerConfig::parse(&m).expect("valid"));
        sim.with_consumer(c, |c, _, _| {
            c.delivered_cap = 0;
            c.subscribe(vec!["e2e".into()])
        });
        consumers.push(c);
    }
    sim.run_for_ms(5_000);
    let mut props = BTreeMap::new();
    props.insert("linger.ms".to_string(), "5".to_string());
    let p = sim.create_producer("perf", "localhost:9092", ProducerConfig::parse(&props).expect("valid"));
    let value = bytes(&vec![b'x'; record_size]);
    let mut sent = 0u64;
    let total =
        |s: &mut Sim| consumers.iter().map(|c| s.consumer_mut(*c).map(|c| c.delivered_total).unwrap_or(0)).sum::<u64>();
    while sent < records {
        loop {
            if sent >= records {
                break;
            }
            let rec = ProducerRecord {
                topic: "e2e".into(),
                partition: None,
                key: None,
                value: Some(value.clone()),
                headers: vec![],
                timestamp: None,
            };
            let now = sim.now();
            let Some(prod) = sim.producer_mut(p) else { return (sim, 0) };
            match prod.send(now, rec) {
                Ok(_) => sent += 1,
                Err(_) => break,
            }
        }
        sim.poke_client(p);
        let t = sim.now().plus_ms(2);
        sim.run_until(t);
        sim.take_completions(p);
    }
    sim.run_while(120_000, |s| total(s) >= records);
    let got = total(&mut sim);
    (sim, got)
}
