//! The Yew front end (wasm only).
//!
//! * [`app`] — the page: header, cluster area, lesson panel, console; owns the top-level state.
//! * [`components`] — one file per area of the screen.
//! * [`lab`] — the engine, time and the recorded timeline, outside the component tree.
//! * [`context`] — what the lab publishes to the components and the actions they send back.
//! * [`layout`] — where the diagram draws each node.

pub mod app;
pub mod components;
pub mod context;
pub mod lab;
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
