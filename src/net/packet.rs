//! One packet down to its transport payload: Ethernet (802.1Q/QinQ tags), Linux SLL and SLL2,
//! raw IPv4/IPv6, BSD null/loopback -> IPv4 (options) / IPv6 (extension headers) -> TCP / UDP.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A TCP segment with the addresses it travelled between.
#[derive(Clone, Debug)]
pub struct Segment<'a> {
    pub src: (IpAddr, u16),
    pub dst: (IpAddr, u16),
    pub seq: u32,
    pub syn: bool,
    pub ack: bool,
    pub fin: bool,
    pub rst: bool,
    pub payload: &'a [u8],
}

#[derive(Clone, Debug)]
pub enum Decoded<'a> {
    Tcp(Segment<'a>),
    Udp { src: (IpAddr, u16), dst: (IpAddr, u16), payload: &'a [u8] },
    /// An IP fragment (not reassembled).
    Fragment,
    /// Not IP, not TCP/UDP, or too short: why (the end of a text key under diag.why).
    Other(&'static str),
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

/// Decode a packet of the given pcap link type.
pub fn decode(linktype: i32, data: &[u8]) -> Decoded<'_> {
    match linktype {
        1 => ethernet(data),
        113 => match be16(data, 14) {
            Some(proto) => ethertype(proto, data.get(16..).unwrap_or_default()),
            None => Decoded::Other("sll"),
        },
        276 => match be16(data, 0) {
            Some(proto) => ethertype(proto, data.get(20..).unwrap_or_default()),
            None => Decoded::Other("sll2"),
        },
        101 | 12 | 14 => raw_ip(data),
        228 => ipv4(data),
        229 => ipv6(data),
        0 | 108 => {
            // BSD loopback: a 4-byte address family (host order for NULL, network order for LOOP).
            let Some(h) = data.get(..4) else { return Decoded::Other("loopback") };
            let (le, be) = (u32::from_le_bytes([h[0], h[1], h[2], h[3]]), u32::from_be_bytes([h[0], h[1], h[2], h[3]]));
            // NULL uses the capturing host's byte order, which the file does not record.
            let family = if linktype == 108 || le > 0xffff { be } else { le };
            let rest = &data[4..];
            match family {
                2 => ipv4(rest),
                10 | 24 | 28 | 30 => ipv6(rest),
                _ => Decoded::Other("loopback_not_ip"),
            }
        }
        _ => Decoded::Other("linktype"),
    }
}

fn ethernet(data: &[u8]) -> Decoded<'_> {
    let mut at = 12;
    loop {
        let Some(t) = be16(data, at) else { return Decoded::Other("ethernet") };
        match t {
            // 802.1Q, 802.1ad (QinQ) and the old 0x9100 QinQ: skip the tag.
            0x8100 | 0x88a8 | 0x9100 => at += 4,
            _ => return ethertype(t, data.get(at + 2..).unwrap_or_default()),
        }
    }
}

fn ethertype(t: u16, rest: &[u8]) -> Decoded<'_> {
    match t {
        0x0800 => ipv4(rest),
        0x86dd => ipv6(rest),
        _ => Decoded::Other("not_ip"),
    }
}

fn raw_ip(data: &[u8]) -> Decoded<'_> {
    match data.first().map(|b| b >> 4) {
        Some(4) => ipv4(data),
        Some(6) => ipv6(data),
        _ => Decoded::Other("raw_not_ip"),
    }
}

fn ipv4(d: &[u8]) -> Decoded<'_> {
    let Some(&vihl) = d.first() else { return Decoded::Other("ipv4_empty") };
    let ihl = ((vihl & 0x0f) as usize) * 4;
    if vihl >> 4 != 4 || ihl < 20 || d.len() < ihl {
        return Decoded::Other("ipv4");
    }
    let total = be16(d, 2).map(|t| t as usize).unwrap_or(0);
    // Total length 0 happens with TSO captures: take what was captured.
    let end = if total >= ihl { total.min(d.len()) } else { d.len() };
    let frag = be16(d, 6).unwrap_or(0);
    if frag & 0x2000 != 0 || frag & 0x1fff != 0 {
        return Decoded::Fragment;
    }
    let src = IpAddr::V4(Ipv4Addr::new(d[12], d[13], d[14], d[15]));
    let dst = IpAddr::V4(Ipv4Addr::new(d[16], d[17], d[18], d[19]));
    transport(d[9], src, dst, &d[ihl..end])
}

fn ipv6(d: &[u8]) -> Decoded<'_> {
    if d.len() < 40 || d[0] >> 4 != 6 {
        return Decoded::Other("ipv6");
    }
    let plen = be16(d, 4).unwrap_or(0) as usize;
    let end = if plen == 0 { d.len() } else { (40 + plen).min(d.len()) };
    let mut a = [0u8; 16];
    a.copy_from_slice(&d[8..24]);
    let src = IpAddr::V6(Ipv6Addr::from(a));
    a.copy_from_slice(&d[24..40]);
    let dst = IpAddr::V6(Ipv6Addr::from(a));
    let mut next = d[6];
    let mut at = 40;
    loop {
        match next {
            0 | 43 | 60 => {
                let (Some(&nh), Some(&len)) = (d.get(at), d.get(at + 1)) else { return Decoded::Other("ipv6_ext") };
                next = nh;
                at += (len as usize + 1) * 8;
            }
            51 => {
                let (Some(&nh), Some(&len)) = (d.get(at), d.get(at + 1)) else { return Decoded::Other("ipv6_ah") };
                next = nh;
                at += (len as usize + 2) * 4;
            }
            44 => {
                let Some(fo) = be16(d, at + 2) else { return Decoded::Other("ipv6_frag") };
                if fo & 0xfff9 != 0 {
                    return Decoded::Fragment;
                }
                next = d[at];
                at += 8;
            }
            _ => break,
        }
    }
    match d.get(at..end) {
        Some(rest) => transport(next, src, dst, rest),
        None => Decoded::Other("ipv6_overrun"),
    }
}

fn transport(proto: u8, src: IpAddr, dst: IpAddr, d: &[u8]) -> Decoded<'_> {
    match proto {
        6 => {
            let (Some(sp), Some(dp)) = (be16(d, 0), be16(d, 2)) else { return Decoded::Other("tcp") };
            let Some(seq) = d.get(4..8).map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]])) else { return Decoded::Other("tcp") };
            let off = d.get(12).map(|b| ((b >> 4) as usize) * 4).unwrap_or(0);
            let flags = d.get(13).copied().unwrap_or(0);
            if off < 20 || d.len() < off {
                return Decoded::Other("tcp_bad");
            }
            Decoded::Tcp(Segment {
                src: (src, sp),
                dst: (dst, dp),
                seq,
                fin: flags & 0x01 != 0,
                syn: flags & 0x02 != 0,
                rst: flags & 0x04 != 0,
                ack: flags & 0x10 != 0,
                payload: &d[off..],
            })
        }
        17 => match (be16(d, 0), be16(d, 2)) {
            (Some(sp), Some(dp)) if d.len() >= 8 => Decoded::Udp { src: (src, sp), dst: (dst, dp), payload: &d[8..] },
            _ => Decoded::Other("udp"),
        },
        _ => Decoded::Other("not_tcp_udp"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every reason a packet is passed over names a text of the tables (diag.why.<code>): the
    /// codes are read from this file.
    #[cfg(feature = "texts")]
    #[test]
    fn every_reason_has_a_text() {
        let src = include_str!("packet.rs");
        let codes: Vec<&str> = src.split("Decoded::Other(\"").skip(1).filter_map(|s| s.split('"').next()).collect();
        assert!(codes.len() > 15, "{codes:?}");
        for code in codes {
            let key = format!("diag.why.{code}");
            for lang in [crate::explain::Lang::En, crate::explain::Lang::Zh] {
                assert_ne!(crate::explain::render(lang, &crate::model::TextRef::new(key.clone()), None), key, "{key}");
            }
        }
    }

    /// Ethernet + 802.1Q + IPv4 + TCP with 4 payload bytes.
    fn frame() -> Vec<u8> {
        let mut f = vec![0u8; 12];
        f.extend_from_slice(&[0x81, 0x00, 0x00, 0x05, 0x08, 0x00]);
        let mut ip = vec![0x45, 0, 0, 44, 0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2];
        ip.extend_from_slice(&[0x1f, 0x90, 0x01, 0xbb, 0, 0, 0, 7, 0, 0, 0, 0, 0x50, 0x18, 0, 0, 0, 0, 0, 0]);
        ip.extend_from_slice(b"\x16\x03\x01\x00");
        f.extend_from_slice(&ip);
        f.extend_from_slice(&[0, 0]); // Ethernet padding beyond IP total length
        f
    }

    #[test]
    fn vlan_ipv4_tcp() {
        let f = frame();
        let d = decode(1, &f);
        assert!(matches!(d, Decoded::Tcp(_)), "{d:?}");
        if let Decoded::Tcp(s) = d {
            assert_eq!(s.src, (IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)), 8080));
            assert_eq!(s.dst.1, 443);
            assert_eq!(s.seq, 7);
            assert_eq!(s.payload, b"\x16\x03\x01\x00");
            assert!(s.ack && !s.syn);
        }
    }

    #[test]
    fn fragments_and_garbage_are_named() {
        let mut f = frame();
        f[18 + 6] = 0x20; // MF (IP starts after 12 + 4 (tag) + 2 (type) bytes)
        assert!(matches!(decode(1, &f), Decoded::Fragment));
        for n in 0..f.len() {
            let _ = decode(1, &f[..n]);
            let _ = decode(113, &f[..n]);
            let _ = decode(276, &f[..n]);
            let _ = decode(0, &f[..n]);
            let _ = decode(101, &f[..n]);
        }
    }
}
