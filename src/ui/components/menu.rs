//! Fault injection by pointing: the actions on a broker, a client or a link. Each one runs the
//! equivalent console command, so it appears in the console and its history and the learner
//! learns the command.

use crate::lab::view::Selection;
use crate::lab::Event as LabEvent;
use crate::sim::types::NodeAddr;
use crate::sim::view::{NodeStatus, ViewModel};
use crate::ui::context::LabContext;
use std::rc::Rc;
use web_sys::HtmlElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct MenuProps {
    pub target: Selection,
    pub view: Rc<ViewModel>,
}

/// The simulator's name for a node (`broker-2`, `controller-1001`, a client's name).
fn node_name(view: &ViewModel, n: NodeAddr) -> String {
    match n {
        NodeAddr::Broker(b) => format!("broker-{b}"),
        NodeAddr::Controller(c) => format!("controller-{c}"),
        NodeAddr::Client(id) => {
            view.clients.iter().find(|c| c.id == id).map(|c| c.name.clone()).unwrap_or_else(|| format!("client-{id}"))
        }
    }
}

/// (label, command, explanation) for each action on `target`.
pub fn actions(view: &ViewModel, target: &Selection) -> (String, Vec<(String, String, String)>) {
    let mut v = Vec::new();
    let mut add = |label: &str, cmd: String, why: &str| v.push((label.to_string(), cmd, why.to_string()));
    let title = match target {
        Selection::Broker(id) => {
            let status = view.brokers.iter().find(|b| b.id == *id).map(|b| b.status);
            let me = format!("broker-{id}");
            if status == Some(NodeStatus::Down) {
                add("Start", format!("broker start {id}"), "restart the process; it recovers its log and rejoins");
            } else {
                add(
                    "Kill (crash)",
                    format!("broker kill {id}"),
                    "kill -9: no goodbye; the controller fences it after missing heartbeats",
                );
                add("Controlled shutdown", format!("broker stop {id}"), "leaderships move away first, then it stops");
                add("Lose its disk", format!("broker lose-disk {id}"), "crash and wipe the log: it comes back empty");
                add(
                    "Slow its replication",
                    format!("broker slow {id} 3s"),
                    "its follower fetches wait 3 s: watch it fall out of the ISR",
                );
                add("Normal speed", format!("broker slow {id} off"), "undo the slow-down");
                add("Isolate from the network", format!("net isolate {me}"), "cut every link to and from it");
            }
            if let Some(active) = view.active_controller {
                add(
                    "Cut from the controller",
                    format!("net cut {me} controller-{active}"),
                    "its heartbeats stop arriving: it will be fenced",
                );
            }
            add("Heal its links", format!("net heal {me}"), "remove the network faults involving it");
            format!("Broker {id}")
        }
        Selection::Replica(b, tp) => {
            let me = format!("broker-{b}");
            let leader = view
                .topics
                .iter()
                .flat_map(|t| t.partitions.iter())
                .find(|p| &p.tp == tp)
                .map(|p| p.leader)
                .unwrap_or(-1);
            if leader >= 0 && leader != *b {
                add(
                    "Slow this follower",
                    format!("broker slow {b} 3s"),
                    "it fetches every 3 s: past replica.lag.time.max.ms it leaves the ISR",
                );
                add(
                    "Cut it from the leader",
                    format!("net cut {me} broker-{leader}"),
                    "its fetches stop: the ISR shrinks",
                );
                add("Heal", format!("net heal {me} broker-{leader}"), "it catches up and rejoins the ISR");
            }
            if leader == *b {
                add(
                    "Kill the leader",
                    format!("broker kill {b}"),
                    "the controller elects a new leader from the ISR, with a new epoch",
                );
            }
            format!("{tp} on broker {b}")
        }
        Selection::Client(id) => {
            let client = view.clients.iter().find(|c| c.id == *id);
            let name = client.map(|c| c.name.clone()).unwrap_or_default();
            let kind = client.map(|c| c.kind).unwrap_or("client");
            if kind == "producer" || kind == "consumer" {
                let paused = client.map(|c| c.paused).unwrap_or(false);
                if paused {
                    add("Resume", format!("{kind} resume {name}"), "carry on");
                } else {
                    add("Pause processing", format!("{kind} pause {name}"), "it stays connected but does no work");
                }
                add("Crash", format!("{kind} crash {name}"), "kill the application without closing it");
                add("Stop (close)", format!("{kind} stop {name}"), "a clean close");
            }
            if let Some(leader) = view.brokers.iter().find(|b| b.status == NodeStatus::Running).map(|b| b.id) {
                add(
                    "Drop its next message",
                    format!("net drop-next {name} broker-{leader}"),
                    "lose one request on the way to a broker",
                );
            }
            format!("{name} ({kind})")
        }
        Selection::Link(a, b) => {
            let (a, b) = (node_name(view, *a), node_name(view, *b));
            add("Cut", format!("net cut {a} {b}"), "drop every message both ways");
            add("Cut one way", format!("net cut {a} {b} --one-way"), "only messages from the first to the second");
            add("Delay 200 ms", format!("net delay {a} {b} 200ms"), "slow the link");
            add("Drop the next message", format!("net drop-next {a} {b}"), "lose exactly one message");
            add("Heal", format!("net heal {a} {b}"), "remove the faults on this link");
            format!("Link {a} ↔ {b}")
        }
        Selection::Controller(c) => {
            add(
                "Isolate from the network",
                format!("net isolate controller-{c}"),
                "the quorum elects another active controller",
            );
            add("Heal its links", format!("net heal controller-{c}"), "remove the network faults involving it");
            format!("Controller {c}")
        }
        Selection::Topic(t) | Selection::Group(t) => t.clone(),
        Selection::Record(b, tp, o) => format!("{tp}@{o} on broker {b}"),
    };
    (title, v)
}

#[component]
pub fn ActionMenu(props: &MenuProps) -> Html {
    let ctx = use_context::<LabContext>().expect("LabContext");
    let first = use_node_ref();
    {
        let first = first.clone();
        use_effect_with(props.target.clone(), move |_| {
            if let Some(b) = first.cast::<HtmlElement>() {
                let _ = b.focus();
            }
        });
    }
    let (title, items) = actions(&props.view, &props.target);
    let close = {
        let d = ctx.dispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(LabEvent::Menu(None)))
    };
    let buttons = items.into_iter().enumerate().map(|(i, (label, cmd, why))| {
        let d = ctx.dispatch.clone();
        let c = cmd.clone();
        html! {
            <li key={cmd.clone()}>
                <button type="button" role="menuitem" ref={if i == 0 { first.clone() } else { NodeRef::default() }}
                    onclick={move |_: MouseEvent| d.emit(LabEvent::Command(c.clone()))} data-testid={format!("action-{}", label.to_lowercase().replace(' ', "-").replace(['(', ')'], ""))}>
                    <span class="menu__label">{ label }</span>
                    <code class="menu__cmd">{ cmd }</code>
                    <span class="menu__why">{ why }</span>
                </button>
            </li>
        }
    });
    html! {
        <div class="menu" role="dialog" aria-label={format!("Actions on {title}")} data-testid="action-menu">
            <div class="menu__head">
                <strong>{ title }</strong>
                <button type="button" class="menu__close" aria-label="Close" onclick={close}>{ "✕" }</button>
            </div>
            <ul role="menu">{ for buttons }</ul>
            <p class="menu__foot">{ "Each action runs the console command shown, so you can type it next time." }</p>
        </div>
    }
}
