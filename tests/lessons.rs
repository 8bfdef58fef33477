//! Every lesson parses; replaying each step's reference solution makes all its goals pass,
//! and none passes before the learner acts; the run's time travel (reset, undo, go back,
//! resume) rebuilds the same state; a sandbox draft round-trips; malformed files are
//! rejected with the line of the problem.

use brokerlab::console::session::Console;
use brokerlab::lessons::catalogue::{load_all, FILES};
use brokerlab::lessons::run::{run_solution, run_solution_paced};
use brokerlab::lessons::{draft_from_sandbox, parse_lesson, suggest_goals, Advanced, Lesson, LessonRun, Phase};
use brokerlab::sim::world::ClusterConfig;

fn lessons() -> Vec<Lesson> {
    let (ok, bad) = load_all();
    assert!(bad.is_empty(), "lesson files that do not parse: {bad:?}");
    ok
}

#[test]
fn every_lesson_file_is_embedded_and_parses() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/www/lessons");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".md") && n != "README.md")
        .collect();
    on_disk.sort();
    let mut embedded: Vec<String> = FILES.iter().map(|(f, _)| f.to_string()).collect();
    embedded.sort();
    assert_eq!(on_disk, embedded, "src/lessons/catalogue.rs must list every file in www/lessons/");
    let all = lessons();
    assert!(all.len() >= 25, "the curriculum has {} lessons", all.len());
    let mut ids: Vec<&str> = all.iter().map(|l| l.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), all.len(), "lesson ids are unique");
    let mut orders: Vec<u32> = all.iter().map(|l| l.order).collect();
    orders.dedup();
    assert_eq!(orders.len(), all.len(), "lesson orders are unique");
    for l in &all {
        assert!(!l.summary.is_empty(), "{}: no summary", l.id);
        assert!(!l.intro.is_empty(), "{}: no intro", l.id);
        for s in &l.steps {
            assert!(!s.hints.is_empty(), "{}: step '{}' has no hint", l.id, s.title);
        }
    }
}

/// Simulated time a slow learner lets pass before each command: reading the step, looking at
/// the diagram, thinking. The page's clock keeps running meanwhile.
const READING_MS: i64 = 120_000;

/// Plays a whole lesson with its reference solutions, checking goals before and after:
/// instantly (`pause_ms` 0), or as a slow learner who lets `pause_ms` of simulated time pass
/// before each command and before reading the goals.
fn play(lesson: &Lesson, pause_ms: i64) {
    let pace =
        if pause_ms == 0 { "instantly".to_string() } else { format!("with {} s before each command", pause_ms / 1000) };
    let (mut run, mut c) = LessonRun::start(lesson).unwrap_or_else(|e| panic!("{e}"));
    run.skip_demo(&mut c);
    for (k, step) in lesson.steps.iter().enumerate() {
        assert_eq!(run.phase(), &Phase::Step(k), "{}", lesson.id);
        let before = run.check(&c);
        // A step whose action is to let time pass may already be done for a slow reader.
        let waiting = pause_ms > 0 && step.solution.trim_start().starts_with("sleep ");
        for g in before.iter().filter(|_| !waiting) {
            assert!(
                !g.passed,
                "{} step {} '{}': goal '{}' passes before the learner acts",
                lesson.id,
                k + 1,
                step.title,
                g.text
            );
        }
        let results = run_solution_paced(step, &mut c, pause_ms);
        if pause_ms > 0 {
            // The learner reads the result before looking at the goals.
            let t = c.sim().now().plus_ms(pause_ms);
            c.advance_to(t);
        }
        for r in &results {
            assert!(
                !r.output.stderr().contains("Unknown command") && !r.output.stderr().contains("command not found"),
                "{} step {}: `{}` is not a command: {}",
                lesson.id,
                k + 1,
                r.text,
                r.output.stderr()
            );
        }
        let after = run.check(&c);
        let failing: Vec<&str> = after.iter().filter(|g| !g.passed).map(|g| g.text.as_str()).collect();
        let transcript: Vec<String> =
            results.iter().map(|r| format!("$ {}\n{}{}", r.text, r.output.stdout(), r.output.stderr())).collect();
        assert!(
            failing.is_empty(),
            "{} step {} '{}' played {pace}: the solution leaves goals failing: {failing:?}\n{}",
            lesson.id,
            k + 1,
            step.title,
            transcript.join("")
        );
        match run.advance(&c).unwrap() {
            Advanced::Step(n) => assert_eq!(n, k + 1),
            Advanced::Finished => assert_eq!(k + 1, lesson.steps.len()),
        }
    }
    assert_eq!(run.phase(), &Phase::Done);
}

#[test]
fn every_reference_solution_passes_every_goal_and_no_goal_passes_before() {
    // LESSON=<id> plays one lesson (while writing it).
    let only = std::env::var("LESSON").ok();
    for lesson in lessons() {
        if only.as_deref().map(|o| o == lesson.id).unwrap_or(true) {
            eprintln!("playing {}", lesson.id);
            play(&lesson, 0);
        }
    }
}

/// Lessons wait for the reader: the same solutions pass for a learner who lets two minutes
/// of simulated time pass before each command (the page's clock runs while they read).
#[test]
fn every_lesson_passes_for_a_slow_learner() {
    let only = std::env::var("LESSON").ok();
    let mut failed = Vec::new();
    for lesson in lessons() {
        if only.as_deref().map(|o| o == lesson.id).unwrap_or(true) {
            eprintln!("playing {} slowly", lesson.id);
            if let Err(e) = std::panic::catch_unwind(|| play(&lesson, READING_MS)) {
                let msg = e.downcast_ref::<String>().cloned().unwrap_or_default();
                // LESSON=<id> shows the whole transcript; otherwise the first line per lesson.
                let shown = if only.is_some() { msg.as_str() } else { msg.lines().next().unwrap_or("") };
                failed.push(format!("{}: {shown}", lesson.id));
            }
        }
    }
    assert!(failed.is_empty(), "lessons a slow learner cannot finish:\n{}", failed.join("\n"));
}

/// Reset, undo, go back and resume on the first lesson.
#[test]
fn reset_undo_back_and_resume_rebuild_the_same_cluster() {
    let lesson = lessons().into_iter().find(|l| l.id == "first-topic").unwrap();
    let (mut run, mut c) = LessonRun::start(&lesson).unwrap();
    run.skip_demo(&mut c);
    assert!(run.reveal_solution(&c).is_err(), "the solution stays hidden before a first attempt");
    assert!(run.permits("reset").is_err());
    assert!(run.permits("kafka-console-producer --topic x").is_err(), "step 1 allows kafka-topics only");
    assert!(run.permits("bin/kafka-topics.sh --list").is_ok());
    let h1 = run.hint().unwrap();
    let h2 = run.hint().unwrap();
    assert_ne!(h1, h2);
    assert_eq!(run.hint(), None);
    run_solution(&lesson.steps[0], &mut c);
    assert!(run.reveal_solution(&c).is_ok());
    assert!(run.step_passed(&c));
    // Undo the describe, then the create: the topic is gone again.
    let c1 = run.undo(&c).unwrap().unwrap();
    assert!(run.step_passed(&c1), "undoing --describe keeps the topic");
    let c0 = run.undo(&c1).unwrap().unwrap();
    assert!(!run.step_passed(&c0), "undoing --create removes the topic");
    assert!(run.undo(&c0).unwrap().is_none(), "nothing left to undo");
    // Reset from a console with the topic.
    let r = run.reset_step(&c).unwrap();
    assert!(!run.step_passed(&r));
    // Finish step 1 on the original console, save in step 2, resume.
    run.advance(&c).unwrap();
    run_solution(&lesson.steps[1], &mut c);
    let saved = run.progress(&c);
    let json = serde_json::to_string(&saved).unwrap();
    let back: brokerlab::lessons::Progress = serde_json::from_str(&json).unwrap();
    let (mut run2, c2) = LessonRun::resume(&lesson, &back).unwrap();
    assert_eq!(run2.phase(), &Phase::Step(1));
    assert!(run2.step_passed(&c2), "a resumed run sees the same cluster");
    assert_eq!(c2.sim().trace_hash(), c.sim().trace_hash());
    // Back to step 1: the topic exists at its start? No: step 1 began before it was made.
    let b = run2.go_to_step(0, &c2).unwrap();
    assert_eq!(run2.phase(), &Phase::Step(0));
    assert!(!run2.step_passed(&b));
    assert!(run2.completed()[0], "going back keeps what was completed");
    assert!(run2.go_to_step(1, &b).is_err(), "step 2 must be reached again");
}

#[test]
fn a_sandbox_draft_round_trips() {
    let mut c = Console::new(7, ClusterConfig::default()).unwrap();
    let script =
        "kafka-topics --bootstrap-server localhost:9092 --create --topic t --partitions 2 --replication-factor 3\n\
                  seq 5 | kafka-console-producer --bootstrap-server localhost:9092 --topic t\n\
                  broker kill 1\nsleep 20s\n";
    c.run_script(script, true);
    c.advance_to(c.sim().now().plus_ms(1500));
    let picked: Vec<_> = suggest_goals(&c).into_iter().collect();
    assert!(picked.iter().any(|g| g.goal.to_string() == "broker 1 down"), "{picked:?}");
    let text = draft_from_sandbox(&c, "Killing broker 1", &picked);
    let lesson = parse_lesson(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(lesson.id, "killing-broker-1");
    assert_eq!(lesson.seed, 7);
    assert_eq!(lesson.steps[0].goals.len(), picked.len());
    assert!(lesson.steps[0].solution.contains("sleep 1500ms"), "{}", lesson.steps[0].solution);
    let (mut run, mut c2) = LessonRun::start(&lesson).unwrap();
    run_solution(&lesson.steps[0], &mut c2);
    let st = run.check(&c2);
    let failing: Vec<_> = st.iter().filter(|g| !g.passed).collect();
    assert!(failing.is_empty(), "{failing:?}\n{text}");
}

fn parse_err(text: &str) -> (u32, String) {
    let e = parse_lesson(text).expect_err("should not parse");
    (e.line, e.message)
}

const GOOD: &str = "---\nid: x\ntitle: X\norder: 1\n---\nIntro\n## Step: One\nText\n```goals\ntopic-exists a | A exists\n```\n```hints\nh\n```\n```solution\nkafka-topics --bootstrap-server localhost:9092 --create --topic a\n```\n## On a real cluster\nNote\n";

#[test]
fn malformed_lessons_are_rejected_with_their_line() {
    let ok = parse_lesson(GOOD).unwrap();
    assert_eq!(ok.steps.len(), 1);
    assert_eq!(ok.steps[0].goals[0].text, "A exists");
    assert_eq!(parse_err("").0, 1);
    assert!(parse_err("no header").1.contains("header"));
    assert_eq!(parse_err("---\nid: x\ntitle: X\norder: 1\nbogus: 1\n---\n").0, 5);
    assert_eq!(parse_err("---\nid: x\ntitle: X\norder: one\n---\n").0, 4);
    assert_eq!(parse_err("---\nid: x\ntitle: X\norder: 1\nbrokers: 0\n---\n").0, 5);
    assert_eq!(parse_err("---\nid: x\ntitle: X\norder: 1\nbroker-config: nope.such=1\n---\n").0, 5);
    assert!(parse_err("---\nid: x\ntitle: X\n").1.contains("never closed"));
    // A bad goal: the line of the goal itself.
    let bad_goal = GOOD.replace("topic-exists a | A exists", "topic-exists a\nleader a-0 >= 1");
    let (line, msg) = parse_err(&bad_goal);
    assert_eq!(line, 11, "{msg}");
    assert!(msg.contains("== or !="), "{msg}");
    let unknown = GOOD.replace("topic-exists a", "teleport a");
    assert!(parse_err(&unknown).1.contains("unknown goal kind"));
    let bad_event = GOOD.replace("topic-exists a", "event explosion");
    assert!(parse_err(&bad_event).1.contains("unknown event kind"));
    // An unclosed fence.
    let unclosed = GOOD.replace("```\n## On a real cluster", "\n## On a real cluster");
    let (line, msg) = parse_err(&unclosed);
    assert_eq!(line, 15, "{msg}");
    // Missing closing section, missing solution, a block outside a step.
    assert!(parse_err(&GOOD.replace("## On a real cluster\nNote\n", "")).1.contains("On a real cluster"));
    let no_solution =
        GOOD.replace("```solution\nkafka-topics --bootstrap-server localhost:9092 --create --topic a\n```\n", "");
    assert!(parse_err(&no_solution).1.contains("no ```solution"));
    let outside = GOOD.replace("Intro\n", "Intro\n```goals\ntopic-exists a\n```\n");
    assert_eq!(parse_err(&outside).0, 7);
    let unparsable = GOOD.replace("--create --topic a\n", "--create --topic 'a\n");
    assert!(parse_err(&unparsable).1.contains("does not parse"));
    let bad_step = GOOD.replace("## Step: One", "## Step One");
    assert_eq!(parse_err(&bad_step).0, 7);
    // Never panics on odd input.
    for junk in
        ["---", "---\n---", "```", "---\nid: a\ntitle: b\norder: 1\n---\n## Step: s\n```goals\n```\n", "\u{feff}---\n"]
    {
        let _ = parse_lesson(junk);
    }
}

#[test]
fn goals_print_back_to_what_they_parse_from() {
    for lesson in lessons() {
        for s in &lesson.steps {
            for g in &s.goals {
                let again = brokerlab::lessons::GoalSpec::parse(&g.to_line()).unwrap();
                assert_eq!(&again, g, "{}", lesson.id);
            }
        }
    }
}

#[test]
fn the_demo_plays_one_command_at_a_time_with_its_caption() {
    let lesson = lessons().into_iter().find(|l| l.id == "first-topic").unwrap();
    assert_eq!(lesson.demo.len(), 2);
    let (mut run, mut c) = LessonRun::start(&lesson).unwrap();
    assert_eq!(run.phase(), &Phase::Demo { next: 0 });
    assert!(run.check(&c).is_empty(), "no goals during the demo");
    assert!(run.demo_peek().unwrap().caption.as_deref().unwrap().starts_with("Three brokers"));
    let (line, out) = run.demo_next(&mut c).unwrap();
    assert_eq!(line.command, "broker list");
    assert!(out.output.stdout().contains("localhost:9093"), "{}", out.output.stdout());
    let (line, _) = run.demo_next(&mut c).unwrap();
    assert_eq!(line.command, "controller list");
    assert_eq!(run.phase(), &Phase::Step(0));
    assert!(run.demo_next(&mut c).is_none());
}

/// The point of the eligible-leader-replicas lesson (KIP-966): the partition comes back with
/// broker 2, an eligible leader replica that stopped cleanly, in a clean election — no unclean
/// election, and the checker finds no acknowledged record lost — while broker 3, out of sync
/// and running, was never elected.
#[test]
fn an_eligible_leader_replica_comes_back_in_a_clean_election() {
    use brokerlab::sim::trace::{ElectionReason, TraceKind};
    let lesson = lessons().into_iter().find(|l| l.id == "eligible-leader-replicas").unwrap();
    let (mut run, mut c) = LessonRun::start(&lesson).unwrap();
    run.skip_demo(&mut c);
    for step in &lesson.steps {
        run_solution(step, &mut c);
        run.advance(&c).unwrap();
    }
    assert_eq!(run.phase(), &Phase::Done);
    let elections: Vec<(i32, ElectionReason)> = c
        .sim()
        .trace()
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            TraceKind::LeaderElected { tp, leader, reason, .. } if tp.topic == "pay" => Some((*leader, *reason)),
            _ => None,
        })
        .collect();
    assert!(!elections.is_empty(), "pay-0 was elected again");
    assert!(!elections.iter().any(|(_, r)| *r == ElectionReason::Unclean), "no unclean election: {elections:?}");
    assert!(!elections.iter().any(|(l, _)| *l == 3), "broker 3 never led: {elections:?}");
    assert!(c.sim().checker().findings.is_empty(), "nothing lost: {:?}", c.sim().checker().findings);
}
