//! The areas of the screen, one component per file.

pub(crate) mod charts;
pub mod cluster;
pub mod feed;
pub mod flights;
pub mod group;
pub mod header;
pub mod inspector;
pub mod lesson;
pub(crate) mod menu;
pub(crate) mod metrics;
pub mod overview;
pub mod remote;
pub mod share;
pub mod terminal;
pub mod timeline;
