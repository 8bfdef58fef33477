//! Producer ids and the transaction coordinator (kafka-semantics.md §6).
//!
//! Idempotent producers get a producer id from any broker; brokers take ids in blocks of 1000
//! from the controller (`AllocateProducerIds`, KIP-730), so the first producers of a fresh
//! cluster get ids 0, 1, 2, …

use crate::sim::broker::{BrokerDisk, BrokerProc};
use crate::sim::errors::KafkaError;
use crate::sim::node::{Env, Out, Timer};
use crate::sim::protocol::{NodeAddr, Request, Response};
use crate::sim::time::SimTime;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct TxnCoordinator {}

impl BrokerProc {
    /// Takes the next producer id from the local block, asking the controller for a new block
    /// when it is used up (the request then waits).
    pub(crate) fn next_producer_id(&mut self, now: SimTime, env: &Env, out: &mut Out) -> Option<i64> {
        if self.producer_ids.0 < self.producer_ids.1 {
            let id = self.producer_ids.0;
            self.producer_ids.0 += 1;
            return Some(id);
        }
        if self.producer_id_inflight.is_none() {
            let corr = self.corr.next();
            self.producer_id_inflight = Some(corr);
            let to = self.controller.target(env);
            out.request(to, corr, Request::AllocateProducerIds { broker: self.id, broker_epoch: self.broker_epoch });
            out.timer(now.plus_ms(5000), Timer::ControllerRequestTimeout(corr));
        }
        None
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn handle_init_producer_id(
        &mut self,
        now: SimTime,
        from: NodeAddr,
        corr: u64,
        req: Request,
        _disk: &mut BrokerDisk,
        env: &Env,
        out: &mut Out,
    ) {
        let Request::InitProducerId { transactional_id, .. } = &req else { return };
        if transactional_id.is_some() {
            out.respond(
                from,
                corr,
                Response::InitProducerId {
                    error: Some(KafkaError::COORDINATOR_NOT_AVAILABLE),
                    producer_id: -1,
                    producer_epoch: -1,
                },
            );
            return;
        }
        match self.next_producer_id(now, env, out) {
            Some(pid) => {
                out.respond(from, corr, Response::InitProducerId { error: None, producer_id: pid, producer_epoch: 0 })
            }
            None => self.waiting_for_producer_id.push((from, corr, req)),
        }
    }
}
