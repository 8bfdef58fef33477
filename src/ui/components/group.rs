//! The group panel: one consumer group's rebalance member by member — its epoch, what each
//! member owns (and may process), what it is being given and what it must revoke — for a
//! classic group (eager or cooperative) and a consumer-protocol (KIP-848) group alike. Shown in
//! the inspector when a group is selected; the data is `sim::view::groups`'s projection.

use crate::lab::view::Selection;
use crate::lab::Event as LabEvent;
use crate::sim::types::TopicPartition;
use crate::sim::view::{GroupProtocol, GroupRebalance};
use crate::ui::context::LabContext;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub(crate) struct GroupPanelProps {
    pub(crate) group: Rc<GroupRebalance>,
}

/// What kind of partition list a chip belongs to; told apart by a sign and a word, not only by
/// colour.
#[derive(Copy, Clone, PartialEq)]
enum Chip {
    Owned,
    Given,
    Revoke,
}

fn chips(parts: &[TopicPartition], kind: Chip, empty: &str) -> Html {
    if parts.is_empty() {
        return html! { <span class="muted">{ empty.to_string() }</span> };
    }
    let (class, sign) = match kind {
        Chip::Owned => ("gchip gchip--owned", ""),
        Chip::Given => ("gchip gchip--given", "+"),
        Chip::Revoke => ("gchip gchip--revoke", "−"),
    };
    html! {
        <ul class="gchips">
            { for parts.iter().map(|tp| html! { <li key={tp.to_string()} class={class}>{ format!("{sign}{tp}") }</li> }) }
        </ul>
    }
}

#[component]
pub(crate) fn GroupPanel(props: &GroupPanelProps) -> Html {
    let ctx = use_context::<LabContext>().expect("LabContext");
    let g = &props.group;
    let (protocol, epochs, how) = match g.protocol {
        GroupProtocol::Consumer => (
            format!("consumer protocol (KIP-848), assignor {} on the coordinator", g.assignor),
            format!("group epoch {} · target assignment epoch {}", g.epoch, g.target_epoch.unwrap_or(-1)),
            "The coordinator computes a target assignment and moves each member towards it on its own: \
             a member first revokes what it must give up, and gets a partition only once its previous \
             owner has released it. Members keep processing everything else.",
        ),
        GroupProtocol::Classic => (
            format!(
                "classic protocol, assignor {}",
                if g.assignor.is_empty() { "none yet" } else { g.assignor.as_str() }
            ),
            format!("generation {}", g.epoch),
            "The group leader's assignment reaches members only after JoinGroup and SyncGroup. \
             An eager member gives up every partition before it rejoins; a cooperative one keeps \
             its partitions and gives back only those that move, then rejoins once more.",
        ),
    };
    let members = g.members.iter().map(|m| {
        let name = match m.client {
            Some(id) => {
                let d = ctx.dispatch.clone();
                let label = m.client_id.clone();
                html! {
                    <button type="button" class="linkish gmember__name"
                        aria-label={format!("Inspect client {label}")}
                        onclick={move |_: MouseEvent| d.emit(LabEvent::Select(Some(Selection::Client(id))))}>{ m.client_id.clone() }</button>
                }
            }
            None => html! { <span class="gmember__name">{ m.client_id.clone() }</span> },
        };
        html! {
            <li key={m.member_id.clone()} class={classes!("gmember", (!m.to_revoke.is_empty() || !m.being_given.is_empty()).then_some("gmember--moving"))}
                data-testid={format!("group-member-{}", m.client_id)}>
                <div class="gmember__head">
                    { name }
                    <span class="gmember__id">{ "member " }<code title={m.member_id.clone()}>{ m.short_id.clone() }</code></span>
                    <span class="gmember__epoch">{ match g.protocol { GroupProtocol::Consumer => format!("epoch {}", m.epoch), GroupProtocol::Classic => format!("generation {}", m.epoch) } }</span>
                    <span class="gmember__state">{ m.state.clone() }</span>
                    if let Some(i) = &m.instance_id { <span class="gmember__static">{ format!("static: {i}") }</span> }
                </div>
                <p class="gmember__doing">{ m.activity() }</p>
                <dl class="gmember__parts">
                    <dt>{ "owns" }</dt><dd data-testid="owned">{ chips(&m.owned, Chip::Owned, "nothing") }</dd>
                    <dt>{ "being given" }</dt><dd data-testid="being-given">{ chips(&m.being_given, Chip::Given, "nothing") }</dd>
                    <dt>{ "must revoke" }</dt><dd data-testid="to-revoke">{ chips(&m.to_revoke, Chip::Revoke, "nothing") }</dd>
                </dl>
            </li>
        }
    });
    // Classic members learn their new partitions only at SyncGroup, so a classic group that is
    // not Stable is rebalancing even when no partition is marked as moving yet.
    let status = if g.members.is_empty() {
        "No members.".to_string()
    } else if g.moving() || g.state != "Stable" {
        format!("Rebalancing ({}): partitions are moving between members.", g.state)
    } else {
        "Stable: every member owns what it was given.".to_string()
    };
    html! {
        <section class="gpanel" aria-labelledby="gpanel-title" data-testid="group-panel">
            <h3 id="gpanel-title">{ "Members, step by step" }</h3>
            <p class="gpanel__meta">{ protocol }<br />{ epochs }{ " · " }{ g.state.clone() }</p>
            <p class="gpanel__status" data-testid="group-status">{ status }</p>
            <ul class="gpanel__members" aria-label={format!("Members of group {}", g.group)}>{ for members }</ul>
            <p class="muted gpanel__how">{ how }</p>
        </section>
    }
}
