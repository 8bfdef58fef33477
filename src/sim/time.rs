//! Simulated time. The engine never reads a clock: `now` is always passed in.

use crate::sim::codec::Codec;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Simulated time in microseconds since the scenario started.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Codec)]
pub struct SimTime(pub u64);

/// Kafka timestamps are milliseconds since the Unix epoch; a scenario starts at this moment
/// (2025-03-18T00:00:00Z, the day Kafka 4.0.0 was released) unless it says otherwise.
pub(crate) const DEFAULT_EPOCH_MS: i64 = 1_742_256_000_000;

impl SimTime {
    pub(crate) const ZERO: SimTime = SimTime(0);
    pub(crate) const MAX: SimTime = SimTime(u64::MAX);

    pub(crate) const fn from_ms(ms: u64) -> SimTime {
        SimTime(ms * 1000)
    }
    pub const fn from_secs(s: u64) -> SimTime {
        SimTime(s * 1_000_000)
    }
    pub const fn as_micros(self) -> u64 {
        self.0
    }
    /// Whole milliseconds since the scenario started.
    pub const fn as_ms(self) -> u64 {
        self.0 / 1000
    }
    /// Adds a duration in milliseconds (negative durations clamp at zero).
    pub fn plus_ms(self, ms: i64) -> SimTime {
        if ms >= 0 {
            SimTime(self.0.saturating_add((ms as u64).saturating_mul(1000)))
        } else {
            SimTime(self.0.saturating_sub(ms.unsigned_abs().saturating_mul(1000)))
        }
    }
    pub(crate) fn plus_micros(self, us: u64) -> SimTime {
        SimTime(self.0.saturating_add(us))
    }
    /// Milliseconds elapsed since `earlier` (0 if `earlier` is later).
    pub fn ms_since(self, earlier: SimTime) -> i64 {
        (self.0.saturating_sub(earlier.0) / 1000) as i64
    }
}

impl fmt::Display for SimTime {
    /// `12.345s` — seconds with millisecond precision.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0 / 1000;
        write!(f, "{}.{:03}s", ms / 1000, ms % 1000)
    }
}

/// Parses a duration such as `500ms`, `5s`, `2m`, `1h`, `250us` or a bare number of
/// milliseconds into microseconds.
pub(crate) fn parse_duration_us(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    if num.is_empty() {
        return Err(format!("'{text}' is not a duration: use a number with a unit, e.g. 500ms, 5s, 2m"));
    }
    let n: u64 = num.parse().map_err(|_| format!("'{text}' is too large a duration"))?;
    let mult: u64 = match unit {
        "us" => 1,
        "" | "ms" => 1000,
        "s" => 1_000_000,
        "m" | "min" => 60_000_000,
        "h" => 3_600_000_000,
        _ => return Err(format!("'{text}' has an unknown unit '{unit}': use us, ms, s, m or h")),
    };
    n.checked_mul(mult).ok_or_else(|| format!("'{text}' is too large a duration"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(parse_duration_us("500ms"), Ok(500_000));
        assert_eq!(parse_duration_us("5s"), Ok(5_000_000));
        assert_eq!(parse_duration_us("2m"), Ok(120_000_000));
        assert_eq!(parse_duration_us("30"), Ok(30_000));
        assert!(parse_duration_us("5 parsecs").is_err());
        assert!(parse_duration_us("ms").is_err());
        assert!(parse_duration_us("99999999999999999999s").is_err());
    }

    #[test]
    fn display_is_seconds_with_millis() {
        assert_eq!(SimTime::from_ms(12_345).to_string(), "12.345s");
        assert_eq!(SimTime::ZERO.plus_ms(-5), SimTime::ZERO);
    }
}
