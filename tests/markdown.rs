//! `tls-lens explain --format markdown` (issue 21): the same steps as the JSON, in order, with
//! their titles and explanations, a Mermaid diagram with one arrow per step, in both languages.
//! (Browser test s4 parses it with a Markdown parser from npm.)

use tls_lens::{analyze, Lang, Options};

#[test]
fn markdown_holds_the_steps_of_the_json() {
    for (path, lang) in [("tests/data/tls12-ecdhe-rsa.pcap", Lang::En), ("tests/data/tls13.pcap", Lang::Zh), ("www/samples/quic-illustrated.pcapng", Lang::En)] {
        let a = analyze(&std::fs::read(path).unwrap(), &Options { lang, ..Default::default() });
        let md = tls_lens::markdown::markdown(&a, true);
        let c = &a.connections[0];
        let heads: Vec<&str> = md.lines().filter(|l| l.starts_with("## ") && l.as_bytes().get(3).is_some_and(u8::is_ascii_digit)).collect();
        assert_eq!(heads.len(), c.messages.len(), "{path}");
        for (h, m) in heads.iter().zip(&c.messages) {
            assert_eq!(*h, format!("## {}. {}", m.step, m.title), "{path}");
            assert!(md.contains(&m.explanation), "{path}: step {} explanation", m.step);
        }
        let arrows = md.lines().filter(|l| l.starts_with("    C-") || l.starts_with("    S-")).count();
        assert_eq!(arrows, c.messages.len(), "{path}: one arrow per step");
        assert!(md.contains("```mermaid\nsequenceDiagram\n"));
        if lang == Lang::Zh {
            assert!(md.contains("| 概要 | |") && md.contains("participant C as 客户端"), "{path}");
        }
    }
}

/// A `|` in a value (an ALPN id, a certificate name) cannot break the tables.
#[test]
fn table_cells_escape_pipes() {
    let a = analyze(&std::fs::read("tests/data/tls12-ecdhe-rsa.pcap").unwrap(), &Options::default());
    let mut a2 = a.clone();
    a2.connections[0].summary.sni = Some("a|b".into());
    let md = tls_lens::markdown::markdown(&a2, false);
    assert!(md.contains("| Server name (SNI) | a\\|b |"), "{md}");
}
