//! A portable, stable hasher for trace and state hashes.
//!
//! `#[derive(Hash)]` feeds enum discriminants and lengths as `isize`/`usize`, whose width
//! differs between native (64-bit) and wasm32. This hasher widens every integer to a fixed
//! little-endian width, so a derived `Hash` gives the same value on both targets.

use crate::sim::codec::Codec;
use std::hash::Hasher;

/// FNV-1a, 64-bit, with fixed-width integer encoding.
///
/// Serialisable (as its one `u64` of state) so a running hash, such as the trace hash of a
/// saved [`crate::sim::world::Sim`], continues where it stopped after a reload.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, Codec)]
pub struct StableHasher(u64);

impl Default for StableHasher {
    fn default() -> Self {
        StableHasher(0xcbf29ce484222325)
    }
}

impl StableHasher {
    pub fn new() -> Self {
        Self::default()
    }
}

impl Hasher for StableHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0;
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x100000001b3);
        }
        self.0 = h;
    }
    fn write_u8(&mut self, i: u8) {
        self.write(&[i]);
    }
    fn write_u16(&mut self, i: u16) {
        self.write(&i.to_le_bytes());
    }
    fn write_u32(&mut self, i: u32) {
        self.write(&i.to_le_bytes());
    }
    fn write_u64(&mut self, i: u64) {
        self.write(&i.to_le_bytes());
    }
    fn write_u128(&mut self, i: u128) {
        self.write(&i.to_le_bytes());
    }
    fn write_usize(&mut self, i: usize) {
        self.write(&(i as u64).to_le_bytes());
    }
    fn write_i8(&mut self, i: i8) {
        self.write_u8(i as u8);
    }
    fn write_i16(&mut self, i: i16) {
        self.write_u16(i as u16);
    }
    fn write_i32(&mut self, i: i32) {
        self.write_u32(i as u32);
    }
    fn write_i64(&mut self, i: i64) {
        self.write_u64(i as u64);
    }
    fn write_i128(&mut self, i: i128) {
        self.write_u128(i as u128);
    }
    fn write_isize(&mut self, i: isize) {
        self.write(&(i as i64).to_le_bytes());
    }
}

/// The stable hash of any `Hash` value.
#[cfg(test)]
pub(crate) fn stable_hash<T: std::hash::Hash + ?Sized>(value: &T) -> u64 {
    let mut h = StableHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// CRC-32C (Castagnoli), the checksum Kafka's record batches carry.
pub fn crc32c(data: &[u8]) -> u32 {
    const fn table() -> [u32; 256] {
        let mut t = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            let mut c = i as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 { 0x82F63B78 ^ (c >> 1) } else { c >> 1 };
                k += 1;
            }
            t[i] = c;
            i += 1;
        }
        t
    }
    static TABLE: [u32; 256] = table();
    let mut crc = !0u32;
    for b in data {
        crc = TABLE[((crc ^ u32::from(*b)) & 0xff) as usize] ^ (crc >> 8);
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Hash)]
    enum Sample {
        A(u32),
        B { name: String, list: Vec<i64> },
    }

    #[test]
    fn fnv1a_known_value() {
        let mut h = StableHasher::new();
        h.write(b"a");
        assert_eq!(h.finish(), 0xaf63dc4c8601ec8c);
    }

    #[test]
    fn derived_hash_uses_fixed_width_lengths_and_discriminants() {
        // The value is pinned: if it changes, native and wasm traces would stop comparing.
        let v = vec![Sample::A(7), Sample::B { name: "orders".into(), list: vec![1, -2] }];
        assert_eq!(stable_hash(&v), stable_hash(&v));
        let mut manual = StableHasher::new();
        manual.write_u64(2); // Vec length as u64
        manual.write_u64(0); // discriminant of A as i64
        manual.write_u32(7);
        manual.write_u64(1); // discriminant of B
        manual.write(b"orders");
        manual.write_u8(0xff);
        manual.write_u64(2);
        manual.write_u64(1);
        manual.write_u64((-2i64) as u64);
        assert_eq!(stable_hash(&v), manual.finish());
    }

    #[test]
    fn crc32c_check_value() {
        assert_eq!(crc32c(b"123456789"), 0xE3069283);
    }
}
