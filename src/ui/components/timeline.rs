//! The timeline: a scrubber over everything simulated so far. Dragging it back shows the
//! cluster exactly as it was (a saved moment plus the commands replayed up to there); Play or a
//! command from there forks a new future, discarding the old one with a warning.

use crate::lab::view::{fmt_clock, Notice, NoticeKind};
use crate::lab::Event as LabEvent;
use crate::ui::context::LabContext;
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub(crate) struct TimelineProps {
    pub(crate) now_ms: u64,
    pub(crate) head_ms: u64,
    pub(crate) viewing_past: bool,
    pub(crate) snapshots: Rc<Vec<u64>>,
    pub(crate) notice: Option<Notice>,
    /// What the last Step did.
    pub(crate) step_report: Option<Rc<str>>,
    /// Opened from a link and not kept yet: the notice offers to keep it.
    pub(crate) linked: bool,
}

#[component]
pub(crate) fn Timeline(props: &TimelineProps) -> Html {
    let ctx = use_context::<LabContext>().expect("LabContext");
    let seek = {
        let d = ctx.dispatch.clone();
        Callback::from(move |e: Event| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                if let Ok(v) = input.value().parse::<u64>() {
                    d.emit(LabEvent::Seek(v));
                }
            }
        })
    };
    // Dragging starts: the live head must stand still under the pointer.
    let grab = {
        let d = ctx.dispatch.clone();
        Callback::from(move |_: PointerEvent| d.emit(LabEvent::Pause))
    };
    let grab_key = {
        let d = ctx.dispatch.clone();
        Callback::from(move |e: KeyboardEvent| {
            if matches!(
                e.key().as_str(),
                "ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown" | "Home" | "End" | "PageUp" | "PageDown"
            ) {
                d.emit(LabEvent::Pause);
            }
        })
    };
    let keep = {
        let d = ctx.dispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(LabEvent::KeepLinked))
    };
    let live = {
        let d = ctx.dispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(LabEvent::BackToLive))
    };
    let dismiss = {
        let d = ctx.dispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(LabEvent::DismissNotice))
    };
    let head = props.head_ms.max(1);
    // Tick marks for the saved moments (at most 40 drawn).
    let step = (props.snapshots.len() / 40).max(1);
    let ticks = props.snapshots.iter().step_by(step).map(|t| {
        let pct = (*t as f64 / head as f64 * 100.0).min(100.0);
        html! { <span class="timeline__tick" style={format!("left:{pct:.2}%")} key={t.to_string()}></span> }
    });
    html! {
        <section class={classes!("timeline", props.viewing_past.then_some("timeline--past"))} aria-label="Timeline">
            <span class="timeline__start">{ "0 s" }</span>
            <div class="timeline__track">
                <div class="timeline__ticks" aria-hidden="true">{ for ticks }</div>
                <input type="range" min="0" max={head.to_string()} step="100" value={props.now_ms.min(head).to_string()}
                    onchange={seek} onpointerdown={grab} onkeydown={grab_key} aria-label="Simulated time: drag back to see an earlier moment"
                    aria-valuetext={fmt_clock(props.now_ms)} data-testid="scrubber" />
            </div>
            <span class="timeline__end">{ fmt_clock(props.head_ms) }</span>
            if props.viewing_past {
                <button type="button" class="button button--small" onclick={live} data-testid="back-to-live">{ "Back to live" }</button>
            }
            <div class="notices">
            if let Some(r) = &props.step_report {
                <div class="notice notice--info" role="status" data-testid="step-report">
                    <span class="notice__icon" aria-hidden="true">{ "⏯" }</span>
                    <span>{ r.to_string() }</span>
                </div>
            }
            if let Some(n) = &props.notice {
                <div class={classes!("notice", (n.kind == NoticeKind::Info).then_some("notice--info"))} role="status" data-testid="notice">
                    <span class="notice__icon" aria-hidden="true">{ if n.kind == NoticeKind::Info { "ℹ" } else { "⚠" } }</span>
                    <span class="visually-hidden">{ if n.kind == NoticeKind::Info { "Note: " } else { "Warning: " } }</span>
                    <span>{ n.text.to_string() }</span>
                    if props.linked {
                        <button type="button" class="button button--small" onclick={keep} data-testid="notice-keep">{ "Keep as my sandbox" }</button>
                    }
                    <button type="button" class="notice__close" onclick={dismiss} aria-label="Dismiss">{ "×" }</button>
                </div>
            }
            </div>
        </section>
    }
}
