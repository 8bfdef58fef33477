//! The Kafka command-line tools and the simulator's own commands.
//!
//! * [`shell`]: scripts and command lines — quoting, comments, heredocs, pipes.
//! * [`opts`]: jopt-simple/argparse4j-style option parsing with the real tools' messages.
//! * [`format`]: the tools' exact output layouts, as pure functions over plain data.

pub mod format;
pub mod opts;
pub mod shell;

#[cfg(not(target_arch = "wasm32"))]
pub mod runner;
