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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlacementBroker {
    pub id: BrokerId,
    pub rack: Option<String>,
    pub fenced: bool,
}

/// Mirrors `StripedReplicaPlacer.BrokerList`: a sorted broker list iterated round-robin from an
/// offset; each new iteration epoch advances the offset by one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokerList {
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
    pub fn new() -> BrokerList {
        BrokerList::default()
    }

    /// A list with the given brokers in this order and the given start offset (no sorting):
    /// what `testBrokerList` builds by hand.
    pub fn with_offset(brokers: &[BrokerId], offset: i32) -> BrokerList {
        let size = brokers.len() as i32;
        BrokerList {
            brokers: brokers.to_vec(),
            index: 0,
            offset: if size > 0 { offset.rem_euclid(size) } else { 0 },
            epoch: 0,
        }
    }

    /// `add(broker)`.
    pub fn add(&mut self, broker: BrokerId) {
        self.brokers.push(broker);
    }

    /// `initialize(random)`: sort by id and draw a random start offset (only if non-empty).
    pub fn initialize<R: PlacementRandom + ?Sized>(&mut self, random: &mut R) {
        if !self.brokers.is_empty() {
            self.brokers.sort_unstable();
            self.offset = random.next_int(self.brokers.len() as i32);
        }
    }

    /// `shuffle(random)`.
    pub fn shuffle<R: PlacementRandom + ?Sized>(&mut self, random: &mut R) {
        random.shuffle(&mut self.brokers);
    }

    /// The number of brokers.
    pub fn size(&self) -> i32 {
        self.brokers.len() as i32
    }

    /// The brokers in their current order.
    pub fn brokers(&self) -> &[BrokerId] {
        &self.brokers
    }

    /// `next(epoch)`: the next broker of this epoch, or -1 once every broker was returned in it.
    /// A new epoch resets the index and advances the offset by one.
    pub fn next(&mut self, epoch: i32) -> BrokerId {
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
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StripedPlacer {
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
pub const ALL_BROKERS_FENCED: &str = "All brokers are currently fenced, or have all their log directories cordoned.";

fn invalid_rf_if_all_fenced(num_unfenced: i32) -> Result<(), String> {
    if num_unfenced == 0 {
        return Err(ALL_BROKERS_FENCED.to_string());
    }
    Ok(())
}

/// The message of `throwInvalidReplicationFactorIfTooFewBrokers`.
pub fn too_few_brokers_message(replication_factor: i32, num_total: i32) -> String {
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
    pub fn new<R: PlacementRandom + ?Sized>(brokers: &[PlacementBroker], random: &mut R) -> StripedPlacer {
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
    pub fn num_total_brokers(&self) -> i32 {
        self.num_total_brokers
    }

    /// The number of unfenced brokers.
    pub fn num_unfenced_brokers(&self) -> i32 {
        self.num_unfenced_brokers
    }

    /// The rack names in their current order (`None` = no rack).
    pub fn rack_names(&self) -> &[Option<String>] {
        &self.rack_names
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
    pub fn place_one<R: PlacementRandom + ?Sized>(
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
pub fn place(
    brokers: &[PlacementBroker],
    num_partitions: i32,
    replication_factor: i32,
    rng: &mut Pcg32,
) -> Result<Vec<Vec<BrokerId>>, String> {
    place_with(brokers, num_partitions, replication_factor, rng)
}

/// A broker as `AdminUtils` sees it: mirrors `org.apache.kafka.admin.BrokerMetadata`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokerMetadata {
    pub id: BrokerId,
    pub rack: Option<String>,
}

/// Mirrors `AdminUtils.replicaIndex`: `(first + 1 + (shift + j) % (n - 1)) % n`.
/// Returns `first % n` when `n < 2` (Java would divide by zero; never reached with valid input).
pub fn replica_index(first_replica_index: i32, second_replica_shift: i32, replica_index: i32, n_brokers: i32) -> i32 {
    if n_brokers < 2 {
        return if n_brokers == 1 { 0 } else { first_replica_index };
    }
    let n = i64::from(n_brokers);
    let shift = 1 + (i64::from(second_replica_shift) + i64::from(replica_index)).rem_euclid(n - 1);
    ((i64::from(first_replica_index) + shift).rem_euclid(n)) as i32
}

/// Mirrors `AdminUtils.getRackAlternatedBrokerList`: racks sorted by name, brokers sorted by id
/// within each rack, then one broker from each rack in turn.
pub fn rack_alternated_broker_list(broker_racks: &BTreeMap<BrokerId, String>) -> Vec<BrokerId> {
    let mut by_rack: Vec<(String, Vec<BrokerId>)> = Vec::new();
    for (id, rack) in broker_racks {
        match by_rack.iter_mut().find(|(r, _)| r == rack) {
            Some((_, ids)) => ids.push(*id),
            None => by_rack.push((rack.clone(), vec![*id])),
        }
    }
    by_rack.compact_sort_by(|a, b| java_string_cmp(&a.0, &b.0));
    for (_, ids) in by_rack.iter_mut() {
        ids.sort_unstable();
    }
    let mut result = Vec::with_capacity(broker_racks.len());
    let mut cursors = vec![0usize; by_rack.len()];
    let mut rack_index = 0usize;
    while result.len() < broker_racks.len() && !by_rack.is_empty() {
        let (_, ids) = &by_rack[rack_index];
        if cursors[rack_index] < ids.len() {
            result.push(ids[cursors[rack_index]]);
            cursors[rack_index] += 1;
        }
        rack_index = (rack_index + 1) % by_rack.len();
    }
    result
}

/// Mirrors `AdminZkClient.addPartitions`' start index: the position in the id-sorted broker list
/// of the first broker whose id is ≥ the leader of partition 0 (0 if none).
pub fn add_partitions_start_index(sorted_broker_ids: &[BrokerId], leader_of_partition_0: BrokerId) -> i32 {
    sorted_broker_ids.iter().position(|&id| id >= leader_of_partition_0).map(|p| p as i32).unwrap_or(0)
}

/// Mirrors `AdminUtils.assignReplicasToBrokers(brokers, nPartitions, replicationFactor,
/// fixedStartIndex, startPartitionId)` (`AdminUtils.assignReplicasToBrokers`). Returns partition id → replicas (leader
/// first) for partitions `max(0, start_partition_id) ..`.
///
/// `brokers` is used in the order given (the ZooKeeper callers sort by id). When
/// `fixed_start_index < 0`, the start index and then the replica shift are drawn from `rng`
/// (Kafka: two `Random.nextInt(n)` calls); otherwise both equal `fixed_start_index`.
/// The rack-aware path is taken when any broker has a rack (then all must).
pub fn assign_replicas_to_brokers(
    brokers: &[BrokerMetadata],
    n_partitions: i32,
    replication_factor: i32,
    fixed_start_index: i32,
    start_partition_id: i32,
    rng: &mut Pcg32,
) -> Result<BTreeMap<i32, Vec<BrokerId>>, String> {
    if n_partitions <= 0 {
        return Err("Number of partitions must be larger than 0.".to_string());
    }
    if replication_factor <= 0 {
        return Err("Replication factor must be larger than 0.".to_string());
    }
    if replication_factor as usize > brokers.len() {
        return Err(format!(
            "Replication factor: {} larger than available brokers: {}.",
            replication_factor,
            brokers.len()
        ));
    }
    if brokers.iter().all(|b| b.rack.is_none()) {
        let list: Vec<BrokerId> = brokers.iter().map(|b| b.id).collect();
        Ok(assign_rack_unaware(n_partitions, replication_factor, &list, fixed_start_index, start_partition_id, rng))
    } else {
        assign_rack_aware(n_partitions, replication_factor, brokers, fixed_start_index, start_partition_id, rng)
    }
}

fn start_and_shift(fixed_start_index: i32, n: i32, rng: &mut Pcg32) -> (i32, i32) {
    if fixed_start_index >= 0 {
        (fixed_start_index, fixed_start_index)
    } else {
        let start = rng.below(n.max(1) as u32) as i32;
        let shift = rng.below(n.max(1) as u32) as i32;
        (start, shift)
    }
}

fn assign_rack_unaware(
    n_partitions: i32,
    replication_factor: i32,
    broker_list: &[BrokerId],
    fixed_start_index: i32,
    start_partition_id: i32,
    rng: &mut Pcg32,
) -> BTreeMap<i32, Vec<BrokerId>> {
    let n = broker_list.len() as i32;
    let mut ret = BTreeMap::new();
    let (start_index, mut next_replica_shift) = start_and_shift(fixed_start_index, n, rng);
    let first_partition_id = start_partition_id.max(0);
    for current_partition_id in first_partition_id..first_partition_id.saturating_add(n_partitions) {
        if current_partition_id > 0 && current_partition_id % n == 0 {
            next_replica_shift = next_replica_shift.wrapping_add(1);
        }
        let first = ((i64::from(current_partition_id) + i64::from(start_index)) % i64::from(n)) as i32;
        let mut replicas = vec![broker_list[first as usize]];
        for j in 0..replication_factor - 1 {
            replicas.push(broker_list[replica_index(first, next_replica_shift, j, n) as usize]);
        }
        ret.insert(current_partition_id, replicas);
    }
    ret
}

fn assign_rack_aware(
    n_partitions: i32,
    replication_factor: i32,
    brokers: &[BrokerMetadata],
    fixed_start_index: i32,
    start_partition_id: i32,
    rng: &mut Pcg32,
) -> Result<BTreeMap<i32, Vec<BrokerId>>, String> {
    let mut broker_rack: BTreeMap<BrokerId, String> = BTreeMap::new();
    for b in brokers {
        match &b.rack {
            Some(r) => {
                broker_rack.insert(b.id, r.clone());
            }
            None => return Err("Not all brokers have rack information for replica rack aware assignment.".to_string()),
        }
    }
    let num_racks = broker_rack.values().collect::<BTreeSet<_>>().len();
    let arranged = rack_alternated_broker_list(&broker_rack);
    let n = arranged.len() as i32;
    let mut ret = BTreeMap::new();
    let (start_index, mut next_replica_shift) = start_and_shift(fixed_start_index, n, rng);
    let first_partition_id = start_partition_id.max(0);
    for current_partition_id in first_partition_id..first_partition_id.saturating_add(n_partitions) {
        if current_partition_id > 0 && current_partition_id % n == 0 {
            next_replica_shift = next_replica_shift.wrapping_add(1);
        }
        let first = ((i64::from(current_partition_id) + i64::from(start_index)) % i64::from(n)) as i32;
        let leader = arranged[first as usize];
        let mut replicas = vec![leader];
        let mut racks_with_replicas: BTreeSet<&str> = BTreeSet::new();
        racks_with_replicas.insert(broker_rack[&leader].as_str());
        let mut brokers_with_replicas: BTreeSet<BrokerId> = BTreeSet::new();
        brokers_with_replicas.insert(leader);
        let mut k = 0;
        for _ in 0..replication_factor - 1 {
            let mut done = false;
            let mut guard = 0;
            while !done {
                let idx = replica_index(first, next_replica_shift.wrapping_mul(num_racks as i32), k, n);
                let broker = arranged[idx as usize];
                let rack = broker_rack[&broker].as_str();
                if (!racks_with_replicas.contains(rack) || racks_with_replicas.len() == num_racks)
                    && (!brokers_with_replicas.contains(&broker) || brokers_with_replicas.len() == n as usize)
                {
                    replicas.push(broker);
                    racks_with_replicas.insert(rack);
                    brokers_with_replicas.insert(broker);
                    done = true;
                }
                k += 1;
                guard += 1;
                if !done && guard > 4 * (n + 1) {
                    return Err(format!(
                        "Replication factor: {} larger than available brokers: {}.",
                        replication_factor,
                        brokers.len()
                    ));
                }
            }
        }
        ret.insert(current_partition_id, replicas);
    }
    Ok(ret)
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

    fn unracked(ids: &[BrokerId]) -> Vec<BrokerMetadata> {
        ids.iter().map(|&id| BrokerMetadata { id, rack: None }).collect()
    }

    // AdminRackAwareTest.testReplicaAssignment: the 10-partition table.
    #[test]
    fn admin_utils_rack_unaware_table() {
        let mut rng = Pcg32::new(0, 0);
        let got = assign_replicas_to_brokers(&unracked(&[0, 1, 2, 3, 4]), 10, 3, 0, -1, &mut rng).unwrap();
        let expected = [
            [0, 1, 2],
            [1, 2, 3],
            [2, 3, 4],
            [3, 4, 0],
            [4, 0, 1],
            [0, 2, 3],
            [1, 3, 4],
            [2, 4, 0],
            [3, 0, 1],
            [4, 1, 2],
        ];
        for (p, e) in expected.iter().enumerate() {
            assert_eq!(got[&(p as i32)], e.to_vec(), "AdminUtils.assignReplicasToBrokers table partition {}", p);
        }
        assert_eq!(got.len(), 10);
    }

    // `AdminUtils.assignReplicasToBrokers`: RF 0 and RF 6 with 5 brokers, and the other messages.
    #[test]
    fn admin_utils_errors() {
        let mut rng = Pcg32::new(0, 0);
        let brokers = unracked(&[0, 1, 2, 3, 4]);
        assert_eq!(
            assign_replicas_to_brokers(&brokers, 10, 0, 0, -1, &mut rng).unwrap_err(),
            "Replication factor must be larger than 0."
        );
        assert_eq!(
            assign_replicas_to_brokers(&brokers, 10, 6, 0, -1, &mut rng).unwrap_err(),
            "Replication factor: 6 larger than available brokers: 5."
        );
        assert_eq!(
            assign_replicas_to_brokers(&brokers, 0, 3, 0, -1, &mut rng).unwrap_err(),
            "Number of partitions must be larger than 0."
        );
        let mut partial = brokers.clone();
        partial[0].rack = Some("r1".to_string());
        assert_eq!(
            assign_replicas_to_brokers(&partial, 3, 2, 0, -1, &mut rng).unwrap_err(),
            "Not all brokers have rack information for replica rack aware assignment."
        );
    }

    // `AdminUtils.assignReplicasToBrokers` AddPartitions: startIndex 2, startPartitionId 1, RF 4 → p1..p6,
    // and topic2 startIndex 1 → p1=[2,0], p2=[3,1]; plus the AddPartitionsTest leader/sets.
    #[test]
    fn admin_utils_add_partitions() {
        let mut rng = Pcg32::new(0, 0);
        let brokers = unracked(&[0, 1, 2, 3]);
        let start = add_partitions_start_index(&[0, 1, 2, 3], 2);
        assert_eq!(start, 2);
        let got = assign_replicas_to_brokers(&brokers, 6, 4, start, 1, &mut rng).unwrap();
        let expected = [[3, 2, 0, 1], [0, 3, 1, 2], [1, 0, 2, 3], [2, 3, 0, 1], [3, 0, 1, 2], [0, 1, 2, 3]];
        for (i, e) in expected.iter().enumerate() {
            assert_eq!(
                got[&(i as i32 + 1)],
                e.to_vec(),
                "AdminUtils.assignReplicasToBrokers testReplicaPlacementAllServers p{}",
                i + 1
            );
        }
        let start2 = add_partitions_start_index(&[0, 1, 2, 3], 1);
        assert_eq!(start2, 1);
        let got2 = assign_replicas_to_brokers(&brokers, 2, 2, start2, 1, &mut rng).unwrap();
        assert_eq!(got2[&1], vec![2, 0], "AdminUtils.assignReplicasToBrokers topic2 p1");
        assert_eq!(got2[&2], vec![3, 1], "AdminUtils.assignReplicasToBrokers topic2 p2");
        // [T] testReplicaPlacementPartialServers: p1 leader 2 {0,2}; p2 leader 3 {1,3}.
        let set = |v: &Vec<BrokerId>| v.iter().copied().collect::<BTreeSet<_>>();
        assert_eq!((got2[&1][0], set(&got2[&1])), (2, [0, 2].into_iter().collect()));
        assert_eq!((got2[&2][0], set(&got2[&2])), (3, [1, 3].into_iter().collect()));
        assert_eq!(add_partitions_start_index(&[0, 1], 7), 0);
    }

    // `AdminUtils.assignReplicasToBrokers` testGetRackAlternatedBrokerListAndAssignReplicasToBrokers.
    #[test]
    fn admin_utils_rack_aware() {
        let rack_map: BTreeMap<BrokerId, String> =
            [(0, "rack1"), (1, "rack3"), (2, "rack3"), (3, "rack2"), (4, "rack2"), (5, "rack1")]
                .into_iter()
                .map(|(id, r)| (id, r.to_string()))
                .collect();
        assert_eq!(
            rack_alternated_broker_list(&rack_map),
            vec![0, 3, 1, 5, 4, 2],
            "AdminUtils rack-aware alternated list"
        );
        let mut without5 = rack_map.clone();
        without5.remove(&5);
        assert_eq!(
            rack_alternated_broker_list(&without5),
            vec![0, 3, 1, 4, 2],
            "AdminUtils rack-aware without broker 5"
        );

        let brokers: Vec<BrokerMetadata> =
            rack_map.iter().map(|(&id, r)| BrokerMetadata { id, rack: Some(r.clone()) }).collect();
        let mut rng = Pcg32::new(0, 0);
        let got = assign_replicas_to_brokers(&brokers, 7, 3, 0, -1, &mut rng).unwrap();
        let expected = [[0, 3, 1], [3, 1, 5], [1, 5, 4], [5, 4, 2], [4, 2, 0], [2, 0, 3], [0, 4, 2]];
        for (p, e) in expected.iter().enumerate() {
            assert_eq!(got[&(p as i32)], e.to_vec(), "AdminUtils rack-aware 7-partition table partition {}", p);
        }
    }

    // `AdminUtils.assignReplicasToBrokers`: random start index and shift when fixedStartIndex < 0.
    #[test]
    fn admin_utils_random_start_is_a_rotation_of_the_fixed_layout() {
        let brokers = unracked(&[0, 1, 2, 3, 4]);
        for seed in 0..10 {
            let mut rng = Pcg32::new(seed, 5);
            let got = assign_replicas_to_brokers(&brokers, 10, 3, -1, -1, &mut rng).unwrap();
            for replicas in got.values() {
                let set: BTreeSet<_> = replicas.iter().collect();
                assert_eq!(set.len(), 3);
            }
            let leaders: BTreeSet<_> = got.values().take(5).map(|r| r[0]).collect();
            assert_eq!(leaders.len(), 5, "leaders round-robin over the first n partitions");
        }
    }

    #[test]
    fn replica_index_formula() {
        // (first + 1 + (shift + j) % (n - 1)) % n
        assert_eq!(replica_index(3, 2, 0, 4), 2);
        assert_eq!(replica_index(4, 0, 0, 5), 0);
        assert_eq!(replica_index(0, 0, 0, 1), 0);
    }
}
