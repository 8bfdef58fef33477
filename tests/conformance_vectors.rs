//! Brokerlab against vectors recorded from Apache Kafka's own classes
//! (`tests/conformance/vectors/<family>.jsonl`, written by `conformance/`, see its README):
//! one test per family, asserting that every case agrees and printing
//! `<family>: N/N vectors agree` with the first disagreements in readable form.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::Value;
use std::path::Path;

/// A vector file: its header and its cases.
struct VectorFile {
    header: Value,
    cases: Vec<Value>,
}

/// Reads `tests/conformance/vectors/<family>.jsonl` and checks its header.
fn read_vectors(family: &str) -> VectorFile {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/vectors").join(format!("{family}.jsonl"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header: Value = serde_json::from_str(lines.next().expect("a header line")).expect("header is JSON");
    assert_eq!(header["family"], family, "{}: header family", path.display());
    assert_eq!(header["kafka"], "4.4.0", "{}: recorded from Kafka 4.4.0", path.display());
    let cases: Vec<Value> = lines
        .enumerate()
        .map(|(i, l)| serde_json::from_str(l).unwrap_or_else(|e| panic!("{} case {}: {e}", path.display(), i + 1)))
        .collect();
    if let Some(count) = header["count"].as_u64() {
        assert_eq!(cases.len() as u64, count, "{}: header count", path.display());
    }
    VectorFile { header, cases }
}

/// Prints the tally and fails with the first disagreements.
fn report(family: &str, total: usize, disagreements: &[String]) {
    let agree = total - disagreements.len();
    println!("{family}: {agree}/{total} vectors agree");
    if !disagreements.is_empty() {
        let shown: Vec<&String> = disagreements.iter().take(5).collect();
        panic!(
            "{family}: {} of {total} vectors disagree with Kafka; the first ones:\n\n{}",
            disagreements.len(),
            shown.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n\n")
        );
    }
    assert!(total > 0, "{family}: no vectors");
}

fn ints(v: &Value) -> Vec<i32> {
    v.as_array().map(|a| a.iter().map(|x| x.as_i64().expect("an integer") as i32).collect()).unwrap_or_default()
}

fn opt_ints(v: &Value) -> Option<Vec<i32>> {
    if v.is_null() {
        None
    } else {
        Some(ints(v))
    }
}

// ---------------------------------------------------------------------------------------------
// replica-placement: StripedReplicaPlacer.place(PlacementSpec, ClusterDescriber)
// ---------------------------------------------------------------------------------------------

mod replica_placement {
    use super::*;
    use brokerlab::sim::java::JavaRandom;
    use brokerlab::sim::placement::{place_with, PlacementBroker};

    /// Kafka's `InvalidReplicationFactorException`, the only exception its placer throws.
    const INVALID_RF: &str = "org.apache.kafka.common.errors.InvalidReplicationFactorException";

    fn brokers(case: &Value) -> Vec<PlacementBroker> {
        case["brokers"]
            .as_array()
            .expect("brokers")
            .iter()
            .map(|b| PlacementBroker {
                id: b["id"].as_i64().expect("id") as i32,
                rack: b["rack"].as_str().map(str::to_string),
                fenced: b["fenced"].as_bool().expect("fenced"),
            })
            .collect()
    }

    /// Kafka's answer in Brokerlab's shape: the replica lists, or the exception message.
    fn expected(result: &Value) -> Result<Vec<Vec<i32>>, String> {
        if let Some(e) = result.get("error") {
            assert_eq!(e["class"], INVALID_RF, "an unexpected exception class in the vectors");
            return Err(e["message"].as_str().unwrap_or_default().to_string());
        }
        Ok(result["replicas"].as_array().expect("replicas").iter().map(ints).collect())
    }

    #[test]
    fn replica_placement_vectors_agree() {
        let file = read_vectors("replica-placement");
        assert!(file.header["source"].as_str().unwrap_or_default().contains("StripedReplicaPlacer.place"));
        let mut disagreements = Vec::new();
        for (i, case) in file.cases.iter().enumerate() {
            let brokers = brokers(case);
            let mut random = JavaRandom::new(case["seed"].as_i64().expect("seed"));
            let requests = case["requests"].as_array().expect("requests");
            let results = case["results"].as_array().expect("results");
            for (r, (req, result)) in requests.iter().zip(results).enumerate() {
                let partitions = req["partitions"].as_i64().expect("partitions") as i32;
                let rf = req["rf"].as_i64().expect("rf") as i32;
                let want = expected(result);
                let got = place_with(&brokers, partitions, rf, &mut random);
                if got != want {
                    disagreements.push(format!(
                        "case {} request {r} (seed {}, {} partition(s), RF {rf}, brokers {}):\n  kafka:     {:?}\n  brokerlab: {:?}",
                        i + 1,
                        case["seed"],
                        partitions,
                        case["brokers"],
                        want,
                        got
                    ));
                    break;
                }
            }
        }
        report("replica-placement", file.cases.len(), &disagreements);
    }
}

// ---------------------------------------------------------------------------------------------
// partition-change: PartitionChangeBuilder.build() and PartitionRegistration.merge(record)
// ---------------------------------------------------------------------------------------------

mod partition_change {
    use super::*;
    use brokerlab::sim::controller::partition_change::{merge, Election, PartitionChange, PartitionChangeBuilder};
    use brokerlab::sim::metadata::PartitionState;

    fn registration(v: &Value) -> PartitionState {
        PartitionState {
            replicas: ints(&v["replicas"]),
            isr: ints(&v["isr"]),
            leader: v["leader"].as_i64().expect("leader") as i32,
            leader_epoch: v["leaderEpoch"].as_i64().expect("leaderEpoch") as i32,
            partition_epoch: v["partitionEpoch"].as_i64().expect("partitionEpoch") as i32,
            adding: ints(&v["addingReplicas"]),
            removing: ints(&v["removingReplicas"]),
            leader_recovering: v["leaderRecoveryState"].as_i64() == Some(1),
            elr: ints(&v["elr"]),
            last_known_elr: ints(&v["lastKnownElr"]),
        }
    }

    /// Kafka's `PartitionChangeRecord` in Brokerlab's shape (-2 leader, -1 recovery state and
    /// null lists are "no change").
    fn record(v: &Value) -> PartitionChange {
        let leader = v["leader"].as_i64().expect("leader") as i32;
        let recovery = v["leaderRecoveryState"].as_i64().expect("leaderRecoveryState");
        PartitionChange {
            leader: (leader != -2).then_some(leader),
            isr: opt_ints(&v["isr"]),
            elr: opt_ints(&v["eligibleLeaderReplicas"]),
            last_known_elr: opt_ints(&v["lastKnownElr"]),
            replicas: opt_ints(&v["replicas"]),
            removing: opt_ints(&v["removingReplicas"]),
            adding: opt_ints(&v["addingReplicas"]),
            leader_recovering: (recovery != -1).then_some(recovery == 1),
        }
    }

    fn election(v: &Value) -> Election {
        match v.as_str() {
            Some("ONLINE") => Election::Online,
            Some("PREFERRED") => Election::Preferred,
            Some("UNCLEAN") => Election::Unclean,
            other => panic!("unknown election {other:?}"),
        }
    }

    #[test]
    fn partition_change_vectors_agree() {
        let file = read_vectors("partition-change");
        assert!(file.header["source"].as_str().unwrap_or_default().contains("PartitionChangeBuilder.build()"));
        let mut disagreements = Vec::new();
        for (i, case) in file.cases.iter().enumerate() {
            assert!(case.get("error").is_none(), "case {}: Kafka's builder threw; the vectors never ask that", i + 1);
            let partition = registration(&case["partition"]);
            let acceptable = ints(&case["acceptable"]);
            let mut builder = PartitionChangeBuilder::new(
                &partition,
                |r| acceptable.contains(&r),
                case["minIsr"].as_i64().expect("minIsr") as i32,
                case["elr"].as_bool().expect("elr"),
            )
            .set_election(election(&case["election"]))
            .set_use_last_known_leader(case["useLastKnownLeader"].as_bool().expect("useLastKnownLeader"));
            if let Some(v) = case.get("targetIsr") {
                builder = builder.set_target_isr(ints(v));
            }
            if let Some(v) = case.get("targetReplicas") {
                builder = builder.set_target_replicas(ints(v));
            }
            if let Some(v) = case.get("targetRemoving") {
                builder = builder.set_target_removing(ints(v));
            }
            if let Some(v) = case.get("targetAdding") {
                builder = builder.set_target_adding(ints(v));
            }
            if let Some(v) = case.get("uncleanShutdownReplicas") {
                builder = builder.set_unclean_shutdown_replicas(ints(v));
            }
            if let Some(v) = case.get("targetLeaderRecoveryState") {
                builder = builder.set_target_leader_recovering(v.as_i64() == Some(1));
            }
            let want = if case["record"].is_null() { None } else { Some(record(&case["record"])) };
            let got = builder.build();
            let want_after = case.get("after").map(registration);
            let got_after = got.as_ref().map(|c| merge(&partition, c));
            if got != want || got_after != want_after {
                let mut inputs = case.clone();
                if let Some(o) = inputs.as_object_mut() {
                    o.remove("record");
                    o.remove("after");
                }
                disagreements.push(format!(
                    "case {}: {inputs}\n  kafka record:     {want:?}\n  brokerlab record: {got:?}\n  kafka after:      {want_after:?}\n  brokerlab after:  {got_after:?}",
                    i + 1
                ));
            }
        }
        report("partition-change", file.cases.len(), &disagreements);
    }
}
