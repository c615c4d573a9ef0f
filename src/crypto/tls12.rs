//! TLS 1.0–1.2 record protection with a master secret from the key log (CLIENT_RANDOM): the
//! PRF (RFC 5246 §5; RFC 2246 §5 for 1.0/1.1), the key block (§6.3), opening AES-GCM
//! (RFC 5288), ChaCha20-Poly1305 (RFC 7905) and AES-CBC + HMAC records (§6.2.3.2, both
//! MAC-then-encrypt and encrypt_then_mac, RFC 7366), and Finished verify_data (§7.4.9).

use aes::cipher::{block_padding::NoPadding, BlockDecryptMut, KeyIvInit};
use aes_gcm::aead::{Aead as _, KeyInit, Payload};
use aes_gcm::{Aes128Gcm, Aes256Gcm};
use chacha20poly1305::ChaCha20Poly1305;

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha384};

pub use super::prim::MacHash;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cipher {
    AesGcm,
    ChaCha20Poly1305,
    AesCbc(MacHash),
    /// AES-CCM with this tag length (16, or 8 for the _CCM_8 suites; RFC 6655, RFC 7251).
    AesCcm(usize),
}

/// What decrypting a TLS 1.2 suite takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Suite {
    pub cipher: Cipher,
    pub key_len: usize,
    /// Hash of the TLS 1.2 PRF (SHA-256 unless the suite says SHA384).
    pub prf: MacHash,
}

impl Suite {
    /// From the suite's code point (tls-parser's table): AES (GCM, CCM, CBC) and
    /// ChaCha20-Poly1305 suites; None for others.
    pub fn from_id(id: crate::code::CipherSuite) -> Option<Suite> {
        use crate::registry::{TlsCipherEnc as Enc, TlsCipherEncMode as Mode, TlsCipherMac as Mac};
        let c = crate::registry::suite_crypto(id)?;
        let prf = if c.prf_sha384 { MacHash::Sha384 } else { MacHash::Sha256 };
        let cipher = match (c.enc, c.mode) {
            (Enc::Aes, Mode::Gcm) => Cipher::AesGcm,
            (Enc::Aes, Mode::Ccm) => Cipher::AesCcm(c.tag_len),
            (Enc::Chacha20_Poly1305, _) => Cipher::ChaCha20Poly1305,
            (Enc::Aes, Mode::Cbc) => Cipher::AesCbc(match c.mac {
                Mac::HmacSha1 => MacHash::Sha1,
                Mac::HmacSha256 => MacHash::Sha256,
                Mac::HmacSha384 => MacHash::Sha384,
                _ => return None,
            }),
            _ => return None,
        };
        // ChaCha20 keys are 32 bytes (RFC 7539; the table gives its strength, not its key).
        let key_len = match (cipher, c.key_len) {
            (Cipher::ChaCha20Poly1305, _) => 32,
            (_, 16 | 32) => c.key_len,
            _ => return None,
        };
        Some(Suite { cipher, key_len, prf })
    }

    pub(crate) fn mac_len(self) -> usize {
        match self.cipher {
            Cipher::AesCbc(h) => h.len(),
            _ => 0,
        }
    }

    /// Implicit IV bytes from the key block: the 4-byte GCM salt, the 12-byte ChaCha20 IV,
    /// the CBC IV (used only by TLS 1.0, whose IVs chain from record to record).
    pub(crate) fn iv_len(self) -> usize {
        match self.cipher {
            Cipher::AesGcm | Cipher::AesCcm(_) => 4,
            Cipher::ChaCha20Poly1305 => 12,
            Cipher::AesCbc(_) => 16,
        }
    }
}

fn p_hash(h: MacHash, secret: &[u8], seed: &[u8], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + h.len());
    let mut a = h.hmac(secret, &[seed]);
    while out.len() < len {
        out.extend(h.hmac(secret, &[&a, seed]));
        a = h.hmac(secret, &[&a]);
    }
    out.truncate(len);
    out
}

/// PRF(secret, label, seed): P_hash in TLS 1.2; P_MD5 XOR P_SHA1 over the two halves of the
/// secret in TLS 1.0 and 1.1.
pub fn prf(version: u16, h: MacHash, secret: &[u8], label: &str, seed: &[u8], len: usize) -> Vec<u8> {
    let mut s = label.as_bytes().to_vec();
    s.extend_from_slice(seed);
    if version >= 0x0303 {
        return p_hash(h, secret, &s, len);
    }
    let half = secret.len().div_ceil(2);
    let (s1, s2) = (&secret[..half], &secret[secret.len() - half..]);
    let a = p_hash(MacHash::Md5, s1, &s, len);
    let b = p_hash(MacHash::Sha1, s2, &s, len);
    a.iter().zip(b).map(|(x, y)| x ^ y).collect()
}

/// One direction's keys from the key block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirKeys {
    pub mac_key: Vec<u8>,
    pub key: Vec<u8>,
    pub iv: Vec<u8>,
}

/// key_block = PRF(master_secret, "key expansion", server_random + client_random), cut into
/// client/server MAC keys, encryption keys and IVs (RFC 5246 §6.3). Returns (client, server).
pub fn key_block(version: u16, suite: Suite, master: &[u8], client_random: &[u8], server_random: &[u8]) -> (DirKeys, DirKeys) {
    let (m, k, i) = (suite.mac_len(), suite.key_len, suite.iv_len());
    let seed = [server_random, client_random].concat();
    let kb = prf(version, suite.prf, master, "key expansion", &seed, 2 * (m + k + i));
    let part = |n: usize, at: &mut usize| {
        let v = kb[*at..*at + n].to_vec();
        *at += n;
        v
    };
    let mut at = 0;
    let (cm, sm) = (part(m, &mut at), part(m, &mut at));
    let (ck, sk) = (part(k, &mut at), part(k, &mut at));
    let (ci, si) = (part(i, &mut at), part(i, &mut at));
    (DirKeys { mac_key: cm, key: ck, iv: ci }, DirKeys { mac_key: sm, key: sk, iv: si })
}

/// An AEAD record's nonce and ciphertext (its tag and explicit nonce left off), and the stream
/// cipher under its AEAD, to decrypt it again by hand: AES-GCM and AES-CCM take a 4-byte salt
/// from the key block and the record's 8-byte explicit nonce (RFC 5288 §3, RFC 6655 §3);
/// ChaCha20-Poly1305 XORs the sequence number into its 12-byte IV (RFC 7905 §2). None for CBC.
pub fn by_hand(suite: Suite, keys: &DirKeys, seq: u64, body: &[u8]) -> Option<(Vec<u8>, Vec<u8>, super::recompute::Stream)> {
    use super::recompute::Stream;
    let (tag, stream) = match suite.cipher {
        Cipher::AesGcm => (16, Stream::Gcm),
        Cipher::AesCcm(tag) => (tag, Stream::Ccm),
        Cipher::ChaCha20Poly1305 => (16, Stream::ChaCha20),
        Cipher::AesCbc(_) => return None,
    };
    let (nonce, ct) = match stream {
        Stream::ChaCha20 => (super::prim::nonce(&keys.iv, seq).to_vec(), body),
        _ => ([&keys.iv[..], body.get(..8)?].concat(), body.get(8..)?),
    };
    Some((nonce, ct.get(..ct.len().checked_sub(tag)?)?.to_vec(), stream))
}

/// Open one protected record (content type `t`, record `version`, `body` as on the wire) with
/// sequence number `seq`. `etm`: encrypt_then_mac was negotiated. `chain_iv`: TLS 1.0's
/// running CBC IV, updated. None when the tag, padding or MAC does not check out.
#[allow(clippy::too_many_arguments)]
pub fn open(suite: Suite, keys: &DirKeys, seq: u64, t: u8, version: u16, body: &[u8], etm: bool, chain_iv: &mut Vec<u8>) -> Option<Vec<u8>> {
    let ad = |len: usize| -> Vec<u8> {
        let mut a = seq.to_be_bytes().to_vec();
        a.push(t);
        a.extend_from_slice(&version.to_be_bytes());
        a.extend_from_slice(&(len as u16).to_be_bytes());
        a
    };
    match suite.cipher {
        Cipher::AesGcm => {
            let (explicit, ct) = (body.get(..8)?, body.get(8..)?);
            let plain_len = ct.len().checked_sub(16)?;
            let nonce: Vec<u8> = [&keys.iv[..], explicit].concat();
            let aad = ad(plain_len);
            let payload = Payload { msg: ct, aad: &aad };
            match suite.key_len {
                16 => Aes128Gcm::new_from_slice(&keys.key).ok()?.decrypt(nonce[..].into(), payload).ok(),
                _ => Aes256Gcm::new_from_slice(&keys.key).ok()?.decrypt(nonce[..].into(), payload).ok(),
            }
        }
        Cipher::AesCcm(tag) => {
            // As GCM: a 4-byte salt from the key block and an 8-byte explicit nonce (RFC 6655 §3).
            let (explicit, ct) = (body.get(..8)?, body.get(8..)?);
            let plain_len = ct.len().checked_sub(tag)?;
            let nonce: Vec<u8> = [&keys.iv[..], explicit].concat();
            super::prim::ccm_open(&keys.key, tag, &nonce, &ad(plain_len), ct)
        }
        Cipher::ChaCha20Poly1305 => {
            let plain_len = body.len().checked_sub(16)?;
            let nonce = super::prim::nonce(&keys.iv, seq);
            let aad = ad(plain_len);
            ChaCha20Poly1305::new_from_slice(&keys.key).ok()?.decrypt((&nonce).into(), Payload { msg: body, aad: &aad }).ok()
        }
        Cipher::AesCbc(h) => {
            let ml = h.len();
            let explicit_iv = version >= 0x0302;
            let mut ct = body;
            if etm {
                // MAC over the IV and ciphertext, checked before decrypting (RFC 7366).
                let n = body.len().checked_sub(ml)?;
                let (enc, mac) = body.split_at(n);
                if h.hmac(&keys.mac_key, &[&ad(enc.len()), enc]) != mac {
                    return None;
                }
                ct = enc;
            }
            let (iv, data) = if explicit_iv { (ct.get(..16)?.to_vec(), ct.get(16..)?) } else { (chain_iv.clone(), ct) };
            if data.is_empty() || data.len() % 16 != 0 || iv.len() != 16 {
                return None;
            }
            let mut buf = data.to_vec();
            let ok = match suite.key_len {
                16 => cbc::Decryptor::<aes::Aes128>::new_from_slices(&keys.key, &iv).ok()?.decrypt_padded_mut::<NoPadding>(&mut buf).is_ok(),
                _ => cbc::Decryptor::<aes::Aes256>::new_from_slices(&keys.key, &iv).ok()?.decrypt_padded_mut::<NoPadding>(&mut buf).is_ok(),
            };
            if !ok {
                return None;
            }
            if !explicit_iv {
                *chain_iv = data[data.len() - 16..].to_vec();
            }
            // Padding: pad_len + 1 bytes, all equal to pad_len.
            let pad = *buf.last()? as usize;
            let body_len = buf.len().checked_sub(pad + 1)?;
            if buf[body_len..].iter().any(|&b| b as usize != pad) {
                return None;
            }
            buf.truncate(body_len);
            if etm {
                return Some(buf);
            }
            let n = buf.len().checked_sub(ml)?;
            let (content, mac) = buf.split_at(n);
            if h.hmac(&keys.mac_key, &[&ad(content.len()), content]) != mac {
                return None;
            }
            Some(content.to_vec())
        }
    }
}

/// Finished.verify_data = PRF(master_secret, "client finished" | "server finished",
/// Hash(handshake_messages))[0..12]; MD5 + SHA-1 of the messages before TLS 1.2.
pub fn verify_data(version: u16, prf_hash: MacHash, master: &[u8], client: bool, transcript: &[u8]) -> Vec<u8> {
    let label = if client { "client finished" } else { "server finished" };
    prf(version, prf_hash, master, label, &finished_hash(version, prf_hash, transcript), 12)
}

/// The hash of the handshake messages a Finished covers: the PRF's hash from TLS 1.2 on, MD5
/// and SHA-1 side by side before (RFC 5246 §7.4.9, RFC 2246 §7.4.9).
pub fn finished_hash(version: u16, prf_hash: MacHash, transcript: &[u8]) -> Vec<u8> {
    if version >= 0x0303 {
        match prf_hash {
            MacHash::Sha384 => Sha384::digest(transcript).to_vec(),
            _ => Sha256::digest(transcript).to_vec(),
        }
    } else {
        [Md5::digest(transcript).to_vec(), Sha1::digest(transcript).to_vec()].concat()
    }
}

#[cfg(test)]
mod tests {
    /// The code-point rule gives what the IANA names say, for every suite in the table.
    #[test]
    fn suites_follow_their_names() {
        for id in 0..=0xffffu16 {
            let name = crate::registry::cipher_suite_name(id);
            let key_len = if name.contains("AES_128") {
                16
            } else if name.contains("AES_256") || name.contains("CHACHA20") {
                32
            } else {
                assert!(Suite::from_id(crate::code::CipherSuite(id)).is_none() || name.contains("CHACHA20"), "{name}");
                continue;
            };
            let Some(s) = Suite::from_id(crate::code::CipherSuite(id)) else {
                assert!(!name.contains("_GCM") && !name.contains("CCM") && !name.contains("CBC_SHA"), "{name} not decryptable");
                continue;
            };
            assert_eq!(s.key_len, key_len, "{name}");
            assert_eq!(s.prf == MacHash::Sha384, name.ends_with("SHA384"), "{name}");
            let want = if name.contains("_GCM_") {
                Cipher::AesGcm
            } else if name.contains("CCM_8") {
                Cipher::AesCcm(8)
            } else if name.contains("_CCM") {
                Cipher::AesCcm(16)
            } else if name.contains("CHACHA20_POLY1305") {
                Cipher::ChaCha20Poly1305
            } else if name.ends_with("_SHA") {
                Cipher::AesCbc(MacHash::Sha1)
            } else if name.ends_with("_SHA256") {
                Cipher::AesCbc(MacHash::Sha256)
            } else {
                Cipher::AesCbc(MacHash::Sha384)
            };
            assert_eq!(s.cipher, want, "{name}");
        }
    }

    use super::*;

    /// The TLS 1.2 PRF test vectors from the IETF TLS list (msg03416), used by BearSSL,
    /// Bouncy Castle and others: P_SHA256 (100 bytes) and P_SHA384 (first 16 bytes).
    #[test]
    fn prf_vectors() {
        let unhex = |s: &str| (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect::<Vec<u8>>();
        let out = prf(0x0303, MacHash::Sha256, &unhex("9bbe436ba940f017b17652849a71db35"), "test label", &unhex("a0ba9f936cda311827a6f796ffd5198c"), 100);
        let want = "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66";
        assert_eq!(out, unhex(want));
        let out = prf(0x0303, MacHash::Sha384, &unhex("b80b733d6ceefcdc71566ea48e5567df"), "test label", &unhex("cd665cf6a8447dd6ff8b27555edb7465"), 16);
        assert_eq!(out, unhex("7b0c18e9ced410ed1804f2cfa34a336a"));
        // TLS 1.0/1.1: P_MD5 XOR P_SHA1 over the halves of the secret (RFC 2246 §5), the same
        // inputs; expected value from Python's hmac module.
        let out = prf(0x0301, MacHash::Sha256, &unhex("9bbe436ba940f017b17652849a71db35"), "test label", &unhex("a0ba9f936cda311827a6f796ffd5198c"), 32);
        assert_eq!(out, unhex("661740e6f98bc901efd2738502a71c03f76dd2f86298549b1148eff06714cf0f"));
    }

    #[test]
    fn suites() {
        assert_eq!(Suite::from_id(crate::code::CipherSuite(0xc02f)).map(|s| (s.cipher, s.key_len)), Some((Cipher::AesGcm, 16)));
        assert_eq!(Suite::from_id(crate::code::CipherSuite(0xc013)).map(|s| s.cipher), Some(Cipher::AesCbc(MacHash::Sha1)));
        assert_eq!(Suite::from_id(crate::code::CipherSuite(0xcca8)).map(|s| s.cipher), Some(Cipher::ChaCha20Poly1305));
        assert_eq!(Suite::from_id(crate::code::CipherSuite(0x000a)), None, "3DES is not decrypted");
    }
}
