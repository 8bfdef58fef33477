//! The read-only view of the whole cluster for the page (and its stable serialised form): a
//! summary rebuilt after the engine moves. Components take pieces of it as `Rc` props and compare them by value, so a
//! broker whose numbers did not change is not re-rendered.

use crate::sim::broker::{BrokerNode, BrokerState};
use crate::sim::client::consumer::MemberState;
use crate::sim::client::ClientKind;
use crate::sim::metadata::MetadataImage;
use crate::sim::sort::CompactSort;
use crate::sim::time::SimTime;
use crate::sim::types::{BrokerId, Epoch, NodeAddr, Offset, TopicPartition};
use crate::sim::view::names::{ControllerRole, ReplicaRole};
use crate::sim::world::Sim;
use serde::Serialize;
use std::collections::BTreeMap;
use std::rc::Rc;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum NodeStatus {
    Running,
    Fenced,
    Starting,
    ShuttingDown,
    Down,
}

impl NodeStatus {
    /// A broker's status as every read of it tells people (the diagram, Inspect, `broker list`,
    /// lesson goals): down without a process; starting or shutting down as the broker says
    /// (`BrokerState`); running once it runs and the controller's metadata `image`
    /// ([`Sim::metadata_image`]) has it unfenced; fenced otherwise.
    pub(crate) fn of_broker(b: &BrokerNode, image: Option<&MetadataImage>) -> NodeStatus {
        match b.proc.as_ref().map(|p| p.state) {
            None => NodeStatus::Down,
            Some(BrokerState::ShuttingDown) => NodeStatus::ShuttingDown,
            Some(BrokerState::Starting) => NodeStatus::Starting,
            Some(BrokerState::Running) if image.is_some_and(|i| i.is_unfenced(b.id)) => NodeStatus::Running,
            Some(BrokerState::Running | BrokerState::Fenced) => NodeStatus::Fenced,
        }
    }

    pub(crate) fn label(self) -> &'static str {
        match self {
            NodeStatus::Running => "running",
            NodeStatus::Fenced => "fenced",
            NodeStatus::Starting => "starting",
            NodeStatus::ShuttingDown => "shutting down",
            NodeStatus::Down => "down",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ControllerView {
    pub id: i32,
    /// 0 the first cluster, 1 the second.
    pub cluster: u8,
    pub(crate) up: bool,
    pub(crate) role: ControllerRole,
    pub(crate) epoch: Epoch,
    pub high_watermark: Offset,
    pub log_end: Offset,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReplicaView {
    pub tp: TopicPartition,
    pub(crate) role: ReplicaRole,
    /// In the ISR as the controller records it.
    pub(crate) in_isr: bool,
    pub(crate) leo: Offset,
    pub hw: Offset,
    pub(crate) log_start: Offset,
    pub(crate) epoch: Epoch,
    /// Records this replica lacks compared with its leader.
    pub(crate) behind: i64,
    /// The newest records of the log (user topics only), oldest first: the diagram draws them
    /// as cells, committed (below the HW) and uncommitted told apart.
    pub tail: Vec<TailCell>,
}

/// One record at the end of a log, as the diagram draws it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TailCell {
    pub offset: Offset,
    /// The leader epoch of its batch (who wrote it).
    pub(crate) epoch: Epoch,
    pub key: Option<crate::sim::record::Bytes>,
    /// A transaction marker (commit/abort), not data.
    pub control: bool,
}

/// How many records of each log the diagram shows.
pub(crate) const TAIL_LEN: usize = 6;

fn tail_of(log: &crate::sim::log::Log) -> Vec<TailCell> {
    let mut cells = Vec::new();
    for b in log.segments.iter().rev().flat_map(|s| s.batches.iter().rev()) {
        for r in b.records.iter().rev() {
            cells.push(TailCell {
                offset: b.base_offset + i64::from(r.offset_delta),
                epoch: b.partition_leader_epoch,
                key: r.key.clone(),
                control: b.control.is_some(),
            });
            if cells.len() == TAIL_LEN {
                cells.reverse();
                return cells;
            }
        }
    }
    cells.reverse();
    cells
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BrokerView {
    pub id: BrokerId,
    /// 0 the first cluster, 1 the second.
    pub cluster: u8,
    pub status: NodeStatus,
    pub rack: Option<String>,
    pub(crate) slow_ms: i64,
    /// Partitions of the learner's topics it leads.
    pub leaders: u32,
    /// Partitions of internal topics (`__consumer_offsets`, …) it leads.
    pub internal_leaders: u32,
    pub replicas: Rc<Vec<ReplicaView>>,
    /// Fetches waiting at this broker now (long polls, `DelayedFetch`).
    pub waiting_fetches: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PartitionView {
    pub tp: TopicPartition,
    pub leader: BrokerId,
    pub(crate) epoch: Epoch,
    pub replicas: Vec<BrokerId>,
    pub isr: Vec<BrokerId>,
    /// The leader's HW and LEO (-1 when offline).
    pub hw: Offset,
    pub(crate) leo: Offset,
    pub(crate) log_start: Offset,
}

impl PartitionView {
    pub(crate) fn under_replicated(&self) -> bool {
        self.isr.len() < self.replicas.len()
    }
    pub(crate) fn offline(&self) -> bool {
        self.leader < 0
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TopicView {
    pub name: String,
    pub internal: bool,
    pub partitions: Rc<Vec<PartitionView>>,
    pub configs: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClientView {
    pub id: u32,
    pub name: String,
    pub kind: &'static str,
    pub paused: bool,
    /// One line of what it is doing, e.g. "orders · 10/s · 1,234 acked".
    pub summary: String,
    pub group: Option<String>,
    pub assignment: Vec<(TopicPartition, Option<Offset>, Option<i64>)>,
    pub state: String,
    /// On a secured cluster, the principal it authenticates as (`User:alice`).
    pub principal: Option<String>,
    /// What is holding it back now, in words: its SASL login refused, the authorizer refusing
    /// it (an `…AuthorizationException` in the last 10 s), or a quota throttle it is waiting
    /// out (KIP-219).
    pub trouble: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GroupView {
    pub id: String,
    /// The state the tools print (classic or consumer protocol).
    pub state: String,
    /// The generation (classic) or the group epoch (consumer protocol).
    pub generation: i32,
    /// The assignor (classic: the leader's choice; consumer protocol: the server-side one).
    pub protocol: String,
    pub coordinator: BrokerId,
    pub members: Vec<(String, String, Vec<TopicPartition>)>,
    /// (partition, committed offset, log end (HW), lag).
    pub offsets: Vec<(TopicPartition, Offset, Offset, i64)>,
    /// Per member: epoch, owned, being given, to revoke (the group panel).
    pub rebalance: Rc<super::groups::GroupRebalance>,
}

impl GroupView {
    pub(crate) fn total_lag(&self) -> i64 {
        self.offsets.iter().map(|(_, _, _, l)| *l).sum()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct LinkView {
    pub(crate) from: NodeAddr,
    pub(crate) to: NodeAddr,
    pub(crate) cut: bool,
    pub(crate) extra_latency_ms: u64,
    pub(crate) loss_percent: u32,
}

/// Tiered storage's remote store as the page draws it (KIP-405).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RemoteView {
    /// `remote.log.storage.system.enable` on this cluster (nothing to draw when off).
    pub enabled: bool,
    /// `remote-storage down`: unreachable.
    pub down: bool,
    pub partitions: Vec<RemotePartitionView>,
}

/// One tiered partition: its copied segments against its leader's local log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RemotePartitionView {
    pub tp: TopicPartition,
    /// Copied segments, oldest first: base offset, end offset, bytes.
    pub segments: Vec<(Offset, Offset, u64)>,
    /// The log start of the whole log (remote included) and of the leader's local log
    /// (`kafka-get-offsets --time -2` and `--time -4`), -1 without a leader.
    pub log_start: Offset,
    pub local_log_start: Offset,
    /// The leader's log end offset.
    pub leo: Offset,
    /// Fetches of this partition served from remote storage so far, and those that failed there.
    pub remote_reads: u64,
    pub failed_reads: u64,
}

impl RemoteView {
    pub(crate) fn build(sim: &Sim) -> RemoteView {
        let store = sim.remote_store();
        let mut partitions: BTreeMap<TopicPartition, RemotePartitionView> = BTreeMap::new();
        let tiered_topics: Vec<&String> = sim
            .metadata_image()
            .map(|i| {
                i.topics
                    .values()
                    .filter(|t| {
                        t.configs.get("remote.storage.enable").is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
                    })
                    .map(|t| &t.name)
                    .collect()
            })
            .unwrap_or_default();
        let image = sim.metadata_image();
        for topic in tiered_topics {
            let Some(t) = image.and_then(|i| i.topics.get(topic)) else { continue };
            for p in t.partitions.keys() {
                let tp = TopicPartition::new(topic.clone(), *p);
                let log = sim.leader_log(&tp);
                let local = log.map(|l| l.log_start_offset).unwrap_or(-1);
                let segments: Vec<(Offset, Offset, u64)> =
                    store.segments(&tp).iter().map(|s| (s.base_offset, s.end_offset, s.size_bytes)).collect();
                let log_start = match (segments.first(), local) {
                    (Some((b, _, _)), l) if l >= 0 => (*b).min(l),
                    (_, l) => l,
                };
                let (remote_reads, failed_reads) = sim.remote_reads(&tp);
                partitions.insert(
                    tp.clone(),
                    RemotePartitionView {
                        tp,
                        segments,
                        log_start,
                        local_log_start: local,
                        leo: log.map(|l| l.log_end_offset).unwrap_or(-1),
                        remote_reads,
                        failed_reads,
                    },
                );
            }
        }
        RemoteView {
            enabled: sim.tiered_storage_enabled(),
            down: store.down,
            partitions: partitions.into_values().collect(),
        }
    }
}

/// Everything the page shows about the engine at one moment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ViewModel {
    pub now: SimTime,
    pub wall_ms: i64,
    pub active_controller: Option<i32>,
    pub controllers: Rc<Vec<ControllerView>>,
    pub brokers: Rc<Vec<BrokerView>>,
    pub topics: Rc<Vec<TopicView>>,
    pub clients: Rc<Vec<ClientView>>,
    pub groups: Rc<Vec<GroupView>>,
    /// Share groups (KIP-932), kept apart from the consumer groups: they have no committed
    /// offsets or lag and no owned partitions.
    pub share_groups: Rc<Vec<Rc<super::share::ShareGroupView>>>,
    pub(crate) links: Rc<Vec<LinkView>>,
    pub findings: u32,
    /// Tiered storage's remote store.
    pub remote: Rc<RemoteView>,
    /// The secured cluster's authorizer and ACLs (`None`: PLAINTEXT, no authorizer).
    pub security: Option<Rc<SecurityView>>,
    /// The second cluster's alias, when the scenario has two.
    pub second_cluster: Option<String>,
    /// Running MirrorMakers (`connect-mirror-maker`).
    pub mirrors: Rc<Vec<MirrorView>>,
}

/// A secured cluster (`reset --security sasl-plain`): who is a super user, what happens to a
/// resource without ACLs, and every ACL binding in the metadata image.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SecurityView {
    /// The listener's security protocol (`SASL_PLAINTEXT`, or `PLAINTEXT` with an authorizer).
    pub listener: &'static str,
    /// `super.users`.
    pub super_users: Vec<String>,
    /// `allow.everyone.if.no.acl.found`.
    pub allow_if_no_acl: bool,
    /// Whether `StandardAuthorizer` is configured.
    pub authorizer: bool,
    pub acls: Vec<AclRow>,
}

/// One ACL binding, as `kafka-acls --list` groups them: the resource, then the entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AclRow {
    /// `TOPIC`, `GROUP`, `CLUSTER`, `TRANSACTIONAL_ID`.
    pub resource_type: &'static str,
    pub name: String,
    /// `LITERAL` or `PREFIXED`.
    pub pattern: &'static str,
    pub principal: String,
    pub host: String,
    pub operation: &'static str,
    /// `ALLOW` or `DENY`.
    pub permission: &'static str,
}

/// [`SecurityView`] of a secured cluster.
fn security_view(sim: &Sim) -> Option<SecurityView> {
    let env = sim.env();
    let authorizer = env.authorizer();
    if !env.sasl_plain() && authorizer.is_none() {
        return None;
    }
    let acls = sim
        .metadata_image()
        .map(|i| {
            i.acls
                .values()
                .map(|b| AclRow {
                    resource_type: b.pattern.resource_type.java(),
                    name: b.pattern.name.clone(),
                    pattern: b.pattern.pattern.java(),
                    principal: b.entry.principal.clone(),
                    host: b.entry.host.clone(),
                    operation: b.entry.operation.java(),
                    permission: b.entry.permission.java(),
                })
                .collect()
        })
        .unwrap_or_default();
    Some(SecurityView {
        listener: if env.sasl_plain() { "SASL_PLAINTEXT" } else { "PLAINTEXT" },
        super_users: authorizer.as_ref().map(|a| a.super_users.clone()).unwrap_or_default(),
        allow_if_no_acl: authorizer.as_ref().is_some_and(|a| a.allow_if_no_acl),
        authorizer: authorizer.is_some(),
        acls,
    })
}

/// A running MirrorMaker, as the page draws it between the clusters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MirrorView {
    pub id: u32,
    pub flows: Vec<MirrorFlowView>,
}

/// One `source->target` flow: what it mirrors and how far behind it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MirrorFlowView {
    pub source: String,
    pub target: String,
    pub topics: u32,
    /// Records at or below the source partitions' high watermarks not yet copied.
    pub lag: i64,
    pub checkpoints: u32,
}

fn mirror_views(sim: &Sim) -> Vec<MirrorView> {
    sim.mirror_makers()
        .iter()
        .map(|(id, mm)| MirrorView {
            id: *id,
            flows: mm
                .flows
                .iter()
                .map(|f| {
                    let cluster = sim.cluster_of_servers(&f.config.source_servers);
                    let lag = f
                        .topics
                        .iter()
                        .flat_map(|(t, n)| (0..*n).map(move |p| TopicPartition::new(t.clone(), p)))
                        .map(|tp| {
                            let copied = f.copied.get(&tp).copied().unwrap_or(0);
                            let end = sim.leader_log_in(cluster, &tp).map(|l| l.high_watermark).unwrap_or(copied);
                            (end - copied).max(0)
                        })
                        .sum();
                    MirrorFlowView {
                        source: f.config.source.clone(),
                        target: f.config.target.clone(),
                        topics: f.topics.len() as u32,
                        lag,
                        checkpoints: f.checkpoints.len() as u32,
                    }
                })
                .collect(),
        })
        .collect()
}

/// How many frames [`ViewModel::spread`] takes to refresh every broker, topic and client once.
pub(crate) const SPREAD_FRAMES: u64 = 6;

/// Whether the `i`-th item is refreshed at frame `turn` (one item in [`SPREAD_FRAMES`] each frame).
fn due(i: usize, turn: u64) -> bool {
    i as u64 % SPREAD_FRAMES == turn % SPREAD_FRAMES
}

/// Each partition's leader LEO, as the brokers that lead them see it (how far followers are behind).
fn leader_leos(sim: &Sim) -> BTreeMap<&TopicPartition, Offset> {
    leader_leos_in(sim, 0)
}

/// [`leader_leos`] of one cluster's brokers.
fn leader_leos_in(sim: &Sim, cluster: u8) -> BTreeMap<&TopicPartition, Offset> {
    let mut leader_leo = BTreeMap::new();
    for b in sim.brokers().values().filter(|b| sim.cluster_of(NodeAddr::Broker(b.id)) == cluster) {
        if let Some(p) = &b.proc {
            for (tp, r) in &p.replicas {
                if r.is_leader() {
                    if let Some(log) = b.disk.logs.get(tp) {
                        leader_leo.insert(tp, log.log_end_offset);
                    }
                }
            }
        }
    }
    leader_leo
}

fn broker_view(
    sim: &Sim,
    b: &BrokerNode,
    image: Option<&MetadataImage>,
    leader_leo: &BTreeMap<&TopicPartition, Offset>,
) -> BrokerView {
    let cluster = sim.cluster_of(NodeAddr::Broker(b.id));
    let image = if cluster == 0 { image } else { sim.metadata_image_in(cluster) };
    let leader_leo_second;
    let leader_leo = if cluster == 0 {
        leader_leo
    } else {
        leader_leo_second = leader_leos_in(sim, cluster);
        &leader_leo_second
    };
    let status = NodeStatus::of_broker(b, image);
    let mut replicas = Vec::new();
    let (mut leaders, mut internal_leaders) = (0, 0);
    for (tp, log) in &b.disk.logs {
        let state = b.proc.as_ref().and_then(|p| p.replicas.get(tp));
        let role = ReplicaRole::of(state, b.proc.is_some());
        let epoch = state.map(|r| r.leader_epoch).unwrap_or(-1);
        if role == ReplicaRole::Leader {
            if tp.topic.starts_with("__") {
                internal_leaders += 1;
            } else {
                leaders += 1;
            }
        }
        let in_isr =
            image.and_then(|i| i.partition(&tp.topic, tp.partition)).map(|s| s.isr.contains(&b.id)).unwrap_or(false);
        let behind = leader_leo.get(tp).map(|l| (l - log.log_end_offset).max(0)).unwrap_or(0);
        replicas.push(ReplicaView {
            tp: tp.clone(),
            role,
            in_isr,
            leo: log.log_end_offset,
            hw: log.high_watermark,
            log_start: log.log_start_offset,
            epoch,
            behind,
            tail: if tp.topic.starts_with("__") { Vec::new() } else { tail_of(log) },
        });
    }
    BrokerView {
        id: b.id,
        cluster,
        status,
        rack: b.rack.clone(),
        slow_ms: b.proc.as_ref().map(|p| p.fetch_delay_ms).unwrap_or(0),
        leaders,
        internal_leaders,
        replicas: Rc::new(replicas),
        waiting_fetches: b.proc.as_ref().map(|p| p.delayed_fetch.len() as u32).unwrap_or(0),
    }
}

fn topic_view(sim: &Sim, t: &crate::sim::metadata::TopicImage) -> TopicView {
    TopicView {
        name: t.name.clone(),
        internal: t.is_internal(),
        configs: t.configs.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        partitions: Rc::new(
            t.partitions
                .iter()
                .map(|(p, s)| {
                    let tp = TopicPartition::new(t.name.clone(), *p);
                    let log = sim.brokers().get(&s.leader).and_then(|b| b.disk.logs.get(&tp));
                    PartitionView {
                        tp,
                        leader: s.leader,
                        epoch: s.leader_epoch,
                        replicas: s.replicas.clone(),
                        isr: s.isr.clone(),
                        hw: log.map(|l| l.high_watermark).unwrap_or(-1),
                        leo: log.map(|l| l.log_end_offset).unwrap_or(-1),
                        log_start: log.map(|l| l.log_start_offset).unwrap_or(-1),
                    }
                })
                .collect(),
        ),
    }
}

/// Whether a topic's partitions, leaders and ISRs are still those `old` shows.
fn same_leaders(old: &TopicView, t: &crate::sim::metadata::TopicImage) -> bool {
    old.partitions.len() == t.partitions.len()
        && old.partitions.iter().zip(t.partitions.values()).all(|(o, s)| {
            o.leader == s.leader && o.epoch == s.leader_epoch && o.isr == s.isr && o.replicas == s.replicas
        })
}

fn controller_views(sim: &Sim) -> Vec<ControllerView> {
    sim.controllers()
        .values()
        .map(|c| {
            let role = ControllerRole::of(c.proc.as_ref().map(|p| &p.role));
            let hw = c.proc.as_ref().map(|p| p.hw).unwrap_or(-1);
            ControllerView {
                id: c.id,
                cluster: sim.cluster_of(NodeAddr::Controller(c.id)),
                up: c.proc.is_some(),
                role,
                epoch: c.disk.epoch,
                high_watermark: hw,
                log_end: c.disk.log_end(),
            }
        })
        .collect()
}

impl ViewModel {
    pub(crate) fn build(sim: &Sim) -> ViewModel {
        let image = sim.metadata_image();
        let leader_leo = leader_leos(sim);
        let brokers = sim.brokers().values().map(|b| broker_view(sim, b, image, &leader_leo)).collect();
        let topics = match image {
            None => vec![],
            Some(img) => img.topics.values().map(|t| topic_view(sim, t)).collect(),
        };
        let clients = sim
            .clients()
            .values()
            .filter(|c| !matches!(c.kind, ClientKind::Admin(_)))
            .map(|c| client_view(sim, c))
            .collect();
        ViewModel::assemble(sim, controller_views(sim), brokers, topics, clients)
    }

    /// [`ViewModel::build`] with the work spread over frames while time plays: frame `turn`
    /// refreshes one broker, topic and client in [`SPREAD_FRAMES`] (so each is at most that
    /// many frames old, about 0.1 s) and keeps the others from `prev`, `Rc` and all, so the
    /// page re-renders only what was refreshed. Whatever changed shape (a broker's status,
    /// a topic's partitions, a client or broker added or gone) is refreshed at once; the
    /// controllers, groups, links and findings always are. The lab takes a whole
    /// [`ViewModel::build`] whenever something happened that the feed reports or the learner did.
    pub(crate) fn spread(sim: &Sim, prev: &ViewModel, turn: u64) -> ViewModel {
        let image = sim.metadata_image();
        let mut leader_leo = None;
        let brokers = sim
            .brokers()
            .values()
            .enumerate()
            .map(|(i, b)| match prev.brokers.get(i) {
                Some(old)
                    if old.id == b.id
                        && old.status
                            == NodeStatus::of_broker(
                                b,
                                if old.cluster == 0 { image } else { sim.metadata_image_in(1) },
                            )
                        && old.replicas.len() == b.disk.logs.len()
                        && !due(i, turn) =>
                {
                    old.clone()
                }
                _ => broker_view(sim, b, image, leader_leo.get_or_insert_with(|| leader_leos(sim))),
            })
            .collect();
        let topics = match image {
            None => vec![],
            Some(img) => img
                .topics
                .values()
                .enumerate()
                .map(|(j, t)| match prev.topics.get(j) {
                    Some(old) if old.name == t.name && !due(j, turn) && same_leaders(old, t) => old.clone(),
                    _ => topic_view(sim, t),
                })
                .collect(),
        };
        let clients = sim
            .clients()
            .values()
            .filter(|c| !matches!(c.kind, ClientKind::Admin(_)))
            .enumerate()
            .map(|(k, c)| match prev.clients.get(k) {
                Some(old) if old.id == c.id && !due(k, turn) => old.clone(),
                _ => client_view(sim, c),
            })
            .collect();
        ViewModel::assemble(sim, controller_views(sim), brokers, topics, clients)
    }

    /// The rest of the view (groups, links, findings) around the given parts.
    fn assemble(
        sim: &Sim,
        controllers: Vec<ControllerView>,
        brokers: Vec<BrokerView>,
        topics: Vec<TopicView>,
        clients: Vec<ClientView>,
    ) -> ViewModel {
        let mut groups = Vec::new();
        for (coordinator, g) in super::groups::coordinated_groups(sim) {
            let offsets = g
                .offsets
                .iter()
                .map(|(tp, c)| {
                    let cluster = sim.cluster_of(NodeAddr::Broker(coordinator));
                    let end = sim.leader_log_in(cluster, tp).map(|l| l.high_watermark).unwrap_or(c.offset);
                    (tp.clone(), c.offset, end, (end - c.offset).max(0))
                })
                .collect();
            let rebalance = super::groups::rebalance_of(sim, coordinator, g);
            // A classic member's partitions as the coordinator assigned them (SyncGroup); a
            // consumer-protocol member's as the coordinator holds them for it.
            let members = match &g.consumer {
                None => g
                    .members
                    .values()
                    .map(|m| (m.member_id.clone(), m.client_id.clone(), m.assignment.clone()))
                    .collect(),
                Some(_) => rebalance
                    .members
                    .iter()
                    .map(|m| (m.member_id.clone(), m.client_id.clone(), m.owned.clone()))
                    .collect(),
            };
            groups.push(GroupView {
                id: g.id.clone(),
                state: rebalance.state.clone(),
                generation: rebalance.epoch,
                protocol: rebalance.assignor.clone(),
                coordinator,
                members,
                offsets,
                rebalance: Rc::new(rebalance),
            });
        }
        groups.compact_sort_by(|a, b| a.id.cmp(&b.id));
        let links = sim
            .net()
            .rules()
            .map(|((from, to), r)| LinkView {
                from: *from,
                to: *to,
                cut: r.cut || sim.net().is_cut(*from, *to),
                extra_latency_ms: r.extra_latency_us / 1000,
                loss_percent: r.loss_ppm / 10_000,
            })
            .collect::<Vec<LinkView>>();
        // An isolated node's links, to every node there is now.
        let mut links = links;
        let everyone: Vec<NodeAddr> = sim
            .controllers()
            .keys()
            .map(|c| NodeAddr::Controller(*c))
            .chain(sim.brokers().keys().map(|b| NodeAddr::Broker(*b)))
            .chain(sim.clients().keys().map(|c| NodeAddr::Client(*c)))
            .collect();
        for (n, _) in sim.net().isolated() {
            for other in &everyone {
                for (from, to) in [(*n, *other), (*other, *n)] {
                    if from != to && sim.net().is_cut(from, to) && !links.iter().any(|l| l.from == from && l.to == to) {
                        links.push(LinkView { from, to, cut: true, extra_latency_ms: 0, loss_percent: 0 });
                    }
                }
            }
        }
        ViewModel {
            now: sim.now(),
            wall_ms: sim.env().wall_ms(sim.now()),
            active_controller: sim.active_controller(),
            controllers: Rc::new(controllers),
            brokers: Rc::new(brokers),
            topics: Rc::new(topics),
            clients: Rc::new(clients),
            groups: Rc::new(groups),
            share_groups: Rc::new(super::share::share_groups(sim).into_iter().map(Rc::new).collect()),
            links: Rc::new(links),
            findings: (0..=u8::from(sim.second_alias().is_some()))
                .map(|c| sim.checker_of(c).findings.iter().filter(|f| !f.is_expected_under(true)).count() as u32)
                .sum(),
            second_cluster: sim.second_alias().map(str::to_string),
            mirrors: Rc::new(mirror_views(sim)),
            remote: Rc::new(if sim.tiered_storage_enabled() { RemoteView::build(sim) } else { RemoteView::default() }),
            security: security_view(sim).map(Rc::new),
        }
    }

    #[cfg(test)]
    pub(crate) fn topic(&self, name: &str) -> Option<&TopicView> {
        self.topics.iter().find(|t| t.name == name)
    }
}

fn client_view(sim: &Sim, c: &crate::sim::client::ClientNode) -> ClientView {
    let mut v = plain_client_view(sim, c);
    // A read-process-write processor's clients (`processor start`): where its loop is, its
    // transactions and the side effect it performs outside Kafka.
    let procs = sim.processors();
    if let Some(p) = procs.running.values().find(|p| p.consumer == c.id || p.producer == c.id) {
        let mut line = format!(
            "processor {}: {} · {} in the open transaction · {} committed · {} aborted",
            p.name,
            p.stage.describe(),
            p.in_txn.len(),
            p.committed_txns,
            p.aborted_txns
        );
        if let Some(fx) = p.side_effect.as_ref().and_then(|l| procs.effects.get(l).map(|f| (l, f))) {
            line.push_str(&format!(" · {} {} ({} records more than once)", fx.1.total, fx.0, fx.1.repeated()));
        }
        v.state = format!("{} — {line}", v.state);
    }
    v
}

/// [`ClientView::principal`] and [`ClientView::trouble`] of a client.
fn client_trouble(sim: &Sim, c: &crate::sim::client::ClientNode) -> (Option<String>, Option<String>) {
    let principal = sim.env().sasl_plain().then(|| sim.env().principal_of(NodeAddr::Client(c.id)));
    if let Some(Err(_)) = &principal {
        return (None, Some("login refused (SASL)".to_string()));
    }
    let principal = principal.and_then(Result::ok);
    let now = sim.now();
    let m = c.meta();
    let refused = m.logs.iter().rev().take_while(|l| now.ms_since(l.at) <= 10_000).any(|l| {
        (l.level == "WARN" || l.level == "ERROR")
            && (l.message.contains("AUTHORIZATION_FAILED") || l.message.contains("AuthorizationException"))
    }) || match &c.kind {
        ClientKind::Consumer(k) => k.errors.iter().any(|e| e.error.name().ends_with("AUTHORIZATION_FAILED")),
        // The newest sends that completed (in the last 10 s) failed with an authorization error.
        ClientKind::Producer(p) => p
            .completions
            .iter()
            .rev()
            .take_while(|x| now.ms_since(x.at) <= 10_000)
            .any(|x| matches!(&x.result, Err(e) if e.error.name().ends_with("AUTHORIZATION_FAILED"))),
        ClientKind::Admin(_) => false,
    };
    if refused {
        return (principal, Some("not authorized (ACLs)".to_string()));
    }
    let throttled =
        m.conns.nodes.values().filter(|n| n.throttle_until > now).map(|n| n.throttle_until.ms_since(now)).max();
    (principal, throttled.map(|ms| format!("throttled {ms} ms (quota)")))
}

fn plain_client_view(sim: &Sim, c: &crate::sim::client::ClientNode) -> ClientView {
    let (principal, trouble) = client_trouble(sim, c);
    match &c.kind {
        ClientKind::Producer(p) => {
            let topic = p.workload.as_ref().map(|w| w.topic.clone());
            let rate = p.workload.as_ref().map(|w| w.rate_per_sec).unwrap_or(0);
            let mut summary = String::new();
            if let Some(t) = &topic {
                summary.push_str(&format!("→ {t} · {rate}/s · "));
            }
            summary.push_str(&format!("{} acked", p.acked));
            if p.failed > 0 {
                summary.push_str(&format!(" · {} failed", p.failed));
            }
            let state = if let Some(t) = &p.txn {
                t.state.name().to_string()
            } else if p.cfg.enable_idempotence {
                format!("idempotent (producerId {}, epoch {})", p.producer_id, p.producer_epoch)
            } else {
                format!("acks={}", if p.cfg.acks == -1 { "all".to_string() } else { p.cfg.acks.to_string() })
            };
            ClientView {
                id: c.id,
                name: c.name.clone(),
                kind: "producer",
                // `producer pause` stops the application's workload (rate 0), not the client.
                paused: c.paused || p.workload.as_ref().is_some_and(|w| w.rate_per_sec == 0),
                summary,
                group: None,
                assignment: vec![],
                state,
                principal,
                trouble,
            }
        }
        ClientKind::Consumer(k) => {
            let group = k.group.as_ref().map(|g| g.group_id.clone());
            let state = match k.group.as_ref().map(|g| &g.state) {
                Some(MemberState::Stable) => "member".to_string(),
                Some(MemberState::Unjoined) => "not in the group".to_string(),
                Some(s) => format!("{s:?}").to_lowercase(),
                None => "assigned".to_string(),
            };
            let assignment =
                k.assignment.iter().map(|(tp, p)| (tp.clone(), p.position, p.lag(k.cfg.read_committed))).collect();
            let lag: i64 = k.assignment.values().filter_map(|p| p.lag(k.cfg.read_committed)).sum();
            let summary = format!("{} read · lag {lag}", k.delivered_total);
            ClientView {
                id: c.id,
                name: c.name.clone(),
                kind: "consumer",
                paused: c.paused,
                summary,
                group,
                assignment,
                state,
                principal,
                trouble,
            }
        }
        ClientKind::Admin(_) => ClientView {
            id: c.id,
            name: c.name.clone(),
            kind: "admin",
            paused: false,
            summary: String::new(),
            group: None,
            assignment: vec![],
            state: String::new(),
            principal,
            trouble,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenarios::create_topic;
    use crate::sim::world::ClusterConfig;

    /// A spread frame refreshes one broker, topic and client in [`SPREAD_FRAMES`] and keeps the
    /// others as they were (the same `Rc`, so the page skips them); [`SPREAD_FRAMES`] of them
    /// bring the whole view up to date, equal to a whole rebuild.
    #[test]
    fn spread_frames_refresh_a_share_each_and_all_of_it_within_spread_frames() {
        use crate::sim::scenarios::throughput_scenario;
        use crate::sim::trace::TraceLevel;
        let early = ViewModel::build(&throughput_scenario(1, 300, 100, TraceLevel::Events));
        let sim = throughput_scenario(1, 3000, 100, TraceLevel::Events);
        let whole = ViewModel::build(&sim);
        assert_eq!(whole.brokers.len(), 3);
        assert!(whole.brokers.iter().zip(early.brokers.iter()).all(|(a, b)| a.replicas != b.replicas), "numbers moved");
        let mut view = early.clone();
        for turn in 1..=SPREAD_FRAMES {
            let next = ViewModel::spread(&sim, &view, turn);
            for (i, (new, old)) in next.brokers.iter().zip(view.brokers.iter()).enumerate() {
                assert_eq!(Rc::ptr_eq(&new.replicas, &old.replicas), !due(i, turn), "broker {i} at turn {turn}");
            }
            for (j, (new, old)) in next.topics.iter().zip(view.topics.iter()).enumerate() {
                assert_eq!(Rc::ptr_eq(&new.partitions, &old.partitions), !due(j, turn), "topic {j} at turn {turn}");
            }
            view = next;
        }
        assert_eq!(view, whole);
        // A broker that went down is shown down at once, whatever its turn.
        let mut sim = sim;
        sim.kill_broker(2).unwrap();
        let next = ViewModel::spread(&sim, &whole, 0);
        assert!(!due(1, 0));
        assert_eq!(next.brokers[1].status, NodeStatus::Down);
    }

    #[test]
    fn the_view_shows_leaders_followers_and_isr() {
        let mut sim = Sim::new(3, ClusterConfig::default()).unwrap();
        sim.boot().unwrap();
        assert!(create_topic(&mut sim, "orders", 3, 3, &[]));
        sim.run_for_ms(1000);
        let v = ViewModel::build(&sim);
        assert_eq!(v.brokers.len(), 3);
        assert!(v.brokers.iter().all(|b| b.status == NodeStatus::Running));
        let leaders: u32 = v.brokers.iter().map(|b| b.leaders).sum();
        assert_eq!(leaders, 3, "one leader per partition");
        assert_eq!(v.topic("orders").unwrap().partitions.len(), 3);
        assert!(v.brokers.iter().all(|b| b.replicas.iter().all(|r| r.in_isr)));
        // A stable serialised form.
        let a = serde_json::to_string(&v).unwrap();
        let b = serde_json::to_string(&ViewModel::build(&sim)).unwrap();
        assert_eq!(a, b);
        sim.kill_broker(1).unwrap();
        sim.run_for_ms(12_000);
        let v = ViewModel::build(&sim);
        assert_eq!(v.brokers[0].status, NodeStatus::Down);
        assert!(v.topic("orders").unwrap().partitions.iter().all(|p| p.leader != 1 && !p.isr.contains(&1)));
    }
}
