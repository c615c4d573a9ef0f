//! Reproduce it yourself (issue 21, part 1): every command the key schedule prints, run with
//! OpenSSL 3 here (make setup-test installs it), prints the value shown, for every capture of
//! tests/data with a key log: TLS 1.3 HKDF-Expand-Label (SHA-256 and SHA-384 suites), the
//! TLS 1.2 key block and its parts (SHA-256 and SHA-384 PRF), the TLS 1.0/1.1 PRF (MD5-SHA1),
//! both Finished messages (transcript hash with `openssl dgst`, verify_data with `openssl mac`
//! HMAC or the PRF), and one record per key decrypted with `openssl enc` (AES-GCM and AES-CCM as AES-CTR,
//! ChaCha20-Poly1305 as ChaCha20), whose plaintext is the one shown.

use std::path::{Path, PathBuf};
use std::process::Command;
use tls_lens::{analyze, Options};

fn captures() -> Vec<(PathBuf, PathBuf)> {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut out = Vec::new();
    for dir in [data.clone(), data.join("kinds")] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "pcap")).collect();
        files.sort();
        out.extend(files.into_iter().filter_map(|f| {
            let k = f.with_extension("keylog");
            k.exists().then_some((f, k))
        }));
    }
    out
}

#[test]
fn every_command_prints_the_value_shown() {
    let (mut run, mut digests, mut records, mut ciphers, mut finished) = (0, std::collections::BTreeSet::new(), 0, std::collections::BTreeSet::new(), 0);
    for (file, keylog) in captures() {
        let a = analyze(&std::fs::read(&file).unwrap(), &Options { keylog: std::fs::read_to_string(&keylog).unwrap(), ..Default::default() });
        for c in &a.connections {
            for g in &c.key_schedule {
                for v in &g.values {
                    let Some(cmd) = &v.command else {
                        // Only what the key log itself gives has no command.
                        // (and a record's nonce, spelled out in its formula).
                        assert!(v.name == "secret" || v.name == "master_secret" || v.name.starts_with("nonce, record "), "{}: {} has no command", file.display(), v.name);
                        continue;
                    };
                    let out = Command::new("sh").arg("-c").arg(cmd).output().expect("sh runs");
                    assert!(out.status.success(), "{cmd}: {}", String::from_utf8_lossy(&out.stderr));
                    let printed: String = String::from_utf8_lossy(&out.stdout).chars().filter(|c| c.is_ascii_hexdigit()).collect::<String>().to_lowercase();
                    assert_eq!(printed, v.hex, "{}: {} of {}: {cmd}", file.display(), v.name, g.name);
                    run += 1;
                    finished += usize::from(v.name == "verify_data");
                    if let Some(d) = cmd.split("digest:").nth(1).and_then(|r| r.split(' ').next()) {
                        digests.insert(d.to_string());
                    }
                    if let Some(c) = cmd.split("openssl enc -d -").nth(1).and_then(|r| r.split(' ').next()) {
                        ciphers.insert(c.to_string());
                        records += 1;
                    }
                }
            }
        }
    }
    assert!(run > 200, "only {run} commands ran");
    assert!(records >= 3 * 20, "only {records} records decrypted by hand");
    assert!(finished >= 2 * 20, "only {finished} Finished messages computed by hand");
    assert_eq!(ciphers.into_iter().collect::<Vec<_>>(), ["aes-128-ctr", "aes-256-ctr", "chacha20"]);
    assert_eq!(digests.into_iter().collect::<Vec<_>>(), ["MD5-SHA1", "SHA2-256", "SHA2-384"]);
}
