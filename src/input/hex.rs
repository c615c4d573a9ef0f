//! Hex text: any whitespace, `:`/`-`/`,` separators, `0x` prefixes; lines starting with `>` or
//! `C:` are client->server and `<` or `S:` server->client until the next marker.
//! Also `hexdump -C` lines (offset, bytes, `|ascii|`), with Go crypto/tls transcript headers
//! (`>>> Flow 1 (client to server)`) as direction markers.

use super::Capture;
use crate::model::{Diagnostic, Dir, Severity};

const MAX_CHAR_DIAGNOSTICS: usize = 20;

pub fn parse(text: &str) -> Capture {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut cap = Capture { kind: "hex", ..Default::default() };
    let mut dir: Option<Dir> = None;
    let mut digits: Vec<u8> = Vec::new();
    // Text position of the first digit of the pending byte, for odd-length reports.
    let mut nibble_at: Option<(usize, usize, usize)> = None;
    let mut bad_chars = 0usize;
    let mut line_start = 0usize;

    for (line_no, line) in text.split('\n').enumerate() {
        let line_offset = line_start;
        line_start += line.len() + 1;
        if let Some(d) = flow_header(line) {
            flush(&mut cap, dir, &mut digits, &mut nibble_at);
            dir = Some(d);
            cap.marked = true;
            continue;
        }
        // `hexdump -C`: drop the offset column and the ASCII column.
        let (line, dump_skip) = match hexdump_body(line) {
            Some((from, to)) => (&line[..to], from),
            None => (line, 0),
        };
        let trimmed = line[dump_skip..].trim_start();
        let indent = line.len() - trimmed.len();
        let (marker, body_at) = marker(trimmed);
        if let Some(m) = marker {
            flush(&mut cap, dir, &mut digits, &mut nibble_at);
            dir = Some(m);
            cap.marked = true;
        }
        let body = &trimmed[body_at..];
        let body_offset = line_offset + indent + body_at;
        let chars: Vec<(usize, char)> = body.char_indices().collect();
        let mut i = 0;
        while i < chars.len() {
            let (pos, ch) = chars[i];
            let next = chars.get(i + 1).map(|c| c.1);
            if ch == '0' && matches!(next, Some('x') | Some('X')) && digits.len().is_multiple_of(2) {
                i += 2;
                continue;
            }
            if let Some(v) = ch.to_digit(16) {
                if digits.len().is_multiple_of(2) {
                    let col = body[..pos].chars().count() + 1 + indent + trimmed[..body_at].chars().count();
                    nibble_at = Some((body_offset + pos, line_no + 1, col));
                }
                digits.push(v as u8);
            } else if !(ch.is_whitespace() || matches!(ch, ':' | '-' | ',' | ';' | '\r')) {
                bad_chars += 1;
                if bad_chars <= MAX_CHAR_DIAGNOSTICS {
                    let col = line[..indent + body_at + pos].chars().count() + 1;
                    cap.diagnostics.push(Diagnostic {
                        severity: Severity::Error,
                        offset: body_offset + pos,
                        message: format!("line {}, column {col}: '{}' is not a hex digit (skipped)", line_no + 1, ch.escape_default()),
                        line: Some(line_no + 1),
                        column: Some(col),
                        connection: None,
                    });
                }
            }
            i += 1;
        }
    }
    flush(&mut cap, dir, &mut digits, &mut nibble_at);
    if bad_chars > MAX_CHAR_DIAGNOSTICS {
        cap.diagnostics.push(Diagnostic::error(
            text.len(),
            format!("{} more characters were not hex digits and were skipped", bad_chars - MAX_CHAR_DIAGNOSTICS),
        ));
    }
    if cap.data.is_empty() && cap.diagnostics.is_empty() {
        cap.diagnostics.push(Diagnostic::error(0, "no hex digits found: expected hex of TLS records"));
    }
    cap
}

/// Go crypto/tls testdata: `>>> Flow 1 (client to server)`.
fn flow_header(line: &str) -> Option<Dir> {
    let rest = line.trim_start().strip_prefix(">>> Flow")?;
    if rest.contains("client to server") {
        Some(Dir::C2S)
    } else if rest.contains("server to client") {
        Some(Dir::S2C)
    } else {
        None
    }
}

/// For a `hexdump -C` line (`00000010  16 03 01 ...  |....|`): where the bytes start (after
/// the offset) and end (before the ASCII column).
fn hexdump_body(line: &str) -> Option<(usize, usize)> {
    let b = line.as_bytes();
    if b.len() < 10 || !b[..8].iter().all(u8::is_ascii_hexdigit) || b[8] != b' ' || b[9] != b' ' {
        return None;
    }
    let end = line.find('|').unwrap_or(line.len());
    (end > 10).then_some((10, end))
}

/// Direction marker at the start of a (left-trimmed) line, and where the hex after it starts.
fn marker(line: &str) -> (Option<Dir>, usize) {
    let b = line.as_bytes();
    match b {
        [b'>', ..] => (Some(Dir::C2S), 1),
        [b'<', ..] => (Some(Dir::S2C), 1),
        [b'C' | b'c', b':', ..] => (Some(Dir::C2S), 2),
        [b'S' | b's', b':', ..] => (Some(Dir::S2C), 2),
        _ => (None, 0),
    }
}

fn flush(cap: &mut Capture, dir: Option<Dir>, digits: &mut Vec<u8>, nibble_at: &mut Option<(usize, usize, usize)>) {
    if digits.len() % 2 == 1 {
        if let Some((offset, line, column)) = *nibble_at {
            cap.diagnostics.push(Diagnostic {
                severity: Severity::Error,
                offset,
                message: format!("line {line}, column {column}: odd number of hex digits, the last digit '{:x}' has no partner (dropped)", digits[digits.len() - 1]),
                line: Some(line),
                column: Some(column),
                connection: None,
            });
        }
        digits.pop();
    }
    let bytes: Vec<u8> = digits.chunks(2).map(|p| (p[0] << 4) | p[1]).collect();
    cap.push(dir, &bytes);
    digits.clear();
    *nibble_at = None;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_common_separators_and_prefixes() {
        for text in ["16 03 01", "16:03:01", "16-03-01", "0x16, 0x03, 0x01", "160301\n", "  16\t0301 "] {
            let c = parse(text);
            assert_eq!(c.data, vec![0x16, 0x03, 0x01], "{text:?}");
            assert!(c.diagnostics.is_empty(), "{text:?}: {:?}", c.diagnostics);
            assert!(!c.marked);
        }
    }

    #[test]
    fn markers_set_directions() {
        let c = parse("C: 16 03\n01\nS: 16\n< 17\n> 15 03");
        assert!(c.marked);
        let dirs: Vec<_> = c.chunks.iter().map(|k| (k.dir, k.offset, k.len)).collect();
        assert_eq!(
            dirs,
            vec![(Some(Dir::C2S), 0, 3), (Some(Dir::S2C), 3, 2), (Some(Dir::C2S), 5, 2)]
        );
    }

    #[test]
    fn bad_characters_are_reported_with_line_and_column() {
        let c = parse("1603\n01zz00");
        assert_eq!(c.data, vec![0x16, 0x03, 0x01, 0x00]);
        assert_eq!(c.diagnostics.len(), 2);
        assert_eq!((c.diagnostics[0].line, c.diagnostics[0].column), (Some(2), Some(3)));
        assert_eq!(c.diagnostics[0].offset, 7);
    }

    #[test]
    fn hexdump_c_and_go_flows() {
        let text = ">>> Flow 1 (client to server)\n00000000  16 03 01 00 02 01 00  |.......|\n>>> Flow 2 (server to client)\n00000000  15 03 03 00 02 02 28                              |......(|\n";
        let c = parse(text);
        assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
        assert_eq!(c.data, vec![0x16, 3, 1, 0, 2, 1, 0, 0x15, 3, 3, 0, 2, 2, 0x28]);
        assert_eq!(c.chunks.len(), 2);
        assert_eq!(c.chunks[1].dir, Some(Dir::S2C));
    }

    #[test]
    fn odd_length_is_reported() {
        let c = parse("16 03 0");
        assert_eq!(c.data, vec![0x16, 0x03]);
        assert_eq!(c.diagnostics.len(), 1);
        assert_eq!(c.diagnostics[0].column, Some(7));
    }
}
