//! [`LessonRun`]: the state machine the UI drives while a learner works through a lesson.
//!
//! The UI owns the [`Console`]; the run owns where the learner is (demo, step, done), the
//! marks where each step began (a position in the console's command log), and a
//! [`Tracker`] that latches event goals. Everything that rebuilds the cluster (reset the
//! step, undo, go back, resume) replays a prefix of the console's own log on a copy taken
//! at the step's start, or on a fresh console: the engine is deterministic, so the result
//! is the state the learner had.

use super::format::{DemoLine, Lesson, Step};
use super::goal::{eval_state, event_matches, ran_matches, Goal};
use crate::console::session::{Action, CommandResult, Console, LogEntry};
use crate::console::shell;
use crate::sim::codec::Codec;
use crate::sim::time::SimTime;
use serde::{Deserialize, Serialize};

/// Programs a lesson step always allows (they only look).
pub(crate) const ALWAYS_ALLOWED: &[&str] = &[
    "help", "clear", "history", "ls", "cat", "echo", "time", "seed", "trace", "describe", "clients", "metrics", "sleep",
];

/// One goal's live status, for the UI.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct GoalStatus {
    /// What the learner reads.
    pub text: String,
    /// Exactly what is checked, as written in the lesson (`not-in-isr payments-0 3`).
    pub(crate) predicate: String,
    pub passed: bool,
}

/// Where a step began: a position in the console's log, its time and trace position.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct StepMark {
    pub(crate) log_len: usize,
    pub now: SimTime,
    pub(crate) trace_index: u64,
}

/// Where the learner is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub enum Phase {
    /// The scripted demo plays; `next` is the next demo line.
    Demo { next: usize },
    /// Working on step `n` (0-based).
    Step(usize),
    /// Every step passed: show the "On a real cluster" note.
    Done,
}

/// What [`LessonRun::advance`] did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub enum Advanced {
    /// Now on this step.
    Step(usize),
    /// The last step passed.
    Finished,
}

/// Saved progress (serde): enough to resume exactly where the learner left.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct Progress {
    /// Format version of this record.
    pub version: u32,
    pub lesson_id: String,
    pub phase: Phase,
    pub marks: Vec<StepMark>,
    /// The console's whole command log (setup included).
    pub log: Vec<LogEntry>,
    pub hints_shown: Vec<u32>,
    pub revealed: Vec<bool>,
    pub completed: Vec<bool>,
}

pub(crate) const PROGRESS_VERSION: u32 = 1;

/// Latches event goals: scans only what is new in the trace and the log.
#[derive(Clone, Debug, Default)]
pub(crate) struct Tracker {
    trace_cursor: u64,
    log_cursor: usize,
    latched: Vec<bool>,
}

impl Tracker {
    fn start(mark: &StepMark, goals: usize) -> Tracker {
        Tracker { trace_cursor: mark.trace_index, log_cursor: mark.log_len, latched: vec![false; goals] }
    }

    /// Updates the latches with what happened since the last call.
    fn scan(&mut self, step: &Step, mark: &StepMark, console: &Console) {
        let sim = console.sim();
        if self.latched.len() != step.goals.len()
            || sim.trace().next_index() < self.trace_cursor
            || console.log().len() < self.log_cursor
        {
            // Another console (rebuilt, or scrubbed back in time): start over from the mark.
            *self = Tracker::start(mark, step.goals.len());
        }
        let events: Vec<(usize, &Goal)> = step.goals.iter().enumerate().map(|(i, g)| (i, &g.goal)).collect();
        let wants_trace = events.iter().any(|(i, g)| !self.latched[*i] && matches!(g, Goal::Event { .. }));
        if wants_trace {
            for ev in sim.trace().since(self.trace_cursor) {
                for (i, g) in &events {
                    if let Goal::Event { kind, filter } = g {
                        if !self.latched[*i] && event_matches(*kind, filter, &ev.kind) {
                            self.latched[*i] = true;
                        }
                    }
                }
            }
        }
        self.trace_cursor = sim.trace().next_index();
        let log = console.log();
        for e in log.iter().skip(self.log_cursor) {
            let item = match &e.action {
                Action::Run(item) | Action::Start(item) => item,
                _ => continue,
            };
            for (i, g) in &events {
                if let Goal::Ran { words } = g {
                    if !self.latched[*i] && ran_matches(words, &item.argv) {
                        self.latched[*i] = true;
                    }
                }
            }
        }
        self.log_cursor = log.len();
    }
}

/// A learner's run through one lesson.
pub struct LessonRun {
    lesson: Lesson,
    phase: Phase,
    /// `marks[k]`: where step k began (one per step reached).
    marks: Vec<StepMark>,
    tracker: Tracker,
    hints_shown: Vec<u32>,
    revealed: Vec<bool>,
    completed: Vec<bool>,
    /// A copy of the console at the current step's start (rebuilt on demand).
    start_copy: Option<Console>,
}

fn mark_of(c: &Console) -> StepMark {
    StepMark { log_len: c.log().len(), now: c.sim().now(), trace_index: c.sim().trace().next_index() }
}

/// A fresh console for the lesson with its setup run.
fn fresh(lesson: &Lesson) -> Result<Console, String> {
    Console::new(lesson.seed, lesson.cluster.clone())
}

/// Replays `log[..mark.log_len]` on a fresh console, ending at the mark's time (the
/// last entry may be a clock advance that grew after the mark was taken).
fn rebuild(lesson: &Lesson, log: &[LogEntry], mark: &StepMark) -> Result<Console, String> {
    let mut c = fresh(lesson)?;
    let n = mark.log_len.min(log.len());
    let mut prefix: Vec<LogEntry> = log[..n].to_vec();
    if let Some(LogEntry { action: Action::AdvanceTo(t), .. }) = prefix.last_mut() {
        if *t > mark.now {
            *t = mark.now;
        }
    }
    c.replay(&prefix);
    c.advance_to(mark.now);
    let _ = c.take_output();
    Ok(c)
}

impl LessonRun {
    /// Starts a lesson: a fresh cluster with the setup run. With a demo the run is in
    /// [`Phase::Demo`] (play it with [`LessonRun::demo_next`] or skip it), else on step 0.
    pub fn start(lesson: &Lesson) -> Result<(LessonRun, Console), String> {
        if lesson.steps.is_empty() {
            return Err(format!("lesson {} has no step", lesson.id));
        }
        let mut c = fresh(lesson)?;
        let r = c.run_script(&lesson.setup, true);
        if let Some(line) = r.stopped_at {
            let msg = r.commands.last().map(|x| x.output.stderr()).unwrap_or_default();
            return Err(format!("lesson {}: setup line {line} failed: {}", lesson.id, msg.trim()));
        }
        let _ = c.take_output();
        let n = lesson.steps.len();
        let mut run = LessonRun {
            lesson: lesson.clone(),
            phase: Phase::Demo { next: 0 },
            marks: Vec::new(),
            tracker: Tracker::default(),
            hints_shown: vec![0; n],
            revealed: vec![false; n],
            completed: vec![false; n],
            start_copy: None,
        };
        if lesson.demo.is_empty() {
            run.enter_step(0, &c);
        }
        Ok((run, c))
    }

    pub(crate) fn lesson(&self) -> &Lesson {
        &self.lesson
    }

    pub fn phase(&self) -> &Phase {
        &self.phase
    }

    /// The current step index (`None` during the demo and when done).
    pub(crate) fn step_index(&self) -> Option<usize> {
        match self.phase {
            Phase::Step(k) => Some(k),
            _ => None,
        }
    }

    /// The current step.
    pub fn step(&self) -> Option<&Step> {
        self.step_index().and_then(|k| self.lesson.steps.get(k))
    }

    /// Which steps have been passed.
    pub fn completed(&self) -> &[bool] {
        &self.completed
    }

    fn enter_step(&mut self, k: usize, c: &Console) {
        let mark = mark_of(c);
        self.marks.truncate(k);
        self.marks.push(mark.clone());
        self.phase = Phase::Step(k);
        self.tracker = Tracker::start(&mark, self.lesson.steps[k].goals.len());
        self.start_copy = c.snapshot();
    }

    // ------------------------------------------------------------------ demo

    /// The demo line that plays next (for the UI to show its caption first).
    pub fn demo_peek(&self) -> Option<&DemoLine> {
        match self.phase {
            Phase::Demo { next } => self.lesson.demo.get(next),
            _ => None,
        }
    }

    /// Runs the next demo command on the console and returns it with its output; `None`
    /// when the demo is over (the run is then on step 0).
    pub fn demo_next(&mut self, c: &mut Console) -> Option<(DemoLine, CommandResult)> {
        let Phase::Demo { next } = self.phase else { return None };
        let Some(line) = self.lesson.demo.get(next).cloned() else {
            self.enter_step(0, c);
            return None;
        };
        let r = c.run_script(&line.command, false);
        let result = r.commands.into_iter().next().unwrap_or(CommandResult {
            line: 1,
            text: line.command.clone(),
            output: Default::default(),
        });
        self.phase = Phase::Demo { next: next + 1 };
        if next + 1 >= self.lesson.demo.len() {
            self.enter_step(0, c);
        }
        Some((line, result))
    }

    /// Plays the rest of the demo at once.
    pub fn skip_demo(&mut self, c: &mut Console) {
        while self.demo_next(c).is_some() {}
    }

    // ----------------------------------------------------------------- goals

    /// The live status of the current step's goals (empty outside a step). Cheap enough
    /// for every frame: state goals read the metadata image and one leader log each;
    /// event goals scan only the trace events and log entries that are new.
    pub fn check(&mut self, c: &Console) -> Vec<GoalStatus> {
        let Phase::Step(k) = self.phase else { return Vec::new() };
        let (Some(step), Some(mark)) = (self.lesson.steps.get(k), self.marks.get(k)) else { return Vec::new() };
        self.tracker.scan(step, mark, c);
        let mut groups = None;
        step.goals
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let passed = if g.goal.is_event() {
                    self.tracker.latched.get(i).copied().unwrap_or(false)
                } else {
                    eval_state(&g.goal, c.sim(), &mut groups)
                };
                GoalStatus { text: g.text.clone(), predicate: g.goal.to_string(), passed }
            })
            .collect()
    }

    /// Whether every goal of the current step passes now.
    pub fn step_passed(&mut self, c: &Console) -> bool {
        let s = self.check(c);
        !s.is_empty() && s.iter().all(|g| g.passed)
    }

    /// Moves to the next step when every goal passes (the UI calls it when
    /// [`LessonRun::step_passed`] turns true, or on a "next" button).
    pub fn advance(&mut self, c: &Console) -> Result<Advanced, String> {
        let Phase::Step(k) = self.phase else { return Err("not on a step".to_string()) };
        if !self.step_passed(c) {
            return Err("not every goal of this step passes yet".to_string());
        }
        self.completed[k] = true;
        if k + 1 >= self.lesson.steps.len() {
            self.phase = Phase::Done;
            self.start_copy = None;
            return Ok(Advanced::Finished);
        }
        self.enter_step(k + 1, c);
        Ok(Advanced::Step(k + 1))
    }

    // -------------------------------------------------------- learner's help

    /// Whether the learner may run this command line in the current step (`Err` says
    /// why not). `reset` is never allowed: the step's reset button does that.
    pub fn permits(&self, line: &str) -> Result<(), String> {
        match crate::console::session::parse_line(line) {
            Ok(item) => self.permits_item(&item),
            Err(_) => Ok(()),
        }
    }

    /// The gate of the console's typed lines ([`crate::console::typing::Gate`]): whether
    /// the current step lets this command run.
    pub(crate) fn permits_item(&self, item: &crate::console::shell::ScriptItem) -> Result<(), String> {
        let Some(program) = item.argv.first() else { return Ok(()) };
        if program == "reset" {
            return Err("in a lesson, use \"Reset step\" instead of reset".to_string());
        }
        let Some(allowed) = self.step().and_then(|s| s.allowed.as_ref()) else { return Ok(()) };
        if allowed.iter().any(|a| a == program) || ALWAYS_ALLOWED.contains(&program.as_str()) {
            return Ok(());
        }
        Err(format!("this step allows only: {}", allowed.join(", ")))
    }

    /// The next hint of the current step (`None` when there are no more).
    pub fn hint(&mut self) -> Option<String> {
        let k = self.step_index()?;
        let hints = &self.lesson.steps[k].hints;
        let shown = self.hints_shown[k] as usize;
        let h = hints.get(shown)?.clone();
        self.hints_shown[k] += 1;
        Some(h)
    }

    /// The hints shown so far in the current step.
    pub(crate) fn hints_shown(&self) -> Vec<String> {
        match self.step_index() {
            Some(k) => self.lesson.steps[k].hints.iter().take(self.hints_shown[k] as usize).cloned().collect(),
            None => Vec::new(),
        }
    }

    /// Commands the learner ran in the current step.
    pub(crate) fn attempts(&self, c: &Console) -> usize {
        let Some(mark) = self.step_index().and_then(|k| self.marks.get(k)) else { return 0 };
        c.log().iter().skip(mark.log_len).filter(|e| matches!(e.action, Action::Run(_) | Action::Start(_))).count()
    }

    /// The reference solution of the current step, once the learner has tried at least
    /// one command in it.
    pub fn reveal_solution(&mut self, c: &Console) -> Result<String, String> {
        let k = self.step_index().ok_or_else(|| "not on a step".to_string())?;
        if !self.revealed[k] && self.attempts(c) == 0 {
            return Err("try at least one command first".to_string());
        }
        self.revealed[k] = true;
        Ok(self.lesson.steps[k].solution.clone())
    }

    // --------------------------------------------------------- time travel

    /// The cluster as it was when the current step began.
    pub fn reset_step(&mut self, c: &Console) -> Result<Console, String> {
        let k = self.step_index().ok_or_else(|| "not on a step".to_string())?;
        let mark = self.marks[k].clone();
        let console = self.copy_at_start(c.log(), &mark)?;
        self.tracker = Tracker::start(&mark, self.lesson.steps[k].goals.len());
        Ok(console)
    }

    /// The cluster without the last command of this step (the commands before it are
    /// replayed on the step's start; the clock ends where that command was typed).
    /// `None` when nothing was run in this step.
    pub fn undo(&mut self, c: &Console) -> Result<Option<Console>, String> {
        let k = self.step_index().ok_or_else(|| "not on a step".to_string())?;
        let mark = self.marks[k].clone();
        let log = c.log();
        let last = log
            .iter()
            .enumerate()
            .skip(mark.log_len)
            .rev()
            .find(|(_, e)| matches!(e.action, Action::Run(_) | Action::Start(_)))
            .map(|(i, _)| i);
        let Some(last) = last else { return Ok(None) };
        let mut console = self.copy_at_start(log, &mark)?;
        console.replay(&log[mark.log_len..last]);
        console.advance_to(log[last].at);
        let _ = console.take_output();
        self.tracker = Tracker::start(&mark, self.lesson.steps[k].goals.len());
        Ok(Some(console))
    }

    /// Goes back to the start of an earlier (or the current) step; later progress in
    /// that step's goals is forgotten, completed marks stay.
    pub fn go_to_step(&mut self, k: usize, c: &Console) -> Result<Console, String> {
        let mark = self.marks.get(k).cloned().ok_or_else(|| format!("step {} was not reached yet", k + 1))?;
        let console = if Some(k) == self.step_index() {
            self.copy_at_start(c.log(), &mark)?
        } else {
            rebuild(&self.lesson, c.log(), &mark)?
        };
        self.enter_step(k, &console);
        Ok(console)
    }

    fn copy_at_start(&mut self, log: &[LogEntry], mark: &StepMark) -> Result<Console, String> {
        if let Some(copy) = self.start_copy.as_ref().and_then(|s| s.snapshot()) {
            return Ok(copy);
        }
        let c = rebuild(&self.lesson, log, mark)?;
        self.start_copy = c.snapshot();
        Ok(c)
    }

    // --------------------------------------------------------------- saving

    /// What to save to resume later.
    pub fn progress(&self, c: &Console) -> Progress {
        Progress {
            version: PROGRESS_VERSION,
            lesson_id: self.lesson.id.clone(),
            phase: self.phase.clone(),
            marks: self.marks.clone(),
            log: c.log().to_vec(),
            hints_shown: self.hints_shown.clone(),
            revealed: self.revealed.clone(),
            completed: self.completed.clone(),
        }
    }

    /// Resumes saved progress: the console is rebuilt by replaying the saved log.
    pub fn resume(lesson: &Lesson, p: &Progress) -> Result<(LessonRun, Console), String> {
        if lesson.steps.is_empty() {
            return Err(format!("lesson {} has no step", lesson.id));
        }
        if p.version != PROGRESS_VERSION {
            return Err(format!("saved progress has version {}, this Brokerlab reads {PROGRESS_VERSION}", p.version));
        }
        if p.lesson_id != lesson.id {
            return Err(format!("saved progress is for lesson {}, not {}", p.lesson_id, lesson.id));
        }
        let n = lesson.steps.len();
        let fit_u = |v: &[u32]| -> Vec<u32> { (0..n).map(|i| v.get(i).copied().unwrap_or(0)).collect() };
        let fit_b = |v: &[bool]| -> Vec<bool> { (0..n).map(|i| v.get(i).copied().unwrap_or(false)).collect() };
        let phase = match p.phase {
            Phase::Step(k) if k < n && k < p.marks.len() => Phase::Step(k),
            Phase::Step(_) => return Err("saved progress does not match this lesson's steps".to_string()),
            ref other => other.clone(),
        };
        let mut c = fresh(lesson)?;
        c.replay(&p.log);
        let _ = c.take_output();
        let mut run = LessonRun {
            lesson: lesson.clone(),
            phase,
            marks: p.marks.clone(),
            tracker: Tracker::default(),
            hints_shown: fit_u(&p.hints_shown),
            revealed: fit_b(&p.revealed),
            completed: fit_b(&p.completed),
            start_copy: None,
        };
        if let Phase::Step(k) = run.phase {
            run.tracker = Tracker::start(&run.marks[k], lesson.steps[k].goals.len());
        }
        Ok((run, c))
    }
}

/// Runs a step's reference solution on the console (as a learner would type it).
pub fn run_solution(step: &Step, c: &mut Console) -> Vec<CommandResult> {
    let r = c.run_script(&step.solution, false);
    let _ = c.take_output();
    r.commands
}

/// Runs a step's reference solution as a slow learner would: `pause_ms` of simulated time
/// pass before each command (reading, thinking), then the command runs to completion.
pub fn run_solution_paced(step: &Step, c: &mut Console, pause_ms: i64) -> Vec<CommandResult> {
    let mut results = Vec::new();
    for item in shell::parse_script(&step.solution) {
        let t = c.sim().now().plus_ms(pause_ms);
        c.advance_to(t);
        match item {
            Ok(item) => {
                let output = c.run(&item);
                results.push(CommandResult { line: item.line, text: item.text.clone(), output });
            }
            Err(e) => results.push(CommandResult {
                line: e.line,
                text: String::new(),
                output: crate::console::format::Output::failure(&e.message).with_exit(2),
            }),
        }
    }
    let _ = c.take_output();
    results
}
