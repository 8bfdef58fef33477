//! Operators' metrics, by Kafka's own MBean names, computed from the engine's state and
//! counters: what a learner triages an incident with (a dashboard of JMX metrics).
//!
//! Gauges are read from the state as Kafka computes them (`ReplicaManager`'s
//! `UnderReplicatedPartitions` counts the partitions a broker leads whose ISR is smaller than
//! their replica set; `ControllerMetadataMetrics.OfflinePartitionsCount` the partitions without
//! a leader; `QuorumControllerMetrics.ActiveControllerCount` 1 on the active controller). Meters
//! (`…PerSec`) are counts over the last minute of simulated time divided by 60, in thousandths
//! (Kafka's Yammer meters report an exponentially weighted one-minute rate; a plain window is
//! what Brokerlab shows). `RequestHandlerAvgIdlePercent` is modelled: see
//! [`crate::sim::broker::quotas::WorkMeter`] and the README. Everything is integer: the page
//! formats.

use crate::sim::client::ClientKind;
use crate::sim::trace::{ElectionReason, TraceKind};
use crate::sim::types::NO_LEADER;
use crate::sim::world::Sim;

/// What a metric's number means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MetricUnit {
    /// A gauge or a count.
    Count,
    /// Events per second, in thousandths.
    PerSecMilli,
    /// Bytes per second.
    BytesPerSec,
    /// Percent (0–100).
    Percent,
    /// Milliseconds.
    Ms,
}

/// One metric of one node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct MetricRow {
    /// `broker 1`, `controller 1001`, `client p1`.
    pub(crate) scope: String,
    /// The short name (`UnderReplicatedPartitions`, `records-lag-max`): what goals and the
    /// `metrics` command name.
    pub(crate) name: String,
    /// The MBean name as JMX shows it.
    pub(crate) mbean: String,
    /// `None`: no value (Kafka's NaN: nothing measured in the window).
    pub(crate) value: Option<i64>,
    pub(crate) unit: MetricUnit,
}

impl MetricRow {
    /// The value as a person reads it.
    pub(crate) fn formatted(&self) -> String {
        self.unit.format(self.value)
    }
}

impl MetricUnit {
    /// A value of this unit as a person reads it (`None`: Kafka's NaN).
    pub(crate) fn format(self, value: Option<i64>) -> String {
        let Some(v) = value else { return "NaN".to_string() };
        match self {
            MetricUnit::Count => v.to_string(),
            MetricUnit::PerSecMilli => format!("{}.{:03}/s", v / 1000, v % 1000),
            MetricUnit::BytesPerSec => format!("{v} B/s"),
            MetricUnit::Percent => format!("{v}%"),
            MetricUnit::Ms => format!("{v} ms"),
        }
    }
}

/// The window of the meters, in seconds.
const METER_WINDOW_S: u64 = 60;
/// The window of the modelled handler idle time, in seconds.
const IDLE_WINDOW_S: u64 = 10;
/// `num.io.threads` (default 8).
const IO_THREADS: u64 = 8;

fn row(scope: &str, name: &str, mbean: String, value: Option<i64>, unit: MetricUnit) -> MetricRow {
    MetricRow { scope: scope.to_string(), name: name.to_string(), mbean, value, unit }
}

/// Every metric of every node, brokers first, then controllers, then clients.
pub(crate) fn metrics(sim: &Sim) -> Vec<MetricRow> {
    let now = sim.now();
    let now_ms = now.as_ms();
    let since_ms = now_ms.saturating_sub(METER_WINDOW_S * 1000);
    // Trace events of the last minute, read from the newest back (the trace is in time
    // order and keeps up to 200,000 events: the page samples these once a simulated second).
    let mut recent: Vec<&TraceKind> = sim
        .trace()
        .events
        .iter()
        .rev()
        .take_while(|e| e.at.as_ms() >= since_ms)
        .map(|e| &e.kind)
        .filter(|k| {
            matches!(k, TraceKind::IsrShrunk { .. } | TraceKind::IsrExpanded { .. } | TraceKind::LeaderElected { .. })
        })
        .collect();
    recent.reverse();
    let per_sec = |n: u64| Some((n * 1000 / METER_WINDOW_S) as i64);
    let mut rows = Vec::new();
    for (id, b) in sim.brokers() {
        let scope = format!("broker {id}");
        let Some(p) = b.proc.as_ref() else {
            rows.push(row(&scope, "state", "(process down: no metrics)".into(), None, MetricUnit::Count));
            continue;
        };
        let rm = |n: &str| format!("kafka.server:type=ReplicaManager,name={n}");
        let mut under = 0;
        let mut leaders = 0;
        let mut partitions = 0;
        for t in p.image.topics.values() {
            for s in t.partitions.values() {
                if s.replicas.contains(id) {
                    partitions += 1;
                }
                if s.leader == *id {
                    leaders += 1;
                    if s.isr.len() < s.replicas.len() {
                        under += 1;
                    }
                }
            }
        }
        rows.push(row(
            &scope,
            "UnderReplicatedPartitions",
            rm("UnderReplicatedPartitions"),
            Some(under),
            MetricUnit::Count,
        ));
        rows.push(row(&scope, "LeaderCount", rm("LeaderCount"), Some(leaders), MetricUnit::Count));
        rows.push(row(&scope, "PartitionCount", rm("PartitionCount"), Some(partitions), MetricUnit::Count));
        let shrinks =
            recent.iter().filter(|k| matches!(k, TraceKind::IsrShrunk { leader, .. } if leader == id)).count();
        let expands =
            recent.iter().filter(|k| matches!(k, TraceKind::IsrExpanded { leader, .. } if leader == id)).count();
        rows.push(row(
            &scope,
            "IsrShrinksPerSec",
            rm("IsrShrinksPerSec"),
            per_sec(shrinks as u64),
            MetricUnit::PerSecMilli,
        ));
        rows.push(row(
            &scope,
            "IsrExpandsPerSec",
            rm("IsrExpandsPerSec"),
            per_sec(expands as u64),
            MetricUnit::PerSecMilli,
        ));
        // The request handler pool, modelled from the work the broker did.
        let busy: u64 = p.work.window(now_ms, IDLE_WINDOW_S).map(|w| w.busy_us).sum();
        let capacity = IO_THREADS * IDLE_WINDOW_S * 1_000_000;
        let idle = 100 - (busy.min(capacity) * 100 / capacity) as i64;
        rows.push(row(
            &scope,
            "RequestHandlerAvgIdlePercent",
            "kafka.server:type=KafkaRequestHandlerPool,name=RequestHandlerAvgIdlePercent".into(),
            Some(idle),
            MetricUnit::Percent,
        ));
        let w: Vec<_> = p.work.window(now_ms, METER_WINDOW_S).collect();
        let sum = |f: &dyn Fn(&crate::sim::broker::quotas::WorkBucket) -> u64| w.iter().map(|b| f(b)).sum::<u64>();
        let btm = |n: &str| format!("kafka.server:type=BrokerTopicMetrics,name={n}");
        let meters: [(&str, u64); 4] = [
            ("TotalProduceRequestsPerSec", sum(&|b| b.produce)),
            ("TotalFetchRequestsPerSec", sum(&|b| b.fetch_consumer + b.fetch_follower)),
            ("FailedProduceRequestsPerSec", sum(&|b| b.failed_produce)),
            ("FailedFetchRequestsPerSec", sum(&|b| b.failed_fetch)),
        ];
        for (n, c) in meters {
            rows.push(row(&scope, n, btm(n), per_sec(c), MetricUnit::PerSecMilli));
        }
        rows.push(row(
            &scope,
            "BytesInPerSec",
            btm("BytesInPerSec"),
            Some((sum(&|b| b.bytes_in) / METER_WINDOW_S) as i64),
            MetricUnit::BytesPerSec,
        ));
        rows.push(row(
            &scope,
            "BytesOutPerSec",
            btm("BytesOutPerSec"),
            Some((sum(&|b| b.bytes_out) / METER_WINDOW_S) as i64),
            MetricUnit::BytesPerSec,
        ));
        // The client quota sensors (`ClientQuotaManager`: group Produce/Fetch, tags user and client-id).
        let mut sensors: Vec<(&str, &(String, String), crate::sim::quota::RateSensor)> = Vec::new();
        for (k, s) in &p.quotas.produce {
            sensors.push(("Produce", k, s.clone()));
        }
        for (k, s) in &p.quotas.fetch {
            sensors.push(("Fetch", k, s.clone()));
        }
        for (ty, (user, client), mut s) in sensors {
            let rate = s.rate_per_sec(now_ms as i64);
            rows.push(row(
                &scope,
                &format!("{}-byte-rate", ty.to_lowercase()),
                format!("kafka.server:type={ty},user={user},client-id={client} (byte-rate)"),
                Some(rate),
                MetricUnit::BytesPerSec,
            ));
        }
        let throttled = |i: usize| p.quotas.throttled[i] as i64;
        rows.push(row(
            &scope,
            "produce-throttled-responses",
            "kafka.server:type=Produce (throttle-time count)".into(),
            Some(throttled(0)),
            MetricUnit::Count,
        ));
        rows.push(row(
            &scope,
            "fetch-throttled-responses",
            "kafka.server:type=Fetch (throttle-time count)".into(),
            Some(throttled(1)),
            MetricUnit::Count,
        ));
    }
    for (id, c) in sim.controllers() {
        let scope = format!("controller {id}");
        let Some(p) = c.proc.as_ref() else {
            rows.push(row(&scope, "state", "(process down: no metrics)".into(), None, MetricUnit::Count));
            continue;
        };
        let active = c.is_active();
        let kc = |n: &str| format!("kafka.controller:type=KafkaController,name={n}");
        rows.push(row(
            &scope,
            "ActiveControllerCount",
            kc("ActiveControllerCount"),
            Some(i64::from(active)),
            MetricUnit::Count,
        ));
        // ControllerMetadataMetrics are kept by every controller from its image; only the
        // active one's are current.
        let mut offline = 0;
        let mut imbalance = 0;
        let mut count = 0;
        for t in p.image.topics.values() {
            for s in t.partitions.values() {
                count += 1;
                if s.leader == NO_LEADER {
                    offline += 1;
                }
                if s.leader != s.preferred() {
                    imbalance += 1;
                }
            }
        }
        rows.push(row(
            &scope,
            "OfflinePartitionsCount",
            kc("OfflinePartitionsCount"),
            Some(offline),
            MetricUnit::Count,
        ));
        rows.push(row(
            &scope,
            "PreferredReplicaImbalanceCount",
            kc("PreferredReplicaImbalanceCount"),
            Some(imbalance),
            MetricUnit::Count,
        ));
        rows.push(row(&scope, "GlobalPartitionCount", kc("GlobalPartitionCount"), Some(count), MetricUnit::Count));
        let fenced = p.image.brokers.values().filter(|b| b.fenced).count() as i64;
        rows.push(row(&scope, "FencedBrokerCount", kc("FencedBrokerCount"), Some(fenced), MetricUnit::Count));
        if active {
            let unclean = recent
                .iter()
                .filter(|k| matches!(k, TraceKind::LeaderElected { reason: ElectionReason::Unclean, .. }))
                .count();
            rows.push(row(
                &scope,
                "UncleanLeaderElectionsPerSec",
                "kafka.controller:type=ControllerStats,name=UncleanLeaderElectionsPerSec".into(),
                per_sec(unclean as u64),
                MetricUnit::PerSecMilli,
            ));
            let elections = recent
                .iter()
                .filter(
                    |k| matches!(k, TraceKind::LeaderElected { reason, .. } if *reason != ElectionReason::NewPartition),
                )
                .count();
            rows.push(row(
                &scope,
                "leader-elections-per-sec",
                "(partition leader elections: no KRaft MBean; LeaderElectionRateAndTimeMs was ZooKeeper's)".into(),
                per_sec(elections as u64),
                MetricUnit::PerSecMilli,
            ));
        }
    }
    for c in sim.clients().values() {
        let scope = format!("client {}", c.name);
        let m = c.meta();
        let client_id = m.client_id();
        let (group, prefix) = match &c.kind {
            ClientKind::Producer(_) => ("producer-metrics", "produce"),
            ClientKind::Consumer(_) => ("consumer-fetch-manager-metrics", "fetch"),
            ClientKind::Admin(_) => continue,
        };
        let now_ms = now_ms as i64;
        for (suffix, v) in [("avg", m.throttle.avg(now_ms)), ("max", m.throttle.max(now_ms))] {
            let name = format!("{prefix}-throttle-time-{suffix}");
            rows.push(row(
                &scope,
                &name,
                format!(
                    "kafka.{}:type={group},client-id={client_id} ({name})",
                    if prefix == "produce" { "producer" } else { "consumer" }
                ),
                v,
                MetricUnit::Ms,
            ));
        }
        if let ClientKind::Consumer(k) = &c.kind {
            let lag = k.assignment.values().filter_map(|p| p.lag(k.cfg.read_committed)).max();
            rows.push(row(
                &scope,
                "records-lag-max",
                format!("kafka.consumer:type=consumer-fetch-manager-metrics,client-id={client_id} (records-lag-max)"),
                lag,
                MetricUnit::Count,
            ));
        }
    }
    rows
}

/// The value of one metric (`name`) of one node (`scope`, e.g. `broker 1`), or of the first
/// node that has it when no scope is given.
pub(crate) fn metric_value(sim: &Sim, name: &str, scope: Option<&str>) -> Option<i64> {
    metrics(sim).into_iter().find(|r| r.name == name && scope.is_none_or(|s| r.scope == s)).and_then(|r| r.value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenarios::create_topic;
    use crate::sim::world::ClusterConfig;

    fn value(sim: &Sim, name: &str, scope: &str) -> Option<i64> {
        metric_value(sim, name, Some(scope))
    }

    // ReplicaManager.UnderReplicatedPartitions and IsrShrinksPerSec rise on the leader when a
    // follower dies; ControllerMetadataMetrics.OfflinePartitionsCount when the last replica does;
    // QuorumControllerMetrics.ActiveControllerCount is 1 on the active controller.
    #[test]
    fn a_kill_raises_under_replicated_then_offline_partitions() {
        let mut sim = Sim::new(3, ClusterConfig::default()).unwrap();
        sim.boot().unwrap();
        assert!(create_topic(&mut sim, "orders", 3, 3, &[]));
        sim.run_for_ms(2000);
        for b in 1..=3 {
            assert_eq!(value(&sim, "UnderReplicatedPartitions", &format!("broker {b}")), Some(0));
        }
        assert_eq!(value(&sim, "ActiveControllerCount", "controller 1001"), Some(1));
        assert_eq!(value(&sim, "OfflinePartitionsCount", "controller 1001"), Some(0));
        sim.kill_broker(3).unwrap();
        sim.run_for_ms(15_000);
        let under: i64 = (1..=2).filter_map(|b| value(&sim, "UnderReplicatedPartitions", &format!("broker {b}"))).sum();
        assert_eq!(under, 3, "every partition lost a replica");
        let shrinks: i64 = (1..=2).filter_map(|b| value(&sim, "IsrShrinksPerSec", &format!("broker {b}"))).sum();
        assert!(shrinks > 0, "the ISR shrank in the last minute");
        assert!(
            metrics(&sim).iter().any(|r| r.scope == "broker 3" && r.value.is_none()),
            "a dead broker has no metrics"
        );
        sim.kill_broker(2).unwrap();
        sim.kill_broker(1).unwrap();
        sim.run_for_ms(15_000);
        assert_eq!(value(&sim, "OfflinePartitionsCount", "controller 1001"), Some(3));
    }

    // BrokerTopicMetrics request meters and the modelled RequestHandlerAvgIdlePercent move with
    // produced load; a client quota shows as the producer's produce-throttle-time-max.
    #[test]
    fn load_moves_request_rates_and_a_quota_shows_as_throttle_time() {
        use crate::sim::protocol::{ControllerRequest, Request};
        use crate::sim::quota::{QuotaEntity, QuotaName};
        let mut sim = Sim::new(4, ClusterConfig::default()).unwrap();
        sim.boot().unwrap();
        assert!(create_topic(&mut sim, "orders", 1, 1, &[]));
        sim.run_for_ms(2000);
        let leader = sim.leader_of(&crate::sim::types::TopicPartition::new("orders", 0)).unwrap();
        let scope = format!("broker {leader}");
        assert_eq!(value(&sim, "RequestHandlerAvgIdlePercent", &scope), Some(100));
        let cfg = crate::sim::client::config::ProducerConfig::parse(
            &[("client.id".to_string(), "shop".to_string())].into_iter().collect(),
        )
        .unwrap();
        let p = sim.create_producer("shop", "localhost:9092", cfg);
        let w = crate::sim::client::producer::Workload {
            topic: "orders".into(),
            rate_per_sec: 500,
            keys: Vec::new(),
            value_prefix: "value-".into(),
            max_records: None,
            sent: 0,
            next_at: sim.now(),
        };
        sim.set_producer_workload(p, Some(w)).unwrap();
        sim.run_for_ms(10_000);
        assert!(value(&sim, "TotalProduceRequestsPerSec", &scope).unwrap() > 0);
        assert!(value(&sim, "BytesInPerSec", &scope).unwrap() > 0);
        assert_eq!(value(&sim, "produce-throttle-time-max", "client shop"), Some(0));
        let admin = sim.create_admin("admin", "localhost:9092");
        let entity = QuotaEntity { user: None, client_id: Some(QuotaName::Named("shop".into())) };
        let call = crate::sim::client::admin::Call::new(
            "alterClientQuotas",
            crate::sim::client::admin::Target::Any,
            Request::Controller(ControllerRequest::AlterClientQuotas {
                entity,
                ops: vec![("producer_byte_rate".into(), Some(256f64.to_bits()))],
            }),
        );
        sim.admin_run(admin, vec![call], None);
        sim.run_for_ms(10_000);
        assert!(value(&sim, "produce-throttle-time-max", "client shop").unwrap() > 0);
        assert!(value(&sim, "produce-byte-rate", &scope).is_some());
    }
}
