//! Consumer groups as the page's group panel shows them: per member its epoch, what it owns,
//! what it is being given and what it must give back, for classic groups (JoinGroup/SyncGroup,
//! eager or cooperative) and consumer-protocol groups (KIP-848) alike, so one rebalance can be
//! watched step by step.
//!
//! The one place that reads a group's state for people: the [`super::GroupView`] of the
//! view model, the inspector and the lesson goals go through [`coordinated_groups`] and
//! [`rebalance_of`], so a change in how the coordinator stores a group is mended here.
//!
//! What the columns mean differs with the protocol, as it does in Kafka:
//! * **consumer protocol** — the coordinator owns the assignment (`ConsumerGroupMember`): a
//!   member *owns* its assigned partitions and those pending revocation; it *must revoke* what
//!   it owns outside its target assignment (told so at its next heartbeat, then
//!   `UNREVOKED_PARTITIONS` until it acknowledges), and *is being given* the partitions of its
//!   target that it does not own yet — handed over only once their previous owner has released
//!   them (`UNRELEASED_PARTITIONS`; `CurrentAssignmentBuilder.computeNextAssignment`). The
//!   member epoch is its own; the group epoch and the target assignment epoch are the group's.
//! * **classic protocol** — the coordinator only relays the leader's assignment (SyncGroup),
//!   so what a member owns is what its consumer holds (`SubscriptionState`). An eager member
//!   gives everything up before it joins (`ConsumerCoordinator.onJoinPrepare`); a cooperative
//!   one keeps what it owns and gives back only what moved, after the SyncGroup
//!   (`ConsumerCoordinator.onJoinComplete`). Its epoch is the generation it joined.

use crate::sim::broker::consumer_group_state::{ConsumerGroupState, ConsumerMemberState};
use crate::sim::broker::group::{Group, GroupState};
use crate::sim::client::consumer::{Consumer, MemberState};
use crate::sim::client::ClientKind;
use crate::sim::partitioner::coordinator_partition;
use crate::sim::sort::CompactSort;
use crate::sim::types::{BrokerId, TopicPartition, OFFSETS_TOPIC};
use crate::sim::world::Sim;
use serde::Serialize;
use std::collections::BTreeSet;

/// Which rebalance protocol a group speaks (`kafka-consumer-groups --list --type`).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
pub enum GroupProtocol {
    Classic,
    Consumer,
}

impl GroupProtocol {
    pub fn name(self) -> &'static str {
        match self {
            GroupProtocol::Classic => "classic",
            GroupProtocol::Consumer => "consumer",
        }
    }
}

/// One member of a group, as the group panel shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MemberRebalance {
    pub member_id: String,
    /// The member id's first characters, enough to tell members apart on screen.
    pub(crate) short_id: String,
    pub(crate) client_id: String,
    /// `group.instance.id` of a static member.
    pub instance_id: Option<String>,
    /// The simulated consumer that is this member (a `consumer start` name), when it runs.
    pub client: Option<u32>,
    /// The member epoch (consumer protocol) or the generation the member is in (classic).
    pub(crate) epoch: i32,
    /// Where the member is: `Stable`, `UnrevokedPartitions`, `UnreleasedPartitions` (consumer
    /// protocol, `MemberState`) or the consumer's own step (classic: joining, syncing, stable).
    pub state: String,
    /// Partitions the member holds now: it may fetch and process them.
    pub owned: Vec<TopicPartition>,
    /// Partitions it will get once another member has given them up.
    pub(crate) being_given: Vec<TopicPartition>,
    /// Partitions it holds but must give up before it gets anything new.
    pub(crate) to_revoke: Vec<TopicPartition>,
}

/// A group's rebalance at one moment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GroupRebalance {
    pub group: String,
    pub protocol: GroupProtocol,
    /// The assignor: the leader's choice (classic) or the group's server-side assignor.
    pub assignor: String,
    /// The state the tools print (`ConsumerGroup.maybeUpdateGroupState` or `ClassicGroupState`).
    pub state: String,
    /// The group epoch (consumer protocol) or the generation (classic).
    pub(crate) epoch: i32,
    /// The epoch of the target assignment (consumer protocol only).
    pub(crate) target_epoch: Option<i32>,
    pub coordinator: BrokerId,
    pub members: Vec<MemberRebalance>,
}

impl MemberRebalance {
    /// What the member can do now, in words: what it may process while partitions move.
    pub fn activity(&self) -> String {
        let kept = self.owned.len() - self.to_revoke.len();
        match (self.owned.is_empty(), self.to_revoke.is_empty(), self.being_given.is_empty()) {
            (true, _, true) => "owns nothing: processes nothing".into(),
            (true, _, false) => format!("owns nothing yet: waits for {} partition(s)", self.being_given.len()),
            (false, true, true) => format!("processes its {} partition(s)", self.owned.len()),
            (false, false, _) => {
                format!("keeps processing {kept} partition(s) while it gives back {}", self.to_revoke.len())
            }
            (false, true, false) => {
                format!("processes {} partition(s), waits for {} more", self.owned.len(), self.being_given.len())
            }
        }
    }
}

impl GroupRebalance {
    /// Whether some member still has to give up or receive partitions.
    pub fn moving(&self) -> bool {
        self.members.iter().any(|m| !m.being_given.is_empty() || !m.to_revoke.is_empty())
    }
}

/// The groups each live broker coordinates now (it leads and has loaded the group's
/// `__consumer_offsets` partition), with that broker's id.
pub(crate) fn coordinated_groups(sim: &Sim) -> Vec<(BrokerId, &Group)> {
    let mut out = Vec::new();
    for b in sim.brokers().values() {
        let Some(p) = &b.proc else { continue };
        let partitions = p.image.topics.get(OFFSETS_TOPIC).map(|t| t.partitions.len() as i32).unwrap_or(50).min(50);
        for g in p.coordinator.groups.values() {
            if p.coordinator.owned.contains(&coordinator_partition(&g.id, partitions)) {
                out.push((b.id, g));
            }
        }
    }
    out
}

pub(super) fn short(member_id: &str) -> String {
    member_id.chars().take(8).collect()
}

/// The running consumer that is `member_id` of `group`, if any.
pub(super) fn consumer_of<'a>(sim: &'a Sim, group: &str, member_id: &str) -> Option<(u32, &'a Consumer)> {
    sim.clients().values().find_map(|c| match &c.kind {
        ClientKind::Consumer(k)
            if !member_id.is_empty()
                && k.group.as_ref().is_some_and(|g| g.group_id == group && g.member_id == member_id) =>
        {
            Some((c.id, &**k))
        }
        _ => None,
    })
}

/// The group panel's projection of group `g`, coordinated by `coordinator`.
pub(crate) fn rebalance_of(sim: &Sim, coordinator: BrokerId, g: &Group) -> GroupRebalance {
    match &g.consumer {
        Some(cg) => consumer_protocol(sim, coordinator, g, cg),
        None => classic(sim, coordinator, g),
    }
}

fn consumer_protocol(sim: &Sim, coordinator: BrokerId, g: &Group, cg: &ConsumerGroupState) -> GroupRebalance {
    let default = sim.env().settings.consumer_group.assignors.first().cloned().unwrap_or_default();
    let mut members: Vec<MemberRebalance> = cg
        .members
        .values()
        .map(|m| {
            let held: BTreeSet<&TopicPartition> = m.assigned.keys().chain(m.pending_revocation.keys()).collect();
            // Before the member's next heartbeat its target is already known to the group: what
            // it holds outside the target is to be revoked (told or not yet), what the target
            // has that it does not hold is coming.
            let target: BTreeSet<&TopicPartition> =
                cg.target.get(&m.member_id).map(|t| t.iter().collect()).unwrap_or_default();
            let being_given = target.iter().filter(|tp| !held.contains(*tp)).map(|tp| (*tp).clone()).collect();
            let to_revoke = held.iter().filter(|tp| !target.contains(*tp)).map(|tp| (*tp).clone()).collect();
            MemberRebalance {
                member_id: m.member_id.clone(),
                short_id: short(&m.member_id),
                client_id: m.client_id.clone(),
                instance_id: m.instance_id.clone(),
                client: consumer_of(sim, &g.id, &m.member_id).map(|(id, _)| id),
                epoch: m.member_epoch,
                state: match m.state {
                    ConsumerMemberState::Stable => "Stable",
                    ConsumerMemberState::UnrevokedPartitions => "UnrevokedPartitions",
                    ConsumerMemberState::UnreleasedPartitions => "UnreleasedPartitions",
                }
                .to_string(),
                owned: held.into_iter().cloned().collect(),
                being_given,
                to_revoke,
            }
        })
        .collect();
    members.compact_sort_by(|a, b| (&a.client_id, &a.member_id).cmp(&(&b.client_id, &b.member_id)));
    GroupRebalance {
        group: g.id.clone(),
        protocol: GroupProtocol::Consumer,
        assignor: cg.preferred_assignor_name(&default),
        state: g.state_name().to_string(),
        epoch: cg.group_epoch,
        target_epoch: Some(cg.assignment_epoch),
        coordinator,
        members,
    }
}

fn classic(sim: &Sim, coordinator: BrokerId, g: &Group) -> GroupRebalance {
    let mut members: Vec<MemberRebalance> = g
        .members
        .values()
        .map(|m| {
            let consumer = consumer_of(sim, &g.id, &m.member_id);
            let (owned, epoch, state, being_given, to_revoke) = match consumer {
                Some((_, k)) => {
                    let gc = k.group.as_ref();
                    let owned: Vec<TopicPartition> = k.assignment.keys().cloned().collect();
                    let generation = gc.map(|c| c.generation).unwrap_or(g.generation);
                    // The coordinator's assignment is this member's only once the member has
                    // synced in the group's current generation; before that nobody knows it.
                    let synced = generation == g.generation && g.state == GroupState::Stable;
                    let (given, revoke): (Vec<TopicPartition>, Vec<TopicPartition>) = if synced {
                        let target: BTreeSet<&TopicPartition> = m.assignment.iter().collect();
                        (
                            m.assignment.iter().filter(|tp| !k.assignment.contains_key(*tp)).cloned().collect(),
                            owned.iter().filter(|tp| !target.contains(tp)).cloned().collect(),
                        )
                    } else {
                        (vec![], vec![])
                    };
                    let state = match gc.map(|c| &c.state) {
                        Some(MemberState::Stable) => "stable",
                        Some(MemberState::PreparingJoin) => "committing before it joins",
                        Some(MemberState::Joining) | Some(MemberState::Assigning) => "joining",
                        Some(MemberState::Syncing) => "syncing",
                        Some(MemberState::Unjoined) | None => "not joined",
                    };
                    (owned, generation, state.to_string(), given, revoke)
                }
                // A member whose consumer is gone (crashed, or a console tool that ended): the
                // coordinator's assignment is all there is to show until its session expires.
                None => (m.assignment.clone(), g.generation, "no consumer running".to_string(), vec![], vec![]),
            };
            MemberRebalance {
                member_id: m.member_id.clone(),
                short_id: short(&m.member_id),
                client_id: m.client_id.clone(),
                instance_id: m.instance_id.clone(),
                client: consumer.map(|(id, _)| id),
                epoch,
                state,
                owned,
                being_given,
                to_revoke,
            }
        })
        .collect();
    members.compact_sort_by(|a, b| (&a.client_id, &a.member_id).cmp(&(&b.client_id, &b.member_id)));
    GroupRebalance {
        group: g.id.clone(),
        protocol: GroupProtocol::Classic,
        assignor: g.protocol.clone().unwrap_or_default(),
        state: g.state_name().to_string(),
        epoch: g.generation,
        target_epoch: None,
        coordinator,
        members,
    }
}

/// Every coordinated group's projection, sorted by name.
#[cfg(test)]
pub(crate) fn rebalances(sim: &Sim) -> Vec<GroupRebalance> {
    let mut v: Vec<GroupRebalance> =
        coordinated_groups(sim).into_iter().map(|(b, g)| rebalance_of(sim, b, g)).collect();
    v.compact_sort_by(|a, b| a.group.cmp(&b.group));
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::client::config::ConsumerConfig;
    use crate::sim::scenarios::create_topic;
    use crate::sim::world::ClusterConfig;
    use std::collections::BTreeMap;

    fn cluster() -> Sim {
        let mut sim = Sim::new(7, ClusterConfig::default()).unwrap();
        sim.boot().unwrap();
        assert!(create_topic(&mut sim, "orders", 4, 3, &[]));
        sim
    }

    fn start(sim: &mut Sim, name: &str, group: &str, props: &[(&str, &str)]) -> u32 {
        let mut p: BTreeMap<String, String> = props.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        p.insert("group.id".into(), group.into());
        p.insert("client.id".into(), name.into());
        let id = sim.create_consumer(name, "localhost:9092", ConsumerConfig::parse(&p).unwrap());
        sim.with_consumer(id, |c, _, _| c.subscribe(vec!["orders".into()]));
        id
    }

    fn group(sim: &Sim, id: &str) -> GroupRebalance {
        rebalances(sim).into_iter().find(|g| g.group == id).expect("the group is coordinated")
    }

    fn member<'a>(g: &'a GroupRebalance, client: &str) -> &'a MemberRebalance {
        g.members.iter().find(|m| m.client_id == client).expect("a member")
    }

    fn all(g: &GroupRebalance) -> BTreeSet<TopicPartition> {
        g.members.iter().flat_map(|m| m.owned.iter().cloned()).collect()
    }

    /// Every event from now for `ms`, calling `each` with the group's projection after each.
    fn watch(sim: &mut Sim, id: &str, ms: i64, mut each: impl FnMut(&GroupRebalance)) {
        let until = sim.now().plus_ms(ms);
        while sim.now() < until && sim.step() {
            if let Some(g) = rebalances(sim).into_iter().find(|g| g.group == id) {
                each(&g);
            }
        }
    }

    // KIP-848 (`CurrentAssignmentBuilder`): when a second member joins, the first keeps
    // processing what it keeps, revokes only what moves (UNREVOKED_PARTITIONS, epoch unchanged),
    // and the newcomer is given those partitions only once they are released
    // (UNRELEASED_PARTITIONS) — no partition is held by two members at any moment.
    #[test]
    fn a_consumer_protocol_scale_out_moves_partitions_member_by_member() {
        let mut sim = cluster();
        start(&mut sim, "c1", "g", &[("group.protocol", "consumer")]);
        sim.run_for_ms(10_000);
        let before = group(&sim, "g");
        assert_eq!(before.protocol, GroupProtocol::Consumer);
        assert_eq!(before.state, "Stable");
        assert_eq!(before.target_epoch, Some(before.epoch));
        assert_eq!(member(&before, "c1").owned.len(), 4);
        assert!(!before.moving());

        start(&mut sim, "c2", "g", &[("group.protocol", "consumer")]);
        let (mut c1_revoking, mut c2_waiting, mut c1_kept_while_revoking) = (false, false, true);
        let mut epochs = vec![];
        watch(&mut sim, "g", 20_000, |g| {
            let mut seen = BTreeSet::new();
            for m in &g.members {
                for tp in &m.owned {
                    assert!(seen.insert(tp.clone()), "{tp} owned twice: {g:?}");
                }
                assert!(m.to_revoke.iter().all(|tp| m.owned.contains(tp)), "revokes only what it owns");
                assert!(m.being_given.iter().all(|tp| !m.owned.contains(tp)));
            }
            if let Some(c1) = g.members.iter().find(|m| m.client_id == "c1") {
                if !c1.to_revoke.is_empty() {
                    c1_revoking = true;
                    // Not told yet (an older epoch), or told and not yet acknowledged.
                    assert!(c1.epoch < g.target_epoch.unwrap() || c1.state == "UnrevokedPartitions", "{c1:?} in {g:?}");
                    c1_kept_while_revoking &= c1.owned.len() > c1.to_revoke.len();
                }
            }
            if let Some(c2) = g.members.iter().find(|m| m.client_id == "c2") {
                if !c2.being_given.is_empty() {
                    c2_waiting = true;
                    assert!(c2.state != "Stable" || c2.epoch < g.target_epoch.unwrap(), "{c2:?} in {g:?}");
                }
                epochs.push((g.epoch, c2.epoch));
            }
        });
        assert!(c1_revoking, "c1 had partitions to revoke");
        assert!(c2_waiting, "c2 waited for partitions c1 still held");
        assert!(c1_kept_while_revoking, "c1 kept processing the partitions it keeps");
        assert!(epochs.windows(2).all(|w| w[0].0 <= w[1].0 && w[0].1 <= w[1].1), "epochs only rise: {epochs:?}");
        let after = group(&sim, "g");
        assert_eq!(after.state, "Stable");
        assert!(after.epoch > before.epoch, "the group epoch rose");
        assert_eq!(after.target_epoch, Some(after.epoch));
        assert!(!after.moving());
        assert_eq!((member(&after, "c1").owned.len(), member(&after, "c2").owned.len()), (2, 2));
        assert!(after.members.iter().all(|m| m.epoch == after.epoch && m.state == "Stable"));
        assert_eq!(all(&after).len(), 4);
        // The view model's group reads the same projection.
        let view = crate::sim::view::ViewModel::build(&sim);
        let gv = view.groups.iter().find(|g| g.id == "g").unwrap();
        assert_eq!((gv.state.as_str(), gv.generation, gv.members.len()), ("Stable", after.epoch, 2));
    }

    /// A classic scale-out from two members to three with `assignor`: whether at some moment
    /// nobody owned anything, and whether it settled with every partition owned once.
    fn classic_scale_out(assignor: &str) -> (bool, GroupRebalance) {
        let mut sim = cluster();
        let props = [("partition.assignment.strategy", assignor)];
        start(&mut sim, "c1", "g", &props);
        start(&mut sim, "c2", "g", &props);
        sim.run_for_ms(15_000);
        let before = group(&sim, "g");
        assert_eq!(before.protocol, GroupProtocol::Classic);
        assert_eq!((before.state.as_str(), all(&before).len()), ("Stable", 4), "{before:?}");
        assert!(before.members.iter().all(|m| m.epoch == before.epoch && m.state == "stable"));
        start(&mut sim, "c3", "g", &props);
        let mut everyone_stopped = false;
        watch(&mut sim, "g", 30_000, |g| {
            let mut seen = BTreeSet::new();
            for m in &g.members {
                for tp in &m.owned {
                    assert!(seen.insert(tp.clone()), "{tp} owned twice: {g:?}");
                }
            }
            everyone_stopped |= g.members.len() >= 2 && seen.is_empty();
        });
        let after = group(&sim, "g");
        assert_eq!((after.state.as_str(), after.members.len(), all(&after).len()), ("Stable", 3, 4), "{after:?}");
        assert!(after.epoch > before.epoch);
        assert!(!after.moving());
        (everyone_stopped, after)
    }

    // `ConsumerCoordinator.onJoinPrepare`: an eager member revokes everything before it joins,
    // so during the rebalance no member of the group can process anything.
    #[test]
    fn an_eager_scale_out_stops_every_member() {
        let (stopped, after) = classic_scale_out("org.apache.kafka.clients.consumer.RangeAssignor");
        assert!(stopped, "every member gave up its partitions at once");
        assert_eq!(after.assignor, "range");
    }

    // KIP-429: a cooperative member keeps what it owns through the first rebalance and gives
    // back only what moves, which a second rebalance then hands over.
    #[test]
    fn a_cooperative_scale_out_never_stops_every_member() {
        let (stopped, after) = classic_scale_out("org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
        assert!(!stopped, "some member always kept partitions");
        assert_eq!(after.assignor, "cooperative-sticky");
    }

    #[test]
    fn a_member_says_what_it_can_process() {
        let tps = |ps: &[i32]| ps.iter().map(|p| TopicPartition::new("orders", *p)).collect::<Vec<_>>();
        let m = |owned: &[i32], given: &[i32], revoke: &[i32]| MemberRebalance {
            member_id: "m".into(),
            short_id: "m".into(),
            client_id: "c".into(),
            instance_id: None,
            client: None,
            epoch: 1,
            state: "Stable".into(),
            owned: tps(owned),
            being_given: tps(given),
            to_revoke: tps(revoke),
        };
        assert_eq!(m(&[], &[], &[]).activity(), "owns nothing: processes nothing");
        assert_eq!(m(&[], &[1], &[]).activity(), "owns nothing yet: waits for 1 partition(s)");
        assert_eq!(m(&[0, 1], &[], &[]).activity(), "processes its 2 partition(s)");
        assert_eq!(m(&[0, 1, 2], &[], &[2]).activity(), "keeps processing 2 partition(s) while it gives back 1");
        assert_eq!(m(&[0], &[3], &[]).activity(), "processes 1 partition(s), waits for 1 more");
    }

    #[test]
    fn member_ids_are_shortened_for_the_screen() {
        assert_eq!(short("RWeUgm_LQwOCMybrLHhcmQ"), "RWeUgm_L");
        assert_eq!(short("c1"), "c1");
    }
}
