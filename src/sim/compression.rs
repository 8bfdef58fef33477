//! `compression.type`: which codec a record batch's records are compressed with, and how many
//! bytes that makes on the wire and on disk.
//!
//! A v2 batch (`DefaultRecordBatch`) keeps its 61-byte header uncompressed and compresses the
//! records after it as one stream (`MemoryRecordsBuilder` wraps its output in the codec's
//! stream: `GzipCompression`, `SnappyCompression`, `Lz4Compression`, `ZstdCompression`); the
//! codec's id is in the low three bits of the batch's attributes.
//!
//! Brokerlab keeps the records themselves, not their compressed bytes, so it does not run the
//! real compressors: [`compressed_len`] is a deterministic integer **estimate** of the stream
//! each codec writes. One LZ77 parse of the serialised records (hash chains over a 64 KiB
//! window) finds the repeats every codec exploits; each codec then prices that parse in its own
//! format: LZ4's frame and block tokens (`Lz4BlockOutputStream`, lz4-java's fast compressor at
//! the default level), Snappy's tags inside xerial's `SnappyOutputStream` chunks, deflate's
//! Huffman codes built from the parse inside a gzip member (`GzipOutputStream`, level 6), and
//! zstd's Huffman-coded literals and sequences (level 3). It is checked against sizes Kafka's
//! own `MemoryRecordsBuilder` wrote for the same records (`tests/conformance/vectors/
//! compression.jsonl`, test `compression` in `tests/conformance_vectors.rs`) within the tolerance stated there.

use crate::sim::codec::Codec;
use serde::{Deserialize, Serialize};

/// `CompressionType`: the codecs and their ids (attributes bits 0-2).
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Codec)]
pub enum CompressionType {
    #[default]
    None,
    Gzip,
    Snappy,
    Lz4,
    Zstd,
}

impl CompressionType {
    pub(crate) const ALL: [CompressionType; 5] = [
        CompressionType::None,
        CompressionType::Gzip,
        CompressionType::Snappy,
        CompressionType::Lz4,
        CompressionType::Zstd,
    ];

    /// `CompressionType.name`, as `compression.type` and `kafka-dump-log` spell it.
    pub fn name(self) -> &'static str {
        match self {
            CompressionType::None => "none",
            CompressionType::Gzip => "gzip",
            CompressionType::Snappy => "snappy",
            CompressionType::Lz4 => "lz4",
            CompressionType::Zstd => "zstd",
        }
    }

    /// `CompressionType.id`.
    pub(crate) fn id(self) -> u8 {
        match self {
            CompressionType::None => 0,
            CompressionType::Gzip => 1,
            CompressionType::Snappy => 2,
            CompressionType::Lz4 => 3,
            CompressionType::Zstd => 4,
        }
    }

    /// `CompressionType.forName` (exact, lower case, as the config validator accepts it).
    pub(crate) fn from_name(name: &str) -> Option<CompressionType> {
        CompressionType::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// The codec a topic's `compression.type` gives a batch written with `producer_codec`
/// (`LogValidator`: `producer` keeps the producer's, `uncompressed` means none, a codec name
/// means that codec — the broker recompresses when it differs).
pub(crate) fn topic_codec(topic_compression: &str, producer_codec: CompressionType) -> CompressionType {
    match topic_compression {
        "producer" => producer_codec,
        "uncompressed" => CompressionType::None,
        other => CompressionType::from_name(other).unwrap_or(producer_codec),
    }
}

/// One step of the LZ77 parse: `lit` literal bytes, then a match of `len` bytes `dist` back
/// (`len == 0` for the trailing literals).
#[derive(Clone, Copy, Debug)]
struct Seq {
    lit: u32,
    len: u32,
    dist: u32,
}

const WINDOW: usize = 1 << 16;
const HASH_BITS: u32 = 14;

fn hash4(d: &[u8], i: usize) -> usize {
    let v = u32::from_le_bytes([d[i], d[i + 1], d[i + 2], d[i + 3]]);
    (v.wrapping_mul(2_654_435_761) >> (32 - HASH_BITS)) as usize
}

/// A greedy (optionally one-step lazy) LZ77 parse with hash chains of `depth` candidates,
/// matches of at least `min_len` and at most `max_len` bytes; the last `tail` bytes stay
/// literals (LZ4's LASTLITERALS).
fn parse(d: &[u8], min_len: usize, max_len: usize, depth: u32, lazy: bool, tail: usize) -> Vec<Seq> {
    let n = d.len();
    let mut out = Vec::new();
    if n < 4 + tail {
        out.push(Seq { lit: n as u32, len: 0, dist: 0 });
        return out;
    }
    let mut head = vec![u32::MAX; 1 << HASH_BITS];
    let mut prev = vec![u32::MAX; n];
    let limit = n - tail;
    let insert = |head: &mut Vec<u32>, prev: &mut Vec<u32>, i: usize| {
        if i + 4 <= n {
            let h = hash4(d, i);
            prev[i] = head[h];
            head[h] = i as u32;
        }
    };
    let best = |head: &Vec<u32>, prev: &Vec<u32>, i: usize| -> (usize, usize) {
        if i + 4 > limit {
            return (0, 0);
        }
        let mut cand = head[hash4(d, i)];
        let (mut bl, mut bd) = (0usize, 0usize);
        let mut tries = depth;
        while cand != u32::MAX && tries > 0 {
            let c = cand as usize;
            if i - c > WINDOW - 1 {
                break;
            }
            let mut l = 0;
            let cap = (limit - i).min(max_len);
            while l < cap && d[c + l] == d[i + l] {
                l += 1;
            }
            if l > bl {
                bl = l;
                bd = i - c;
            }
            cand = prev[c];
            tries -= 1;
        }
        if bl >= min_len {
            (bl, bd)
        } else {
            (0, 0)
        }
    };
    let (mut i, mut lit_start) = (0usize, 0usize);
    while i < limit {
        let (mut l, mut dist) = best(&head, &prev, i);
        if l > 0 && lazy && i + 1 < limit {
            insert(&mut head, &mut prev, i);
            let (l2, d2) = best(&head, &prev, i + 1);
            if l2 > l {
                i += 1;
                l = l2;
                dist = d2;
            } else {
                // `i` is already in the chains.
                out.push(Seq { lit: (i - lit_start) as u32, len: l as u32, dist: dist as u32 });
                for j in i + 1..i + l {
                    insert(&mut head, &mut prev, j);
                }
                i += l;
                lit_start = i;
                continue;
            }
        }
        if l == 0 {
            insert(&mut head, &mut prev, i);
            i += 1;
            continue;
        }
        out.push(Seq { lit: (i - lit_start) as u32, len: l as u32, dist: dist as u32 });
        for j in i..i + l {
            insert(&mut head, &mut prev, j);
        }
        i += l;
        lit_start = i;
    }
    out.push(Seq { lit: (n - lit_start) as u32, len: 0, dist: 0 });
    out
}

/// The literal bytes of a parse, in order.
fn literals(d: &[u8], seqs: &[Seq]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0usize;
    for s in seqs {
        out.extend_from_slice(&d[i..i + s.lit as usize]);
        i += (s.lit + s.len) as usize;
    }
    out
}

/// Code lengths of a Huffman code for `freq` (integer, deterministic: ties broken by symbol),
/// limited to `max_bits` by flattening the deepest codes.
fn huffman_lengths(freq: &[u32], max_bits: u32) -> Vec<u32> {
    let mut nodes: Vec<(u64, usize)> = Vec::new(); // (weight, node id)
    let mut parent: Vec<usize> = Vec::new();
    for (s, &f) in freq.iter().enumerate() {
        if f > 0 {
            nodes.push((u64::from(f), s));
        }
    }
    let mut lens = vec![0u32; freq.len()];
    if nodes.len() == 1 {
        lens[nodes[0].1] = 1;
        return lens;
    }
    if nodes.is_empty() {
        return lens;
    }
    // Node ids: symbols are 0..freq.len(), internal nodes after.
    let syms = freq.len();
    parent.resize(syms, usize::MAX);
    let mut heap: std::collections::BTreeSet<(u64, usize)> = nodes.iter().copied().collect();
    while heap.len() > 1 {
        let a = heap.pop_first().expect("two nodes");
        let b = heap.pop_first().expect("two nodes");
        let id = parent.len();
        parent.push(usize::MAX);
        parent[a.1] = id;
        parent[b.1] = id;
        heap.insert((a.0 + b.0, id));
    }
    for (s, len) in lens.iter_mut().enumerate() {
        if freq[s] == 0 {
            continue;
        }
        let (mut p, mut depth) = (parent[s], 0u32);
        while p != usize::MAX {
            depth += 1;
            p = parent[p];
        }
        *len = depth.min(max_bits);
    }
    lens
}

fn cost_bits(freq: &[u32], lens: &[u32]) -> u64 {
    freq.iter().zip(lens).map(|(&f, &l)| u64::from(f) * u64::from(l)).sum()
}

/// Deflate's length code (257..285) and its extra bits for a match length 3..258.
fn deflate_len_code(len: u32) -> (usize, u32) {
    const BASE: [u32; 29] = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227,
        258,
    ];
    const EXTRA: [u32; 29] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
    let mut c = 0;
    while c + 1 < 29 && BASE[c + 1] <= len {
        c += 1;
    }
    (257 + c, EXTRA[c])
}

/// Deflate's distance code (0..29) and its extra bits.
fn deflate_dist_code(dist: u32) -> (usize, u32) {
    if dist <= 4 {
        return ((dist - 1) as usize, 0);
    }
    let bits = 31 - (dist - 1).leading_zeros(); // floor(log2(dist - 1))
    let extra = bits - 1;
    let half = ((dist - 1) >> extra) & 1;
    ((2 * bits + half) as usize, extra)
}

/// Bits of a dynamic block's header: HLIT/HDIST/HCLEN, the code-length code, and the run-length
/// coded code lengths (16/17/18), priced with their own Huffman code.
fn dynamic_header_bits(lit_lens: &[u32], dist_lens: &[u32]) -> u64 {
    let hlit = lit_lens.iter().rposition(|&l| l > 0).map(|p| p + 1).unwrap_or(257).max(257);
    let hdist = dist_lens.iter().rposition(|&l| l > 0).map(|p| p + 1).unwrap_or(1).max(1);
    let all: Vec<u32> = lit_lens[..hlit].iter().chain(dist_lens[..hdist].iter()).copied().collect();
    let mut cl_freq = [0u32; 19];
    let mut extra = 0u64;
    let mut i = 0;
    while i < all.len() {
        let v = all[i];
        let mut run = 1;
        while i + run < all.len() && all[i + run] == v {
            run += 1;
        }
        let mut r = run;
        if v == 0 {
            while r >= 11 {
                let k = r.min(138);
                cl_freq[18] += 1;
                extra += 7;
                r -= k;
            }
            if r >= 3 {
                cl_freq[17] += 1;
                extra += 3;
                r = 0;
            }
        } else {
            cl_freq[v as usize] += 1;
            r -= 1;
            while r >= 3 {
                let k = r.min(6);
                cl_freq[16] += 1;
                extra += 2;
                r -= k;
            }
        }
        cl_freq[v as usize] += r as u32;
        i += run;
    }
    let cl_lens = huffman_lengths(&cl_freq, 7);
    const ORDER: [usize; 19] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
    let hclen = ORDER.iter().rposition(|&s| cl_lens[s] > 0).map(|p| p + 1).unwrap_or(4).max(4);
    14 + 3 * hclen as u64 + cost_bits(&cl_freq, &cl_lens) + extra
}

/// A gzip member holding `d` (`GzipOutputStream`: 10-byte header, deflate level 6, 8-byte
/// trailer).
fn gzip_len(d: &[u8]) -> u32 {
    let seqs = parse(d, 3, 258, 128, true, 0);
    let mut lit_freq = vec![0u32; 286];
    let mut dist_freq = vec![0u32; 30];
    let mut extra_bits = 0u64;
    for b in literals(d, &seqs) {
        lit_freq[b as usize] += 1;
    }
    for s in &seqs {
        if s.len > 0 {
            let (lc, le) = deflate_len_code(s.len);
            let (dc, de) = deflate_dist_code(s.dist);
            lit_freq[lc] += 1;
            dist_freq[dc] += 1;
            extra_bits += u64::from(le + de);
        }
    }
    lit_freq[256] += 1; // end of block
    let lit_lens = huffman_lengths(&lit_freq, 15);
    let dist_lens = huffman_lengths(&dist_freq, 15);
    let dynamic = 3
        + dynamic_header_bits(&lit_lens, &dist_lens)
        + cost_bits(&lit_freq, &lit_lens)
        + cost_bits(&dist_freq, &dist_lens)
        + extra_bits;
    // The fixed code: 8 bits for literals 0-143, 9 for 144-255, 7 for 256-279, 8 above; 5 per
    // distance.
    let fixed_len = |s: usize| match s {
        0..=143 => 8,
        144..=255 => 9,
        256..=279 => 7,
        _ => 8,
    };
    let fixed = 3
        + lit_freq.iter().enumerate().map(|(s, &f)| u64::from(f) * fixed_len(s)).sum::<u64>()
        + dist_freq.iter().map(|&f| u64::from(f) * 5).sum::<u64>()
        + extra_bits;
    let stored = (d.len() as u64 + 5 * (d.len() as u64 / 65_535 + 1)) * 8;
    let body = dynamic.min(fixed).min(stored);
    10 + body.div_ceil(8) as u32 + 8
}

/// `Lz4BlockOutputStream`: a 7-byte frame header, 64 KiB blocks each with a 4-byte size (a block
/// that does not shrink is stored), and a 4-byte end mark.
fn lz4_len(d: &[u8]) -> u32 {
    let mut total = 7u32;
    for block in d.chunks(64 * 1024) {
        let seqs = parse(block, 4, usize::MAX, 1, false, 12.min(block.len()));
        let mut size = 0u32;
        for s in &seqs {
            size += 1 + s.lit;
            if s.lit >= 15 {
                size += (s.lit - 15) / 255 + 1;
            }
            if s.len > 0 {
                size += 2;
                if s.len - 4 >= 15 {
                    size += (s.len - 4 - 15) / 255 + 1;
                }
            }
        }
        total += 4 + size.min(block.len() as u32);
    }
    total + 4
}

/// xerial's `SnappyOutputStream`: a 16-byte stream header, then 32 KiB chunks each with a
/// 4-byte length and the raw Snappy block (varint length, literal and copy tags).
fn snappy_len(d: &[u8]) -> u32 {
    let mut total = 16u32;
    for chunk in d.chunks(32 * 1024) {
        let seqs = parse(chunk, 4, 64, 1, false, 0);
        let mut size = (32 - (chunk.len() as u32).leading_zeros()).max(1).div_ceil(7);
        for s in &seqs {
            if s.lit > 0 {
                size += s.lit
                    + match s.lit {
                        0..=60 => 1,
                        61..=256 => 2,
                        _ => 3,
                    };
            }
            if s.len > 0 {
                size += if s.len <= 11 && s.dist < 2048 { 2 } else { 3 };
            }
        }
        total += 4 + size;
    }
    total
}

/// zstd at level 3 (`ZstdOutputStreamNoFinalizer`): a 6-byte frame header, 3-byte block headers
/// (128 KiB blocks), Huffman-coded literals and entropy-coded sequences (each priced at its
/// codes' extra bits plus its share of a Huffman code over the literal-length, match-length
/// and offset codes).
fn zstd_len(d: &[u8]) -> u32 {
    let mut total = 6u32;
    for block in d.chunks(128 * 1024) {
        let seqs = parse(block, 5, usize::MAX, 16, true, 0);
        let lits = literals(block, &seqs);
        let mut lit_freq = vec![0u32; 256];
        for &b in &lits {
            lit_freq[b as usize] += 1;
        }
        let lit_lens = huffman_lengths(&lit_freq, 11);
        let used = lit_freq.iter().filter(|&&f| f > 0).count() as u32;
        let huff =
            cost_bits(&lit_freq, &lit_lens).div_ceil(8) as u32 + used / 2 + 1 + if lits.len() > 1024 { 6 } else { 0 };
        let lit_header = if lits.len() < 32 {
            1
        } else if lits.len() < 4096 {
            2
        } else {
            3
        };
        let raw = lits.len() as u32;
        let lit_section = if lits.len() < 64 || huff >= raw { raw + lit_header } else { huff + lit_header + 1 };
        let n = seqs.iter().filter(|s| s.len > 0).count() as u32;
        let mut seq_bits = 0u64;
        let mut code_freq = vec![0u32; 3 * 64];
        let log2 = |v: u32| 31 - v.max(1).leading_zeros();
        // zstd's three repeat offsets: a match at one of them is coded by its index.
        let mut reps = [1u32, 4, 8];
        for s in seqs.iter().filter(|s| s.len > 0) {
            let of = match reps.iter().position(|&r| r == s.dist) {
                Some(k) => {
                    reps[..=k].rotate_right(1);
                    k as u32
                }
                None => {
                    reps = [s.dist, reps[0], reps[1]];
                    log2(s.dist + 3)
                }
            };
            seq_bits += u64::from(of);
            code_freq[of as usize] += 1;
            let ll = if s.lit < 16 { 0 } else { log2(s.lit) - 3 };
            seq_bits += u64::from(ll);
            code_freq[64 + (if s.lit < 16 { s.lit } else { 16 + log2(s.lit) }) as usize] += 1;
            let ml = s.len - 3;
            let mle = if ml < 32 { 0 } else { log2(ml) - 4 };
            seq_bits += u64::from(mle);
            code_freq[128 + (if ml < 32 { ml } else { 32 + log2(ml) }).min(63) as usize] += 1;
        }
        seq_bits += cost_bits(&code_freq, &huffman_lengths(&code_freq, 9));
        // FSE codes the three code streams tighter than a Huffman code over them would (about
        // 7/8 of it on Kafka's vectors), and their table descriptions cost ~16 bytes.
        let seq_section =
            if n == 0 { 1 } else { 1 + u32::from(n >= 128) + 1 + (seq_bits * 7 / 8).div_ceil(8) as u32 + 16 };
        let compressed = lit_section + seq_section;
        total += 3 + compressed.min(block.len() as u32);
    }
    total
}

/// The length of the stream `codec` writes for `data` (Kafka's stream wrappers included).
pub(crate) fn compressed_len(codec: CompressionType, data: &[u8]) -> u32 {
    match codec {
        CompressionType::None => data.len() as u32,
        CompressionType::Gzip => gzip_len(data),
        CompressionType::Snappy => snappy_len(data),
        CompressionType::Lz4 => lz4_len(data),
        CompressionType::Zstd => zstd_len(data),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codec_names_and_ids_are_kafkas() {
        // CompressionType: NONE(0, "none"), GZIP(1, "gzip"), SNAPPY(2, "snappy"), LZ4(3, "lz4"),
        // ZSTD(4, "zstd").
        let got: Vec<(u8, &str)> = CompressionType::ALL.iter().map(|c| (c.id(), c.name())).collect();
        assert_eq!(got, vec![(0, "none"), (1, "gzip"), (2, "snappy"), (3, "lz4"), (4, "zstd")]);
        assert_eq!(CompressionType::from_name("zstd"), Some(CompressionType::Zstd));
        assert_eq!(CompressionType::from_name("ZSTD"), None);
        assert_eq!(topic_codec("producer", CompressionType::Lz4), CompressionType::Lz4);
        assert_eq!(topic_codec("uncompressed", CompressionType::Lz4), CompressionType::None);
        assert_eq!(topic_codec("gzip", CompressionType::Lz4), CompressionType::Gzip);
    }

    #[test]
    fn repeats_shrink_and_random_letters_do_not_under_lz4() {
        let repeated: Vec<u8> = b"order paid ".iter().copied().cycle().take(2000).collect();
        for c in [CompressionType::Gzip, CompressionType::Snappy, CompressionType::Lz4, CompressionType::Zstd] {
            assert!(compressed_len(c, &repeated) < 200, "{c:?}: {}", compressed_len(c, &repeated));
        }
        // Letters from a PCG stream have no repeats: LZ4 stores them (plus its framing).
        let mut rng = crate::sim::rng::Pcg32::new(7, 1);
        let letters: Vec<u8> = (0..2000).map(|_| b'A' + (rng.next_u32() % 26) as u8).collect();
        assert!(compressed_len(CompressionType::Lz4, &letters) >= 2000);
        // Entropy coding still saves about 3 bits of 8 (log2 26 ≈ 4.7).
        assert!(compressed_len(CompressionType::Gzip, &letters) < 1400);
    }

    #[test]
    fn an_empty_input_costs_only_the_framing() {
        assert_eq!(compressed_len(CompressionType::None, &[]), 0);
        assert_eq!(compressed_len(CompressionType::Lz4, &[]), 7 + 4);
        assert_eq!(compressed_len(CompressionType::Snappy, &[]), 16);
    }
}
