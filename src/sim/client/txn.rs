//! The transactional side of the producer (`TransactionManager`). Engine II completes it.

use super::ClientMetadata;
use crate::sim::errors::KafkaError;
use crate::sim::node::{CorrIds, Out};
use crate::sim::protocol::{NodeAddr, Response};
use crate::sim::time::SimTime;
use crate::sim::types::{BrokerId, TopicPartition};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ProducerTxn {
    pub transactional_id: String,
    pub coordinator: Option<BrokerId>,
    pub fatal: Option<KafkaError>,
}

impl ProducerTxn {
    pub fn new(transactional_id: String) -> ProducerTxn {
        ProducerTxn { transactional_id, coordinator: None, fatal: None }
    }
    pub fn on_init(&mut self, _pid: i64, _epoch: i16) {}
    pub fn on_response(
        &mut self,
        _now: SimTime,
        _from: NodeAddr,
        _corr: u64,
        _resp: Response,
        _meta: &mut ClientMetadata,
        _out: &mut Out,
    ) {
    }
    pub fn on_timeout(&mut self, _now: SimTime, _corr: u64, _meta: &mut ClientMetadata, _out: &mut Out) {}
    pub fn on_disconnect(&mut self, _now: SimTime, _peer: NodeAddr) {}
    pub fn poll(
        &mut self,
        _now: SimTime,
        _meta: &mut ClientMetadata,
        _corr: &mut CorrIds,
        _pid: i64,
        _epoch: i16,
        _out: &mut Out,
    ) {
    }
    pub fn can_send_partitions(&self) -> bool {
        true
    }
    pub fn partition_added(&self, _tp: &TopicPartition) -> bool {
        true
    }
    pub fn find_coordinator(&mut self, _now: SimTime, _meta: &mut ClientMetadata, _corr: &mut CorrIds, _out: &mut Out) {
    }
}
