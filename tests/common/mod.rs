//! Helpers for engine tests: build a cluster, create topics, produce and inspect.
#![allow(dead_code)]

use brokerlab::sim::client::admin::{Call, Target};
use brokerlab::sim::client::config::ProducerConfig;
use brokerlab::sim::client::producer::{Completion, ProducerRecord};
use brokerlab::sim::errors::ApiError;
use brokerlab::sim::metadata::PartitionState;
use brokerlab::sim::protocol::{ControllerRequest, ControllerResponse, NewTopic, Request, Response};
use brokerlab::sim::record::bytes;
use brokerlab::sim::trace::{Finding, TraceEvent, TraceKind};
use brokerlab::sim::types::{BrokerId, Offset, TopicPartition};
use brokerlab::sim::world::{ClusterConfig, Sim};
use std::collections::BTreeMap;

pub mod sweep;
pub mod sweep_features;

pub fn cluster(seed: u64, brokers: u32) -> Sim {
    let cfg = ClusterConfig { brokers, ..ClusterConfig::default() };
    let mut sim = Sim::new(seed, cfg).expect("valid config");
    sim.boot().expect("boots");
    sim
}

pub fn props(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// Creates a topic with an explicit assignment (so tests know who leads) and waits until
/// every replica knows it.
pub fn create_topic_assigned(sim: &mut Sim, name: &str, assignment: Vec<Vec<BrokerId>>, configs: &[(&str, &str)]) {
    let admin = sim.create_admin("admin", "localhost:9092");
    let topic = NewTopic {
        name: name.into(),
        partitions: -1,
        replication_factor: -1,
        assignment: Some(assignment),
        configs: props(configs),
    };
    let call = Call::new(
        "createTopics",
        Target::Any,
        Request::Controller(ControllerRequest::CreateTopics { topics: vec![topic], validate_only: false }),
    );
    let task = sim.admin_run(admin, vec![call], None);
    sim.close_client(admin);
    match task.calls[0].response.clone() {
        Some(Ok(Response::Controller(ControllerResponse::CreateTopics(r)))) => {
            assert!(r[0].1.is_ok(), "create failed: {r:?}")
        }
        other => panic!("create failed: {other:?}"),
    }
    sim.run_for_ms(1000);
}

pub fn partition(sim: &Sim, topic: &str, p: i32) -> PartitionState {
    let c = sim.active_controller().expect("active controller");
    sim.controllers()[&c].proc.as_ref().unwrap().image.partition(topic, p).cloned().expect("partition exists")
}

pub fn producer(sim: &mut Sim, name: &str, pairs: &[(&str, &str)]) -> u32 {
    let cfg = ProducerConfig::parse(&props(pairs)).expect("valid producer config");
    sim.create_producer(name, "localhost:9092,localhost:9093,localhost:9094", cfg)
}

pub fn send(sim: &mut Sim, p: u32, topic: &str, partition: Option<i32>, key: &str, value: &str) -> u64 {
    sim.produce(
        p,
        ProducerRecord {
            topic: topic.into(),
            partition,
            key: Some(bytes(key.as_bytes())),
            value: Some(bytes(value.as_bytes())),
            headers: vec![],
            timestamp: None,
        },
    )
    .expect("accepted")
}

/// Runs until the producer has nothing in flight (or `max_ms`), returning its completions.
pub fn wait_idle(sim: &mut Sim, p: u32, max_ms: i64) -> Vec<Completion> {
    sim.run_while(max_ms, |s| s.producer_mut(p).map(|p| p.is_idle()).unwrap_or(true));
    sim.take_completions(p)
}

pub fn results(c: &[Completion]) -> Vec<Result<Offset, ApiError>> {
    c.iter().map(|c| c.result.clone()).collect()
}

pub fn log_offsets(sim: &Sim, broker: BrokerId, topic: &str, p: i32) -> (Offset, Offset) {
    let tp = TopicPartition::new(topic, p);
    let log = &sim.brokers()[&broker].disk.logs[&tp];
    (log.log_end_offset, log.high_watermark)
}

pub fn events(sim: &Sim) -> Vec<&TraceEvent> {
    sim.trace().events.iter().filter(|e| !e.kind.is_message_level()).collect()
}

pub fn findings(sim: &Sim) -> Vec<Finding> {
    sim.checker().findings.clone()
}

pub fn has_event(sim: &Sim, f: impl Fn(&TraceKind) -> bool) -> bool {
    sim.trace().events.iter().any(|e| f(&e.kind))
}

pub fn dump(sim: &Sim) -> String {
    events(sim)
        .iter()
        .filter(|e| !matches!(e.kind, TraceKind::Dropped { .. } | TraceKind::HighWatermark { .. }))
        .map(|e| format!("{} {:?}", e.at, e.kind))
        .collect::<Vec<_>>()
        .join("\n")
}
