//! The saved session: what the page calls.
//!
//! ```text
//! let (store, status) = Store::open().await;        // never fails: status says why not
//! if let Some(store) = &store {
//!     if let Some(saved) = store.load().await? { … saved.skipped … }   // resume
//!     store.save(&SaveSet { … }).await?;             // at each flush point
//! }
//! show(status.message());                            // "Saving is off: …" when it is
//! ```
//!
//! * **Batched writes.** [`Store::save`] writes a whole [`SaveSet`] (scenario, snapshot,
//!   disk delta, UI state, lesson progress) in one read-write transaction over all stores,
//!   issuing every request before awaiting (IndexedDB auto-commits when nothing is pending,
//!   so nothing but IndexedDB requests is awaited inside it). A tab closed mid-write loses
//!   that transaction only: the previous save point stays whole.
//! * **Checksums.** Every record batch row has its CRC-32C; [`Store::load`] checks it and
//!   skips a batch that fails (with a message in [`Saved::skipped`]), as does the snapshot
//!   blob (stored with its own CRC-32C).
//! * **Fallbacks.** IndexedDB missing (private mode), blocked, or over quota: [`Store::open`]
//!   gives `None` and a [`StoreStatus::Off`], or `save` fails with
//!   [`StoreError::QuotaExceeded`] and [`Store::status`] turns `Off`; the app keeps running
//!   in memory and shows [`StoreStatus::message`].
//! * **Two tabs.** A Web Lock (`navigator.locks`, name `brokerlab-store:<db>`) is held by the
//!   tab that saves. A second tab opens read-only ([`StoreStatus::ReadOnly`]; `save` says
//!   [`StoreError::ReadOnly`]) and can [`Store::take_over`]; the first tab then finds its lock
//!   gone at its next save and turns read-only itself. An upgrade from a newer page
//!   (`versionchange`) closes this connection; saving then fails with a message instead of
//!   blocking the other tab.

use super::{detail, Store, StoreError, DB_NAME, DISK_STORE, JOURNAL_STORE, LESSONS_STORE, SCENARIO_STORE, UI_STORE};
use crate::lab::journal::{JournalEntry, JournalWrite};
pub use crate::lab::persist::{SaveSet, Saved, StoreStatus};
use crate::scenario::json;
use crate::sim::batch_row;
use crate::sim::disk_image::{load_batch, DiskOp, DiskRow, RowKey, RowValue};
use crate::sim::hash::crc32c;
use rexie::{KeyRange, TransactionMode};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// A failure to inject, for tests of the fallbacks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// As if the browser had no IndexedDB (some private modes).
    Unavailable,
    /// As if another tab blocked the upgrade.
    Blocked,
    /// Every write fails as over quota.
    QuotaExceeded,
    /// As if the browser had not yet told this tab that another tab took its lock: the tab
    /// still believes it saves (the moment between a take-over and the news of it).
    LateLockNews,
}

/// This tab's saving state.
#[derive(Default)]
pub(crate) struct TabState {
    pub(crate) read_only: bool,
    pub(crate) fault: Option<Fault>,
    pub(crate) off: Option<String>,
    /// Resolving it releases the Web Lock.
    release: Option<js_sys::Function>,
    /// Set to false by the lock manager when another tab steals the lock.
    held: Option<std::rc::Rc<std::cell::Cell<bool>>>,
    lock_name: String,
    /// This tab's writer token ([`WRITER_KEY`]).
    token: String,
    /// The next write claims the store for this tab (it just got or took the lock).
    claim: bool,
}

impl TabState {
    pub(crate) fn release(&mut self) {
        if let Some(f) = self.release.take() {
            let _ = f.call0(&JsValue::NULL);
        }
    }
}

/// The key, in the scenario store, of the token of the tab that writes. The Web Lock says which
/// tab may write, but a tab whose lock was taken learns it only a moment later: a write it
/// starts in that moment would land after the new writer's and mix two sessions' disks. So
/// every write transaction first reads this key and writes nothing when another tab has
/// claimed the store since (IndexedDB runs read-write transactions on the same stores one
/// after another, in the order they were created, so the check and the write are one step).
const WRITER_KEY: &str = "writer";

/// A token that tells this tab's writes from another tab's.
fn new_token() -> String {
    format!("{:x}-{:x}", js_sys::Date::now() as u64, (js_sys::Math::random() * 9.0e15) as u64)
}

fn js_err(e: JsValue) -> String {
    e.as_string()
        .or_else(|| js_sys::Reflect::get(&e, &"message".into()).ok().and_then(|m| m.as_string()))
        .unwrap_or_else(|| format!("{e:?}"))
}

/// Asks for the Web Lock `name`; `steal` takes it from another tab. `Ok(None)` when another
/// tab holds it; `Ok(Some((release, held)))` when this tab holds it until `release` is called.
/// Browsers without `navigator.locks` count as holding it (one tab cannot be checked).
async fn acquire_lock(
    name: &str,
    steal: bool,
) -> Result<Option<(Option<js_sys::Function>, std::rc::Rc<std::cell::Cell<bool>>)>, String> {
    let held = std::rc::Rc::new(std::cell::Cell::new(true));
    let Some(window) = web_sys::window() else { return Ok(Some((None, held))) };
    let locks = js_sys::Reflect::get(&window.navigator(), &"locks".into()).map_err(js_err)?;
    if locks.is_undefined() || locks.is_null() {
        return Ok(Some((None, held)));
    }
    let request: js_sys::Function =
        js_sys::Reflect::get(&locks, &"request".into()).map_err(js_err)?.dyn_into().map_err(js_err)?;
    let options = js_sys::Object::new();
    let key = if steal { "steal" } else { "ifAvailable" };
    js_sys::Reflect::set(&options, &key.into(), &JsValue::TRUE).map_err(js_err)?;
    // `got` resolves with whether the lock was granted; the callback's own promise (resolved
    // by `release`) keeps the lock until then.
    let mut got_resolve: Option<js_sys::Function> = None;
    let got = js_sys::Promise::new(&mut |res, _| got_resolve = Some(res));
    let got_resolve = got_resolve.ok_or("no resolver")?;
    let mut release: Option<js_sys::Function> = None;
    let hold = js_sys::Promise::new(&mut |res, _| release = Some(res));
    let hold_for_cb = hold.clone();
    let cb = Closure::once_into_js(move |lock: JsValue| -> JsValue {
        let granted = !lock.is_null() && !lock.is_undefined();
        let _ = got_resolve.call1(&JsValue::NULL, &JsValue::from_bool(granted));
        if granted {
            hold_for_cb.into()
        } else {
            JsValue::UNDEFINED
        }
    });
    let held_flag = held.clone();
    // The request's promise settles when the lock is released, or rejects when stolen.
    let done = request.call3(&locks, &name.into(), &options, &cb).map_err(js_err)?;
    if let Ok(then) = js_sys::Reflect::get(&done, &"then".into()).and_then(|t| t.dyn_into::<js_sys::Function>()) {
        let on_end = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| held_flag.set(false));
        let _ = then.call2(&done, on_end.as_ref(), on_end.as_ref());
        // Lives as long as the page: the lock outlives this call.
        on_end.forget();
    }
    let granted = wasm_bindgen_futures::JsFuture::from(got).await.map_err(js_err)?;
    Ok(if granted.as_bool() == Some(true) { Some((release, held)) } else { None })
}

/// The `localStorage` key of the leave mark of the database `db`.
fn leave_key(db: &str) -> String {
    format!("brokerlab-leave:{db}")
}

fn local_storage() -> Result<web_sys::Storage, String> {
    let w = web_sys::window().ok_or("no window")?;
    match w.local_storage() {
        Ok(Some(s)) => Ok(s),
        Ok(None) => Err("this browser has no localStorage".into()),
        Err(e) => Err(format!("localStorage is not available: {}", js_err(e))),
    }
}

fn status_of(error: &StoreError) -> StoreStatus {
    match error {
        StoreError::ReadOnly => StoreStatus::ReadOnly("another tab has this session open and saves it".into()),
        StoreError::QuotaExceeded { .. } => StoreStatus::Off("the browser's storage for this site is full".into()),
        StoreError::Open { detail, .. } if detail.contains("blocked") => {
            StoreStatus::Off("another tab is blocking the database; close other Brokerlab tabs".into())
        }
        StoreError::Open { .. } => {
            StoreStatus::Off("this browser does not let the page store data (private mode?)".into())
        }
        other => StoreStatus::Off(other.to_string()),
    }
}

fn classify_write(e: rexie::Error) -> StoreError {
    let d = detail(e);
    if d.contains("Quota") || d.contains("quota") {
        StoreError::QuotaExceeded { detail: d }
    } else {
        StoreError::Transaction { detail: d }
    }
}

fn row_key(k: &RowKey) -> JsValue {
    let a = js_sys::Array::new();
    a.push(&JsValue::from_str(&k.node));
    a.push(&JsValue::from_str(&k.file));
    if let Some(o) = k.offset {
        a.push(&JsValue::from_f64(o as f64));
    }
    a.into()
}

fn parse_row_key(v: &JsValue) -> Option<RowKey> {
    let a: &js_sys::Array = v.dyn_ref()?;
    let node = a.get(0).as_string()?;
    let file = a.get(1).as_string()?;
    let offset = match a.length() {
        2 => None,
        3 => Some(a.get(2).as_f64()? as i64),
        _ => return None,
    };
    Some(RowKey { node, file, offset })
}

fn to_js<T: serde::Serialize + ?Sized>(key: &str, v: &T) -> Result<JsValue, StoreError> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| StoreError::Encode { key: key.to_owned(), detail: e.to_string() })
}

impl Store {
    /// Opens the app's database for this tab. Never fails: without a usable IndexedDB the
    /// store is `None` and the status says why, in words for the page.
    pub(crate) async fn open() -> (Option<Store>, StoreStatus) {
        Store::open_with(DB_NAME, None).await
    }

    /// [`Store::open`] on a named database, optionally with an injected [`Fault`] (tests).
    pub async fn open_with(name: &str, fault: Option<Fault>) -> (Option<Store>, StoreStatus) {
        let opened = match fault {
            Some(Fault::Unavailable) => {
                Err(StoreError::Open { db: name.into(), detail: "indexedDB is not available".into() })
            }
            Some(Fault::Blocked) => Err(StoreError::Open { db: name.into(), detail: "the upgrade was blocked".into() }),
            _ => Store::open_named(name).await,
        };
        let store = match opened {
            Ok(s) => s,
            Err(e) => return (None, status_of(&e)),
        };
        let lock_name = format!("brokerlab-store:{name}");
        let status = match acquire_lock(&lock_name, false).await {
            Ok(Some((release, held))) => {
                let mut st = store.state.borrow_mut();
                st.release = release;
                st.held = Some(held);
                st.token = new_token();
                st.claim = true;
                StoreStatus::Saving
            }
            Ok(None) => {
                store.state.borrow_mut().read_only = true;
                status_of(&StoreError::ReadOnly)
            }
            Err(e) => StoreStatus::Off(format!("the tab lock failed ({e})")),
        };
        {
            let mut st = store.state.borrow_mut();
            st.fault = fault;
            st.lock_name = lock_name;
            if let StoreStatus::Off(why) = &status {
                st.off = Some(why.clone());
            }
        }
        (Some(store), status)
    }

    /// This tab's saving status now (it changes when a save hits the quota or another tab
    /// takes over).
    pub fn status(&self) -> StoreStatus {
        let st = self.state.borrow();
        if let Some(why) = &st.off {
            StoreStatus::Off(why.clone())
        } else if st.read_only
            || (st.fault != Some(Fault::LateLockNews) && st.held.as_ref().map(|h| !h.get()).unwrap_or(false))
        {
            status_of(&StoreError::ReadOnly)
        } else {
            StoreStatus::Saving
        }
    }

    /// Makes this (read-only) tab the one that saves: the other tab turns read-only at its
    /// next save. Returns the new status.
    pub async fn take_over(&self) -> StoreStatus {
        let name = self.state.borrow().lock_name.clone();
        if let Ok(Some((release, held))) = acquire_lock(&name, true).await {
            let mut st = self.state.borrow_mut();
            st.release();
            st.release = release;
            st.held = Some(held);
            st.read_only = false;
            st.token = new_token();
            st.claim = true;
        }
        self.status()
    }

    /// Keeps the moment of leaving ([`crate::lab::journal::LeaveMark`]) synchronously in
    /// `localStorage`: an IndexedDB transaction started in `pagehide` often never commits,
    /// a `localStorage` write is done when the call returns. Only the tab that saves writes.
    pub fn keep_leave(&self, text: &str) -> Result<(), StoreError> {
        if !self.status().is_saving() {
            return Err(StoreError::ReadOnly);
        }
        let key = leave_key(&self.name());
        let storage = local_storage().map_err(|detail| StoreError::Write { key: key.clone(), detail })?;
        storage.set_item(&key, text).map_err(|e| {
            let detail = js_err(e);
            if detail.contains("uota") {
                StoreError::QuotaExceeded { detail }
            } else {
                StoreError::Write { key: key.clone(), detail }
            }
        })
    }

    /// The leave mark kept by [`Store::keep_leave`]: `None` when there is none, `Err` when
    /// `localStorage` cannot be read (why).
    pub fn read_leave(&self) -> Option<Result<String, String>> {
        let key = leave_key(&self.name());
        match local_storage().and_then(|s| s.get_item(&key).map_err(js_err)) {
            Ok(found) => found.map(Ok),
            Err(e) => Some(Err(e)),
        }
    }

    /// Writes one save point in a single transaction: the disk delta's ops in order, the
    /// scenario, the snapshot (with its CRC-32C), UI state and lesson progress.
    pub async fn save(&self, set: &SaveSet) -> Result<(), StoreError> {
        match self.status() {
            StoreStatus::Saving => {}
            StoreStatus::ReadOnly(_) => return Err(StoreError::ReadOnly),
            StoreStatus::Off(why) => return Err(StoreError::Transaction { detail: why }),
        }
        if self.state.borrow().fault == Some(Fault::QuotaExceeded) {
            let e = StoreError::QuotaExceeded { detail: "QuotaExceededError (injected)".into() };
            if let StoreStatus::Off(why) = status_of(&e) {
                self.state.borrow_mut().off = Some(why);
            }
            return Err(e);
        }
        let result = self.write(set).await;
        if let Err(e @ StoreError::QuotaExceeded { .. }) = &result {
            if let StoreStatus::Off(why) = status_of(e) {
                self.state.borrow_mut().off = Some(why);
            }
        }
        result
    }

    async fn write(&self, set: &SaveSet) -> Result<(), StoreError> {
        // Everything converted before the transaction opens: inside it only requests.
        let mut disk_ops: Vec<(u8, JsValue, JsValue)> = Vec::with_capacity(set.disk.ops.len());
        for op in &set.disk.ops {
            match op {
                // A batch is one byte array ([`batch_row`]), not an object per record.
                DiskOp::Put(DiskRow { key, value: RowValue::Batch(b) }) => {
                    disk_ops.push((0, row_key(key), js_sys::Uint8Array::from(batch_row::encode(b).as_slice()).into()))
                }
                DiskOp::Put(r) => disk_ops.push((0, row_key(&r.key), to_js("disk row", &r.value)?)),
                DiskOp::Delete(k) => disk_ops.push((1, row_key(k), JsValue::UNDEFINED)),
                DiskOp::DeleteFile { node, file } => {
                    let lo = row_key(&RowKey { node: node.clone(), file: file.clone(), offset: None });
                    let hi: js_sys::Array =
                        row_key(&RowKey { node: node.clone(), file: file.clone(), offset: None }).into();
                    hi.push(&js_sys::Array::new());
                    let range = KeyRange::bound(&lo, &hi.into(), Some(false), Some(false))
                        .map_err(|e| StoreError::Encode { key: file.clone(), detail: e.to_string() })?;
                    disk_ops.push((1, range.into(), JsValue::UNDEFINED));
                }
            }
        }
        let scenario = set.scenario.as_ref().map(|s| JsValue::from_str(&json::export(s)));
        let snapshot = set.snapshot.as_ref().map(|b| {
            let o = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&o, &"crc32c".into(), &JsValue::from_f64(f64::from(crc32c(b))));
            let _ = js_sys::Reflect::set(&o, &"bytes".into(), &js_sys::Uint8Array::from(b.as_slice()).into());
            JsValue::from(o)
        });
        let ui = set.ui.as_ref().map(|v| to_js("ui", v)).transpose()?;
        let mut lessons = Vec::new();
        for (id, v) in &set.lessons {
            lessons.push((JsValue::from_str(id), to_js(id, v)?));
        }

        let compact = match set.journal_below {
            Some(n) => Some(
                KeyRange::upper_bound(&JsValue::from_f64(f64::from(n)), Some(true))
                    .map_err(|e| StoreError::Encode { key: "journal".into(), detail: e.to_string() })?,
            ),
            None => None,
        };

        let tx = self
            .db
            .transaction(
                &[DISK_STORE, SCENARIO_STORE, UI_STORE, LESSONS_STORE, JOURNAL_STORE],
                TransactionMode::ReadWrite,
            )
            .map_err(|e| StoreError::Transaction { detail: detail(e) })?;
        let sc = tx.store(SCENARIO_STORE).map_err(|e| StoreError::Transaction { detail: detail(e) })?;
        let claimed = self.check_writer(&sc, true).await?;
        let disk = tx.store(DISK_STORE).map_err(|e| StoreError::Transaction { detail: detail(e) })?;
        if set.replace_disk {
            disk.clear().await.map_err(classify_write)?;
        }
        // Consecutive puts go out together (all requests issued, then one await).
        let mut i = 0;
        while i < disk_ops.len() {
            if disk_ops[i].0 == 0 {
                let j = disk_ops[i..].iter().position(|o| o.0 != 0).map(|p| i + p).unwrap_or(disk_ops.len());
                let batch = disk_ops[i..j].iter().map(|(_, k, v)| (v.clone(), Some(k.clone())));
                disk.put_all(batch).await.map_err(classify_write)?;
                i = j;
            } else {
                disk.delete(disk_ops[i].1.clone()).await.map_err(classify_write)?;
                i += 1;
            }
        }
        let mut sc_puts = Vec::new();
        if let Some(s) = scenario {
            sc_puts.push((s, Some(JsValue::from_str("scenario"))));
        }
        if let Some(s) = snapshot {
            sc_puts.push((s, Some(JsValue::from_str("snapshot"))));
        }
        sc.put_all(sc_puts.into_iter()).await.map_err(classify_write)?;
        if let Some(v) = ui {
            let u = tx.store(UI_STORE).map_err(|e| StoreError::Transaction { detail: detail(e) })?;
            u.put(&v, Some(&JsValue::from_str("state"))).await.map_err(classify_write)?;
        }
        if !lessons.is_empty() {
            let l = tx.store(LESSONS_STORE).map_err(|e| StoreError::Transaction { detail: detail(e) })?;
            l.put_all(lessons.into_iter().map(|(k, v)| (v, Some(k)))).await.map_err(classify_write)?;
        }
        if claimed {
            // A tab that just took the store over: every entry of its own is in this save
            // point (its later commands are journalled after this transaction), and entries
            // the other tab journalled before it learnt of the take-over must not be replayed.
            let j = tx.store(JOURNAL_STORE).map_err(|e| StoreError::Transaction { detail: detail(e) })?;
            j.clear().await.map_err(classify_write)?;
        } else if let Some(range) = compact {
            // The journal entries this save point holds (compaction).
            let j = tx.store(JOURNAL_STORE).map_err(|e| StoreError::Transaction { detail: detail(e) })?;
            j.delete(range.into()).await.map_err(classify_write)?;
        }
        let done = tx.done().await.map_err(classify_write)?;
        if done.is_committed() {
            if claimed {
                self.state.borrow_mut().claim = false;
            }
            Ok(())
        } else {
            Err(StoreError::Transaction { detail: "the transaction was aborted".into() })
        }
    }

    /// First request of every write transaction ([`WRITER_KEY`]): refuses (and turns this tab
    /// read-only) when another tab claimed the store after this tab last did; `save` claims it
    /// when this tab just got or took the lock. Returns whether this write claims it.
    async fn check_writer(&self, sc: &rexie::Store, save: bool) -> Result<bool, StoreError> {
        let (token, claim) = {
            let st = self.state.borrow();
            (st.token.clone(), st.claim)
        };
        let writer = sc.get(JsValue::from_str(WRITER_KEY)).await.map_err(classify_write)?.and_then(|v| v.as_string());
        let ours = writer.as_deref() == Some(token.as_str());
        if writer.is_some() && !ours && !claim {
            self.state.borrow_mut().read_only = true;
            return Err(StoreError::ReadOnly);
        }
        if save && !ours {
            sc.put(&JsValue::from_str(&token), Some(&JsValue::from_str(WRITER_KEY))).await.map_err(classify_write)?;
        }
        Ok(save && claim)
    }

    /// Writes the command journal's new entries ([`crate::lab::journal`]) in one transaction:
    /// drops the entries a cut log replaced, puts the new ones, and the session's origin
    /// while no save point has written a scenario.
    pub async fn journal(&self, w: &JournalWrite) -> Result<(), StoreError> {
        match self.status() {
            StoreStatus::Saving => {}
            StoreStatus::ReadOnly(_) => return Err(StoreError::ReadOnly),
            StoreStatus::Off(why) => return Err(StoreError::Transaction { detail: why }),
        }
        let drop = match w.drop_from {
            Some(n) => Some(
                KeyRange::lower_bound(&JsValue::from_f64(f64::from(n)), Some(false))
                    .map_err(|e| StoreError::Encode { key: "journal".into(), detail: e.to_string() })?,
            ),
            None => None,
        };
        let entries: Vec<(JsValue, Option<JsValue>)> = w
            .entries
            .iter()
            .map(|e| {
                let o = js_sys::Object::new();
                let _ = js_sys::Reflect::set(&o, &"text".into(), &JsValue::from_str(&e.text));
                let _ = js_sys::Reflect::set(&o, &"crc32c".into(), &JsValue::from_f64(f64::from(e.crc32c)));
                (JsValue::from(o), Some(JsValue::from_f64(f64::from(e.index))))
            })
            .collect();
        let origin = w.origin.as_ref().map(|s| JsValue::from_str(&json::export(s)));
        let tx = self
            .db
            .transaction(&[SCENARIO_STORE, JOURNAL_STORE], TransactionMode::ReadWrite)
            .map_err(|e| StoreError::Transaction { detail: detail(e) })?;
        let sc = tx.store(SCENARIO_STORE).map_err(|e| StoreError::Transaction { detail: detail(e) })?;
        self.check_writer(&sc, false).await?;
        let j = tx.store(JOURNAL_STORE).map_err(|e| StoreError::Transaction { detail: detail(e) })?;
        if let Some(range) = drop {
            j.delete(range.into()).await.map_err(classify_write)?;
        }
        if !entries.is_empty() {
            j.put_all(entries.into_iter()).await.map_err(classify_write)?;
        }
        if let Some(o) = origin {
            // A new session: its scenario replaces the stored one, and the stored snapshot
            // (of the other session) must not be restored onto it.
            sc.put(&o, Some(&JsValue::from_str("scenario"))).await.map_err(classify_write)?;
            sc.delete(JsValue::from_str("snapshot")).await.map_err(classify_write)?;
        }
        let done = tx.done().await.map_err(classify_write)?;
        if done.is_committed() {
            Ok(())
        } else {
            Err(StoreError::Transaction { detail: "the transaction was aborted".into() })
        }
    }

    /// Reads the saved session; `None` when nothing was ever saved. Batches failing their
    /// CRC, an unreadable row, a snapshot failing its CRC and an unreadable scenario are
    /// skipped, each with a message in [`Saved::skipped`].
    pub async fn load(&self) -> Result<Option<Saved>, StoreError> {
        let tx = self
            .db
            .transaction(
                &[DISK_STORE, SCENARIO_STORE, UI_STORE, LESSONS_STORE, JOURNAL_STORE],
                TransactionMode::ReadOnly,
            )
            .map_err(|e| StoreError::Transaction { detail: detail(e) })?;
        let read = |e| StoreError::Read { key: "session".into(), detail: detail(e) };
        let disk = tx.store(DISK_STORE).map_err(|e| StoreError::Transaction { detail: detail(e) })?;
        let keys = disk.get_all_keys(None, None).await.map_err(read)?;
        let values = disk.get_all(None, None).await.map_err(read)?;
        let sc = tx.store(SCENARIO_STORE).map_err(|e| StoreError::Transaction { detail: detail(e) })?;
        let scenario = sc.get(JsValue::from_str("scenario")).await.map_err(read)?;
        let snapshot = sc.get(JsValue::from_str("snapshot")).await.map_err(read)?;
        let ui = tx.store(UI_STORE).map_err(|e| StoreError::Transaction { detail: detail(e) })?;
        let ui = ui.get(JsValue::from_str("state")).await.map_err(read)?;
        let ls = tx.store(LESSONS_STORE).map_err(|e| StoreError::Transaction { detail: detail(e) })?;
        let lesson_keys = ls.get_all_keys(None, None).await.map_err(read)?;
        let lesson_values = ls.get_all(None, None).await.map_err(read)?;
        let js = tx.store(JOURNAL_STORE).map_err(|e| StoreError::Transaction { detail: detail(e) })?;
        let journal_keys = js.get_all_keys(None, None).await.map_err(read)?;
        let journal_values = js.get_all(None, None).await.map_err(read)?;
        tx.done().await.map_err(|e| StoreError::Transaction { detail: detail(e) })?;

        let present = |v: &Option<JsValue>| v.as_ref().map(|v| !v.is_undefined()).unwrap_or(false);
        if keys.is_empty()
            && !present(&scenario)
            && !present(&snapshot)
            && !present(&ui)
            && lesson_keys.is_empty()
            && journal_keys.is_empty()
        {
            return Ok(None);
        }
        let mut saved = Saved::default();
        for (k, v) in keys.iter().zip(values) {
            let Some(key) = parse_row_key(k) else {
                saved.skipped.push(format!("a disk row with an unreadable key ({k:?}) was skipped"));
                continue;
            };
            let read = match v.dyn_into::<js_sys::Uint8Array>() {
                Ok(bytes) => batch_row::decode(&bytes.to_vec()).map(RowValue::Batch),
                // Other rows, and batches saved before they were binary.
                Err(v) => serde_wasm_bindgen::from_value(v).map_err(|e| e.to_string()),
            };
            let value = match read {
                Ok(v) => v,
                Err(e) => {
                    saved.skipped.push(format!("{} {}: an unreadable row was skipped ({e})", key.node, key.file));
                    continue;
                }
            };
            if let RowValue::Batch(b) = &value {
                if let Err(why) = load_batch(b) {
                    saved.skipped.push(format!(
                        "{} {}: the batch at offset {} failed its check ({why}) and was skipped",
                        key.node, key.file, b.base_offset
                    ));
                    continue;
                }
            }
            saved.rows.push(DiskRow { key, value });
        }
        if let Some(text) = scenario.and_then(|v| v.as_string()) {
            match json::import(&text) {
                Ok(s) => saved.scenario = Some(s),
                Err(e) => saved.skipped.push(format!("the saved scenario was skipped: {e}")),
            }
        }
        if let Some(o) = snapshot.filter(|v| v.is_object()) {
            let crc = js_sys::Reflect::get(&o, &"crc32c".into()).ok().and_then(|c| c.as_f64());
            let bytes = js_sys::Reflect::get(&o, &"bytes".into())
                .ok()
                .and_then(|b| b.dyn_into::<js_sys::Uint8Array>().ok())
                .map(|a| a.to_vec());
            match (crc, bytes) {
                (Some(c), Some(b)) if f64::from(crc32c(&b)) == c => saved.snapshot = Some(b),
                _ => saved.skipped.push(
                    "the saved session snapshot failed its CRC check and was skipped; it is replayed from its commands"
                        .into(),
                ),
            }
        }
        saved.ui = ui.filter(|v| !v.is_undefined()).and_then(|v| serde_wasm_bindgen::from_value(v).ok());
        for (k, v) in lesson_keys.iter().zip(lesson_values) {
            if let (Some(id), Ok(v)) = (k.as_string(), serde_wasm_bindgen::from_value(v)) {
                saved.lessons.insert(id, v);
            }
        }
        for (k, v) in journal_keys.iter().zip(journal_values) {
            let text = js_sys::Reflect::get(&v, &"text".into()).ok().and_then(|t| t.as_string());
            let crc = js_sys::Reflect::get(&v, &"crc32c".into()).ok().and_then(|c| c.as_f64());
            match (k.as_f64(), text, crc) {
                (Some(i), Some(text), Some(crc)) if i >= 0.0 && i <= f64::from(u32::MAX) && crc >= 0.0 => {
                    saved.journal.push(JournalEntry { index: i as u32, text, crc32c: crc as u32 })
                }
                _ => saved.skipped.push(format!("an unreadable command journal entry ({k:?}) was skipped")),
            }
        }
        saved.leave = self.read_leave();
        Ok(Some(saved))
    }

    /// Deletes the saved session (disks, scenario, UI state, lesson progress) in one
    /// transaction.
    pub async fn clear(&self) -> Result<(), StoreError> {
        if !self.status().is_saving() {
            return Err(StoreError::ReadOnly);
        }
        let tx = self
            .db
            .transaction(
                &[DISK_STORE, SCENARIO_STORE, UI_STORE, LESSONS_STORE, JOURNAL_STORE],
                TransactionMode::ReadWrite,
            )
            .map_err(|e| StoreError::Transaction { detail: detail(e) })?;
        for name in [DISK_STORE, SCENARIO_STORE, UI_STORE, LESSONS_STORE, JOURNAL_STORE] {
            let s = tx.store(name).map_err(|e| StoreError::Transaction { detail: detail(e) })?;
            s.clear().await.map_err(classify_write)?;
        }
        tx.done().await.map_err(|e| StoreError::Transaction { detail: detail(e) })?;
        // The leave mark belongs to the session cleared (a later one would not continue it
        // anyway: it names the log it continues).
        if let Ok(s) = local_storage() {
            let _ = s.remove_item(&leave_key(&self.name()));
        }
        Ok(())
    }
}
