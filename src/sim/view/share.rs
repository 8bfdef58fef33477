//! Share groups (KIP-932) as the page's group panel shows them: per share-partition its start
//! and end offsets (SPSO/SPEO) and every record in flight between them — available, acquired
//! (by which member, which delivery, how long its lock has left), acknowledged or archived —
//! and per member the partitions it is assigned and the records it holds now, so that a queue
//! with more consumers than partitions can be watched with every consumer busy.
//!
//! The one place that reads a share group for people: the coordinator's `ShareGroup`
//! (`ShareGroupMember`: member epoch, assigned partitions) and each partition leader's
//! `SharePartition` (`InFlightState` per record). Unlike a consumer group's partitions, a
//! share-partition is not owned: the `simple` assignor gives one partition to
//! `ceil(members / partitions)` members (`SimpleHomogeneousAssignmentBuilder`), and the leader
//! hands each record to one of them at a time (`SharePartition.acquire`).

use super::groups::consumer_of;
use crate::sim::broker::share_group_state::ShareGroup;
use crate::sim::broker::share_partition::{RecordState, SharePartition};
use crate::sim::partitioner::coordinator_partition;
use crate::sim::sort::CompactSort;
use crate::sim::time::SimTime;
use crate::sim::types::{BrokerId, Offset, TopicPartition, OFFSETS_TOPIC};
use crate::sim::world::Sim;
use serde::Serialize;
use std::collections::BTreeMap;

/// At most this many in-flight records are listed per share-partition (the counts cover all).
pub(crate) const SHOWN_RECORDS: usize = 40;

/// One record in flight.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ShareRecordView {
    pub offset: Offset,
    pub state: RecordState,
    /// How many times it was handed out (`deliveryCount`).
    pub delivery_count: i32,
    /// While acquired: the member's client id (or its id's first characters if no client is
    /// known) and the seconds its lock has left, rounded up (whole seconds, so the panel is
    /// drawn again once a second rather than on every event).
    pub holder: Option<String>,
    pub lock_left_s: Option<i64>,
}

/// One share-partition on its leader.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SharePartitionView {
    pub tp: TopicPartition,
    pub leader: BrokerId,
    /// SPSO: the first record not finished.
    pub start_offset: Offset,
    /// SPEO: the last record acquired so far.
    pub end_offset: Offset,
    /// The leader's high watermark: records from the next fetch offset up to it wait.
    pub high_watermark: Offset,
    /// Records of the log past the SPEO, not handed out yet.
    pub not_fetched: i64,
    pub available: i64,
    pub acquired: i64,
    pub acknowledged: i64,
    pub archived: i64,
    /// The highest delivery count in flight.
    pub max_delivery_count: i32,
    /// `group.share.delivery.count.limit` and `group.share.record.lock.duration.ms` it uses.
    pub delivery_limit: i32,
    pub lock_duration_ms: i64,
    /// The first [`SHOWN_RECORDS`] records in flight, from the SPSO.
    pub records: Vec<ShareRecordView>,
}

impl SharePartitionView {
    /// Records in flight between the SPSO and the SPEO.
    pub fn in_flight(&self) -> i64 {
        self.available + self.acquired + self.acknowledged + self.archived
    }
}

/// One share group member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ShareMemberView {
    pub member_id: String,
    pub short_id: String,
    pub client_id: String,
    /// The simulated consumer that is this member, when it runs.
    pub client: Option<u32>,
    pub epoch: i32,
    /// The partitions the `simple` assignor gave it (shared with other members).
    pub assigned: Vec<TopicPartition>,
    /// Records it holds acquired now, over all partitions.
    pub holding: i64,
}

impl ShareMemberView {
    /// What the member is doing, in words.
    pub fn activity(&self) -> String {
        match (self.assigned.is_empty(), self.holding) {
            (true, _) => "assigned nothing: reads nothing".into(),
            (false, 0) => format!("idle: holds no records of its {} partition(s)", self.assigned.len()),
            (false, n) => format!("busy: holds {n} record(s) under lock"),
        }
    }
}

/// A share group at one moment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ShareGroupView {
    pub group: String,
    /// `Empty` or `Stable` (`ShareGroup.maybeUpdateGroupState`).
    pub state: String,
    pub epoch: i32,
    pub assignment_epoch: i32,
    pub coordinator: BrokerId,
    pub members: Vec<ShareMemberView>,
    pub partitions: Vec<SharePartitionView>,
}

impl ShareGroupView {
    /// Members holding at least one record now.
    pub fn busy(&self) -> usize {
        self.members.iter().filter(|m| m.holding > 0).count()
    }

    pub fn partition(&self, tp: &TopicPartition) -> Option<&SharePartitionView> {
        self.partitions.iter().find(|p| &p.tp == tp)
    }
}

/// The share groups each live broker coordinates now, with that broker's id.
fn coordinated(sim: &Sim) -> Vec<(BrokerId, &ShareGroup)> {
    let mut out = Vec::new();
    for b in sim.brokers().values() {
        let Some(p) = &b.proc else { continue };
        let n = p.image.topics.get(OFFSETS_TOPIC).map(|t| t.partitions.len() as i32).unwrap_or(50).min(50);
        for g in p.coordinator.share_groups.values() {
            if p.coordinator.owned.contains(&coordinator_partition(&g.id, n)) {
                out.push((b.id, g));
            }
        }
    }
    out
}

/// Every share-partition of `group` on the broker that leads its partition now.
fn partitions_of<'a>(sim: &'a Sim, group: &str) -> Vec<(BrokerId, &'a SharePartition)> {
    let mut out = Vec::new();
    for b in sim.brokers().values() {
        let Some(p) = &b.proc else { continue };
        let Some(parts) = p.share.partitions.get(group) else { continue };
        for (tp, sp) in parts {
            if p.replicas.get(tp).is_some_and(|r| r.is_leader()) {
                out.push((b.id, sp));
            }
        }
    }
    out.compact_sort_by(|a, b| a.1.tp.cmp(&b.1.tp));
    out
}

fn partition_view(
    sim: &Sim,
    leader: BrokerId,
    sp: &SharePartition,
    names: &BTreeMap<&str, String>,
) -> SharePartitionView {
    let now: SimTime = sim.now();
    let hw = sim.brokers().get(&leader).and_then(|b| b.disk.logs.get(&sp.tp)).map(|l| l.high_watermark).unwrap_or(-1);
    let live = || sp.records.range(sp.start_offset..);
    let count = |s: RecordState| live().filter(|(_, r)| r.state == s).count() as i64;
    let next = if sp.records.is_empty() { sp.end_offset.max(sp.start_offset) } else { sp.end_offset + 1 };
    let records = live()
        .take(SHOWN_RECORDS)
        .map(|(o, r)| {
            let acquired = r.state == RecordState::Acquired;
            ShareRecordView {
                offset: *o,
                state: r.state,
                delivery_count: r.delivery_count,
                holder: acquired
                    .then(|| names.get(r.member.as_str()).cloned().unwrap_or_else(|| super::groups::short(&r.member))),
                lock_left_s: if acquired { r.lock_until.map(|t| (t.ms_since(now).max(0) + 999) / 1000) } else { None },
            }
        })
        .collect();
    SharePartitionView {
        tp: sp.tp.clone(),
        leader,
        start_offset: sp.start_offset,
        end_offset: sp.end_offset,
        high_watermark: hw,
        not_fetched: (hw - next).max(0),
        available: count(RecordState::Available),
        acquired: count(RecordState::Acquired),
        acknowledged: count(RecordState::Acknowledged),
        archived: count(RecordState::Archived),
        max_delivery_count: live().map(|(_, r)| r.delivery_count).max().unwrap_or(0),
        delivery_limit: sp.limits.delivery_count_limit,
        lock_duration_ms: sp.limits.lock_duration_ms,
        records,
    }
}

/// The group panel's projection of share group `g`, coordinated by `coordinator`.
fn share_group_view(sim: &Sim, coordinator: BrokerId, g: &ShareGroup) -> ShareGroupView {
    let names: BTreeMap<&str, String> =
        g.members.values().map(|m| (m.member_id.as_str(), m.client_id.clone())).collect();
    let partitions: Vec<SharePartitionView> =
        partitions_of(sim, &g.id).into_iter().map(|(b, sp)| partition_view(sim, b, sp, &names)).collect();
    let mut holding: BTreeMap<&str, i64> = BTreeMap::new();
    for (_, sp) in partitions_of(sim, &g.id) {
        for r in sp.records.values().filter(|r| r.state == RecordState::Acquired) {
            *holding.entry(r.member.as_str()).or_default() += 1;
        }
    }
    let mut members: Vec<ShareMemberView> = g
        .members
        .values()
        .map(|m| ShareMemberView {
            member_id: m.member_id.clone(),
            short_id: super::groups::short(&m.member_id),
            client_id: m.client_id.clone(),
            client: consumer_of(sim, &g.id, &m.member_id).map(|(id, _)| id),
            epoch: m.member_epoch,
            assigned: m.assigned.clone(),
            holding: holding.get(m.member_id.as_str()).copied().unwrap_or(0),
        })
        .collect();
    members.compact_sort_by(|a, b| (&a.client_id, &a.member_id).cmp(&(&b.client_id, &b.member_id)));
    ShareGroupView {
        group: g.id.clone(),
        state: g.state_name().to_string(),
        epoch: g.group_epoch,
        assignment_epoch: g.assignment_epoch,
        coordinator,
        members,
        partitions,
    }
}

/// Every coordinated share group, sorted by name.
pub(crate) fn share_groups(sim: &Sim) -> Vec<ShareGroupView> {
    let mut v: Vec<ShareGroupView> = coordinated(sim).into_iter().map(|(b, g)| share_group_view(sim, b, g)).collect();
    v.compact_sort_by(|a, b| a.group.cmp(&b.group));
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::broker::share_partition::AckType;
    use crate::sim::client::config::ConsumerConfig;
    use crate::sim::client::consumer::share::ShareClient;
    use crate::sim::scenarios::create_topic;
    use crate::sim::world::ClusterConfig;

    fn cluster(partitions: i32) -> Sim {
        let mut sim = Sim::new(11, ClusterConfig::default()).unwrap();
        sim.boot().unwrap();
        assert!(create_topic(&mut sim, "orders", partitions, 3, &[]));
        sim
    }

    fn share_consumer(sim: &mut Sim, name: &str, ack: AckType, processing_ms: i64) -> u32 {
        let p: BTreeMap<String, String> =
            [("group.id", "sg"), ("client.id", name)].iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let id = sim.create_consumer(name, "localhost:9092", ConsumerConfig::parse(&p).unwrap());
        sim.with_consumer(id, |c, _, _| {
            c.share = Some(ShareClient { implicit_ack: Some(ack), ..Default::default() });
            c.app.processing_ms_per_record = processing_ms;
            c.subscribe(vec!["orders".into()]);
        });
        id
    }

    fn view(sim: &Sim) -> ShareGroupView {
        share_groups(sim).into_iter().find(|g| g.group == "sg").expect("sg is coordinated")
    }

    /// `n` records, one per produce request, spread over the partitions by key.
    fn produce(sim: &mut Sim, n: usize, parts: i32) {
        use crate::sim::client::config::ProducerConfig;
        use crate::sim::client::producer::ProducerRecord;
        let props: BTreeMap<String, String> = [("linger.ms".to_string(), "0".to_string())].into_iter().collect();
        let p = sim.create_producer("feeder", "localhost:9092", ProducerConfig::parse(&props).unwrap());
        for i in 0..n {
            let rec = ProducerRecord {
                topic: "orders".into(),
                partition: Some(i as i32 % parts),
                key: None,
                value: Some(crate::sim::record::bytes(format!("v{i}").as_bytes())),
                headers: vec![],
                timestamp: None,
            };
            assert!(sim.produce(p, rec).is_ok());
            sim.run_for_ms(2);
        }
        assert!(sim.run_while(20_000, |s| s.producer_mut(p).map(|p| p.is_idle()).unwrap_or(true)));
        sim.close_client(p);
    }

    // KIP-932 (`SimpleHomogeneousAssignmentBuilder`): four members on two partitions each get
    // one (desiredSharing = 2), and with slow processing every one of them holds records under
    // lock at once: more consumers than partitions, all busy.
    #[test]
    fn more_share_consumers_than_partitions_all_busy() {
        let mut sim = cluster(2);
        let ids: Vec<u32> = (1..=4).map(|i| share_consumer(&mut sim, &format!("s{i}"), AckType::Accept, 200)).collect();
        let ready = sim.run_while(40_000, |s| {
            let Some(g) = share_groups(s).into_iter().find(|g| g.group == "sg") else { return false };
            g.members.len() == 4 && g.members.iter().all(|m| m.assigned.len() == 1) && g.partitions.len() == 2
        });
        assert!(ready, "four members, one partition each: {:?}", view(&sim));
        let g = view(&sim);
        assert_eq!(g.state, "Stable");
        assert!(g.members.iter().all(|m| m.epoch == g.assignment_epoch), "{g:?}");
        for p in &g.partitions {
            let holders = g.members.iter().filter(|m| m.assigned.contains(&p.tp)).count();
            assert_eq!(holders, 2, "each partition shared by two members: {g:?}");
        }
        assert!(g.members.iter().all(|m| m.client.is_some_and(|c| ids.contains(&c))));
        produce(&mut sim, 400, 2);
        let mut all_busy = false;
        let until = sim.now().plus_ms(20_000);
        while sim.now() < until && sim.step() {
            let g = view(&sim);
            for p in &g.partitions {
                let shown = p.records.iter().filter(|r| r.state == RecordState::Acquired).count() as i64;
                assert!(shown <= p.acquired);
                assert!(p.start_offset <= p.end_offset || p.in_flight() == 0, "{p:?}");
                for r in &p.records {
                    assert!(r.offset >= p.start_offset && r.offset <= p.end_offset, "{r:?} outside {p:?}");
                    assert!(r.delivery_count >= 1 && r.delivery_count <= p.delivery_limit);
                    let acquired = r.state == RecordState::Acquired;
                    assert_eq!(acquired, r.holder.is_some(), "{r:?}");
                    assert!(r.lock_left_s.is_none_or(|l| (0..=p.lock_duration_ms / 1000).contains(&l)), "{r:?}");
                }
            }
            let holding: i64 = g.members.iter().map(|m| m.holding).sum();
            assert_eq!(holding, g.partitions.iter().map(|p| p.acquired).sum::<i64>());
            if g.busy() == 4 {
                all_busy = true;
                let names: Vec<String> = g.members.iter().map(|m| m.client_id.clone()).collect();
                for p in &g.partitions {
                    for r in p.records.iter().filter_map(|r| r.holder.as_ref()) {
                        assert!(names.contains(r), "{r} is a member's client id");
                    }
                }
                assert!(g.members.iter().all(|m| m.activity().starts_with("busy")));
                break;
            }
        }
        assert!(all_busy, "all four members held records at one moment: {:?}", view(&sim));
        sim.run_for_ms(120_000);
        let g = view(&sim);
        for p in &g.partitions {
            assert_eq!((p.start_offset, p.in_flight(), p.not_fetched), (p.high_watermark, 0, 0), "all done: {p:?}");
        }
        assert_eq!(g.busy(), 0);
        assert!(g.members.iter().all(|m| m.activity().starts_with("idle")));
    }

    // `SharePartition.releaseAcquisitionLockOnTimeout`: a member far slower than the 30 s lock
    // loses the records it acquired; they show as available (or go to the other member) with a
    // second delivery.
    #[test]
    fn an_expired_lock_shows_the_record_handed_out_again() {
        let mut sim = cluster(1);
        share_consumer(&mut sim, "slow", AckType::Accept, 120_000);
        assert!(sim.run_while(30_000, |s| share_groups(s).first().is_some_and(|g| g.partitions.len() == 1)));
        sim.run_for_ms(2_000);
        produce(&mut sim, 5, 1);
        assert!(sim.run_while(10_000, |s| view(s).partitions[0].acquired > 0));
        let g = view(&sim);
        let p = &g.partitions[0];
        let r = &p.records[0];
        assert_eq!((r.holder.as_deref(), r.delivery_count), (Some("slow"), 1), "{p:?}");
        assert!(r.lock_left_s.is_some_and(|l| l > 25 && l <= 30), "{r:?}");
        assert_eq!(g.members[0].holding, p.acquired);
        share_consumer(&mut sim, "fast", AckType::Accept, 10);
        let redelivered = sim.run_while(40_000, |s| {
            view(s).partitions[0].records.iter().any(|r| r.delivery_count == 2 && r.holder.as_deref() == Some("fast"))
        });
        assert!(redelivered, "a record of slow's went to fast with delivery count 2: {:?}", view(&sim));
    }
}
