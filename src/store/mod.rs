//! IndexedDB persistence (wasm only).
