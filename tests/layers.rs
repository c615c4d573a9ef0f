//! One way through the code: each stage imports only the stages before it (docs/architecture.md, Layout).
//! This reads every `crate::…` path in src/ (outside comments and `#[cfg(test)]` modules) and
//! fails when a file reaches a layer above its own, or when modules import each other in a
//! circle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The layers from the bottom up, as (layer, source paths under src/ it holds). A path ending
/// in '/' is a directory. Written once here and in docs/architecture.md's Layout.
const LAYERS: &[(&str, &[&str])] = &[
    ("base", &["code.rs", "model.rs", "reader.rs", "registry/", "wire.rs"]),
    ("certificates", &["x509/"]),
    ("transport", &["net/"]),
    ("input", &["input/"]),
    ("records and messages", &["tls/"]),
    ("decryption", &["crypto/"]),
    ("quic", &["quic/"]),
    ("handshake model", &["handshake.rs"]),
    ("fingerprints", &["fingerprint/mod.rs"]),
    ("explain", &["explain/"]),
    ("pipeline", &["lib.rs"]),
    ("streaming and comparing", &["scan.rs", "fingerprint/diff.rs", "markdown.rs", "export.rs"]),
    ("faces", &["cli.rs", "wasm.rs", "serve.rs", "harness.rs"]),
    ("binary", &["main.rs"]),
];

/// The layer of a source file (path relative to src/).
fn layer_of_file(rel: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, paths)| paths.iter().any(|p| if p.ends_with('/') { rel.starts_with(p) } else { rel == *p }))
}

/// The file (relative to src/) that a path after `crate::` names: its module, or the crate
/// root for items of lib.rs.
fn target_file(path: &str) -> String {
    let mut parts = path.split("::");
    let first = parts.next().unwrap_or("");
    let second = parts.next().unwrap_or("");
    match first {
        "fingerprint" if second == "diff" => "fingerprint/diff.rs".into(),
        "fingerprint" => "fingerprint/mod.rs".into(),
        "code" | "model" | "reader" | "wire" | "handshake" | "scan" | "serve" | "cli" | "wasm" | "markdown" | "export" => format!("{first}.rs"),
        "registry" | "x509" | "net" | "input" | "tls" | "crypto" | "quic" | "explain" => format!("{first}/"),
        // Items of the crate root (analyze, explain_capture, the re-exports).
        _ => "lib.rs".into(),
    }
}

/// Every `crate::…` path in `src` (a file's text) outside comments and test modules, with the
/// grouped form `crate::{a, b::c}` expanded.
fn crate_paths(src: &str) -> Vec<String> {
    let code = match src.find("#[cfg(test)]\nmod tests") {
        Some(i) => &src[..i],
        None => src,
    };
    let mut out = Vec::new();
    for line in code.lines() {
        let line = match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        };
        let mut rest = line;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + 7..];
            if let Some(group) = rest.strip_prefix('{') {
                let end = group.find('}').unwrap_or(group.len());
                out.extend(group[..end].split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()));
            } else {
                let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).unwrap_or(rest.len());
                out.push(rest[..end].trim_end_matches(':').to_string());
            }
        }
    }
    out
}

/// (importing file, imported file, path) for every import that runs up a layer.
fn upward(files: &BTreeMap<String, String>) -> Vec<(String, String, String)> {
    let mut bad = Vec::new();
    for (rel, src) in files {
        let Some(own) = layer_of_file(rel) else { continue };
        for path in crate_paths(src) {
            let target = target_file(&path);
            let their = layer_of_file(&target).unwrap_or_else(|| panic!("{target} (from {rel}: crate::{path}) is in no layer: add it to LAYERS"));
            if their > own {
                bad.push((rel.clone(), target, path));
            }
        }
    }
    bad
}

/// The top-level module of a file ("tls" for tls/record.rs, "fingerprint/diff" kept apart).
fn module_of(rel: &str) -> String {
    match rel {
        "fingerprint/diff.rs" => "fingerprint/diff".into(),
        _ => rel.split('/').next().unwrap_or(rel).trim_end_matches(".rs").into(),
    }
}

/// Circles between modules (each as the modules on it), from the `crate::` imports.
fn circles(files: &BTreeMap<String, String>) -> Vec<Vec<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (rel, src) in files {
        let from = module_of(rel);
        for path in crate_paths(src) {
            let to = module_of(&target_file(&path));
            if to != from {
                graph.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    // A module is on a circle when it can reach itself.
    let reach = |start: &String| {
        let mut seen = BTreeSet::new();
        let mut todo: Vec<&String> = graph.get(start).map(|s| s.iter().collect()).unwrap_or_default();
        while let Some(m) = todo.pop() {
            if seen.insert(m.clone()) {
                todo.extend(graph.get(m).into_iter().flatten());
            }
        }
        seen
    };
    let mut out: Vec<Vec<String>> = Vec::new();
    for m in graph.keys() {
        let r = reach(m);
        if r.contains(m) {
            let mut on: Vec<String> = r.into_iter().filter(|x| reach(x).contains(m)).collect();
            on.sort();
            if !out.contains(&on) {
                out.push(on);
            }
        }
    }
    out
}

fn sources() -> BTreeMap<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    let mut todo = vec![root.clone()];
    while let Some(dir) = todo.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let rel = p.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read_to_string(&p).unwrap());
            }
        }
    }
    out
}

#[test]
fn every_source_file_is_in_a_layer() {
    let files = sources();
    assert!(files.len() > 30, "found only {} source files", files.len());
    let missing: Vec<&String> = files.keys().filter(|f| layer_of_file(f).is_none()).collect();
    assert!(missing.is_empty(), "files in no layer (add them to LAYERS and docs/architecture.md's Layout): {missing:?}");
}

#[test]
fn no_stage_imports_a_later_one() {
    let bad = upward(&sources());
    let lines: Vec<String> = bad.iter().map(|(f, t, p)| format!("{f} -> {t} (crate::{p})")).collect();
    assert!(bad.is_empty(), "imports that run up a layer:\n{}", lines.join("\n"));
}

#[test]
fn no_modules_import_each_other_in_a_circle() {
    let c = circles(&sources());
    assert!(c.is_empty(), "circles: {c:?}");
}

/// The checks can fail: a record-layer file that reaches into explain, and two modules that
/// import each other.
#[test]
fn the_checks_catch_an_upward_import_and_a_circle() {
    let mut files = BTreeMap::new();
    files.insert("tls/record.rs".to_string(), "use crate::model::Span;\nuse crate::explain::render; // the texts\n".to_string());
    files.insert("model.rs".to_string(), "// crate::explain in a comment is no import\n".to_string());
    let bad = upward(&files);
    assert_eq!(bad, vec![("tls/record.rs".to_string(), "explain/".to_string(), "explain::render".to_string())]);

    files.insert("net/tcp.rs".to_string(), "use crate::{reader::hexs, input::Capture};\n".to_string());
    files.insert("input/mod.rs".to_string(), "fn f() { crate::net::read_file(); }\n".to_string());
    assert_eq!(circles(&files), vec![vec!["input".to_string(), "net".to_string()]]);
    assert!(upward(&files).iter().any(|(f, t, _)| f == "net/tcp.rs" && t == "input/"), "{:?}", upward(&files));
    // Test modules may use anything.
    let mut t = BTreeMap::new();
    t.insert("reader.rs".to_string(), "fn x() {}\n#[cfg(test)]\nmod tests {\n    use crate::explain::render;\n}\n".to_string());
    assert!(upward(&t).is_empty());
}
