//! The lesson files, embedded with `include_str!` so the app needs no fetch. Add a new
//! file to [`FILES`]; `tests/lessons.rs` fails if a file in `www/lessons/` is missing here.

use super::format::{parse_lesson, Lesson, ParseError};
use serde::Serialize;

macro_rules! lessons {
    ($($file:literal),* $(,)?) => {
        /// (file name, contents) of every lesson file.
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
];

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
    for (file, text) in FILES {
        match parse_lesson(text) {
            Ok(l) => ok.push(l),
            Err(e) => bad.push((*file, e)),
        }
    }
    ok.sort_by(|a, b| (a.order, &a.id).cmp(&(b.order, &b.id)));
    (ok, bad)
}

/// The lesson list for the catalogue page.
pub(crate) fn catalogue() -> Vec<CatalogueEntry> {
    let mut v: Vec<CatalogueEntry> = FILES
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
    v.sort_by(|a, b| (a.order, &a.id).cmp(&(b.order, &b.id)));
    v
}

/// A lesson by id.
pub(crate) fn find(id: &str) -> Option<Lesson> {
    FILES.iter().filter_map(|(_, t)| parse_lesson(t).ok()).find(|l| l.id == id)
}
