//! The `processor` simulator command: read-process-write applications that copy an input topic
//! to an output topic in transactions, as Kafka's `TransactionalMessageCopier` does
//! (`crate::sim::world::processor`), for the lesson on exactly-once and where it ends.

use super::format::Output;
use super::session::Console;
use crate::sim::time::parse_duration_us;
use crate::sim::world::processor::{ProcessorSpec, DEFAULT_TRANSACTION_SIZE, DEFAULT_TRANSACTION_TIMEOUT_MS};

const EXAMPLE: &str = "processor start copier --group copier --input orders --output orders-copy";

fn ok(text: &str) -> Output {
    let mut o = Output::new();
    o.outln(text);
    o
}

impl Console {
    /// `processor start|stop|crash|list`: every argument is checked before anything changes.
    pub(crate) fn cmd_processor(&mut self, args: &[String]) -> Output {
        let sub = args.first().map(String::as_str).unwrap_or("");
        let r = match sub {
            "start" => self.processor_start(args),
            "stop" | "crash" => {
                if let Err(e) = super::simcmd::expect_args(
                    &format!("processor {sub}"),
                    args,
                    2,
                    &[],
                    &[],
                    &format!("processor {sub} <name>"),
                ) {
                    return Output::failure(&e);
                }
                let name = args.get(1).cloned().unwrap_or_default();
                if name.is_empty() || name.starts_with('-') {
                    Err(format!("processor {sub} needs the processor's name: processor {sub} copier"))
                } else {
                    self.processor_end(sub, &name)
                }
            }
            "list" => {
                if let Err(e) = super::simcmd::expect_args("processor list", args, 1, &[], &[], "processor list") {
                    return Output::failure(&e);
                }
                return self.processor_list();
            }
            "" => Err(format!("usage: processor start|stop|crash|list (e.g. {EXAMPLE})")),
            other => Err(format!("unknown processor command '{other}': use start, stop, crash or list")),
        };
        match r {
            Ok(text) => ok(&text),
            Err(e) => Output::failure(&e),
        }
    }

    fn processor_start(&mut self, args: &[String]) -> Result<String, String> {
        let name =
            args.get(1).filter(|n| !n.starts_with('-')).cloned().ok_or(format!("name the processor: {EXAMPLE}"))?;
        let (mut group, mut input, mut output, mut txn_id, mut side_effect) = (None, None, None, None, None);
        let mut processing_ms = 0i64;
        let mut size = DEFAULT_TRANSACTION_SIZE;
        let mut timeout_ms = DEFAULT_TRANSACTION_TIMEOUT_MS;
        let mut i = 2;
        while i < args.len() {
            let flag = args[i].as_str();
            if !flag.starts_with("--") {
                return Err(format!("processor start: unexpected argument '{flag}'\nusage: {EXAMPLE}"));
            }
            let val = args.get(i + 1).cloned().ok_or(format!("{flag} needs a value: {EXAMPLE}"))?;
            match flag {
                "--group" => group = Some(val),
                "--input" | "--output" => {
                    crate::console::format::topics::validate_topic_name(&val)
                        .map_err(|m| format!("Topic name is invalid: {m}"))?;
                    if flag == "--input" {
                        input = Some(val);
                    } else {
                        output = Some(val);
                    }
                }
                "--transactional-id" => {
                    if val.is_empty() {
                        return Err("--transactional-id needs a non-empty id".into());
                    }
                    txn_id = Some(val);
                }
                "--side-effect" => {
                    if val.is_empty() || val.len() > 40 || val.chars().any(|c| c.is_whitespace()) {
                        return Err(format!("'{val}' is not a side effect's label: one word, e.g. emails"));
                    }
                    side_effect = Some(val);
                }
                "--processing" => {
                    let us = parse_duration_us(&val)?;
                    if us > 3_600_000_000 {
                        return Err(format!("'{val}' is too long: at most 1h per record"));
                    }
                    processing_ms = (us / 1000) as i64;
                }
                "--transaction-size" => {
                    size = val
                        .parse::<u32>()
                        .ok()
                        .filter(|n| (1..=10_000).contains(n))
                        .ok_or(format!("'{val}' is not a transaction size: a number of records from 1 to 10000"))?;
                }
                "--transaction-timeout" => {
                    let us = parse_duration_us(&val)?;
                    timeout_ms = (us / 1000) as i64;
                    if !(1..=900_000).contains(&timeout_ms) {
                        return Err(format!(
                            "'{val}' is not a transaction timeout: from 1ms to 15m (transaction.max.timeout.ms)"
                        ));
                    }
                }
                other => return Err(format!("unknown option '{other}': {EXAMPLE}")),
            }
            i += 2;
        }
        let group = group.ok_or(format!("which group? {EXAMPLE}"))?;
        let input = input.ok_or(format!("which input topic? {EXAMPLE}"))?;
        let output = output.ok_or(format!("which output topic? {EXAMPLE}"))?;
        if input == output {
            return Err("the input and output topics must differ".into());
        }
        let transactional_id = txn_id.unwrap_or_else(|| name.clone());
        let bootstrap = self
            .sim
            .brokers()
            .keys()
            .map(|b| format!("localhost:{}", crate::sim::node::Env::broker_port(*b)))
            .collect::<Vec<_>>()
            .join(",");
        let spec = ProcessorSpec {
            name: name.clone(),
            group: group.clone(),
            input: input.clone(),
            output: output.clone(),
            transactional_id: transactional_id.clone(),
            processing_ms_per_record: processing_ms,
            side_effect: side_effect.clone(),
            transaction_size: size,
            transaction_timeout_ms: timeout_ms,
        };
        self.sim.start_processor(spec, &bootstrap)?;
        let fx = side_effect.map(|l| format!(", side effect '{l}' per record")).unwrap_or_default();
        Ok(format!(
            "processor {name} started: {input} → {output} in transactions of up to {size} records (transactional.id {transactional_id}, group {group}, read_committed){fx}"
        ))
    }

    fn processor_end(&mut self, sub: &str, name: &str) -> Result<String, String> {
        let open = self
            .sim
            .processors()
            .running
            .get(name)
            .map(|p| p.in_txn.len())
            .ok_or(format!("there is no processor named '{name}' (processor list shows them)"))?;
        let records = if open == 1 { "1 record".to_string() } else { format!("{open} records") };
        let pending = if open > 0 {
            format!(
                "; its open transaction ({records}) stays open until the coordinator aborts it (transaction.timeout.ms) or the next instance with its transactional.id fences it"
            )
        } else {
            String::new()
        };
        if sub == "stop" {
            Ok(if self.sim.stop_processor(name)? {
                format!("processor {name} stopped: its consumer left the group")
            } else {
                format!("processor {name} is stopping: it finishes the transaction under way, then closes its clients")
            })
        } else {
            self.sim.crash_processor(name)?;
            Ok(format!("processor {name} crashed: no LeaveGroup, no commit{pending}"))
        }
    }

    fn processor_list(&self) -> Output {
        let procs = self.sim.processors();
        if procs.running.is_empty() && procs.effects.is_empty() {
            return ok(&format!("no processors are running ({EXAMPLE} starts one)"));
        }
        let mut o = Output::new();
        if !procs.running.is_empty() {
            let rows: Vec<Vec<String>> = procs
                .running
                .values()
                .map(|p| {
                    vec![
                        p.name.clone(),
                        format!("{} → {}", p.input, p.output),
                        p.transactional_id.clone(),
                        p.stage.describe(),
                        p.in_txn.len().to_string(),
                        p.committed_txns.to_string(),
                        p.aborted_txns.to_string(),
                        p.copied.to_string(),
                    ]
                })
                .collect();
            o.out(&super::simcmd::table(
                &["NAME", "TOPICS", "TRANSACTIONAL.ID", "STATE", "IN TXN", "COMMITTED", "ABORTED", "COPIED"],
                &rows,
            ));
        }
        for (label, fx) in &procs.effects {
            o.outln(&format!(
                "side effect '{label}': {} performed, for {} input records; {} of them more than once",
                fx.total,
                fx.per_record.len(),
                fx.repeated()
            ));
        }
        o
    }
}
