//! IndexedDB persistence (wasm only): a small wrapper over [rexie].
//!
//! One database, [`DB_NAME`], at schema version [`DB_VERSION`]. Every operation returns a
//! [`StoreError`] instead of panicking: private browsing, a full disk or a blocked upgrade
//! are things a learner's browser can do to us.
//!
//! An IndexedDB transaction commits as soon as control returns to the event loop with no
//! request pending, so each method awaits only IndexedDB requests inside its transaction.
//!
//! The session API the page uses is in [`session`]: [`Store::open`], [`Store::save`],
//! [`Store::load`], [`Store::clear`], with [`StoreStatus`] to show when saving is off.

pub mod session;
pub use session::{Fault, SaveSet, Saved, StoreStatus};

use std::fmt;

use rexie::{ObjectStore, Rexie, TransactionMode};
use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::JsValue;

/// The app's database name.
pub(crate) const DB_NAME: &str = "brokerlab";
/// Schema version. Bump it, and add the new stores to [`Store::open_named`], to migrate.
///
/// Migrations: opening runs IndexedDB's upgrade, which creates the object stores a version
/// adds and keeps the others with their data. 1 → 2 added [`DISK_STORE`],
/// [`SCENARIO_STORE`], [`UI_STORE`] and [`LESSONS_STORE`]; [`KV_STORE`] is kept as it was.
/// 2 → 3 added [`JOURNAL_STORE`].
pub(crate) const DB_VERSION: u32 = 3;
/// Key–value object store: string keys, JSON-compatible values.
pub(crate) const KV_STORE: &str = "kv";
/// The simulated disks: one row per file or per record batch, keyed
/// `["broker-1", "orders-0/00000000000000000000.log", 40]` (see [`crate::sim::disk_image`]).
pub(crate) const DISK_STORE: &str = "disk";
/// The scenario (`"scenario"`: the JSON file format) and the reload snapshot (`"snapshot"`).
pub(crate) const SCENARIO_STORE: &str = "scenario";
/// UI state (`"state"`): whatever JSON the page keeps.
pub(crate) const UI_STORE: &str = "ui";
/// Lesson progress, keyed by lesson id.
pub(crate) const LESSONS_STORE: &str = "lessons";
/// The command journal ([`crate::lab::journal`]): one entry per log index (a number key),
/// `{ text, crc32c }`, written as each command runs and compacted by each save point.
pub(crate) const JOURNAL_STORE: &str = "journal";

/// What went wrong talking to IndexedDB, with the browser's own message as detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// The database could not be opened or upgraded (e.g. IndexedDB unavailable, blocked).
    Open { db: String, detail: String },
    /// A transaction could not be started or did not commit.
    Transaction { detail: String },
    /// A value could not be written.
    Write { key: String, detail: String },
    /// A value could not be read.
    Read { key: String, detail: String },
    /// A value could not be converted to a JavaScript value.
    Encode { key: String, detail: String },
    /// A stored value did not have the expected shape.
    Decode { key: String, detail: String },
    /// The database could not be deleted.
    Delete { db: String, detail: String },
    /// The browser's storage quota for the site is used up.
    QuotaExceeded { detail: String },
    /// Another tab saves this session; this one is read-only.
    ReadOnly,
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Open { db, detail } => write!(f, "could not open database `{db}`: {detail}"),
            Self::Transaction { detail } => write!(f, "IndexedDB transaction failed: {detail}"),
            Self::Write { key, detail } => write!(f, "could not save `{key}`: {detail}"),
            Self::Read { key, detail } => write!(f, "could not read `{key}`: {detail}"),
            Self::Encode { key, detail } => write!(f, "could not encode `{key}`: {detail}"),
            Self::Decode { key, detail } => write!(f, "stored `{key}` is unreadable: {detail}"),
            Self::Delete { db, detail } => write!(f, "could not delete database `{db}`: {detail}"),
            Self::QuotaExceeded { detail } => write!(f, "the browser's storage for this site is full: {detail}"),
            Self::ReadOnly => write!(f, "another tab is saving this session; this tab is read-only"),
        }
    }
}

impl std::error::Error for StoreError {}

/// rexie's own `Display` says only "idb error"; the wrapped idb error has the browser's message.
pub(crate) fn detail(error: rexie::Error) -> String {
    match error {
        rexie::Error::IdbError(inner) => inner.to_string(),
        other => other.to_string(),
    }
}

/// An open connection to one Brokerlab database.
pub struct Store {
    db: Rexie,
    /// Saving state of this tab (see [`session`]).
    pub(crate) state: std::cell::RefCell<session::TabState>,
}

impl Store {
    /// Opens a database with the app's schema under another name (tests use their own),
    /// without the tab lock of [`Store::open`].
    pub async fn open_named(name: &str) -> Result<Self, StoreError> {
        let db = Rexie::builder(name)
            .version(DB_VERSION)
            .add_object_store(ObjectStore::new(KV_STORE))
            .add_object_store(ObjectStore::new(DISK_STORE))
            .add_object_store(ObjectStore::new(SCENARIO_STORE))
            .add_object_store(ObjectStore::new(UI_STORE))
            .add_object_store(ObjectStore::new(LESSONS_STORE))
            .add_object_store(ObjectStore::new(JOURNAL_STORE))
            .build()
            .await
            .map_err(|e| StoreError::Open { db: name.to_owned(), detail: detail(e) })?;
        Ok(Self { db, state: Default::default() })
    }

    /// Deletes a whole database (used by tests to start clean).
    pub async fn delete_database(name: &str) -> Result<(), StoreError> {
        Rexie::delete(name).await.map_err(|e| StoreError::Delete { db: name.to_owned(), detail: detail(e) })
    }

    /// The database's name.
    pub fn name(&self) -> String {
        self.db.name()
    }

    /// Writes `value` under `key` in [`KV_STORE`], replacing any previous value, and waits
    /// until the transaction has committed.
    pub async fn put<T: Serialize + ?Sized>(&self, key: &str, value: &T) -> Result<(), StoreError> {
        let js_value = value
            .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .map_err(|e| StoreError::Encode { key: key.to_owned(), detail: e.to_string() })?;
        let transaction = self
            .db
            .transaction(&[KV_STORE], TransactionMode::ReadWrite)
            .map_err(|e| StoreError::Transaction { detail: detail(e) })?;
        let store = transaction.store(KV_STORE).map_err(|e| StoreError::Transaction { detail: detail(e) })?;
        store
            .put(&js_value, Some(&JsValue::from_str(key)))
            .await
            .map_err(|e| StoreError::Write { key: key.to_owned(), detail: detail(e) })?;
        let result = transaction.done().await.map_err(|e| StoreError::Transaction { detail: detail(e) })?;
        if result.is_committed() {
            Ok(())
        } else {
            Err(StoreError::Write { key: key.to_owned(), detail: "the transaction was aborted".to_owned() })
        }
    }

    /// Reads the value stored under `key` in [`KV_STORE`]; `Ok(None)` when there is none.
    pub async fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, StoreError> {
        let transaction = self
            .db
            .transaction(&[KV_STORE], TransactionMode::ReadOnly)
            .map_err(|e| StoreError::Transaction { detail: detail(e) })?;
        let store = transaction.store(KV_STORE).map_err(|e| StoreError::Transaction { detail: detail(e) })?;
        let found = store
            .get(JsValue::from_str(key))
            .await
            .map_err(|e| StoreError::Read { key: key.to_owned(), detail: detail(e) })?;
        transaction.done().await.map_err(|e| StoreError::Transaction { detail: detail(e) })?;
        match found {
            None => Ok(None),
            Some(value) if value.is_undefined() => Ok(None),
            Some(value) => serde_wasm_bindgen::from_value(value)
                .map(Some)
                .map_err(|e| StoreError::Decode { key: key.to_owned(), detail: e.to_string() }),
        }
    }

    /// Closes the connection (lets another connection delete or upgrade the database) and
    /// releases this tab's lock, so another tab can take over saving.
    pub fn close(self) {
        self.state.borrow_mut().release();
        self.db.close();
    }
}
