//! Fuzz-style robustness test: random and mutated command lines through the
//! shell and every tool's option parser must never panic, and every
//! rejection must say something on its first line (`TopicCommand`; the messages are
//! the Kafka tools').

use super::super::{parse_command, Tool};
use crate::console::format::producer::{read_record, ReaderConfig};
use crate::console::shell::{needs_more_input, parse_script};

/// xorshift64* — tiny, deterministic, portable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % (n.max(1) as u64)) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

const ODD: &[&str] = &[
    "'", "\"", "\\", "|", "<<EOF", "<<-X", "<<'E O'", "\nEOF\n", ";", "#", "&", ">", "<", "$(", "`", "(", ")", "\n",
    "\t", "é", "✓", "\u{0}", "\u{7f}", "日本", "--", "-", "=", "==", ":", ",", "[", "]", "{", "}", "%d", "%s", "%q",
    "\\n", "-e", "-n", "\r", "\u{feff}", "🦀", "\u{202e}",
];

const VALUES: &[&str] = &[
    "localhost:9092",
    "b:1",
    "orders",
    "0",
    "-1",
    "-2",
    "3",
    "99999999999999999999",
    "abc",
    "",
    " ",
    "earliest",
    "latest",
    "preferred",
    "UNCLEAN",
    "stable,empty",
    "classic",
    "a=b",
    "k=[1,2]",
    "x:0-3,y:5-",
    "topics",
    "brokers",
    "1",
    "g1",
    "parse.key=true",
    "key.separator=:",
    "headers.delimiter=,",
    "null.marker=\t",
    "group.id=zz",
    "auto.offset.reset=latest",
];

const PRODUCERS: &[&str] = &[
    "echo a b",
    "echo -ne 'x\\ny'",
    "printf '%s\\n' a b",
    "seq 5",
    "seq 2 4",
    "cat <<EOF",
    "grep x",
    "seq 1 0 3",
    "printf '%d' z",
];

fn tool_token(rng: &mut Rng, t: Tool) -> String {
    let base = t.program();
    match rng.below(6) {
        0 => format!("bin/{base}.sh"),
        1 => format!("{base}.sh"),
        2 => format!("./bin/{base}.sh"),
        _ => base.to_string(),
    }
}

fn option_names(t: Tool) -> Vec<String> {
    let mut v: Vec<String> = match t.spec() {
        Some(s) => s.all_options().iter().map(|o| o.name.to_string()).collect(),
        None => Vec::new(),
    };
    match t {
        Tool::MetadataQuorum => {
            for n in [
                "bootstrap-server",
                "bootstrap-controller",
                "command-config",
                "status",
                "replication",
                "human-readable",
                "dry-run",
                "controller-id",
                "controller-directory-id",
                "re",
                "hu",
                "boot",
                "h",
                "help",
            ] {
                v.push(n.to_string());
            }
        }
        Tool::ProducerPerfTest => {
            for n in [
                "topic",
                "num-records",
                "record-size",
                "payload-file",
                "payload-monotonic",
                "throughput",
                "producer-props",
                "producer.config",
                "print-metrics",
                "transactional-id",
                "transaction-duration-ms",
                "payload-delimiter",
                "bootstrap-server",
                "command-property",
                "command-config",
                "warmup-records",
                "reporting-interval",
                "record-key-range",
                "key-distribution",
                "random-seed",
                "top",
                "help",
            ] {
                v.push(n.to_string());
            }
        }
        _ => {}
    }
    v.push("zookeeper".to_string());
    v.push("broker-list".to_string());
    v
}

fn random_token(rng: &mut Rng, names: &[String]) -> String {
    match rng.below(10) {
        0..=3 => format!("--{}", rng.pick(names)),
        4 => format!("--{}={}", rng.pick(names), rng.pick(VALUES)),
        5 => format!("-{}", rng.pick(names)),
        6 => rng.pick(ODD).to_string(),
        7 => {
            let n = rng.below(6);
            (0..n).map(|_| char::from_u32((rng.next() % 0x2FFF) as u32).unwrap_or('?')).collect()
        }
        8 => ["describe", "add-controller", "remove-controller", "explain"][rng.below(4)].to_string(),
        _ => rng.pick(VALUES).to_string(),
    }
}

fn mutate(rng: &mut Rng, s: &str) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    for _ in 0..=rng.below(4) {
        let pos = rng.below(chars.len() + 1);
        match rng.below(3) {
            0 if !chars.is_empty() => {
                let p = pos.min(chars.len() - 1);
                chars.remove(p);
            }
            1 => {
                let ins: Vec<char> = rng.pick(ODD).chars().collect();
                for (i, c) in ins.into_iter().enumerate() {
                    chars.insert((pos + i).min(chars.len()), c);
                }
            }
            _ if !chars.is_empty() => {
                let p = pos.min(chars.len() - 1);
                chars[p] = char::from_u32((rng.next() % 0x7F) as u32).unwrap_or(' ');
            }
            _ => {}
        }
    }
    chars.into_iter().collect()
}

fn check_line(line: &str, counts: &mut [u64; 4]) {
    let _ = needs_more_input(line);
    for item in parse_script(line) {
        match item {
            Err(e) => {
                counts[0] += 1;
                assert!(!e.message.trim().is_empty(), "empty shell error for {line:?}");
                assert!(!e.message.contains('\n'), "multi-line shell error {e:?} for {line:?}");
                assert!(e.line >= 1);
            }
            Ok(it) => {
                let Some(tool) = it.argv.first().and_then(|p| Tool::from_program(p)) else {
                    counts[1] += 1;
                    continue;
                };
                match parse_command(tool, &it.argv[1..]) {
                    Ok(p) => {
                        counts[2] += 1;
                        assert_eq!(p.notes.exit_code, 0);
                    }
                    Err(o) => {
                        counts[3] += 1;
                        let text: String = o.chunks.iter().map(|c| c.text.as_str()).collect();
                        let first = text.lines().next().unwrap_or_default();
                        assert!(!first.trim().is_empty(), "empty first line for {:?}: {o:?}", it.argv);
                        if o.exit_code == 0 {
                            // only --version and help screens succeed
                            assert!(
                                first == "4.4.0" || first.starts_with("usage: "),
                                "exit 0 rejection {first:?} for {:?}",
                                it.argv
                            );
                        }
                    }
                }
            }
        }
    }
}

// Brief: >= 100,000 random and mutated command lines through shell + opts.
#[test]
fn fuzz_command_lines() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut counts = [0u64; 4];
    let seeds: Vec<String> = vec![
        "bin/kafka-topics.sh --bootstrap-server localhost:9092 --create --topic orders --partitions 3".to_string(),
        "kafka-console-producer --topic t --bootstrap-server b:1 --property parse.key=true <<EOF\nk\tv\nEOF"
            .to_string(),
        "echo hi | kafka-console-producer --topic t --bootstrap-server b:1".to_string(),
        "kafka-consumer-groups --bootstrap-server b:1 --describe --group g --members --verbose".to_string(),
        "kafka-metadata-quorum --bootstrap-server b:1 describe --re --hu".to_string(),
        "kafka-producer-perf-test --topic t --num-records 5 --record-size 1 --throughput -1 --producer-props a=b"
            .to_string(),
        "kafka-configs --bootstrap-server b:1 --alter --entity-type topics --entity-name t --add-config 'a=[1,2],b=3'"
            .to_string(),
    ];
    const N: usize = 100_000;
    for i in 0..N {
        let line = if i % 3 == 0 {
            let s = rng.pick(&seeds).clone();
            mutate(&mut rng, &s)
        } else {
            let tool = *rng.pick(&Tool::ALL);
            let names = option_names(tool);
            let mut parts: Vec<String> = Vec::new();
            if rng.chance(10) {
                parts.push(rng.pick(PRODUCERS).to_string());
                parts.push("|".to_string());
            }
            parts.push(if rng.chance(95) { tool_token(&mut rng, tool) } else { "kafka-nope".to_string() });
            for _ in 0..rng.below(9) {
                parts.push(random_token(&mut rng, &names));
            }
            let sep = if rng.chance(20) { "\t" } else { " " };
            parts.join(sep)
        };
        check_line(&line, &mut counts);
    }
    // Every path was exercised.
    assert!(counts.iter().all(|c| *c > 100), "{counts:?}");
}

// `LineMessageReader`: the line reader never panics on random lines/configs
#[test]
fn fuzz_line_reader() {
    let mut rng = Rng(42);
    let seps = ["\t", ":", ",", "=", "", "::", "é", "|"];
    for i in 0..20_000u32 {
        let props: Vec<(String, String)> = vec![
            ("parse.key".into(), if rng.chance(50) { "true".into() } else { "false".into() }),
            ("parse.headers".into(), if rng.chance(50) { " TRUE ".into() } else { "no".into() }),
            ("key.separator".into(), rng.pick(&seps).to_string()),
            ("headers.delimiter".into(), rng.pick(&seps).to_string()),
            ("headers.separator".into(), rng.pick(&seps).to_string()),
            ("headers.key.separator".into(), rng.pick(&seps).to_string()),
            ("ignore.error".into(), if rng.chance(30) { "true".into() } else { "false".into() }),
        ];
        let cfg = match ReaderConfig::from_properties(&props) {
            Ok(c) => c,
            Err(m) => {
                assert!(m.ends_with("may not be equal"));
                continue;
            }
        };
        let line: String = (0..rng.below(12))
            .map(|_| {
                let a = rng.pick(&seps).to_string();
                a + *rng.pick(VALUES)
            })
            .collect();
        if let Err(m) = read_record(&line, i + 1, &cfg) {
            assert!(!m.is_empty());
        }
    }
}
