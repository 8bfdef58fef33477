//! Broker lifecycle on the active controller: registration, heartbeats, sessions, fencing and
//! controlled shutdown (KIP-631).
//!
//! A broker registers fenced; once it has replayed the metadata log up to its own registration
//! it asks to be unfenced. A broker whose heartbeats stop for `broker.session.timeout.ms` is
//! fenced: it leaves every ISR and loses its leaderships — with eligible leader replicas on
//! (KIP-966), even the last ISR member leaves, and stays eligible in the ELR. A broker that
//! registers again after an unclean shutdown (no clean shutdown file, so its
//! `previousBrokerEpoch` is not its registered epoch) leaves every ELR too: it may have lost
//! records it had acknowledged.

use super::partition_change::ELR_ENABLED;
use super::*;
use crate::sim::errors::{ApiError, KafkaError};
use crate::sim::trace::ElectionReason;
use crate::sim::types::{BrokerEndpoint, NO_LEADER};

impl ControllerProc {
    pub(super) fn leader_state_ref(&self) -> Option<&LeaderState> {
        match &self.role {
            Role::Leader(l) => Some(l),
            _ => None,
        }
    }

    /// `BrokersToIsrs.hasLeaderships`.
    fn leads_any(&self, broker: BrokerId) -> bool {
        self.image.topics.values().any(|t| t.partitions.values().any(|p| p.leader == broker))
    }
}

impl ControllerStep<'_> {
    pub(super) fn handle_broker_registration(
        &mut self,
        reply: ReplyTo,
        endpoint: BrokerEndpoint,
        incarnation: u64,
        previous_broker_epoch: i64,
    ) {
        let broker = endpoint.id;
        if let Some(existing) = self.proc.image.brokers.get(&broker) {
            if existing.incarnation == incarnation {
                // A retried registration: answer with the epoch it already has.
                let epoch = existing.epoch;
                self.respond_after(
                    epoch,
                    reply,
                    Response::BrokerRegistration { error: None, broker_epoch: epoch, leader: Some(self.proc.id) },
                );
                return;
            }
            let session_valid = self
                .proc
                .leader_state_ref()
                .and_then(|l| l.sessions.get(&broker))
                .map(|t| self.now.ms_since(*t) < self.env.settings.broker_session_timeout_ms)
                .unwrap_or(false);
            if session_valid && !existing.fenced {
                // The old incarnation's session has not expired yet (Kafka:
                // DuplicateBrokerRegistrationException); the broker retries.
                self.out.reply(
                    reply,
                    Response::BrokerRegistration {
                        error: Some(ApiError::with(
                            KafkaError::INVALID_REQUEST,
                            format!("Another broker is registered with that broker id {broker}."),
                        )),
                        broker_epoch: -1,
                        leader: Some(self.proc.id),
                    },
                );
                return;
            }
        }
        // ClusterControlManager.registerBroker: a new incarnation first cleans up after the
        // previous one (QuorumController.handleBrokerShutdown); the shutdown was clean when the
        // broker read its registered epoch back from its clean shutdown file.
        let stored_epoch = self.proc.image.brokers.get(&broker).map(|b| b.epoch).unwrap_or(-2);
        self.handle_broker_shutdown(broker, stored_epoch == previous_broker_epoch);
        let offset = self.append(MetadataRecord::RegisterBroker { broker, incarnation, endpoint, fenced: true });
        if let Some(l) = self.proc.leader_state() {
            l.sessions.insert(broker, self.now);
        }
        self.trace_after(offset, TraceKind::BrokerRegistered { broker, broker_epoch: offset });
        self.respond_after(
            offset,
            reply,
            Response::BrokerRegistration { error: None, broker_epoch: offset, leader: Some(self.proc.id) },
        );
    }

    pub(super) fn handle_broker_heartbeat(
        &mut self,
        reply: ReplyTo,
        broker: BrokerId,
        broker_epoch: i64,
        metadata_offset: Offset,
        want_fence: bool,
        want_shutdown: bool,
    ) {
        let Some(reg) = self.proc.image.brokers.get(&broker).cloned() else {
            self.out.reply(
                reply,
                Response::BrokerHeartbeat {
                    error: Some(KafkaError::BROKER_NOT_AVAILABLE),
                    is_caught_up: false,
                    is_fenced: true,
                    should_shutdown: false,
                    leader: Some(self.proc.id),
                },
            );
            return;
        };
        if reg.epoch != broker_epoch {
            self.out.reply(
                reply,
                Response::BrokerHeartbeat {
                    error: Some(KafkaError::INVALID_REQUEST),
                    is_caught_up: false,
                    is_fenced: true,
                    should_shutdown: false,
                    leader: Some(self.proc.id),
                },
            );
            return;
        }
        if let Some(l) = self.proc.leader_state() {
            l.sessions.insert(broker, self.now);
        }
        let caught_up = metadata_offset >= reg.epoch;
        // BrokerHeartbeatManager.calculateNextBrokerState, then
        // ReplicationControlManager.processBrokerHeartbeat's transitions.
        let current = if reg.in_controlled_shutdown {
            BrokerControlState::ControlledShutdown
        } else if reg.fenced {
            BrokerControlState::Fenced
        } else {
            BrokerControlState::Unfenced
        };
        let next = match current {
            BrokerControlState::Fenced if want_shutdown => BrokerControlState::ShutdownNow,
            BrokerControlState::Fenced if !want_fence && caught_up => BrokerControlState::Unfenced,
            BrokerControlState::Fenced => BrokerControlState::Fenced,
            BrokerControlState::Unfenced if want_fence && want_shutdown => BrokerControlState::ShutdownNow,
            BrokerControlState::Unfenced if want_fence => BrokerControlState::Fenced,
            BrokerControlState::Unfenced if want_shutdown && self.proc.leads_any(broker) => {
                BrokerControlState::ControlledShutdown
            }
            BrokerControlState::Unfenced if want_shutdown => BrokerControlState::ShutdownNow,
            BrokerControlState::Unfenced => BrokerControlState::Unfenced,
            // Kafka also waits until every active broker has replayed the metadata up to the
            // shutdown record; brokers here apply it promptly.
            BrokerControlState::ControlledShutdown if self.proc.leads_any(broker) => {
                BrokerControlState::ControlledShutdown
            }
            BrokerControlState::ControlledShutdown | BrokerControlState::ShutdownNow => BrokerControlState::ShutdownNow,
        };
        let mut last = None;
        if current != next {
            match next {
                BrokerControlState::Fenced | BrokerControlState::ShutdownNow => {
                    let reason = if current == BrokerControlState::ControlledShutdown || want_shutdown {
                        "controlled shutdown complete".to_string()
                    } else {
                        "it asked to be fenced".to_string()
                    };
                    last = self.handle_broker_fenced(broker, reason, ElectionReason::ControlledShutdown);
                }
                BrokerControlState::Unfenced => {
                    let off = self.append(MetadataRecord::BrokerRegistrationChange {
                        broker,
                        broker_epoch,
                        fenced: Some(false),
                        in_controlled_shutdown: None,
                    });
                    self.trace_after(off, TraceKind::BrokerUnfenced { broker });
                    last = Some(off);
                    // handleBrokerUnfenced: every leaderless partition may now elect this broker.
                    let leaderless = self.proc.partitions_with_no_leader();
                    if let Some(o) = self.generate_leader_and_isr_updates(
                        NO_LEADER,
                        broker,
                        NO_LEADER,
                        leaderless,
                        ElectionReason::Recovered,
                    ) {
                        last = Some(o);
                    }
                }
                BrokerControlState::ControlledShutdown => {
                    // handleBrokerInControlledShutdown.
                    self.out.trace(TraceKind::BrokerControlledShutdown { broker });
                    let off = self.append(MetadataRecord::BrokerRegistrationChange {
                        broker,
                        broker_epoch,
                        fenced: None,
                        in_controlled_shutdown: Some(true),
                    });
                    last = Some(off);
                    let partitions = self.proc.partitions_with_broker_in_isr(broker);
                    if let Some(o) = self.generate_leader_and_isr_updates(
                        broker,
                        NO_LEADER,
                        NO_LEADER,
                        partitions,
                        ElectionReason::ControlledShutdown,
                    ) {
                        last = Some(o);
                    }
                }
            }
        }
        let resp = Response::BrokerHeartbeat {
            error: None,
            is_caught_up: caught_up,
            is_fenced: matches!(next, BrokerControlState::Fenced | BrokerControlState::ShutdownNow),
            should_shutdown: next == BrokerControlState::ShutdownNow,
            leader: Some(self.proc.id),
        };
        self.respond_after_last(last, reply, resp)
    }

    /// `ReplicationControlManager.handleBrokerFenced`: the broker leaves every ISR (electing new
    /// leaders where it led), then it is fenced.
    pub(super) fn handle_broker_fenced(
        &mut self,
        broker: BrokerId,
        why: String,
        reason: ElectionReason,
    ) -> Option<Offset> {
        let broker_epoch = self.proc.image.brokers.get(&broker)?.epoch;
        let partitions = self.proc.partitions_with_broker_in_isr(broker);
        self.generate_leader_and_isr_updates(broker, NO_LEADER, NO_LEADER, partitions, reason);
        let off = self.append(MetadataRecord::BrokerRegistrationChange {
            broker,
            broker_epoch,
            fenced: Some(true),
            in_controlled_shutdown: None,
        });
        self.trace_after(off, TraceKind::BrokerFenced { broker, reason: why });
        Some(off)
    }

    /// `ReplicationControlManager.handleBrokerShutdown`, when a new incarnation of `broker`
    /// registers: after an unclean shutdown (with ELR on) the broker leaves every ISR and ELR
    /// and may not lead; after a clean one it leaves every ISR.
    fn handle_broker_shutdown(&mut self, broker: BrokerId, clean: bool) -> Option<Offset> {
        let reason = ElectionReason::LeaderFenced;
        if ELR_ENABLED && !clean {
            let in_isr = self.proc.partitions_with_broker_in_isr(broker);
            let a = self.generate_leader_and_isr_updates(NO_LEADER, NO_LEADER, broker, in_isr, reason);
            let in_elr = self.proc.partitions_with_broker_in_elr(broker);
            let b = self.generate_leader_and_isr_updates(NO_LEADER, NO_LEADER, broker, in_elr, reason);
            b.or(a)
        } else {
            let in_isr = self.proc.partitions_with_broker_in_isr(broker);
            self.generate_leader_and_isr_updates(broker, NO_LEADER, NO_LEADER, in_isr, reason)
        }
    }

    /// Fences brokers whose session expired (`broker.session.timeout.ms` without a heartbeat).
    pub(super) fn check_sessions(&mut self) {
        let timeout = self.env.settings.broker_session_timeout_ms;
        let expired: Vec<(BrokerId, i64)> = {
            let Some(l) = self.proc.leader_state_ref() else { return };
            self.proc
                .image
                .brokers
                .iter()
                .filter(|(id, b)| {
                    !b.fenced && l.sessions.get(id).map(|t| self.now.ms_since(*t) >= timeout).unwrap_or(true)
                })
                .map(|(id, b)| (*id, b.epoch))
                .collect()
        };
        for (broker, _) in expired {
            let secs = timeout / 1000;
            let why = format!("no heartbeat for {secs} s (broker.session.timeout.ms={timeout})");
            self.handle_broker_fenced(broker, why, ElectionReason::LeaderFenced);
        }
    }
}

/// `BrokerControlState`: where a broker is in the controller's heartbeat state machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BrokerControlState {
    Fenced,
    Unfenced,
    ControlledShutdown,
    ShutdownNow,
}
