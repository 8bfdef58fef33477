//! KRaft partition leader election and leader-epoch bump rules.
//!
//! Mirrors `org.apache.kafka.controller.PartitionChangeBuilder` (`electLeader`,
//! `electPreferredLeader`, `electAnyLeader`, `triggerLeaderEpochBumpForReplicaReassignmentIfNeeded`,
//! `triggerLeaderEpochBumpForIsrShrinkIfNeeded`). Reference: `kafka-semantics.md` §4.6.

use crate::sim::types::{BrokerId, NO_LEADER};
use serde::{Deserialize, Serialize};

/// Mirrors `PartitionChangeBuilder.Election`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Election {
    /// Keep a valid current leader, else the first valid replica (the default).
    Online,
    /// The preferred (first) replica if valid, else the current leader, else the first valid one.
    Preferred,
    /// Like `Online`, then any acceptable replica even outside the ISR (`unclean = true`).
    Unclean,
}

/// Mirrors `PartitionChangeBuilder.electLeader()` for a partition without an ELR: returns the new
/// leader ([`NO_LEADER`] if none) and whether the election was unclean.
///
/// A replica is a valid leader if it is in `target_isr` and `acceptable` (alive and unfenced).
pub fn elect_leader(
    replicas: &[BrokerId],
    target_isr: &[BrokerId],
    current_leader: BrokerId,
    acceptable: impl Fn(BrokerId) -> bool,
    election: Election,
) -> (BrokerId, bool) {
    elect_leader_with_elr(replicas, target_isr, &[], current_leader, acceptable, election)
}

/// Like [`elect_leader`], with the eligible leader replicas (KIP-966): when the target ISR is
/// empty, ELR members are valid leaders too. (The "last known leader" fallback of ELR is not
/// modelled.)
pub fn elect_leader_with_elr(
    replicas: &[BrokerId],
    target_isr: &[BrokerId],
    target_elr: &[BrokerId],
    current_leader: BrokerId,
    acceptable: impl Fn(BrokerId) -> bool,
    election: Election,
) -> (BrokerId, bool) {
    let is_valid = |r: BrokerId| -> bool {
        r != NO_LEADER
            && (target_isr.contains(&r) || (target_isr.is_empty() && target_elr.contains(&r)))
            && acceptable(r)
    };
    match election {
        Election::Preferred => {
            if let Some(&preferred) = replicas.first() {
                if is_valid(preferred) {
                    return (preferred, false);
                }
            }
            if is_valid(current_leader) {
                return (current_leader, false);
            }
            if let Some(&r) = replicas.iter().skip(1).find(|&&r| is_valid(r)) {
                return (r, false);
            }
            (NO_LEADER, false)
        }
        Election::Online | Election::Unclean => {
            if is_valid(current_leader) {
                return (current_leader, false);
            }
            if let Some(&r) = replicas.iter().find(|&&r| is_valid(r)) {
                return (r, false);
            }
            if election == Election::Unclean {
                if let Some(&r) = replicas.iter().find(|&&r| acceptable(r)) {
                    return (r, true);
                }
            }
            (NO_LEADER, false)
        }
    }
}

/// The ISR after an election: an unclean election forces the ISR to `[new_leader]`
/// (and sets the leader recovery state to `RECOVERING`); otherwise the target ISR stands.
pub fn isr_after_election(target_isr: &[BrokerId], new_leader: BrokerId, unclean: bool) -> Vec<BrokerId> {
    if unclean {
        vec![new_leader]
    } else {
        target_isr.to_vec()
    }
}

/// Whether a partition change bumps the leader epoch, under the metadata-version rules of
/// Kafka 4.0 (`4.0-IV0`, i.e. ≥ `3.6-IV0`):
/// * a leader change always bumps it;
/// * a replica set that no longer contains all the old replicas always bumps it;
/// * an ISR shrink does **not** (it did before 3.6, KAFKA-15021), nor does an expansion.
///
/// `isr_shrink_only` tells that the change is an ISR shrink; it is accepted for clarity of call
/// sites and has no effect under 4.0 (see [`bumps_leader_epoch_for_version`]).
pub fn bumps_leader_epoch(
    old_leader: BrokerId,
    new_leader: BrokerId,
    old_replicas: &[BrokerId],
    new_replicas: &[BrokerId],
    isr_shrink_only: bool,
) -> bool {
    bumps_leader_epoch_for_version(old_leader, new_leader, old_replicas, new_replicas, isr_shrink_only, false)
}

/// [`bumps_leader_epoch`] with the metadata-version switch: `leader_epoch_bump_on_isr_shrink` is
/// true for metadata versions before 3.6 (`MetadataVersion.isLeaderEpochBumpRequiredOnIsrShrink`),
/// where an ISR shrink also bumps the epoch.
pub fn bumps_leader_epoch_for_version(
    old_leader: BrokerId,
    new_leader: BrokerId,
    old_replicas: &[BrokerId],
    new_replicas: &[BrokerId],
    isr_shrink: bool,
    leader_epoch_bump_on_isr_shrink: bool,
) -> bool {
    if old_leader != new_leader {
        return true;
    }
    if !old_replicas.iter().all(|r| new_replicas.contains(r)) {
        return true;
    }
    leader_epoch_bump_on_isr_shrink && isr_shrink
}

#[cfg(test)]
mod tests {
    use super::*;

    const FOO: [BrokerId; 3] = [2, 1, 3];

    fn foo(isr: &[BrokerId], election: Election) -> (BrokerId, bool) {
        // FOO: replicas [2,1,3], leader 1, broker 3 is down.
        elect_leader(&FOO, isr, 1, |r| r != 3, election)
    }

    // kafka-semantics.md §4.6 testElectLeader / testUncleanLeaderElection table, one row each.
    #[test]
    fn foo_preferred_unchanged_isr() {
        assert_eq!(foo(&[2, 1, 3], Election::Preferred), (2, false));
    }

    #[test]
    fn foo_online_unchanged_isr() {
        assert_eq!(foo(&[2, 1, 3], Election::Online), (1, false));
    }

    #[test]
    fn foo_unclean_unchanged_isr() {
        assert_eq!(foo(&[2, 1, 3], Election::Unclean), (1, false));
    }

    #[test]
    fn foo_online_isr_1_3() {
        assert_eq!(foo(&[1, 3], Election::Online), (1, false));
    }

    #[test]
    fn foo_unclean_isr_1_3() {
        assert_eq!(foo(&[1, 3], Election::Unclean), (1, false));
    }

    #[test]
    fn foo_online_isr_3_no_leader() {
        assert_eq!(foo(&[3], Election::Online), (NO_LEADER, false));
    }

    #[test]
    fn foo_unclean_isr_3_elects_2_uncleanly() {
        assert_eq!(foo(&[3], Election::Unclean), (2, true));
    }

    #[test]
    fn foo_replicas_2_1_3_4_unclean_isr_4() {
        assert_eq!(elect_leader(&[2, 1, 3, 4], &[4], 1, |r| r != 3, Election::Unclean), (4, false));
    }

    fn baz(election: Election) -> (BrokerId, bool) {
        // BAZ: replicas [2,1,3], ISR [1,3], leader 3, all acceptable.
        elect_leader(&[2, 1, 3], &[1, 3], 3, |_| true, election)
    }

    #[test]
    fn baz_preferred_keeps_3_because_2_is_not_in_isr() {
        assert_eq!(baz(Election::Preferred), (3, false));
    }

    #[test]
    fn baz_online() {
        assert_eq!(baz(Election::Online), (3, false));
    }

    #[test]
    fn baz_unclean() {
        assert_eq!(baz(Election::Unclean), (3, false));
    }

    // kafka-semantics.md §4.6 FOO full build(): UNCLEAN with ISR [3] → leader 2, ISR [2].
    #[test]
    fn foo_full_build_unclean_isr_becomes_new_leader() {
        let (leader, unclean) = foo(&[3], Election::Unclean);
        assert_eq!((leader, unclean), (2, true));
        assert_eq!(isr_after_election(&[3], leader, unclean), vec![2]);
        assert_eq!(isr_after_election(&[1, 3], 1, false), vec![1, 3]);
    }

    // kafka-semantics.md §4.6 leader epoch bump rules under 4.0 metadata versions.
    #[test]
    fn leader_epoch_bumps() {
        assert!(bumps_leader_epoch(1, 2, &[1, 2, 3], &[1, 2, 3], false), "leader change");
        assert!(!bumps_leader_epoch(1, 1, &[1, 2, 3], &[1, 2, 3], true), "ISR shrink, 4.0: no bump");
        assert!(!bumps_leader_epoch(1, 1, &[1, 2, 3], &[1, 2, 3], false), "ISR expansion: no bump");
        assert!(bumps_leader_epoch(1, 1, &[1, 2, 3], &[1, 2, 4], false), "replica removed");
        assert!(!bumps_leader_epoch(1, 1, &[1, 2], &[1, 2, 3], false), "replica added only");
        assert!(
            bumps_leader_epoch_for_version(1, 1, &[1, 2, 3], &[1, 2, 3], true, true),
            "before 3.6 (3.4-IV0, 3.5-IV2) an ISR shrink bumps"
        );
        assert!(!bumps_leader_epoch_for_version(1, 1, &[1, 2, 3], &[1, 2, 3], false, true));
    }

    #[test]
    fn elr_members_are_valid_only_when_isr_is_empty() {
        assert_eq!(elect_leader_with_elr(&[2, 1, 3], &[], &[3], 1, |_| true, Election::Online), (3, false));
        assert_eq!(elect_leader_with_elr(&[2, 1, 3], &[1], &[3], 2, |_| true, Election::Online), (1, false));
        assert_eq!(elect_leader(&[], &[], NO_LEADER, |_| true, Election::Preferred), (NO_LEADER, false));
    }
}
