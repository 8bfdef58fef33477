//! The one way in for a typed line: the page's prompt, the headless runner and the lesson
//! tests all hand the console one physical line at a time, as a terminal would.
//!
//! A line either completes a command (which then runs), continues one (an open
//! here-document, a trailing `\`, an open quote or pipe: the shell's `>` continuation
//! prompt, like bash's PS2), goes to the running tool's stdin, or is a shell builtin
//! handled here (`clear`). A gate (a lesson step's allowed commands) may refuse a
//! complete command before it runs; refused and unparsable commands still go into the
//! history so ↑ brings them back.

use super::format::Output;
use super::session::{CommandResult, Console, Pending, ScriptResult, Started};
use super::shell::{self, ScriptItem};

/// How a complete command runs.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// A terminal (the page): a tool that reads stdin or keeps working becomes a job,
    /// fed by the next lines, Ctrl-D and Ctrl-C, and run as the page's clock plays.
    Terminal,
    /// A script (the runner, lesson solutions): stdin is never a terminal, so each
    /// command runs to completion, advancing simulated time as the real tool would wait.
    Script,
}

/// What the prompt shows, which is also what the next line will be taken as.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Prompt {
    /// `$`: a new command.
    Shell,
    /// `>` (bash's PS2): the command typed so far is not complete yet.
    Continuation,
    /// `>`: the running tool reads lines from stdin (the console producer).
    ToolInput,
    /// No prompt: a tool is running and reads nothing (a console consumer). Ctrl-C stops it.
    Busy,
}

impl Prompt {
    /// The prompt's text in the terminal.
    pub fn symbol(self) -> &'static str {
        match self {
            Prompt::Shell => "$",
            Prompt::Continuation | Prompt::ToolInput => ">",
            Prompt::Busy => "",
        }
    }
}

/// Refuses a complete command before it runs (`Err(why)`), as a lesson step does.
pub(crate) type Gate<'a> = &'a dyn Fn(&ScriptItem) -> Result<(), String>;

/// Lets every command through.
pub(crate) fn open_gate(_: &ScriptItem) -> Result<(), String> {
    Ok(())
}

/// What became of a typed line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Typed {
    /// A blank line or a comment at the shell prompt: nothing to do.
    Nothing,
    /// The command continues on the next line ([`Prompt::Continuation`]).
    More,
    /// `clear`: the terminal wipes its transcript.
    Clear,
    /// The line went to the running tool's stdin; `output` is what it printed at once.
    ToTool { output: Output },
    /// A complete command: its whole text (continuation lines included), and what it
    /// printed — everything when it finished, the start when it became a job. `line` is
    /// where it starts in a script (0 at the page's prompt).
    Ran { line: u32, text: String, output: Output, job: bool },
    /// The gate refused the command (`why`), or the shell could not parse it (`why` is the
    /// parser's one-line message and `line` the script line where the bad command starts);
    /// nothing ran.
    Refused { line: u32, text: String, why: String, parse_error: bool },
}

impl Console {
    /// What the prompt shows now.
    pub(crate) fn prompt(&self) -> Prompt {
        if !self.typing.text.is_empty() {
            Prompt::Continuation
        } else if self.job_reads_stdin() {
            Prompt::ToolInput
        } else if self.job_running() {
            Prompt::Busy
        } else {
            Prompt::Shell
        }
    }

    /// Drops a command that is not complete yet (Ctrl-C at the continuation prompt).
    /// Returns whether there was one.
    pub(crate) fn cancel_pending(&mut self) -> bool {
        let had = !self.typing.text.is_empty();
        self.typing = Pending::default();
        had
    }

    /// Takes one physical line typed at the prompt (see the module documentation).
    pub(crate) fn type_line(&mut self, line: &str, mode: Mode, gate: Gate) -> Typed {
        self.type_line_at(line, 0, mode, gate)
    }

    /// [`Console::type_line`] for a script: `line_no` is the line's number in the script,
    /// so parse errors name the line where the command starts.
    pub(crate) fn type_line_at(&mut self, line: &str, line_no: u32, mode: Mode, gate: Gate) -> Typed {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if self.typing.text.is_empty() && mode == Mode::Terminal && self.job_running() {
            if !self.job_reads_stdin() {
                // Typed while a tool reads nothing: a terminal echoes it and the tool ignores
                // it; it is not a command.
                return Typed::ToTool { output: Output::new() };
            }
            self.job_input(line);
            return Typed::ToTool { output: self.take_output() };
        }
        if self.typing.text.is_empty() {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                return Typed::Nothing;
            }
            if trimmed == "clear" {
                self.remember(trimmed);
                return Typed::Clear;
            }
            self.typing.first_line = line_no;
        } else {
            self.typing.text.push('\n');
        }
        self.typing.text.push_str(line);
        if shell::needs_more_input(&self.typing.text) {
            return Typed::More;
        }
        let pending = std::mem::take(&mut self.typing);
        self.run_typed(&pending, mode, gate)
    }

    /// Ends a script: a command still pending is parsed as it stands, which yields the
    /// shell's message for what is missing (an unclosed quote or here-document).
    pub(crate) fn finish_script(&mut self) -> Option<Typed> {
        if self.typing.text.is_empty() {
            return None;
        }
        let pending = std::mem::take(&mut self.typing);
        Some(self.run_typed(&pending, Mode::Script, &open_gate))
    }

    fn run_typed(&mut self, pending: &Pending, mode: Mode, gate: Gate) -> Typed {
        let text = pending.text.clone();
        let mut outcome: Option<Typed> = None;
        // `a; b` on one line: each runs in turn, as a shell does; once one keeps running as a
        // job, the rest would wait for it, which a terminal here cannot: they are refused.
        for parsed in shell::parse_script(&text) {
            if let Some(Typed::Ran { job: true, output, .. }) = &mut outcome {
                output.errln("brokerlab: the commands after a running tool were not run: type them once it ends");
                break;
            }
            let this = match parsed {
                Err(e) => {
                    self.reject(&text);
                    let line = pending.first_line + e.line.saturating_sub(1);
                    Typed::Refused { line, text: text.clone(), why: e.message, parse_error: true }
                }
                Ok(item) => self.run_item(item, pending.first_line, mode, gate),
            };
            outcome = Some(match (outcome, this) {
                (None, t) => t,
                (Some(Typed::Ran { line, text, mut output, .. }), Typed::Ran { output: o, job, .. }) => {
                    output.append(&o);
                    output.exit_code = o.exit_code;
                    Typed::Ran { line, text, output, job }
                }
                (Some(Typed::Ran { line, text, mut output, .. }), Typed::Refused { why, .. }) => {
                    output.errln(&why);
                    output.exit_code = 2;
                    Typed::Ran { line, text, output, job: false }
                }
                (Some(first), _) => first,
            });
        }
        outcome.unwrap_or(Typed::Nothing)
    }

    fn run_item(&mut self, mut item: ScriptItem, first_line: u32, mode: Mode, gate: Gate) -> Typed {
        if first_line > 0 {
            item.line = first_line + item.line.saturating_sub(1);
        }
        let line = item.line;
        if let Err(why) = gate(&item) {
            self.remember(&item.text);
            return Typed::Refused { line, text: item.text, why, parse_error: false };
        }
        let text = item.text.clone();
        match mode {
            Mode::Script => Typed::Ran { line, text, output: self.run(&item), job: false },
            Mode::Terminal => match self.start(&item) {
                Started::Done(output) => Typed::Ran { line, text, output, job: false },
                Started::Job => Typed::Ran { line, text, output: self.take_output(), job: self.job_running() },
            },
        }
    }

    /// Types a script (one line or many) line by line as in a script ([`Mode::Script`]),
    /// here-documents and continuation lines included, and hands each finished command
    /// (`Ran`, `Refused` or `Clear`) to `each` as it completes; stops when `each` says false.
    /// The one loop behind [`Console::run_script`] and the headless runner, which prints
    /// each command's output as it comes.
    pub(crate) fn type_script(&mut self, text: &str, mut each: impl FnMut(Typed) -> bool) {
        let mut lines = text.split('\n').enumerate();
        loop {
            let typed = match lines.next() {
                Some((i, line)) => self.type_line_at(line, i as u32 + 1, Mode::Script, &open_gate),
                None => match self.finish_script() {
                    Some(t) => t,
                    None => break,
                },
            };
            if matches!(typed, Typed::Nothing | Typed::More | Typed::ToTool { .. }) {
                continue;
            }
            if !each(typed) {
                break;
            }
        }
    }

    /// Runs a script as [`Console::type_script`] types it, collecting every command's result;
    /// with `strict`, stops at the first command that fails (a parse error fails too).
    pub fn run_script(&mut self, text: &str, strict: bool) -> ScriptResult {
        let mut result = ScriptResult::default();
        self.type_script(text, |typed| {
            let (line, text, output) = match typed {
                Typed::Ran { line, text, output, .. } => (line, text, output),
                Typed::Refused { line, why, .. } => (line, String::new(), Output::failure(&why).with_exit(2)),
                // Clear, the only other kind type_script hands on.
                _ => (0, "clear".to_string(), Output::new()),
            };
            let failed = output.exit_code != 0;
            result.commands.push(CommandResult { line, text, output });
            if failed && strict {
                result.stopped_at = Some(line);
            }
            !(failed && strict)
        });
        if result.stopped_at.is_some() {
            self.cancel_pending();
        }
        result
    }
}
