//! Seed sweeps: random fault schedules. Safe settings must show zero invariant violations,
//! every partition back in sync and every acknowledged record readable after the heal, and
//! zero lost or duplicated acknowledged writes; unsafe settings must have their losses found.
#![cfg(not(target_arch = "wasm32"))]

mod common;
use brokerlab::sim::trace::Finding;
use common::sweep::{run_schedule, SweepOutcome};

fn seeds() -> u64 {
    std::env::var("BROKERLAB_SWEEP_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(1000)
}

/// The seeds of a sweep: `0..seeds()`, or only `BROKERLAB_SWEEP_SEED` when set (to reproduce
/// one, with `SWEEP_DUMP=1` for its trace).
fn seed_range() -> std::ops::Range<u64> {
    match std::env::var("BROKERLAB_SWEEP_SEED").ok().and_then(|s| s.parse::<u64>().ok()) {
        Some(s) => s..s + 1,
        None => 0..seeds(),
    }
}

/// What safe settings promise: nothing found that they do not allow, and an `acks=all` write to
/// every partition succeeds after the heal.
fn assert_safe(seed: u64, out: &SweepOutcome) {
    let bad: Vec<&Finding> = out.findings.iter().filter(|f| !f.is_expected_under(true)).collect();
    assert!(bad.is_empty(), "reproduce with seed={seed}: {bad:?}");
    assert!(
        out.probe_failures.is_empty(),
        "reproduce with seed={seed}: acks=all after the heal: {:?}",
        out.probe_failures
    );
}

#[test]
fn safe_settings_never_lose_or_duplicate_an_acknowledged_write() {
    let n = seeds();
    let mut total_acked = 0;
    for seed in 0..n {
        let out = run_schedule(seed, true, 30);
        total_acked += out.acked;
        assert_safe(seed, &out);
    }
    assert!(total_acked > n * 20, "the workload made progress ({total_acked} acknowledged)");
}

#[test]
fn unsafe_settings_lose_writes_and_the_checker_reports_them() {
    let n = seeds();
    let mut lossy_seeds = 0;
    for seed in 0..n {
        let out = run_schedule(seed, false, 30);
        let violations: Vec<&Finding> =
            out.findings.iter().filter(|f| matches!(f, Finding::InvariantViolated { .. })).collect();
        assert!(violations.is_empty(), "reproduce with seed={seed}: {violations:?}");
        if out.findings.iter().any(|f| matches!(f, Finding::LostWrite { .. } | Finding::Duplicate { .. })) {
            lossy_seeds += 1;
        }
    }
    assert!(lossy_seeds * 10 >= n, "losses found in {lossy_seeds} of {n} unsafe schedules");
}

/// Engine II: random consumer and broker crashes under safe settings: the history checker
/// finds no duplicate, reordering, skipped offset, read beyond the HW/LSO or aborted read, and
/// the engine no invariant violation or lost acknowledged write.
#[test]
fn consumer_groups_under_faults_show_no_anomalies() {
    let n = seeds();
    for seed in 0..n {
        let out = common::sweep::run_consumer_schedule(seed, 25);
        assert_safe(seed, &out);
    }
}

/// The same with KIP-848 consumers (`group.protocol=consumer`): besides the history checks, the
/// coordinator never gives one partition to two members of a consumer group at once (the
/// checker's `check_consumer_groups` after every assignment change, `CurrentAssignmentBuilder`).
#[test]
fn consumer_protocol_groups_under_faults_show_no_anomalies() {
    let n = seeds();
    for seed in 0..n {
        let out = common::sweep::run_consumer_schedule_with(seed, 25, true);
        assert_safe(seed, &out);
    }
}

/// Long polls and fetching from followers (`common::sweep::run_rack_schedule`): consumers in
/// racks read from the in-sync follower their rack holds (`RackAwareReplicaSelector`), waiting
/// at brokers for `fetch.min.bytes`, under faults: no duplicate, reordering, skipped offset or
/// read beyond the high watermark (a follower serves up to the HW it knows), no lost write.
#[test]
fn rack_aware_fetching_and_long_polls_under_faults_show_no_anomalies() {
    let n = seeds();
    for seed in 0..n {
        let out = common::sweep::run_rack_schedule(seed, 25);
        assert_safe(seed, &out);
    }
}

/// KIP-932 share groups under faults (`common::sweep::run_share_schedule`): no invariant
/// violation (no record delivered more often than the delivery limit, none lost from a
/// share-partition between its SPSO and SPEO), no lost acknowledged write, and the share
/// consumers read.
#[test]
fn share_groups_under_faults_show_no_anomalies() {
    let n = seeds();
    let mut total = 0;
    for seed in 0..n {
        let (out, acquired) = common::sweep::run_share_schedule(seed, 25);
        let bad: Vec<&Finding> = out.findings.iter().filter(|f| !f.is_expected_under(true)).collect();
        assert!(bad.is_empty(), "reproduce with seed={seed}: {bad:?}");
        assert!(
            out.probe_failures.is_empty(),
            "reproduce with seed={seed}: acks=all after the heal: {:?}",
            out.probe_failures
        );
        total += acquired;
    }
    assert!(total > n * 20, "the share consumers read ({total} records acquired)");
}

/// Share groups in the mix (`common::sweep::run_mixed_schedule`): a consumer group (classic or
/// KIP-848) and a share group read one topic together under the same faults. No invariant
/// violation (the share-partitions' delivery limit and SPSO–SPEO bookkeeping, no partition owned
/// twice in the consumer group at one epoch), no duplicate, reordering or lost acknowledged write
/// in what the consumer group read, and both groups read.
#[test]
fn share_groups_in_the_mix_with_consumer_groups_under_faults_show_no_anomalies() {
    let n = seeds();
    let (mut consumed, mut acquired) = (0, 0);
    for seed in 0..n {
        let (out, c, a) = common::sweep::run_mixed_schedule(seed, 25);
        assert_safe(seed, &out);
        consumed += c;
        acquired += a;
    }
    assert!(consumed > n * 20, "the consumer groups read ({consumed} records)");
    assert!(acquired > n * 20, "the share consumers read ({acquired} records acquired)");
}

/// Tiered storage (KIP-405) under faults (`common::sweep::run_tiered_schedule`): segments are
/// copied to the remote store and deleted locally while a consumer group reads, brokers crash,
/// links are cut and the remote store goes down and comes back. No invariant violation, no
/// duplicate, reordering or lost acknowledged write; after the heal a new group reads every
/// acknowledged record from the beginning, the old ones served by the remote store.
#[test]
fn tiered_storage_under_faults_shows_no_anomalies() {
    let n = seeds();
    let mut served = 0;
    for seed in 0..n {
        let (out, read, remote) = common::sweep::run_tiered_schedule(seed, 25);
        assert_safe(seed, &out);
        assert!(
            read >= out.acked,
            "reproduce with seed={seed}: the late group read {read} of {} acknowledged",
            out.acked
        );
        served += remote;
    }
    assert!(served >= n, "the remote store served the late groups ({served} fetches)");
}

/// The exactly-once processor under faults (`common::sweep_features::run_processor_schedule`):
/// Kafka's read-process-write loop (`TransactionalMessageCopier`, KIP-98 and KIP-447) copies a
/// topic while brokers crash, links are cut, the processor crashes mid-transaction and a new
/// instance takes over, or a zombie instance is cut off and fenced, every client under a
/// default byte-rate quota. After the heal the output read with `isolation.level=read_committed`
/// up to its last stable offsets holds each input record below the group's committed offset
/// exactly once, in order per partition; no invariant violation, no lost acknowledged write.
#[test]
fn the_processor_copies_exactly_once_under_faults_and_quotas() {
    let range = seed_range();
    let n = range.end - range.start;
    let (mut copied, mut throttled, mut instances, mut caught_up) = (0, 0, 0u64, 0u64);
    for seed in range {
        let out = common::sweep_features::run_processor_schedule(seed, 25);
        assert!(out.violations.is_empty(), "reproduce with seed={seed}: {:?}", out.violations);
        assert_safe(seed, &out.out);
        copied += out.copied;
        throttled += out.throttled;
        instances += u64::from(out.instances);
        caught_up += u64::from(out.caught_up);
    }
    // Liveness, not an invariant: some schedules leave the processor's group rebalancing
    // after the heal (see the report of issue 17); most must catch up.
    assert!(caught_up * 10 >= n * 8, "the processor caught up after the heal in {caught_up} of {n} schedules");
    assert!(copied > n * 50, "the processors copied ({copied} records)");
    assert!(instances > n, "processors were crashed or fenced and replaced ({instances} instances)");
    assert!(throttled >= n, "the quota throttled the clients ({throttled} throttled responses)");
}

/// A secured cluster under faults (`common::sweep_features::run_secured_schedule`): SASL/PLAIN
/// logins, the `StandardAuthorizer` with only the ACLs the workload needs, user byte-rate
/// quotas, and bob, who may read but not write, trying to write all along. Every one of his
/// sends that reaches a broker is refused and none of his records is in the log; alice's
/// writes and bob's reads go on: no invariant violation, no duplicate, reordering or lost
/// acknowledged write.
#[test]
fn a_secured_cluster_with_quotas_and_a_refused_principal_under_faults_shows_no_anomalies() {
    let n = seed_range().end - seed_range().start;
    let (mut consumed, mut refused, mut throttled) = (0, 0, 0);
    for seed in seed_range() {
        let out = common::sweep_features::run_secured_schedule(seed, 25);
        assert_safe(seed, &out.out);
        assert!(out.accepted.is_empty(), "reproduce with seed={seed}: bob wrote: {:?}", out.accepted);
        assert!(
            out.consumed > 0 && out.out.acked > 0,
            "reproduce with seed={seed}: alice acked {}, bob read {}",
            out.out.acked,
            out.consumed
        );
        consumed += out.consumed;
        refused += out.refused;
        throttled += out.throttled;
    }
    assert!(consumed > n * 20, "bob's consumers read ({consumed} records)");
    assert!(refused > n, "bob's writes were refused ({refused} sends)");
    assert!(throttled >= n, "the user quotas throttled ({throttled} throttled responses)");
}

/// Segment files under faults (`common::sweep_features::run_segment_schedule`): segments roll
/// by `segment.ms` or size while retention deletes the old ones and, on two seeds in three, the
/// cleaner compacts them, brokers crash and recover their logs, and consumers fall behind the
/// log start. No invariant violation, no duplicate, reordering, skipped offset or lost
/// acknowledged write (what retention deleted is not lost; on compacted topics the checker does
/// not look for lost writes), and segments did roll and go, and the cleaner removed records.
#[test]
fn segments_rolling_and_retention_under_faults_show_no_anomalies() {
    let n = seed_range().end - seed_range().start;
    let (mut consumed, mut segments, mut removed, mut throttled) = (0, 0, 0, 0);
    let (mut compacted, mut cleaned_seeds) = (0u64, 0u64);
    for seed in seed_range() {
        let out = common::sweep_features::run_segment_schedule(seed, 25);
        assert_safe(seed, &out.out);
        consumed += out.consumed;
        segments += out.segments;
        removed += out.removed;
        throttled += out.throttled;
        if out.compacted {
            compacted += 1;
            if out.cleaned > 0 {
                cleaned_seeds += 1;
            }
        }
    }
    assert!(consumed > n * 20, "the consumers read ({consumed} records)");
    // Compaction is in the mix (two seeds in three), and the cleaner removed records in most
    // compacted schedules (checked on sweeps of 20 seeds or more, not on one seed reproduced).
    println!("compacted topics in {compacted} of {n} schedules, the cleaner removed records in {cleaned_seeds}");
    if n >= 20 {
        assert!(compacted * 2 >= n, "compacted topics in {compacted} of {n} schedules");
        assert!(
            cleaned_seeds * 4 >= compacted * 3,
            "the cleaner removed records in {cleaned_seeds} of {compacted} compacted schedules"
        );
    }
    assert!(segments >= n * 2, "segments rolled ({segments} segments on the leaders)");
    assert!(removed > n * 20, "retention removed records ({removed})");
    assert!(throttled >= n, "the quota throttled ({throttled} throttled responses)");
}
