//! Records that are not handshake messages, by content type (RFC 8446 §5.1, RFC 5246 §6.2.1):
//! ChangeCipherSpec, Alert, Heartbeat (RFC 6520), protected records, and the SSL 2.0-format
//! ClientHello; and every record's header as a field.

use super::record::{self, RawRecord};
use super::walker::{remap, Walker};
use super::{di, hex_short, hexs, messages};
use crate::code::{ct, ht, AlertDescription};
use crate::model::{Alert, Diagnostic, Dir, Field, Message, Span, TextRef};
use crate::registry;

impl Walker {
    /// An SSL 2.0-format CLIENT-HELLO offering SSL 3.0 or TLS (RFC 5246 Appendix E.2).
    pub(super) fn sslv2_hello(&mut self, i: usize, dir: Option<Dir>) {
        let r = &self.raw[i];
        let (mut fields, info, error) = messages::sslv2_client_hello(&r.payload);
        remap(&mut fields, &r.payload_map);
        if let Some(e) = error {
            let at = r.payload_map.abs(e.at());
            self.out.diagnostics.push(Diagnostic::error(at, TextRef::new("diag.message.sslv2").arg("at", at.to_string()).with("why", e.describe())));
        }
        if self.out.facts.client_hello.is_none() {
            self.out.facts.client_hello = Some(info);
        }
        let dir = dir.or(Some(Dir::C2S));
        self.last_hs_dir = dir;
        let mut all = vec![record_header_field(r, self.out.facts.is_tls13())];
        all.extend(fields);
        self.push_message(Message { dir_inferred: !self.marked, records: vec![i], fields: all, ..Message::at(dir, r.content_type, Some(ht::CLIENT_HELLO), "ClientHello", r.span()) });
    }

    pub(super) fn ccs(&mut self, i: usize, dir: Option<Dir>) {
        let r = &self.raw[i];
        let map = &r.payload_map;
        let mut body = Vec::new();
        match r.payload.first() {
            Some(&v) => body.push(Field::new("type", format!("{v} (change_cipher_spec)"), map.span(Span::new(0, 1))).note("field.ChangeCipherSpec.type")),
            None => self.out.diagnostics.push(Diagnostic::error(r.header.end(), TextRef::new("diag.ccs.empty"))),
        }
        if r.payload.len() > 1 {
            // OpenSSL's pre-RFC DTLS (0x0100) sent a 2-byte message_seq after the value.
            let key = if r.version == 0x0100 { "field.ChangeCipherSpec.dtls_bad_ver" } else { "field.trailing" };
            body.push(Field::new("extra bytes", hexs(&r.payload[1..]), map.span(Span::new(1, r.payload.len() - 1))).note(key));
        }
        if let Some(d) = dir {
            // TLS 1.2 abbreviated handshake (RFC 5246 §7.3): the server switches first, right
            // after ServerHello (and NewSessionTicket), with no Certificate in between.
            if d == Dir::S2C && self.ccs_seen.is_empty() && !self.out.facts.is_tls13() && !self.server_cert_seen && self.out.facts.server_hello.is_some() {
                self.out.facts.resumed = true;
            }
            self.ccs_seen.push(d);
            // In TLS 1.3 the CCS is only for middleboxes; protection starts with ServerHello.
            if !self.out.facts.is_tls13() {
                self.encrypted[di(Some(d))] = true;
            }
        }
        self.record_message(i, dir, "ChangeCipherSpec", None, false, body);
    }

    pub(super) fn alert(&mut self, i: usize, dir: Option<Dir>) {
        let r = &self.raw[i];
        let map = r.payload_map.clone();
        let mut body = Vec::new();
        let level = r.payload.first().copied();
        let desc = r.payload.get(1).copied().map(AlertDescription);
        if let Some(l) = level {
            body.push(Field::new("level", format!("{l} ({})", registry::alert_level_name(l)), map.span(Span::new(0, 1))).note("field.Alert.level"));
        }
        if let Some(d) = desc {
            body.push(Field::new("description", format!("{d} ({})", d.name()), map.span(Span::new(1, 1))).note("field.Alert.description"));
        }
        if r.payload.len() != 2 {
            self.out.diagnostics.push(Diagnostic::warning(r.header.offset, TextRef::new("diag.alert.length").arg("at", r.header.offset.to_string()).arg("n", r.payload.len().to_string())));
        }
        let name = desc.map(|d| d.name()).unwrap_or_else(|| "unknown".into());
        self.out.alerts.push(Alert { dir, level, description: desc, name, encrypted: false });
        self.record_message(i, dir, "Alert", None, false, body);
        self.link_alert();
    }

    /// A plaintext heartbeat message (RFC 6520 §4): type, payload_length, payload, at least 16
    /// bytes of padding. A payload_length larger than what the record holds is what Heartbleed
    /// requests looked like (CVE-2014-0160): a vulnerable peer answered with that much memory.
    pub(super) fn heartbeat(&mut self, i: usize, dir: Option<Dir>) {
        let r = &self.raw[i];
        let map = r.payload_map.clone();
        let p = &r.payload;
        let mut body = Vec::new();
        let at = |o: usize, l: usize| map.span(Span::new(o, l));
        if let Some(&t) = p.first() {
            let n = match t {
                1 => "heartbeat_request",
                2 => "heartbeat_response",
                _ => "unknown",
            };
            body.push(Field::new("type", format!("{t} ({n})"), at(0, 1)).note("field.Heartbeat.type"));
        }
        let mut overread = None;
        if let Some(len) = p.get(1..3).map(|b| u16::from_be_bytes([b[0], b[1]]) as usize) {
            let have = p.len().saturating_sub(3);
            let payload = len.min(have);
            body.push(Field::says("payload_length", crate::reader::bytes_value(len), at(1, 2)).note("field.Heartbeat.payload_length"));
            body.push(Field::new("payload", hex_short(&p[3..3 + payload]), at(3, payload)).note("field.Heartbeat.payload"));
            if have > payload {
                body.push(Field::says("padding", crate::reader::bytes_value(have - payload), at(3 + payload, have - payload)).note("field.Heartbeat.padding"));
            }
            // RFC 6520 §4: the whole message must fit in the record with 16 bytes of padding.
            if len + 16 > have {
                overread = Some((len, have));
            }
        }
        if let Some((len, have)) = overread {
            let at = r.header.offset;
            self.out.diagnostics.push(Diagnostic::warning(
                at,
                TextRef::new("diag.heartbeat.overlong").arg("at", at.to_string()).arg("len", len.to_string()).arg("have", have.to_string()),
            ));
            self.out.facts.heartbleed = true;
        }
        self.record_message(i, dir, "Heartbeat", None, false, body);
    }

    /// Records whose content cannot be read without keys.
    pub(super) fn opaque(&mut self, i: usize, dir: Option<Dir>) {
        let r = &self.raw[i];
        let ctx = self.ctx(dir);
        let body = if self.lean { Vec::new() } else { messages::encrypted_record_fields(r, &ctx) };
        let k = di(dir).min(1);
        self.enc_count[k] += 1;
        if ctx.tls13 && !self.marked && Some(r.payload.len()) == self.finished13_len() {
            self.fin13[k] = true;
        }
        let after_ccs = dir.is_none_or(|d| self.last_type[di(Some(d))] == Some(ct::CHANGE_CIPHER_SPEC));
        let (name, msg_type) = match r.content_type {
            // The first handshake record after a CCS is that side's Finished; later ones (a
            // renegotiation, RFC 5746) cannot be named without keys.
            ct::HANDSHAKE if after_ccs || ctx.tls13 => ("Finished", Some(ht::FINISHED)),
            ct::HANDSHAKE => ("EncryptedHandshake", None),
            ct::ALERT => {
                self.out.alerts.push(Alert { dir, level: None, description: None, name: "encrypted alert".into(), encrypted: true });
                ("Alert", None)
            }
            ct::APPLICATION_DATA if ctx.tls13 => ("EncryptedRecord", None),
            ct::APPLICATION_DATA => ("ApplicationData", None),
            ct::HEARTBEAT => ("Heartbeat", None),
            _ => ("UnknownRecord", None),
        };
        if r.content_type == ct::HANDSHAKE {
            self.last_hs_dir = dir;
        }
        let t = r.content_type;
        self.record_message(i, dir, name, msg_type, t != ct::HEARTBEAT, body);
        if t == ct::ALERT {
            self.link_alert();
        }
    }

    /// Point the message just pushed at the alert just recorded.
    pub(super) fn link_alert(&mut self) {
        let idx = self.out.alerts.len().checked_sub(1);
        if let Some(m) = self.out.messages.last_mut() {
            m.alert = idx;
        }
    }
}

/// The 5-byte record header as a field with its three parts. `tls13`: the connection is TLS 1.3,
/// where a decrypted record's real content type comes from its TLSInnerPlaintext.
pub(super) fn record_header_field(r: &RawRecord, tls13: bool) -> Field {
    let h = r.header;
    let part = |off: usize, len: usize| Span::new(h.offset + off, len);
    if let Some((epoch, seq)) = r.dtls {
        let name = r.content_type.name();
        if h.len < 13 {
            // DTLS 1.3 unified header of a protected record.
            return Field::says("record header", TextRef::new("word.value.dtls13_record").arg("epoch", epoch.to_string()).arg("n", r.length.to_string()), h).note("field.dtls.unified_header");
        }
        let note = if r.decrypted { "field.record.rebuilt.dtls" } else { "field.dtls.record" };
        let value = TextRef::new("word.value.dtls_record").arg("content", name).arg("epoch", epoch.to_string()).arg("seq", seq.to_string()).arg("n", r.length.to_string());
        return Field::says("record header", value, h).note(note).with_children(vec![
            Field::new("type", format!("{} ({name})", r.content_type), part(0, 1)).note("field.record.type"),
            Field::new("version", format!("0x{:04x} ({})", r.version, registry::version_name(r.version)), part(1, 2)).note("field.dtls.version"),
            Field::new("epoch", epoch.to_string(), part(3, 2)).note("field.dtls.epoch"),
            Field::new("sequence_number", seq.to_string(), part(5, 6)).note("field.dtls.sequence_number"),
            Field::says("length", crate::reader::bytes_value(r.length), part(11, 2)).note("field.record.length"),
        ]);
    }
    if r.content_type == record::SSLV2 {
        return Field::new("record header", format!("SSL 2.0 record, {} bytes", r.length), h)
            .note("field.sslv2.record")
            .with_children(vec![Field::new("length", format!("0x{:04x} (high bit set: 2-byte header) = {} bytes", r.length | 0x8000, r.length), part(0, 2)).note("field.sslv2.length")]);
    }
    Field::says("record header", TextRef::new("word.value.record").arg("content", r.content_type.name()).arg("n", r.length.to_string()), h)
    .note(match (r.quic, r.decrypted) {
        _ if r.inflated => "field.record.inflated",
        (true, _) => "field.record.quic",
        (_, true) if tls13 => "field.record.rebuilt",
        (_, true) => "field.record.rebuilt.tls12",
        _ => "field.record",
    })
    .with_children(vec![
        Field::new("type", format!("{} ({})", r.content_type, r.content_type.name()), part(0, 1))
            .note("field.record.type"),
        Field::new("legacy_record_version", format!("0x{:04x} ({})", r.version, registry::version_name(r.version)), part(1, 2))
            .note("field.record.legacy_record_version"),
        // Protected records may exceed the plaintext limit (RFC 8446 §5.2, RFC 5246 §6.2.3).
        Field::new("length", r.length.to_string(), part(3, 2)).note(if r.content_type == registry::ct::APPLICATION_DATA && !r.decrypted { "field.record.length.protected" } else { "field.record.length" }),
    ])
}

#[cfg(test)]
mod tests {
    use crate::code::{alert, ct};
    use crate::input::Capture;
    use crate::model::Dir;

    fn parse(records: &[(Dir, &[u8])]) -> super::super::TlsConnection {
        let mut cap = Capture { marked: true, ..Default::default() };
        for (d, r) in records {
            cap.push(Some(*d), r);
        }
        super::super::parse(&cap)
    }

    /// RFC 8446 §6: a plaintext alert is level (2 = fatal) and description (40 =
    /// handshake_failure); the message points at the alert.
    #[test]
    fn a_plaintext_alert_is_named_by_its_description() {
        let tls = parse(&[(Dir::S2C, &[0x15, 3, 3, 0, 2, 2, 40])]);
        assert_eq!(tls.alerts.len(), 1);
        let a = &tls.alerts[0];
        assert_eq!((a.level, a.description, a.name.as_str(), a.encrypted), (Some(2), Some(alert::HANDSHAKE_FAILURE), "handshake_failure", false));
        let m = &tls.messages[0];
        assert_eq!((m.content_type, m.alert, m.dir), (ct::ALERT, Some(0), Some(Dir::S2C)));
    }

    /// RFC 5246 §7.1: after a side's ChangeCipherSpec its records are protected; the first
    /// handshake record after it is that side's Finished.
    #[test]
    fn after_change_cipher_spec_a_handshake_record_is_the_encrypted_finished() {
        let mut fin = vec![0x16, 3, 3, 0, 40];
        fin.extend([0xab; 40]);
        let tls = parse(&[(Dir::C2S, &[0x14, 3, 3, 0, 1, 1]), (Dir::C2S, &fin)]);
        let names: Vec<(&str, bool)> = tls.messages.iter().map(|m| (m.name.as_str(), m.encrypted)).collect();
        assert_eq!(names, [("ChangeCipherSpec", false), ("Finished", true)]);
        assert!(tls.records[1].encrypted);
    }

    /// RFC 6520 §4: payload_length + 16 bytes of padding must fit in the record; a request
    /// claiming 0x4000 bytes in a 3-byte record is what Heartbleed (CVE-2014-0160) sent.
    #[test]
    fn an_overlong_heartbeat_is_flagged() {
        let tls = parse(&[(Dir::C2S, &[0x18, 3, 3, 0, 3, 1, 0x40, 0])]);
        assert!(tls.facts.heartbleed);
        assert!(tls.diagnostics.iter().any(|d| d.is("heartbeat.overlong") && d.offset == 0), "{:?}", tls.diagnostics);
        let ok = parse(&[(Dir::C2S, &[&[0x18, 3, 3, 0, 20, 1, 0, 1, 0x55][..], &[0u8; 16]].concat())]);
        assert!(!ok.facts.heartbleed);
    }
}
