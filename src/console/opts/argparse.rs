//! A small argparse4j-style parser for the two tools that use argparse4j
//! instead of jopt-simple: `kafka-metadata-quorum` (sub-commands, `MetadataQuorumCommand`) and
//! `kafka-producer-perf-test` (`ProducerPerformance`, program name
//! `producer-performance`).
//!
//! argparse4j accepts unique prefixes of long options (jopt-simple's `OptionParser`: `describe --re
//! --hu` works). A parse error prints the usage line and
//! `<prog>: error: <message>` on stderr, exit 1; `-h`/`--help` prints the help
//! on stdout, exit 0. `MetadataQuorumCommand` says the argparse4j texts were not verified
//! verbatim; the messages here follow argparse4j 0.7's wording as far as it is
//! known (see the report).

use super::super::format::Output;
use super::{Parsed, ParsedOpts, Tool};
use crate::sim::java::{java_parse_double, java_parse_int, java_parse_long};

/// The type of an argparse4j argument value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ArgType {
    String,
    Integer,
    Long,
    Double,
}

impl ArgType {
    fn java_name(self) -> &'static str {
        match self {
            ArgType::String => "String",
            ArgType::Integer => "Integer",
            ArgType::Long => "Long",
            ArgType::Double => "Double",
        }
    }

    fn converts(self, v: &str) -> bool {
        match self {
            ArgType::String => true,
            ArgType::Integer => java_parse_int(v).is_some(),
            ArgType::Long => java_parse_long(v).is_some(),
            ArgType::Double => java_parse_double(v).is_some(),
        }
    }
}

/// One argparse4j argument (`parser.addArgument("--topic")`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct ArgSpec {
    /// `--topic`
    pub(crate) flag: &'static str,
    /// `TOPIC`; `None` for `storeTrue()` flags.
    pub(crate) metavar: Option<&'static str>,
    pub ty: ArgType,
    pub(crate) help: &'static str,
    pub(crate) required: bool,
    /// Index of the mutually exclusive group, if any.
    pub group: Option<u8>,
    /// `nargs("+")`
    pub(crate) many: bool,
    /// `choices(...)`: the values allowed.
    pub(crate) choices: Option<&'static [&'static str]>,
    /// `setDefault(...)` as its `toString()`, shown by `defaultHelp(true)` (`storeTrue()` flags
    /// default to `false`).
    pub default: Option<&'static str>,
}

const fn flag(flag: &'static str, help: &'static str) -> ArgSpec {
    ArgSpec {
        flag,
        metavar: None,
        ty: ArgType::String,
        help,
        required: false,
        group: None,
        many: false,
        choices: None,
        default: Some("false"),
    }
}

const fn value(flag: &'static str, metavar: &'static str, ty: ArgType, help: &'static str) -> ArgSpec {
    ArgSpec {
        flag,
        metavar: Some(metavar),
        ty,
        help,
        required: false,
        group: None,
        many: false,
        choices: None,
        default: None,
    }
}

impl ArgSpec {
    const fn required(mut self) -> ArgSpec {
        self.required = true;
        self
    }
    const fn in_group(mut self, g: u8) -> ArgSpec {
        self.group = Some(g);
        self
    }
    const fn many(mut self) -> ArgSpec {
        self.many = true;
        self
    }
    const fn choices(mut self, c: &'static [&'static str]) -> ArgSpec {
        self.choices = Some(c);
        self
    }
    const fn default(mut self, d: &'static str) -> ArgSpec {
        self.default = Some(d);
        self
    }
    /// The destination name (`--num-records` → `num-records`).
    pub(crate) fn name(&self) -> &'static str {
        self.flag.trim_start_matches('-')
    }
}

/// A mutually exclusive group.
#[derive(Clone, Copy, Debug)]
pub(crate) struct GroupSpec {
    pub id: u8,
    pub(crate) required: bool,
    /// A description gives the group its own help section (`ArgumentGroupImpl.isSeparateHelp`).
    pub(crate) description: &'static str,
}

/// A sub-command (`describe`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct SubSpec {
    pub name: &'static str,
    pub(crate) help: &'static str,
    pub args: &'static [ArgSpec],
}

/// A parser.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ParserSpec {
    pub(crate) prog: &'static str,
    pub(crate) description: &'static str,
    pub args: &'static [ArgSpec],
    pub groups: &'static [GroupSpec],
    pub(crate) subcommands: &'static [SubSpec],
    /// `defaultHelp(true)`: each argument's help ends with `(default: ...)` when it has one.
    pub(crate) default_help: bool,
}

/// `kafka-metadata-quorum` (`MetadataQuorumCommand`).
pub(crate) static METADATA_QUORUM: ParserSpec = ParserSpec {
    prog: Tool::MetadataQuorum.program(),
    description: "This tool describes kraft metadata quorum status.",
    args: &[
        value("--bootstrap-server", "BOOTSTRAP_SERVER", ArgType::String, "A comma-separated list of host:port pairs to use for establishing the connection to the Kafka cluster.").in_group(0),
        value("--bootstrap-controller", "BOOTSTRAP_CONTROLLER", ArgType::String, "A comma-separated list of host:port pairs to use for establishing the connection to the Kafka controllers.").in_group(0),
        value("--command-config", "COMMAND_CONFIG", ArgType::String, "Property file containing configs to be passed to Admin Client. For add-controller, the file is used to specify the controller properties as well."),
    ],
    groups: &[GroupSpec { id: 0, required: true, description: "" }],
    default_help: true,
    subcommands: &[
        SubSpec {
            name: "describe",
            help: "Describe the metadata quorum info",
            args: &[
                flag("--status", "A short summary of the quorum status and the other provides detailed information about the status of replication."),
                flag("--replication", "Detailed information about the status of replication"),
                flag("--human-readable", "Human-readable output"),
            ],
        },
        SubSpec {
            name: "add-controller",
            help: "Add a controller to the KRaft controller cluster",
            args: &[flag("--dry-run", "True if we should print what would be done, but not do it.")],
        },
        SubSpec {
            name: "remove-controller",
            help: "Remove a controller from the KRaft controller cluster",
            args: &[
                value("--controller-id", "CONTROLLER_ID", ArgType::Integer, "The id of the controller to remove.").required(),
                value("--controller-directory-id", "CONTROLLER_DIRECTORY_ID", ArgType::String, "The directory ID of the controller to remove.").required(),
                flag("--dry-run", "True if we should print what would be done, but not do it."),
            ],
        },
    ],
};

/// `kafka-producer-perf-test` (Kafka 4.4 `ProducerPerformance.argParser`): the arguments in the
/// order they are added, the payload group last in the usage (argparse4j puts mutually exclusive
/// groups after the other arguments).
pub(crate) static PRODUCER_PERF_TEST: ParserSpec = ParserSpec {
    prog: Tool::ProducerPerfTest.program(),
    description: "This tool is used to verify the producer performance. To enable transactions, you can specify a transactional id or set a transaction duration using --transaction-duration-ms. There are three ways to specify the transactional id: set transactional.id=<id> via --command-property, set transactional.id=<id> in the config file via --command-config, or use --transactional-id <id>.",
    args: &[
        value("--bootstrap-server", "BOOTSTRAP-SERVER", ArgType::String, "The server(s) to connect to. This config takes precedence over bootstrap.servers specified via --command-property or --command-config."),
        value("--topic", "TOPIC", ArgType::String, "Produce records to this topic.").required(),
        value("--num-records", "NUM-RECORDS", ArgType::Long, "Number of records to produce.").required(),
        value("--record-size", "RECORD-SIZE", ArgType::Integer, "Record size in bytes. Note that you must provide exactly one of --record-size, --payload-file or --payload-monotonic.").in_group(0),
        value("--payload-file", "PAYLOAD-FILE", ArgType::String, "File to read the record payloads from. This works only for UTF-8 encoded text files. Payloads will be read from this file and a payload will be randomly selected when sending records. Note that you must provide exactly one of --record-size, --payload-file or --payload-monotonic.").in_group(0),
        flag("--payload-monotonic", "Payload is a monotonically increasing integer. Note that you must provide exactly one of --record-size, --payload-file or --payload-monotonic.").in_group(0),
        value("--payload-delimiter", "PAYLOAD-DELIMITER", ArgType::String, "Provides the delimiter to be used when --payload-file is provided. Defaults to new line. Note that this parameter will be ignored if --payload-file is not provided.").default("\\n"),
        value("--throughput", "THROUGHPUT", ArgType::Double, "Throttle maximum record throughput to *approximately* THROUGHPUT records/sec. Set this to -1 to disable throttling.").required(),
        value("--producer-props", "PROP-NAME=PROP-VALUE", ArgType::String, "(DEPRECATED) Kafka producer related configuration properties like client.id. These configs take precedence over those passed via --command-config or --producer.config. This option will be removed in a future version. Use --command-property instead. Example: --command-property linger.ms=10 batch.size=32768").many(),
        value("--command-property", "PROP-NAME=PROP-VALUE", ArgType::String, "Kafka producer related configuration properties like client.id. These configs take precedence over those passed via --command-config or --producer.config. Example: --command-property linger.ms=10 batch.size=32768").many(),
        value("--producer.config", "CONFIG-FILE", ArgType::String, "(DEPRECATED) Producer config properties file. This option will be removed in a future version. Use --command-config instead."),
        value("--command-config", "CONFIG-FILE", ArgType::String, "Producer config properties file."),
        flag("--print-metrics", "Print out metrics at the end of the test."),
        value("--transactional-id", "TRANSACTIONAL-ID", ArgType::String, "The transactional id to use. This config takes precedence over the transactional.id specified via --command-property or --command-config. Note that if the transactional id is not specified while --transaction-duration-ms is provided, the default value for the transactional id will be performance-producer- followed by a random uuid."),
        value("--transaction-duration-ms", "TRANSACTION-DURATION", ArgType::Long, "The maximum duration of each transaction. The commitTransaction will be called after this time has elapsed. The value should be greater than 0. If the transactional id is specified via --command-property, --command-config or --transactional-id but --transaction-duration-ms is not specified, the default value will be 3000."),
        value("--warmup-records", "WARMUP-RECORDS", ArgType::Long, "The number of records to treat as warmup. These initial records will not be included in steady-state statistics. An additional summary line will be printed describing the steady-state statistics.").default("0"),
        value("--reporting-interval", "INTERVAL-MS", ArgType::Long, "Interval in milliseconds at which to print progress info.").default("5000"),
        value("--record-key-range", "KEY-RANGE", ArgType::Integer, "The range of keys to use when --key-distribution is 'range' or 'random'. Keys will be integers in [0, KEY-RANGE). Required for range and random distributions."),
        value("--key-distribution", "KEY-DISTRIBUTION", ArgType::String, "The key distribution to use: 'none' for null keys, 'range' for round-robin keys in [0, KEY-RANGE), or 'random' for random keys in [0, KEY-RANGE). Requires --record-key-range when set to 'range' or 'random'.").choices(&["none", "range", "random"]).default("none"),
        value("--random-seed", "RANDOM-SEED", ArgType::Long, "Seed for the pseudo-random number generator used by --key-distribution random and random payload generation. The default value of 0 ensures deterministic, reproducible benchmark runs. Set to a different value when non-repeating sequences are required.").default("0"),
    ],
    groups: &[GroupSpec {
        id: 0,
        required: true,
        description: "Note that you must provide exactly one of --record-size, --payload-file or --payload-monotonic.",
    }],
    subcommands: &[],
    default_help: true,
};

/// The outcome of an argparse4j parse.
#[derive(Clone, Debug)]
pub(crate) enum Outcome {
    Parsed(ParsedOpts),
    /// `-h`/`--help`: help text on stdout, exit 0.
    Help(Output),
    /// A parse error, already formatted.
    Error(Output),
}

fn usage_fragment(a: &ArgSpec) -> String {
    match (a.metavar, a.many) {
        (None, _) => a.flag.to_string(),
        (Some(m), false) => format!("{} {m}", a.flag),
        (Some(m), true) => format!("{} {m} [{m} ...]", a.flag),
    }
}

/// argparse4j's format width without terminal detection (`ArgumentParsers.DEFAULT_FORMAT_WIDTH`).
pub(crate) const FORMAT_WIDTH: usize = 75;

/// The usage tokens of one parser level (`ArgumentParserImpl.printUsage`): optional arguments
/// outside mutually exclusive groups in the order added (`[...]` unless required), then each
/// group split at its `|`s, `(...)` when required; `upper` keeps only what is required
/// (`addUpperParserUsage`).
fn usage_tokens(args: &[ArgSpec], groups: &[GroupSpec], upper: bool, tokens: &mut Vec<String>) {
    for a in args.iter().filter(|a| a.group.is_none()) {
        if a.required {
            tokens.push(usage_fragment(a));
        } else if !upper {
            tokens.push(format!("[{}]", usage_fragment(a)));
        }
    }
    for g in groups {
        if upper && !g.required {
            continue;
        }
        let members: Vec<String> = args.iter().filter(|x| x.group == Some(g.id)).map(usage_fragment).collect();
        let (open, close) = if g.required { ("(", ")") } else { ("[", "]") };
        match members.len() {
            0 => {}
            1 if g.required => tokens.push(members[0].clone()),
            1 => tokens.push(format!("[{}]", members[0])),
            n => {
                tokens.push(format!("{open}{}", members[0]));
                for m in &members[1..n - 1] {
                    tokens.push("|".to_string());
                    tokens.push(m.clone());
                }
                tokens.push("|".to_string());
                tokens.push(format!("{}{close}", members[n - 1]));
            }
        }
    }
}

/// The usage line(s) (`ArgumentParserImpl.printUsage` and `printArgumentUsage`): `usage: <prog>`,
/// then the tokens each after a space, a token that would pass [`FORMAT_WIDTH`] starting a new
/// line indented under the first token; a `usage: <prog>` wider than 30 columns puts every
/// token on the lines after it, indented by 6.
pub(crate) fn usage(spec: &ParserSpec, sub: Option<&SubSpec>) -> String {
    let mut tokens: Vec<String> = Vec::new();
    match sub {
        Some(s) => {
            usage_tokens(spec.args, spec.groups, true, &mut tokens);
            tokens.push(s.name.to_string());
            tokens.push("[-h]".to_string());
            usage_tokens(s.args, &[], false, &mut tokens);
        }
        None => {
            tokens.push("[-h]".to_string());
            usage_tokens(spec.args, spec.groups, false, &mut tokens);
            if !spec.subcommands.is_empty() {
                let names: Vec<&str> = spec.subcommands.iter().map(|s| s.name).collect();
                tokens.push(format!("{{{}}}", names.join(",")));
                tokens.push("...".to_string());
            }
        }
    }
    let usageprog = format!("usage: {}", spec.prog);
    let width = usageprog.chars().count();
    let mut out = usageprog.clone();
    let (offset, first_indent, subsequent_indent) =
        if width > 30 { (6, " ".repeat(6), " ".repeat(6)) } else { (width, String::new(), " ".repeat(width)) };
    if width > 30 {
        out.push('\n');
    }
    out.push_str(&first_indent);
    let mut current = offset + first_indent.len();
    let mut first = true;
    for t in tokens {
        let len = t.chars().count();
        if !first && current + len + 1 > FORMAT_WIDTH {
            out.push('\n');
            out.push_str(&subsequent_indent);
            current = subsequent_indent.len() + 1 + len;
        } else {
            current += 1 + len;
            first = false;
        }
        out.push(' ');
        out.push_str(&t);
    }
    out.push('\n');
    out
}

/// `TextHelper.adjustSpace`: trims `line`, then spreads the missing width over its blank runs,
/// one more to the runs in the middle when it does not divide evenly.
fn adjust_space(line: &str, width: usize, current: usize) -> String {
    let trimmed = line.trim_matches(' ');
    let current = current - (line.chars().count() - trimmed.chars().count());
    let chars: Vec<char> = trimmed.chars().collect();
    let blocks = chars.iter().enumerate().filter(|(i, c)| **c == ' ' && (*i == 0 || chars[i - 1] != ' ')).count();
    if blocks == 0 {
        return trimmed.to_string();
    }
    let need = width.saturating_sub(current);
    let each = need / blocks;
    let rem = need % blocks;
    let rem_start = (blocks - rem).div_ceil(2);
    let rem_end = rem_start + rem;
    let mut out = String::new();
    let mut b = 0usize;
    for (i, c) in chars.iter().enumerate() {
        if *c == ' ' && (i == 0 || chars[i - 1] != ' ') {
            let add = each + usize::from(rem_start <= b && b < rem_end);
            out.extend(std::iter::repeat_n(' ', add));
            b += 1;
        }
        out.push(*c);
    }
    out
}

/// `handleError`: usage, then `<prog>: error: <message>` wrapped and justified at
/// [`FORMAT_WIDTH`], stderr, exit 1.
pub(crate) fn error_output(spec: &ParserSpec, sub: Option<&SubSpec>, message: &str) -> Output {
    let mut o = Output::new();
    o.err(&usage(spec, sub));
    // `"%s: error: %s%n"` is wrapped whole: the line separator counts in the last segment.
    let mut segs = crate::console::opts::java_line_words(&format!("{}: error: {message}", spec.prog));
    if let Some(last) = segs.last_mut() {
        last.push('\n');
    }
    o.err(&wrap_segments(segs, FORMAT_WIDTH, 0, ""));
    o.exit_code = 1;
    o
}

fn wrap(text: &str, width: usize, indent: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for w in text.split(' ') {
        if !cur.is_empty() && cur.chars().count() + 1 + w.chars().count() > width {
            lines.push(cur);
            cur = String::new();
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(w);
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    let _ = indent;
    lines
}

/// `TextHelper.wrap`: `text` cut into line-break segments, a segment that would pass `width`
/// (counting from `initial_offset`) starting a new line after `subsequent_indent`, each full line
/// justified by `TextHelper.adjustSpace`.
fn wrap_java(text: &str, width: usize, initial_offset: usize, subsequent_indent: &str) -> String {
    wrap_segments(crate::console::opts::java_line_words(text), width, initial_offset, subsequent_indent)
}

/// [`wrap_java`] over segments already cut; a segment ending in a newline ends its line as is.
fn wrap_segments(segs: Vec<String>, width: usize, initial_offset: usize, subsequent_indent: &str) -> String {
    let mut res = String::new();
    let mut line = String::new();
    let mut current = initial_offset;
    for seg in segs {
        let w = seg.chars().count();
        current += w;
        if current > width {
            res.push_str(&adjust_space(&line, width, current - w));
            res.push('\n');
            res.push_str(subsequent_indent);
            line.clear();
            current = subsequent_indent.len() + w;
        }
        line.push_str(&seg);
        if seg.ends_with('\n') {
            res.push_str(&line);
            res.push_str(subsequent_indent);
            line.clear();
            current = subsequent_indent.len();
        }
    }
    res.push_str(&line);
    res
}

/// The texts argparse4j wraps in the helps of [`METADATA_QUORUM`] and [`PRODUCER_PERF_TEST`]:
/// descriptions and each argument's help (see `crate::console::opts::help_texts`).
pub(crate) fn help_texts() -> Vec<String> {
    let mut out = Vec::new();
    for spec in [&METADATA_QUORUM, &PRODUCER_PERF_TEST] {
        out.push(spec.description.to_string());
        out.extend(spec.groups.iter().filter(|g| !g.description.is_empty()).map(|g| g.description.to_string()));
        out.extend(spec.args.iter().map(|a| help_text_of(spec, a)));
        for sub in spec.subcommands {
            out.push(sub.help.to_string());
            out.extend(sub.args.iter().map(|a| help_text_of(spec, a)));
        }
    }
    out.retain(|t| !t.is_empty());
    out
}

/// One argument's help (`ArgumentImpl.printHelp` and `TextHelper.printHelp`): its title (flag
/// and metavar) after two spaces, the help text (with `(default: ...)` under `defaultHelp(true)`)
/// from column 25, on the next line when the title is wider than 21.
fn argument_help(out: &mut String, title: &str, help: &str) {
    const INDENT: usize = 25;
    out.push_str("  ");
    out.push_str(title);
    let w = title.chars().count();
    if w <= 21 {
        out.push_str(&" ".repeat(INDENT - w - 2));
    } else {
        out.push('\n');
        out.push_str(&" ".repeat(INDENT));
    }
    out.push_str(&wrap_java(help, FORMAT_WIDTH, INDENT, &" ".repeat(INDENT)));
    out.push('\n');
}

fn help_text_of(spec: &ParserSpec, a: &ArgSpec) -> String {
    match a.default.filter(|_| spec.default_help) {
        Some(d) if a.help.is_empty() => format!("(default: {d})"),
        Some(d) => format!("{} (default: {d})", a.help),
        None => a.help.to_string(),
    }
}

/// argparse4j's `ArgumentParserImpl.printHelp` for a parser without sub-commands: the usage, the
/// description, `optional arguments:` (help first, then every argument outside a group with its
/// own help section, in the order added), then each such group: its description, then its
/// arguments.
fn help_flat(spec: &ParserSpec) -> String {
    let mut out = usage(spec, None);
    if !spec.description.is_empty() {
        out.push('\n');
        out.push_str(&wrap_java(spec.description, FORMAT_WIDTH, 0, ""));
        out.push('\n');
    }
    let separate =
        |a: &ArgSpec| a.group.is_some_and(|g| spec.groups.iter().any(|s| s.id == g && !s.description.is_empty()));
    out.push_str("\noptional arguments:\n");
    argument_help(&mut out, "-h, --help", "show this help message and exit");
    for a in spec.args.iter().filter(|a| !separate(a)) {
        argument_help(&mut out, &usage_fragment(a), &help_text_of(spec, a));
    }
    for g in spec.groups.iter().filter(|g| !g.description.is_empty()) {
        out.push('\n');
        out.push_str("  ");
        out.push_str(&wrap_java(g.description, FORMAT_WIDTH, 2, "  "));
        out.push_str("\n\n");
        for a in spec.args.iter().filter(|a| a.group == Some(g.id)) {
            argument_help(&mut out, &usage_fragment(a), &help_text_of(spec, a));
        }
    }
    out
}

/// The `-h` help text (argparse4j `printHelp`; approximated for sub-command parsers).
pub(crate) fn help(spec: &ParserSpec, sub: Option<&SubSpec>) -> String {
    if spec.subcommands.is_empty() {
        return help_flat(spec);
    }
    let mut out = usage(spec, sub);
    let (description, args) = match sub {
        Some(s) => (s.help, s.args),
        None => (spec.description, spec.args),
    };
    out.push('\n');
    for l in wrap(description, 80, 0) {
        out.push_str(&l);
        out.push('\n');
    }
    if sub.is_none() && !spec.subcommands.is_empty() {
        out.push_str("\npositional arguments:\n");
        let names: Vec<&str> = spec.subcommands.iter().map(|s| s.name).collect();
        out.push_str(&format!("  {{{}}}\n", names.join(",")));
        for s in spec.subcommands {
            out.push_str(&format!("    {:<21}{}\n", s.name, s.help));
        }
    }
    out.push_str("\noptional arguments:\n");
    let mut rows: Vec<(String, &str)> = vec![("-h, --help".to_string(), "show this help message and exit")];
    for a in args {
        rows.push((usage_fragment(a), a.help));
    }
    for (left, text) in rows {
        let left = format!("  {left}");
        let desc = wrap(text, 80 - 25, 25);
        if left.chars().count() <= 23 {
            out.push_str(&format!("{left:<25}{}\n", desc[0]));
            for d in &desc[1..] {
                out.push_str(&format!("{:25}{d}\n", ""));
            }
        } else {
            out.push_str(&left);
            out.push('\n');
            for d in &desc {
                out.push_str(&format!("{:25}{d}\n", ""));
            }
        }
    }
    out
}

fn looks_like_flag(s: &str) -> bool {
    s.starts_with('-') && s.len() > 1 && !s[1..].chars().next().is_some_and(|c| c.is_ascii_digit() || c == '.')
}

enum Match<'a> {
    Found(&'a ArgSpec),
    Help,
    Ambiguous(Vec<&'static str>),
    None,
}

fn find_arg<'a>(args: &'a [ArgSpec], name: &str) -> Match<'a> {
    if name == "-h" || name == "--help" {
        return Match::Help;
    }
    if let Some(a) = args.iter().find(|a| a.flag == name) {
        return Match::Found(a);
    }
    if !name.starts_with("--") || name.len() < 3 {
        return Match::None;
    }
    let mut cands: Vec<&'static str> = args.iter().map(|a| a.flag).filter(|f| f.starts_with(name)).collect();
    if "--help".starts_with(name) {
        cands.push("--help");
    }
    // ArgumentParserImpl.resolveNextFlag sorts the candidates.
    cands.sort_unstable();
    match cands.len() {
        0 => Match::None,
        1 if cands[0] == "--help" => Match::Help,
        1 => match args.iter().find(|a| a.flag == cands[0]) {
            Some(a) => Match::Found(a),
            None => Match::None,
        },
        _ => Match::Ambiguous(cands),
    }
}

/// Parses the options of one level (top level or a sub-command). Returns the
/// index where a positional (the sub-command) starts, if any.
fn parse_level(
    spec: &ParserSpec,
    sub: Option<&SubSpec>,
    args: &[String],
    out: &mut ParsedOpts,
    stop_at_positional: bool,
) -> Result<Option<usize>, Outcome> {
    let specs: &[ArgSpec] = match sub {
        Some(s) => s.args,
        None => spec.args,
    };
    let err = |m: String| Outcome::Error(error_output(spec, sub, &m));
    let mut unrecognized: Vec<String> = Vec::new();
    let mut seen_groups: Vec<(u8, &'static str)> = Vec::new();
    let mut i = 0usize;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if !looks_like_flag(a) {
            if stop_at_positional {
                finish_level(spec, sub, specs, out, &unrecognized)?;
                return Ok(Some(i - 1));
            }
            unrecognized.push(a.clone());
            continue;
        }
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (a.as_str(), None),
        };
        let found = match find_arg(specs, name) {
            Match::Help => return Err(Outcome::Help(help_output(spec, sub))),
            Match::Ambiguous(c) => return Err(err(format!("ambiguous option: {name} could match {}", c.join(", ")))),
            Match::None => {
                unrecognized.push(a.clone());
                continue;
            }
            Match::Found(f) => f,
        };
        if let Some(g) = found.group {
            if let Some((_, other)) = seen_groups.iter().find(|(sg, f)| *sg == g && *f != found.flag) {
                return Err(err(format!("argument {}: not allowed with argument {other}", found.flag)));
            }
            seen_groups.push((g, found.flag));
        }
        let dest = found.name().to_string();
        match found.metavar {
            None => {
                if inline.is_some() {
                    return Err(err(format!(
                        "argument {}: ignored explicit argument '{}'",
                        found.flag,
                        inline.unwrap_or_default()
                    )));
                }
                out.entries.retain(|(n, _)| *n != dest);
                out.entries.push((dest, None));
            }
            Some(_) => {
                let mut vals: Vec<String> = Vec::new();
                if let Some(v) = inline {
                    vals.push(v);
                } else if found.many {
                    while i < args.len() && !looks_like_flag(&args[i]) {
                        vals.push(args[i].clone());
                        i += 1;
                    }
                } else if i < args.len() && !looks_like_flag(&args[i]) {
                    vals.push(args[i].clone());
                    i += 1;
                }
                if vals.is_empty() {
                    let what = if found.many { "expected at least one argument" } else { "expected one argument" };
                    return Err(err(format!("argument {}: {what}", found.flag)));
                }
                for v in &vals {
                    if !found.ty.converts(v) {
                        return Err(err(format!(
                            "argument {}: could not convert '{v}' to {} (For input string: \"{v}\")",
                            found.flag,
                            found.ty.java_name()
                        )));
                    }
                    // ArgumentImpl.convert: the converted value must be one of the choices.
                    if let Some(c) = found.choices.filter(|c| !c.contains(&v.as_str())) {
                        return Err(err(format!(
                            "argument {}: invalid choice: '{v}' (choose from {{{}}})",
                            found.flag,
                            c.join(",")
                        )));
                    }
                }
                out.entries.retain(|(n, _)| *n != dest);
                for v in vals {
                    out.entries.push((dest.clone(), Some(v)));
                }
            }
        }
    }
    finish_level(spec, sub, specs, out, &unrecognized)?;
    Ok(None)
}

/// The end-of-level checks: required arguments, required mutually
/// exclusive groups, then unrecognized arguments.
fn finish_level(
    spec: &ParserSpec,
    sub: Option<&SubSpec>,
    specs: &[ArgSpec],
    out: &ParsedOpts,
    unrecognized: &[String],
) -> Result<(), Outcome> {
    let err = |m: String| Outcome::Error(error_output(spec, sub, &m));
    for a in specs.iter().filter(|a| a.required) {
        if !out.has(a.name()) {
            return Err(err(format!("argument {} is required", a.flag)));
        }
    }
    if sub.is_none() {
        for g in spec.groups.iter().filter(|g| g.required) {
            let members: Vec<&ArgSpec> = specs.iter().filter(|a| a.group == Some(g.id)).collect();
            if !members.iter().any(|m| out.has(m.name())) {
                let flags: Vec<&str> = members.iter().map(|m| m.flag).collect();
                return Err(err(format!("one of the arguments {} is required", flags.join(" "))));
            }
        }
    }
    if !unrecognized.is_empty() {
        return Err(err(format!("unrecognized arguments: '{}'", unrecognized.join(" "))));
    }
    Ok(())
}

fn help_output(spec: &ParserSpec, sub: Option<&SubSpec>) -> Output {
    let mut o = Output::new();
    o.out(&help(spec, sub));
    o
}

/// Parses `args` against `spec` (argparse4j rules: prefixes accepted).
pub(crate) fn parse_args(spec: &ParserSpec, args: &[String]) -> Outcome {
    let mut out = ParsedOpts { arg_count: u32::try_from(args.len()).unwrap_or(u32::MAX), ..ParsedOpts::default() };
    let has_subs = !spec.subcommands.is_empty();
    let pos = match parse_level(spec, None, args, &mut out, has_subs) {
        Ok(p) => p,
        Err(o) => return o,
    };
    if !has_subs {
        return Outcome::Parsed(out);
    }
    let Some(pos) = pos else {
        return Outcome::Error(error_output(spec, None, "too few arguments"));
    };
    let name = &args[pos];
    let Some(sub) = spec.subcommands.iter().find(|s| s.name == name) else {
        let choices: Vec<String> = spec.subcommands.iter().map(|s| format!("'{}'", s.name)).collect();
        return Outcome::Error(error_output(
            spec,
            None,
            &format!("invalid choice: '{name}' (choose from {})", choices.join(", ")),
        ));
    };
    out.subcommand = Some(sub.name.to_string());
    if let Err(o) = parse_level(spec, Some(sub), &args[pos + 1..], &mut out, false) {
        return o;
    }
    Outcome::Parsed(out)
}

/// `TerseException` output of `kafka-metadata-quorum`: the message on
/// stderr, exit 1 (`MetadataQuorumCommand`).
pub(crate) fn terse(message: &str) -> Output {
    Output::failure(message)
}

/// `MetadataQuorumCommand` checks of `describe`.
pub(crate) const QUORUM_ONE_OF: &str = "One of --status or --replication must be specified with describe sub-command";
/// `MetadataQuorumCommand`
pub(crate) const QUORUM_ONLY_ONE: &str =
    "Only one of --status or --replication should be specified with describe sub-command";
/// `MetadataQuorumCommand`
pub(crate) const QUORUM_HUMAN_READABLE: &str = "The option --human-readable is only supported along with --replication";
/// `MetadataQuorumCommand`
pub(crate) const QUORUM_ADD_NEEDS_CONFIG: &str =
    "You must supply the configuration file of the controller you are adding when using add-controller.";

/// `Properties file <f> does not exist.` (`MetadataQuorumCommand.getProperties`).
pub(crate) fn quorum_properties_missing(file: &str) -> String {
    format!("Properties file {file} does not exist.")
}

/// Parses and checks a `kafka-metadata-quorum` command line (`MetadataQuorumCommand`).
pub(crate) fn parse_metadata_quorum(args: &[String]) -> Result<Parsed, Output> {
    let opts = match parse_args(&METADATA_QUORUM, args) {
        Outcome::Parsed(p) => p,
        Outcome::Help(o) | Outcome::Error(o) => return Err(o),
    };
    match opts.subcommand.as_deref() {
        Some("describe") => {
            let status = opts.has("status");
            let replication = opts.has("replication");
            if status && replication {
                return Err(terse(QUORUM_ONLY_ONE));
            }
            if status && opts.has("human-readable") {
                return Err(terse(QUORUM_HUMAN_READABLE));
            }
            if !status && !replication {
                return Err(terse(QUORUM_ONE_OF));
            }
        }
        Some("add-controller") if !opts.has("command-config") => {
            return Err(terse(QUORUM_ADD_NEEDS_CONFIG));
        }
        _ => {}
    }
    Ok(Parsed { opts, notes: Output::new() })
}

/// Parses and checks a `kafka-producer-perf-test` command line: the `ArgumentParserException`s
/// of Kafka 4.4 `ProducerPerformance.ConfigPostProcessor`, in its order. What it does after them
/// (reading the payload file, the deprecation notices, reading the properties) is the tool's
/// (`tools::perf_test`). With no arguments the tool prints its help on stdout and exits 0.
pub(crate) fn parse_producer_perf_test(args: &[String]) -> Result<Parsed, Output> {
    let spec = &PRODUCER_PERF_TEST;
    if args.is_empty() {
        return Err(help_output(spec, None));
    }
    let opts = match parse_args(spec, args) {
        Outcome::Parsed(p) => p,
        Outcome::Help(o) | Outcome::Error(o) => return Err(o),
    };
    let fail = |m: &str| Err(error_output(spec, None, m));
    let long = |n: &str| opts.value(n).and_then(java_parse_long);
    let num = long("num-records").unwrap_or(0);
    // Math.max(warmupRecords, 0)
    let warmup = long("warmup-records").unwrap_or(0).max(0);
    if num <= 0 {
        return fail("--num-records should be greater than zero.");
    }
    if warmup >= num {
        return fail("The value for --warmup-records must be strictly fewer than the number of records in the test, --num-records.");
    }
    if opts.value("record-size").and_then(java_parse_int).is_some_and(|rs| rs <= 0) {
        return fail("--record-size should be greater than zero.");
    }
    let has = |n: &str| opts.has(n);
    if !has("bootstrap-server")
        && !has("command-property")
        && !has("producer-props")
        && !has("producer.config")
        && !has("command-config")
    {
        return fail("At least one of --bootstrap-server, --command-property, --producer-props, --producer.config or --command-config must be specified.");
    }
    if has("command-property") && has("producer-props") {
        return fail("--command-property and --producer-props cannot be specified together.");
    }
    if has("command-config") && has("producer.config") {
        return fail("--command-config and --producer.config cannot be specified together.");
    }
    if long("transaction-duration-ms").is_some_and(|d| d <= 0) {
        return fail("--transaction-duration-ms should be greater than zero.");
    }
    if long("reporting-interval").is_some_and(|d| d <= 0) {
        return fail("--reporting-interval should be greater than zero.");
    }
    let key_range = opts.value("record-key-range").and_then(java_parse_int);
    if key_range.is_some_and(|r| r <= 0) {
        return fail("--record-key-range should be greater than zero.");
    }
    let distribution = opts.value("key-distribution").unwrap_or("none");
    if distribution != "none" && key_range.is_none() {
        return fail("--record-key-range is required when --key-distribution is 'range' or 'random'.");
    }
    if distribution == "none" && key_range.is_some() {
        return fail("--key-distribution must be 'range' or 'random' when --record-key-range is specified.");
    }
    Ok(Parsed { opts, notes: Output::new() })
}
