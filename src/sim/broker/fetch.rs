//! Fetch: the leader serving followers and consumers, long polling (the delayed-fetch
//! purgatory), and the follower's replica fetcher.
//!
//! A follower reads up to the leader's LEO; a read_uncommitted consumer up to the HW; a
//! read_committed consumer up to the LSO. A follower sends the epoch of its last batch; when
//! the leader's log disagrees it answers with the diverging epoch (KIP-320) and the follower
//! truncates by the leader-epoch rules before fetching again.

use super::replica::Role;
use super::*;
use crate::sim::epoch_cache::truncation_decision;
use crate::sim::protocol::{FetchPartition, FetchedPartition, Isolation};
use crate::sim::remote::RemoteStore;

/// A fetch parked until data arrives or `max.wait.ms` passes.
#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub(crate) struct DelayedFetch {
    pub from: NodeAddr,
    pub(crate) corr: u64,
    pub(crate) replica: i32,
    pub isolation: Isolation,
    pub(crate) max_bytes: i32,
    pub partitions: Vec<FetchPartition>,
    pub(crate) deadline: SimTime,
    /// `fetch.min.bytes` / `replica.fetch.min.bytes`: the bytes that complete it early
    /// (`DelayedFetch.tryComplete`).
    #[serde(default = "one_byte")]
    pub(crate) min_bytes: i32,
    /// The consumer's `client.rack` (KIP-392), for the read when it completes.
    #[serde(default)]
    pub(crate) rack_id: String,
    /// When it was parked (the page shows how long a long poll has waited).
    #[serde(default)]
    pub(crate) since: SimTime,
    /// It reads from the remote store (tiered storage, `DelayedRemoteFetch`): answered when the
    /// remote read is done ([`crate::sim::remote::REMOTE_READ_LATENCY_MS`]), not before.
    #[serde(default)]
    pub(crate) remote: bool,
}

fn one_byte() -> i32 {
    1
}

/// What one read of a fetch found (`ReplicaManager.readFromLog`'s results as
/// `fetchMessages` weighs them).
pub(crate) struct FetchRead {
    pub(crate) response: Response,
    /// Bytes of records readable (`bytesReadable`).
    pub(crate) bytes: i64,
    /// An error, a diverging epoch or a preferred read replica: answered at once whatever
    /// `fetch.min.bytes` says (`errorReadingData || hasDivergingEpoch || hasPreferredReadReplica`).
    pub(crate) urgent: bool,
    /// Partitions read from the remote store (tiered storage): the offset and whether the
    /// read worked.
    pub(crate) remote_reads: Vec<(TopicPartition, Offset, bool)>,
}

/// One replica as a `ReplicaSelector` sees it (`ReplicaView`): its broker, rack, log end
/// offset and the time since it was last caught up.
struct ReplicaView {
    id: BrokerId,
    rack: Option<String>,
    log_end_offset: Offset,
    since_caught_up_ms: i64,
}

/// `RackAwareReplicaSelector.select` (KIP-392): with a `client.rack`, the leader when it is in
/// that rack (or no replica is), else the best replica of that rack by
/// `ReplicaView.comparator()` — highest log end offset, then most recently caught up, then
/// highest broker id. Without a rack, the leader.
fn rack_aware_select(client_rack: &str, leader: &ReplicaView, candidates: &[ReplicaView]) -> BrokerId {
    if client_rack.is_empty() {
        return leader.id;
    }
    let same: Vec<&ReplicaView> = candidates.iter().filter(|r| r.rack.as_deref() == Some(client_rack)).collect();
    if same.is_empty() || same.iter().any(|r| r.id == leader.id) {
        return leader.id;
    }
    same.iter()
        .max_by(|a, b| {
            a.log_end_offset
                .cmp(&b.log_end_offset)
                .then(b.since_caught_up_ms.cmp(&a.since_caught_up_ms))
                .then(a.id.cmp(&b.id))
        })
        .map(|r| r.id)
        .unwrap_or(leader.id)
}

/// A follower's fetcher towards one leader (one per leader, like `num.replica.fetchers=1`).
#[derive(Clone, Debug, Default, Serialize, Deserialize, Codec)]
pub(crate) struct Fetcher {
    pub partitions: Vec<TopicPartition>,
    pub(crate) inflight: Option<u64>,
    pub(crate) backoff_until: SimTime,
    pub(crate) sent_at: SimTime,
}

impl BrokerProc {
    /// Reads every partition of a fetch (`ReplicaManager.readFromLog`); `at` is the
    /// consumer's rack as the replica selector sees it and the time.
    pub(crate) fn read_fetch(
        &self,
        replica: i32,
        isolation: Isolation,
        max_bytes: i32,
        partitions: &[FetchPartition],
        at: (Option<&str>, i64),
        stores: (&BrokerDisk, &RemoteStore),
    ) -> FetchRead {
        let mut out = Vec::with_capacity(partitions.len());
        let mut urgent = false;
        let mut readable = 0i64;
        let mut budget = i64::from(max_bytes.max(1));
        let mut remote_reads = Vec::new();
        for fp in partitions {
            let (p, remote) = self.read_partition(replica, isolation, budget, fp, at, stores);
            if let Some((offset, ok)) = remote {
                remote_reads.push((fp.tp.clone(), offset, ok));
            }
            let bytes: i64 = p.batches.iter().map(|b| i64::from(b.size_bytes)).sum();
            budget = (budget - bytes).max(1);
            readable += bytes;
            if p.error.is_some() || p.diverging_epoch.is_some() || p.preferred_read_replica >= 0 {
                urgent = true;
            }
            out.push(p);
        }
        FetchRead { response: Response::Fetch { error: None, partitions: out }, bytes: readable, urgent, remote_reads }
    }

    /// `ReplicaManager.findPreferredReadReplica`: only a leader, only for a consumer, only with
    /// a `replica.selector.class` (`selector_rack` is the consumer's rack then, else None). The candidates are the leader and every follower in the ISR
    /// whose log holds `fetch_offset` as the leader last saw it; a choice other than the leader
    /// is returned.
    fn preferred_read_replica(
        &self,
        r: &super::replica::ReplicaState,
        fetch_offset: Offset,
        selector_rack: Option<&str>,
        leader_leo: Offset,
        now_ms: i64,
    ) -> Option<BrokerId> {
        let rack_id = selector_rack?;
        let Role::Leader { followers } = &r.role else { return None };
        let rack = |b: BrokerId| self.image.brokers.get(&b).and_then(|x| x.endpoint.rack.clone());
        let leader =
            ReplicaView { id: self.id, rack: rack(self.id), log_end_offset: leader_leo, since_caught_up_ms: 0 };
        let mut candidates: Vec<ReplicaView> = followers
            .iter()
            .filter(|(b, f)| {
                r.isr.contains(b) && f.log_end_offset >= fetch_offset && f.log_start_offset <= fetch_offset
            })
            .map(|(b, f)| ReplicaView {
                id: *b,
                rack: rack(*b),
                log_end_offset: f.log_end_offset,
                since_caught_up_ms: now_ms - f.last_caught_up_ms,
            })
            .collect();
        candidates.push(ReplicaView {
            id: leader.id,
            rack: leader.rack.clone(),
            log_end_offset: leader_leo,
            since_caught_up_ms: 0,
        });
        let chosen = rack_aware_select(rack_id, &leader, &candidates);
        (chosen != self.id && self.image.brokers.contains_key(&chosen)).then_some(chosen)
    }

    fn read_partition(
        &self,
        replica: i32,
        isolation: Isolation,
        max_bytes: i64,
        fp: &FetchPartition,
        at: (Option<&str>, i64),
        stores: (&BrokerDisk, &RemoteStore),
    ) -> (FetchedPartition, Option<(Offset, bool)>) {
        let (disk, remote) = stores;
        let (selector_rack, now_ms) = at;
        let tp = &fp.tp;
        let empty = |error: Option<KafkaError>, epoch: Epoch| (FetchedPartition::empty(tp.clone(), error, epoch), None);
        let Some(r) = self.replicas.get(tp) else {
            let known = self.image.partition(&tp.topic, tp.partition).is_some();
            return empty(
                Some(if known { KafkaError::NOT_LEADER_OR_FOLLOWER } else { KafkaError::UNKNOWN_TOPIC_OR_PARTITION }),
                -1,
            );
        };
        // A follower fetches only from the leader; a consumer (which sends its client
        // metadata, Fetch v11+) may read from a follower too (`FetchParams.fetchOnlyLeader`).
        if !r.is_leader() && replica >= 0 {
            return empty(Some(KafkaError::NOT_LEADER_OR_FOLLOWER), r.leader_epoch);
        }
        if !r.is_leader() && matches!(r.role, Role::Follower { leader: -1 }) {
            return empty(Some(KafkaError::NOT_LEADER_OR_FOLLOWER), r.leader_epoch);
        }
        if fp.current_leader_epoch >= 0 && fp.current_leader_epoch < r.leader_epoch {
            return empty(Some(KafkaError::FENCED_LEADER_EPOCH), r.leader_epoch);
        }
        if fp.current_leader_epoch > r.leader_epoch {
            return empty(Some(KafkaError::UNKNOWN_LEADER_EPOCH), r.leader_epoch);
        }
        let Some(log) = disk.logs.get(tp) else {
            return empty(Some(KafkaError::NOT_LEADER_OR_FOLLOWER), r.leader_epoch);
        };
        // Tiered storage: a consumer is told the log start of the whole log, remote segments
        // included (`UnifiedLog.logStartOffset`); a follower the local one, where it must
        // start (Kafka answers it OFFSET_MOVED_TO_TIERED_STORAGE and it asks the leader for its
        // earliest local offset; Brokerlab's follower starts there at once).
        let remote_start = remote.start_offset(tp).filter(|s| *s < log.log_start_offset);
        let mut p = FetchedPartition {
            tp: tp.clone(),
            error: None,
            high_watermark: log.high_watermark,
            last_stable_offset: log.last_stable_offset(),
            log_start_offset: match remote_start {
                Some(s) if replica < 0 => s,
                _ => log.log_start_offset,
            },
            diverging_epoch: None,
            aborted: vec![],
            batches: vec![],
            leader_epoch: r.leader_epoch,
            preferred_read_replica: -1,
        };
        if replica < 0 && r.is_leader() {
            if let Some(b) = self.preferred_read_replica(r, fp.fetch_offset, selector_rack, log.log_end_offset, now_ms)
            {
                // No records: the consumer is to fetch from `b` (`ReplicaManager.readFromLog`).
                p.preferred_read_replica = b;
                return (p, None);
            }
        }
        if replica >= 0 && fp.last_fetched_epoch >= 0 && fp.fetch_offset > 0 {
            let (e, end) = log.end_offset_for(fp.last_fetched_epoch);
            if e < fp.last_fetched_epoch || end < fp.fetch_offset {
                p.diverging_epoch = Some((e, end));
                return (p, None);
            }
        }
        let limit = if replica >= 0 {
            log.log_end_offset
        } else {
            match isolation {
                Isolation::ReadUncommitted => log.high_watermark,
                Isolation::ReadCommitted => log.last_stable_offset(),
            }
        };
        let from_remote =
            replica < 0 && remote_start.is_some_and(|s| s <= fp.fetch_offset && fp.fetch_offset < log.log_start_offset);
        let mut remote_read = None;
        let read = if from_remote {
            // Below the local log start: the remote store has it (`ReplicaManager.readFromLog`
            // → OffsetMovedToTieredStorageException → `RemoteStorageFetchInfo`, read by
            // `RemoteLogReader`).
            let r = remote.read(tp, fp.fetch_offset, limit, max_bytes);
            remote_read = Some((fp.fetch_offset, r.is_ok()));
            r
        } else {
            log.read(fp.fetch_offset, limit, max_bytes)
        };
        match read {
            Ok(b) => p.batches = b,
            Err(e) => p.error = Some(e),
        }
        if replica < 0 && isolation == Isolation::ReadCommitted {
            if let Some(last) = p.batches.last() {
                p.aborted = log.aborted_in(fp.fetch_offset, last.next_offset());
            }
        }
        (p, remote_read)
    }

    pub(crate) fn stop_fetching(&mut self, tp: &TopicPartition) {
        for f in self.fetchers.values_mut() {
            f.partitions.retain(|t| t != tp);
        }
        self.fetchers.retain(|_, f| !f.partitions.is_empty() || f.inflight.is_some());
    }
}

impl BrokerStep<'_> {
    /// The consumer's rack as the replica selector sees it: None without a
    /// `replica.selector.class` (Kafka's default), so a leader never redirects.
    fn selector_rack<'a>(&self, rack_id: &'a str) -> Option<&'a str> {
        self.env.settings.rack_aware_replica_selector.then_some(rack_id)
    }

    /// `ReplicaManager.fetchMessages`: answers at once when `fetch.max.wait.ms` is 0, when at
    /// least `fetch.min.bytes` are readable, or on an error, a diverging epoch or a preferred
    /// read replica; otherwise parks the fetch (`DelayedFetch`) until enough bytes arrive or
    /// `max_wait_ms` passes — the consumer's long poll.
    pub(crate) fn handle_fetch(&mut self, reply: ReplyTo, req: Request) {
        let Request::Fetch { replica, max_wait_ms, min_bytes, max_bytes, isolation, partitions, rack_id } = req else {
            return;
        };
        let now_ms = self.env.wall_ms(self.now);
        // Followers report their position first: the leader updates its view of them.
        if replica >= 0 {
            for fp in &partitions {
                let tp = &fp.tp;
                let Some(r) = self.proc.replicas.get_mut(tp) else { continue };
                if r.leader_epoch != fp.current_leader_epoch {
                    continue;
                }
                let Some(log) = self.disk.logs.get(tp) else { continue };
                if fp.last_fetched_epoch >= 0 && fp.fetch_offset > 0 {
                    let (e, end) = log.end_offset_for(fp.last_fetched_epoch);
                    if e < fp.last_fetched_epoch || end < fp.fetch_offset {
                        continue;
                    }
                }
                let leo = log.log_end_offset;
                if let Role::Leader { followers } = &mut r.role {
                    if let Some(f) = followers.get_mut(&replica) {
                        f.update_fetch_state(fp.fetch_offset.min(leo), fp.log_start_offset, leo, now_ms);
                    }
                }
                self.maybe_expand_isr(tp, replica);
                self.maybe_increment_hw(tp);
            }
        }
        let selector_rack = self.selector_rack(&rack_id);
        // KafkaApis.handleFetchRequest: a consumer needs READ on each topic; the partitions it
        // may not read are answered TOPIC_AUTHORIZATION_FAILED (Brokerlab answers such a fetch
        // at once, with what the others have now). Followers fetch as the inter-broker login, a
        // super user (CLUSTER_ACTION).
        if replica < 0 && self.env.authorizer().is_some() {
            let refused: Vec<TopicPartition> = partitions
                .iter()
                .filter(|fp| {
                    !self.allowed(
                        reply.to,
                        crate::sim::acl::AclOperation::Read,
                        crate::sim::acl::ResourceType::Topic,
                        &fp.tp.topic,
                    )
                })
                .map(|fp| fp.tp.clone())
                .collect();
            if !refused.is_empty() {
                let allowed: Vec<FetchPartition> =
                    partitions.into_iter().filter(|fp| !refused.contains(&fp.tp)).collect();
                let read = self.proc.read_fetch(
                    replica,
                    isolation,
                    max_bytes,
                    &allowed,
                    (selector_rack, now_ms),
                    (&*self.disk, &self.env.remote),
                );
                let mut resp = read.response;
                if let Response::Fetch { partitions: answered, .. } = &mut resp {
                    answered.extend(
                        refused
                            .into_iter()
                            .map(|tp| FetchedPartition::empty(tp, Some(KafkaError::TOPIC_AUTHORIZATION_FAILED), -1)),
                    );
                }
                self.out.reply(reply, resp);
                return;
            }
        }
        let read = self.proc.read_fetch(
            replica,
            isolation,
            max_bytes,
            &partitions,
            (selector_rack, now_ms),
            (&*self.disk, &self.env.remote),
        );
        let remote = !read.remote_reads.is_empty();
        if !remote && (max_wait_ms <= 0 || partitions.is_empty() || read.bytes >= i64::from(min_bytes) || read.urgent) {
            self.out.reply(reply, read.response);
            return;
        }
        let id = self.proc.next_delayed;
        self.proc.next_delayed += 1;
        // A remote read answers when it is done (`DelayedRemoteFetch`), whatever
        // `fetch.max.wait.ms` says.
        let deadline = self.now.plus_ms(if remote { crate::sim::remote::REMOTE_READ_LATENCY_MS } else { max_wait_ms });
        self.proc.delayed_fetch.insert(
            id,
            DelayedFetch {
                from: reply.to,
                corr: reply.corr,
                replica,
                isolation,
                max_bytes,
                partitions,
                deadline,
                min_bytes,
                rack_id,
                since: self.now,
                remote,
            },
        );
        self.out.timer(deadline, BrokerTimer::DelayedFetch(id));
    }

    /// Answers parked fetches that now have `min_bytes` to return, or an error or a divergence
    /// (`DelayedFetch.tryComplete`; a preferred replica alone does not complete one).
    pub(crate) fn try_complete_delayed_fetches(&mut self) {
        self.try_complete_delayed_share_fetches();
        self.try_complete_delayed_record_fetches();
    }

    /// The Fetch half of [`Self::try_complete_delayed_fetches`] (share fetches aside).
    fn try_complete_delayed_record_fetches(&mut self) {
        if self.proc.delayed_fetch.is_empty() {
            return;
        }
        let now_ms = self.env.wall_ms(self.now);
        let mut done = Vec::new();
        for (id, d) in &self.proc.delayed_fetch {
            if d.remote {
                continue;
            }
            let read = self.proc.read_fetch(
                d.replica,
                d.isolation,
                d.max_bytes,
                &d.partitions,
                (None, now_ms),
                (&*self.disk, &self.env.remote),
            );
            let Response::Fetch { partitions, .. } = &read.response else { continue };
            let broken = partitions.iter().any(|p| p.error.is_some() || p.diverging_epoch.is_some());
            if read.bytes >= i64::from(d.min_bytes) || broken {
                done.push(*id);
            }
        }
        for id in done {
            let d = self.proc.delayed_fetch.remove(&id).expect("present");
            self.complete_delayed_fetch(d, now_ms);
        }
    }

    /// `DelayedFetch.onComplete`: reads again, this time with the replica selector.
    fn complete_delayed_fetch(&mut self, d: DelayedFetch, now_ms: i64) {
        let selector_rack = self.selector_rack(&d.rack_id);
        let read = self.proc.read_fetch(
            d.replica,
            d.isolation,
            d.max_bytes,
            &d.partitions,
            (selector_rack, now_ms),
            (&*self.disk, &self.env.remote),
        );
        for (tp, offset, ok) in read.remote_reads {
            self.out.trace(TraceKind::RemoteRead { tp, broker: self.proc.id, offset, ok });
        }
        self.out.respond(d.from, d.corr, read.response);
    }

    pub(crate) fn expire_delayed_fetch(&mut self, id: u64) {
        let Some(d) = self.proc.delayed_fetch.get(&id) else { return };
        if d.deadline > self.now {
            return;
        }
        let d = self.proc.delayed_fetch.remove(&id).expect("present");
        let now_ms = self.env.wall_ms(self.now);
        self.complete_delayed_fetch(d, now_ms);
    }

    // ---------------- the follower side ----------------

    pub(crate) fn start_fetching(&mut self, tp: &TopicPartition, leader: BrokerId) {
        let f = self.proc.fetchers.entry(leader).or_default();
        if !f.partitions.contains(tp) {
            f.partitions.push(tp.clone());
        }
        self.maybe_send_replica_fetch(leader);
    }

    pub(crate) fn maybe_send_replica_fetch(&mut self, leader: BrokerId) {
        let Some(f) = self.proc.fetchers.get(&leader) else { return };
        if f.inflight.is_some() || f.partitions.is_empty() {
            return;
        }
        if self.now < f.backoff_until {
            self.out.timer(f.backoff_until, BrokerTimer::FetcherWake(leader));
            return;
        }
        let mut parts = Vec::new();
        for tp in &f.partitions {
            let (Some(r), Some(log)) = (self.proc.replicas.get(tp), self.disk.logs.get(tp)) else { continue };
            if !matches!(r.role, Role::Follower { leader: l } if l == leader) {
                continue;
            }
            parts.push(FetchPartition {
                tp: tp.clone(),
                fetch_offset: log.log_end_offset,
                current_leader_epoch: r.leader_epoch,
                last_fetched_epoch: log.last_epoch(),
                log_start_offset: log.log_start_offset,
            });
        }
        if parts.is_empty() {
            return;
        }
        let corr = self.proc.corr.next_id();
        let f = self.proc.fetchers.get_mut(&leader).expect("fetcher");
        f.inflight = Some(corr);
        f.sent_at = self.now;
        self.out.request(
            NodeAddr::Broker(leader),
            corr,
            Request::Fetch {
                replica: self.proc.id,
                max_wait_ms: self.env.settings.replica_fetch_wait_max_ms,
                min_bytes: 1,
                max_bytes: 10 * 1024 * 1024,
                isolation: Isolation::ReadUncommitted,
                partitions: parts,
                rack_id: String::new(),
            },
        );
        self.out.timer(
            self.now.plus_ms(self.env.settings.replica_fetch_wait_max_ms + 30_000),
            BrokerTimer::ReplicaRequestTimeout(corr),
        );
    }

    pub(crate) fn on_replica_fetch_timeout(&mut self, corr: u64) {
        let Some((leader, f)) = self.proc.fetchers.iter_mut().find(|(_, f)| f.inflight == Some(corr)) else { return };
        f.inflight = None;
        f.backoff_until = self.now.plus_ms(self.env.settings.replica_fetch_backoff_ms);
        self.out.timer(f.backoff_until, BrokerTimer::FetcherWake(*leader));
    }

    pub(crate) fn on_replica_fetch_response(
        &mut self,
        leader: BrokerId,
        corr: u64,
        error: Option<KafkaError>,
        partitions: Vec<FetchedPartition>,
    ) {
        let Some(f) = self.proc.fetchers.get_mut(&leader) else { return };
        if f.inflight != Some(corr) {
            return;
        }
        f.inflight = None;
        let now_ms = self.env.wall_ms(self.now);
        let mut backoff = error.is_some();
        for p in partitions {
            let tp = p.tp.clone();
            let Some(r) = self.proc.replicas.get(&tp) else { continue };
            if !matches!(r.role, Role::Follower { leader: l } if l == leader) {
                continue;
            }
            let cfg = self.proc.config(&tp.topic);
            let Some(log) = self.disk.logs.get_mut(&tp) else { continue };
            self.out.touch(&tp);
            if let Some(e) = p.error {
                if e == KafkaError::OFFSET_OUT_OF_RANGE && p.log_start_offset > log.log_end_offset {
                    let removed = log.truncate_fully_and_start_at(p.log_start_offset, now_ms);
                    self.out.trace(TraceKind::Truncated {
                        tp,
                        broker: self.proc.id,
                        from: p.log_start_offset,
                        to: p.log_start_offset,
                        removed,
                    });
                } else {
                    backoff = true;
                }
                continue;
            }
            if let Some(div) = p.diverging_epoch {
                // Truncate by the leader-epoch rules (`LeaderEpochFileCache`), then fetch again.
                let leo = log.log_end_offset;
                let decision = truncation_decision(div, &log.epochs, leo, log.high_watermark);
                let to = decision.offset.clamp(log.log_start_offset, leo);
                // Always truncate (`ReplicaFetcherThread.truncate` → `UnifiedLog.truncateTo`),
                // even at the LEO: that still drops epoch entries past the last record.
                let removed = log.truncate_to(to);
                if to < leo {
                    self.out.trace(TraceKind::Truncated { tp, broker: self.proc.id, from: leo, to, removed });
                }
                continue;
            }
            for b in p.batches {
                let b = if b.base_offset < log.log_end_offset {
                    match b.suffix_from(log.log_end_offset) {
                        Some(s) => Rc::new(s),
                        None => continue,
                    }
                } else {
                    b
                };
                if !log.append_as_follower(b, now_ms, &cfg) {
                    break;
                }
            }
            let old_hw = log.high_watermark;
            let new_hw = p.high_watermark.min(log.log_end_offset);
            if new_hw != old_hw {
                log.update_high_watermark(new_hw);
                if log.high_watermark != old_hw {
                    self.out.trace(TraceKind::HighWatermark { tp, broker: self.proc.id, hw: log.high_watermark });
                }
            }
        }
        // Consumers reading from this follower (KIP-392) wait for its high watermark
        // (`ReplicaFetcherThread` completes delayed fetches of partitions whose HW moved).
        self.try_complete_delayed_record_fetches();
        let delay = if backoff { self.env.settings.replica_fetch_backoff_ms } else { self.proc.fetch_delay_ms };
        if delay > 0 {
            let at = self.now.plus_ms(delay);
            if let Some(f) = self.proc.fetchers.get_mut(&leader) {
                f.backoff_until = at;
            }
            self.out.timer(at, BrokerTimer::FetcherWake(leader));
        } else {
            self.maybe_send_replica_fetch(leader);
        }
    }
}
