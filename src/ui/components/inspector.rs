//! Inspect anything: the selected broker, controller, replica log, record, client, group,
//! topic or link, with configs (Kafka's defaults marked), offsets, the leader-epoch cache and
//! group generations. A replica's log is a virtualised list: only the rows in view are drawn.

use crate::lab::view::Selection;
use crate::lab::Event as LabEvent;
use crate::sim::types::TopicPartition;
use crate::sim::view::inspect::{text_of, ConfigLine, Detail, LogDetail};
use crate::sim::view::{GroupView, ShareGroupView};
use crate::ui::components::group::{GroupPanel, SharePanel};
use crate::ui::context::LabContext;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub(crate) struct InspectorProps {
    pub(crate) detail: Option<Rc<Detail>>,
    pub(crate) selection: Option<Selection>,
    /// The consumer groups, listed while nothing is selected so a group can be opened.
    #[prop_or_default]
    pub(crate) groups: Rc<Vec<GroupView>>,
    /// The share groups (KIP-932), listed with them.
    #[prop_or_default]
    pub share_groups: Rc<Vec<Rc<ShareGroupView>>>,
    /// A secured cluster's authorizer and ACLs, with the clients' principals, listed while
    /// nothing is selected.
    #[prop_or_default]
    pub(crate) security: Option<Rc<crate::sim::view::SecurityView>>,
    #[prop_or_default]
    pub(crate) clients: Rc<Vec<crate::sim::view::ClientView>>,
}

/// The secured cluster: its authorizer's settings, every ACL binding (as `kafka-acls --list`
/// has them) and the principal each client runs as, refused ones marked in words.
fn security_section(
    ctx: &LabContext,
    sec: &crate::sim::view::SecurityView,
    clients: &[crate::sim::view::ClientView],
) -> Html {
    let acls = sec.acls.iter().enumerate().map(|(i, a)| html! {
        <tr key={i.to_string()} data-testid="acl-row">
            <td>{ format!("{} {}{}", a.resource_type, a.name, if a.pattern == "PREFIXED" { " (prefixed)" } else { "" }) }</td>
            <td>{ &a.principal }</td>
            <td>{ format!("{} {}", a.permission, a.operation) }</td>
            <td>{ &a.host }</td>
        </tr>
    });
    let who = clients.iter().map(|c| {
        html! {
            <li key={c.id.to_string()} data-testid="principal-row">
                { select_button(ctx, c.name.clone(), Selection::Client(c.id)) }
                { format!(" ({}) · {}", c.kind, c.principal.clone().unwrap_or_else(|| "no principal".into())) }
                if let Some(t) = &c.trouble { <span class="refused">{ format!(" · ⚠ {t}") }</span> }
            </li>
        }
    });
    html! {
        <section class="inspector__security" aria-label="Security" data-testid="security">
            <h2>{ "Security" }</h2>
            <dl class="kv">
                { row("listener", sec.listener) }
                { row("authorizer", if sec.authorizer { "StandardAuthorizer" } else { "none" }) }
                { row("super.users", if sec.super_users.is_empty() { "none".to_string() } else { sec.super_users.join(";") }) }
                { row("allow.everyone.if.no.acl.found", sec.allow_if_no_acl.to_string()) }
            </dl>
            <table class="table" data-testid="acls">
                <caption>{ format!("ACLs ({})", sec.acls.len()) }</caption>
                <thead><tr><th>{ "resource" }</th><th>{ "principal" }</th><th>{ "permission" }</th><th>{ "host" }</th></tr></thead>
                <tbody>
                    if sec.acls.is_empty() {
                        <tr><td colspan="4" class="muted">{ if sec.allow_if_no_acl { "none: every principal may do anything" } else { "none: only super users may do anything (allow.everyone.if.no.acl.found=false)" } }</td></tr>
                    }
                    { for acls }
                </tbody>
            </table>
            if !clients.is_empty() {
                <h3>{ "Clients' principals" }</h3>
                <ul>{ for who }</ul>
            }
        </section>
    }
}

/// A client's quota throttling (KIP-219), as its sensors and connections have it.
fn throttle_view(t: &crate::sim::view::inspect::ThrottleDetail) -> Html {
    let ms = |v: Option<i64>| {
        v.map(|v| format!("{v} ms")).unwrap_or_else(|| "NaN (nothing measured in the last minute)".into())
    };
    let muted = t.muted.iter().map(|(b, left)| {
        row(
            "throttled now",
            format!("sends nothing to broker {b} for {left} ms more (waiting out the throttle time, KIP-219)"),
        )
    });
    html! {
        <dl class={classes!("kv", (!t.muted.is_empty()).then_some("kv--throttled"))} data-testid="client-throttle">
            { row(&format!("{}-avg", t.sensor), ms(t.avg_ms)) }
            { row(&format!("{}-max", t.sensor), ms(t.max_ms)) }
            { row("throttled responses", t.throttled_responses.to_string()) }
            { for muted }
        </dl>
    }
}

fn row(k: &str, v: impl Into<Html>) -> Html {
    html! { <><dt>{ k.to_string() }</dt><dd>{ v.into() }</dd></> }
}

fn configs(lines: &[ConfigLine]) -> Html {
    if lines.is_empty() {
        return html! {};
    }
    let show_defaults = lines.len() <= 12;
    let rows = lines.iter().filter(|c| show_defaults || !c.is_default).map(|c| {
        html! {
            <tr key={c.name.clone()} class={classes!(c.is_default.then_some("config--default"))}>
                <td><code>{ &c.name }</code></td>
                <td><code>{ &c.value }</code></td>
                <td>{ if c.is_default { "default".to_string() } else { c.source.clone() } }</td>
            </tr>
        }
    });
    let hidden = if show_defaults { 0 } else { lines.iter().filter(|c| c.is_default).count() };
    html! {
        <table class="table table--configs">
            <caption>{ "Configs" }{ if hidden > 0 { format!(" ({hidden} more at Kafka's defaults not shown)") } else { String::new() } }</caption>
            <thead><tr><th>{ "name" }</th><th>{ "value" }</th><th>{ "source" }</th></tr></thead>
            <tbody>{ for rows }</tbody>
        </table>
    }
}

fn select_button(ctx: &LabContext, label: String, target: Selection) -> Html {
    let d = ctx.dispatch.clone();
    html! { <button type="button" class="linkish" onclick={move |_: MouseEvent| d.emit(LabEvent::Select(Some(target.clone())))}>{ label }</button> }
}

fn ids(v: &[i32]) -> String {
    format!("[{}]", v.iter().map(|b| b.to_string()).collect::<Vec<_>>().join(","))
}

#[component]
pub(crate) fn Inspector(props: &InspectorProps) -> Html {
    let ctx = use_context::<LabContext>().expect("LabContext");
    let Some(detail) = &props.detail else {
        return html! {
            <section class="inspector" data-testid="inspector">
                <p class="muted">{ "Click a broker, a partition replica, a record cell, a client or a group to see its details here. Right-click (or press Enter on) a broker or client for actions." }</p>
                if !props.groups.is_empty() || !props.share_groups.is_empty() {
                    <nav class="inspector__groups" aria-label="Groups" data-testid="inspector-groups">
                        <h2>{ "Groups" }</h2>
                        <ul>
                            { for props.groups.iter().map(|g| html! {
                                <li key={g.id.clone()}>
                                    { select_button(&ctx, g.id.clone(), Selection::Group(g.id.clone())) }
                                    <span class="muted">{ format!(" · {} · {} · {} member(s)", g.rebalance.protocol.name(), g.state, g.members.len()) }</span>
                                </li>
                            }) }
                            { for props.share_groups.iter().map(|g| html! {
                                <li key={format!("share:{}", g.group)}>
                                    { select_button(&ctx, g.group.clone(), Selection::Group(g.group.clone())) }
                                    <span class="muted">{ format!(" · share · {} · {} member(s)", g.state, g.members.len()) }</span>
                                </li>
                            }) }
                        </ul>
                    </nav>
                }
                if let Some(sec) = &props.security { { security_section(&ctx, sec, &props.clients) } }
            </section>
        };
    };
    let close = {
        let d = ctx.dispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(LabEvent::Select(None)))
    };
    let body = match detail.as_ref() {
        Detail::Gone(what) => html! { <p class="muted">{ what }</p> },
        Detail::Broker(b) => {
            // The learner's topics first; internal ones (`__consumer_offsets`, …) folded below.
            let row_of = |(tp, role, in_isr, hw, leo): &(crate::sim::types::TopicPartition, String, bool, i64, i64)| {
                html! {
                    <tr key={tp.to_string()}>
                        <td>{ select_button(&ctx, tp.to_string(), Selection::Replica(b.id, tp.clone())) }</td>
                        <td>{ role }</td><td>{ if *in_isr { "yes" } else { "no ✗" } }</td><td>{ hw }</td><td>{ leo }</td>
                    </tr>
                }
            };
            let reps = b.replicas.iter().filter(|r| !r.0.topic.starts_with("__")).map(row_of);
            let internal: Vec<_> = b.replicas.iter().filter(|r| r.0.topic.starts_with("__")).collect();
            let n_internal = internal.len();
            let internal_rows = internal.into_iter().map(row_of);
            html! {
                <>
                    <h2>{ format!("Broker {}", b.id) }</h2>
                    <dl class="kv">
                        { row("status", b.status.clone()) }
                        { row("listener", b.endpoint.clone()) }
                        { row("rack", b.rack.clone().unwrap_or_else(|| "none".into())) }
                        { row("broker epoch", b.broker_epoch.to_string()) }
                        { row("restarts", b.restarts.to_string()) }
                        if b.slow_ms > 0 { { row("replica fetch delay", format!("{} ms", b.slow_ms)) } }
                    </dl>
                    <table class="table">
                        <caption>{ "Replicas" }</caption>
                        <thead><tr><th>{ "partition" }</th><th>{ "role" }</th><th>{ "in ISR" }</th><th>{ "HW" }</th><th>{ "LEO" }</th></tr></thead>
                        <tbody>{ for reps }</tbody>
                    </table>
                    if n_internal > 0 {
                        <details class="inspector__internal" data-testid="internal-replicas">
                            <summary>{ format!("Internal topics: {n_internal} replicas") }</summary>
                            <table class="table">
                                <thead><tr><th>{ "partition" }</th><th>{ "role" }</th><th>{ "in ISR" }</th><th>{ "HW" }</th><th>{ "LEO" }</th></tr></thead>
                                <tbody>{ for internal_rows }</tbody>
                            </table>
                        </details>
                    }
                    { configs(&b.configs) }
                </>
            }
        }
        Detail::Controller(c) => {
            let brokers = c.brokers.iter().map(|(id, fenced, epoch)| html! {
                <tr key={id.to_string()}><td>{ select_button(&ctx, format!("broker {id}"), Selection::Broker(*id)) }</td><td>{ if *fenced { "fenced" } else { "unfenced" } }</td><td>{ epoch }</td></tr>
            });
            let tail = c.tail.iter().map(
                |(o, e, what)| html! { <tr key={o.to_string()}><td>{ o }</td><td>{ e }</td><td>{ what }</td></tr> },
            );
            html! {
                <>
                    <h2>{ format!("Controller {}", c.id) }</h2>
                    <dl class="kv">
                        { row("role", c.role.clone()) }
                        { row("epoch", c.epoch.to_string()) }
                        { row("voted for", c.voted_for.map(|v| v.to_string()).unwrap_or_else(|| "nobody".into())) }
                        { row("metadata log end", c.log_end.to_string()) }
                        { row("high watermark", c.high_watermark.to_string()) }
                    </dl>
                    <table class="table"><caption>{ "Registered brokers" }</caption>
                        <thead><tr><th>{ "broker" }</th><th>{ "state" }</th><th>{ "broker epoch" }</th></tr></thead>
                        <tbody>{ for brokers }</tbody></table>
                    <table class="table"><caption>{ "Newest records of __cluster_metadata" }</caption>
                        <thead><tr><th>{ "offset" }</th><th>{ "epoch" }</th><th>{ "record" }</th></tr></thead>
                        <tbody>{ for tail }</tbody></table>
                </>
            }
        }
        Detail::Log(l) => html! { <LogView detail={Rc::new(l.clone())} /> },
        Detail::Record(r) => html! {
            <>
                <h2>{ format!("Record {}@{} on broker {}", r.tp, r.offset, r.broker) }</h2>
                <dl class="kv" data-testid="record-detail">
                    { row("offset", r.offset.to_string()) }
                    { row("state", if r.committed { "committed (below the HW): consumers can read it" } else { "not committed yet (at or above the HW): consumers cannot read it" }) }
                    { row("key", r.key.clone().unwrap_or_else(|| "null".into())) }
                    if let Some(p) = r.key_partition {
                        { row("murmur2(key) → partition", format!("{p} (toPositive(murmur2(key)) % partitions)")) }
                    }
                    { row("value", r.value.clone().unwrap_or_else(|| "null".into())) }
                    if !r.headers.is_empty() {
                        { row("headers", r.headers.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ")) }
                    }
                    { row("timestamp", r.timestamp.to_string()) }
                    { row("leader epoch", r.leader_epoch.to_string()) }
                    { row("batch", format!("offsets {}–{}, {} bytes, compression {}", r.batch_base_offset, r.batch_last_offset, r.size_bytes, r.codec)) }
                    { row("producer", format!("id {} · epoch {} · sequence {}", r.producer_id, r.producer_epoch, r.sequence)) }
                    { row("transactional", if r.transactional { "yes" } else { "no" }) }
                    if let Some(c) = &r.control { { row("control record", c.clone()) } }
                </dl>
                { select_button(&ctx, format!("← the log of {} on broker {}", r.tp, r.broker), Selection::Replica(r.broker, r.tp.clone())) }
            </>
        },
        Detail::Client(c) => {
            let fetching = c.fetching.iter().map(|f| {
                let broker = format!("broker {}{}", f.broker, f.rack.as_ref().map(|r| format!(" (rack {r})")).unwrap_or_default());
                html! {
                    <tr key={f.tp.to_string()}><td>{ f.tp.to_string() }</td><td>{ select_button(&ctx, broker, Selection::Broker(f.broker)) }</td><td>{ f.why.clone() }</td></tr>
                }
            });
            let waiting = c.waiting.iter().map(|(b, ms)| {
                row("long poll", format!("Fetch waiting at broker {b} for {ms} ms (until fetch.min.bytes are readable or fetch.max.wait.ms passes)"))
            });
            let assignment = c.assignment.iter().map(|(tp, pos, lag)| html! {
                <tr key={tp.to_string()}><td>{ tp.to_string() }</td><td>{ pos.map(|p| p.to_string()).unwrap_or_else(|| "–".into()) }</td><td>{ lag.map(|p| p.to_string()).unwrap_or_else(|| "–".into()) }</td></tr>
            });
            html! {
                <>
                    <h2>{ format!("{} ({})", c.name, c.kind) }</h2>
                    <dl class="kv">
                        { row("state", c.state.clone()) }
                        { row("doing", c.summary.clone()) }
                        if c.paused { { row("paused", "yes") } }
                        if let Some(g) = &c.group { { row("group", select_button(&ctx, g.clone(), Selection::Group(g.clone()))) } }
                        if let Some(p) = &c.principal {
                            { match p {
                                Ok(p) => row("principal", html! { <span data-testid="client-principal">{ p.clone() }</span> }),
                                Err(e) => row("principal", html! { <span class="refused" data-testid="client-principal">{ format!("none: {e} (its sasl.jaas.config login is refused)") }</span> }),
                            } }
                        }
                    </dl>
                    if !c.problems.is_empty() {
                        <div class="refused-box" role="status" data-testid="client-problems">
                            <p><b>{ "⚠ Errors it met (newest last)" }</b></p>
                            <ul>{ for c.problems.iter().map(|p| html! { <li>{ p.clone() }</li> }) }</ul>
                        </div>
                    }
                    if let Some(t) = &c.throttle { { throttle_view(t) } }
                    if !c.assignment.is_empty() {
                        <table class="table"><caption>{ "Assignment" }</caption>
                            <thead><tr><th>{ "partition" }</th><th>{ "position" }</th><th>{ "lag" }</th></tr></thead>
                            <tbody>{ for assignment }</tbody></table>
                    }
                    if let Some(p) = &c.producer { { producer_internals(p) } }
                    if !c.fetching.is_empty() {
                        <table class="table"><caption>{ "Fetching from" }</caption>
                            <thead><tr><th>{ "partition" }</th><th>{ "broker" }</th><th>{ "why" }</th></tr></thead>
                            <tbody>{ for fetching }</tbody></table>
                    }
                    if !c.waiting.is_empty() {
                        <dl class="kv">{ for waiting }</dl>
                    }
                    { configs(&c.configs) }
                </>
            }
        }
        Detail::Group(g) => {
            let offsets = g.offsets.iter().map(|(tp, committed, end, lag)| html! {
                <tr key={tp.to_string()}><td>{ tp.to_string() }</td><td>{ committed }</td><td>{ end }</td><td>{ lag }</td></tr>
            });
            html! {
                <>
                    <h2>{ format!("Group {}", g.id) }</h2>
                    <dl class="kv">
                        { row("state", g.state.clone()) }
                        { row("generation", g.generation.to_string()) }
                        { row("protocol", format!("{} · {}", g.protocol_type, g.assignor)) }
                        { row("leader", g.leader.clone().unwrap_or_else(|| "none".into())) }
                        { row("coordinator", select_button(&ctx, format!("broker {}", g.coordinator), Selection::Broker(g.coordinator))) }
                    </dl>
                    <GroupPanel group={g.rebalance.clone()} />
                    <table class="table"><caption>{ "Committed offsets (the next offset to read)" }</caption>
                        <thead><tr><th>{ "partition" }</th><th>{ "committed" }</th><th>{ "end" }</th><th>{ "lag" }</th></tr></thead>
                        <tbody>{ for offsets }</tbody></table>
                </>
            }
        }
        Detail::ShareGroup(g) => html! {
            <>
                <h2>{ format!("Share group {}", g.group) }</h2>
                <dl class="kv">
                    { row("state", g.state.clone()) }
                    { row("group epoch", g.epoch.to_string()) }
                    { row("coordinator", select_button(&ctx, format!("broker {}", g.coordinator), Selection::Broker(g.coordinator))) }
                </dl>
                <SharePanel group={g.clone()} />
            </>
        },
        Detail::Topic(t) => {
            let parts = t.partitions.iter().map(|(p, leader, epoch, replicas, isr, hw, leo)| {
                let tp = TopicPartition::new(&t.name, *p);
                html! {
                    <tr key={p.to_string()}>
                        <td>{ if *leader >= 0 { select_button(&ctx, p.to_string(), Selection::Replica(*leader, tp)) } else { html! { { p } } } }</td>
                        <td>{ if *leader >= 0 { leader.to_string() } else { "none".into() } }</td><td>{ epoch }</td>
                        <td>{ ids(replicas) }</td><td>{ ids(isr) }{ if isr.len() < replicas.len() { " ⚠" } else { "" } }</td><td>{ hw }</td><td>{ leo }</td>
                    </tr>
                }
            });
            html! {
                <>
                    <h2>{ format!("Topic {}", t.name) }</h2>
                    <dl class="kv">
                        { row("topic id", t.id.clone()) }
                        if t.internal { { row("internal", "yes") } }
                    </dl>
                    <table class="table"><caption>{ "Partitions" }</caption>
                        <thead><tr><th>{ "partition" }</th><th>{ "leader" }</th><th>{ "epoch" }</th><th>{ "replicas" }</th><th>{ "ISR" }</th><th>{ "HW" }</th><th>{ "LEO" }</th></tr></thead>
                        <tbody>{ for parts }</tbody></table>
                    { configs(&t.configs) }
                </>
            }
        }
        Detail::Link(l) => html! {
            <>
                <h2>{ format!("Link {} → {}", l.from, l.to) }</h2>
                <dl class="kv">
                    { row("cut", if l.cut { "yes: every message is dropped" } else { "no" }) }
                    { row("extra latency", format!("{} ms", l.extra_latency_ms)) }
                    { row("loss", format!("{}%", l.loss_percent)) }
                </dl>
            </>
        },
    };
    html! {
        <section class="inspector" data-testid="inspector">
            <div class="inspector__bar">
                if let Some(target) = props.selection.clone().filter(|t| !matches!(t, Selection::Topic(_) | Selection::Group(_) | Selection::Record(..))) {
                    <button type="button" class="button button--small" data-testid="open-actions"
                        onclick={let d = ctx.dispatch.clone(); move |_: MouseEvent| d.emit(LabEvent::Menu(Some(target.clone())))}>{ "Actions…" }</button>
                }
                <button type="button" class="inspector__close" aria-label="Close the details" onclick={close}>{ "✕" }</button>
            </div>
            { body }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct LogProps {
    detail: Rc<LogDetail>,
}

const LOG_ROW_PX: i32 = 24;
const LOG_ROWS: i32 = 30;

/// A replica's log: numbers, the epoch cache, then every record in a virtualised list.
#[component]
fn LogView(props: &LogProps) -> Html {
    let ctx = use_context::<LabContext>().expect("LabContext");
    let scroll = use_state(|| 0i32);
    let l = &props.detail;
    let total = l.records.min(i32::MAX as u64) as i32;
    let first = (*scroll / LOG_ROW_PX - 5).clamp(0, total.max(0));
    let last = (first + LOG_ROWS).min(total);
    // Walk the batches to the rows in view (records are counted, not copied).
    let mut rows = Vec::new();
    let mut index = 0i32;
    'outer: for b in l.batches.iter() {
        let n = b.records.len() as i32;
        if index + n <= first {
            index += n;
            continue;
        }
        for r in b.records.iter() {
            if index >= last {
                break 'outer;
            }
            if index >= first {
                let offset = b.base_offset + i64::from(r.offset_delta);
                let committed = offset < l.hw;
                let target = Selection::Record(l.broker, l.tp.clone(), offset);
                let d = ctx.dispatch.clone();
                let key = text_of(&r.key).unwrap_or_else(|| "null".into());
                let value = match b.control {
                    Some(c) => format!("{c:?} marker"),
                    None => text_of(&r.value).unwrap_or_else(|| "null".into()),
                };
                // The row's name starts with what it shows (WCAG 2.5.3), then says what ✓/… mean.
                let label = format!(
                    "{offset} {key} {value} e{}, {}",
                    b.partition_leader_epoch,
                    if committed { "committed" } else { "not yet committed" }
                );
                rows.push(html! {
                    <button type="button" key={offset.to_string()} class={classes!("logrow", if committed { "logrow--committed" } else { "logrow--uncommitted" })}
                        style={format!("top:{}px", index * LOG_ROW_PX)} onclick={move |_: MouseEvent| d.emit(LabEvent::Select(Some(target.clone())))}
                        aria-label={label}
                        data-testid={format!("log-row-{offset}")}>
                        <span class="logrow__offset">{ offset }</span>
                        <span class="logrow__key">{ key }</span>
                        <span class="logrow__value">{ value }</span>
                        <span class="logrow__epoch">{ format!("e{}", b.partition_leader_epoch) }</span>
                        <span class="logrow__state">{ if committed { "✓" } else { "…" } }</span>
                    </button>
                });
            }
            index += 1;
        }
    }
    let onscroll = {
        let scroll = scroll.clone();
        Callback::from(move |e: Event| {
            if let Some(el) = e.target_dyn_into::<web_sys::Element>() {
                scroll.set(el.scroll_top());
            }
        })
    };
    let epochs = l.epochs.iter().map(|(e, o)| format!("epoch {e} from offset {o}")).collect::<Vec<_>>().join("; ");
    let followers = l.followers.iter().map(|(b, o)| format!("broker {b} at {o}")).collect::<Vec<_>>().join(", ");
    html! {
        <>
            <h2>{ format!("{} on broker {} ({})", l.tp, l.broker, l.role) }</h2>
            <dl class="kv" data-testid="log-detail">
                { row("in ISR", if l.in_isr { "yes" } else { "no" }) }
                { row("leader epoch", l.leader_epoch.to_string()) }
                { row("log start offset", l.log_start.to_string()) }
                { row("high watermark", l.hw.to_string()) }
                { row("log end offset", l.leo.to_string()) }
                { row("recovery point", l.recovery_point.to_string()) }
                { row("segments", l.segments.to_string()) }
                { row("leader-epoch cache", if epochs.is_empty() { "empty".to_string() } else { epochs }) }
                if !followers.is_empty() { { row("followers' fetch offsets", followers) } }
            </dl>
            { segments_table(l) }
            <section class="log" aria-label={format!("Records of {} on broker {}", l.tp, l.broker)}>
                <div class="logrow logrow--head" aria-hidden="true"><span>{ "offset" }</span><span>{ "key" }</span><span>{ "value" }</span><span>{ "epoch" }</span><span>{ "" }</span></div>
                if total == 0 { <p class="muted">{ "No records." }</p> }
                <div class="log__scroll" {onscroll}>
                    <div class="log__space" style={format!("height:{}px", total * LOG_ROW_PX)}>{ for rows }</div>
                </div>
            </section>
        </>
    }
}

/// Segments shown at most (the newest; a log rolled by a tiny `segment.bytes` has thousands).
const SEGMENTS_SHOWN: usize = 40;

/// A replica's segment files, as `kafka-log-dirs` sizes them and `kafka-dump-log` reads them.
fn segments_table(l: &crate::sim::view::inspect::LogDetail) -> Html {
    let segs = &l.segment_files;
    let skipped = segs.len().saturating_sub(SEGMENTS_SHOWN);
    let rows = segs[skipped..].iter().map(|s| {
        let offsets = s.offsets.map(|(a, b)| format!("{a}–{b}")).unwrap_or_else(|| "empty".into());
        let times = s
            .times
            .map(|(a, b)| format!("{a}–{b} ({} ms)", b.saturating_sub(a).max(0)))
            .unwrap_or_else(|| "–".into());
        html! {
            <tr key={s.base_offset.to_string()} data-testid="segment-row" class={classes!(s.active.then_some("segment--active"))}>
                <td>{ format!("{:020}.log", s.base_offset) }{ if s.active { " (active)" } else { "" } }</td>
                <td>{ format!("{} B · {} batches", s.size_bytes, s.batches) }</td>
                <td>{ offsets }</td>
                <td>{ times }</td>
                <td>{ format!("{} / {}", s.offset_index_entries, s.time_index_entries) }</td>
            </tr>
        }
    });
    html! {
        <table class="table" data-testid="segments">
            <caption>{ format!("Segment files in /tmp/kraft-combined-logs/{}/ ({})", l.tp, segs.len()) }</caption>
            <thead><tr><th>{ "file" }</th><th>{ "size" }</th><th>{ "offsets" }</th><th>{ "timestamps" }</th><th>{ "entries .index / .timeindex" }</th></tr></thead>
            <tbody>
                if skipped > 0 { <tr><td colspan="5" class="muted">{ format!("{skipped} older segments not shown") }</td></tr> }
                { for rows }
            </tbody>
        </table>
    }
}

/// Ten cells, filled in proportion: the fill of a batch or the buffer in signs, not colour.
fn gauge(used: i64, of: i64) -> String {
    let filled = if of <= 0 { 0 } else { (used.clamp(0, of) * 10 / of) as usize };
    format!("{}{}", "▮".repeat(filled), "▯".repeat(10 - filled))
}

/// A producer's accumulator (`RecordAccumulator`), requests in flight (`Sender`) and buffer
/// (`BufferPool`).
fn producer_internals(p: &crate::sim::view::inspect::ProducerInternals) -> Html {
    let in_flight = if p.in_flight.is_empty() {
        format!("none (at most {} per broker)", p.max_in_flight)
    } else {
        p.in_flight
            .iter()
            .map(|(b, r, n)| format!("broker {b}: {r} of {} requests ({n} batches)", p.max_in_flight))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let buffer_pct = if p.buffer_memory > 0 { p.buffer_used * 100 / p.buffer_memory } else { 0 };
    let blocked = match p.blocked_for_ms {
        Some(ms) => format!("send() blocked for {ms} of {} ms (max.block.ms)", p.max_block_ms),
        None => "no".to_string(),
    };
    let ratios =
        p.ratios.iter().map(|(t, r)| format!("{t} {}.{:03}", r / 1000, r % 1000)).collect::<Vec<_>>().join(", ");
    let rows = p.batches.iter().enumerate().map(|(i, b)| {
        let size = if b.wire_bytes > 0 && b.wire_bytes != b.bytes {
            format!("{} / {} B {} · {} B compressed", b.bytes, p.batch_size, gauge(b.bytes.into(), p.batch_size.into()), b.wire_bytes)
        } else {
            format!("{} / {} B {}", b.bytes, p.batch_size, gauge(b.bytes.into(), p.batch_size.into()))
        };
        html! {
            <tr key={i.to_string()}>
                <td>{ b.tp.to_string() }</td><td>{ b.records }</td><td>{ size }</td>
                <td>{ format!("{} / {} ms", b.age_ms, p.linger_ms) }</td>
                <td>{ if b.attempts > 1 { format!("{} (attempt {})", b.state, b.attempts) } else { b.state.clone() } }</td>
            </tr>
        }
    });
    html! {
        <>
            <dl class="kv">
                { row("compression", if ratios.is_empty() { p.compression.to_string() } else { format!("{} (estimated ratio {ratios})", p.compression) }) }
                { row("buffer", format!("{} / {} B {} ({buffer_pct}%)", p.buffer_used, p.buffer_memory, gauge(p.buffer_used, p.buffer_memory))) }
                { row("blocked", blocked) }
                { row("blocked sends", format!("{} ({} gave up after max.block.ms)", p.blocked_sends, p.block_timeouts)) }
                { row("in flight", in_flight) }
                { row("retries", p.retries.to_string()) }
            </dl>
            <table class="table"><caption>{ format!("Batches ({} waiting or in flight; batch.size {} B, linger.ms {})", p.batches.len(), p.batch_size, p.linger_ms) }</caption>
                <thead><tr><th>{ "partition" }</th><th>{ "records" }</th><th>{ "bytes / batch.size" }</th><th>{ "age / linger" }</th><th>{ "state" }</th></tr></thead>
                <tbody>{ for rows }</tbody></table>
        </>
    }
}
