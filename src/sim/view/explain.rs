//! Cluster events in plain words, one sentence each, for the console's `trace` command
//! and the UI's event feed. Message-level events (sent, delivered, dropped) and chatty
//! bookkeeping (high watermarks, committed metadata records, acknowledged batches) give
//! `None`: the feed tells what changed, not every packet.

use crate::sim::trace::{ElectionReason, Finding, TraceEvent, TraceKind};
use crate::sim::types::NodeAddr;
use crate::sim::view::names::{ids, node};

/// One sentence describing `ev`, or `None` when it is not worth a line.
pub(crate) fn describe_event(ev: &TraceEvent) -> Option<String> {
    use TraceKind as K;
    Some(match &ev.kind {
        K::Sent { .. } | K::Delivered { .. } | K::Dropped { .. } | K::Disconnected { .. } => return None,
        K::HighWatermark { .. } | K::MetadataCommitted { .. } | K::BecameLeader { .. } | K::BecameFollower { .. } => {
            return None
        }
        K::SegmentRolled { .. } | K::ProduceAcked { .. } | K::MetadataRefreshed { .. } | K::Consumed { .. } => {
            return None
        }
        K::ProcessStarted { node: n } => match n {
            NodeAddr::Client(_) => return None,
            other => format!("{} started", node(other)),
        },
        K::ProcessCrashed { node: n } => match n {
            NodeAddr::Client(c) => format!("client {c} crashed without closing its connections"),
            other => format!("{} crashed: its memory is gone, its disk stays", node(other)),
        },
        K::ProcessStopped { node: n } => match n {
            NodeAddr::Client(_) => return None,
            other => format!("{} stopped", node(other)),
        },
        K::DiskLost { node: n } => format!("{} lost its disk: it will start again with no data", node(n)),
        K::LogRecovered { broker, tp, log_end_offset, lost_unflushed } => format!(
            "broker {broker} recovered {tp} up to offset {log_end_offset}; {} unflushed record(s) were lost with the power",
            lost_unflushed.len()
        ),
        K::QuorumLeaderElected { controller, epoch } => {
            format!("controller {controller} won the metadata quorum election (epoch {epoch}): it is the active controller")
        }
        K::QuorumElectionStarted { controller, epoch } => {
            format!("controller {controller} lost contact with the quorum leader and started an election for epoch {epoch}")
        }
        K::BrokerRegistered { broker, broker_epoch } => {
            format!("broker {broker} registered with the controller (broker epoch {broker_epoch})")
        }
        K::BrokerFenced { broker, reason } => match reason.strip_prefix("no heartbeat for ") {
            Some(rest) => {
                let secs = rest.split(" (").next().unwrap_or(rest);
                format!("broker {broker} missed heartbeats for {secs}; the controller fenced it")
            }
            None => format!("the controller fenced broker {broker}: {reason}"),
        },
        K::BrokerUnfenced { broker } => {
            format!("broker {broker} caught up with the metadata; the controller unfenced it")
        }
        K::BrokerControlledShutdown { broker } => {
            format!("broker {broker} began a controlled shutdown: its leaderships move to other replicas first")
        }
        K::TopicCreated { topic, assignment, .. } => format!(
            "topic {topic} created with {} partition(s), replicas {}",
            assignment.len(),
            assignment.iter().map(|a| ids(a)).collect::<Vec<_>>().join(" ")
        ),
        K::TopicDeleted { topic } => format!("topic {topic} deleted"),
        K::PartitionsAdded { topic, assignment } => {
            format!("topic {topic} got {} new partition(s)", assignment.len())
        }
        K::ConfigChanged { resource, name, value } => match value {
            Some(v) => format!("{resource}: {name} set to {v}"),
            None => format!("{resource}: {name} removed (back to its default)"),
        },
        K::LeaderElected { tp, leader, previous, epoch, isr, reason } => match reason {
            ElectionReason::NewPartition => format!("{tp}: broker {leader} is the first leader (epoch {epoch})"),
            ElectionReason::Unclean => format!(
                "{tp}: broker {leader} became leader in an UNCLEAN election (epoch {epoch}); it was not in the ISR, so acknowledged records may be lost"
            ),
            ElectionReason::Preferred => {
                format!("{tp}: the preferred replica, broker {leader}, leads again (epoch {epoch})")
            }
            ElectionReason::ControlledShutdown => format!(
                "{tp}: leadership moved from broker {previous} to broker {leader} (epoch {epoch}) for a controlled shutdown"
            ),
            ElectionReason::Reassignment => {
                format!("{tp}: broker {leader} leads after the reassignment (epoch {epoch})")
            }
            ElectionReason::Recovered => {
                format!("{tp}: broker {leader} is back in the ISR and leads again (epoch {epoch})")
            }
            ElectionReason::LeaderFenced => {
                format!("{tp}: broker {leader} is the new leader (epoch {epoch}), chosen from the ISR {}", ids(isr))
            }
        },
        K::PartitionOffline { tp, isr, elr } => {
            if elr.is_empty() {
                format!("{tp} is offline: no live replica of the ISR {} can lead it", ids(isr))
            } else {
                format!(
                    "{tp} is offline: no live replica of the ISR {} can lead it; the eligible leader replicas (ELR) {} hold every committed record, and one of them leads when it is back",
                    ids(isr),
                    ids(elr)
                )
            }
        }
        K::IsrShrunk { tp, removed, isr, .. } => format!(
            "{tp}: {} left the ISR, which is now {}",
            removed.iter().map(|b| format!("broker {b}")).collect::<Vec<_>>().join(" and "),
            ids(isr)
        ),
        K::IsrExpanded { tp, added, isr, .. } => format!(
            "{tp}: {} caught up and rejoined the ISR, which is now {}",
            added.iter().map(|b| format!("broker {b}")).collect::<Vec<_>>().join(" and "),
            ids(isr)
        ),
        K::Truncated { tp, broker, from, to, removed } => format!(
            "broker {broker} truncated {tp} from offset {from} to {to} to match the leader ({} record(s) removed)",
            removed.len()
        ),
        K::ReplicaDeleted { tp, broker } => format!("broker {broker} deleted its replica of {tp}"),
        K::SegmentsDeleted { tp, broker, log_start_offset, reason } if reason.starts_with("local") => format!(
            "broker {broker} deleted local segments of {tp} already in remote storage ({reason}); its local log now starts at offset {log_start_offset}"
        ),
        K::SegmentsDeleted { tp, broker, log_start_offset, reason } => format!(
            "broker {broker} deleted old segments of {tp} ({reason}); the log now starts at offset {log_start_offset}"
        ),
        K::LogCleaned { tp, broker, removed } => {
            format!("broker {broker} compacted {tp}: {removed} record(s) removed")
        }
        K::SegmentCopied { tp, broker, base_offset, end_offset } => format!(
            "broker {broker}, leader of {tp}, copied the segment of offsets {base_offset}–{end_offset} to remote storage"
        ),
        K::RemoteSegmentsDeleted { tp, broker, log_start_offset, reason } => format!(
            "broker {broker} deleted remote segments of {tp} ({reason}); the log now starts at offset {log_start_offset}"
        ),
        K::RemoteRead { tp, broker, offset, ok: true } => {
            format!("broker {broker} served a fetch of {tp} at offset {offset} from remote storage")
        }
        K::RemoteRead { tp, broker, offset, ok: false } => format!(
            "broker {broker} could not read {tp} at offset {offset} from remote storage: the fetch answers UNKNOWN_SERVER_ERROR"
        ),
        K::RemoteCopyFailed { tp, broker } => {
            format!("broker {broker} could not copy a segment of {tp} to remote storage; it will try again")
        }
        K::RemoteStorage { down: true } => "the remote storage became unreachable".to_string(),
        K::RemoteStorage { down: false } => "the remote storage is reachable again".to_string(),
        K::ProduceFailed { client, tp, error, count, retrying } => {
            if *retrying {
                return None;
            }
            format!("{client} gave up on {count} record(s) for {tp}: {}", error.name())
        }
        K::ClientError { client, api, error, detail } => format!("{client}: {api} reported {} {detail}", error.name()),
        K::OffsetsCommitted { .. } => return None,
        K::OffsetReset { client, tp, offset, reason } => {
            format!("{client} reset its position on {tp} to offset {offset} ({reason})")
        }
        K::GroupStateChanged { group, state, generation, reason } => {
            format!("group {group} is {state} (generation {generation}): {reason}")
        }
        K::GroupAssignment { group, member, partitions, .. } => format!(
            "group {group}: {member} was assigned {}",
            partitions.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(", ")
        ),
        K::MemberRemoved { group, member, reason } => format!("group {group}: {member} left ({reason})"),
        K::ShareAcquired { group, member, tp, ranges } => format!(
            "share group {group}: {member} acquired {tp} {}",
            ranges
                .iter()
                .map(|(f, l, d)| if f == l {
                    format!("offset {f} (delivery {d})")
                } else {
                    format!("offsets {f}-{l} (delivery {d})")
                })
                .collect::<Vec<_>>()
                .join(", ")
        ),
        K::ShareAcknowledged { .. } => return None,
        K::ShareLockExpired { group, member, tp, offset, archived } => {
            if *archived {
                format!("share group {group}: the lock of {member} on {tp} offset {offset} expired at the delivery limit: the record is archived")
            } else {
                format!("share group {group}: the lock of {member} on {tp} offset {offset} expired: the record is available again")
            }
        }
        K::TransactionState { transactional_id, state } => format!("transaction {transactional_id} is {state}"),
        K::Check(f) => describe_finding(f),
        K::Note { text } => text.clone(),
    })
}

/// A checker finding in words.
pub(crate) fn describe_finding(f: &Finding) -> String {
    match f {
        Finding::InvariantViolated { what } => format!("CHECK: an engine invariant broke: {what}"),
        Finding::LostWrite { tp, offset, acks, after_unclean } => format!(
            "CHECK: the record acknowledged at {tp} offset {offset} (acks={acks}) is gone{}",
            if *after_unclean { " after an unclean election" } else { "" }
        ),
        Finding::Duplicate { tp, first, second } => {
            format!("CHECK: {tp} holds the same record twice, at offsets {first} and {second}")
        }
        Finding::Reordered { tp, earlier_sent_at, later_sent_at } => {
            format!("CHECK: {tp} holds records out of send order (offsets {earlier_sent_at} and {later_sent_at})")
        }
        Finding::SkippedOffset { tp, consumer, offset } => {
            format!("CHECK: {consumer} skipped {tp} offset {offset}")
        }
        Finding::ReadBeyondBound { tp, consumer, offset } => {
            format!("CHECK: {consumer} read {tp} offset {offset} beyond the high watermark")
        }
        Finding::AbortedRead { tp, consumer, offset } => {
            format!("CHECK: {consumer} read aborted {tp} offset {offset} with read_committed")
        }
        Finding::Unreadable { tp, offset, high_watermark } => format!(
            "CHECK: the record acknowledged at {tp} offset {offset} is above the leader's high watermark {high_watermark} after the cluster healed: no consumer can read it"
        ),
        Finding::NotInSync { tp, leader, isr, replicas } => {
            let list = |v: &[i32]| v.iter().map(|b| b.to_string()).collect::<Vec<_>>().join(",");
            if *leader < 0 {
                format!("CHECK: {tp} has no leader after the cluster healed, with replicas {} all running", list(replicas))
            } else {
                format!(
                    "CHECK: {tp} is still under-replicated after the cluster healed: ISR {} of replicas {}, all running",
                    list(isr),
                    list(replicas)
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::time::SimTime;
    use crate::sim::types::TopicPartition;

    fn ev(kind: TraceKind) -> TraceEvent {
        TraceEvent { at: SimTime::ZERO, kind }
    }

    #[test]
    fn sentences_for_the_feed() {
        let fenced = ev(TraceKind::BrokerFenced {
            broker: 2,
            reason: "no heartbeat for 9 s (broker.session.timeout.ms=9000)".into(),
        });
        assert_eq!(describe_event(&fenced).unwrap(), "broker 2 missed heartbeats for 9 s; the controller fenced it");
        let elected = ev(TraceKind::LeaderElected {
            tp: TopicPartition::new("orders", 0),
            leader: 3,
            previous: 2,
            epoch: 4,
            isr: vec![3, 1],
            reason: ElectionReason::LeaderFenced,
        });
        assert_eq!(
            describe_event(&elected).unwrap(),
            "orders-0: broker 3 is the new leader (epoch 4), chosen from the ISR [3,1]"
        );
        assert_eq!(describe_event(&ev(TraceKind::Delivered { id: 1 })), None);
    }
}
