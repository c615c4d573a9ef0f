//! `tls-lens export --pcapng` (issue 21, part 4) against tshark: the capture it writes holds the
//! same handshake messages, in the same directions, as tshark reads from the original capture of
//! the same connection, and tshark decrypts it from its Decryption Secrets Block alone.
//! tshark runs here (make setup-test installs it); nothing below is a recorded value.

use std::path::{Path, PathBuf};
use std::process::Command;

fn data(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(p)
}

/// Write `input` (with `keylog`) as pcapng with the CLI, into the test's scratch directory.
fn export(input: &str, keylog: Option<&str>, name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("export");
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join(name);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tls-lens"));
    cmd.arg("export").arg(data(input)).arg("-o").arg(&out);
    if let Some(k) = keylog {
        cmd.arg("--keylog").arg(data(k));
    }
    let st = cmd.status().unwrap();
    assert!(st.success(), "tls-lens export {input} failed");
    out
}

/// tshark's handshake messages in a capture, in order: ('C' or 'S', handshake type), the side
/// told by the source port of the packet (the client's is the port that sent type 1).
fn messages(file: &Path, keylog: Option<&str>, tls: &str) -> Vec<(char, u32)> {
    let mut cmd = Command::new("tshark");
    cmd.arg("-r").arg(file).args(["-o", "tls.keylog_file:"]);
    if let Some(k) = keylog {
        cmd.args(["-o", &format!("tls.keylog_file:{}", data(k).display())]);
    }
    cmd.args(["-T", "fields", "-e", "tcp.srcport", "-e", "udp.srcport", "-e", &format!("{tls}.handshake.type")]);
    let out = cmd.output().expect("tshark runs (make setup-test installs it)");
    assert!(out.status.success(), "tshark: {}", String::from_utf8_lossy(&out.stderr));
    let rows: Vec<(String, Vec<u32>)> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let port = format!("{}{}", f.first().unwrap_or(&""), f.get(1).unwrap_or(&""));
            let types = f.get(2).unwrap_or(&"").split(',').filter_map(|t| t.parse().ok()).collect();
            (port, types)
        })
        .collect();
    let client = rows.iter().find(|r| r.1.contains(&1)).map(|r| r.0.clone()).expect("a ClientHello");
    rows.iter().flat_map(|(port, types)| types.iter().map(|&t| (if *port == client { 'C' } else { 'S' }, t))).collect()
}

/// A pasted TLS 1.3 handshake (C:/S: hex) with its key log: the same messages as tshark reads
/// from the capture it was taken from, the encrypted ones (8, 11, 15, 20) included, decrypted by
/// tshark from the block the export wrote, with no key log given to tshark.
#[test]
fn pasted_tls13_hex_opens_and_decrypts_in_tshark() {
    let out = export("tls13.hex", Some("tls13.keylog"), "tls13.pcapng");
    let ours = messages(&out, None, "tls");
    let theirs = messages(&data("tls13.pcap"), Some("tls13.keylog"), "tls");
    // The original capture goes on after the handshake (NewSessionTicket, type 4); the pasted
    // hex ends with the client's Finished.
    let handshake: Vec<(char, u32)> = theirs.into_iter().take_while(|m| *m != ('S', 4)).collect();
    assert_eq!(ours, handshake);
    assert_eq!(ours, vec![('C', 1), ('S', 2), ('S', 8), ('S', 11), ('S', 15), ('S', 20), ('C', 20)]);
    // Without the key log the capture has no secrets block: tshark sees only the plaintext.
    let plain = export("tls13.hex", None, "tls13-nokeys.pcapng");
    assert_eq!(messages(&plain, None, "tls"), vec![('C', 1), ('S', 2)]);
}

/// Hex without direction marks (the page's default sample): the directions the record walk
/// inferred are the ones tshark finds in the original capture.
#[test]
fn unmarked_hex_gets_the_inferred_directions() {
    let out = export("tls12-ecdhe-rsa.sample.hex", None, "tls12.pcapng");
    assert_eq!(messages(&out, None, "tls"), messages(&data("tls12-ecdhe-rsa.pcap"), None, "tls"));
}

/// QUIC (UDP datagrams as captured, coalesced packets kept together) and DTLS 1.2.
#[test]
fn quic_and_dtls_are_written_as_their_datagrams() {
    let out = export("quic/v1-aes128.pcap", Some("quic/v1-aes128.keylog"), "quic.pcapng");
    let ours = messages(&out, None, "tls");
    assert_eq!(ours, messages(&data("quic/v1-aes128.pcap"), Some("quic/v1-aes128.keylog"), "tls"));
    assert!(ours.contains(&('S', 11)), "the QUIC handshake decrypted from the secrets block: {ours:?}");
    let out = export("corpus/arkime/pcap/wireshark-dtls12.pcap", None, "dtls.pcapng");
    assert_eq!(messages(&out, None, "dtls"), messages(&data("corpus/arkime/pcap/wireshark-dtls12.pcap"), None, "dtls"));
}

/// The capture reads back into the same analysis: TLS Lens's own reader finds the same steps.
#[test]
fn the_capture_reads_back_into_the_same_steps() {
    use tls_lens::{analyze, Options};
    let out = export("tls12-ecdhe-rsa.sample.hex", None, "again.pcapng");
    let names = |b: &[u8]| analyze(b, &Options::default()).connections[0].messages.iter().map(|m| (m.dir, m.name.clone())).collect::<Vec<_>>();
    let back = analyze(&std::fs::read(&out).unwrap(), &Options::default());
    assert_eq!(back.input.kind, "pcapng");
    assert_eq!(names(&std::fs::read(&out).unwrap()), names(&std::fs::read(data("tls12-ecdhe-rsa.sample.hex")).unwrap()));
}

/// The key log lines in a pcapng's Decryption Secrets Block (type 0x0000000a, secrets type
/// "TLSK"), read by walking the blocks.
fn secrets(file: &Path) -> Vec<String> {
    let b = std::fs::read(file).unwrap();
    let u32le = |at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap()) as usize;
    let mut at = 0;
    let mut out = Vec::new();
    while at + 12 <= b.len() {
        let (kind, len) = (u32le(at), u32le(at + 4));
        if kind == 0x0a {
            assert_eq!(u32le(at + 8), 0x544c_534b);
            let n = u32le(at + 12);
            out.extend(String::from_utf8(b[at + 16..at + 16 + n].to_vec()).unwrap().lines().map(String::from));
        }
        at += len;
    }
    out
}

/// Sharing one connection shares no other's secrets: `--conn 1` of a capture with two
/// connections and a key log for both writes the second connection's lines only (tshark still
/// decrypts it from them).
#[test]
fn one_connection_carries_its_own_secrets_only() {
    let all = export("kinds/tls13-psk-dhe.pcap", Some("kinds/tls13-psk-dhe.keylog"), "both.pcapng");
    let randoms = |lines: &[String]| lines.iter().filter_map(|l| l.split(' ').nth(1).map(String::from)).collect::<std::collections::BTreeSet<_>>();
    assert_eq!(randoms(&secrets(&all)).len(), 2);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("export");
    let one = dir.join("one.pcapng");
    let st = Command::new(env!("CARGO_BIN_EXE_tls-lens"))
        .args(["export", "--conn", "1", "--keylog"])
        .arg(data("kinds/tls13-psk-dhe.keylog"))
        .arg(data("kinds/tls13-psk-dhe.pcap"))
        .arg("-o")
        .arg(&one)
        .status()
        .unwrap();
    assert!(st.success());
    let lines = secrets(&one);
    assert_eq!(randoms(&lines).len(), 1, "{lines:?}");
    assert_eq!(lines.len(), 5);
    assert!(messages(&one, None, "tls").contains(&('S', 20)), "the second connection decrypts from its own secrets");
}
