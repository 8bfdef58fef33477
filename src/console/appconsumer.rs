//! The `consumer` simulator command: consumer applications that run in a group in the
//! background (`consumer start|list|pause|resume|slow|stop|crash`), for lessons on groups,
//! rebalances, lag, at-least-once vs at-most-once and `auto.offset.reset`.

use super::format::Output;
use super::session::Console;
use crate::sim::broker::share_partition::AckType;
use crate::sim::client::config::{assignor_name, ConsumerConfig};
use crate::sim::client::consumer::share::ShareClient;
use crate::sim::client::consumer::{CommitMode, Consumer, MemberState};
use crate::sim::client::ClientKind;
use crate::sim::time::parse_duration_us;
use std::collections::BTreeMap;

const USAGE: &str = "consumer start <name> --group <g> --topic <t> [options] [--share [--ack accept|release|reject]] | list | pause|resume|stop|crash <name> | slow <name> <per-record>";
const EXAMPLE: &str = "consumer start c1 --group g --topic orders";

fn member_state(c: &Consumer) -> &'static str {
    if c.app.stuck {
        return "paused";
    }
    match c.group.as_ref().map(|g| &g.state) {
        None => "no group",
        Some(MemberState::Unjoined) => "unjoined",
        Some(MemberState::PreparingJoin) => "committing",
        Some(MemberState::Joining) | Some(MemberState::Assigning) => "joining",
        Some(MemberState::Syncing) => "syncing",
        Some(MemberState::Stable) => "stable",
    }
}

fn ms_of(text: &str) -> Result<i64, String> {
    let us = parse_duration_us(text)?;
    if us > 3_600_000_000 {
        return Err(format!("'{text}' is too long: at most 1h per record"));
    }
    Ok((us / 1000) as i64)
}

fn ok(text: &str) -> Output {
    let mut o = Output::new();
    o.outln(text);
    o
}

impl Console {
    /// `consumer ...`: every argument is checked before anything changes.
    pub(crate) fn cmd_consumer(&mut self, args: &[String]) -> Output {
        let sub = args.first().map(String::as_str).unwrap_or("");
        let name = args.get(1).cloned().unwrap_or_default();
        let arity = match sub {
            "list" => super::simcmd::expect_args(&format!("consumer {sub}"), args, 1, &[], &[], "consumer list"),
            "pause" | "resume" | "stop" | "crash" => super::simcmd::expect_args(
                &format!("consumer {sub}"),
                args,
                2,
                &[],
                &[],
                &format!("consumer {sub} <name>"),
            ),
            "slow" => super::simcmd::expect_args(
                &format!("consumer {sub}"),
                args,
                3,
                &[],
                &[],
                "consumer slow <name> <per-record>",
            ),
            _ => Ok(()),
        };
        if let Err(m) = arity {
            return Output::failure(&m);
        }
        let res = match sub {
            "start" => self.consumer_start(args),
            "list" => return self.consumer_list(),
            "pause" | "resume" | "stop" | "crash" | "slow" => match self.consumer_named(sub, &name) {
                Ok(id) => self.consumer_control(sub, &name, id, args),
                Err(m) => Err(m),
            },
            "" => Err(format!("usage: {USAGE}")),
            other => Err(format!("unknown consumer command '{other}': {USAGE}")),
        };
        match res {
            Ok(m) => ok(&m),
            Err(m) => Output::failure(&m),
        }
    }

    /// The running consumer called `name`.
    fn consumer_named(&self, sub: &str, name: &str) -> Result<u32, String> {
        if name.is_empty() || name.starts_with('-') {
            return Err(format!("consumer {sub} needs the consumer's name: consumer {sub} c1"));
        }
        let id = self.sim.client_by_name(name).filter(
            |id| matches!(self.sim.clients().get(id).map(|c| &c.kind), Some(ClientKind::Consumer(c)) if !c.closed),
        );
        id.ok_or_else(|| {
            format!("there is no running consumer '{name}' (consumer start {name} --group <g> --topic <t> starts one)")
        })
    }

    fn consumer_control(&mut self, sub: &str, name: &str, id: u32, args: &[String]) -> Result<String, String> {
        let group =
            self.sim.consumer_mut(id).and_then(|c| c.group.as_ref().map(|g| g.group_id.clone())).unwrap_or_default();
        match sub {
            "pause" | "resume" => {
                let pause = sub == "pause";
                self.sim.pause_client(id, pause)?;
                Ok(if pause {
                    format!(
                        "consumer {name} paused: it stops calling poll(), its lag grows; it leaves group {group} after max.poll.interval.ms"
                    )
                } else {
                    format!("consumer {name} resumed")
                })
            }
            "slow" => {
                let v = args.get(2).ok_or(format!("how long per record? consumer slow {name} 200ms"))?;
                let ms = ms_of(v)?;
                self.sim.with_consumer(id, |c, _, _| c.app.processing_ms_per_record = ms);
                Ok(format!("consumer {name} now spends {ms} ms processing each record"))
            }
            "stop" => {
                let share = self.sim.consumer_mut(id).map(|c| c.is_share()).unwrap_or(false);
                let instance = self.sim.consumer_mut(id).and_then(|c| c.cfg.group_instance_id.clone());
                self.sim.close_client(id);
                Ok(match instance {
                    _ if share => format!(
                        "consumer {name} closed: it acknowledged what it processed, released the records it still held and left share group {group}"
                    ),
                    // A static member does not give its place up: the classic protocol sends no
                    // LeaveGroup, KIP-848 leaves with member epoch -2 (`ConsumerMembershipManager`).
                    Some(i) => format!(
                        "consumer {name} closed: it committed what it had to; as static member {i} it keeps its place and partitions in group {group} until its session times out"
                    ),
                    None => format!("consumer {name} closed: it committed what it had to and left group {group}"),
                })
            }
            _ => {
                let session = self.sim.consumer_mut(id).map(|c| c.cfg.session_timeout_ms).unwrap_or(45_000);
                self.sim.crash_client(id)?;
                Ok(format!(
                    "consumer {name} crashed: no commit, no LeaveGroup; group {group} notices after session.timeout.ms ({} s)",
                    session / 1000
                ))
            }
        }
    }

    fn consumer_start(&mut self, args: &[String]) -> Result<String, String> {
        let name =
            args.get(1).filter(|n| !n.starts_with('-')).cloned().ok_or(format!("name the consumer: {EXAMPLE}"))?;
        if self.sim.client_by_name(&name).is_some() {
            return Err(format!("a client named '{name}' is already running: choose another name"));
        }
        let mut group = None;
        let mut topics: Vec<String> = Vec::new();
        let mut processing_ms = 0i64;
        let mut commit = "auto".to_string();
        let mut props: BTreeMap<String, String> = BTreeMap::new();
        let mut assignor_arg: Option<String> = None;
        let mut consumer_protocol = false;
        let mut share = false;
        let mut ack = AckType::Accept;
        let mut i = 2;
        while i < args.len() {
            let flag = args[i].as_str();
            if !flag.starts_with("--") {
                return Err(format!("consumer start: unexpected argument '{flag}'\nusage: {EXAMPLE}"));
            }
            if flag == "--share" {
                // KIP-932: a share consumer in share group --group.
                share = true;
                i += 1;
                continue;
            }
            let val = args.get(i + 1).cloned().ok_or(format!("{flag} needs a value: {EXAMPLE}"))?;
            match flag {
                "--group" => group = Some(val),
                "--topic" => {
                    for t in val.split(',').filter(|t| !t.is_empty()) {
                        crate::console::format::topics::validate_topic_name(t)
                            .map_err(|m| format!("Topic name is invalid: {m}"))?;
                        topics.push(t.to_string());
                    }
                }
                "--assignor" => assignor_arg = Some(val),
                "--protocol" => {
                    consumer_protocol = match val.as_str() {
                        "classic" => false,
                        "consumer" => true,
                        _ => return Err(format!("'{val}' is not a group protocol: use classic or consumer")),
                    };
                }
                "--processing" => processing_ms = ms_of(&val)?,
                "--ack" => {
                    ack = match val.as_str() {
                        "accept" => AckType::Accept,
                        "release" => AckType::Release,
                        "reject" => AckType::Reject,
                        _ => return Err(format!("'{val}' is not an acknowledgement: use accept, release or reject")),
                    };
                }
                "--commit" => {
                    if !["auto", "sync", "before-processing", "none"].contains(&val.as_str()) {
                        return Err(format!("'{val}' is not a commit mode: use auto, sync, before-processing or none"));
                    }
                    commit = val;
                }
                "--isolation" => {
                    if val != "read_committed" && val != "read_uncommitted" {
                        return Err(format!(
                            "'{val}' is not an isolation level: use read_committed or read_uncommitted"
                        ));
                    }
                    props.insert("isolation.level".into(), val);
                }
                // group.instance.id: a static member (`--static` is the older, shorter name).
                "--instance-id" | "--static" => {
                    props.insert("group.instance.id".into(), val);
                }
                "--offset-reset" => {
                    if !["earliest", "latest", "none"].contains(&val.as_str()) {
                        return Err(format!("'{val}' is not an auto.offset.reset: use earliest, latest or none"));
                    }
                    props.insert("auto.offset.reset".into(), val);
                }
                "--consumer-property" => {
                    let (k, v) = val
                        .split_once('=')
                        .ok_or(format!("'{val}' is not k=v: --consumer-property session.timeout.ms=10000"))?;
                    props.insert(k.to_string(), v.to_string());
                }
                other => return Err(format!("unknown option '{other}': {EXAMPLE}")),
            }
            i += 2;
        }
        let assignor_given = assignor_arg.is_some();
        // KIP-848 (`--protocol consumer`): the coordinator assigns with a server-side assignor
        // (`group.remote.assignor`); the classic protocol's client-side assignors do not apply.
        if consumer_protocol {
            props.insert("group.protocol".into(), "consumer".into());
        }
        if let Some(val) = assignor_arg {
            if consumer_protocol {
                if val != "uniform" && val != "range" {
                    return Err(format!(
                        "'{val}' is not a server-side assignor: with --protocol consumer use uniform or range"
                    ));
                }
                props.insert("group.remote.assignor".into(), val);
            } else {
                let a = assignor_name(&val).ok_or(format!(
                    "'{val}' is not an assignor: use range, roundrobin, sticky or cooperative-sticky"
                ))?;
                props.insert("partition.assignment.strategy".into(), a.into());
            }
        }
        let group = group.or_else(|| props.get("group.id").cloned()).ok_or(format!("which group? {EXAMPLE}"))?;
        if topics.is_empty() {
            return Err(format!("which topic? {EXAMPLE}"));
        }
        if share {
            if consumer_protocol || assignor_given || commit != "auto" || props.contains_key("group.instance.id") {
                return Err(
                    "a share consumer (--share) has no --protocol, --assignor, --commit or --static: the share group's coordinator assigns with its simple assignor and records are acknowledged (--ack accept|release|reject)".into(),
                );
            }
            return self.share_consumer_start(&name, &group, topics, processing_ms, ack, props);
        }
        if ack != AckType::Accept {
            return Err("--ack is for share consumers (--share)".into());
        }
        props.insert("group.id".into(), group.clone());
        props.entry("client.id".into()).or_insert_with(|| name.clone());
        let mode = match commit.as_str() {
            "sync" => CommitMode::AfterProcessing,
            "before-processing" => CommitMode::BeforeProcessing,
            _ => CommitMode::Auto,
        };
        if commit != "auto" {
            props.insert("enable.auto.commit".into(), "false".into());
        }
        let cfg = ConsumerConfig::parse(&props)?;
        let assignor = if cfg.consumer_protocol {
            format!(
                "{} on the coordinator (group.protocol=consumer)",
                cfg.remote_assignor.clone().unwrap_or_else(|| "uniform".into())
            )
        } else {
            cfg.assignors.first().cloned().unwrap_or_default()
        };
        let bootstrap = self
            .sim
            .brokers()
            .keys()
            .map(|b| format!("localhost:{}", crate::sim::node::Env::broker_port(*b)))
            .collect::<Vec<_>>()
            .join(",");
        // On a secured cluster the application logs in with the SASL/PLAIN settings among its
        // `--consumer-property` values, as `producer start` does with `--producer-property`.
        self.sim.set_login_for_new_clients(super::simcmd::app_login(&props));
        let client = self.sim.create_consumer(&name, &bootstrap, cfg);
        self.sim.set_login_for_new_clients(None);
        let subscribed = topics.clone();
        self.sim.with_consumer(client, move |c, _, _| {
            c.app.commit = mode;
            c.app.processing_ms_per_record = processing_ms;
            c.subscribe(subscribed);
        });
        Ok(format!(
            "consumer {name} started: group {group}, topic {}, assignor {assignor}, commit {commit}",
            topics.join(",")
        ))
    }

    /// `consumer start <name> --share`: a `KafkaShareConsumer` application (implicit
    /// acknowledgement: each record it processed is acknowledged with `ack`).
    fn share_consumer_start(
        &mut self,
        name: &str,
        group: &str,
        topics: Vec<String>,
        processing_ms: i64,
        ack: AckType,
        mut props: BTreeMap<String, String>,
    ) -> Result<String, String> {
        props.insert("group.id".into(), group.to_string());
        props.entry("client.id".into()).or_insert_with(|| name.to_string());
        let cfg = ConsumerConfig::parse(&props)?;
        let bootstrap = self
            .sim
            .brokers()
            .keys()
            .map(|b| format!("localhost:{}", crate::sim::node::Env::broker_port(*b)))
            .collect::<Vec<_>>()
            .join(",");
        self.sim.set_login_for_new_clients(super::simcmd::app_login(&props));
        let client = self.sim.create_consumer(name, &bootstrap, cfg);
        self.sim.set_login_for_new_clients(None);
        let subscribed = topics.clone();
        let group_id = group.to_string();
        self.sim.with_consumer(client, move |c, _, _| {
            c.share = Some(ShareClient { implicit_ack: Some(ack), ..Default::default() });
            c.meta.log_prefix = format!("[ShareConsumer clientId={}, groupId={}] ", c.client_id, group_id);
            c.app.processing_ms_per_record = processing_ms;
            c.subscribe(subscribed);
        });
        Ok(format!(
            "share consumer {name} started: share group {group}, topic {}, acknowledging {}",
            topics.join(","),
            ack.name()
        ))
    }

    fn consumer_list(&self) -> Output {
        let mut rows: Vec<Vec<String>> = Vec::new();
        for c in self.sim.clients().values() {
            let ClientKind::Consumer(cons) = &c.kind else { continue };
            let mut parts: Vec<String> = cons.assignment.keys().map(|tp| tp.to_string()).collect();
            if parts.is_empty() {
                parts.push("-".into());
            }
            let lag: i64 = cons.lag().values().flatten().sum();
            rows.push(vec![
                c.name.clone(),
                cons.group.as_ref().map(|g| g.group_id.clone()).unwrap_or_else(|| "-".into()),
                member_state(cons).to_string(),
                parts.join(","),
                cons.delivered_total.to_string(),
                cons.app.processed.to_string(),
                lag.to_string(),
            ]);
        }
        if rows.is_empty() {
            return ok("no consumers are running (consumer start c1 --group g --topic orders starts one)");
        }
        let mut o = Output::new();
        o.out(&super::simcmd::table(&["NAME", "GROUP", "STATE", "PARTITIONS", "RECORDS", "PROCESSED", "LAG"], &rows));
        o
    }
}
