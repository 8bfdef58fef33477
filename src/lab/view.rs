//! What the lab shows: one [`LabView`] of `Rc`s, rebuilt after the lab changes, so parts that
//! did not change compare equal cheaply and the page redraws only what moved. Plain data, no
//! web types: the page converts strings to its own attribute values as it draws.

use crate::console::typing::Prompt;
use crate::lab::request_kind::RequestKind;
use crate::lessons::GoalStatus;
use crate::sim::types::NodeAddr;
use crate::sim::view::inspect::{Detail, Target};
use crate::sim::view::ViewModel;
use std::rc::Rc;

/// What the learner points at (the inspector shows it).
pub type Selection = Target;

/// A request or response drawn in flight between two nodes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flight {
    pub id: u64,
    pub from: NodeAddr,
    pub to: NodeAddr,
    /// The API's name for a request worth labelling; "" for responses and constant
    /// background traffic (heartbeats, metadata-log fetches).
    pub(crate) label: String,
    /// What the request (or the request this answers) is for: its dot's shape and colour.
    pub kind: RequestKind,
    pub response: bool,
    pub error: bool,
    /// How long the dot takes to cross, in wall-clock milliseconds.
    pub(crate) duration_ms: u32,
    pub(crate) started_ms: u64,
}

/// One line of the event feed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedItem {
    pub seq: u64,
    pub at_ms: u64,
    pub text: String,
    pub kind: FeedKind,
    /// About an internal topic (`__consumer_offsets`, `__transaction_state`): folded by default.
    pub internal: bool,
}

/// How much a feed line matters.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum FeedKind {
    Info,
    Warning,
    /// A checker finding or an unclean election: data was lost or duplicated.
    Finding,
}

/// A line of the terminal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TermLine {
    pub seq: u64,
    pub stream: TermStream,
    pub text: String,
}

/// Where a terminal line comes from.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum TermStream {
    /// What the learner typed (echoed with its prompt).
    Command,
    /// A line typed at a continuation prompt or into a running tool (echoed after `>`).
    Input,
    Stdout,
    /// Marked in the page (stdout and stderr kept apart).
    Stderr,
    /// Brokerlab's own remarks (welcome, timeline forks).
    Note,
}

/// One sample of the charts (one per simulated second).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sample {
    pub at_s: u64,
    pub(crate) produced: u64,
    pub consumed: u64,
    pub(crate) lag: i64,
    /// Total lag of each group (sorted by name).
    pub(crate) lag_by_group: Vec<(String, i64)>,
    pub isr_total: u32,
    pub replicas_total: u32,
    pub under_replicated: u32,
    pub errors: u64,
}

/// What the lesson panel shows.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonView {
    pub id: String,
    pub title: String,
    pub intro: String,
    pub steps: Vec<String>,
    pub completed: Vec<bool>,
    /// `None` during the demo; `Some(n)` = steps.len() when done.
    pub step: Option<usize>,
    pub(crate) demo_caption: Option<String>,
    pub(crate) step_text: String,
    pub goals: Vec<GoalStatus>,
    pub(crate) hints_left: bool,
    pub(crate) notes: Vec<String>,
    pub done: bool,
    pub real_cluster: String,
    pub(crate) next_lesson: Option<(String, String)>,
}

/// A sentence for the learner above the timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub text: Rc<str>,
    pub kind: NoticeKind,
}

/// Whether a notice is news (a link copied) or a warning (something could not be done).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum NoticeKind {
    Info,
    Warning,
}

/// Everything the page draws, as of the last change.
#[derive(Clone, Debug, PartialEq)]
pub struct LabView {
    pub view: Rc<ViewModel>,
    pub flights: Rc<Vec<Flight>>,
    pub feed: Rc<Vec<Rc<FeedItem>>>,
    pub samples: Rc<Vec<Sample>>,
    /// The metrics panel: every metric by its MBean name now, and the charted ones' history.
    pub metrics: Rc<crate::lab::metrics::MetricsView>,
    pub terminal: Rc<Vec<Rc<TermLine>>>,
    pub history: Rc<Vec<String>>,
    /// What the console's prompt shows, which says what the next typed line is taken as.
    pub prompt: Prompt,
    pub(crate) detail: Option<Rc<Detail>>,
    pub(crate) selection: Option<Selection>,
    pub(crate) menu: Option<Selection>,
    pub focus: Option<Rc<str>>,
    pub notice: Option<Notice>,
    pub playing: bool,
    pub(crate) speed_log: i32,
    pub now_ms: u64,
    pub head_ms: u64,
    pub viewing_past: bool,
    /// The simulation could not keep up with the chosen speed in the last frame.
    pub(crate) behind: bool,
    pub job_running: bool,
    /// Moments of the timeline that can be returned to exactly (simulated ms).
    pub snapshots: Rc<Vec<u64>>,
    /// The lesson being followed (None: the sandbox).
    pub lesson: Option<Rc<LessonView>>,
    /// Saving state, in words ("" when saving works).
    pub saving: Rc<str>,
    /// Another tab saves this session; this one may take over.
    pub read_only: bool,
    pub saved_at: Option<u64>,
    /// Ids of the lessons finished in this browser.
    pub(crate) lessons_done: Rc<Vec<String>>,
    /// Opened from a link and not kept yet.
    pub linked: bool,
    /// The last share link made (shown so it can be copied by hand too).
    pub(crate) shared_link: Option<Rc<str>>,
    /// Read-only embed mode: no console, no saving.
    pub embed: bool,
    /// Why the cluster asked for could not start (the page shows a default one instead).
    pub(crate) boot_error: Option<Rc<str>>,
    /// What the last Step did, in words.
    pub step_report: Option<Rc<str>>,
}

/// Formats simulated milliseconds as the page shows them: `1:02.345` or `12.345 s`.
pub(crate) fn fmt_clock(ms: u64) -> String {
    let m = ms / 60_000;
    let s = (ms % 60_000) / 1000;
    let milli = ms % 1000;
    if m > 0 {
        format!("{m}:{s:02}.{milli:03}")
    } else {
        format!("{s}.{milli:03} s")
    }
}

/// A span of simulated time in words: `2 min 5 s` or `4.2 s`.
pub(crate) fn fmt_gap(ms: u64) -> String {
    if ms >= 60_000 {
        format!("{} min {} s", ms / 60_000, (ms % 60_000) / 1000)
    } else {
        format!("{}.{} s", ms / 1000, (ms % 1000) / 100)
    }
}

/// The speed a log-scale value stands for, as text: `0.1×`, `1×`, `3.2×`, `100×`.
pub fn speed_label(speed_log: i32) -> String {
    let tenths = speed_tenths(speed_log);
    if tenths.is_multiple_of(10) {
        format!("{}×", tenths / 10)
    } else {
        format!("{}.{}×", tenths / 10, tenths % 10)
    }
}

/// 10^(speed_log/10), in tenths, rounded: an integer table so the label never shows float noise.
pub(crate) fn speed_tenths(speed_log: i32) -> u64 {
    // 10^(k/10) for k = 0..9, times 1000.
    const STEPS: [u64; 10] = [1000, 1259, 1585, 1995, 2512, 3162, 3981, 5012, 6310, 7943];
    let k = speed_log.clamp(-10, 20);
    let decade = k.div_euclid(10);
    let step = STEPS[k.rem_euclid(10) as usize];
    // step is 10^(k mod 10 / 10) × 1000; scale by 10^decade and express in tenths.
    let thousandths_x10 = match decade {
        -1 => step,
        0 => step * 10,
        1 => step * 100,
        _ => step * 1000,
    };
    let t = (thousandths_x10 + 500) / 1000;
    t.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speeds_and_clocks_read_as_people_write_them() {
        assert_eq!(speed_label(-10), "0.1×");
        assert_eq!(speed_label(0), "1×");
        assert_eq!(speed_label(5), "3.2×");
        assert_eq!(speed_label(20), "100×");
        assert_eq!(fmt_clock(2_588), "2.588 s");
        assert_eq!(fmt_clock(62_345), "1:02.345");
        assert_eq!(fmt_gap(125_000), "2 min 5 s");
        assert_eq!(fmt_gap(4_250), "4.2 s");
    }
}
