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
//! the diff against `kafka-cli.md` before committing).
#![cfg(not(target_arch = "wasm32"))]

use brokerlab::console::format::Stream;
use brokerlab::console::session::Console;
use brokerlab::console::shell;
use brokerlab::sim::world::ClusterConfig;
use std::path::Path;

struct Step {
    command: String,
    expected: Vec<String>,
    exit: Option<i32>,
    comments_after: Vec<String>,
}

struct Transcript {
    header: Vec<String>,
    steps: Vec<Step>,
}

fn parse(text: &str) -> Transcript {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut header = Vec::new();
    let mut steps: Vec<Step> = Vec::new();
    let mut i = 0;
    // The file ends with a newline: the last split piece is empty.
    let n = if lines.last() == Some(&"") { lines.len() - 1 } else { lines.len() };
    while i < n && !lines[i].starts_with("$ ") {
        header.push(lines[i].to_string());
        i += 1;
    }
    while i < n {
        let mut command = lines[i][2..].to_string();
        i += 1;
        while shell::needs_more_input(&command) && i < n {
            command.push('\n');
            command.push_str(lines[i]);
            i += 1;
        }
        let mut expected = Vec::new();
        let mut exit = None;
        let mut comments_after = Vec::new();
        while i < n && !lines[i].starts_with("$ ") {
            let l = lines[i];
            if let Some(code) = l.strip_prefix("? ") {
                exit = code.trim().parse().ok();
            } else if l.starts_with("## ") || l == "##" {
                comments_after.push(l.to_string());
            } else {
                expected.push(l.to_string());
            }
            i += 1;
        }
        steps.push(Step { command, expected, exit, comments_after });
    }
    Transcript { header, steps }
}

fn config_of(header: &[String]) -> (u64, ClusterConfig) {
    let mut seed = 42;
    let mut cfg = ClusterConfig::default();
    for h in header {
        if let Some(rest) = h.strip_prefix("## config:") {
            for kv in rest.split_whitespace() {
                match kv.split_once('=') {
                    Some(("seed", v)) => seed = v.parse().expect("seed"),
                    Some(("brokers", v)) => cfg.brokers = v.parse().expect("brokers"),
                    Some(("controllers", v)) => cfg.controllers = v.parse().expect("controllers"),
                    Some((k, v)) => {
                        cfg.broker_configs.insert(k.to_string(), v.to_string());
                    }
                    None => {}
                }
            }
        }
    }
    (seed, cfg)
}

fn render(out: &brokerlab::console::format::Output) -> Vec<String> {
    out.lines()
        .into_iter()
        .map(|(s, l)| match s {
            Stream::Stdout => l,
            Stream::Stderr => format!("! {l}"),
        })
        .collect()
}

fn diff(expected: &[String], actual: &[String]) -> String {
    let mut s = String::new();
    let n = expected.len().max(actual.len());
    for i in 0..n {
        let e = expected.get(i);
        let a = actual.get(i);
        if e == a {
            s.push_str(&format!("   {}\n", e.map(String::as_str).unwrap_or("")));
        } else {
            if let Some(e) = e {
                s.push_str(&format!(" - {}\n", e.replace('\t', "\\t")));
            }
            if let Some(a) = a {
                s.push_str(&format!(" + {}\n", a.replace('\t', "\\t")));
            }
        }
    }
    s
}

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
    assert!(files.len() >= 9, "expected the transcripts of the brief, found {}", files.len());
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
