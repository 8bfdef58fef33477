//! The learner's session without a browser: the console (and through it the engine),
//! simulated time and its mapping to the wall clock, the recorded timeline with its forks,
//! the explained event feed, chart samples, the lesson being followed, and when to save.
//!
//! One entry point in the spirit of crux: the page reports what happened as an [`Event`]
//! (a typed line, a click, a frame tick with its wall time, a store's reply) to
//! [`Lab::update`], carries out the [`Effect`]s it returns (save, copy, download, open the
//! store), and draws [`Lab::view`]. Nothing here touches the DOM, so all of it is tested
//! natively.

pub mod actions;
pub(crate) mod charts;
pub mod diagram;
pub(crate) mod feed;
pub(crate) mod journal;
pub(crate) mod lesson;
pub mod metrics;
pub mod overview;
pub mod persist;
pub mod request_kind;
pub(crate) mod terminal;
pub(crate) mod timeline;
pub mod view;

use crate::console::complete::Completion;
use crate::console::session::Console;
use crate::console::typing::{Mode, Prompt, Typed};
use crate::lessons::{find, Lesson, LessonRun};
use crate::scenario::link::{fragment_for, parse_fragment, Fragment};
use crate::scenario::{json, real_kafka, Scenario};
use crate::sim::time::SimTime;
use crate::sim::view::inspect::inspect;
use crate::sim::view::ViewModel;
use crate::sim::world::ClusterConfig;
use charts::Charts;
use feed::Feed;
use journal::{Journal, JournalWrite};
pub use lesson::LessonAction;
use lesson::LessonPanel;
use persist::{Persist, Restored, SaveSet, Saved, StoreStatus};
use std::rc::Rc;
use terminal::Transcript;
use timeline::Timeline;
use view::{fmt_clock, fmt_gap, speed_tenths, Notice, NoticeKind, TermStream};
pub use view::{LabView, Selection};

/// The seed of the first-visit cluster (any seed works; this one is what newcomers see).
pub(crate) const DEMO_SEED: u64 = 1;

/// The first-visit cluster: something is already happening (a topic, a steady producer and a
/// consumer group reading it), built from console commands so it replays and shares like
/// anything the learner types.
pub(crate) const DEMO: &[&str] = &[
    "kafka-topics --bootstrap-server localhost:9092 --create --topic orders --partitions 3 --replication-factor 3",
    "producer start checkout --topic orders --rate 4/s --keys alice,bob,carol,dave",
    "consumer start billing-1 --group billing --topic orders",
    "consumer start billing-2 --group billing --topic orders",
];

/// The `?bench=ui` cluster of the performance goal: 6 brokers, 3 topics × 12 partitions with
/// RF 3, 10 clients (8 producers, 2 consumers in a group).
pub(crate) const BENCH: &[&str] = &[
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

/// The welcome line of a fresh page.
pub const WELCOME: &str = "Welcome to Brokerlab: a live Kafka cluster. Type `help`, or a Kafka tool like `kafka-topics --bootstrap-server localhost:9092 --list`.";

/// The `?bench=ui-large` cluster of the performance goal at scale: 10 brokers, 4 topics × 50
/// partitions (200) with RF 3, 20 clients (16 producers, 4 consumers in two groups).
pub(crate) const BENCH_LARGE: &[&str] = &[
    "kafka-topics --bootstrap-server localhost:9092 --create --topic orders --partitions 50 --replication-factor 3",
    "kafka-topics --bootstrap-server localhost:9092 --create --topic payments --partitions 50 --replication-factor 3",
    "kafka-topics --bootstrap-server localhost:9092 --create --topic clicks --partitions 50 --replication-factor 3",
    "kafka-topics --bootstrap-server localhost:9092 --create --topic audit --partitions 50 --replication-factor 3",
    "producer start p1 --topic orders --rate 50/s --keys a,b,c,d,e,f",
    "producer start p2 --topic orders --rate 50/s",
    "producer start p3 --topic orders --rate 20/s --producer-property acks=1",
    "producer start p4 --topic orders --rate 20/s",
    "producer start p5 --topic payments --rate 40/s --keys x,y,z",
    "producer start p6 --topic payments --rate 40/s",
    "producer start p7 --topic payments --rate 20/s --producer-property acks=1",
    "producer start p8 --topic payments --rate 20/s",
    "producer start p9 --topic clicks --rate 100/s",
    "producer start p10 --topic clicks --rate 100/s --keys u1,u2,u3,u4",
    "producer start p11 --topic clicks --rate 50/s",
    "producer start p12 --topic clicks --rate 50/s",
    "producer start p13 --topic audit --rate 20/s",
    "producer start p14 --topic audit --rate 20/s --keys k1,k2",
    "producer start p15 --topic audit --rate 10/s",
    "producer start p16 --topic audit --rate 10/s --producer-property acks=1",
    "consumer start c1 --group analytics --topic clicks",
    "consumer start c2 --group analytics --topic clicks",
    "consumer start c3 --group billing --topic orders",
    "consumer start c4 --group billing --topic orders",
];

/// A benchmark cluster the page can open with (`?bench=ui`, `?bench=ui-large`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum BenchCluster {
    /// 6 brokers, 3 topics × 12 partitions RF 3, 10 clients.
    Ui,
    /// 10 brokers, 200 partitions RF 3, 20 clients.
    UiLarge,
}

impl BenchCluster {
    /// The benchmark a page's query string asks for (`?bench=ui-large`, `?bench=ui`).
    pub fn from_query(query: &str) -> Option<BenchCluster> {
        let q = query.trim_start_matches('?');
        q.split('&').find_map(|kv| match kv {
            "bench=ui" => Some(BenchCluster::Ui),
            "bench=ui-large" => Some(BenchCluster::UiLarge),
            _ => None,
        })
    }

    /// The cluster in words, for the figures the benchmark prints.
    pub fn describe(self) -> &'static str {
        match self {
            BenchCluster::Ui => "6 brokers, 3 topics x 12 partitions RF 3, 10 clients",
            BenchCluster::UiLarge => "10 brokers, 4 topics x 50 partitions (200) RF 3, 20 clients",
        }
    }

    fn brokers(self) -> u32 {
        match self {
            BenchCluster::Ui => 6,
            BenchCluster::UiLarge => 10,
        }
    }

    fn setup(self) -> &'static [&'static str] {
        match self {
            BenchCluster::Ui => BENCH,
            BenchCluster::UiLarge => BENCH_LARGE,
        }
    }
}

/// Where the page was opened from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Boot {
    /// The address's fragment (`#s=…`, `#lesson=…`, `#draft=…`, or "").
    pub hash: String,
    /// `?bench=ui` or `?bench=ui-large`: a benchmark cluster, nothing saved.
    pub bench: Option<BenchCluster>,
    /// The page's address without its fragment (share links start with it).
    pub base_url: String,
}

/// What the page reports.
#[derive(Clone, Debug)]
pub enum Event {
    /// An animation frame: the wall clock now and since the last frame (ms).
    Frame {
        wall_ms: f64,
        dt_ms: u64,
    },
    TogglePlay,
    /// Pause (the learner starts dragging the timeline: the live head must stand still).
    Pause,
    /// On to the next moment something happens in the cluster, then pause; the view's
    /// `step_report` says what happened.
    Step,
    /// Speed on a log scale in tenths of a decade: -10 (0.1×) … 0 (1×) … 20 (100×).
    SetSpeedLog(i32),
    /// Show an earlier moment of the recorded timeline (simulated ms).
    Seek(u64),
    /// Back to the live head of the timeline.
    BackToLive,
    Reset,
    /// A line typed at the console's prompt (a command, a continuation line, or a line for
    /// the running tool: the console decides, see [`crate::console::typing`]).
    Typed(String),
    /// A command chosen by pointing (an action of a menu): typed at the shell prompt, so it
    /// shows in the console and its history. Refused while a tool runs or a command is
    /// being continued.
    Command(String),
    /// Ctrl-C.
    Interrupt,
    /// Ctrl-D.
    Eof,
    ClearConsole,
    Select(Option<Selection>),
    Menu(Option<Selection>),
    /// Show one topic only (scale), or every topic.
    Focus(Option<String>),
    DismissNotice,
    /// Chart a metric of the metrics panel over simulated time, or stop charting it:
    /// (node, metric name), e.g. (`broker 1`, `UnderReplicatedPartitions`).
    ChartMetric(metrics::MetricKey),
    StartLesson(String),
    OpenSandbox,
    Lesson(LessonAction),
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
    /// This tab is read-only (another tab saves the session): make it the one that saves.
    TakeOver,
    /// The store's saving status changed (another tab took over, or this one did).
    StoreStatus(StoreStatus),
    /// Download the sandbox as a lesson draft.
    DraftLesson,
    /// Copy a link that opens the sandbox as a lesson draft.
    DraftLink,
    /// The store opened (or not), with what it held when asked to restore.
    StoreOpened {
        status: StoreStatus,
        loaded: Result<Option<Box<Saved>>, String>,
    },
    /// A save finished: the simulated ms it saved, or why it failed.
    Saved(Result<u64, String>),
    /// The page is being hidden or left (`visibilitychange` hidden, `pagehide`): the journal
    /// writes the moment of leaving.
    Leave,
    /// A journal write failed (why).
    JournalFailed(String),
    /// An effect could not be carried out (a download refused by the browser…).
    Failed(String),
}

/// What the page must do.
#[must_use]
#[derive(Clone, Debug)]
pub enum Effect {
    /// Open the browser's store; with `restore`, read the saved session and answer with
    /// [`Event::StoreOpened`].
    OpenStore { restore: bool },
    /// Write this save point; answer with [`Event::Saved`] carrying `at_ms`.
    Save { set: Box<SaveSet>, at_ms: u64 },
    /// Make this tab the one that saves (a Web Lock stolen from the other tab); answer with
    /// [`Event::StoreStatus`].
    TakeOver,
    /// Append to the command journal ([`journal`]) now; answer only a failure, with
    /// [`Event::JournalFailed`].
    Journal(Box<JournalWrite>),
    /// Keep the moment of leaving ([`journal::LeaveMark::encode`]) synchronously, before
    /// the page goes (`localStorage`); read back into [`Saved::leave`] on the next load.
    KeepLeave(String),
    /// Put text on the clipboard.
    Copy(String),
    /// Offer a file download.
    Download { name: &'static str, mime: &'static str, text: String },
}

/// A wall clock in ms (the frame budget is measured with it).
pub(crate) type Clock = Box<dyn Fn() -> f64>;

/// The session.
pub struct Lab {
    console: Console,
    playing: bool,
    speed_log: i32,
    selection: Option<Selection>,
    menu: Option<Selection>,
    focus: Option<String>,
    notice: Option<String>,
    behind: bool,
    model: Rc<ViewModel>,
    feed: Feed,
    charts: Charts,
    metrics: metrics::Metrics,
    term: Transcript,
    history: Rc<Vec<String>>,
    timeline: Timeline,
    lesson: LessonPanel,
    persist: Persist,
    journal: Journal,
    saved_at: Option<u64>,
    linked: bool,
    shared_link: Option<String>,
    embed: bool,
    boot_error: Option<String>,
    base_url: String,
    trace_cursor: u64,
    clock: Clock,
    /// Work allowed per frame for the simulation (ms of the wall clock).
    budget_ms: f64,
    /// Simulated time (µs) the last frames ran out of budget for, run by the next ones.
    owed_us: u64,
    /// The wall clock of the last frame (ms): dots drawn now start from it.
    last_wall_ms: u64,
    /// What the last Step did, in words (cleared when time plays on).
    step_report: Option<String>,
    /// The notice shown is news, not a warning (a link copied, a file offered).
    notice_info: Option<String>,
    published: Option<Rc<LabView>>,
    /// What the last frame cost (ms of the wall clock): advancing the simulation and reading
    /// its trace, then publishing the view. The `?bench=ui` figures split our work with it.
    frame_cost: FrameCost,
    /// Which share of the view the next spread frame refreshes ([`ViewModel::spread`]).
    view_turn: u64,
    /// The frame being run printed to the console (something happened: the whole view is rebuilt).
    frame_printed: bool,
}

/// Wall-clock time (ms) a frame may spend advancing the simulation: with the view, Yew's
/// patch and the canvas the page's own work stays within 4 ms of the 16.7 ms frame, the rest
/// is the browser's style, layout and paint.
const FRAME_BUDGET_MS: f64 = 2.0;

/// A frame advances at most 1/SLICES of what it owes before looking at the clock.
const SLICES: u64 = 8;

/// Frames' worth of simulated time the simulation may owe before it drops time instead.
const OWED_FRAMES: u64 = 4;

/// Frames shorter than this (the page's, ~16 ms) spread the view's refresh over
/// [`crate::sim::view::model::SPREAD_FRAMES`] frames; longer ones (a slow device, the tests'
/// 100 ms steps) rebuild it whole.
const SPREAD_BELOW_MS: u64 = 50;

/// Where the last [`Event::Frame`] spent its time, in ms of the lab's clock.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct FrameCost {
    /// Advancing the simulation, reading its trace into the feed and charts, lesson checks.
    pub simulate_ms: f64,
    /// Rebuilding what the page sees ([`LabView`]).
    pub publish_ms: f64,
}

impl Lab {
    /// A lab on a fresh cluster (no demo, nothing saved).
    pub fn new(seed: u64, config: ClusterConfig, clock: Clock) -> Result<Lab, String> {
        let console = Console::new(seed, config)?;
        Ok(Lab::with_console(console, clock))
    }

    fn with_console(console: Console, clock: Clock) -> Lab {
        let model = Rc::new(ViewModel::build(console.sim()));
        let trace_cursor = console.sim().trace().next_index();
        let mut lab = Lab {
            console,
            playing: true,
            speed_log: 0,
            selection: None,
            menu: None,
            focus: None,
            notice: None,
            behind: false,
            model,
            feed: Feed::default(),
            charts: Charts::default(),
            metrics: metrics::Metrics::default(),
            term: Transcript::default(),
            history: Rc::new(Vec::new()),
            timeline: Timeline::default(),
            lesson: LessonPanel::default(),
            persist: Persist::new(false),
            journal: Journal::default(),
            saved_at: None,
            linked: false,
            shared_link: None,
            embed: false,
            boot_error: None,
            base_url: String::new(),
            trace_cursor,
            clock,
            budget_ms: FRAME_BUDGET_MS,
            owed_us: 0,
            last_wall_ms: 0,
            step_report: None,
            notice_info: None,
            published: None,
            frame_cost: FrameCost::default(),
            view_turn: 0,
            frame_printed: false,
        };
        lab.timeline.snapshot(&lab.console);
        lab
    }

    /// The page as opened from `boot`: the first-visit cluster (or the benchmark's), then
    /// whatever the link asks for, with a notice when the link cannot be honoured. The
    /// effects open the store (and restore the saved sandbox unless a link chose what to
    /// show). Fails only if even the default cluster cannot start.
    pub fn boot(boot: Boot, clock: Clock) -> Result<(Lab, Vec<Effect>), String> {
        let mut linked = false;
        if let Some(bench) = boot.bench {
            let cfg = ClusterConfig { brokers: bench.brokers(), ..ClusterConfig::default() };
            let mut lab = match Lab::new(7, cfg, Box::new(|| 0.0)) {
                Ok(lab) => lab,
                Err(e) => {
                    let mut lab = Lab::demo()?;
                    lab.boot_error = Some(format!("The benchmark cluster could not start: {e}"));
                    lab
                }
            };
            lab.clock = clock;
            lab.base_url = boot.base_url;
            lab.run_setup(bench.setup());
            return Ok((lab, Vec::new()));
        }
        let mut lab = Lab::demo()?;
        lab.clock = clock;
        lab.base_url = boot.base_url;
        let hash = boot.hash.as_str();
        match crate::lessons::draft::lesson_from_draft_fragment(hash) {
            Some(Ok(lesson)) => {
                linked = true;
                if let Err(err) = lab.start_lesson_from(&lesson) {
                    lab.notice = Some(format!("This lesson draft could not start: {err}"));
                }
            }
            Some(Err(err)) => {
                lab.notice = Some(format!("This lesson draft link could not be opened: {}", sentence(&err)))
            }
            None => {}
        }
        let fragment = if hash.starts_with("#draft=") { Ok(Fragment::Sandbox) } else { parse_fragment(hash) };
        match fragment {
            Ok(Fragment::Sandbox) => {}
            Ok(Fragment::Lesson { id, embed }) => {
                lab.embed = embed;
                if let Err(err) = lab.start_lesson(&id) {
                    lab.notice = Some(format!("This link names a lesson Brokerlab does not have: {err}"));
                }
            }
            Ok(Fragment::Scenario { scenario, embed }) => {
                lab.embed = embed;
                match scenario.replay() {
                    Ok(console) => {
                        lab.restore_console(console);
                        linked = true;
                        lab.linked = !embed;
                        // An embed can keep nothing: it says only what a reader must know.
                        let mut msg = if embed {
                            String::new()
                        } else {
                            "You opened a shared scenario. Your own saved sandbox is untouched: choose \"Keep as my sandbox\" to make this one your sandbox.".to_string()
                        };
                        if let Some(note) = scenario.engine_note() {
                            msg = format!("{msg} {note}").trim().to_string();
                        }
                        if !msg.is_empty() {
                            lab.inform(msg);
                        }
                    }
                    Err(err) => lab.notice = Some(format!("This link's scenario could not be replayed: {err}")),
                }
            }
            Err(err) => {
                lab.notice = Some(format!(
                    "This link could not be opened: {} Your saved sandbox is shown instead.",
                    sentence(&err.to_string())
                ));
            }
        }
        lab.note(WELCOME);
        lab.persist.enabled = !lab.embed && !linked;
        let _ = lab.publish();
        let effects = if lab.embed { Vec::new() } else { vec![Effect::OpenStore { restore: !linked }] };
        Ok((lab, effects))
    }

    /// The first-visit cluster.
    fn demo() -> Result<Lab, String> {
        let mut lab = Lab::new(DEMO_SEED, ClusterConfig::default(), Box::new(|| 0.0))?;
        lab.run_setup(DEMO);
        Ok(lab)
    }

    /// Runs console commands silently (the demo, the benchmark set-up): they go into the
    /// command log and history like typed ones, so links and reloads reproduce them.
    pub(crate) fn run_setup(&mut self, lines: &[&str]) {
        for line in lines {
            let _ = self.console.type_line(line, Mode::Script, &crate::console::typing::open_gate);
        }
        let _ = self.console.take_output();
        self.read_trace(0);
        let _ = self.publish();
    }

    /// Shows `text` as news, not as a warning.
    fn inform(&mut self, text: impl Into<String>) {
        let text = text.into();
        self.notice_info = Some(text.clone());
        self.notice = Some(text);
    }

    /// A line of Brokerlab's own in the console.
    pub(crate) fn note(&mut self, text: &str) {
        self.term.push(TermStream::Note, text.to_string());
    }

    pub fn console(&self) -> &Console {
        &self.console
    }

    pub fn now(&self) -> SimTime {
        self.console.sim().now()
    }

    /// The latest moment recorded (the live head).
    pub(crate) fn head(&self) -> SimTime {
        self.timeline.head(&self.console)
    }

    pub(crate) fn viewing_past(&self) -> bool {
        self.timeline.viewing_past()
    }

    /// Tab pressed on what is typed so far: the completed line and the candidates to list.
    pub fn complete(&self, partial: &str) -> Completion {
        self.console.tab(partial)
    }

    /// The lesson being followed.
    pub fn lesson_run(&self) -> Option<&LessonRun> {
        self.lesson.run.as_ref()
    }

    // ------------------------------------------------------------------ the entry point

    /// Takes what the page reports; returns what it must do.
    pub fn update(&mut self, event: Event) -> Vec<Effect> {
        let mut effects = Vec::new();
        match event {
            Event::Frame { wall_ms, dt_ms } => {
                let started = (self.clock)();
                let feed_before = self.feed.seq();
                self.frame_printed = false;
                let changed = self.frame(wall_ms, dt_ms);
                let simulated = (self.clock)();
                if changed {
                    // Only numbers moved (nothing the feed reports, nothing printed): a share
                    // of the view is refreshed, the rest kept, so each frame re-renders little.
                    let spread = dt_ms < SPREAD_BELOW_MS && self.feed.seq() == feed_before && !self.frame_printed;
                    let _ = self.publish_with(spread);
                }
                self.frame_cost =
                    FrameCost { simulate_ms: simulated - started, publish_ms: (self.clock)() - simulated };
                effects.extend(self.journal_effect(false));
                if self.persist.due(&self.console, self.viewing_past(), wall_ms) {
                    self.persist.busy = true;
                    let set = self.persist.save_set(&self.console, self.lesson.run.as_ref(), self.ui_state());
                    self.journal.mark(&self.console);
                    effects.push(Effect::Save { set: Box::new(set), at_ms: self.now().as_ms() });
                }
                return effects;
            }
            Event::TogglePlay => {
                if self.playing {
                    self.playing = false;
                } else {
                    self.fork_if_past();
                    self.playing = true;
                    self.step_report = None;
                }
            }
            Event::Pause => self.playing = false,
            Event::Step => self.step(),
            Event::SetSpeedLog(s) => self.speed_log = s.clamp(-10, 20),
            Event::Seek(t) => self.seek(t),
            Event::BackToLive => self.back_to_live(),
            Event::Reset => {
                if let Err(e) = self.reset() {
                    self.notice = Some(format!("Reset failed: {e}"));
                }
            }
            Event::Typed(line) => {
                self.menu = None;
                self.typed(&line);
            }
            Event::Command(line) => {
                self.menu = None;
                if self.console.prompt() == Prompt::Shell {
                    self.typed(&line);
                } else {
                    self.notice = Some(format!(
                        "`{line}` was not run: the console is busy (a tool runs or a command is being typed). Finish it or press Ctrl-C first."
                    ));
                }
            }
            Event::Interrupt => self.interrupt(),
            Event::Eof => {
                if self.console.job_running() {
                    self.console.job_eof();
                    let out = self.console.take_output();
                    self.term.print(&out);
                }
            }
            Event::ClearConsole => self.term.clear(),
            Event::Select(s) => self.selection = s,
            Event::Menu(m) => self.menu = m,
            Event::Focus(f) => self.focus = f,
            Event::DismissNotice => self.notice = None,
            Event::ChartMetric(key) => self.metrics.toggle(key),
            Event::StartLesson(id) => {
                if let Err(e) = self.start_lesson(&id) {
                    self.notice = Some(format!("The lesson could not start: {e}"));
                }
            }
            Event::OpenSandbox => {
                if let Err(e) = self.open_sandbox() {
                    self.notice = Some(format!("The sandbox could not start: {e}"));
                }
            }
            Event::Lesson(a) => self.lesson_action(a),
            Event::CopyLink { embed } => {
                let url = self.share_link(embed);
                self.inform(format!(
                    "Link copied ({} characters): opening it replays this exact scenario{}.",
                    url.len(),
                    if embed { " read-only, for an iframe" } else { "" }
                ));
                self.shared_link = Some(url.clone());
                effects.push(Effect::Copy(url));
            }
            Event::ExportJson => {
                let text = json::export(&Scenario::from_console(&self.console));
                effects.push(Effect::Download { name: "brokerlab-scenario.json", mime: "application/json", text });
            }
            Event::ExportRealKafka => {
                let s = Scenario::from_console(&self.console);
                effects.push(Effect::Download {
                    name: "docker-compose.yml",
                    mime: "text/yaml",
                    text: real_kafka::compose(&s),
                });
                effects.push(Effect::Download {
                    name: "brokerlab-commands.sh",
                    mime: "text/x-shellscript",
                    text: real_kafka::script(&s),
                });
                self.inform("docker-compose.yml and brokerlab-commands.sh downloaded: `docker compose up -d`, then `bash brokerlab-commands.sh` (see the README for what cannot be translated).");
            }
            Event::ImportJson(text) => {
                match json::import(&text).map_err(|e| e.to_string()).and_then(|s| s.replay().map_err(|e| e.to_string()))
                {
                    Ok(console) => {
                        self.restore_console(console);
                        self.inform("Scenario imported: it is now your sandbox.");
                        self.persist.enabled = !self.embed;
                    }
                    Err(e) => {
                        self.notice =
                            Some(format!("That file is not a scenario Brokerlab can open: {e}. Nothing was changed."))
                    }
                }
            }
            Event::DraftLesson => {
                let goals = crate::lessons::suggest_goals(&self.console);
                let text = crate::lessons::draft_from_sandbox(&self.console, "My lesson", &goals);
                self.inform(format!("lesson-draft.md downloaded: your commands are its solution and {} goals that hold now are its checks. Edit it and add it to www/lessons (see the README).", goals.len()));
                effects.push(Effect::Download { name: "lesson-draft.md", mime: "text/markdown", text });
            }
            Event::DraftLink => {
                let goals = crate::lessons::suggest_goals(&self.console);
                let text = crate::lessons::draft_from_sandbox(&self.console, "My lesson", &goals);
                let url = format!("{}{}", self.base_url, crate::lessons::draft::draft_fragment(&text));
                self.inform(format!(
                    "Lesson draft link copied ({} characters): it opens this sandbox as a lesson with {} goals.",
                    url.len(),
                    goals.len()
                ));
                self.shared_link = Some(url.clone());
                effects.push(Effect::Copy(url));
            }
            Event::KeepLinked => {
                self.linked = false;
                self.persist.enabled = true;
                self.journal.fresh();
                self.inform("This scenario is now your sandbox and is saved.");
            }
            Event::StoreOpened { status, loaded } => self.store_opened(status, loaded),
            Event::TakeOver => {
                if matches!(self.persist.status, StoreStatus::ReadOnly(_)) {
                    effects.push(Effect::TakeOver);
                }
            }
            Event::StoreStatus(status) => self.store_status(status),
            Event::Saved(r) => {
                self.persist.busy = false;
                match r {
                    Ok(at) => self.saved_at = Some(at),
                    Err(e) => {
                        self.persist.status = StoreStatus::Off(e.clone());
                        self.notice = Some(format!("Saving stopped: {e}. The simulation keeps running in this tab."));
                    }
                }
            }
            Event::Failed(why) => self.notice = Some(sentence(&why)),
            Event::Leave => {
                if self.journalling() {
                    let mark = self.journal.leave_mark(&self.console, self.term.to_json());
                    effects.push(Effect::KeepLeave(mark.encode()));
                }
                effects.extend(self.journal_effect(true));
                return effects;
            }
            Event::JournalFailed(e) => {
                self.persist.status = StoreStatus::Off(e.clone());
                self.notice = Some(format!("Saving stopped: {e}. The simulation keeps running in this tab."));
            }
        }
        effects.extend(self.journal_effect(false));
        let _ = self.publish();
        effects
    }

    /// Where the last frame's time went (the `?bench=ui` figures).
    pub fn frame_cost(&self) -> FrameCost {
        self.frame_cost
    }

    /// What the page draws.
    pub fn view(&mut self) -> Rc<LabView> {
        match &self.published {
            Some(v) => v.clone(),
            None => self.publish(),
        }
    }

    // ------------------------------------------------------------------ time

    /// Advances simulated time by `dt × speed` within the frame budget; returns whether
    /// anything visible changed.
    fn frame(&mut self, wall_ms: f64, dt_ms: u64) -> bool {
        let wall_now_ms = wall_ms.max(0.0) as u64;
        self.last_wall_ms = wall_now_ms;
        let mut changed = false;
        if self.playing && !self.viewing_past() {
            // A tab in the background gets no frames: never jump more than 100 ms of wall time.
            let want_us = (dt_ms.min(100) * speed_tenths(self.speed_log) * 100).max(1);
            // What earlier frames ran out of budget for is owed on top, up to a few frames'
            // worth: a burst of events is spread over the next frames instead of one long
            // frame, and 1× stays 1× on average. Beyond that the time is dropped (the
            // simulation cannot keep up at this speed: the header says so).
            let owed = self.owed_us.saturating_add(want_us);
            let cap = want_us.saturating_mul(OWED_FRAMES);
            self.behind = owed > cap;
            let target = self.now().plus_micros(owed.min(cap));
            let started = (self.clock)();
            // Advance in slices so one heavy moment cannot freeze the page.
            let mut t = self.now();
            while t < target {
                let slice = ((target.0 - t.0) / SLICES).max(1_000);
                t = SimTime((t.0 + slice).min(target.0));
                self.console.advance_to(t);
                if (self.clock)() - started > self.budget_ms {
                    break;
                }
            }
            self.owed_us = target.0 - t.0;
            changed = true;
        } else {
            self.owed_us = 0;
        }
        let out = self.console.take_output();
        if !out.chunks.is_empty() {
            self.term.print(&out);
            self.frame_printed = true;
            changed = true;
        }
        if self.read_trace(wall_now_ms) {
            changed = true;
        }
        // Paused, the dots stay where they are (a Step's requests remain visible).
        if self.playing && self.feed.land(wall_now_ms) {
            changed = true;
        }
        // Sampled from the view as last published (one frame old at most).
        let now_ms = self.now().as_ms();
        let feed = &mut self.feed;
        if self.charts.sample(now_ms, &self.model, || feed.take_counters()) {
            changed = true;
        }
        // The metrics panel, sampled from the engine once per simulated second too.
        if self.metrics.sample(self.console.sim()) {
            changed = true;
        }
        if self.lesson.tick(&mut self.console, &mut self.term, wall_now_ms, self.playing) {
            changed = true;
        }
        self.timeline.maybe_snapshot(&self.console);
        changed
    }

    /// Runs the cluster on to the next moment something happens (every event due then), and
    /// pauses. Logged as a clock advance like any other, so links and reloads replay it.
    fn step(&mut self) {
        self.fork_if_past();
        self.playing = false;
        let now = self.now();
        let Some(next) = self.console.sim().next_event_at() else {
            self.step_report = Some("Nothing is scheduled: the cluster is idle.".into());
            return;
        };
        // Events due now run by moving the clock one microsecond.
        let target = if next > now { next } else { now.plus_micros(1) };
        let from = self.trace_cursor;
        self.console.advance_to(target);
        let out = self.console.take_output();
        self.term.print(&out);
        let events: Vec<_> = self.console.sim().trace().since(from).cloned().collect();
        self.read_trace(self.last_wall_ms);
        self.step_report = Some(self.describe_step(target, &events));
    }

    /// What a step did, in words: the messages that arrived and were sent, and what changed.
    fn describe_step(&self, at: SimTime, events: &[crate::sim::trace::TraceEvent]) -> String {
        use crate::sim::trace::TraceKind;
        use crate::sim::view::names::message;
        let mut parts = Vec::new();
        for e in events {
            let part = match &e.kind {
                TraceKind::Delivered { id } => {
                    self.feed.message(*id).map(|m| format!("{} arrived", message(&m.from, &m.to, &m.api, m.response)))
                }
                TraceKind::Sent { from, to, api, response, .. } => {
                    Some(format!("{} sent", message(from, to, api, *response)))
                }
                kind => crate::sim::view::explain::describe_event(e).filter(|_| !kind.is_message_level()),
            };
            if let Some(p) = part {
                parts.push(p);
            }
        }
        let clock = fmt_clock(at.as_ms());
        let shown = 4;
        let more = parts.len().saturating_sub(shown);
        if parts.is_empty() {
            return format!("Stepped to {clock}: a timer ran and nothing visible changed.");
        }
        parts.truncate(shown);
        let mut text = format!("Stepped to {clock}: {}", parts.join("; "));
        if more > 0 {
            text.push_str(&format!("; and {more} more"));
        }
        text.push('.');
        text
    }

    /// Shows the cluster as it was at `t_ms`. The live state waits aside; playing or typing
    /// from there forks a new future and discards the old one (with a warning).
    fn seek(&mut self, t_ms: u64) {
        let head = self.head();
        let target = SimTime::from_ms(t_ms).min(head);
        if target >= head {
            self.back_to_live();
            return;
        }
        if !self.timeline.seek(&mut self.console, target) {
            return;
        }
        self.playing = false;
        self.trace_cursor = self.console.sim().trace().next_index();
        self.feed.clear_flights();
        self.inform(format!(
            "You are looking at {} — {} before the live moment. Press Play or type a command to continue from here: the later future will be discarded.",
            fmt_clock(self.now().as_ms()),
            fmt_gap(head.as_ms().saturating_sub(self.now().as_ms()))
        ));
    }

    fn back_to_live(&mut self) {
        if self.timeline.back_to_live(&mut self.console) {
            self.notice = None;
            self.trace_cursor = self.console.sim().trace().next_index();
        }
    }

    /// Acting on the past: that moment becomes the present, the old future is gone.
    fn fork_if_past(&mut self) {
        let now = self.now();
        if self.timeline.fork(now) {
            self.feed.cut_after(now.as_ms());
            self.charts.cut_after(now.as_ms());
            self.metrics.cut_after(now.as_ms());
            let at = fmt_clock(now.as_ms());
            self.notice = Some(format!("A new future starts at {at}: what happened after it was discarded."));
            self.term.push(TermStream::Note, format!("# timeline forked at {at}; the old future was discarded"));
        }
    }

    /// A fresh cluster like the current one (same seed and config).
    fn reset(&mut self) -> Result<(), String> {
        let console = Console::new(self.console.seed(), self.console.config().clone())?;
        self.replace_console(console);
        self.lesson.leave();
        self.note("# a fresh cluster (same seed and configuration)");
        Ok(())
    }

    // ------------------------------------------------------------------ the console

    /// A line typed at the prompt: echoed like a terminal, then whatever it became.
    fn typed(&mut self, line: &str) {
        self.fork_if_past();
        if self.console.prompt() == Prompt::Shell {
            // A command moves the cluster on: the last step's report no longer says where it is.
            self.step_report = None;
        }
        let echo = match self.console.prompt() {
            Prompt::Shell => TermStream::Command,
            Prompt::Continuation | Prompt::ToolInput | Prompt::Busy => TermStream::Input,
        };
        self.term.push(echo, line.to_string());
        let lesson = self.lesson.run.as_ref();
        let gate = |item: &crate::console::shell::ScriptItem| match lesson {
            Some(run) => run.permits_item(item),
            None => Ok(()),
        };
        let typed = self.console.type_line(line, Mode::Terminal, &gate);
        match typed {
            Typed::Nothing | Typed::More => {}
            Typed::Clear => self.term.clear(),
            Typed::ToTool { output } | Typed::Ran { output, .. } => self.term.print(&output),
            Typed::Refused { why, parse_error, .. } => {
                let text = if parse_error { why } else { format!("lesson: {why}") };
                self.term.push(TermStream::Stderr, text);
            }
        }
        self.read_trace(0);
    }

    /// Ctrl-C: drops a command being continued, else stops the running tool.
    fn interrupt(&mut self) {
        if self.console.cancel_pending() {
            self.term.push(TermStream::Input, "^C".into());
        } else if self.console.job_running() {
            self.console.job_interrupt();
            let out = self.console.take_output();
            self.term.print(&out);
        } else {
            self.term.push(TermStream::Command, "^C".into());
        }
    }

    // ------------------------------------------------------------------ the trace

    /// Reads new trace events into the feed, the flights and the chart counters.
    fn read_trace(&mut self, wall_now_ms: u64) -> bool {
        let from = self.trace_cursor;
        let next = self.console.sim().trace().next_index();
        if next == from {
            return false;
        }
        // Time on screen for a flight: the simulated second at this speed, but never shorter
        // than a person can follow nor longer than the next one needs.
        let flight_ms = (15_000 / speed_tenths(self.speed_log)).clamp(450, 2000) as u32;
        self.feed.read(self.console.sim().trace().since(from), wall_now_ms.max(self.last_wall_ms), flight_ms);
        self.trace_cursor = next;
        true
    }

    // ------------------------------------------------------------------ publishing

    /// Rebuilds what the page sees. Parts that did not change keep their `Rc`.
    fn publish(&mut self) -> Rc<LabView> {
        self.publish_with(false)
    }

    /// [`Lab::publish`]; `spread`: refresh only this frame's share of the brokers, topics and
    /// clients ([`ViewModel::spread`]).
    fn publish_with(&mut self, spread: bool) -> Rc<LabView> {
        self.model = Rc::new(if spread {
            self.view_turn = self.view_turn.wrapping_add(1);
            ViewModel::spread(self.console.sim(), &self.model, self.view_turn)
        } else {
            ViewModel::build(self.console.sim())
        });
        let history = self.console.history();
        if self.history.len() != history.len() || self.history.last() != history.last() {
            self.history = Rc::new(history.to_vec());
        }
        let detail = self.selection.as_ref().map(|s| Rc::new(inspect(self.console.sim(), &self.model, s)));
        let view = Rc::new(LabView {
            view: self.model.clone(),
            flights: Rc::new(self.feed.flights().to_vec()),
            feed: self.feed.published(),
            samples: self.charts.published(),
            metrics: self.metrics.published(),
            terminal: self.term.published(),
            history: self.history.clone(),
            prompt: self.console.prompt(),
            detail,
            selection: self.selection.clone(),
            menu: self.menu.clone(),
            focus: self.focus.as_deref().map(Rc::from),
            notice: self.notice.as_deref().map(|text| Notice {
                text: Rc::from(text),
                kind: if self.notice_info.as_deref() == Some(text) { NoticeKind::Info } else { NoticeKind::Warning },
            }),
            playing: self.playing,
            speed_log: self.speed_log,
            now_ms: self.now().as_ms(),
            head_ms: self.head().as_ms(),
            viewing_past: self.viewing_past(),
            behind: self.behind,
            job_running: self.console.job_running(),
            snapshots: self.timeline.published(),
            lesson: self.lesson.view(),
            saving: Rc::from(self.persist.status.message().as_str()),
            read_only: matches!(self.persist.status, StoreStatus::ReadOnly(_)),
            saved_at: self.saved_at,
            lessons_done: self.lesson.done_published(),
            linked: self.linked,
            shared_link: self.shared_link.as_deref().map(Rc::from),
            embed: self.embed,
            boot_error: self.boot_error.as_deref().map(Rc::from),
            step_report: self.step_report.as_deref().map(Rc::from),
        });
        self.published = Some(view.clone());
        view
    }

    // ------------------------------------------------------------------ lessons

    /// Swaps in another console (a lesson's start, a reset step, an undo): the timeline,
    /// feed and charts start again from it; the terminal keeps its lines.
    fn replace_console(&mut self, console: Console) {
        self.console = console;
        self.timeline.restart(&self.console);
        self.trace_cursor = self.console.sim().trace().next_index();
        self.feed.clear();
        self.charts.clear();
        self.metrics.clear();
        self.selection = None;
        self.menu = None;
        self.notice = None;
    }

    /// Starts the lesson `id` on a fresh cluster of its own.
    fn start_lesson(&mut self, id: &str) -> Result<(), String> {
        let lesson = find(id).ok_or_else(|| format!("there is no lesson called {id:?}"))?;
        self.start_lesson_from(&lesson)
    }

    /// Starts a lesson given as data (a shared draft).
    fn start_lesson_from(&mut self, lesson: &Lesson) -> Result<(), String> {
        let console = self.lesson.start(lesson)?;
        self.replace_console(console);
        self.focus = None;
        self.playing = true;
        self.term.push(TermStream::Note, format!("# lesson: {}", lesson.title));
        self.lesson.refresh(&self.console);
        Ok(())
    }

    /// A saved or shared session: the sandbox becomes it.
    fn restore_console(&mut self, console: Console) {
        self.replace_console(console);
        self.lesson.leave();
    }

    /// Leaves the lesson for the free sandbox (the first-visit cluster).
    fn open_sandbox(&mut self) -> Result<(), String> {
        let console = Console::new(self.console.seed(), ClusterConfig::default())?;
        self.replace_console(console);
        self.lesson.leave();
        self.run_setup(DEMO);
        self.note("# the free sandbox: anything goes");
        Ok(())
    }

    fn lesson_action(&mut self, action: LessonAction) {
        if let Some(console) = self.lesson.action(action, &mut self.console) {
            self.replace_console(console);
            self.term.push(
                TermStream::Note,
                "# the cluster is back where the step began (or before your last command)".into(),
            );
        }
        self.lesson.refresh(&self.console);
    }

    // ------------------------------------------------------------------ saving and sharing

    /// The share link of the current session.
    pub fn share_link(&self, embed: bool) -> String {
        let scenario = Scenario::from_console(&self.console);
        let fragment = fragment_for(&Fragment::Scenario { scenario: Box::new(scenario), embed });
        format!("{}{fragment}", self.base_url)
    }

    /// The page's own state kept with a save.
    fn ui_state(&self) -> serde_json::Value {
        serde_json::json!({
            "speed_log": self.speed_log,
            "focus": self.focus,
            "lesson": self.lesson.run.as_ref().map(|r| r.lesson().id.clone()),
            "lessons_done": self.lesson.done().iter().cloned().collect::<Vec<_>>(),
            "terminal": self.term.to_json(),
        })
    }

    /// The journal's write for what the learner did since the last one, when this tab saves
    /// a sandbox at its live moment (a lesson keeps its own progress; the past is not the
    /// session until played on).
    fn journal_effect(&mut self, leaving: bool) -> Option<Effect> {
        if !self.journalling() {
            return None;
        }
        let w = self.journal.pending(&self.console, leaving);
        (!w.is_empty()).then(|| Effect::Journal(Box::new(w)))
    }

    /// Whether the journal records what is done now.
    fn journalling(&self) -> bool {
        self.persist.open
            && self.persist.enabled
            && self.persist.status.is_saving()
            && !self.viewing_past()
            && self.lesson.run.is_none()
    }

    /// Another tab took over (this one turns read-only, and says so), or this tab took over
    /// (what it shows becomes the saved session: the journal starts over from its origin).
    fn store_status(&mut self, status: StoreStatus) {
        if status == self.persist.status {
            return;
        }
        match &status {
            StoreStatus::ReadOnly(_) if self.persist.status.is_saving() => {
                self.notice = Some(
                    "Another tab took over this session and saves it now; this tab is read-only (what you do here is not saved)."
                        .into(),
                );
            }
            StoreStatus::Saving => {
                self.journal.fresh();
                self.persist.force_next();
                self.inform("This tab saves the session now; the other tab turned read-only.");
            }
            _ => {}
        }
        self.persist.status = status;
    }

    fn store_opened(&mut self, status: StoreStatus, loaded: Result<Option<Box<Saved>>, String>) {
        // What the page already says (a damaged link) stays, whatever the restore says.
        let kept = self.notice.take();
        let mut notes: Vec<String> = kept.into_iter().collect();
        self.journal.fresh();
        match loaded {
            Ok(Some(saved)) if self.lesson.run.is_none() => {
                let (restored, stored) = self.restore(&saved);
                notes.extend(restored);
                if saved.scenario.is_some() {
                    // The store holds this log (but what only the leave mark held): the
                    // journal continues it.
                    self.journal.mark_restored(&self.console, stored);
                }
                // The store holds these disks already: later saves write what changes.
                self.persist.prime(&self.console);
            }
            Ok(_) => {}
            Err(e) => notes.push(format!("The saved session could not be read ({e}); starting fresh.")),
        }
        self.persist.open = true;
        if let StoreStatus::ReadOnly(_) = status {
            notes.push(
                "This session is open in another tab, which saves it: this tab shows it read-only. Take over (Save & share) to save here instead; the other tab then turns read-only."
                    .into(),
            );
        }
        self.persist.status = status;
        if !notes.is_empty() {
            self.notice = Some(notes.join(" "));
        }
    }

    /// Rebuilds the saved session into the lab. Returns what to tell the learner and the
    /// log the store holds.
    fn restore(&mut self, saved: &Saved) -> (Vec<String>, Vec<crate::console::session::LogEntry>) {
        let ui = saved.ui.clone().unwrap_or_default();
        if let Some(done) = ui.get("lessons_done").and_then(|v| v.as_array()) {
            self.lesson.set_done(done.iter().filter_map(|v| v.as_str().map(String::from)).collect());
        }
        if let Some(s) = ui.get("speed_log").and_then(|v| v.as_i64()) {
            self.speed_log = (s as i32).clamp(-10, 20);
        }
        let persist::Restore { restored, notes, stored, terminal } = persist::restore(saved);
        if !matches!(restored, Restored::Nothing) {
            // The lines at leaving when the leave mark holds them, else the save point's.
            if let Some(lines) = terminal.as_ref().or_else(|| ui.get("terminal")) {
                self.term.restore_json(lines);
            }
        }
        match restored {
            Restored::Lesson(run, console) => {
                let run = *run;
                self.replace_console(*console);
                self.term.push(TermStream::Note, format!("# welcome back: lesson {} resumed", run.lesson().title));
                self.lesson.resume(run);
                self.lesson.refresh(&self.console);
            }
            Restored::Sandbox(console) => {
                self.restore_console(*console);
                if let Some(f) = ui.get("focus").and_then(|v| v.as_str()) {
                    self.focus = Some(f.to_string());
                }
            }
            Restored::Nothing => {}
        }
        (notes, stored)
    }
}

/// `text` ending as a sentence: a full stop added unless it already ends with one (or ? !).
pub(crate) fn sentence(text: &str) -> String {
    let t = text.trim_end();
    if t.ends_with(['.', '?', '!']) {
        t.to_string()
    } else {
        format!("{t}.")
    }
}
