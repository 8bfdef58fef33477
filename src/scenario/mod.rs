//! A scenario: seed + cluster config + the timed command log. Because the engine is
//! deterministic, these three are enough to rebuild a session exactly: replaying the log on a
//! fresh console with the same seed and config reaches the same state.
//!
//! * [`link`] — the share link (`#s=…`): a compact, checksummed binary encoding in the URL
//!   fragment, plus `#lesson=<id>` and the embed flag, parsed into a typed [`link::Fragment`].
//! * [`json`] — the same scenario as a readable JSON file, with the same validation.
//! * [`real_kafka`] — a docker-compose file and a shell script to run the scenario on a real
//!   KRaft cluster (the official `apache/kafka` image).
//! * [`snapshot`] — the whole state for a reload: console and engine without the disk
//!   contents, which come from the disk rows of [`crate::sim::disk_image`].
//!
//! Versions: [`FORMAT_VERSION`] is the version of the encodings (link and file); a link or file
//! of a newer format is refused with a message saying so. [`ENGINE_VERSION`] is the version of
//! the engine's behaviour: a replay is only exact on the engine that recorded the log, so a
//! scenario from a newer engine is refused and one from an older engine is replayed with a
//! note ([`Scenario::engine_note`]).

pub mod json;
pub mod link;
pub mod real_kafka;
pub mod snapshot;

use crate::console::session::{parse_line, Action, Console, LogEntry};
use crate::console::shell::ScriptItem;
use crate::sim::config::validate_broker_configs;
use crate::sim::world::ClusterConfig;
use std::fmt;

/// The version of the scenario encodings (share link and JSON file) this build writes and the
/// newest it reads.
pub const FORMAT_VERSION: u32 = 1;

/// The version of the engine's behaviour. Bump it with every deliberate change of what a
/// command log replays to (the same change that updates `REFERENCE_TRACE_HASH` in
/// `src/sim/scenarios.rs`; a test ties the two together).
pub const ENGINE_VERSION: u32 = 12;

/// Most log entries a scenario may hold (a bound for decoding untrusted input).
pub(crate) const MAX_LOG_ENTRIES: usize = 100_000;

/// Longest text of one logged command or input line, in bytes (a bound for decoding).
pub(crate) const MAX_TEXT_BYTES: usize = 1 << 20;

/// Seed, cluster config and the timed command log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    /// The engine version that recorded the log.
    pub engine_version: u32,
    pub seed: u64,
    pub config: ClusterConfig,
    pub log: Vec<LogEntry>,
}

/// Everything that can be wrong with a scenario, a share link or a scenario file. Every
/// message is one sentence a learner can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScenarioError {
    /// The link has no scenario or lesson in it.
    Empty,
    /// A `key=value` part of the fragment Brokerlab does not know.
    UnknownPart(String),
    /// The same part twice (`#s=…&s=…`).
    DuplicatePart(String),
    /// Both a scenario and a lesson.
    ScenarioAndLesson,
    /// The version tag before the data is not a version number.
    BadVersionTag(String),
    /// Made by a newer Brokerlab: a format this build cannot read.
    NewerFormat { found: u32, supported: u32 },
    /// A character that base64url does not have (position counted in characters of the data).
    BadCharacter { ch: char, position: u32 },
    /// A `%` escape that is not two hex digits.
    BadEscape { position: u32 },
    /// The data ends early: `got` of `expected` bytes (`None` when even the length is cut).
    CutShort { got: u32, expected: Option<u32> },
    /// Bytes after the end of the data.
    TrailingBytes { extra: u32 },
    /// The checksum does not match the data.
    ChecksumMismatch,
    /// The data passed its checksum but its content is not a valid scenario.
    Malformed { what: String, at: u32 },
    /// Recorded by a newer engine than this one.
    NewerEngine { found: u32, supported: u32 },
    /// The cluster settings are invalid.
    InvalidConfig(String),
    /// A logged command is invalid.
    InvalidEntry { index: u32, message: String },
    /// A lesson id with characters a lesson id cannot have.
    BadLessonId(String),
    /// A scenario file that is not JSON, or not a Brokerlab scenario.
    NotAScenarioFile(String),
    /// The cluster could not boot for the replay.
    ReplayFailed(String),
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ScenarioError::*;
        match self {
            Empty => write!(f, "This link has no scenario or lesson in it."),
            UnknownPart(p) => write!(f, "This link has a part Brokerlab does not know: `{p}`. Was it changed by hand?"),
            DuplicatePart(p) => write!(f, "This link has the part `{p}` twice; it is ambiguous."),
            ScenarioAndLesson => write!(f, "This link has both a scenario and a lesson; it can only open one."),
            BadVersionTag(t) => write!(f, "This link's version tag `{t}` is not a version Brokerlab knows."),
            NewerFormat { found, supported } => write!(
                f,
                "This link was made by a newer Brokerlab (format {found}; this page reads up to {supported}). Reload the page to get the newest version."
            ),
            BadCharacter { ch, position } => write!(
                f,
                "This link is damaged: it contains {ch:?} at position {position}, which cannot be part of a Brokerlab link."
            ),
            BadEscape { position } => write!(f, "This link is damaged: the %-escape at position {position} is not valid."),
            CutShort { got, expected: Some(e) } => write!(
                f,
                "This link is cut short: it ends after {got} of {e} bytes — was it copied completely?"
            ),
            CutShort { got, expected: None } => write!(
                f,
                "This link is cut short: it ends after {got} bytes, before its length — was it copied completely?"
            ),
            TrailingBytes { extra } => write!(f, "This link is damaged: it has {extra} unexpected bytes at its end."),
            ChecksumMismatch => write!(f, "This link is damaged: its checksum does not match."),
            Malformed { what, at } => write!(f, "This link is damaged: {what} (at byte {at})."),
            NewerEngine { found, supported } => write!(
                f,
                "This scenario was recorded by a newer simulator (engine {found}; this page runs engine {supported}). Reload the page to get the newest version."
            ),
            InvalidConfig(m) => write!(f, "This scenario's cluster settings are invalid: {m}"),
            InvalidEntry { index, message } => write!(f, "Command {} of this scenario is invalid: {message}", index + 1),
            BadLessonId(id) => write!(f, "`{id}` is not a lesson id (letters, digits, '-' and '_' only)."),
            NotAScenarioFile(m) => write!(f, "This file is not a Brokerlab scenario: {m}"),
            ReplayFailed(m) => write!(f, "This scenario could not be replayed: {m}"),
        }
    }
}

impl std::error::Error for ScenarioError {}

impl Scenario {
    /// The scenario of a console: the seed and config it started with and everything typed.
    pub fn from_console(console: &Console) -> Scenario {
        let (seed, config) = console.origin();
        Scenario { engine_version: ENGINE_VERSION, seed, config: config.clone(), log: console.log().to_vec() }
    }

    /// Boots a fresh console and replays the log on it: the same state as the recording
    /// console (on the same engine version).
    pub fn replay(&self) -> Result<Console, ScenarioError> {
        self.validate()?;
        if self.engine_version > ENGINE_VERSION {
            return Err(ScenarioError::NewerEngine { found: self.engine_version, supported: ENGINE_VERSION });
        }
        let mut console = Console::new(self.seed, self.config.clone()).map_err(ScenarioError::ReplayFailed)?;
        console.replay(&self.log);
        Ok(console)
    }

    /// A note to show when the scenario was recorded by an older engine: the replay then
    /// runs on today's engine and may differ a little from what its author saw.
    pub(crate) fn engine_note(&self) -> Option<String> {
        (self.engine_version < ENGINE_VERSION).then(|| {
            format!(
                "This scenario was recorded by an older simulator (engine {}; this page runs engine {}): the replay may differ a little from what its author saw.",
                self.engine_version, ENGINE_VERSION
            )
        })
    }

    /// Checks everything that can be checked without running it: versions, config, the
    /// order of times, each command's syntax.
    pub(crate) fn validate(&self) -> Result<(), ScenarioError> {
        if self.engine_version == 0 {
            return Err(ScenarioError::Malformed { what: "engine version 0 does not exist".into(), at: 0 });
        }
        if self.engine_version > ENGINE_VERSION {
            return Err(ScenarioError::NewerEngine { found: self.engine_version, supported: ENGINE_VERSION });
        }
        validate_config(&self.config)?;
        if self.log.len() > MAX_LOG_ENTRIES {
            return Err(ScenarioError::InvalidEntry {
                index: MAX_LOG_ENTRIES as u32,
                message: format!("a scenario holds at most {MAX_LOG_ENTRIES} commands"),
            });
        }
        let mut prev = 0u64;
        for (i, e) in self.log.iter().enumerate() {
            let index = i as u32;
            if e.at.0 < prev {
                return Err(ScenarioError::InvalidEntry {
                    index,
                    message: "it is dated before the command above it".into(),
                });
            }
            prev = e.at.0;
            match &e.action {
                Action::Run(item) | Action::Start(item) => validate_item(index, item)?,
                Action::AdvanceTo(t) if t.0 < e.at.0 => {
                    return Err(ScenarioError::InvalidEntry { index, message: "it moves the clock backwards".into() })
                }
                Action::Input(s) | Action::Rejected(s) if s.len() > MAX_TEXT_BYTES => {
                    return Err(ScenarioError::InvalidEntry { index, message: "its text is too long".into() })
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// What [`crate::sim::world::Sim::new`] checks, without booting a cluster.
pub(crate) fn validate_config(c: &ClusterConfig) -> Result<(), ScenarioError> {
    if c.brokers == 0 || c.brokers > 64 {
        return Err(ScenarioError::InvalidConfig(format!(
            "a cluster needs between 1 and 64 brokers, not {}",
            c.brokers
        )));
    }
    if c.controllers == 0 || c.controllers.is_multiple_of(2) || c.controllers > 7 {
        return Err(ScenarioError::InvalidConfig(format!(
            "the controller quorum needs an odd number of controllers (1, 3, 5 or 7), not {}",
            c.controllers
        )));
    }
    if c.racks.len() > 64 || c.racks.iter().any(|r| r.is_empty() || r.len() > 255) {
        return Err(ScenarioError::InvalidConfig("racks must be 1 to 64 names of 1 to 255 bytes".into()));
    }
    validate_broker_configs(&c.broker_configs).map_err(ScenarioError::InvalidConfig)?;
    Ok(())
}

/// A logged command must be what the shell makes of its own text (so a link can carry the
/// text alone) and within the size bounds.
fn validate_item(index: u32, item: &ScriptItem) -> Result<(), ScenarioError> {
    if item.text.len() > MAX_TEXT_BYTES || item.stdin.as_ref().map(|s| s.len() > MAX_TEXT_BYTES).unwrap_or(false) {
        return Err(ScenarioError::InvalidEntry { index, message: "its text is too long".into() });
    }
    if item.argv.is_empty() {
        return Err(ScenarioError::InvalidEntry { index, message: "it has no command".into() });
    }
    Ok(())
}

/// Parses a logged command's text back into the item the shell made of it. `None` when the
/// text does not parse to exactly `item` (then an encoding must carry the whole item).
pub(crate) fn item_from_text(text: &str, line: u32) -> Option<ScriptItem> {
    let mut item = parse_line(text).ok()?;
    item.line = line;
    Some(item)
}
