//! TLS 1.3 record protection (RFC 8446 §5.2, §5.3, §7.1, §7.3, §4.4.4): HKDF-Expand-Label,
//! traffic keys and IVs, per-record nonces, AEAD open, Finished verify_data, transcript hashes.

use aes_gcm::aead::{Aead as _, KeyInit, Payload};
use aes_gcm::{Aes128Gcm, Aes256Gcm};
use chacha20poly1305::ChaCha20Poly1305;
use hkdf::Hkdf;
use sha2::{Digest, Sha256, Sha384};

use super::prim::{ccm_open, nonce, MacHash};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hash {
    Sha256,
    Sha384,
}

impl Hash {
    pub fn len(self) -> usize {
        match self {
            Hash::Sha256 => 32,
            Hash::Sha384 => 48,
        }
    }

    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Hash::Sha256 => Sha256::digest(data).to_vec(),
            Hash::Sha384 => Sha384::digest(data).to_vec(),
        }
    }

    pub fn hmac(self, key: &[u8], data: &[u8]) -> Vec<u8> {
        let h = match self {
            Hash::Sha256 => MacHash::Sha256,
            Hash::Sha384 => MacHash::Sha384,
        };
        h.hmac(key, &[data])
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Aead {
    Aes128Gcm,
    Aes256Gcm,
    ChaCha20Poly1305,
    /// AES-128-CCM with a 16-byte tag, and with an 8-byte tag (RFC 8446 B.4, RFC 6655).
    Aes128Ccm,
    Aes128Ccm8,
}

/// A TLS 1.3 cipher suite this crate can decrypt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Suite {
    pub hash: Hash,
    pub aead: Aead,
}

impl Aead {
    /// The tag's length, and the stream cipher that encrypts under it.
    pub fn parts(self) -> (usize, super::recompute::Stream) {
        use super::recompute::Stream;
        match self {
            Aead::Aes128Gcm | Aead::Aes256Gcm => (16, Stream::Gcm),
            Aead::ChaCha20Poly1305 => (16, Stream::ChaCha20),
            Aead::Aes128Ccm => (16, Stream::Ccm),
            Aead::Aes128Ccm8 => (8, Stream::Ccm),
        }
    }
}

impl Suite {
    /// RFC 8446 Appendix B.4: all five TLS 1.3 suites.
    pub fn from_id(id: crate::code::CipherSuite) -> Option<Suite> {
        use crate::code::suite::*;
        match id {
            TLS_AES_128_GCM_SHA256 => Some(Suite { hash: Hash::Sha256, aead: Aead::Aes128Gcm }),
            TLS_AES_256_GCM_SHA384 => Some(Suite { hash: Hash::Sha384, aead: Aead::Aes256Gcm }),
            TLS_CHACHA20_POLY1305_SHA256 => Some(Suite { hash: Hash::Sha256, aead: Aead::ChaCha20Poly1305 }),
            TLS_AES_128_CCM_SHA256 => Some(Suite { hash: Hash::Sha256, aead: Aead::Aes128Ccm }),
            TLS_AES_128_CCM_8_SHA256 => Some(Suite { hash: Hash::Sha256, aead: Aead::Aes128Ccm8 }),
            _ => None,
        }
    }

    pub fn key_len(self) -> usize {
        match self.aead {
            Aead::Aes128Gcm | Aead::Aes128Ccm | Aead::Aes128Ccm8 => 16,
            Aead::Aes256Gcm | Aead::ChaCha20Poly1305 => 32,
        }
    }
}

/// The HkdfLabel structure (RFC 8446 §7.1): HKDF-Expand's info for HKDF-Expand-Label.
pub fn hkdf_label(label: &str, context: &[u8], len: usize) -> Vec<u8> {
    let full = format!("tls13 {label}");
    let mut info = Vec::with_capacity(4 + full.len() + context.len());
    info.extend_from_slice(&(len as u16).to_be_bytes());
    info.push(full.len() as u8);
    info.extend_from_slice(full.as_bytes());
    info.push(context.len() as u8);
    info.extend_from_slice(context);
    info
}

/// HKDF-Expand-Label(Secret, Label, Context, Length) (RFC 8446 §7.1).
pub fn expand_label(hash: Hash, secret: &[u8], label: &str, context: &[u8], len: usize) -> Vec<u8> {
    let info = hkdf_label(label, context, len);
    let mut out = vec![0u8; len];
    let ok = match hash {
        Hash::Sha256 => Hkdf::<Sha256>::from_prk(secret).ok().and_then(|h| h.expand(&info, &mut out).ok()),
        Hash::Sha384 => Hkdf::<Sha384>::from_prk(secret).ok().and_then(|h| h.expand(&info, &mut out).ok()),
    };
    // A secret shorter than the hash cannot be a PRK; give back zeros (nothing will decrypt).
    if ok.is_none() {
        out.iter_mut().for_each(|b| *b = 0);
    }
    out
}

/// A direction's traffic key and IV from its traffic secret (RFC 8446 §7.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrafficKeys {
    pub key: Vec<u8>,
    pub iv: Vec<u8>,
}

pub fn traffic_keys(suite: Suite, secret: &[u8]) -> TrafficKeys {
    TrafficKeys { key: expand_label(suite.hash, secret, "key", &[], suite.key_len()), iv: expand_label(suite.hash, secret, "iv", &[], 12) }
}

/// The next application traffic secret after a KeyUpdate (RFC 8446 §7.2).
pub fn next_secret(hash: Hash, secret: &[u8]) -> Vec<u8> {
    expand_label(hash, secret, "traffic upd", &[], hash.len())
}


/// Open one protected record: `header` is its 5-byte record header (the additional data),
/// `body` the ciphertext with the tag. None when authentication fails.
pub fn open(suite: Suite, keys: &TrafficKeys, seq: u64, header: &[u8], body: &[u8]) -> Option<Vec<u8>> {
    let n = nonce(&keys.iv, seq);
    let payload = Payload { msg: body, aad: header };
    match suite.aead {
        Aead::Aes128Gcm => Aes128Gcm::new_from_slice(&keys.key).ok()?.decrypt((&n).into(), payload).ok(),
        Aead::Aes256Gcm => Aes256Gcm::new_from_slice(&keys.key).ok()?.decrypt((&n).into(), payload).ok(),
        Aead::ChaCha20Poly1305 => ChaCha20Poly1305::new_from_slice(&keys.key).ok()?.decrypt((&n).into(), payload).ok(),
        Aead::Aes128Ccm => ccm_open(&keys.key, 16, &n, header, body),
        Aead::Aes128Ccm8 => ccm_open(&keys.key, 8, &n, header, body),
    }
}


/// TLSInnerPlaintext -> (content type, content): the zero padding is stripped and the last
/// non-zero byte is the real content type (RFC 8446 §5.2). None when it is all zeros.
pub fn inner(plain: &[u8]) -> Option<(crate::code::ContentType, &[u8])> {
    let end = plain.iter().rposition(|&b| b != 0)?;
    Some((crate::code::ContentType(plain[end]), &plain[..end]))
}

/// Finished.verify_data = HMAC(finished_key, Transcript-Hash(...)), with finished_key derived
/// from the sender's handshake traffic secret (RFC 8446 §4.4.4).
pub fn verify_data(hash: Hash, base_secret: &[u8], transcript_hash: &[u8]) -> Vec<u8> {
    let finished_key = expand_label(hash, base_secret, "finished", &[], hash.len());
    hash.hmac(&finished_key, transcript_hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    /// RFC 8448 §3: the server handshake traffic secret gives key 3fce5160... and iv 5d313eb2...
    #[test]
    fn rfc8448_handshake_keys() {
        let suite = Suite::from_id(crate::code::CipherSuite(0x1301)).unwrap();
        let s = unhex("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38");
        let k = traffic_keys(suite, &s);
        assert_eq!(k.key, unhex("3fce516009c21727d0f2e4e86ee403bc"));
        assert_eq!(k.iv, unhex("5d313eb2671276ee13000b30"));
        let c = traffic_keys(suite, &unhex("b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21"));
        assert_eq!(c.key, unhex("dbfaa693d1762c5b666af5d950258d01"));
        assert_eq!(c.iv, unhex("5bd3c71b836e0b76bb73265f"));
    }

    #[test]
    fn inner_plaintext() {
        assert_eq!(inner(&[1, 2, 22, 0, 0]), Some((crate::code::ct::HANDSHAKE, &[1u8, 2][..])));
        assert_eq!(inner(&[0, 0]), None);
        assert_eq!(nonce(&[0; 12], 1)[11], 1);
    }
}
