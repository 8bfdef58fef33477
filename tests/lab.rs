//! The learner's session without a browser (`src/lab/`): events in, effects out, a view to
//! draw. Time, the timeline and its forks, the console as a terminal (here-documents typed
//! line by line), the feed, the charts, lessons, links and saving.
#![cfg(not(target_arch = "wasm32"))]

use brokerlab::console::typing::Prompt;
use brokerlab::lab::overview::CellState;
use brokerlab::lab::persist::{SaveSet, StoreStatus};
use brokerlab::lab::request_kind::RequestKind;
use brokerlab::lab::view::{FeedKind, TermStream};
use brokerlab::lab::{actions, diagram, overview, view, BenchCluster, Selection};
use brokerlab::lab::{Boot, Effect, Event, FrameCost, Lab, LabView, LessonAction};
use brokerlab::scenario::link::{fragment_for, Fragment};
use brokerlab::scenario::Scenario;
use brokerlab::sim::types::NodeAddr;
use brokerlab::sim::world::ClusterConfig;
use std::collections::BTreeSet;
use std::rc::Rc;

fn still() -> Box<dyn Fn() -> f64> {
    Box::new(|| 0.0)
}

fn sandbox() -> Lab {
    Lab::new(42, ClusterConfig::default(), still()).expect("a default cluster boots")
}

/// The page as it opens with no link: the first-visit cluster, nothing restored yet.
fn booted() -> Lab {
    Lab::boot(Boot::default(), still()).expect("boots").0
}

/// Plays `ms` of wall time at the current speed, one 100 ms frame at a time; returns the
/// effects asked for.
fn play(lab: &mut Lab, wall: &mut f64, ms: u64) -> Vec<Effect> {
    let mut effects = Vec::new();
    for _ in 0..ms / 100 {
        *wall += 100.0;
        effects.extend(lab.update(Event::Frame { wall_ms: *wall, dt_ms: 100 }));
    }
    effects
}

fn typed(lab: &mut Lab, line: &str) -> Rc<LabView> {
    let _ = lab.update(Event::Typed(line.to_string()));
    lab.view()
}

fn transcript(v: &LabView) -> Vec<(TermStream, String)> {
    v.terminal.iter().map(|l| (l.stream, l.text.clone())).collect()
}

fn stdout_lines(v: &LabView) -> Vec<String> {
    v.terminal.iter().filter(|l| l.stream == TermStream::Stdout).map(|l| l.text.clone()).collect()
}

#[test]
fn a_here_document_typed_line_by_line_feeds_the_tool_not_the_shell() {
    let mut lab = sandbox();
    typed(&mut lab, "kafka-topics --bootstrap-server localhost:9092 --create --topic t --replica-assignment 1:2:3");
    let v = typed(&mut lab, "cat > plan.json <<EOF");
    assert_eq!(v.prompt, Prompt::Continuation, "the shell waits for the here-document");
    typed(&mut lab, "first: line");
    let v = typed(&mut lab, "EOF");
    assert_eq!(v.prompt, Prompt::Shell);
    assert!(
        !transcript(&v).iter().any(|(_, t)| t.contains("command not found")),
        "no line of the body ran as a command: {:?}",
        transcript(&v)
    );
    let v = typed(&mut lab, "cat plan.json");
    assert_eq!(stdout_lines(&v).last().map(String::as_str), Some("first: line"));

    // A producer fed by a here-document typed at the prompt.
    typed(&mut lab, "kafka-console-producer --bootstrap-server localhost:9092 --topic t <<X");
    typed(&mut lab, "a");
    typed(&mut lab, "b");
    let v = typed(&mut lab, "X");
    assert_ne!(v.prompt, Prompt::Continuation);
    assert_ne!(v.prompt, Prompt::ToolInput, "its stdin was the here-document");
    let mut wall = 0.0;
    let _ = play(&mut lab, &mut wall, 2000);
    assert_eq!(lab.view().prompt, Prompt::Shell, "the producer finished");
    let v = typed(&mut lab, "kafka-get-offsets --bootstrap-server localhost:9092 --topic t");
    assert_eq!(stdout_lines(&v).last().map(String::as_str), Some("t:0:2"));
    // The whole command, body included, is one history entry.
    assert!(v.history.iter().any(|h| h.starts_with("kafka-console-producer") && h.ends_with("a\nb\nX")));
}

#[test]
fn ctrl_c_abandons_a_command_being_continued() {
    let mut lab = sandbox();
    let v = typed(&mut lab, "cat > f <<EOF");
    assert_eq!(v.prompt, Prompt::Continuation);
    let _ = lab.update(Event::Interrupt);
    let v = lab.view();
    assert_eq!(v.prompt, Prompt::Shell);
    let v = typed(&mut lab, "ls");
    assert!(!stdout_lines(&v).iter().any(|l| l == "f"), "the abandoned command wrote nothing");
}

#[test]
fn the_prompt_says_what_the_next_line_is_taken_as() {
    let mut lab = sandbox();
    typed(
        &mut lab,
        "kafka-topics --bootstrap-server localhost:9092 --create --topic t --partitions 1 --replication-factor 1",
    );
    let v = typed(&mut lab, "kafka-console-producer --bootstrap-server localhost:9092 --topic t");
    assert_eq!(v.prompt, Prompt::ToolInput, "the producer reads lines");
    typed(&mut lab, "hello");
    let _ = lab.update(Event::Eof);
    assert_eq!(lab.view().prompt, Prompt::Busy, "after Ctrl-D the producer reads no more");
    let mut wall = 0.0;
    let _ = play(&mut lab, &mut wall, 2000);
    assert_eq!(lab.view().prompt, Prompt::Shell);
    let v = typed(&mut lab, "kafka-console-consumer --bootstrap-server localhost:9092 --topic t --from-beginning");
    assert_eq!(v.prompt, Prompt::Busy, "a consumer reads no input");
    // Its group waits group.initial.rebalance.delay.ms (3 s) before the first assignment.
    let _ = play(&mut lab, &mut wall, 6000);
    assert!(stdout_lines(&lab.view()).contains(&"hello".to_string()));
    let _ = lab.update(Event::Interrupt);
    let v = lab.view();
    assert_eq!(v.prompt, Prompt::Shell);
    // ConsoleConsumer prints its count to stderr.
    assert!(
        transcript(&v).contains(&(TermStream::Stderr, "Processed a total of 1 messages".to_string())),
        "{:?}",
        transcript(&v)
    );
}

#[test]
fn clear_wipes_the_transcript_and_is_kept_in_history() {
    let mut lab = sandbox();
    typed(&mut lab, "time");
    assert!(!lab.view().terminal.is_empty());
    let v = typed(&mut lab, "clear");
    assert!(v.terminal.is_empty());
    assert_eq!(v.history.last().map(String::as_str), Some("clear"));
}

#[test]
fn a_menu_command_waits_for_the_shell_prompt() {
    let mut lab = sandbox();
    typed(&mut lab, "cat > f <<EOF");
    let _ = lab.update(Event::Command("broker kill 1".into()));
    let v = lab.view();
    assert!(v.notice.as_ref().map(|n| &*n.text).unwrap_or("").contains("not run"));
    assert!(v.view.brokers.iter().all(|b| b.status == brokerlab::sim::view::NodeStatus::Running));
}

#[test]
fn frames_advance_simulated_time_by_speed() {
    let mut lab = sandbox();
    let mut wall = 0.0;
    let t0 = lab.view().now_ms;
    let _ = play(&mut lab, &mut wall, 1000);
    assert_eq!(lab.view().now_ms - t0, 1000, "1× plays one simulated second per second");
    let _ = lab.update(Event::SetSpeedLog(10));
    let t1 = lab.view().now_ms;
    let _ = play(&mut lab, &mut wall, 1000);
    assert_eq!(lab.view().now_ms - t1, 10_000, "10× plays ten");
    let _ = lab.update(Event::TogglePlay);
    let t2 = lab.view().now_ms;
    let _ = play(&mut lab, &mut wall, 1000);
    assert_eq!(lab.view().now_ms, t2, "paused: time stands still");
    // A backgrounded tab's long gap is capped at 100 ms of wall time per frame.
    let _ = lab.update(Event::TogglePlay);
    let _ = lab.update(Event::SetSpeedLog(0));
    let t3 = lab.view().now_ms;
    let _ = lab.update(Event::Frame { wall_ms: wall + 60_000.0, dt_ms: 60_000 });
    assert_eq!(lab.view().now_ms - t3, 100);
}

#[test]
fn seeking_back_shows_the_past_and_acting_there_forks() {
    let mut lab = sandbox();
    let mut wall = 0.0;
    typed(&mut lab, "kafka-topics --bootstrap-server localhost:9092 --create --topic t --replica-assignment 1:2:3");
    let _ = lab.update(Event::SetSpeedLog(10));
    let _ = play(&mut lab, &mut wall, 2500); // ~25 s simulated
    typed(&mut lab, "broker kill 2");
    let _ = play(&mut lab, &mut wall, 2000);
    let head = lab.view().now_ms;
    let killed_at = head - 20_000;

    // Back to before the kill: broker 2 runs there.
    let _ = lab.update(Event::Seek(killed_at - 5_000));
    let v = lab.view();
    assert!(v.viewing_past);
    assert_eq!(v.now_ms, killed_at - 5_000);
    assert_eq!(v.head_ms, head);
    assert!(!v.playing, "looking at the past pauses");
    let b2 = v.view.brokers.iter().find(|b| b.id == 2).expect("broker 2");
    assert_eq!(b2.status, brokerlab::sim::view::NodeStatus::Running);

    // Back to live: the kill is there again.
    let _ = lab.update(Event::BackToLive);
    let v = lab.view();
    assert!(!v.viewing_past);
    assert_eq!(v.now_ms, head);

    // Seek again and type: a new future from there.
    let _ = lab.update(Event::Seek(killed_at - 5_000));
    let v = typed(&mut lab, "broker kill 3");
    assert!(!v.viewing_past);
    assert!(v.notice.as_ref().map(|n| &*n.text).unwrap_or("").contains("new future"));
    assert!(transcript(&v).iter().any(|(s, t)| *s == TermStream::Note && t.contains("timeline forked")));
    assert_eq!(v.head_ms, v.now_ms, "the old future is gone");
    assert!(v.snapshots.iter().all(|&s| s <= v.now_ms));
    let statuses: Vec<_> = v.view.brokers.iter().map(|b| (b.id, b.status)).collect();
    assert_eq!(statuses.iter().find(|(id, _)| *id == 2).map(|x| x.1), Some(brokerlab::sim::view::NodeStatus::Running));
    assert_ne!(statuses.iter().find(|(id, _)| *id == 3).map(|x| x.1), Some(brokerlab::sim::view::NodeStatus::Running));
}

#[test]
fn the_feed_explains_a_crash_with_its_severity_and_charts_sample_each_second() {
    let mut lab = sandbox();
    let mut wall = 0.0;
    typed(&mut lab, "kafka-topics --bootstrap-server localhost:9092 --create --topic t --replica-assignment 1:2:3");
    typed(&mut lab, "broker kill 1");
    let _ = lab.update(Event::SetSpeedLog(10));
    let _ = play(&mut lab, &mut wall, 1500);
    let v = lab.view();
    let crash = v.feed.iter().find(|f| f.text.contains("broker 1 crashed")).expect("the crash is explained");
    assert_eq!(crash.kind, FeedKind::Warning);
    let fenced = v.feed.iter().find(|f| f.text.contains("fenced")).expect("the fencing is explained");
    assert_eq!(fenced.kind, FeedKind::Warning);
    assert!(v.feed.windows(2).all(|w| w[0].at_ms <= w[1].at_ms && w[0].seq < w[1].seq));
    let seconds: Vec<u64> = v.samples.iter().map(|s| s.at_s).collect();
    assert!(seconds.len() >= 10, "about one sample per simulated second: {seconds:?}");
    assert!(seconds.windows(2).all(|w| w[0] < w[1]));
    let last = v.samples.last().expect("a sample");
    assert_eq!(last.replicas_total, 3);
    assert_eq!(last.isr_total, 2, "broker 1 left the ISR of t-0");
    assert_eq!(last.under_replicated, 1);
}

#[test]
fn an_unchanged_view_keeps_its_parts() {
    let mut lab = sandbox();
    let _ = lab.update(Event::TogglePlay); // pause
    let a = lab.view();
    let _ = lab.update(Event::Frame { wall_ms: 100.0, dt_ms: 100 });
    let b = lab.view();
    assert!(Rc::ptr_eq(&a.terminal, &b.terminal));
    assert!(Rc::ptr_eq(&a.feed, &b.feed));
    assert!(Rc::ptr_eq(&a.history, &b.history));
}

#[test]
fn a_lesson_gates_commands_and_its_goals_tick() {
    let mut lab = sandbox();
    let _ = lab.update(Event::StartLesson("first-topic".into()));
    let v = lab.view();
    let lesson = v.lesson.clone().expect("the lesson panel");
    assert_eq!(lesson.id, "first-topic");
    let _ = lab.update(Event::Lesson(LessonAction::SkipDemo));
    let v = typed(&mut lab, "reset");
    assert!(transcript(&v).iter().any(|(s, t)| *s == TermStream::Stderr && t.starts_with("lesson:")));
    // The solution of step 1, typed, passes its goals.
    let run = lab.lesson_run().expect("a run");
    let solution = run.step().expect("step 1").solution.clone();
    for line in solution.lines() {
        typed(&mut lab, line);
    }
    let mut wall = 0.0;
    let _ = play(&mut lab, &mut wall, 1000);
    let v = lab.view();
    let l = v.lesson.clone().expect("the panel");
    assert!(l.goals.iter().all(|g| g.passed), "{:?}", l.goals);
    let _ = lab.update(Event::Lesson(LessonAction::Next));
    assert_eq!(lab.view().lesson.clone().expect("panel").step, Some(1));
}

#[test]
fn a_shared_link_replays_and_a_damaged_one_says_so() {
    let mut source = sandbox();
    typed(
        &mut source,
        "kafka-topics --bootstrap-server localhost:9092 --create --topic shared --partitions 2 --replication-factor 3",
    );
    let link = source.share_link(false);
    let fragment = link.trim_start_matches("http://x/").to_string();
    let (mut lab, effects) =
        Lab::boot(Boot { hash: fragment.clone(), bench: None, base_url: "http://x/".into() }, still()).expect("boots");
    assert!(
        matches!(effects.as_slice(), [Effect::OpenStore { restore: false }]),
        "a link never restores the sandbox over itself"
    );
    let v = lab.view();
    assert!(v.linked);
    assert!(v.view.topics.iter().any(|t| t.name == "shared"));

    let damaged = format!("{}AAAA", &fragment[..fragment.len() - 4]);
    let (mut lab, effects) =
        Lab::boot(Boot { hash: damaged, bench: None, base_url: "http://x/".into() }, still()).expect("boots");
    assert!(matches!(effects.as_slice(), [Effect::OpenStore { restore: true }]));
    let v = lab.view();
    assert!(
        v.notice.as_ref().map(|n| &*n.text).unwrap_or("").starts_with("This link could not be opened"),
        "{:?}",
        v.notice
    );
    assert!(v.view.topics.iter().any(|t| t.name == "orders"), "the first-visit cluster is shown");

    let (mut lab, effects) =
        Lab::boot(Boot { hash: "#lesson=no-such-lesson".into(), ..Boot::default() }, still()).expect("boots");
    assert_eq!(effects.len(), 1);
    assert!(lab.view().notice.as_ref().map(|n| &*n.text).unwrap_or("").contains("does not have"));
}

#[test]
fn embed_mode_saves_nothing() {
    let s = Scenario::from_console(sandbox().console());
    let hash = fragment_for(&Fragment::Scenario { scenario: Box::new(s), embed: true });
    let (mut lab, effects) = Lab::boot(Boot { hash, ..Boot::default() }, still()).expect("boots");
    assert!(effects.is_empty(), "no store is opened in an embed");
    assert!(lab.view().embed);
    assert!(lab.view().notice.is_none(), "an embed offers nothing to keep");
}

#[test]
fn saves_are_asked_for_while_something_changes_and_restore_rebuilds_the_session() {
    let (mut lab, effects) = Lab::boot(Boot::default(), still()).expect("boots");
    assert!(matches!(effects.as_slice(), [Effect::OpenStore { restore: true }]));
    let mut wall = 0.0;
    assert!(play(&mut lab, &mut wall, 5000).is_empty(), "no save before the store opened");
    let _ = lab.update(Event::StoreOpened { status: StoreStatus::Saving, loaded: Ok(None) });
    typed(
        &mut lab,
        "kafka-topics --bootstrap-server localhost:9092 --create --topic kept --partitions 1 --replication-factor 3",
    );
    let effects = play(&mut lab, &mut wall, 3100);
    let saves: Vec<_> = effects
        .into_iter()
        .filter_map(|e| if let Effect::Save { set, at_ms } = e { Some((set, at_ms)) } else { None })
        .collect();
    assert_eq!(saves.len(), 1, "one save per interval, none while one runs");
    let (set, at_ms) = saves.into_iter().next().expect("a save");
    assert!(play(&mut lab, &mut wall, 6000).iter().all(|e| !matches!(e, Effect::Save { .. })), "busy until answered");
    let _ = lab.update(Event::Saved(Ok(at_ms)));
    assert_eq!(lab.view().saved_at, Some(at_ms));

    // What was saved comes back in a new page.
    let saved = brokerlab::lab::persist::Saved {
        scenario: set.scenario.clone(),
        snapshot: set.snapshot.clone(),
        rows: set
            .disk
            .ops
            .iter()
            .filter_map(|op| if let brokerlab::sim::disk_image::DiskOp::Put(r) = op { Some(r.clone()) } else { None })
            .collect(),
        ui: set.ui.clone(),
        ..Default::default()
    };
    let mut again = booted();
    let _ = again.update(Event::StoreOpened { status: StoreStatus::Saving, loaded: Ok(Some(Box::new(saved))) });
    let v = again.view();
    assert!(v.view.topics.iter().any(|t| t.name == "kept"), "the saved sandbox is back");
    assert_eq!(v.now_ms, at_ms);

    // A failed save turns saving off with a sentence, and the page goes on.
    let _ = lab.update(Event::Saved(Err("quota exceeded".into())));
    let v = lab.view();
    assert!(v.saving.starts_with("Saving is off"));
    assert!(play(&mut lab, &mut wall, 6000).iter().all(|e| !matches!(e, Effect::Save { .. })));
}

#[test]
fn exports_and_copies_are_effects_and_failures_become_notices() {
    let mut lab = sandbox();
    let effects = lab.update(Event::ExportJson);
    assert!(matches!(&effects[..], [Effect::Download { name: "brokerlab-scenario.json", .. }]));
    let effects = lab.update(Event::CopyLink { embed: true });
    let [Effect::Copy(url)] = &effects[..] else { panic!("one copy: {effects:?}") };
    assert!(url.contains("embed") || url.contains("&e"), "{url}");
    assert_eq!(
        lab.view().notice.clone().expect("a notice").kind,
        brokerlab::lab::view::NoticeKind::Info,
        "news, not a warning"
    );
    let _ = lab.update(Event::Failed("The file could not be offered: blocked".into()));
    let notice = lab.view().notice.clone().expect("a notice");
    assert_eq!(&*notice.text, "The file could not be offered: blocked.");
    assert_eq!(notice.kind, brokerlab::lab::view::NoticeKind::Warning);
    let _ = lab.update(Event::ImportJson("{not json".into()));
    assert!(lab.view().notice.as_ref().map(|n| &*n.text).unwrap_or("").contains("Nothing was changed"));
}

#[test]
fn step_moves_to_the_next_moment_and_says_what_happened() {
    let mut lab = sandbox();
    let _ = lab.update(Event::TogglePlay);
    let before = lab.view().now_ms;
    let mut moved = 0;
    for _ in 0..20 {
        let t = lab.view().now_ms;
        let _ = lab.update(Event::Step);
        let v = lab.view();
        assert!(!v.playing);
        let report = v.step_report.clone().expect("a step says what it did");
        assert!(report.starts_with("Stepped to "), "{report}");
        if v.now_ms > t {
            moved += 1;
        }
    }
    assert!(moved > 0 && lab.view().now_ms > before, "steps move the clock");
    // Somewhere in twenty steps a request arrives, and it is named.
    let mut seen_arrival = false;
    for _ in 0..200 {
        let _ = lab.update(Event::Step);
        if lab.view().step_report.as_deref().unwrap_or("").contains("request to") {
            seen_arrival = true;
            break;
        }
    }
    assert!(seen_arrival);
    // Stepping is logged like any clock move: a replay of the log lands on the same moment.
    let replayed = Scenario::from_console(lab.console()).replay().expect("replays");
    assert_eq!(replayed.sim().now(), lab.console().sim().now());
    assert_eq!(replayed.sim().trace_hash(), lab.console().sim().trace_hash());
    // Playing clears the report, and so does a command (it moves the cluster on).
    let _ = lab.update(Event::TogglePlay);
    assert!(lab.view().step_report.is_none());
    let _ = lab.update(Event::TogglePlay);
    let _ = lab.update(Event::Step);
    assert!(lab.view().step_report.is_some());
    let _ = lab.update(Event::Typed("sleep 1s".into()));
    assert!(lab.view().step_report.is_none(), "a command after a step clears its report");
}

#[test]
fn internal_topics_are_counted_apart_and_their_feed_lines_marked() {
    let mut lab = sandbox();
    let mut wall = 0.0;
    typed(&mut lab, "kafka-topics --bootstrap-server localhost:9092 --create --topic t --replica-assignment 1:2:3");
    typed(&mut lab, "kafka-console-consumer --bootstrap-server localhost:9092 --topic t --group g --timeout-ms 5000");
    let _ = lab.update(Event::SetSpeedLog(10));
    let _ = play(&mut lab, &mut wall, 1000);
    let v = lab.view();
    let user: u32 = v.view.brokers.iter().map(|b| b.leaders).sum();
    let internal: u32 = v.view.brokers.iter().map(|b| b.internal_leaders).sum();
    assert_eq!(user, 1, "one partition of t");
    assert_eq!(internal, 50, "__consumer_offsets has 50 partitions (offsets.topic.num.partitions)");
    typed(&mut lab, "broker kill 1");
    let _ = play(&mut lab, &mut wall, 2000);
    let v = lab.view();
    assert!(v.feed.iter().any(|f| f.internal && f.text.contains("__consumer_offsets")));
    assert!(v.feed.iter().any(|f| !f.internal && f.text.contains("broker 1 crashed")));
    assert!(v.feed.iter().filter(|f| f.text.contains("__consumer_offsets")).all(|f| f.internal));
}

#[test]
fn a_reload_keeps_the_transcript_and_a_damaged_links_notice_survives_the_restore() {
    let mut lab = booted();
    let _ = lab.update(Event::StoreOpened { status: StoreStatus::Saving, loaded: Ok(None) });
    typed(&mut lab, "echo remembered");
    let mut wall = 0.0;
    let effects = play(&mut lab, &mut wall, 3100);
    let Some(Effect::Save { set, .. }) = effects.into_iter().find(|e| matches!(e, Effect::Save { .. })) else {
        panic!("a save")
    };
    let saved = brokerlab::lab::persist::Saved {
        scenario: set.scenario.clone(),
        snapshot: set.snapshot.clone(),
        rows: set
            .disk
            .ops
            .iter()
            .filter_map(|op| if let brokerlab::sim::disk_image::DiskOp::Put(r) = op { Some(r.clone()) } else { None })
            .collect(),
        ui: set.ui.clone(),
        ..Default::default()
    };
    let (mut again, _) = Lab::boot(Boot { hash: "#s=1.damaged".into(), ..Boot::default() }, still()).expect("boots");
    let _ = again.update(Event::StoreOpened { status: StoreStatus::Saving, loaded: Ok(Some(Box::new(saved))) });
    let v = again.view();
    assert!(transcript(&v).contains(&(TermStream::Command, "echo remembered".to_string())), "{:?}", transcript(&v));
    assert!(transcript(&v).contains(&(TermStream::Stdout, "remembered".to_string())));
    assert!(
        v.notice.as_ref().map(|n| &*n.text).unwrap_or("").starts_with("This link could not be opened"),
        "{:?}",
        v.notice
    );
}

/// What a browser store would hold, built from the lab's effects as the page carries them out
/// (the save point, then the journal; a save compacts the journal below its log).
#[derive(Default)]
struct FakeStore {
    saved: brokerlab::lab::persist::Saved,
}

impl FakeStore {
    fn carry_out(&mut self, effects: &[Effect]) {
        for e in effects {
            match e {
                Effect::Save { set, .. } => {
                    self.saved.scenario = set.scenario.clone();
                    self.saved.snapshot = set.snapshot.clone();
                    for op in &set.disk.ops {
                        if let brokerlab::sim::disk_image::DiskOp::Put(r) = op {
                            self.saved.rows.retain(|x| x.key != r.key);
                            self.saved.rows.push(r.clone());
                        }
                    }
                    self.saved.ui = set.ui.clone();
                    if let Some(n) = set.journal_below {
                        self.saved.journal.retain(|j| j.index >= n);
                    }
                }
                Effect::Journal(w) => {
                    if let Some(n) = w.drop_from {
                        self.saved.journal.retain(|j| j.index < n);
                    }
                    for j in &w.entries {
                        self.saved.journal.retain(|x| x.index != j.index);
                        self.saved.journal.push(j.clone());
                    }
                    if let Some(o) = &w.origin {
                        self.saved.scenario = Some(o.clone());
                        self.saved.snapshot = None;
                    }
                }
                Effect::KeepLeave(text) => self.saved.leave = Some(Ok(text.clone())),
                _ => {}
            }
        }
    }

    /// A new page restoring what is stored.
    fn reload(&self) -> Lab {
        let mut lab = booted();
        let _ = lab
            .update(Event::StoreOpened { status: StoreStatus::Saving, loaded: Ok(Some(Box::new(self.saved.clone()))) });
        lab
    }
}

const CREATE_KEPT: &str =
    "kafka-topics --bootstrap-server localhost:9092 --create --topic kept --partitions 1 --replication-factor 3";

#[test]
fn a_command_typed_before_the_first_save_point_survives_a_killed_page() {
    let mut lab = booted();
    let mut store = FakeStore::default();
    let mut wall = 0.0;
    store.carry_out(&lab.update(Event::StoreOpened { status: StoreStatus::Saving, loaded: Ok(None) }));
    store.carry_out(&play(&mut lab, &mut wall, 1000));
    store.carry_out(&lab.update(Event::Typed(CREATE_KEPT.into())));
    assert!(store.saved.snapshot.is_none(), "no save point yet: only the journal holds the command");
    // The page is killed here: no periodic save, no `pagehide`.
    let mut again = store.reload();
    let v = again.view();
    assert!(v.view.topics.iter().any(|t| t.name == "kept"), "the command is there after the reload");
    assert_eq!(again.console().log(), lab.console().log(), "the same log: the same state");
    assert!(v.notice.is_none(), "nothing was skipped: {:?}", v.notice);
}

#[test]
fn a_reload_resumes_at_the_moment_of_leaving_not_at_the_last_save() {
    let mut lab = booted();
    let mut store = FakeStore::default();
    let mut wall = 0.0;
    store.carry_out(&lab.update(Event::StoreOpened { status: StoreStatus::Saving, loaded: Ok(None) }));
    store.carry_out(&lab.update(Event::Typed(CREATE_KEPT.into())));
    let effects = play(&mut lab, &mut wall, 3100);
    let at = effects.iter().find_map(|e| if let Effect::Save { at_ms, .. } = e { Some(*at_ms) } else { None });
    store.carry_out(&effects);
    store.carry_out(&lab.update(Event::Saved(Ok(at.expect("a periodic save")))));
    let saved_log = store.saved.scenario.as_ref().expect("saved").log.len() as u32;
    assert!(store.saved.journal.iter().all(|j| j.index >= saved_log), "the save point compacted the journal");
    // After the save: another command, then time runs on and the learner leaves.
    store.carry_out(&play(&mut lab, &mut wall, 500));
    store.carry_out(&lab.update(Event::Typed(
        "kafka-topics --bootstrap-server localhost:9092 --create --topic later --partitions 1 --replication-factor 1"
            .into(),
    )));
    store.carry_out(&play(&mut lab, &mut wall, 1500));
    let left_at = lab.now();
    store.carry_out(&lab.update(Event::Leave));
    let mut again = store.reload();
    assert_eq!(again.now(), left_at, "the clock resumes where it was at leaving");
    let v = again.view();
    assert!(v.view.topics.iter().any(|t| t.name == "later"), "the command after the save is there");
    assert_eq!(again.console().log(), lab.console().log());

    // A damaged journal entry is skipped with a sentence; the save point stays.
    let mut damaged = FakeStore { saved: store.saved.clone() };
    let last = damaged.saved.journal.iter().map(|j| j.index).max().expect("journal entries");
    let e = damaged.saved.journal.iter_mut().find(|j| j.index == last).expect("last");
    e.text.push_str(" damaged");
    let mut again = damaged.reload();
    let v = again.view();
    assert!(v.view.topics.iter().any(|t| t.name == "kept"), "the save point is not lost");
    let notice = v.notice.as_ref().map(|n| n.text.to_string()).unwrap_or_default();
    assert!(notice.contains("could not be used") && notice.contains("CRC"), "the learner is told: {notice}");
}

#[test]
fn the_moment_of_leaving_and_the_console_come_back_though_pagehides_journal_write_is_lost() {
    let mut lab = booted();
    let mut store = FakeStore::default();
    let mut wall = 0.0;
    store.carry_out(&lab.update(Event::StoreOpened { status: StoreStatus::Saving, loaded: Ok(None) }));
    store.carry_out(&play(&mut lab, &mut wall, 400));
    store.carry_out(&lab.update(Event::Typed(CREATE_KEPT.into())));
    store.carry_out(&lab.update(Event::Typed("echo seen before leaving".into())));
    store.carry_out(&play(&mut lab, &mut wall, 1500));
    assert!(store.saved.snapshot.is_none(), "no save point: the journal and the leave mark hold the session");
    let left_at = lab.now();
    // `pagehide`: the mark is written synchronously; the journal's IndexedDB write is lost.
    let effects = lab.update(Event::Leave);
    assert!(effects.iter().any(|e| matches!(e, Effect::Journal(_))), "the journal writes the clock too");
    store.carry_out(&effects.into_iter().filter(|e| !matches!(e, Effect::Journal(_))).collect::<Vec<_>>());
    let journal_only = FakeStore { saved: brokerlab::lab::persist::Saved { leave: None, ..store.saved.clone() } };
    assert!(journal_only.reload().now() < left_at, "without the mark the clock would resume at the last command");

    let mut again = store.reload();
    assert_eq!(again.now(), left_at, "the clock resumes at the moment of leaving");
    assert_eq!(again.console().log(), lab.console().log());
    let v = again.view();
    assert!(v.notice.is_none(), "{:?}", v.notice);
    let lines = transcript(&v);
    let pos = |t: &str| lines.iter().position(|(_, l)| l == t);
    let (Some(cmd), Some(out)) = (pos(CREATE_KEPT), pos("seen before leaving")) else {
        panic!("what the console showed is back: {lines:?}")
    };
    assert!(cmd < out, "in the order it was shown");
    // The page journals the moment restored from the mark as soon as it has restored it, so
    // a later reload without a mark still has it.
    let mut page = booted();
    let effects = page
        .update(Event::StoreOpened { status: StoreStatus::Saving, loaded: Ok(Some(Box::new(store.saved.clone()))) });
    let mut after = FakeStore { saved: brokerlab::lab::persist::Saved { leave: None, ..store.saved.clone() } };
    after.carry_out(&effects);
    assert_eq!(after.reload().now(), left_at, "the restored moment was journalled");

    // localStorage unreadable: the session still comes back (at the last command), with why.
    let blocked = FakeStore {
        saved: brokerlab::lab::persist::Saved {
            leave: Some(Err("localStorage is not available".into())),
            ..store.saved.clone()
        },
    };
    let mut again = blocked.reload();
    assert!(again.view().view.topics.iter().any(|t| t.name == "kept"));
    let notice = again.view().notice.as_ref().map(|n| n.text.to_string()).unwrap_or_default();
    assert!(notice.contains("moment you left could not be read"), "{notice}");
    // A damaged mark: the same, and said.
    let text = match &store.saved.leave {
        Some(Ok(t)) => t.replacen("seen", "SEEN", 1),
        other => panic!("a mark: {other:?}"),
    };
    let damaged = FakeStore { saved: brokerlab::lab::persist::Saved { leave: Some(Ok(text)), ..store.saved.clone() } };
    let mut again = damaged.reload();
    assert!(again.view().view.topics.iter().any(|t| t.name == "kept"));
    let notice = again.view().notice.as_ref().map(|n| n.text.to_string()).unwrap_or_default();
    assert!(notice.contains("CRC"), "{notice}");
}

#[test]
fn a_second_tab_is_offered_to_take_over_and_the_first_is_told_when_it_does() {
    // The newer tab: the store says another tab saves.
    let mut second = booted();
    let ro = StoreStatus::ReadOnly("another tab has this session open and saves it".into());
    let _ = second.update(Event::StoreOpened { status: ro.clone(), loaded: Ok(None) });
    let v = second.view();
    assert!(v.read_only, "offered to take over");
    assert!(v.notice.as_ref().is_some_and(|n| n.text.contains("another tab")), "{:?}", v.notice);
    let mut wall = 0.0;
    let effects = play(&mut second, &mut wall, 5000);
    assert!(effects.is_empty(), "a read-only tab neither saves nor journals: {effects:?}");
    let effects = second.update(Event::Typed(CREATE_KEPT.into()));
    assert!(effects.iter().all(|e| !matches!(e, Effect::Journal(_))), "not journalled: {effects:?}");
    let effects = second.update(Event::TakeOver);
    assert!(matches!(effects.as_slice(), [Effect::TakeOver]), "{effects:?}");
    let _ = second.update(Event::StoreStatus(StoreStatus::Saving));
    let effects = play(&mut second, &mut wall, 100);
    let saves: Vec<&SaveSet> =
        effects.iter().filter_map(|e| if let Effect::Save { set, .. } = e { Some(&**set) } else { None }).collect();
    // Whole, replacing what the other tab wrote (its rows would fail the segment checks).
    assert!(matches!(saves.as_slice(), [s] if s.replace_disk), "saves at once, whole: {effects:?}");
    let _ = second.update(Event::Saved(Ok(1)));
    let effects = play(&mut second, &mut wall, 6000);
    assert!(
        effects.iter().all(|e| !matches!(e, Effect::Save { set, .. } if set.replace_disk)),
        "only the first save after taking over replaces: {effects:?}"
    );
    assert!(!second.view().read_only);

    // The older tab learns it lost the lock: read-only, with a visible notice; no writes.
    let mut first = booted();
    let _ = first.update(Event::StoreOpened { status: StoreStatus::Saving, loaded: Ok(None) });
    let _ = first.update(Event::StoreStatus(ro));
    let v = first.view();
    assert!(v.read_only);
    assert!(v.notice.as_ref().is_some_and(|n| n.text.contains("took over")), "{:?}", v.notice);
    let effects = first.update(Event::Typed(CREATE_KEPT.into()));
    assert!(effects.iter().all(|e| !matches!(e, Effect::Journal(_) | Effect::Save { .. })), "{effects:?}");
}

/// The page draws what the lab lays out, natively tested here: the diagram's boxes and request
/// labels, when the overview replaces the broker cards, the context menu's commands, the
/// speed's label, the benchmark a query string asks for and what the console's prompt shows.
#[test]
fn the_page_draws_what_the_lab_lays_out() {
    let mut lab = booted();
    let mut wall = 0.0;
    let _ = play(&mut lab, &mut wall, 5000);
    let v = lab.view();
    let layout = diagram::compute(&v.view, None, false);
    for b in v.view.brokers.iter() {
        assert!(layout.nodes.contains_key(&NodeAddr::Broker(b.id)), "broker {} has a box", b.id);
    }
    let boxes: Vec<_> = layout.nodes.values().collect();
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            assert!(!a.intersects(b), "{a:?} overlaps {b:?}");
        }
    }
    // Every request in flight is counted for the legend; no two labels overlap.
    let labels = diagram::flight_labels(&v.flights, &layout.nodes);
    let requests = v.flights.iter().filter(|f| !f.response).count() as u32;
    assert_eq!(labels.in_flight.iter().map(|(_, n)| n).sum::<u32>(), requests);
    assert_eq!(
        labels.in_flight.iter().map(|(_, n)| n).sum::<u32>(),
        diagram::in_flight_by_kind(&v.flights).iter().map(|(_, n)| n).sum::<u32>()
    );
    for (i, a) in labels.labels.iter().enumerate() {
        for b in &labels.labels[i + 1..] {
            assert!(!a.rect.intersects(&b.rect), "{a:?} overlaps {b:?}");
        }
    }
    assert_eq!(diagram::flight_progress(0.0, 100), Some((0.0, 1.0)), "a dot leaves from its sender");
    assert_eq!(diagram::flight_progress(100.0, 100), None, "and is gone once it lands");
    // The context menu of a broker kills, stops and isolates it.
    let (title, items) = actions::actions(&v.view, &Selection::Broker(1));
    assert_eq!(title, "Broker 1");
    assert_eq!(items.first().map(|(_, cmd, _)| cmd.as_str()), Some("broker kill 1"));
    // Above 60 partitions of the learner's topics the overview replaces the broker cards.
    assert!(!overview::wants_overview(&v.view, None));
    typed(
        &mut lab,
        "kafka-topics --bootstrap-server localhost:9092 --create --topic wide --partitions 64 --replication-factor 1",
    );
    let _ = play(&mut lab, &mut wall, 2000);
    let v = lab.view();
    assert!(overview::wants_overview(&v.view, None), "64 more partitions want the overview");
    assert!(!overview::wants_overview(&v.view, Some("wide")), "a focused topic keeps the cards");
    assert_eq!(
        (view::speed_label(-10), view::speed_label(0), view::speed_label(20)),
        ("0.1×".into(), "1×".into(), "100×".into())
    );
    assert_eq!(BenchCluster::from_query("?bench=ui-large"), Some(BenchCluster::UiLarge));
    assert_eq!(BenchCluster::from_query("?x=1&bench=ui"), Some(BenchCluster::Ui));
    assert_eq!(BenchCluster::from_query("?bench=other"), None);
    assert!(BenchCluster::UiLarge.describe().starts_with("10 brokers"));
    assert_eq!(v.prompt.symbol(), "$");
    // Each kind of request in flight and each cell of the overview reads apart without colour.
    let kinds: [fn(RequestKind) -> &'static str; 4] =
        [RequestKind::name, RequestKind::class, RequestKind::shape, RequestKind::glyph];
    for f in kinds {
        assert_eq!(RequestKind::ALL.iter().map(|k| f(*k)).collect::<BTreeSet<_>>().len(), RequestKind::ALL.len());
    }
    let cells: [fn(CellState) -> &'static str; 3] = [CellState::letter, CellState::word, CellState::class];
    for f in cells {
        assert_eq!(CellState::ALL.iter().map(|c| f(*c)).collect::<BTreeSet<_>>().len(), CellState::ALL.len());
    }
}

/// The group panel's words come from the read model: once the first-visit group has settled,
/// nothing moves and each member processes what it owns.
#[test]
fn the_group_panel_says_what_each_member_may_process() {
    let mut lab = booted();
    let mut wall = 0.0;
    let _ = play(&mut lab, &mut wall, 20_000);
    let v = lab.view();
    let billing = v.view.groups.iter().find(|g| g.id == "billing").expect("the first-visit group");
    let r = &billing.rebalance;
    assert!(!r.moving(), "{r:?}");
    assert!(!r.members.is_empty());
    let said: Vec<String> = r.members.iter().map(|m| m.activity()).collect();
    assert!(said.iter().all(|a| !a.contains("waits") && !a.contains("gives back")), "{said:?}");
    assert!(said.iter().any(|a| a.starts_with("processes its ")), "{said:?}");
}

/// The `?bench=ui` figures: where the last frame's time went, by the lab's own clock.
#[test]
fn a_frame_reports_where_its_time_went() {
    let ticks = Rc::new(std::cell::Cell::new(0.0));
    let t = ticks.clone();
    let clock = Box::new(move || {
        t.set(t.get() + 1.0);
        t.get()
    });
    let mut lab = Lab::new(42, ClusterConfig::default(), clock).expect("a default cluster boots");
    assert_eq!(lab.frame_cost(), FrameCost::default());
    let _ = lab.update(Event::Frame { wall_ms: 100.0, dt_ms: 100 });
    let cost = lab.frame_cost();
    assert!(cost.simulate_ms >= 1.0 && cost.publish_ms >= 1.0, "{cost:?}");
}

/// A frame that runs out of its time budget leaves the rest of its simulated time to the next
/// frames instead of taking longer: the time is owed, not lost, so 1× stays 1× on average,
/// up to four frames' worth; beyond that (a device too slow for the speed) it is dropped, and
/// pausing forgets it.
#[test]
fn a_frame_out_of_budget_defers_the_rest_to_the_next_frames() {
    // Each reading of the clock costs 3 ms while `slow` is set: the budget runs out after the
    // first slice of the frame.
    let slow = Rc::new(std::cell::Cell::new(true));
    let ms = Rc::new(std::cell::Cell::new(0.0));
    let (s, m) = (slow.clone(), ms.clone());
    let clock = Box::new(move || {
        if s.get() {
            m.set(m.get() + 3.0);
        }
        m.get()
    });
    let mut lab = Lab::new(42, ClusterConfig::default(), clock).expect("a default cluster boots");
    let mut wall = 0.0;
    let mut frame = |lab: &mut Lab, is_slow: bool| {
        slow.set(is_slow);
        wall += 16.0;
        let _ = lab.update(Event::Frame { wall_ms: wall, dt_ms: 16 });
        lab.now().as_micros()
    };
    let start = lab.now().as_micros();
    for _ in 0..3 {
        frame(&mut lab, true);
    }
    let deferred = lab.now().as_micros() - start;
    assert!(deferred > 0 && deferred < 48_000, "slow frames ran part of their time: {deferred} µs");
    assert_eq!(frame(&mut lab, false) - start, 64_000, "a cheap frame runs what was owed: four frames of 16 ms");
    assert_eq!(frame(&mut lab, false) - start, 80_000, "nothing is owed any more");

    let start = lab.now().as_micros();
    for _ in 0..30 {
        frame(&mut lab, true);
    }
    let caught_up = frame(&mut lab, false);
    assert!(caught_up - start < 31 * 16_000, "a device too slow for the speed drops time instead of owing it forever");
    assert_eq!(frame(&mut lab, false) - caught_up, 16_000, "at most four frames' worth was owed");

    for _ in 0..3 {
        frame(&mut lab, true);
    }
    let _ = lab.update(Event::TogglePlay);
    let paused = frame(&mut lab, false);
    let _ = lab.update(Event::TogglePlay);
    assert_eq!(frame(&mut lab, false) - paused, 16_000, "pausing forgets what was owed");
}

/// The metrics panel samples every node's metrics once per simulated second; a ticked metric
/// is charted with its history from before the tick, at most four at once, and a fork forgets
/// the samples of the discarded future.
#[test]
fn the_metrics_panel_lists_by_mbean_and_charts_what_is_ticked() {
    let mut lab = sandbox();
    let mut wall = 0.0;
    typed(&mut lab, "kafka-topics --bootstrap-server localhost:9092 --create --topic t --replica-assignment 1:2:3");
    let _ = lab.update(Event::SetSpeedLog(10));
    let _ = play(&mut lab, &mut wall, 500);
    let v = lab.view();
    let m = v.metrics.clone();
    let row = |m: &brokerlab::lab::metrics::MetricsView, scope: &str, name: &str| {
        m.rows.iter().find(|r| r.scope == scope && r.name == name).cloned()
    };
    let urp = row(&m, "broker 1", "UnderReplicatedPartitions").expect("the leader of t-0 lists it");
    assert_eq!(urp.mbean, "kafka.server:type=ReplicaManager,name=UnderReplicatedPartitions");
    assert_eq!(urp.value, Some(0));
    assert_eq!(urp.formatted, "0");
    assert!(row(&m, "controller 1001", "ActiveControllerCount").is_some_and(|r| r.value == Some(1)));
    assert!(m.series.is_empty(), "nothing charted before a tick");
    let before_kill = m.at_s.expect("sampled");
    typed(&mut lab, "broker kill 2");
    let _ = play(&mut lab, &mut wall, 5000);
    let key = ("broker 1".to_string(), "UnderReplicatedPartitions".to_string());
    let _ = lab.update(Event::ChartMetric(key.clone()));
    let v = lab.view();
    let m = v.metrics.clone();
    assert_eq!(row(&m, "broker 1", "UnderReplicatedPartitions").map(|r| (r.value, r.charted)), Some((Some(1), true)));
    let shrinks = row(&m, "broker 1", "IsrShrinksPerSec").expect("listed");
    assert!(shrinks.value.unwrap_or(0) > 0, "the ISR of t-0 shrank in the last minute: {shrinks:?}");
    assert!(row(&m, "broker 2", "UnderReplicatedPartitions").is_none(), "a dead broker reports nothing");
    let s = &m.series[0];
    assert_eq!((s.scope.as_str(), s.name.as_str()), ("broker 1", "UnderReplicatedPartitions"));
    // Charted with its history: 0 before the kill, 1 now, one point per simulated second.
    assert!(s.points.iter().any(|(at, v)| *at <= before_kill && *v == Some(0)), "{:?}", s.points);
    assert_eq!(s.points.last().map(|p| p.1), Some(Some(1)));
    assert!(s.points.windows(2).all(|w| w[0].0 < w[1].0));
    assert_eq!((s.last.as_str(), s.max.as_str(), s.max_raw), ("1", "1", 1));
    // Broker 2's metrics had values while it lived and none since: gaps, not zeros.
    let key2 = ("broker 2".to_string(), "LeaderCount".to_string());
    let _ = lab.update(Event::ChartMetric(key2.clone()));
    let m = lab.view().metrics.clone();
    let dead = m.series.iter().find(|s| s.scope == "broker 2").expect("charted");
    assert!(
        dead.points.iter().any(|p| p.1.is_some()) && dead.points.last().map(|p| p.1) == Some(None),
        "{:?}",
        dead.points
    );
    // At most four at once: a fifth pick makes room by dropping the oldest.
    for name in ["LeaderCount", "PartitionCount", "IsrShrinksPerSec"] {
        let _ = lab.update(Event::ChartMetric(("broker 1".to_string(), name.to_string())));
    }
    let m = lab.view().metrics.clone();
    assert_eq!(m.series.len(), brokerlab::lab::metrics::CHART_CAP);
    assert!(!m.series.iter().any(|s| s.scope == key.0 && s.name == key.1), "the oldest pick went");
    // A tick again takes it off.
    let _ = lab.update(Event::ChartMetric(key2));
    assert_eq!(lab.view().metrics.series.len(), 3);
    // Seeking back and acting there forks: the samples after that moment are gone.
    let at = lab.view().now_ms;
    let _ = lab.update(Event::Seek(at / 2));
    typed(&mut lab, "sleep 1s");
    let m = lab.view().metrics.clone();
    assert!(m.series.iter().all(|s| s.points.iter().all(|(t, _)| *t <= at / 2 / 1000 + 1)), "{:?}", m.series);
}

/// Fetches parked at brokers (long polls) have no dot in flight; the legend counts them apart.
#[test]
fn the_legend_counts_fetches_parked_at_brokers() {
    let mut lab = booted();
    let mut wall = 0.0;
    let _ = play(&mut lab, &mut wall, 5000);
    let v = lab.view();
    let parked = diagram::parked_fetches(&v.view);
    assert_eq!(parked, v.view.brokers.iter().map(|b| b.waiting_fetches).sum::<u32>());
    assert!(parked > 0, "followers and the billing consumers long-poll: some fetch is parked");
}
