//! The story of each kind of handshake, on real captures of that kind (tests/data/kinds, made by
//! OpenSSL, GnuTLS and Python with their key logs). The oracle is tshark: facts.tsv holds what
//! its dissector says of every connection (version, suite, ServerHello extensions, how it
//! resumed, 0-RTT outcome, EMS, EtM, client certificate, HelloRetryRequest and cookie). The
//! texts are checked for the facts each kind must state, in English and in Chinese.

mod common;

use tls_lens::model::{Connection, NoteSeverity};
use tls_lens::{analyze, Lang, Options};

fn kinds() -> std::path::PathBuf {
    common::data().join("kinds")
}

fn run(name: &str, lang: Lang) -> Vec<Connection> {
    let dir = kinds();
    let bytes = std::fs::read(dir.join(format!("{name}.pcap"))).unwrap();
    let keylog = std::fs::read_to_string(dir.join(format!("{name}.keylog"))).unwrap();
    // The capture's own time judges its certificates; "now" is only for "expired since".
    let a = analyze(&bytes, &Options { lang, keylog, now: Some(1_800_000_000), ..Default::default() });
    assert!(!a.connections.is_empty(), "{name}: no connection");
    a.connections
}

fn conn(name: &str, stream: usize, lang: Lang) -> Connection {
    run(name, lang).into_iter().find(|c| c.tcp_stream == Some(stream)).unwrap_or_else(|| panic!("{name}: no tcp.stream {stream}"))
}

/// Every field of `fs`, depth first.
fn all_fields<'a>(fs: &'a [tls_lens::model::Field], out: &mut Vec<&'a tls_lens::model::Field>) {
    for f in fs {
        out.push(f);
        all_fields(&f.children, out);
    }
}

/// The notes of every field of the connection whose note has the text key `key`.
fn notes_with(c: &Connection, key: &str) -> Vec<String> {
    let mut fs = Vec::new();
    for m in &c.messages {
        all_fields(&m.fields, &mut fs);
    }
    fs.iter().filter(|f| f.note_ref.as_ref().is_some_and(|r| r.key == key)).filter_map(|f| f.note.clone()).collect()
}

/// The explanation of the `n`-th message (0-based) named `msg`.
fn text(c: &Connection, msg: &str, n: usize) -> String {
    let m = c.messages.iter().filter(|m| m.name == msg).nth(n).unwrap_or_else(|| panic!("no {msg} #{n}"));
    m.explanation.clone()
}

fn notes(c: &Connection) -> String {
    c.notes.iter().map(|n| format!("[{:?}] {}", n.severity, n.text)).collect::<Vec<_>>().join("\n")
}

fn all_text(c: &Connection) -> String {
    let mut s = notes(c);
    for m in &c.messages {
        s.push('\n');
        s.push_str(&m.title);
        s.push('\n');
        s.push_str(&m.explanation);
    }
    s
}

#[test]
fn every_connection_agrees_with_tshark() {
    let facts = std::fs::read_to_string(kinds().join("facts.tsv")).unwrap();
    let mut lines = facts.lines();
    let head: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |row: &[&str], name: &str| row[head.iter().position(|h| *h == name).unwrap()].to_string();
    let mut checked = 0;
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let row: Vec<&str> = line.split('\t').collect();
        let name = col(&row, "name");
        let stream: usize = col(&row, "stream").parse().unwrap();
        let c = conn(&name, stream, Lang::En);
        let h = &c.handshake;
        let at = format!("{name} stream {stream}");
        let hex = |s: String| u16::from_str_radix(s.trim_start_matches("0x"), 16).unwrap();
        assert_eq!(h.version, Some(hex(col(&row, "version"))), "{at}: version");
        assert_eq!(c.summary.cipher_suite.map(|s| s.0), Some(hex(col(&row, "cipher_suite"))), "{at}: suite");
        let mode = match (col(&row, "resumed_by").as_str(), col(&row, "psk_mode").as_str()) {
            ("none", _) => "full",
            ("psk", "psk_dhe_ke") => "psk_dhe",
            ("psk", "psk_ke") => "psk_ke",
            ("ticket", _) => "ticket",
            ("session_id", _) => "session_id",
            other => panic!("{at}: {other:?}"),
        };
        assert_eq!(h.mode, mode, "{at}: mode");
        assert_eq!(c.summary.resumed, mode != "full", "{at}: summary.resumed");
        assert_eq!(h.early_data, col(&row, "early_data"), "{at}: early_data");
        if h.version.is_some_and(|v| v < 0x0304) {
            assert_eq!(h.extended_master_secret, Some(col(&row, "ems") == "1"), "{at}: EMS");
            assert_eq!(h.encrypt_then_mac, Some(col(&row, "etm") == "1"), "{at}: EtM");
            let sh: Vec<&str> = col(&row, "sh_extensions").leak().split(',').collect();
            assert_eq!(h.renegotiation_info, Some(sh.contains(&"65281")), "{at}: renegotiation_info");
        } else {
            assert_eq!((h.extended_master_secret, h.encrypt_then_mac), (None, None), "{at}: TLS 1.3 has neither");
        }
        assert_eq!(h.client_certificates.is_some_and(|n| n > 0), col(&row, "client_cert") == "1", "{at}: client certificate");
        assert_eq!(h.hello_retry.is_some(), col(&row, "hrr") == "1", "{at}: HRR");
        assert_eq!(h.hello_retry.as_ref().is_some_and(|r| r.cookie), col(&row, "hrr_cookie") == "1", "{at}: HRR cookie");
        // Every connection decrypted and its Finished messages verified (tshark decrypts them all).
        let n = notes(&c);
        assert!(n.contains("Server Finished verified") && n.contains("Client Finished verified"), "{at}: {n}");
        checked += 1;
    }
    assert!(checked >= 25, "facts.tsv rows checked: {checked}");
}

#[test]
fn the_retried_client_hello_is_told_as_the_retry() {
    // tshark: the HelloRetryRequest selects group 23 (secp256r1) with a 120-byte cookie.
    fn note_of(fs: &[tls_lens::model::Field], name: &str) -> Option<String> {
        fs.iter().find_map(|f| if f.name == name { f.note.clone() } else { note_of(&f.children, name) })
    }
    let c = conn("tls13-hrr-cookie", 0, Lang::En);
    let hrr = c.messages.iter().find(|m| m.name == "HelloRetryRequest").expect("HelloRetryRequest");
    let sel = note_of(&hrr.fields, "selected_group").expect("selected_group note");
    assert!(sel.contains("0x0017 secp256r1") && sel.contains("echoes a cookie") && sel.contains("RFC 8446 §4.2.8"), "{sel}");
    for (lang, retry, group, cookie, msg_hash) in [
        (Lang::En, "second ClientHello", "exactly one public key, for secp256r1", "cookie from the HelloRetryRequest (120 bytes)", "message_hash"),
        (Lang::Zh, "第二个 ClientHello", "只包含一个公钥，即服务器要求的 secp256r1", "cookie（120 字节）", "message_hash"),
    ] {
        let c = conn("tls13-hrr-cookie", 0, lang);
        let first = text(&c, "ClientHello", 0);
        let second = text(&c, "ClientHello", 1);
        assert!(!first.contains(retry), "{first}");
        for want in [retry, group, cookie, msg_hash] {
            assert!(second.contains(want), "{lang:?}: want {want:?} in {second}");
        }
        // The first ClientHello offered no PSK and no early_data (tshark: no extensions 41, 42),
        // so the retry's allowed changes do not name them (RFC 8446 §4.1.2).
        assert!(!second.contains("PSK") && !second.contains("early_data"), "{second}");
        // The second hello does not claim the one-round-trip key share of a first hello.
        assert!(!second.contains("x25519"), "{second}");
        let hrr = text(&c, "HelloRetryRequest", 0);
        assert!(hrr.contains("secp256r1") && hrr.contains("120"), "{hrr}");
    }
    // A cookie-only retry names no group.
    let c = conn("tls13-hrr-cookie-only", 0, Lang::En);
    assert_eq!(c.handshake.hello_retry.as_ref().and_then(|r| r.group), None);
    assert!(text(&c, "HelloRetryRequest", 0).contains("names no group"));
}

#[test]
fn tls13_psk_resumption_says_what_the_psk_did() {
    let full = conn("tls13-psk-dhe", 0, Lang::En);
    assert!(!full.summary.resumed);
    for lang in [Lang::En, Lang::Zh] {
        let c = conn("tls13-psk-dhe", 1, lang);
        assert!(c.summary.resumed);
        assert_eq!(c.handshake.psk_identities, 1);
        assert_eq!(c.handshake.psk_selected_identity, Some(0));
        assert_eq!(c.handshake.psk_modes, vec!["psk_dhe_ke"]);
        let ch = text(&c, "ClientHello", 0);
        let sh = text(&c, "ServerHello", 0);
        let n = notes(&c);
        let ks: String = c.key_schedule.iter().map(|k| k.text.clone()).collect();
        match lang {
            Lang::En => {
                assert!(ch.contains("1 pre-shared key") && ch.contains("binder") && ch.contains("psk_dhe_ke"), "{ch}");
                assert!(sh.contains("identity 0 of the 1") && sh.contains("psk_dhe_ke") && sh.contains("forward secrecy"), "{sh}");
                // No CertificateVerify in a PSK handshake: the Finished note must not cite one.
                assert!(n.contains("ClientHello … EncryptedExtensions") && !n.contains("CertificateVerify)"), "{n}");
                assert!(ks.contains("HKDF-Extract(0, PSK)"), "{ks}");
            }
            Lang::Zh => {
                assert!(ch.contains("预共享密钥") && ch.contains("binder"), "{ch}");
                assert!(sh.contains("第 0 个") && sh.contains("前向保密"), "{sh}");
                assert!(n.contains("EncryptedExtensions"), "{n}");
            }
        }
        assert!(!c.messages.iter().any(|m| m.name == "CertificateVerify"), "a PSK handshake has no CertificateVerify");
        // tshark: the resumed ServerHello has pre_shared_key and a key_share on x25519.
        assert_eq!(c.summary.key_exchange.as_deref(), Some("PSK + ECDHE (key_share)"));
    }
    let ke = conn("tls13-psk-ke", 1, Lang::En);
    assert_eq!(ke.handshake.mode, "psk_ke");
    assert_eq!(ke.handshake.key_exchange, Some("psk"));
    assert_eq!(ke.summary.key_exchange.as_deref(), Some("PSK"));
    assert!(text(&ke, "ServerHello", 0).contains("psk_ke"));
    assert!(ke.notes.iter().any(|n| n.severity == NoteSeverity::Warning && n.text.contains("no forward secrecy")), "{}", notes(&ke));
    // GnuTLS resumes the same way.
    let g = conn("gnutls-tls13-resume", 1, Lang::En);
    assert_eq!((g.handshake.mode, g.summary.resumed), ("psk_dhe", true));
}

#[test]
fn early_data_is_told_as_early_data_with_its_outcome() {
    let c = conn("tls13-0rtt", 1, Lang::En);
    let early = c.messages.iter().find(|m| m.dir == Some(tls_lens::model::Dir::C2S) && m.content_type.0 == 23).unwrap();
    assert!(early.explanation.contains("client_early_traffic_secret") && early.explanation.contains("replayed") && early.explanation.contains("accepted"), "{}", early.explanation);
    assert!(!early.explanation.contains("RFC 5246"), "{}", early.explanation);
    assert!(text(&c, "EncryptedExtensions", 0).contains("accepted the client's 0-RTT"));
    assert!(c.messages.iter().any(|m| m.name == "EndOfEarlyData"));
    assert!(all_text(&c).contains("EndOfEarlyData inside"), "the record holding EndOfEarlyData is named");
    assert!(notes(&c).contains("accepted 0-RTT"));

    let r = conn("tls13-0rtt-rejected", 1, Lang::En);
    assert_eq!(r.handshake.early_data, "rejected");
    assert!(!r.messages.iter().any(|m| m.name == "EndOfEarlyData"));
    assert!(notes(&r).contains("rejected"), "{}", notes(&r));
    // tshark: psk_dhe_ke resumption (ServerHello extension 41 present), no early_data in
    // EncryptedExtensions: the note says how the server said no, not a rule true of any handshake.
    assert!(notes(&r).contains("accepted the PSK (identity 0), so the session is resumed, but its EncryptedExtensions carries no early_data extension"), "{}", notes(&r));
    let zh = conn("tls13-0rtt-rejected", 1, Lang::Zh);
    assert!(notes(&zh).contains("拒绝"), "{}", notes(&zh));
    // tshark: the client's early record and its resent request after the handshake are both
    // 44-byte records (27 bytes + inner type + 16-byte tag). The early bytes are counted apart,
    // not added to the application data.
    let app = r.notes.iter().find(|n| n.text_ref.key.starts_with("note.decrypt.app_data")).unwrap();
    assert!(app.text.contains("the client sent 27 bytes"), "{}", app.text);
    let early = r.notes.iter().find(|n| n.text_ref.key == "note.decrypt.early_data").unwrap();
    assert!(early.text.contains("sent 27 bytes under client_early_traffic_secret"), "{}", early.text);
}

#[test]
fn tls12_resumption_says_what_was_presented() {
    // tshark: the resumed ClientHello carries a 176-byte ticket.
    let t = conn("tls12-ticket", 1, Lang::En);
    assert_eq!(t.handshake.ticket_presented, Some(176));
    let ch = text(&t, "ClientHello", 0);
    assert!(ch.contains("session ticket (176 bytes)"), "{ch}");
    assert!(notes(&t).contains("ticket key") && notes(&t).contains("RFC 5077 §5.2, §5.5"), "{}", notes(&t));
    // The abbreviated handshake has no ClientKeyExchange: no note may point at one.
    assert!(!all_text(&t).contains("up to ClientKeyExchange"), "{}", all_text(&t));
    assert_eq!(t.handshake.key_exchange, None);
    let first = conn("tls12-ticket", 0, Lang::En);
    // tshark: the NewSessionTicket carries a 176-byte ticket with a 7200 s lifetime hint.
    let nst = text(&first, "NewSessionTicket", 0);
    assert!(nst.contains("176 bytes") && nst.contains("7200 seconds"), "{nst}");
    // tshark: TLS 1.3 tickets of 208 bytes, lifetime 7200 s.
    let t13 = conn("tls13-psk-dhe", 0, Lang::Zh);
    let nst = text(&t13, "NewSessionTicket", 0);
    assert!(nst.contains("208 字节") && nst.contains("7200 秒"), "{nst}");
    assert!(text(&first, "ClientHello", 0).contains("send me one"), "an empty session_ticket asks for a ticket");

    let s = conn("tls12-sessid", 1, Lang::En);
    let ch = text(&s, "ClientHello", 0);
    assert!(ch.contains("Its session_id (32 bytes)"), "{ch}");
    assert!(text(&s, "ServerHello", 0).contains("echoes the session id"));
    // tshark: the ticket resumption's ServerHello echoes the client's 32-byte session id.
    assert!(text(&t, "ServerHello", 0).contains("as it must when it accepts the ticket"), "{}", text(&t, "ServerHello", 0));
    let zh = conn("tls12-sessid", 1, Lang::Zh);
    assert!(text(&zh, "ServerHello", 0).contains("简化握手"));

    // TLS 1.0 keys are cited from TLS 1.0's RFC, with its PRF and CBC IV.
    let t10 = conn("tls10", 0, Lang::En);
    let ks: String = t10.key_schedule.iter().map(|k| k.text.clone()).collect();
    assert!(ks.contains("RFC 2246 §6.3") && !ks.contains("RFC 5288"), "{ks}");
    assert!(notes(&t10).contains("P_MD5 ⊕ P_SHA-1"), "{}", notes(&t10));
    // Early keys that a GnuTLS client logs without offering early_data protect nothing.
    let g = conn("gnutls-tls13-resume", 1, Lang::En);
    let early = g.key_schedule.iter().find(|k| k.name.contains("early")).map(|k| k.text.clone()).unwrap_or_default();
    assert!(early.is_empty() || early.contains("no record uses them"), "{early}");
    let p = conn("python-tls12-resume", 1, Lang::En);
    assert_eq!(p.handshake.mode, "ticket");
}

#[test]
fn the_master_secret_formula_follows_extended_master_secret() {
    let ems = conn("tls12-etm", 0, Lang::En);
    let cke = text(&ems, "ClientKeyExchange", 0);
    assert!(cke.contains("\"extended master secret\", session_hash") && !cke.contains("\"master secret\", client_random"), "{cke}");
    let ms = &ems.key_schedule[0].values[0].formula;
    assert!(ms.contains("extended master secret"), "{ms}");
    let zh = conn("tls12-etm", 0, Lang::Zh);
    assert!(text(&zh, "ClientKeyExchange", 0).contains("extended master secret"));

    let plain = conn("tls12-noems", 0, Lang::En);
    let cke = text(&plain, "ClientKeyExchange", 0);
    assert!(cke.contains("\"master secret\", client_random + server_random"), "{cke}");
    assert!(notes(&plain).contains("No extended_master_secret"), "{}", notes(&plain));
    let zh = conn("tls12-noems", 0, Lang::Zh);
    assert!(notes(&zh).contains("三重握手攻击") && !notes(&zh).contains("三次握手"), "{}", notes(&zh));

    // renegotiation_info binds a renegotiation to the Finished values, which the triple
    // handshake attack makes equal when the master secret is not bound to the transcript
    // (RFC 7627 §1); tshark's facts say both answered renegotiation_info.
    let sh = text(&plain, "ServerHello", 0);
    assert!(sh.contains("renegotiation_info cannot tell them apart") && sh.contains("RFC 7627 §1"), "{sh}");
    assert!(text(&zh, "ServerHello", 0).contains("renegotiation_info 便无法区分"), "{}", text(&zh, "ServerHello", 0));
    let sh = text(&ems, "ServerHello", 0);
    assert!(sh.contains("a later renegotiation would be bound to this handshake") && !sh.contains("cannot tell them apart"), "{sh}");
}

#[test]
fn cbc_notes_hold_only_for_what_was_negotiated() {
    let etm = conn("tls12-etm", 0, Lang::En);
    assert!(!notes(&etm).contains("Lucky 13)") || notes(&etm).contains("do not apply"), "{}", notes(&etm));
    assert!(!etm.notes.iter().any(|n| n.severity != NoteSeverity::Info && n.text.contains("Lucky 13")), "{}", notes(&etm));
    let mte = conn("tls12-noetm", 0, Lang::En);
    assert!(mte.notes.iter().any(|n| n.severity == NoteSeverity::Warning && n.text.contains("Lucky 13")), "{}", notes(&mte));
    // TLS 1.0 CBC: the empty records OpenSSL sends before data are the BEAST countermeasure
    // (tshark with the key log: plaintext length 0).
    let t10 = conn("tls10", 0, Lang::En);
    let beast = t10.messages.iter().filter(|m| m.explanation.contains("BEAST")).count();
    assert_eq!(beast, 2, "{}", all_text(&t10));
    // TLS 1.0's Finished formula is RFC 2246's, and the note cites it (not RFC 5246).
    assert!(notes(&t10).contains("RFC 2246 §7.4.9") && !notes(&t10).contains("RFC 5246 §7.4.9"), "{}", notes(&t10));
    let fin = t10.messages.iter().find(|m| m.name == "Finished" && m.decrypted).unwrap();
    assert!(fin.explanation.contains("MD5(handshake_messages) + SHA-1(handshake_messages)"), "{}", fin.explanation);
}

/// What each TLS 1.0-1.2 CertificateRequest asks for, as tshark dissects it: certificate types
/// RSA Sign (1), DSS Sign (2), ECDSA Sign (64) in all three; TLS 1.2: 20 signature algorithms,
/// the first ecdsa_secp256r1_sha256 (0x0403); one Distinguished Name (CN=TLS Lens Test CA) in
/// tls12-mtls and tls11-mtls; "Distinguished Names Length: 0" in tls10-mtls-nocas (s_server
/// -no_ca_names), which RFC 2246's certificate_authorities<3..2^16-1> does not allow.
#[test]
fn certificate_request_says_what_this_server_asks_for() {
    let t12 = conn("tls12-mtls", 0, Lang::En);
    let cr = text(&t12, "CertificateRequest", 0);
    assert!(cr.contains("rsa_sign, dss_sign, ecdsa_sign"), "{cr}");
    assert!(cr.contains("the 20 listed here") && cr.contains("(first: ecdsa_secp256r1_sha256)"), "{cr}");
    assert!(cr.contains("one certificate authority it accepts, CN=TLS Lens Test CA"), "{cr}");
    assert!(cr.contains("RFC 5246 §7.4.4"), "{cr}");
    let t11 = conn("tls11-mtls", 0, Lang::En);
    let cr = text(&t11, "CertificateRequest", 0);
    assert!(cr.contains("rsa_sign, dss_sign, ecdsa_sign") && cr.contains("no list of signature algorithms"), "{cr}");
    assert!(!cr.contains("schemes from") && !cr.contains("RFC 5246"), "{cr}");
    assert!(cr.contains("RFC 4346 §7.4.4") && cr.contains("CN=TLS Lens Test CA"), "{cr}");
    // The DN is a field of its own, read as a Name (tshark: id-at-commonName=TLS Lens Test CA).
    fn flat(fs: &[tls_lens::model::Field], out: &mut Vec<(String, String)>) {
        for f in fs {
            out.push((f.name.clone(), f.value.clone()));
            flat(&f.children, out);
        }
    }
    let m = t11.messages.iter().find(|m| m.name == "CertificateRequest").unwrap();
    let mut all = Vec::new();
    flat(&m.fields, &mut all);
    assert!(all.contains(&("DistinguishedName".to_string(), "CN=TLS Lens Test CA".to_string())), "{all:?}");
    assert!(all.contains(&("certificate_authorities".to_string(), "1 entry".to_string())), "{all:?}");
    // TLS 1.1's CertificateVerify names no scheme (tshark: only "Signature length: 256").
    assert!(text(&t11, "CertificateVerify", 0).contains("names no signature scheme"));
    let t10 = conn("tls10-mtls-nocas", 0, Lang::En);
    let cr = text(&t10, "CertificateRequest", 0);
    assert!(cr.contains("empty, which RFC 2246 §7.4.4 does not allow"), "{cr}");
    assert!(!cr.contains("may send a certificate from any CA"), "{cr}");
    let zh = conn("tls12-mtls", 0, Lang::Zh);
    let cr = text(&zh, "CertificateRequest", 0);
    assert!(cr.contains("20 种签名方案") && cr.contains("CN=TLS Lens Test CA") && cr.contains("证书颁发机构"), "{cr}");
    let zh10 = conn("tls10-mtls-nocas", 0, Lang::Zh);
    assert!(text(&zh10, "CertificateRequest", 0).contains("RFC 2246 §7.4.4 不允许"));
}

#[test]
fn certificate_verify_says_what_is_signed() {
    let c = conn("tls13-mtls", 0, Lang::En);
    let cv: Vec<&str> = c.messages.iter().filter(|m| m.name == "CertificateVerify").map(|m| m.explanation.as_str()).collect();
    assert_eq!(cv.len(), 2);
    assert!(cv[0].contains("64 bytes of 0x20") && cv[0].contains("\"TLS 1.3, server CertificateVerify\"") && cv[0].contains("signature_algorithms"), "{}", cv[0]);
    assert!(cv[1].contains("\"TLS 1.3, client CertificateVerify\""), "{}", cv[1]);
    assert!(text(&c, "CertificateRequest", 0).contains("signature_algorithms (required)"));
    assert!(!text(&c, "CertificateRequest", 0).contains("certificate types"));
    let zh = conn("tls13-mtls", 0, Lang::Zh);
    assert!(text(&zh, "CertificateVerify", 0).contains("64 个 0x20"));
    let t12 = conn("tls12-mtls", 0, Lang::En);
    assert!(text(&t12, "CertificateVerify", 0).contains("up to and including ClientKeyExchange"));
    // tshark: the client's Certificate holds two entries (821 and 811 bytes: its own and the CA).
    assert_eq!(t12.handshake.client_certificates, Some(2));
}

#[test]
fn a_client_that_offered_tls13_and_got_tls12_is_told_so() {
    let c = conn("tls12-from13", 0, Lang::En);
    assert!(c.handshake.offered_tls13);
    assert_eq!(c.handshake.downgrade_sentinel, None);
    let n = notes(&c);
    assert!(n.contains("offered TLS 1.3, but the server chose TLS 1.2") && n.contains("does not end with the downgrade sentinel"), "{n}");
    assert!(!c.notes.iter().any(|n| n.severity == NoteSeverity::Danger && n.text.contains("downgrade")), "{n}");
}

/// A ClientHello with no extensions at all (built here: record header, handshake header,
/// version, random, empty session id, two suites, null compression).
#[test]
fn no_claim_about_extensions_that_were_not_sent() {
    let mut body = vec![0x03, 0x03];
    body.extend([0x11; 32]);
    body.extend([0x00, 0x00, 0x04, 0xc0, 0x2f, 0x00, 0x9c, 0x01, 0x00]);
    let mut hs = vec![0x01, 0x00, 0x00, body.len() as u8];
    hs.extend(&body);
    let mut rec = vec![0x16, 0x03, 0x01, 0x00, hs.len() as u8];
    rec.extend(&hs);
    let hex: String = rec.iter().map(|b| format!("{b:02x}")).collect();
    for lang in [Lang::En, Lang::Zh] {
        let a = analyze(hex.as_bytes(), &Options { lang, ..Default::default() });
        let c = &a.connections[0];
        let ch = &c.messages[0].explanation;
        match lang {
            Lang::En => {
                assert!(ch.contains("2 cipher suites") && ch.contains("no extensions at all"), "{ch}");
                assert!(!ch.contains("supported_groups lists") && !ch.contains("signature_algorithms lists") && !ch.contains("ALPN:"), "{ch}");
            }
            Lang::Zh => assert!(ch.contains("完全没有发送扩展") && !ch.contains("supported_groups 列出"), "{ch}"),
        }
    }
}

#[test]
fn a_log_without_bytes_claims_nothing_it_cannot_show() {
    let log = std::fs::read(common::data().join("corpus/seed/curl-vvv-head.txt")).unwrap();
    for lang in [Lang::En, Lang::Zh] {
        let a = analyze(&log, &Options { lang, now: Some(1_800_000_000), ..Default::default() });
        let c = &a.connections[0];
        let n = notes(c);
        assert_eq!((c.handshake.extended_master_secret, c.handshake.renegotiation_info), (None, None));
        // No "EMS missing" or "renegotiation_info missing"; say they are unknown instead. (The
        // one warning is about what the log does say: the server accepted h3 over TLS 1.2.)
        assert!(!c.notes.iter().any(|n| n.severity != NoteSeverity::Info && n.text_ref.key != "note.h3_old_version"), "{n}");
        // curl said "SSL certificate verify ok" when it made the log.
        match lang {
            Lang::En => assert!(n.contains("unknown") && n.contains("verify ok") && n.contains("valid then"), "{n}"),
            Lang::Zh => assert!(n.contains("无法知道") && n.contains("当时它是有效的"), "{n}"),
        }
        let ch = text(c, "ClientHello", 0);
        assert!(!ch.contains("elliptic curves and signature algorithms it accepts"), "{ch}");
    }
}

/// No text shows an unfilled value ("—" where a sentence needed one), cites TLS 1.3's alert
/// section for a TLS 1.2 alert, or leaves a placeholder unfilled, on any capture of a kind.
#[test]
fn no_text_shows_a_missing_value_or_the_wrong_version_s_rfc() {
    let names: Vec<String> = std::fs::read_dir(kinds())
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.strip_suffix(".pcap")).map(String::from))
        .collect();
    assert!(names.len() >= 19);
    for name in &names {
        for lang in [Lang::En, Lang::Zh] {
            for c in run(name, lang) {
                let all = all_text(&c);
                for bad in ["“—”", "asked for —", "要求的是 —", "{", "}"] {
                    assert!(!all.contains(bad), "{name} {lang:?}: {bad:?} in\n{all}");
                }
                // RFC 2246 (TLS 1.0), RFC 4346 (TLS 1.1) and RFC 5246 (TLS 1.2) number these
                // sections alike; each connection is cited by the text of its own version.
                let own = match c.handshake.version {
                    Some(0x0301) => "RFC 2246",
                    Some(0x0302) => "RFC 4346",
                    _ => "RFC 5246",
                };
                if c.handshake.version.is_some_and(|v| (0x0301..0x0304).contains(&v)) {
                    for other in ["RFC 2246", "RFC 4346", "RFC 5246"].into_iter().filter(|o| *o != own) {
                        for sec in ["§6.2.3.2", "§7.1", "§7.2", "§7.3", "§7.4.1.1", "§7.4.1.2", "§7.4.1.3", "§7.4.3", "§7.4.5", "§7.4.7", "§7.4.9", "§8.1"] {
                            let cite = format!("{other} {sec}");
                            assert!(!all.contains(&cite), "{name} {lang:?} (version {own}): cites {cite} in\n{all}");
                        }
                    }
                }
                if c.handshake.version.is_some_and(|v| v < 0x0304) {
                    for m in c.messages.iter().filter(|m| m.name == "Alert") {
                        assert!(!m.explanation.contains("RFC 8446"), "{name}: {}", m.explanation);
                    }
                }
            }
        }
    }
}

#[test]
fn an_alert_after_the_handshake_is_not_blamed_on_the_handshake() {
    // tls12-rsa: OpenSSL's server sent decode_error 1.6 ms after the client's FIN (tshark
    // frames 13-14), 3 s after the last data.
    let keylog = std::fs::read_to_string(common::data().join("tls12-rsa.keylog")).unwrap();
    let a = analyze(&std::fs::read(common::data().join("tls12-rsa.pcap")).unwrap(), &Options { keylog, ..Default::default() });
    let n = notes(&a.connections[0]);
    assert!(n.contains("handshake itself worked") && n.contains("without a close_notify"), "{n}");
    let c = &a.connections[0];
    let alert = c.messages.iter().rev().find(|m| m.name == "Alert").unwrap();
    assert!(alert.explanation.contains("RFC 5246 §7.2.2"), "{}", alert.explanation);
    // When it came: after both Finished records and after the application data records that
    // the record layer counts before the alert's record (tshark: frames 9-12 carry them).
    let wire_alert = c.records.iter().rposition(|r| r.content_type.0 == 21 && r.encrypted).unwrap();
    let apps = c.records[..wire_alert].iter().filter(|r| r.content_type.0 == 23).count();
    assert!(apps > 1);
    let e = &alert.explanation;
    assert!(e.contains("after the handshake had finished") && e.contains(&format!("after {apps} application data records")), "{e}");
    // RFC 5246 §7.2.2: a connection ended by a fatal alert must not be resumed; it travelled
    // encrypted and the key log opened it; decode_error is a field out of range or a bad length.
    assert!(e.contains("must not be resumed") && e.contains("travelled encrypted") && e.contains("outside its specified range"), "{e}");
    let zh = analyze(&std::fs::read(common::data().join("tls12-rsa.pcap")).unwrap(), &Options { keylog: std::fs::read_to_string(common::data().join("tls12-rsa.keylog")).unwrap(), lang: Lang::Zh, ..Default::default() });
    let z = &zh.connections[0].messages.iter().rev().find(|m| m.name == "Alert").unwrap().explanation;
    assert!(z.contains("握手完成之后") && z.contains(&format!("{apps} 条应用数据记录")) && z.contains("不能再被恢复"), "{z}");
}

/// A handshake alert says which message it followed: the failed capture's server refuses the
/// ClientHello (tshark: Alert after frame 4's Client Hello, no ServerHello).
#[test]
fn an_alert_during_the_handshake_names_what_came_before_it() {
    let a = analyze(&std::fs::read(common::data().join("tls-failed.pcap")).unwrap(), &Options::default());
    let texts: Vec<&str> = a.connections.iter().flat_map(|c| c.messages.iter().filter(|m| m.name == "Alert").map(|m| m.explanation.as_str())).collect();
    assert!(!texts.is_empty());
    for e in &texts {
        assert!(e.contains("during the handshake") || e.contains("No handshake message comes before it"), "{e}");
        assert!(!e.contains("after the handshake had finished"), "{e}");
    }
}

/// RFC 9113 §9.2.2 / Appendix A: tls12-rsa negotiated h2 with TLS_RSA_WITH_AES_128_GCM_SHA256
/// (tshark: cipher suite 0x009c, ALPN h2), a suite HTTP/2 prohibits for its key exchange; the
/// ServerHello and the h2 entries say so; tls12-ecdhe-rsa (0xc02f, allowed) does not.
#[test]
fn h2_over_a_prohibited_suite_is_told_where_h2_is_chosen() {
    fn h2_notes(fs: &[tls_lens::model::Field], out: &mut Vec<String>) {
        for f in fs {
            if f.note.as_ref().is_some_and(|n| n.starts_with("\"h2\"")) {
                out.push(f.note.clone().unwrap_or_default());
            }
            h2_notes(&f.children, out);
        }
    }
    for (file, prohibited) in [("tls12-rsa", true), ("tls12-ecdhe-rsa", false)] {
        let a = analyze(&std::fs::read(common::data().join(format!("{file}.pcap"))).unwrap(), &Options::default());
        let c = &a.connections[0];
        let sh = c.messages.iter().find(|m| m.name == "ServerHello").unwrap();
        assert_eq!(sh.explanation.contains("INADEQUATE_SECURITY"), prohibited, "{file}: {}", sh.explanation);
        let mut ns = Vec::new();
        for m in &c.messages {
            h2_notes(&m.fields, &mut ns);
        }
        assert!(ns.len() >= 2, "{file}: {ns:?}");
        for n in ns {
            assert_eq!(n.contains("prohibited list") && n.contains("not ephemeral"), prohibited, "{file}: {n}");
        }
    }
}

/// RFC 5246 §7.4.5-7.4.6: after ServerHelloDone the client sends its flight; with a
/// CertificateRequest (tls11-mtls, tshark: Certificate Request in the server's flight) it starts
/// with its Certificate. Record headers of TLS 1.0-1.2 cite their own RFC (§6.2.1).
#[test]
fn server_hello_done_says_what_the_client_sends_next() {
    let mtls = conn("tls11-mtls", 0, Lang::En);
    let done = text(&mtls, "ServerHelloDone", 0);
    assert!(done.contains("because the server sent a CertificateRequest") && done.contains("RFC 4346 §7.4.6"), "{done}");
    let zh = conn("tls11-mtls", 0, Lang::Zh);
    assert!(text(&zh, "ServerHelloDone", 0).contains("CertificateRequest") && !text(&zh, "ServerHelloDone", 0).contains("没有进行任何校验"));
    let a = analyze(&std::fs::read(common::data().join("tls12-rsa.pcap")).unwrap(), &Options::default());
    let plain = text(&a.connections[0], "ServerHelloDone", 0);
    assert!(plain.contains("ClientKeyExchange, ChangeCipherSpec and Finished") && !plain.contains("CertificateRequest"), "{plain}");
    let header = a.connections[0].messages[0].fields.iter().find(|f| f.name == "record header").and_then(|f| f.note.clone()).unwrap();
    assert!(header.contains("RFC 5246 §6.2.1") && !header.contains("8446"), "{header}");
    let header = mtls.messages[0].fields.iter().find(|f| f.name == "record header").and_then(|f| f.note.clone()).unwrap();
    assert!(header.contains("RFC 4346 §6.2.1"), "{header}");
}

/// Field values in words follow the output language (RFC 5077 §3.2: an empty session_ticket
/// asks for a ticket; a non-empty one presents it; RFC 5746 §3.4: the initial handshake sends
/// an empty renegotiated_connection).
#[test]
fn field_values_in_words_follow_the_language() {
    fn find<'a>(fs: &'a [tls_lens::model::Field], name: &str) -> Option<&'a tls_lens::model::Field> {
        fs.iter().find_map(|f| if f.name == name { Some(f) } else { find(&f.children, name) })
    }
    fn value(c: &Connection, msg: &str, n: usize, field: &str) -> String {
        let m = c.messages.iter().filter(|m| m.name == msg).nth(n).unwrap();
        find(&m.fields, field).map(|f| f.value.clone()).unwrap_or_else(|| panic!("no {field} in {msg}"))
    }
    let en = conn("tls12-ticket", 0, Lang::En);
    let zh = conn("tls12-ticket", 0, Lang::Zh);
    assert_eq!(value(&en, "ClientHello", 0, "session_ticket"), "empty (asks for a new ticket)");
    assert_eq!(value(&zh, "ClientHello", 0, "session_ticket"), "空（请求一张新票据）");
    let again = conn("tls12-ticket", 1, Lang::Zh);
    assert_eq!(value(&again, "ClientHello", 0, "session_ticket"), "176 字节的票据（尝试恢复会话）");
    if find(&en.messages[0].fields, "renegotiation_info").is_some() {
        assert_eq!(value(&zh, "ClientHello", 0, "renegotiation_info"), "空（初次握手）");
    }
}

/// Without keys, an application data record says which side sent it and cites the section of
/// the suite's record protection (AES-GCM: RFC 5246 §6.2.3.3); lengths read in the language.
#[test]
fn unread_application_data_says_who_sent_it() {
    let bytes = std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tls12-ecdhe-rsa.pcap")).unwrap();
    for (lang, client, length) in [(Lang::En, "the client sent", " bytes"), (Lang::Zh, "客户端以 ALPN", " 字节")] {
        let a = analyze(&bytes, &Options { lang, ..Default::default() });
        let c = &a.connections[0];
        let app = c.messages.iter().find(|m| m.name == "ApplicationData" && m.dir == Some(tls_lens::model::Dir::C2S)).unwrap();
        assert!(app.explanation.contains(client) && app.explanation.contains("RFC 5246 §6.2.3.3"), "{}", app.explanation);
        let ch = &c.messages[0];
        let len = ch.fields.iter().find(|f| f.name == "length").unwrap();
        assert!(len.value.ends_with(length), "{lang:?}: {}", len.value);
    }
}

/// Field notes say what these bytes are, not what such a field can be in general: checked
/// against tshark's view of the same captures (session id lengths, offered codes) and the RFCs.
#[test]
fn field_notes_follow_the_bytes() {
    fn find<'a>(fs: &'a [tls_lens::model::Field], pred: &dyn Fn(&tls_lens::model::Field) -> bool) -> Option<&'a tls_lens::model::Field> {
        fs.iter().find_map(|f| if pred(f) { Some(f) } else { find(&f.children, pred) })
    }
    fn note(c: &Connection, msg: &str, pred: &dyn Fn(&tls_lens::model::Field) -> bool) -> String {
        let m = c.messages.iter().find(|m| m.name == msg).unwrap();
        find(&m.fields, pred).and_then(|f| f.note.clone()).unwrap_or_else(|| panic!("no such field in {msg}"))
    }
    let named = |n: &'static str| move |f: &tls_lens::model::Field| f.name == n;
    // tshark: OpenSSL's TLS 1.3 ClientHello has a 32-byte session id, echoed by the ServerHello
    // (middlebox compatibility mode, RFC 8446 Appendix D.4).
    let c = conn("tls13-mtls", 0, Lang::En);
    let sid = note(&c, "ClientHello", &named("legacy_session_id"));
    assert!(sid.contains("middlebox compatibility") && sid.contains("Appendix D.4") && sid.contains("never by id"), "{sid}");
    let echo = note(&c, "ServerHello", &named("legacy_session_id_echo"));
    assert!(echo.contains("echoed byte for byte") && echo.contains("resumes nothing"), "{echo}");
    // tshark: the same ClientHello offers 0x0303, ecdsa_sha224: a TLS 1.2 (hash, signature)
    // pair, hash 3 = SHA-224, signature 3 = ECDSA (RFC 5246 §7.4.1.4.1).
    let pair = note(&c, "ClientHello", &|f| f.name == "SignatureScheme" && f.value.starts_with("0x0303"));
    assert!(pair.contains("(hash, signature) pair") && pair.contains("RFC 5246 §7.4.1.4.1") && pair.contains("no curve"), "{pair}");
    let modern = note(&c, "ClientHello", &|f| f.name == "SignatureScheme" && f.value.starts_with("0x0804"));
    assert!(!modern.contains("(hash, signature) pair"), "{modern}");
    // tshark: it offers 0x0804 (rsa_pss_rsae_sha256) and 0x0809 (rsa_pss_pss_sha256); RFC 8446
    // §4.2.3 ties rsae to rsaEncryption keys and pss to RSASSA-PSS keys.
    assert!(modern.contains("rsaEncryption") && modern.contains("§4.2.3"), "{modern}");
    let pss = note(&c, "ClientHello", &|f| f.name == "SignatureScheme" && f.value.starts_with("0x0809"));
    assert!(pss.contains("id-RSASSA-PSS") && !pss.contains("ordinary RSA certificate"), "{pss}");
    // The client's Finished covers the client's own CertificateVerify (RFC 8446 §4.4.4).
    let fin = c.messages.iter().filter(|m| m.name == "Finished").last().unwrap();
    assert!(fin.explanation.contains("the client's CertificateVerify"), "{}", fin.explanation);
    let zh = conn("tls13-mtls", 0, Lang::Zh);
    assert!(note(&zh, "ClientHello", &named("legacy_session_id")).contains("中间设备兼容模式"));
    // tshark: the CCM capture's client offers 0xc09f, TLS_DHE_RSA_WITH_AES_256_CCM, whose name
    // has no hash: CCM suites use TLS 1.2's SHA-256 PRF (RFC 6655 §3).
    let dir = common::data();
    let a = analyze(&std::fs::read(dir.join("tls12-dhe-ccm.pcap")).unwrap(), &Options { now: Some(1_800_000_000), ..Default::default() });
    let ccm = note(&a.connections[0], "ClientHello", &|f| f.name == "CipherSuite" && f.value.starts_with("0xc09f"));
    assert!(ccm.contains("RFC 6655 §3") && ccm.contains("SHA-256") && ccm.contains("not TLS 1.3"), "{ccm}");
    let t13 = note(&c, "ClientHello", &|f| f.name == "CipherSuite" && f.value.starts_with("0x1301"));
    assert!(t13.contains("TLS 1.3 suite") && t13.contains("Appendix B.4"), "{t13}");
    // curl -v: "(OUT)" is the client's, "(1)" is HandshakeType client_hello (RFC 8446 §4).
    let log = std::fs::read(dir.join("corpus/seed/curl-vvv-head.txt")).unwrap();
    let a = analyze(&log, &Options::default());
    let line = note(&a.connections[0], "ClientHello", &named("log line"));
    assert!(line.contains("(OUT)") && line.contains("(1)") && line.contains("HandshakeType code of ClientHello"), "{line}");
    // The log is TLS 1.2 ("TLSv1.2 (OUT)"): its handshake types are RFC 5246's.
    assert!(line.contains("RFC 5246 §7.4") && !line.contains("8446"), "{line}");
}

/// Review round 6: each text states what these bytes show, checked against tshark's fields.
#[test]
fn texts_state_what_this_handshake_shows() {
    fn field_note(c: &Connection, msg: &str, n: usize, pred: &dyn Fn(&tls_lens::model::Field) -> bool) -> String {
        fn find<'a>(fs: &'a [tls_lens::model::Field], pred: &dyn Fn(&tls_lens::model::Field) -> bool) -> Option<&'a tls_lens::model::Field> {
            fs.iter().find_map(|f| if pred(f) { Some(f) } else { find(&f.children, pred) })
        }
        let m = c.messages.iter().filter(|m| m.name == msg).nth(n).unwrap();
        find(&m.fields, pred).and_then(|f| f.note.clone()).unwrap_or_else(|| panic!("no such field in {msg}"))
    }
    // tshark: the client's Certificate (c2s) has a keyUsage and the client sends a
    // CertificateVerify: its key signs (RFC 5246 §7.4.8), it never decrypts.
    let c = conn("tls12-mtls", 0, Lang::En);
    let client_cert = c.messages.iter().position(|m| m.name == "Certificate" && m.dir == Some(tls_lens::model::Dir::C2S)).unwrap();
    let ku = field_note(&c, "Certificate", c.messages[..client_cert].iter().filter(|m| m.name == "Certificate").count(), &|f| f.name.starts_with("keyUsage"));
    assert!(ku.contains("This client sends a CertificateVerify, so its key signs") && !ku.contains("keyEncipherment) for RSA"), "{ku}");
    // tshark: the first ClientHello's key share is x25519 (29), the HelloRetryRequest selects
    // secp256r1 (23) (RFC 8446 §4.1.4).
    let hrr = &analyze(&std::fs::read(common::data().join("tls13-hrr.pcap")).unwrap(), &Options::default()).connections[0];
    let ch = text(hrr, "ClientHello", 0);
    assert!(ch.contains("the server wants secp256r1") && ch.contains("HelloRetryRequest"), "{ch}");
    // tshark: no extension 23 in either hello of tls12-noems (RFC 7627 §5.2).
    let sh = text(&conn("tls12-noems", 0, Lang::En), "ServerHello", 0);
    assert!(sh.contains("Neither side sent extended_master_secret") && sh.contains("RFC 7627"), "{sh}");
    // tshark: tls12-rsa chooses TLS_RSA_WITH_AES_128_GCM_SHA256 (0x009c), RSA key transport.
    let rsa = &analyze(&std::fs::read(common::data().join("tls12-rsa.pcap")).unwrap(), &Options::default()).connections[0];
    assert!(text(rsa, "ServerHello", 0).contains("no forward secrecy"));
    // tshark: tls10's client_version is 0x0301: TLS 1.0's own RFC.
    let t10 = conn("tls10", 0, Lang::En);
    let ch10 = text(&t10, "ClientHello", 0);
    assert!(ch10.contains("up to TLS 1.0") && ch10.contains("RFC 2246 §7.4.1.2"), "{ch10}");
    assert!(text(&t10, "ServerHello", 0).contains("RFC 2246 §7.4.1.3"));
    // With the key log the encrypted alert is close_notify (tshark with the key log agrees).
    let alert = text(&t10, "Alert", 0);
    assert!(alert.contains("it is close_notify"), "{alert}");
    let zh = conn("tls10", 0, Lang::Zh);
    assert!(text(&zh, "Alert", 0).contains("它是 close_notify"));
    // tshark: the DHE server's g is 02 (RFC 5246 §7.4.3).
    let dhe = &analyze(&std::fs::read(common::data().join("tls12-dhe-rsa.pcap")).unwrap(), &Options::default()).connections[0];
    let g = field_note(dhe, "ServerKeyExchange", 0, &|f| f.name == "dh_g");
    assert!(g.contains("(02;") && g.contains("g^(xy) mod p"), "{g}");
    // An offered suite says its key exchange and the versions it is for (RFC 5246 Appendix A.5).
    // tshark: tls12-from13's client offers 0x003c, TLS_RSA_WITH_AES_128_CBC_SHA256.
    let cbc = field_note(&conn("tls12-from13", 0, Lang::En), "ClientHello", 0, &|f| f.name == "CipherSuite" && f.value.starts_with("0x003c"));
    assert!(cbc.contains("RSA (static") && cbc.contains("no forward secrecy") && cbc.contains("TLS 1.2 only"), "{cbc}");
}

/// Review round 7: what the hellos offered and answered, checked against tshark's fields.
#[test]
fn hellos_say_what_was_offered_and_answered() {
    // tshark: tls12-rsa.pcap's ServerHello picks 0x009c (TLS_RSA_WITH_AES_128_GCM_SHA256) and
    // ALPN h2, a suite RFC 9113 Appendix A prohibits for HTTP/2 (no ephemeral key exchange);
    // tls13-mtls (ECDHE/TLS 1.3) gets no such note.
    let rsa = analyze(&std::fs::read(common::data().join("tls12-rsa.pcap")).unwrap(), &Options::default());
    let n = notes(&rsa.connections[0]);
    assert!(n.contains("a suite HTTP/2 prohibits: its key exchange is not ephemeral") && n.contains("RFC 9113 §9.2.2"), "{n}");
    let rsa = analyze(&std::fs::read(common::data().join("tls12-rsa.pcap")).unwrap(), &Options { lang: Lang::Zh, ..Default::default() });
    assert!(notes(&rsa.connections[0]).contains("HTTP/2 禁用这个套件"));
    for name in ["tls12-noems", "tls13-mtls"] {
        assert!(!notes(&conn(name, 0, Lang::En)).contains("HTTP/2"), "{name}");
    }
    // tshark: tls12-noems offers one suite (0xc02f) and extensions 0,11,10,35,22,13: no 23.
    let ch = text(&conn("tls12-noems", 0, Lang::En), "ClientHello", 0);
    assert!(ch.contains("a single cipher suite, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"), "{ch}");
    assert!(ch.contains("does not offer extended_master_secret") && ch.contains("none of the suites it offers is CBC"), "{ch}");
    // tshark: tls12-from13 offers TLS 1.3 with an x25519 share, the server picks TLS 1.2.
    let ch = text(&conn("tls12-from13", 0, Lang::En), "ClientHello", 0);
    assert!(ch.contains("the server chose TLS 1.2, which ignores key_share"), "{ch}");
    // tshark: tls12-sessid's second ClientHello carries a 32-byte session id and extension 23.
    let ch = text(&conn("tls12-sessid", 1, Lang::En), "ClientHello", 0);
    assert!(ch.contains("RFC 7627 §5.3") && !ch.contains("asking to bind the master secret"), "{ch}");
    // tshark: tls12-etm's ServerHello answers 22 (encrypt_then_mac) and 65281 with 0xc027 (CBC).
    let sh = text(&conn("tls12-etm", 0, Lang::En), "ServerHello", 0);
    assert!(sh.contains("answers encrypt_then_mac") && sh.contains("answers renegotiation_info"), "{sh}");
    // tshark: a cookie-only HelloRetryRequest (RFC 8446 §4.2.2: reachability and statelessness).
    let hrr = text(&conn("tls13-hrr-cookie-only", 0, Lang::En), "HelloRetryRequest", 0);
    assert!(hrr.contains("denial of service") && hrr.contains("extra round trip"), "{hrr}");
    // tls10: TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA has a 20-byte HMAC-SHA1 (RFC 2246 §6.2.3.1).
    let t10 = conn("tls10", 0, Lang::En);
    let app = c_texts(&t10, "ApplicationData");
    assert!(app.iter().any(|t| t.contains("20-byte HMAC")) && !app.iter().any(|t| t.contains(" 0-byte HMAC")), "{app:?}");
    // The good-configuration advice says where this connection falls short.
    let n = notes(&t10);
    assert!(n.contains("falls short on: a protocol version older than TLS 1.2"), "{n}");
    // tshark: the TLS 1.3 ticket's lifetime is 7200 s (RFC 8446 §4.6.1).
    let c = conn("tls13-psk-dhe", 0, Lang::En);
    let m = c.messages.iter().find(|m| m.name == "NewSessionTicket").unwrap();
    let life = m.fields.iter().find(|f| f.name == "ticket_lifetime").and_then(|f| f.note.clone()).unwrap();
    assert!(life.contains("(2.0 hours)") && life.contains("RFC 8446 §4.6.1") && !life.contains("RFC 5077"), "{life}");
}

fn c_texts(c: &Connection, msg: &str) -> Vec<String> {
    c.messages.iter().filter(|m| m.name == msg).map(|m| m.explanation.clone()).collect()
}

/// A decrypted TLS 1.2 alert is listed once, as what it held (tshark with the key log: two
/// alerts in tls12-mtls, level 1 description 0, from the server's port 44510 and then the
/// client's); the plaintext's rebuilt record header is explained as TLS 1.2's, not with
/// TLS 1.3's TLSInnerPlaintext.
#[test]
fn decrypted_tls12_records_are_told_as_tls12() {
    let c = conn("tls12-mtls", 0, Lang::En);
    let alerts: Vec<(Option<tls_lens::model::Dir>, Option<u8>, Option<u8>, bool)> = c.alerts.iter().map(|a| (a.dir, a.level, a.description.map(|d| d.0), a.encrypted)).collect();
    use tls_lens::model::Dir::{C2S, S2C};
    assert_eq!(alerts, vec![(Some(S2C), Some(1), Some(0), false), (Some(C2S), Some(1), Some(0), false)]);
    let fin = c.messages.iter().find(|m| m.name == "Finished" && m.decrypted).unwrap();
    let header = fin.fields.iter().find(|f| f.name == "record header").expect("record header");
    let note = header.note.clone().unwrap_or_default();
    assert!(note.contains("RFC 5246 §6.2.3") && !note.contains("TLSInnerPlaintext") && !note.contains("8446"), "{note}");
    // Without the key log the alerts stay encrypted, one per record.
    let bytes = std::fs::read(kinds().join("tls12-mtls.pcap")).unwrap();
    let plain = analyze(&bytes, &Options { lang: Lang::En, ..Default::default() });
    assert_eq!(plain.connections[0].alerts.iter().filter(|a| a.encrypted).count(), 2);
}

/// Review round 10: notes written from what this handshake did. tshark: tls11-mtls's client
/// sends Certificate, ClientKeyExchange, CertificateVerify, then ChangeCipherSpec, with
/// TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA (0xc014) and encrypt_then_mac (22) answered; TLS 1.1 CBC
/// records carry an explicit IV (RFC 4346 §6.2.3.2, RFC 7366 §3).
#[test]
fn change_cipher_spec_says_what_it_follows_and_what_records_carry_next() {
    let c = conn("tls11-mtls", 0, Lang::En);
    let ccs = text(&c, "ChangeCipherSpec", 0);
    assert!(ccs.starts_with("After the client's CertificateVerify") && ccs.contains("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"), "{ccs}");
    assert!(ccs.contains("16-byte explicit IV") && ccs.contains("encrypt-then-MAC") && ccs.contains("RFC 4346 §7.1"), "{ccs}");
    let zh = conn("tls11-mtls", 0, Lang::Zh);
    let z = text(&zh, "ChangeCipherSpec", 0);
    assert!(z.contains("客户端的 CertificateVerify") && z.contains("显式 IV") && !z.contains("自有内容类型"), "{z}");
}

/// tshark (facts.tsv): tls13-0rtt-rejected's second connection offers early_data and resumes
/// with PSK identity 0 (psk_dhe_ke) but the server's EncryptedExtensions has no early_data; the
/// ClientHello's early_data says so. Its first connection's ClientHello carries an empty
/// session_ticket but TLS 1.3 was chosen (tshark: supported_versions 0x0304), where the
/// extension plays no part (RFC 8446 §4.2).
#[test]
fn client_hello_extensions_say_what_became_of_them() {
    fn note_of(c: &Connection, name: &str) -> String {
        fn find(fs: &[tls_lens::model::Field], name: &str) -> Option<String> {
            fs.iter().find_map(|f| if f.name == name { f.note.clone() } else { find(&f.children, name) })
        }
        find(&c.messages.iter().find(|m| m.name == "ClientHello").unwrap().fields, name).unwrap_or_else(|| panic!("no {name}"))
    }
    let c = conn("tls13-0rtt-rejected", 1, Lang::En);
    let early = note_of(&c, "early_data");
    assert!(early.contains("The server rejected it") && early.contains("accepted the PSK (identity 0)"), "{early}");
    let zh = conn("tls13-0rtt-rejected", 1, Lang::Zh);
    assert!(note_of(&zh, "early_data").contains("服务器拒绝了"));
    let first = conn("tls13-0rtt-rejected", 0, Lang::En);
    let ticket = note_of(&first, "session_ticket");
    assert!(ticket.contains("TLS 1.2 session ticket") && ticket.contains("plays no part"), "{ticket}");
}

/// Review round 10: an offered suite says what became of it. tshark: gnutls-tls13-resume
/// negotiated TLS 1.3 (0x1302) and its client also offered 0xc00a
/// TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, whose MAC is HMAC-SHA1 (RFC 8422 §6); the server's
/// Finished of python-tls12-resume covers its NewSessionTicket and the client's Finished
/// (RFC 5077 §3.3, RFC 5246 §7.4.9).
#[test]
fn offered_suites_and_finished_say_what_this_connection_did() {
    fn suite_note(c: &Connection, code: &str) -> String {
        fn find(fs: &[tls_lens::model::Field], code: &str) -> Option<String> {
            fs.iter().find_map(|f| if f.name == "CipherSuite" && f.value.starts_with(code) { f.note.clone() } else { find(&f.children, code) })
        }
        find(&c.messages[0].fields, code).unwrap_or_else(|| panic!("no suite {code}"))
    }
    let c = conn("gnutls-tls13-resume", 0, Lang::En);
    let old = suite_note(&c, "0xc00a");
    assert!(old.contains("HMAC-SHA1") && !old.contains("or MD5") && old.contains("went unused"), "{old}");
    assert!(suite_note(&c, "0x1302").contains("The server chose this suite"));
    let t = conn("python-tls12-resume", 0, Lang::En);
    let fin = t.messages.iter().filter(|m| m.name == "Finished" && m.encrypted).nth(1).unwrap();
    assert!(fin.explanation.contains("up to and including NewSessionTicket, the client's Finished among them"), "{}", fin.explanation);
}

/// Review round 10, part 1. tls13-hrr (tshark: HRR without a cookie, no PSK, no early_data)
/// names the changes RFC 8446 §4.1.2 allows that apply to this retried ClientHello; tls12-mtls (tshark: the client
/// answers a CertificateRequest with a Certificate and a CertificateVerify) says so at
/// ServerHelloDone, and the curl remark is kept for curl logs; a curl log's ChangeCipherSpec
/// line shows that one-byte message whole (RFC 5246 §7.1).
#[test]
fn retry_server_hello_done_and_log_lines_say_what_these_bytes_show() {
    let dir = common::data();
    let hrr = analyze(&std::fs::read(dir.join("tls13-hrr.pcap")).unwrap(), &Options { keylog: std::fs::read_to_string(dir.join("tls13-hrr.keylog")).unwrap(), ..Default::default() });
    let retry = text(&hrr.connections[0], "ClientHello", 1);
    assert!(retry.contains("allows for this hello (any change to the padding extension, the new key_share for the group the HelloRetryRequest named") && !retry.contains("allows only"), "{retry}");
    let mtls = conn("tls12-mtls", 0, Lang::En);
    let done = text(&mtls, "ServerHelloDone", 0);
    assert!(done.contains("first its Certificate (here a chain of") && !done.contains("curl"), "{done}");
    let log = analyze(&std::fs::read(dir.join("corpus/seed/curl-vvv-head.txt")).unwrap(), &Options::default());
    let c = &log.connections[0];
    assert!(text(c, "ServerHelloDone", 0).contains("Server finished (14)"));
    let ccs = c.messages.iter().find(|m| m.name == "ChangeCipherSpec").unwrap();
    let line = ccs.fields[0].note.clone().unwrap();
    assert!(line.contains("shows all of it") && !line.contains("not known"), "{line}");
}

/// Review round 12: an unread TLS 1.2 record says how its bytes divide (the record lengths
/// below were read from the pcap's record headers with a separate script: the client's first
/// application data record is 88 bytes; AES-GCM adds an 8-byte explicit nonce and a 16-byte tag,
/// RFC 5288 §3); EndOfEarlyData says how many 0-RTT records it closes (one 44-byte record before
/// the ServerHello in tcp.stream 1) and under which keys it travels (RFC 8446 §4.5, §2.3); the
/// ClientHello's pre_shared_key says which identity the server took (tshark: the ServerHello
/// has pre_shared_key, 41); a TLS 1.0 record_size_limit of 16384 asks for nothing smaller and,
/// unanswered (tshark: the ServerHello has only 65281 and 11), has no effect (RFC 8449 §4).
#[test]
fn unread_records_early_data_psk_and_record_size_limit_say_what_these_bytes_hold() {
    fn find<'a>(fs: &'a [tls_lens::model::Field], name: &str) -> Option<&'a tls_lens::model::Field> {
        fs.iter().find_map(|f| if f.name == name { Some(f) } else { find(&f.children, name) })
    }
    let bytes = std::fs::read(common::data().join("tls12-ecdhe-rsa.pcap")).unwrap();
    for (lang, want) in [(Lang::En, ["88 bytes on the wire", "8-byte explicit nonce, 64 bytes of encrypted data", "16-byte authentication tag", "ALPN chose (h2)"]), (Lang::Zh, ["线路上 88 字节", "8 字节显式 nonce、64 字节加密数据", "16 字节认证标签", "（h2）"])] {
        let a = analyze(&bytes, &Options { lang, ..Default::default() });
        let app = a.connections[0].messages.iter().find(|m| m.name == "ApplicationData" && m.dir == Some(tls_lens::model::Dir::C2S)).unwrap();
        for w in want {
            assert!(app.explanation.contains(w), "{lang:?} wants {w}: {}", app.explanation);
        }
    }
    for (lang, want) in [(Lang::En, ["Before it the client sent 1 record(s) of 0-RTT data", "still protected with the early traffic keys", "after the client has received the server's Finished"]), (Lang::Zh, ["客户端发送了 1 个 0-RTT 数据记录", "早期流量密钥", "收到服务器的 Finished 之后"])] {
        let c = conn("tls13-0rtt", 1, lang);
        let eoed = text(&c, "EndOfEarlyData", 0);
        for w in want {
            assert!(eoed.contains(w), "{lang:?} wants {w}: {eoed}");
        }
        let ch = c.messages.iter().find(|m| m.name == "ClientHello").unwrap();
        let psk = find(&ch.fields, "pre_shared_key").and_then(|f| f.note.clone()).unwrap();
        assert!(psk.contains(if lang == Lang::En { "selected identity 0" } else { "选择了身份 0" }), "{psk}");
    }
    let c = conn("tls13-psk-dhe", 0, Lang::En);
    let ch = c.messages.iter().find(|m| m.name == "ClientHello").unwrap();
    assert!(find(&ch.fields, "pre_shared_key").is_none(), "a first connection offers no PSK");
    for (lang, want) in [(Lang::En, ["16384 bytes of plaintext", "the most TLS 1.0 allows", "did not send it back"]), (Lang::Zh, ["16384 字节明文", "TLS 1.0 本身允许的最大值", "服务器没有回应它"])] {
        let c = conn("tls10-gnutls", 0, lang);
        let ch = c.messages.iter().find(|m| m.name == "ClientHello").unwrap();
        let rsl = find(&ch.fields, "RecordSizeLimit").and_then(|f| f.note.clone()).unwrap();
        for w in want {
            assert!(rsl.contains(w), "{lang:?} wants {w}: {rsl}");
        }
    }
}

/// Review round 13: a TLS 1.2 server's empty session id with session_ticket answered (tshark:
/// python-tls12-resume stream 0's ServerHello has extension 35; RFC 5077 §3.4), its echo when
/// a ticket resumes (stream 1) and when a cached session resumes (tls12-sessid stream 1); the
/// early_data of a NewSessionTicket is a ticket's permission, not this connection's 0-RTT
/// (RFC 8446 §4.6.1); OpenSSL's padding brings its ClientHello to 512 bytes (its record header
/// says 0x0200) from 263 (RFC 7685 §4); a curl log whose server accepted h3 over TLS 1.2 gets
/// a warning (RFC 9114 §3.1, RFC 9001 §4.2).
#[test]
fn session_ids_ticket_early_data_padding_and_h3_say_what_these_bytes_show() {
    fn find<'a>(fs: &'a [tls_lens::model::Field], name: &str) -> Option<&'a tls_lens::model::Field> {
        // The padding extension's field and its one child share the name: take the child.
        let leaf = name == "padding";
        fs.iter().find_map(|f| if f.name == name && (!leaf || f.children.is_empty()) { Some(f) } else { find(&f.children, name) })
    }
    let sid = |name: &str, stream: usize, lang: Lang| {
        let c = conn(name, stream, lang);
        let sh = c.messages.iter().find(|m| m.name == "ServerHello").unwrap();
        find(&sh.fields, "legacy_session_id_echo").and_then(|f| f.note.clone()).unwrap()
    };
    let full = sid("python-tls12-resume", 0, Lang::En);
    assert!(full.starts_with("Empty: the server will not cache this session") && full.contains("SHOULD send an empty session id"), "{full}");
    assert!(sid("python-tls12-resume", 0, Lang::Zh).contains("应当（SHOULD）发送空的会话 ID"));
    let ticket = sid("python-tls12-resume", 1, Lang::En);
    assert!(ticket.contains("a server that accepts the ticket must echo that id"), "{ticket}");
    let cached = sid("tls12-sessid", 1, Lang::En);
    assert!(cached.contains("found that session in its cache"), "{cached}");
    for (lang, want) in [(Lang::En, "this ticket allows 0-RTT"), (Lang::Zh, "这张票据允许 0-RTT")] {
        let c = conn("tls13-0rtt-rejected", 0, lang);
        let nst = c.messages.iter().find(|m| m.name == "NewSessionTicket").unwrap();
        let ed = find(&nst.fields, "early_data").and_then(|f| f.note.clone()).unwrap();
        assert!(ed.contains(want) && !ed.contains("accepts the client's 0-RTT"), "{ed}");
    }
    let dir = common::data();
    let a = analyze(&std::fs::read(dir.join("tls13.pcap")).unwrap(), &Options::default());
    let pad = find(&a.connections[0].messages[0].fields, "padding").and_then(|f| f.note.clone()).unwrap();
    assert!(pad.contains("is 512 bytes long") && pad.contains("would be 263") && pad.contains("256 to 511"), "{pad}");
    for (lang, want) in [(Lang::En, "ALPN chose h3 (HTTP/3) on a TLS 1.2 connection"), (Lang::Zh, "选定了 h3（HTTP/3）")] {
        let log = analyze(&std::fs::read(dir.join("corpus/seed/curl-vvv-head.txt")).unwrap(), &Options { lang, ..Default::default() });
        assert!(log.connections[0].notes.iter().any(|n| n.severity == NoteSeverity::Warning && n.text.contains(want)), "{lang:?}: {:?}", log.connections[0].notes);
    }
    let h2 = analyze(&std::fs::read(dir.join("tls12-ecdhe-rsa.pcap")).unwrap(), &Options::default());
    assert!(!h2.connections[0].notes.iter().any(|n| n.text.contains("HTTP/3")));
}

/// RFC 10015 (2026, IANA "Recommended: D"): the DHE suite a TLS 1.2 server chose is a warning
/// (tests/data/tls12-dhe-rsa.pcap: tshark says 0x009e), and an offered DHE suite is no longer
/// called Recommended (round 13 found it still was).
#[test]
fn suites_rfc_10015_retires_are_told_as_discouraged() {
    let a = analyze(&std::fs::read(common::data().join("tls12-dhe-rsa.pcap")).unwrap(), &Options::default());
    let c = &a.connections[0];
    assert_eq!(c.summary.cipher_suite.map(|s| s.0), Some(0x009e));
    assert!(c.notes.iter().any(|n| n.severity == NoteSeverity::Warning && n.text.contains("IANA now marks D") && n.text.contains("RFC 10015 §3")), "{}", notes(c));
    assert!(c.summary.cipher_suite_parts.as_ref().is_some_and(|p| p.iana_discouraged && !p.iana_recommended));
    for (lang, want, not) in [(Lang::En, "IANA marks it D (discouraged) since RFC 10015", "marks Recommended"), (Lang::Zh, "IANA 将它标为 D（不鼓励使用）", "标为“推荐”")] {
        let c = conn("python-tls12-resume", 0, lang);
        let ch = c.messages.iter().find(|m| m.name == "ClientHello").unwrap();
        let suites = ch.fields.iter().find(|f| f.name == "cipher_suites").unwrap();
        let dhe = suites.children.iter().find(|f| f.value.starts_with("0x009e")).and_then(|f| f.note.clone()).unwrap();
        assert!(dhe.contains(want) && !dhe.contains(not), "{dhe}");
    }
}

/// Review round 14: a cookie-only HelloRetryRequest (tshark: no key_share in it) allows no new
/// key_share (RFC 8446 §4.1.2); the client's application traffic keys never protect a
/// NewSessionTicket (only servers send it, RFC 8446 §4.6.1); a TLS 1.3 ticket says its lifetime
/// in hours beside the protocol's 7-day cap and whether it allows 0-RTT (tshark: the 0-RTT
/// capture's tickets carry early_data with max_early_data_size 16384); a ChaCha20-Poly1305 suite
/// has a 256-bit key (RFC 8439 §2.8); a CBC ServerHello without encrypt_then_mac says the
/// records are MAC-then-encrypt; a TLS 1.0 record header's version is the negotiated one.
#[test]
fn retry_keys_tickets_suites_and_record_versions_say_what_this_connection_did() {
    let retry = text(&conn("tls13-hrr-cookie-only", 0, Lang::En), "ClientHello", 1);
    assert!(!retry.contains("new key_share") && retry.contains("(any change to the padding extension, the cookie)"), "{retry}");
    let c = conn("tls13-0rtt", 0, Lang::En);
    let app = c.key_schedule.iter().find(|k| k.text_ref.key == "field.keys.application.c2s").expect("client application keys");
    assert!(!app.text.contains("such as NewSessionTicket") && app.text.contains("comes only from the server"), "{}", app.text);
    let nst = text(&c, "NewSessionTicket", 0);
    assert!(nst.contains("7200 seconds (2.0 hours; the protocol's cap is 604800 seconds, 7 days)") && nst.contains("up to 16384 bytes of early data"), "{nst}");
    // tshark: Python's ClientHello offers 0xcca8 TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256.
    let py = conn("python-tls12-resume", 0, Lang::En);
    let ch = py.messages.iter().find(|m| m.name == "ClientHello").unwrap();
    let suites = ch.fields.iter().find(|f| f.name == "cipher_suites").unwrap();
    let chacha = suites.children.iter().find(|f| f.value.starts_with("0xcca8")).and_then(|f| f.note.clone()).unwrap();
    assert!(chacha.contains("ChaCha20-Poly1305 (256-bit key") && chacha.contains("RFC 7905 §2") && !chacha.contains("RFC 5288"), "{chacha}");
    let noetm = conn("tls12-noetm", 0, Lang::En);
    assert!(text(&noetm, "ServerHello", 0).contains("the records are MAC-then-encrypt"));
    let tls10 = conn("tls10", 0, Lang::En);
    let rv = tls10.messages[0].fields[0].children.iter().find(|f| f.name == "legacy_record_version").and_then(|f| f.note.clone()).unwrap();
    assert!(rv.contains("the version this connection negotiated") && !rv.contains("lower"), "{rv}");
}

/// Review round 15: the HelloRetryRequest's key_share names the shares the first ClientHello
/// sent (tests/data/tls13-hrr.pcap: OpenSSL sent x25519 only and was asked for secp256r1, as
/// tests/data/README.md records); the server's ALPN answer names h2 and, over TLS 1.2 with
/// 0x009c (RFC 9113 Appendix A lists it), says HTTP/2 prohibits the suite; MAC-then-encrypt
/// says its HMAC does not cover the padding (RFC 5246 §6.2.3.1); an AEAD suite's version rule
/// cites the AEAD record format and RFC 8446 Appendix B.4, not a suite's own RFC.
#[test]
fn hrr_shares_alpn_answers_cbc_macs_and_aead_suites_say_what_these_bytes_show() {
    fn find<'a>(fs: &'a [tls_lens::model::Field], name: &str) -> Option<&'a tls_lens::model::Field> {
        fs.iter().find_map(|f| if f.name == name { Some(f) } else { find(&f.children, name) })
    }
    let dir = common::data();
    let hrr = analyze(&std::fs::read(dir.join("tls13-hrr.pcap")).unwrap(), &Options::default());
    let m = hrr.connections[0].messages.iter().find(|m| m.name == "HelloRetryRequest").unwrap();
    let ks = find(&m.fields, "key_share").and_then(|f| f.note.clone()).unwrap();
    assert!(ks.contains("(secp256r1)") && ks.contains("sent shares only for x25519") && ks.contains("illegal_parameter"), "{ks}");
    let rsa = analyze(&std::fs::read(dir.join("tls12-rsa.pcap")).unwrap(), &Options::default());
    let sh = rsa.connections[0].messages.iter().find(|m| m.name == "ServerHello").unwrap();
    let alpn = find(&sh.fields, "application_layer_protocol_negotiation").and_then(|f| f.note.clone()).unwrap();
    assert!(alpn.contains("the server chose h2 from the client's list (h2, http/1.1)") && alpn.contains("INADEQUATE_SECURITY"), "{alpn}");
    let noetm = conn("tls12-noetm", 0, Lang::En);
    let ccs = text(&noetm, "ChangeCipherSpec", 0);
    assert!(ccs.contains("but not the padding"), "{ccs}");
    let py = conn("python-tls12-resume", 0, Lang::En);
    let ch = py.messages.iter().find(|m| m.name == "ClientHello").unwrap();
    let gcm = ch.fields.iter().find(|f| f.name == "cipher_suites").unwrap().children.iter().find(|f| f.value.starts_with("0xc02f")).and_then(|f| f.note.clone()).unwrap();
    assert!(gcm.contains("only TLS 1.2 has (RFC 5246 §6.2.3.3)") && gcm.contains("RFC 8446 Appendix B.4") && gcm.contains("the suite: RFC 5289 §3.2"), "{gcm}");
}

/// Review round 16: a TLS 1.0 key schedule cites RFC 2246 and its key block holds IVs, a
/// TLS 1.1/1.2 CBC one holds none (RFC 5246 §6.3: IVs only for implicit nonces); a TLS 1.3
/// ServerHello's extensions say the other answers are in EncryptedExtensions (RFC 8446 §4.1.3);
/// ed448 is a Recommended scheme whose name gives no hash, cited by RFC 8446 §11 (the registry
/// it created), not RFC 8447 §11.
#[test]
fn key_blocks_server_extensions_and_schemes_say_what_this_connection_did() {
    let tls10 = conn("tls10", 0, Lang::En);
    let ms = &tls10.key_schedule[0].text;
    assert!(ms.starts_with("TLS 1.0") && ms.contains("16-byte IV") && ms.contains("RFC 2246 §6.3") && !ms.contains("RFC 5246"), "{ms}");
    let etm = conn("tls12-etm", 0, Lang::En);
    let ms = &etm.key_schedule[0].text;
    assert!(ms.contains("no IVs, since each CBC record carries its own") && ms.contains("RFC 5246 §6.3"), "{ms}");
    let f = &etm.key_schedule[0].values.iter().find(|v| v.name == "key_block").unwrap().formula;
    assert!(f.ends_with("[0..96], 2 × (32 + 16 + 0) B"), "{f}");
    let c = conn("tls13-psk-dhe", 0, Lang::En);
    let sh = c.messages.iter().find(|m| m.name == "ServerHello").unwrap();
    let exts = sh.fields.iter().find(|f| f.name == "extensions").and_then(|f| f.note.clone()).unwrap();
    assert!(exts.contains("here: supported_versions, key_share") && exts.contains("in EncryptedExtensions"), "{exts}");
    let ch = c.messages.iter().find(|m| m.name == "ClientHello").unwrap();
    fn find<'a>(fs: &'a [tls_lens::model::Field], pred: &dyn Fn(&tls_lens::model::Field) -> bool) -> Option<&'a tls_lens::model::Field> {
        fs.iter().find_map(|f| if pred(f) { Some(f) } else { find(&f.children, pred) })
    }
    // tshark: OpenSSL's signature_algorithms offers 0x0808 (ed448).
    let ed448 = find(&ch.fields, &|f| f.value.starts_with("0x0808")).and_then(|f| f.note.clone()).unwrap();
    assert!(ed448.contains("except for EdDSA") && ed448.contains("RFC 8446 §4.2.3, §11") && !ed448.contains("RFC 8447 §11"), "{ed448}");
}

/// Review round 17: a TLS 1.0 CertificateRequest's certificate types cite RFC 2246 and say the
/// list is all TLS 1.0 has; the good-configuration shortfall does not say RFC 10015 retires
/// static ECDH (it only says should not, §2); a leaf's CA: false is not called an RFC 5280 MUST;
/// an openssl -msg log's decrypted records say their shown header was not on the wire.
#[test]
fn certificate_types_shortfalls_basic_constraints_and_log_headers_say_what_the_rfcs_say() {
    fn find<'a>(fs: &'a [tls_lens::model::Field], name: &str) -> Option<&'a tls_lens::model::Field> {
        fs.iter().find_map(|f| if f.name == name { Some(f) } else { find(&f.children, name) })
    }
    let c = conn("tls10-mtls-nocas", 0, Lang::En);
    let cr = c.messages.iter().find(|m| m.name == "CertificateRequest").unwrap();
    let t = find(&cr.fields, "ClientCertificateType").and_then(|f| f.note.clone()).unwrap();
    assert!(t.contains("(RFC 2246 §7.4.4)") && t.contains("TLS 1.0 has no signature-algorithms field"), "{t}");
    let dhe = analyze(&std::fs::read(common::data().join("tls12-dhe-rsa.pcap")).unwrap(), &Options::default());
    let good = dhe.connections[0].notes.iter().find(|n| n.text_ref.key == "note.good_config").map(|n| n.text.clone()).unwrap();
    assert!(good.contains("static ECDH should not") && !good.contains("retires"), "{good}");
    let leaf = dhe.connections[0].messages.iter().find(|m| m.name == "Certificate").unwrap();
    // tshark: the server's leaf has basicConstraints (critical) with cA false, its issuer cA true.
    let mut fields = Vec::new();
    all_fields(&leaf.fields, &mut fields);
    let bcs: Vec<String> = fields.iter().filter(|f| f.name.starts_with("basicConstraints")).filter_map(|f| f.note.clone()).collect();
    assert!(bcs.len() >= 2 && bcs[0].contains("end-entity certificate: CA: false") && !bcs[0].contains("must say CA: false") && bcs[1].contains("CA: true"), "{bcs:?}");
    let log = analyze(&std::fs::read(common::data().join("logs/openssl-msg-tls13.txt")).unwrap(), &Options::default());
    let n = log.connections[0].notes.iter().find(|n| n.text_ref.key == "note.log.decrypted").map(|n| n.text.clone()).unwrap();
    assert!(n.contains("That header was not on the wire") && n.contains("application_data (23)"), "{n}");
}

/// Review round 18: a TLS 1.1 ClientHello record's lower version cites RFC 5246 Appendix E.1
/// (RFC 4346 does not grant it); a resumption's PSK identity is a ticket, told by its non-zero
/// obfuscated age (RFC 8446 §4.2.11; tshark: the psk-dhe capture's second ClientHello offers one
/// identity with a non-zero age); a TLS 1.2 ServerHello choosing a DHE suite says RFC 10015 §3
/// forbids selecting it.
#[test]
fn record_versions_psk_identities_and_discouraged_choices_say_what_the_rfcs_say() {
    let c = conn("tls11-mtls", 0, Lang::En);
    let rv = c.messages[0].fields[0].children.iter().find(|f| f.name == "legacy_record_version").and_then(|f| f.note.clone()).unwrap();
    assert!(rv.contains("lower than the TLS 1.1") && rv.contains("RFC 5246 Appendix E.1") && !rv.contains(", Appendix E)"), "{rv}");
    fn find<'a>(fs: &'a [tls_lens::model::Field], name: &str) -> Option<&'a tls_lens::model::Field> {
        fs.iter().find_map(|f| if f.name == name { Some(f) } else { find(&f.children, name) })
    }
    let r = conn("tls13-psk-dhe", 1, Lang::En);
    let id = find(&r.messages[0].fields, "identity").and_then(|f| f.note.clone()).unwrap();
    assert!(id.contains("it is a ticket a server sent in a NewSessionTicket"), "{id}");
    let dhe = analyze(&std::fs::read(common::data().join("tls12-dhe-rsa.pcap")).unwrap(), &Options::default());
    let sh = text(&dhe.connections[0], "ServerHello", 0);
    assert!(sh.contains("IANA now marks that suite D") && sh.contains("RFC 10015 §3"), "{sh}");
}

/// Review round 19: a client certificate type says what its own value is (dss_sign: a DSA key),
/// and a TLS 1.0 CertificateRequest's empty CA list breaks RFC 2246 §7.4.4 (tshark: the
/// nocas capture's certificate_authorities length is 0); the CA list is cited by the version's
/// RFC (RFC 4346 for TLS 1.1); encrypt-then-MAC's HMAC covers the sequence number and header
/// (RFC 7366 §3); a list of two-byte entries counts them; a DHE ServerKeyExchange does not claim
/// a fresh Ys it cannot see and cites RFC 10015 in TLS 1.2; a ClientHello with a ticket does not
/// say "nothing here is secret"; renegotiation_info answering the SCSV is the one exception to
/// "only extensions the client sent" (RFC 5746 §3.6).
#[test]
fn certificate_requests_macs_lists_dhe_tickets_and_scsv_say_what_these_bytes_show() {
    let notes_of = |c: &Connection, msg: &str, name: &str| -> Vec<String> {
        let mut fs = Vec::new();
        for m in c.messages.iter().filter(|m| m.name == msg) {
            all_fields(&m.fields, &mut fs);
        }
        fs.iter().filter(|f| f.name == name).filter_map(|f| f.note.clone()).collect()
    };
    let c = conn("tls10-mtls-nocas", 0, Lang::En);
    let types = notes_of(&c, "CertificateRequest", "ClientCertificateType");
    assert!(types.iter().any(|t| t.contains("2 (dss_sign), a certificate with a DSA key")) && !types.iter().any(|t| t.contains("this list is all")), "{types:?}");
    let cas = notes_of(&c, "CertificateRequest", "certificate_authorities");
    assert!(cas[0].contains("RFC 2246 requires at least one name, so this TLS 1.0 server does not follow"), "{cas:?}");
    let c11 = conn("tls11-mtls", 0, Lang::En);
    assert!(notes_of(&c11, "CertificateRequest", "certificate_authorities")[0].contains("(RFC 4346 §7.4.4)"));
    let etm = conn("tls12-etm", 0, Lang::En);
    let sh = etm.messages.iter().find(|m| m.name == "ServerHello").unwrap();
    let mut fs = Vec::new();
    all_fields(&sh.fields, &mut fs);
    let e = fs.iter().find(|f| f.note_ref.as_ref().is_some_and(|r| r.key == "ext.encrypt_then_mac.server")).and_then(|f| f.note.clone()).unwrap();
    assert!(e.contains("the sequence number, the record header, the IV and the ciphertext"), "{e}");
    let ch = etm.messages.iter().find(|m| m.name == "ClientHello").unwrap();
    let mut fs = Vec::new();
    all_fields(&ch.fields, &mut fs);
    let suites_len = fs.iter().find(|f| f.note_ref.as_ref().is_some_and(|r| r.key == "field.vector_length.u16")).and_then(|f| f.note.clone()).unwrap();
    assert!(suites_len.contains("each entry is 2 bytes, so"), "{suites_len}");
    let dhe = analyze(&std::fs::read(common::data().join("tls12-dhe-rsa.pcap")).unwrap(), &Options::default());
    let ske = text(&dhe.connections[0], "ServerKeyExchange", 0);
    assert!(ske.contains("one capture cannot tell") && ske.contains("RFC 10015 §3"), "{ske}");
    let py = conn("python-tls12-resume", 1, Lang::En);
    let hello = text(&py, "ClientHello", 0);
    assert!(!hello.contains("Nothing here is secret") && hello.contains("encrypted under a key only the server knows"), "{hello}");
    let noetm = conn("tls12-noetm", 0, Lang::En);
    let exts = notes_of(&noetm, "ServerHello", "extensions");
    assert!(exts[0].contains("TLS_EMPTY_RENEGOTIATION_INFO_SCSV"), "{exts:?}");
}

/// Review round 20: a TLS 1.0 client certificate's key usage says this client signed a
/// CertificateVerify (the message list shows one) instead of "a client's key only signs"; a
/// TLS 1.3 PSK binder's length names the hash it comes from (48 bytes: SHA-384, the suite
/// tshark reports, 0x1302); certificate_authorities in a CertificateRequest is told as the
/// server's hint for the client's certificate (RFC 8446 §4.2.4).
#[test]
fn client_key_usage_binder_lengths_and_certificate_authorities_say_what_this_connection_did() {
    let c = conn("tls10-mtls-nocas", 0, Lang::En);
    let ku = notes_with(&c, "field.cert.ext.key_usage.client.signed");
    assert!(!ku.is_empty() && ku[0].contains("This client sends a CertificateVerify") && ku[0].contains("RFC 2246 §7.4.8"), "{ku:?}");
    let r = conn("tls13-psk-dhe", 1, Lang::En);
    let bl = notes_with(&r, "field.pre_shared_key.binder_length");
    assert!(!bl.is_empty() && bl[0].contains("48 bytes") && bl[0].contains("(SHA-384)"), "{bl:?}");
    let m = conn("tls13-mtls", 0, Lang::En);
    let ca = notes_with(&m, "ext.certificate_authorities.cr");
    assert!(ca.iter().all(|n| n.contains("the server names for the client's certificate")), "{ca:?}");
}

/// Review round 21 (48 OK, 2 vague, 0 wrong: the bar of issue 16): the triple handshake
/// sentence says how the attack reaches equal secrets with this key exchange (ECDHE here:
/// tshark says 0xc02f), and the openssl -msg ChangeCipherSpec note says which OpenSSL versions
/// leave the body out.
#[test]
fn triple_handshake_and_log_ccs_notes_say_what_applies_here() {
    let c = conn("tls12-noems", 0, Lang::En);
    let sh = text(&c, "ServerHello", 0);
    assert!(sh.contains("that binding is not assured") && sh.contains("With ECDHE, as here"), "{sh}");
    let log = analyze(&std::fs::read(common::data().join("logs/openssl-msg-tls13.txt")).unwrap(), &Options::default());
    let n = log.connections[0].notes.iter().find(|n| n.text_ref.key == "note.log.ccs_body").map(|n| n.text.clone()).unwrap();
    assert!(n.contains("OpenSSL 3.3 and earlier"), "{n}");
}

/// Issue 20 ("one sentence at the top that says what went wrong"): a handshake a fatal alert
/// ended says who sent it, after which message and the likely cause from what was offered.
/// tests/data/tls-failed.pcap: `s_client -tls1_2` against `s_server -tls1_3` (tests/data/README.md),
/// so the server answers the ClientHello with protocol_version (70).
#[test]
fn a_failed_handshake_says_who_ended_it_after_what_and_why() {
    let bytes = std::fs::read(common::data().join("tls-failed.pcap")).unwrap();
    for (lang, want) in [
        (Lang::En, ["the server sent a fatal protocol_version alert right after the client's ClientHello", "versions up to TLS 1.2"]),
        (Lang::Zh, ["服务器紧接在客户端的 ClientHello 之后发送了致命警报 protocol_version", "最高到 TLS 1.2"]),
    ] {
        let a = analyze(&bytes, &Options { lang, ..Default::default() });
        let n = a.connections[0].notes.iter().find(|n| n.severity == NoteSeverity::Danger).map(|n| n.text.clone()).unwrap();
        for w in want {
            assert!(n.contains(w), "{lang:?} wants {w}: {n}");
        }
    }
}

/// Review round 22: a TLS 1.3 record header says its version negotiates nothing (RFC 8446 §5.1);
/// ec_point_formats in a TLS 1.3 connection plays no part (RFC 8446 §4.2.8.2); a psk_ke
/// ServerHello says why it has no key_share (tshark: extensions 43 and 41 only); a TLS 1.3
/// CertificateRequest names its extensions.
#[test]
fn tls13_headers_point_formats_psk_ke_and_certificate_requests_say_what_this_connection_did() {
    let c = conn("tls13-psk-ke", 1, Lang::En);
    assert!(notes_with(&c, "field.record.tls13").iter().all(|n| n.contains("negotiates nothing")));
    assert!(!notes_with(&c, "field.record.tls13").is_empty());
    assert!(!notes_with(&c, "ext.ec_point_formats.tls13").is_empty());
    let sh = notes_with(&c, "field.ServerHello.extensions.tls13.psk_ke");
    assert!(sh.len() == 1 && sh[0].contains("supported_versions, pre_shared_key") && sh[0].contains("no forward secrecy"), "{sh:?}");
    let m = conn("tls13-mtls", 0, Lang::En);
    let cr = notes_with(&m, "field.CertificateRequest.extensions");
    assert!(cr.len() == 1 && cr[0].contains("extensions: signature_algorithms"), "{cr:?}");
}

/// Review round 22, last two: a certificate type says what a client sending one would do, and
/// ecdsa_sign includes EdDSA keys (RFC 8422 §3); a TLS 1.3 alert's level is a legacy field
/// (RFC 8446 §6).
#[test]
fn certificate_types_and_tls13_alert_levels_say_what_the_rfcs_say() {
    let c = conn("tls12-mtls", 0, Lang::En);
    let mut fs = Vec::new();
    for m in &c.messages {
        all_fields(&m.fields, &mut fs);
    }
    let ecdsa = fs.iter().filter(|f| f.name == "ClientCertificateType" && f.value.starts_with("64")).filter_map(|f| f.note.clone()).next().unwrap();
    assert!(ecdsa.contains("EdDSA") && ecdsa.contains("a client that sends one signs"), "{ecdsa}");
    let t13 = conn("tls13-mtls", 0, Lang::En);
    let mut fs = Vec::new();
    for m in &t13.messages {
        all_fields(&m.fields, &mut fs);
    }
    let level = fs.iter().filter(|f| f.note_ref.as_ref().is_some_and(|r| r.key == "field.Alert.level.tls13")).filter_map(|f| f.note.clone()).next().unwrap();
    assert!(level.contains("legacy field"), "{level}");
}

/// A first review of QUIC and DTLS texts: a QUIC ClientHello's empty session id is what RFC 9001
/// §8.4 requires; a DTLS record under TLS_ECJPAKE_WITH_AES_128_CCM_8 (0xc0ff, which tshark
/// names in Wireshark's sample) is laid out as an 8-byte explicit nonce, ciphertext and an
/// 8-byte tag (RFC 6655 §3), not as an unknown suite.
#[test]
fn quic_session_ids_and_dtls_ccm8_records_say_what_the_rfcs_say() {
    let dir = common::data();
    let q = analyze(&std::fs::read(dir.join("quic/v1-aes128.pcap")).unwrap(), &Options { keylog: std::fs::read_to_string(dir.join("quic/v1-aes128.keylog")).unwrap(), ..Default::default() });
    assert!(notes_with(&q.connections[0], "field.ClientHello.legacy_session_id.quic").iter().any(|n| n.contains("RFC 9001 §8.4")));
    let d = analyze(&std::fs::read(dir.join("corpus/arkime/pcap/wireshark-dtls12.pcap")).unwrap(), &Options::default());
    let c = &d.connections[0];
    assert_eq!(c.summary.cipher_suite.map(|s| s.0), Some(0xc0ff));
    let alert = c.messages.iter().rev().find(|m| m.name == "Alert").unwrap();
    assert!(alert.fields.iter().any(|f| f.name == "auth_tag"), "{:?}", alert.fields.iter().map(|f| &f.name).collect::<Vec<_>>());
}
