//! The share consumer (KIP-932, `KafkaShareConsumer` / `ShareConsumerImpl`): a member of a share
//! group (`ShareMembershipManager`, `ShareHeartbeatRequestManager`) that fetches from the leaders
//! of the partitions it is assigned (`ShareConsumeRequestManager`), records that other members of
//! the group may be reading too.
//!
//! The member id is the client's own (`Uuid.randomUuid()`). It joins with member epoch 0 and its
//! subscription, heartbeats every `group.share.heartbeat.interval.ms` the coordinator gives it and
//! takes each assignment as it comes (no revocation: share-partitions are not owned). Per leader
//! it keeps a share session (epoch 0 opens it, then 1, 2, …): one ShareFetch in flight, carrying
//! the acknowledgements of what poll() returned before (`ShareFetch`'s acknowledgement batches).
//! An application acknowledges each record it processed (implicit mode: ACCEPT on the next poll;
//! the console's explicit mode: `--release`/`--reject`), and `close()` sends the last
//! acknowledgements with the final share session epoch -1 (ShareAcknowledge), which releases what
//! the member still holds, then leaves with member epoch -1.

use super::{ConsumedRecord, Consumer, MemberState, PartitionState};
use crate::sim::broker::share_partition::AckType;
use crate::sim::client::timer::{ClientOut, ClientTimer};
use crate::sim::codec::Codec;
use crate::sim::errors::{ApiError, KafkaError};
use crate::sim::protocol::{Request, Response, ShareFetchedPartition};
use crate::sim::time::SimTime;
use crate::sim::trace::TraceKind;
use crate::sim::types::{BrokerId, NodeAddr, Offset, TopicPartition};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// `ShareConsumerImpl`'s own state besides what the consumer shares with the other protocols.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct ShareClient {
    /// How processed records are acknowledged without the application saying so
    /// (`share.acknowledgement.mode=implicit`: ACCEPT); `None`: the application acknowledges
    /// each record itself (explicit mode, the console share consumer).
    pub implicit_ack: Option<AckType>,
    /// Share session epoch per leader (`ShareSessionHandler`).
    pub sessions: BTreeMap<BrokerId, i32>,
    pub fetch_inflight: BTreeMap<BrokerId, u64>,
    /// ShareAcknowledge requests in flight and their leader.
    pub ack_inflight: BTreeMap<u64, BrokerId>,
    /// Acknowledgements waiting for the next request to their leader.
    pub pending_acks: BTreeMap<TopicPartition, Vec<(Offset, AckType)>>,
    /// The final ShareAcknowledges of `close()`.
    pub close_inflight: BTreeSet<u64>,
    /// Records acquired and acknowledged so far (for `consumer list`).
    pub acquired_total: u64,
    pub acknowledged_total: u64,
    /// The subscription the coordinator last acknowledged, and the one in flight.
    pub sent_topics: Option<Vec<String>>,
    pub inflight_topics: Vec<String>,
    /// Records poll() handed to the application that it has not acknowledged yet: until it
    /// has, no new fetch goes out (`ShareConsumerImpl.poll` sends the next ShareFetch with the
    /// acknowledgements of the records it returned before).
    pub unacked: u64,
}

impl Consumer {
    /// Whether this consumer is a share consumer.
    pub(crate) fn is_share(&self) -> bool {
        self.share.is_some()
    }

    /// The application acknowledges a record it was given (`ShareConsumer.acknowledge`).
    pub(crate) fn share_acknowledge(&mut self, tp: &TopicPartition, offset: Offset, kind: AckType) {
        if let Some(s) = &mut self.share {
            s.pending_acks.entry(tp.clone()).or_default().push((offset, kind));
            s.acknowledged_total += 1;
            s.unacked = s.unacked.saturating_sub(1);
        }
    }

    /// The application acknowledges records it was given; the consumer polls again at once.
    pub(crate) fn share_acknowledge_all(
        &mut self,
        records: &[(TopicPartition, Offset)],
        kind: AckType,
        now: SimTime,
        out: &mut ClientOut,
    ) {
        for (tp, o) in records {
            self.share_acknowledge(tp, *o, kind);
        }
        if !records.is_empty() {
            out.timer(now, ClientTimer::ClientWake);
        }
    }

    /// The share consumer's poll loop.
    pub(super) fn maintain_share(&mut self, now: SimTime, out: &mut ClientOut, app_runs: bool) {
        self.maintain_share_membership(now, out);
        self.finish_share_processing(now);
        self.send_share_fetches(now, out);
        if app_runs && !self.app.stuck && now >= self.app.busy_until {
            self.share_app_poll(now, out);
            // What the application acknowledged goes out as soon as possible.
            self.send_share_fetches(now, out);
        }
        self.schedule_share_wake(now, out);
    }

    fn maintain_share_membership(&mut self, now: SimTime, out: &mut ClientOut) {
        let client_id = self.client_id.clone();
        let topics = self.subscribed_topics();
        let sent_topics = self.share.as_ref().and_then(|s| s.sent_topics.clone());
        let Some(g) = &mut self.group else { return };
        if g.cg.fatal {
            return;
        }
        if g.coordinator.is_none() {
            self.find_group_coordinator(now, out);
            return;
        }
        if g.state == MemberState::Unjoined {
            g.join_as_new_member(&mut self.rng);
        }
        let due = g.state == MemberState::Joining || now >= g.next_heartbeat;
        if g.heartbeat_inflight.is_some() || !due {
            return;
        }
        let Some(c) = g.coordinator else { return };
        let full = g.cg.send_full || sent_topics.as_ref() != Some(&topics);
        let corr = self.corr.next_id();
        g.heartbeat_sent(now, corr);
        out.request(
            NodeAddr::Broker(c),
            corr,
            Request::ShareGroupHeartbeat {
                group: g.group_id.clone(),
                member_id: g.member_id.clone(),
                member_epoch: g.generation,
                subscribed_topics: if full { Some(topics.clone()) } else { None },
                client_id,
            },
        );
        out.timer(now.plus_ms(self.cfg.request_timeout_ms), ClientTimer::RequestTimeout(corr));
        if let Some(s) = &mut self.share {
            s.inflight_topics = topics;
        }
    }

    /// `ShareHeartbeatRequestManager.onResponse`.
    pub(super) fn on_share_group_heartbeat(&mut self, now: SimTime, corr: u64, resp: Response, out: &mut ClientOut) {
        let Response::ShareGroupHeartbeat {
            error,
            error_message,
            member_id,
            member_epoch,
            heartbeat_interval_ms,
            assignment,
        } = resp
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
                g.heartbeat_accepted(now, member_id, member_epoch, heartbeat_interval_ms);
                g.state = MemberState::Stable;
                if let Some(s) = &mut self.share {
                    s.sent_topics = Some(std::mem::take(&mut s.inflight_topics));
                }
                if let Some(target) = assignment {
                    let target: BTreeSet<TopicPartition> = target.into_iter().collect();
                    if target != self.assignment.keys().cloned().collect::<BTreeSet<_>>() {
                        out.trace(TraceKind::GroupAssignment {
                            group: g.group_id.clone(),
                            member: client_id.clone(),
                            generation: member_epoch,
                            partitions: target.iter().cloned().collect(),
                        });
                    }
                    self.assignment.retain(|tp, _| target.contains(tp));
                    for tp in &target {
                        self.assignment.entry(tp.clone()).or_insert_with(PartitionState::new);
                        self.meta.want(&tp.topic);
                    }
                }
            }
            Some(e @ (KafkaError::FENCED_MEMBER_EPOCH | KafkaError::UNKNOWN_MEMBER_ID)) => {
                out.trace(TraceKind::ClientError {
                    client: client_id,
                    api: "ShareGroupHeartbeat".into(),
                    error: e,
                    detail: error_message.unwrap_or_default(),
                });
                g.state = MemberState::Unjoined;
                g.generation = 0;
                self.assignment.clear();
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
                // Fatal (`ShareHeartbeatRequestManager.onErrorResponse`): poll() throws it.
                out.trace(TraceKind::ClientError {
                    client: client_id,
                    api: "ShareGroupHeartbeat".into(),
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
                self.meta.log(
                    now,
                    "ERROR",
                    "org.apache.kafka.clients.consumer.internals.ShareHeartbeatRequestManager",
                    // `AbstractHeartbeatRequestManager.onErrorResponse`.
                    if e == KafkaError::GROUP_ID_NOT_FOUND {
                        format!("ShareGroupHeartbeatRequest failed due to unexpected error {}: {message}", e.name())
                    } else if e == KafkaError::GROUP_AUTHORIZATION_FAILED {
                        format!("ShareGroupHeartbeatRequest failed due to group authorization failure: {message}")
                    } else {
                        format!("ShareGroupHeartbeatRequest failed due to {}: {message}", e.name())
                    },
                );
                self.meta.log(
                    now,
                    "ERROR",
                    "org.apache.kafka.clients.consumer.internals.ShareMembershipManager",
                    format!("Member {member} with epoch {epoch} transitioned to fatal state"),
                );
                self.errors.push_back(ApiError::with(e, message));
            }
        }
    }

    /// Acknowledgements for the partitions `leader` leads, taken out of the pending ones.
    fn take_acks_for(&mut self, leader: BrokerId) -> Vec<(TopicPartition, Vec<(Offset, AckType)>)> {
        let tps: Vec<TopicPartition> = match &self.share {
            Some(s) => s.pending_acks.keys().filter(|tp| self.meta.leader(tp) == Some(leader)).cloned().collect(),
            None => vec![],
        };
        let Some(s) = &mut self.share else { return vec![] };
        tps.into_iter().filter_map(|tp| s.pending_acks.remove(&tp).map(|v| (tp, v))).collect()
    }

    /// One ShareFetch per leader of the assigned partitions when nothing is buffered for them
    /// and none is in flight; acknowledgements for a leader with records still buffered go in a
    /// ShareAcknowledge.
    fn send_share_fetches(&mut self, now: SimTime, out: &mut ClientOut) {
        let Some(g) = &self.group else { return };
        if g.state != MemberState::Stable || self.closed {
            return;
        }
        if self.share.as_ref().map(|s| s.unacked > 0).unwrap_or(true) {
            return;
        }
        let (group, member) = (g.group_id.clone(), g.member_id.clone());
        let mut by_leader: BTreeMap<BrokerId, (Vec<TopicPartition>, bool)> = BTreeMap::new();
        for (tp, p) in &self.assignment {
            match self.meta.leader(tp) {
                Some(l) => {
                    let e = by_leader.entry(l).or_default();
                    e.0.push(tp.clone());
                    e.1 |= !p.buffered.is_empty();
                }
                None => self.meta.need_update = true,
            }
        }
        // Leaders that lead none of the assigned partitions any more but have acknowledgements.
        let ack_leaders: BTreeSet<BrokerId> = match &self.share {
            Some(s) => s.pending_acks.keys().filter_map(|tp| self.meta.leader(tp)).collect(),
            None => BTreeSet::new(),
        };
        for l in ack_leaders {
            by_leader.entry(l).or_insert((vec![], true));
        }
        for (leader, (parts, buffered)) in by_leader {
            let busy = self
                .share
                .as_ref()
                .map(|s| s.fetch_inflight.contains_key(&leader) || s.ack_inflight.values().any(|b| *b == leader))
                .unwrap_or(true);
            if busy {
                continue;
            }
            let epoch = self.share.as_ref().and_then(|s| s.sessions.get(&leader).copied()).unwrap_or(0);
            if buffered || parts.is_empty() || self.app.stuck {
                let acks = self.take_acks_for(leader);
                if acks.is_empty() || epoch == 0 {
                    if !acks.is_empty() {
                        // No session yet: keep them for the first fetch.
                        if let Some(s) = &mut self.share {
                            for (tp, v) in acks {
                                s.pending_acks.entry(tp).or_default().extend(v);
                            }
                        }
                    }
                    continue;
                }
                let corr = self.corr.next_id();
                if let Some(s) = &mut self.share {
                    s.ack_inflight.insert(corr, leader);
                }
                out.request(
                    NodeAddr::Broker(leader),
                    corr,
                    Request::ShareAcknowledge {
                        group: group.clone(),
                        member_id: member.clone(),
                        share_session_epoch: epoch,
                        acks,
                    },
                );
                out.timer(now.plus_ms(self.cfg.request_timeout_ms), ClientTimer::RequestTimeout(corr));
                continue;
            }
            let acks = self.take_acks_for(leader);
            let corr = self.corr.next_id();
            if let Some(s) = &mut self.share {
                s.fetch_inflight.insert(leader, corr);
            }
            out.request(
                NodeAddr::Broker(leader),
                corr,
                Request::ShareFetch {
                    group: group.clone(),
                    member_id: member.clone(),
                    share_session_epoch: epoch,
                    max_wait_ms: self.cfg.fetch_max_wait_ms,
                    max_records: self.cfg.max_poll_records,
                    partitions: parts,
                    acks,
                },
            );
            out.timer(
                now.plus_ms(self.cfg.request_timeout_ms + self.cfg.fetch_max_wait_ms),
                ClientTimer::RequestTimeout(corr),
            );
        }
    }

    /// `ShareConsumeRequestManager.handleShareFetchSuccess`: acquired records are buffered with
    /// their delivery counts; the session epoch moves on.
    pub(super) fn on_share_fetch_response(
        &mut self,
        from: NodeAddr,
        corr: u64,
        error: Option<KafkaError>,
        partitions: Vec<ShareFetchedPartition>,
    ) {
        let NodeAddr::Broker(b) = from else { return };
        let Some(s) = &mut self.share else { return };
        if s.close_inflight.remove(&corr) {
            return;
        }
        if s.fetch_inflight.get(&b) != Some(&corr) {
            return;
        }
        s.fetch_inflight.remove(&b);
        if error.is_some() {
            s.sessions.remove(&b);
            self.meta.need_update = true;
            return;
        }
        let e = s.sessions.entry(b).or_insert(0);
        *e = if *e == i32::MAX { 1 } else { *e + 1 };
        for fp in partitions {
            if fp.error.is_some() {
                self.meta.need_update = true;
                continue;
            }
            let Some(p) = self.assignment.get_mut(&fp.tp) else { continue };
            let mut count = 0u64;
            for &(first, last, delivery) in &fp.acquired {
                for batch in &fp.batches {
                    if batch.is_control() {
                        continue;
                    }
                    for (o, r) in batch.iter_with_offsets() {
                        if o < first || o > last {
                            continue;
                        }
                        count += 1;
                        p.buffered.push_back(ConsumedRecord {
                            tp: fp.tp.clone(),
                            offset: o,
                            timestamp: batch.record_timestamp(r),
                            log_append_time: batch.log_append_time,
                            key: r.key.clone(),
                            value: r.value.clone(),
                            headers: r.headers.clone(),
                            leader_epoch: batch.partition_leader_epoch,
                            origin: batch.origin,
                            index: r.offset_delta,
                            producer_id: batch.producer_id,
                            transactional: batch.transactional,
                            bound: -1,
                            delivery_count: Some(delivery),
                        });
                    }
                }
            }
            if let Some(s) = &mut self.share {
                s.acquired_total += count;
            }
        }
    }

    /// A ShareAcknowledge answered (or the close's final one).
    pub(super) fn on_share_acknowledge_response(&mut self, corr: u64) {
        let Some(s) = &mut self.share else { return };
        s.close_inflight.remove(&corr);
        s.ack_inflight.remove(&corr);
    }

    /// `poll()`: hands buffered records to the application, at most `max.poll.records`.
    fn share_app_poll(&mut self, now: SimTime, out: &mut ClientOut) {
        self.last_poll = now;
        if !self.app.in_process.is_empty() || self.share.as_ref().map(|s| s.unacked > 0).unwrap_or(true) {
            return;
        }
        let max = self.cfg.max_poll_records.max(1) as usize;
        let mut taken: Vec<ConsumedRecord> = Vec::new();
        for p in self.assignment.values_mut() {
            while taken.len() < max {
                let Some(r) = p.buffered.pop_front() else { break };
                taken.push(r);
            }
        }
        if taken.is_empty() {
            return;
        }
        let mut per_tp: BTreeMap<TopicPartition, (Offset, u32)> = BTreeMap::new();
        for r in &taken {
            let e = per_tp.entry(r.tp.clone()).or_insert((r.offset, 0));
            e.1 += 1;
        }
        for (tp, (from, count)) in per_tp {
            out.trace(TraceKind::Consumed { client: self.client_id.clone(), tp, from, count });
        }
        self.delivered_total += taken.len() as u64;
        if let Some(s) = &mut self.share {
            s.unacked += taken.len() as u64;
        }
        let n = taken.len() as i64;
        self.app.busy_until = now.plus_ms(self.app.processing_ms_per_record.saturating_mul(n));
        self.app.in_process = taken.clone();
        for r in taken {
            self.delivered.push_back(r);
        }
        while self.delivered.len() > self.delivered_cap {
            self.delivered.pop_front();
        }
        self.finish_share_processing(now);
    }

    /// The application finished what it polled: in implicit mode its records are acknowledged.
    fn finish_share_processing(&mut self, now: SimTime) {
        if self.app.in_process.is_empty() || self.app.busy_until > now {
            return;
        }
        let done = std::mem::take(&mut self.app.in_process);
        self.app.processed += done.len() as u64;
        if let Some(kind) = self.share.as_ref().and_then(|s| s.implicit_ack) {
            for r in done {
                self.share_acknowledge(&r.tp, r.offset, kind);
            }
        }
    }

    fn schedule_share_wake(&mut self, now: SimTime, out: &mut ClientOut) {
        let mut next: Option<SimTime> = None;
        let mut consider = |t: SimTime| {
            if t > now {
                next = Some(next.map_or(t, |n: SimTime| n.min(t)))
            }
        };
        if self.app.busy_until > now {
            consider(self.app.busy_until);
        }
        if let Some(g) = &self.group {
            if g.state == MemberState::Stable {
                consider(g.next_heartbeat);
            }
            if g.coordinator.is_none() && g.find_inflight.is_none() {
                consider(if g.find_backoff > now { g.find_backoff } else { now.plus_ms(self.cfg.retry_backoff_ms) });
            }
        }
        let buffered = self.assignment.values().any(|p| !p.buffered.is_empty());
        if buffered && !self.app.stuck {
            consider(if self.app.busy_until > now { self.app.busy_until } else { now.plus_ms(1) });
        }
        if let Some(t) = next {
            if self.wake_at.map(|w| w <= now || t < w).unwrap_or(true) {
                self.wake_at = Some(t);
                out.timer(t, ClientTimer::ClientWake);
            }
        }
    }

    /// `close()`: the last acknowledgements with share session epoch -1 to every leader with a
    /// session (which releases what the member still holds), then leave the group.
    pub(super) fn share_close(&mut self, now: SimTime, out: &mut ClientOut) {
        // Records the application was given but did not acknowledge stay acquired until the
        // session closes (then they are released).
        let Some(g) = &self.group else {
            self.closed = true;
            return;
        };
        let (group, member) = (g.group_id.clone(), g.member_id.clone());
        let leaders: BTreeSet<BrokerId> = {
            let s = self.share.as_ref().expect("share");
            let mut l: BTreeSet<BrokerId> = s.sessions.keys().copied().collect();
            l.extend(s.pending_acks.keys().filter_map(|tp| self.meta.leader(tp)));
            l
        };
        for leader in leaders {
            let acks = self.take_acks_for(leader);
            let corr = self.corr.next_id();
            if let Some(s) = &mut self.share {
                s.close_inflight.insert(corr);
            }
            out.request(
                NodeAddr::Broker(leader),
                corr,
                Request::ShareAcknowledge {
                    group: group.clone(),
                    member_id: member.clone(),
                    share_session_epoch: -1,
                    acks,
                },
            );
            out.timer(now.plus_ms(self.cfg.request_timeout_ms), ClientTimer::RequestTimeout(corr));
        }
        let client_id = self.client_id.clone();
        if let Some(g) = &mut self.group {
            if let (Some(c), true) = (g.coordinator, g.generation > 0 || g.state == MemberState::Stable) {
                let corr = self.corr.next_id();
                out.request(
                    NodeAddr::Broker(c),
                    corr,
                    Request::ShareGroupHeartbeat {
                        group: g.group_id.clone(),
                        member_id: g.member_id.clone(),
                        member_epoch: -1,
                        subscribed_topics: None,
                        client_id,
                    },
                );
                out.timer(now.plus_ms(self.cfg.request_timeout_ms), ClientTimer::RequestTimeout(corr));
                g.leave_inflight = Some(corr);
            }
            g.generation = -1;
            g.state = MemberState::Unjoined;
            g.heartbeat_inflight = None;
        }
        self.closed = true;
    }

    /// Whether a closing share consumer has its answers.
    pub(super) fn share_close_completed(&self) -> bool {
        self.closed
            && self.share.as_ref().map(|s| s.close_inflight.is_empty()).unwrap_or(true)
            && self.group.as_ref().map(|g| g.leave_inflight.is_none()).unwrap_or(true)
    }

    /// A share request that failed (timeout or disconnect); whether it was one.
    pub(super) fn share_request_failed(&mut self, now: SimTime, corr: u64) -> bool {
        let retry = self.cfg.retry_backoff_ms;
        let Some(s) = &mut self.share else { return false };
        if s.close_inflight.remove(&corr) || s.ack_inflight.remove(&corr).is_some() {
            return true;
        }
        if let Some((&b, _)) = s.fetch_inflight.iter().find(|(_, c)| **c == corr) {
            s.fetch_inflight.remove(&b);
            s.sessions.remove(&b);
            self.meta.need_update = true;
            return true;
        }
        if let Some(g) = &mut self.group {
            if g.leave_inflight == Some(corr) {
                g.leave_inflight = None;
                return true;
            }
            if g.heartbeat_inflight == Some(corr) || g.find_inflight == Some(corr) {
                g.heartbeat_inflight = None;
                g.find_inflight = None;
                g.coordinator = None;
                g.cg.send_full = true;
                g.find_backoff = now.plus_ms(retry);
                return true;
            }
        }
        false
    }

    /// A leader or the coordinator went away.
    pub(super) fn share_disconnect(&mut self, b: BrokerId) {
        if let Some(s) = &mut self.share {
            s.fetch_inflight.remove(&b);
            s.sessions.remove(&b);
            s.ack_inflight.retain(|_, l| *l != b);
        }
        if let Some(g) = &mut self.group {
            if g.coordinator == Some(b) {
                g.coordinator = None;
                g.cg.send_full = true;
                g.heartbeat_inflight = None;
                g.find_inflight = None;
                g.leave_inflight = None;
            }
        }
    }
}
