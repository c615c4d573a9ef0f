//! What the issue calls bad input, one case each: the user gets what parsed plus a diagnostic
//! naming the offset and what was expected. Plus handshake messages coalesced in one record and
//! split across records, built from a real capture.

mod common;

use std::path::Path;
use std::process::Command;

use tls_lens::model::{Analysis, Field, Severity};
use tls_lens::{analyze, Options};

fn data(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)).unwrap_or_default()
}

fn run(b: &[u8]) -> Analysis {
    analyze(b, &Options::default())
}

fn names(a: &Analysis) -> Vec<String> {
    a.connections.first().map(|c| c.messages.iter().map(|m| m.name.clone()).collect()).unwrap_or_default()
}

fn errors(a: &Analysis) -> Vec<(usize, String)> {
    a.diagnostics.iter().filter(|d| d.severity == Severity::Error).map(|d| (d.offset, d.message.clone())).collect()
}

/// The sample's bytes (tls12-ecdhe-rsa handshake, both directions in wire order).
fn sample() -> Vec<u8> {
    let text = String::from_utf8_lossy(&data("tls12-ecdhe-rsa.sample.hex")).into_owned();
    let digits: Vec<u8> = text.bytes().filter(u8::is_ascii_hexdigit).collect();
    digits.chunks(2).filter_map(|p| u8::from_str_radix(std::str::from_utf8(p).ok()?, 16).ok()).collect()
}

/// Records of a byte string, split by walking the 5-byte headers (independent of the crate).
fn records(b: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut out = Vec::new();
    let mut p = 0;
    while p + 5 <= b.len() {
        let len = u16::from_be_bytes([b[p + 3], b[p + 4]]) as usize;
        out.push((b[p], b[p + 5..p + 5 + len].to_vec()));
        p += 5 + len;
    }
    out
}

fn record(t: u8, payload: &[u8]) -> Vec<u8> {
    let mut v = vec![t, 3, 3, (payload.len() >> 8) as u8, payload.len() as u8];
    v.extend_from_slice(payload);
    v
}

#[test]
fn odd_length_and_non_hex_name_line_and_column() {
    let a = run(b"16 03 01 00\n02 zz 01 0");
    let e = errors(&a);
    assert!(e.iter().any(|(_, m)| m.contains("line 2, column 4") && m.contains("not a hex digit")), "{e:?}");
    assert!(e.iter().any(|(_, m)| m.contains("line 2, column 10") && m.contains("odd number of hex digits")), "{e:?}");
    assert_eq!(a.input.kind, "hex");
}

#[test]
fn truncated_record_keeps_everything_before_it() {
    let s = sample();
    let recs = records(&s);
    // Cut in the middle of the third record (the Certificate).
    let cut = 5 + recs[0].1.len() + 5 + recs[1].1.len() + 5 + 300;
    let a = run(&s[..cut]);
    assert_eq!(&names(&a)[..2], ["ClientHello", "ServerHello"]);
    let third = 5 + recs[0].1.len() + 5 + recs[1].1.len();
    let e = errors(&a);
    assert!(e.iter().any(|(o, m)| *o == third && m.contains("truncated record") && m.contains("only 300 present")), "{e:?}");
    // The partial Certificate is still shown, with a diagnostic that it is incomplete.
    assert_eq!(names(&a).get(2).map(String::as_str), Some("Certificate"));
    assert!(e.iter().any(|(_, m)| m.contains("incomplete")), "{e:?}");
}

#[test]
fn a_length_that_overruns_is_reported_at_its_field() {
    // ClientHello whose cipher_suites<2..2^16-2> says 0x0100 bytes but the message ends first.
    let mut body = vec![0x03, 0x03];
    body.extend_from_slice(&[0x11; 32]);
    body.push(0); // legacy_session_id: empty
    body.extend_from_slice(&[0x01, 0x00, 0x13, 0x01]);
    let mut hs = vec![1, 0, 0, body.len() as u8];
    hs.extend_from_slice(&body);
    let a = run(&record(22, &hs));
    let c = &a.connections[0];
    assert_eq!(names(&a), ["ClientHello"]);
    let fields: Vec<&str> = c.messages[0].fields.iter().map(|f| f.name.as_str()).collect();
    assert!(fields.contains(&"random") && fields.contains(&"legacy_session_id"), "{fields:?}");
    // The cipher_suites length prefix sits at record 5 + handshake header 4 + 2 + 32 + 1.
    let e = errors(&a);
    assert!(e.iter().any(|(o, m)| *o == 5 + 4 + 2 + 32 + 1 + 2 && m.contains("cipher_suites") && m.contains("expected 256")), "{e:?}");
}

#[test]
fn unknown_content_type_and_garbage_are_skipped_and_reported() {
    let s = sample();
    let recs = records(&s);
    let first = 5 + recs[0].1.len();
    let mut b = s[..first].to_vec();
    b.extend_from_slice(&record(0x30, &[1, 2, 3]));
    b.extend_from_slice(&s[first..]);
    b.extend_from_slice(b"\xde\xad\xbe\xef");
    let a = run(&b);
    assert_eq!(names(&a).len(), 10, "{:?}", names(&a));
    let e = errors(&a);
    assert!(e.iter().any(|(o, m)| *o == first && m.contains("found 30 03 03") && m.contains("next record header")), "{e:?}");
    assert!(e.iter().any(|(o, m)| *o == b.len() - 4 && m.contains("skipped 4 byte(s) to the end")), "{e:?}");
}

fn flat(fields: &[Field], out: &mut Vec<(String, String)>) {
    for f in fields {
        if f.name != "record header" {
            out.push((f.name.clone(), f.value.clone()));
            flat(&f.children, out);
        }
    }
}

/// (name, flattened (field, value) pairs, the message's bytes)
type MessageView = (String, Vec<(String, String)>, Vec<u8>);

fn message_view(a: &Analysis) -> Vec<MessageView> {
    let c = &a.connections[0];
    let stream: Vec<u8> = (0..c.stream.hex.len() / 2).filter_map(|i| u8::from_str_radix(&c.stream.hex[2 * i..2 * i + 2], 16).ok()).collect();
    c.messages
        .iter()
        .filter(|m| m.content_type == tls_lens::code::ct::HANDSHAKE && !m.encrypted)
        .map(|m| {
            let mut f = Vec::new();
            flat(&m.fields, &mut f);
            let bytes: Vec<u8> = m.pieces.iter().flat_map(|p| stream[p.offset..p.offset + p.len].to_vec()).collect();
            (m.name.clone(), f, bytes)
        })
        .collect()
}

/// The server flight of the sample re-cut: all four messages in one record, and every
/// handshake record split in two at an odd place. Messages, fields and bytes must not change.
#[test]
fn coalesced_and_split_records_give_the_same_messages() {
    let s = sample();
    let recs = records(&s);
    let reference = message_view(&run(&s));

    // Coalesced: records 1..=4 (ServerHello, Certificate, ServerKeyExchange, ServerHelloDone).
    let mut b = record(22, &recs[0].1);
    let flight: Vec<u8> = recs[1..5].iter().flat_map(|r| r.1.clone()).collect();
    b.extend_from_slice(&record(22, &flight));
    for r in &recs[5..] {
        b.extend_from_slice(&record(r.0, &r.1));
    }
    let a = run(&b);
    assert_eq!(message_view(&a), reference, "coalesced");
    assert_eq!(a.connections[0].records.len(), recs.len() - 3);

    // Split: every plaintext handshake record cut after 7 bytes and in the middle.
    let mut b = Vec::new();
    for (i, r) in recs.iter().enumerate() {
        if r.0 == 22 && i < 6 && r.1.len() > 14 {
            let mid = r.1.len() / 2;
            b.extend_from_slice(&record(22, &r.1[..7]));
            b.extend_from_slice(&record(22, &r.1[7..mid]));
            b.extend_from_slice(&record(22, &r.1[mid..]));
        } else {
            b.extend_from_slice(&record(r.0, &r.1));
        }
    }
    let a = run(&b);
    assert_eq!(message_view(&a), reference, "split");
    assert!(a.diagnostics.is_empty(), "{:?}", a.diagnostics);
    let cert = a.connections[0].messages.iter().find(|m| m.name == "Certificate").map(|m| m.pieces.len());
    assert_eq!(cert, Some(3), "the Certificate comes in three pieces");
}

/// tls-parser's fragmented ClientHello (corpus/tls-parser/README.md): two records, one message.
#[test]
fn tls_parser_fragmented_client_hello() {
    let mut b = data("corpus/tls-parser/tls_record_ch_fragmented_1.bin");
    b.extend(data("corpus/tls-parser/tls_record_ch_fragmented_2.bin"));
    let a = run(&b);
    assert_eq!(a.input.kind, "binary");
    assert_eq!(names(&a), ["ClientHello"]);
    assert!(a.diagnostics.is_empty(), "{:?}", a.diagnostics);
    let c = &a.connections[0];
    assert_eq!(c.summary.cipher_suites_offered, [tls_lens::code::CipherSuite(0x002f)]);
    assert_eq!(c.summary.extensions_offered, [tls_lens::code::ExtensionType(0x0080)]);
    assert_eq!(c.messages[0].pieces.len(), 2);
    let headers = c.messages[0].fields.iter().filter(|f| f.name == "record header").count();
    assert_eq!(headers, 2, "both record headers belong to the one message");
}

/// tls-parser's DHE ClientHello: the 28 suites its README lists, in order.
#[test]
fn tls_parser_dhe_client_hello() {
    let a = run(&data("corpus/tls-parser/client_hello_dhe.bin"));
    let s = &a.connections[0].summary;
    let want: Vec<u16> = [
        0x00a3, 0x009f, 0xccaa, 0xc0a3, 0xc09f, 0x00a2, 0x009e, 0xc0a2, 0xc09e, 0x006b, 0x006a, 0x00c4, 0x00c3, 0x0067, 0x0040, 0x00be,
        0x00bd, 0x0039, 0x0038, 0x0088, 0x0087, 0x0033, 0x0032, 0x009a, 0x0099, 0x0045, 0x0044, 0x00ff,
    ]
    .to_vec();
    assert_eq!(s.cipher_suites_offered.iter().map(|c| c.0).collect::<Vec<_>>(), want);
    assert_eq!(s.extensions_offered.iter().map(|e| e.0).collect::<Vec<_>>(), [35, 13, 22, 23]);
    assert_eq!(s.sni, None);
}

#[test]
fn cli_exits_non_zero_only_when_nothing_parsed() {
    let exe = env!("CARGO_BIN_EXE_tls-lens");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let ok = Command::new(exe).args(["explain", "--color", "never"]).arg(dir.join("tls12-ecdhe-rsa.hex")).output();
    let ok = ok.map(|o| (o.status.code(), String::from_utf8_lossy(&o.stdout).into_owned())).unwrap_or((None, String::new()));
    assert_eq!(ok.0, Some(0));
    assert!(ok.1.contains("10. [server -> client] Finished (encrypted)"), "{}", ok.1);
    // --fields: each field with its note wrapped under it (the note of the record's type byte).
    let f = Command::new(exe).args(["explain", "--color", "never", "--fields"]).arg(dir.join("tls12-ecdhe-rsa.hex")).output();
    let f = f.map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default();
    let at = f.find("type = 22 (handshake)").expect("the first record's type field");
    let next: Vec<&str> = f[at..].lines().skip(1).take(2).collect();
    assert!(next[0].trim_start().starts_with("Content type: 20 change_cipher_spec"), "{next:?}");
    let bad = Command::new(exe).args(["explain", "-"]).stdin(std::process::Stdio::null()).output();
    assert_eq!(bad.map(|o| o.status.code()).ok().flatten(), Some(1));
}

/// Tool logs whose length fields are absurd: no allocation from them, no panic.
#[test]
fn tool_log_lengths_do_not_allocate() {
    for text in [
        ">>> TLS 1.3, Handshake [length ffffffffffffffff], ClientHello\n<<< TLS 1.3, Handshake [length 0001]\n    01\n",
        ">>> TLS 1.3, Handshake [length ffffffff], ClientHello\n    16 03\n<<< TLS 1.3, RecordHeader [length 0005]\n    16 03 03 00 01\n",
        "write to 0x1 [0x2] (5 bytes => 99999999999 (0x1))\n0000 - 16 03 01\nread from 0x1 [0x2] (5 bytes => 4294967295 (0x1))\n",
        "=> Send SSL data, 18446744073709551615 bytes (0x5)\n0000: 16 03 01\n<= Recv SSL data, 4294967296 bytes (0x5)\n",
    ] {
        let a = run(text.as_bytes());
        assert!(a.connections.len() <= 1, "{text}");
    }
}

/// Diagnostics are written in the output language and carry a stable `kind` that does not
/// change with it.
#[test]
fn diagnostics_speak_the_output_language_and_keep_their_kind() {
    let input = b"16 03 01 00 zz 01";
    let en = analyze(input, &Options::default());
    let zh = analyze(input, &Options { lang: tls_lens::explain::Lang::Zh, ..Options::default() });
    assert!(!en.diagnostics.is_empty());
    assert_eq!(en.diagnostics.len(), zh.diagnostics.len());
    for (e, z) in en.diagnostics.iter().zip(&zh.diagnostics) {
        assert_eq!((&e.kind, e.offset), (&z.kind, z.offset));
        assert!(!e.message.is_empty() && !e.message.contains('{'), "{e:?}");
        assert!(z.message.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "not Chinese: {}", z.message);
    }
    // 'z' at line 1, column 13 is the first character that is not a hex digit.
    let bad = en.diagnostics.iter().find(|d| d.kind == "hex.not_hex").expect("a hex.not_hex diagnostic");
    assert_eq!((bad.line, bad.column), (Some(1), Some(13)));
    assert!(bad.message.contains("'z' is not a hex digit"), "{}", bad.message);
    let json = tls_lens::analyze_json(input, &Options::default());
    assert!(json.contains("\"kind\": \"hex.not_hex\""), "{json}");
}

/// English prose pasted by mistake: one diagnostic that says this is no input TLS Lens reads and
/// lists what it reads, not one per letter (there were 22). Counted apart (Python): the text has 71
/// characters that are neither hex digits nor separators and 22 hex digits (a-f, A-F, 0-9).
#[test]
fn prose_gets_one_diagnostic_that_says_what_is_read() {
    let text = b"Hello, this is my TLS handshake. I copied it from the browser but I am not sure\nwhat format it is. Can you explain it?\n";
    for lang in [tls_lens::explain::Lang::En, tls_lens::explain::Lang::Zh] {
        let a = analyze(text, &Options { lang, ..Options::default() });
        assert_eq!(a.diagnostics.len(), 1, "{:?}", a.diagnostics);
        let d = &a.diagnostics[0];
        assert_eq!((d.kind.as_str(), d.offset), ("input.unknown", 0));
        assert!(d.message.contains("71") && d.message.contains("93"), "{}", d.message);
        assert!(d.message.contains("xxd") && d.message.contains("pcapng") && d.message.contains("SSLKEYLOGFILE"), "{}", d.message);
        assert!(a.connections.iter().all(|c| c.messages.is_empty()));
    }
    // A hex dump with a few slips still gets a diagnostic per character.
    let a = analyze(b"16 03 01 00 zz 01 00 00 q1 03 03", &Options::default());
    assert!(a.diagnostics.iter().any(|d| d.kind == "hex.not_hex"), "{:?}", a.diagnostics);
}

/// Limits that hold for any input (fuzz/README.md): a record stream of one million zero-length
/// handshake records (5 MB) lists 20,000 records, names the offset where reading stopped
/// (20,000 × 5 bytes) and what is left, and says once that such records are forbidden (RFC 8446
/// §5.1, RFC 5246 §6.2.1).
#[test]
fn a_million_empty_records_are_cut_at_the_record_limit() {
    let input = [0x16, 0x03, 0x03, 0x00, 0x00].repeat(1_000_000);
    let a = run(&input);
    let c = &a.connections[0];
    assert_eq!(c.records.len(), 20_000);
    let all: Vec<_> = a.diagnostics.iter().collect();
    let limit = all.iter().find(|d| d.is("limit.records")).expect("a limit diagnostic");
    assert_eq!(limit.offset, 100_000);
    assert!(limit.message.contains("4900000 bytes"), "{}", limit.message);
    let empty = all.iter().find(|d| d.is("record.empty")).expect("the zero-length records are reported");
    assert_eq!(empty.offset, 0);
    assert!(empty.message.starts_with("20000 zero-length") && empty.message.contains("RFC 8446 §5.1"), "{}", empty.message);
}

/// A 16 KB record holds 4,096 empty HelloRequests (type 0, length 0): twenty of them would be
/// 81,920 messages; 20,000 are explained and the walk stops at the record that passes the limit.
#[test]
fn records_packed_with_messages_stop_at_the_message_limit() {
    let mut input = Vec::new();
    for _ in 0..20 {
        input.extend_from_slice(&[0x16, 0x03, 0x03, 0x40, 0x00]);
        input.extend_from_slice(&[0u8; 16384]);
    }
    let a = run(&input);
    let c = &a.connections[0];
    assert_eq!(c.messages.len(), 20_000);
    let limit = a.diagnostics.iter().find(|d| d.is("limit.messages")).expect("a limit diagnostic");
    // 20,000 messages fill 4 records and 3,616 messages of the fifth: the first one left out
    // starts at 4 × (5 + 16,384) + 5 + 3,616 × 4, and 15 records follow the fifth.
    assert_eq!(limit.offset, 4 * 16_389 + 5 + 3_616 * 4);
    assert!(limit.message.contains("15 more records"), "{}", limit.message);
}

/// Five thousand warning alerts, each followed by a stray byte, give (at least) five thousand
/// problems; 1,000 are listed and one more counts the rest.
#[test]
fn diagnostics_are_capped_with_a_count_of_the_rest() {
    let input = [0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x00, 0xff].repeat(5_000);
    let a = run(&input);
    assert_eq!(a.diagnostics.len(), 1_001);
    assert!(a.diagnostics.iter().filter(|d| d.is("record.bad_header")).count() >= 999);
    let more = a.diagnostics.last().unwrap();
    assert!(more.is("limit.diagnostics"), "{}", more.message);
    let n: usize = more.message.split(' ').next().unwrap().parse().unwrap();
    assert!(n >= 4_000, "{}", more.message);
}

/// `depth` SEQUENCEs inside one another around a NULL, with long-form lengths (innermost first:
/// each level wraps the previous one in 30 84 <4-byte length>).
fn deep_der(depth: usize) -> Vec<u8> {
    let mut der: Vec<u8> = vec![0x05, 0x00];
    for _ in 0..depth {
        let n = der.len() as u32;
        let mut outer = vec![0x30, 0x84];
        outer.extend_from_slice(&n.to_be_bytes());
        outer.extend_from_slice(&der);
        der = outer;
    }
    der
}

/// `der` as the one certificate of a TLS 1.2 Certificate message, in records.
fn certificate_records(der: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    let list = der.len() + 3;
    body.extend_from_slice(&[(list >> 16) as u8, (list >> 8) as u8, list as u8]);
    body.extend_from_slice(&[(der.len() >> 16) as u8, (der.len() >> 8) as u8, der.len() as u8]);
    body.extend_from_slice(der);
    let mut msg = vec![11, (body.len() >> 16) as u8, (body.len() >> 8) as u8, body.len() as u8];
    msg.extend_from_slice(&body);
    msg.chunks(16_384).flat_map(|c| record(22, c)).collect()
}

/// ASN.1 nested far deeper than any certificate (100,000 SEQUENCEs inside one another, with
/// long-form lengths), as a certificate's DER and in its name and OID helpers: an error, not a
/// stack overflow. The parsers under them (der-parser, via x509-parser) stop at a fixed depth.
#[test]
fn asn1_nested_without_end_is_an_error_not_a_stack_overflow() {
    let der = deep_der(100_000);
    for role in [tls_lens::x509::Role::ServerLeaf, tls_lens::x509::Role::Issuer] {
        assert!(tls_lens::x509::summarize(&der, None, false, role).is_err());
    }
    // A name reads its RDN sequence without descending into it: whatever it makes of this, it
    // returns (a stack overflow would abort the test process instead).
    assert!(tls_lens::x509::dn_string(&der).is_none_or(|s| s.len() < 1_000));
    let _ = tls_lens::x509::oid_text(&der);
    // And inside a capture: the same DER as the one certificate of a TLS 1.2 Certificate message.
    let a = run(&certificate_records(&der));
    assert!(names(&a).iter().any(|n| n == "Certificate"), "{:?}", names(&a));
}

/// QUIC CRYPTO offsets far beyond the data (2^40 and 2^61: a varint allows up to 2^62 - 1) in
/// an Initial packet the pipeline can open (fuzz target `quic`'s sealing): the frame is skipped
/// with a diagnostic naming the limit, nothing is reserved for the gap, and the ClientHello sent
/// at offset 0 in the next packet is still read.
#[test]
fn quic_crypto_offsets_far_beyond_the_data_are_skipped_and_named() {
    let a = run(&tls_lens::harness::quic_pcap(&far_crypto_offsets()));
    let limits: Vec<_> = a.diagnostics.iter().filter(|d| d.kind == "quic.crypto_limit").collect();
    assert_eq!(limits.len(), 2, "{:?}", a.diagnostics);
    assert!(limits[0].message.contains("1099511627776") && limits[0].message.contains("1048576"), "{}", limits[0].message);
    assert!(names(&a).iter().any(|n| n == "ClientHello"), "{:?}", names(&a));
}

/// The `quic` fuzz target's input for three Initial packets: CRYPTO frames at offsets 2^40 and
/// 2^61 (a varint allows up to 2^62 - 1), then the ClientHello at offset 0.
fn far_crypto_offsets() -> Vec<u8> {
    let hello = common::tls13_client_hello();
    let crypto = |offset: u64, data: &[u8]| {
        // CRYPTO (0x06), offset as an 8-byte varint, length as a 2-byte varint.
        let mut f = vec![0x06];
        f.extend_from_slice(&(0xc000_0000_0000_0000u64 | offset).to_be_bytes());
        f.extend_from_slice(&(0x4000u16 | data.len() as u16).to_be_bytes());
        f.extend_from_slice(data);
        f.extend_from_slice(&[0; 32]);
        f
    };
    let mut data = vec![8, 1, 2, 3, 4, 5, 6, 7, 8];
    for frames in [crypto(1 << 40, b"far away"), crypto(1 << 61, b"farther"), crypto(0, &hello)] {
        data.push(0);
        data.extend_from_slice(&(frames.len() as u16).to_be_bytes());
        data.extend_from_slice(&frames);
    }
    data
}

/// The limits above, as memory: each crafted worst case runs in the address space a one-record
/// input needs plus a bound that is far less than what the input claims (a 16 MiB message, a
/// 16 MiB inflated certificate) or than what keeping everything would take, and still gives its
/// diagnostic. (Past the bound an allocation fails and the process aborts: status 134.)
#[test]
fn limits_hold_in_bounded_memory() {
    let base = common::baseline_kb();
    let explain = |name: &str, input: &[u8], extra_mib: u64| -> serde_json::Value {
        let (code, out, err) = common::run_bounded(&["explain", "--json"], input, base + extra_mib * 1024);
        assert!(matches!(code, Some(0) | Some(1)) && !err.contains("memory allocation"), "{name}: status {code:?} in {} KiB: {err}", base + extra_mib * 1024);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let kinds = |v: &serde_json::Value| -> Vec<String> { v["diagnostics"].as_array().unwrap().iter().map(|d| d["kind"].as_str().unwrap().to_string()).collect() };
    // A 9-byte record whose ClientHello says it is 16 MiB - 1 long: nothing is reserved for it.
    let v = explain("16 MiB length", &record(22, &[1, 0xff, 0xff, 0xff]), 4);
    assert!(kinds(&v).iter().any(|k| k == "handshake.incomplete"), "{:?}", kinds(&v));
    // 1 MiB of records carrying that message: kept as they come, not ahead of them.
    let mut input = record(22, &[&[11u8, 0xff, 0xff, 0xff][..], &[0u8; 16_380][..]].concat());
    for _ in 0..63 {
        input.extend_from_slice(&record(22, &[0u8; 16_384]));
    }
    let v = explain("16 MiB message, 1 MiB of it", &input, 40);
    assert!(kinds(&v).iter().any(|k| k == "handshake.incomplete"), "{:?}", kinds(&v));
    // A zlib bomb: 16 MiB - 1 of zeros in about 16 KB, as a CompressedCertificate (RFC 8879):
    // refused by its announced size before inflating, said in a note.
    let n = (16 << 20) - 1;
    let z = miniz_oxide::deflate::compress_to_vec_zlib(&vec![0u8; n], 9);
    let mut body = vec![0, 1, (n >> 16) as u8, (n >> 8) as u8, n as u8, (z.len() >> 16) as u8, (z.len() >> 8) as u8, z.len() as u8];
    body.extend_from_slice(&z);
    let msg = [&[25u8, (body.len() >> 16) as u8, (body.len() >> 8) as u8, body.len() as u8][..], &body[..]].concat();
    let input: Vec<u8> = msg.chunks(16_384).flat_map(|c| record(22, c)).collect();
    let v = explain("zlib bomb", &input, 8);
    let notes = v["connections"][0]["notes"].to_string();
    assert!(notes.contains("1024 KiB"), "{notes}");
    // Ten CompressedCertificates of 1 MiB of zeros each (about 1 KB compressed): the first four
    // are decompressed (4 MiB, the most one connection gets), the rest are not, said once.
    let m = 1 << 20;
    let z = miniz_oxide::deflate::compress_to_vec_zlib(&vec![0u8; m], 9);
    let mut body = vec![0, 1, (m >> 16) as u8, (m >> 8) as u8, m as u8, (z.len() >> 16) as u8, (z.len() >> 8) as u8, z.len() as u8];
    body.extend_from_slice(&z);
    let msg = [&[25u8, (body.len() >> 16) as u8, (body.len() >> 8) as u8, body.len() as u8][..], &body[..]].concat();
    let input: Vec<u8> = msg.repeat(10).chunks(16_384).flat_map(|c| record(22, c)).collect();
    let v = explain("ten 1 MiB certificates", &input, 96);
    let notes: Vec<String> = v["connections"][0]["notes"].as_array().unwrap().iter().map(|n| n["text"].as_str().unwrap().to_string()).collect();
    assert_eq!(notes.iter().filter(|n| n.contains("decompressed") && n.contains("1048576")).count(), 4, "{notes:?}");
    assert_eq!(notes.iter().filter(|n| n.contains("4096 KiB")).count(), 1, "{notes:?}");
    // One million zero-length records (5 MB): 20,000 kept, the rest named.
    let v = explain("a million empty records", &[0x16, 0x03, 0x03, 0x00, 0x00].repeat(1_000_000), 96);
    assert!(kinds(&v).iter().any(|k| k == "limit.records"), "{:?}", kinds(&v));
    // ASN.1 nested 100,000 deep (600 KB) as a certificate: read to a fixed depth, not unwound.
    let v = explain("ASN.1 100,000 deep", &certificate_records(&deep_der(100_000)), 32);
    assert_eq!(v["connections"][0]["messages"][0]["name"], "Certificate");
    // QUIC CRYPTO frames at offsets 2^40 and 2^61: skipped, nothing reserved for the gap.
    let v = explain("QUIC CRYPTO offsets", &tls_lens::harness::quic_pcap(&far_crypto_offsets()), 16);
    assert_eq!(kinds(&v).iter().filter(|k| *k == "quic.crypto_limit").count(), 2, "{:?}", kinds(&v));
    // DTLS: ten fragments of ClientHellos that claim 16 MiB - 1 (160 MiB if each were kept whole),
    // then 70 messages of 256 KiB - 1 in progress at once: the first ten and the six past 64 are
    // skipped, 64 x 256 KiB held.
    let dtls_rec = |n: u64, body: &[u8]| [&[22u8, 0xfe, 0xfd, 0, 0][..], &n.to_be_bytes()[2..], &(body.len() as u16).to_be_bytes(), body].concat();
    let frag = |len: usize, seq: u16, off: usize| [&[1u8][..], &(len as u32).to_be_bytes()[1..], &seq.to_be_bytes(), &(off as u32).to_be_bytes()[1..], &[0, 0, 100], &[0u8; 100]].concat();
    let mut data = Vec::new();
    for k in 0..80u16 {
        let len = if k < 10 { (16 << 20) - 1 } else { (256 << 10) - 1 };
        let d = dtls_rec(k as u64, &frag(len, k, len - 100));
        data.extend_from_slice(&[0, (d.len() >> 8) as u8, d.len() as u8]);
        data.extend_from_slice(&d);
    }
    let v = explain("DTLS messages", &tls_lens::harness::dtls_pcap(&data), 40);
    assert_eq!(kinds(&v).iter().filter(|k| *k == "dtls.fragment_skipped").count(), 26, "{:?}", kinds(&v));
    // Five thousand alerts each followed by a stray byte: 1,000 diagnostics and a count.
    let v = explain("5,000 problems", &[0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x00, 0xff].repeat(5_000), 48);
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 1_001);
}
