//! Every field of every message carries a note, in English and in Chinese, on every capture
//! and dump in tests/data (with its key log where there is one, so decrypted messages count),
//! and every extension code point IANA assigned has a name.

mod common;

use std::path::{Path, PathBuf};

use tls_lens::model::{Dir, Field};
use tls_lens::{analyze, registry, Lang, Options};

fn inputs() -> Vec<PathBuf> {
    common::data_files(&["pcap", "pcapng", "hex", "txt", "test"])
}

/// Where a field without a note sits: message / parent / ... / field.
fn walk(fields: &[Field], path: &str, missing: &mut Vec<String>) {
    for f in fields {
        let p = format!("{path}/{}", f.name);
        if f.note.as_deref().is_none_or(|n| n.trim().is_empty()) {
            missing.push(format!("{p} = {:?}", f.value));
        }
        walk(&f.children, &p, missing);
    }
}

#[test]
fn no_field_without_a_note_in_either_language() {
    let files = inputs();
    assert!(files.len() > 100, "expected the inputs of tests/data, found {}", files.len());
    let mut fields = 0usize;
    let mut missing = Vec::new();
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let keylog = std::fs::read_to_string(path.with_extension("keylog")).unwrap_or_default();
        for lang in [Lang::En, Lang::Zh] {
            let a = analyze(&bytes, &Options { lang, keylog: keylog.clone(), now: Some(1_800_000_000), ..Default::default() });
            for c in &a.connections {
                for m in &c.messages {
                    let before = missing.len();
                    walk(&m.fields, &format!("{} {lang:?} {}", path.display(), m.name), &mut missing);
                    fields += count(&m.fields);
                    missing[before..].sort();
                }
            }
        }
    }
    missing.dedup();
    assert!(fields > 50_000, "only {fields} fields were checked");
    assert!(missing.is_empty(), "{} field(s) without a note, for example:\n{}", missing.len(), missing.iter().take(30).cloned().collect::<Vec<_>>().join("\n"));
}

fn count(fields: &[Field]) -> usize {
    fields.iter().map(|f| 1 + count(&f.children)).sum()
}

/// The IANA "TLS ExtensionType Values" registry (https://www.iana.org/assignments/tls-extensiontype-values,
/// as of 2025): 0-62 are assigned (40 and 46 reserved: the TLS 1.3 drafts used them), then
/// ech_outer_extensions 64768, encrypted_client_hello 65037 and renegotiation_info 65281.
#[test]
fn every_iana_extension_has_a_name() {
    let assigned: Vec<u16> = (0..=62).chain([64768, 65037, 65281]).collect();
    for v in assigned {
        let name = registry::extension_name(v);
        assert!(name != "unknown" && name != "GREASE", "extension {v} (0x{v:04x}) is shown as {name}");
        assert!(registry::extension_rfc(v).is_some(), "extension {v} has no reference");
    }
    // Unassigned values stay unknown rather than guessed.
    assert_eq!(registry::extension_name(63), "unknown");
    assert_eq!(registry::extension_name(0x0a0a), "GREASE");
}

fn note_keys(path: &str) -> Vec<Vec<String>> {
    let bytes = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(path)).unwrap();
    let a = analyze(&bytes, &Options { now: Some(1_800_000_000), ..Default::default() });
    a.connections.iter().map(|c| c.notes.iter().map(|n| n.text_ref.key.clone()).collect()).collect()
}

/// Security notes against facts tshark 4.0.17 shows for the same bytes (`-Y
/// tls.handshake.type==2 -T fields -e tls.handshake.extension.type`, and `-V` for the
/// certificates): extended_master_secret (23) and renegotiation_info (65281) in the
/// ServerHello, the certificate key size and signature algorithm, pre_shared_key (41) with
/// key_share (51), early_data (42) in the ClientHello.
#[test]
fn security_notes_agree_with_tshark() {
    let has = |v: &[String], k: &str| v.iter().any(|x| x == k);
    // ServerHello extensions 65281, 11, 35: no EMS, secure renegotiation present.
    let n = &note_keys("corpus/arkime/pcap/openssl-tls1_2.pcap")[0];
    assert!(has(n, "note.no_ems") && !has(n, "note.no_reneg_info"), "{n:?}");
    // Certificates signed with sha1WithRSAEncryption (1.2.840.113549.1.1.5).
    assert!(has(n, "note.cert_weak_signature") && has(n, "note.good_config"), "{n:?}");
    // No ServerHello extensions at all.
    let n = &note_keys("corpus/arkime/pcap/mysql-tls.pcap")[0];
    assert!(has(n, "note.no_ems") && has(n, "note.no_reneg_info"), "{n:?}");
    // 23, 65281, 11, 16: both present.
    for p in ["corpus/flowtest/pcap/tls12_alpn.pcap", "tls12-ecdhe-rsa.pcap"] {
        let n = &note_keys(p)[0];
        assert!(!has(n, "note.no_ems") && !has(n, "note.no_reneg_info") && !has(n, "note.good_config"), "{p}: {n:?}");
    }
    // A self-signed certificate with a 1024-bit RSA modulus (subjectPublicKey 30 81 89 02 81 81 00 …).
    let n = &note_keys("corpus/arkime/pcap/ssl-selfsign.pcap")[0];
    assert!(has(n, "note.weak_cert_key"), "{n:?}");
    // Stream 1: ClientHello with early_data (42); ServerHello 43, 51, 41: PSK with a key share.
    let n = &note_keys("corpus/flowtest/pcap/tls13_0rtt.pcap")[1];
    assert!(has(n, "note.psk_dhe") && has(n, "note.early_data") && !has(n, "note.psk_ke"), "{n:?}");
    // Stream 0: a full handshake (ServerHello 43, 51).
    let n = &note_keys("corpus/flowtest/pcap/tls13_0rtt.pcap")[0];
    assert!(!has(n, "note.psk_dhe") && !has(n, "note.early_data"), "{n:?}");
}

/// The explanation of a fatal alert names its likely cause: tls-failed.pcap ends with a fatal
/// protocol_version alert (tshark: level 2, description 70).
#[test]
fn alerts_are_explained_with_their_likely_cause() {
    let bytes = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tls-failed.pcap")).unwrap();
    for (lang, want) in [(Lang::En, "no TLS version both sides accept"), (Lang::Zh, "致命警报 protocol_version")] {
        let a = analyze(&bytes, &Options { lang, ..Default::default() });
        let m = a.connections[0].messages.iter().find(|m| m.name == "Alert").expect("an alert");
        assert!(m.explanation.contains(want), "{lang:?}: {}", m.explanation);
    }
}

/// A fatal alert after both Finished messages ends the connection, not the handshake. In
/// tls12-rsa.pcap with its key log (tshark: Finished in frames 8 and 9, application data in 10
/// and 11, then in frame 14 an alert of level 2, description 50) it is "after"; in
/// tls-failed.pcap the protocol_version alert answers the ClientHello.
#[test]
fn a_fatal_alert_after_the_handshake_is_told_apart() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let conn = |n: &str| {
        let o = Options { keylog: std::fs::read_to_string(data.join(format!("{n}.keylog"))).unwrap(), ..Default::default() };
        analyze(&std::fs::read(data.join(format!("{n}.pcap"))).unwrap(), &o).connections.remove(0)
    };
    let keys = |c: &tls_lens::model::Connection| c.notes.iter().map(|n| n.text_ref.key.clone()).collect::<Vec<_>>();
    let rsa = conn("tls12-rsa");
    let after = keys(&rsa);
    assert!(after.iter().any(|k| k == "note.fatal_alert.after") && !after.iter().any(|k| k == "note.fatal_alert"), "{after:?}");
    assert!(rsa.handshake.failure.is_none());
    let failed = conn("tls-failed");
    let during = keys(&failed);
    assert!(during.iter().any(|k| k == "note.fatal_alert.failed") && !during.iter().any(|k| k == "note.fatal_alert.after"), "{during:?}");
    // The handshake model says so: tshark shows the server's port 44310 sending the alert
    // (level 2, description 70) in frame 6, after the client's ClientHello (type 1) in frame 4.
    let f = failed.handshake.failure.as_ref().expect("a failed handshake");
    assert_eq!((f.alert, f.description.map(|d| d.0), f.by, f.after.map(|t| t.0), f.after_dir), (0, Some(70), Some(Dir::S2C), Some(1), Some(Dir::C2S)));
    let json = serde_json::to_value(&failed).unwrap();
    assert_eq!(json["handshake"]["failure"], serde_json::json!({"alert": 0, "description": 70, "by": "s2c", "after": 1, "after_dir": "c2s"}));
}

/// RFC 6520 §4: a heartbeat message is type, payload_length, payload and at least 16 bytes of
/// padding. One whose payload_length exceeds what the record carries (a Heartbleed probe) is
/// flagged; a well-formed one is not.
#[test]
fn heartbeats_are_decoded_and_overreads_flagged() {
    // Record: type 24, version 0x0302; message: heartbeat_request, payload_length, payload, padding.
    let record = |payload_length: u16, payload: &[u8], padding: usize| {
        let mut msg = vec![1u8];
        msg.extend_from_slice(&payload_length.to_be_bytes());
        msg.extend_from_slice(payload);
        msg.extend(std::iter::repeat_n(0xaa, padding));
        let mut r = vec![24u8, 3, 2];
        r.extend_from_slice(&(msg.len() as u16).to_be_bytes());
        r.extend(msg);
        r.iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    let ok = analyze(format!("C: {}", record(4, b"ping", 16)).as_bytes(), &Options::default());
    let m = &ok.connections[0].messages[0];
    assert_eq!(m.name, "Heartbeat");
    let names: Vec<&str> = m.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["record header", "type", "payload_length", "payload", "padding"]);
    assert_eq!(m.fields[3].value, "70696e67");
    assert!(!ok.connections[0].notes.iter().any(|n| n.text_ref.key == "note.heartbleed"));
    // payload_length 16384 with 1 byte of payload and no padding: what Heartbleed sent.
    let bad = analyze(format!("C: {}", record(16384, b"x", 0)).as_bytes(), &Options::default());
    assert!(bad.connections[0].notes.iter().any(|n| n.text_ref.key == "note.heartbleed"));
    assert!(bad.diagnostics.iter().any(|d| d.message.contains("16384-byte payload")), "{:?}", bad.diagnostics);
}

/// Certificates are judged at the time of the capture (its first packet's timestamp, which
/// `captured_at` reports as capinfos does), then against today.
#[test]
fn certificates_are_judged_when_captured() {
    let conn = |path: &str| {
        let bytes = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(path)).unwrap();
        analyze(&bytes, &Options { now: Some(1_800_000_000), ..Default::default() }).connections.remove(0)
    };
    let keys = |c: &tls_lens::model::Connection| c.notes.iter().map(|n| n.text_ref.key.clone()).collect::<Vec<_>>();
    // capinfos -a: "First packet time: 2014-10-15 01:51:36.106156"; Google's 2014 chain was
    // valid then and has expired since.
    let c = conn("corpus/arkime/pcap/openssl-tls1_2.pcap");
    assert_eq!(c.captured_at.as_deref(), Some("2014-10-15T01:51:36Z"));
    assert_eq!(keys(&c).iter().filter(|k| *k == "note.cert_expired.since_capture").count(), 3, "{:?}", keys(&c));
    assert!(!keys(&c).iter().any(|k| k == "note.cert_expired"), "{:?}", keys(&c));
    // pcapng (Enhanced Packet Blocks, microsecond resolution): "2022-11-10 21:06:45.114955".
    let c = conn("corpus/ja4/pcap/chrome-cloudflare-quic-with-secrets.pcapng");
    assert_eq!(c.captured_at.as_deref(), Some("2022-11-10T21:06:45Z"));
    // flowtest rewrote its timestamps to 2000-01-01 12:35:29: before the certificates' notBefore.
    let c = conn("corpus/flowtest/pcap/tls12_alpn.pcap");
    assert_eq!(c.captured_at.as_deref(), Some("2000-01-01T12:35:29Z"));
    assert!(keys(&c).iter().any(|k| k == "note.cert_not_yet_valid.at_capture"), "{:?}", keys(&c));
    // Hex input has no time: judged against today only.
    let c = conn("tls12-ecdhe-rsa.hex");
    assert_eq!(c.captured_at, None);
}

/// Certificate extensions as fields, against `openssl x509 -text` of the same DER (the leaf of
/// openssl-tls1_2.pcap, exported with `tshark -T fields -e tls.handshake.certificate`).
#[test]
fn certificate_extensions_are_fields() {
    let bytes = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/corpus/arkime/pcap/openssl-tls1_2.pcap")).unwrap();
    let a = analyze(&bytes, &Options::default());
    let m = a.connections[0].messages.iter().find(|m| m.name == "Certificate").unwrap();
    let list = m.fields.iter().find(|f| f.name == "certificate_list").unwrap();
    let leaf = list.children.iter().find(|f| f.name == "certificate[0]").unwrap();
    let get = |n: &str| leaf.children.iter().find(|f| f.name == n).map(|f| f.value.as_str()).unwrap_or_else(|| panic!("{n}: {:?}", leaf.children.iter().map(|f| &f.name).collect::<Vec<_>>()));
    assert_eq!(get("extendedKeyUsage"), "serverAuth, clientAuth");
    assert_eq!(get("authorityInfoAccess"), "id-ad-caIssuers: http://pki.google.com/GIAG2.crt, id-ad-ocsp: http://clients1.google.com/ocsp");
    assert_eq!(get("subjectKeyIdentifier"), "b734e85dec5e043e22f764003c59d28f5b078ba5");
    assert_eq!(get("basicConstraints (critical)"), "CA: false");
    assert_eq!(get("authorityKeyIdentifier"), "4add06161bbcf668b576f581b6bb621aba5a812f");
    assert_eq!(get("certificatePolicies"), "1.3.6.1.4.1.11129.2.5.1");
    assert_eq!(get("crlDistributionPoints"), "http://pki.google.com/GIAG2.crl");
}

fn mark(fields: &[Field], covered: &mut [bool], base: usize) {
    for f in fields {
        for o in f.span.offset.max(base)..f.span.end() {
            if let Some(c) = covered.get_mut(o - base) {
                *c = true;
            }
        }
        mark(&f.children, covered, base);
    }
}

/// Every byte of every message of every capture in tests/data (decrypted where a key log is
/// there, QUIC packets included) lies under some field, and every field inside its parent
/// (tests/robustness.rs checks the same on the hex fixtures).
#[test]
fn every_byte_of_every_captured_message_is_covered() {
    let mut messages = 0;
    let mut problems = Vec::new();
    for path in inputs().iter().filter(|p| matches!(p.extension().and_then(|x| x.to_str()), Some("pcap" | "pcapng"))) {
        let bytes = std::fs::read(path).unwrap();
        let keylog = std::fs::read_to_string(path.with_extension("keylog")).unwrap_or_default();
        let a = analyze(&bytes, &Options { keylog, ..Default::default() });
        for c in &a.connections {
            for m in &c.messages {
                messages += 1;
                let mut covered = vec![false; m.span.len];
                mark(&m.fields, &mut covered, m.span.offset);
                if let Some(i) = covered.iter().position(|c| !c) {
                    problems.push(format!("{} conn {} step {} {}: byte {} not covered", path.display(), c.id, m.step, m.name, i + m.span.offset));
                }
                fn nested(fields: &[Field], parent: tls_lens::model::Span, path: &str, out: &mut Vec<String>) {
                    for f in fields {
                        if f.span.offset < parent.offset || f.span.end() > parent.end() {
                            out.push(format!("{path}/{}: span {:?} outside {:?}", f.name, f.span, parent));
                        }
                        nested(&f.children, f.span, &format!("{path}/{}", f.name), out);
                    }
                }
                nested(&m.fields, m.span, &format!("{} {}", path.display(), m.name), &mut problems);
            }
        }
    }
    assert!(messages > 1500, "only {messages} messages");
    assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.iter().take(20).cloned().collect::<Vec<_>>().join("\n"));
}

/// tests/data/tls13-exts.pcap analysed with its key log.
fn exts_with_keylog() -> tls_lens::Analysis {
    let bytes = std::fs::read(common::data().join("tls13-exts.pcap")).unwrap();
    let keylog = std::fs::read_to_string(common::data().join("tls13-exts.keylog")).unwrap();
    analyze(&bytes, &Options { keylog, ..Default::default() })
}

/// Extensions decoded into their fields, against tshark 4.0.17 with the key log
/// (`-V`): tls13-exts.pcap's ClientHellos ask for "Maximum Fragment Length: 512 (1)", which
/// EncryptedExtensions echoes; the CertificateRequest's certificate_authorities holds one
/// "Distinguished Name: (id-at-commonName=TLS Lens Test CA)".
#[test]
fn less_common_extensions_are_decoded() {
    let a = exts_with_keylog();
    fn find<'a>(fields: &'a [Field], name: &str, out: &mut Vec<&'a Field>) {
        for f in fields {
            if f.name == name {
                out.push(f);
            }
            find(&f.children, name, out);
        }
    }
    let c = &a.connections[0];
    let names: Vec<&str> = c.messages.iter().map(|m| m.name.as_str()).collect();
    for (msg, field, want) in [
        ("ClientHello", "MaxFragmentLength", "1 (512 bytes)"),
        ("EncryptedExtensions", "MaxFragmentLength", "1 (512 bytes)"),
        ("CertificateRequest", "DistinguishedName", "CN=TLS Lens Test CA"),
    ] {
        let m = c.messages.iter().find(|m| m.name == msg).unwrap_or_else(|| panic!("{msg} in {names:?}"));
        let mut found = Vec::new();
        find(&m.fields, field, &mut found);
        assert_eq!(found.first().map(|f| f.value.as_str()), Some(want), "{msg}/{field}");
    }
}

/// The IANA "Recommended" column of the TLS Cipher Suites registry (tls-parameters-4.csv):
/// "0xC0,0x2F",TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,Y,Y; "0x00,0x9C",TLS_RSA_WITH_AES_128_GCM_SHA256,Y,N;
/// "0x13,0x04",TLS_AES_128_CCM_SHA256,Y,Y; "0x13,0x05",TLS_AES_128_CCM_8_SHA256,Y,N;
/// "0xCC,0xA8" ...CHACHA20_POLY1305,Y,Y; "0xC0,0x13" ...AES_128_CBC_SHA,Y,N.
#[test]
fn iana_recommended_suites() {
    for (v, want) in [(0xc02f, true), (0x009c, false), (0x1304, true), (0x1305, false), (0xcca8, true), (0xc013, false), (0x1301, true)] {
        assert_eq!(registry::suite_recommended(tls_lens::code::CipherSuite(v)), want, "0x{v:04x}");
        assert_eq!(registry::suite_parts(tls_lens::code::CipherSuite(v)).map(|p| p.iana_recommended), Some(want), "0x{v:04x}");
    }
    // tls-parameters-8.csv: 29,x25519,Y,Y; 25,secp521r1,Y,N; 4588,X25519MLKEM768,Y,N; 23,secp256r1,Y,Y.
    for (v, want) in [(29, true), (25, false), (4588, false), (23, true)] {
        assert_eq!(registry::group_recommended(tls_lens::code::NamedGroup(v)), want, "group {v}");
    }
    // tls-signaturescheme.csv: 0x0804 rsa_pss_rsae_sha256 Y; 0x0201 rsa_pkcs1_sha1 N;
    // 0x0603 ecdsa_secp521r1_sha512 Y; 0x081A ecdsa_brainpoolP256r1tls13_sha256 N.
    for (v, want) in [(0x0804, true), (0x0201, false), (0x0603, true), (0x081a, false)] {
        assert_eq!(registry::signature_scheme_recommended(tls_lens::code::SignatureScheme(v)), want, "scheme 0x{v:04x}");
    }
}

/// With max_fragment_length 512 the server's Certificate spans four encrypted records: once
/// decrypted it is one message, and the ciphertext records between its pieces are not reported
/// as interrupting it (tshark with the key log: frame 9 carries 9 records, Certificate across them).
#[test]
fn a_decrypted_message_across_records_is_not_interrupted() {
    let a = exts_with_keylog();
    let cert = a.connections[0].messages.iter().find(|m| m.name == "Certificate" && m.decrypted).unwrap();
    assert!(cert.pieces.len() >= 4, "{:?}", cert.pieces);
    assert!(!a.diagnostics.iter().any(|d| d.message.contains("interrupts")), "{:?}", a.diagnostics);
}

/// What the records after the one that began that Certificate held, as tshark with the key log
/// reads frame 9: record lengths 529, 529, 158, each opened to handshake bytes (inner content
/// type 22) of the Certificate: 512, 512 and 141 bytes once the 16-byte tag and the type byte
/// are taken off (RFC 8446 §5.2). They are told as more of the Certificate, not as application
/// data. The client answered the CertificateRequest with an empty Certificate and no
/// CertificateVerify (tshark: "Certificates Length: 0", no CertificateVerify from the client),
/// so the client Finished's transcript ends with that Certificate (RFC 8446 §4.4.4). The
/// ClientHello's 31 suites include TLS_EMPTY_RENEGOTIATION_INFO_SCSV (0x00ff), counted out.
#[test]
fn what_the_records_of_a_split_certificate_hold() {
    for lang in [Lang::En, Lang::Zh] {
        let bytes = std::fs::read(common::data().join("tls13-exts.pcap")).unwrap();
        let keylog = std::fs::read_to_string(common::data().join("tls13-exts.keylog")).unwrap();
        let a = analyze(&bytes, &Options { keylog, lang, ..Default::default() });
        let c = &a.connections[0];
        let more = if lang == Lang::En { "more of the Certificate" } else { "Certificate 的后续部分" };
        let continued: Vec<&str> = c.messages.iter().filter(|m| m.title.contains(more)).map(|m| m.explanation.as_str()).collect();
        assert_eq!(continued.len(), 3, "{lang:?}: {:?}", c.messages.iter().map(|m| &m.title).collect::<Vec<_>>());
        for (e, n) in continued.iter().zip([512, 512, 141]) {
            assert!(e.contains(&format!(" {n} ")), "{lang:?}: {n} bytes in {e}");
        }
        assert!(!c.messages.iter().any(|m| m.explanation.contains("application data, which is summed up")), "{lang:?}");
        let empty = if lang == Lang::En { "empty Certificate" } else { "空的 Certificate" };
        let finished: Vec<&str> = c.notes.iter().filter(|n| n.text.contains("HMAC(finished_key")).map(|n| n.text.as_str()).collect();
        assert_eq!(finished.iter().filter(|t| t.contains(empty)).count(), 1, "{lang:?}: {finished:?}");
        let cr = c.messages.iter().find(|m| m.name == "CertificateRequest").unwrap();
        assert!(cr.explanation.contains(empty), "{lang:?}: {}", cr.explanation);
        let ch = c.messages.iter().find(|m| m.name == "ClientHello").unwrap();
        assert!(ch.explanation.contains("(0x00ff)") || ch.explanation.contains("（0x00ff）"), "{lang:?}: {}", ch.explanation);
    }
}

/// A client Certificate with certificates in it, cut before its CertificateVerify: the
/// CertificateRequest says it held a certificate and that what must follow is not in the input,
/// not that it was empty. tshark with the key log on kinds/tls13-mtls.pcap: the client's frame 8
/// carries records of 1 (ChangeCipherSpec), 1667 (Certificate, certificates_length 1642), 281
/// (CertificateVerify) and 69 bytes (Finished); the input here ends after the 1667-byte record.
#[test]
fn a_client_certificate_cut_before_its_certificate_verify() {
    let dir = common::data().join("kinds");
    let bytes = std::fs::read(dir.join("tls13-mtls.pcap")).unwrap();
    let keylog = std::fs::read_to_string(dir.join("tls13-mtls.keylog")).unwrap();
    let a = analyze(&bytes, &Options::default());
    let c = &a.connections[0];
    let cut = c.records.iter().position(|r| r.dir == Some(Dir::C2S) && r.length == 1667).expect("the client's Certificate record");
    let hex: String = c.records[..=cut]
        .iter()
        .map(|r| format!("{}: {}\n", if r.dir == Some(Dir::C2S) { "C" } else { "S" }, &c.stream.hex[2 * r.span.offset..2 * r.span.end()]))
        .collect();
    for lang in [Lang::En, Lang::Zh] {
        let b = analyze(hex.as_bytes(), &Options { keylog: keylog.clone(), lang, ..Default::default() });
        let cr = b.connections[0].messages.iter().find(|m| m.name == "CertificateRequest").expect("CertificateRequest decrypted");
        let (held, empty) = if lang == Lang::En { ("a Certificate that holds a certificate", "empty Certificate (it had") } else { ("含有证书的 Certificate", "空的 Certificate") };
        assert!(cr.explanation.contains(held) && !cr.explanation.contains(empty), "{lang:?}: {}", cr.explanation);
    }
}
