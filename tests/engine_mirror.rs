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
