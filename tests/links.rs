//! The documentation's links: every relative link and image in README.md, docs/*.md and
//! tests/bench/README.md points at a file that exists in the repository (so it resolves in a
//! fresh clone, before any build), and the README stays short enough to read in two minutes.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// README.md, every docs/*.md and tests/bench/README.md.
fn documents() -> Vec<PathBuf> {
    let mut files = vec![root().join("README.md"), root().join("tests/bench/README.md")];
    let docs = std::fs::read_dir(root().join("docs")).expect("docs/ exists");
    for entry in docs {
        let path = entry.expect("docs/ is readable").path();
        if path.extension().is_some_and(|e| e == "md") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// The target of every `[text](target)` and `![alt](target)` outside fenced code blocks, as
/// written (with any `#anchor`; without a `"title"`).
fn link_targets(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_code = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        let mut rest = line;
        while let Some(i) = rest.find("](") {
            rest = &rest[i + 2..];
            let end = rest.find(')').unwrap_or(rest.len());
            let target = rest[..end].split_whitespace().next().unwrap_or("");
            out.push(target.trim_start_matches('<').trim_end_matches('>').to_string());
            rest = &rest[end..];
        }
    }
    out
}

/// The file a link points at, or None for links that are not to a file of the repository
/// (web addresses, mail addresses, anchors within the same page).
fn local_path(target: &str) -> Option<&str> {
    let external = ["http://", "https://", "mailto:"].iter().any(|p| target.starts_with(p));
    let path = target.split('#').next().unwrap_or("");
    if external || path.is_empty() {
        None
    } else {
        Some(path)
    }
}

#[test]
fn every_relative_link_resolves() {
    let mut checked = 0;
    let mut broken = Vec::new();
    for doc in documents() {
        let text = std::fs::read_to_string(&doc).unwrap_or_else(|e| panic!("{}: {e}", doc.display()));
        let dir = doc.parent().unwrap_or(Path::new("."));
        for target in link_targets(&text) {
            let Some(path) = local_path(&target) else { continue };
            checked += 1;
            if !dir.join(path).exists() {
                let name = doc.strip_prefix(root()).unwrap_or(doc.as_path());
                broken.push(format!("{}: ({target})", name.display()));
            }
        }
    }
    assert!(broken.is_empty(), "{} broken link(s):\n{}", broken.len(), broken.join("\n"));
    assert!(checked > 20, "only {checked} relative links found: is the extraction broken?");
}

#[test]
fn readme_is_short() {
    let text = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let lines = text.lines().count();
    assert!(lines <= 200, "README.md has {lines} lines; at most 200 (move details to docs/)");
}

#[test]
fn link_extraction() {
    let md = "See [a](docs/a.md), ![b](img/b.png \"title\") and [c](c.md#part).\n\
              [web](https://example.com) [mail](mailto:x@example.com) [here](#top)\n\
              ```\n[not a link](inside/code.md)\n```\n";
    let targets = link_targets(md);
    assert_eq!(targets, ["docs/a.md", "img/b.png", "c.md#part", "https://example.com", "mailto:x@example.com", "#top"]);
    let local: Vec<&str> = targets.iter().filter_map(|t| local_path(t)).collect();
    assert_eq!(local, ["docs/a.md", "img/b.png", "c.md"]);
}
