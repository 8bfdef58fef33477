//! Reading the engine's trace for people: explained events for the feed (with how much each
//! matters), requests in flight for the diagram, and the counters the charts sample.

use super::request_kind::RequestKind;
use super::view::{FeedItem, FeedKind, Flight};
use crate::sim::trace::{ElectionReason, Finding, TraceEvent, TraceKind, Traffic};
use crate::sim::types::NodeAddr;
use crate::sim::view::explain::describe_event;
use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

/// Feed lines kept.
pub(crate) const FEED_CAP: usize = 300;
/// Requests drawn in flight at once.
pub(crate) const FLIGHT_CAP: usize = 60;

/// Produced, consumed and failed counts since the charts last sampled.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Counters {
    pub(crate) produced: u64,
    pub consumed: u64,
    pub errors: u64,
}

/// The feed, the flights and the counters, fed from the trace.
#[derive(Default)]
pub(crate) struct Feed {
    items: VecDeque<Rc<FeedItem>>,
    published: Rc<Vec<Rc<FeedItem>>>,
    dirty: bool,
    flights: Vec<Flight>,
    pub(crate) counters: Counters,
    seq: u64,
    /// Recent messages by id (who sent what to whom), to say what a delivery was.
    sent: BTreeMap<u64, Message>,
}

/// A message in flight, as the step report names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Message {
    pub from: NodeAddr,
    pub to: NodeAddr,
    /// The API's name as the trace has it (borrowed: no copy per message).
    pub api: std::borrow::Cow<'static, str>,
    pub response: bool,
}

/// Messages remembered for the step report.
const SENT_KEPT: usize = 4096;

/// How much an event matters to a learner.
pub(crate) fn severity(kind: &TraceKind) -> FeedKind {
    match kind {
        TraceKind::Check(Finding::LostWrite { .. }) => FeedKind::Finding,
        TraceKind::Check(f) if !f.is_expected_under(true) => FeedKind::Finding,
        TraceKind::Check(_) => FeedKind::Warning,
        TraceKind::LeaderElected { reason: ElectionReason::Unclean, .. } => FeedKind::Finding,
        TraceKind::BrokerFenced { .. }
        | TraceKind::PartitionOffline { .. }
        | TraceKind::IsrShrunk { .. }
        | TraceKind::ProcessCrashed { .. }
        | TraceKind::Truncated { .. }
        | TraceKind::ProduceFailed { .. }
        | TraceKind::ClientError { .. } => FeedKind::Warning,
        _ => FeedKind::Info,
    }
}

impl Feed {
    /// Reads `events` (the trace since the last call). `flight_ms` is how long a dot takes to
    /// cross at the current speed; `wall_now_ms` when it starts. Returns whether anything
    /// the page shows changed.
    pub(crate) fn read<'a>(
        &mut self,
        events: impl Iterator<Item = &'a TraceEvent>,
        wall_now_ms: u64,
        flight_ms: u32,
    ) -> bool {
        let mut any = false;
        let mut flights: Vec<Flight> = Vec::new();
        for e in events {
            any = true;
            match &e.kind {
                TraceKind::Sent { id, from, to, api, class, response, .. } => {
                    self.sent.insert(*id, Message { from: *from, to: *to, api: api.clone(), response: *response });
                    while self.sent.len() > SENT_KEPT {
                        self.sent.pop_first();
                    }
                    // Controller-to-controller metadata replication is constant noise: shown
                    // only when nothing else is moving.
                    let quorum = matches!((from, to), (NodeAddr::Controller(_), NodeAddr::Controller(_)));
                    if !quorum || flights.is_empty() {
                        // Label requests only, and not the constant background traffic: a label
                        // on every dot is unreadable.
                        let quiet = *response || *class != Traffic::Request;
                        flights.push(Flight {
                            id: *id,
                            from: *from,
                            to: *to,
                            label: if quiet { String::new() } else { api.to_string() },
                            kind: RequestKind::of_api(api),
                            response: *response,
                            error: false,
                            duration_ms: if *class == Traffic::Heartbeat { flight_ms.min(700) } else { flight_ms },
                            started_ms: wall_now_ms,
                        });
                    }
                }
                TraceKind::ProduceAcked { count, .. } => self.counters.produced += u64::from(*count),
                TraceKind::Consumed { count, .. } => self.counters.consumed += u64::from(*count),
                TraceKind::ProduceFailed { .. } | TraceKind::ClientError { .. } => self.counters.errors += 1,
                _ => {}
            }
            if let Some(text) = describe_event(e) {
                self.seq += 1;
                self.items.push_back(Rc::new(FeedItem {
                    seq: self.seq,
                    at_ms: e.at.as_ms(),
                    text,
                    kind: severity(&e.kind),
                    internal: e.kind.topic().map(|t| t.starts_with("__")).unwrap_or(false),
                }));
                self.dirty = true;
            }
        }
        // Internal topics' lines (a broker crash moves dozens of `__consumer_offsets`
        // leaderships) must not push the learner's own out: they have a cap of their own.
        let internal = self.items.iter().filter(|f| f.internal).count();
        if internal > FEED_CAP / 2 {
            let mut drop = internal - FEED_CAP / 2;
            self.items.retain(|f| {
                let gone = f.internal && drop > 0;
                if gone {
                    drop -= 1;
                }
                !gone
            });
        }
        while self.items.len() > FEED_CAP {
            self.items.pop_front();
        }
        // Keep the most recent flights only (a busy cluster sends thousands a second).
        let skip = flights.len().saturating_sub(FLIGHT_CAP);
        self.flights.extend(flights.into_iter().skip(skip));
        let over = self.flights.len().saturating_sub(FLIGHT_CAP);
        self.flights.drain(..over);
        any
    }

    /// How many lines the feed has had (it grows when something worth telling happened).
    pub(crate) fn seq(&self) -> u64 {
        self.seq
    }

    /// What the message `id` was, if it is recent.
    pub(crate) fn message(&self, id: u64) -> Option<&Message> {
        self.sent.get(&id)
    }

    /// Drops the dots that have arrived; returns whether any did.
    pub(crate) fn land(&mut self, wall_now_ms: u64) -> bool {
        let before = self.flights.len();
        self.flights.retain(|f| wall_now_ms < f.started_ms + u64::from(f.duration_ms) + 100);
        self.flights.len() != before
    }

    /// Forgets the lines after `ms` (the timeline forked there).
    pub(crate) fn cut_after(&mut self, ms: u64) {
        self.items.retain(|f| f.at_ms <= ms);
        self.dirty = true;
    }

    /// Starts again (another cluster).
    pub(crate) fn clear(&mut self) {
        self.items.clear();
        self.flights.clear();
        self.dirty = true;
    }

    pub(crate) fn clear_flights(&mut self) {
        self.flights.clear();
    }

    pub(crate) fn flights(&self) -> &[Flight] {
        &self.flights
    }

    /// The feed as the page gets it (the same `Rc` until something changes).
    pub(crate) fn published(&mut self) -> Rc<Vec<Rc<FeedItem>>> {
        if self.dirty {
            self.published = Rc::new(self.items.iter().cloned().collect());
            self.dirty = false;
        }
        self.published.clone()
    }

    /// Takes the counters for a chart sample.
    pub(crate) fn take_counters(&mut self) -> Counters {
        std::mem::take(&mut self.counters)
    }
}
