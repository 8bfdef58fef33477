//! `kafka-leader-election` output (`LeaderElectionCommand`).

use crate::sim::codec::Codec;
use serde::{Deserialize, Serialize};

use super::{stack_trace, Output};
use crate::sim::java::java_string_cmp;
use crate::sim::sort::CompactSort;

/// The election type (`LeaderElectionCommand`); values are accepted case-insensitively.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) enum ElectionType {
    Preferred,
    Unclean,
}

impl ElectionType {
    /// `PREFERRED` / `UNCLEAN` as printed.
    pub(crate) fn name(self) -> &'static str {
        match self {
            ElectionType::Preferred => "PREFERRED",
            ElectionType::Unclean => "UNCLEAN",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<ElectionType> {
        if s.eq_ignore_ascii_case("preferred") {
            Some(ElectionType::Preferred)
        } else if s.eq_ignore_ascii_case("unclean") {
            Some(ElectionType::Unclean)
        } else {
            None
        }
    }
}

/// Per-partition results of an election.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct ElectionResults {
    pub(crate) succeeded: Vec<(String, i32)>,
    /// `ELECTION_NOT_NEEDED`
    pub(crate) not_needed: Vec<(String, i32)>,
    /// `(partition, exception toString)`
    pub failed: Vec<((String, i32), String)>,
}

fn tp_list(v: &[(String, i32)]) -> String {
    let mut s: Vec<&(String, i32)> = v.iter().collect();
    s.compact_sort_by(|a, b| java_string_cmp(&a.0, &b.0).then(a.1.cmp(&b.1)));
    s.iter().map(|(t, p)| format!("{t}-{p}")).collect::<Vec<_>>().join(", ")
}

/// The election output (`LeaderElectionCommand`): success and "already elected" lines on
/// stdout (partitions `<topic>-<p>` joined by `, `, sorted), then one stdout
/// line per failure and, if any failed, `<n> replica(s) could not be
/// elected` with a stack trace on stderr, exit 1. Nothing at all when every
/// list is empty (e.g. `--all-topic-partitions` on a balanced cluster).
pub(crate) fn results(t: ElectionType, r: &ElectionResults) -> Output {
    let mut o = Output::new();
    if !r.succeeded.is_empty() {
        o.outln(&format!(
            "Successfully completed leader election ({}) for partitions {}",
            t.name(),
            tp_list(&r.succeeded)
        ));
    }
    if !r.not_needed.is_empty() {
        o.outln(&format!("Valid replica already elected for partitions {}", tp_list(&r.not_needed)));
    }
    if !r.failed.is_empty() {
        let mut failed: Vec<&((String, i32), String)> = r.failed.iter().collect();
        failed.compact_sort_by(|a, b| java_string_cmp(&a.0 .0, &b.0 .0).then(a.0 .1.cmp(&b.0 .1)));
        for ((topic, p), e) in &failed {
            o.outln(&format!("Error completing leader election ({}) for partition: {topic}-{p}: {e}", t.name()));
        }
        let msg = format!("{} replica(s) could not be elected", r.failed.len());
        o.errln(&msg);
        o.err(&stack_trace("org.apache.kafka.tools.AdminCommandFailedException", &msg));
        // Each partition's error was added to the exception as suppressed
        // (LeaderElectionCommand.electLeaders); an ApiException has no frames of its own.
        for (_, e) in &failed {
            o.errln(&format!("\tSuppressed: {e}"));
        }
        // LeaderElectionCommand.mainNoExit prints the trace with println: an empty line ends it.
        o.errln("");
        o.exit_code = 1;
    }
    o
}

/// `...PreferredLeaderNotAvailableException: The preferred leader was not available.` (`LeaderElectionCommand`)
#[cfg(test)]
pub(crate) const PREFERRED_NOT_AVAILABLE: &str =
    "org.apache.kafka.common.errors.PreferredLeaderNotAvailableException: The preferred leader was not available.";
