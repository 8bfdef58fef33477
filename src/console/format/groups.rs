//! `kafka-consumer-groups` output (`ConsumerGroupCommand`).
//!
//! Layout rules: tables are printed with Java `%-Ns` padding (trailing
//! spaces kept where the real tool prints them), the describe tables start
//! with an empty line and end with a newline (the 4.0 layout fix),
//! and rows whose real order is a hash order are printed in the order the
//! caller passes (sort them). Runtime failures of this tool exit 0
//! (`ConsumerGroupCommand`); only usage errors exit 1.

use serde::{Deserialize, Serialize};

use super::{pad_right, stack_trace, width_of, Output};
use crate::sim::java::java_string_cmp;

/// A group's state (`ConsumerGroupCommand`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum GroupState {
    Unknown,
    PreparingRebalance,
    CompletingRebalance,
    Stable,
    Dead,
    Empty,
    Assigning,
    Reconciling,
}

impl GroupState {
    /// The name the tool prints (`Stable`, `Empty`, ...).
    pub fn name(self) -> &'static str {
        match self {
            GroupState::Unknown => "Unknown",
            GroupState::PreparingRebalance => "PreparingRebalance",
            GroupState::CompletingRebalance => "CompletingRebalance",
            GroupState::Stable => "Stable",
            GroupState::Dead => "Dead",
            GroupState::Empty => "Empty",
            GroupState::Assigning => "Assigning",
            GroupState::Reconciling => "Reconciling",
        }
    }

    /// Whether the describe views call the group "rebalancing" (`ConsumerGroupCommand`).
    pub fn is_rebalancing(self) -> bool {
        matches!(
            self,
            GroupState::PreparingRebalance
                | GroupState::CompletingRebalance
                | GroupState::Assigning
                | GroupState::Reconciling
        )
    }
}

/// A group's type (`ConsumerGroupCommand`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum GroupType {
    Classic,
    Consumer,
    Share,
}

impl GroupType {
    pub fn name(self) -> &'static str {
        match self {
            GroupType::Classic => "Classic",
            GroupType::Consumer => "Consumer",
            GroupType::Share => "Share",
        }
    }
}

/// States accepted by `--list --state` in the order of the error message (`ConsumerGroupCommand`).
pub const LIST_STATES: [GroupState; 7] = [
    GroupState::PreparingRebalance,
    GroupState::CompletingRebalance,
    GroupState::Stable,
    GroupState::Dead,
    GroupState::Empty,
    GroupState::Assigning,
    GroupState::Reconciling,
];

/// Parses `--state s1,s2` (case-insensitive, `ConsumerGroupCommand`). An empty value means
/// "all states".
pub fn parse_state_list(input: &str) -> Result<Vec<GroupState>, String> {
    let mut out = Vec::new();
    for part in input.split(',') {
        let p = part.trim();
        if p.is_empty() {
            continue;
        }
        match LIST_STATES.iter().find(|s| s.name().eq_ignore_ascii_case(p)) {
            Some(s) => out.push(*s),
            None => {
                return Err(format!(
                    "Invalid state list '{input}'. Valid states are: PreparingRebalance, CompletingRebalance, Stable, Dead, Empty, Assigning, Reconciling"
                ))
            }
        }
    }
    Ok(out)
}

/// Parses `--type classic,consumer` (case-insensitive, `ConsumerGroupCommand`).
pub fn parse_type_list(input: &str) -> Result<Vec<GroupType>, String> {
    let mut out = Vec::new();
    for part in input.split(',') {
        let p = part.trim();
        if p.is_empty() {
            continue;
        }
        match [GroupType::Consumer, GroupType::Classic, GroupType::Share]
            .iter()
            .find(|t| t.name().eq_ignore_ascii_case(p))
        {
            Some(t) => out.push(*t),
            None => return Err(format!("Invalid types list '{input}'. Valid types are: Consumer, Classic, Share")),
        }
    }
    Ok(out)
}

/// One group of `--list` (`ConsumerGroupCommand`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupListing {
    pub group_id: String,
    pub group_type: GroupType,
    pub state: GroupState,
}

/// `--list` (`ConsumerGroupCommand`). Without `--state`/`--type`: ids one per line, nothing
/// when there are none. With either: a table whose first column is
/// max(15, longest id) + 10 wide and whose extra columns are ` %-20s` (TYPE
/// before STATE), so every line has trailing spaces. Groups are printed in
/// the order given.
pub fn list(groups: &[GroupListing], show_type: bool, show_state: bool) -> Output {
    let mut o = Output::new();
    if !show_type && !show_state {
        for g in groups {
            o.outln(&g.group_id);
        }
        return o;
    }
    let w = width_of(15, groups.iter().map(|g| g.group_id.as_str())) + 10;
    let row = |id: &str, ty: &str, st: &str| {
        let mut s = pad_right(id, w);
        if show_type {
            s.push(' ');
            s.push_str(&pad_right(ty, 20));
        }
        if show_state {
            s.push(' ');
            s.push_str(&pad_right(st, 20));
        }
        s
    };
    o.outln(&row("GROUP", "TYPE", "STATE"));
    for g in groups {
        o.outln(&row(&g.group_id, g.group_type.name(), g.state.name()));
    }
    o
}

/// `Error: Consumer group '<g>' does not exist.` (`ConsumerGroupCommand`), preceded by an
/// empty line, on stdout.
pub fn does_not_exist(group: &str) -> String {
    format!("\nError: Consumer group '{group}' does not exist.\n")
}

/// The state note of the describe views (`ConsumerGroupCommand`): `Some((stderr?, text))`.
fn state_note(group: &str, state: GroupState) -> Option<(bool, String)> {
    match state {
        GroupState::Dead => Some((false, does_not_exist(group))),
        GroupState::Empty => Some((true, format!("\nConsumer group '{group}' has no active members.\n"))),
        s if s.is_rebalancing() => Some((true, format!("\nWarning: Consumer group '{group}' is rebalancing.\n"))),
        _ => None,
    }
}

fn print_note(o: &mut Output, group: &str, state: GroupState) {
    if let Some((stderr, text)) = state_note(group, state) {
        if stderr {
            o.err(&text);
        } else {
            o.out(&text);
        }
    }
}

/// One row of the offsets view (`ConsumerGroupCommand`). `None` prints `-`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OffsetRow {
    pub topic: Option<String>,
    pub partition: Option<i32>,
    pub current_offset: Option<i64>,
    pub log_end_offset: Option<i64>,
    pub consumer_id: Option<String>,
    pub host: Option<String>,
    pub client_id: Option<String>,
}

impl OffsetRow {
    /// LAG = LOG-END-OFFSET − CURRENT-OFFSET, `-` when either is missing.
    pub fn lag(&self) -> Option<i64> {
        match (self.current_offset, self.log_end_offset) {
            (Some(c), Some(e)) => Some(e.wrapping_sub(c)),
            _ => None,
        }
    }
}

/// One group of the offsets view: its state and rows (rows in display
/// order: members by descending partition count, each member's partitions by
/// topic then partition, then unowned committed partitions; `ConsumerGroupCommand`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupOffsets {
    pub group: String,
    /// `Dead` also stands for a group that does not exist.
    pub state: GroupState,
    pub rows: Vec<OffsetRow>,
}

fn dash<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(|x| x.to_string()).unwrap_or_else(|| "-".to_string())
}

/// `--describe [--offsets]` (`ConsumerGroupCommand`): per group (sorted by id), the state note
/// then, when there are rows, an empty line, the header and the rows
/// (`%-Gs %-Ts %-10s %-15s %-15s %-15s %-Cs %-Hs %s`, no trailing spaces).
pub fn describe_offsets(groups: &[GroupOffsets]) -> Output {
    let mut sorted: Vec<&GroupOffsets> = groups.iter().collect();
    sorted.sort_by(|a, b| java_string_cmp(&a.group, &b.group));
    let mut o = Output::new();
    for g in sorted {
        print_note(&mut o, &g.group, g.state);
        if g.state == GroupState::Dead || g.rows.is_empty() {
            continue;
        }
        let cells: Vec<[String; 9]> = g
            .rows
            .iter()
            .map(|r| {
                [
                    g.group.clone(),
                    dash(&r.topic),
                    dash(&r.partition),
                    dash(&r.current_offset),
                    dash(&r.log_end_offset),
                    dash(&r.lag()),
                    dash(&r.consumer_id),
                    dash(&r.host),
                    dash(&r.client_id),
                ]
            })
            .collect();
        let gw = width_of(15, cells.iter().map(|c| c[0].as_str()));
        let tw = width_of(15, cells.iter().map(|c| c[1].as_str()));
        let cw = width_of(15, cells.iter().map(|c| c[6].as_str()));
        let hw = width_of(15, cells.iter().map(|c| c[7].as_str()));
        let fmt = |c: [&str; 9]| {
            format!(
                "{} {} {} {} {} {} {} {} {}",
                pad_right(c[0], gw),
                pad_right(c[1], tw),
                pad_right(c[2], 10),
                pad_right(c[3], 15),
                pad_right(c[4], 15),
                pad_right(c[5], 15),
                pad_right(c[6], cw),
                pad_right(c[7], hw),
                c[8]
            )
        };
        o.out("\n");
        o.out(&fmt([
            "GROUP",
            "TOPIC",
            "PARTITION",
            "CURRENT-OFFSET",
            "LOG-END-OFFSET",
            "LAG",
            "CONSUMER-ID",
            "HOST",
            "CLIENT-ID",
        ]));
        for c in &cells {
            o.out("\n");
            o.out(&fmt([&c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6], &c[7], &c[8]]));
        }
        o.out("\n");
    }
    o
}

/// One member for `--members` (`ConsumerGroupCommand`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRow {
    pub consumer_id: String,
    /// `group.instance.id` (static membership).
    pub group_instance_id: Option<String>,
    pub host: String,
    pub client_id: String,
    /// Assigned `(topic, partition)` pairs.
    pub assignment: Vec<(String, i32)>,
}

/// One group of the members view.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMembers {
    pub group: String,
    pub state: GroupState,
    pub members: Vec<MemberRow>,
}

/// The ASSIGNMENT text (`ConsumerGroupCommand`): `topic(p1,p2)` per topic, partitions
/// numeric, topics sorted and joined by `, `; `-` when empty.
pub fn assignment_text(assignment: &[(String, i32)]) -> String {
    if assignment.is_empty() {
        return "-".to_string();
    }
    let mut topics: Vec<&str> = assignment.iter().map(|(t, _)| t.as_str()).collect();
    topics.sort_by(|a, b| java_string_cmp(a, b));
    topics.dedup();
    topics
        .iter()
        .map(|t| {
            let mut parts: Vec<i32> = assignment.iter().filter(|(x, _)| x == t).map(|(_, p)| *p).collect();
            parts.sort_unstable();
            parts.dedup();
            let list: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
            format!("{t}({})", list.join(","))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `--describe --members [--verbose]` (`ConsumerGroupCommand`): per group (sorted), the state
/// note, an empty line, the header (printed whatever the state) and one row
/// per member (members without partitions too). Columns are padded and
/// followed by one space (`#PARTITIONS` padded to 15), so lines end with
/// spaces unless `--verbose` adds ASSIGNMENT. A GROUP-INSTANCE-ID column
/// (min 17) follows CONSUMER-ID when any member has one.
pub fn describe_members(groups: &[GroupMembers], verbose: bool) -> Output {
    let mut sorted: Vec<&GroupMembers> = groups.iter().collect();
    sorted.sort_by(|a, b| java_string_cmp(&a.group, &b.group));
    let mut o = Output::new();
    for g in sorted {
        print_note(&mut o, &g.group, g.state);
        let with_instance = g.members.iter().any(|m| m.group_instance_id.is_some());
        let gw = width_of(15, std::iter::once(g.group.as_str()));
        let cw = width_of(15, g.members.iter().map(|m| m.consumer_id.as_str()));
        let iw = width_of(17, g.members.iter().filter_map(|m| m.group_instance_id.as_deref()));
        let hw = width_of(15, g.members.iter().map(|m| m.host.as_str()));
        let lw = width_of(15, g.members.iter().map(|m| m.client_id.as_str()));
        let fmt = |group: &str, cid: &str, iid: &str, host: &str, client: &str, parts: &str, assign: &str| {
            let mut s = format!("{} {} ", pad_right(group, gw), pad_right(cid, cw));
            if with_instance {
                s.push_str(&pad_right(iid, iw));
                s.push(' ');
            }
            s.push_str(&format!("{} {} {} ", pad_right(host, hw), pad_right(client, lw), pad_right(parts, 15)));
            if verbose {
                s.push_str(assign);
            }
            s
        };
        o.out("\n");
        o.outln(&fmt("GROUP", "CONSUMER-ID", "GROUP-INSTANCE-ID", "HOST", "CLIENT-ID", "#PARTITIONS", "ASSIGNMENT"));
        for m in &g.members {
            o.outln(&fmt(
                &g.group,
                &m.consumer_id,
                m.group_instance_id.as_deref().unwrap_or("-"),
                &m.host,
                &m.client_id,
                &m.assignment.len().to_string(),
                &assignment_text(&m.assignment),
            ));
        }
    }
    o
}

/// The group's coordinator (`ConsumerGroupCommand`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coordinator {
    pub host: String,
    pub port: i32,
    pub id: i32,
}

/// One group of `--describe --state` (`ConsumerGroupCommand`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupStateRow {
    pub group: String,
    pub coordinator: Coordinator,
    /// `range` for a classic console consumer, empty for an Empty classic
    /// group, the server assignor (`uniform`) for consumer-protocol groups.
    pub assignment_strategy: String,
    pub state: GroupState,
    pub members: i32,
}

/// `--describe --state` (`ConsumerGroupCommand`): per group, the state note, then an empty
/// line, header and row `%-Ks %-25s %-20s %-15s %s` where the first column
/// is max(25, length of the coordinator text) wide; the coordinator reads
/// `host:port  (id)` with two spaces. A group that does not exist prints
/// only the error.
pub fn describe_state(groups: &[GroupStateRow]) -> Output {
    let mut sorted: Vec<&GroupStateRow> = groups.iter().collect();
    sorted.sort_by(|a, b| java_string_cmp(&a.group, &b.group));
    let mut o = Output::new();
    for g in sorted {
        print_note(&mut o, &g.group, g.state);
        if g.state == GroupState::Dead {
            continue;
        }
        let coord = format!("{}:{}  ({})", g.coordinator.host, g.coordinator.port, g.coordinator.id);
        let k = width_of(25, std::iter::once(coord.as_str()));
        let fmt = |a: &str, b: &str, c: &str, d: &str, e: &str| {
            format!("{} {} {} {} {}", pad_right(a, k), pad_right(b, 25), pad_right(c, 20), pad_right(d, 15), e)
        };
        o.out("\n");
        o.outln(&fmt("GROUP", "COORDINATOR (ID)", "ASSIGNMENT-STRATEGY", "STATE", "#MEMBERS"));
        o.outln(&fmt(&g.group, &coord, &g.assignment_strategy, g.state.name(), &g.members.to_string()));
    }
    o
}

/// One row of the reset-offsets result (`ConsumerGroupCommand`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetRow {
    pub group: String,
    pub topic: String,
    pub partition: i32,
    pub new_offset: i64,
}

fn sort_reset(rows: &[ResetRow]) -> Vec<&ResetRow> {
    let mut v: Vec<&ResetRow> = rows.iter().collect();
    v.sort_by(|a, b| {
        java_string_cmp(&a.group, &b.group)
            .then_with(|| java_string_cmp(&a.topic, &b.topic))
            .then(a.partition.cmp(&b.partition))
    });
    v
}

fn reset_line(a: &str, b: &str, c: &str, d: &str) -> String {
    format!("{} {} {} {}", pad_right(a, 30), pad_right(b, 30), pad_right(c, 10), pad_right(d, 15))
}

/// The reset-offsets table (`ConsumerGroupCommand`), same for dry-run and execute: an empty
/// line, the header, one row per partition (sorted by group, topic,
/// partition; the real order is a hash order), `%-30s %-30s %-10s %-15s` so
/// every line ends with spaces.
pub fn reset_table(rows: &[ResetRow]) -> Output {
    let mut o = Output::new();
    o.out("\n");
    o.outln(&reset_line("GROUP", "TOPIC", "PARTITION", "NEW-OFFSET"));
    for r in sort_reset(rows) {
        o.outln(&reset_line(&r.group, &r.topic, &r.partition.to_string(), &r.new_offset.to_string()));
    }
    o
}

/// `--export` (`ConsumerGroupCommand`): CSV without header, `topic,partition,offset` for one
/// group, `group,topic,partition,offset` for several.
pub fn reset_csv(rows: &[ResetRow], several_groups: bool) -> Output {
    let mut o = Output::new();
    for r in sort_reset(rows) {
        if several_groups {
            o.outln(&format!("{},{},{},{}", r.group, r.topic, r.partition, r.new_offset));
        } else {
            o.outln(&format!("{},{},{}", r.topic, r.partition, r.new_offset));
        }
    }
    o
}

/// A reset on an active group (`ConsumerGroupCommand`): the error on stdout after an empty
/// line, then the table header with no rows.
pub fn reset_group_not_inactive(group: &str, state: GroupState) -> Output {
    let mut o = Output::new();
    o.out(&format!(
        "\nError: Assignments can only be reset if the group '{group}' is inactive, but the current state is {}.\n",
        state.name()
    ));
    o.append(&reset_table(&[]));
    o
}

/// `Cannot shift offset for partition <topic>-<p> since there is no current
/// committed offset` (`ConsumerGroupCommand`).
pub fn cannot_shift(topic: &str, partition: i32) -> String {
    format!("Cannot shift offset for partition {topic}-{partition} since there is no current committed offset")
}

/// `Warn: Partition <p> from topic <t> is empty. Falling back to latest
/// known offset.` (`ConsumerGroupCommand`), preceded by an empty line.
pub fn empty_partition_warning(topic: &str, partition: i32) -> String {
    format!("\nWarn: Partition {partition} from topic {topic} is empty. Falling back to latest known offset.\n")
}

/// The WARN log when a target offset is above the log end (`ConsumerGroupCommand`), without
/// newline.
pub fn offset_clamped_high(timestamp: &str, new_offset: i64, topic: &str, partition: i32, end: i64) -> String {
    super::log_line(
        timestamp,
        "WARN",
        &format!(
            "New offset ({new_offset}) is higher than latest offset for topic partition {topic}-{partition}. Value will be set to {end}"
        ),
        "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand",
    )
}

/// Why a group could not be deleted (`ConsumerGroupCommand`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeleteGroupError {
    /// `GroupNotEmptyException: The group is not empty.`
    NotEmpty,
    /// `GroupIdNotFoundException: The group id does not exist.`
    NotFound,
    /// Any other exception `toString()`.
    Other(String),
}

impl DeleteGroupError {
    fn text(&self) -> String {
        match self {
            DeleteGroupError::NotEmpty => {
                "org.apache.kafka.common.errors.GroupNotEmptyException: The group is not empty.".to_string()
            }
            DeleteGroupError::NotFound => {
                "org.apache.kafka.common.errors.GroupIdNotFoundException: The group id does not exist.".to_string()
            }
            DeleteGroupError::Other(s) => s.clone(),
        }
    }
}

/// `--delete` (`ConsumerGroupCommand`, with quoting of the success message). Results are
/// `(group, None)` for success. Groups are listed sorted.
pub fn delete_groups(results: &[(String, Option<DeleteGroupError>)]) -> Output {
    let mut sorted: Vec<&(String, Option<DeleteGroupError>)> = results.iter().collect();
    sorted.sort_by(|a, b| java_string_cmp(&a.0, &b.0));
    let ok: Vec<&str> = sorted.iter().filter(|r| r.1.is_none()).map(|r| r.0.as_str()).collect();
    let failed: Vec<(&str, &DeleteGroupError)> =
        sorted.iter().filter_map(|r| r.1.as_ref().map(|e| (r.0.as_str(), e))).collect();
    let mut o = Output::new();
    if failed.is_empty() {
        let quoted: Vec<String> = ok.iter().map(|g| format!("'{g}'")).collect();
        o.outln(&format!("Deletion of requested consumer groups ({}) was successful.", quoted.join(", ")));
        return o;
    }
    o.out("\nError: Deletion of some consumer groups failed:\n");
    for (g, e) in &failed {
        o.outln(&format!(
            "* Group '{g}' could not be deleted due to: java.util.concurrent.ExecutionException: {}",
            e.text()
        ));
    }
    if !ok.is_empty() {
        // The real code joins with "'" and ends with "', '" (`ConsumerGroupCommand`).
        o.outln(&format!("\nThese consumer groups were deleted successfully: '{}', '", ok.join("'")));
    }
    o
}

/// The overall result of `--delete-offsets` (`ConsumerGroupCommand`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeleteOffsetsResult {
    Success,
    GroupNotFound,
    GroupNotEmpty,
    PartitionErrors,
}

/// One partition of `--delete-offsets`; `error` is the error message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteOffsetsRow {
    pub topic: String,
    pub partition: i32,
    pub error: Option<String>,
}

/// `--delete-offsets` (`ConsumerGroupCommand`): the first line by result, then an empty line,
/// the `%-30s %-15s %-15s` table (trailing spaces) and rows sorted by topic
/// and partition.
pub fn delete_offsets(
    group: &str,
    topics: &[String],
    result: DeleteOffsetsResult,
    rows: &[DeleteOffsetsRow],
) -> Output {
    let mut o = Output::new();
    let first = match result {
        DeleteOffsetsResult::Success => {
            format!("Request succeed for deleting offsets with topic {} group {group}", topics.join(", "))
        }
        DeleteOffsetsResult::GroupNotFound => format!("Error: '{group}' does not exist."),
        DeleteOffsetsResult::GroupNotEmpty => {
            format!("Error: Deleting offsets of a consumer group '{group}' is forbidden if the group is not empty.")
        }
        DeleteOffsetsResult::PartitionErrors => {
            "Error: Encounter some partition level error, see the follow-up details:".to_string()
        }
    };
    o.outln(&first);
    let line = |a: &str, b: &str, c: &str| format!("{} {} {}", pad_right(a, 30), pad_right(b, 15), pad_right(c, 15));
    o.out("\n");
    o.outln(&line("TOPIC", "PARTITION", "STATUS"));
    let mut sorted: Vec<&DeleteOffsetsRow> = rows.iter().collect();
    sorted.sort_by(|a, b| java_string_cmp(&a.topic, &b.topic).then(a.partition.cmp(&b.partition)));
    for r in sorted {
        let status = match &r.error {
            None => "Successful".to_string(),
            Some(m) => format!("Error: :{m}"),
        };
        o.outln(&line(&r.topic, &r.partition.to_string(), &status));
    }
    o
}

/// Any other runtime failure (`ConsumerGroupCommand`): stdout gets an empty line and
/// `Error: Executing consumer group command failed due to <message>`, stderr
/// the stack trace; the tool still exits 0.
pub fn command_failed(message: &str, exception_class: &str) -> Output {
    let mut o = Output::new();
    o.out(&format!("\nError: Executing consumer group command failed due to {message}\n"));
    o.err(&stack_trace(exception_class, message));
    o
}
