//! The consumer. Engine II completes it.

use crate::sim::node::{Env, Out, Timer};
use crate::sim::protocol::{Message, NodeAddr};
use crate::sim::time::SimTime;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Consumer {}

impl Consumer {
    pub fn new(
        _id: u32,
        _client_id: String,
        _cfg: crate::sim::client::config::ConsumerConfig,
        _bootstrap: Vec<(String, Option<crate::sim::types::BrokerId>)>,
        _rng: crate::sim::rng::Pcg32,
    ) -> Consumer {
        Consumer {}
    }
    pub fn close(&mut self, _now: SimTime, _out: &mut Out) {}
    pub fn handle_message(&mut self, _now: SimTime, _from: NodeAddr, _msg: Message, _env: &Env, _out: &mut Out) {}
    pub fn handle_timer(&mut self, _now: SimTime, _t: Timer, _env: &Env, _out: &mut Out) {}
    pub fn handle_disconnect(&mut self, _now: SimTime, _peer: NodeAddr, _env: &Env, _out: &mut Out) {}
    pub fn poll(&mut self, _now: SimTime, _env: &Env, _out: &mut Out) {}
    pub fn poll_network_only(&mut self, _now: SimTime, _env: &Env, _out: &mut Out) {}
}
