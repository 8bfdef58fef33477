//! `brokerlab`: natively, the headless runner for console scripts; in the browser, the app.

#[cfg(target_arch = "wasm32")]
fn main() {
    brokerlab::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    std::process::exit(brokerlab::console::runner::main(&args));
}
