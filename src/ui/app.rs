//! The page layout: header on top, the cluster area (largest), the lesson panel beside it and
//! the console docked at the bottom. On a phone in portrait the areas stack.

use yew::prelude::*;

use super::components::{ClusterView, Console, Header, LessonPanel};

/// The whole app.
#[component]
pub fn App() -> Html {
    let lesson_open = use_state_eq(|| true);
    let on_toggle_lesson = {
        let lesson_open = lesson_open.clone();
        use_callback(*lesson_open, move |_: MouseEvent, open: &bool| lesson_open.set(!*open))
    };

    let class = classes!("app", (!*lesson_open).then_some("app--lesson-closed"));
    html! {
        <div {class} data-testid="app">
            <Header lesson_open={*lesson_open} {on_toggle_lesson} />
            <ClusterView />
            <LessonPanel open={*lesson_open} />
            <Console />
        </div>
    }
}
