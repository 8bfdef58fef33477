//! Every command the page shows a learner runs: the commands in lesson texts, hints and
//! closing notes, in the examples of `help <command>` / `<command> --help`, in the console's
//! welcome line and placeholder, and in the README are typed into a cluster where they make
//! sense and must succeed (exit code 0). A command that fails on purpose is one of its step's
//! reference solutions (those are run by `tests/lessons.rs`, goals and all).
//!
//! Commands are found the way a reader finds them: `code spans`, indented code lines, fenced
//! `sh` blocks, and in hints the parts of a sentence that start with a known program
//! (`broker kill 1, then sleep 12s` is two commands). Spans with a `<placeholder>` or `...`
//! are shapes, not commands, and are skipped.
#![cfg(not(target_arch = "wasm32"))]

use brokerlab::console::opts::Tool;
use brokerlab::console::session::Console;
use brokerlab::console::shell;
use brokerlab::console::simcmd::{BUILTINS, SIM_COMMANDS};
use brokerlab::lessons::catalogue::load_all;
use brokerlab::lessons::run::run_solution;
use brokerlab::lessons::{Lesson, LessonRun};
use brokerlab::sim::world::ClusterConfig;

/// Whether `word` is a program the console runs.
fn known_program(word: &str) -> bool {
    let p = shell::normalize_program(word);
    Tool::from_program(&p).is_some()
        || SIM_COMMANDS.iter().any(|(n, _, _)| *n == p)
        || BUILTINS.iter().any(|(n, _)| *n == p)
}

/// Whether a candidate is a whole command (not a shape with placeholders, not a bare name).
fn is_command(text: &str) -> bool {
    let t = text.trim();
    let first = t.split_whitespace().next().unwrap_or("");
    known_program(first)
        && t.split_whitespace().count() >= 2
        && !t.contains("...")
        && !t.contains('…')
        && !alternatives(t)
        && !placeholder(t)
}

/// `[optional]` parts or `a|b` alternatives: a usage shape, not a command to type.
fn alternatives(t: &str) -> bool {
    let b = t.as_bytes();
    t.contains('[') || (1..b.len().saturating_sub(1)).any(|i| b[i] == b'|' && b[i - 1] != b' ' && b[i + 1] != b' ')
}

fn placeholder(t: &str) -> bool {
    let b = t.as_bytes();
    (0..b.len()).any(|i| {
        b[i] == b'<' && b.get(i + 1).is_some_and(|c| c.is_ascii_alphabetic()) && t[i..].contains('>') && {
            let inner = &t[i + 1..i + t[i..].find('>').unwrap_or(0)];
            inner.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == ' ')
        }
    })
}

/// `code spans` of a Markdown text.
fn code_spans(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let parts: Vec<&str> = text.split('`').collect();
    for (i, p) in parts.iter().enumerate() {
        if i % 2 == 1 && i + 1 < parts.len() {
            // A span broken over two lines of the file is one line on the page.
            out.push(p.replace('\n', " "));
        }
    }
    out
}

/// Commands of a Markdown text: code spans, 4-space indented lines, fenced blocks.
fn commands_in_markdown(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fence = false;
    let mut prose = String::new();
    let joined = text.replace("\\\n", " ");
    // A code block is one script (a here-document spans its lines).
    let mut block: Vec<&str> = Vec::new();
    let flush = |block: &mut Vec<&str>, out: &mut Vec<String>| {
        let script = block.join("\n");
        if block.first().is_some_and(|l| is_command(l) || l.contains("<<")) {
            out.push(script);
        }
        block.clear();
    };
    for line in joined.lines() {
        if line.trim_start().starts_with("```") {
            fence = !fence;
            if !fence {
                flush(&mut block, &mut out);
            }
            continue;
        }
        if fence || line.starts_with("    ") {
            block.push(line.trim().trim_start_matches("$ "));
            continue;
        }
        flush(&mut block, &mut out);
        // In a table only the first cell names a command; the others describe it.
        // (`\|` is a `|` inside a cell.)
        let cell;
        let line = if line.trim_start().starts_with('|') {
            cell = line.replace("\\|", "\u{1}").split('|').nth(1).unwrap_or("").replace('\u{1}', "|");
            cell.as_str()
        } else {
            line
        };
        prose.push_str(line);
        prose.push('\n');
    }
    flush(&mut block, &mut out);
    // A here-document needs its lines: in a code span it is a shape (`cat > plan.json <<EOF`).
    out.extend(code_spans(&prose).into_iter().filter(|s| is_command(s) && !s.contains("<<")));
    out
}

/// Where a command in a sentence ends: the words that start the sentence's explanation.
const PROSE_AFTER: &[&str] =
    &[" shows ", " lists ", " prints ", " feeds ", " sets ", " holds ", " is ", " if ", " (", ": "];

/// Commands in a hint: the hint itself when it is one, else its clauses that start with a
/// known program (after `then`/`try`), cut where the explanation starts.
fn commands_in_hint(hint: &str) -> Vec<String> {
    let mut out: Vec<String> = code_spans(hint).into_iter().filter(|s| is_command(s)).collect();
    let h = hint.trim();
    let h = if h.ends_with("...") { h } else { h.trim_end_matches('.') };
    let one_clause = ![", ", "; ", " then "].iter().any(|sep| h.contains(sep));
    if one_clause && is_command(h) && !PROSE_AFTER.iter().any(|p| h.contains(p)) {
        out.push(h.to_string());
        return out;
    }
    for clause in h.split(", ").flat_map(|c| c.split("; ")).flat_map(|c| c.split(": ")) {
        let mut c = clause.trim();
        for lead in ["then ", "try ", "and "] {
            c = c.strip_prefix(lead).unwrap_or(c);
        }
        let mut end = c.len();
        for p in PROSE_AFTER {
            if let Some(i) = c.find(p) {
                end = end.min(i);
            }
        }
        for sep in [" and ", " then "] {
            if let Some(i) = c.find(sep) {
                end = end.min(i);
            }
        }
        let cmd = c[..end].trim();
        if is_command(cmd) {
            out.push(cmd.to_string());
        }
    }
    out
}

/// Runs `cmd` on a copy of `c`: its exit code and what it printed.
fn try_on(c: &Console, cmd: &str) -> (i32, String) {
    let mut copy = c.snapshot().expect("a console that can be copied");
    let r = copy.run_script(cmd, true);
    let code = r.commands.iter().map(|r| r.output.exit_code).find(|&e| e != 0).unwrap_or(0);
    let text = r.commands.iter().map(|r| format!("{}{}", r.output.stdout(), r.output.stderr())).collect::<String>();
    (code, text)
}

/// A lesson's commands, each with the consoles it may run on: the step's start and end.
fn check_lesson(lesson: &Lesson, failures: &mut Vec<String>) -> usize {
    let (mut run, mut c) = LessonRun::start(lesson).unwrap_or_else(|e| panic!("{}: {e}", lesson.id));
    run.skip_demo(&mut c);
    let start_of_lesson = c.snapshot().expect("a copy");
    // Every moment of the lesson a command may make sense at: its start, each step's end.
    let mut moments = vec![c.snapshot().expect("a copy")];
    let mut checked: Vec<(String, String, Console, Option<Console>)> = Vec::new();
    for cmd in commands_in_markdown(&lesson.intro) {
        checked.push(("intro".into(), cmd, start_of_lesson.snapshot().unwrap(), None));
    }
    for (k, step) in lesson.steps.iter().enumerate() {
        let start = c.snapshot().expect("a copy");
        run_solution(step, &mut c);
        moments.push(c.snapshot().expect("a copy"));
        let solution: Vec<String> = step.solution.lines().map(|l| l.trim().to_string()).collect();
        let mut cmds: Vec<(String, String)> =
            commands_in_markdown(&step.text).into_iter().map(|s| (format!("step {} text", k + 1), s)).collect();
        for h in &step.hints {
            cmds.extend(commands_in_hint(h).into_iter().map(|s| (format!("step {} hint", k + 1), s)));
        }
        for (wher, cmd) in cmds {
            if solution.contains(&cmd.trim().to_string()) {
                continue; // run by tests/lessons.rs, where failing on purpose is allowed
            }
            checked.push((wher, cmd, start.snapshot().unwrap(), Some(c.snapshot().unwrap())));
        }
    }
    for cmd in commands_in_markdown(&lesson.real_cluster) {
        checked.push(("On a real cluster".into(), cmd, c.snapshot().unwrap(), None));
    }
    let count = checked.len();
    for (wher, cmd, before, after) in checked {
        let (code, text) = try_on(&before, &cmd);
        if code == 0 {
            continue;
        }
        if let Some(after) = after {
            if try_on(&after, &cmd).0 == 0 {
                continue;
            }
        }
        // A closing note's command may need the cluster as it was at some step (a topic not
        // made yet, a broker still down).
        if moments.iter().any(|m| try_on(m, &cmd).0 == 0) {
            continue;
        }
        failures.push(format!(
            "{} ({wher}): `{cmd}` exits {code}: {}",
            lesson.id,
            text.lines().find(|l| !l.trim().is_empty()).unwrap_or("")
        ));
    }
    count
}

#[test]
fn every_command_in_a_lesson_runs() {
    let (lessons, bad) = load_all();
    assert!(bad.is_empty(), "{bad:?}");
    let mut failures = Vec::new();
    let mut commands = 0;
    for l in &lessons {
        commands += check_lesson(l, &mut failures);
    }
    eprintln!("{commands} commands shown in {} lessons (besides their solutions)", lessons.len());
    assert!(commands >= 30, "found only {commands} commands in the lessons");
    assert!(failures.is_empty(), "commands shown in lessons that fail as typed:\n{}", failures.join("\n"));
}

/// A cluster where the examples of `help` and the README make sense: topic `orders` with
/// records, a producer application `shop`, a consumer `app1` in group `g`.
fn example_cluster() -> Console {
    let mut c = Console::new(42, ClusterConfig::default()).expect("a cluster");
    let setup = "kafka-topics --bootstrap-server localhost:9092 --create --topic orders --partitions 3 --replication-factor 3\n\
                 seq 10 | kafka-console-producer --bootstrap-server localhost:9092 --topic orders\n\
                 producer start shop --topic orders --rate 5/s\n\
                 consumer start app1 --group g --topic orders\n\
                 sleep 5s\n";
    let r = c.run_script(setup, true);
    assert!(r.stopped_at.is_none(), "the example cluster's setup failed");
    c
}

/// The example lines of `help <command>`: indented lines that start with the command.
fn help_examples(c: &mut Console) -> Vec<String> {
    let mut out = Vec::new();
    for (name, _, _) in SIM_COMMANDS {
        let r = c.run_script(&format!("help {name}"), false);
        let text: String = r.commands.iter().map(|r| r.output.stdout()).collect();
        for line in text.lines() {
            let Some(rest) = line.strip_prefix("  ") else { continue };
            if !rest.starts_with(name) {
                continue;
            }
            // The example ends where two spaces start its explanation.
            let cmd = rest.split("  ").next().unwrap_or("").trim();
            // `[--one-way]`: an optional part; the example runs without it.
            let mut bare = String::new();
            let mut depth = 0;
            for ch in cmd.chars() {
                match ch {
                    '[' => depth += 1,
                    ']' => depth -= 1,
                    _ if depth == 0 => bare.push(ch),
                    _ => {}
                }
            }
            let bare = bare.split_whitespace().collect::<Vec<_>>().join(" ");
            if is_command(&bare) || SIM_COMMANDS.iter().any(|(n, _, _)| *n == bare) {
                out.push(bare);
            }
        }
    }
    out
}

#[test]
fn every_example_in_help_runs() {
    let mut c = example_cluster();
    let examples = help_examples(&mut c);
    assert!(examples.len() >= 20, "found only {} examples: {examples:?}", examples.len());
    let mut failures = Vec::new();
    // The examples of one command also run in order, as a reader tries them: `broker start 2`
    // makes sense after `broker kill 2`.
    let mut in_order = c.snapshot().expect("a copy");
    let mut last_program = String::new();
    for cmd in &examples {
        let program = cmd.split_whitespace().next().unwrap_or("").to_string();
        if program != last_program {
            in_order = c.snapshot().expect("a copy");
            last_program = program;
        }
        let (alone, text) = try_on(&c, cmd);
        let after_the_others = in_order.run_script(cmd, false).exit_code();
        // `producer crash p1` needs p1 running: after the command's `start` examples.
        let mut started = c.snapshot().expect("a copy");
        for e in examples.iter().filter(|e| e.starts_with(&last_program) && e.contains(" start ")) {
            started.run_script(e, false);
        }
        let after_start = started.run_script(cmd, false).exit_code();
        if alone != 0 && after_the_others != 0 && after_start != 0 {
            failures.push(format!("`{cmd}` exits {alone}: {}", text.lines().next().unwrap_or("")));
        }
    }
    assert!(failures.is_empty(), "examples in help that fail as typed:\n{}", failures.join("\n"));
}

#[test]
fn every_command_the_console_and_readme_show_runs() {
    let c = example_cluster();
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md");
    let mut cmds = commands_in_markdown(&readme);
    cmds.extend(code_spans(brokerlab::lab::WELCOME).into_iter().filter(|s| is_command(s)));
    assert!(cmds.len() >= 5, "found only {} commands in the README and the welcome line", cmds.len());
    let mut failures = Vec::new();
    for cmd in &cmds {
        let (code, text) = try_on(&c, cmd);
        if code != 0 {
            failures
                .push(format!("`{cmd}` exits {code}: {}", text.lines().find(|l| !l.trim().is_empty()).unwrap_or("")));
        }
    }
    assert!(failures.is_empty(), "commands in the README or the console that fail as typed:\n{}", failures.join("\n"));
}

#[test]
fn the_finders_find_commands_and_skip_prose() {
    assert_eq!(
        commands_in_hint("broker kill 1, then sleep 12s"),
        vec!["broker kill 1".to_string(), "sleep 12s".to_string()]
    );
    assert_eq!(commands_in_hint("trace --last 5 shows the checker's finding."), vec!["trace --last 5".to_string()]);
    assert_eq!(
        commands_in_hint("kafka-topics --bootstrap-server localhost:9092 --describe --topic orders"),
        vec!["kafka-topics --bootstrap-server localhost:9092 --describe --topic orders".to_string()]
    );
    assert!(commands_in_hint("The trace says \"consumer poll timeout has expired\".").is_empty());
    assert!(commands_in_hint("seq 3 | kafka-console-producer ...").is_empty(), "an ellipsis is a shape");
    assert!(!is_command("broker kill <id>"));
    assert!(is_command("cat > plan.json"));
    assert_eq!(
        commands_in_markdown("Use `net heal` and\n\n    broker list\n\nthen `kafka-topics`."),
        vec!["broker list".to_string(), "net heal".to_string()]
    );
}
