//! Brokerlab against real Apache Kafka 4.4.0: every `tests/conformance/scenarios/*.txt` was
//! recorded on a real KRaft cluster of Brokerlab's default shape by `./scripts/conformance
//! scenarios` (`conformance/`, see its README). This test runs the same commands through
//! Brokerlab's console (default seed, default cluster plus the file's `## config:` broker
//! configs) and compares each command's output and exit code with Kafka's.
//!
//! Before comparing, both sides go through the same named normalisations, each as narrow as
//! it can be: they only hide what legitimately differs between two runs of real Kafka
//! (random ids, wall-clock times, timings, placement Kafka chooses at random) or what is
//! Brokerlab's own text (`simulator-command`). Everything else must be equal.
//!
//! It prints, per scenario, `agree` or `differs` with a readable diff, and ends with
//! `scenarios: N/M agree`. `tests/conformance/known-differences.txt` names each scenario that
//! still differs and why: the test fails when any other scenario differs, and when a listed one
//! agrees (delete its line), so the list is always exactly what differs. `SCENARIO=name` runs one.
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/transcript.rs"]
mod transcript;

use brokerlab::console::session::Console;
use brokerlab::console::shell;
use regex_lite::Regex;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use transcript::{config_of, parse, render, render_tool};

/// One normalisation: a name (printed with the rules in force) and what it does to a
/// command's output lines (transcript form: stderr lines start with `! `), given the command.
struct Normalisation {
    name: &'static str,
    what: &'static str,
    apply: fn(&str, Vec<String>) -> Vec<String>,
}

const NORMALISATIONS: &[Normalisation] = &[
    Normalisation {
        name: "timestamps",
        what: "a log line's `[yyyy-MM-dd HH:mm:ss,SSS]` and a record's `CreateTime:<ms>` (`CreateTime: <ms>` in \
               kafka-dump-log, and its time index's `timestamp: <ms> offset:`) are wall-clock times",
        apply: |_, l| timestamps(l),
    },
    Normalisation {
        name: "stack-trace",
        what: "a Java stack trace's frame lines (`\\tat ...`, `\\t... N more`, two tabs in a suppressed \
               exception's trace) become one `\\tat ...` line; \
               the exception lines themselves are compared",
        apply: |_, l| stack_trace(l),
    },
    Normalisation { name: "topic-id", what: "`TopicId: <22 characters>` is a random Uuid", apply: |_, l| topic_id(l) },
    Normalisation {
        name: "uuid",
        what: "a member id's `<client-id>-<8-4-4-4-12 hex>` suffix is a random UUID, and so is a KIP-848 \
               member id (`Member <22 characters> with epoch`, and a 22-character CONSUMER-ID cell of \
               `kafka-consumer-groups --describe`: the client's `Uuid.randomUuid()`)",
        apply: uuid_in,
    },
    Normalisation {
        name: "random-group",
        what: "the group ids the console consumer and consumer perf test make up (`console-consumer-<n>`, \
               `perf-consumer-<n>`) are random",
        apply: |_, l| random_group(l),
    },
    Normalisation {
        name: "coordinator",
        what: "a group's coordinator (`localhost:909N  (N)` in `--describe --state`) leads the group's \
               __consumer_offsets partition, which Kafka placed at random",
        apply: |_, l| coordinator(l),
    },
    Normalisation {
        name: "perf-figures",
        what: "the perf tests' rates, latencies and times are timings; record counts and megabytes are compared",
        apply: |_, l| perf_figures(l),
    },
    Normalisation {
        name: "connection-retries",
        what: "how many `Connection to node ... could not be established` WARN lines fit in a timeout depends \
               on jittered reconnect backoffs (and the last may come after the tool's error): each distinct one \
               counts once",
        apply: |_, l| connection_retries(l),
    },
    Normalisation {
        name: "remote-fetch-errors",
        what: "how many `Unknown server error while fetching offset` WARN lines a consumer logs while the remote \
               storage is unreachable depends on how fast the failed remote reads come back (tiered storage): \
               each distinct one counts once",
        apply: |_, l| remote_fetch_errors(l),
    },
    Normalisation {
        name: "group-list-order",
        what: "`kafka-consumer-groups --list` and `kafka-groups --list` print groups in the order the brokers' \
               ListGroups answers arrive: their rows are sorted",
        apply: group_list_order,
    },
    Normalisation {
        name: "acl-order",
        what: "kafka-acls (`AclCommand`) keeps resources and ACL entries in a HashMap and HashSets keyed by \
               enum constants, whose identity hash codes change from one JVM to the next (so does the order of \
               the operation names in its usage, `AclEntry.ACL_OPERATIONS`): the entries of each block, the \
               blocks of each run and the listed operation names are sorted",
        apply: acl_order,
    },
    Normalisation {
        name: "correlation-id",
        what: "a client's request numbering (`correlation id N` in its WARN lines) counts the metadata \
               refreshes before it, which depend on timing",
        apply: |_, l| correlation_id(l),
    },
    Normalisation {
        name: "request-description",
        what: "a refusal by `AuthHelper.authorizeClusterOperation` (`Request <request> needs <OP> permission.`) \
               describes the controller's `RequestChannel.Request`: its connection id with an ephemeral port, \
               the identity hash codes of its sessions, buffer sizes; the operation is compared",
        apply: |_, l| request_description(l),
    },
    Normalisation {
        name: "option-set-order",
        what: "ConsumerGroupCommand lists some allowed option sets from a HashSet of joptsimple options, whose \
               order changes from one JVM to the next: the listed options are sorted",
        apply: |_, l| option_set_order(l),
    },
    Normalisation {
        name: "broker-order",
        what: "kafka-broker-api-versions prints one block per broker in the order their answers arrive: the \
               blocks are sorted by node id",
        apply: broker_order,
    },
    Normalisation {
        name: "log-dirs",
        what: "a replica's log directory in a reassignment JSON (`\"log_dirs\":[...]`) is a path on the machine \
               that ran the broker",
        apply: |_, l| log_dirs(l),
    },
    Normalisation {
        name: "batch-crc",
        what: "the CRC-32C kafka-dump-log prints for a batch (`crc: <n>` on a `baseOffset:` line) covers the \
               batch's CreateTime stamps, which are wall-clock times (Brokerlab computes it over the batch as \
               Kafka encodes it: conformance vector family `batch-crc`)",
        apply: |_, l| batch_crc(l),
    },
    Normalisation {
        name: "producer-id",
        what: "an idempotent producer's id (`producerId: <n>` on a kafka-dump-log batch line) comes from the block \
               of 1000 ids the controller gave the broker it asked (ProducerIdManager), and which broker asks for \
               a block first is timing",
        apply: |_, l| producer_id(l),
    },
    Normalisation {
        name: "quorum-figures",
        what: "kafka-metadata-quorum's cluster and directory ids are random, its offsets, lags and fetch \
               times move with the metadata log's periodic records and the clock, and its observers come in \
               the order of a hash of their random directory ids: they are sorted by node id",
        apply: |_, l| quorum_figures(l),
    },
];

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("a valid normalisation pattern"))
}

fn timestamps(lines: Vec<String>) -> Vec<String> {
    static LOG: OnceLock<Regex> = OnceLock::new();
    static CREATE: OnceLock<Regex> = OnceLock::new();
    let log = re(&LOG, r"\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\]");
    let create = re(&CREATE, r"\b(CreateTime|LogAppendTime):( ?)\d+");
    static TIME_INDEX: OnceLock<Regex> = OnceLock::new();
    let time_index = re(&TIME_INDEX, r"^timestamp: \d+ offset: ");
    lines
        .into_iter()
        .map(|l| {
            let l = log.replace_all(&l, "[<timestamp>]");
            let l = create.replace_all(&l, "$1:$2<timestamp>");
            time_index.replace(&l, "timestamp: <timestamp> offset: ").into_owned()
        })
        .collect()
}

fn stack_trace(lines: Vec<String>) -> Vec<String> {
    // Frames are indented by one tab, those of a suppressed exception's trace by two.
    let frame = |l: &str| {
        let body = l.strip_prefix("! ").unwrap_or(l).trim_start_matches('\t');
        let indented = l.strip_prefix("! ").unwrap_or(l).starts_with('\t');
        indented && (body.starts_with("at ") || (body.starts_with("... ") && body.ends_with(" more")))
    };
    let mut out: Vec<String> = Vec::new();
    let mut in_trace = false;
    for l in lines {
        if frame(&l) {
            if !in_trace {
                let prefix = if l.starts_with("! ") { "! " } else { "" };
                out.push(format!("{prefix}\tat ..."));
                in_trace = true;
            }
        } else {
            in_trace = false;
            out.push(l);
        }
    }
    out
}

fn topic_id(lines: Vec<String>) -> Vec<String> {
    static ID: OnceLock<Regex> = OnceLock::new();
    let id = re(&ID, r"TopicId: [A-Za-z0-9_-]{22}\b");
    lines.into_iter().map(|l| id.replace_all(&l, "TopicId: <topic-id>").into_owned()).collect()
}

/// [`uuid`], and in `kafka-consumer-groups --describe` output a whole 22-character cell (a KIP-848
/// member id in the CONSUMER-ID column).
fn uuid_in(command: &str, lines: Vec<String>) -> Vec<String> {
    static CELL: OnceLock<Regex> = OnceLock::new();
    let argv: Vec<&str> = command.split_whitespace().collect();
    let describe = argv.first().map(|p| shell::normalize_program(p) == "kafka-consumer-groups").unwrap_or(false)
        && argv.contains(&"--describe");
    let lines = uuid(lines);
    if !describe {
        return lines;
    }
    let cell = re(&CELL, r"(^|\s)[A-Za-z0-9_-]{22}(\s|$)");
    lines.into_iter().map(|l| cell.replace_all(&l, "$1<member-id-uuid>$2").into_owned()).collect()
}

fn uuid(lines: Vec<String>) -> Vec<String> {
    static ID: OnceLock<Regex> = OnceLock::new();
    static MEMBER: OnceLock<Regex> = OnceLock::new();
    let id = re(&ID, r"-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b");
    let member = re(&MEMBER, r"\bMember [A-Za-z0-9_-]{22} with epoch");
    lines
        .into_iter()
        .map(|l| id.replace_all(&l, "-<uuid>").into_owned())
        .map(|l| member.replace_all(&l, "Member <uuid> with epoch").into_owned())
        .collect()
}

fn random_group(lines: Vec<String>) -> Vec<String> {
    static ID: OnceLock<Regex> = OnceLock::new();
    let id = re(&ID, r"\b(console-consumer|perf-consumer)-\d+\b");
    lines.into_iter().map(|l| id.replace_all(&l, "$1-<n>").into_owned()).collect()
}

fn coordinator(lines: Vec<String>) -> Vec<String> {
    static COORD: OnceLock<Regex> = OnceLock::new();
    let coord = re(&COORD, r"localhost:\d+ +\(\d+\)");
    // Only the `--describe --state` table: its header names the column.
    let mut in_state_table = false;
    lines
        .into_iter()
        .map(|l| {
            if l.contains("COORDINATOR (ID)") {
                in_state_table = true;
                return l;
            }
            if in_state_table {
                if let Some(m) = coord.find(&l) {
                    let width = m.end() - m.start();
                    let repl = format!("{:<width$}", "<coordinator>");
                    return format!("{}{}{}", &l[..m.start()], repl, &l[m.end()..]);
                }
            }
            l
        })
        .collect()
}

fn perf_figures(lines: Vec<String>) -> Vec<String> {
    static PRODUCER: OnceLock<Regex> = OnceLock::new();
    static CONSUMER: OnceLock<Regex> = OnceLock::new();
    // ProducerPerformance.Stats: "N[ steady state] records sent, R records/sec (M MB/sec), A ms avg
    // latency, X ms max latency[, P ms 50th, ...]." (" steady state" after --warmup-records).
    let producer = re(
        &PRODUCER,
        r"^(\d+(?: steady state)?) records sent, [\d.]+ records/sec \([\d.]+ MB/sec\), [\d.]+ ms avg latency, [\d.]+ ms max latency(, \d+ ms 50th, \d+ ms 95th, \d+ ms 99th, \d+ ms 99\.9th)?\.$",
    );
    // ConsumerPerformance: "start, end, MB, MB.sec, nMsg, nMsg.sec, rebalance.ms, fetch.ms, fetch.MB.sec,
    // fetch.nMsg.sec".
    let consumer = re(
        &CONSUMER,
        r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d:\d{3}, \d{4}-\d\d-\d\d \d\d:\d\d:\d\d:\d{3}, ([\d.]+), [-\d.]+, (\d+), [-\d.]+, -?\d+, -?\d+, [-\d.]+, [-\d.]+$",
    );
    lines
        .into_iter()
        .map(|l| {
            if let Some(c) = producer.captures(&l) {
                let percentiles = if c.get(2).is_some() { " and percentiles" } else { "" };
                return format!("{} records sent, <rates and latencies{percentiles}>.", &c[1]);
            }
            if let Some(c) = consumer.captures(&l) {
                return format!("<start>, <end>, {}, <MB.sec>, {}, <timings>", &c[1], &c[2]);
            }
            l
        })
        .collect()
}

fn connection_retries(lines: Vec<String>) -> Vec<String> {
    // The client's network thread logs them while the tool prints, so one may also come after the
    // tool's own error line: within a command, each distinct one counts once, where it first appears.
    let mut seen: Vec<String> = Vec::new();
    let mut out: Vec<String> = Vec::new();
    for l in lines {
        let retry = l.starts_with("! ") && l.contains(" WARN ") && l.contains("could not be established");
        if retry {
            if seen.contains(&l) {
                continue;
            }
            seen.push(l.clone());
        }
        out.push(l);
    }
    out
}

fn remote_fetch_errors(lines: Vec<String>) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    let mut out: Vec<String> = Vec::new();
    for l in lines {
        if l.starts_with("! ") && l.contains(" WARN ") && l.contains("Unknown server error while fetching offset") {
            if seen.contains(&l) {
                continue;
            }
            seen.push(l.clone());
        }
        out.push(l);
    }
    out
}

fn group_list_order(command: &str, mut lines: Vec<String>) -> Vec<String> {
    let argv: Vec<&str> = command.split_whitespace().collect();
    let is_list = argv
        .first()
        .map(|p| matches!(shell::normalize_program(p).as_str(), "kafka-consumer-groups" | "kafka-groups"))
        .unwrap_or(false)
        && argv.contains(&"--list");
    if !is_list {
        return lines;
    }
    let start = if lines.first().map(|l| l.starts_with("GROUP ")).unwrap_or(false) { 1 } else { 0 };
    let end = lines.iter().position(|l| l.starts_with("! ")).unwrap_or(lines.len()).max(start);
    lines[start..end].sort();
    lines
}

fn acl_order(command: &str, lines: Vec<String>) -> Vec<String> {
    let is_acls =
        command.split_whitespace().next().map(|p| shell::normalize_program(p) == "kafka-acls").unwrap_or(false);
    if !is_acls {
        return lines;
    }
    // Entry lines (`\t(principal=...` and the first one, ` \t(...`) and the usage's operation
    // names (`!` + 41 spaces + `\t<Name>`) are sorted within each run of them.
    let entry = |l: &str| l.starts_with("\t(principal=") || l.starts_with(" \t(principal=");
    let op_name = |l: &str| l.starts_with("! ") && l.trim_start_matches(['!', ' ']).starts_with('\t');
    let mut out: Vec<String> = Vec::new();
    let mut run: Vec<String> = Vec::new();
    let flush = |run: &mut Vec<String>, out: &mut Vec<String>| {
        let mut r: Vec<String> = run.drain(..).map(|l| l.trim_start_matches(' ').to_string()).collect();
        r.sort();
        out.extend(r);
    };
    for l in lines {
        if entry(&l) || op_name(&l) {
            run.push(l);
        } else {
            flush(&mut run, &mut out);
            out.push(l);
        }
    }
    flush(&mut run, &mut out);
    // Blocks (a `Current ACLs ...`/`Adding ACLs ...` line, its entries and the empty line after
    // them) are sorted within each run of blocks.
    let header = |l: &str| l.starts_with("Current ACLs for resource") || l.starts_with("Adding ACLs for resource");
    let mut result = Vec::new();
    let mut blocks: Vec<Vec<String>> = Vec::new();
    let mut i = 0;
    while i < out.len() {
        if header(&out[i]) {
            let mut b = vec![out[i].clone()];
            i += 1;
            while i < out.len() && out[i].starts_with('\t') {
                b.push(out[i].clone());
                i += 1;
            }
            if i < out.len() && out[i].is_empty() {
                b.push(String::new());
                i += 1;
            }
            blocks.push(b);
        } else {
            blocks.sort();
            result.extend(blocks.drain(..).flatten());
            result.push(out[i].clone());
            i += 1;
        }
    }
    blocks.sort();
    result.extend(blocks.into_iter().flatten());
    result
}

fn correlation_id(lines: Vec<String>) -> Vec<String> {
    static ID: OnceLock<Regex> = OnceLock::new();
    let id = re(&ID, r"\bcorrelation id \d+\b");
    lines.into_iter().map(|l| id.replace_all(&l, "correlation id <n>").into_owned()).collect()
}

fn request_description(lines: Vec<String>) -> Vec<String> {
    static REQUEST: OnceLock<Regex> = OnceLock::new();
    let request = re(&REQUEST, r"\bRequest Request\(.*\) needs ([A-Z_]+) permission\.");
    lines.into_iter().map(|l| request.replace_all(&l, "Request <request> needs $1 permission.").into_owned()).collect()
}

fn option_set_order(lines: Vec<String>) -> Vec<String> {
    static SET: OnceLock<Regex> = OnceLock::new();
    static ITEM: OnceLock<Regex> = OnceLock::new();
    let set = re(
        &SET,
        r"^(.*(?:takes one of these options|takes the following options|requires one of the following scenarios): )(\[?)((?:\[[^\]]*\](?:, )?)+)(\]?)$",
    );
    let item = re(&ITEM, r"\[[^\]]*\]");
    lines
        .into_iter()
        .map(|l| match set.captures(&l) {
            Some(c) => {
                let mut items: Vec<&str> = item.find_iter(&c[3]).map(|m| m.as_str()).collect();
                items.sort_unstable();
                format!("{}{}{}{}", &c[1], &c[2], items.join(", "), &c[4])
            }
            None => l,
        })
        .collect()
}

fn broker_order(command: &str, lines: Vec<String>) -> Vec<String> {
    static HEAD: OnceLock<Regex> = OnceLock::new();
    let head = re(&HEAD, r"^\S+ \(id: (-?\d+) rack: .*\) -> \($");
    let first = command.split_whitespace().next().unwrap_or("");
    if shell::normalize_program(first) != "kafka-broker-api-versions" {
        return lines;
    }
    // Blocks from a `host:port (id: N rack: ...) -> (` line to its `)` line; anything else stays put.
    let mut blocks: Vec<(i64, Vec<String>)> = Vec::new();
    let mut rest = Vec::new();
    let mut current: Option<(i64, Vec<String>)> = None;
    for l in lines {
        if let Some(c) = head.captures(&l) {
            let id = c[1].parse().unwrap_or(i64::MAX);
            current = Some((id, vec![l]));
            continue;
        }
        match current.as_mut() {
            Some((_, b)) => {
                let end = l == ")";
                b.push(l);
                if end {
                    blocks.extend(current.take());
                }
            }
            None => rest.push(l),
        }
    }
    blocks.extend(current);
    blocks.sort_by_key(|(id, _)| *id);
    blocks.into_iter().flat_map(|(_, b)| b).chain(rest).collect()
}

fn log_dirs(lines: Vec<String>) -> Vec<String> {
    static ARRAY: OnceLock<Regex> = OnceLock::new();
    static PATH: OnceLock<Regex> = OnceLock::new();
    let array = re(&ARRAY, r#""log_dirs":\[[^\]]*\]"#);
    let path = re(&PATH, r#""/[^"]*""#);
    lines
        .into_iter()
        .map(|l| {
            array
                .replace_all(&l, |c: &regex_lite::Captures| path.replace_all(&c[0], "\"<log-dir>\"").into_owned())
                .into_owned()
        })
        .collect()
}

fn batch_crc(lines: Vec<String>) -> Vec<String> {
    static CRC: OnceLock<Regex> = OnceLock::new();
    let crc = re(&CRC, r" crc: \d+ isvalid: ");
    lines
        .into_iter()
        .map(|l| if l.starts_with("baseOffset: ") { crc.replace(&l, " crc: <crc> isvalid: ").into_owned() } else { l })
        .collect()
}

fn producer_id(lines: Vec<String>) -> Vec<String> {
    static ID: OnceLock<Regex> = OnceLock::new();
    let id = re(&ID, r" producerId: \d+ ");
    lines
        .into_iter()
        .map(|l| if l.starts_with("baseOffset: ") { id.replace(&l, " producerId: <id> ").into_owned() } else { l })
        .collect()
}

fn quorum_figures(lines: Vec<String>) -> Vec<String> {
    static STATUS: OnceLock<Regex> = OnceLock::new();
    static DIR: OnceLock<Regex> = OnceLock::new();
    static ROW: OnceLock<Regex> = OnceLock::new();
    let status = re(&STATUS, r"^(ClusterId|HighWatermark|MaxFollowerLag|MaxFollowerLagTimeMs):( +)\S+$");
    let dir = re(&DIR, r#""directoryId": "[A-Za-z0-9_-]{22}""#);
    // describe --replication: NodeId, DirectoryId, LogEndOffset, Lag, LastFetchTimestamp,
    // LastCaughtUpTimestamp, Status (tab-separated, padded).
    let row = re(&ROW, r"^(\d+ *)\t[A-Za-z0-9_-]{22}( *)\t(-?\d+ *)\t(-?\d+ *)\t([^\t]+)\t([^\t]+)\t(.*)$");
    let mut out = lines
        .into_iter()
        .map(|l| {
            if let Some(c) = status.captures(&l) {
                return format!("{}:{}<{}>", &c[1], &c[2], c[1].to_ascii_lowercase());
            }
            if let Some(c) = row.captures(&l) {
                return format!(
                    "{}\t<directory-id>\t<log-end-offset>\t<lag>\t<last-fetch>\t<last-caught-up>\t{}",
                    c[1].trim_end(),
                    c[7].trim_end()
                );
            }
            let l = dir.replace_all(&l, r#""directoryId": "<directory-id>""#).into_owned();
            match l.strip_prefix("CurrentObservers:") {
                Some(rest) => format!("CurrentObservers:{}", sort_observers(rest)),
                None => l,
            }
        })
        .collect::<Vec<_>>();
    // Observer rows of describe --replication, by node id.
    let mut i = 0;
    while i < out.len() {
        let observer = |l: &String| l.starts_with(|c: char| c.is_ascii_digit()) && l.trim_end().ends_with("Observer");
        if observer(&out[i]) {
            let start = i;
            while i < out.len() && observer(&out[i]) {
                i += 1;
            }
            out[start..i]
                .sort_by_key(|l| l.split('\t').next().and_then(|n| n.trim().parse::<i64>().ok()).unwrap_or(i64::MAX));
        } else {
            i += 1;
        }
    }
    out
}

/// `  [{"id": 2, ...}, {"id": 1, ...}]` with its entries in node id order.
fn sort_observers(rest: &str) -> String {
    static ENTRY: OnceLock<Regex> = OnceLock::new();
    let entry = re(&ENTRY, r#"\{"id": (\d+)[^}]*\}"#);
    let mut entries: Vec<(i64, String)> =
        entry.captures_iter(rest).map(|c| (c[1].parse().unwrap_or(i64::MAX), c[0].to_string())).collect();
    if entries.is_empty() {
        return rest.to_string();
    }
    entries.sort();
    let pad: String = rest.chars().take_while(|c| *c == ' ').collect();
    format!("{pad}[{}]", entries.into_iter().map(|(_, e)| e).collect::<Vec<_>>().join(", "))
}

fn normalise(command: &str, lines: Vec<String>) -> Vec<String> {
    NORMALISATIONS.iter().fold(lines, |l, n| (n.apply)(command, l))
}

/// A unified diff of two outputs (longest common subsequence, two lines of context, at most
/// `MAX_DIFF_LINES` lines shown).
fn readable_diff(expected: &[String], actual: &[String]) -> String {
    const CONTEXT: usize = 2;
    const MAX_DIFF_LINES: usize = 60;
    let (n, m) = (expected.len(), actual.len());
    // lcs[i][j]: length of the longest common subsequence of expected[i..] and actual[j..].
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if expected[i] == actual[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let mut ops: Vec<(char, &str)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && expected[i] == actual[j] {
            ops.push((' ', &expected[i]));
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
            ops.push(('+', &actual[j]));
            j += 1;
        } else {
            ops.push(('-', &expected[i]));
            i += 1;
        }
    }
    let near_change = |k: usize| {
        let lo = k.saturating_sub(CONTEXT);
        let hi = (k + CONTEXT + 1).min(ops.len());
        ops[lo..hi].iter().any(|(c, _)| *c != ' ')
    };
    let mut out = String::new();
    let mut shown = 0;
    let mut skipped = false;
    for (k, (c, l)) in ops.iter().enumerate() {
        if !near_change(k) {
            skipped = true;
            continue;
        }
        if skipped && !out.is_empty() {
            out.push_str("   ...\n");
        }
        skipped = false;
        if shown == MAX_DIFF_LINES {
            out.push_str("   ... (more differences)\n");
            break;
        }
        out.push_str(&format!(" {c} {}\n", l.replace('\t', "\\t")));
        shown += 1;
    }
    out
}

/// Brokerlab's simulator commands whose output is its own text: the recording has none.
fn is_simulator_command(text: &str) -> bool {
    let first = text.split_whitespace().next().unwrap_or("");
    matches!(shell::normalize_program(first).as_str(), "broker" | "controller" | "sleep" | "remote-storage")
}

struct Verdict {
    name: String,
    differences: Vec<String>,
}

fn compare(path: &Path) -> Verdict {
    let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => return Verdict { name, differences: vec![format!("cannot read {}: {e}", path.display())] },
    };
    let t = parse(&text);
    let (seed, cfg) = config_of(&t.header);
    let mut console = match Console::new(seed, cfg) {
        Ok(c) => c,
        Err(e) => return Verdict { name, differences: vec![format!("Brokerlab refuses the cluster: {e}")] },
    };
    let mut differences = Vec::new();
    for step in &t.steps {
        let first_line = step.command.lines().next().unwrap_or("").to_string();
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| console.run_script(&step.command, false)));
        let result = match run {
            Ok(r) => r,
            Err(_) => {
                differences.push(format!("`{first_line}`: Brokerlab panicked (later commands not run)"));
                break;
            }
        };
        let mut actual = Vec::new();
        let mut code = 0;
        for c in &result.commands {
            if is_simulator_command(&c.text) {
                if c.output.exit_code != 0 {
                    differences.push(format!(
                        "`{}`: Brokerlab's simulator command failed (exit {}): {}",
                        c.text,
                        c.output.exit_code,
                        render(&c.output).join(" / ")
                    ));
                }
                continue;
            }
            // Brokerlab's notes ("did you mean ...") are not the tool's output.
            actual.extend(render_tool(&c.output));
            if c.output.exit_code != 0 && code == 0 {
                code = c.output.exit_code;
            }
        }
        let expected = normalise(&step.command, step.expected.clone());
        let actual = normalise(&step.command, actual);
        let expected_code = step.exit.unwrap_or(0);
        if expected != actual {
            differences.push(format!(
                "`{first_line}`: output differs (- Kafka 4.4.0, + Brokerlab, tabs as \\t):\n{}",
                readable_diff(&expected, &actual)
            ));
        }
        if expected_code != code {
            differences.push(format!("`{first_line}`: Kafka exits {expected_code}, Brokerlab exits {code}"));
        }
    }
    Verdict { name, differences }
}

fn scenario_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/conformance/scenarios exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().map(|e| e == "txt").unwrap_or(false))
        .collect();
    files.sort();
    files
}

#[test]
fn every_scenario_was_recorded_from_kafka() {
    for f in scenario_files() {
        let text = std::fs::read_to_string(&f).expect("readable");
        let name = f.file_stem().expect("a name").to_string_lossy().into_owned();
        let header = format!("## recorded from Apache Kafka 4.4.0 by ./scripts/conformance scenarios {name}");
        assert_eq!(text.lines().next(), Some(header.as_str()), "{} was not recorded by the harness", f.display());
    }
}

/// The leader's row of each `describe --replication` of a transcript's outputs: (log end offset,
/// last fetch timestamp). The leader's timestamp is the time the request was answered.
fn leader_rows(outputs: &[Vec<String>]) -> Vec<(i64, i64)> {
    outputs
        .iter()
        .filter_map(|lines| {
            lines.iter().find(|l| l.trim_end().ends_with("Leader")).and_then(|l| {
                let cells: Vec<&str> = l.split('\t').map(str::trim).collect();
                Some((cells.get(2)?.parse().ok()?, cells.get(4)?.parse().ok()?))
            })
        })
        .collect()
}

/// The `quorum-figures` normalisation hides the metadata log's offsets, so this checks their
/// movement on its own: over the same idle stretch, Brokerlab's active controller adds records
/// to the metadata log at Kafka's rate (a NoOpRecord every `metadata.max.idle.interval.ms`).
#[test]
fn an_idle_metadata_log_moves_at_kafkas_rate() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/scenarios/quorum_idle.txt");
    let t = parse(&std::fs::read_to_string(path).expect("quorum_idle.txt"));
    let replication: Vec<_> = t.steps.iter().filter(|s| s.command.contains("describe --replication")).collect();
    let kafka = leader_rows(&replication.iter().map(|s| s.expected.clone()).collect::<Vec<_>>());
    let (seed, cfg) = config_of(&t.header);
    let mut console = Console::new(seed, cfg).expect("a cluster");
    let mut outputs = Vec::new();
    for step in &t.steps {
        let result = console.run_script(&step.command, false);
        if step.command.contains("describe --replication") {
            outputs.push(result.commands.iter().flat_map(|c| render_tool(&c.output)).collect::<Vec<_>>());
        }
    }
    let ours = leader_rows(&outputs);
    assert_eq!((kafka.len(), ours.len()), (2, 2), "Kafka {kafka:?}, Brokerlab {ours:?}");
    let rate = |r: &[(i64, i64)]| (r[1].0 - r[0].0, r[1].1 - r[0].1);
    let ((k_records, k_ms), (b_records, b_ms)) = (rate(&kafka), rate(&ours));
    assert!(k_records > 0 && k_ms > 0 && b_ms > 0, "Kafka {kafka:?}, Brokerlab {ours:?}");
    // Kafka's rate over Brokerlab's stretch (Kafka's took longer: each tool is a JVM), one
    // record either way for where the stretch starts and ends between two NoOpRecords.
    let expected = k_records * b_ms / k_ms;
    assert!(
        (b_records - expected).abs() <= 1,
        "Kafka: {k_records} records in {k_ms} ms; Brokerlab: {b_records} in {b_ms} ms (expected {expected})"
    );
}

/// How much newer the leader's LastFetchTimestamp is than the newest other row's, per
/// `describe --replication` table (without `--human-readable`).
fn leader_fetch_leads(outputs: &[Vec<String>]) -> Vec<i64> {
    outputs
        .iter()
        .filter_map(|lines| {
            let rows: Vec<(bool, i64)> = lines
                .iter()
                .skip(1)
                .filter_map(|l| {
                    let cells: Vec<&str> = l.split('\t').map(str::trim).collect();
                    Some((cells.get(6)? == &"Leader", cells.get(4)?.parse().ok()?))
                })
                .collect();
            let leader = rows.iter().find(|(l, _)| *l)?.1;
            let others = rows.iter().filter(|(l, _)| !*l).map(|(_, t)| *t).max()?;
            Some(leader - others)
        })
        .collect()
}

/// The `quorum-figures` normalisation hides the fetch times, so this checks the leader's own
/// row on its own: Kafka reports the moment of the request as the leader's LastFetchTimestamp
/// (`RaftUtil.toReplicaState` gives the leader's replica `currentTimeMs`), so it is never older
/// than an observer's last fetch, and newer by less than one fetch wait (the observers fetch
/// at least every `replica.fetch.wait.max.ms`, 500 ms).
#[test]
fn the_leaders_own_fetch_time_is_now() {
    for name in ["quorum", "quorum_idle"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/conformance/scenarios/{name}.txt"));
        let t = parse(&std::fs::read_to_string(path).expect("a recorded scenario"));
        let is_table = |c: &str| c.contains("describe --replication") && !c.contains("--human-readable");
        let kafka = leader_fetch_leads(
            &t.steps.iter().filter(|s| is_table(&s.command)).map(|s| s.expected.clone()).collect::<Vec<_>>(),
        );
        let (seed, cfg) = config_of(&t.header);
        let mut console = Console::new(seed, cfg).expect("a cluster");
        let mut outputs = Vec::new();
        for step in &t.steps {
            let result = console.run_script(&step.command, false);
            if is_table(&step.command) {
                outputs.push(result.commands.iter().flat_map(|c| render_tool(&c.output)).collect::<Vec<_>>());
            }
        }
        let ours = leader_fetch_leads(&outputs);
        assert!(!kafka.is_empty() && kafka.len() == ours.len(), "{name}: Kafka {kafka:?}, Brokerlab {ours:?}");
        for (k, b) in kafka.iter().zip(&ours) {
            assert!((0..500).contains(k), "{name}: Kafka's leader row leads by {k} ms");
            assert!((0..500).contains(b), "{name}: Brokerlab's leader row leads by {b} ms (Kafka's by {k} ms)");
        }
    }
    // With --human-readable the age is the tool's: the leader's row is only as old as the
    // round trip (Kafka printed "8 ms ago" while its observers were 21 ms old).
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/scenarios/quorum.txt");
    let t = parse(&std::fs::read_to_string(path).expect("quorum.txt"));
    let age = |lines: &[String]| -> Option<i64> {
        let row = lines.iter().find(|l| l.trim_end().ends_with("Leader"))?;
        let cell = row.split('\t').nth(4)?.trim();
        cell.strip_suffix(" ms ago")?.parse().ok()
    };
    let (seed, cfg) = config_of(&t.header);
    let mut console = Console::new(seed, cfg).expect("a cluster");
    let mut checked = 0;
    for step in &t.steps {
        let result = console.run_script(&step.command, false);
        if step.command.contains("--human-readable") && step.command.contains("--replication") {
            let ours: Vec<String> = result.commands.iter().flat_map(|c| render_tool(&c.output)).collect();
            let (k, b) =
                (age(&step.expected).expect("Kafka's leader row"), age(&ours).expect("Brokerlab's leader row"));
            assert!(k < 50 && b < 50, "the leader's own fetch: Kafka {k} ms ago, Brokerlab {b} ms ago");
            checked += 1;
        }
    }
    assert_eq!(checked, 1);
    // Whenever it is asked, between two of the metadata log's appends too.
    for _ in 0..6 {
        console.run_script("sleep 90ms", false);
        let result = console.run_script(
            "kafka-metadata-quorum --bootstrap-server localhost:9092 describe --replication --human-readable",
            false,
        );
        let ours: Vec<String> = result.commands.iter().flat_map(|c| render_tool(&c.output)).collect();
        let b = age(&ours).expect("Brokerlab's leader row");
        assert!(b < 50, "the leader's own fetch: Brokerlab {b} ms ago\n{ours:#?}");
    }
}

#[test]
fn normalisations_are_narrow() {
    let l = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    // A 22-character cell only in kafka-consumer-groups --describe output.
    let row = "gs              pCZGs9_ZTD6ZGZqcTlpRYA static-1          /127.0.0.1";
    assert_eq!(
        uuid_in("kafka-consumer-groups --describe --group gs --members", l(&[row])),
        l(&["gs              <member-id-uuid> static-1          /127.0.0.1"])
    );
    assert_eq!(uuid_in("kafka-topics --describe", l(&[row])), l(&[row]));
    // A trace's frames collapse, its exception lines stay.
    assert_eq!(
        stack_trace(l(&["! java.lang.X: m", "! \tat a.b(C.java:1)", "! \tat d", "! Caused by: Y", "! \t... 3 more"])),
        l(&["! java.lang.X: m", "! \tat ...", "! Caused by: Y", "! \tat ..."])
    );
    // Only the request of an `authorizeClusterOperation` refusal; its operation stays.
    assert_eq!(
        request_description(l(&[
            "orders-0: Request Request(processor=0, envelope=Optional[Request(processor=0)]) needs ALTER permission.",
            "Request Request(processor=0) is not authorized."
        ])),
        l(&["orders-0: Request <request> needs ALTER permission.", "Request Request(processor=0) is not authorized."])
    );
    // Only a 22-character id after `TopicId: `.
    assert_eq!(
        topic_id(l(&["TopicId: j25G7pe1Q2OLwcDSTMQaig\tx", "Topic: j25G7pe1Q2OLwcDSTMQaig"]))[1],
        "Topic: j25G7pe1Q2OLwcDSTMQaig"
    );
    // Counts survive the perf normalisation.
    assert_eq!(
        perf_figures(l(&[
            "20 records sent, 2000.000000 records/sec (0.00 MB/sec), 10.00 ms avg latency, 10.00 ms max latency, 10 ms 50th, 10 ms 95th, 10 ms 99th, 10 ms 99.9th."
        ])),
        l(&["20 records sent, <rates and latencies and percentiles>."])
    );
    assert_eq!(
        perf_figures(l(&[
            "15 steady state records sent, 214.285714 records/sec (0.00 MB/sec), 46.00 ms avg latency, 47.00 ms max latency, 47 ms 50th, 47 ms 95th, 47 ms 99th, 47 ms 99.9th."
        ])),
        l(&["15 steady state records sent, <rates and latencies and percentiles>."])
    );
    // Different connection warnings are not merged; repeated ones are.
    let w = "! [<timestamp>] WARN [AdminClient clientId=adminclient-1] Connection to node -1 (localhost/127.0.0.1:9999) could not be established. Node may not be available. (org.apache.kafka.clients.NetworkClient)";
    assert_eq!(connection_retries(l(&[w, w, "x", w])), l(&[w, "x"]));
    assert_eq!(connection_retries(l(&["! a", "! a"])), l(&["! a", "! a"]));
    // Option sets are sorted, other lines stay.
    assert_eq!(
        option_set_order(l(&[
            "! Option [describe] takes one of these options: [group], [all-groups]",
            "! Option '[reset-offsets]' requires one of the following scenarios: [[to-offset], [shift-by]]",
            "! [b], [a]"
        ])),
        l(&[
            "! Option [describe] takes one of these options: [all-groups], [group]",
            "! Option '[reset-offsets]' requires one of the following scenarios: [[shift-by], [to-offset]]",
            "! [b], [a]"
        ])
    );
    // Broker blocks are sorted by id, only for kafka-broker-api-versions.
    let blocks = l(&["b:2 (id: 2 rack: null) -> (", "\tX", ")", "b:1 (id: 1 rack: null) -> (", "\tY", ")"]);
    assert_eq!(
        broker_order("kafka-broker-api-versions --bootstrap-server b:1", blocks.clone()),
        l(&["b:1 (id: 1 rack: null) -> (", "\tY", ")", "b:2 (id: 2 rack: null) -> (", "\tX", ")"])
    );
    assert_eq!(broker_order("kafka-topics --list", blocks.clone()), blocks);
    // The coordinator only in the --state table.
    assert_eq!(coordinator(l(&["localhost:9092  (1)"])), l(&["localhost:9092  (1)"]));
}

/// Most virtual memory (KiB) and wall time one scenario may take in Brokerlab: a scenario that
/// makes it allocate without bound (a create of 2147483647 partitions) is reported as a
/// difference instead of taking the machine down with it.
const CHILD_MEMORY_KIB: u64 = 4 * 1024 * 1024;
const CHILD_SECONDS: u64 = 600;
const VERDICT: &str = "conformance-verdict:";

/// Runs one scenario in this test binary again (`child_scenario`), under a memory and a time
/// limit, and reads its verdict.
fn compare_isolated(path: &Path) -> Verdict {
    let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let exe = std::env::current_exe().expect("the test binary");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {CHILD_MEMORY_KIB} && exec timeout {CHILD_SECONDS} \"$@\""))
        .arg("sh")
        .arg(&exe)
        .args(["--exact", "child_scenario", "--ignored", "--nocapture", "--test-threads=1"])
        .env("CONFORMANCE_CHILD", path)
        .output();
    let out = match out {
        Ok(o) => o,
        Err(e) => {
            return Verdict { name, differences: vec![format!("cannot run the scenario in a child process: {e}")] }
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut differences = Vec::new();
    let mut verdict_seen = false;
    for line in stdout.lines() {
        // libtest may have printed `test child_scenario ... ` on the same line first.
        if let Some(d) = line.find(VERDICT).map(|at| &line[at + VERDICT.len()..]) {
            verdict_seen = true;
            if !d.is_empty() {
                differences.push(serde_json::from_str::<String>(d).unwrap_or_else(|_| d.to_string()));
            }
        }
    }
    if !verdict_seen {
        let why = if out.status.code() == Some(124) {
            format!("Brokerlab ran longer than {CHILD_SECONDS} s")
        } else if stderr.contains("memory allocation of") {
            format!("Brokerlab ran out of memory (more than {} GiB)", CHILD_MEMORY_KIB / 1024 / 1024)
        } else {
            format!("Brokerlab's run ended abnormally ({})", out.status)
        };
        let tail: Vec<&str> =
            stderr.lines().filter(|l| !l.trim_start().starts_with(char::is_numeric)).rev().take(3).collect();
        differences.push(format!("{why}; last words: {}", tail.into_iter().rev().collect::<Vec<_>>().join(" / ")));
    }
    Verdict { name, differences }
}

#[test]
#[ignore = "run by brokerlab_agrees_with_kafka in a child process, one scenario each"]
fn child_scenario() {
    let path = PathBuf::from(std::env::var("CONFORMANCE_CHILD").expect("CONFORMANCE_CHILD names the scenario"));
    let v = compare(&path);
    // One line per difference (JSON-quoted), or one empty verdict line when they agree.
    if v.differences.is_empty() {
        println!("{VERDICT}");
    }
    for d in &v.differences {
        println!("{VERDICT}{}", serde_json::to_string(d).expect("a string"));
    }
}

#[test]
fn brokerlab_agrees_with_kafka() {
    let only = std::env::var("SCENARIO").ok();
    let files: Vec<PathBuf> = scenario_files()
        .into_iter()
        .filter(|f| only.as_deref().map(|o| f.file_stem().map(|s| s == o).unwrap_or(false)).unwrap_or(true))
        .collect();
    assert!(!files.is_empty(), "no scenario to compare");
    if only.is_none() {
        assert!(files.len() >= 40, "expected at least 40 scenarios, found {}", files.len());
    }
    eprintln!("normalisations applied to both sides:");
    for n in NORMALISATIONS {
        eprintln!("  {:<20} {}", n.name, n.what);
    }
    eprintln!("  {:<20} the output of broker/controller/sleep/remote-storage is Brokerlab's own text (Kafka's has none); their exit code must be 0", "simulator-command");
    let mut agree = 0;
    let mut differing = Vec::new();
    for f in &files {
        let v = compare_isolated(f);
        if v.differences.is_empty() {
            agree += 1;
            eprintln!("{}: agree", v.name);
        } else {
            eprintln!("{}: differs", v.name);
            for d in &v.differences {
                for line in d.lines() {
                    eprintln!("    {line}");
                }
            }
            differing.push(v.name);
        }
    }
    eprintln!("scenarios: {agree}/{} agree", files.len());
    let known = known_differences();
    let names: Vec<String> =
        scenario_files().iter().filter_map(|f| f.file_stem().map(|s| s.to_string_lossy().into_owned())).collect();
    let stale: Vec<&String> = known.keys().filter(|k| !names.contains(k)).collect();
    assert!(stale.is_empty(), "known-differences.txt names scenarios that do not exist: {stale:?}");
    let unexpected: Vec<&String> = differing.iter().filter(|d| !known.contains_key(*d)).collect();
    let compared: Vec<String> =
        files.iter().filter_map(|f| f.file_stem().map(|s| s.to_string_lossy().into_owned())).collect();
    let now_agree: Vec<&String> = known.keys().filter(|k| compared.contains(k) && !differing.contains(k)).collect();
    assert!(
        unexpected.is_empty() && now_agree.is_empty(),
        "scenarios: {agree}/{} agree; differing but not in known-differences.txt: {unexpected:?}; \
         listed in known-differences.txt but now agreeing (delete their lines): {now_agree:?}",
        files.len()
    );
}

/// `tests/conformance/known-differences.txt`: scenario name → why it still differs.
fn known_differences() -> std::collections::BTreeMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/known-differences.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = std::collections::BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (name, why) = line
            .split_once(':')
            .unwrap_or_else(|| panic!("{}:{}: expected `scenario: why`, got {line:?}", path.display(), i + 1));
        assert!(!why.trim().is_empty(), "{}:{}: say why {name} differs", path.display(), i + 1);
        assert!(
            out.insert(name.trim().to_string(), why.trim().to_string()).is_none(),
            "{}:{}: {name} listed twice",
            path.display(),
            i + 1
        );
    }
    out
}
