//! The console: a simulated cluster plus everything a learner's terminal needs — the
//! tools and simulator commands, a small file system, history, tab completion, a command
//! log that replays to the same state, and the job API the browser drives.
//!
//! Two ways to run a command:
//! * [`Console::run`] runs one command to completion, advancing simulated time as far as
//!   the real tool would wait (a produce waits for its acks, a command whose bootstrap
//!   server answers nowhere times out after the admin client's 60 s). Stdin is the
//!   here-document/pipe/file given with the command, never a terminal.
//! * [`Console::start`] starts a command for the browser: a tool that reads stdin or keeps
//!   working becomes a job, fed with [`Console::job_input`], [`Console::job_eof`] (Ctrl-D)
//!   and [`Console::job_interrupt`] (Ctrl-C), and run by [`Console::advance_to`] as the
//!   UI's clock plays. Its output is collected by [`Console::take_output`].
//!
//! Everything typed is appended to [`Console::log`]; replaying it on a fresh console
//! with the same seed and config ([`Console::replay`]) reproduces the same cluster state.

use super::format::{Chunk, Output, Stream};
use super::opts::Tool;
use super::shell::{self, ScriptItem};
use super::tools::{self, Ctx, Job, Started as ToolStarted};
use super::vfs::Vfs;
use crate::sim::codec::Codec;
use crate::sim::time::SimTime;
use crate::sim::world::{ClusterConfig, Sim};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The longest a command run to completion may take in simulated time (a safety net:
/// every tool finishes on its own long before, e.g. the producer's delivery timeout).
pub(crate) const MAX_RUN_MS: i64 = 3_600_000;
/// Output chunks larger than this are split so the UI can render them incrementally.
pub const CHUNK_BYTES: usize = 16 * 1024;
/// Most history entries kept.
pub(crate) const HISTORY_LIMIT: usize = 1000;

/// What the learner did, with the simulated time it happened at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct LogEntry {
    pub at: SimTime,
    pub action: Action,
}

/// One logged action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub enum Action {
    /// A command run to completion ([`Console::run`]).
    Run(ScriptItem),
    /// A command started for the browser ([`Console::start`]).
    Start(ScriptItem),
    /// A line typed into the running job.
    Input(String),
    /// Ctrl-D.
    Eof,
    /// Ctrl-C.
    Interrupt,
    /// The UI's clock moved to this time.
    AdvanceTo(SimTime),
    /// A line the shell could not parse (kept so history and replay agree).
    Rejected(String),
}

/// The result of starting a command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Started {
    /// It finished: everything it printed.
    Done(Output),
    /// It keeps running as a job; read its output with [`Console::take_output`].
    Job,
}

/// One command of a script and what it printed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct CommandResult {
    pub line: u32,
    pub text: String,
    pub output: Output,
}

/// The result of [`Console::run_script`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct ScriptResult {
    pub commands: Vec<CommandResult>,
    /// Exit code of the first failing command when `strict` stopped the script.
    pub stopped_at: Option<u32>,
}

impl ScriptResult {
    /// 0 when every command run succeeded, else the first non-zero exit code.
    pub fn exit_code(&self) -> i32 {
        self.commands.iter().map(|c| c.output.exit_code).find(|c| *c != 0).unwrap_or(0)
    }
}

/// A job in progress.
struct RunningJob {
    job: Box<dyn Job>,
    redirect: Option<shell::Redirect>,
    /// Whether the terminal still feeds its stdin (false once given a here-document, a
    /// pipe or a file, and after Ctrl-D).
    stdin_open: bool,
}

/// A `producer start` application: its client and the rate to resume with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct AppProducer {
    pub(crate) client: u32,
    pub(crate) rate_per_sec: u32,
    pub(crate) paused: bool,
}

/// The lines typed so far for a command that is not complete yet (see [`super::typing`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Pending {
    pub(super) text: String,
    /// The line number (in a script) where the pending command starts.
    pub(super) first_line: u32,
}

/// The console.
pub struct Console {
    pub(crate) sim: Sim,
    pub(crate) seed: u64,
    pub(crate) config: ClusterConfig,
    pub(crate) vfs: Vfs,
    pub(crate) log: Vec<LogEntry>,
    pub(crate) history: Vec<String>,
    job: Option<RunningJob>,
    pending: Output,
    /// The lines typed so far of a command that is not complete yet (see [`super::typing`]).
    pub(crate) typing: Pending,
    pub(crate) apps: BTreeMap<String, AppProducer>,
    /// The seed and config the console was created with: `reset` changes `seed` and
    /// `config`, but a replay of the log must start from these.
    origin_seed: u64,
    origin_config: ClusterConfig,
}

/// Everything of a console except its engine and its running job, for a reload
/// ([`Console::save_state`], [`Console::from_state`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct ConsoleState {
    pub seed: u64,
    pub config: ClusterConfig,
    pub(crate) origin_seed: u64,
    pub(crate) origin_config: ClusterConfig,
    pub files: Vfs,
    pub log: Vec<LogEntry>,
    pub history: Vec<String>,
    pub(crate) pending: Output,
    pub(crate) apps: BTreeMap<String, AppProducer>,
}

impl Console {
    /// Boots a cluster (runs until every broker is unfenced).
    pub fn new(seed: u64, config: ClusterConfig) -> Result<Console, String> {
        let mut sim = Sim::new(seed, config.clone())?;
        sim.boot()?;
        Ok(Console {
            sim,
            seed,
            vfs: Vfs::new(),
            log: Vec::new(),
            history: Vec::new(),
            job: None,
            pending: Output::new(),
            typing: Default::default(),
            apps: BTreeMap::new(),
            origin_seed: seed,
            origin_config: config.clone(),
            config,
        })
    }

    /// The console's state without its engine, for a reload. `None` while a job runs: a job
    /// (a tool reading the terminal) is code, not data, so a reload made now could not
    /// resume it; save earlier and replay the log written since instead.
    pub(crate) fn save_state(&self) -> Option<ConsoleState> {
        if self.job.is_some() {
            return None;
        }
        Some(ConsoleState {
            seed: self.seed,
            config: self.config.clone(),
            origin_seed: self.origin_seed,
            origin_config: self.origin_config.clone(),
            files: self.vfs.clone(),
            log: self.log.clone(),
            history: self.history.clone(),
            pending: self.pending.clone(),
            apps: self.apps.clone(),
        })
    }

    /// A console from a saved state and its engine (the inverse of [`Console::save_state`]).
    pub(crate) fn from_state(state: ConsoleState, sim: Sim) -> Console {
        Console {
            sim,
            seed: state.seed,
            config: state.config,
            vfs: state.files,
            log: state.log,
            history: state.history,
            job: None,
            pending: state.pending,
            typing: Default::default(),
            apps: state.apps,
            origin_seed: state.origin_seed,
            origin_config: state.origin_config,
        }
    }

    /// The seed and config the console started with (before any `reset`): with
    /// [`Console::log`], what a replay needs.
    pub(crate) fn origin(&self) -> (u64, &ClusterConfig) {
        (self.origin_seed, &self.origin_config)
    }

    /// The engine (read-only).
    pub fn sim(&self) -> &Sim {
        &self.sim
    }

    pub(crate) fn seed(&self) -> u64 {
        self.seed
    }

    pub(crate) fn config(&self) -> &ClusterConfig {
        &self.config
    }

    pub fn files_mut(&mut self) -> &mut Vfs {
        &mut self.vfs
    }

    /// Everything typed so far.
    pub fn log(&self) -> &[LogEntry] {
        &self.log
    }

    /// The command lines typed, oldest first.
    pub fn history(&self) -> &[String] {
        &self.history
    }

    /// A copy of this console for the page's timeline (scrubbing back). `None` while a job
    /// runs: a job is a live tool process, not data, so it cannot be copied.
    pub fn snapshot(&self) -> Option<Console> {
        if self.job.is_some() {
            return None;
        }
        Some(Console {
            sim: self.sim.clone(),
            seed: self.seed,
            config: self.config.clone(),
            vfs: self.vfs.clone(),
            log: self.log.clone(),
            history: self.history.clone(),
            job: None,
            pending: Output::new(),
            typing: Default::default(),
            apps: self.apps.clone(),
            origin_seed: self.origin_seed,
            origin_config: self.origin_config.clone(),
        })
    }

    /// Whether a job is running.
    pub fn job_running(&self) -> bool {
        self.job.is_some()
    }

    /// Whether the running job reads lines from stdin (the console producer does; a
    /// console consumer does not).
    pub(crate) fn job_reads_stdin(&self) -> bool {
        self.job.as_ref().map(|j| j.stdin_open && j.job.reads_stdin()).unwrap_or(false)
    }

    /// A line the shell could not parse: logged (so history and replay agree) and kept in
    /// the history so ↑ brings it back to be corrected.
    pub(crate) fn reject(&mut self, text: &str) {
        self.record(Action::Rejected(text.to_string()));
        self.remember(text);
    }

    /// Replays a command log on this console (normally a fresh one with the same seed and
    /// config): the state afterwards is the same as the logged console's.
    pub fn replay(&mut self, log: &[LogEntry]) {
        for e in log {
            match &e.action {
                Action::Run(item) => {
                    self.run(item);
                }
                Action::Start(item) => {
                    self.start(item);
                }
                Action::Input(line) => self.job_input(line),
                Action::Eof => self.job_eof(),
                Action::Interrupt => self.job_interrupt(),
                Action::AdvanceTo(t) => self.advance_to(*t),
                Action::Rejected(line) => {
                    self.log.push(LogEntry { at: self.sim.now(), action: Action::Rejected(line.clone()) });
                }
            }
        }
        let _ = self.take_output();
    }

    /// Brings a copy taken earlier ([`Console::snapshot`]) to the moment `until` of the
    /// session whose log is `full_log` (this console's log is a prefix of it): each later
    /// action is replayed at the simulated time it happened. Used to scrub the timeline.
    pub fn catch_up(&mut self, full_log: &[LogEntry], until: SimTime) {
        let mine = self.log.len();
        // The copy's last entry may have grown since (consecutive advances coalesce).
        let start = match self.log.last() {
            Some(LogEntry { action: Action::AdvanceTo(_), .. }) => mine - 1,
            _ => mine,
        };
        for e in full_log.iter().skip(start).filter(|e| e.at <= until) {
            self.advance_to(e.at);
            let mut e = e.clone();
            if let Action::AdvanceTo(t) = &mut e.action {
                *t = (*t).min(until);
            }
            self.replay(std::slice::from_ref(&e));
        }
        self.advance_to(until);
        let _ = self.take_output();
    }

    fn record(&mut self, action: Action) {
        self.log.push(LogEntry { at: self.sim.now(), action });
    }

    pub(crate) fn remember(&mut self, text: &str) {
        let t = text.trim_end().to_string();
        if t.is_empty() {
            return;
        }
        self.history.push(t);
        if self.history.len() > HISTORY_LIMIT {
            self.history.remove(0);
        }
    }

    /// Runs one command to completion and returns what it printed.
    pub fn run(&mut self, item: &ScriptItem) -> Output {
        self.record(Action::Run(item.clone()));
        self.remember(&item.text);
        if self.job.is_some() {
            return Output::failure("a command is still running: press Ctrl-C to stop it, or Ctrl-D to end its input");
        }
        let mut out = match self.launch(item, false) {
            Launched::Done(o) => o,
            Launched::Job(mut rj) => {
                let mut out = std::mem::take(&mut self.pending);
                // Stdin of a script is never a terminal: feed it, then end it.
                if rj.job.reads_stdin() {
                    if let Some(text) = self.stdin_of(item) {
                        for line in crate::console::format::producer::stdin_lines(&text) {
                            rj.job.input(&mut self.sim, line, &mut out);
                        }
                    }
                    rj.job.eof(&mut self.sim, &mut out);
                }
                let limit = self.sim.now().plus_ms(MAX_RUN_MS);
                let code = drive(&mut self.sim, rj.job.as_mut(), limit, &mut out);
                let code = match code {
                    Some(c) => c,
                    None => {
                        rj.job.interrupt(&mut self.sim, &mut out);
                        out.errln("Brokerlab stopped the command after an hour of simulated time.");
                        1
                    }
                };
                out.exit_code = code;
                self.redirect(&rj.redirect, out)
            }
        };
        if out.exit_code == 0 && out.chunks.is_empty() {
            out = Output::new();
        }
        out
    }

    /// Starts a command for the browser: a tool that reads stdin (from the terminal) or
    /// keeps working becomes a job; everything else finishes at once.
    pub fn start(&mut self, item: &ScriptItem) -> Started {
        self.record(Action::Start(item.clone()));
        self.remember(&item.text);
        if self.job.is_some() {
            return Started::Done(Output::failure(
                "a command is still running: press Ctrl-C to stop it, or Ctrl-D to end its input",
            ));
        }
        let has_stdin = item.stdin.is_some() || item.stdin_file.is_some();
        match self.launch(item, !has_stdin) {
            Launched::Done(o) => Started::Done(o),
            Launched::Job(mut rj) => {
                let mut out = std::mem::take(&mut self.pending);
                if has_stdin && rj.job.reads_stdin() {
                    if let Some(text) = self.stdin_of(item) {
                        for line in crate::console::format::producer::stdin_lines(&text) {
                            rj.job.input(&mut self.sim, line, &mut out);
                        }
                    }
                    rj.job.eof(&mut self.sim, &mut out);
                }
                rj.stdin_open = !has_stdin;
                let redirect = rj.redirect.clone();
                self.job = Some(rj);
                let out = self.redirect(&redirect, out);
                self.pending.append(&out);
                // It may already be done (e.g. everything was answered at once).
                self.poll_job();
                Started::Job
            }
        }
    }

    /// A line typed while a job runs (the UI echoes it; the console does not).
    pub fn job_input(&mut self, line: &str) {
        self.record(Action::Input(line.to_string()));
        if let Some(mut rj) = self.job.take() {
            let mut out = Output::new();
            if rj.job.reads_stdin() {
                rj.job.input(&mut self.sim, line, &mut out);
            }
            let out = self.redirect(&rj.redirect, out);
            self.pending.append(&out);
            self.job = Some(rj);
            self.poll_job();
        }
    }

    /// Ctrl-D: the end of the job's input.
    pub fn job_eof(&mut self) {
        self.record(Action::Eof);
        if let Some(mut rj) = self.job.take() {
            rj.stdin_open = false;
            let mut out = Output::new();
            rj.job.eof(&mut self.sim, &mut out);
            let out = self.redirect(&rj.redirect, out);
            self.pending.append(&out);
            self.job = Some(rj);
            self.poll_job();
        }
    }

    /// Ctrl-C: stops the job (as SIGINT: the tool's shutdown hooks run).
    pub fn job_interrupt(&mut self) {
        self.record(Action::Interrupt);
        if let Some(mut rj) = self.job.take() {
            let mut out = Output::new();
            out.out("^C");
            rj.job.interrupt(&mut self.sim, &mut out);
            let limit = self.sim.now().plus_ms(MAX_RUN_MS);
            let code = drive(&mut self.sim, rj.job.as_mut(), limit, &mut out).unwrap_or(130);
            out.exit_code = if code == 0 { 130 } else { code };
            let out = self.redirect(&rj.redirect, out);
            self.pending.append(&out);
        }
    }

    /// Moves simulated time to `t` (the UI's clock), running the job if there is one.
    pub fn advance_to(&mut self, t: SimTime) {
        if t <= self.sim.now() {
            return;
        }
        // The browser advances every frame: consecutive advances are one entry (running to t1
        // then to t2 is running to t2, as jobs only act on events and their own wake times),
        // so a long session's log stays short enough for a share link.
        match self.log.last_mut() {
            Some(LogEntry { action: Action::AdvanceTo(prev), .. }) => *prev = t,
            _ => self.record(Action::AdvanceTo(t)),
        }
        match self.job.take() {
            None => self.sim.run_until(t),
            Some(mut rj) => {
                let mut out = Output::new();
                let redirect = rj.redirect.clone();
                match drive(&mut self.sim, rj.job.as_mut(), t, &mut out) {
                    Some(code) => out.exit_code = code,
                    None => self.job = Some(rj),
                }
                if self.sim.now() < t {
                    self.sim.run_until(t);
                }
                let out = self.redirect(&redirect, out);
                self.pending.append(&out);
            }
        }
    }

    /// The output produced since the last call, in chunks of at most [`CHUNK_BYTES`].
    /// The exit code is the job's once it finished (0 while it runs).
    pub fn take_output(&mut self) -> Output {
        let o = std::mem::take(&mut self.pending);
        split_chunks(o)
    }

    fn poll_job(&mut self) {
        if let Some(mut rj) = self.job.take() {
            let mut out = Output::new();
            match rj.job.poll(&mut self.sim, &mut out) {
                Some(code) => {
                    out.exit_code = code;
                }
                None => {
                    self.job =
                        Some(RunningJob { job: rj.job, redirect: rj.redirect.clone(), stdin_open: rj.stdin_open });
                }
            }
            let out = self.redirect(&rj.redirect, out);
            self.pending.append(&out);
        }
    }

    /// Applies `> FILE`/`>> FILE`: stdout goes to the file, stderr stays.
    fn redirect(&mut self, r: &Option<shell::Redirect>, out: Output) -> Output {
        let Some(r) = r else { return out };
        let text = out.stdout();
        // `> FILE` was truncated when the command started; output arrives in pieces.
        let res = if text.is_empty() { Ok(()) } else { self.vfs.append(&r.path, &text) };
        let mut kept = Output::new();
        for c in &out.chunks {
            match c.stream {
                Stream::Stderr => kept.err(&c.text),
                Stream::Note => kept.noteln(c.text.trim_end_matches('\n')),
                Stream::Stdout => {}
            }
        }
        kept.exit_code = out.exit_code;
        if let Err(m) = res {
            kept.errln(&m);
            kept.exit_code = 1;
        }
        kept
    }

    /// The stdin text of a command: here-document, pipe, or a file.
    fn stdin_of(&self, item: &ScriptItem) -> Option<String> {
        if let Some(s) = &item.stdin {
            return Some(s.clone());
        }
        item.stdin_file.as_ref().and_then(|f| self.vfs.read(f).map(str::to_string))
    }

    /// Starts a command: builtins and simulator commands finish at once, tools may
    /// become jobs. `terminal`: stdin is the learner's keyboard.
    fn launch(&mut self, item: &ScriptItem, terminal: bool) -> Launched {
        let Some(program) = item.argv.first().cloned() else {
            return Launched::Done(Output::new());
        };
        // `> FILE` truncates before the command runs, as in sh.
        if let Some(r) = &item.redirect {
            if !r.append {
                if let Err(m) = self.vfs.write(&r.path, "") {
                    return Launched::Done(Output::failure(&m));
                }
            }
        }
        if let Some(f) = &item.stdin_file {
            if !self.vfs.exists(f) {
                return Launched::Done(Output::failure(&format!("{f}: No such file or directory")));
            }
        }
        let args: Vec<String> = item.argv.iter().skip(1).cloned().collect();
        if let Some(tool) = Tool::from_program(&program) {
            let mut ctx = Ctx { sim: &mut self.sim, vfs: &mut self.vfs, interactive: terminal, log: Output::new() };
            match tools::dispatch(&mut ctx, tool, &args) {
                ToolStarted::Done(o) => Launched::Done(self.redirect(&item.redirect, o)),
                ToolStarted::Job(mut job) => {
                    let mut out = std::mem::take(&mut ctx.log);
                    job.start(&mut self.sim, &mut out);
                    self.pending.append(&out);
                    Launched::Job(RunningJob { job, redirect: item.redirect.clone(), stdin_open: true })
                }
            }
        } else {
            let stdin = self.stdin_of(item);
            let o = self.builtin(&program, &args, stdin.as_deref());
            Launched::Done(self.redirect(&item.redirect, o))
        }
    }
}

enum Launched {
    Done(Output),
    Job(RunningJob),
}

/// Runs the engine until the job finishes or time reaches `limit`, polling the job
/// after every event. `Some(exit code)` when it finished.
fn drive(sim: &mut Sim, job: &mut dyn Job, limit: SimTime, out: &mut Output) -> Option<i32> {
    loop {
        if let Some(code) = job.poll(sim, out) {
            return Some(code);
        }
        let next_event = sim.next_event_at();
        let wake = job.wake_at().filter(|w| *w > sim.now());
        let target = match (next_event, wake) {
            (Some(e), Some(w)) => e.min(w),
            (Some(e), None) => e,
            (None, Some(w)) => w,
            (None, None) => limit,
        };
        if target > limit {
            sim.run_until(limit);
            return job.poll(sim, out);
        }
        if Some(target) == next_event {
            sim.step_until(limit);
        } else {
            sim.run_until(target);
        }
    }
}

/// Splits large chunks so the UI can render them a piece at a time (at line ends where
/// possible, never inside a character).
fn split_chunks(o: Output) -> Output {
    if o.chunks.iter().all(|c| c.text.len() <= CHUNK_BYTES) {
        return o;
    }
    let mut out = Output { chunks: Vec::new(), exit_code: o.exit_code };
    for c in o.chunks {
        let mut rest = c.text.as_str();
        while rest.len() > CHUNK_BYTES {
            let mut cut = CHUNK_BYTES;
            while cut > 0 && !rest.is_char_boundary(cut) {
                cut -= 1;
            }
            if let Some(nl) = rest[..cut].rfind('\n') {
                if nl > 0 {
                    cut = nl + 1;
                }
            }
            if cut == 0 {
                cut = rest.len();
            }
            out.chunks.push(Chunk { stream: c.stream, text: rest[..cut].to_string() });
            rest = &rest[cut..];
        }
        if !rest.is_empty() {
            out.chunks.push(Chunk { stream: c.stream, text: rest.to_string() });
        }
    }
    out
}

/// Parses a single command line (the first command of `line`).
pub fn parse_line(line: &str) -> Result<ScriptItem, String> {
    match shell::parse_script(line).into_iter().next() {
        Some(Ok(item)) => Ok(item),
        Some(Err(e)) => Err(e.message),
        None => Err("empty command".to_string()),
    }
}
