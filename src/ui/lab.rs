//! The lab: the console (and through it the engine), simulated time and its mapping to the
//! wall clock, the recorded timeline for scrubbing, and what the page derives from the trace —
//! the explained event feed, messages in flight, and chart samples.
//!
//! Plain Rust, owned in one place (an `Rc<RefCell<Lab>>` in the app) and never cloned by Yew;
//! after it moves, the app takes a fresh [`Published`] from it.

use crate::console::explain::describe_event;
use crate::console::format::{Output, Stream};
use crate::console::session::{Console, Started};
use crate::lessons::{catalogue, find, Advanced, GoalStatus, LessonRun, Phase};
use crate::sim::inspect::inspect;
use crate::sim::protocol::NodeAddr;
use crate::sim::time::SimTime;
use crate::sim::trace::{ElectionReason, Finding, TraceKind};
use crate::sim::view::ViewModel;
use crate::sim::world::ClusterConfig;
use crate::ui::context::{
    speed_tenths, FeedItem, FeedKind, Flight, Published, Sample, Selection, TermLine, TermStream,
};
use std::collections::VecDeque;
use std::rc::Rc;
use yew::AttrValue;

const FEED_CAP: usize = 300;
const FLIGHT_CAP: usize = 60;
const TERM_CAP: usize = 5000;
const SAMPLES_CAP: usize = 600;
const SNAPSHOT_EVERY_MS: u64 = 10_000;
const SNAPSHOT_CAP: usize = 90;

/// The first-visit cluster: something is already happening (a topic, a steady producer and a
/// consumer group reading it), built from console commands so it replays and shares like
/// anything the learner types.
pub const DEMO: &[&str] = &[
    "kafka-topics --bootstrap-server localhost:9092 --create --topic orders --partitions 3 --replication-factor 3",
    "producer start checkout --topic orders --rate 4/s --keys alice,bob,carol,dave",
    "consumer start billing-1 --group billing --topic orders",
    "consumer start billing-2 --group billing --topic orders",
];

/// The `?bench=ui` cluster of the performance goal: 6 brokers, 3 topics × 12 partitions with
/// RF 3, 10 clients (8 producers, 2 consumers in a group).
pub const BENCH: &[&str] = &[
    "kafka-topics --bootstrap-server localhost:9092 --create --topic orders --partitions 12 --replication-factor 3",
    "kafka-topics --bootstrap-server localhost:9092 --create --topic payments --partitions 12 --replication-factor 3",
    "kafka-topics --bootstrap-server localhost:9092 --create --topic clicks --partitions 12 --replication-factor 3",
    "producer start p1 --topic orders --rate 50/s --keys a,b,c,d,e,f",
    "producer start p2 --topic orders --rate 50/s",
    "producer start p3 --topic payments --rate 40/s --keys x,y,z",
    "producer start p4 --topic payments --rate 40/s",
    "producer start p5 --topic clicks --rate 100/s",
    "producer start p6 --topic clicks --rate 100/s --keys u1,u2,u3,u4",
    "producer start p7 --topic orders --rate 20/s --producer-property acks=1",
    "producer start p8 --topic payments --rate 20/s --producer-property acks=1",
    "consumer start c1 --group analytics --topic clicks",
    "consumer start c2 --group analytics --topic clicks",
];

/// A button of the lesson panel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LessonAction {
    SkipDemo,
    Next,
    Hint,
    Solution,
    ResetStep,
    Undo,
    GoToStep(usize),
}

/// A saved moment of the timeline.
struct Snapshot {
    at: SimTime,
    console: Console,
}

pub struct Lab {
    pub console: Console,
    pub playing: bool,
    /// Speed as tenths of a decade: -10 = 0.1×, 0 = 1×, 20 = 100×.
    pub speed_log: i32,
    pub selection: Option<Selection>,
    pub menu: Option<Selection>,
    pub focus: Option<String>,
    pub notice: Option<String>,
    pub behind: bool,
    view: Rc<ViewModel>,
    feed: VecDeque<Rc<FeedItem>>,
    feed_pub: Rc<Vec<Rc<FeedItem>>>,
    feed_dirty: bool,
    flights: Vec<Flight>,
    flights_pub: Rc<Vec<Flight>>,
    samples: VecDeque<Sample>,
    samples_pub: Rc<Vec<Sample>>,
    terminal: VecDeque<Rc<TermLine>>,
    terminal_pub: Rc<Vec<Rc<TermLine>>>,
    terminal_dirty: bool,
    history_pub: Rc<Vec<String>>,
    snapshots_pub: Rc<Vec<u64>>,
    /// While the learner looks at the past: the live console waits here.
    live: Option<Console>,
    snapshots: Vec<Snapshot>,
    trace_cursor: u64,
    seq: u64,
    last_sample_s: u64,
    counters: (u64, u64, u64),
    published: Option<Rc<Published>>,
    /// The lesson being followed (None: the free sandbox).
    pub lesson: Option<LessonRun>,
    lesson_pub: Option<Rc<LessonView>>,
    /// Wall-clock ms of the last goal check and demo line.
    last_check_ms: u64,
    last_demo_ms: u64,
    /// Lessons finished in this browser (by id).
    pub lessons_done: std::collections::BTreeSet<String>,
    /// Hints, the revealed solution and refusals, for the lesson panel.
    lesson_notes: Vec<String>,
    /// Saving state in words (set by the app from the store).
    pub saving: String,
    pub linked: bool,
    pub shared_link: Option<String>,
    /// The simulated moment of the last completed save.
    pub saved_at: Option<u64>,
    /// `lessons_done` as published (rebuilt when it changes, not every frame).
    lessons_done_pub: Rc<Vec<String>>,
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
    pub demo_caption: Option<String>,
    pub step_text: String,
    pub goals: Vec<GoalStatus>,
    pub hints_left: bool,
    pub notes: Vec<String>,
    pub done: bool,
    pub real_cluster: String,
    pub next_lesson: Option<(String, String)>,
}

impl Lab {
    pub fn new(seed: u64, config: ClusterConfig) -> Result<Lab, String> {
        let console = Console::new(seed, config)?;
        Ok(Lab::with_console(console))
    }

    fn with_console(console: Console) -> Lab {
        let view = Rc::new(ViewModel::build(console.sim()));
        let trace_cursor = console.sim().trace.next_index();
        let mut lab = Lab {
            console,
            playing: true,
            speed_log: 0,
            selection: None,
            menu: None,
            focus: None,
            notice: None,
            behind: false,
            view,
            feed: VecDeque::new(),
            feed_pub: Rc::new(Vec::new()),
            feed_dirty: false,
            flights: Vec::new(),
            flights_pub: Rc::new(Vec::new()),
            samples: VecDeque::new(),
            samples_pub: Rc::new(Vec::new()),
            terminal: VecDeque::new(),
            terminal_pub: Rc::new(Vec::new()),
            terminal_dirty: true,
            history_pub: Rc::new(Vec::new()),
            snapshots_pub: Rc::new(Vec::new()),
            live: None,
            snapshots: Vec::new(),
            trace_cursor,
            seq: 0,
            last_sample_s: 0,
            counters: (0, 0, 0),
            published: None,
            lesson: None,
            lesson_pub: None,
            last_check_ms: 0,
            last_demo_ms: 0,
            lessons_done: Default::default(),
            lesson_notes: Vec::new(),
            saving: String::new(),
            linked: false,
            shared_link: None,
            saved_at: None,
            lessons_done_pub: Rc::new(Vec::new()),
        };
        lab.snapshot();
        lab
    }

    /// Runs console commands silently (the demo, the benchmark set-up): they go into the
    /// command log and history like typed ones, so links and reloads reproduce them.
    pub fn run_setup(&mut self, lines: &[&str]) {
        for line in lines {
            if let Ok(item) = crate::console::session::parse_line(line) {
                let _ = self.console.run(&item);
            }
        }
        let _ = self.console.take_output();
        self.collect_trace(0);
        self.publish();
    }

    pub fn note(&mut self, text: &str) {
        self.push_term(TermStream::Note, text.to_string());
    }

    pub fn now(&self) -> SimTime {
        self.console.sim().now
    }

    /// The latest moment recorded (the live head).
    pub fn head(&self) -> SimTime {
        self.live.as_ref().map(|c| c.sim().now).unwrap_or_else(|| self.now())
    }

    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    // ---------------- time ----------------

    /// Advances simulated time by `dt_wall_ms × speed`, spending at most about `budget_ms` of
    /// work (measured by `clock`, in ms). Returns whether anything visible changed.
    pub fn frame(&mut self, wall_now_ms: u64, dt_wall_ms: u64, budget_ms: f64, clock: &dyn Fn() -> f64) -> bool {
        let mut changed = false;
        if self.playing && self.live.is_none() {
            // A tab in the background gets no frames: never jump more than 100 ms of wall time.
            let want_us = dt_wall_ms.min(100) * speed_tenths(self.speed_log) * 100;
            let target = self.now().plus_micros(want_us.max(1));
            let started = clock();
            // Advance in slices so one heavy moment cannot freeze the page.
            let mut t = self.now();
            self.behind = false;
            while t < target {
                let slice = ((target.0 - t.0) / 4).max(1_000);
                t = SimTime((t.0 + slice).min(target.0));
                self.console.advance_to(t);
                if clock() - started > budget_ms {
                    self.behind = t < target;
                    break;
                }
            }
            changed = true;
        }
        let out = self.console.take_output();
        if !out.chunks.is_empty() {
            self.print(&out);
            changed = true;
        }
        if self.collect_trace(wall_now_ms) {
            changed = true;
        }
        let before = self.flights.len();
        self.flights.retain(|f| wall_now_ms < f.started_ms + u64::from(f.duration_ms) + 100);
        if self.flights.len() != before {
            changed = true;
        }
        self.sample();
        if self.lesson_tick(wall_now_ms) {
            changed = true;
        }
        let bucket = |t: SimTime| t.as_ms() / SNAPSHOT_EVERY_MS;
        if self.live.is_none() && self.snapshots.last().map(|s| bucket(s.at) < bucket(self.now())).unwrap_or(true) {
            self.snapshot();
        }
        if changed {
            self.publish();
        }
        changed
    }

    /// Runs exactly the next event (single step), and pauses.
    pub fn step(&mut self) {
        self.fork_if_past();
        self.playing = false;
        if let Some(t) = self.console.sim().next_event_at() {
            if t > self.now() {
                self.console.advance_to(t);
            } else {
                // Several events at this instant: process one more.
                self.console.sim_mut().step();
            }
        }
        let out = self.console.take_output();
        self.print(&out);
        self.collect_trace(0);
        self.publish();
    }

    pub fn toggle_play(&mut self) {
        if self.playing {
            self.playing = false;
        } else {
            self.fork_if_past();
            self.playing = true;
        }
        self.publish();
    }

    // ---------------- the timeline ----------------

    fn snapshot(&mut self) {
        if let Some(c) = self.console.snapshot() {
            self.snapshots.push(Snapshot { at: c.sim().now, console: c });
            if self.snapshots.len() > SNAPSHOT_CAP {
                // Thin out the older half, keeping the first (boot) and the recent ones.
                let n = self.snapshots.len();
                let mut i = 0;
                self.snapshots.retain(|_| {
                    let keep = i == 0 || i % 2 == 0 || i >= n - 20;
                    i += 1;
                    keep
                });
            }
            self.snapshots_pub = Rc::new(self.snapshots.iter().map(|s| s.at.as_ms()).collect());
        }
    }

    /// Shows the cluster as it was at `t_ms`. The live state waits aside; playing or typing
    /// from there forks a new future and discards the old one (with a warning).
    pub fn seek(&mut self, t_ms: u64) {
        let head = self.head();
        let target = SimTime::from_ms(t_ms).min(head);
        if target >= head {
            self.back_to_live();
            return;
        }
        let Some(snap) = self.snapshots.iter().rev().find(|s| s.at <= target) else { return };
        let Some(mut c) = snap.console.snapshot() else { return };
        let log = self.live.as_ref().unwrap_or(&self.console).log();
        c.catch_up(log, target);
        let shown = std::mem::replace(&mut self.console, c);
        if self.live.is_none() {
            self.live = Some(shown);
        }
        self.playing = false;
        self.trace_cursor = self.console.sim().trace.next_index();
        self.flights.clear();
        self.notice = Some(format!(
            "You are looking at {} — {} before the live moment. Press Play or type a command to continue from here: the later future will be discarded.",
            crate::ui::context::fmt_clock(self.now().as_ms()),
            fmt_gap(head.as_ms().saturating_sub(self.now().as_ms()))
        ));
        self.publish();
    }

    pub fn back_to_live(&mut self) {
        if let Some(live) = self.live.take() {
            self.console = live;
            self.notice = None;
            self.trace_cursor = self.console.sim().trace.next_index();
            self.publish();
        }
    }

    /// Acting on the past: that moment becomes the present, the old future is gone.
    fn fork_if_past(&mut self) {
        if self.live.take().is_some() {
            let now = self.now();
            self.snapshots.retain(|s| s.at <= now);
            self.snapshots_pub = Rc::new(self.snapshots.iter().map(|s| s.at.as_ms()).collect());
            self.feed.retain(|f| f.at_ms <= now.as_ms());
            self.feed_dirty = true;
            self.samples.retain(|s| s.at_s <= now.as_ms() / 1000);
            self.samples_pub = Rc::new(self.samples.iter().cloned().collect());
            let at = crate::ui::context::fmt_clock(now.as_ms());
            self.notice = Some(format!("A new future starts at {at}: what happened after it was discarded."));
            self.push_term(TermStream::Note, format!("# timeline forked at {at}; the old future was discarded"));
        }
    }

    pub fn viewing_past(&self) -> bool {
        self.live.is_some()
    }

    /// A fresh cluster like the current one (same seed and config), paused state kept.
    pub fn reset(&mut self) -> Result<(), String> {
        let console = Console::new(self.console.seed(), self.console.config().clone())?;
        self.replace_console(console);
        self.lesson = None;
        self.lesson_pub = None;
        self.note("# a fresh cluster (same seed and configuration)");
        self.publish();
        Ok(())
    }

    // ---------------- the console ----------------

    /// Runs a command typed (or chosen by pointing): echoed like a terminal, output appended.
    pub fn command(&mut self, line: &str) {
        self.fork_if_past();
        self.push_term(TermStream::Command, line.to_string());
        let trimmed = line.trim();
        if trimmed == "clear" {
            self.terminal.clear();
            self.terminal_dirty = true;
            self.publish();
            return;
        }
        if trimmed.is_empty() {
            self.publish();
            return;
        }
        if let Some(Err(why)) = self.lesson.as_ref().map(|l| l.permits(line)) {
            self.push_term(TermStream::Stderr, format!("lesson: {why}"));
            self.publish();
            return;
        }
        match crate::console::session::parse_line(line) {
            Err(msg) => self.push_term(TermStream::Stderr, msg),
            Ok(item) => match self.console.start(&item) {
                Started::Done(out) => self.print(&out),
                Started::Job => {
                    let out = self.console.take_output();
                    self.print(&out);
                }
            },
        }
        self.collect_trace(0);
        self.publish();
    }

    pub fn job_input(&mut self, line: &str) {
        self.push_term(TermStream::Command, format!(">{line}"));
        self.console.job_input(line);
        let out = self.console.take_output();
        self.print(&out);
        self.publish();
    }

    pub fn interrupt(&mut self) {
        if self.console.job_running() {
            self.console.job_interrupt();
            let out = self.console.take_output();
            self.print(&out);
        } else {
            self.push_term(TermStream::Command, "^C".into());
        }
        self.publish();
    }

    pub fn eof(&mut self) {
        if self.console.job_running() {
            self.console.job_eof();
            let out = self.console.take_output();
            self.print(&out);
            self.publish();
        }
    }

    pub fn clear_terminal(&mut self) {
        self.terminal.clear();
        self.terminal_dirty = true;
        self.publish();
    }

    pub fn complete(&self, partial: &str) -> Vec<String> {
        self.console.complete(partial)
    }

    fn push_term(&mut self, stream: TermStream, text: String) {
        let seq = self.next_seq();
        self.terminal.push_back(Rc::new(TermLine { seq, stream, text }));
        while self.terminal.len() > TERM_CAP {
            self.terminal.pop_front();
        }
        self.terminal_dirty = true;
    }

    fn print(&mut self, out: &Output) {
        for (stream, line) in out.lines() {
            // A tool's bare `>` prompt is what the input line already shows.
            if line == ">" && stream != Stream::Stderr {
                continue;
            }
            let stream = if stream == Stream::Stderr { TermStream::Stderr } else { TermStream::Stdout };
            self.push_term(stream, line);
        }
    }

    // ---------------- the trace ----------------

    /// Reads new trace events: sentences for the feed, dots for the diagram, chart counters.
    fn collect_trace(&mut self, wall_now_ms: u64) -> bool {
        let from = self.trace_cursor;
        let next = self.console.sim().trace.next_index();
        if next == from {
            return false;
        }
        let tenths = speed_tenths(self.speed_log);
        // Time on screen for a flight: the simulated second at this speed, but never shorter
        // than a person can follow nor longer than the next one needs.
        let dur = (15_000 / tenths).clamp(450, 2000) as u32;
        let mut feed = Vec::new();
        let mut flights = Vec::new();
        let (mut produced, mut consumed, mut errors) = (0u64, 0u64, 0u64);
        for e in self.console.sim().trace.since(from) {
            match &e.kind {
                TraceKind::Sent { id, from, to, api, response, .. } => {
                    let heartbeat = api.contains("Heartbeat") || api.contains("FetchSnapshot");
                    // Controller-to-controller metadata replication is constant noise: shown
                    // only when nothing else is moving.
                    let quorum = matches!((from, to), (NodeAddr::Controller(_), NodeAddr::Controller(_)));
                    if !quorum || flights.is_empty() {
                        // Label requests only, and not the constant metadata-log fetches:
                        // a label on every dot is unreadable.
                        let quiet = *response || heartbeat || api.contains("__cluster_metadata");
                        flights.push(Flight {
                            id: *id,
                            from: *from,
                            to: *to,
                            label: if quiet { String::new() } else { api.to_string() },
                            response: *response,
                            error: false,
                            duration_ms: if heartbeat { dur.min(700) } else { dur },
                            started_ms: wall_now_ms,
                        });
                    }
                }
                TraceKind::ProduceAcked { count, .. } => produced += u64::from(*count),
                TraceKind::Consumed { count, .. } => consumed += u64::from(*count),
                TraceKind::ProduceFailed { .. } | TraceKind::ClientError { .. } => errors += 1,
                _ => {}
            }
            if let Some(text) = describe_event(e) {
                let kind = match &e.kind {
                    TraceKind::Check(Finding::LostWrite { .. }) => FeedKind::Finding,
                    TraceKind::Check(f) if !f.is_expected_under(true) => FeedKind::Finding,
                    TraceKind::Check(_) => FeedKind::Warning,
                    TraceKind::LeaderElected { reason: ElectionReason::Unclean, .. } => FeedKind::Finding,
                    TraceKind::BrokerFenced { .. }
                    | TraceKind::PartitionOffline { .. }
                    | TraceKind::IsrShrunk { .. }
                    | TraceKind::ProcessCrashed { .. }
                    | TraceKind::Truncated { .. }
                    | TraceKind::ProduceFailed { .. }
                    | TraceKind::ClientError { .. } => FeedKind::Warning,
                    _ => FeedKind::Info,
                };
                feed.push((e.at.as_ms(), text, kind));
            }
        }
        self.trace_cursor = next;
        self.counters.0 += produced;
        self.counters.1 += consumed;
        self.counters.2 += errors;
        if !feed.is_empty() {
            for (at_ms, text, kind) in feed {
                let seq = self.next_seq();
                self.feed.push_back(Rc::new(FeedItem { seq, at_ms, text, kind }));
            }
            while self.feed.len() > FEED_CAP {
                self.feed.pop_front();
            }
            self.feed_dirty = true;
        }
        // Keep the most recent flights only (a busy cluster sends thousands a second).
        let skip = flights.len().saturating_sub(FLIGHT_CAP);
        self.flights.extend(flights.into_iter().skip(skip));
        let over = self.flights.len().saturating_sub(FLIGHT_CAP);
        self.flights.drain(..over);
        true
    }

    fn sample(&mut self) {
        let s = self.now().as_ms() / 1000;
        if s <= self.last_sample_s && !self.samples.is_empty() {
            return;
        }
        self.last_sample_s = s;
        let v = &self.view;
        let (mut isr_total, mut replicas_total, mut urp) = (0u32, 0u32, 0u32);
        for t in v.topics.iter().filter(|t| !t.internal) {
            for p in t.partitions.iter() {
                isr_total += p.isr.len() as u32;
                replicas_total += p.replicas.len() as u32;
                if p.under_replicated() {
                    urp += 1;
                }
            }
        }
        let lag = v.groups.iter().map(|g| g.total_lag()).sum();
        let lag_by_group = v.groups.iter().map(|g| (g.id.clone(), g.total_lag())).collect();
        let (produced, consumed, errors) = self.counters;
        self.counters = (0, 0, 0);
        self.samples.push_back(Sample {
            at_s: s,
            produced,
            consumed,
            lag,
            lag_by_group,
            isr_total,
            replicas_total,
            under_replicated: urp,
            errors,
        });
        while self.samples.len() > SAMPLES_CAP {
            self.samples.pop_front();
        }
        self.samples_pub = Rc::new(self.samples.iter().cloned().collect());
    }

    // ---------------- publishing ----------------

    /// Rebuilds what the components see. Parts that did not change keep their `Rc`.
    pub fn publish(&mut self) {
        self.view = Rc::new(ViewModel::build(self.console.sim()));
        self.flights_pub = Rc::new(self.flights.clone());
        if self.feed_dirty {
            self.feed_pub = Rc::new(self.feed.iter().cloned().collect());
            self.feed_dirty = false;
        }
        if self.terminal_dirty {
            self.terminal_pub = Rc::new(self.terminal.iter().cloned().collect());
            self.terminal_dirty = false;
        }
        if self.history_pub.len() != self.console.history().len()
            || self.history_pub.last().map(|s| s.as_str()) != self.console.history().last().map(|s| s.as_str())
        {
            self.history_pub = Rc::new(self.console.history().to_vec());
        }
        let detail = self.selection.as_ref().map(|s| Rc::new(inspect(self.console.sim(), &self.view, s)));
        self.published = Some(Rc::new(Published {
            view: self.view.clone(),
            flights: self.flights_pub.clone(),
            feed: self.feed_pub.clone(),
            samples: self.samples_pub.clone(),
            terminal: self.terminal_pub.clone(),
            history: self.history_pub.clone(),
            detail,
            selection: self.selection.clone(),
            menu: self.menu.clone(),
            focus: self.focus.clone().map(AttrValue::from),
            notice: self.notice.clone().map(AttrValue::from),
            playing: self.playing,
            speed_log: self.speed_log,
            now_ms: self.now().as_ms(),
            head_ms: self.head().as_ms(),
            viewing_past: self.live.is_some(),
            behind: self.behind,
            job_running: self.console.job_running(),
            snapshots: self.snapshots_pub.clone(),
            lesson: self.lesson_pub.clone(),
            saving: self.saving.clone().into(),
            saved_at: self.saved_at,
            lessons_done: self.lessons_done_pub.clone(),
            linked: self.linked,
            shared_link: self.shared_link.clone().map(AttrValue::from),
        }));
    }

    // ---------------- lessons ----------------

    /// Swaps in another console (a lesson's start, a reset step, an undo): the timeline,
    /// feed and charts start again from it; the terminal keeps its lines.
    fn replace_console(&mut self, console: Console) {
        self.live = None;
        self.console = console;
        self.snapshots.clear();
        self.snapshot();
        self.trace_cursor = self.console.sim().trace.next_index();
        self.flights.clear();
        self.feed.clear();
        self.feed_dirty = true;
        self.samples.clear();
        self.samples_pub = Rc::new(Vec::new());
        self.last_sample_s = 0;
        self.selection = None;
        self.menu = None;
        self.notice = None;
        self.view = Rc::new(ViewModel::build(self.console.sim()));
    }

    /// Starts the lesson `id` on a fresh cluster of its own.
    pub fn start_lesson(&mut self, id: &str) -> Result<(), String> {
        let lesson = find(id).ok_or_else(|| format!("there is no lesson called {id:?}"))?;
        self.start_lesson_from(&lesson)
    }

    /// Starts a lesson given as data (a shared draft).
    pub fn start_lesson_from(&mut self, lesson: &crate::lessons::Lesson) -> Result<(), String> {
        let lesson = lesson.clone();
        let (run, console) = LessonRun::start(&lesson)?;
        self.replace_console(console);
        self.lesson = Some(run);
        self.lesson_notes.clear();
        self.focus = None;
        self.playing = true;
        self.push_term(TermStream::Note, format!("# lesson: {}", lesson.title));
        self.refresh_lesson();
        self.publish();
        Ok(())
    }

    /// Publishes `lessons_done` again after it changed.
    pub fn refresh_lessons_done(&mut self) {
        self.lessons_done_pub = Rc::new(self.lessons_done.iter().cloned().collect());
    }

    /// A lesson resumed from saved progress.
    pub fn resume_lesson(&mut self, run: LessonRun, console: Console) {
        self.replace_console(console);
        self.push_term(TermStream::Note, format!("# welcome back: lesson {} resumed", run.lesson().title));
        self.lesson = Some(run);
        self.refresh_lesson();
        self.publish();
    }

    /// A saved or shared session: the sandbox becomes it.
    pub fn restore_console(&mut self, console: Console) {
        self.replace_console(console);
        self.lesson = None;
        self.lesson_pub = None;
        self.publish();
    }

    /// Leaves the lesson for the free sandbox (the first-visit cluster).
    pub fn open_sandbox(&mut self) -> Result<(), String> {
        let console = Console::new(self.console.seed(), crate::sim::world::ClusterConfig::default())?;
        self.replace_console(console);
        self.lesson = None;
        self.lesson_pub = None;
        self.run_setup(DEMO);
        self.note("# the free sandbox: anything goes");
        self.publish();
        Ok(())
    }

    /// Demo lines play one by one; goals are checked a few times a second.
    fn lesson_tick(&mut self, wall_now_ms: u64) -> bool {
        let Some(run) = self.lesson.as_mut() else { return false };
        if let Phase::Demo { .. } = run.phase() {
            if !self.playing || wall_now_ms < self.last_demo_ms + 1800 {
                return false;
            }
            self.last_demo_ms = wall_now_ms;
            if let Some((line, result)) = run.demo_next(&mut self.console) {
                if let Some(c) = line.caption {
                    self.push_term(TermStream::Note, format!("# {c}"));
                }
                self.push_term(TermStream::Command, result.text.clone());
                self.print(&result.output);
            }
            self.refresh_lesson();
            return true;
        }
        if wall_now_ms < self.last_check_ms + 250 {
            return false;
        }
        self.last_check_ms = wall_now_ms;
        self.refresh_lesson()
    }

    /// Re-evaluates the goals; returns whether what the panel shows changed.
    fn refresh_lesson(&mut self) -> bool {
        let Some(run) = self.lesson.as_mut() else { return false };
        let goals = run.check(&self.console);
        let lesson = run.lesson();
        let done = matches!(run.phase(), Phase::Done);
        let step = match run.phase() {
            Phase::Demo { .. } => None,
            Phase::Step(k) => Some(*k),
            Phase::Done => Some(lesson.steps.len()),
        };
        let next_lesson = if done {
            let cat = catalogue();
            let i = cat.iter().position(|e| e.id == lesson.id);
            i.and_then(|i| cat.get(i + 1)).map(|e| (e.id.clone(), e.title.clone()))
        } else {
            None
        };
        let view = LessonView {
            id: lesson.id.clone(),
            title: lesson.title.clone(),
            intro: lesson.intro.clone(),
            steps: lesson.steps.iter().map(|s| s.title.clone()).collect(),
            completed: run.completed().to_vec(),
            step,
            demo_caption: run.demo_peek().and_then(|d| d.caption.clone()),
            step_text: run.step().map(|s| s.text.clone()).unwrap_or_default(),
            goals,
            hints_left: run.step().map(|s| s.hints.len() > run.hints_shown().len()).unwrap_or(false),
            notes: self.lesson_notes.clone(),
            done,
            real_cluster: if done { lesson.real_cluster.clone() } else { String::new() },
            next_lesson,
        };
        if self.lesson_pub.as_deref() == Some(&view) {
            return false;
        }
        self.lesson_pub = Some(Rc::new(view));
        true
    }

    /// The lesson panel's buttons.
    pub fn lesson_action(&mut self, action: LessonAction) {
        let Some(run) = self.lesson.as_mut() else { return };
        let result: Result<Option<Console>, String> = match action {
            LessonAction::SkipDemo => {
                run.skip_demo(&mut self.console);
                let _ = self.console.take_output();
                Ok(None)
            }
            LessonAction::Next => match run.advance(&self.console) {
                Ok(Advanced::Finished) => {
                    self.lessons_done.insert(run.lesson().id.clone());
                    self.refresh_lessons_done();
                    Ok(None)
                }
                Ok(Advanced::Step(_)) => {
                    self.lesson_notes.clear();
                    Ok(None)
                }
                Err(e) => Err(e),
            },
            LessonAction::Hint => {
                match run.hint() {
                    Some(h) => self.lesson_notes.push(format!("Hint: {h}")),
                    None => self.lesson_notes.push("No more hints for this step.".into()),
                }
                Ok(None)
            }
            LessonAction::Solution => run.reveal_solution(&self.console).map(|s| {
                self.lesson_notes.push(format!("Solution:\n{}", s.trim_end()));
                None
            }),
            LessonAction::ResetStep => run.reset_step(&self.console).map(Some),
            LessonAction::Undo => run
                .undo(&self.console)
                .and_then(|c| c.ok_or_else(|| "nothing to undo in this step".to_string()).map(Some)),
            LessonAction::GoToStep(k) => run.go_to_step(k, &self.console).map(|c| {
                self.lesson_notes.clear();
                Some(c)
            }),
        };
        match result {
            Ok(Some(console)) => {
                self.replace_console(console);
                self.push_term(
                    TermStream::Note,
                    "# the cluster is back where the step began (or before your last command)".into(),
                );
            }
            Ok(None) => {}
            Err(e) => self.lesson_notes.push(e),
        }
        self.refresh_lesson();
        self.publish();
    }

    pub fn published(&mut self) -> Rc<Published> {
        if self.published.is_none() {
            self.publish();
        }
        self.published.clone().expect("published above")
    }
}

fn fmt_gap(ms: u64) -> String {
    if ms >= 60_000 {
        format!("{} min {} s", ms / 60_000, (ms % 60_000) / 1000)
    } else {
        format!("{}.{} s", ms / 1000, (ms % 1000) / 100)
    }
}
