//! The bodies of the fuzz targets (fuzz/fuzz_targets/*.rs, one line each), kept here so that
//! `cargo test` replays the committed fuzz corpus through exactly the same code, natively and
//! without nightly (tests/fuzz_corpus.rs). Nothing else uses this module.

use crate::{analyze_json, Lang, Options};
use std::io::Read;

/// Any input through the whole pipeline, as a pasted or dropped input reaches it: sniffing,
/// every text dialect, pcap/pcapng, TCP/UDP, QUIC, DTLS, records, messages, extensions,
/// certificates, explanations and the JSON contract. The last byte picks the language.
pub fn analyze(data: &[u8]) {
    let lang = if data.last().is_some_and(|b| b & 1 == 1) { Lang::Zh } else { Lang::En };
    let json = analyze_json(data, &Options { lang, now: Some(1_800_000_000), ..Default::default() });
    assert!(json.starts_with('{'));
}

/// TCP reassembly, structured. The input is a list of segments, each `from_server` (1 byte: low
/// bit; the next bit puts the segment on a second connection from another client port), `seq` and `ack` relative to the side's ISN (4 bytes each, so far jumps and wraps
/// happen), `flags` (1 byte), payload length (2 bytes) and payload; the first
/// 8 bytes are the two ISNs. They are written as a pcap of IPv4 connections to port 443, then
/// explained and scanned: reordered, overlapping,
/// retransmitted, lost and out-of-window segments, SYN/FIN/RST anywhere.
pub fn tcp(data: &[u8]) {
    let pcap = tcp_pcap(data);
    let _ = crate::analyze(&pcap, &Options::default());
    let opts = crate::scan::ScanOptions { explain: Options::default(), all: true };
    let _ = crate::scan::scan(&pcap[..], &opts, |_| Ok(()), |_, _| {});
}

/// The pcap `tcp` builds from its input.
pub fn tcp_pcap(data: &[u8]) -> Vec<u8> {
    let take = |d: &mut &[u8], n: usize| -> Option<Vec<u8>> {
        if d.len() < n {
            return None;
        }
        let (a, b) = d.split_at(n);
        *d = b;
        Some(a.to_vec())
    };
    let u32_at = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    let mut d = data;
    let isn = take(&mut d, 8).unwrap_or_else(|| vec![0; 8]);
    let (client_isn, server_isn) = (u32_at(&isn[..4]), u32_at(&isn[4..]));
    let mut frames = Vec::new();
    while let Some(h) = take(&mut d, 12) {
        let from_server = h[0] & 1 == 1;
        let (seq, ack, flags) = (u32_at(&h[1..5]), u32_at(&h[5..9]), h[9]);
        let len = (u16::from_be_bytes([h[10], h[11]]) as usize).min(d.len());
        let payload = take(&mut d, len).unwrap_or_default();
        let client_port: u16 = if h[0] & 2 == 2 { 50001 } else { 50000 };
        let (sport, dport, own, peer) = if from_server { (443, client_port, server_isn, client_isn) } else { (client_port, 443, client_isn, server_isn) };
        let mut tcp = Vec::with_capacity(20 + payload.len());
        tcp.extend_from_slice(&sport.to_be_bytes());
        tcp.extend_from_slice(&dport.to_be_bytes());
        tcp.extend_from_slice(&own.wrapping_add(seq).to_be_bytes());
        tcp.extend_from_slice(&peer.wrapping_add(ack).to_be_bytes());
        tcp.extend_from_slice(&[5 << 4, flags, 0xff, 0xff, 0, 0, 0, 0]);
        tcp.extend_from_slice(&payload);
        frames.push((from_server, 6, tcp));
    }
    pcap(&frames)
}

/// A classic pcap (microseconds, Ethernet) of IPv4 packets between 127.0.0.1 (the client) and
/// 127.0.0.2 (the server), one per (from_server, IP protocol, transport header and payload).
fn pcap(frames: &[(bool, u8, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&0xa1b2c3d4u32.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&4u16.to_le_bytes());
    out.extend_from_slice(&[0; 8]);
    out.extend_from_slice(&65535u32.to_le_bytes());
    out.extend_from_slice(&1u32.to_le_bytes());
    for (i, (from_server, proto, l4)) in frames.iter().enumerate() {
        let (src, dst) = if *from_server { ([127, 0, 0, 2], [127, 0, 0, 1]) } else { ([127, 0, 0, 1], [127, 0, 0, 2]) };
        let total = (20 + l4.len()).min(65535) as u16;
        let mut frame = vec![0u8; 12];
        frame.extend_from_slice(&[0x08, 0x00, 0x45, 0, (total >> 8) as u8, total as u8, 0, 0, 0x40, 0, 64, *proto, 0, 0]);
        frame.extend_from_slice(&src);
        frame.extend_from_slice(&dst);
        frame.extend_from_slice(&l4[..l4.len().min(65535 - 20)]);
        out.extend_from_slice(&(i as u32).to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
        out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
        out.extend_from_slice(&frame);
    }
    out
}

/// Datagrams from a list of `[from_server (low bit), length (2 bytes), bytes]`, as UDP packets
/// between port 50000 and port 443.
fn datagrams(mut d: &[u8]) -> Vec<(bool, Vec<u8>)> {
    let mut out = Vec::new();
    while d.len() >= 3 {
        let from_server = d[0] & 1 == 1;
        let len = (u16::from_be_bytes([d[1], d[2]]) as usize).min(d.len() - 3).min(1500);
        out.push((from_server, d[3..3 + len].to_vec()));
        d = &d[3 + len..];
    }
    out
}

fn udp_pcap(datagrams: &[(bool, Vec<u8>)]) -> Vec<u8> {
    let frames: Vec<(bool, u8, Vec<u8>)> = datagrams
        .iter()
        .map(|(from_server, payload)| {
            let (sport, dport): (u16, u16) = if *from_server { (443, 50000) } else { (50000, 443) };
            let mut udp = Vec::with_capacity(8 + payload.len());
            udp.extend_from_slice(&sport.to_be_bytes());
            udp.extend_from_slice(&dport.to_be_bytes());
            udp.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
            udp.extend_from_slice(&[0, 0]);
            udp.extend_from_slice(payload);
            (*from_server, 17, udp)
        })
        .collect();
    pcap(&frames)
}

/// DTLS (RFC 6347, RFC 9147): datagrams of records as `datagrams` reads them, written as a UDP
/// capture and explained: record headers and epochs, fragment reassembly with retransmitted,
/// overlapping and inconsistent fragments, cookies, HelloVerifyRequest.
pub fn dtls(data: &[u8]) {
    let _ = crate::analyze(&dtls_pcap(data), &Options::default());
}

/// The pcap `dtls` builds from its input.
pub fn dtls_pcap(data: &[u8]) -> Vec<u8> {
    udp_pcap(&datagrams(data))
}

/// The pcap `quic` builds from its input.
pub fn quic_pcap(data: &[u8]) -> Vec<u8> {
    let Some((&n, rest)) = data.split_first() else { return udp_pcap(&[]) };
    let n = (n as usize % 21).min(rest.len());
    let (dcid, rest) = rest.split_at(n);
    let version = crate::crypto::quic::Version::from_number(1).expect("QUIC v1 is known");
    let secrets = crate::crypto::quic::initial_secrets(&version, dcid);
    let suite = crate::crypto::quic::INITIAL_SUITE;
    let keys = [crate::crypto::quic::packet_keys(&version, suite, &secrets.client), crate::crypto::quic::packet_keys(&version, suite, &secrets.server)];
    let packets: Vec<(bool, Vec<u8>)> = datagrams(rest).into_iter().enumerate().map(|(pn, (from_server, frames))| (from_server, initial_packet(&keys[from_server as usize], dcid, from_server, pn as u32, &frames))).collect();
    udp_pcap(&packets)
}

/// QUIC Initial packets (RFC 9000 §17.2.2, RFC 9001 §5): the first byte is the length of the
/// client's Destination Connection ID (0 to 20), then that DCID; then datagrams as `datagrams`
/// reads them, each the plaintext frames of one QUIC v1 Initial packet, which this function
/// protects with the Initial keys derived from the fuzzed DCID (packet number = its index), so
/// that the packet is opened and its CRYPTO frames are reassembled and parsed as TLS.
pub fn quic(data: &[u8]) {
    let _ = crate::analyze(&quic_pcap(data), &Options::default());
}

/// One protected Initial packet: the client's with the fuzzed DCID and an empty SCID, the
/// server's the other way round; 4-byte packet numbers.
fn initial_packet(keys: &crate::crypto::quic::PacketKeys, dcid: &[u8], from_server: bool, pn: u32, frames: &[u8]) -> Vec<u8> {
    use aes_gcm::aead::{Aead, KeyInit, Payload};
    let (d, s): (&[u8], &[u8]) = if from_server { (&[], dcid) } else { (dcid, &[]) };
    let mut header = vec![0xc3, 0, 0, 0, 1, d.len() as u8];
    header.extend_from_slice(d);
    header.push(s.len() as u8);
    header.extend_from_slice(s);
    header.push(0); // no token
    let length = 4 + frames.len() + 16;
    header.extend_from_slice(&(0x4000u16 | length as u16).to_be_bytes());
    let pn_at = header.len();
    header.extend_from_slice(&pn.to_be_bytes());
    let nonce = crate::crypto::prim::nonce(&keys.iv, u64::from(pn));
    let cipher = aes_gcm::Aes128Gcm::new_from_slice(&keys.key).expect("16-byte key");
    let sealed = cipher.encrypt((&nonce).into(), Payload { msg: frames, aad: &header }).expect("AES-GCM seals any length");
    let mut packet = header;
    packet.extend_from_slice(&sealed);
    // Header protection (RFC 9001 §5.4): the sample starts 4 bytes after the packet number's start.
    if let Some(mask) = crate::crypto::quic::hp_mask(keys, &packet[pn_at + 4..pn_at + 20]) {
        packet[0] ^= mask[0] & 0x0f;
        for i in 0..4 {
            packet[pn_at + i] ^= mask[1 + i];
        }
    }
    packet
}

/// The real key logs of tests/data: a mutated capture whose client random survives is
/// decrypted (TLS 1.3 with and without HRR and 0-RTT, TLS 1.2 ECDHE, DHE and static RSA, CBC
/// with encrypt_then_mac).
pub const KEYLOGS: &[&str] = &[
    include_str!("../tests/data/tls13.keylog"),
    include_str!("../tests/data/tls13-hrr.keylog"),
    include_str!("../tests/data/tls12-ecdhe-rsa.keylog"),
    include_str!("../tests/data/tls12-rsa.keylog"),
    include_str!("../tests/data/tls12-dhe-rsa.keylog"),
    include_str!("../tests/data/kinds/tls12-etm.keylog"),
    include_str!("../tests/data/kinds/tls13-0rtt.keylog"),
];

/// Real captures those key logs open, for fuzzing the key log text.
pub const CAPTURES: &[&[u8]] = &[
    include_bytes!("../tests/data/tls13.hex"),
    include_bytes!("../tests/data/tls13-hrr.hex"),
    include_bytes!("../tests/data/tls12-ecdhe-rsa.hex"),
    include_bytes!("../tests/data/tls12-rsa.hex"),
    include_bytes!("../tests/data/kinds/tls12-etm.pcap"),
    include_bytes!("../tests/data/kinds/tls13-0rtt.pcap"),
];

/// Key-log parsing and decryption. First byte even: the rest is a capture, decrypted with all
/// of `KEYLOGS`. Odd: the rest is key log text for one of `CAPTURES` (labels, lengths, secrets
/// that do not open the records, KeyUpdate generations).
pub fn decrypt(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else { return };
    if mode & 1 == 0 {
        let _ = crate::analyze(rest, &Options { keylog: KEYLOGS.concat(), ..Default::default() });
    } else {
        let capture = CAPTURES[(mode as usize >> 1) % CAPTURES.len()];
        let _ = crate::analyze(capture, &Options { keylog: String::from_utf8_lossy(rest).into_owned(), ..Default::default() });
    }
}

/// A reader that hands out pieces of the sizes the input chooses.
struct Pieces<'a> {
    data: &'a [u8],
    sizes: &'a [u8],
    at: usize,
}

impl Read for Pieces<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let size = match self.sizes.get(self.at % self.sizes.len().max(1)) {
            Some(&s) if s < 128 => s as usize + 1,
            Some(&s) => (s as usize) << 8,
            None => 4096,
        };
        self.at += 1;
        let n = size.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// `tls-lens scan` streaming: the first 16 bytes are read sizes (1 byte to 32 KiB, so every
/// read boundary a pipe could make is tried) and choose the queue between the two threads and
/// `--all`; the rest is the capture. Each JSON line ends in a newline.
pub fn scan(data: &[u8]) {
    let (sizes, data) = data.split_at(data.len().min(16));
    let queue = sizes.first().map_or(0, |&b| (b % 3) as usize);
    let opts = crate::scan::ScanOptions { explain: Options::default(), all: sizes.get(1).is_some_and(|b| b & 1 == 1) };
    let _ = crate::scan::scan_json_queued(Pieces { data, sizes, at: 0 }, &opts, queue, |l| {
        assert!(l.ends_with(b"\n"));
        Ok(())
    }, |_, _| {});
}

/// Certificate summaries and fields, in every role, full and lean, and the name and OID
/// helpers on the same bytes.
pub fn x509(der: &[u8]) {
    use crate::x509::{dn_string, oid_text, summarize, Role};
    for (lean, role) in [(false, Role::ServerLeaf), (true, Role::ClientLeaf), (false, Role::Issuer)] {
        let _ = summarize(der, Some(1_800_000_000), lean, role);
    }
    let _ = dn_string(der);
    let _ = oid_text(der);
}

/// `tls-lens diff`: the input split where its first byte says, both halves compared hello to
/// hello; odd first bytes in Chinese.
pub fn diff(data: &[u8]) {
    let Some((&cut, rest)) = data.split_first() else { return };
    let (a, b) = rest.split_at((cut as usize * rest.len() / 255).min(rest.len()));
    let lang = if cut & 1 == 1 { Lang::Zh } else { Lang::En };
    let _ = crate::fingerprint::diff::diff_inputs(("a", a, 0), ("b", b, 0), &Options { lang, ..Default::default() });
}
