//! The command journal: what the learner did since the last periodic save, written as it
//! happens, so a reload (or a closed tab) resumes at the moment the learner left.
//!
//! Decided here, carried out by the store. Every entry is one [`LogEntry`] of the console's
//! timed log under its index, with a CRC-32C of its text. The journal writes a log entry as
//! soon as the log grows (a command, a line typed into a tool, Ctrl-C…), rewrites the last
//! entry when the console merged a clock move into it, and on leaving (`visibilitychange`
//! hidden, `pagehide`) writes the clock move to the moment of leaving. A save point deletes
//! the entries it holds (compaction), in the same transaction. On reload the entries after
//! the saved log are put back on it ([`apply`]) and the usual snapshot catch-up replays
//! them deterministically ([`crate::scenario::snapshot::Snapshot::restore_and_catch_up`]).
//!
//! Leaving also writes a [`LeaveMark`]: the log since the save point, the clock move of the
//! moment of leaving included, and the console's newest lines. The page writes it
//! synchronously (`localStorage`), because an IndexedDB write started in `pagehide` often
//! never commits. It names the log it continues (a CRC-32C of the session's origin and the
//! log before it), so a mark left by an older visit or another session is recognised and
//! ignored ([`apply_leave`]).

use crate::console::session::{Action, Console, LogEntry};
use crate::scenario::Scenario;
use crate::sim::hash::crc32c;
use crate::sim::sort::CompactSort;
use crate::sim::world::ClusterConfig;

/// One stored journal entry: the log index it fills and the entry as JSON with its CRC.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JournalEntry {
    pub index: u32,
    pub text: String,
    pub(crate) crc32c: u32,
}

impl JournalEntry {
    pub(crate) fn new(index: u32, entry: &LogEntry) -> JournalEntry {
        // A LogEntry is plain data: serialising it cannot fail; an empty text would only be
        // skipped on reload with a note.
        let text = serde_json::to_string(entry).unwrap_or_default();
        let crc32c = crc32c(text.as_bytes());
        JournalEntry { index, text, crc32c }
    }

    /// The log entry, or why it cannot be used.
    pub(crate) fn decode(&self) -> Result<LogEntry, String> {
        if crc32c(self.text.as_bytes()) != self.crc32c {
            return Err("it failed its CRC check".into());
        }
        serde_json::from_str(&self.text).map_err(|e| format!("it is unreadable ({e})"))
    }
}

/// What the store must write for the journal, in one transaction.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JournalWrite {
    /// Delete the entries at this index and above first (the log was cut: a fork from the
    /// past, a reset).
    pub drop_from: Option<u32>,
    pub entries: Vec<JournalEntry>,
    /// The session's origin (seed, config, empty log) when the store holds no scenario of it
    /// (a command typed before the first save point survives a reload); it replaces the
    /// stored scenario and drops the stored snapshot, which belong to another session.
    pub origin: Option<Scenario>,
}

impl JournalWrite {
    pub(crate) fn is_empty(&self) -> bool {
        self.drop_from.is_none() && self.entries.is_empty() && self.origin.is_none()
    }
}

/// The moment of leaving as the page keeps it synchronously: the log from `from` (the last
/// save point's length) to its end, and the console's newest lines.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct LeaveMark {
    /// The log index of the first entry carried.
    pub(crate) from: u32,
    /// CRC-32C of the session's origin and the log before `from` ([`prefix_crc`]).
    pub(crate) prefix: u32,
    /// The log from `from` on.
    pub(crate) entries: Vec<JournalEntry>,
    /// The console's newest lines, as a save keeps them.
    pub(crate) terminal: serde_json::Value,
}

/// The first line of an encoded mark: its format.
const MARK_FORMAT: &str = "brokerlab-leave-1";

impl LeaveMark {
    /// The text the page stores: the format, the CRC-32C of the JSON body, the body.
    pub(crate) fn encode(&self) -> String {
        let entries: Vec<serde_json::Value> =
            self.entries.iter().map(|e| serde_json::json!([e.index, e.text, e.crc32c])).collect();
        let body = serde_json::json!({
            "from": self.from,
            "prefix": self.prefix,
            "entries": entries,
            "terminal": self.terminal,
        })
        .to_string();
        format!("{MARK_FORMAT}\n{}\n{body}", crc32c(body.as_bytes()))
    }

    /// The mark back from its text, or why it cannot be used.
    pub(crate) fn decode(text: &str) -> Result<LeaveMark, String> {
        let mut parts = text.splitn(3, '\n');
        if parts.next() != Some(MARK_FORMAT) {
            return Err("it is not in a format this page knows".into());
        }
        let crc: Option<u32> = parts.next().and_then(|c| c.parse().ok());
        let body = parts.next().unwrap_or("");
        if crc != Some(crc32c(body.as_bytes())) {
            return Err("it failed its CRC check".into());
        }
        let v: serde_json::Value = serde_json::from_str(body).map_err(|e| format!("it is unreadable ({e})"))?;
        let num = |k: &str| v.get(k).and_then(|n| n.as_u64()).and_then(|n| u32::try_from(n).ok());
        let (Some(from), Some(prefix)) = (num("from"), num("prefix")) else {
            return Err("it is unreadable (no position)".into());
        };
        let mut entries = Vec::new();
        for e in v.get("entries").and_then(|e| e.as_array()).map(Vec::as_slice).unwrap_or(&[]) {
            let index = e.get(0).and_then(|n| n.as_u64()).and_then(|n| u32::try_from(n).ok());
            let text = e.get(1).and_then(|t| t.as_str());
            let crc = e.get(2).and_then(|n| n.as_u64()).and_then(|n| u32::try_from(n).ok());
            match (index, text, crc) {
                (Some(index), Some(text), Some(crc32c)) => {
                    entries.push(JournalEntry { index, text: text.to_string(), crc32c })
                }
                _ => return Err("it is unreadable (a damaged entry)".into()),
            }
        }
        let terminal = v.get("terminal").cloned().unwrap_or(serde_json::Value::Null);
        Ok(LeaveMark { from, prefix, entries, terminal })
    }
}

/// CRC-32C of a session's origin (seed and cluster config) and the log `log`: what a
/// [`LeaveMark`] continues.
pub(crate) fn prefix_crc(origin: (u64, &ClusterConfig), log: &[LogEntry]) -> u32 {
    let mut buf = serde_json::to_vec(&origin).unwrap_or_default();
    for e in log {
        buf.push(b'\n');
        buf.extend_from_slice(serde_json::to_string(e).unwrap_or_default().as_bytes());
    }
    crc32c(&buf)
}

/// What the journal has written, to decide what is new.
#[derive(Debug, Default)]
pub(crate) struct Journal {
    /// The log as the store has it (the save point's log, then the journal's entries).
    written: Vec<LogEntry>,
    /// The seed and config of the scenario the store holds (`None`: none of this session).
    origin: Option<(u64, ClusterConfig)>,
    /// The length of the log the last save point (or restore) holds.
    saved_len: usize,
    /// Write the clock move at the next call too (a restore put back a later one than the
    /// store holds).
    flush: bool,
}

impl Journal {
    /// After a restore or a save point: the store holds `console`'s scenario and log.
    pub(crate) fn mark(&mut self, console: &Console) {
        self.written = console.log().to_vec();
        self.saved_len = self.written.len();
        self.flush = false;
        let (seed, config) = console.origin();
        self.origin = Some((seed, config.clone()));
    }

    /// After a restore: the store holds `stored`, which a [`LeaveMark`] may have continued
    /// (the moment of leaving); what differs is written at the next chance.
    pub(crate) fn mark_restored(&mut self, console: &Console, stored: Vec<LogEntry>) {
        self.mark(console);
        let same = stored.iter().zip(&self.written).take_while(|(a, b)| a == b).count();
        self.saved_len = self.saved_len.min(same);
        self.flush = stored != self.written;
        self.written = stored;
    }

    /// The mark to keep on leaving: the log since the save point, and `terminal`.
    pub(crate) fn leave_mark(&self, console: &Console, terminal: serde_json::Value) -> LeaveMark {
        let log = console.log();
        let from = self.saved_len.min(log.len());
        let entries = log[from..].iter().enumerate().map(|(i, e)| JournalEntry::new((from + i) as u32, e)).collect();
        LeaveMark { from: from as u32, prefix: prefix_crc(console.origin(), &log[..from]), entries, terminal }
    }

    /// The store holds nothing of this session (a fresh start, a shared link kept).
    pub(crate) fn fresh(&mut self) {
        self.written.clear();
        self.origin = None;
        self.saved_len = 0;
        self.flush = false;
    }

    /// What to write now for `console`. Without `leaving`, only a log that grew or changed
    /// other than by a clock move is written (the clock moves every frame; writing it each
    /// time would flood the store); `leaving` writes the clock move too. A console of another
    /// origin (a new cluster) starts the journal over with its origin.
    pub(crate) fn pending(&mut self, console: &Console, leaving: bool) -> JournalWrite {
        let leaving = leaving || std::mem::take(&mut self.flush);
        let log = console.log();
        let (seed, config) = console.origin();
        let mut origin = None;
        let mut drop_from = None;
        if self.origin.as_ref().map(|(s, c)| (*s, c)) != Some((seed, config)) {
            let mut s = Scenario::from_console(console);
            s.log.clear();
            origin = Some(s);
            drop_from = Some(0);
            self.written.clear();
            self.origin = Some((seed, config.clone()));
        }
        let w = &self.written;
        let only_clock = |a: &LogEntry, b: &LogEntry| {
            a.at == b.at && matches!((&a.action, &b.action), (Action::AdvanceTo(_), Action::AdvanceTo(_)))
        };
        if origin.is_none() && log.len() == w.len() {
            match (log.last(), w.last()) {
                (None, None) => return JournalWrite::default(),
                // Checked by the last entry only (this runs every frame): a log cut and
                // regrown to the same length ends in a new entry (a fork adds its own clock
                // move and command).
                (Some(a), Some(b)) if a == b => return JournalWrite::default(),
                (Some(a), Some(b)) if !leaving && only_clock(a, b) => return JournalWrite::default(),
                _ => {}
            }
        }
        // The first index where the log and what is written differ.
        let mut common = log.iter().zip(w.iter()).take_while(|(a, b)| a == b).count();
        if origin.is_none() && common + 1 < self.saved_len {
            // Cut inside what the save point holds (a reset, a fork from long ago): entries
            // cannot say so, so the journal starts over from the origin.
            let mut s = Scenario::from_console(console);
            s.log.clear();
            origin = Some(s);
            drop_from = Some(0);
            common = 0;
            self.saved_len = 0;
        }
        if drop_from.is_none() && w.len() > log.len() {
            drop_from = Some(log.len() as u32);
        }
        let entries =
            log[common..].iter().enumerate().map(|(i, e)| JournalEntry::new((common + i) as u32, e)).collect();
        self.written = log.to_vec();
        JournalWrite { drop_from, entries, origin }
    }
}

/// Puts the journal's entries back on the saved log: from the first entry at or below the
/// log's end, consecutive indices replace or extend it. Returns what to tell the learner
/// about entries that could not be used; the saved log is never lost for them (an unusable
/// entry ends the catch-up there: what follows it would replay on the wrong state).
pub(crate) fn apply(log: &mut Vec<LogEntry>, entries: &[JournalEntry]) -> Vec<String> {
    let mut notes = Vec::new();
    let mut sorted: Vec<&JournalEntry> = entries.iter().collect();
    sorted.compact_sort_by_key(|e| e.index);
    sorted.dedup_by_key(|e| e.index);
    let mut next: Option<usize> = None;
    for (n, e) in sorted.iter().enumerate() {
        let i = e.index as usize;
        match next {
            // Entries a save point already holds (not compacted yet): only one at the end
            // (a merged clock move) or past it starts the catch-up.
            None if i + 1 < log.len() => continue,
            None if i > log.len() => {
                notes.push(format!(
                    "The command journal misses the commands after number {}; {} later journal entries were skipped.",
                    log.len(),
                    sorted.len() - n
                ));
                return notes;
            }
            Some(want) if i != want => {
                notes.push(format!(
                    "The command journal misses command {}; {} later journal entries were skipped.",
                    want + 1,
                    sorted.len() - n
                ));
                return notes;
            }
            _ => {}
        }
        match e.decode() {
            Ok(entry) => {
                log.truncate(i);
                log.push(entry);
                next = Some(i + 1);
            }
            Err(why) => {
                notes.push(format!(
                    "Command {} of the journal could not be used ({why}); it and {} later journal entries were skipped.",
                    i + 1,
                    sorted.len() - n - 1
                ));
                return notes;
            }
        }
    }
    notes
}

/// What a [`LeaveMark`] is to the log restored from the store.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum LeaveFit {
    /// It continues the log: the log now ends at the moment of leaving (entries added or a
    /// later clock move, or nothing was missing). Its terminal lines are the newest.
    Current,
    /// The store holds a later session (the learner came back and went on), another
    /// session, or the mark starts past what the store holds: the mark is ignored.
    Stale,
}

fn clock(e: &LogEntry) -> Option<crate::sim::time::SimTime> {
    match e.action {
        Action::AdvanceTo(t) => Some(t),
        _ => None,
    }
}

/// Puts the moment of leaving back on `log` (the saved log with the journal applied) when
/// `mark` continues it; `Err` when one of its entries fails its check (the log is untouched).
pub(crate) fn apply_leave(
    log: &mut Vec<LogEntry>,
    origin: (u64, &ClusterConfig),
    mark: &LeaveMark,
) -> Result<LeaveFit, String> {
    let from = mark.from as usize;
    if from > log.len() || prefix_crc(origin, &log[..from]) != mark.prefix {
        return Ok(LeaveFit::Stale);
    }
    let mut entries = Vec::with_capacity(mark.entries.len());
    for (i, e) in mark.entries.iter().enumerate() {
        if e.index as usize != from + i {
            return Err(format!("entry {} is out of place", e.index));
        }
        entries.push(e.decode().map_err(|why| format!("command {} of it: {why}", e.index + 1))?);
    }
    let end = from + entries.len();
    let n = log.len();
    if n > end {
        return Ok(LeaveFit::Stale);
    }
    // What the store holds past `from` must be what the mark holds, but for the store's last
    // entry, which may be an earlier clock move the console merged later ones into.
    for i in from..n {
        let (stored, left) = (&log[i], &entries[i - from]);
        if stored == left {
            continue;
        }
        let merged = stored.at == left.at && clock(stored).is_some() && clock(left).is_some();
        if i + 1 < n || !merged {
            return Ok(LeaveFit::Stale);
        }
        // The same length: the later clock move is the later visit.
        if n == end && clock(stored) > clock(left) {
            return Ok(LeaveFit::Stale);
        }
    }
    log.truncate(from);
    log.extend(entries);
    Ok(LeaveFit::Current)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::console::session::Console;

    fn console() -> Console {
        Console::new(3, ClusterConfig::default()).expect("cluster boots")
    }

    /// Moves the clock `ms` on (the cluster's boot already ran some time).
    fn later(c: &mut Console, ms: i64) {
        let t = c.sim().now().plus_ms(ms);
        c.advance_to(t);
    }

    fn run(c: &mut Console, line: &str) {
        let _ = c.run_script(line, true);
    }

    /// A session at a save point: the console, its journal marked there, and the log saved.
    fn saved_session() -> (Console, Journal, Vec<LogEntry>) {
        let c = console();
        let mut j = Journal::default();
        j.mark(&c);
        let saved = c.log().to_vec();
        (c, j, saved)
    }

    #[test]
    fn a_command_is_journalled_as_it_runs_and_the_clock_only_on_leaving() {
        let mut c = console();
        let mut j = Journal::default();
        j.fresh();
        later(&mut c, 500);
        let w = j.pending(&c, false);
        assert_eq!(w.entries.len(), 1, "a first clock move is a new entry");
        assert!(w.origin.is_some(), "nothing saved yet: the origin goes with the first entry");
        later(&mut c, 900);
        assert!(j.pending(&c, false).is_empty(), "a merged clock move waits");
        run(&mut c, "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic t");
        let w = j.pending(&c, false);
        let idx: Vec<u32> = w.entries.iter().map(|e| e.index).collect();
        assert_eq!(idx, vec![0, 1], "the merged clock move and the command");
        assert!(w.origin.is_none());
        later(&mut c, 5000);
        let w = j.pending(&c, true);
        assert_eq!(w.entries.len(), 1, "leaving writes the clock move");
        assert!(j.pending(&c, true).is_empty(), "nothing new: nothing written");
    }

    #[test]
    fn the_saved_log_and_the_journal_rebuild_the_moment_of_leaving() {
        let mut c = console();
        let mut j = Journal::default();
        j.fresh();
        later(&mut c, 700);
        run(&mut c, "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic a");
        // A save point holds the log so far.
        let saved = Scenario::from_console(&c);
        j.mark(&c);
        let mut journal = Vec::new();
        later(&mut c, 2000);
        run(&mut c, "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic b");
        journal.extend(j.pending(&c, false).entries);
        later(&mut c, 4000);
        journal.extend(j.pending(&c, true).entries);

        let mut log = saved.log.clone();
        assert!(apply(&mut log, &journal).is_empty());
        assert_eq!(log, c.log(), "the saved log plus the journal is the log at leaving");
        let replayed = Scenario { log, ..saved }.replay().expect("replays");
        assert_eq!(replayed.sim().now(), c.sim().now(), "the clock resumes where it was");
        assert_eq!(replayed.sim().trace().next_index(), c.sim().trace().next_index());
    }

    #[test]
    fn a_damaged_or_missing_entry_keeps_the_saved_log_and_says_what_was_skipped() {
        let (mut c, mut j, saved) = saved_session();
        let mut journal = Vec::new();
        for (t, topic) in [(100, "a"), (200, "b"), (300, "c")] {
            later(&mut c, t);
            run(&mut c, &format!("kafka-topics.sh --bootstrap-server localhost:9092 --create --topic {topic}"));
            journal.extend(j.pending(&c, false).entries);
        }
        assert_eq!(journal.len(), 6);

        let mut bad = journal.clone();
        bad[3].text.push(' ');
        let mut log = saved.clone();
        let notes = apply(&mut log, &bad);
        assert_eq!(log, c.log()[..3].to_vec(), "the entries before the damaged one are kept");
        assert_eq!(notes.len(), 1);
        assert!(
            notes[0].contains("Command 4") && notes[0].contains("CRC") && notes[0].contains("2 later"),
            "{notes:?}"
        );

        let mut gap = journal.clone();
        gap.remove(2);
        let mut log = saved.clone();
        let notes = apply(&mut log, &gap);
        assert_eq!(log.len(), 2);
        assert!(notes[0].contains("misses command 3"), "{notes:?}");

        let mut log = saved.clone();
        let notes = apply(&mut log, &journal[2..]);
        assert_eq!(log, saved, "a journal that starts after the saved log is not used");
        assert!(notes[0].contains("misses the commands after number 0"), "{notes:?}");
    }

    #[test]
    fn a_fork_from_the_past_drops_the_entries_it_replaced() {
        let mut c = console();
        let mut j = Journal::default();
        j.mark(&c);
        later(&mut c, 100);
        run(&mut c, "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic a");
        later(&mut c, 200);
        run(&mut c, "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic b");
        let mut store: Vec<JournalEntry> = j.pending(&c, false).entries;
        assert_eq!(store.len(), 4);
        // Seen from the past and played on: the log is cut after the first command.
        let mut forked = Scenario { log: c.log()[..2].to_vec(), ..Scenario::from_console(&c) }.replay().unwrap();
        let w = j.pending(&forked, false);
        assert_eq!(w.drop_from, Some(2));
        store.retain(|e| e.index < 2);
        later(&mut forked, 300);
        run(&mut forked, "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic c");
        store.extend(j.pending(&forked, false).entries);
        let mut log = Vec::new();
        assert!(apply(&mut log, &store).is_empty());
        assert_eq!(log, forked.log());
    }

    /// The store as a page that was killed in `pagehide` leaves it: the save point's log and
    /// the journal entries that were written before the leave.
    fn stored(saved: &[LogEntry], journal: &[JournalEntry]) -> Vec<LogEntry> {
        // A later write of an index replaces the earlier one, as a put does.
        let mut by_index = std::collections::BTreeMap::new();
        for e in journal {
            by_index.insert(e.index, e.clone());
        }
        let journal: Vec<JournalEntry> = by_index.into_values().collect();
        let mut log = saved.to_vec();
        assert!(apply(&mut log, &journal).is_empty());
        log
    }

    #[test]
    fn the_leave_mark_brings_back_the_moment_of_leaving_that_the_journal_lost() {
        let (mut c, mut j, saved) = saved_session();
        let mut journal = Vec::new();
        later(&mut c, 300);
        run(&mut c, "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic a");
        journal.extend(j.pending(&c, false).entries);
        later(&mut c, 4000);
        // Leaving: the mark is kept at once; the journal's write of the clock never lands.
        let mark = j.leave_mark(&c, serde_json::json!([["out", "seen"]]));
        let _lost = j.pending(&c, true);
        let mark = LeaveMark::decode(&mark.encode()).expect("reads back");
        let mut log = stored(&saved, &journal);
        assert_ne!(log, c.log(), "the journal alone ends at the command");
        assert_eq!(apply_leave(&mut log, c.origin(), &mark), Ok(LeaveFit::Current));
        assert_eq!(log, c.log(), "the moment of leaving is back");
        assert_eq!(mark.terminal, serde_json::json!([["out", "seen"]]));
        // Applied again (the journal's write did land): nothing changes.
        assert_eq!(apply_leave(&mut log, c.origin(), &mark), Ok(LeaveFit::Current));
        assert_eq!(log, c.log());
    }

    #[test]
    fn a_mark_of_an_earlier_visit_or_another_session_is_ignored() {
        let (mut c, mut j, saved) = saved_session();
        let mut journal = Vec::new();
        later(&mut c, 300);
        let mark = j.leave_mark(&c, serde_json::Value::Null);
        journal.extend(j.pending(&c, true).entries);
        // Back again: time runs on, a command is journalled, then the page is killed.
        later(&mut c, 500);
        run(&mut c, "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic a");
        journal.extend(j.pending(&c, false).entries);
        let mut log = stored(&saved, &journal);
        assert_eq!(apply_leave(&mut log, c.origin(), &mark), Ok(LeaveFit::Stale));
        assert_eq!(log, c.log(), "the later session is kept");

        // Back again, only the clock ran on, and a save point wrote it: its clock is later.
        let mut c2 = console();
        let mut j2 = Journal::default();
        j2.mark(&c2);
        later(&mut c2, 300);
        let mark = j2.leave_mark(&c2, serde_json::Value::Null);
        later(&mut c2, 900);
        let mut log = c2.log().to_vec();
        assert_eq!(apply_leave(&mut log, c2.origin(), &mark), Ok(LeaveFit::Stale));
        assert_eq!(log, c2.log());

        // Another session (another seed): not this log.
        let other = Console::new(4, ClusterConfig::default()).expect("boots");
        let mut log = other.log().to_vec();
        assert_eq!(apply_leave(&mut log, other.origin(), &mark), Ok(LeaveFit::Stale));
        assert_eq!(log, other.log());
    }

    #[test]
    fn a_damaged_mark_says_why_and_changes_nothing() {
        let mut c = console();
        let j = Journal::default();
        later(&mut c, 300);
        let text = j.leave_mark(&c, serde_json::Value::Null).encode();
        let bad = text.replacen("AdvanceTo", "AdvanceTx", 1);
        assert!(LeaveMark::decode(&bad).unwrap_err().contains("CRC"));
        assert!(LeaveMark::decode("something else").unwrap_err().contains("format"));
        let mut mark = LeaveMark::decode(&text).expect("reads");
        mark.entries[0].text.push(' ');
        let mut log = Vec::new();
        let e = apply_leave(&mut log, c.origin(), &mark).unwrap_err();
        assert!(e.contains("CRC"), "{e}");
        assert!(log.is_empty());
    }
}
