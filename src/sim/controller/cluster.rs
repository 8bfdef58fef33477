//! Broker lifecycle on the active controller: registration, heartbeats, sessions, fencing and
//! controlled shutdown (kafka-semantics.md §4.7).
//!
//! A broker registers fenced; once it has replayed the metadata log up to its own registration
//! it asks to be unfenced. A broker whose heartbeats stop for `broker.session.timeout.ms` is
//! fenced: it leaves every ISR (unless it is the last member) and loses its leaderships.

use super::*;
use crate::sim::election::Election;
use crate::sim::errors::{ApiError, KafkaError};
use crate::sim::protocol::BrokerEndpoint;
use crate::sim::trace::ElectionReason;

impl ControllerProc {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn handle_broker_registration(
        &mut self,
        now: SimTime,
        from: NodeAddr,
        corr: u64,
        endpoint: BrokerEndpoint,
        incarnation: u64,
        disk: &mut ControllerDisk,
        env: &Env,
        out: &mut Out,
    ) {
        let broker = endpoint.id;
        if let Some(existing) = self.image.brokers.get(&broker) {
            if existing.incarnation == incarnation {
                // A retried registration: answer with the epoch it already has.
                let epoch = existing.epoch;
                self.respond_after(
                    epoch,
                    from,
                    corr,
                    Response::BrokerRegistration { error: None, broker_epoch: epoch, leader: Some(self.id) },
                    out,
                );
                return;
            }
            let session_valid = self
                .leader_state_ref()
                .and_then(|l| l.sessions.get(&broker))
                .map(|t| now.ms_since(*t) < env.settings.broker_session_timeout_ms)
                .unwrap_or(false);
            if session_valid && !existing.fenced {
                // The old incarnation's session has not expired yet (Kafka:
                // DuplicateBrokerRegistrationException); the broker retries.
                out.respond(
                    from,
                    corr,
                    Response::BrokerRegistration {
                        error: Some(ApiError::with(
                            KafkaError::INVALID_REQUEST,
                            format!("Another broker is registered with that broker id {broker}."),
                        )),
                        broker_epoch: -1,
                        leader: Some(self.id),
                    },
                );
                return;
            }
        }
        let offset = self.append(disk, MetadataRecord::RegisterBroker { broker, incarnation, endpoint, fenced: true });
        if let Some(l) = self.leader_state() {
            l.sessions.insert(broker, now);
        }
        self.trace_after(offset, TraceKind::BrokerRegistered { broker, broker_epoch: offset }, out);
        self.respond_after(
            offset,
            from,
            corr,
            Response::BrokerRegistration { error: None, broker_epoch: offset, leader: Some(self.id) },
            out,
        );
    }

    pub(super) fn leader_state_ref(&self) -> Option<&LeaderState> {
        match &self.role {
            Role::Leader(l) => Some(l),
            _ => None,
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn handle_broker_heartbeat(
        &mut self,
        now: SimTime,
        from: NodeAddr,
        corr: u64,
        broker: BrokerId,
        broker_epoch: i64,
        metadata_offset: Offset,
        want_fence: bool,
        want_shutdown: bool,
        disk: &mut ControllerDisk,
        env: &Env,
        out: &mut Out,
    ) {
        let Some(reg) = self.image.brokers.get(&broker).cloned() else {
            out.respond(
                from,
                corr,
                Response::BrokerHeartbeat {
                    error: Some(KafkaError::BROKER_NOT_AVAILABLE),
                    is_caught_up: false,
                    is_fenced: true,
                    should_shutdown: false,
                    leader: Some(self.id),
                },
            );
            return;
        };
        if reg.epoch != broker_epoch {
            out.respond(
                from,
                corr,
                Response::BrokerHeartbeat {
                    error: Some(KafkaError::INVALID_REQUEST),
                    is_caught_up: false,
                    is_fenced: true,
                    should_shutdown: false,
                    leader: Some(self.id),
                },
            );
            return;
        }
        if let Some(l) = self.leader_state() {
            l.sessions.insert(broker, now);
        }
        let caught_up = metadata_offset >= reg.epoch;
        let mut last = None;
        if want_shutdown {
            if !reg.in_controlled_shutdown && !reg.fenced {
                out.trace(TraceKind::BrokerControlledShutdown { broker });
                let off = self.append(
                    disk,
                    MetadataRecord::BrokerRegistrationChange {
                        broker,
                        broker_epoch,
                        fenced: None,
                        in_controlled_shutdown: Some(true),
                    },
                );
                last = Some(off);
                if let Some(o) =
                    self.remove_broker_from_partitions(broker, ElectionReason::ControlledShutdown, disk, env, out)
                {
                    last = Some(o);
                }
            }
            let leads_any = self.leads_any(broker);
            if !leads_any && !reg.fenced && (reg.in_controlled_shutdown || last.is_some()) {
                // Done moving leaders away: fence it and tell it to shut down.
                let off = self.append(
                    disk,
                    MetadataRecord::BrokerRegistrationChange {
                        broker,
                        broker_epoch,
                        fenced: Some(true),
                        in_controlled_shutdown: None,
                    },
                );
                self.trace_after(
                    off,
                    TraceKind::BrokerFenced { broker, reason: "controlled shutdown complete".into() },
                    out,
                );
                last = Some(off);
            }
            let resp = Response::BrokerHeartbeat {
                error: None,
                is_caught_up: caught_up,
                is_fenced: true,
                should_shutdown: !leads_any,
                leader: Some(self.id),
            };
            match last {
                Some(o) => self.respond_after(o, from, corr, resp, out),
                None => out.respond(from, corr, resp),
            }
            return;
        }
        let mut fenced = reg.fenced;
        if reg.fenced && !want_fence && caught_up {
            let off = self.append(
                disk,
                MetadataRecord::BrokerRegistrationChange {
                    broker,
                    broker_epoch,
                    fenced: Some(false),
                    in_controlled_shutdown: None,
                },
            );
            self.trace_after(off, TraceKind::BrokerUnfenced { broker }, out);
            fenced = false;
            last = Some(off);
            if let Some(o) = self.elect_for_returning_broker(broker, disk, env, out) {
                last = Some(o);
            }
        }
        let resp = Response::BrokerHeartbeat {
            error: None,
            is_caught_up: caught_up,
            is_fenced: fenced,
            should_shutdown: false,
            leader: Some(self.id),
        };
        match last {
            Some(o) => self.respond_after(o, from, corr, resp, out),
            None => out.respond(from, corr, resp),
        }
    }

    fn leads_any(&self, broker: BrokerId) -> bool {
        self.image.topics.values().any(|t| t.partitions.values().any(|p| p.leader == broker))
    }

    /// Fences brokers whose session expired (`broker.session.timeout.ms` without a heartbeat).
    pub(super) fn check_sessions(&mut self, now: SimTime, disk: &mut ControllerDisk, env: &Env, out: &mut Out) {
        let timeout = env.settings.broker_session_timeout_ms;
        let expired: Vec<(BrokerId, i64)> = {
            let Some(l) = self.leader_state_ref() else { return };
            self.image
                .brokers
                .iter()
                .filter(|(id, b)| !b.fenced && l.sessions.get(id).map(|t| now.ms_since(*t) >= timeout).unwrap_or(true))
                .map(|(id, b)| (*id, b.epoch))
                .collect()
        };
        for (broker, broker_epoch) in expired {
            let secs = timeout / 1000;
            let off = self.append(
                disk,
                MetadataRecord::BrokerRegistrationChange {
                    broker,
                    broker_epoch,
                    fenced: Some(true),
                    in_controlled_shutdown: None,
                },
            );
            self.trace_after(
                off,
                TraceKind::BrokerFenced {
                    broker,
                    reason: format!("no heartbeat for {secs} s (broker.session.timeout.ms={timeout})"),
                },
                out,
            );
            self.remove_broker_from_partitions(broker, ElectionReason::LeaderFenced, disk, env, out);
        }
    }

    /// Removes a fenced or shutting-down broker from every ISR (keeping the last member) and
    /// moves its leaderships: ONLINE election, or UNCLEAN where the topic allows it.
    pub(super) fn remove_broker_from_partitions(
        &mut self,
        broker: BrokerId,
        reason: ElectionReason,
        disk: &mut ControllerDisk,
        env: &Env,
        out: &mut Out,
    ) -> Option<Offset> {
        let mut last = None;
        let targets: Vec<(String, i32)> = self
            .image
            .topics
            .values()
            .flat_map(|t| {
                t.partitions
                    .iter()
                    .filter(|(_, p)| p.isr.contains(&broker) || p.leader == broker)
                    .map(move |(pid, _)| (t.name.clone(), *pid))
            })
            .collect();
        for (topic, partition) in targets {
            let Some(state) = self.image.partition(&topic, partition).cloned() else { continue };
            let mut isr: Vec<BrokerId> = state.isr.iter().copied().filter(|b| *b != broker).collect();
            if isr.is_empty() {
                // KRaft keeps the last ISR member (no ELR modelled): the partition goes offline.
                isr = state.isr.clone();
            }
            let election = if self.unclean_allowed(&topic, env) { Election::Unclean } else { Election::Online };
            if let Some(o) = self.change_partition(&topic, partition, isr, election, reason, disk, out) {
                last = Some(o);
            }
        }
        last
    }

    /// When a broker is unfenced, leaderless partitions whose ISR includes it get it back as
    /// leader (an ONLINE election).
    fn elect_for_returning_broker(
        &mut self,
        broker: BrokerId,
        disk: &mut ControllerDisk,
        env: &Env,
        out: &mut Out,
    ) -> Option<Offset> {
        let mut last = None;
        let targets: Vec<(String, i32, Vec<BrokerId>)> = self
            .image
            .topics
            .values()
            .flat_map(|t| {
                t.partitions
                    .iter()
                    .filter(|(_, p)| p.leader == crate::sim::types::NO_LEADER && p.replicas.contains(&broker))
                    .map(move |(pid, p)| (t.name.clone(), *pid, p.isr.clone()))
            })
            .collect();
        for (topic, partition, isr) in targets {
            let election = if self.unclean_allowed(&topic, env) { Election::Unclean } else { Election::Online };
            if let Some(o) =
                self.change_partition(&topic, partition, isr, election, ElectionReason::Recovered, disk, out)
            {
                last = Some(o);
            }
        }
        last
    }
}
