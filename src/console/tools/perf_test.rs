//! `kafka-producer-perf-test` (`ProducerPerformance`): sends `--num-records` records of
//! `--record-size` bytes (or `--payload-monotonic` / `--payload-file` values) at
//! `--throughput` records/s (-1: as fast as the producer's buffer allows), prints a
//! progress line every 5 s of **simulated** time and the final summary with percentiles.
//! Latency is completion time minus send time, in simulated milliseconds.
//!
//! Brokerlab bound: at most [`MAX_RECORDS`] records per run, so the browser stays
//! responsive. The random payload is drawn once and reused for every record (Kafka draws
//! it again per record; the content never reaches the output).

use super::{Ctx, Job, Started};
use crate::console::format::perf::{
    percentiles, producer_progress_line, producer_total_line, ProducerTotal, ProducerWindow,
};
use crate::console::format::{stack_trace, Output};
use crate::console::opts::{parse_command, Tool};
use crate::sim::client::config::ProducerConfig;
use crate::sim::client::producer::ProducerRecord;
use crate::sim::java::{java_parse_double, java_parse_int, java_parse_long};
use crate::sim::record::{bytes, Bytes};
use crate::sim::rng::Pcg32;
use crate::sim::time::SimTime;
use crate::sim::world::Sim;
use std::collections::BTreeMap;

/// The largest `--num-records` Brokerlab runs (a documented simulator limit).
pub const MAX_RECORDS: i64 = 2_000_000;
/// `ProducerPerformance`'s reporting interval.
pub const REPORTING_INTERVAL_MS: i64 = 5000;
/// The default client id of the perf producer.
pub const CLIENT_ID: &str = "perf-producer-client";

enum Payload {
    Fixed(Bytes),
    Monotonic,
    Choices(Vec<Bytes>),
}

/// The running perf test.
pub struct PerfJob {
    /// The deprecation notice, printed when the job starts.
    notes: Option<Output>,
    client: u32,
    topic: String,
    num_records: i64,
    throughput: f64,
    payload: Payload,
    rng: Pcg32,
    /// Send time (wall ms) per send id.
    sent_at: Vec<i64>,
    sent_bytes: Vec<u32>,
    sent: i64,
    start_ms: i64,
    start: SimTime,
    // Stats
    count: i64,
    bytes: i64,
    total_latency: i64,
    max_latency: i32,
    window_start_ms: i64,
    window: ProducerWindow,
    sampling: i64,
    iteration: i64,
    samples: Vec<i32>,
    flushing: bool,
}

pub fn run(ctx: &mut Ctx, args: &[String]) -> Started {
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
    if p.has("transactional-id") || p.has("transaction-duration-ms") {
        return Started::Done(Output::failure(
            "Transactional perf tests are not available yet in Brokerlab: they arrive with simulated transactions.",
        ));
    }
    // ProducerPerformance.ArgsHandler (Kafka 4.4): the deprecated --producer-props is announced
    // on stdout before the properties are read (KIP-1147).
    let mut notes = Output::new();
    if p.has("producer-props") {
        notes.outln(
            "Option --producer-props has been deprecated and will be removed in a future version. Use --command-property instead.",
        );
    }
    let done = |o: Output| super::after_notes(&notes, o);
    let mut props: BTreeMap<String, String> = BTreeMap::new();
    if let Some(path) = p.value("producer.config") {
        match super::load_props(ctx, path) {
            Ok(v) => props.extend(v),
            Err(m) => {
                let mut o = Output::new();
                o.err("Exception in thread \"main\" ");
                o.err(&stack_trace(super::FILE_NOT_FOUND, &m));
                o.exit_code = 1;
                return done(o);
            }
        }
    }
    for kv in p.values("producer-props") {
        if let Some((k, v)) = kv.split_once('=') {
            props.insert(k.to_string(), v.to_string());
        }
    }
    props.entry("client.id".into()).or_insert_with(|| CLIENT_ID.to_string());
    let Some(servers) = props.get("bootstrap.servers").cloned() else {
        let mut o = Output::new();
        o.err("Exception in thread \"main\" ");
        o.err(&stack_trace(
            "org.apache.kafka.common.config.ConfigException",
            "Missing required configuration \"bootstrap.servers\" which has no default value.",
        ));
        o.exit_code = 1;
        return done(o);
    };
    let cfg = match ProducerConfig::parse(&props) {
        Ok(c) => c,
        Err(m) => {
            let mut o = Output::new();
            o.err("Exception in thread \"main\" ");
            o.err(&stack_trace("org.apache.kafka.common.config.ConfigException", &m));
            o.exit_code = 1;
            return done(o);
        }
    };
    let mut rng = Pcg32::new(ctx.sim.seed() ^ 0x7065_7266, ctx.sim.now().as_micros());
    let payload = if let Some(size) = p.value("record-size").and_then(java_parse_int) {
        let n = usize::try_from(size).unwrap_or(0).min(10 * 1024 * 1024);
        let v: Vec<u8> = (0..n).map(|_| b'A' + (rng.next_u64() % 26) as u8).collect();
        Payload::Fixed(bytes(&v))
    } else if let Some(path) = p.value("payload-file") {
        let Some(text) = ctx.vfs.read(path) else {
            let mut o = Output::new();
            o.err("Exception in thread \"main\" ");
            o.err(&stack_trace("java.nio.file.NoSuchFileException", path));
            o.exit_code = 1;
            return Started::Done(o);
        };
        let delim = p.value("payload-delimiter").unwrap_or("\n").replace("\\n", "\n");
        let items: Vec<Bytes> = if delim.is_empty() {
            vec![bytes(text.as_bytes())]
        } else {
            text.split(delim.as_str()).filter(|s| !s.is_empty()).map(|s| bytes(s.as_bytes())).collect()
        };
        if items.is_empty() {
            let mut o = Output::new();
            o.err("Exception in thread \"main\" ");
            o.err(&stack_trace("java.lang.IllegalArgumentException", "File does not contain any payloads"));
            o.exit_code = 1;
            return Started::Done(o);
        }
        Payload::Choices(items)
    } else {
        Payload::Monotonic
    };
    let throughput = p.value("throughput").and_then(java_parse_double).unwrap_or(-1.0);
    let client = ctx.sim.create_producer("producer-perf-test", &servers, cfg);
    let start_ms = ctx.sim.env().wall_ms(ctx.sim.now());
    let sampling = (num / num.clamp(1, 500_000)).max(1);
    Started::Job(Box::new(PerfJob {
        notes: Some(notes),
        client,
        topic: p.value("topic").unwrap_or("").to_string(),
        num_records: num,
        throughput,
        payload,
        rng,
        sent_at: Vec::new(),
        sent_bytes: Vec::new(),
        sent: 0,
        start_ms,
        start: ctx.sim.now(),
        count: 0,
        bytes: 0,
        total_latency: 0,
        max_latency: 0,
        window_start_ms: start_ms,
        window: ProducerWindow { count: 0, bytes: 0, elapsed_ms: 0, total_latency_ms: 0, max_latency_ms: 0 },
        sampling,
        iteration: 0,
        samples: Vec::new(),
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

    fn next_value(&mut self) -> Bytes {
        match &self.payload {
            Payload::Fixed(b) => b.clone(),
            Payload::Monotonic => bytes(self.sent.to_string().as_bytes()),
            Payload::Choices(v) => {
                let n = v.len().max(1) as u64;
                let i = (self.rng.next_u64() % n) as usize;
                v.get(i).cloned().unwrap_or_else(|| bytes(b""))
            }
        }
    }

    fn send_more(&mut self, sim: &mut Sim) {
        let mut any = false;
        while self.sent < self.num_records {
            if sim.now() < self.due(self.sent) {
                break;
            }
            let value = self.next_value();
            let len = value.len() as u32;
            let rec = ProducerRecord {
                topic: self.topic.clone(),
                partition: None,
                key: None,
                value: Some(value),
                headers: vec![],
                timestamp: None,
            };
            let now = sim.now();
            let Some(p) = sim.producer_mut(self.client) else { break };
            match p.send(now, rec) {
                Ok(id) => {
                    let idx = id as usize;
                    if self.sent_at.len() <= idx {
                        self.sent_at.resize(idx + 1, 0);
                        self.sent_bytes.resize(idx + 1, 0);
                    }
                    self.sent_at[idx] = sim.env().wall_ms(now);
                    self.sent_bytes[idx] = len;
                    self.sent += 1;
                    any = true;
                }
                Err(_) => break,
            }
        }
        if any {
            sim.poke_client(self.client);
        }
    }

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
        self.iteration += 1;
        if now_ms - self.window_start_ms >= REPORTING_INTERVAL_MS {
            self.window.elapsed_ms = now_ms - self.window_start_ms;
            out.out(&producer_progress_line(&self.window));
            self.window_start_ms = now_ms;
            self.window = ProducerWindow { count: 0, bytes: 0, elapsed_ms: 0, total_latency_ms: 0, max_latency_ms: 0 };
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
            match &c.result {
                Ok(_) => {
                    for id in &c.send_ids {
                        let idx = *id as usize;
                        let sent = self.sent_at.get(idx).copied().unwrap_or(now_ms);
                        let b = i64::from(self.sent_bytes.get(idx).copied().unwrap_or(0));
                        let latency = i32::try_from(now_ms - sent).unwrap_or(i32::MAX);
                        self.record(latency, b, now_ms, out);
                    }
                }
                Err(e) => {
                    for _ in &c.send_ids {
                        out.err(&format!("{}\n", e.java_string()));
                    }
                }
            }
        }
        if self.sent < self.num_records {
            self.send_more(sim);
        }
        if self.sent >= self.num_records {
            if !self.flushing {
                self.flushing = true;
                if let Some(p) = sim.producer_mut(self.client) {
                    p.flushing = true;
                }
                sim.poke_client(self.client);
            }
            let idle = sim.producer_mut(self.client).map(|p| p.is_idle()).unwrap_or(true);
            if idle {
                let now_ms = sim.env().wall_ms(sim.now());
                let total = ProducerTotal {
                    count: self.count,
                    bytes: self.bytes,
                    elapsed_ms: now_ms - self.start_ms,
                    total_latency_ms: self.total_latency,
                    max_latency_ms: self.max_latency,
                    percentiles: percentiles(&self.samples),
                };
                out.out(&producer_total_line(&total));
                sim.close_client(self.client);
                return Some(0);
            }
        }
        None
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
