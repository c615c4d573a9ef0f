//! Open it in Wireshark (issue 21): the connections of an analysis written as a pcapng capture,
//! with the key log in a Decryption Secrets Block so that Wireshark and tshark decrypt it with no
//! separate file (pcapng spec, draft-ietf-opsawg-pcapng §4.7, secrets type 0x544c534b "TLSK").
//!
//! Each connection's bytes as they travelled (not records rebuilt from plaintext, not decrypted
//! QUIC frames) are wrapped in Ethernet, IPv4 or IPv6, and TCP (after a three-way handshake, with
//! sequence and acknowledgement numbers that follow the bytes) or UDP (one datagram per captured
//! datagram). Endpoints and times are the capture's when the input had them; otherwise client
//! 10.0.0.1:49152+id and server 10.0.0.2:443, one millisecond between packets from 1970-01-01.
//! Where the input did not mark directions, the direction the record walk inferred for each
//! message is used, cut at the message's first byte.

use crate::input::keylog::Entry;
use crate::model::{Analysis, Connection, Dir};

/// Ethernet frames carry at most this much TCP payload (a 1500-byte MTU).
const MSS: usize = 1460;
const UDP_MAX: usize = 65_507;
/// Initial sequence numbers, different for each connection (by its id) so that connections that
/// reuse a port pair are not merged by Wireshark.
const CLIENT_ISN: u32 = 0x1000;
const SERVER_ISN: u32 = 0x8000;

/// The capture: a section header, one Ethernet interface, the key log entries of the connections
/// written (`keys`: each with its connection's `id`, none for RSA entries, which go with any),
/// then every connection's packets in order.
pub fn pcapng(a: &Analysis, keys: &[(Option<usize>, Entry)]) -> Vec<u8> {
    // Only the secrets of the connections in the file: sharing one connection shares no other's.
    let keys: Vec<&Entry> = keys.iter().filter(|(id, _)| id.is_none_or(|id| a.connections.iter().any(|c| c.id == id))).map(|(_, e)| e).collect();
    let mut out = Vec::new();
    // Section Header Block: byte-order magic, version 1.0, section length unknown, and the
    // application that wrote it (shb_userappl, option 4).
    let mut shb = Vec::new();
    shb.extend_from_slice(&0x1a2b_3c4du32.to_le_bytes());
    shb.extend_from_slice(&1u16.to_le_bytes());
    shb.extend_from_slice(&0u16.to_le_bytes());
    shb.extend_from_slice(&(-1i64).to_le_bytes());
    option(&mut shb, 4, concat!("tls-lens ", env!("CARGO_PKG_VERSION")).as_bytes());
    option(&mut shb, 0, &[]);
    block(&mut out, 0x0a0d_0d0a, &shb);
    // Interface Description Block: LINKTYPE_ETHERNET (1), no snapshot limit, microseconds.
    let mut idb = Vec::new();
    idb.extend_from_slice(&1u16.to_le_bytes());
    idb.extend_from_slice(&0u16.to_le_bytes());
    idb.extend_from_slice(&0u32.to_le_bytes());
    block(&mut out, 1, &idb);
    if !keys.is_empty() {
        let text: String = keys.iter().map(|e| format!("{} {} {}\n", e.label, hex(&e.key), hex(&e.secret))).collect();
        let mut dsb = Vec::new();
        dsb.extend_from_slice(&0x544c_534bu32.to_le_bytes());
        dsb.extend_from_slice(&(text.len() as u32).to_le_bytes());
        dsb.extend_from_slice(text.as_bytes());
        pad(&mut dsb);
        block(&mut out, 0x0a, &dsb);
    }
    let mut packets = Vec::new();
    for c in &a.connections {
        connection(&mut packets, c);
    }
    // A capture is in time order (a stable sort: packets of one time keep their order).
    crate::reader::sort_by_u64(&mut packets, |p: &(i64, Vec<u8>)| p.0.max(0) as u64);
    for (t, frame) in packets {
        let mut epb = Vec::new();
        let t = t.max(0) as u64;
        epb.extend_from_slice(&0u32.to_le_bytes());
        epb.extend_from_slice(&((t >> 32) as u32).to_le_bytes());
        epb.extend_from_slice(&(t as u32).to_le_bytes());
        epb.extend_from_slice(&(frame.len() as u32).to_le_bytes());
        epb.extend_from_slice(&(frame.len() as u32).to_le_bytes());
        epb.extend_from_slice(&frame);
        pad(&mut epb);
        block(&mut out, 6, &epb);
    }
    out
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn pad(b: &mut Vec<u8>) {
    while b.len() % 4 != 0 {
        b.push(0);
    }
}

fn option(b: &mut Vec<u8>, code: u16, value: &[u8]) {
    b.extend_from_slice(&code.to_le_bytes());
    b.extend_from_slice(&(value.len() as u16).to_le_bytes());
    b.extend_from_slice(value);
    pad(b);
}

/// A pcapng block: type, total length, body (a multiple of 4 bytes), total length again.
fn block(out: &mut Vec<u8>, kind: u32, body: &[u8]) {
    let len = (body.len() + 12) as u32;
    out.extend_from_slice(&kind.to_le_bytes());
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(body);
    out.extend_from_slice(&len.to_le_bytes());
}

/// Bytes of one direction that travelled together: a TCP segment's payload or a UDP datagram.
struct Piece {
    dir: Dir,
    bytes: Vec<u8>,
    /// Microseconds after the connection's first packet, when the input says.
    time: Option<i64>,
}

/// "ip:port" or "[ip6]:port".
fn endpoint(s: &str) -> Option<(std::net::IpAddr, u16)> {
    s.parse::<std::net::SocketAddr>().ok().map(|a| (a.ip(), a.port()))
}

fn connection(out: &mut Vec<(i64, Vec<u8>)>, c: &Connection) {
    let Some(bytes) = (0..c.stream.hex.len() / 2).map(|i| u8::from_str_radix(c.stream.hex.get(2 * i..2 * i + 2)?, 16).ok()).collect::<Option<Vec<u8>>>() else {
        return;
    };
    let udp = c.quic.is_some() || c.dtls;
    let pieces = pieces(c, &bytes, udp);
    if pieces.is_empty() {
        return;
    }
    let synthetic = (std::net::IpAddr::from([10, 0, 0, 1]), 49152u16.wrapping_add(c.id as u16));
    let (client, server) = match (c.client.as_deref().and_then(endpoint), c.server.as_deref().and_then(endpoint)) {
        (Some(cl), Some(sv)) if cl.0.is_ipv4() == sv.0.is_ipv4() => (cl, sv),
        _ => (synthetic, (std::net::IpAddr::from([10, 0, 0, 2]), 443)),
    };
    // Without capture times, connections follow each other a second apart (from 1970-01-01).
    let start = c.captured_us.unwrap_or((c.id as i64).saturating_mul(1_000_000));
    let mut last = start;
    // Times: the input's where it has them, never going back; else 1 ms after the last packet.
    let mut at = |t: Option<i64>| {
        last = match t {
            Some(t) => (start.saturating_add(t)).max(last),
            None => last.saturating_add(1000),
        };
        last
    };
    let ends = |d: Dir| if d == Dir::C2S { (client, server) } else { (server, client) };
    if udp {
        for p in pieces {
            let (src, dst) = ends(p.dir);
            let t = at(p.time);
            // A UDP datagram holds at most 65,507 bytes over IPv4 (a longer run of one side's
            // bytes without datagram boundaries, as in a pasted dump, is cut there).
            for d in p.bytes.chunks(UDP_MAX) {
                out.push((t, frame(src, dst, 17, &udp_header(src, dst, d))));
            }
        }
        return;
    }
    // TCP: SYN, SYN-ACK, ACK, then the payload in segments of at most MSS bytes.
    let spread = (c.id as u32).wrapping_mul(0x0100_0000);
    let (mut cseq, mut sseq) = (CLIENT_ISN.wrapping_add(spread), SERVER_ISN.wrapping_add(spread));
    let first = at(pieces[0].time).saturating_sub(3000).max(0);
    let syn = [(Dir::C2S, SYN, cseq, 0), (Dir::S2C, SYN | ACK, sseq, cseq.wrapping_add(1)), (Dir::C2S, ACK, cseq.wrapping_add(1), sseq.wrapping_add(1))];
    for (k, (d, flags, seq, ack)) in syn.into_iter().enumerate() {
        let (src, dst) = ends(d);
        out.push((first.saturating_add(k as i64), frame(src, dst, 6, &tcp_segment(src, dst, seq, ack, flags, &[]))));
    }
    cseq = cseq.wrapping_add(1);
    sseq = sseq.wrapping_add(1);
    for p in pieces {
        let t = at(p.time);
        for seg in p.bytes.chunks(MSS) {
            let (src, dst) = ends(p.dir);
            let (seq, ack) = if p.dir == Dir::C2S { (&mut cseq, sseq) } else { (&mut sseq, cseq) };
            out.push((t, frame(src, dst, 6, &tcp_segment(src, dst, *seq, ack, PSH | ACK, seg))));
            *seq = seq.wrapping_add(seg.len() as u32);
        }
    }
}

/// The connection's bytes as they travelled, by direction: each chunk that is neither rebuilt
/// nor a decrypted layer; a chunk without a direction is cut where the direction of the messages
/// in it changes. UDP chunks of one captured frame and direction are one datagram.
fn pieces(c: &Connection, bytes: &[u8], udp: bool) -> Vec<Piece> {
    // Message starts with their direction, in stream order (for chunks without one).
    let mut starts: Vec<(usize, Dir)> = c.messages.iter().filter(|m| m.span.len > 0).filter_map(|m| m.dir.map(|d| (m.span.offset, d))).collect();
    crate::reader::sort_by_u64(&mut starts, |s| s.0 as u64);
    // The time of the packet that completed the first message ending in a piece: message ends
    // with their times, sorted, searched (not scanned) for each piece.
    let mut ends: Vec<(usize, i64)> = c.messages.iter().filter(|m| m.span.len > 0).filter_map(|m| m.time_us.map(|t| (m.span.end(), t))).collect();
    crate::reader::sort_by_u64(&mut ends, |e| e.0 as u64);
    let time_of = |from: usize, to: usize| {
        let i = ends.partition_point(|e| e.0 <= from);
        ends.get(i).filter(|e| e.0 <= to).map(|e| e.1)
    };
    let mut out: Vec<Piece> = Vec::new();
    let mut last_frame: Option<(u32, Dir)> = None;
    for ch in &c.stream.chunks {
        let usable = if c.quic.is_some() { ch.layer == Some("quic-packet") } else { ch.layer.is_none() };
        if ch.rebuilt || !usable || ch.len == 0 {
            continue;
        }
        let Some(data) = bytes.get(ch.offset..ch.offset + ch.len) else { continue };
        // Cut points: (offset in the stream, direction from there on).
        let mut cuts: Vec<(usize, Dir)> = Vec::new();
        match ch.dir {
            Some(d) => cuts.push((ch.offset, d)),
            None => {
                let before = starts.iter().rev().find(|s| s.0 <= ch.offset).or(starts.first()).map(|s| s.1);
                let Some(d) = before else { continue };
                cuts.push((ch.offset, d));
                for &(o, d) in starts.iter().filter(|s| s.0 > ch.offset && s.0 < ch.offset + ch.len) {
                    if cuts.last().is_some_and(|l| l.1 != d) {
                        cuts.push((o, d));
                    }
                }
            }
        }
        for (k, &(from, d)) in cuts.iter().enumerate() {
            let to = cuts.get(k + 1).map_or(ch.offset + ch.len, |n| n.0);
            let piece = &data[from - ch.offset..to - ch.offset];
            let same_datagram = udp && ch.frame.is_some() && last_frame == ch.frame.map(|f| (f, d));
            match out.last_mut() {
                // TCP: bytes of one direction in a row are one stream; UDP: one captured datagram.
                Some(p) if p.dir == d && (!udp || same_datagram) => p.bytes.extend_from_slice(piece),
                _ => out.push(Piece { dir: d, bytes: piece.to_vec(), time: time_of(from, to) }),
            }
            last_frame = ch.frame.map(|f| (f, d));
        }
    }
    // (UDP chunks without frames, as in a pasted DTLS dump, are a datagram each: a chunk cut
    // where the direction changes gives one datagram per flight.)
    out
}

const SYN: u8 = 0x02;
const PSH: u8 = 0x08;
const ACK: u8 = 0x10;

/// The Internet checksum (RFC 1071) of `parts` concatenated.
fn checksum(parts: &[&[u8]]) -> u16 {
    // (A u64 cannot overflow: frames are far below 2^48 bytes.)
    let mut sum = 0u64;
    let mut odd: Option<u8> = None;
    for b in parts.iter().flat_map(|p| p.iter()) {
        match odd.take() {
            Some(hi) => sum += u64::from(u16::from_be_bytes([hi, *b])),
            None => odd = Some(*b),
        }
    }
    if let Some(hi) = odd {
        sum += u64::from(u16::from_be_bytes([hi, 0]));
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// The pseudo-header of the TCP and UDP checksums (RFC 793 §3.1, RFC 8200 §8.1).
fn pseudo(src: std::net::IpAddr, dst: std::net::IpAddr, proto: u8, len: usize) -> Vec<u8> {
    let mut p = Vec::new();
    match (src, dst) {
        (std::net::IpAddr::V4(s), std::net::IpAddr::V4(d)) => {
            p.extend_from_slice(&s.octets());
            p.extend_from_slice(&d.octets());
            p.extend_from_slice(&[0, proto]);
            p.extend_from_slice(&(len as u16).to_be_bytes());
        }
        (s, d) => {
            let six = |a: std::net::IpAddr| match a {
                std::net::IpAddr::V4(a) => a.to_ipv6_mapped().octets(),
                std::net::IpAddr::V6(a) => a.octets(),
            };
            p.extend_from_slice(&six(s));
            p.extend_from_slice(&six(d));
            p.extend_from_slice(&(len as u32).to_be_bytes());
            p.extend_from_slice(&[0, 0, 0, proto]);
        }
    }
    p
}

fn tcp_segment(src: (std::net::IpAddr, u16), dst: (std::net::IpAddr, u16), seq: u32, ack: u32, flags: u8, payload: &[u8]) -> Vec<u8> {
    let mut h = Vec::with_capacity(20 + payload.len());
    h.extend_from_slice(&src.1.to_be_bytes());
    h.extend_from_slice(&dst.1.to_be_bytes());
    h.extend_from_slice(&seq.to_be_bytes());
    h.extend_from_slice(&if flags & ACK != 0 { ack } else { 0 }.to_be_bytes());
    h.extend_from_slice(&[5 << 4, flags]);
    h.extend_from_slice(&65535u16.to_be_bytes());
    h.extend_from_slice(&[0, 0, 0, 0]);
    h.extend_from_slice(payload);
    let sum = checksum(&[&pseudo(src.0, dst.0, 6, h.len()), &h]);
    h[16..18].copy_from_slice(&sum.to_be_bytes());
    h
}

fn udp_header(src: (std::net::IpAddr, u16), dst: (std::net::IpAddr, u16), payload: &[u8]) -> Vec<u8> {
    let mut h = Vec::with_capacity(8 + payload.len());
    h.extend_from_slice(&src.1.to_be_bytes());
    h.extend_from_slice(&dst.1.to_be_bytes());
    h.extend_from_slice(&((8 + payload.len()).min(0xffff) as u16).to_be_bytes());
    h.extend_from_slice(&[0, 0]);
    h.extend_from_slice(payload);
    let sum = match checksum(&[&pseudo(src.0, dst.0, 17, h.len()), &h]) {
        0 => 0xffff,
        s => s,
    };
    h[6..8].copy_from_slice(&sum.to_be_bytes());
    h
}

/// An Ethernet frame with an IPv4 or IPv6 header around a transport segment.
fn frame(src: (std::net::IpAddr, u16), dst: (std::net::IpAddr, u16), proto: u8, segment: &[u8]) -> Vec<u8> {
    let mut f = vec![0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01];
    match (src.0, dst.0) {
        (std::net::IpAddr::V4(s), std::net::IpAddr::V4(d)) => {
            f.extend_from_slice(&0x0800u16.to_be_bytes());
            let mut ip = vec![0x45, 0];
            ip.extend_from_slice(&((20 + segment.len()).min(0xffff) as u16).to_be_bytes());
            ip.extend_from_slice(&[0, 0, 0x40, 0, 64, proto, 0, 0]);
            ip.extend_from_slice(&s.octets());
            ip.extend_from_slice(&d.octets());
            let sum = checksum(&[&ip]);
            ip[10..12].copy_from_slice(&sum.to_be_bytes());
            f.extend_from_slice(&ip);
        }
        (s, d) => {
            let six = |a: std::net::IpAddr| match a {
                std::net::IpAddr::V4(a) => a.to_ipv6_mapped().octets(),
                std::net::IpAddr::V6(a) => a.octets(),
            };
            f.extend_from_slice(&0x86ddu16.to_be_bytes());
            f.extend_from_slice(&[0x60, 0, 0, 0]);
            f.extend_from_slice(&(segment.len().min(0xffff) as u16).to_be_bytes());
            f.extend_from_slice(&[proto, 64]);
            f.extend_from_slice(&six(s));
            f.extend_from_slice(&six(d));
        }
    }
    f.extend_from_slice(segment);
    f
}

#[cfg(test)]
mod tests {
    use super::checksum;

    /// RFC 1071 §3's example: the one's-complement sum of 0001 f203 f4f5 f6f7 is ddf2.
    #[test]
    fn internet_checksum_follows_rfc_1071() {
        assert_eq!(checksum(&[&[0x00, 0x01, 0xf2, 0x03], &[0xf4, 0xf5, 0xf6, 0xf7]]), !0xddf2);
        // An odd length is padded with a zero byte.
        assert_eq!(checksum(&[&[0x01]]), !0x0100);
    }
}
