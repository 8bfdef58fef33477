//! Producer partitioning: Kafka's `Utils.murmur2`, the key → partition mapping, Java's
//! `String.hashCode` (used for coordinator partitions), and the built-in uniform sticky
//! partitioner of KIP-794 (`BuiltInPartitioner`), the default for null keys since Kafka 3.3.
//!
//! Everything here is 32-bit two's-complement arithmetic with wrapping, like Java's `int`.
//! Reference: `BuiltInPartitioner` and `String.hashCode`.

use crate::sim::codec::Codec;
use crate::sim::java::java_string_hash;
use crate::sim::rng::Pcg32;
use serde::{Deserialize, Serialize};

/// Kafka's `RecordMetadata.UNKNOWN_PARTITION`: "no partition chosen".
pub(crate) const UNKNOWN_PARTITION: i32 = -1;

/// Mirrors `org.apache.kafka.common.utils.Utils.murmur2(byte[])`: 32-bit murmur2 with seed
/// `0x9747b28c`, little-endian 4-byte blocks over unsigned bytes, returned as a signed int.
pub fn murmur2(data: &[u8]) -> i32 {
    const SEED: u32 = 0x9747_b28c;
    const M: u32 = 0x5bd1_e995;
    const R: u32 = 24;
    let length = data.len();
    // Java computes `seed ^ length` on ints; the length wraps like Java's int would.
    let mut h: u32 = SEED ^ (length as u32);
    let blocks = length / 4;
    for i in 0..blocks {
        let b = i * 4;
        let mut k: u32 = u32::from(data[b])
            | (u32::from(data[b + 1]) << 8)
            | (u32::from(data[b + 2]) << 16)
            | (u32::from(data[b + 3]) << 24);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M);
        h ^= k;
    }
    let base = length & !3;
    let tail = length % 4;
    if tail >= 3 {
        h ^= u32::from(data[base + 2]) << 16;
    }
    if tail >= 2 {
        h ^= u32::from(data[base + 1]) << 8;
    }
    if tail >= 1 {
        h ^= u32::from(data[base]);
        h = h.wrapping_mul(M);
    }
    h ^= h >> 13;
    h = h.wrapping_mul(M);
    h ^= h >> 15;
    h as i32
}

/// Mirrors `Utils.toPositive(int)`: clears the sign bit (`n & 0x7fffffff`). Not an absolute value.
pub fn to_positive(n: i32) -> i32 {
    n & 0x7fff_ffff
}

/// Mirrors `Utils.abs(int)`: `Math.abs`, except `abs(Integer.MIN_VALUE) == 0`.
pub(crate) fn java_abs(n: i32) -> i32 {
    if n == i32::MIN {
        0
    } else {
        n.abs()
    }
}

/// Mirrors `BuiltInPartitioner.partitionForKey(keyBytes, numPartitions)`:
/// `toPositive(murmur2(key)) % numPartitions`, where `numPartitions` counts **all** partitions of
/// the topic (`Utils.toPositive`). Returns [`UNKNOWN_PARTITION`] when `num_partitions <= 0` (Java would throw).
pub fn partition_for_key(key: &[u8], num_partitions: i32) -> i32 {
    if num_partitions <= 0 {
        return UNKNOWN_PARTITION;
    }
    to_positive(murmur2(key)) % num_partitions
}

/// Mirrors `GroupCoordinatorService.partitionFor` / `TransactionStateManager.partitionFor`:
/// `Utils.abs(id.hashCode) % numPartitions` with Java's `String.hashCode`.
/// Returns [`UNKNOWN_PARTITION`] when `num_partitions <= 0`.
pub(crate) fn coordinator_partition(id: &str, num_partitions: i32) -> i32 {
    if num_partitions <= 0 {
        return UNKNOWN_PARTITION;
    }
    java_abs(java_string_hash(id)) % num_partitions
}

/// The source of the partitioner's "random" numbers. Mirrors what `BuiltInPartitioner` reads:
/// `Utils.toPositive(ThreadLocalRandom.current().nextInt())`, or the test hook `mockRandom`.
/// Implementations must return a non-negative value.
pub(crate) trait RandomInt {
    /// The next non-negative random int.
    fn next_int(&mut self) -> i32;
}

impl RandomInt for Pcg32 {
    /// `next_u32() & 0x7fffffff`, the analogue of `Utils.toPositive(random.nextInt())`.
    fn next_int(&mut self) -> i32 {
        (self.next_u32() & 0x7fff_ffff) as i32
    }
}

/// Mirrors the `SequentialPartitioner` / `mockRandom` stub of Kafka's `BuiltInPartitionerTest`:
/// returns 0, 1, 2, … in order (wrapping to 0 after `i32::MAX`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Codec)]
#[cfg(test)]
pub(crate) struct SequentialRandom {
    next: i32,
}

#[cfg(test)]
impl SequentialRandom {
    /// A stub whose first value is `start` (negative starts are clamped to 0).
    pub(crate) fn starting_at(start: i32) -> SequentialRandom {
        SequentialRandom { next: start.max(0) }
    }
}

#[cfg(test)]
impl RandomInt for SequentialRandom {
    fn next_int(&mut self) -> i32 {
        let v = self.next;
        self.next = if v == i32::MAX { 0 } else { v + 1 };
        v
    }
}

/// Mirrors `BuiltInPartitioner.StickyPartitionInfo`: the current sticky partition and the bytes
/// produced to it since it was chosen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct StickyPartitionInfo {
    pub partition: i32,
    pub(crate) produced_bytes: i32,
}

/// Mirrors `BuiltInPartitioner.PartitionLoadStats`: the cumulative frequency table (CFT) built
/// from queue sizes, and the partition id of each CFT slot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct PartitionLoadStats {
    pub(crate) cumulative_frequency_table: Vec<i32>,
    pub(crate) partition_ids: Vec<i32>,
}

impl PartitionLoadStats {
    /// The index (into `partition_ids`) of the first CFT value strictly greater than
    /// `weighted_random` (`Math.abs(Arrays.binarySearch(...) + 1)` in Kafka), or -1 if the table
    /// is empty.
    pub(crate) fn index_for(&self, weighted_random: i32) -> i32 {
        let len = self.cumulative_frequency_table.len();
        if len == 0 {
            return -1;
        }
        let idx = self.cumulative_frequency_table.partition_point(|&v| v <= weighted_random).min(len - 1);
        idx as i32
    }
}

/// Mirrors `org.apache.kafka.clients.producer.internals.BuiltInPartitioner` (KIP-794), one per
/// topic: the uniform sticky partitioner used for records without a key (`BuiltInPartitioner`).
///
/// The cluster view is passed to each call as `available` (partition ids that have a leader, in
/// the order of `Cluster.availablePartitionsForTopic`, i.e. ascending id) and `num_partitions`
/// (all partitions of the topic).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct BuiltInPartitioner {
    sticky_batch_size: i32,
    sticky: Option<StickyPartitionInfo>,
    load_stats: Option<PartitionLoadStats>,
}

impl BuiltInPartitioner {
    /// `new BuiltInPartitioner(logContext, topic, stickyBatchSize)`; the batch size is the
    /// producer's `batch.size` and must be ≥ 1.
    pub(crate) fn new(sticky_batch_size: i32) -> Result<BuiltInPartitioner, String> {
        if sticky_batch_size < 1 {
            return Err(format!("stickyBatchSize must be >= 1 but got {}", sticky_batch_size));
        }
        Ok(BuiltInPartitioner { sticky_batch_size, sticky: None, load_stats: None })
    }

    /// The current sticky partition info, if one was chosen.
    #[cfg(test)]
    pub(crate) fn current(&self) -> Option<&StickyPartitionInfo> {
        self.sticky.as_ref()
    }

    /// The load stats in force (`None` = uniform choice).
    #[cfg(test)]
    pub(crate) fn load_stats(&self) -> Option<&PartitionLoadStats> {
        self.load_stats.as_ref()
    }

    /// Mirrors `loadStatsRangeEnd()`: the last CFT value, when load stats are defined.
    #[cfg(test)]
    pub(crate) fn load_stats_range_end(&self) -> Option<i32> {
        self.load_stats.as_ref().and_then(|s| s.cumulative_frequency_table.last().copied())
    }

    /// Mirrors `nextPartition(cluster)`: draws one random number, then uses the CFT when load
    /// stats exist, else `random % available.len()`, else `random % num_partitions` when no
    /// partition has a leader. The result may equal the current partition. Returns
    /// [`UNKNOWN_PARTITION`] if the topic has no partitions at all (Java would throw).
    pub(crate) fn next_partition<R: RandomInt + ?Sized>(
        &self,
        available: &[i32],
        num_partitions: i32,
        rng: &mut R,
    ) -> i32 {
        let random = rng.next_int().max(0);
        if let Some(stats) = &self.load_stats {
            if let Some(&last) = stats.cumulative_frequency_table.last() {
                if last > 0 && !stats.partition_ids.is_empty() {
                    let weighted = random % last;
                    let idx = (stats.index_for(weighted).max(0) as usize).min(stats.partition_ids.len() - 1);
                    return stats.partition_ids[idx];
                }
            }
        }
        if !available.is_empty() {
            let idx = (random as usize) % available.len();
            available[idx]
        } else if num_partitions > 0 {
            random % num_partitions
        } else {
            UNKNOWN_PARTITION
        }
    }

    /// Mirrors `peekCurrentPartitionInfo(cluster)`: the current sticky partition, choosing one
    /// with [`Self::next_partition`] if there is none yet.
    pub(crate) fn peek_current_partition<R: RandomInt + ?Sized>(
        &mut self,
        available: &[i32],
        num_partitions: i32,
        rng: &mut R,
    ) -> i32 {
        if let Some(info) = &self.sticky {
            return info.partition;
        }
        let partition = self.next_partition(available, num_partitions, rng);
        self.sticky = Some(StickyPartitionInfo { partition, produced_bytes: 0 });
        partition
    }

    /// Mirrors `updatePartitionInfo(partitionInfo, appendedBytes, cluster, enableSwitch)`: adds
    /// `appended_bytes` to the current partition and switches to [`Self::next_partition`] when
    /// `produced ≥ batch.size && enable_switch`, or `produced ≥ 2 × batch.size` whatever the flag.
    /// `enable_switch` is `RecordAccumulator.allBatchesFull` (the deque is empty or its last
    /// batch is full). Returns true if the partition was switched. Does nothing when no sticky
    /// partition has been chosen yet.
    pub(crate) fn update_partition_info<R: RandomInt + ?Sized>(
        &mut self,
        appended_bytes: i32,
        enable_switch: bool,
        available: &[i32],
        num_partitions: i32,
        rng: &mut R,
    ) -> bool {
        let produced = match self.sticky.as_mut() {
            None => return false,
            Some(info) => {
                info.produced_bytes = info.produced_bytes.wrapping_add(appended_bytes);
                info.produced_bytes
            }
        };
        let batch = self.sticky_batch_size;
        if (produced >= batch && enable_switch) || produced >= batch.wrapping_mul(2) {
            let partition = self.next_partition(available, num_partitions, rng);
            self.sticky = Some(StickyPartitionInfo { partition, produced_bytes: 0 });
            true
        } else {
            false
        }
    }

    /// Mirrors `updatePartitionLoadStats(queueSizes, partitionIds, length)`.
    ///
    /// `queue_sizes` has one slot per partition of the topic that has a deque (Kafka only builds it
    /// once every partition has one; pass `None` otherwise or when adaptive partitioning is off);
    /// the first `length` slots hold the queue sizes (batches in the deque) of the partitions that
    /// have a leader and were not excluded by `partitioner.availability.timeout.ms`, with their ids
    /// in `partition_ids`. No stats when `length < 1`, when there are fewer than 2 slots, or when
    /// all the `length` sizes are equal and nothing was excluded (`length == queue_sizes.len()`).
    /// Otherwise the CFT is built with weights `(max+1) - q`.
    #[cfg(test)]
    pub(crate) fn update_partition_load_stats(
        &mut self,
        queue_sizes: Option<&[i32]>,
        partition_ids: &[i32],
        length: i32,
    ) {
        let queue_sizes = match queue_sizes {
            None => {
                self.load_stats = None;
                return;
            }
            Some(q) => q,
        };
        let slots = queue_sizes.len();
        let length = if length < 0 { 0 } else { length as usize };
        let length = length.min(slots).min(partition_ids.len());
        if length < 1 || slots < 2 {
            self.load_stats = None;
            return;
        }
        let mut max_size_plus_1 = queue_sizes[0];
        let mut all_equal = true;
        for &q in &queue_sizes[1..length] {
            if q != max_size_plus_1 {
                all_equal = false;
            }
            if q > max_size_plus_1 {
                max_size_plus_1 = q;
            }
        }
        max_size_plus_1 = max_size_plus_1.wrapping_add(1);
        if all_equal && length == slots {
            self.load_stats = None;
            return;
        }
        let mut cft = Vec::with_capacity(length);
        let mut running: i32 = 0;
        for &q in &queue_sizes[..length] {
            running = running.wrapping_add(max_size_plus_1.wrapping_sub(q));
            cft.push(running);
        }
        self.load_stats = Some(PartitionLoadStats {
            cumulative_frequency_table: cft,
            partition_ids: partition_ids[..length].to_vec(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // UtilsTest.testMurmur2 (Kafka's own vectors).
    #[test]
    fn murmur2_kafka_utils_test_vectors() {
        let rows: [(&[u8], i32); 6] = [
            (b"21", -973932308),
            (b"foobar", -790332482),
            (b"a-little-bit-long-string", -985981536),
            (b"a-little-bit-longer-string", -1486304829),
            (b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971),
            (b"abc", 479470107), // the test's bytes {'a','b','c'}
        ];
        for (input, expected) in rows {
            assert_eq!(murmur2(input), expected, "Utils.murmur2 UtilsTest row {:?}", String::from_utf8_lossy(input));
        }
    }

    // `Utils.murmur2`, librdkafka cross-check vectors (hex as in rdmurmur2.c).
    #[test]
    fn murmur2_librdkafka_vectors() {
        let rows: [(&str, u32, i32); 11] = [
            ("kafka", 0xd067cf64, -798503068),
            ("giberish123456789", 0x8f552b0c, -1890243828),
            ("1234", 0x9fc97b14, -1614185708),
            ("234", 0xe7c009ca, -406844982),
            ("34", 0x873930da, -2026295078),
            ("4", 0x5a4b5ca1, 1514888353),
            ("PreAmbleWillBeRemoved,ThePrePartThatIs", 0x78424f1c, 2017611548),
            ("reAmbleWillBeRemoved,ThePrePartThatIs", 0x4a62b377, 1247982455),
            ("eAmbleWillBeRemoved,ThePrePartThatIs", 0xe0e4e09e, -521871202),
            ("AmbleWillBeRemoved,ThePrePartThatIs", 0x62b8b43f, 1656271935),
            ("", 0x106e08d9, 275646681),
        ];
        for (input, hex, signed) in rows {
            assert_eq!(murmur2(input.as_bytes()), signed, "Utils.murmur2 librdkafka row {:?}", input);
            assert_eq!(murmur2(input.as_bytes()) as u32, hex, "Utils.murmur2 librdkafka hex row {:?}", input);
        }
    }

    // UtilsTest abs table.
    #[test]
    fn java_abs_table() {
        for (n, expected) in [(i32::MIN, 0), (-10, 10), (10, 10), (0, 0), (-1, 1)] {
            assert_eq!(java_abs(n), expected, "Utils.abs row n={}", n);
        }
    }

    // `Utils.toPositive`: toPositive clears the sign bit; it is not abs.
    #[test]
    fn to_positive_is_not_abs() {
        assert_eq!(to_positive(-1), i32::MAX);
        assert_eq!(to_positive(i32::MIN), 0);
        assert_eq!(to_positive(-973932308), 1173551340);
        assert_eq!(to_positive(5), 5);
    }

    // `BuiltInPartitioner.partitionForKey`: every cell of the worked key → partition table.
    #[test]
    fn key_to_partition_table() {
        let ns = [2, 3, 4, 5, 6, 8, 10, 12, 50];
        let rows: [(&str, i32, [i32; 9]); 17] = [
            ("21", 1173551340, [0, 0, 0, 0, 0, 4, 0, 0, 40]),
            ("foobar", 1357151166, [0, 0, 2, 1, 0, 6, 6, 6, 16]),
            ("a-little-bit-long-string", 1161502112, [0, 2, 0, 2, 2, 0, 2, 8, 12]),
            ("a-little-bit-longer-string", 661178819, [1, 2, 3, 4, 5, 3, 9, 11, 19]),
            ("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", 2088585677, [1, 2, 1, 2, 5, 5, 7, 5, 27]),
            ("abc", 479470107, [1, 0, 3, 2, 3, 3, 7, 3, 7]),
            ("kafka", 1348980580, [0, 1, 0, 0, 4, 4, 0, 4, 30]),
            ("giberish123456789", 257239820, [0, 2, 0, 0, 2, 4, 0, 8, 20]),
            ("1234", 533297940, [0, 0, 0, 0, 0, 4, 0, 0, 40]),
            ("234", 1740638666, [0, 2, 2, 1, 2, 2, 6, 2, 16]),
            ("34", 121188570, [0, 0, 2, 0, 0, 2, 0, 6, 20]),
            ("4", 1514888353, [1, 1, 1, 3, 1, 1, 3, 1, 3]),
            ("PreAmbleWillBeRemoved,ThePrePartThatIs", 2017611548, [0, 2, 0, 3, 2, 4, 8, 8, 48]),
            ("reAmbleWillBeRemoved,ThePrePartThatIs", 1247982455, [1, 2, 3, 0, 5, 7, 5, 11, 5]),
            ("eAmbleWillBeRemoved,ThePrePartThatIs", 1625612446, [0, 1, 2, 1, 4, 6, 6, 10, 46]),
            ("AmbleWillBeRemoved,ThePrePartThatIs", 1656271935, [1, 0, 3, 0, 3, 7, 5, 3, 35]),
            ("", 275646681, [1, 0, 1, 1, 3, 1, 1, 9, 31]),
        ];
        for (key, positive, cells) in rows {
            assert_eq!(
                to_positive(murmur2(key.as_bytes())),
                positive,
                "BuiltInPartitioner.partitionForKey toPositive {:?}",
                key
            );
            for (n, expected) in ns.iter().zip(cells.iter()) {
                assert_eq!(
                    partition_for_key(key.as_bytes(), *n),
                    *expected,
                    "BuiltInPartitioner.partitionForKey key {:?} N={}",
                    key,
                    n
                );
            }
        }
    }

    #[test]
    fn partition_for_key_without_partitions_does_not_panic() {
        assert_eq!(partition_for_key(b"x", 0), UNKNOWN_PARTITION);
        assert_eq!(partition_for_key(b"x", -3), UNKNOWN_PARTITION);
        assert_eq!(coordinator_partition("g", 0), UNKNOWN_PARTITION);
    }

    // String.hashCode over UTF-16 code units, and abs (not toPositive).
    #[test]
    fn java_string_hash_and_coordinator_partition() {
        assert_eq!(java_string_hash(""), 0);
        assert_eq!(java_string_hash("a"), 97);
        assert_eq!(java_string_hash("Aa"), 2112);
        assert_eq!(java_string_hash("BB"), 2112);
        assert_eq!(java_string_hash("hello"), 99162322);
        // A well-known Java string whose hashCode is Integer.MIN_VALUE: abs() maps it to 0.
        assert_eq!(java_string_hash("polygenelubricants"), i32::MIN);
        assert_eq!(coordinator_partition("polygenelubricants", 50), 0);
        // U+1F600 is the surrogate pair D83D DE00 in UTF-16.
        assert_eq!(java_string_hash("\u{1F600}"), 0xD83D * 31 + 0xDE00);
        // abs, not toPositive: -1 → 1, where toPositive would give MAX_VALUE.
        let h = java_string_hash("consumer-group-7");
        assert_eq!(coordinator_partition("consumer-group-7", 50), java_abs(h) % 50);
    }

    // BuiltInPartitionerTest.testStickyPartitioning (topicA).
    #[test]
    fn sticky_partitioning_topic_a_switches_after_batch_size() {
        let mut rng = SequentialRandom::default();
        let available = [0, 1, 2];
        let mut p = BuiltInPartitioner::new(3).unwrap();
        let part_a = p.peek_current_partition(&available, 3, &mut rng);
        p.update_partition_info(1, true, &available, 3, &mut rng);
        assert_eq!(p.peek_current_partition(&available, 3, &mut rng), part_a);
        p.update_partition_info(1, true, &available, 3, &mut rng);
        assert_eq!(p.peek_current_partition(&available, 3, &mut rng), part_a);
        p.update_partition_info(1, true, &available, 3, &mut rng);
        assert_ne!(
            p.peek_current_partition(&available, 3, &mut rng),
            part_a,
            "BuiltInPartitionerTest testStickyPartitioning: after 3 bytes the partition must have switched"
        );
    }

    // BuiltInPartitionerTest.testStickyPartitioning (topicB).
    #[test]
    fn sticky_partitioning_topic_b_single_partition() {
        let mut rng = SequentialRandom::default();
        let mut p = BuiltInPartitioner::new(1).unwrap();
        for _ in 0..10 {
            assert_eq!(p.peek_current_partition(&[0], 1, &mut rng), 0, "BuiltInPartitionerTest topicB");
            p.update_partition_info(1, true, &[0], 1, &mut rng);
        }
    }

    // `BuiltInPartitioner`, unavailablePartitionsTest (topicA, real random → Pcg32).
    #[test]
    fn unavailable_partition_never_chosen() {
        let mut rng = Pcg32::new(2024, 7);
        let available = [0, 2]; // p1 has no leader
        let mut p = BuiltInPartitioner::new(1).unwrap();
        let part_a = p.peek_current_partition(&available, 3, &mut rng);
        p.update_partition_info(1, true, &available, 3, &mut rng);
        assert_ne!(part_a, 1);
        let mut found_another = false;
        for _ in 0..100 {
            let part = p.peek_current_partition(&available, 3, &mut rng);
            p.update_partition_info(1, true, &available, 3, &mut rng);
            assert_ne!(part, 1, "BuiltInPartitionerTest unavailablePartitionsTest topicA: p1 never chosen");
            found_another |= part != part_a;
        }
        assert!(found_another, "BuiltInPartitionerTest unavailablePartitionsTest topicA: another partition seen");
    }

    // `BuiltInPartitioner`, unavailablePartitionsTest (topicB: p0 no leader, p1 leader).
    #[test]
    fn unavailable_partition_topic_b_always_p1() {
        let mut rng = Pcg32::new(5, 5);
        let mut p = BuiltInPartitioner::new(1).unwrap();
        for _ in 0..101 {
            assert_eq!(p.peek_current_partition(&[1], 2, &mut rng), 1, "BuiltInPartitionerTest topicB always p1");
            p.update_partition_info(1, true, &[1], 2, &mut rng);
        }
    }

    // `BuiltInPartitioner`, unavailablePartitionsTest (topicC: single p0 without leader).
    #[test]
    fn no_available_partition_falls_back_to_all() {
        let mut rng = Pcg32::new(9, 1);
        let mut p = BuiltInPartitioner::new(1).unwrap();
        assert_eq!(p.peek_current_partition(&[], 1, &mut rng), 0, "BuiltInPartitionerTest topicC");
        p.update_partition_info(1, true, &[], 1, &mut rng);
        assert_eq!(p.peek_current_partition(&[], 1, &mut rng), 0, "BuiltInPartitionerTest topicC after switch");
    }

    // `BuiltInPartitioner`, adaptivePartitionsTest: queue sizes {5,0,3,0,1}, 42 draws.
    #[test]
    fn adaptive_partitions_frequencies() {
        let mut rng = SequentialRandom::default();
        let mut p = BuiltInPartitioner::new(1).unwrap();
        let queue_sizes = [5, 0, 3, 0, 1];
        let ids = [0, 1, 2, 3, 4];
        p.update_partition_load_stats(Some(&queue_sizes), &ids, 5);
        assert_eq!(p.load_stats_range_end(), Some(21));
        let iterations = p.load_stats_range_end().unwrap() * 2;
        assert_eq!(iterations, 42);
        let mut freq = [0; 5];
        for _ in 0..iterations {
            let part = p.peek_current_partition(&ids, 5, &mut rng);
            freq[part as usize] += 1;
            p.update_partition_info(1, true, &ids, 5, &mut rng);
        }
        assert_eq!(freq, [2, 12, 6, 12, 10], "BuiltInPartitionerTest adaptivePartitionsTest frequencies 2×(6−q)");
    }

    // `BuiltInPartitionerTest.testStickyBatchSizeMoreThatZero`.
    #[test]
    fn sticky_batch_size_must_be_positive() {
        assert_eq!(BuiltInPartitioner::new(0).unwrap_err(), "stickyBatchSize must be >= 1 but got 0");
        assert!(BuiltInPartitioner::new(1).is_ok());
    }

    // `BuiltInPartitioner` derived CFT example {5,0,3,0,1} → [1,7,10,16,21] and ranges.
    #[test]
    fn derived_cft_example_5_0_3_0_1() {
        let mut p = BuiltInPartitioner::new(1).unwrap();
        p.update_partition_load_stats(Some(&[5, 0, 3, 0, 1]), &[0, 1, 2, 3, 4], 5);
        let stats = p.load_stats().unwrap();
        assert_eq!(stats.cumulative_frequency_table, vec![1, 7, 10, 16, 21]);
        let expected = |r: i32| match r {
            0 => 0,
            1..=6 => 1,
            7..=9 => 2,
            10..=15 => 3,
            _ => 4,
        };
        for r in 0..21 {
            assert_eq!(stats.index_for(r), expected(r), "BuiltInPartitionerTest derived CFT r={}", r);
            let mut rng = SequentialRandom::starting_at(r);
            assert_eq!(p.next_partition(&[0, 1, 2, 3, 4], 5, &mut rng), expected(r));
        }
    }

    // `BuiltInPartitioner` Javadoc example: queue sizes 0 3 1 → weights 4 1 3 → CFT 4 5 8.
    #[test]
    fn derived_cft_javadoc_example_0_3_1() {
        let mut p = BuiltInPartitioner::new(1).unwrap();
        // Partition ids 7, 8, 9 show that the CFT indexes partition_ids, not partitions.
        p.update_partition_load_stats(Some(&[0, 3, 1]), &[7, 8, 9], 3);
        assert_eq!(p.load_stats().unwrap().cumulative_frequency_table, vec![4, 5, 8]);
        for r in 0..8 {
            let expected = match r {
                0..=3 => 7,
                4 => 8,
                _ => 9,
            };
            let mut rng = SequentialRandom::starting_at(r);
            assert_eq!(p.next_partition(&[7, 8, 9], 10, &mut rng), expected, "Javadoc r={}", r);
        }
    }

    // `BuiltInPartitioner`: no stats with < 2 partitions, or all equal and none excluded.
    #[test]
    fn load_stats_absent_cases() {
        let mut p = BuiltInPartitioner::new(1).unwrap();
        p.update_partition_load_stats(Some(&[3]), &[0], 1);
        assert!(p.load_stats().is_none(), "fewer than 2 partitions");
        p.update_partition_load_stats(Some(&[2, 2, 2]), &[0, 1, 2], 3);
        assert!(p.load_stats().is_none(), "all equal, none excluded");
        // All equal but one slot excluded (no leader / availability timeout): stats are used.
        p.update_partition_load_stats(Some(&[2, 2, 0]), &[0, 2, 0], 2);
        assert_eq!(p.load_stats().unwrap().cumulative_frequency_table, vec![1, 2]);
        assert_eq!(p.load_stats().unwrap().partition_ids, vec![0, 2]);
        p.update_partition_load_stats(None, &[], 0);
        assert!(p.load_stats().is_none(), "null queue sizes clear the stats");
        p.update_partition_load_stats(Some(&[1, 2]), &[0, 1], 0);
        assert!(p.load_stats().is_none(), "length < 1");
    }

    // `BuiltInPartitioner` switch rule: with switching disabled, switch at 2 × batch.size.
    #[test]
    fn switch_disabled_waits_for_twice_the_batch_size() {
        let mut rng = SequentialRandom::default();
        let avail = [0, 1, 2];
        let mut p = BuiltInPartitioner::new(10).unwrap();
        let first = p.peek_current_partition(&avail, 3, &mut rng);
        assert_eq!(first, 0);
        assert!(!p.update_partition_info(15, false, &avail, 3, &mut rng));
        assert_eq!(p.current().unwrap().produced_bytes, 15);
        assert!(!p.update_partition_info(4, false, &avail, 3, &mut rng));
        assert!(p.update_partition_info(1, false, &avail, 3, &mut rng), "20 ≥ 2 × 10");
        assert_eq!(p.current().unwrap().partition, 1);
        assert_eq!(p.current().unwrap().produced_bytes, 0);
        assert!(p.update_partition_info(10, true, &avail, 3, &mut rng), "10 ≥ 10 and enabled");
        // The new partition may equal the old one (unlike KIP-480): random 2 % 3 = 2 here.
        assert_eq!(p.current().unwrap().partition, 2);
    }

    #[test]
    fn update_before_peek_is_a_no_op() {
        let mut rng = SequentialRandom::default();
        let mut p = BuiltInPartitioner::new(1).unwrap();
        assert!(!p.update_partition_info(100, true, &[0], 1, &mut rng));
        assert!(p.current().is_none());
    }
}
