//! What the lab publishes to the components, and the one callback they use to ask for anything.
//! The engine itself stays in the [`Lab`] outside the component tree: after it moves, the app
//! publishes a fresh [`Published`] made of `Rc`s, so unchanged parts compare equal cheaply and
//! their components skip re-rendering.
//!
//! [`Lab`]: crate::ui::lab::Lab

use crate::sim::inspect::{Detail, Target};
use crate::sim::protocol::NodeAddr;
use crate::sim::view::ViewModel;
use std::rc::Rc;
use yew::prelude::*;

/// What the learner points at (the inspector shows it).
pub type Selection = Target;

/// A request or response drawn in flight between two nodes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flight {
    pub id: u64,
    pub from: NodeAddr,
    pub to: NodeAddr,
    pub label: String,
    pub response: bool,
    pub error: bool,
    /// How long the dot takes to cross, in wall-clock milliseconds.
    pub duration_ms: u32,
    pub started_ms: u64,
}

/// One line of the event feed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedItem {
    pub seq: u64,
    pub at_ms: u64,
    pub text: String,
    pub kind: FeedKind,
}

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

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum TermStream {
    /// What the learner typed (echoed with its prompt).
    Command,
    Stdout,
    /// Marked in the page, as the issue asks (stdout and stderr kept apart).
    Stderr,
    /// Brokerlab's own remarks (welcome, timeline forks).
    Note,
}

/// One sample of the charts (one per simulated second).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sample {
    pub at_s: u64,
    pub produced: u64,
    pub consumed: u64,
    pub lag: i64,
    /// Total lag of each group (sorted by name).
    pub lag_by_group: Vec<(String, i64)>,

    pub isr_total: u32,
    pub replicas_total: u32,
    pub under_replicated: u32,
    pub errors: u64,
}

/// Everything the components can ask for.
#[derive(Clone, Debug, PartialEq)]
pub enum UiAction {
    TogglePlay,
    Step,
    /// Speed on a log scale in tenths of a decade: -10 (0.1×) … 0 (1×) … 20 (100×).
    SetSpeedLog(i32),
    /// Show an earlier moment of the recorded timeline (simulated ms).
    Seek(u64),
    /// Back to the live head of the timeline.
    BackToLive,
    Reset,
    /// A console command, typed or chosen by pointing.
    Command(String),
    /// A line for the running job (the producer's `>` prompt).
    JobInput(String),
    Interrupt,
    Eof,
    ClearConsole,
    Select(Option<Selection>),
    Menu(Option<Selection>),
    /// Show one topic only (scale), or every topic.
    Focus(Option<String>),
    DismissNotice,
    StartLesson(String),
    /// Copy a link to this exact scenario (embed: the read-only variant for an iframe).
    CopyLink {
        embed: bool,
    },
    ExportJson,
    /// The text of a JSON scenario file the learner picked.
    ImportJson(String),
    ExportRealKafka,
    /// Keep the scenario opened from a link as the saved sandbox.
    KeepLinked,
    /// Download the sandbox as a lesson draft (start state, the commands typed as the
    /// solution, goals from what holds now).
    DraftLesson,
    /// Copy a link that opens the sandbox as a lesson draft.
    DraftLink,
    OpenSandbox,
    Lesson(crate::ui::lab::LessonAction),
}

/// A snapshot of the lab for rendering.
#[derive(Clone, Debug, PartialEq)]
pub struct Published {
    pub view: Rc<ViewModel>,
    pub flights: Rc<Vec<Flight>>,
    pub feed: Rc<Vec<Rc<FeedItem>>>,
    pub samples: Rc<Vec<Sample>>,
    pub terminal: Rc<Vec<Rc<TermLine>>>,
    pub history: Rc<Vec<String>>,
    pub detail: Option<Rc<Detail>>,
    pub selection: Option<Selection>,
    pub menu: Option<Selection>,
    pub focus: Option<AttrValue>,
    pub notice: Option<AttrValue>,
    pub playing: bool,
    pub speed_log: i32,
    pub now_ms: u64,
    pub head_ms: u64,
    pub viewing_past: bool,
    /// The simulation could not keep up with the chosen speed in the last frame.
    pub behind: bool,
    pub job_running: bool,
    /// Moments of the timeline that can be returned to exactly (simulated ms).
    pub snapshots: Rc<Vec<u64>>,
    /// The lesson being followed (None: the sandbox).
    pub lesson: Option<Rc<crate::ui::lab::LessonView>>,
    /// Saving state, in words ("" when saving works).
    pub saving: AttrValue,
    pub saved_at: Option<u64>,
    /// Ids of the lessons finished in this browser.
    pub lessons_done: Rc<Vec<String>>,
    /// Opened from a link and not kept yet.
    pub linked: bool,
    /// The last share link made (shown so it can be copied by hand too).
    pub shared_link: Option<AttrValue>,
}

/// Shared by every component: how to act on the lab, and how to ask the console for tab
/// completions. Never changes after the app starts, so it causes no re-renders.
#[derive(Clone, PartialEq)]
pub struct LabContext {
    pub dispatch: Callback<UiAction>,
    pub complete: Callback<String, Vec<String>>,
}

/// Formats simulated milliseconds as the page shows them: `1:02.345` or `12.3 s`.
pub fn fmt_clock(ms: u64) -> String {
    let m = ms / 60_000;
    let s = (ms % 60_000) / 1000;
    let milli = ms % 1000;
    if m > 0 {
        format!("{m}:{s:02}.{milli:03}")
    } else {
        format!("{s}.{milli:03} s")
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
pub fn speed_tenths(speed_log: i32) -> u64 {
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
    // thousandths_x10 / 1000 = speed in tenths (after the ×10 above).
    let t = (thousandths_x10 + 500) / 1000;
    t.max(1)
}
