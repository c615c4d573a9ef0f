//! `tls-lens scan`: the streaming path must agree with `explain` (the in-memory path) on every
//! capture, number connections as Wireshark's tcp.stream (tests/data/tcp-streams.tsv, written
//! by tshark), survive any read size, and hold a bounded amount of memory however long the
//! capture is.

mod common;

use std::collections::BTreeSet;
use std::io::Read;
use std::path::PathBuf;

use tls_lens::scan::{scan, ScanLine, ScanOptions, ScanStats};
use common::data;
use tls_lens::{analyze, Options};

fn captures() -> Vec<PathBuf> {
    let v = common::data_files(&["pcap", "pcapng"]);
    assert!(v.len() > 40, "expected the test captures, found {}", v.len());
    v
}

fn opts(all: bool) -> ScanOptions {
    ScanOptions { explain: Options::default(), all }
}

fn run_scan(r: impl Read, all: bool) -> (Vec<ScanLine>, ScanStats) {
    let mut lines = Vec::new();
    let stats = scan(
        r,
        &opts(all),
        |l| {
            lines.push(l.clone());
            Ok(())
        },
        |_, _| {},
    )
    .unwrap();
    (lines, stats)
}

type Key = (usize, Option<String>, Option<u16>, Option<tls_lens::code::CipherSuite>, Option<String>, Option<String>, Option<String>, Vec<String>);

fn scan_keys(lines: &[ScanLine]) -> BTreeSet<Key> {
    lines
        .iter()
        .filter(|l| l.tls)
        .map(|l| {
            let s = l.summary.as_ref().unwrap();
            (l.stream, s.sni.clone(), s.version, s.cipher_suite, s.alpn.clone(), s.ja3.clone(), s.ja3s.clone(), l.messages.clone())
        })
        .collect()
}

#[test]
fn scan_agrees_with_explain_on_every_capture() {
    for path in captures() {
        let bytes = std::fs::read(&path).unwrap();
        let a = analyze(&bytes, &Options::default());
        let want: BTreeSet<Key> = a
            .connections
            .iter()
            .map(|c| {
                let s = &c.summary;
                let names = c.messages.iter().map(|m| m.name.clone()).collect();
                (c.tcp_stream.or(c.udp_stream).unwrap(), s.sni.clone(), s.version, s.cipher_suite, s.alpn.clone(), s.ja3.clone(), s.ja3s.clone(), names)
            })
            .collect();
        let (lines, stats) = run_scan(&bytes[..], true);
        // Messages: scan stops storing after the handshake, so it may list fewer at the end.
        let got = scan_keys(&lines);
        assert_eq!(got.len(), want.len(), "{}: connections", path.display());
        for (g, w) in got.iter().zip(&want) {
            assert_eq!((&g.0, &g.1, &g.2, &g.3, &g.4, &g.5, &g.6), (&w.0, &w.1, &w.2, &w.3, &w.4, &w.5, &w.6), "{}", path.display());
            assert!(w.7.starts_with(&g.7) || g.7.len() >= 10, "{}: scan messages {:?} vs {:?}", path.display(), g.7, w.7);
        }
        // Facts read without field trees (scan's lean parse) match the full parse: the
        // certificates, and no "truncated record" where scan stopped storing but the
        // connection went on.
        for c in &a.connections {
            let stream = c.tcp_stream.or(c.udp_stream).unwrap();
            let Some(l) = lines.iter().find(|l| l.tls && l.stream == stream && (l.transport == "udp") == c.tcp_stream.is_none()) else {
                panic!("{}: stream {stream} not scanned", path.display());
            };
            let certs: Vec<(&str, &str, &[String])> = c.certificates.iter().map(|k| (k.subject.as_str(), k.issuer.as_str(), k.san.as_slice())).collect();
            let scanned: Vec<(&str, &str, &[String])> = l.certificates.iter().map(|k| (k.subject.as_str(), k.issuer.as_str(), k.san.as_slice())).collect();
            assert_eq!(scanned, certs, "{}: stream {stream} certificates", path.display());
            let truncated = |m: &str| m.starts_with("truncated record");
            let explained = a.diagnostics.iter().filter(|d| d.connection == Some(c.id) && truncated(&d.message)).count();
            let reported = l.diagnostics.iter().filter(|d| truncated(&d.message)).count();
            assert!(reported <= explained, "{}: stream {stream}: scan reports {reported} truncated record(s), explain {explained}", path.display());
        }
        // Every flow is listed once, TLS or not.
        let flows: BTreeSet<(&str, usize)> = lines.iter().map(|l| (l.transport, l.stream)).collect();
        assert_eq!(flows.len(), lines.len(), "{}: a flow listed twice", path.display());
        assert_eq!(lines.len(), a.connections.len() + a.other_flows.len(), "{}", path.display());
        assert_eq!(stats.bytes_read, bytes.len() as u64);
    }
}

#[test]
fn connections_are_numbered_as_wiresharks_tcp_stream() {
    let tsv = std::fs::read_to_string(data().join("tcp-streams.tsv")).unwrap();
    let mut checked = 0;
    for line in tsv.lines().filter(|l| !l.starts_with('#')) {
        let f: Vec<&str> = line.split('\t').collect();
        let (file, stream, sni) = (f[0], f[1].parse::<usize>().unwrap(), f.get(2).filter(|s| !s.is_empty()).map(|s| s.to_string()));
        let bytes = std::fs::read(data().join(file)).unwrap();
        let a = analyze(&bytes, &Options::default());
        let found = a.connections.iter().any(|c| c.tcp_stream == Some(stream) && c.summary.sni == sni);
        assert!(found, "{file}: tshark's tcp.stream {stream} with SNI {sni:?} not among {:?}", a.connections.iter().map(|c| (c.tcp_stream, c.summary.sni.clone())).collect::<Vec<_>>());
        let (lines, _) = run_scan(&bytes[..], false);
        assert!(lines.iter().any(|l| l.stream == stream && l.summary.as_ref().unwrap().sni == sni), "{file}: scan lacks stream {stream}");
        checked += 1;
    }
    assert!(checked > 100, "{checked}");
}

/// A reader that hands out a few bytes at a time, to exercise every buffer refill path.
struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
    n: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.n += 1;
        let k = (1 + (self.n * self.step) % 13).min(buf.len()).min(self.data.len());
        buf[..k].copy_from_slice(&self.data[..k]);
        self.data = &self.data[k..];
        Ok(k)
    }
}

#[test]
fn any_read_size_gives_the_same_lines() {
    for name in ["tls12-ecdhe-rsa.pcap", "mtu1280/gnutls-tls12.pcap", "corpus/ja4/pcap/tls-sni.pcapng", "corpus/arkime/pcap/arkime_synthetic.pcap"] {
        let bytes = std::fs::read(data().join(name)).unwrap();
        let (whole, _) = run_scan(&bytes[..], true);
        let (trickled, stats) = run_scan(Trickle { data: &bytes, step: 7, n: 0 }, true);
        let j = |v: &[ScanLine]| v.iter().map(|l| serde_json::to_string(l).unwrap()).collect::<Vec<_>>();
        assert_eq!(j(&whole), j(&trickled), "{name}");
        assert_eq!(stats.bytes_read, bytes.len() as u64);
    }
}

#[test]
fn a_truncated_capture_keeps_what_came_before_and_names_the_offset() {
    let bytes = std::fs::read(data().join("mtu1280/gnutls-tls12.pcap")).unwrap();
    let cut = bytes.len() - 100;
    let (lines, stats) = run_scan(&bytes[..cut], false);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].summary.as_ref().unwrap().sni.as_deref(), Some("tls-lens.example"));
    let e = stats.diagnostics.iter().find(|d| d.message.contains("pcap record at file offset")).expect("a diagnostic");
    assert!(e.offset < cut && e.offset > cut - 2000, "{}", e.offset);
}

// ---- a long synthetic capture: memory stays flat --------------------------------------------

fn tcp_packet(client: bool, port: u16, seq: u32, flags: u8, payload: &[u8]) -> Vec<u8> {
    let (src, dst, sport, dport) = if client { (1u8, 2u8, port, 443u16) } else { (2, 1, 443, port) };
    let total = 40 + payload.len();
    let mut p = vec![0x45, 0, (total >> 8) as u8, total as u8, 0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, src, 10, 0, 0, dst];
    p.extend_from_slice(&sport.to_be_bytes());
    p.extend_from_slice(&dport.to_be_bytes());
    p.extend_from_slice(&seq.to_be_bytes());
    p.extend_from_slice(&[0, 0, 0, 0, 0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
    p.extend_from_slice(payload);
    p
}

fn pcap(packets: &[Vec<u8>]) -> Vec<u8> {
    // Classic pcap, little-endian, link type 101 (raw IP).
    let mut f = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 101, 0, 0, 0];
    for p in packets {
        f.extend_from_slice(&[0; 8]);
        f.extend_from_slice(&(p.len() as u32).to_le_bytes());
        f.extend_from_slice(&(p.len() as u32).to_le_bytes());
        f.extend_from_slice(p);
    }
    f
}

/// The first records of our own TLS 1.2 capture, per direction (client hello; server flight).
fn handshake_records() -> (Vec<u8>, Vec<u8>) {
    let a = analyze(&std::fs::read(data().join("tls12-ecdhe-rsa.pcap")).unwrap(), &Options::default());
    let c = &a.connections[0];
    let bytes: Vec<u8> = (0..c.stream.hex.len() / 2).map(|i| u8::from_str_radix(&c.stream.hex[2 * i..2 * i + 2], 16).unwrap()).collect();
    let mut out = (Vec::new(), Vec::new());
    for r in c.records.iter().filter(|r| r.content_type == tls_lens::code::ct::HANDSHAKE && !r.encrypted).take(5) {
        let b = &bytes[r.span.offset..r.span.offset + r.span.len];
        if r.dir == Some(tls_lens::model::Dir::C2S) { &mut out.0 } else { &mut out.1 }.extend_from_slice(b);
    }
    out
}

/// `n` connections one after the other, each a real handshake then `app` bytes of
/// application data records each way, closed with FIN.
fn long_capture(n: u16, app: usize) -> Vec<u8> {
    let (ch, sf) = handshake_records();
    let record = |len: usize| {
        let mut r = vec![23, 3, 3, (len >> 8) as u8, len as u8];
        r.extend(std::iter::repeat_n(0xa5, len));
        r
    };
    let mut pkts = Vec::new();
    for i in 0..n {
        let port = 20000 + i;
        let (mut cs, mut ss) = (1000u32, 5000u32);
        pkts.push(tcp_packet(true, port, cs - 1, 0x02, b""));
        pkts.push(tcp_packet(false, port, ss - 1, 0x12, b""));
        pkts.push(tcp_packet(true, port, cs, 0x18, &ch));
        cs += ch.len() as u32;
        pkts.push(tcp_packet(false, port, ss, 0x18, &sf));
        ss += sf.len() as u32;
        let mut sent = 0;
        while sent < app {
            let r = record(16000.min(app - sent));
            sent += r.len() - 5;
            for seg in r.chunks(1400) {
                pkts.push(tcp_packet(true, port, cs, 0x18, seg));
                cs += seg.len() as u32;
            }
            for seg in r.chunks(1400) {
                pkts.push(tcp_packet(false, port, ss, 0x18, seg));
                ss += seg.len() as u32;
            }
        }
        pkts.push(tcp_packet(true, port, cs, 0x11, b""));
        pkts.push(tcp_packet(false, port, ss, 0x11, b""));
    }
    pcap(&pkts)
}

#[test]
fn memory_stays_flat_as_the_capture_grows() {
    let small = long_capture(20, 200_000);
    let large = long_capture(80, 200_000);
    let (l1, s1) = run_scan(&small[..], false);
    let (l2, s2) = run_scan(&large[..], false);
    assert_eq!((l1.len(), l2.len()), (20, 80));
    let line = &l2[79];
    assert_eq!(line.summary.as_ref().unwrap().sni.as_deref(), Some("tls-lens.example"));
    assert!(line.closed);
    let rec = line.records.as_ref().unwrap();
    assert_eq!(rec.c2s.application_data, 13, "200,000 bytes in 16,000-byte records");
    assert_eq!(rec.c2s.application_data_bytes, 200_000);
    assert_eq!(rec.s2c.application_data_bytes, 200_000);
    // The reassembler holds at most one connection's handshake prefix at a time here, and
    // the same amount for a capture four times as long.
    assert!(s2.peak_held <= 2 * tls_lens::scan::STORE_LIMIT, "{}", s2.peak_held);
    assert!(s2.peak_held <= s1.peak_held + 4096, "{} vs {}", s2.peak_held, s1.peak_held);
    // `explain` on the same capture sees the same connections.
    let a = analyze(&large, &Options::default());
    assert_eq!(a.connections.len(), 80);
}

/// `n` connections open at once: all handshakes, then a record each way on each, then all
/// the FINs one after the other (so connections end while others are being summarised).
fn interleaved_capture(n: u16) -> Vec<u8> {
    let (ch, sf) = handshake_records();
    let app = [23u8, 3, 3, 0, 4, 1, 2, 3, 4];
    let (mut cs, mut ss) = (vec![1000u32; n as usize], vec![5000u32; n as usize]);
    let mut pkts = Vec::new();
    for i in 0..n {
        pkts.push(tcp_packet(true, 20000 + i, 999, 0x02, b""));
        pkts.push(tcp_packet(false, 20000 + i, 4999, 0x12, b""));
    }
    for (round, (c, s)) in [(&ch[..], &sf[..]), (&app[..], &app[..])].into_iter().enumerate() {
        for i in 0..n as usize {
            let port = 20000 + i as u16;
            // The last connection stops before its first application data: it ends unfinished.
            if round == 1 && i + 1 == n as usize {
                continue;
            }
            pkts.push(tcp_packet(true, port, cs[i], 0x18, c));
            cs[i] += c.len() as u32;
            pkts.push(tcp_packet(false, port, ss[i], 0x18, s));
            ss[i] += s.len() as u32;
        }
    }
    for i in 0..n as usize {
        pkts.push(tcp_packet(true, 20000 + i as u16, cs[i], 0x11, b""));
        pkts.push(tcp_packet(false, 20000 + i as u16, ss[i], 0x11, b""));
    }
    pcap(&pkts)
}

/// The reading thread summarises handshakes itself while the other thread is busy (queue 0:
/// on many connections); lines still come out complete and in the order connections ended,
/// as with everything done on the other thread (a queue longer than the capture).
#[test]
fn shared_work_gives_the_same_lines_in_the_same_order() {
    let bytes = interleaved_capture(200);
    let run = |queue: usize| {
        let mut lines = Vec::new();
        tls_lens::scan::scan_queued(&bytes[..], &opts(true), queue, |l| Ok(lines.push(serde_json::to_string(l).unwrap())), |_, _| ()).unwrap();
        lines
    };
    let reference = run(1 << 16);
    assert_eq!(reference.len(), 200);
    for _ in 0..10 {
        assert_eq!(run(0), reference);
    }
}

/// Scan keeps a connection's bytes up to the end of its handshake, the Finished of each side
/// (RFC 5246 §7.3, RFC 8446 §2), and no further: its messages are `explain`'s up to the last
/// Finished. With the key logs every Finished is decrypted and named. Among them: AEAD records
/// whose explicit nonce is zero (tls12-ccm8, tls12-dhe-ccm, GnuTLS), and the client's
/// ChangeCipherSpec before its second ClientHello (tls13-hrr, RFC 8446 §D.4), which must not be
/// taken for a TLS 1.2 side's encrypted Finished.
#[test]
fn scan_keeps_each_handshake_up_to_its_last_finished() {
    let mut names: Vec<String> = ["tls12-rsa", "tls12-ecdhe-rsa", "tls12-dhe-rsa", "tls12-ccm8", "tls12-dhe-ccm", "tls13", "tls13-hrr", "tls13-chacha", "tls13-ccm"]
        .iter()
        .map(|n| n.to_string())
        .collect();
    names.extend(["gnutls-tls12", "gnutls-tls13", "openssl-tls12-mtu", "python-tls12", "python-tls13"].iter().map(|n| format!("mtu1280/{n}")));
    for name in names {
        let bytes = std::fs::read(data().join(format!("{name}.pcap"))).unwrap();
        let keylog = std::fs::read_to_string(data().join(format!("{name}.keylog"))).unwrap();
        let explain = Options { keylog: keylog.clone(), ..Options::default() };
        let a = analyze(&bytes, &explain);
        let want: Vec<String> = a.connections[0].messages.iter().map(|m| m.name.clone()).collect();
        let last = want.iter().rposition(|n| n == "Finished").unwrap();
        assert!(want.iter().filter(|n| *n == "Finished").count() >= 2, "{name}: {want:?}");
        let mut lines = Vec::new();
        scan(&bytes[..], &ScanOptions { explain, all: false }, |l| Ok(lines.push(l.clone())), |_, _| {}).unwrap();
        assert_eq!(lines.len(), 1, "{name}");
        assert_eq!(lines[0].messages, want[..=last], "{name}: explain lists {want:?}");
        assert!(want.len() > last + 1, "{name}: the capture goes on after the handshake");
    }
}

/// `scan_json` (what the CLI prints) is `scan`'s lines as JSON, one per line, in the same
/// order, for every capture, though its lines are serialized on whichever thread finished them
/// (with no queue between the threads, both do).
#[test]
fn scan_json_prints_the_lines_scan_gives() {
    for path in captures() {
        let bytes = std::fs::read(&path).unwrap();
        let (lines, stats) = run_scan(&bytes[..], true);
        let want: String = lines.iter().map(|l| serde_json::to_string(l).unwrap() + "\n").collect();
        let mut got = Vec::new();
        let s2 = tls_lens::scan::scan_json(&bytes[..], &opts(true), |b| Ok(got.extend_from_slice(b)), |_, _| {}).unwrap();
        assert_eq!(String::from_utf8(got).unwrap(), want, "{}", path.display());
        assert_eq!((s2.tls_connections, s2.other_flows), (stats.tls_connections, stats.other_flows), "{}", path.display());
        // With no queue the reading thread summarises, and serializes, most lines itself.
        let mut shared = Vec::new();
        tls_lens::scan::scan_json_queued(&bytes[..], &opts(true), 0, |b| Ok(shared.extend_from_slice(b)), |_, _| {}).unwrap();
        assert_eq!(String::from_utf8(shared).unwrap(), want, "{} (queue 0)", path.display());
    }
}

/// A slice of a busy tap: 6,000 connections that send a ClientHello and never close. More than
/// `MAX_LIVE` are open at once, so the least recently active are summarised early and said to
/// be (fuzz/README.md, limits); every connection still gets its line, with its ClientHello.
#[test]
fn connections_that_never_close_are_let_go_and_reported() {
    let (ch, _) = handshake_records();
    let mut packets = Vec::new();
    for k in 0..6_000u16 {
        let port = 10_000 + k;
        packets.push(tcp_packet(true, port, 1_000, 0x02, b""));
        packets.push(tcp_packet(true, port, 1_001, 0x18, &ch));
    }
    let (lines, stats) = run_scan(&pcap(&packets)[..], false);
    assert_eq!(lines.len(), 6_000);
    assert_eq!(lines.iter().map(|l| l.stream).collect::<BTreeSet<_>>().len(), 6_000);
    assert!(lines.iter().all(|l| l.tls && !l.closed && l.summary.as_ref().is_some_and(|s| !s.cipher_suites_offered.is_empty())));
    assert!(stats.evicted >= (6_000 - tls_lens::scan::MAX_LIVE) as u64, "{}", stats.evicted);
    assert!(stats.diagnostics.iter().any(|d| d.is("scan.evicted")));
    assert!(stats.peak_held <= tls_lens::scan::MAX_HELD);
}

/// The same for UDP: 6,000 flows of one QUIC-looking datagram each (a long header, version 1,
/// whose protection cannot be removed), more than `MAX_LIVE` at once: the least recently active
/// are summarised early, every flow still gets one line with its own `udp.stream` number, and
/// the eviction is reported.
#[test]
fn udp_flows_past_the_limit_are_let_go_and_reported() {
    let mut packets = Vec::new();
    for k in 0..6_000u16 {
        let mut datagram = vec![0xc3, 0, 0, 0, 1, 8, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0x44, 0xb0];
        datagram.resize(1_200, 0x5a);
        let total = 28 + datagram.len();
        let mut p = vec![0x45, 0, (total >> 8) as u8, total as u8, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2];
        p.extend_from_slice(&(20_000 + k).to_be_bytes());
        p.extend_from_slice(&443u16.to_be_bytes());
        p.extend_from_slice(&((8 + datagram.len()) as u16).to_be_bytes());
        p.extend_from_slice(&[0, 0]);
        p.extend_from_slice(&datagram);
        packets.push(p);
    }
    let (lines, stats) = run_scan(&pcap(&packets)[..], true);
    assert_eq!(lines.len(), 6_000);
    assert_eq!(lines.iter().map(|l| l.stream).collect::<BTreeSet<_>>(), (0..6_000).collect::<BTreeSet<_>>());
    assert!(stats.evicted >= (6_000 - tls_lens::scan::MAX_LIVE) as u64, "{}", stats.evicted);
    assert!(stats.diagnostics.iter().any(|d| d.is("scan.evicted")));
}
