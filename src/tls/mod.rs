//! TLS layer: records -> handshake messages (reassembled across records) -> field trees.
//! Walks the records of both directions in wire order, tracks what the handshake has
//! negotiated so far (version, suite, who has switched to encryption), and infers directions
//! when the input did not mark them.

pub mod certcomp;
mod direction;
mod dtls;
mod extensions;
mod facts;
mod log;
mod messages;
pub mod record;
mod splice;

use dtls::DtlsMsg;
pub use extensions::ExtFacts;
pub use facts::{hours, ClientHelloInfo, Facts, MsgFacts, ServerHelloInfo, SkeInfo, Ticket, TlsConnection};

use crate::code::{AlertDescription, CipherSuite, ContentType, HandshakeType};
use crate::input::Capture;
use crate::model::{Alert, Diagnostic, Dir, Field, Message, Record, Span, TextRef};
use crate::reader::{PieceMap, ReadError};
pub(crate) use crate::reader::{hex_short, hexs, nbytes};
use crate::registry::{self, ct, ht, KeyExchange};
use record::RawRecord;

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

/// A handshake message's bytes being collected from one or more records.
#[derive(Default)]
struct Pending {
    bytes: Vec<u8>,
    map: PieceMap,
    records: Vec<PendingRec>,
}

/// A record contributing to pending handshake bytes: its payload starts at `at` of the buffer
/// (`starts_here` false: it started with an earlier message and continues into this buffer).
#[derive(Clone, Copy)]
struct PendingRec {
    rec: usize,
    at: usize,
    starts_here: bool,
}

#[cfg_attr(not(feature = "full"), allow(dead_code))]
struct Walker {
    /// The input's records in wire order, then the ones walked from spliced bytes.
    raw: Vec<RawRecord>,
    /// Bytes spliced in so far, and the next virtual offset (past the capture's end).
    splices: Vec<Splice>,
    virt: usize,
    /// Decompress CompressedCertificate messages (RFC 8879) as they are read.
    inflate: bool,
    /// Decompressed Certificates waiting to be spliced in: (after offset, direction, message).
    inflated: Vec<(usize, Dir, Vec<u8>)>,
    /// Bytes decompressed so far in this connection (at most `INFLATE_BUDGET`).
    inflated_total: usize,
    inflate_notes: Vec<(crate::model::NoteSeverity, TextRef)>,
    out: TlsConnection,
    /// Per direction (index 0 = c2s, 1 = s2c, 2 = unknown): pending handshake bytes.
    pending: [Pending; 3],
    /// Whether each direction has sent ChangeCipherSpec (TLS <= 1.2) / switched keys.
    encrypted: [bool; 2],
    /// Directions of the CCS records seen so far.
    ccs_seen: Vec<Dir>,
    last_hs_dir: Option<Dir>,
    server_hello_done: bool,
    /// Encrypted-record counts per direction, to name the TLS 1.3 flights.
    enc_count: [usize; 2],
    marked: bool,
    /// TLS 1.3 without markers: whether a Finished-sized encrypted record was seen per side.
    fin13: [bool; 2],
    dtls: bool,
    /// DTLS: messages by direction and message_seq.
    dtls_msgs: [std::collections::BTreeMap<u16, DtlsMsg>; 3],
    /// How many CCS had been seen when the ServerHello arrived (a client CCS after a
    /// HelloRetryRequest comes before it and says nothing about the encrypted flights).
    ccs_at_server_hello: usize,
    server_cert_seen: bool,
    /// Content type of the previous record per direction.
    last_type: [Option<ContentType>; 2],
    /// Facts only, no fields (`parse_lean`).
    lean: bool,
    /// Where the first message past `record::MAX_MESSAGES` starts: the walk stops there.
    dropped_at: Option<usize>,
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
                    let bytes = record::rebuild_messages(o.content_type, &o.content);
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
        in_wire_order(&mut out);
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

#[cfg(feature = "full")]
/// Records in the order of their bytes (a record spliced in after a record of one direction may
/// land after a record of the other that the walk met later), indexed by that order: a record's
/// `index` and the messages' `records` said where it was in the walk.
fn in_wire_order(out: &mut TlsConnection) {
    // Records of one offset keep their walk order.
    let mut order: Vec<(usize, usize)> = out.records.iter().enumerate().map(|(k, r)| (r.span.offset, k)).collect();
    order.sort_unstable();
    let mut new_of = vec![usize::MAX; out.records.iter().map(|r| r.index + 1).max().unwrap_or(0)];
    let mut records = Vec::with_capacity(order.len());
    for (k, &(_, old)) in order.iter().enumerate() {
        let mut r = out.records[old].clone();
        new_of[r.index] = k;
        r.index = k;
        records.push(r);
    }
    out.records = records;
    for m in &mut out.messages {
        for r in &mut m.records {
            *r = new_of.get(*r).copied().filter(|&k| k != usize::MAX).unwrap_or(*r);
        }
    }
}

#[cfg(feature = "full")]
impl Walker {
    /// Walk `bytes` (rebuilt records) as if they came right after source offset `at`.
    fn splice(&mut self, at: usize, dir: Dir, bytes: Vec<u8>, inflated: bool) {
        let virt = self.virt;
        // A gap after each splice: its end is its own offset, not the next one's start.
        self.virt += bytes.len() + 1;
        let mut diags = Vec::new();
        let recs = record::parse_records(&bytes::Bytes::copy_from_slice(&bytes), &PieceMap::contiguous(virt, bytes.len()), Some(dir), &mut diags);
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
    fn splice_inflated(&mut self) {
        while !self.inflated.is_empty() {
            let (at, dir, message) = self.inflated.remove(0);
            self.splice(at, dir, record::rebuild(ct::HANDSHAKE, &message), true);
        }
    }
}

impl Walker {
    fn ctx(&self, dir: Option<Dir>) -> Ctx {
        let f = &self.out.facts;
        let etm = f.server_hello.as_ref().is_some_and(|s| s.extensions.contains(&registry::ext::ENCRYPT_THEN_MAC));
        Ctx { version: f.version(), suite: f.suite(), kx: f.key_exchange(), tls13: f.is_tls13(), dir, dtls: self.dtls, lean: self.lean, etm }
    }

    fn record(&mut self, i: usize) {
        let r = &self.raw[i];
        let mut dir = r.dir;
        let is_enc = |d: Option<Dir>, s: &Self| d.is_some_and(|d| s.encrypted[di(Some(d))]);
        if dir.is_none() && !self.marked {
            dir = self.infer_record_dir(r);
        }
        let encrypted = match r.content_type {
            _ if r.decrypted => false,
            ct::APPLICATION_DATA => true,
            // A plaintext alert is 2 bytes; a longer one is protected (seen when a capture
            // starts after the handshake).
            ct::ALERT if r.payload.len() > 2 => true,
            ct::HANDSHAKE | ct::ALERT | ct::HEARTBEAT => is_enc(dir, self) || (self.out.facts.is_tls13() && r.content_type == ct::HANDSHAKE && self.after_server_hello_tls13(dir)),
            _ => false,
        };
        self.out.records.push(Record {
            index: i,
            dir,
            content_type: r.content_type,
            content_type_name: r.content_type.name(),
            version: r.version,
            length: r.length,
            span: r.span(),
            encrypted,
        });
        let pending_dir = if self.marked { dir } else { None };
        if r.content_type != ct::HANDSHAKE || encrypted {
            let p = &self.pending[di(pending_dir)];
            // A decrypted capture keeps each ciphertext record before the plaintext rebuilt from
            // it: the ciphertext carrying the next piece of a decrypted message is no interruption.
            let rebuilt = encrypted && p.records.first().is_some_and(|x| self.raw[x.rec].decrypted);
            if !p.bytes.is_empty() && !rebuilt {
                let at = r.start();
                self.out.diagnostics.push(Diagnostic::warning(at, TextRef::new("diag.handshake.interleaved").arg("at", at.to_string())));
            }
        }
        match (r.content_type, encrypted) {
            (record::SSLV2, _) => self.sslv2_hello(i, dir),
            (ct::HANDSHAKE, false) if self.dtls => self.dtls_handshake_record(i, pending_dir),
            (ct::HANDSHAKE, false) => self.handshake_record(i, pending_dir),
            (ct::CHANGE_CIPHER_SPEC, _) => self.ccs(i, dir),
            (ct::ALERT, false) => self.alert(i, dir),
            (ct::HEARTBEAT, false) => self.heartbeat(i, dir),
            _ => self.opaque(i, dir),
        }
        if let Some(d) = dir {
            self.last_type[di(Some(d))] = Some(self.raw[i].content_type);
        }
    }

    fn handshake_record(&mut self, i: usize, pd: Option<Dir>) {
        let r = &self.raw[i];
        let p = &mut self.pending[di(pd)];
        p.records.push(PendingRec { rec: i, at: p.bytes.len(), starts_here: true });
        p.bytes.extend_from_slice(&r.payload);
        p.map.append(&r.payload_map);
        self.drain(pd, false);
    }

    /// Cut complete messages off the pending buffer; with `flush`, also the incomplete rest.
    fn drain(&mut self, pd: Option<Dir>, flush: bool) {
        loop {
            let p = &mut self.pending[di(pd)];
            if p.bytes.is_empty() {
                return;
            }
            let need = match p.bytes.get(1..4) {
                Some(l) => 4 + (((l[0] as usize) << 16) | ((l[1] as usize) << 8) | l[2] as usize),
                None => usize::MAX,
            };
            let take = if p.bytes.len() >= need {
                need
            } else if flush {
                p.bytes.len()
            } else {
                return;
            };
            let bytes: Vec<u8> = p.bytes.drain(..take).collect();
            let map = p.map.slice(0, take);
            p.map = p.map.slice(take, p.map.len() - take);
            let carrying: Vec<&PendingRec> = p.records.iter().filter(|r| r.at < take).collect();
            let recs: Vec<usize> = carrying.iter().map(|r| r.rec).collect();
            // A record header belongs to the message its payload starts with.
            let owned: Vec<usize> = carrying.iter().filter(|r| r.starts_here).map(|r| r.rec).collect();
            let last = carrying.last().map(|r| r.rec);
            let mut rest: Vec<PendingRec> =
                p.records.iter().filter(|r| r.at >= take).map(|r| PendingRec { at: r.at - take, ..*r }).collect();
            if let Some(last) = last {
                if !p.bytes.is_empty() && rest.first().is_none_or(|r| r.at > 0) {
                    rest.insert(0, PendingRec { rec: last, at: 0, starts_here: false });
                }
            }
            p.records = rest;
            self.handshake_message(bytes, map, recs, owned, pd);
        }
    }

    fn handshake_message(&mut self, bytes: Vec<u8>, map: PieceMap, recs: Vec<usize>, owned: Vec<usize>, pd: Option<Dir>) {
        let msg_type = HandshakeType(bytes.first().copied().unwrap_or(0));
        let dir = match pd {
            Some(d) => Some(d),
            None => Some(self.dir_of_handshake(msg_type)),
        };
        let ctx = self.ctx(dir);
        let parsed = messages::parse_handshake(&bytes, &ctx);
        let mut fields = parsed.fields;
        remap(&mut fields, &map);
        let mut span = map.span(Span::new(0, bytes.len()));
        let mut header_fields = Vec::new();
        for &r in &owned {
            span = span.cover(self.raw[r].header);
            if !self.lean {
                header_fields.push(record_header_field(&self.raw[r], self.out.facts.is_tls13()));
            }
        }
        header_fields.extend(fields);
        if let Some(e) = parsed.error {
            let at = map.abs(e.at());
            let name = msg_type.name();
            let start = map.abs(0);
            self.out.diagnostics.push(Diagnostic::error(at, TextRef::new("diag.message.parse").arg("name", name).arg("start", start.to_string()).arg("at", at.to_string()).with("why", e.describe())));
        }
        let mut name = msg_type.name();
        match parsed.facts {
            MsgFacts::ClientHello(ch) => {
                self.out.facts.last_client_random = Some(ch.random.clone());
                if self.out.facts.client_hello.is_none() {
                    self.out.facts.client_hello = Some(*ch);
                } else if self.out.facts.hello_retry && self.out.facts.client_hello2.is_none() {
                    self.out.facts.client_hello2 = Some(*ch);
                }
            }
            MsgFacts::ServerHello(sh) => {
                if sh.hrr {
                    name = "HelloRetryRequest".into();
                    self.out.facts.hello_retry = true;
                    self.out.facts.hrr = Some(*sh);
                } else {
                    let resumed = self.out.facts.client_hello.as_ref().is_some_and(|ch| {
                        !ch.session_id.is_empty() && ch.session_id == sh.session_id && sh.selected_version != Some(0x0304)
                    });
                    self.out.facts.server_hello = Some(*sh);
                    self.ccs_at_server_hello = self.ccs_seen.len();
                    self.out.facts.resumed = resumed;
                }
            }
            MsgFacts::Certificates(certs) => {
                if dir == Some(Dir::C2S) {
                    self.out.facts.client_auth = true;
                }
                let base = self.out.certificates.len();
                for (k, mut c) in certs.into_iter().enumerate() {
                    c.index = base + k;
                    c.span = map.span(c.span);
                    self.out.certificates.push(c);
                }
            }
            MsgFacts::ServerKeyExchange(s) => self.out.facts.ske = Some(s),
            MsgFacts::CertificateRequest(info) => {
                self.out.facts.client_auth = true;
                if !self.out.facts.is_tls13() {
                    self.out.facts.cert_request = Some(info);
                }
            }
            MsgFacts::EncryptedExtensions(e) => {
                self.out.facts.ee_alpn = e.alpn.first().cloned();
                self.out.facts.encrypted_extensions = Some(*e);
            }
            MsgFacts::CertificateVerify(scheme) => self.out.facts.cert_verify.push((dir, scheme)),
            MsgFacts::NewSessionTicket { lifetime, len, max_early_data } => self.out.facts.tickets.push(facts::Ticket { lifetime, len, max_early_data }),
            MsgFacts::None => {}
        }
        if msg_type == ht::SERVER_HELLO_DONE {
            self.server_hello_done = true;
        }
        if msg_type == ht::CERTIFICATE && dir == Some(Dir::S2C) {
            // A server Certificate means this is a full handshake, not a resumption.
            self.out.facts.resumed = false;
            self.server_cert_seen = true;
        }
        self.last_hs_dir = dir;
        let decrypted = recs.iter().any(|&i| self.raw.get(i).is_some_and(|r| r.decrypted));
        // The record that ends a CompressedCertificate is where its Certificate goes.
        #[cfg_attr(not(feature = "full"), allow(unused_variables))]
        let (end, before) = (recs.last().and_then(|&i| self.raw.get(i)).map(|r| r.span().end()), self.out.messages.len());
        #[cfg_attr(not(feature = "full"), allow(unused_variables))]
        let from_inflated = recs.iter().any(|&i| self.raw.get(i).is_some_and(|r| r.inflated));
        self.push_message(Message {
            dir_inferred: pd.is_none(),
            decrypted,
            pieces: map.spans(),
            records: recs,
            fields: header_fields,
            ..Message::at(dir, ct::HANDSHAKE, Some(msg_type), name, span)
        });
        // (The lite core decompresses nothing: it leaves such input to the full one.)
        // (Not in DTLS, whose records are not rebuilt this way; not in a decompressed
        // Certificate's own bytes, which would let a message decompress into another one;
        // at most INFLATE_BUDGET bytes a connection.)
        #[cfg(feature = "full")]
        if self.inflate && !self.dtls && msg_type == registry::ht::COMPRESSED_CERTIFICATE && self.out.messages.len() > before && !from_inflated {
            if self.inflated_total >= certcomp::INFLATE_BUDGET {
                // Said once (usize::MAX: said).
                if self.inflated_total != usize::MAX {
                    self.inflate_notes.push(certcomp::note(0, 0, &Err(certcomp::budget_spent())));
                    self.inflated_total = usize::MAX;
                }
            } else if let Some(end) = end {
                match certcomp::certificate_message(&bytes) {
                    Ok(Some((algorithm, compressed, message))) => {
                        self.inflated_total += message.len();
                        self.inflate_notes.push(certcomp::note(algorithm, compressed, &Ok(message.len())));
                        self.inflated.push((end, dir.unwrap_or(Dir::S2C), message));
                    }
                    Ok(None) => {}
                    Err(e) => self.inflate_notes.push(certcomp::note(0, 0, &Err(e))),
                }
            }
        }
    }

    fn record_message(&mut self, i: usize, dir: Option<Dir>, name: &str, msg_type: Option<HandshakeType>, encrypted: bool, body: Vec<Field>) {
        let r = &self.raw[i];
        let mut fields = if self.lean { Vec::new() } else { vec![record_header_field(r, self.out.facts.is_tls13())] };
        fields.extend(body);
        self.push_message(Message { dir_inferred: !self.marked, encrypted, decrypted: r.decrypted, records: vec![i], fields, ..Message::at(dir, r.content_type, msg_type, name, r.span()) });
    }

    /// An SSL 2.0-format CLIENT-HELLO offering SSL 3.0 or TLS (RFC 5246 Appendix E.2).
    fn sslv2_hello(&mut self, i: usize, dir: Option<Dir>) {
        let r = &self.raw[i];
        let (mut fields, info, error) = messages::sslv2_client_hello(&r.payload);
        remap(&mut fields, &r.payload_map);
        if let Some(e) = error {
            let at = r.payload_map.abs(e.at());
            self.out.diagnostics.push(Diagnostic::error(at, TextRef::new("diag.message.sslv2").arg("at", at.to_string()).with("why", e.describe())));
        }
        if self.out.facts.client_hello.is_none() {
            self.out.facts.client_hello = Some(info);
        }
        let dir = dir.or(Some(Dir::C2S));
        self.last_hs_dir = dir;
        let mut all = vec![record_header_field(r, self.out.facts.is_tls13())];
        all.extend(fields);
        self.push_message(Message { dir_inferred: !self.marked, records: vec![i], fields: all, ..Message::at(dir, r.content_type, Some(ht::CLIENT_HELLO), "ClientHello", r.span()) });
    }

    fn push_message(&mut self, m: Message) {
        if self.out.messages.len() >= record::MAX_MESSAGES {
            self.dropped_at.get_or_insert(m.span.offset);
            return;
        }
        self.out.messages.push(m);
    }

    fn ccs(&mut self, i: usize, dir: Option<Dir>) {
        let r = &self.raw[i];
        let map = &r.payload_map;
        let mut body = Vec::new();
        match r.payload.first() {
            Some(&v) => body.push(Field::new("type", format!("{v} (change_cipher_spec)"), map.span(Span::new(0, 1))).note("field.ChangeCipherSpec.type")),
            None => self.out.diagnostics.push(Diagnostic::error(r.header.end(), TextRef::new("diag.ccs.empty"))),
        }
        if r.payload.len() > 1 {
            // OpenSSL's pre-RFC DTLS (0x0100) sent a 2-byte message_seq after the value.
            let key = if r.version == 0x0100 { "field.ChangeCipherSpec.dtls_bad_ver" } else { "field.trailing" };
            body.push(Field::new("extra bytes", hexs(&r.payload[1..]), map.span(Span::new(1, r.payload.len() - 1))).note(key));
        }
        if let Some(d) = dir {
            // TLS 1.2 abbreviated handshake (RFC 5246 §7.3): the server switches first, right
            // after ServerHello (and NewSessionTicket), with no Certificate in between.
            if d == Dir::S2C && self.ccs_seen.is_empty() && !self.out.facts.is_tls13() && !self.server_cert_seen && self.out.facts.server_hello.is_some() {
                self.out.facts.resumed = true;
            }
            self.ccs_seen.push(d);
            // In TLS 1.3 the CCS is only for middleboxes; protection starts with ServerHello.
            if !self.out.facts.is_tls13() {
                self.encrypted[di(Some(d))] = true;
            }
        }
        self.record_message(i, dir, "ChangeCipherSpec", None, false, body);
    }

    fn alert(&mut self, i: usize, dir: Option<Dir>) {
        let r = &self.raw[i];
        let map = r.payload_map.clone();
        let mut body = Vec::new();
        let level = r.payload.first().copied();
        let desc = r.payload.get(1).copied().map(AlertDescription);
        if let Some(l) = level {
            body.push(Field::new("level", format!("{l} ({})", registry::alert_level_name(l)), map.span(Span::new(0, 1))).note("field.Alert.level"));
        }
        if let Some(d) = desc {
            body.push(Field::new("description", format!("{d} ({})", d.name()), map.span(Span::new(1, 1))).note("field.Alert.description"));
        }
        if r.payload.len() != 2 {
            self.out.diagnostics.push(Diagnostic::warning(r.header.offset, TextRef::new("diag.alert.length").arg("at", r.header.offset.to_string()).arg("n", r.payload.len().to_string())));
        }
        let name = desc.map(|d| d.name()).unwrap_or_else(|| "unknown".into());
        self.out.alerts.push(Alert { dir, level, description: desc, name, encrypted: false });
        self.record_message(i, dir, "Alert", None, false, body);
        self.link_alert();
    }

    /// A plaintext heartbeat message (RFC 6520 §4): type, payload_length, payload, at least 16
    /// bytes of padding. A payload_length larger than what the record holds is what Heartbleed
    /// requests looked like (CVE-2014-0160): a vulnerable peer answered with that much memory.
    fn heartbeat(&mut self, i: usize, dir: Option<Dir>) {
        let r = &self.raw[i];
        let map = r.payload_map.clone();
        let p = &r.payload;
        let mut body = Vec::new();
        let at = |o: usize, l: usize| map.span(Span::new(o, l));
        if let Some(&t) = p.first() {
            let n = match t {
                1 => "heartbeat_request",
                2 => "heartbeat_response",
                _ => "unknown",
            };
            body.push(Field::new("type", format!("{t} ({n})"), at(0, 1)).note("field.Heartbeat.type"));
        }
        let mut overread = None;
        if let Some(len) = p.get(1..3).map(|b| u16::from_be_bytes([b[0], b[1]]) as usize) {
            let have = p.len().saturating_sub(3);
            let payload = len.min(have);
            body.push(Field::says("payload_length", crate::reader::bytes_value(len), at(1, 2)).note("field.Heartbeat.payload_length"));
            body.push(Field::new("payload", hex_short(&p[3..3 + payload]), at(3, payload)).note("field.Heartbeat.payload"));
            if have > payload {
                body.push(Field::says("padding", crate::reader::bytes_value(have - payload), at(3 + payload, have - payload)).note("field.Heartbeat.padding"));
            }
            // RFC 6520 §4: the whole message must fit in the record with 16 bytes of padding.
            if len + 16 > have {
                overread = Some((len, have));
            }
        }
        if let Some((len, have)) = overread {
            let at = r.header.offset;
            self.out.diagnostics.push(Diagnostic::warning(
                at,
                TextRef::new("diag.heartbeat.overlong").arg("at", at.to_string()).arg("len", len.to_string()).arg("have", have.to_string()),
            ));
            self.out.facts.heartbleed = true;
        }
        self.record_message(i, dir, "Heartbeat", None, false, body);
    }

    /// Records whose content cannot be read without keys.
    fn opaque(&mut self, i: usize, dir: Option<Dir>) {
        let r = &self.raw[i];
        let ctx = self.ctx(dir);
        let body = if self.lean { Vec::new() } else { messages::encrypted_record_fields(r, &ctx) };
        let k = di(dir).min(1);
        self.enc_count[k] += 1;
        if ctx.tls13 && !self.marked && Some(r.payload.len()) == self.finished13_len() {
            self.fin13[k] = true;
        }
        let after_ccs = dir.is_none_or(|d| self.last_type[di(Some(d))] == Some(ct::CHANGE_CIPHER_SPEC));
        let (name, msg_type) = match r.content_type {
            // The first handshake record after a CCS is that side's Finished; later ones (a
            // renegotiation, RFC 5746) cannot be named without keys.
            ct::HANDSHAKE if after_ccs || ctx.tls13 => ("Finished", Some(ht::FINISHED)),
            ct::HANDSHAKE => ("EncryptedHandshake", None),
            ct::ALERT => {
                self.out.alerts.push(Alert { dir, level: None, description: None, name: "encrypted alert".into(), encrypted: true });
                ("Alert", None)
            }
            ct::APPLICATION_DATA if ctx.tls13 => ("EncryptedRecord", None),
            ct::APPLICATION_DATA => ("ApplicationData", None),
            ct::HEARTBEAT => ("Heartbeat", None),
            _ => ("UnknownRecord", None),
        };
        if r.content_type == ct::HANDSHAKE {
            self.last_hs_dir = dir;
        }
        let t = r.content_type;
        self.record_message(i, dir, name, msg_type, t != ct::HEARTBEAT, body);
        if t == ct::ALERT {
            self.link_alert();
        }
    }

    /// Point the message just pushed at the alert just recorded.
    fn link_alert(&mut self) {
        let idx = self.out.alerts.len().checked_sub(1);
        if let Some(m) = self.out.messages.last_mut() {
            m.alert = idx;
        }
    }

    fn finish(&mut self) {
        for pd in [Some(Dir::C2S), Some(Dir::S2C), None] {
            if !self.pending[di(pd)].bytes.is_empty() {
                let p = &self.pending[di(pd)];
                let at = p.map.abs(0);
                self.out.diagnostics.push(Diagnostic::error(
                    at,
                    TextRef::new("diag.handshake.incomplete").arg("at", at.to_string()).arg("n", p.bytes.len().to_string()),
                ));
                self.drain(pd, true);
            }
        }
    }
}

/// The 5-byte record header as a field with its three parts. `tls13`: the connection is TLS 1.3,
/// where a decrypted record's real content type comes from its TLSInnerPlaintext.
fn record_header_field(r: &RawRecord, tls13: bool) -> Field {
    let h = r.header;
    let part = |off: usize, len: usize| Span::new(h.offset + off, len);
    if let Some((epoch, seq)) = r.dtls {
        let name = r.content_type.name();
        if h.len < 13 {
            // DTLS 1.3 unified header of a protected record.
            return Field::new("record header", format!("DTLS 1.3 protected record (epoch bits {epoch}), {} bytes", r.length), h).note("field.dtls.unified_header");
        }
        return Field::new("record header", format!("{name}, epoch {epoch}, sequence {seq}, {} bytes", r.length), h).note("field.dtls.record").with_children(vec![
            Field::new("type", format!("{} ({name})", r.content_type), part(0, 1)).note("field.record.type"),
            Field::new("version", format!("0x{:04x} ({})", r.version, registry::version_name(r.version)), part(1, 2)).note("field.dtls.version"),
            Field::new("epoch", epoch.to_string(), part(3, 2)).note("field.dtls.epoch"),
            Field::new("sequence_number", seq.to_string(), part(5, 6)).note("field.dtls.sequence_number"),
            Field::says("length", crate::reader::bytes_value(r.length), part(11, 2)).note("field.record.length"),
        ]);
    }
    if r.content_type == record::SSLV2 {
        return Field::new("record header", format!("SSL 2.0 record, {} bytes", r.length), h)
            .note("field.sslv2.record")
            .with_children(vec![Field::new("length", format!("0x{:04x} (high bit set: 2-byte header) = {} bytes", r.length | 0x8000, r.length), part(0, 2)).note("field.sslv2.length")]);
    }
    Field::says("record header", TextRef::new("word.value.record").arg("content", r.content_type.name()).arg("n", r.length.to_string()), h)
    .note(match (r.quic, r.decrypted) {
        _ if r.inflated => "field.record.inflated",
        (true, _) => "field.record.quic",
        (_, true) if tls13 => "field.record.rebuilt",
        (_, true) => "field.record.rebuilt.tls12",
        _ => "field.record",
    })
    .with_children(vec![
        Field::new("type", format!("{} ({})", r.content_type, r.content_type.name()), part(0, 1))
            .note("field.record.type"),
        Field::new("legacy_record_version", format!("0x{:04x} ({})", r.version, registry::version_name(r.version)), part(1, 2))
            .note("field.record.legacy_record_version"),
        // Protected records may exceed the plaintext limit (RFC 8446 §5.2, RFC 5246 §6.2.3).
        Field::new("length", r.length.to_string(), part(3, 2)).note(if r.content_type == registry::ct::APPLICATION_DATA && !r.decrypted { "field.record.length.protected" } else { "field.record.length" }),
    ])
}

/// Turn message-relative spans into absolute ones.
fn remap(fields: &mut [Field], map: &PieceMap) {
    for f in fields {
        f.span = map.span(f.span);
        remap(&mut f.children, map);
    }
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

