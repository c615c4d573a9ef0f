//! The fuzz campaigns' minimised corpus (fuzz/corpus/<target>/, committed) and every input
//! that once crashed or hung a target (fuzz/regressions/<target>/, named after what it was),
//! replayed through the targets' own bodies (src/harness.rs), natively and without nightly. A
//! panic fails the test with the file's name; a replay slower than the campaigns' 10-second
//! timeout is reported the same way.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const TARGETS: &[(&str, fn(&[u8]))] = &[
    ("analyze", tls_lens::harness::analyze),
    ("tcp", tls_lens::harness::tcp),
    ("decrypt", tls_lens::harness::decrypt),
    ("scan", tls_lens::harness::scan),
    ("x509", tls_lens::harness::x509),
    ("diff", tls_lens::harness::diff),
    ("quic", tls_lens::harness::quic),
    ("dtls", tls_lens::harness::dtls),
];

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir).map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_file()).collect()).unwrap_or_default();
    v.sort();
    v
}

fn replay(kind: &str) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz").join(kind);
    let mut n = 0;
    for (target, body) in TARGETS {
        for f in files(&root.join(target)) {
            let data = std::fs::read(&f).unwrap();
            let start = Instant::now();
            if std::panic::catch_unwind(|| body(&data)).is_err() {
                panic!("{target}: {} panics", f.display());
            }
            // Generous against the campaigns' 10 s: this machine is shared and debug builds are slow.
            assert!(start.elapsed() < Duration::from_secs(60), "{target}: {} took {:?}", f.display(), start.elapsed());
            n += 1;
        }
    }
    n
}

#[test]
fn the_fuzz_corpus_replays_without_a_panic() {
    let n = replay("corpus");
    assert!(n >= 100, "only {n} corpus inputs: is fuzz/corpus committed?");
}

#[test]
fn inputs_that_once_crashed_a_target_no_longer_do() {
    replay("regressions");
}

/// The structured TCP target builds a pcap that the pipeline reads as the capture it came
/// from: tests/data/tls13.pcap's segments give the same handshake (the target can reach deep).
#[test]
fn the_tcp_target_rebuilds_a_real_connection() {
    let seed = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tls13.pcap")).unwrap();
    let segments = segments_of(&seed);
    let pcap = tls_lens::harness::tcp_pcap(&segments);
    let a = tls_lens::analyze(&pcap, &tls_lens::Options::default());
    let b = tls_lens::analyze(&seed, &tls_lens::Options::default());
    let names = |a: &tls_lens::Analysis| a.connections.iter().flat_map(|c| c.messages.iter().map(|m| m.name.clone())).collect::<Vec<_>>();
    assert!(!names(&b).is_empty());
    assert_eq!(names(&a), names(&b));
}

/// A classic Ethernet/IPv4 pcap's TCP segments in the tcp target's format (as
/// fuzz/make-seeds.py writes them).
fn segments_of(pcap: &[u8]) -> Vec<u8> {
    let u16be = |b: &[u8]| u16::from_be_bytes([b[0], b[1]]);
    let u32be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    let mut at = 24;
    let mut isn: [Option<u32>; 2] = [None, None];
    let mut segs = Vec::new();
    while at + 16 <= pcap.len() {
        let incl = u32::from_le_bytes([pcap[at + 8], pcap[at + 9], pcap[at + 10], pcap[at + 11]]) as usize;
        let frame = &pcap[at + 16..at + 16 + incl];
        at += 16 + incl;
        let ip = &frame[14..];
        if ip[9] != 6 {
            continue;
        }
        let ihl = (ip[0] & 15) as usize * 4;
        let tcp = &ip[ihl..u16be(&ip[2..4]) as usize];
        let (sport, dport, seq, ack) = (u16be(&tcp[0..2]), u16be(&tcp[2..4]), u32be(&tcp[4..8]), u32be(&tcp[8..12]));
        let server = usize::from(sport < dport);
        isn[server].get_or_insert(seq);
        if ack != 0 {
            isn[1 - server].get_or_insert(ack);
        }
        let payload = &tcp[(tcp[12] >> 4) as usize * 4..];
        segs.push((server, seq.wrapping_sub(isn[server].unwrap_or(0)), ack.wrapping_sub(isn[1 - server].unwrap_or(0)), tcp[13], payload.to_vec()));
    }
    let mut out = Vec::new();
    out.extend_from_slice(&isn[0].unwrap_or(0).to_be_bytes());
    out.extend_from_slice(&isn[1].unwrap_or(0).to_be_bytes());
    for (server, seq, ack, flags, payload) in segs {
        out.push(server as u8);
        out.extend_from_slice(&seq.to_be_bytes());
        out.extend_from_slice(&ack.to_be_bytes());
        out.push(flags);
        out.extend_from_slice(&(payload.len() as u16).to_be_bytes());
        out.extend_from_slice(&payload);
    }
    out
}

/// The quic target seals what it is given so that the pipeline can open it: a real ClientHello
/// (tests/data/tls13.hex, OpenSSL's, SNI tls-lens.example) in a CRYPTO frame of a client
/// Initial packet comes out as that ClientHello. Were the sealing wrong, the packet would stay
/// shut and the target would fuzz nothing past the header.
#[test]
fn the_quic_target_seals_initial_packets_the_pipeline_opens() {
    let hello = &common::tls13_client_hello();
    let mut frames = vec![0x06, 0x00, 0x40 | (hello.len() >> 8) as u8, hello.len() as u8];
    frames.extend_from_slice(hello);
    frames.extend_from_slice(&[0; 64]);
    let mut data = vec![8, 0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08, 0];
    data.extend_from_slice(&(frames.len() as u16).to_be_bytes());
    data.extend_from_slice(&frames);
    let a = tls_lens::analyze(&tls_lens::harness::quic_pcap(&data), &tls_lens::Options::default());
    let c = a.connections.first().expect("a QUIC connection");
    assert!(c.messages.iter().any(|m| m.name == "ClientHello"), "{:?}", c.messages.iter().map(|m| &m.name).collect::<Vec<_>>());
    assert_eq!(c.summary.sni.as_deref(), Some("tls-lens.example"));
}

/// The dtls target's datagrams, taken from a real DTLS 1.2 capture (Wireshark's sample, via
/// Arkime's tests), give the same handshake messages as the capture itself.
#[test]
fn the_dtls_target_rebuilds_a_real_dtls_handshake() {
    let pcap = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/corpus/arkime/pcap/wireshark-dtls12.pcap")).unwrap();
    let (u16be, u32le) = (|b: &[u8]| u16::from_be_bytes([b[0], b[1]]), |b: &[u8]| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    assert_eq!(u32le(&pcap[20..24]), 1, "Ethernet");
    let (mut at, mut data, mut client_port) = (24, Vec::new(), None);
    while at + 16 <= pcap.len() {
        let incl = u32le(&pcap[at + 8..at + 12]) as usize;
        let frame = &pcap[at + 16..at + 16 + incl];
        at += 16 + incl;
        // IPv4 or (this capture) IPv6 without extension headers.
        let ip = &frame[14..];
        let udp = match ip[0] >> 4 {
            4 if ip[9] == 17 => &ip[(ip[0] & 15) as usize * 4..],
            6 if ip[6] == 17 => &ip[40..],
            _ => continue,
        };
        let sport = u16be(&udp[0..2]);
        let payload = &udp[8..u16be(&udp[4..6]) as usize];
        let from_server = *client_port.get_or_insert(sport) != sport;
        data.push(from_server as u8);
        data.extend_from_slice(&(payload.len() as u16).to_be_bytes());
        data.extend_from_slice(payload);
    }
    let names = |a: &tls_lens::Analysis| a.connections.iter().flat_map(|c| c.messages.iter().map(|m| m.name.clone())).collect::<Vec<_>>();
    let original = names(&tls_lens::analyze(&pcap, &tls_lens::Options::default()));
    let rebuilt = names(&tls_lens::analyze(&tls_lens::harness::dtls_pcap(&data), &tls_lens::Options::default()));
    assert!(original.iter().any(|n| n == "ClientHello"), "{original:?}");
    assert_eq!(rebuilt, original);
}
