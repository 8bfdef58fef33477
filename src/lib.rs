//! Brokerlab: Apache Kafka, simulated, for people learning how Kafka really works.
//!
//! * [`sim`] — the engine: deterministic, sans-IO state machines for controllers, brokers,
//!   clients and the network. Never imports a web crate.
//! * [`console`] — the Kafka CLI tools and simulator commands (parsed, run, formatted).
//! * [`scenario`] — seed + cluster config + timed command log; replay and share links.
//! * [`lessons`] — lessons as data, goals as predicates over the engine view.
//! * [`lab`] — the learner's session without a browser: `update(event) -> effects` and a view.
//! * `ui` and `store` (wasm only) — the Yew front end and IndexedDB persistence.

pub mod console;
pub mod lab;
pub mod lessons;
pub mod scenario;
pub mod sim;

#[cfg(target_arch = "wasm32")]
pub mod store;
#[cfg(target_arch = "wasm32")]
pub mod ui;
