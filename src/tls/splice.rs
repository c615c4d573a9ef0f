//! Bytes that were never on the wire as such, walked where they belong: plaintext a key log
//! opened (placed right after the record that carried it) and a Certificate decompressed from a
//! CompressedCertificate (right after the record that ended it). The walker reads them once, as
//! they arise, at addresses past the end of the capture's bytes ("virtual" offsets); when the walk
//! is over, `assemble` builds the bytes the reader sees (each splice right after its record) and
//! an `OffsetMap` that moves every span the walk made to where its bytes now are.
//!
//! A splice can sit inside another one (a decompressed certificate inside decrypted plaintext).

#[cfg(feature = "full")]
use crate::input::Capture;
use crate::model::{Dir, Field, Span};

use super::TlsConnection;
#[cfg(feature = "full")]
use super::walker::{Pending, Walker};
#[cfg(feature = "full")]
use super::{di, record};
#[cfg(feature = "full")]
use crate::code::ct;
#[cfg(feature = "full")]
use crate::reader::PieceMap;

/// Bytes to place right after source offset `at` (an offset of the capture's bytes or, for a
/// splice inside a splice, a virtual one), walked at virtual offsets `virt..virt + bytes.len()`.
#[derive(Clone, Debug)]
pub struct Splice {
    pub at: usize,
    pub dir: Dir,
    pub virt: usize,
    pub bytes: Vec<u8>,
    /// A decompressed Certificate (RFC 8879), not decrypted plaintext.
    pub inflated: bool,
}

/// Source offset (the capture's or virtual) -> offset in the assembled bytes.
#[derive(Clone, Debug, Default)]
pub struct OffsetMap {
    /// (source start, assembled start), sorted by source start: each segment runs to the next
    /// one's start. The walker leaves a one-byte gap after the capture's bytes and after each
    /// splice's, so that the end of each is an offset of its own.
    segs: Vec<(usize, usize)>,
}

impl OffsetMap {
    /// Where source byte `o` is now. The end of the capture's bytes or of a splice's (one past
    /// its last byte) goes with the byte before it; an offset of the capture where a splice was
    /// placed is the byte after the splice.
    pub fn at(&self, o: usize) -> usize {
        let i = self.segs.partition_point(|s| s.0 <= o);
        match i.checked_sub(1).map(|k| self.segs[k]) {
            Some((s, f)) => f + (o - s),
            None => o,
        }
    }

    /// A span whose first and last bytes move to where they are now.
    pub fn span(&self, s: Span) -> Span {
        if s.len == 0 {
            return Span::new(self.at(s.offset), 0);
        }
        let start = self.at(s.offset);
        let end = self.at(s.offset + s.len - 1) + 1;
        Span::new(start, end.saturating_sub(start))
    }

    fn fields(&self, fields: &mut [Field]) {
        for f in fields {
            f.span = self.span(f.span);
            self.fields(&mut f.children);
        }
    }

    /// Move every span and offset of a walked connection (records, messages, their fields,
    /// certificates, diagnostics and the offsets their texts name).
    pub fn connection(&self, t: &mut TlsConnection) {
        for r in &mut t.records {
            r.span = self.span(r.span);
        }
        for m in &mut t.messages {
            m.span = self.span(m.span);
            for p in &mut m.pieces {
                *p = self.span(*p);
            }
            self.fields(&mut m.fields);
        }
        for c in &mut t.certificates {
            c.span = self.span(c.span);
            for p in &mut c.pieces {
                *p = self.span(*p);
            }
        }
        for d in &mut t.diagnostics {
            d.offset = self.at(d.offset);
            // The walker's diagnostics name their offsets in the text too ("at", "start").
            for (k, v) in &mut d.text.args {
                if matches!(*k, "at" | "start") {
                    if let Ok(o) = v.parse::<usize>() {
                        *v = self.at(o).to_string();
                    }
                }
            }
        }
    }
}

#[cfg(feature = "full")]
/// Total length of splice `i` with everything spliced into it.
fn total(splices: &[Splice], kids: &[Vec<usize>], i: usize) -> usize {
    splices[i].bytes.len() + kids[i].iter().map(|&k| total(splices, kids, k)).sum::<usize>()
}

#[cfg(feature = "full")]
/// Splice `i`'s bytes with its children in place, appended to `out`; its segments (from
/// assembled offset `base`) pushed to `segs`.
/// The assembled ranges of decompressed certificates go to `inflated`.
fn flatten(splices: &[Splice], kids: &[Vec<usize>], i: usize, base: usize, out: &mut Vec<u8>, segs: &mut Vec<(usize, usize)>, inflated: &mut Vec<(usize, usize)>) {
    let s = &splices[i];
    let mut from = 0;
    let mut pos = base;
    let seg = |from: usize, to: usize, pos: usize, segs: &mut Vec<(usize, usize)>, inflated: &mut Vec<(usize, usize)>| {
        if to > from {
            segs.push((s.virt + from, pos));
        }
        if s.inflated && to > from {
            inflated.push((pos, to - from));
        }
    };
    for &k in &kids[i] {
        let cut = splices[k].at - s.virt;
        seg(from, cut, pos, segs, inflated);
        out.extend_from_slice(&s.bytes[from..cut]);
        pos += cut - from;
        from = cut;
        flatten(splices, kids, k, pos, out, segs, inflated);
        pos += total(splices, kids, k);
    }
    seg(from, s.bytes.len(), pos, segs, inflated);
    out.extend_from_slice(&s.bytes[from..]);
}

#[cfg(feature = "full")]
/// The capture the reader sees (each splice right after its record, marked decrypted; the
/// decompressed ones also marked inflated) and where each walked offset went.
pub fn assemble(cap: &Capture, splices: &[Splice]) -> (Capture, OffsetMap) {
    let n = cap.data.len();
    // Each splice's parent: the capture (None) or the splice whose bytes end at or hold `at`.
    let parent = |s: &Splice| splices.iter().position(|p| p.virt < s.at && s.at <= p.virt + p.bytes.len());
    let mut kids: Vec<Vec<usize>> = vec![Vec::new(); splices.len()];
    let mut top: Vec<usize> = Vec::new();
    for (i, s) in splices.iter().enumerate() {
        match if s.at <= n { None } else { parent(s) } {
            Some(p) => kids[p].push(i),
            None => top.push(i),
        }
    }
    // By position, then in the order they were made. (One sort of (usize, usize) pairs for
    // all: each sort instance costs the page's wasm about 2 KB.)
    let by_at = |v: &mut Vec<usize>| {
        let mut keyed: Vec<(usize, usize)> = v.iter().map(|&i| (splices[i].at, i)).collect();
        keyed.sort_unstable();
        *v = keyed.into_iter().map(|(_, i)| i).collect();
    };
    for k in kids.iter_mut() {
        by_at(k);
    }
    by_at(&mut top);
    let mut segs = Vec::new();
    let mut inserts = Vec::with_capacity(top.len());
    let mut from = 0;
    let mut pos = 0;
    let mut inflated = Vec::new();
    for &t in &top {
        let at = splices[t].at.min(n);
        if at > from {
            segs.push((from, pos));
        }
        pos += at - from;
        from = at;
        let mut bytes = Vec::with_capacity(total(splices, &kids, t));
        flatten(splices, &kids, t, pos, &mut bytes, &mut segs, &mut inflated);
        pos += bytes.len();
        inserts.push((at, splices[t].dir, bytes));
    }
    if n > from {
        segs.push((from, pos));
    }
    segs.sort_unstable();
    let mut out = crate::input::insert(cap, inserts);
    out.inflated.extend(inflated);
    (out, OffsetMap { segs })
}

#[cfg(feature = "full")]
/// Records in the order of their bytes (a record spliced in after a record of one direction may
/// land after a record of the other that the walk met later), indexed by that order: a record's
/// `index` and the messages' `records` said where it was in the walk.
pub(super) fn in_wire_order(out: &mut TlsConnection) {
    // Records of one offset keep their walk order (a stable sort).
    crate::reader::sort_by_u64(&mut out.records, |r| r.span.offset as u64);
    let mut new_of = vec![usize::MAX; out.records.iter().map(|r| r.index + 1).max().unwrap_or(0)];
    for (k, r) in out.records.iter_mut().enumerate() {
        new_of[r.index] = k;
        r.index = k;
    }
    for m in &mut out.messages {
        for r in &mut m.records {
            *r = new_of.get(*r).copied().filter(|&k| k != usize::MAX).unwrap_or(*r);
        }
    }
}

#[cfg(feature = "full")]
impl Walker {
    /// Walk `bytes` (rebuilt records) as if they came right after source offset `at`.
    pub(super) fn splice(&mut self, at: usize, dir: Dir, bytes: Vec<u8>, inflated: bool) {
        let virt = self.virt;
        // A gap after each splice: its end is its own offset, not the next one's start.
        self.virt += bytes.len() + 1;
        let mut diags = Vec::new();
        let (b, map) = (bytes::Bytes::copy_from_slice(&bytes), PieceMap::contiguous(virt, bytes.len()));
        let recs = if self.dtls { record::parse_dtls_records(&b, &map, Some(dir), &mut diags) } else { record::parse_records(&b, &map, Some(dir), &mut diags) };
        self.out.diagnostics.append(&mut diags);
        self.splices.push(Splice { at, dir, virt, bytes, inflated });
        // A decompressed Certificate is a whole message: walked on its own, not after the part
        // of the next message that the record before it may have begun.
        let pd = di(if self.marked { Some(dir) } else { None });
        let held = if inflated { std::mem::take(&mut self.pending[pd]) } else { Pending::default() };
        for mut r in recs {
            r.decrypted = true;
            r.inflated = inflated;
            self.raw.push(r);
            self.record(self.raw.len() - 1);
            self.splice_inflated();
        }
        if inflated {
            self.pending[pd] = held;
        }
    }

    /// Splice in the Certificates decompressed since the last call.
    pub(super) fn splice_inflated(&mut self) {
        while !self.inflated.is_empty() {
            let (at, dir, message) = self.inflated.remove(0);
            self.splice(at, dir, record::rebuild(ct::HANDSHAKE, &message), true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two splices into "abcdef" (after "ab" and at the end) and one inside the first: every
    /// byte lands where `insert` put it, and the map says so.
    #[test]
    fn splices_land_after_their_bytes_and_the_map_follows() {
        let mut cap = Capture { data: b"abcdef".to_vec(), ..Default::default() };
        cap.chunks = vec![crate::input::ChunkIn { dir: Some(Dir::C2S), offset: 0, len: 6, frame: None, time: None, layer: None }];
        // Virtual offsets as the walker gives them: from one past the capture's end (7), with a
        // one-byte gap after each splice, so that every end is an offset of its own.
        let splices = vec![
            Splice { at: 2, dir: Dir::C2S, virt: 7, bytes: b"XYZ".to_vec(), inflated: false },
            Splice { at: 6, dir: Dir::C2S, virt: 11, bytes: b"Q".to_vec(), inflated: false },
            // Inside the first, after its "XY".
            Splice { at: 9, dir: Dir::C2S, virt: 13, bytes: b"ii".to_vec(), inflated: true },
        ];
        let (out, map) = assemble(&cap, &splices);
        assert_eq!(out.data, b"abXYiiZcdefQ");
        // Source bytes: 'c' (2) -> 7, 'X' (7) -> 2, 'Z' (9) -> 6, 'i' (13) -> 4, 'Q' (11) -> 11.
        assert_eq!([map.at(0), map.at(2), map.at(7), map.at(9), map.at(13), map.at(11)], [0, 7, 2, 6, 4, 11]);
        // The end of "XYZ" is just after its 'Z' (7), not where "Q" went; the end of "ii" just
        // after it (6, where 'Z' is).
        assert_eq!((map.at(10), map.at(15)), (7, 6));
        // "XYZ" as one span covers what was spliced into it.
        assert_eq!(map.span(Span::new(7, 3)), Span::new(2, 5));
        assert_eq!(out.inflated, vec![(4, 2)]);
        assert!(out.decrypted.iter().any(|&(o, l)| (o, l) == (2, 5)), "{:?}", out.decrypted);
        // The capture's end goes with its last byte ('f', now at 10).
        assert_eq!(map.at(6), 11);
    }
}
