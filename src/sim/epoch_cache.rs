//! Leader epochs and follower truncation (KIP-101, KIP-279, KIP-320).
//!
//! * [`LeaderEpochCache`] mirrors `LeaderEpochFileCache`: ordered `(epoch, start offset)` entries.
//! * [`truncation_decision`] mirrors `AbstractFetcherThread.getOffsetTruncationState`: what a
//!   follower truncates to after an `OffsetsForLeaderEpoch` answer.
//!
//! Reference: `LeaderEpochFileCache`.

use crate::sim::codec::Codec;
use crate::sim::types::{Epoch, Offset};
use serde::{Deserialize, Serialize};

/// `UNDEFINED_EPOCH` (`OffsetsForLeaderEpochResponse`).
pub(crate) const UNDEFINED_EPOCH: Epoch = -1;
/// `UNDEFINED_EPOCH_OFFSET` (`OffsetsForLeaderEpochResponse`).
pub(crate) const UNDEFINED_EPOCH_OFFSET: Offset = -1;

/// Mirrors `org.apache.kafka.storage.internals.log.EpochEntry`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct EpochEntry {
    pub(crate) epoch: Epoch,
    pub start_offset: Offset,
}

/// Mirrors `org.apache.kafka.storage.internals.epoch.LeaderEpochFileCache` (without the file):
/// entries ordered by epoch, with strictly increasing epochs and start offsets.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct LeaderEpochCache {
    entries: Vec<EpochEntry>,
}

impl LeaderEpochCache {
    /// An empty cache.
    pub(crate) fn new() -> LeaderEpochCache {
        LeaderEpochCache::default()
    }

    /// The entries, ordered by epoch.
    pub(crate) fn entries(&self) -> &[EpochEntry] {
        &self.entries
    }

    /// Mirrors `assign(epoch, startOffset)`. A no-op unless `epoch` differs from the latest epoch
    /// or `start_offset` is lower than the latest start offset; before adding, every entry with
    /// `epoch ≥ e` or `startOffset ≥ s` is removed from the tail. Negative values are rejected
    /// with Kafka's `IllegalArgumentException` message. Returns whether the cache changed.
    pub(crate) fn assign(&mut self, epoch: Epoch, start_offset: Offset) -> Result<bool, String> {
        if epoch < 0 || start_offset < 0 {
            return Err(format!(
                "Received invalid partition leader epoch entry EpochEntry(epoch={}, startOffset={})",
                epoch, start_offset
            ));
        }
        let update_needed = match self.entries.last() {
            None => true,
            Some(last) => epoch != last.epoch || start_offset < last.start_offset,
        };
        if !update_needed {
            return Ok(false);
        }
        while let Some(last) = self.entries.last() {
            if last.epoch >= epoch || last.start_offset >= start_offset {
                self.entries.pop();
            } else {
                break;
            }
        }
        self.entries.push(EpochEntry { epoch, start_offset });
        Ok(true)
    }

    /// Mirrors `latestEpoch()`.
    pub(crate) fn latest_epoch(&self) -> Option<Epoch> {
        self.entries.last().map(|e| e.epoch)
    }

    /// Mirrors `earliestEntry()`.
    #[cfg(test)]
    pub(crate) fn earliest_entry(&self) -> Option<EpochEntry> {
        self.entries.first().copied()
    }

    /// Mirrors `endOffsetFor(requestedEpoch, logEndOffset)`:
    /// * `UNDEFINED_EPOCH` requested → `(-1, -1)`;
    /// * the latest epoch → `(requested, LEO)`;
    /// * no higher epoch → `(-1, -1)`;
    /// * no lower-or-equal epoch → `(requested, start of the first higher epoch)`;
    /// * otherwise → `(floor epoch, start offset of the next higher epoch)`.
    pub(crate) fn end_offset_for(&self, requested_epoch: Epoch, log_end_offset: Offset) -> (Epoch, Offset) {
        if requested_epoch == UNDEFINED_EPOCH {
            return (UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET);
        }
        if self.latest_epoch() == Some(requested_epoch) {
            return (requested_epoch, log_end_offset);
        }
        let higher = self.entries.iter().find(|e| e.epoch > requested_epoch);
        let higher = match higher {
            None => return (UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET),
            Some(h) => *h,
        };
        match self.entries.iter().rev().find(|e| e.epoch <= requested_epoch) {
            None => (requested_epoch, higher.start_offset),
            Some(floor) => (floor.epoch, higher.start_offset),
        }
    }

    /// Mirrors `truncateFromEnd(endOffset)`: removes every entry with `startOffset ≥ end_offset`
    /// (inclusive), when `end_offset ≥ 0` and the latest entry starts at or after it.
    pub(crate) fn truncate_from_end(&mut self, end_offset: Offset) {
        if end_offset < 0 {
            return;
        }
        if let Some(last) = self.entries.last() {
            if last.start_offset >= end_offset {
                self.entries.retain(|e| e.start_offset < end_offset);
            }
        }
    }

    /// Mirrors `truncateFromStart(startOffset)`: removes every entry with
    /// `startOffset ≤ start_offset`, then re-adds the last removed epoch starting at
    /// `start_offset` (so the epoch in force at the new log start is kept).
    pub(crate) fn truncate_from_start(&mut self, start_offset: Offset) {
        if start_offset < 0 {
            return;
        }
        let removed = self.entries.iter().take_while(|e| e.start_offset <= start_offset).count();
        if removed == 0 {
            return;
        }
        let last_removed = self.entries[removed - 1];
        self.entries.drain(..removed);
        self.entries.insert(0, EpochEntry { epoch: last_removed.epoch, start_offset });
    }
}

/// Mirrors `OffsetTruncationState`: the offset to truncate to, and whether truncation is done
/// (`truncationCompleted`) or another `OffsetsForLeaderEpoch` round is needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct Truncation {
    pub offset: Offset,
    pub done: bool,
}

/// Mirrors `AbstractFetcherThread.getOffsetTruncationState(tp, leaderEpochOffset)`.
///
/// `leader_epoch_end` is the leader's answer `(epoch, end offset)` to the follower's
/// `OffsetsForLeaderEpoch` request:
/// * end offset `UNDEFINED_EPOCH_OFFSET` → truncate to the follower's HW (its initial fetch
///   offset); done;
/// * epoch `UNDEFINED_EPOCH` with a valid offset → `min(leaderOffset, followerLEO)`; done;
/// * otherwise the follower looks up `(followerEpoch, followerEnd) = endOffsetFor(leaderEpoch)`:
///   - it tracks no such epoch (`followerEnd` undefined) → `min(leaderEnd, followerLEO)`; done;
///   - `followerEpoch != leaderEpoch` (KIP-279) → `min(followerEnd, followerLEO)`; not done;
///   - equal → `min(followerEnd, leaderEnd, followerLEO)`; done.
pub(crate) fn truncation_decision(
    leader_epoch_end: (Epoch, Offset),
    follower_cache: &LeaderEpochCache,
    follower_leo: Offset,
    follower_hw: Offset,
) -> Truncation {
    let (leader_epoch, leader_end) = leader_epoch_end;
    if leader_end == UNDEFINED_EPOCH_OFFSET {
        return Truncation { offset: follower_hw, done: true };
    }
    if leader_epoch == UNDEFINED_EPOCH {
        return Truncation { offset: leader_end.min(follower_leo), done: true };
    }
    let (follower_epoch, follower_end) = follower_cache.end_offset_for(leader_epoch, follower_leo);
    if follower_end == UNDEFINED_EPOCH_OFFSET {
        return Truncation { offset: leader_end.min(follower_leo), done: true };
    }
    if follower_epoch != leader_epoch {
        Truncation { offset: follower_end.min(follower_leo), done: false }
    } else {
        Truncation { offset: follower_end.min(leader_end).min(follower_leo), done: true }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache(assigns: &[(Epoch, Offset)]) -> LeaderEpochCache {
        let mut c = LeaderEpochCache::new();
        for &(e, s) in assigns {
            c.assign(e, s).unwrap();
        }
        c
    }

    fn entries(c: &LeaderEpochCache) -> Vec<(Epoch, Offset)> {
        c.entries().iter().map(|e| (e.epoch, e.start_offset)).collect()
    }

    // LeaderEpochFileCacheTest rows.
    #[test]
    fn should_return_log_end_offset_if_latest_epoch_requested() {
        assert_eq!(cache(&[(2, 11), (2, 12)]).end_offset_for(2, 14), (2, 14));
    }

    #[test]
    fn should_return_undefined_offset_if_undefined_epoch_requested() {
        assert_eq!(cache(&[(2, 11), (3, 12)]).end_offset_for(-1, 0), (-1, -1));
    }

    #[test]
    fn should_return_unsupported_if_no_epoch_recorded() {
        assert_eq!(cache(&[]).end_offset_for(0, 0), (-1, -1));
    }

    #[test]
    fn should_not_overwrite_log_end_offset_for_a_leader_epoch_once_assigned() {
        assert_eq!(entries(&cache(&[(2, 9), (2, 10)])), vec![(2, 9)]);
    }

    #[test]
    fn should_enforce_monotonically_increasing_start_offsets() {
        assert_eq!(entries(&cache(&[(2, 9), (3, 9)])), vec![(3, 9)]);
    }

    #[test]
    fn should_return_first_epoch_if_requested_epoch_less_than_first_epoch() {
        assert_eq!(cache(&[(5, 11), (6, 12), (7, 13)]).end_offset_for(4, 0), (4, 11));
    }

    #[test]
    fn should_truncate_if_matching_epoch_but_earlier_starting_offset() {
        let c = cache(&[(5, 11), (6, 12), (7, 13), (7, 12)]);
        assert_eq!(c.end_offset_for(5, 0), (5, 12));
        assert_eq!(c.end_offset_for(6, 0), (5, 12));
        assert_eq!(entries(&c), vec![(5, 11), (7, 12)], "epoch 6 was removed");
    }

    #[test]
    fn should_get_first_offset_of_subsequent_epoch_when_offset_requested_for_previous_epoch() {
        let c = cache(&[(1, 11), (1, 12), (2, 13), (2, 14), (3, 15), (3, 16)]);
        assert_eq!(c.end_offset_for(2, 17), (2, 15));
    }

    #[test]
    fn should_return_next_available_epoch_if_there_is_no_exact_epoch_for_the_one_requested() {
        let c = cache(&[(0, 10), (2, 13), (4, 17)]);
        assert_eq!(c.end_offset_for(1, 0), (0, 13));
        assert_eq!(c.end_offset_for(2, 0), (2, 17));
        assert_eq!(c.end_offset_for(3, 0), (2, 17));
    }

    #[test]
    fn should_not_update_epoch_and_start_offset_if_it_did_not_change() {
        assert_eq!(entries(&cache(&[(2, 6), (2, 7)])), vec![(2, 6)]);
    }

    #[test]
    fn should_return_invalid_offset_if_epoch_is_requested_which_is_not_currently_tracked() {
        assert_eq!(cache(&[(2, 100)]).end_offset_for(3, 100), (-1, -1));
    }

    #[test]
    fn should_support_epochs_that_do_not_start_from_zero() {
        assert_eq!(cache(&[(2, 6)]).end_offset_for(2, 7), (2, 7));
    }

    #[test]
    fn should_enforce_monotonically_increasing_epochs() {
        let c = cache(&[(1, 5), (2, 6), (1, 7)]);
        assert_eq!(c.latest_epoch(), Some(1));
        assert_eq!(c.end_offset_for(1, 8), (1, 8));
        assert_eq!(c.end_offset_for(2, 8), (-1, -1));
        assert_eq!(entries(&c), vec![(1, 7)]);
    }

    #[test]
    fn should_enforce_offsets_increase_monotonically() {
        let c = cache(&[(2, 6), (3, 5)]);
        assert_eq!(c.earliest_entry(), Some(EpochEntry { epoch: 3, start_offset: 5 }));
    }

    #[test]
    fn should_increase_and_track_epochs_as_leaders_change_many_times() {
        let mut c = cache(&[(0, 0), (1, 0)]);
        assert_eq!(c.end_offset_for(1, 0), (1, 0));
        assert_eq!(c.end_offset_for(0, 0), (0, 0));
        assert_eq!(c.end_offset_for(1, 5), (1, 5));
        assert_eq!(c.end_offset_for(0, 5), (0, 0));
        c.assign(2, 5).unwrap();
        assert_eq!(c.end_offset_for(2, 10), (2, 10));
        assert_eq!(c.end_offset_for(1, 10), (1, 5));
        assert_eq!(c.end_offset_for(0, 10), (0, 0));
    }

    #[test]
    fn should_increase_and_track_epochs_as_follower_receives_many_messages() {
        let mut c = LeaderEpochCache::new();
        for (epoch, offsets) in [(0, 0..=2), (1, 3..=5), (2, 6..=8)] {
            for o in offsets {
                c.assign(epoch, o).unwrap();
            }
        }
        assert_eq!(c.end_offset_for(2, 9), (2, 9));
        assert_eq!(c.end_offset_for(0, 9), (0, 3));
        assert_eq!(c.end_offset_for(1, 9), (1, 6));
    }

    #[test]
    fn should_drop_entries_on_epoch_boundary_when_removing_latest_entries() {
        let mut c = cache(&[(2, 6), (3, 8), (4, 11)]);
        c.truncate_from_end(8);
        assert_eq!(entries(&c), vec![(2, 6)]);
    }

    #[test]
    fn should_drop_entries_between_epoch_boundary_when_removing_newest() {
        let mut c = cache(&[(2, 6), (3, 8), (4, 11)]);
        c.truncate_from_end(9);
        assert_eq!(entries(&c), vec![(2, 6), (3, 8)]);
    }

    #[test]
    fn should_preserve_reset_offset_on_clear_earliest_if_one_exists() {
        let mut c = cache(&[(2, 6), (3, 8), (4, 11)]);
        c.truncate_from_start(8);
        assert_eq!(entries(&c), vec![(3, 8), (4, 11)]);
    }

    #[test]
    fn should_update_saved_offset_when_offset_to_clear_to_is_between_epochs() {
        let mut c = cache(&[(2, 6), (3, 8), (4, 11)]);
        c.truncate_from_start(9);
        assert_eq!(entries(&c), vec![(3, 9), (4, 11)]);
    }

    #[test]
    fn invalid_entries_are_rejected_and_truncations_ignore_negative_offsets() {
        let mut c = cache(&[(2, 6)]);
        assert_eq!(
            c.assign(-1, 5).unwrap_err(),
            "Received invalid partition leader epoch entry EpochEntry(epoch=-1, startOffset=5)"
        );
        assert!(c.assign(3, -2).is_err());
        c.truncate_from_end(-1);
        c.truncate_from_start(-1);
        c.truncate_from_start(3); // before every entry: nothing removed
        assert_eq!(entries(&c), vec![(2, 6)]);
        assert_eq!(c.assign(2, 6), Ok(false));
    }

    /// A replica's log in the fetcher scenarios: the leader epoch of each record.
    #[derive(Clone, Debug)]
    struct MiniLog {
        epochs: Vec<Epoch>,
        cache: LeaderEpochCache,
    }

    impl MiniLog {
        fn new(epochs: &[Epoch]) -> MiniLog {
            let mut log = MiniLog { epochs: Vec::new(), cache: LeaderEpochCache::new() };
            for &e in epochs {
                log.append(e);
            }
            log
        }
        fn append(&mut self, epoch: Epoch) {
            let offset = self.epochs.len() as Offset;
            self.cache.assign(epoch, offset).unwrap();
            self.epochs.push(epoch);
        }
        fn leo(&self) -> Offset {
            self.epochs.len() as Offset
        }
        fn truncate_to(&mut self, offset: Offset) {
            if offset < self.leo() {
                self.epochs.truncate(offset as usize);
                self.cache.truncate_from_end(offset);
            }
        }
    }

    /// Runs the OffsetsForLeaderEpoch loop; returns the truncation offsets of each round.
    fn reconcile(follower: &mut MiniLog, leader: &MiniLog, follower_hw: Offset) -> Vec<Truncation> {
        let mut rounds = Vec::new();
        for _ in 0..10 {
            let requested = follower.cache.latest_epoch().unwrap_or(UNDEFINED_EPOCH);
            let answer = leader.cache.end_offset_for(requested, leader.leo());
            let t = truncation_decision(answer, &follower.cache, follower.leo(), follower_hw);
            follower.truncate_to(t.offset);
            rounds.push(t);
            if t.done {
                break;
            }
        }
        rounds
    }

    // `LeaderEpochFileCacheTest.testTruncation` and its hand trace: 2, 1, then 0 (done).
    #[test]
    fn fetcher_test_truncation() {
        let leader = MiniLog::new(&[1, 3, 5]);
        let mut follower = MiniLog::new(&[0, 2, 4]);
        assert_eq!(leader.cache.end_offset_for(4, 3), (3, 2), "LeaderEpochFileCacheTest trace step 1 leader answer");
        let rounds = reconcile(&mut follower, &leader, 2);
        assert_eq!(
            rounds,
            vec![
                Truncation { offset: 2, done: false },
                Truncation { offset: 1, done: false },
                Truncation { offset: 0, done: true },
            ],
            "LeaderEpochFileCacheTest (hand-traced) testTruncation ends at offset 0 after 3 rounds"
        );
        // The follower re-fetches all 3 records: the logs end equal.
        for &e in &leader.epochs[follower.epochs.len()..] {
            follower.append(e);
        }
        assert_eq!(follower.epochs, leader.epochs);
        assert_eq!(follower.cache, leader.cache);
        assert_eq!(follower.leo(), 3);
    }

    // `LeaderEpochFileCacheTest.testDivergingEpochs`: truncates to 2 in one step.
    #[test]
    fn fetcher_test_diverging_epochs() {
        let leader = MiniLog::new(&[0, 2, 5]);
        let mut follower = MiniLog::new(&[0, 2, 4]);
        assert_eq!(follower.cache.latest_epoch(), Some(4), "last fetched epoch 4 at first");
        let rounds = reconcile(&mut follower, &leader, 2);
        assert_eq!(
            rounds,
            vec![Truncation { offset: 2, done: true }],
            "LeaderEpochFileCacheTest (hand-traced) one step to 2"
        );
        assert_eq!(follower.cache.latest_epoch(), Some(2), "last fetched epoch 2 after truncation");
        follower.append(5);
        assert_eq!(follower.cache.latest_epoch(), Some(5));
        assert_eq!(follower.epochs, leader.epochs);
    }

    // `LeaderEpochFileCacheTest.testTruncateToHighWatermarkIfLeaderEpochRequestNotSupported`.
    #[test]
    fn fetcher_truncate_to_high_watermark_when_leader_answers_undefined_offset() {
        let mut follower = MiniLog::new(&[0, 2, 4]);
        let t = truncation_decision((UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET), &follower.cache, 3, 2);
        assert_eq!(t, Truncation { offset: 2, done: true });
        follower.truncate_to(t.offset);
        assert_eq!(follower.leo(), 2);
    }

    // `LeaderEpochFileCache` the other two rules: undefined epoch with an offset, and a
    // follower that tracks no such epoch.
    #[test]
    fn truncation_other_rules() {
        let c = cache(&[(3, 0)]);
        assert_eq!(truncation_decision((UNDEFINED_EPOCH, 7), &c, 5, 1), Truncation { offset: 5, done: true });
        assert_eq!(truncation_decision((UNDEFINED_EPOCH, 3), &c, 5, 1), Truncation { offset: 3, done: true });
        // The follower only knows epoch 3; leader answers epoch 1 → follower endOffsetFor(1)
        // = (1, 0), epochs equal → min(0, leaderEnd, LEO) = 0.
        assert_eq!(truncation_decision((1, 4), &c, 5, 1), Truncation { offset: 0, done: true });
        // No epochs at all (old follower): min(leaderEnd, LEO).
        assert_eq!(truncation_decision((2, 4), &LeaderEpochCache::new(), 6, 1), Truncation { offset: 4, done: true });
    }
}
