//! The native headless runner: `brokerlab [--strict] [--echo] [--seed N] [--brokers N]
//! [--controllers N] SCRIPT|-`. Each command's stdout goes to stdout and its stderr to
//! stderr, in order; with `--echo` every command is first printed as `$ command`. The
//! exit code is 0, unless `--strict` stops the script at the first failing command, whose
//! exit code it then returns.

use super::format::Stream;
use super::session::Console;
use super::typing::{open_gate, Mode, Typed};
use crate::sim::world::ClusterConfig;
use std::io::{Read, Write};

/// The runner's usage text.
pub const USAGE: &str = "usage: brokerlab [--strict] [--echo] [--seed N] [--brokers N] [--controllers N] SCRIPT|-

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

/// Runs the runner with the given arguments and returns the process exit code.
pub fn main(args: &[String]) -> i32 {
    let opts = match parse(args) {
        Ok(Some(o)) => o,
        Ok(None) => {
            print!("{USAGE}");
            return 0;
        }
        Err(m) => {
            eprintln!("brokerlab: {m}");
            eprint!("{USAGE}");
            return 2;
        }
    };
    let Some(script) = opts.script.as_deref() else {
        eprintln!("brokerlab: which script? give a file, or - for stdin");
        eprint!("{USAGE}");
        return 2;
    };
    let text = if script == "-" {
        let mut s = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut s) {
            eprintln!("brokerlab: cannot read stdin: {e}");
            return 2;
        }
        s
    } else {
        match std::fs::read_to_string(script) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("brokerlab: cannot read {script}: {e}");
                return 2;
            }
        }
    };
    let cfg = ClusterConfig { brokers: opts.brokers, controllers: opts.controllers, ..ClusterConfig::default() };
    let mut console = match Console::new(opts.seed, cfg) {
        Ok(c) => c,
        Err(m) => {
            eprintln!("brokerlab: {m}");
            return 2;
        }
    };
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    // The script is typed into the console line by line, as at the page's prompt (here-
    // documents and continuation lines included); each complete command runs to the end.
    let mut lines = text.split('\n').enumerate();
    loop {
        let typed = match lines.next() {
            Some((i, line)) => console.type_line_at(line, i as u32 + 1, Mode::Script, &open_gate),
            None => match console.finish_script() {
                Some(t) => t,
                None => break,
            },
        };
        let (output, echo) = match typed {
            Typed::Ran { text, output, .. } => (output, Some(text)),
            Typed::Refused { line, why, .. } => {
                (super::format::Output::failure(&format!("line {line}: {why}")).with_exit(2), None)
            }
            Typed::Clear => (super::format::Output::new(), Some("clear".to_string())),
            Typed::Nothing | Typed::More | Typed::ToTool { .. } => continue,
        };
        if let (true, Some(text)) = (opts.echo, echo) {
            let mut so = stdout.lock();
            let _ = writeln!(so, "$ {text}");
            let _ = so.flush();
        }
        for c in &output.chunks {
            match c.stream {
                Stream::Stdout => {
                    let mut so = stdout.lock();
                    let _ = so.write_all(c.text.as_bytes());
                    let _ = so.flush();
                }
                Stream::Stderr => {
                    let mut se = stderr.lock();
                    let _ = se.write_all(c.text.as_bytes());
                    let _ = se.flush();
                }
            }
        }
        if opts.strict && output.exit_code != 0 {
            return output.exit_code;
        }
    }
    0
}
