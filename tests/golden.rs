//! Real handshakes captured here (tests/data/README.md) against facts read with tshark and
//! openssl from the same pcaps (`NAME.expected.json`), never against our own output.

use std::path::Path;

use serde_json::Value;
use tls_lens::model::{Connection, Dir};
use tls_lens::{analyze, Lang, Options};

const CAPTURES: &[&str] = &["tls12-ecdhe-rsa", "tls12-rsa", "tls12-dhe-rsa", "tls13", "tls13-hrr"];

fn data(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)).unwrap_or_default()
}

fn conn(file: &str) -> Connection {
    let a = analyze(&data(file), &Options { lang: Lang::En, now: None, ..Default::default() });
    assert!(a.diagnostics.iter().all(|d| d.severity != tls_lens::model::Severity::Error), "{file}: {:?}", a.diagnostics);
    assert_eq!(a.connections.len(), 1, "{file}");
    a.connections.into_iter().next().unwrap_or_else(|| panic!("{file}: no connection"))
}

/// `[["c2s", "ClientHello"], ...]` from an expectations file.
fn pairs(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .map(|a| a.iter().map(|p| (p[0].as_str().unwrap_or("").to_string(), p[1].as_str().unwrap_or("").to_string())).collect())
        .unwrap_or_default()
}

/// Our steps in the same form.
fn steps(c: &Connection) -> Vec<(String, String)> {
    c.messages.iter().map(|m| (m.dir.map(Dir::as_str).unwrap_or("?").to_string(), m.name.clone())).collect()
}

fn nums(v: &Value) -> Vec<u16> {
    v.as_array().map(|a| a.iter().filter_map(|x| x.as_u64()).map(|x| x as u16).collect()).unwrap_or_default()
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().filter_map(|x| x.as_str()).map(String::from).collect()).unwrap_or_default()
}

/// Distinguished names compared as sets of attribute=value (x509-parser and openssl order and
/// separate RDNs differently).
fn dn_set(s: &str) -> Vec<String> {
    let mut v: Vec<String> = s.split([',', '/']).map(|p| p.trim().replace(" = ", "=")).filter(|p| !p.is_empty()).collect();
    v.sort();
    v
}

fn check(name: &str) {
    let exp: Value = serde_json::from_slice(&data(&format!("{name}.expected.json"))).unwrap_or(Value::Null);
    assert!(exp.is_object(), "{name}.expected.json missing or not JSON");
    for file in [format!("{name}.hex")] {
        let c = conn(&file);
        let s = &c.summary;
        let ctx = file.clone();
        assert_eq!(s.version.map(u64::from), exp["version"].as_u64(), "{ctx}: version");
        assert_eq!(s.cipher_suite.map(|c| u64::from(c.0)), exp["cipher_suite"].as_u64(), "{ctx}: cipher suite");
        assert_eq!(s.sni.as_deref(), exp["sni"].as_str(), "{ctx}: sni");
        if s.version == Some(0x0304) {
            // TLS 1.3 sends the chosen ALPN in EncryptedExtensions: unreadable without keys.
            assert_eq!(s.alpn, None, "{ctx}: alpn cannot be visible without keys");
        } else {
            assert_eq!(s.alpn.as_deref(), exp["alpn"].as_str(), "{ctx}: alpn");
        }
        assert_eq!(s.alpn_offered, strs(&exp["alpn_offered"]), "{ctx}: alpn offered");
        if !exp["group"].is_null() {
            assert_eq!(s.group.map(|c| u64::from(c.0)), exp["group"].as_u64(), "{ctx}: group");
        }
        assert_eq!(s.cipher_suites_offered.iter().map(|c| c.0).collect::<Vec<_>>(), nums(&exp["cipher_suites_offered"]), "{ctx}: suites offered");
        assert_eq!(s.extensions_offered.iter().map(|e| e.0).collect::<Vec<_>>(), nums(&exp["extensions_offered"]), "{ctx}: extensions offered");
        assert_eq!(s.groups_offered.iter().map(|c| c.0).collect::<Vec<_>>(), nums(&exp["groups_offered"]), "{ctx}: groups offered");
        assert_eq!(s.signature_algorithms.iter().map(|c| c.0).collect::<Vec<_>>(), nums(&exp["signature_algorithms"]), "{ctx}: signature algorithms");
        assert_eq!(s.supported_versions_offered, nums(&exp["supported_versions_offered"]), "{ctx}: versions offered");
        assert_eq!(s.key_share_groups.iter().map(|c| c.0).collect::<Vec<_>>(), nums(&exp["key_share_groups"]), "{ctx}: key share groups");
        let got: Vec<(String, String)> = steps(&c);
        let want: Vec<(String, String)> = pairs(&exp["messages"]);
        assert_eq!(got, want, "{ctx}: message list");
        // TLS 1.3 certificates travel encrypted: tshark read them with the key log, we cannot.
        let certs = if s.version == Some(0x0304) { Vec::new() } else { exp["certificates"].as_array().cloned().unwrap_or_default() };
        assert_eq!(c.certificates.len(), certs.len(), "{ctx}: certificate count");
        for (g, w) in c.certificates.iter().zip(&certs) {
            assert_eq!(dn_set(&g.subject), dn_set(w["subject"].as_str().unwrap_or("")), "{ctx}: subject");
            assert_eq!(dn_set(&g.issuer), dn_set(w["issuer"].as_str().unwrap_or("")), "{ctx}: issuer");
            assert_eq!(Some(g.not_before.as_str()), w["not_before"].as_str(), "{ctx}: not_before");
            assert_eq!(Some(g.not_after.as_str()), w["not_after"].as_str(), "{ctx}: not_after");
            assert_eq!(Some(g.fingerprint_sha256.as_str()), w["fingerprint_sha256"].as_str(), "{ctx}: fingerprint");
            assert_eq!(g.serial.replace(':', "").to_lowercase().trim_start_matches('0'), w["serial"].as_str().unwrap_or("").replace(':', "").to_lowercase().trim_start_matches('0'), "{ctx}: serial");
            let san: Vec<String> = g.san.iter().map(|n| n.strip_prefix("DNS:").unwrap_or(n).to_string()).collect();
            assert_eq!(san, strs(&w["san"]), "{ctx}: SAN (tshark lists dNSName values)");
        }
        if let Some(ja3) = exp["ja3_full"].as_str() {
            assert_eq!(s.ja3_string.as_deref(), Some(ja3), "{ctx}: ja3 string");
            assert_eq!(s.ja3.as_deref(), exp["ja3"].as_str(), "{ctx}: ja3");
        }
        if let Some(ja3s) = exp["ja3s_full"].as_str() {
            assert_eq!(s.ja3s_string.as_deref(), Some(ja3s), "{ctx}: ja3s string");
        }
    }
}

/// The same bytes without direction markers: the inferred directions must match tshark's.
fn check_inferred(name: &str) {
    let exp: Value = serde_json::from_slice(&data(&format!("{name}.expected.json"))).unwrap_or(Value::Null);
    let text = String::from_utf8_lossy(&data(&format!("{name}.hex"))).into_owned();
    let plain: String = text.lines().map(|l| l.trim_start_matches("C: ").trim_start_matches("S: ")).collect::<Vec<_>>().join("\n");
    let a = analyze(plain.as_bytes(), &Options::default());
    assert_eq!(a.input.directions, "inferred");
    let got = steps(&a.connections[0]);
    let want: Vec<(String, String)> = pairs(&exp["messages"]);
    assert_eq!(got, want, "{name}: inferred directions");
    assert!(a.connections[0].messages.iter().all(|m| m.dir_inferred), "{name}: every direction is marked as inferred");
}

#[test]
fn directions_are_inferred_correctly_without_markers() {
    for name in CAPTURES {
        check_inferred(name);
    }
}

/// The page's default sample (unmarked hex) is the classic ten-step TLS 1.2 handshake.
#[test]
fn default_sample_is_the_classic_ten_steps() {
    let a = analyze(&data("tls12-ecdhe-rsa.sample.hex"), &Options::default());
    let got: Vec<String> = a.connections[0].messages.iter().map(|m| format!("{} {}", m.dir.map(Dir::as_str).unwrap_or("?"), m.name)).collect();
    assert_eq!(
        got,
        [
            "c2s ClientHello", "s2c ServerHello", "s2c Certificate", "s2c ServerKeyExchange", "s2c ServerHelloDone",
            "c2s ClientKeyExchange", "c2s ChangeCipherSpec", "c2s Finished", "s2c ChangeCipherSpec", "s2c Finished"
        ]
    );
    assert!(a.diagnostics.is_empty(), "{:?}", a.diagnostics);
}

#[test]
fn captures_match_tshark() {
    for name in CAPTURES {
        check(name);
    }
}

/// Go crypto/tls transcripts (tests/data/corpus/go-crypto-tls-testdata, `hexdump -C` flows):
/// message lists and choices as documented in the corpus README, which was made by a separate
/// parse of the plaintext records.
#[test]
fn go_transcripts_match_the_corpus_readme() {
    let cases: &[(&str, u16, u16, &[&str])] = &[
        (
            "Client-TLSv12-ALPN",
            0x0303,
            0xcca8,
            &["c2s ClientHello", "s2c ServerHello", "s2c Certificate", "s2c ServerKeyExchange", "s2c ServerHelloDone", "c2s ClientKeyExchange", "c2s ChangeCipherSpec", "c2s Finished", "s2c ChangeCipherSpec", "s2c Finished"],
        ),
        (
            "Client-TLSv12-ClientCert-RSA-RSA",
            0x0303,
            0xc02f,
            &["c2s ClientHello", "s2c ServerHello", "s2c Certificate", "s2c ServerKeyExchange", "s2c CertificateRequest", "s2c ServerHelloDone", "c2s Certificate", "c2s ClientKeyExchange", "c2s CertificateVerify", "c2s ChangeCipherSpec", "c2s Finished", "s2c ChangeCipherSpec", "s2c Finished"],
        ),
        (
            "Server-TLSv12-Resume",
            0x0303,
            0x002f,
            &["c2s ClientHello", "s2c ServerHello", "s2c NewSessionTicket", "s2c ChangeCipherSpec", "s2c Finished", "c2s ChangeCipherSpec", "c2s Finished"],
        ),
        (
            "Client-TLSv13-HelloRetryRequest",
            0x0304,
            0x1303,
            &["c2s ClientHello", "s2c HelloRetryRequest", "s2c ChangeCipherSpec", "c2s ChangeCipherSpec", "c2s ClientHello", "s2c ServerHello"],
        ),
    ];
    for (file, version, suite, steps) in cases {
        let c = conn(&format!("corpus/go-crypto-tls-testdata/{file}"));
        let s = &c.summary;
        assert_eq!(s.version, Some(*version), "{file}: version");
        assert_eq!(s.cipher_suite.map(|c| c.0), Some(*suite), "{file}: cipher suite");
        let got: Vec<String> = c.messages.iter().map(|m| format!("{} {}", m.dir.map(Dir::as_str).unwrap_or("?"), m.name)).collect();
        assert_eq!(&got[..steps.len()], *steps, "{file}: steps");
        match *file {
            "Client-TLSv12-ALPN" => {
                assert_eq!(s.alpn_offered, ["proto2", "proto1"]);
                assert_eq!(s.alpn.as_deref(), Some("proto1"));
            }
            "Client-TLSv12-ClientCert-RSA-RSA" => assert!(s.client_auth, "client auth"),
            "Server-TLSv12-Resume" => {
                assert!(s.resumed, "resumed");
                assert!(c.certificates.is_empty());
            }
            "Client-TLSv13-HelloRetryRequest" => {
                assert!(s.hello_retry);
                assert_eq!(s.hrr_group.map(|g| g.0), Some(0x0017));
                assert_eq!(s.key_share_groups.iter().map(|c| c.0).collect::<Vec<_>>(), [0x001d], "the first ClientHello's key share");
            }
            _ => {}
        }
    }
}

/// The same captures read from their pcap files: TCP reassembly and client/server detection must
/// give tshark's full message list (`messages_full`) and the server port.
#[test]
fn pcaps_match_tshark() {
    for name in CAPTURES {
        let exp: Value = serde_json::from_slice(&data(&format!("{name}.expected.json"))).unwrap_or(Value::Null);
        let a = analyze(&data(&format!("{name}.pcap")), &Options::default());
        assert_eq!(a.input.kind, "pcap", "{name}");
        assert_eq!(a.connections.len(), 1, "{name}: {:?}", a.diagnostics);
        let c = &a.connections[0];
        let port = exp["server_port"].as_u64().unwrap_or(0);
        assert_eq!(c.server.as_deref(), Some(format!("127.0.0.1:{port}").as_str()), "{name}: server");
        assert!(c.client.as_deref().is_some_and(|s| s.starts_with("127.0.0.1:")), "{name}: client");
        assert_eq!(c.summary.sni.as_deref(), exp["sni"].as_str(), "{name}: sni");
        assert_eq!(c.summary.cipher_suite.map(|c| u64::from(c.0)), exp["cipher_suite"].as_u64(), "{name}: cipher");
        let got: Vec<(String, String)> = steps(c);
        let want: Vec<(String, String)> = pairs(&exp["messages_full"]);
        // tshark read the TLS 1.3 records after the handshake with the key log and calls them
        // ApplicationData; without keys every TLS 1.3 application_data record is an
        // EncryptedRecord to us.
        let want: Vec<(String, String)> = want
            .into_iter()
            .map(|(d, n)| if c.summary.version == Some(0x0304) && n == "ApplicationData" { (d, "EncryptedRecord".to_string()) } else { (d, n) })
            .collect();
        assert_eq!(got, want, "{name}: messages from the pcap");
        // Every chunk names the frame that carried it.
        assert!(c.stream.chunks.iter().all(|k| k.frame.is_some()), "{name}: frames");
    }
}

/// Captures through a veth pair with MTU 1280 (tests/data/mtu1280/README.md): GnuTLS, Python
/// and OpenSSL peers, certificates spanning TCP segments. Facts from tshark.
#[test]
fn mtu1280_captures_match_tshark() {
    for name in ["gnutls-tls13", "gnutls-tls12", "python-tls13", "python-tls12", "openssl-tls12-mtu"] {
        let exp: Value = serde_json::from_slice(&data(&format!("mtu1280/{name}.expected.json"))).unwrap_or(Value::Null);
        assert!(exp.is_object(), "{name}: expectations");
        let a = analyze(&data(&format!("mtu1280/{name}.pcap")), &Options::default());
        assert_eq!(a.connections.len(), 1, "{name}: {:?}", a.diagnostics);
        assert!(a.diagnostics.iter().all(|d| d.severity != tls_lens::model::Severity::Error), "{name}: {:?}", a.diagnostics);
        let c = &a.connections[0];
        let s = &c.summary;
        assert_eq!(c.client.as_deref(), exp["client"].as_str(), "{name}: client");
        assert_eq!(c.server.as_deref(), exp["server"].as_str(), "{name}: server");
        assert_eq!(s.version.map(u64::from), exp["version"].as_u64(), "{name}: version");
        assert_eq!(s.cipher_suite.map(|c| u64::from(c.0)), exp["cipher_suite"].as_u64(), "{name}: cipher");
        assert_eq!(s.sni.as_deref(), exp["sni"].as_str(), "{name}: sni");
        assert_eq!(s.group.map(|c| u64::from(c.0)), exp["group"].as_u64(), "{name}: group");
        assert_eq!(s.alpn_offered, strs(&exp["alpn_offered"]), "{name}: alpn offered");
        assert_eq!(s.cipher_suites_offered.iter().map(|c| c.0).collect::<Vec<_>>(), nums(&exp["cipher_suites_offered"]), "{name}: suites offered");
        assert_eq!(s.extensions_offered.iter().map(|e| e.0).collect::<Vec<_>>(), nums(&exp["extensions_offered"]), "{name}: extensions offered");
        if let Some(ja3) = exp["ja3_full"].as_str() {
            assert_eq!(s.ja3_string.as_deref(), Some(ja3), "{name}: JA3");
        }
        // A client that did not offer TLS 1.3 (tshark: no supported_versions) cannot have been
        // downgraded, whatever the server's random says (RFC 8446 §4.1.3).
        if !nums(&exp["supported_versions_offered"]).contains(&0x0304) {
            assert!(!c.notes.iter().any(|n| n.severity == tls_lens::model::NoteSeverity::Danger && n.text.contains("downgrade")), "{name}: {:?}", c.notes);
        }
        let got: Vec<(String, String)> = steps(c);
        let want: Vec<(String, String)> = pairs(&exp["messages_full"]);
        assert_eq!(got, want, "{name}: messages");
        // TLS 1.2: the Certificate message was carried by the frames tshark names.
        if let Some(frames) = exp["certificate_frames"].as_array().filter(|f| !f.is_empty() && s.version == Some(0x0303)) {
            let m = c.messages.iter().find(|m| m.name == "Certificate" && m.dir == Some(Dir::S2C));
            let m = m.unwrap_or_else(|| panic!("{name}: no server Certificate"));
            let mut ours: Vec<u64> = c
                .stream
                .chunks
                .iter()
                .filter(|k| k.offset < m.span.end() && m.span.offset < k.offset + k.len)
                .filter_map(|k| k.frame.map(u64::from))
                .collect();
            ours.dedup();
            let want: Vec<u64> = frames.iter().filter_map(Value::as_u64).collect();
            assert_eq!(ours, want, "{name}: frames carrying the Certificate");
            let certs = exp["certificates"].as_array().cloned().unwrap_or_default();
            assert_eq!(c.certificates.len(), certs.len(), "{name}: certificates");
            for (g, w) in c.certificates.iter().zip(&certs) {
                assert_eq!(Some(g.fingerprint_sha256.as_str()), w["fingerprint_sha256"].as_str(), "{name}: fingerprint");
            }
        }
    }
}

/// The dumps users paste (tests/data/dumps/README.md): tcpdump -X / -xx and tshark -x of the
/// pcap give the pcap's connection and tshark's full message list; xxd, od and hexdump -C of the
/// sample give the ten classic steps; base64 and PEM of the pcap give the pcap.
#[test]
fn text_dumps_match_the_capture() {
    let exp: Value = serde_json::from_slice(&data("tls12-ecdhe-rsa.expected.json")).unwrap_or(Value::Null);
    let want: Vec<(String, String)> = pairs(&exp["messages_full"]);
    let handshake: Vec<(String, String)> = pairs(&exp["messages"]);
    let cases: &[(&str, &str, bool)] = &[
        ("tls12-ecdhe-rsa.tcpdump-X.txt", "hexdump", true),
        ("tls12-ecdhe-rsa.tcpdump-xx.txt", "hexdump", true),
        ("tls12-ecdhe-rsa.tshark-x.txt", "hexdump", true),
        ("tls12-ecdhe-rsa.pcap.base64.txt", "base64 (pcap)", true),
        ("tls12-ecdhe-rsa.pcap.pem.txt", "base64 (pcap)", true),
        ("tls12-ecdhe-rsa.sample.xxd.txt", "hexdump", false),
        ("tls12-ecdhe-rsa.sample.od.txt", "hexdump", false),
        ("tls12-ecdhe-rsa.sample.hexdump-C.txt", "hexdump", false),
        ("tls12-ecdhe-rsa.sample.c.txt", "literal", false),
        ("tls12-ecdhe-rsa.sample.py.txt", "literal", false),
    ];
    for (file, kind, full) in cases {
        let a = analyze(&data(&format!("dumps/{file}")), &Options::default());
        assert_eq!(a.input.kind, *kind, "{file}");
        assert!(a.diagnostics.is_empty(), "{file}: {:?}", a.diagnostics);
        assert_eq!(a.connections.len(), 1, "{file}");
        let c = &a.connections[0];
        let got: Vec<(String, String)> = steps(c);
        assert_eq!(&got, if *full { &want } else { &handshake }, "{file}");
        if *full {
            assert_eq!(c.server.as_deref(), Some("127.0.0.1:44301"), "{file}");
        }
        assert_eq!(c.summary.sni.as_deref(), exp["sni"].as_str(), "{file}");
    }
}

/// The `curl -v` log quoted by the tutorial blog post (tests/data/corpus/seed/README.md): each
/// `(OUT)`/`(IN)` line is a step; curl's "Server finished (14)" is ServerHelloDone.
#[test]
fn curl_verbose_log_of_the_seed() {
    let a = analyze(&data("corpus/seed/curl-vvv-head.txt"), &Options::default());
    assert_eq!(a.input.kind, "curl-log");
    let c = &a.connections[0];
    let got: Vec<String> = c.messages.iter().map(|m| format!("{} {}", m.dir.map(Dir::as_str).unwrap_or("?"), m.name)).collect();
    assert_eq!(
        got,
        [
            "c2s ClientHello", "s2c ServerHello", "s2c Certificate", "s2c ServerKeyExchange", "s2c ServerHelloDone",
            "c2s ClientKeyExchange", "c2s ChangeCipherSpec", "c2s Finished", "s2c ChangeCipherSpec", "s2c Finished"
        ]
    );
    assert!(c.messages[4].fields[0].value.contains("Server finished (14)"), "{:?}", c.messages[4].fields);
    assert!(c.messages[4].explanation.contains("not the Finished message"));
    let s = &c.summary;
    assert_eq!(s.version, Some(0x0303));
    assert_eq!(s.cipher_suite.map(|c| c.0), Some(0xc02f), "ECDHE-RSA-AES128-GCM-SHA256");
    assert_eq!(s.alpn.as_deref(), Some("h3"));
    assert_eq!(s.sni.as_deref(), Some("q.shanyue.tech"));
    assert_eq!(c.server.as_deref(), Some("111.6.180.235:443"));
    assert_eq!(c.certificates[0].subject, "CN=q.shanyue.tech");
    assert_eq!(c.certificates[0].not_after, "2020-12-01T12:00:00Z");
    assert_eq!((s.ja3.as_deref(), s.ja3s.as_deref()), (None, None), "no fingerprints without bytes");
    // Nothing in the explanations counts bytes that the log does not have.
    assert!(c.messages.iter().all(|m| !m.explanation.contains(" 0 ") && !m.explanation.contains("—")), "{:?}", c.messages.iter().map(|m| &m.explanation).collect::<Vec<_>>());
}

/// SSLKEYLOGFILE lines pasted with the hex are key material, not data: the connection has the
/// same records as without them (and its decrypted messages), and its labels are the key log's
/// lines for its client random.
#[test]
fn pasted_key_log_is_key_material() {
    let keylog = String::from_utf8(data("tls13.keylog")).unwrap();
    let hex = String::from_utf8(data("tls13.hex")).unwrap();
    let opts = Options::default();
    let plain = analyze(hex.as_bytes(), &opts);
    for text in [format!("{keylog}\n{hex}"), format!("{hex}\n{keylog}")] {
        let a = analyze(text.as_bytes(), &opts);
        assert_eq!(a.input.kind, "hex");
        let info = a.input.keylog.as_ref().expect("key log seen");
        let lines: Vec<&str> = keylog.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')).collect();
        assert_eq!(info.entries, lines.len());
        assert_eq!((info.client_randoms, info.matched), (1, 1));
        let labels: Vec<&str> = lines.iter().map(|l| l.split(' ').next().unwrap()).collect();
        assert_eq!(a.connections[0].keylog, labels);
        // The same records, plus the messages decrypted with it.
        let c = &a.connections[0];
        let wire: Vec<(String, String)> = c.messages.iter().filter(|m| !m.decrypted).map(|m| (m.dir.map(Dir::as_str).unwrap_or("?").to_string(), m.name.clone())).collect();
        assert_eq!(wire, steps(&plain.connections[0]));
        assert_eq!(c.messages.iter().filter(|m| m.decrypted).count(), 5);
    }
    // Another connection's key log: said, not silently ignored.
    let other = format!("{}\n{hex}", String::from_utf8(data("tls12-rsa.keylog")).unwrap());
    let a = analyze(other.as_bytes(), &opts);
    assert!(a.connections[0].keylog.is_empty());
    assert!(a.diagnostics.iter().any(|d| d.message.contains("match none of the 1 connection")), "{:?}", a.diagnostics);
    // A key log alone.
    let a = analyze(keylog.as_bytes(), &opts);
    assert_eq!(a.input.kind, "keylog");
    assert!(a.connections.is_empty());
}

/// An xxd dump of a TLS 1.2 stream without direction markers whose server sends a ticket
/// (tests/data/dumps/README.md): tshark on the pcap it came from has ClientHello from the client;
/// ServerHello, Certificate, ServerKeyExchange, ServerHelloDone from the server; the client's
/// ClientKeyExchange, ChangeCipherSpec and encrypted Finished; then the server's plaintext
/// NewSessionTicket, ChangeCipherSpec and encrypted Finished. The ticket is the server's, in the
/// clear, not a client's "encrypted handshake".
#[test]
fn an_unmarked_dump_puts_the_tls12_ticket_on_the_server_side() {
    let a = analyze(&data("dumps/tls12-ticket.xxd.txt"), &Options::default());
    let c = &a.connections[0];
    let got: Vec<(String, String)> = c.messages.iter().take(11).map(|m| (m.dir.map(|d| format!("{d:?}")).unwrap_or_default(), m.name.clone())).collect();
    let want: Vec<(String, String)> = [
        ("C2S", "ClientHello"),
        ("S2C", "ServerHello"),
        ("S2C", "Certificate"),
        ("S2C", "ServerKeyExchange"),
        ("S2C", "ServerHelloDone"),
        ("C2S", "ClientKeyExchange"),
        ("C2S", "ChangeCipherSpec"),
        ("C2S", "Finished"),
        ("S2C", "NewSessionTicket"),
        ("S2C", "ChangeCipherSpec"),
        ("S2C", "Finished"),
    ]
    .iter()
    .map(|(d, n)| (d.to_string(), n.to_string()))
    .collect();
    assert_eq!(got, want);
    let nst = &c.messages[8];
    assert!(!nst.encrypted && !nst.explanation.contains("renegotiation"), "{}", nst.explanation);
}
