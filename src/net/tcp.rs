//! TCP stream reassembly per connection and direction, from sequence numbers: retransmissions
//! and overlaps trimmed, out-of-order segments held until the gap before them fills, missing
//! data reported with its stream offset. Which side is the client comes from the SYN, else from
//! the content (who sent a ClientHello), else from the ports.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

use super::file::RawPacket;
use super::packet::{decode, Decoded};
use crate::model::{Diagnostic, Dir};

/// Bytes held out of order per direction before we give up waiting and report a gap.
const MAX_PENDING: usize = 32 << 20;

type Endpoint = (IpAddr, u16);

/// A reassembled TCP connection: both directions' bytes interleaved in the order they became
/// contiguous, as chunks with the frame that completed them.
#[derive(Clone, Debug)]
pub struct TcpConnection {
    pub client: Endpoint,
    pub server: Endpoint,
    pub data: Vec<u8>,
    /// (direction, offset in `data`, length, frame number)
    pub chunks: Vec<(Dir, usize, usize, u32)>,
    pub diagnostics: Vec<Diagnostic>,
    pub first_frame: u32,
    /// File offset of the first packet, for diagnostics about the whole connection.
    pub first_offset: usize,
}

#[derive(Default)]
struct Side {
    isn: Option<u32>,
    next: u64,
    pending: BTreeMap<u64, (Vec<u8>, u32)>,
    pending_bytes: usize,
    first_payload: Vec<u8>,
}

struct Conn {
    a: Endpoint,
    b: Endpoint,
    /// 0: a -> b, 1: b -> a
    sides: [Side; 2],
    syn_from: Option<usize>,
    data: Vec<u8>,
    chunks: Vec<(usize, usize, usize, u32)>,
    diagnostics: Vec<Diagnostic>,
    first_frame: u32,
    first_offset: usize,
}

impl Conn {
    fn push(&mut self, side: usize, bytes: &[u8], frame: u32) {
        if bytes.is_empty() {
            return;
        }
        let off = self.data.len();
        self.data.extend_from_slice(bytes);
        match self.chunks.last_mut() {
            Some(last) if last.0 == side && last.3 == frame => last.2 += bytes.len(),
            _ => self.chunks.push((side, off, bytes.len(), frame)),
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
            let Some((bytes, frame)) = s.pending.remove(&k) else { return };
            s.pending_bytes -= bytes.len();
            let skip = (s.next - k) as usize;
            if skip < bytes.len() {
                s.next += (bytes.len() - skip) as u64;
                self.push(side, &bytes[skip..], frame);
            }
        }
    }

    /// Give up on the hole before the first held segment: report it and go on after it.
    fn skip_gap(&mut self, side: usize, label: &str) {
        let s = &mut self.sides[side];
        if let Some((&k, (_, frame))) = s.pending.first_key_value() {
            let (missing, at, frame) = (k - s.next, s.next, *frame);
            s.next = k;
            let off = self.data.len();
            self.diagnostics.push(Diagnostic::warning(
                off,
                format!("TCP {label}: {missing} byte(s) missing at stream offset {at} (segments not captured); continuing with frame {frame}"),
            ));
            self.drain(side);
        }
    }
}

fn looks_like_hello(b: &[u8], msg_type: u8) -> bool {
    matches!(b, [0x16, 3, _, _, _, t, ..] if *t == msg_type)
}

/// Reassemble every TCP connection in the packets. UDP datagrams are counted in a diagnostic.
pub fn reassemble(packets: &[RawPacket], diags: &mut Vec<Diagnostic>) -> Vec<TcpConnection> {
    let mut conns: Vec<Conn> = Vec::new();
    let mut index: HashMap<(Endpoint, Endpoint), usize> = HashMap::new();
    let (mut fragments, mut udp, mut other) = (0usize, 0usize, 0usize);
    let (mut first_udp, mut first_other) = (None, None);
    for p in packets {
        let seg = match decode(p.linktype, p.data) {
            Decoded::Tcp(s) => s,
            Decoded::Udp { .. } => {
                udp += 1;
                first_udp.get_or_insert((p.frame, p.file_offset));
                continue;
            }
            Decoded::Fragment => {
                fragments += 1;
                if fragments == 1 {
                    diags.push(Diagnostic::warning(p.file_offset, format!("frame {}: IP fragment at file offset {}: fragments are not reassembled", p.frame, p.file_offset)));
                }
                continue;
            }
            Decoded::Other(why) => {
                other += 1;
                first_other.get_or_insert((p.frame, p.file_offset, why));
                continue;
            }
        };
        let key = if seg.src <= seg.dst { (seg.src, seg.dst) } else { (seg.dst, seg.src) };
        let ci = *index.entry(key).or_insert_with(|| {
            conns.push(Conn {
                a: seg.src,
                b: seg.dst,
                sides: Default::default(),
                syn_from: None,
                data: Vec::new(),
                chunks: Vec::new(),
                diagnostics: Vec::new(),
                first_frame: p.frame,
                first_offset: p.file_offset,
            });
            conns.len() - 1
        });
        let c = &mut conns[ci];
        let side = if seg.src == c.a && seg.dst == c.b { 0 } else { 1 };
        if seg.syn {
            c.sides[side].isn = Some(seg.seq.wrapping_add(1));
            if !seg.ack {
                c.syn_from = Some(side);
            }
        }
        if seg.payload.is_empty() {
            continue;
        }
        let s = &mut c.sides[side];
        let isn = *s.isn.get_or_insert(seg.seq);
        if s.first_payload.len() < 8 {
            s.first_payload.extend_from_slice(&seg.payload[..seg.payload.len().min(8)]);
        }
        // Offset of the segment in the stream; data from before the start is trimmed.
        let d = seg.seq.wrapping_sub(isn) as i32;
        let (rel, payload) = if d < 0 {
            let cut = (d.unsigned_abs() as usize).min(seg.payload.len());
            (0u64, &seg.payload[cut..])
        } else {
            (d as u64, seg.payload)
        };
        if payload.is_empty() || rel + payload.len() as u64 <= s.next {
            continue; // a retransmission of what we already have
        }
        let keep = s.pending.get(&rel).is_none_or(|(b, _)| b.len() < payload.len());
        if keep {
            if let Some((old, _)) = s.pending.insert(rel, (payload.to_vec(), p.frame)) {
                s.pending_bytes -= old.len();
            }
            s.pending_bytes += payload.len();
        }
        c.drain(side);
        if c.sides[side].pending_bytes > MAX_PENDING {
            c.skip_gap(side, "stream");
        }
    }
    if let Some((frame, off)) = first_udp {
        diags.push(Diagnostic::warning(off, format!("{udp} UDP datagram(s) skipped, the first in frame {frame}: QUIC and DTLS are not explained yet")));
    }
    if let Some((frame, off, why)) = first_other {
        diags.push(Diagnostic::warning(off, format!("{other} packet(s) skipped, the first in frame {frame}: {why}")));
    }
    conns.into_iter().map(finish).collect()
}

fn finish(mut c: Conn) -> TcpConnection {
    // Who is the client: the SYN sender, else whoever sent a ClientHello, else whoever
    // received a ServerHello, else the side with the higher port.
    let client_side = c
        .syn_from
        .or_else(|| (0..2).find(|&s| looks_like_hello(&c.sides[s].first_payload, 1)))
        .or_else(|| (0..2).find(|&s| looks_like_hello(&c.sides[s].first_payload, 2)).map(|s| 1 - s))
        .unwrap_or(if c.a.1 >= c.b.1 { 0 } else { 1 });
    let (client, server) = if client_side == 0 { (c.a, c.b) } else { (c.b, c.a) };
    for side in 0..2 {
        let label = if side == client_side { "client -> server" } else { "server -> client" };
        while !c.sides[side].pending.is_empty() {
            c.skip_gap(side, label);
        }
    }
    let dir = |s: usize| if s == client_side { Dir::C2S } else { Dir::S2C };
    TcpConnection {
        client,
        server,
        chunks: c.chunks.iter().map(|&(s, o, l, f)| (dir(s), o, l, f)).collect(),
        data: c.data,
        diagnostics: c.diagnostics,
        first_frame: c.first_frame,
        first_offset: c.first_offset,
    }
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
        let raw: Vec<RawPacket> = pkts.iter().enumerate().map(|(i, d)| RawPacket { frame: i as u32 + 1, linktype: 101, data: d, file_offset: 0 }).collect();
        let mut diags = Vec::new();
        let c = reassemble(&raw, &mut diags);
        (c, diags)
    }

    const SYN: u8 = 0x02;
    const ACK: u8 = 0x10;

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
        assert_eq!(c.chunks[0], (Dir::C2S, 0, 5, 4));
        assert_eq!(c.chunks[1], (Dir::C2S, 5, 5, 3));
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
        assert!(c.diagnostics[0].message.contains("6 byte(s) missing at stream offset 3"), "{}", c.diagnostics[0].message);
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
