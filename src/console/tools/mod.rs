//! The Kafka command-line tools, each in its own file, driving the engine through the
//! admin client and the producer and printing with [`crate::console::format`].
//!
//! A tool is a function `fn(&mut Ctx, args) -> Started`: it either finishes at once
//! ([`Started::Done`], time has advanced as far as the real tool would wait) or returns a
//! [`Job`] that keeps running while the simulated clock plays (the interactive console
//! producer and consumer, the perf tests). [`TOOLS`] is the dispatch table: adding a tool is
//! one entry.

pub(crate) mod acls;
pub mod api_versions;
pub mod configs;
pub(crate) mod configs_quotas;
pub(crate) mod console_consumer;
pub(crate) mod console_producer;
pub(crate) mod console_share_consumer;
pub(crate) mod consumer_groups;
pub(crate) mod consumer_perf;
pub(crate) mod dump_log;
pub(crate) mod get_offsets;
pub(crate) mod groups;
pub(crate) mod leader_election;
pub(crate) mod log_dirs;
pub(crate) mod metadata_quorum;
pub(crate) mod perf_test;
pub(crate) mod reassign;
pub(crate) mod share_groups;
pub(crate) mod topics;

use crate::console::format::{log_line, Output};
use crate::console::opts::Tool;
use crate::console::vfs::Vfs;
use crate::sim::client::admin::{Call, Target};
use crate::sim::protocol::{Request, Response};
use crate::sim::time::SimTime;
use crate::sim::world::Sim;

/// What a running tool may touch.
pub(crate) struct Ctx<'a> {
    pub sim: &'a mut Sim,
    pub(crate) vfs: &'a mut Vfs,
    /// Whether stdin is an interactive terminal (the browser's job API); scripts and
    /// pipes are not (`ConsoleProducer`: no `>` prompt then).
    pub(crate) interactive: bool,
    /// Lines a client logged while waiting (e.g. connection warnings); printed before the
    /// tool's own output.
    pub log: Output,
}

/// The outcome of starting a tool.
pub(crate) enum Started {
    /// The tool finished; this is everything it printed.
    Done(Output),
    /// The tool keeps running (it reads stdin or works while time passes).
    Job(Box<dyn Job>),
}

/// A tool that keeps running: the session feeds it input and calls [`Job::poll`] after
/// every engine event until it returns an exit code.
pub(crate) trait Job {
    /// Runs once when the job starts (e.g. the producer's first `>` prompt).
    fn start(&mut self, _sim: &mut Sim, _out: &mut Output) {}
    /// One line of standard input (without its newline).
    fn input(&mut self, sim: &mut Sim, line: &str, out: &mut Output);
    /// End of standard input (Ctrl-D, or the end of a here-document or pipe).
    fn eof(&mut self, sim: &mut Sim, out: &mut Output);
    /// Ctrl-C.
    fn interrupt(&mut self, sim: &mut Sim, out: &mut Output);
    /// Looks at the engine after time moved; `Some(exit code)` when the tool is done.
    fn poll(&mut self, sim: &mut Sim, out: &mut Output) -> Option<i32>;
    /// The next time the job wants to run even if nothing happens in the engine.
    fn wake_at(&self) -> Option<SimTime> {
        None
    }
    /// Whether the job reads standard input (a tool that does not ignores typed lines).
    fn reads_stdin(&self) -> bool;
}

/// A tool's entry point: the arguments after the program name.
pub(crate) type ToolFn = fn(&mut Ctx, &[String]) -> Started;

/// The dispatch table. `None`: the tool arrives with the consumer (built separately).
pub(crate) const TOOLS: &[(Tool, Option<ToolFn>)] = &[
    (Tool::Topics, Some(topics::run)),
    (Tool::ConsoleProducer, Some(console_producer::run)),
    (Tool::ProducerPerfTest, Some(perf_test::run)),
    (Tool::Configs, Some(configs::run)),
    (Tool::GetOffsets, Some(get_offsets::run)),
    (Tool::LeaderElection, Some(leader_election::run)),
    (Tool::ReassignPartitions, Some(reassign::run)),
    (Tool::MetadataQuorum, Some(metadata_quorum::run)),
    (Tool::BrokerApiVersions, Some(api_versions::run)),
    (Tool::ConsoleConsumer, Some(console_consumer::run)),
    (Tool::ConsumerGroups, Some(consumer_groups::run)),
    (Tool::ConsumerPerfTest, Some(consumer_perf::run)),
    (Tool::Groups, Some(groups::run)),
    (Tool::ConsoleShareConsumer, Some(console_share_consumer::run)),
    (Tool::ShareGroups, Some(share_groups::run)),
    (Tool::DumpLog, Some(dump_log::run)),
    (Tool::LogDirs, Some(log_dirs::run)),
    (Tool::Acls, Some(acls::run)),
];

/// A tool's result after what it printed while checking its options (deprecation notices):
/// the notes first, the exit code of `o`.
pub(crate) fn after_notes(notes: &Output, o: Output) -> Started {
    let mut all = notes.clone();
    all.append(&o);
    all.exit_code = o.exit_code;
    Started::Done(all)
}

/// Runs `tool` with `args`.
pub(crate) fn dispatch(ctx: &mut Ctx, tool: Tool, args: &[String]) -> Started {
    match TOOLS.iter().find(|(t, _)| *t == tool) {
        Some((_, Some(f))) => {
            ctx.sim.set_login_for_new_clients(None);
            // The clients the tool creates authenticate with the SASL/PLAIN login of the
            // properties file it was given (a missing file is the tool's own error).
            for (i, a) in args.iter().enumerate() {
                let (flag, inline) = match a.split_once('=') {
                    Some((f, v)) => (f, Some(v.to_string())),
                    None => (a.as_str(), None),
                };
                if matches!(flag, "--command-config" | "--producer.config" | "--consumer.config") {
                    if let Some(path) = inline.or_else(|| args.get(i + 1).cloned()) {
                        if let Ok(props) = load_props(ctx, &path) {
                            use_login_of(ctx, &props);
                        }
                    }
                }
            }
            let started = f(ctx, args);
            ctx.sim.set_login_for_new_clients(None);
            match started {
                Started::Done(out) => {
                    let mut all = std::mem::take(&mut ctx.log);
                    all.append(&out);
                    all.exit_code = out.exit_code;
                    Started::Done(all)
                }
                job => job,
            }
        }
        _ => Started::Done(Output::failure(&format!(
            "{} is not available yet in Brokerlab: it arrives together with the simulated consumer.",
            tool.program()
        ))),
    }
}

/// `yyyy-MM-dd HH:mm:ss,SSS` in UTC: log4j's `%d`.
pub(crate) fn log_timestamp(wall_ms: i64) -> String {
    let s = crate::console::format::perf::simple_date(wall_ms);
    // simple_date ends in `:SSS`; log4j uses `,SSS`.
    match s.rfind(':') {
        Some(i) => format!("{},{}", &s[..i], &s[i + 1..]),
        None => s,
    }
}

/// The log timestamp of the engine's current time.
pub(crate) fn now_ts(sim: &Sim) -> String {
    log_timestamp(sim.env().wall_ms(sim.now()))
}

/// The running brokers of the cluster `servers` lead to (with two clusters, a tool asks only
/// the brokers of the cluster it bootstrapped into).
pub(crate) fn live_brokers_of(sim: &Sim, servers: &str) -> Vec<i32> {
    let cluster = sim.cluster_of_servers(servers);
    sim.brokers()
        .iter()
        .filter(|(id, b)| b.proc.is_some() && sim.cluster_of(crate::sim::types::NodeAddr::Broker(**id)) == cluster)
        .map(|(id, _)| *id)
        .collect()
}

/// Whether any of `servers` names the listener of a running broker.
pub(crate) fn bootstrap_reachable(sim: &Sim, servers: &str) -> bool {
    sim.resolve_bootstrap(servers)
        .iter()
        .any(|(_, b)| b.and_then(|id| sim.brokers().get(&id)).map(|n| n.proc.is_some()).unwrap_or(false))
}

/// What client `id` logged since the last call, as the tools' log4j configuration prints
/// it on stderr (`[%d] %p %m (%c)%n`, WARN and above), each line ending in a newline.
pub(crate) fn client_logs(sim: &mut Sim, id: u32) -> String {
    let Some((prefix, logs)) = sim.take_client_logs(id) else { return String::new() };
    let epoch = sim.env().epoch_ms;
    let mut s = String::new();
    for l in logs {
        // A line logged with a throwable: the message, then the throwable's lines (log4j's
        // pattern prints it after the line).
        let (message, throwable) = match l.message.split_once('\n') {
            Some((m, t)) => (m, Some(t)),
            None => (l.message.as_str(), None),
        };
        s.push_str(&log_line(
            &log_timestamp(epoch + l.at.as_ms() as i64),
            &l.level,
            &format!("{prefix}{message}"),
            &l.logger,
        ));
        s.push('\n');
        if let Some(t) = throwable {
            s.push_str(t);
            if !t.ends_with('\n') {
                s.push('\n');
            }
        }
    }
    s
}

/// An admin client for one tool run (`KafkaAdminClient`, client id `adminclient-1`).
pub(crate) struct AdminConn {
    pub id: u32,
    pub servers: String,
    /// The operation timeout (`default.api.timeout.ms`, 60 s, unless a tool sets one).
    pub(crate) timeout_ms: Option<i64>,
}

impl AdminConn {
    /// Creates the client; nothing is sent until a call.
    pub(crate) fn open(sim: &mut Sim, servers: &str) -> AdminConn {
        AdminConn::open_as(sim, servers, "adminclient-1")
    }

    /// Creates the client with the `client.id` a tool sets (it names the client in the
    /// client's log lines).
    pub(crate) fn open_as(sim: &mut Sim, servers: &str, client_id: &str) -> AdminConn {
        let id = sim.create_admin(client_id, servers);
        AdminConn { id, servers: servers.to_string(), timeout_ms: None }
    }

    /// Runs calls to completion (at most the 60 s API timeout); each result is the
    /// response or the client-side failure text (`Timed out waiting for a node
    /// assignment. Call: <name>`).
    pub(crate) fn run(&self, ctx: &mut Ctx, calls: Vec<Call>) -> Vec<Result<Response, String>> {
        let n = calls.len();
        let task = ctx.sim.admin_run(self.id, calls, self.timeout_ms);
        let mut out: Vec<Result<Response, String>> = task
            .calls
            .into_iter()
            .map(|c| c.response.unwrap_or_else(|| Err("the call was never answered".to_string())))
            .collect();
        while out.len() < n {
            out.push(Err("the admin client is gone".to_string()));
        }
        let w = client_logs(ctx.sim, self.id);
        ctx.log.err(&w);
        out
    }

    /// One call.
    pub(crate) fn call(&self, ctx: &mut Ctx, name: &str, target: Target, request: Request) -> Result<Response, String> {
        let mut v = self.run(ctx, vec![Call::new(name, target, request)]);
        v.pop().unwrap_or_else(|| Err("no answer".to_string()))
    }

    /// Closes the client (the process of the tool exits).
    pub(crate) fn close(self, sim: &mut Sim) {
        sim.close_client(self.id);
    }
}

/// `org.apache.kafka.common.errors.<Exception>`.
pub(crate) fn error_class(e: crate::sim::errors::KafkaError) -> String {
    e.exception_class().to_string()
}

/// Reads a file a tool was given; `Err` is the path for the tool's own message.
pub(crate) fn read_file<'a>(ctx: &'a Ctx, path: &str) -> Result<&'a str, String> {
    ctx.vfs.read(path).ok_or_else(|| path.to_string())
}

/// Loads a `--command-config`/`--producer.config` style properties file. `Err` is the
/// message of the [`NO_SUCH_FILE`] exception `Utils.loadProps` throws: the path alone.
pub(crate) fn load_props(ctx: &Ctx, path: &str) -> Result<Vec<(String, String)>, String> {
    match ctx.vfs.read(path) {
        Some(t) => Ok(crate::console::vfs::parse_properties(t)),
        None => Err(path.to_string()),
    }
}

/// Takes the SASL/PLAIN login of a client properties file (`security.protocol=SASL_PLAINTEXT`,
/// `sasl.mechanism=PLAIN`, `sasl.jaas.config=...PlainLoginModule required username=...
/// password=...;`) for the clients the tool creates from now on.
pub(crate) fn use_login_of(ctx: &mut Ctx, props: &[(String, String)]) {
    let get = |k: &str| props.iter().rev().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let sasl = get("security.protocol").is_some_and(|p| p.trim().eq_ignore_ascii_case("SASL_PLAINTEXT"))
        && get("sasl.mechanism").is_some_and(|m| m.trim() == "PLAIN");
    let login = if sasl { get("sasl.jaas.config").and_then(crate::sim::acl::login_of) } else { None };
    ctx.sim.set_login_for_new_clients(login);
}

/// What `Utils.loadProps` throws for a missing properties file: `Files.newInputStream` fails
/// with `java.nio.file.NoSuchFileException: <path>` (recorded from Kafka 4.4 in
/// tests/conformance/scenarios/missing_config_files.txt).
pub(crate) const NO_SUCH_FILE: &str = "java.nio.file.NoSuchFileException";

/// An exception that escapes a tool's `main`: the JVM prints `Exception in thread "main"` and
/// the stack trace on stderr and exits 1.
pub(crate) fn uncaught(class: &str, message: &str) -> Output {
    let mut o = Output::new();
    o.err("Exception in thread \"main\" ");
    o.err(&crate::console::format::stack_trace(class, message));
    o.exit_code = 1;
    o
}

/// Parses `host:port` servers, checking them like `ToolsUtils.validateBootstrapServer`.
pub(crate) fn validate_bootstrap(value: Option<&str>) -> Result<String, Output> {
    match crate::console::opts::validate_bootstrap_server(value) {
        Ok(()) => Ok(value.unwrap_or("").to_string()),
        Err(m) => {
            let mut o = Output::new();
            o.err(m);
            o.exit_code = 1;
            Err(o)
        }
    }
}
