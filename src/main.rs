//! `brokerlab`: natively, the headless runner for console scripts; in the browser, the app.

#[cfg(target_arch = "wasm32")]
fn main() {
    brokerlab::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let args = brokerlab::console::runner::process_args();
    std::process::exit(brokerlab::console::runner::main(&args));
}
