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
    pub(super) fn reset_election_deadline(&mut self, now: SimTime, out: &mut ControllerOut) {
        let jitter = i64::from(self.rng.below(ELECTION_TIMEOUT_MS as u32));
        self.election_deadline = now.plus_ms(ELECTION_TIMEOUT_MS + jitter);
        out.timer(self.election_deadline, ControllerTimer::QuorumElection);
    }

    pub(super) fn on_election_timer(
        &mut self,
        now: SimTime,
        disk: &mut ControllerDisk,
        env: &Env,
        out: &mut ControllerOut,
    ) {
        match &self.role {
            Role::Leader(_) => {}
            Role::Follower { .. } => {
                if now.ms_since(self.last_leader_contact) >= FETCH_TIMEOUT_MS {
                    self.start_election(now, disk, env, out);
                } else {
                    out.timer(self.last_leader_contact.plus_ms(FETCH_TIMEOUT_MS), ControllerTimer::QuorumElection);
                }
            }
            Role::Unattached | Role::Candidate { .. } => {
                if now >= self.election_deadline {
                    self.start_election(now, disk, env, out);
                }
            }
        }
    }

    /// Becomes a candidate in a new epoch and asks the other voters for their votes.
    pub(super) fn start_election(
        &mut self,
        now: SimTime,
        disk: &mut ControllerDisk,
        env: &Env,
        out: &mut ControllerOut,
    ) {
        disk.epoch += 1;
        disk.voted_for = Some(self.id);
        let mut votes = BTreeSet::new();
        votes.insert(self.id);
        self.role = Role::Candidate { votes };
        self.fetch_inflight = None;
        out.trace(TraceKind::QuorumElectionStarted { controller: self.id, epoch: disk.epoch });
        if env.voters.len() == 1 {
            self.become_leader(now, disk, env, out);
            return;
        }
        self.pending_votes.clear();
        for &v in &env.voters {
            if v != self.id {
                let corr = self.corr.next_id();
                self.pending_votes.insert(corr, v);
                out.request(
                    NodeAddr::Controller(v),
                    corr,
                    Request::Vote {
                        epoch: disk.epoch,
                        candidate: self.id,
                        last_epoch: disk.last_epoch(),
                        last_offset: disk.log_end(),
                    },
                );
            }
        }
        self.reset_election_deadline(now, out);
    }

    /// Moves to a higher epoch learned from another voter.
    fn observe_epoch(
        &mut self,
        now: SimTime,
        epoch: Epoch,
        leader: Option<i32>,
        disk: &mut ControllerDisk,
        out: &mut ControllerOut,
    ) {
        if epoch > disk.epoch {
            disk.epoch = epoch;
            disk.voted_for = None;
            self.role = Role::Unattached;
            self.reset_election_deadline(now, out);
        }
        if epoch == disk.epoch {
            if let Some(l) = leader {
                if l != self.id && !matches!(self.role, Role::Follower { leader } if leader == l) {
                    self.become_follower(now, l, out);
                }
            }
        }
    }

    fn become_follower(&mut self, now: SimTime, leader: i32, out: &mut ControllerOut) {
        self.role = Role::Follower { leader };
        self.last_leader_contact = now;
        self.fetch_inflight = None;
        out.timer(now, ControllerTimer::QuorumFetch);
        out.timer(now.plus_ms(FETCH_TIMEOUT_MS), ControllerTimer::QuorumElection);
    }

    pub(super) fn become_leader(
        &mut self,
        now: SimTime,
        disk: &mut ControllerDisk,
        env: &Env,
        out: &mut ControllerOut,
    ) {
        // Rebuild the image from the whole log: a new leader owns its uncommitted tail.
        self.image = MetadataImage::new();
        for e in &disk.log {
            self.image.apply(e.offset, &e.record);
        }
        self.applied = disk.log_end();
        let mut voters = BTreeMap::new();
        for &v in &env.voters {
            let end = if v == self.id { disk.log_end() } else { 0 };
            voters.insert(
                v,
                Progress { end, last_fetch: if v == self.id { Some(now) } else { None }, last_caught_up: None },
            );
        }
        let mut sessions = BTreeMap::new();
        for b in self.image.brokers.keys() {
            // Every broker gets a fresh session with a new leader.
            sessions.insert(*b, now);
        }
        let state = LeaderState {
            voters,
            observers: BTreeMap::new(),
            sessions,
            epoch_start: disk.log_end(),
            pending: vec![],
            pending_trace: vec![],
            parked: vec![],
            became_leader_at: now,
            last_imbalance_check: now,
        };
        self.role = Role::Leader(Box::new(state));
        self.fetch_inflight = None;
        self.append(disk, MetadataRecord::LeaderChange { leader: self.id, voters: env.voters.clone() });
        if disk.log_end() == 1 && super::partition_change::ELR_ENABLED {
            // ActivationRecordsGenerator.recordsForEmptyLog: with ELR on, the first active
            // controller writes the cluster-level min.insync.replicas from its static config.
            let value = crate::sim::config::TopicConfig::resolve(&BTreeMap::new(), &env.static_configs)
                .min_insync_replicas
                .to_string();
            self.append(
                disk,
                MetadataRecord::Config {
                    resource: crate::sim::types::ConfigResource::Broker(None),
                    name: "min.insync.replicas".into(),
                    value: Some(value),
                },
            );
        }
        out.trace(TraceKind::QuorumLeaderElected { controller: self.id, epoch: disk.epoch });
        for &v in &env.voters {
            if v != self.id {
                let corr = self.corr.next_id();
                out.request(
                    NodeAddr::Controller(v),
                    corr,
                    Request::BeginQuorumEpoch { epoch: disk.epoch, leader: self.id },
                );
            }
        }
        out.timer(now.plus_ms(SESSION_CHECK_MS), ControllerTimer::SessionCheck);
        out.timer(now.plus_ms(env.settings.leader_imbalance_check_interval_ms), ControllerTimer::LeaderImbalanceCheck);
        out.timer(now.plus_ms(env.settings.unclean_leader_election_interval_ms), ControllerTimer::UncleanElectionCheck);
        // The periodic tasks start once the activation records are written
        // (CompleteActivationEvent → PeriodicTaskControlManager.activate); writeNoOpRecord is
        // registered only when metadata.max.idle.interval.ms is not 0 (QuorumController's
        // constructor, from the KafkaConfig in ControllerServer).
        if env.settings.metadata_max_idle_interval_ms > 0 {
            out.timer(
                now.plus_ms(env.settings.metadata_max_idle_interval_ms),
                ControllerTimer::WriteNoOpRecord(disk.epoch),
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn handle_vote(
        &mut self,
        now: SimTime,
        from: NodeAddr,
        corr: u64,
        epoch: Epoch,
        candidate: i32,
        last_epoch: Epoch,
        last_offset: Offset,
        disk: &mut ControllerDisk,
        out: &mut ControllerOut,
    ) {
        if epoch > disk.epoch {
            self.observe_epoch(now, epoch, None, disk, out);
        }
        let up_to_date = (last_epoch, last_offset) >= (disk.last_epoch(), disk.log_end());
        let can_vote = epoch == disk.epoch
            && !self.is_leader()
            && !matches!(self.role, Role::Follower { .. })
            && (disk.voted_for.is_none() || disk.voted_for == Some(candidate));
        let granted = can_vote && up_to_date;
        if granted {
            disk.voted_for = Some(candidate);
            self.reset_election_deadline(now, out);
        }
        out.respond(from, corr, Response::Vote { epoch: disk.epoch, granted, leader: self.leader_id() });
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn handle_vote_response(
        &mut self,
        now: SimTime,
        _from: NodeAddr,
        corr: u64,
        epoch: Epoch,
        granted: bool,
        leader: Option<i32>,
        disk: &mut ControllerDisk,
        env: &Env,
        out: &mut ControllerOut,
    ) {
        let Some(voter) = self.pending_votes.remove(&corr) else { return };
        if epoch > disk.epoch {
            self.observe_epoch(now, epoch, leader, disk, out);
            return;
        }
        if let Role::Candidate { votes } = &mut self.role {
            if granted && epoch == disk.epoch {
                votes.insert(voter);
                if votes.len() * 2 > env.voters.len() {
                    self.become_leader(now, disk, env, out);
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn handle_begin_quorum_epoch(
        &mut self,
        now: SimTime,
        from: NodeAddr,
        corr: u64,
        epoch: Epoch,
        leader: i32,
        disk: &mut ControllerDisk,
        out: &mut ControllerOut,
    ) {
        if epoch >= disk.epoch && leader != self.id {
            if epoch > disk.epoch {
                disk.epoch = epoch;
                disk.voted_for = None;
            }
            self.become_follower(now, leader, out);
        }
        out.respond(from, corr, Response::BeginQuorumEpoch { epoch: disk.epoch });
    }

    /// The leader's side of a metadata Fetch from a voter or an observer (a broker).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn handle_metadata_fetch(
        &mut self,
        now: SimTime,
        from: NodeAddr,
        corr: u64,
        replica: i32,
        fetch_offset: Offset,
        last_fetched_epoch: Epoch,
        max_wait_ms: i64,
        disk: &mut ControllerDisk,
        out: &mut ControllerOut,
    ) {
        let epoch = disk.epoch;
        if !self.is_leader() {
            out.respond(
                from,
                corr,
                Response::MetadataFetch {
                    epoch,
                    leader: self.leader_id(),
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
            let (e, end) = disk.end_offset_for(last_fetched_epoch);
            if e != last_fetched_epoch || end < fetch_offset {
                out.respond(
                    from,
                    corr,
                    Response::MetadataFetch {
                        epoch,
                        leader: Some(self.id),
                        error: None,
                        high_watermark: self.hw,
                        diverging: Some((e, end.max(0))),
                        entries: vec![],
                    },
                );
                return;
            }
        }
        let is_voter = matches!(from, NodeAddr::Controller(_));
        let log_end = disk.log_end();
        let hw = self.hw;
        if let Some(l) = self.leader_state() {
            let progress = if is_voter { l.voters.entry(replica) } else { l.observers.entry(replica) }
                .or_insert(Progress { end: 0, last_fetch: None, last_caught_up: None });
            progress.end = fetch_offset.min(log_end);
            progress.last_fetch = Some(now);
            if fetch_offset >= log_end {
                progress.last_caught_up = Some(now);
            }
        }
        let limit = if is_voter { log_end } else { hw };
        if fetch_offset >= limit && max_wait_ms > 0 {
            let deadline = now.plus_ms(max_wait_ms);
            if let Some(l) = self.leader_state() {
                l.parked.retain(|p| p.from != from);
                l.parked.push(Parked { from, corr, replica, fetch_offset, deadline });
            }
            out.timer(deadline, ControllerTimer::ParkedFetch(from, corr));
            return;
        }
        self.send_fetch_response(from, corr, fetch_offset, limit, disk, out);
    }

    fn send_fetch_response(
        &self,
        to: NodeAddr,
        corr: u64,
        from_offset: Offset,
        limit: Offset,
        disk: &ControllerDisk,
        out: &mut ControllerOut,
    ) {
        let start = from_offset.max(0);
        let limit = limit.min(disk.log_end());
        let mut entries: Vec<(Offset, Epoch, Rc<MetadataRecord>)> = disk
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
            if let Some((epoch, record)) = disk.entry_at(limit - 1) {
                entries.push((limit - 1, epoch, record));
            }
        }
        out.respond(
            to,
            corr,
            Response::MetadataFetch {
                epoch: disk.epoch,
                leader: Some(self.id),
                error: None,
                high_watermark: self.hw,
                diverging: None,
                entries,
            },
        );
    }

    /// Answers parked fetches that now have data (or all of them when `all`).
    pub(super) fn answer_parked(&mut self, _now: SimTime, disk: &ControllerDisk, out: &mut ControllerOut, all: bool) {
        let hw = self.hw;
        let log_end = disk.log_end();
        let ready: Vec<Parked> = match self.leader_state() {
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
            self.send_fetch_response(p.from, p.corr, p.fetch_offset, limit, disk, out);
        }
    }

    pub(super) fn expire_parked(
        &mut self,
        now: SimTime,
        addr: NodeAddr,
        corr: u64,
        disk: &ControllerDisk,
        out: &mut ControllerOut,
    ) {
        let hw = self.hw;
        let log_end = disk.log_end();
        let found = match self.leader_state() {
            Some(l) => {
                let pos = l.parked.iter().position(|p| p.from == addr && p.corr == corr && p.deadline <= now);
                pos.map(|i| l.parked.remove(i))
            }
            None => None,
        };
        if let Some(p) = found {
            let limit = if matches!(p.from, NodeAddr::Controller(_)) { log_end } else { hw };
            self.send_fetch_response(p.from, p.corr, p.fetch_offset, limit, disk, out);
        }
    }

    /// A follower voter fetches from the leader when it has no fetch in flight.
    pub(super) fn maybe_fetch(&mut self, now: SimTime, disk: &ControllerDisk, out: &mut ControllerOut) {
        let Role::Follower { leader } = self.role else { return };
        if self.fetch_inflight.is_some() {
            return;
        }
        let corr = self.corr.next_id();
        self.fetch_inflight = Some(corr);
        out.request(
            NodeAddr::Controller(leader),
            corr,
            Request::MetadataFetch {
                replica: self.id,
                fetch_offset: disk.log_end(),
                last_fetched_epoch: disk.last_epoch(),
                max_wait_ms: FETCH_MAX_WAIT_MS,
            },
        );
        out.timer(now.plus_ms(FETCH_MAX_WAIT_MS + FETCH_TIMEOUT_MS), ControllerTimer::QuorumRequestTimeout(corr));
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn handle_fetch_response(
        &mut self,
        now: SimTime,
        corr: u64,
        epoch: Epoch,
        leader: Option<i32>,
        error: Option<KafkaError>,
        high_watermark: Offset,
        diverging: Option<(Epoch, Offset)>,
        entries: Vec<(Offset, Epoch, Rc<MetadataRecord>)>,
        disk: &mut ControllerDisk,
        out: &mut ControllerOut,
    ) {
        if self.fetch_inflight != Some(corr) {
            return;
        }
        self.fetch_inflight = None;
        if epoch > disk.epoch {
            self.observe_epoch(now, epoch, leader, disk, out);
        }
        let Role::Follower { leader: current } = self.role else { return };
        if error.is_some() || leader != Some(current) || epoch < disk.epoch {
            if let Some(l) = leader {
                if l != current && epoch >= disk.epoch {
                    self.become_follower(now, l, out);
                }
            }
            out.timer(now.plus_ms(100), ControllerTimer::QuorumFetch);
            return;
        }
        self.last_leader_contact = now;
        out.timer(now.plus_ms(FETCH_TIMEOUT_MS), ControllerTimer::QuorumElection);
        if let Some((e, end)) = diverging {
            // Truncate to where our log agrees with the leader's (`LeaderEpochFileCache` rules on the metadata log).
            let (mine_e, mine_end) = disk.end_offset_for(e);
            let to = if mine_e == e { end.min(mine_end) } else { mine_end.max(0).min(end) };
            let to = to.max(self.hw.min(disk.log_end())).min(disk.log_end());
            disk.truncate_to(to.max(0));
            if self.applied > disk.log_end() {
                // Uncommitted entries we had applied are gone: rebuild the image.
                self.image = MetadataImage::new();
                self.applied = 0;
            }
            out.timer(now, ControllerTimer::QuorumFetch);
            return;
        }
        for (off, e, rec) in entries {
            disk.accept(off, e, rec);
        }
        self.hw = high_watermark.min(disk.log_end()).max(self.hw);
        out.timer(now, ControllerTimer::QuorumFetch);
    }

    /// The leader's high watermark: the largest offset held by a majority of voters, once
    /// that offset is past the start of the leader's epoch.
    pub(super) fn update_high_watermark(
        &mut self,
        _now: SimTime,
        disk: &ControllerDisk,
        _env: &Env,
        out: &mut ControllerOut,
    ) {
        let id = self.id;
        let log_end = disk.log_end();
        let Some(l) = self.leader_state() else { return };
        if let Some(me) = l.voters.get_mut(&id) {
            me.end = log_end;
            me.last_fetch = Some(_now);
            me.last_caught_up = Some(_now);
        }
        let mut ends: Vec<Offset> = l.voters.values().map(|p| p.end).collect();
        ends.sort_unstable_by(|a, b| b.cmp(a));
        let majority_end = ends[ends.len() / 2];
        let epoch_start = l.epoch_start;
        if majority_end > epoch_start && majority_end > self.hw {
            self.hw = majority_end;
        }
        let _ = out;
    }

    /// Check-quorum: a leader that a majority has not fetched from recently resigns.
    pub(super) fn check_quorum(
        &mut self,
        now: SimTime,
        _disk: &mut ControllerDisk,
        env: &Env,
        out: &mut ControllerOut,
    ) {
        if env.voters.len() == 1 {
            return;
        }
        let id = self.id;
        let limit = FETCH_TIMEOUT_MS * 3 / 2;
        let Some(l) = self.leader_state() else { return };
        if now.ms_since(l.became_leader_at) < limit {
            return;
        }
        let recent = l
            .voters
            .iter()
            .filter(|(v, p)| **v == id || p.last_fetch.map(|t| now.ms_since(t) < limit).unwrap_or(false))
            .count();
        if recent * 2 <= env.voters.len() {
            self.role = Role::Unattached;
            self.reset_election_deadline(now, out);
        }
    }

    /// `DescribeQuorum`: the leader's view of every replica of the metadata log. The leader's
    /// own row says "now" for both timestamps (`RaftUtil.toReplicaState`: the replica whose id
    /// is the leader's gets `currentTimeMs` as its last fetch and last caught-up time).
    pub(crate) fn quorum_info(&self, now: SimTime, disk: &ControllerDisk, env: &Env) -> QuorumInfo {
        let to_ms = |t: Option<SimTime>| t.map(|t| env.wall_ms(t)).unwrap_or(-1);
        let leader_id = self.leader_id().unwrap_or(-1);
        let leader_or = |id: i32, t: Option<SimTime>| if id == leader_id { Some(now) } else { t };
        let (voters, observers) = match &self.role {
            Role::Leader(l) => (
                l.voters
                    .iter()
                    .map(|(id, p)| ReplicaProgress {
                        id: *id,
                        log_end_offset: p.end,
                        last_fetch_ms: to_ms(leader_or(*id, p.last_fetch)),
                        last_caught_up_ms: to_ms(leader_or(*id, p.last_caught_up)),
                    })
                    .collect(),
                l.observers
                    .iter()
                    .map(|(id, p)| ReplicaProgress {
                        id: *id,
                        log_end_offset: p.end,
                        last_fetch_ms: to_ms(leader_or(*id, p.last_fetch)),
                        last_caught_up_ms: to_ms(leader_or(*id, p.last_caught_up)),
                    })
                    .collect(),
            ),
            _ => (vec![], vec![]),
        };
        QuorumInfo { leader_id, leader_epoch: disk.epoch, high_watermark: self.hw, voters, observers }
    }
}
