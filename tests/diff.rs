//! ClientHello diff: two Chrome connections of FoxIO's tls-sni.pcapng whose JA4 is equal and
//! whose JA4_ro differs (per FoxIO's ja4.py output, tests/data/corpus/ja4/expected) must come
//! out as "same extensions, other order"; a connection against itself as the same hello.

use std::path::Path;

use serde_json::Value;
use tls_lens::explain::Lang;
use tls_lens::fingerprint::diff::diff;
use tls_lens::{analyze, Options};

fn dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/corpus/ja4")
}

#[test]
fn chrome_extension_order_is_explained() {
    let exp: Value = serde_json::from_slice(&std::fs::read(dir().join("expected/tls-sni.pcapng.json")).unwrap()).unwrap();
    // Two TCP streams with the same JA4 but a different original extension order.
    let rows: Vec<(u64, String, String)> = exp
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| Some((e["stream"].as_u64()?, e["JA4.1"].as_str()?.to_string(), e["JA4_ro.1"].as_str()?.to_string())))
        .filter(|r| r.1.starts_with('t'))
        .collect();
    let (x, y) = rows
        .iter()
        .enumerate()
        .find_map(|(i, a)| rows[i + 1..].iter().find(|b| b.1 == a.1 && b.2.split('_').nth(2) != a.2.split('_').nth(2)).map(|b| (a.clone(), b.clone())))
        .expect("two Chrome streams with shuffled extensions");
    let a = analyze(&std::fs::read(dir().join("pcap/tls-sni.pcapng")).unwrap(), &Options::default());
    let conn = |s: u64| a.connections.iter().find(|c| c.tcp_stream == Some(s as usize)).unwrap();
    let d = diff(("A", conn(x.0)), ("B", conn(y.0)), Lang::En);
    let get = |f: &str| d.items.iter().find(|i| i.field == f).unwrap();
    assert!(get("extensions").reordered, "{:?}", get("extensions"));
    assert!(get("ja4").same, "JA4 sorts the extensions");
    assert!(!get("ja3").same, "JA3 keeps their order");
    assert!(get("cipher_suites").same);
    assert!(d.notes.iter().any(|n| n.contains("randomised its extension order")), "{:?}", d.notes);
    assert!(d.notes.iter().any(|n| n.contains("JA3 differs while JA4 is the same")), "{:?}", d.notes);
    // The same connection against itself.
    let d = diff(("A", conn(x.0)), ("A again", conn(x.0)), Lang::Zh);
    assert!(d.items.iter().all(|i| i.same));
    assert!(d.notes.iter().any(|n| n.contains("完全一致")), "{:?}", d.notes);
}

#[test]
fn different_clients_differ() {
    // GnuTLS and Python (OpenSSL) TLS 1.3 clients (tests/data/mtu1280).
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/mtu1280");
    let a = analyze(&std::fs::read(d.join("gnutls-tls13.pcap")).unwrap(), &Options::default());
    let b = analyze(&std::fs::read(d.join("python-tls13.pcap")).unwrap(), &Options::default());
    let r = diff(("gnutls", &a.connections[0]), ("python", &b.connections[0]), Lang::En);
    let suites = r.items.iter().find(|i| i.field == "cipher_suites").unwrap();
    assert!(!suites.same && !suites.reordered);
    assert_eq!(suites.a.len(), a.connections[0].summary.cipher_suites_offered.len());
    assert!(r.notes.iter().any(|n| n.contains("cipher suite lists differ")), "{:?}", r.notes);
}

/// Headless Chromium 156 against OpenSSL on loopback (tests/data/chromium.pcap, made by
/// make-captures.sh): a browser ClientHello with GREASE, ECH GREASE (0xfe0d) and an
/// X25519MLKEM768 key share (0x11ec). Its two connections have the JA3s tshark computes
/// (c4d24370…, 59ce5356…: the extension order is random) and one JA4.
#[test]
fn a_browser_hello_with_grease_ech_and_a_post_quantum_key_share() {
    let a = analyze(&std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/chromium.pcap")).unwrap(), &Options::default());
    assert_eq!(a.connections.len(), 2);
    let (c0, c1) = (&a.connections[0], &a.connections[1]);
    assert_eq!(c0.summary.ja3.as_deref(), Some("c4d24370d6f22f58f3ef1e2ed685d088"));
    assert_eq!(c1.summary.ja3.as_deref(), Some("59ce5356a6a15d623c743de8b5dc35a1"));
    assert_eq!(c0.summary.ja4, c1.summary.ja4);
    for c in [c0, c1] {
        assert!(c.summary.extensions_offered.contains(&tls_lens::code::ext::ENCRYPTED_CLIENT_HELLO), "ECH GREASE");
        assert!(c.summary.key_share_groups.contains(&tls_lens::code::NamedGroup(0x11ec)), "X25519MLKEM768");
        assert!(c.summary.extensions_offered.iter().any(|e| tls_lens::registry::is_grease(e.0)));
    }
    let d = diff(("A", c0), ("B", c1), Lang::En);
    let ext = d.items.iter().find(|i| i.field == "extensions").unwrap();
    assert!(ext.reordered, "{ext:?}");
    assert!(d.notes.iter().any(|n| n.contains("randomised its extension order")), "{:?}", d.notes);
}

/// `tls-lens diff`'s text (issue 20): long lists wrap at 100 columns between values (a CJK
/// character counts two), an identical list is printed once with its count, a single value that
/// differs (a fingerprint) is not repeated as "only in", and the labels follow --lang.
#[test]
fn the_text_diff_wraps_and_says_each_list_once() {
    let pcap = "tests/data/corpus/ja4/pcap/tls-sni.pcapng";
    let run = |lang: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_tls-lens")).args(["diff", "--lang", lang, "--conn-a", "0", "--conn-b", "1", pcap, pcap]).output().unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let cols = |l: &str| l.chars().map(|c| if c as u32 >= 0x2e80 { 2 } else { 1 }).sum::<usize>();
    for lang in ["en", "zh"] {
        let text = run(lang);
        let lines: Vec<&str> = text.lines().collect();
        for l in &lines {
            assert!(cols(l) <= 100, "{lang}: {} columns: {l}", cols(l));
        }
        // The two ClientHellos offer the same 16 suites (Chrome's list, GREASE included).
        let at = lines.iter().position(|l| l.starts_with("cipher_suites")).unwrap();
        assert!(lines[at].ends_with(if lang == "en" { "same (16 values)" } else { "相同（16 个值）" }), "{}", lines[at]);
        assert!(lines[at + 1].starts_with("  A = B: 0xaaaa GREASE, 0x1301 TLS_AES_128_GCM_SHA256"));
        assert!(!lines.iter().any(|l| l.starts_with("  A: 0xaaaa")), "{lang}: an identical list is printed once");
        // JA3 differs (Chrome shuffles its extensions): the two values, nothing "only in" them.
        let ja3 = lines.iter().position(|l| l.starts_with("ja3 ")).unwrap();
        assert!(lines[ja3 + 1].starts_with("  A: ") && lines[ja3 + 2].starts_with("  B: "));
        assert!(lines[ja3 + 3].starts_with("ja4"), "{lang}: {}", lines[ja3 + 3]);
        assert_eq!(text.contains("only in A"), false, "{lang}");
    }
}
