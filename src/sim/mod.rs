//! The engine: a deterministic Kafka cluster as sans-IO state machines.

pub mod assignor;
pub mod broker;
pub mod checker;
pub mod client;
pub mod config;
pub mod controller;
pub mod election;
pub mod epoch_cache;
pub mod errors;
pub mod group;
pub mod hash;
pub mod log;
pub mod metadata;
pub mod net;
pub mod node;
pub mod partitioner;
pub mod placement;
pub mod producer_state;
pub mod protocol;
pub mod record;
pub mod rng;
pub mod time;
pub mod trace;
pub mod txn;
pub mod types;
pub mod world;
