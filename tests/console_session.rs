//! The console session: the job API the browser drives, the command log and replay,
//! history, tab completion, chunked output, files.
#![cfg(not(target_arch = "wasm32"))]

use brokerlab::console::format::Stream;
use brokerlab::console::session::{parse_line, Action, Console, Started, CHUNK_BYTES};
use brokerlab::sim::time::SimTime;
use brokerlab::sim::world::ClusterConfig;

fn console() -> Console {
    Console::new(42, ClusterConfig::default()).expect("boots")
}

fn item(line: &str) -> brokerlab::console::shell::ScriptItem {
    parse_line(line).expect("parses")
}

// `ConsoleProducer`: an interactive producer prints `>` before each line it reads; records
// go out as lines are entered; Ctrl-D flushes, closes and returns.
#[test]
fn interactive_console_producer_prompts_and_sends_each_line() {
    let mut c = console();
    c.run_script(
        "kafka-topics --bootstrap-server localhost:9092 --create --topic chat --partitions 1 --replication-factor 3",
        true,
    );
    let started = c.start(&item("kafka-console-producer --bootstrap-server localhost:9092 --topic chat"));
    assert_eq!(started, Started::Job);
    assert!(c.job_running());
    assert_eq!(c.take_output().stdout(), ">");
    c.job_input("hello");
    assert_eq!(c.take_output().stdout(), ">");
    c.job_input("world");
    let t = c.sim().now().plus_ms(3000);
    c.advance_to(t);
    assert_eq!(c.take_output().stdout(), ">");
    // Sent while the job still runs (linger.ms=1000 has passed).
    let out = c.run_script("kafka-get-offsets --bootstrap-server localhost:9092 --topic chat", true);
    assert_eq!(out.commands[0].output.stdout(), "");
    assert!(out.commands[0].output.stderr().contains("a command is still running"));
    c.job_eof();
    let t = c.sim().now().plus_ms(1000);
    c.advance_to(t);
    assert!(!c.job_running());
    let out = c.run_script("kafka-get-offsets --bootstrap-server localhost:9092 --topic chat", true);
    assert_eq!(out.commands[0].output.stdout(), "chat:0:2\n");
}

// Ctrl-C stops a job; the output shows ^C and the exit code is 130.
#[test]
fn interrupt_stops_the_perf_test() {
    let mut c = console();
    c.run_script(
        "kafka-topics --bootstrap-server localhost:9092 --create --topic perf --partitions 1 --replication-factor 1",
        true,
    );
    let s = c.start(&item(
        "kafka-producer-perf-test --topic perf --num-records 100000 --record-size 10 --throughput 100 --producer-props bootstrap.servers=localhost:9092",
    ));
    assert_eq!(s, Started::Job);
    let t = c.sim().now().plus_ms(11_000);
    c.advance_to(t);
    let out = c.take_output();
    // (Kafka 4.4 also prints the --producer-props deprecation notice on stdout first.)
    let windows = out.stdout().lines().filter(|l| l.contains("records sent")).count();
    assert_eq!(windows, 2, "two progress windows in 11 s: {:?}", out.stdout());
    c.job_interrupt();
    assert!(!c.job_running());
    let out = c.take_output();
    assert!(out.stdout().starts_with("^C"));
    assert_eq!(out.exit_code, 130);
}

// Brief: replaying the command log on a fresh console reproduces the same state.
#[test]
fn replaying_the_log_gives_the_same_trace_hash() {
    let mut a = console();
    a.run_script(
        "kafka-topics --bootstrap-server localhost:9092 --create --topic orders --partitions 3 --replication-factor 3
producer start app --topic orders --rate 5/s --keys a,b --producer-property acks=1
sleep 3s
broker kill 2
echo x | kafka-console-producer --bootstrap-server localhost:9092 --topic orders
net cut broker-1 broker-3",
        false,
    );
    a.start(&item("kafka-console-producer --bootstrap-server localhost:9092 --topic orders"));
    a.job_input("typed");
    let t = a.sim().now().plus_ms(2500);
    a.advance_to(t);
    a.job_eof();
    let t = a.sim().now().plus_ms(20_000);
    a.advance_to(t);
    a.run_script("net heal\nbroker start 2\nsleep 5s\nkafka-topics --bootstrap-server localhost:9092 --describe\nreset --brokers 2 --seed 9\nkafka-topics --bootstrap-server localhost:9092 --create --topic x --partitions 1 --replication-factor 2", false);
    assert!(a.log().iter().any(|e| matches!(e.action, Action::Input(_))));
    let log = a.log().to_vec();
    let mut b = console();
    b.replay(&log);
    assert_eq!(a.sim().trace_hash(), b.sim().trace_hash());
    assert_eq!(a.sim().now(), b.sim().now());
    assert_eq!(a.sim().topic_names(), b.sim().topic_names());
    // The log is plain data: it survives JSON (share links).
    let json = serde_json::to_string(&log).unwrap();
    let back: Vec<brokerlab::console::session::LogEntry> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, log);
}

#[test]
fn history_and_log_record_everything_typed() {
    let mut c = console();
    c.run_script("time\nseed\nbogus-command", false);
    assert_eq!(c.history(), &["time".to_string(), "seed".to_string(), "bogus-command".to_string()]);
    c.advance_to(SimTime::from_secs(100));
    assert!(matches!(c.log().last().map(|e| &e.action), Some(Action::AdvanceTo(_))));
    let out = c.run_script("history", false);
    assert!(out.commands[0].output.stdout().starts_with("    1  time\n    2  seed\n"));
}

// Brief: a long output is returned in chunks the UI can render incrementally.
#[test]
fn long_output_comes_in_chunks() {
    let mut c = console();
    let s = c.start(&item("seq 200000"));
    let Started::Done(o) = s else { panic!("seq finishes at once") };
    assert!(o.stdout().len() > 1_000_000);
    // Through the job path the output is chunked.
    let mut c = console();
    c.files_mut().write("big.txt", &"line of text\n".repeat(20_000)).unwrap();
    c.run_script(
        "kafka-topics --bootstrap-server localhost:9092 --create --topic big --partitions 1 --replication-factor 1",
        true,
    );
    let s = c.start(&item("kafka-console-producer --bootstrap-server localhost:9092 --topic big < big.txt"));
    assert_eq!(s, Started::Job);
    let t = c.sim().now().plus_ms(30_000);
    c.advance_to(t);
    let out = c.take_output();
    assert!(out.chunks.iter().all(|ch| ch.text.len() <= CHUNK_BYTES));
    let r = c.run_script("kafka-get-offsets --bootstrap-server localhost:9092 --topic big", true);
    assert_eq!(r.commands[0].output.stdout(), "big:0:20000\n");
}

#[test]
fn tab_completion_knows_tools_options_names_and_configs() {
    let mut c = console();
    c.run_script("kafka-topics --bootstrap-server localhost:9092 --create --topic orders --partitions 2 --replication-factor 1\nproducer start feeder --topic orders --rate 1/s", true);
    assert_eq!(c.complete("kafka-to"), vec!["kafka-topics"]);
    assert_eq!(c.complete("bin/kafka-top"), vec!["bin/kafka-topics.sh"]);
    assert_eq!(c.complete("bro"), vec!["broker"]);
    assert_eq!(c.complete("kafka-topics --boot"), vec!["--bootstrap-server"]);
    assert_eq!(
        c.complete("kafka-topics --bootstrap-server "),
        vec!["localhost:9092", "localhost:9093", "localhost:9094"]
    );
    assert_eq!(c.complete("kafka-topics --bootstrap-server localhost:9092 --describe --topic o"), vec!["orders"]);
    assert_eq!(
        c.complete("kafka-configs --bootstrap-server localhost:9092 --topic orders --alter --add-config retention."),
        vec!["retention.bytes=", "retention.ms="]
    );
    assert_eq!(c.complete("kafka-topics --create --topic t --config min.in"), vec!["min.insync.replicas="]);
    assert!(c
        .complete("kafka-configs --bootstrap-server localhost:9092 --entity-type brokers --entity-name 1 --alter --add-config log.cleaner.t")
        .contains(&"log.cleaner.threads=".to_string()));
    assert_eq!(c.complete("broker kill "), vec!["1", "2", "3"]);
    assert!(c.complete("net cut broker-1 ").contains(&"controller-1001".to_string()));
    assert!(c.complete("net cut broker-1 ").contains(&"feeder".to_string()));
    assert_eq!(c.complete("producer pause "), vec!["feeder"]);
    assert_eq!(c.complete("describe partition orders-"), vec!["orders-0", "orders-1"]);
    assert_eq!(c.complete("kafka-leader-election --election-type "), vec!["preferred", "unclean"]);
    assert!(c.complete("kafka-console-producer --").contains(&"--producer-property".to_string()));
}

#[test]
fn files_redirections_and_file_options() {
    let mut c = console();
    let r = c.run_script(
        "kafka-topics --bootstrap-server localhost:9092 --create --topic t --partitions 1 --replication-factor 1
kafka-topics --bootstrap-server localhost:9092 --list > topics.txt
echo more >> topics.txt
cat topics.txt
ls
cat nope.txt
rm topics.txt
ls",
        false,
    );
    let outs: Vec<String> = r.commands.iter().map(|c| c.output.stdout()).collect();
    assert_eq!(outs[1], "");
    assert_eq!(outs[3], "t\nmore\n");
    assert_eq!(outs[4], "topics.txt\n");
    assert_eq!(r.commands[5].output.stderr(), "cat: nope.txt: No such file or directory\n");
    assert_eq!(outs[7], "");
    // A properties file for --producer.config, missing (Utils.loadProps, as recorded from Kafka
    // 4.4 in tests/conformance/scenarios/missing_config_files.txt) and present.
    let r = c.run_script(
        "echo x | kafka-console-producer --bootstrap-server localhost:9092 --topic t --producer.config p.properties",
        false,
    );
    assert!(r.commands[0].output.stderr().starts_with("java.nio.file.NoSuchFileException: p.properties\n"));
    c.files_mut().write("p.properties", "acks=1\nlinger.ms=0\n").unwrap();
    let r = c.run_script("echo x | kafka-console-producer --bootstrap-server localhost:9092 --topic t --producer.config p.properties\nkafka-get-offsets --bootstrap-server localhost:9092 --topic t", false);
    assert_eq!(r.commands[1].output.stdout(), "t:0:1\n");
    assert!(r.commands.iter().all(|c| c.output.chunks.iter().all(|ch| ch.stream == Stream::Stdout)));
}

// Trace events in words (the UI's feed reuses explain::describe_event).
#[test]
fn trace_tells_what_happened() {
    let mut c = console();
    let r = c.run_script(
        "kafka-topics --bootstrap-server localhost:9092 --create --topic orders --replica-assignment 2:1:3
broker kill 2
sleep 12s
trace --last 3",
        true,
    );
    let out = r.commands[3].output.stdout();
    assert!(out.contains("broker 2 missed heartbeats for 9 s; the controller fenced it"), "{out}");
    assert!(out.contains("orders-0: broker 1 is the new leader (epoch 1), chosen from the ISR [1,3]"), "{out}");
}

// The browser calls advance_to once per animation frame; the log keeps one entry per run of
// advances, and replaying it reproduces the session exactly (same trace, same output).
#[test]
fn frame_by_frame_advances_coalesce_and_replay_identically() {
    let mut a = console();
    a.run(&item("kafka-topics --bootstrap-server localhost:9092 --create --topic perf --partitions 3"));
    a.run(&item("producer start app --topic perf --rate 50/s --keys k1,k2,k3"));
    assert_eq!(
        a.start(&item(
            "kafka-producer-perf-test --topic perf --num-records 300 --record-size 50 --throughput 100 --producer-props bootstrap.servers=localhost:9092"
        )),
        Started::Job
    );
    let mut live = String::new();
    let mut frames = 0;
    while a.job_running() && frames < 10_000 {
        let t = a.sim().now().plus_ms(16);
        a.advance_to(t);
        live.push_str(&a.take_output().stdout());
        frames += 1;
    }
    assert!(!a.job_running(), "the perf test finishes within {frames} frames");
    assert!(frames > 100, "3 s of simulated time is many frames");
    a.run(&item("broker kill 1"));
    for _ in 0..50 {
        let t = a.sim().now().plus_ms(16);
        a.advance_to(t);
    }
    let advances = a.log().iter().filter(|e| matches!(e.action, Action::AdvanceTo(_))).count();
    assert_eq!(advances, 2, "one entry per run of frames: {:?}", a.log());
    let mut b = console();
    b.replay(a.log());
    assert_eq!(a.sim().trace_hash(), b.sim().trace_hash());
    assert_eq!(a.sim().now(), b.sim().now());
    assert!(live.contains("300 records sent"), "{live}");
}

// The page's timeline: a copy taken at one moment, caught up to a later moment of the session
// from its log, is exactly the session as it was then (same trace, same state).
#[test]
fn a_snapshot_caught_up_from_the_log_matches_the_session_at_that_moment() {
    let mut a = console();
    let frame = |c: &mut Console, n: u32| {
        for _ in 0..n {
            let t = c.sim().now().plus_ms(16);
            c.advance_to(t);
        }
    };
    a.run(&item("kafka-topics --bootstrap-server localhost:9092 --create --topic orders --partitions 3"));
    a.run(&item("producer start app --topic orders --rate 20/s --keys a,b,c"));
    frame(&mut a, 100);
    let snap = a.snapshot().expect("no job runs");
    frame(&mut a, 100);
    a.run(&item("broker kill 2"));
    frame(&mut a, 200);
    let at_middle = a.sim().now();
    let middle = a.snapshot().expect("no job");
    a.run(&item("net cut broker-1 broker-3"));
    frame(&mut a, 300);
    a.run(&item("broker start 2"));
    frame(&mut a, 50);
    assert!(a.snapshot().is_some());
    let log = a.log().to_vec();
    let mut b = snap.snapshot().expect("copy");
    b.catch_up(&log, at_middle);
    assert_eq!(b.sim().now(), at_middle);
    assert_eq!(b.sim().trace_hash(), middle.sim().trace_hash());
    let mut c = snap.snapshot().expect("copy");
    c.catch_up(&log, a.sim().now());
    assert_eq!(c.sim().trace_hash(), a.sim().trace_hash());
    assert_eq!(c.log().len(), a.log().len(), "the copy's log is the session's log");
}

// `ConsoleConsumer`: the console consumer is a job that prints records as they arrive in
// simulated time; Ctrl-C closes it and prints `Processed a total of N messages` on stderr
// (after the `^C` echo), exit 130.
#[test]
fn console_consumer_prints_records_as_time_passes_and_stops_on_ctrl_c() {
    let mut c = console();
    c.run_script(
        "kafka-topics --bootstrap-server localhost:9092 --create --topic live --partitions 1 --replication-factor 3",
        true,
    );
    let s = c.start(&item("kafka-console-consumer --bootstrap-server localhost:9092 --topic live --group watchers"));
    assert_eq!(s, Started::Job);
    // Joining takes group.initial.rebalance.delay.ms (3 s); nothing was produced yet.
    let t = c.sim().now().plus_ms(5000);
    c.advance_to(t);
    assert_eq!(c.take_output().stdout(), "");
    // A producer application sends in the background while the consumer job runs.
    let out = c.run_script("producer start p1 --topic live --rate 2/s --max 4", true);
    assert!(out.commands[0].output.stderr().contains("a command is still running"), "{:?}", out.commands[0]);
    c.job_interrupt();
    let out = c.take_output();
    assert_eq!(out.stdout(), "^C");
    assert_eq!(out.stderr(), "Processed a total of 0 messages\n");
    assert_eq!(out.exit_code, 130);
    // Now with a producer feeding records: they print as time passes, one by one.
    c.run_script("producer start p1 --topic live --rate 2/s --max 4", true);
    let s = c.start(&item("kafka-console-consumer --bootstrap-server localhost:9092 --topic live --group watchers"));
    assert_eq!(s, Started::Job);
    let t = c.sim().now().plus_ms(4500);
    c.advance_to(t);
    let first = c.take_output().stdout();
    assert!(!first.is_empty(), "records arrive while the job runs");
    let t = c.sim().now().plus_ms(5000);
    c.advance_to(t);
    let rest = c.take_output().stdout();
    let all = format!("{first}{rest}");
    assert_eq!(all.lines().count(), 4, "{all:?}");
    assert!(all.lines().all(|l| l.starts_with("value-")), "{all:?}");
    c.job_interrupt();
    let out = c.take_output();
    assert_eq!(out.stderr(), "Processed a total of 4 messages\n");
    // close() committed (auto-commit is on with --group): the group's lag is 0.
    let d = c.run_script("kafka-consumer-groups --bootstrap-server localhost:9092 --describe --group watchers", true);
    let text = d.commands[0].output.stdout();
    assert!(text.contains("watchers        live            0          4               4               0"), "{text}");
}

// Tab completion for the consumer tools and the `consumer` command.
#[test]
fn tab_completion_knows_consumers_groups_and_formatter_properties() {
    let mut c = console();
    c.run_script(
        "kafka-topics --bootstrap-server localhost:9092 --create --topic orders --partitions 2 --replication-factor 1\nconsumer start c1 --group billing --topic orders\nsleep 5s",
        true,
    );
    assert_eq!(c.complete("kafka-console-con"), vec!["kafka-console-consumer"]);
    assert_eq!(
        c.complete("kafka-consumer-groups --bootstrap-server localhost:9092 --describe --group "),
        vec!["billing"]
    );
    assert_eq!(
        c.complete("kafka-consumer-groups --bootstrap-server localhost:9092 --reset-offsets --to-e"),
        vec!["--to-earliest"]
    );
    assert_eq!(
        c.complete("kafka-console-consumer --bootstrap-server localhost:9092 --topic orders --property print.k"),
        vec!["print.key=true"]
    );
    assert_eq!(c.complete("kafka-console-consumer --topic orders --partition "), vec!["0", "1"]);
    assert_eq!(c.complete("kafka-console-consumer --isolation-level read_c"), vec!["read_committed"]);
    assert_eq!(c.complete("cons"), vec!["consumer"]);
    assert_eq!(c.complete("consumer crash "), vec!["c1"]);
    assert_eq!(c.complete("consumer start c2 --assignor co"), vec!["cooperative-sticky"]);
    assert_eq!(c.complete("consumer start c2 --commit b"), vec!["before-processing"]);
    assert_eq!(c.complete("consumer start c2 --group b"), vec!["billing"]);
    assert!(c.complete("help ").contains(&"consumer".to_string()));
}

// Every simulator command refuses arguments it does not take, with a usage line, and changes
// nothing (`broker kill 1 2` used to kill broker 1 and ignore the 2).
#[test]
fn simulator_commands_refuse_unexpected_arguments() {
    let mut c = console();
    let setup = c.run_script(
        "kafka-topics --bootstrap-server localhost:9092 --create --topic t --partitions 1 --replication-factor 3\n\
         producer start p1 --topic t --rate 5/s\n\
         consumer start c1 --group g --topic t",
        true,
    );
    assert!(setup.commands.iter().all(|r| r.output.exit_code == 0), "setup failed");
    let bad = [
        "broker list x",
        "broker kill 1 2",
        "broker stop 1 2",
        "broker start 1 2",
        "broker add 4",
        "broker lose-disk 1 2",
        "broker slow 1 3s 4s",
        "controller list x",
        "controller kill 1001 1002",
        "controller start 1001 x",
        "net show x",
        "net cut broker-1 broker-2 broker-3",
        "net cut broker-1 broker-2 --both-ways",
        "net heal broker-1",
        "net heal broker-1 broker-2 broker-3",
        "net isolate broker-1 broker-2",
        "net delay broker-1 broker-2 5ms 6ms",
        "net delay broker-1 broker-2 5ms --jiter 1ms",
        "net loss broker-1 broker-2 5 6",
        "net drop-next broker-1 broker-2 1 2",
        "producer rate p1 5/s 6/s",
        "producer pause p1 p2",
        "producer resume p1 p2",
        "producer stop p1 p2",
        "producer crash p1 p2",
        "producer txn p1 begin now",
        "producer start p2 --topic t extra",
        "consumer list x",
        "consumer pause c1 c2",
        "consumer resume c1 c2",
        "consumer stop c1 c2",
        "consumer crash c1 c2",
        "consumer slow c1 5ms 6ms",
        "consumer start c2 --group g --topic t extra",
        "clients x",
        "time x",
        "seed x",
        "help broker net",
        "trace 5",
        "trace --last 5 x",
        "describe partition t-0 t-1",
        "sleep 1s 2s",
        "reset --brokers 3 x",
    ];
    for line in bad {
        let before =
            (c.sim().now(), c.sim().brokers().values().filter(|b| b.proc.is_some()).count(), c.sim().clients().len());
        let out = c.run_script(line, false);
        let o = &out.commands[0].output;
        assert_eq!(o.exit_code, 1, "{line} was accepted: {}", o.stdout());
        assert!(o.stdout().is_empty(), "{line}: {}", o.stdout());
        let err = o.stderr();
        assert!(
            err.contains("unexpected argument") || err.contains("unknown option") || err.contains("usage"),
            "{line}: {err}"
        );
        let after =
            (c.sim().now(), c.sim().brokers().values().filter(|b| b.proc.is_some()).count(), c.sim().clients().len());
        assert_eq!(before, after, "{line} changed the cluster");
    }
    // The message names the command and the argument, then the usage line.
    let out = c.run_script("broker kill 1 2", false);
    assert_eq!(out.commands[0].output.stderr(), "broker kill: unexpected argument '2'\nusage: broker kill <id>\n");
    assert_eq!(c.sim().brokers().values().filter(|b| b.proc.is_some()).count(), 3);
    // Well-formed commands still work.
    for line in ["broker kill 1", "net isolate broker-2", "net heal", "broker start 1", "time", "trace --last 3"] {
        let out = c.run_script(line, false);
        assert_eq!(out.commands[0].output.exit_code, 0, "{line}: {}", out.commands[0].output.stderr());
    }
}
