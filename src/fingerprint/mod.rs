//! Client fingerprints: JA3 (Salesforce, string and MD5) and JA4 (FoxIO, BSD-3-Clause: the
//! TLS client fingerprint only; the JA4+ family is under another licence and left out).
//!
//! JA4 = a_b_c (technical_details/JA4.md): a = transport ("t" TCP, "q" QUIC, "d" DTLS), the
//! version (highest supported_versions entry, else the ClientHello version), "d" with SNI or
//! "i" without, the cipher and extension counts (GREASE left out, at most 99) and the first
//! and last character of the first ALPN value ("00" without); b = the first 12 hex digits of
//! SHA-256 over the sorted cipher list; c = the same over the sorted extensions without SNI and
//! ALPN, "_", the signature algorithms in their order. `_r` is the raw (unhashed) form, `_o`
//! keeps the original order (SNI and ALPN included).

pub mod diff;

use md5::Md5;
use sha2::{Digest, Sha256};

use crate::model::{Ja3Parts, Ja4Parts};
use crate::registry::is_grease;
use crate::tls::ClientHelloInfo;

/// JA3 string: SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats, in
/// decimal, values joined by '-', GREASE left out.
pub fn ja3_string(ch: &ClientHelloInfo) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(16 + 6 * (ch.cipher_suites.len() + ch.ext.types.len() + ch.ext.groups.len()));
    let _ = write!(s, "{}", ch.legacy_version);
    let mut list = |values: &mut dyn Iterator<Item = u16>| {
        s.push(',');
        for (i, v) in values.enumerate() {
            let _ = write!(s, "{}{v}", if i == 0 { "" } else { "-" });
        }
    };
    list(&mut ch.cipher_suites.iter().map(|x| x.0).filter(|&x| !is_grease(x)));
    list(&mut ch.ext.types.iter().map(|x| x.0).filter(|&x| !is_grease(x)));
    list(&mut ch.ext.groups.iter().map(|x| x.0).filter(|&x| !is_grease(x)));
    list(&mut ch.ext.ec_point_formats.iter().map(|&x| u16::from(x)));
    s
}

/// The five lists of a JA3 string.
pub fn ja3_parts(ja3: &str) -> Ja3Parts {
    let mut p = ja3.splitn(5, ',').map(str::to_string);
    let mut next = || p.next().unwrap_or_default();
    Ja3Parts { version: next(), ciphers: next(), extensions: next(), groups: next(), point_formats: next() }
}

pub fn md5_hex(b: &[u8]) -> String {
    crate::reader::hexs(&Md5::digest(b))
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ja4 {
    pub ja4: String,
    pub ja4_r: String,
    pub ja4_o: String,
    pub ja4_ro: String,
    pub parts: Ja4Parts,
}

fn version_code(v: u16) -> &'static str {
    match v {
        0x0304 => "13",
        0x0303 => "12",
        0x0302 => "11",
        0x0301 => "10",
        0x0300 => "s3",
        0x0002 => "s2",
        0xfeff => "d1",
        0xfefd => "d2",
        0xfefc => "d3",
        _ => "00",
    }
}

/// First and last character of the first ALPN value; "00" without one. FoxIO's ja4 tools (at
/// the corpus snapshot) write "99" when either byte is not ASCII; other bytes that are not
/// letters or digits give the first and last hex digit of the value (JA4.md), so that "_" can
/// never break the a_b_c format.
fn alpn_code(first: Option<&[u8]>) -> String {
    match first {
        None | Some([]) => "00".into(),
        Some(b) => {
            let (f, l) = (b[0], b[b.len() - 1]);
            if !f.is_ascii() || !l.is_ascii() {
                "99".into()
            } else if !f.is_ascii_alphanumeric() || !l.is_ascii_alphanumeric() {
                let h = crate::reader::hexs(b);
                format!("{}{}", &h[..1], &h[h.len() - 1..])
            } else {
                format!("{}{}", f as char, l as char)
            }
        }
    }
}

/// 4-digit lowercase hex values joined by ",".
fn hex_list(v: &[u16]) -> String {
    let mut s = String::with_capacity(v.len() * 5);
    for (i, x) in v.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        for shift in [12, 8, 4, 0] {
            s.push(char::from_digit(u32::from((x >> shift) & 15), 16).unwrap_or('0'));
        }
    }
    s
}

fn hash12(s: &str) -> String {
    if s.is_empty() {
        return "000000000000".into();
    }
    crate::reader::hexs(&Sha256::digest(s.as_bytes()))[..12].to_string()
}

/// JA4 of a ClientHello sent over `transport` ('t', 'q' or 'd').
pub fn ja4(ch: &ClientHelloInfo, transport: char) -> Ja4 {
    let ciphers: Vec<u16> = ch.cipher_suites.iter().map(|c| c.0).filter(|&c| !is_grease(c)).collect();
    let exts: Vec<u16> = ch.ext.types.iter().map(|e| e.0).filter(|&e| !is_grease(e)).collect();
    let version = ch.ext.supported_versions.iter().copied().filter(|&v| !is_grease(v)).max().unwrap_or(ch.legacy_version);
    let mut parts = Ja4Parts {
        transport: transport.to_string(),
        version: version_code(version).into(),
        version_from: if ch.ext.supported_versions.iter().any(|&v| !is_grease(v)) { "supported_versions" } else { "legacy_version" }.into(),
        sni: if exts.contains(&0) { "d" } else { "i" }.into(),
        ciphers: format!("{:02}", ciphers.len().min(99)),
        extensions: format!("{:02}", exts.len().min(99)),
        alpn: alpn_code(ch.ext.alpn_first.as_deref()),
        ..Default::default()
    };
    let a = format!("{}{}{}{}{}{}", parts.transport, parts.version, parts.sni, parts.ciphers, parts.extensions, parts.alpn);
    let sigs = hex_list(&ch.ext.signature_algorithms.iter().map(|s| s.0).filter(|&s| !is_grease(s)).collect::<Vec<_>>());
    let with_sigs = |e: String| if sigs.is_empty() || e.is_empty() { e } else { format!("{e}_{sigs}") };
    let mut sorted_c = ciphers.clone();
    sorted_c.sort_unstable();
    let mut sorted_e: Vec<u16> = exts.iter().copied().filter(|&e| e != 0 && e != 0x10).collect();
    sorted_e.sort_unstable();
    let (b, c) = (hex_list(&sorted_c), with_sigs(hex_list(&sorted_e)));
    let (bo, co) = (hex_list(&ciphers), with_sigs(hex_list(&exts)));
    parts.cipher_hash = hash12(&b);
    parts.extension_hash = if sorted_e.is_empty() { "000000000000".into() } else { hash12(&c) };
    Ja4 {
        ja4: format!("{a}_{}_{}", parts.cipher_hash, parts.extension_hash),
        ja4_r: format!("{a}_{b}_{c}"),
        ja4_o: format!("{a}_{}_{}", hash12(&bo), if exts.is_empty() { "000000000000".into() } else { hash12(&co) }),
        ja4_ro: format!("{a}_{bo}_{co}"),
        parts: Ja4Parts { cipher_list: b, extension_list: c, ..parts },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked example of FoxIO's JA4.md (a Chrome ClientHello).
    #[test]
    fn foxio_example() {
        let mut ch = ClientHelloInfo { legacy_version: 0x0303, ..Default::default() };
        ch.cipher_suites = [0x0a0a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035].into_iter().map(crate::code::CipherSuite).collect();
        ch.ext.types = [0x1a1a, 0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d, 0x0005, 0x0023, 0x0012, 0x002b, 0xff01, 0x000b, 0x000a, 0x0015].into_iter().map(crate::code::ExtensionType).collect();
        ch.ext.signature_algorithms = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601].into_iter().map(crate::code::SignatureScheme).collect();
        ch.ext.supported_versions = vec![0x2a2a, 0x0304, 0x0303];
        ch.ext.alpn_first = Some(b"h2".to_vec());
        let j = ja4(&ch, 't');
        assert_eq!(j.ja4, "t13d1516h2_8daaf6152771_e5627efa2ab1");
        let p = &j.parts;
        assert_eq!((p.transport.as_str(), p.version.as_str(), p.sni.as_str(), p.ciphers.as_str(), p.extensions.as_str(), p.alpn.as_str()), ("t", "13", "d", "15", "16", "h2"));
        assert_eq!((p.cipher_hash.as_str(), p.extension_hash.as_str(), p.version_from.as_str()), ("8daaf6152771", "e5627efa2ab1", "supported_versions"));
        assert_eq!(format!("{}{}{}{}{}{}_{}_{}", p.transport, p.version, p.sni, p.ciphers, p.extensions, p.alpn, p.cipher_list, p.extension_list), j.ja4_r);
        assert_eq!(j.ja4_r, "t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601");
        assert_eq!(j.ja4_o, "t13d1516h2_acb858a92679_18f69afefd3d");
        assert_eq!(
            j.ja4_ro,
            "t13d1516h2_1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035_001b,0000,0033,0010,4469,0017,002d,000d,0005,0023,0012,002b,ff01,000b,000a,0015_0403,0804,0401,0503,0805,0501,0806,0601"
        );
        // Without signature algorithms the extension list is hashed alone (JA4.md).
        ch.ext.signature_algorithms.clear();
        assert!(ja4(&ch, 't').ja4.ends_with("_6d807ffa2a79"));
        assert_eq!(alpn_code(Some(b"http/1.1")), "h1");
        // "_x" (0x5f 0x78): not alphanumeric, so the first and last hex digit (JA4.md).
        assert_eq!(alpn_code(Some(b"_x")), "58");
        assert_eq!(alpn_code(None), "00");
    }
}
