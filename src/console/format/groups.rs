//! `kafka-consumer-groups` output (`ConsumerGroupCommand`).
//!
//! Layout rules: tables are printed with Java `%-Ns` padding (trailing
//! spaces kept where the real tool prints them), the describe tables start
//! with an empty line and end with a newline (the 4.0 layout fix),
//! and rows whose real order is a hash order are printed in the order the
//! caller passes (sort them). Runtime failures of this tool exit 0
//! (`ConsumerGroupCommand`); only usage errors exit 1.

use crate::sim::codec::Codec;
use serde::{Deserialize, Serialize};

use super::{pad_right, width_of, Output};
use crate::sim::java::{java_hash_order, java_string_cmp, java_string_hash};
use crate::sim::sort::CompactSort;

/// A group's state (`ConsumerGroupCommand`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) enum GroupState {
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
    pub(crate) fn name(self) -> &'static str {
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
    pub(crate) fn is_rebalancing(self) -> bool {
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) enum GroupType {
    Classic,
    Consumer,
    Share,
}

impl GroupType {
    pub(crate) fn name(self) -> &'static str {
        match self {
            GroupType::Classic => "Classic",
            GroupType::Consumer => "Consumer",
            GroupType::Share => "Share",
        }
    }
}

/// States accepted by `--list --state` in the order of the error message (`ConsumerGroupCommand`).
pub(crate) const LIST_STATES: [GroupState; 7] = [
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
pub(crate) fn parse_state_list(input: &str) -> Result<Vec<GroupState>, String> {
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
pub(crate) fn parse_type_list(input: &str) -> Result<Vec<GroupType>, String> {
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct GroupListing {
    pub(crate) group_id: String,
    pub(crate) group_type: GroupType,
    pub state: GroupState,
}

/// `--list` (`ConsumerGroupCommand`). Without `--state`/`--type`: ids one per line, nothing
/// when there are none. With either: a table whose first column is
/// max(15, longest id) + 10 wide and whose extra columns are ` %-20s` (TYPE
/// before STATE), so every line has trailing spaces. Groups are printed in
/// the order given.
pub(crate) fn list(groups: &[GroupListing], show_type: bool, show_state: bool) -> Output {
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

/// `kafka-groups --list` (`GroupsCommand.GroupsService.printGroupDetails`): every column as wide
/// as the longest cell and at least 20; the header's cells joined by one space, each row's cells
/// each followed by one.
pub(crate) fn list_all_types(rows: &[(String, String, String)]) -> Output {
    let w = width_of(20, rows.iter().flat_map(|(g, t, p)| [g.as_str(), t.as_str(), p.as_str()]));
    let mut o = Output::new();
    o.outln(&format!("{} {} {}", pad_right("GROUP", w), pad_right("TYPE", w), pad_right("PROTOCOL", w)));
    for (g, t, p) in rows {
        o.outln(&format!("{} {} {} ", pad_right(g, w), pad_right(t, w), pad_right(p, w)));
    }
    o
}

/// `Error: Consumer group '<g>' does not exist.` (`ConsumerGroupCommand`), preceded by an
/// empty line, on stdout.
pub(crate) fn does_not_exist(group: &str) -> String {
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct OffsetRow {
    pub topic: Option<String>,
    pub partition: Option<i32>,
    pub(crate) current_offset: Option<i64>,
    pub log_end_offset: Option<i64>,
    pub(crate) consumer_id: Option<String>,
    pub host: Option<String>,
    pub(crate) client_id: Option<String>,
}

impl OffsetRow {
    /// LAG = LOG-END-OFFSET − CURRENT-OFFSET, `-` when either is missing.
    pub(crate) fn lag(&self) -> Option<i64> {
        match (self.current_offset, self.log_end_offset) {
            (Some(c), Some(e)) => Some(e.wrapping_sub(c)),
            _ => None,
        }
    }
}

/// One group of the offsets view: its state and rows (rows in display
/// order: members by descending partition count, each member's partitions by
/// topic then partition, then unowned committed partitions; `ConsumerGroupCommand`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct GroupOffsets {
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
pub(crate) fn describe_offsets(groups: &[GroupOffsets]) -> Output {
    let mut sorted: Vec<&GroupOffsets> = groups.iter().collect();
    sorted.compact_sort_by(|a, b| java_string_cmp(&a.group, &b.group));
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct MemberRow {
    pub(crate) consumer_id: String,
    /// `group.instance.id` (static membership).
    pub group_instance_id: Option<String>,
    pub host: String,
    pub(crate) client_id: String,
    /// Assigned `(topic, partition)` pairs.
    pub assignment: Vec<(String, i32)>,
    /// The member epoch (KIP-848 consumer groups; `None` for a classic group's member).
    pub(crate) current_epoch: Option<i32>,
    /// The target assignment (KIP-848; empty for a classic group's member).
    pub(crate) target_assignment: Vec<(String, i32)>,
    /// In a consumer group, whether the member speaks the consumer protocol (`true`) or the
    /// classic one (`false`); `None` in a classic group.
    pub upgraded: Option<bool>,
}

/// One group of the members view.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct GroupMembers {
    pub group: String,
    pub state: GroupState,
    pub members: Vec<MemberRow>,
    /// The group's target assignment epoch (KIP-848; `None` for a classic group).
    pub(crate) target_epoch: Option<i32>,
}

/// An assignment as `--members --verbose` prints it (`ConsumerGroupService.getAssignmentString`):
/// `topic:p1,p2` per topic, partitions numeric, the per-topic texts sorted and joined by `;`;
/// `-` when empty.
pub(crate) fn assignment_text(assignment: &[(String, i32)]) -> String {
    if assignment.is_empty() {
        return "-".to_string();
    }
    let mut topics: Vec<&str> = assignment.iter().map(|(t, _)| t.as_str()).collect();
    topics.dedup();
    topics.sort_unstable();
    topics.dedup();
    let mut texts: Vec<String> = topics
        .iter()
        .map(|t| {
            let mut parts: Vec<i32> = assignment.iter().filter(|(x, _)| x == t).map(|(_, p)| *p).collect();
            parts.sort_unstable();
            let list: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
            format!("{t}:{}", list.join(","))
        })
        .collect();
    texts.compact_sort_by(|a, b| java_string_cmp(a, b));
    texts.join(";")
}

/// `--describe --members [--verbose]` (`ConsumerGroupService.printMembers`): per group (sorted),
/// the state note, an empty line, the header (printed whatever the state) and one row per member
/// (members without partitions too). Columns are `%-Ns ` (GROUP, CONSUMER-ID, HOST, CLIENT-ID at
/// least 15 wide, GROUP-INSTANCE-ID at least 17 and only when a member has one, #PARTITIONS 15),
/// so lines end with a space; `--verbose` appends `%-15s %-As %-15s %-Bs` (CURRENT-EPOCH,
/// CURRENT-ASSIGNMENT, TARGET-EPOCH, TARGET-ASSIGNMENT, the assignment columns at least 20 wide).
pub(crate) fn describe_members(groups: &[GroupMembers], verbose: bool) -> Output {
    let mut sorted: Vec<&GroupMembers> = groups.iter().collect();
    sorted.compact_sort_by(|a, b| java_string_cmp(&a.group, &b.group));
    let mut o = Output::new();
    for g in sorted {
        print_note(&mut o, &g.group, g.state);
        let with_instance = g.members.iter().any(|m| m.group_instance_id.as_deref().is_some_and(|i| !i.is_empty()));
        let gw = width_of(15, std::iter::once(g.group.as_str()));
        let cw = width_of(15, g.members.iter().map(|m| m.consumer_id.as_str()));
        let iw = width_of(17, g.members.iter().filter_map(|m| m.group_instance_id.as_deref()));
        let hw = width_of(15, g.members.iter().map(|m| m.host.as_str()));
        let lw = width_of(15, g.members.iter().map(|m| m.client_id.as_str()));
        let current: Vec<String> = g.members.iter().map(|m| assignment_text(&m.assignment)).collect();
        let target: Vec<String> = g.members.iter().map(|m| assignment_text(&m.target_assignment)).collect();
        let aw = width_of(20, current.iter().map(String::as_str));
        let tw = width_of(20, target.iter().map(String::as_str));
        let fmt = |cells: [&str; 6]| {
            let mut s = format!("{} {} ", pad_right(cells[0], gw), pad_right(cells[1], cw));
            if with_instance {
                s.push_str(&pad_right(cells[2], iw));
                s.push(' ');
            }
            s.push_str(&format!(
                "{} {} {} ",
                pad_right(cells[3], hw),
                pad_right(cells[4], lw),
                pad_right(cells[5], 15)
            ));
            s
        };
        // hasMigrationMember: both classic and consumer-protocol members (the online migration)
        // add `%s` UPGRADED after the target assignment.
        let migrating =
            g.members.iter().any(|m| m.upgraded == Some(false)) && g.members.iter().any(|m| m.upgraded == Some(true));
        let verbose_cells = |cells: [&str; 5]| {
            let mut s = format!(
                "{} {} {} {}",
                pad_right(cells[0], 15),
                pad_right(cells[1], aw),
                pad_right(cells[2], 15),
                pad_right(cells[3], tw)
            );
            if migrating {
                s.push(' ');
                s.push_str(cells[4]);
            }
            s
        };
        o.out("\n");
        let mut header = fmt(["GROUP", "CONSUMER-ID", "GROUP-INSTANCE-ID", "HOST", "CLIENT-ID", "#PARTITIONS"]);
        if verbose {
            header.push_str(&verbose_cells([
                "CURRENT-EPOCH",
                "CURRENT-ASSIGNMENT",
                "TARGET-EPOCH",
                "TARGET-ASSIGNMENT",
                "UPGRADED",
            ]));
        }
        o.outln(&header);
        for (i, m) in g.members.iter().enumerate() {
            let mut line = fmt([
                &g.group,
                &m.consumer_id,
                m.group_instance_id.as_deref().unwrap_or(""),
                &m.host,
                &m.client_id,
                &m.assignment.len().to_string(),
            ]);
            if verbose {
                line.push_str(&verbose_cells([
                    &dash(&m.current_epoch),
                    &current[i],
                    &dash(&g.target_epoch),
                    &target[i],
                    &m.upgraded.map(|u| u.to_string()).unwrap_or_else(|| "-".into()),
                ]));
            }
            o.outln(&line);
        }
    }
    o
}

/// The group's coordinator (`ConsumerGroupCommand`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct Coordinator {
    pub host: String,
    pub(crate) port: i32,
    pub id: i32,
}

/// One group of `--describe --state` (`ConsumerGroupCommand`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct GroupStateRow {
    pub group: String,
    pub coordinator: Coordinator,
    /// `range` for a classic console consumer, empty for an Empty classic
    /// group (printed `-`), the server assignor (`uniform`) for consumer-protocol groups.
    pub(crate) assignment_strategy: String,
    pub state: GroupState,
    pub members: i32,
    /// The group epoch and target assignment epoch (KIP-848; `None` for a classic group).
    pub group_epoch: Option<i32>,
    pub(crate) target_assignment_epoch: Option<i32>,
}

/// `--describe --state [--verbose]` (`ConsumerGroupService.printStates`): per group, the state
/// note, then an empty line, header and row `%-Gs %-Ks %-20s %-20s %s` where GROUP is
/// max(15, group id) wide and COORDINATOR (ID) max(25, its text) wide; the coordinator reads
/// `host:port  (id)` with two spaces, an empty assignment strategy `-`. `--verbose` adds
/// GROUP-EPOCH (`%-15s`) and TARGET-ASSIGNMENT-EPOCH (`%-25s`) before #MEMBERS. A group that does
/// not exist prints only the error.
pub(crate) fn describe_state(groups: &[GroupStateRow], verbose: bool) -> Output {
    let mut sorted: Vec<&GroupStateRow> = groups.iter().collect();
    sorted.compact_sort_by(|a, b| java_string_cmp(&a.group, &b.group));
    let mut o = Output::new();
    for g in sorted {
        print_note(&mut o, &g.group, g.state);
        if g.state == GroupState::Dead {
            continue;
        }
        let coord = format!("{}:{}  ({})", g.coordinator.host, g.coordinator.port, g.coordinator.id);
        let gw = width_of(15, std::iter::once(g.group.as_str()));
        let k = width_of(25, std::iter::once(coord.as_str()));
        let fmt = |c: [&str; 7]| {
            let mut s = format!(
                "{} {} {} {} ",
                pad_right(c[0], gw),
                pad_right(c[1], k),
                pad_right(c[2], 20),
                pad_right(c[3], 20)
            );
            if verbose {
                s.push_str(&format!("{} {} ", pad_right(c[4], 15), pad_right(c[5], 25)));
            }
            s.push_str(c[6]);
            s
        };
        let strategy = if g.assignment_strategy.is_empty() { "-" } else { g.assignment_strategy.as_str() };
        o.out("\n");
        o.outln(&fmt([
            "GROUP",
            "COORDINATOR (ID)",
            "ASSIGNMENT-STRATEGY",
            "STATE",
            "GROUP-EPOCH",
            "TARGET-ASSIGNMENT-EPOCH",
            "#MEMBERS",
        ]));
        o.outln(&fmt([
            &g.group,
            &coord,
            strategy,
            g.state.name(),
            &dash(&g.group_epoch),
            &dash(&g.target_assignment_epoch),
            &g.members.to_string(),
        ]));
    }
    o
}

/// One row of the reset-offsets result (`ConsumerGroupCommand`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct ResetRow {
    pub group: String,
    pub topic: String,
    pub partition: i32,
    pub(crate) new_offset: i64,
}

/// The rows in the order Kafka prints them: group by group, and within a group in the
/// iteration order of the `HashMap<TopicPartition, OffsetAndMetadata>` that
/// `ConsumerGroupCommand.resetOffsets` builds (`Collectors.toMap`, a default `HashMap`), keyed
/// by `TopicPartition.hashCode()`: `31 * (31 + partition) + topic.hashCode()`.
fn sort_reset(rows: &[ResetRow]) -> Vec<&ResetRow> {
    let mut v: Vec<&ResetRow> = rows.iter().collect();
    v.compact_sort_by(|a, b| {
        java_string_cmp(&a.group, &b.group)
            .then_with(|| java_string_cmp(&a.topic, &b.topic))
            .then(a.partition.cmp(&b.partition))
    });
    let mut ordered = Vec::with_capacity(v.len());
    for group in v.chunk_by(|a, b| a.group == b.group) {
        // Keys that share a bucket keep the order they were put in: the group's partitions
        // arrive topic by topic in the hash order of the topic names (the committed offsets
        // come back grouped by topic), each topic's partitions ascending.
        let topics: Vec<(&str, i32)> = group.iter().map(|r| (r.topic.as_str(), java_string_hash(&r.topic))).collect();
        let arrival: Vec<(&ResetRow, i32)> = java_hash_order(&topics, 16)
            .into_iter()
            .flat_map(|t| group.iter().filter(move |r| r.topic == t))
            .map(|r| (*r, topic_partition_hash(&r.topic, r.partition)))
            .collect();
        ordered.extend(java_hash_order(&arrival, 16));
    }
    ordered
}

/// `TopicPartition.hashCode()`.
pub(crate) fn topic_partition_hash(topic: &str, partition: i32) -> i32 {
    31i32.wrapping_mul(31i32.wrapping_add(partition)).wrapping_add(java_string_hash(topic))
}

/// The reset-offsets table (`GroupOffsetsResetter.printOffsetsToReset`), the same for dry-run
/// and execute: when there is any group (`groups`: every group reset, those without rows too),
/// an empty line and the header, then one row per partition (in Kafka's order, see
/// `sort_reset`), `%-Gs %-Ts %-10s %s` with GROUP and TOPIC max(15, longest)
/// wide; then a newline. No groups prints only the newline.
pub(crate) fn reset_table(groups: &[String], rows: &[ResetRow]) -> Output {
    let gw = width_of(15, groups.iter().map(String::as_str).chain(rows.iter().map(|r| r.group.as_str())));
    let tw = width_of(15, rows.iter().map(|r| r.topic.as_str()));
    let line = |a: &str, b: &str, c: &str, d: &str| {
        format!("\n{} {} {} {d}", pad_right(a, gw), pad_right(b, tw), pad_right(c, 10))
    };
    let mut o = Output::new();
    if !groups.is_empty() || !rows.is_empty() {
        o.out(&line("GROUP", "TOPIC", "PARTITION", "NEW-OFFSET"));
    }
    for r in sort_reset(rows) {
        o.out(&line(&r.group, &r.topic, &r.partition.to_string(), &r.new_offset.to_string()));
    }
    o.out("\n");
    o
}

/// `--export` (`ConsumerGroupService.exportOffsetsToCsv`): CSV without header,
/// `topic,partition,offset` for one group, `group,topic,partition,offset` for several, each
/// record ending in a newline; the tool `println`s the whole text, so an empty line follows.
pub(crate) fn reset_csv(rows: &[ResetRow], several_groups: bool) -> Output {
    let mut o = Output::new();
    for r in sort_reset(rows) {
        if several_groups {
            o.outln(&format!("{},{},{},{}", r.group, r.topic, r.partition, r.new_offset));
        } else {
            o.outln(&format!("{},{},{}", r.topic, r.partition, r.new_offset));
        }
    }
    o.out("\n");
    o
}

/// A reset on an active group (`ConsumerGroupService.resetOffsets`): the error on stdout after
/// an empty line; the group then takes part in the table without rows.
pub(crate) fn reset_group_not_inactive(group: &str, state: GroupState) -> Output {
    let mut o = Output::new();
    o.out(&format!(
        "\nError: Assignments can only be reset if the group '{group}' is inactive, but the current state is {}.\n",
        state.name()
    ));
    o
}

/// `Cannot shift offset for partition <topic>-<p> since there is no current
/// committed offset` (`ConsumerGroupCommand`).
pub(crate) fn cannot_shift(topic: &str, partition: i32) -> String {
    format!("Cannot shift offset for partition {topic}-{partition} since there is no current committed offset")
}

/// `Warn: Partition <p> from topic <t> is empty. Falling back to latest
/// known offset.` (`ConsumerGroupCommand`), preceded by an empty line.
pub(crate) fn empty_partition_warning(topic: &str, partition: i32) -> String {
    format!("\nWarn: Partition {partition} from topic {topic} is empty. Falling back to latest known offset.\n")
}

/// The logger of the reset's range checks (`GroupOffsetsResetter.LOGGER`).
pub(crate) const RESETTER_LOGGER: &str = "org.apache.kafka.tools.GroupOffsetsResetter";

/// The WARN log when a target offset is above the log end (`GroupOffsetsResetter.checkOffsetsRange`),
/// without newline.
pub(crate) fn offset_clamped_high(timestamp: &str, new_offset: i64, topic: &str, partition: i32, end: i64) -> String {
    super::log_line(
        timestamp,
        "WARN",
        &format!(
            "New offset ({new_offset}) is higher than latest offset for topic partition {topic}-{partition}. Value will be set to {end}."
        ),
        RESETTER_LOGGER,
    )
}

/// The WARN log when a target offset is below the log start (`GroupOffsetsResetter.checkOffsetsRange`),
/// without newline.
pub(crate) fn offset_clamped_low(timestamp: &str, new_offset: i64, topic: &str, partition: i32, start: i64) -> String {
    super::log_line(
        timestamp,
        "WARN",
        &format!(
            "New offset ({new_offset}) is lower than earliest offset for topic partition {topic}-{partition}. Value will be set to {start}."
        ),
        RESETTER_LOGGER,
    )
}

/// Why a group could not be deleted (`ConsumerGroupCommand`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) enum DeleteGroupError {
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

/// `--delete` (`ConsumerGroupService.deleteGroups`): each failure prints the cause's
/// `toString()`. Results are `(group, None)` for success. Groups are listed sorted (the real
/// order is a hash order).
pub(crate) fn delete_groups(results: &[(String, Option<DeleteGroupError>)]) -> Output {
    let mut sorted: Vec<&(String, Option<DeleteGroupError>)> = results.iter().collect();
    sorted.compact_sort_by(|a, b| java_string_cmp(&a.0, &b.0));
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
        o.outln(&format!("* Group '{g}' could not be deleted due to: {}", e.text()));
    }
    if !ok.is_empty() {
        let quoted: Vec<String> = ok.iter().map(|g| format!("'{g}'")).collect();
        o.outln(&format!("\nThese consumer groups were deleted successfully: {}", quoted.join(", ")));
    }
    o
}

/// The overall result of `--delete-offsets` (`ConsumerGroupService.deleteOffsets`: the
/// top-level error of `deleteConsumerGroupOffsets`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) enum DeleteOffsetsResult {
    Success,
    GroupNotFound,
    GroupNotEmpty,
    /// GROUP_AUTHORIZATION_FAILED: no DELETE on the group (`KafkaApis.handleOffsetDeleteRequest`).
    GroupAuthorizationFailed,
    PartitionErrors,
}

/// One partition of `--delete-offsets`; `error` is the failed future's exception text
/// (`<class>: <message>` of the cause), `partition` -1 for a topic that could not be described.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct DeleteOffsetsRow {
    pub topic: String,
    pub partition: i32,
    pub error: Option<String>,
}

/// `--delete-offsets` (`ConsumerGroupService.deleteOffsets`): the first line by result (errors
/// through `printError`, after an empty line), then an empty line, the `%-Ts %-10s %-15s` table
/// (TOPIC max(15, longest topic) wide, trailing spaces) with rows sorted by the text of topic and
/// partition concatenated, as Kafka sorts them, and a final newline.
pub(crate) fn delete_offsets(group: &str, result: DeleteOffsetsResult, rows: &[DeleteOffsetsRow]) -> Output {
    let mut o = Output::new();
    match result {
        DeleteOffsetsResult::Success => o.outln(&format!("Request succeeded for deleting offsets from group {group}.")),
        DeleteOffsetsResult::GroupNotFound => o.outln("\nError: The group id does not exist."),
        DeleteOffsetsResult::GroupNotEmpty => o.outln("\nError: The group is not empty."),
        DeleteOffsetsResult::GroupAuthorizationFailed => o.outln("\nError: Group authorization failed."),
        DeleteOffsetsResult::PartitionErrors => {
            o.outln("\nError: Encountered some partition-level error, see the follow-up details.")
        }
    }
    let tw = width_of(15, rows.iter().map(|r| r.topic.as_str()));
    let line = |a: &str, b: &str, c: &str| format!("\n{} {} {}", pad_right(a, tw), pad_right(b, 10), pad_right(c, 15));
    o.out(&line("TOPIC", "PARTITION", "STATUS"));
    let mut sorted: Vec<&DeleteOffsetsRow> = rows.iter().collect();
    sorted.compact_sort_by(|a, b| {
        java_string_cmp(&format!("{}{}", a.topic, a.partition), &format!("{}{}", b.topic, b.partition))
    });
    for r in sorted {
        let status = match &r.error {
            None => "Successful".to_string(),
            Some(m) => format!("Error: {m}"),
        };
        let part = if r.partition >= 0 { r.partition.to_string() } else { "-".to_string() };
        o.out(&line(&r.topic, &part, &status));
    }
    o.out("\n");
    o
}
