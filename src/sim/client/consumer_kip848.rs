//! The consumer with `group.protocol=consumer` (KIP-848): `AsyncKafkaConsumer`'s
//! `ConsumerMembershipManager` and `ConsumerHeartbeatRequestManager`.
//!
//! The member id is the client's own (`Uuid.randomUuid()`, KIP-1082). It joins with member epoch
//! 0 and a full heartbeat (subscribed topics, `max.poll.interval.ms` as the rebalance timeout,
//! `group.remote.assignor`, no owned partitions), then heartbeats every
//! `group.consumer.heartbeat.interval.ms` the coordinator gives it. An assignment in a response is
//! reconciled at once, without a group-wide barrier: with auto-commit the positions are committed
//! first (`maybeAutoCommitSyncBeforeRebalance`), the partitions no longer assigned are revoked,
//! the new ones added, and a heartbeat acknowledges what it owns now. Fenced (a stale or unknown
//! member epoch), it loses its partitions and joins again with epoch 0; leaving sends epoch -1.

use super::{CommitMode, Consumer, MemberState, PartitionState, Subscription};
use crate::sim::client::timer::{ClientOut, ClientTimer};
use crate::sim::codec::Codec;
use crate::sim::errors::{ApiError, KafkaError};
use crate::sim::protocol::{Request, Response};
use crate::sim::sort::CompactCollect;
use crate::sim::time::SimTime;
use crate::sim::trace::TraceKind;
use crate::sim::types::{NodeAddr, TopicPartition};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The KIP-848 member's own state (`ConsumerMembershipManager`, `HeartbeatState`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct Kip848State {
    /// `group.consumer.heartbeat.interval.ms` as the coordinator gave it.
    pub(crate) interval_ms: i64,
    /// The next heartbeat carries every field (joining, or after a failure).
    pub(crate) send_full: bool,
    /// What the last answered heartbeat told the coordinator.
    pub(crate) sent_owned: Option<Vec<TopicPartition>>,
    pub(crate) sent_topics: Option<Vec<String>>,
    inflight_owned: Vec<TopicPartition>,
    inflight_topics: Vec<String>,
    /// Send a heartbeat at once (an acknowledgement of a reconciled assignment).
    pub(crate) ack_needed: bool,
    /// Fenced: join again at once with epoch 0.
    pub(crate) rejoin_now: bool,
    /// A fatal heartbeat error: the member stopped.
    pub(crate) fatal: bool,
    /// The assignment being reconciled, and the commit it waits for before revoking.
    pub(crate) pending_target: Option<Vec<TopicPartition>>,
    pub(crate) revoke_commit: Option<u64>,
}

impl Consumer {
    /// Whether this consumer speaks the KIP-848 protocol in a group it subscribes in.
    pub(crate) fn uses_consumer_protocol(&self) -> bool {
        self.cfg.consumer_protocol && matches!(self.subscription, Subscription::Topics(_) | Subscription::Pattern(_))
    }

    /// The group part of the poll loop for the KIP-848 protocol.
    pub(super) fn maintain_consumer_group(&mut self, now: SimTime, out: &mut ClientOut, app_polling: bool) {
        let max_poll = self.cfg.max_poll_interval_ms;
        let client_id = self.client_id.clone();
        let Some(g) = &mut self.group else { return };
        if g.cg.fatal {
            return;
        }
        // max.poll.interval.ms: the member leaves; the next poll() joins again.
        if g.state == MemberState::Stable
            && !g.left_for_poll_timeout
            && now.ms_since(self.last_poll) > max_poll
            && self.last_poll > SimTime::ZERO
        {
            out.trace(TraceKind::ClientError {
                client: client_id,
                api: "ConsumerGroupHeartbeat".into(),
                error: KafkaError::REBALANCE_IN_PROGRESS,
                detail: format!(
                    "consumer poll timeout has expired. This means the time between subsequent calls to poll() was longer than the configured max.poll.interval.ms ({max_poll} ms), which typically implies that the poll loop is spending too much time processing messages."
                ),
            });
            g.left_for_poll_timeout = true;
            self.send_leave_heartbeat(now, out);
            self.lose_all_partitions();
            return;
        }
        let Some(g) = &mut self.group else { return };
        if g.left_for_poll_timeout {
            return;
        }
        if g.coordinator.is_none() {
            self.find_group_coordinator(now, out);
            return;
        }
        let g = self.group.as_mut().expect("group");
        // Join from poll(), or at once after being fenced.
        if g.state == MemberState::Unjoined && (app_polling || g.cg.rejoin_now) {
            g.join_as_new_member(&mut self.rng);
            g.cg.rejoin_now = false;
            g.rebalances += 1;
        }
        let g = self.group.as_mut().expect("group");
        let due = g.cg.ack_needed || g.state == MemberState::Joining || now >= g.next_heartbeat;
        if matches!(g.state, MemberState::Joining | MemberState::Stable)
            && g.heartbeat_inflight.is_none()
            && g.cg.revoke_commit.is_none()
            && due
        {
            self.send_heartbeat(now, out);
        }
    }

    /// `ConsumerHeartbeatRequestManager.HeartbeatState.buildRequestData`: the full request when
    /// joining (or after a failure), otherwise only what changed since the last one sent.
    fn send_heartbeat(&mut self, now: SimTime, out: &mut ClientOut) {
        let subscribed: Vec<String> = {
            let mut t = self.subscribed_topics();
            if let Subscription::Topics(names) = &self.subscription {
                t = names.iter().cloned().collect();
            }
            t
        };
        let owned: Vec<TopicPartition> = self.assignment.keys().cloned().collect();
        let rebalance_timeout = self.cfg.max_poll_interval_ms;
        let assignor = self.cfg.remote_assignor.clone();
        let client_id = self.client_id.clone();
        let Some(g) = &mut self.group else { return };
        let Some(c) = g.coordinator else { return };
        let full = g.cg.send_full;
        let joining = g.generation == 0;
        let subscription_changed = g.cg.sent_topics.as_ref() != Some(&subscribed);
        let owned_changed = g.cg.sent_owned.as_ref() != Some(&owned);
        let corr = self.corr.next_id();
        g.heartbeat_sent(now, corr);
        g.cg.inflight_owned = owned.clone();
        g.cg.inflight_topics = subscribed.clone();
        g.cg.ack_needed = false;
        out.request(
            NodeAddr::Broker(c),
            corr,
            Request::ConsumerGroupHeartbeat {
                group: g.group_id.clone(),
                member_id: g.member_id.clone(),
                member_epoch: g.generation,
                instance_id: g.instance_id.clone(),
                rebalance_timeout_ms: if full { rebalance_timeout } else { -1 },
                subscribed_topics: if full || subscription_changed { Some(subscribed) } else { None },
                server_assignor: if full { assignor } else { None },
                owned: if full || joining || owned_changed { Some(if joining { vec![] } else { owned }) } else { None },
                client_id,
            },
        );
        out.timer(now.plus_ms(self.cfg.request_timeout_ms), ClientTimer::RequestTimeout(corr));
    }

    /// Leaving: member epoch -1 (-2 for a static member, which may come back).
    pub(super) fn send_leave_heartbeat(&mut self, now: SimTime, out: &mut ClientOut) {
        let client_id = self.client_id.clone();
        let Some(g) = &mut self.group else { return };
        let joined = g.generation > 0 || g.state == MemberState::Stable;
        if let (Some(c), true, false) = (g.coordinator, joined, g.member_id.is_empty()) {
            let corr = self.corr.next_id();
            out.request(
                NodeAddr::Broker(c),
                corr,
                Request::ConsumerGroupHeartbeat {
                    group: g.group_id.clone(),
                    member_id: g.member_id.clone(),
                    member_epoch: if g.instance_id.is_some() { -2 } else { -1 },
                    instance_id: g.instance_id.clone(),
                    rebalance_timeout_ms: -1,
                    subscribed_topics: None,
                    server_assignor: None,
                    owned: None,
                    client_id,
                },
            );
            out.timer(now.plus_ms(self.cfg.request_timeout_ms), ClientTimer::RequestTimeout(corr));
            g.leave_sent = true;
            g.leave_inflight = Some(corr);
        }
        g.generation = -1;
        g.state = MemberState::Unjoined;
        g.heartbeat_inflight = None;
        g.cg.sent_owned = None;
        g.cg.sent_topics = None;
        g.cg.pending_target = None;
        g.cg.revoke_commit = None;
    }

    /// `onPartitionsLost`: fenced members give up everything without committing.
    fn lose_all_partitions(&mut self) {
        self.assignment.clear();
        self.fetch_inflight.clear();
    }

    /// `ConsumerHeartbeatRequestManager.onResponse`: `heartbeat` is a
    /// `Response::ConsumerGroupHeartbeat`.
    pub(super) fn on_consumer_group_heartbeat(
        &mut self,
        now: SimTime,
        corr: u64,
        heartbeat: Response,
        out: &mut ClientOut,
    ) {
        let Response::ConsumerGroupHeartbeat {
            error,
            error_message,
            member_id,
            member_epoch,
            heartbeat_interval_ms: interval_ms,
            assignment,
        } = heartbeat
        else {
            return;
        };
        let client_id = self.client_id.clone();
        let Some(g) = &mut self.group else { return };
        if !g.take_heartbeat_reply(corr) {
            return;
        }
        match error {
            None => {
                g.heartbeat_accepted(now, member_id, member_epoch, interval_ms);
                g.cg.sent_owned = Some(std::mem::take(&mut g.cg.inflight_owned));
                g.cg.sent_topics = Some(std::mem::take(&mut g.cg.inflight_topics));
                if g.state == MemberState::Joining {
                    g.state = MemberState::Stable;
                }
                if let Some(target) = assignment {
                    self.start_reconciliation(now, target, out);
                }
            }
            Some(e @ (KafkaError::FENCED_MEMBER_EPOCH | KafkaError::UNKNOWN_MEMBER_ID)) => {
                // transitionToFenced: the partitions are lost, then the member joins again.
                out.trace(TraceKind::ClientError {
                    client: client_id,
                    api: "ConsumerGroupHeartbeat".into(),
                    error: e,
                    detail: error_message.unwrap_or_default(),
                });
                g.state = MemberState::Unjoined;
                g.generation = 0;
                g.cg.rejoin_now = true;
                g.cg.pending_target = None;
                g.cg.revoke_commit = None;
                self.lose_all_partitions();
            }
            Some(
                KafkaError::NOT_COORDINATOR
                | KafkaError::COORDINATOR_NOT_AVAILABLE
                | KafkaError::COORDINATOR_LOAD_IN_PROGRESS
                | KafkaError::REQUEST_TIMED_OUT,
            ) => {
                g.coordinator = None;
                g.cg.send_full = true;
                g.find_backoff = now.plus_ms(self.cfg.retry_backoff_ms);
            }
            Some(e) => {
                // A fatal error (`ConsumerHeartbeatRequestManager.onErrorResponse`): the member
                // stops and poll() throws it.
                out.trace(TraceKind::ClientError {
                    client: client_id,
                    api: "ConsumerGroupHeartbeat".into(),
                    error: e,
                    detail: error_message.clone().unwrap_or_default(),
                });
                g.cg.fatal = true;
                g.state = MemberState::Unjoined;
                // GROUP_AUTHORIZATION_FAILED: `GroupAuthorizationException.forGroupId`'s message.
                let message = if e == KafkaError::GROUP_AUTHORIZATION_FAILED {
                    format!("Not authorized to access group: {}", g.group_id)
                } else {
                    error_message.unwrap_or_default()
                };
                let (member, epoch) = (g.member_id.clone(), g.generation);
                let instance = g.instance_id.clone().unwrap_or_else(|| "null".into());
                // AbstractHeartbeatRequestManager.onErrorResponse, and ConsumerHeartbeatRequestManager.
                // handleSpecificExceptionInResponse for the static membership errors.
                let line = match e {
                    KafkaError::UNRELEASED_INSTANCE_ID => format!(
                        "ConsumerGroupHeartbeatRequest failed due to unreleased instance id {instance}: {message}"
                    ),
                    KafkaError::FENCED_INSTANCE_ID => format!(
                        "ConsumerGroupHeartbeatRequest failed due to fenced instance id {instance}: {message}. This is expected in the case that the member was removed from the group by an admin client, and another member joined using the same group instance id."
                    ),
                    KafkaError::GROUP_AUTHORIZATION_FAILED => {
                        format!("ConsumerGroupHeartbeatRequest failed due to group authorization failure: {message}")
                    }
                    KafkaError::INVALID_REQUEST
                    | KafkaError::GROUP_MAX_SIZE_REACHED
                    | KafkaError::UNSUPPORTED_ASSIGNOR
                    | KafkaError::INVALID_REGULAR_EXPRESSION => {
                        format!("ConsumerGroupHeartbeatRequest failed due to {}: {message}", e.name())
                    }
                    _ => format!("ConsumerGroupHeartbeatRequest failed due to unexpected error {}: {message}", e.name()),
                };
                self.meta.log(
                    now,
                    "ERROR",
                    "org.apache.kafka.clients.consumer.internals.ConsumerHeartbeatRequestManager",
                    line,
                );
                self.meta.log(
                    now,
                    "ERROR",
                    "org.apache.kafka.clients.consumer.internals.ConsumerMembershipManager",
                    format!("Member {member} with epoch {epoch} transitioned to fatal state"),
                );
                self.errors.push_back(ApiError::with(e, message));
            }
        }
    }

    /// A new assignment: commit first (auto-commit), then revoke and assign
    /// (`ConsumerMembershipManager.reconcile`).
    fn start_reconciliation(&mut self, now: SimTime, target: Vec<TopicPartition>, out: &mut ClientOut) {
        let target_set: BTreeSet<TopicPartition> = target.into_iter().collect_set();
        let revoked: Vec<TopicPartition> =
            self.assignment.keys().filter(|tp| !target_set.contains(tp)).cloned().collect();
        let auto_commit = self.cfg.enable_auto_commit && self.app.commit == CommitMode::Auto;
        if let Some(g) = &mut self.group {
            g.cg.pending_target = Some(target_set.iter().cloned().collect());
        }
        if !revoked.is_empty() {
            // Revoked partitions stop fetching at once.
            for tp in &revoked {
                if let Some(p) = self.assignment.get_mut(tp) {
                    p.buffered.clear();
                    p.next_position = None;
                    p.paused = true;
                }
            }
            if auto_commit {
                let offsets: Vec<(TopicPartition, i64)> = self.all_consumed();
                let before = self.group.as_ref().map(|g| g.commit_inflight.len()).unwrap_or(0);
                self.commit(now, offsets, out);
                if let Some(g) = &mut self.group {
                    if g.commit_inflight.len() > before {
                        g.cg.revoke_commit = g.commit_inflight.keys().next_back().copied();
                        return;
                    }
                }
            }
        }
        self.finish_reconciliation();
    }

    /// The commit before revoking finished (or failed): complete the reconciliation.
    pub(super) fn on_commit_done(&mut self, corr: u64) {
        let waiting = self.group.as_ref().map(|g| g.cg.revoke_commit == Some(corr)).unwrap_or(false);
        if waiting {
            if let Some(g) = &mut self.group {
                g.cg.revoke_commit = None;
            }
            self.finish_reconciliation();
        }
    }

    fn finish_reconciliation(&mut self) {
        let Some(g) = &mut self.group else { return };
        let Some(target) = g.cg.pending_target.take() else { return };
        let target: BTreeSet<TopicPartition> = target.into_iter().collect_set();
        let changed = self.assignment.keys().cloned().collect_set() != target;
        self.assignment.retain(|tp, _| target.contains(tp));
        for tp in &target {
            self.assignment.entry(tp.clone()).or_insert_with(PartitionState::new);
            self.meta.want(&tp.topic);
        }
        self.fetch_inflight.clear();
        if let Some(g) = &mut self.group {
            // Acknowledge what it owns now with the next heartbeat, at once.
            if changed || g.cg.sent_owned.as_ref() != Some(&target.iter().cloned().collect()) {
                g.cg.ack_needed = true;
            }
        }
    }
}
