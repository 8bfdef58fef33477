//! Saving and restoring the session, decided here and carried out by the page: every few
//! seconds while something changes the lab asks for a save ([`SaveSet`]: scenario, reload
//! snapshot, broker disks as deltas, UI state, lesson progress), and on reload it rebuilds
//! itself from what the store found ([`Saved`]). Everything degrades to a sentence for the
//! learner: a damaged record or a full disk never stops the page.

use super::journal::{apply, apply_leave, JournalEntry, LeaveFit, LeaveMark};
use crate::console::session::{Console, LogEntry};
use crate::lessons::{find, LessonRun, Progress};
use crate::scenario::snapshot::Snapshot;
use crate::scenario::Scenario;
use crate::sim::disk_image::{DiskDelta, DiskRow, DiskTracker};
use std::collections::BTreeMap;
use std::fmt;

/// Wall-clock ms between two saves while something changes.
pub(crate) const SAVE_EVERY_MS: f64 = 3000.0;
/// Trace events kept in a reload snapshot (the feed starts from them).
pub(crate) const TRACE_KEPT: u32 = 200;

/// Whether this tab saves, and if not, why. Show [`StoreStatus::message`] to the learner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreStatus {
    /// Saving works.
    Saving,
    /// Another tab saves this session; this one shows it but does not save.
    ReadOnly(String),
    /// Saving is off (no IndexedDB, blocked, storage full…); the app runs in memory.
    Off(String),
}

impl StoreStatus {
    /// One plain sentence for the page ("" when saving works).
    pub fn message(&self) -> String {
        match self {
            StoreStatus::Saving => String::new(),
            StoreStatus::ReadOnly(why) => format!("Read-only: {why}"),
            StoreStatus::Off(why) => format!("Saving is off: {why}. Your work stays in this tab until you close it."),
        }
    }

    pub fn is_saving(&self) -> bool {
        *self == StoreStatus::Saving
    }
}

impl fmt::Display for StoreStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

/// What one save point writes.
#[derive(Clone, Debug, Default)]
pub struct SaveSet {
    /// The scenario (seed, config, command log), kept in the JSON file format.
    pub scenario: Option<Scenario>,
    /// The reload snapshot ([`Snapshot::to_bytes`]).
    pub snapshot: Option<Vec<u8>>,
    /// Disk rows changed since the last save ([`DiskTracker`]).
    pub disk: DiskDelta,
    /// UI state (any JSON).
    pub ui: Option<serde_json::Value>,
    /// Lesson progress by lesson id.
    pub lessons: Vec<(String, serde_json::Value)>,
    /// Journal entries below this log index are in this save point: delete them in its
    /// transaction (compaction).
    pub journal_below: Option<u32>,
    /// Clear the stored disk rows first, in the same transaction: the disks are written whole
    /// (after this tab took over from another, whose saves this tab's tracker never saw; rows
    /// only that tab wrote would otherwise stay and fail the segment checks on reload).
    pub replace_disk: bool,
}

/// What the store found on reload.
#[derive(Clone, Debug, Default)]
pub struct Saved {
    pub scenario: Option<Scenario>,
    pub snapshot: Option<Vec<u8>>,
    /// Disk rows, in key order, without those that failed their checks.
    pub rows: Vec<DiskRow>,
    pub ui: Option<serde_json::Value>,
    pub lessons: BTreeMap<String, serde_json::Value>,
    /// The command journal: what was done after the last save point ([`super::journal`]).
    pub journal: Vec<JournalEntry>,
    /// The moment of leaving as the page kept it synchronously ([`LeaveMark::encode`]):
    /// `None` when none is kept, `Err` when it could not be read (why).
    pub leave: Option<Result<String, String>>,
    /// One message per thing skipped because it failed its check (a batch's CRC, the
    /// snapshot's CRC, an unreadable row or scenario).
    pub skipped: Vec<String>,
}

/// The saving state of the session.
pub(crate) struct Persist {
    pub status: StoreStatus,
    /// Whether a store is open (saves are asked for only then).
    pub open: bool,
    tracker: DiskTracker,
    /// A save is running (saves never overlap: each is one IndexedDB transaction).
    pub busy: bool,
    last_save_ms: f64,
    /// The log length and time at the last save (nothing new: no save).
    saved_mark: (usize, u64),
    /// Off in embed mode and for a shared link until the learner keeps it.
    pub enabled: bool,
    /// The next save replaces every stored disk row ([`SaveSet::replace_disk`]).
    replace_disk: bool,
}

impl Persist {
    pub(crate) fn new(enabled: bool) -> Persist {
        Persist {
            status: StoreStatus::Off("opening the browser's storage".into()),
            open: false,
            tracker: DiskTracker::new(),
            busy: false,
            last_save_ms: 0.0,
            saved_mark: (0, 0),
            enabled,
            replace_disk: false,
        }
    }

    /// After a restore or a fresh start: the tracker learns what the store already holds.
    pub(crate) fn prime(&mut self, console: &Console) {
        let _ = self.tracker.full(console.sim());
    }

    /// Whether a save is due now: saving works, nothing is being saved, the learner is at the
    /// live moment, the interval has passed and something changed since the last save.
    pub(crate) fn due(&mut self, console: &Console, viewing_past: bool, wall_ms: f64) -> bool {
        if !self.open || !self.enabled || !self.status.is_saving() || self.busy || viewing_past {
            return false;
        }
        if wall_ms - self.last_save_ms < SAVE_EVERY_MS {
            return false;
        }
        let mark = (console.log().len(), console.sim().now().as_ms());
        if mark == self.saved_mark {
            return false;
        }
        self.saved_mark = mark;
        self.last_save_ms = wall_ms;
        true
    }

    /// The next save is due at once and writes all disks (this tab took over from another).
    pub(crate) fn force_next(&mut self) {
        self.tracker = DiskTracker::new();
        self.replace_disk = true;
        self.saved_mark = (usize::MAX, u64::MAX);
        self.last_save_ms = f64::MIN;
    }

    /// What to write: everything of the session, the disks as the rows changed since the
    /// last save.
    pub(crate) fn save_set(&mut self, console: &Console, lesson: Option<&LessonRun>, ui: serde_json::Value) -> SaveSet {
        let mut lessons = Vec::new();
        if let Some(run) = lesson {
            if let Ok(v) = serde_json::to_value(run.progress(console)) {
                lessons.push((run.lesson().id.clone(), v));
            }
        }
        SaveSet {
            scenario: Some(Scenario::from_console(console)),
            snapshot: Snapshot::take(console, TRACE_KEPT).ok().map(|s| s.to_bytes()),
            disk: self.tracker.delta(console.sim()),
            ui: Some(ui),
            lessons,
            journal_below: Some(console.log().len() as u32),
            replace_disk: std::mem::take(&mut self.replace_disk),
        }
    }
}

/// What a saved session restores to.
pub(crate) enum Restored {
    /// A lesson in progress, resumed from its own saved log.
    Lesson(Box<LessonRun>, Box<Console>),
    /// The sandbox.
    Sandbox(Box<Console>),
    /// Nothing usable (the notes say why).
    Nothing,
}

/// A restore's outcome.
pub(crate) struct Restore {
    pub restored: Restored,
    /// What to tell the learner.
    pub notes: Vec<String>,
    /// The log the store holds (save point and journal): where a leave mark's entries
    /// differ from it, they are still to be journalled.
    pub stored: Vec<LogEntry>,
    /// The console's lines at leaving, when the leave mark continues the restored log.
    pub terminal: Option<serde_json::Value>,
}

/// Rebuilds the saved session.
pub(crate) fn restore(saved: &Saved) -> Restore {
    let (restored, notes, stored, terminal) = restore_parts(saved);
    Restore { restored, notes, stored, terminal }
}

fn restore_parts(saved: &Saved) -> (Restored, Vec<String>, Vec<LogEntry>, Option<serde_json::Value>) {
    let mut notes: Vec<String> = saved.skipped.iter().map(|s| format!("Skipped while loading: {s}")).collect();
    let ui = saved.ui.clone().unwrap_or_default();
    if let Some(id) = ui.get("lesson").and_then(|v| v.as_str()) {
        let progress = saved.lessons.get(id).and_then(|v| serde_json::from_value::<Progress>(v.clone()).ok());
        match (find(id), progress) {
            (Some(lesson), Some(p)) => match LessonRun::resume(&lesson, &p) {
                Ok((run, console)) => {
                    let log = console.log().to_vec();
                    return (Restored::Lesson(Box::new(run), Box::new(console)), notes, log, None);
                }
                Err(e) => notes.push(format!("Your lesson progress could not be resumed: {e}")),
            },
            _ => notes.push("Your saved lesson could not be found; here is the sandbox.".into()),
        }
    }
    let Some(scenario) = &saved.scenario else { return (Restored::Nothing, notes, Vec::new(), None) };
    // What was done after the last save point: the journal continues the saved log.
    let mut scenario = scenario.clone();
    notes.extend(apply(&mut scenario.log, &saved.journal));
    let stored = scenario.log.clone();
    // Then the moment of leaving, when the page kept one for this log.
    let mut terminal = None;
    let origin = (scenario.seed, &scenario.config);
    match &saved.leave {
        None => {}
        Some(Err(why)) => notes
            .push(format!("The moment you left could not be read ({why}); the session resumes at your last command.")),
        Some(Ok(text)) => match LeaveMark::decode(text).and_then(|m| {
            let fit = apply_leave(&mut scenario.log, origin, &m)?;
            Ok((fit, m.terminal))
        }) {
            Ok((LeaveFit::Current, lines)) => terminal = Some(lines),
            Ok((LeaveFit::Stale, _)) => {}
            Err(why) => notes.push(format!(
                "The moment you left was kept but could not be used ({why}); the session resumes at your last command."
            )),
        },
    }
    let scenario = &scenario;
    let from_snapshot = saved
        .snapshot
        .as_deref()
        .map(Snapshot::from_bytes)
        .map(|r| r.and_then(|s| s.restore_and_catch_up(&saved.rows, &scenario.log)));
    let console = match from_snapshot {
        Some(Ok((console, report))) => {
            if !report.is_clean() {
                notes.push(format!("Some of the saved broker files failed their checks and were skipped: {report:?}"));
            }
            Some(console)
        }
        other => {
            if let Some(Err(e)) = other {
                notes.push(format!(
                    "The saved snapshot could not be used ({e}); the session was replayed from its commands instead."
                ));
            }
            match scenario.replay() {
                Ok(c) => Some(c),
                Err(e) => {
                    notes.push(format!("The saved session could not be replayed: {e}"));
                    None
                }
            }
        }
    };
    match console {
        Some(c) => (Restored::Sandbox(Box::new(c)), notes, stored, terminal),
        None => (Restored::Nothing, notes, Vec::new(), None),
    }
}
