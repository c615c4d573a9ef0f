//! Primitives the TLS 1.0-1.2 and TLS 1.3 record protections share: HMAC with a suite's hash,
//! the per-record AEAD nonce, AES-CCM.

use hmac::{Hmac, Mac};
use md5::Md5;
use sha1::Sha1;
use sha2::{Sha256, Sha384};
use aes_gcm::aead::{Aead as _, KeyInit, Payload};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MacHash {
    /// Only inside the TLS 1.0/1.1 PRF.
    Md5,
    Sha1,
    Sha256,
    Sha384,
}

impl MacHash {
    pub fn len(self) -> usize {
        match self {
            MacHash::Md5 => 16,
            MacHash::Sha1 => 20,
            MacHash::Sha256 => 32,
            MacHash::Sha384 => 48,
        }
    }

    pub fn hmac(self, key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
        macro_rules! run {
            ($h:ty) => {{
                // HMAC takes keys of any length: the error case cannot happen.
                let Ok(mut m) = <Hmac<$h> as Mac>::new_from_slice(key) else { return vec![0; self.len()] };
                for p in parts {
                    m.update(p);
                }
                m.finalize().into_bytes().to_vec()
            }};
        }
        match self {
            MacHash::Md5 => run!(Md5),
            MacHash::Sha1 => run!(Sha1),
            MacHash::Sha256 => run!(Sha256),
            MacHash::Sha384 => run!(Sha384),
        }
    }
}


/// Per-record nonce: the IV XOR the 64-bit sequence number, left-padded (RFC 8446 §5.3).
pub fn nonce(iv: &[u8], seq: u64) -> [u8; 12] {
    let mut n = [0u8; 12];
    n.copy_from_slice(&iv[..12]);
    for (i, b) in seq.to_be_bytes().iter().enumerate() {
        n[4 + i] ^= b;
    }
    n
}

/// AES-CCM open with a 12-byte nonce, an AES-128 or AES-256 key and a 16- or 8-byte tag
/// (RFC 3610; TLS: RFC 6655, RFC 8446 B.4).
pub fn ccm_open(key: &[u8], tag: usize, nonce: &[u8], aad: &[u8], body: &[u8]) -> Option<Vec<u8>> {
    use ccm::consts::{U12, U16, U8};
    use ccm::Ccm;
    let nonce: &[u8; 12] = nonce.try_into().ok()?;
    let payload = Payload { msg: body, aad };
    match (key.len(), tag) {
        (16, 16) => Ccm::<aes::Aes128, U16, U12>::new_from_slice(key).ok()?.decrypt(nonce.into(), payload).ok(),
        (16, 8) => Ccm::<aes::Aes128, U8, U12>::new_from_slice(key).ok()?.decrypt(nonce.into(), payload).ok(),
        (32, 16) => Ccm::<aes::Aes256, U16, U12>::new_from_slice(key).ok()?.decrypt(nonce.into(), payload).ok(),
        (32, 8) => Ccm::<aes::Aes256, U8, U12>::new_from_slice(key).ok()?.decrypt(nonce.into(), payload).ok(),
        _ => None,
    }
}
