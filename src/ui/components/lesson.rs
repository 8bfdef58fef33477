//! The Learn tab: the lesson catalogue and the free sandbox, and while a lesson runs its
//! steps, the goals the page checks (each with its live status), hints, the solution after
//! trying, reset / undo / back to an earlier step, and the closing "On a real cluster" note.

use crate::lab::view::LessonView;
use crate::lab::{Event as LabEvent, LessonAction};
use crate::lessons::catalogue;
use crate::ui::context::LabContext;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub(crate) struct LearnProps {
    pub(crate) lesson: Option<Rc<LessonView>>,
    /// Lessons finished in this browser.
    pub(crate) done: Rc<Vec<String>>,
    /// Read-only embed: nothing can be started from here.
    #[prop_or_default]
    pub(crate) embed: bool,
}

/// Inline Markdown: `code`, **bold**, *emphasis*. Text only: never HTML from the lesson file.
fn inline(text: &str) -> Html {
    let mut out: Vec<Html> = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let next = ["`", "**", "*"]
            .iter()
            .filter_map(|m| rest.find(m).map(|i| (i, *m)))
            .min_by_key(|(i, m)| (*i, usize::MAX - m.len()));
        let Some((i, mark)) = next else {
            out.push(html! { { rest.to_string() } });
            break;
        };
        let after = &rest[i + mark.len()..];
        let Some(end) = after.find(mark) else {
            out.push(html! { { rest.to_string() } });
            break;
        };
        if i > 0 {
            out.push(html! { { rest[..i].to_string() } });
        }
        let inner = after[..end].to_string();
        out.push(match mark {
            "`" => html! { <code>{ inner }</code> },
            "**" => html! { <strong>{ inner }</strong> },
            _ => html! { <em>{ inner }</em> },
        });
        rest = &after[end + mark.len()..];
    }
    out.into_iter().collect()
}

/// Block Markdown: paragraphs, `-`/`1.` lists, ``` fences, `#` headings.
pub(crate) fn markdown(text: &str) -> Html {
    let mut blocks: Vec<Html> = Vec::new();
    let mut para: Vec<&str> = Vec::new();
    // List items own their text: a wrapped item's continuation lines are joined to it.
    let mut list: Vec<String> = Vec::new();
    let mut fence: Option<Vec<&str>> = None;
    let mut code: Vec<&str> = Vec::new();
    let mut indented_open = false;
    let flush = |para: &mut Vec<&str>, list: &mut Vec<String>, blocks: &mut Vec<Html>| {
        if !para.is_empty() {
            blocks.push(html! { <p>{ inline(&para.join(" ")) }</p> });
            para.clear();
        }
        if !list.is_empty() {
            blocks.push(html! { <ul>{ for list.iter().map(|l| html! { <li>{ inline(l) }</li> }) }</ul> });
            list.clear();
        }
    };
    for line in text.lines() {
        if let Some(f) = fence.as_mut() {
            if line.trim_start().starts_with("```") {
                blocks.push(html! { <pre class="md__pre"><code>{ f.join("\n") }</code></pre> });
                fence = None;
            } else {
                f.push(line);
            }
            continue;
        }
        let t = line.trim();
        // A 4-space indented block is code (until a line that is not indented).
        if line.starts_with("    ") && list.is_empty() && para.is_empty() && !t.is_empty() {
            if !indented_open {
                code.clear();
                indented_open = true;
            }
            code.push(line.strip_prefix("    ").unwrap_or(t));
            continue;
        }
        if indented_open {
            blocks.push(html! { <pre class="md__pre"><code>{ code.join("\n") }</code></pre> });
            code.clear();
            indented_open = false;
        }
        if t.starts_with("```") {
            flush(&mut para, &mut list, &mut blocks);
            fence = Some(Vec::new());
        } else if t.is_empty() {
            flush(&mut para, &mut list, &mut blocks);
        } else if let Some(item) = t.strip_prefix("- ").or_else(|| t.strip_prefix("* ")) {
            if !para.is_empty() {
                flush(&mut para, &mut Vec::new(), &mut blocks);
            }
            list.push(item.to_string());
        } else if t.len() > 2
            && t.as_bytes()[0].is_ascii_digit()
            && t.contains(". ")
            && t.split(". ").next().is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()))
        {
            list.push(t.split_once(". ").map(|x| x.1).unwrap_or(t).to_string());
        } else if let Some(h) = t.strip_prefix('#') {
            flush(&mut para, &mut list, &mut blocks);
            blocks.push(html! { <h4>{ inline(h.trim_start_matches('#').trim()) }</h4> });
        } else if let Some(last) = list.last_mut().filter(|_| line.starts_with("  ")) {
            // A continuation line of the last list item. (It went into the paragraph before,
            // which the next item flushed first: the wrapped tail of an item showed above its
            // list.)
            last.push(' ');
            last.push_str(t);
        } else {
            if !list.is_empty() {
                flush(&mut Vec::new(), &mut list, &mut blocks);
            }
            para.push(t);
        }
    }
    if indented_open {
        blocks.push(html! { <pre class="md__pre"><code>{ code.join("\n") }</code></pre> });
    }
    if let Some(f) = fence {
        blocks.push(html! { <pre class="md__pre"><code>{ f.join("\n") }</code></pre> });
    }
    flush(&mut para, &mut list, &mut blocks);
    html! { <div class="md">{ for blocks }</div> }
}

#[component]
pub(crate) fn LearnPanel(props: &LearnProps) -> Html {
    let ctx = use_context::<LabContext>().expect("LabContext");
    let send = |a: LabEvent| {
        let d = ctx.dispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(a.clone()))
    };
    let Some(l) = &props.lesson else {
        let entries = catalogue();
        let first = entries.first().map(|e| e.id.clone());
        let items = entries.iter().enumerate().map(|(n, e)| {
            let finished = props.done.contains(&e.id);
            html! {
                <li key={e.id.clone()}>
                    <button type="button" class="lesson-link" onclick={send(LabEvent::StartLesson(e.id.clone()))} data-testid={format!("lesson-{}", e.id)}>
                        <span class="lesson-link__n">{ n + 1 }</span>
                        <span class="lesson-link__title">{ &e.title }</span>
                        <span class="lesson-link__meta">{ format!("{} · {} step{}{}", e.level, e.steps, if e.steps == 1 { "" } else { "s" }, if finished { " · ✓ done" } else { "" }) }</span>
                    </button>
                    <a class="lesson-link__href" href={format!("#lesson={}", e.id)} aria-label={format!("Link to the lesson {}", e.title)}>{ "#" }</a>
                </li>
            }
        });
        return html! {
            <section class="learn" aria-labelledby="learn-title" data-testid="learn">
                <h2 id="learn-title">{ "A live Kafka cluster" }</h2>
                <p>{ "Three brokers and a KRaft controller are running. A producer called " }<code>{ "checkout" }</code>
                   { " writes keyed records to the topic " }<code>{ "orders" }</code>
                   { "; two consumers in the group " }<code>{ "billing" }</code>{ " share its partitions. Every dot is a real Kafka request." }</p>
                if !props.embed {
                <div class="learn__start">
                    if let Some(id) = first {
                        <button type="button" class="button button--primary" onclick={send(LabEvent::StartLesson(id))} data-testid="start-first-lesson">{ "Start the first lesson" }</button>
                    }
                    <button type="button" class="button" onclick={send(LabEvent::OpenSandbox)} data-testid="open-sandbox">{ "Free sandbox" }</button>
                </div>
                }
                <ul class="learn__tips">
                    <li>{ "Click a broker, a partition or a record cell to inspect it." }</li>
                    <li>{ "Right-click a broker or a replica (or use Actions… in the inspector) to kill it, slow it, or cut its network." }</li>
                    <li>{ "Type the real Kafka tools in the console below; Tab completes." }</li>
                    <li>{ "Drag the timeline back to any earlier moment." }</li>
                </ul>
                <h3 class="learn__h">{ format!("Lessons ({} of {} done)", entries.iter().filter(|e| props.done.contains(&e.id)).count(), entries.len()) }</h3>
                <ol class="lesson-list" data-testid="lesson-list">{ for items }</ol>
            </section>
        };
    };
    let lesson_action = |a: LessonAction| send(LabEvent::Lesson(a));
    let steps = l.steps.iter().enumerate().map(|(i, title)| {
        let current = l.step == Some(i);
        let reached = l.step.map(|s| i <= s).unwrap_or(false);
        let done = l.completed.get(i).copied().unwrap_or(false);
        html! {
            <li key={i.to_string()} class={classes!("steps__item", current.then_some("steps__item--current"))}>
                <button type="button" class="linkish" disabled={!reached} onclick={lesson_action(LessonAction::GoToStep(i))}
                    aria-current={current.then_some("step")} title={if reached { "Go back to the start of this step" } else { "Not reached yet" }}>
                    { if done { "✓ " } else if current { "▸ " } else { "" } }{ title }
                </button>
            </li>
        }
    });
    let goals = l.goals.iter().map(|g| {
        html! {
            <li class={classes!("goal", g.passed.then_some("goal--passed"))} key={g.predicate.clone()} data-testid="goal">
                <span class="goal__mark" aria-hidden="true">{ if g.passed { "✓" } else { "○" } }</span>
                <span class="visually-hidden">{ if g.passed { "passed: " } else { "not yet: " } }</span>
                <span class="goal__text">{ inline(&g.text) }</span>
                <code class="goal__predicate" title="What the page checks">{ &g.predicate }</code>
            </li>
        }
    });
    let all_passed = !l.goals.is_empty() && l.goals.iter().all(|g| g.passed);
    let notes = l.notes.iter().map(|n| match n.strip_prefix("Solution:\n") {
        Some(sol) => html! { <div class="lesson__note"><strong>{ "Solution" }</strong><pre class="md__pre"><code>{ sol }</code></pre></div> },
        None => html! { <div class="lesson__note">{ inline(n) }</div> },
    });
    html! {
        <section class="learn lesson" aria-labelledby="lesson-title" data-testid="lesson">
            <div class="lesson__top">
                <button type="button" class="linkish" onclick={send(LabEvent::OpenSandbox)} data-testid="all-lessons">{ "← all lessons & sandbox" }</button>
            </div>
            <h2 id="lesson-title">{ &l.title }</h2>
            <ol class="steps">{ for steps }</ol>
            if l.step.is_none() {
                { markdown(&l.intro) }
                <p class="muted">{ "A short demo plays on the live cluster." }</p>
                if let Some(c) = &l.demo_caption {
                    <p class="lesson__demo">{ "Now: " }{ inline(c) }</p>
                }
                <button type="button" class="button" onclick={lesson_action(LessonAction::SkipDemo)} data-testid="skip-demo">{ "Skip the demo" }</button>
            } else if l.done {
                <p class="lesson__done" data-testid="lesson-done">{ "✓ Lesson complete." }</p>
                <h3>{ "On a real cluster" }</h3>
                { markdown(&l.real_cluster) }
                if let Some((id, title)) = &l.next_lesson {
                    <button type="button" class="button button--primary" onclick={send(LabEvent::StartLesson(id.clone()))}>{ format!("Next: {title}") }</button>
                }
            } else {
                if l.step == Some(0) { { markdown(&l.intro) } }
                { markdown(&l.step_text) }
                <h3 class="goals__title">{ "Goals (checked live)" }</h3>
                <ul class="goals" data-testid="goals">{ for goals }</ul>
                // Always in view at the bottom of the panel: how far the step is, and Next.
                <div class="lesson__footer">
                    if all_passed {
                        <button type="button" class="button button--primary" onclick={lesson_action(LessonAction::Next)} data-testid="next-step">{ "Step complete — next ▸" }</button>
                    } else {
                        <span class="muted" data-testid="goals-progress">{ format!("{} of {} goals met", l.goals.iter().filter(|g| g.passed).count(), l.goals.len()) }</span>
                    }
                </div>
                <div class="lesson__tools">
                    <button type="button" class="button button--small" onclick={lesson_action(LessonAction::Hint)} disabled={!l.hints_left} data-testid="hint">{ "Hint" }</button>
                    <button type="button" class="button button--small" onclick={lesson_action(LessonAction::Solution)} data-testid="solution">{ "Show solution" }</button>
                    <button type="button" class="button button--small" onclick={lesson_action(LessonAction::Undo)} data-testid="undo">{ "Undo last command" }</button>
                    <button type="button" class="button button--small" onclick={lesson_action(LessonAction::ResetStep)} data-testid="reset-step">{ "Reset step" }</button>
                </div>
                { for notes }
            }
        </section>
    }
}
