//! TLS 1.3 decryption with key logs, against independent values: RFC 8448 §3 (keys,
//! verify_data, plaintexts), the Illustrated TLS 1.3 connection (published plaintext of every
//! record), and our own captures as tshark decrypted them with the same key logs.

use std::path::Path;

use serde_json::Value;
use tls_lens::model::{Analysis, Connection, Dir};
use tls_lens::{analyze, Options};

fn data(p: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(p)).unwrap()
}

fn text(p: &str) -> String {
    String::from_utf8(data(p)).unwrap()
}

fn with_keylog(input: &[u8], keylog: &str) -> Analysis {
    analyze(input, &Options { keylog: keylog.to_string(), ..Default::default() })
}

fn bytes(c: &Connection, m: &tls_lens::model::Message) -> Vec<u8> {
    let all: Vec<u8> = (0..c.stream.hex.len() / 2).map(|i| u8::from_str_radix(&c.stream.hex[2 * i..2 * i + 2], 16).unwrap()).collect();
    m.pieces.iter().flat_map(|p| all[p.offset..p.offset + p.len].to_vec()).collect()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// tshark's decrypted message list from an expectations file, without application data (which
/// we open but do not list), and ours without the ciphertext records.
fn tshark_and_ours(want: &Value, c: &Connection) -> (Vec<(String, String)>, Vec<(String, String)>) {
    let theirs = want["messages_decrypted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_str().unwrap().to_string(), p[1].as_str().unwrap().to_string()))
        .filter(|(_, n)| n != "ApplicationData")
        .collect();
    let ours = c.messages.iter().filter(|m| !m.encrypted).map(|m| (m.dir.map(Dir::as_str).unwrap_or("?").to_string(), m.name.clone())).collect();
    (theirs, ours)
}

fn note_keys(c: &Connection) -> Vec<&str> {
    c.notes.iter().map(|n| n.text_ref.key.as_str()).collect()
}

fn decrypted(c: &Connection) -> Vec<(&'static str, &str)> {
    c.messages.iter().filter(|m| m.decrypted).map(|m| (m.dir.map(Dir::as_str).unwrap_or("?"), m.name.as_str())).collect()
}

/// RFC 8448 §3 "Simple 1-RTT Handshake": both directions' records (one per line, in the
/// corpus files) interleaved in the RFC's order, decrypted with the derived key log.
fn rfc8448() -> Analysis {
    let c2s: Vec<String> = text("corpus/rfc8448/simple-1rtt.c2s.hex").lines().map(String::from).collect();
    let s2c: Vec<String> = text("corpus/rfc8448/simple-1rtt.s2c.hex").lines().map(String::from).collect();
    // ClientHello; ServerHello + encrypted flight; client Finished; NewSessionTicket; data and
    // close_notify each way.
    let order = [('C', 0), ('S', 0), ('S', 1), ('C', 1), ('S', 2), ('C', 2), ('S', 3), ('C', 3), ('S', 4)];
    let input: String = order.iter().map(|&(d, i)| format!("{d}: {}\n", if d == 'C' { &c2s[i] } else { &s2c[i] })).collect();
    with_keylog(input.as_bytes(), &text("corpus/rfc8448/simple-1rtt.keylog"))
}

#[test]
fn rfc8448_simple_1rtt() {
    let a = rfc8448();
    let c = &a.connections[0];
    assert_eq!(
        decrypted(c),
        [("s2c", "EncryptedExtensions"), ("s2c", "Certificate"), ("s2c", "CertificateVerify"), ("s2c", "Finished"), ("c2s", "Finished"), ("s2c", "NewSessionTicket"), ("c2s", "Alert"), ("s2c", "Alert")]
    );
    // verify_data as in the RFC (and in simple-1rtt.txt's summary).
    let fins: Vec<String> = c.messages.iter().filter(|m| m.decrypted && m.name == "Finished").map(|m| hex(&bytes(c, m)[4..])).collect();
    assert_eq!(fins, ["9b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718", "a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61"]);
    let keys = note_keys(c);
    for k in ["note.decrypt.ok", "note.finished.ok.server", "note.finished.ok.client", "note.decrypt.app_data"] {
        assert!(keys.contains(&k), "{k} missing: {keys:?}");
    }
    // 50 octets of application data each way.
    let app = c.notes.iter().find(|n| n.text_ref.key == "note.decrypt.app_data").unwrap();
    assert!(app.text.contains("sent 50 bytes") && app.text.contains("server sent 50 bytes"), "{}", app.text);
    // The decrypted certificate is the RFC's (CN=rsa).
    assert_eq!(c.certificates.len(), 1);
    assert!(c.certificates[0].subject.contains("CN=rsa"), "{}", c.certificates[0].subject);
}

/// The Illustrated TLS 1.3 connection: every decrypted message equals the published
/// TLSInnerPlaintext (caps/server*, caps/client*) without its content-type byte.
#[test]
fn illustrated_tls13_plaintexts() {
    let dir = "corpus/illustrated/illustrated-tls13/captures";
    let a = with_keylog(&data(&format!("{dir}/capture.pcap")), &text(&format!("{dir}/keylog.txt")));
    let c = &a.connections[0];
    let got: Vec<Vec<u8>> = c.messages.iter().filter(|m| m.decrypted && m.content_type.0 == 22).map(|m| bytes(c, m)).collect();
    let want: Vec<Vec<u8>> = ["serverextensions", "servercert", "servercertverify", "serverfinished", "clientfinished", "serverticket1", "serverticket2"]
        .iter()
        .map(|f| {
            let mut b = data(&format!("{dir}/caps/{f}"));
            assert_eq!(b.pop(), Some(0x16), "{f}: inner content type handshake");
            b
        })
        .collect();
    assert_eq!(got.len(), want.len());
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        assert_eq!(hex(g), hex(w), "message {i}");
    }
    let app = c.notes.iter().find(|n| n.text_ref.key == "note.decrypt.app_data").unwrap();
    assert!(app.text.contains("“ping”") && app.text.contains("“pong”"), "{}", app.text);
    assert!(note_keys(c).contains(&"note.finished.ok.server") && note_keys(c).contains(&"note.finished.ok.client"));
}

/// Our own TLS 1.3 captures (OpenSSL + curl; one with HelloRetryRequest, where the transcript
/// starts with message_hash) against tshark's decryption with the same key logs.
#[test]
fn own_captures_match_tshark_decryption() {
    for name in ["tls13", "tls13-hrr"] {
        let want: Value = serde_json::from_slice(&data(&format!("{name}.expected.json"))).unwrap();
        let a = with_keylog(&data(&format!("{name}.pcap")), &text(&format!("{name}.keylog")));
        let c = &a.connections[0];
        let (theirs, ours) = tshark_and_ours(&want, c);
        assert_eq!(ours, theirs, "{name}");
        assert_eq!(c.summary.alpn.as_deref(), want["alpn"].as_str(), "{name}: ALPN from the decrypted EncryptedExtensions");
        let keys = note_keys(c);
        assert!(keys.contains(&"note.finished.ok.server") && keys.contains(&"note.finished.ok.client"), "{name}: {keys:?}");
    }
}

/// Another connection's secrets for the same client random: nothing decrypts, and it is said.
#[test]
fn wrong_keys_are_reported() {
    let mut keylog = text("tls13.keylog");
    // Flip one hex digit of every secret (the last field of each line).
    keylog = keylog
        .lines()
        .map(|l| {
            let mut parts: Vec<String> = l.split(' ').map(String::from).collect();
            if parts.len() == 3 {
                let s = &mut parts[2];
                let first = if s.starts_with('0') { "1" } else { "0" };
                s.replace_range(0..1, first);
            }
            parts.join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n");
    let a = with_keylog(&data("tls13.pcap"), &keylog);
    let c = &a.connections[0];
    assert!(decrypted(c).is_empty());
    assert!(note_keys(c).contains(&"note.decrypt.wrong_keys"), "{:?}", note_keys(c));
}

/// ChaCha20-Poly1305 (TLS_CHACHA20_POLY1305_SHA256): OpenSSL s_server/s_client on loopback
/// (tests/data/README.md). Expected list from
/// `tshark -r tls13-chacha.pcap -o tls.keylog_file:tls13-chacha.keylog -Y tls -T fields
/// -e tcp.srcport -e tls.handshake.type -e tls.record.content_type`.
#[test]
fn chacha20_poly1305() {
    let a = with_keylog(&data("tls13-chacha.pcap"), &text("tls13-chacha.keylog"));
    let c = &a.connections[0];
    assert_eq!(c.summary.cipher_suite.map(|s| s.0), Some(0x1303));
    assert_eq!(
        decrypted(c),
        [
            ("s2c", "EncryptedExtensions"),
            ("s2c", "Certificate"),
            ("s2c", "CertificateVerify"),
            ("s2c", "Finished"),
            ("c2s", "Finished"),
            ("s2c", "NewSessionTicket"),
            ("s2c", "NewSessionTicket"),
            ("s2c", "Alert"),
            ("c2s", "Alert"),
        ]
    );
    let keys = note_keys(c);
    assert!(keys.contains(&"note.finished.ok.server") && keys.contains(&"note.finished.ok.client"), "{keys:?}");
}

/// A pcapng with its secrets in a Decryption Secrets Block (FoxIO's
/// chrome-cloudflare-quic-with-secrets.pcapng): the TCP connection decrypts with no key log
/// given. tshark (which reads the DSB too) lists the handshake types S 8, 25, 15, 20 · C 20 ·
/// S 4, 4 (`-Y "tcp && tls.handshake" -T fields -e tcp.srcport -e tls.handshake.type`); the
/// client's first application data is the HTTP/2 connection preface. The Certificate after the
/// CompressedCertificate is its decompressed content (RFC 8879; tshark shows its certificates
/// in the same frame).
#[test]
fn pcapng_decryption_secrets_block() {
    let a = analyze(&data("corpus/ja4/pcap/chrome-cloudflare-quic-with-secrets.pcapng"), &Options::default());
    assert!(a.input.keylog.as_ref().is_some_and(|k| k.matched >= 1));
    let c = &a.connections[0];
    assert_eq!(
        decrypted(c),
        [
            ("s2c", "EncryptedExtensions"),
            ("s2c", "CompressedCertificate"),
            ("s2c", "Certificate"),
            ("s2c", "CertificateVerify"),
            ("s2c", "Finished"),
            ("c2s", "Finished"),
            ("s2c", "NewSessionTicket"),
            ("s2c", "NewSessionTicket"),
        ]
    );
    let keys = note_keys(c);
    assert!(keys.contains(&"note.finished.ok.server") && keys.contains(&"note.finished.ok.client"), "{keys:?}");
    let app = c.notes.iter().find(|n| n.text_ref.key == "note.decrypt.app_data").unwrap();
    assert!(app.text.contains("PRI * HTTP/2.0"), "{}", app.text);
}

/// Only the application traffic secrets: the handshake records stay closed (without advancing
/// the sequence number of keys that never opened anything), application data still opens.
#[test]
fn application_secrets_alone() {
    let keylog: String = text("tls13.keylog").lines().filter(|l| l.contains("_TRAFFIC_SECRET_0")).map(|l| format!("{l}\n")).collect();
    assert_eq!(keylog.lines().count(), 2);
    let a = with_keylog(&data("tls13.pcap"), &keylog);
    let c = &a.connections[0];
    let keys = note_keys(c);
    // The server sent no application data (tshark: only the client's HTTP/2 preface).
    assert!(keys.contains(&"note.decrypt.app_data.c2s_only"), "{keys:?}");
    assert!(keys.contains(&"note.finished.unchecked"), "{keys:?}");
    // Only post-handshake messages (tickets, alerts) can be read.
    assert!(decrypted(c).iter().all(|(_, n)| matches!(*n, "NewSessionTicket" | "Alert")), "{:?}", decrypted(c));
    assert!(!decrypted(c).is_empty());
}

/// TLS 1.2 with the master secret (CLIENT_RANDOM): our OpenSSL captures (AES-GCM with ECDHE,
/// static RSA and DHE) as tshark decrypts them with the same key logs.
#[test]
fn tls12_own_captures_match_tshark() {
    for name in ["tls12-ecdhe-rsa", "tls12-rsa", "tls12-dhe-rsa"] {
        let want: Value = serde_json::from_slice(&data(&format!("{name}.expected.json"))).unwrap();
        let a = with_keylog(&data(&format!("{name}.pcap")), &text(&format!("{name}.keylog")));
        let c = &a.connections[0];
        let (theirs, ours) = tshark_and_ours(&want, c);
        assert_eq!(ours, theirs, "{name}");
        let keys = note_keys(c);
        for k in ["note.decrypt12.ok", "note.finished12.ok.client", "note.finished12.ok.server"] {
            assert!(keys.contains(&k), "{name}: {k} missing from {keys:?}");
        }
    }
}

/// The Illustrated TLS 1.2 connection (AES-128-CBC-SHA, explicit IVs): the decrypted Finished
/// messages equal the published plaintexts (caps/*plain: message, then the HMAC and padding
/// length for the server's), and the data is "ping" / "pong".
#[test]
fn illustrated_tls12_plaintexts() {
    let dir = "corpus/illustrated/illustrated-tls12/captures";
    let a = with_keylog(&data(&format!("{dir}/capture.pcap")), &text(&format!("{dir}/keylog.txt")));
    let c = &a.connections[0];
    assert_eq!(c.summary.cipher_suite.map(|s| s.0), Some(0xc013));
    let fins: Vec<Vec<u8>> = c.messages.iter().filter(|m| m.decrypted && m.name == "Finished").map(|m| bytes(c, m)).collect();
    assert_eq!(fins.len(), 2);
    assert_eq!(hex(&fins[0]), hex(&data(&format!("{dir}/caps/clientfinishedplain"))));
    assert_eq!(hex(&fins[1]), hex(&data(&format!("{dir}/caps/serverfinishedplain"))[..16]));
    let app = c.notes.iter().find(|n| n.text_ref.key == "note.decrypt.app_data").unwrap();
    assert!(app.text.contains("“ping”") && app.text.contains("“pong”"), "{}", app.text);
    assert!(decrypted(c).contains(&("c2s", "Alert")));
    assert!(c.alerts.iter().any(|x| x.name == "close_notify"), "{:?}", c.alerts);
    let keys = note_keys(c);
    assert!(keys.contains(&"note.finished12.ok.client") && keys.contains(&"note.finished12.ok.server"), "{keys:?}");
    // The Illustrated TLS 1.2 hellos have no extended_master_secret (tshark: ClientHello
    // extensions 0, 5, 10, 11, 13, 65281, 18; ServerHello 65281).
    assert!(keys.contains(&"note.decrypt12.no_ems"), "{keys:?}");
}

fn key_value<'a>(c: &'a Connection, gen: &str, name: &str) -> &'a str {
    let g = c.key_schedule.iter().find(|g| g.name == gen).unwrap_or_else(|| panic!("no {gen} in {:?}", c.key_schedule.iter().map(|g| &g.name).collect::<Vec<_>>()));
    &g.values.iter().find(|v| v.name == name).unwrap_or_else(|| panic!("no {name} in {gen}")).hex
}

/// The key schedule view: RFC 8448 §3's handshake keys and server finished_key, what each
/// generation opened; the Illustrated TLS 1.2 key block (as tls12.xargs.org publishes it).
#[test]
fn key_schedule_matches_the_published_values() {
    let a = rfc8448();
    let c = &a.connections[0];
    let names: Vec<&str> = c.key_schedule.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["client_handshake_traffic", "server_handshake_traffic", "client_application_traffic_0", "server_application_traffic_0"]);
    assert_eq!(key_value(c, "server_handshake_traffic", "key"), "3fce516009c21727d0f2e4e86ee403bc");
    assert_eq!(key_value(c, "server_handshake_traffic", "iv"), "5d313eb2671276ee13000b30");
    assert_eq!(key_value(c, "server_handshake_traffic", "finished_key"), "008d3b66f816ea559f96b537e885c31fc068bf492c652f01f288a1d8cdc19fc8");
    assert_eq!(key_value(c, "client_application_traffic_0", "secret"), "9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5");
    let server_hs = c.key_schedule.iter().find(|g| g.name == "server_handshake_traffic").unwrap();
    assert_eq!(server_hs.protects, ["EncryptedExtensions", "Certificate", "CertificateVerify", "Finished"]);
    assert_eq!(server_hs.source, "SERVER_HANDSHAKE_TRAFFIC_SECRET");
    assert!(!server_hs.text.is_empty());

    let dir = "corpus/illustrated/illustrated-tls12/captures";
    let a = with_keylog(&data(&format!("{dir}/capture.pcap")), &text(&format!("{dir}/keylog.txt")));
    let c = &a.connections[0];
    assert_eq!(key_value(c, "client_write", "client_write_MAC_key"), "1b7d117c7d5f690bc263cae8ef60af0f1878acc2");
    assert_eq!(key_value(c, "server_write", "server_write_MAC_key"), "2ad8bdd8c601a617126f63540eb20906f781fad2");
    assert_eq!(key_value(c, "client_write", "client_write_key"), "f656d037b173ef3e11169f27231a84b6");
    assert_eq!(key_value(c, "server_write", "server_write_key"), "752a18e7a9fcb7cbcdd8f98dd8f769eb");
    // tls12.xargs.org also prints IVs cut from the key block after the keys (a0d2550c…,
    // 434528db…), but RFC 5246 §6.3 generates client_write_IV and server_write_IV "only for
    // implicit nonce techniques": a TLS 1.2 CBC record carries its own IV, so the key block ends
    // with the keys and no IV is shown.
    let client = c.key_schedule.iter().find(|g| g.name == "client_write").unwrap();
    assert!(client.values.iter().all(|v| v.name != "client_write_IV"), "{:?}", client.values.iter().map(|v| &v.name).collect::<Vec<_>>());
    assert_eq!(c.key_schedule[0].values.iter().find(|v| v.name == "key_block").unwrap().hex.len(), 2 * 2 * (20 + 16));
    assert_eq!(client.protects.first().map(String::as_str), Some("Finished"));
}

/// RFC 8879: Chrome's certificates to Cloudflare come brotli-compressed, over TCP and QUIC (the
/// pcapng's Decryption Secrets Block opens them). Decompressed, they are the chain tshark shows
/// for frames 8 and 51: leaf CN sni.cloudflaressl.com (SANs *.cloudflare-quic.com,
/// sni.cloudflaressl.com, cloudflare-quic.com) issued by Cloudflare Inc ECC CA-3, whose
/// certificate is issued by Baltimore CyberTrust Root.
#[test]
fn compressed_certificates_are_decompressed() {
    let a = tls_lens::analyze(&data("corpus/ja4/pcap/chrome-cloudflare-quic-with-secrets.pcapng"), &tls_lens::Options::default());
    assert_eq!(a.connections.len(), 2);
    for c in &a.connections {
        let names: Vec<&str> = c.messages.iter().filter(|m| m.quic.is_none()).map(|m| m.name.as_str()).collect();
        let i = names.iter().position(|n| *n == "CompressedCertificate").unwrap_or_else(|| panic!("{names:?}"));
        assert_eq!(names[i + 1], "Certificate", "{names:?}");
        assert_eq!(c.certificates.len(), 2, "{:?}", c.certificates.iter().map(|x| &x.subject).collect::<Vec<_>>());
        assert!(c.certificates[0].subject.contains("CN=sni.cloudflaressl.com"), "{}", c.certificates[0].subject);
        assert!(c.certificates[0].issuer.contains("CN=Cloudflare Inc ECC CA-3"), "{}", c.certificates[0].issuer);
        let mut san = c.certificates[0].san.clone();
        san.sort();
        assert_eq!(san, ["DNS:*.cloudflare-quic.com", "DNS:cloudflare-quic.com", "DNS:sni.cloudflaressl.com"]);
        assert!(c.certificates[1].issuer.contains("Baltimore CyberTrust Root"), "{}", c.certificates[1].issuer);
        assert!(note_keys(c).contains(&"note.certcomp.ok"), "{:?}", note_keys(c));
        // The transcript holds the CompressedCertificate as sent, not the Certificate rebuilt
        // from it (RFC 8879 §4): both Finished messages verify, over TCP and over QUIC.
        for k in ["note.finished.ok.server", "note.finished.ok.client"] {
            assert!(note_keys(c).contains(&k), "{}: {:?}", c.id, note_keys(c));
        }
    }
}

/// AES-CCM (RFC 6655, RFC 8446 B.4): our OpenSSL/curl captures with TLS_AES_128_CCM_SHA256,
/// TLS_AES_128_CCM_8_SHA256, TLS 1.2 RSA AES-128-CCM-8 and DHE-RSA AES-256-CCM. The decrypted
/// handshake messages are the ones tshark decrypts with the same key logs (tests/data/README.md),
/// and both Finished messages verify.
#[test]
fn aes_ccm_suites() {
    let hs13 = [("s2c", "EncryptedExtensions"), ("s2c", "Certificate"), ("s2c", "CertificateVerify"), ("s2c", "Finished"), ("c2s", "Finished")];
    for (name, suite, tls13) in [("tls13-ccm", 0x1304, true), ("tls13-ccm8", 0x1305, true), ("tls12-ccm8", 0xc0a0, false), ("tls12-dhe-ccm", 0xc09f, false)] {
        let a = with_keylog(&data(&format!("{name}.pcap")), &text(&format!("{name}.keylog")));
        let c = &a.connections[0];
        assert_eq!(c.summary.cipher_suite.map(|s| s.0), Some(suite), "{name}");
        let hs: Vec<(&str, &str)> = decrypted(c).into_iter().filter(|(_, n)| *n != "Alert" && *n != "NewSessionTicket").collect();
        if tls13 {
            assert_eq!(hs, hs13, "{name}");
            assert_eq!(decrypted(c).iter().filter(|(_, n)| *n == "NewSessionTicket").count(), 2, "{name}");
        } else {
            assert_eq!(hs, [("c2s", "Finished"), ("s2c", "Finished")], "{name}");
        }
        let keys = note_keys(c);
        // OpenSSL 3 negotiates extended_master_secret (RFC 7627) by default (tshark: the
        // ServerHellos carry extensions 65281 and 23).
        let ok: &[&str] = if tls13 { &["note.finished.ok.server", "note.finished.ok.client"] } else { &["note.finished12.ok.server", "note.finished12.ok.client", "note.decrypt12.ems"] };
        assert!(ok.iter().all(|k| keys.contains(k)), "{name}: {keys:?}");
        assert!(!keys.contains(&"note.decrypt.some_failed") && !keys.contains(&"note.decrypt.wrong_keys"), "{name}: {keys:?}");
    }
}

/// The stream's chunks marked `rebuilt` are exactly what decryption added: without them the
/// stream is, byte for byte and side by side, the one explained without the key log (what a
/// per-connection link sends again).
#[test]
fn rebuilt_chunks_are_what_decryption_added() {
    for name in ["tls13", "tls12-ecdhe-rsa"] {
        let input = data(&format!("{name}.pcap"));
        let plain = analyze(&input, &Options::default());
        let opened = with_keylog(&input, &text(&format!("{name}.keylog")));
        let wire = |c: &Connection, rebuilt: bool| -> Vec<(Option<Dir>, String)> {
            let hex = &c.stream.hex;
            c.stream.chunks.iter().filter(|k| k.rebuilt == rebuilt).map(|k| (k.dir, hex[2 * k.offset..2 * (k.offset + k.len)].to_string())).collect()
        };
        let (p, o) = (&plain.connections[0], &opened.connections[0]);
        assert!(p.stream.chunks.iter().all(|k| !k.rebuilt), "{name}: nothing is rebuilt without a key log");
        assert!(!wire(o, true).is_empty(), "{name}: decryption rebuilt records");
        let joined = |v: Vec<(Option<Dir>, String)>, d: Dir| v.into_iter().filter(|x| x.0 == Some(d)).map(|x| x.1).collect::<String>();
        for d in [Dir::C2S, Dir::S2C] {
            assert_eq!(joined(wire(o, false), d), joined(wire(p, false), d), "{name} {d:?}");
        }
    }
}

/// DTLS 1.2 with a key log (issue 21, part 5): two captures made here with openssl s_server and
/// s_client -dtls1_2 (tests/data/make-captures.sh; AES-256-GCM and AES-128-CBC-SHA256 with
/// encrypt_then_mac). tshark 4.0 with the same key logs decrypts both Finished messages (frames
/// 15 and 17, epoch 1, handshake type 20), one application data record each way, 22 bytes:
/// "hello from the client\n" and "hello from the server\n", and the client's closing alert
/// (frame 20: level 1, description 0, close_notify). The Finished messages verify over
/// the transcript of RFC 6347 §4.2.6 (no ClientHello before the HelloVerifyRequest, no
/// HelloVerifyRequest, each message as one fragment).
#[test]
fn dtls12_decrypts_as_tshark_does() {
    for name in ["dtls12", "dtls12-cbc"] {
        let a = with_keylog(&data(&format!("{name}.pcap")), &text(&format!("{name}.keylog")));
        let c = &a.connections[0];
        assert!(c.dtls, "{name}");
        assert_eq!(decrypted(c), vec![("c2s", "Finished"), ("s2c", "Finished"), ("c2s", "Alert")], "{name}");
        assert_eq!(c.alerts.iter().map(|a| (a.dir, a.level, a.description.map(|d| d.0))).collect::<Vec<_>>(), vec![(Some(Dir::C2S), Some(1), Some(0))], "{name}");
        let keys = note_keys(c);
        for k in ["note.decrypt12.ok", "note.finished12.ok.client", "note.finished12.ok.server"] {
            assert!(keys.contains(&k), "{name}: {k} missing from {keys:?}");
        }
        // The record each side's keys decrypt by hand (the shortest among sequence numbers 1 to 3 of
        // epoch 1): the client's close_notify (tshark: level 1, description 0), the server's data.
        for (side, line) in [("client_write", "\u{1}\u{0}"), ("server_write", "hello from the server\n")] {
            let g = c.key_schedule.iter().find(|g| g.name == side).expect(side);
            assert!(g.protects.iter().any(|p| p == "ApplicationData ×1"), "{name} {side}: {:?}", g.protects);
            // The record decrypted by hand: the application data's plaintext, as tshark shows it.
            let plain = g.values.iter().filter(|v| v.name.starts_with("plaintext, record 1:")).map(|v| v.hex.clone()).collect::<Vec<_>>();
            if name == "dtls12" {
                assert_eq!(plain, vec![hex(line.as_bytes())], "{name} {side}");
            }
        }
    }
}
