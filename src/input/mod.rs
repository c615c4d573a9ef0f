//! Input layer: sniff what the user gave us and turn it into `Capture`s: for each connection,
//! its bytes in wire order, cut into chunks that each travelled in one (possibly unknown)
//! direction. Text and raw records give one capture; pcap/pcapng one per TLS connection.

pub mod curl_log;
mod hex;
pub mod keylog;
mod literal;
mod tool_log;

use crate::model::{Diagnostic, Dir, OtherFlow, TextRef};

/// A run of bytes that went one way, at `offset..offset+len` of `Capture::data`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChunkIn {
    pub dir: Option<Dir>,
    pub offset: usize,
    pub len: usize,
    /// Capture frame that carried (or completed) these bytes.
    pub frame: Option<u32>,
    /// When that frame was captured (microseconds since 1970), if the file says.
    pub time: Option<i64>,
    /// Not TLS records: QUIC packet bytes ("quic-packet") or decrypted frames ("quic-frames").
    pub layer: Option<&'static str>,
}

#[derive(Clone, Debug, Default)]
pub struct Capture {
    pub kind: &'static str,
    /// "ip:port" of each side, when the input says (captures).
    pub client: Option<String>,
    pub server: Option<String>,
    /// Wireshark's `tcp.stream` number (captures).
    pub tcp_stream: Option<usize>,
    pub data: Vec<u8>,
    pub chunks: Vec<ChunkIn>,
    /// True when the input said which way each chunk went.
    pub marked: bool,
    /// A `curl -v` log: its TLS message lines (there are no bytes) and what curl reported.
    pub log: Vec<curl_log::LogMessage>,
    pub log_info: Option<curl_log::LogInfo>,
    /// Dumps: offsets in `data` where a block (an offset column restarting at 0) begins after
    /// the first one; used to tell packets apart.
    pub blocks: Vec<usize>,
    /// Ranges (offset, length) of `data` holding records rebuilt from plaintext that travelled
    /// encrypted (tool logs that print decrypted messages).
    pub decrypted: Vec<(usize, usize)>,
    /// What the input itself (tool logs) or its decryption tells the reader, as notes for the
    /// connection.
    pub notes: Vec<(crate::model::NoteSeverity, TextRef)>,
    pub diagnostics: Vec<Diagnostic>,
    /// QUIC: the bytes are TLS records rebuilt from CRYPTO frames, beside the packets that
    /// carried them (the QUIC stage's `QuicView` has the packets as steps). Wireshark's
    /// `udp.stream` number for QUIC and DTLS.
    pub quic: bool,
    pub udp_stream: Option<usize>,
    /// DTLS (RFC 6347, 9147): each chunk is one datagram of records with 13-byte headers.
    pub dtls: bool,
    /// Ranges of `data` holding Certificate messages decompressed from CompressedCertificate
    /// (RFC 8879), in rebuilt records (also listed in `decrypted`).
    pub inflated: Vec<(usize, usize)>,
    /// Each direction's bytes end where a scanner stopped keeping them (`tls-lens scan`), not
    /// where the connection did: a record cut off at the end is expected, not a fault.
    pub cut: bool,
    /// When the connection's first packet was captured (microseconds since 1970), if the file
    /// says: the zero of the steps' times.
    pub start: Option<i64>,
}

impl Capture {
    pub(crate) fn push(&mut self, dir: Option<Dir>, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        let offset = self.data.len();
        self.data.extend_from_slice(bytes);
        match self.chunks.last_mut() {
            Some(last) if last.dir == dir && last.offset + last.len == offset => last.len += bytes.len(),
            _ => self.chunks.push(ChunkIn { dir, offset, len: bytes.len(), frame: None, time: None, layer: None }),
        }
    }
}

/// A copy of `cap` with `inserts` (position after a record, direction, bytes) placed right
/// after the records they belong to, as chunks of the same direction and frame, marked
/// decrypted (rebuilt plaintext). Offsets in its diagnostics move along.
#[cfg(feature = "full")]
pub(crate) fn insert(cap: &Capture, mut inserts: Vec<(usize, Dir, Vec<u8>)>) -> Capture {
    crate::reader::sort_by_u64(&mut inserts, |i| i.0 as u64);
    let mut out = Capture { data: Vec::with_capacity(cap.data.len() + inserts.iter().map(|i| i.2.len()).sum::<usize>()), chunks: Vec::new(), decrypted: Vec::new(), ..cap.clone() };
    let mut next = 0;
    for c in &cap.chunks {
        let end = c.offset + c.len;
        let mut from = c.offset;
        // A record ends inside (or at the end of) the chunk that holds its last byte.
        while next < inserts.len() && inserts[next].0 <= end {
            let (at, _, ref bytes) = inserts[next];
            let at = at.max(from);
            push_chunk(&mut out, c, &cap.data[from..at]);
            let o = out.data.len();
            push_chunk(&mut out, c, bytes);
            out.decrypted.push((o, bytes.len()));
            from = at;
            next += 1;
        }
        push_chunk(&mut out, c, &cap.data[from..end]);
    }
    let shift = |off: usize| off + inserts.iter().filter(|i| i.0 <= off).map(|i| i.2.len()).sum::<usize>();
    for d in out.diagnostics.iter_mut() {
        d.offset = shift(d.offset);
    }
    // Ranges that were already rebuilt plaintext (a tool log's, decompressed certificates)
    // move along too.
    // (A range that an insert falls inside grows by it.)
    let moved = |&(o, l): &(usize, usize)| (shift(o), l + inserts.iter().filter(|i| o < i.0 && i.0 < o + l).map(|i| i.2.len()).sum::<usize>());
    out.decrypted.extend(cap.decrypted.iter().map(moved));
    out.inflated = cap.inflated.iter().map(moved).collect();
    out
}

/// A chunk of its own (not merged with the one before), with the direction, frame and time of
/// `like`.
#[cfg(feature = "full")]
fn push_chunk(cap: &mut Capture, like: &ChunkIn, bytes: &[u8]) {
    if bytes.is_empty() {
        return;
    }
    let offset = cap.data.len();
    cap.data.extend_from_slice(bytes);
    cap.chunks.push(ChunkIn { dir: like.dir, offset, len: bytes.len(), frame: like.frame, time: like.time, layer: None });
}


/// Everything the input held: its kind, one capture per connection, and what went wrong.
#[derive(Debug, Default)]
pub struct Input {
    pub kind: &'static str,
    pub captures: Vec<Capture>,
    pub diagnostics: Vec<Diagnostic>,
    /// Key log lines found in the input (pcapng Decryption Secrets Blocks), for decryption.
    pub keylog: String,
    /// Flows of a capture that are not TLS over TCP.
    pub other_flows: Vec<OtherFlow>,
    /// UDP flows of a capture, for the QUIC stage (`quic::add_udp`) to make connections of.
    pub udp: Vec<crate::net::UdpFlow>,
    /// Packets in the capture file (0 for other inputs).
    pub packets: usize,
}

/// Sniff the input and decode it.
pub fn read(input: &[u8]) -> Input {
    read_only(input, None)
}

/// One connection of a capture: Wireshark's `tcp.stream` or (QUIC) `udp.stream` number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Only {
    Tcp(usize),
    Udp(usize),
}

/// As `read`; for captures, with `only` set, keep just that connection: the others are
/// neither stored nor listed.
pub fn read_only(input: &[u8], only: Option<Only>) -> Input {
    let head: [u8; 4] = match input.get(..4) {
        Some(h) => [h[0], h[1], h[2], h[3]],
        None => [0; 4],
    };
    if input.iter().all(|b| b.is_ascii_whitespace()) {
        return Input {
            kind: "empty",
            diagnostics: vec![Diagnostic::error(0, TextRef::new("diag.input.empty"))],
            ..Default::default()
        };
    }
    if let Some((keys, rest)) = std::str::from_utf8(input).ok().and_then(keylog::split) {
        // SSLKEYLOGFILE lines pasted with the data: key material, not data.
        let mut inner = if rest.trim().is_empty() {
            let n = keylog::parse(&keys).len();
            Input {
                kind: "keylog",
                diagnostics: vec![Diagnostic::warning(0, TextRef::new("diag.input.keylog_only").arg("n", n.to_string()))],
                ..Default::default()
            }
        } else {
            read(rest.as_bytes())
        };
        inner.keylog.push_str(&keys);
        return inner;
    }
    if let Some(kind) = crate::wire::capture_file_kind(&head) {
        return read_capture_file(input, kind, only);
    }
    let wraps_known = |b: &[u8]| crate::wire::capture_file_kind(b).is_some() || (b.len() >= 4 && looks_like_records(b));
    if let Some(decoded) = std::str::from_utf8(input).ok().and_then(base64_payload).filter(|d| wraps_known(d)) {
        // Base64 (or PEM-wrapped base64) of any other input: read what it wraps.
        let mut inner = read(&decoded);
        if inner.kind != "empty" {
            inner.kind = match inner.kind {
                "pcap" => "base64 (pcap)",
                "pcapng" => "base64 (pcapng)",
                _ => "base64",
            };
            return inner;
        }
    }
    if let Some(log) = std::str::from_utf8(input).ok().and_then(tool_log::parse) {
        match log {
            tool_log::ToolLog::Bytes(cap) => {
                let kind = cap.kind;
                let diagnostics = cap.diagnostics.clone();
                let captures = if cap.data.is_empty() { Vec::new() } else { vec![Capture { diagnostics: Vec::new(), ..cap }] };
                return Input { kind, captures, diagnostics, ..Default::default() };
            }
            tool_log::ToolLog::VerboseText(text) => {
                if let Some((log, info)) = curl_log::parse(&text) {
                    let cap = Capture { kind: "curl-trace-ascii", server: info.server.clone(), log, log_info: Some(info), marked: true, ..Default::default() };
                    return Input { kind: "curl-trace-ascii", captures: vec![cap], ..Default::default() };
                }
            }
        }
    }
    if let Some((log, info)) = std::str::from_utf8(input).ok().and_then(curl_log::parse) {
        let cap = Capture { kind: "curl-log", server: info.server.clone(), log, log_info: Some(info), marked: true, ..Default::default() };
        return Input { kind: "curl-log", captures: vec![cap], ..Default::default() };
    }
    if let Some(bytes) = std::str::from_utf8(input).ok().and_then(literal::parse).filter(|b| wraps_known(b)) {
        // A byte-array or string literal from source code.
        let mut inner = read(&bytes);
        if inner.kind == "binary" {
            inner.kind = "literal";
        }
        return inner;
    }
    let cap = if looks_like_records(input) || std::str::from_utf8(input).is_err() {
        let mut c = Capture { kind: "binary", ..Default::default() };
        c.push(None, input);
        c
    } else {
        // Valid UTF-8 that does not start like a TLS record: treat as text.
        hex::parse(std::str::from_utf8(input).unwrap_or_default())
    };
    if let Some(linktypes) = packet_blocks(&cap) {
        // A dump of whole packets (tcpdump -X/-xx, Wireshark hex dump of frames).
        let mut diagnostics = cap.diagnostics.clone();
        let starts: Vec<usize> = std::iter::once(0).chain(cap.blocks.iter().copied()).collect();
        let packets: Vec<crate::net::RawPacket> = starts
            .iter()
            .enumerate()
            .map(|(i, &s)| {
                let e = starts.get(i + 1).copied().unwrap_or(cap.data.len());
                crate::net::RawPacket { frame: i as u32 + 1, linktype: linktypes[i], data: &cap.data[s..e], file_offset: s, ts: None }
            })
            .collect();
        let mut out = from_packets(&packets, "hexdump", &mut diagnostics, only);
        out.diagnostics = diagnostics;
        return out;
    }
    let diagnostics = cap.diagnostics.clone();
    let kind = cap.kind;
    let captures = if cap.data.is_empty() { Vec::new() } else { vec![Capture { diagnostics: Vec::new(), ..cap }] };
    Input { kind, captures, diagnostics, ..Default::default() }
}

fn endpoint(e: (std::net::IpAddr, u16)) -> String {
    std::net::SocketAddr::new(e.0, e.1).to_string()
}

/// The bytes of a base64 text (PEM armour lines allowed), when it is one and is not also plain
/// hex. At least 16 characters, only the base64 alphabet and whitespace.
fn base64_payload(text: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    let body: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("-----"))
        .flat_map(|l| l.chars())
        .filter(|c| !c.is_whitespace())
        .collect();
    let alphabet = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '-' | '_');
    if body.len() < 16 || !body.chars().all(alphabet) || body.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let engines = [base64::engine::general_purpose::STANDARD, base64::engine::general_purpose::URL_SAFE];
    let trimmed = body.trim_end_matches('=');
    engines.iter().find_map(|e| e.decode(&body).ok()).or_else(|| {
        let nopad = [base64::engine::general_purpose::STANDARD_NO_PAD, base64::engine::general_purpose::URL_SAFE_NO_PAD];
        nopad.iter().find_map(|e| e.decode(trimmed).ok())
    })
}

/// For a dump whose every block starts like an IP packet or an Ethernet frame: the link type of
/// each block.
fn packet_blocks(cap: &Capture) -> Option<Vec<i32>> {
    if cap.kind != "hexdump" || cap.marked {
        return None;
    }
    let starts: Vec<usize> = std::iter::once(0).chain(cap.blocks.iter().copied()).collect();
    starts
        .iter()
        .enumerate()
        .map(|(i, &s)| {
            let d = &cap.data[s..starts.get(i + 1).copied().unwrap_or(cap.data.len())];
            match d {
                [v, ..] if v >> 4 == 4 && v & 0x0f >= 5 && d.len() >= 20 => Some(101),
                [v, ..] if v >> 4 == 6 && d.len() >= 40 => Some(101),
                _ if d.len() >= 34 && matches!(&d[12..14], [0x08, 0x00] | [0x86, 0xdd] | [0x81, 0x00]) => Some(1),
                _ => None,
            }
        })
        .collect()
}

/// pcap/pcapng: one capture per TCP connection that carries TLS records.
fn read_capture_file(input: &[u8], kind: &'static str, only: Option<Only>) -> Input {
    let mut diagnostics = Vec::new();
    let file = crate::net::read_file(input, kind, &mut diagnostics);
    if file.packets.is_empty() && diagnostics.is_empty() {
        diagnostics.push(Diagnostic::warning(0, TextRef::new("diag.input.no_packets").arg("kind", kind)));
    }
    let mut out = from_packets(&file.packets, kind, &mut diagnostics, only);
    out.keylog = file.keylog;
    out.diagnostics = diagnostics;
    out
}

/// Packets -> TCP reassembly -> one capture per connection that carries TLS records; the
/// other flows are listed.
fn from_packets(packets: &[crate::net::RawPacket], kind: &'static str, diagnostics: &mut Vec<Diagnostic>, only: Option<Only>) -> Input {
    let mut r = crate::net::Reassembler::new();
    // Asked for a UDP flow: store no TCP connection (they are still numbered).
    r.only = match only {
        Some(Only::Tcp(s)) => Some(s),
        Some(Only::Udp(_)) => Some(usize::MAX),
        None => None,
    };
    for p in packets {
        r.packet(p);
    }
    let (conns, udp, d) = r.finish();
    diagnostics.extend(d);
    let mut captures = Vec::new();
    let mut other_flows: Vec<OtherFlow> = Vec::new();
    for c in conns.into_iter().filter(|c| only.is_none() || only == Some(Only::Tcp(c.stream))) {
        match tls_capture(c, kind) {
            Ok(cap) => captures.push(cap),
            Err(flow) => other_flows.push(flow),
        }
    }
    // UDP flows (QUIC, DTLS) become connections in the QUIC stage (`quic::add_udp`), after the
    // TCP ones.
    let udp = udp.into_iter().filter(|f| only.is_none() || only == Some(Only::Udp(f.stream))).collect();
    crate::reader::sort_by_u64(&mut other_flows, flow_order);
    Input { kind, captures, other_flows, udp, packets: packets.len(), ..Default::default() }
}

/// A reassembled TCP connection as a capture to explain, or, without TLS records, as a flow
/// to list.
pub fn tls_capture(c: crate::net::TcpConnection, kind: &'static str) -> Result<Capture, OtherFlow> {
    if !crate::wire::carries_tls(&c.data) {
        return Err(OtherFlow {
            transport: "tcp",
            stream: c.stream,
            client: endpoint(c.client),
            server: endpoint(c.server),
            first_frame: c.first_frame,
            packets: c.packets,
            bytes: c.bytes[0] + c.bytes[1],
            looks_like: looks_like(&c.data, c.server.1, false),
        });
    }
    Ok(Capture {
        kind,
        client: Some(endpoint(c.client)),
        server: Some(endpoint(c.server)),
        tcp_stream: Some(c.stream),
        chunks: c.chunks.iter().map(|&(d, o, l, f, t)| ChunkIn { dir: Some(d), offset: o, len: l, frame: Some(f), time: t, layer: None }).collect(),
        data: c.data,
        marked: true,
        diagnostics: c.diagnostics,
        start: c.first_ts,
        ..Default::default()
    })
}

/// A DTLS flow: one chunk per datagram (records never cross datagrams).
pub(crate) fn dtls_capture(f: &crate::net::UdpFlow, kind: &'static str) -> Capture {
    let mut cap = Capture {
        kind,
        client: Some(endpoint(f.client)),
        server: Some(endpoint(f.server)),
        udp_stream: Some(f.stream),
        marked: true,
        dtls: true,
        start: f.first_ts,
        ..Default::default()
    };
    for d in &f.datagrams {
        let offset = cap.data.len();
        cap.data.extend_from_slice(&d.bytes);
        cap.chunks.push(ChunkIn { dir: Some(d.dir), offset, len: d.bytes.len(), frame: Some(d.frame), time: d.ts, layer: None });
    }
    if f.not_kept.iter().sum::<u64>() > 0 {
        cap.notes.push((crate::model::NoteSeverity::Info, TextRef::new("note.dtls.not_kept").arg("n", f.not_kept.iter().sum::<u64>().to_string())));
    }
    cap
}

/// Other flows are listed TCP first ("tcp" < "udp"), then by stream number.
pub fn flow_order(f: &OtherFlow) -> u64 {
    ((f.transport == "udp") as u64) << 48 | f.stream as u64
}

pub fn udp_flow(f: &crate::net::UdpFlow) -> OtherFlow {
    OtherFlow {
        transport: "udp",
        stream: f.stream,
        client: endpoint(f.client),
        server: endpoint(f.server),
        first_frame: f.first_frame,
        packets: f.packets,
        bytes: f.bytes,
        looks_like: looks_like(&f.head, f.server.1.min(f.client.1), true),
    }
}

/// A protocol name for a flow that is not TLS over TCP, from its first bytes (and, for DNS,
/// the port).
fn looks_like(head: &[u8], port: u16, udp: bool) -> Option<&'static str> {
    let starts = |p: &[u8]| head.starts_with(p);
    if udp {
        return match head {
            // QUIC long header (RFC 9000 section 17.2): form and fixed bits, then the version.
            _ if crate::wire::is_quic_long_header(head) => Some("QUIC"),
            // DTLS record: content type, then 0xfeff (1.0), 0xfefd (1.2), 0xfefc (1.3) or 0x0100.
            [20..=26, 0xfe, 0xfd | 0xff | 0xfc, ..] | [20..=26, 0x01, 0x00, ..] => Some("DTLS"),
            _ if port == 53 || port == 5353 => Some("DNS"),
            _ => None,
        };
    }
    if ["GET ", "POST ", "HEAD ", "PUT ", "HTTP/"].iter().any(|m| starts(m.as_bytes())) {
        Some("HTTP")
    } else if starts(b"SSH-") {
        Some("SSH")
    } else if starts(b"PRI * HTTP/2.0") {
        Some("HTTP/2")
    } else if port == 53 {
        Some("DNS")
    } else {
        None
    }
}

/// Raw binary TLS records start with a content type 20..=24 and a major version 3.
fn looks_like_records(input: &[u8]) -> bool {
    matches!(input, [20..=24, 3, 0..=4, ..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_records_are_taken_as_they_are() {
        let c = read(&[0x16, 0x03, 0x01, 0x00, 0x00]);
        assert_eq!(c.kind, "binary");
        assert_eq!(c.captures[0].data.len(), 5);
    }

    #[test]
    fn truncated_pcap_is_reported_not_misread() {
        let c = read(&[0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0]);
        assert_eq!(c.kind, "pcap");
        assert!(c.captures.is_empty());
        assert_eq!(c.diagnostics.len(), 1);
        assert_eq!(c.diagnostics[0].offset, 0);
    }
}
