//! Explanation stage: the TLS view of a connection -> titles, explanations, field notes,
//! summary and security notes, in the chosen language. Texts are data (`en.rs`, `zh.rs`),
//! built in with the `texts` feature (CLI, tests); the page's cores are given them at run time
//! instead (`set_texts`, from the `texts-<lang>.tsv` files `tls-lens texts` writes), so that
//! they carry neither language.

#[cfg(feature = "texts")]
mod en;
#[cfg(feature = "texts")]
mod zh;

use crate::code::{CipherSuite, ExtensionType, HandshakeType, SignatureScheme};
use crate::input::Capture;
use crate::model::{Chunk, Connection, Field, Message, Note, NoteSeverity, StreamView, Summary, TextRef, Timing};
use crate::model::Dir;
use crate::handshake::{answered_hello, psk_mode_name, resumed};
use crate::model::Handshake;
use crate::registry::{self, alert, ct, ext, ht, is_grease, spec_rfc, suite, ver, KeyExchange, RecordProtection};
use crate::reader::hexs;
use crate::tls::TlsConnection;
use crate::fingerprint;

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
    #[cfg(feature = "texts")]
    pub fn table(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Lang::En => en::TEXTS,
            Lang::Zh => zh::TEXTS,
        }
    }
}

/// How to analyse and explain.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub lang: Lang,
    /// Current time (Unix seconds) for "is this certificate valid now" notes; the wasm shim
    /// passes the browser's clock, the CLI the system clock. None: no such notes.
    pub now: Option<i64>,
    /// Only what a summary needs (for `scan`): messages keep their names and spans but get no
    /// titles, explanations or fields, and `stream.hex` stays empty.
    pub summary_only: bool,
    /// For captures: explain only this connection (Wireshark's `tcp.stream` number).
    pub only_stream: Option<usize>,
    /// For captures: explain only this QUIC connection (Wireshark's `udp.stream` number).
    pub only_udp_stream: Option<usize>,
    /// Key log text (SSLKEYLOGFILE) given beside the input, e.g. `--keylog FILE`.
    pub keylog: String,
}

type Index = std::collections::HashMap<&'static str, &'static str>;
static INDEX: [std::sync::OnceLock<Index>; 2] = [std::sync::OnceLock::new(), std::sync::OnceLock::new()];

/// The language's texts by key: built in, or (lite core) as given to `set_texts`.
fn index(lang: Lang) -> Option<&'static Index> {
    #[cfg(feature = "texts")]
    return Some(INDEX[lang as usize].get_or_init(|| lang.table().iter().copied().collect()));
    #[cfg(not(feature = "texts"))]
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
#[cfg(feature = "texts")]
pub fn texts_tsv(lang: Lang) -> String {
    let mut all: Vec<(&str, &str)> = lang.table().to_vec();
    all.sort_unstable();
    all.iter().map(|(k, v)| format!("{k}\t{v}\n")).collect()
}

/// A page core's texts for `lang`, as `texts_tsv` writes them. Once per language (later calls
/// are ignored).
#[cfg(not(feature = "texts"))]
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
/// with `{placeholders}` replaced. An argument "@key" is itself a text of the table (a word,
/// or a sentence that is there only for some handshakes), filled with the same arguments.
pub fn render(lang: Lang, r: &TextRef, value: Option<&str>) -> String {
    fill(lang, &r.key, &r.args, value, 2)
}

fn fill(lang: Lang, key: &str, args: &[(&'static str, String)], value: Option<&str>, depth: u8) -> String {
    let template = lookup(lang, key).or_else(|| lookup(Lang::En, key)).unwrap_or(key);
    // One pass over the template, so that a value (an SNI, say) that holds "{...}" is never
    // filled in again.
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let Some(j) = after.find('}') else {
            out.push_str(&rest[i..]);
            rest = "";
            break;
        };
        let name = &after[..j];
        let arg = args.iter().find(|(k, _)| *k == name).map(|(_, v)| v.as_str());
        match (arg, name) {
            // "@key" names a text of the tables; anything else (an SNI or a log line that starts
            // with "@") is written as it is.
            (Some(v), _) => match v.strip_prefix('@').filter(|sub| known(sub)) {
                Some(sub) if depth > 0 => out.push_str(&fill(lang, sub, args, value, depth - 1)),
                Some(sub) => out.push_str(lookup(lang, sub).or_else(|| lookup(Lang::En, sub)).unwrap_or(v)),
                None => out.push_str(v),
            },
            (None, "value") if value.is_some() => out.push_str(value.unwrap_or_default()),
            _ => out.push_str(&rest[i..i + j + 2]),
        }
        rest = &after[j + 1..];
    }
    out.push_str(rest);
    out
}

/// Write each diagnostic's message in `lang`.
pub fn diagnostics(lang: Lang, ds: &mut [crate::model::Diagnostic]) {
    for d in ds {
        d.message = render(lang, &d.text, None);
    }
}

fn resolve_fields(lang: Lang, fields: &mut [Field]) {
    for f in fields {
        if let Some(r) = &f.value_ref {
            f.value = render(lang, r, None);
        }
        if let Some(r) = &f.note_ref {
            f.note = Some(render(lang, r, Some(&f.value)));
        }
        resolve_fields(lang, &mut f.children);
    }
}

/// Each message's `time_us`: when the packet that brought its last byte was captured, after the
/// connection's first packet (the chunk that holds that byte knows its frame's time).
fn set_times(messages: &mut [Message], cap: &Capture) {
    let Some(start) = cap.start else { return };
    for m in messages.iter_mut() {
        let last = m.pieces.last().copied().unwrap_or(m.span);
        if last.len == 0 {
            continue;
        }
        let at = last.end() - 1;
        let i = cap.chunks.partition_point(|c| c.offset + c.len <= at);
        // (Interfaces of a pcapng may have far-apart time offsets: a difference that does not
        // fit is no time.)
        if let Some(d) = cap.chunks.get(i).filter(|c| c.offset <= at).and_then(|c| c.time).and_then(|t| t.checked_sub(start)) {
            m.time_us = Some(d);
        }
    }
}

/// From the first ClientHello to the server's first answer and to the last Finished of that
/// handshake (a renegotiation's ClientHello after a Finished starts another one).
fn timing(messages: &[Message]) -> Option<Timing> {
    let hs = |t: HandshakeType, d: Dir| messages.iter().filter(move |m| m.msg_type == Some(t) && m.dir == Some(d) && m.time_us.is_some());
    let hello = hs(ht::CLIENT_HELLO, Dir::C2S).next()?.time_us?;
    // The server's first answer: its ServerHello (a HelloRetryRequest is one), or a DTLS
    // server's HelloVerifyRequest (RFC 6347 §4.2.1).
    let answer = messages.iter().find(|m| matches!(m.msg_type, Some(ht::SERVER_HELLO | ht::HELLO_VERIFY_REQUEST)) && m.dir == Some(Dir::S2C) && m.time_us.is_some()).and_then(|m| m.time_us);
    let first_finished = messages.iter().position(|m| m.msg_type == Some(ht::FINISHED));
    let end = first_finished.and_then(|f| messages[f..].iter().position(|m| m.msg_type == Some(ht::CLIENT_HELLO) && !m.encrypted).map(|k| f + k)).unwrap_or(messages.len());
    let finished = messages[..end].iter().filter(|m| m.msg_type == Some(ht::FINISHED)).filter_map(|m| m.time_us).max();
    let after = |t: Option<i64>| t.and_then(|t| t.checked_sub(hello));
    let out = Timing { server_hello_us: after(answer), finished_us: after(finished) };
    (out != Timing::default()).then_some(out)
}

/// The stream's chunks for the contract: cut where bytes that did not travel as they are begin
/// and end (records rebuilt from plaintext, by a key log or a tool log that printed it; QUIC's
/// decrypted frames), those marked `rebuilt`. (A tool log's records are pushed as they come, so
/// one chunk can hold both kinds.)
fn chunk_view(cap: &Capture) -> Vec<Chunk> {
    let mut out = Vec::with_capacity(cap.chunks.len());
    for c in &cap.chunks {
        let end = c.offset + c.len;
        let mut from = c.offset;
        while from < end {
            // The rebuilt range this byte is in, and where the kind of bytes changes next.
            let inside = cap.decrypted.iter().find(|&&(o, l)| (o..o + l).contains(&from));
            let to = match inside {
                Some(&(o, l)) => o + l,
                None => cap.decrypted.iter().map(|&(o, _)| o).filter(|&o| o > from).min().unwrap_or(end),
            }
            .min(end);
            let rebuilt = inside.is_some() || c.layer == Some("quic-frames");
            out.push(Chunk { dir: c.dir, offset: from, len: to - from, frame: c.frame, layer: c.layer, rebuilt });
            from = to;
        }
    }
    out
}

fn or_dash(s: Option<String>) -> String {
    s.filter(|s| !s.is_empty()).unwrap_or_else(|| "—".into())
}

/// Build the explained connection.
pub fn connection(id: usize, cap: &Capture, mut tls: TlsConnection, hs: Handshake, opts: &Options) -> Connection {
    let lang = opts.lang;
    let mut summary = summary(&tls, &hs);
    if let Some(p) = summary.cipher_suite_parts.as_mut() {
        for f in [&mut p.key_exchange, &mut p.authentication, &mut p.cipher, &mut p.mode, &mut p.mac, &mut p.prf] {
            *f = word(lang, f);
        }
    }
    // (In Unix seconds, as certificates are judged.)
    let captured = cap.start.map(|t| t.div_euclid(1_000_000));
    let mut notes = notes(&tls, &hs, &summary, opts, captured);
    let advice = good_config(&notes, opts);
    notes.extend(cap.notes.iter().chain(tls.notes.iter()).map(|(sev, r)| Note { severity: *sev, text: String::new(), span: None, text_ref: r.clone() }));
    // Most severe first; the advice on a good configuration closes the list.
    crate::reader::sort_by_u64(&mut notes, |n| 255 - n.severity as u64);
    notes.extend(advice);
    for n in notes.iter_mut() {
        n.text = render(lang, &n.text_ref, None);
    }
    let mut messages = std::mem::take(&mut tls.messages);
    set_times(&mut messages, cap);
    summary.timing = timing(&messages);
    let mut walk = Walk { decrypted: messages.iter().any(|m| m.decrypted), ..Default::default() };
    // A record that a key log opened is followed by what it held, marked decrypted.
    let opened: Vec<Option<(Option<HandshakeType>, String)>> = (0..messages.len())
        .map(|i| messages.get(i + 1).filter(|n| n.decrypted && n.span.offset >= messages[i].span.end()).map(|n| (n.msg_type.filter(|_| n.content_type == ct::HANDSHAKE), n.name.clone())))
        .collect();
    // The last handshake message that begins in each opened record (its messages follow it): a
    // later record that begins none holds more of that one.
    let opened_last: Vec<Option<String>> = (0..messages.len())
        .map(|i| {
            let run = messages[i + 1..].iter().take_while(|n| n.decrypted && n.span.offset >= messages[i].span.end());
            run.filter(|n| n.content_type == ct::HANDSHAKE).last().map(|n| n.name.clone())
        })
        .collect();
    let opened_alerts: Vec<Option<String>> = (0..messages.len())
        .map(|i| messages.get(i + 1).filter(|n| n.decrypted && n.content_type == ct::ALERT).and_then(|n| n.alert).and_then(|a| tls.alerts.get(a)).map(|a| a.name.clone()))
        .collect();
    // An encrypted alert that the key log opened is listed once, as what it held.
    let opened_encrypted: Vec<usize> = messages.iter().zip(&opened_alerts).filter(|(_, o)| o.is_some()).filter_map(|(m, _)| m.alert).filter(|&k| tls.alerts.get(k).is_some_and(|a| a.encrypted)).collect();
    // The client proved its certificate's key by a CertificateVerify (plaintext or decrypted).
    let client_signed = messages.iter().any(|m| m.msg_type == Some(ht::CERTIFICATE_VERIFY) && m.dir == Some(Dir::C2S) && !m.encrypted);
    walk.client_answer = match (client_signed, tls.facts.client_certificate_empty) {
        (true, _) => "auth",
        (false, Some(true)) => "empty",
        (false, Some(false)) => "sent",
        // Its records were opened but hold none of it: not in the input.
        (false, None) if walk.decrypted => "absent",
        _ => "unknown",
    };
    for (i, m) in messages.iter_mut().enumerate() {
        if opts.summary_only {
            m.fields = Vec::new();
            continue;
        }
        walk.opened = opened[i].is_some();
        walk.plain = tls.app_plain.iter().find(|&&(o, _)| o == m.span.offset).map(|&(_, l)| l);
        walk.more = tls.hs_plain.iter().find(|&&(o, _)| o == m.span.offset).map(|&(_, l)| l);
        (walk.inner, walk.inner_name) = opened[i].clone().unwrap_or_default();
        walk.inner_last = opened_last[i].clone();
        walk.opened_alert = None;
        if walk.opened && m.content_type == ct::ALERT {
            walk.opened_alert = opened_alerts.get(i).cloned().flatten();
        }
        let (t, e) = texts(m, &tls, &hs, &summary, &mut walk);
        connection_field_notes(&mut m.fields, &summary, &hs, &tls.facts, &cap.data, client_signed, cap.quic);
        let mut e = e.arg("spec", spec_rfc(hs.version));
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
        handshake: hs,
        stream: StreamView {
            hex: if opts.summary_only { String::new() } else { hexs(&cap.data) },
            chunks: chunk_view(cap),
        },
        records: tls.records,
        messages,
        certificates: tls.certificates,
        alerts: tls.alerts.into_iter().enumerate().filter(|(k, _)| !opened_encrypted.contains(k)).map(|(_, a)| a).collect(),
        notes,
        keylog: Vec::new(),
        udp_stream: cap.udp_stream,
        quic: tls.quic.take(),
        dtls: cap.dtls,
        captured_at: captured.map(crate::x509::iso_time),
        captured_us: cap.start,
        key_schedule: std::mem::take(&mut tls.key_schedule)
            .into_iter()
            .map(|mut k| {
                k.text = render(lang, &k.text_ref, None);
                for v in &mut k.values {
                    if let Some(r) = &v.name_ref {
                        v.name = render(lang, r, None);
                    }
                    if let Some(r) = &v.formula_ref {
                        v.formula = render(lang, r, None);
                    }
                }
                k
            })
            .collect(),
    }
}

fn names_list(v: impl IntoIterator<Item = u16>, f: fn(u16) -> String) -> String {
    let n: Vec<String> = v.into_iter().filter(|&x| !is_grease(x)).map(f).collect();
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

/// Where the walk over a connection's messages is: what came before the message at hand.
#[derive(Default)]
struct Walk {
    /// Encrypted TLS 1.3 records seen per direction (c2s, s2c).
    enc13: [usize; 2],
    /// A HelloRetryRequest has been explained: the next ClientHello is the retry.
    after_retry: bool,
    /// A DTLS HelloVerifyRequest has been explained: the next ClientHello carries its cookie.
    after_hvr: bool,
    /// Handshake message types seen so far (for what a Finished covers).
    seen: Vec<(Option<Dir>, HandshakeType)>,
    /// Some record of the connection was decrypted with a key log.
    decrypted: bool,
    /// The message at hand is a record that the key log opened (its content follows): the
    /// handshake type and name of what it held.
    opened: bool,
    inner: Option<HandshakeType>,
    inner_name: String,
    /// Client records taken for 0-RTT data (without keys).
    early13: usize,
    /// The plaintext length of the application data record at hand, when a key log opened it.
    plain: Option<usize>,
    /// The handshake plaintext length of the TLS 1.3 record at hand, when a key log opened it.
    more: Option<usize>,
    /// The last handshake message each side's opened records began (c2s, s2c): a record that
    /// begins none holds more of it.
    last_inner: [String; 2],
    /// The last handshake message that begins in the opened record at hand.
    inner_last: Option<String>,
    /// What the client answered a TLS 1.3 CertificateRequest with, as far as the input shows:
    /// "auth" (a CertificateVerify), "empty" (an empty certificate_list), "sent" (certificates,
    /// no CertificateVerify in the input), "absent" (decrypted, but not in the input), "unknown"
    /// (encrypted).
    client_answer: &'static str,
    /// The alert a key log found inside the encrypted alert record at hand.
    opened_alert: Option<String>,
    /// Each side's Finished has been sent (c2s, s2c): in plaintext or decrypted, or in TLS
    /// 1.0-1.2 the encrypted handshake record after that side's ChangeCipherSpec, which is its
    /// Finished (RFC 5246 §7.4.9).
    fin: [bool; 2],
    /// The last handshake message so far, with its sender (an encrypted TLS 1.0-1.2 one is
    /// its Finished).
    last_hs: Option<(Option<Dir>, HandshakeType)>,
    /// Application data records seen after the handshake.
    app: usize,
    /// `last_hs` before the message at hand (what an encrypted Finished covers last).
    before_hs: Option<(Option<Dir>, HandshakeType)>,
}

/// An optional sentence: "@key" when `cond`, else nothing.
fn opt(cond: bool, key: &'static str) -> String {
    if cond {
        format!("@{key}")
    } else {
        String::new()
    }
}

/// The (EC)DHE secret and the transcript hash name for a TLS 1.0-1.2 suite's PRF.
fn prf_hash(version: Option<u16>, suite: Option<CipherSuite>) -> &'static str {
    match (version, suite.and_then(registry::suite_parts).map(|p| p.prf)) {
        (Some(v), _) if v < ver::TLS12 => "MD5 + SHA-1",
        (_, Some(p)) if p == "SHA-384" => "SHA-384",
        _ => "SHA-256",
    }
}

/// Title and explanation for one message, written from the handshake model and the message's
/// own values.
fn texts(m: &Message, tls: &TlsConnection, hs: &Handshake, s: &Summary, w: &mut Walk) -> (TextRef, TextRef) {
    let f = &tls.facts;
    // Record and handshake header lengths: DTLS's are 13 and 12 bytes (RFC 6347 §4.1, §4.2.2),
    // also around decrypted plaintext.
    let rec = if f.dtls { 13 } else { 5 };
    let hsh = if f.dtls { 12 } else { 4 };
    let len = m.span.len.saturating_sub(rec).to_string();
    let suite = or_dash(s.cipher_suite_name.clone());
    let name = m.name.as_str();
    if let Some(q) = &m.quic {
        return quic_texts(m, q);
    }
    let tls13 = f.is_tls13();
    let code = if m.content_type == ct::HANDSHAKE { m.msg_type } else { None };
    // A HelloRetryRequest is a ServerHello by its type (RFC 8446 §4.1.4): the first one of a
    // handshake that had a retry.
    let retry = code == Some(ht::SERVER_HELLO) && !m.encrypted && hs.hello_retry.is_some() && !w.seen.iter().any(|&(_, t)| t == ht::SERVER_HELLO);
    w.before_hs = w.last_hs;
    if let Some(t) = code.filter(|_| !m.encrypted) {
        w.seen.push((m.dir, t));
        w.last_hs = Some((m.dir, t));
    }
    let k = if m.dir == Some(Dir::C2S) { 0 } else { 1 };
    if code == Some(ht::FINISHED) && !m.encrypted {
        w.fin[k] = true;
    }
    if !tls13 && m.content_type == ct::HANDSHAKE && m.encrypted && !w.fin[k] {
        w.fin[k] = true;
        w.last_hs = Some((m.dir, ht::FINISHED));
    }
    // Decided on code points: content type, handshake type, and whether the record was
    // protected; the name only builds the text key of the simple messages.
    use ct::{HEARTBEAT, SSLV2};
    let (c, e) = (m.content_type, m.encrypted);
    match (c, code, e) {
        (SSLV2, _, _) => {
            let ch = f.client_hello.clone().unwrap_or_default();
            (
                TextRef::new("msg.ClientHello.title.sslv2"),
                TextRef::new("msg.ClientHello.explain.sslv2")
                    .arg("version", registry::version_name(ch.legacy_version))
                    .arg("suites", ch.cipher_suites.len().to_string()),
            )
        }
        (ct::HANDSHAKE, Some(ht::CLIENT_HELLO), false) => client_hello_texts(tls, hs, w),
        (ct::HANDSHAKE, Some(ht::SERVER_HELLO), false) if retry => {
            w.after_retry = true;
            let r = hs.hello_retry.clone().unwrap_or_default();
            let g = r.group.map(|g| g.name()).unwrap_or_else(|| "—".into());
            let key = if r.group.is_some() { "msg.HelloRetryRequest.explain" } else { "msg.HelloRetryRequest.explain.cookie_only" };
            (
                TextRef::new("msg.HelloRetryRequest.title"),
                TextRef::new(key)
                    .arg("group", g)
                    .arg("s_cookie", opt(r.cookie, "msg.HelloRetryRequest.s.cookie"))
                    .arg("cookie", f.hrr.as_ref().and_then(|h| h.cookie_len).unwrap_or(0).to_string()),
            )
        }
        (ct::HANDSHAKE, Some(ht::SERVER_HELLO), false) => {
            let key = if s.version.is_some_and(|v| v >> 8 == 0x7f && v & 0xff >= 22) {
                "msg.ServerHello.explain.tls13draft.late"
            } else if s.version.is_some_and(|v| v >> 8 == 0x7f) {
                "msg.ServerHello.explain.tls13draft"
            } else {
                match hs.mode {
                    "psk_dhe" => "msg.ServerHello.explain.tls13.psk_dhe",
                    "psk_ke" => "msg.ServerHello.explain.tls13.psk_ke",
                    _ if tls13 && hs.group.is_some() => "msg.ServerHello.explain.tls13",
                    _ if tls13 => "msg.ServerHello.explain.tls13.nogroup",
                    "ticket" => "msg.ServerHello.explain.resumed.ticket",
                    "session_id" => "msg.ServerHello.explain.resumed",
                    _ if hs.from_log => "msg.ServerHello.explain.log",
                    _ => "msg.ServerHello.explain",
                }
            };
            let offered = answered_psk_count(hs);
            (
                TextRef::new("msg.ServerHello.title"),
                TextRef::new(key)
                    .arg("version", or_dash(s.version_name.clone()))
                    .arg("suite", suite)
                    .arg("alpn", or_dash(s.alpn.clone()))
                    // A log says which protocol the server chose, that it chose none, or nothing.
                    .arg("s_log_alpn", match (&s.alpn, tls.log_alpn_refused) {
                        (Some(_), _) => "@msg.ServerHello.s.log_alpn.chosen",
                        (None, true) => "@msg.ServerHello.s.log_alpn.none",
                        (None, false) => "@msg.ServerHello.s.log_alpn.unknown",
                    })
                    .arg("offered", answered_hello(tls).map(|c| c.ext.alpn.join(", ")).filter(|a| !a.is_empty()).unwrap_or_else(|| "—".into()))
                    .arg("group", or_dash(s.group_name.clone()))
                    .arg("identity", hs.psk_selected_identity.map(|i| i.to_string()).unwrap_or_else(|| "—".into()))
                    .arg("psk_ids", offered)
                    .arg("s_retry", opt(hs.hello_retry.is_some() && tls13, "msg.ServerHello.s.after_retry"))
                    .arg("s_alpn", match h2_prohibited(s, tls13) {
                        Some(_) => "@msg.ServerHello.s.alpn.h2_prohibited".to_string(),
                        None => opt(s.alpn.is_some() && !tls13, "msg.ServerHello.s.alpn"),
                    })
                    .arg("why", h2_prohibited(s, tls13).unwrap_or_default())
                    .arg("s_echo", opt(hs.mode == "ticket" && hs.session_id_presented && f.server_hello.as_ref().zip(answered_hello(tls)).is_some_and(|(sh, ch)| sh.session_id == ch.session_id), "msg.ServerHello.s.ticket_echo"))
                    .arg("s_ems", match (hs.extended_master_secret, hs.mode) {
                        (Some(true), "full") => "@msg.ServerHello.s.ems".into(),
                        // RFC 7627 §5.2: without it the master secret is not bound to this
                        // handshake.
                        (Some(false), "full") if answered_hello(tls).is_some_and(|ch| ch.ext.types.contains(&ext::EXTENDED_MASTER_SECRET)) => "@msg.ServerHello.s.no_ems".into(),
                        (Some(false), "full") => "@msg.ServerHello.s.no_ems.unoffered".into(),
                        _ => String::new(),
                    })
                    // How the triple handshake attack reaches equal master secrets with this key
                    // exchange (RFC 7627 §1).
                    .arg("s_tha", match hs.key_exchange {
                        Some("rsa") => "@msg.ServerHello.s.tha.rsa",
                        Some("dhe") => "@msg.ServerHello.s.tha.dhe",
                        Some("ecdhe") => "@msg.ServerHello.s.tha.ecdhe",
                        _ => "",
                    })
                    // A suite RFC 10015 retires from TLS 1.2 (or discourages), told where it is chosen.
                    .arg("s_discouraged", match (s.cipher_suite.and_then(registry::suite_kex_discouraged), hs.version) {
                        (Some(_), Some(ver::TLS12 | ver::DTLS12)) => "@msg.ServerHello.s.discouraged".to_string(),
                        _ => String::new(),
                    })
                    .arg("s_rule", s.cipher_suite.and_then(registry::suite_kex_discouraged).map(|d| format!("@field.cipher_suite.s.rfc10015.{}", d.key())).unwrap_or_default())
                    // With a CBC suite, which MAC order the records use (RFC 7366 §2, §3).
                    .arg("s_etm", match hs.encrypt_then_mac {
                        _ if tls13 => String::new(),
                        Some(true) => "@msg.ServerHello.s.etm".into(),
                        Some(false) if cbc(s) && answered_hello(tls).is_some_and(|ch| ch.ext.types.contains(&ext::ENCRYPT_THEN_MAC)) => "@msg.ServerHello.s.etm_declined".into(),
                        Some(false) if cbc(s) => "@msg.ServerHello.s.etm_unoffered".into(),
                        _ => String::new(),
                    })
                    // RFC 7627 §1: the binding rests on Finished values that the triple
                    // handshake attack makes equal across two connections when the master
                    // secret is not bound to the transcript.
                    .arg("s_reneg", match hs.extended_master_secret {
                        _ if tls13 || hs.renegotiation_info != Some(true) => String::new(),
                        Some(false) => "@msg.ServerHello.s.reneg.no_ems".into(),
                        _ => "@msg.ServerHello.s.reneg".into(),
                    })
                    .arg("rfc", match hs.version {
                        Some(v) if v < ver::TLS10 => "RFC 6101 §5.6.1.3".to_string(),
                        v => format!("{} §7.4.1.3", spec_rfc(v)),
                    })
                    .arg("s_kx", opt(!tls13 && hs.mode == "full" && s.cipher_suite.and_then(registry::suite_key_exchange) == Some(KeyExchange::Rsa), "msg.ServerHello.s.rsa_kx")),
            )
        }
        (ct::HANDSHAKE, Some(ht::CERTIFICATE), false) => {
            let d = side(m.dir);
            let certs: Vec<_> = tls.certificates.iter().filter(|c| c.span.offset >= m.span.offset && c.span.end() <= m.span.end()).collect();
            let leaf = certs.first();
            let proof = match hs.server_proof {
                Some("certificate_verify") => "msg.Certificate.s.proof.cv",
                Some("server_key_exchange") => "msg.Certificate.s.proof.ske",
                Some("rsa_key_transport") => "msg.Certificate.s.proof.rsa",
                _ if tls13 => "msg.Certificate.s.proof.cv",
                _ => "msg.Certificate.s.proof.unknown",
            };
            let key = match (d, certs.is_empty()) {
                ("c2s", true) => "msg.Certificate.explain.c2s.empty".to_string(),
                _ => format!("msg.Certificate.explain.{d}"),
            };
            (
                TextRef::new(format!("msg.Certificate.title.{d}")),
                TextRef::new(key)
                    .arg("count", certs.len().to_string())
                    .arg("subject", leaf.map(|c| c.subject.clone()).unwrap_or_else(|| "—".into()))
                    .arg("issuer", leaf.map(|c| c.issuer.clone()).unwrap_or_else(|| "—".into()))
                    .arg("not_before", leaf.map(|c| c.not_before.clone()).unwrap_or_else(|| "—".into()))
                    .arg("not_after", leaf.map(|c| c.not_after.clone()).unwrap_or_else(|| "—".into()))
                    .arg("s_sni", if s.sni.is_some() { "@msg.Certificate.s.sni" } else { "@msg.Certificate.s.no_sni" })
                    .arg("sni", or_dash(s.sni.clone()))
                    .arg("s_proof", format!("@{proof}"))
                    .arg("s_verify", opt(tls.log_verified, "msg.Certificate.s.log_verified"))
                    // The section numbers are the same in RFC 2246, 4346 and 5246.
                    .arg("rfc", match (tls13, d) {
                        (true, _) => "RFC 8446 §4.4.2".to_string(),
                        (false, "c2s") => format!("{} §7.4.6, §7.4.8", spec_rfc(hs.version)),
                        _ => format!("{} §7.4.2", spec_rfc(hs.version)),
                    }),
            )
        }
        (ct::HANDSHAKE, Some(ht::SERVER_KEY_EXCHANGE), false) => {
            let ske = f.ske.clone().unwrap_or_default();
            let key = match ske.kx {
                Some(KeyExchange::Ecdhe) => "msg.ServerKeyExchange.explain.ecdhe",
                Some(KeyExchange::Dhe) => "msg.ServerKeyExchange.explain.dhe",
                _ => "msg.ServerKeyExchange.explain",
            };
            let rfc = match hs.version {
                Some(v) if v < ver::TLS11 => "RFC 2246 §7.4.3",
                Some(v) if v < ver::TLS12 => "RFC 4346 §7.4.3",
                _ => "RFC 5246 §7.4.3",
            };
            (
                TextRef::new("msg.ServerKeyExchange.title"),
                TextRef::new(key)
                    .arg("rfc", rfc)
                    .arg("s_dhe_rule", opt(hs.version == Some(ver::TLS12), "msg.ServerKeyExchange.s.dhe_rfc10015"))
                    .arg("group", ske.group.map(|g| g.name()).unwrap_or_else(|| "—".into()))
                    .arg("bits", ske.dh_p_bits.map(|b| b.to_string()).unwrap_or_else(|| "—".into()))
                    .arg(
                        "sig",
                        match ske.sig_scheme {
                            Some(s) => s.name(),
                            // Before TLS 1.2 the version fixes the hash (RFC 4346 §7.4.3, RFC 4492 §5.4).
                            None if tls.certificates.first().is_some_and(|c| c.key == crate::model::KeyKind::Ec) => "@word.sig.ecdsa_sha1".into(),
                            None if tls.certificates.first().is_some_and(|c| c.key == crate::model::KeyKind::Rsa) => "@word.sig.rsa_md5_sha1".into(),
                            None => "—".into(),
                        },
                    ),
            )
        }
        (ct::HANDSHAKE, Some(ht::CLIENT_KEY_EXCHANGE), false) => {
            let key = match f.key_exchange().or(f.ske.as_ref().and_then(|s| s.kx)) {
                Some(KeyExchange::Ecdhe) => "msg.ClientKeyExchange.explain.ecdhe",
                Some(KeyExchange::Dhe) => "msg.ClientKeyExchange.explain.dhe",
                Some(KeyExchange::Rsa) => "msg.ClientKeyExchange.explain.rsa",
                _ => "msg.ClientKeyExchange.explain",
            };
            // RFC 7627 §4 (with EMS) or RFC 5246 §8.1: how the master secret is made.
            let ms = match hs.extended_master_secret {
                Some(true) => "@msg.ClientKeyExchange.s.ms.ems",
                Some(false) => "@msg.ClientKeyExchange.s.ms.plain",
                None => "@msg.ClientKeyExchange.s.ms.unknown",
            };
            let body_len = m.span.len.saturating_sub(rec + hsh + 2).to_string();
            (
                TextRef::new("msg.ClientKeyExchange.title"),
                TextRef::new(key).arg("len", body_len).arg("s_ms", ms).arg("hash", prf_hash(hs.version, s.cipher_suite)),
            )
        }
        (ct::HANDSHAKE, Some(ht::CERTIFICATE_VERIFY), false) => {
            let d = side(m.dir);
            let scheme = f.cert_verify.iter().find(|(dir, _)| *dir == m.dir).map(|&(_, sc)| sc);
            // Which offer the scheme came from: the ClientHello's signature_algorithms (server)
            // or the CertificateRequest's (client; TLS 1.2 lists them in the message itself).
            let offer = if m.dir == Some(Dir::S2C) { answered_hello(tls).map(|c| c.ext.signature_algorithms.clone()).unwrap_or_default() } else { Vec::new() };
            let pos = scheme.and_then(|sc| offer.iter().filter(|x| !x.is_grease()).position(|&x| x == sc));
            let key = match (tls13, hs.version) {
                (true, _) => format!("msg.CertificateVerify.explain.tls13.{d}"),
                (false, Some(v)) if v < ver::TLS12 => "msg.CertificateVerify.explain.tls10".to_string(),
                _ => "msg.CertificateVerify.explain.tls12".to_string(),
            };
            (
                TextRef::new("msg.CertificateVerify.title"),
                TextRef::new(key)
                    .arg("scheme", scheme.map(|s| s.name()).unwrap_or_else(|| "—".into()))
                    .arg("s_offer", opt(pos.is_some(), "msg.CertificateVerify.s.offer"))
                    .arg("pos", pos.map(|p| (p + 1).to_string()).unwrap_or_default())
                    .arg("n", offer.iter().filter(|x| !x.is_grease()).count().to_string())
                    .arg("last", last_before(w, m.dir, tls13)),
            )
        }
        (ct::CHANGE_CIPHER_SPEC, _, _) => {
            let key = if f.is_tls13() || (f.hello_retry && f.server_hello.is_none()) {
                "msg.ChangeCipherSpec.explain.tls13".to_string()
            } else if resumed(hs) {
                format!("msg.ChangeCipherSpec.explain.{}.resumed", side(m.dir))
            } else {
                format!("msg.ChangeCipherSpec.explain.{}", side(m.dir))
            };
            // What came before it and what its records carry from now on (RFC 5246 §6.2.3, §7.1).
            let (last_hs, hs_name) = match w.last_hs {
                Some((d, t)) => (format!("@word.msg.of.{}", side(d)), t.name()),
                None => ("—".to_string(), String::new()),
            };
            let e = protection_args(TextRef::new(key).arg("suite", suite).arg("last_hs", last_hs).arg("hs_name", hs_name), s, hs);
            (TextRef::new(format!("msg.ChangeCipherSpec.title.{}", side(m.dir))), e)
        }
        (ct::HANDSHAKE, Some(ht::FINISHED), true) if tls13 => {
            let d = side(m.dir);
            (TextRef::new(format!("msg.Finished.title.{d}")), TextRef::new(format!("msg.Finished.explain.tls13enc.{d}")))
        }
        (ct::HANDSHAKE, Some(ht::FINISHED), true) => {
            let d = side(m.dir);
            let variant = if resumed(hs) { ".resumed" } else { "" };
            (
                TextRef::new(format!("msg.Finished.title.{d}")),
                TextRef::new(format!("msg.Finished.explain.{d}{variant}"))
                    .arg("len", len)
                    .arg("s_vd", verify_data_sentence(hs, m.dir))
                    .arg("hash", prf_hash(hs.version, s.cipher_suite))
                    .arg("last", w.before_hs.map_or_else(|| "—".into(), |(d, t)| hs_label(d, t)))
                    // The server's Finished of a full handshake covers the client's (RFC 5246 §7.4.9).
                    .arg("s_cfin", finished_covers(w, hs, m.dir, w.before_hs))
                    .arg("s_dtls", opt(tls.facts.dtls, "msg.Finished.s.dtls")),
            )
        }
        (ct::HANDSHAKE, Some(ht::FINISHED), false) => {
            let d = side(m.dir);
            let vd_len = m.span.len.saturating_sub(rec + hsh).to_string();
            let key = match (tls13, hs.version) {
                (true, _) => format!("msg.Finished.explain.tls13.{d}"),
                (false, Some(v)) if v < ver::TLS10 => "msg.Finished.explain.plain".to_string(),
                (false, Some(_)) => format!("msg.Finished.explain.tls12.{d}"),
                _ => "msg.Finished.explain.plain".to_string(),
            };
            let hash = s.cipher_suite_parts.as_ref().map(|p| p.prf.clone()).filter(|p| !p.starts_with('@')).unwrap_or_else(|| prf_hash(hs.version, s.cipher_suite).to_string());
            let title = if m.decrypted { format!("msg.Finished.title.{d}.decrypted") } else { "msg.Finished.title.plain".to_string() };
            (
                TextRef::new(title),
                TextRef::new(key)
                    .arg("len", vd_len)
                    .arg("s_vd", verify_data_sentence(hs, m.dir))
                    // SSL 3.0's Finished is told by the TLS 1.0 text.
                    .arg("rfc", format!("{} §7.4.9", spec_rfc(hs.version.map(|v| v.max(ver::TLS10)))))
                    .arg("hash", if tls13 { hash } else { prf_hash(hs.version, s.cipher_suite).to_string() })
                    .arg("last", last_before(w, m.dir, tls13))
                    .arg("s_cfin", if tls13 { String::new() } else { finished_covers(w, hs, m.dir, w.seen.iter().rev().nth(1).copied()) })
                    .arg("s_dtls", opt(tls.facts.dtls && !tls13, "msg.Finished.s.dtls")),
            )
        }
        // TLS 1.3 protects everything after the ServerHello as application_data records.
        (ct::APPLICATION_DATA, _, _) if tls13 => {
            w.enc13[k] += 1;
            let seen = |d: Dir, t: HandshakeType| w.seen.iter().any(|&(sd, st)| sd == Some(d) && st == t);
            let any_server_hello = w.seen.iter().any(|&(_, t)| t == ht::SERVER_HELLO);
            // Which keys protect it (RFC 8446 §2.3, §4.5, §7.3): the client's 0-RTT data and its
            // EndOfEarlyData under the early traffic keys, each side's handshake messages under
            // its handshake traffic keys until its own Finished, then application traffic keys.
            let epoch = match m.dir {
                Some(Dir::C2S) if w.inner == Some(ht::END_OF_EARLY_DATA) => "early",
                Some(Dir::C2S) if hs.early_data != "none" && !any_server_hello => "early",
                Some(Dir::C2S) if hs.early_data == "accepted" && !seen(Dir::C2S, ht::END_OF_EARLY_DATA) && w.opened => "early",
                Some(Dir::C2S) if !seen(Dir::C2S, ht::FINISHED) => "handshake",
                Some(Dir::S2C) if !seen(Dir::S2C, ht::FINISHED) => "handshake",
                _ => "application",
            };
            let keys = match epoch {
                "early" => "@word.keys13.early".to_string(),
                e => format!("@word.keys13.{e}.{}", side(m.dir)),
            };
            if let (true, Some(last)) = (w.opened, &w.inner_last) {
                w.last_inner[k] = last.clone();
            }
            // Opened, but it begins no message: more of the one an earlier record began (a
            // handshake message may span records, RFC 8446 §5.1).
            if let (false, Some(p), false) = (w.opened, w.more, w.last_inner[k].is_empty()) {
                return (
                    TextRef::new("msg.EncryptedRecord.title.continued").arg("inner", w.last_inner[k].clone()),
                    TextRef::new("msg.EncryptedRecord.explain.continued").arg("len", len).arg("plain", p.to_string()).arg("inner", w.last_inner[k].clone()).arg("keys", keys).arg("s_from", key_source(hs, epoch)),
                );
            }
            if w.opened {
                return (
                    TextRef::new("msg.EncryptedRecord.title.opened").arg("inner", w.inner_name.clone()),
                    TextRef::new("msg.EncryptedRecord.explain.opened").arg("len", len).arg("inner", w.inner_name.clone()).arg("keys", keys).arg("s_from", key_source(hs, epoch)),
                );
            }
            // Without keys: the server's flight comes first; the client's first encrypted
            // record after the ServerHello carries its Finished; anything later is application
            // data or post-handshake messages.
            let phase = match (k, w.enc13[0], w.enc13[1]) {
                _ if epoch == "early" => "early_data",
                (1, 0, _) => "server_flight",
                (0, _, _) if epoch == "handshake" && w.enc13[0].saturating_sub(w.early13) == 1 => "client_flight",
                (1, _, _) if epoch == "handshake" && w.enc13[0] == 0 => "server_flight",
                _ => "application",
            };
            if phase == "early_data" {
                w.early13 += 1;
            }
            if phase == "application" {
                w.app += 1;
            }
            (
                TextRef::new(format!("msg.EncryptedRecord.title.{phase}")),
                // Application records: what each side can send after the handshake differs.
                TextRef::new(match phase {
                    // Opened: it is application data, not "application data or ..." (RFC 8446 §4.6).
                    "application" if w.plain.is_some() => format!("msg.EncryptedRecord.explain.application.opened.{}", side(m.dir)),
                    "application" => format!("msg.EncryptedRecord.explain.application.{}", side(m.dir)),
                    _ => format!("msg.EncryptedRecord.explain.{phase}"),
                })
                    .arg("len", len.clone())
                    .arg("s_psk", opt(matches!(hs.mode, "psk_dhe" | "psk_ke"), "msg.EncryptedRecord.s.psk_flight"))
                    .arg("s_from", key_source(hs, "handshake"))
                    .with("s_keys", match w.plain {
                        // TLS 1.3 application data is opened but not shown as steps: what the
                        // record's length is made of (RFC 8446 §5.2).
                        Some(p) => {
                            let tag = s.cipher_suite.map_or(16, registry::suite_tag_len);
                            let pad = m.span.len.saturating_sub(rec + p + 1 + tag);
                            TextRef::new("msg.EncryptedRecord.s.app_opened.n").arg("plain", p.to_string()).arg("pad", pad.to_string()).arg("tag", tag.to_string()).arg("rlen", len.clone())
                        }
                        None if w.decrypted => TextRef::new("msg.EncryptedRecord.s.app_opened"),
                        None => TextRef::new("msg.EncryptedRecord.s.need_keys"),
                    })
                    .arg("s_outcome", format!("@msg.early_data.s.{}", hs.early_data)),
            )
        }
        (ct::HANDSHAKE, None, true) => (TextRef::new("msg.EncryptedHandshake.title"), TextRef::new("msg.EncryptedHandshake.explain").arg("len", len)),
        (ct::APPLICATION_DATA, _, _) => {
            w.app += 1;
            let plain = m.span.len.saturating_sub(rec);
            let key = if w.plain.is_some_and(|p| p <= 1) && hs.version.is_some_and(|v| v <= ver::TLS10) && cbc(s) {
                "msg.ApplicationData.explain.beast"
            } else if m.decrypted || w.plain.is_some() {
                "msg.ApplicationData.explain.decrypted"
            } else {
                "msg.ApplicationData.explain"
            };
            (
                TextRef::new(if m.decrypted || w.plain.is_some() { "msg.ApplicationData.title.decrypted" } else { "msg.ApplicationData.title" }),
                layout_args(protection_args(TextRef::new(key), s, hs), s, hs, plain)
                    .arg("len", len)
                    .arg("s_who", match &s.alpn {
                        Some(_) => format!("@msg.ApplicationData.s.{}.alpn", side(m.dir)),
                        None => format!("@msg.ApplicationData.s.{}", side(m.dir)),
                    })
                    .arg("alpn", s.alpn.clone().unwrap_or_default())
                    .arg("plain", w.plain.unwrap_or(plain).to_string())
                    .arg("s_outcome", format!("@msg.early_data.s.{}", hs.early_data))
                    .arg("rfc", match hs.version {
                        Some(v) if v < ver::TLS11 => "RFC 2246 §6.2.3",
                        Some(v) if v < ver::TLS12 => "RFC 4346 §6.2.3",
                        // The section of the suite's record protection.
                        _ => match protection(s) {
                            Some(RecordProtection::AeadExplicitNonce { .. }) => "RFC 5246 §6.2.3.3, RFC 5288 §3",
                            Some(RecordProtection::AeadImplicitNonce { .. }) => "RFC 5246 §6.2.3.3, RFC 7905 §2",
                            Some(RecordProtection::Cbc { .. }) => "RFC 5246 §6.2.3.2",
                            _ => "RFC 5246 §6.2.3",
                        },
                    })
            )
        }
        (ct::ALERT, _, true) => (
            TextRef::new("msg.Alert.title.encrypted"),
            match &w.opened_alert {
                Some(name) => TextRef::new("msg.Alert.explain.encrypted.opened").arg("alert", name.clone()).arg("len", len),
                None => TextRef::new("msg.Alert.explain.encrypted"),
            }
            .arg("rfc_alert", if tls13 { "RFC 8446 §6".to_string() } else { format!("{} §7.2", spec_rfc(hs.version)) }),
        ),
        (ct::ALERT, _, false) => {
            let a = m.alert.and_then(|i| tls.alerts.get(i));
            let (name, level) = a.map(|a| (a.name.clone(), a.level)).unwrap_or(("unknown".into(), None));
            // Alerts with a known typical cause have their own text (RFC 8446 §6.2, RFC 5246 §7.2.2).
            let specific = format!("msg.Alert.explain.{name}");
            let key = if a.and_then(|a| a.description) == Some(alert::CLOSE_NOTIFY) {
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
            let (rfc_alert, rfc_close) = if tls13 || hs.version.is_none() {
                ("RFC 8446 §6.2".to_string(), "RFC 8446 §6.1".to_string())
            } else {
                let spec = spec_rfc(hs.version);
                (format!("{spec} §7.2.2"), format!("{spec} §7.2.1"))
            };
            // When it came and what a fatal alert ends (RFC 8446 §6.2, RFC 5246 §7.2.2).
            let end = match (level, tls13) {
                ("@word.fatal", true) => "@msg.Alert.s.end.fatal13",
                ("@word.fatal", false) if hs.version.is_some() => "@msg.Alert.s.end.fatal12",
                _ => "",
            };
            (
                TextRef::new("msg.Alert.title").arg("name", name.clone()),
                TextRef::new("msg.Alert.explain.in_context")
                    .arg("s_what", format!("@{key}"))
                    .with("s_when", alert_when(w))
                    .arg("s_end", end)
                    .arg("s_enc", opt(m.decrypted, "msg.Alert.s.was_encrypted"))
                    .arg("name", name)
                    .arg("level", level)
                    .arg("rfc_alert", rfc_alert)
                    .arg("rfc_close", rfc_close),
            )
        }
        (HEARTBEAT, _, true) => (TextRef::new("msg.Heartbeat.title"), TextRef::new("msg.Heartbeat.explain.encrypted").arg("len", len)),
        (ct::HANDSHAKE, Some(ht::NEW_SESSION_TICKET), false) if tls13 => {
            let t = this_ticket(w, f);
            (
                TextRef::new("msg.NewSessionTicket.title"),
                TextRef::new("msg.NewSessionTicket.explain.tls13")
                    .arg("ticket", t.len.map(|l| l.to_string()).unwrap_or_else(|| "—".into()))
                    .arg("lifetime", t.lifetime.to_string())
                    .arg("hours", crate::tls::hours(t.lifetime))
                    .arg("max_early", t.max_early_data.map(|n| n.to_string()).unwrap_or_default())
                    .arg("s_early", if t.max_early_data.is_some() { "@msg.NewSessionTicket.s.early" } else { "@msg.NewSessionTicket.s.no_early" }),
            )
        }
        (ct::HANDSHAKE, Some(ht::NEW_SESSION_TICKET), false) => {
            let key = match hs.mode {
                "ticket" => "msg.NewSessionTicket.explain.renewed",
                _ => "msg.NewSessionTicket.explain",
            };
            let t = this_ticket(w, f);
            (
                TextRef::new("msg.NewSessionTicket.title"),
                TextRef::new(key)
                    .arg("ticket", t.len.map(|l| l.to_string()).unwrap_or_else(|| "—".into()))
                    .arg("lifetime", t.lifetime.to_string())
                    .arg("s_hint", if t.lifetime == 0 { "@msg.NewSessionTicket.s.no_hint" } else { "@msg.NewSessionTicket.s.hint" }),
            )
        }
        (ct::HANDSHAKE, Some(ht::CERTIFICATE_REQUEST), false) if tls13 => (TextRef::new("msg.CertificateRequest.title"), TextRef::new("msg.CertificateRequest.explain.tls13").arg("s_answer", format!("@msg.CertificateRequest.s.answer13.{}", w.client_answer))),
        (ct::HANDSHAKE, Some(ht::CERTIFICATE_REQUEST), false) if f.cert_request.is_some() => {
            // TLS 1.0–1.2 (RFC 2246 / 4346 / 5246 §7.4.4): certificate types, (1.2) signature
            // schemes, CA names. RFC 2246 requires at least one CA name; 4346 and 5246 let an
            // empty list mean any CA.
            let cr = f.cert_request.clone().unwrap_or_default();
            let schemes: Vec<SignatureScheme> = cr.schemes.iter().copied().filter(|x| !x.is_grease()).collect();
            let key = if hs.version.is_some_and(|v| v < ver::TLS12) { "msg.CertificateRequest.explain.tls10" } else { "msg.CertificateRequest.explain.tls12" };
            let cas = match cr.ca_names {
                0 if hs.version == Some(ver::TLS10) => "@msg.CertificateRequest.s.cas.none_tls10",
                0 => "@msg.CertificateRequest.s.cas.none",
                1 => "@msg.CertificateRequest.s.cas.one",
                _ => "@msg.CertificateRequest.s.cas.some",
            };
            let types = cr.cert_types.iter().map(|&t| registry::client_cert_type_name(t)).collect::<Vec<_>>().join(", ");
            (
                TextRef::new("msg.CertificateRequest.title"),
                TextRef::new(key)
                    .arg("types", if types.is_empty() { "@word.none".to_string() } else { types })
                    .arg("n", schemes.len().to_string())
                    .arg("first", schemes.first().map(|x| x.name()).unwrap_or_else(|| "—".into()))
                    .arg("s_cas", cas)
                    .arg("cas", cr.ca_names.to_string())
                    .arg("ca", cr.first_ca.unwrap_or_else(|| "—".into())),
            )
        }
        // What the client sends next (RFC 5246 §7.4.5, §7.4.6): with a CertificateRequest it
        // answers with a Certificate, empty if it has none.
        (ct::HANDSHAKE, Some(ht::SERVER_HELLO_DONE), false) => (
            TextRef::new("msg.ServerHelloDone.title"),
            TextRef::new("msg.ServerHelloDone.explain")
                .arg("s_flight", match hs.client_certificates {
                    _ if !w.seen.iter().any(|&(d, t)| t == ht::CERTIFICATE_REQUEST && d != Some(Dir::C2S)) => "@msg.ServerHelloDone.s.flight",
                    Some(0) => "@msg.ServerHelloDone.s.flight.cert.empty",
                    Some(_) => "@msg.ServerHelloDone.s.flight.cert.sent",
                    None => "@msg.ServerHelloDone.s.flight.cert",
                })
                .arg("n", hs.client_certificates.unwrap_or(0).to_string())
                // curl -v names it "Server finished": worth saying where a reader comes from it.
                .arg("s_curl", opt(hs.from_log, "msg.ServerHelloDone.s.curl")),
        ),
        (ct::HANDSHAKE, Some(ht::ENCRYPTED_EXTENSIONS), false) => (
            TextRef::new("msg.EncryptedExtensions.title"),
            TextRef::new("msg.EncryptedExtensions.explain")
                .arg("exts", f.encrypted_extensions.as_ref().map(|e| e.types.iter().map(|t| t.name()).collect::<Vec<_>>().join(", ")).filter(|l| !l.is_empty()).unwrap_or_else(|| "@word.none".into()))
                .arg("s_early", match hs.early_data {
                "accepted" => "@msg.EncryptedExtensions.s.early_accepted".to_string(),
                "rejected" => "@msg.EncryptedExtensions.s.early_rejected".to_string(),
                _ => String::new(),
            }),
        ),
        // The end of the 0-RTT data: how many records it closes, and the keys around it
        // (RFC 8446 §4.5, §2.3; its place in the transcript, §4.4.1).
        (ct::HANDSHAKE, Some(ht::END_OF_EARLY_DATA), false) => (
            TextRef::new("msg.EndOfEarlyData.title"),
            TextRef::new("msg.EndOfEarlyData.explain").arg("early", w.early13.to_string()).arg("s_count", opt(w.early13 > 0, "msg.EndOfEarlyData.s.count")),
        ),
        (ct::HANDSHAKE, Some(ht::HELLO_VERIFY_REQUEST), false) => {
            w.after_hvr = true;
            (TextRef::new(format!("msg.{name}.title")), TextRef::new(format!("msg.{name}.explain")))
        }
        // Messages whose text depends only on their type (their keys are named after it).
        (ct::HANDSHAKE, Some(ht::HELLO_REQUEST | ht::CERTIFICATE_REQUEST | ht::CERTIFICATE_STATUS | ht::KEY_UPDATE | ht::COMPRESSED_CERTIFICATE), false) | (HEARTBEAT, _, false) => {
            (TextRef::new(format!("msg.{name}.title")), TextRef::new(format!("msg.{name}.explain")))
        }
        _ => {
            let t = m.msg_type.map(|t| t.to_string()).unwrap_or_else(|| m.content_type.to_string());
            let key = if m.content_type == ct::HANDSHAKE { "msg.generic.explain" } else { "msg.record.explain" };
            (
                TextRef::new("msg.generic.title").arg("name", name.to_string()),
                TextRef::new(key).arg("name", name.to_string()).arg("type", t),
            )
        }
    }
}

fn protection(s: &Summary) -> Option<RecordProtection> {
    s.cipher_suite.map(|cs| registry::suite_protection(cs, s.version.unwrap_or(ver::TLS12)))
}

/// What a protected TLS 1.0-1.2 record holds besides the plaintext, for this suite
/// (RFC 5246 §6.2.3, RFC 5288 §3, RFC 7905 §2, RFC 7366 §3).
fn overhead(s: &Summary, hs: &Handshake) -> String {
    match protection(s) {
        Some(RecordProtection::AeadExplicitNonce { .. }) => "@msg.ApplicationData.s.aead_explicit".into(),
        Some(RecordProtection::AeadImplicitNonce { .. }) => "@msg.ApplicationData.s.aead_implicit".into(),
        Some(RecordProtection::Cbc { .. }) if hs.encrypt_then_mac == Some(true) => "@msg.ApplicationData.s.cbc_etm".into(),
        Some(RecordProtection::Cbc { .. }) => "@msg.ApplicationData.s.cbc".into(),
        _ if cbc(s) && hs.encrypt_then_mac == Some(true) => "@msg.ApplicationData.s.cbc10_etm".into(),
        _ if cbc(s) => "@msg.ApplicationData.s.cbc10".into(),
        _ => "@msg.ApplicationData.s.other".into(),
    }
}

/// What each protected record of this connection carries besides its ciphertext, as the
/// sentence `{s_overhead}` with its `{tag}` and `{iv}` lengths (RFC 5246 §6.2.3, RFC 2246 §6.2.3.2).
fn protection_args(t: TextRef, s: &Summary, hs: &Handshake) -> TextRef {
    t.arg("s_overhead", overhead(s, hs))
        .arg("tag", protection(s).map(|p| match p {
            RecordProtection::AeadExplicitNonce { tag } | RecordProtection::AeadImplicitNonce { tag } => tag,
            RecordProtection::Cbc { mac, .. } => mac,
            // TLS 1.0 CBC (no explicit IV): the suite's HMAC length all the same.
            RecordProtection::Other => s.cipher_suite.map_or(0, registry::suite_cbc_mac_len),
        }).unwrap_or(0).to_string())
        .arg("iv", match protection(s) {
            Some(RecordProtection::Cbc { block, .. }) if hs.version.is_some_and(|v| v >= ver::TLS11) => block,
            _ => 0,
        }.to_string())
}

/// How the `body` bytes of a TLS 1.0-1.2 record no key opened divide up, for this suite: the
/// sentence `{s_layout}` with the data's length `{data}` (AEAD: ciphertext is as long as the
/// plaintext) or its bound `{max}` and the CBC ciphertext's length `{ct}` (padding of 1 to 256
/// bytes hides the exact length), RFC 5246 §6.2.3, RFC 5288 §3, RFC 7905 §2, RFC 7366 §3.
fn layout_args(t: TextRef, s: &Summary, hs: &Handshake, body: usize) -> TextRef {
    let etm = hs.encrypt_then_mac == Some(true);
    let mac = s.cipher_suite.map_or(0, registry::suite_cbc_mac_len);
    let (key, data, ct) = match protection(s) {
        Some(RecordProtection::AeadExplicitNonce { tag }) => ("aead_explicit", body.checked_sub(8 + tag), None),
        Some(RecordProtection::AeadImplicitNonce { tag }) => ("aead_implicit", body.checked_sub(tag), None),
        Some(RecordProtection::Cbc { block, mac }) if etm => ("cbc_etm", None, body.checked_sub(block + mac)),
        Some(RecordProtection::Cbc { block, .. }) => ("cbc", None, body.checked_sub(block)),
        _ if cbc(s) && etm => ("cbc10_etm", None, body.checked_sub(mac)),
        _ if cbc(s) => ("cbc10", None, Some(body)),
        _ => ("other", None, None),
    };
    // The most data a CBC ciphertext can hold: all of it but the MAC inside (MAC-then-encrypt) and one padding byte.
    let max = ct.and_then(|c| c.checked_sub(if etm { 1 } else { mac + 1 }));
    let key = match (key, data, max) {
        ("aead_explicit" | "aead_implicit", None, _) | ("cbc" | "cbc_etm" | "cbc10" | "cbc10_etm", _, None) => "other",
        (k, _, _) => k,
    };
    t.arg("s_layout", format!("@msg.ApplicationData.s.layout.{key}"))
        .arg("data", data.unwrap_or(0).to_string())
        .arg("ct", ct.unwrap_or(0).to_string())
        .arg("max", max.unwrap_or(0).to_string())
}

fn cbc(s: &Summary) -> bool {
    s.cipher_suite.is_some_and(registry::suite_is_cbc)
}

/// What the keys of a TLS 1.3 epoch come from, as a sentence (RFC 8446 §7.1).
fn key_source(hs: &Handshake, epoch: &str) -> &'static str {
    match (epoch, hs.mode) {
        ("early", _) => "@msg.EncryptedRecord.s.from.early",
        ("application", _) => "@msg.EncryptedRecord.s.from.master",
        (_, "psk_dhe") => "@msg.EncryptedRecord.s.from.psk_dhe",
        (_, "psk_ke") => "@msg.EncryptedRecord.s.from.psk_ke",
        _ => "@msg.EncryptedRecord.s.from.dhe",
    }
}

/// The NewSessionTicket at hand (the last one seen).
fn this_ticket(w: &Walk, f: &crate::tls::Facts) -> crate::tls::Ticket {
    let n = w.seen.iter().filter(|&&(_, t)| t == ht::NEW_SESSION_TICKET).count();
    f.tickets.get(n.saturating_sub(1)).copied().unwrap_or_default()
}

/// How many PSK identities the ServerHello chose from.
fn answered_psk_count(hs: &Handshake) -> String {
    if hs.psk_identities == 0 {
        "—".into()
    } else {
        hs.psk_identities.to_string()
    }
}

/// Why HTTP/2 prohibits the suite of a TLS 1.2 connection that negotiated h2 (RFC 9113 §9.2.2,
/// Appendix A), as a phrase; None when h2 was not negotiated or the suite is allowed.
fn h2_prohibited(s: &Summary, tls13: bool) -> Option<&'static str> {
    let h2 = s.alpn.as_deref().map(str::as_bytes) == Some(registry::ALPN_H2);
    if !h2 || tls13 || s.version.is_some_and(|v| v < ver::TLS12) {
        return None;
    }
    Some(match registry::suite_h2_prohibited(s.cipher_suite?)? {
        registry::H2Prohibited::NotEphemeral => "@word.h2.not_ephemeral",
        registry::H2Prohibited::NotAead => "@word.h2.not_aead",
        registry::H2Prohibited::Neither => "@word.h2.neither",
    })
}

/// How the server said no to 0-RTT (RFC 8446 §4.2.10): a HelloRetryRequest, a full handshake
/// (the PSK was not accepted), or an accepted PSK without early_data in EncryptedExtensions; as
/// `{s_why}` with its `{identity}`.
fn early_rejected(t: TextRef, hs: &Handshake) -> TextRef {
    let why = match hs.mode {
        _ if hs.hello_retry.is_some() => "@note.early_data.s.rejected.hrr",
        "psk_dhe" | "psk_ke" => "@note.early_data.s.rejected.psk",
        _ => "@note.early_data.s.rejected.full",
    };
    t.arg("s_why", why).arg("identity", hs.psk_selected_identity.map(|i| i.to_string()).unwrap_or_else(|| "—".into()))
}

/// Replace field notes, at any depth, with what `to` gives for them: notes written while
/// parsing, before the handshake was known, retold for this connection.
fn retell_notes(fields: &mut [Field], to: &dyn Fn(&Field, &TextRef) -> Option<TextRef>) {
    for f in fields {
        if let Some(r) = f.note_ref.as_ref().and_then(|r| to(f, r)) {
            f.note_ref = Some(r);
        }
        retell_notes(&mut f.children, to);
    }
}

/// Field notes that depend on the whole handshake: the h2 entries of the hellos' ALPN lists
/// when this connection's suite is one HTTP/2 prohibits; the record header of a TLS 1.0-1.2
/// connection, cited by its own RFC; the ClientHello's early_data, with what became of it.
fn connection_field_notes(fields: &mut [Field], s: &Summary, hs: &Handshake, f: &crate::tls::Facts, data: &[u8], client_signed: bool, quic: bool) {
    let tls13 = f.is_tls13();
    let h2 = h2_prohibited(s, tls13);
    let suite = or_dash(s.cipher_suite_name.clone());
    let old = hs.version.filter(|&v| (ver::TLS10..ver::TLS13).contains(&v));
    // record_size_limit counts only when both sides send it (RFC 8449 §4): the server's is in
    // its ServerHello (TLS 1.0-1.2) or its EncryptedExtensions (TLS 1.3, seen when decrypted).
    let rsl_answered = match f.server_hello.as_ref() {
        Some(_) if tls13 => f.encrypted_extensions.as_ref().map(|e| e.types.contains(&ext::RECORD_SIZE_LIMIT)),
        Some(sh) => Some(sh.extensions.contains(&ext::RECORD_SIZE_LIMIT)),
        None => None,
    };
    retell_notes(fields, &|field, r| match r.key.as_str() {
        "field.record_size_limit.value" => {
            // The uint16 at the field's bytes (RFC 8449 §4), not its display text.
            let at = field.span.offset;
            let value = u32::from(data.get(at..at + 2).map(|b| u16::from_be_bytes([b[0], b[1]]))?);
            // The protocol's own maximum: 2^14 bytes of plaintext, plus TLS 1.3's inner content type byte.
            let max = match hs.version {
                Some(ver::TLS13) => Some(1u32 << 14 | 1),
                Some(_) => Some(1 << 14),
                None => None,
            };
            let size = match max {
                None => "@field.record_size_limit.s.unknown_version".to_string(),
                Some(m) if value == m && tls13 => "@field.record_size_limit.s.max13".to_string(),
                Some(m) if value == m => "@field.record_size_limit.s.max".to_string(),
                Some(m) if value < m => "@field.record_size_limit.s.smaller".to_string(),
                Some(_) => "@field.record_size_limit.s.larger".to_string(),
            };
            let answer = match rsl_answered {
                Some(true) => "@field.record_size_limit.s.both",
                Some(false) => "@field.record_size_limit.s.unanswered",
                None if tls13 => "@field.record_size_limit.s.hidden13",
                None => "@field.record_size_limit.s.unseen",
            };
            Some(TextRef::new("field.record_size_limit.value.conn")
                .arg("value", value.to_string())
                .arg("max", max.unwrap_or(0).to_string())
                .arg("version", hs.version.map(registry::version_name).unwrap_or_else(|| "—".into()))
                .arg("s_size", size)
                .arg("s_answer", answer))
        }
        // A TLS 1.0-1.2 server's session id: what this one says (RFC 5246 §7.4.1.3, RFC 5077 §3.4).
        "field.ServerHello.legacy_session_id_echo" if old.is_some() => {
            // Its span is the length byte and the id: one byte for an empty id.
            let empty = field.span.len <= 1;
            let ticket_ext = f.server_hello.as_ref().is_some_and(|sh| sh.extensions.contains(&ext::SESSION_TICKET));
            let key = match (hs.mode, empty) {
                ("ticket", true) => "field.ServerHello.session_id.ticket_empty12",
                ("ticket", false) => "field.ServerHello.session_id.ticket12",
                ("session_id", _) => "field.ServerHello.session_id.resumed12",
                (_, true) => "field.ServerHello.session_id.empty12",
                (_, false) => "field.ServerHello.session_id.new12",
            };
            let also = if empty { "field.ServerHello.session_id.s.ticket" } else { "field.ServerHello.session_id.s.ticket_and_id" };
            Some(TextRef::new(key).arg("spec", spec_rfc(old)).arg("s_ticket", opt(ticket_ext, also)))
        }
        // The server's ALPN answer: which protocol, out of which offer, and whether HTTP/2
        // prohibits this suite (RFC 7301 §3.1, RFC 9113 §9.2.2).
        "ext.application_layer_protocol_negotiation.server" => s.alpn.as_ref().map(|a| {
            TextRef::new("ext.alpn.server.conn")
                .arg("alpn", a.clone())
                .arg("offered", if s.alpn_offered.is_empty() { "—".to_string() } else { s.alpn_offered.join(", ") })
                .arg("s_h2", opt(h2.is_some() && a.as_bytes() == registry::ALPN_H2, "ext.alpn.server.s.h2_prohibited"))
                .arg("suite", suite.clone())
                .arg("why", h2.clone().unwrap_or_default())
        }),
        // The group a HelloRetryRequest asks for, against the shares the first ClientHello sent
        // (RFC 8446 §4.2.8: never one the client already sent a share for).
        "ext.key_share.hrr" => f.client_hello.as_ref().map(|ch| {
            let shares: Vec<String> = ch.ext.key_share_groups.iter().map(|g| g.name()).collect();
            TextRef::new(if shares.is_empty() { "ext.key_share.hrr.none" } else { "ext.key_share.hrr.conn" })
                .arg("value", hs.hello_retry.as_ref().and_then(|r| r.group).map(|g| g.name()).unwrap_or_else(|| "—".into()))
                .arg("shares", shares.join(", "))
        }),
        // A TLS 1.0-1.2 CertificateRequest's certificate type, cited by its version's RFC.
        "field.CertificateRequest.certificate_type" => old.map(|v| {
            let mut t = r.clone();
            t.key = "field.CertificateRequest.certificate_type.conn".into();
            t.arg("spec", spec_rfc(Some(v)))
                .arg("version", registry::version_name(v))
                .arg("s_sigalgs", opt(v < ver::TLS12, "field.CertificateRequest.s.types_only"))
        }),
        // A TLS 1.0-1.2 CertificateRequest's CA names, cited by the version's RFC.
        "field.CertificateRequest.ca_name" => old.map(|v| {
            let mut t = r.clone();
            t.key = "field.CertificateRequest.ca_name.conn".into();
            t.arg("spec", spec_rfc(Some(v)))
        }),
        // Empty or not, and what that means in this version (RFC 2246 §7.4.4 asks for at least
        // one name; RFC 4346 and RFC 5246 allow none). Its children: the length, then the names.
        "field.CertificateRequest.certificate_authorities" => old.map(|v| {
            let s_list = match field.children.len() <= 1 {
                true if v == ver::TLS10 => "@field.CertificateRequest.s.cas_empty10",
                true => "@field.CertificateRequest.s.cas_empty",
                false => "@field.CertificateRequest.s.cas_some",
            };
            let mut t = r.clone();
            t.key = "field.CertificateRequest.certificate_authorities.conn".into();
            t.arg("spec", spec_rfc(Some(v))).arg("s_list", s_list)
        }),
        // renegotiation_info in a TLS 1.0-1.2 ServerHello may answer the client's SCSV, not an
        // extension (RFC 5746 §3.3, §3.6).
        "field.ServerHello.extensions.tls12" => {
            let ch = f.answered_hello()?;
            let scsv = f.server_hello.as_ref().is_some_and(|sh| sh.extensions.contains(&ext::RENEGOTIATION_INFO)) && !ch.ext.types.contains(&ext::RENEGOTIATION_INFO) && ch.cipher_suites.contains(&suite::EMPTY_RENEGOTIATION_INFO_SCSV);
            scsv.then(|| {
                let mut t = r.clone();
                t.args.iter_mut().filter(|(k, _)| *k == "s_scsv").for_each(|(_, v)| *v = "@field.ServerHello.s.scsv".into());
                t
            })
        }
        // What the client's key did here: TLS 1.3 client keys only sign; before it a fixed-DH
        // client certificate agreed keys instead (RFC 5246 §7.4.8, RFC 8446 §4.4.3).
        "field.cert.ext.key_usage.client" => {
            let key = match (tls13, client_signed) {
                (true, _) => "field.cert.ext.key_usage.client.tls13",
                (false, true) => "field.cert.ext.key_usage.client.signed",
                (false, false) => "field.cert.ext.key_usage.client.unsigned",
            };
            let mut t = r.clone();
            t.key = key.into();
            Some(t.arg("value", field.value.clone()).arg("spec", spec_rfc(hs.version)))
        }
        // The PSKs offered, with what the server made of them (RFC 8446 §4.2.11).
        "ext.pre_shared_key" if tls13 || hs.version.is_none() => {
            let answer = match (hs.psk_selected_identity, hs.mode) {
                (Some(i), mode) => TextRef::new("ext.pre_shared_key.s.selected").arg("sel", i.to_string()).arg("mode", format!("@word.mode.{mode}")),
                (None, "incomplete") => TextRef::new("ext.pre_shared_key.s.unknown"),
                (None, _) => TextRef::new("ext.pre_shared_key.s.declined"),
            };
            let key = if hs.psk_identities == 1 { "ext.pre_shared_key.conn.one" } else { "ext.pre_shared_key.conn" };
            Some(TextRef::new(key).arg("n", hs.psk_identities.to_string()).with("s_answer", answer))
        }
        "field.alpn.h2" => h2.map(|why| TextRef::new("field.alpn.h2.prohibited").arg("suite", suite.clone()).arg("why", why)),
        "field.record" if tls13 => Some(TextRef::new("field.record.tls13")),
        // QUIC forbids TLS 1.3's middlebox compatibility mode (RFC 9001 §8.4).
        "field.ClientHello.legacy_session_id.empty" if quic => Some(TextRef::new("field.ClientHello.legacy_session_id.quic")),
        "field.Alert.level" if tls13 => Some(TextRef::new("field.Alert.level.tls13").arg("value", field.value.clone())),
        "field.record" => old.map(|v| TextRef::new("field.record.tls12").arg("spec", spec_rfc(Some(v)))),
        // TLS 1.3 does not use ec_point_formats (RFC 8446 §4.2.8.2: points are uncompressed).
        "ext.ec_point_formats" if tls13 => Some(TextRef::new("ext.ec_point_formats.tls13")),
        // This record's version against the negotiated one (RFC 5246 §6.2.1, Appendix E.1).
        "field.record.legacy_record_version" => old.map(|v| {
            let at = field.span.offset;
            let rv = data.get(at..at + 2).map(|b| u16::from_be_bytes([b[0], b[1]]));
            let key = match rv {
                Some(r) if r == v => "field.record.legacy_record_version.tls12.same",
                Some(r) if r < v => "field.record.legacy_record_version.tls12.lower",
                Some(_) => "field.record.legacy_record_version.tls12.higher",
                None => "field.record.legacy_record_version.tls12",
            };
            TextRef::new(key)
                .arg("spec", spec_rfc(Some(v)))
                .arg("version", registry::version_name(v))
                // The permission to put any {03,XX} on the ClientHello's records is written in
                // RFC 5246 Appendix E.1 (and RFC 8446 §5.1), not in RFC 2246 or RFC 4346.
                .arg("appendix", "RFC 5246 Appendix E.1")
        }),
        // A TLS 1.2 ticket request or ticket in a ClientHello answered with TLS 1.3: the
        // extension plays no part there (RFC 8446 §4.2 does not list it; tickets are PSKs).
        "ext.session_ticket.request" if tls13 => Some(TextRef::new("ext.session_ticket.request.tls13")),
        "ext.session_ticket.present" if tls13 => Some(TextRef::new("ext.session_ticket.present.tls13")),
        // An offered suite: chosen, or (a TLS 1.0-1.2 suite) unusable with TLS 1.3.
        "field.ClientHello.cipher_suite" | "field.ClientHello.cipher_suite.recommended" | "field.ClientHello.cipher_suite.discouraged" => {
            let code = CipherSuite(r.get("code").and_then(|c| u16::from_str_radix(c, 16).ok())?);
            let conn = match () {
                _ if tls13 && !code.is_tls13() => "@field.cipher_suite.s.unused13",
                _ if s.cipher_suite == Some(code) => "@field.cipher_suite.s.chosen",
                _ => "",
            };
            // The ClientHello's section for the versions it offers (RFC 8446's only with TLS 1.3).
            let hello = if hs.offered_tls13 { "RFC 8446 §4.1.2" } else { "RFC 5246 §7.4.1.2" };
            let mut t = r.clone();
            for (k, v) in t.args.iter_mut() {
                match *k {
                    "s_conn" => *v = conn.to_string(),
                    "hello_rfc" => *v = hello.to_string(),
                    _ => {}
                }
            }
            Some(t)
        }
        // The ClientHello's early_data says what became of the 0-RTT data (RFC 8446 §4.2.10).
        "ext.early_data" => match hs.early_data {
            "accepted" => Some(TextRef::new("ext.early_data.accepted")),
            "rejected" => Some(early_rejected(TextRef::new("ext.early_data.rejected"), hs)),
            "offered" => Some(TextRef::new("ext.early_data.offered")),
            _ => None,
        },
        _ => None,
    });
}

/// When an alert came, told from what preceded it: before any handshake message, during the
/// handshake (after which message), or after both Finished messages and how much application
/// data.
fn alert_when(w: &Walk) -> TextRef {
    match w.last_hs {
        _ if w.fin == [true, true] && w.app == 1 => TextRef::new("msg.Alert.s.when.app.one"),
        _ if w.fin == [true, true] && w.app > 1 => TextRef::new("msg.Alert.s.when.app").arg("apps", w.app.to_string()),
        _ if w.fin == [true, true] => TextRef::new("msg.Alert.s.when.done"),
        None => TextRef::new("msg.Alert.s.when.first"),
        Some((d, t)) => TextRef::new("msg.Alert.s.when.during").arg("last_hs", format!("@word.msg.of.{}", side(d))).arg("hs_name", t.name()),
    }
}

/// The last handshake message before the one at hand (what its transcript hash ends with):
/// in TLS 1.3 the server's NewSessionTicket is not part of the client's transcript.
fn last_before(w: &Walk, dir: Option<Dir>, tls13: bool) -> String {
    let before = &w.seen[..w.seen.len().saturating_sub(1)];
    before
        .iter()
        .rev()
        .find(|&&(d, t)| !(tls13 && t == ht::NEW_SESSION_TICKET && d != dir))
        .map(|&(d, t)| hs_label(d, t))
        .unwrap_or_else(|| "—".into())
}

/// What a TLS 1.0-1.2 server Finished covers besides the last message named (RFC 5246 §7.4.9,
/// RFC 5077 §3.3): the client's authentication messages, and its Finished when a
/// NewSessionTicket came after it. `last`: the message before this Finished.
fn finished_covers(w: &Walk, hs: &Handshake, dir: Option<Dir>, last: Option<(Option<Dir>, HandshakeType)>) -> String {
    if dir != Some(Dir::S2C) || hs.mode != "full" {
        return String::new();
    }
    let cfin = w.fin[0] && last != Some((Some(Dir::C2S), ht::FINISHED));
    match (hs.client_certificates.is_some_and(|n| n > 0), cfin) {
        (true, true) => "@msg.Finished.s.with_cauth_cfin".into(),
        (true, false) => "@msg.Finished.s.with_cauth".into(),
        (false, true) => "@msg.Finished.s.with_cfin".into(),
        (false, false) => String::new(),
    }
}

/// A handshake message as the last one a transcript covers.
fn hs_label(d: Option<Dir>, t: HandshakeType) -> String {
    match (t, d) {
        // "the server's Finished": which Finished matters for what the transcript covers.
        (ht::FINISHED, Some(Dir::S2C)) => "@word.msg.finished.s2c".to_string(),
        (ht::FINISHED, Some(Dir::C2S)) => "@word.msg.finished.c2s".to_string(),
        // With client authentication both sides send these: name the client's.
        (ht::CERTIFICATE, Some(Dir::C2S)) => "@word.msg.certificate.c2s".to_string(),
        (ht::CERTIFICATE_VERIFY, Some(Dir::C2S)) => "@word.msg.certificate_verify.c2s".to_string(),
        _ => t.name(),
    }
}


/// The Finished formula of this version, as a sentence (RFC 2246 §7.4.9, RFC 5246 §7.4.9;
/// SSL 3.0 and TLS 1.3 have their own texts).
fn verify_data_sentence(hs: &Handshake, dir: Option<Dir>) -> String {
    let who = side(dir);
    match hs.version {
        Some(v) if v < ver::TLS10 => "@msg.Finished.s.vd.ssl3".into(),
        Some(v) if v < ver::TLS12 => format!("@msg.Finished.s.vd.tls10.{who}"),
        _ => format!("@msg.Finished.s.vd.tls12.{who}"),
    }
}

/// The ClientHello's text: which hello it is (first, retry after an HRR), what it offers, and
/// only what it sent.
fn client_hello_texts(tls: &TlsConnection, hs: &Handshake, w: &mut Walk) -> (TextRef, TextRef) {
    let f = &tls.facts;
    let retry = std::mem::take(&mut w.after_retry);
    let cookie = std::mem::take(&mut w.after_hvr);
    let ch = if retry { f.client_hello2.clone().or_else(|| f.client_hello.clone()) } else { f.client_hello.clone() }.unwrap_or_default();
    let e = &ch.ext;
    let tls13 = e.supported_versions.contains(&ver::TLS13);
    let sent = |t: ExtensionType| e.types.contains(&t);
    // The protocol the server chose: in its ServerHello, or (TLS 1.3) EncryptedExtensions.
    let hs_alpn = f.server_hello.as_ref().and_then(|sh| sh.alpn.clone()).or_else(|| f.ee_alpn.clone());
    let key = if retry {
        "msg.ClientHello.explain.retry"
    } else if cookie && !tls13 && !hs.from_log {
        "msg.ClientHello.explain.dtls_cookie"
    } else if f.quic {
        "msg.ClientHello.explain.quic"
    } else if hs.from_log {
        "msg.ClientHello.explain.log"
    } else if tls13 {
        "msg.ClientHello.explain.tls13"
    } else {
        "msg.ClientHello.explain"
    };
    let resume = if tls13 || hs.from_log {
        String::new()
    } else if e.session_ticket_len.is_some_and(|n| n > 0) {
        "@msg.ClientHello.s.ticket".into()
    } else if !ch.session_id.is_empty() {
        "@msg.ClientHello.s.session_id".into()
    } else if e.session_ticket_len == Some(0) {
        "@msg.ClientHello.s.ticket_request".into()
    } else {
        String::new()
    };
    let title = if retry { "msg.ClientHello.title.retry" } else { "msg.ClientHello.title" };
    let real: Vec<CipherSuite> = ch.cipher_suites.iter().copied().filter(|c| !c.is_grease() && !c.is_scsv()).collect();
    let r = TextRef::new(key)
        .arg("suites", real.len().to_string())
        .arg("s_suites", if real.len() == 1 { "@msg.ClientHello.s.one_suite" } else { "@msg.ClientHello.s.suites" })
        .arg("suite1", real.first().map(|c| c.name()).unwrap_or_default())
        .arg("sni", or_dash(e.sni.clone()))
        .arg("alpn", if e.alpn.is_empty() { "—".into() } else { e.alpn.join(", ") })
        .arg("versions", names_list(e.supported_versions.iter().copied(), registry::version_name))
        .arg("key_shares", names_list(e.key_share_groups.iter().map(|g| g.0), registry::group_name))
        .arg("groups", names_list(e.groups.iter().map(|g| g.0), registry::group_name))
        .arg("n_sigalgs", e.signature_algorithms.iter().filter(|x| !x.is_grease()).count().to_string())
        .arg("s_sni", if e.sni.is_some() { "@msg.ClientHello.s.sni".to_string() } else { "@msg.ClientHello.s.no_sni".to_string() })
        .arg("s_alpn", match (&hs_alpn, sent(ext::ALPN)) {
            (_, false) => String::new(),
            (Some(_), true) => "@msg.ClientHello.s.alpn.chosen".to_string(),
            // Before TLS 1.3 the answer is in the ServerHello, in the clear (RFC 7301 §3.1).
            (None, true) if !f.is_tls13() && f.server_hello.is_some() && !hs.from_log => "@msg.ClientHello.s.alpn.none".to_string(),
            (None, true) => "@msg.ClientHello.s.alpn".to_string(),
        })
        .arg("chosen", hs_alpn.clone().unwrap_or_default())
        .arg("s_groups", opt(sent(ext::SUPPORTED_GROUPS) && !e.groups.is_empty(), "msg.ClientHello.s.groups"))
        // With only static RSA suites (and no TLS 1.3) the server signs no handshake message:
        // the list then only limits the signatures in its certificate chain (RFC 5246
        // §7.4.1.4.1, §7.4.2).
        .arg("s_sigalgs", match sent(ext::SIGNATURE_ALGORITHMS) {
            false => String::new(),
            true if !tls13 && !real.is_empty() && real.iter().all(|&c| registry::suite_key_exchange(c) == Some(KeyExchange::Rsa)) => "@msg.ClientHello.s.sigalgs.rsa_only".into(),
            true => "@msg.ClientHello.s.sigalgs".into(),
        })
        .arg("s_no_exts", opt(e.types.is_empty() && !hs.from_log, "msg.ClientHello.s.no_extensions"))
        .arg("s_keyshare", match hs.hello_retry.as_ref().and_then(|r| r.group) {
            _ if e.key_share_groups.is_empty() => "@msg.ClientHello.s.keyshare_empty".to_string(),
            // The server chose an older version: key_share is ignored (RFC 8446 §4.1.3).
            _ if hs.version.is_some_and(|v| v < ver::TLS13) => "@msg.ClientHello.s.keyshare_unused".to_string(),
            // The server asked for another group (RFC 8446 §4.1.4): this guess missed.
            Some(g) if !retry && !e.key_share_groups.contains(&g) => "@msg.ClientHello.s.keyshare_missed".to_string(),
            _ => "@msg.ClientHello.s.keyshare".to_string(),
        })
        .arg("s_psk", opt(e.psk_identities > 0, "msg.ClientHello.s.psk"))
        .arg("psk_ids", e.psk_identities.to_string())
        .arg("psk_modes", if e.psk_modes.is_empty() { "—".to_string() } else { e.psk_modes.iter().map(|&m| psk_mode_name(m)).collect::<Vec<_>>().join(", ") })
        .arg("s_early", opt(!retry && sent(ext::EARLY_DATA), "msg.ClientHello.s.early_data"))
        .arg("s_resume", resume.clone())
        // A TLS 1.2 ticket carries the encrypted session state (RFC 5077 §4).
        .arg("s_secret", if e.session_ticket_len.unwrap_or(0) > 0 { "@msg.ClientHello.s.secret.ticket" } else { "@msg.ClientHello.s.secret" })
        .arg("ticket", e.session_ticket_len.unwrap_or(0).to_string())
        .arg("sid", ch.session_id.len().to_string())
        .arg("offered", registry::version_name(ch.legacy_version))
        .arg("rfc", match ch.legacy_version {
            v if v < ver::TLS10 => "RFC 6101 §5.6.1.2".to_string(),
            v => format!("{} §7.4.1.2", spec_rfc(Some(v))),
        })
        .arg("group", hs.hello_retry.as_ref().and_then(|r| r.group).map(|g| g.name()).unwrap_or_else(|| "—".into()))
        .arg("s_cookie", opt(retry && sent(ext::COOKIE), "msg.ClientHello.s.cookie"))
        // What the first ClientHello offered that the retry may change (RFC 8446 §4.1.2).
        // A new key_share only when the HelloRetryRequest named a group.
        .arg("s_retry_share", opt(retry && hs.hello_retry.as_ref().is_some_and(|r| r.group.is_some()), "msg.ClientHello.s.retry_share"))
        .arg("s_retry_cookie", opt(retry && sent(ext::COOKIE), "msg.ClientHello.s.retry_cookie"))
        .arg("s_retry_psk", opt(retry && f.client_hello.as_ref().is_some_and(|c| c.ext.psk_identities > 0), "msg.ClientHello.s.retry_psk"))
        .arg("s_retry_early", opt(retry && f.client_hello.as_ref().is_some_and(|c| c.ext.types.contains(&ext::EARLY_DATA)), "msg.ClientHello.s.retry_early"))
        .arg("cookie", e.cookie_len.unwrap_or(0).to_string())
        .arg("s_same_share", match hs.hello_retry.as_ref().map(|r| r.group) {
            _ if !retry => String::new(),
            Some(Some(g)) if e.key_share_groups == [g] => "@msg.ClientHello.s.retry_share_ok".to_string(),
            Some(Some(_)) => "@msg.ClientHello.s.retry_share_other".to_string(),
            _ => "@msg.ClientHello.s.retry_share_kept".to_string(),
        })
        .arg("s_ems", match sent(ext::EXTENDED_MASTER_SECRET) {
            _ if tls13 || hs.from_log => String::new(),
            // Resuming, no new master secret is made: the flag says what the cached session
            // must have used (RFC 7627 §5.3).
            true if !resume.is_empty() && resume != "@msg.ClientHello.s.ticket_request" => "@msg.ClientHello.s.ems_resume".to_string(),
            true => "@msg.ClientHello.s.ems".to_string(),
            false if e.types.is_empty() => String::new(),
            false => "@msg.ClientHello.s.no_ems".to_string(),
        })
        .arg("s_etm", match sent(ext::ENCRYPT_THEN_MAC) {
            _ if tls13 || hs.from_log => String::new(),
            // CBC offered without encrypt_then_mac: MAC-then-encrypt (RFC 5246 §6.2.3.2).
            false => match ch.cipher_suites.iter().filter(|&&c| registry::suite_cbc_mac_len(c) > 0).count() {
                0 => String::new(),
                1 => "@msg.ClientHello.s.no_etm_cbc.one".to_string(),
                _ => "@msg.ClientHello.s.no_etm_cbc".to_string(),
            },
            // It applies to CBC suites only (RFC 7366 §3).
            true if !ch.cipher_suites.iter().any(|&c| registry::suite_cbc_mac_len(c) > 0) => "@msg.ClientHello.s.etm_no_cbc".to_string(),
            true => "@msg.ClientHello.s.etm".to_string(),
        })
        .arg("version", hs.version.map(registry::version_name).unwrap_or_default())
        .arg("s_reneg", if tls13 {
            // Counted out of the suites, though renegotiation is a TLS 1.2 matter.
            opt(ch.cipher_suites.contains(&suite::EMPTY_RENEGOTIATION_INFO_SCSV), "msg.ClientHello.s.reneg_scsv13")
        } else if sent(ext::RENEGOTIATION_INFO) {
            "@msg.ClientHello.s.reneg_ext".to_string()
        } else if ch.cipher_suites.contains(&suite::EMPTY_RENEGOTIATION_INFO_SCSV) {
            "@msg.ClientHello.s.reneg_scsv".to_string()
        } else {
            String::new()
        });
    (TextRef::new(title), r)
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
            .arg("version", q.version.map(crate::registry::quic_version_name).unwrap_or_else(|| "—".into())),
    )
}

fn summary(tls: &TlsConnection, hs: &Handshake) -> Summary {
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
            s.ja3_parts = Some(fingerprint::ja3_parts(&ja3));
            s.ja3_string = Some(ja3);
            let j = fingerprint::ja4(ch, if f.quic { 'q' } else if f.dtls { 'd' } else { 't' });
            s.ja4 = Some(j.ja4);
            s.ja4_r = Some(j.ja4_r);
            s.ja4_o = Some(j.ja4_o);
            s.ja4_ro = Some(j.ja4_ro);
            s.ja4_parts = Some(j.parts);
        }
    }
    if let Some(sh) = &f.server_hello {
        let v = sh.version();
        s.version = Some(v);
        s.version_name = Some(registry::version_name(v));
        s.cipher_suite = Some(sh.cipher_suite);
        s.cipher_suite_name = Some(sh.cipher_suite.name());
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
            // RFC 8446 §4.2.9: a PSK alone (psk_ke) or with an (EC)DHE share (psk_dhe_ke);
            // finite-field groups (ffdhe*, 0x0100-0x01ff) are DHE.
            let psk = f.server_hello.as_ref().is_some_and(|sh| sh.psk_selected);
            let ff = g.is_some_and(|g| g.is_ffdhe());
            let kx = match (psk, g.is_some(), ff) {
                (true, false, _) => "PSK",
                (true, true, false) => "PSK + ECDHE (key_share)",
                (true, true, true) => "PSK + DHE (key_share)",
                (false, _, true) => "DHE (key_share)",
                (false, _, false) => "ECDHE (key_share)",
            };
            (Some(kx), g)
        }
        Some(KeyExchange::Ecdhe) => (Some("ECDHE"), f.ske.as_ref().and_then(|k| k.group)),
        Some(KeyExchange::Dhe) => (Some("DHE"), None),
        Some(KeyExchange::Rsa) => (Some("RSA"), None),
        Some(KeyExchange::Psk) => (Some("PSK"), None),
        _ => (None, None),
    };
    s.key_exchange = kx.map(|k| k.to_string());
    s.group = group;
    s.group_name = group.map(|g| g.name());
    s.hello_retry = f.hello_retry;
    s.resumed = resumed(hs);
    s.client_auth = f.client_auth;
    s
}

fn note(sev: NoteSeverity, r: TextRef) -> Note {
    Note { severity: sev, text: String::new(), span: None, text_ref: r }
}

fn notes(tls: &TlsConnection, hs: &Handshake, s: &Summary, opts: &Options, captured: Option<i64>) -> Vec<Note> {
    use NoteSeverity::*;
    let f = &tls.facts;
    let mut out = Vec::new();
    if hs.from_log {
        out.push(note(Info, TextRef::new("note.log_no_bytes")));
        if hs.version.is_some_and(|v| v < ver::TLS13) {
            // An AEAD suite never uses encrypt_then_mac (RFC 7366 §3): only CBC leaves it open.
            let etm = if cbc(s) { "@note.s.etm_unknown" } else { "@note.s.etm_aead" };
            out.push(note(Info, TextRef::new("note.log_unknown_extensions").arg("s_etm", etm)));
        }
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
        let name = cs.name();
        if registry::suite_weak(cs) {
            out.push(note(Danger, TextRef::new("note.weak_cipher").arg("suite", name.clone())));
        }
        // RFC 8446 §B.4: the TLS 1.3 suites name only cipher and hash; they cannot be used
        // with an older version, and older suites cannot be used with TLS 1.3.
        let suite13 = registry::suite_key_exchange(cs) == Some(KeyExchange::Tls13);
        if s.version.is_some() && suite13 != f.is_tls13() {
            out.push(note(Danger, TextRef::new("note.suite_version_mismatch").arg("suite", name.clone()).arg("version", s.version_name.clone().unwrap_or_default())));
        }
        // RFC 10015 retires these key exchanges from TLS 1.2 (and DTLS 1.2); older versions
        // are deprecated as a whole (RFC 8996), which the version note says.
        if let (Some(d), Some(ver::TLS12 | ver::DTLS12)) = (registry::suite_kex_discouraged(cs), s.version) {
            out.push(note(Warning, TextRef::new("note.kex_discouraged").arg("suite", name.clone()).arg("s_rule", format!("@field.cipher_suite.s.rfc10015.{}", d.key()))));
        }
        if !f.is_tls13() && registry::suite_key_exchange(cs) == Some(KeyExchange::Rsa) {
            out.push(note(Warning, TextRef::new("note.no_forward_secrecy")));
        }
        // RFC 9113 §9.2: HTTP/2 over TLS needs TLS 1.2 or later and none of the suites of its
        // Appendix A (no ephemeral key exchange, or a null, stream or block cipher).
        if s.alpn.as_deref().map(str::as_bytes) == Some(registry::ALPN_H2) && !f.is_tls13() {
            if s.version.is_some_and(|v| v < ver::TLS12) {
                out.push(note(Warning, TextRef::new("note.h2_old_version").arg("version", or_dash(s.version_name.clone()))));
            } else if let Some(why) = h2_prohibited(s, f.is_tls13()) {
                out.push(note(Warning, TextRef::new("note.h2_prohibited_suite").arg("suite", name.clone()).arg("why", why)));
            }
        }
        // RFC 7366 §3: a server that chose a stream or AEAD suite must not answer
        // encrypt_then_mac.
        let server_etm = f.server_hello.as_ref().is_some_and(|sh| sh.extensions.contains(&ext::ENCRYPT_THEN_MAC));
        if !f.is_tls13() && !cbc(s) && server_etm {
            out.push(note(Warning, TextRef::new("note.etm_not_cbc").arg("suite", name.clone())));
        }
        if !f.is_tls13() && cbc(s) {
            // RFC 7366: with encrypt_then_mac the MAC covers the ciphertext, and the padding
            // oracles of MAC-then-encrypt (Lucky 13) do not apply.
            match hs.encrypt_then_mac {
                Some(true) => out.push(note(Info, TextRef::new("note.cbc.etm"))),
                Some(false) => out.push(note(Warning, TextRef::new("note.cbc").arg("s_aead", if hs.version.is_some_and(|v| v < ver::TLS12) { "@note.s.aead_needs_12" } else { "@note.s.aead" }))),
                None => out.push(note(Info, TextRef::new("note.cbc.unknown"))),
            }
            if hs.version.is_some_and(|v| v <= ver::TLS10) {
                out.push(note(Info, TextRef::new("note.beast").arg("version", or_dash(s.version_name.clone()))));
            }
        }
    }
    if let Some(scheme) = f.ske.as_ref().and_then(|k| k.sig_scheme) {
        if scheme.is_sha1() {
            out.push(note(Warning, TextRef::new("note.sha1_signature").arg("scheme", scheme.name())));
        }
    }
    // HTTP/3 runs over QUIC only, and QUIC over TLS 1.3 only (RFC 9114 §3.1, RFC 9001 §4.2).
    if s.alpn.as_deref().is_some_and(|a| registry::alpn_is_h3(a.as_bytes())) && s.version.is_some_and(|v| v < ver::TLS13) {
        out.push(note(Warning, TextRef::new("note.h3_old_version").arg("alpn", or_dash(s.alpn.clone())).arg("version", or_dash(s.version_name.clone())).arg("s_why", if hs.from_log { "@note.h3_old_version.s.log" } else { "@note.h3_old_version.s.bytes" })));
    }
    // Only a client that offered TLS 1.3 has been downgraded (RFC 8446 §4.1.3).
    match (hs.downgrade_sentinel, hs.offered_tls13 && !f.is_tls13() && hs.version.is_some()) {
        (Some(v), true) => out.push(note(Danger, TextRef::new("note.downgrade").arg("version", v))),
        (Some(v), false) => out.push(note(Info, TextRef::new("note.downgrade.expected").arg("version", v))),
        (None, true) => out.push(note(Info, TextRef::new("note.offered13").arg("version", or_dash(s.version_name.clone())))),
        (None, false) => {}
    }
    // TLS 1.0-1.2 (and SSL 3.0): the two extensions every current configuration requires.
    // A resumed session keeps the master secret of the session it resumes (RFC 7627 §5.3).
    if hs.extended_master_secret == Some(false) {
        out.push(note(Warning, TextRef::new(if resumed(hs) { "note.no_ems.resumed" } else { "note.no_ems" })));
    }
    if hs.renegotiation_info == Some(false) {
        out.push(note(Warning, TextRef::new("note.no_reneg_info")));
    }
    if let Some(bits) = f.ske.as_ref().and_then(|k| k.dh_p_bits) {
        if bits < 2048 {
            out.push(note(if bits < 1024 { Danger } else { Warning }, TextRef::new("note.weak_dh").arg("bits", bits.to_string())));
        }
    }
    match hs.mode {
        "psk_dhe" => out.push(note(Info, TextRef::new("note.psk_dhe").arg("identity", hs.psk_selected_identity.map(|i| i.to_string()).unwrap_or_else(|| "—".into())))),
        "psk_ke" => out.push(note(Warning, TextRef::new("note.psk_ke"))),
        "ticket" => out.push(note(Info, TextRef::new("note.resumed.ticket"))),
        "session_id" => out.push(note(Info, TextRef::new("note.resumed"))),
        _ => {}
    }
    match hs.early_data {
        "accepted" => out.push(note(Warning, TextRef::new("note.early_data.accepted"))),
        "rejected" => {
            // How the server said no (RFC 8446 §4.2.10): a HelloRetryRequest, a full handshake
            // (the PSK was not accepted), or an accepted PSK without early_data in
            // EncryptedExtensions.
            out.push(note(Info, early_rejected(TextRef::new("note.early_data.rejected"), hs)));
        }
        "offered" => out.push(note(Warning, TextRef::new("note.early_data"))),
        _ => {}
    }
    if f.heartbleed {
        out.push(note(Danger, TextRef::new("note.heartbleed")));
    }
    if let Some(r) = &hs.hello_retry {
        let key = match (r.group, r.cookie) {
            (Some(_), true) => "note.hrr.group_cookie",
            (Some(_), false) => "note.hrr",
            (None, _) => "note.hrr.cookie",
        };
        out.push(note(Info, TextRef::new(key).arg("group", r.group.map(|g| g.name()).unwrap_or_else(|| "—".into()))));
    }
    if hs.renegotiation {
        out.push(note(Info, TextRef::new("note.renegotiation")));
    }
    if f.is_tls13() && tls.messages.iter().any(|m| m.content_type == ct::APPLICATION_DATA && m.encrypted) && !tls.messages.iter().any(|m| m.decrypted) {
        out.push(note(Info, TextRef::new("note.tls13_keys")));
    }
    if f.client_hello.as_ref().is_some_and(|ch| ch.ext.sni.is_none() && !ch.sslv2) && !hs.from_log {
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
            // The input does not say when the handshake happened: only today can be judged.
            (None, Some(n)) if *n > c.not_after && tls.log_verified => out.push(note(Info, cert("note.cert_expired.log_verified").arg("today", n[..10.min(n.len())].to_string()))),
            (None, Some(n)) if *n > c.not_after => out.push(note(Warning, cert("note.cert_expired").arg("today", n[..10.min(n.len())].to_string()))),
            (None, Some(n)) if *n < c.not_before => out.push(note(Warning, cert("note.cert_not_yet_valid").arg("today", n[..10.min(n.len())].to_string()))),
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
        if let Some(bits) = c.key_bits.filter(|_| c.key == crate::model::KeyKind::Rsa) {
            if bits < 2048 {
                out.push(note(Danger, TextRef::new("note.weak_cert_key").arg("subject", c.subject.clone()).arg("key", c.public_key.clone())));
            }
        }
        if !c.self_signed && c.weak_signature_hash {
            out.push(note(Warning, TextRef::new("note.cert_weak_signature").arg("subject", c.subject.clone()).arg("alg", c.signature_algorithm.clone())));
        }
    }
    if let Some(m) = tls.messages.iter().find(|m| m.content_type == ct::HANDSHAKE && m.msg_type == Some(ht::CERTIFICATE) && m.dir == Some(Dir::S2C)) {
        let chain: Vec<_> = tls.certificates.iter().filter(|c| c.span.offset >= m.span.offset && c.span.end() <= m.span.end()).collect();
        if let Some(w) = chain.windows(2).find(|w| w[0].issuer != w[1].subject) {
            out.push(note(Warning, TextRef::new("note.chain_order").arg("subject", w[0].subject.clone()).arg("issuer", w[0].issuer.clone()).arg("next", w[1].subject.clone())));
        }
    }
    for (k, a) in tls.alerts.iter().enumerate() {
        if a.level == Some(2) {
            // After both sides' Finished the handshake is over: the alert ends the connection.
            let failed = crate::handshake::failure(&tls.messages, &tls.alerts, k);
            // decode_error after a completed handshake is what OpenSSL 3 sends when the peer
            // closes TCP without close_notify (SSL_R_UNEXPECTED_EOF_WHILE_READING).
            let eof = failed.is_none() && a.description == Some(alert::DECODE_ERROR);
            let t = TextRef::new("note.fatal_alert.after").arg("name", a.name.clone()).arg("s_eof", opt(eof, "note.s.decode_error_eof"));
            out.push(note(Danger, match failed {
                Some(fl) => failed_handshake(t, &fl, s, f.client_hello.as_ref().map(|c| c.legacy_version)),
                None => t,
            }));
        }
    }
    out
}

/// After a weakness of the configuration among `notes`: what a good one looks like.
fn good_config(notes: &[Note], opts: &Options) -> Option<Note> {
    const CONFIG: [&str; 15] = [
        "note.old_version",
        "note.cbc",
        "note.no_ems.resumed",
        "note.weak_cipher",
        "note.no_forward_secrecy",
        "note.sha1_signature",
        "note.no_ems",
        "note.no_reneg_info",
        "note.weak_dh",
        "note.kex_discouraged",
        "note.psk_ke",
        "note.weak_cert_key",
        "note.cert_weak_signature",
        "note.sslv2_hello",
        "note.suite_version_mismatch",
    ];
    // Where this connection falls short of it, in words of the output language.
    let mut short: Vec<String> = Vec::new();
    for k in CONFIG.iter().filter(|k| notes.iter().any(|n| n.text_ref.key == **k)) {
        let w = render(opts.lang, &TextRef::new(format!("word.short.{}", &k["note.".len()..])), None);
        if !short.contains(&w) {
            short.push(w);
        }
    }
    (!short.is_empty()).then(|| note(NoteSeverity::Info, TextRef::new("note.good_config").arg("short", short.join(if opts.lang == Lang::Zh { "、" } else { "; " }))))
}

/// A handshake that a fatal alert ended: who sent it, after which message, and the likely cause
/// from what was offered (RFC 8446 §6.2, RFC 5246 §7.2.2).
fn failed_handshake(mut t: TextRef, a: &crate::model::Failure, s: &Summary, client_version: Option<u16>) -> TextRef {
    let last = a.after.map(|t| (a.after_dir, t));
    let sender = match a.by {
        Some(Dir::C2S) => "@word.side.client",
        Some(Dir::S2C) => "@word.side.server",
        None => "@word.side.unknown",
    };
    // Without supported_versions, client_version is the highest the client offers.
    let legacy = s.supported_versions_offered.is_empty();
    let offered: Vec<String> = if legacy {
        client_version.map(registry::version_name).into_iter().collect()
    } else {
        s.supported_versions_offered.iter().filter(|&&v| !registry::is_grease(v)).map(|&v| registry::version_name(v)).collect()
    };
    let cause = match a.description {
        Some(alert::PROTOCOL_VERSION) if a.by == Some(Dir::S2C) && legacy => "protocol_version.legacy",
        Some(alert::PROTOCOL_VERSION) if a.by == Some(Dir::S2C) => "protocol_version",
        Some(alert::HANDSHAKE_FAILURE) => "handshake_failure",
        // bad_certificate .. certificate_unknown, unknown_ca, access_denied.
        Some(alert::BAD_CERTIFICATE | alert::UNSUPPORTED_CERTIFICATE | alert::CERTIFICATE_REVOKED | alert::CERTIFICATE_EXPIRED | alert::CERTIFICATE_UNKNOWN | alert::UNKNOWN_CA | alert::ACCESS_DENIED) => "certificate",
        Some(alert::UNRECOGNIZED_NAME) => "unrecognized_name",
        Some(alert::NO_APPLICATION_PROTOCOL) => "no_application_protocol",
        Some(alert::BAD_RECORD_MAC) => "bad_record_mac",
        Some(alert::ILLEGAL_PARAMETER) => "illegal_parameter",
        Some(alert::DECODE_ERROR) => "decode_error",
        Some(alert::DECRYPT_ERROR) => "decrypt_error",
        _ => "",
    };
    t.key = "note.fatal_alert.failed".into();
    t.arg("sender", sender)
        .arg("s_after", if last.is_some() { "@note.s.failed_after" } else { "@note.s.failed_first" })
        .arg("last_hs", last.map(|(d, _)| format!("@word.msg.of.{}", side(d))).unwrap_or_default())
        .arg("hs_name", last.map(|(_, ty)| ty.name()).unwrap_or_default())
        .arg("s_cause", if cause.is_empty() { String::new() } else { format!("@note.s.failed.{cause}") })
        .arg("offered", if offered.is_empty() { "—".into() } else { offered.join(", ") })
        .arg("suites", s.cipher_suites_offered.iter().filter(|&&c| !c.is_grease() && c != suite::EMPTY_RENEGOTIATION_INFO_SCSV).count().to_string())
        .arg("groups", s.groups_offered.iter().filter(|g| !g.is_grease()).count().to_string())
        .arg("sni", or_dash(s.sni.clone()))
        .arg("alpn_offered", if s.alpn_offered.is_empty() { "—".into() } else { s.alpn_offered.join(", ") })
        .arg("peer", match a.by {
            Some(Dir::C2S) => "@word.msg.of.s2c",
            _ => "@word.msg.of.c2s",
        })
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

    /// Times from interfaces whose offsets lie far apart (pcapng if_tsoffset) do not overflow:
    /// a difference that does not fit in i64 microseconds gives no time.
    #[test]
    fn far_apart_capture_times_give_no_time() {
        let chunk = |offset: usize, time: i64| crate::input::ChunkIn { dir: Some(Dir::C2S), offset, len: 4, frame: Some(1), time: Some(time), layer: None };
        let cap = Capture { start: Some(i64::MIN + 1), chunks: vec![chunk(0, 5_000), chunk(4, i64::MAX)], ..Default::default() };
        let at = |o: usize| Message::at(Some(Dir::C2S), ct::HANDSHAKE, None, "m", crate::model::Span::new(o, 4));
        let mut ms = vec![at(0), at(4)];
        set_times(&mut ms, &cap);
        assert_eq!(ms[1].time_us, None);
        let cap = Capture { start: Some(1_000), ..cap };
        set_times(&mut ms, &cap);
        assert_eq!(ms[0].time_us, Some(4_000));
    }

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
        // A peer's string that starts with "@" is its own words, not a key of the tables.
        let r = TextRef::new("msg.Alert.title").arg("name", "@tls-lens.example");
        assert_eq!(render(Lang::En, &r, None), "Alert: @tls-lens.example");
    }
}

#[cfg(all(test, feature = "texts"))]
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
            // A text of placeholders and punctuation ("{v} ({size})") has no words to translate.
            let words = placeholders(v).iter().fold(v.to_string(), |t, p| t.replace(&format!("{{{p}}}"), "")).chars().any(|c| c.is_ascii_alphabetic());
            if words {
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
                        if ["msg.", "field.", "ext.", "note.", "value.", "diff.", "word.", "diag."].iter().any(|pre| lit.starts_with(pre)) && !lit.contains(' ') && !lit.ends_with('.') {
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
