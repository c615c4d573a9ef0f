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

/// Run the `tls-lens` binary with `args` (the input file is the last one, written from `input`)
/// in at most `kb` KiB of address space (`ulimit -v`): an allocation past it aborts the process
/// ("memory allocation of N bytes failed", status 134), which the caller's assertions catch.
/// Returns (exit code, stdout, stderr).
pub fn run_bounded(args: &[&str], input: &[u8], kb: u64) -> (Option<i32>, String, String) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let file = std::env::temp_dir().join(format!("tls-lens-bounded-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed)));
    std::fs::write(&file, input).unwrap();
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!("ulimit -v {kb}; exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_tls-lens"))
        .args(args)
        .arg(&file)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&file);
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// The least address space (KiB, to 1 MiB) in which `tls-lens explain --json` explains a
/// one-record input: the binary, its libraries and its first allocations. Found by bisection
/// with `run_bounded`, so that a test's bound is this plus what its input may cost, whatever the
/// build (a debug binary maps several times the bytes of a release one).
pub fn baseline_kb() -> u64 {
    static BASE: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *BASE.get_or_init(|| {
        let ok = |kb: u64| {
            let (code, out, _) = run_bounded(&["explain", "--json"], b"16 03 03 00 02 01 00", kb);
            code == Some(0) && out.contains("\"schema\"")
        };
        let (mut lo, mut hi) = (1024u64, 4 << 20);
        assert!(ok(hi), "tls-lens does not run in 4 GiB");
        while hi - lo > 1024 {
            let mid = (lo + hi) / 2;
            if ok(mid) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        hi
    })
}
