//! A record batch row in binary, as the browser's store keeps it: one `Uint8Array` per batch
//! instead of an object per record. Structured-cloning 100,000 record objects in and out of
//! IndexedDB, and converting each back field by field, was most of a reload's time; a byte
//! array is copied in one piece and read here.
//!
//! The layout carries every field of a [`StoredBatch`] (its CRC-32C included, checked on
//! load as for any row), little-endian:
//!
//! ```text
//! "BLB1"  base_offset i64  last_offset i64  partition_leader_epoch i32  producer_id i64
//! producer_epoch i16  base_sequence i32  flags u8 (1 transactional, 2 control, 4 delete horizon,
//! bits 3-5 the compression codec's id, 64 LogAppendTime)
//! [control str]  max_timestamp i64  size_bytes u32  [delete_horizon_ms i64]  origin str  crc u32
//! record count u32, then per record: offset_delta u32  timestamp i64  key payload
//! value payload  header count u32, then per header: key str  value payload
//! str: length u32 + UTF-8;  payload: 0 (none) | 1 str (text) | 2 str (base64)
//! ```

use super::disk_image::{Payload, StoredBatch, StoredRecord};

const MAGIC: &[u8; 4] = b"BLB1";

/// The batch as its binary row.
pub fn encode(b: &StoredBatch) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + b.size_bytes as usize + b.records.len() * 16);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&b.base_offset.to_le_bytes());
    out.extend_from_slice(&b.last_offset.to_le_bytes());
    out.extend_from_slice(&b.partition_leader_epoch.to_le_bytes());
    out.extend_from_slice(&b.producer_id.to_le_bytes());
    out.extend_from_slice(&b.producer_epoch.to_le_bytes());
    out.extend_from_slice(&b.base_sequence.to_le_bytes());
    let flags = u8::from(b.transactional)
        | if b.control.is_some() { 2 } else { 0 }
        | if b.delete_horizon_ms.is_some() { 4 } else { 0 }
        | (b.compression & 7) << 3
        | if b.log_append_time { 0x40 } else { 0 };
    out.push(flags);
    if let Some(c) = &b.control {
        put_str(&mut out, c);
    }
    out.extend_from_slice(&b.max_timestamp.to_le_bytes());
    out.extend_from_slice(&b.size_bytes.to_le_bytes());
    if let Some(h) = b.delete_horizon_ms {
        out.extend_from_slice(&h.to_le_bytes());
    }
    put_str(&mut out, &b.origin);
    out.extend_from_slice(&b.crc.to_le_bytes());
    out.extend_from_slice(&(b.records.len() as u32).to_le_bytes());
    for r in &b.records {
        out.extend_from_slice(&r.offset_delta.to_le_bytes());
        out.extend_from_slice(&r.timestamp.to_le_bytes());
        put_payload(&mut out, r.key.as_ref());
        put_payload(&mut out, r.value.as_ref());
        out.extend_from_slice(&(r.headers.len() as u32).to_le_bytes());
        for (k, v) in &r.headers {
            put_str(&mut out, k);
            put_payload(&mut out, v.as_ref());
        }
    }
    out
}

/// The batch back from its binary row, or why it cannot be read (never a panic: the bytes
/// may have been edited or cut short).
pub fn decode(bytes: &[u8]) -> Result<StoredBatch, String> {
    let mut r = Reader { bytes, at: 0 };
    if r.take(4)? != MAGIC {
        return Err("not a binary batch row".into());
    }
    let base_offset = r.i64()?;
    let last_offset = r.i64()?;
    let partition_leader_epoch = r.i32()?;
    let producer_id = r.i64()?;
    let producer_epoch = i16::from_le_bytes(r.array()?);
    let base_sequence = r.i32()?;
    let flags = r.take(1)?[0];
    if flags & !0x7f != 0 {
        return Err("unknown flags".into());
    }
    let control = if flags & 2 != 0 { Some(r.str()?) } else { None };
    let max_timestamp = r.i64()?;
    let size_bytes = r.u32()?;
    let delete_horizon_ms = if flags & 4 != 0 { Some(r.i64()?) } else { None };
    let origin = r.str()?;
    let crc = r.u32()?;
    let count = r.u32()? as usize;
    // Each record takes at least 18 bytes: a count past what is left is damage.
    if count > r.left() / 18 {
        return Err("more records than bytes".into());
    }
    let mut records = Vec::with_capacity(count);
    for _ in 0..count {
        let offset_delta = r.u32()?;
        let timestamp = r.i64()?;
        let key = r.payload()?;
        let value = r.payload()?;
        let n = r.u32()? as usize;
        if n > r.left() / 5 {
            return Err("more headers than bytes".into());
        }
        let mut headers = Vec::with_capacity(n);
        for _ in 0..n {
            headers.push((r.str()?, r.payload()?));
        }
        records.push(StoredRecord { offset_delta, timestamp, key, value, headers });
    }
    if r.left() != 0 {
        return Err("bytes after the last record".into());
    }
    Ok(StoredBatch {
        base_offset,
        last_offset,
        partition_leader_epoch,
        producer_id,
        producer_epoch,
        base_sequence,
        transactional: flags & 1 != 0,
        control,
        max_timestamp,
        log_append_time: flags & 0x40 != 0,
        size_bytes,
        delete_horizon_ms,
        compression: (flags >> 3) & 7,
        origin,
        crc,
        records,
    })
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

fn put_payload(out: &mut Vec<u8>, p: Option<&Payload>) {
    match p {
        None => out.push(0),
        Some(Payload::Text(s)) => {
            out.push(1);
            put_str(out, s);
        }
        Some(Payload::Bytes { base64 }) => {
            out.push(2);
            put_str(out, base64);
        }
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn left(&self) -> usize {
        self.bytes.len() - self.at
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        if n > self.left() {
            return Err("cut short".into());
        }
        let s = &self.bytes[self.at..self.at + n];
        self.at += n;
        Ok(s)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    fn i64(&mut self) -> Result<i64, String> {
        Ok(i64::from_le_bytes(self.array()?))
    }

    fn i32(&mut self) -> Result<i32, String> {
        Ok(i32::from_le_bytes(self.array()?))
    }

    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    fn str(&mut self) -> Result<String, String> {
        let n = self.u32()? as usize;
        let b = self.take(n)?;
        std::str::from_utf8(b).map(str::to_string).map_err(|_| "text that is not UTF-8".to_string())
    }

    fn payload(&mut self) -> Result<Option<Payload>, String> {
        match self.take(1)?[0] {
            0 => Ok(None),
            1 => Ok(Some(Payload::Text(self.str()?))),
            2 => Ok(Some(Payload::Bytes { base64: self.str()? })),
            t => Err(format!("unknown payload tag {t}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::disk_image::{load_batch, DiskTracker, RowValue};
    use crate::sim::scenarios::throughput_scenario;
    use crate::sim::trace::TraceLevel;

    fn batches() -> Vec<StoredBatch> {
        let sim = throughput_scenario(1, 2_000, 100, TraceLevel::Events);
        let mut out: Vec<StoredBatch> = DiskTracker::new()
            .full(&sim)
            .into_iter()
            .filter_map(|r| if let RowValue::Batch(b) = r.value { Some(b) } else { None })
            .collect();
        assert!(out.len() > 3);
        // Every optional field used at least once.
        let b = &mut out[0];
        b.control = Some("COMMIT".into());
        b.transactional = true;
        b.delete_horizon_ms = Some(1234);
        b.log_append_time = true;
        b.records[0].key = Some(Payload::Bytes { base64: "AAEC".into() });
        b.records[0].headers = vec![("h".into(), Some(Payload::Text("v".into()))), ("n".into(), None)];
        out
    }

    #[test]
    fn every_field_comes_back_and_the_batch_still_passes_its_crc() {
        let all = batches();
        for b in &all {
            let back = decode(&encode(b)).expect("reads back");
            assert_eq!(&back, b);
        }
        assert!(load_batch(&decode(&encode(&all[1])).unwrap()).is_ok(), "an untouched batch keeps its CRC");
    }

    #[test]
    fn damaged_or_cut_bytes_are_an_error_not_a_panic() {
        let b = &batches()[1];
        let bytes = encode(b);
        for n in (0..120).chain((120..bytes.len()).step_by(97)) {
            assert!(decode(&bytes[..n]).is_err(), "cut at {n}");
        }
        let mut extra = bytes.clone();
        extra.push(0);
        assert!(decode(&extra).is_err());
        let mut magic = bytes.clone();
        magic[0] = b'X';
        assert!(decode(&magic).is_err());
        // A changed record byte reads, and the batch CRC then refuses it.
        let mut edited = bytes;
        let last = edited.len() - 1;
        edited[last] ^= 1;
        if let Ok(s) = decode(&edited) {
            assert!(load_batch(&s).is_err());
        }
    }
}
