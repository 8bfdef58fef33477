//! Tab completion: tool names, simulator commands, the options of the tool being typed,
//! topic, broker, node and client names, config names after `--config`/`--add-config`,
//! and file names after options that take a file.

use super::opts::Tool;
use super::session::Console;
use super::shell::normalize_program;
use super::simcmd::{BUILTINS, SIM_COMMANDS};
use crate::sim::config::{broker_configs, topic_configs};
use crate::sim::node::Env;
use crate::sim::sort::CompactSort;

/// Options whose value is a file of the console.
const FILE_OPTIONS: &[&str] = &[
    "--reassignment-json-file",
    "--topics-to-move-json-file",
    "--path-to-json-file",
    "--command-config",
    "--producer.config",
    "--reader-config",
    "--admin.config",
    "--add-config-file",
    "--payload-file",
    "--consumer.config",
    "--formatter-config",
    "--from-file",
];

const READER_PROPERTIES: &[&str] = &[
    "parse.key=true",
    "key.separator=",
    "parse.headers=true",
    "headers.delimiter=",
    "headers.separator=",
    "headers.key.separator=",
    "null.marker=",
    "ignore.error=true",
];

const PRODUCER_PROPERTIES: &[&str] = &[
    "acks=",
    "batch.size=",
    "buffer.memory=",
    "client.id=",
    "compression.type=",
    "delivery.timeout.ms=",
    "enable.idempotence=",
    "linger.ms=",
    "max.block.ms=",
    "max.in.flight.requests.per.connection=",
    "max.request.size=",
    "partitioner.ignore.keys=",
    "request.timeout.ms=",
    "retries=",
    "retry.backoff.ms=",
];

/// `DefaultMessageFormatter` properties.
const FORMATTER_PROPERTIES: &[&str] = &[
    "print.timestamp=true",
    "print.partition=true",
    "print.offset=true",
    "print.headers=true",
    "print.key=true",
    "print.value=false",
    "key.separator=",
    "line.separator=",
    "headers.separator=",
    "null.literal=",
];

const CONSUMER_PROPERTIES: &[&str] = &[
    "auto.commit.interval.ms=",
    "auto.offset.reset=",
    "client.id=",
    "enable.auto.commit=",
    "group.instance.id=",
    "heartbeat.interval.ms=",
    "isolation.level=",
    "max.poll.interval.ms=",
    "max.poll.records=",
    "partition.assignment.strategy=",
    "session.timeout.ms=",
];

/// The line after Tab, and the candidates to list when there are several.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub line: String,
    pub(crate) candidates: Vec<String>,
}

/// Replaces the word being typed with `word` (and a space after a unique completion).
fn replace_last_word(input: &str, word: &str, finished: bool) -> String {
    let keep = if input.ends_with(char::is_whitespace) {
        input.len()
    } else {
        input.rfind(char::is_whitespace).map(|i| i + 1).unwrap_or(0)
    };
    format!("{}{}{}", &input[..keep], word, if finished { " " } else { "" })
}

fn common_prefix(words: &[String]) -> String {
    let Some(first) = words.first() else { return String::new() };
    let mut end = first.len();
    for w in &words[1..] {
        end = end.min(first.bytes().zip(w.bytes()).take_while(|(a, b)| a == b).count());
    }
    while !first.is_char_boundary(end) {
        end -= 1;
    }
    first[..end].to_string()
}

impl Console {
    fn consumer_names(&self) -> Vec<String> {
        self.sim
            .clients()
            .values()
            .filter(|c| matches!(&c.kind, crate::sim::client::ClientKind::Consumer(x) if !x.closed))
            .map(|c| c.name.clone())
            .collect()
    }

    /// What Tab makes of the line typed so far, as a shell does: a single candidate completes
    /// the last word (a space follows it); several extend it to their longest common prefix
    /// and are listed; none leave the line as it is.
    pub(crate) fn tab(&self, line: &str) -> Completion {
        let found = self.complete(line);
        match found.len() {
            0 => Completion { line: line.to_string(), candidates: Vec::new() },
            1 => Completion { line: replace_last_word(line, &found[0], true), candidates: Vec::new() },
            _ => Completion { line: replace_last_word(line, &common_prefix(&found), false), candidates: found },
        }
    }

    /// Candidates for the word being typed at the end of `partial` (whole words, sorted).
    pub fn complete(&self, partial: &str) -> Vec<String> {
        let words: Vec<&str> = partial.split_whitespace().collect();
        let at_new_word = partial.is_empty() || partial.ends_with(char::is_whitespace);
        let current = if at_new_word { "" } else { words.last().copied().unwrap_or("") };
        let before: Vec<&str> =
            if at_new_word { words.clone() } else { words[..words.len().saturating_sub(1)].to_vec() };
        let mut cands: Vec<String> = if before.is_empty() {
            self.program_candidates(current)
        } else {
            let program = normalize_program(before[0]);
            match Tool::from_program(&program) {
                Some(tool) => self.tool_candidates(tool, &before, current),
                None => self.command_candidates(&program, &before, current),
            }
        };
        cands.retain(|c| c.starts_with(current));
        cands.compact_sort();
        cands.dedup();
        cands
    }

    fn program_candidates(&self, current: &str) -> Vec<String> {
        let mut v: Vec<String> = Vec::new();
        for t in Tool::ALL {
            v.push(t.program().to_string());
            v.push(format!("{}.sh", t.program()));
            v.push(format!("bin/{}.sh", t.program()));
        }
        v.extend(SIM_COMMANDS.iter().map(|(n, _, _)| n.to_string()));
        v.extend(BUILTINS.iter().map(|(n, _)| n.to_string()));
        if !current.contains('.') && !current.starts_with("bin/") {
            v.retain(|c| !c.ends_with(".sh"));
        }
        v
    }

    fn topics(&self) -> Vec<String> {
        self.sim.topic_names()
    }

    fn listeners(&self) -> Vec<String> {
        self.sim.brokers().keys().map(|b| format!("localhost:{}", Env::broker_port(*b))).collect()
    }

    fn broker_ids(&self) -> Vec<String> {
        self.sim.brokers().keys().map(|b| b.to_string()).collect()
    }

    fn node_names(&self) -> Vec<String> {
        let mut v: Vec<String> = self.sim.brokers().keys().map(|b| format!("broker-{b}")).collect();
        v.extend(self.sim.controllers().keys().map(|c| format!("controller-{c}")));
        v.extend(self.sim.client_names());
        v
    }

    fn tool_candidates(&self, tool: Tool, before: &[&str], current: &str) -> Vec<String> {
        let prev = before.last().copied().unwrap_or("");
        let configs_on_brokers = before.windows(2).any(|w| w[0] == "--entity-type" && w[1] == "brokers")
            || before.iter().any(|w| *w == "--broker" || *w == "--broker-defaults");
        match prev {
            "--topic" => return self.topics(),
            "--bootstrap-server" => return self.listeners(),
            "--bootstrap-controller" => {
                return self
                    .sim
                    .controllers()
                    .keys()
                    .map(|c| format!("localhost:{}", Env::controller_port(*c)))
                    .collect()
            }
            "--broker" => return self.broker_ids(),
            "--entity-type" => return vec!["topics".into(), "brokers".into()],
            "--entity-name" => {
                return if configs_on_brokers { self.broker_ids() } else { self.topics() };
            }
            "--election-type" => return vec!["preferred".into(), "unclean".into()],
            "--time" => return vec!["latest".into(), "earliest".into(), "max-timestamp".into()],
            "--property" if tool == Tool::ConsoleConsumer => {
                return FORMATTER_PROPERTIES.iter().map(|s| s.to_string()).collect()
            }
            "--property" => return READER_PROPERTIES.iter().map(|s| s.to_string()).collect(),
            "--consumer-property" => return CONSUMER_PROPERTIES.iter().map(|s| s.to_string()).collect(),
            "--group" => return self.sim.group_names(),
            "--isolation-level" => return vec!["read_committed".into(), "read_uncommitted".into()],
            "--offset" => return vec!["earliest".into(), "latest".into()],
            "--formatter" => {
                return vec![
                    crate::console::tools::console_consumer::DEFAULT_FORMATTER.into(),
                    crate::console::tools::console_consumer::NOOP_FORMATTER.into(),
                ]
            }
            "--partition" => {
                let topic = before.windows(2).find(|w| w[0] == "--topic").map(|w| w[1]);
                let n = topic
                    .and_then(|t| {
                        self.sim
                            .metadata_image()
                            .and_then(|i| i.topics.values().find(|x| x.name == t).map(|x| x.partitions.len()))
                    })
                    .unwrap_or(0);
                return (0..n).map(|p| p.to_string()).collect();
            }
            "--producer-property" | "--producer-props" => {
                return PRODUCER_PROPERTIES.iter().map(|s| s.to_string()).collect()
            }
            "--config" | "--add-config" | "--delete-config" => {
                let eq = if prev == "--delete-config" { "" } else { "=" };
                return if configs_on_brokers {
                    broker_configs()
                        .iter()
                        .filter(|d| d.dynamic() && !d.internal)
                        .map(|d| format!("{}{eq}", d.name))
                        .collect()
                } else {
                    topic_configs().iter().filter(|d| !d.internal).map(|d| format!("{}{eq}", d.name)).collect()
                };
            }
            "--broker-list" => return vec![self.broker_ids().join(",")],
            p if FILE_OPTIONS.contains(&p) => return self.vfs.names(),
            _ => {}
        }
        if tool == Tool::MetadataQuorum && !before.contains(&"describe") && !current.starts_with('-') {
            return vec!["describe".into()];
        }
        let mut v: Vec<String> = Vec::new();
        match tool.spec() {
            Some(spec) => {
                for o in spec.all_options() {
                    let flag = format!("--{}", o.name);
                    if o.repeatable || !before.contains(&flag.as_str()) {
                        v.push(flag);
                    }
                }
            }
            None => {
                let names: &[&str] = match tool {
                    Tool::MetadataQuorum => &[
                        "--bootstrap-server",
                        "--bootstrap-controller",
                        "--command-config",
                        "--status",
                        "--replication",
                        "--human-readable",
                    ],
                    _ => &[],
                };
                if tool == Tool::ProducerPerfTest {
                    // Every 4.4 option, in argParser's order.
                    let flags = crate::console::opts::argparse::PRODUCER_PERF_TEST.args.iter().map(|a| a.flag);
                    v.extend(flags.filter(|n| !before.contains(n)).map(str::to_string));
                }
                v.extend(names.iter().filter(|n| !before.contains(n)).map(|n| n.to_string()));
            }
        }
        v
    }

    fn command_candidates(&self, program: &str, before: &[&str], _current: &str) -> Vec<String> {
        let arg_index = before.len() - 1;
        let sub = before.get(1).copied().unwrap_or("");
        let strs = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        match (program, arg_index) {
            ("broker", 0) => strs(&["list", "kill", "stop", "start", "add", "lose-disk", "slow"]),
            ("broker", 1) if sub != "list" && sub != "add" => self.broker_ids(),
            ("broker", 2) if sub == "slow" => strs(&["1s", "5s", "off"]),
            ("controller", 0) => strs(&["list", "kill", "start"]),
            ("controller", 1) => self.sim.controllers().keys().map(|c| c.to_string()).collect(),
            ("net", 0) => strs(&["cut", "heal", "isolate", "delay", "loss", "drop-next", "show"]),
            ("remote-storage", 0) => strs(&["show", "down", "up"]),
            ("net", 1 | 2) if sub != "show" => self.node_names(),
            ("net", _) if sub == "cut" => strs(&["--one-way"]),
            ("net", _) if sub == "delay" => strs(&["--jitter"]),
            ("producer", 0) => strs(&["start", "rate", "pause", "resume", "stop", "crash", "txn"]),
            ("producer", 2) if sub == "txn" => strs(&["begin", "commit", "abort"]),
            ("producer", 1) if sub != "start" => self.apps.keys().cloned().collect(),
            ("producer", _) if sub == "start" => {
                if before.last() == Some(&"--topic") {
                    self.topics()
                } else {
                    strs(&["--topic", "--rate", "--keys", "--value-prefix", "--max", "--producer-property"])
                }
            }
            ("processor", 0) => strs(&["start", "list", "stop", "crash"]),
            ("processor", 1) if sub == "stop" || sub == "crash" => {
                self.sim.processors().running.keys().cloned().collect()
            }
            ("processor", _) if sub == "start" => match before.last().copied() {
                Some("--input" | "--output") => self.topics(),
                Some("--group") => self.sim.group_names(),
                Some("--processing") => strs(&["20ms", "200ms", "1s"]),
                Some("--transactional-id" | "--side-effect" | "--transaction-size" | "--transaction-timeout") => {
                    Vec::new()
                }
                _ => strs(&[
                    "--group",
                    "--input",
                    "--output",
                    "--transactional-id",
                    "--processing",
                    "--side-effect",
                    "--transaction-size",
                    "--transaction-timeout",
                ]),
            },
            ("consumer", 0) => strs(&["start", "list", "pause", "resume", "slow", "stop", "crash"]),
            ("consumer", 1) if sub != "start" && sub != "list" => self.consumer_names(),
            ("consumer", 2) if sub == "slow" => strs(&["0ms", "20ms", "200ms", "1s"]),
            ("consumer", _) if sub == "start" => match before.last().copied() {
                Some("--topic") => self.topics(),
                Some("--group") => self.sim.group_names(),
                Some("--assignor") => strs(&["range", "roundrobin", "sticky", "cooperative-sticky", "uniform"]),
                Some("--protocol") => strs(&["classic", "consumer"]),
                Some("--commit") => strs(&["auto", "sync", "before-processing", "none"]),
                Some("--isolation") => strs(&["read_committed", "read_uncommitted"]),
                Some("--offset-reset") => strs(&["earliest", "latest", "none"]),
                Some("--processing") => strs(&["20ms", "200ms", "1s"]),
                Some("--consumer-property") => CONSUMER_PROPERTIES.iter().map(|s| s.to_string()).collect(),
                Some("--instance-id" | "--static") => Vec::new(),
                _ => strs(&[
                    "--group",
                    "--topic",
                    "--assignor",
                    "--protocol",
                    "--processing",
                    "--commit",
                    "--isolation",
                    "--instance-id",
                    "--offset-reset",
                    "--consumer-property",
                ]),
            },
            ("describe", 0) => strs(&["partition"]),
            ("describe", 1) => {
                let mut v = Vec::new();
                if let Some(image) = self.sim.metadata_image() {
                    for t in image.topics.values() {
                        for p in t.partitions.keys() {
                            v.push(format!("{}-{p}", t.name));
                        }
                    }
                }
                v
            }
            ("reset", _) => strs(&["--brokers", "--controllers", "--seed", "--broker-config", "--security"]),
            ("trace", _) => strs(&["--last"]),
            ("help", 0) => SIM_COMMANDS.iter().map(|(n, _, _)| n.to_string()).collect(),
            ("cat" | "rm", _) => self.vfs.names(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completion_replaces_only_the_last_word() {
        assert_eq!(replace_last_word("kafka-topics --cre", "--create", true), "kafka-topics --create ");
        assert_eq!(replace_last_word("kafka-topics ", "--list", true), "kafka-topics --list ");
        assert_eq!(common_prefix(&["--describe".into(), "--delete".into()]), "--de");
    }
}
