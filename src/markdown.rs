//! The explanation as Markdown (issue 21): for a tutorial. Per connection: a summary table, the
//! handshake as a Mermaid sequence diagram, each step numbered with its title and explanation
//! (and, with `fields`, a table of its fields and their notes), then the notes. Written from the
//! explained analysis (the JSON contract's values), in its language; labels from the texts.

use crate::explain::{word, Lang};
use crate::model::{Analysis, Connection, Dir, Field, NoteSeverity};

/// Text for a table cell: one line, `|` escaped.
fn cell(s: &str) -> String {
    s.replace('\\', "\\\\").replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// Text for a Mermaid message label: no statement separators or entity marks.
fn label(s: &str) -> String {
    s.replace([';', '#', '\n'], " ")
}

pub fn markdown(a: &Analysis, fields: bool) -> String {
    let lang = Lang::parse(a.lang).unwrap_or_default();
    let w = |key: &str| word(lang, &format!("@word.md.{key}"));
    let mut out = String::new();
    if a.connections.is_empty() {
        out.push_str(&format!("# {}\n\n{}\n", w("title"), w("none")));
    }
    for c in &a.connections {
        connection(&mut out, c, lang, a.connections.len() > 1, fields);
    }
    let errors: Vec<&str> = a.diagnostics.iter().filter(|d| d.severity == crate::model::Severity::Error).map(|d| d.message.as_str()).collect();
    if !errors.is_empty() {
        out.push_str(&format!("## {}\n\n", w("diagnostics")));
        for e in errors {
            out.push_str(&format!("- {e}\n"));
        }
        out.push('\n');
    }
    out
}

fn connection(out: &mut String, c: &Connection, lang: Lang, several: bool, fields: bool) {
    let w = |key: &str| word(lang, &format!("@word.md.{key}"));
    let s = &c.summary;
    let mut head = w("title");
    if several {
        head.push_str(&format!(" #{}", c.id));
    }
    if let (Some(cl), Some(sv)) = (&c.client, &c.server) {
        head.push_str(&format!(": {cl} → {sv}"));
    }
    out.push_str(&format!("# {head}\n\n"));
    // The summary.
    let mut rows: Vec<(String, String)> = Vec::new();
    let mut row = |k: &str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            rows.push((w(k), v));
        }
    };
    row("version", s.version_name.clone());
    row("mode", Some(word(lang, &format!("@word.mode.{}", c.handshake.mode))));
    row("suite", s.cipher_suite_name.clone());
    row("kx", s.key_exchange.clone().map(|k| match &s.group_name { Some(g) => format!("{k}, {g}"), None => k }));
    // A log names the host curl connected to, not the ClientHello's server_name itself.
    row("sni", s.sni.clone().map(|n| if c.handshake.from_log { crate::explain::render(lang, &crate::model::TextRef::new("word.md.sni_log").arg("sni", n), None) } else { n }));
    row("alpn", s.alpn.clone());
    row("certificate", c.certificates.first().map(|x| x.subject.clone()));
    if let Some(t) = &s.timing {
        let ms = |us: i64| crate::explain::render(lang, &crate::model::TextRef::new("word.cli.ms").arg("ms", crate::model::millis(us)), None);
        row("server_answer", t.server_hello_us.map(ms));
        row("finished", t.finished_us.map(ms));
    }
    if !rows.is_empty() {
        out.push_str(&format!("| {} | |\n|---|---|\n", w("summary")));
        for (k, v) in rows {
            out.push_str(&format!("| {} | {} |\n", cell(&k), cell(&v)));
        }
        out.push('\n');
    }
    // The sequence diagram.
    if !c.messages.is_empty() {
        out.push_str(&format!("```mermaid\nsequenceDiagram\n    participant C as {}\n    participant S as {}\n", label(&w("client")), label(&w("server"))));
        for m in &c.messages {
            let (from, to) = if m.dir == Some(Dir::S2C) { ("S", "C") } else { ("C", "S") };
            // Encrypted steps dashed, as the page draws them.
            let arrow = if m.encrypted { "-->>" } else { "->>" };
            let enc = if m.encrypted { format!(" ({})", w("encrypted")) } else { String::new() };
            out.push_str(&format!("    {from}{arrow}{to}: {}. {}{}\n", m.step, label(&m.name), label(&enc)));
        }
        out.push_str("```\n\n");
    }
    // The steps.
    for m in &c.messages {
        let dir = match m.dir {
            Some(Dir::C2S) => w("c2s"),
            Some(Dir::S2C) => w("s2c"),
            None => w("dir_unknown"),
        };
        let mut tags = vec![dir];
        if m.encrypted {
            tags.push(w("encrypted"));
        }
        if m.decrypted {
            tags.push(w("decrypted"));
        }
        out.push_str(&format!("## {}. {}\n\n*{}* · `{}`\n\n{}\n\n", m.step, m.title, tags.join(" · "), m.name, m.explanation));
        if fields && !m.fields.is_empty() {
            out.push_str(&format!("| {} | {} | {} |\n|---|---|---|\n", w("field"), w("value"), w("note")));
            for f in &m.fields {
                field_rows(out, f, 0);
            }
            out.push('\n');
        }
    }
    if !c.notes.is_empty() {
        out.push_str(&format!("## {}\n\n", w("notes")));
        for n in &c.notes {
            let sev = match n.severity {
                NoteSeverity::Info => w("info"),
                NoteSeverity::Warning => w("warning"),
                NoteSeverity::Danger => w("danger"),
            };
            out.push_str(&format!("- **{sev}**: {}\n", n.text));
        }
        out.push('\n');
    }
}

/// A field and its children (two levels down) as table rows, nested names indented.
fn field_rows(out: &mut String, f: &Field, depth: usize) {
    let name = format!("{}`{}`", "&nbsp;&nbsp;".repeat(depth), cell(&f.name));
    out.push_str(&format!("| {name} | {} | {} |\n", cell(&f.value), cell(f.note.as_deref().unwrap_or(""))));
    if depth < 2 {
        for k in &f.children {
            field_rows(out, k, depth + 1);
        }
    }
}
