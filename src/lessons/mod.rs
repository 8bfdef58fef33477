//! Lessons: a curriculum of auto-graded lessons, as data.
//!
//! * [`format`] — the lesson file format (`www/lessons/*.md`, see its README) and parser.
//! * [`goal`] — goal kinds: predicates over the engine, its trace and the command log.
//! * [`run`] — [`LessonRun`], the state machine the UI drives (check, advance, hint,
//!   reset, undo, go back, save and resume).
//! * [`draft`] — a lesson draft from a sandbox session.
//! * [`catalogue`] — the lesson files, embedded in the binary.

pub mod catalogue;
pub(crate) mod draft;
pub(crate) mod format;
pub(crate) mod goal;
pub mod run;

pub(crate) use catalogue::{catalogue, find};
pub use draft::{draft_from_sandbox, suggest_goals};
pub use format::{parse_lesson, DemoLine, Lesson, ParseError, Step};
pub use goal::{Goal, GoalSpec};
pub use run::{Advanced, GoalStatus, LessonRun, Phase, Progress};
