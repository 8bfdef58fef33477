//! The console, docked under the cluster and resizable: the Kafka tools and simulator commands
//! of `src/console/`, with history (↑/↓), Tab completion, Ctrl-C (interrupt the running tool),
//! Ctrl-D (end its input), Ctrl-L (clear). While a tool reads input (the console producer) the
//! prompt is Kafka's `>`. Errors (stderr) are marked, not only coloured.

use crate::console::typing::Prompt;
use crate::lab::view::{TermLine, TermStream};
use crate::lab::Event as LabEvent;
use crate::ui::context::LabContext;
use std::rc::Rc;
use web_sys::{Element, HtmlInputElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TerminalProps {
    pub lines: Rc<Vec<Rc<TermLine>>>,
    pub history: Rc<Vec<String>>,
    /// What the prompt shows: it says what the next line is taken as.
    pub prompt: Prompt,
}

/// Lines drawn (the lab keeps more; a long transcript must not slow every frame).
const SHOWN: usize = 400;
const MIN_HEIGHT: i32 = 120;
const MAX_HEIGHT: i32 = 900;

/// Replaces the word being typed with `word` (and a space after a unique completion).
fn replace_last_word(input: &str, word: &str, finished: bool) -> String {
    let keep = if input.ends_with(char::is_whitespace) {
        input.len()
    } else {
        input.rfind(char::is_whitespace).map(|i| i + 1).unwrap_or(0)
    };
    format!("{}{}{}", &input[..keep], word, if finished { " " } else { "" })
}

fn common_prefix(words: &[String]) -> String {
    let Some(first) = words.first() else { return String::new() };
    let mut end = first.len();
    for w in &words[1..] {
        end = end.min(first.bytes().zip(w.bytes()).take_while(|(a, b)| a == b).count());
    }
    while !first.is_char_boundary(end) {
        end -= 1;
    }
    first[..end].to_string()
}

#[component]
pub fn Terminal(props: &TerminalProps) -> Html {
    let ctx = use_context::<LabContext>().expect("LabContext");
    let input_ref = use_node_ref();
    let scroll_ref = use_node_ref();
    // Position in the history while browsing with ↑/↓ (None: editing a new line).
    let hist_pos = use_state(|| None::<usize>);
    let candidates = use_state(Vec::<String>::new);
    let height = use_state(|| 240i32);
    let dragging = use_state(|| None::<(i32, i32)>);

    // Keep the newest line in view (unless the learner scrolled up to read).
    {
        let scroll_ref = scroll_ref.clone();
        let last = props.lines.last().map(|l| l.seq);
        use_effect_with(last, move |_| {
            if let Some(el) = scroll_ref.cast::<Element>() {
                let near_bottom = el.scroll_height() - el.scroll_top() - el.client_height() < 80;
                if near_bottom || el.scroll_top() == 0 {
                    el.set_scroll_top(el.scroll_height());
                }
            }
        });
    }

    let onkeydown = {
        let ctx = ctx.clone();
        let history = props.history.clone();
        let hist_pos = hist_pos.clone();
        let candidates = candidates.clone();
        let at_shell = props.prompt == Prompt::Shell;
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
                "Enter" => {
                    e.prevent_default();
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
                "Tab" if at_shell => {
                    e.prevent_default();
                    let value = input.value();
                    let found = ctx.complete.emit(value.clone());
                    match found.len() {
                        0 => candidates.set(Vec::new()),
                        1 => {
                            input.set_value(&replace_last_word(&value, &found[0], true));
                            candidates.set(Vec::new());
                        }
                        _ => {
                            let prefix = common_prefix(&found);
                            input.set_value(&replace_last_word(&value, &prefix, false));
                            candidates.set(found);
                        }
                    }
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
                if l.stream == TermStream::Stderr { <span class="term__mark" aria-label="error">{ "!" }</span> }
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
            <div class="term__out" ref={scroll_ref} role="log" aria-live="polite" data-testid="console-output" onclick={focus_input}>
                if hidden > 0 { <div class="term__line term__line--note">{ format!("… {hidden} earlier lines") }</div> }
                { for lines }
            </div>
            if !candidates.is_empty() {
                <div class="term__candidates" data-testid="completions">{ candidates.join("  ") }</div>
            }
            <div class="term__prompt">
                <label for="console-input" class="term__ps">{ prompt }</label>
                <input id="console-input" ref={input_ref} class="term__input" type="text" autocomplete="off" autocapitalize="off"
                    spellcheck="false" aria-label={label}
                    placeholder={placeholder}
                    {onkeydown} data-testid="console-input" />
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completion_replaces_only_the_last_word() {
        assert_eq!(replace_last_word("kafka-topics --cre", "--create", true), "kafka-topics --create ");
        assert_eq!(replace_last_word("kafka-topics ", "--list", true), "kafka-topics --list ");
        assert_eq!(common_prefix(&["--describe".into(), "--delete".into()]), "--de");
    }
}
