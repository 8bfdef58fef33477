//! The simulator's own commands (what no Kafka tool does: kill a broker, cut the
//! network, run a steady producer, let time pass, look inside a partition) and the few
//! shell builtins the console offers (`cat`, `ls`, `rm`, `echo`, `printf`, `seq`,
//! `history`).
//!
//! Every command checks all of its arguments before it changes anything, so a mistyped
//! command changes nothing; the message says what to type instead. Every command takes
//! `--help`.

use super::format::{pad_right, Output};
use super::opts::Tool;
use super::session::{AppProducer, Console};
use super::shell;
use super::tools::log_timestamp;
use crate::sim::client::config::ProducerConfig;
use crate::sim::client::consumer::Consumer;
use crate::sim::client::producer::Workload;
use crate::sim::client::ClientKind;
use crate::sim::node::Env;
use crate::sim::time::parse_duration_us;
use crate::sim::types::{NodeAddr, TopicPartition};
use crate::sim::view::explain::describe_event;
use crate::sim::view::model::NodeStatus;
use crate::sim::view::names::ControllerRole;
use crate::sim::world::{ClusterConfig, Sim};
use std::collections::BTreeMap;

/// The Kafka tools, with one line each (for `help`).
pub(crate) const TOOL_HELP: &[(Tool, &str)] = &[
    (Tool::Topics, "create, list, describe, alter (partitions) and delete topics"),
    (Tool::ConsoleProducer, "send lines of stdin (or what you type) as records"),
    (Tool::ProducerPerfTest, "send many records as fast as asked and report throughput and latency"),
    (Tool::Configs, "describe and change topic and broker configs"),
    (Tool::GetOffsets, "show the earliest, latest or by-time offsets of partitions"),
    (Tool::LeaderElection, "run a preferred or unclean leader election"),
    (Tool::ReassignPartitions, "generate, execute, verify, list and cancel replica moves"),
    (Tool::MetadataQuorum, "describe the KRaft controller quorum (--status, --replication)"),
    (Tool::BrokerApiVersions, "list the API versions each live broker supports"),
    (Tool::ConsoleConsumer, "print the records of a topic as they arrive (Ctrl-C stops it)"),
    (Tool::ConsumerGroups, "list, describe, delete consumer groups and reset their offsets"),
    (Tool::ConsumerPerfTest, "consume many records and report throughput"),
    (Tool::Groups, "list the groups of every type (classic, consumer, share)"),
    (Tool::Acls, "add, remove and list ACLs (StandardAuthorizer)"),
    (Tool::ConsoleShareConsumer, "read a topic as a member of a share group (KIP-932), acknowledging each record"),
    (Tool::ShareGroups, "list and describe share groups: members, state, share-partition start offsets and lag"),
    (Tool::DumpLog, "print the batches, records and index entries of a broker's segment files"),
    (Tool::LogDirs, "show each broker's log directory: partitions, sizes and offset lag"),
];

/// The simulator commands: name, usage, one-line summary.
pub const SIM_COMMANDS: &[(&str, &str, &str)] = &[
    ("broker", "broker list|kill <id>|stop <id>|start <id>|add|lose-disk <id>|slow <id> <delay|off>", "list brokers, crash, stop, start or add one, wipe its disk, slow its replication"),
    ("controller", "controller list|kill <id>|start <id>", "list the KRaft controllers, crash or start one"),
    ("net", "net cut <a> <b> [--one-way] | heal [<a> <b>] | isolate <node> | delay <a> <b> <latency> [--jitter <d>] | loss <a> <b> <percent> | drop-next <a> <b> [count] | show", "break and repair the network between nodes (broker-1, controller-1001, a client's name)"),
    ("producer", "producer start <name> --topic <t> [--rate 10/s] [--keys a,b,c] [--value-prefix v] [--max N] [--producer-property k=v]... | rate <name> <n>/s | pause|resume|stop|crash <name> | txn <name> begin|commit|abort", "run a steady producer application in the background"),
    ("consumer", "consumer start <name> --group <g> --topic <t> [--protocol classic|consumer] [--assignor range|roundrobin|sticky|cooperative-sticky|uniform] [--processing 20ms] [--commit auto|sync|before-processing|none] [--isolation read_committed] [--instance-id <id>] [--offset-reset earliest|latest|none] [--consumer-property k=v]... [--share [--ack accept|release|reject]] | list | pause|resume|stop|crash <name> | slow <name> <per-record>", "run a consumer application in a group in the background"),
    ("processor", "processor start <name> --group <g> --input <t> --output <t> [--transactional-id <id>] [--processing 20ms] [--side-effect <label>] [--transaction-size N] [--transaction-timeout 60s] | list | stop|crash <name>", "run a read-process-write application that copies a topic exactly once (TransactionalMessageCopier)"),
    ("clients", "clients", "list the client processes (producers, consumers, admin clients)"),
    ("remote-storage", "remote-storage show|down|up", "tiered storage's remote store: its segments per partition, or make it unreachable (down) and reachable again (up)"),
    ("metrics", "metrics [<node>] [<metric>] [--mbean]", "operators' metrics by Kafka's names: under-replicated and offline partitions, request rates, idle handlers, throttle times, lag"),
    ("sleep", "sleep <duration>", "let simulated time pass, e.g. sleep 5s, sleep 500ms, sleep 2m"),
    ("time", "time", "show the simulated time"),
    ("seed", "seed", "show the seed of this cluster"),
    ("reset", "reset [--brokers N] [--controllers N] [--seed N] [--racks a,b,c] [--broker-config k=v]... [--security sasl-plain] [--second-cluster alias]", "start a fresh cluster"),
    ("connect-mirror-maker", "connect-mirror-maker [--clusters <alias>...] <mm2.properties>", "start MirrorMaker 2 in the background (dedicated mode) from a properties file"),
    ("mirror-maker", "mirror-maker list|stop <id>", "the running MirrorMakers: their flows, topics, copy lag and checkpoints; stop one (SIGTERM)"),
    ("trace", "trace [--last N]", "recent cluster events in plain words"),
    ("describe", "describe partition <topic>-<partition>", "a partition's replicas from the inside: role, LEO, HW, log start, epoch cache"),
    ("help", "help [command]", "this list, or the usage of one command"),
];

/// The shell builtins: name, summary.
pub const BUILTINS: &[(&str, &str)] = &[
    ("cat", "print files (cat FILE...), or write one: cat > plan.json <<EOF"),
    ("ls", "list the console's files"),
    ("rm", "remove files"),
    ("echo", "print its arguments"),
    ("printf", "print formatted text (%s, %d)"),
    ("seq", "print a sequence of numbers"),
    ("history", "list the commands typed so far"),
];

/// Detailed help of each simulator command.
fn command_help(name: &str) -> Option<String> {
    let (_, usage, summary) = SIM_COMMANDS.iter().find(|(n, _, _)| *n == name)?;
    let details = match name {
        "broker" => "  broker list              brokers, their listener, state and leaderships\n  broker kill 2            crash broker 2 (kill -9): memory lost, disk kept\n  broker stop 2            controlled shutdown: leaderships move away first\n  broker start 2           start broker 2 again\n  broker add               add a broker with the next id\n  broker lose-disk 2       crash broker 2 and wipe its disk\n  broker slow 2 3s         broker 2 waits 3 s before each replica fetch (off: normal)\n",
        "controller" => "  controller list          controllers, their role in the quorum, epoch and log end\n  controller kill 1001     crash controller 1001\n  controller start 1001    start it again\n",
        "net" => "  net cut broker-1 controller-1001 [--one-way]   drop every message between them\n  net heal [broker-1 controller-1001]            remove the faults between them (or all)\n  net isolate broker-2                           cut broker-2 from every other node\n  net delay broker-1 broker-2 200ms [--jitter 50ms]\n  net loss broker-1 broker-2 10                  lose 10% of the messages\n  net drop-next broker-1 shop [2]                drop the next message(s) from a to b (shop: a client)\n  net show                                       list the faults in place\n",
        "producer" => "  producer start p1 --topic orders --rate 10/s --keys a,b,c --max 1000\n  producer rate p1 50/s    change the rate\n  producer pause p1        stop sending (resume continues)\n  producer stop p1         close the producer (waits for what is in flight)\n  producer crash p1        kill the application without closing\n  producer start t1 --topic orders --producer-property transactional.id=tx1\n                           a transactional producer: its records are in an open transaction\n  producer txn t1 commit   commit it (abort: abort it) and begin the next one\n",
        "consumer" => "  consumer start c1 --group g --topic orders [--processing 20ms] [--commit sync]\n  consumer list            each consumer's group, member state, partitions, records polled and processed, lag\n  consumer pause c1        the application stops calling poll() (heartbeats go on until max.poll.interval.ms)\n  consumer resume c1       it polls again\n  consumer slow c1 200ms   it spends 200 ms processing each record (0ms: fast again)\n  consumer stop c1         close(): commit (auto or sync), leave the group at once\n  consumer crash c1        kill the application: no commit, no LeaveGroup; the group waits for session.timeout.ms\n  --commit auto              enable.auto.commit every auto.commit.interval.ms (5 s)\n  --commit sync              commitSync after processing each poll: at-least-once\n  --commit before-processing commitSync before processing: at-most-once\n  --commit none              never commit\n",
        "processor" => "  processor start copier --group copier --input orders --output orders-copy [--side-effect emails]\n                           a consumer (read_committed, no auto-commit) and a transactional producer: each\n                           poll() is copied in one transaction with the consumer's offsets (KIP-447)\n  processor list           each processor's state, open transaction, transactions committed and aborted,\n                           and how often each side effect happened\n  processor stop copier    finish the transaction under way, then close both clients (the consumer leaves the group)\n  processor crash copier   kill it: an open transaction stays open until the coordinator aborts it\n                           (--transaction-timeout, 60 s) or a new instance with its transactional.id fences it\n  --side-effect emails     something done outside Kafka for each record processed: not undone by an abort\n  --transaction-size 200   records per transaction at most (max.poll.records)\n",
        "reset" => "  reset                    a fresh cluster like the current one\n  reset --brokers 5 --controllers 3 --seed 7 --broker-config min.insync.replicas=2\n  reset --security sasl-plain   SASL/PLAIN listeners and the StandardAuthorizer (users admin, alice, bob; passwords <user>-secret; admin is a super user)\n  reset --racks a,b,c      brokers 1, 2, 3 in racks a, b, c (broker.rack; --racks none: no racks)\n  reset --second-cluster backup   a second cluster `backup` beside it (broker 101 on localhost:9192, controller 2001; --second-cluster none: one cluster)\n",
        "connect-mirror-maker" => "  cat > mm2.properties <<EOF   clusters = primary, backup\n                               primary.bootstrap.servers = localhost:9092\n                               backup.bootstrap.servers = localhost:9192\n                               primary->backup.enabled = true\n                               primary->backup.topics = orders\n                               replication.factor = 1   (and the internal topics' *.replication.factor = 1 on a one-broker cluster)\n                               sync.group.offsets.enabled = true\n  then: connect-mirror-maker mm2.properties   copies orders to primary.orders on backup, checkpoints groups' offsets\n  (needs a second cluster: reset --second-cluster backup)\n",
        "mirror-maker" => "  mirror-maker list        each MirrorMaker's flows: topics, records copied, copy lag, checkpoints\n  mirror-maker stop <id>   stop that MirrorMaker (its connectors stop, its clients close)\n",
        "sleep" => "  durations: 250us, 500ms, 5s, 2m, 1h (at most 1h per command)\n",
        "remote-storage" => "  remote-storage show       each tiered partition's copied segments (offsets, bytes, who copied them)\n  remote-storage down       the remote store becomes unreachable: copies wait, remote reads fail\n  remote-storage up         reachable again\n  Tiered storage needs a cluster started with --broker-config remote.log.storage.system.enable=true\n  and topics created with --config remote.storage.enable=true.\n",
        "trace" => "  trace                    the last 20 events\n  trace --last 100         the last 100 events\n",
        "describe" => "  describe partition orders-0\n",
        "metrics" => "  metrics                          every node's metrics\n  metrics broker-2                 one node's (broker-2, controller-1001, or a client's name)\n  metrics UnderReplicatedPartitions  one metric on every node\n  metrics broker-2 --mbean         with each metric's MBean name (kafka.server:type=ReplicaManager,...)\n  Meters (…PerSec) count the last minute of simulated time / 60; RequestHandlerAvgIdlePercent is modelled\n  (200 µs of a handler thread per request, +1 µs per KiB, over num.io.threads=8 for the last 10 s).\n",
        _ => "",
    };
    Some(format!("usage: {usage}\n{summary}\n{details}"))
}

/// `help`: every tool, simulator command and builtin, one line each.
pub(crate) fn help_text() -> String {
    let mut s = String::from("Kafka tools (also as bin/<tool>.sh; add --help for their options):\n");
    for (t, d) in TOOL_HELP {
        s.push_str(&format!("  {} {d}\n", pad_right(t.program(), 27)));
    }
    s.push_str("Simulator commands (add --help for details):\n");
    for (n, _, d) in SIM_COMMANDS {
        s.push_str(&format!("  {} {d}\n", pad_right(n, 27)));
    }
    s.push_str("Shell:\n");
    for (n, d) in BUILTINS {
        s.push_str(&format!("  {} {d}\n", pad_right(n, 27)));
    }
    s
}

fn fail(msg: &str) -> Output {
    Output::failure(msg)
}

fn ok(text: &str) -> Output {
    let mut o = Output::new();
    o.out(text);
    if !text.is_empty() && !text.ends_with('\n') {
        o.out("\n");
    }
    o
}

/// One line about a consumer for `clients`.
fn consumer_details(c: &Consumer) -> String {
    let group = c.group.as_ref().map(|g| format!("group {}, ", g.group_id)).unwrap_or_default();
    let lag: i64 = c.lag().values().flatten().sum();
    format!("{group}{} partitions, {} records, lag {lag}", c.assignment.len(), c.delivered_total)
}

/// A table with left-aligned columns separated by two spaces (no trailing spaces).
pub(crate) fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(c.chars().count());
            }
        }
    }
    let mut out = String::new();
    let all: Vec<Vec<String>> =
        std::iter::once(headers.iter().map(|h| h.to_string()).collect()).chain(rows.iter().cloned()).collect();
    for r in all {
        let mut line = String::new();
        for (i, c) in r.iter().enumerate() {
            if i + 1 == r.len() {
                line.push_str(c);
            } else {
                line.push_str(&pad_right(c, widths.get(i).copied().unwrap_or(0)));
                line.push_str("  ");
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn parse_id(s: Option<&String>, what: &str, example: &str) -> Result<i32, String> {
    match s {
        None => Err(format!("{what} needs an id: {example}")),
        Some(v) => v.trim().parse::<i32>().map_err(|_| format!("'{v}' is not an id: {example}")),
    }
}

/// Parses `10/s`, `10` or `10/sec` into records per second.
fn parse_rate(s: &str) -> Result<u32, String> {
    let n = s.trim().trim_end_matches("/sec").trim_end_matches("/s");
    n.parse::<u32>()
        .ok()
        .filter(|r| *r <= 100_000)
        .ok_or_else(|| format!("'{s}' is not a rate: write records per second, e.g. 10/s (at most 100000/s)"))
}

/// Refuses the arguments a simulator command does not take, before it changes anything:
/// `what` names the command in the message (`broker kill`); `args` after the program name may hold at most `max` plain arguments (the subcommand
/// counts), the options in `flags` (without a value) and those in `valued` (with one).
/// `usage` is the command's usage line.
pub(crate) fn expect_args(
    what: &str,
    args: &[String],
    max: usize,
    flags: &[&str],
    valued: &[&str],
    usage: &str,
) -> Result<(), String> {
    let mut plain = 0;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if a.starts_with("--") {
            if valued.contains(&a) {
                i += 1;
            } else if !flags.contains(&a) {
                return Err(format!("{what}: unknown option '{a}'\nusage: {usage}"));
            }
        } else {
            plain += 1;
            if plain > max {
                return Err(format!("{what}: unexpected argument '{a}'\nusage: {usage}"));
            }
        }
        i += 1;
    }
    Ok(())
}

impl Console {
    /// Runs a builtin or simulator command (anything that is not a Kafka tool).
    pub(crate) fn builtin(&mut self, program: &str, args: &[String], stdin: Option<&str>) -> Output {
        if args.first().map(|a| a == "--help" || a == "-h").unwrap_or(false) {
            if let Some(h) = command_help(program) {
                return ok(&h);
            }
        }
        let arity = match program {
            "help" => expect_args(program, args, 1, &[], &[], "help [command]"),
            "clients" | "time" | "seed" => expect_args(program, args, 0, &[], &[], program),
            "metrics" => expect_args(program, args, 2, &["--mbean"], &[], "metrics [<node>] [<metric>] [--mbean]"),
            "remote-storage" => expect_args(program, args, 1, &[], &[], "remote-storage show|down|up"),
            "trace" => expect_args(program, args, 0, &[], &["--last"], "trace [--last N]"),
            "describe" => expect_args(program, args, 2, &[], &[], "describe partition <topic>-<partition>"),
            _ => Ok(()),
        };
        if let Err(m) = arity {
            return fail(&m);
        }
        match program {
            "help" => match args.first() {
                Some(c) => match command_help(c) {
                    Some(h) => ok(&h),
                    None if super::opts::Tool::from_program(&shell::normalize_program(c)).is_some() => {
                        ok(&format!("type {c} --help for the options of the real tool\n"))
                    }
                    None => fail(&format!("no help for '{c}': type help to list the commands")),
                },
                None => ok(&help_text()),
            },
            "cat" => self.cat(args, stdin),
            "ls" => {
                let mut o = Output::new();
                for n in self.vfs.names() {
                    o.outln(&n);
                }
                o
            }
            "rm" => {
                if args.is_empty() {
                    return fail("rm: missing operand: rm FILE...");
                }
                let mut o = Output::new();
                for a in args.iter().filter(|a| !a.starts_with('-')) {
                    if !self.vfs.remove(a) {
                        o.errln(&format!("rm: cannot remove '{a}': No such file or directory"));
                        o.exit_code = 1;
                    }
                }
                o
            }
            "echo" | "printf" | "seq" => {
                let mut argv = vec![program.to_string()];
                argv.extend(args.iter().cloned());
                match shell::producer_output(&argv, None) {
                    Ok(s) => {
                        let mut o = Output::new();
                        o.out(&s);
                        o
                    }
                    Err(m) => fail(&m),
                }
            }
            "history" => {
                let mut o = Output::new();
                for (i, h) in self.history.iter().enumerate() {
                    o.outln(&format!("{:>5}  {}", i + 1, h.replace('\n', "\n       ")));
                }
                o
            }
            "broker" => self.cmd_broker(args),
            "controller" => self.cmd_controller(args),
            "net" => self.cmd_net(args),
            "remote-storage" => self.cmd_remote_storage(args),
            "producer" => self.cmd_producer(args),
            "consumer" => self.cmd_consumer(args),
            "processor" => self.cmd_processor(args),
            "clients" => self.cmd_clients(),
            "metrics" => self.cmd_metrics(args),
            "sleep" => self.cmd_sleep(args),
            "time" => {
                let now = self.sim.now();
                ok(&format!("{now} of simulated time ({} UTC)", log_timestamp(self.sim.env().wall_ms(now))))
            }
            "seed" => ok(&self.seed.to_string()),
            "reset" => self.cmd_reset(args),
            "trace" => self.cmd_trace(args),
            "connect-mirror-maker" | "connect-mirror-maker.sh" | "bin/connect-mirror-maker.sh" => {
                self.cmd_connect_mirror_maker(args)
            }
            "mirror-maker" => self.cmd_mirror_maker(args),
            "describe" => self.cmd_describe(args),
            "zookeeper-server-start" | "zookeeper-server-stop" | "zookeeper-shell" => {
                fail("ZooKeeper is gone in Kafka 4.0: this cluster runs in KRaft mode (see controller list).")
            }
            "kafka-server-start" => {
                fail("the brokers are already running: use broker start <id> to start a stopped one")
            }
            "kafka-server-stop" => fail("use broker stop <id> for a controlled shutdown of one broker"),
            "clear" | "" => Output::new(),
            p => {
                let known = Tool::ALL
                    .iter()
                    .map(|t| t.program())
                    .chain(SIM_COMMANDS.iter().map(|(n, _, _)| *n))
                    .chain(BUILTINS.iter().map(|(n, _)| *n));
                match crate::console::suggest::nearest(p, known) {
                    Some(near) => {
                        let mut o = fail(&format!("{p}: command not found"));
                        o.noteln(&format!("did you mean {near}?"));
                        o.exit_code = 127;
                        o
                    }
                    None if p.starts_with("kafka-") => {
                        fail(&format!("{p} is not simulated in Brokerlab: type help for the tools that are"))
                    }
                    None => {
                        let mut o = fail(&format!("{p}: command not found (type help for the list of commands)"));
                        o.exit_code = 127;
                        o
                    }
                }
            }
        }
    }

    fn cat(&mut self, args: &[String], stdin: Option<&str>) -> Output {
        let mut o = Output::new();
        let files: Vec<&String> = args.iter().filter(|a| a.as_str() != "-").collect();
        if files.is_empty() {
            if let Some(s) = stdin {
                o.out(s);
            }
            return o;
        }
        for f in files {
            match self.vfs.read(f) {
                Some(t) => o.out(t),
                None => {
                    o.errln(&format!("cat: {f}: No such file or directory"));
                    o.exit_code = 1;
                }
            }
        }
        o
    }

    fn cmd_broker(&mut self, args: &[String]) -> Output {
        let usage = "broker list|kill <id>|stop <id>|start <id>|add|lose-disk <id>|slow <id> <delay|off>";
        let sub = args.first().map(String::as_str).unwrap_or("");
        let id = |ex: &str| parse_id(args.get(1), &format!("broker {sub}"), ex);
        let arity = match sub {
            "list" | "ls" | "add" => expect_args(&format!("broker {sub}"), args, 1, &[], &[], &format!("broker {sub}")),
            "kill" | "stop" | "start" | "lose-disk" => {
                expect_args(&format!("broker {sub}"), args, 2, &[], &[], &format!("broker {sub} <id>"))
            }
            "slow" => expect_args(&format!("broker {sub}"), args, 3, &[], &[], "broker slow <id> <delay|off>"),
            _ => Ok(()),
        };
        if let Err(m) = arity {
            return fail(&m);
        }
        let res: Result<String, String> = match sub {
            "list" | "ls" => return ok(&self.broker_list()),
            "kill" => id("broker kill 2").and_then(|b| {
                self.sim.kill_broker(b).map(|_| format!("broker {b} killed: its process is gone, its disk stays"))
            }),
            "stop" => id("broker stop 2").and_then(|b| {
                self.sim.stop_broker(b).map(|_| format!("broker {b} is shutting down: its leaderships move away first"))
            }),
            "start" => {
                id("broker start 2").and_then(|b| self.sim.start_broker(b).map(|_| format!("broker {b} started")))
            }
            "add" => self
                .sim
                .add_broker()
                .map(|b| format!("broker {b} added, listening on localhost:{}", Env::broker_port(b))),
            "lose-disk" => id("broker lose-disk 2").and_then(|b| {
                self.sim
                    .lose_disk(b)
                    .map(|_| format!("broker {b} crashed and lost its disk: start it with broker start {b}"))
            }),
            "slow" => id("broker slow 2 3s").and_then(|b| {
                let d =
                    args.get(2).ok_or_else(|| "broker slow needs a delay: broker slow 2 3s (or off)".to_string())?;
                let ms = if d == "off" { 0 } else { (parse_duration_us(d)? / 1000) as i64 };
                self.sim.slow_broker(b, ms).map(|_| {
                    if ms == 0 {
                        format!("broker {b} fetches at normal speed again")
                    } else {
                        format!("broker {b} now waits {d} before each replica fetch")
                    }
                })
            }),
            "" => Err(format!("usage: {usage}")),
            other => Err(format!("unknown broker command '{other}': {usage}")),
        };
        match res {
            Ok(m) => ok(&m),
            Err(m) => fail(&m),
        }
    }

    fn broker_list(&self) -> String {
        let image = self.sim.metadata_image();
        let mut rows = Vec::new();
        for (id, b) in self.sim.brokers() {
            let state = NodeStatus::of_broker(b, image).label().to_string();
            let leads = image
                .map(|i| i.topics.values().flat_map(|t| t.partitions.values()).filter(|s| s.leader == *id).count())
                .unwrap_or(0);
            let slow = b.proc.as_ref().map(|p| p.fetch_delay_ms).unwrap_or(0);
            rows.push(vec![
                id.to_string(),
                format!("localhost:{}", Env::broker_port(*id)),
                if slow > 0 { format!("{state} (slow {slow}ms)") } else { state },
                leads.to_string(),
                b.rack.clone().unwrap_or_else(|| "-".to_string()),
            ]);
        }
        table(&["BROKER", "LISTENER", "STATE", "LEADERS", "RACK"], &rows)
    }

    fn cmd_controller(&mut self, args: &[String]) -> Output {
        let usage = "controller list|kill <id>|start <id>";
        let sub = args.first().map(String::as_str).unwrap_or("");
        let arity = match sub {
            "list" | "ls" => expect_args(&format!("controller {sub}"), args, 1, &[], &[], "controller list"),
            "kill" | "start" => {
                expect_args(&format!("controller {sub}"), args, 2, &[], &[], &format!("controller {sub} <id>"))
            }
            _ => Ok(()),
        };
        if let Err(m) = arity {
            return fail(&m);
        }
        let res = match sub {
            "list" | "ls" => {
                let mut rows = Vec::new();
                for (id, c) in self.sim.controllers() {
                    let role = ControllerRole::of(c.proc.as_ref().map(|p| &p.role)).name().to_string();
                    let hw = c.proc.as_ref().map(|p| p.hw.to_string()).unwrap_or_else(|| "-".to_string());
                    rows.push(vec![
                        id.to_string(),
                        format!("localhost:{}", Env::controller_port(*id)),
                        role,
                        c.disk.epoch.to_string(),
                        c.disk.log_end().to_string(),
                        hw,
                    ]);
                }
                return ok(&table(&["CONTROLLER", "LISTENER", "ROLE", "EPOCH", "LOG-END", "COMMITTED"], &rows));
            }
            "kill" => parse_id(args.get(1), "controller kill", "controller kill 1001")
                .and_then(|c| self.sim.kill_controller(c).map(|_| format!("controller {c} killed"))),
            "start" => parse_id(args.get(1), "controller start", "controller start 1001")
                .and_then(|c| self.sim.start_controller(c).map(|_| format!("controller {c} started"))),
            "" => Err(format!("usage: {usage}")),
            other => Err(format!("unknown controller command '{other}': {usage}")),
        };
        match res {
            Ok(m) => ok(&m),
            Err(m) => fail(&m),
        }
    }

    /// A node by name: `broker-1`, `controller-1001`, or a client's name.
    fn node(&self, s: Option<&String>) -> Result<NodeAddr, String> {
        let hint = "use broker-1, controller-1001 or a client's name (see clients)";
        let Some(s) = s else { return Err(format!("a node is missing: {hint}")) };
        if let Some(n) = s.strip_prefix("broker-").and_then(|n| n.parse::<i32>().ok()) {
            if self.sim.brokers().contains_key(&n) {
                return Ok(NodeAddr::Broker(n));
            }
            return Err(format!("there is no broker {n} (see broker list)"));
        }
        if let Some(n) = s.strip_prefix("controller-").and_then(|n| n.parse::<i32>().ok()) {
            if self.sim.controllers().contains_key(&n) {
                return Ok(NodeAddr::Controller(n));
            }
            return Err(format!("there is no controller {n} (see controller list)"));
        }
        if let Some(id) = self.sim.client_by_name(s) {
            return Ok(NodeAddr::Client(id));
        }
        if let Some(n) = s.strip_prefix("client-").and_then(|n| n.parse::<u32>().ok()) {
            if self.sim.clients().contains_key(&n) {
                return Ok(NodeAddr::Client(n));
            }
        }
        Err(format!("unknown node '{s}': {hint}"))
    }

    fn node_name(&self, n: NodeAddr) -> String {
        match n {
            NodeAddr::Client(id) => {
                self.sim.clients().get(&id).map(|c| c.name.clone()).unwrap_or_else(|| n.to_string())
            }
            other => other.to_string(),
        }
    }

    /// `remote-storage show|down|up`: tiered storage's remote store (KIP-405). On a cluster
    /// without `remote.log.storage.system.enable` it is there but nothing is ever copied to it,
    /// which every answer says.
    fn cmd_remote_storage(&mut self, args: &[String]) -> Output {
        let usage = "usage: remote-storage show|down|up";
        let off = !self.sim.tiered_storage_enabled();
        let mut o = Output::new();
        match args.first().map(String::as_str).unwrap_or("show") {
            "show" => {
                let store = self.sim.remote_store();
                o.outln(&format!("remote storage: {}", if store.down { "UNREACHABLE" } else { "reachable" }));
                if store.partitions.is_empty() {
                    o.outln("no segments copied yet");
                }
                for (tp, segs) in &store.partitions {
                    let bytes: u64 = segs.iter().map(|s| s.size_bytes).sum();
                    o.outln(&format!(
                        "{tp}: {} segment(s), offsets {}-{}, {bytes} bytes",
                        segs.len(),
                        segs.first().map(|s| s.base_offset).unwrap_or(0),
                        segs.last().map(|s| s.end_offset).unwrap_or(0)
                    ));
                    for s in segs {
                        o.outln(&format!(
                            "  {:020}.log  offsets {}-{}  {} bytes  copied by broker {}",
                            s.base_offset, s.base_offset, s.end_offset, s.size_bytes, s.broker
                        ));
                    }
                }
            }
            "down" => {
                self.sim.set_remote_store_down(true);
                o.outln(
                    "remote storage is now unreachable: copies to it wait, and reads of offsets only it holds fail",
                );
            }
            "up" => {
                self.sim.set_remote_store_down(false);
                o.outln("remote storage is reachable again");
            }
            other => return fail(&format!("remote-storage: unknown subcommand '{other}'\n{usage}")),
        }
        if off {
            o.outln("tiered storage is off in this cluster (remote.log.storage.system.enable=false): nothing is copied to the remote store; start one with reset --broker-config remote.log.storage.system.enable=true");
        }
        o
    }

    fn cmd_net(&mut self, args: &[String]) -> Output {
        let usage = "net cut|heal|isolate|delay|loss|drop-next|show (type net --help)";
        let sub = args.first().map(String::as_str).unwrap_or("");
        let flag = |name: &str| args.iter().any(|a| a == name);
        let opt = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
        let arity = match sub {
            "show" | "list" => expect_args(&format!("net {sub}"), args, 1, &[], &[], "net show"),
            "cut" => expect_args(&format!("net {sub}"), args, 3, &["--one-way"], &[], "net cut <a> <b> [--one-way]"),
            "heal" if args.len() == 2 => {
                Err("net heal: heal the link between two nodes, or everything\nusage: net heal [<a> <b>]".to_string())
            }
            "heal" => expect_args(&format!("net {sub}"), args, 3, &[], &[], "net heal [<a> <b>]"),
            "isolate" => expect_args(&format!("net {sub}"), args, 2, &[], &[], "net isolate <node>"),
            "delay" => expect_args(
                &format!("net {sub}"),
                args,
                4,
                &[],
                &["--jitter"],
                "net delay <a> <b> <latency> [--jitter <d>]",
            ),
            "loss" => expect_args(&format!("net {sub}"), args, 4, &[], &[], "net loss <a> <b> <percent>"),
            "drop-next" => expect_args(&format!("net {sub}"), args, 4, &[], &[], "net drop-next <a> <b> [count]"),
            _ => Ok(()),
        };
        if let Err(m) = arity {
            return fail(&m);
        }
        let res: Result<String, String> = match sub {
            "show" | "list" => {
                let rules: Vec<String> = self
                    .sim
                    .net()
                    .rules()
                    .map(|((a, b), r)| {
                        let mut what = Vec::new();
                        if r.cut {
                            what.push("cut".to_string());
                        }
                        if r.extra_latency_us > 0 {
                            what.push(format!("+{}ms", r.extra_latency_us / 1000));
                        }
                        if r.extra_jitter_us > 0 {
                            what.push(format!("jitter {}ms", r.extra_jitter_us / 1000));
                        }
                        if r.loss_ppm > 0 {
                            let frac = format!("{:04}", r.loss_ppm % 10_000);
                            let frac = frac.trim_end_matches('0');
                            if frac.is_empty() {
                                what.push(format!("loss {}%", r.loss_ppm / 10_000));
                            } else {
                                what.push(format!("loss {}.{frac}%", r.loss_ppm / 10_000));
                            }
                        }
                        if r.drop_next > 0 {
                            what.push(format!("drop next {}", r.drop_next));
                        }
                        format!("{} -> {}: {}", self.node_name(*a), self.node_name(*b), what.join(", "))
                    })
                    .collect();
                let mut isolated: Vec<String> = Vec::new();
                for (n, healed) in self.sim.net().isolated() {
                    let mut line = format!("{}: isolated from every other node", self.node_name(*n));
                    if !healed.is_empty() {
                        let names: Vec<String> = healed.iter().map(|h| self.node_name(*h)).collect();
                        line.push_str(&format!(" except {}", names.join(", ")));
                    }
                    isolated.push(line);
                }
                isolated.extend(rules);
                let rules = isolated;
                if rules.is_empty() {
                    Ok("no network faults: every node reaches every other".to_string())
                } else {
                    Ok(rules.join("\n"))
                }
            }
            "cut" => (|| {
                let a = self.node(args.get(1))?;
                let b = self.node(args.get(2))?;
                if a == b {
                    return Err("a node cannot be cut from itself".to_string());
                }
                self.sim.net_mut().rule_mut(a, b).cut = true;
                if flag("--one-way") {
                    Ok(format!("messages from {} to {} are now dropped", self.node_name(a), self.node_name(b)))
                } else {
                    self.sim.net_mut().rule_mut(b, a).cut = true;
                    Ok(format!("{} and {} can no longer reach each other", self.node_name(a), self.node_name(b)))
                }
            })(),
            "heal" => {
                if args.len() == 1 {
                    self.sim.net_mut().heal(None);
                    Ok("every network fault removed".to_string())
                } else {
                    (|| {
                        let a = self.node(args.get(1))?;
                        let b = self.node(args.get(2))?;
                        self.sim.net_mut().heal(Some((a, b)));
                        Ok(format!("the link between {} and {} is healthy again", self.node_name(a), self.node_name(b)))
                    })()
                }
            }
            "isolate" => (|| {
                let n = self.node(args.get(1))?;
                // A property of the node: clients started and brokers added later are cut too.
                self.sim.net_mut().isolate(n);
                Ok(format!("{} is cut off from every other node (net heal to undo)", self.node_name(n)))
            })(),
            "delay" => (|| {
                let a = self.node(args.get(1))?;
                let b = self.node(args.get(2))?;
                let lat = args.get(3).ok_or("net delay needs a latency: net delay broker-1 broker-2 200ms")?;
                let us = parse_duration_us(lat)?;
                let jitter = match opt("--jitter") {
                    Some(j) => parse_duration_us(&j)?,
                    None => 0,
                };
                for (x, y) in [(a, b), (b, a)] {
                    let r = self.sim.net_mut().rule_mut(x, y);
                    r.extra_latency_us = us;
                    r.extra_jitter_us = jitter;
                }
                Ok(format!("messages between {} and {} take {lat} longer", self.node_name(a), self.node_name(b)))
            })(),
            "loss" => (|| {
                let a = self.node(args.get(1))?;
                let b = self.node(args.get(2))?;
                let p = args.get(3).ok_or("net loss needs a percentage: net loss broker-1 broker-2 10")?;
                let (num, den) = crate::sim::config::parse_ratio(p.trim_end_matches('%'))
                    .filter(|(n, d)| *d > 0 && n.saturating_mul(1) <= d.saturating_mul(100))
                    .ok_or_else(|| format!("'{p}' is not a percentage between 0 and 100"))?;
                let ppm = u32::try_from(num.saturating_mul(10_000) / den).unwrap_or(1_000_000);
                self.sim.net_mut().rule_mut(a, b).loss_ppm = ppm;
                self.sim.net_mut().rule_mut(b, a).loss_ppm = ppm;
                Ok(format!("{p}% of the messages between {} and {} are lost", self.node_name(a), self.node_name(b)))
            })(),
            "drop-next" => (|| {
                let a = self.node(args.get(1))?;
                let b = self.node(args.get(2))?;
                let n = match args.get(3) {
                    Some(c) => c.parse::<u32>().ok().filter(|c| *c > 0 && *c <= 1000).ok_or_else(|| {
                        format!("'{c}' is not a count between 1 and 1000: net drop-next {} {} 2", args[1], args[2])
                    })?,
                    None => 1,
                };
                self.sim.net_mut().rule_mut(a, b).drop_next += n;
                Ok(format!(
                    "the next {n} message(s) from {} to {} will be dropped",
                    self.node_name(a),
                    self.node_name(b)
                ))
            })(),
            "" => Err(format!("usage: {usage}")),
            other => Err(format!("unknown net command '{other}': {usage}")),
        };
        match res {
            Ok(m) => ok(&m),
            Err(m) => fail(&m),
        }
    }

    fn bootstrap_all(&self) -> String {
        self.sim.brokers().keys().map(|b| format!("localhost:{}", Env::broker_port(*b))).collect::<Vec<_>>().join(",")
    }

    fn cmd_producer(&mut self, args: &[String]) -> Output {
        let usage =
            "producer start <name> --topic <t> [--rate 10/s] ... | rate <name> <n>/s | pause|resume|stop|crash <name> | txn <name> begin|commit|abort";
        let sub = args.first().map(String::as_str).unwrap_or("");
        let name = args.get(1).cloned().unwrap_or_default();
        let found = self.apps.get(&name).cloned().filter(|a| self.sim.clients().contains_key(&a.client));
        let app = || -> Result<AppProducer, String> {
            found.clone().ok_or_else(|| {
                if name.is_empty() {
                    format!("producer {sub} needs the producer's name: producer {sub} p1")
                } else {
                    format!("there is no running producer '{name}' (producer start {name} --topic <topic> starts one)")
                }
            })
        };
        let arity = match sub {
            "rate" => expect_args(&format!("producer {sub}"), args, 3, &[], &[], "producer rate <name> <n>/s"),
            "pause" | "resume" | "stop" | "crash" => {
                expect_args(&format!("producer {sub}"), args, 2, &[], &[], &format!("producer {sub} <name>"))
            }
            "txn" => {
                expect_args(&format!("producer {sub}"), args, 3, &[], &[], "producer txn <name> begin|commit|abort")
            }
            _ => Ok(()),
        };
        if let Err(m) = arity {
            return fail(&m);
        }
        let res: Result<String, String> = match sub {
            "start" => self.producer_start(args),
            "rate" => (|| {
                let a = app()?;
                let r = parse_rate(args.get(2).map(String::as_str).unwrap_or(""))?;
                let w = self.sim.producer_mut(a.client).and_then(|p| p.workload.clone());
                let Some(mut w) = w else { return Err(format!("producer {name} has no workload")) };
                w.rate_per_sec = r;
                let next_at = w.next_at;
                self.sim.set_producer_workload(a.client, Some(w))?;
                let _ = next_at;
                self.apps.insert(name.clone(), AppProducer { rate_per_sec: r, paused: false, ..a });
                Ok(format!("producer {name} now sends {r} records/s"))
            })(),
            "pause" | "resume" => (|| {
                let a = app()?;
                let w = self.sim.producer_mut(a.client).and_then(|p| p.workload.clone());
                let Some(mut w) = w else { return Err(format!("producer {name} has no workload")) };
                let pause = sub == "pause";
                w.rate_per_sec = if pause { 0 } else { a.rate_per_sec };
                self.sim.set_producer_workload(a.client, Some(w))?;
                self.apps.insert(name.clone(), AppProducer { paused: pause, ..a });
                Ok(if pause { format!("producer {name} paused") } else { format!("producer {name} resumed") })
            })(),
            "stop" => (|| {
                let a = app()?;
                self.sim.set_producer_workload(a.client, None)?;
                if let Some(p) = self.sim.producer_mut(a.client) {
                    p.flush();
                }
                self.sim.poke_client(a.client);
                let c = a.client;
                self.sim.run_while(30_000, |s| s.producer_mut(c).map(|p| p.is_idle()).unwrap_or(true));
                self.sim.close_client(c);
                self.apps.remove(&name);
                Ok(format!("producer {name} closed"))
            })(),
            "txn" => (|| {
                let a = app()?;
                let what = args.get(2).map(String::as_str).unwrap_or("");
                let has_txn = self.sim.producer_mut(a.client).map(|p| p.txn_mut().is_some()).unwrap_or(false);
                if !has_txn {
                    return Err(format!(
                        "producer {name} is not transactional: start it with --producer-property transactional.id=<id>"
                    ));
                }
                let r = match what {
                    "begin" => self.sim.with_producer(a.client, |p, _, _| p.txn_mut().map(|t| t.begin())),
                    "commit" => self.sim.with_producer(a.client, |p, _, _| p.txn_mut().map(|t| t.commit())),
                    "abort" => self.sim.with_producer(a.client, |p, _, _| p.txn_mut().map(|t| t.abort())),
                    _ => return Err(format!("producer txn {name} begin|commit|abort")),
                };
                if let Some(Some(Err(e))) = r {
                    return Err(e.java_string());
                }
                if what == "begin" {
                    return Ok(format!("producer {name} began a transaction: what it sends now is in it"));
                }
                self.txn_wait(a.client)?;
                // The application goes on in a new transaction.
                self.sim.with_producer(a.client, |p, _, _| p.txn_mut().map(|t| t.begin()));
                Ok(format!(
                    "producer {name} {} its transaction and began the next one",
                    if what == "commit" { "committed" } else { "aborted" }
                ))
            })(),
            "crash" => (|| {
                let a = app()?;
                self.sim.crash_client(a.client)?;
                self.apps.remove(&name);
                Ok(format!("producer {name} crashed: what it had not sent is lost"))
            })(),
            "" => Err(format!("usage: {usage}")),
            other => Err(format!("unknown producer command '{other}': {usage}")),
        };
        match res {
            Ok(m) => ok(&m),
            Err(m) => fail(&m),
        }
    }

    fn producer_start(&mut self, args: &[String]) -> Result<String, String> {
        let example = "producer start p1 --topic orders --rate 10/s";
        let name =
            args.get(1).filter(|n| !n.starts_with('-')).cloned().ok_or(format!("name the producer: {example}"))?;
        if self.sim.client_by_name(&name).is_some() {
            return Err(format!("a client named '{name}' is already running: choose another name"));
        }
        let mut topic = None;
        let mut rate = 10u32;
        let mut keys: Vec<String> = Vec::new();
        let mut prefix = "value-".to_string();
        let mut max = None;
        let mut props: BTreeMap<String, String> = BTreeMap::new();
        let mut i = 2;
        while i < args.len() {
            let flag = args[i].as_str();
            if !flag.starts_with("--") {
                return Err(format!("producer start: unexpected argument '{flag}'\nusage: {example}"));
            }
            let val = args.get(i + 1).cloned().ok_or(format!("{flag} needs a value: {example}"))?;
            match flag {
                "--topic" => topic = Some(val),
                "--rate" => rate = parse_rate(&val)?,
                "--keys" => keys = val.split(',').filter(|k| !k.is_empty()).map(str::to_string).collect(),
                "--value-prefix" => prefix = val,
                "--max" => max = Some(val.parse::<u64>().map_err(|_| format!("'{val}' is not a count: --max 1000"))?),
                "--producer-property" => {
                    let (k, v) =
                        val.split_once('=').ok_or(format!("'{val}' is not k=v: --producer-property acks=1"))?;
                    props.insert(k.to_string(), v.to_string());
                }
                other => return Err(format!("unknown option '{other}': {example}")),
            }
            i += 2;
        }
        let topic = topic.ok_or(format!("which topic? {example}"))?;
        crate::console::format::topics::validate_topic_name(&topic)
            .map_err(|m| format!("Topic name is invalid: {m}"))?;
        props.entry("client.id".into()).or_insert_with(|| name.clone());
        let cfg = ProducerConfig::parse(&props)?;
        let bootstrap = self.bootstrap_all();
        let transactional = props.contains_key("transactional.id");
        // On a secured cluster the application logs in with the SASL/PLAIN settings among its
        // properties, as a tool does with those of its `--producer.config` file.
        self.sim.set_login_for_new_clients(app_login(&props));
        let client = self.sim.create_producer(&name, &bootstrap, cfg);
        self.sim.set_login_for_new_clients(None);
        if transactional {
            // initTransactions() then beginTransaction(): the records flow into a transaction
            // until `producer txn <name> commit|abort`.
            self.sim.with_producer(client, |p, _, _| p.txn_mut().map(|t| t.init()));
            if let Err(m) = self.txn_wait(client) {
                self.sim.crash_client(client).ok();
                return Err(m);
            }
            self.sim.with_producer(client, |p, _, _| p.txn_mut().map(|t| t.begin()));
        }
        let w = Workload {
            topic: topic.clone(),
            rate_per_sec: rate,
            keys,
            value_prefix: prefix,
            max_records: max,
            sent: 0,
            next_at: self.sim.now(),
        };
        self.sim.set_producer_workload(client, Some(w))?;
        self.apps.insert(name.clone(), AppProducer { client, rate_per_sec: rate, paused: false });
        Ok(format!("producer {name} started: {rate} records/s to {topic}"))
    }

    /// Runs until the producer's pending transaction call (init, commit, abort) completes.
    fn txn_wait(&mut self, client: u32) -> Result<(), String> {
        let done =
            |s: &mut Sim| s.producer_mut(client).and_then(|p| p.txn_mut().map(|t| t.result.is_some())).unwrap_or(true);
        if !self.sim.run_while(60_000, done) {
            return Err("the transaction coordinator did not answer within 60 s".into());
        }
        let r = self.sim.producer_mut(client).and_then(|p| p.txn_mut().and_then(|t| t.result.take()));
        match r {
            Some((_, Err(e))) => Err(e.java_string()),
            _ => Ok(()),
        }
    }

    fn cmd_clients(&self) -> Output {
        let mut rows = Vec::new();
        for c in self.sim.clients().values() {
            let (kind, details) = match &c.kind {
                ClientKind::Producer(p) => {
                    let rate = p.workload.as_ref().map(|w| format!(", {} records/s to {}", w.rate_per_sec, w.topic));
                    ("producer", format!("{} acked, {} failed{}", p.acked, p.failed, rate.unwrap_or_default()))
                }
                ClientKind::Consumer(cons) => ("consumer", consumer_details(cons)),
                ClientKind::Admin(_) => ("admin", String::new()),
            };
            rows.push(vec![c.name.clone(), format!("client-{}", c.id), kind.to_string(), details]);
        }
        if rows.is_empty() {
            return ok("no client processes are running");
        }
        ok(&table(&["NAME", "NODE", "KIND", "DETAILS"], &rows))
    }

    /// `metrics`: the metrics view ([`crate::sim::view::metrics`]) as a table.
    fn cmd_metrics(&self, args: &[String]) -> Output {
        let mbean = args.iter().any(|a| a == "--mbean");
        let words: Vec<&String> = args.iter().filter(|a| *a != "--mbean").collect();
        let rows = crate::sim::view::metrics::metrics(&self.sim);
        // A node is written broker-1, controller-1001 or a client's name; anything else names a metric.
        let scope_of = |w: &str| -> Option<String> {
            if let Some(id) = w.strip_prefix("broker-") {
                return Some(format!("broker {id}"));
            }
            if let Some(id) = w.strip_prefix("controller-") {
                return Some(format!("controller {id}"));
            }
            rows.iter().any(|r| r.scope == format!("client {w}")).then(|| format!("client {w}"))
        };
        let mut scope = None;
        let mut name = None;
        for w in words {
            match scope_of(w) {
                Some(sc) if scope.is_none() => scope = Some(sc),
                _ if name.is_none() => name = Some(w.clone()),
                _ => return fail("usage: metrics [<node>] [<metric>] [--mbean]"),
            }
        }
        let shown: Vec<Vec<String>> = rows
            .iter()
            .filter(|r| scope.as_ref().is_none_or(|s| &r.scope == s))
            .filter(|r| name.as_ref().is_none_or(|n| &r.name == n))
            .map(|r| {
                let mut v = vec![r.scope.clone(), r.name.clone(), r.formatted()];
                if mbean {
                    v.push(r.mbean.clone());
                }
                v
            })
            .collect();
        if shown.is_empty() {
            return fail(&format!(
                "no such metric or node: {} (nodes: broker-1, controller-1001, a client's name)",
                args.join(" ")
            ));
        }
        let headers: &[&str] = if mbean { &["NODE", "METRIC", "VALUE", "MBEAN"] } else { &["NODE", "METRIC", "VALUE"] };
        ok(&table(headers, &shown))
    }

    fn cmd_sleep(&mut self, args: &[String]) -> Output {
        let Some(d) = args.first() else { return fail("sleep needs a duration: sleep 5s") };
        if let Err(m) = expect_args("sleep", args, 1, &[], &[], "sleep <duration>") {
            return fail(&m);
        }
        match parse_duration_us(d) {
            Ok(us) if us <= 3_600_000_000 => {
                let t = self.sim.now().plus_micros(us);
                self.sim.run_until(t);
                Output::new()
            }
            Ok(_) => fail("sleep is limited to 1h of simulated time per command: sleep 1h"),
            Err(m) => fail(&m),
        }
    }

    fn cmd_reset(&mut self, args: &[String]) -> Output {
        let mut cfg: ClusterConfig = self.config.clone();
        let mut seed = self.seed;
        let mut i = 0;
        let example = "reset --brokers 3 --controllers 1 --seed 42 --broker-config min.insync.replicas=2";
        let mut broker_configs = cfg.broker_configs.clone();
        while i < args.len() {
            let flag = args[i].as_str();
            if !flag.starts_with("--") {
                return fail(&format!("reset: unexpected argument '{flag}'\nusage: {example}"));
            }
            let Some(val) = args.get(i + 1) else { return fail(&format!("{flag} needs a value: {example}")) };
            match flag {
                "--brokers" => match val.parse::<u32>() {
                    Ok(n) if (1..=64).contains(&n) => cfg.brokers = n,
                    _ => return fail(&format!("'{val}' is not a broker count between 1 and 64")),
                },
                "--controllers" => match val.parse::<u32>() {
                    Ok(n) if n % 2 == 1 && n <= 7 => cfg.controllers = n,
                    _ => return fail(&format!("'{val}' is not an odd controller count (1, 3, 5 or 7)")),
                },
                "--seed" => match val.parse::<u64>() {
                    Ok(s) => seed = s,
                    Err(_) => return fail(&format!("'{val}' is not a seed: --seed 42")),
                },
                "--broker-config" => match val.split_once('=') {
                    Some((k, v)) => {
                        broker_configs.insert(k.to_string(), v.to_string());
                    }
                    None => return fail(&format!("'{val}' is not k=v: --broker-config min.insync.replicas=2")),
                },
                // The opt-in secured cluster: SASL/PLAIN listeners and the StandardAuthorizer.
                "--security" => match val.as_str() {
                    "sasl-plain" => {
                        for (k, v) in crate::sim::acl::SASL_PLAIN_BROKER_CONFIGS {
                            broker_configs.insert(k.to_string(), v.to_string());
                        }
                    }
                    "none" => {
                        for (k, _) in crate::sim::acl::SASL_PLAIN_BROKER_CONFIGS {
                            broker_configs.remove(*k);
                        }
                    }
                    _ => return fail(&format!("'{val}' is not a security setting: --security sasl-plain (or none)")),
                },
                // `broker.rack` of brokers 1, 2, 3... in turn; `none` for no racks.
                "--racks" => {
                    let racks: Vec<String> =
                        val.split(',').map(|r| r.trim().to_string()).filter(|r| !r.is_empty()).collect();
                    if val == "none" {
                        cfg.racks = vec![];
                    } else if racks.is_empty() || racks.len() > 64 {
                        return fail(&format!("'{val}' is not a list of racks: --racks a,b,c"));
                    } else {
                        cfg.racks = racks;
                    }
                }
                // A second cluster beside the first (MirrorMaker 2's other side); `none` removes it.
                "--second-cluster" => {
                    if val == "none" {
                        cfg.second_cluster = None;
                    } else {
                        let second = crate::sim::world::SecondClusterConfig { alias: val.clone(), brokers: 1 };
                        if let Err(m) = second.validate() {
                            return fail(&m);
                        }
                        cfg.second_cluster = Some(second);
                    }
                }
                other => return fail(&format!("unknown option '{other}': {example}")),
            }
            i += 2;
        }
        cfg.broker_configs = broker_configs;
        let sim = match Sim::new(seed, cfg.clone()).and_then(|mut s| s.boot().map(|_| s)) {
            Ok(s) => s,
            Err(m) => return fail(&m),
        };
        self.sim = sim;
        self.seed = seed;
        self.config = cfg.clone();
        self.apps.clear();
        match &cfg.second_cluster {
            None => ok(&format!("a fresh cluster: {} broker(s), {} controller(s), seed {seed}", cfg.brokers, cfg.controllers)),
            Some(second) => ok(&format!(
                "a fresh cluster: {} broker(s), {} controller(s), seed {seed}; and cluster {}: {} broker(s) from 101 (localhost:9192), controller 2001",
                cfg.brokers, cfg.controllers, second.alias, second.brokers
            )),
        }
    }

    /// `connect-mirror-maker [--clusters a b] mm2.properties`: MirrorMaker 2 in dedicated mode,
    /// started in the background (the real script runs in the foreground and logs at INFO).
    fn cmd_connect_mirror_maker(&mut self, args: &[String]) -> Output {
        let usage = "usage: connect-mirror-maker [-h] [--clusters CLUSTER [CLUSTER ...]] mm2.properties";
        let mut file = None;
        let mut only: Vec<String> = Vec::new();
        let mut in_clusters = false;
        for a in args {
            match a.as_str() {
                "-h" | "--help" => return ok(&format!("{usage}\n\nMirrorMaker 2.0 driver\n\npositional arguments:\n  mm2.properties         MM2 configuration file.\n\nnamed arguments:\n  -h, --help             show this help message and exit\n  --clusters CLUSTER [CLUSTER ...]\n                         Target cluster to use for this node.")),
                "--clusters" => in_clusters = true,
                s if s.starts_with('-') => return fail(&format!("{usage}\nconnect-mirror-maker: error: unrecognized arguments: '{s}'")),
                s if in_clusters && file.is_some() => only.push(s.to_string()),
                s if file.is_none() => file = Some(s.to_string()),
                s => only.push(s.to_string()),
            }
        }
        let Some(file) = file else {
            return fail(&format!("{usage}\nconnect-mirror-maker: error: too few arguments"));
        };
        let Some(text) = self.vfs.read(&file) else {
            return fail(&format!("java.nio.file.NoSuchFileException: {file}"));
        };
        let props = crate::console::vfs::parse_properties(text);
        let mut config = match crate::sim::mirror_maker::parse_config(&props) {
            Ok(c) => c,
            Err(m) => return fail(&format!("org.apache.kafka.common.config.ConfigException: {m}")),
        };
        if !only.is_empty() {
            config.flows.retain(|f| only.contains(&f.target));
        }
        match self.sim.start_mirror_maker(&file, &config) {
            Ok(id) => {
                let flows: Vec<String> = config.flows.iter().map(|f| format!("{}->{}", f.source, f.target)).collect();
                let mut o = Output::new();
                o.noteln(&format!(
                    "MirrorMaker {id} runs in the background ({}); mirror-maker list shows it, mirror-maker stop {id} stops it",
                    flows.join(", ")
                ));
                o
            }
            Err(m) => fail(&m),
        }
    }

    /// `mirror-maker list|stop <id>`.
    fn cmd_mirror_maker(&mut self, args: &[String]) -> Output {
        match args.first().map(String::as_str) {
            Some("list") if args.len() == 1 => {
                let mut o = Output::new();
                if self.sim.mirror_makers().is_empty() {
                    o.outln("no MirrorMaker is running (start one: connect-mirror-maker mm2.properties)");
                    return o;
                }
                for (id, mm) in self.sim.mirror_makers() {
                    o.outln(&format!("MirrorMaker {id} ({})", mm.file));
                    for f in &mm.flows {
                        let c = &f.config;
                        o.outln(&format!(
                            "  {}->{}: {} topic(s), {} group(s) checkpointed",
                            c.source,
                            c.target,
                            f.topics.len(),
                            f.checkpoints.iter().map(|c| &c.group).collect::<std::collections::BTreeSet<_>>().len()
                        ));
                        for (t, n) in &f.topics {
                            for p in 0..*n {
                                let tp = crate::sim::types::TopicPartition::new(t.clone(), p);
                                let copied = f.copied.get(&tp).copied().unwrap_or(0);
                                let end = self
                                    .sim
                                    .leader_log_in(self.sim.cluster_of_servers(&c.source_servers), &tp)
                                    .map(|l| l.high_watermark)
                                    .unwrap_or(copied);
                                o.outln(&format!(
                                    "    {t}-{p} -> {}-{p}: copied to offset {copied}, lag {}",
                                    f.remote_topic(t),
                                    (end - copied).max(0)
                                ));
                            }
                        }
                        for e in &f.errors {
                            o.outln(&format!("    error: {e}"));
                        }
                        if !f.groups.is_empty() {
                            o.outln(&format!(
                                "    groups: {}",
                                f.groups.iter().cloned().collect::<Vec<_>>().join(", ")
                            ));
                        }
                        for cp in &f.checkpoints {
                            o.outln(&format!(
                                "    checkpoint {}: {}-{} upstream {} -> downstream {}",
                                cp.group, cp.tp.topic, cp.tp.partition, cp.upstream, cp.downstream
                            ));
                        }
                    }
                }
                o
            }
            Some("stop") if args.len() == 2 => match args[1].parse::<u32>() {
                Ok(id) => match self.sim.stop_mirror_maker(id) {
                    Ok(()) => ok(&format!("MirrorMaker {id} stopped")),
                    Err(m) => fail(&m),
                },
                Err(_) => fail(&format!("'{}' is not a MirrorMaker id: mirror-maker stop 1", args[1])),
            },
            _ => fail("usage: mirror-maker list|stop <id>"),
        }
    }

    fn cmd_trace(&self, args: &[String]) -> Output {
        let mut last = 20usize;
        if let Some(i) = args.iter().position(|a| a == "--last") {
            match args.get(i + 1).and_then(|v| v.parse::<usize>().ok()) {
                Some(n) if n > 0 && n <= 10_000 => last = n,
                _ => return fail("--last needs a count between 1 and 10000: trace --last 50"),
            }
        } else if let Some(a) = args.first() {
            return fail(&format!("unknown option '{a}': trace [--last N]"));
        }
        let lines: Vec<String> = self
            .sim
            .trace()
            .events
            .iter()
            .filter_map(|e| describe_event(e).map(|s| format!("{:>10}  {s}", e.at.to_string())))
            .collect();
        let start = lines.len().saturating_sub(last);
        let mut o = Output::new();
        for l in &lines[start..] {
            o.outln(l);
        }
        o
    }

    fn cmd_describe(&self, args: &[String]) -> Output {
        let example = "describe partition orders-0";
        if args.first().map(String::as_str) != Some("partition") {
            return fail(&format!("usage: {example}"));
        }
        let Some(spec) = args.get(1) else { return fail(&format!("which partition? {example}")) };
        let Some((topic, p)) = spec.rsplit_once('-') else {
            return fail(&format!("'{spec}' is not <topic>-<partition>: {example}"));
        };
        let Ok(partition) = p.parse::<i32>() else {
            return fail(&format!("'{spec}' is not <topic>-<partition>: {example}"));
        };
        let tp = TopicPartition::new(topic, partition);
        let state = self.sim.metadata_image().and_then(|i| i.partition(topic, partition)).cloned();
        let Some(state) = state else {
            return fail(&format!("there is no partition {tp} (kafka-topics --describe lists them)"));
        };
        let mut o = Output::new();
        let leader = if state.leader >= 0 { state.leader.to_string() } else { "none".to_string() };
        o.outln(&format!(
            "{tp}: leader {leader}, leader epoch {}, ISR {:?}, replicas {:?} (as the controller records it)",
            state.leader_epoch, state.isr, state.replicas
        ));
        let rows: Vec<Vec<String>> = self
            .sim
            .partition_replicas(&tp)
            .iter()
            .map(|v| {
                let opt = |x: Option<i64>| x.map(|v| v.to_string()).unwrap_or_else(|| "-".to_string());
                let cache = v.epochs.iter().map(|(e, s)| format!("{e}@{s}")).collect::<Vec<_>>().join(" ");
                let mut role = v.role.name();
                if !v.followers.is_empty() {
                    let f: Vec<String> = v.followers.iter().map(|(b, leo)| format!("{b}:{leo}")).collect();
                    role = format!("{role} (followers at {})", f.join(" "));
                }
                vec![
                    v.broker.to_string(),
                    role,
                    if v.leader_epoch >= 0 { v.leader_epoch.to_string() } else { "-".to_string() },
                    opt(v.log_end_offset),
                    opt(v.high_watermark),
                    opt(v.log_start_offset),
                    if cache.is_empty() { "-".to_string() } else { cache },
                ]
            })
            .collect();
        o.out(&table(&["BROKER", "ROLE", "EPOCH", "LEO", "HW", "LOG-START", "EPOCH-CACHE (epoch@start)"], &rows));
        o
    }
}

/// The SASL/PLAIN login of an application's properties (`security.protocol=SASL_PLAINTEXT`,
/// `sasl.mechanism=PLAIN`, `sasl.jaas.config=...PlainLoginModule required username=...
/// password=...;`), as [`crate::console::tools::use_login_of`] takes a tool's.
pub(crate) fn app_login(props: &BTreeMap<String, String>) -> Option<crate::sim::acl::Login> {
    let sasl = props.get("security.protocol").is_some_and(|p| p.trim().eq_ignore_ascii_case("SASL_PLAINTEXT"))
        && props.get("sasl.mechanism").is_some_and(|m| m.trim() == "PLAIN");
    if !sasl {
        return None;
    }
    props.get("sasl.jaas.config").and_then(|j| crate::sim::acl::login_of(j))
}
