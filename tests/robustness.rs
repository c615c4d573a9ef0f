//! Bad input never panics, and every byte of every message is explained by some field.
//! Fixtures: every `*.hex` under tests/data (real captures, see tests/data/README.md).

mod common;

use std::path::{Path, PathBuf};

use tls_lens::model::{Field, Span};
use tls_lens::{analyze, Lang, Options};

fn fixtures() -> Vec<PathBuf> {
    common::data_files(&["hex"])
}

fn opts() -> Options {
    Options { lang: Lang::En, now: Some(1_800_000_000), ..Default::default() }
}

#[test]
fn there_are_fixtures() {
    assert!(fixtures().len() >= 4, "expected the captures of tests/data, found {:?}", fixtures());
}

/// Every prefix and every single-byte mutation of each fixture's bytes goes through `analyze`
/// without a panic (a panic in wasm kills the page).
#[test]
fn no_panic_on_prefixes_and_mutations() {
    // The handshake fixtures; `*.full.hex` and the page sample hold the same bytes again.
    for path in fixtures().into_iter().filter(|p| !p.to_string_lossy().ends_with(".full.hex") && !p.to_string_lossy().ends_with(".sample.hex")) {
        let text = std::fs::read(&path).unwrap_or_default();
        let a = analyze(&text, &opts());
        let bytes = hex_bytes(&a.connections[0].stream.hex);
        for n in 0..=bytes.len() {
            let _ = analyze(&bytes[..n], &opts());
        }
        for i in 0..bytes.len() {
            for m in [0xffu8, 0x01] {
                let mut b = bytes.clone();
                b[i] ^= m;
                let _ = analyze(&b, &opts());
            }
            let mut b = bytes.clone();
            b[i] = 0;
            let _ = analyze(&b, &opts());
        }
        // Text form: every prefix of the first lines, cut at every character.
        let s = String::from_utf8_lossy(&text);
        for (i, _) in s.char_indices().take(600) {
            let _ = analyze(s[..i].as_bytes(), &opts());
        }
    }
}

fn hex_bytes(h: &str) -> Vec<u8> {
    (0..h.len() / 2).filter_map(|i| u8::from_str_radix(&h[2 * i..2 * i + 2], 16).ok()).collect()
}

fn mark(fields: &[Field], covered: &mut [bool], base: usize) {
    for f in fields {
        for o in f.span.offset..f.span.end() {
            if let Some(c) = covered.get_mut(o - base.min(o)) {
                *c = true;
            }
        }
        mark(&f.children, covered, base);
    }
}

fn within(outer: Span, inner: Span) -> bool {
    inner.offset >= outer.offset && inner.end() <= outer.end()
}

fn check_nested(fields: &[Field], parent: Span, path: &str) {
    for f in fields {
        assert!(within(parent, f.span), "{path}/{}: span {:?} outside its parent {:?}", f.name, f.span, parent);
        check_nested(&f.children, f.span, &format!("{path}/{}", f.name));
    }
}

/// Like the Illustrated TLS: every byte of a message is covered by one of its fields, and
/// every field's span lies inside its parent's.
#[test]
fn every_byte_of_every_message_is_covered() {
    for path in fixtures() {
        let text = std::fs::read(&path).unwrap_or_default();
        let a = analyze(&text, &opts());
        for c in &a.connections {
            for m in &c.messages {
                let mut covered = vec![false; m.span.len];
                mark(&m.fields, &mut covered, m.span.offset);
                let missing: Vec<usize> = covered.iter().enumerate().filter(|(_, c)| !**c).map(|(i, _)| i + m.span.offset).collect();
                assert!(missing.is_empty(), "{}: step {} {}: bytes not covered by any field: {:?}", path.display(), m.step, m.name, &missing[..missing.len().min(10)]);
                check_nested(&m.fields, m.span, &format!("{}:{}", path.display(), m.name));
            }
        }
    }
}

fn unresolved(s: &str) -> bool {
    ["msg.", "field.", "ext.", "note.", "value."].iter().any(|p| s.starts_with(p))
        || s.split('{').skip(1).any(|p| p.split_once('}').is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')))
}

fn check_fields(fields: &[Field], ctx: &str) {
    for f in fields {
        if let Some(n) = &f.note {
            assert!(!unresolved(n), "{ctx}/{}: unresolved note {n:?}", f.name);
        }
        check_fields(&f.children, ctx);
    }
}

/// Every text the fixtures produce resolves in both languages: no raw key, no `{placeholder}`
/// left over (keys built at run time are only checked this way).
#[test]
fn every_text_resolves_in_both_languages() {
    for path in fixtures() {
        let text = std::fs::read(&path).unwrap_or_default();
        for lang in [Lang::En, Lang::Zh] {
            let a = analyze(&text, &Options { lang, now: Some(1_800_000_000), ..Default::default() });
            for c in &a.connections {
                for m in &c.messages {
                    let ctx = format!("{} {:?} step {} {}", path.display(), lang, m.step, m.name);
                    assert!(!unresolved(&m.title) && !m.title.is_empty(), "{ctx}: title {:?}", m.title);
                    assert!(!unresolved(&m.explanation) && !m.explanation.is_empty(), "{ctx}: explanation {:?}", m.explanation);
                    check_fields(&m.fields, &ctx);
                }
                for n in &c.notes {
                    assert!(!unresolved(&n.text), "{}: note {:?}", path.display(), n.text);
                }
            }
        }
    }
}

/// Deterministic xorshift so the generated inputs are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Structured random input: records with real content types whose payloads are handshake
/// messages of every type with random (often inconsistent) bodies, in both marked and raw form.
#[test]
fn no_panic_on_structured_random_records() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let types = [0u8, 1, 2, 4, 5, 8, 11, 12, 13, 14, 15, 16, 20, 22, 24, 25, 254];
    for _ in 0..20_000 {
        let mut input = Vec::new();
        for _ in 0..=rng.below(6) {
            let ct = 20 + rng.below(5) as u8;
            let mut payload = Vec::new();
            if ct == 22 {
                let t = types[rng.below(types.len() as u64) as usize];
                let len = rng.below(90) as usize;
                let declared = if rng.below(4) == 0 { rng.below(200) as usize } else { len };
                payload.extend_from_slice(&[t, 0, (declared >> 8) as u8, declared as u8]);
                for _ in 0..len {
                    // Small numbers make length prefixes that are often almost right.
                    payload.push(if rng.below(3) == 0 { rng.below(256) as u8 } else { rng.below(8) as u8 });
                }
            } else {
                for _ in 0..rng.below(40) {
                    payload.push(rng.below(256) as u8);
                }
            }
            input.extend_from_slice(&[ct, 3, rng.below(5) as u8, (payload.len() >> 8) as u8, payload.len() as u8]);
            input.extend_from_slice(&payload);
        }
        let _ = analyze(&input, &opts());
        let marked: String = input.chunks(7).enumerate().map(|(i, c)| format!("{} {}\n", if i % 3 == 0 { "C:" } else { "S:" }, c.iter().map(|b| format!("{b:02x}")).collect::<String>())).collect();
        let _ = analyze(marked.as_bytes(), &opts());
    }
}

/// Capture files: every prefix and a byte flip at every offset of our pcaps (headers, block
/// lengths, caplens, IP/TCP headers and TLS all get hit).
#[test]
fn no_panic_on_damaged_pcaps() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    for name in ["tls12-ecdhe-rsa.pcap", "tls13-hrr.pcap"] {
        let bytes = std::fs::read(dir.join(name)).unwrap_or_default();
        assert!(bytes.len() > 1000, "{name}");
        for n in 0..=bytes.len() {
            let _ = analyze(&bytes[..n], &opts());
        }
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0xff;
            let _ = analyze(&b, &opts());
        }
    }
}

/// Text dumps (tcpdump, tshark, xxd, od, hexdump, base64): cut after every line and at every
/// character of the first lines, and with characters replaced along the way.
#[test]
fn no_panic_on_damaged_text_dumps() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/dumps");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let text = std::fs::read_to_string(e.path()).unwrap_or_default();
        n += 1;
        for (i, c) in text.char_indices() {
            if c == '\n' || i < 800 {
                let _ = analyze(&text.as_bytes()[..i], &opts());
            }
        }
        let chars: Vec<char> = text.chars().collect();
        for i in (0..chars.len()).step_by(13) {
            let mut m = chars.clone();
            m[i] = if m[i] == '0' { 'z' } else { '0' };
            let s: String = m.into_iter().collect();
            let _ = analyze(s.as_bytes(), &opts());
        }
    }
    assert!(n >= 8, "dumps found: {n}");
}

/// The streaming scanner on damaged captures: cut at many offsets and bytes flipped, pcap and
/// pcapng; it must neither panic nor fail on an in-memory reader.
#[test]
fn scan_survives_damaged_captures() {
    use tls_lens::scan::{scan, ScanOptions};
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let run = |b: &[u8]| {
        let o = ScanOptions { explain: opts(), all: true };
        scan(b, &o, |_| Ok(()), |_, _| {}).expect("reading from memory cannot fail");
    };
    for name in ["tls13-hrr.pcap", "corpus/ja4/pcap/ipv6.pcapng"] {
        let bytes = std::fs::read(dir.join(name)).unwrap_or_default();
        assert!(bytes.len() > 1000, "{name}");
        for n in (0..=bytes.len()).step_by(3) {
            run(&bytes[..n]);
        }
        for i in (0..bytes.len()).step_by(2) {
            let mut b = bytes.clone();
            b[i] ^= 0xff;
            run(&b);
        }
    }
}

/// Tool logs (openssl -msg/-debug, curl --trace/--trace-ascii): cut after every line and with
/// characters replaced along the way.
#[test]
fn no_panic_on_damaged_tool_logs() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/logs");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        if e.path().extension().and_then(|x| x.to_str()) != Some("txt") {
            continue;
        }
        let text = std::fs::read_to_string(e.path()).unwrap_or_default();
        n += 1;
        for (i, c) in text.char_indices() {
            if c == '\n' {
                let _ = analyze(&text.as_bytes()[..i], &opts());
            }
        }
        let chars: Vec<char> = text.chars().collect();
        for i in (0..chars.len()).step_by(97) {
            let mut m = chars.clone();
            m[i] = if m[i] == '0' { 'z' } else { '0' };
            let s: String = m.into_iter().collect();
            let _ = analyze(s.as_bytes(), &opts());
        }
    }
    assert!(n >= 10, "logs found: {n}");
}

/// Decryption on damaged captures and damaged key logs: every prefix and a byte flip at many
/// offsets of TLS 1.3 and 1.2 captures, with their key logs; a tool log with a key log.
#[test]
fn no_panic_when_decrypting_damaged_input() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    for (cap, keys) in [
        ("tls13-hrr.pcap", "tls13-hrr.keylog"),
        ("tls12-ecdhe-rsa.pcap", "tls12-ecdhe-rsa.keylog"),
        ("corpus/illustrated/illustrated-tls12/captures/capture.pcap", "corpus/illustrated/illustrated-tls12/captures/keylog.txt"),
        ("corpus/illustrated/illustrated-quic/captures/capture.pcap", "corpus/illustrated/illustrated-quic/captures/keylog.txt"),
    ] {
        let bytes = std::fs::read(dir.join(cap)).unwrap_or_default();
        let keylog = std::fs::read_to_string(dir.join(keys)).unwrap_or_default();
        assert!(bytes.len() > 1000 && !keylog.is_empty(), "{cap}");
        let o = Options { keylog: keylog.clone(), ..opts() };
        for n in (0..=bytes.len()).step_by(7) {
            let _ = analyze(&bytes[..n], &o);
        }
        for i in (0..bytes.len()).step_by(3) {
            let mut b = bytes.clone();
            b[i] ^= 0x5a;
            let _ = analyze(&b, &o);
        }
        // Damaged key logs: truncated secrets, odd hex.
        for cut in [10, 40, 100, 150, keylog.len().saturating_sub(3)] {
            let k = Options { keylog: keylog.chars().take(cut).collect(), ..opts() };
            let _ = analyze(&bytes, &k);
        }
    }
    let log = std::fs::read(dir.join("logs/openssl-msg-tls13.txt")).unwrap_or_default();
    let keylog = std::fs::read_to_string(dir.join("logs/openssl-msg-tls13.keylog")).unwrap_or_default();
    let _ = analyze(&log, &Options { keylog, ..opts() });
}

/// QUIC and certificate compression on damaged input: byte flips all over a pcapng whose
/// Decryption Secrets Block opens both a TCP and a QUIC connection with brotli-compressed
/// certificates (so damaged datagrams, frames, CRYPTO streams and compressed chains).
#[test]
fn no_panic_on_damaged_quic_and_compressed_certificates() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let bytes = std::fs::read(dir.join("corpus/ja4/pcap/chrome-cloudflare-quic-with-secrets.pcapng")).unwrap_or_default();
    assert!(bytes.len() > 40_000);
    for i in (0..bytes.len()).step_by(37) {
        let mut b = bytes.clone();
        b[i] ^= 0x5a;
        let _ = analyze(&b, &opts());
    }
    for n in (0..=bytes.len()).step_by(211) {
        let _ = analyze(&bytes[..n], &opts());
    }
    // DTLS: records, fragments, HelloVerifyRequest, cookies.
    let bytes = std::fs::read(dir.join("corpus/wireshark/captures/snakeoil-dtls.pcap")).unwrap_or_default();
    assert!(bytes.len() > 2000);
    for i in 0..bytes.len() {
        let mut b = bytes.clone();
        b[i] ^= 0x5a;
        let _ = analyze(&b, &opts());
    }
}
