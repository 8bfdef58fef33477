//! The engine: a deterministic Kafka cluster as sans-IO state machines.

pub mod rng;
pub mod types;
