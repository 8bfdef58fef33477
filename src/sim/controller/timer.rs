//! A KRaft controller's timers.

use crate::sim::codec::Codec;
use crate::sim::node::Out;
use crate::sim::types::NodeAddr;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Codec)]
pub(crate) enum ControllerTimer {
    QuorumElection,
    QuorumFetch,
    QuorumRequestTimeout(u64),
    SessionCheck,
    LeaderImbalanceCheck,
    UncleanElectionCheck,
    /// A voter's or observer's Fetch parked until new records or its max wait.
    ParkedFetch(NodeAddr, u64),
    /// The active controller's next `NoOpRecord` (for the epoch it leads).
    WriteNoOpRecord(crate::sim::types::Epoch),
}

/// What a controller's handlers produce.
pub(crate) type ControllerOut = Out<ControllerTimer>;
