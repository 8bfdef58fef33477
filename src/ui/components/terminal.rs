//! The console, docked under the cluster and resizable: the Kafka tools and simulator commands
//! of `src/console/`, with history (↑/↓), Tab completion, Ctrl-C (interrupt the running tool or
//! abandon a command being continued), Ctrl-D (end its input), Ctrl-L (clear). The prompt says
//! what the next line is taken as (`$`, `>` for a continuation or a tool's stdin). The output
//! follows new lines unless the learner scrolled up to read (then "new output ↓" offers to
//! jump down). Tab completes only what is typed, so an empty prompt lets focus move on;
//! Escape leaves the console. stderr is marked, not only coloured.

use crate::console::typing::Prompt;
use crate::lab::view::{TermLine, TermStream};
use crate::lab::Event as LabEvent;
use crate::ui::context::LabContext;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub(crate) struct TerminalProps {
    pub(crate) lines: Rc<Vec<Rc<TermLine>>>,
    pub(crate) history: Rc<Vec<String>>,
    /// What the prompt shows: it says what the next line is taken as.
    pub(crate) prompt: Prompt,
}

/// Lines drawn (the lab keeps more; a long transcript must not slow every frame).
const SHOWN: usize = 400;
const MIN_HEIGHT: i32 = 120;
const MAX_HEIGHT: i32 = 900;

#[component]
pub(crate) fn Terminal(props: &TerminalProps) -> Html {
    let ctx = use_context::<LabContext>().expect("LabContext");
    let input_ref = use_node_ref();
    let scroll_ref = use_node_ref();
    // Position in the history while browsing with ↑/↓ (None: editing a new line).
    let hist_pos = use_state(|| None::<usize>);
    let candidates = use_state(Vec::<String>::new);
    let height = use_state(|| 240i32);
    let dragging = use_state(|| None::<(i32, i32)>);
    // Whether the output follows new lines: true until the learner scrolls up, and again
    // once they are back at the bottom. Kept in a ref: scrolling must not re-render.
    let follow = use_mut_ref(|| true);
    let unseen = use_state(|| false);

    // Keep the newest line in view, unless the learner scrolled up to read.
    {
        let scroll_ref = scroll_ref.clone();
        let follow = follow.clone();
        let unseen = unseen.clone();
        let last = props.lines.last().map(|l| l.seq);
        use_effect_with(last, move |_| {
            if let Some(el) = scroll_ref.cast::<Element>() {
                if *follow.borrow() {
                    el.set_scroll_top(el.scroll_height());
                } else if last.is_some() {
                    unseen.set(true);
                }
            }
        });
    }
    let on_scroll = {
        let follow = follow.clone();
        let unseen = unseen.clone();
        Callback::from(move |e: Event| {
            if let Some(el) = e.target_dyn_into::<Element>() {
                let at_bottom = el.scroll_height() - el.scroll_top() - el.client_height() < 8;
                *follow.borrow_mut() = at_bottom;
                if at_bottom && *unseen {
                    unseen.set(false);
                }
            }
        })
    };
    let jump_down = {
        let scroll_ref = scroll_ref.clone();
        let follow = follow.clone();
        let unseen = unseen.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(el) = scroll_ref.cast::<Element>() {
                el.set_scroll_top(el.scroll_height());
            }
            *follow.borrow_mut() = true;
            unseen.set(false);
        })
    };

    // A paste of several lines is typed line by line, as a terminal does: every complete line
    // goes to the console (a here-document's body included), the last part stays in the input.
    let onpaste = {
        let ctx = ctx.clone();
        let follow = follow.clone();
        Callback::from(move |e: Event| {
            let Some(ce) = e.dyn_ref::<web_sys::ClipboardEvent>() else { return };
            let Some(text) = ce.clipboard_data().and_then(|d| d.get_data("text").ok()) else { return };
            if !text.contains('\n') {
                return; // one line: the input pastes it itself
            }
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else { return };
            e.prevent_default();
            let value = input.value();
            let units: Vec<u16> = value.encode_utf16().collect();
            let at = |i: Option<u32>| i.map(|i| (i as usize).min(units.len())).unwrap_or(units.len());
            let (from, to) = (at(input.selection_start().ok().flatten()), at(input.selection_end().ok().flatten()));
            let all = format!(
                "{}{}{}",
                String::from_utf16_lossy(&units[..from]),
                text.replace("\r\n", "\n"),
                String::from_utf16_lossy(&units[to.max(from)..])
            );
            let mut lines: Vec<&str> = all.split('\n').collect();
            let rest = lines.pop().unwrap_or("").to_string();
            *follow.borrow_mut() = true;
            for line in lines {
                ctx.dispatch.emit(LabEvent::Typed(line.to_string()));
            }
            input.set_value(&rest);
        })
    };

    let onkeydown = {
        let ctx = ctx.clone();
        let history = props.history.clone();
        let hist_pos = hist_pos.clone();
        let candidates = candidates.clone();
        let at_shell = props.prompt == Prompt::Shell;
        let follow = follow.clone();
        Callback::from(move |e: KeyboardEvent| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else { return };
            let key = e.key();
            if e.ctrl_key() && !e.alt_key() {
                match key.as_str() {
                    "c" | "C" => {
                        // Copy when text is selected, interrupt otherwise (like a terminal).
                        let selected = input.selection_start().ok().flatten() != input.selection_end().ok().flatten();
                        if !selected {
                            e.prevent_default();
                            input.set_value("");
                            candidates.set(Vec::new());
                            ctx.dispatch.emit(LabEvent::Interrupt);
                        }
                    }
                    "l" | "L" => {
                        e.prevent_default();
                        ctx.dispatch.emit(LabEvent::ClearConsole);
                    }
                    "d" | "D" if input.value().is_empty() => {
                        e.prevent_default();
                        ctx.dispatch.emit(LabEvent::Eof);
                    }
                    _ => {}
                }
                return;
            }
            match key.as_str() {
                "Escape" => {
                    // Leave the console: focus goes back to the page (no keyboard trap).
                    e.prevent_default();
                    let _ = input.blur();
                    if let Some(main) = gloo::utils::document().get_element_by_id("stage") {
                        if let Ok(main) = main.dyn_into::<web_sys::HtmlElement>() {
                            let _ = main.focus();
                        }
                    }
                }
                "Enter" => {
                    e.prevent_default();
                    // Running a command brings the newest output into view.
                    *follow.borrow_mut() = true;
                    let line = input.value();
                    input.set_value("");
                    hist_pos.set(None);
                    candidates.set(Vec::new());
                    ctx.dispatch.emit(LabEvent::Typed(line));
                }
                "ArrowUp" | "ArrowDown" if at_shell && !history.is_empty() => {
                    e.prevent_default();
                    let n = history.len();
                    let next = match (key.as_str(), *hist_pos) {
                        ("ArrowUp", None) => Some(n - 1),
                        ("ArrowUp", Some(i)) => Some(i.saturating_sub(1)),
                        ("ArrowDown", Some(i)) if i + 1 < n => Some(i + 1),
                        _ => None,
                    };
                    input.set_value(next.map(|i| history[i].as_str()).unwrap_or(""));
                    hist_pos.set(next);
                }
                // Tab completes what is typed; on an empty prompt, or with Shift, it moves focus
                // as everywhere else on the page.
                "Tab" if at_shell && !e.shift_key() && !input.value().trim().is_empty() => {
                    e.prevent_default();
                    let done = ctx.complete.emit(input.value());
                    input.set_value(&done.line);
                    candidates.set(done.candidates);
                }
                _ => {}
            }
        })
    };

    // The resize handle: drag with a pointer, or ↑/↓ with the keyboard.
    let on_down = {
        let dragging = dragging.clone();
        let height = height.clone();
        Callback::from(move |e: PointerEvent| {
            if let Some(el) = e.target_dyn_into::<Element>() {
                let _ = el.set_pointer_capture(e.pointer_id());
            }
            dragging.set(Some((e.client_y(), *height)));
        })
    };
    let on_move = {
        let dragging = dragging.clone();
        let height = height.clone();
        Callback::from(move |e: PointerEvent| {
            if let Some((y0, h0)) = *dragging {
                height.set((h0 + y0 - e.client_y()).clamp(MIN_HEIGHT, MAX_HEIGHT));
            }
        })
    };
    let on_up = {
        let dragging = dragging.clone();
        Callback::from(move |_: PointerEvent| dragging.set(None))
    };
    let on_handle_key = {
        let height = height.clone();
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "ArrowUp" => {
                e.prevent_default();
                height.set((*height + 40).min(MAX_HEIGHT));
            }
            "ArrowDown" => {
                e.prevent_default();
                height.set((*height - 40).max(MIN_HEIGHT));
            }
            _ => {}
        })
    };
    let focus_input = {
        let input_ref = input_ref.clone();
        Callback::from(move |_: MouseEvent| {
            // Clicking the transcript focuses the prompt, unless the learner is selecting text.
            let selecting = web_sys::window()
                .and_then(|w| w.get_selection().ok().flatten())
                .map(|s| !s.is_collapsed())
                .unwrap_or(false);
            if !selecting {
                if let Some(i) = input_ref.cast::<HtmlInputElement>() {
                    let _ = i.focus();
                }
            }
        })
    };

    let hidden = props.lines.len().saturating_sub(SHOWN);
    let lines = props.lines[hidden..].iter().map(|l| {
        let (class, prefix) = match l.stream {
            TermStream::Command => ("term__line term__line--command", "$ "),
            TermStream::Input => ("term__line term__line--command", "> "),
            TermStream::Stdout => ("term__line", ""),
            TermStream::Stderr => ("term__line term__line--stderr", ""),
            TermStream::Note => ("term__line term__line--note", ""),
        };
        html! {
            <div class={class} key={l.seq.to_string()}>
                if l.stream == TermStream::Stderr { <span class="term__mark" aria-label="stderr">{ "!" }</span> }
                { prefix }{ &l.text }
            </div>
        }
    });
    let prompt = props.prompt.symbol();
    let (label, placeholder) = match props.prompt {
        Prompt::Shell => {
            ("Console command", "kafka-topics --bootstrap-server localhost:9092 --list   (Tab completes, ↑ history)")
        }
        Prompt::Continuation => (
            "Next line of the command (Ctrl-C abandons it)",
            "the command goes on: type the next line (Ctrl-C abandons it)",
        ),
        Prompt::ToolInput => (
            "Input for the running tool (Ctrl-D ends it, Ctrl-C interrupts)",
            "type a record, Enter sends · Ctrl-D ends · Ctrl-C stops",
        ),
        Prompt::Busy => ("The running tool reads no input (Ctrl-C stops it)", "a tool is running · Ctrl-C stops it"),
    };
    html! {
        <section class="term" aria-label="Console" data-testid="console" style={format!("--term-h:{}px", *height)}>
            <div class="term__handle" role="separator" aria-orientation="horizontal" aria-label="Resize the console (↑/↓)"
                aria-valuenow={height.to_string()} aria-valuemin={MIN_HEIGHT.to_string()} aria-valuemax={MAX_HEIGHT.to_string()}
                tabindex="0" onpointerdown={on_down} onpointermove={on_move} onpointerup={on_up.clone()} onpointercancel={on_up} onkeydown={on_handle_key}></div>
            <div class="term__out" ref={scroll_ref} role="log" aria-live="polite" aria-label="Console output" tabindex="0" data-testid="console-output" onclick={focus_input} onscroll={on_scroll}>
                if hidden > 0 { <div class="term__line term__line--note">{ format!("… {hidden} earlier lines") }</div> }
                { for lines }
            </div>
            if *unseen {
                <button type="button" class="term__more" onclick={jump_down} data-testid="new-output">{ "new output ↓" }</button>
            }
            if !candidates.is_empty() {
                <div class="term__candidates" data-testid="completions">{ candidates.join("  ") }</div>
            }
            <div class="term__prompt">
                <label for="console-input" class="term__ps">{ prompt }</label>
                <input id="console-input" ref={input_ref} class="term__input" type="text" autocomplete="off" autocapitalize="off"
                    spellcheck="false" aria-label={label}
                    placeholder={placeholder}
                    {onkeydown} {onpaste} data-testid="console-input" />
            </div>
        </section>
    }
}
