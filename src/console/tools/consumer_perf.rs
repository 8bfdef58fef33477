//! `kafka-consumer-perf-test` (`ConsumerPerformance`): a consumer in a fresh group reads
//! `--messages` records (from the earliest offset unless `--from-latest`), then prints the
//! header and the summary line `start.time, end.time, data.consumed.in.MB, MB.sec,
//! data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec,
//! fetch.nMsg.sec` (or one line per `--reporting-interval` with `--show-detailed-stats`).
//! It stops early when no record arrives for `--timeout` ms, with the tool's WARNING.

use super::{Ctx, Job, Started};
use crate::console::format::perf::{
    consumer_detailed_line, consumer_header, consumer_summary_line, consumer_timeout_warning, ConsumerInterval,
    ConsumerTotal,
};
use crate::console::format::producer::parse_key_value_args;
use crate::console::format::{stack_trace, Output};
use crate::console::opts::{main_no_exit_output, parse_command, render_usage_table_with_defaults, usage_table, Tool};
use crate::sim::client::config::ConsumerConfig;
use crate::sim::client::consumer::MemberState;
use crate::sim::time::SimTime;
use crate::sim::world::Sim;
use std::collections::BTreeMap;

/// The client id the tool's consumer uses (`perf-consumer-client`).
pub(crate) const CLIENT_ID: &str = "perf-consumer-client";

pub(crate) struct PerfJob {
    client: u32,
    target: i64,
    timeout_ms: i64,
    detailed: bool,
    interval_ms: i64,
    start: SimTime,
    last_consumed: SimTime,
    joined_at: Option<SimTime>,
    messages: i64,
    bytes: i64,
    last_report: SimTime,
    last_report_messages: i64,
    last_report_bytes: i64,
    join_in_round_ms: i64,
}

pub(crate) fn run(ctx: &mut Ctx, args: &[String]) -> Started {
    // `--group` defaults to `"perf-consumer-" + RND.nextInt(100000)`, drawn as the options are
    // built, so the usage table shows the number this run would have used.
    let default_group = format!("perf-consumer-{}", super::console_consumer::pseudo_random(ctx.sim, 0x9E6F, 100_000));
    let parsed = match parse_command(Tool::ConsumerPerfTest, args) {
        Ok(p) => p,
        Err(mut o) => {
            if let Some(spec) = Tool::ConsumerPerfTest.spec() {
                let fixed = usage_table(spec);
                let drawn = render_usage_table_with_defaults(spec, &[("group", &default_group)]);
                for c in &mut o.chunks {
                    c.text = c.text.replace(&fixed, &drawn);
                }
            }
            return Started::Done(o);
        }
    };
    let p = &parsed.opts;
    let Some(spec) = Tool::ConsumerPerfTest.spec() else {
        return Started::Done(Output::failure("internal: no option table"));
    };
    let notes = parsed.notes.clone();
    let done = |o: Output| super::after_notes(&notes, o);
    let servers = match super::validate_bootstrap(p.value("bootstrap-server")) {
        Ok(s) => s,
        Err(o) => return done(o),
    };
    let detailed = p.has("show-detailed-stats");
    // ConsumerPerformance.run prints the header, then reads the properties and creates the
    // consumer; what fails there is caught: System.err.println(e.getMessage()), then
    // println of Utils.stackTrace(e), which leaves an empty line; exit 1.
    let header = (!p.has("hide-header")).then(|| consumer_header(detailed));
    let failed = |class: &str, m: &str| {
        let mut o = Output::new();
        if let Some(h) = &header {
            o.out(h);
        }
        o.append(&main_no_exit_output(m, &stack_trace(class, m)));
        done(o)
    };
    let mut props: BTreeMap<String, String> = BTreeMap::new();
    if let Some(path) = p.value("consumer.config").or(p.value("command-config")) {
        match super::load_props(ctx, path) {
            Ok(v) => props.extend(v),
            Err(m) => return failed(super::NO_SUCH_FILE, &m),
        }
    }
    // --command-property values take precedence over the file (ConsumerPerfOptions.readProps).
    props.extend(parse_key_value_args(&p.values("command-property")));
    let group = match p.value("group") {
        Some(g) => g.to_string(),
        None => default_group,
    };
    props.insert("group.id".into(), group);
    let reset = if p.has("from-latest") { "latest" } else { "earliest" };
    props.insert("auto.offset.reset".into(), reset.into());
    props.entry("client.id".into()).or_insert_with(|| CLIENT_ID.into());
    if let Some(v) = p.value_or_default(spec, "fetch-size") {
        props.insert("max.partition.fetch.bytes".into(), v);
    }
    let cfg = match ConsumerConfig::parse(&props) {
        Ok(c) => c,
        Err(m) => return failed("org.apache.kafka.common.config.ConfigException", &m),
    };
    let target = p.long_value("messages").ok().flatten().or(p.long_value("num-records").ok().flatten()).unwrap_or(0);
    let timeout_ms = p.long_value("timeout").ok().flatten().unwrap_or(10_000).max(0);
    let interval_ms = p
        .value_or_default(spec, "reporting-interval")
        .and_then(|v| crate::sim::java::java_parse_long(&v))
        .unwrap_or(5000)
        .max(1);
    let client = ctx.sim.create_consumer(CLIENT_ID, &servers, cfg);
    match (p.value("topic"), p.value("include")) {
        (Some(t), _) => {
            let t = t.to_string();
            ctx.sim.with_consumer(client, |c, _, _| c.subscribe(vec![t]));
        }
        (None, Some(re)) => {
            let re = re.to_string();
            ctx.sim.with_consumer(client, |c, _, _| c.subscribe_pattern(re));
        }
        _ => {}
    }
    let now = ctx.sim.now();
    let job = PerfJob {
        client,
        target,
        timeout_ms,
        detailed,
        interval_ms,
        start: now,
        last_consumed: now,
        joined_at: None,
        messages: 0,
        bytes: 0,
        last_report: now,
        last_report_messages: 0,
        last_report_bytes: 0,
        join_in_round_ms: 0,
    };
    let mut head = notes.clone();
    if let Some(h) = &header {
        head.out(h);
    }
    ctx.log.append(&head);
    Started::Job(Box::new(job))
}

impl PerfJob {
    fn wall(sim: &Sim, t: SimTime) -> i64 {
        sim.env().wall_ms(t)
    }

    fn finish(&mut self, sim: &mut Sim, out: &mut Output, timed_out: bool) -> Option<i32> {
        if timed_out {
            out.out(&consumer_timeout_warning(self.timeout_ms));
        }
        let end = sim.now();
        if !self.detailed {
            // Only onPartitionsAssigned adds to the join time: never assigned, it stays 0.
            let join_ms = self.joined_at.map(|j| j.ms_since(self.start)).unwrap_or(0);
            out.out(&consumer_summary_line(&ConsumerTotal {
                start_ms: Self::wall(sim, self.start),
                end_ms: Self::wall(sim, end),
                bytes: self.bytes,
                messages: self.messages,
                join_ms,
            }));
        }
        sim.close_client(self.client);
        Some(0)
    }
}

impl Job for PerfJob {
    fn input(&mut self, _sim: &mut Sim, _line: &str, _out: &mut Output) {}

    fn eof(&mut self, _sim: &mut Sim, _out: &mut Output) {}

    fn interrupt(&mut self, sim: &mut Sim, _out: &mut Output) {
        // The tool has no shutdown hook: Ctrl-C ends it without a summary.
        sim.crash_client(self.client).ok();
        self.target = -1;
    }

    fn poll(&mut self, sim: &mut Sim, out: &mut Output) -> Option<i32> {
        if self.target < 0 {
            return Some(130);
        }
        let now = sim.now();
        let Some(c) = sim.consumer_mut(self.client) else { return Some(1) };
        if self.joined_at.is_none() && c.group.as_ref().map(|g| g.state == MemberState::Stable).unwrap_or(false) {
            self.joined_at = Some(now);
            self.join_in_round_ms = now.ms_since(self.start);
        }
        let records = c.take_delivered(usize::MAX);
        if !records.is_empty() {
            self.last_consumed = now;
        }
        for r in &records {
            self.messages += 1;
            self.bytes += r.key.as_ref().map(|k| k.len() as i64).unwrap_or(0)
                + r.value.as_ref().map(|v| v.len() as i64).unwrap_or(0);
            if self.detailed && now.ms_since(self.last_report) >= self.interval_ms {
                out.out(&consumer_detailed_line(&ConsumerInterval {
                    bytes_read: self.bytes,
                    last_bytes_read: self.last_report_bytes,
                    messages_read: self.messages,
                    last_messages_read: self.last_report_messages,
                    start_ms: Self::wall(sim, self.last_report),
                    end_ms: Self::wall(sim, now),
                    join_ms_in_round: self.join_in_round_ms,
                }));
                self.join_in_round_ms = 0;
                self.last_report = now;
                self.last_report_bytes = self.bytes;
                self.last_report_messages = self.messages;
            }
        }
        if self.messages >= self.target {
            return self.finish(sim, out, false);
        }
        if now.ms_since(self.last_consumed) > self.timeout_ms {
            return self.finish(sim, out, true);
        }
        None
    }

    fn wake_at(&self) -> Option<SimTime> {
        Some(self.last_consumed.plus_ms(self.timeout_ms + 1))
    }

    fn reads_stdin(&self) -> bool {
        false
    }
}
