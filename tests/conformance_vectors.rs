//! Brokerlab against Apache Kafka 4.4.0's own answers, recorded by `conformance/` into
//! `tests/conformance/vectors/<family>.jsonl` (format in `conformance/README.md`: a header line,
//! then one case per line). One `#[test]` per family; each prints `<family>: N/N vectors agree`
//! and the first disagreements, readably. Re-record with `./scripts/conformance vectors <family>`.
//!
//! Each family's section is self-contained; only the JSONL reader below is shared.

use serde_json::Value;
use std::path::Path;

/// A family's vector file: its header and its cases, in file order.
struct Vectors {
    header: Value,
    cases: Vec<Value>,
}

fn load(family: &str) -> Vectors {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/vectors").join(format!("{family}.jsonl"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| serde_json::from_str::<Value>(l).unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), i + 1)));
    let header = lines.next().unwrap_or_else(|| panic!("{}: empty", path.display()));
    assert_eq!(header["kafka"], "4.4.0", "{}: recorded from another Kafka", path.display());
    assert_eq!(header["family"], family);
    let cases: Vec<Value> = lines.collect();
    assert_eq!(header["count"].as_u64(), Some(cases.len() as u64), "{}: header count", path.display());
    Vectors { header, cases }
}

/// Tallies a family: every case either agrees or adds a readable disagreement.
struct Tally {
    family: &'static str,
    total: usize,
    disagreements: Vec<String>,
}

impl Tally {
    fn new(family: &'static str) -> Tally {
        Tally { family, total: 0, disagreements: Vec::new() }
    }

    /// One vector: `problems` empty means Brokerlab agrees with Kafka on it.
    fn case(&mut self, what: impl std::fmt::Display, problems: Vec<String>) {
        self.total += 1;
        if !problems.is_empty() {
            self.disagreements.push(format!("{what}:\n    {}", problems.join("\n    ")));
        }
    }

    /// Prints the figure and fails with the first disagreements.
    fn finish(self) {
        let agree = self.total - self.disagreements.len();
        println!("{}: {agree}/{} vectors agree", self.family, self.total);
        if !self.disagreements.is_empty() {
            let shown: Vec<&String> = self.disagreements.iter().take(25).collect();
            panic!(
                "{}: {} of {} vectors disagree with Kafka 4.4.0; the first:\n  {}",
                self.family,
                self.disagreements.len(),
                self.total,
                shown.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n  ")
            );
        }
    }
}

/// `problems.push` when Brokerlab's value differs from Kafka's.
fn check<T: PartialEq + std::fmt::Debug>(problems: &mut Vec<String>, what: &str, brokerlab: T, kafka: T) {
    if brokerlab != kafka {
        problems.push(format!("{what}: Brokerlab {brokerlab:?}, Kafka {kafka:?}"));
    }
}

// ---------------------------------------------------------------------------------------------
// errors: org.apache.kafka.common.protocol.Errors
// ---------------------------------------------------------------------------------------------

mod errors {
    use super::*;
    use brokerlab::sim::errors::KafkaError;

    #[test]
    fn errors_agree_with_kafka() {
        let v = load("errors");
        let mut t = Tally::new("errors");
        for c in &v.cases {
            let code = c["code"].as_i64().expect("code") as i16;
            let name = c["name"].as_str().expect("name");
            let mut p = Vec::new();
            match KafkaError::from_code(code) {
                // Errors.NONE is "no error": Brokerlab has no variant for it, and Kafka no exception.
                None if code == 0 => check(&mut p, "exception of NONE", None, c["exception"].as_str()),
                None => p.push(format!("Brokerlab has no error with code {code}")),
                Some(e) => {
                    check(&mut p, "name", e.name(), name);
                    check(&mut p, "message", Some(e.message()), c["message"].as_str());
                    check(&mut p, "exception class", Some(e.exception_class()), c["exception"].as_str());
                    check(&mut p, "retriable", Some(e.is_retriable()), c["retriable"].as_bool());
                }
            }
            t.case(format!("{name} ({code})"), p);
        }
        // Nothing Brokerlab defines is missing from Kafka.
        for e in KafkaError::ALL {
            if !v.cases.iter().any(|c| c["code"].as_i64() == Some(i64::from(e.code()))) {
                t.case(format!("Brokerlab's {} ({})", e.name(), e.code()), vec!["Kafka has no such code".into()]);
            }
        }
        t.finish();
    }
}

// ---------------------------------------------------------------------------------------------
// api-versions: what a default 4.4 broker advertises, and what kafka-broker-api-versions prints
// ---------------------------------------------------------------------------------------------

mod api_versions {
    use super::*;
    use brokerlab::console::format::api_versions::api_line;
    use brokerlab::console::tools::api_versions::advertised;
    use brokerlab::sim::broker::requests::api_versions as broker_answer;

    #[test]
    fn broker_api_versions_agree_with_kafka() {
        let v = load("api-versions");
        let mut t = Tally::new("api-versions");
        let answer = broker_answer();
        let printed = advertised(&answer);
        let kafka_keys: Vec<i64> =
            v.cases.iter().filter(|c| c["listener"] == "broker").filter_map(|c| c["key"].as_i64()).collect();
        for c in v.cases.iter().filter(|c| c["listener"] == "broker") {
            let key = c["key"].as_i64().expect("key") as i16;
            let name = c["name"].as_str().expect("name");
            let mut p = Vec::new();
            let ours = answer.iter().find(|a| a.0 == key);
            let kafka_range = c["min"].as_i64().map(|min| (min as i16, c["max"].as_i64().expect("max") as i16));
            check(&mut p, "advertised range", ours.map(|a| (a.2, a.3)), kafka_range);
            if let Some(a) = ours {
                check(&mut p, "name", a.1.as_str(), name);
            }
            let line = printed.iter().find(|a| a.key == key).map(api_line);
            check(&mut p, "printed line", line.as_deref(), c["line"].as_str());
            t.case(format!("broker {name}({key})"), p);
        }
        for a in &printed {
            if !kafka_keys.contains(&i64::from(a.key)) {
                t.case(format!("Brokerlab's {}({})", a.name, a.key), vec!["a 4.4 broker does not list it".into()]);
            }
        }
        // The controller's own list (ControllerServer's SimpleApiVersionManager) is recorded for
        // reference: Brokerlab's controllers take no client connections, so nothing here asks them.
        let controller = v.cases.iter().filter(|c| c["listener"] == "controller").count();
        println!("api-versions: {controller} controller vectors recorded, not compared (no client reaches a Brokerlab controller)");
        assert!(v.header["derivation"].is_string());
        t.finish();
    }
}

// ---------------------------------------------------------------------------------------------
// Shared by the two config families: how Brokerlab's kafka-configs prints an entry, and Kafka's
// recorded error as `(message)` to compare with Brokerlab's.
// ---------------------------------------------------------------------------------------------

mod config_lines {
    use brokerlab::console::format::configs::entry_line;
    use brokerlab::console::tools::configs::view;
    use brokerlab::sim::config::ConfigEntry;

    /// The line `kafka-configs --describe` prints for an entry, without its two-space indent.
    pub fn line(e: &ConfigEntry) -> String {
        entry_line(&view(e)).trim_start().to_string()
    }
}

// ---------------------------------------------------------------------------------------------
// topic-configs: LogConfig, ServerTopicConfigSynonyms, ConfigHelper, the controller's validator
// ---------------------------------------------------------------------------------------------

mod topic_configs {
    use super::config_lines::line;
    use super::*;
    use brokerlab::sim::config::{
        describe_topic_configs, topic_config_def, topic_configs, validate_topic_configs_on_controller,
    };
    use std::collections::BTreeMap;

    fn described(overrides: &BTreeMap<String, String>, name: &str) -> Option<String> {
        let none = BTreeMap::new();
        describe_topic_configs(overrides, &none, &none, &none).iter().find(|e| e.name == name).map(line)
    }

    /// Brokerlab's answer to setting `set` on a topic, against Kafka's recorded one.
    fn compare_case(p: &mut Vec<String>, c: &Value) {
        let set: BTreeMap<String, String> = c["set"]
            .as_object()
            .expect("set")
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().expect("value").to_string()))
            .collect();
        let ours = validate_topic_configs_on_controller(&set, &BTreeMap::new());
        let kafka = c["error"]["message"].as_str().map(str::to_string);
        if c["error"].is_object() {
            // The controller answers INVALID_CONFIG (InvalidConfigurationException) for these.
            assert_eq!(c["error"]["error"], "INVALID_CONFIG", "{set:?}");
        }
        check(p, &format!("verdict on {set:?}"), ours.clone().err(), kafka);
        if let (Ok(()), Some(kline)) = (ours, c["line"].as_str()) {
            let name = set.keys().next().expect("one config");
            check(p, &format!("describe after {set:?}"), described(&set, name).as_deref(), Some(kline));
        }
    }

    #[test]
    fn topic_configs_agree_with_kafka() {
        let v = load("topic-configs");
        let mut t = Tally::new("topic-configs");
        let mut names = Vec::new();
        for c in &v.cases {
            let mut p = Vec::new();
            let Some(name) = c["name"].as_str() else {
                for case in c["cases"].as_array().expect("cases") {
                    compare_case(&mut p, case);
                }
                t.case("names and combinations", p);
                continue;
            };
            names.push(name);
            match topic_config_def(name) {
                None => p.push("Brokerlab does not know it (refuses it as unknown)".into()),
                Some(d) => {
                    check(&mut p, "type", Some(d.ty.name()), c["type"].as_str());
                    check(&mut p, "default", d.default, c["default"].as_str());
                    check(&mut p, "valid values", d.valid_text, c["valid"].as_str());
                    check(&mut p, "internal", Some(d.internal), c["internal"].as_bool());
                    check(&mut p, "server default property", d.server_default, c["server_default_property"].as_str());
                    let ours = described(&BTreeMap::new(), name);
                    check(&mut p, "describe of a fresh topic", ours.as_deref(), c["describe"]["line"].as_str());
                }
            }
            for case in c["cases"].as_array().expect("cases") {
                compare_case(&mut p, case);
            }
            t.case(name, p);
        }
        for d in topic_configs() {
            if !names.contains(&d.name) {
                t.case(format!("Brokerlab's {}", d.name), vec!["Kafka 4.4 has no such topic config".into()]);
            }
        }
        t.finish();
    }
}

// ---------------------------------------------------------------------------------------------
// broker-configs: KafkaConfig, DynamicBrokerConfig, ConfigHelper, ConfigAdminManager
// ---------------------------------------------------------------------------------------------

mod broker_configs {
    use super::config_lines::line;
    use super::*;
    use brokerlab::sim::config::{
        broker_config_def, broker_configs, describe_broker_configs, implicit_static, validate_broker_alter,
        validate_broker_configs,
    };
    use std::collections::BTreeMap;

    /// Broker 1 of a one-controller Brokerlab cluster, as the vectors' broker is.
    fn statics() -> BTreeMap<String, String> {
        implicit_static(1, 9092, &[19091], None)
    }

    fn describe(extra: &BTreeMap<String, String>) -> Vec<brokerlab::sim::config::ConfigEntry> {
        let mut s = statics();
        s.extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
        describe_broker_configs(Some(1), &BTreeMap::new(), &BTreeMap::new(), &s)
    }

    fn static_case(p: &mut Vec<String>, name: &str, c: &Value) {
        let value = c["value"].as_str().expect("value");
        let set: BTreeMap<String, String> = [(name.to_string(), value.to_string())].into();
        let ours = validate_broker_configs(&set);
        check(
            p,
            &format!("broker starting with {name}={value}"),
            ours.clone().err(),
            c["error"]["message"].as_str().map(str::to_string),
        );
        if let (Ok(()), Some(kline)) = (ours, c["line"].as_str()) {
            let ours = describe(&set).iter().find(|e| e.name == name).map(line);
            check(p, &format!("describe with {name}={value}"), ours.as_deref(), Some(kline));
        }
    }

    fn dynamic_case(p: &mut Vec<String>, name: &str, c: &Value) {
        let value = c["value"].as_str().expect("value");
        let entity = c["entity"].as_str().expect("entity");
        let broker = if entity.is_empty() { None } else { Some(entity.parse().expect("broker id")) };
        let none = BTreeMap::new();
        let ours = validate_broker_alter(
            broker,
            &[(name.to_string(), Some(value.to_string()))],
            &none,
            &none,
            &none,
            &statics(),
        )
        .err()
        .map(|e| (e.error.name().to_string(), e.message.unwrap_or_else(|| e.error.message().to_string())));
        let kafka = c["error"]
            .as_object()
            .map(|e| (e["error"].as_str().unwrap_or("").to_string(), e["message"].as_str().unwrap_or("").to_string()));
        let level = if entity.is_empty() { "the cluster default".to_string() } else { format!("broker {entity}") };
        check(p, &format!("alter {name}={value} on {level}"), ours, kafka);
    }

    #[test]
    fn broker_configs_agree_with_kafka() {
        let v = load("broker-configs");
        let mut t = Tally::new("broker-configs");
        // Brokerlab's broker 1 has the server.properties the vectors' broker has.
        let header: BTreeMap<String, String> = v.header["broker_static_configs"]
            .as_object()
            .expect("broker_static_configs")
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
            .collect();
        t.case(
            "broker 1's static configs",
            if header == statics() { vec![] } else { vec![format!("Brokerlab {:?}, Kafka {header:?}", statics())] },
        );
        let listed: Vec<String> = describe(&BTreeMap::new()).iter().map(|e| e.name.clone()).collect();
        let kafka_listed: Vec<String> = v.header["describe_all_names"]
            .as_array()
            .expect("describe_all_names")
            .iter()
            .filter_map(|n| n.as_str().map(str::to_string))
            .collect();
        let mut p = Vec::new();
        check(&mut p, "names listed by --describe --all of broker 1", &listed, &kafka_listed);
        t.case("--describe --all of broker 1", p);
        let described = describe(&BTreeMap::new());
        let mut names = Vec::new();
        for c in &v.cases {
            let mut p = Vec::new();
            let Some(name) = c["name"].as_str() else {
                for s in c["static_cases"].as_array().expect("static_cases") {
                    static_case(&mut p, s["name"].as_str().expect("name"), s);
                }
                for d in c["dynamic_cases"].as_array().expect("dynamic_cases") {
                    dynamic_case(&mut p, "flavour", d);
                }
                t.case("names Kafka does not define", p);
                continue;
            };
            names.push(name);
            match broker_config_def(name) {
                None => p.push("Brokerlab does not know it".into()),
                Some(d) => {
                    check(&mut p, "type", Some(d.ty.name()), c["type"].as_str());
                    check(&mut p, "default", d.default, c["default"].as_str());
                    check(&mut p, "valid values", d.valid_text, c["valid"].as_str());
                    check(&mut p, "internal", Some(d.internal), c["internal"].as_bool());
                    check(&mut p, "in KafkaConfig", Some(!d.dynamic_only), c["in_kafka_config"].as_bool());
                    check(&mut p, "update mode", Some(d.mode.name()), c["update_mode"].as_str());
                    check(&mut p, "per listener only", Some(d.listener_only), c["listener_prefix_only"].as_bool());
                    check(&mut p, "sensitive", Some(d.sensitive()), c["sensitive"].as_bool());
                }
            }
            let ours = described.iter().find(|e| e.name == name).map(line);
            check(&mut p, "describe of broker 1", ours.as_deref(), c["describe"]["line"].as_str());
            for s in c["static_cases"].as_array().expect("static_cases") {
                static_case(&mut p, name, s);
            }
            for d in c["dynamic_cases"].as_array().expect("dynamic_cases") {
                dynamic_case(&mut p, name, d);
            }
            t.case(name, p);
        }
        for d in broker_configs() {
            if !names.contains(&d.name) {
                t.case(format!("Brokerlab's {}", d.name), vec!["Kafka 4.4 has no such broker config".into()]);
            }
        }
        t.finish();
    }
}

// ---------------------------------------------------------------------------------------------
// Both config families end to end: what Brokerlab's `kafka-configs --describe --all` prints for
// a fresh topic and for broker 1 is, line for line, what the vectors' Kafka broker returned.
// ---------------------------------------------------------------------------------------------

mod describe_all {
    use super::*;
    use brokerlab::console::session::Console;
    use brokerlab::sim::world::ClusterConfig;

    fn stdout(console: &mut Console, command: &str) -> Vec<String> {
        let r = console.run_script(command, false);
        let out = &r.commands.last().expect("one command").output;
        assert_eq!(out.exit_code, 0, "{command}: {}", out.stderr());
        out.stdout().lines().map(str::to_string).collect()
    }

    #[test]
    fn kafka_configs_describe_all_prints_kafkas_lines() {
        let mut console = Console::new(42, ClusterConfig::default()).expect("cluster");
        let mut t = Tally::new("describe-all");
        stdout(
            &mut console,
            "kafka-topics --bootstrap-server localhost:9092 --create --topic t --partitions 1 --replication-factor 1",
        );
        let topic = stdout(
            &mut console,
            "kafka-configs --bootstrap-server localhost:9092 --entity-type topics --entity-name t --describe --all",
        );
        let kafka: Vec<String> = load("topic-configs")
            .cases
            .iter()
            .filter_map(|c| c["describe"]["line"].as_str().map(|l| format!("  {l}")))
            .collect();
        let mut p = Vec::new();
        check(&mut p, "header", topic.first().map(String::as_str), Some("All configs for topic t are:"));
        check(&mut p, "entries", &topic[1.min(topic.len())..], &kafka[..]);
        t.case("kafka-configs --describe --all of a fresh topic", p);

        let broker = stdout(
            &mut console,
            "kafka-configs --bootstrap-server localhost:9092 --entity-type brokers --entity-name 1 --describe --all",
        );
        let v = load("broker-configs");
        let order: Vec<&str> =
            v.header["describe_all_names"].as_array().expect("names").iter().filter_map(|n| n.as_str()).collect();
        let kafka: Vec<String> = order
            .iter()
            .filter_map(|n| v.cases.iter().find(|c| c["name"] == *n))
            .filter_map(|c| c["describe"]["line"].as_str().map(|l| format!("  {l}")))
            .collect();
        let mut p = Vec::new();
        check(&mut p, "header", broker.first().map(String::as_str), Some("All configs for broker 1 are:"));
        let ours = &broker[1.min(broker.len())..];
        if ours != &kafka[..] {
            let first = ours.iter().zip(&kafka).find(|(a, b)| a != b);
            p.push(format!("{} lines, Kafka {}; first difference: {first:?}", ours.len(), kafka.len()));
        }
        t.case("kafka-configs --describe --all of broker 1", p);
        t.finish();
    }
}
