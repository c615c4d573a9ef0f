//! The CLI's text report in both languages: its head line, a connection's line and the QUIC line
//! are written from the language's texts, not from English words in the code. Expected values:
//! the files' sizes, and tshark 4.0's reading of the same captures (`udp.stream`; the QUIC packet
//! types, `quic.long.packet_type` 0 = Initial, 2 = Handshake, and `quic.short` for 1-RTT).

use std::process::Command;

fn explain(lang: &str, file: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_tls-lens")).args(["explain", "--lang", lang, file]).output().unwrap();
    assert!(out.status.success(), "{file}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn line<'a>(text: &'a str, start: &str) -> &'a str {
    text.lines().find(|l| l.trim_start().starts_with(start)).unwrap_or_else(|| panic!("no line starting with {start:?} in:\n{text}"))
}

#[test]
fn dtls_connection_line_names_its_udp_stream_in_both_languages() {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/dtls12.pcap");
    // tshark -r tests/data/dtls12.pcap -Y dtls -T fields -e udp.stream: 0 for every record.
    let en = explain("en", file);
    assert_eq!(line(&en, "TLS Lens"), "TLS Lens — input: pcap (4555 bytes, directions marked)");
    assert!(line(&en, "Connection #0").trim_end().ends_with("127.0.0.1:41719 -> 127.0.0.1:44320 (udp.stream 0)"), "{en}");
    let zh = explain("zh", file);
    assert_eq!(line(&zh, "TLS Lens"), "TLS Lens — 输入: pcap (4555 字节，方向已标注)");
    assert!(line(&zh, "连接 #0").trim_end().ends_with("(udp.stream 0)"), "{zh}");
}

#[test]
fn quic_line_is_written_in_the_report_language() {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/www/samples/quic-illustrated.pcapng");
    // tshark with the capture's own key log: 3 Initial, 5 Handshake and 4 1-RTT packets, all
    // decrypted.
    let en = explain("en", file);
    assert_eq!(line(&en, "QUIC "), "  QUIC          4 1-RTT, 5 Handshake, 3 Initial packets (12 opened); original DCID 0001020304050607");
    let zh = explain("zh", file);
    let q = line(&zh, "QUIC ");
    assert_eq!(q, "  QUIC          4 1-RTT, 5 Handshake, 3 Initial 个数据包（已解密 12 个）；原始 DCID 0001020304050607");
    assert!(!["packets", "opened", "original"].iter().any(|w| q.contains(w)), "{q}");
}
