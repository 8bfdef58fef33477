//! The group coordinator (classic protocol). Engine II.

use crate::sim::broker::{BrokerDisk, BrokerProc};
use crate::sim::errors::KafkaError;
use crate::sim::node::{Env, Out, Timer};
use crate::sim::protocol::{NodeAddr, Request, Response};
use crate::sim::time::SimTime;
use crate::sim::types::TopicPartition;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct GroupCoordinator {}

impl BrokerProc {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn handle_coordinator_request(
        &mut self,
        _now: SimTime,
        from: NodeAddr,
        corr: u64,
        req: Request,
        _disk: &mut BrokerDisk,
        _env: &Env,
        out: &mut Out,
    ) {
        let e = Some(KafkaError::COORDINATOR_NOT_AVAILABLE);
        let resp = match req {
            Request::FindCoordinator { .. } => {
                Response::FindCoordinator { error: e, node: -1, host: String::new(), port: 0 }
            }
            _ => return,
        };
        out.respond(from, corr, resp);
    }
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn handle_coordinator_response(
        &mut self,
        _now: SimTime,
        _from: NodeAddr,
        _corr: u64,
        _resp: Response,
        _disk: &mut BrokerDisk,
        _env: &Env,
        _out: &mut Out,
    ) {
    }
    pub(crate) fn handle_coordinator_timer(
        &mut self,
        _now: SimTime,
        _t: Timer,
        _disk: &mut BrokerDisk,
        _env: &Env,
        _out: &mut Out,
    ) {
    }
    pub(crate) fn on_coordinator_metadata(
        &mut self,
        _now: SimTime,
        _disk: &mut BrokerDisk,
        _env: &Env,
        _out: &mut Out,
    ) {
    }
    pub(crate) fn on_become_leader_coordinator(
        &mut self,
        _now: SimTime,
        _tp: &TopicPartition,
        _disk: &mut BrokerDisk,
        _env: &Env,
        _out: &mut Out,
    ) {
    }
    pub(crate) fn on_resign_leader_coordinator(
        &mut self,
        _now: SimTime,
        _tp: &TopicPartition,
        _disk: &mut BrokerDisk,
        _env: &Env,
        _out: &mut Out,
    ) {
    }
    pub(crate) fn on_hw_advanced_coordinator(
        &mut self,
        _now: SimTime,
        _tp: &TopicPartition,
        _disk: &mut BrokerDisk,
        _env: &Env,
        _out: &mut Out,
    ) {
    }
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn handle_write_txn_markers(
        &mut self,
        _now: SimTime,
        _from: NodeAddr,
        _corr: u64,
        _markers: Vec<(i64, i16, crate::sim::record::ControlType, Vec<TopicPartition>, i32)>,
        _disk: &mut BrokerDisk,
        _env: &Env,
        _out: &mut Out,
    ) {
    }
}
