//! The Kafka command-line tools and the simulator's own commands.

#[cfg(not(target_arch = "wasm32"))]
pub mod runner;
