//! Saving and sharing from the page: the session goes to IndexedDB every few seconds
//! (scenario, reload snapshot, broker disks as deltas, UI state, lesson progress) and comes
//! back on reload; links, JSON files and the real-Kafka export are built from the scenario.
//! Everything here degrades to a message: no IndexedDB, a full disk, a damaged record or a
//! broken link never stops the page.

use crate::lessons::{find, LessonRun, Progress};
use crate::scenario::snapshot::Snapshot;
use crate::scenario::{json, link, real_kafka, Scenario};
use crate::sim::disk_image::DiskTracker;
use crate::store::session::{SaveSet, Saved, StoreStatus};
use crate::store::Store;
use crate::ui::lab::Lab;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsCast;

/// Wall-clock ms between two saves while something changes.
pub const SAVE_EVERY_MS: f64 = 3000.0;
/// Trace events kept in a reload snapshot (the feed starts from them).
const TRACE_KEPT: u32 = 200;

/// The page's saving state.
pub struct Persist {
    pub store: Option<Rc<Store>>,
    pub status: StoreStatus,
    tracker: DiskTracker,
    /// A save is running (saves never overlap: each is one IndexedDB transaction).
    pub busy: Rc<Cell<bool>>,
    pub last_save_ms: f64,
    /// The log length and time at the last save (nothing new: no save).
    saved_mark: (usize, u64),
    /// Off in embed mode and for a shared link until the learner keeps it.
    pub enabled: bool,
}

impl Persist {
    pub fn new(enabled: bool) -> Persist {
        Persist {
            store: None,
            status: StoreStatus::Off("opening the browser's storage".into()),
            tracker: DiskTracker::new(),
            busy: Rc::new(Cell::new(false)),
            last_save_ms: 0.0,
            saved_mark: (0, 0),
            enabled,
        }
    }

    /// After a restore or a fresh start: the tracker learns what the store already holds.
    pub fn prime(&mut self, lab: &Lab) {
        let _ = self.tracker.full(lab.console.sim());
    }

    /// What to write now, or `None` when nothing changed (or saving is off / busy).
    pub fn due(&mut self, lab: &Lab, wall_ms: f64) -> Option<(Rc<Store>, SaveSet)> {
        let store = self.store.clone()?;
        if !self.enabled || !self.status.is_saving() || self.busy.get() || lab.viewing_past() {
            return None;
        }
        if wall_ms - self.last_save_ms < SAVE_EVERY_MS {
            return None;
        }
        let mark = (lab.console.log().len(), lab.now().as_ms());
        if mark == self.saved_mark {
            return None;
        }
        self.saved_mark = mark;
        self.last_save_ms = wall_ms;
        Some((store, self.save_set(lab)))
    }

    pub fn save_set(&mut self, lab: &Lab) -> SaveSet {
        let console = &lab.console;
        let mut lessons = Vec::new();
        if let Some(run) = &lab.lesson {
            if let Ok(v) = serde_json::to_value(run.progress(console)) {
                lessons.push((run.lesson().id.clone(), v));
            }
        }
        SaveSet {
            scenario: Some(Scenario::from_console(console)),
            snapshot: Snapshot::take(console, TRACE_KEPT).ok().map(|s| s.to_bytes()),
            disk: self.tracker.delta(console.sim()),
            ui: Some(serde_json::json!({
                "speed_log": lab.speed_log,
                "focus": lab.focus,
                "lesson": lab.lesson.as_ref().map(|r| r.lesson().id.clone()),
                "lessons_done": lab.lessons_done.iter().cloned().collect::<Vec<_>>(),
            })),
            lessons,
        }
    }
}

/// Rebuilds the saved session into the lab. Returns what to tell the learner.
pub fn restore(lab: &mut Lab, saved: Saved) -> Vec<String> {
    let mut notes: Vec<String> = saved.skipped.iter().map(|s| format!("Skipped while loading: {s}")).collect();
    let ui = saved.ui.clone().unwrap_or_default();
    if let Some(done) = ui.get("lessons_done").and_then(|v| v.as_array()) {
        lab.lessons_done = done.iter().filter_map(|v| v.as_str().map(String::from)).collect();
        lab.refresh_lessons_done();
    }
    if let Some(s) = ui.get("speed_log").and_then(|v| v.as_i64()) {
        lab.speed_log = (s as i32).clamp(-10, 20);
    }
    // A lesson in progress resumes from its own saved log.
    if let Some(id) = ui.get("lesson").and_then(|v| v.as_str()) {
        let progress = saved.lessons.get(id).and_then(|v| serde_json::from_value::<Progress>(v.clone()).ok());
        match (find(id), progress) {
            (Some(lesson), Some(p)) => match LessonRun::resume(&lesson, &p) {
                Ok((run, console)) => {
                    lab.resume_lesson(run, console);
                    return notes;
                }
                Err(e) => notes.push(format!("Your lesson progress could not be resumed: {e}")),
            },
            _ => notes.push("Your saved lesson could not be found; here is the sandbox.".into()),
        }
    }
    let Some(scenario) = saved.scenario else { return notes };
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
    if let Some(console) = console {
        lab.restore_console(console);
        if let Some(f) = ui.get("focus").and_then(|v| v.as_str()) {
            lab.focus = Some(f.to_string());
        }
    }
    notes
}

/// The share link of the current session.
pub fn share_link(lab: &Lab, embed: bool) -> String {
    let scenario = Scenario::from_console(&lab.console);
    let fragment = link::fragment_for(&link::Fragment::Scenario { scenario: Box::new(scenario), embed });
    format!("{}{fragment}", page_base())
}

/// This page's address without its fragment.
pub fn page_base() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .map(|h| h.split('#').next().unwrap_or("").to_string())
        .unwrap_or_default()
}

/// Puts `text` on the clipboard when the page may; without permission nothing breaks (the
/// page also shows the text to copy by hand).
pub fn copy_to_clipboard(text: &str) {
    if let Some(w) = web_sys::window() {
        let promise = w.navigator().clipboard().write_text(text);
        wasm_bindgen_futures::spawn_local(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        });
    }
}

pub fn export_json(lab: &Lab) -> String {
    json::export(&Scenario::from_console(&lab.console))
}

pub fn export_real_kafka(lab: &Lab) -> (String, String) {
    let s = Scenario::from_console(&lab.console);
    (real_kafka::compose(&s), real_kafka::script(&s))
}

/// Offers `text` as a file download.
pub fn download(name: &str, mime: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&text.into());
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts).map_err(|e| format!("{e:?}"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| format!("{e:?}"))?;
    let doc = gloo::utils::document();
    let a = doc
        .create_element("a")
        .map_err(|e| format!("{e:?}"))?
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .map_err(|_| "no anchor".to_string())?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}
