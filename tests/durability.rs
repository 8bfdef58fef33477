//! Durability: disk images, save/restore, power loss; scenario links, JSON files and the
//! real-Kafka export.
#![cfg(not(target_arch = "wasm32"))]

use brokerlab::console::session::Console;
use brokerlab::scenario::snapshot::Snapshot;
use brokerlab::scenario::Scenario;
use brokerlab::sim::disk_image::{state_hash, DiskTracker};
use brokerlab::sim::world::ClusterConfig;

fn busy_console() -> Console {
    let mut c = Console::new(7, ClusterConfig::default()).expect("boots");
    c.run_script(
        "kafka-topics --bootstrap-server localhost:9092 --create --topic orders --partitions 3 --replication-factor 3\n\
         seq 50 | kafka-console-producer --bootstrap-server localhost:9092 --topic orders\n\
         sleep 2s",
        true,
    );
    c
}

#[test]
fn save_and_restore_gives_back_the_same_state() {
    let c = busy_console();
    let before = state_hash(c.sim());
    let mut tracker = DiskTracker::new();
    let rows = tracker.full(c.sim());
    assert!(!rows.is_empty());
    let snap = Snapshot::take(&c, 5000).expect("no job");
    let json = snap.to_bytes();
    assert!(!json.is_empty());
    let snap = Snapshot::from_bytes(&json).expect("reads");
    let (back, report) = snap.restore(&rows);
    assert!(report.is_clean(), "{report:?}");
    assert_eq!(state_hash(back.sim()), before);
    let _ = Scenario::from_console(&c);
}
