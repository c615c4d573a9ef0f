//! Certificate compression (RFC 8879): a CompressedCertificate message carries the Certificate
//! message it replaces, compressed with zlib, brotli or zstd. Decompressed, that Certificate is
//! put right after the record that carried the CompressedCertificate, in a rebuilt record (like
//! decrypted plaintext), so its certificates are explained like any others.
//!
//! ```text
//! struct {
//!     CertificateCompressionAlgorithm algorithm;   // 1 zlib, 2 brotli, 3 zstd
//!     uint24 uncompressed_length;
//!     opaque compressed_certificate_message<1..2^24-1>;
//! } CompressedCertificate;
//! ```

use std::io::Read;

use crate::code::{ct, ht};
use crate::model::{NoteSeverity, TextRef};

use super::TlsConnection;

/// The algorithm names of the IANA "TLS Certificate Compression Algorithm IDs" registry.
pub fn algorithm_name(a: u16) -> &'static str {
    match a {
        1 => "zlib",
        2 => "brotli",
        3 => "zstd",
        _ => "unknown",
    }
}

/// The most a CompressedCertificate may inflate to here (1 MiB): a zlib or brotli bomb
/// announcing 16 MiB costs nothing.
pub const MAX_UNCOMPRESSED: usize = 1 << 20;

/// Decompress `data` with `algorithm`; the result must be exactly `expected` bytes (RFC 8879
/// §4: otherwise the peer aborts with bad_certificate). Never more than `expected` bytes are
/// produced, so a hostile length cannot make it allocate without bound.
pub fn decompress(algorithm: u16, data: &[u8], expected: usize) -> Result<Vec<u8>, String> {
    // A real certificate chain is tens of kilobytes; RFC 8879 allows up to 2^24 - 1.
    if expected > MAX_UNCOMPRESSED {
        return Err(format!("uncompressed_length says {expected} bytes, more than the {} KiB TLS Lens inflates", MAX_UNCOMPRESSED >> 10));
    }
    let limit = expected as u64 + 1;
    let mut out = Vec::with_capacity(expected.min(1 << 20));
    let res = match algorithm {
        // The error's Debug form carries everything inflated so far: name its status only.
        1 => miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(data, expected + 1).map(|v| out = v).map_err(|e| match e.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => format!("more than {expected} bytes, but uncompressed_length says {expected}"),
            s => format!("zlib: {s:?}"),
        }),
        2 => brotli_decompressor::Decompressor::new(data, 4096).take(limit).read_to_end(&mut out).map(|_| ()).map_err(|e| format!("brotli: {e}")),
        // zstd is left out: its decoder would add about 40 KB (gzipped) to the page for an
        // algorithm servers rarely pick.
        3 => Err("zstd is not supported by TLS Lens (zlib and brotli are)".to_string()),
        a => Err(format!("unknown algorithm {a}")),
    };
    res?;
    if out.len() != expected {
        return Err(format!("{} bytes, but uncompressed_length says {expected}", if out.len() > expected { format!("more than {expected}") } else { out.len().to_string() }));
    }
    Ok(out)
}

/// The Certificate handshake message inside a CompressedCertificate message (`msg`: header and
/// body). Ok(None) when it is not one.
pub fn certificate_message(msg: &[u8]) -> Result<Option<(u16, usize, Vec<u8>)>, String> {
    if msg.first() != Some(&25) || msg.len() < 4 + 2 + 3 + 3 {
        return Ok(None);
    }
    let algorithm = u16::from_be_bytes([msg[4], msg[5]]);
    let expected = (msg[6] as usize) << 16 | (msg[7] as usize) << 8 | msg[8] as usize;
    let len = (msg[9] as usize) << 16 | (msg[10] as usize) << 8 | msg[11] as usize;
    let data = msg.get(12..12 + len).ok_or("compressed_certificate_message is truncated")?;
    let body = decompress(algorithm, data, expected)?;
    // The compressed bytes are the Certificate message's body (what follows its 4-byte
    // handshake header); be lenient with senders that compressed the header too.
    let message = if body.first() == Some(&11) && body.len() >= 4 && (body[1] as usize) << 16 | (body[2] as usize) << 8 | body[3] as usize == body.len() - 4 {
        body
    } else {
        let mut m = vec![11, (body.len() >> 16) as u8, (body.len() >> 8) as u8, body.len() as u8];
        m.extend_from_slice(&body);
        m
    };
    Ok(Some((algorithm, data.len(), message)))
}

/// Handshake messages one by one (4-byte header + body); an incomplete tail is the last item.
pub fn split_messages(mut bytes: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let len = match bytes.get(1..4) {
            Some(h) => 4 + ((h[0] as usize) << 16 | (h[1] as usize) << 8 | h[2] as usize),
            None => bytes.len(),
        };
        let (msg, rest) = bytes.split_at(len.min(bytes.len()));
        out.push(msg);
        bytes = rest;
    }
    out
}

/// Most bytes decompressed in one connection, all its CompressedCertificates together (a
/// certificate chain decompresses to tens of KB; each message may announce up to
/// `MAX_UNCOMPRESSED`, and a megabyte of input could hold thousands of them).
pub const INFLATE_BUDGET: usize = 4 * MAX_UNCOMPRESSED;

/// Why a CompressedCertificate past `INFLATE_BUDGET` is left compressed.
pub fn budget_spent() -> String {
    format!("this connection has already had {} KiB of certificates decompressed, the most TLS Lens inflates in one connection", INFLATE_BUDGET >> 10)
}

/// Notes for one decompression (`result`: the decompressed message's length, or why not).
pub fn note(algorithm: u16, compressed: usize, result: &Result<usize, String>) -> (NoteSeverity, TextRef) {
    match result {
        Ok(len) => (
            NoteSeverity::Info,
            TextRef::new("note.certcomp.ok").arg("algorithm", algorithm_name(algorithm)).arg("compressed", compressed.to_string()).arg("size", len.saturating_sub(4).to_string()),
        ),
        Err(e) => (NoteSeverity::Warning, TextRef::new("note.certcomp.bad").arg("why", e.clone())),
    }
}

/// A CompressedCertificate message the parser could read (not still encrypted).
fn readable(m: &crate::model::Message) -> bool {
    m.content_type == ct::HANDSHAKE && m.msg_type == Some(ht::COMPRESSED_CERTIFICATE) && !m.encrypted
}

/// Does the connection hold a CompressedCertificate to expand?
pub fn present(tls: &TlsConnection) -> bool {
    tls.messages.iter().any(readable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zlib_round_trip_and_length_check() {
        let body = b"\x00\x00\x00\x05hello".to_vec();
        let z = miniz_oxide::deflate::compress_to_vec_zlib(&body, 6);
        assert_eq!(decompress(1, &z, body.len()).unwrap(), body);
        assert!(decompress(1, &z, body.len() - 1).is_err(), "longer than announced");
        assert!(decompress(1, &z, body.len() + 1).is_err(), "shorter than announced");
        assert!(decompress(1, b"not zlib", 10).is_err());
        assert!(decompress(9, &z, body.len()).is_err());
        let mut msg = vec![25, 0, 0, 0, 0, 1, 0, 0, body.len() as u8, 0, 0, z.len() as u8];
        msg.extend_from_slice(&z);
        let n = msg.len() - 4;
        msg[1..4].copy_from_slice(&[(n >> 16) as u8, (n >> 8) as u8, n as u8]);
        let (alg, clen, cert) = certificate_message(&msg).unwrap().unwrap();
        assert_eq!((alg, clen), (1, z.len()));
        assert_eq!(cert[..4], [11, 0, 0, body.len() as u8]);
        assert_eq!(&cert[4..], &body[..]);
    }

    /// A zlib bomb: 16 MiB of zeros in about 16 KB, announced at its full size, and the same
    /// announced as 1 MiB (the limit): neither is inflated past the limit.
    #[test]
    fn a_compression_bomb_is_refused_before_it_inflates() {
        let zeros = vec![0u8; 16 << 20];
        let z = miniz_oxide::deflate::compress_to_vec_zlib(&zeros, 9);
        assert!(z.len() < 100_000, "{}", z.len());
        let e = decompress(1, &z, zeros.len() - 1).unwrap_err();
        assert!(e.len() < 200 && e.contains("more than the 1024 KiB"), "{}", &e[..e.len().min(200)]);
        let e = decompress(1, &z, MAX_UNCOMPRESSED).unwrap_err();
        assert!(e.len() < 200 && e.contains("more than 1048576"), "{}", &e[..e.len().min(200)]);
    }
}
