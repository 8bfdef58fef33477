//! The lesson being followed, as the panel shows it: the demo playing line by line, goals
//! checked a few times a second, hints, the solution, and the buttons that put the cluster
//! back where a step began.

use super::terminal::Transcript;
use super::view::{LessonView, TermStream};
use crate::console::session::Console;
use crate::lessons::{catalogue, Advanced, Lesson, LessonRun, Phase};
use std::collections::BTreeSet;
use std::rc::Rc;

/// Wall-clock ms between two demo lines, and between two goal checks.
pub(crate) const DEMO_EVERY_MS: u64 = 1800;
pub(crate) const CHECK_EVERY_MS: u64 = 250;

/// A button of the lesson panel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LessonAction {
    SkipDemo,
    Next,
    Hint,
    Solution,
    ResetStep,
    Undo,
    GoToStep(usize),
}

/// The lesson panel's state.
#[derive(Default)]
pub(crate) struct LessonPanel {
    /// The lesson being followed (None: the free sandbox).
    pub run: Option<LessonRun>,
    view: Option<Rc<LessonView>>,
    /// Hints, the revealed solution and refusals.
    notes: Vec<String>,
    last_check_ms: u64,
    last_demo_ms: u64,
    /// Lessons finished in this browser (by id).
    done: BTreeSet<String>,
    done_pub: Rc<Vec<String>>,
}

impl LessonPanel {
    /// Follows `lesson` from its start on a fresh console of its own, which is returned.
    pub(crate) fn start(&mut self, lesson: &Lesson) -> Result<Console, String> {
        let (run, console) = LessonRun::start(lesson)?;
        self.run = Some(run);
        self.notes.clear();
        self.view = None;
        Ok(console)
    }

    /// Resumes a saved run.
    pub(crate) fn resume(&mut self, run: LessonRun) {
        self.run = Some(run);
        self.notes.clear();
        self.view = None;
    }

    /// Back to the sandbox.
    pub(crate) fn leave(&mut self) {
        self.run = None;
        self.view = None;
    }

    pub(crate) fn done(&self) -> &BTreeSet<String> {
        &self.done
    }

    pub(crate) fn set_done(&mut self, done: BTreeSet<String>) {
        self.done = done;
        self.done_pub = Rc::new(self.done.iter().cloned().collect());
    }

    pub(crate) fn done_published(&self) -> Rc<Vec<String>> {
        self.done_pub.clone()
    }

    pub(crate) fn view(&self) -> Option<Rc<LessonView>> {
        self.view.clone()
    }

    /// Plays the next demo line (every [`DEMO_EVERY_MS`] while playing) or checks the goals
    /// (every [`CHECK_EVERY_MS`]). Returns whether what the panel shows changed.
    pub(crate) fn tick(
        &mut self,
        console: &mut Console,
        term: &mut Transcript,
        wall_now_ms: u64,
        playing: bool,
    ) -> bool {
        let Some(run) = self.run.as_mut() else { return false };
        if let Phase::Demo { .. } = run.phase() {
            if !playing || wall_now_ms < self.last_demo_ms + DEMO_EVERY_MS {
                return false;
            }
            self.last_demo_ms = wall_now_ms;
            if let Some((line, result)) = run.demo_next(console) {
                if let Some(c) = line.caption {
                    term.push(TermStream::Note, format!("# {c}"));
                }
                term.push(TermStream::Command, result.text.clone());
                term.print(&result.output);
            }
            self.refresh(console);
            return true;
        }
        if wall_now_ms < self.last_check_ms + CHECK_EVERY_MS {
            return false;
        }
        self.last_check_ms = wall_now_ms;
        self.refresh(console)
    }

    /// Re-evaluates the goals; returns whether what the panel shows changed.
    pub(crate) fn refresh(&mut self, console: &Console) -> bool {
        let Some(run) = self.run.as_mut() else {
            let had = self.view.take().is_some();
            return had;
        };
        let goals = run.check(console);
        let lesson = run.lesson();
        let done = matches!(run.phase(), Phase::Done);
        let step = match run.phase() {
            Phase::Demo { .. } => None,
            Phase::Step(k) => Some(*k),
            Phase::Done => Some(lesson.steps.len()),
        };
        let next_lesson = if done {
            let cat = catalogue();
            let i = cat.iter().position(|e| e.id == lesson.id);
            i.and_then(|i| cat.get(i + 1)).map(|e| (e.id.clone(), e.title.clone()))
        } else {
            None
        };
        let view = LessonView {
            id: lesson.id.clone(),
            title: lesson.title.clone(),
            intro: lesson.intro.clone(),
            steps: lesson.steps.iter().map(|s| s.title.clone()).collect(),
            completed: run.completed().to_vec(),
            step,
            demo_caption: run.demo_peek().and_then(|d| d.caption.clone()),
            step_text: run.step().map(|s| s.text.clone()).unwrap_or_default(),
            goals,
            hints_left: run.step().map(|s| s.hints.len() > run.hints_shown().len()).unwrap_or(false),
            notes: self.notes.clone(),
            done,
            real_cluster: if done { lesson.real_cluster.clone() } else { String::new() },
            next_lesson,
        };
        if self.view.as_deref() == Some(&view) {
            return false;
        }
        self.view = Some(Rc::new(view));
        true
    }

    /// A button of the panel. Returns the console to continue from when the button puts the
    /// cluster back where a step began (reset, undo, back to a step).
    pub(crate) fn action(&mut self, action: LessonAction, console: &mut Console) -> Option<Console> {
        let run = self.run.as_mut()?;
        let result: Result<Option<Console>, String> = match action {
            LessonAction::SkipDemo => {
                run.skip_demo(console);
                let _ = console.take_output();
                Ok(None)
            }
            LessonAction::Next => match run.advance(console) {
                Ok(Advanced::Finished) => {
                    self.done.insert(run.lesson().id.clone());
                    self.done_pub = Rc::new(self.done.iter().cloned().collect());
                    Ok(None)
                }
                Ok(Advanced::Step(_)) => {
                    self.notes.clear();
                    Ok(None)
                }
                Err(e) => Err(e),
            },
            LessonAction::Hint => {
                match run.hint() {
                    Some(h) => self.notes.push(format!("Hint: {h}")),
                    None => self.notes.push("No more hints for this step.".into()),
                }
                Ok(None)
            }
            LessonAction::Solution => run.reveal_solution(console).map(|s| {
                self.notes.push(format!("Solution:\n{}", s.trim_end()));
                None
            }),
            LessonAction::ResetStep => run.reset_step(console).map(Some),
            LessonAction::Undo => {
                run.undo(console).and_then(|c| c.ok_or_else(|| "nothing to undo in this step".to_string()).map(Some))
            }
            LessonAction::GoToStep(k) => run.go_to_step(k, console).map(|c| {
                self.notes.clear();
                Some(c)
            }),
        };
        match result {
            Ok(c) => c,
            Err(e) => {
                self.notes.push(e);
                None
            }
        }
    }
}
