//! Tool logs (tests/data/logs: openssl s_client -msg / -debug, curl --trace / --trace-ascii),
//! each checked against facts tshark read from a pcap of the same connection, decrypted with
//! its key log (`NAME.expected.json`, written by make-expected.py without looking at the logs).

use std::path::Path;

use serde_json::Value;
use sha2::{Digest, Sha256};
use tls_lens::model::{Analysis, Connection, Dir};
use tls_lens::{analyze, Options};

fn dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/logs")
}

fn load(name: &str) -> (Analysis, Value) {
    let text = std::fs::read(dir().join(format!("{name}.txt"))).unwrap();
    let want: Value = serde_json::from_slice(&std::fs::read(dir().join(format!("{name}.expected.json"))).unwrap()).unwrap();
    (analyze(&text, &Options::default()), want)
}

fn stream_bytes(c: &Connection) -> Vec<u8> {
    (0..c.stream.hex.len() / 2).map(|i| u8::from_str_radix(&c.stream.hex[2 * i..2 * i + 2], 16).unwrap()).collect()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn types(c: &Connection, d: Dir) -> Vec<u64> {
    c.messages.iter().filter(|m| m.dir == Some(d) && m.content_type.0 == 22 && !m.encrypted).filter_map(|m| m.msg_type.map(|t| u64::from(t.0))).collect()
}

fn want_types(w: &Value, d: &str) -> Vec<u64> {
    w["handshake_types_by_direction"][d].as_array().unwrap().iter().map(|x| x.as_u64().unwrap()).collect()
}

fn summary_matches(name: &str, c: &Connection, w: &Value, alpn_visible: bool) {
    let s = &c.summary;
    assert_eq!(s.version.map(u64::from), w["version"].as_u64(), "{name}: version");
    assert_eq!(s.cipher_suite.map(|c| u64::from(c.0)), w["cipher_suite"].as_u64(), "{name}: cipher suite");
    assert_eq!(s.sni.as_deref(), w["sni"].as_str(), "{name}: SNI");
    let offered: Vec<&str> = w["alpn_offered"].as_array().unwrap().iter().filter_map(|x| x.as_str()).collect();
    assert_eq!(s.alpn_offered, offered, "{name}: ALPN offered");
    if alpn_visible {
        assert_eq!(s.alpn.as_deref(), w["alpn"].as_str(), "{name}: ALPN chosen");
    }
}

/// -msg and --trace: every handshake message, including the TLS 1.3 ones that travelled
/// encrypted, byte for byte as tshark decrypted them.
#[test]
fn msg_and_trace_logs_give_every_message_as_tshark_decrypted_it() {
    for name in ["openssl-msg-tls12", "openssl-msg-tls13", "openssl-msg-debug-tls13", "curl-trace-tls12", "curl-trace-tls13"] {
        let (a, w) = load(name);
        let kind = if name.starts_with("curl") { "curl-trace" } else { "openssl-msg" };
        assert_eq!(a.input.kind, kind, "{name}");
        assert_eq!(a.connections.len(), 1, "{name}");
        let c = &a.connections[0];
        summary_matches(name, c, &w, true);
        let bytes = stream_bytes(c);
        for (d, key) in [(Dir::C2S, "c2s"), (Dir::S2C, "s2c")] {
            assert_eq!(types(c, d), want_types(&w, key), "{name} {key}: handshake types");
            // The message bytes (pieces, without record headers) hash to tshark's.
            let ours: Vec<String> = c
                .messages
                .iter()
                .filter(|m| m.dir == Some(d) && m.content_type.0 == 22)
                .map(|m| {
                    let b: Vec<u8> = m.pieces.iter().flat_map(|p| bytes[p.offset..p.offset + p.len].to_vec()).collect();
                    hex(&Sha256::digest(&b))
                })
                .collect();
            let theirs: Vec<String> = w["messages"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|m| m["dir"] == key && m["content_type"] == 22)
                .map(|m| m["sha256"].as_str().unwrap().to_string())
                .collect();
            assert_eq!(ours, theirs, "{name} {key}: message hashes");
        }
        // Messages that were encrypted on the wire are marked decrypted; ClientHello is not.
        let decrypted: Vec<&str> = c.messages.iter().filter(|m| m.decrypted).map(|m| m.name.as_str()).collect();
        assert!(decrypted.contains(&"Finished"), "{name}: {decrypted:?}");
        assert!(!c.messages[0].decrypted && c.messages[0].name == "ClientHello", "{name}");
        if name.contains("tls13") {
            for m in ["EncryptedExtensions", "Certificate", "CertificateVerify"] {
                assert!(decrypted.contains(&m), "{name}: {m} not decrypted: {decrypted:?}");
            }
            assert_eq!(c.certificates.len(), 2, "{name}: the decrypted Certificate's chain");
        }
        let keys: Vec<&str> = c.notes.iter().map(|n| n.text_ref.key.as_str()).collect();
        assert!(keys.contains(&"note.log.decrypted"), "{name}: {keys:?}");
    }
}

/// curl --trace also shows the decrypted application data: its first line is named.
#[test]
fn curl_trace_names_the_application_data() {
    for name in ["curl-trace-tls12", "curl-trace-tls13"] {
        let (a, w) = load(name);
        let note = a.connections[0].notes.iter().find(|n| n.text_ref.key == "note.log.app_data").expect(name);
        for d in ["c2s", "s2c"] {
            let first = w["application_data"][d]["first_line"].as_str().unwrap();
            assert!(note.text.contains(first), "{name}: {:?} lacks {first:?}", note.text);
        }
    }
}

/// -debug: the raw socket bytes are the TCP payload, byte for byte.
#[test]
fn debug_logs_are_the_wire_bytes() {
    for name in ["openssl-debug-tls12", "openssl-debug-tls13"] {
        let (a, w) = load(name);
        assert_eq!(a.input.kind, "openssl-debug", "{name}");
        let c = &a.connections[0];
        let bytes = stream_bytes(c);
        for (d, key) in [(Dir::C2S, "c2s"), (Dir::S2C, "s2c")] {
            let wire: Vec<u8> = c.stream.chunks.iter().filter(|k| k.dir == Some(d)).flat_map(|k| bytes[k.offset..k.offset + k.len].to_vec()).collect();
            assert_eq!(wire.len() as u64, w["tcp"][key]["bytes"].as_u64().unwrap(), "{name} {key}");
            assert_eq!(hex(&Sha256::digest(&wire)), w["tcp"][key]["sha256"].as_str().unwrap(), "{name} {key}");
        }
        summary_matches(name, c, &w, name.contains("tls12"));
        assert!(c.messages.iter().all(|m| !m.decrypted), "{name}");
    }
}

/// A -debug log whose dump lines were cut by other output (stderr, the HTTP response): the
/// broken lines are named, the handshake before them is still explained.
#[test]
fn broken_dump_lines_are_reported_by_line() {
    let (a, w) = load("openssl-debug-tls13-unbuffered");
    let broken: Vec<_> = a.diagnostics.iter().filter(|d| d.message.contains("the line is broken")).collect();
    assert!(!broken.is_empty(), "{:?}", a.diagnostics);
    let text = std::fs::read_to_string(dir().join("openssl-debug-tls13-unbuffered.txt")).unwrap();
    for d in &broken {
        let line = d.line.unwrap();
        assert!(text[d.offset..].starts_with(text.lines().nth(line - 1).unwrap()), "offset {} is not line {line}", d.offset);
    }
    let c = &a.connections[0];
    assert_eq!(c.summary.sni.as_deref(), w["sni"].as_str());
    assert_eq!(c.messages[0].name, "ClientHello");
}

/// --trace-ascii has no hex: its `== Info:` lines are explained like a `curl -v` log.
#[test]
fn trace_ascii_logs_are_read_like_verbose_logs() {
    for name in ["curl-trace-ascii-tls12", "curl-trace-ascii-tls13"] {
        let (a, w) = load(name);
        assert_eq!(a.input.kind, "curl-trace-ascii", "{name}");
        let c = &a.connections[0];
        assert_eq!(c.summary.version.map(u64::from), w["version"].as_u64(), "{name}");
        for (d, key) in [(Dir::C2S, "c2s"), (Dir::S2C, "s2c")] {
            let ours: Vec<u64> = c.messages.iter().filter(|m| m.dir == Some(d) && m.content_type.0 == 22).filter_map(|m| m.msg_type.map(|t| u64::from(t.0))).collect();
            assert_eq!(ours, want_types(&w, key), "{name} {key}");
        }
    }
}

/// `curl -v` logs (no bytes; made by hand, commands in tests/data/logs/README.md). What the logs
/// themselves say is the oracle: "TLS alert, close notify (256)" is level 1 (warning) × 256 +
/// description 0 (close_notify, RFC 5246 §7.2), once from the server (IN) and once from the
/// client (OUT); "Connected to 127.0.0.1" means no SNI (RFC 6066 §3: host names only); "ALPN:
/// server did not agree on a protocol" after "ALPN: offers http/1.1".
#[test]
fn curl_verbose_logs_name_their_alerts_sni_and_alpn_outcome() {
    for (name, sni) in [("curl-v-tls12", Some("tls-lens.example")), ("curl-v-ip-tls13", None)] {
        for lang in [tls_lens::Lang::En, tls_lens::Lang::Zh] {
            let text = std::fs::read(dir().join(format!("{name}.txt"))).unwrap();
            let a = analyze(&text, &Options { lang, ..Default::default() });
            let c = &a.connections[0];
            assert_eq!(c.summary.sni.as_deref(), sni, "{name}");
            let alerts: Vec<_> = c.alerts.iter().map(|a| (a.dir, a.level, a.description.map(|d| d.0), a.name.as_str())).collect();
            assert_eq!(alerts, vec![(Some(Dir::S2C), Some(1), Some(0), "close_notify"), (Some(Dir::C2S), Some(1), Some(0), "close_notify")], "{name}");
            let titles: Vec<&str> = c.messages.iter().filter(|m| m.content_type.0 == 21).map(|m| m.title.as_str()).collect();
            assert_eq!(titles.len(), 2, "{name}");
            assert!(titles.iter().all(|t| t.contains("close_notify")), "{name}: {titles:?}");
            assert!(c.messages.iter().filter(|m| m.content_type.0 == 21).all(|m| !m.explanation.contains("unknown")), "{name}");
        }
    }
    let text = std::fs::read(dir().join("curl-v-tls12.txt")).unwrap();
    let a = analyze(&text, &Options::default());
    let sh = a.connections[0].messages.iter().find(|m| m.name == "ServerHello").unwrap();
    assert!(sh.explanation.contains("agreed on none of the application protocols (ALPN) the client offered (http/1.1)"), "{}", sh.explanation);
    assert!(!sh.explanation.contains("—"), "{}", sh.explanation);
}

/// The stream's `rebuilt` chunks (bytes that did not travel as they are) in a tool log that
/// prints the decrypted handshake: every decrypted message lies in rebuilt chunks, and every
/// message that travelled in the clear (ClientHello, ServerHello) in chunks that are not.
#[test]
fn a_tool_logs_decrypted_messages_are_in_rebuilt_chunks() {
    for name in ["openssl-msg-tls13.txt", "curl-trace-tls13.txt"] {
        let input = std::fs::read(format!("tests/data/logs/{name}")).unwrap();
        let a = tls_lens::analyze(&input, &tls_lens::Options::default());
        let c = &a.connections[0];
        let kind_at = |off: usize| c.stream.chunks.iter().find(|k| k.offset <= off && off < k.offset + k.len).map(|k| k.rebuilt);
        let mut decrypted = 0;
        for m in c.messages.iter().filter(|m| m.span.len > 0) {
            for p in &m.pieces {
                for off in [p.offset, p.offset + p.len - 1] {
                    assert_eq!(kind_at(off), Some(m.decrypted), "{name}: {} byte {off}", m.name);
                }
            }
            decrypted += usize::from(m.decrypted);
        }
        assert!(decrypted >= 4, "{name}: EncryptedExtensions .. Finished decrypted");
        assert!(c.messages.iter().any(|m| m.name == "ServerHello" && !m.decrypted));
    }
}
