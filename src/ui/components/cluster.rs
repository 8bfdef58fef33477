//! The cluster diagram: controllers, brokers with their partition replicas (role, ISR, LEO and
//! HW), clients, cut or slowed links (SVG, one component per node and per replica, so a frame
//! patches only what moved), and the requests flying between them, labelled with their Kafka
//! APIs (a canvas over it: [`super::flights`]). Colour is never the only signal: roles have
//! letters, out-of-sync replicas a dashed outline and a word, dead nodes a cross and a status
//! word, request kinds a shape.

use crate::lab::diagram::{in_flight_by_kind, parked_fetches};
use crate::lab::overview::wants_overview;
use crate::lab::request_kind::RequestKind;
use crate::lab::view::{Flight, Selection};
use crate::lab::Event as LabEvent;
use crate::sim::types::NodeAddr;
use crate::sim::view::names::{ControllerRole, ReplicaRole};
use crate::sim::view::{BrokerView, ClientView, ControllerView, NodeStatus, ReplicaView, ViewModel, TAIL_LEN};
use crate::ui::components::flights::FlightsCanvas;
use crate::ui::components::overview::OverviewPanel;
use crate::ui::components::remote::RemoteStorePanel;
use crate::ui::context::LabContext;
use crate::ui::layout::{self, visible_replicas, Rect, CHIP_H, MAX_CHIPS, WIDTH};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub(crate) struct ClusterProps {
    pub(crate) view: Rc<ViewModel>,
    pub(crate) flights: Rc<Vec<Flight>>,
    pub(crate) focus: Option<AttrValue>,
    pub(crate) selection: Option<Selection>,
}

fn keyboard_click(cb: Callback<()>) -> Callback<KeyboardEvent> {
    Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" || e.key() == " " {
            e.prevent_default();
            cb.emit(());
        }
    })
}

#[component]
pub(crate) fn ClusterDiagram(props: &ClusterProps) -> Html {
    let ctx = use_context::<LabContext>();
    // The scrolling box's inner size (CSS px), once measured: the diagram is drawn to fit it
    // while it stays readable, and scrolls otherwise (`diagram::fit`).
    let size = use_state_eq(|| None::<(f64, f64)>);
    let svg = use_node_ref();
    let scroller = use_node_ref();
    let focus = props.focus.as_ref().map(|f| f.to_string());
    let layout = layout::compute(&props.view, focus.as_deref(), false);
    let Some(ctx) = ctx else { return html! {} };
    let view_box = format!("0 0 {WIDTH} {:.0}", layout.height);
    let style = size.map(|(w, h)| {
        let (w, h) = layout::fit(w, h, layout.height);
        format!("width:{w:.0}px;height:{h:.0}px")
    });
    let on_resize = {
        let size = size.clone();
        Callback::from(move |wh: (f64, f64)| size.set(Some(wh)))
    };
    // Links with a fault rule.
    let links = props.view.links.iter().filter_map(|l| {
        let (a, b) = (layout.nodes.get(&l.from)?, layout.nodes.get(&l.to)?);
        let (x1, y1) = a.center();
        let (x2, y2) = b.center();
        // A link between two nodes of one row with another node between them would run under
        // that node, where it can be neither seen nor clicked: it arcs over the row instead.
        let between = layout.nodes.iter().any(|(n, r)| {
            *n != l.from && *n != l.to && (r.center().1 - y1).abs() < 1.0 && r.center().0 > x1.min(x2) && r.center().0 < x1.max(x2)
        });
        let (path, mx, my) = if (y1 - y2).abs() < 1.0 && between {
            let apex = a.y.min(b.y) - 18.0;
            let cy = 2.0 * apex - y1;
            (format!("M{x1:.1} {y1:.1} Q{:.1} {cy:.1} {x2:.1} {y2:.1}", (x1 + x2) / 2.0), (x1 + x2) / 2.0, apex - 4.0)
        } else {
            (format!("M{x1:.1} {y1:.1} L{x2:.1} {y2:.1}"), (x1 + x2) / 2.0, (y1 + y2) / 2.0)
        };
        let label = if l.cut {
            "✂ cut".to_string()
        } else if l.extra_latency_ms > 0 {
            format!("+{} ms", l.extra_latency_ms)
        } else if l.loss_percent > 0 {
            format!("{}% loss", l.loss_percent)
        } else {
            return None;
        };
        let open = {
            let d = ctx.dispatch.clone();
            let (from, to) = (l.from, l.to);
            Callback::from(move |_: MouseEvent| d.emit(LabEvent::Menu(Some(Selection::Link(from, to)))))
        };
        Some(html! {
            <g class={classes!("link", l.cut.then_some("link--cut"))} key={format!("{}>{}", l.from, l.to)} onclick={open}>
                <path d={path} />
                <text x={format!("{mx:.1}")} y={format!("{my:.1}")} class="link__label">{ format!("{label} {}→{}", short(l.from), short(l.to)) }</text>
            </g>
        })
    });
    // One component per node: a node whose numbers, place and selection did not change is not
    // rebuilt, nor patched (most frames move the HW of a few partitions only).
    let controllers = props.view.controllers.iter().filter_map(|c| {
        layout.nodes.get(&NodeAddr::Controller(c.id)).map(|r| {
            let selected = matches!(props.selection, Some(Selection::Controller(id)) if id == c.id);
            html! { <ControllerNode key={format!("c{}", c.id)} controller={c.clone()} rect={*r} {selected} /> }
        })
    });
    let brokers = props.view.brokers.iter().filter_map(|b| {
        layout.nodes.get(&NodeAddr::Broker(b.id)).map(|r| {
            let selected = match &props.selection {
                Some(Selection::Broker(x)) if *x == b.id => Some(Selection::Broker(*x)),
                Some(Selection::Replica(x, tp)) if *x == b.id => Some(Selection::Replica(*x, tp.clone())),
                _ => None,
            };
            html! { <BrokerCard key={format!("b{}", b.id)} broker={b.clone()} rect={*r} focus={props.focus.clone()} selection={selected} /> }
        })
    });
    let clients = props.view.clients.iter().filter_map(|c| {
        layout.nodes.get(&NodeAddr::Client(c.id)).map(|r| {
            let selected = matches!(props.selection, Some(Selection::Client(x)) if x == c.id);
            html! { <ClientNode key={format!("cl{}", c.id)} client={c.clone()} rect={*r} {selected} /> }
        })
    });
    // Two clusters: each in a labelled region; each running MirrorMaker between them.
    let regions = layout.regions.iter().enumerate().map(|(i, (label, r))| {
        html! {
            <g class="region" key={format!("region{i}")} data-testid={format!("cluster-region-{i}")}>
                <rect x={format!("{:.1}", r.x)} y={format!("{:.1}", r.y)} width={format!("{:.1}", r.w)} height={format!("{:.1}", r.h)} rx="10" class="region__box" />
                <text x={format!("{:.1}", r.x + 12.0)} y={format!("{:.1}", r.y + 18.0)} class="region__label">{ label.clone() }</text>
            </g>
        }
    });
    let mirrors = layout.mirrors.iter().filter_map(|(id, r)| {
        let m = props.view.mirrors.iter().find(|m| m.id == *id)?;
        let flows: Vec<String> = m.flows.iter().map(|f| format!("{}→{}", f.source, f.target)).collect();
        let lag: i64 = m.flows.iter().map(|f| f.lag).sum();
        let topics: u32 = m.flows.iter().map(|f| f.topics).sum();
        let checkpoints: u32 = m.flows.iter().map(|f| f.checkpoints).sum();
        let sub = format!("{topics} topic(s) · copy lag {lag} · {checkpoints} checkpoint(s)");
        Some(html! {
            <g class="node node--mirror" key={format!("mm{id}")} transform={format!("translate({:.1} {:.1})", r.x, r.y)} data-testid={format!("mirror-maker-{id}")}>
                <rect width={r.w.to_string()} height={r.h.to_string()} rx="8" />
                <text x="10" y="18" class="node__title">{ format!("MirrorMaker 2 · {} ⇣", flows.join(", ")) }</text>
                <text x="10" y="35" class="node__sub">{ sub.clone() }</text>
                <title>{ format!("MirrorMaker {id}: {}, {sub}", flows.join(", ")) }</title>
            </g>
        })
    });
    let empty = props.view.brokers.is_empty();
    html! {
        <div class="diagram-wrap">
            <div class="diagram-scroll" ref={scroller.clone()}>
                <svg ref={svg.clone()} class="diagram" {style} viewBox={view_box} role="group" aria-label="Cluster diagram" data-testid="diagram">
                    if empty {
                        <text x={format!("{:.0}", WIDTH / 2.0)} y="200" text-anchor="middle" class="diagram__empty">{ "Starting the cluster…" }</text>
                    }
                    <g class="regions">{ for regions }</g>
                    <g class="mirrors">{ for mirrors }</g>
                    <g class="links">{ for links }</g>
                    <g class="controllers">{ for controllers }</g>
                    <g class="brokers">{ for brokers }</g>
                    <g class="clients">{ for clients }</g>
                </svg>
            </div>
            <FlightsCanvas flights={props.flights.clone()} nodes={Rc::new(layout.nodes)} {svg} {scroller} {on_resize} />
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct BrokerProps {
    broker: BrokerView,
    rect: Rect,
    focus: Option<AttrValue>,
    /// The selection when it is this broker or one of its replicas.
    selection: Option<Selection>,
}

#[component]
fn BrokerCard(props: &BrokerProps) -> Html {
    let Some(ctx) = use_context::<LabContext>() else { return html! {} };
    broker_node(&props.broker, &props.rect, props.focus.as_deref(), &ctx, &props.selection)
}

#[derive(Properties, PartialEq)]
struct ControllerProps {
    controller: ControllerView,
    rect: Rect,
    selected: bool,
}

#[component]
fn ControllerNode(props: &ControllerProps) -> Html {
    let Some(ctx) = use_context::<LabContext>() else { return html! {} };
    controller_node(&props.controller, &props.rect, &ctx, props.selected)
}

#[derive(Properties, PartialEq)]
struct ClientProps {
    client: ClientView,
    rect: Rect,
    selected: bool,
}

#[component]
fn ClientNode(props: &ClientProps) -> Html {
    let Some(ctx) = use_context::<LabContext>() else { return html! {} };
    client_node(&props.client, &props.rect, &ctx, props.selected)
}

#[derive(Properties, PartialEq)]
struct ChipProps {
    broker: i32,
    replica: ReplicaView,
    w: f64,
    y: f64,
    selected: bool,
}

/// A replica's chip: re-rendered only when its own numbers, records or selection change.
#[component]
fn ReplicaChip(props: &ChipProps) -> Html {
    let Some(ctx) = use_context::<LabContext>() else { return html! {} };
    replica_chip(props.broker, &props.replica, props.w, props.y, &ctx, props.selected)
}

/// How the stylesheet marks a node's status.
fn status_class(s: NodeStatus) -> &'static str {
    match s {
        NodeStatus::Running => "ok",
        NodeStatus::Fenced | NodeStatus::Starting | NodeStatus::ShuttingDown => "warn",
        NodeStatus::Down => "down",
    }
}

fn short(n: NodeAddr) -> String {
    match n {
        NodeAddr::Broker(b) => format!("b{b}"),
        NodeAddr::Controller(c) => format!("c{c}"),
        NodeAddr::Client(c) => format!("client {c}"),
    }
}

fn controller_node(c: &ControllerView, r: &Rect, ctx: &LabContext, selected: bool) -> Html {
    let select = {
        let dispatch = ctx.dispatch.clone();
        let id = c.id;
        Callback::from(move |_| dispatch.emit(LabEvent::Select(Some(Selection::Controller(id)))))
    };
    let active = c.role == ControllerRole::Active;
    let status = if !c.up { "down ✕" } else { c.role.name() };
    html! {
        <g key={format!("c{}", c.id)} class={classes!("node", "node--controller", (!c.up).then_some("node--down"), active.then_some("node--active"), selected.then_some("node--selected"))}
            transform={format!("translate({:.1} {:.1})", r.x, r.y)}
            onclick={let s = select.clone(); move |_: MouseEvent| s.emit(())} onkeydown={keyboard_click(select)} data-testid={format!("controller-{}", c.id)}>
            <rect width={r.w.to_string()} height={r.h.to_string()} rx="8" />
            <text x="10" y="18" class="node__title">{ format!("controller {}", c.id) }{ if active { " ★" } else { "" } }</text>
            <text x="10" y="35" class="node__sub">{ format!("{status} · epoch {} · HW {}", c.epoch, c.high_watermark.max(0)) }</text>
            { hit(r.w, r.h, 8.0, format!("controller {} ({status}), metadata epoch {}, high watermark {}", c.id, c.epoch, c.high_watermark.max(0))) }
        </g>
    }
}

fn broker_node(b: &BrokerView, r: &Rect, focus: Option<&str>, ctx: &LabContext, sel: &Option<Selection>) -> Html {
    let id = b.id;
    let select = {
        let dispatch = ctx.dispatch.clone();
        Callback::from(move |_| dispatch.emit(LabEvent::Select(Some(Selection::Broker(id)))))
    };
    let menu = {
        let dispatch = ctx.dispatch.clone();
        Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            e.stop_propagation();
            dispatch.emit(LabEvent::Menu(Some(Selection::Broker(id))))
        })
    };
    let selected = matches!(sel, Some(Selection::Broker(x)) if *x == id);
    let replicas = visible_replicas(&b.replicas, focus, false);
    let total = replicas.len();
    let chips = replicas
        .iter()
        .take(MAX_CHIPS)
        .enumerate()
        .map(|(i, rep)| {
            let selected = matches!(sel, Some(Selection::Replica(b, t)) if *b == id && *t == rep.tp);
            html! { <ReplicaChip key={rep.tp.to_string()} broker={id} replica={(*rep).clone()} w={r.w - 20.0} y={52.0 + i as f64 * (CHIP_H + 3.0)} {selected} /> }
        });
    let more = total.saturating_sub(MAX_CHIPS);
    let status = b.status;
    let slow = if b.slow_ms > 0 { format!(" · slow {} s", b.slow_ms / 1000) } else { String::new() };
    // Its rack (broker.rack) and the fetches waiting at it now (long polls).
    let rack = b.rack.as_ref().map(|r| format!(" · rack {r}")).unwrap_or_default();
    let waiting = match b.waiting_fetches {
        0 => String::new(),
        n => format!(" · {n} fetches waiting"),
    };
    let slow = format!("{rack}{slow}{waiting}");
    html! {
        <g key={format!("b{id}")} class={classes!("node", "node--broker", format!("node--{}", status_class(status)), selected.then_some("node--selected"))}
            transform={format!("translate({:.1} {:.1})", r.x, r.y)} data-testid={format!("broker-{id}")}>
            <rect class="node__frame" width={r.w.to_string()} height={r.h.to_string()} rx="10" />
            <g class="node__head"
                onclick={let s = select.clone(); move |_: MouseEvent| s.emit(())} oncontextmenu={menu.clone()}
                onkeydown={{ let dispatch = ctx.dispatch.clone(); Callback::from(move |e: KeyboardEvent| if e.key() == "Enter" || e.key() == " " { e.prevent_default(); dispatch.emit(LabEvent::Menu(Some(Selection::Broker(id)))); }) }}>
                <rect width={r.w.to_string()} height="44" rx="10" class="node__head-bg" />
                <text x="12" y="20" class="node__title">{ format!("broker {id}") }{ if status == NodeStatus::Down { " ✕" } else { "" } }</text>
                <text x="12" y="36" class="node__sub">
                    <title>{ format!("{} leaderships of the cluster's topics; {} of internal topics (__consumer_offsets, …){}; {} fetches waiting here (long polls: fetch.min.bytes not readable yet, fetch.max.wait.ms not passed)", b.leaders, b.internal_leaders, b.rack.as_ref().map(|r| format!("; in rack {r}")).unwrap_or_default(), b.waiting_fetches) }</title>
                    { format!("{} · {} leader{}{slow}", status.label(), b.leaders, if b.leaders == 1 { "" } else { "s" }) }
                </text>
                { hit(r.w, 44.0, 10.0, format!("broker {id}, {}, {} leaders{slow}. Press Enter for actions", status.label(), b.leaders)) }
                <g class="node__menu-button" transform={format!("translate({:.1} 8)", r.w - 30.0)} onclick={menu}>
                    <rect width="22" height="22" rx="6" />
                    <text x="11" y="16" text-anchor="middle">{ "⋯" }</text>
                </g>
            </g>
            { for chips }
            if more > 0 {
                <text x="10" y={format!("{:.1}", 52.0 + MAX_CHIPS as f64 * (CHIP_H + 3.0) + 14.0)} class="node__more">{ format!("+{more} more (focus a topic)") }</text>
            }
        </g>
    }
}

fn replica_chip(broker: i32, rep: &ReplicaView, w: f64, y: f64, ctx: &LabContext, selected: bool) -> Html {
    let tp = rep.tp.clone();
    let select = {
        let dispatch = ctx.dispatch.clone();
        let tp = tp.clone();
        Callback::from(move |_| dispatch.emit(LabEvent::Select(Some(Selection::Replica(broker, tp.clone())))))
    };
    let menu = {
        let dispatch = ctx.dispatch.clone();
        let tp = tp.clone();
        Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            e.stop_propagation();
            dispatch.emit(LabEvent::Menu(Some(Selection::Replica(broker, tp.clone()))))
        })
    };
    let (role, role_word, role_class) = match rep.role {
        ReplicaRole::Leader => ("L", "leader", "chip--leader"),
        ReplicaRole::Follower { leader } if leader < 0 => ("F", "follower with no leader", "chip--offline"),
        ReplicaRole::Follower { .. } => ("F", "follower", "chip--follower"),
        ReplicaRole::Down | ReplicaRole::NotHosted => ("–", "offline", "chip--offline"),
    };
    let out = if rep.in_isr { "" } else { " ✗" };
    let numbers = if matches!(rep.role, ReplicaRole::Follower { .. }) && rep.behind > 0 {
        format!("HW {} · LEO {} (−{})", rep.hw, rep.leo, rep.behind)
    } else {
        format!("HW {} · LEO {}", rep.hw, rep.leo)
    };
    // The newest records as cells, as many as fit: committed (below the HW) filled, the
    // uncommitted tail hollow and dashed. Each shows its key's first letter. Drawn as one path
    // per kind of cell and one text per colour of letter (each letter placed by its own x), so
    // a tail costs the same few nodes however many records pass through it.
    let cell = 15.0;
    // Room first for the label and four-digit HW/LEO (`clicks-10 F ✗` and `1630/1631`).
    let fit = ((w - 160.0) / cell).floor().clamp(0.0, TAIL_LEN as f64) as usize;
    let cells: Vec<_> = rep.tail.iter().rev().take(fit).rev().collect();
    let cells_x = w - 4.0 - cells.len() as f64 * cell;
    let committed = cells.iter().take_while(|c| c.offset < rep.hw).count();
    // The label ends before the HW/LEO numbers (10-px monospace, 6 units a character).
    let hw_leo = format!("{}/{}", rep.hw.max(0), rep.leo.max(0));
    let room = cells_x - 4.0 - hw_leo.chars().count() as f64 * 6.0 - 6.0 - 6.0;
    let label = crate::lab::diagram::chip_label(&rep.tp.topic, rep.tp.partition, &format!("{role}{out}"), room);
    let mut paths = [String::new(), String::new()];
    let mut letters = [String::new(), String::new()];
    let mut xs = [String::new(), String::new()];
    let mut about = Vec::new();
    for (i, c) in cells.iter().enumerate() {
        let k = usize::from(i >= committed);
        let x = cells_x + i as f64 * cell;
        paths[k].push_str(&format!("M{x:.1} 3h{:.0}v14h-{:.0}Z", cell - 2.0, cell - 2.0));
        letters[k].push(cell_letter(c));
        xs[k].push_str(&format!("{:.1} ", x + (cell - 2.0) / 2.0));
        let key_text = match &c.key {
            Some(k) => format!("key {}", String::from_utf8_lossy(k)),
            None => "no key".to_string(),
        };
        about.push(format!(
            "offset {} · {key_text} · leader epoch {} · {}",
            c.offset,
            c.epoch,
            if i < committed { "committed" } else { "not yet committed (at or above the HW)" }
        ));
    }
    let offsets: Vec<i64> = cells.iter().map(|c| c.offset).collect();
    // One listener for the cells: the cell under the pointer, from where in its path it is.
    let open = {
        let dispatch = ctx.dispatch.clone();
        let tp = tp.clone();
        Callback::from(move |e: MouseEvent| {
            let Some(el) = e.target_dyn_into::<web_sys::Element>() else { return };
            let attr = |n: &str| el.get_attribute(n).and_then(|v| v.parse::<usize>().ok());
            let (Some(first), Some(count)) = (attr("data-first"), attr("data-count")) else { return };
            e.stop_propagation();
            let r = el.get_bounding_client_rect();
            let units = count as f64 * cell - 2.0;
            let at = (f64::from(e.client_x()) - r.left()) / r.width().max(1.0) * units / cell;
            let i = first + (at.max(0.0) as usize).min(count.saturating_sub(1));
            if let Some(offset) = offsets.get(i) {
                dispatch.emit(LabEvent::Select(Some(Selection::Record(broker, tp.clone(), *offset))))
            }
        })
    };
    let groups = [(0, committed, "cell--committed"), (committed, cells.len() - committed, "cell--uncommitted")];
    let cell_html = html! {
        <g class="cells" onclick={open}>
            { for groups.iter().zip(paths.iter()).filter(|((_, n, _), _)| *n > 0).map(|((first, n, class), d)| html! {
                <path class={classes!("cell", *class)} d={d.clone()} data-first={first.to_string()} data-count={n.to_string()} />
            }) }
            { for groups.iter().enumerate().filter(|(_, (_, n, _))| *n > 0).map(|(k, (_, _, class))| html! {
                <text class={classes!("cell__keys", *class)} x={xs[k].trim_end().to_string()} y="14" text-anchor="middle">{ letters[k].clone() }</text>
            }) }
            if !about.is_empty() {
                <title>{ about.join("\n") }</title>
            }
        </g>
    };
    html! {
        <g key={format!("{}", rep.tp)} class={classes!("chip", role_class, (!rep.in_isr).then_some("chip--out-of-isr"), selected.then_some("chip--selected"))}
            transform={format!("translate(10 {y:.1})")}
            onclick={let s = select.clone(); move |_: MouseEvent| s.emit(())} oncontextmenu={menu} onkeydown={keyboard_click(select)}>
            <rect width={format!("{w:.1}")} height={CHIP_H.to_string()} rx="5" class="chip__bg" />
            <text x="6" y="14" class="chip__label">{ label }</text>
            <text x={format!("{:.1}", cells_x - 4.0)} y="14" text-anchor="end" class="chip__numbers">{ hw_leo }</text>
            // Under the record cells, which open a record each.
            { hit(w, CHIP_H, 5.0, format!("{} on broker {broker}: {role_word}{}, {numbers}, leader epoch {}", rep.tp, if rep.in_isr { ", in sync" } else { ", out of the ISR" }, rep.epoch)) }
            { cell_html }
            <title>{ format!("{numbers} · leader epoch {}", rep.epoch) }</title>
        </g>
    }
}

/// The letter a record's cell shows: its key's first character (`·` without a key, `✓` for a
/// transaction marker). One character that SVG lays out at its own x: no whitespace (which SVG
/// collapses) and nothing outside the Basic Multilingual Plane (two UTF-16 units).
fn cell_letter(c: &crate::sim::view::TailCell) -> char {
    if c.control {
        return '✓';
    }
    match c.key.as_ref().and_then(|k| String::from_utf8_lossy(k).chars().next()) {
        None => '·',
        Some(ch) if ch.is_whitespace() || ch.is_control() || u32::from(ch) > 0xFFFF => '·',
        Some(ch) => ch,
    }
}

fn client_node(c: &ClientView, r: &Rect, ctx: &LabContext, selected: bool) -> Html {
    let id = c.id;
    let select = {
        let dispatch = ctx.dispatch.clone();
        Callback::from(move |_| dispatch.emit(LabEvent::Select(Some(Selection::Client(id)))))
    };
    let menu = {
        let dispatch = ctx.dispatch.clone();
        Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            dispatch.emit(LabEvent::Menu(Some(Selection::Client(id))))
        })
    };
    let mut title = match &c.group {
        Some(g) => format!("{} ({}) · group {g}", c.name, c.kind),
        None => format!("{} ({})", c.name, c.kind),
    };
    if let Some(p) = &c.principal {
        title.push_str(&format!(" · {p}"));
    }
    // What holds it back (refused, throttled) replaces its summary on the card, in words.
    let sub = match (&c.trouble, &c.group) {
        (Some(t), _) => format!("⚠ {t}"),
        (None, Some(g)) => format!("group {g} · {}", c.summary),
        (None, None) => c.summary.clone(),
    };
    let spoken = match &c.trouble {
        Some(t) => format!("{title}, {t}, {}. Press Enter for actions", c.summary),
        None => format!("{title}, {}. Press Enter for actions", c.summary),
    };
    html! {
        <g key={format!("cl{id}")} class={classes!("node", "node--client", format!("node--{}", c.kind), c.paused.then_some("node--paused"), c.trouble.is_some().then_some("node--trouble"), selected.then_some("node--selected"))}
            transform={format!("translate({:.1} {:.1})", r.x, r.y)}
            onclick={let s = select.clone(); move |_: MouseEvent| s.emit(())} oncontextmenu={menu}
            onkeydown={{ let dispatch = ctx.dispatch.clone(); Callback::from(move |e: KeyboardEvent| if e.key() == "Enter" || e.key() == " " { e.prevent_default(); dispatch.emit(LabEvent::Menu(Some(Selection::Client(id)))); }) }}
            data-testid={format!("client-{}", c.name)}>
            <rect width={r.w.to_string()} height={r.h.to_string()} rx="8" />
            <title>{ title.clone() }</title>
            <text x="10" y="18" class="node__title">{ truncate(&format!("{} ({})", c.name, c.kind), 24) }{ if c.paused { " ⏸" } else { "" } }</text>
            <text x="10" y="36" class="node__sub" data-testid="client-sub">{ truncate(&sub, 30) }</text>
            { hit(r.w, r.h, 8.0, spoken) }
        </g>
    }
}

/// The focusable, named target of a node drawn over its texts: a transparent shape with the
/// node's accessible name. The texts stay outside it, so a name can say more than the
/// (possibly shortened) text shown without contradicting it (WCAG 2.5.3, label in name);
/// clicks and keys bubble to the node, which handles them.
fn hit(w: f64, h: f64, rx: f64, label: String) -> Html {
    html! {
        <rect class="hit" width={format!("{w:.1}")} height={format!("{h:.1}")} rx={rx.to_string()} tabindex="0" role="button" aria-label={label} />
    }
}

/// What a request kind covers, as the legend's tooltip says it.
fn kind_help(k: RequestKind) -> &'static str {
    match k {
        RequestKind::Produce => "Produce requests: producers writing to partition leaders",
        RequestKind::Fetch => "Fetch requests: consumers reading, followers replicating from their leader",
        RequestKind::Group => "Group protocol: JoinGroup, SyncGroup, Heartbeat, OffsetCommit, FindCoordinator, …",
        RequestKind::Transaction => "Transactions: InitProducerId, AddPartitionsToTxn, EndTxn, WriteTxnMarkers, …",
        RequestKind::Control => "Metadata, admin calls and the KRaft control plane: Metadata, CreateTopics, BrokerHeartbeat, AlterPartition, Vote, …",
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let t: String = s.chars().take(n - 1).collect();
        format!("{t}…")
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum StageMode {
    Diagram,
    Overview,
    Partitions,
}

/// The cluster area: a topic focus (scale: one topic at a time), and two ways to look — the
/// diagram, or a table of every partition grouped by topic (virtualised, for big clusters).
#[component]
pub(crate) fn Stage(props: &ClusterProps) -> Html {
    let ctx = use_context::<LabContext>().expect("LabContext");
    // Chosen by the learner, or (None) the overview for a large cluster, the diagram otherwise.
    let chosen = use_state(|| None::<StageMode>);
    let large = wants_overview(&props.view, props.focus.as_deref());
    let mode = chosen.unwrap_or(if large { StageMode::Overview } else { StageMode::Diagram });
    let on_focus = {
        let d = ctx.dispatch.clone();
        Callback::from(move |e: Event| {
            if let Some(sel) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                let v = sel.value();
                d.emit(LabEvent::Focus(if v.is_empty() { None } else { Some(v) }));
            }
        })
    };
    let focus = props.focus.as_ref().map(|f| f.to_string()).unwrap_or_default();
    let option =
        |name: &str| html! { <option value={name.to_string()} selected={focus == name}>{ name.to_string() }</option> };
    let user: Vec<Html> = props.view.topics.iter().filter(|t| !t.internal).map(|t| option(&t.name)).collect();
    let internal: Vec<Html> = props.view.topics.iter().filter(|t| t.internal).map(|t| option(&t.name)).collect();
    let mode_button = |m: StageMode, label: &'static str| {
        let chosen = chosen.clone();
        let pressed = mode == m;
        html! {
            <button type="button" class={classes!("seg", pressed.then_some("seg--on"))} aria-pressed={pressed.to_string()}
                onclick={move |_: MouseEvent| chosen.set(Some(m))} data-testid={format!("mode-{}", label.to_lowercase())}>{ label }</button>
        }
    };
    let on_diagram = {
        let d = ctx.dispatch.clone();
        let chosen = chosen.clone();
        Callback::from(move |topic: String| {
            chosen.set(Some(StageMode::Diagram));
            d.emit(LabEvent::Focus(Some(topic)));
        })
    };
    let kinds = in_flight_by_kind(&props.flights);
    let parked = parked_fetches(&props.view);
    html! {
        <>
            <div class="stage__bar">
                <label class="field">
                    <span>{ "Topic" }</span>
                    <select onchange={on_focus} data-testid="focus">
                        <option value="" selected={focus.is_empty()}>{ "all topics" }</option>
                        { for user }
                        if !internal.is_empty() {
                            <optgroup label="internal">{ for internal }</optgroup>
                        }
                    </select>
                </label>
                <div class="segmented" role="group" aria-label="View">
                    { mode_button(StageMode::Diagram, "Diagram") }
                    { mode_button(StageMode::Overview, "Overview") }
                    { mode_button(StageMode::Partitions, "Partitions") }
                </div>
                if mode == StageMode::Diagram {
                <p class="legend" aria-hidden="true">
                    <span class="legend__item"><b class="sw sw--leader">{ "L" }</b>{ " leader" }</span>
                    <span class="legend__item"><b class="sw sw--follower">{ "F" }</b>{ " follower" }</span>
                    <span class="legend__item"><b class="sw sw--committed">{ "a" }</b>{ " committed" }</span>
                    <span class="legend__item"><b class="sw sw--uncommitted">{ "a" }</b>{ " not yet (≥ HW)" }</span>
                    <span class="legend__item">{ "HW/LEO" }</span>
                </p>
                // The requests in flight: each kind's dot shape, name and how many fly now.
                <p class="legend legend--requests" id="request-legend" data-testid="request-legend">
                    <span class="legend__title">{ "In flight:" }</span>
                    { for kinds.iter().map(|(k, n)| html! {
                        <span class={classes!("legend__item", format!("legend__kind--{}", k.class()))} title={kind_help(*k)}>
                            <b class="kind-glyph" aria-hidden="true">{ k.glyph() }</b>{ format!(" {} {n}", k.name()) }
                            if *k == RequestKind::Fetch && parked > 0 {
                                <span data-testid="legend-parked" title="Fetches parked at brokers (long polls): waiting for fetch.min.bytes or fetch.max.wait.ms, no dot moves">{ format!(" + {parked} waiting at brokers") }</span>
                            }
                        </span>
                    }) }
                </p>
                    <p class="stage__scroll-hint" data-testid="scroll-hint">{ "↔ the diagram scrolls sideways" }</p>
                }
            </div>
            { match mode {
                StageMode::Diagram => html! {
                    <>
                        <ClusterDiagram view={props.view.clone()} flights={props.flights.clone()} focus={props.focus.clone()} selection={props.selection.clone()} />
                        <RemoteStorePanel remote={props.view.remote.clone()} focus={props.focus.clone()} />
                    </>
                },
                StageMode::Overview => html! { <OverviewPanel view={props.view.clone()} {on_diagram} /> },
                StageMode::Partitions => html! { <PartitionTable view={props.view.clone()} focus={props.focus.clone()} /> },
            } }
        </>
    }
}

#[derive(Properties, PartialEq)]
pub(crate) struct TableProps {
    pub(crate) view: Rc<ViewModel>,
    pub(crate) focus: Option<AttrValue>,
}

/// Height of one row of the partition table, in CSS pixels (fixed, so only the rows in view
/// are rendered: 2,000 partitions scroll as smoothly as 20).
const ROW_PX: i32 = 28;
const VISIBLE_ROWS: i32 = 40;

enum Row<'a> {
    Topic(&'a crate::sim::view::TopicView),
    Partition(&'a crate::sim::view::PartitionView),
}

#[component]
pub(crate) fn PartitionTable(props: &TableProps) -> Html {
    let ctx = use_context::<LabContext>().expect("LabContext");
    let scroll = use_state(|| 0i32);
    let focus = props.focus.as_ref().map(|f| f.to_string());
    let mut rows = Vec::new();
    for t in props.view.topics.iter() {
        let shown = match &focus {
            Some(f) => &t.name == f,
            None => !t.internal,
        };
        if shown {
            rows.push(Row::Topic(t));
            rows.extend(t.partitions.iter().map(Row::Partition));
        }
    }
    let total = rows.len() as i32;
    let first = (*scroll / ROW_PX - 5).clamp(0, total.max(0));
    let last = (first + VISIBLE_ROWS).min(total);
    let onscroll = {
        let scroll = scroll.clone();
        Callback::from(move |e: Event| {
            if let Some(el) = e.target_dyn_into::<web_sys::Element>() {
                scroll.set(el.scroll_top());
            }
        })
    };
    let row_html = rows[first as usize..last as usize].iter().enumerate().map(|(i, r)| {
        let top = (first + i as i32) * ROW_PX;
        let style = format!("top:{top}px");
        match r {
            Row::Topic(t) => {
                let d = ctx.dispatch.clone();
                let name = t.name.clone();
                let urp = t.partitions.iter().filter(|p| p.under_replicated()).count();
                html! {
                    <div class="ptable__topic" {style} key={format!("t:{}", t.name)} role="row">
                        <button type="button" class="linkish" onclick={move |_: MouseEvent| d.emit(LabEvent::Select(Some(Selection::Topic(name.clone()))))}>
                            { format!("{} — {} partitions", t.name, t.partitions.len()) }
                        </button>
                        if urp > 0 { <span class="badge badge--warn">{ format!("⚠ {urp} under-replicated") }</span> }
                    </div>
                }
            }
            Row::Partition(p) => {
                let d = ctx.dispatch.clone();
                let tp = p.tp.clone();
                let leader = p.leader;
                let open = move |_: MouseEvent| {
                    let target = if leader >= 0 { Selection::Replica(leader, tp.clone()) } else { Selection::Topic(tp.topic.clone()) };
                    d.emit(LabEvent::Select(Some(target)))
                };
                let ids = |v: &[i32]| v.iter().map(|b| b.to_string()).collect::<Vec<_>>().join(",");
                html! {
                    <button type="button" class={classes!("ptable__row", p.under_replicated().then_some("ptable__row--urp"), p.offline().then_some("ptable__row--offline"))}
                        {style} key={format!("p:{}", p.tp)} onclick={open} role="row">
                        <span>{ p.tp.to_string() }</span>
                        <span>{ if p.offline() { "none ✕".to_string() } else { format!("b{}", p.leader) } }</span>
                        <span>{ format!("e{}", p.epoch) }</span>
                        <span>{ format!("[{}]", ids(&p.replicas)) }</span>
                        <span>{ format!("[{}]", ids(&p.isr)) }{ if p.under_replicated() { " ⚠" } else { "" } }</span>
                        <span>{ format!("{}/{}", p.hw.max(0), p.leo.max(0)) }</span>
                    </button>
                }
            }
        }
    });
    html! {
        <div class="ptable" role="table" aria-label="Partitions" data-testid="partition-table">
            <div class="ptable__head" role="row">
                <span>{ "partition" }</span><span>{ "leader" }</span><span>{ "epoch" }</span><span>{ "replicas" }</span><span>{ "ISR" }</span><span>{ "HW/LEO" }</span>
            </div>
            <div class="ptable__scroll" {onscroll}>
                <div class="ptable__space" style={format!("height:{}px", total * ROW_PX)}>{ for row_html }</div>
            </div>
        </div>
    }
}
