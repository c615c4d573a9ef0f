//! Reproduce it yourself (issue 21, part 1): for each value of the key schedule, an OpenSSL 3
//! command a reader can paste to compute it again from the values shown. They print the same
//! bytes as the hex shown, as `openssl kdf` (colon-separated upper-case hex, `A3:3A:…`) or
//! `openssl mac` (upper-case hex) write them, or as lower-case hex through `xxd -p`.
//!
//! TLS 1.3 (RFC 8446 §7.1): HKDF-Expand-Label(Secret, Label, Context, Length) is HKDF-Expand
//! with info = HkdfLabel { uint16 length; opaque label<7..255> = "tls13 " + Label; opaque
//! context<0..255> }, i.e. `openssl kdf … -kdfopt mode:EXPAND_ONLY -kdfopt hexkey:SECRET
//! -kdfopt hexinfo:HKDFLABEL HKDF`. TLS 1.0–1.2 (RFC 5246 §5, RFC 2246 §5): the PRF with its
//! label in front of the seed, `openssl kdf … TLS1-PRF` (digest MD5-SHA1 for TLS 1.0 and 1.1).

use super::prim::MacHash;
use super::tls13::Hash;
use crate::reader::hexs;

fn digest_name(h: Hash) -> &'static str {
    match h {
        Hash::Sha256 => "SHA2-256",
        Hash::Sha384 => "SHA2-384",
    }
}

/// The command that prints HKDF-Expand-Label(`secret`, `label`, `context`, `len`).
pub fn expand_label(h: Hash, secret: &[u8], label: &str, context: &[u8], len: usize) -> String {
    let info = super::tls13::hkdf_label(label, context, len);
    format!("openssl kdf -keylen {len} -kdfopt digest:{} -kdfopt mode:EXPAND_ONLY -kdfopt hexkey:{} -kdfopt hexinfo:{} HKDF", digest_name(h), hexs(secret), hexs(&info))
}

/// The command that prints the TLS PRF of `version` (`h`: its hash from TLS 1.2 on) over
/// `secret`, `label` and `seed`, `len` bytes.
pub fn prf(version: u16, h: MacHash, secret: &[u8], label: &str, seed: &[u8], len: usize) -> String {
    let d = match (version < 0x0303, h) {
        (true, _) => "MD5-SHA1",
        (_, MacHash::Sha384) => "SHA2-384",
        _ => "SHA2-256",
    };
    let mut s = label.as_bytes().to_vec();
    s.extend_from_slice(seed);
    format!("openssl kdf -keylen {len} -kdfopt digest:{d} -kdfopt hexsecret:{} -kdfopt hexseed:{} TLS1-PRF", hexs(secret), hexs(&s))
}

/// Bytes given as hex on the command line, into a pipe.
fn bytes_in(data: &[u8]) -> String {
    format!("printf %s {} | xxd -r -p", hexs(data))
}

/// The command that hashes `data` with each of `algos` (openssl dgst names: "sha256", "md5"),
/// the hashes side by side, printed as hex.
pub fn digest(algos: &[&str], data: &[u8]) -> String {
    let one = |a: &str| format!("{} | openssl dgst -{a} -binary", bytes_in(data));
    let all = match algos {
        [a] => one(a),
        _ => format!("{{ {}; }}", algos.iter().map(|a| one(a)).collect::<Vec<_>>().join("; ")),
    };
    format!("{all} | xxd -p | tr -d '\\n'")
}

/// The command that prints HMAC(`key`, `data`) with the hash of `h` (as upper-case hex).
pub fn hmac(h: Hash, key: &[u8], data: &[u8]) -> String {
    format!("{} | openssl mac -digest {} -macopt hexkey:{} HMAC", bytes_in(data), digest_name(h), hexs(key))
}

/// The stream cipher under an AEAD, which decrypts a record's ciphertext (its tag left off):
/// AES-GCM encrypts with AES-CTR from counter block nonce‖00000002 (NIST SP 800-38D §7.1: J0 =
/// nonce‖00000001 encrypts the tag), AES-CCM with AES-CTR from flags 02‖nonce‖000001 (RFC 3610
/// §2.3, a 12-byte nonce leaves 3 bytes of counter), ChaCha20-Poly1305 with ChaCha20 from block
/// counter 1 (RFC 8439 §2.8; OpenSSL's IV is the 4-byte little-endian counter, then the nonce).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Gcm,
    Ccm,
    ChaCha20,
}

/// The command that decrypts `ciphertext` with `key` and `nonce` and prints the plaintext as hex
/// (the tag is not checked: TLS Lens checked it).
pub fn open_record(stream: Stream, key: &[u8], nonce: &[u8], ciphertext: &[u8]) -> String {
    let (cipher, iv) = match stream {
        Stream::Gcm => (format!("aes-{}-ctr", key.len() * 8), format!("{}00000002", hexs(nonce))),
        Stream::Ccm => (format!("aes-{}-ctr", key.len() * 8), format!("02{}000001", hexs(nonce))),
        Stream::ChaCha20 => ("chacha20".to_string(), format!("01000000{}", hexs(nonce))),
    };
    format!("{} | openssl enc -d -{cipher} -K {} -iv {iv} | xxd -p | tr -d '\\n'", bytes_in(ciphertext), hexs(key))
}
