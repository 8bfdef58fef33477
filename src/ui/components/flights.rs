//! The requests in flight, drawn on a canvas laid over the cluster diagram: a dot per request
//! or response moving along its link, shaped and coloured by kind, and the labels placed by
//! [`crate::lab::diagram::flight_labels`] (one per API and link, never overlapping).
//!
//! A canvas rather than SVG: dozens of dots move every frame, and as SVG nodes each frame cost a
//! style recalculation, a repaint of the whole layer and a DOM patch for every request sent or
//! landed. Here a frame is a clear and a few dozen fills, and nothing is drawn while nothing
//! moves. The canvas is an image with a name; the counts of each kind in flight stay as text in
//! the legend above the diagram (which describes it), and every request is in the Events feed.

use crate::lab::diagram::{flight_labels, flight_progress, FlightLabels, Rect, LABEL_H, WIDTH};
use crate::lab::request_kind::RequestKind;
use crate::lab::view::Flight;
use crate::sim::types::NodeAddr;
use gloo::events::EventListener;
use gloo::render::{request_animation_frame, AnimationFrame};
use std::cell::Cell;
use std::collections::BTreeMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, Element, HtmlCanvasElement, Path2d, ResizeObserver};
use yew::prelude::*;

thread_local! {
    /// Milliseconds spent drawing the canvas since the page last asked (the `?bench=ui` figure
    /// counts them as our work in the frame).
    static DRAW_MS: Cell<f64> = const { Cell::new(0.0) };
}

/// Takes the drawing time spent since the last call.
pub(crate) fn take_draw_ms() -> f64 {
    DRAW_MS.with(|d| d.replace(0.0))
}

fn perf_now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0)
}

#[derive(Properties, PartialEq)]
pub(crate) struct FlightsProps {
    pub(crate) flights: Rc<Vec<Flight>>,
    /// Where each node is, in diagram units.
    pub(crate) nodes: Rc<BTreeMap<NodeAddr, Rect>>,
    /// The diagram's SVG: the canvas draws in its coordinates, wherever it is scrolled.
    pub(crate) svg: NodeRef,
    /// The diagram's scrolling box: its size is reported through `on_resize`.
    pub(crate) scroller: NodeRef,
    /// The scrolling box's inner size in CSS pixels, whenever it changes.
    pub(crate) on_resize: Callback<(f64, f64)>,
}

pub(crate) enum Msg {
    Tick(f64),
    /// Sizes or scroll changed: read where the diagram is.
    Measure,
    /// The colour scheme changed: read the colours again.
    Theme,
}

/// Where the diagram's units are on the canvas (CSS pixels).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Mapping {
    ox: f64,
    oy: f64,
    scale: f64,
    dpr: f64,
}

/// The stylesheet's colours, read once (and again when the scheme changes).
struct Palette {
    kinds: Vec<String>,
    surface: String,
    text: String,
    bad: String,
    font: String,
}

pub(crate) struct FlightsCanvas {
    canvas: NodeRef,
    raf: Option<AnimationFrame>,
    labels: FlightLabels,
    mapping: Option<Mapping>,
    palette: Option<Palette>,
    context: Option<CanvasRenderingContext2d>,
    /// Each kind's shape, in [`RequestKind::ALL`] order.
    shapes: Vec<Option<Path2d>>,
    observer: Option<ResizeObserver>,
    _observed: Option<Closure<dyn FnMut()>>,
    _listeners: Vec<EventListener>,
    /// `prefers-reduced-motion`: the dots stay at their sender.
    still: bool,
    reported: Option<(f64, f64)>,
    /// Something is on the canvas (so an empty frame must still clear it).
    dirty: bool,
    /// Sizes or scrolling changed: measure at the next frame (acting inside the resize
    /// observer's callback could resize what it observes in the same frame, a loop the browser
    /// reports as an error).
    stale: bool,
}

impl Component for FlightsCanvas {
    type Message = Msg;
    type Properties = FlightsProps;

    fn create(ctx: &Context<Self>) -> Self {
        let p = ctx.props();
        FlightsCanvas {
            canvas: NodeRef::default(),
            raf: None,
            labels: flight_labels(&p.flights, &p.nodes),
            mapping: None,
            palette: None,
            context: None,
            shapes: RequestKind::ALL.iter().map(|k| Path2d::new_with_path_string(k.shape()).ok()).collect(),
            observer: None,
            _observed: None,
            _listeners: Vec::new(),
            still: media_matches("(prefers-reduced-motion: reduce)"),
            reported: None,
            dirty: false,
            stale: true,
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Tick(ts) => {
                self.raf = None;
                if std::mem::take(&mut self.stale) {
                    self.measure(ctx);
                }
                if self.draw(ctx, ts) {
                    self.schedule(ctx);
                }
            }
            Msg::Measure => {
                self.stale = true;
                self.schedule(ctx);
            }
            Msg::Theme => {
                self.palette = None;
                self.schedule(ctx);
            }
        }
        false
    }

    fn changed(&mut self, ctx: &Context<Self>, old: &FlightsProps) -> bool {
        let p = ctx.props();
        if p.flights != old.flights || p.nodes != old.nodes {
            self.labels = flight_labels(&p.flights, &p.nodes);
            self.schedule(ctx);
        }
        false
    }

    fn view(&self, _ctx: &Context<Self>) -> Html {
        html! {
            <canvas ref={self.canvas.clone()} class="diagram__flights" role="img" data-testid="flights"
                aria-label="Requests in flight between the nodes, drawn as moving shapes: triangles Produce, diamonds Fetch, squares group protocol, crosses transactions, circles metadata and control; hollow ones are responses"
                aria-describedby="request-legend" />
        }
    }

    fn rendered(&mut self, ctx: &Context<Self>, first_render: bool) {
        if !first_render {
            return;
        }
        let link = ctx.link().clone();
        let observed = Closure::<dyn FnMut()>::new(move || link.send_message(Msg::Measure));
        if let Ok(observer) = ResizeObserver::new(observed.as_ref().unchecked_ref()) {
            let p = ctx.props();
            for el in [self.canvas.cast::<Element>(), p.svg.cast::<Element>(), p.scroller.cast::<Element>()]
                .into_iter()
                .flatten()
            {
                observer.observe(&el);
            }
            self.observer = Some(observer);
        }
        self._observed = Some(observed);
        if let Some(scroller) = ctx.props().scroller.cast::<Element>() {
            let link = ctx.link().clone();
            self._listeners.push(EventListener::new(&scroller, "scroll", move |_| link.send_message(Msg::Measure)));
        }
        if let Some(mql) = web_sys::window().and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        {
            let link = ctx.link().clone();
            self._listeners.push(EventListener::new(&mql, "change", move |_| link.send_message(Msg::Theme)));
        }
        self.schedule(ctx);
    }

    fn destroy(&mut self, _ctx: &Context<Self>) {
        if let Some(o) = self.observer.take() {
            o.disconnect();
        }
    }
}

fn media_matches(query: &str) -> bool {
    web_sys::window().and_then(|w| w.match_media(query).ok().flatten()).map(|m| m.matches()).unwrap_or(false)
}

impl FlightsCanvas {
    fn schedule(&mut self, ctx: &Context<Self>) {
        if self.raf.is_none() {
            let link = ctx.link().clone();
            self.raf = Some(request_animation_frame(move |ts| link.send_message(Msg::Tick(ts))));
        }
    }

    /// Reads where the diagram is (after layout: from the resize observer or a scroll), sizes
    /// the canvas to its box, and reports the scrolling box's size.
    fn measure(&mut self, ctx: &Context<Self>) {
        let p = ctx.props();
        let (Some(canvas), Some(svg)) = (self.canvas.cast::<HtmlCanvasElement>(), p.svg.cast::<Element>()) else {
            return;
        };
        let c = canvas.get_bounding_client_rect();
        let s = svg.get_bounding_client_rect();
        let dpr = web_sys::window().map(|w| w.device_pixel_ratio()).unwrap_or(1.0).max(1.0);
        let (bw, bh) = ((c.width() * dpr).round().max(1.0) as u32, (c.height() * dpr).round().max(1.0) as u32);
        if canvas.width() != bw || canvas.height() != bh {
            canvas.set_width(bw);
            canvas.set_height(bh);
        }
        self.mapping =
            Some(Mapping { ox: s.left() - c.left(), oy: s.top() - c.top(), scale: s.width().max(1.0) / WIDTH, dpr });
        if self.palette.is_none() {
            self.palette = palette(&canvas);
        }
        if let Some(scroller) = p.scroller.cast::<Element>() {
            let size = (f64::from(scroller.client_width()), f64::from(scroller.client_height()));
            if size.0 > 0.0 && self.reported != Some(size) {
                self.reported = Some(size);
                p.on_resize.emit(size);
            }
        }
    }

    /// Draws the frame at `ts` (the animation clock, as the lab's flights are timed); returns
    /// whether something is still moving (then the next frame is drawn too).
    fn draw(&mut self, ctx: &Context<Self>, ts: f64) -> bool {
        let started = perf_now();
        let moving = self.paint(ctx, ts).unwrap_or(false);
        DRAW_MS.with(|d| d.set(d.get() + perf_now() - started));
        moving
    }

    fn paint(&mut self, ctx: &Context<Self>, ts: f64) -> Option<bool> {
        let p = ctx.props();
        let canvas = self.canvas.cast::<HtmlCanvasElement>()?;
        let m = self.mapping?;
        if self.context.is_none() {
            self.context = canvas.get_context("2d").ok().flatten().and_then(|c| c.dyn_into().ok());
        }
        if self.palette.is_none() {
            self.palette = palette(&canvas);
        }
        let (g, pal) = (self.context.as_ref()?, self.palette.as_ref()?);
        if self.dirty {
            g.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0).ok()?;
            g.clear_rect(0.0, 0.0, f64::from(canvas.width()), f64::from(canvas.height()));
            self.dirty = false;
        }
        let k = m.dpr * m.scale;
        let at = |x: f64, y: f64| {
            g.set_transform(k, 0.0, 0.0, k, m.dpr * (m.ox + m.scale * x), m.dpr * (m.oy + m.scale * y))
        };
        let mut moving = false;
        for f in p.flights.iter() {
            let (Some(a), Some(b)) = (p.nodes.get(&f.from), p.nodes.get(&f.to)) else { continue };
            let elapsed = if self.still { 0.0 } else { ts - f.started_ms as f64 };
            let Some((along, alpha)) = flight_progress(elapsed, f.duration_ms) else { continue };
            moving |= !self.still;
            let i = RequestKind::ALL.iter().position(|x| *x == f.kind).unwrap_or(0);
            let Some(Some(shape)) = self.shapes.get(i) else { continue };
            let (x1, y1) = a.anchor_towards(b);
            let (x2, y2) = b.anchor_towards(a);
            at(x1 + (x2 - x1) * along, y1 + (y2 - y1) * along).ok()?;
            g.set_global_alpha(alpha);
            let kind = pal.kinds.get(i).map(String::as_str).unwrap_or("#888");
            let fill = if f.error {
                pal.bad.as_str()
            } else if f.response {
                pal.surface.as_str()
            } else {
                kind
            };
            g.set_fill_style_str(fill);
            g.fill_with_path_2d(shape);
            if f.response {
                g.set_stroke_style_str(kind);
                g.set_line_width(1.8);
            } else {
                g.set_stroke_style_str(&pal.surface);
                g.set_line_width(1.2);
            }
            g.stroke_with_path(shape);
            self.dirty = true;
        }
        if !self.labels.labels.is_empty() {
            at(0.0, 0.0).ok()?;
            g.set_font(&format!("10px {}", pal.font));
            g.set_line_width(1.0);
            for l in &self.labels.labels {
                let i = RequestKind::ALL.iter().position(|x| *x == l.kind).unwrap_or(0);
                let r = l.rect;
                g.begin_path();
                g.round_rect_with_f64(r.x, r.y, r.w, LABEL_H, 3.0).ok()?;
                g.set_global_alpha(0.92);
                g.set_fill_style_str(&pal.surface);
                g.fill();
                g.set_stroke_style_str(pal.kinds.get(i).map(String::as_str).unwrap_or("#888"));
                g.stroke();
                g.set_global_alpha(1.0);
                g.set_fill_style_str(&pal.text);
                g.fill_text(&l.text, r.x + 4.0, r.y + 10.5).ok()?;
            }
            self.dirty = true;
        }
        g.set_global_alpha(1.0);
        Some(moving)
    }
}

/// The colours of the kinds (as the legend shows them) and of the page, from the stylesheet.
fn palette(canvas: &HtmlCanvasElement) -> Option<Palette> {
    let style = web_sys::window()?.get_computed_style(canvas).ok()??;
    let var = |name: &str| style.get_property_value(name).map(|v| v.trim().to_string()).unwrap_or_default();
    let kinds = RequestKind::ALL
        .iter()
        .map(|k| match k {
            RequestKind::Produce => var("--series-1"),
            RequestKind::Fetch => var("--accent"),
            RequestKind::Group => var("--series-2"),
            RequestKind::Transaction => var("--warn"),
            RequestKind::Control => var("--follower"),
        })
        .collect();
    let font = var("font-family");
    Some(Palette {
        kinds,
        surface: var("--surface"),
        text: var("--text"),
        bad: var("--bad"),
        font: if font.is_empty() { "sans-serif".into() } else { font },
    })
}
