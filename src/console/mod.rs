//! The Kafka command-line tools and the simulator's own commands.
//!
//! * [`shell`]: scripts and command lines — quoting, comments, heredocs, pipes,
//!   redirections.
//! * [`opts`]: jopt-simple/argparse4j-style option parsing with the real tools' messages.
//! * [`format`]: the tools' exact output layouts, as pure functions over plain data.
//! * [`session`]: the [`session::Console`] — a simulated cluster, the command log,
//!   history, jobs for the browser.
//! * [`tools`]: the Kafka tools, one file each; [`simcmd`]: the simulator commands and
//!   shell builtins; [`appconsumer`]: the `consumer` command; [`complete`]: tab completion.
//! * [`typing`]: the one way in for a typed line (here-documents, `clear`, gates, jobs).
//! * [`vfs`]: the console's files; [`regex`]: the topic filters' regular expressions.

pub(crate) mod appconsumer;
pub(crate) mod appprocessor;
pub mod complete;
pub mod format;
#[cfg(test)]
mod inspect_tests;
pub mod opts;
pub(crate) mod regex;
pub mod session;
pub mod shell;
pub mod simcmd;
pub(crate) mod suggest;
pub mod tools;
pub mod typing;
pub(crate) mod vfs;

#[cfg(not(target_arch = "wasm32"))]
pub mod runner;
