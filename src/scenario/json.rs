//! A scenario as a JSON file a learner can download, read, edit and import again.
//!
//! ```json
//! {
//!   "brokerlab_scenario": 1,
//!   "engine_version": 3,
//!   "seed": 42,
//!   "config": { "brokers": 3, "controllers": 1, … },
//!   "log": [
//!     { "at_us": 3021000, "run": "kafka-topics --bootstrap-server localhost:9092 --list" },
//!     { "at_us": 3021000, "advance_to_us": 8000000 }
//!   ]
//! }
//! ```
//!
//! Each entry has its time and exactly one action: `run`/`start` (the command text, with its
//! `line` in the script it came from when not 1), `input`, `eof`, `interrupt`,
//! `advance_to_us`, `rejected`. A command whose text alone does not give back what was run
//! carries the whole parsed `item` instead. Import checks what a share link checks: the
//! versions first, then no unknown field anywhere (nothing is silently ignored), the config,
//! each command.

use super::{item_from_text, Scenario, ScenarioError, FORMAT_VERSION};
use crate::console::session::{Action, LogEntry};
use crate::console::shell::ScriptItem;
use crate::sim::codec::Codec;
use crate::sim::time::SimTime;
use crate::sim::world::ClusterConfig;
use serde::{Deserialize, Serialize};

/// The name of the version field; its presence says "this is a Brokerlab scenario".
pub(crate) const MARKER: &str = "brokerlab_scenario";

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    brokerlab_scenario: u32,
    engine_version: u32,
    seed: u64,
    config: serde_json::Value,
    log: Vec<Entry>,
}

#[derive(Serialize, Deserialize, Codec, Default)]
#[serde(deny_unknown_fields)]
struct Entry {
    at_us: u64,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    run: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    item: Option<ScriptItem>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    input: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    eof: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    interrupt: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    advance_to_us: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    rejected: Option<String>,
}

/// The scenario as pretty-printed JSON.
pub fn export(s: &Scenario) -> String {
    let log = s
        .log
        .iter()
        .map(|e| {
            let mut out = Entry { at_us: e.at.0, ..Entry::default() };
            match &e.action {
                Action::Run(item) | Action::Start(item) => {
                    let exact = item_from_text(&item.text, item.line).as_ref() == Some(item);
                    let text = Some(item.text.clone());
                    if matches!(e.action, Action::Run(_)) {
                        out.run = text;
                    } else {
                        out.start = text;
                    }
                    out.line = (item.line != 1).then_some(item.line);
                    if !exact {
                        out.item = Some(item.clone());
                    }
                }
                Action::Input(t) => out.input = Some(t.clone()),
                Action::Eof => out.eof = Some(true),
                Action::Interrupt => out.interrupt = Some(true),
                Action::AdvanceTo(t) => out.advance_to_us = Some(t.0),
                Action::Rejected(t) => out.rejected = Some(t.clone()),
            }
            out
        })
        .collect();
    let file = File {
        brokerlab_scenario: FORMAT_VERSION,
        engine_version: s.engine_version,
        seed: s.seed,
        config: serde_json::to_value(&s.config).unwrap_or(serde_json::Value::Null),
        log,
    };
    serde_json::to_string_pretty(&file).unwrap_or_default()
}

/// Reads a scenario file, checking everything (see the module documentation).
pub fn import(text: &str) -> Result<Scenario, ScenarioError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| ScenarioError::NotAScenarioFile(format!("it is not JSON ({e})")))?;
    let version =
        value.get(MARKER).ok_or_else(|| ScenarioError::NotAScenarioFile(format!("it has no `{MARKER}` field")))?;
    let version = version.as_u64().filter(|v| *v >= 1).ok_or_else(|| {
        ScenarioError::NotAScenarioFile(format!("`{MARKER}` must be a version number, not {version}"))
    })?;
    if version > u64::from(FORMAT_VERSION) {
        return Err(ScenarioError::NewerFormat {
            found: version.min(u64::from(u32::MAX)) as u32,
            supported: FORMAT_VERSION,
        });
    }
    let file: File = serde_json::from_value(value).map_err(|e| ScenarioError::NotAScenarioFile(e.to_string()))?;
    // The config is read through a `Value` so a field this build does not know is an error,
    // not silently dropped: what was read must serialise back to exactly what was given.
    let config: ClusterConfig = serde_json::from_value(file.config.clone())
        .map_err(|e| ScenarioError::InvalidConfig(format!("the `config` object is not valid: {e}")))?;
    if serde_json::to_value(&config).ok().as_ref() != Some(&file.config) {
        return Err(ScenarioError::InvalidConfig("the `config` object has settings this page does not know".into()));
    }
    let mut log = Vec::with_capacity(file.log.len());
    for (i, e) in file.log.into_iter().enumerate() {
        let index = i as u32;
        let bad = |message: &str| ScenarioError::InvalidEntry { index, message: message.to_string() };
        let actions = [
            e.run.is_some(),
            e.start.is_some(),
            e.input.is_some(),
            e.eof.is_some(),
            e.interrupt.is_some(),
            e.advance_to_us.is_some(),
            e.rejected.is_some(),
        ];
        if actions.iter().filter(|a| **a).count() != 1 {
            return Err(bad(
                "an entry needs exactly one of run, start, input, eof, interrupt, advance_to_us, rejected",
            ));
        }
        if (e.line.is_some() || e.item.is_some()) && e.run.is_none() && e.start.is_none() {
            return Err(bad("`line` and `item` belong to run and start entries"));
        }
        if e.eof == Some(false) || e.interrupt == Some(false) {
            return Err(bad("`eof` and `interrupt` can only be true"));
        }
        let action = if let Some(text) = e.run.as_ref().or(e.start.as_ref()) {
            let line = e.line.unwrap_or(1);
            let item = match e.item {
                Some(item) => {
                    if item.text != *text || item.line != line {
                        return Err(bad("its `item` does not match its text"));
                    }
                    item
                }
                None => item_from_text(text, line).ok_or_else(|| bad("its command does not parse"))?,
            };
            if e.run.is_some() {
                Action::Run(item)
            } else {
                Action::Start(item)
            }
        } else if let Some(t) = e.input {
            Action::Input(t)
        } else if e.eof.is_some() {
            Action::Eof
        } else if e.interrupt.is_some() {
            Action::Interrupt
        } else if let Some(t) = e.advance_to_us {
            Action::AdvanceTo(SimTime(t))
        } else {
            Action::Rejected(e.rejected.unwrap_or_default())
        };
        log.push(LogEntry { at: SimTime(e.at_us), action });
    }
    let scenario = Scenario { engine_version: file.engine_version, seed: file.seed, config, log };
    scenario.validate()?;
    Ok(scenario)
}
