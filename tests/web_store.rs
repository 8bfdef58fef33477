//! Browser tests of the saved session (IndexedDB through rexie, headless Chromium):
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test web_store -- --nocapture`
//! (the benchmark prints its figures to the console log).
#![cfg(target_arch = "wasm32")]

use brokerlab::console::session::Console;
use brokerlab::lab::{Boot, Effect, Event, Lab};
use brokerlab::scenario::snapshot::Snapshot;
use brokerlab::scenario::Scenario;
use brokerlab::sim::disk_image::{restore_disks, state_hash, strip_disks, DiskDelta, DiskOp, DiskTracker, RowValue};
use brokerlab::sim::scenarios::throughput_scenario;
use brokerlab::sim::trace::TraceLevel;
use brokerlab::sim::world::ClusterConfig;
use brokerlab::store::{Fault, SaveSet, Store, StoreError, StoreStatus};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const BS: &str = "--bootstrap-server localhost:9092";

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0)
}

fn busy_console() -> Console {
    let mut c = Console::new(11, ClusterConfig::default()).expect("boots");
    for l in [
        format!("kafka-topics {BS} --create --topic orders --partitions 3 --replication-factor 3"),
        format!("seq 200 | kafka-console-producer {BS} --topic orders"),
        "sleep 2s".to_string(),
    ] {
        c.run_script(&l, false);
    }
    c
}

async fn fresh(name: &str) -> Store {
    let _ = Store::delete_database(name).await;
    let (store, status) = Store::open_with(name, None).await;
    assert_eq!(status, StoreStatus::Saving);
    store.expect("a store")
}

fn save_set(c: &Console, tracker: &mut DiskTracker, first: bool) -> SaveSet {
    let disk = if first {
        DiskDelta { ops: tracker.full(c.sim()).into_iter().map(DiskOp::Put).collect() }
    } else {
        tracker.delta(c.sim())
    };
    SaveSet {
        scenario: Some(Scenario::from_console(c)),
        snapshot: Some(Snapshot::take(c, 1000).expect("no job").to_bytes()),
        disk,
        ui: Some(serde_json::json!({ "view": "partitions", "selected": "orders-0" })),
        lessons: vec![("isr-basics".into(), serde_json::json!({ "step": 3 }))],
        journal_below: Some(c.log().len() as u32),
        replace_disk: false,
    }
}

#[wasm_bindgen_test]
async fn a_reload_restores_logs_and_state_exactly() -> Result<(), StoreError> {
    let name = "brokerlab-test-reload";
    let store = fresh(name).await;
    assert!(store.load().await?.is_none(), "nothing saved yet");
    let mut c = busy_console();
    let mut tracker = DiskTracker::new();
    store.save(&save_set(&c, &mut tracker, true)).await?;
    // More work, saved as a delta.
    c.run_script(&format!("seq 30 | kafka-console-producer {BS} --topic orders"), false);
    c.run_script("sleep 1s", false);
    let delta = save_set(&c, &mut tracker, false);
    assert!(!delta.disk.is_empty() && delta.disk.ops.len() < 100, "{} ops", delta.disk.ops.len());
    store.save(&delta).await?;
    let before = state_hash(c.sim());
    store.close();

    // "Reload": a new connection reads everything back.
    let (store, status) = Store::open_with(name, None).await;
    assert_eq!(status, StoreStatus::Saving, "the first tab closed: this one saves");
    let store = store.expect("store");
    let saved = store.load().await?.expect("saved");
    assert!(saved.skipped.is_empty(), "{:?}", saved.skipped);
    assert_eq!(saved.scenario.as_ref(), Some(&Scenario::from_console(&c)));
    assert_eq!(saved.ui, Some(serde_json::json!({ "view": "partitions", "selected": "orders-0" })));
    assert_eq!(saved.lessons["isr-basics"], serde_json::json!({ "step": 3 }));
    let snap = Snapshot::from_bytes(saved.snapshot.as_deref().expect("snapshot")).expect("reads");
    let (back, report) = snap.restore(&saved.rows);
    assert!(report.is_clean(), "{report:?}");
    assert_eq!(state_hash(back.sim()), before);
    store.clear().await?;
    assert!(store.load().await?.is_none(), "cleared");
    store.close();
    Ok(())
}

#[wasm_bindgen_test]
async fn a_tab_that_takes_over_replaces_the_rows_the_other_tab_wrote() -> Result<(), StoreError> {
    let name = "brokerlab-test-take-over-rows";
    let store = fresh(name).await;
    // The tab that saved went further than the copy the second tab restored when it opened.
    let behind = busy_console();
    let mut ahead = busy_console();
    ahead.run_script(&format!("seq 30 | kafka-console-producer {BS} --topic orders"), false);
    ahead.run_script("sleep 1s", false);
    store.save(&save_set(&ahead, &mut DiskTracker::new(), true)).await?;
    // The second tab takes over and writes its session whole: the other tab's extra batches
    // must go, or its segments fail their checks on the next reload.
    let mut whole = save_set(&behind, &mut DiskTracker::new(), true);
    whole.replace_disk = true;
    store.save(&whole).await?;
    let saved = store.load().await?.expect("saved");
    let snap = Snapshot::from_bytes(saved.snapshot.as_deref().expect("snapshot")).expect("reads");
    let (back, report) = snap.restore(&saved.rows);
    assert!(report.is_clean(), "{report:?}");
    assert_eq!(state_hash(back.sim()), state_hash(behind.sim()));
    store.clear().await?;
    store.close();
    Ok(())
}

/// Carries out the lab's journal and save effects on `store` as the page does.
async fn carry_out(store: &Store, effects: Vec<Effect>) -> Result<(), StoreError> {
    for e in effects {
        match e {
            Effect::Journal(w) => store.journal(&w).await?,
            Effect::Save { set, .. } => store.save(&set).await?,
            _ => {}
        }
    }
    Ok(())
}

#[wasm_bindgen_test]
async fn a_command_typed_just_before_the_page_is_killed_is_there_after_the_reload() -> Result<(), StoreError> {
    let name = "brokerlab-test-journal";
    let store = fresh(name).await;
    let (mut lab, _) = Lab::boot(Boot::default(), Box::new(|| 0.0)).expect("boots");
    carry_out(&store, lab.update(Event::StoreOpened { status: StoreStatus::Saving, loaded: Ok(None) })).await?;
    let mut wall = 0.0;
    // A periodic save point, then a command, then the page dies before the next one.
    for _ in 0..31 {
        wall += 100.0;
        carry_out(&store, lab.update(Event::Frame { wall_ms: wall, dt_ms: 100 })).await?;
    }
    let _ = lab.update(Event::Saved(Ok(lab.now().as_ms())));
    let line = format!("kafka-topics {BS} --create --topic journalled --partitions 1 --replication-factor 3");
    carry_out(&store, lab.update(Event::Typed(line))).await?;
    let log = lab.console().log().to_vec();
    // Killed: no save, no `pagehide`; the connection just goes.
    drop(lab);
    store.close();

    let (store, _) = Store::open_with(name, None).await;
    let store = store.expect("store");
    let saved = store.load().await?.expect("saved");
    assert!(saved.skipped.is_empty(), "{:?}", saved.skipped);
    assert!(!saved.journal.is_empty(), "the journal holds the command");
    let (mut again, _) = Lab::boot(Boot::default(), Box::new(|| 0.0)).expect("boots");
    let _ = again.update(Event::StoreOpened { status: StoreStatus::Saving, loaded: Ok(Some(Box::new(saved))) });
    let v = again.view();
    assert!(v.view.topics.iter().any(|t| t.name == "journalled"), "the command is there");
    assert_eq!(again.console().log(), log.as_slice());
    store.clear().await?;
    store.close();
    Ok(())
}

#[wasm_bindgen_test]
async fn the_moment_of_leaving_is_kept_synchronously_and_resumed_after_the_reload() -> Result<(), StoreError> {
    let name = "brokerlab-test-leave";
    let store = fresh(name).await;
    let (mut lab, _) = Lab::boot(Boot::default(), Box::new(|| 0.0)).expect("boots");
    carry_out(&store, lab.update(Event::StoreOpened { status: StoreStatus::Saving, loaded: Ok(None) })).await?;
    let line = format!("kafka-topics {BS} --create --topic left --partitions 1 --replication-factor 3");
    carry_out(&store, lab.update(Event::Typed(line))).await?;
    let mut wall = 0.0;
    for _ in 0..20 {
        wall += 100.0;
        carry_out(&store, lab.update(Event::Frame { wall_ms: wall, dt_ms: 100 })).await?;
    }
    // `pagehide`: the mark is written before the call returns; the journal's IndexedDB write
    // is dropped here, as a page ended right after the event drops it.
    let mut kept = false;
    for e in lab.update(Event::Leave) {
        if let Effect::KeepLeave(text) = e {
            store.keep_leave(&text)?;
            kept = true;
        }
    }
    assert!(kept, "leaving keeps a mark");
    let left_at = lab.now();
    drop(lab);
    store.close();

    let (store, _) = Store::open_with(name, None).await;
    let store = store.expect("store");
    let saved = store.load().await?.expect("saved");
    assert!(matches!(saved.leave, Some(Ok(_))), "the mark is read back with the session");
    let (mut again, _) = Lab::boot(Boot::default(), Box::new(|| 0.0)).expect("boots");
    let _ = again.update(Event::StoreOpened { status: StoreStatus::Saving, loaded: Ok(Some(Box::new(saved))) });
    assert_eq!(again.now(), left_at, "the clock resumes at the moment of leaving");
    assert!(again.view().view.topics.iter().any(|t| t.name == "left"));
    store.clear().await?;
    assert_eq!(store.read_leave(), None, "clearing the session clears its mark");
    store.close();
    Ok(())
}

#[wasm_bindgen_test]
async fn a_broker_crash_restart_recovers_from_the_stored_disk() -> Result<(), StoreError> {
    let name = "brokerlab-test-crash";
    let store = fresh(name).await;
    let mut c = busy_console();
    let mut tracker = DiskTracker::new();
    store.save(&save_set(&c, &mut tracker, true)).await?;
    let saved = store.load().await?.expect("saved");
    let (mut back, _) = Snapshot::from_bytes(saved.snapshot.as_deref().unwrap()).unwrap().restore(&saved.rows);
    for cmd in ["broker kill 1", "sleep 2s", "broker start 1", "sleep 5s"] {
        c.run_script(cmd, false);
        back.run_script(cmd, false);
    }
    assert_eq!(state_hash(back.sim()), state_hash(c.sim()), "recovery from IndexedDB = recovery in memory");
    store.close();
    Ok(())
}

#[wasm_bindgen_test]
async fn a_corrupted_batch_is_skipped_with_a_message() -> Result<(), StoreError> {
    let name = "brokerlab-test-corrupt";
    let store = fresh(name).await;
    let c = busy_console();
    let mut tracker = DiskTracker::new();
    let mut set = save_set(&c, &mut tracker, true);
    // Damage one batch as a bad disk (or a hand edit in the developer tools) would.
    let hit = set.disk.ops.iter_mut().find_map(|op| match op {
        DiskOp::Put(r) if r.key.node == "broker-2" => match &mut r.value {
            RowValue::Batch(b) if !b.records.is_empty() => Some(b),
            _ => None,
        },
        _ => None,
    });
    let b = hit.expect("a batch on broker-2");
    b.records[0].timestamp += 1;
    store.save(&set).await?;
    let saved = store.load().await?.expect("saved");
    assert_eq!(saved.skipped.len(), 1, "{:?}", saved.skipped);
    assert!(saved.skipped[0].contains("broker-2") && saved.skipped[0].contains("CRC"), "{}", saved.skipped[0]);
    let (_, report) = Snapshot::from_bytes(saved.snapshot.as_deref().unwrap()).unwrap().restore(&saved.rows);
    assert!(!report.is_clean(), "the restore notices the missing batch and recovers broker-2");
    store.close();
    Ok(())
}

#[wasm_bindgen_test]
async fn unavailable_or_full_storage_falls_back_to_memory_with_a_message() {
    let (store, status) = Store::open_with("brokerlab-test-unavailable", Some(Fault::Unavailable)).await;
    assert!(store.is_none());
    assert!(status.message().starts_with("Saving is off: "), "{}", status.message());
    let (store, status) = Store::open_with("brokerlab-test-blocked", Some(Fault::Blocked)).await;
    assert!(store.is_none());
    assert!(status.message().contains("blocking"), "{}", status.message());

    let name = "brokerlab-test-quota";
    let _ = Store::delete_database(name).await;
    let (store, status) = Store::open_with(name, Some(Fault::QuotaExceeded)).await;
    assert_eq!(status, StoreStatus::Saving);
    let store = store.unwrap();
    let c = busy_console();
    let err = store.save(&save_set(&c, &mut DiskTracker::new(), true)).await.unwrap_err();
    assert!(matches!(err, StoreError::QuotaExceeded { .. }));
    assert_eq!(
        store.status().message(),
        "Saving is off: the browser's storage for this site is full. Your work stays in this tab until you close it."
    );
    // The app keeps running in memory.
    let mut c = c;
    c.run_script("sleep 1s", false);
    store.close();
}

#[wasm_bindgen_test]
async fn a_second_tab_is_read_only_until_it_takes_over() -> Result<(), StoreError> {
    let name = "brokerlab-test-two-tabs";
    let first = fresh(name).await;
    let (second, status) = Store::open_with(name, None).await;
    let second = second.expect("opens");
    assert!(matches!(status, StoreStatus::ReadOnly(_)), "{status:?}");
    let c = busy_console();
    let set = save_set(&c, &mut DiskTracker::new(), true);
    assert_eq!(second.save(&set).await, Err(StoreError::ReadOnly));
    first.save(&set).await?;
    // The second tab reads what the first saved.
    assert!(second.load().await?.is_some());
    // It takes over; the first becomes read-only.
    assert_eq!(second.take_over().await, StoreStatus::Saving);
    second.save(&set).await?;
    // Give the lock manager a turn to tell the first tab.
    let _ = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&wasm_bindgen::JsValue::NULL)).await;
    for _ in 0..10 {
        if !first.status().is_saving() {
            break;
        }
        sleep_ms(20).await;
    }
    assert!(matches!(first.status(), StoreStatus::ReadOnly(_)), "{:?}", first.status());
    assert_eq!(first.save(&set).await, Err(StoreError::ReadOnly));
    first.close();
    second.close();
    Ok(())
}

/// The moment between a take-over and the news of it: the first tab still believes it saves
/// and starts a save after the second tab's first one. It must write nothing (the store's
/// writer token says another tab claimed it), or the next reload finds two sessions' disks.
#[wasm_bindgen_test]
async fn a_tab_not_yet_told_of_a_take_over_writes_nothing() -> Result<(), StoreError> {
    let name = "brokerlab-test-late-lock-news";
    let _ = Store::delete_database(name).await;
    let (first, status) = Store::open_with(name, Some(Fault::LateLockNews)).await;
    let first = first.expect("opens");
    assert_eq!(status, StoreStatus::Saving);
    let behind = busy_console();
    first.save(&save_set(&behind, &mut DiskTracker::new(), true)).await?;
    let (second, status) = Store::open_with(name, None).await;
    let second = second.expect("opens");
    assert!(matches!(status, StoreStatus::ReadOnly(_)), "{status:?}");
    assert_eq!(second.take_over().await, StoreStatus::Saving);
    let mut whole = save_set(&behind, &mut DiskTracker::new(), true);
    whole.replace_disk = true;
    second.save(&whole).await?;
    // The first tab went on with its own cluster and saves it.
    assert!(first.status().is_saving(), "not told yet");
    let mut ahead = busy_console();
    ahead.run_script(&format!("seq 30 | kafka-console-producer {BS} --topic orders"), false);
    ahead.run_script("sleep 1s", false);
    assert_eq!(first.save(&save_set(&ahead, &mut DiskTracker::new(), true)).await, Err(StoreError::ReadOnly));
    assert!(matches!(first.status(), StoreStatus::ReadOnly(_)), "{:?}", first.status());
    // What is kept is the second tab's session alone.
    let saved = second.load().await?.expect("saved");
    let snap = Snapshot::from_bytes(saved.snapshot.as_deref().expect("snapshot")).expect("reads");
    let (back, report) = snap.restore(&saved.rows);
    assert!(report.is_clean(), "{report:?}");
    assert_eq!(state_hash(back.sim()), state_hash(behind.sim()));
    // The second tab goes on saving.
    second.save(&save_set(&behind, &mut DiskTracker::new(), false)).await?;
    second.clear().await?;
    first.close();
    second.close();
    Ok(())
}

async fn sleep_ms(ms: i32) {
    let p = js_sys::Promise::new(&mut |res, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&res, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(p).await;
}

/// Benchmark (figures only, no timing assertions): 100,000 records of 100 bytes persisted
/// as disk rows in one save, then loaded and restored into a world.
#[wasm_bindgen_test]
async fn bench_persist_and_restore_100k_records() -> Result<(), StoreError> {
    let name = "brokerlab-bench-100k";
    let store = fresh(name).await;
    let sim = throughput_scenario(1, 100_000, 100, TraceLevel::Events);
    let records: u64 = sim
        .brokers()
        .values()
        .flat_map(|b| b.disk.logs.values())
        .map(|l| l.batches().map(|b| b.records.len() as u64).sum::<u64>())
        .sum();
    let t0 = now_ms();
    let rows = DiskTracker::new().full(&sim);
    let n_rows = rows.len();
    let t1 = now_ms();
    store
        .save(&SaveSet { disk: DiskDelta { ops: rows.into_iter().map(DiskOp::Put).collect() }, ..SaveSet::default() })
        .await?;
    let t2 = now_ms();
    let saved = store.load().await?.expect("saved");
    let t3 = now_ms();
    let (stripped, manifest) = strip_disks(&sim);
    let (back, report) = restore_disks(stripped, &manifest, &saved.rows);
    let t4 = now_ms();
    assert!(report.is_clean());
    assert_eq!(state_hash(&back), state_hash(&sim));
    console_log!(
        "bench: persist {records} records ({n_rows} rows, all replicas): {:.0} ms (rows {:.0} ms + IndexedDB {:.0} ms); restore: {:.0} ms (IndexedDB read + CRC {:.0} ms + rebuild {:.0} ms)",
        t2 - t0,
        t1 - t0,
        t2 - t1,
        t4 - t2,
        t3 - t2,
        t4 - t3
    );
    store.close();
    Ok(())
}
