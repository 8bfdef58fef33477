//! The console, docked at the bottom: a transcript and a prompt. Until the command layer
//! (`src/console/`) is wired in, it echoes what was typed and says the simulator is starting.

use std::rc::Rc;

use web_sys::{Element, HtmlInputElement};
use yew::prelude::*;

/// The reply to every command until the simulator runs commands.
pub const STARTING_UP: &str = "brokerlab: the simulator is starting up";
/// The first line of the transcript.
pub const WELCOME: &str = "Welcome to Brokerlab. Type a command and press Enter.";
/// Oldest lines are dropped beyond this many, so a long session cannot grow without bound.
const MAX_LINES: usize = 500;

/// What kind of line this is (drives its colour).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// Text from Brokerlab itself (welcome, hints).
    Info,
    /// A command the learner typed, shown with its `$` prompt.
    Command,
    /// The reply to a command.
    Reply,
}

impl LineKind {
    fn class(self) -> &'static str {
        match self {
            Self::Info => "console__line--info",
            Self::Command => "console__line--command",
            Self::Reply => "console__line--reply",
        }
    }
}

/// One line of the transcript; `id` is its stable key.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub id: u64,
    pub kind: LineKind,
    pub text: AttrValue,
}

/// The transcript.
#[derive(Clone, Debug, PartialEq)]
pub struct Transcript {
    next_id: u64,
    lines: Vec<Line>,
}

impl Default for Transcript {
    fn default() -> Self {
        let mut transcript = Self { next_id: 0, lines: Vec::new() };
        transcript.push(LineKind::Info, WELCOME.to_owned());
        transcript
    }
}

impl Transcript {
    fn push(&mut self, kind: LineKind, text: String) {
        self.lines.push(Line { id: self.next_id, kind, text: AttrValue::from(text) });
        self.next_id += 1;
        if self.lines.len() > MAX_LINES {
            let excess = self.lines.len() - MAX_LINES;
            self.lines.drain(..excess);
        }
    }
}

/// What the console can be asked to do.
pub enum ConsoleAction {
    /// The learner pressed Enter on this input.
    Submit(String),
}

impl Reducible for Transcript {
    type Action = ConsoleAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        match action {
            ConsoleAction::Submit(input) => {
                let command = input.trim();
                if command.is_empty() {
                    return self;
                }
                let mut next = (*self).clone();
                next.push(LineKind::Command, format!("$ {command}"));
                next.push(LineKind::Reply, STARTING_UP.to_owned());
                Rc::new(next)
            }
        }
    }
}

#[component]
pub fn Console() -> Html {
    let transcript = use_reducer(Transcript::default);
    let input_ref = use_node_ref();
    let output_ref = use_node_ref();

    let onsubmit = {
        let dispatcher = transcript.dispatcher();
        use_callback(input_ref.clone(), move |event: SubmitEvent, input_ref| {
            event.prevent_default();
            if let Some(input) = input_ref.cast::<HtmlInputElement>() {
                let value = input.value();
                input.set_value("");
                dispatcher.dispatch(ConsoleAction::Submit(value));
            }
        })
    };

    // Keep the newest line in view.
    {
        let output_ref = output_ref.clone();
        use_effect_with(transcript.next_id, move |_| {
            if let Some(output) = output_ref.cast::<Element>() {
                output.set_scroll_top(output.scroll_height());
            }
        });
    }

    html! {
        <section id="console" class="area console" aria-labelledby="console-title" data-testid="console">
            <header class="area__header">
                <h2 id="console-title" class="area__title">{ "Console" }</h2>
            </header>
            <ol
                id="console-output"
                class="console__output"
                role="log"
                aria-live="polite"
                data-testid="console-output"
                ref={output_ref}
            >
                { for transcript.lines.iter().map(|line| html! {
                    <li key={line.id} class={classes!("console__line", line.kind.class())}>
                        { line.text.clone() }
                    </li>
                }) }
            </ol>
            <form class="console__prompt" {onsubmit}>
                <span class="console__sigil" aria-hidden="true">{ "$" }</span>
                <input
                    id="console-input"
                    ref={input_ref}
                    class="console__input"
                    type="text"
                    aria-label="Console command"
                    placeholder="try: kafka-topics.sh --list"
                    autocomplete="off"
                    autocapitalize="off"
                    spellcheck="false"
                    enterkeyhint="send"
                    data-testid="console-input"
                />
            </form>
        </section>
    }
}
