//! The group panel: one consumer group's rebalance member by member — its epoch, what each
//! member owns (and may process), what it is being given and what it must revoke — for a
//! classic group (eager or cooperative) and a consumer-protocol (KIP-848) group alike. Shown in
//! the inspector when a group is selected; the data is `sim::view::groups`'s projection. A share
//! group (KIP-932) gets its own panel from `sim::view::share`: members, share-partitions and
//! the records in flight on each.

use crate::lab::view::Selection;
use crate::lab::Event as LabEvent;
use crate::sim::broker::share_partition::RecordState;
use crate::sim::types::TopicPartition;
use crate::sim::view::{GroupProtocol, GroupRebalance, ShareGroupView, ShareRecordView};
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
        let name = member_name(&ctx, m.client, &m.client_id);
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

#[derive(Properties, PartialEq)]
pub(crate) struct SharePanelProps {
    pub group: Rc<ShareGroupView>,
}

/// "1st", "2nd", … for a delivery count.
fn nth(n: i32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// One in-flight record: its offset, a sign and a word for its state, and for an acquired one
/// who holds it, which delivery it is and how long its lock has left.
fn share_record(r: &ShareRecordView, limit: i32) -> Html {
    let (sign, word, class) = match r.state {
        RecordState::Available => ("○", "available", "srec srec--available"),
        RecordState::Acquired => ("●", "acquired", "srec srec--acquired"),
        RecordState::Acknowledged => ("✓", "acknowledged", "srec srec--done"),
        RecordState::Archived => ("✗", "archived", "srec srec--archived"),
    };
    let delivery = format!("{} delivery of {limit}", nth(r.delivery_count));
    // Short on screen (the legend above names the signs), whole in the label: an acknowledged
    // record needs only its offset and sign; a count is shown once a record came back.
    let again = if r.delivery_count > 1 { format!(" · {}", nth(r.delivery_count)) } else { String::new() };
    let text = match (&r.holder, r.lock_left_s) {
        (Some(h), Some(s)) => format!("{} {sign} {h} · {} · {s} s", r.offset, nth(r.delivery_count)),
        (Some(h), None) => format!("{} {sign} {h} · {}", r.offset, nth(r.delivery_count)),
        _ if r.state == RecordState::Acknowledged => format!("{} {sign}", r.offset),
        _ => format!("{} {sign}{again}", r.offset),
    };
    let label = match (&r.holder, r.lock_left_s) {
        (Some(h), Some(s)) => format!("offset {}: {word} by {h}, {delivery}, lock expires in {s} s", r.offset),
        _ => format!("offset {}: {word}, {delivery}", r.offset),
    };
    html! { <li key={r.offset} class={class} aria-label={label.clone()} title={label}>{ text }</li> }
}

/// A share group (KIP-932) in the group panel: members with the partitions they are assigned and
/// the records they hold, and per share-partition the records in flight between its start and
/// end offsets. Drawn again only when the projection changes (locks count whole seconds).
#[component]
pub(crate) fn SharePanel(props: &SharePanelProps) -> Html {
    let ctx = use_context::<LabContext>().expect("LabContext");
    let g = &props.group;
    let members = g.members.iter().map(|m| {
        let name = member_name(&ctx, m.client, &m.client_id);
        html! {
            <li key={m.member_id.clone()} class={classes!("gmember", (m.holding > 0).then_some("gmember--busy"))}
                data-testid={format!("share-member-{}", m.client_id)}>
                <div class="gmember__head">
                    { name }
                    <span class="gmember__id">{ "member " }<code title={m.member_id.clone()}>{ m.short_id.clone() }</code></span>
                    <span class="gmember__epoch">{ format!("epoch {}", m.epoch) }</span>
                </div>
                <p class="gmember__doing" data-testid="share-activity">{ m.activity() }</p>
                <dl class="gmember__parts">
                    <dt>{ "assigned" }</dt><dd data-testid="assigned">{ chips(&m.assigned, Chip::Owned, "nothing") }</dd>
                </dl>
            </li>
        }
    });
    let partitions = g.partitions.iter().map(|p| {
        let more = p.in_flight() - p.records.len() as i64;
        html! {
            <li key={p.tp.to_string()} class="spart" data-testid={format!("share-partition-{}", p.tp)}>
                <h4>{ format!("{} · leader broker {}", p.tp, p.leader) }</h4>
                <dl class="gmember__parts">
                    <dt>{ "start offset (SPSO)" }</dt><dd data-testid="spso">{ p.start_offset }</dd>
                    <dt>{ "end offset (SPEO)" }</dt><dd data-testid="speo">{ p.end_offset }</dd>
                    <dt>{ "in flight" }</dt>
                    <dd data-testid="share-counts">{ format!("{} acquired ●, {} available ○, {} acknowledged ✓, {} archived ✗", p.acquired, p.available, p.acknowledged, p.archived) }</dd>
                    <dt>{ "not fetched yet" }</dt><dd>{ format!("{} (high watermark {})", p.not_fetched, p.high_watermark) }</dd>
                </dl>
                if p.records.is_empty() {
                    <p class="muted">{ "Nothing in flight." }</p>
                } else {
                    <ul class="srecs" aria-label={format!("Records in flight on {}", p.tp)}>
                        { for p.records.iter().map(|r| share_record(r, p.delivery_limit)) }
                    </ul>
                }
                if more > 0 { <p class="muted">{ format!("and {more} more in flight") }</p> }
            </li>
        }
    });
    let busy = g.busy();
    let status = if g.members.is_empty() {
        "No members.".to_string()
    } else {
        format!("{busy} of {} member(s) busy: holding records under lock.", g.members.len())
    };
    let limits = g.partitions.first().map(|p| (p.delivery_limit, p.lock_duration_ms / 1000));
    html! {
        <section class="gpanel" aria-labelledby="spanel-title" data-testid="share-panel">
            <h3 id="spanel-title">{ "Share group: records, member by member" }</h3>
            <p class="gpanel__meta">{ "share group (KIP-932), assignor simple on the coordinator" }<br />
                { format!("group epoch {} · assignment epoch {} · {}", g.epoch, g.assignment_epoch, g.state) }</p>
            <p class="gpanel__status" data-testid="share-status">{ status }</p>
            <ul class="gpanel__members" aria-label={format!("Members of share group {}", g.group)}>{ for members }</ul>
            <h3>{ "Share-partitions" }</h3>
            <p class="muted gpanel__how">{ "Records in flight: ● acquired (by which member · which delivery · seconds its lock has left), ○ available, ✓ acknowledged, ✗ archived." }</p>
            if g.partitions.is_empty() {
                <p class="muted">{ "No share-partition yet: the leader creates one at the first ShareFetch, at the latest offset." }</p>
            } else {
                <ul class="gpanel__members" aria-label="Share-partitions">{ for partitions }</ul>
            }
            <p class="muted gpanel__how">{ format!(
                "Members share partitions: the leader hands each record to one member at a time, locked for {} s. \
                 A record acknowledged (accept) is done; released, or whose lock runs out, it is available again \
                 for anyone; rejected, or released on its {} delivery, it is archived. The start offset moves past finished records.",
                limits.map(|l| l.1).unwrap_or(30), limits.map(|l| nth(l.0)).unwrap_or_else(|| "5th".into())) }</p>
        </section>
    }
}

/// A member's client name: a link to inspect the client when the simulator runs it.
fn member_name(ctx: &LabContext, client: Option<u32>, client_id: &str) -> Html {
    match client {
        Some(id) => {
            let d = ctx.dispatch.clone();
            html! {
                <button type="button" class="linkish gmember__name"
                    aria-label={format!("Inspect client {client_id}")}
                    onclick={move |_: MouseEvent| d.emit(LabEvent::Select(Some(Selection::Client(id))))}>{ client_id.to_string() }</button>
            }
        }
        None => html! { <span class="gmember__name">{ client_id.to_string() }</span> },
    }
}
