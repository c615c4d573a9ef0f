//! Public captures with published expectations (tests/data/corpus, see tests/data/README.md).
//! Arkime's session JSON gives, per TLS session, the version, the cipher suite and the JA3/JA3S
//! strings: our per-connection summaries must hold exactly the same multiset.

use std::path::Path;

use serde_json::Value;
use tls_lens::{analyze, Options};

fn dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/corpus/arkime")
}

/// Arkime writes versions as "TLSv1.2", "TLSv1", "SSLv3", "TLSv1.3-draft-18".
fn arkime_version(v: u16) -> String {
    match v {
        0x0300 => "SSLv3".into(),
        0x0301 => "TLSv1".into(),
        0x0302 => "TLSv1.1".into(),
        0x0303 => "TLSv1.2".into(),
        0x0304 => "TLSv1.3".into(),
        v if v >> 8 == 0x7f => format!("TLSv1.3-draft-{}", v & 0xff),
        v => format!("0x{v:04x}"),
    }
}

type Row = (String, String, String, String);

fn expected(name: &str) -> Vec<Row> {
    let text = std::fs::read(dir().join(format!("expected/{name}.test"))).unwrap_or_default();
    let v: Value = serde_json::from_slice(&text).unwrap_or(Value::Null);
    let first = |t: &Value, k: &str| t[k].as_array().and_then(|a| a.first()).and_then(|x| x.as_str()).unwrap_or("").to_string();
    let mut rows: Vec<Row> = v["sessions3"]
        .as_array()
        .map(|s| {
            s.iter()
                .filter(|s| s["body"]["tls"].is_object() && s["body"]["protocol"].as_array().is_some_and(|p| p.iter().any(|x| x == "tcp" || x == "quic")))
                .map(|s| {
                    let t = &s["body"]["tls"];
                    (first(t, "version"), first(t, "cipher"), first(t, "ja3string"), first(t, "ja3sstring"))
                })
                .collect()
        })
        .unwrap_or_default();
    rows.sort();
    rows
}

fn ours(name: &str) -> Vec<Row> {
    let pcap = std::fs::read(dir().join(format!("pcap/{name}.pcap"))).unwrap_or_default();
    let a = analyze(&pcap, &Options::default());
    let mut rows: Vec<Row> = a
        .connections
        .iter()
        .filter(|c| !c.dtls)
        .map(|c| {
            let s = &c.summary;
            (
                s.version.map(arkime_version).unwrap_or_default(),
                s.cipher_suite_name.clone().unwrap_or_default(),
                s.ja3_string.clone().unwrap_or_default(),
                s.ja3s_string.clone().unwrap_or_default(),
            )
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn arkime_sessions_match() {
    let names = [
        "badcurveball", "curl-enabled-tls13", "https-connect", "https-generalizedtime", "https3-301-get", "ldap-ssl", "mysql-tls",
        "openssl-ssl3", "openssl-tls1-tls1_2", "openssl-tls1", "openssl-tls1_1", "openssl-tls1_2-tls1", "openssl-tls1_2", "smtp-starttls",
        "socks-https-example", "ssl-selfsign", "tls-alpn-h2", "tls-client-sessionid", "tls-split-client-hello", "tls13", "arkime_synthetic", "quicietf", "quicietfooo",
    ];
    let mut failures = Vec::new();
    for name in names {
        let (want, got) = (expected(name), ours(name));
        assert!(!want.is_empty(), "{name}: no expectations read");
        if want != got {
            failures.push(format!("{name}:\n  want {want:?}\n  got  {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Arkime's session JSON also has JA4 and JA4_r per session: the same multiset as ours.
#[test]
fn arkime_ja4_match() {
    let mut checked = 0;
    for e in std::fs::read_dir(dir().join("expected")).unwrap().flatten() {
        let name = e.path().file_stem().unwrap().to_string_lossy().to_string();
        let v: Value = serde_json::from_slice(&std::fs::read(e.path()).unwrap()).unwrap();
        let mut want: Vec<(String, String)> = v["sessions3"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["body"]["protocol"].as_array().is_some_and(|p| p.iter().any(|x| x == "tcp" || x == "quic")))
            .filter_map(|s| {
                let t = &s["body"]["tls"];
                Some((t["ja4"][0].as_str()?.to_string(), t["ja4_r"][0].as_str()?.to_string()))
            })
            .collect();
        want.sort();
        let pcap = std::fs::read(dir().join(format!("pcap/{name}.pcap"))).unwrap();
        let a = analyze(&pcap, &Options::default());
        let mut got: Vec<(String, String)> = a.connections.iter().filter(|c| !c.dtls).filter_map(|c| Some((c.summary.ja4.clone()?, c.summary.ja4_r.clone()?))).collect();
        got.sort();
        assert_eq!(got, want, "{name}");
        checked += want.len();
        // DTLS: every session Arkime fingerprints is one of ours (we also read a CoAP-over-DTLS
        // ClientHello that Arkime does not classify).
        let dtls_want: Vec<(String, String)> = v["sessions3"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["body"]["protocol"].as_array().is_some_and(|p| p.iter().any(|x| x == "dtls")))
            .filter_map(|s| Some((s["body"]["tls"]["ja4"][0].as_str()?.to_string(), s["body"]["tls"]["ja4_r"][0].as_str()?.to_string())))
            .collect();
        let dtls_got: Vec<(String, String)> = a.connections.iter().filter(|c| c.dtls).filter_map(|c| Some((c.summary.ja4.clone()?, c.summary.ja4_r.clone()?))).collect();
        for w in &dtls_want {
            assert!(dtls_got.contains(w), "{name}: DTLS {w:?} not in {dtls_got:?}");
            checked += 1;
        }
    }
    assert!(checked >= 28, "{checked}");
}

#[test]
fn arkime_expectations_are_read() {
    // arkime_synthetic.pcap has 11 TCP TLS sessions (corpus README); its first is TLS 1.2.
    let want = expected("arkime_synthetic");
    assert_eq!(want.len(), ours("arkime_synthetic").len());
    assert!(want.len() >= 10, "{}", want.len());
    assert!(want.iter().all(|r| r.2.contains(',')), "JA3 strings present");
}

/// FoxIO's ja4.py output for their captures (tests/data/corpus/ja4/expected): for every TCP TLS
/// stream, the endpoints, the SNI ("domain") and the cipher suites in the order offered (the
/// second part of JA4_ro, GREASE removed) must match one of our connections.
#[test]
fn ja4_python_streams_match() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/corpus/ja4");
    for name in ["ipv6.pcapng", "tls-sni.pcapng", "latest.pcapng", "tls-non-ascii-alpn.pcapng"] {
        let exp: Value = serde_json::from_slice(&std::fs::read(dir.join(format!("expected/{name}.json"))).unwrap_or_default()).unwrap_or(Value::Null);
        let a = analyze(&std::fs::read(dir.join(format!("pcap/{name}"))).unwrap_or_default(), &Options::default());
        // (ipv6.pcapng is a classic pcap file despite its name.)
        assert!(matches!(a.input.kind.as_str(), "pcap" | "pcapng"), "{name}");
        let streams: Vec<&Value> = exp.as_array().map(|v| v.iter().filter(|e| e["JA4.1"].as_str().is_some_and(|j| j.starts_with('t'))).collect()).unwrap_or_default();
        assert!(!streams.is_empty(), "{name}: no TCP streams in the expectations");
        for e in streams {
            let sock = |ip: &Value, port: &Value| -> Option<std::net::SocketAddr> {
                Some(std::net::SocketAddr::new(ip.as_str()?.parse().ok()?, port.as_str()?.parse().ok()?))
            };
            let (client, server) = (sock(&e["src"], &e["srcport"]), sock(&e["dst"], &e["dstport"]));
            let c = a.connections.iter().find(|c| {
                c.client.as_deref().and_then(|s| s.parse().ok()) == client && c.server.as_deref().and_then(|s| s.parse().ok()) == server
            });
            assert!(c.is_some(), "{name}: stream {} {:?} -> {:?} not found", e["stream"], client, server);
            let Some(c) = c else { continue };
            assert_eq!(c.summary.sni.as_deref(), e["domain"].as_str(), "{name}: stream {} SNI", e["stream"]);
            let ro = e["JA4_ro.1"].as_str().unwrap_or("");
            let want: Vec<String> = ro.split('_').nth(1).unwrap_or("").split(',').filter(|s| !s.is_empty()).map(String::from).collect();
            let got: Vec<String> = c.summary.cipher_suites_offered.iter().filter(|&&v| !tls_lens::registry::is_grease(v.0)).map(|v| format!("{v:04x}")).collect();
            assert_eq!(got, want, "{name}: stream {} cipher suites", e["stream"]);
            // JA4 in all four forms, and the stream number (Wireshark's tcp.stream).
            let s = &c.summary;
            for (k, ours) in [("JA4.1", &s.ja4), ("JA4_r.1", &s.ja4_r), ("JA4_o.1", &s.ja4_o), ("JA4_ro.1", &s.ja4_ro)] {
                assert_eq!(ours.as_deref(), e[k].as_str(), "{name}: stream {} {k}", e["stream"]);
            }
            assert_eq!(c.tcp_stream.map(|n| n as u64), e["stream"].as_u64(), "{name}: tcp.stream");
        }
    }
}

/// One flow of a CESNET FlowTest expectation file: its `key: value` lines.
type Flow = std::collections::BTreeMap<String, String>;

/// The tiny YAML subset the FlowTest files use: top-level `pcap:` and a `flows:` list of flat maps.
fn flowtest(path: &Path) -> (String, Vec<Flow>) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let (mut pcap, mut flows, mut in_flows) = (String::new(), Vec::<Flow>::new(), false);
    for line in text.lines() {
        if let Some(p) = line.strip_prefix("pcap: ") {
            pcap = p.trim().to_string();
        } else if line.starts_with("flows:") {
            in_flows = true;
        } else if in_flows {
            let t = line.trim_start();
            let (new, kv) = match t.strip_prefix("- ") {
                Some(rest) => (true, rest),
                None => (false, t),
            };
            if new {
                flows.push(Flow::new());
            }
            if let (Some((k, v)), Some(f)) = (kv.split_once(": "), flows.last_mut()) {
                f.insert(k.trim().to_string(), v.trim().trim_matches('\'').to_string());
            }
        }
    }
    (pcap, flows)
}

/// FlowTest's expectations (tests/data/corpus/flowtest/expected/*.yml): for every flow, our
/// connection between the same endpoints has the same cipher suite, server version, SNI, ALPN,
/// JA3, certificate subject/issuer CN and validity. (`tls_client_version` is FlowTest's own
/// notion and is not compared; for handshakes that end in an alert before any ServerHello its
/// server version comes from the alert record, which we do not report as negotiated.)
#[test]
fn flowtest_flows_match() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/corpus/flowtest");
    let mut checked = 0;
    for e in std::fs::read_dir(dir.join("expected")).into_iter().flatten().flatten() {
        let (pcap, flows) = flowtest(&e.path());
        let a = analyze(&std::fs::read(dir.join("pcap").join(&pcap)).unwrap_or_default(), &Options::default());
        for f in flows {
            let ctx = format!("{pcap} {}:{}", f["src_ip"], f["src_port"]);
            let c = a.connections.iter().find(|c| c.client.as_deref() == Some(&format!("{}:{}", f["src_ip"], f["src_port"])));
            let Some(c) = c else { panic!("{ctx}: no such connection among {:?}", a.connections.iter().map(|c| &c.client).collect::<Vec<_>>()) };
            assert_eq!(c.server.as_deref(), Some(format!("{}:{}", f["dst_ip"], f["dst_port"]).as_str()), "{ctx}: server");
            let s = &c.summary;
            let hex = |v: &str| u32::from_str_radix(v.trim_start_matches("0x"), 16).ok();
            if let Some(cs) = f.get("tls_cipher_suite") {
                assert_eq!(s.cipher_suite.map(|c| u32::from(c.0)), hex(cs), "{ctx}: cipher suite");
            }
            if let (Some(v), true) = (f.get("tls_server_version"), s.cipher_suite.is_some()) {
                assert_eq!(s.version.map(u32::from), hex(v), "{ctx}: version");
            }
            assert_eq!(s.sni.as_deref(), f.get("tls_sni").map(String::as_str), "{ctx}: SNI");
            assert_eq!(s.alpn.as_deref(), f.get("tls_alpn").map(String::as_str), "{ctx}: ALPN");
            assert_eq!(s.ja3.as_deref().map(|j| format!("0x{j}")).as_deref(), f.get("tls_ja3").map(String::as_str), "{ctx}: JA3");
            let leaf = c.certificates.first();
            for (key, field) in [("tls_subject_cn", leaf.map(|l| l.subject.clone())), ("tls_issuer_cn", leaf.map(|l| l.issuer.clone()))] {
                if let Some(cn) = f.get(key).filter(|cn| !cn.is_empty()) {
                    assert!(field.as_deref().is_some_and(|dn| dn.split(", ").any(|p| p == format!("CN={cn}"))), "{ctx}: {key} {cn} in {field:?}");
                }
            }
            if let Some(nb) = f.get("tls_validity_not_before").and_then(|v| v.parse::<i64>().ok()) {
                assert_eq!(leaf.map(|l| l.not_before.clone()), Some(tls_lens::x509::iso_time(nb)), "{ctx}: not before");
            }
            checked += 1;
        }
    }
    assert!(checked >= 10, "flows checked: {checked}");
}

fn corpus(path: &str) -> tls_lens::model::Analysis {
    let bytes = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/corpus").join(path)).unwrap();
    analyze(&bytes, &Options::default())
}

fn names(c: &tls_lens::model::Connection) -> Vec<(&'static str, String)> {
    c.messages.iter().map(|m| (m.dir.map(|d| d.as_str()).unwrap_or("?"), m.name.clone())).collect()
}

fn list(v: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    v.iter().map(|(d, n)| (*d, n.to_string())).collect()
}

/// The Illustrated TLS 1.2 and 1.3 connections: facts from corpus/illustrated/README.md; the
/// message lists are tshark's ("Encrypted Handshake Message" after a CCS is the Finished).
#[test]
fn illustrated_connections_match() {
    let a = corpus("illustrated/illustrated-tls12/captures/capture.pcap");
    assert_eq!(a.connections.len(), 1);
    let c = &a.connections[0];
    assert_eq!((c.client.as_deref(), c.server.as_deref()), (Some("[::1]:50159"), Some("[::1]:8443")));
    let s = &c.summary;
    assert_eq!((s.version, s.cipher_suite.map(|c| c.0), s.sni.as_deref(), s.group.map(|g| g.0)), (Some(0x0303), Some(0xc013), Some("example.ulfheim.net"), Some(29)));
    assert_eq!(c.certificates.len(), 1);
    assert_eq!(c.certificates[0].subject, "C=US, CN=example.ulfheim.net"); // openssl x509 -subject: C = US, CN = example.ulfheim.net
    assert_eq!(
        names(c),
        list(&[
            ("c2s", "ClientHello"),
            ("s2c", "ServerHello"),
            ("s2c", "Certificate"),
            ("s2c", "ServerKeyExchange"),
            ("s2c", "ServerHelloDone"),
            ("c2s", "ClientKeyExchange"),
            ("c2s", "ChangeCipherSpec"),
            ("c2s", "Finished"),
            ("s2c", "ChangeCipherSpec"),
            ("s2c", "Finished"),
            ("c2s", "ApplicationData"),
            ("s2c", "ApplicationData"),
            ("c2s", "Alert"),
        ])
    );
    // The randoms are fixed patterns (README): client 00 01 .. 1f.
    let ch = &c.messages[0].fields.iter().find(|f| f.name == "random").unwrap().value;
    assert_eq!(ch, &(0u8..32).map(|b| format!("{b:02x}")).collect::<String>());

    for (path, suite, server_records) in [
        ("illustrated/illustrated-tls13/captures/capture.pcap", 0x1302, 4 + 3),
        ("illustrated/illustrated-tls13/archive-boringssl/capture.pcap", 0x1301, 1 + 2),
    ] {
        let a = corpus(path);
        assert_eq!(a.connections.len(), 1, "{path}");
        let c = &a.connections[0];
        let s = &c.summary;
        assert_eq!((s.version, s.cipher_suite.map(|c| c.0), s.sni.as_deref(), s.group.map(|g| g.0)), (Some(0x0304), Some(suite), Some("example.ulfheim.net"), Some(29)), "{path}");
        let n = names(c);
        assert_eq!(&n[..3], &list(&[("c2s", "ClientHello"), ("s2c", "ServerHello"), ("s2c", "ChangeCipherSpec")])[..], "{path}");
        // The middlebox-compatibility CCS from the client, and the encrypted records: the
        // server's handshake flight, tickets and data.
        assert!(n.contains(&("c2s", "ChangeCipherSpec".to_string())), "{path}");
        let enc_s2c = c.messages.iter().filter(|m| m.encrypted && m.dir == Some(tls_lens::model::Dir::S2C)).count();
        assert_eq!(enc_s2c, server_records, "{path}");
    }
}

/// Wireshark's rsasnakeoil2.pcap (corpus/wireshark/EXPECTED.md): an SSLv2-format ClientHello,
/// SSL 3.0 with TLS_RSA_WITH_AES_256_CBC_SHA and the snakeoil certificate, then a
/// renegotiation under encryption; a second connection resumes another session with 3DES.
/// snakeoil-dtls.pcap is UDP: listed as a DTLS flow.
#[test]
fn wireshark_captures_match() {
    let a = corpus("wireshark/captures/rsasnakeoil2.pcap");
    assert_eq!(a.connections.len(), 2);
    let c = &a.connections[0];
    assert_eq!(c.client.as_deref(), Some("127.0.0.1:38713"));
    assert_eq!((c.messages[0].name.as_str(), c.messages[0].content_type), ("ClientHello", tls_lens::code::ContentType(0x80)));
    assert_eq!((c.summary.version, c.summary.cipher_suite.map(|c| c.0), c.summary.resumed), (Some(0x0300), Some(0x0035), false));
    assert!(c.certificates[0].subject.contains("CN=www.snakeoil.dom") && c.certificates[0].issuer.contains("CN=Snake Oil CA"));
    assert!(c.summary.cipher_suites_offered.contains(&tls_lens::code::CipherSuite(0x0035)));
    assert!(c.summary.ja3.is_none(), "JA3 is not defined for the SSL 2.0 format");
    assert!(c.notes.iter().any(|n| n.text_ref.key == "note.sslv2_hello"));
    assert!(a.diagnostics.iter().all(|d| !d.message.contains("before the first TLS record")), "{:?}", a.diagnostics);
    // tshark: frames 13-17 carry 6 "Encrypted Handshake Message"s before the second CCS pair.
    assert_eq!(c.messages.iter().filter(|m| m.name == "EncryptedHandshake").count(), 6);
    let c = &a.connections[1];
    assert_eq!(c.client.as_deref(), Some("127.0.0.1:38714"));
    assert_eq!((c.summary.version, c.summary.cipher_suite.map(|c| c.0), c.summary.resumed), (Some(0x0300), Some(0x000a), true));
    assert!(c.certificates.is_empty());

    // DTLS with OpenSSL's pre-RFC version 0x0100: a HelloVerifyRequest round trip, then a
    // full RSA handshake; Arkime's JA4 and the certificate as EXPECTED.md records them.
    let a = corpus("wireshark/captures/snakeoil-dtls.pcap");
    assert!(a.other_flows.is_empty());
    let c = &a.connections[0];
    assert!(c.dtls);
    assert_eq!(c.udp_stream, Some(0));
    let names: Vec<&str> = c.messages.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(&names[..7], ["ClientHello", "HelloVerifyRequest", "ClientHello", "ServerHello", "Certificate", "ServerHelloDone", "ClientKeyExchange"]);
    assert_eq!(c.summary.cipher_suite.map(|s| s.0), Some(0x0035));
    assert_eq!(c.summary.ja4.as_deref(), Some("d00i270000_fd1a708466c1_000000000000"));
    assert!(c.certificates[0].subject.contains("CN=www.snakeoil.dom"));
    assert!(a.diagnostics.is_empty(), "{:?}", a.diagnostics);
}
