//! The consumer (`KafkaConsumer` with the classic group protocol): assign or subscribe (topics
//! or a pattern), positions and `auto.offset.reset` (`KafkaConsumer` and `SubscriptionState`), fetching up
//! to the HW or the LSO (`FetchCollector`) with read_committed filtering of aborted transactions (KIP-98),
//! commits (sync, async, auto-commit), and group membership: FindCoordinator, JoinGroup,
//! SyncGroup, Heartbeat, LeaveGroup, eager and cooperative rebalancing, static membership,
//! `max.poll.interval.ms`.
//!
//! The application on top is modelled too: it polls whenever it is not busy, spends
//! `processing_ms` per record, and commits as configured. A crash before committing makes
//! another consumer read those records again (at-least-once); committing before processing
//! loses them instead (at-most-once).

use super::config::{ConsumerConfig, OffsetReset};
use super::conn::ExpBackoff;
use super::ClientMetadata;
use crate::sim::assignor;
use crate::sim::client::timer::{ClientOut, ClientTimer};
use crate::sim::codec::Codec;
use crate::sim::errors::{ApiError, KafkaError};

/// The logger of the group member's lines (`ConsumerCoordinator`).
const CONSUMER_COORDINATOR: &str = "org.apache.kafka.clients.consumer.internals.ConsumerCoordinator";
use crate::sim::node::{CorrIds, Env};
use crate::sim::protocol::{
    Body, FetchPartition, FetchedPartition, GroupSubscription, Isolation, JoinMember, Message, Request, Response,
};
use crate::sim::record::{Bytes, Header};
use crate::sim::rng::Pcg32;
use crate::sim::sort::{CompactCollect, CompactSort};
use crate::sim::time::SimTime;
use crate::sim::trace::TraceKind;
use crate::sim::types::{BrokerId, Epoch, NodeAddr, Offset, TopicPartition};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::rc::Rc;

#[path = "consumer_kip848.rs"]
mod kip848;
#[path = "share_consumer.rs"]
pub mod share;

/// A record as the application receives it (`ConsumerRecord`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct ConsumedRecord {
    pub tp: TopicPartition,
    pub offset: Offset,
    pub timestamp: i64,
    pub(crate) log_append_time: bool,
    pub key: Option<Bytes>,
    pub value: Option<Bytes>,
    pub headers: Vec<Header>,
    pub leader_epoch: Epoch,
    /// The producer-side batch and the record's index in it, its offset delta (for the history
    /// checker: a compacted batch keeps its base offset and each record's delta).
    pub origin: u64,
    pub index: u32,
    pub(crate) producer_id: i64,
    pub transactional: bool,
    /// The fetch's bound (HW, or LSO for read_committed) when it was read.
    pub(crate) bound: Offset,
    /// A share consumer's record: how many times it has been delivered (`deliveryCount`).
    #[serde(default)]
    pub(crate) delivery_count: Option<i32>,
}

/// What the consumer reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub enum Subscription {
    None,
    Topics(BTreeSet<String>),
    Pattern(String),
    Assigned(Vec<TopicPartition>),
}

/// How the application commits (`consumer start --commit ...`).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub enum CommitMode {
    /// `enable.auto.commit` decides (auto-commit every `auto.commit.interval.ms`).
    Auto,
    /// commitSync after processing each poll: at-least-once.
    AfterProcessing,
    /// commitSync right after poll, before processing: at-most-once.
    BeforeProcessing,
}

/// The application that calls `poll()`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct App {
    pub processing_ms_per_record: i64,
    pub commit: CommitMode,
    /// The application is stuck (never polls): `consumer pause`.
    pub(crate) stuck: bool,
    pub(crate) busy_until: SimTime,
    /// Records handed to the application and not processed yet.
    pub(crate) in_process: Vec<ConsumedRecord>,
    pub processed: u64,
    /// The application polls only when asked (`poll_wanted`): a read-process-write processor
    /// (`crate::sim::world::processor`) calls `poll()` once per transaction, as
    /// `TransactionalMessageCopier`'s loop does, instead of polling whenever it is idle.
    #[serde(default)]
    pub(crate) on_demand: bool,
    #[serde(default)]
    pub(crate) poll_wanted: bool,
}

impl Default for App {
    fn default() -> Self {
        App {
            processing_ms_per_record: 0,
            commit: CommitMode::Auto,
            stuck: false,
            busy_until: SimTime::ZERO,
            in_process: vec![],
            processed: 0,
            on_demand: false,
            poll_wanted: false,
        }
    }
}

/// Per assigned partition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct PartitionState {
    /// The offset of the next record to give the application (None: not known yet).
    pub position: Option<Offset>,
    pub position_epoch: Option<Epoch>,
    pub reset: Option<OffsetReset>,
    pub awaiting_committed: bool,
    pub high_watermark: Offset,
    pub last_stable_offset: Offset,
    pub log_start_offset: Offset,
    pub paused: bool,
    /// Fetched records not handed to the application yet.
    pub buffered: VecDeque<ConsumedRecord>,
    /// Where the position goes once `buffered` is drained (past markers and aborted data).
    pub next_position: Option<Offset>,
    /// A failed position reset is not tried again before this (`SubscriptionState.requestFailed`
    /// with `retry.backoff.ms`).
    #[serde(default)]
    pub reset_retry_at: Option<SimTime>,
    /// KIP-392: the replica the leader told this consumer to fetch from, and when that advice
    /// expires (`SubscriptionState.TopicPartitionState.preferredReadReplica`, kept for
    /// `metadata.max.age.ms`).
    #[serde(default)]
    pub(crate) preferred_read_replica: Option<(BrokerId, SimTime)>,
}

impl PartitionState {
    fn new() -> PartitionState {
        PartitionState {
            position: None,
            position_epoch: None,
            reset: None,
            awaiting_committed: false,
            high_watermark: -1,
            last_stable_offset: -1,
            log_start_offset: -1,
            paused: false,
            buffered: VecDeque::new(),
            next_position: None,
            reset_retry_at: None,
            preferred_read_replica: None,
        }
    }

    /// `preferredReadReplica(timeMs)`: the advice while it has not expired.
    pub(crate) fn read_replica(&self, now: SimTime) -> Option<BrokerId> {
        self.preferred_read_replica.filter(|(_, until)| now <= *until).map(|(b, _)| b)
    }

    /// `records-lag`: HW (or LSO) − position (`KafkaConsumer`).
    pub(crate) fn lag(&self, read_committed: bool) -> Option<i64> {
        let end = if read_committed { self.last_stable_offset } else { self.high_watermark };
        match (self.position, end >= 0) {
            (Some(p), true) => Some((end - p).max(0)),
            _ => None,
        }
    }
}

/// Where the member is in the group protocol.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub enum MemberState {
    Unjoined,
    /// Committing before revoking (eager), waiting for that commit.
    PreparingJoin,
    Joining,
    /// The leader is waiting for metadata to compute the assignment.
    Assigning,
    Syncing,
    Stable,
}

#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub struct GroupClient {
    pub(crate) group_id: String,
    pub instance_id: Option<String>,
    pub coordinator: Option<BrokerId>,
    find_inflight: Option<u64>,
    /// Where the FindCoordinator in flight went: if that connection fails, the lookup fails
    /// with it and starts again (ConsumerNetworkClient.checkDisconnects fails the request with
    /// a DisconnectException; AbstractCoordinator.lookupCoordinator retries after backoff).
    #[serde(default)]
    find_node: Option<NodeAddr>,
    find_backoff: SimTime,
    pub member_id: String,
    pub generation: i32,
    pub protocol: Option<String>,
    pub leader: Option<String>,
    pub state: MemberState,
    pub(crate) rejoin_needed: bool,
    pub(crate) rejoin_reason: String,
    join_inflight: Option<u64>,
    sync_inflight: Option<u64>,
    heartbeat_inflight: Option<u64>,
    next_heartbeat: SimTime,
    offset_fetch_inflight: Option<u64>,
    /// Commits in flight, with the generation they were sent in.
    commit_inflight: BTreeMap<u64, (i32, Vec<(TopicPartition, Offset)>)>,
    /// Offsets of a synchronous commit that failed with a retriable error, sent again once the
    /// coordinator is known and `retry_commit_at` has passed (`commitOffsetsSync` retries).
    #[serde(default)]
    retry_commit: BTreeMap<TopicPartition, Offset>,
    #[serde(default)]
    retry_commit_at: SimTime,
    /// Failed attempts of that commit (its `retryBackoff.backoff(attempts)`).
    #[serde(default)]
    commit_attempts: u32,
    prepare_commit: Option<u64>,
    next_auto_commit: SimTime,
    join_members: Vec<JoinMember>,
    /// Left because `max.poll.interval.ms` expired; rejoins at the next poll.
    pub(crate) left_for_poll_timeout: bool,
    pub rebalances: u32,
    leave_sent: bool,
    /// The LeaveGroup sent by `close()`, until its response (or failure) arrives: a closing
    /// consumer waits for it as `KafkaConsumer.close()` does.
    #[serde(default)]
    leave_inflight: Option<u64>,
    /// The KIP-848 member state (`group.protocol=consumer`).
    #[serde(default)]
    pub(crate) cg: kip848::Kip848State,
}

impl GroupClient {
    /// Joins as a new member (KIP-848 and share heartbeats alike): a member id of its own
    /// (`AbstractMembershipManager`: the client generates it, KIP-1082), epoch 0 and a full
    /// heartbeat.
    pub(crate) fn join_as_new_member(&mut self, rng: &mut Pcg32) {
        if self.member_id.is_empty() {
            self.member_id = crate::sim::types::TopicId::random(rng).to_string();
        }
        self.state = MemberState::Joining;
        self.generation = 0;
        self.cg.send_full = true;
        self.heartbeat_inflight = None;
    }

    /// A heartbeat request `corr` was sent: the next one is due an interval later.
    pub(crate) fn heartbeat_sent(&mut self, now: SimTime, corr: u64) {
        self.heartbeat_inflight = Some(corr);
        self.next_heartbeat = now.plus_ms(self.cg.interval_ms.max(1));
    }

    /// A heartbeat answered without error (`ConsumerHeartbeatRequestManager` and
    /// `ShareHeartbeatRequestManager.onResponse` alike): the member id and epoch the coordinator
    /// gave, its heartbeat interval, and only what changes in the next request.
    pub(crate) fn heartbeat_accepted(&mut self, now: SimTime, member_id: String, member_epoch: i32, interval_ms: i64) {
        if !member_id.is_empty() {
            self.member_id = member_id;
        }
        self.generation = member_epoch;
        if interval_ms > 0 {
            self.cg.interval_ms = interval_ms;
        }
        self.next_heartbeat = now.plus_ms(self.cg.interval_ms.max(1));
        self.cg.send_full = false;
    }

    /// Whether `corr` answers the heartbeat in flight (KIP-848 and share heartbeats alike): the
    /// answer to a leave heartbeat, or to one superseded, is dropped.
    pub(crate) fn take_heartbeat_reply(&mut self, corr: u64) -> bool {
        if self.leave_inflight == Some(corr) {
            self.leave_inflight = None;
            return false;
        }
        if self.heartbeat_inflight != Some(corr) {
            return false;
        }
        self.heartbeat_inflight = None;
        true
    }

    fn new(group_id: String, instance_id: Option<String>) -> GroupClient {
        GroupClient {
            group_id,
            instance_id,
            coordinator: None,
            find_inflight: None,
            find_node: None,
            find_backoff: SimTime::ZERO,
            member_id: String::new(),
            generation: -1,
            protocol: None,
            leader: None,
            state: MemberState::Unjoined,
            rejoin_needed: true,
            rejoin_reason: "the consumer started".into(),
            join_inflight: None,
            sync_inflight: None,
            heartbeat_inflight: None,
            next_heartbeat: SimTime::ZERO,
            offset_fetch_inflight: None,
            commit_inflight: BTreeMap::new(),
            retry_commit: BTreeMap::new(),
            retry_commit_at: SimTime::ZERO,
            commit_attempts: 0,
            prepare_commit: None,
            next_auto_commit: SimTime::ZERO,
            join_members: vec![],
            left_for_poll_timeout: false,
            rebalances: 0,
            leave_sent: false,
            leave_inflight: None,
            cg: kip848::Kip848State::default(),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub struct Consumer {
    pub id: u32,
    pub(crate) client_id: String,
    pub(crate) cfg: ConsumerConfig,
    pub meta: ClientMetadata,
    pub(crate) corr: CorrIds,
    rng: Pcg32,
    pub(crate) subscription: Subscription,
    pub assignment: BTreeMap<TopicPartition, PartitionState>,
    fetch_inflight: BTreeMap<BrokerId, u64>,
    /// The offset each partition of the fetch in flight to a broker was fetched from
    /// (`CompletedFetch.nextFetchOffset` before it is read).
    #[serde(default)]
    fetch_offsets: BTreeMap<BrokerId, BTreeMap<TopicPartition, Offset>>,
    list_offsets_inflight: BTreeMap<u64, Vec<TopicPartition>>,
    pub group: Option<GroupClient>,
    pub app: App,
    /// Records given to the application (the console prints them; an app counts them).
    pub delivered: VecDeque<ConsumedRecord>,
    pub delivered_total: u64,
    pub(crate) last_poll: SimTime,
    /// Errors the application sees (thrown from poll()).
    pub errors: VecDeque<ApiError>,
    pub closed: bool,
    wake_at: Option<SimTime>,
    /// Keep at most this many delivered records (a long-running app discards older ones).
    pub(crate) delivered_cap: usize,
    /// What this consumer's assignor instances remember between rebalances (the sticky
    /// assignors' user data and `maxGeneration`).
    pub(crate) assignors: assignor::ClientAssignorState,
    /// A share consumer (KIP-932) of a share group; `None` for a `KafkaConsumer`.
    #[serde(default)]
    pub share: Option<share::ShareClient>,
}

impl Consumer {
    /// FindCoordinator for the group while its coordinator is unknown, one at a time and after
    /// the backoff (`AbstractCoordinator.lookupCoordinator`, `CoordinatorRequestManager`):
    /// classic, KIP-848 and share members alike.
    pub(super) fn find_group_coordinator(&mut self, now: SimTime, out: &mut ClientOut) {
        let Some(g) = &mut self.group else { return };
        if g.find_inflight.is_none() && now >= g.find_backoff {
            if let Some(node) = self.meta.pick_node() {
                let corr = self.corr.next_id();
                g.find_inflight = Some(corr);
                g.find_node = Some(node);
                out.request(node, corr, Request::FindCoordinator { key: g.group_id.clone(), transaction: false });
                out.timer(now.plus_ms(self.cfg.request_timeout_ms), ClientTimer::RequestTimeout(corr));
            }
        }
    }

    pub(crate) fn new(
        id: u32,
        client_id: String,
        cfg: ConsumerConfig,
        bootstrap: Vec<(String, Option<BrokerId>)>,
        rng: Pcg32,
    ) -> Consumer {
        let group = cfg.group_id.clone().map(|g| GroupClient::new(g, cfg.group_instance_id.clone()));
        let mut meta = ClientMetadata::new(bootstrap, rng.clone().split("network-client"));
        meta.allow_auto_create = true;
        meta.max_age_ms = cfg.metadata_max_age_ms;
        meta.refresh_backoff = super::conn::ExpBackoff::new(cfg.retry_backoff_ms, cfg.retry_backoff_max_ms);
        meta.request_timeout_ms = cfg.request_timeout_ms;
        meta.log_prefix = match &cfg.group_id {
            Some(g) => format!("[Consumer clientId={client_id}, groupId={g}] "),
            None => format!("[Consumer clientId={client_id}, groupId=null] "),
        };
        Consumer {
            id,
            client_id,
            cfg,
            meta,
            corr: CorrIds::default(),
            rng,
            subscription: Subscription::None,
            assignment: BTreeMap::new(),
            fetch_inflight: BTreeMap::new(),
            fetch_offsets: BTreeMap::new(),
            list_offsets_inflight: BTreeMap::new(),
            group,
            app: App::default(),
            delivered: VecDeque::new(),
            delivered_total: 0,
            last_poll: SimTime::ZERO,
            errors: VecDeque::new(),
            closed: false,
            wake_at: None,
            delivered_cap: 100_000,
            assignors: assignor::ClientAssignorState::default(),
            share: None,
        }
    }

    fn isolation(&self) -> Isolation {
        if self.cfg.read_committed {
            Isolation::ReadCommitted
        } else {
            Isolation::ReadUncommitted
        }
    }

    // ---------------- the application's API ----------------

    pub fn subscribe(&mut self, topics: Vec<String>) {
        for t in &topics {
            self.meta.want(t);
        }
        self.subscription = Subscription::Topics(topics.into_iter().collect_set());
        self.request_rejoin("subscription changed");
    }

    pub fn subscribe_pattern(&mut self, pattern: String) {
        self.meta.all_topics = true;
        self.meta.need_update = true;
        // A request already in flight asked for the old topic list: its response must not
        // clear `need_update` (the pattern would wait for metadata.max.age.ms, 5 min).
        self.meta.want_generation += 1;
        self.subscription = Subscription::Pattern(pattern);
        self.request_rejoin("subscription changed");
    }

    /// Manual assignment (no group management).
    pub fn assign(&mut self, partitions: Vec<TopicPartition>) {
        for tp in &partitions {
            self.meta.want(&tp.topic);
        }
        self.assignment.retain(|tp, _| partitions.contains(tp));
        for tp in &partitions {
            self.assignment.entry(tp.clone()).or_insert_with(PartitionState::new);
        }
        self.subscription = Subscription::Assigned(partitions);
    }

    pub(crate) fn seek(&mut self, tp: &TopicPartition, offset: Offset) {
        if let Some(p) = self.assignment.get_mut(tp) {
            p.position = Some(offset);
            p.reset = None;
            p.awaiting_committed = false;
            p.buffered.clear();
            p.next_position = None;
        }
    }

    pub(crate) fn seek_to(&mut self, tp: &TopicPartition, reset: OffsetReset) {
        if let Some(p) = self.assignment.get_mut(tp) {
            p.position = None;
            p.reset = Some(reset);
            p.awaiting_committed = false;
            p.buffered.clear();
            p.next_position = None;
        }
    }

    /// `TransactionalMessageCopier.resetToLastCommittedPositions` after an abort: every
    /// assigned partition forgets its position and what it fetched, so the next poll starts
    /// from the group's committed offset (an OffsetFetch with requireStable under
    /// read_committed; `auto.offset.reset` where none is committed).
    pub(crate) fn rewind_to_committed(&mut self) {
        for p in self.assignment.values_mut() {
            p.position = None;
            p.position_epoch = None;
            p.reset = None;
            p.buffered.clear();
            p.next_position = None;
        }
        self.app.in_process.clear();
        self.delivered.clear();
    }

    pub fn take_delivered(&mut self, max: usize) -> Vec<ConsumedRecord> {
        let n = max.min(self.delivered.len());
        self.delivered.drain(..n).collect()
    }

    /// Seeks every partition back to the first record poll() returned that the application
    /// has not taken yet, and drops those records, so that the position (what `close()`
    /// auto-commits) counts only records the application processed: Kafka's
    /// `ConsoleConsumer.ConsumerWrapper.resetUnconsumedOffsets`, called by `cleanup()` before
    /// `consumer.close()`.
    pub(crate) fn reset_unconsumed(&mut self) {
        let mut smallest: BTreeMap<TopicPartition, Offset> = BTreeMap::new();
        for r in self.delivered.drain(..) {
            smallest.entry(r.tp.clone()).or_insert(r.offset);
        }
        for (tp, offset) in smallest {
            self.seek(&tp, offset);
        }
    }

    fn request_rejoin(&mut self, reason: &str) {
        if let Some(g) = &mut self.group {
            if !g.rejoin_needed {
                g.rejoin_needed = true;
                g.rejoin_reason = reason.to_string();
            }
        }
    }

    /// The topics the subscription covers, given what metadata knows.
    pub(crate) fn subscribed_topics(&self) -> Vec<String> {
        match &self.subscription {
            Subscription::Topics(t) => t.iter().cloned().collect(),
            Subscription::Pattern(p) => match regex_lite::Regex::new(&format!("^(?:{p})$")) {
                Ok(re) => self
                    .meta
                    .topics
                    .iter()
                    .filter(|(n, t)| !t.internal && re.is_match(n))
                    .map(|(n, _)| n.clone())
                    .collect(),
                Err(_) => vec![],
            },
            _ => vec![],
        }
    }

    /// Commits `offsets` (commitAsync; the console's reset tool uses the admin client instead).
    pub(crate) fn commit(&mut self, now: SimTime, offsets: Vec<(TopicPartition, Offset)>, out: &mut ClientOut) {
        let Some(g) = &mut self.group else { return };
        if offsets.is_empty() {
            return;
        }
        let Some(c) = g.coordinator else {
            // The coordinator is being looked up: the commit waits for it
            // (`commitOffsetsAsync` → `lookupCoordinator().addListener`, `commitOffsetsSync` →
            // `ensureCoordinatorReady`).
            if !self.closed {
                g.retry_commit.extend(offsets);
            }
            return;
        };
        // A newer commit of a partition supersedes a failed one waiting to be sent again.
        for (tp, _) in &offsets {
            g.retry_commit.remove(tp);
        }
        let corr = self.corr.next_id();
        g.commit_inflight.insert(corr, (g.generation, offsets.clone()));
        let with_epochs = offsets
            .iter()
            .map(|(tp, o)| (tp.clone(), *o, self.assignment.get(tp).and_then(|p| p.position_epoch)))
            .collect();
        out.request(
            NodeAddr::Broker(c),
            corr,
            Request::OffsetCommit {
                group: g.group_id.clone(),
                generation: g.generation,
                member_id: g.member_id.clone(),
                offsets: with_epochs,
            },
        );
        out.timer(now.plus_ms(self.cfg.request_timeout_ms), ClientTimer::RequestTimeout(corr));
    }

    /// The positions of every assigned partition (what auto-commit sends, `KafkaConsumer`).
    pub(crate) fn all_consumed(&self) -> Vec<(TopicPartition, Offset)> {
        self.assignment.iter().filter_map(|(tp, p)| p.position.map(|o| (tp.clone(), o))).collect()
    }

    /// `close()`: commit (auto-commit), leave the group (dynamic members), stop.
    pub(crate) fn close(&mut self, now: SimTime, out: &mut ClientOut) {
        if self.closed {
            return;
        }
        if self.share.is_some() {
            self.share_close(now, out);
            return;
        }
        if self.cfg.enable_auto_commit && self.app.commit == CommitMode::Auto {
            let offsets = self.all_consumed();
            self.commit(now, offsets, out);
        }
        self.leave_group(now, "the consumer is being closed", out);
        self.closed = true;
    }

    fn leave_group(&mut self, now: SimTime, reason: &str, out: &mut ClientOut) {
        if self.uses_consumer_protocol() {
            self.send_leave_heartbeat(now, out);
            return;
        }
        let Some(g) = &mut self.group else { return };
        if let (Some(c), false, true) = (g.coordinator, g.member_id.is_empty(), g.instance_id.is_none()) {
            let corr = self.corr.next_id();
            out.request(
                NodeAddr::Broker(c),
                corr,
                Request::LeaveGroup {
                    group: g.group_id.clone(),
                    members: vec![(g.member_id.clone(), None)],
                    reason: Some(reason.to_string()),
                },
            );
            out.timer(now.plus_ms(self.cfg.request_timeout_ms), ClientTimer::RequestTimeout(corr));
            g.leave_sent = true;
            g.leave_inflight = Some(corr);
        }
        if g.instance_id.is_none() {
            g.member_id.clear();
        }
        g.generation = -1;
        g.state = MemberState::Unjoined;
        g.join_inflight = None;
        g.sync_inflight = None;
        g.heartbeat_inflight = None;
    }

    // ---------------- inputs ----------------

    /// A connection failed SASL authentication: the metadata's fatal
    /// `SaslAuthenticationException` is thrown by the next `poll`.
    pub(crate) fn authentication_failed(&mut self, message: &str) {
        self.errors.push_back(ApiError::with(KafkaError::SASL_AUTHENTICATION_FAILED, message));
    }

    pub(crate) fn handle_message(
        &mut self,
        now: SimTime,
        from: NodeAddr,
        msg: Message,
        _env: &Env,
        out: &mut ClientOut,
    ) {
        let Body::Resp(resp) = msg.body else { return };
        let corr = msg.corr;
        match resp {
            Response::Metadata { brokers, controller, topics, cluster_id } => {
                self.meta.on_response(now, corr, brokers, controller, topics, cluster_id);
                // A pattern subscription follows new and deleted topics.
                if let (Subscription::Pattern(_), Some(g)) = (&self.subscription, &self.group) {
                    if g.state == MemberState::Stable {
                        let now_topics: BTreeSet<String> = self.subscribed_topics().into_iter().collect_set();
                        let assigned: BTreeSet<String> =
                            self.assignment.keys().map(|tp| tp.topic.clone()).collect_set();
                        if now_topics != assigned && !now_topics.is_empty() {
                            self.request_rejoin("the subscribed pattern matches different topics now");
                        }
                    }
                }
            }
            Response::Fetch { error, partitions } => self.on_fetch_response(now, from, corr, error, partitions, out),
            Response::ListOffsets { partitions } => {
                if self.list_offsets_inflight.remove(&corr).is_none() {
                    return;
                }
                for (tp, r) in partitions {
                    let Some(p) = self.assignment.get_mut(&tp) else { continue };
                    match r {
                        Ok((offset, _)) if offset >= 0 => {
                            if p.position.is_none() && p.reset.is_some() {
                                let reason = match p.reset {
                                    Some(OffsetReset::Earliest) => "earliest",
                                    _ => "latest",
                                };
                                p.position = Some(offset);
                                p.reset = None;
                                out.observe(crate::sim::node::Observation::Position {
                                    client: self.client_id.clone(),
                                    tp: tp.clone(),
                                    offset,
                                });
                                out.trace(TraceKind::OffsetReset {
                                    client: self.client_id.clone(),
                                    tp: tp.clone(),
                                    offset,
                                    reason: format!("auto.offset.reset={reason}"),
                                });
                            }
                        }
                        _ => self.meta.need_update = true,
                    }
                }
            }
            Response::FindCoordinator { error, node, .. } => {
                let Some(g) = &mut self.group else { return };
                if g.find_inflight != Some(corr) {
                    return;
                }
                g.find_inflight = None;
                match error {
                    None => g.coordinator = Some(node),
                    // FindCoordinatorResponse: GROUP_AUTHORIZATION_FAILED is fatal to the poll
                    // (`AbstractCoordinator.FindCoordinatorResponseHandler`:
                    // `GroupAuthorizationException.forGroupId`).
                    Some(KafkaError::GROUP_AUTHORIZATION_FAILED) => {
                        let message = format!("Not authorized to access group: {}", g.group_id);
                        g.find_backoff = now.plus_ms(self.cfg.retry_backoff_ms);
                        self.errors.push_back(ApiError::with(KafkaError::GROUP_AUTHORIZATION_FAILED, message));
                    }
                    Some(_) => g.find_backoff = now.plus_ms(self.cfg.retry_backoff_ms),
                }
            }
            join @ Response::JoinGroup { .. } => self.on_join_response(now, corr, join, out),
            heartbeat @ Response::ShareGroupHeartbeat { .. } => {
                self.on_share_group_heartbeat(now, corr, heartbeat, out)
            }
            Response::ShareFetch { error, partitions } => self.on_share_fetch_response(from, corr, error, partitions),
            Response::ShareAcknowledge { .. } => self.on_share_acknowledge_response(corr),
            heartbeat @ Response::ConsumerGroupHeartbeat { .. } => {
                self.on_consumer_group_heartbeat(now, corr, heartbeat, out)
            }
            Response::SyncGroup { error, protocol, assignment } => {
                self.on_sync_response(now, corr, error, protocol, assignment, out)
            }
            Response::Heartbeat { error } => {
                let Some(g) = &mut self.group else { return };
                if g.heartbeat_inflight != Some(corr) {
                    return;
                }
                g.heartbeat_inflight = None;
                match error {
                    None => {}
                    Some(KafkaError::REBALANCE_IN_PROGRESS) => {
                        g.rejoin_needed = true;
                        g.rejoin_reason = "the group is rebalancing".into();
                    }
                    Some(KafkaError::UNKNOWN_MEMBER_ID) => {
                        g.member_id.clear();
                        g.generation = -1;
                        g.rejoin_needed = true;
                        g.rejoin_reason = "the coordinator no longer knows this member".into();
                    }
                    Some(KafkaError::ILLEGAL_GENERATION) => {
                        g.generation = -1;
                        g.rejoin_needed = true;
                        g.rejoin_reason = "the generation is stale".into();
                    }
                    Some(KafkaError::FENCED_INSTANCE_ID) => {
                        self.errors.push_back(ApiError::new(KafkaError::FENCED_INSTANCE_ID));
                    }
                    Some(_) => {
                        g.coordinator = None;
                    }
                }
            }
            Response::OffsetFetch { error, offsets } => {
                let Some(g) = &mut self.group else { return };
                let _ = &out;
                if g.offset_fetch_inflight != Some(corr) {
                    return;
                }
                g.offset_fetch_inflight = None;
                if let Some(e) = error {
                    if matches!(
                        e,
                        KafkaError::NOT_COORDINATOR
                            | KafkaError::COORDINATOR_NOT_AVAILABLE
                            | KafkaError::COORDINATOR_LOAD_IN_PROGRESS
                    ) {
                        g.coordinator = None;
                    }
                    return;
                }
                for (tp, o, e) in offsets {
                    let Some(p) = self.assignment.get_mut(&tp) else { continue };
                    if !p.awaiting_committed {
                        continue;
                    }
                    if e == Some(KafkaError::UNSTABLE_OFFSET_COMMIT) {
                        continue; // asked again later
                    }
                    p.awaiting_committed = false;
                    if o >= 0 {
                        p.position = Some(o);
                        out.observe(crate::sim::node::Observation::Position {
                            client: self.client_id.clone(),
                            tp: tp.clone(),
                            offset: o,
                        });
                    } else {
                        p.reset = Some(self.cfg.auto_offset_reset);
                    }
                }
            }
            Response::OffsetCommit { results, error } => {
                let Some(g) = &mut self.group else { return };
                let Some((commit_generation, offsets)) = g.commit_inflight.remove(&corr) else { return };
                // ConsumerCoordinator.OffsetCommitResponseHandler: each partition refused
                // TOPIC_AUTHORIZATION_FAILED is logged, then the topics, and the commit fails with
                // `TopicAuthorizationException`; the auto-commit of close()
                // (`maybeAutoCommitOffsetsSync`) logs that failure at WARN.
                let refused: Vec<&TopicPartition> = results
                    .iter()
                    .filter(|(_, e)| *e == Some(KafkaError::TOPIC_AUTHORIZATION_FAILED))
                    .map(|(tp, _)| tp)
                    .collect();
                if !refused.is_empty() {
                    for tp in &refused {
                        let at = offsets.iter().find(|(t, _)| t == *tp).map(|(_, o)| *o).unwrap_or(-1);
                        let line = format!(
                            "Offset commit failed on partition {tp} at offset {at}: {}",
                            KafkaError::TOPIC_AUTHORIZATION_FAILED.message()
                        );
                        self.meta.log(now, "ERROR", CONSUMER_COORDINATOR, line);
                    }
                    let mut topics: Vec<&str> = refused.iter().map(|tp| tp.topic.as_str()).collect();
                    topics.dedup();
                    let line = format!("Not authorized to commit to topics [{}]", topics.join(", "));
                    self.meta.log(now, "ERROR", CONSUMER_COORDINATOR, line);
                    if self.closed {
                        let all: Vec<String> = offsets
                            .iter()
                            .map(|(tp, o)| {
                                format!("{tp}=OffsetAndMetadata{{offset={o}, leaderEpoch=null, metadata=''}}")
                            })
                            .collect();
                        let e = crate::sim::client::topics_not_authorized(&topics);
                        let line =
                            format!("Synchronous auto-commit of offsets {{{}}} failed: {}", all.join(", "), e.text());
                        self.meta.log(now, "WARN", CONSUMER_COORDINATOR, line);
                    }
                }
                let failed = error.or_else(|| results.iter().find_map(|(_, e)| *e));
                let sync_commit = matches!(self.app.commit, CommitMode::AfterProcessing | CommitMode::BeforeProcessing);
                match failed {
                    None => {
                        g.commit_attempts = 0;
                        out.trace(TraceKind::OffsetsCommitted {
                            group: g.group_id.clone(),
                            client: self.client_id.clone(),
                            offsets,
                        });
                    }
                    Some(e) => {
                        out.trace(TraceKind::ClientError {
                            client: self.client_id.clone(),
                            api: "OffsetCommit".into(),
                            error: e,
                            detail: "Commit cannot be completed since the group has already rebalanced and assigned the partitions to another member.".into(),
                        });
                        if matches!(e, KafkaError::NOT_COORDINATOR | KafkaError::COORDINATOR_NOT_AVAILABLE) {
                            g.coordinator = None;
                            if sync_commit && !self.closed && g.prepare_commit != Some(corr) {
                                // commitOffsetsSync: a retriable error, so the same offsets go
                                // again to the coordinator found next.
                                for (tp, o) in offsets {
                                    g.retry_commit.entry(tp).or_insert(o);
                                }
                                let backoff = ExpBackoff::new(self.cfg.retry_backoff_ms, self.cfg.retry_backoff_max_ms);
                                let wait = backoff.backoff(u64::from(g.commit_attempts), &mut self.rng);
                                g.commit_attempts = g.commit_attempts.saturating_add(1);
                                g.retry_commit_at = now.plus_ms(wait);
                                out.timer(g.retry_commit_at, ClientTimer::ClientWake);
                            }
                        } else if matches!(
                            e,
                            KafkaError::ILLEGAL_GENERATION
                                | KafkaError::UNKNOWN_MEMBER_ID
                                | KafkaError::REBALANCE_IN_PROGRESS
                        ) && commit_generation == g.generation
                            && g.state == MemberState::Stable
                        {
                            g.rejoin_needed = true;
                            g.rejoin_reason = "a commit failed: the group rebalanced".into();
                        }
                    }
                }
                if g.prepare_commit == Some(corr) {
                    g.prepare_commit = None;
                }
                self.on_commit_done(corr);
            }
            Response::LeaveGroup { .. } => {
                if let Some(g) = &mut self.group {
                    if g.leave_inflight == Some(corr) {
                        g.leave_inflight = None;
                    }
                }
            }
            _ => {}
        }
    }

    pub(crate) fn handle_timer(&mut self, now: SimTime, timer: ClientTimer, _env: &Env, out: &mut ClientOut) {
        if let ClientTimer::RequestTimeout(corr) = timer {
            self.request_failed(now, corr, out);
        }
    }

    /// Request `corr` failed: timed out, or cancelled because its connection closed
    /// (`ConsumerNetworkClient.checkDisconnects` fails it with a `DisconnectException`). Each
    /// part of the consumer retries as Kafka's does: the fetcher asks for metadata and fetches
    /// again; a position reset (`OffsetFetcher.resetPositionsAsync`) is retried after
    /// `retry.backoff.ms` (`SubscriptionState.requestFailed`) with a metadata update; the group
    /// coordinator is marked unknown (`CoordinatorResponseHandler.onFailure` →
    /// `markCoordinatorUnknown`) and looked up again; a failed auto-commit is retried after
    /// `retry.backoff.ms` (`ConsumerCoordinator.doAutoCommitOffsetsAsync`: a retriable failure
    /// resets `nextAutoCommitTimer`), a synchronous commit is sent again once the coordinator
    /// is known (`commitOffsetsSync` loops on retriable errors with `retryBackoff`).
    pub(crate) fn request_failed(&mut self, now: SimTime, corr: u64, out: &mut ClientOut) {
        {
            if self.meta.on_failure(now, corr, out) {
                return;
            }
            if self.share_request_failed(now, corr) {
                return;
            }
            if let Some((&b, _)) = self.fetch_inflight.iter().find(|(_, c)| **c == corr) {
                self.fetch_inflight.remove(&b);
                self.forget_read_replica(b);
                self.meta.need_update = true;
            }
            if let Some(parts) = self.list_offsets_inflight.remove(&corr) {
                let retry_at = now.plus_ms(self.cfg.retry_backoff_ms);
                for tp in parts {
                    if let Some(p) = self.assignment.get_mut(&tp) {
                        p.reset_retry_at = Some(retry_at);
                    }
                }
                self.meta.need_update = true;
                out.timer(retry_at, ClientTimer::ClientWake);
            }
            self.on_commit_done(corr);
            let auto_commit = self.cfg.enable_auto_commit && self.app.commit == CommitMode::Auto;
            let sync_commit = matches!(self.app.commit, CommitMode::AfterProcessing | CommitMode::BeforeProcessing);
            let retry_backoff = ExpBackoff::new(self.cfg.retry_backoff_ms, self.cfg.retry_backoff_max_ms);
            if let Some(g) = &mut self.group {
                let mut lost = false;
                if g.leave_inflight == Some(corr) {
                    g.leave_inflight = None;
                }
                for slot in [
                    &mut g.find_inflight,
                    &mut g.join_inflight,
                    &mut g.sync_inflight,
                    &mut g.heartbeat_inflight,
                    &mut g.offset_fetch_inflight,
                ] {
                    if *slot == Some(corr) {
                        *slot = None;
                        lost = true;
                    }
                }
                if let Some((_, offsets)) = g.commit_inflight.remove(&corr) {
                    lost = true;
                    if g.prepare_commit == Some(corr) {
                        g.prepare_commit = None;
                    } else if auto_commit && !self.closed {
                        g.next_auto_commit = now.plus_ms(self.cfg.retry_backoff_ms);
                    } else if sync_commit && !self.closed {
                        for (tp, o) in offsets {
                            g.retry_commit.entry(tp).or_insert(o);
                        }
                        let wait = retry_backoff.backoff(u64::from(g.commit_attempts), &mut self.rng);
                        g.commit_attempts = g.commit_attempts.saturating_add(1);
                        g.retry_commit_at = now.plus_ms(wait);
                        out.timer(g.retry_commit_at, ClientTimer::ClientWake);
                    }
                }
                if lost {
                    // The coordinator did not answer: look for it again.
                    g.coordinator = None;
                    g.cg.send_full = true;
                    if matches!(g.state, MemberState::Joining | MemberState::Syncing) {
                        g.state = MemberState::Unjoined;
                        g.rejoin_needed = true;
                    }
                }
            }
        }
    }

    /// Gives up `revoked` partitions: with auto-commit their positions are committed first
    /// (`ConsumerCoordinator.onJoinPrepare` / `invokePartitionsRevoked`).
    fn revoke(&mut self, now: SimTime, revoked: &[TopicPartition], auto_commit: bool, out: &mut ClientOut) {
        if auto_commit {
            let offsets: Vec<(TopicPartition, Offset)> = revoked
                .iter()
                .filter_map(|tp| self.assignment.get(tp).and_then(|p| p.position).map(|o| (tp.clone(), o)))
                .collect();
            self.commit(now, offsets, out);
        }
        for tp in revoked {
            self.assignment.remove(tp);
        }
    }

    pub(crate) fn handle_disconnect(&mut self, now: SimTime, peer: NodeAddr, _env: &Env, _out: &mut ClientOut) {
        if let (NodeAddr::Broker(b), true) = (peer, self.share.is_some()) {
            self.share_disconnect(b);
            if let Some(g) = &mut self.group {
                if g.find_inflight.is_some() && g.find_node == Some(peer) {
                    g.find_inflight = None;
                    g.find_node = None;
                    g.find_backoff = now.plus_ms(self.cfg.retry_backoff_ms);
                }
            }
            return;
        }
        if let NodeAddr::Broker(b) = peer {
            if self.fetch_inflight.remove(&b).is_some() {
                self.forget_read_replica(b);
            }
            if let Some(g) = &mut self.group {
                if g.find_inflight.is_some() && g.find_node == Some(peer) {
                    g.find_inflight = None;
                    g.find_node = None;
                    g.find_backoff = now.plus_ms(self.cfg.retry_backoff_ms);
                }
                if g.coordinator == Some(b) {
                    g.coordinator = None;
                    g.cg.send_full = true;
                    g.leave_inflight = None;
                    g.find_inflight = None;
                    g.heartbeat_inflight = None;
                    g.offset_fetch_inflight = None;
                    g.commit_inflight.clear();
                    g.prepare_commit = None;
                    if matches!(g.state, MemberState::Joining | MemberState::Syncing | MemberState::Assigning) {
                        g.join_inflight = None;
                        g.sync_inflight = None;
                        g.state = MemberState::Unjoined;
                        g.rejoin_needed = true;
                    }
                }
            }
        }
        // A commit before revoking that died with the connection: revoke anyway.
        if let Some(c) = self.group.as_ref().filter(|g| g.coordinator.is_none()).and_then(|g| g.cg.revoke_commit) {
            self.on_commit_done(c);
        }
    }

    // ---------------- the poll loop ----------------

    /// Network work only (a stuck application still heartbeats — until max.poll.interval.ms).
    pub(crate) fn poll_network_only(&mut self, now: SimTime, env: &Env, out: &mut ClientOut) {
        self.maintain(now, env, out, false);
    }

    /// The client's work after any input, and the application's poll() when it is free.
    pub(crate) fn poll(&mut self, now: SimTime, env: &Env, out: &mut ClientOut) {
        self.maintain(now, env, out, true);
    }

    fn maintain(&mut self, now: SimTime, env: &Env, out: &mut ClientOut, app_runs: bool) {
        if self.closed {
            return;
        }
        self.meta.maybe_request(now, &mut self.corr, out, self.cfg.request_timeout_ms);
        if self.share.is_some() {
            self.maintain_share(now, out, app_runs);
            return;
        }
        self.finish_processing(now, out);
        if self.group.is_some() {
            self.maintain_group(now, env, out, app_runs && !self.app.stuck);
            self.send_retry_commit(now, out);
        }
        self.refresh_positions(now, out);
        self.send_fetches(now, out);
        if app_runs && !self.app.stuck && now >= self.app.busy_until && (!self.app.on_demand || self.app.poll_wanted) {
            self.app_poll(now, out);
        }
        self.schedule_wake(now, out, app_runs);
    }

    /// Sends again the offsets of a synchronous commit that failed with a retriable error,
    /// once the coordinator is known and the back-off has passed (`commitOffsetsSync`).
    fn send_retry_commit(&mut self, now: SimTime, out: &mut ClientOut) {
        let manual = matches!(self.subscription, Subscription::None | Subscription::Assigned(_));
        let Some(g) = &mut self.group else { return };
        if g.retry_commit.is_empty()
            || g.coordinator.is_none()
            || now < g.retry_commit_at
            || !g.commit_inflight.is_empty()
            || !(manual || g.state == MemberState::Stable)
        {
            return;
        }
        // Partitions given away meanwhile are not committed (their new owner commits them).
        let owned = &self.assignment;
        let offsets: Vec<(TopicPartition, Offset)> = std::mem::take(&mut g.retry_commit)
            .into_iter()
            .filter(|(tp, _)| manual || owned.contains_key(tp))
            .collect();
        self.commit(now, offsets, out);
    }

    /// The application finished processing what it polled.
    fn finish_processing(&mut self, now: SimTime, out: &mut ClientOut) {
        if self.app.in_process.is_empty() || now < self.app.busy_until {
            return;
        }
        let done = std::mem::take(&mut self.app.in_process);
        self.app.processed += done.len() as u64;
        if self.app.commit == CommitMode::AfterProcessing {
            let mut last: BTreeMap<TopicPartition, Offset> = BTreeMap::new();
            for r in &done {
                last.insert(r.tp.clone(), r.offset + 1);
            }
            self.commit(now, last.into_iter().collect(), out);
        }
    }

    /// `poll()`: hand buffered records to the application (max.poll.records).
    fn app_poll(&mut self, now: SimTime, out: &mut ClientOut) {
        self.last_poll = now;
        if let Some(g) = &mut self.group {
            if g.left_for_poll_timeout {
                g.left_for_poll_timeout = false;
                g.rejoin_needed = true;
                g.rejoin_reason = "the consumer polled again after leaving for max.poll.interval.ms".into();
            }
            // During a rebalance poll() returns nothing (eager: the partitions are revoked).
            if g.state != MemberState::Stable {
                return;
            }
        }
        if self.cfg.enable_auto_commit && self.app.commit == CommitMode::Auto {
            if let Some(g) = &self.group {
                if g.state == MemberState::Stable && now >= g.next_auto_commit && g.commit_inflight.is_empty() {
                    let offsets = self.all_consumed();
                    self.commit(now, offsets, out);
                    if let Some(g) = &mut self.group {
                        g.next_auto_commit = now.plus_ms(self.cfg.auto_commit_interval_ms);
                    }
                }
            }
        }
        let max = self.cfg.max_poll_records.max(1) as usize;
        let mut taken: Vec<ConsumedRecord> = Vec::new();
        let tps: Vec<TopicPartition> = self.assignment.keys().cloned().collect();
        for tp in tps {
            if taken.len() >= max {
                break;
            }
            let Some(p) = self.assignment.get_mut(&tp) else { continue };
            if p.paused {
                continue;
            }
            while taken.len() < max {
                let Some(r) = p.buffered.pop_front() else { break };
                p.position = Some(r.offset + 1);
                p.position_epoch = Some(r.leader_epoch);
                taken.push(r);
            }
            if p.buffered.is_empty() {
                if let Some(n) = p.next_position.take() {
                    if p.position.map(|x| n > x).unwrap_or(true) {
                        p.position = Some(n);
                    }
                }
            }
        }
        if taken.is_empty() {
            return;
        }
        self.app.poll_wanted = false;
        for r in &taken {
            out.observe(crate::sim::node::Observation::Consumed {
                client: self.client_id.clone(),
                tp: r.tp.clone(),
                offset: r.offset,
                origin: r.origin,
                index: r.index,
                bound: r.bound,
                read_committed: self.cfg.read_committed,
                producer_id: r.producer_id,
                transactional: r.transactional,
            });
        }
        let mut per_tp: BTreeMap<TopicPartition, (Offset, u32)> = BTreeMap::new();
        for r in &taken {
            let e = per_tp.entry(r.tp.clone()).or_insert((r.offset, 0));
            e.1 += 1;
        }
        for (tp, (from, count)) in per_tp {
            out.trace(TraceKind::Consumed { client: self.client_id.clone(), tp, from, count });
        }
        if self.app.commit == CommitMode::BeforeProcessing {
            let mut last: BTreeMap<TopicPartition, Offset> = BTreeMap::new();
            for r in &taken {
                last.insert(r.tp.clone(), r.offset + 1);
            }
            self.commit(now, last.into_iter().collect(), out);
        }
        self.delivered_total += taken.len() as u64;
        let n = taken.len() as i64;
        self.app.busy_until = now.plus_ms(self.app.processing_ms_per_record.saturating_mul(n));
        self.app.in_process = taken.clone();
        for r in taken {
            self.delivered.push_back(r);
        }
        while self.delivered.len() > self.delivered_cap {
            self.delivered.pop_front();
        }
        if self.app.processing_ms_per_record == 0 {
            self.finish_processing(now, out);
        }
    }

    /// Gets positions for partitions that have none: committed offsets, then resets.
    fn refresh_positions(&mut self, now: SimTime, out: &mut ClientOut) {
        let in_group = self.group.as_ref().map(|g| g.state == MemberState::Stable).unwrap_or(false);
        let group_mode = self.group.is_some() && !matches!(self.subscription, Subscription::Assigned(_));
        // Committed offsets first (group mode).
        if group_mode && in_group {
            let want: Vec<TopicPartition> = self
                .assignment
                .iter()
                .filter(|(_, p)| p.position.is_none() && p.reset.is_none())
                .map(|(tp, _)| tp.clone())
                .collect();
            if !want.is_empty() {
                let g = self.group.as_mut().expect("group");
                if g.offset_fetch_inflight.is_none() {
                    if let Some(c) = g.coordinator {
                        let corr = self.corr.next_id();
                        g.offset_fetch_inflight = Some(corr);
                        for tp in &want {
                            if let Some(p) = self.assignment.get_mut(tp) {
                                p.awaiting_committed = true;
                            }
                        }
                        out.request(
                            NodeAddr::Broker(c),
                            corr,
                            Request::OffsetFetch {
                                group: g.group_id.clone(),
                                partitions: Some(want),
                                require_stable: self.cfg.read_committed,
                            },
                        );
                        out.timer(now.plus_ms(self.cfg.request_timeout_ms), ClientTimer::RequestTimeout(corr));
                    }
                }
            }
        } else if !group_mode {
            for p in self.assignment.values_mut() {
                if p.position.is_none() && p.reset.is_none() {
                    p.reset = Some(self.cfg.auto_offset_reset);
                }
            }
        }
        // Resets through ListOffsets to each partition's leader.
        let pending: BTreeSet<TopicPartition> = self.list_offsets_inflight.values().flatten().cloned().collect_set();
        let mut by_leader: BTreeMap<BrokerId, Vec<(TopicPartition, i64)>> = BTreeMap::new();
        let mut no_reset = Vec::new();
        for (tp, p) in &self.assignment {
            let Some(reset) = p.reset else { continue };
            if p.position.is_some() || pending.contains(tp) || p.reset_retry_at.map(|t| now < t).unwrap_or(false) {
                continue;
            }
            let spec = match reset {
                OffsetReset::Earliest => -2,
                OffsetReset::Latest => -1,
                OffsetReset::None => {
                    no_reset.push(tp.clone());
                    continue;
                }
            };
            match self.meta.leader(tp) {
                Some(l) => by_leader.entry(l).or_default().push((tp.clone(), spec)),
                None => self.meta.need_update = true,
            }
        }
        if !no_reset.is_empty() {
            let names: Vec<String> = no_reset.iter().map(|tp| tp.to_string()).collect();
            self.errors.push_back(ApiError::with(
                KafkaError::OFFSET_OUT_OF_RANGE,
                format!("Undefined offset with no reset policy for partitions: [{}]", names.join(", ")),
            ));
            for tp in no_reset {
                if let Some(p) = self.assignment.get_mut(&tp) {
                    p.reset = None;
                    p.paused = true;
                }
            }
        }
        for (leader, parts) in by_leader {
            let corr = self.corr.next_id();
            self.list_offsets_inflight.insert(corr, parts.iter().map(|(tp, _)| tp.clone()).collect());
            out.request(
                NodeAddr::Broker(leader),
                corr,
                Request::ListOffsets { isolation: self.isolation(), partitions: parts },
            );
            out.timer(now.plus_ms(self.cfg.request_timeout_ms), ClientTimer::RequestTimeout(corr));
        }
    }

    /// One Fetch per broker for partitions with a position and nothing buffered: to the leader,
    /// or to the replica the leader preferred while that advice lasts and the broker is in the
    /// metadata (`AbstractFetch.selectReadReplica`).
    fn send_fetches(&mut self, now: SimTime, out: &mut ClientOut) {
        if let Some(g) = &self.group {
            if !matches!(self.subscription, Subscription::Assigned(_)) && g.state != MemberState::Stable {
                return;
            }
        }
        let mut by_node: BTreeMap<BrokerId, Vec<FetchPartition>> = BTreeMap::new();
        let mut need_update = false;
        for (tp, p) in self.assignment.iter_mut() {
            let Some(position) = p.position else { continue };
            if !p.buffered.is_empty() || p.paused || p.next_position.is_some() {
                continue;
            }
            let Some(leader) = self.meta.leader(tp) else {
                need_update = true;
                continue;
            };
            let node = match p.read_replica(now) {
                None => {
                    p.preferred_read_replica = None;
                    leader
                }
                Some(b)
                    if self.meta.brokers.contains_key(&b)
                        && !self.meta.partition(tp).is_some_and(|m| m.offline.contains(&b)) =>
                {
                    b
                }
                Some(_) => {
                    // Offline or gone from the metadata: the leader, and fresh metadata
                    // (`FetchUtils.requestMetadataUpdate` clears the advice).
                    p.preferred_read_replica = None;
                    need_update = true;
                    leader
                }
            };
            if self.fetch_inflight.contains_key(&node) {
                continue;
            }
            by_node.entry(node).or_default().push(FetchPartition {
                tp: tp.clone(),
                fetch_offset: position,
                current_leader_epoch: self.meta.leader_epoch(tp),
                last_fetched_epoch: -1,
                log_start_offset: -1,
            });
        }
        if need_update {
            self.meta.need_update = true;
        }
        for (node, parts) in by_node {
            let corr = self.corr.next_id();
            self.fetch_inflight.insert(node, corr);
            self.fetch_offsets.insert(node, parts.iter().map(|p| (p.tp.clone(), p.fetch_offset)).collect());
            out.request(
                NodeAddr::Broker(node),
                corr,
                Request::Fetch {
                    replica: -1,
                    max_wait_ms: self.cfg.fetch_max_wait_ms,
                    min_bytes: self.cfg.fetch_min_bytes,
                    max_bytes: self.cfg.fetch_max_bytes,
                    isolation: self.isolation(),
                    partitions: parts,
                    rack_id: self.cfg.client_rack.clone().unwrap_or_default(),
                },
            );
            out.timer(
                now.plus_ms(self.cfg.request_timeout_ms + self.cfg.fetch_max_wait_ms),
                ClientTimer::RequestTimeout(corr),
            );
        }
    }

    /// Where the next fetch of `tp` goes (`AbstractFetch.selectReadReplica`): the replica the
    /// leader preferred (KIP-392) while that advice lasts and the broker is in the metadata —
    /// then with the advice's expiry — else the leader.
    pub(crate) fn fetch_target(&self, tp: &TopicPartition, now: SimTime) -> Option<(BrokerId, Option<SimTime>)> {
        let leader = self.meta.leader(tp)?;
        let p = self.assignment.get(tp)?;
        match (p.read_replica(now), p.preferred_read_replica) {
            (Some(b), Some((_, until)))
                if self.meta.brokers.contains_key(&b)
                    && !self.meta.partition(tp).is_some_and(|m| m.offline.contains(&b)) =>
            {
                Some((b, Some(until)))
            }
            _ => Some((leader, None)),
        }
    }

    /// `AbstractFetch.handleFetchFailure`: the partitions of a failed fetch forget the replica
    /// they were sent to, so the next fetch goes to the leader.
    fn forget_read_replica(&mut self, node: BrokerId) {
        for p in self.assignment.values_mut() {
            if p.preferred_read_replica.is_some_and(|(b, _)| b == node) {
                p.preferred_read_replica = None;
            }
        }
    }

    fn on_fetch_response(
        &mut self,
        now: SimTime,
        from: NodeAddr,
        corr: u64,
        _error: Option<KafkaError>,
        partitions: Vec<FetchedPartition>,
        out: &mut ClientOut,
    ) {
        let NodeAddr::Broker(b) = from else { return };
        if self.fetch_inflight.get(&b) != Some(&corr) {
            return;
        }
        self.fetch_inflight.remove(&b);
        let fetched_at = self.fetch_offsets.remove(&b).unwrap_or_default();
        let read_committed = self.cfg.read_committed;
        let reset_policy = self.cfg.auto_offset_reset;
        let advice_ms = self.meta.max_age_ms;
        for fp in partitions {
            let Some(p) = self.assignment.get_mut(&fp.tp) else { continue };
            // `FetchCollector.handleInitializeSuccess`/`handleInitializeErrors`: a response is
            // used only if the partition's position is still the offset it was fetched from;
            // after a seek, a reset or a rewind to the committed offsets (the copier's
            // `resetToLastCommittedPositions`) it is "stale" and discarded, so the records
            // between the new position and the old fetch offset are fetched again, not skipped.
            let stale = p.position.is_none() || p.position != fetched_at.get(&fp.tp).copied();
            let discard = stale
                && match fp.error {
                    None => true,
                    // Out of range from a preferred read replica: no reset either way (below).
                    Some(KafkaError::OFFSET_OUT_OF_RANGE) => p.preferred_read_replica.is_none(),
                    Some(_) => false,
                };
            if discard {
                continue;
            }
            if let Some(e) = fp.error {
                match e {
                    // From a follower whose log does not reach the position yet: back to the
                    // leader, no reset (`FetchCollector.handleInitializeErrors`).
                    // FetchCollector.handleInitializeErrors: "Not authorized to read from
                    // partition" (WARN), and the poll throws `TopicAuthorizationException`.
                    KafkaError::TOPIC_AUTHORIZATION_FAILED => {
                        let line = format!("Not authorized to read from partition {}.", fp.tp);
                        self.meta.log(now, "WARN", FETCH_COLLECTOR, line);
                        self.errors.push_back(crate::sim::client::topics_not_authorized(&[&fp.tp.topic]));
                    }
                    KafkaError::OFFSET_OUT_OF_RANGE if p.preferred_read_replica.take().is_some() => {}
                    KafkaError::OFFSET_OUT_OF_RANGE => {
                        // `SubscriptionState`: a consumer that fell off the log resets (or fails with none).
                        let at = p.position.unwrap_or(-1);
                        out.trace(TraceKind::ClientError {
                            client: self.client_id.clone(),
                            api: "Fetch".into(),
                            error: e,
                            detail: format!(
                                "Fetch position FetchPosition{{offset={at}}} is out of range for partition {}",
                                fp.tp
                            ),
                        });
                        p.position = None;
                        p.buffered.clear();
                        p.reset = Some(reset_policy);
                        if reset_policy == OffsetReset::None {
                            self.errors.push_back(ApiError::with(
                                KafkaError::OFFSET_OUT_OF_RANGE,
                                format!(
                                    "Fetch position FetchPosition{{offset={at}}} is out of range for partition {}",
                                    fp.tp
                                ),
                            ));
                        }
                    }
                    // A failed remote read (tiered storage: the RemoteStorageException
                    // `Errors.forException` maps to no code of its own): a WARN, and the same
                    // position is fetched again (`FetchCollector.handleInitializeErrors`).
                    KafkaError::UNKNOWN_SERVER_ERROR => {
                        let at = p.position.unwrap_or(-1);
                        self.meta.log(
                            now,
                            "WARN",
                            FETCH_COLLECTOR,
                            format!("Unknown server error while fetching offset {at} for topic-partition {}", fp.tp),
                        );
                    }
                    _ => {
                        // `FetchUtils.requestMetadataUpdate`: fresh metadata, and the leader again.
                        self.meta.need_update = true;
                        p.preferred_read_replica = None;
                    }
                }
                continue;
            }
            if fp.preferred_read_replica >= 0 {
                // `SubscriptionState.updatePreferredReadReplica`: a new choice expires
                // `metadata.max.age.ms` from now; the same one keeps its expiry.
                if p.preferred_read_replica.map(|(b, _)| b) != Some(fp.preferred_read_replica) {
                    p.preferred_read_replica = Some((fp.preferred_read_replica, now.plus_ms(advice_ms)));
                }
            }
            p.high_watermark = fp.high_watermark;
            p.last_stable_offset = fp.last_stable_offset;
            p.log_start_offset = fp.log_start_offset;
            let Some(position) = p.position else { continue };
            let bound = if read_committed { fp.last_stable_offset } else { fp.high_watermark };
            // read_committed: skip batches of aborted transactions (FetchCollector logic).
            let mut aborted: Vec<(i64, Offset)> = fp.aborted.clone();
            aborted.compact_sort_by_key(|(_, o)| *o);
            let mut aborted_pids: BTreeSet<i64> = BTreeSet::new();
            let mut next = position;
            for batch in &fp.batches {
                if batch.next_offset() <= position {
                    continue;
                }
                if read_committed {
                    while let Some((pid, first)) = aborted.first().copied() {
                        if first <= batch.last_offset {
                            aborted_pids.insert(pid);
                            aborted.remove(0);
                        } else {
                            break;
                        }
                    }
                }
                next = batch.next_offset();
                if batch.is_control() {
                    if batch.control == Some(crate::sim::record::ControlType::Abort) {
                        aborted_pids.remove(&batch.producer_id);
                    }
                    continue;
                }
                if read_committed && batch.transactional && aborted_pids.contains(&batch.producer_id) {
                    continue;
                }
                for (o, r) in batch.iter_with_offsets() {
                    if o < position {
                        continue;
                    }
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
                        bound,
                        delivery_count: None,
                    });
                }
            }
            if next > position {
                if p.buffered.is_empty() {
                    p.position = Some(next);
                } else {
                    p.next_position = Some(next);
                }
            }
        }
    }

    fn schedule_wake(&mut self, now: SimTime, out: &mut ClientOut, app_runs: bool) {
        let mut next: Option<SimTime> = None;
        // Only future deadlines: work that is due but blocked (a request in flight) resumes
        // when the response arrives, not by spinning.
        let mut consider = |t: SimTime| {
            if t > now {
                next = Some(next.map_or(t, |n: SimTime| n.min(t)))
            }
        };
        if self.app.busy_until > now {
            consider(self.app.busy_until);
        }
        if let Some(g) = &self.group {
            if matches!(g.state, MemberState::Stable | MemberState::Syncing | MemberState::Assigning) {
                consider(g.next_heartbeat);
            }
            if self.cfg.enable_auto_commit && g.state == MemberState::Stable {
                consider(g.next_auto_commit);
            }
            if !g.retry_commit.is_empty() {
                consider(g.retry_commit_at);
            }
            if g.coordinator.is_none() && g.find_inflight.is_none() {
                consider(if g.find_backoff > now { g.find_backoff } else { now.plus_ms(self.cfg.retry_backoff_ms) });
            }
            if g.state == MemberState::Stable && !g.left_for_poll_timeout {
                consider(self.last_poll.plus_ms(self.cfg.max_poll_interval_ms));
            }
        }
        if self.assignment.values().any(|p| p.position.is_none()) {
            consider(now.plus_ms(self.cfg.retry_backoff_ms.max(50)));
        }
        // A poll loop with records still buffered (more than max.poll.records arrived) comes
        // straight back for them: the next poll() is due when processing ends, or at once.
        let polls_return_records = self.group.as_ref().map(|g| g.state == MemberState::Stable).unwrap_or(true);
        if app_runs
            && !self.app.stuck
            && (!self.app.on_demand || self.app.poll_wanted)
            && polls_return_records
            && self.assignment.values().any(|p| !p.paused && !p.buffered.is_empty())
        {
            consider(if self.app.busy_until > now { self.app.busy_until } else { now.plus_ms(1) });
        }
        if let Some(t) = next {
            if self.wake_at.map(|w| w <= now || t < w).unwrap_or(true) {
                self.wake_at = Some(t);
                out.timer(t, ClientTimer::ClientWake);
            }
        }
    }

    // ---------------- group membership ----------------

    fn maintain_group(&mut self, now: SimTime, _env: &Env, out: &mut ClientOut, app_polling: bool) {
        if self.uses_consumer_protocol() {
            self.maintain_consumer_group(now, out, app_polling);
            return;
        }
        let rebalance_timeout = self.cfg.max_poll_interval_ms;
        let session = self.cfg.session_timeout_ms;
        let heartbeat = self.cfg.heartbeat_interval_ms;
        let client_id = self.client_id.clone();
        let subscribed = self.subscribed_topics();
        let owned: Vec<TopicPartition> = self.assignment.keys().cloned().collect();
        let max_poll = self.cfg.max_poll_interval_ms;
        let Some(g) = &mut self.group else { return };
        if matches!(self.subscription, Subscription::None | Subscription::Assigned(_)) {
            // No group management: the group only stores commits.
            if g.coordinator.is_none() && g.find_inflight.is_none() && now >= g.find_backoff {
                if let Some(node) = self.meta.pick_node() {
                    let corr = self.corr.next_id();
                    g.find_inflight = Some(corr);
                    g.find_node = Some(node);
                    out.request(node, corr, Request::FindCoordinator { key: g.group_id.clone(), transaction: false });
                    out.timer(now.plus_ms(self.cfg.request_timeout_ms), ClientTimer::RequestTimeout(corr));
                }
            }
            return;
        }
        // max.poll.interval.ms: the application did not call poll() in time.
        if g.state == MemberState::Stable
            && !g.left_for_poll_timeout
            && now.ms_since(self.last_poll) > max_poll
            && self.last_poll > SimTime::ZERO
        {
            out.trace(TraceKind::ClientError {
                client: client_id.clone(),
                api: "Heartbeat".into(),
                error: KafkaError::REBALANCE_IN_PROGRESS,
                detail: format!(
                    "consumer poll timeout has expired. This means the time between subsequent calls to poll() was longer than the configured max.poll.interval.ms ({max_poll} ms), which typically implies that the poll loop is spending too much time processing messages."
                ),
            });
            let static_member = g.instance_id.is_some();
            g.left_for_poll_timeout = true;
            if static_member {
                // A static member stops heartbeating; the coordinator removes it after
                // session.timeout.ms (`GroupCoordinator`).
                g.state = MemberState::Unjoined;
                g.rejoin_needed = false;
            } else {
                let reason = "consumer poll timeout has expired".to_string();
                self.leave_group(now, &reason, out);
                self.revoke_all(now, out);
            }
            return;
        }
        let Some(g) = &mut self.group else { return };
        if g.left_for_poll_timeout {
            return;
        }
        // Find the coordinator.
        if g.coordinator.is_none() {
            self.find_group_coordinator(now, out);
            return;
        }
        let coordinator = g.coordinator.expect("known");
        // Heartbeats while a member.
        if matches!(g.state, MemberState::Stable | MemberState::Syncing | MemberState::Assigning)
            && g.heartbeat_inflight.is_none()
            && now >= g.next_heartbeat
            && !g.member_id.is_empty()
        {
            let corr = self.corr.next_id();
            g.heartbeat_inflight = Some(corr);
            g.next_heartbeat = now.plus_ms(heartbeat);
            out.request(
                NodeAddr::Broker(coordinator),
                corr,
                Request::Heartbeat {
                    group: g.group_id.clone(),
                    generation: g.generation,
                    member_id: g.member_id.clone(),
                    instance_id: g.instance_id.clone(),
                },
            );
            out.timer(now.plus_ms(self.cfg.request_timeout_ms), ClientTimer::RequestTimeout(corr));
        }
        // (Re)join when needed — from the application's poll().
        if g.rejoin_needed && app_polling && matches!(g.state, MemberState::Stable | MemberState::Unjoined) {
            if subscribed.is_empty() {
                if matches!(self.subscription, Subscription::Topics(_)) {
                    // Waiting for metadata of the subscribed topics.
                }
                return;
            }
            // ConsumerCoordinator.onJoinPrepare: after the auto-commit, a member whose
            // generation or member id was reset has lost all its partitions, an eager member
            // revokes them all, a cooperative one only those of topics it no longer subscribes
            // to. What it still owns goes into its subscription.
            let lost = g.generation < 0 || g.member_id.is_empty();
            let eager = !self.uses_cooperative();
            let auto_commit = self.cfg.enable_auto_commit && self.app.commit == CommitMode::Auto;
            if (eager || lost) && !owned.is_empty() {
                if auto_commit {
                    let offsets = self.all_consumed();
                    self.commit(now, offsets, out);
                }
                self.revoke_all(now, out);
            } else if !eager {
                let revoked: Vec<TopicPartition> =
                    owned.iter().filter(|tp| !subscribed.contains(&tp.topic)).cloned().collect();
                if !revoked.is_empty() {
                    self.revoke(now, &revoked, auto_commit, out);
                    self.fetch_inflight.clear();
                }
            }
            let Some(g) = &mut self.group else { return };
            g.rejoin_needed = false;
            g.state = MemberState::Joining;
            g.rebalances += 1;
            let corr = self.corr.next_id();
            g.join_inflight = Some(corr);
            // ConsumerCoordinator.metadata(): one subscription per assignor, each with that
            // assignor's user data; the owned partitions in SubscriptionState order (sorted).
            let owned_now: Vec<TopicPartition> = self.assignment.keys().cloned().collect();
            let protocols = self
                .cfg
                .assignors
                .iter()
                .map(|a| {
                    let sub = Rc::new(GroupSubscription {
                        topics: subscribed.clone(),
                        owned: owned_now.clone(),
                        generation: g.generation,
                        rack: self.cfg.client_rack.clone(),
                        user_data: self.assignors.subscription_user_data(a),
                    });
                    (a.clone(), sub)
                })
                .collect();
            out.request(
                NodeAddr::Broker(coordinator),
                corr,
                Request::JoinGroup {
                    client_id,
                    group: g.group_id.clone(),
                    session_timeout_ms: session,
                    rebalance_timeout_ms: rebalance_timeout,
                    member_id: g.member_id.clone(),
                    instance_id: g.instance_id.clone(),
                    protocol_type: "consumer".into(),
                    protocols,
                    reason: Some(g.rejoin_reason.clone()),
                },
            );
            // JoinGroup can wait up to the rebalance timeout on the coordinator.
            out.timer(now.plus_ms(rebalance_timeout + 5000), ClientTimer::RequestTimeout(corr));
        }
        // The leader computes the assignment once it has the metadata it needs.
        if let Some(g) = &self.group {
            if g.state == MemberState::Assigning {
                self.try_assign(now, out);
            }
        }
    }

    fn uses_cooperative(&self) -> bool {
        let chosen = self.group.as_ref().and_then(|g| g.protocol.clone());
        match chosen {
            Some(p) => p == "cooperative-sticky",
            None => {
                self.cfg.assignors.first().map(|a| a == "cooperative-sticky").unwrap_or(false)
                    && self.cfg.assignors.iter().all(|a| a == "cooperative-sticky")
            }
        }
    }

    /// Eager revocation: the application loses every partition (and what it buffered).
    fn revoke_all(&mut self, _now: SimTime, _out: &mut ClientOut) {
        self.assignment.clear();
        self.fetch_inflight.clear();
    }

    /// `AbstractCoordinator.JoinGroupResponseHandler.handle`: `join` is a `Response::JoinGroup`.
    fn on_join_response(&mut self, now: SimTime, corr: u64, join: Response, out: &mut ClientOut) {
        let Response::JoinGroup { error, generation, protocol, leader, member_id, members } = join else {
            return;
        };
        let Some(g) = &mut self.group else { return };
        if g.join_inflight != Some(corr) {
            return;
        }
        g.join_inflight = None;
        match error {
            None => {}
            Some(KafkaError::MEMBER_ID_REQUIRED) => {
                g.member_id = member_id;
                g.state = MemberState::Unjoined;
                g.rejoin_needed = true;
                return;
            }
            Some(KafkaError::UNKNOWN_MEMBER_ID) => {
                g.member_id.clear();
                g.state = MemberState::Unjoined;
                g.rejoin_needed = true;
                return;
            }
            Some(
                KafkaError::FENCED_INSTANCE_ID
                | KafkaError::INCONSISTENT_GROUP_PROTOCOL
                | KafkaError::INVALID_SESSION_TIMEOUT,
            ) => {
                let e = error.expect("error");
                self.errors.push_back(ApiError::new(e));
                g.state = MemberState::Unjoined;
                if e != KafkaError::FENCED_INSTANCE_ID {
                    // AbstractCoordinator.JoinGroupResponseHandler: a fatal JoinGroup error is
                    // logged at ERROR (the fenced instance id only at INFO).
                    self.meta.log(
                        now,
                        "ERROR",
                        "org.apache.kafka.clients.consumer.internals.ConsumerCoordinator",
                        format!("JoinGroup failed due to fatal error: {}", e.message()),
                    );
                }
                out.trace(TraceKind::ClientError {
                    client: self.client_id.clone(),
                    api: "JoinGroup".into(),
                    error: e,
                    detail: e.message().into(),
                });
                return;
            }
            Some(e) => {
                if matches!(
                    e,
                    KafkaError::NOT_COORDINATOR
                        | KafkaError::COORDINATOR_NOT_AVAILABLE
                        | KafkaError::COORDINATOR_LOAD_IN_PROGRESS
                ) {
                    g.coordinator = None;
                }
                g.state = MemberState::Unjoined;
                g.rejoin_needed = true;
                return;
            }
        }
        g.member_id = member_id;
        g.generation = generation;
        g.protocol = Some(protocol);
        g.leader = Some(leader.clone());
        g.next_heartbeat = now.plus_ms(self.cfg.heartbeat_interval_ms);
        if leader == g.member_id {
            g.join_members = members;
            g.state = MemberState::Assigning;
            for m in &g.join_members {
                for t in &m.subscription.topics {
                    self.meta.want(t);
                }
            }
            self.try_assign(now, out);
        } else {
            g.state = MemberState::Syncing;
            self.send_sync(now, vec![], out);
        }
    }

    /// The leader's client-side assignment (`ConsumerPartitionAssignor`).
    fn try_assign(&mut self, now: SimTime, out: &mut ClientOut) {
        let Some(g) = &self.group else { return };
        let mut partitions: BTreeMap<String, i32> = BTreeMap::new();
        for m in &g.join_members {
            for t in &m.subscription.topics {
                match self.meta.partition_count(t) {
                    Some(n) => {
                        partitions.insert(t.clone(), n);
                    }
                    None => {
                        if self.meta.last_update.is_none() || self.meta.need_update || self.meta.inflight.is_some() {
                            return; // wait for metadata
                        }
                    }
                }
            }
        }
        let members: Vec<assignor::Member> = g
            .join_members
            .iter()
            .map(|m| assignor::Member {
                member_id: m.member_id.clone(),
                group_instance_id: m.instance_id.clone(),
                topics: m.subscription.topics.clone(),
                owned: m.subscription.owned.clone(),
                generation: m.subscription.generation,
                user_data: m.subscription.user_data.clone(),
            })
            .collect();
        let protocol = g.protocol.clone().unwrap_or_default();
        let assignment = self.assignors.assign(&protocol, &members, &partitions);
        let list: Vec<(String, Vec<TopicPartition>)> = members
            .iter()
            .map(|m| (m.member_id.clone(), assignment.get(&m.member_id).cloned().unwrap_or_default()))
            .collect();
        if let Some(g) = &mut self.group {
            g.state = MemberState::Syncing;
        }
        self.send_sync(now, list, out);
    }

    fn send_sync(&mut self, now: SimTime, assignments: Vec<(String, Vec<TopicPartition>)>, out: &mut ClientOut) {
        let Some(g) = &mut self.group else { return };
        let Some(c) = g.coordinator else {
            g.state = MemberState::Unjoined;
            g.rejoin_needed = true;
            return;
        };
        let corr = self.corr.next_id();
        g.sync_inflight = Some(corr);
        out.request(
            NodeAddr::Broker(c),
            corr,
            Request::SyncGroup {
                group: g.group_id.clone(),
                generation: g.generation,
                member_id: g.member_id.clone(),
                instance_id: g.instance_id.clone(),
                assignments,
            },
        );
        out.timer(now.plus_ms(self.cfg.max_poll_interval_ms + 5000), ClientTimer::RequestTimeout(corr));
    }

    fn on_sync_response(
        &mut self,
        now: SimTime,
        corr: u64,
        error: Option<KafkaError>,
        _protocol: String,
        assignment: Vec<TopicPartition>,
        out: &mut ClientOut,
    ) {
        let cooperative = self.uses_cooperative();
        let auto_commit = self.cfg.enable_auto_commit && self.app.commit == CommitMode::Auto;
        let Some(g) = &mut self.group else { return };
        if g.sync_inflight != Some(corr) {
            return;
        }
        g.sync_inflight = None;
        if let Some(e) = error {
            match e {
                KafkaError::UNKNOWN_MEMBER_ID => g.member_id.clear(),
                KafkaError::ILLEGAL_GENERATION => g.generation = -1,
                KafkaError::NOT_COORDINATOR | KafkaError::COORDINATOR_NOT_AVAILABLE => g.coordinator = None,
                _ => {}
            }
            g.state = MemberState::Unjoined;
            g.rejoin_needed = true;
            g.rejoin_reason = format!("SyncGroup failed with {}", e.name());
            return;
        }
        g.state = MemberState::Stable;
        g.next_heartbeat = now.plus_ms(self.cfg.heartbeat_interval_ms);
        g.next_auto_commit = now.plus_ms(self.cfg.auto_commit_interval_ms);
        // ConsumerCoordinator.onJoinComplete → the chosen assignor's onAssignment.
        let chosen = g.protocol.clone().unwrap_or_default();
        let generation = g.generation;
        self.assignors.on_assignment(&chosen, &assignment, generation);
        let new: BTreeSet<TopicPartition> = assignment.iter().cloned().collect_set();
        let old: BTreeSet<TopicPartition> = self.assignment.keys().cloned().collect_set();
        let revoked: Vec<TopicPartition> = old.difference(&new).cloned().collect();
        if cooperative && !revoked.is_empty() {
            // Cooperative: commit and give up only what moves, then rejoin so the new owner
            // gets it in a follow-up rebalance (`StickyAssignor`).
            self.revoke(now, &revoked, auto_commit, out);
            if let Some(g) = &mut self.group {
                g.rejoin_needed = true;
                g.rejoin_reason = "partitions were revoked (cooperative follow-up rebalance)".into();
            }
        } else {
            for tp in &revoked {
                self.assignment.remove(tp);
            }
        }
        for tp in new {
            self.assignment.entry(tp).or_insert_with(PartitionState::new);
        }
        self.fetch_inflight.clear();
    }

    /// Whether `close()` has finished its work: the final commit and the LeaveGroup were
    /// answered (or failed). `KafkaConsumer.close()` returns only then (or at its timeout).
    pub(crate) fn close_completed(&self) -> bool {
        if self.share.is_some() {
            return self.share_close_completed();
        }
        self.closed
            && self.group.as_ref().map(|g| g.commit_inflight.is_empty() && g.leave_inflight.is_none()).unwrap_or(true)
    }

    /// Lag per assigned partition as the consumer sees it (`records-lag`, `KafkaConsumer`).
    pub(crate) fn lag(&self) -> BTreeMap<TopicPartition, Option<i64>> {
        self.assignment.iter().map(|(tp, p)| (tp.clone(), p.lag(self.cfg.read_committed))).collect_map()
    }
}

/// The logger of `FetchCollector` (the consumer's fetch error handling).
pub(crate) const FETCH_COLLECTOR: &str = "org.apache.kafka.clients.consumer.internals.FetchCollector";
