//! Checked byte reader and piece maps: every read is bounds-checked and every position can be
//! mapped back to an absolute offset in the stream bytes the user sees.

use crate::model::{Span, TextRef};

/// Why a read failed: the data ended early (`Truncated`) or a length/value is impossible
/// (`Malformed`). `at` is relative to the reader's buffer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// Needed `need` more bytes at `at` for `what`, but only `have` remain.
    Truncated { at: usize, what: &'static str, need: usize, have: usize },
    /// The bytes at `at` are impossible: `why` says what is wrong with them (a text under diag.read).
    Malformed { at: usize, why: TextRef },
}

impl ReadError {
    pub fn at(&self) -> usize {
        match self {
            ReadError::Truncated { at, .. } | ReadError::Malformed { at, .. } => *at,
        }
    }
    /// What went wrong, as a text.
    pub fn describe(&self) -> TextRef {
        match self {
            ReadError::Truncated { what, need, have, .. } => TextRef::new("diag.read.truncated").arg("need", need.to_string()).arg("what", *what).arg("have", have.to_string()),
            ReadError::Malformed { why, .. } => why.clone(),
        }
    }
}

/// "1 byte", "2 bytes".
pub fn nbytes(n: usize) -> crate::model::Value {
    bytes_value(n).into()
}

/// Lowercase hex of `b`.
pub fn hexs(b: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(b.len() * 2);
    for &x in b {
        s.push(DIGITS[(x >> 4) as usize] as char);
        s.push(DIGITS[(x & 15) as usize] as char);
    }
    s
}

/// Hex, shortened in the middle for long values (with their size, in the output language).
pub fn hex_short(b: &[u8]) -> crate::model::Value {
    if b.len() <= 40 {
        hexs(b).into()
    } else {
        TextRef::new("word.value.hex_long").arg("head", hexs(&b[..16])).arg("tail", hexs(&b[b.len() - 8..])).arg("n", b.len().to_string()).into()
    }
}

/// A variable-length integer (RFC 9000 §16): the two top bits of the first byte give its
/// length, 1, 2, 4 or 8 bytes.
pub fn varint(r: &mut Reader<'_>, what: &'static str) -> ReadResult<(u64, Span)> {
    let start = r.pos();
    let (b, _) = r.u8(what)?;
    let len = 1usize << (b >> 6);
    let mut v = u64::from(b & 0x3f);
    if len > 1 {
        let (rest, _) = r.take(len - 1, what)?;
        for &x in rest {
            v = (v << 8) | u64::from(x);
        }
    }
    Ok((v, Span::new(start, len)))
}

/// The first line of `b` (at most 60 characters), printable ASCII only, for a note; "—" when
/// empty.
pub fn first_line(b: &[u8]) -> String {
    let line: String = b.iter().take_while(|&&c| c != b'\r' && c != b'\n').take(60).map(|&c| if (0x20..0x7f).contains(&c) { c as char } else { '.' }).collect();
    if line.is_empty() {
        "—".into()
    } else {
        line
    }
}

/// "1 byte", "N bytes" as a value in the output language.
pub fn bytes_value(n: usize) -> TextRef {
    if n == 1 {
        TextRef::new("word.value.byte")
    } else {
        TextRef::new("word.value.bytes").arg("n", n.to_string())
    }
}

/// Sort `v` by `key`, keeping equal keys in their order (a stable sort). Every caller shares one
/// sort of (key, index) pairs: a `sort_by_key` per element type costs about 2 KB of wasm each.
pub fn sort_by_u64<T>(v: &mut Vec<T>, key: impl Fn(&T) -> u64) {
    let mut order: Vec<(u64, usize)> = v.iter().enumerate().map(|(i, x)| (key(x), i)).collect();
    if order.is_sorted() {
        return;
    }
    order.sort_unstable();
    let mut slots: Vec<Option<T>> = v.drain(..).map(Some).collect();
    v.extend(order.iter().filter_map(|&(_, i)| slots[i].take()));
}

pub type ReadResult<T> = Result<T, ReadError>;

/// A cursor over `data`; positions are relative to the start of `data` plus `base`.
#[derive(Clone)]
pub struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    base: usize,
}

impl<'a> Reader<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Reader { data, pos: 0, base: 0 }
    }
    /// A reader whose positions start at `base` (the offset of `data` in the stream bytes).
    pub fn with_base(data: &'a [u8], base: usize) -> Self {
        Reader { data, pos: 0, base }
    }
    /// Position relative to the outermost buffer.
    pub fn pos(&self) -> usize {
        self.base + self.pos
    }
    pub fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }
    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }
    pub fn rest(&mut self) -> (&'a [u8], Span) {
        let start = self.pos();
        let out = &self.data[self.pos..];
        self.pos = self.data.len();
        (out, Span::new(start, out.len()))
    }
    pub fn take(&mut self, n: usize, what: &'static str) -> ReadResult<(&'a [u8], Span)> {
        if self.remaining() < n {
            return Err(ReadError::Truncated { at: self.pos(), what, need: n, have: self.remaining() });
        }
        let start = self.pos();
        let out = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok((out, Span::new(start, n)))
    }
    pub fn u8(&mut self, what: &'static str) -> ReadResult<(u8, Span)> {
        let (b, s) = self.take(1, what)?;
        Ok((b[0], s))
    }
    pub fn u16(&mut self, what: &'static str) -> ReadResult<(u16, Span)> {
        let (b, s) = self.take(2, what)?;
        Ok((u16::from_be_bytes([b[0], b[1]]), s))
    }
    pub fn u24(&mut self, what: &'static str) -> ReadResult<(usize, Span)> {
        let (b, s) = self.take(3, what)?;
        Ok((((b[0] as usize) << 16) | ((b[1] as usize) << 8) | b[2] as usize, s))
    }
    pub fn u32(&mut self, what: &'static str) -> ReadResult<(u32, Span)> {
        let (b, s) = self.take(4, what)?;
        Ok((u32::from_be_bytes([b[0], b[1], b[2], b[3]]), s))
    }
    /// A sub-reader over the next `n` bytes (a length-prefixed vector body).
    pub fn sub(&mut self, n: usize, what: &'static str) -> ReadResult<Reader<'a>> {
        let start = self.pos();
        let (bytes, _) = self.take(n, what)?;
        Ok(Reader { data: bytes, pos: 0, base: start })
    }
    /// Read a length prefix of `width` bytes (1, 2 or 3) and return the body reader, the span of
    /// the prefix, and the declared length.
    pub fn vec(&mut self, width: usize, what: &'static str) -> ReadResult<(Reader<'a>, Span)> {
        let (len, lspan) = match width {
            1 => self.u8(what).map(|(v, s)| (v as usize, s))?,
            2 => self.u16(what).map(|(v, s)| (v as usize, s))?,
            _ => self.u24(what)?,
        };
        let body = self.sub(len, what)?;
        Ok((body, lspan))
    }
}

/// One contiguous piece: `len` bytes at relative offset `rel` live at absolute offset `abs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Piece {
    pub rel: usize,
    pub abs: usize,
    pub len: usize,
}

/// Maps positions of a logical byte sequence (a direction's stream, a record payload, a
/// reassembled handshake message) to absolute offsets in the stream bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PieceMap {
    pieces: Vec<Piece>,
}

impl PieceMap {
    pub fn contiguous(abs: usize, len: usize) -> Self {
        PieceMap { pieces: vec![Piece { rel: 0, abs, len }] }
    }
    pub fn len(&self) -> usize {
        self.pieces.last().map(|p| p.rel + p.len).unwrap_or(0)
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Append `other` after the current end.
    pub fn append(&mut self, other: &PieceMap) {
        let base = self.len();
        for p in &other.pieces {
            self.push(p.abs, p.len, base + p.rel);
        }
    }
    fn push(&mut self, abs: usize, len: usize, rel: usize) {
        if len == 0 {
            return;
        }
        if let Some(last) = self.pieces.last_mut() {
            if last.abs + last.len == abs && last.rel + last.len == rel {
                last.len += len;
                return;
            }
        }
        self.pieces.push(Piece { rel, abs, len });
    }
    /// Absolute offset of relative position `rel` (positions at the very end map just past the
    /// last byte).
    pub fn abs(&self, rel: usize) -> usize {
        for p in &self.pieces {
            if rel < p.rel + p.len {
                return p.abs + rel.saturating_sub(p.rel);
            }
        }
        self.pieces.last().map(|p| p.abs + p.len + rel.saturating_sub(p.rel + p.len)).unwrap_or(rel)
    }
    /// The sub-map for relative range [rel, rel+len), renumbered from 0.
    pub fn slice(&self, rel: usize, len: usize) -> PieceMap {
        let mut out = PieceMap::default();
        let end = rel + len;
        for p in &self.pieces {
            let s = rel.max(p.rel);
            let e = end.min(p.rel + p.len);
            if s < e {
                out.push(p.abs + (s - p.rel), e - s, s - rel);
            }
        }
        out
    }
    /// Absolute span covering relative span `s` (including any bytes between its pieces).
    pub fn span(&self, s: Span) -> Span {
        let end = s.offset + s.len;
        let mut cover: Option<(usize, usize)> = None;
        if s.len > 0 {
            for p in &self.pieces {
                let (a, b) = (s.offset.max(p.rel), end.min(p.rel + p.len));
                if a < b {
                    let (lo, hi) = (p.abs + (a - p.rel), p.abs + (b - p.rel));
                    cover = Some(cover.map_or((lo, hi), |(x, y)| (x.min(lo), y.max(hi))));
                }
            }
        }
        match cover {
            Some((lo, hi)) => Span::new(lo, hi - lo),
            None => Span::new(self.abs(s.offset), 0),
        }
    }
    /// The absolute pieces as spans.
    pub fn spans(&self) -> Vec<Span> {
        self.pieces.iter().map(|p| Span::new(p.abs, p.len)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_reports_truncation_with_position() {
        let data = [0u8, 5, 1, 2];
        let mut r = Reader::new(&data);
        let err = r.vec(2, "cipher_suites").err();
        assert_eq!(
            err,
            Some(ReadError::Truncated { at: 2, what: "cipher_suites", need: 5, have: 2 })
        );
    }

    #[test]
    fn sort_by_u64_is_stable() {
        let mut v = vec![(3, 'a'), (1, 'b'), (3, 'c'), (0, 'd'), (1, 'e')];
        sort_by_u64(&mut v, |x| x.0);
        assert_eq!(v, vec![(0, 'd'), (1, 'b'), (1, 'e'), (3, 'a'), (3, 'c')]);
        let mut empty: Vec<u8> = Vec::new();
        sort_by_u64(&mut empty, |&x| x.into());
        assert!(empty.is_empty());
    }

    #[test]
    fn sub_reader_keeps_absolute_positions() {
        let data = [9u8, 0, 2, 7, 8];
        let mut r = Reader::new(&data);
        r.u8("x").ok();
        let (mut body, lspan) = r.vec(2, "v").ok().unwrap_or_else(|| (Reader::new(&[]), Span::default()));
        assert_eq!(lspan, Span::new(1, 2));
        assert_eq!(body.u8("a").ok(), Some((7, Span::new(3, 1))));
    }

    #[test]
    fn piece_map_maps_across_gaps() {
        // Message bytes 0..4 at abs 10..14, bytes 4..10 at abs 19..25 (a record header between).
        let mut m = PieceMap::contiguous(10, 4);
        m.append(&PieceMap::contiguous(19, 6));
        assert_eq!(m.len(), 10);
        assert_eq!(m.abs(3), 13);
        assert_eq!(m.abs(4), 19);
        assert_eq!(m.span(Span::new(2, 4)), Span::new(12, 9));
        assert_eq!(m.slice(3, 3).spans(), vec![Span::new(13, 1), Span::new(19, 2)]);
        assert_eq!(m.span(Span::new(5, 2)), Span::new(20, 2));
    }
}
