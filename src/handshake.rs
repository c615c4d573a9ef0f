//! Handshake stage: one model per connection of what kind of handshake this was (full, HRR,
//! PSK with or without (EC)DHE, TLS 1.2 ticket or session-id resumption, 0-RTT,
//! renegotiation) and what was negotiated (key exchange, group, EMS, EtM, renegotiation_info,
//! client authentication, downgrade). Derived once from the parsed messages' facts, on code
//! points only; `explain` writes every text from it.

use crate::code::{ct, ExtensionType, HandshakeType};
use crate::model::{Alert, Dir, Failure, Handshake, Message, Retry};
use crate::registry::{ext, ht, ver, KeyExchange};
use crate::tls::{ClientHelloInfo, TlsConnection};

fn has_type(m: &[Message], t: HandshakeType, dir: Option<Dir>) -> bool {
    m.iter().any(|m| m.content_type == ct::HANDSHAKE && m.msg_type == Some(t) && (dir.is_none() || m.dir == dir))
}

/// The ClientHello the ServerHello answers: the retried one after a HelloRetryRequest.
pub fn answered_hello(tls: &TlsConnection) -> Option<&ClientHelloInfo> {
    tls.facts.answered_hello()
}

pub use crate::registry::psk_mode_name;

pub fn derive(tls: &TlsConnection) -> Handshake {
    let f = &tls.facts;
    let msgs = &tls.messages;
    let first = f.client_hello.as_ref();
    let ch = answered_hello(tls);
    let sh = f.server_hello.as_ref();
    let version = sh.map(|s| s.version());
    let tls13 = f.is_tls13();
    let mut h = Handshake {
        version,
        from_log: tls.from_log,
        offered_tls13: first.is_some_and(|c| c.ext.supported_versions.contains(&ver::TLS13)),
        downgrade_sentinel: sh.and_then(|s| s.downgrade_sentinel),
        ..Default::default()
    };
    h.hello_retry = f.hrr.as_ref().map(|r| Retry { group: r.key_share_group, cookie: r.cookie_len.is_some() });
    if let Some(c) = ch {
        h.psk_identities = c.ext.psk_identities;
        h.psk_modes = c.ext.psk_modes.iter().map(|&m| psk_mode_name(m)).collect();
        h.ticket_presented = c.ext.session_ticket_len.filter(|&n| n > 0);
        // A TLS 1.3 client's 32-byte legacy_session_id is its middlebox-compatibility id, not a
        // session to resume (RFC 8446 §4.1.2, Appendix D.4).
        h.session_id_presented = !c.session_id.is_empty() && !h.offered_tls13;
    }
    h.psk_selected_identity = sh.and_then(|s| s.psk_selected_identity);
    let psk = tls13 && sh.is_some_and(|s| s.psk_selected);
    h.mode = match sh {
        None => "incomplete",
        Some(s) if psk && s.key_share_group.is_some() => "psk_dhe",
        Some(_) if psk => "psk_ke",
        Some(_) if !tls13 && f.resumed => {
            // RFC 5077 §3.4: with a ticket the server may echo the client's session id; the
            // ticket is what was resumed.
            if h.ticket_presented.is_some() {
                "ticket"
            } else {
                "session_id"
            }
        }
        Some(_) => "full",
    };
    let kx = f.key_exchange();
    // A TLS 1.0-1.2 abbreviated handshake has no key exchange of its own (RFC 5246 §7.3).
    let abbreviated = matches!(h.mode, "ticket" | "session_id");
    h.key_exchange = sh.filter(|_| !abbreviated).map(|s| match kx {
        Some(KeyExchange::Tls13) if psk && s.key_share_group.is_some() => "psk_ecdhe",
        Some(KeyExchange::Tls13) if psk => "psk",
        Some(KeyExchange::Tls13) => "ecdhe",
        Some(KeyExchange::Ecdhe) => "ecdhe",
        Some(KeyExchange::Dhe) => "dhe",
        Some(KeyExchange::Rsa) => "rsa",
        Some(KeyExchange::Psk) => "psk",
        _ => "other",
    });
    // Finite-field groups in TLS 1.3 (ffdhe*, 0x0100-0x01ff) are DHE, not ECDHE.
    if let (Some(k), Some(g)) = (h.key_exchange, sh.and_then(|s| s.key_share_group)) {
        if g.is_ffdhe() {
            h.key_exchange = Some(if k == "psk_ecdhe" { "psk_dhe" } else { "dhe" });
        }
    }
    h.group = if tls13 { sh.and_then(|s| s.key_share_group) } else { f.ske.as_ref().and_then(|k| k.group) };
    if let (Some(s), Some(c), false) = (sh, ch, tls13 || tls.from_log) {
        // Each is negotiated only when the client offered it and the server answered it.
        let both = |t: ExtensionType| c.ext.types.contains(&t) && s.extensions.contains(&t);
        h.extended_master_secret = Some(both(ext::EXTENDED_MASTER_SECRET));
        h.encrypt_then_mac = Some(both(ext::ENCRYPT_THEN_MAC));
        h.renegotiation_info = Some(s.extensions.contains(&ext::RENEGOTIATION_INFO));
    }
    h.early_data = early_data(tls, &h);
    h.client_auth_requested = has_type(msgs, ht::CERTIFICATE_REQUEST, None);
    h.client_certificates = msgs
        .iter()
        .find(|m| m.msg_type == Some(ht::CERTIFICATE) && m.dir == Some(Dir::C2S) && !m.encrypted)
        .map(|m| tls.certificates.iter().filter(|c| c.span.offset >= m.span.offset && c.span.end() <= m.span.end()).count());
    h.server_proof = if has_type(msgs, ht::CERTIFICATE_VERIFY, Some(Dir::S2C)) {
        Some("certificate_verify")
    } else if tls13 {
        None
    } else if h.mode == "full" && matches!(kx, Some(KeyExchange::Ecdhe | KeyExchange::Dhe)) {
        Some("server_key_exchange")
    } else if h.mode == "full" && kx == Some(KeyExchange::Rsa) {
        Some("rsa_key_transport")
    } else {
        None
    };
    // Renegotiation: the server asks for it (HelloRequest), or a ClientHello follows a Finished.
    let first_finished = msgs.iter().position(|m| m.msg_type == Some(ht::FINISHED) && !m.encrypted);
    h.renegotiation = has_type(msgs, ht::HELLO_REQUEST, Some(Dir::S2C))
        || first_finished.is_some_and(|at| msgs[at..].iter().any(|m| m.msg_type == Some(ht::CLIENT_HELLO) && !m.encrypted));
    h.failure = (0..tls.alerts.len()).find_map(|k| failure(msgs, &tls.alerts, k));
    h
}

/// Alert `k` of a connection as a failed handshake: a fatal alert that came before both sides
/// had sent Finished (RFC 8446 §4.4.4, §6.2; RFC 5246 §7.2.2, §7.4.9); None for any other alert.
pub fn failure(msgs: &[Message], alerts: &[Alert], k: usize) -> Option<Failure> {
    let a = alerts.get(k).filter(|a| a.level == Some(2))?;
    let before = msgs.iter().position(|m| m.alert == Some(k)).map_or(&[][..], |at| &msgs[..at]);
    if has_type(before, ht::FINISHED, Some(Dir::C2S)) && has_type(before, ht::FINISHED, Some(Dir::S2C)) {
        return None;
    }
    let last = before.iter().rev().find(|m| m.content_type == ct::HANDSHAKE && !m.encrypted && m.msg_type.is_some());
    Some(Failure { alert: k, description: a.description, by: a.dir, after: last.and_then(|m| m.msg_type), after_dir: last.and_then(|m| m.dir) })
}

/// RFC 8446 §4.2.10: the server accepts 0-RTT by answering early_data in EncryptedExtensions;
/// it can only do so for the first PSK, and never after a HelloRetryRequest.
fn early_data(tls: &TlsConnection, h: &Handshake) -> &'static str {
    let offered = tls.facts.client_hello.as_ref().is_some_and(|c| c.ext.types.contains(&ext::EARLY_DATA));
    if !offered {
        return "none";
    }
    if let Some(ee) = &tls.facts.encrypted_extensions {
        return if ee.types.contains(&ext::EARLY_DATA) { "accepted" } else { "rejected" };
    }
    if has_type(&tls.messages, ht::END_OF_EARLY_DATA, Some(Dir::C2S)) {
        return "accepted";
    }
    match tls.facts.server_hello.as_ref() {
        Some(_) if h.hello_retry.is_some() || h.psk_selected_identity != Some(0) || !tls.facts.is_tls13() => "rejected",
        _ => "offered",
    }
}

/// Is the handshake one that resumed an earlier session (or used a PSK)?
pub fn resumed(h: &Handshake) -> bool {
    matches!(h.mode, "psk_dhe" | "psk_ke" | "ticket" | "session_id")
}
