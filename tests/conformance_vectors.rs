//! Conformance vectors: Brokerlab's pure functions against what Apache Kafka 4.4.0's own classes
//! answered for the same input.
//!
//! Each family's file `tests/conformance/vectors/<family>.jsonl` is written by the `conformance/`
//! Maven project (`./scripts/conformance vectors <family>`): a header line (`kafka`, `family`,
//! `command`, `seed`, `count`, `source`), then one case per line with its input and Kafka's answer.
//! Every test here reads one family, runs Brokerlab on every case, prints
//! `<family>: N/N vectors agree` and fails with the first disagreements, their input written out.
//!
//! Each family keeps to its own section below; the file reading and the report are shared.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::Value;
use std::fmt::Write as _;
use std::path::PathBuf;

// ---------------------------------------------------------------------------------------------
// Shared: reading a vector file, counting agreement
// ---------------------------------------------------------------------------------------------

/// A family's vectors: the header and the cases, in file order.
struct Vectors {
    header: Value,
    cases: Vec<Value>,
}

/// Reads `tests/conformance/vectors/<family>.jsonl` and checks its header: written by Kafka
/// 4.4.0, for this family, with as many cases as it says.
fn read_vectors(family: &str) -> Vectors {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/vectors").join(format!("{family}.jsonl"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (regenerate with ./scripts/conformance vectors {family})", path.display()));
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header: Value = serde_json::from_str(lines.next().expect("a header line")).expect("header is JSON");
    assert_eq!(header["kafka"], "4.4.0", "{}: vectors must come from Kafka 4.4.0", path.display());
    assert_eq!(header["family"], family, "{}: header names another family", path.display());
    let cases: Vec<Value> = lines
        .enumerate()
        .map(|(i, l)| serde_json::from_str(l).unwrap_or_else(|e| panic!("{} case {}: {e}", path.display(), i + 1)))
        .collect();
    assert_eq!(header["count"].as_u64(), Some(cases.len() as u64), "{}: header count", path.display());
    assert!(!cases.is_empty(), "{}: no cases", path.display());
    Vectors { header, cases }
}

/// Agreement of one family: how many vectors were checked, and the first disagreements.
struct Report {
    family: &'static str,
    checked: usize,
    agreed: usize,
    shown: Vec<String>,
}

impl Report {
    const SHOWN: usize = 5;

    fn new(family: &'static str) -> Report {
        Report { family, checked: 0, agreed: 0, shown: Vec::new() }
    }

    /// Counts one vector; `explain` describes a disagreement (only the first few are built).
    fn check(&mut self, agrees: bool, explain: impl FnOnce() -> String) {
        self.checked += 1;
        if agrees {
            self.agreed += 1;
        } else if self.shown.len() < Self::SHOWN {
            self.shown.push(explain());
        }
    }

    /// Prints `<family>: N/N vectors agree` (plus `extra`), and fails on any disagreement.
    fn finish(self, extra: &str) {
        println!("{}: {}/{} vectors agree{}", self.family, self.agreed, self.checked, extra);
        if self.agreed != self.checked {
            let mut msg = format!(
                "{}: {} of {} vectors disagree with Kafka 4.4.0; the first {}:\n",
                self.family,
                self.checked - self.agreed,
                self.checked,
                self.shown.len()
            );
            for s in &self.shown {
                msg.push_str(s);
                msg.push('\n');
            }
            panic!("{msg}");
        }
        assert!(self.checked > 0, "{}: nothing checked", self.family);
    }

    /// Counts one vector from a list of its differences (none: it agrees).
    fn case(&mut self, what: impl std::fmt::Display, problems: Vec<String>) {
        let agrees = problems.is_empty();
        self.check(agrees, || format!("  {what}:\n    {}", problems.join("\n    ")));
    }
}

/// `problems.push` when Brokerlab's value differs from Kafka's.
fn differ<T: PartialEq + std::fmt::Debug>(problems: &mut Vec<String>, what: &str, brokerlab: T, kafka: T) {
    if brokerlab != kafka {
        problems.push(format!("{what}: Brokerlab {brokerlab:?}, Kafka {kafka:?}"));
    }
}

fn int(v: &Value) -> i64 {
    v.as_i64().unwrap_or_else(|| panic!("not an integer: {v}"))
}

fn string(v: &Value) -> String {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}")).to_string()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().unwrap_or_else(|| panic!("not an array: {v}")).iter().map(string).collect()
}

fn ints(v: &Value) -> Vec<i32> {
    v.as_array().map(|a| a.iter().map(|x| int(x) as i32).collect()).unwrap_or_default()
}

fn opt_ints(v: &Value) -> Option<Vec<i32>> {
    if v.is_null() {
        None
    } else {
        Some(ints(v))
    }
}

// ---------------------------------------------------------------------------------------------
// Family `partitioner`: Utils.murmur2, Utils.toPositive, BuiltInPartitioner.partitionForKey
// ---------------------------------------------------------------------------------------------

fn hex_bytes(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2), "odd hex: {s}");
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex")).collect()
}

#[test]
fn partitioner() {
    use brokerlab::sim::partitioner::{murmur2, partition_for_key, to_positive};
    let v = read_vectors("partitioner");
    let mut report = Report::new("partitioner");
    for (i, c) in v.cases.iter().enumerate() {
        let key = hex_bytes(c["key_hex"].as_str().expect("key_hex"));
        let n = int(&c["partitions"]) as i32;
        // A text key is what StringSerializer sends: its UTF-8 bytes.
        let text_matches = c["key"].as_str().map(|t| t.as_bytes() == key.as_slice()).unwrap_or(true);
        let hash = murmur2(&key);
        let positive = to_positive(hash);
        let partition = partition_for_key(&key, n);
        let ok = text_matches
            && i64::from(hash) == int(&c["murmur2"])
            && i64::from(positive) == int(&c["to_positive"])
            && i64::from(partition) == int(&c["partition"]);
        report.check(ok, || {
            format!(
                "  case {i} ({}): key {} = {:?}, {n} partitions\n    Kafka:      murmur2 {} toPositive {} partition {}\n    Brokerlab:  murmur2 {hash} toPositive {positive} partition {partition}{}",
                c["kind"],
                c["key_hex"],
                c["key"],
                c["murmur2"],
                c["to_positive"],
                c["partition"],
                if text_matches { "" } else { " (the key's UTF-8 bytes differ from key_hex)" }
            )
        });
    }
    let kinds = ["empty", "ascii", "utf8", "binary"]
        .iter()
        .map(|k| format!("{} {k}", v.cases.iter().filter(|c| c["kind"] == *k).count()))
        .collect::<Vec<_>>()
        .join(", ");
    report.finish(&format!(" ({kinds} keys; {})", v.header["source"].as_str().unwrap_or("")));
}

// ---------------------------------------------------------------------------------------------
// Shared by the assignor families: partition lists written as runs of one topic,
// [["t", [0, 1]], ["u", [3]]], in the order Kafka iterated them.
// ---------------------------------------------------------------------------------------------

mod runs {
    use super::*;
    use brokerlab::sim::types::TopicPartition;

    pub fn parse(v: &Value) -> Vec<TopicPartition> {
        let mut out = Vec::new();
        for run in v.as_array().unwrap_or_else(|| panic!("not runs: {v}")) {
            let topic = string(&run[0]);
            for p in run[1].as_array().unwrap_or_else(|| panic!("not a run: {run}")) {
                out.push(TopicPartition::new(topic.clone(), int(p) as i32));
            }
        }
        out
    }

    /// `t-0 t-1 u-3`, or `-` for none.
    pub fn show(list: &[TopicPartition]) -> String {
        if list.is_empty() {
            return "-".into();
        }
        list.iter().map(|tp| tp.to_string()).collect::<Vec<_>>().join(" ")
    }

    pub fn sorted(list: &[TopicPartition]) -> Vec<TopicPartition> {
        let mut v = list.to_vec();
        v.sort();
        v
    }
}

// ---------------------------------------------------------------------------------------------
// Family `client-assignors`: RangeAssignor, RoundRobinAssignor, StickyAssignor,
// CooperativeStickyAssignor (`ConsumerPartitionAssignor.assign(Cluster, GroupSubscription)`)
// ---------------------------------------------------------------------------------------------

mod client_assignors {
    use super::*;
    use brokerlab::sim::assignor::{self, Assignment, Member, StickyAssignorState, UserData};
    use std::collections::BTreeMap;

    /// The leader's subscriptions, in JoinGroup member order, as Brokerlab's assignors take them.
    pub fn members(assignor: &str, round: &Value) -> Vec<Member> {
        let list = round["members"].as_array().expect("members");
        list.iter()
            .map(|m| {
                let user_data = m.get("user_data").filter(|u| !u.is_null()).map(|u| match assignor {
                    "sticky" => UserData::Sticky {
                        partitions: runs::parse(&u["partitions"]),
                        generation: u["generation"].as_i64().map(|g| g as i32),
                    },
                    "cooperative-sticky" => UserData::CooperativeSticky {
                        generation: u["generation"].as_i64().map(|g| g as i32).unwrap_or(-1),
                    },
                    other => panic!("user data for {other}"),
                });
                Member {
                    member_id: string(&m["id"]),
                    group_instance_id: m.get("instance").and_then(|i| i.as_str()).map(str::to_string),
                    topics: strings(&m["topics"]),
                    owned: runs::parse(&m["owned"]),
                    generation: int(&m["generation"]) as i32,
                    user_data,
                }
            })
            .collect()
    }

    pub fn partitions(round: &Value) -> BTreeMap<String, i32> {
        round["partitions"].as_object().expect("partitions").iter().map(|(t, n)| (t.clone(), int(n) as i32)).collect()
    }

    /// Runs Brokerlab's assignor for one round, with the leader's assignor state before it.
    pub fn run(
        assignor: &str,
        members: &[Member],
        partitions: &BTreeMap<String, i32>,
        max_generation: i32,
    ) -> Assignment {
        let mut state = StickyAssignorState { max_generation };
        match assignor {
            "range" => assignor::range(members, partitions),
            "roundrobin" => assignor::round_robin(members, partitions),
            "sticky" => assignor::sticky_with_state(members, partitions, &mut state),
            "cooperative-sticky" => assignor::cooperative_sticky_with_state(members, partitions, &mut state).assignment,
            other => panic!("unknown assignor {other}"),
        }
    }

    pub fn explain(
        case: &Value,
        r: usize,
        members: &[Member],
        expected: &[Vec<brokerlab::sim::types::TopicPartition>],
        got: &Assignment,
    ) -> String {
        let round = &case["rounds"][r];
        let mut s = String::new();
        let _ = writeln!(
            s,
            "  case {} {} round {} (generation {}, events {}): partitions {}, leader #{} (sticky maxGeneration {})",
            case["case"],
            case["assignor"],
            r,
            round["generation"],
            round["events"],
            round["partitions"],
            round["leader"],
            round["leader_max_generation"]
        );
        for (i, m) in members.iter().enumerate() {
            let want = &expected[i];
            let have = got.get(&m.member_id).cloned().unwrap_or_default();
            let mark = if *want == have {
                "  "
            } else if runs::sorted(want) == runs::sorted(&have) {
                "~ "
            } else {
                "≠ "
            };
            let _ = writeln!(
                s,
                "   {mark}#{i} {}{} topics {:?} owned [{}] generation {} user data {:?}\n        Kafka:     {}\n        Brokerlab: {}",
                m.member_id,
                m.group_instance_id.as_ref().map(|x| format!(" (static {x})")).unwrap_or_default(),
                m.topics,
                runs::show(&m.owned),
                m.generation,
                m.user_data,
                runs::show(want),
                runs::show(&have)
            );
        }
        s
    }
}

#[test]
fn client_assignors() {
    use brokerlab::sim::assignor::ClientAssignorState;
    use brokerlab::sim::java::java_hashmap_order;
    use brokerlab::sim::types::TopicPartition;
    let v = read_vectors("client-assignors");
    let mut report = Report::new("client-assignors");
    let mut per_assignor: BTreeMapCount = BTreeMapCount::default();
    let mut order_checked = 0;
    let mut order_agreed = 0;
    // The member side: what a member that took part in the previous round sends next (its
    // generation, owned partitions and user data after onAssignment), as Brokerlab's consumer
    // builds it from ClientAssignorState.
    let mut next = Report::new("client-assignors (consumer side)");
    for case in &v.cases {
        let assignor = case["assignor"].as_str().expect("assignor").to_string();
        let mut previous: std::collections::BTreeMap<String, (Vec<TopicPartition>, i32)> = Default::default();
        for (r, round) in case["rounds"].as_array().expect("rounds").iter().enumerate() {
            let members = client_assignors::members(&assignor, round);
            for m in &members {
                let Some((assigned, generation)) = previous.get(&m.member_id) else { continue };
                let mut state = ClientAssignorState::default();
                state.on_assignment(&assignor, assigned, *generation);
                let user_data = state.subscription_user_data(&assignor);
                let owned: Vec<TopicPartition> = if assignor == "cooperative-sticky" {
                    runs::sorted(assigned).into_iter().filter(|tp| m.topics.contains(&tp.topic)).collect()
                } else {
                    Vec::new()
                };
                let ok = m.generation == *generation && m.owned == owned && m.user_data == user_data;
                next.check(ok, || {
                    format!(
                        "  case {} {} round {r}: member {} was assigned [{}] at generation {generation}\n    Kafka sent:     generation {} owned [{}] user data {:?}\n    Brokerlab sends: generation {generation} owned [{}] user data {:?}",
                        case["case"],
                        assignor,
                        m.member_id,
                        runs::show(assigned),
                        m.generation,
                        runs::show(&m.owned),
                        m.user_data,
                        runs::show(&owned),
                        user_data
                    )
                });
            }
            let partitions = client_assignors::partitions(round);
            let max_generation = int(&round["leader_max_generation"]) as i32;
            let got = client_assignors::run(&assignor, &members, &partitions, max_generation);
            let expected: Vec<_> =
                round["assignment"].as_array().expect("assignment").iter().map(runs::parse).collect();
            // Each member's list, in Kafka's order: the order is what SyncGroup carries and what
            // the sticky assignor's user data encodes for the next round.
            let ok = got.len() == members.len()
                && members.iter().zip(&expected).all(|(m, want)| got.get(&m.member_id) == Some(want));
            per_assignor.add(&assignor, ok);
            report.check(ok, || client_assignors::explain(case, r, &members, &expected, &got));
            let generation = int(&round["generation"]) as i32;
            previous =
                members.iter().zip(&expected).map(|(m, a)| (m.member_id.clone(), (a.clone(), generation))).collect();
            // The leader's HashMap<memberId, Subscription> order, which several assignors follow.
            let ids: Vec<String> = members.iter().map(|m| m.member_id.clone()).collect();
            let java: Vec<String> = round["java_member_order"]
                .as_array()
                .expect("java_member_order")
                .iter()
                .map(|i| ids[int(i) as usize].clone())
                .collect();
            order_checked += 1;
            if java_hashmap_order(&ids) == java {
                order_agreed += 1;
            }
        }
    }
    assert_eq!(order_agreed, order_checked, "HashMap<String, Subscription> iteration order emulation");
    next.finish(" (members rejoining after a round they took part in)");
    report.finish(&format!(
        " ({} sequences; {}; HashMap member order {order_agreed}/{order_checked})",
        v.cases.len(),
        per_assignor.show()
    ));
}

/// Agreement per assignor, for the summary line.
#[derive(Default)]
struct BTreeMapCount(std::collections::BTreeMap<String, (usize, usize)>);

impl BTreeMapCount {
    fn add(&mut self, key: &str, ok: bool) {
        let e = self.0.entry(key.to_string()).or_default();
        e.1 += 1;
        if ok {
            e.0 += 1;
        }
    }

    fn show(&self) -> String {
        self.0.iter().map(|(k, (a, n))| format!("{k} {a}/{n}")).collect::<Vec<_>>().join(", ")
    }
}

// ---------------------------------------------------------------------------------------------
// Family `server-assignors`: the KIP-848 group coordinator's UniformAssignor and RangeAssignor
// (`assign(GroupSpec, SubscribedTopicDescriber)`)
// ---------------------------------------------------------------------------------------------

mod server_assignors {
    use super::*;
    use brokerlab::sim::assignor::{self, Assignment, Member, ServerTopic};
    use brokerlab::sim::types::TopicId;
    use std::collections::BTreeMap;

    /// The members in the order the coordinator put them into its member map; `owned` is each
    /// member's current target assignment in the order Kafka iterated it.
    pub fn members(round: &Value) -> Vec<Member> {
        round["members"]
            .as_array()
            .expect("members")
            .iter()
            .map(|m| Member {
                member_id: string(&m["id"]),
                group_instance_id: m.get("instance").and_then(|i| i.as_str()).map(str::to_string),
                topics: strings(&m["topics"]),
                owned: runs::parse(&m["assignment"]),
                generation: -1,
                user_data: None,
            })
            .collect()
    }

    /// The topics that exist, with their ids (Kafka's `Uuid` bits) and partition counts.
    pub fn topics(round: &Value) -> BTreeMap<String, ServerTopic> {
        round["topics"]
            .as_array()
            .expect("topics")
            .iter()
            .map(|t| {
                let id = TopicId(int(&t["id_msb"]) as u64, int(&t["id_lsb"]) as u64);
                (string(&t["name"]), ServerTopic { id, partitions: int(&t["partitions"]) as i32 })
            })
            .collect()
    }

    pub fn run(assignor: &str, members: &[Member], topics: &BTreeMap<String, ServerTopic>) -> Assignment {
        match assignor {
            "uniform" => assignor::server_uniform(members, topics),
            "range" => assignor::server_range(members, topics),
            other => panic!("unknown server assignor {other}"),
        }
    }

    pub fn explain(
        case: &Value,
        r: usize,
        members: &[Member],
        expected: &[Vec<brokerlab::sim::types::TopicPartition>],
        got: &Assignment,
    ) -> String {
        let round = &case["rounds"][r];
        let topics: Vec<String> = round["topics"]
            .as_array()
            .expect("topics")
            .iter()
            .map(|t| format!("{}({})", t["name"].as_str().unwrap_or("?"), t["partitions"]))
            .collect();
        let mut s = String::new();
        let _ = writeln!(
            s,
            "  case {} {} round {} ({}, events {}): topics {}",
            case["case"],
            case["assignor"],
            r,
            round["subscription_type"],
            round["events"],
            topics.join(" ")
        );
        for (i, m) in members.iter().enumerate() {
            let want = &expected[i];
            let have = got.get(&m.member_id).cloned().unwrap_or_default();
            let _ = writeln!(
                s,
                "   {}#{i} {}{} topics {:?} current [{}]\n        Kafka:     {}\n        Brokerlab: {}",
                if *want == have { "  " } else { "≠ " },
                m.member_id,
                m.group_instance_id.as_ref().map(|x| format!(" (static {x})")).unwrap_or_default(),
                m.topics,
                runs::show(&m.owned),
                runs::show(want),
                runs::show(&have)
            );
        }
        s
    }
}

#[test]
fn server_assignors() {
    let v = read_vectors("server-assignors");
    let mut report = Report::new("server-assignors");
    let mut per_kind = BTreeMapCount::default();
    for case in &v.cases {
        let assignor = case["assignor"].as_str().expect("assignor").to_string();
        for (r, round) in case["rounds"].as_array().expect("rounds").iter().enumerate() {
            let members = server_assignors::members(round);
            let topics = server_assignors::topics(round);
            let got = server_assignors::run(&assignor, &members, &topics);
            // Kafka returns sets: compare each member's partitions sorted.
            let expected: Vec<_> = round["assignment"]
                .as_array()
                .expect("assignment")
                .iter()
                .map(|a| runs::sorted(&runs::parse(a)))
                .collect();
            let ok = got.len() == members.len()
                && members
                    .iter()
                    .zip(&expected)
                    .all(|(m, want)| got.get(&m.member_id).map(|g| runs::sorted(g)) == Some(want.clone()));
            per_kind
                .add(&format!("{assignor} {}", round["subscription_type"].as_str().unwrap_or("?").to_lowercase()), ok);
            report.check(ok, || server_assignors::explain(case, r, &members, &expected, &got));
        }
    }
    report.finish(&format!(" ({} sequences; {})", v.cases.len(), per_kind.show()));
}

// ---------------------------------------------------------------------------------------------
// errors: org.apache.kafka.common.protocol.Errors
// ---------------------------------------------------------------------------------------------

mod errors {
    use super::*;
    use brokerlab::sim::errors::KafkaError;

    #[test]
    fn errors_agree_with_kafka() {
        let v = read_vectors("errors");
        let mut t = Report::new("errors");
        for c in &v.cases {
            let code = c["code"].as_i64().expect("code") as i16;
            let name = c["name"].as_str().expect("name");
            let mut p = Vec::new();
            match KafkaError::from_code(code) {
                // Errors.NONE is "no error": Brokerlab has no variant for it, and Kafka no exception.
                None if code == 0 => differ(&mut p, "exception of NONE", None, c["exception"].as_str()),
                None => p.push(format!("Brokerlab has no error with code {code}")),
                Some(e) => {
                    differ(&mut p, "name", e.name(), name);
                    differ(&mut p, "message", Some(e.message()), c["message"].as_str());
                    differ(&mut p, "exception class", Some(e.exception_class()), c["exception"].as_str());
                    differ(&mut p, "retriable", Some(e.is_retriable()), c["retriable"].as_bool());
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
        t.finish("");
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
        let v = read_vectors("api-versions");
        let mut t = Report::new("api-versions");
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
            differ(&mut p, "advertised range", ours.map(|a| (a.2, a.3)), kafka_range);
            if let Some(a) = ours {
                differ(&mut p, "name", a.1.as_str(), name);
            }
            let line = printed.iter().find(|a| a.key == key).map(api_line);
            differ(&mut p, "printed line", line.as_deref(), c["line"].as_str());
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
        t.finish("");
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
        differ(p, &format!("verdict on {set:?}"), ours.clone().err(), kafka);
        if let (Ok(()), Some(kline)) = (ours, c["line"].as_str()) {
            let name = set.keys().next().expect("one config");
            differ(p, &format!("describe after {set:?}"), described(&set, name).as_deref(), Some(kline));
        }
    }

    #[test]
    fn topic_configs_agree_with_kafka() {
        let v = read_vectors("topic-configs");
        let mut t = Report::new("topic-configs");
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
                    differ(&mut p, "type", Some(d.ty.name()), c["type"].as_str());
                    differ(&mut p, "default", d.default, c["default"].as_str());
                    differ(&mut p, "valid values", d.valid_text, c["valid"].as_str());
                    differ(&mut p, "internal", Some(d.internal), c["internal"].as_bool());
                    differ(&mut p, "server default property", d.server_default, c["server_default_property"].as_str());
                    let ours = described(&BTreeMap::new(), name);
                    differ(&mut p, "describe of a fresh topic", ours.as_deref(), c["describe"]["line"].as_str());
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
        t.finish("");
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
        differ(
            p,
            &format!("broker starting with {name}={value}"),
            ours.clone().err(),
            c["error"]["message"].as_str().map(str::to_string),
        );
        if let (Ok(()), Some(kline)) = (ours, c["line"].as_str()) {
            let ours = describe(&set).iter().find(|e| e.name == name).map(line);
            differ(p, &format!("describe with {name}={value}"), ours.as_deref(), Some(kline));
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
        differ(p, &format!("alter {name}={value} on {level}"), ours, kafka);
    }

    #[test]
    fn broker_configs_agree_with_kafka() {
        let v = read_vectors("broker-configs");
        let mut t = Report::new("broker-configs");
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
        differ(&mut p, "names listed by --describe --all of broker 1", &listed, &kafka_listed);
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
                    differ(&mut p, "type", Some(d.ty.name()), c["type"].as_str());
                    differ(&mut p, "default", d.default, c["default"].as_str());
                    differ(&mut p, "valid values", d.valid_text, c["valid"].as_str());
                    differ(&mut p, "internal", Some(d.internal), c["internal"].as_bool());
                    differ(&mut p, "in KafkaConfig", Some(!d.dynamic_only), c["in_kafka_config"].as_bool());
                    differ(&mut p, "update mode", Some(d.mode.name()), c["update_mode"].as_str());
                    differ(&mut p, "per listener only", Some(d.listener_only), c["listener_prefix_only"].as_bool());
                    differ(&mut p, "sensitive", Some(d.sensitive()), c["sensitive"].as_bool());
                }
            }
            let ours = described.iter().find(|e| e.name == name).map(line);
            differ(&mut p, "describe of broker 1", ours.as_deref(), c["describe"]["line"].as_str());
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
        t.finish("");
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

    /// Kafka's classes describe `min.insync.replicas` for a broker without dynamic configs; a
    /// fresh 4.4 cluster has the cluster-wide one ELR needs (KIP-966, written when the controller
    /// activates), so its line is taken from the real cluster's recording (`configs_all`).
    fn fresh_cluster(kafka: Vec<String>) -> Vec<String> {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/scenarios/configs_all.txt");
        let recorded = std::fs::read_to_string(&path).expect("configs_all recording");
        let line = recorded
            .lines()
            .find(|l| l.starts_with("  min.insync.replicas="))
            .expect("the recording describes min.insync.replicas")
            .to_string();
        kafka.into_iter().map(|l| if l.starts_with("  min.insync.replicas=") { line.clone() } else { l }).collect()
    }

    #[test]
    fn kafka_configs_describe_all_prints_kafkas_lines() {
        let mut console = Console::new(42, ClusterConfig::default()).expect("cluster");
        let mut t = Report::new("describe-all");
        stdout(
            &mut console,
            "kafka-topics --bootstrap-server localhost:9092 --create --topic t --partitions 1 --replication-factor 1",
        );
        let topic = stdout(
            &mut console,
            "kafka-configs --bootstrap-server localhost:9092 --entity-type topics --entity-name t --describe --all",
        );
        let kafka: Vec<String> = read_vectors("topic-configs")
            .cases
            .iter()
            .filter_map(|c| c["describe"]["line"].as_str().map(|l| format!("  {l}")))
            .collect();
        let kafka = fresh_cluster(kafka);
        let mut p = Vec::new();
        differ(&mut p, "header", topic.first().map(String::as_str), Some("All configs for topic t are:"));
        differ(&mut p, "entries", &topic[1.min(topic.len())..], &kafka[..]);
        t.case("kafka-configs --describe --all of a fresh topic", p);

        let broker = stdout(
            &mut console,
            "kafka-configs --bootstrap-server localhost:9092 --entity-type brokers --entity-name 1 --describe --all",
        );
        let v = read_vectors("broker-configs");
        let order: Vec<&str> =
            v.header["describe_all_names"].as_array().expect("names").iter().filter_map(|n| n.as_str()).collect();
        let kafka: Vec<String> = order
            .iter()
            .filter_map(|n| v.cases.iter().find(|c| c["name"] == *n))
            .filter_map(|c| c["describe"]["line"].as_str().map(|l| format!("  {l}")))
            .collect();
        let kafka = fresh_cluster(kafka);
        let mut p = Vec::new();
        differ(&mut p, "header", broker.first().map(String::as_str), Some("All configs for broker 1 are:"));
        let ours = &broker[1.min(broker.len())..];
        if ours != &kafka[..] {
            let first = ours.iter().zip(&kafka).find(|(a, b)| a != b);
            p.push(format!("{} lines, Kafka {}; first difference: {first:?}", ours.len(), kafka.len()));
        }
        t.case("kafka-configs --describe --all of broker 1", p);
        t.finish("");
    }
}

// ---------------------------------------------------------------------------------------------
// Family `replica-placement`: StripedReplicaPlacer.place(PlacementSpec, ClusterDescriber)
// ---------------------------------------------------------------------------------------------

mod replica_placement {
    use super::*;
    use brokerlab::sim::java::JavaRandom;
    use brokerlab::sim::placement::{place_with, PlacementBroker};

    /// Kafka's `InvalidReplicationFactorException`, the only exception its placer throws.
    const INVALID_RF: &str = "org.apache.kafka.common.errors.InvalidReplicationFactorException";

    fn brokers(case: &Value) -> Vec<PlacementBroker> {
        case["brokers"]
            .as_array()
            .expect("brokers")
            .iter()
            .map(|b| PlacementBroker {
                id: b["id"].as_i64().expect("id") as i32,
                rack: b["rack"].as_str().map(str::to_string),
                fenced: b["fenced"].as_bool().expect("fenced"),
            })
            .collect()
    }

    /// Kafka's answer in Brokerlab's shape: the replica lists, or the exception message.
    fn expected(result: &Value) -> Result<Vec<Vec<i32>>, String> {
        if let Some(e) = result.get("error") {
            assert_eq!(e["class"], INVALID_RF, "an unexpected exception class in the vectors");
            return Err(e["message"].as_str().unwrap_or_default().to_string());
        }
        Ok(result["replicas"].as_array().expect("replicas").iter().map(ints).collect())
    }

    pub fn check(report: &mut Report, i: usize, case: &Value) {
        {
            let brokers = brokers(case);
            let mut random = JavaRandom::new(case["seed"].as_i64().expect("seed"));
            let requests = case["requests"].as_array().expect("requests");
            let results = case["results"].as_array().expect("results");
            for (r, (req, result)) in requests.iter().zip(results).enumerate() {
                let partitions = req["partitions"].as_i64().expect("partitions") as i32;
                let rf = req["rf"].as_i64().expect("rf") as i32;
                let want = expected(result);
                let got = place_with(&brokers, partitions, rf, &mut random);
                if got != want {
                    report.check(false, || format!(
                        "case {} request {r} (seed {}, {} partition(s), RF {rf}, brokers {}):\n  kafka:     {:?}\n  brokerlab: {:?}",
                        i + 1,
                        case["seed"],
                        partitions,
                        case["brokers"],
                        want,
                        got
                    ));
                    return;
                }
            }
            report.check(true, String::new);
        }
    }
}

#[test]
fn replica_placement() {
    let v = read_vectors("replica-placement");
    assert!(v.header["source"].as_str().unwrap_or_default().contains("StripedReplicaPlacer.place"));
    let mut report = Report::new("replica-placement");
    for (i, case) in v.cases.iter().enumerate() {
        replica_placement::check(&mut report, i, case);
    }
    report.finish("");
}

// ---------------------------------------------------------------------------------------------
// Family `partition-change`: PartitionChangeBuilder.build() and PartitionRegistration.merge(record)
// ---------------------------------------------------------------------------------------------

mod partition_change {
    use super::*;
    use brokerlab::sim::controller::partition_change::{merge, Election, PartitionChange, PartitionChangeBuilder};
    use brokerlab::sim::metadata::PartitionState;

    fn registration(v: &Value) -> PartitionState {
        PartitionState {
            replicas: ints(&v["replicas"]),
            isr: ints(&v["isr"]),
            leader: v["leader"].as_i64().expect("leader") as i32,
            leader_epoch: v["leaderEpoch"].as_i64().expect("leaderEpoch") as i32,
            partition_epoch: v["partitionEpoch"].as_i64().expect("partitionEpoch") as i32,
            adding: ints(&v["addingReplicas"]),
            removing: ints(&v["removingReplicas"]),
            leader_recovering: v["leaderRecoveryState"].as_i64() == Some(1),
            elr: ints(&v["elr"]),
            last_known_elr: ints(&v["lastKnownElr"]),
        }
    }

    /// Kafka's `PartitionChangeRecord` in Brokerlab's shape (-2 leader, -1 recovery state and
    /// null lists are "no change").
    fn record(v: &Value) -> PartitionChange {
        let leader = v["leader"].as_i64().expect("leader") as i32;
        let recovery = v["leaderRecoveryState"].as_i64().expect("leaderRecoveryState");
        PartitionChange {
            leader: (leader != -2).then_some(leader),
            isr: opt_ints(&v["isr"]),
            elr: opt_ints(&v["eligibleLeaderReplicas"]),
            last_known_elr: opt_ints(&v["lastKnownElr"]),
            replicas: opt_ints(&v["replicas"]),
            removing: opt_ints(&v["removingReplicas"]),
            adding: opt_ints(&v["addingReplicas"]),
            leader_recovering: (recovery != -1).then_some(recovery == 1),
        }
    }

    fn election(v: &Value) -> Election {
        match v.as_str() {
            Some("ONLINE") => Election::Online,
            Some("PREFERRED") => Election::Preferred,
            Some("UNCLEAN") => Election::Unclean,
            other => panic!("unknown election {other:?}"),
        }
    }

    pub fn check(report: &mut Report, i: usize, case: &Value) {
        {
            assert!(case.get("error").is_none(), "case {}: Kafka's builder threw; the vectors never ask that", i + 1);
            let partition = registration(&case["partition"]);
            let acceptable = ints(&case["acceptable"]);
            let mut builder = PartitionChangeBuilder::new(
                &partition,
                |r| acceptable.contains(&r),
                case["minIsr"].as_i64().expect("minIsr") as i32,
                case["elr"].as_bool().expect("elr"),
            )
            .set_election(election(&case["election"]))
            .set_use_last_known_leader(case["useLastKnownLeader"].as_bool().expect("useLastKnownLeader"));
            if let Some(v) = case.get("targetIsr") {
                builder = builder.set_target_isr(ints(v));
            }
            if let Some(v) = case.get("targetReplicas") {
                builder = builder.set_target_replicas(ints(v));
            }
            if let Some(v) = case.get("targetRemoving") {
                builder = builder.set_target_removing(ints(v));
            }
            if let Some(v) = case.get("targetAdding") {
                builder = builder.set_target_adding(ints(v));
            }
            if let Some(v) = case.get("uncleanShutdownReplicas") {
                builder = builder.set_unclean_shutdown_replicas(ints(v));
            }
            if let Some(v) = case.get("targetLeaderRecoveryState") {
                builder = builder.set_target_leader_recovering(v.as_i64() == Some(1));
            }
            let want = if case["record"].is_null() { None } else { Some(record(&case["record"])) };
            let got = builder.build();
            let want_after = case.get("after").map(registration);
            let got_after = got.as_ref().map(|c| merge(&partition, c));
            report.check(got == want && got_after == want_after, || {
                let mut inputs = case.clone();
                if let Some(o) = inputs.as_object_mut() {
                    o.remove("record");
                    o.remove("after");
                }
                format!(
                    "case {}: {inputs}\n  kafka record:     {want:?}\n  brokerlab record: {got:?}\n  kafka after:      {want_after:?}\n  brokerlab after:  {got_after:?}",
                    i + 1
                )
            });
        }
    }
}

#[test]
fn partition_change() {
    let v = read_vectors("partition-change");
    assert!(v.header["source"].as_str().unwrap_or_default().contains("PartitionChangeBuilder.build()"));
    let mut report = Report::new("partition-change");
    for (i, case) in v.cases.iter().enumerate() {
        partition_change::check(&mut report, i, case);
    }
    report.finish("");
}

// ---------------------------------------------------------------------------------------------
// Family `line-breaks`: java.text.BreakIterator.getLineInstance(Locale.US) and jopt-simple's
// Columns.piecesOf, the line breaking of every tool's help
// ---------------------------------------------------------------------------------------------

mod line_breaks {
    use std::path::PathBuf;

    /// `tests/conformance/inputs/line-breaks.txt`: the help texts the generator asks the JDK
    /// about, one a line, `\n`, `\t` and `\\` escaped.
    pub fn inputs_path() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/inputs/line-breaks.txt")
    }

    pub fn escape(t: &str) -> String {
        t.replace('\\', "\\\\").replace('\n', "\\n").replace('\t', "\\t")
    }
}

/// Every help text Brokerlab prints must be among the inputs the JDK was asked about (`BLESS=1`
/// rewrites the inputs from Brokerlab's tables; then `./scripts/conformance vectors line-breaks`).
#[test]
fn line_break_inputs_are_brokerlabs_help_texts() {
    let texts = brokerlab::console::opts::help_texts();
    let want: String = texts.iter().map(|t| line_breaks::escape(t) + "\n").collect();
    let path = line_breaks::inputs_path();
    if std::env::var_os("BLESS").is_some() {
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("inputs dir");
        std::fs::write(&path, &want).expect("write inputs");
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "{} is not the list of Brokerlab's help texts: rewrite it with BLESS=1 cargo test --test conformance_vectors line_break_inputs, then ./scripts/conformance vectors line-breaks",
        path.display()
    );
    let v = read_vectors("line-breaks");
    let asked: std::collections::BTreeSet<&str> =
        v.cases.iter().filter(|c| c["kind"] == "help").filter_map(|c| c["text"].as_str()).collect();
    let missing: Vec<&String> = texts.iter().filter(|t| !asked.contains(t.as_str())).collect();
    assert!(
        missing.is_empty(),
        "help texts the JDK was not asked about (./scripts/conformance vectors line-breaks): {missing:?}"
    );
}

#[test]
fn line_breaks() {
    use brokerlab::console::opts::{linebreak::break_positions, pieces_of};
    let v = read_vectors("line-breaks");
    let mut report = Report::new("line-breaks");
    let (mut cells, mut help, mut random) = (0, 0, 0);
    for (i, c) in v.cases.iter().enumerate() {
        let text = string(&c["text"]);
        let kafka: Vec<usize> =
            c["breaks"].as_array().expect("breaks").iter().map(|b| usize::try_from(int(b)).expect("index")).collect();
        let mut p = Vec::new();
        differ(&mut p, "breaks", break_positions(&text), kafka);
        for cell in c["cells"].as_array().map(Vec::as_slice).unwrap_or_default() {
            let width = usize::try_from(int(&cell["width"])).expect("width");
            differ(&mut p, &format!("pieces at width {width}"), pieces_of(&text, width), strings(&cell["pieces"]));
            cells += 1;
        }
        if c["kind"] == "help" {
            help += 1;
        } else {
            random += 1;
        }
        report.case(format_args!("case {i} ({}) {text:?}", c["kind"].as_str().unwrap_or("")), p);
    }
    report.finish(&format!(
        " ({help} help texts, {random} random strings, {cells} jopt-simple cells; {} on {})",
        v.header["source"].as_str().unwrap_or(""),
        v.header["jdk"].as_str().unwrap_or("")
    ));
}

// ---------------------------------------------------------------------------------------------
// Families `mirror-offsets` and `mirror-names`: MirrorMaker 2's OffsetSyncWriter,
// OffsetSyncStore.translateDownstream and DefaultReplicationPolicy (connect-mirror's newest
// release, named in the header's `connect_mirror`: it is not published at 4.4.0)
// ---------------------------------------------------------------------------------------------

#[test]
fn mirror_offsets() {
    use brokerlab::sim::mirror::{OffsetSync, OffsetSyncStore, OffsetSyncWriter};
    use brokerlab::sim::types::TopicPartition;
    let v = read_vectors("mirror-offsets");
    assert!(v.header["connect_mirror"].is_string(), "mirror-offsets: the header names connect-mirror's version");
    let tp = TopicPartition::new("orders", 0);
    let mut report = Report::new("mirror-offsets");
    for (n, c) in v.cases.iter().enumerate() {
        let mut problems = Vec::new();
        // The source task: each copied record, and the offset commits marked in the input.
        let mut writer = OffsetSyncWriter::new(int(&c["offset_lag_max"]));
        let mut sent: Vec<(i64, i64)> = Vec::new();
        for r in c["records"].as_array().expect("records") {
            let r = r.as_array().expect("a record");
            writer.record_copied(&tp, int(&r[0]), int(&r[1]));
            if r.len() > 2 {
                writer.commit();
            }
            sent.extend(writer.take_pending().into_iter().map(|(_, s)| (s.upstream, s.downstream)));
        }
        let kafka_syncs: Vec<(i64, i64)> =
            c["syncs"].as_array().expect("syncs").iter().map(|s| (int(&s[0]), int(&s[1]))).collect();
        differ(&mut problems, "offset syncs sent", &sent, &kafka_syncs);
        // The checkpoint task's store, fed Kafka's syncs (the first ones before it read to the end).
        let mut store = OffsetSyncStore::new();
        let at_start = int(&c["read_at_start"]) as usize;
        for (i, (u, d)) in kafka_syncs.iter().enumerate() {
            if i == at_start {
                store.set_read_to_end();
            }
            store.handle_sync(&tp, OffsetSync { upstream: *u, downstream: *d });
        }
        store.set_read_to_end();
        for q in c["translations"].as_array().expect("translations") {
            let at = int(&q[0]);
            let kafka = q[1].as_i64();
            differ(&mut problems, &format!("translateDownstream({at})"), store.translate_downstream(&tp, at), kafka);
        }
        report.case(
            format_args!(
                "case {} (offset.lag.max {}, {} records)",
                n + 1,
                c["offset_lag_max"],
                c["records"].as_array().map_or(0, |a| a.len())
            ),
            problems,
        );
    }
    report.finish("");
}

#[test]
fn mirror_names() {
    use brokerlab::sim::mirror::ReplicationPolicy;
    let v = read_vectors("mirror-names");
    let p = ReplicationPolicy;
    let mut report = Report::new("mirror-names");
    for c in &v.cases {
        let alias = string(&c["alias"]);
        let topic = string(&c["topic"]);
        let opt = |v: &Value| v.as_str().map(str::to_string);
        let mut problems = Vec::new();
        differ(
            &mut problems,
            "formatRemoteTopic",
            p.format_remote_topic(&alias, &topic),
            string(&c["format_remote_topic"]),
        );
        differ(&mut problems, "topicSource", p.topic_source(&topic), opt(&c["topic_source"]));
        differ(&mut problems, "upstreamTopic", p.upstream_topic(&topic), opt(&c["upstream_topic"]));
        differ(&mut problems, "originalTopic", p.original_topic(&topic), string(&c["original_topic"]));
        differ(&mut problems, "offsetSyncsTopic", p.offset_syncs_topic(&alias), string(&c["offset_syncs_topic"]));
        differ(&mut problems, "checkpointsTopic", p.checkpoints_topic(&alias), string(&c["checkpoints_topic"]));
        differ(&mut problems, "heartbeatsTopic", p.heartbeats_topic().to_string(), string(&c["heartbeats_topic"]));
        differ(&mut problems, "isHeartbeatsTopic", p.is_heartbeats_topic(&topic), c["is_heartbeats_topic"] == true);
        differ(&mut problems, "isCheckpointsTopic", p.is_checkpoints_topic(&topic), c["is_checkpoints_topic"] == true);
        differ(
            &mut problems,
            "isMM2InternalTopic",
            p.is_mm2_internal_topic(&topic),
            c["is_mm2_internal_topic"] == true,
        );
        differ(&mut problems, "isInternalTopic", p.is_internal_topic(&topic), c["is_internal_topic"] == true);
        report.case(format_args!("alias {alias:?}, topic {topic:?}"), problems);
    }
    report.finish("");
}
