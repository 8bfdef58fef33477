//! TEMPORARY stand-in; replaced by the vetted StripedReplicaPlacer with §2.3 tests.
use crate::sim::rng::Pcg32;
use crate::sim::types::BrokerId;

#[derive(Clone, Debug)]
pub struct PlacementBroker {
    pub id: BrokerId,
    pub rack: Option<String>,
    pub fenced: bool,
}

pub fn place(brokers: &[PlacementBroker], num_partitions: i32, replication_factor: i32, rng: &mut Pcg32) -> Result<Vec<Vec<BrokerId>>, String> {
    if replication_factor < 1 {
        return Err(format!("Invalid replication factor {replication_factor}: the replication factor must be positive."));
    }
    if replication_factor as usize > brokers.len() {
        return Err(format!(
            "The target replication factor of {replication_factor} cannot be reached because only {} broker(s) are registered.",
            brokers.len()
        ));
    }
    let mut unfenced: Vec<BrokerId> = brokers.iter().filter(|b| !b.fenced).map(|b| b.id).collect();
    if unfenced.is_empty() {
        return Err("All brokers are currently fenced.".to_string());
    }
    unfenced.sort();
    let mut fenced: Vec<BrokerId> = brokers.iter().filter(|b| b.fenced).map(|b| b.id).collect();
    fenced.sort();
    let n = unfenced.len() as u32;
    let o = rng.below(n);
    let mut out = Vec::new();
    for i in 0..num_partitions as u32 {
        let mut r = Vec::new();
        for k in 0..(replication_factor as u32).min(n) {
            r.push(unfenced[((o + i + k) % n) as usize]);
        }
        for f in &fenced {
            if r.len() < replication_factor as usize {
                r.push(*f);
            }
        }
        out.push(r);
    }
    Ok(out)
}
