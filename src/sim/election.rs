//! TEMPORARY stand-in; replaced by the vetted implementation with §4.6 vectors.
use crate::sim::types::{BrokerId, NO_LEADER};

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Election {
    Online,
    Preferred,
    Unclean,
}

pub fn elect_leader(
    replicas: &[BrokerId],
    target_isr: &[BrokerId],
    current_leader: BrokerId,
    acceptable: impl Fn(BrokerId) -> bool,
    election: Election,
) -> (BrokerId, bool) {
    let valid = |r: BrokerId| target_isr.contains(&r) && acceptable(r);
    match election {
        Election::Preferred => {
            if let Some(&p) = replicas.first() {
                if valid(p) {
                    return (p, false);
                }
            }
            if valid(current_leader) {
                return (current_leader, false);
            }
            for &r in replicas.iter().skip(1) {
                if valid(r) {
                    return (r, false);
                }
            }
            (NO_LEADER, false)
        }
        Election::Online | Election::Unclean => {
            if valid(current_leader) {
                return (current_leader, false);
            }
            for &r in replicas {
                if valid(r) {
                    return (r, false);
                }
            }
            if election == Election::Unclean {
                for &r in replicas {
                    if acceptable(r) {
                        return (r, true);
                    }
                }
            }
            (NO_LEADER, false)
        }
    }
}
