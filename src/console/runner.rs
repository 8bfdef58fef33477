//! The native headless runner: `brokerlab SCRIPT` or `brokerlab -`.

/// Runs the runner with the given arguments and returns the process exit code.
pub fn main(_args: &[String]) -> i32 {
    println!("brokerlab: nothing to run yet");
    0
}
