//! A broker's timers (its group and transaction coordinators' included).

use crate::sim::codec::Codec;
use crate::sim::node::Out;
use crate::sim::types::BrokerId;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Codec)]
pub(crate) enum BrokerTimer {
    /// `BrokerLifecycleManager`'s heartbeat to the active controller.
    BrokerHeartbeat,
    ControllerRequestTimeout(u64),
    /// `ReplicaManager.maybeShrinkIsr`, every `replica.lag.time.max.ms / 2`.
    IsrExpiration,
    /// The replica fetcher towards one leader may fetch again.
    FetcherWake(BrokerId),
    ReplicaRequestTimeout(u64),
    DelayedProduce(u64),
    DelayedFetch(u64),
    RetentionCheck,
    /// `RemoteLogManager`'s tasks (tiered storage): copy rolled segments of the partitions this
    /// broker leads, expire remote ones, every `remote.log.manager.task.interval.ms`.
    RemoteLogManager,
    CleanerCheck,
    HwCheckpoint,
    Flush,
    GroupTick(String),
    TxnTick,
    /// A parked ShareFetch's `max_wait_ms` ran out (`DelayedShareFetch`).
    DelayedShareFetch(u64),
    /// Share-partition acquisition locks may have expired.
    ShareLocks,
}

/// What a broker's handlers produce.
pub(crate) type BrokerOut = Out<BrokerTimer>;
