//! A `curl -v` log as a connection: the messages curl names, in order, without their bytes.

use super::{ClientHelloInfo, ExtFacts, ServerHelloInfo, SkeInfo, TlsConnection};
use crate::code::{ct, ht};
use crate::input::Capture;
use crate::model::{Alert, Certificate, Dir, Field, Message, Span, TextRef};
use crate::registry;

/// A `curl -v` log: one step per logged message, no bytes, facts from curl's own report.
pub(super) fn from_log(cap: &Capture) -> TlsConnection {
    let info = cap.log_info.clone().unwrap_or_default();
    let suite = info.cipher.as_deref().and_then(crate::input::curl_log::iana_suite);
    let mut out = TlsConnection { from_log: true, log_verified: info.verify_ok, log_alpn_refused: info.alpn_refused, ..Default::default() };
    // curl sends no server_name for an IP address: SNI carries host names only (RFC 6066 §3).
    let sni = info.host.clone().filter(|h| h.trim_matches(['[', ']']).parse::<std::net::IpAddr>().is_err());
    out.facts.client_hello = Some(ClientHelloInfo {
        ext: ExtFacts { sni, alpn: info.alpn_offered.clone(), ..Default::default() },
        ..Default::default()
    });
    if let Some(v) = info.version {
        out.facts.server_hello = Some(ServerHelloInfo {
            legacy_version: v.min(0x0303),
            selected_version: Some(v),
            cipher_suite: crate::code::CipherSuite(suite.unwrap_or(0)),
            alpn: info.alpn.clone(),
            ..Default::default()
        });
    }
    let kx = out.facts.key_exchange();
    let mut ccs = [false; 2];
    for (i, l) in cap.log.iter().enumerate() {
        let k = if l.dir == Dir::C2S { 0 } else { 1 };
        let name = match (l.content_type, l.msg_type) {
            (ct::HANDSHAKE, Some(t)) => t.name(),
            (ct::CHANGE_CIPHER_SPEC, _) => "ChangeCipherSpec".to_string(),
            _ => "Alert".to_string(),
        };
        match l.msg_type {
            Some(ht::SERVER_KEY_EXCHANGE) => out.facts.ske = Some(SkeInfo { kx, ..Default::default() }),
            Some(ht::CERTIFICATE_REQUEST) => out.facts.client_auth = true,
            _ => {}
        }
        let encrypted = l.content_type == ct::HANDSHAKE && ccs[k] && info.version != Some(registry::ver::TLS13);
        if l.content_type == ct::CHANGE_CIPHER_SPEC {
            ccs[k] = true;
        }
        let kind = match (l.content_type, l.alert) {
            // curl prints the message's first byte (a ChangeCipherSpec is that byte) or an
            // alert's two bytes as one number (RFC 5246 §7.1, §7.2).
            (ct::CHANGE_CIPHER_SPEC, _) => Some(TextRef::new("field.log_line.s.ccs")),
            (ct::ALERT, Some((level, desc))) => Some(TextRef::new("field.log_line.s.alert").arg("code", (level as u16 * 256 + desc.0 as u16).to_string()).arg("level", level.to_string()).arg("desc", desc.to_string()).arg("name", desc.name())),
            _ => None,
        };
        let spec = registry::spec_rfc(info.version);
        let fields = if kind.is_some() { "" } else { "@field.log_line.s.no_fields" };
        let kind = kind.unwrap_or_else(|| match l.msg_type {
            // The section that defines the handshake types of this connection's version.
            Some(t) => TextRef::new("field.log_line.s.hs").arg("type", t.to_string()).arg("name", name.clone()).arg("rfc_hs", match info.version {
                Some(registry::ver::TLS13) => "RFC 8446 §4".to_string(),
                v => format!("{} §7.4", registry::spec_rfc(v)),
            }),
            None => TextRef::new("field.log_line.s.ct").arg("ct", l.content_type.to_string()).arg("name", name.clone()),
        }).arg("spec", spec);
        let note = TextRef::new(if l.dir == Dir::C2S { "field.log_line.c2s" } else { "field.log_line.s2c" }).with("s_type", kind).arg("s_fields", fields);
        let field = Field::new("log line", TextRef::new("word.value.log_line").arg("n", l.line.to_string()).arg("text", l.text.trim_start_matches(['*', ' '])), Span::default()).note_ref(note);
        // A log line has no bytes: no span, no pieces.
        // An alert curl named: its level and description (after the ChangeCipherSpec it was
        // sent encrypted, but curl logs what it held).
        let alert = l.alert.map(|(level, description)| {
            out.alerts.push(Alert { dir: Some(l.dir), level: Some(level), description: Some(description), name: description.name(), encrypted: false });
            out.alerts.len() - 1
        });
        out.messages.push(Message { step: i + 1, encrypted, pieces: Vec::new(), fields: vec![field], alert, ..Message::at(Some(l.dir), l.content_type, l.msg_type, name, Span::default()) });
    }
    if info.subject.is_some() {
        out.certificates.push(Certificate {
            subject: info.subject.clone().unwrap_or_default(),
            issuer: info.issuer.clone().unwrap_or_default(),
            not_before: info.start.clone().unwrap_or_default(),
            not_after: info.expire.clone().unwrap_or_default(),
            ..Default::default()
        });
    }
    out
}

#[cfg(test)]
mod tests {
    /// A `curl -v` log of a TLS 1.2 connection: each "TLS handshake, ..." line is a step with
    /// no bytes, in the order curl wrote them.
    #[test]
    fn a_curl_log_becomes_steps_without_bytes() {
        let log = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/corpus/seed/curl-vvv-head.txt")).unwrap();
        let inp = crate::input::read(&log);
        let t = super::super::parse(&inp.captures[0]);
        assert!(t.from_log);
        let names: Vec<&str> = t.messages.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names.first(), Some(&"ClientHello"), "{names:?}");
        assert!(names.contains(&"ServerHelloDone") && names.contains(&"Finished"), "{names:?}");
        assert!(t.messages.iter().all(|m| m.span.len == 0 && m.pieces.is_empty()));
    }
}
