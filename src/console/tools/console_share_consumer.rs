//! `kafka-console-share-consumer` (`ConsoleShareConsumer`): a `KafkaShareConsumer` in explicit
//! acknowledgement mode (`share.acknowledgement.mode=explicit`) that subscribes to `--topic` in
//! share group `--group` (`console-share-consumer` by default), prints every record it is given
//! with `DefaultMessageFormatter` (`print.delivery=true` shows its delivery count) and then
//! acknowledges it: ACCEPT, or RELEASE with `--release`, REJECT with `--reject`. On exit (Ctrl-C,
//! `--max-messages`, `--timeout-ms`) it closes the consumer, which sends the last
//! acknowledgements and releases what it was given but did not print, and prints `Processed a
//! total of N messages` on stderr.

use super::console_consumer::to_formatter;
use super::{Ctx, Job, Started};
use crate::console::format::consumer::{format_record_text, processed_total, FormatterConfig};
use crate::console::format::producer::parse_key_value_args;
use crate::console::format::{log_line, stack_trace, Output};
use crate::console::opts::{parse_command, usage_error, Tool};
use crate::sim::broker::share_partition::AckType;
use crate::sim::client::config::ConsumerConfig;
use crate::sim::client::consumer::share::ShareClient;
use crate::sim::time::SimTime;
use crate::sim::world::Sim;
use std::collections::BTreeMap;

/// The default `client.id` (`ConsoleShareConsumerOptions`).
pub(crate) const CLIENT_ID: &str = "console-share-consumer";
/// The default share group (`ConsoleShareConsumerOptions.checkShareGroup`).
pub(crate) const DEFAULT_GROUP: &str = "console-share-consumer";
/// The tool's logger.
pub(crate) const LOGGER: &str = "org.apache.kafka.tools.consumer.ConsoleShareConsumer";
const DEFAULT_FORMATTER: &str = "org.apache.kafka.tools.consumer.DefaultMessageFormatter";
const NOOP_FORMATTER: &str = "org.apache.kafka.tools.consumer.NoOpMessageFormatter";
/// `KafkaShareConsumer.close()`'s default timeout (30 s).
const CLOSE_TIMEOUT_MS: i64 = 30_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Consuming,
    Closing { deadline: SimTime },
}

/// The running console share consumer.
pub(crate) struct ShareConsumerJob {
    notes: Option<Output>,
    client: u32,
    formatter: Option<FormatterConfig>,
    ack: AckType,
    max_messages: Option<i64>,
    timeout_ms: Option<i64>,
    count: i64,
    last_record_at: SimTime,
    phase: Phase,
    /// A fatal error waiting for the poll that reports it.
    pending_error: Option<crate::sim::errors::ApiError>,
}

pub(crate) fn run(ctx: &mut Ctx, args: &[String]) -> Started {
    let parsed = match parse_command(Tool::ConsoleShareConsumer, args) {
        Ok(p) => p,
        Err(o) => return Started::Done(o),
    };
    let p = &parsed.opts;
    let mut notes = parsed.notes.clone();
    let done = |notes: &Output, o: Output| {
        let mut all = notes.clone();
        all.append(&o);
        all.exit_code = o.exit_code;
        Started::Done(all)
    };
    let servers = match super::validate_bootstrap(p.value("bootstrap-server")) {
        Ok(s) => s,
        Err(o) => return done(&notes, o),
    };
    let mut props: BTreeMap<String, String> = BTreeMap::new();
    if let Some(path) = p.value("consumer-config").or(p.value("command-config")) {
        match super::load_props(ctx, path) {
            Ok(v) => props.extend(v),
            // As in ConsoleConsumerOptions, the options' constructor reads the file and the
            // exception escapes main.
            Err(m) => return done(&notes, super::uncaught(super::NO_SUCH_FILE, &m)),
        }
    }
    let prop_values =
        if p.has("consumer-property") { p.values("consumer-property") } else { p.values("command-property") };
    props.extend(parse_key_value_args(&prop_values));
    let spec = Tool::ConsoleShareConsumer.spec();
    let formatter_class = p.value("formatter").unwrap_or(DEFAULT_FORMATTER);
    if formatter_class != DEFAULT_FORMATTER && formatter_class != NOOP_FORMATTER {
        if let Some(spec) = spec {
            return done(&notes, usage_error(spec, formatter_class));
        }
    }
    if p.has("property") && p.has("formatter-property") {
        if let Some(spec) = spec {
            return done(
                &notes,
                usage_error(spec, "Options --property and --formatter-property cannot be specified together."),
            );
        }
    }
    let property_opt = if p.has("property") {
        notes.outln(crate::console::format::consumer::PROPERTY_DEPRECATED);
        "property"
    } else {
        "formatter-property"
    };
    let mut fmt_props: Vec<(String, String)> = Vec::new();
    if let Some(path) = p.value("formatter-config") {
        if let Ok(v) = super::load_props(ctx, path) {
            fmt_props.extend(v);
        }
    }
    fmt_props.extend(parse_key_value_args(&p.values(property_opt)));
    let formatter = match formatter_class {
        NOOP_FORMATTER => None,
        _ => Some(FormatterConfig::from_properties(&fmt_props)),
    };
    let group = p
        .value("group")
        .map(str::to_string)
        .or_else(|| props.get("group.id").cloned())
        .unwrap_or_else(|| DEFAULT_GROUP.into());
    let group_id = group.clone();
    props.insert("group.id".into(), group);
    props.entry("client.id".into()).or_insert_with(|| CLIENT_ID.into());
    // ConsoleShareConsumer.run: explicit acknowledgement.
    props.insert("share.acknowledgement.mode".into(), "explicit".into());
    let cfg = match ConsumerConfig::parse(&props) {
        Ok(c) => c,
        Err(m) => {
            let mut o = Output::new();
            o.errln(&log_line(&super::now_ts(ctx.sim), "ERROR", "Unknown error when running consumer: ", LOGGER));
            o.err(&stack_trace("org.apache.kafka.common.config.ConfigException", &m));
            o.exit_code = 1;
            return done(&notes, o);
        }
    };
    let max_messages = match p.int_value("max-messages") {
        Ok(v) => v.map(i64::from),
        Err(e) => return done(&notes, Output::failure(&e.message())),
    };
    let timeout_ms = match p.int_value("timeout-ms") {
        Ok(v) => v.map(i64::from).filter(|n| *n >= 0),
        Err(e) => return done(&notes, Output::failure(&e.message())),
    };
    let ack = if p.has("reject") {
        AckType::Reject
    } else if p.has("release") {
        AckType::Release
    } else {
        AckType::Accept
    };
    let topic = p.value("topic").unwrap_or_default().to_string();
    let client = ctx.sim.create_consumer(CLIENT_ID, &servers, cfg);
    ctx.sim.with_consumer(client, |c, _, _| {
        c.share = Some(ShareClient::default());
        // `ShareConsumerImpl.createLogContext`.
        c.meta.log_prefix = format!("[ShareConsumer clientId={}, groupId={}] ", c.client_id, group_id);
        c.subscribe(vec![topic.clone()]);
    });
    Started::Job(Box::new(ShareConsumerJob {
        notes: Some(notes),
        client,
        formatter,
        ack,
        max_messages,
        timeout_ms,
        count: 0,
        last_record_at: ctx.sim.now(),
        phase: Phase::Consuming,
        pending_error: None,
    }))
}

impl ShareConsumerJob {
    fn begin_close(&mut self, sim: &mut Sim) {
        if self.phase != Phase::Consuming {
            return;
        }
        sim.with_consumer(self.client, |c, now, out| c.close(now, out));
        self.phase = Phase::Closing { deadline: sim.now().plus_ms(CLOSE_TIMEOUT_MS) };
    }

    fn done(&self) -> bool {
        self.max_messages.map(|m| m >= 0 && self.count >= m).unwrap_or(false)
    }
}

impl Job for ShareConsumerJob {
    fn start(&mut self, sim: &mut Sim, out: &mut Output) {
        if let Some(n) = self.notes.take() {
            out.append(&n);
        }
        if self.done() {
            self.begin_close(sim);
        }
    }

    fn input(&mut self, _sim: &mut Sim, _line: &str, _out: &mut Output) {}

    fn eof(&mut self, _sim: &mut Sim, _out: &mut Output) {}

    fn interrupt(&mut self, sim: &mut Sim, _out: &mut Output) {
        self.begin_close(sim);
    }

    fn poll(&mut self, sim: &mut Sim, out: &mut Output) -> Option<i32> {
        out.err(&super::client_logs(sim, self.client));
        if self.phase == Phase::Consuming {
            if sim.consumer_mut(self.client).is_none() {
                out.err(&processed_total(self.count));
                return Some(1);
            }
            let want = match self.max_messages {
                Some(m) if m >= 0 => usize::try_from(m - self.count).unwrap_or(0),
                _ => usize::MAX,
            };
            let ack = self.ack;
            // Printed, then acknowledged (`ConsoleShareConsumer.process`); the acknowledgements
            // go out with the next poll's fetch.
            let (records, error) = sim
                .with_consumer(self.client, |c, now, o| {
                    let r = c.take_delivered(want);
                    let acks: Vec<_> = r.iter().map(|rec| (rec.tp.clone(), rec.offset)).collect();
                    c.share_acknowledge_all(&acks, ack, now, o);
                    (r, c.errors.pop_front())
                })
                .unwrap_or_default();
            if !records.is_empty() {
                self.last_record_at = sim.now();
            }
            for r in &records {
                if let Some(f) = &self.formatter {
                    let mut fr = to_formatter(r);
                    fr.delivery_count = r.delivery_count;
                    out.out(&format_record_text(&fr, f));
                }
                self.count += 1;
            }
            // A fatal error of the membership reaches the tool when its poll() returns, after
            // `--timeout-ms` (`ShareConsumerImpl.poll` processes the error event then).
            let error = match (error, self.timeout_ms) {
                (Some(e), Some(t)) if sim.now() < self.last_record_at.plus_ms(t) => {
                    self.pending_error = Some(e);
                    None
                }
                (Some(e), _) => Some(e),
                (None, Some(t)) if sim.now() >= self.last_record_at.plus_ms(t) => self.pending_error.take(),
                (None, _) => None,
            };
            if let Some(e) = error {
                out.err(&format!(
                    "{}\n{}\n",
                    log_line(
                        &super::now_ts(sim),
                        "ERROR",
                        "Error processing message, terminating consumer process: ",
                        LOGGER
                    ),
                    e.java_string()
                ));
                self.begin_close(sim);
            } else if self.done() {
                self.begin_close(sim);
            } else if let Some(t) = self.timeout_ms {
                if sim.now() >= self.last_record_at.plus_ms(t) {
                    out.err(&format!(
                        "{}\norg.apache.kafka.common.errors.TimeoutException\n",
                        log_line(
                            &super::now_ts(sim),
                            "ERROR",
                            "Error processing message, terminating consumer process: ",
                            LOGGER
                        )
                    ));
                    self.begin_close(sim);
                }
            }
        }
        if let Phase::Closing { deadline } = self.phase {
            let closed = sim.consumer_mut(self.client).map(|c| c.close_completed()).unwrap_or(true);
            if closed || sim.now() >= deadline {
                sim.close_client(self.client);
                out.err(&processed_total(self.count));
                return Some(0);
            }
        }
        None
    }

    fn wake_at(&self) -> Option<SimTime> {
        match self.phase {
            Phase::Consuming => self.timeout_ms.map(|t| self.last_record_at.plus_ms(t)),
            Phase::Closing { deadline } => Some(deadline),
        }
    }

    fn reads_stdin(&self) -> bool {
        false
    }
}
