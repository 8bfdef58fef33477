//! `kafka-log-dirs --describe` (`LogDirsCommand`): each broker's log directory with the
//! partitions in it, their size in bytes and how far each replica's log end offset is behind its
//! high watermark (`ReplicaManager.getLogEndOffsetLag`: `max(HW - LEO, 0)`), as JSON.
//!
//! The brokers come from the cluster's metadata (`Admin.describeCluster`); the DescribeLogDirs
//! round trip to each of them is not simulated: its answer is read from the broker's disk, where
//! every simulated broker has one log directory, `/tmp/kraft-combined-logs`.

use super::{AdminConn, Ctx, Started};
use crate::console::format::Output;
use crate::console::opts::{parse_command, Tool};
use crate::console::tools::reassign::LOG_DIR;
use crate::sim::client::admin::Target;
use crate::sim::java::{java_hash_order, java_int_set_order, java_string_hash};
use crate::sim::protocol::Request;
use crate::sim::types::TopicPartition;
use std::collections::BTreeSet;

/// `TopicPartition.hashCode`: `31 * (31 + partition) + topic.hashCode()`.
fn tp_hash(tp: &TopicPartition) -> i32 {
    31i32.wrapping_mul(31i32.wrapping_add(tp.partition)).wrapping_add(java_string_hash(&tp.topic))
}

/// One replica as `LogDirsCommand` prints it.
struct Replica {
    tp: TopicPartition,
    size: u64,
    offset_lag: i64,
}

fn int_list(v: &[i32]) -> String {
    v.iter().map(i32::to_string).collect::<Vec<_>>().join(",")
}

/// Parses a comma-separated list, dropping empty items (`splitAtCommasAndFilterOutEmpty`).
fn split(value: &str) -> Vec<&str> {
    value.split(',').filter(|s| !s.is_empty()).collect()
}

pub(crate) fn run(ctx: &mut Ctx, args: &[String]) -> Started {
    let parsed = match parse_command(Tool::LogDirs, args) {
        Ok(p) => p,
        Err(o) => return Started::Done(o),
    };
    let p = &parsed.opts;
    let topics: BTreeSet<String> = split(p.value("topic-list").unwrap_or("")).into_iter().map(str::to_string).collect();
    let mut input: Vec<i32> = Vec::new();
    for b in split(p.value("broker-list").unwrap_or("")) {
        match b.trim().parse::<i32>() {
            Ok(id) if b == b.trim() => input.push(id),
            _ => {
                // `Integer.valueOf` in `brokers()`: the NumberFormatException reaches `main`'s catch.
                let msg = format!("For input string: \"{b}\"");
                let mut o = Output::new();
                o.errln(&msg);
                o.err(&crate::console::format::stack_trace("java.lang.NumberFormatException", &msg));
                o.exit_code = 1;
                return Started::Done(o);
            }
        }
    }
    let servers = p.value("bootstrap-server").unwrap_or("").to_string();
    let admin = AdminConn::open_as(ctx.sim, &servers, "log-dirs-tool");
    let listed =
        admin.call(ctx, "describeCluster", Target::Any, Request::Metadata { topics: None, allow_auto_create: false });
    if let Err(m) = listed {
        admin.close(ctx.sim);
        let msg = crate::sim::client::admin::call_exception(&m);
        let mut o = Output::new();
        o.errln(&msg);
        o.err(&crate::console::format::stack_trace("java.util.concurrent.ExecutionException", &msg));
        o.exit_code = 1;
        return Started::Done(o);
    }
    let cluster: Vec<i32> =
        ctx.sim.admin_mut(admin.id).map(|a| a.meta.brokers.keys().copied().collect()).unwrap_or_default();
    admin.close(ctx.sim);
    // Collectors.toSet(): a HashSet of the cluster's ids; the input list likewise.
    let cluster_set = java_int_set_order(&cluster, 16);
    let input_set = java_int_set_order(&input, 16);
    let existing: Vec<i32> = if input.is_empty() {
        cluster_set.clone()
    } else {
        input_set.iter().copied().filter(|b| cluster.contains(b)).collect()
    };
    let missing: Vec<i32> = input_set.iter().copied().filter(|b| !cluster.contains(b)).collect();
    if !missing.is_empty() {
        let mut o = Output::new();
        o.errln(&format!(
            "ERROR: The given brokers do not exist from --broker-list: {}. Current existent brokers: {}",
            int_list(&missing),
            int_list(&cluster_set)
        ));
        o.exit_code = 1;
        return Started::Done(o);
    }
    let mut out = Output::new();
    out.outln("Querying brokers for log directories information");
    out.outln(&format!("Received log directory information from brokers {}", int_list(&existing)));
    let mut brokers_json = Vec::new();
    for id in java_int_set_order(&existing, 16) {
        let replicas: Vec<Replica> = ctx
            .sim
            .brokers()
            .get(&id)
            .map(|b| {
                b.disk
                    .logs
                    .iter()
                    .map(|(tp, log)| Replica {
                        tp: tp.clone(),
                        size: log.size_bytes(),
                        offset_lag: (log.high_watermark - log.log_end_offset).max(0),
                    })
                    .collect()
            })
            .unwrap_or_default();
        // The admin client's `new HashMap<TopicPartition, ReplicaInfo>` in answer order, then
        // `Collectors.toMap` of the topic filter into another HashMap.
        let keyed: Vec<(usize, i32)> = replicas.iter().enumerate().map(|(i, r)| (i, tp_hash(&r.tp))).collect();
        let first = java_hash_order(&keyed, 16);
        let kept: Vec<(usize, i32)> = first
            .into_iter()
            .filter(|&i| topics.is_empty() || topics.contains(&replicas[i].tp.topic))
            .map(|i| (i, tp_hash(&replicas[i].tp)))
            .collect();
        let partitions: Vec<String> = java_hash_order(&kept, 16)
            .into_iter()
            .map(|i| {
                let r = &replicas[i];
                format!(
                    "{{\"partition\":\"{}-{}\",\"size\":{},\"offsetLag\":{},\"isFuture\":false}}",
                    r.tp.topic, r.tp.partition, r.size, r.offset_lag
                )
            })
            .collect();
        brokers_json.push(format!(
            "{{\"broker\":{id},\"logDirs\":[{{\"partitions\":[{}],\"error\":null,\"logDir\":\"{LOG_DIR}\"}}]}}",
            partitions.join(",")
        ));
    }
    out.outln(&format!("{{\"brokers\":[{}],\"version\":1}}", brokers_json.join(",")));
    Started::Done(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_partition_hash_is_javas() {
        // new TopicPartition("orders", 0).hashCode() = 31 * 31 + "orders".hashCode()
        let tp = TopicPartition { topic: "orders".into(), partition: 0 };
        assert_eq!(tp_hash(&tp), 961i32.wrapping_add(java_string_hash("orders")));
        assert_eq!(java_string_hash("orders"), -1_008_770_331);
    }
}
