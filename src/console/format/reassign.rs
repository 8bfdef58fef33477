//! `kafka-reassign-partitions` output (`ReassignPartitionsCommand`).

use crate::sim::codec::Codec;
use serde::{Deserialize, Serialize};

use super::{join_ints, stack_trace, Output};
use crate::sim::java::java_string_cmp;
use crate::sim::sort::CompactSort;

/// A partition and its replicas (and optional log dirs, default `any`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct PartitionReplicas {
    pub topic: String,
    pub partition: i32,
    pub replicas: Vec<i32>,
    /// `None` prints `any` for every replica.
    pub(crate) log_dirs: Option<Vec<String>>,
}

/// Jackson-style JSON string escaping.
pub(crate) fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn sorted(parts: &[PartitionReplicas]) -> Vec<&PartitionReplicas> {
    let mut v: Vec<&PartitionReplicas> = parts.iter().collect();
    v.compact_sort_by(|a, b| java_string_cmp(&a.topic, &b.topic).then(a.partition.cmp(&b.partition)));
    v
}

/// The one-line reassignment JSON (`ReassignPartitionsCommand`), partitions sorted by topic then
/// partition:
/// `{"version":1,"partitions":[{"topic":"foo","partition":0,"replicas":[1,2],"log_dirs":["any","any"]}]}`
pub(crate) fn assignment_json(parts: &[PartitionReplicas]) -> String {
    let items: Vec<String> = sorted(parts)
        .iter()
        .map(|p| {
            let dirs: Vec<String> = match &p.log_dirs {
                Some(d) => d.iter().map(|x| json_string(x)).collect(),
                None => p.replicas.iter().map(|_| "\"any\"".to_string()).collect(),
            };
            format!(
                "{{\"topic\":{},\"partition\":{},\"replicas\":[{}],\"log_dirs\":[{}]}}",
                json_string(&p.topic),
                p.partition,
                join_ints(&p.replicas),
                dirs.join(",")
            )
        })
        .collect();
    format!("{{\"version\":1,\"partitions\":[{}]}}", items.join(","))
}

/// `--generate` (`ReassignPartitionsCommand`).
pub(crate) fn generate(current: &[PartitionReplicas], proposed: &[PartitionReplicas]) -> Output {
    let mut o = Output::new();
    o.outln("Current partition replica assignment");
    o.outln(&assignment_json(current));
    o.outln("");
    o.outln("Proposed partition reassignment configuration");
    o.outln(&assignment_json(proposed));
    o
}

fn tp_names(parts: &[(String, i32)]) -> String {
    let mut v: Vec<&(String, i32)> = parts.iter().collect();
    v.compact_sort_by(|a, b| java_string_cmp(&a.0, &b.0).then(a.1.cmp(&b.1)));
    v.iter().map(|(t, p)| format!("{t}-{p}")).collect::<Vec<_>>().join(",")
}

/// `Warning: You must run --verify periodically, ...` (`ReassignPartitionsCommand`)
pub(crate) const VERIFY_PERIODICALLY: &str =
    "Warning: You must run --verify periodically, until the reassignment completes, to ensure the throttle is removed.";

/// `--execute` (`ReassignPartitionsCommand`): the rollback block (current assignment of the moved
/// partitions), the throttle lines when set (values >= 0), then
/// `Successfully started partition reassignment(s) for <tp,...>`.
pub(crate) fn execute(
    current: &[PartitionReplicas],
    started: &[(String, i32)],
    inter_broker_throttle: i64,
    log_dir_throttle: i64,
) -> Output {
    let mut o = Output::new();
    if !current.is_empty() {
        o.outln(&format!(
            "Current partition replica assignment\n\n{}\n\nSave this to use as the --reassignment-json-file option during rollback",
            assignment_json(current)
        ));
    }
    if inter_broker_throttle >= 0 || log_dir_throttle >= 0 {
        o.outln(VERIFY_PERIODICALLY);
        if inter_broker_throttle >= 0 {
            o.outln(&format!("The inter-broker throttle limit was set to {inter_broker_throttle} B/s"));
        }
        if log_dir_throttle >= 0 {
            o.outln(&format!("The replica-alter-dir throttle limit was set to {log_dir_throttle} B/s"));
        }
    }
    if !started.is_empty() {
        let s = if started.len() == 1 { "" } else { "s" };
        o.outln(&format!("Successfully started partition reassignment{s} for {}", tp_names(started)));
    }
    o
}

/// The state of one partition for `--verify` (`ReassignPartitionsCommand`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) enum VerifyState {
    Completed,
    InProgress,
    /// No reassignment running, but the replicas differ from the target.
    Mismatch {
        current: Vec<i32>,
        target: Vec<i32>,
    },
}

/// `--verify` (`ReassignPartitionsCommand`). When every partition is done and throttles are not
/// preserved, an empty line and the throttle-clearing lines follow
/// (`brokers`/`topics` plural only for several).
pub(crate) fn verify(
    states: &[(String, i32, VerifyState)],
    preserve_throttles: bool,
    brokers: &[i32],
    topics: &[String],
) -> Output {
    let mut o = Output::new();
    o.outln("Status of partition reassignment:");
    let mut v: Vec<&(String, i32, VerifyState)> = states.iter().collect();
    v.compact_sort_by(|a, b| java_string_cmp(&a.0, &b.0).then(a.1.cmp(&b.1)));
    let mut all_done = true;
    for (t, p, s) in v {
        match s {
            VerifyState::Completed => o.outln(&format!("Reassignment of partition {t}-{p} is completed.")),
            VerifyState::InProgress => {
                all_done = false;
                o.outln(&format!("Reassignment of partition {t}-{p} is still in progress."));
            }
            VerifyState::Mismatch { current, target } => o.outln(&format!(
                "There is no active reassignment of partition {t}-{p}, but replica set is {} rather than {}.",
                join_ints(current),
                join_ints(target)
            )),
        }
    }
    if all_done && !preserve_throttles {
        o.outln("");
        o.append(&clearing_throttles(brokers, topics));
    }
    o
}

/// `Clearing broker-level throttles on broker(s) ...` and `Clearing
/// topic-level throttles on topic(s) ...` (`ReassignPartitionsCommand`).
pub(crate) fn clearing_throttles(brokers: &[i32], topics: &[String]) -> Output {
    let mut o = Output::new();
    let mut b = brokers.to_vec();
    b.sort_unstable();
    b.dedup();
    let mut t: Vec<&String> = topics.iter().collect();
    t.compact_sort_by(|x, y| java_string_cmp(x, y));
    t.dedup();
    o.outln(&format!(
        "Clearing broker-level throttles on broker{} {}",
        if b.len() == 1 { "" } else { "s" },
        join_ints(&b)
    ));
    o.outln(&format!(
        "Clearing topic-level throttles on topic{} {}",
        if t.len() == 1 { "" } else { "s" },
        t.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",")
    ));
    o
}

/// An ongoing reassignment for `--list` (`ReassignPartitionsCommand`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct OngoingReassignment {
    pub topic: String,
    pub partition: i32,
    pub replicas: Vec<i32>,
    pub adding: Vec<i32>,
    pub removing: Vec<i32>,
}

/// `--list` (`ReassignPartitionsCommand`).
pub(crate) fn list(ongoing: &[OngoingReassignment]) -> Output {
    let mut o = Output::new();
    if ongoing.is_empty() {
        o.outln("No partition reassignments found.");
        return o;
    }
    o.outln("Current partition reassignments:");
    let mut v: Vec<&OngoingReassignment> = ongoing.iter().collect();
    v.compact_sort_by(|a, b| java_string_cmp(&a.topic, &b.topic).then(a.partition.cmp(&b.partition)));
    for r in v {
        let mut s = format!("{}-{}: replicas: {}.", r.topic, r.partition, join_ints(&r.replicas));
        if !r.adding.is_empty() {
            s.push_str(&format!(" adding: {}.", join_ints(&r.adding)));
        }
        if !r.removing.is_empty() {
            s.push_str(&format!(" removing: {}.", join_ints(&r.removing)));
        }
        o.outln(&s);
    }
    o
}

/// `--cancel` (`ReassignPartitionsCommand`): the cancelled partitions (or none active), then
/// `None of the specified partition moves are active.` without a newline,
/// then the throttle-clearing lines unless throttles are preserved.
pub(crate) fn cancel(cancelled: &[(String, i32)], clear: Option<(&[i32], &[String])>) -> Output {
    let mut o = Output::new();
    if cancelled.is_empty() {
        o.outln("None of the specified partition reassignments are active.");
    } else {
        let s = if cancelled.len() == 1 { "" } else { "s" };
        o.outln(&format!("Successfully cancelled partition reassignment{s} for: {}", tp_names(cancelled)));
    }
    o.out("None of the specified partition moves are active.");
    if let Some((brokers, topics)) = clear {
        o.append(&clearing_throttles(brokers, topics));
    }
    o
}

/// A "terse" error (`ReassignPartitionsCommand`): only the message, on stdout, exit 1.
pub(crate) fn terse_error(message: &str) -> Output {
    let mut o = Output::new();
    o.outln(message);
    o.exit_code = 1;
    o
}

/// Any other error (`ReassignPartitionsCommand.main`): `Error: <message>`, then
/// `println(Utils.stackTrace(e))` on stdout (the trace ends with a line break, so an empty line
/// follows), exit 1.
pub(crate) fn error(message: &str, exception_class: &str) -> Output {
    error_with_trace(message, &stack_trace(exception_class, message))
}

/// [`error`] with the exception's whole stack trace text, causes included.
pub(crate) fn error_with_trace(message: &str, trace: &str) -> Output {
    let mut o = Output::new();
    o.outln(&format!("Error: {message}"));
    o.out(trace);
    o.outln("");
    o.exit_code = 1;
    o
}

/// `ReassignPartitionsCommand`, note the two spaces after `assignment.`
pub(crate) const EXISTING_ASSIGNMENT: &str = "Cannot execute because there is an existing partition assignment.  Use --additional to override this and create a new partition assignment in addition to the existing one. The --additional flag can also be used to change the throttle by resubmitting the current reassignment.";

/// `Unknown broker id <id>` (`ReassignPartitionsCommand`)
pub(crate) fn unknown_broker(id: i32) -> String {
    format!("Unknown broker id {id}")
}

/// `Unable to find partition: <t>-<p>` (`ReassignPartitionsCommand`)
pub(crate) fn unable_to_find_partition(topic: &str, partition: i32) -> String {
    format!("Unable to find partition: {topic}-{partition}")
}

/// `ReassignPartitionsUnitTest`
pub(crate) const DUPLICATE_BROKERS: &str = "Broker list contains duplicate entries";
/// `ReassignPartitionsUnitTest`
pub(crate) const DUPLICATE_TOPICS: &str = "List of topics to reassign contains duplicate entries";
