//! `kafka-console-producer` (`ConsoleProducer`): reads lines from stdin, turns each into a
//! record with `LineMessageReader` and sends it, asynchronously (errors are logged by
//! `ErrorLoggingCallback`) or with `--sync`. Ctrl-D (end of stdin) closes the producer,
//! which flushes what is buffered; the tool exits when everything has completed.

use super::{Ctx, Job, Started};
use crate::console::format::producer::{
    kafka_exception_output, parse_key_value_args, prompt, read_record, ReaderConfig,
};
use crate::console::format::{log_line, stack_trace, Output};
use crate::console::opts::check::{producer_property_values, reader_property_values};
use crate::console::opts::{parse_command, Tool};
use crate::sim::client::config::ProducerConfig;
use crate::sim::client::producer::{ProducerRecord, SendError};
use crate::sim::errors::ApiError;
use crate::sim::record::{bytes, Header};
use crate::sim::sort::CompactCollect;
use crate::sim::world::Sim;
use std::collections::{BTreeMap, VecDeque};

/// The client id (`ConsoleProducer`).
pub(crate) const CLIENT_ID: &str = "console-producer";
/// The logger of the send-failure lines.
pub(crate) const CALLBACK_LOGGER: &str = "org.apache.kafka.clients.producer.internals.ErrorLoggingCallback";

/// Builds the producer properties as `ConsoleProducer.producerProps` does: the
/// `--producer.config` file, then `--producer-property`, then each tool option that was
/// given (or its default when the property is still unset).
pub(crate) fn producer_props(
    spec_defaults: &dyn Fn(&str) -> Option<String>,
    given: &dyn Fn(&str) -> Option<String>,
    file: Vec<(String, String)>,
    extra: Vec<(String, String)>,
) -> BTreeMap<String, String> {
    let mut props: BTreeMap<String, String> = file.into_iter().collect_map();
    props.extend(extra);
    if !props.contains_key("client.id") {
        props.insert("client.id".into(), CLIENT_ID.into());
    }
    let merges = [
        ("linger.ms", "timeout"),
        ("acks", "request-required-acks"),
        ("request.timeout.ms", "request-timeout-ms"),
        ("retries", "message-send-max-retries"),
        ("retry.backoff.ms", "retry-backoff-ms"),
        ("send.buffer.bytes", "socket-buffer-size"),
        ("buffer.memory", "max-memory-bytes"),
        ("batch.size", "batch-size"),
        ("batch.size", "max-partition-memory-bytes"),
        ("metadata.max.age.ms", "metadata-expiry-ms"),
        ("max.block.ms", "max-block-ms"),
    ];
    for (key, opt) in merges {
        // CommandLineUtils.maybeMergeOptions
        let value = match given(opt) {
            Some(v) => Some(v),
            None if !props.contains_key(key) => spec_defaults(opt),
            None => None,
        };
        if let Some(v) = value {
            props.insert(key.to_string(), v);
        }
    }
    props
}

/// What one sent record looked like, for the error line.
#[derive(Clone, Copy, Debug)]
struct Sent {
    key_len: Option<usize>,
    value_len: Option<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Reading,
    /// Stdin ended (or a fatal error): flushing and closing.
    Closing,
}

/// The running console producer.
pub(crate) struct ProducerJob {
    /// What the options printed (the deprecation warnings), before the first prompt.
    notes: Option<Output>,
    client: u32,
    topic: String,
    reader: ReaderConfig,
    sync: bool,
    interactive: bool,
    line_no: u32,
    sent: BTreeMap<u64, Sent>,
    queue: VecDeque<String>,
    eof: bool,
    phase: Phase,
    /// `--sync`: the send we wait for.
    waiting: Option<u64>,
    exit_code: i32,
}

pub(crate) fn run(ctx: &mut Ctx, args: &[String]) -> Started {
    let parsed = match parse_command(Tool::ConsoleProducer, args) {
        Ok(p) => p,
        Err(o) => return Started::Done(o),
    };
    let p = &parsed.opts;
    let Some(spec) = Tool::ConsoleProducer.spec() else {
        return Started::Done(Output::failure("internal: no option table"));
    };
    let notes = parsed.notes.clone();
    let done = |o: Output| super::after_notes(&notes, o);
    let props_kv = parse_key_value_args(&reader_property_values(p));
    let mut reader_props: Vec<(String, String)> = Vec::new();
    if let Some(path) = p.value("reader-config") {
        match super::load_props(ctx, path) {
            Ok(v) => reader_props.extend(v),
            Err(m) => return done(file_error(&m)),
        }
    }
    reader_props.extend(props_kv);
    let reader = match ReaderConfig::from_properties(&reader_props) {
        Ok(r) => r,
        Err(m) => return done(kafka_exception_output(&m)),
    };
    let file = match p.value("producer.config").or(p.value("command-config")) {
        Some(path) => match super::load_props(ctx, path) {
            Ok(v) => v,
            Err(m) => return done(file_error(&m)),
        },
        None => Vec::new(),
    };
    let extra = parse_key_value_args(&producer_property_values(p));
    let defaults = |opt: &str| spec.find(opt).and_then(|o| o.default).map(str::to_string);
    let given = |opt: &str| p.value(opt).map(str::to_string);
    let mut props = producer_props(&defaults, &given, file, extra);
    // ConsoleProducerOptions.compressionCodec: the option's value, gzip when it has none,
    // none without the option; KafkaProducer's config validates it.
    let codec = match (p.has("compression-codec"), p.value("compression-codec")) {
        (false, _) => "none",
        (true, None | Some("")) => "gzip",
        (true, Some(v)) => v,
    };
    props.insert("compression.type".into(), codec.to_string());
    let cfg = match ProducerConfig::parse(&props) {
        Ok(c) => c,
        Err(m) => {
            let mut o = Output::new();
            o.err(&stack_trace("org.apache.kafka.common.config.ConfigException", &m));
            o.exit_code = 1;
            return done(o);
        }
    };
    let servers = p.value("bootstrap-server").unwrap_or("").to_string();
    let topic = p.value("topic").unwrap_or("").to_string();
    let client = ctx.sim.create_producer(CLIENT_ID, &servers, cfg);
    let job = ProducerJob {
        notes: Some(notes),
        client,
        topic,
        reader,
        sync: p.has("sync"),
        interactive: ctx.interactive,
        line_no: 0,
        sent: BTreeMap::new(),
        queue: VecDeque::new(),
        eof: false,
        phase: Phase::Reading,
        waiting: None,
        exit_code: 0,
    };
    Started::Job(Box::new(job))
}

fn file_error(m: &str) -> Output {
    let mut o = Output::new();
    o.err(&stack_trace(super::NO_SUCH_FILE, m));
    o.exit_code = 1;
    o
}

/// `[ts] ERROR Error when sending message to topic <t> with key: <k>, value: <v> with
/// error: (…ErrorLoggingCallback)` then the exception's `toString()` (an `ApiException`
/// has no stack trace). The console producer logs sizes, not contents (`logAsString`
/// false).
pub(crate) fn send_error_lines(
    ts: &str,
    topic: &str,
    key_len: Option<usize>,
    value_len: Option<usize>,
    e: &ApiError,
) -> String {
    let k = key_len.map(|n| format!("{n} bytes")).unwrap_or_else(|| "null".to_string());
    let v = value_len.map(|n| format!("{n} bytes")).unwrap_or_else(|| "null".to_string());
    let head = log_line(
        ts,
        "ERROR",
        &format!("Error when sending message to topic {topic} with key: {k}, value: {v} with error:"),
        CALLBACK_LOGGER,
    );
    format!("{head}\n{}\n", e.java_string())
}

impl ProducerJob {
    /// The prompt before reading the next line (`ConsoleProducer`).
    fn prompt(&self, out: &mut Output) {
        if self.phase == Phase::Reading && !self.eof {
            out.out(prompt(self.interactive));
        }
    }

    fn process_queue(&mut self, sim: &mut Sim, out: &mut Output) {
        while self.phase == Phase::Reading && self.waiting.is_none() {
            let Some(line) = self.queue.pop_front() else { break };
            self.line_no += 1;
            match read_record(&line, self.line_no, &self.reader) {
                Ok(rec) => {
                    let key_len = rec.key.as_ref().map(|k| k.len());
                    let value_len = rec.value.as_ref().map(|v| v.len());
                    let record = ProducerRecord {
                        topic: self.topic.clone(),
                        partition: None,
                        key: rec.key.as_deref().map(bytes),
                        value: rec.value.as_deref().map(bytes),
                        headers: rec
                            .headers
                            .iter()
                            .map(|(k, v)| Header { key: k.clone(), value: v.as_deref().map(bytes) })
                            .collect(),
                        timestamp: None,
                    };
                    match sim.produce(self.client, record) {
                        Ok(id) => {
                            self.sent.insert(id, Sent { key_len, value_len });
                            if self.sync {
                                self.waiting = Some(id);
                                // The next prompt comes when send().get() returns.
                                continue;
                            }
                        }
                        Err(SendError::BufferFull) => {
                            // send() would block for max.block.ms; the simulator drops the
                            // record with the same error the callback would log.
                            let e = ApiError::with(
                                crate::sim::errors::KafkaError::REQUEST_TIMED_OUT,
                                "Failed to allocate memory within the configured max blocking time",
                            );
                            out.err(&send_error_lines(&super::now_ts(sim), &self.topic, key_len, value_len, &e));
                        }
                        Err(SendError::Fatal(m)) => {
                            out.err(&stack_trace("org.apache.kafka.common.KafkaException", &m));
                            self.exit_code = 1;
                            self.begin_close(sim);
                            return;
                        }
                    }
                    self.prompt(out);
                }
                Err(m) => {
                    // The exception reaches main: printStackTrace, then the shutdown hook
                    // closes the producer (`LineMessageReader`).
                    out.append(&kafka_exception_output(&m).with_exit(0));
                    self.exit_code = 1;
                    self.begin_close(sim);
                    return;
                }
            }
        }
        if self.eof && self.queue.is_empty() && self.waiting.is_none() && self.phase == Phase::Reading {
            self.begin_close(sim);
        }
    }

    fn begin_close(&mut self, sim: &mut Sim) {
        self.phase = Phase::Closing;
        self.queue.clear();
        if let Some(p) = sim.producer_mut(self.client) {
            p.flush();
        }
        sim.poke_client(self.client);
    }
}

impl Job for ProducerJob {
    fn start(&mut self, _sim: &mut Sim, out: &mut Output) {
        if let Some(n) = self.notes.take() {
            out.append(&n);
        }
        self.prompt(out);
    }

    fn input(&mut self, sim: &mut Sim, line: &str, out: &mut Output) {
        if self.phase != Phase::Reading || self.eof {
            return;
        }
        self.queue.push_back(line.to_string());
        self.process_queue(sim, out);
    }

    fn eof(&mut self, sim: &mut Sim, out: &mut Output) {
        self.eof = true;
        self.process_queue(sim, out);
    }

    fn interrupt(&mut self, sim: &mut Sim, out: &mut Output) {
        // Ctrl-C: the JVM runs the shutdown hook, which closes (flushes) the producer.
        let _ = out;
        self.eof = true;
        if self.phase == Phase::Reading {
            self.begin_close(sim);
        }
    }

    fn poll(&mut self, sim: &mut Sim, out: &mut Output) -> Option<i32> {
        out.err(&super::client_logs(sim, self.client));
        for c in sim.take_completions(self.client) {
            if let Err(e) = &c.result {
                let ts = super::log_timestamp(sim.env().wall_ms(c.at));
                for id in &c.send_ids {
                    let s = self.sent.get(id).copied().unwrap_or(Sent { key_len: None, value_len: None });
                    if self.sync && self.waiting == Some(*id) {
                        // send().get() throws: main prints the stack trace and exits 1.
                        out.err(&stack_trace("java.util.concurrent.ExecutionException", &e.java_string()));
                        self.exit_code = 1;
                        self.waiting = None;
                        self.begin_close(sim);
                    } else if !self.sync {
                        out.err(&send_error_lines(&ts, &self.topic, s.key_len, s.value_len, e));
                    }
                }
            }
            for id in &c.send_ids {
                self.sent.remove(id);
                if self.waiting == Some(*id) {
                    self.waiting = None;
                    self.prompt(out);
                }
            }
        }
        if self.phase == Phase::Reading && self.waiting.is_none() && (!self.queue.is_empty() || self.eof) {
            self.process_queue(sim, out);
        }
        if self.phase == Phase::Closing {
            let idle = sim.producer_mut(self.client).map(|p| p.ready_to_close()).unwrap_or(true);
            if idle {
                let now = sim.now();
                if let Some(p) = sim.producer_mut(self.client) {
                    p.log_close(now);
                }
                out.err(&super::client_logs(sim, self.client));
                sim.close_client(self.client);
                return Some(self.exit_code);
            }
        }
        None
    }

    fn reads_stdin(&self) -> bool {
        true
    }
}
