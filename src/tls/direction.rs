//! Which side sent a record when the input does not say (a hex dump without markers): from
//! the handshake state, the message types and the record sizes.

use super::record::{self, RawRecord};
use super::di;
use super::walker::Walker;
use crate::code::HandshakeType;
use crate::model::Dir;
use crate::registry::{self, ct, ht};

impl Walker {
    pub(super) fn after_server_hello_tls13(&self, dir: Option<Dir>) -> bool {
        // In TLS 1.3 every handshake message after ServerHello is encrypted (RFC 8446 §2);
        // a plaintext handshake record from the server after it would be a protocol error,
        // but a client's second ClientHello after HelloRetryRequest is plaintext.
        dir == Some(Dir::S2C) && self.out.facts.server_hello.is_some()
    }

    /// Guess the direction of a record in an unmarked blob from the handshake state.
    pub(super) fn infer_record_dir(&self, r: &RawRecord) -> Option<Dir> {
        let tls13 = self.out.facts.is_tls13();
        match r.content_type {
            ct::HANDSHAKE => {
                if !self.pending[2].bytes.is_empty() {
                    return self.last_hs_dir.or(Some(Dir::C2S));
                }
                if let Some(&last) = self.ccs_seen.last() {
                    // TLS 1.2: the handshake record right after a CCS is that side's (encrypted)
                    // Finished. After it, while the other side still sends in the clear, a
                    // handshake record is the other side's: the server's NewSessionTicket comes
                    // after the client's Finished and before the server's CCS (RFC 5077 §3.3).
                    let just_after_ccs = self.last_type[di(Some(last))] == Some(ct::CHANGE_CIPHER_SPEC);
                    let other_clear = !self.encrypted[di(Some(last.other()))];
                    if self.encrypted[di(Some(last))] && !tls13 && (just_after_ccs || !other_clear) {
                        return Some(last);
                    }
                }
                r.payload.first().map(|&t| self.dir_of_handshake(HandshakeType(t)))
            }
            ct::CHANGE_CIPHER_SPEC => Some(self.ccs_dir()),
            record::SSLV2 => Some(Dir::C2S),
            ct::ALERT | ct::APPLICATION_DATA => {
                if tls13 {
                    // Server flight until the client's CCS (middlebox compatibility) shows up,
                    // or until a Finished-sized record that cannot be the server's.
                    if self.ccs_seen[self.ccs_at_server_hello.min(self.ccs_seen.len())..].contains(&Dir::C2S) || self.fin13[0] || self.fin13[1] {
                        Some(Dir::C2S)
                    } else if Some(r.payload.len()) == self.finished13_len() && self.enc_count[1] == 1 {
                        // One server record before it held the whole server flight.
                        Some(Dir::C2S)
                    } else {
                        Some(Dir::S2C)
                    }
                } else {
                    self.ccs_seen.last().copied().or(self.last_hs_dir)
                }
            }
            _ => self.last_hs_dir,
        }
    }

    /// Size of an encrypted record holding only a TLS 1.3 Finished: header 4 + hash + inner
    /// content type 1 + AEAD tag 16.
    pub(super) fn finished13_len(&self) -> Option<usize> {
        let suite = self.out.facts.suite()?;
        let hash = registry::suite_hash_len(suite);
        Some(4 + hash + 1 + 16)
    }

    pub(super) fn dir_of_handshake(&self, t: HandshakeType) -> Dir {
        match t {
            ht::CLIENT_HELLO | ht::CLIENT_KEY_EXCHANGE | ht::END_OF_EARLY_DATA => Dir::C2S,
            ht::CERTIFICATE_VERIFY if !self.out.facts.is_tls13() => Dir::C2S,
            ht::CERTIFICATE => {
                if self.server_hello_done {
                    Dir::C2S
                } else {
                    Dir::S2C
                }
            }
            _ => Dir::S2C,
        }
    }

    pub(super) fn ccs_dir(&self) -> Dir {
        if self.out.facts.is_tls13() || self.out.facts.hello_retry {
            // RFC 8446 D.4: the server sends its CCS right after its first flight message; the
            // client before its second flight.
            if !self.ccs_seen.contains(&Dir::S2C) && self.last_hs_dir == Some(Dir::S2C) && self.enc_count[1] == 0 {
                return Dir::S2C;
            }
            return Dir::C2S;
        }
        match self.ccs_seen.last() {
            Some(&d) => d.other(),
            // Full handshake: the client's CCS follows ClientKeyExchange/CertificateVerify;
            // abbreviated (resumed): the server's follows ServerHello/NewSessionTicket.
            None => match self.last_hs_dir {
                Some(Dir::S2C) => Dir::S2C,
                _ => Dir::C2S,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Dir;

    /// A TLS 1.2 handshake pasted as one hex stream, without direction markers: each message
    /// gets the side that sends it in RFC 5246 §7.3's flow.
    #[test]
    fn a_tls12_handshake_without_markers_gets_its_directions() {
        let hex = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/tls12-ecdhe-rsa.sample.hex")).unwrap();
        let inp = crate::input::read(&hex);
        let t = super::super::parse(&inp.captures[0]);
        assert!(t.dirs_inferred);
        let got: Vec<(&str, Option<Dir>)> = t.messages.iter().map(|m| (m.name.as_str(), m.dir)).collect();
        let (c, s) = (Some(Dir::C2S), Some(Dir::S2C));
        let want = [("ClientHello", c), ("ServerHello", s), ("Certificate", s), ("ServerKeyExchange", s), ("ServerHelloDone", s), ("ClientKeyExchange", c), ("ChangeCipherSpec", c), ("Finished", c), ("ChangeCipherSpec", s), ("Finished", s)];
        assert_eq!(&got[..want.len().min(got.len())], &want[..], "{got:?}");
    }
}
