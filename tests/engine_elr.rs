//! Eligible leader replicas (KIP-966) as a fresh Kafka 4.4 cluster has them
//! (`EligibleLeaderReplicasVersion.ELRV_1`): the controller's side
//! (`PartitionChangeBuilder`, `ReplicationControlManager`, `ClusterControlManager`,
//! `ConfigurationControlManager`) and the leader's high-watermark rule
//! (`kafka.cluster.Partition.maybeIncrementLeaderHW`).
#![cfg(not(target_arch = "wasm32"))]

mod common;
use brokerlab::sim::client::admin::{Call, Target};
use brokerlab::sim::errors::{ApiError, KafkaError};
use brokerlab::sim::protocol::{AlterOp, ControllerRequest, ControllerResponse, Request, Response};
use brokerlab::sim::trace::{ElectionReason, TraceKind};
use brokerlab::sim::types::{ConfigResource, NO_LEADER};
use brokerlab::sim::world::Sim;
use common::*;

fn alter_config(sim: &mut Sim, resource: ConfigResource, op: AlterOp) -> Option<ApiError> {
    let admin = sim.create_admin("admin", "localhost:9092");
    let call = Call::new(
        "incrementalAlterConfigs",
        Target::Any,
        Request::Controller(ControllerRequest::AlterConfigs { resource, ops: vec![op] }),
    );
    let task = sim.admin_run(admin, vec![call], None);
    sim.close_client(admin);
    match task.calls[0].response.clone() {
        Some(Ok(Response::Controller(ControllerResponse::AlterConfigs(e)))) => e,
        other => panic!("alter configs: {other:?}"),
    }
}

/// A topic `payments` on brokers [1, 2] with min.insync.replicas 2; broker 2 crashes and is
/// fenced after `broker.session.timeout.ms`: the ISR drops below min ISR and broker 2, which had
/// every committed record, becomes an eligible leader replica
/// (`PartitionChangeBuilder.maybePopulateTargetElr`).
fn payments_with_broker_2_in_the_elr(seed: u64) -> Sim {
    let mut sim = cluster(seed, 3);
    create_topic_assigned(&mut sim, "payments", vec![vec![1, 2]], &[("min.insync.replicas", "2")]);
    sim.kill_broker(2).unwrap();
    sim.run_for_ms(12_000);
    let p = partition(&sim, "payments", 0);
    assert_eq!((p.leader, p.isr.clone(), p.elr.clone()), (1, vec![1], vec![2]), "{}", dump(&sim));
    sim
}

#[test]
fn a_replica_leaving_an_isr_under_min_isr_becomes_eligible() {
    let sim = payments_with_broker_2_in_the_elr(71);
    assert!(partition(&sim, "payments", 0).last_known_elr.is_empty());
    // Brokers see the ELR in their metadata, which is what kafka-topics --describe prints.
    let mp = sim.brokers()[&3].proc.as_ref().unwrap().metadata_topic("payments").unwrap().partitions[0].clone();
    assert_eq!((mp.elr, mp.last_known_elr), (vec![2], vec![]));
}

/// The last ISR member leaves in a controlled shutdown: the ISR empties (ELR on, Kafka does not
/// keep the last member), the partition has no leader and remembers broker 1
/// (`maybeUpdateLastKnownLeader`). After a clean restart broker 1 is elected from the ELR —
/// cleanly: no RECOVERING state, no unclean election.
#[test]
fn after_a_clean_restart_an_elr_member_leads_cleanly() {
    let mut sim = payments_with_broker_2_in_the_elr(72);
    sim.stop_broker(1).unwrap();
    sim.run_for_ms(5_000);
    let p = partition(&sim, "payments", 0);
    assert_eq!(p.leader, NO_LEADER);
    assert!(p.isr.is_empty(), "{p:?}");
    assert_eq!((p.elr.clone(), p.last_known_elr.clone()), (vec![1, 2], vec![1]));
    assert!(sim.brokers()[&1].disk.clean_shutdown_epoch.is_some(), "a clean shutdown leaves its file");

    sim.start_broker(1).unwrap();
    sim.run_for_ms(6_000);
    let p = partition(&sim, "payments", 0);
    assert_eq!((p.leader, p.isr.clone(), p.elr.clone()), (1, vec![1], vec![2]), "{}", dump(&sim));
    assert!(p.last_known_elr.is_empty());
    assert!(!p.leader_recovering, "an ELR member is a clean leader");
    assert!(!has_event(&sim, |k| matches!(k, TraceKind::LeaderElected { reason: ElectionReason::Unclean, .. })));
    assert!(findings(&sim).is_empty(), "{:?}", findings(&sim));
}

/// A broker that registers again after an unclean shutdown (no clean shutdown file, so its
/// `previousBrokerEpoch` is -1) may have lost acknowledged records: `ClusterControlManager
/// .registerBroker` → `ReplicationControlManager.handleBrokerShutdown(isCleanShutdown=false)`
/// takes it out of every ELR, so it cannot lead as an ELR member.
#[test]
fn an_unclean_restart_leaves_the_elr() {
    let mut sim = payments_with_broker_2_in_the_elr(73);
    // The leader crashes too: no ISR left, ELR [1, 2], broker 1 last known leader.
    sim.kill_broker(1).unwrap();
    sim.run_for_ms(12_000);
    let p = partition(&sim, "payments", 0);
    assert_eq!((p.leader, p.isr.clone()), (NO_LEADER, vec![]));
    assert_eq!((p.elr.clone(), p.last_known_elr.clone()), (vec![1, 2], vec![1]));

    sim.start_broker(2).unwrap();
    sim.run_for_ms(6_000);
    let p = partition(&sim, "payments", 0);
    assert_eq!(p.elr, vec![1], "broker 2 restarted uncleanly: out of the ELR");
    assert_eq!(p.leader, NO_LEADER, "broker 2 is in neither the ISR nor the ELR: it cannot lead");

    // Broker 1 comes back uncleanly as well: it leaves the ELR, but as the only last known
    // leader it is elected in KIP-966's balanced recovery (`canElectLastKnownLeader`), an
    // unclean election even with unclean.leader.election.enable=false.
    sim.start_broker(1).unwrap();
    sim.run_for_ms(6_000);
    let p = partition(&sim, "payments", 0);
    assert_eq!(p.leader, 1, "{}", dump(&sim));
    assert!(p.elr.is_empty());
    assert!(has_event(&sim, |k| matches!(
        k,
        TraceKind::LeaderElected { leader: 1, reason: ElectionReason::Unclean, .. }
    )));
}

/// `ConfigurationControlManager.createClearElrRecordsAsNeeded`: a new topic
/// min.insync.replicas clears that topic's ELR (`ClearElrRecord`).
#[test]
fn changing_min_isr_clears_the_elr() {
    let mut sim = payments_with_broker_2_in_the_elr(74);
    let epoch = partition(&sim, "payments", 0).partition_epoch;
    let r = alter_config(
        &mut sim,
        ConfigResource::Topic("payments".into()),
        AlterOp::Set("min.insync.replicas".into(), "1".into()),
    );
    assert_eq!(r, None);
    sim.run_for_ms(1_000);
    let p = partition(&sim, "payments", 0);
    assert!(p.elr.is_empty() && p.last_known_elr.is_empty(), "{p:?}");
    assert_eq!(p.partition_epoch, epoch + 1, "clearing the ELR is a partition change");
}

/// `ConfigurationControlManager.isDisallowedBrokerMinIsrTransition` and
/// `isDisallowedClusterMinIsrTransition`, and the cluster-wide default the first controller
/// writes (`ActivationRecordsGenerator.recordsForEmptyLog`).
#[test]
fn min_isr_is_a_cluster_or_topic_setting_with_elr() {
    let mut sim = cluster(75, 3);
    let c = sim.active_controller().unwrap();
    let image = &sim.controllers()[&c].proc.as_ref().unwrap().image;
    assert_eq!(image.cluster_configs.get("min.insync.replicas").map(String::as_str), Some("1"));
    let r =
        alter_config(&mut sim, ConfigResource::Broker(Some(1)), AlterOp::Set("min.insync.replicas".into(), "2".into()));
    assert_eq!(
        r,
        Some(ApiError::with(
            KafkaError::INVALID_CONFIG,
            "Broker-level min.insync.replicas cannot be altered while ELR is enabled."
        ))
    );
    let r = alter_config(&mut sim, ConfigResource::Broker(None), AlterOp::Delete("min.insync.replicas".into()));
    assert_eq!(
        r,
        Some(ApiError::with(
            KafkaError::INVALID_CONFIG,
            "Cluster-level min.insync.replicas cannot be removed while ELR is enabled."
        ))
    );
    let r =
        alter_config(&mut sim, ConfigResource::Broker(None), AlterOp::Set("min.insync.replicas".into(), "2".into()));
    assert_eq!(r, None);
}

/// `Partition.maybeIncrementLeaderHW`: under min ISR the high watermark stops, so every replica
/// that left the ISR then (the ELR) still has every committed record.
#[test]
fn the_high_watermark_stops_under_min_isr() {
    let mut sim = payments_with_broker_2_in_the_elr(76);
    let (leo, hw) = log_offsets(&sim, 1, "payments", 0);
    assert_eq!(leo, hw);
    let p = producer(&mut sim, "p", &[("acks", "1")]);
    send(&mut sim, p, "payments", Some(0), "k", "v");
    let r = results(&wait_idle(&mut sim, p, 10_000));
    assert_eq!(r, vec![Ok(leo)], "acks=1 does not need min ISR");
    let (leo2, hw2) = log_offsets(&sim, 1, "payments", 0);
    assert_eq!((leo2, hw2), (leo + 1, hw), "the record is written but not committed");
}
