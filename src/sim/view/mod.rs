//! The read model: the one place that projects engine state for people, with one set of
//! names ([`names`]) for every role.
//!
//! * [`model`] — [`ViewModel`], the whole cluster for the page, rebuilt after the engine moves.
//! * [`inspect`] — the details of one thing the learner points at.
//! * [`replicas`] — each replica of a partition as its broker holds it (`describe partition`),
//!   and the cluster's members for `broker list` and tab completion.
//! * [`groups`] — consumer groups per member for the group panel: epochs, owned partitions,
//!   partitions being given and to revoke, classic and consumer protocol alike.
//! * [`share`] — share groups (KIP-932) for the group panel: per share-partition its SPSO/SPEO
//!   and records in flight (available, acquired by whom with which delivery and lock, finished),
//!   per member its partitions and the records it holds.
//! * [`metrics`] — operators' metrics by Kafka's MBean names (UnderReplicatedPartitions,
//!   OfflinePartitionsCount, request rates, throttle times, records-lag-max, …).
//! * [`explain`] — trace events in plain words, for the event feed and `trace`.
//!
//! Nothing here changes the engine, and nothing here knows how the page draws (no CSS).

pub(crate) mod explain;
pub(crate) mod groups;
pub(crate) mod inspect;
pub(crate) mod metrics;
pub(crate) mod model;
pub(crate) mod names;
pub(crate) mod replicas;
pub(crate) mod share;

pub use groups::{GroupProtocol, GroupRebalance, MemberRebalance};
pub use model::*;
pub use share::{ShareGroupView, ShareMemberView, SharePartitionView, ShareRecordView};
