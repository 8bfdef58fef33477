//! Inspect's segment files and a client's throttle, principal and refusals, checked on sessions
//! typed into the console (here, because the console sits above the engine it drives).

use crate::console::session::Console;
use crate::sim::types::TopicPartition;
use crate::sim::view::inspect::*;
use crate::sim::view::model::ViewModel;

/// The segments view agrees with the console's `kafka-log-dirs` (sizes) and
/// `kafka-dump-log` (index entries): one active segment, the newest.
#[test]
fn a_replica_lists_its_segment_files_as_the_tools_read_them() {
    let mut c = Console::new(3, crate::sim::world::ClusterConfig::default()).expect("a console");
    let r = c.run_script(
        "kafka-topics --bootstrap-server localhost:9092 --create --topic s --replica-assignment 1:2:3 --config segment.ms=15000 --config index.interval.bytes=100\n\
         seq 60 | kafka-console-producer --bootstrap-server localhost:9092 --topic s --batch-size 120\n\
         sleep 16s\n\
         seq 60 | kafka-console-producer --bootstrap-server localhost:9092 --topic s --batch-size 120\n\
         sleep 16s\n\
         seq 5 | kafka-console-producer --bootstrap-server localhost:9092 --topic s\n\
         sleep 2s\n",
        true,
    );
    assert_eq!(r.exit_code(), 0, "{r:?}");
    let view = ViewModel::build(c.sim());
    let tp = TopicPartition::new("s", 0);
    let Detail::Log(l) = inspect(c.sim(), &view, &Target::Replica(1, tp)) else { panic!("a log") };
    let segs = &l.segment_files;
    assert!(segs.len() > 2, "segment.ms rolls a new segment for each round: {segs:?}");
    assert_eq!(segs.len() as u32, l.segments);
    assert_eq!(segs.iter().filter(|s| s.active).count(), 1);
    assert!(segs.last().unwrap().active);
    assert!(segs.windows(2).all(|w| w[0].base_offset < w[1].base_offset));
    for s in segs.iter().filter(|s| s.offsets.is_some()) {
        assert_eq!(s.offsets.unwrap().0, s.base_offset);
    }
    // kafka-log-dirs sums the same bytes.
    let stdout =
        |r: crate::console::session::ScriptResult| r.commands.iter().map(|x| x.output.stdout()).collect::<String>();
    let out = stdout(c.run_script(
        "kafka-log-dirs --bootstrap-server localhost:9092 --describe --broker-list 1 --topic-list s\n",
        true,
    ));
    let total: u64 = segs.iter().map(|s| s.size_bytes).sum();
    assert!(out.contains(&format!("\"partition\":\"s-0\",\"size\":{total},")), "{total}: {out}");
    // kafka-dump-log prints as many offset-index entries.
    let first = &segs[0];
    assert!(first.offset_index_entries > 0, "100-byte index interval: {first:?}");
    let out = stdout(c.run_script(
        &format!("kafka-dump-log --files /tmp/kraft-combined-logs/s-0/{:020}.index\n", first.base_offset),
        true,
    ));
    let entries = out.lines().filter(|l| l.starts_with("offset: ")).count() as u32;
    assert_eq!(entries, first.offset_index_entries, "{out}");
}

/// A quota shows on the throttled client (KIP-219): its sensor's max and the broker it waits
/// out; on a secured cluster each client's principal, and a refused one's error in words.
#[test]
fn a_client_shows_its_throttle_principal_and_refusals() {
    use crate::console::session::Console;
    let mut c = Console::new(46, crate::sim::world::ClusterConfig::default()).expect("a console");
    let r = c.run_script(
        "kafka-topics --bootstrap-server localhost:9092 --create --topic clicks --partitions 1 --replication-factor 3\n\
         producer start shop --topic clicks --rate 200/s\n\
         sleep 5s\n",
        true,
    );
    assert_eq!(r.exit_code(), 0, "{r:?}");
    let shop = |c: &Console| c.sim().clients().values().find(|x| x.name == "shop").map(|x| x.id).expect("shop");
    let id = shop(&c);
    let detail = |c: &Console| match inspect(c.sim(), &ViewModel::build(c.sim()), &Target::Client(id)) {
        Detail::Client(d) => d,
        d => panic!("{d:?}"),
    };
    let before = detail(&c);
    assert_eq!(before.principal, None, "PLAINTEXT: no principal shown");
    let t = before.throttle.expect("a producer has a throttle sensor");
    assert_eq!((t.sensor, t.max_ms, t.throttled_responses), ("produce-throttle-time", Some(0), 0));
    assert!(ViewModel::build(c.sim()).clients.iter().all(|x| x.trouble.is_none()));
    let r = c.run_script(
        "kafka-configs --bootstrap-server localhost:9092 --alter --entity-type clients --entity-name shop --add-config producer_byte_rate=1024\n\
         sleep 10s\n",
        true,
    );
    assert_eq!(r.exit_code(), 0, "{r:?}");
    let t = detail(&c).throttle.expect("sensor");
    assert!(t.max_ms.unwrap_or(0) > 0 && t.throttled_responses > 0, "{t:?}");
    // Muted while it waits out a throttle: the card says so at such a moment.
    let mut seen = false;
    for _ in 0..400 {
        c.run_script("sleep 5ms\n", true);
        let d = detail(&c);
        let card = ViewModel::build(c.sim()).clients.iter().find(|x| x.id == id).and_then(|x| x.trouble.clone());
        if let Some((b, left)) = d.throttle.as_ref().and_then(|t| t.muted.first().copied()) {
            assert!(left > 0 && c.sim().brokers().contains_key(&b));
            assert_eq!(card, Some(format!("throttled {left} ms (quota)")));
            seen = true;
            break;
        }
        assert_eq!(card, None);
    }
    assert!(seen, "a throttled producer waits one out at some moment");

    // A secured cluster: alice may describe pay, not write to it.
    let mut c = Console::new(48, crate::sim::world::ClusterConfig::default()).expect("a console");
    let jaas = |u: &str| {
        format!("sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"{u}\" password=\"{u}-secret\";")
    };
    let r = c.run_script(
        &format!(
            "reset --security sasl-plain\n\
             cat > admin.properties <<EOF\nsecurity.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n{}\nEOF\n\
             kafka-topics --bootstrap-server localhost:9092 --command-config admin.properties --create --topic pay --partitions 1 --replication-factor 3\n\
             kafka-acls --bootstrap-server localhost:9092 --command-config admin.properties --add --allow-principal User:alice --operation Describe --topic pay\n\
             producer start alice-app --topic pay --rate 5/s --producer-property security.protocol=SASL_PLAINTEXT --producer-property sasl.mechanism=PLAIN --producer-property '{}'\n\
             producer start mallory --topic pay --rate 5/s --producer-property security.protocol=SASL_PLAINTEXT --producer-property sasl.mechanism=PLAIN --producer-property '{}'\n\
             sleep 5s\n",
            jaas("admin"),
            jaas("alice"),
            jaas("alice").replace("alice-secret", "wrong"),
        ),
        true,
    );
    assert_eq!(r.exit_code(), 0, "{r:?}");
    let view = ViewModel::build(c.sim());
    let sec = view.security.clone().expect("a secured cluster");
    assert_eq!((sec.listener, sec.authorizer, sec.allow_if_no_acl), ("SASL_PLAINTEXT", true, false));
    assert_eq!(sec.super_users, vec!["User:admin".to_string()]);
    assert_eq!(sec.acls.len(), 1);
    let a = &sec.acls[0];
    assert_eq!(
        (a.resource_type, a.name.as_str(), a.pattern, a.principal.as_str(), a.operation, a.permission),
        ("TOPIC", "pay", "LITERAL", "User:alice", "DESCRIBE", "ALLOW")
    );
    let card = |name: &str| view.clients.iter().find(|x| x.name == name).cloned().expect(name);
    let alice = card("alice-app");
    assert_eq!(alice.principal.as_deref(), Some("User:alice"));
    assert_eq!(alice.trouble.as_deref(), Some("not authorized (ACLs)"));
    let mallory = card("mallory");
    assert_eq!((mallory.principal, mallory.trouble.as_deref()), (None, Some("login refused (SASL)")));
    let Detail::Client(d) = inspect(c.sim(), &view, &Target::Client(alice.id)) else { panic!("a client") };
    assert_eq!(d.principal, Some(Ok("User:alice".to_string())));
    assert!(
        d.problems.iter().any(|p| p.contains("AUTHORIZATION_FAILED") || p.contains("AuthorizationException")),
        "{:?}",
        d.problems
    );
    let Detail::Client(d) = inspect(c.sim(), &view, &Target::Client(mallory.id)) else { panic!("a client") };
    assert!(matches!(&d.principal, Some(Err(e)) if e.contains("Authentication failed")), "{:?}", d.principal);
    // PLAINTEXT: no security section.
    let c = Console::new(1, crate::sim::world::ClusterConfig::default()).expect("a console");
    assert!(ViewModel::build(c.sim()).security.is_none());
}

/// Nothing drains a `producer start` application's completions: it keeps the newest
/// `MAX_COMPLETIONS` (Inspect reads the newest for refusals) instead of one per batch for as
/// long as it runs.
#[test]
fn a_long_running_producer_keeps_only_its_newest_completions() {
    use crate::sim::client::producer::MAX_COMPLETIONS;
    use crate::sim::client::ClientKind;
    let mut c = Console::new(3, crate::sim::world::ClusterConfig::default()).expect("a console");
    let r = c.run_script(
        "kafka-topics --bootstrap-server localhost:9092 --create --topic clicks --partitions 3 --replication-factor 3\n\
         producer start shop --topic clicks --rate 200/s --producer-property linger.ms=0\n\
         sleep 30s\n",
        true,
    );
    assert_eq!(r.exit_code(), 0, "{r:?}");
    let shop = c.sim().clients().values().find(|x| x.name == "shop").expect("shop");
    let ClientKind::Producer(p) = &shop.kind else { panic!("a producer") };
    assert!(p.acked as usize > MAX_COMPLETIONS, "more batches completed than are kept ({} acked)", p.acked);
    assert_eq!(p.completions.len(), MAX_COMPLETIONS);
    let newest = p.completions.back().expect("one").at;
    assert!(c.sim().now().ms_since(newest) < 1000, "the newest are the ones kept");
}
