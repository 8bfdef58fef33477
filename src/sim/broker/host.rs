//! What the group and transaction coordinators see of the broker they run on.
//!
//! In Kafka the coordinators (`GroupCoordinatorService`, `TransactionCoordinator`) do not own
//! the broker: they write to their internal topics through the `ReplicaManager`, create those
//! topics through the controller, and get producer ids from the `ProducerIdManager`. Here a
//! coordinator runs one step at a time (a [`super::group::GroupStep`] or a
//! [`super::txn::TxnStep`]) that borrows its own state and this narrow view of the broker;
//! the broker builds the step, runs it and goes on.

use crate::sim::errors::KafkaError;
use crate::sim::log::Log;
use crate::sim::metadata::MetadataImage;
use crate::sim::node::Env;
use crate::sim::protocol::{NewTopic, ProduceBatch};
use crate::sim::record::{batch_size, bytes, Record};
use crate::sim::rng::Pcg32;
use crate::sim::time::SimTime;
use crate::sim::types::{BrokerId, Offset, TopicPartition, OFFSETS_TOPIC, TXN_TOPIC};

use super::timer::BrokerOut;
use std::collections::BTreeSet;
use std::rc::Rc;

/// The broker as a coordinator's step may use it.
pub(crate) trait CoordinatorHost {
    fn broker_id(&self) -> BrokerId;
    /// The broker's metadata image.
    fn image(&self) -> &MetadataImage;
    /// The local log of a partition.
    fn log(&self, tp: &TopicPartition) -> Option<&Log>;
    /// Appends a batch of the coordinator's own records to a partition this broker leads
    /// (`ReplicaManager.appendRecords` for an internal topic); the offset of its last record.
    fn append_as_leader(
        &mut self,
        now: SimTime,
        batch: &ProduceBatch,
        env: &Env,
        out: &mut BrokerOut,
    ) -> Result<Offset, KafkaError>;
    /// After an append: parked fetches may complete and the HW may move (everything the
    /// broker does then but the coordinators' own reaction, which the step makes itself).
    /// Whether the HW moved.
    fn after_append(&mut self, now: SimTime, tp: &TopicPartition, env: &Env, out: &mut BrokerOut) -> bool;
    /// Asks the controller to create an internal topic.
    fn create_topic(&mut self, now: SimTime, topic: NewTopic, env: &Env, out: &mut BrokerOut);
    /// A fresh correlation id for a request the step sends.
    fn next_corr(&mut self) -> u64;
    /// The broker's random numbers.
    fn rng(&mut self) -> &mut Pcg32;
    /// `ProducerIdManager.generateProducerId`.
    fn next_producer_id(&mut self, now: SimTime, env: &Env, out: &mut BrokerOut) -> Result<i64, KafkaError>;
}

/// The error a client gets when a coordinator's write to its internal topic fails: too few
/// in-sync replicas reads as COORDINATOR_NOT_AVAILABLE, as the coordinators map it
/// (`GroupMetadataManager`/`TransactionStateManager` append callbacks); other errors as they are.
pub(crate) fn coordinator_write_error(e: KafkaError) -> KafkaError {
    if e == KafkaError::NOT_ENOUGH_REPLICAS {
        KafkaError::COORDINATOR_NOT_AVAILABLE
    } else {
        e
    }
}

/// The partitions of `__consumer_offsets` (`offsets.topic.num.partitions` until it exists).
pub(crate) fn offsets_partitions(image: &MetadataImage, env: &Env) -> i32 {
    image
        .topics
        .get(OFFSETS_TOPIC)
        .map(|t| t.partitions.len() as i32)
        .unwrap_or(env.settings.offsets_topic_num_partitions)
}

/// The partitions of `__transaction_state` (`transaction.state.log.num.partitions` until it
/// exists).
pub(crate) fn txn_partitions(image: &MetadataImage, env: &Env) -> i32 {
    image
        .topics
        .get(TXN_TOPIC)
        .map(|t| t.partitions.len() as i32)
        .unwrap_or(env.settings.transaction_state_log_num_partitions)
}

/// A batch of a coordinator's own records (key and value as text, a `None` value a tombstone)
/// for one partition of its internal topic: no producer id, no sequence, not transactional, as
/// the group, transaction and share coordinators hand their records to
/// `ReplicaManager.appendRecords`.
pub(crate) fn internal_batch(
    tp: &TopicPartition,
    now_ms: i64,
    records: impl IntoIterator<Item = (String, Option<String>)>,
) -> ProduceBatch {
    let recs: Vec<Record> = records
        .into_iter()
        .enumerate()
        .map(|(i, (k, v))| Record {
            offset_delta: i as u32,
            timestamp: now_ms,
            key: Some(bytes(k.as_bytes())),
            value: v.map(|v| bytes(v.as_bytes())),
            headers: vec![],
        })
        .collect();
    let size = batch_size(&recs);
    ProduceBatch {
        tp: tp.clone(),
        producer_id: -1,
        producer_epoch: -1,
        base_sequence: -1,
        transactional: false,
        records: Rc::new(recs),
        size_bytes: size,
        compression: crate::sim::compression::CompressionType::None,
        origin: 0,
    }
}

/// Whether this broker coordinates the key that hashes to `partition` of the internal topic
/// `topic`: COORDINATOR_NOT_AVAILABLE while the topic does not exist, NOT_COORDINATOR when the
/// broker does not lead (own) that partition, `None` when it does.
pub(crate) fn not_coordinator(
    image: &MetadataImage,
    topic: &str,
    owned: &BTreeSet<i32>,
    partition: i32,
) -> Option<KafkaError> {
    if !image.topics.contains_key(topic) {
        Some(KafkaError::COORDINATOR_NOT_AVAILABLE)
    } else if !owned.contains(&partition) {
        Some(KafkaError::NOT_COORDINATOR)
    } else {
        None
    }
}

/// Whether a coordinator should ask the controller to create its internal topic `topic` now:
/// not while it exists, nor within 5 s of the last time it asked (`creating_at`, which this
/// moves to `now` when it answers yes).
pub(crate) fn topic_creation_due(
    image: &MetadataImage,
    topic: &str,
    creating_at: &mut Option<SimTime>,
    now: SimTime,
) -> bool {
    if image.topics.contains_key(topic) {
        return false;
    }
    if let Some(t) = *creating_at {
        if now.ms_since(t) < 5000 {
            return false;
        }
    }
    *creating_at = Some(now);
    true
}
