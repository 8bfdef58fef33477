//! `kafka-metadata-quorum` output (`MetadataQuorumCommand`).

use crate::sim::codec::Codec;
use serde::{Deserialize, Serialize};

use super::{pad_right, stack_trace, Output};

/// The all-zero directory id in base64 (`MetadataQuorumCommand`).
pub(crate) const ZERO_DIRECTORY_ID: &str = "AAAAAAAAAAAAAAAAAAAAAA";

/// One voter or observer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct QuorumReplica {
    pub id: i32,
    /// Base64 directory id; `None` is the all-zero id.
    pub(crate) directory_id: Option<String>,
    pub log_end_offset: i64,
    pub(crate) last_fetch_ms: Option<i64>,
    pub(crate) last_caught_up_ms: Option<i64>,
    /// `NAME://host:port`; usually empty for observers.
    pub(crate) endpoints: Vec<String>,
}

/// The quorum as `DescribeQuorum` reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct QuorumInfo {
    pub(crate) cluster_id: String,
    pub(crate) leader_id: i32,
    pub leader_epoch: i32,
    pub high_watermark: i64,
    /// Voters (the leader among them).
    pub(crate) voters: Vec<QuorumReplica>,
    pub(crate) observers: Vec<QuorumReplica>,
}

fn replica_json(r: &QuorumReplica) -> String {
    let dir = match &r.directory_id {
        Some(d) => format!("\"{d}\""),
        None => "null".to_string(),
    };
    let mut s = format!("{{\"id\": {}, \"directoryId\": {dir}", r.id);
    if !r.endpoints.is_empty() {
        let eps: Vec<String> = r.endpoints.iter().map(|e| format!("\"{e}\"")).collect();
        s.push_str(&format!(", \"endpoints\": [{}]", eps.join(", ")));
    }
    s.push('}');
    s
}

fn replicas_json(v: &[QuorumReplica]) -> String {
    format!("[{}]", v.iter().map(replica_json).collect::<Vec<_>>().join(", "))
}

/// `describe --status` (`MetadataQuorumCommand`): eight lines, values from column 25.
/// MaxFollowerLag is leader LEO minus the smallest voter LEO;
/// MaxFollowerLagTimeMs is 0 when the leader is that voter, else the
/// difference of the last-caught-up times, or -1 when unknown.
pub(crate) fn describe_status(q: &QuorumInfo) -> Output {
    let leader = q.voters.iter().find(|v| v.id == q.leader_id);
    let lagging = q.voters.iter().min_by_key(|v| v.log_end_offset);
    let (max_lag, max_lag_ms) = match (leader, lagging) {
        (Some(l), Some(m)) => {
            let lag = l.log_end_offset.wrapping_sub(m.log_end_offset);
            let ms = if l.id == m.id {
                0
            } else {
                match (l.last_caught_up_ms, m.last_caught_up_ms) {
                    (Some(a), Some(b)) => a.wrapping_sub(b),
                    _ => -1,
                }
            };
            (lag, ms)
        }
        _ => (0, -1),
    };
    let mut o = Output::new();
    o.outln(&format!("ClusterId:              {}", q.cluster_id));
    o.outln(&format!("LeaderId:               {}", q.leader_id));
    o.outln(&format!("LeaderEpoch:            {}", q.leader_epoch));
    o.outln(&format!("HighWatermark:          {}", q.high_watermark));
    o.outln(&format!("MaxFollowerLag:         {max_lag}"));
    o.outln(&format!("MaxFollowerLagTimeMs:   {max_lag_ms}"));
    o.outln(&format!("CurrentVoters:          {}", replicas_json(&q.voters)));
    o.outln(&format!("CurrentObservers:       {}", replicas_json(&q.observers)));
    o
}

/// `ToolsUtils.prettyPrintTable`: every cell padded to its column
/// width and followed by a TAB, so every line ends with a TAB.
pub(crate) fn pretty_print_table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let n = headers.len();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.encode_utf16().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate().take(n) {
            widths[i] = widths[i].max(c.encode_utf16().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: Vec<&str>| {
        for (i, c) in cells.iter().enumerate() {
            out.push_str(&pad_right(c, widths.get(i).copied().unwrap_or(0)));
            out.push('\t');
        }
        out.push('\n');
    };
    line(headers.to_vec());
    for r in rows {
        line(r.iter().map(String::as_str).collect());
    }
    out
}

/// `describe --replication [--human-readable]` (`MetadataQuorumCommand`): leader first, then
/// the other voters, then observers. With `now_ms` set (human-readable),
/// timestamps print as `<n> ms ago`; a timestamp in the future or not
/// after the epoch is the tool's clock-drift error.
pub(crate) fn describe_replication(q: &QuorumInfo, now_ms: Option<i64>) -> Output {
    let leader = q.voters.iter().find(|v| v.id == q.leader_id);
    let leader_leo = leader.map(|l| l.log_end_offset).unwrap_or(0);
    let mut ordered: Vec<(&QuorumReplica, &str)> = Vec::new();
    if let Some(l) = leader {
        ordered.push((l, "Leader"));
    }
    for v in q.voters.iter().filter(|v| v.id != q.leader_id) {
        ordered.push((v, "Follower"));
    }
    for v in &q.observers {
        ordered.push((v, "Observer"));
    }
    let ts = |t: Option<i64>, desc: &str| -> Result<String, String> {
        match (t, now_ms) {
            (None, _) => Ok("-1".to_string()),
            (Some(v), None) => Ok(v.to_string()),
            (Some(v), Some(now)) => {
                if v > 0 && v <= now {
                    Ok(format!("{} ms ago", now - v))
                } else {
                    Err(format!(
                        "Error while computing relative time, possible drift in system clock.\nCurrent timestamp is {now}, {desc} timestamp is {v}"
                    ))
                }
            }
        }
    };
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (r, status) in ordered {
        let fetch = ts(r.last_fetch_ms, "last fetch");
        let caught = ts(r.last_caught_up_ms, "last caught up");
        let (fetch, caught) = match (fetch, caught) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(m), _) | (_, Err(m)) => {
                let mut o = Output::new();
                o.errln(&m);
                o.err(&stack_trace("org.apache.kafka.common.KafkaException", &m));
                o.exit_code = 1;
                return o;
            }
        };
        rows.push(vec![
            r.id.to_string(),
            r.directory_id.clone().unwrap_or_else(|| ZERO_DIRECTORY_ID.to_string()),
            r.log_end_offset.to_string(),
            leader_leo.wrapping_sub(r.log_end_offset).to_string(),
            fetch,
            caught,
            status.to_string(),
        ]);
    }
    let mut o = Output::new();
    o.out(&pretty_print_table(
        &["NodeId", "DirectoryId", "LogEndOffset", "Lag", "LastFetchTimestamp", "LastCaughtUpTimestamp", "Status"],
        &rows,
    ));
    o
}
