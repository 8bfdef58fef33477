//! The overview of a large cluster: the broker × partition grid decided in
//! [`crate::lab::overview`], drawn. Cells carry a letter as well as a colour; under-replicated
//! and offline partitions are marked over their whole column and listed as buttons above the
//! grid; topic titles and broker labels are buttons that zoom in, and a button zooms back out.

use crate::lab::overview::{self, CellState, Health, Overview, Zoom};
use crate::lab::view::Selection;
use crate::lab::Event as LabEvent;
use crate::sim::types::TopicPartition;
use crate::sim::view::ViewModel;
use crate::ui::context::LabContext;
use crate::ui::layout::WIDTH;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub(crate) struct OverviewProps {
    pub(crate) view: Rc<ViewModel>,
    /// Show a topic in the diagram (focus it).
    pub(crate) on_diagram: Callback<String>,
}

/// How many under-replicated or offline partitions are listed as buttons (the rest counted).
const LISTED: usize = 12;

fn on_key(cb: Callback<()>) -> Callback<KeyboardEvent> {
    Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" || e.key() == " " {
            e.prevent_default();
            cb.emit(());
        }
    })
}

#[component]
pub(crate) fn OverviewPanel(props: &OverviewProps) -> Html {
    let ctx = use_context::<LabContext>().expect("LabContext");
    let zoom = use_state(Zoom::default);
    let ov = Rc::new(overview::build(&props.view, &zoom));
    // The same callback every render: the grid's props compare equal, so a frame that moved no
    // cell does not re-render (nor diff) its two thousand nodes.
    let set_zoom = {
        let zoom = zoom.setter();
        use_callback((), move |z: Zoom, _| zoom.set(z))
    };
    // A partition in trouble opens in the inspector: at its leader when it has one.
    let open = |tp: &TopicPartition, leader: i32| {
        let d = ctx.dispatch.clone();
        let tp = tp.clone();
        Callback::from(move |_: MouseEvent| {
            let target =
                if leader >= 0 { Selection::Replica(leader, tp.clone()) } else { Selection::Topic(tp.topic.clone()) };
            d.emit(LabEvent::Select(Some(target)))
        })
    };
    let leader_of = |tp: &TopicPartition| {
        props
            .view
            .topics
            .iter()
            .find(|t| t.name == tp.topic)
            .and_then(|t| t.partitions.iter().find(|p| p.tp.partition == tp.partition))
            .map(|p| p.leader)
            .unwrap_or(-1)
    };
    let list = |what: &str, class: &str, tps: &[TopicPartition]| -> Html {
        if tps.is_empty() {
            return html! {};
        }
        let more = tps.len().saturating_sub(LISTED);
        html! {
            <div class={classes!("ov__trouble", class.to_string())} role="group" aria-label={format!("{} {what} partitions", tps.len())}>
                <span class="ov__trouble-head">{ format!("{} {what}:", tps.len()) }</span>
                { for tps.iter().take(LISTED).map(|tp| html! {
                    <button type="button" class="ov__tp" onclick={open(tp, leader_of(tp))}>{ tp.to_string() }</button>
                }) }
                if more > 0 { <span class="ov__more">{ format!("and {more} more (zoom into a topic)") }</span> }
            </div>
        }
    };
    let back = {
        let set = set_zoom.clone();
        Callback::from(move |_: MouseEvent| set.emit(Zoom::All))
    };
    let zoomed_topic = match &ov.zoom {
        Zoom::Topic(t) => Some(t.clone()),
        _ => None,
    };
    html! {
        <div class="ov" data-testid="overview">
            <div class="ov__bar">
                if ov.zoom != Zoom::All {
                    <button type="button" class="button button--small" onclick={back} data-testid="overview-back">{ "← Whole cluster" }</button>
                }
                <p class="ov__summary" data-testid="overview-summary">{ &ov.summary }</p>
                if let Some(t) = zoomed_topic {
                    <button type="button" class="button button--small" onclick={{ let cb = props.on_diagram.clone(); move |_: MouseEvent| cb.emit(t.clone()) }}>{ "Show this topic in the diagram" }</button>
                }
            </div>
            <p class="legend ov__legend">
                { for CellState::ALL.iter().map(|s| html! {
                    <span class="legend__item"><b class={classes!("osw", format!("osw--{}", s.class()))} aria-hidden="true">{ s.letter() }</b>{ format!(" {}", s.word()) }</span>
                }) }
                <span class="legend__item"><b class="osw osw--urp" aria-hidden="true">{ "⚠" }</b>{ " under-replicated partition" }</span>
            </p>
            { list("offline", "ov__trouble--offline", &ov.offline) }
            { list("under-replicated", "ov__trouble--urp", &ov.under_replicated) }
            <OverviewGrid overview={ov.clone()} on_zoom={set_zoom} />
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub(crate) struct GridProps {
    pub(crate) overview: Rc<Overview>,
    pub(crate) on_zoom: Callback<Zoom>,
}

/// The grid itself: redrawn only when a cell, a mark or the zoom changes (its props compare
/// the overview's contents, which do not move with every record produced).
#[component]
pub(crate) fn OverviewGrid(props: &GridProps) -> Html {
    let ctx = use_context::<LabContext>().expect("LabContext");
    let ov = &props.overview;
    let c = ov.cell;
    let gap = 1.5;
    // One listener for every cell: the cell says which replica it is.
    let onclick = {
        let d = ctx.dispatch.clone();
        Callback::from(move |e: MouseEvent| {
            let Some(el) = e.target_dyn_into::<web_sys::Element>() else { return };
            let (Some(b), Some(t), Some(p)) =
                (el.get_attribute("data-b"), el.get_attribute("data-t"), el.get_attribute("data-p"))
            else {
                return;
            };
            if let (Ok(b), Ok(p)) = (b.parse::<i32>(), p.parse::<i32>()) {
                d.emit(LabEvent::Select(Some(Selection::Replica(b, TopicPartition { topic: t, partition: p }))));
            }
        })
    };
    let every = if c >= 30.0 { 1 } else { 5 };
    let bands = ov.bands.iter().map(|band| {
        let rows_h = band.rows.len() as f64 * c;
        let top = band.y + overview::BAND_HEAD;
        let title = band.first.then(|| {
            let zoom = {
                let cb = props.on_zoom.clone();
                let t = band.topic.clone();
                Callback::from(move |_| cb.emit(Zoom::Topic(t.clone())))
            };
            let n = band_partitions(ov, &band.topic);
            html! {
                <g class="ov__title" role="button" tabindex="0" aria-label={format!("Zoom into topic {} ({n} partitions)", band.topic)}
                    onclick={{ let z = zoom.clone(); move |_: MouseEvent| z.emit(()) }} onkeydown={on_key(zoom)}>
                    <text x="4" y={format!("{:.1}", band.y + 13.0)}>{ format!("{} · {n} partitions", band.topic) }</text>
                </g>
            }
        });
        let marks = band.columns.iter().filter(|col| col.health != Health::Healthy).map(|col| {
            let (class, glyph) = if col.health == Health::Offline { ("ov__col--offline", "✕") } else { ("ov__col--urp", "⚠") };
            html! {
                <g class={classes!("ov__col", class)}>
                    <rect x={format!("{:.1}", col.x)} y={format!("{:.1}", top - 12.0)} width={format!("{:.1}", c - gap)} height={format!("{:.1}", rows_h + 12.0)} />
                    <text x={format!("{:.1}", col.x + (c - gap) / 2.0)} y={format!("{:.1}", top - 2.0)} text-anchor="middle">{ glyph }</text>
                </g>
            }
        });
        let numbers = band.columns.iter().filter(|col| col.partition % every == 0 && col.health == Health::Healthy).map(|col| {
            html! {
                <text class="ov__pnum" x={format!("{:.1}", col.x + (c - gap) / 2.0)} y={format!("{:.1}", top - 3.0)} text-anchor="middle">{ col.partition }</text>
            }
        });
        let rows = band.rows.iter().map(|&(b, up, y)| {
            let zoom = {
                let cb = props.on_zoom.clone();
                Callback::from(move |_| cb.emit(Zoom::Broker(b)))
            };
            html! {
                <g class={classes!("ov__row", (!up).then_some("ov__row--down"))} role="button" tabindex="0"
                    aria-label={format!("Zoom into broker {b}{}", if up { "" } else { " (down)" })}
                    onclick={{ let z = zoom.clone(); move |_: MouseEvent| z.emit(()) }} onkeydown={on_key(zoom)}>
                    <rect class="ov__lane" x="0" y={format!("{y:.1}")} width={format!("{:.1}", WIDTH)} height={format!("{:.1}", c - gap)} />
                    <text x="4" y={format!("{:.1}", y + c / 2.0 + 4.0)}>{ if up { format!("b{b}") } else { format!("b{b} ✕") } }</text>
                </g>
            }
        });
        let cells = band.cells.iter().map(|cell| {
            let tp = format!("{}", cell.partition);
            html! {
                <g class={classes!("ocell", format!("ocell--{}", cell.state.class()))}>
                    <rect x={format!("{:.1}", cell.x)} y={format!("{:.1}", cell.y)} width={format!("{:.1}", c - gap)} height={format!("{:.1}", c - gap)} rx="2"
                        data-b={cell.broker.to_string()} data-t={band.topic.clone()} data-p={tp} />
                    <text x={format!("{:.1}", cell.x + (c - gap) / 2.0)} y={format!("{:.1}", cell.y + c / 2.0 + 3.5)} text-anchor="middle">{ cell.state.letter() }</text>
                </g>
            }
        });
        html! {
            <g class="ov__band" key={format!("{}@{}", band.topic, band.y)}>
                { for title }
                { for rows }
                { for marks }
                { for numbers }
                <g class="ov__cells" onclick={onclick.clone()}>{ for cells }</g>
            </g>
        }
    });
    html! {
        <svg class="overview" viewBox={format!("0 0 {WIDTH} {:.0}", ov.height)} role="group" aria-label={format!("Overview: {}", ov.summary)} data-testid="overview-grid">
            { for bands }
        </svg>
    }
}

fn band_partitions(ov: &Overview, topic: &str) -> usize {
    ov.bands.iter().filter(|b| b.topic == topic).map(|b| b.columns.len()).sum()
}
