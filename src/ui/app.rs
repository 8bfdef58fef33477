//! The page: owns the [`Lab`], reports to it (DOM events and `requestAnimationFrame` ticks as
//! [`Event`]s), carries out its [`Effect`]s (the store, the clipboard, downloads) and lays out
//! the areas — header with time controls, the cluster stage, the side panel (inspector,
//! events, charts, learn), the timeline and the docked console.
//!
//! The lab lives outside Yew's state (`Rc<RefCell<Lab>>`); only when something visible
//! changed does it hand over a new [`LabView`], so a paused page does no work at all.

use crate::console::complete::Completion;
use crate::lab::persist::StoreStatus;
use crate::lab::{BenchCluster, Boot, Effect, Event, FrameCost, Lab, LabView};
use crate::sim::sort::CompactSort;
use crate::store::Store;
use crate::ui::components::{
    charts::Charts, cluster::Stage, feed::Feed, flights, header::Header, inspector::Inspector, lesson::LearnPanel,
    menu::ActionMenu, metrics::MetricsPanel, share::Share, terminal::Terminal, timeline::Timeline,
};
use crate::ui::context::{attr, LabContext};
use crate::ui::persist;
use gloo::events::EventListener;
use gloo::render::{request_animation_frame, AnimationFrame};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Frames measured by `?bench=ui`.
const BENCH_FRAMES: usize = 600;

pub enum Msg {
    Frame(f64),
    /// Something to report to the lab.
    Lab(Event),
    /// The store opened: keep it for the saves.
    StoreReady(Option<Rc<Store>>),
    /// Effects the lab asked for outside an update of the page (on leaving).
    Carry(Vec<Effect>),
    Tab(SideTab),
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum SideTab {
    Inspect,
    Events,
    Charts,
    /// Operators' metrics by their MBean names, charted on demand.
    Metrics,
    Learn,
}

pub struct App {
    /// `Err` only if even the default cluster could not start.
    lab: Result<Rc<RefCell<Lab>>, String>,
    published: Option<Rc<LabView>>,
    context: LabContext,
    raf: Option<AnimationFrame>,
    last_ts: Option<f64>,
    tab: SideTab,
    _keys: Option<EventListener>,
    /// `visibilitychange` (to hidden) and `pagehide`: the journal writes the moment of leaving.
    _leave: Vec<EventListener>,
    bench: Option<Bench>,
    /// The bench: when this frame's work started (until the page has rendered it).
    frame_started: Option<f64>,
    /// The bench: the last frame's work so far (ms): its update, then up to its render.
    frame_work: Option<f64>,
    /// The bench: the split of the frame in `frame_work`.
    frame_parts: FrameParts,
    first_paint_done: bool,
    store: Option<Rc<Store>>,
    /// The store as the leave handlers see it (they run outside the component).
    leave_store: Rc<RefCell<Option<Rc<Store>>>>,
    /// The store's saving status last seen: a Web Lock stolen by another tab shows here at
    /// the next frame, and the lab tells the learner.
    store_status: Option<StoreStatus>,
}

/// The UI benchmark: our work per frame while playing at 1×: the simulation, publishing its
/// view, every component's view and Yew's DOM patch (up to [`App::rendered`], which Yew calls
/// after the children rendered), and drawing the requests in flight on their canvas.
struct Bench {
    cluster: BenchCluster,
    times: Vec<f64>,
    /// The same frames split: simulation, publishing the view, Yew (every view and the DOM
    /// patch), the canvas.
    parts: [Vec<f64>; 4],
    /// The first and latest measured frames' timestamp (ms) and simulated time (ms): the
    /// simulation kept 1× if the two spans match (it defers work it has no budget for).
    first: Option<(f64, u64)>,
    latest: (f64, u64),
    done: bool,
}

/// The frame being measured: where its time went so far.
#[derive(Clone, Copy, Default)]
struct FrameParts {
    cost: FrameCost,
    /// The whole update (the lab's frame and what the page did with it), ms.
    update_ms: f64,
}

fn perf_now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0)
}

/// Publishes a figure on `window` for the end-to-end tests and benchmarks to read.
fn set_window_value(name: &str, value: &wasm_bindgen::JsValue) {
    if let Some(w) = web_sys::window() {
        let _ = js_sys::Reflect::set(&w, &name.into(), value);
    }
}

/// The page is hidden or left: the lab says what to keep, and the moment of leaving is
/// written before this returns (the browser may end the page right after `pagehide`); the
/// journal's IndexedDB write goes out as usual.
fn leave_now(lab: Option<&Rc<RefCell<Lab>>>, store: &Rc<RefCell<Option<Rc<Store>>>>, link: &yew::html::Scope<App>) {
    let Some(mut l) = lab.and_then(|l| l.try_borrow_mut().ok()) else {
        link.send_message(Msg::Lab(Event::Leave));
        return;
    };
    let effects = l.update(Event::Leave);
    drop(l);
    let mut rest = Vec::new();
    for e in effects {
        match e {
            Effect::KeepLeave(text) => {
                if let Some(failed) = keep_leave(store.borrow().as_deref(), &text) {
                    link.send_message(Msg::Lab(failed));
                }
            }
            other => rest.push(other),
        }
    }
    if !rest.is_empty() {
        link.send_message(Msg::Carry(rest));
    }
}

/// Writes the leave mark; a failure comes back as what to tell the learner.
fn keep_leave(store: Option<&Store>, text: &str) -> Option<Event> {
    let e = store?.keep_leave(text).err()?;
    // Another tab took over in the meantime: it keeps the session, nothing is lost here.
    if e == crate::store::StoreError::ReadOnly {
        return None;
    }
    Some(Event::Failed(format!("The moment you left could not be kept ({e}): a reload resumes at your last command")))
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let bench =
            web_sys::window().and_then(|w| w.location().search().ok()).and_then(|q| BenchCluster::from_query(&q));
        let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
        let boot = Boot { hash, bench, base_url: persist::page_base() };
        let (lab, effects) = match Lab::boot(boot, Box::new(perf_now)) {
            Ok((lab, effects)) => (Ok(Rc::new(RefCell::new(lab))), effects),
            Err(e) => (Err(e), Vec::new()),
        };
        let published = lab.as_ref().ok().map(|l| l.borrow_mut().view());
        let link = ctx.link().clone();
        let dispatch = Callback::from(move |e: Event| link.send_message(Msg::Lab(e)));
        let complete = {
            let lab = lab.clone().ok();
            Callback::from(move |partial: String| {
                lab.as_ref()
                    .and_then(|l| l.try_borrow().ok().map(|l| l.complete(&partial)))
                    .unwrap_or(Completion { line: partial, candidates: Vec::new() })
            })
        };
        let keys = {
            let link = ctx.link().clone();
            web_sys::window().and_then(|w| w.document()).map(|doc| {
                // Not passive: Space and `/` must not also scroll the page or type a slash.
                let options = gloo::events::EventListenerOptions::enable_prevent_default();
                EventListener::new_with_options(&doc, "keydown", options, move |e| {
                    let Some(e) = e.dyn_ref::<KeyboardEvent>() else { return };
                    let target = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
                    // A field takes typed characters; a button takes Space too.
                    let typing = target
                        .as_ref()
                        .map(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
                        .unwrap_or(false);
                    let in_field = typing
                        || target
                            .as_ref()
                            .map(|el| {
                                el.tag_name() == "BUTTON" || el.get_attribute("role").as_deref() == Some("button")
                            })
                            .unwrap_or(false);
                    match e.key().as_str() {
                        " " if !in_field => {
                            e.prevent_default();
                            link.send_message(Msg::Lab(Event::TogglePlay));
                        }
                        "Escape" => link.send_message(Msg::Lab(Event::Menu(None))),
                        // `/` reaches the console from anywhere, as in many sites' search boxes.
                        "/" if !typing => {
                            if let Some(input) = gloo::utils::document().get_element_by_id("console-input") {
                                if let Ok(input) = input.dyn_into::<web_sys::HtmlElement>() {
                                    e.prevent_default();
                                    let _ = input.focus();
                                }
                            }
                        }
                        _ => {}
                    }
                })
            })
        };
        let leave_store: Rc<RefCell<Option<Rc<Store>>>> = Rc::default();
        let mut leave = Vec::new();
        if let Some(w) = web_sys::window() {
            let on_leave = {
                let lab = lab.clone().ok();
                let store = leave_store.clone();
                let link = ctx.link().clone();
                Rc::new(move || leave_now(lab.as_ref(), &store, &link))
            };
            let l = on_leave.clone();
            leave.push(EventListener::new(&w, "pagehide", move |_| l()));
            if let Some(doc) = w.document() {
                let d = doc.clone();
                leave.push(EventListener::new(&doc, "visibilitychange", move |_| {
                    if d.hidden() {
                        on_leave();
                    }
                }));
            }
        }
        let mut app = App {
            lab,
            published,
            context: LabContext { dispatch, complete },
            raf: None,
            last_ts: None,
            tab: SideTab::Learn,
            _keys: keys,
            _leave: leave,
            bench: bench.map(|cluster| Bench {
                cluster,
                times: Vec::with_capacity(BENCH_FRAMES),
                parts: Default::default(),
                first: None,
                latest: (0.0, 0),
                done: false,
            }),
            frame_started: None,
            frame_work: None,
            frame_parts: FrameParts::default(),
            first_paint_done: false,
            store: None,
            leave_store,
            store_status: None,
        };
        app.request_frame(ctx);
        app.carry_out(ctx, effects);
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Self::Message) -> bool {
        match msg {
            Msg::Frame(ts) => {
                // The previous frame is complete (update, render, canvas): record it.
                let drawn = flights::take_draw_ms();
                if let Some(work) = self.frame_work.take() {
                    self.record_frame(work + drawn, drawn);
                }
                let started = perf_now();
                let dt = self.last_ts.map(|l| (ts - l).max(0.0)).unwrap_or(16.0) as u64;
                self.last_ts = Some(ts);
                self.request_frame(ctx);
                let mut changed = self.report(ctx, Event::Frame { wall_ms: ts, dt_ms: dt });
                if let Some(now) = self.store.as_ref().map(|s| s.status()) {
                    if self.store_status.as_ref() != Some(&now) {
                        self.store_status = Some(now.clone());
                        changed |= self.report(ctx, Event::StoreStatus(now));
                    }
                }
                if self.bench.is_some() {
                    let update_ms = perf_now() - started;
                    let lab =
                        self.lab.as_ref().ok().and_then(|l| l.try_borrow().ok().map(|l| (l.frame_cost(), l.now())));
                    let cost = lab.map(|(cost, _)| cost);
                    if let (Some(b), Some((_, now))) = (self.bench.as_mut(), lab) {
                        if !b.done {
                            b.latest = (ts, now.as_ms());
                            b.first.get_or_insert(b.latest);
                        }
                    }
                    self.frame_started = Some(started);
                    self.frame_work = Some(update_ms);
                    self.frame_parts = FrameParts { cost: cost.unwrap_or_default(), update_ms };
                }
                changed
            }
            Msg::Lab(event) => {
                // A frame with the learner's input in it is not a frame of the benchmark.
                self.frame_started = None;
                self.frame_work = None;
                if matches!(event, Event::Select(Some(_))) {
                    self.tab = SideTab::Inspect;
                }
                if matches!(event, Event::StartLesson(_) | Event::OpenSandbox) {
                    self.tab = SideTab::Learn;
                }
                self.report(ctx, event)
            }
            Msg::StoreReady(store) => {
                self.store_status = store.as_ref().map(|s| s.status());
                *self.leave_store.borrow_mut() = store.clone();
                self.store = store;
                false
            }
            Msg::Carry(effects) => {
                self.carry_out(ctx, effects);
                false
            }
            Msg::Tab(t) => {
                self.tab = t;
                true
            }
        }
    }

    fn rendered(&mut self, _ctx: &Context<Self>, _first_render: bool) {
        if let Some(started) = self.frame_started.take() {
            self.frame_work = Some(perf_now() - started);
        }
        if !self.first_paint_done && self.published.as_ref().map(|p| !p.view.brokers.is_empty()).unwrap_or(false) {
            self.first_paint_done = true;
            set_window_value("__brokerlabFirstPaintMs", &perf_now().into());
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        self.view_inner(ctx)
    }
}

impl App {
    fn view_inner(&self, ctx: &Context<Self>) -> Html {
        let Some(p) = &self.published else {
            let why = self.lab.as_ref().err().cloned().unwrap_or_default();
            return html! { <div class="notice notice--error" role="alert">{ format!("Brokerlab could not start its cluster: {why}") }</div> };
        };
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
            SideTab::Inspect => {
                html! { <Inspector detail={p.detail.clone()} selection={p.selection.clone()} groups={p.view.groups.clone()} share_groups={p.view.share_groups.clone()}
                security={p.view.security.clone()} clients={p.view.clients.clone()} /> }
            }
            SideTab::Events => html! { <Feed feed={p.feed.clone()} /> },
            SideTab::Charts => html! { <Charts samples={p.samples.clone()} view={p.view.clone()} /> },
            SideTab::Metrics => html! { <MetricsPanel metrics={p.metrics.clone()} /> },
            SideTab::Learn => {
                html! { <LearnPanel lesson={p.lesson.clone()} done={p.lessons_done.clone()} embed={p.embed} /> }
            }
        };
        html! {
            <ContextProvider<LabContext> context={self.context.clone()}>
                <div class={classes!("app", p.embed.then_some("app--embed"))} data-testid="app">
                    if !p.embed {
                        <a class="skip-link" href="#console-input" data-testid="skip-to-console">{ "Skip to the console (or press /)" }</a>
                    }
                    <Header playing={p.playing} speed_log={p.speed_log} now_ms={p.now_ms} behind={p.behind}
                        viewing_past={p.viewing_past} findings={p.view.findings}  embed={p.embed} />
                    if let Some(e) = &p.boot_error {
                        <div class="notice notice--error" role="alert">{ e.to_string() }</div>
                    }
                    <main class="stage" id="stage" tabindex="-1" aria-label="The cluster">
                        <Stage view={p.view.clone()} flights={p.flights.clone()} focus={attr(&p.focus)} selection={p.selection.clone()} />
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
                            { tab_button(SideTab::Metrics, "Metrics") }
                        </div>
                        <div class="side__panel" id="side-panel" role="tabpanel">{ side }</div>
                    </aside>
                    <div class="timeline-row">
                    <Timeline now_ms={p.now_ms} head_ms={p.head_ms} viewing_past={p.viewing_past}
                        snapshots={p.snapshots.clone()} notice={p.notice.clone()} step_report={p.step_report.clone()} linked={p.linked} />
                    if !p.embed {
                        <Share saving={AttrValue::from(p.saving.clone())} read_only={p.read_only} saved_at={p.saved_at} linked={p.linked} shared_link={attr(&p.shared_link)} />
                    }
                    </div>
                    if !p.embed {
                        <Terminal lines={p.terminal.clone()} history={p.history.clone()} prompt={p.prompt} />
                    }
                </div>
            </ContextProvider<LabContext>>
        }
    }
}

impl App {
    /// Reports `event` to the lab, carries out what it asks, and takes the new view.
    /// Returns whether the page must redraw.
    fn report(&mut self, ctx: &Context<Self>, event: Event) -> bool {
        let Ok(lab) = self.lab.clone() else { return false };
        let Ok(mut l) = lab.try_borrow_mut() else { return false };
        let effects = l.update(event);
        let view = l.view();
        drop(l);
        self.carry_out(ctx, effects);
        let changed = self.published.as_ref().map(|p| !Rc::ptr_eq(p, &view)).unwrap_or(true);
        self.published = Some(view);
        changed
    }

    /// Does what the lab asked; answers come back as events.
    fn carry_out(&mut self, ctx: &Context<Self>, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::OpenStore { restore } => {
                    let link = ctx.link().clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        let (store, status) = Store::open().await;
                        let loaded = match (&store, restore) {
                            (Some(s), true) => s.load().await.map(|o| o.map(Box::new)).map_err(|e| e.to_string()),
                            _ => Ok(None),
                        };
                        link.send_message(Msg::StoreReady(store.map(Rc::new)));
                        link.send_message(Msg::Lab(Event::StoreOpened { status, loaded }));
                    });
                }
                Effect::Save { set, at_ms } => {
                    let link = ctx.link().clone();
                    match self.store.clone() {
                        Some(store) => wasm_bindgen_futures::spawn_local(async move {
                            let r = store.save(&set).await.map(|_| at_ms).map_err(|e| e.to_string());
                            link.send_message(Msg::Lab(Event::Saved(r)));
                        }),
                        None => link.send_message(Msg::Lab(Event::Saved(Err(StoreStatus::Off(
                            "the browser's storage is not open".into(),
                        )
                        .message())))),
                    }
                }
                Effect::TakeOver => {
                    if let Some(store) = self.store.clone() {
                        let link = ctx.link().clone();
                        wasm_bindgen_futures::spawn_local(async move {
                            let status = store.take_over().await;
                            link.send_message(Msg::Lab(Event::StoreStatus(status)));
                        });
                    }
                }
                Effect::Journal(w) => {
                    // Without a store there is nothing to journal into (saving is off and
                    // the page says so already).
                    if let Some(store) = self.store.clone() {
                        let link = ctx.link().clone();
                        wasm_bindgen_futures::spawn_local(async move {
                            if let Err(e) = store.journal(&w).await {
                                link.send_message(Msg::Lab(Event::JournalFailed(e.to_string())));
                            }
                        });
                    }
                }
                Effect::KeepLeave(text) => {
                    if let Some(e) = keep_leave(self.store.as_deref(), &text) {
                        ctx.link().send_message(Msg::Lab(e));
                    }
                }
                Effect::Copy(text) => persist::copy_to_clipboard(&text),
                Effect::Download { name, mime, text } => {
                    if let Err(e) = persist::download(name, mime, &text) {
                        ctx.link().send_message(Msg::Lab(Event::Failed(format!("The file could not be offered: {e}"))));
                    }
                }
            }
        }
    }

    fn request_frame(&mut self, ctx: &Context<Self>) {
        let link = ctx.link().clone();
        self.raf = Some(request_animation_frame(move |ts| link.send_message(Msg::Frame(ts))));
    }

    /// One frame's cost for `?bench=ui` (see [`Bench`]; the browser's style, layout and paint
    /// come after: the end-to-end benchmark measures whole frames separately).
    fn record_frame(&mut self, ms: f64, canvas_ms: f64) {
        let Some(b) = self.bench.as_mut() else { return };
        if b.done {
            return;
        }
        b.times.push(ms);
        let p = self.frame_parts;
        let yew_ms = (ms - canvas_ms - p.update_ms).max(0.0);
        for (v, x) in b.parts.iter_mut().zip([p.cost.simulate_ms, p.cost.publish_ms, yew_ms, canvas_ms]) {
            v.push(x);
        }
        set_window_value("__brokerlabBenchFrames", &(b.times.len() as f64).into());
        if b.times.len() >= BENCH_FRAMES {
            b.done = true;
            let mut t = b.times.clone();
            t.compact_sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
            let pick = |q: usize| t[(t.len() * q / 100).min(t.len() - 1)];
            let split: Vec<String> = ["simulation", "publish", "Yew views and patch", "canvas"]
                .iter()
                .zip(b.parts.iter())
                .map(|(name, v)| {
                    let mut v = v.clone();
                    v.compact_sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
                    let q =
                        |q: usize| v.get((v.len() * q / 100).min(v.len().saturating_sub(1))).copied().unwrap_or(0.0);
                    format!("{name} p50 {:.2} / p95 {:.2}", q(50), q(95))
                })
                .collect();
            let text = format!(
                "ui bench (our work per frame: simulation, publish, views, DOM patch, canvas; wasm): {} frames at 1x, {}: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms; split (ms): {}; {} ms simulated in {:.0} ms of frames",
                t.len(),
                b.cluster.describe(),
                pick(50),
                pick(95),
                pick(99),
                t[t.len() - 1],
                split.join(", "),
                b.latest.1 - b.first.map_or(b.latest.1, |f| f.1),
                b.latest.0 - b.first.map_or(b.latest.0, |f| f.0),
            );
            web_sys::console::log_1(&text.clone().into());
            set_window_value("__brokerlabBench", &text.into());
            set_window_value("__brokerlabBenchP95", &pick(95).into());
        }
    }
}
