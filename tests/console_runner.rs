//! The native runner `brokerlab`: a script file or stdin, stdout and stderr
//! kept apart, `--echo`, `--strict`, `--help`.
#![cfg(not(target_arch = "wasm32"))]

use std::io::Write;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_brokerlab");

fn script_file(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("brokerlab-runner-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

const SCRIPT: &str =
    "kafka-topics --bootstrap-server localhost:9092 --create --topic orders --partitions 2 --replication-factor 2
kafka-topics --bootstrap-server localhost:9092 --create --topic orders
kafka-topics --bootstrap-server localhost:9092 --list
";

#[test]
fn runs_a_script_file_with_streams_apart() {
    let p = script_file("a.txt", SCRIPT);
    let out = Command::new(BIN).arg(&p).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "without --strict a failing command does not stop the script");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stdout,
        "Created topic orders.\nError while executing topic command : Topic 'orders' already exists.\norders\n"
    );
    assert!(stderr.contains("ERROR org.apache.kafka.common.errors.TopicExistsException: Topic 'orders' already exists.\n (org.apache.kafka.tools.TopicCommand)\n"));
}

#[test]
fn strict_stops_at_the_first_failure_with_its_exit_code() {
    let p = script_file("b.txt", SCRIPT);
    let out = Command::new(BIN).arg("--strict").arg(&p).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(!stdout.contains("orders\n"), "the --list after the failure did not run: {stdout}");
}

#[test]
fn reads_stdin_and_echoes_commands() {
    let mut child = Command::new(BIN)
        .args(["--echo", "--seed", "7", "--brokers", "1", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"seed\nbroker list\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.starts_with("$ seed\n7\n$ broker list\nBROKER  LISTENER        STATE    LEADERS  RACK\n1 "),
        "{stdout}"
    );
}

#[test]
fn help_and_bad_arguments() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8(out.stdout).unwrap().starts_with("usage: brokerlab [--strict]"));
    let out = Command::new(BIN).arg("--frobnicate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = Command::new(BIN).arg("/no/such/script.txt").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr).unwrap().starts_with("brokerlab: cannot read /no/such/script.txt"));
}

/// `brokerlab --help | head -0` and a script whose reader goes away: a closed stdout ends the
/// runner quietly (no panic, no "failed printing to stdout"), with SIGPIPE's 141.
#[test]
fn a_closed_stdout_ends_the_runner_quietly() {
    let long = "seq 1 2000\n".repeat(200);
    let p = script_file("closed.txt", &long);
    for args in [vec!["--help".to_string()], vec!["--echo".to_string(), p.display().to_string()]] {
        let (reader, writer) = std::io::pipe().unwrap();
        // Nobody will ever read: the read end is closed before the runner writes.
        drop(reader);
        let out = Command::new(BIN).args(&args).stdout(writer).stderr(Stdio::piped()).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(stderr, "", "{args:?}");
        assert_eq!(out.status.code(), Some(141), "{args:?}");
    }
}
