//! The Yew front end (wasm only).
//!
//! * [`app`] — the page: header, cluster area, lesson panel, console; owns the top-level state.
//! * [`components`] — one file per area of the screen.
//! * [`context`] — what every component shares: the callback that reports to the lab
//!   ([`crate::lab`], native and tested), and tab completion.
//! * [`persist`] — the browser's side of the lab's effects: clipboard, downloads, address.
//! * [`layout`] — where the diagram draws each node.

pub mod app;
pub mod components;
pub(crate) mod context;
pub mod layout;
pub mod persist;

pub use app::App;

#[cfg(feature = "lazy-lessons")]
mod fetch_lessons;

/// The element the app mounts into (see `index.html`).
pub(crate) const ROOT_ID: &str = "app";

/// Mounts the app on the page: into `#app` when it exists, otherwise into `<body>`.
#[cfg(not(feature = "lazy-lessons"))]
pub fn start() {
    mount::<App>();
}

/// Mounts the app on the page (into `#app` when it exists, otherwise into `<body>`) once the
/// lesson files are fetched ([`fetch_lessons`]).
#[cfg(feature = "lazy-lessons")]
pub fn start() {
    mount::<fetch_lessons::WithLessons>();
}

fn mount<C: yew::BaseComponent<Properties = ()>>() {
    match gloo::utils::document().get_element_by_id(ROOT_ID) {
        Some(root) => {
            yew::Renderer::<C>::with_root(root).render();
        }
        None => {
            yew::Renderer::<C>::new().render();
        }
    }
}
