//! The native headless runner: `brokerlab [--strict] [--echo] [--seed N] [--brokers N]
//! [--controllers N] SCRIPT|-`. Each command's stdout goes to stdout and its stderr to
//! stderr, in order; with `--echo` every command is first printed as `$ command`. The
//! exit code is 0, unless `--strict` stops the script at the first failing command, whose
//! exit code it then returns.

use super::format::Stream;
use super::session::Console;
use super::typing::Typed;
use crate::sim::world::ClusterConfig;
use std::io::{Read, Write};

/// The runner's usage text.
pub(crate) const USAGE: &str =
    "usage: brokerlab [--strict] [--echo] [--seed N] [--brokers N] [--controllers N] SCRIPT|-

Runs a console script (Kafka tools and simulator commands, one per line; '-' reads
the script from stdin) against a simulated Kafka cluster and prints what each command
prints: stdout to stdout, stderr to stderr.

  --strict          stop at the first failing command and exit with its code
  --echo            print each command as '$ command' before its output
  --seed N          the seed of the simulation (default 42)
  --brokers N       number of brokers (default 3)
  --controllers N   number of KRaft controllers, odd (default 1)
  --help            this text
";

struct Options {
    strict: bool,
    echo: bool,
    seed: u64,
    brokers: u32,
    controllers: u32,
    script: Option<String>,
}

fn parse(args: &[String]) -> Result<Option<Options>, String> {
    let mut o = Options { strict: false, echo: false, seed: 42, brokers: 3, controllers: 1, script: None };
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        let value = |i: usize| args.get(i + 1).ok_or_else(|| format!("{a} needs a value"));
        match a {
            "--help" | "-h" => return Ok(None),
            "--strict" => o.strict = true,
            "--echo" => o.echo = true,
            "--seed" => {
                o.seed = value(i)?.parse().map_err(|_| format!("--seed needs a number, not {}", args[i + 1]))?;
                i += 1;
            }
            "--brokers" => {
                o.brokers = value(i)?.parse().map_err(|_| format!("--brokers needs a number, not {}", args[i + 1]))?;
                i += 1;
            }
            "--controllers" => {
                o.controllers =
                    value(i)?.parse().map_err(|_| format!("--controllers needs a number, not {}", args[i + 1]))?;
                i += 1;
            }
            s if s.starts_with("--") => return Err(format!("unknown option {s}")),
            s => {
                if o.script.is_some() {
                    return Err(format!("only one script, not also {s}"));
                }
                o.script = Some(s.to_string());
            }
        }
        i += 1;
    }
    Ok(Some(o))
}

/// The exit code after stdout was closed under the runner (`brokerlab ... | head -1`): what a
/// process killed by SIGPIPE reports (128 + 13). The runner stops quietly instead.
pub(crate) const CLOSED_STDOUT: i32 = 141;

/// Writes `text` to stdout or stderr and flushes. A write that fails (a closed pipe: EPIPE,
/// or any other error) returns false instead of panicking as `print!` does.
fn emit(stream: Stream, text: &str) -> bool {
    fn write_all(w: &mut dyn Write, text: &str) -> bool {
        w.write_all(text.as_bytes()).and_then(|_| w.flush()).is_ok()
    }
    match stream {
        Stream::Stdout => write_all(&mut std::io::stdout().lock(), text),
        // A Brokerlab note (never Kafka's output) goes where the diagnostics go.
        Stream::Stderr | Stream::Note => write_all(&mut std::io::stderr().lock(), text),
    }
}

/// A message on stderr (if stderr is gone too, there is nobody left to tell).
fn complain(text: &str) {
    let _ = emit(Stream::Stderr, text);
}

/// Runs the runner with the given arguments and returns the process exit code.
pub fn main(args: &[String]) -> i32 {
    let opts = match parse(args) {
        Ok(Some(o)) => o,
        Ok(None) => {
            return if emit(Stream::Stdout, USAGE) { 0 } else { CLOSED_STDOUT };
        }
        Err(m) => {
            complain(&format!("brokerlab: {m}\n{USAGE}"));
            return 2;
        }
    };
    let Some(script) = opts.script.as_deref() else {
        complain(&format!("brokerlab: which script? give a file, or - for stdin\n{USAGE}"));
        return 2;
    };
    let text = if script == "-" {
        let mut s = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut s) {
            complain(&format!("brokerlab: cannot read stdin: {e}\n"));
            return 2;
        }
        s
    } else {
        match std::fs::read_to_string(script) {
            Ok(s) => s,
            Err(e) => {
                complain(&format!("brokerlab: cannot read {script}: {e}\n"));
                return 2;
            }
        }
    };
    let cfg = ClusterConfig { brokers: opts.brokers, controllers: opts.controllers, ..ClusterConfig::default() };
    let mut console = match Console::new(opts.seed, cfg) {
        Ok(c) => c,
        Err(m) => {
            complain(&format!("brokerlab: {m}\n"));
            return 2;
        }
    };
    // The script is typed into the console line by line, as at the page's prompt (here-
    // documents and continuation lines included); each complete command runs to the end and
    // its output is printed before the next line is typed.
    let mut code = 0;
    console.type_script(&text, |typed| {
        let (output, echo) = match typed {
            Typed::Ran { text, output, .. } => (output, Some(text)),
            Typed::Refused { line, why, .. } => {
                (super::format::Output::failure(&format!("line {line}: {why}")).with_exit(2), None)
            }
            // Clear, the only other kind type_script hands on.
            _ => (super::format::Output::new(), Some("clear".to_string())),
        };
        if let (true, Some(text)) = (opts.echo, echo) {
            if !emit(Stream::Stdout, &format!("$ {text}\n")) {
                code = CLOSED_STDOUT;
                return false;
            }
        }
        for c in &output.chunks {
            // Nobody reads stdout any more: stop, quietly. A closed stderr only loses the
            // error lines.
            if !emit(c.stream, &c.text) && c.stream == Stream::Stdout {
                code = CLOSED_STDOUT;
                return false;
            }
        }
        if opts.strict && output.exit_code != 0 {
            code = output.exit_code;
            return false;
        }
        true
    });
    code
}

/// The process arguments as text; an argument that is not UTF-8 is converted lossily instead
/// of panicking (`std::env::args` would).
pub fn process_args() -> Vec<String> {
    std::env::args_os().skip(1).map(|a| a.to_string_lossy().into_owned()).collect()
}
