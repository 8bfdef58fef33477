//! Client quotas: the entities and values the controller keeps (`ClientQuotaRecord`,
//! `ClientQuotaControlManager`, KIP-546) and the broker's byte-rate throttling
//! (`ClientQuotaManager`, `QuotaUtils.throttleTime`, KIP-13/KIP-55, and KIP-219's throttle on
//! the client side).
//!
//! Quota values are Java `double`s in Kafka; the metadata keeps their IEEE bits (so a describe
//! prints exactly what was set) and the broker's decisions use the integral byte rate that
//! `producer_byte_rate`/`consumer_byte_rate` must be (`ConfigDef.Type.LONG`), with integer
//! arithmetic over a sampled window like `org.apache.kafka.common.metrics.stats.Rate`.

use crate::sim::codec::Codec;
use crate::sim::errors::{ApiError, KafkaError};
use crate::sim::java::{java_string_hash, JavaHashSim};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `producer_byte_rate` (`QuotaConfig.PRODUCER_BYTE_RATE_OVERRIDE_CONFIG`).
pub(crate) const PRODUCER_BYTE_RATE: &str = "producer_byte_rate";
/// `consumer_byte_rate`.
pub(crate) const CONSUMER_BYTE_RATE: &str = "consumer_byte_rate";

/// The user and client quota keys and whether each is integral (`QuotaConfig.buildUserClientQuotaConfigDef`:
/// two `LONG`s, two `DOUBLE`s).
const QUOTA_KEYS: [(&str, bool); 4] = [
    (PRODUCER_BYTE_RATE, true),
    (CONSUMER_BYTE_RATE, true),
    ("request_percentage", false),
    ("controller_mutation_rate", false),
];

/// `QuotaConfig.isClientOrUserQuotaConfig`.
pub(crate) fn is_quota_key(key: &str) -> bool {
    QUOTA_KEYS.iter().any(|(k, _)| *k == key)
}

/// One side of a quota entity: the default entity or a named one.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Codec)]
pub enum QuotaName {
    Default,
    Named(String),
}

impl QuotaName {
    fn java_hash(&self) -> i32 {
        match self {
            QuotaName::Default => 0,
            QuotaName::Named(n) => java_string_hash(n),
        }
    }
}

/// Quota values by entity, as DescribeClientQuotas answers: each key with the bits of its `double`.
pub type QuotaEntries = Vec<(QuotaEntity, Vec<(String, u64)>)>;

/// A quota entity (`ClientQuotaEntity`): a user, a client id, or both.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Codec)]
pub struct QuotaEntity {
    pub user: Option<QuotaName>,
    pub client_id: Option<QuotaName>,
}

impl QuotaEntity {
    /// `ClientQuotaEntity.hashCode()`: the hash of its entries map (`user`/`client-id` → name,
    /// the default entity's name being `null`).
    pub(crate) fn java_hash(&self) -> i32 {
        let mut h: i32 = 0;
        if let Some(u) = &self.user {
            h = h.wrapping_add(java_string_hash("user") ^ u.java_hash());
        }
        if let Some(c) = &self.client_id {
            h = h.wrapping_add(java_string_hash("client-id") ^ c.java_hash());
        }
        h
    }

    /// How `ConfigCommand.describeQuotaConfigs` names it: `user-principal 'alice', the default client-id`.
    pub(crate) fn describe(&self) -> String {
        let part = |ty: &str, n: &QuotaName| match n {
            QuotaName::Default => format!("the default {ty}"),
            QuotaName::Named(s) if s.is_empty() => format!("the default {ty}"),
            QuotaName::Named(s) => format!("{ty} '{s}'"),
        };
        let mut parts = Vec::new();
        if let Some(u) = &self.user {
            parts.push(part("user-principal", u));
        }
        if let Some(c) = &self.client_id {
            parts.push(part("client-id", c));
        }
        parts.join(", ")
    }
}

/// A `ClientQuotaFilterComponent`: an entity type and what its name must be.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub enum QuotaMatch {
    /// `ofEntity(type, name)`.
    Exact(String),
    /// `ofDefaultEntity(type)`.
    Default,
    /// `ofEntityType(type)`: any name, the default included.
    Any,
}

/// A describe filter: (`user` or `client-id`, match), and whether only the named types may be
/// present (`ClientQuotaFilter.containsOnly`, what `kafka-configs` asks).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct QuotaFilter {
    pub components: Vec<(String, QuotaMatch)>,
    pub strict: bool,
}

impl QuotaFilter {
    fn side_matches(side: &Option<QuotaName>, m: Option<&QuotaMatch>, strict: bool) -> bool {
        match (side, m) {
            (None, None) => true,
            (Some(_), None) => !strict,
            (None, Some(_)) => false,
            (Some(_), Some(QuotaMatch::Any)) => true,
            (Some(QuotaName::Default), Some(QuotaMatch::Default)) => true,
            (Some(QuotaName::Named(n)), Some(QuotaMatch::Exact(want))) => n == want,
            _ => false,
        }
    }

    /// Whether the entity passes (`ClientQuotasImage.describe`).
    pub(crate) fn matches(&self, e: &QuotaEntity) -> bool {
        let find = |ty: &str| self.components.iter().find(|(t, _)| t == ty).map(|(_, m)| m);
        Self::side_matches(&e.user, find("user"), self.strict)
            && Self::side_matches(&e.client_id, find("client-id"), self.strict)
    }
}

/// The quotas of every entity, each value the bits of Kafka's `double`.
pub(crate) type QuotaImage = BTreeMap<QuotaEntity, BTreeMap<String, u64>>;

/// `ClientQuotaControlManager.validateQuotaKeyValue`: the controller's check of one value.
pub(crate) fn validate_quota_value(key: &str, value: f64) -> Result<(), ApiError> {
    let invalid = |m: String| Err(ApiError::with(KafkaError::INVALID_REQUEST, m));
    let Some((_, integral)) = QUOTA_KEYS.iter().find(|(k, _)| *k == key) else {
        return invalid(format!("Invalid configuration key {key}"));
    };
    if !value.is_finite() {
        return invalid(format!("Quota {key} must be a finite number"));
    }
    if value <= 0.0 {
        return invalid(format!("Quota {key} must be greater than 0"));
    }
    if *integral {
        if value > 9.223372036854776E18 {
            return invalid(format!("Proposed value for {key} is too large for a LONG."));
        }
        // getErrorForIntegralQuotaValue
        if (value % 1.0).abs() > 1.0E-6 {
            return invalid(format!("{key} cannot be a fractional value."));
        }
    }
    Ok(())
}

/// The entities of `image` a filter selects, in the order the admin client's result map
/// (`DescribeClientQuotasResponse.complete`: `new HashMap<>(n)` of entities, each with a
/// `new HashMap<>(n)` of values) iterates them, which is the order `kafka-configs` prints.
pub(crate) fn describe_order(found: QuotaEntries) -> QuotaEntries {
    let mut sim = JavaHashSim::with_capacity(found.len() as u32);
    for (e, _) in &found {
        sim.insert(e.clone(), e.java_hash());
    }
    let order = sim.order();
    let mut out = Vec::new();
    for e in order {
        if let Some((_, values)) = found.iter().find(|(f, _)| *f == e) {
            let mut vs = JavaHashSim::with_capacity(values.len() as u32);
            for (k, _) in values {
                vs.insert(k.clone(), java_string_hash(k));
            }
            let values = vs.order().into_iter().filter_map(|k| values.iter().find(|(n, _)| *n == k).cloned()).collect();
            out.push((e, values));
        }
    }
    out
}

/// `quota.window.num` (11) and `quota.window.size.seconds` (1): `QuotaConfig`'s defaults.
pub(crate) const QUOTA_WINDOW_NUM: u32 = 11;
pub(crate) const QUOTA_WINDOW_MS: i64 = 1000;

/// One sample of a `SampledStat` (`SampledStat.Sample`), its value a byte count.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct Sample {
    start_ms: i64,
    last_event_ms: i64,
    value: i64,
    events: u64,
}

impl Sample {
    fn new(now_ms: i64) -> Sample {
        Sample { start_ms: now_ms, last_event_ms: now_ms, value: 0, events: 0 }
    }
}

/// A `Rate` over a `WindowedSum` with `QUOTA_WINDOW_NUM` samples of `QUOTA_WINDOW_MS`
/// (`ClientQuotaManager.getQuotaMetricConfig`), in integer bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct RateSensor {
    samples: Vec<Sample>,
    current: u32,
}

impl RateSensor {
    fn current(&mut self, now_ms: i64) -> usize {
        if self.samples.is_empty() {
            self.samples.push(Sample::new(now_ms));
        }
        self.current as usize
    }

    /// `SampledStat.record`: a sample older than the window is followed by a new one.
    pub(crate) fn record(&mut self, value: i64, now_ms: i64) {
        let mut i = self.current(now_ms);
        if now_ms - self.samples[i].start_ms >= QUOTA_WINDOW_MS {
            // advance: samples + 1 slots, reused in a ring.
            self.current = (self.current + 1) % (QUOTA_WINDOW_NUM + 1);
            i = self.current as usize;
            if i >= self.samples.len() {
                self.samples.push(Sample::new(now_ms));
            } else {
                self.samples[i] = Sample::new(now_ms);
            }
        }
        let s = &mut self.samples[i];
        s.value = s.value.saturating_add(value);
        s.events += 1;
        s.last_event_ms = now_ms;
    }

    /// `SampledStat.purgeObsoleteSamples`.
    fn purge(&mut self, now_ms: i64) {
        let expire = i64::from(QUOTA_WINDOW_NUM) * QUOTA_WINDOW_MS;
        for s in &mut self.samples {
            if now_ms - s.last_event_ms >= expire {
                *s = Sample::new(now_ms);
            }
        }
    }

    /// `WindowedSum.combine` after a purge: the bytes in the window.
    pub(crate) fn total(&mut self, now_ms: i64) -> i64 {
        self.purge(now_ms);
        self.samples.iter().map(|s| s.value).sum()
    }

    /// `Rate.windowSize`: the time the samples cover, at least `samples - 1` full windows.
    pub(crate) fn window_ms(&mut self, now_ms: i64) -> i64 {
        self.purge(now_ms);
        if self.samples.is_empty() {
            self.samples.push(Sample::new(now_ms));
        }
        let oldest = self.samples.iter().map(|s| s.start_ms).min().unwrap_or(now_ms);
        let mut elapsed = now_ms - oldest;
        let full = elapsed / QUOTA_WINDOW_MS;
        let min_full = i64::from(QUOTA_WINDOW_NUM) - 1;
        if full < min_full {
            elapsed += (min_full - full) * QUOTA_WINDOW_MS;
        }
        elapsed.max(1)
    }

    /// The rate now, in bytes per second, rounded down (what a metrics view shows).
    pub(crate) fn rate_per_sec(&mut self, now_ms: i64) -> i64 {
        let total = self.total(now_ms);
        let w = self.window_ms(now_ms);
        total.saturating_mul(1000) / w
    }
}

/// `Sensor.checkQuotas` then `QuotaUtils.throttleTime` for a rate whose bound is `bound` bytes
/// per second: 0 while `total / window <= bound`, else
/// `round((rate - bound) / bound * window)` = `round((total*1000 - bound*window) / bound)` ms.
pub(crate) fn throttle_ms(total: i64, window_ms: i64, bound: i64) -> i64 {
    if bound <= 0 {
        return 0;
    }
    let over = i128::from(total) * 1000 - i128::from(bound) * i128::from(window_ms);
    if over <= 0 {
        return 0;
    }
    // Math.round of a positive quotient: floor(x + 1/2).
    let b = i128::from(bound);
    let ms = (2 * over + b) / (2 * b);
    ms.min(i128::from(i32::MAX)) as i64
}

/// Which quota a (user, client id) pair is held to and the sensor it shares
/// (`ClientQuotaManager.DefaultQuotaCallback.quotaMetricTags` and `quotaLimit`): the metric
/// tags (user, client id; `""` = not part of the key) and the bound in bytes per second.
pub(crate) fn quota_for(image: &QuotaImage, key: &str, user: &str, client_id: &str) -> Option<((String, String), i64)> {
    let value = |e: &QuotaEntity| image.get(e).and_then(|m| m.get(key)).map(|bits| f64::from_bits(*bits));
    let named = |s: &str| Some(QuotaName::Named(s.to_string()));
    let ent = |u: Option<QuotaName>, c: Option<QuotaName>| QuotaEntity { user: u, client_id: c };
    // quotaTypesEnabled: which kinds of entity hold this key (1 client, 2 user, 4 both).
    let mut types = 0;
    for (e, m) in image {
        if m.contains_key(key) {
            types |= match (&e.user, &e.client_id) {
                (Some(_), Some(_)) => 4,
                (Some(_), None) => 2,
                (None, Some(_)) => 1,
                (None, None) => 0,
            };
        }
    }
    if types == 0 {
        return None;
    }
    let d = Some(QuotaName::Default);
    let (u_tag, c_tag) = match types {
        1 => (String::new(), client_id.to_string()),
        2 => (user.to_string(), String::new()),
        4 => (user.to_string(), client_id.to_string()),
        _ => {
            let steps: [(QuotaEntity, bool, bool); 6] = [
                (ent(named(user), named(client_id)), true, true),
                (ent(named(user), d.clone()), true, true),
                (ent(named(user), None), true, false),
                (ent(d.clone(), named(client_id)), true, true),
                (ent(d.clone(), d.clone()), true, true),
                (ent(d.clone(), None), true, false),
            ];
            steps
                .iter()
                .find(|(e, _, _)| image.get(e).is_some_and(|m| m.contains_key(key)))
                .map(|(_, u, c)| {
                    (
                        if *u { user.to_string() } else { String::new() },
                        if *c { client_id.to_string() } else { String::new() },
                    )
                })
                .unwrap_or((String::new(), client_id.to_string()))
        }
    };
    // quotaLimit → findQuota on the tags.
    let limit = if !u_tag.is_empty() && !c_tag.is_empty() {
        value(&ent(named(&u_tag), named(&c_tag)))
            .or_else(|| value(&ent(named(&u_tag), d.clone())))
            .or_else(|| value(&ent(d.clone(), named(&c_tag))))
            .or_else(|| value(&ent(d.clone(), d.clone())))
    } else if !u_tag.is_empty() {
        value(&ent(named(&u_tag), None)).or_else(|| value(&ent(d.clone(), None)))
    } else if !c_tag.is_empty() {
        value(&ent(None, named(&c_tag))).or_else(|| value(&ent(None, d.clone())))
    } else {
        None
    };
    // Integral by validation (LONG); saturating conversion.
    limit.map(|l| ((u_tag, c_tag), l as i64))
}

/// The broker's byte-rate quota managers (`QuotaFactory.QuotaManagers.produce` and `.fetch`):
/// one sensor per metric-tag pair, with its throttle-time samples.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct QuotaManagers {
    pub(crate) produce: BTreeMap<(String, String), RateSensor>,
    pub(crate) fetch: BTreeMap<(String, String), RateSensor>,
    /// Responses throttled, and the throttle time given, per quota type (produce, fetch):
    /// the broker's `throttle-time` sensors summed.
    pub(crate) throttled: [u64; 2],
    pub(crate) throttle_ms_total: [u64; 2],
}

/// Which byte-rate quota.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum QuotaType {
    Produce,
    Fetch,
}

impl QuotaManagers {
    /// `ClientQuotaManager.maybeRecordAndGetThrottleTimeMs`: records `bytes` for the client and
    /// answers the throttle time (0 when no quota applies or it is not exceeded).
    pub(crate) fn record(
        &mut self,
        image: &QuotaImage,
        ty: QuotaType,
        user: &str,
        client_id: &str,
        bytes: i64,
        now_ms: i64,
    ) -> i64 {
        let key = match ty {
            QuotaType::Produce => PRODUCER_BYTE_RATE,
            QuotaType::Fetch => CONSUMER_BYTE_RATE,
        };
        let Some((tags, bound)) = quota_for(image, key, user, client_id) else { return 0 };
        let sensors = match ty {
            QuotaType::Produce => &mut self.produce,
            QuotaType::Fetch => &mut self.fetch,
        };
        let s = sensors.entry(tags).or_default();
        s.record(bytes, now_ms);
        let total = s.total(now_ms);
        let window = s.window_ms(now_ms);
        throttle_ms(total, window, bound)
    }

    /// `unrecordQuotaSensor`: a throttled fetch returns no data, so its bytes are taken back.
    pub(crate) fn unrecord(&mut self, image: &QuotaImage, user: &str, client_id: &str, bytes: i64, now_ms: i64) {
        if let Some((tags, _)) = quota_for(image, CONSUMER_BYTE_RATE, user, client_id) {
            self.fetch.entry(tags).or_default().record(-bytes, now_ms);
        }
    }

    /// `ClientQuotaManager.throttle`: counts a throttled response.
    pub(crate) fn note_throttle(&mut self, ty: QuotaType, ms: i64) {
        let i = match ty {
            QuotaType::Produce => 0,
            QuotaType::Fetch => 1,
        };
        self.throttled[i] += 1;
        self.throttle_ms_total[i] += ms.max(0) as u64;
    }

    /// `maxValueInQuotaWindow`: the most a fetch may return (`limit * (samples - 1) * window`).
    pub(crate) fn max_fetch_bytes(image: &QuotaImage, user: &str, client_id: &str) -> Option<i64> {
        quota_for(image, CONSUMER_BYTE_RATE, user, client_id)
            .map(|(_, l)| l.saturating_mul(i64::from(QUOTA_WINDOW_NUM) - 1).saturating_mul(QUOTA_WINDOW_MS / 1000))
    }
}

/// A client's `*-throttle-time-avg` and `*-throttle-time-max` sensor (`SenderMetricsRegistry`
/// `produce-throttle-time-*`, `FetchMetricsManager` `fetch-throttle-time-*`): every response's
/// throttle time (0 included) recorded into `metrics.num.samples` (2) samples of
/// `metrics.sample.window.ms` (30 s), as `Avg` and `Max` over a `SampledStat`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct ThrottleStat {
    /// (start ms, last event ms, sum, count, max) per sample.
    samples: Vec<(i64, i64, i64, u64, i64)>,
    current: u32,
}

const CLIENT_SAMPLES: u32 = 2;
const CLIENT_WINDOW_MS: i64 = 30_000;

impl ThrottleStat {
    pub(crate) fn record(&mut self, ms: i64, now_ms: i64) {
        if self.samples.is_empty() {
            self.samples.push((now_ms, now_ms, 0, 0, i64::MIN));
        }
        let mut i = self.current as usize;
        if now_ms - self.samples[i].0 >= CLIENT_WINDOW_MS {
            self.current = (self.current + 1) % (CLIENT_SAMPLES + 1);
            i = self.current as usize;
            let fresh = (now_ms, now_ms, 0, 0, i64::MIN);
            if i >= self.samples.len() {
                self.samples.push(fresh);
            } else {
                self.samples[i] = fresh;
            }
        }
        let s = &mut self.samples[i];
        s.1 = now_ms;
        s.2 += ms;
        s.3 += 1;
        s.4 = s.4.max(ms);
    }

    /// The live samples (`purgeObsoleteSamples`: older than samples × window are dropped).
    fn live(&self, now_ms: i64) -> impl Iterator<Item = &(i64, i64, i64, u64, i64)> {
        self.samples.iter().filter(move |s| now_ms - s.1 < i64::from(CLIENT_SAMPLES) * CLIENT_WINDOW_MS)
    }

    /// `Avg`: the mean throttle time in ms (`None` = NaN: nothing recorded in the window).
    pub fn avg(&self, now_ms: i64) -> Option<i64> {
        let (sum, n) = self.live(now_ms).fold((0i64, 0u64), |(a, b), s| (a + s.2, b + s.3));
        (n > 0).then(|| sum / n as i64)
    }

    /// `Max` (`None` = NaN).
    pub fn max(&self, now_ms: i64) -> Option<i64> {
        self.live(now_ms).filter(|s| s.3 > 0).map(|s| s.4).max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(entries: &[(QuotaEntity, &str, f64)]) -> QuotaImage {
        let mut m = QuotaImage::new();
        for (e, k, v) in entries {
            m.entry(e.clone()).or_default().insert(k.to_string(), v.to_bits());
        }
        m
    }

    fn client(c: &str) -> QuotaEntity {
        QuotaEntity { user: None, client_id: Some(QuotaName::Named(c.into())) }
    }

    #[test]
    fn validation_follows_client_quota_control_manager() {
        assert!(validate_quota_value("producer_byte_rate", 1024.0).is_ok());
        assert!(validate_quota_value("request_percentage", 12.5).is_ok());
        let msg = |k: &str, v: f64| validate_quota_value(k, v).unwrap_err().message.unwrap_or_default();
        assert_eq!(msg("producer_byte_rate", 10.5), "producer_byte_rate cannot be a fractional value.");
        assert_eq!(msg("producer_byte_rate", 0.0), "Quota producer_byte_rate must be greater than 0");
        assert_eq!(msg("request_percentage", f64::NAN), "Quota request_percentage must be a finite number");
        assert_eq!(msg("retention.ms", 1.0), "Invalid configuration key retention.ms");
    }

    #[test]
    fn rate_and_throttle_follow_rate_window_size_and_quota_utils() {
        // A new sensor's window is (samples - 1) full windows: 10 s.
        let mut s = RateSensor::default();
        s.record(20_000, 0);
        assert_eq!(s.window_ms(0), 10_000);
        // 20000 B in a 10 s window is 2000 B/s; bound 1000 B/s: (2000-1000)/1000*10000 = 10 s.
        assert_eq!(throttle_ms(s.total(0), s.window_ms(0), 1000), 10_000);
        // Under the bound: no throttle.
        assert_eq!(throttle_ms(5_000, 10_000, 1000), 0);
        // Samples older than samples * window are purged.
        assert_eq!(s.total(11_000), 0);
        // 1 byte over a 10 s window at 1000 B/s: (1000.1 - 1000) / 1000 * 10000 = 1 ms.
        assert_eq!(throttle_ms(10_001, 10_000, 1000), 1);
        // Math.round: 1.5 ms rounds up to 2 (2000 B/s bound, 3 bytes over).
        assert_eq!(throttle_ms(20_003, 10_000, 2000), 2);
    }

    #[test]
    fn the_most_specific_quota_applies() {
        let img = image(&[
            (client("app1"), PRODUCER_BYTE_RATE, 100.0),
            (QuotaEntity { user: None, client_id: Some(QuotaName::Default) }, PRODUCER_BYTE_RATE, 50.0),
        ]);
        assert_eq!(
            quota_for(&img, PRODUCER_BYTE_RATE, "ANONYMOUS", "app1"),
            Some(((String::new(), "app1".into()), 100))
        );
        assert_eq!(
            quota_for(&img, PRODUCER_BYTE_RATE, "ANONYMOUS", "other"),
            Some(((String::new(), "other".into()), 50))
        );
        assert_eq!(quota_for(&img, CONSUMER_BYTE_RATE, "ANONYMOUS", "app1"), None);
        // A user quota and a client quota both set: the walk of quotaMetricTags.
        let user = QuotaEntity { user: Some(QuotaName::Named("ANONYMOUS".into())), client_id: None };
        let img = image(&[(client("app1"), PRODUCER_BYTE_RATE, 100.0), (user, PRODUCER_BYTE_RATE, 70.0)]);
        assert_eq!(
            quota_for(&img, PRODUCER_BYTE_RATE, "ANONYMOUS", "app1"),
            Some((("ANONYMOUS".into(), String::new()), 70))
        );
    }
}
