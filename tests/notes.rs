//! Every field of every message carries a note, in English and in Chinese, on every capture
//! and dump in tests/data (with its key log where there is one, so decrypted messages count),
//! and every extension code point IANA assigned has a name.

use std::path::{Path, PathBuf};

use tls_lens::model::Field;
use tls_lens::{analyze, registry, Lang, Options};

fn inputs() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if matches!(p.extension().and_then(|x| x.to_str()), Some("pcap" | "pcapng" | "hex" | "txt" | "test")) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Where a field without a note sits: message / parent / ... / field.
fn walk(fields: &[Field], path: &str, missing: &mut Vec<String>) {
    for f in fields {
        let p = format!("{path}/{}", f.name);
        if f.note.as_deref().is_none_or(|n| n.trim().is_empty()) {
            missing.push(format!("{p} = {:?}", f.value));
        }
        walk(&f.children, &p, missing);
    }
}

#[test]
fn no_field_without_a_note_in_either_language() {
    let files = inputs();
    assert!(files.len() > 100, "expected the inputs of tests/data, found {}", files.len());
    let mut fields = 0usize;
    let mut missing = Vec::new();
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let keylog = std::fs::read_to_string(path.with_extension("keylog")).unwrap_or_default();
        for lang in [Lang::En, Lang::Zh] {
            let a = analyze(&bytes, &Options { lang, keylog: keylog.clone(), now: Some(1_800_000_000), ..Default::default() });
            for c in &a.connections {
                for m in &c.messages {
                    let before = missing.len();
                    walk(&m.fields, &format!("{} {lang:?} {}", path.display(), m.name), &mut missing);
                    fields += count(&m.fields);
                    missing[before..].sort();
                }
            }
        }
    }
    missing.dedup();
    assert!(fields > 50_000, "only {fields} fields were checked");
    assert!(missing.is_empty(), "{} field(s) without a note, for example:\n{}", missing.len(), missing.iter().take(30).cloned().collect::<Vec<_>>().join("\n"));
}

fn count(fields: &[Field]) -> usize {
    fields.iter().map(|f| 1 + count(&f.children)).sum()
}

/// The IANA "TLS ExtensionType Values" registry (https://www.iana.org/assignments/tls-extensiontype-values,
/// as of 2025): 0-62 are assigned (40 and 46 reserved: the TLS 1.3 drafts used them), then
/// ech_outer_extensions 64768, encrypted_client_hello 65037 and renegotiation_info 65281.
#[test]
fn every_iana_extension_has_a_name() {
    let assigned: Vec<u16> = (0..=62).chain([64768, 65037, 65281]).collect();
    for v in assigned {
        let name = registry::extension_name(v);
        assert!(name != "unknown" && name != "GREASE", "extension {v} (0x{v:04x}) is shown as {name}");
        assert!(registry::extension_rfc(v).is_some(), "extension {v} has no reference");
    }
    // Unassigned values stay unknown rather than guessed.
    assert_eq!(registry::extension_name(63), "unknown");
    assert_eq!(registry::extension_name(0x0a0a), "GREASE");
}
