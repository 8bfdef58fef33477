//! Fault injection by pointing: which actions the page offers on a broker, a replica, a client,
//! a link or a controller. Each one is the console command it runs, so it appears in the
//! console and its history and the learner learns the command; the page only draws the menu
//! (`ui::components::menu`).

use crate::lab::view::Selection;
use crate::sim::types::NodeAddr;
use crate::sim::view::{NodeStatus, ViewModel};

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

/// The menu's title for `target`, and (label, command, explanation) for each action on it.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::{Boot, Lab};
    use crate::sim::types::TopicPartition;

    fn commands(view: &ViewModel, target: &Selection) -> Vec<String> {
        actions(view, target).1.into_iter().map(|(_, cmd, _)| cmd).collect()
    }

    #[test]
    fn each_target_offers_the_commands_that_act_on_it() {
        let (mut lab, _) = Lab::boot(Boot::default(), Box::new(|| 0.0)).expect("boots");
        let view = lab.view().view.clone();
        let active = view.active_controller.expect("an active controller");
        let (title, cmds) = actions(&view, &Selection::Broker(2));
        assert_eq!(title, "Broker 2");
        assert_eq!(
            cmds.iter().map(|(_, c, _)| c.as_str()).collect::<Vec<_>>(),
            [
                "broker kill 2".to_string(),
                "broker stop 2".into(),
                "broker lose-disk 2".into(),
                "broker slow 2 3s".into(),
                "broker slow 2 off".into(),
                "net isolate broker-2".into(),
                format!("net cut broker-2 controller-{active}"),
                "net heal broker-2".into(),
            ]
        );
        let link = Selection::Link(NodeAddr::Broker(1), NodeAddr::Controller(active));
        assert_eq!(commands(&view, &link)[0], format!("net cut broker-1 controller-{active}"));
        // A follower replica can be slowed or cut from its leader; the leader killed.
        let orders = view.topics.iter().find(|t| t.name == "orders").expect("the first-visit topic");
        let p = &orders.partitions[0];
        let follower = *p.replicas.iter().find(|b| **b != p.leader).expect("RF 3");
        let tp = TopicPartition::new("orders", 0);
        assert_eq!(
            commands(&view, &Selection::Replica(follower, tp.clone()))[1],
            format!("net cut broker-{follower} broker-{}", p.leader)
        );
        assert_eq!(commands(&view, &Selection::Replica(p.leader, tp)), [format!("broker kill {}", p.leader)]);
        // A running application can be paused; a paused one resumed.
        let checkout = view.clients.iter().find(|c| c.name == "checkout").expect("the first-visit producer").id;
        assert_eq!(commands(&view, &Selection::Client(checkout))[0], "producer pause checkout");
        let _ = lab.update(crate::lab::Event::Command("producer pause checkout".into()));
        let view = lab.view().view.clone();
        assert_eq!(commands(&view, &Selection::Client(checkout))[0], "producer resume checkout");
        // A down broker can only be started (and healed).
        let _ = lab.update(crate::lab::Event::Command("broker kill 3".into()));
        let view = lab.view().view.clone();
        assert_eq!(commands(&view, &Selection::Broker(3))[0], "broker start 3");
    }
}
