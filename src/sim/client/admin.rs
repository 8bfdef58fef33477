//! The admin client behind the CLI tools (`KafkaAdminClient`): each operation is a set of
//! calls, each sent to the right node — any broker, a given broker, a partition's leader, or a
//! group's coordinator — retried on NOT_CONTROLLER, NOT_COORDINATOR, NOT_LEADER_OR_FOLLOWER and
//! timeouts until `default.api.timeout.ms` (60 s).

use super::conn::ExpBackoff;
use super::{ClientMetadata, MetadataStyle};
use crate::sim::client::timer::{ClientOut, ClientTimer};
use crate::sim::codec::Codec;
use crate::sim::errors::KafkaError;
use crate::sim::node::{CorrIds, Env};
use crate::sim::protocol::{Body, ControllerResponse, Message, Request, Response};
use crate::sim::rng::Pcg32;
use crate::sim::time::SimTime;
use crate::sim::types::{BrokerId, NodeAddr, TopicPartition};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where a call goes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub enum Target {
    /// The least loaded broker (any).
    Any,
    Broker(BrokerId),
    /// The current leader of a partition.
    Leader(TopicPartition),
    /// The coordinator of a group (`transaction` = a transactional id's coordinator).
    Coordinator {
        key: String,
        transaction: bool,
    },
}

/// One request of an admin operation.
#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub struct Call {
    pub name: String,
    pub(crate) target: Target,
    pub(crate) request: Request,
    pub response: Option<Result<Response, String>>,
    corr: Option<u64>,
    sent_to: Option<NodeAddr>,
    tries: u32,
    next_try: SimTime,
    coordinator: Option<BrokerId>,
    find_corr: Option<u64>,
}

impl Call {
    pub fn new(name: &str, target: Target, request: Request) -> Call {
        Call {
            name: name.to_string(),
            target,
            request,
            response: None,
            corr: None,
            sent_to: None,
            tries: 0,
            next_try: SimTime::ZERO,
            coordinator: None,
            find_corr: None,
        }
    }
}

/// A running admin operation.
#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub struct AdminTask {
    pub calls: Vec<Call>,
    pub(crate) deadline: SimTime,
    pub(crate) started: SimTime,
}

impl AdminTask {
    pub(crate) fn is_done(&self) -> bool {
        self.calls.iter().all(|c| c.response.is_some())
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub struct Admin {
    pub id: u32,
    pub(crate) client_id: String,
    pub meta: ClientMetadata,
    pub(crate) corr: CorrIds,
    pub(crate) tasks: BTreeMap<u64, AdminTask>,
    next_task: u64,
    pub(crate) request_timeout_ms: i64,
    pub(crate) api_timeout_ms: i64,
    /// `retry.backoff.ms` / `retry.backoff.max.ms` (a failed call's back-off).
    #[serde(default = "default_retry_backoff_ms")]
    pub(crate) retry_backoff_ms: i64,
    #[serde(default = "default_retry_backoff_max_ms")]
    pub(crate) retry_backoff_max_ms: i64,
}

fn default_retry_backoff_ms() -> i64 {
    100
}

fn default_retry_backoff_max_ms() -> i64 {
    1000
}

/// The exception a call's failure text stands for: an exception's `toString` when the call
/// failed with one (`find_coordinator_refused`, [`authentication_failed`]), else the text of the
/// `TimeoutException` that ended it.
pub(crate) fn call_exception(failure: &str) -> String {
    if failure.starts_with("org.apache.kafka.common.errors.") {
        failure.to_string()
    } else {
        format!("org.apache.kafka.common.errors.TimeoutException: {failure}")
    }
}

/// `CoordinatorStrategy.handleError`: FindCoordinator refused GROUP_AUTHORIZATION_FAILED (or
/// TRANSACTIONAL_ID_AUTHORIZATION_FAILED) fails the call with this exception.
fn find_coordinator_refused(target: &Target, resp: &Response) -> Option<String> {
    let (Target::Coordinator { key, transaction }, Response::FindCoordinator { error: Some(e), .. }) = (target, resp)
    else {
        return None;
    };
    let (kind, what) = if *transaction { ("TRANSACTION", "transactionalId") } else { ("GROUP", "groupId") };
    let expected = if *transaction {
        KafkaError::TRANSACTIONAL_ID_AUTHORIZATION_FAILED
    } else {
        KafkaError::GROUP_AUTHORIZATION_FAILED
    };
    (*e == expected).then(|| {
        let message = format!(
            "FindCoordinator request for {what} `CoordinatorKey(idValue='{key}', type={kind})` failed due to authorization failure"
        );
        e.java_string(Some(&message))
    })
}

impl Admin {
    pub(crate) fn new(id: u32, client_id: String, bootstrap: Vec<(String, Option<BrokerId>)>, rng: Pcg32) -> Admin {
        let mut meta = ClientMetadata::new(bootstrap, rng);
        meta.allow_auto_create = false;
        meta.all_topics = true;
        meta.style = MetadataStyle::Admin;
        meta.log_prefix = format!("[AdminClient clientId={client_id}] ");
        Admin {
            id,
            client_id,
            meta,
            corr: CorrIds::default(),
            tasks: BTreeMap::new(),
            next_task: 1,
            request_timeout_ms: 30_000,
            api_timeout_ms: 60_000,
            retry_backoff_ms: default_retry_backoff_ms(),
            retry_backoff_max_ms: default_retry_backoff_max_ms(),
        }
    }

    /// Starts an operation made of `calls`; its results appear in `tasks[id]` when done.
    pub(crate) fn submit(
        &mut self,
        now: SimTime,
        calls: Vec<Call>,
        timeout_ms: Option<i64>,
        out: &mut ClientOut,
    ) -> u64 {
        let id = self.next_task;
        self.next_task += 1;
        let deadline = now.plus_ms(timeout_ms.unwrap_or(self.api_timeout_ms));
        self.tasks.insert(id, AdminTask { calls, deadline, started: now });
        self.meta.need_update = true;
        out.timer(deadline, ClientTimer::ClientWake);
        id
    }

    pub(crate) fn take(&mut self, id: u64) -> Option<AdminTask> {
        if self.tasks.get(&id).map(|t| t.is_done()).unwrap_or(false) {
            self.tasks.remove(&id)
        } else {
            None
        }
    }

    /// A connection failed SASL authentication: `AdminMetadataManager.updateFailed` logs it as
    /// fatal, and every pending call fails with the exception (`KafkaAdminClient` hands the
    /// metadata's `AuthenticationException` to the calls waiting on it).
    pub(crate) fn authentication_failed(&mut self, now: SimTime, exception: &str) {
        self.meta.log(
            now,
            "WARN",
            "org.apache.kafka.clients.admin.internals.AdminMetadataManager",
            format!("Fatal error during metadata update\n{exception}"),
        );
        for task in self.tasks.values_mut() {
            for call in task.calls.iter_mut().filter(|c| c.response.is_none()) {
                call.corr = None;
                call.find_corr = None;
                call.response = Some(Err(exception.to_string()));
            }
        }
    }

    pub(crate) fn handle_message(
        &mut self,
        now: SimTime,
        _from: NodeAddr,
        msg: Message,
        _env: &Env,
        out: &mut ClientOut,
    ) {
        let Body::Resp(resp) = msg.body else { return };
        if let Response::Metadata { brokers, controller, topics, cluster_id } = resp {
            if self.meta.on_response(now, msg.corr, brokers, controller, topics, cluster_id) {
                self.meta.need_update = false;
                return;
            }
            // A Metadata call of a task.
            self.deliver(
                now,
                msg.corr,
                Response::Metadata { brokers: vec![], controller: -1, topics: vec![], cluster_id: String::new() },
                out,
            );
            return;
        }
        self.deliver(now, msg.corr, resp, out);
    }

    fn deliver(&mut self, now: SimTime, corr: u64, resp: Response, out: &mut ClientOut) {
        let backoff = now.plus_ms(100);
        for task in self.tasks.values_mut() {
            for call in task.calls.iter_mut() {
                if call.find_corr == Some(corr) {
                    call.find_corr = None;
                    if let Response::FindCoordinator { error: None, node, .. } = resp {
                        call.coordinator = Some(node);
                    } else if let Some(refused) = find_coordinator_refused(&call.target, &resp) {
                        // CoordinatorStrategy.handleError: an authorization error fails the
                        // call at once (the other errors are retried).
                        call.response = Some(Err(refused));
                    } else {
                        call.next_try = backoff;
                        out.timer(backoff, ClientTimer::ClientWake);
                    }
                    return;
                }
                if call.corr != Some(corr) {
                    continue;
                }
                call.corr = None;
                // Retriable answers: try again (elsewhere) until the deadline.
                let retry = match &resp {
                    Response::Controller(ControllerResponse::NotController { .. }) => true,
                    Response::DescribeGroups(g) => g.iter().any(|d| {
                        matches!(
                            d.error,
                            Some(
                                KafkaError::NOT_COORDINATOR
                                    | KafkaError::COORDINATOR_LOAD_IN_PROGRESS
                                    | KafkaError::COORDINATOR_NOT_AVAILABLE
                            )
                        )
                    }),
                    Response::OffsetFetch { error: Some(e), .. }
                    | Response::OffsetCommit { error: Some(e), .. }
                    | Response::OffsetDelete { error: Some(e), .. } => {
                        matches!(
                            e,
                            KafkaError::NOT_COORDINATOR
                                | KafkaError::COORDINATOR_LOAD_IN_PROGRESS
                                | KafkaError::COORDINATOR_NOT_AVAILABLE
                        )
                    }
                    Response::DeleteGroups(g) => g.iter().any(|(_, e)| {
                        matches!(
                            e,
                            Some(
                                KafkaError::NOT_COORDINATOR
                                    | KafkaError::COORDINATOR_LOAD_IN_PROGRESS
                                    | KafkaError::COORDINATOR_NOT_AVAILABLE
                            )
                        )
                    }),
                    Response::ListOffsets { partitions } => partitions.iter().any(|(_, r)| {
                        matches!(r, Err(KafkaError::NOT_LEADER_OR_FOLLOWER | KafkaError::LEADER_NOT_AVAILABLE))
                    }),
                    _ => false,
                };
                if retry && now < task.deadline {
                    if matches!(call.target, Target::Coordinator { .. }) {
                        call.coordinator = None;
                    }
                    self.meta.need_update = true;
                    call.next_try = backoff;
                    out.timer(backoff, ClientTimer::ClientWake);
                } else {
                    call.response = Some(Ok(resp));
                }
                return;
            }
        }
    }

    pub(crate) fn handle_timer(&mut self, now: SimTime, timer: ClientTimer, _env: &Env, out: &mut ClientOut) {
        if let ClientTimer::RequestTimeout(corr) = timer {
            self.request_failed(now, corr, out);
        }
    }

    /// The request `corr` of a call failed: it timed out, or its connection closed
    /// (`AdminClientRunnable.handleResponses` with `wasDisconnected()` → `Call.fail` with a
    /// `DisconnectException`). Both are retriable: the call goes again, to the node chosen
    /// then, after `retryBackoff.backoff(tries)` (`retry.backoff.ms` doubling to
    /// `retry.backoff.max.ms`, ±20 %), and metadata is refreshed
    /// (`AdminMetadataManager.AdminMetadataUpdater.handleServerDisconnect`).
    pub(crate) fn request_failed(&mut self, now: SimTime, corr: u64, out: &mut ClientOut) {
        if self.meta.on_failure(now, corr, out) {
            return;
        }
        let backoff = ExpBackoff::new(self.retry_backoff_ms, self.retry_backoff_max_ms);
        for task in self.tasks.values_mut() {
            for call in task.calls.iter_mut() {
                if call.corr == Some(corr) || call.find_corr == Some(corr) {
                    call.corr = None;
                    call.find_corr = None;
                    call.coordinator = None;
                    // Kafka counts a try when it fails; this call counted it when it was sent.
                    let wait = backoff.backoff(u64::from(call.tries.saturating_sub(1)), self.meta.rng());
                    call.next_try = now.plus_ms(wait);
                    out.timer(call.next_try, ClientTimer::ClientWake);
                    self.meta.need_update = true;
                }
            }
        }
    }

    /// A broker went away: its calls were failed one by one (`request_failed`).
    pub(crate) fn handle_disconnect(&mut self, _now: SimTime, _peer: NodeAddr, _env: &Env, _out: &mut ClientOut) {}

    /// Sends every call that can go now; fails calls whose task deadline has passed.
    pub(crate) fn poll(&mut self, now: SimTime, _env: &Env, out: &mut ClientOut) {
        if self.tasks.is_empty() {
            return;
        }
        let reachable = self.meta.maybe_request(now, &mut self.corr, out, self.request_timeout_ms);
        let have_meta = self.meta.last_update.is_some() && !self.meta.bootstrapping();
        for task in self.tasks.values_mut() {
            for call in task.calls.iter_mut() {
                if call.response.is_some() {
                    continue;
                }
                if now >= task.deadline {
                    let msg = if call.tries == 0 {
                        format!("Timed out waiting for a node assignment. Call: {}", call.name)
                    } else {
                        format!(
                            "Call(callName={}, deadlineMs={}, tries={}, nextAllowedTryMs={}) timed out at {} after {} attempt(s)",
                            call.name,
                            task.deadline.as_ms(),
                            call.tries,
                            call.next_try.as_ms(),
                            now.as_ms(),
                            call.tries
                        )
                    };
                    call.response = Some(Err(msg));
                    continue;
                }
                if call.corr.is_some() || call.find_corr.is_some() || now < call.next_try || !have_meta || !reachable {
                    continue;
                }
                // KafkaAdminClient.sendEligibleCalls: a call goes to its node once the node's
                // connection is ready; until then it waits (and counts no attempt).
                let node = match &call.target {
                    Target::Any => match self.meta.pick_node() {
                        Some(NodeAddr::Broker(b)) => Some(b),
                        _ => None,
                    },
                    Target::Broker(b) => Some(*b),
                    Target::Leader(tp) => self.meta.leader(tp),
                    Target::Coordinator { key, transaction } => match call.coordinator {
                        Some(c) => Some(c),
                        None => {
                            let Some(NodeAddr::Broker(b)) = self.meta.pick_node() else { continue };
                            if !self.meta.conn_ready(b, now, out) {
                                continue;
                            }
                            let c = self.corr.next_id();
                            call.find_corr = Some(c);
                            call.sent_to = Some(NodeAddr::Broker(b));
                            out.request(
                                NodeAddr::Broker(b),
                                c,
                                Request::FindCoordinator { key: key.clone(), transaction: *transaction },
                            );
                            out.timer(now.plus_ms(self.request_timeout_ms), ClientTimer::RequestTimeout(c));
                            call.tries += 1;
                            continue;
                        }
                    },
                };
                let Some(node) = node else {
                    self.meta.need_update = true;
                    continue;
                };
                if !self.meta.conn_ready(node, now, out) {
                    continue;
                }
                let c = self.corr.next_id();
                call.corr = Some(c);
                call.tries += 1;
                call.sent_to = Some(NodeAddr::Broker(node));
                out.request(NodeAddr::Broker(node), c, call.request.clone());
                out.timer(now.plus_ms(self.request_timeout_ms), ClientTimer::RequestTimeout(c));
            }
        }
    }
}
