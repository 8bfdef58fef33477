//! The lesson panel. Lessons themselves come later (`src/lessons/`, `www/lessons/`); for now it
//! says how the screen is organised.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LessonPanelProps {
    /// Whether the panel is shown (toggled from the header).
    pub open: bool,
}

#[component]
pub fn LessonPanel(props: &LessonPanelProps) -> Html {
    html! {
        <aside
            id="lesson"
            class="area lesson"
            aria-labelledby="lesson-title"
            data-testid="lesson"
            hidden={!props.open}
        >
            <header class="area__header">
                <h2 id="lesson-title" class="area__title">{ "Lesson" }</h2>
            </header>
            <div class="lesson__body">
                <h3 class="lesson__heading">{ "How Brokerlab works" }</h3>
                <ol class="lesson__steps">
                    <li>{ "The " }<strong>{ "cluster" }</strong>{ " shows brokers, topics and partitions as they change." }</li>
                    <li>{ "Type Kafka commands in the " }<strong>{ "console" }</strong>{ " at the bottom and press Enter." }</li>
                    <li>{ "Lessons here set you a goal and check it against the simulated cluster." }</li>
                </ol>
            </div>
        </aside>
    }
}
