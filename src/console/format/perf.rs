//! `kafka-producer-perf-test` and `kafka-consumer-perf-test` output lines.
//!
//! Format strings from `apache/kafka`
//! `tools/src/main/java/org/apache/kafka/tools/ProducerPerformance.java`
//! (`Stats.printWindow`, `Stats.printTotal`) and
//! `tools/src/main/java/org/apache/kafka/tools/ConsumerPerformance.java`
//! (`printHeader`, the final `printf`, `printBasicProgress` +
//! `printExtendedProgress`). Java's `%.Nf` rounding is reproduced by
//! [`super::java_fixed`].

use crate::sim::codec::Codec;
use serde::{Deserialize, Serialize};

use super::java_fixed;

/// One reporting window of the producer perf test (every 5 s).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct ProducerWindow {
    pub count: i64,
    pub bytes: i64,
    pub(crate) elapsed_ms: i64,
    pub(crate) total_latency_ms: i64,
    pub(crate) max_latency_ms: i32,
}

fn div(a: f64, b: f64) -> f64 {
    a / b
}

/// `%d records sent, %.1f records/sec (%.2f MB/sec), %.1f ms avg latency, %.1f ms max latency.%n`
pub(crate) fn producer_progress_line(w: &ProducerWindow) -> String {
    let elapsed = w.elapsed_ms as f64;
    let recs = div(1000.0 * w.count as f64, elapsed);
    let mb = div(1000.0 * w.bytes as f64, elapsed) / (1024.0 * 1024.0);
    let avg = div(w.total_latency_ms as f64, w.count as f64);
    format!(
        "{} records sent, {} records/sec ({} MB/sec), {} ms avg latency, {} ms max latency.\n",
        w.count,
        java_fixed(recs, 1),
        java_fixed(mb, 2),
        java_fixed(avg, 1),
        java_fixed(f64::from(w.max_latency_ms), 1)
    )
}

/// The totals of a producer perf test.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct ProducerTotal {
    pub count: i64,
    pub bytes: i64,
    pub(crate) elapsed_ms: i64,
    pub(crate) total_latency_ms: i64,
    pub(crate) max_latency_ms: i32,
    /// 50th, 95th, 99th, 99.9th percentiles (see [`percentiles`]).
    pub(crate) percentiles: [i32; 4],
    /// The steady-state totals after `--warmup-records` (`Stats.isSteadyState`): `N steady state
    /// records sent, ...`.
    #[serde(default)]
    pub(crate) steady: bool,
}

/// `%d%s records sent, %f records/sec (%.2f MB/sec), %.2f ms avg latency, %.2f ms max latency, %d ms 50th, %d ms 95th, %d ms 99th, %d ms 99.9th.%n`
/// (`%f` is six decimals).
pub(crate) fn producer_total_line(t: &ProducerTotal) -> String {
    let elapsed = t.elapsed_ms as f64;
    let recs = div(1000.0 * t.count as f64, elapsed);
    let mb = div(1000.0 * t.bytes as f64, elapsed) / (1024.0 * 1024.0);
    let avg = div(t.total_latency_ms as f64, t.count as f64);
    format!(
        "{}{} records sent, {} records/sec ({} MB/sec), {} ms avg latency, {} ms max latency, {} ms 50th, {} ms 95th, {} ms 99th, {} ms 99.9th.\n",
        t.count,
        if t.steady { " steady state" } else { "" },
        java_fixed(recs, 6),
        java_fixed(mb, 2),
        java_fixed(avg, 2),
        java_fixed(f64::from(t.max_latency_ms), 2),
        t.percentiles[0],
        t.percentiles[1],
        t.percentiles[2],
        t.percentiles[3]
    )
}

/// `Stats.percentiles`: sorts the sampled latencies and picks index
/// `(int)(p * size)` for p = 0.5, 0.95, 0.99, 0.999. Empty input gives 0s.
pub(crate) fn percentiles(latencies: &[i32]) -> [i32; 4] {
    let mut v = latencies.to_vec();
    v.sort_unstable();
    let mut out = [0i32; 4];
    for (i, p) in [0.5f64, 0.95, 0.99, 0.999].iter().enumerate() {
        let idx = (p * v.len() as f64) as usize;
        out[i] = v.get(idx.min(v.len().saturating_sub(1))).copied().unwrap_or(0);
    }
    out
}

/// The consumer perf test header (`printHeader`).
pub(crate) fn consumer_header(show_detailed_stats: bool) -> String {
    let extra = ", rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec";
    if show_detailed_stats {
        format!("time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec{extra}\n")
    } else {
        format!("start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec{extra}\n")
    }
}

/// The totals of a consumer perf test.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct ConsumerTotal {
    pub(crate) start_ms: i64,
    pub(crate) end_ms: i64,
    pub bytes: i64,
    pub messages: i64,
    /// Time spent joining the group (rebalance).
    pub(crate) join_ms: i64,
}

/// The summary line `%s, %s, %.4f, %.4f, %d, %.4f, %d, %d, %.4f, %.4f%n`
/// (printed without `--show-detailed-stats`). Times use the default
/// `yyyy-MM-dd HH:mm:ss:SSS` pattern in UTC.
pub(crate) fn consumer_summary_line(t: &ConsumerTotal) -> String {
    // Java long arithmetic wraps; so does this (no overflow panic).
    let total_ms = t.end_ms.wrapping_sub(t.start_ms);
    let elapsed_sec = total_ms as f64 / 1000.0;
    let fetch_ms = total_ms.wrapping_sub(t.join_ms);
    let mb = t.bytes as f64 / (1024.0 * 1024.0);
    format!(
        "{}, {}, {}, {}, {}, {}, {}, {}, {}, {}\n",
        simple_date(t.start_ms),
        simple_date(t.end_ms),
        java_fixed(mb, 4),
        java_fixed(mb / elapsed_sec, 4),
        t.messages,
        java_fixed(t.messages as f64 / elapsed_sec, 4),
        t.join_ms,
        fetch_ms,
        java_fixed(mb / (fetch_ms as f64 / 1000.0), 4),
        java_fixed(t.messages as f64 / (fetch_ms as f64 / 1000.0), 4)
    )
}

/// One `--show-detailed-stats` interval.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct ConsumerInterval {
    pub(crate) bytes_read: i64,
    pub(crate) last_bytes_read: i64,
    pub(crate) messages_read: i64,
    pub(crate) last_messages_read: i64,
    pub(crate) start_ms: i64,
    pub(crate) end_ms: i64,
    pub(crate) join_ms_in_round: i64,
}

/// A `--show-detailed-stats` line: `printBasicProgress`
/// (`%s, %d, %.4f, %.4f, %d, %.4f`, thread id 0) then
/// `printExtendedProgress` (`, %d, %d, %.4f, %.4f`) and a newline.
pub(crate) fn consumer_detailed_line(i: &ConsumerInterval) -> String {
    let elapsed_ms = i.end_ms.wrapping_sub(i.start_ms) as f64;
    let total_mb = i.bytes_read as f64 / (1024.0 * 1024.0);
    let interval_mb = i.bytes_read.wrapping_sub(i.last_bytes_read) as f64 / (1024.0 * 1024.0);
    let interval_mb_per_sec = 1000.0 * interval_mb / elapsed_ms;
    let interval_msgs = i.messages_read.wrapping_sub(i.last_messages_read);
    let interval_msgs_per_sec = (interval_msgs as f64 / elapsed_ms) * 1000.0;
    let fetch_ms = i.end_ms.wrapping_sub(i.start_ms).wrapping_sub(i.join_ms_in_round);
    let (f_mb, f_msgs) = if fetch_ms <= 0 {
        (0.0, 0.0)
    } else {
        (1000.0 * interval_mb / fetch_ms as f64, 1000.0 * interval_msgs as f64 / fetch_ms as f64)
    };
    format!(
        "{}, 0, {}, {}, {}, {}, {}, {}, {}, {}\n",
        simple_date(i.end_ms),
        java_fixed(total_mb, 4),
        java_fixed(interval_mb_per_sec, 4),
        i.messages_read,
        java_fixed(interval_msgs_per_sec, 4),
        i.join_ms_in_round,
        fetch_ms,
        java_fixed(f_mb, 4),
        java_fixed(f_msgs, 4)
    )
}

/// `WARNING: Exiting before consuming the expected number of records: timeout (%d ms) exceeded. You can use the --timeout option to increase the timeout.%n`
pub(crate) fn consumer_timeout_warning(timeout_ms: i64) -> String {
    format!(
        "WARNING: Exiting before consuming the expected number of records: timeout ({timeout_ms} ms) exceeded. You can use the --timeout option to increase the timeout.\n"
    )
}

/// `SimpleDateFormat("yyyy-MM-dd HH:mm:ss:SSS")` of epoch milliseconds, in
/// UTC (the simulator has no local time zone).
pub(crate) fn simple_date(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000); // |days| < 1.1e11: no overflow below
    let rem = ms.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}:{:03}",
        rem / 3_600_000,
        (rem / 60_000) % 60,
        (rem / 1000) % 60,
        rem % 1000
    )
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}
