//! The page: owns the [`Lab`], drives it from `requestAnimationFrame`, and lays out the areas —
//! header with time controls, the cluster stage, the side panel (inspector, events, charts,
//! learn), the timeline and the docked console.
//!
//! The lab lives outside Yew's state (`Rc<RefCell<Lab>>`); each frame it advances simulated
//! time within a budget and, only when something visible changed, hands over a new
//! [`Published`] snapshot, so a paused page does no work at all.

use crate::scenario::link::{parse_fragment, Fragment};
use crate::sim::world::ClusterConfig;
use crate::store::session::{Saved, StoreStatus};
use crate::store::Store;
use crate::ui::components::{
    charts::Charts, cluster::Stage, feed::Feed, header::Header, inspector::Inspector, lesson::LearnPanel,
    menu::ActionMenu, share::Share, terminal::Terminal, timeline::Timeline,
};
use crate::ui::context::{LabContext, Published, UiAction};
use crate::ui::lab::{Lab, BENCH, DEMO};
use crate::ui::persist::{self, Persist};
use gloo::events::EventListener;
use gloo::render::{request_animation_frame, AnimationFrame};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The seed of the first-visit cluster (any seed works; this one is what newcomers see).
pub const DEMO_SEED: u64 = 1;
/// Work allowed per frame for the simulation, so rendering keeps the rest of the 16 ms.
const SIM_BUDGET_MS: f64 = 5.0;
/// Frames measured by `?bench=ui`.
const BENCH_FRAMES: usize = 600;

pub enum Msg {
    Frame(f64),
    /// The store opened (or not) and what it held.
    Opened(Option<Rc<Store>>, StoreStatus, Result<Option<Saved>, String>),
    /// A save finished (of the session at this simulated ms).
    Saved(Result<u64, String>),
    /// A result to show in the notice.
    Notice(String),
    Action(UiAction),
    Tab(SideTab),
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum SideTab {
    Inspect,
    Events,
    Charts,
    Learn,
}

pub struct App {
    lab: Rc<RefCell<Lab>>,
    published: Rc<Published>,
    context: LabContext,
    raf: Option<AnimationFrame>,
    last_ts: Option<f64>,
    tab: SideTab,
    boot_error: Option<String>,
    _keys: Option<EventListener>,
    bench: Option<Bench>,
    /// The bench: what the last frame's update cost (ms), waiting for its view's cost.
    frame_cost: Option<f64>,
    view_ms: std::cell::Cell<f64>,
    first_paint_done: bool,
    persist: Persist,
    embed: bool,
}

/// The UI benchmark: frame times (update + render + DOM patch) while playing at 1×.
struct Bench {
    times: Vec<f64>,
    done: bool,
}

fn perf_now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0)
}

fn query_has(flag: &str) -> bool {
    web_sys::window().and_then(|w| w.location().search().ok()).map(|s| s.contains(flag)).unwrap_or(false)
}

/// Publishes a figure on `window` for the end-to-end tests and benchmarks to read.
fn set_window_value(name: &str, value: &wasm_bindgen::JsValue) {
    if let Some(w) = web_sys::window() {
        let _ = js_sys::Reflect::set(&w, &name.into(), value);
    }
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let bench = query_has("bench=ui");
        let mut embed = false;
        let mut linked = false;
        let (lab, boot_error) = if bench {
            let cfg = ClusterConfig { brokers: 6, ..ClusterConfig::default() };
            match Lab::new(7, cfg) {
                Ok(mut lab) => {
                    lab.run_setup(BENCH);
                    (lab, None)
                }
                Err(e) => (Lab::new(DEMO_SEED, ClusterConfig::default()).expect("default cluster boots"), Some(e)),
            }
        } else {
            let mut lab = Lab::new(DEMO_SEED, ClusterConfig::default()).expect("the default cluster boots");
            lab.run_setup(DEMO);
            let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
            let draft = crate::lessons::draft::lesson_from_draft_fragment(&hash);
            match draft {
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
            match if hash.starts_with("#draft=") { Ok(Fragment::Sandbox) } else { parse_fragment(&hash) } {
                Ok(Fragment::Sandbox) => {}
                Ok(Fragment::Lesson { id, embed: e }) => {
                    embed = e;
                    if let Err(err) = lab.start_lesson(&id) {
                        lab.notice = Some(format!("This link names a lesson Brokerlab does not have: {err}"));
                    }
                }
                Ok(Fragment::Scenario { scenario, embed: e }) => {
                    embed = e;
                    match scenario.replay() {
                        Ok(console) => {
                            lab.restore_console(console);
                            linked = true;
                            lab.linked = !e;
                            let mut msg = "You opened a shared scenario. Your own saved sandbox is untouched: choose \"Keep\" to make this one your sandbox.".to_string();
                            if let Some(note) = scenario.engine_note() {
                                msg = format!("{msg} {note}");
                            }
                            lab.notice = Some(msg);
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
            lab.note("Welcome to Brokerlab: a live Kafka cluster. Type `help`, or a Kafka tool like `kafka-topics --bootstrap-server localhost:9092 --list`.");
            (lab, None)
        };
        let lab = Rc::new(RefCell::new(lab));
        let published = lab.borrow_mut().published();
        let link = ctx.link().clone();
        let dispatch = Callback::from(move |a: UiAction| link.send_message(Msg::Action(a)));
        let complete = {
            let lab = lab.clone();
            Callback::from(move |partial: String| lab.try_borrow().map(|l| l.complete(&partial)).unwrap_or_default())
        };
        let keys = {
            let link = ctx.link().clone();
            web_sys::window().and_then(|w| w.document()).map(|doc| {
                EventListener::new(&doc, "keydown", move |e| {
                    let Some(e) = e.dyn_ref::<KeyboardEvent>() else { return };
                    let in_field = e
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                        .map(|el| {
                            matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT" | "BUTTON")
                                || el.get_attribute("role").as_deref() == Some("button")
                        })
                        .unwrap_or(false);
                    match e.key().as_str() {
                        " " if !in_field => {
                            e.prevent_default();
                            link.send_message(Msg::Action(UiAction::TogglePlay));
                        }
                        "Escape" => link.send_message(Msg::Action(UiAction::Menu(None))),
                        _ => {}
                    }
                })
            })
        };
        let mut app = App {
            lab,
            published,
            context: LabContext { dispatch, complete },
            raf: None,
            last_ts: None,
            tab: SideTab::Learn,
            boot_error,
            _keys: keys,
            bench: bench.then(|| Bench { times: Vec::with_capacity(BENCH_FRAMES), done: false }),
            persist: Persist::new(!bench && !embed && !linked),
            embed,
            frame_cost: None,
            view_ms: std::cell::Cell::new(0.0),
            first_paint_done: false,
        };
        app.request_frame(ctx);
        if !bench && !embed {
            // Open the store after the first paint; restore the saved session unless a link
            // or a lesson link chose what to show.
            let link = ctx.link().clone();
            let restore = !linked;
            wasm_bindgen_futures::spawn_local(async move {
                let (store, status) = Store::open().await;
                let loaded = match (&store, restore) {
                    (Some(s), true) => s.load().await.map_err(|e| e.to_string()),
                    _ => Ok(None),
                };
                link.send_message(Msg::Opened(store.map(Rc::new), status, loaded));
            });
        }
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Self::Message) -> bool {
        match msg {
            Msg::Frame(ts) => {
                // The previous frame is complete (update, then view): record it.
                if let Some(cost) = self.frame_cost.take() {
                    let total = cost + self.view_ms.replace(0.0);
                    self.record_frame(total);
                }
                let started = perf_now();
                let dt = self.last_ts.map(|l| (ts - l).max(0.0)).unwrap_or(16.0) as u64;
                self.last_ts = Some(ts);
                self.request_frame(ctx);
                let changed = {
                    let Ok(mut lab) = self.lab.try_borrow_mut() else { return false };
                    let changed = lab.frame(ts as u64, dt, SIM_BUDGET_MS, &perf_now);
                    if let Some((store, set)) = self.persist.due(&lab, ts) {
                        let at = lab.now().as_ms();
                        let busy = self.persist.busy.clone();
                        busy.set(true);
                        let link = ctx.link().clone();
                        wasm_bindgen_futures::spawn_local(async move {
                            let r = store.save(&set).await.map(|_| at).map_err(|e| e.to_string());
                            busy.set(false);
                            link.send_message(Msg::Saved(r));
                        });
                    }
                    if changed {
                        self.published = lab.published();
                    }
                    changed
                };
                if self.bench.is_some() {
                    self.frame_cost = Some(perf_now() - started);
                }
                changed
            }
            Msg::Action(a) => {
                self.frame_cost = None;
                if matches!(a, UiAction::Select(Some(_))) {
                    self.tab = SideTab::Inspect;
                }
                if matches!(a, UiAction::StartLesson(_) | UiAction::OpenSandbox) {
                    self.tab = SideTab::Learn;
                }
                let Ok(mut lab) = self.lab.try_borrow_mut() else { return false };
                match a {
                    UiAction::CopyLink { embed } => {
                        let url = persist::share_link(&lab, embed);
                        let len = url.len();
                        persist::copy_to_clipboard(&url);
                        lab.notice = Some(format!(
                            "Link copied ({len} characters): opening it replays this exact scenario{}.",
                            if embed { " read-only, for an iframe" } else { "" }
                        ));
                        lab.shared_link = Some(url);
                        lab.publish();
                    }
                    UiAction::ExportJson => {
                        let r = persist::download(
                            "brokerlab-scenario.json",
                            "application/json",
                            &persist::export_json(&lab),
                        );
                        if let Err(e) = r {
                            lab.notice = Some(format!("The file could not be offered: {e}"));
                        }
                        lab.publish();
                    }
                    UiAction::ExportRealKafka => {
                        let (compose, script) = persist::export_real_kafka(&lab);
                        let r = persist::download("docker-compose.yml", "text/yaml", &compose)
                            .and_then(|_| persist::download("brokerlab-commands.sh", "text/x-shellscript", &script));
                        lab.notice = Some(match r {
                            Ok(()) => "docker-compose.yml and brokerlab-commands.sh downloaded: `docker compose up -d`, then `bash brokerlab-commands.sh` (see the README for what cannot be translated).".into(),
                            Err(e) => format!("The files could not be offered: {e}"),
                        });
                        lab.publish();
                    }
                    UiAction::ImportJson(text) => {
                        match crate::scenario::json::import(&text)
                            .map_err(|e| e.to_string())
                            .and_then(|s| s.replay().map_err(|e| e.to_string()))
                        {
                            Ok(console) => {
                                lab.restore_console(console);
                                lab.notice = Some("Scenario imported: it is now your sandbox.".into());
                                self.persist.enabled = !self.embed;
                            }
                            Err(e) => {
                                lab.notice = Some(format!(
                                    "That file is not a scenario Brokerlab can open: {e}. Nothing was changed."
                                ))
                            }
                        }
                        lab.publish();
                    }
                    UiAction::DraftLesson => {
                        let goals = crate::lessons::suggest_goals(&lab.console);
                        let text = crate::lessons::draft_from_sandbox(&lab.console, "My lesson", &goals);
                        lab.notice = Some(match persist::download("lesson-draft.md", "text/markdown", &text) {
                            Ok(()) => format!("lesson-draft.md downloaded: your commands are its solution and {} goals that hold now are its checks. Edit it and add it to www/lessons (see the README).", goals.len()),
                            Err(e) => format!("The draft could not be offered: {e}"),
                        });
                        lab.publish();
                    }
                    UiAction::DraftLink => {
                        let goals = crate::lessons::suggest_goals(&lab.console);
                        let text = crate::lessons::draft_from_sandbox(&lab.console, "My lesson", &goals);
                        let url = format!("{}{}", persist::page_base(), crate::lessons::draft::draft_fragment(&text));
                        persist::copy_to_clipboard(&url);
                        lab.notice = Some(format!("Lesson draft link copied ({} characters): it opens this sandbox as a lesson with {} goals.", url.len(), goals.len()));
                        lab.shared_link = Some(url);
                        lab.publish();
                    }
                    UiAction::KeepLinked => {
                        lab.linked = false;
                        self.persist.enabled = true;
                        lab.notice = Some("This scenario is now your sandbox and is saved.".into());
                        lab.publish();
                    }
                    other => apply(&mut lab, other),
                }
                self.published = lab.published();
                true
            }
            Msg::Tab(t) => {
                self.tab = t;
                true
            }
            Msg::Opened(store, status, loaded) => {
                let Ok(mut lab) = self.lab.try_borrow_mut() else { return false };
                let mut notes = Vec::new();
                match loaded {
                    Ok(Some(saved)) if lab.lesson.is_none() => {
                        notes = persist::restore(&mut lab, saved);
                        // The store holds these disks already: later saves write what changes.
                        self.persist.prime(&lab);
                    }
                    Ok(_) => {}
                    Err(e) => notes.push(format!("The saved session could not be read ({e}); starting fresh.")),
                }
                self.persist.store = store;
                self.persist.status = status.clone();
                lab.saving = status.message();
                if !notes.is_empty() {
                    lab.notice = Some(notes.join(" "));
                }
                lab.publish();
                self.published = lab.published();
                true
            }
            Msg::Saved(r) => {
                if let Ok(at) = r {
                    let Ok(mut lab) = self.lab.try_borrow_mut() else { return false };
                    lab.saved_at = Some(at);
                    lab.publish();
                    self.published = lab.published();
                    return true;
                }
                if let Err(e) = r {
                    let Ok(mut lab) = self.lab.try_borrow_mut() else { return false };
                    self.persist.status = StoreStatus::Off(e.clone());
                    lab.saving = self.persist.status.message();
                    lab.notice = Some(format!("Saving stopped: {e}. The simulation keeps running in this tab."));
                    lab.publish();
                    self.published = lab.published();
                    return true;
                }
                false
            }
            Msg::Notice(n) => {
                let Ok(mut lab) = self.lab.try_borrow_mut() else { return false };
                lab.notice = Some(n);
                lab.publish();
                self.published = lab.published();
                true
            }
        }
    }

    fn rendered(&mut self, _ctx: &Context<Self>, _first_render: bool) {
        if !self.first_paint_done && !self.published.view.brokers.is_empty() {
            self.first_paint_done = true;
            set_window_value("__brokerlabFirstPaintMs", &perf_now().into());
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let started = self.bench.as_ref().map(|_| perf_now());
        let html = self.view_inner(ctx);
        if let Some(s) = started {
            self.view_ms.set(self.view_ms.get() + perf_now() - s);
        }
        html
    }
}

impl App {
    fn view_inner(&self, ctx: &Context<Self>) -> Html {
        let p = &self.published;
        let link = ctx.link();
        let tab_button = |t: SideTab, label: &'static str| {
            let onclick = link.callback(move |_: MouseEvent| Msg::Tab(t));
            let selected = self.tab == t;
            html! {
                <button type="button" role="tab" class={classes!("tab", selected.then_some("tab--selected"))}
                    aria-selected={selected.to_string()} aria-controls="side-panel" id={format!("tab-{}", label.to_lowercase())} {onclick}>
                    { label }
                    if t == SideTab::Events && p.view.findings > 0 {
                        <span class="badge badge--finding" aria-label={format!("{} findings", p.view.findings)}>{ format!("⚠ {}", p.view.findings) }</span>
                    }
                </button>
            }
        };
        let side = match self.tab {
            SideTab::Inspect => html! { <Inspector detail={p.detail.clone()} selection={p.selection.clone()} /> },
            SideTab::Events => html! { <Feed feed={p.feed.clone()} /> },
            SideTab::Charts => html! { <Charts samples={p.samples.clone()} view={p.view.clone()} /> },
            SideTab::Learn => html! { <LearnPanel lesson={p.lesson.clone()} done={p.lessons_done.clone()} /> },
        };
        html! {
            <ContextProvider<LabContext> context={self.context.clone()}>
                <div class={classes!("app", self.embed.then_some("app--embed"))} data-testid="app">
                    <Header playing={p.playing} speed_log={p.speed_log} now_ms={p.now_ms} behind={p.behind}
                        viewing_past={p.viewing_past} findings={p.view.findings} />
                    if let Some(e) = &self.boot_error {
                        <div class="notice notice--error" role="alert">{ format!("The benchmark cluster could not start: {e}") }</div>
                    }
                    <main class="stage" id="stage" aria-label="The cluster">
                        <Stage view={p.view.clone()} flights={p.flights.clone()} focus={p.focus.clone()} selection={p.selection.clone()} />
                        if let Some(target) = &p.menu {
                            <ActionMenu target={target.clone()} view={p.view.clone()} />
                        }
                    </main>
                    <aside class="side" aria-label="Details">
                        <div class="tabs" role="tablist">
                            { tab_button(SideTab::Learn, "Learn") }
                            { tab_button(SideTab::Inspect, "Inspect") }
                            { tab_button(SideTab::Events, "Events") }
                            { tab_button(SideTab::Charts, "Charts") }
                        </div>
                        <div class="side__panel" id="side-panel" role="tabpanel">{ side }</div>
                    </aside>
                    <div class="timeline-row">
                    <Timeline now_ms={p.now_ms} head_ms={p.head_ms} viewing_past={p.viewing_past}
                        snapshots={p.snapshots.clone()} notice={p.notice.clone()} />
                    if !self.embed {
                        <Share saving={p.saving.clone()} saved_at={p.saved_at} linked={p.linked} shared_link={p.shared_link.clone()} />
                    }
                    </div>
                    if !self.embed {
                        <Terminal lines={p.terminal.clone()} history={p.history.clone()} job_running={p.job_running} />
                    }
                </div>
            </ContextProvider<LabContext>>
        }
    }
}

impl App {
    fn request_frame(&mut self, ctx: &Context<Self>) {
        let link = ctx.link().clone();
        self.raf = Some(request_animation_frame(move |ts| link.send_message(Msg::Frame(ts))));
    }

    /// One frame's cost for `?bench=ui`: advancing the simulation, publishing its view, and
    /// building the component tree (Yew's DOM patch and the browser's layout and paint come
    /// after; the end-to-end benchmark measures whole frames separately).
    fn record_frame(&mut self, ms: f64) {
        let Some(b) = self.bench.as_mut() else { return };
        if b.done {
            return;
        }
        b.times.push(ms);
        set_window_value("__brokerlabBenchFrames", &(b.times.len() as f64).into());
        if b.times.len() >= BENCH_FRAMES {
            b.done = true;
            let mut t = b.times.clone();
            t.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
            let pick = |q: usize| t[(t.len() * q / 100).min(t.len() - 1)];
            let text = format!(
                "ui bench (simulation + publish + view per frame, wasm): {} frames at 1x, 6 brokers, 3 topics x 12 partitions RF 3, 10 clients: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
                t.len(),
                pick(50),
                pick(95),
                pick(99),
                t[t.len() - 1]
            );
            web_sys::console::log_1(&text.clone().into());
            set_window_value("__brokerlabBench", &text.into());
            set_window_value("__brokerlabBenchP95", &pick(95).into());
        }
    }
}

/// `text` ending as a sentence: a full stop added unless it already ends with one (or ? !).
fn sentence(text: &str) -> String {
    let t = text.trim_end();
    if t.ends_with(['.', '?', '!']) {
        t.to_string()
    } else {
        format!("{t}.")
    }
}

/// What each action does to the lab.
fn apply(lab: &mut Lab, a: UiAction) {
    match a {
        UiAction::TogglePlay => lab.toggle_play(),
        UiAction::Step => lab.step(),
        UiAction::SetSpeedLog(s) => {
            lab.speed_log = s.clamp(-10, 20);
            lab.publish();
        }
        UiAction::Seek(t) => lab.seek(t),
        UiAction::BackToLive => lab.back_to_live(),
        UiAction::Reset => {
            if let Err(e) = lab.reset() {
                lab.notice = Some(format!("Reset failed: {e}"));
                lab.publish();
            }
        }
        UiAction::Command(line) => {
            lab.menu = None;
            lab.command(&line);
        }
        UiAction::JobInput(line) => lab.job_input(&line),
        UiAction::Interrupt => lab.interrupt(),
        UiAction::Eof => lab.eof(),
        UiAction::ClearConsole => lab.clear_terminal(),
        UiAction::Select(s) => {
            lab.selection = s;
            lab.publish();
        }
        UiAction::Menu(m) => {
            lab.menu = m;
            lab.publish();
        }
        UiAction::Focus(f) => {
            lab.focus = f;
            lab.publish();
        }
        UiAction::StartLesson(id) => {
            if let Err(e) = lab.start_lesson(&id) {
                lab.notice = Some(format!("The lesson could not start: {e}"));
                lab.publish();
            }
        }
        UiAction::OpenSandbox => {
            if let Err(e) = lab.open_sandbox() {
                lab.notice = Some(format!("The sandbox could not start: {e}"));
                lab.publish();
            }
        }
        UiAction::Lesson(a) => lab.lesson_action(a),
        // Handled by the app (they need the window, the clipboard or the store).
        UiAction::CopyLink { .. }
        | UiAction::ExportJson
        | UiAction::ImportJson(_)
        | UiAction::ExportRealKafka
        | UiAction::KeepLinked
        | UiAction::DraftLesson
        | UiAction::DraftLink => {}
        UiAction::DismissNotice => {
            lab.notice = None;
            lab.publish();
        }
    }
}
