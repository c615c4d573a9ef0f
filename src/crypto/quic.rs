//! QUIC packet protection (RFC 9001 §5; QUIC version 2: RFC 9369 §3.3): Initial secrets from
//! the client's Destination Connection ID, packet keys from any traffic secret, header
//! protection masks (AES-ECB or ChaCha20) and AEAD open with the packet number as nonce.

use aes::cipher::{BlockEncrypt, KeyInit as _};
use chacha20::cipher::{KeyIvInit, StreamCipher, StreamCipherSeek};
use hkdf::Hkdf;
use sha2::Sha256;

use super::tls13::{self, Aead, Hash, Suite, TrafficKeys};

/// A QUIC version whose Initial protection this crate knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Version {
    pub number: u32,
    pub salt: [u8; 20],
    /// "quic" (v1 and drafts) or "quicv2" (RFC 9369 §3.3.2): the prefix of the key, iv and hp labels.
    pub label: &'static str,
    /// Long header packet types are renumbered in v2 (RFC 9369 §3.2).
    pub v2: bool,
}

const SALT_V1: [u8; 20] = hex20("38762cf7f55934b34d179ae6a4c80cadccbb7f0a");
const SALT_V2: [u8; 20] = hex20("0dede3def700a6db819381be6e269dcbf9bd2ed9");
const SALT_DRAFT29: [u8; 20] = hex20("afbfec289993d24c9e9786f19c6111e04390a899");
const SALT_DRAFT23: [u8; 20] = hex20("c3eef712c72ebb5a11a7d2432bb46365bef9f502");

const fn hex20(s: &str) -> [u8; 20] {
    let b = s.as_bytes();
    let mut out = [0u8; 20];
    let mut i = 0;
    while i < 20 {
        out[i] = (nibble(b[2 * i]) << 4) | nibble(b[2 * i + 1]);
        i += 1;
    }
    out
}

const fn nibble(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        _ => c - b'a' + 10,
    }
}

impl Version {
    /// v1 (RFC 9000), v2 (RFC 9369) and the IETF drafts 23–32 that browsers shipped.
    pub fn from_number(number: u32) -> Option<Version> {
        let v = |salt, label, v2| Some(Version { number, salt, label, v2 });
        match number {
            0x0000_0001 => v(SALT_V1, "quic", false),
            0x6b33_43cf => v(SALT_V2, "quicv2", true),
            0xff00_001d..=0xff00_0020 => v(SALT_DRAFT29, "quic", false),
            0xff00_0017..=0xff00_001c => v(SALT_DRAFT23, "quic", false),
            _ => None,
        }
    }
}


/// Initial secrets (RFC 9001 §5.2): initial_secret = HKDF-Extract(salt, DCID), then the
/// client's and the server's secrets with the labels "client in" and "server in".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InitialSecrets {
    pub initial: Vec<u8>,
    pub client: Vec<u8>,
    pub server: Vec<u8>,
}

pub fn initial_secrets(version: &Version, dcid: &[u8]) -> InitialSecrets {
    let (prk, _) = Hkdf::<Sha256>::extract(Some(&version.salt), dcid);
    let initial = prk.to_vec();
    InitialSecrets {
        client: tls13::expand_label(Hash::Sha256, &initial, "client in", &[], 32),
        server: tls13::expand_label(Hash::Sha256, &initial, "server in", &[], 32),
        initial,
    }
}

/// The packet protection keys of one direction at one level (RFC 9001 §5.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PacketKeys {
    pub suite: Suite,
    pub key: Vec<u8>,
    pub iv: Vec<u8>,
    pub hp: Vec<u8>,
}

/// Initial packets always use AES-128-GCM with SHA-256 (RFC 9001 §5.2).
pub const INITIAL_SUITE: Suite = Suite { hash: Hash::Sha256, aead: Aead::Aes128Gcm };

pub fn packet_keys(version: &Version, suite: Suite, secret: &[u8]) -> PacketKeys {
    let l = version.label;
    let n = suite.key_len();
    PacketKeys {
        suite,
        key: tls13::expand_label(suite.hash, secret, &format!("{l} key"), &[], n),
        iv: tls13::expand_label(suite.hash, secret, &format!("{l} iv"), &[], 12),
        hp: tls13::expand_label(suite.hash, secret, &format!("{l} hp"), &[], n),
    }
}

/// The 5-byte header protection mask from a 16-byte ciphertext sample (RFC 9001 §5.4.3,
/// §5.4.4). None when the sample or key has the wrong size.
pub fn hp_mask(keys: &PacketKeys, sample: &[u8]) -> Option<[u8; 5]> {
    let sample: &[u8; 16] = sample.try_into().ok()?;
    let mut mask = [0u8; 5];
    match keys.suite.aead {
        Aead::Aes128Gcm | Aead::Aes256Gcm | Aead::Aes128Ccm | Aead::Aes128Ccm8 => {
            let mut block = aes::Block::from(*sample);
            if keys.suite.aead != Aead::Aes256Gcm {
                aes::Aes128::new_from_slice(&keys.hp).ok()?.encrypt_block(&mut block);
            } else {
                aes::Aes256::new_from_slice(&keys.hp).ok()?.encrypt_block(&mut block);
            }
            mask.copy_from_slice(&block[..5]);
        }
        Aead::ChaCha20Poly1305 => {
            // counter = sample[0..4] (little-endian), nonce = sample[4..16]; the mask is the
            // keystream over five zero bytes.
            let counter = u32::from_le_bytes([sample[0], sample[1], sample[2], sample[3]]);
            let mut c = chacha20::ChaCha20::new_from_slices(&keys.hp, &sample[4..]).ok()?;
            c.try_seek(u64::from(counter) * 64).ok()?;
            c.apply_keystream(&mut mask);
        }
    }
    Some(mask)
}

/// Check a Retry packet's integrity tag (RFC 9001 §5.8, RFC 9369 §3.3.3): AES-128-GCM with a
/// fixed key and nonce over the Retry pseudo-packet (the original DCID, then the packet
/// without its tag), with empty plaintext. None for versions without a known key.
pub fn retry_tag_ok(v: &Version, odcid: &[u8], packet: &[u8]) -> Option<bool> {
    let (key, nonce): (&[u8], &[u8]) = match v.number {
        1 => (&RETRY_V1.0, &RETRY_V1.1),
        0x6b33_43cf => (&RETRY_V2.0, &RETRY_V2.1),
        _ => return None,
    };
    let Some(split) = packet.len().checked_sub(16) else {
        return Some(false);
    };
    let mut aad = Vec::with_capacity(1 + odcid.len() + split);
    aad.push(odcid.len() as u8);
    aad.extend_from_slice(odcid);
    aad.extend_from_slice(&packet[..split]);
    let keys = TrafficKeys { key: key.to_vec(), iv: nonce.to_vec() };
    Some(tls13::open(INITIAL_SUITE, &keys, 0, &aad, &packet[split..]).is_some_and(|p| p.is_empty()))
}

const RETRY_V1: ([u8; 16], [u8; 12]) = (
    [0xbe, 0x0c, 0x69, 0x0b, 0x9f, 0x66, 0x57, 0x5a, 0x1d, 0x76, 0x6b, 0x54, 0xe3, 0x68, 0xc8, 0x4e],
    [0x46, 0x15, 0x99, 0xd3, 0x5d, 0x63, 0x2b, 0xf2, 0x23, 0x98, 0x25, 0xbb],
);
const RETRY_V2: ([u8; 16], [u8; 12]) = (
    [0x8f, 0xb4, 0xb0, 0x1b, 0x56, 0xac, 0x48, 0xe2, 0x60, 0xfb, 0xcb, 0xce, 0xad, 0x7c, 0xcc, 0x92],
    [0xd8, 0x69, 0x69, 0xbc, 0x2d, 0x7c, 0x6d, 0x99, 0x90, 0xef, 0xb0, 0x4a],
);

/// The full packet number from its truncated form and the largest one seen in the same
/// space (RFC 9000 Appendix A.3).
pub fn decode_packet_number(largest: Option<u64>, truncated: u64, pn_len: usize) -> u64 {
    let expected = largest.map_or(0, |l| l + 1);
    let win = 1u64 << (8 * pn_len as u32);
    let hwin = win / 2;
    let mask = win - 1;
    let candidate = (expected & !mask) | truncated;
    if candidate + hwin <= expected && candidate < (1u64 << 62) - win {
        candidate + win
    } else if candidate > expected + hwin && candidate >= win {
        candidate - win
    } else {
        candidate
    }
}

/// Open a packet payload: AEAD with nonce = iv XOR packet number and the unprotected header
/// as associated data (RFC 9001 §5.3). None when the tag does not verify.
pub fn open(keys: &PacketKeys, pn: u64, header: &[u8], payload: &[u8]) -> Option<Vec<u8>> {
    let tk = TrafficKeys { key: keys.key.clone(), iv: keys.iv.clone() };
    tls13::open(keys.suite, &tk, pn, header, payload)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_registry_knows_the_versions_that_have_salts() {
        for n in (0..0x40).chain(0xff00_0000..0xff00_0040).chain([0x6b33_43cf, 0x709a_50c4, 0x0a0a_0a0a]) {
            assert_eq!(super::Version::from_number(n).is_some(), crate::registry::quic_version_known(n), "0x{n:08x}");
        }
    }

    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    /// RFC 9001 Appendix A.1 and RFC 9369 Appendix A.1: keys from DCID 8394c8f03e515708.
    #[test]
    fn rfc_initial_keys() {
        let dcid = unhex("8394c8f03e515708");
        let v1 = Version::from_number(1).unwrap();
        let s = initial_secrets(&v1, &dcid);
        assert_eq!(s.initial, unhex("7db5df06e7a69e432496adedb00851923595221596ae2ae9fb8115c1e9ed0a44"));
        let k = packet_keys(&v1, INITIAL_SUITE, &s.client);
        assert_eq!(k.key, unhex("1f369613dd76d5467730efcbe3b1a22d"));
        assert_eq!(k.iv, unhex("fa044b2f42a3fd3b46fb255c"));
        assert_eq!(k.hp, unhex("9f50449e04a0e810283a1e9933adedd2"));
        let v2 = Version::from_number(0x6b3343cf).unwrap();
        let s = initial_secrets(&v2, &dcid);
        assert_eq!(s.initial, unhex("2062e8b3cd8d52092614b8071d0aa1fb7c2e3ac193f78b280e72d8f5751f6aba"));
        assert_eq!(s.client, unhex("14ec9d6eb9fd7af83bf5a668bc17a7e283766aade7ecd0891f70f9ff7f4bf47b"));
        let k = packet_keys(&v2, INITIAL_SUITE, &s.client);
        assert_eq!(k.key, unhex("8b1a0bc121284290a29e0971b5cd045d"));
        assert_eq!(k.iv, unhex("91f73e2351d8fa91660e909f"));
        assert_eq!(k.hp, unhex("45b95e15235d6f45a6b19cbcb0294ba9"));
        let k = packet_keys(&v2, INITIAL_SUITE, &s.server);
        assert_eq!(k.key, unhex("82db637861d55e1d011f19ea71d5d2a7"));
    }

    /// RFC 9001 Appendix A.5: ChaCha20-Poly1305 short header packet; the header protection
    /// sample 5e5cd55c41f69080575d7999c25a5bfb gives mask aefefe7d03.
    #[test]
    fn rfc_chacha_mask() {
        let secret = unhex("9ac312a7f877468ebe69422748ad00a15443f18203a07d6060f688f30f21632b");
        let v1 = Version::from_number(1).unwrap();
        let suite = Suite::from_id(crate::code::CipherSuite(0x1303)).unwrap();
        let k = packet_keys(&v1, suite, &secret);
        assert_eq!(k.key, unhex("c6d98ff3441c3fe1b2182094f69caa2ed4b716b65488960a7a984979fb23e1c8"));
        assert_eq!(k.iv, unhex("e0459b3474bdd0e44a41c144"));
        assert_eq!(k.hp, unhex("25a282b9e82f06f21f488917a4fc8f1b73573685608597d0efcb076b0ab7a7a4"));
        let mask = hp_mask(&k, &unhex("5e5cd55c41f69080575d7999c25a5bfb")).unwrap();
        assert_eq!(mask.to_vec(), unhex("aefefe7d03"));
        // Unprotected header 4200bff4: packet number 0x00bff4 in three bytes = 654360564,
        // and the payload opens to one PING frame.
        assert_eq!(decode_packet_number(Some(654360563), 0x00bff4, 3), 654360564);
        let packet = unhex("4cfe4189655e5cd55c41f69080575d7999c25a5bfb");
        assert_eq!(open(&k, 654360564, &unhex("4200bff4"), &packet[4..]), Some(vec![1]));
        assert_eq!(open(&k, 654360565, &unhex("4200bff4"), &packet[4..]), None);
        // AES header protection (RFC 9001 A.2): client hp key, sample d1b1c98d...
        let aes = PacketKeys { suite: INITIAL_SUITE, key: vec![0; 16], iv: vec![0; 12], hp: unhex("9f50449e04a0e810283a1e9933adedd2") };
        assert_eq!(hp_mask(&aes, &unhex("d1b1c98dd7689fb8ec11d242b123dc9b")).unwrap().to_vec(), unhex("437b9aec36"));
    }

    /// RFC 9001 Appendix A.4: the Retry packet for DCID 8394c8f03e515708 and its tag.
    #[test]
    fn rfc_retry_tag() {
        let v1 = Version::from_number(1).unwrap();
        let mut retry = unhex("ff000000010008f067a5502a4262b5746f6b656e04a265ba2eff4d829058fb3f0f2496ba");
        let odcid = unhex("8394c8f03e515708");
        assert_eq!(retry_tag_ok(&v1, &odcid, &retry), Some(true));
        assert_eq!(retry_tag_ok(&v1, &unhex("8394c8f03e515709"), &retry), Some(false));
        retry[15] ^= 1;
        assert_eq!(retry_tag_ok(&v1, &odcid, &retry), Some(false));
        assert_eq!(retry_tag_ok(&Version::from_number(0xff00001d).unwrap(), &odcid, &retry), None);
        assert_eq!(retry_tag_ok(&v1, &odcid, &retry[..10]), Some(false));
    }

    /// RFC 9000 Appendix A.3's example: largest 0xa82f30ea, truncated 0x9b32 in 2 bytes.
    #[test]
    fn packet_number_example() {
        assert_eq!(decode_packet_number(Some(0xa82f30ea), 0x9b32, 2), 0xa82f9b32);
        assert_eq!(decode_packet_number(None, 0, 1), 0);
        assert_eq!(decode_packet_number(Some(255), 0, 1), 256);
    }
}
