//! The engine: a deterministic Kafka cluster as sans-IO state machines.

pub mod rng;
pub mod types;
pub mod hash;
pub mod time;
pub mod errors;
pub mod record;
pub mod config;
pub mod metadata;
pub mod protocol;
pub mod net;
pub mod trace;
pub mod node;
pub mod election;
pub mod placement;
pub mod controller;
pub mod epoch_cache;
pub mod producer_state;
pub mod log;
pub mod broker;
pub mod group;
pub mod txn;
pub mod partitioner;
