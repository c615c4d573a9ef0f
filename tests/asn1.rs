//! A certificate's ASN.1 tree (issue 21, part 2) against `openssl asn1parse` (OpenSSL 3, run
//! here): for every certificate in the captures of tests/data, the same nodes in the same order
//! with the same offsets, depths, header and content lengths and constructed flags; the same
//! strings, times and small integers. (Nodes TLS Lens opens inside OCTET and BIT STRINGs are left
//! out of the comparison: asn1parse prints those strings as hex.)

use std::path::{Path, PathBuf};
use std::process::Command;
use tls_lens::x509::asn1::{parse, Node};
use tls_lens::{analyze, Options};

/// One line of `openssl asn1parse`: offset, depth, header length, length, constructed, the rest.
type Line = (usize, usize, usize, usize, bool, String);

fn openssl(der: &[u8], name: &str) -> Vec<Line> {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("asn1");
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join(name);
    std::fs::write(&f, der).unwrap();
    let out = Command::new("openssl").args(["asn1parse", "-inform", "DER", "-in"]).arg(&f).output().expect("openssl runs");
    assert!(out.status.success(), "openssl asn1parse {name}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            // "    4:d=1  hl=4 l= 858 cons: SEQUENCE" (some values span lines: skip those)
            let (off, rest) = l.trim_start().split_once(":d=")?;
            let (depth, rest) = rest.split_once("hl=")?;
            let (hl, rest) = rest.split_once("l=")?;
            let rest = rest.trim_start();
            let (len, rest) = rest.split_once(' ')?;
            let rest = rest.trim_start();
            let cons = rest.starts_with("cons:");
            let rest = rest.get(5..).unwrap_or("").to_string();
            Some((off.parse().ok()?, depth.trim().parse().ok()?, hl.trim().parse().ok()?, len.trim().parse().ok()?, cons, rest))
        })
        .collect()
}

fn flatten<'a>(nodes: &'a [Node], depth: usize, out: &mut Vec<(usize, &'a Node)>) {
    for n in nodes {
        if n.encapsulated {
            continue;
        }
        out.push((depth, n));
        flatten(&n.children, depth + 1, out);
    }
}

fn captures() -> Vec<(PathBuf, Option<PathBuf>)> {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut out = Vec::new();
    for dir in [data.clone(), data.join("kinds")] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "pcap")).collect();
        files.sort();
        for f in files {
            let k = f.with_extension("keylog");
            out.push((f, k.exists().then_some(k)));
        }
    }
    out
}

/// The server's certificate in tls12-ecdhe-rsa.pcap (one piece: its message fits a record).
fn leaf_der() -> Vec<u8> {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let a = analyze(&std::fs::read(data.join("tls12-ecdhe-rsa.pcap")).unwrap(), &Options::default());
    let c = &a.connections[0];
    let x = &c.certificates[0];
    let hex = &c.stream.hex[2 * x.span.offset..2 * x.span.end()];
    (0..hex.len() / 2).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap()).collect()
}

#[test]
fn every_certificate_parses_as_openssl_asn1parse_reads_it() {
    let mut certs = 0;
    let mut checked_values = 0;
    let mut pieces = 0;
    for (file, keylog) in captures() {
        let keylog = keylog.map(|k| std::fs::read_to_string(k).unwrap()).unwrap_or_default();
        let a = analyze(&std::fs::read(&file).unwrap(), &Options { keylog, ..Default::default() });
        for c in &a.connections {
            for (k, x) in c.certificates.iter().enumerate() {
                // The DER's pieces: several where the Certificate message spans records.
                let hex: String = x.pieces.iter().map(|p| &c.stream.hex[2 * p.offset..2 * p.end()]).collect();
                let der: Vec<u8> = (0..hex.len() / 2).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap()).collect();
                pieces += usize::from(x.pieces.len() > 1);
                let name = format!("{}-{}-{k}.der", file.file_stem().unwrap().to_string_lossy(), c.id);
                let theirs = openssl(&der, &name);
                let (nodes, err) = parse(&der);
                assert_eq!(err, None, "{name}");
                let mut ours = Vec::new();
                flatten(&nodes, 0, &mut ours);
                assert_eq!(ours.len(), theirs.len(), "{name}: node count");
                for ((depth, n), (off, d, hl, len, cons, rest)) in ours.iter().zip(&theirs) {
                    assert_eq!((n.offset, *depth, n.header, n.len, n.constructed), (*off, *d, *hl, *len, *cons), "{name}: {rest}");
                    // Values: strings and times as they are; small non-negative integers (openssl
                    // prints INTEGER in hex).
                    let (tag, value) = rest.split_once(':').map_or((rest.trim(), ""), |(t, v)| (t.trim(), v));
                    match tag {
                        "PRINTABLESTRING" | "UTF8STRING" | "IA5STRING" | "UTCTIME" | "GENERALIZEDTIME" | "T61STRING" => {
                            assert_eq!(n.value.as_deref(), Some(value), "{name} at {off}");
                            checked_values += 1;
                        }
                        "INTEGER" if n.len <= 7 && !value.starts_with('-') => {
                            assert_eq!(n.value.as_deref(), Some(u64::from_str_radix(value, 16).unwrap().to_string().as_str()), "{name} at {off}");
                            checked_values += 1;
                        }
                        "BOOLEAN" => {
                            // openssl prints 255 for TRUE, 0 for FALSE.
                            assert_eq!(n.value.as_deref(), Some(if value.trim() == "0" { "FALSE" } else { "TRUE" }), "{name} at {off}");
                        }
                        _ => {}
                    }
                }
                certs += 1;
            }
        }
    }
    assert!(certs >= 20, "only {certs} certificates");
    // tls13-exts.pcap's record_size_limit splits its Certificate message over records.
    assert!(pieces >= 1, "no certificate in pieces was checked");
    assert!(checked_values >= certs * 4, "{checked_values} values for {certs} certificates");
}

/// Inside the strings: a certificate's public key and extensions are DER too, opened and marked.
#[test]
fn der_inside_strings_is_opened() {
    let der = leaf_der();
    let (nodes, _) = parse(&der);
    let mut all = Vec::new();
    fn every<'a>(n: &'a [Node], out: &mut Vec<&'a Node>) {
        for x in n {
            out.push(x);
            every(&x.children, out);
        }
    }
    every(&nodes, &mut all);
    // The RSA key in subjectPublicKey (a BIT STRING): SEQUENCE { modulus, publicExponent 65537 }.
    let e = all.iter().find(|n| n.encapsulated && n.value.as_deref() == Some("65537"));
    assert!(e.is_some(), "the RSA public exponent inside the BIT STRING");
    assert!(all.iter().any(|n| n.value.as_deref() == Some("rsaEncryption (1.2.840.113549.1.1.1)")));
    assert!(all.iter().any(|n| n.value.as_deref().is_some_and(|v| v.starts_with("subjectAltName"))), "an extension by name");
}

/// Damaged DER never panics and the walk ends: every prefix of a real certificate, and the
/// certificate with each byte in turn set to 0xff (lengths that run past the end, wrong tags).
#[test]
fn damaged_der_never_panics() {
    let der = leaf_der();
    let mut errors = 0;
    for n in 0..der.len() {
        let (_, err) = parse(&der[..n]);
        errors += usize::from(err.is_some());
        let mut bad = der.clone();
        bad[n] = 0xff;
        let _ = parse(&bad);
    }
    // Every prefix but the empty one cuts the outer SEQUENCE short.
    assert_eq!(errors, der.len() - 1);
}
