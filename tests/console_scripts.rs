//! Data-driven transcript tests (`tests/scripts/*.txt`), in the style of raft-rs
//! `testdata/`: each file is a console session.
//!
//! * `$ command` starts a command; here-document lines and continuation lines follow
//!   until the command is complete.
//! * The lines after it, up to the next `$ `, are its exact expected output: stdout lines
//!   as they are, stderr lines prefixed with `! `. Tabs and trailing spaces count.
//! * `? N` asserts the exit code. `## ` lines are comments.
//! * `## config: seed=42 brokers=3 controllers=1` (first lines) sets up the cluster.
//!
//! Run with `BLESS=1` to rewrite the expected blocks from the actual output (then read
//! the diff before committing).
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/transcript.rs"]
mod transcript;

use brokerlab::console::session::Console;
use std::path::Path;
use transcript::{config_of, diff, parse, render};

fn run_file(path: &Path, bless: bool) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let t = parse(&text);
    let (seed, cfg) = config_of(&t.header);
    let mut console = Console::new(seed, cfg).map_err(|e| e.to_string())?;
    let mut failures = Vec::new();
    let mut blessed = t.header.join("\n");
    if !blessed.is_empty() {
        blessed.push('\n');
    }
    for step in &t.steps {
        let result = console.run_script(&step.command, false);
        let mut actual = Vec::new();
        let mut code = 0;
        for c in &result.commands {
            actual.extend(render(&c.output));
            if c.output.exit_code != 0 && code == 0 {
                code = c.output.exit_code;
            }
        }
        blessed.push_str(&format!("$ {}\n", step.command));
        for l in &actual {
            blessed.push_str(l);
            blessed.push('\n');
        }
        if step.exit.is_some() || code != 0 {
            blessed.push_str(&format!("? {code}\n"));
        }
        for c in &step.comments_after {
            blessed.push_str(c);
            blessed.push('\n');
        }
        if actual != step.expected {
            failures.push(format!(
                "{}: output of `{}` differs (- expected, + actual, tabs as \\t):\n{}",
                path.display(),
                step.command.lines().next().unwrap_or(""),
                diff(&step.expected, &actual)
            ));
        }
        if let Some(e) = step.exit {
            if e != code {
                failures.push(format!(
                    "{}: `{}` exited {code}, expected {e}",
                    path.display(),
                    step.command.lines().next().unwrap_or("")
                ));
            }
        }
    }
    if bless {
        std::fs::write(path, blessed).map_err(|e| e.to_string())?;
        return Ok(());
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n"))
    }
}

#[test]
fn transcripts_match_exactly() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scripts");
    let bless = std::env::var("BLESS").is_ok();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/scripts exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().map(|e| e == "txt").unwrap_or(false))
        .collect();
    files.sort();
    assert!(files.len() >= 9, "expected at least 9 transcripts, found {}", files.len());
    let mut errors = Vec::new();
    for f in &files {
        let started = std::time::Instant::now();
        if let Err(e) = run_file(f, bless) {
            errors.push(e);
        }
        eprintln!("{}: {:?}", f.display(), started.elapsed());
    }
    assert!(errors.is_empty(), "{}", errors.join("\n\n"));
}
