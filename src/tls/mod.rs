//! TLS layer: records -> handshake messages (reassembled across records) -> field trees.
//! Walks the records of both directions in wire order, tracks what the handshake has
//! negotiated so far (version, suite, who has switched to encryption), and infers directions
//! when the input did not mark them.

pub mod certcomp;
mod content;
mod direction;
mod dtls;
mod extensions;
mod facts;
mod log;
mod messages;
pub mod record;
mod splice;
mod walker;

pub use extensions::ExtFacts;
pub use facts::{hours, ClientHelloInfo, Facts, MsgFacts, ServerHelloInfo, SkeInfo, Ticket, TlsConnection};

use crate::code::{CipherSuite, ContentType};
use crate::input::Capture;
use crate::model::{Diagnostic, Dir, Field, Message, Span, TextRef};
use crate::reader::{PieceMap, ReadError};
pub(crate) use crate::reader::{hex_short, hexs, nbytes};
use crate::registry::KeyExchange;
use record::RawRecord;
use walker::Walker;

pub use messages::HRR_RANDOM;
pub use splice::{OffsetMap, Splice};

/// A later stage's part in the walk (decryption, src/crypto/decrypt.rs). It sees each record of
/// the input in wire order, right after the walker has, with the facts learned so far, and may
/// give back plaintext that travelled protected: the walker walks it at once, as records placed
/// right after the record that carried it.
pub trait Opener {
    /// What `r` held, if anything, goes to `out`.
    fn record(&mut self, r: &RawRecord, facts: &Facts, out: &mut Vec<Opened>);
}

/// Plaintext an `Opener` got out of a record: its inner content type and content, to be placed
/// after source offset `at` (the end of the record it travelled in).
pub struct Opened {
    pub at: usize,
    pub dir: Dir,
    pub content_type: ContentType,
    pub content: Vec<u8>,
}

/// One walk of a connection: what it says, and, when bytes were spliced in (decrypted
/// plaintext, decompressed certificates), the capture as the reader sees it, with every span
/// of `tls` pointing into it, and where each walked offset went.
pub struct Walked {
    pub tls: TlsConnection,
    pub cap: Option<Capture>,
    pub map: OffsetMap,
}

/// Context the message parsers need from earlier messages.
#[derive(Clone, Copy, Debug, Default)]
pub struct Ctx {
    pub version: Option<u16>,
    pub suite: Option<CipherSuite>,
    pub kx: Option<KeyExchange>,
    pub tls13: bool,
    pub dir: Option<Dir>,
    /// DTLS (RFC 6347): the ClientHello has a cookie, HelloVerifyRequest exists.
    pub dtls: bool,
    /// Read only the facts; build no fields (see `model::Fields`).
    pub lean: bool,
    /// The server answered encrypt_then_mac (RFC 7366): CBC records carry their MAC in the clear.
    pub etm: bool,
}

fn di(d: Option<Dir>) -> usize {
    match d {
        Some(Dir::C2S) => 0,
        Some(Dir::S2C) => 1,
        None => 2,
    }
}

/// The records of a capture in wire order: per direction when the input marks directions,
/// else as one stream. Records rebuilt from decrypted plaintext are flagged.
pub fn raw_records(cap: &Capture, diags: &mut Vec<Diagnostic>) -> Vec<RawRecord> {
    if !cap.marked {
        return record::parse_records(&bytes::Bytes::copy_from_slice(&cap.data), &PieceMap::contiguous(0, cap.data.len()), None, diags);
    }
    if cap.chunks.first().is_some_and(|c| c.dir.is_none()) {
        diags.push(Diagnostic::warning(0, TextRef::new("diag.dir.before_marker")));
    }
    let mut raw = Vec::new();
    if cap.dtls {
        // DTLS: records never cross datagrams; each chunk is one datagram.
        let mut raw: Vec<RawRecord> = Vec::new();
        for c in cap.chunks.iter().filter(|c| c.layer.is_none()) {
            raw.extend(record::parse_dtls_records(&bytes::Bytes::copy_from_slice(&cap.data[c.offset..c.offset + c.len]), &PieceMap::contiguous(c.offset, c.len), c.dir, diags));
        }
        return raw;
    }
    for dir in [Dir::C2S, Dir::S2C] {
        let in_dir = |c: &&crate::input::ChunkIn| c.dir.unwrap_or(Dir::C2S) == dir && c.layer.is_none();
        let mut bytes = Vec::with_capacity(cap.chunks.iter().filter(in_dir).map(|c| c.len).sum());
        let mut map = PieceMap::default();
        for c in cap.chunks.iter().filter(in_dir) {
            bytes.extend_from_slice(&cap.data[c.offset..c.offset + c.len]);
            map.append(&PieceMap::contiguous(c.offset, c.len));
        }
        let mut d = Vec::new();
        let recs = record::parse_records(&bytes.into(), &map, Some(dir), &mut d);
        // A truncated record (or header) ends the bytes, so it is the last diagnostic.
        if cap.cut && d.last().is_some_and(|x| x.is("record.truncated") || x.is("record.header_truncated")) {
            d.pop();
        }
        diags.append(&mut d);
        raw.extend(recs);
    }
    crate::reader::sort_by_u64(&mut raw, |r: &RawRecord| r.start() as u64);
    for r in raw.iter_mut() {
        r.decrypted = cap.decrypted.iter().any(|&(o, l)| (o..o + l).contains(&r.start()));
        r.quic = r.decrypted && cap.quic;
        r.inflated = cap.inflated.iter().any(|&(o, l)| (o..o + l).contains(&r.start()));
    }
    raw
}

/// Add `more` steps (QUIC: the packets that carried the handshake) among the messages, in the
/// order of their bytes, and number them all.
pub fn add_steps(out: &mut TlsConnection, more: Vec<Message>) {
    out.messages.extend(more);
    crate::reader::sort_by_u64(&mut out.messages, |m| m.span.offset as u64);
    for (i, m) in out.messages.iter_mut().enumerate() {
        m.step = i + 1;
    }
}

/// Parse a capture's bytes as the records of one TLS connection.
pub fn parse(cap: &Capture) -> TlsConnection {
    parse_lean(cap, false)
}

/// `parse`; when `lean`, messages get names, spans and facts but no fields (for summaries).
pub fn parse_lean(cap: &Capture, lean: bool) -> TlsConnection {
    walk(cap, lean, None, false).tls
}

/// Walk a capture's records once: with an `opener`, the plaintext it gets out of protected
/// records is walked right after them; with `inflate`, so are the Certificates decompressed
/// from CompressedCertificate messages.
#[cfg_attr(not(feature = "full"), allow(unused_mut, unused_variables))]
pub fn walk(cap: &Capture, lean: bool, mut opener: Option<&mut dyn Opener>, inflate: bool) -> Walked {
    if !cap.log.is_empty() {
        return Walked { tls: log::from_log(cap), cap: None, map: OffsetMap::default() };
    }
    let mut diags = Vec::new();
    let raw = raw_records(cap, &mut diags);
    let n = raw.len();
    #[cfg(feature = "full")]
    let mut opened = Vec::new();
    let mut w = Walker {
        splices: Vec::new(),
        virt: cap.data.len() + 1,
        inflate,
        inflated: Vec::new(),
        inflated_total: 0,
        inflate_notes: Vec::new(),
        out: TlsConnection {
            diagnostics: diags,
            dirs_inferred: !cap.marked,
            // About one message per record.
            records: Vec::with_capacity(n),
            messages: Vec::with_capacity(n),
            ..Default::default()
        },
        raw,
        pending: Default::default(),
        encrypted: [false; 2],
        ccs_seen: Vec::new(),
        last_hs_dir: None,
        server_hello_done: false,
        enc_count: [0; 2],
        marked: cap.marked,
        fin13: [false; 2],
        ccs_at_server_hello: 0,
        server_cert_seen: false,
        last_type: [None; 2],
        dtls: cap.dtls,
        dtls_msgs: Default::default(),
        lean,
        dropped_at: None,
    };
    for i in 0..n {
        w.record(i);
        // (The lite core opens and decompresses nothing: such input goes to the full one.)
        #[cfg(feature = "full")]
        {
            if let Some(op) = opener.as_deref_mut() {
                op.record(&w.raw[i], &w.out.facts, &mut opened);
                for o in opened.drain(..) {
                    // DTLS: one record with the protected record's header fields (its handshake
                    // content is fragments with their own 12-byte headers).
                    let bytes = match w.raw[i].dtls {
                        Some((epoch, seq)) => record::rebuild_dtls(o.content_type, w.raw[i].version, epoch, seq, &o.content),
                        None => record::rebuild_messages(o.content_type, &o.content),
                    };
                    w.splice(o.at, o.dir, bytes, false);
                }
            }
            w.splice_inflated();
        }
        if let Some(at) = w.dropped_at {
            w.out.diagnostics.push(Diagnostic::warning(at, TextRef::new("diag.limit.messages").arg("n", record::MAX_MESSAGES.to_string()).arg("at", at.to_string()).arg("rest", (n - i - 1).to_string())));
            break;
        }
    }
    w.finish();
    // A CompressedCertificate completed by the end of the input.
    #[cfg(feature = "full")]
    while !w.inflated.is_empty() {
        w.splice_inflated();
        w.finish();
    }
    let (splices, inflate_notes) = (std::mem::take(&mut w.splices), std::mem::take(&mut w.inflate_notes));
    let mut out = w.out;
    // Put what was spliced in where the reader sees it, and every span with it.
    #[cfg(feature = "full")]
    let (spliced, map) = if splices.is_empty() { (None, OffsetMap::default()) } else {
        let (c, map) = splice::assemble(cap, &splices);
        map.connection(&mut out);
        splice::in_wire_order(&mut out);
        (Some(c), map)
    };
    #[cfg(not(feature = "full"))]
    let (spliced, map, _) = (None, OffsetMap::default(), splices);
    if out.diagnostics.len() > record::MAX_DIAGNOSTICS {
        let more = out.diagnostics.len() - record::MAX_DIAGNOSTICS;
        out.diagnostics.truncate(record::MAX_DIAGNOSTICS);
        let at = out.diagnostics.last().map_or(0, |d| d.offset);
        out.diagnostics.push(Diagnostic::warning(at, TextRef::new("diag.limit.diagnostics").arg("n", more.to_string())));
    }
    out.facts.quic = cap.quic;
    out.facts.dtls = cap.dtls;
    add_steps(&mut out, Vec::new());
    // What decompressing certificates found (RFC 8879).
    out.notes = inflate_notes;
    Walked { tls: out, cap: spliced, map }
}

/// Parsed body of one handshake message.
pub struct ParsedBody {
    pub fields: Vec<Field>,
    pub facts: MsgFacts,
    pub error: Option<ReadError>,
}

/// The length prefix of a vector, as a field.
pub(crate) fn len_field(s: Span, n: usize) -> Field {
    Field::says("length", crate::reader::bytes_value(n), s).note("field.vector_length")
}

/// An opaque value as shown: its hex, or "(empty)".
pub(crate) fn empty_or_hex(b: &[u8]) -> crate::model::Value {
    if b.is_empty() {
        TextRef::new("word.value.empty").into()
    } else {
        hexs(b).into()
    }
}

/// A length-prefixed opaque vector (RFC 8446 §3.4, `opaque x<0..2^8-1>` and the like): its
/// bytes, the span of the whole (length prefix and bytes), and where its length prefix is.
pub(crate) struct Vector<'a> {
    pub bytes: &'a [u8],
    pub span: Span,
    len_span: Span,
}

impl<'a> Vector<'a> {
    /// Read a vector whose length prefix is `width` bytes.
    pub fn read(r: &mut crate::reader::Reader<'a>, width: usize, what: &'static str) -> Result<Vector<'a>, ReadError> {
        let start = r.pos();
        let (mut v, len_span) = r.vec(width, what)?;
        let (bytes, _) = v.rest();
        Ok(Vector { bytes, span: Span::new(start, r.pos() - start), len_span })
    }
    /// The vector as a field called `name` showing `value`, with its length as the one child.
    pub fn field(&self, name: &str, value: impl Into<crate::model::Value>) -> Field {
        Field::new(name, value, self.span).with_children(vec![len_field(self.len_span, self.bytes.len())])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Extra steps (QUIC packets) go among the messages by the offset of their bytes, and all
    /// are numbered from 1 in that order; equal offsets keep the walk's message first.
    #[test]
    fn add_steps_orders_by_offset_and_numbers() {
        let at = |o: usize, name: &str| Message::at(None, crate::code::ct::HANDSHAKE, None, name, Span::new(o, 1));
        let mut tls = TlsConnection { messages: vec![at(0, "a"), at(10, "b")], ..Default::default() };
        add_steps(&mut tls, vec![at(5, "p"), at(10, "q")]);
        let got: Vec<(usize, &str)> = tls.messages.iter().map(|m| (m.step, m.name.as_str())).collect();
        assert_eq!(got, [(1, "a"), (2, "p"), (3, "b"), (4, "q")]);
    }
}
