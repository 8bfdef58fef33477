//! The lesson file format (documented in `www/lessons/README.md`) and its parser.
//!
//! A lesson is Markdown with a small header block and fenced blocks for the structured
//! parts. The parser never panics: every problem is a [`ParseError`] with a 1-based line.

use super::goal::{Goal, GoalSpec};
use crate::console::shell;
use crate::sim::codec::Codec;
use crate::sim::world::ClusterConfig;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A problem in a lesson file, at a 1-based line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct ParseError {
    pub line: u32,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ParseError {}

fn err<T>(line: u32, message: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError { line, message: message.into() })
}

/// One line of the scripted demo: an optional caption shown before the command.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct DemoLine {
    pub caption: Option<String>,
    /// One console command (a here-document included).
    pub command: String,
}

/// One step of a lesson.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct Step {
    pub title: String,
    /// Markdown shown to the learner.
    pub text: String,
    pub goals: Vec<GoalSpec>,
    pub hints: Vec<String>,
    /// Programs the learner may run in this step (`None`: any).
    pub allowed: Option<Vec<String>>,
    /// The reference solution: console commands, one per line (here-documents allowed).
    pub solution: String,
}

/// A parsed lesson.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct Lesson {
    pub id: String,
    pub title: String,
    /// Position in the curriculum (lessons are listed by it).
    pub order: u32,
    /// `basics`, `replication`, `producers`, `consumers`, `internals`, … (free text).
    pub level: String,
    /// One sentence for the catalogue.
    pub summary: String,
    pub seed: u64,
    pub cluster: ClusterConfig,
    /// Markdown shown before the first step.
    pub intro: String,
    /// Console commands run before the learner starts (not shown).
    pub setup: String,
    /// An optional scripted demo, played on the live cluster after the setup.
    pub demo: Vec<DemoLine>,
    pub steps: Vec<Step>,
    /// The closing "On a real cluster" note (Markdown).
    pub real_cluster: String,
}

/// Fenced blocks with a meaning; any other fence is prose.
const BLOCKS: &[&str] = &["setup", "demo", "goals", "hints", "allowed", "solution"];
const STEP_PREFIX: &str = "## Step:";
const CLOSING: &str = "## On a real cluster";

enum Section {
    Intro,
    Step(usize),
    Closing,
}

/// Parses a lesson file.
pub fn parse_lesson(text: &str) -> Result<Lesson, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.lines().collect();
    let mut lesson = Lesson {
        id: String::new(),
        title: String::new(),
        order: 0,
        level: String::new(),
        summary: String::new(),
        seed: 1,
        cluster: ClusterConfig::default(),
        intro: String::new(),
        setup: String::new(),
        demo: Vec::new(),
        steps: Vec::new(),
        real_cluster: String::new(),
    };
    let body_start = parse_header(&lines, &mut lesson)?;
    let mut section = Section::Intro;
    let mut seen = SeenBlocks::default();
    let mut closing_line = 0u32;
    let mut step_lines: Vec<u32> = Vec::new();
    let mut i = body_start;
    while i < lines.len() {
        let line = lines[i];
        let lno = (i + 1) as u32;
        let trimmed = line.trim_end();
        if let Some(info) = trimmed.strip_prefix("```") {
            let info = info.trim();
            // Find the closing fence.
            let mut j = i + 1;
            while j < lines.len() && lines[j].trim() != "```" {
                j += 1;
            }
            if j >= lines.len() {
                return err(lno, format!("the fenced block opened here (```{info}) is never closed with ```"));
            }
            let body: Vec<&str> = lines[i + 1..j].to_vec();
            if BLOCKS.contains(&info) {
                handle_block(info, &body, lno, &section, &mut lesson, &mut seen)?;
            } else {
                // Prose code block: keep it verbatim.
                let target = prose_target(&mut lesson, &section);
                for l in &lines[i..=j] {
                    target.push_str(l);
                    target.push('\n');
                }
            }
            i = j + 1;
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix(STEP_PREFIX) {
            if matches!(section, Section::Closing) {
                return err(lno, "a step after \"## On a real cluster\": that section must come last");
            }
            let title = rest.trim();
            if title.is_empty() {
                return err(lno, "a step needs a title: ## Step: Create the topic");
            }
            lesson.steps.push(Step {
                title: title.to_string(),
                text: String::new(),
                goals: Vec::new(),
                hints: Vec::new(),
                allowed: None,
                solution: String::new(),
            });
            seen.steps.push([false; 4]);
            step_lines.push(lno);
            section = Section::Step(lesson.steps.len() - 1);
        } else if trimmed.starts_with(CLOSING) {
            if matches!(section, Section::Closing) {
                return err(lno, "a second \"## On a real cluster\" section");
            }
            section = Section::Closing;
            closing_line = lno;
        } else if trimmed.starts_with("## Step") {
            return err(lno, "a step heading is written \"## Step: <title>\"");
        } else {
            let target = prose_target(&mut lesson, &section);
            target.push_str(line);
            target.push('\n');
        }
        i += 1;
    }
    if lesson.steps.is_empty() {
        return err(lines.len().max(1) as u32, "the lesson has no step (## Step: <title>)");
    }
    for (k, step) in lesson.steps.iter().enumerate() {
        let at = step_lines[k];
        if step.goals.is_empty() {
            return err(at, format!("step \"{}\" has no ```goals block", step.title));
        }
        if step.solution.trim().is_empty() {
            return err(at, format!("step \"{}\" has no ```solution block", step.title));
        }
    }
    if closing_line == 0 {
        return err(lines.len().max(1) as u32, "the lesson has no closing \"## On a real cluster\" section");
    }
    lesson.intro = lesson.intro.trim().to_string();
    lesson.real_cluster = lesson.real_cluster.trim().to_string();
    for s in &mut lesson.steps {
        s.text = s.text.trim().to_string();
    }
    if lesson.real_cluster.is_empty() {
        return err(closing_line, "the \"On a real cluster\" section is empty");
    }
    Ok(lesson)
}

fn prose_target<'a>(lesson: &'a mut Lesson, section: &Section) -> &'a mut String {
    match section {
        Section::Intro => &mut lesson.intro,
        Section::Step(k) => &mut lesson.steps[*k].text,
        Section::Closing => &mut lesson.real_cluster,
    }
}

/// Reads the `---` header; returns the index of the first body line.
fn parse_header(lines: &[&str], lesson: &mut Lesson) -> Result<usize, ParseError> {
    let first = lines.iter().position(|l| !l.trim().is_empty());
    let Some(first) = first else { return err(1, "the lesson file is empty") };
    if lines[first].trim() != "---" {
        return err((first + 1) as u32, "a lesson starts with a header block between two --- lines");
    }
    let mut i = first + 1;
    let mut broker_configs = Vec::new();
    let mut have_order = false;
    loop {
        let Some(line) = lines.get(i) else {
            return err((first + 1) as u32, "the header block opened here is never closed with ---");
        };
        let lno = (i + 1) as u32;
        let t = line.trim();
        i += 1;
        if t == "---" {
            break;
        }
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let Some((key, value)) = t.split_once(':') else {
            return err(lno, format!("'{t}' is not 'key: value'"));
        };
        let (key, value) = (key.trim(), value.trim());
        let number = |what: &str| -> Result<u64, ParseError> {
            value
                .parse::<u64>()
                .map_err(|_| ParseError { line: lno, message: format!("{what} '{value}' is not a number") })
        };
        match key {
            "id" => {
                if value.is_empty() || !value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                    return err(lno, format!("id '{value}' must be letters, digits, '-' or '_'"));
                }
                lesson.id = value.to_string();
            }
            "title" => lesson.title = value.to_string(),
            "order" => {
                lesson.order = number("order")?.min(u32::MAX as u64) as u32;
                have_order = true;
            }
            "level" => lesson.level = value.to_string(),
            "summary" => lesson.summary = value.to_string(),
            "seed" => lesson.seed = number("seed")?,
            "brokers" => {
                let n = number("brokers")?;
                if !(1..=64).contains(&n) {
                    return err(lno, format!("brokers {n}: between 1 and 64"));
                }
                lesson.cluster.brokers = n as u32;
            }
            "controllers" => {
                let n = number("controllers")?;
                if n % 2 == 0 || n > 7 {
                    return err(lno, format!("controllers {n}: 1, 3, 5 or 7"));
                }
                lesson.cluster.controllers = n as u32;
            }
            "racks" => {
                lesson.cluster.racks =
                    value.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
            }
            "broker-config" => {
                let Some((k, v)) = value.split_once('=') else {
                    return err(lno, format!("broker-config '{value}' is not key=value"));
                };
                broker_configs.push((lno, k.trim().to_string(), v.trim().to_string()));
            }
            // The opt-in secured cluster (`reset --security sasl-plain`).
            "security" => {
                if value != "sasl-plain" {
                    return err(lno, format!("security '{value}': the only one is sasl-plain"));
                }
                for (k, v) in crate::sim::acl::SASL_PLAIN_BROKER_CONFIGS {
                    lesson.cluster.broker_configs.insert(k.to_string(), v.to_string());
                }
            }
            // A second cluster beside the first (`reset --second-cluster <alias>`).
            "second-cluster" => {
                let second = crate::sim::world::SecondClusterConfig { alias: value.to_string(), brokers: 1 };
                if let Err(e) = second.validate() {
                    return err(lno, format!("second-cluster '{value}': {e}"));
                }
                lesson.cluster.second_cluster = Some(second);
            }
            other => {
                return err(
                    lno,
                    format!(
                        "unknown header key '{other}' (id, title, order, level, summary, seed, brokers, controllers, racks, broker-config, security, second-cluster)"
                    ),
                )
            }
        }
    }
    for (lno, k, v) in broker_configs {
        // A broker would start with a name it does not know (and log it as unused); a lesson's
        // header names only real ones, so a typo shows here.
        if crate::sim::config::broker_config_def(&k).is_none() {
            return err(lno, format!("broker-config {k}={v}: Kafka has no broker config named {k}"));
        }
        let mut m = lesson.cluster.broker_configs.clone();
        m.insert(k.clone(), v.clone());
        if let Err(e) = crate::sim::config::validate_broker_configs(&m) {
            return err(lno, format!("broker-config {k}={v}: {e}"));
        }
        lesson.cluster.broker_configs = m;
    }
    if lesson.id.is_empty() {
        return err((first + 1) as u32, "the header has no id");
    }
    if lesson.title.is_empty() {
        return err((first + 1) as u32, "the header has no title");
    }
    if !have_order {
        return err((first + 1) as u32, "the header has no order");
    }
    Ok(i)
}

/// The blocks of a lesson seen so far, each of which may appear once.
#[derive(Default)]
struct SeenBlocks {
    setup: bool,
    demo: bool,
    /// Per step: goals, hints, allowed, solution.
    steps: Vec<[bool; 4]>,
}

fn handle_block(
    info: &str,
    body: &[&str],
    lno: u32,
    section: &Section,
    lesson: &mut Lesson,
    seen: &mut SeenBlocks,
) -> Result<(), ParseError> {
    let text = body.join("\n");
    match (info, section) {
        ("setup", Section::Intro) => {
            if std::mem::replace(&mut seen.setup, true) {
                return err(lno, "a second ```setup block");
            }
            check_script(&text, lno)?;
            lesson.setup = text;
        }
        ("demo", Section::Intro) => {
            if std::mem::replace(&mut seen.demo, true) {
                return err(lno, "a second ```demo block");
            }
            lesson.demo = parse_demo(&text, lno)?;
        }
        ("setup" | "demo", _) => return err(lno, format!("```{info} belongs before the first step")),
        (_, Section::Step(k)) => {
            let slot = match info {
                "goals" => 0,
                "hints" => 1,
                "allowed" => 2,
                _ => 3,
            };
            if std::mem::replace(&mut seen.steps[*k][slot], true) {
                return err(lno, format!("a second ```{info} block in this step"));
            }
            let step = &mut lesson.steps[*k];
            match info {
                "goals" => {
                    for (n, l) in body.iter().enumerate() {
                        let l = l.trim();
                        if l.is_empty() || l.starts_with('#') {
                            continue;
                        }
                        let at = lno + 1 + n as u32;
                        let spec = GoalSpec::parse(l).map_err(|m| ParseError { line: at, message: m })?;
                        step.goals.push(spec);
                    }
                    if step.goals.is_empty() {
                        return err(lno, "the ```goals block is empty");
                    }
                }
                "hints" => {
                    step.hints = body.iter().map(|l| l.trim()).filter(|l| !l.is_empty()).map(str::to_string).collect();
                }
                "allowed" => {
                    let list: Vec<String> = body
                        .iter()
                        .flat_map(|l| l.split([',', ' ']))
                        .map(|s| shell::normalize_program(s.trim()))
                        .filter(|s| !s.is_empty())
                        .collect();
                    if list.is_empty() {
                        return err(lno, "the ```allowed block is empty (leave it out to allow every command)");
                    }
                    step.allowed = Some(list);
                }
                _ => {
                    check_script(&text, lno)?;
                    step.solution = text;
                }
            }
        }
        _ => return err(lno, format!("```{info} belongs inside a step (## Step: <title>)")),
    }
    Ok(())
}

/// Every command of a script must parse; reports the file line of the first that does not.
fn check_script(text: &str, fence_line: u32) -> Result<(), ParseError> {
    for item in shell::parse_script(text) {
        if let Err(e) = item {
            return err(fence_line + e.line, format!("this command does not parse: {}", e.message));
        }
    }
    Ok(())
}

/// The demo: `# caption` lines, each followed by the command it introduces.
fn parse_demo(text: &str, fence_line: u32) -> Result<Vec<DemoLine>, ParseError> {
    let mut out = Vec::new();
    let mut caption: Option<String> = None;
    let mut commands = String::new();
    // Captions are removed (replaced by blank lines, so line numbers stay right).
    let mut captions_at: Vec<(u32, String)> = Vec::new();
    for (n, l) in text.lines().enumerate() {
        if let Some(c) = l.trim_start().strip_prefix('#') {
            captions_at.push((n as u32 + 1, c.trim().to_string()));
            commands.push('\n');
        } else {
            commands.push_str(l);
            commands.push('\n');
        }
    }
    let mut ci = 0;
    for item in shell::parse_script(&commands) {
        let item = match item {
            Ok(i) => i,
            Err(e) => return err(fence_line + e.line, format!("this demo command does not parse: {}", e.message)),
        };
        while ci < captions_at.len() && captions_at[ci].0 < item.line {
            caption = Some(captions_at[ci].1.clone());
            ci += 1;
        }
        out.push(DemoLine { caption: caption.take(), command: item.text.clone() });
    }
    Ok(out)
}

impl Goal {
    /// Whether the goal is about something that happened (latched once seen).
    pub(crate) fn is_event(&self) -> bool {
        matches!(self, Goal::Event { .. } | Goal::Ran { .. })
    }
}
