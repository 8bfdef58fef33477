//! A client's timers (producer, consumer, admin).

use crate::sim::codec::Codec;
use crate::sim::node::Out;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Codec)]
pub enum ClientTimer {
    RequestTimeout(u64),
    ClientWake,
    /// `socket.connection.setup.timeout.ms` of a client's connection attempt (its key and
    /// attempt number).
    ConnectTimeout(i32, u64),
}

/// What a client's handlers produce.
pub type ClientOut = Out<ClientTimer>;
