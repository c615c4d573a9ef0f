//! Shared by the integration tests: the files of tests/data. (Each test crate uses some of it.)
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// tests/data.
pub fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// Every file under tests/data (recursively) whose extension is one of `exts`, sorted.
pub fn data_files(exts: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![data()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().and_then(|x| x.to_str()).is_some_and(|x| exts.contains(&x)) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The first ClientHello handshake message (header and body) of tests/data/tls13.hex, OpenSSL's
/// (SNI tls-lens.example): the client's lines run from a "C:" line to the next "S:" line, and
/// the first record is that ClientHello.
pub fn tls13_client_hello() -> Vec<u8> {
    let text = std::fs::read_to_string(data().join("tls13.hex")).unwrap();
    let mut client = false;
    let mut hex = String::new();
    for line in text.lines() {
        client = if line.starts_with("C:") { true } else if line.starts_with("S:") { false } else { client };
        if client {
            hex.extend(line.trim_start_matches("C:").chars().filter(|c| c.is_ascii_hexdigit()));
        }
    }
    let b: Vec<u8> = (0..hex.len() / 2).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap()).collect();
    let n = u16::from_be_bytes([b[3], b[4]]) as usize;
    b[5..5 + n].to_vec()
}
