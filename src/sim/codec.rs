//! Brokerlab's compact binary encoding of saved state (reload snapshots): the whole engine and
//! console, written by `#[derive(Codec)]` (crate `brokerlab-codec-derive`).
//!
//! A struct is its fields in order, an enum its variant's index then its fields; integers are
//! LEB128 (signed ones zigzag first), so the bytes are the same on every target, whatever the
//! width of `usize`; floats are their bits; a string, list, set or map is its length then its
//! items (maps and sets in their sorted order). Nothing is named: the bytes are only read back
//! by the same version of the code (the snapshot header carries the versions).
//!
//! It replaces serde and bincode for snapshots because the page is downloaded: each derived
//! serde implementation brings visitors and error formatting for every type, while this one is
//! a straight sequence of calls. Decoding bad bytes gives a [`DecodeError`], never a panic,
//! and never allocates more than the input could hold.
pub use brokerlab_codec_derive::Codec;
use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, VecDeque};
use std::fmt;
use std::rc::Rc;
use std::sync::Arc;

/// A value written into bytes and read back.
pub trait Codec: Sized {
    fn encode(&self, w: &mut Vec<u8>);
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError>;
}

/// Why bytes could not be decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// The bytes end in the middle of a value.
    Truncated,
    /// An enum variant index or a boolean out of range.
    BadTag,
    /// A string that is not UTF-8.
    BadText,
    /// An integer too large for its type.
    Overflow,
    /// A length longer than the rest of the bytes.
    BadLength,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DecodeError::Truncated => "it ends too early",
            DecodeError::BadTag => "it holds an unknown kind of value",
            DecodeError::BadText => "it holds text that is not UTF-8",
            DecodeError::Overflow => "it holds a number out of range",
            DecodeError::BadLength => "it holds a length beyond its end",
        })
    }
}

impl std::error::Error for DecodeError {}

/// Bytes being decoded.
pub struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes }
    }

    /// How many bytes are left.
    pub(crate) fn remaining(&self) -> usize {
        self.bytes.len()
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        if n > self.bytes.len() {
            return Err(DecodeError::Truncated);
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        Ok(head)
    }

    fn byte(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take(1)?[0])
    }

    fn varint(&mut self) -> Result<u64, DecodeError> {
        let mut v = 0u64;
        let mut shift = 0u32;
        loop {
            let b = self.byte()?;
            if shift == 63 && b > 1 {
                return Err(DecodeError::Overflow);
            }
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
            shift += 7;
            if shift > 63 {
                return Err(DecodeError::Overflow);
            }
        }
    }

    /// A length of a string or collection: every item takes at least a byte, so a length
    /// beyond the rest of the bytes is damage (and never allocated).
    fn len(&mut self) -> Result<usize, DecodeError> {
        let n = self.varint()?;
        if n > self.bytes.len() as u64 {
            return Err(DecodeError::BadLength);
        }
        Ok(n as usize)
    }
}

fn put_varint(w: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        w.push((v as u8) | 0x80);
        v >>= 7;
    }
    w.push(v as u8);
}

fn put_len(w: &mut Vec<u8>, n: usize) {
    put_varint(w, n as u64);
}

/// Encodes a value into fresh bytes.
pub fn to_bytes<T: Codec>(v: &T) -> Vec<u8> {
    let mut w = Vec::new();
    v.encode(&mut w);
    w
}

impl Codec for u8 {
    fn encode(&self, w: &mut Vec<u8>) {
        w.push(*self);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.byte()
    }
}

impl Codec for i8 {
    fn encode(&self, w: &mut Vec<u8>) {
        w.push(*self as u8);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(r.byte()? as i8)
    }
}

impl Codec for bool {
    fn encode(&self, w: &mut Vec<u8>) {
        w.push(u8::from(*self));
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        match r.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(DecodeError::BadTag),
        }
    }
}

macro_rules! unsigned {
    ($($t:ty),*) => {$(
        impl Codec for $t {
            fn encode(&self, w: &mut Vec<u8>) {
                put_varint(w, *self as u64);
            }
            fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
                <$t>::try_from(r.varint()?).map_err(|_| DecodeError::Overflow)
            }
        }
    )*};
}
unsigned!(u16, u32, u64, usize);

macro_rules! signed {
    ($($t:ty),*) => {$(
        impl Codec for $t {
            fn encode(&self, w: &mut Vec<u8>) {
                let v = *self as i64;
                put_varint(w, ((v << 1) ^ (v >> 63)) as u64);
            }
            fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
                let z = r.varint()?;
                let v = ((z >> 1) as i64) ^ -((z & 1) as i64);
                <$t>::try_from(v).map_err(|_| DecodeError::Overflow)
            }
        }
    )*};
}
signed!(i16, i32, i64, isize);

impl Codec for f64 {
    fn encode(&self, w: &mut Vec<u8>) {
        w.extend_from_slice(&self.to_bits().to_le_bytes());
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let b = r.take(8)?;
        Ok(f64::from_bits(u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])))
    }
}

impl Codec for f32 {
    fn encode(&self, w: &mut Vec<u8>) {
        w.extend_from_slice(&self.to_bits().to_le_bytes());
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let b = r.take(4)?;
        Ok(f32::from_bits(u32::from_le_bytes([b[0], b[1], b[2], b[3]])))
    }
}

impl Codec for char {
    fn encode(&self, w: &mut Vec<u8>) {
        put_varint(w, u64::from(u32::from(*self)));
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let v = u32::decode(r)?;
        char::from_u32(v).ok_or(DecodeError::BadText)
    }
}

impl Codec for () {
    fn encode(&self, _: &mut Vec<u8>) {}
    fn decode(_: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(())
    }
}

impl Codec for String {
    fn encode(&self, w: &mut Vec<u8>) {
        put_len(w, self.len());
        w.extend_from_slice(self.as_bytes());
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let n = r.len()?;
        let b = r.take(n)?;
        std::str::from_utf8(b).map(str::to_owned).map_err(|_| DecodeError::BadText)
    }
}

impl Codec for Rc<str> {
    fn encode(&self, w: &mut Vec<u8>) {
        put_len(w, self.len());
        w.extend_from_slice(self.as_bytes());
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Rc::from(String::decode(r)?))
    }
}

impl Codec for Rc<[u8]> {
    fn encode(&self, w: &mut Vec<u8>) {
        put_len(w, self.len());
        w.extend_from_slice(self);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let n = r.len()?;
        Ok(Rc::from(r.take(n)?))
    }
}

impl Codec for Cow<'static, str> {
    fn encode(&self, w: &mut Vec<u8>) {
        put_len(w, self.len());
        w.extend_from_slice(self.as_bytes());
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Cow::Owned(String::decode(r)?))
    }
}

impl<T: Codec, E: Codec> Codec for Result<T, E> {
    fn encode(&self, w: &mut Vec<u8>) {
        match self {
            Ok(v) => {
                w.push(0);
                v.encode(w);
            }
            Err(e) => {
                w.push(1);
                e.encode(w);
            }
        }
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        match r.byte()? {
            0 => Ok(Ok(T::decode(r)?)),
            1 => Ok(Err(E::decode(r)?)),
            _ => Err(DecodeError::BadTag),
        }
    }
}

impl<T: Codec> Codec for Option<T> {
    fn encode(&self, w: &mut Vec<u8>) {
        match self {
            None => w.push(0),
            Some(v) => {
                w.push(1);
                v.encode(w);
            }
        }
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        match r.byte()? {
            0 => Ok(None),
            1 => Ok(Some(T::decode(r)?)),
            _ => Err(DecodeError::BadTag),
        }
    }
}

impl<T: Codec> Codec for Box<T> {
    fn encode(&self, w: &mut Vec<u8>) {
        (**self).encode(w);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Box::new(T::decode(r)?))
    }
}

impl<T: Codec> Codec for Rc<T> {
    fn encode(&self, w: &mut Vec<u8>) {
        (**self).encode(w);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Rc::new(T::decode(r)?))
    }
}

impl<T: Codec> Codec for Arc<T> {
    fn encode(&self, w: &mut Vec<u8>) {
        (**self).encode(w);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Arc::new(T::decode(r)?))
    }
}

impl<T: Codec> Codec for Reverse<T> {
    fn encode(&self, w: &mut Vec<u8>) {
        self.0.encode(w);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Reverse(T::decode(r)?))
    }
}

impl<T: Codec> Codec for Vec<T> {
    fn encode(&self, w: &mut Vec<u8>) {
        put_len(w, self.len());
        for v in self {
            v.encode(w);
        }
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let n = r.len()?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(T::decode(r)?);
        }
        Ok(out)
    }
}

impl<T: Codec> Codec for VecDeque<T> {
    fn encode(&self, w: &mut Vec<u8>) {
        put_len(w, self.len());
        for v in self {
            v.encode(w);
        }
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Vec::decode(r)?.into())
    }
}

impl<T: Codec + Ord> Codec for BinaryHeap<T> {
    fn encode(&self, w: &mut Vec<u8>) {
        put_len(w, self.len());
        for v in self.iter() {
            v.encode(w);
        }
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Vec::decode(r)?.into())
    }
}

impl<T: Codec + Ord> Codec for BTreeSet<T> {
    fn encode(&self, w: &mut Vec<u8>) {
        put_len(w, self.len());
        for v in self {
            v.encode(w);
        }
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let n = r.len()?;
        let mut out = BTreeSet::new();
        for _ in 0..n {
            out.insert(T::decode(r)?);
        }
        Ok(out)
    }
}

impl<K: Codec + Ord, V: Codec> Codec for BTreeMap<K, V> {
    fn encode(&self, w: &mut Vec<u8>) {
        put_len(w, self.len());
        for (k, v) in self {
            k.encode(w);
            v.encode(w);
        }
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let n = r.len()?;
        let mut out = BTreeMap::new();
        for _ in 0..n {
            let k = K::decode(r)?;
            out.insert(k, V::decode(r)?);
        }
        Ok(out)
    }
}

impl<T: Codec, const N: usize> Codec for [T; N] {
    fn encode(&self, w: &mut Vec<u8>) {
        for v in self {
            v.encode(w);
        }
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let v: Vec<T> = (0..N).map(|_| T::decode(r)).collect::<Result<_, _>>()?;
        v.try_into().map_err(|_| DecodeError::BadLength)
    }
}

macro_rules! tuple {
    ($($n:tt $t:ident),*) => {
        impl<$($t: Codec),*> Codec for ($($t,)*) {
            fn encode(&self, w: &mut Vec<u8>) {
                $(self.$n.encode(w);)*
            }
            fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
                Ok(($($t::decode(r)?,)*))
            }
        }
    };
}
tuple!(0 A);
tuple!(0 A, 1 B);
tuple!(0 A, 1 B, 2 C);
tuple!(0 A, 1 B, 2 C, 3 D);
tuple!(0 A, 1 B, 2 C, 3 D, 4 E);

#[cfg(test)]
mod tests {
    use super::*;

    fn round<T: Codec + PartialEq + fmt::Debug>(v: T) {
        let b = to_bytes(&v);
        let mut r = Reader::new(&b);
        assert_eq!(T::decode(&mut r).unwrap(), v);
        assert_eq!(r.remaining(), 0);
    }

    #[test]
    fn integers_round_trip_at_their_limits() {
        for v in [0u64, 1, 127, 128, 300, u64::MAX] {
            round(v);
        }
        for v in [0i64, -1, 1, -64, 64, i64::MIN, i64::MAX] {
            round(v);
        }
        round(i32::MIN);
        round(u16::MAX);
        round(-5i8);
        round(f64::NAN.to_bits());
        round(-0.5f64);
    }

    #[test]
    fn collections_round_trip() {
        round(vec![String::from("a"), String::new(), "é".into()]);
        round(BTreeMap::from([((1u32, -2i64), Some(vec![true, false])), ((0, 0), None)]));
        round(VecDeque::from([1u8, 2, 3]));
        round(BTreeSet::from([3u32, 1]));
        round((1u8, String::from("x"), [7u16; 3]));
    }

    #[test]
    fn damaged_bytes_give_an_error_not_a_panic() {
        // A length far beyond the bytes: refused before allocating.
        let mut b = Vec::new();
        put_varint(&mut b, u64::MAX >> 1);
        assert_eq!(Vec::<u8>::decode(&mut Reader::new(&b)), Err(DecodeError::BadLength));
        assert_eq!(u32::decode(&mut Reader::new(&to_bytes(&(u64::from(u32::MAX) + 1)))), Err(DecodeError::Overflow));
        assert_eq!(bool::decode(&mut Reader::new(&[2])), Err(DecodeError::BadTag));
        assert_eq!(String::decode(&mut Reader::new(&[2, 0xff, 0xfe])), Err(DecodeError::BadText));
        assert_eq!(u64::decode(&mut Reader::new(&[0x80; 11])), Err(DecodeError::Overflow));
        assert_eq!(u64::decode(&mut Reader::new(&[0x80])), Err(DecodeError::Truncated));
        // Every truncation of a real encoding fails cleanly.
        let full = to_bytes(&BTreeMap::from([(String::from("topic"), vec![1u64 << 40, 3])]));
        for n in 0..full.len() {
            assert!(BTreeMap::<String, Vec<u64>>::decode(&mut Reader::new(&full[..n])).is_err());
        }
    }
}
