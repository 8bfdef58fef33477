//! The areas of the screen, one component per file.

pub mod cluster;
pub mod console;
pub mod header;
pub mod lesson;

pub use cluster::ClusterView;
pub use console::Console;
pub use header::Header;
pub use lesson::LessonPanel;
