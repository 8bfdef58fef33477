//! `kafka-producer-perf-test` (Kafka 4.4 `ProducerPerformance`): sends `--num-records` records
//! of `--record-size` random letters (or `--payload-monotonic` / `--payload-file` values), keyed
//! by `--key-distribution`, at `--throughput` records/s (-1: as fast as the producer's buffer
//! allows), prints a progress line every `--reporting-interval` ms of **simulated** time and the
//! final summary with percentiles (and a steady-state summary after `--warmup-records`).
//! Latency is completion time minus send time, in simulated milliseconds.
//!
//! With `--transactional-id`, `--transaction-duration-ms` or a `transactional.id` property the
//! perf producer is the engine's transactional producer: `initTransactions()`, then
//! `beginTransaction()` before a transaction's first record and `commitTransaction()` (which
//! flushes, then EndTxn) once a send finds the transaction `--transaction-duration-ms` old, and
//! once more after the last record, as `ProducerPerformance.start` does.
//!
//! Payloads and random keys come from a `java.util.SplittableRandom` seeded with
//! `--random-seed` (default 0), drawn in Kafka's order (each record's payload bytes, then its
//! key), so the records are the ones Kafka 4.4 writes.
//!
//! Brokerlab bounds: at most [`MAX_RECORDS`] records per run; random payloads are Kafka's own
//! while the run's payload bytes stay within [`PAYLOAD_BUDGET`], later records repeat the last
//! one (the page's memory); `--payload-delimiter` is a literal string (Kafka's `Scanner` takes a
//! regular expression); `--print-metrics` has no client metrics to print.

use super::{Ctx, Job, Started};
use crate::console::format::perf::{
    percentiles, producer_progress_line, producer_total_line, ProducerTotal, ProducerWindow,
};
use crate::console::format::Output;
use crate::console::opts::{parse_command, Tool};
use crate::sim::client::config::ProducerConfig;
use crate::sim::client::producer::ProducerRecord;
use crate::sim::client::txn::TxnClientState;
use crate::sim::java::{java_parse_double, java_parse_int, java_parse_long, SplittableRandom};
use crate::sim::record::{bytes, Bytes};
use crate::sim::rng::Pcg32;
use crate::sim::time::SimTime;
use crate::sim::types::TopicId;
use crate::sim::world::Sim;
use std::collections::BTreeMap;

/// The largest `--num-records` Brokerlab runs (a documented simulator limit).
pub(crate) const MAX_RECORDS: i64 = 2_000_000;
/// Random payload bytes a run stores before its records repeat the last payload.
pub(crate) const PAYLOAD_BUDGET: i64 = 32 * 1024 * 1024;
/// `ProducerPerformance`'s default reporting interval (`--reporting-interval`).
pub(crate) const REPORTING_INTERVAL_MS: i64 = 5000;
/// The default client id of the perf producer (`ProducerPerformance.readProps`).
pub(crate) const CLIENT_ID: &str = "perf-producer-client";
/// `ProducerPerformance.DEFAULT_TRANSACTION_ID_PREFIX`
pub(crate) const DEFAULT_TRANSACTION_ID_PREFIX: &str = "performance-producer-";
/// `ProducerPerformance.DEFAULT_TRANSACTION_DURATION_MS`
pub(crate) const DEFAULT_TRANSACTION_DURATION_MS: i64 = 3000;
/// Where a relative `--payload-file` is resolved for `Reading payloads from:` (the console has
/// no working directory; a Kafka installation's is where its `bin/` lives).
pub(crate) const WORKING_DIRECTORY: &str = "/opt/kafka";

enum Payload {
    Random(usize),
    Monotonic,
    Choices(Vec<Bytes>),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Keys {
    None,
    Range(i32),
    Random(i32),
}

/// `ProducerPerformance.Stats`.
struct Stats {
    start_ms: i64,
    count: i64,
    bytes: i64,
    total_latency: i64,
    max_latency: i32,
    window_start_ms: i64,
    window: ProducerWindow,
    sampling: i64,
    iteration: i64,
    samples: Vec<i32>,
    reporting_interval: i64,
    steady: bool,
    suppress: bool,
}

const EMPTY_WINDOW: ProducerWindow =
    ProducerWindow { count: 0, bytes: 0, elapsed_ms: 0, total_latency_ms: 0, max_latency_ms: 0 };

impl Stats {
    fn new(num_records: i64, reporting_interval: i64, steady: bool, now_ms: i64) -> Stats {
        Stats {
            start_ms: now_ms,
            count: 0,
            bytes: 0,
            total_latency: 0,
            max_latency: 0,
            window_start_ms: now_ms,
            window: EMPTY_WINDOW,
            sampling: (num_records / num_records.clamp(1, 500_000)).max(1),
            iteration: 0,
            samples: Vec::new(),
            reporting_interval,
            steady,
            suppress: false,
        }
    }

    /// `Stats.record`: a progress line when the window is `reporting_interval` old (`In steady
    /// state.` before the steady-state stats' first one).
    fn record(&mut self, latency: i32, bytes: i64, now_ms: i64, out: &mut Output) {
        self.count += 1;
        self.bytes += bytes;
        self.total_latency += i64::from(latency);
        self.max_latency = self.max_latency.max(latency);
        self.window.count += 1;
        self.window.bytes += bytes;
        self.window.total_latency_ms += i64::from(latency);
        self.window.max_latency_ms = self.window.max_latency_ms.max(latency);
        if self.iteration % self.sampling == 0 {
            self.samples.push(latency);
        }
        if now_ms - self.window_start_ms >= self.reporting_interval {
            if self.steady && self.count == self.window.count {
                out.outln("In steady state.");
            }
            if !self.suppress {
                self.window.elapsed_ms = now_ms - self.window_start_ms;
                out.out(&producer_progress_line(&self.window));
            }
            self.window_start_ms = now_ms;
            self.window = EMPTY_WINDOW;
        }
        self.iteration += 1;
    }

    fn total(&self, now_ms: i64) -> String {
        producer_total_line(&ProducerTotal {
            count: self.count,
            bytes: self.bytes,
            elapsed_ms: now_ms - self.start_ms,
            total_latency_ms: self.total_latency,
            max_latency_ms: self.max_latency,
            percentiles: percentiles(&self.samples),
            steady: self.steady,
        })
    }
}

/// Where the perf producer's transaction is (`ProducerPerformance.start`'s calls block; here the
/// job waits for their results).
#[derive(Clone, Copy, PartialEq, Eq)]
enum TxnStep {
    /// Not transactional.
    Off,
    /// `initTransactions()` in flight.
    Initializing,
    /// Ready: the next record begins a transaction.
    Idle,
    /// In a transaction begun at this wall-clock ms.
    Open(i64),
    /// `commitTransaction()` in flight.
    Committing,
}

/// One send of the run: what the callback needs.
#[derive(Clone, Copy)]
struct Sent {
    at_ms: i64,
    bytes: u32,
    steady: bool,
}

/// The running perf test.
pub(crate) struct PerfJob {
    /// What was printed before the producer started (notices), printed when the job starts.
    notes: Option<Output>,
    client: u32,
    topic: String,
    num_records: i64,
    warmup: i64,
    throughput: f64,
    payload: Payload,
    keys: Keys,
    random: SplittableRandom,
    /// The payload bytes still to store before records repeat the last random payload.
    payload_budget: i64,
    last_payload: Option<Bytes>,
    /// The next record, generated but not accepted yet (the producer's buffer was full).
    prepared: Option<(Option<Bytes>, Bytes)>,
    sent_by_id: BTreeMap<u64, Sent>,
    sent: i64,
    start: SimTime,
    txn: TxnStep,
    txn_duration_ms: i64,
    txn_size: i64,
    print_metrics: bool,
    stats: Stats,
    steady_stats: Option<Stats>,
    reporting_interval: i64,
    flushing: bool,
}

/// `Paths.get(p).toAbsolutePath()` against [`WORKING_DIRECTORY`].
fn absolute(path: &str) -> String {
    if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{WORKING_DIRECTORY}/{path}")
    }
}

/// `ProducerPerformance.readPayloadFile`'s `Scanner` with a literal delimiter: one leading
/// delimiter skipped, tokens between delimiters (empty ones included), no token after a
/// trailing one.
fn scan_payloads(text: &str, delimiter: &str) -> Vec<Bytes> {
    if delimiter.is_empty() {
        return text.chars().map(|c| bytes(c.to_string().as_bytes())).collect();
    }
    let body = text.strip_prefix(delimiter).unwrap_or(text);
    let mut items: Vec<&str> = body.split(delimiter).collect();
    if items.last() == Some(&"") {
        items.pop();
    }
    items.into_iter().map(|s| bytes(s.as_bytes())).collect()
}

pub(crate) fn run(ctx: &mut Ctx, args: &[String]) -> Started {
    let parsed = match parse_command(Tool::ProducerPerfTest, args) {
        Ok(p) => p,
        Err(o) => return Started::Done(o),
    };
    let p = &parsed.opts;
    let num = p.value("num-records").and_then(java_parse_long).unwrap_or(0);
    if num > MAX_RECORDS {
        return Started::Done(Output::failure(&format!(
            "Brokerlab simulates at most {MAX_RECORDS} records per perf test (to keep the page responsive): use --num-records {MAX_RECORDS} or fewer."
        )));
    }
    // ConfigPostProcessor after its checks: the payload file, the deprecation notices (KIP-1147),
    // the properties; what it prints comes before any exception.
    let mut notes = Output::new();
    let done = |notes: &Output, o: Output| super::after_notes(notes, o);
    let mut payload = match p.value("record-size").and_then(java_parse_int) {
        Some(size) => Payload::Random(usize::try_from(size).unwrap_or(0)),
        None => Payload::Monotonic,
    };
    if let Some(path) = p.value("payload-file") {
        notes.outln(&format!("Reading payloads from: {}", absolute(path)));
        let text = ctx.vfs.read(path).unwrap_or("");
        if text.is_empty() {
            return done(
                &notes,
                super::uncaught("java.lang.IllegalArgumentException", "File does not exist or empty file provided."),
            );
        }
        let delim = match p.value("payload-delimiter").unwrap_or("\\n") {
            "\\n" => "\n".to_string(),
            d => d.to_string(),
        };
        let items = scan_payloads(text, &delim);
        notes.outln(&format!("Number of records read: {}", items.len()));
        payload = Payload::Choices(items);
    }
    let (prop_list, prop_file) = (
        if p.has("producer-props") { p.values("producer-props") } else { p.values("command-property") },
        p.value("producer.config").or(p.value("command-config")),
    );
    if p.has("producer-props") {
        notes.outln(
            "Option --producer-props has been deprecated and will be removed in a future version. Use --command-property instead.",
        );
    }
    if p.has("producer.config") {
        notes.outln(
            "Option --producer.config has been deprecated and will be removed in a future version. Use --command-config instead.",
        );
    }
    // readProps
    let mut props: BTreeMap<String, String> = BTreeMap::new();
    if let Some(path) = prop_file {
        match ctx.vfs.read(path) {
            Some(t) => props.extend(crate::console::vfs::parse_properties(t)),
            None => return done(&notes, super::uncaught(super::NO_SUCH_FILE, path)),
        }
    }
    for prop in prop_list {
        // Java's `prop.split("=")` drops trailing empty strings.
        let mut pieces: Vec<&str> = prop.split('=').collect();
        while pieces.last() == Some(&"") {
            pieces.pop();
        }
        if pieces.len() != 2 {
            return done(
                &notes,
                super::uncaught("java.lang.IllegalArgumentException", &format!("Invalid property: {prop}")),
            );
        }
        props.insert(pieces[0].to_string(), pieces[1].to_string());
    }
    props.entry("client.id".into()).or_insert_with(|| CLIENT_ID.to_string());
    if let Some(b) = p.value("bootstrap-server") {
        props.insert("bootstrap.servers".into(), b.to_string());
    }
    let mut rng = Pcg32::new(ctx.sim.seed() ^ 0x7065_7266, ctx.sim.now().as_micros());
    let duration_arg = p.value("transaction-duration-ms").and_then(java_parse_long);
    let transactional = duration_arg.is_some() || p.has("transactional-id") || props.contains_key("transactional.id");
    if transactional {
        let id = match (p.value("transactional-id"), props.get("transactional.id")) {
            (Some(id), _) => id.to_string(),
            (None, Some(id)) => id.clone(),
            (None, None) => format!("{DEFAULT_TRANSACTION_ID_PREFIX}{}", TopicId::random(&mut rng)),
        };
        props.insert("transactional.id".into(), id);
    }
    let Some(servers) = props.get("bootstrap.servers").cloned() else {
        return done(
            &notes,
            super::uncaught(
                "org.apache.kafka.common.config.ConfigException",
                "Missing required configuration \"bootstrap.servers\" which has no default value.",
            ),
        );
    };
    let cfg = match ProducerConfig::parse(&props) {
        Ok(c) => c,
        Err(m) => return done(&notes, super::uncaught("org.apache.kafka.common.config.ConfigException", &m)),
    };
    let range = p.value("record-key-range").and_then(java_parse_int).unwrap_or(1);
    let keys = match p.value("key-distribution").unwrap_or("none") {
        "range" => Keys::Range(range),
        "random" => Keys::Random(range),
        _ => Keys::None,
    };
    let warmup = p.value("warmup-records").and_then(java_parse_long).unwrap_or(0).max(0);
    if warmup > 0 {
        notes.outln(&format!(
            "Warmup first {warmup} records. Steady state results will print after the complete test summary."
        ));
    }
    let reporting_interval =
        p.value("reporting-interval").and_then(java_parse_long).unwrap_or(REPORTING_INTERVAL_MS).max(1);
    let throughput = p.value("throughput").and_then(java_parse_double).unwrap_or(-1.0);
    let client = ctx.sim.create_producer("producer-perf-test", &servers, cfg);
    let txn = if transactional {
        // initTransactions()
        ctx.sim.with_producer(client, |p, _, _| p.txn_mut().map(|t| t.init()));
        TxnStep::Initializing
    } else {
        TxnStep::Off
    };
    let start_ms = ctx.sim.env().wall_ms(ctx.sim.now());
    Started::Job(Box::new(PerfJob {
        notes: Some(notes),
        client,
        topic: p.value("topic").unwrap_or("").to_string(),
        num_records: num,
        warmup,
        throughput,
        payload,
        keys,
        random: SplittableRandom::new(p.value("random-seed").and_then(java_parse_long).unwrap_or(0)),
        payload_budget: PAYLOAD_BUDGET,
        last_payload: None,
        prepared: None,
        sent_by_id: BTreeMap::new(),
        sent: 0,
        start: ctx.sim.now(),
        txn,
        txn_duration_ms: duration_arg.unwrap_or(DEFAULT_TRANSACTION_DURATION_MS),
        txn_size: 0,
        print_metrics: p.has("print-metrics"),
        stats: Stats::new(num, reporting_interval, false, start_ms),
        steady_stats: None,
        reporting_interval,
        flushing: false,
    }))
}

impl PerfJob {
    fn due(&self, i: i64) -> SimTime {
        if self.throughput <= 0.0 || !self.throughput.is_finite() {
            return self.start;
        }
        let us = (i as f64) * 1_000_000.0 / self.throughput;
        self.start.plus_micros(if us.is_finite() && us > 0.0 { us as u64 } else { 0 })
    }

    /// `generateRandomPayload` then `generateKey`, both from the run's `SplittableRandom`.
    fn next_record(&mut self) -> (Option<Bytes>, Bytes) {
        let i = self.sent;
        let value = match &self.payload {
            Payload::Choices(v) => {
                let n = i32::try_from(v.len()).unwrap_or(i32::MAX);
                let k = self.random.next_int(n);
                v.get(usize::try_from(k).unwrap_or(0)).cloned().unwrap_or_else(|| bytes(b""))
            }
            Payload::Monotonic => bytes(i.to_string().as_bytes()),
            Payload::Random(n) => {
                let n = *n;
                let keep = self.payload_budget >= n as i64 || self.last_payload.is_none();
                // Drawn even when not kept: random keys come after the payload's draws.
                let needed = keep || matches!(self.keys, Keys::Random(_));
                let v: Vec<u8> =
                    if needed { (0..n).map(|_| (self.random.next_int(26) + 65) as u8).collect() } else { Vec::new() };
                if keep {
                    self.payload_budget -= n as i64;
                    self.last_payload = Some(bytes(&v));
                }
                self.last_payload.clone().unwrap_or_else(|| bytes(b""))
            }
        };
        let key = match self.keys {
            Keys::None => None,
            Keys::Range(r) => Some(bytes(((i % i64::from(r.max(1))) as i32).to_string().as_bytes())),
            Keys::Random(r) => Some(bytes(self.random.next_int(r).to_string().as_bytes())),
        };
        (key, value)
    }

    fn send_more(&mut self, sim: &mut Sim) {
        let mut any = false;
        while self.sent < self.num_records && matches!(self.txn, TxnStep::Off | TxnStep::Idle | TxnStep::Open(_)) {
            if sim.now() < self.due(self.sent) {
                break;
            }
            let (key, value) = match self.prepared.take() {
                Some(r) => r,
                None => self.next_record(),
            };
            let now_ms = sim.env().wall_ms(sim.now());
            if self.txn == TxnStep::Idle {
                // beginTransaction() before the transaction's first record.
                sim.with_producer(self.client, |p, _, _| p.txn_mut().map(|t| t.begin()));
                self.txn = TxnStep::Open(now_ms);
            }
            let len = value.len() as u32;
            let rec = ProducerRecord {
                topic: self.topic.clone(),
                partition: None,
                key: key.clone(),
                value: Some(value.clone()),
                headers: vec![],
                timestamp: None,
            };
            let now = sim.now();
            let Some(p) = sim.producer_mut(self.client) else { break };
            match p.send(now, rec) {
                Ok(id) => {
                    if self.warmup > 0 && self.sent == self.warmup {
                        self.steady_stats =
                            Some(Stats::new(self.num_records - self.warmup, self.reporting_interval, true, now_ms));
                        self.stats.suppress = true;
                    }
                    let steady = self.steady_stats.is_some();
                    self.sent_by_id.insert(id, Sent { at_ms: now_ms, bytes: len, steady });
                    self.sent += 1;
                    any = true;
                    self.txn_size += 1;
                    if let TxnStep::Open(began) = self.txn {
                        if self.txn_duration_ms <= now_ms - began {
                            self.commit(sim);
                        }
                    }
                }
                Err(_) => {
                    self.prepared = Some((key, value));
                    break;
                }
            }
        }
        if any {
            sim.poke_client(self.client);
        }
    }

    /// `commitTransaction()`: flushes, then EndTxn; the job waits for it.
    fn commit(&mut self, sim: &mut Sim) {
        sim.with_producer(self.client, |p, _, _| p.txn_mut().map(|t| t.commit()));
        self.txn = TxnStep::Committing;
        self.txn_size = 0;
        sim.poke_client(self.client);
    }

    /// The result of `initTransactions()` or `commitTransaction()`, once it arrived.
    fn txn_result(&mut self, sim: &mut Sim) -> Option<Result<(), String>> {
        let p = sim.producer_mut(self.client)?;
        let t = p.txn_mut()?;
        if t.state == TxnClientState::FatalError && t.result.is_none() {
            return Some(Err(t.fatal.map(|e| e.java_string(None)).unwrap_or_default()));
        }
        match t.result.take()? {
            (_, Ok(())) => Some(Ok(())),
            (_, Err(e)) => Some(Err(e.java_string())),
        }
    }
}

impl Job for PerfJob {
    fn start(&mut self, _sim: &mut Sim, out: &mut Output) {
        if let Some(n) = self.notes.take() {
            out.append(&n);
        }
    }

    fn input(&mut self, _sim: &mut Sim, _line: &str, _out: &mut Output) {}

    fn eof(&mut self, _sim: &mut Sim, _out: &mut Output) {}

    fn interrupt(&mut self, sim: &mut Sim, _out: &mut Output) {
        sim.crash_client(self.client).ok();
        self.num_records = -1;
    }

    fn poll(&mut self, sim: &mut Sim, out: &mut Output) -> Option<i32> {
        if self.num_records < 0 {
            return Some(130);
        }
        out.err(&super::client_logs(sim, self.client));
        for c in sim.take_completions(self.client) {
            let now_ms = sim.env().wall_ms(c.at);
            for id in &c.send_ids {
                let Some(s) = self.sent_by_id.remove(id) else { continue };
                match &c.result {
                    Ok(_) => {
                        let latency = i32::try_from(now_ms - s.at_ms).unwrap_or(i32::MAX);
                        self.stats.record(latency, i64::from(s.bytes), now_ms, out);
                        if let (true, Some(st)) = (s.steady, self.steady_stats.as_mut()) {
                            st.record(latency, i64::from(s.bytes), now_ms, out);
                        }
                    }
                    // PerfCallback: exception.printStackTrace(); Kafka's ApiExceptions have no
                    // stack trace, so it is their toString.
                    Err(e) => out.errln(&e.java_string()),
                }
            }
        }
        if matches!(self.txn, TxnStep::Initializing | TxnStep::Committing) {
            match self.txn_result(sim) {
                None => return None,
                Some(Ok(())) => {
                    if self.txn == TxnStep::Initializing {
                        // The run (its stats and its throttle) starts after initTransactions().
                        let now_ms = sim.env().wall_ms(sim.now());
                        self.stats = Stats::new(self.num_records, self.reporting_interval, false, now_ms);
                        self.start = sim.now();
                    }
                    self.txn = TxnStep::Idle;
                }
                Some(Err(m))
                    if m.starts_with("org.apache.kafka.common.errors.TransactionalIdAuthorizationException") =>
                {
                    // `initTransactions()` rethrows the FindCoordinator refusal itself: an
                    // `ApiException`, which has no stack trace.
                    out.err(&format!("Exception in thread \"main\" {m}\n"));
                    sim.close_client(self.client);
                    return Some(1);
                }
                Some(Err(m)) => {
                    let (class, msg) = m.split_once(": ").unwrap_or((m.as_str(), ""));
                    out.append(&super::uncaught(class, msg));
                    sim.close_client(self.client);
                    return Some(1);
                }
            }
        }
        // What follows the last send happens in the same poll: a poll between events (a frame
        // boundary) must not change what the run does, or a replay would differ.
        if self.sent < self.num_records {
            self.send_more(sim);
        }
        if self.sent < self.num_records || self.txn == TxnStep::Committing {
            return None;
        }
        if matches!(self.txn, TxnStep::Open(_)) && self.txn_size > 0 {
            self.commit(sim);
            return None;
        }
        if !self.flushing {
            self.flushing = true;
            if let Some(p) = sim.producer_mut(self.client) {
                p.flush();
            }
            sim.poke_client(self.client);
        }
        let idle = sim.producer_mut(self.client).map(|p| p.is_idle()).unwrap_or(true);
        if !idle {
            return None;
        }
        let now_ms = sim.env().wall_ms(sim.now());
        out.out(&self.stats.total(now_ms));
        if let Some(st) = &self.steady_stats {
            out.out(&st.total(now_ms));
        }
        if self.print_metrics {
            out.errln("Brokerlab has no client metrics to print for --print-metrics.");
        }
        sim.close_client(self.client);
        Some(0)
    }

    fn wake_at(&self) -> Option<SimTime> {
        if self.sent < self.num_records && self.throughput > 0.0 {
            Some(self.due(self.sent))
        } else {
            None
        }
    }

    fn reads_stdin(&self) -> bool {
        false
    }
}
