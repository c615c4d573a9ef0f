//! TLS record layer (RFC 8446 §5.1, RFC 5246 §6.2.1): cut a direction's byte stream into
//! records, keeping where each header and payload lies in the stream bytes.
//!
//! ```text
//! struct {
//!     ContentType type;                  // 1 byte
//!     ProtocolVersion legacy_record_version;  // 2 bytes
//!     uint16 length;                      // at most 2^14 (+2048 for ciphertext)
//!     opaque fragment[TLSPlaintext.length];
//! } TLSPlaintext;
//! ```

use bytes::Bytes;

use crate::code::{ct, ContentType};
use crate::model::{Diagnostic, Dir, Span, TextRef};
use crate::reader::PieceMap;
pub use crate::wire::{sslv2_hello_len, MAX_RECORD_LEN};
use crate::wire::plausible_header;

pub use crate::code::ct::SSLV2;


#[derive(Clone, Debug)]
pub struct RawRecord {
    pub dir: Option<Dir>,
    pub content_type: ContentType,
    pub version: u16,
    /// Declared length (may exceed what the capture holds when truncated).
    pub length: usize,
    /// Absolute span of the 5-byte header (covering, if split across chunks).
    pub header: Span,
    /// A cheap view into the direction's stream (no copy per record).
    pub payload: Bytes,
    /// Payload positions -> absolute offsets.
    pub payload_map: PieceMap,
    pub truncated: bool,
    /// Rebuilt from plaintext that travelled encrypted (a tool log printed it decrypted).
    pub decrypted: bool,
    /// Rebuilt around QUIC CRYPTO frame data (there are no TLS records in QUIC).
    pub quic: bool,
    /// Rebuilt around a Certificate decompressed from a CompressedCertificate (RFC 8879).
    pub inflated: bool,
    /// DTLS: the record's epoch and sequence number (RFC 6347 §4.1; for a DTLS 1.3 unified
    /// header, the low bits it carries, RFC 9147 §4).
    pub dtls: Option<(u16, u64)>,
}

impl RawRecord {
    /// First absolute byte of the record, for wire ordering.
    pub fn start(&self) -> usize {
        self.header.offset
    }
    pub fn span(&self) -> Span {
        let end = if self.payload_map.is_empty() { self.header.end() } else { self.payload_map.abs(self.payload.len() - 1) + 1 };
        Span::new(self.header.offset, end.max(self.header.end()) - self.header.offset)
    }
}

/// Parse the records of one direction. `bytes` is the direction's stream and `map` says where
/// each of its bytes lies in the stream bytes. Stops at the first thing that is not a record
/// header, with a diagnostic naming the offset and what was expected.
pub fn parse_records(bytes: &Bytes, map: &PieceMap, dir: Option<Dir>, diags: &mut Vec<Diagnostic>) -> Vec<RawRecord> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    // Zero-length handshake, alert and ChangeCipherSpec records: how many, and the first.
    let mut empty: Option<(usize, usize)> = None;
    while pos < bytes.len() {
        let rest = &bytes[pos..];
        let abs = map.abs(pos);
        if out.len() == MAX_RECORDS {
            diags.push(Diagnostic::warning(abs, TextRef::new("diag.limit.records").arg("n", MAX_RECORDS.to_string()).arg("at", abs.to_string()).arg("rest", (bytes.len() - pos).to_string())));
            break;
        }
        if let Some(length) = sslv2_hello_len(rest).filter(|_| out.is_empty()) {
            let have = (rest.len() - 2).min(length);
            if have < length {
                diags.push(Diagnostic::error(abs, TextRef::new("diag.record.sslv2_truncated").arg("at", abs.to_string()).arg("length", length.to_string()).arg("have", have.to_string())));
            }
            out.push(RawRecord {
                dir,
                content_type: SSLV2,
                version: u16::from_be_bytes([rest[3], rest[4]]),
                length,
                header: map.span(Span::new(pos, 2)),
                payload: bytes.slice(pos + 2..pos + 2 + have),
                payload_map: map.slice(pos + 2, have),
                truncated: have < length,
                decrypted: false,
                quic: false,
                inflated: false,
                dtls: None,
            });
            pos += 2 + have;
            continue;
        }
        if !(20..=26).contains(&rest[0]) || rest.get(1).is_some_and(|&major| major != 3) {
            // Not a record header: skip to the next place where a plausible record starts, so
            // that what follows a stray piece still gets explained.
            let (skip, next) = skip_to_next(bytes, pos);
            let found: Vec<String> = rest.iter().take(3).map(|b| format!("{b:02x}")).collect();
            if out.is_empty() && next {
                // Before the first record: a STARTTLS or proxy preamble, or a capture that
                // starts in the middle of a record.
                diags.push(Diagnostic::warning(abs, TextRef::new("diag.record.preamble").arg("skip", skip.to_string()).arg("at", abs.to_string())));
                pos += skip;
                continue;
            }
            let text = TextRef::new("diag.record.bad_header").arg("at", abs.to_string()).arg("found", found.join(" ")).arg("skip", skip.to_string()).arg("to", skip_to(next));
            diags.push(Diagnostic::error(abs, text));
            pos += skip;
            continue;
        }
        if rest.len() < 5 {
            diags.push(Diagnostic::error(
                abs,
                TextRef::new("diag.record.header_truncated").arg("at", abs.to_string()).arg("have", rest.len().to_string()),
            ));
            break;
        }
        let content_type = ContentType(rest[0]);
        let version = u16::from_be_bytes([rest[1], rest[2]]);
        let length = u16::from_be_bytes([rest[3], rest[4]]) as usize;
        if length > MAX_RECORD_LEN {
            let (skip, next) = skip_to_next(bytes, pos);
            let text = TextRef::new("diag.record.too_long").arg("at", abs.to_string()).arg("length", length.to_string()).arg("max", MAX_RECORD_LEN.to_string()).arg("skip", skip.to_string()).arg("to", skip_to(next));
            diags.push(Diagnostic::error(abs + 3, text));
            pos += skip;
            continue;
        }
        // RFC 5246 §6.2.1, RFC 8446 §5.1: zero-length fragments of these types must not be sent
        // (application data may be empty).
        if length == 0 && matches!(content_type, ct::CHANGE_CIPHER_SPEC | ct::ALERT | ct::HANDSHAKE) {
            let e = empty.get_or_insert((0, abs));
            e.0 += 1;
        }
        let have = (rest.len() - 5).min(length);
        let truncated = have < length;
        if truncated {
            diags.push(Diagnostic::error(
                abs,
                TextRef::new("diag.record.truncated").arg("at", abs.to_string()).arg("length", length.to_string()).arg("have", have.to_string()),
            ));
        }
        out.push(RawRecord {
            dir,
            content_type,
            version,
            length,
            header: map.span(Span::new(pos, 5)),
            payload: bytes.slice(pos + 5..pos + 5 + have),
            payload_map: map.slice(pos + 5, have),
            truncated,
            decrypted: false,
                quic: false,
                inflated: false,
                dtls: None,
        });
        pos += 5 + have;
    }
    if let Some((n, at)) = empty {
        diags.push(Diagnostic::warning(at, TextRef::new("diag.record.empty").arg("n", n.to_string()).arg("at", at.to_string())));
    }
    out
}

/// Records read per direction of a connection. A real connection may have more (a 1 GB
/// download is about 65,000 full records; `scan` keeps only each connection's start), but a listing of more is not something a reader
/// can use and its JSON would run to hundreds of megabytes; the rest of the bytes are named in
/// a diagnostic.
pub const MAX_RECORDS: usize = 20_000;

/// Handshake (and other) messages explained per connection: the walk stops there, with a
/// diagnostic naming the offset (a 16 KB record can hold 4,096 empty HelloRequests).
pub const MAX_MESSAGES: usize = 20_000;

/// Diagnostics kept per connection; the rest are counted in one more.
pub const MAX_DIAGNOSTICS: usize = 1_000;

/// How far to skip from `pos` to the next plausible record header, and where that is.
/// How many bytes to skip from `pos` to the next plausible record header (or to the end), and
/// whether one was found.
fn skip_to_next(bytes: &[u8], pos: usize) -> (usize, bool) {
    match (pos + 1..bytes.len()).find(|&p| plausible_header(&bytes[p..])) {
        Some(p) => (p - pos, true),
        None => (bytes.len() - pos, false),
    }
}

/// The "{to}" of a skip diagnostic: to the next record header or to the end.
fn skip_to(found: bool) -> &'static str {
    if found {
        "@diag.skip.next"
    } else {
        "@diag.skip.end"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_and_garbage() {
        let data = [0x14, 3, 3, 0, 1, 1, 0x15, 3, 3, 0, 2, 2, 40, 0xde, 0xad];
        let mut d = Vec::new();
        let recs = parse_records(&Bytes::copy_from_slice(&data), &PieceMap::contiguous(0, data.len()), None, &mut d);
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[1].payload, vec![2, 40]);
        assert_eq!(recs[1].span(), Span::new(6, 7));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].offset, 13);
        assert!(d[0].is("record.bad_header") && d[0].text.get("skip") == Some("2") && d[0].text.get("to") == Some("@diag.skip.end"), "{:?}", d[0]);
    }

    #[test]
    fn resynchronises_after_garbage_in_the_middle() {
        let data = [0x14, 3, 3, 0, 1, 1, 0xde, 0xad, 0xbe, 0x15, 3, 3, 0, 2, 1, 0];
        let mut d = Vec::new();
        let recs = parse_records(&Bytes::copy_from_slice(&data), &PieceMap::contiguous(0, data.len()), None, &mut d);
        assert_eq!(recs.iter().map(|r| r.content_type).collect::<Vec<_>>(), [ct::CHANGE_CIPHER_SPEC, ct::ALERT]);
        assert_eq!(recs[1].header.offset, 9);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].offset, 6);
        assert!(d[0].is("record.bad_header") && d[0].text.get("skip") == Some("3") && d[0].text.get("to") == Some("@diag.skip.next"), "{:?}", d[0]);
    }

    #[test]
    fn truncated_record_keeps_what_is_there() {
        let data = [0x16, 3, 1, 0, 10, 1, 0];
        let mut d = Vec::new();
        let recs = parse_records(&Bytes::copy_from_slice(&data), &PieceMap::contiguous(0, data.len()), None, &mut d);
        assert_eq!(recs.len(), 1);
        assert!(recs[0].truncated);
        assert_eq!(recs[0].payload, vec![1, 0]);
        assert!(d[0].is("record.truncated") && d[0].text.get("length") == Some("10"), "{:?}", d[0]);
    }
}

/// Content in rebuilt records of type `ct` (at most 2^14 bytes each): plaintext that travelled
/// encrypted, QUIC CRYPTO data, decompressed certificates.
pub fn rebuild(t: ContentType, content: &[u8]) -> Vec<u8> {
    let mut rec = Vec::with_capacity(content.len() + 5);
    for part in content.chunks(1 << 14) {
        rec.extend_from_slice(&[t.0, 3, 3, (part.len() >> 8) as u8, part.len() as u8]);
        rec.extend_from_slice(part);
    }
    rec
}

/// A DTLS record around plaintext that travelled protected in the record of `epoch` and `seq`
/// (RFC 6347 §4.1): the same header fields, the plaintext's length.
pub fn rebuild_dtls(t: ContentType, version: u16, epoch: u16, seq: u64, content: &[u8]) -> Vec<u8> {
    let mut rec = Vec::with_capacity(content.len() + 13);
    for part in content.chunks(1 << 14) {
        rec.push(t.0);
        rec.extend_from_slice(&version.to_be_bytes());
        rec.extend_from_slice(&epoch.to_be_bytes());
        rec.extend_from_slice(&seq.to_be_bytes()[2..]);
        rec.extend_from_slice(&(part.len() as u16).to_be_bytes());
        rec.extend_from_slice(part);
    }
    rec
}

/// Plaintext records for `ct` content that travelled protected: handshake content gets one
/// record per complete message (so that what follows a message, a decompressed certificate,
/// can be placed right after it), anything else records of at most 2^14 bytes.
pub fn rebuild_messages(t: ContentType, content: &[u8]) -> Vec<u8> {
    let pieces = if t == ct::HANDSHAKE { super::certcomp::split_messages(content) } else { vec![content] };
    pieces.into_iter().flat_map(|p| rebuild(t, p)).collect()
}

/// DTLS records of one datagram (RFC 6347 §4.1; DTLS 1.3 RFC 9147 §4):
/// `type(1) version(2) epoch(2) sequence_number(6) length(2) fragment`, or a DTLS 1.3
/// unified header (first byte 001CSLEE) for protected records, shown as application data.
pub fn parse_dtls_records(bytes: &Bytes, map: &PieceMap, dir: Option<Dir>, diags: &mut Vec<Diagnostic>) -> Vec<RawRecord> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    while pos < bytes.len() {
        let rest = &bytes[pos..];
        let abs = map.abs(pos);
        let record = |header_len: usize, content_type: ContentType, version: u16, length: usize, epoch: u16, seq: u64| -> RawRecord {
            let have = rest.len().saturating_sub(header_len).min(length);
            RawRecord {
                dir,
                content_type,
                version,
                length,
                header: map.span(Span::new(pos, header_len.min(rest.len()))),
                payload: bytes.slice(pos + header_len.min(rest.len())..pos + header_len.min(rest.len()) + have),
                payload_map: map.slice(pos + header_len.min(rest.len()), have),
                truncated: have < length,
                decrypted: false,
                quic: false,
                inflated: false,
                dtls: Some((epoch, seq)),
            }
        };
        if rest[0] & 0xe0 == 0x20 {
            // DTLS 1.3 unified header: C (connection ID, length unknown here: the rest is taken
            // as the record), S (16-bit sequence number), L (length present), two epoch bits.
            let b = rest[0];
            let seq_len = if b & 0x08 != 0 { 2 } else { 1 };
            let has_len = b & 0x04 != 0;
            let header_len = 1 + seq_len + if has_len { 2 } else { 0 };
            if b & 0x10 != 0 || rest.len() < header_len {
                out.push(record(1, ct::APPLICATION_DATA, 0xfefc, rest.len() - 1, u16::from(b & 3), 0));
                break;
            }
            let seq = rest[1..1 + seq_len].iter().fold(0u64, |a, &x| (a << 8) | u64::from(x));
            let length = if has_len { u16::from_be_bytes([rest[1 + seq_len], rest[2 + seq_len]]) as usize } else { rest.len() - header_len };
            let r = record(header_len, ct::APPLICATION_DATA, 0xfefc, length, u16::from(b & 3), seq);
            pos += header_len + r.payload.len();
            if r.truncated {
                diags.push(Diagnostic::error(abs, TextRef::new("diag.record.dtls13_truncated").arg("at", abs.to_string()).arg("length", length.to_string()).arg("have", r.payload.len().to_string())));
            }
            out.push(r);
            continue;
        }
        if rest.len() < 13 || !(20..=26).contains(&rest[0]) || !(rest[1] == 0xfe || rest[1..3] == [1, 0]) {
            diags.push(Diagnostic::error(
                abs,
                TextRef::new("diag.record.dtls_bad_header").arg("at", abs.to_string()).arg("skip", rest.len().to_string()),
            ));
            break;
        }
        let version = u16::from_be_bytes([rest[1], rest[2]]);
        let epoch = u16::from_be_bytes([rest[3], rest[4]]);
        let seq = rest[5..11].iter().fold(0u64, |a, &x| (a << 8) | u64::from(x));
        let length = u16::from_be_bytes([rest[11], rest[12]]) as usize;
        let r = record(13, ContentType(rest[0]), version, length, epoch, seq);
        if r.truncated {
            diags.push(Diagnostic::error(abs, TextRef::new("diag.record.dtls_truncated").arg("at", abs.to_string()).arg("length", length.to_string()).arg("have", r.payload.len().to_string())));
        }
        pos += 13 + r.payload.len();
        out.push(r);
    }
    out
}
