//! Client quotas on the broker's request path (`KafkaApis.handleProduceRequest` and
//! `handleFetchRequest` with `QuotaFactory.QuotaManagers`): the produce request's size and the
//! fetch response's size are recorded against the client's byte-rate quota, and a response that
//! breaks it carries `throttle_time_ms` (KIP-219). A throttled fetch answers no data and takes
//! its bytes back (`unrecordQuotaSensor`, `FetchContext.getThrottledResponse`).

use super::BrokerStep;
use crate::sim::codec::Codec;
use crate::sim::protocol::{Body, Request, Response};
use crate::sim::quota::{QuotaManagers, QuotaType};
use crate::sim::types::NodeAddr;
use serde::{Deserialize, Serialize};

/// Request handler work per second of simulated time, for the broker's request metrics
/// (`kafka.network:type=RequestMetrics`, `kafka.server:type=BrokerTopicMetrics`) and the
/// modelled `RequestHandlerAvgIdlePercent` (see [`WorkMeter::busy_us`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct WorkBucket {
    pub(crate) produce: u64,
    pub(crate) fetch_consumer: u64,
    pub(crate) fetch_follower: u64,
    pub(crate) other: u64,
    pub(crate) failed_produce: u64,
    pub(crate) failed_fetch: u64,
    pub(crate) bytes_in: u64,
    pub(crate) bytes_out: u64,
    /// Modelled handler-thread time, in microseconds.
    pub(crate) busy_us: u64,
}

/// The last [`WorkMeter::SECONDS`] seconds of [`WorkBucket`]s, keyed by simulated second.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct WorkMeter {
    pub(crate) buckets: std::collections::BTreeMap<u64, WorkBucket>,
}

impl WorkMeter {
    pub(crate) const SECONDS: u64 = 60;
    /// The modelled cost of handling one request on a request handler thread: a fixed
    /// 200 µs, plus 1 µs per KiB of records written (produce) or read (fetch).
    pub(crate) const REQUEST_US: u64 = 200;

    pub(crate) fn bucket(&mut self, now_ms: u64) -> &mut WorkBucket {
        let sec = now_ms / 1000;
        while let Some((&first, _)) = self.buckets.first_key_value() {
            if first + Self::SECONDS <= sec {
                self.buckets.remove(&first);
            } else {
                break;
            }
        }
        self.buckets.entry(sec).or_default()
    }

    /// The buckets of the last `secs` full seconds before `now_ms` (the current second left
    /// out: it is still filling).
    pub(crate) fn window(&self, now_ms: u64, secs: u64) -> impl Iterator<Item = &WorkBucket> {
        let cur = now_ms / 1000;
        self.buckets.range(cur.saturating_sub(secs)..cur).map(|(_, b)| b)
    }
}

/// The principal of a PLAINTEXT connection (`KafkaPrincipal.ANONYMOUS`).
pub(crate) const ANONYMOUS: &str = "ANONYMOUS";

/// What the broker knows of a client connection (`RequestContext`): its principal and the
/// client id of its requests' headers. The user quota entity is keyed by the principal's name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct ClientSession {
    pub(crate) principal: String,
    pub(crate) client_id: String,
}

impl BrokerStep<'_> {
    /// The session of a client connection, ANONYMOUS with an empty client id if unknown.
    fn session(&self, client: u32) -> (String, String) {
        self.proc
            .client_sessions
            .get(&client)
            .map(|s| (s.principal.clone(), s.client_id.clone()))
            .unwrap_or_else(|| (ANONYMOUS.to_string(), String::new()))
    }

    /// A request arrived: `ApiVersions` opens the session, a produce request's size is kept for
    /// its response, and a consumer fetch is bounded by what the quota window allows
    /// (`maxValueInQuotaWindow`).
    pub(crate) fn quota_on_request(&mut self, from: NodeAddr, corr: u64, req: &mut Request) {
        let now_ms = self.now.as_ms();
        let b = self.proc.work.bucket(now_ms);
        match req {
            Request::Produce { batches, .. } => {
                let bytes: u64 = batches.iter().map(|x| u64::from(x.size_bytes)).sum();
                b.produce += 1;
                b.bytes_in += bytes;
                b.busy_us += WorkMeter::REQUEST_US + bytes / 1024;
            }
            Request::Fetch { replica, .. } => {
                if *replica >= 0 {
                    b.fetch_follower += 1;
                } else {
                    b.fetch_consumer += 1;
                }
                b.busy_us += WorkMeter::REQUEST_US;
            }
            _ => {
                b.other += 1;
                b.busy_us += WorkMeter::REQUEST_US;
            }
        }
        let NodeAddr::Client(c) = from else { return };
        match req {
            Request::ApiVersions { client_id } if !client_id.is_empty() => {
                // `ClientQuotaManager` keys the user entity by the session's principal name
                // (`Session.sanitizedUser`: `alice` of `User:alice`), the authenticated one on a
                // SASL listener.
                let principal = self
                    .env
                    .principal_of(from)
                    .ok()
                    .and_then(|p| p.split_once(':').map(|(_, name)| name.to_string()))
                    .unwrap_or_else(|| ANONYMOUS.to_string());
                self.proc.client_sessions.insert(c, ClientSession { principal, client_id: client_id.clone() });
            }
            Request::Produce { batches, .. } if !self.proc.image.client_quotas.is_empty() => {
                let size = 40 + batches.iter().map(|b| i64::from(b.size_bytes) + 16).sum::<i64>();
                self.proc.produce_sizes.insert((c, corr), size);
            }
            Request::Fetch { replica, max_bytes, .. } if *replica < 0 && !self.proc.image.client_quotas.is_empty() => {
                let (user, client_id) = self.session(c);
                if let Some(m) = QuotaManagers::max_fetch_bytes(&self.proc.image.client_quotas, &user, &client_id) {
                    *max_bytes = (*max_bytes).min(m.min(i64::from(i32::MAX)) as i32);
                }
            }
            _ => {}
        }
    }

    /// A client connection closed: its session ends.
    pub(crate) fn quota_on_disconnect(&mut self, peer: NodeAddr) {
        if let NodeAddr::Client(c) = peer {
            self.proc.client_sessions.remove(&c);
            self.proc.produce_sizes.retain(|(k, _), _| *k != c);
        }
    }

    /// The step's produce and fetch responses to clients go through the quota managers; those
    /// over quota are sent with their throttle time.
    pub(crate) fn apply_client_quotas(&mut self) {
        self.count_responses();
        if self.proc.image.client_quotas.is_empty() && self.proc.produce_sizes.is_empty() {
            return;
        }
        let now_ms = self.now.as_ms() as i64;
        let mut sends = std::mem::take(&mut self.out.sends);
        for (to, msg) in sends.iter_mut() {
            let NodeAddr::Client(c) = *to else { continue };
            let ty = match &msg.body {
                Body::Resp(Response::Produce { .. }) => QuotaType::Produce,
                Body::Resp(Response::Fetch { .. }) => QuotaType::Fetch,
                _ => continue,
            };
            let (user, client_id) = self.session(c);
            let bytes = match ty {
                QuotaType::Produce => match self.proc.produce_sizes.remove(&(c, msg.corr)) {
                    Some(b) => b,
                    None => continue,
                },
                QuotaType::Fetch => i64::from(msg.size_bytes()),
            };
            let image = &self.proc.image.client_quotas;
            let ms = self.proc.quotas.record(image, ty, &user, &client_id, bytes, now_ms);
            if ms <= 0 {
                continue;
            }
            self.proc.quotas.note_throttle(ty, ms);
            let Body::Resp(resp) = std::mem::replace(&mut msg.body, Body::Resp(Response::ApiVersions(Vec::new())))
            else {
                continue;
            };
            let resp = match resp {
                Response::Fetch { error, .. } => {
                    // A throttled fetch answers no data, and its bytes do not count.
                    self.proc.quotas.unrecord(image, &user, &client_id, bytes, now_ms);
                    Response::Fetch { error, partitions: Vec::new() }
                }
                other => other,
            };
            msg.body = Body::Resp(Response::Throttled { throttle_time_ms: ms as i32, response: Box::new(resp) });
        }
        sends.append(&mut self.out.sends);
        self.out.sends = sends;
    }

    /// Failed produce and fetch answers and the bytes fetches return, for the request metrics.
    fn count_responses(&mut self) {
        let now_ms = self.now.as_ms();
        let mut failed_produce = 0;
        let mut failed_fetch = 0;
        let mut bytes_out = 0u64;
        for (_, msg) in &self.out.sends {
            match &msg.body {
                Body::Resp(Response::Produce { results }) => {
                    failed_produce += u64::from(results.iter().any(|(_, r)| r.is_err()));
                }
                Body::Resp(Response::Fetch { error, partitions }) => {
                    failed_fetch += u64::from(error.is_some() || partitions.iter().any(|p| p.error.is_some()));
                    bytes_out +=
                        partitions.iter().flat_map(|p| p.batches.iter()).map(|b| u64::from(b.size_bytes)).sum::<u64>();
                }
                _ => {}
            }
        }
        if failed_produce + failed_fetch + bytes_out > 0 {
            let b = self.proc.work.bucket(now_ms);
            b.failed_produce += failed_produce;
            b.failed_fetch += failed_fetch;
            b.bytes_out += bytes_out;
            b.busy_us += bytes_out / 1024;
        }
    }
}
