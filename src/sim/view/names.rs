//! The read model's vocabulary: one name for each role a node or a replica can have, used by
//! the page, the inspector, `describe partition`, `controller list` and the event sentences
//! alike. The words are Kafka's: the quorum's leader is the active controller (KRaft's
//! `ActiveControllerCount`), a replica is the partition's leader or a follower of it.

use crate::sim::broker::replica::{ReplicaState, Role};
use crate::sim::controller::Role as QuorumRole;
use crate::sim::types::{BrokerId, NodeAddr};
use serde::Serialize;

/// A controller's place in the metadata quorum (KRaft `QuorumState`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) enum ControllerRole {
    /// The quorum's leader: the active controller.
    Active,
    /// Follows the leader's metadata log, ready to take over.
    Follower,
    /// Asking for votes.
    Candidate,
    /// Knows no leader yet.
    Unattached,
    /// The process is not running.
    Down,
}

impl ControllerRole {
    /// The role of a controller process (`None`: not running).
    pub(crate) fn of(role: Option<&QuorumRole>) -> ControllerRole {
        match role {
            None => ControllerRole::Down,
            Some(QuorumRole::Leader(_)) => ControllerRole::Active,
            Some(QuorumRole::Follower { .. }) => ControllerRole::Follower,
            Some(QuorumRole::Candidate { .. }) => ControllerRole::Candidate,
            Some(QuorumRole::Unattached) => ControllerRole::Unattached,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            ControllerRole::Active => "leader (active)",
            ControllerRole::Follower => "follower",
            ControllerRole::Candidate => "candidate",
            ControllerRole::Unattached => "unattached",
            ControllerRole::Down => "down",
        }
    }
}

/// A broker's part in one partition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) enum ReplicaRole {
    Leader,
    /// A follower; `leader` is -1 while the partition has no leader (Kafka's replicas stay
    /// followers then, of leader -1).
    Follower {
        leader: BrokerId,
    },
    /// The broker is not running (its disk keeps the log).
    Down,
    /// The broker runs but holds no replica of the partition.
    NotHosted,
}

impl ReplicaRole {
    /// The role of a broker's replica state (`running`: whether the broker process runs).
    pub(crate) fn of(state: Option<&ReplicaState>, running: bool) -> ReplicaRole {
        match state.map(|s| &s.role) {
            Some(Role::Leader { .. }) => ReplicaRole::Leader,
            Some(Role::Follower { leader }) => ReplicaRole::Follower { leader: *leader },
            None if !running => ReplicaRole::Down,
            None => ReplicaRole::NotHosted,
        }
    }

    pub(crate) fn name(self) -> String {
        match self {
            ReplicaRole::Leader => "leader".to_string(),
            ReplicaRole::Follower { leader } if leader < 0 => "follower (no leader)".to_string(),
            ReplicaRole::Follower { leader } => format!("follower of {leader}"),
            ReplicaRole::Down => "down".to_string(),
            ReplicaRole::NotHosted => "not hosted".to_string(),
        }
    }
}

/// A node as sentences name it: `broker 1`, `controller 1001`, `client 3`.
pub(crate) fn node(n: &NodeAddr) -> String {
    match n {
        NodeAddr::Broker(b) => format!("broker {b}"),
        NodeAddr::Controller(c) => format!("controller {c}"),
        NodeAddr::Client(c) => format!("client {c}"),
    }
}

/// A message as the step report names it: `broker 2's Fetch request to broker 1`, or
/// `broker 1's response to broker 2`.
pub(crate) fn message(from: &NodeAddr, to: &NodeAddr, api: &str, response: bool) -> String {
    if response {
        format!("{}'s response to {}", node(from), node(to))
    } else {
        format!("{}'s {api} request to {}", node(from), node(to))
    }
}

/// Broker ids as sentences list them: `[1,2,3]`.
pub(crate) fn ids(v: &[i32]) -> String {
    format!("[{}]", v.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(","))
}
