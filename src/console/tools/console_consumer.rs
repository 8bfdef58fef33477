//! `kafka-console-consumer` (`ConsoleConsumer`): a `KafkaConsumer` that subscribes to
//! `--topic`/`--include` (or is assigned one `--partition`), prints every record with
//! `DefaultMessageFormatter` as it arrives in simulated time, and on exit (Ctrl-C,
//! `--max-messages`, `--timeout-ms`) closes the consumer and prints `Processed a total of
//! N messages` on stderr (`ConsoleConsumer`).

use super::{Ctx, Job, Started};
use crate::console::format::consumer::{
    format_record_text, parse_offset, processed_total, ConsumedRecord as FmtRecord, FormatterConfig, StartOffset,
    TimestampType, CONSUMER_PROTOCOL_NOTICE, PROPERTY_DEPRECATED,
};
use crate::console::format::producer::parse_key_value_args;
use crate::console::format::{log_line, stack_trace, Output};
use crate::console::opts::check::command_property_values;
use crate::console::opts::{parse_command, usage_error, Tool};
use crate::sim::client::config::{ConsumerConfig, OffsetReset};
use crate::sim::client::consumer::ConsumedRecord;
use crate::sim::time::SimTime;
use crate::sim::types::TopicPartition;
use crate::sim::world::Sim;
use std::collections::BTreeMap;

/// The default `client.id` (`ConsoleConsumer`).
pub(crate) const CLIENT_ID: &str = "console-consumer";
/// The tool's logger.
pub(crate) const LOGGER: &str = "org.apache.kafka.tools.consumer.ConsoleConsumer";
/// The formatter used unless `--formatter` names another.
pub(crate) const DEFAULT_FORMATTER: &str = "org.apache.kafka.tools.consumer.DefaultMessageFormatter";
/// The formatter that prints nothing.
pub(crate) const NOOP_FORMATTER: &str = "org.apache.kafka.tools.consumer.NoOpMessageFormatter";
/// MirrorMaker 2's formatters (connect-mirror, on the tools' classpath in a Kafka
/// distribution): `Checkpoint.deserializeRecord(record)` and `OffsetSync.deserializeRecord`,
/// printed with `toString`.
pub(crate) const CHECKPOINT_FORMATTER: &str = "org.apache.kafka.connect.mirror.formatters.CheckpointFormatter";
pub(crate) const OFFSET_SYNC_FORMATTER: &str = "org.apache.kafka.connect.mirror.formatters.OffsetSyncFormatter";
/// How long `close()` may take before the tool gives up waiting (`KafkaConsumer.close()`'s
/// default timeout is 30 s).
const CLOSE_TIMEOUT_MS: i64 = 30_000;

/// A number in `0..bound` that depends only on the cluster's seed and what has happened so
/// far: the simulator's stand-in for the tool's `new Random().nextInt(bound)` (same seed,
/// same commands, same group id).
pub(crate) fn pseudo_random(sim: &Sim, salt: u64, bound: u64) -> u64 {
    let mut z = sim
        .seed()
        .wrapping_add(salt.wrapping_mul(0x9E37_79B9_7F4A_7C15))
        .wrapping_add(sim.now().as_micros())
        .wrapping_add((sim.clients().len() as u64) << 32)
        .wrapping_add(sim.events_processed());
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    z % bound.max(1)
}

/// `[ts] ERROR <message> (ConsoleConsumer)` and the exception's `toString()` (a Kafka
/// `ApiException` has no stack trace), stderr.
pub(crate) fn error_lines(ts: &str, message: &str, exception: &str) -> String {
    format!("{}\n{exception}\n", log_line(ts, "ERROR", message, LOGGER))
}

/// Converts an engine record for the formatter.
pub(crate) fn to_formatter(r: &ConsumedRecord) -> FmtRecord {
    FmtRecord {
        partition: r.tp.partition,
        offset: r.offset,
        timestamp_type: if r.timestamp < 0 {
            TimestampType::NoTimestamp
        } else if r.log_append_time {
            TimestampType::LogAppendTime
        } else {
            TimestampType::CreateTime
        },
        timestamp: r.timestamp,
        key: r.key.as_ref().map(|k| k.to_vec()),
        value: r.value.as_ref().map(|v| v.to_vec()),
        headers: r.headers.iter().map(|h| (h.key.clone(), h.value.as_ref().map(|v| v.to_vec()))).collect(),
        delivery_count: None,
        // `DefaultMessageFormatter`: the 4.0 console consumer passes no leader epoch.
        leader_epoch: None,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Consuming,
    /// `close()` was called: waiting for the final commit and the LeaveGroup.
    Closing {
        deadline: SimTime,
    },
}

/// The running console consumer.
pub(crate) struct ConsumerJob {
    /// What the tool printed before it started consuming.
    notes: Option<Output>,
    client: u32,
    formatter: Option<FormatterConfig>,
    /// One of MirrorMaker's formatters, in place of `formatter`.
    mirror_formatter: Option<&'static str>,
    max_messages: Option<i64>,
    timeout_ms: Option<i64>,
    count: i64,
    last_record_at: SimTime,
    phase: Phase,
    exit_code: i32,
}

fn usage_failure(o: Output) -> Started {
    Started::Done(o)
}

pub(crate) fn run(ctx: &mut Ctx, args: &[String]) -> Started {
    let parsed = match parse_command(Tool::ConsoleConsumer, args) {
        Ok(p) => p,
        Err(o) => return usage_failure(o),
    };
    let p = &parsed.opts;
    // What the options already printed (the deprecation notices): it comes first, whatever
    // follows.
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
    // Consumer properties: the file, then --command-property, then the tool's own options
    // (ConsoleConsumerOptions.buildConsumerProps); the deprecated spellings stand in for them.
    let mut props: BTreeMap<String, String> = BTreeMap::new();
    if let Some(path) = p.value("consumer.config").or(p.value("command-config")) {
        match super::load_props(ctx, path) {
            Ok(v) => props.extend(v),
            Err(m) => return done(&notes, super::uncaught(super::NO_SUCH_FILE, &m)),
        }
    }
    props.extend(parse_key_value_args(&command_property_values(p)));
    let spec = crate::console::opts::Tool::ConsoleConsumer.spec();
    // ConsoleConsumerOptions.buildFormatter (Kafka 4.4): any failure in it, from the class
    // lookup on, is a usage error with the exception's message.
    if p.has("property") && p.has("formatter-property") {
        if let Some(spec) = spec {
            return done(
                &notes,
                usage_error(spec, "Options --property and --formatter-property cannot be specified together."),
            );
        }
    }
    let formatter_class = p.value("formatter").unwrap_or(DEFAULT_FORMATTER);
    let mirror_formatter = [CHECKPOINT_FORMATTER, OFFSET_SYNC_FORMATTER].into_iter().find(|f| *f == formatter_class);
    if formatter_class != DEFAULT_FORMATTER && formatter_class != NOOP_FORMATTER && mirror_formatter.is_none() {
        // Class.forName fails: the message of a ClassNotFoundException is the class name.
        if let Some(spec) = spec {
            return done(&notes, usage_error(spec, formatter_class));
        }
    }
    let property_opt = if p.has("property") {
        notes.outln(PROPERTY_DEPRECATED);
        "property"
    } else {
        "formatter-property"
    };
    let mut fmt_props: Vec<(String, String)> = Vec::new();
    if let Some(path) = p.value("formatter-config") {
        match super::load_props(ctx, path) {
            Ok(v) => fmt_props.extend(v),
            Err(m) => return done(&notes, super::uncaught(super::NO_SUCH_FILE, &m)),
        }
    }
    fmt_props.extend(parse_key_value_args(&p.values(property_opt)));
    let formatter = match formatter_class {
        NOOP_FORMATTER | CHECKPOINT_FORMATTER | OFFSET_SYNC_FORMATTER => None,
        _ => Some(FormatterConfig::from_properties(&fmt_props)),
    };
    let partition = match p.int_value("partition") {
        Ok(v) => v,
        Err(e) => return done(&notes, Output::failure(&e.message())),
    };
    let topic = p.value("topic").map(str::to_string);
    let include = p.value("include").map(str::to_string);
    if let Some(re) = &include {
        if regex_lite::Regex::new(re).is_err() {
            let mut o = Output::new();
            o.errln(&log_line(&super::now_ts(ctx.sim), "ERROR", "Unknown error when running consumer: ", LOGGER));
            o.err(&stack_trace(
                "java.util.regex.PatternSyntaxException",
                &format!("Invalid regular expression near index 0\n{re}"),
            ));
            o.exit_code = 1;
            return done(&notes, o);
        }
    }
    if partition.is_none() {
        // Without a group the tool invents one and turns auto-commit off (`ConsoleConsumer`).
        if !props.contains_key("group.id") {
            match p.value("group") {
                Some(g) => {
                    props.insert("group.id".into(), g.to_string());
                }
                None => {
                    let n = pseudo_random(ctx.sim, 0xC0_45, 100_000);
                    props.insert("group.id".into(), format!("console-consumer-{n}"));
                    props.entry("enable.auto.commit".into()).or_insert_with(|| "false".into());
                }
            }
        }
    } else {
        // assign(): no group management and nothing committed.
        props.remove("group.id");
        props.insert("enable.auto.commit".into(), "false".into());
    }
    if p.has("from-beginning") {
        props.insert("auto.offset.reset".into(), "earliest".into());
    } else {
        props.entry("auto.offset.reset".into()).or_insert_with(|| "latest".into());
    }
    if let Some(iso) = p.value("isolation-level") {
        props.insert("isolation.level".into(), iso.to_string());
    }
    props.entry("client.id".into()).or_insert_with(|| CLIENT_ID.into());
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
    let start = match (partition, p.value("offset")) {
        (Some(_), Some(v)) => match parse_offset(v) {
            Ok(s) => Some(s),
            Err(m) => return done(&notes, Output::failure(&m)),
        },
        (Some(_), None) if p.has("from-beginning") => Some(StartOffset::Earliest),
        (Some(_), None) => Some(StartOffset::Latest),
        _ => None,
    };
    let max_messages = match p.int_value("max-messages") {
        Ok(v) => v.map(i64::from).filter(|n| *n >= 0),
        Err(e) => return done(&notes, Output::failure(&e.message())),
    };
    let timeout_ms = match p.long_value("timeout-ms") {
        Ok(v) => v.filter(|n| *n >= 0),
        Err(e) => return done(&notes, Output::failure(&e.message())),
    };
    let client = ctx.sim.create_consumer(CLIENT_ID, &servers, cfg);
    ctx.sim.with_consumer(client, |c, _, _| match (&topic, partition, &include) {
        (Some(t), Some(part), _) => {
            let tp = TopicPartition::new(t, part);
            c.assign(vec![tp.clone()]);
            match start {
                Some(StartOffset::At(o)) => c.seek(&tp, o),
                Some(StartOffset::Earliest) => c.seek_to(&tp, OffsetReset::Earliest),
                _ => c.seek_to(&tp, OffsetReset::Latest),
            }
        }
        (Some(t), None, _) => c.subscribe(vec![t.clone()]),
        (None, _, Some(re)) => c.subscribe_pattern(re.clone()),
        _ => {}
    });
    // ConsoleConsumer.run: after the KafkaConsumer is built, a subscribing console consumer
    // of the classic protocol prints the KIP-848 notice.
    let classic = props.get("group.protocol").map(|v| v.eq_ignore_ascii_case("classic")).unwrap_or(true);
    if partition.is_none() && classic {
        notes.errln(CONSUMER_PROTOCOL_NOTICE);
    }
    let job = ConsumerJob {
        notes: Some(notes),
        client,
        formatter,
        mirror_formatter,
        max_messages,
        timeout_ms,
        count: 0,
        last_record_at: ctx.sim.now(),
        phase: Phase::Consuming,
        exit_code: 0,
    };
    Started::Job(Box::new(job))
}

impl ConsumerJob {
    fn begin_close(&mut self, sim: &mut Sim) {
        if self.phase != Phase::Consuming {
            return;
        }
        // ConsumerWrapper.cleanup(): resetUnconsumedOffsets() then close(), so the auto-commit
        // on close covers only the records the tool printed (`--max-messages 3` commits 3).
        sim.with_consumer(self.client, |c, now, out| {
            c.reset_unconsumed();
            c.close(now, out)
        });
        self.phase = Phase::Closing { deadline: sim.now().plus_ms(CLOSE_TIMEOUT_MS) };
    }

    fn done(&self) -> bool {
        self.max_messages.map(|m| self.count >= m).unwrap_or(false)
    }
}

impl Job for ConsumerJob {
    fn start(&mut self, sim: &mut Sim, out: &mut Output) {
        if let Some(n) = self.notes.take() {
            out.append(&n);
        }
        if self.done() {
            // --max-messages 0: the loop never runs.
            self.begin_close(sim);
        }
    }

    fn input(&mut self, _sim: &mut Sim, _line: &str, _out: &mut Output) {}

    fn eof(&mut self, _sim: &mut Sim, _out: &mut Output) {}

    fn interrupt(&mut self, sim: &mut Sim, _out: &mut Output) {
        // The shutdown hook wakes the consumer up and closes it.
        self.begin_close(sim);
    }

    fn poll(&mut self, sim: &mut Sim, out: &mut Output) -> Option<i32> {
        out.err(&super::client_logs(sim, self.client));
        if self.phase == Phase::Consuming {
            let gone = sim.consumer_mut(self.client).is_none();
            if gone {
                out.err(&processed_total(self.count));
                return Some(1);
            }
            // Records the application's poll() returned, printed one by one.
            let want = match self.max_messages {
                Some(m) => usize::try_from(m - self.count).unwrap_or(0),
                None => usize::MAX,
            };
            let (records, error) = match sim.consumer_mut(self.client) {
                Some(c) => {
                    let r = c.take_delivered(want);
                    (r, c.errors.pop_front())
                }
                None => (Vec::new(), None),
            };
            if !records.is_empty() {
                self.last_record_at = sim.now();
            }
            let mut error = error.map(|e| e.java_string());
            for r in &records {
                if let Some(f) = &self.formatter {
                    out.out(&format_record_text(&to_formatter(r), f));
                }
                if let Some(m) = self.mirror_formatter {
                    let (k, v) = (r.key.as_deref().unwrap_or(&[]), r.value.as_deref().unwrap_or(&[]));
                    let text = if m == CHECKPOINT_FORMATTER {
                        crate::sim::mirror_maker::format_checkpoint(k, v)
                    } else {
                        crate::sim::mirror_maker::format_offset_sync(k, v)
                    };
                    match text {
                        Some(t) => out.outln(&t),
                        None => {
                            error = Some(
                                "org.apache.kafka.common.protocol.types.SchemaException: Buffer underflow while parsing the record"
                                    .to_string(),
                            );
                            break;
                        }
                    }
                }
                self.count += 1;
            }
            if let Some(e) = error {
                out.err(&error_lines(
                    &super::now_ts(sim),
                    "Error processing message, terminating consumer process: ",
                    &e,
                ));
                self.begin_close(sim);
            } else if self.done() {
                self.begin_close(sim);
            } else if let Some(t) = self.timeout_ms {
                if sim.now() >= self.last_record_at.plus_ms(t) {
                    out.err(&crate::console::format::consumer::timeout_error(&super::now_ts(sim)));
                    self.begin_close(sim);
                }
            }
        }
        if let Phase::Closing { deadline } = self.phase {
            let closed = sim.consumer_mut(self.client).map(|c| c.close_completed()).unwrap_or(true);
            if closed || sim.now() >= deadline {
                sim.close_client(self.client);
                out.err(&processed_total(self.count));
                return Some(self.exit_code);
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
