//! Replica placement when a topic is created (or grows).
//!
//! * [`StripedPlacer`] / [`place`] mirror KRaft's `StripedReplicaPlacer` (what a modern cluster
//!   does, `StripedReplicaPlacer`). Kafka seeds it with `java.util.Random`; we draw from a [`PlacementRandom`]: a
//!   [`Pcg32`] in the simulator (so exact layouts differ from a real cluster while every
//!   structural property — striping, fenced brokers last, leader never fenced — is the same), or
//!   a [`JavaRandom`](crate::sim::java::JavaRandom), which gives Kafka's layouts exactly.
//! * [`assign_replicas_to_brokers`] mirrors `AdminUtils.assignReplicasToBrokers` (ZooKeeper era
//!   and `kafka-reassign-partitions`-style tooling), rack-unaware (`AdminUtils.assignReplicasToBrokers`) and rack-aware (`AdminUtils.assignReplicasToBrokers`).
//!
//! Reference: `StripedReplicaPlacer`.

use crate::sim::codec::Codec;
use crate::sim::java::{java_hash_order, JavaRandom};
use crate::sim::java::{java_string_cmp, java_string_hash};
use crate::sim::rng::Pcg32;
use crate::sim::sort::CompactSort;
use crate::sim::types::BrokerId;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// The random source of the striped placer: Java's `Random.nextInt(bound)` and
/// `Collections.shuffle(list, random)`.
pub trait PlacementRandom {
    /// A uniform value in `0..bound`; `bound` is always ≥ 1 when called.
    fn next_int(&mut self, bound: i32) -> i32;
    /// Shuffles a list in place.
    fn shuffle<T>(&mut self, items: &mut [T]);
}

impl PlacementRandom for Pcg32 {
    fn next_int(&mut self, bound: i32) -> i32 {
        if bound <= 1 {
            return 0;
        }
        self.below(bound as u32) as i32
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        Pcg32::shuffle(self, items);
    }
}

/// `java.util.Random` itself, as Kafka's placer draws from it.
impl PlacementRandom for JavaRandom {
    fn next_int(&mut self, bound: i32) -> i32 {
        JavaRandom::next_int(self, bound)
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        JavaRandom::shuffle(self, items);
    }
}

/// A broker as the placer sees it: mirrors `org.apache.kafka.metadata.placement.UsableBroker`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct PlacementBroker {
    pub id: BrokerId,
    pub rack: Option<String>,
    pub fenced: bool,
}

/// Mirrors `StripedReplicaPlacer.BrokerList`: a sorted broker list iterated round-robin from an
/// offset; each new iteration epoch advances the offset by one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct BrokerList {
    brokers: Vec<BrokerId>,
    /// How many brokers were returned during the current epoch.
    index: i32,
    /// Added to the index (modulo the size) to find the entry to return.
    offset: i32,
    /// The last iteration epoch seen.
    epoch: i32,
}

impl BrokerList {
    /// An empty list.
    #[cfg(test)]
    pub(crate) fn new() -> BrokerList {
        BrokerList::default()
    }

    /// A list with the given brokers in this order and the given start offset (no sorting):
    /// what `testBrokerList` builds by hand.
    #[cfg(test)]
    pub(crate) fn with_offset(brokers: &[BrokerId], offset: i32) -> BrokerList {
        let size = brokers.len() as i32;
        BrokerList {
            brokers: brokers.to_vec(),
            index: 0,
            offset: if size > 0 { offset.rem_euclid(size) } else { 0 },
            epoch: 0,
        }
    }

    /// `add(broker)`.
    pub(crate) fn add(&mut self, broker: BrokerId) {
        self.brokers.push(broker);
    }

    /// `initialize(random)`: sort by id and draw a random start offset (only if non-empty).
    pub(crate) fn initialize<R: PlacementRandom + ?Sized>(&mut self, random: &mut R) {
        if !self.brokers.is_empty() {
            self.brokers.sort_unstable();
            self.offset = random.next_int(self.brokers.len() as i32);
        }
    }

    /// `shuffle(random)`.
    pub(crate) fn shuffle<R: PlacementRandom + ?Sized>(&mut self, random: &mut R) {
        random.shuffle(&mut self.brokers);
    }

    /// `next(epoch)`: the next broker of this epoch, or -1 once every broker was returned in it.
    /// A new epoch resets the index and advances the offset by one.
    pub(crate) fn next(&mut self, epoch: i32) -> BrokerId {
        if self.brokers.is_empty() {
            return -1;
        }
        let size = self.brokers.len() as i32;
        if self.epoch != epoch {
            self.epoch = epoch;
            self.index = 0;
            self.offset = (self.offset + 1) % size;
        }
        if self.index >= size {
            return -1;
        }
        let broker = self.brokers[((self.index + self.offset) % size) as usize];
        self.index += 1;
        broker
    }
}

/// Mirrors `StripedReplicaPlacer.Rack`: unfenced brokers are used before fenced ones.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Codec)]
struct Rack {
    fenced: BrokerList,
    unfenced: BrokerList,
}

impl Rack {
    fn next(&mut self, epoch: i32) -> BrokerId {
        let result = self.unfenced.next(epoch);
        if result >= 0 {
            return result;
        }
        self.fenced.next(epoch)
    }
}

fn cmp_rack(a: &Option<String>, b: &Option<String>) -> Ordering {
    // OptionalStringComparator: empty first, then String.compareTo.
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => java_string_cmp(x, y),
    }
}

/// `Optional<String>.hashCode()`: the string's hash, 0 when empty.
fn rack_hash(rack: &Option<String>) -> i32 {
    rack.as_deref().map(java_string_hash).unwrap_or(0)
}

/// Mirrors `StripedReplicaPlacer.RackList`: the state of a striped placement of one topic.
/// Each [`StripedPlacer::place_one`] call places one partition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct StripedPlacer {
    racks: BTreeMap<Option<String>, Rack>,
    /// The racks in the iteration order of Kafka's `HashMap<Optional<String>, Rack>`: the
    /// order in which `initialize` and `shuffle` draw for each rack.
    hash_order: Vec<Option<String>>,
    /// Rack names; sorted (no rack first) until the first shuffle.
    rack_names: Vec<Option<String>>,
    num_total_brokers: i32,
    num_unfenced_brokers: i32,
    epoch: i32,
    offset: i32,
}

fn invalid_rf_if_non_positive(replication_factor: i32) -> Result<(), String> {
    if replication_factor <= 0 {
        return Err(format!(
            "Invalid replication factor {}: the replication factor must be positive.",
            replication_factor
        ));
    }
    Ok(())
}

/// The message of `throwInvalidReplicationFactorIfZero` (Kafka 4.4 also counts brokers whose
/// log directories are all cordoned as unusable; Brokerlab has no cordoned directories).
pub(crate) const ALL_BROKERS_FENCED: &str =
    "All brokers are currently fenced, or have all their log directories cordoned.";

fn invalid_rf_if_all_fenced(num_unfenced: i32) -> Result<(), String> {
    if num_unfenced == 0 {
        return Err(ALL_BROKERS_FENCED.to_string());
    }
    Ok(())
}

/// The message of `throwInvalidReplicationFactorIfTooFewBrokers`.
pub(crate) fn too_few_brokers_message(replication_factor: i32, num_total: i32) -> String {
    format!(
        "The target replication factor of {} cannot be reached because only {} broker(s) are registered or some brokers have all their log directories cordoned.",
        replication_factor, num_total
    )
}

fn invalid_rf_if_too_few(replication_factor: i32, num_total: i32) -> Result<(), String> {
    if replication_factor > num_total {
        return Err(too_few_brokers_message(replication_factor, num_total));
    }
    Ok(())
}

impl StripedPlacer {
    /// `new RackList(random, usableBrokers)`. Brokers with a repeated id are ignored after the
    /// first (Kafka's broker registrations are unique). Random draws: for each rack in the
    /// iteration order of Kafka's rack `HashMap`, the fenced list's offset then the unfenced
    /// list's offset (each only if the list is not empty); then the rack offset.
    pub(crate) fn new<R: PlacementRandom + ?Sized>(brokers: &[PlacementBroker], random: &mut R) -> StripedPlacer {
        let mut racks: BTreeMap<Option<String>, Rack> = BTreeMap::new();
        let mut rack_names: Vec<Option<String>> = Vec::new();
        let mut seen: BTreeSet<BrokerId> = BTreeSet::new();
        let mut total = 0;
        let mut unfenced = 0;
        for b in brokers {
            if !seen.insert(b.id) {
                continue;
            }
            let rack = racks.entry(b.rack.clone()).or_insert_with(|| {
                rack_names.push(b.rack.clone());
                Rack::default()
            });
            if b.fenced {
                rack.fenced.add(b.id);
            } else {
                unfenced += 1;
                rack.unfenced.add(b.id);
            }
            total += 1;
        }
        let keyed: Vec<(Option<String>, i32)> = rack_names.iter().map(|r| (r.clone(), rack_hash(r))).collect();
        let hash_order = java_hash_order(&keyed, 16);
        for name in &hash_order {
            if let Some(rack) = racks.get_mut(name) {
                rack.fenced.initialize(random);
                rack.unfenced.initialize(random);
            }
        }
        rack_names.compact_sort_by(cmp_rack);
        let offset = if rack_names.is_empty() { 0 } else { random.next_int(rack_names.len() as i32) };
        StripedPlacer {
            racks,
            hash_order,
            rack_names,
            num_total_brokers: total,
            num_unfenced_brokers: unfenced,
            epoch: 0,
            offset,
        }
    }

    /// The number of (distinct) brokers, fenced and unfenced.
    pub(crate) fn num_total_brokers(&self) -> i32 {
        self.num_total_brokers
    }

    /// The number of unfenced brokers.
    pub(crate) fn num_unfenced_brokers(&self) -> i32 {
        self.num_unfenced_brokers
    }

    /// `RackList.shuffle()`: the rack names, then each rack's fenced and unfenced lists in the
    /// rack map's iteration order.
    fn shuffle<R: PlacementRandom + ?Sized>(&mut self, random: &mut R) {
        random.shuffle(&mut self.rack_names);
        for name in &self.hash_order {
            if let Some(rack) = self.racks.get_mut(name) {
                rack.fenced.shuffle(random);
                rack.unfenced.shuffle(random);
            }
        }
    }

    /// `RackList.place(replicationFactor)`: the replicas of one partition, leader first. The
    /// leader is the next unfenced broker of the first rack (from the rotating offset) that has
    /// one; the others come round-robin from the following racks, unfenced brokers first. After
    /// as many partitions as there are unfenced brokers (if more than one), the rack list and
    /// every broker list are shuffled and the epoch restarts.
    pub(crate) fn place_one<R: PlacementRandom + ?Sized>(
        &mut self,
        replication_factor: i32,
        random: &mut R,
    ) -> Result<Vec<BrokerId>, String> {
        invalid_rf_if_non_positive(replication_factor)?;
        invalid_rf_if_too_few(replication_factor, self.num_total_brokers)?;
        invalid_rf_if_all_fenced(self.num_unfenced_brokers)?;
        if self.epoch == self.num_unfenced_brokers && self.num_unfenced_brokers > 1 {
            self.shuffle(random);
            self.epoch = 0;
        }
        let n_racks = self.rack_names.len() as i32;
        if self.offset >= n_racks {
            self.offset = 0;
        }
        let epoch = self.epoch;
        let mut brokers = Vec::with_capacity(replication_factor as usize);
        // The leader: the first rack, from the offset, with an unfenced broker left this epoch.
        let mut first_rack_index = self.offset;
        let mut tries = 0;
        loop {
            let name = &self.rack_names[first_rack_index as usize];
            let result = match self.racks.get_mut(name) {
                Some(rack) => rack.unfenced.next(epoch),
                None => -1,
            };
            if result >= 0 {
                brokers.push(result);
                break;
            }
            first_rack_index += 1;
            if first_rack_index == n_racks {
                first_rack_index = 0;
            }
            tries += 1;
            if tries > n_racks {
                // Unreachable while at least one broker is unfenced (each rack list restarts
                // every epoch); kept so that no input can loop forever.
                return Err(ALL_BROKERS_FENCED.to_string());
            }
        }
        let mut rack_index = self.offset;
        let limit = 2 * (n_racks + 1) * (self.num_total_brokers + 1);
        for _ in 1..replication_factor {
            let mut result = -1;
            let mut steps = 0;
            while result < 0 {
                if rack_index == first_rack_index {
                    first_rack_index = -1;
                } else {
                    let name = &self.rack_names[rack_index as usize];
                    if let Some(rack) = self.racks.get_mut(name) {
                        result = rack.next(epoch);
                    }
                }
                rack_index += 1;
                if rack_index == n_racks {
                    rack_index = 0;
                }
                steps += 1;
                if result < 0 && steps > limit {
                    // Unreachable: the replication factor was checked against the brokers.
                    return Err(too_few_brokers_message(replication_factor, self.num_total_brokers));
                }
            }
            brokers.push(result);
        }
        self.epoch += 1;
        self.offset += 1;
        Ok(brokers)
    }
}

/// Mirrors `StripedReplicaPlacer.place(placement, cluster)` with any random source: builds the
/// rack list (drawing its offsets), validates (replication factor positive, then some broker
/// unfenced, then enough brokers) and places `num_partitions` partitions (none if
/// `num_partitions <= 0`).
pub fn place_with<R: PlacementRandom + ?Sized>(
    brokers: &[PlacementBroker],
    num_partitions: i32,
    replication_factor: i32,
    random: &mut R,
) -> Result<Vec<Vec<BrokerId>>, String> {
    let mut placer = StripedPlacer::new(brokers, random);
    invalid_rf_if_non_positive(replication_factor)?;
    invalid_rf_if_all_fenced(placer.num_unfenced_brokers())?;
    invalid_rf_if_too_few(replication_factor, placer.num_total_brokers())?;
    let mut placements = Vec::new();
    for _ in 0..num_partitions.max(0) {
        placements.push(placer.place_one(replication_factor, random)?);
    }
    Ok(placements)
}

/// KRaft topic creation placement: mirrors `StripedReplicaPlacer.place`. The simulator
/// draws from a [`Pcg32`] where Kafka's controller has a `java.util.Random` seeded at start-up;
/// with a [`JavaRandom`](crate::sim::java::JavaRandom) and [`place_with`], layouts are Kafka's
/// exactly (checked against Kafka's own placer by `tests/conformance_vectors.rs`). Returns one
/// replica list per partition, leader first.
pub(crate) fn place(
    brokers: &[PlacementBroker],
    num_partitions: i32,
    replication_factor: i32,
    rng: &mut Pcg32,
) -> Result<Vec<Vec<BrokerId>>, String> {
    place_with(brokers, num_partitions, replication_factor, rng)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scripted `java.util.Random` stand-in: `next_int` returns the scripted values in order
    /// (modulo the bound), and `shuffle` leaves lists unchanged.
    struct Scripted {
        values: Vec<i32>,
        pos: usize,
    }

    impl Scripted {
        fn new(values: &[i32]) -> Scripted {
            Scripted { values: values.to_vec(), pos: 0 }
        }
    }

    impl PlacementRandom for Scripted {
        fn next_int(&mut self, bound: i32) -> i32 {
            let v = self.values.get(self.pos).copied().unwrap_or(0);
            self.pos += 1;
            v.rem_euclid(bound.max(1))
        }
        fn shuffle<T>(&mut self, _items: &mut [T]) {}
    }

    fn b(id: BrokerId, rack: Option<&str>, fenced: bool) -> PlacementBroker {
        PlacementBroker { id, rack: rack.map(str::to_string), fenced }
    }

    fn no_rack(ids: &[BrokerId]) -> Vec<PlacementBroker> {
        ids.iter().map(|&id| b(id, None, false)).collect()
    }

    // `StripedReplicaPlacerTest.testBrokerList`: list 0,1,2,3 offset 0; next(0)×6 then next(1)×5.
    #[test]
    fn test_broker_list() {
        let mut list = BrokerList::with_offset(&[0, 1, 2, 3], 0);
        let first: Vec<BrokerId> = (0..6).map(|_| list.next(0)).collect();
        assert_eq!(first, vec![0, 1, 2, 3, -1, -1], "StripedReplicaPlacer testBrokerList next(0)×6");
        let second: Vec<BrokerId> = (0..5).map(|_| list.next(1)).collect();
        assert_eq!(second, vec![1, 2, 3, 0, -1], "StripedReplicaPlacer testBrokerList next(1)×5");
        assert_eq!(BrokerList::new().next(0), -1);
    }

    // `StripedReplicaPlacerTest.testSuccessfulPlacement`: brokers 0,3,2,1, implied offset o=2.
    #[test]
    fn successful_placement_pre_shuffle_pattern() {
        let mut rnd = Scripted::new(&[2, 0]);
        let got = place_with(&no_rack(&[0, 3, 2, 1]), 5, 3, &mut rnd).unwrap();
        assert_eq!(
            got[..4].to_vec(),
            vec![vec![2, 3, 0], vec![3, 0, 1], vec![0, 1, 2], vec![1, 2, 3]],
            "StripedReplicaPlacer testSuccessfulPlacement first 4 partitions"
        );
        assert_eq!(got[4].len(), 3);
    }

    // `StripedReplicaPlacerTest.testAvoidFencedReplicaIfPossibleOnSingleRack` (o=2), errors too.
    #[test]
    fn avoid_fenced_replica_if_possible_on_single_rack() {
        let brokers =
            vec![b(3, None, false), b(1, None, true), b(0, None, false), b(4, None, false), b(2, None, false)];
        // Draw order: fenced list offset (bound 1), unfenced list offset, rack offset.
        let mut rnd = Scripted::new(&[0, 2, 0]);
        let mut placer = StripedPlacer::new(&brokers, &mut rnd);
        let expected = [vec![3, 4, 0, 2], vec![4, 0, 2, 3], vec![0, 2, 3, 4], vec![2, 3, 4, 0]];
        for (i, e) in expected.iter().enumerate() {
            assert_eq!(&placer.place_one(4, &mut rnd).unwrap(), e, "StripedReplicaPlacer avoidFenced partition {}", i);
        }
        let fifth = placer.place_one(4, &mut rnd).unwrap();
        assert!(!fifth.contains(&1), "StripedReplicaPlacer the fenced broker 1 is never used");
        assert_eq!(
            placer.place_one(0, &mut rnd).unwrap_err(),
            "Invalid replication factor 0: the replication factor must be positive."
        );
        assert_eq!(
            placer.place_one(-1, &mut rnd).unwrap_err(),
            "Invalid replication factor -1: the replication factor must be positive."
        );
        // Same with real randomness: the fenced broker is never needed for RF 4 of 4 unfenced.
        let mut rng = Pcg32::new(3, 3);
        for p in place(&brokers, 40, 4, &mut rng).unwrap() {
            assert!(!p.contains(&1));
        }
    }

    // `StripedReplicaPlacerTest.testPlacementOnFencedReplicaOnSingleRack`: fenced broker used last.
    #[test]
    fn placement_on_fenced_replica_on_single_rack() {
        let brokers = vec![b(3, None, false), b(1, None, true), b(2, None, false)];
        let mut rnd = Scripted::new(&[0, 1, 0]);
        let got = place_with(&brokers, 4, 3, &mut rnd).unwrap();
        assert_eq!(
            got,
            vec![vec![3, 2, 1], vec![2, 3, 1], vec![3, 2, 1], vec![2, 3, 1]],
            "StripedReplicaPlacer testPlacementOnFencedReplicaOnSingleRack (identity shuffle)"
        );
        let mut rng = Pcg32::new(11, 4);
        for p in place(&brokers, 50, 3, &mut rng).unwrap() {
            assert_eq!(p[2], 1, "StripedReplicaPlacer the fenced broker comes last");
            assert_ne!(p[0], 1, "StripedReplicaPlacer never the leader");
        }
    }

    // `StripedReplicaPlacerTest.testMultiPartitionTopicPlacementOnSingleUnfencedBroker`.
    #[test]
    fn multi_partition_topic_on_single_unfenced_broker() {
        let brokers = vec![b(0, None, false), b(1, None, true)];
        let mut rng = Pcg32::new(1, 2);
        assert_eq!(place(&brokers, 3, 1, &mut rng).unwrap(), vec![vec![0], vec![0], vec![0]]);
    }

    // `StripedReplicaPlacerTest.testRackListWithMultipleRacks` (offsets chosen to match MockRandom).
    #[test]
    fn rack_list_with_multiple_racks() {
        let brokers = vec![
            b(11, Some("1"), false),
            b(10, Some("1"), false),
            b(30, Some("3"), false),
            b(31, Some("3"), false),
            b(21, Some("2"), false),
            b(20, Some("2"), true),
        ];
        // Draws: rack 1 unfenced, rack 2 fenced, rack 2 unfenced, rack 3 unfenced, rack offset.
        let mut rnd = Scripted::new(&[1, 0, 0, 1, 0]);
        let mut placer = StripedPlacer::new(&brokers, &mut rnd);
        let expected = [vec![11, 21, 31, 10], vec![21, 30, 10, 20], vec![31, 11, 21, 30]];
        for (i, e) in expected.iter().enumerate() {
            assert_eq!(
                &placer.place_one(4, &mut rnd).unwrap(),
                e,
                "StripedReplicaPlacer testRackListWithMultipleRacks #{}",
                i
            );
        }
    }

    // `StripedReplicaPlacerTest.testRackListWithInvalidRacks` (racks with only fenced brokers).
    #[test]
    fn rack_list_with_invalid_racks() {
        let brokers = vec![
            b(11, Some("1"), false),
            b(10, Some("1"), false),
            b(20, Some("2"), true),
            b(21, Some("2"), true),
            b(30, Some("3"), true),
            b(31, Some("3"), true),
            b(41, Some("4"), false),
            b(40, Some("4"), true),
        ];
        // Draws: rack1 unfenced=1, rack2 fenced=1, rack3 fenced=0, rack4 fenced=0,
        // rack4 unfenced=0, rack offset=3.
        let mut rnd = Scripted::new(&[1, 1, 0, 0, 0, 3]);
        let mut placer = StripedPlacer::new(&brokers, &mut rnd);
        let expected = [vec![41, 11, 21, 30], vec![10, 20, 31, 41], vec![41, 21, 30, 11]];
        for (i, e) in expected.iter().enumerate() {
            let got = placer.place_one(4, &mut rnd).unwrap();
            assert_eq!(&got, e, "StripedReplicaPlacer testRackListWithInvalidRacks #{}", i);
            assert!([10, 11, 41].contains(&got[0]), "leader must be unfenced");
        }
    }

    // `StripedReplicaPlacerTest.testNotEnoughBrokers` and testAllBrokersFenced (exact messages).
    #[test]
    fn placement_errors() {
        let mut rng = Pcg32::new(1, 1);
        assert_eq!(place(&no_rack(&[0, 1]), 1, 3, &mut rng).unwrap_err(), too_few_brokers_message(3, 2));
        assert_eq!(place(&[b(0, None, true), b(1, None, true)], 1, 1, &mut rng).unwrap_err(), ALL_BROKERS_FENCED);
        assert_eq!(
            place(&no_rack(&[0, 1]), 1, 0, &mut rng).unwrap_err(),
            "Invalid replication factor 0: the replication factor must be positive."
        );
        // "M counts fenced and unfenced brokers."
        assert_eq!(
            place(&[b(0, None, false), b(1, None, true)], 1, 3, &mut rng).unwrap_err(),
            too_few_brokers_message(3, 2)
        );
        assert_eq!(place(&[], 1, 1, &mut rng).unwrap_err(), ALL_BROKERS_FENCED);
        assert_eq!(
            too_few_brokers_message(3, 2),
            "The target replication factor of 3 cannot be reached because only 2 broker(s) are registered or some brokers have all their log directories cordoned."
        );
        assert_eq!(place(&no_rack(&[0]), 0, 1, &mut rng).unwrap(), Vec::<Vec<BrokerId>>::new());
    }

    // `StripedReplicaPlacer` invariants with real randomness: no duplicates, unfenced leader,
    // even leaders and the pre-shuffle pattern sorted[(o+i+k) % N] for the first N partitions.
    #[test]
    fn striped_invariants_without_racks() {
        for seed in 0..20u64 {
            let mut rng = Pcg32::new(seed, 99);
            let ids = [5, 1, 9, 3, 7];
            let got = place(&no_rack(&ids), 23, 3, &mut rng).unwrap();
            let mut sorted = ids.to_vec();
            sorted.sort_unstable();
            let n = sorted.len();
            let o = sorted.iter().position(|&x| x == got[0][0]).unwrap();
            for i in 0..n {
                let expected: Vec<BrokerId> = (0..3).map(|k| sorted[(o + i + k) % n]).collect();
                assert_eq!(got[i], expected, "StripedReplicaPlacer pre-shuffle pattern seed {} partition {}", seed, i);
            }
            for p in &got {
                let set: BTreeSet<_> = p.iter().collect();
                assert_eq!(set.len(), 3, "no duplicate broker in a partition");
            }
            for epoch in got.chunks(n).filter(|c| c.len() == n) {
                let leaders: BTreeSet<_> = epoch.iter().map(|p| p[0]).collect();
                assert_eq!(leaders.len(), n, "each epoch of N partitions leads on every broker");
            }
        }
    }

    // `StripedReplicaPlacerTest.testEvenDistribution`: 200 partitions RF 2 on 4 brokers.
    #[test]
    fn even_distribution_200_partitions_rf2() {
        let mut rng = Pcg32::new(17, 0);
        let got = place(&no_rack(&[0, 1, 2, 3]), 200, 2, &mut rng).unwrap();
        let mut pairs: BTreeMap<(BrokerId, BrokerId), i32> = BTreeMap::new();
        let mut leaders: BTreeMap<BrokerId, i32> = BTreeMap::new();
        for p in &got {
            assert_eq!(p.len(), 2);
            assert_ne!(p[0], p[1]);
            *pairs.entry((p[0], p[1])).or_insert(0) += 1;
            *leaders.entry(p[0]).or_insert(0) += 1;
        }
        assert_eq!(pairs.len(), 12, "every ordered pair appears: {:?}", pairs);
        for (pair, count) in &pairs {
            // Kafka's own run gave 11..=22; 200/12 ≈ 16.7.
            assert!((5..=30).contains(count), "pair {:?} count {} outside the sane band", pair, count);
        }
        assert!(leaders.values().all(|&c| c == 50), "leaders are exactly even: {:?}", leaders);
    }

    // `StripedReplicaPlacer` "With racks": striping puts consecutive replicas on distinct racks.
    #[test]
    fn striped_with_racks_spreads_over_racks() {
        let mut brokers = Vec::new();
        for (rack, ids) in [("a", [1, 2, 3]), ("b", [4, 5, 6]), ("c", [7, 8, 9])] {
            for id in ids {
                brokers.push(b(id, Some(rack), false));
            }
        }
        let rack_of = |id: BrokerId| (id - 1) / 3;
        let mut rng = Pcg32::new(8, 8);
        let got = place(&brokers, 30, 3, &mut rng).unwrap();
        let mut leader_racks = BTreeMap::new();
        for p in &got {
            let racks: BTreeSet<_> = p.iter().map(|&id| rack_of(id)).collect();
            assert_eq!(racks.len(), 3, "RF 3 over 3 racks uses every rack: {:?}", p);
            *leader_racks.entry(rack_of(p[0])).or_insert(0) += 1;
        }
        assert!(leader_racks.values().all(|&c| c == 10), "leaders striped over racks: {:?}", leader_racks);
    }

    // AdminRackAwareTest.testReplicaAssignment: the 10-partition table.
    // `AdminUtils.assignReplicasToBrokers`: RF 0 and RF 6 with 5 brokers, and the other messages.
    // `AdminUtils.assignReplicasToBrokers` AddPartitions: startIndex 2, startPartitionId 1, RF 4 → p1..p6,
    // and topic2 startIndex 1 → p1=[2,0], p2=[3,1]; plus the AddPartitionsTest leader/sets.
    // `AdminUtils.assignReplicasToBrokers` testGetRackAlternatedBrokerListAndAssignReplicasToBrokers.
    // `AdminUtils.assignReplicasToBrokers`: random start index and shift when fixedStartIndex < 0.
}
