//! The record walker: each record in wire order, handshake messages reassembled across
//! records (RFC 8446 §5.1, RFC 5246 §6.2.1: a message may span records, a record may hold
//! several), parsed once into fields and facts as they complete.

use super::content::record_header_field;
use super::dtls::DtlsMsg;
use super::record::{self, RawRecord};
use super::splice::Splice;
#[cfg(feature = "full")]
use super::certcomp;
use super::{di, facts, messages, Ctx, MsgFacts, TlsConnection};
use crate::code::{ct, ht, ContentType, HandshakeType};
use crate::model::{Diagnostic, Dir, Field, Message, Record, Span, TextRef};
use crate::reader::PieceMap;
use crate::registry;

/// A handshake message's bytes being collected from one or more records.
#[derive(Default)]
pub(super) struct Pending {
    pub(super) bytes: Vec<u8>,
    pub(super) map: PieceMap,
    pub(super) records: Vec<PendingRec>,
}

/// A record contributing to pending handshake bytes: its payload starts at `at` of the buffer
/// (`starts_here` false: it started with an earlier message and continues into this buffer).
#[derive(Clone, Copy)]
pub(super) struct PendingRec {
    pub(super) rec: usize,
    pub(super) at: usize,
    pub(super) starts_here: bool,
}

#[cfg_attr(not(feature = "full"), allow(dead_code))]
pub(super) struct Walker {
    /// The input's records in wire order, then the ones walked from spliced bytes.
    pub(super) raw: Vec<RawRecord>,
    /// Bytes spliced in so far, and the next virtual offset (past the capture's end).
    pub(super) splices: Vec<Splice>,
    pub(super) virt: usize,
    /// Decompress CompressedCertificate messages (RFC 8879) as they are read.
    pub(super) inflate: bool,
    /// Decompressed Certificates waiting to be spliced in: (after offset, direction, message).
    pub(super) inflated: Vec<(usize, Dir, Vec<u8>)>,
    /// Bytes decompressed so far in this connection (at most `INFLATE_BUDGET`).
    pub(super) inflated_total: usize,
    pub(super) inflate_notes: Vec<(crate::model::NoteSeverity, TextRef)>,
    pub(super) out: TlsConnection,
    /// Per direction (index 0 = c2s, 1 = s2c, 2 = unknown): pending handshake bytes.
    pub(super) pending: [Pending; 3],
    /// Whether each direction has sent ChangeCipherSpec (TLS <= 1.2) / switched keys.
    pub(super) encrypted: [bool; 2],
    /// Directions of the CCS records seen so far.
    pub(super) ccs_seen: Vec<Dir>,
    pub(super) last_hs_dir: Option<Dir>,
    pub(super) server_hello_done: bool,
    /// Encrypted-record counts per direction, to name the TLS 1.3 flights.
    pub(super) enc_count: [usize; 2],
    pub(super) marked: bool,
    /// TLS 1.3 without markers: whether a Finished-sized encrypted record was seen per side.
    pub(super) fin13: [bool; 2],
    pub(super) dtls: bool,
    /// DTLS: messages by direction and message_seq.
    pub(super) dtls_msgs: [std::collections::BTreeMap<u16, DtlsMsg>; 3],
    /// How many CCS had been seen when the ServerHello arrived (a client CCS after a
    /// HelloRetryRequest comes before it and says nothing about the encrypted flights).
    pub(super) ccs_at_server_hello: usize,
    pub(super) server_cert_seen: bool,
    /// Content type of the previous record per direction.
    pub(super) last_type: [Option<ContentType>; 2],
    /// Facts only, no fields (`parse_lean`).
    pub(super) lean: bool,
    /// Where the first message past `record::MAX_MESSAGES` starts: the walk stops there.
    pub(super) dropped_at: Option<usize>,
}


impl Walker {
    pub(super) fn ctx(&self, dir: Option<Dir>) -> Ctx {
        let f = &self.out.facts;
        let etm = f.server_hello.as_ref().is_some_and(|s| s.extensions.contains(&registry::ext::ENCRYPT_THEN_MAC));
        Ctx { version: f.version(), suite: f.suite(), kx: f.key_exchange(), tls13: f.is_tls13(), dir, dtls: self.dtls, lean: self.lean, etm }
    }

    pub(super) fn record(&mut self, i: usize) {
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

    pub(super) fn handshake_record(&mut self, i: usize, pd: Option<Dir>) {
        let r = &self.raw[i];
        let p = &mut self.pending[di(pd)];
        p.records.push(PendingRec { rec: i, at: p.bytes.len(), starts_here: true });
        p.bytes.extend_from_slice(&r.payload);
        p.map.append(&r.payload_map);
        self.drain(pd, false);
    }

    /// Cut complete messages off the pending buffer; with `flush`, also the incomplete rest.
    pub(super) fn drain(&mut self, pd: Option<Dir>, flush: bool) {
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

    pub(super) fn handshake_message(&mut self, bytes: Vec<u8>, map: PieceMap, recs: Vec<usize>, owned: Vec<usize>, pd: Option<Dir>) {
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
            MsgFacts::Certificates(certs, empty) => {
                if dir == Some(Dir::C2S) {
                    self.out.facts.client_auth = true;
                    self.out.facts.client_certificate_empty = Some(empty);
                }
                let base = self.out.certificates.len();
                for (k, mut c) in certs.into_iter().enumerate() {
                    c.index = base + k;
                    c.pieces = map.slice(c.span.offset, c.span.len).spans();
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

    pub(super) fn record_message(&mut self, i: usize, dir: Option<Dir>, name: &str, msg_type: Option<HandshakeType>, encrypted: bool, body: Vec<Field>) {
        let r = &self.raw[i];
        let mut fields = if self.lean { Vec::new() } else { vec![record_header_field(r, self.out.facts.is_tls13())] };
        fields.extend(body);
        self.push_message(Message { dir_inferred: !self.marked, encrypted, decrypted: r.decrypted, records: vec![i], fields, ..Message::at(dir, r.content_type, msg_type, name, r.span()) });
    }


    pub(super) fn push_message(&mut self, m: Message) {
        if self.out.messages.len() >= record::MAX_MESSAGES {
            self.dropped_at.get_or_insert(m.span.offset);
            return;
        }
        self.out.messages.push(m);
    }






    pub(super) fn finish(&mut self) {
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

/// Turn message-relative spans into absolute ones.
pub(super) fn remap(fields: &mut [Field], map: &PieceMap) {
    for f in fields {
        f.span = map.span(f.span);
        remap(&mut f.children, map);
    }
}

#[cfg(test)]
mod tests {
    use crate::code::ht;
    use crate::input::Capture;
    use crate::model::{Dir, Span};

    /// Records of one direction, marked, as one capture.
    fn capture(dir: Dir, records: &[&[u8]]) -> Capture {
        let mut cap = Capture { marked: true, ..Default::default() };
        for r in records {
            cap.push(Some(dir), r);
        }
        cap
    }

    /// RFC 8446 §5.1: a record may hold several messages and a message may continue into the
    /// next record. Two ServerHelloDone messages (type 14, length 0), the second cut after its
    /// type and first length byte by the end of the first record.
    #[test]
    fn messages_are_reassembled_across_records() {
        let first: &[u8] = &[0x16, 3, 3, 0, 6, 14, 0, 0, 0, 14, 0];
        let second: &[u8] = &[0x16, 3, 3, 0, 2, 0, 0];
        let tls = super::super::parse(&capture(Dir::S2C, &[first, second]));
        let done: Vec<_> = tls.messages.iter().filter(|m| m.msg_type == Some(ht::SERVER_HELLO_DONE)).collect();
        assert_eq!(done.len(), 2);
        assert_eq!(done[0].pieces, [Span::new(5, 4)]);
        assert_eq!(done[0].records, [0]);
        // Bytes 9..11 of the first record's payload, then 16..18 of the second's.
        assert_eq!(done[1].pieces, [Span::new(9, 2), Span::new(16, 2)]);
        assert_eq!(done[1].records, [0, 1]);
        assert!(tls.diagnostics.is_empty(), "{:?}", tls.diagnostics);
        assert_eq!(tls.messages.iter().map(|m| m.step).collect::<Vec<_>>(), [1, 2]);
    }

    /// A message the input ends inside is still shown, with a diagnostic at its first byte.
    #[test]
    fn an_incomplete_message_is_reported_where_it_starts() {
        let tls = super::super::parse(&capture(Dir::S2C, &[&[0x16, 3, 3, 0, 3, 14, 0, 0], &[0x16, 3, 3, 0, 2, 0, 0]]));
        // 14 00 00 is one ServerHelloDone short of its last length byte, completed by the next
        // record; its 00 00 then begin a HelloRequest (type 0) that never gets its length.
        assert_eq!(tls.messages.iter().filter(|m| m.msg_type == Some(ht::SERVER_HELLO_DONE)).count(), 1);
        let d: Vec<_> = tls.diagnostics.iter().filter(|d| d.is("handshake.incomplete")).collect();
        assert_eq!(d.len(), 1, "{:?}", tls.diagnostics);
        assert_eq!(d[0].offset, 14);
    }
}
