//! jopt-simple-like option parsing for the Kafka command-line tools
//! (jopt-simple's `OptionParser`), the shared `CommandLineUtils` messages, the
//! jopt-simple `BuiltinHelpFormatter` usage table (`CommandLineUtils`) and, per tool, how a
//! rejection is reported (stdout vs stderr, exit code).
//!
//! * [`parse`] is the raw jopt-simple parser: `--opt value`, `--opt=value`,
//!   single-dash long names, `--` terminator, no abbreviation.
//! * [`tables`] holds the option table of every tool (real option names and
//!   descriptions from Kafka's source, see each table's doc comment).
//! * [`check`] runs each tool's own argument checks in the tool's order.
//! * [`argparse`] is the small argparse4j-style parser used by
//!   `kafka-metadata-quorum` (`MetadataQuorumCommand`) and `kafka-producer-perf-test`.
//! * [`parse_command`] is the entry point for the executor: parse, `--help`,
//!   `--version`, the tool checks, and the exact rejection [`Output`].

use crate::sim::codec::Codec;
use serde::{Deserialize, Serialize};

use super::format::{stack_trace, Output};
use crate::sim::java::{
    java_hash_order, java_parse_int, java_parse_long, java_string_cmp, java_string_hash, java_trim,
};
use crate::sim::sort::CompactSort;

pub(crate) mod argparse;
pub(crate) mod check;
pub mod linebreak;
pub(crate) mod tables;

/// The Kafka version the simulator claims (`--version`, `CommandLineUtils`).
pub(crate) const KAFKA_VERSION: &str = "4.4.0";

/// The tools the console knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Codec)]
pub enum Tool {
    Topics,
    ConsoleProducer,
    ConsoleConsumer,
    ConsumerGroups,
    Configs,
    GetOffsets,
    LeaderElection,
    ReassignPartitions,
    ProducerPerfTest,
    ConsumerPerfTest,
    BrokerApiVersions,
    MetadataQuorum,
    Groups,
    ConsoleShareConsumer,
    ShareGroups,
    DumpLog,
    LogDirs,
    Acls,
}

impl Tool {
    /// Every tool, in a fixed order.
    pub(crate) const ALL: [Tool; 18] = [
        Tool::Topics,
        Tool::ConsoleProducer,
        Tool::ConsoleConsumer,
        Tool::ConsumerGroups,
        Tool::Configs,
        Tool::GetOffsets,
        Tool::LeaderElection,
        Tool::ReassignPartitions,
        Tool::ProducerPerfTest,
        Tool::ConsumerPerfTest,
        Tool::BrokerApiVersions,
        Tool::MetadataQuorum,
        Tool::Groups,
        Tool::ConsoleShareConsumer,
        Tool::ShareGroups,
        Tool::DumpLog,
        Tool::LogDirs,
        Tool::Acls,
    ];

    /// The normalised program name (`kafka-topics`).
    pub(crate) const fn program(self) -> &'static str {
        match self {
            Tool::Topics => "kafka-topics",
            Tool::ConsoleProducer => "kafka-console-producer",
            Tool::ConsoleConsumer => "kafka-console-consumer",
            Tool::ConsumerGroups => "kafka-consumer-groups",
            Tool::Configs => "kafka-configs",
            Tool::GetOffsets => "kafka-get-offsets",
            Tool::LeaderElection => "kafka-leader-election",
            Tool::ReassignPartitions => "kafka-reassign-partitions",
            Tool::ProducerPerfTest => "kafka-producer-perf-test",
            Tool::ConsumerPerfTest => "kafka-consumer-perf-test",
            Tool::BrokerApiVersions => "kafka-broker-api-versions",
            Tool::MetadataQuorum => "kafka-metadata-quorum",
            Tool::Groups => "kafka-groups",
            Tool::ConsoleShareConsumer => "kafka-console-share-consumer",
            Tool::ShareGroups => "kafka-share-groups",
            Tool::DumpLog => "kafka-dump-log",
            Tool::LogDirs => "kafka-log-dirs",
            Tool::Acls => "kafka-acls",
        }
    }

    /// Looks a normalised program name up (see `shell::normalize_program`).
    pub fn from_program(name: &str) -> Option<Tool> {
        Tool::ALL.iter().copied().find(|t| t.program() == name)
    }

    /// The jopt-simple option table, or `None` for the argparse4j tools.
    pub(crate) fn spec(self) -> Option<&'static ToolSpec> {
        match self {
            Tool::Topics => Some(&*tables::TOPICS),
            Tool::ConsoleProducer => Some(&tables::CONSOLE_PRODUCER),
            Tool::ConsoleConsumer => Some(&tables::CONSOLE_CONSUMER),
            Tool::ConsumerGroups => Some(&tables::CONSUMER_GROUPS),
            Tool::Configs => Some(&*tables::CONFIGS),
            Tool::GetOffsets => Some(&tables::GET_OFFSETS),
            Tool::LeaderElection => Some(&tables::LEADER_ELECTION),
            Tool::ReassignPartitions => Some(&tables::REASSIGN_PARTITIONS),
            Tool::ConsumerPerfTest => Some(&tables::CONSUMER_PERF_TEST),
            Tool::BrokerApiVersions => Some(&tables::BROKER_API_VERSIONS),
            Tool::Groups => Some(&tables::GROUPS),
            Tool::ConsoleShareConsumer => Some(&tables::CONSOLE_SHARE_CONSUMER),
            Tool::ShareGroups => Some(&tables::SHARE_GROUPS),
            Tool::DumpLog => Some(&tables::DUMP_LOG),
            Tool::LogDirs => Some(&tables::LOG_DIRS),
            Tool::Acls => Some(&*tables::ACLS),
            Tool::ProducerPerfTest | Tool::MetadataQuorum => None,
        }
    }
}

/// The type of an option argument. Shown in the usage table as the type
/// indicator (`<Integer: # of partitions>`, `CommandLineUtils`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ValueType {
    String,
    Integer,
    Long,
    /// An enum converter (`[PREFERRED,UNCLEAN]`); values are matched
    /// case-insensitively against the listed constants.
    Enum(&'static str, &'static [&'static str]),
}

impl ValueType {
    /// The type indicator jopt-simple prints (`String`, `Integer`, ...).
    pub(crate) fn indicator(self) -> &'static str {
        match self {
            ValueType::String => "String",
            ValueType::Integer => "Integer",
            ValueType::Long => "Long",
            ValueType::Enum(p, _) => p,
        }
    }

    /// Whether `v` converts (Java `Integer.valueOf`, `Long.valueOf`, enum constant).
    pub(crate) fn accepts(self, v: &str) -> bool {
        match self {
            ValueType::String => true,
            ValueType::Integer => java_parse_int(v).is_some(),
            ValueType::Long => java_parse_long(v).is_some(),
            ValueType::Enum(_, names) => names.iter().any(|n| n.eq_ignore_ascii_case(v)),
        }
    }
}

/// Whether an option takes an argument (jopt-simple `withRequiredArg` /
/// `withOptionalArg`). The `&str` is the `describedAs` text (may be empty).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ArgKind {
    None,
    Required(&'static str, ValueType),
    Optional(&'static str, ValueType),
}

/// One option of a tool (jopt-simple `parser.accepts(...)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct OptionSpec {
    /// The long name without dashes (`bootstrap-server`).
    pub name: &'static str,
    pub arg: ArgKind,
    pub(crate) description: &'static str,
    pub default: Option<&'static str>,
    /// May be given several times (`valuesOf`); otherwise a second value is
    /// rejected like jopt-simple's `valueOf` does.
    pub(crate) repeatable: bool,
    /// jopt-simple `availableIf`: the option is only accepted when one of
    /// these options is present (`ConsumerGroupCommand`: `--members` needs `--describe`).
    pub(crate) available_if: &'static [&'static str],
    /// jopt-simple `required()`: parsing fails without it (unless `--help` or `--version` is
    /// given), and the usage table marks it with `* ` (`BuiltinHelpFormatter`).
    pub(crate) required: bool,
}

impl OptionSpec {
    /// A flag without argument.
    pub(crate) const fn flag(name: &'static str, description: &'static str) -> OptionSpec {
        OptionSpec {
            name,
            arg: ArgKind::None,
            description,
            default: None,
            repeatable: false,
            available_if: &[],
            required: false,
        }
    }

    /// An option with a required argument.
    pub(crate) const fn req(
        name: &'static str,
        described_as: &'static str,
        ty: ValueType,
        description: &'static str,
    ) -> OptionSpec {
        OptionSpec {
            name,
            arg: ArgKind::Required(described_as, ty),
            description,
            default: None,
            repeatable: false,
            available_if: &[],
            required: false,
        }
    }

    /// An option with an optional argument.
    pub(crate) const fn opt(
        name: &'static str,
        described_as: &'static str,
        ty: ValueType,
        description: &'static str,
    ) -> OptionSpec {
        OptionSpec {
            name,
            arg: ArgKind::Optional(described_as, ty),
            description,
            default: None,
            repeatable: false,
            available_if: &[],
            required: false,
        }
    }

    pub(crate) const fn with_default(mut self, value: &'static str) -> OptionSpec {
        self.default = Some(value);
        self
    }

    pub(crate) const fn repeatable(mut self) -> OptionSpec {
        self.repeatable = true;
        self
    }

    pub(crate) const fn required(mut self) -> OptionSpec {
        self.required = true;
        self
    }

    pub(crate) const fn available_if(mut self, names: &'static [&'static str]) -> OptionSpec {
        self.available_if = names;
        self
    }

    /// The value type, if the option takes an argument.
    pub(crate) fn value_type(&self) -> Option<ValueType> {
        match self.arg {
            ArgKind::None => None,
            ArgKind::Required(_, t) | ArgKind::Optional(_, t) => Some(t),
        }
    }
}

/// How a tool reports a jopt-simple `OptionException` thrown while parsing
/// (jopt-simple's `OptionParser` and the tool sections).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) enum ParseErrorStyle {
    /// Message, then the usage table, on stderr; exit 1 (console producer
    /// and consumer, consumer perf test: `printUsageAndExit`).
    UsageOnStderr,
    /// Message, then the exception's stack trace and an empty line, on stderr; exit 1
    /// ([`main_no_exit_output`]: `TopicCommand`, `LeaderElectionCommand`, `BrokerApiVersionsCommand`).
    MessageAndStackTrace,
    /// The JVM's `Exception in thread "main" ...` on stderr; exit 1
    /// (kafka-consumer-groups parses outside its `try`, jopt-simple's `OptionParser`).
    UncaughtJvm,
    /// Only the message on stderr; exit 1 (kafka-configs `ConfigCommand`).
    MessageOnly,
    /// `Error occurred: <message>` on stderr; exit 1 (kafka-get-offsets `GetOffsetShell`).
    ErrorOccurred,
}

/// A tool's option table and reporting rules.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ToolSpec {
    pub(crate) tool: Tool,
    /// First stderr line for `--help` (`CommandLineUtils`).
    pub(crate) description_help: &'static str,
    /// First stderr line when run with no arguments (`CommandLineUtils`; differs for
    /// kafka-topics, `TopicCommand`).
    pub(crate) description_noargs: &'static str,
    /// The tool's own options; `--help` and `--version` are added by
    /// [`ToolSpec::all_options`] (`CommandDefaultOptions`, jopt-simple's `OptionParser`).
    pub options: &'static [OptionSpec],
    pub(crate) parse_errors: ParseErrorStyle,
}

/// `--help` and `--version`, added to every jopt-simple tool (jopt-simple's `OptionParser`).
pub(crate) const DEFAULT_OPTIONS: [OptionSpec; 2] =
    [OptionSpec::flag("help", "Print usage information."), OptionSpec::flag("version", "Display Kafka version.")];

impl ToolSpec {
    /// The tool's options plus `--help` and `--version`.
    pub(crate) fn all_options(&self) -> Vec<OptionSpec> {
        let mut v: Vec<OptionSpec> = self.options.to_vec();
        for d in DEFAULT_OPTIONS {
            if !v.iter().any(|o| o.name == d.name) {
                v.push(d);
            }
        }
        v
    }

    /// Finds an option by its exact long name.
    pub(crate) fn find(&self, name: &str) -> Option<OptionSpec> {
        self.options.iter().chain(DEFAULT_OPTIONS.iter()).find(|o| o.name == name).copied()
    }
}

/// The result of a successful parse: options in command-line order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct ParsedOpts {
    /// `(option name, value)` in the order given; flags have `None`.
    pub entries: Vec<(String, Option<String>)>,
    /// Arguments that are not options, in order.
    pub(crate) non_options: Vec<String>,
    /// Sub-command (argparse4j tools only).
    pub(crate) subcommand: Option<String>,
    /// Number of command-line arguments (0 means "no args", `CommandLineUtils`).
    pub(crate) arg_count: u32,
}

impl ParsedOpts {
    /// Whether the option was given.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.entries.iter().any(|(n, _)| n == name)
    }

    /// All values of the option, in order.
    pub(crate) fn values(&self, name: &str) -> Vec<&str> {
        self.entries.iter().filter(|(n, _)| n == name).filter_map(|(_, v)| v.as_deref()).collect()
    }

    /// The first value of the option.
    pub(crate) fn value(&self, name: &str) -> Option<&str> {
        self.values(name).into_iter().next()
    }

    /// The value, or the option's default from `spec`.
    pub(crate) fn value_or_default(&self, spec: &ToolSpec, name: &str) -> Option<String> {
        self.value(name).map(str::to_string).or_else(|| spec.find(name).and_then(|o| o.default).map(str::to_string))
    }

    /// How many of `names` were given.
    pub(crate) fn count_present(&self, names: &[&str]) -> usize {
        names.iter().filter(|n| self.has(n)).count()
    }

    /// The value as an `i32` (Java `Integer`), with jopt-simple's message on
    /// failure (jopt-simple's `OptionParser`).
    pub(crate) fn int_value(&self, name: &str) -> Result<Option<i32>, OptError> {
        match self.value(name) {
            None => Ok(None),
            Some(v) => java_parse_int(v)
                .map(Some)
                .ok_or_else(|| OptError::CannotParse { value: v.to_string(), option: name.to_string() }),
        }
    }

    /// The value as an `i64` (Java `Long`), with jopt-simple's message on
    /// failure (jopt-simple's `OptionParser`).
    pub(crate) fn long_value(&self, name: &str) -> Result<Option<i64>, OptError> {
        match self.value(name) {
            None => Ok(None),
            Some(v) => java_parse_long(v)
                .map(Some)
                .ok_or_else(|| OptError::CannotParse { value: v.to_string(), option: name.to_string() }),
        }
    }

    /// Converts every typed value, in command-line order, as jopt-simple
    /// does when the tool reads them (`valueOf`). Also rejects a second
    /// value for a non-repeatable option.
    pub(crate) fn check_types(&self, spec: &ToolSpec) -> Result<(), OptError> {
        for (i, (name, value)) in self.entries.iter().enumerate() {
            let Some(o) = spec.find(name) else { continue };
            if !o.repeatable && value.is_some() && self.entries[..i].iter().any(|(n, v)| n == name && v.is_some()) {
                return Err(OptError::MultipleArguments(name.clone()));
            }
            if let (Some(ty), Some(v)) = (o.value_type(), value) {
                if !ty.accepts(v) {
                    return Err(OptError::CannotParse { value: v.clone(), option: name.clone() });
                }
            }
        }
        Ok(())
    }
}

impl ParsedOpts {
    /// [`ParsedOpts::check_types`] for the named options only, in the given order: a tool that
    /// reads its options one at a time (`OptionSet.valueOf`, `valuesOf`) fails on the first it
    /// reads, whatever their order on the command line.
    pub(crate) fn check_types_of(&self, spec: &ToolSpec, names: &[&str]) -> Result<(), OptError> {
        for name in names {
            let Some(o) = spec.find(name) else { continue };
            let given: Vec<&String> =
                self.entries.iter().filter(|(n, _)| n == name).filter_map(|(_, v)| v.as_ref()).collect();
            if given.len() > 1 && !o.repeatable {
                return Err(OptError::MultipleArguments(o.name.to_string()));
            }
            if let Some(ty) = o.value_type() {
                if let Some(bad) = given.iter().find(|v| !ty.accepts(v)) {
                    return Err(OptError::CannotParse { value: bad.to_string(), option: o.name.to_string() });
                }
            }
        }
        Ok(())
    }
}

/// A jopt-simple `OptionException` (messages from
/// `joptsimple/ExceptionMessages.properties`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) enum OptError {
    /// `<name> is not a recognized option`
    Unrecognized(String),
    /// `Option <name> requires an argument`
    MissingArgument(String),
    /// `Cannot parse argument '<value>' of option <name>`
    CannotParse { value: String, option: String },
    /// `Option(s) [<names>] are unavailable given other options on the command line`
    Unavailable(Vec<String>),
    /// `Found multiple arguments for option <name>, but you asked for only one`
    MultipleArguments(String),
    /// `Missing required option(s) [<names>]`
    MissingRequired(Vec<String>),
}

impl OptError {
    /// The exception message, one line.
    pub(crate) fn message(&self) -> String {
        match self {
            OptError::Unrecognized(n) => format!("{n} is not a recognized option"),
            OptError::MissingArgument(n) => format!("Option {n} requires an argument"),
            OptError::CannotParse { value, option } => {
                format!("Cannot parse argument '{value}' of option {option}")
            }
            OptError::Unavailable(names) => {
                format!("Option(s) [{}] are unavailable given other options on the command line", names.join(", "))
            }
            OptError::MultipleArguments(n) => {
                format!("Found multiple arguments for option {n}, but you asked for only one")
            }
            OptError::MissingRequired(names) => format!("Missing required option(s) [{}]", names.join(", ")),
        }
    }

    /// The exception as `Throwable.printStackTrace` prints it, frames elided (`\tat ...`): a value
    /// that does not convert carries its converter's exception as the cause
    /// ([`conversion_causes`]); `spec` gives the option's type.
    pub(crate) fn stack_trace(&self, spec: &ToolSpec) -> String {
        let mut trace = stack_trace(self.exception_class(), &self.message());
        if let OptError::CannotParse { value, option } = self {
            if let Some(ty) = spec.find(option).and_then(|o| o.value_type()) {
                trace.push_str(&conversion_causes(ty, value));
            }
        }
        trace
    }

    /// The fully qualified exception class.
    pub(crate) fn exception_class(&self) -> &'static str {
        match self {
            OptError::Unrecognized(_) => "joptsimple.UnrecognizedOptionException",
            OptError::MissingArgument(_) => "joptsimple.OptionMissingRequiredArgumentException",
            OptError::CannotParse { .. } => "joptsimple.OptionArgumentConversionException",
            OptError::Unavailable(_) => "joptsimple.UnavailableOptionException",
            OptError::MultipleArguments(_) => "joptsimple.MultipleArgumentsForOptionException",
            OptError::MissingRequired(_) => "joptsimple.MissingRequiredOptionsException",
        }
    }
}

/// The `Caused by:` part of the stack trace of jopt-simple's `OptionArgumentConversionException`
/// (`AbstractOptionSpec.convertWith` wraps what the converter threw). `ofType(Integer.class)`
/// (and `Long`) converts by calling `valueOf` through reflection
/// (`MethodInvokingValueConverter`), so the `NumberFormatException` comes wrapped in jopt-simple's
/// `ReflectionException`; an enum converter throws `ValueConversionException` itself
/// (messages from jopt-simple's `ExceptionMessages.properties`). Each cause has frames.
pub(crate) fn conversion_causes(ty: ValueType, value: &str) -> String {
    let number = |text: String| {
        let nfe = format!("java.lang.NumberFormatException: {text}");
        format!("Caused by: joptsimple.internal.ReflectionException: {nfe}\n\tat ...\nCaused by: {nfe}\n\tat ...\n")
    };
    match ty {
        ValueType::String => String::new(),
        // NumberFormatException.forInputString (radix 10).
        ValueType::Integer | ValueType::Long => number(format!("For input string: \"{value}\"")),
        ValueType::Enum(pattern, _) => {
            format!(
                "Caused by: joptsimple.ValueConversionException: Value [{value}] is not one of [{pattern}]\n\tat ...\n"
            )
        }
    }
}

fn looks_like_option(arg: &str) -> bool {
    arg.starts_with('-') && arg != "-"
}

/// Parses `args` (without the program name) like jopt-simple 5.0.4 with
/// abbreviations off (jopt-simple's `OptionParser`): `--opt value`, `--opt=value`, `-opt value`
/// (single-dash long name), `--` ends the options. Typed values are checked
/// later by [`ParsedOpts::check_types`], as in jopt-simple; an optional
/// argument is only taken when it converts.
pub(crate) fn parse(spec: &ToolSpec, args: &[String]) -> Result<ParsedOpts, OptError> {
    let mut out = ParsedOpts { arg_count: u32::try_from(args.len()).unwrap_or(u32::MAX), ..ParsedOpts::default() };
    let mut i = 0usize;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        if arg == "--" {
            out.non_options.extend(args[i..].iter().cloned());
            break;
        }
        let body = if let Some(b) = arg.strip_prefix("--") {
            b
        } else if arg.starts_with('-') && arg != "-" {
            let b = &arg[1..];
            let name = b.split_once('=').map(|(n, _)| n).unwrap_or(b);
            if spec.find(name).is_none() {
                // A short-option cluster: jopt-simple names the first letter.
                let first: String = b.chars().next().map(String::from).unwrap_or_default();
                return Err(OptError::Unrecognized(first));
            }
            b
        } else {
            out.non_options.push(arg.clone());
            continue;
        };
        let (name, inline) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (body, None),
        };
        let Some(o) = spec.find(name) else {
            return Err(OptError::Unrecognized(name.to_string()));
        };
        match o.arg {
            ArgKind::None => out.entries.push((o.name.to_string(), None)),
            ArgKind::Required(_, _) => {
                let value = match inline {
                    Some(v) => v,
                    None => match args.get(i) {
                        Some(v) => {
                            i += 1;
                            v.clone()
                        }
                        None => return Err(OptError::MissingArgument(o.name.to_string())),
                    },
                };
                out.entries.push((o.name.to_string(), Some(value)));
            }
            ArgKind::Optional(_, ty) => {
                let value = match inline {
                    Some(v) => Some(v),
                    None => match args.get(i) {
                        Some(next) if ty.accepts(next) => {
                            let numeric = matches!(ty, ValueType::Integer | ValueType::Long);
                            if !looks_like_option(next) || numeric {
                                i += 1;
                                Some(next.clone())
                            } else {
                                None
                            }
                        }
                        _ => None,
                    },
                };
                out.entries.push((o.name.to_string(), value));
            }
        }
    }
    // required() (`OptionParser.ensureRequiredOptions`, before availableIf; not when a forHelp
    // option, --help or --version, is given).
    if !out.has("help") && !out.has("version") {
        let missing: Vec<String> =
            spec.options.iter().filter(|o| o.required && !out.has(o.name)).map(|o| o.name.to_string()).collect();
        if !missing.is_empty() {
            return Err(OptError::MissingRequired(missing));
        }
    }
    // availableIf (jopt-simple checks it after the whole line is read).
    let mut unavailable: Vec<String> = Vec::new();
    for (name, _) in &out.entries {
        if let Some(o) = spec.find(name) {
            if !o.available_if.is_empty() && !o.available_if.iter().any(|a| out.has(a)) && !unavailable.contains(name) {
                unavailable.push(name.clone());
            }
        }
    }
    if !unavailable.is_empty() {
        return Err(OptError::Unavailable(unavailable));
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// CommandLineUtils messages
// ---------------------------------------------------------------------------

/// `Missing required argument "[<opt>]"` (`CommandLineUtils`).
pub(crate) fn missing_required(option: &str) -> String {
    format!("Missing required argument \"[{option}]\"")
}

/// `Option "[<opt>]" can't be used with option "[<other>]"` (`CommandLineUtils`).
pub(crate) fn cant_be_used_with(option: &str, other: &str) -> String {
    format!("Option \"[{option}]\" can't be used with option \"[{other}]\"")
}

/// `Option combination "[[<a>], [<b>]]" can't be used with option "[<c>]"<suffix>`
/// (`CommandLineUtils`; the caller passes the set in Java hash order).
pub(crate) fn combination_cant_be_used_with(used: &[&str], other: &str, suffix: &str) -> String {
    let set: Vec<String> = used.iter().map(|u| format!("[{u}]")).collect();
    format!("Option combination \"[{}]\" can't be used with option \"[{other}]\"{suffix}", set.join(", "))
}

/// `Exactly one of the following arguments is required: [a], [b]`
/// (`CommandLineUtils.checkOneOfArgs`).
pub(crate) fn exactly_one_of(options: &[&str]) -> String {
    let list: Vec<String> = options.iter().map(|o| format!("[{o}]")).collect();
    format!("Exactly one of the following arguments is required: {}", list.join(", "))
}

/// `You cannot specify both --bootstrap-controller and --bootstrap-server.` (`CommandLineUtils`)
#[cfg(test)]
pub(crate) const BOTH_BOOTSTRAP: &str = "You cannot specify both --bootstrap-controller and --bootstrap-server.";
/// `You must specify either --bootstrap-controller or --bootstrap-server.` (`CommandLineUtils`)
#[cfg(test)]
pub(crate) const NEITHER_BOOTSTRAP: &str = "You must specify either --bootstrap-controller or --bootstrap-server.";
/// `ToolsUtils.validateBootstrapServer`, empty address (ends with `\n`).
pub(crate) const BOOTSTRAP_EMPTY: &str = "Error while validating the bootstrap address\n";
/// `ToolsUtils.validateBootstrapServer`, host without port (ends with `\n`).
pub(crate) const BOOTSTRAP_NO_PORT: &str = "Please provide valid host:port like host1:9091,host2:9092\n";

/// `ToolsUtils.validateBootstrapServer`: every comma-separated entry
/// needs a `host:port` (`Utils.getPort`).
pub(crate) fn validate_bootstrap_server(value: Option<&str>) -> Result<(), &'static str> {
    let Some(v) = value else {
        return Err(BOOTSTRAP_EMPTY);
    };
    if v.trim().is_empty() {
        return Err(BOOTSTRAP_EMPTY);
    }
    // Java's String.split drops trailing empty strings.
    let mut parts: Vec<&str> = v.split(',').collect();
    while parts.len() > 1 && parts.last() == Some(&"") {
        parts.pop();
    }
    let ok = parts.iter().all(|p| has_port(p));
    if ok {
        Ok(())
    } else {
        Err(BOOTSTRAP_NO_PORT)
    }
}

fn has_port(host_port: &str) -> bool {
    // Utils.getPort: `.*?\[?([0-9a-zA-Z\-%._:]*)\]?:([0-9]+)` must match the
    // whole string.
    let Some(idx) = host_port.rfind(':') else {
        return false;
    };
    let port = &host_port[idx + 1..];
    !port.is_empty() && port.chars().all(|c| c.is_ascii_digit())
}

/// The usage-style rejection: message then the usage table on stderr,
/// exit 1 (`CommandLineUtils.printUsageAndExit`).
pub(crate) fn usage_error(spec: &ToolSpec, message: &str) -> Output {
    let mut o = Output::new();
    o.errln(message);
    o.err(&usage_table(spec));
    o.exit_code = 1;
    o
}

/// `--help` or no arguments: the tool description and the usage table on
/// stderr, exit 1 (`CommandLineUtils`: yes, `--help` exits 1).
pub(crate) fn help_output(spec: &ToolSpec, no_args: bool) -> Output {
    let d = if no_args { spec.description_noargs } else { spec.description_help };
    usage_error(spec, d)
}

/// `--version`: `4.4.0` on stdout, exit 0 (`CommandLineUtils`).
pub(crate) fn version_output() -> Output {
    let mut o = Output::new();
    o.outln(KAFKA_VERSION);
    o
}

/// An exception printed as its message and then its stack trace on stderr,
/// exit 1 (the `mainNoExit` catch-all of the Java tools).
pub(crate) fn exception_output(message: &str, exception_class: &str) -> Output {
    let mut o = Output::new();
    o.errln(message);
    o.err(&stack_trace(exception_class, message));
    o.exit_code = 1;
    o
}

/// The catch-all of `mainNoExit` in `TopicCommand`, `LeaderElectionCommand` and
/// `BrokerApiVersionsCommand`: `System.err.println(e.getMessage())`, then
/// `System.err.println(Utils.stackTrace(e))`; the trace ends with a line break, so an empty line
/// follows. Exit 1.
pub(crate) fn main_no_exit_output(message: &str, trace: &str) -> Output {
    let mut o = Output::new();
    o.errln(message);
    o.err(trace);
    o.errln("");
    o.exit_code = 1;
    o
}

/// How `spec`'s tool reports a parse-time [`OptError`].
pub(crate) fn option_error(spec: &ToolSpec, e: &OptError) -> Output {
    let mut o = tool_option_error(spec, e);
    if let OptError::Unrecognized(typed) = e {
        let names = spec.all_options();
        if let Some(near) = crate::console::suggest::nearest(typed, names.iter().map(|o| o.name)) {
            o.noteln(&format!("did you mean --{near}?"));
        }
    }
    o
}

/// The option error exactly as the Kafka tool prints it.
fn tool_option_error(spec: &ToolSpec, e: &OptError) -> Output {
    let msg = e.message();
    let mut o = Output::new();
    o.exit_code = 1;
    match spec.parse_errors {
        ParseErrorStyle::UsageOnStderr => return usage_error(spec, &msg),
        ParseErrorStyle::MessageAndStackTrace => return main_no_exit_output(&msg, &e.stack_trace(spec)),
        ParseErrorStyle::UncaughtJvm => {
            o.err("Exception in thread \"main\" ");
            o.err(&e.stack_trace(spec));
        }
        ParseErrorStyle::MessageOnly => o.errln(&msg),
        ParseErrorStyle::ErrorOccurred => o.errln(&format!("Error occurred: {msg}")),
    }
    o
}

/// A successful parse: the options, plus anything the tool already printed
/// while checking them (warnings such as `ConsumerGroupCommand`'s `WARN: No action...`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct Parsed {
    pub(crate) opts: ParsedOpts,
    pub(crate) notes: Output,
}

/// The executor's entry point: parses `args` for `tool`, handles no-args,
/// `--help`, `--version` and the tool's own argument checks ([`check`]).
/// `Err` is the complete output of the rejected invocation (exit code set).
pub(crate) fn parse_command(tool: Tool, args: &[String]) -> Result<Parsed, Output> {
    match tool {
        Tool::MetadataQuorum => return argparse::parse_metadata_quorum(args),
        Tool::ProducerPerfTest => return argparse::parse_producer_perf_test(args),
        _ => {}
    }
    let Some(spec) = tool.spec() else {
        return Err(Output::failure("internal: no option table"));
    };
    // Tools that test `args.length == 0` before parsing (`TopicCommand` and `GetOffsetShell`); a
    // tool with a required option fails parsing first (`GroupsCommand`).
    if args.is_empty() && !spec.options.iter().any(|o| o.required) {
        return Err(help_output(spec, true));
    }
    let opts = parse(spec, args).map_err(|e| option_error(spec, &e))?;
    if opts.has("help") {
        return Err(help_output(spec, false));
    }
    if opts.has("version") {
        return Err(version_output());
    }
    let notes = check::check(tool, spec, &opts)?;
    Ok(Parsed { opts, notes })
}

// ---------------------------------------------------------------------------
// Usage table: jopt-simple BuiltinHelpFormatter (`CommandLineUtils`)
// ---------------------------------------------------------------------------

/// Overall width of the usage table (`CommandLineUtils`).
pub(crate) const HELP_WIDTH: usize = 80;
const COLUMN_SEPARATOR: usize = 2;
const INDENT: usize = 2;

/// The left column's header (`BuiltinHelpFormatter.addHeaders`): with a required option,
/// `Option (* = required)`.
fn option_header(spec: &ToolSpec) -> &'static str {
    if spec.options.iter().any(|o| o.required) {
        "Option (* = required)"
    } else {
        "Option"
    }
}

fn option_divider(spec: &ToolSpec) -> &'static str {
    if spec.options.iter().any(|o| o.required) {
        "---------------------"
    } else {
        "------"
    }
}

/// The text an option shows in the left column: `--name <Type: describedAs>`,
/// or `[...]` for an optional argument; a required option starts with `* `.
pub(crate) fn option_display(o: &OptionSpec) -> String {
    let mut s = format!("{}--{}", if o.required { "* " } else { "" }, o.name);
    let (open, close, described, ty) = match o.arg {
        ArgKind::None => return s,
        ArgKind::Required(d, t) => ('<', '>', d, t),
        ArgKind::Optional(d, t) => ('[', ']', d, t),
    };
    s.push(' ');
    s.push(open);
    s.push_str(ty.indicator());
    if !described.is_empty() {
        s.push_str(": ");
        s.push_str(described);
    }
    s.push(close);
    s
}

/// The right column: the description, then `(default: N)`.
pub(crate) fn description_display(o: &OptionSpec) -> String {
    match o.default {
        None => o.description.to_string(),
        Some(d) => format!("{} (default: {d})", o.description).trim().to_string(),
    }
}

/// Renders the usage table of a tool like jopt-simple's
/// `BuiltinHelpFormatter` (80 columns, separator 2, options sorted by name,
/// header `Option`/`Description`, wrapped lines indented by 2, every line
/// padded with trailing spaces, `CommandLineUtils`). Lines break where Java's line
/// `BreakIterator` allows ([`linebreak`]).
pub(crate) fn usage_table(spec: &ToolSpec) -> String {
    // The table is a pure function of the static spec: render it once.
    static CACHE: [std::sync::OnceLock<String>; Tool::ALL.len()] =
        [const { std::sync::OnceLock::new() }; Tool::ALL.len()];
    let idx = Tool::ALL.iter().position(|t| *t == spec.tool).unwrap_or(0);
    if std::ptr::eq(spec, spec.tool.spec().unwrap_or(spec)) {
        return CACHE[idx].get_or_init(|| render_usage_table(spec)).clone();
    }
    render_usage_table(spec)
}

/// [`usage_table`] without the cache (for specs built at run time).
pub(crate) fn render_usage_table(spec: &ToolSpec) -> String {
    render_usage_table_with_defaults(spec, &[])
}

/// [`render_usage_table`] with `(option, default)` pairs a tool computes when it starts
/// (`defaultsTo` of a value drawn at run time, such as `ConsumerPerformance`'s random `--group`).
pub(crate) fn render_usage_table_with_defaults(spec: &ToolSpec, defaults: &[(&str, &str)]) -> String {
    let mut options = spec.all_options();
    options.compact_sort_by(|a, b| java_string_cmp(a.name, b.name));
    let mut rows: Vec<(String, String)> = vec![
        (option_header(spec).to_string(), "Description".to_string()),
        (option_divider(spec).to_string(), "-----------".to_string()),
    ];
    for o in &options {
        let desc = match defaults.iter().find(|(n, _)| *n == o.name) {
            Some((_, d)) => format!("{} (default: {d})", o.description).trim().to_string(),
            None => description_display(o),
        };
        push_unique(&mut rows, (option_display(o), desc));
    }
    render_rows(&rows)
}

/// Every cell of every help Brokerlab prints for a Kafka tool: each jopt-simple tool's option
/// column and description (as [`usage_table`] shows them) and each argparse4j tool's texts, in
/// table order without repeats. The `line-breaks` conformance vectors ask the JDK where each
/// breaks (`tests/conformance/inputs/line-breaks.txt`).
pub fn help_texts() -> Vec<String> {
    let mut out: Vec<String> = vec!["Option".to_string(), "Description".to_string()];
    for tool in Tool::ALL {
        let Some(spec) = tool.spec() else { continue };
        out.push(option_header(spec).to_string());
        let mut options = spec.all_options();
        options.compact_sort_by(|a, b| java_string_cmp(a.name, b.name));
        for o in &options {
            out.push(option_display(o));
            out.push(description_display(o));
        }
    }
    out.extend(argparse::help_texts());
    let mut seen = std::collections::BTreeSet::new();
    out.retain(|t| seen.insert(t.clone()));
    out
}

fn push_unique(rows: &mut Vec<(String, String)>, row: (String, String)) {
    if !rows.contains(&row) {
        rows.push(row);
    }
}

fn jlen(s: &str) -> usize {
    s.encode_utf16().count()
}

/// Fits and renders rows (jopt-simple `Rows.fitToWidth` + `render`).
pub(crate) fn render_rows(rows: &[(String, String)]) -> String {
    let widest_option = rows.iter().map(|r| jlen(&r.0)).max().unwrap_or(0);
    let widest_desc = rows.iter().map(|r| jlen(&r.1)).max().unwrap_or(0);
    let option_width = ((HELP_WIDTH - COLUMN_SEPARATOR) / 2).min(widest_option);
    let desc_width = (HELP_WIDTH - option_width - COLUMN_SEPARATOR).min(widest_desc);
    // Fit: each row becomes several rows (jopt-simple 5.0.4 `Columns.fit` collects them in a
    // List, so identical continuation rows are all kept: kafka-consumer-groups' --state help
    // shows its two "Example: --bootstrap-server localhost:" rows).
    let mut fitted: Vec<(String, String)> = Vec::new();
    for (opt, desc) in rows {
        let opts = pieces_of(opt, option_width);
        let descs = pieces_of(desc, desc_width);
        for i in 0..opts.len().max(descs.len()) {
            fitted.push((opts.get(i).cloned().unwrap_or_default(), descs.get(i).cloned().unwrap_or_default()));
        }
    }
    let ow = fitted.iter().map(|r| jlen(&r.0)).max().unwrap_or(0).min(option_width);
    let widest_fitted_desc = fitted.iter().map(|r| jlen(&r.1)).max().unwrap_or(0);
    let dw = (HELP_WIDTH.saturating_sub(ow + COLUMN_SEPARATOR)).min(widest_fitted_desc);
    let mut out = String::new();
    for (o, d) in &fitted {
        out.push_str(o);
        out.extend(std::iter::repeat_n(' ', ow.saturating_sub(jlen(o))));
        out.extend(std::iter::repeat_n(' ', COLUMN_SEPARATOR));
        out.push_str(d);
        out.extend(std::iter::repeat_n(' ', dw.saturating_sub(jlen(d))));
        out.push('\n');
    }
    out
}

/// Splits a cell into lines of at most `width` UTF-16 units (jopt-simple `Columns.piecesOf`: the
/// cell `trim()`med as Java trims, cut at line separators, each line's [`linebreak`] segments
/// filled in, a segment that does not fit starting a new line indented by 2, the finished line's
/// trailing whitespace (`\\s+$`) removed).
pub fn pieces_of(raw: &str, width: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    for line in java_trim(raw).split('\n') {
        let mut next = String::new();
        for word in linebreak::segments(line) {
            if jlen(&next) + jlen(word) > width {
                pieces.push(next.trim_end_matches([' ', '\t', '\n', '\u{b}', '\u{c}', '\r']).to_string());
                next = " ".repeat(INDENT);
                next.push_str(word);
            } else {
                next.push_str(word);
            }
        }
        if !next.is_empty() {
            pieces.push(next);
        }
    }
    pieces
}

/// Splits a line into the segments Java's line `BreakIterator` cuts it into (a word with what
/// sticks to it and the blanks after it; see [`linebreak`]).
pub(crate) fn java_line_words(line: &str) -> Vec<String> {
    linebreak::segments(line).into_iter().map(String::from).collect()
}

/// Iteration order of a `java.util.HashSet<String>` built by adding `items` in order
/// ([`java_hash_order`]; `CommandLineUtils` "the orders quoted below were computed by
/// emulating Java hashing").
pub(crate) fn java_hash_set_order(items: &[String]) -> Vec<String> {
    let keyed: Vec<(String, i32)> = items.iter().map(|s| (s.clone(), java_string_hash(s))).collect();
    java_hash_order(&keyed, 16)
}

#[cfg(test)]
mod tests;
