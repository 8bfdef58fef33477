//! The lesson files. Natively (and in the browser tests) they are embedded with
//! `include_str!`; the page's release build (feature `lazy-lessons`, set in `index.html`)
//! leaves them out of the WebAssembly and fetches them from `lessons/` (Trunk copies
//! `www/lessons/` there) before the app starts: about 80 KB of text the first paint does not
//! need ([`provide`]). Add a new file to `FILE_NAMES`; `tests/lessons.rs` fails if a file in
//! `www/lessons/` is missing here.

use super::format::{parse_lesson, Lesson, ParseError};
use crate::sim::sort::CompactSort;
use serde::Serialize;

macro_rules! lessons {
    ($($file:literal),* $(,)?) => {
        /// The name of every lesson file in `www/lessons/`.
        // Only the page's release build fetches the files by name (src/ui/fetch_lessons.rs).
        #[cfg(all(target_arch = "wasm32", feature = "lazy-lessons"))]
        pub(crate) const FILE_NAMES: &[&str] = &[ $( $file, )* ];
        /// (file name, contents) of every lesson file.
        #[cfg(not(feature = "lazy-lessons"))]
        pub const FILES: &[(&str, &str)] = &[ $( ($file, include_str!(concat!("../../www/lessons/", $file))), )* ];
    };
}

lessons![
    "01-first-topic.md",
    "02-log-and-offsets.md",
    "03-keys-and-ordering.md",
    "04-adding-partitions.md",
    "05-bootstrap-and-metadata.md",
    "06-replication-factor.md",
    "07-isr-and-lag.md",
    "08-hw-and-leo.md",
    "09-acks.md",
    "10-min-insync-replicas.md",
    "11-leader-election.md",
    "12-truncation.md",
    "13-unclean-election.md",
    "14-preferred-leader.md",
    "15-controlled-shutdown.md",
    "16-idempotent-producer.md",
    "17-eligible-leader-replicas.md",
    "18-record-anatomy.md",
    "19-batching-and-compression.md",
    "20-consumer-sees-nothing.md",
    "21-consumer-groups.md",
    "22-fan-out.md",
    "23-commit-strategies.md",
    "24-lag.md",
    "25-rebalances.md",
    "26-max-poll-interval.md",
    "27-static-membership.md",
    "28-transactions.md",
    "29-offset-out-of-range.md",
    "30-retention.md",
    "31-compaction.md",
    "32-kraft-quorum.md",
    "33-fencing.md",
    "34-adding-brokers.md",
    "36-rebalance-without-stopping.md",
    "37-upgrading-to-the-consumer-protocol.md",
    "38-share-groups.md",
    "39-poison-message.md",
    "40-retries-that-reorder.md",
    "41-exactly-once.md",
    "42-long-polls.md",
    "43-closest-replica-fetching.md",
    "44-segments-and-indexes.md",
    "45-tiered-storage.md",
    "46-quotas-and-throttling.md",
    "47-triage-from-metrics.md",
    "48-acls-least-privilege.md",
    "49-disaster-recovery.md",
];

/// (file name, contents) of every lesson file: the embedded ones, or with `lazy-lessons` those
/// handed to [`provide`] (none before).
#[cfg(not(feature = "lazy-lessons"))]
pub(crate) fn files() -> &'static [(&'static str, &'static str)] {
    FILES
}

#[cfg(feature = "lazy-lessons")]
thread_local! {
    static PROVIDED: std::cell::Cell<&'static [(&'static str, &'static str)]> = const { std::cell::Cell::new(&[]) };
}

/// (file name, contents) of every lesson file: the embedded ones, or with `lazy-lessons` those
/// handed to [`provide`] (none before).
#[cfg(feature = "lazy-lessons")]
pub(crate) fn files() -> &'static [(&'static str, &'static str)] {
    PROVIDED.with(|p| p.get())
}

/// Hands over the fetched lesson files, once, before the app starts. They are kept for the
/// life of the page, as embedded ones would be.
#[cfg(feature = "lazy-lessons")]
pub(crate) fn provide(fetched: Vec<(&'static str, String)>) {
    let files: Vec<(&'static str, &'static str)> =
        fetched.into_iter().map(|(name, text)| (name, &*Box::leak(text.into_boxed_str()))).collect();
    PROVIDED.with(|p| p.set(Box::leak(files.into_boxed_slice())));
}

/// One line of the lesson list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct CatalogueEntry {
    pub file: &'static str,
    pub id: String,
    pub title: String,
    pub order: u32,
    pub level: String,
    pub summary: String,
    pub steps: usize,
}

/// Every lesson, parsed, in curriculum order; files that do not parse are returned apart
/// (a test keeps that list empty).
pub fn load_all() -> (Vec<Lesson>, Vec<(&'static str, ParseError)>) {
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    for (file, text) in files() {
        match parse_lesson(text) {
            Ok(l) => ok.push(l),
            Err(e) => bad.push((*file, e)),
        }
    }
    ok.compact_sort_by(|a, b| (a.order, &a.id).cmp(&(b.order, &b.id)));
    (ok, bad)
}

/// The lesson list for the catalogue page.
pub(crate) fn catalogue() -> Vec<CatalogueEntry> {
    let mut v: Vec<CatalogueEntry> = files()
        .iter()
        .filter_map(|(file, text)| {
            parse_lesson(text).ok().map(|l| CatalogueEntry {
                file,
                id: l.id,
                title: l.title,
                order: l.order,
                level: l.level,
                summary: l.summary,
                steps: l.steps.len(),
            })
        })
        .collect();
    v.compact_sort_by(|a, b| (a.order, &a.id).cmp(&(b.order, &b.id)));
    v
}

/// A lesson by id.
pub(crate) fn find(id: &str) -> Option<Lesson> {
    files().iter().filter_map(|(_, t)| parse_lesson(t).ok()).find(|l| l.id == id)
}
