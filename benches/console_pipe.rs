//! Piping lines into the console producer: `seq N | kafka-console-producer …` for 2,500 to
//! 40,000 lines, natively, printing lines per wall-clock second. The cost per line must not
//! grow with the number of lines (every line used to be looked at again on each later line
//! while the producer waited for its first metadata).
//!
//! Run: `cargo bench --bench console_pipe`.

use brokerlab::console::session::Console;
use brokerlab::sim::world::ClusterConfig;
use std::time::Instant;

fn main() {
    for n in [2_500u32, 5_000, 10_000, 40_000] {
        let mut console = Console::new(42, ClusterConfig::default()).expect("a cluster");
        let create = console.run_script("kafka-topics --bootstrap-server localhost:9092 --create --topic t", false);
        assert!(create.commands.iter().all(|c| c.output.exit_code == 0));
        let start = Instant::now();
        let result = console.run_script(
            &format!("seq {n} | kafka-console-producer --bootstrap-server localhost:9092 --topic t"),
            false,
        );
        let wall = start.elapsed().as_secs_f64();
        assert!(result.commands.iter().all(|c| c.output.exit_code == 0), "the producer failed");
        println!("native, seq {n} | kafka-console-producer: {wall:.3} s wall ({:.0} lines/s)", f64::from(n) / wall);
    }
}
