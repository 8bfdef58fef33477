//! Turning a sandbox session into a lesson draft: the sandbox's cluster as the start
//! state, the learner's commands as the solution, and goals picked from live checks.

use super::goal::{EventKind, Goal, GoalSpec, NodeState, Op, PartMetric};
use crate::console::session::{Action, Console};
use crate::sim::types::TopicPartition;

/// Goals that pass on the sandbox now, for the learner to pick from: the shape of each
/// topic and partition, brokers and controllers that are down, groups, and the notable
/// events in the trace window.
pub fn suggest_goals(c: &Console) -> Vec<GoalSpec> {
    let sim = c.sim();
    let mut out = Vec::new();
    let mut push = |goal: Goal| out.push(GoalSpec { text: goal.describe(), goal });
    if let Some(image) = sim.metadata_image() {
        for t in image.topics.values().filter(|t| !t.is_internal()) {
            push(Goal::TopicExists { topic: t.name.clone() });
            push(Goal::Partitions { topic: t.name.clone(), op: Op::Eq, n: t.partitions.len() as i64 });
            if let Some(p) = t.partitions.values().next() {
                push(Goal::Rf { topic: t.name.clone(), op: Op::Eq, n: p.replicas.len() as i64 });
            }
            for (k, v) in &t.configs {
                push(Goal::TopicConfig { topic: t.name.clone(), key: k.clone(), value: v.clone() });
            }
            for (p, s) in &t.partitions {
                let tp = TopicPartition::new(t.name.clone(), *p);
                if s.leader >= 0 {
                    push(Goal::Leader { tp: tp.clone(), op: Op::Eq, broker: s.leader });
                } else {
                    push(Goal::Offline { tp: tp.clone() });
                }
                if s.leader_epoch > 0 {
                    push(Goal::Partition {
                        tp: tp.clone(),
                        metric: PartMetric::Epoch,
                        op: Op::Ge,
                        n: s.leader_epoch as i64,
                    });
                }
                push(Goal::Partition { tp: tp.clone(), metric: PartMetric::Isr, op: Op::Eq, n: s.isr.len() as i64 });
                if let Some(log) = sim.leader_log(&tp) {
                    if log.high_watermark > 0 {
                        push(Goal::Partition { tp, metric: PartMetric::Hw, op: Op::Ge, n: log.high_watermark });
                    }
                }
            }
        }
    }
    for (id, b) in sim.brokers() {
        if b.proc.is_none() {
            push(Goal::Broker { id: *id, state: NodeState::Down });
        }
    }
    for (id, k) in sim.controllers() {
        if k.proc.is_none() {
            push(Goal::Controller { id: *id, state: NodeState::Down });
        }
    }
    let mut seen: Vec<EventKind> = Vec::new();
    for ev in sim.trace().events.iter() {
        for kind in [
            EventKind::UncleanElection,
            EventKind::Truncation,
            EventKind::NotEnoughReplicas,
            EventKind::LostWrite,
            EventKind::Duplicate,
            EventKind::IsrShrink,
            EventKind::LeaderChange,
            EventKind::Offline,
            EventKind::Rebalance,
            EventKind::OffsetOutOfRange,
            EventKind::TxnAborted,
            EventKind::TxnCommitted,
        ] {
            if !seen.contains(&kind) && super::goal::event_matches(kind, &None, &ev.kind) {
                seen.push(kind);
            }
        }
    }
    for kind in seen {
        push(Goal::Event { kind, filter: None });
    }
    out
}

fn slug(title: &str) -> String {
    let mut s = String::new();
    for ch in title.chars() {
        if ch.is_ascii_alphanumeric() {
            s.push(ch.to_ascii_lowercase());
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    let s = s.trim_end_matches('-').to_string();
    if s.is_empty() {
        "draft".to_string()
    } else {
        s
    }
}

/// The learner's commands as a console script: commands run or started, what was typed
/// into a job as its here-document, and the clock's advances as `sleep`.
pub(crate) fn commands_of(c: &Console) -> String {
    let log = c.log();
    let mut out = String::new();
    let mut i = 0;
    while i < log.len() {
        let e = &log[i];
        match &e.action {
            Action::Run(item) => {
                out.push_str(item.text.trim_end());
                out.push('\n');
            }
            Action::Start(item) => {
                let mut typed = Vec::new();
                let mut j = i + 1;
                while j < log.len() {
                    match &log[j].action {
                        Action::Input(l) => typed.push(l.clone()),
                        Action::AdvanceTo(_) => {}
                        _ => break,
                    }
                    j += 1;
                }
                if !typed.is_empty()
                    && item.stdin.is_none()
                    && item.stdin_file.is_none()
                    && !typed.iter().any(|l| l == "EOF")
                {
                    out.push_str(&format!("{} <<EOF\n{}\nEOF\n", item.text.trim_end(), typed.join("\n")));
                    // The typed lines are in the here-document; keep the clock's advances.
                    for e in &log[i + 1..j] {
                        if let Action::AdvanceTo(t) = e.action {
                            sleep(&mut out, t.as_micros().saturating_sub(e.at.as_micros()) / 1000);
                        }
                    }
                    i = j;
                    if matches!(log.get(j).map(|e| &e.action), Some(Action::Eof | Action::Interrupt)) {
                        i += 1;
                    }
                    continue;
                }
                out.push_str(item.text.trim_end());
                out.push('\n');
            }
            Action::AdvanceTo(t) => sleep(&mut out, t.as_micros().saturating_sub(e.at.as_micros()) / 1000),
            Action::Input(_) | Action::Eof | Action::Interrupt | Action::Rejected(_) => {}
        }
        i += 1;
    }
    out
}

fn sleep(out: &mut String, mut ms: u64) {
    while ms > 0 {
        let part = ms.min(3_600_000);
        out.push_str(&format!("sleep {part}ms\n"));
        ms -= part;
    }
}

/// A lesson file made from a sandbox: its cluster (seed, brokers, controllers, racks,
/// broker configs) as the start, the commands typed as the one step's solution, and the
/// goals picked (e.g. from [`suggest_goals`]). [`super::parse_lesson`] accepts it.
pub fn draft_from_sandbox(c: &Console, title: &str, picked: &[GoalSpec]) -> String {
    let title = title.lines().next().unwrap_or("").trim();
    let title = if title.is_empty() { "My lesson" } else { title };
    let cfg = c.config();
    let mut s = String::new();
    s.push_str("---\n");
    s.push_str(&format!("id: {}\n", slug(title)));
    s.push_str(&format!("title: {title}\n"));
    s.push_str("order: 1000\nlevel: draft\n");
    s.push_str("summary: A lesson drafted from the sandbox.\n");
    s.push_str(&format!("seed: {}\n", c.seed()));
    s.push_str(&format!("brokers: {}\ncontrollers: {}\n", cfg.brokers, cfg.controllers));
    if !cfg.racks.is_empty() {
        s.push_str(&format!("racks: {}\n", cfg.racks.join(",")));
    }
    for (k, v) in &cfg.broker_configs {
        s.push_str(&format!("broker-config: {k}={v}\n"));
    }
    s.push_str("---\n\nDescribe what the learner will discover.\n\n");
    s.push_str("## Step: Reproduce the sandbox\n\nTell the learner what to do.\n\n```goals\n");
    let goals: Vec<GoalSpec> = if picked.is_empty() {
        vec![GoalSpec { text: "Run any command".to_string(), goal: Goal::Ran { words: vec!["help".to_string()] } }]
    } else {
        picked.to_vec()
    };
    for g in &goals {
        let text = g.text.replace('\n', " ");
        s.push_str(&format!("{} | {}\n", g.goal, text));
    }
    s.push_str("```\n\n```solution\n");
    let mut sol = commands_of(c);
    if sol.trim().is_empty() {
        sol = "help\n".to_string();
    }
    // A fence line inside the solution would end the block early.
    for line in sol.lines() {
        if line.trim() == "```" {
            s.push_str("# (a line of three backticks was left out)\n");
        } else {
            s.push_str(line);
            s.push('\n');
        }
    }
    s.push_str("```\n\n## On a real cluster\n\nName the real configs and commands here.\n");
    s
}

/// The URL fragment that carries a lesson draft: `#draft=<base64url(deflate(text))>`.
pub(crate) fn draft_fragment(text: &str) -> String {
    let deflated = miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 10);
    format!("#draft={}", crate::scenario::link::base64url_encode(&deflated))
}

/// Reads a `#draft=` fragment back into a lesson (every error in words, never a panic).
pub(crate) fn lesson_from_draft_fragment(fragment: &str) -> Option<Result<super::Lesson, String>> {
    let data = fragment.strip_prefix("#draft=")?;
    Some((|| {
        let bytes = crate::scenario::link::base64url_decode(data).map_err(|e| e.to_string())?;
        let text = miniz_oxide::inflate::decompress_to_vec_with_limit(&bytes, crate::scenario::link::MAX_BODY_BYTES)
            .map_err(|_| "the draft link is damaged (it does not inflate)".to_string())?;
        let text = String::from_utf8(text).map_err(|_| "the draft link is damaged (not text)".to_string())?;
        super::parse_lesson(&text).map_err(|e| format!("the draft does not parse: {e}"))
    })())
}

#[cfg(test)]
mod link_tests {
    use super::*;

    #[test]
    fn a_draft_travels_in_a_link_and_damage_is_reported() {
        let text = crate::lessons::catalogue::files()[0].1;
        let frag = draft_fragment(text);
        let lesson = lesson_from_draft_fragment(&frag).expect("a draft fragment").expect("it parses");
        assert_eq!(lesson, crate::lessons::parse_lesson(text).unwrap());
        assert!(lesson_from_draft_fragment("#s=abc").is_none());
        for cut in [8, frag.len() / 2, frag.len() - 3] {
            assert!(lesson_from_draft_fragment(&frag[..cut]).expect("still a draft fragment").is_err());
        }
    }
}
