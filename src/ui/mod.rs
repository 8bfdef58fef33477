//! The Yew front end (wasm only).

/// Mounts the app on the page.
pub fn start() {}
