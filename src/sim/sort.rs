//! A stable sort that costs little code per element type.
//!
//! The standard library's stable sort (driftsort) is fast but large, and it is instantiated
//! again for every element type and comparator: about 90 copies made it some 9% of the page's
//! WebAssembly code. [`CompactSort`] gives the same result — a stable sort, so equal
//! elements keep their order exactly as `slice::sort_by` keeps them — with one merge sort
//! over element indices that is compiled once; each element type adds only the small
//! closure that compares two of its elements and the loop that moves them into place.
//! Sorting here is of console output, assignor inputs and view rows (at most thousands of
//! elements), where the extra indirection costs nothing that shows.
//!
//! Collecting into a `BTreeMap` or `BTreeSet` is the other way driftsort gets in: their
//! `FromIterator` (`collect()`) and `From<[_; N]>` sort the input with the standard stable
//! sort before building the tree, one more copy per key type. [`CompactCollect`] builds the
//! same map by inserting one by one, with code every map has anyway (`insert`).

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// `collect()` into a `BTreeMap`/`BTreeSet` without `FromIterator`'s sort (see the module
/// documentation). The result is the same: keys in order and, for a repeated key, the value
/// that came last.
pub(crate) trait CompactCollect: Iterator + Sized {
    /// As `collect::<BTreeMap<K, V>>()`.
    fn collect_map<K: Ord, V>(self) -> BTreeMap<K, V>
    where
        Self: Iterator<Item = (K, V)>,
    {
        let mut map = BTreeMap::new();
        for (k, v) in self {
            map.insert(k, v);
        }
        map
    }

    /// As `collect::<BTreeSet<T>>()`.
    fn collect_set<T: Ord>(self) -> BTreeSet<T>
    where
        Self: Iterator<Item = T>,
    {
        let mut set = BTreeSet::new();
        for t in self {
            set.insert(t);
        }
        set
    }
}

impl<I: Iterator> CompactCollect for I {}

/// Stable sorting through one shared, non-generic merge sort (see the module documentation).
pub(crate) trait CompactSort<T> {
    /// Sorts stably by `compare`, as `slice::sort_by` does.
    fn compact_sort_by<F: FnMut(&T, &T) -> Ordering>(&mut self, compare: F);

    /// Sorts stably by the key `f` gives, as `slice::sort_by_key` does.
    fn compact_sort_by_key<K: Ord, F: FnMut(&T) -> K>(&mut self, mut f: F) {
        self.compact_sort_by(|a, b| f(a).cmp(&f(b)))
    }

    /// Sorts stably in `Ord` order, as `slice::sort` does.
    fn compact_sort(&mut self)
    where
        T: Ord,
    {
        self.compact_sort_by(T::cmp)
    }
}

impl<T> CompactSort<T> for [T] {
    fn compact_sort_by<F: FnMut(&T, &T) -> Ordering>(&mut self, mut compare: F) {
        let n = self.len();
        if n < 2 {
            return;
        }
        let mut order: Vec<usize> = (0..n).collect();
        {
            let items: &[T] = self;
            merge_sort(&mut order, &mut |a, b| compare(&items[a], &items[b]));
        }
        permute(self, &mut order);
    }
}

/// Sorts `order` (indices) stably by `compare`: runs of up to 8 by insertion, then merges of
/// doubling width through one buffer.
fn merge_sort(order: &mut [usize], compare: &mut dyn FnMut(usize, usize) -> Ordering) {
    const RUN: usize = 8;
    let n = order.len();
    for start in (0..n).step_by(RUN) {
        let end = (start + RUN).min(n);
        for i in start + 1..end {
            let mut j = i;
            while j > start && compare(order[j - 1], order[j]) == Ordering::Greater {
                order.swap(j - 1, j);
                j -= 1;
            }
        }
    }
    let mut buf = vec![0usize; n];
    let mut width = RUN;
    while width < n {
        let mut start = 0;
        while start + width < n {
            let mid = start + width;
            let end = (mid + width).min(n);
            let (mut i, mut j, mut k) = (start, mid, start);
            while i < mid && j < end {
                // Taking from the left unless the right is strictly smaller keeps it stable.
                if compare(order[j], order[i]) == Ordering::Less {
                    buf[k] = order[j];
                    j += 1;
                } else {
                    buf[k] = order[i];
                    i += 1;
                }
                k += 1;
            }
            buf[k..k + mid - i].copy_from_slice(&order[i..mid]);
            k += mid - i;
            buf[k..k + end - j].copy_from_slice(&order[j..end]);
            order[start..end].copy_from_slice(&buf[start..end]);
            start = end;
        }
        width *= 2;
    }
}

/// Moves `items` so that position `i` holds what was at `order[i]`, following each cycle of
/// the permutation once (`order` is used up as the record of positions done).
fn permute<T>(items: &mut [T], order: &mut [usize]) {
    for first in 0..items.len() {
        let mut at = first;
        while order[at] != at {
            let from = order[at];
            order[at] = at;
            if from == first {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng::Pcg32;

    /// Against the standard library's stable sort: the same order, ties included, for every
    /// length up to 70 and many random inputs with many equal keys.
    #[test]
    #[allow(clippy::unnecessary_sort_by)]
    fn agrees_with_std_stable_sort() {
        let mut rng = Pcg32::new(7, 1);
        for len in 0..70usize {
            for _ in 0..20 {
                let v: Vec<(u32, usize)> = (0..len).map(|i| (rng.next_u32() % (len as u32 / 3 + 1), i)).collect();
                let mut expected = v.clone();
                expected.sort_by_key(|e| e.0);
                let mut got = v.clone();
                got.compact_sort_by_key(|e| e.0);
                assert_eq!(got, expected, "len {len}");
                let mut expected = v.clone();
                expected.sort_by(|a, b| b.0.cmp(&a.0));
                let mut got = v;
                got.compact_sort_by(|a, b| b.0.cmp(&a.0));
                assert_eq!(got, expected, "len {len}, descending");
            }
        }
        let mut big: Vec<u64> = (0..5000u64).map(|i| (i * 7919) % 1013).collect();
        let mut expected = big.clone();
        expected.sort();
        big.compact_sort();
        assert_eq!(big, expected);
    }

    /// Against `FromIterator`: the same keys and, for repeated keys, the last value.
    #[test]
    fn collect_agrees_with_from_iter() {
        let mut rng = Pcg32::new(11, 3);
        for len in 0..200u32 {
            let pairs: Vec<(u32, u32)> = (0..len).map(|i| (rng.next_u32() % (len / 4 + 1), i)).collect();
            let expected: BTreeMap<u32, u32> = pairs.iter().copied().collect();
            assert_eq!(pairs.iter().copied().collect_map(), expected, "len {len}");
            let expected: BTreeSet<u32> = pairs.iter().map(|p| p.0).collect();
            assert_eq!(pairs.iter().map(|p| p.0).collect_set(), expected, "len {len}");
        }
    }
}
