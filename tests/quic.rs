//! QUIC: Initial packets decrypted from the DCID, later levels with key logs, CRYPTO frames
//! reassembled into TLS messages. Oracles: the Illustrated QUIC connection's published
//! per-packet plaintexts, keys and CRYPTO streams; FoxIO's ja4 snapshots (udp.stream, SNI,
//! JA4 with the `q` prefix); tshark's decoding of every packet (tests/data/quic-packets.tsv).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tls_lens::model::{Analysis, Connection};
use tls_lens::{analyze, Options};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

fn illustrated() -> PathBuf {
    data().join("corpus/illustrated/illustrated-quic/captures")
}

fn run(path: &Path, keylog: Option<&Path>) -> Analysis {
    let bytes = std::fs::read(path).unwrap();
    let keylog = keylog.map(|k| std::fs::read_to_string(k).unwrap()).unwrap_or_default();
    analyze(&bytes, &Options { keylog, ..Default::default() })
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

fn stream_bytes(c: &Connection) -> Vec<u8> {
    unhex(&c.stream.hex)
}

/// All fields of a message, depth first, as (name, value).
fn fields(c: &Connection, step: usize) -> Vec<(String, String)> {
    fn walk(fs: &[tls_lens::model::Field], out: &mut Vec<(String, String)>) {
        for f in fs {
            out.push((f.name.clone(), f.value.clone()));
            walk(&f.children, out);
        }
    }
    let mut out = Vec::new();
    walk(&c.messages[step].fields, &mut out);
    out
}

fn field(c: &Connection, step: usize, name: &str) -> String {
    fields(c, step).into_iter().find(|(n, _)| n == name).map(|(_, v)| v).unwrap_or_else(|| panic!("no field {name} in step {step}"))
}

#[test]
fn illustrated_quic_packets_open_to_the_published_plaintexts() {
    let a = run(&illustrated().join("capture.pcap"), Some(&illustrated().join("keylog.txt")));
    assert!(a.diagnostics.is_empty(), "{:?}", a.diagnostics);
    assert_eq!(a.connections.len(), 1);
    let c = &a.connections[0];
    let bytes = stream_bytes(c);
    // Every packet's decrypted frames, in capture order, equal caps/pkt_payloadNN_*.
    let mut expected: Vec<_> = std::fs::read_dir(illustrated().join("caps")).unwrap().flatten().map(|e| e.path()).filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("pkt_payload")).collect();
    expected.sort();
    assert_eq!(expected.len(), 12);
    let frames: Vec<&[u8]> = c.stream.chunks.iter().filter(|ch| ch.layer == Some("quic-frames")).map(|ch| &bytes[ch.offset..ch.offset + ch.len]).collect();
    assert_eq!(frames.len(), 12);
    for (got, want) in frames.iter().zip(&expected) {
        assert_eq!(*got, std::fs::read(want).unwrap().as_slice(), "{}", want.display());
    }
    // The packets as they travelled are the published packets pktNN_*.
    let mut wire: Vec<_> = std::fs::read_dir(illustrated().join("caps")).unwrap().flatten().map(|e| e.path()).filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("pkt") && p.file_name().unwrap().to_string_lossy().chars().nth(3).is_some_and(|ch| ch.is_ascii_digit())).collect();
    wire.sort();
    let packets: Vec<&tls_lens::model::Message> = c.messages.iter().filter(|m| m.quic.is_some()).collect();
    assert_eq!(packets.len(), wire.len());
    // (Their files keep the zeros after a datagram's last packet with that packet; TLS Lens
    // shows them as the packet's "datagram padding" piece.)
    let layer_of = |off: usize| c.stream.chunks.iter().find(|ch| (ch.offset..ch.offset + ch.len).contains(&off)).and_then(|ch| ch.layer);
    for (m, want) in packets.iter().zip(&wire) {
        let on_wire: Vec<u8> = m.pieces.iter().filter(|p| layer_of(p.offset) == Some("quic-packet")).flat_map(|p| bytes[p.offset..p.end()].to_vec()).collect();
        assert_eq!(on_wire, std::fs::read(want).unwrap(), "{}", want.display());
        assert!(m.decrypted && !m.encrypted);
    }
    // The TLS messages equal the CRYPTO streams published per message.
    let tls: Vec<_> = c.messages.iter().filter(|m| m.quic.is_none()).map(|m| (m.name.as_str(), m)).collect();
    let names: Vec<&str> = tls.iter().map(|t| t.0).collect();
    assert_eq!(names, ["ClientHello", "ServerHello", "EncryptedExtensions", "Certificate", "CertificateVerify", "Finished", "Finished"]);
    for ((_, m), file) in tls.iter().zip(["crypto_clienthello", "crypto_serverhello", "crypto_extensions", "crypto_cert", "crypto_certverify", "crypto_s_finished", "crypto_c_finished"]) {
        let msg: Vec<u8> = m.pieces.iter().flat_map(|p| bytes[p.offset..p.end()].to_vec()).collect();
        assert_eq!(msg, std::fs::read(illustrated().join("caps").join(file)).unwrap(), "{file}");
        assert!(m.decrypted);
    }
    // Keys as published (illustrated/README.md, checked there against RFC 9001's derivation).
    let key_of = |step: usize| field(c, step, "key");
    let step_of = |t: &str, dir: &str| c.messages.iter().position(|m| m.quic.as_ref().is_some_and(|q| q.packet_type == t) && m.dir.map(|d| d.as_str()) == Some(dir)).unwrap();
    assert_eq!(key_of(step_of("initial", "c2s")), "b14b918124fda5c8d79847602fa3520b");
    assert_eq!(field(c, step_of("initial", "c2s"), "hp"), "6df4e9d737cdf714711d7c617ee82981");
    assert_eq!(key_of(step_of("initial", "s2c")), "d77fc4056fcfa32bd1302469ee6ebf90");
    assert_eq!(key_of(step_of("handshake", "s2c")), "17abbf0a788f96c6986964660414e7ec");
    assert_eq!(field(c, step_of("handshake", "c2s"), "iv"), "11e70a5d1361795d2bb04465");
    assert_eq!(key_of(step_of("1rtt", "c2s")), "e010a295f0c2864f186b2a7e8fdc9ed7");
    assert_eq!(field(c, step_of("1rtt", "s2c"), "hp"), "b7f6f021453e52b58940e4bba72a35d4");
    // Both Finished messages verified, JA4 with the QUIC prefix, the QUIC summary.
    let notes: Vec<&str> = c.notes.iter().map(|n| n.text_ref.key.as_str()).collect();
    assert!(notes.contains(&"note.finished.ok.server") && notes.contains(&"note.finished.ok.client"), "{notes:?}");
    assert!(c.summary.ja4.as_deref().unwrap().starts_with("q13d03"), "{:?}", c.summary.ja4);
    assert_eq!(c.summary.sni.as_deref(), Some("example.ulfheim.net"));
    assert_eq!(c.summary.alpn.as_deref(), Some("ping/1.0"));
    let q = c.quic.as_ref().unwrap();
    assert_eq!((q.version, q.original_dcid.as_str(), q.decrypted), (1, "0001020304050607", 12));
    assert!(c.certificates.iter().any(|cert| cert.subject.contains("example.ulfheim.net")));
}

#[test]
fn without_keys_only_the_initial_packets_open() {
    let a = run(&illustrated().join("capture.pcap"), None);
    let c = &a.connections[0];
    let names: Vec<&str> = c.messages.iter().filter(|m| m.quic.is_none()).map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["ClientHello", "ServerHello"]);
    for m in c.messages.iter().filter_map(|m| m.quic.as_ref().map(|q| (q.packet_type, m))) {
        assert_eq!(m.1.decrypted, m.0 == "initial", "{}", m.0);
    }
    let notes: Vec<&str> = c.notes.iter().map(|n| n.text_ref.key.as_str()).collect();
    assert!(notes.contains(&"note.quic.initial") && notes.contains(&"note.quic.need_keys"), "{notes:?}");
    // A wrong key log changes nothing and says so: no secrets match this client random.
    let wrong = std::fs::read_to_string(data().join("tls13.keylog")).unwrap();
    let b = analyze(&std::fs::read(illustrated().join("capture.pcap")).unwrap(), &Options { keylog: wrong, ..Default::default() });
    assert_eq!(b.connections[0].messages.iter().filter(|m| m.decrypted).count(), c.messages.iter().filter(|m| m.decrypted).count());
    assert!(b.diagnostics.iter().any(|d| d.message.contains("match none")), "{:?}", b.diagnostics);
}

/// FoxIO's Rust ja4 snapshots: for each UDP stream, (udp.stream, SNI, JA4).
fn snapshot(name: &str) -> Vec<(usize, Option<String>, String)> {
    let text = std::fs::read_to_string(data().join(format!("corpus/ja4/expected/rust-insta/ja4__insta@{name}.snap"))).unwrap();
    let mut out = Vec::new();
    for item in text.split("\n- ").skip(1) {
        let get = |k: &str| item.lines().find_map(|l| l.trim().strip_prefix(&format!("{k}: ")).map(str::to_string));
        if get("transport").as_deref() == Some("udp") {
            out.push((get("stream").unwrap().parse().unwrap(), get("tls_server_name"), get("ja4").unwrap()));
        }
    }
    out.sort();
    out
}

#[test]
fn ja4_snapshots_of_quic_connections_match() {
    let mut total = 0;
    for name in ["tls-sni.pcapng", "chrome-cloudflare-quic-with-secrets.pcapng", "quic-tls-handshake.pcapng", "quic-with-several-tls-frames.pcapng"] {
        let want = snapshot(name);
        let a = run(&data().join("corpus/ja4/pcap").join(name), None);
        let mut got: Vec<_> = a.connections.iter().filter(|c| c.quic.is_some()).map(|c| (c.udp_stream.unwrap(), c.summary.sni.clone(), c.summary.ja4.clone().unwrap_or_default())).collect();
        got.sort();
        assert_eq!(got, want, "{name}");
        total += want.len();
    }
    assert_eq!(total, 23);
}

/// RFC 9000 §19 frame type numbers -> the names TLS Lens shows.
fn frame_type_name(t: u64) -> &'static str {
    match t {
        0 => "PADDING",
        1 => "PING",
        2 | 3 => "ACK",
        5 => "STOP_SENDING",
        6 => "CRYPTO",
        7 => "NEW_TOKEN",
        8..=15 => "STREAM",
        0x18 => "NEW_CONNECTION_ID",
        0x19 => "RETIRE_CONNECTION_ID",
        0x1c | 0x1d => "CONNECTION_CLOSE",
        0x1e => "HANDSHAKE_DONE",
        _ => "other",
    }
}

#[test]
fn packets_agree_with_tshark() {
    let tsv = std::fs::read_to_string(data().join("quic-packets.tsv")).unwrap();
    let mut by_capture: BTreeMap<&str, Vec<Vec<&str>>> = BTreeMap::new();
    for line in tsv.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        by_capture.entry(cols[0]).or_default().push(cols);
    }
    let list = |s: &str| -> Vec<u64> { s.split(',').filter(|x| !x.is_empty()).map(|x| x.parse().unwrap()).collect() };
    let mut frames_checked = 0;
    for (name, rows) in by_capture {
        let a = if name == "illustrated-quic" {
            run(&illustrated().join("capture.pcap"), Some(&illustrated().join("keylog.txt")))
        } else if name.starts_with("quic/") {
            run(&data().join(format!("{name}.pcap")), Some(&data().join(format!("{name}.keylog"))))
        } else {
            run(&data().join(format!("corpus/ja4/pcap/{name}.pcapng")), None)
        };
        for row in rows {
            let frame: u32 = row[1].parse().unwrap();
            let packets: Vec<(&Connection, &tls_lens::model::Message)> = a.connections.iter().flat_map(|c| c.messages.iter().map(move |m| (c, m))).filter(|(_, m)| m.quic.as_ref().and_then(|q| q.frame) == Some(frame)).collect();
            if packets.is_empty() && row[2].is_empty() {
                // Later 1-RTT datagrams are counted, not kept (a few per direction are).
                assert!(a.connections.iter().any(|c| c.quic.as_ref().is_some_and(|q| q.datagrams_not_kept.iter().sum::<u64>() > 0)), "{name} frame {frame}");
                continue;
            }
            assert!(!packets.is_empty(), "{name} frame {frame}: no QUIC packet");
            let opened: Vec<_> = packets.iter().filter(|(_, m)| m.decrypted).collect();
            // Packet numbers: ours are tshark's (which may add a number for trailing bytes it
            // tried to read as a packet).
            let pns: Vec<u64> = opened.iter().filter_map(|(_, m)| m.quic.as_ref().unwrap().packet_number).collect();
            let want_pns = list(row[3]);
            assert!(want_pns.starts_with(&pns) && !pns.is_empty(), "{name} frame {frame}: packet numbers {pns:?}, tshark {want_pns:?}");
            // Frame types, in order (our PADDING runs are one frame, like tshark's).
            let ours: Vec<String> = opened.iter().flat_map(|(_, m)| m.quic.as_ref().unwrap().frames.iter().map(|f| f.split(' ').next().unwrap().to_string())).collect();
            let theirs: Vec<String> = list(row[4]).into_iter().map(|t| frame_type_name(t).to_string()).collect();
            assert_eq!(ours, theirs, "{name} frame {frame}");
            // TLS handshake messages completed by this frame.
            let c = packets[0].0;
            let frame_of = |off: usize| c.stream.chunks.iter().find(|ch| (ch.offset..ch.offset + ch.len).contains(&off)).and_then(|ch| ch.frame);
            // (Leaving out the Certificate decompressed from a CompressedCertificate: not a
            // message on the wire.)
            let inflated = |m: &tls_lens::model::Message| m.fields.first().and_then(|f| f.note.as_deref()).is_some_and(|n| n.contains("decompressed from the CompressedCertificate"));
            let ours: Vec<u64> = c.messages.iter().filter(|m| m.quic.is_none() && !inflated(m) && m.pieces.last().map(|p| frame_of(p.offset)) == Some(Some(frame))).map(|m| u64::from(m.msg_type.unwrap().0)).collect();
            assert_eq!(ours, list(row[5]), "{name} frame {frame}: handshake types");
            frames_checked += 1;
        }
    }
    assert!(frames_checked >= 73, "{frames_checked}");
}

/// Every byte of a QUIC packet step (the packet and its decrypted frames) is covered by a
/// field, and every field lies inside its parent.
#[test]
fn every_byte_of_every_packet_is_explained() {
    fn mark(fs: &[tls_lens::model::Field], parent: tls_lens::model::Span, covered: &mut [bool], base: usize) {
        for f in fs {
            assert!(f.span.offset >= parent.offset && f.span.end() <= parent.end(), "{} {:?} outside {:?}", f.name, f.span, parent);
            for i in f.span.offset..f.span.end() {
                covered[i - base] = true;
            }
            mark(&f.children, f.span, covered, base);
        }
    }
    let a = run(&illustrated().join("capture.pcap"), Some(&illustrated().join("keylog.txt")));
    let c = &a.connections[0];
    for m in c.messages.iter().filter(|m| m.quic.is_some()) {
        let mut covered = vec![false; m.span.len];
        mark(&m.fields, m.span, &mut covered, m.span.offset);
        assert!(covered.iter().all(|&b| b), "step {}: {:?}", m.step, covered.iter().position(|&b| !b));
        assert!(m.fields.iter().all(|f| f.note.is_some()), "step {}", m.step);
    }
}

/// aioquic captures (tests/data/make-quic-captures.py): QUIC v1 with AES-128/256-GCM, QUIC v2
/// with ChaCha20-Poly1305 (its header protection too), and a Retry. Every packet opens with the
/// key log and both Finished messages verify; the ping/pong exchange is in 1-RTT STREAM frames.
#[test]
fn own_aioquic_captures_decrypt_completely() {
    for (name, version, suite) in [("v1-aes128", 1, 0x1301), ("v1-aes256", 1, 0x1302), ("v2-chacha", 0x6b3343cf, 0x1303), ("v1-retry", 1, 0x1301)] {
        let a = run(&data().join(format!("quic/{name}.pcap")), Some(&data().join(format!("quic/{name}.keylog"))));
        assert!(a.diagnostics.is_empty(), "{name}: {:?}", a.diagnostics);
        let c = &a.connections[0];
        let q = c.quic.as_ref().unwrap();
        assert_eq!(q.version, version, "{name}");
        assert_eq!(c.summary.cipher_suite.map(|s| s.0), Some(suite), "{name}");
        assert_eq!(c.summary.alpn.as_deref(), Some("tls-lens"), "{name}");
        let sealed: Vec<_> = c.messages.iter().filter(|m| m.quic.as_ref().is_some_and(|q| q.packet_type != "retry") && !m.decrypted).map(|m| m.step).collect();
        assert!(sealed.is_empty(), "{name}: packets not opened: {sealed:?}");
        let notes: Vec<&str> = c.notes.iter().map(|n| n.text_ref.key.as_str()).collect();
        assert!(notes.contains(&"note.finished.ok.server") && notes.contains(&"note.finished.ok.client"), "{name}: {notes:?}");
        assert!(c.certificates.iter().any(|cert| cert.subject.contains("tls-lens.example")), "{name}");
        let stream_frames = c.messages.iter().filter_map(|m| m.quic.as_ref()).filter(|q| q.packet_type == "1rtt").flat_map(|q| q.frames.iter()).filter(|f| *f == "STREAM").count();
        assert!(stream_frames >= 2, "{name}: ping and pong");
    }
    // The Retry: its integrity tag checks out against the client's first DCID, and the client's
    // second ClientHello (after the Retry) is the one whose secrets the key log holds.
    let a = run(&data().join("quic/v1-retry.pcap"), Some(&data().join("quic/v1-retry.keylog")));
    let c = &a.connections[0];
    let retry = c.messages.iter().position(|m| m.quic.as_ref().is_some_and(|q| q.packet_type == "retry")).unwrap();
    assert_eq!(field(c, retry, "retry integrity tag"), "verified with the client's original DCID");
    assert_eq!(c.messages.iter().filter(|m| m.name == "ClientHello").count(), 2);
    assert!(c.keylog.contains(&"CLIENT_HANDSHAKE_TRAFFIC_SECRET"));
}
