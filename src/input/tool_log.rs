//! Tool logs that carry bytes: `openssl s_client -msg` and `-debug`, `curl --trace` (and
//! `--trace-ascii`, which has no hex and is read like a `curl -v` log). Directions come from
//! the logs' own markers. The formats, as seen from OpenSSL 3.0 and curl 7.88, are described
//! in tests/data/logs/FORMATS.md.
//!
//! `-debug` shows the raw socket reads and writes: the exact wire bytes. `-msg` and
//! `--trace` show each record's 5-byte header, then (for TLS 1.3) the inner content type, then
//! the plaintext: for records that were encrypted on the wire that is the *decrypted* message,
//! whose ciphertext is not in the log. Such records are rebuilt with the inner content type and
//! the plaintext length in their header and marked decrypted; plaintext records come out
//! byte for byte as on the wire.

use super::Capture;
use crate::model::{Diagnostic, Dir, NoteSeverity, TextRef};

#[derive(Debug)]
enum Item {
    /// A record header as the log shows it.
    Header(Dir, [u8; 5]),
    /// TLS 1.3 inner content type.
    Inner(Dir, u8),
    /// Plaintext of (part of) a record; the content type when the log names it.
    Body(Dir, Option<u8>, Vec<u8>),
    /// Raw socket bytes (`-debug`).
    Wire(Dir, Vec<u8>),
    /// Decrypted application data (curl's header/data blocks).
    App(Dir, Vec<u8>),
}

fn hex_byte(s: &str) -> Option<u8> {
    if s.len() == 2 && s.bytes().all(|c| c.is_ascii_hexdigit()) {
        u8::from_str_radix(s, 16).ok()
    } else {
        None
    }
}

/// `(>>>|<<<) LABEL, KIND [length HHHH]...`: direction, kind, length.
fn msg_header(l: &str) -> Option<(Dir, &str, usize, &str)> {
    let dir = if l.starts_with(">>> ") {
        Dir::C2S
    } else if l.starts_with("<<< ") {
        Dir::S2C
    } else {
        return None;
    };
    let (head, rest) = l[4..].split_once(" [length ")?;
    let (len, details) = rest.split_once(']')?;
    let len = usize::from_str_radix(len, 16).ok()?;
    let kind = head.rsplit([',', ' ']).next()?.trim();
    Some((dir, kind, len, details))
}

/// `write to 0x.. [0x..] (R bytes => N (0xN))` / `read from ...`: direction and N.
fn debug_header(l: &str) -> Option<(Dir, usize)> {
    let dir = if l.starts_with("write to 0x") {
        Dir::C2S
    } else if l.starts_with("read from 0x") {
        Dir::S2C
    } else {
        return None;
    };
    let n = l.split_once(" => ")?.1.split([' ', ')']).next()?;
    // A failed or EOF read says "=> 0" or "=> -1".
    Some((dir, n.parse::<i64>().ok().map_or(0, |n| n.max(0) as usize)))
}

/// `=> Send SSL data, N bytes (0xH)`: direction, what, N.
fn curl_header(l: &str) -> Option<(Dir, &str, usize)> {
    let (dir, rest) = if let Some(r) = l.strip_prefix("=> Send ") {
        (Dir::C2S, r)
    } else if let Some(r) = l.strip_prefix("<= Recv ") {
        (Dir::S2C, r)
    } else {
        return None;
    };
    let (what, n) = rest.split_once(", ")?;
    let n = n.split_once(" bytes")?.0.parse().ok()?;
    Some((dir, what, n))
}

/// Bytes of one dump line: `want` hex pairs in fixed columns from `start`, 3 characters apart.
fn dump_bytes(l: &str, start: usize, want: usize) -> Option<Vec<u8>> {
    (0..want).map(|i| l.get(start + 3 * i..start + 3 * i + 2).and_then(hex_byte)).collect()
}

/// What a log line's `== Info: TLSv1.x (IN|OUT), TLS <kind>, ...` says about the next block.
fn curl_info_type(l: &str) -> Option<Option<u8>> {
    let rest = l.strip_prefix("== Info: ")?;
    let (_, after) = rest.split_once("), ")?;
    let kind = after.split(',').next()?.trim();
    Some(match kind {
        "TLS handshake" => Some(22),
        "TLS change cipher" => Some(20),
        "TLS alert" => Some(21),
        "TLS app data" => Some(23),
        // Older curls print a line for record headers ("TLS header", "TLS Unknown").
        _ => None,
    })
}

fn kind_type(kind: &str) -> Option<u8> {
    match kind {
        "Handshake" => Some(22),
        "ChangeCipherSpec" => Some(20),
        "Alert" => Some(21),
        "ApplicationData" => Some(23),
        _ => None,
    }
}

/// Read a tool log with bytes; None when the text is not one. `--trace-ascii` logs come back
/// as `curl -v` text (their `== Info:` lines) for the byteless reader.
pub enum ToolLog {
    Bytes(Capture),
    VerboseText(String),
}

pub fn parse(text: &str) -> Option<ToolLog> {
    let lines: Vec<&str> = text.lines().map(|l| l.trim_end_matches('\r')).collect();
    // Byte offset of each line in the text, for diagnostics.
    let mut starts = Vec::with_capacity(lines.len() + 1);
    let mut at = 0;
    for l in text.split_inclusive('\n') {
        starts.push(at);
        at += l.len();
    }
    starts.push(at);
    let off = |line: usize| starts.get(line.saturating_sub(1)).copied().unwrap_or(at);
    let msg = lines.iter().filter(|l| msg_header(l).is_some()).count();
    let debug = lines.iter().filter(|l| debug_header(l).is_some()).count();
    let curl = lines.iter().filter(|l| curl_header(l).is_some()).count();
    if msg + debug + curl < 2 {
        return None;
    }
    let mut items = Vec::new();
    let mut diags = Vec::new();
    let mut i = 0;
    let mut curl_ascii = false;
    let mut info: Option<Option<u8>> = None;
    while i < lines.len() {
        let l = lines[i];
        let line_no = i + 1;
        i += 1;
        if let Some((dir, kind, len, _)) = msg_header(l) {
            let mut bytes = Vec::with_capacity(len.min(1 << 16));
            while bytes.len() < len && i < lines.len() {
                let parts: Vec<&str> = lines[i].split_whitespace().collect();
                if !lines[i].starts_with(' ') || parts.is_empty() {
                    break;
                }
                let Some(b) = parts.iter().map(|p| hex_byte(p)).collect::<Option<Vec<u8>>>() else { break };
                bytes.extend(b);
                i += 1;
            }
            if bytes.len() != len {
                diags.push(Diagnostic::warning(off(line_no), TextRef::new("diag.log.entry_short").arg("line", line_no.to_string()).arg("len", len.to_string()).arg("n", bytes.len().to_string())).at_line(line_no, 1));
            }
            match kind {
                "RecordHeader" if bytes.len() == 5 => items.push(Item::Header(dir, [bytes[0], bytes[1], bytes[2], bytes[3], bytes[4]])),
                "InnerContent" if bytes.len() == 1 => items.push(Item::Inner(dir, bytes[0])),
                _ if !bytes.is_empty() => items.push(Item::Body(dir, kind_type(kind), bytes)),
                _ => {}
            }
            continue;
        }
        if let Some((dir, n)) = debug_header(l) {
            let mut bytes = Vec::with_capacity(n.min(1 << 16));
            while bytes.len() < n && i < lines.len() {
                let want = (n - bytes.len()).min(16);
                match dump_bytes(lines[i], 7, want).filter(|_| lines[i].get(4..7) == Some(" - ")) {
                    Some(b) => bytes.extend(b),
                    None => {
                        diags.push(
                            Diagnostic::warning(off(i + 1), TextRef::new("diag.log.dump_line").arg("line", (i + 1).to_string()).arg("want", want.to_string()).arg("n", (n - bytes.len()).to_string()))
                                .at_line(i + 1, 1),
                        );
                        break;
                    }
                }
                i += 1;
            }
            if !bytes.is_empty() {
                items.push(Item::Wire(dir, bytes));
            }
            continue;
        }
        if let Some((dir, what, n)) = curl_header(l) {
            let mut bytes = Vec::with_capacity(n.min(1 << 16));
            while bytes.len() < n && i < lines.len() {
                let want = (n - bytes.len()).min(16);
                match dump_bytes(lines[i], 6, want).filter(|_| lines[i].get(4..6) == Some(": ")) {
                    Some(b) => bytes.extend(b),
                    None => {
                        if lines[i].get(4..6) == Some(": ") && bytes.is_empty() {
                            curl_ascii = true;
                        }
                        break;
                    }
                }
                i += 1;
            }
            if curl_ascii {
                break;
            }
            if bytes.len() != n {
                diags.push(Diagnostic::warning(off(line_no), TextRef::new("diag.log.block_short").arg("line", line_no.to_string()).arg("len", n.to_string()).arg("n", bytes.len().to_string())).at_line(line_no, 1));
            }
            let named = info.take();
            if what == "SSL data" {
                match named {
                    Some(ct) => items.push(Item::Body(dir, ct, bytes)),
                    None if bytes.len() == 5 && (20..=24).contains(&bytes[0]) && bytes[1] == 3 => {
                        items.push(Item::Header(dir, [bytes[0], bytes[1], bytes[2], bytes[3], bytes[4]]))
                    }
                    None if bytes.len() == 1 => items.push(Item::Inner(dir, bytes[0])),
                    None => items.push(Item::Body(dir, None, bytes)),
                }
            } else {
                items.push(Item::App(dir, bytes));
            }
            continue;
        }
        if let Some(t) = curl_info_type(l) {
            info = t.map(Some);
            if t.is_none() {
                info = None;
            }
        } else if l.starts_with("== Info: ") {
            info = None;
        }
    }
    if curl_ascii {
        let verbose: String = lines
            .iter()
            .map(|l| match l.strip_prefix("== Info: ") {
                Some(rest) => format!("* {rest}\n"),
                None => "\n".into(),
            })
            .collect();
        return Some(ToolLog::VerboseText(verbose));
    }
    let has_records = items.iter().any(|it| matches!(it, Item::Header(..) | Item::Body(..)));
    let kind = if curl > 0 {
        "curl-trace"
    } else if has_records {
        "openssl-msg"
    } else {
        "openssl-debug"
    };
    let mut cap = Capture { kind, marked: true, diagnostics: diags, ..Default::default() };
    if has_records {
        rebuild(&items, &mut cap);
    } else {
        for it in &items {
            if let Item::Wire(dir, b) = it {
                cap.push(Some(*dir), b);
            }
        }
    }
    if cap.data.is_empty() {
        cap.diagnostics.push(Diagnostic::error(0, TextRef::new("diag.log.no_bytes").arg("kind", kind)));
    }
    Some(ToolLog::Bytes(cap))
}

#[derive(Default)]
struct Open {
    header: Option<[u8; 5]>,
    inner: Option<u8>,
    ct: Option<u8>,
    body: Vec<u8>,
}

/// Records from header / inner type / plaintext items, in log order.
fn rebuild(items: &[Item], cap: &mut Capture) {
    let mut open: [Open; 2] = Default::default();
    let mut decrypted = 0usize;
    let mut hidden = [0usize; 2];
    let mut ccs_filled = false;
    let mut app: [Vec<u8>; 2] = Default::default();
    let idx = |d: Dir| if d == Dir::C2S { 0 } else { 1 };
    let dir_of = |i: usize| if i == 0 { Dir::C2S } else { Dir::S2C };
    let mut flush = |o: &mut Open, dir: Dir, cap: &mut Capture| {
        let o = std::mem::take(o);
        let Some(h) = o.header else {
            if !o.body.is_empty() {
                // Older -msg output without record headers: rebuild one.
                let ct = o.ct.unwrap_or(22);
                push_record(cap, dir, [ct, 3, 3, 0, 0], &o.body, true);
                decrypted += 1;
            }
            return;
        };
        let declared = u16::from_be_bytes([h[3], h[4]]) as usize;
        if o.body.is_empty() {
            if h[0] == 20 && declared == 1 {
                // A received ChangeCipherSpec shows only its header; its body is always 1.
                cap.push(Some(dir), &h);
                cap.push(Some(dir), &[1]);
                ccs_filled = true;
            } else {
                hidden[idx(dir)] += 1;
            }
        } else if o.inner.is_none() && o.body.len() == declared {
            cap.push(Some(dir), &h);
            cap.push(Some(dir), &o.body);
        } else {
            let ct = o.inner.or(o.ct).unwrap_or(h[0]);
            push_record(cap, dir, [ct, h[1], h[2], 0, 0], &o.body, true);
            decrypted += 1;
        }
    };
    for it in items {
        match it {
            Item::Header(dir, h) => {
                for (i, o) in open.iter_mut().enumerate() {
                    flush(o, dir_of(i), cap);
                }
                open[idx(*dir)].header = Some(*h);
            }
            Item::Inner(dir, t) => open[idx(*dir)].inner = Some(*t),
            Item::Body(dir, ct, b) => {
                let o = &mut open[idx(*dir)];
                if o.header.is_none() && !o.body.is_empty() && o.ct != *ct {
                    flush(o, *dir, cap);
                }
                let o = &mut open[idx(*dir)];
                o.ct = o.ct.or(*ct);
                o.body.extend_from_slice(b);
            }
            Item::App(dir, b) => {
                if app[idx(*dir)].len() < 4096 {
                    app[idx(*dir)].extend_from_slice(&b[..b.len().min(4096)]);
                }
            }
            Item::Wire(..) => {}
        }
    }
    for (i, o) in open.iter_mut().enumerate() {
        flush(o, dir_of(i), cap);
    }
    let tool = if cap.kind == "curl-trace" { "curl --trace" } else { "openssl s_client -msg" };
    if decrypted > 0 {
        cap.notes.push((NoteSeverity::Info, TextRef::new("note.log.decrypted").arg("tool", tool).arg("n", decrypted.to_string())));
    }
    if ccs_filled {
        cap.notes.push((NoteSeverity::Info, TextRef::new("note.log.ccs_body").arg("tool", tool)));
    }
    if hidden[0] + hidden[1] > 0 {
        cap.notes.push((NoteSeverity::Info, TextRef::new("note.log.hidden").arg("c2s", hidden[0].to_string()).arg("s2c", hidden[1].to_string())));
    }
    if !app[0].is_empty() || !app[1].is_empty() {
        use crate::reader::first_line;
        cap.notes.push((NoteSeverity::Info, TextRef::new("note.log.app_data").arg("sent", first_line(&app[0])).arg("received", first_line(&app[1]))));
    }
}

/// A record rebuilt from plaintext: the given type and version, the plaintext's length.
fn push_record(cap: &mut Capture, dir: Dir, mut h: [u8; 5], body: &[u8], decrypted: bool) {
    // Records hold at most 2^14 bytes; a longer plaintext came from several records.
    for part in body.chunks(1 << 14) {
        let n = part.len() as u16;
        h[3..5].copy_from_slice(&n.to_be_bytes());
        let at = cap.data.len();
        cap.push(Some(dir), &h);
        cap.push(Some(dir), part);
        if decrypted {
            cap.decrypted.push((at, 5 + part.len()));
        }
    }
}
