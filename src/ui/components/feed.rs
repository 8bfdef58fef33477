//! The explained event feed: what just happened, in plain words, newest first. Checker
//! findings (lost or duplicated writes, reads past the HW) and unclean elections stand out with
//! a marker and a word, not only a colour.

use crate::lab::view::{fmt_clock, FeedItem, FeedKind};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub(crate) struct FeedProps {
    pub(crate) feed: Rc<Vec<Rc<FeedItem>>>,
}

/// Lines rendered at most (the lab keeps a few hundred).
const SHOWN: usize = 150;

#[component]
pub(crate) fn Feed(props: &FeedProps) -> Html {
    let only_problems = use_state(|| false);
    // Internal topics (`__consumer_offsets`, …) are folded by default: a broker crash moves
    // dozens of their leaderships, which would bury the story.
    let show_internal = use_state(|| false);
    let toggle = {
        let only = only_problems.clone();
        Callback::from(move |_: Event| only.set(!*only))
    };
    let toggle_internal = {
        let show = show_internal.clone();
        Callback::from(move |_: Event| show.set(!*show))
    };
    let internal = props.feed.iter().filter(|f| f.internal).count();
    let items = props
        .feed
        .iter()
        .rev()
        .filter(|f| !*only_problems || f.kind != FeedKind::Info)
        .filter(|f| *show_internal || !f.internal)
        .take(SHOWN)
        .map(|f| {
            let (class, marker, word) = match f.kind {
                FeedKind::Info => ("feed__item", "", ""),
                FeedKind::Warning => ("feed__item feed__item--warning", "▲", "warning: "),
                FeedKind::Finding => ("feed__item feed__item--finding", "⚠", "finding: "),
            };
            html! {
                <li class={class} key={f.seq.to_string()}>
                    <time class="feed__time">{ fmt_clock(f.at_ms) }</time>
                    <span class="feed__marker" aria-hidden="true">{ marker }</span>
                    <span class="visually-hidden">{ word }</span>
                    <span class="feed__text">{ &f.text }</span>
                </li>
            }
        })
        .collect::<Html>();
    html! {
        <section class="feed" aria-label="What happened" data-testid="feed">
            <label class="check">
                <input type="checkbox" checked={*only_problems} onchange={toggle} />
                { " Warnings and findings only" }
            </label>
            <label class="check">
                <input type="checkbox" checked={*show_internal} onchange={toggle_internal} data-testid="feed-internal" />
                { format!(" Internal topics ({internal} lines)") }
            </label>
            if props.feed.is_empty() {
                <p class="muted">{ "Nothing has happened yet. Create a topic, kill a broker, or cut the network: each event is explained here." }</p>
            }
            <ol class="feed__list" role="log" reversed=true>{ items }</ol>
        </section>
    }
}
