//! The top bar: the name, and the time controls — play/pause (Space), step to the next event,
//! speed on a log scale from 0.1× to 100×, the simulated clock, and reset.

use crate::lab::view::{fmt_clock, speed_label};
use crate::lab::Event as LabEvent;
use crate::ui::context::LabContext;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Text of the one-line description under the name.
pub const TAGLINE: &str = "Apache Kafka, simulated in your browser — see how it really works.";

#[derive(Properties, PartialEq)]
pub(crate) struct HeaderProps {
    pub(crate) playing: bool,
    pub(crate) speed_log: i32,
    pub(crate) now_ms: u64,
    pub(crate) behind: bool,
    pub(crate) viewing_past: bool,
    pub(crate) findings: u32,
    /// Read-only embed: no reset.
    #[prop_or_default]
    pub(crate) embed: bool,
}

#[component]
pub(crate) fn Header(props: &HeaderProps) -> Html {
    let ctx = use_context::<LabContext>().expect("LabContext");
    let d = ctx.dispatch.clone();
    let toggle = {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.emit(LabEvent::TogglePlay))
    };
    let step = {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.emit(LabEvent::Step))
    };
    let reset = {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.emit(LabEvent::Reset))
    };
    let speed = {
        let d = d.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                if let Ok(v) = input.value().parse::<i32>() {
                    d.emit(LabEvent::SetSpeedLog(v));
                }
            }
        })
    };
    let play_label = if props.playing { "Pause" } else { "Play" };
    html! {
        <header class="topbar">
            <div class="brand">
                <svg class="brand__mark" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
                    <rect width="32" height="32" rx="7" class="brand__mark-bg" />
                    <rect x="7" y="8" width="18" height="4" rx="2" class="brand__mark-log" />
                    <rect x="7" y="14" width="13" height="4" rx="2" class="brand__mark-log" />
                    <rect x="7" y="20" width="8" height="4" rx="2" class="brand__mark-log" />
                </svg>
                <div class="brand__text">
                    <h1 id="title" class="brand__name" data-testid="title">{ "Brokerlab" }</h1>
                    <p class="brand__tagline" data-testid="tagline">{ TAGLINE }</p>
                </div>
            </div>
            <div class="controls" role="toolbar" aria-label="Time controls">
                <button type="button" class="button button--primary" onclick={toggle} data-testid="play"
                    aria-keyshortcuts="Space" title={format!("{play_label} (Space)")} aria-pressed={props.playing.to_string()}>
                    <svg aria-hidden="true" class="button__icon" viewBox="0 0 12 12" width="12" height="12">
                        if props.playing {
                            <rect x="2" y="1.5" width="3" height="9" /><rect x="7" y="1.5" width="3" height="9" />
                        } else {
                            <path d="M3 1.5 L10.5 6 L3 10.5 Z" />
                        }
                    </svg>
                    { play_label }
                </button>
                <button type="button" class="button" onclick={step} data-testid="step" title="Run exactly the next event, then pause">
                    <svg aria-hidden="true" class="button__icon" viewBox="0 0 12 12" width="12" height="12"><path d="M2 1.5 L8 6 L2 10.5 Z" /><rect x="8.5" y="1.5" width="2" height="9" /></svg>{ "Step" }
                </button>
                <label class="speed">
                    <span class="speed__label">{ "Speed" }</span>
                    <input type="range" min="-10" max="20" step="1" value={props.speed_log.to_string()}
                        oninput={speed} aria-valuetext={speed_label(props.speed_log)} data-testid="speed" />
                    <output class="speed__value" data-testid="speed-value">{ speed_label(props.speed_log) }</output>
                </label>
                <div class="clock" aria-live="off" data-testid="clock" title="Simulated time since the cluster started">
                    <span class="clock__label">{ "t =" }</span>
                    <span class="clock__value">{ fmt_clock(props.now_ms) }</span>
                    if props.behind && props.playing && !props.viewing_past {
                        <span class="clock__behind" title="The simulation cannot keep up with this speed in your browser">{ "(catching up)" }</span>
                    }
                    if props.viewing_past {
                        <span class="clock__past">{ "(past)" }</span>
                    }
                </div>
                if !props.embed {
                    <button type="button" class="button" onclick={reset} data-testid="reset" title="Start a fresh cluster with the same seed">
                        { "Reset" }
                    </button>
                }
            </div>
        </header>
    }
}
