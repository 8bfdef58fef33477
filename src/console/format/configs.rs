//! `kafka-configs` output (`ConfigCommand`).

use crate::sim::codec::Codec;
use serde::{Deserialize, Serialize};

use super::{stack_trace, Output};
use crate::sim::java::java_string_cmp;
use crate::sim::sort::CompactSort;

/// The entity type without its last letter (`topics` → `topic`,
/// `client-metrics` → `client-metric`, `ConfigCommand`).
pub(crate) fn singular(entity_type: &str) -> &str {
    let mut end = entity_type.len();
    if let Some((i, _)) = entity_type.char_indices().last() {
        end = i;
    }
    &entity_type[..end]
}

/// `--alter` success (`ConfigCommand`): `Completed updating config for topic orders.`,
/// or for a default entity `Completed updating default config for brokers
/// in the cluster.`
pub(crate) fn alter_completed(entity_type: &str, entity_name: Option<&str>) -> Output {
    let mut o = Output::new();
    match entity_name {
        Some(n) => o.outln(&format!("Completed updating config for {} {n}.", singular(entity_type))),
        None => o.outln(&format!("Completed updating default config for {entity_type} in the cluster.")),
    }
    o
}

/// A synonym of a config entry (`ConfigCommand`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct ConfigSynonym {
    /// `DYNAMIC_TOPIC_CONFIG`, `STATIC_BROKER_CONFIG`, `DEFAULT_CONFIG`, ...
    pub(crate) source: String,
    pub(crate) name: String,
    pub(crate) value: Option<String>,
}

/// A config entry as `--describe` prints it (`ConfigCommand`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct ConfigEntryView {
    pub name: String,
    pub value: Option<String>,
    pub sensitive: bool,
    pub(crate) synonyms: Vec<ConfigSynonym>,
}

fn shown(v: &Option<String>, sensitive: bool) -> String {
    if sensitive {
        return "null".to_string();
    }
    v.clone().unwrap_or_else(|| "null".to_string())
}

/// `  <name>=<value> sensitive=<b> synonyms={<SOURCE>:<name>=<value>, ...}`
/// (`ConfigCommand`; sensitive values print as `null`).
pub fn entry_line(e: &ConfigEntryView) -> String {
    let syn: Vec<String> =
        e.synonyms.iter().map(|s| format!("{}:{}={}", s.source, s.name, shown(&s.value, e.sensitive))).collect();
    format!("  {}={} sensitive={} synonyms={{{}}}", e.name, shown(&e.value, e.sensitive), e.sensitive, syn.join(", "))
}

/// The header line of one entity (`ConfigCommand`).
pub(crate) fn describe_header(entity_type: &str, entity_name: Option<&str>, all: bool) -> String {
    match entity_name {
        Some(n) if all => format!("All configs for {} {n} are:", singular(entity_type)),
        Some(n) => format!("Dynamic configs for {} {n} are:", singular(entity_type)),
        None => format!("Default configs for {entity_type} in the cluster are:"),
    }
}

/// One described entity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct ConfigBlock {
    pub(crate) entity_type: String,
    /// `None` is the default entity (`--entity-default`).
    pub(crate) entity_name: Option<String>,
    pub all: bool,
    /// Entries to show (the caller filters by source unless `--all`).
    pub entries: Vec<ConfigEntryView>,
}

/// `--describe` (`ConfigCommand`): per entity the header and its entries sorted by name.
pub(crate) fn describe(blocks: &[ConfigBlock]) -> Output {
    let mut o = Output::new();
    for b in blocks {
        o.outln(&describe_header(&b.entity_type, b.entity_name.as_deref(), b.all));
        let mut entries: Vec<&ConfigEntryView> = b.entries.iter().collect();
        entries.compact_sort_by(|a, b| java_string_cmp(&a.name, &b.name));
        for e in entries {
            o.outln(&entry_line(e));
        }
    }
    o
}

/// Argument and validation errors (`ConfigCommand`): the message alone on stderr, exit 1.
pub(crate) fn arg_error(message: &str) -> Output {
    Output::failure(message)
}

/// Any other failure (`ConfigCommand`): `Error while executing config command with args
/// '<args>'` then the stack trace, stderr, exit 1. `args` are the arguments
/// after the program name.
pub(crate) fn command_failed(args: &[String], exception_class: &str, message: &str) -> Output {
    let mut o = Output::new();
    o.errln(&format!("Error while executing config command with args '{}'", args.join(" ")));
    o.err(&stack_trace(exception_class, message));
    o.exit_code = 1;
    o
}

/// `ConfigCommand.parseConfigsToBeAdded`'s IllegalArgumentException (two spaces before the second
/// format, as Kafka 4.4 prints it).
pub(crate) const INVALID_ENTITY_CONFIG: &str = "Invalid entity config: all configs to be added must be in the format \"key=val\" or  \"key=[val1,val2]\" to group values which contain commas.";

/// Whether the separator at byte `idx` is outside square brackets (the
/// lookahead `(?=[^\]]*(?:\[|$))` of `ConfigCommand`).
fn outside_brackets(s: &str, after: usize) -> bool {
    match s[after..].find(['[', ']']) {
        None => true,
        Some(i) => s.as_bytes()[after + i] == b'[',
    }
}

fn split_outside(s: &str, sep: char) -> Vec<String> {
    let mut parts = Vec::new();
    let mut start = 0usize;
    for (i, c) in s.char_indices() {
        if c == sep && outside_brackets(s, i + c.len_utf8()) {
            parts.push(s[start..i].to_string());
            start = i + c.len_utf8();
        }
    }
    parts.push(s[start..].to_string());
    parts
}

/// Parses `--add-config 'k1=v1,k2=[a,b]'` (`ConfigCommand`): commas inside `[...]`
/// group values, brackets are removed, keys and values trimmed. `Err` is
/// the `requirement failed: ...` message.
pub(crate) fn parse_add_config(input: &str) -> Result<Vec<(String, String)>, String> {
    let mut pairs = split_outside(input, ',');
    // Java's split drops trailing empty strings.
    while pairs.len() > 1 && pairs.last().is_some_and(|p| p.is_empty()) {
        pairs.pop();
    }
    let mut out = Vec::new();
    for p in pairs {
        let kv = split_outside(&p, '=');
        if kv.len() != 2 {
            return Err(INVALID_ENTITY_CONFIG.to_string());
        }
        let key = kv[0].trim().to_string();
        let value: String = kv[1].chars().filter(|c| *c != '[' && *c != ']').collect();
        out.push((key, value.trim().to_string()));
    }
    Ok(out)
}

/// Parses `--delete-config k1,k2` (values separated by `,`).
pub(crate) fn parse_delete_config(values: &[&str]) -> Vec<String> {
    values.iter().flat_map(|v| v.split(',')).filter(|k| !k.is_empty()).map(|k| k.trim().to_string()).collect()
}
