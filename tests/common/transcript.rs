//! The transcript format shared by `tests/scripts/*.txt` (`console_scripts.rs`) and
//! `tests/conformance/scenarios/*.txt` (`conformance_scenarios.rs`):
//!
//! * `$ command` starts a command; here-document lines and continuation lines follow
//!   until the command is complete.
//! * The lines after it, up to the next `$ `, are its output: stdout lines as they are,
//!   stderr lines prefixed with `! `. Tabs and trailing spaces count.
//! * `? N` is the exit code. `## ` lines are comments.
//! * `## config: seed=42 brokers=3 controllers=1 k=v` (header lines) sets up the cluster;
//!   other `k=v` pairs are broker configs.
#![allow(dead_code)]

use brokerlab::console::format::{Output, Stream};
use brokerlab::console::shell;
use brokerlab::sim::world::ClusterConfig;

pub struct Step {
    pub command: String,
    pub expected: Vec<String>,
    pub exit: Option<i32>,
    pub comments_after: Vec<String>,
}

pub struct Transcript {
    pub header: Vec<String>,
    pub steps: Vec<Step>,
}

pub fn parse(text: &str) -> Transcript {
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

/// The seed and cluster of the `## config:` header lines (seed 42 and Brokerlab's default
/// cluster unless they say otherwise).
pub fn config_of(header: &[String]) -> (u64, ClusterConfig) {
    let mut seed = 42;
    let mut cfg = ClusterConfig::default();
    for h in header {
        if h.trim() == "## security: sasl-plain" {
            // The harness's secured cluster (conformance/.../cluster/Cluster.java), as broker
            // configs; the brokers' listener then is SASL_PLAINTEXT.
            for (k, v) in brokerlab::sim::acl::SASL_PLAIN_BROKER_CONFIGS {
                cfg.broker_configs.insert(k.to_string(), v.to_string());
            }
        }
        // `## second-cluster: <alias>`: the harness's second cluster (broker 101 on
        // localhost:9192, controller 2001), the same `## config:` broker configs.
        if let Some(rest) = h.strip_prefix("## second-cluster:") {
            cfg.second_cluster =
                Some(brokerlab::sim::world::SecondClusterConfig { alias: rest.trim().to_string(), brokers: 1 });
        }
        // `## racks: a,b,c`: broker.rack of brokers 1, 2, 3... in turn (the harness's opt-in).
        if let Some(rest) = h.strip_prefix("## racks:") {
            cfg.racks = rest.split(',').map(|r| r.trim().to_string()).filter(|r| !r.is_empty()).collect();
        }
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

/// A command's output as transcript lines: stderr lines prefixed with `! `, Brokerlab's
/// notes with `# `.
pub fn render(out: &Output) -> Vec<String> {
    out.lines()
        .into_iter()
        .map(|(s, l)| match s {
            Stream::Stdout => l,
            Stream::Stderr => format!("! {l}"),
            Stream::Note => format!("# {l}"),
        })
        .collect()
}

/// What the real tool prints: [`render`] without Brokerlab's notes.
#[allow(dead_code)]
pub fn render_tool(out: &Output) -> Vec<String> {
    let mut o = out.clone();
    o.chunks.retain(|c| c.stream != Stream::Note);
    render(&o)
}

/// Expected against actual, line by line (` - ` expected, ` + ` actual, tabs as `\t`).
pub fn diff(expected: &[String], actual: &[String]) -> String {
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
