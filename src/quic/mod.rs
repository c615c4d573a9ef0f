//! QUIC connections (RFC 9000; packet protection RFC 9001; version 2 RFC 9369): the datagrams
//! of a UDP flow -> packets (coalesced ones split) -> header protection removed and payload
//! opened (Initial keys from the client's Destination Connection ID, later levels from key log
//! secrets) -> frames -> CRYPTO data reassembled by offset per direction and level -> the TLS
//! handshake messages, wrapped in rebuilt record headers so that the TLS walker explains them
//! like TLS over TCP.
//!
//! The capture's bytes, in order, are for each packet: the packet as it travelled (layer
//! "quic-packet"), its decrypted frames (layer "quic-frames"), then any handshake messages its
//! CRYPTO frames completed (ordinary records, marked decrypted). Each packet becomes a step of
//! its own (content type 0, `quic` set), with its header, protection and frames as fields.

use std::collections::BTreeMap;

use crate::crypto::decrypt::Secrets;
use crate::input::keylog::Entry;
use crate::crypto::quic::{self as qc, PacketKeys, Version};
use crate::crypto::tls13::Suite;
use crate::input::{Capture, ChunkIn};
use crate::model::{Diagnostic, Dir, Field, Message, NoteSeverity, QuicPacket, QuicSummary, Span, TextRef, Value};
use crate::net::{Datagram, UdpFlow};
use crate::reader::{varint, ReadError, ReadResult, Reader};
use crate::reader::{bytes_value, hexs};


/// The UDP flows of a capture as connections (QUIC when a packet opens, DTLS), after its TCP
/// ones in udp.stream order; a QUIC flow none of whose packets opens (no Initial keys fit) is
/// listed with the other flows. A capture file without any connection gets a diagnostic.
/// QUIC flows are walked with the key log's secrets for them when `keys` has some.
pub fn add_udp(inp: &mut crate::input::Input, keys: &[Entry]) -> Vec<(Capture, Option<QuicView>)> {
    let mut out = Vec::new();
    for f in std::mem::take(&mut inp.udp) {
        match flow_capture(&f, inp.kind, keys) {
            Some(c) => out.push(c),
            None => inp.other_flows.push(crate::input::udp_flow(&f)),
        }
    }
    if inp.captures.is_empty() && out.is_empty() && inp.packets > 0 {
        inp.diagnostics.push(Diagnostic::error(0, TextRef::new("diag.input.no_tls").arg("n", inp.packets.to_string()).arg("kind", inp.kind)));
    }
    crate::reader::sort_by_u64(&mut inp.other_flows, crate::input::flow_order);
    out
}

/// What the QUIC stage found besides the TLS records it rebuilt: the packets, as steps of
/// their own, and the connection at a glance.
pub struct QuicView {
    pub packets: Vec<Message>,
    pub summary: crate::model::QuicSummary,
}

/// A UDP flow as a QUIC connection (when at least one packet opens; with `keys`' secrets for
/// it, those packets too) or a DTLS connection.
#[cfg_attr(not(feature = "full"), allow(unused_variables))]
pub fn flow_capture(f: &UdpFlow, kind: &'static str, keys: &[Entry]) -> Option<(Capture, Option<QuicView>)> {
    if f.dtls {
        return Some((crate::input::dtls_capture(f, kind), None));
    }
    if !f.quic {
        return None;
    }
    // Even QUIC's Initial packets are encrypted.
    #[cfg(not(feature = "full"))]
    {
        crate::model::want_full();
        None
    }
    #[cfg(feature = "full")]
    {
        let (cap, view) = capture(f, kind, keys);
        (view.summary.decrypted > 0).then_some((cap, Some(view)))
    }
}

/// Most CRYPTO data one direction and level may hold (a certificate chain fits many times).
const CRYPTO_MAX: u64 = 1 << 20;

/// Encryption levels (RFC 9001 §4): their packet number space and CRYPTO stream. The
/// discriminant indexes the per-level counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Level {
    Initial,
    Handshake,
    ZeroRtt,
    OneRtt,
}

impl Level {
    fn space(self) -> usize {
        match self {
            Level::Initial => 0,
            Level::Handshake => 1,
            Level::ZeroRtt | Level::OneRtt => 2,
        }
    }
    fn packet_type(self) -> &'static str {
        match self {
            Level::Initial => "initial",
            Level::Handshake => "handshake",
            Level::ZeroRtt => "0rtt",
            Level::OneRtt => "1rtt",
        }
    }
}

fn di(d: Dir) -> usize {
    match d {
        Dir::C2S => 0,
        Dir::S2C => 1,
    }
}


/// One direction's CRYPTO stream at one level, reassembled by offset.
#[derive(Default)]
struct CryptoStream {
    data: Vec<u8>,
    pending: BTreeMap<u64, Vec<u8>>,
    /// Bytes already handed on as records.
    emitted: usize,
}

impl CryptoStream {
    /// Add a CRYPTO frame's data; false when it lies beyond the limit.
    fn add(&mut self, offset: u64, bytes: &[u8]) -> bool {
        if offset.saturating_add(bytes.len() as u64) > CRYPTO_MAX {
            return false;
        }
        self.pending.insert(offset, bytes.to_vec());
        while let Some((&off, _)) = self.pending.first_key_value() {
            if off > self.data.len() as u64 {
                break;
            }
            let Some((off, b)) = self.pending.pop_first() else { break };
            let skip = (self.data.len() as u64 - off) as usize;
            if skip < b.len() {
                self.data.extend_from_slice(&b[skip..]);
            }
        }
        true
    }

    /// The complete handshake messages (4-byte header + body) not handed on yet.
    fn take_complete(&mut self) -> &[u8] {
        let from = self.emitted;
        let mut end = from;
        while let Some(h) = self.data.get(end..end + 4) {
            let len = 4 + ((h[1] as usize) << 16 | (h[2] as usize) << 8 | h[3] as usize);
            if end + len > self.data.len() {
                break;
            }
            end += len;
        }
        self.emitted = end;
        &self.data[from..end]
    }

    fn take_rest(&mut self) -> &[u8] {
        let from = self.emitted;
        self.emitted = self.data.len();
        &self.data[from..]
    }
}

/// Which keys open each level, per direction, once known.
#[derive(Default)]
struct KeySet {
    handshake: [Option<PacketKeys>; 2],
    zero_rtt: Option<PacketKeys>,
    one_rtt: [Option<PacketKeys>; 2],
}

struct Walk<'a> {
    flow: &'a UdpFlow,
    cap: Capture,
    packets: Vec<Message>,
    crypto: [[CryptoStream; 3]; 2],
    largest: [[Option<u64>; 3]; 2],
    /// Destination Connection IDs of the client's Initial packets, newest last.
    client_dcids: Vec<Vec<u8>>,
    scid: [Option<Vec<u8>>; 2],
    version: Option<Version>,
    first_version: Option<u32>,
    keys: KeySet,
    /// The key log's label for each level's secrets (for the fields).
    counts: BTreeMap<&'static str, u64>,
    decrypted: u64,
    undecrypted: [u64; 4],
    /// Bytes of certificates decompressed so far (at most `certcomp::INFLATE_BUDGET`).
    inflated_total: usize,
}

/// A packet's header as parsed, before protection is removed.
struct Header {
    level: Option<Level>,
    long: bool,
    first: u8,
    dcid: Vec<u8>,
    dcid_span: Span,
    version_span: Span,
    /// Offset of the packet number in the datagram, and the packet's end.
    pn_at: usize,
    end: usize,
}

impl<'a> Walk<'a> {
    fn new(flow: &'a UdpFlow, kind: &'static str) -> Self {
        Walk {
            flow,
            cap: Capture {
                kind,
                client: Some(std::net::SocketAddr::new(flow.client.0, flow.client.1).to_string()),
                server: Some(std::net::SocketAddr::new(flow.server.0, flow.server.1).to_string()),
                marked: true,
                udp_stream: Some(flow.stream),
                start: flow.first_ts,
                ..Default::default()
            },
            packets: Vec::new(),
            crypto: Default::default(),
            largest: [[None; 3]; 2],
            client_dcids: Vec::new(),
            scid: [None, None],
            version: None,
            first_version: None,
            keys: KeySet::default(),
            counts: BTreeMap::new(),
            decrypted: 0,
            undecrypted: [0; 4],
            inflated_total: 0,
        }
    }

    fn push(&mut self, dir: Dir, bytes: &[u8], frame: u32, layer: Option<&'static str>) -> usize {
        let offset = self.cap.data.len();
        self.cap.data.extend_from_slice(bytes);
        // The datagram's capture time (a frame holds one datagram; they are kept in frame order).
        let d = &self.flow.datagrams;
        let time = d.get(d.partition_point(|x| x.frame < frame)).filter(|x| x.frame == frame).and_then(|x| x.ts);
        self.cap.chunks.push(ChunkIn { dir: Some(dir), offset, len: bytes.len(), frame: Some(frame), time, layer });
        offset
    }

    fn datagram(&mut self, dg: &Datagram) {
        let mut at = 0;
        while at < dg.bytes.len() {
            // A packet needs the fixed bit; zeros after the last packet are datagram padding.
            if at > 0 && dg.bytes[at] & 0x40 == 0 {
                let base = self.push(dg.dir, &dg.bytes[at..], dg.frame, Some("quic-packet"));
                let span = Span::new(base, dg.bytes.len() - at);
                if let Some(last) = self.packets.last_mut() {
                    last.fields.push(Field::says("datagram padding", crate::reader::bytes_value(span.len), span).note("field.quic.datagram_padding"));
                    last.pieces.push(span);
                    last.span = last.span.cover(span);
                }
                break;
            }
            at = self.packet(dg, at);
        }
        // The handshake messages this datagram's CRYPTO frames completed follow its packets.
        for stream in 0..3 {
            self.emit(dg.dir, stream, dg.frame, false);
        }
    }

    /// One packet starting at `at` in the datagram; returns where the next one starts.
    fn packet(&mut self, dg: &Datagram, at: usize) -> usize {
        let base = self.cap.data.len();
        let bytes = &dg.bytes[at..];
        let mut fields = Vec::new();
        let mut info = QuicPacket { frame: Some(dg.frame), ..Default::default() };
        let header = match self.header(dg.dir, bytes, base, &mut fields, &mut info) {
            Ok(h) => h,
            Err(e) => {
                self.cap.diagnostics.push(Diagnostic::warning(e.at(), TextRef::new("diag.quic.packet").arg("frame", dg.frame.to_string()).with("why", e.describe())));
                Header { level: None, long: bytes.first().is_some_and(|b| b & 0x80 != 0), first: 0, dcid: Vec::new(), dcid_span: Span::default(), version_span: Span::default(), pn_at: bytes.len(), end: bytes.len() }
            }
        };
        let end = header.end.min(bytes.len());
        let span = Span::new(base, end);
        self.push(dg.dir, &bytes[..end], dg.frame, Some("quic-packet"));
        *self.counts.entry(info.packet_type).or_default() += 1;
        let mut msg = Message { encrypted: header.level.is_some(), ..Message::at(Some(dg.dir), crate::code::ct::QUIC_PACKET, None, packet_name(info.packet_type), span) };
        if let Some(level) = header.level {
            self.unprotect(dg, &bytes[..end], base, level, &header, &mut fields, &mut info, &mut msg);
        }
        msg.fields = fields;
        msg.quic = Some(info);
        self.packets.push(msg);
        at + end.max(1)
    }

    /// Parse the header fields up to the packet number.
    fn header(&mut self, dir: Dir, bytes: &[u8], base: usize, fields: &mut Vec<Field>, info: &mut QuicPacket) -> ReadResult<Header> {
        let mut r = Reader::with_base(bytes, base);
        let (first, fspan) = r.u8("first byte")?;
        if first & 0x80 == 0 {
            return self.short_header(dir, first, fspan, r, bytes.len(), fields, info);
        }
        let (ver, vspan) = r.u32("version")?;
        info.version = Some(ver);
        let version = Version::from_number(ver);
        let ptype = (first >> 4) & 3;
        let (level, type_name) = match (ver, version) {
            (0, _) => (None, "version_negotiation"),
            (_, None) => (None, "unknown"),
            (_, Some(v)) => match if v.v2 { (ptype + 3) % 4 } else { ptype } {
                0 => (Some(Level::Initial), "initial"),
                1 => (Some(Level::ZeroRtt), "0rtt"),
                2 => (Some(Level::Handshake), "handshake"),
                _ => (None, "retry"),
            },
        };
        info.packet_type = type_name;
        let type_label = match type_name {
            "initial" => "Initial",
            "0rtt" => "0-RTT",
            "handshake" => "Handshake",
            "retry" => "Retry",
            _ => "—",
        };
        let mut first_kids = vec![
            Field::new("header form", TextRef::new("word.value.long_header"), fspan).note("field.quic.header_form"),
            Field::new("fixed bit", format!("{}", (first >> 6) & 1), fspan).note("field.quic.fixed_bit"),
        ];
        if ver != 0 {
            first_kids.push(Field::new("long packet type", format!("{ptype} ({type_label})"), fspan).note(if version.is_some_and(|v| v.v2) { "field.quic.long_packet_type.v2" } else { "field.quic.long_packet_type" }));
        }
        fields.push(Field::new("first byte", format!("0x{first:02x}"), fspan).note("field.quic.first_byte").with_children(first_kids));
        fields.push(Field::new("version", format!("0x{ver:08x} ({})", crate::registry::quic_version_name(ver)), vspan).note(if ver == 0 { "field.quic.version.negotiation" } else { "field.quic.version" }));
        let (dcid, dcid_span) = cid(&mut r, fields, "destination connection ID", "field.quic.dcid")?;
        let (scid, _) = cid(&mut r, fields, "source connection ID", "field.quic.scid")?;
        info.dcid = hexs(&dcid);
        info.scid = Some(hexs(&scid));
        if self.first_version.is_none() {
            self.first_version = Some(ver);
        }
        let all = |r: &Reader| r.pos() - base + r.remaining();
        match (type_name, level) {
            ("version_negotiation", _) => {
                let start = r.pos();
                let mut list = Vec::new();
                let mut kids = Vec::new();
                while r.remaining() >= 4 {
                    let (v, s) = r.u32("supported version")?;
                    list.push(crate::registry::quic_version_name(v));
                    kids.push(Field::new("supported version", format!("0x{v:08x} ({})", crate::registry::quic_version_name(v)), s).note("field.quic.supported_version"));
                }
                fields.push(Field::new("supported versions", list.join(", "), Span::new(start, r.pos() - start)).note("field.quic.supported_versions").with_children(kids));
                return Ok(Header { level: None, long: true, first, dcid, dcid_span, version_span: vspan, pn_at: all(&r), end: all(&r) });
            }
            ("unknown", _) => {
                let (rest, s) = r.rest();
                fields.push(Field::says("rest of the packet", crate::reader::bytes_value(rest.len()), s).note("field.quic.unknown_version"));
                return Ok(Header { level: None, long: true, first, dcid, dcid_span, version_span: vspan, pn_at: all(&r), end: all(&r) });
            }
            ("retry", _) => {
                // The client starts its Initial CRYPTO stream over (possibly with a new
                // ClientHello) with the keys of the Retry's connection ID.
                self.crypto[0][0] = CryptoStream::default();
                let end = all(&r);
                self.retry(&mut r, bytes, version, fields);
                return Ok(Header { level: None, long: true, first, dcid, dcid_span, version_span: vspan, pn_at: end, end });
            }
            _ => {}
        }
        if dir == Dir::C2S && level == Some(Level::Initial) && self.client_dcids.last() != Some(&dcid) {
            self.client_dcids.push(dcid.clone());
        }
        if self.scid[di(dir)].is_none() {
            self.scid[di(dir)] = Some(scid);
        }
        if self.version.is_none() {
            self.version = version;
        }
        if level == Some(Level::Initial) {
            let (tlen, tl_span) = varint(&mut r, "token length")?;
            fields.push(Field::says("token length", crate::reader::bytes_value(tlen as usize), tl_span).note("field.quic.token_length"));
            if tlen > 0 {
                let (tok, ts) = r.take(usize::try_from(tlen).unwrap_or(usize::MAX), "token")?;
                fields.push(Field::new("token", hexs(&tok[..tok.len().min(32)]) + if tok.len() > 32 { "…" } else { "" }, ts).note("field.quic.token"));
            }
        }
        let (len, lspan) = varint(&mut r, "length")?;
        fields.push(Field::new("length", TextRef::new("word.value.quic_length").with("size", bytes_value(usize::try_from(len).unwrap_or(usize::MAX))), lspan).note("field.quic.length"));
        let pn_at = r.pos() - base;
        let mut end = pn_at.saturating_add(usize::try_from(len).unwrap_or(usize::MAX));
        if end > bytes.len() {
            self.cap.diagnostics.push(Diagnostic::warning(
                lspan.offset,
                TextRef::new("diag.quic.length").arg("type", type_label.to_string()).arg("len", len.to_string()).arg("have", (bytes.len() - pn_at).to_string()),
            ));
            end = bytes.len();
        }
        Ok(Header { level, long: true, first, dcid, dcid_span, version_span: vspan, pn_at, end })
    }

    #[allow(clippy::too_many_arguments)]
    fn short_header(&mut self, dir: Dir, first: u8, fspan: Span, mut r: Reader, len: usize, fields: &mut Vec<Field>, info: &mut QuicPacket) -> ReadResult<Header> {
        info.packet_type = "1rtt";
        fields.push(Field::new("first byte", format!("0x{first:02x}"), fspan).note("field.quic.first_byte").with_children(vec![
            Field::new("header form", TextRef::new("word.value.short_header"), fspan).note("field.quic.header_form"),
            Field::new("fixed bit", format!("{}", (first >> 6) & 1), fspan).note("field.quic.fixed_bit"),
            Field::new("spin bit", format!("{}", (first >> 5) & 1), fspan).note("field.quic.spin_bit"),
        ]));
        // The receiver knows its own connection ID's length; the capture learns it from the
        // peer's long header packets (their Source Connection ID).
        let Some(dcid_len) = self.scid[di(dir.other())].as_ref().map(Vec::len) else {
            let (rest, s) = r.rest();
            fields.push(Field::says("rest of the packet", crate::reader::bytes_value(rest.len()), s).note("field.quic.short_unknown_cid"));
            return Ok(Header { level: None, long: false, first, dcid: Vec::new(), dcid_span: Span::default(), version_span: Span::default(), pn_at: len, end: len });
        };
        let (dcid, ds) = r.take(dcid_len, "destination connection ID")?;
        fields.push(Field::new("destination connection ID", hexs(dcid), ds).note("field.quic.dcid.short"));
        info.dcid = hexs(dcid);
        Ok(Header { level: Some(Level::OneRtt), long: false, first, dcid: dcid.to_vec(), dcid_span: ds, version_span: Span::default(), pn_at: r.pos() - fspan.offset, end: len })
    }

    /// A Retry packet: the token and the integrity tag, checked against the client's first DCID
    /// (RFC 9001 §5.8).
    fn retry(&mut self, r: &mut Reader, bytes: &[u8], version: Option<Version>, fields: &mut Vec<Field>) {
        if r.remaining() < 16 {
            let (rest, s) = r.rest();
            fields.push(Field::says("rest of the packet", crate::reader::bytes_value(rest.len()), s).note("field.quic.retry_tag"));
            return;
        }
        let token_len = r.remaining() - 16;
        if let Ok((tok, s)) = r.take(token_len, "retry token") {
            fields.push(Field::says("retry token", crate::reader::bytes_value(tok.len()), s).note("field.quic.retry_token"));
        }
        let verdict = match (version, self.client_dcids.first()) {
            (Some(v), Some(odcid)) => match qc::retry_tag_ok(&v, odcid, bytes) {
                Some(true) => "word.value.retry_tag.ok",
                Some(false) => "word.value.retry_tag.bad",
                None => "word.value.retry_tag.no_key",
            },
            _ => "word.value.retry_tag.no_initial",
        };
        if let Ok((_, s)) = r.take(16, "retry integrity tag") {
            fields.push(Field::new("retry integrity tag", TextRef::new(verdict), s).note("field.quic.retry_tag"));
        }
    }

    /// Keys to try for a packet: Initial keys from the client's DCIDs (its own for client
    /// packets; the newest one first for the server's), or the level's key log keys.
    fn candidates(&self, dir: Dir, level: Level, header: &Header) -> Vec<(PacketKeys, Option<qc::InitialSecrets>, &'static str)> {
        let d = di(dir);
        let version = match self.version {
            Some(v) => v,
            None => return Vec::new(),
        };
        let label = |c, s| if dir == Dir::C2S { c } else { s };
        match level {
            Level::Initial => {
                let mut dcids: Vec<&Vec<u8>> = Vec::new();
                if dir == Dir::C2S {
                    dcids.push(&header.dcid);
                }
                dcids.extend(self.client_dcids.iter().rev());
                dcids.dedup();
                dcids
                    .into_iter()
                    .map(|dcid| {
                        let s = qc::initial_secrets(&version, dcid);
                        let secret = if dir == Dir::C2S { &s.client } else { &s.server };
                        (qc::packet_keys(&version, qc::INITIAL_SUITE, secret), Some(s.clone()), "initial")
                    })
                    .collect()
            }
            Level::Handshake => self.keys.handshake[d].clone().map(|k| (k, None, label("CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET"))).into_iter().collect(),
            Level::ZeroRtt => self.keys.zero_rtt.clone().map(|k| (k, None, "CLIENT_EARLY_TRAFFIC_SECRET")).into_iter().collect(),
            Level::OneRtt => self.keys.one_rtt[d].clone().map(|k| (k, None, label("CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0"))).into_iter().collect(),
        }
    }

    /// Remove header protection, open the payload, explain the frames.
    #[allow(clippy::too_many_arguments)]
    fn unprotect(&mut self, dg: &Datagram, pkt: &[u8], base: usize, level: Level, h: &Header, fields: &mut Vec<Field>, info: &mut QuicPacket, msg: &mut Message) {
        let d = di(dg.dir);
        let space = level.space();
        let sample_at = h.pn_at + 4;
        let sample_span = Span::new(base + sample_at, 16);
        let Some(sample) = pkt.get(sample_at..sample_at + 16) else {
            let s = Span::new(base + h.pn_at.min(pkt.len()), pkt.len().saturating_sub(h.pn_at));
            fields.push(Field::says("protected payload", crate::reader::bytes_value(s.len), s).note("field.quic.too_short"));
            self.undecrypted[level as usize] += 1;
            return;
        };
        let candidates = self.candidates(dg.dir, level, h);
        let mut opened = None;
        for (keys, initial, label) in &candidates {
            let Some(mask) = qc::hp_mask(keys, sample) else { continue };
            let first = h.first ^ (mask[0] & if h.long { 0x0f } else { 0x1f });
            let pn_len = usize::from(first & 3) + 1;
            let Some(pn_bytes) = pkt.get(h.pn_at..h.pn_at + pn_len) else { continue };
            let truncated = pn_bytes.iter().zip(&mask[1..]).fold(0u64, |acc, (b, m)| (acc << 8) | u64::from(b ^ m));
            let pn = qc::decode_packet_number(self.largest[d][space], truncated, pn_len);
            let mut header = pkt[..h.pn_at + pn_len].to_vec();
            header[0] = first;
            for (i, m) in mask[1..=pn_len].iter().enumerate() {
                header[h.pn_at + i] ^= m;
            }
            if let Some(plain) = qc::open(keys, pn, &header, &pkt[h.pn_at + pn_len..]) {
                opened = Some((keys.clone(), initial.clone(), *label, mask, first, pn_len, truncated, pn, plain));
                break;
            }
        }
        let pn_guess = 4.min(pkt.len().saturating_sub(h.pn_at));
        let Some((keys, initial, label, mask, first, pn_len, truncated, pn, plain)) = opened else {
            let why = if candidates.is_empty() { "field.quic.payload.no_keys" } else { "field.quic.payload.wrong_keys" };
            let ps = Span::new(base + h.pn_at, pn_guess);
            fields.push(Field::new("packet number", "protected", ps).note("field.quic.packet_number.protected"));
            let s = Span::new(base + h.pn_at + pn_guess, pkt.len().saturating_sub(h.pn_at + pn_guess));
            fields.push(Field::says("protected payload", crate::reader::bytes_value(s.len), s).note(why));
            self.undecrypted[level as usize] += 1;
            return;
        };
        self.largest[d][space] = Some(self.largest[d][space].map_or(pn, |l| l.max(pn)));
        self.decrypted += 1;
        info.packet_number = Some(pn);
        info.keys = Some(label.to_string());
        // The first byte's protected bits, now readable.
        if let Some(fb) = fields.first_mut() {
            fb.value_ref = Some(TextRef::new("word.value.on_the_wire").arg("v", format!("0x{first:02x}")).arg("wire", format!("0x{:02x}", h.first)));
            let fspan = fb.span;
            if h.long {
                fb.children.push(Field::new("reserved bits", format!("{}{}", (first >> 3) & 1, (first >> 2) & 1), fspan).note("field.quic.reserved_bits"));
            } else {
                fb.children.push(Field::new("reserved bits", format!("{}{}", (first >> 4) & 1, (first >> 3) & 1), fspan).note("field.quic.reserved_bits"));
                fb.children.push(Field::new("key phase", format!("{}", (first >> 2) & 1), fspan).note("field.quic.key_phase"));
            }
            fb.children.push(Field::new("packet number length", TextRef::new("word.value.code_size").arg("v", (first & 3).to_string()).with("size", bytes_value(pn_len)), fspan).note("field.quic.pn_length"));
        }
        let pn_span = Span::new(base + h.pn_at, pn_len);
        let wire = &pkt[h.pn_at..h.pn_at + pn_len];
        fields.push(
            Field::new("packet number", TextRef::new("word.value.quic_pn").arg("pn", pn.to_string()).arg("sent", format!("0x{truncated:0w$x}", w = pn_len * 2)).arg("wire", format!("0x{}", hexs(wire))), pn_span).note("field.quic.packet_number"),
        );
        let payload_span = Span::new(base + h.pn_at + pn_len, pkt.len() - h.pn_at - pn_len);
        fields.push(Field::new("protected payload", TextRef::new("word.value.quic_payload").with("size", bytes_value(plain.len())), payload_span).note("field.quic.payload"));
        // How the keys came about, step by step, computed for this packet.
        let mut steps = Vec::new();
        let at0 = Span::new(base, 0);
        if let (Some(s), Some(v)) = (&initial, self.version) {
            let who = if dg.dir == Dir::C2S { "client" } else { "server" };
            steps.push(Field::new("initial_salt", hexs(&v.salt), h.version_span).note("field.quic.initial_salt"));
            let dcid_span = if dg.dir == Dir::C2S { h.dcid_span } else { at0 };
            steps.push(Field::new("initial_secret", hexs(&s.initial), dcid_span).note_ref(TextRef::new("field.quic.initial_secret").arg("dcid", self.client_dcids.last().map(|d| hexs(d)).unwrap_or_default())));
            let dir_secret = if dg.dir == Dir::C2S { &s.client } else { &s.server };
            steps.push(Field::new(format!("{who}_initial_secret"), hexs(dir_secret), dcid_span).note_ref(TextRef::new("field.quic.dir_secret").arg("label", format!("{who} in"))));
        } else {
            steps.push(Field::new("traffic secret", label, at0).note("field.quic.traffic_secret"));
        }
        let lp = self.version.map_or("quic", |v| v.label);
        let from = if initial.is_some() && dg.dir == Dir::C2S { h.dcid_span } else { at0 };
        steps.push(Field::new("key", hexs(&keys.key), from).note_ref(TextRef::new("field.quic.key").arg("label", format!("{lp} key"))));
        steps.push(Field::new("iv", hexs(&keys.iv), from).note_ref(TextRef::new("field.quic.iv").arg("label", format!("{lp} iv"))));
        steps.push(Field::new("hp", hexs(&keys.hp), from).note_ref(TextRef::new("field.quic.hp").arg("label", format!("{lp} hp"))));
        steps.push(Field::new("sample", hexs(sample), sample_span).note("field.quic.sample"));
        steps.push(Field::new("mask", hexs(&mask), sample_span).note("field.quic.mask"));
        steps.push(Field::new("nonce", hexs(&crate::crypto::prim::nonce(&keys.iv, pn)), pn_span).note("field.quic.nonce"));
        steps.push(Field::new("AEAD", TextRef::new("word.value.tag_verified").arg("aead", aead_name(keys.suite)), payload_span).note("field.quic.aead"));
        fields.push(Field::new("packet protection", level_keys(level, label), Span::new(base, pkt.len())).note(format!("field.quic.protection.{}", level.packet_type())).with_children(steps));
        // The decrypted frames.
        let fbase = self.push(dg.dir, &plain, dg.frame, Some("quic-frames"));
        let fspan = Span::new(fbase, plain.len());
        msg.pieces.push(fspan);
        msg.span = msg.span.cover(fspan);
        msg.encrypted = false;
        msg.decrypted = true;
        let mut r = Reader::with_base(&plain, fbase);
        let mut kids = Vec::new();
        let mut crypto = Vec::new();
        if let Err(e) = frames(&mut r, &mut kids, &mut info.frames, &mut crypto) {
            self.cap.diagnostics.push(Diagnostic::warning(e.at(), TextRef::new("diag.quic.frames").arg("frame", dg.frame.to_string()).with("why", e.describe())));
        }
        fields.push(Field::new("frames", info.frames.join(", "), fspan).note("field.quic.frames").with_children(kids));
        let stream = match level {
            Level::Initial => 0,
            Level::Handshake => 1,
            _ => 2,
        };
        for (off, data, span) in crypto {
            if !self.crypto[d][stream].add(off, &data) {
                self.cap.diagnostics.push(Diagnostic::warning(span.offset, TextRef::new("diag.quic.crypto_limit").arg("off", off.to_string()).arg("max", CRYPTO_MAX.to_string())));
            }
        }
    }

    /// Hand complete handshake messages on as rebuilt records (all of them at the end).
    fn emit(&mut self, dir: Dir, stream: usize, frame: u32, rest: bool) {
        let s = &mut self.crypto[di(dir)][stream];
        let bytes = if rest { s.take_rest().to_vec() } else { s.take_complete().to_vec() };
        // One rebuilt record per handshake message (a CompressedCertificate's decompressed
        // Certificate goes right after it); an incomplete tail at the end is one more.
        for msg in crate::tls::certcomp::split_messages(&bytes) {
            let rec = crate::tls::record::rebuild(crate::code::ct::HANDSHAKE, msg);
            let at = self.push(dir, &rec, frame, None);
            self.cap.decrypted.push((at, rec.len()));
            if msg.first() == Some(&crate::registry::ht::COMPRESSED_CERTIFICATE.0) && self.inflated_total >= crate::tls::certcomp::INFLATE_BUDGET {
                // Said once (usize::MAX: said).
                if self.inflated_total != usize::MAX {
                    self.cap.notes.push(crate::tls::certcomp::note(0, 0, &Err(crate::tls::certcomp::budget_spent())));
                    self.inflated_total = usize::MAX;
                }
                continue;
            }
            match crate::tls::certcomp::certificate_message(msg) {
                Ok(Some((algorithm, compressed, cert))) => {
                    self.inflated_total += cert.len();
                    self.cap.notes.push(crate::tls::certcomp::note(algorithm, compressed, &Ok(cert.len())));
                    let rec = crate::tls::record::rebuild(crate::code::ct::HANDSHAKE, &cert);
                    let at = self.push(dir, &rec, frame, None);
                    self.cap.decrypted.push((at, rec.len()));
                    self.cap.inflated.push((at, rec.len()));
                }
                Ok(None) => {}
                Err(e) => self.cap.notes.push(crate::tls::certcomp::note(0, 0, &Err(e))),
            }
        }
    }

    fn client_random(&self) -> Option<Vec<u8>> {
        let ch = &self.crypto[0][0].data;
        (ch.first() == Some(&1)).then(|| ch.get(6..38).map(<[u8]>::to_vec)).flatten()
    }

    /// The cipher suite the ServerHello chose (RFC 8446 §4.1.3).
    fn server_suite(&self) -> Option<crate::code::CipherSuite> {
        let sh = &self.crypto[1][0].data;
        if sh.first() != Some(&crate::code::ht::SERVER_HELLO.0) {
            return None;
        }
        let sid = usize::from(*sh.get(38)?);
        let s = sh.get(39 + sid..41 + sid)?;
        Some(crate::code::CipherSuite(u16::from_be_bytes([s[0], s[1]])))
    }

    fn finish(mut self) -> (Capture, QuicView) {
        let last_frame = self.flow.last_frame;
        for dir in [Dir::C2S, Dir::S2C] {
            for stream in 0..3 {
                self.emit(dir, stream, last_frame, true);
            }
        }
        let mut summary = QuicSummary {
            version: self.first_version.unwrap_or(0),
            version_name: crate::registry::quic_version_name(self.first_version.unwrap_or(0)),
            original_dcid: self.client_dcids.first().map(|d| hexs(d)).unwrap_or_default(),
            client_scid: self.scid[0].as_ref().map(|s| hexs(s)),
            server_scid: self.scid[1].as_ref().map(|s| hexs(s)),
            packets: std::mem::take(&mut self.counts),
            decrypted: self.decrypted,
            datagrams_not_kept: self.flow.not_kept,
        };
        let cap = &mut self.cap;
        if summary.packets.get("initial").is_some_and(|&n| n > 0) && self.decrypted > 0 {
            cap.notes.push((NoteSeverity::Info, TextRef::new("note.quic.initial").arg("dcid", summary.original_dcid.clone())));
        }
        let [_, hs, early, app] = self.undecrypted;
        if hs + early > 0 {
            cap.notes.push((NoteSeverity::Info, TextRef::new("note.quic.need_keys").arg("n", (hs + early).to_string())));
        }
        if app > 0 {
            cap.notes.push((NoteSeverity::Info, TextRef::new("note.quic.app_undecrypted").arg("n", app.to_string())));
        }
        if self.flow.not_kept.iter().sum::<u64>() > 0 {
            cap.notes.push((
                NoteSeverity::Info,
                TextRef::new("note.quic.not_kept").arg("c2s", self.flow.not_kept[0].to_string()).arg("s2c", self.flow.not_kept[1].to_string()),
            ));
        }
        summary.packets.retain(|_, n| *n > 0);
        cap.quic = true;
        (std::mem::take(&mut self.cap), QuicView { packets: std::mem::take(&mut self.packets), summary })
    }
}

/// Which keys protect a packet of level `l`, and where they came from.
fn level_keys(l: Level, label: &str) -> TextRef {
    match l {
        Level::Initial => TextRef::new("word.value.quic_keys_initial"),
        _ => TextRef::new("word.value.quic_keys_log").arg("level", packet_name(l.packet_type()).trim_start_matches("QUIC ")).arg("label", label),
    }
}

fn aead_name(s: Suite) -> &'static str {
    match s.aead {
        crate::crypto::tls13::Aead::Aes128Gcm => "AES-128-GCM",
        crate::crypto::tls13::Aead::Aes256Gcm => "AES-256-GCM",
        crate::crypto::tls13::Aead::ChaCha20Poly1305 => "ChaCha20-Poly1305",
        crate::crypto::tls13::Aead::Aes128Ccm => "AES-128-CCM",
        crate::crypto::tls13::Aead::Aes128Ccm8 => "AES-128-CCM-8",
    }
}

/// The step name of a packet type.
pub fn packet_name(t: &str) -> &'static str {
    match t {
        "initial" => "QUIC Initial",
        "0rtt" => "QUIC 0-RTT",
        "handshake" => "QUIC Handshake",
        "retry" => "QUIC Retry",
        "version_negotiation" => "QUIC Version Negotiation",
        "1rtt" => "QUIC 1-RTT",
        _ => "QUIC packet",
    }
}

/// A connection ID with its one-byte length (RFC 9000 §17.2: at most 20 bytes in v1).
fn cid(r: &mut Reader, fields: &mut Vec<Field>, name: &'static str, note: &'static str) -> ReadResult<(Vec<u8>, Span)> {
    let (n, ls) = r.u8("connection ID length")?;
    let (id, s) = r.take(usize::from(n), name)?;
    fields.push(Field::says(format!("{name} length"), crate::reader::bytes_value(usize::from(n)), ls).note("field.quic.cid_length"));
    fields.push(Field::new(name, if id.is_empty() { "(empty)".to_string() } else { hexs(id) }, s).note(note));
    Ok((id.to_vec(), s))
}

/// The frame type names of RFC 9000 §19 (and DATAGRAM, RFC 9221).
fn frame_name(t: u64) -> &'static str {
    match t {
        0x00 => "PADDING",
        0x01 => "PING",
        0x02 | 0x03 => "ACK",
        0x04 => "RESET_STREAM",
        0x05 => "STOP_SENDING",
        0x06 => "CRYPTO",
        0x07 => "NEW_TOKEN",
        0x08..=0x0f => "STREAM",
        0x10 => "MAX_DATA",
        0x11 => "MAX_STREAM_DATA",
        0x12 | 0x13 => "MAX_STREAMS",
        0x14 => "DATA_BLOCKED",
        0x15 => "STREAM_DATA_BLOCKED",
        0x16 | 0x17 => "STREAMS_BLOCKED",
        0x18 => "NEW_CONNECTION_ID",
        0x19 => "RETIRE_CONNECTION_ID",
        0x1a => "PATH_CHALLENGE",
        0x1b => "PATH_RESPONSE",
        0x1c | 0x1d => "CONNECTION_CLOSE",
        0x1e => "HANDSHAKE_DONE",
        0x30 | 0x31 => "DATAGRAM",
        _ => "unknown",
    }
}

type CryptoPiece = (u64, Vec<u8>, Span);

/// Parse the frames of a decrypted payload (RFC 9000 §12.4, §19).
fn frames(r: &mut Reader, out: &mut Vec<Field>, names: &mut Vec<String>, crypto: &mut Vec<CryptoPiece>) -> ReadResult<()> {
    while !r.is_empty() {
        let start = r.pos();
        let (t, ts) = varint(r, "frame type")?;
        let name = frame_name(t);
        if t == 0 {
            // A run of PADDING bytes is shown as one field.
            let mut n = 1;
            while !r.is_empty() && r.clone().u8("padding").map(|(b, _)| b) == Ok(0) {
                r.u8("padding")?;
                n += 1;
            }
            names.push(format!("PADDING ×{n}"));
            out.push(Field::says("PADDING", crate::reader::bytes_value(n), Span::new(start, n)).note("field.quic.frame.PADDING"));
            continue;
        }
        let mut kids = vec![Field::new("frame type", format!("0x{t:02x} ({name})"), ts).note("field.quic.frame_type")];
        let v = |r: &mut Reader, what: &'static str, note: &'static str, kids: &mut Vec<Field>| -> ReadResult<u64> {
            let (x, s) = varint(r, what)?;
            kids.push(Field::new(what, x.to_string(), s).note(note));
            Ok(x)
        };
        let mut value = Value::Plain(String::new());
        match t {
            0x01 | 0x1e => {}
            0x02 | 0x03 => {
                let largest = v(r, "largest acknowledged", "field.quic.ack.largest", &mut kids)?;
                v(r, "ACK delay", "field.quic.ack.delay", &mut kids)?;
                let count = v(r, "ACK range count", "field.quic.ack.range_count", &mut kids)?;
                let first = v(r, "first ACK range", "field.quic.ack.first_range", &mut kids)?;
                value = format!("{}..={largest}", largest.saturating_sub(first)).into();
                for _ in 0..count.min(256) {
                    v(r, "gap", "field.quic.ack.gap", &mut kids)?;
                    v(r, "ACK range length", "field.quic.ack.range", &mut kids)?;
                }
                if t == 0x03 {
                    for what in ["ECT(0) count", "ECT(1) count", "ECN-CE count"] {
                        v(r, what, "field.quic.ack.ecn", &mut kids)?;
                    }
                }
            }
            0x04 => {
                v(r, "stream ID", "field.quic.stream_id", &mut kids)?;
                v(r, "application error code", "field.quic.app_error", &mut kids)?;
                v(r, "final size", "field.quic.final_size", &mut kids)?;
            }
            0x05 => {
                v(r, "stream ID", "field.quic.stream_id", &mut kids)?;
                v(r, "application error code", "field.quic.app_error", &mut kids)?;
            }
            0x06 => {
                let off = v(r, "offset", "field.quic.crypto.offset", &mut kids)?;
                let (len, ls) = varint(r, "length")?;
                kids.push(Field::says("length", crate::reader::bytes_value(len as usize), ls).note("field.quic.crypto.length"));
                let (data, ds) = r.take(usize::try_from(len).unwrap_or(usize::MAX), "crypto data")?;
                kids.push(Field::new("crypto data", TextRef::new("word.value.crypto_range").arg("from", off.to_string()).arg("to", off.saturating_add(len).to_string()), ds).note("field.quic.crypto.data"));
                value = TextRef::new("word.value.crypto_frame").arg("off", off.to_string()).with("size", bytes_value(data.len())).into();
                crypto.push((off, data.to_vec(), ds));
            }
            0x07 => {
                let (len, ls) = varint(r, "token length")?;
                kids.push(Field::says("token length", crate::reader::bytes_value(len as usize), ls).note("field.quic.token_length"));
                let (_, s) = r.take(usize::try_from(len).unwrap_or(usize::MAX), "token")?;
                kids.push(Field::says("token", crate::reader::bytes_value(len as usize), s).note("field.quic.new_token"));
            }
            0x08..=0x0f => {
                let id = v(r, "stream ID", "field.quic.stream_id", &mut kids)?;
                let off = if t & 0x04 != 0 { v(r, "offset", "field.quic.stream.offset", &mut kids)? } else { 0 };
                let data = if t & 0x02 != 0 {
                    let (len, ls) = varint(r, "length")?;
                    kids.push(Field::says("length", crate::reader::bytes_value(len as usize), ls).note("field.quic.stream.length"));
                    r.take(usize::try_from(len).unwrap_or(usize::MAX), "stream data")?
                } else {
                    r.rest()
                };
                kids.push(Field::new("stream data", TextRef::new(if t & 1 != 0 { "word.value.stream_data_fin" } else { "word.value.stream_data" }).arg("off", off.to_string()).with("size", bytes_value(data.0.len())), data.1).note("field.quic.stream.data"));
                value = TextRef::new("word.value.stream_frame").arg("id", id.to_string()).with("size", bytes_value(data.0.len())).into();
            }
            0x10 | 0x12 | 0x13 | 0x14 | 0x16 | 0x17 => {
                let x = v(r, "maximum", "field.quic.limit", &mut kids)?;
                value = x.to_string().into();
            }
            0x11 | 0x15 => {
                v(r, "stream ID", "field.quic.stream_id", &mut kids)?;
                v(r, "maximum", "field.quic.limit", &mut kids)?;
            }
            0x18 => {
                v(r, "sequence number", "field.quic.new_cid.seq", &mut kids)?;
                v(r, "retire prior to", "field.quic.new_cid.retire", &mut kids)?;
                let (n, ls) = r.u8("length")?;
                kids.push(Field::says("length", crate::reader::bytes_value(usize::from(n)), ls).note("field.quic.cid_length"));
                let (id, s) = r.take(usize::from(n), "connection ID")?;
                kids.push(Field::new("connection ID", hexs(id), s).note("field.quic.new_cid.id"));
                let (tok, s) = r.take(16, "stateless reset token")?;
                kids.push(Field::new("stateless reset token", hexs(tok), s).note("field.quic.new_cid.reset"));
            }
            0x19 => {
                v(r, "sequence number", "field.quic.new_cid.seq", &mut kids)?;
            }
            0x1a | 0x1b => {
                let (d, s) = r.take(8, "data")?;
                kids.push(Field::new("data", hexs(d), s).note("field.quic.path"));
            }
            0x1c | 0x1d => {
                let code = v(r, "error code", if t == 0x1c { "field.quic.close.transport" } else { "field.quic.app_error" }, &mut kids)?;
                if t == 0x1c {
                    v(r, "frame type", "field.quic.close.frame_type", &mut kids)?;
                    value = transport_error(code).into();
                } else {
                    value = TextRef::new("word.value.app_error").arg("code", code.to_string()).into();
                }
                let (len, ls) = varint(r, "reason phrase length")?;
                kids.push(Field::says("reason phrase length", crate::reader::bytes_value(len as usize), ls).note("field.quic.close.reason"));
                let (p, s) = r.take(usize::try_from(len).unwrap_or(usize::MAX), "reason phrase")?;
                let reason = String::from_utf8_lossy(p).into_owned();
                if !reason.is_empty() {
                    value = match value {
                        Value::Plain(v) => format!("{v}: {reason}").into(),
                        Value::Says(r) => TextRef::new("word.value.with_reason").with("what", r).arg("reason", reason.clone()).into(),
                    };
                }
                kids.push(Field::new("reason phrase", reason, s).note("field.quic.close.reason"));
            }
            0x30 | 0x31 => {
                let data = if t == 0x31 {
                    let (len, ls) = varint(r, "length")?;
                    kids.push(Field::says("length", crate::reader::bytes_value(len as usize), ls).note("field.quic.stream.length"));
                    r.take(usize::try_from(len).unwrap_or(usize::MAX), "datagram data")?
                } else {
                    r.rest()
                };
                kids.push(Field::says("datagram data", crate::reader::bytes_value(data.0.len()), data.1).note("field.quic.datagram"));
            }
            _ => {
                let (rest, s) = r.rest();
                names.push(format!("unknown 0x{t:x}"));
                out.push(Field::new(format!("frame 0x{t:x}"), TextRef::new("word.value.unknown_frame").with("size", bytes_value(rest.len())), Span::new(start, r.pos() - start)).note("field.quic.frame.unknown").with_children(vec![
                    Field::new("frame type", format!("0x{t:x}"), ts).note("field.quic.frame_type"),
                    Field::says("rest", crate::reader::bytes_value(rest.len()), s).note("field.quic.frame.unparsed"),
                ]));
                return Err(ReadError::Malformed { at: start, why: TextRef::new("diag.read.quic_frame").arg("t", format!("0x{t:x}")) });
            }
        }
        names.push(name.to_string());
        out.push(Field::new(name, value, Span::new(start, r.pos() - start)).note(format!("field.quic.frame.{name}")).with_children(kids));
    }
    Ok(())
}

/// Transport error codes (RFC 9000 §20.1); 0x01xx are TLS alerts (RFC 9001 §4.8).
fn transport_error(code: u64) -> String {
    let name = match code {
        0x00 => "NO_ERROR",
        0x01 => "INTERNAL_ERROR",
        0x02 => "CONNECTION_REFUSED",
        0x03 => "FLOW_CONTROL_ERROR",
        0x04 => "STREAM_LIMIT_ERROR",
        0x05 => "STREAM_STATE_ERROR",
        0x06 => "FINAL_SIZE_ERROR",
        0x07 => "FRAME_ENCODING_ERROR",
        0x08 => "TRANSPORT_PARAMETER_ERROR",
        0x09 => "CONNECTION_ID_LIMIT_ERROR",
        0x0a => "PROTOCOL_VIOLATION",
        0x0b => "INVALID_TOKEN",
        0x0c => "APPLICATION_ERROR",
        0x0d => "CRYPTO_BUFFER_EXCEEDED",
        0x0e => "KEY_UPDATE_ERROR",
        0x0f => "AEAD_LIMIT_REACHED",
        0x10 => "NO_VIABLE_PATH",
        0x11 => "VERSION_NEGOTIATION_ERROR",
        0x0100..=0x01ff => return format!("CRYPTO_ERROR (TLS alert {})", crate::registry::alert_name((code & 0xff) as u8)),
        _ => return format!("error 0x{code:x}"),
    };
    name.to_string()
}

/// The capture of one QUIC flow: every kept packet explained, Initial packets decrypted with
/// keys from the client's DCID, later levels with `keys` (a key log) when they hold the
/// connection's secrets. (Which secrets is told by the client random, in the Initial packets:
/// with secrets for it the flow is walked a second time, with the keys; the Finished messages
/// are checked by the pipeline, on the messages it walks anyway.)
pub fn capture(flow: &UdpFlow, kind: &'static str, keys: &[Entry]) -> (Capture, QuicView) {
    let mut w = Walk::new(flow, kind);
    for dg in &flow.datagrams {
        w.datagram(dg);
    }
    // With the client random and the cipher suite from the Initial packets, look for the
    // connection's secrets; with some, walk again with them.
    let found = match (w.client_random(), w.server_suite().and_then(Suite::from_id), w.version) {
        (Some(random), Some(suite), Some(version)) if !keys.is_empty() => {
            let s = Secrets::find(keys, &random);
            let k = |secret: &Option<Vec<u8>>| secret.as_ref().map(|x| qc::packet_keys(&version, suite, x));
            let set = KeySet { handshake: [k(&s.client_handshake), k(&s.server_handshake)], zero_rtt: k(&s.client_early), one_rtt: [k(&s.client_app), k(&s.server_app)] };
            let any = set.handshake.iter().chain(set.one_rtt.iter()).any(Option::is_some) || set.zero_rtt.is_some();
            any.then_some(set)
        }
        _ => None,
    };
    let keyless = w.finish();
    let Some(set) = found else {
        return keyless;
    };
    let mut w = Walk::new(flow, kind);
    w.keys = set;
    for dg in &flow.datagrams {
        w.datagram(dg);
    }
    let keyed = w.finish();
    // Keys that open nothing more (another connection's) change nothing.
    let opened = |c: &(Capture, QuicView)| c.1.packets.iter().filter(|m| m.decrypted).count();
    if opened(&keyed) > opened(&keyless) {
        keyed
    } else {
        keyless
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_follow_rfc9000_appendix_a1() {
        // RFC 9000 §A.1: 0xc2197c5eff14e88c = 151288809941952652, 0x9d7f3e7d = 494878333,
        // 0x7bbd = 15293, 0x25 = 37 (and 0x4025 = 37 too).
        for (hex, want) in [("c2197c5eff14e88c", 151288809941952652u64), ("9d7f3e7d", 494878333), ("7bbd", 15293), ("25", 37), ("4025", 37)] {
            let b: Vec<u8> = (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect();
            let mut r = Reader::new(&b);
            assert_eq!(varint(&mut r, "v").unwrap().0, want, "{hex}");
            assert!(r.is_empty());
        }
        assert!(varint(&mut Reader::new(&[0x40]), "v").is_err());
    }

    #[test]
    fn crypto_stream_reassembles_out_of_order_and_overlaps() {
        let mut s = CryptoStream::default();
        let msg = [1u8, 0, 0, 4, 9, 9, 9, 9, 2, 0, 0, 1];
        assert!(s.add(6, &msg[6..]));
        assert!(s.take_complete().is_empty());
        assert!(s.add(0, &msg[..7]));
        assert_eq!(s.take_complete(), &msg[..8]);
        assert_eq!(s.take_rest(), &msg[8..]);
        assert!(!s.add(CRYPTO_MAX, &[1]));
    }
}
