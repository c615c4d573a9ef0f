//! TCP stream reassembly per connection and direction, from sequence numbers: retransmissions
//! and overlaps trimmed, out-of-order segments held until the gap before them fills, missing
//! data reported with its stream offset. Which side is the client comes from the SYN, else from
//! the content (who sent a ClientHello), else from the ports.
//!
//! Connections are numbered like Wireshark's `tcp.stream` (and UDP flows like `udp.stream`):
//! in order of first appearance, with a new number when a SYN reuses the ports of a closed
//! connection. The `Reassembler` takes one packet at a time; for `tls-lens scan` it can stop
//! storing a connection's bytes after a prefix and still count its TLS records by length.

use std::collections::BTreeMap;

use foldhash::{HashMap, HashMapExt};
use std::net::IpAddr;

use super::file::RawPacket;
use super::packet::{decode, Decoded};
use crate::model::{Diagnostic, Dir, TextRef};

/// Stored bytes a streaming connection's buffer starts with room for.
const INITIAL_ROOM: usize = 2 << 10;
/// Bytes held out of order per direction before we give up waiting and report a gap.
const MAX_PENDING: usize = 32 << 20;

pub type Endpoint = (IpAddr, u16);

/// TLS records seen in one direction, counted from their headers alone.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RecordCounts {
    /// Records by content type 20 (change_cipher_spec) ..= 24 (heartbeat).
    pub by_type: [u64; 5],
    /// Payload bytes of application_data (23) records.
    pub app_bytes: u64,
    /// Where the stream first stopped looking like TLS records (a preamble such as STARTTLS,
    /// or a missing segment), as an offset in this direction's stream.
    pub lost_at: Option<u64>,
    /// Bytes passed over while looking for the next record header.
    pub skipped: u64,
}

/// Follows record boundaries through a stream without keeping its bytes. When the bytes stop
/// looking like a record header (or a gap breaks the chain) it looks, byte by byte, for the
/// next plausible header, as the in-memory record parser does.
#[derive(Clone, Debug, Default)]
struct RecordCounter {
    counts: RecordCounts,
    hdr: [u8; 5],
    have: usize,
    remaining: u64,
    offset: u64,
    hunting: bool,
    /// The current record is a handshake record after this side's ChangeCipherSpec: its first
    /// four payload bytes tell an encrypted message (a TLS 1.0-1.2 Finished) from a plaintext
    /// one (TLS 1.3's second ClientHello, or a ServerHello, after HelloRetryRequest).
    after_ccs: bool,
    peek: [u8; 4],
    peek_have: usize,
    /// Bytes of a plaintext hello that go on into the next handshake records.
    plain_left: u64,
    /// This side sent an encrypted handshake record after its ChangeCipherSpec (TLS 1.0-1.2).
    encrypted_hs: bool,
    /// Where the first application_data record after that starts, as a stream offset: this
    /// side's handshake is over there (its Finished, and NextProtocol or ChannelID before it,
    /// came first).
    handshake_end: Option<u64>,
}

/// Reads a handshake record of `len` payload bytes, sent after a ChangeCipherSpec, that starts
/// with `head`: `Some(rest)` if it holds a plaintext message, with `rest` of its bytes still to
/// come in the next records; `None` if it is encrypted. After ChangeCipherSpec only a ClientHello
/// (TLS 1.3's second, after HelloRetryRequest) or a ServerHello (after HelloRetryRequest with the
/// compatibility CCS) is plaintext (RFC 8446 §4.1.4, D.4). An encrypted TLS 1.0-1.2 handshake
/// record of fewer than 512 bytes (a Finished: 12 bytes of verify_data plus IV, MAC and at most
/// 255 bytes of CBC padding, RFC 5246 §6.2.3.2) passes for a hello with odds of about 1 in 4
/// million; an AEAD record whose explicit nonce is the sequence number (RFC 5288 §3), so starts
/// with zeros, never does.
fn plaintext_handshake(head: &[u8; 4], len: usize) -> Option<u64> {
    let n = ((head[1] as u64) << 16) | ((head[2] as u64) << 8) | head[3] as u64;
    let hello = matches!(head[0], 1 | 2);
    match (hello, n + 4 <= len as u64) {
        (true, true) => Some(0),
        (true, false) if len >= 512 => Some(n + 4 - len as u64),
        _ if len >= 512 => Some(0),
        _ => None,
    }
}

impl RecordCounter {
    fn feed(&mut self, mut b: &[u8]) {
        while !b.is_empty() {
            if self.remaining > 0 {
                let n = (self.remaining).min(b.len() as u64) as usize;
                if self.after_ccs {
                    let k = n.min(4 - self.peek_have);
                    self.peek[self.peek_have..self.peek_have + k].copy_from_slice(&b[..k]);
                    self.peek_have += k;
                }
                self.remaining -= n as u64;
                self.offset += n as u64;
                b = &b[n..];
                if self.remaining == 0 && self.after_ccs {
                    self.after_ccs = false;
                    let len = u16::from_be_bytes([self.hdr[3], self.hdr[4]]) as usize;
                    if self.plain_left > 0 {
                        self.plain_left = self.plain_left.saturating_sub(len as u64);
                    } else if self.peek_have == 4 {
                        match plaintext_handshake(&self.peek, len) {
                            Some(rest) => self.plain_left = rest,
                            None => self.encrypted_hs = true,
                        }
                    }
                }
                continue;
            }
            if self.hunting {
                // Slide a 5-byte window one byte at a time.
                if self.have == 5 {
                    self.hdr.copy_within(1.., 0);
                    self.have = 4;
                    self.counts.skipped += 1;
                    self.offset += 1;
                }
                self.hdr[self.have] = b[0];
                self.have += 1;
                b = &b[1..];
                if self.have == 5 && crate::wire::header_ok(&self.hdr, false) {
                    self.hunting = false;
                    self.record();
                }
                continue;
            }
            // The first byte of a header is its content type: application data after this
            // side's encrypted handshake ends the handshake before the rest of the header comes.
            if self.have == 0 && b[0] == 23 && self.encrypted_hs && self.handshake_end.is_none() {
                self.handshake_end = Some(self.offset);
            }
            let n = (5 - self.have).min(b.len());
            self.hdr[self.have..self.have + n].copy_from_slice(&b[..n]);
            self.have += n;
            b = &b[n..];
            if self.have < 5 {
                return;
            }
            // In step with the stream, an empty record is fine (e.g. the CBC empty-fragment
            // countermeasure); only the search for a header asks for a non-empty one.
            if crate::wire::header_ok(&self.hdr, true) {
                self.record();
            } else {
                self.lose();
            }
        }
    }

    fn record(&mut self) {
        self.have = 0;
        let [t, _, _, hi, lo] = self.hdr;
        let len = u16::from_be_bytes([hi, lo]) as u64;
        self.counts.by_type[(t - 20) as usize] += 1;
        if t == 23 {
            self.counts.app_bytes += len;
            // A header found by hunting skipped the first-byte check in `feed`.
            if self.encrypted_hs && self.handshake_end.is_none() {
                self.handshake_end = Some(self.offset);
            }
        }
        self.offset += 5;
        self.remaining = len;
        self.after_ccs = t == 22 && len > 0 && self.counts.by_type[0] > 0 && !self.encrypted_hs;
        self.peek_have = 0;
    }

    /// Stream offset of the next byte to feed.
    fn pos(&self) -> u64 {
        self.offset + self.have as u64
    }

    fn lose(&mut self) {
        self.counts.lost_at.get_or_insert(self.offset);
        self.hunting = true;
    }

    fn gap(&mut self, missing: u64) {
        self.counts.lost_at.get_or_insert(self.offset);
        self.offset += missing;
        self.remaining = 0;
        self.have = 0;
        self.hunting = true;
        self.after_ccs = false;
        self.plain_left = 0;
    }
}

/// A reassembled TCP connection: both directions' bytes interleaved in the order they became
/// contiguous, as chunks with the frame that completed them.
#[derive(Clone, Debug)]
pub struct TcpConnection {
    /// Number of the connection in the capture, as Wireshark's `tcp.stream`.
    pub stream: usize,
    pub client: Endpoint,
    pub server: Endpoint,
    pub data: Vec<u8>,
    /// (direction, offset in `data`, length, frame number, the frame's capture time in
    /// microseconds since 1970 if the file says)
    pub chunks: Vec<(Dir, usize, usize, u32, Option<i64>)>,
    pub diagnostics: Vec<Diagnostic>,
    pub first_frame: u32,
    pub last_frame: u32,
    pub packets: u64,
    /// Payload bytes client -> server and server -> client (all of them, stored or not).
    pub bytes: [u64; 2],
    /// Record counts client -> server and server -> client (streaming mode only).
    pub records: Option<[RecordCounts; 2]>,
    /// Both sides sent FIN, or one sent RST.
    pub closed: bool,
    /// File offset of the first packet, for diagnostics about the whole connection.
    pub first_offset: usize,
    /// When the first packet was captured (microseconds since 1970), if the file says.
    pub first_ts: Option<i64>,
}

/// One UDP payload of a flow, kept for QUIC.
#[derive(Clone, Debug)]
pub struct Datagram {
    pub dir: Dir,
    pub frame: u32,
    /// Capture time (microseconds since 1970), if the file says.
    pub ts: Option<i64>,
    pub bytes: Vec<u8>,
}

/// Short header (1-RTT) datagrams kept per direction, to show that application data decrypts.
const SHORT_KEPT: usize = 4;
/// Bytes of QUIC datagrams kept per flow when every byte is kept (`Reassembler::new`).
const QUIC_KEEP: usize = 4 << 20;

/// A UDP flow: datagrams between two endpoints. QUIC flows keep their long header datagrams
/// (the handshake) and a few short header ones; DTLS is listed, not explained yet.
#[derive(Clone, Debug)]
pub struct UdpFlow {
    /// Number of the flow, as Wireshark's `udp.stream`.
    pub stream: usize,
    /// The sender of the first datagram, and its peer.
    pub client: Endpoint,
    pub server: Endpoint,
    pub first_frame: u32,
    pub last_frame: u32,
    /// When the first datagram was captured (microseconds since 1970), if the file says.
    pub first_ts: Option<i64>,
    pub packets: u64,
    pub bytes: u64,
    /// Payload bytes per direction (client to server first).
    pub dir_bytes: [u64; 2],
    /// The first payload bytes, to tell QUIC and DTLS by content.
    pub head: Vec<u8>,
    /// Whether the first datagram was a QUIC long header packet.
    pub quic: bool,
    /// Whether the first datagram was a DTLS record (content type 20-26, version 0xfeXX).
    pub dtls: bool,
    pub datagrams: Vec<Datagram>,
    pub stored: usize,
    /// Datagrams seen but not kept, per direction (client to server first).
    pub not_kept: [u64; 2],
    short_kept: [usize; 2],
}

#[derive(Default)]
struct Side {
    isn: Option<u32>,
    next: u64,
    pending: BTreeMap<u64, (Vec<u8>, u32, Option<i64>)>,
    pending_bytes: usize,
    first_payload: Vec<u8>,
    fin: bool,
    bytes: u64,
    stored: usize,
    counter: Option<RecordCounter>,
}

struct Conn {
    stream: usize,
    a: Endpoint,
    b: Endpoint,
    /// 0: a -> b, 1: b -> a
    sides: [Side; 2],
    syn_from: Option<usize>,
    rst: bool,
    data: Vec<u8>,
    chunks: Vec<(usize, usize, usize, u32, Option<i64>)>,
    diagnostics: Vec<Diagnostic>,
    first_frame: u32,
    last_frame: u32,
    packets: u64,
    first_offset: usize,
    first_ts: Option<i64>,
    /// Bytes per side to keep in `data` (usize::MAX: all).
    store_limit: usize,
    /// The stored prefix was handed out (`Reassembler::take_prefix`).
    taken: bool,
}

/// What a packet did to its TCP connection (`Reassembler::packet_seen`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seen {
    pub id: usize,
    /// The handshake has gone by and the stored prefix is still here.
    pub handshake_over: bool,
    pub closed: bool,
}

impl Conn {
    fn new(stream: usize, a: Endpoint, b: Endpoint, p: &RawPacket, store_limit: usize, count: bool) -> Conn {
        let mut sides: [Side; 2] = Default::default();
        if count {
            sides.iter_mut().for_each(|s| s.counter = Some(RecordCounter::default()));
        }
        Conn {
            stream,
            a,
            b,
            sides,
            syn_from: None,
            rst: false,
            data: Vec::new(),
            chunks: Vec::new(),
            diagnostics: Vec::new(),
            first_frame: p.frame,
            last_frame: p.frame,
            packets: 0,
            first_offset: p.file_offset,
            first_ts: p.ts,
            store_limit,
            taken: false,
        }
    }

    /// Has the handshake gone by? True once each direction has sent an encrypted handshake
    /// record (its TLS 1.0-1.2 Finished), two application_data records, or all it may store. A
    /// client that sent ChangeCipherSpec and then an application_data record is done too: in
    /// TLS 1.3 with the middlebox-compatibility CCS that record is its Finished, which follows
    /// the server's whole flight; in TLS 1.2 (when its Finished was not recognised) it is its
    /// first request, and waiting for a second would store the whole response.
    fn handshake_over(&self) -> bool {
        let client = self.client_side();
        self.sides.iter().enumerate().all(|(i, s)| {
            let [ccs, _, _, app, _] = s.counter.as_ref().map_or([0; 5], |k| k.counts.by_type);
            let finished = s.counter.as_ref().is_some_and(|k| k.encrypted_hs);
            finished || app >= 2 || (i == client && ccs >= 1 && app >= 1) || s.stored >= self.store_limit
        })
    }

    fn closed(&self) -> bool {
        self.rst || (self.sides[0].fin && self.sides[1].fin)
    }

    fn push(&mut self, side: usize, bytes: &[u8], frame: u32, ts: Option<i64>) {
        if bytes.is_empty() {
            return;
        }
        let s = &mut self.sides[side];
        s.bytes += bytes.len() as u64;
        let mut keep = bytes.len().min(self.store_limit.saturating_sub(s.stored));
        if let Some(c) = s.counter.as_mut() {
            // Streaming: a side whose handshake is over (TLS 1.0-1.2: it sent its encrypted
            // Finished, then application data) stores nothing more; the rest is only counted.
            let (start, done_before) = (c.pos(), c.handshake_end);
            c.feed(bytes);
            match (done_before, c.handshake_end) {
                (Some(_), _) => keep = 0,
                (None, Some(end)) => keep = keep.min(end.saturating_sub(start) as usize),
                _ => {}
            }
        }
        if keep == 0 {
            return;
        }
        s.stored += keep;
        let off = self.data.len();
        self.data.extend_from_slice(&bytes[..keep]);
        match self.chunks.last_mut() {
            Some(last) if last.0 == side && last.3 == frame => last.2 += keep,
            _ => self.chunks.push((side, off, keep, frame, ts)),
        }
    }

    /// Move whatever is now contiguous from `pending` to the output.
    fn drain(&mut self, side: usize) {
        loop {
            let s = &mut self.sides[side];
            let Some((&k, _)) = s.pending.first_key_value() else { return };
            if k > s.next {
                return;
            }
            let Some((bytes, frame, ts)) = s.pending.remove(&k) else { return };
            s.pending_bytes -= bytes.len();
            let skip = (s.next - k) as usize;
            if skip < bytes.len() {
                s.next += (bytes.len() - skip) as u64;
                self.push(side, &bytes[skip..], frame, ts);
            }
        }
    }

    /// Give up on the hole before the first held segment: report it and go on after it.
    fn skip_gap(&mut self, side: usize, label: &str) {
        let s = &mut self.sides[side];
        if let Some((&k, (_, frame, _))) = s.pending.first_key_value() {
            let (missing, at, frame) = (k - s.next, s.next, *frame);
            s.next = k;
            if let Some(c) = s.counter.as_mut() {
                c.gap(missing);
            }
            let off = self.data.len();
            self.diagnostics.push(Diagnostic::warning(
                off,
                TextRef::new("diag.tcp.gap").arg("label", label.to_string()).arg("missing", missing.to_string()).arg("at", at.to_string()).arg("frame", frame.to_string()),
            ));
            self.drain(side);
        }
    }

    /// Which side (0 or 1) is the client: the SYN sender, else whoever sent a ClientHello,
    /// else whoever received a ServerHello, else the side with the higher port.
    fn client_side(&self) -> usize {
        self.syn_from
            .or_else(|| (0..2).find(|&s| looks_like_hello(&self.sides[s].first_payload, 1)))
            .or_else(|| (0..2).find(|&s| looks_like_hello(&self.sides[s].first_payload, 2)).map(|s| 1 - s))
            .unwrap_or(if self.a.1 >= self.b.1 { 0 } else { 1 })
    }

    fn dir_label(&self, side: usize) -> &'static str {
        if side == self.client_side() {
            "client -> server"
        } else {
            "server -> client"
        }
    }

    /// The connection as it stands; `data` and `chunks` are moved out.
    fn take(&mut self) -> TcpConnection {
        let client_side = self.client_side();
        let (client, server) = if client_side == 0 { (self.a, self.b) } else { (self.b, self.a) };
        let dir = |s: usize| if s == client_side { Dir::C2S } else { Dir::S2C };
        let (cs, ss) = (client_side, 1 - client_side);
        let counts = |s: &Side| s.counter.as_ref().map(|c| c.counts).unwrap_or_default();
        TcpConnection {
            stream: self.stream,
            client,
            server,
            chunks: self.chunks.drain(..).map(|(s, o, l, f, t)| (dir(s), o, l, f, t)).collect(),
            data: std::mem::take(&mut self.data),
            diagnostics: std::mem::take(&mut self.diagnostics),
            first_frame: self.first_frame,
            last_frame: self.last_frame,
            packets: self.packets,
            bytes: [self.sides[cs].bytes, self.sides[ss].bytes],
            records: self.sides[0].counter.as_ref().map(|_| [counts(&self.sides[cs]), counts(&self.sides[ss])]),
            closed: self.closed(),
            first_offset: self.first_offset,
            first_ts: self.first_ts,
        }
    }

    /// Report what is still missing, then hand the connection out.
    fn finish(mut self) -> TcpConnection {
        for side in 0..2 {
            let label = self.dir_label(side);
            while !self.sides[side].pending.is_empty() {
                self.skip_gap(side, label);
            }
        }
        self.take()
    }
}

fn looks_like_hello(b: &[u8], msg_type: u8) -> bool {
    matches!(b, [0x16, 3, _, _, _, t, ..] if *t == msg_type)
}

/// Packets in, TCP connections and UDP flows out.
pub struct Reassembler {
    live: HashMap<usize, Conn>,
    /// Endpoint pair -> the newest connection between them.
    index: HashMap<(Endpoint, Endpoint), usize>,
    next_stream: usize,
    /// UDP flows in `udp.stream` order; `udp_index` gives each open flow's place in it.
    udp: Vec<UdpFlow>,
    udp_index: HashMap<(Endpoint, Endpoint), usize>,
    udp_next: usize,
    /// Datagram bytes the UDP flows hold.
    udp_held: usize,
    fragments: usize,
    other: usize,
    first_other: Option<(u32, usize, &'static str)>,
    store_limit: usize,
    pending_limit: usize,
    count_records: bool,
    /// Store the bytes of this connection only (the others are still numbered and tracked).
    pub only: Option<usize>,
    pub diagnostics: Vec<Diagnostic>,
    /// Emptied buffers handed back (`recycle`), for the next connections' bytes.
    spare: Vec<Vec<u8>>,
    /// Streaming: connections kept open at once, and bytes held by them; past either, the least
    /// recently active ones are handed out early (`evict`). usize::MAX when every byte is kept.
    max_live: usize,
    max_held: usize,
    /// Connections handed out early by `evict`.
    pub evicted: u64,
}

impl Default for Reassembler {
    fn default() -> Self {
        Self::new()
    }
}

impl Reassembler {
    /// Keep every byte of every connection (the page, `explain`).
    pub fn new() -> Self {
        Reassembler {
            live: HashMap::new(),
            index: HashMap::new(),
            next_stream: 0,
            udp: Vec::new(),
            udp_index: HashMap::new(),
            udp_next: 0,
            udp_held: 0,
            fragments: 0,
            other: 0,
            first_other: None,
            store_limit: usize::MAX,
            pending_limit: MAX_PENDING,
            count_records: false,
            only: None,
            diagnostics: Vec::new(),
            spare: Vec::new(),
            max_live: usize::MAX,
            max_held: usize::MAX,
            evicted: 0,
        }
    }

    /// Take back a connection's byte buffer once it has been read: a scan then stores the
    /// next connections' bytes in memory it has touched already instead of growing new buffers.
    pub fn recycle(&mut self, mut buf: Vec<u8>) {
        if self.spare.len() < 64 && buf.capacity() > 0 {
            buf.clear();
            self.spare.push(buf);
        }
    }

    /// Keep at most `store_limit` bytes per direction and `pending_limit` bytes out of order;
    /// count records by their headers (`tls-lens scan`).
    pub fn streaming(store_limit: usize, pending_limit: usize) -> Self {
        Reassembler { store_limit, pending_limit, count_records: true, ..Self::new() }
    }

    /// Streaming with bounds on the open connections kept and the bytes they hold (see `evict`).
    pub fn bounded(store_limit: usize, pending_limit: usize, max_live: usize, max_held: usize) -> Self {
        Reassembler { max_live, max_held, ..Self::streaming(store_limit, pending_limit) }
    }

    /// Whether more connections are open than are kept (checked after each packet; the bytes
    /// held are checked by `evict` itself, which the caller runs now and then).
    pub fn over_limit(&self) -> bool {
        self.live.len() > self.max_live
    }

    /// Hand out, as if they had ended, the least recently active open connections (by their
    /// last packet): an eighth of `max_live` more than it keeps, or as many as bring the bytes
    /// held to seven eighths of `max_held`. A capture of a busy tap has connections that never
    /// close within it; without this, each would be held to the end. Their later packets are
    /// ignored, as those of a connection that ended.
    pub fn evict(&mut self) -> Vec<TcpConnection> {
        let held = if self.max_held == usize::MAX { 0 } else { self.held_bytes() };
        if self.live.len() <= self.max_live && held <= self.max_held {
            return Vec::new();
        }
        let mut by_age: Vec<(u32, usize, usize)> = self.live.iter().map(|(&id, c)| (c.last_frame, id, c.data.len() + c.sides.iter().map(|s| s.pending_bytes).sum::<usize>())).collect();
        by_age.sort_unstable();
        let keep = self.max_live - self.max_live / 8;
        let (mut n, mut left) = (0, held);
        for &(_, _, bytes) in &by_age {
            if by_age.len() - n <= keep && (held == 0 || left <= self.max_held - self.max_held / 8) {
                break;
            }
            left -= bytes.min(left);
            n += 1;
        }
        let mut ids: Vec<usize> = by_age[..n].iter().map(|x| x.1).collect();
        ids.sort_unstable();
        self.evicted += ids.len() as u64;
        let out = ids.into_iter().filter_map(|id| self.live.remove(&id)).map(Conn::finish).collect();
        // The ports of connections that ended stay known so that their late packets open no new
        // connection; past four times the open ones kept, only the open ones are remembered.
        if self.index.len() > 4 * self.max_live {
            let live = &self.live;
            self.index.retain(|_, id| live.contains_key(id));
        }
        out
    }

    /// Whether the UDP flows are more, or hold more datagram bytes, than are kept (streaming;
    /// checked after each packet).
    pub fn udp_over_limit(&self) -> bool {
        self.udp.len() > self.max_live || (self.max_held != usize::MAX && self.udp_held > self.max_held)
    }

    /// `evict` for UDP flows: the least recently active are handed out early, as many as bring
    /// their number to seven eighths of `max_live` and the datagram bytes they hold to seven
    /// eighths of `max_held`. A later datagram of one of them starts a new flow (a new
    /// `udp.stream` number), as Wireshark would not; only a capture past the limits sees this.
    pub fn evict_udp(&mut self) -> Vec<UdpFlow> {
        if !self.udp_over_limit() {
            return Vec::new();
        }
        let mut by_age: Vec<(u32, usize)> = self.udp.iter().enumerate().map(|(i, f)| (f.last_frame, i)).collect();
        by_age.sort_unstable();
        let keep = self.max_live - self.max_live / 8;
        let held_goal = if self.max_held == usize::MAX { usize::MAX } else { self.max_held - self.max_held / 8 };
        let (mut n, mut left) = (0, self.udp_held);
        for &(_, i) in &by_age {
            if self.udp.len() - n <= keep && left <= held_goal {
                break;
            }
            left -= self.udp[i].stored.min(left);
            n += 1;
        }
        let mut gone = vec![false; self.udp.len()];
        for &(_, i) in &by_age[..n] {
            gone[i] = true;
        }
        let (out, kept): (Vec<(usize, UdpFlow)>, Vec<(usize, UdpFlow)>) = std::mem::take(&mut self.udp).into_iter().enumerate().partition(|(i, _)| gone[*i]);
        self.udp = kept.into_iter().map(|(_, f)| f).collect();
        self.udp_index = self.udp.iter().enumerate().map(|(i, f)| (udp_key(f.client, f.server), i)).collect();
        self.udp_held = self.udp.iter().map(|f| f.stored).sum();
        self.evicted += out.len() as u64;
        out.into_iter().map(|(_, f)| f).collect()
    }

    /// Add one packet. Returns the `tcp.stream` number of the TCP connection it belongs to.
    pub fn packet(&mut self, p: &RawPacket) -> Option<usize> {
        let seg = match decode(p.linktype, p.data) {
            Decoded::Tcp(s) => s,
            Decoded::Udp { src, dst, payload } => {
                self.udp_packet(p, src, dst, payload);
                return None;
            }
            Decoded::Fragment => {
                self.fragments += 1;
                if self.fragments == 1 {
                    self.diagnostics.push(Diagnostic::warning(p.file_offset, TextRef::new("diag.ip.fragment").arg("frame", p.frame.to_string()).arg("at", p.file_offset.to_string())));
                }
                return None;
            }
            Decoded::Other(why) => {
                self.other += 1;
                self.first_other.get_or_insert((p.frame, p.file_offset, why));
                return None;
            }
        };
        let key = if seg.src <= seg.dst { (seg.src, seg.dst) } else { (seg.dst, seg.src) };
        // A SYN on the ports of a closed connection opens a new one (port reuse).
        let reused = seg.syn && !seg.ack && self.index.get(&key).is_some_and(|id| self.live.get(id).is_none_or(|c| c.closed()));
        let id = match self.index.get(&key) {
            Some(&id) if !reused => id,
            _ => {
                let id = self.next_stream;
                self.next_stream += 1;
                self.index.insert(key, id);
                let limit = if self.only.is_none_or(|s| s == id) { self.store_limit } else { 0 };
                let mut c = Conn::new(id, seg.src, seg.dst, p, limit, self.count_records);
                if limit > 0 {
                    c.data = self.spare.pop().unwrap_or_default();
                    // Streaming: room for a usual handshake (a few KB each way) from the start;
                    // recycled buffers keep what they grew to. Reserving the whole limit made
                    // every queued connection hold 128 KB, mostly untouched, and with huge pages
                    // the kernel zeroes far more than is used.
                    if let Some(room) = limit.checked_mul(2).filter(|&r| r <= 1 << 20) {
                        c.data.reserve_exact(room.min(INITIAL_ROOM));
                    }
                }
                self.live.insert(id, c);
                id
            }
        };
        // A late packet of a connection already handed out (streaming mode) is ignored.
        let c = self.live.get_mut(&id)?;
        c.packets += 1;
        c.last_frame = p.frame;
        let side = if seg.src == c.a && seg.dst == c.b { 0 } else { 1 };
        if seg.syn {
            c.sides[side].isn = Some(seg.seq.wrapping_add(1));
            if !seg.ack {
                c.syn_from = Some(side);
            }
        }
        c.rst |= seg.rst;
        c.sides[side].fin |= seg.fin;
        if seg.payload.is_empty() {
            return Some(id);
        }
        let s = &mut c.sides[side];
        // Data in a SYN (TCP Fast Open) starts one after the SYN's sequence number.
        let data_seq = seg.seq.wrapping_add(seg.syn as u32);
        let isn = *s.isn.get_or_insert(data_seq);
        if s.first_payload.len() < 8 {
            s.first_payload.extend_from_slice(&seg.payload[..seg.payload.len().min(8)]);
        }
        // Offset of the segment in the stream, from where the stream stands now (so streams
        // longer than 2 GiB work); data from before the start is trimmed.
        let expected = isn.wrapping_add(s.next as u32);
        let rel = s.next as i64 + data_seq.wrapping_sub(expected) as i32 as i64;
        let (rel, payload) = if rel < 0 {
            let cut = (rel.unsigned_abs() as usize).min(seg.payload.len());
            (0u64, &seg.payload[cut..])
        } else {
            (rel as u64, seg.payload)
        };
        if payload.is_empty() || rel + payload.len() as u64 <= s.next {
            return Some(id); // a retransmission of what we already have
        }
        if rel <= s.next && s.pending.is_empty() {
            // In order (the common case): no copy into the pending map.
            let skip = (s.next - rel) as usize;
            s.next += (payload.len() - skip) as u64;
            c.push(side, &payload[skip..], p.frame, p.ts);
            return Some(id);
        }
        let keep = s.pending.get(&rel).is_none_or(|(b, _, _)| b.len() < payload.len());
        if keep {
            if let Some((old, _, _)) = s.pending.insert(rel, (payload.to_vec(), p.frame, p.ts)) {
                s.pending_bytes -= old.len();
            }
            s.pending_bytes += payload.len();
        }
        c.drain(side);
        if c.sides[side].pending_bytes > self.pending_limit {
            let label = c.dir_label(side);
            c.skip_gap(side, label);
        }
        Some(id)
    }

    fn udp_packet(&mut self, p: &RawPacket, src: Endpoint, dst: Endpoint, payload: &[u8]) {
        let key = udp_key(src, dst);
        let next = self.udp.len();
        let i = *self.udp_index.entry(key).or_insert(next);
        if i == next {
            let stream = self.udp_next;
            self.udp_next += 1;
            let head = payload[..payload.len().min(16)].to_vec();
            let quic = crate::wire::is_quic_long_header(payload);
            let dtls = matches!(payload, [20..=26, 0xfe, 0xff | 0xfd | 0xfc, ..] | [22, 0x01, 0x00, ..]);
            self.udp.push(UdpFlow {
                stream,
                client: src,
                server: dst,
                first_frame: p.frame,
                last_frame: p.frame,
                first_ts: p.ts,
                packets: 0,
                bytes: 0,
                dir_bytes: [0; 2],
                head,
                quic,
                dtls,
                datagrams: Vec::new(),
                stored: 0,
                not_kept: [0; 2],
                short_kept: [0; 2],
            });
        }
        let limit = self.store_limit.min(QUIC_KEEP);
        let f = &mut self.udp[i];
        f.packets += 1;
        f.bytes += payload.len() as u64;
        f.last_frame = p.frame;
        let (dir, d) = if src == f.client { (Dir::C2S, 0) } else { (Dir::S2C, 1) };
        f.dir_bytes[d] += payload.len() as u64;
        if f.quic || f.dtls {
            // QUIC: long header datagrams (the handshake) and a few short header ones; DTLS:
            // every datagram while there is room.
            let long = f.dtls || payload.first().is_some_and(|b| b & 0x80 != 0);
            if f.stored + payload.len() <= limit && (long || f.short_kept[d] < SHORT_KEPT) {
                f.stored += payload.len();
                self.udp_held += payload.len();
                if !long {
                    f.short_kept[d] += 1;
                }
                f.datagrams.push(Datagram { dir, frame: p.frame, ts: p.ts, bytes: payload.to_vec() });
            } else {
                f.not_kept[d] += 1;
            }
        }
    }

    /// Add one packet (`packet`) and say what it did to its TCP connection: whether the
    /// connection's handshake has now gone by (its stored prefix not taken yet) and whether it
    /// is closed. One map lookup more than `packet`, not three.
    pub fn packet_seen(&mut self, p: &RawPacket) -> Option<Seen> {
        let id = self.packet(p)?;
        let c = self.live.get(&id)?;
        Some(Seen { id, handshake_over: !c.taken && c.handshake_over(), closed: c.closed() })
    }

    /// The bytes stored so far for a connection; from now on it stores none (streaming mode).
    pub fn take_prefix(&mut self, id: usize) -> Option<TcpConnection> {
        let c = self.live.get_mut(&id)?;
        c.store_limit = 0;
        c.taken = true;
        Some(c.take())
    }

    /// Hand out a finished connection and forget its state (its ports stay known, so that late
    /// packets do not open a new connection).
    pub fn remove(&mut self, id: usize) -> Option<TcpConnection> {
        self.live.remove(&id).map(Conn::finish)
    }

    /// Bytes currently held in memory (stored prefixes and out-of-order segments).
    pub fn held_bytes(&self) -> usize {
        self.live.values().map(|c| c.data.len() + c.sides.iter().map(|s| s.pending_bytes).sum::<usize>()).sum()
    }

    /// All connections still open, in `tcp.stream` order, the UDP flows, and the diagnostics.
    pub fn finish(mut self) -> (Vec<TcpConnection>, Vec<UdpFlow>, Vec<Diagnostic>) {
        let mut ids: Vec<usize> = self.live.keys().copied().collect();
        ids.sort_unstable();
        let conns = ids.into_iter().filter_map(|id| self.live.remove(&id)).map(Conn::finish).collect();
        if let Some((frame, off, why)) = self.first_other {
            self.diagnostics.push(Diagnostic::warning(off, TextRef::new("diag.packet.skipped").arg("n", self.other.to_string()).arg("frame", frame.to_string()).arg("why", format!("@diag.why.{why}"))));
        }
        if self.fragments > 1 {
            self.diagnostics.push(Diagnostic::warning(0, TextRef::new("diag.ip.fragments").arg("n", self.fragments.to_string())));
        }
        (conns, self.udp, self.diagnostics)
    }
}

/// A UDP flow's key: its two endpoints, in order.
fn udp_key(a: Endpoint, b: Endpoint) -> (Endpoint, Endpoint) {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

/// Reassemble every TCP connection in the packets (all kept in memory).
pub fn reassemble(packets: &[RawPacket], diags: &mut Vec<Diagnostic>) -> (Vec<TcpConnection>, Vec<UdpFlow>) {
    let mut r = Reassembler::new();
    for p in packets {
        r.packet(p);
    }
    let (conns, udp, d) = r.finish();
    diags.extend(d);
    (conns, udp)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A raw-IPv4 (link type 101) TCP packet.
    fn pkt(src: u8, sport: u16, dport: u16, seq: u32, flags: u8, payload: &[u8]) -> Vec<u8> {
        let total = 20 + 20 + payload.len();
        let dst = if src == 1 { 2 } else { 1 };
        let mut p = vec![0x45, 0, (total >> 8) as u8, total as u8, 0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, src, 10, 0, 0, dst];
        p.extend_from_slice(&sport.to_be_bytes());
        p.extend_from_slice(&dport.to_be_bytes());
        p.extend_from_slice(&seq.to_be_bytes());
        p.extend_from_slice(&[0, 0, 0, 0, 0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
        p.extend_from_slice(payload);
        p
    }

    fn run(pkts: &[Vec<u8>]) -> (Vec<TcpConnection>, Vec<Diagnostic>) {
        let raw: Vec<RawPacket> = pkts.iter().enumerate().map(|(i, d)| RawPacket { frame: i as u32 + 1, linktype: 101, data: d, file_offset: 0, ts: None }).collect();
        let mut diags = Vec::new();
        let (c, _) = reassemble(&raw, &mut diags);
        (c, diags)
    }

    const SYN: u8 = 0x02;
    const ACK: u8 = 0x10;

    fn rec(t: u8, payload: &[u8]) -> Vec<u8> {
        let mut r = vec![t, 3, 3, (payload.len() >> 8) as u8, payload.len() as u8];
        r.extend_from_slice(payload);
        r
    }

    /// Feeds `stream` one byte at a time (the worst split): whether an encrypted handshake
    /// record came after ChangeCipherSpec, and where the handshake ended.
    fn handshake_end(stream: &[u8]) -> (bool, Option<u64>) {
        let mut c = RecordCounter::default();
        stream.iter().for_each(|b| c.feed(std::slice::from_ref(b)));
        (c.encrypted_hs, c.handshake_end)
    }

    /// 40 bytes of an AES-GCM Finished record (RFC 5288 §3: 8 bytes of explicit nonce, 16 of
    /// Finished, 16 of tag), the nonce being the sequence number 0 (as Go, NSS, GnuTLS and
    /// BoringSSL send it; tests/data/tls12-ccm8.pcap and tls12-dhe-ccm.pcap have it) or random.
    fn gcm_finished(zero_nonce: bool) -> Vec<u8> {
        let body = (0..40u8).map(|i| i.wrapping_mul(97).wrapping_add(0xa3));
        body.enumerate().map(|(i, b)| if zero_nonce && i < 8 { 0 } else { b }).collect()
    }

    /// ClientKeyExchange, ChangeCipherSpec, Finished, application data: where the Finished ends.
    fn tls12_client(zero_nonce: bool) -> (Vec<u8>, usize) {
        let mut s = rec(22, &[16, 0, 0, 2, 1, 0x41]);
        s.extend(rec(20, &[1]));
        s.extend(rec(22, &gcm_finished(zero_nonce)));
        let end = s.len();
        s.extend(rec(23, &[0x55; 300]));
        (s, end)
    }

    #[test]
    fn the_encrypted_finished_after_change_cipher_spec_ends_a_tls12_side() {
        for zero_nonce in [true, false] {
            let (s, end) = tls12_client(zero_nonce);
            assert_eq!(handshake_end(&s), (true, Some(end as u64)), "zero nonce: {zero_nonce}");
        }
        // No ChangeCipherSpec: a handshake record alone says nothing.
        assert_eq!(handshake_end(&rec(22, &gcm_finished(false))), (false, None));
        // NPN (draft-agl-tls-nextprotoneg): an encrypted NextProtocol before the Finished. Both
        // are kept: the handshake ends where application data begins.
        let mut s = rec(20, &[1]);
        s.extend(rec(22, &gcm_finished(true)));
        s.extend(rec(22, &gcm_finished(false)));
        let end = s.len();
        s.extend(rec(23, &[0x55; 30]));
        assert_eq!(handshake_end(&s), (true, Some(end as u64)));
        // TLS 1.3 with HelloRetryRequest (RFC 8446 §4.1.4, D.4): the client's CCS comes before its
        // second ClientHello, a plaintext handshake record; its Finished is content type 23.
        let mut ch2 = vec![1, 0, 0, 60];
        ch2.extend([0x42; 60]);
        let mut s = rec(22, &ch2);
        s.extend(rec(20, &[1]));
        s.extend(rec(22, &ch2));
        s.extend(rec(23, &gcm_finished(false)));
        assert_eq!(handshake_end(&s), (false, None));
        // The same with a second ClientHello of 700 bytes split over two records, the second short.
        let mut s = rec(20, &[1]);
        s.extend(rec(22, &[&[1u8, 0, 2, 0xb8][..], &[0x42; 596]].concat()));
        s.extend(rec(22, &[0x9d; 100]));
        s.extend(rec(23, &gcm_finished(false)));
        assert_eq!(handshake_end(&s), (false, None));
        // A ServerHello after the server's CCS (HelloRetryRequest, CCS, ServerHello) is plaintext too.
        let mut s = rec(20, &[1]);
        s.extend(rec(22, &[&[2u8, 0, 0, 40][..], &[0x17; 40]].concat()));
        assert_eq!(handshake_end(&s), (false, None));
    }

    /// In streaming mode a TLS 1.2 side stores its bytes up to the start of its first
    /// application data record and not one more, however the segments cut the records.
    #[test]
    fn a_tls12_side_stores_its_handshake_and_no_application_data() {
        let (s, end) = tls12_client(true);
        for cuts in [vec![], vec![end - 20], vec![end - 20, end + 2], vec![end + 3]] {
            let mut r = Reassembler::streaming(64 << 10, 1 << 20);
            let mut bounds = vec![0];
            bounds.extend(&cuts);
            bounds.push(s.len());
            let mut pkts = vec![pkt(1, 50000, 443, 99, SYN, b""), pkt(2, 443, 50000, 7, SYN | ACK, b"")];
            for w in bounds.windows(2) {
                pkts.push(pkt(1, 50000, 443, 100 + w[0] as u32, ACK, &s[w[0]..w[1]]));
            }
            let raw: Vec<RawPacket> = pkts.iter().enumerate().map(|(i, d)| RawPacket { frame: i as u32 + 1, linktype: 101, data: d, file_offset: 0, ts: None }).collect();
            let ids: Vec<Seen> = raw.iter().filter_map(|p| r.packet_seen(p)).collect();
            let id = ids[0].id;
            let c = r.take_prefix(id).unwrap_or_else(|| panic!("connection {id}"));
            assert_eq!(c.data, s[..end], "segments cut at {cuts:?}");
            assert_eq!(c.records.map(|[a, _]| a.by_type), Some([1, 0, 2, 1, 0]), "all records counted");
        }
    }

    #[test]
    fn out_of_order_retransmitted_and_overlapping_segments() {
        let isn = 0xffff_fff0u32; // the sequence numbers wrap inside the stream
        let (c, _) = run(&[
            pkt(1, 50000, 443, isn, SYN, b""),
            pkt(2, 443, 50000, 7, SYN | ACK, b""),
            pkt(1, 50000, 443, isn.wrapping_add(1 + 5), ACK, b"fghij"), // early
            pkt(1, 50000, 443, isn.wrapping_add(1), ACK, b"abcde"),
            pkt(1, 50000, 443, isn.wrapping_add(1), ACK, b"abcde"), // retransmission
            pkt(1, 50000, 443, isn.wrapping_add(1 + 8), ACK, b"ijklmn"), // overlaps "ij"
            pkt(2, 443, 50000, 8, ACK, b"XYZ"),
        ]);
        assert_eq!(c.len(), 1);
        let c = &c[0];
        assert_eq!(c.client.1, 50000);
        assert_eq!(c.server.1, 443);
        let c2s: Vec<u8> = c.chunks.iter().filter(|k| k.0 == Dir::C2S).flat_map(|k| c.data[k.1..k.1 + k.2].to_vec()).collect();
        assert_eq!(c2s, b"abcdefghijklmn");
        let s2c: Vec<u8> = c.chunks.iter().filter(|k| k.0 == Dir::S2C).flat_map(|k| c.data[k.1..k.1 + k.2].to_vec()).collect();
        assert_eq!(s2c, b"XYZ");
        // "abcde" arrived in frame 4 and made "fghij" (frame 3) contiguous.
        assert_eq!(c.chunks[0], (Dir::C2S, 0, 5, 4, None));
        assert_eq!(c.chunks[1], (Dir::C2S, 5, 5, 3, None));
        assert!(c.diagnostics.is_empty());
    }

    #[test]
    fn a_missing_segment_is_reported_and_skipped() {
        let (c, _) = run(&[
            pkt(1, 50000, 443, 100, SYN, b""),
            pkt(1, 50000, 443, 101, ACK, b"abc"),
            pkt(1, 50000, 443, 110, ACK, b"xyz"),
        ]);
        let c = &c[0];
        assert_eq!(c.data, b"abcxyz");
        assert_eq!(c.diagnostics.len(), 1);
        assert!(c.diagnostics[0].is("tcp.gap") && c.diagnostics[0].text.get("missing") == Some("6") && c.diagnostics[0].text.get("at") == Some("3"), "{:?}", c.diagnostics[0]);
    }

    #[test]
    fn data_in_a_syn_is_kept() {
        // TCP Fast Open: the ClientHello rides in the SYN, at sequence number ISN + 1.
        let (c, _) = run(&[pkt(1, 50000, 443, 100, SYN, b"hello"), pkt(2, 443, 50000, 7, SYN | ACK, b""), pkt(1, 50000, 443, 106, ACK, b" world")]);
        assert_eq!(c[0].data, b"hello world");
    }

    #[test]
    fn without_a_syn_the_client_hello_sender_is_the_client() {
        // The capture starts mid-connection; the side on port 8443 sends a ServerHello.
        let (c, _) = run(&[
            pkt(2, 8443, 40000, 500, ACK, &[0x16, 3, 3, 0, 4, 2, 0, 0, 0]),
            pkt(1, 40000, 8443, 900, ACK, &[0x16, 3, 3, 0, 4, 1, 0, 0, 0]),
        ]);
        assert_eq!(c[0].client.1, 40000);
        assert_eq!(c[0].server.1, 8443);
    }
}
