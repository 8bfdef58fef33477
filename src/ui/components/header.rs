//! The top bar: the name, what Brokerlab is, and the lesson panel toggle.

use yew::prelude::*;

/// Text of the one-line description under the name.
pub const TAGLINE: &str = "Apache Kafka, simulated in your browser — see how it really works.";

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    /// Whether the lesson panel is shown.
    pub lesson_open: bool,
    /// Shows or hides the lesson panel.
    pub on_toggle_lesson: Callback<MouseEvent>,
}

#[component]
pub fn Header(props: &HeaderProps) -> Html {
    let label = if props.lesson_open { "Hide lesson" } else { "Show lesson" };
    html! {
        <header class="topbar">
            <div class="brand">
                <svg class="brand__mark" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
                    <rect width="32" height="32" rx="7" class="brand__mark-bg" />
                    <rect x="7" y="8" width="18" height="4" rx="2" class="brand__mark-log" />
                    <rect x="7" y="14" width="13" height="4" rx="2" class="brand__mark-log" />
                    <rect x="7" y="20" width="8" height="4" rx="2" class="brand__mark-log" />
                </svg>
                <div class="brand__text">
                    <h1 id="title" class="brand__name" data-testid="title">{ "Brokerlab" }</h1>
                    <p class="brand__tagline" data-testid="tagline">{ TAGLINE }</p>
                </div>
            </div>
            <button
                id="lesson-toggle"
                type="button"
                class="button"
                aria-controls="lesson"
                aria-expanded={props.lesson_open.to_string()}
                onclick={props.on_toggle_lesson.clone()}
            >
                { label }
            </button>
        </header>
    }
}
