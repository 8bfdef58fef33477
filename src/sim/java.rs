//! The few Java platform behaviours that Kafka's answers depend on, reproduced exactly so that
//! Brokerlab can be checked against vectors recorded from Kafka itself.
//!
//! * [`JavaRandom`]: `java.util.Random` — the 48-bit linear congruential generator, with
//!   `nextInt(bound)` and `Collections.shuffle(list, random)` exactly as the JDK specifies them.
//!   Kafka's `StripedReplicaPlacer` draws from one; seeded the same, Brokerlab's placer gives the
//!   same layouts.
//! * [`SplittableRandom`]: `java.util.SplittableRandom`'s `nextInt(bound)`.
//! * [`JavaHashSim`], [`java_hash_order`], [`java_hashmap_order`]: the iteration order of a
//!   `java.util.HashMap`/`HashSet` (puts, `computeIfAbsent`, removals), which decides the order
//!   of lists Kafka collects from one (the ELR built by `PartitionChangeBuilder`, the racks of
//!   `StripedReplicaPlacer.RackList`, the sticky assignors' maps).
//!
//! * [`java_string_hash`], [`java_string_cmp`], [`java_trim`]: `String.hashCode`,
//!   `String.compareTo` (over UTF-16 code units) and `String.trim`; [`java_parse_int`], [`java_parse_long`], [`java_parse_double`]:
//!   `Integer.parseInt`, `Long.parseLong`, `Double.valueOf`, as the tools parse their options.
//!
//! * [`scala_isr_order`]: the order of the ISR a partition leader sends in AlterPartition, which
//!   Kafka's `Partition` (Scala) builds in a `scala.collection.mutable.HashSet`.
//!
//! Everything is integer arithmetic with wrapping, so native and wasm32 agree.

use crate::sim::codec::Codec;
use crate::sim::sort::CompactSort;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

const MULTIPLIER: i64 = 0x5_DEEC_E66D;
const ADDEND: i64 = 0xB;
const MASK: i64 = (1 << 48) - 1;

/// `java.util.Random`: `seed = (seed * 0x5DEECE66D + 0xB) mod 2^48`, outputs the top bits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct JavaRandom {
    seed: i64,
}

impl JavaRandom {
    /// `new Random(seed)`: the seed is scrambled with the multiplier (`initialScramble`).
    pub fn new(seed: i64) -> JavaRandom {
        JavaRandom { seed: (seed ^ MULTIPLIER) & MASK }
    }

    /// `next(bits)`: the next `bits` (1..=32) random bits.
    fn next(&mut self, bits: u32) -> i32 {
        self.seed = self.seed.wrapping_mul(MULTIPLIER).wrapping_add(ADDEND) & MASK;
        ((self.seed as u64) >> (48 - bits)) as i32
    }

    /// `nextInt()`: 32 random bits.
    #[cfg(test)]
    pub(crate) fn next_int_unbounded(&mut self) -> i32 {
        self.next(32)
    }

    /// `nextInt(bound)` as `java.util.Random` implements it: a power of two takes the high bits;
    /// otherwise values from the incomplete last range are rejected. Java throws for
    /// `bound <= 0`; here that returns 0 (no caller passes it).
    pub(crate) fn next_int(&mut self, bound: i32) -> i32 {
        if bound <= 0 {
            return 0;
        }
        let mut r = self.next(31);
        let m = bound - 1;
        if bound & m == 0 {
            return ((i64::from(bound) * i64::from(r)) >> 31) as i32;
        }
        let mut u = r;
        loop {
            r = u % bound;
            if u.wrapping_sub(r).wrapping_add(m) >= 0 {
                return r;
            }
            u = self.next(31);
        }
    }

    /// `nextLong()`: two 32-bit draws.
    #[cfg(test)]
    pub(crate) fn next_long(&mut self) -> i64 {
        (i64::from(self.next(32)) << 32).wrapping_add(i64::from(self.next(32)))
    }

    /// `Collections.shuffle(list, random)`: from the end, swap each position with a random one
    /// at or before it.
    pub(crate) fn shuffle<T>(&mut self, items: &mut [T]) {
        let size = items.len();
        for i in (2..=size).rev() {
            let j = self.next_int(i as i32) as usize;
            items.swap(i - 1, j);
        }
    }
}

/// `java.util.SplittableRandom` (`new SplittableRandom(seed)`): a 64-bit counter stepped by the
/// golden gamma and mixed on the way out. `ProducerPerformance` draws its random payload bytes and
/// its `--key-distribution random` keys from one seeded with `--random-seed` (default 0), so a
/// run's records are the same every time, in Kafka and here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct SplittableRandom {
    seed: i64,
}

impl SplittableRandom {
    const GOLDEN_GAMMA: i64 = 0x9e37_79b9_7f4a_7c15_u64 as i64;

    pub(crate) fn new(seed: i64) -> SplittableRandom {
        SplittableRandom { seed }
    }

    /// `mix32(nextSeed())`, i.e. `nextInt()`.
    pub(crate) fn next_int_unbounded(&mut self) -> i32 {
        self.seed = self.seed.wrapping_add(Self::GOLDEN_GAMMA);
        let mut z = self.seed as u64;
        z = (z ^ (z >> 33)).wrapping_mul(0x62a9_d9ed_7997_05f5);
        ((z ^ (z >> 28)).wrapping_mul(0xcb24_d0a5_c88c_35b3) >> 32) as i32
    }

    /// `nextInt(bound)` (`RandomSupport.boundedNextInt`): a power of two masks the low bits;
    /// otherwise the top 31 bits modulo `bound`, rejecting the incomplete last range. Java throws
    /// for `bound <= 0`; here that returns 0 (callers check it first).
    pub(crate) fn next_int(&mut self, bound: i32) -> i32 {
        if bound <= 0 {
            return 0;
        }
        let r = self.next_int_unbounded();
        let m = bound - 1;
        if bound & m == 0 {
            return r & m;
        }
        let mut u = ((r as u32) >> 1) as i32;
        loop {
            let r = u % bound;
            if u.wrapping_add(m).wrapping_sub(r) >= 0 {
                return r;
            }
            u = ((self.next_int_unbounded() as u32) >> 1) as i32;
        }
    }
}

/// `HashMap.hash(key)`: the key's `hashCode()` with its high half folded into the low half.
fn spread(hash: i32) -> u32 {
    let h = hash as u32;
    h ^ (h >> 16)
}

/// `HashMap.tableSizeFor`: the smallest power of two ≥ `cap` (at least 1).
fn table_size_for(cap: u32) -> u32 {
    cap.max(1).next_power_of_two()
}

/// The initial table size of `new HashSet<>(collection)` / `new HashMap<>(map)` for `n`
/// elements: `tableSizeFor(max((int) (n / .75f) + 1, 16))`. (`n / .75f` is `4n/3`, truncated;
/// computed in integers.)
pub(crate) fn java_capacity_for_copy(n: usize) -> u32 {
    let n = n.min(1 << 28) as u32;
    table_size_for((n * 4 / 3 + 1).max(16))
}

/// The iteration order of a `java.util.HashMap` (or `HashSet`) with an initial table of
/// `capacity` buckets (16 for `new HashMap<>()`) into which `keys` (each with its Java
/// `hashCode()`) were put in this order; repeated keys keep their first position.
///
/// Iteration goes bucket by bucket, and within a bucket in insertion order (a resize splits
/// each bucket keeping that order). The table doubles when the size passes 3/4 of it, and
/// when a bucket reaches 9 entries while the table is smaller than 64 (`treeifyBin`). Bins
/// long enough to become trees (9 colliding keys in a table of 64 or more) are not modelled:
/// Brokerlab's sets of broker ids and rack names never get there.
pub(crate) fn java_hash_order<K: PartialEq + Clone>(keys: &[(K, i32)], capacity: u32) -> Vec<K> {
    let mut map = JavaHashSim::with_capacity(capacity);
    for (key, hash) in keys {
        map.insert(key.clone(), *hash);
    }
    map.order()
}

/// The iteration order of a `HashSet<Integer>` with an initial table of `capacity` buckets into
/// which `values` were added in order (`Integer.hashCode()` is the value).
pub(crate) fn java_int_set_order(values: &[i32], capacity: u32) -> Vec<i32> {
    let keyed: Vec<(i32, i32)> = values.iter().map(|&v| (v, v)).collect();
    java_hash_order(&keyed, capacity)
}

/// The bucket layout of a `java.util.HashMap`/`HashSet` (16 buckets when default-constructed),
/// doubled when the size passes 3/4 of the capacity, or when a bucket grows past 8 entries while
/// the table has fewer than 64 buckets (`treeifyBin`). Iteration is by bucket, then by position
/// in the bucket's list (resizes keep it): `put` appends a new key to its bucket's list,
/// `computeIfAbsent` prepends it. Bins long enough to be treeified (≥ 9 colliding keys in a
/// table of ≥ 64 buckets) are not modelled.
#[derive(Clone, Debug)]
pub(crate) struct JavaHashSim<K> {
    cap: u32,
    /// (key, spread hash, rank within its bucket: ascending = iteration order).
    entries: Vec<(K, u32, i64)>,
    inserted: i64,
}

impl<K: PartialEq + Clone> JavaHashSim<K> {
    /// `new HashMap<>()`: 16 buckets.
    pub(crate) fn new() -> JavaHashSim<K> {
        JavaHashSim::with_capacity(16)
    }

    /// `new HashMap<>(capacity)`: the table starts at `tableSizeFor(capacity)` buckets.
    pub(crate) fn with_capacity(capacity: u32) -> JavaHashSim<K> {
        JavaHashSim { cap: table_size_for(capacity), entries: Vec::new(), inserted: 0 }
    }

    fn bucket(&self, spread_hash: u32) -> u32 {
        spread_hash & (self.cap - 1)
    }

    fn in_bucket(&self, spread_hash: u32) -> usize {
        let b = self.bucket(spread_hash);
        self.entries.iter().filter(|(_, h, _)| self.bucket(*h) == b).count()
    }

    /// `HashMap.put` / `HashSet.add`: a new key goes to the end of its bucket; the table grows
    /// after the insertion.
    pub(crate) fn insert(&mut self, key: K, hash: i32) {
        if self.entries.iter().any(|(k, _, _)| *k == key) {
            return;
        }
        let s = spread(hash);
        let in_bucket = self.in_bucket(s);
        self.inserted += 1;
        self.entries.push((key, s, self.inserted));
        if in_bucket >= 8 && self.cap < 64 {
            self.cap *= 2;
        }
        if self.entries.len() as u64 > u64::from(self.cap) * 3 / 4 {
            self.cap *= 2;
        }
    }

    /// `HashMap.computeIfAbsent`: the table grows before the insertion (when already past its
    /// threshold), and a new key goes to the front of its bucket.
    pub(crate) fn compute_if_absent(&mut self, key: K, hash: i32) {
        if self.entries.iter().any(|(k, _, _)| *k == key) {
            return;
        }
        if self.entries.len() as u64 > u64::from(self.cap) * 3 / 4 {
            self.cap *= 2;
        }
        let s = spread(hash);
        let in_bucket = self.in_bucket(s);
        self.inserted += 1;
        self.entries.push((key, s, -self.inserted));
        if in_bucket >= 7 && self.cap < 64 {
            self.cap *= 2;
        }
    }

    pub(crate) fn remove(&mut self, key: &K) {
        self.entries.retain(|(k, _, _)| k != key);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub(crate) fn order(&self) -> Vec<K> {
        let mut idx: Vec<usize> = (0..self.entries.len()).collect();
        idx.compact_sort_by_key(|&i| (self.bucket(self.entries[i].1), self.entries[i].2));
        idx.into_iter().map(|i| self.entries[i].0.clone()).collect()
    }

    pub(crate) fn first(&self) -> Option<K> {
        self.entries.iter().min_by_key(|(_, h, rank)| (self.bucket(*h), *rank)).map(|(k, _, _)| k.clone())
    }
}

/// The iteration order of a `java.util.HashMap<String, _>` (or `HashSet<String>`) into which
/// `keys` were put in this order (repeated keys keep their first position).
pub fn java_hashmap_order(keys: &[String]) -> Vec<String> {
    let mut sim = JavaHashSim::new();
    for k in keys {
        sim.insert(k.clone(), java_string_hash(k));
    }
    sim.order()
}

/// The iteration order of a `java.util.HashMap<String, _>` whose keys were added with
/// `computeIfAbsent` in this order (e.g. Kafka's "group partitions by topic" maps).
pub(crate) fn java_hashmap_order_computed(keys: &[String]) -> Vec<String> {
    let mut sim = JavaHashSim::new();
    for k in keys {
        sim.compute_if_absent(k.clone(), java_string_hash(k));
    }
    sim.order()
}

/// The order of the ISR that `kafka.cluster.Partition` sends in an AlterPartition request:
/// `prepareIsrExpand` (`isr.asScala.map(..) + newReplica`) or `prepareIsrShrink`
/// (`isr.asScala.map(..).diff(outOfSync)`), listed with `toList`. Scala 2.13's
/// `mutable.HashSet` iterates its table in bucket order, each bucket sorted by hash
/// (`improveHash(id) = id ^ (id >>> 16)`, the id itself for broker ids below 65536), so the
/// order is by `(hash mod table size, hash)`. The table sizes were measured on Scala 2.13.18
/// (the library Kafka 4.4 ships): after an expansion 8 buckets up to 5 members, 16 up to 11,
/// 32 beyond; after a shrink 16 up to 11 members, 32 beyond.
pub(crate) fn scala_isr_order(isr: &[i32], expand: bool) -> Vec<i32> {
    let n = isr.len();
    let table: u32 = if expand && n <= 5 {
        8
    } else if n <= 11 {
        16
    } else {
        32
    };
    let mut out = isr.to_vec();
    out.compact_sort_by_key(|&id| {
        let h = spread(id);
        (h & (table - 1), h)
    });
    out.dedup();
    out
}

/// Mirrors Java's `String.hashCode()`: `s[0]*31^(n-1) + … + s[n-1]` over UTF-16 code units,
/// with int wrapping.
pub(crate) fn java_string_hash(s: &str) -> i32 {
    let mut h: i32 = 0;
    for unit in s.encode_utf16() {
        h = h.wrapping_mul(31).wrapping_add(i32::from(unit));
    }
    h
}

/// Mirrors Java's `String.compareTo`: lexicographic over UTF-16 code units (this differs from
/// Rust's byte order only for characters outside the Basic Multilingual Plane).
pub(crate) fn java_string_cmp(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// Java `String.trim()`: strips every char up to U+0020 from both ends.
pub(crate) fn java_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c <= ' ')
}

/// Java `Integer.parseInt` (optional sign, decimal digits, 32-bit range).
pub(crate) fn java_parse_int(s: &str) -> Option<i32> {
    java_parse_long(s).and_then(|v| i32::try_from(v).ok())
}

/// Java `Long.parseLong` (optional sign, decimal digits, 64-bit range).
pub(crate) fn java_parse_long(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.strip_prefix('+').unwrap_or(s).parse::<i64>().ok()
}

/// Java `Double.valueOf` (blanks trimmed; decimal forms, `NaN`, `Infinity`).
pub(crate) fn java_parse_double(s: &str) -> Option<f64> {
    let t = s.trim();
    let t = t.strip_suffix(['d', 'D', 'f', 'F']).unwrap_or(t);
    match t.strip_prefix(['+', '-']).unwrap_or(t) {
        "NaN" | "Infinity" => return t.replace("Infinity", "inf").parse().ok(),
        "" => return None,
        body => {
            if !body.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-')) {
                return None;
            }
        }
    }
    t.parse::<f64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_string_cmp_uses_utf16_units() {
        assert_eq!(java_string_cmp("a", "b"), Ordering::Less);
        assert_eq!(java_string_cmp("consumer10", "consumer2"), Ordering::Less);
        // U+FF21 (BMP, 0xFF21) sorts after U+1F600 (surrogate 0xD83D) in Java, unlike UTF-8.
        assert_eq!(java_string_cmp("\u{FF21}", "\u{1F600}"), Ordering::Greater);
        assert_eq!("\u{FF21}".cmp("\u{1F600}"), Ordering::Less);
    }

    // Reference values printed by Java 17 (`jshell`): `new Random(42)`, `new Random(0)`, ...
    #[test]
    fn next_int_matches_java_util_random() {
        let mut r = JavaRandom::new(42);
        assert_eq!(r.next_int_unbounded(), -1170105035);
        let mut r = JavaRandom::new(42);
        let got: Vec<i32> = (0..8).map(|_| r.next_int(10)).collect();
        assert_eq!(got, vec![0, 3, 8, 4, 0, 5, 5, 8]);
        let mut r = JavaRandom::new(0);
        let got: Vec<i32> = (0..6).map(|_| r.next_int(16)).collect();
        assert_eq!(got, vec![11, 13, 3, 9, 10, 4]);
        let mut r = JavaRandom::new(-7);
        assert_eq!(r.next_long(), 4964420944606563203);
        // A bound close to 2^31 exercises the rejection loop.
        let mut r = JavaRandom::new(12345);
        let got: Vec<i32> = (0..4).map(|_| r.next_int(1_500_000_000)).collect();
        assert_eq!(got, vec![776966251, 1102109080, 80902084, 701101375]);
    }

    #[test]
    fn shuffle_matches_collections_shuffle() {
        // Collections.shuffle(List.of(0..9) as ArrayList, new Random(7)).
        let mut r = JavaRandom::new(7);
        let mut v: Vec<i32> = (0..10).collect();
        r.shuffle(&mut v);
        assert_eq!(v, vec![0, 1, 9, 3, 7, 4, 8, 5, 2, 6]);
    }

    // Measured with JDK 17: `new SplittableRandom(0)`: six `nextInt(26)`, `nextInt(7)`,
    // `nextInt(8)`; `new SplittableRandom(-5)`: `nextInt(1000000007)`, `nextInt(3)`,
    // `nextInt(Integer.MAX_VALUE)`.
    #[test]
    fn splittable_random_matches_the_jdk() {
        let mut r = SplittableRandom::new(0);
        let mut v: Vec<i32> = (0..6).map(|_| r.next_int(26)).collect();
        v.push(r.next_int(7));
        v.push(r.next_int(8));
        assert_eq!(v, vec![24, 16, 7, 7, 13, 4, 3, 1]);
        let mut q = SplittableRandom::new(-5);
        assert_eq!([q.next_int(1_000_000_007), q.next_int(3), q.next_int(i32::MAX)], [190786769, 0, 250958321]);
    }

    // Measured with Scala 2.13.18: `Set(3).map(identity) + 9` lists 9 first (8 buckets);
    // `Set(1, 2, 8).map(identity).diff(Set(1))` lists 2, 8 (16 buckets).
    #[test]
    fn isr_order_follows_scala_mutable_hash_set() {
        assert_eq!(scala_isr_order(&[3, 9], true), vec![9, 3]);
        assert_eq!(scala_isr_order(&[2, 8], false), vec![2, 8]);
        assert_eq!(scala_isr_order(&[3, 1, 2], true), vec![1, 2, 3]);
        assert_eq!(scala_isr_order(&[1, 2, 3, 4, 5, 17], true), vec![1, 17, 2, 3, 4, 5]);
        assert_eq!(scala_isr_order(&[2, 10, 3, 11, 4, 12], true), vec![2, 3, 4, 10, 11, 12]);
    }

    #[test]
    fn hash_order_of_small_integers_is_by_bucket_then_insertion() {
        // new HashSet<>() ← 17, 3, 1, 33, 16: buckets 1 (17, 1, 33), 3, 0 (16).
        assert_eq!(java_int_set_order(&[17, 3, 1, 33, 16], 16), vec![16, 17, 1, 33, 3]);
        // 13 entries pass 3/4 of 16: the table doubles and 17 moves to bucket 17.
        let many: Vec<i32> = (1..=13).chain([17]).collect();
        let order = java_int_set_order(&many, 16);
        assert_eq!(order.last(), Some(&17));
        assert_eq!(java_capacity_for_copy(0), 16);
        assert_eq!(java_capacity_for_copy(11), 16);
        assert_eq!(java_capacity_for_copy(12), 32);
        assert_eq!(java_capacity_for_copy(24), 64);
    }
}
