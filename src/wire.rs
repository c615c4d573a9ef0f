//! What TLS and QUIC look like on the wire: the checks that tell a record header, an SSL 2.0
//! ClientHello or a QUIC long header from other bytes. The transport (TCP record counting in
//! `net`), the input (is this flow TLS?) and the record layer (`tls::record`) all ask here, so
//! they agree.

/// Length of the SSL 2.0 CLIENT-HELLO at the start of `b` (after its 2-byte header), when
/// it is one: high bit set in the header, message type 1, version 2.0 or 3.x, and the three
/// lengths adding up.
pub fn sslv2_hello_len(b: &[u8]) -> Option<usize> {
    let [h0, h1, 1, major, minor, ..] = *b else { return None };
    if h0 & 0x80 == 0 || !matches!((major, minor), (0, 2) | (3, 0..=3)) {
        return None;
    }
    let len = (((h0 & 0x7f) as usize) << 8) | h1 as usize;
    // The three lengths must be there and add up.
    let l = b.get(5..11)?;
    let cs = u16::from_be_bytes([l[0], l[1]]) as usize;
    let sid = u16::from_be_bytes([l[2], l[3]]) as usize;
    let ch = u16::from_be_bytes([l[4], l[5]]) as usize;
    if cs % 3 != 0 || cs == 0 || !(16..=32).contains(&ch) || 9 + cs + sid + ch != len {
        return None;
    }
    Some(len)
}

/// RFC 5246 §6.2.3: TLSCiphertext.length MUST NOT exceed 2^14 + 2048.
pub const MAX_RECORD_LEN: usize = (1 << 14) + 2048;

/// Whether a connection's bytes carry TLS: somewhere in the first 64 KiB a plausible record
/// header whose record is followed by the end of the data or by another plausible header.
pub fn carries_tls(data: &[u8]) -> bool {
    sslv2_hello_len(data).is_some() || (0..data.len().min(1 << 16)).any(|p| {
        plausible_header(&data[p..]) && {
            let end = p + 5 + u16::from_be_bytes([data[p + 3], data[p + 4]]) as usize;
            end == data.len() || plausible_header(&data[end..])
        }
    })
}

/// A TLS record header at the start of `h`: a content type of TLS 1.0-1.3 (20-24), version
/// 3.0-3.4 and a length that is allowed; an empty record only when `empty_ok` (in step with
/// the stream an empty record is fine, e.g. the CBC empty-fragment countermeasure; a header
/// searched for must announce something).
pub fn header_ok(h: &[u8], empty_ok: bool) -> bool {
    match h {
        [t, 3, minor, hi, lo, ..] => {
            let len = u16::from_be_bytes([*hi, *lo]) as usize;
            (20..=24).contains(t) && *minor <= 4 && (empty_ok || len > 0) && len <= MAX_RECORD_LEN
        }
        _ => false,
    }
}

/// A header we would resynchronise on: `header_ok`, not empty, and its record fits in `b`.
pub fn plausible_header(b: &[u8]) -> bool {
    header_ok(b, false) && b.len() >= 5 + u16::from_be_bytes([b[3], b[4]]) as usize
}

/// A QUIC long header (RFC 9000 §17.2): header form and fixed bits set, then a version this
/// tool can read.
pub fn is_quic_long_header(p: &[u8]) -> bool {
    match p {
        [b, v0, v1, v2, v3, ..] if b & 0xc0 == 0xc0 => crate::registry::quic_version_known(u32::from_be_bytes([*v0, *v1, *v2, *v3])),
        _ => false,
    }
}

/// The first four bytes of a pcap file (microsecond or nanosecond timestamps, either byte order)
/// and of a pcapng Section Header Block (block type 0x0A0D0D0A, the same in both byte orders).
/// The page's worker-client.js lists the same values (tests/browser checks they agree).
pub const PCAP_MAGICS: [[u8; 4]; 4] = [[0xd4, 0xc3, 0xb2, 0xa1], [0xa1, 0xb2, 0xc3, 0xd4], [0x4d, 0x3c, 0xb2, 0xa1], [0xa1, 0xb2, 0x3c, 0x4d]];
pub const PCAPNG_MAGIC: [u8; 4] = [0x0a, 0x0d, 0x0d, 0x0a];

/// "pcap" or "pcapng" when `head` starts like such a file.
pub fn capture_file_kind(head: &[u8]) -> Option<&'static str> {
    let m: [u8; 4] = head.get(..4)?.try_into().ok()?;
    if m == PCAPNG_MAGIC {
        Some("pcapng")
    } else if PCAP_MAGICS.contains(&m) {
        Some("pcap")
    } else {
        None
    }
}
