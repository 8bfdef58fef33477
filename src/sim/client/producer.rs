//! The producer (`KafkaProducer`, `RecordAccumulator`, `Sender`): partitioning (murmur2 for
//! keys, the built-in sticky partitioner otherwise — `BuiltInPartitioner`), batching by
//! `linger.ms` and `batch.size`, `max.in.flight.requests.per.connection`, acks, retries with
//! backoff, `request.timeout.ms`, `delivery.timeout.ms`, and idempotence with producer id,
//! epoch and sequence numbers.
//!
//! Without idempotence a retry after a lost response writes the batch twice, and with more
//! than one request in flight a retried batch can land after a later one — exactly as in Kafka.

use super::config::ProducerConfig;
use super::conn::ExpBackoff;
use super::{ClientMetadata, TopicMeta};
use crate::sim::client::timer::{ClientOut, ClientTimer};
use crate::sim::codec::Codec;
use crate::sim::compression::CompressionType;
use crate::sim::errors::{ApiError, KafkaError};
use crate::sim::node::{CorrIds, Env};
use crate::sim::partitioner::{partition_for_key, BuiltInPartitioner};
use crate::sim::protocol::{Body, Message, ProduceBatch, Request, Response};
use crate::sim::record::{batch_size_with, record_size, Bytes, Header, Record, RECORD_BATCH_OVERHEAD};
use crate::sim::rng::Pcg32;
use crate::sim::time::SimTime;
use crate::sim::trace::TraceKind;
use crate::sim::types::{BrokerId, NodeAddr, Offset, TopicPartition};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

/// What an application hands to `send()`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct ProducerRecord {
    pub topic: String,
    pub partition: Option<i32>,
    pub key: Option<Bytes>,
    pub value: Option<Bytes>,
    pub headers: Vec<Header>,
    pub timestamp: Option<i64>,
}

/// How many completions a producer keeps undrained: far more than any drainer sees between two
/// of its steps, few enough that a producer running for hours stays small.
pub(crate) const MAX_COMPLETIONS: usize = 1024;

/// The outcome of a batch of sends, for the application that made them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct Completion {
    pub tp: TopicPartition,
    pub send_ids: Vec<u64>,
    /// The base offset (-1 when unknown: acks=0, or a duplicate the broker dropped).
    pub result: Result<Offset, ApiError>,
    pub at: SimTime,
}

/// Why `send()` could not take a record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub enum SendError {
    /// `buffer.memory` is full: the application waits (`max.block.ms`).
    BufferFull,
    /// The producer cannot accept records any more, or the record is invalid.
    Fatal(String),
}

#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub(crate) struct ProducerBatch {
    pub(crate) tp: TopicPartition,
    pub(crate) records: Vec<Record>,
    pub(crate) frozen: Option<Rc<Vec<Record>>>,
    pub(crate) send_ids: Vec<u64>,
    pub(crate) size: u32,
    pub(crate) created: SimTime,
    pub(crate) attempts: u32,
    pub(crate) base_sequence: i32,
    pub(crate) producer_epoch: i16,
    pub(crate) origin: u64,
    pub(crate) retry_at: SimTime,
    pub(crate) full: bool,
    pub(crate) first_timestamp: i64,
    /// What this batch holds of `buffer.memory` (released when it completes).
    pub(crate) reserved: i64,
    /// Its size on the wire once closed: header plus records compressed with the producer's
    /// `compression.type` (0 while it is still open).
    pub(crate) wire_size: u32,
}

impl ProducerBatch {
    fn new(tp: TopicPartition, now: SimTime, first_timestamp: i64, origin: u64) -> ProducerBatch {
        ProducerBatch {
            tp,
            records: Vec::new(),
            frozen: None,
            send_ids: Vec::new(),
            size: RECORD_BATCH_OVERHEAD,
            created: now,
            attempts: 0,
            base_sequence: -1,
            producer_epoch: -1,
            origin,
            retry_at: SimTime::ZERO,
            full: false,
            first_timestamp,
            reserved: 0,
            wire_size: 0,
        }
    }

    /// Room for as many records like the first one (of `first` bytes) as `batch.size` holds,
    /// so a filling batch does not grow its vectors record by record (capped: a tiny record
    /// must not reserve thousands of slots).
    fn reserve_for(&mut self, first: u32, batch_size: i32) {
        let n = (batch_size.max(0) as u32 / first.max(1)).clamp(1, 256) as usize;
        self.records.reserve(n);
        self.send_ids.reserve(n);
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
struct InflightProduce {
    broker: BrokerId,
    batches: Vec<ProducerBatch>,
}

#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub struct Producer {
    pub id: u32,
    pub(crate) client_id: String,
    pub(crate) cfg: ProducerConfig,
    pub meta: ClientMetadata,
    pub(crate) corr: CorrIds,
    rng: Pcg32,
    pending: VecDeque<(u64, ProducerRecord, SimTime)>,
    pub(crate) accum: BTreeMap<TopicPartition, VecDeque<ProducerBatch>>,
    partitioners: BTreeMap<String, BuiltInPartitioner>,
    inflight: BTreeMap<u64, InflightProduce>,
    pub(crate) buffered: i64,
    pub(crate) completions: VecDeque<Completion>,
    next_send_id: u64,
    next_batch: u64,
    pub(crate) producer_id: i64,
    pub producer_epoch: i16,
    pid_inflight: Option<u64>,
    pid_backoff: SimTime,
    /// An idempotent producer's InitProducerId was refused CLUSTER_AUTHORIZATION_FAILED (no
    /// IDEMPOTENT_WRITE on the cluster, no WRITE on any topic): its `TransactionManager` is in
    /// ABORTABLE_ERROR until the next InitProducerId goes (`InitProducerIdHandler`,
    /// `Sender.shouldHandleAuthorizationError`).
    #[serde(default)]
    idempotence_refused: bool,
    next_seq: BTreeMap<TopicPartition, i32>,
    /// `flush()` was called: what is batched goes out now, without waiting for `linger.ms`.
    flushing: bool,
    pub closed: bool,
    pub(crate) fatal: Option<String>,
    wake_at: Option<SimTime>,
    /// Records acknowledged so far (for the view).
    pub acked: u64,
    pub failed: u64,
    pub(crate) txn: Option<crate::sim::client::txn::ProducerTxn>,
    /// A simulated application writing records at a steady rate (`producer start`).
    pub(crate) workload: Option<Workload>,
    /// Wall-clock milliseconds at simulated time zero (for record timestamps).
    pub(crate) epoch_ms: i64,
    /// `CompressionRatioEstimator`: per topic, the compressed/uncompressed ratio the
    /// accumulator expects, in thousandths (Kafka's float, starting at 1.0).
    pub(crate) compression_ratio: BTreeMap<String, u32>,
    /// Batches put back in the queue after a failed attempt (`Sender.completeBatch`).
    pub(crate) retries: u64,
    /// The application's `send()` waiting for `buffer.memory` (`BufferPool.allocate`): since
    /// when, and the record it is sending. Only `producer start` applications block here.
    pub(crate) blocked: Option<(SimTime, ProducerRecord)>,
    /// Sends that waited for buffer space at all, and those that gave up after `max.block.ms`
    /// (`BufferExhaustedException`).
    pub(crate) blocked_sends: u64,
    pub(crate) block_timeouts: u64,
}

/// A long-running producer application: one record every `1/rate` seconds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct Workload {
    pub(crate) topic: String,
    /// Records per second; 0 pauses the application.
    pub(crate) rate_per_sec: u32,
    /// Keys used in turn (empty: null keys, spread by the sticky partitioner).
    pub(crate) keys: Vec<String>,
    /// Values are `<prefix><n>`.
    pub(crate) value_prefix: String,
    /// Stop after this many records.
    pub(crate) max_records: Option<u64>,
    pub(crate) sent: u64,
    pub(crate) next_at: SimTime,
}

impl Producer {
    pub(crate) fn new(
        id: u32,
        client_id: String,
        cfg: ProducerConfig,
        bootstrap: Vec<(String, Option<BrokerId>)>,
        rng: Pcg32,
    ) -> Producer {
        let mut meta = ClientMetadata::new(bootstrap, rng.clone().split("network-client"));
        meta.max_age_ms = cfg.metadata_max_age_ms;
        meta.refresh_backoff = ExpBackoff::new(cfg.retry_backoff_ms, cfg.retry_backoff_max_ms);
        meta.request_timeout_ms = cfg.request_timeout_ms;
        meta.log_prefix = match &cfg.transactional_id {
            Some(t) => format!("[Producer clientId={client_id}, transactionalId={t}] "),
            None => format!("[Producer clientId={client_id}] "),
        };
        let txn = cfg.transactional_id.clone().map(crate::sim::client::txn::ProducerTxn::new);
        Producer {
            id,
            client_id,
            cfg,
            meta,
            corr: CorrIds::default(),
            rng,
            pending: VecDeque::new(),
            accum: BTreeMap::new(),
            partitioners: BTreeMap::new(),
            inflight: BTreeMap::new(),
            buffered: 0,
            completions: VecDeque::new(),
            next_send_id: 0,
            next_batch: 0,
            producer_id: -1,
            producer_epoch: -1,
            pid_inflight: None,
            pid_backoff: SimTime::ZERO,
            idempotence_refused: false,
            next_seq: BTreeMap::new(),
            flushing: false,
            closed: false,
            fatal: None,
            wake_at: None,
            acked: 0,
            failed: 0,
            txn,
            workload: None,
            epoch_ms: crate::sim::time::DEFAULT_EPOCH_MS,
            compression_ratio: BTreeMap::new(),
            retries: 0,
            blocked: None,
            blocked_sends: 0,
            block_timeouts: 0,
        }
    }

    /// Accepts a record (`KafkaProducer.send`). The result arrives later as a [`Completion`].
    pub(crate) fn send(&mut self, now: SimTime, record: ProducerRecord) -> Result<u64, SendError> {
        if let Some(f) = &self.fatal {
            return Err(SendError::Fatal(f.clone()));
        }
        if self.closed {
            return Err(SendError::Fatal("Cannot perform operation after producer has been closed".into()));
        }
        if let Some(t) = &self.txn {
            t.can_send().map_err(|e| SendError::Fatal(e.java_string()))?;
        }
        let size = reservation(&record);
        if size > self.cfg.max_request_size as u32 {
            return Err(SendError::Fatal(format!(
                "org.apache.kafka.common.errors.RecordTooLargeException: The message is {size} bytes when serialized which is larger than {}, which is the value of the max.request.size configuration.",
                self.cfg.max_request_size
            )));
        }
        if self.buffered + i64::from(size) > self.cfg.buffer_memory {
            return Err(SendError::BufferFull);
        }
        self.buffered += i64::from(size);
        let id = self.next_send_id;
        self.next_send_id += 1;
        // With the topic's metadata at hand (and nothing queued before it), the record goes
        // straight into the accumulator, as `KafkaProducer.send` does.
        let count = match self.meta.topics.get(&record.topic) {
            Some(TopicMeta { error: None, partitions, .. }) if self.pending.is_empty() => partitions.len() as i32,
            _ => 0,
        };
        if count > 0 && record.partition.map(|p| p >= 0 && p < count).unwrap_or(true) {
            self.append(now, id, record, count, size);
        } else {
            self.meta.want(&record.topic);
            self.pending.push_back((id, record, now));
        }
        Ok(id)
    }

    /// `KafkaProducer.flush()` (and the start of `close()`): every batch is ready to send now,
    /// whatever its `linger.ms`; the client sends them when it next runs.
    pub(crate) fn flush(&mut self) {
        self.flushing = true;
    }

    /// The batches of each produce request in flight, with the broker it went to.
    pub(crate) fn inflight_batches(&self) -> impl Iterator<Item = (BrokerId, &[ProducerBatch])> {
        self.inflight.values().map(|r| (r.broker, r.batches.as_slice()))
    }

    /// Whether everything sent has completed.
    pub fn is_idle(&self) -> bool {
        self.pending.is_empty() && self.accum.values().all(|q| q.is_empty()) && self.inflight.is_empty()
    }

    /// Whether `close()` can end now: everything sent has completed, and the I/O thread is not
    /// waiting for an idempotent InitProducerId (its last `runOnce` handles that answer before
    /// `Sender.run` leaves its loop).
    pub(crate) fn ready_to_close(&self) -> bool {
        self.is_idle() && !(self.txn.is_none() && self.pid_inflight.is_some())
    }

    /// `Sender.run` after its loop: while the `TransactionManager` "has an ongoing transaction"
    /// (ABORTABLE_ERROR counts) it calls `beginAbort`, which a non-transactional producer
    /// refuses (`ensureTransactional`); the I/O thread logs that at ERROR and closes by force.
    pub(crate) fn log_close(&mut self, now: SimTime) {
        if self.txn.is_none() && self.idempotence_refused {
            self.meta.log(
                now,
                "ERROR",
                "org.apache.kafka.clients.producer.internals.Sender",
                "Error in kafka producer I/O thread while aborting transaction when during closing: \n\
                 java.lang.IllegalStateException: Transactional method invoked on a non-transactional producer.\n\tat ..."
                    .to_string(),
            );
        }
    }

    /// A connection failed SASL authentication: the metadata's fatal exception
    /// (`Metadata.fatalError`) is thrown by `waitOnMetadata` to the sends waiting for metadata.
    pub(crate) fn authentication_failed(&mut self, now: SimTime, message: &str, out: &mut ClientOut) {
        while let Some((id, r, _)) = self.pending.pop_front() {
            let err = ApiError::with(KafkaError::SASL_AUTHENTICATION_FAILED, message);
            self.fail_unrouted(now, id, &r, err, out);
        }
    }

    pub(crate) fn handle_message(
        &mut self,
        now: SimTime,
        from: NodeAddr,
        msg: Message,
        env: &Env,
        out: &mut ClientOut,
    ) {
        let Body::Resp(resp) = msg.body else { return };
        match resp {
            Response::Metadata { brokers, controller, topics, cluster_id } => {
                let errors: Vec<(String, KafkaError)> =
                    topics.iter().filter_map(|t| t.error.map(|e| (t.name.clone(), e))).collect();
                if self.meta.on_response(now, msg.corr, brokers, controller, topics, cluster_id) && !errors.is_empty() {
                    out.trace(TraceKind::ClientError {
                        client: self.client_id.clone(),
                        api: "Metadata".into(),
                        error: errors[0].1,
                        detail: format!("{{{}={}}}", errors[0].0, errors[0].1.name()),
                    });
                }
            }
            Response::Produce { results } => self.on_produce_response(now, msg.corr, results, out),
            Response::InitProducerId { error, producer_id, producer_epoch } => {
                if self.pid_inflight != Some(msg.corr) {
                    return;
                }
                self.pid_inflight = None;
                match error {
                    None => {
                        self.producer_id = producer_id;
                        self.producer_epoch = producer_epoch;
                        self.next_seq.clear();
                        if let Some(t) = &mut self.txn {
                            t.on_init(producer_id, producer_epoch);
                        }
                    }
                    Some(e) => {
                        if self.txn.is_none() && e == KafkaError::CLUSTER_AUTHORIZATION_FAILED {
                            // InitProducerIdHandler: "Abortable authorization error" (INFO).
                            self.idempotence_refused = true;
                            // Sender.shouldHandleAuthorizationError: the batches waiting for a
                            // producer id are aborted with the ClusterAuthorizationException
                            // (maybeAbortBatches), and the next InitProducerId goes after the
                            // backoff.
                            self.abort_batches(now, ApiError::new(e), out);
                        }
                        if let (Some(t), false) = (&mut self.txn, e.is_retriable()) {
                            self.fatal = Some(e.java_string(None));
                            t.fatal = Some(e);
                        }
                        self.pid_backoff = now.plus_ms(self.cfg.retry_backoff_ms);
                        out.timer(self.pid_backoff, ClientTimer::ClientWake);
                    }
                }
            }
            other => {
                if let Some(t) = &mut self.txn {
                    t.on_response(now, from, msg.corr, other, &mut self.meta, out);
                }
            }
        }
        let _ = env;
    }

    /// Starts, changes or stops the application's steady stream of records.
    pub(crate) fn set_workload(&mut self, now: SimTime, workload: Option<Workload>, out: &mut ClientOut) {
        self.workload = workload.map(|mut w| {
            w.next_at = now;
            w
        });
        self.run_workload(now, out);
    }

    fn run_workload(&mut self, now: SimTime, out: &mut ClientOut) {
        if self.workload.is_none() {
            return;
        }
        // KafkaProducer.send blocks in BufferPool.allocate while buffer.memory is full: the
        // application sends nothing else until the record fits, or gives up after
        // max.block.ms (BufferExhaustedException) and goes on with its next record.
        if let Some((since, r)) = self.blocked.take() {
            match self.send(now, r.clone()) {
                Err(SendError::BufferFull) if now.ms_since(since) < self.cfg.max_block_ms => {
                    self.blocked = Some((since, r));
                    out.timer(since.plus_ms(self.cfg.max_block_ms), ClientTimer::ClientWake);
                    return;
                }
                Err(SendError::BufferFull) => {
                    self.block_timeouts += 1;
                    self.failed += 1;
                    let size = reservation(&r);
                    self.meta.log(
                        now,
                        "ERROR",
                        "org.apache.kafka.clients.producer.KafkaProducer",
                        format!(
                            "Failed to allocate {size} bytes within the configured max blocking time {} ms. Total memory: {} bytes. Available memory: {} bytes. Poolable size: {} bytes",
                            self.cfg.max_block_ms,
                            self.cfg.buffer_memory,
                            (self.cfg.buffer_memory - self.buffered).max(0),
                            self.cfg.batch_size
                        ),
                    );
                }
                _ => {}
            }
            // The application's clock went on while it was blocked: it resumes its pace now.
            if let Some(w) = self.workload.as_mut() {
                if w.next_at < now {
                    w.next_at = now;
                }
            }
        }
        let mut first = true;
        loop {
            let Some(w) = self.workload.as_mut() else { return };
            if w.rate_per_sec == 0 || w.max_records.map(|m| w.sent >= m).unwrap_or(false) {
                // Done (or paused) before this wake: nothing to wait for. Done by this wake: the
                // next wake stays scheduled, as it always was.
                if first {
                    return;
                }
                break;
            }
            if w.next_at > now {
                break;
            }
            first = false;
            let interval_us = (1_000_000 / u64::from(w.rate_per_sec)).max(1);
            let key = if w.keys.is_empty() {
                None
            } else {
                Some(crate::sim::record::bytes(w.keys[(w.sent % w.keys.len() as u64) as usize].as_bytes()))
            };
            let value = Some(crate::sim::record::bytes(format!("{}{}", w.value_prefix, w.sent).as_bytes()));
            let r = ProducerRecord {
                topic: w.topic.clone(),
                partition: None,
                key,
                value,
                headers: vec![],
                timestamp: None,
            };
            w.sent += 1;
            w.next_at = w.next_at.plus_micros(interval_us);
            if let Err(SendError::BufferFull) = self.send(now, r.clone()) {
                self.blocked_sends += 1;
                self.blocked = Some((now, r));
                out.timer(now.plus_ms(self.cfg.max_block_ms), ClientTimer::ClientWake);
                return;
            }
        }
        let next = self.workload.as_ref().map(|w| w.next_at);
        if let Some(next) = next {
            out.timer(next, ClientTimer::ClientWake);
        }
    }

    pub(crate) fn handle_timer(&mut self, now: SimTime, timer: ClientTimer, _env: &Env, out: &mut ClientOut) {
        if timer == ClientTimer::ClientWake {
            self.run_workload(now, out);
        }
        if let ClientTimer::RequestTimeout(corr) = timer {
            if self.meta.on_failure(now, corr, out) {
                return;
            }
            if self.pid_inflight == Some(corr) {
                self.pid_inflight = None;
                return;
            }
            if let Some(req) = self.inflight.get(&corr) {
                // Kafka closes the connection on a request timeout: every request on it fails.
                let broker = req.broker;
                self.fail_connection(now, broker, Some(corr), out);
                return;
            }
            if let Some(t) = &mut self.txn {
                t.on_timeout(now, corr, &mut self.meta, out);
            }
        }
    }

    pub(crate) fn handle_disconnect(&mut self, now: SimTime, peer: NodeAddr, _env: &Env, out: &mut ClientOut) {
        if let NodeAddr::Broker(b) = peer {
            self.fail_connection(now, b, None, out);
            if let Some(t) = &mut self.txn {
                t.on_disconnect(now, peer);
            }
        }
    }

    /// Request `corr` was cancelled because its connection closed (`Sender.handleProduceResponse`
    /// with `wasDisconnected()`: every batch fails with NETWORK_EXCEPTION "Disconnected from node
    /// N", retried while `delivery.timeout.ms` allows; `Sender.maybeSendAndPollTransactionalRequest`
    /// retries an InitProducerId; the transaction manager's requests look for their coordinator
    /// again).
    pub(crate) fn request_disconnected(&mut self, now: SimTime, corr: u64, out: &mut ClientOut) {
        if self.pid_inflight == Some(corr) {
            self.pid_inflight = None;
            self.meta.need_update = true;
            return;
        }
        if let Some(req) = self.inflight.remove(&corr) {
            let err = ApiError::with(KafkaError::NETWORK_EXCEPTION, format!("Disconnected from node {}", req.broker));
            for b in req.batches {
                self.on_batch_failed(now, corr, b, err.clone(), out);
            }
            self.meta.need_update = true;
            return;
        }
        if let Some(t) = &mut self.txn {
            t.on_timeout(now, corr, &mut self.meta, out);
        }
    }

    fn fail_connection(&mut self, now: SimTime, broker: BrokerId, timed_out: Option<u64>, out: &mut ClientOut) {
        let corrs: Vec<u64> = self.inflight.iter().filter(|(_, r)| r.broker == broker).map(|(c, _)| *c).collect();
        for c in corrs {
            let req = self.inflight.remove(&c).expect("present");
            // Sender.handleProduceResponse: every request on a connection closed for a timeout
            // fails as timed out, on a lost connection as a network error.
            let err = if timed_out.is_some() {
                ApiError::with(KafkaError::REQUEST_TIMED_OUT, format!("Disconnected from node {broker} due to timeout"))
            } else {
                ApiError::with(KafkaError::NETWORK_EXCEPTION, format!("Disconnected from node {broker}"))
            };
            for b in req.batches {
                self.on_batch_failed(now, c, b, err.clone(), out);
            }
        }
        self.meta.need_update = true;
    }

    fn on_produce_response(
        &mut self,
        now: SimTime,
        corr: u64,
        results: Vec<crate::sim::protocol::PartitionProduceResult>,
        out: &mut ClientOut,
    ) {
        let Some(req) = self.inflight.remove(&corr) else { return };
        let mut batches = req.batches;
        for (tp, result) in results {
            let Some(pos) = batches.iter().position(|b| b.tp == tp) else { continue };
            let b = batches.remove(pos);
            match result {
                Ok((base, _)) => self.complete(now, b, Ok(base), out),
                Err(e) if e.error == KafkaError::DUPLICATE_SEQUENCE_NUMBER => self.complete(now, b, Ok(-1), out),
                Err(e) => self.on_batch_failed(now, corr, b, e, out),
            }
        }
        for b in batches {
            self.on_batch_failed(now, corr, b, ApiError::new(KafkaError::NETWORK_EXCEPTION), out);
        }
    }

    fn complete(&mut self, now: SimTime, b: ProducerBatch, result: Result<Offset, ApiError>, out: &mut ClientOut) {
        if let (Err(e), Some(t)) = (&result, &mut self.txn) {
            t.on_produce_error(e.error, out);
        }
        let count = b.send_ids.len() as u32;
        self.buffered -= b.reserved;
        if self.blocked.is_some() {
            // BufferPool.deallocate signals the waiting send().
            out.timer(now, ClientTimer::ClientWake);
        }
        match &result {
            Ok(base) => {
                self.acked += u64::from(count);
                out.trace(TraceKind::ProduceAcked {
                    client: self.client_id.clone(),
                    tp: b.tp.clone(),
                    base_offset: *base,
                    count,
                    acks: self.cfg.acks,
                    origin: b.origin,
                });
            }
            Err(e) => {
                self.failed += u64::from(count);
                out.trace(TraceKind::ProduceFailed {
                    client: self.client_id.clone(),
                    tp: b.tp.clone(),
                    error: e.error,
                    count,
                    retrying: false,
                });
            }
        }
        self.push_completion(Completion { tp: b.tp, send_ids: b.send_ids, result, at: now });
    }

    /// `Sender.completeBatch` for a failed batch of request `corr`: retried (with the WARN the
    /// Java producer logs) while `retries` and `delivery.timeout.ms` allow, else failed with
    /// the broker's error.
    fn on_batch_failed(&mut self, now: SimTime, corr: u64, mut b: ProducerBatch, e: ApiError, out: &mut ClientOut) {
        let invalid_metadata = matches!(
            e.error,
            KafkaError::NOT_LEADER_OR_FOLLOWER
                | KafkaError::UNKNOWN_TOPIC_OR_PARTITION
                | KafkaError::LEADER_NOT_AVAILABLE
                | KafkaError::NETWORK_EXCEPTION
                | KafkaError::FENCED_LEADER_EPOCH
        );
        let idem = self.cfg.enable_idempotence;
        // With idempotence, a batch after a retried one fails OUT_OF_ORDER_SEQUENCE and is
        // simply retried behind it — also while the earlier batch is still in flight, its
        // answer not yet come (TransactionManager.canRetry: an earlier sequence is unresolved).
        let earlier = |x: &ProducerBatch| x.tp == b.tp && x.base_sequence >= 0 && x.base_sequence < b.base_sequence;
        let earlier_retrying = idem
            && (self.accum.get(&b.tp).map(|q| q.iter().any(earlier)).unwrap_or(false)
                || self.inflight.values().any(|r| r.batches.iter().any(earlier)));
        let retriable =
            e.error.is_retriable() || (e.error == KafkaError::OUT_OF_ORDER_SEQUENCE_NUMBER && earlier_retrying);
        let in_time = now.ms_since(b.created) < self.cfg.delivery_timeout_ms;
        // ProducerBatch.attempts() counts the retries so far (this simulation counts sends).
        let retried = i64::from(b.attempts.saturating_sub(1));
        // The Java client logs the error with the broker's message, if it sent one.
        let detail = match &e.message {
            Some(m) if !m.is_empty() => format!("{}. Error Message: {m}", e.error.name()),
            _ => e.error.name().to_string(),
        };
        let kafka_corr = CorrIds::kafka_id(corr);
        if retriable && retried < self.cfg.retries && in_time && self.cfg.acks != 0 {
            self.meta.log(
                now,
                "WARN",
                SENDER,
                format!(
                    "Got error produce response with correlation id {kafka_corr} on topic-partition {}, retrying ({} attempts left). Error: {detail}",
                    b.tp,
                    self.cfg.retries - retried - 1
                ),
            );
            // RecordAccumulator.reenqueue, then the retry back-off of KIP-580:
            // retry.backoff.ms doubling to retry.backoff.max.ms, ±20 %.
            let backoff = ExpBackoff::new(self.cfg.retry_backoff_ms, self.cfg.retry_backoff_max_ms)
                .backoff(u64::from(b.attempts.saturating_sub(1)), &mut self.rng);
            b.retry_at = now.plus_ms(backoff);
            self.retries += 1;
            out.trace(TraceKind::ProduceFailed {
                client: self.client_id.clone(),
                tp: b.tp.clone(),
                error: e.error,
                count: b.send_ids.len() as u32,
                retrying: true,
            });
            out.timer(b.retry_at, ClientTimer::ClientWake);
            let tp = b.tp.clone();
            let q = self.accum.entry(b.tp.clone()).or_default();
            if idem && b.base_sequence >= 0 {
                let pos =
                    q.iter().position(|x| x.base_sequence < 0 || x.base_sequence > b.base_sequence).unwrap_or(q.len());
                q.insert(pos, b);
            } else {
                q.push_front(b);
            }
            self.log_invalid_metadata(now, &tp, &e, invalid_metadata);
        } else {
            let sequenced = idem && b.base_sequence >= 0;
            let tp = b.tp.clone();
            self.complete(now, b, Err(e.clone()), out);
            if sequenced {
                self.bump_epoch(now, &tp, e.clone(), out);
            }
            self.log_invalid_metadata(now, &tp, &e, invalid_metadata);
        }
        if invalid_metadata || e.error == KafkaError::REQUEST_TIMED_OUT {
            self.meta.need_update = true;
        }
    }

    /// The WARN `Sender` logs for an `InvalidMetadataException` before it asks for metadata.
    fn log_invalid_metadata(&mut self, now: SimTime, tp: &TopicPartition, e: &ApiError, invalid_metadata: bool) {
        if !invalid_metadata {
            return;
        }
        let line = if e.error == KafkaError::UNKNOWN_TOPIC_OR_PARTITION {
            format!("Received unknown topic or partition error in produce request on partition {tp}. The topic-partition may not exist or the user may not have Describe access to it")
        } else {
            format!(
                "Received invalid metadata error in produce request on partition {tp} due to {} Going to request metadata update now",
                e.java_string()
            )
        };
        self.meta.log(now, "WARN", SENDER, line);
    }

    /// KIP-360 for an idempotent producer: after a batch of unknown fate fails, the producer
    /// bumps its epoch locally and starts sequences again at 0. Batches of the partition that
    /// already carry a sequence have an unknown fate too: they fail rather than being sent
    /// again under new numbers (which could write them twice).
    fn bump_epoch(&mut self, now: SimTime, tp: &TopicPartition, err: ApiError, out: &mut ClientOut) {
        let stale: Vec<ProducerBatch> = match self.accum.get_mut(tp) {
            Some(q) => {
                let (stale, keep): (VecDeque<ProducerBatch>, VecDeque<ProducerBatch>) =
                    q.drain(..).partition(|b| b.base_sequence >= 0);
                *q = keep;
                stale.into_iter().collect()
            }
            None => Vec::new(),
        };
        for b in stale {
            self.complete(now, b, Err(err.clone()), out);
        }
        if self.producer_epoch < i16::MAX {
            self.producer_epoch += 1;
        } else {
            self.producer_id = -1;
            self.producer_epoch = -1;
        }
        self.next_seq.clear();
    }

    /// The poll loop: route records to partitions, expire old batches, send ready ones.
    pub(crate) fn poll(&mut self, now: SimTime, env: &Env, out: &mut ClientOut) {
        let _ = env;
        if !self.meta.maybe_request(now, &mut self.corr, out, self.cfg.request_timeout_ms) {
            self.expire_pending_without_metadata(now, out);
        }
        self.route_pending(now, out);
        self.expire_batches(now, out);
        let initializing = self.txn.as_ref().map(|t| t.state == crate::sim::client::txn::TxnClientState::Initializing);
        let need_pid = match initializing {
            Some(init) => init,
            None => self.cfg.enable_idempotence && (self.producer_id < 0 || self.producer_epoch < 0),
        };
        if need_pid {
            self.init_producer_id(now, out);
            self.schedule_wake(now, out);
            return;
        }
        if self.txn.as_ref().map(|t| t.aborting()).unwrap_or(false) {
            self.fail_unsent_for_abort(now, out);
        }
        let idle = self.is_idle();
        if let Some(t) = &mut self.txn {
            let producer = crate::sim::client::txn::ProducerIdAndEpoch {
                producer_id: self.producer_id,
                epoch: self.producer_epoch,
            };
            t.poll(now, &mut self.meta, &mut self.corr, producer, idle, out);
            if !t.can_send_partitions() {
                self.schedule_wake(now, out);
                return;
            }
        }
        self.drain(now, out);
        if let Some(t) = &mut self.txn {
            let idle = self.pending.is_empty() && self.accum.values().all(|q| q.is_empty()) && self.inflight.is_empty();
            let producer = crate::sim::client::txn::ProducerIdAndEpoch {
                producer_id: self.producer_id,
                epoch: self.producer_epoch,
            };
            t.poll(now, &mut self.meta, &mut self.corr, producer, idle, out);
        }
        self.schedule_wake(now, out);
    }

    /// abortTransaction(): batches not sent yet are failed (`TransactionAbortedException`).
    fn fail_unsent_for_abort(&mut self, now: SimTime, out: &mut ClientOut) {
        let mut unsent = Vec::new();
        for q in self.accum.values_mut() {
            let (gone, keep): (VecDeque<ProducerBatch>, VecDeque<ProducerBatch>) =
                q.drain(..).partition(|b| b.attempts == 0);
            *q = keep;
            unsent.extend(gone);
        }
        self.accum.retain(|_, q| !q.is_empty());
        for b in unsent {
            let err = ApiError::with(KafkaError::INVALID_TXN_STATE, "Failing batch since transaction was aborted");
            self.complete(now, b, Err(err), out);
        }
    }

    /// `Sender.maybeAbortBatches`: every batch in the accumulator fails with `err`, with the I/O
    /// thread's ERROR line when there was one.
    fn abort_batches(&mut self, now: SimTime, err: ApiError, out: &mut ClientOut) {
        let batches: Vec<ProducerBatch> = std::mem::take(&mut self.accum).into_values().flatten().collect();
        if batches.is_empty() {
            return;
        }
        self.meta.log(
            now,
            "ERROR",
            "org.apache.kafka.clients.producer.internals.Sender",
            format!("Aborting producer batches due to fatal error\n{}", err.java_string()),
        );
        for b in batches {
            self.complete(now, b, Err(err.clone()), out);
        }
    }

    /// The transaction manager, for a transactional producer.
    pub fn txn_mut(&mut self) -> Option<&mut crate::sim::client::txn::ProducerTxn> {
        self.txn.as_mut()
    }

    fn init_producer_id(&mut self, now: SimTime, out: &mut ClientOut) {
        if self.pid_inflight.is_some() || now < self.pid_backoff {
            return;
        }
        let target = match &self.txn {
            Some(t) => match t.coordinator {
                Some(c) => Some(NodeAddr::Broker(c)),
                None => {
                    if let Some(t) = &mut self.txn {
                        t.find_coordinator(now, &mut self.meta, &mut self.corr, out);
                    }
                    return;
                }
            },
            // The least loaded node, once it is ready (Sender.awaitNodeReady).
            None => self.meta.pick_node(),
        };
        let Some(to) = target else { return };
        if let NodeAddr::Broker(b) = to {
            if !self.meta.conn_ready(b, now, out) {
                return;
            }
        }
        let corr = self.corr.next_id();
        self.pid_inflight = Some(corr);
        self.idempotence_refused = false;
        out.request(
            to,
            corr,
            Request::InitProducerId {
                transactional_id: self.cfg.transactional_id.clone(),
                timeout_ms: self.cfg.transaction_timeout_ms,
                producer_id: self.producer_id,
                producer_epoch: self.producer_epoch,
            },
        );
        out.timer(now.plus_ms(self.cfg.request_timeout_ms), ClientTimer::RequestTimeout(corr));
    }

    fn expire_pending_without_metadata(&mut self, now: SimTime, out: &mut ClientOut) {
        let max_block = self.cfg.max_block_ms;
        while let Some(t) = self.pending.front().map(|(_, _, t)| *t) {
            if now.ms_since(t) < max_block {
                break;
            }
            let (id, r2, _) = self.pending.pop_front().expect("front");
            let msg = format!("Topic {} not present in metadata after {max_block} ms.", r2.topic);
            self.fail_unrouted(now, id, &r2, ApiError::with(KafkaError::REQUEST_TIMED_OUT, &msg), out);
        }
    }

    /// A record that never reached the accumulator fails (`KafkaProducer.doSend` throws before
    /// `append`: the callback gets the exception).
    fn fail_unrouted(&mut self, now: SimTime, id: u64, r: &ProducerRecord, err: ApiError, out: &mut ClientOut) {
        self.buffered -= i64::from(reservation(r));
        self.failed += 1;
        let tp = TopicPartition::new(r.topic.clone(), r.partition.unwrap_or(-1));
        out.trace(TraceKind::ProduceFailed {
            client: self.client_id.clone(),
            tp: tp.clone(),
            error: err.error,
            count: 1,
            retrying: false,
        });
        self.push_completion(Completion { tp, send_ids: vec![id], result: Err(err), at: now });
    }

    /// Queues what a send came to for whoever drains `completions` (a console tool, a
    /// perf test, MirrorMaker each step). Nothing drains a `producer start` application's queue,
    /// so only the newest `MAX_COMPLETIONS` are kept (the page reads the newest for refusals):
    /// before, it grew by one per batch for as long as the producer ran, in memory and in every
    /// saved snapshot.
    fn push_completion(&mut self, c: Completion) {
        self.completions.push_back(c);
        while self.completions.len() > MAX_COMPLETIONS {
            self.completions.pop_front();
        }
    }

    fn route_pending(&mut self, now: SimTime, out: &mut ClientOut) {
        while let Some((id, r, t)) = self.pending.pop_front() {
            let count = match self.meta.topics.get(&r.topic) {
                Some(TopicMeta { error: None, partitions, .. }) if !partitions.is_empty() => partitions.len() as i32,
                Some(TopicMeta { error: Some(KafkaError::TOPIC_AUTHORIZATION_FAILED), .. }) => {
                    // waitOnMetadata → Metadata.maybeThrowExceptionForTopic.
                    let err = crate::sim::client::topics_not_authorized(&[&r.topic]);
                    self.fail_unrouted(now, id, &r, err, out);
                    continue;
                }
                Some(TopicMeta { error: Some(e), .. }) if !e.is_retriable() => {
                    let err = ApiError::with(KafkaError::REQUEST_TIMED_OUT, e.message());
                    self.fail_unrouted(now, id, &r, err, out);
                    continue;
                }
                _ => {
                    if now.ms_since(t) >= self.cfg.max_block_ms {
                        let msg =
                            format!("Topic {} not present in metadata after {} ms.", r.topic, self.cfg.max_block_ms);
                        self.fail_unrouted(now, id, &r, ApiError::with(KafkaError::REQUEST_TIMED_OUT, &msg), out);
                    } else {
                        // KafkaProducer.send blocks its caller in waitOnMetadata: the records
                        // sent after this one wait behind it, untouched (and a pipe of many
                        // lines costs one look per poll, not one per waiting line).
                        self.meta.want(&r.topic);
                        self.pending.push_front((id, r, t));
                        return;
                    }
                    continue;
                }
            };
            if let Some(p) = r.partition {
                if p < 0 || p >= count {
                    let msg = format!("Invalid partition given with record: {p} is not in the range [0...{}].", count);
                    self.fail_unrouted(now, id, &r, ApiError::with(KafkaError::REQUEST_TIMED_OUT, &msg), out);
                    continue;
                }
            }
            let reserved = reservation(&r);
            self.append(now, id, r, count, reserved);
        }
    }

    /// `RecordAccumulator.append` with the partition choice of `BuiltInPartitioner`.
    /// `reserved` is the record's [`reservation`], which the caller has already computed.
    fn append(&mut self, now: SimTime, send_id: u64, r: ProducerRecord, count: i32, reserved: u32) {
        let reserved = i64::from(reserved);
        let sticky = r.partition.is_none() && (r.key.is_none() || self.cfg.partitioner_ignore_keys);
        // The sticky partitioner and the topic's available partitions, looked up once for both
        // its uses (choosing the partition, then updating it after the append).
        let mut sticky_state: Option<(&mut BuiltInPartitioner, &[i32])> = None;
        let partition = match (r.partition, &r.key) {
            (Some(p), _) => p,
            (None, Some(k)) if !self.cfg.partitioner_ignore_keys => partition_for_key(k, count),
            _ => {
                let available = self.meta.topics.get(&r.topic).map(|t| t.available.as_slice()).unwrap_or(&[]);
                let batch_size = self.cfg.batch_size.max(1);
                let part = match self.partitioners.get_mut(&r.topic) {
                    Some(p) => p,
                    None => self
                        .partitioners
                        .entry(r.topic.clone())
                        .or_insert_with(|| BuiltInPartitioner::new(batch_size).expect("batch size >= 1")),
                };
                let p = part.peek_current_partition(available, count, &mut self.rng);
                sticky_state = Some((part, available));
                p
            }
        };
        debug_assert_eq!(sticky, sticky_state.is_some());
        // The record's topic becomes its partition's (no copy of the name per record).
        let tp = TopicPartition::new(r.topic, partition);
        // CreateTime: the producer's clock when the application did not set a timestamp.
        let ts = r.timestamp.unwrap_or(self.epoch_ms + now.as_ms() as i64);
        let q = match self.accum.get_mut(&tp) {
            Some(q) => q,
            None => self.accum.entry(tp.clone()).or_default(),
        };
        let need_new = match q.back() {
            None => true,
            Some(b) => b.full || b.frozen.is_some() || b.attempts > 0,
        };
        if need_new {
            self.next_batch += 1;
            q.push_back(ProducerBatch::new(tp.clone(), now, ts, (u64::from(self.id) << 40) | self.next_batch));
        }
        let b = q.back_mut().expect("batch");
        let delta = b.records.len() as u32;
        let rec = Record { offset_delta: delta, timestamp: ts, key: r.key, value: r.value, headers: r.headers };
        let rs = record_size(delta, ts - b.first_timestamp, &rec);
        // MemoryRecordsBuilder.hasRoomFor: a compressed batch is full by its estimated size,
        // the records' uncompressed bytes times the topic's estimated ratio times 1.05
        // (COMPRESSION_RATE_ESTIMATION_FACTOR).
        let ratio = match self.cfg.compression {
            CompressionType::None => None,
            _ => Some(u64::from(self.compression_ratio.get(&tp.topic).copied().unwrap_or(1000))),
        };
        let estimated = |size: u32| -> u32 {
            match ratio {
                None => size,
                Some(r) => {
                    let body = u64::from(size - RECORD_BATCH_OVERHEAD);
                    RECORD_BATCH_OVERHEAD + (body * r * 105 / 100_000) as u32
                }
            }
        };
        if !b.records.is_empty() && estimated(b.size + rs) > self.cfg.batch_size as u32 {
            b.full = true;
            self.next_batch += 1;
            let mut nb = ProducerBatch::new(tp.clone(), now, ts, (u64::from(self.id) << 40) | self.next_batch);
            let rec = Record { offset_delta: 0, ..rec };
            let first = record_size(0, 0, &rec);
            nb.size += first;
            nb.reserved += reserved;
            nb.reserve_for(first, self.cfg.batch_size);
            nb.records.push(rec);
            nb.send_ids.push(send_id);
            q.push_back(nb);
        } else {
            if b.records.is_empty() {
                b.reserve_for(rs, self.cfg.batch_size);
            }
            b.size += rs;
            b.reserved += reserved;
            b.records.push(rec);
            b.send_ids.push(send_id);
            if estimated(b.size) >= self.cfg.batch_size as u32 {
                b.full = true;
            }
        }
        if let Some((part, available)) = sticky_state {
            // From the back: the last batch is the one usually not full, so this stops at once
            // (the same answer as scanning from the front, which walked the whole queue).
            let all_full = q.iter().rev().all(|b| b.full);
            part.update_partition_info(rs as i32, all_full, available, count, &mut self.rng);
        }
    }

    fn expire_batches(&mut self, now: SimTime, out: &mut ClientOut) {
        let timeout = self.cfg.delivery_timeout_ms;
        let mut expired = Vec::new();
        for q in self.accum.values_mut() {
            while let Some(b) = q.front() {
                if now.ms_since(b.created) >= timeout {
                    expired.push(q.pop_front().expect("front"));
                } else {
                    break;
                }
            }
        }
        // Sender.getExpiredInflightBatches: a batch whose request has not been answered in
        // time fails too (its late response is then ignored).
        for req in self.inflight.values_mut() {
            let (gone, keep): (Vec<ProducerBatch>, Vec<ProducerBatch>) =
                std::mem::take(&mut req.batches).into_iter().partition(|b| now.ms_since(b.created) >= timeout);
            req.batches = keep;
            expired.extend(gone);
        }
        for b in expired {
            let msg = expiry_message(&b, now);
            let err = ApiError::with(KafkaError::REQUEST_TIMED_OUT, msg);
            let sequenced = self.cfg.enable_idempotence && b.base_sequence >= 0;
            let tp = b.tp.clone();
            self.complete(now, b, Err(err.clone()), out);
            if sequenced {
                self.bump_epoch(now, &tp, err, out);
            }
        }
        self.accum.retain(|_, q| !q.is_empty());
    }

    fn is_ready(&self, b: &ProducerBatch, queued: usize, now: SimTime) -> bool {
        if b.retry_at > now {
            return false;
        }
        b.attempts > 0 || b.full || queued > 1 || self.flushing || now.ms_since(b.created) >= self.cfg.linger_ms
    }

    /// `Sender.sendProducerData`: one request per broker with the first ready batch of each of
    /// its partitions, within `max.in.flight.requests.per.connection`.
    fn drain(&mut self, now: SimTime, out: &mut ClientOut) {
        let mut per_broker: BTreeMap<BrokerId, Vec<TopicPartition>> = BTreeMap::new();
        let mut not_added: Vec<TopicPartition> = Vec::new();
        let in_flight_tps: Vec<TopicPartition> =
            self.inflight.values().flat_map(|r| r.batches.iter().map(|b| b.tp.clone())).collect();
        for (tp, q) in &self.accum {
            let Some(b) = q.front() else { continue };
            if !self.is_ready(b, q.len(), now) {
                continue;
            }
            // max.in.flight=1 guarantees order: one batch per partition on the wire.
            if self.cfg.max_in_flight == 1 && in_flight_tps.contains(tp) {
                continue;
            }
            if let Some(t) = &self.txn {
                if !t.partition_added(tp) {
                    not_added.push(tp.clone());
                    continue;
                }
            }
            match self.meta.leader(tp) {
                Some(l) => per_broker.entry(l).or_default().push(tp.clone()),
                None => self.meta.need_update = true,
            }
        }
        if let Some(t) = &mut self.txn {
            for tp in &not_added {
                t.want_partition(tp);
            }
        }
        for (broker, tps) in per_broker {
            // Sender.sendProducerData: a leader whose connection is not ready gets nothing now
            // (its batches wait; the connection is opened when the back-off allows).
            if !self.meta.conn_ready(broker, now, out) {
                continue;
            }
            let in_flight = self.inflight.values().filter(|r| r.broker == broker).count() as i32;
            if in_flight >= self.cfg.max_in_flight {
                continue;
            }
            let mut batches = Vec::new();
            let mut size = 0u32;
            for tp in tps {
                let Some(q) = self.accum.get_mut(&tp) else { continue };
                let Some(front) = q.front() else { continue };
                if !batches.is_empty() && size + front.size > self.cfg.max_request_size as u32 {
                    break;
                }
                let mut b = q.pop_front().expect("front");
                size += b.size;
                if b.frozen.is_none() {
                    let mut records = std::mem::take(&mut b.records);
                    // A batch sent before it filled gives back the room reserved for it (the
                    // log keeps these records).
                    if records.capacity() > 2 * records.len() {
                        records.shrink_to_fit();
                    }
                    // ProducerBatch.close: the batch is compressed once, and the topic's
                    // estimated ratio moves toward what it got (CompressionRatioEstimator
                    // .updateEstimation: down by at most 0.005, up by at least 0.05).
                    b.wire_size = batch_size_with(&records, self.cfg.compression);
                    if self.cfg.compression != CompressionType::None && b.size > RECORD_BATCH_OVERHEAD {
                        // MemoryRecordsBuilder.close: the whole batch over its records'
                        // uncompressed bytes.
                        let observed =
                            (u64::from(b.wire_size) * 1000 / u64::from(b.size - RECORD_BATCH_OVERHEAD)) as u32;
                        let est = self.compression_ratio.entry(b.tp.topic.clone()).or_insert(1000);
                        if observed > *est {
                            *est = (*est + 50).max(observed);
                        } else if observed < *est {
                            *est = est.saturating_sub(5).max(observed);
                        }
                    }
                    b.frozen = Some(Rc::new(records));
                }
                if self.cfg.enable_idempotence && b.base_sequence < 0 {
                    let seq = self.next_seq.entry(tp.clone()).or_insert(0);
                    b.base_sequence = *seq;
                    b.producer_epoch = self.producer_epoch;
                    *seq = seq.wrapping_add(b.send_ids.len() as i32);
                }
                b.attempts += 1;
                batches.push(b);
            }
            if batches.is_empty() {
                continue;
            }
            let corr = self.corr.next_id();
            let wire: Vec<ProduceBatch> = batches
                .iter()
                .map(|b| {
                    let records = b.frozen.clone().expect("frozen");
                    ProduceBatch {
                        tp: b.tp.clone(),
                        producer_id: if self.cfg.enable_idempotence { self.producer_id } else { -1 },
                        producer_epoch: if self.cfg.enable_idempotence { b.producer_epoch } else { -1 },
                        base_sequence: if self.cfg.enable_idempotence { b.base_sequence } else { -1 },
                        transactional: self.txn.is_some(),
                        size_bytes: b.wire_size,
                        compression: self.cfg.compression,
                        records,
                        origin: b.origin,
                    }
                })
                .collect();
            out.request(
                NodeAddr::Broker(broker),
                corr,
                Request::Produce {
                    acks: self.cfg.acks,
                    timeout_ms: self.cfg.request_timeout_ms,
                    transactional_id: self.cfg.transactional_id.clone(),
                    batches: wire,
                },
            );
            if self.cfg.acks == 0 {
                for b in batches {
                    self.complete(now, b, Ok(-1), out);
                }
            } else {
                self.inflight.insert(corr, InflightProduce { broker, batches });
                out.timer(now.plus_ms(self.cfg.request_timeout_ms), ClientTimer::RequestTimeout(corr));
            }
        }
        self.accum.retain(|_, q| !q.is_empty());
    }

    fn schedule_wake(&mut self, now: SimTime, out: &mut ClientOut) {
        let mut next: Option<SimTime> = None;
        for q in self.accum.values() {
            if let Some(b) = q.front() {
                let t = if b.retry_at > now { b.retry_at } else { b.created.plus_ms(self.cfg.linger_ms) };
                // A batch already due but not sendable (in-flight limit, no leader) is sent
                // when a response or metadata arrives; no need to spin.
                if t > now {
                    next = Some(next.map_or(t, |n| n.min(t)));
                }
                let exp = b.created.plus_ms(self.cfg.delivery_timeout_ms);
                next = Some(next.map_or(exp, |n| n.min(exp)));
            }
        }
        for b in self.inflight.values().flat_map(|r| r.batches.iter()) {
            let exp = b.created.plus_ms(self.cfg.delivery_timeout_ms);
            if exp > now {
                next = Some(next.map_or(exp, |n| n.min(exp)));
            }
        }
        if !self.pending.is_empty() {
            let t = now.plus_ms(100);
            next = Some(next.map_or(t, |n| n.min(t)));
        }
        if let Some(t) = next {
            if self.wake_at.map(|w| w <= now || t < w).unwrap_or(true) {
                self.wake_at = Some(t);
                out.timer(t, ClientTimer::ClientWake);
            }
        }
    }
}

/// `Sender.failExpiredBatches`' message.
fn expiry_message(b: &ProducerBatch, now: SimTime) -> String {
    format!(
        "Expiring {} record(s) for {}:{} ms has passed since batch creation. The request has not been sent, or no server response has been received yet.",
        b.send_ids.len(),
        b.tp,
        now.ms_since(b.created)
    )
}

/// The logger of the producer's send loop.
pub(crate) const SENDER: &str = "org.apache.kafka.clients.producer.internals.Sender";

/// What one record takes from `buffer.memory` until its batch completes: its size in a batch
/// plus a share of the batch header (the Java producer allocates whole batches; this keeps the
/// same order of magnitude without a buffer pool).
fn reservation(r: &ProducerRecord) -> u32 {
    crate::sim::record::record_size_of(0, 0, r.key.as_deref(), r.value.as_deref(), &r.headers) + RECORD_BATCH_OVERHEAD
}
