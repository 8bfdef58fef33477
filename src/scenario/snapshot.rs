//! The whole state for a reload: the console (files, history, command log, background
//! producers) and the engine, without the disk contents — those are the disk rows
//! ([`crate::sim::disk_image`]) the store writes anyway. A reload is
//! `Snapshot::from_bytes(saved)?.restore(&rows)`: the console comes back at the same simulated
//! moment, and its engine's [`state_hash`] equals the saved one.
//!
//! A save point is a snapshot and the disk delta of the same moment, written in one
//! IndexedDB transaction: the snapshot refers to exactly those rows. While a command runs as
//! a job (a consumer reading the terminal) there is no snapshot ([`Console::save_state`] says
//! `None`: a job is code, not data); the store then keeps the last save point and saves the
//! command log, and a reload replays the commands logged since
//! ([`Snapshot::restore_and_catch_up`]), which starts the job again exactly where it was.
//!
//! [`state_hash`]: crate::sim::disk_image::state_hash

use super::ENGINE_VERSION;
use crate::console::session::{Action, Console, ConsoleState, LogEntry};
use crate::sim::codec::{Codec, Reader};
use crate::sim::disk_image::{restore_disks, strip_disks, DiskManifest, DiskReport, DiskRow, DISK_SCHEMA_VERSION};
use crate::sim::world::Sim;
use std::fmt;

/// Version of the snapshot layout. A snapshot of an older version is migrated
/// ([`migrate`]) where it can be; of a newer one, refused. Version 1 was serde + bincode;
/// version 2 is [`crate::sim::codec`].
pub(crate) const SNAPSHOT_VERSION: u32 = 2;

const MAGIC: &[u8; 4] = b"BLSS";

/// Largest snapshot body read back (a bound against a damaged length prefix).
pub(crate) const MAX_SNAPSHOT_BYTES: u64 = 512 << 20;

/// A saved console and engine without disk contents.
#[derive(Clone, Debug, Codec)]
pub struct Snapshot {
    pub(crate) snapshot_version: u32,
    pub(crate) disk_schema_version: u32,
    pub engine_version: u32,
    pub console: ConsoleState,
    pub sim: Sim,
    pub(crate) manifest: DiskManifest,
}

/// Why a snapshot cannot be taken or used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SnapshotError {
    /// A command is running as a job: save the log instead (see the module documentation).
    JobRunning,
    /// The saved text is not a snapshot.
    Unreadable(String),
    /// Saved by a newer Brokerlab.
    Newer { found: u32, supported: u32 },
    /// Saved by an older engine: it cannot continue exactly; replay its scenario instead
    /// (the store keeps the scenario beside the snapshot).
    OlderEngine { found: u32 },
    /// The log given to catch up does not continue the snapshot's log.
    LogDoesNotContinue,
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SnapshotError::JobRunning => write!(f, "a command is running: the session is saved as its command log"),
            SnapshotError::Unreadable(m) => write!(f, "the saved session cannot be read: {m}"),
            SnapshotError::Newer { found, supported } => write!(
                f,
                "the saved session was written by a newer Brokerlab (snapshot {found}; this page reads up to {supported})"
            ),
            SnapshotError::OlderEngine { found } => write!(
                f,
                "the saved session was made by an older simulator (engine {found}; this page runs {ENGINE_VERSION}): it is replayed from its commands instead"
            ),
            SnapshotError::LogDoesNotContinue => {
                write!(f, "the saved command log does not continue the saved session")
            }
        }
    }
}

impl std::error::Error for SnapshotError {}

impl Snapshot {
    /// Takes a snapshot of a console, keeping at most `trace_events_kept` recent trace events.
    pub fn take(console: &Console, trace_events_kept: u32) -> Result<Snapshot, SnapshotError> {
        let state = console.save_state().ok_or(SnapshotError::JobRunning)?;
        let (mut sim, manifest) = strip_disks(console.sim());
        let keep = trace_events_kept as usize;
        let n = sim.trace().events.len();
        if n > keep {
            sim.trace_mut().events.drain(..n - keep);
            sim.trace_mut().first_index += (n - keep) as u64;
        }
        Ok(Snapshot {
            snapshot_version: SNAPSHOT_VERSION,
            disk_schema_version: DISK_SCHEMA_VERSION,
            engine_version: ENGINE_VERSION,
            console: state,
            sim,
            manifest,
        })
    }

    /// The snapshot as bytes: a 12-byte header (`BLSS`, snapshot version, engine version, both
    /// u32 little-endian) then the body in [`crate::sim::codec`]. Binary because the engine's
    /// maps are keyed by structs (`TopicPartition`, `NodeAddr`), which JSON cannot key.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 * 1024);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.snapshot_version.to_le_bytes());
        out.extend_from_slice(&self.engine_version.to_le_bytes());
        self.encode(&mut out);
        out
    }

    /// Reads saved bytes: the header first (a newer layout or another engine is refused with
    /// a message before anything else is read, an older layout migrated), then the body.
    pub fn from_bytes(bytes: &[u8]) -> Result<Snapshot, SnapshotError> {
        if bytes.len() < 12 || &bytes[..4] != MAGIC {
            return Err(SnapshotError::Unreadable("it is not a Brokerlab session".into()));
        }
        let word = |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
        let (version, engine) = (word(4), word(8));
        if version > SNAPSHOT_VERSION {
            return Err(SnapshotError::Newer { found: version, supported: SNAPSHOT_VERSION });
        }
        if engine > ENGINE_VERSION {
            return Err(SnapshotError::Newer { found: engine, supported: ENGINE_VERSION });
        }
        if engine < ENGINE_VERSION {
            return Err(SnapshotError::OlderEngine { found: engine });
        }
        let body = migrate(&bytes[12..], version)?;
        // Bounded: the codec refuses a length beyond the bytes it was given, so a damaged
        // length prefix cannot make it allocate gigabytes.
        if body.len() as u64 > MAX_SNAPSHOT_BYTES {
            return Err(SnapshotError::Unreadable("it is larger than any saved session".into()));
        }
        let mut reader = Reader::new(&body);
        let snapshot = Snapshot::decode(&mut reader).map_err(|e| SnapshotError::Unreadable(e.to_string()))?;
        if reader.remaining() != 0 {
            return Err(SnapshotError::Unreadable("it has bytes after its end".into()));
        }
        if snapshot.snapshot_version != version || snapshot.engine_version != engine {
            return Err(SnapshotError::Unreadable("its header does not match its body".into()));
        }
        Ok(snapshot)
    }

    /// The console, its engine's disks filled from `rows`. Problems found in the rows are
    /// in the report (and the damaged nodes restarted, see
    /// [`crate::sim::disk_image::restore_disks`]).
    pub fn restore(self, rows: &[DiskRow]) -> (Console, DiskReport) {
        let (sim, report) = restore_disks(self.sim, &self.manifest, rows);
        (Console::from_state(self.console, sim), report)
    }

    /// [`Snapshot::restore`], then replays what `log` holds beyond the snapshot's own log
    /// (commands typed after the last save point). `log` must continue the snapshot's log; its
    /// entry at the snapshot's last index may be a later `AdvanceTo` (the console merges
    /// consecutive clock moves).
    pub(crate) fn restore_and_catch_up(
        self,
        rows: &[DiskRow],
        log: &[LogEntry],
    ) -> Result<(Console, DiskReport), SnapshotError> {
        let saved = &self.console.log;
        let n = saved.len();
        if log.len() < n {
            return Err(SnapshotError::LogDoesNotContinue);
        }
        let continues = match n {
            0 => true,
            _ => {
                saved[..n - 1] == log[..n - 1]
                    && match (&saved[n - 1].action, &log[n - 1].action) {
                        (Action::AdvanceTo(a), Action::AdvanceTo(b)) => saved[n - 1].at == log[n - 1].at && b >= a,
                        _ => saved[n - 1] == log[n - 1],
                    }
            }
        };
        if !continues {
            return Err(SnapshotError::LogDoesNotContinue);
        }
        let from = match n {
            0 => 0,
            _ if matches!(log[n - 1].action, Action::AdvanceTo(_)) && log[n - 1] != saved[n - 1] => n - 1,
            _ => n,
        };
        let (mut console, report) = self.restore(rows);
        console.replay(&log[from..]);
        Ok((console, report))
    }
}

/// Brings the body of a snapshot of an older layout to the current one, one version at a
/// time: a future version adds a step here (`2 => decode the v2 struct, convert, re-encode`),
/// so saved sessions keep opening. Version 1 (serde + bincode, whose decoder the page no longer
/// carries) cannot be migrated: such a session is replayed from its scenario instead, which the
/// store keeps beside it, and the learner is told why.
pub(crate) fn migrate(body: &[u8], from: u32) -> Result<std::borrow::Cow<'_, [u8]>, SnapshotError> {
    match from {
        SNAPSHOT_VERSION => Ok(std::borrow::Cow::Borrowed(body)),
        other => Err(SnapshotError::Unreadable(format!(
            "it was saved in the format of an older Brokerlab (snapshot version {other}, this page reads {SNAPSHOT_VERSION})"
        ))),
    }
}
