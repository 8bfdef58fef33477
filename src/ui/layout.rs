//! Where the diagram draws each node: decided natively in [`crate::lab::diagram`].

pub use crate::lab::diagram::*;
