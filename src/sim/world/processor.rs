//! Read-process-write applications (`processor start`): a consumer and a transactional producer
//! that copy an input topic to an output topic exactly once, with an optional external side
//! effect that is not part of the transaction.
//!
//! The loop is Kafka's own read-process-write tool, `org.apache.kafka.tools.
//! TransactionalMessageCopier` (kafka-tools 4.4.0), in its group mode with
//! `--use-group-metadata`:
//!
//! * the consumer: `isolation.level=read_committed`, `enable.auto.commit=false`,
//!   `max.poll.records` = the transaction size (200), `session.timeout.ms=10000`,
//!   `heartbeat.interval.ms=3000`, `max.poll.interval.ms=180000`, `auto.offset.reset=earliest`;
//! * the producer: `transactional.id`, `transaction.timeout.ms=60000` (its
//!   `--transaction-timeout`), `batch.size=512`; `initTransactions()` before the first poll;
//! * each non-empty `poll()`: `beginTransaction()`, one `send()` per record (same key and value,
//!   to the output topic), `sendOffsetsToTransaction(consumer positions,
//!   consumer.groupMetadata())` (KIP-447: the group coordinator refuses a member of an older
//!   generation, so a zombie cannot commit), `commitTransaction()`;
//! * a `KafkaException` on the way: `abortTransaction()` and back to the last committed
//!   positions (`resetToLastCommittedPositions`); `ProducerFencedException` (another instance
//!   with the same `transactional.id` called `initTransactions()`): the copier exits.
//!
//! Two differences, both documented where they are shown: the output record goes to the
//! partition the default partitioner picks for its key (the copier keeps the input
//! partition number), and a processor may spend `--processing` per record between poll and
//! send. The side effect (`--side-effect emails`) happens when a record is processed, before
//! its transaction commits: after a crash the records of the open transaction are processed
//! again by the next instance, so the output holds each record once for a read_committed reader
//! while the side effect happened twice for those records. That is where exactly-once ends.

use crate::sim::client::config::{ConsumerConfig, ProducerConfig};
use crate::sim::client::consumer::ConsumedRecord;
use crate::sim::client::producer::ProducerRecord;
use crate::sim::client::txn::{GroupMetadata, TxnClientState};
use crate::sim::codec::Codec;
use crate::sim::types::TopicPartition;
use crate::sim::world::Sim;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};

/// `TransactionalMessageCopier`'s `--transaction-size` default (its consumer's `max.poll.records`).
pub(crate) const DEFAULT_TRANSACTION_SIZE: u32 = 200;
/// `TransactionalMessageCopier`'s `--transaction-timeout` default.
pub(crate) const DEFAULT_TRANSACTION_TIMEOUT_MS: i64 = 60_000;

/// Where a processor is in its loop.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub enum ProcessorStage {
    /// `initTransactions()`: fencing an older instance with the same transactional.id and
    /// aborting its open transaction.
    Initializing,
    /// Waiting for `poll()` to return records.
    Polling,
    /// In a transaction: processing the polled records one by one, each sent to the output
    /// once processed.
    Processing,
    /// Records sent in the open transaction; `sendOffsetsToTransaction` under way.
    SendingOffsets,
    /// `commitTransaction()` under way.
    Committing,
    /// `abortTransaction()` under way; then back to the last committed positions.
    Aborting,
    /// The copier ended with this error (its clients are closed).
    Failed(String),
}

impl ProcessorStage {
    pub fn describe(&self) -> String {
        match self {
            ProcessorStage::Initializing => "initializing transactions".into(),
            ProcessorStage::Polling => "polling".into(),
            ProcessorStage::Processing => "in a transaction: processing".into(),
            ProcessorStage::SendingOffsets => "in a transaction: sending offsets".into(),
            ProcessorStage::Committing => "in a transaction: committing".into(),
            ProcessorStage::Aborting => "aborting the transaction".into(),
            ProcessorStage::Failed(e) => format!("stopped: {e}"),
        }
    }
}

/// One running read-process-write application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct Processor {
    pub name: String,
    /// Its consumer and producer clients (`<name>-consumer`, `<name>-producer`).
    pub consumer: u32,
    pub producer: u32,
    pub group: String,
    pub input: String,
    pub output: String,
    pub transactional_id: String,
    /// The external side effect's label (`emails`), counted per input record processed.
    pub side_effect: Option<String>,
    pub stage: ProcessorStage,
    /// The input records processed and sent in the open transaction.
    pub in_txn: Vec<(TopicPartition, i64)>,
    /// Polled records still to process in this transaction, and the one being processed.
    pub(crate) pending: VecDeque<ConsumedRecord>,
    pub(crate) current: Option<ConsumedRecord>,
    pub processing_ms_per_record: i64,
    /// `processor stop` came while a transaction was under way: the copier's shutdown hook lets
    /// the loop finish it, then both clients close.
    #[serde(default)]
    pub stopping: bool,
    pub committed_txns: u64,
    pub aborted_txns: u64,
    /// Input records whose transaction committed.
    pub copied: u64,
}

/// What an external side effect did, across every instance of the processors that perform it
/// (it is the outside world: a restarted instance does not undo it).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct SideEffects {
    pub total: u64,
    /// How many times each input record (topic, partition, offset) caused it.
    pub per_record: BTreeMap<(String, i32, i64), u32>,
}

impl SideEffects {
    /// Input records for which the side effect happened more than once.
    pub fn repeated(&self) -> u64 {
        self.per_record.values().filter(|n| **n > 1).count() as u64
    }
}

/// The processors of a world and the side effects they caused.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct Processors {
    pub running: BTreeMap<String, Processor>,
    pub effects: BTreeMap<String, SideEffects>,
}

/// What `processor start` asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcessorSpec {
    pub name: String,
    pub group: String,
    pub input: String,
    pub output: String,
    pub transactional_id: String,
    pub processing_ms_per_record: i64,
    pub side_effect: Option<String>,
    pub transaction_size: u32,
    pub transaction_timeout_ms: i64,
}

fn props(pairs: &[(&str, String)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

impl Sim {
    /// Starts a processor: its consumer subscribes, its producer calls `initTransactions()`.
    pub fn start_processor(&mut self, spec: ProcessorSpec, bootstrap: &str) -> Result<(), String> {
        if self.processors().running.get(&spec.name).map(|p| !matches!(p.stage, ProcessorStage::Failed(_)))
            == Some(true)
        {
            return Err(format!("a processor named '{}' is already running", spec.name));
        }
        let (cname, pname) = (format!("{}-consumer", spec.name), format!("{}-producer", spec.name));
        for n in [&spec.name, &cname, &pname] {
            if self.client_by_name(n).is_some() {
                return Err(format!("a client named '{n}' is already running: choose another name"));
            }
        }
        let ccfg = ConsumerConfig::parse(&props(&[
            ("group.id", spec.group.clone()),
            ("client.id", cname.clone()),
            ("isolation.level", "read_committed".into()),
            ("max.poll.records", spec.transaction_size.to_string()),
            ("enable.auto.commit", "false".into()),
            ("session.timeout.ms", "10000".into()),
            ("max.poll.interval.ms", "180000".into()),
            ("heartbeat.interval.ms", "3000".into()),
            ("auto.offset.reset", "earliest".into()),
        ]))?;
        let pcfg = ProducerConfig::parse(&props(&[
            ("client.id", pname.clone()),
            ("transactional.id", spec.transactional_id.clone()),
            ("batch.size", "512".into()),
            ("max.in.flight.requests.per.connection", "5".into()),
            ("transaction.timeout.ms", spec.transaction_timeout_ms.to_string()),
        ]))?;
        let consumer = self.create_consumer(&cname, bootstrap, ccfg);
        let producer = self.create_producer(&pname, bootstrap, pcfg);
        let topic = spec.input.clone();
        self.with_consumer(consumer, move |c, _, _| {
            c.app.on_demand = true;
            c.app.poll_wanted = false;
            c.subscribe(vec![topic]);
        });
        self.with_producer(producer, |p, _, _| p.txn_mut().map(|t| t.init()));
        let proc = Processor {
            name: spec.name.clone(),
            consumer,
            producer,
            group: spec.group,
            input: spec.input,
            output: spec.output,
            transactional_id: spec.transactional_id,
            side_effect: spec.side_effect,
            stage: ProcessorStage::Initializing,
            in_txn: vec![],
            pending: VecDeque::new(),
            current: None,
            processing_ms_per_record: spec.processing_ms_per_record.max(0),
            stopping: false,
            committed_txns: 0,
            aborted_txns: 0,
            copied: 0,
        };
        self.processors_mut().running.insert(spec.name, proc);
        Ok(())
    }

    /// `processor stop`: the copier's shutdown hook wakes the consumer and ends the loop after
    /// the iteration under way, so a transaction in progress is committed (or aborted) first;
    /// then `close()` of both clients (the consumer leaves its group). Returns whether it
    /// stopped at once (`false`: it finishes its transaction first).
    pub(crate) fn stop_processor(&mut self, name: &str) -> Result<bool, String> {
        let p = self.processors_mut().running.get_mut(name).ok_or(format!("there is no processor named '{name}'"))?;
        if matches!(
            p.stage,
            ProcessorStage::Processing
                | ProcessorStage::SendingOffsets
                | ProcessorStage::Committing
                | ProcessorStage::Aborting
        ) {
            p.stopping = true;
            return Ok(false);
        }
        let p = self.processors_mut().running.remove(name).expect("present");
        self.close_processor_clients(&p);
        Ok(true)
    }

    /// `processor crash`: the process dies, both clients with it, mid-transaction or not.
    pub fn crash_processor(&mut self, name: &str) -> Result<(), String> {
        let p = self.processors_mut().running.remove(name).ok_or(format!("there is no processor named '{name}'"))?;
        for id in [p.consumer, p.producer] {
            if self.clients().contains_key(&id) {
                self.crash_client(id)?;
            }
        }
        Ok(())
    }

    /// Runs every processor's loop as far as its clients allow now (after each event).
    pub(crate) fn drive_processors(&mut self) {
        let names: Vec<String> = self.processors().running.keys().cloned().collect();
        for name in names {
            let Some(mut p) = self.processors_mut().running.remove(&name) else { continue };
            self.drive_one(&mut p);
            if p.stopping && matches!(p.stage, ProcessorStage::Polling | ProcessorStage::Failed(_)) {
                self.close_processor_clients(&p);
                continue;
            }
            self.processors_mut().running.insert(name, p);
        }
    }

    fn drive_one(&mut self, p: &mut Processor) {
        if matches!(p.stage, ProcessorStage::Failed(_)) {
            return;
        }
        let (cons_up, prod_up) = (self.clients().contains_key(&p.consumer), self.clients().contains_key(&p.producer));
        if !cons_up || !prod_up {
            // One of its clients was crashed or stopped on its own: the copier dies with it.
            for id in [p.consumer, p.producer] {
                if self.clients().contains_key(&id) {
                    let _ = self.crash_client(id);
                }
            }
            p.stage = ProcessorStage::Failed("its consumer or producer is gone".into());
            return;
        }
        if let Some(prod) = self.producer_mut(p.producer) {
            prod.completions.clear();
        }
        let Some(txn) = self.producer_mut(p.producer).and_then(|pr| pr.txn_mut()) else { return };
        if txn.state == TxnClientState::FatalError {
            let e = txn.fatal.map(|e| e.name().to_string()).unwrap_or_else(|| "a fatal error".into());
            self.fail(
                p,
                format!("The transactional.id {} has been claimed by another process ({e})", p.transactional_id),
            );
            return;
        }
        let result = txn.result.clone();
        let state = txn.state;
        match p.stage {
            ProcessorStage::Initializing => match result {
                Some((_, Ok(()))) if state == TxnClientState::Ready => {
                    self.take_result(p);
                    p.stage = ProcessorStage::Polling;
                    self.want_poll(p);
                }
                Some((_, Err(e))) => self.fail(p, format!("initTransactions failed: {}", e.error.name())),
                _ => {}
            },
            ProcessorStage::Polling => self.begin_polled(p),
            ProcessorStage::Processing => self.process_next(p),
            ProcessorStage::SendingOffsets => match result {
                Some((_, Ok(()))) => {
                    self.take_result(p);
                    let committed = self.with_txn(p, |t| t.commit());
                    p.stage = if committed { ProcessorStage::Committing } else { self.abort(p) };
                }
                Some((_, Err(_))) => {
                    self.take_result(p);
                    p.stage = self.abort(p);
                }
                None => {}
            },
            ProcessorStage::Committing => match result {
                Some((_, Ok(()))) => {
                    self.take_result(p);
                    p.committed_txns += 1;
                    p.copied += p.in_txn.len() as u64;
                    p.in_txn.clear();
                    p.stage = ProcessorStage::Polling;
                    self.want_poll(p);
                }
                Some((_, Err(_))) => {
                    self.take_result(p);
                    p.stage = self.abort(p);
                }
                None => {}
            },
            ProcessorStage::Aborting => match result {
                Some((_, Ok(()))) => {
                    self.take_result(p);
                    p.aborted_txns += 1;
                    p.in_txn.clear();
                    p.pending.clear();
                    p.current = None;
                    // `resetToLastCommittedPositions`: every assigned partition goes back to
                    // its committed offset (fetched again, requireStable).
                    self.with_consumer(p.consumer, |c, _, _| c.rewind_to_committed());
                    p.stage = ProcessorStage::Polling;
                    self.want_poll(p);
                }
                Some((_, Err(e))) => self.fail(p, format!("abortTransaction failed: {}", e.error.name())),
                None => {}
            },
            ProcessorStage::Failed(_) => {}
        }
    }

    /// `poll()` returned records: `beginTransaction()`, then process them one by one.
    fn begin_polled(&mut self, p: &mut Processor) {
        let Some(c) = self.consumer_mut(p.consumer) else { return };
        if c.delivered.is_empty() {
            return;
        }
        p.pending = c.take_delivered(usize::MAX).into();
        p.current = None;
        p.in_txn.clear();
        if !self.with_txn(p, |t| t.begin()) {
            p.stage = self.abort(p);
            return;
        }
        p.stage = ProcessorStage::Processing;
        self.process_next(p);
    }

    /// The record being processed is done: its side effect happens (outside Kafka), its copy
    /// is sent in the transaction; then the next record, or, when all are sent,
    /// `sendOffsetsToTransaction(positions, groupMetadata())`. The consumer application's
    /// busy time is the processing clock (it wakes the consumer when a record is done).
    fn process_next(&mut self, p: &mut Processor) {
        loop {
            let busy = self.consumer_mut(p.consumer).map(|c| !c.app.in_process.is_empty()).unwrap_or(true);
            if busy {
                return;
            }
            if let Some(r) = p.current.take() {
                if let Some(label) = &p.side_effect {
                    let fx = self.processors_mut().effects.entry(label.clone()).or_default();
                    fx.total += 1;
                    *fx.per_record.entry((r.tp.topic.clone(), r.tp.partition, r.offset)).or_insert(0) += 1;
                }
                p.in_txn.push((r.tp.clone(), r.offset));
                let rec = ProducerRecord {
                    topic: p.output.clone(),
                    partition: None,
                    key: r.key.clone(),
                    value: r.value.clone(),
                    headers: r.headers.clone(),
                    timestamp: None,
                };
                if self.produce(p.producer, rec).is_err() {
                    p.stage = self.abort(p);
                    return;
                }
            }
            if let Some(next) = p.pending.pop_front() {
                let ms = p.processing_ms_per_record;
                if ms > 0 {
                    let busy = next.clone();
                    self.with_consumer(p.consumer, move |c, now, _| {
                        c.app.in_process = vec![busy];
                        c.app.busy_until = now.plus_ms(ms);
                    });
                }
                p.current = Some(next);
                continue;
            }
            break;
        }
        let Some(c) = self.consumer_mut(p.consumer) else { return };
        let positions = c.all_consumed();
        let meta = c.group.as_ref().map(|g| GroupMetadata {
            group_id: g.group_id.clone(),
            generation: g.generation,
            member_id: g.member_id.clone(),
        });
        // The Java consumer gives partitions away only inside poll(), so the copier's positions
        // always cover what it polled; Brokerlab's consumer may rebalance while the processor
        // works (its group protocol runs in the background). A transaction whose input
        // partitions were revoked meanwhile would commit its copies without their offsets, and
        // one whose partitions came back (an eager rebalance) at their committed offsets would
        // commit its copies with offsets before them, so that the next poll copies them again:
        // either is aborted instead, as the copier aborts on a CommitFailedException. Every
        // partition of the transaction must still be assigned with its position past the
        // records copied from it.
        let covered = p.in_txn.iter().all(|(tp, offset)| positions.iter().any(|(q, o)| q == tp && o > offset));
        let (Some(meta), true) = (meta, covered) else {
            p.stage = self.abort(p);
            return;
        };
        p.stage = if self.with_txn(p, |t| t.send_offsets_with_metadata(meta, positions)) {
            ProcessorStage::SendingOffsets
        } else {
            self.abort(p)
        };
    }

    /// `abortTransaction()`; a processor that cannot even abort stops.
    fn abort(&mut self, p: &mut Processor) -> ProcessorStage {
        if self.with_txn(p, |t| t.abort()) {
            ProcessorStage::Aborting
        } else {
            self.close_processor_clients(p);
            ProcessorStage::Failed("the transaction could not be aborted".into())
        }
    }

    fn fail(&mut self, p: &mut Processor, why: String) {
        self.close_processor_clients(p);
        p.stage = ProcessorStage::Failed(why);
    }

    /// `Utils.closeQuietly(producer)`, `Utils.closeQuietly(consumer)`.
    fn close_processor_clients(&mut self, p: &Processor) {
        for id in [p.producer, p.consumer] {
            if self.clients().contains_key(&id) {
                self.close_client(id);
            }
        }
    }

    fn take_result(&mut self, p: &Processor) {
        if let Some(t) = self.producer_mut(p.producer).and_then(|pr| pr.txn_mut()) {
            t.result = None;
        }
    }

    fn want_poll(&mut self, p: &Processor) {
        self.with_consumer(p.consumer, |c, _, _| c.app.poll_wanted = true);
    }

    /// Runs one call of the transaction API; whether it was accepted.
    fn with_txn(
        &mut self,
        p: &Processor,
        f: impl FnOnce(&mut crate::sim::client::txn::ProducerTxn) -> Result<(), crate::sim::errors::ApiError>,
    ) -> bool {
        self.with_producer(p.producer, |pr, _, _| pr.txn_mut().map(f)).flatten().map(|r| r.is_ok()).unwrap_or(false)
    }
}
