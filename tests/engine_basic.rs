//! First end-to-end checks of the engine: boot, create a topic, produce.
#![cfg(not(target_arch = "wasm32"))]

use brokerlab::sim::client::admin::{Call, Target};
use brokerlab::sim::client::config::ProducerConfig;
use brokerlab::sim::client::producer::ProducerRecord;
use brokerlab::sim::protocol::{ControllerRequest, ControllerResponse, NewTopic, Request, Response};
use brokerlab::sim::record::bytes;
use brokerlab::sim::world::{ClusterConfig, Sim};
use std::collections::BTreeMap;

fn create_topic(sim: &mut Sim, name: &str, partitions: i32, rf: i32, configs: &[(&str, &str)]) -> Response {
    let admin = sim.create_admin("admin", "localhost:9092");
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
    task.calls[0].response.clone().expect("answered").expect("no timeout")
}

#[test]
fn boots_creates_a_topic_and_acknowledges_acks_all() {
    let mut sim = Sim::new(7, ClusterConfig::default()).unwrap();
    sim.boot().unwrap();
    assert!(sim.cluster_ready());
    let resp = create_topic(&mut sim, "orders", 3, 3, &[("min.insync.replicas", "2")]);
    match resp {
        Response::Controller(ControllerResponse::CreateTopics(r)) => assert!(r[0].1.is_ok(), "{:?}", r),
        other => panic!("unexpected {other:?}"),
    }
    sim.run_for_ms(500);
    let p = sim.create_producer("p1", "localhost:9092", ProducerConfig::default());
    for i in 0..10 {
        let key = format!("k{i}");
        sim.produce(
            p,
            ProducerRecord {
                topic: "orders".into(),
                partition: None,
                key: Some(bytes(key.as_bytes())),
                value: Some(bytes(b"v")),
                headers: vec![],
                timestamp: None,
            },
        )
        .unwrap();
    }
    let ok = sim.run_while(10_000, |s| s.producer_mut(p).map(|p| p.is_idle()).unwrap_or(true));
    assert!(ok, "producer finished");
    let done = sim.take_completions(p);
    let acked: usize = done.iter().filter(|c| c.result.is_ok()).map(|c| c.send_ids.len()).sum();
    assert_eq!(acked, 10, "{done:?}");
    // Every replica has every record and the HW caught up.
    sim.run_for_ms(2000);
    let mut total = 0;
    for b in sim.brokers().values() {
        for (tp, log) in &b.disk.logs {
            if tp.topic == "orders" {
                assert_eq!(log.high_watermark, log.log_end_offset, "{tp} on broker {}", b.id);
                total += log.log_end_offset;
            }
        }
    }
    assert_eq!(total, 30, "10 records × RF 3");
    let findings: Vec<_> = sim.checker().findings.clone();
    assert!(findings.is_empty(), "{findings:?}");
    let _ = BTreeMap::<i32, i32>::new();
}
