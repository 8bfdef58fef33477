//! KRaft: the Raft quorum that replicates `__cluster_metadata` (KIP-595).
//!
//! Followers and observers pull the log with Fetch (long-polling); the leader's high watermark
//! is the largest offset a majority of voters has, once an entry of its own epoch is there
//! (the LeaderChange record it writes on election). A voter that hears nothing from the leader
//! for `controller.quorum.fetch.timeout.ms` starts an election; a leader that no majority has
//! fetched from for 1.5× that long resigns (check-quorum).

use super::*;
use crate::sim::errors::KafkaError;
use crate::sim::protocol::{QuorumInfo, ReplicaProgress};

impl ControllerProc {
    /// `DescribeQuorum`: the leader's view of every replica of the metadata log. The leader's
    /// own row says "now" for both timestamps (`RaftUtil.toReplicaState`: the replica whose id
    /// is the leader's gets `currentTimeMs` as its last fetch and last caught-up time).
    pub(crate) fn quorum_info(&self, now: SimTime, disk: &ControllerDisk, env: &Env) -> QuorumInfo {
        let to_ms = |t: Option<SimTime>| t.map(|t| env.wall_ms(t)).unwrap_or(-1);
        let leader_id = self.leader_id().unwrap_or(-1);
        let leader_or = |id: i32, t: Option<SimTime>| if id == leader_id { Some(now) } else { t };
        let (voters, observers) = match &self.role {
            Role::Leader(l) => {
                // `RaftUtil.toReplicaState`: one row per replica, the leader's own times are now.
                let rows = |replicas: &BTreeMap<i32, Progress>| -> Vec<ReplicaProgress> {
                    replicas
                        .iter()
                        .map(|(id, p)| ReplicaProgress {
                            id: *id,
                            log_end_offset: p.end,
                            last_fetch_ms: to_ms(leader_or(*id, p.last_fetch)),
                            last_caught_up_ms: to_ms(leader_or(*id, p.last_caught_up)),
                        })
                        .collect()
                };
                (rows(&l.voters), rows(&l.observers))
            }
            _ => (vec![], vec![]),
        };
        QuorumInfo { leader_id, leader_epoch: disk.epoch, high_watermark: self.hw, voters, observers }
    }
}

impl ControllerStep<'_> {
    pub(super) fn reset_election_deadline(&mut self) {
        let jitter = i64::from(self.proc.rng.below(ELECTION_TIMEOUT_MS as u32));
        self.proc.election_deadline = self.now.plus_ms(ELECTION_TIMEOUT_MS + jitter);
        self.out.timer(self.proc.election_deadline, ControllerTimer::QuorumElection);
    }

    pub(super) fn on_election_timer(&mut self) {
        match &self.proc.role {
            Role::Leader(_) => {}
            Role::Follower { .. } => {
                if self.now.ms_since(self.proc.last_leader_contact) >= FETCH_TIMEOUT_MS {
                    self.start_election();
                } else {
                    self.out.timer(
                        self.proc.last_leader_contact.plus_ms(FETCH_TIMEOUT_MS),
                        ControllerTimer::QuorumElection,
                    );
                }
            }
            Role::Unattached | Role::Candidate { .. } => {
                if self.now >= self.proc.election_deadline {
                    self.start_election();
                }
            }
        }
    }

    /// Becomes a candidate in a new epoch and asks the other voters for their votes.
    pub(super) fn start_election(&mut self) {
        self.disk.epoch += 1;
        self.disk.voted_for = Some(self.proc.id);
        let mut votes = BTreeSet::new();
        votes.insert(self.proc.id);
        self.proc.role = Role::Candidate { votes };
        self.proc.fetch_inflight = None;
        self.out.trace(TraceKind::QuorumElectionStarted { controller: self.proc.id, epoch: self.disk.epoch });
        if self.env.voters.len() == 1 {
            self.become_leader();
            return;
        }
        self.proc.pending_votes.clear();
        for &v in &self.env.voters {
            if v != self.proc.id {
                let corr = self.proc.corr.next_id();
                self.proc.pending_votes.insert(corr, v);
                self.out.request(
                    NodeAddr::Controller(v),
                    corr,
                    Request::Vote {
                        epoch: self.disk.epoch,
                        candidate: self.proc.id,
                        last_epoch: self.disk.last_epoch(),
                        last_offset: self.disk.log_end(),
                    },
                );
            }
        }
        self.reset_election_deadline();
    }

    /// Moves to a higher epoch learned from another voter.
    fn observe_epoch(&mut self, epoch: Epoch, leader: Option<i32>) {
        if epoch > self.disk.epoch {
            self.disk.epoch = epoch;
            self.disk.voted_for = None;
            self.proc.role = Role::Unattached;
            self.reset_election_deadline();
        }
        if epoch == self.disk.epoch {
            if let Some(l) = leader {
                if l != self.proc.id && !matches!(self.proc.role, Role::Follower { leader } if leader == l) {
                    self.become_follower(l);
                }
            }
        }
    }

    fn become_follower(&mut self, leader: i32) {
        self.proc.role = Role::Follower { leader };
        self.proc.last_leader_contact = self.now;
        self.proc.fetch_inflight = None;
        self.out.timer(self.now, ControllerTimer::QuorumFetch);
        self.out.timer(self.now.plus_ms(FETCH_TIMEOUT_MS), ControllerTimer::QuorumElection);
    }

    pub(super) fn become_leader(&mut self) {
        // Rebuild the image from the whole log: a new leader owns its uncommitted tail.
        self.proc.image = MetadataImage::new();
        for e in &self.disk.log {
            self.proc.image.apply(e.offset, &e.record);
        }
        self.proc.applied = self.disk.log_end();
        let mut voters = BTreeMap::new();
        for &v in &self.env.voters {
            let end = if v == self.proc.id { self.disk.log_end() } else { 0 };
            voters.insert(
                v,
                Progress {
                    end,
                    last_fetch: if v == self.proc.id { Some(self.now) } else { None },
                    last_caught_up: None,
                },
            );
        }
        let mut sessions = BTreeMap::new();
        for b in self.proc.image.brokers.keys() {
            // Every broker gets a fresh session with a new leader.
            sessions.insert(*b, self.now);
        }
        let state = LeaderState {
            voters,
            observers: BTreeMap::new(),
            sessions,
            epoch_start: self.disk.log_end(),
            pending: vec![],
            pending_trace: vec![],
            parked: vec![],
            became_leader_at: self.now,
            last_imbalance_check: self.now,
        };
        self.proc.role = Role::Leader(Box::new(state));
        self.proc.fetch_inflight = None;
        self.append(MetadataRecord::LeaderChange { leader: self.proc.id, voters: self.env.voters.clone() });
        if self.disk.log_end() == 1 && super::partition_change::ELR_ENABLED {
            // ActivationRecordsGenerator.recordsForEmptyLog: with ELR on, the first active
            // controller writes the cluster-level min.insync.replicas from its static config.
            let value = crate::sim::config::TopicConfig::resolve(&BTreeMap::new(), &self.env.static_configs)
                .min_insync_replicas
                .to_string();
            self.append(MetadataRecord::Config {
                resource: crate::sim::types::ConfigResource::Broker(None),
                name: "min.insync.replicas".into(),
                value: Some(value),
            });
        }
        self.out.trace(TraceKind::QuorumLeaderElected { controller: self.proc.id, epoch: self.disk.epoch });
        for &v in &self.env.voters {
            if v != self.proc.id {
                let corr = self.proc.corr.next_id();
                self.out.request(
                    NodeAddr::Controller(v),
                    corr,
                    Request::BeginQuorumEpoch { epoch: self.disk.epoch, leader: self.proc.id },
                );
            }
        }
        self.out.timer(self.now.plus_ms(SESSION_CHECK_MS), ControllerTimer::SessionCheck);
        self.out.timer(
            self.now.plus_ms(self.env.settings.leader_imbalance_check_interval_ms),
            ControllerTimer::LeaderImbalanceCheck,
        );
        self.out.timer(
            self.now.plus_ms(self.env.settings.unclean_leader_election_interval_ms),
            ControllerTimer::UncleanElectionCheck,
        );
        // The periodic tasks start once the activation records are written
        // (CompleteActivationEvent → PeriodicTaskControlManager.activate); writeNoOpRecord is
        // registered only when metadata.max.idle.interval.ms is not 0 (QuorumController's
        // constructor, from the KafkaConfig in ControllerServer).
        if self.env.settings.metadata_max_idle_interval_ms > 0 {
            self.out.timer(
                self.now.plus_ms(self.env.settings.metadata_max_idle_interval_ms),
                ControllerTimer::WriteNoOpRecord(self.disk.epoch),
            );
        }
    }

    pub(super) fn handle_vote(
        &mut self,
        reply: ReplyTo,
        epoch: Epoch,
        candidate: i32,
        last_epoch: Epoch,
        last_offset: Offset,
    ) {
        if epoch > self.disk.epoch {
            self.observe_epoch(epoch, None);
        }
        let up_to_date = (last_epoch, last_offset) >= (self.disk.last_epoch(), self.disk.log_end());
        let can_vote = epoch == self.disk.epoch
            && !self.proc.is_leader()
            && !matches!(self.proc.role, Role::Follower { .. })
            && (self.disk.voted_for.is_none() || self.disk.voted_for == Some(candidate));
        let granted = can_vote && up_to_date;
        if granted {
            self.disk.voted_for = Some(candidate);
            self.reset_election_deadline();
        }
        self.out.reply(reply, Response::Vote { epoch: self.disk.epoch, granted, leader: self.proc.leader_id() });
    }

    pub(super) fn handle_vote_response(&mut self, corr: u64, epoch: Epoch, granted: bool, leader: Option<i32>) {
        let Some(voter) = self.proc.pending_votes.remove(&corr) else { return };
        if epoch > self.disk.epoch {
            self.observe_epoch(epoch, leader);
            return;
        }
        if let Role::Candidate { votes } = &mut self.proc.role {
            if granted && epoch == self.disk.epoch {
                votes.insert(voter);
                if votes.len() * 2 > self.env.voters.len() {
                    self.become_leader();
                }
            }
        }
    }

    pub(super) fn handle_begin_quorum_epoch(&mut self, reply: ReplyTo, epoch: Epoch, leader: i32) {
        if epoch >= self.disk.epoch && leader != self.proc.id {
            if epoch > self.disk.epoch {
                self.disk.epoch = epoch;
                self.disk.voted_for = None;
            }
            self.become_follower(leader);
        }
        self.out.reply(reply, Response::BeginQuorumEpoch { epoch: self.disk.epoch });
    }

    /// The leader's side of a metadata Fetch from a voter or an observer (a broker).
    pub(super) fn handle_metadata_fetch(
        &mut self,
        reply: ReplyTo,
        replica: i32,
        fetch_offset: Offset,
        last_fetched_epoch: Epoch,
        max_wait_ms: i64,
    ) {
        let epoch = self.disk.epoch;
        if !self.proc.is_leader() {
            self.out.reply(
                reply,
                Response::MetadataFetch {
                    epoch,
                    leader: self.proc.leader_id(),
                    error: Some(KafkaError::NOT_LEADER_OR_FOLLOWER),
                    high_watermark: -1,
                    diverging: None,
                    entries: vec![],
                },
            );
            return;
        }
        // Divergence check (KIP-320 style): does our log agree with the fetcher's last epoch?
        if fetch_offset > 0 {
            let (e, end) = self.disk.end_offset_for(last_fetched_epoch);
            if e != last_fetched_epoch || end < fetch_offset {
                self.out.reply(
                    reply,
                    Response::MetadataFetch {
                        epoch,
                        leader: Some(self.proc.id),
                        error: None,
                        high_watermark: self.proc.hw,
                        diverging: Some((e, end.max(0))),
                        entries: vec![],
                    },
                );
                return;
            }
        }
        let is_voter = matches!(reply.to, NodeAddr::Controller(_));
        let log_end = self.disk.log_end();
        let hw = self.proc.hw;
        if let Some(l) = self.proc.leader_state() {
            let progress = if is_voter { l.voters.entry(replica) } else { l.observers.entry(replica) }
                .or_insert(Progress { end: 0, last_fetch: None, last_caught_up: None });
            progress.end = fetch_offset.min(log_end);
            progress.last_fetch = Some(self.now);
            if fetch_offset >= log_end {
                progress.last_caught_up = Some(self.now);
            }
        }
        let limit = if is_voter { log_end } else { hw };
        if fetch_offset >= limit && max_wait_ms > 0 {
            let deadline = self.now.plus_ms(max_wait_ms);
            if let Some(l) = self.proc.leader_state() {
                l.parked.retain(|p| p.from != reply.to);
                l.parked.push(Parked { from: reply.to, corr: reply.corr, replica, fetch_offset, deadline });
            }
            self.out.timer(deadline, ControllerTimer::ParkedFetch(reply.to, reply.corr));
            return;
        }
        self.send_fetch_response(reply, fetch_offset, limit);
    }

    fn send_fetch_response(&mut self, reply: ReplyTo, from_offset: Offset, limit: Offset) {
        let start = from_offset.max(0);
        let limit = limit.min(self.disk.log_end());
        let mut entries: Vec<(Offset, Epoch, Rc<MetadataRecord>)> = self
            .disk
            .entries_from(start)
            .iter()
            .take_while(|e| e.offset < limit)
            .take(MAX_FETCH_ENTRIES)
            .map(|e| (e.offset, e.epoch, e.record.clone()))
            .collect();
        // A limit (the high watermark, for an observer) inside a run of NoOpRecords: the run's
        // records up to it, sent as the last of them.
        let last = entries.last().map(|e| e.0).unwrap_or(start - 1);
        if entries.len() < MAX_FETCH_ENTRIES && last < limit - 1 && limit > start {
            if let Some((epoch, record)) = self.disk.entry_at(limit - 1) {
                entries.push((limit - 1, epoch, record));
            }
        }
        self.out.reply(
            reply,
            Response::MetadataFetch {
                epoch: self.disk.epoch,
                leader: Some(self.proc.id),
                error: None,
                high_watermark: self.proc.hw,
                diverging: None,
                entries,
            },
        );
    }

    /// Answers parked fetches that now have data (or all of them when `all`).
    pub(super) fn answer_parked(&mut self, all: bool) {
        let hw = self.proc.hw;
        let log_end = self.disk.log_end();
        let ready: Vec<Parked> = match self.proc.leader_state() {
            Some(l) => {
                let (ready, keep): (Vec<Parked>, Vec<Parked>) = l.parked.drain(..).partition(|p| {
                    let limit = if matches!(p.from, NodeAddr::Controller(_)) { log_end } else { hw };
                    all || p.fetch_offset < limit
                });
                l.parked = keep;
                ready
            }
            None => return,
        };
        for p in ready {
            let limit = if matches!(p.from, NodeAddr::Controller(_)) { log_end } else { hw };
            self.send_fetch_response(ReplyTo { to: p.from, corr: p.corr }, p.fetch_offset, limit);
        }
    }

    pub(super) fn expire_parked(&mut self, addr: NodeAddr, corr: u64) {
        let hw = self.proc.hw;
        let log_end = self.disk.log_end();
        let found = match self.proc.leader_state() {
            Some(l) => {
                let pos = l.parked.iter().position(|p| p.from == addr && p.corr == corr && p.deadline <= self.now);
                pos.map(|i| l.parked.remove(i))
            }
            None => None,
        };
        if let Some(p) = found {
            let limit = if matches!(p.from, NodeAddr::Controller(_)) { log_end } else { hw };
            self.send_fetch_response(ReplyTo { to: p.from, corr: p.corr }, p.fetch_offset, limit);
        }
    }

    /// A follower voter fetches from the leader when it has no fetch in flight.
    pub(super) fn maybe_fetch(&mut self) {
        let Role::Follower { leader } = self.proc.role else { return };
        if self.proc.fetch_inflight.is_some() {
            return;
        }
        let corr = self.proc.corr.next_id();
        self.proc.fetch_inflight = Some(corr);
        self.out.request(
            NodeAddr::Controller(leader),
            corr,
            Request::MetadataFetch {
                replica: self.proc.id,
                fetch_offset: self.disk.log_end(),
                last_fetched_epoch: self.disk.last_epoch(),
                max_wait_ms: FETCH_MAX_WAIT_MS,
            },
        );
        self.out
            .timer(self.now.plus_ms(FETCH_MAX_WAIT_MS + FETCH_TIMEOUT_MS), ControllerTimer::QuorumRequestTimeout(corr));
    }

    /// The answer to the fetch that was in flight.
    pub(super) fn handle_fetch_response(
        &mut self,
        epoch: Epoch,
        leader: Option<i32>,
        error: Option<KafkaError>,
        high_watermark: Offset,
        diverging: Option<(Epoch, Offset)>,
        entries: Vec<(Offset, Epoch, Rc<MetadataRecord>)>,
    ) {
        if epoch > self.disk.epoch {
            self.observe_epoch(epoch, leader);
        }
        let Role::Follower { leader: current } = self.proc.role else { return };
        if error.is_some() || leader != Some(current) || epoch < self.disk.epoch {
            if let Some(l) = leader {
                if l != current && epoch >= self.disk.epoch {
                    self.become_follower(l);
                }
            }
            self.out.timer(self.now.plus_ms(100), ControllerTimer::QuorumFetch);
            return;
        }
        self.proc.last_leader_contact = self.now;
        self.out.timer(self.now.plus_ms(FETCH_TIMEOUT_MS), ControllerTimer::QuorumElection);
        if let Some((e, end)) = diverging {
            // Truncate to where our log agrees with the leader's (`LeaderEpochFileCache` rules on the metadata log).
            let (mine_e, mine_end) = self.disk.end_offset_for(e);
            let to = if mine_e == e { end.min(mine_end) } else { mine_end.max(0).min(end) };
            let to = to.max(self.proc.hw.min(self.disk.log_end())).min(self.disk.log_end());
            self.disk.truncate_to(to.max(0));
            if self.proc.applied > self.disk.log_end() {
                // Uncommitted entries we had applied are gone: rebuild the image.
                self.proc.image = MetadataImage::new();
                self.proc.applied = 0;
            }
            self.out.timer(self.now, ControllerTimer::QuorumFetch);
            return;
        }
        for (off, e, rec) in entries {
            self.disk.accept(off, e, rec);
        }
        self.proc.hw = high_watermark.min(self.disk.log_end()).max(self.proc.hw);
        self.out.timer(self.now, ControllerTimer::QuorumFetch);
    }

    /// The leader's high watermark: the largest offset held by a majority of voters, once
    /// that offset is past the start of the leader's epoch.
    pub(super) fn update_high_watermark(&mut self) {
        let id = self.proc.id;
        let log_end = self.disk.log_end();
        let Some(l) = self.proc.leader_state() else { return };
        if let Some(me) = l.voters.get_mut(&id) {
            me.end = log_end;
            me.last_fetch = Some(self.now);
            me.last_caught_up = Some(self.now);
        }
        let mut ends: Vec<Offset> = l.voters.values().map(|p| p.end).collect();
        ends.sort_unstable_by(|a, b| b.cmp(a));
        let majority_end = ends[ends.len() / 2];
        let epoch_start = l.epoch_start;
        if majority_end > epoch_start && majority_end > self.proc.hw {
            self.proc.hw = majority_end;
        }
    }

    /// Check-quorum: a leader that a majority has not fetched from recently resigns.
    pub(super) fn check_quorum(&mut self) {
        if self.env.voters.len() == 1 {
            return;
        }
        let id = self.proc.id;
        let limit = FETCH_TIMEOUT_MS * 3 / 2;
        let Some(l) = self.proc.leader_state() else { return };
        if self.now.ms_since(l.became_leader_at) < limit {
            return;
        }
        let recent = l
            .voters
            .iter()
            .filter(|(v, p)| **v == id || p.last_fetch.map(|t| self.now.ms_since(t) < limit).unwrap_or(false))
            .count();
        if recent * 2 <= self.env.voters.len() {
            self.proc.role = Role::Unattached;
            self.reset_election_deadline();
        }
    }
}
