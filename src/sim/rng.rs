//! A portable seeded PRNG: PCG-XSH-RR 64/32 (O'Neill, pcg-random.org).
//!
//! One seed per scenario; every component gets its own child stream with [`Pcg32::split`],
//! so adding a draw in one component never shifts the numbers another one sees. Everything is
//! `u32`/`u64` arithmetic with wrapping, so native and wasm32 give the same numbers.

use crate::sim::codec::Codec;
use serde::{Deserialize, Serialize};

const MULTIPLIER: u64 = 6364136223846793005;

/// PCG-XSH-RR with 64-bit state and 32-bit output.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct Pcg32 {
    state: u64,
    inc: u64,
}

impl Pcg32 {
    /// A generator for `seed` on stream `stream` (the reference `pcg32_srandom_r`).
    pub fn new(seed: u64, stream: u64) -> Pcg32 {
        let mut rng = Pcg32 { state: 0, inc: (stream << 1) | 1 };
        rng.next_u32();
        rng.state = rng.state.wrapping_add(seed);
        rng.next_u32();
        rng
    }

    /// A child generator for the component named `label`. The parent advances by two draws.
    pub(crate) fn split(&mut self, label: &str) -> Pcg32 {
        let mut h: u64 = 0xcbf29ce484222325;
        for b in label.as_bytes() {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x100000001b3);
        }
        let seed = (u64::from(self.next_u32()) << 32) | u64::from(self.next_u32());
        Pcg32::new(seed ^ h, h.rotate_left(17))
    }

    /// The next 32 random bits.
    pub(crate) fn next_u32(&mut self) -> u32 {
        let old = self.state;
        self.state = old.wrapping_mul(MULTIPLIER).wrapping_add(self.inc);
        let xorshifted = (((old >> 18) ^ old) >> 27) as u32;
        let rot = (old >> 59) as u32;
        xorshifted.rotate_right(rot)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        (u64::from(self.next_u32()) << 32) | u64::from(self.next_u32())
    }

    /// A uniform draw in `0..bound` without modulo bias. `bound` must be positive.
    pub fn below(&mut self, bound: u32) -> u32 {
        assert!(bound > 0, "Pcg32::below(0)");
        let threshold = bound.wrapping_neg() % bound;
        loop {
            let r = self.next_u32();
            if r >= threshold {
                return r % bound;
            }
        }
    }

    /// A uniform draw in `lo..=hi` (inclusive) for 64-bit values.
    pub(crate) fn range_u64(&mut self, lo: u64, hi: u64) -> u64 {
        assert!(lo <= hi);
        let span = hi - lo;
        if span == u64::MAX {
            return self.next_u64();
        }
        let bound = span + 1;
        let threshold = bound.wrapping_neg() % bound;
        loop {
            let r = self.next_u64();
            if r >= threshold {
                return lo + r % bound;
            }
        }
    }

    /// True with probability `num / den` (integer ratio, no floats in decisions).
    pub(crate) fn chance(&mut self, num: u32, den: u32) -> bool {
        if num == 0 || den == 0 {
            return false;
        }
        if num >= den {
            return true;
        }
        self.below(den) < num
    }

    /// Fisher–Yates shuffle.
    pub(crate) fn shuffle<T>(&mut self, items: &mut [T]) {
        let n = items.len() as u32;
        for i in (1..n).rev() {
            let j = self.below(i + 1);
            items.swap(i as usize, j as usize);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_pcg32_reference_demo() {
        // pcg32-demo with seed 42, stream 54 prints these six numbers first.
        let mut rng = Pcg32::new(42, 54);
        let got: Vec<u32> = (0..6).map(|_| rng.next_u32()).collect();
        assert_eq!(got, vec![0xa15c02b7, 0x7b47f409, 0xba1d3330, 0x83d2f293, 0xbfa4784b, 0xcbed606e]);
    }

    #[test]
    fn split_streams_are_independent_and_repeatable() {
        let mut a = Pcg32::new(7, 0);
        let mut b = Pcg32::new(7, 0);
        let mut a1 = a.split("broker-1");
        let mut b1 = b.split("broker-1");
        assert_eq!(a1.next_u64(), b1.next_u64());
        let mut a2 = a.split("broker-2");
        assert_ne!(a1.next_u64(), a2.next_u64());
    }

    #[test]
    fn below_stays_in_range() {
        let mut rng = Pcg32::new(1, 1);
        for bound in 1..50 {
            for _ in 0..100 {
                assert!(rng.below(bound) < bound);
            }
        }
    }
}
