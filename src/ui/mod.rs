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
pub mod context;
pub mod layout;
pub mod persist;

pub use app::App;

/// The element the app mounts into (see `index.html`).
pub const ROOT_ID: &str = "app";

/// Mounts the app on the page: into `#app` when it exists, otherwise into `<body>`.
pub fn start() {
    let root = gloo::utils::document().get_element_by_id(ROOT_ID);
    match root {
        Some(root) => {
            yew::Renderer::<App>::with_root(root).render();
        }
        None => {
            yew::Renderer::<App>::new().render();
        }
    }
}
