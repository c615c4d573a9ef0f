//! Explanation stage: the TLS view of a connection -> titles, explanations, field notes,
//! summary and security notes, in the chosen language. Texts are data (`en.rs`, `zh.rs`),
//! built in; the page's lite core is given them at run time instead (`set_texts`, from the
//! `texts-<lang>.tsv` files `tls-lens texts` writes), so that it carries neither language.

#[cfg(feature = "full")]
mod en;
#[cfg(feature = "full")]
mod zh;

use crate::input::Capture;
use crate::model::{Chunk, Connection, Field, Message, Note, NoteSeverity, StreamView, Summary, TextRef};
use crate::model::Dir;
use crate::registry::{self, is_grease, KeyExchange, RecordProtection};
use crate::tls::{hexs, TlsConnection};
use crate::fingerprint;
use crate::Options;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }
    pub fn parse(s: &str) -> Option<Lang> {
        match s.to_ascii_lowercase().as_str() {
            "en" | "en-us" | "en-gb" | "english" => Some(Lang::En),
            "zh" | "zh-cn" | "zh-hans" | "cn" | "chinese" => Some(Lang::Zh),
            _ => None,
        }
    }
    #[cfg(feature = "full")]
    pub fn table(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Lang::En => en::TEXTS,
            Lang::Zh => zh::TEXTS,
        }
    }
}

type Index = std::collections::HashMap<&'static str, &'static str>;
static INDEX: [std::sync::OnceLock<Index>; 2] = [std::sync::OnceLock::new(), std::sync::OnceLock::new()];

/// The language's texts by key: built in, or (lite core) as given to `set_texts`.
fn index(lang: Lang) -> Option<&'static Index> {
    #[cfg(feature = "full")]
    return Some(INDEX[lang as usize].get_or_init(|| lang.table().iter().copied().collect()));
    #[cfg(not(feature = "full"))]
    INDEX[lang as usize].get()
}

fn lookup(lang: Lang, key: &str) -> Option<&'static str> {
    index(lang)?.get(key).copied()
}

/// Is there a text for `key` (in whichever language is at hand: both have the same keys)?
fn known(key: &str) -> bool {
    [Lang::En, Lang::Zh].into_iter().any(|l| lookup(l, key).is_some())
}

/// Can this core explain in `lang` now? Always, with built-in texts.
pub fn has_texts(lang: Lang) -> bool {
    index(lang).is_some()
}

/// A language's texts for the lite core (`set_texts`): one `key<TAB>text` line each, sorted by
/// key. No key or text holds a tab or a line break (a test checks).
#[cfg(feature = "full")]
pub fn texts_tsv(lang: Lang) -> String {
    let mut all: Vec<(&str, &str)> = lang.table().to_vec();
    all.sort_unstable();
    all.iter().map(|(k, v)| format!("{k}\t{v}\n")).collect()
}

/// The lite core's texts for `lang`, as `texts_tsv` writes them. Once per language (later calls
/// are ignored).
#[cfg(not(feature = "full"))]
pub fn set_texts(lang: Lang, tsv: &str) -> Result<(), String> {
    if has_texts(lang) {
        return Ok(());
    }
    let mut index = Index::new();
    for (n, line) in tsv.lines().enumerate() {
        let Some((k, v)) = line.split_once('\t') else { return Err(format!("texts for {}: line {} has no tab", lang.code(), n + 1)) };
        // Kept for the life of the page, like built-in texts.
        index.insert(Box::leak(k.into()), Box::leak(v.into()));
    }
    if index.is_empty() {
        return Err(format!("texts for {}: empty", lang.code()));
    }
    let _ = INDEX[lang as usize].set(index);
    Ok(())
}

/// "@key" is a word to look up in the language's table (English if missing); anything else
/// stays as it is.
pub fn word(lang: Lang, s: &str) -> String {
    match s.strip_prefix('@') {
        Some(key) => lookup(lang, key).or_else(|| lookup(Lang::En, key)).unwrap_or(key).to_string(),
        None => s.to_string(),
    }
}

/// Fill a text: the language's template (English if missing, the key itself as last resort)
/// with `{placeholders}` replaced.
pub fn render(lang: Lang, r: &TextRef, value: Option<&str>) -> String {
    let template = lookup(lang, &r.key).or_else(|| lookup(Lang::En, &r.key)).unwrap_or(&r.key);
    let mut out = template.to_string();
    for (k, v) in &r.args {
        // "@key": a word that is itself translated (e.g. an alert level).
        let v = match v.strip_prefix('@') {
            Some(key) => lookup(lang, key).or_else(|| lookup(Lang::En, key)).unwrap_or(v),
            None => v.as_str(),
        };
        out = out.replace(&format!("{{{k}}}"), v);
    }
    if let Some(v) = value {
        out = out.replace("{value}", v);
    }
    out
}

fn resolve_fields(lang: Lang, fields: &mut [Field]) {
    for f in fields {
        if let Some(r) = &f.note_ref {
            f.note = Some(render(lang, r, Some(&f.value)));
        }
        resolve_fields(lang, &mut f.children);
    }
}

fn or_dash(s: Option<String>) -> String {
    s.filter(|s| !s.is_empty()).unwrap_or_else(|| "—".into())
}

/// Build the explained connection.
pub fn connection(id: usize, cap: &Capture, mut tls: TlsConnection, opts: &Options) -> Connection {
    let lang = opts.lang;
    let mut summary = summary(&tls);
    if let Some(p) = summary.cipher_suite_parts.as_mut() {
        for f in [&mut p.key_exchange, &mut p.authentication, &mut p.cipher, &mut p.mode, &mut p.mac, &mut p.prf] {
            *f = word(lang, f);
        }
    }
    let mut notes = notes(&tls, &summary, opts, cap.time);
    notes.extend(cap.notes.iter().map(|(sev, r)| Note { severity: *sev, text: String::new(), span: None, text_ref: r.clone() }));
    for n in notes.iter_mut() {
        n.text = render(lang, &n.text_ref, None);
    }
    // Most severe first; the advice on a good configuration closes the list.
    notes.sort_by_key(|n| (n.text_ref.key == "note.good_config", std::cmp::Reverse(n.severity as u8)));
    let mut messages = std::mem::take(&mut tls.messages);
    let mut enc13 = [0usize; 2];
    for m in messages.iter_mut() {
        if opts.summary_only {
            m.fields = Vec::new();
            continue;
        }
        let (t, mut e) = texts(m, &tls, &summary, &mut enc13);
        // Steps from a log have no bytes: use the wording that does not count them.
        let log_key = format!("msg.{}.log", e.key.trim_start_matches("msg."));
        if m.span.len == 0 && known(&log_key) {
            e.key = log_key;
        }
        m.title = render(lang, &t, None);
        m.explanation = render(lang, &e, None);
        resolve_fields(lang, &mut m.fields);
    }
    Connection {
        id,
        tcp_stream: cap.tcp_stream,
        client: cap.client.clone(),
        server: cap.server.clone(),
        summary,
        stream: StreamView {
            hex: if opts.summary_only { String::new() } else { hexs(&cap.data) },
            chunks: cap.chunks.iter().map(|c| Chunk { dir: c.dir, offset: c.offset, len: c.len, frame: c.frame, layer: c.layer }).collect(),
        },
        records: tls.records,
        messages,
        certificates: tls.certificates,
        alerts: tls.alerts,
        notes,
        keylog: Vec::new(),
        udp_stream: cap.udp_stream,
        quic: cap.quic_summary.clone(),
        dtls: cap.dtls,
        captured_at: cap.time.map(crate::x509::iso_time),
        key_schedule: cap
            .key_schedule
            .iter()
            .cloned()
            .map(|mut k| {
                k.text = render(lang, &k.text_ref, None);
                k
            })
            .collect(),
    }
}

fn names_list(v: &[u16], f: fn(u16) -> String) -> String {
    let n: Vec<String> = v.iter().filter(|&&x| !is_grease(x)).map(|&x| f(x)).collect();
    if n.is_empty() {
        "—".into()
    } else {
        n.join(", ")
    }
}

fn side(d: Option<Dir>) -> &'static str {
    match d {
        Some(Dir::C2S) => "c2s",
        _ => "s2c",
    }
}

/// Title and explanation for one message, chosen by what the handshake negotiated.
fn texts(m: &Message, tls: &TlsConnection, s: &Summary, enc13: &mut [usize; 2]) -> (TextRef, TextRef) {
    let f = &tls.facts;
    let len = m.span.len.saturating_sub(5).to_string();
    let suite = or_dash(s.cipher_suite_name.clone());
    let name = m.name.as_str();
    if let Some(q) = &m.quic {
        return quic_texts(m, q);
    }
    match (name, m.encrypted) {
        ("ClientHello", _) if m.content_type == crate::tls::record::SSLV2 => {
            let ch = f.client_hello.clone().unwrap_or_default();
            (
                TextRef::new("msg.ClientHello.title.sslv2"),
                TextRef::new("msg.ClientHello.explain.sslv2")
                    .arg("version", registry::version_name(ch.legacy_version))
                    .arg("suites", ch.cipher_suites.len().to_string()),
            )
        }
        ("ClientHello", _) => {
            let ch = f.client_hello.clone().unwrap_or_default();
            let tls13 = ch.ext.supported_versions.contains(&0x0304);
            let key = if f.quic {
                "msg.ClientHello.explain.quic"
            } else if tls13 {
                "msg.ClientHello.explain.tls13"
            } else {
                "msg.ClientHello.explain"
            };
            (
                TextRef::new("msg.ClientHello.title"),
                TextRef::new(key)
                    .arg("suites", ch.cipher_suites.iter().filter(|&&c| !is_grease(c) && c != 0x00ff && c != 0x5600).count().to_string())
                    .arg("sni", or_dash(ch.ext.sni.clone()))
                    .arg("alpn", if ch.ext.alpn.is_empty() { "—".into() } else { ch.ext.alpn.join(", ") })
                    .arg("versions", names_list(&ch.ext.supported_versions, registry::version_name))
                    .arg("key_shares", names_list(&ch.ext.key_share_groups, registry::group_name)),
            )
        }
        ("HelloRetryRequest", _) => {
            let g = s.hrr_group.map(registry::group_name).unwrap_or_else(|| "—".into());
            (TextRef::new("msg.HelloRetryRequest.title"), TextRef::new("msg.HelloRetryRequest.explain").arg("group", g))
        }
        ("ServerHello", _) => {
            let psk = f.server_hello.as_ref().filter(|sh| sh.psk_selected);
            let key = if s.version.is_some_and(|v| v >> 8 == 0x7f && v & 0xff >= 22) {
                "msg.ServerHello.explain.tls13draft.late"
            } else if s.version.is_some_and(|v| v >> 8 == 0x7f) {
                "msg.ServerHello.explain.tls13draft"
            } else if f.is_tls13() && psk.is_some_and(|sh| sh.key_share_group.is_some()) {
                "msg.ServerHello.explain.tls13.psk_dhe"
            } else if f.is_tls13() && psk.is_some() {
                "msg.ServerHello.explain.tls13.psk_ke"
            } else if f.is_tls13() {
                "msg.ServerHello.explain.tls13"
            } else if f.resumed {
                "msg.ServerHello.explain.resumed"
            } else {
                "msg.ServerHello.explain"
            };
            (
                TextRef::new("msg.ServerHello.title"),
                TextRef::new(key)
                    .arg("version", or_dash(s.version_name.clone()))
                    .arg("suite", suite)
                    .arg("alpn", or_dash(s.alpn.clone()))
                    .arg("group", or_dash(s.group_name.clone())),
            )
        }
        ("Certificate", false) => {
            let d = side(m.dir);
            let certs: Vec<_> = tls.certificates.iter().filter(|c| c.span.offset >= m.span.offset && c.span.end() <= m.span.end()).collect();
            let leaf = certs.first();
            (
                TextRef::new(format!("msg.Certificate.title.{d}")),
                TextRef::new(format!("msg.Certificate.explain.{d}"))
                    .arg("count", certs.len().to_string())
                    .arg("subject", leaf.map(|c| c.subject.clone()).unwrap_or_else(|| "—".into()))
                    .arg("issuer", leaf.map(|c| c.issuer.clone()).unwrap_or_else(|| "—".into()))
                    .arg("not_before", leaf.map(|c| c.not_before.clone()).unwrap_or_else(|| "—".into()))
                    .arg("not_after", leaf.map(|c| c.not_after.clone()).unwrap_or_else(|| "—".into()))
                    .arg("sni", or_dash(s.sni.clone())),
            )
        }
        ("ServerKeyExchange", _) => {
            let ske = f.ske.clone().unwrap_or_default();
            let key = match ske.kx {
                Some(KeyExchange::Ecdhe) => "msg.ServerKeyExchange.explain.ecdhe",
                Some(KeyExchange::Dhe) => "msg.ServerKeyExchange.explain.dhe",
                _ => "msg.ServerKeyExchange.explain",
            };
            (
                TextRef::new("msg.ServerKeyExchange.title"),
                TextRef::new(key)
                    .arg("group", ske.group.map(registry::group_name).unwrap_or_else(|| "—".into()))
                    .arg("bits", ske.dh_p_bits.map(|b| b.to_string()).unwrap_or_else(|| "—".into()))
                    .arg(
                        "sig",
                        match ske.sig_scheme {
                            Some(s) => registry::signature_scheme_name(s),
                            // Before TLS 1.2 the version fixes the hash (RFC 4346 §7.4.3, RFC 4492 §5.4).
                            None if tls.certificates.first().is_some_and(|c| c.public_key.starts_with("EC")) => "@word.sig.ecdsa_sha1".into(),
                            None if tls.certificates.first().is_some_and(|c| c.public_key.starts_with("RSA")) => "@word.sig.rsa_md5_sha1".into(),
                            None => "—".into(),
                        },
                    ),
            )
        }
        ("ClientKeyExchange", _) => {
            let key = match f.key_exchange().or(f.ske.as_ref().and_then(|s| s.kx)) {
                Some(KeyExchange::Ecdhe) => "msg.ClientKeyExchange.explain.ecdhe",
                Some(KeyExchange::Dhe) => "msg.ClientKeyExchange.explain.dhe",
                Some(KeyExchange::Rsa) => "msg.ClientKeyExchange.explain.rsa",
                _ => "msg.ClientKeyExchange.explain",
            };
            let body_len = m.span.len.saturating_sub(5 + 4 + 2).to_string();
            (TextRef::new("msg.ClientKeyExchange.title"), TextRef::new(key).arg("len", body_len))
        }
        ("ChangeCipherSpec", _) => {
            let key = if f.is_tls13() || (f.hello_retry && f.server_hello.is_none()) {
                "msg.ChangeCipherSpec.explain.tls13".to_string()
            } else {
                format!("msg.ChangeCipherSpec.explain.{}", side(m.dir))
            };
            (TextRef::new(format!("msg.ChangeCipherSpec.title.{}", side(m.dir))), TextRef::new(key))
        }
        ("Finished", true) => {
            let d = side(m.dir);
            let variant = if f.resumed { ".resumed" } else { "" };
            (TextRef::new(format!("msg.Finished.title.{d}")), TextRef::new(format!("msg.Finished.explain.{d}{variant}")).arg("len", len))
        }
        ("Finished", false) => (TextRef::new("msg.Finished.title.plain"), TextRef::new("msg.Finished.explain.plain")),
        ("EncryptedRecord", _) => {
            let k = if m.dir == Some(Dir::C2S) { 0 } else { 1 };
            enc13[k] += 1;
            // The server's flight comes first; the client's first encrypted record carries its
            // Finished; anything later is application data or post-handshake messages.
            let phase = match (k, enc13[0]) {
                (1, 0) => "server_flight",
                (0, 1) => "client_flight",
                _ => "application",
            };
            (
                TextRef::new(format!("msg.EncryptedRecord.title.{phase}")),
                TextRef::new(format!("msg.EncryptedRecord.explain.{phase}")).arg("len", len),
            )
        }
        ("EncryptedHandshake", _) => (TextRef::new("msg.EncryptedHandshake.title"), TextRef::new("msg.EncryptedHandshake.explain").arg("len", len)),
        ("ApplicationData", _) => (TextRef::new("msg.ApplicationData.title"), TextRef::new("msg.ApplicationData.explain").arg("len", len)),
        ("Alert", true) => (TextRef::new("msg.Alert.title.encrypted"), TextRef::new("msg.Alert.explain.encrypted")),
        ("Alert", false) => {
            let a = m.alert.and_then(|i| tls.alerts.get(i));
            let (name, level) = a.map(|a| (a.name.clone(), a.level)).unwrap_or(("unknown".into(), None));
            // Alerts with a known typical cause have their own text (RFC 8446 §6.2, RFC 5246 §7.2.2).
            let specific = format!("msg.Alert.explain.{name}");
            let key = if name == "close_notify" {
                "msg.Alert.explain.close_notify"
            } else if known(&specific) {
                specific.as_str()
            } else if level == Some(2) {
                "msg.Alert.explain.fatal"
            } else {
                "msg.Alert.explain.warning"
            };
            let level = match level {
                Some(1) => "@word.warning",
                Some(2) => "@word.fatal",
                _ => "@word.unknown_level",
            };
            (TextRef::new("msg.Alert.title").arg("name", name.clone()), TextRef::new(key).arg("name", name).arg("level", level))
        }
        ("Heartbeat", true) => (TextRef::new("msg.Heartbeat.title"), TextRef::new("msg.Heartbeat.explain.encrypted").arg("len", len)),
        ("NewSessionTicket", _) if f.is_tls13() => (TextRef::new("msg.NewSessionTicket.title"), TextRef::new("msg.NewSessionTicket.explain.tls13")),
        ("ServerHelloDone" | "CertificateRequest" | "CertificateVerify" | "NewSessionTicket" | "EncryptedExtensions" | "CompressedCertificate" | "HelloVerifyRequest" | "HelloRequest" | "EndOfEarlyData" | "KeyUpdate" | "CertificateStatus" | "Heartbeat", _) => {
            (TextRef::new(format!("msg.{name}.title")), TextRef::new(format!("msg.{name}.explain")))
        }
        _ => {
            let t = m.msg_type.map(|t| t.to_string()).unwrap_or_else(|| m.content_type.to_string());
            let key = if m.content_type == 22 { "msg.generic.explain" } else { "msg.record.explain" };
            (
                TextRef::new("msg.generic.title").arg("name", name.to_string()),
                TextRef::new(key).arg("name", name.to_string()).arg("type", t),
            )
        }
    }
}

/// Title and explanation of a QUIC packet step.
fn quic_texts(m: &Message, q: &crate::model::QuicPacket) -> (TextRef, TextRef) {
    let t = q.packet_type;
    let key = match (t, m.decrypted) {
        ("initial", true) => format!("msg.quic.initial.explain.{}", side(m.dir)),
        ("initial" | "handshake" | "0rtt" | "1rtt", false) => "msg.quic.protected.explain".to_string(),
        _ => format!("msg.quic.{t}.explain"),
    };
    let frames = if q.frames.is_empty() { "—".to_string() } else { q.frames.join(", ") };
    (
        TextRef::new(format!("msg.quic.{t}.title")),
        TextRef::new(key)
            .arg("type", crate::quic::packet_name(t))
            .arg("pn", q.packet_number.map(|n| n.to_string()).unwrap_or_else(|| "—".into()))
            .arg("frames", frames)
            .arg("dcid", q.dcid.clone())
            .arg("keys", q.keys.clone().unwrap_or_else(|| "—".into()))
            .arg("version", q.version.map(crate::crypto::quic::version_name).unwrap_or_else(|| "—".into())),
    )
}

fn summary(tls: &TlsConnection) -> Summary {
    let f = &tls.facts;
    let mut s = Summary::default();
    let from_bytes = tls.messages.iter().any(|m| m.span.len > 0);
    if let Some(ch) = &f.client_hello {
        s.sni = ch.ext.sni.clone();
        s.alpn_offered = ch.ext.alpn.clone();
        s.supported_versions_offered = ch.ext.supported_versions.clone();
        s.cipher_suites_offered = ch.cipher_suites.clone();
        s.groups_offered = ch.ext.groups.clone();
        s.key_share_groups = ch.ext.key_share_groups.clone();
        s.signature_algorithms = ch.ext.signature_algorithms.clone();
        s.extensions_offered = ch.ext.types.clone();
        // Fingerprints need the real hello bytes (a curl -v log has none).
        // JA3 is defined on the TLS ClientHello only, not on the SSL 2.0 format.
        if from_bytes && !ch.sslv2 {
            let ja3 = fingerprint::ja3_string(ch);
            s.ja3 = Some(fingerprint::md5_hex(ja3.as_bytes()));
            s.ja3_string = Some(ja3);
            let j = fingerprint::ja4(ch, if f.quic { 'q' } else if f.dtls { 'd' } else { 't' });
            s.ja4 = Some(j.ja4);
            s.ja4_r = Some(j.ja4_r);
            s.ja4_o = Some(j.ja4_o);
            s.ja4_ro = Some(j.ja4_ro);
        }
    }
    if let Some(sh) = &f.server_hello {
        let v = sh.version();
        s.version = Some(v);
        s.version_name = Some(registry::version_name(v));
        s.cipher_suite = Some(sh.cipher_suite);
        s.cipher_suite_name = Some(registry::cipher_suite_name(sh.cipher_suite));
        s.cipher_suite_parts = registry::suite_parts(sh.cipher_suite);
        s.alpn = sh.alpn.clone().or_else(|| f.ee_alpn.clone());
        if from_bytes {
            let exts: Vec<String> = sh.extensions.iter().map(|e| e.to_string()).collect();
            let ja3s = format!("{},{},{}", sh.legacy_version, sh.cipher_suite, exts.join("-"));
            s.ja3s = Some(fingerprint::md5_hex(ja3s.as_bytes()));
            s.ja3s_string = Some(ja3s);
        }
    }
    s.hrr_group = f.hrr.as_ref().and_then(|h| h.key_share_group);
    let (kx, group) = match f.key_exchange() {
        Some(KeyExchange::Tls13) => {
            let g = f.server_hello.as_ref().and_then(|sh| sh.key_share_group);
            (Some(if f.server_hello.as_ref().is_some_and(|sh| sh.psk_selected) && g.is_none() { "PSK" } else { "ECDHE (key_share)" }), g)
        }
        Some(KeyExchange::Ecdhe) => (Some("ECDHE"), f.ske.as_ref().and_then(|k| k.group)),
        Some(KeyExchange::Dhe) => (Some("DHE"), None),
        Some(KeyExchange::Rsa) => (Some("RSA"), None),
        Some(KeyExchange::Psk) => (Some("PSK"), None),
        _ => (None, None),
    };
    s.key_exchange = kx.map(|k| k.to_string());
    s.group = group;
    s.group_name = group.map(registry::group_name);
    s.hello_retry = f.hello_retry;
    s.resumed = f.resumed;
    s.client_auth = f.client_auth;
    s
}

fn note(sev: NoteSeverity, r: TextRef) -> Note {
    Note { severity: sev, text: String::new(), span: None, text_ref: r }
}

fn notes(tls: &TlsConnection, s: &Summary, opts: &Options, captured: Option<i64>) -> Vec<Note> {
    use NoteSeverity::*;
    let f = &tls.facts;
    let mut out = Vec::new();
    if tls.messages.iter().any(|m| m.fields.iter().any(|f| f.name == "log line")) {
        out.push(note(Info, TextRef::new("note.log_no_bytes")));
    }
    if tls.dirs_inferred && !tls.messages.is_empty() {
        out.push(note(Info, TextRef::new("note.dirs_inferred")));
    }
    if f.client_hello.as_ref().is_some_and(|ch| ch.sslv2) {
        out.push(note(Warning, TextRef::new("note.sslv2_hello")));
    }
    if let Some(v) = s.version {
        if v < 0x0303 && v >> 8 == 3 {
            out.push(note(Danger, TextRef::new("note.old_version").arg("version", registry::version_name(v))));
        }
    }
    if let Some(cs) = s.cipher_suite {
        let name = registry::cipher_suite_name(cs);
        if ["_RC4_", "_DES_", "_3DES_", "_NULL_", "EXPORT", "_anon_"].iter().any(|w| name.contains(w)) {
            out.push(note(Danger, TextRef::new("note.weak_cipher").arg("suite", name.clone())));
        }
        // RFC 8446 §B.4: the TLS 1.3 suites name only cipher and hash; they cannot be used
        // with an older version, and older suites cannot be used with TLS 1.3.
        let suite13 = registry::suite_key_exchange(cs) == Some(KeyExchange::Tls13);
        if s.version.is_some() && suite13 != f.is_tls13() {
            out.push(note(Danger, TextRef::new("note.suite_version_mismatch").arg("suite", name.clone()).arg("version", s.version_name.clone().unwrap_or_default())));
        }
        if !f.is_tls13() && registry::suite_key_exchange(cs) == Some(KeyExchange::Rsa) {
            out.push(note(Warning, TextRef::new("note.no_forward_secrecy")));
        }
        if matches!(registry::suite_protection(cs, s.version.unwrap_or(0x0303)), RecordProtection::Cbc { .. }) {
            out.push(note(Info, TextRef::new("note.cbc")));
        }
    }
    if let Some(scheme) = f.ske.as_ref().and_then(|k| k.sig_scheme) {
        if scheme >> 8 == 2 {
            out.push(note(Warning, TextRef::new("note.sha1_signature").arg("scheme", registry::signature_scheme_name(scheme))));
        }
    }
    if let Some(sh) = &f.server_hello {
        if let Some(v) = sh.downgrade_sentinel {
            // Only a client that offered TLS 1.3 has been downgraded (RFC 8446 §4.1.3).
            let offered13 = f.client_hello.as_ref().is_some_and(|ch| ch.ext.supported_versions.contains(&0x0304));
            if offered13 {
                out.push(note(Danger, TextRef::new("note.downgrade").arg("version", v)));
            } else {
                out.push(note(Info, TextRef::new("note.downgrade.expected").arg("version", v)));
            }
        }
    }
    if let (Some(sh), false) = (&f.server_hello, f.is_tls13()) {
        // TLS 1.0-1.2 (and SSL 3.0): the two extensions every current configuration requires.
        if !sh.extensions.contains(&23) && !f.resumed {
            out.push(note(Warning, TextRef::new("note.no_ems")));
        }
        if !sh.extensions.contains(&0xff01) {
            out.push(note(Warning, TextRef::new("note.no_reneg_info")));
        }
    }
    if let Some(bits) = f.ske.as_ref().and_then(|k| k.dh_p_bits) {
        if bits < 2048 {
            out.push(note(if bits < 1024 { Danger } else { Warning }, TextRef::new("note.weak_dh").arg("bits", bits.to_string())));
        }
    }
    if let Some(sh) = f.server_hello.as_ref().filter(|sh| sh.psk_selected && f.is_tls13()) {
        out.push(note(if sh.key_share_group.is_some() { Info } else { Warning }, TextRef::new(if sh.key_share_group.is_some() { "note.psk_dhe" } else { "note.psk_ke" })));
    }
    if f.client_hello.as_ref().is_some_and(|ch| ch.ext.types.contains(&42)) {
        out.push(note(Warning, TextRef::new("note.early_data")));
    }
    if f.heartbleed {
        out.push(note(Danger, TextRef::new("note.heartbleed")));
    }
    if f.hello_retry {
        out.push(note(Info, TextRef::new("note.hrr")));
    }
    if f.resumed {
        out.push(note(Info, TextRef::new("note.resumed")));
    }
    if f.is_tls13() && tls.messages.iter().any(|m| m.name == "EncryptedRecord") && !tls.messages.iter().any(|m| m.decrypted) {
        out.push(note(Info, TextRef::new("note.tls13_keys")));
    }
    if f.client_hello.as_ref().is_some_and(|ch| ch.ext.sni.is_none()) {
        out.push(note(Info, TextRef::new("note.no_sni")));
    }
    // Validity when the handshake happened (the capture's time), and today. A certificate of
    // an old capture that has expired since was fine when it was used.
    let now = opts.now.map(crate::x509::iso_time);
    // Timestamps before SSL existed (1995) are a capture clock that was never set.
    let then = captured.filter(|&t| t >= 788_918_400).map(crate::x509::iso_time);
    for c in &tls.certificates {
        let cert = |key: &str| TextRef::new(key).arg("subject", c.subject.clone()).arg("not_after", c.not_after.clone()).arg("not_before", c.not_before.clone());
        match (&then, &now) {
            (Some(t), _) if *t > c.not_after => out.push(note(Danger, cert("note.cert_expired.at_capture").arg("captured", t.clone()))),
            (Some(t), _) if *t < c.not_before => out.push(note(Warning, cert("note.cert_not_yet_valid.at_capture").arg("captured", t.clone()))),
            (Some(t), Some(n)) if *n > c.not_after => out.push(note(Info, cert("note.cert_expired.since_capture").arg("captured", t.clone()))),
            (Some(_), _) => {}
            (None, Some(n)) if *n > c.not_after => out.push(note(Danger, cert("note.cert_expired"))),
            (None, Some(n)) if *n < c.not_before => out.push(note(Danger, cert("note.cert_not_yet_valid"))),
            (None, _) => {}
        }
    }
    // The server's certificate comes first: it is sent before any client certificate.
    if let (Some(leaf), Some(sni)) = (tls.certificates.first(), s.sni.as_ref()) {
        if !leaf.san.is_empty() && !leaf.san.iter().any(|n| name_matches(n.strip_prefix("DNS:").unwrap_or(n), sni)) {
            out.push(note(Warning, TextRef::new("note.sni_mismatch").arg("sni", sni.clone()).arg("san", leaf.san.join(", "))));
        }
        if leaf.self_signed {
            out.push(note(Warning, TextRef::new("note.self_signed").arg("subject", leaf.subject.clone())));
        }
    }
    // Certificates: key size, signature hash, and the order of the server's chain (each
    // certificate is issued by the next one, RFC 8446 §4.4.2, RFC 5246 §7.4.2).
    for c in &tls.certificates {
        if let Some(bits) = c.public_key.strip_prefix("RSA ").and_then(|r| r.strip_suffix(" bit")).and_then(|b| b.parse::<u32>().ok()) {
            if bits < 2048 {
                out.push(note(Danger, TextRef::new("note.weak_cert_key").arg("subject", c.subject.clone()).arg("key", c.public_key.clone())));
            }
        }
        let alg = c.signature_algorithm.to_ascii_lowercase();
        if !c.self_signed && (alg.contains("sha1") || alg.contains("md5")) {
            out.push(note(Warning, TextRef::new("note.cert_weak_signature").arg("subject", c.subject.clone()).arg("alg", c.signature_algorithm.clone())));
        }
    }
    if let Some(m) = tls.messages.iter().find(|m| m.name == "Certificate" && m.dir == Some(Dir::S2C)) {
        let chain: Vec<_> = tls.certificates.iter().filter(|c| c.span.offset >= m.span.offset && c.span.end() <= m.span.end()).collect();
        if let Some(w) = chain.windows(2).find(|w| w[0].issuer != w[1].subject) {
            out.push(note(Warning, TextRef::new("note.chain_order").arg("subject", w[0].subject.clone()).arg("issuer", w[0].issuer.clone()).arg("next", w[1].subject.clone())));
        }
    }
    for (k, a) in tls.alerts.iter().enumerate() {
        if a.level == Some(2) {
            // After both sides' Finished the handshake is over: the alert ends the connection.
            let before = tls.messages.iter().position(|m| m.alert == Some(k)).map_or(&[][..], |at| &tls.messages[..at]);
            let finished = |d: Dir| before.iter().any(|m| m.name == "Finished" && m.dir == Some(d));
            let key = if finished(Dir::C2S) && finished(Dir::S2C) { "note.fatal_alert.after" } else { "note.fatal_alert" };
            out.push(note(Danger, TextRef::new(key).arg("name", a.name.clone())));
        }
    }
    // After a weakness of the configuration: what a good one looks like.
    const CONFIG: [&str; 12] = [
        "note.old_version",
        "note.weak_cipher",
        "note.no_forward_secrecy",
        "note.sha1_signature",
        "note.no_ems",
        "note.no_reneg_info",
        "note.weak_dh",
        "note.psk_ke",
        "note.weak_cert_key",
        "note.cert_weak_signature",
        "note.sslv2_hello",
        "note.suite_version_mismatch",
    ];
    if out.iter().any(|n| CONFIG.contains(&n.text_ref.key.as_str())) {
        out.push(note(Info, TextRef::new("note.good_config")));
    }
    out
}

/// RFC 6125 §6.4.3: a leading "*." wildcard matches exactly one label.
fn name_matches(pattern: &str, host: &str) -> bool {
    let (p, h) = (pattern.to_ascii_lowercase(), host.trim_end_matches('.').to_ascii_lowercase());
    match p.strip_prefix("*.") {
        Some(rest) => h.split_once('.').is_some_and(|(first, tail)| !first.is_empty() && tail == rest),
        None => p == h,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_one_label() {
        assert!(name_matches("*.example.com", "www.example.com"));
        assert!(!name_matches("*.example.com", "a.b.example.com"));
        assert!(!name_matches("*.example.com", "example.com"));
        assert!(name_matches("Example.COM", "example.com."));
    }

    #[test]
    fn render_fills_placeholders_and_falls_back() {
        let r = TextRef::new("msg.Alert.title").arg("name", "close_notify");
        assert_eq!(render(Lang::En, &r, None), "Alert: close_notify");
        assert_eq!(render(Lang::En, &TextRef::new("no.such.key"), None), "no.such.key");
    }
}

#[cfg(all(test, feature = "full"))]
mod table_tests {
    use super::*;
    use std::collections::BTreeSet;

    fn keys(lang: Lang) -> Vec<&'static str> {
        lang.table().iter().map(|(k, _)| *k).collect()
    }

    fn placeholders(s: &str) -> BTreeSet<String> {
        s.split('{').skip(1).filter_map(|p| p.split_once('}').map(|(n, _)| n.to_string())).collect()
    }

    #[test]
    fn texts_hold_no_tab_or_line_break() {
        // texts_tsv's format for the lite core depends on it.
        for lang in [Lang::En, Lang::Zh] {
            for (k, v) in lang.table() {
                assert!(!k.contains(['\t', '\n', '\r']) && !v.contains(['\t', '\n', '\r']), "{k}");
            }
            assert_eq!(texts_tsv(lang).lines().count(), lang.table().len());
        }
    }

    #[test]
    fn both_languages_have_the_same_keys_and_placeholders() {
        let (en, zh) = (keys(Lang::En), keys(Lang::Zh));
        let (se, sz): (BTreeSet<_>, BTreeSet<_>) = (en.iter().collect(), zh.iter().collect());
        assert_eq!(se.len(), en.len(), "duplicate key in en");
        assert_eq!(sz.len(), zh.len(), "duplicate key in zh");
        let missing_zh: Vec<_> = se.difference(&sz).collect();
        let orphan_zh: Vec<_> = sz.difference(&se).collect();
        assert!(missing_zh.is_empty(), "keys missing in zh: {missing_zh:?}");
        assert!(orphan_zh.is_empty(), "keys only in zh: {orphan_zh:?}");
        for (k, v) in en::TEXTS {
            let z = lookup(Lang::Zh, k).unwrap_or_default();
            assert_eq!(placeholders(v), placeholders(z), "placeholders differ for {k}");
            let only_placeholders = placeholders(v).iter().fold(v.to_string(), |t, p| t.replace(&format!("{{{p}}}"), "")).trim().is_empty();
            if !only_placeholders {
                assert!(z.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "zh text for {k} has no Chinese: {z}");
            }
        }
    }

    /// String literals in the sources that look like text keys, e.g. "field.ClientHello.random"
    /// or format!("msg.{name}.title") (placeholders become wildcards).
    fn source_keys() -> Vec<String> {
        let mut out = Vec::new();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut stack = vec![root];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "rs") && !p.ends_with("en.rs") && !p.ends_with("zh.rs") {
                    let text = std::fs::read_to_string(&p).unwrap_or_default();
                    for lit in text.split('"').skip(1).step_by(2) {
                        // "@key" arguments are looked up as keys too (see `render`).
                        let lit = lit.strip_prefix('@').unwrap_or(lit);
                        if ["msg.", "field.", "ext.", "note.", "value.", "diff.", "word."].iter().any(|pre| lit.starts_with(pre)) && !lit.contains(' ') && !lit.ends_with('.') {
                            out.push(lit.to_string());
                        }
                    }
                }
            }
        }
        out
    }

    /// `{...}` in a pattern matches any run of characters, including none.
    fn glob_match(pattern: &str, key: &str) -> bool {
        match pattern.find('{') {
            None => pattern == key,
            Some(i) => {
                let rest = pattern[i..].split_once('}').map(|x| x.1).unwrap_or("");
                key.starts_with(&pattern[..i]) && (i..=key.len()).any(|j| key.is_char_boundary(j) && glob_match(rest, &key[j..]))
            }
        }
    }

    #[test]
    fn glob_matches_placeholders() {
        assert!(glob_match("msg.Finished.explain.{d}{variant}", "msg.Finished.explain.c2s"));
        assert!(glob_match("msg.{name}.title", "msg.ServerHelloDone.title"));
        assert!(!glob_match("msg.{name}.title", "msg.Finished.title.c2s"));
    }

    #[test]
    fn every_literal_key_exists_and_every_table_key_is_used() {
        let src = source_keys();
        assert!(src.len() > 50, "found only {} keys in the sources", src.len());
        for k in src.iter().filter(|k| !k.contains('{')) {
            assert!(lookup(Lang::En, k).is_some(), "key used in the code but missing from en.rs: {k}");
        }
        for k in keys(Lang::En) {
            assert!(src.iter().any(|p| glob_match(p, k)), "orphaned key in en.rs (no code uses it): {k}");
        }
    }
}
