//! Hex text: any whitespace, `:`/`-`/`,` separators, `0x` prefixes; lines starting with `>` or
//! `C:` are client->server and `<` or `S:` server->client until the next marker.
//! Dumps with an offset column are recognised when their offsets add up: `hexdump -C`, `xxd`,
//! `od -A x -t x1z`, Wireshark "Copy as Hex Dump", `tcpdump -X`/`-xx` (the ASCII column and any
//! header lines are ignored; an offset that restarts at 0 starts a new block, e.g. a packet).
//! Go crypto/tls transcript headers (`>>> Flow 1 (client to server)`) are direction markers.

use super::Capture;
use crate::model::{Diagnostic, Dir, TextRef};

const MAX_CHAR_DIAGNOSTICS: usize = 20;

pub fn parse(text: &str) -> Capture {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut cap = Capture { kind: "hex", ..Default::default() };
    let mut dir: Option<Dir> = None;
    let mut digits: Vec<u8> = Vec::new();
    // Text position of the first digit of the pending byte, for odd-length reports.
    let mut nibble_at: Option<(usize, usize, usize)> = None;
    let mut bad_chars = 0usize;
    let mut hex_chars = 0usize;
    let mut line_start = 0usize;
    let dump = is_dump(text);
    if dump {
        cap.kind = "hexdump";
    }

    for (line_no, line) in text.split('\n').enumerate() {
        let line_offset = line_start;
        line_start += line.len() + 1;
        if let Some(d) = flow_header(line) {
            flush(&mut cap, dir, &mut digits, &mut nibble_at);
            dir = Some(d);
            cap.marked = true;
            continue;
        }
        // A dump: keep only the bytes column; other lines (headers, ASCII) are not data.
        let (line, dump_skip) = if dump {
            match dump_line(line) {
                Some(d) => {
                    if d.offset == 0 && (!digits.is_empty() || !cap.data.is_empty()) {
                        flush(&mut cap, dir, &mut digits, &mut nibble_at);
                        cap.blocks.push(cap.data.len());
                    }
                    (&line[..d.to], d.from)
                }
                None => match marker(line.trim_start()) {
                    (Some(m), _) => {
                        flush(&mut cap, dir, &mut digits, &mut nibble_at);
                        dir = Some(m);
                        cap.marked = true;
                        continue;
                    }
                    _ => continue,
                },
            }
        } else {
            (line, 0)
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
                hex_chars += 1;
                if digits.len().is_multiple_of(2) {
                    let col = body[..pos].chars().count() + 1 + indent + trimmed[..body_at].chars().count();
                    nibble_at = Some((body_offset + pos, line_no + 1, col));
                }
                digits.push(v as u8);
            } else if !(ch.is_whitespace() || matches!(ch, ':' | '-' | ',' | ';' | '\r')) {
                bad_chars += 1;
                if bad_chars <= MAX_CHAR_DIAGNOSTICS {
                    let col = line[..indent + body_at + pos].chars().count() + 1;
                    let text = TextRef::new("diag.hex.not_hex").arg("line", (line_no + 1).to_string()).arg("col", col.to_string()).arg("ch", ch.escape_default().to_string());
                    cap.diagnostics.push(Diagnostic::error(body_offset + pos, text).at_line(line_no + 1, col));
                }
            }
            i += 1;
        }
    }
    flush(&mut cap, dir, &mut digits, &mut nibble_at);
    // More letters that are not hex than hex digits: prose, or a format TLS Lens does not know.
    // One diagnostic that says so (and what it reads), not one per character; the hex digits
    // scattered in such text are no bytes of anything.
    if !dump && bad_chars >= 8 && bad_chars > hex_chars {
        let mut c = Capture { kind: "text", ..Default::default() };
        let total = (bad_chars + hex_chars).to_string();
        c.diagnostics.push(Diagnostic::error(0, TextRef::new("diag.input.unknown").arg("n", bad_chars.to_string()).arg("total", total)));
        return c;
    }
    if bad_chars > MAX_CHAR_DIAGNOSTICS {
        cap.diagnostics.push(Diagnostic::error(text.len(), TextRef::new("diag.hex.more").arg("n", (bad_chars - MAX_CHAR_DIAGNOSTICS).to_string())));
    }
    if cap.data.is_empty() && cap.diagnostics.is_empty() {
        cap.diagnostics.push(Diagnostic::error(0, TextRef::new("diag.hex.none")));
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

/// The bytes column of a dump line: where it is and the offset the line claims.
#[derive(Debug, PartialEq, Eq)]
struct DumpLine {
    offset: usize,
    /// Number of bytes on the line.
    count: usize,
    from: usize,
    to: usize,
}

/// `[\t ]*[0x]OFFSET[:] BYTES...[  ASCII]` where BYTES are up to 16 bytes written as 2- or
/// 4-digit hex groups (`xxd` and `tcpdump` use 4). Stops at the first other token.
fn dump_line(line: &str) -> Option<DumpLine> {
    let start = line.len() - line.trim_start().len();
    let rest = &line[start..];
    let body = rest.strip_prefix("0x").unwrap_or(rest);
    let off_len = body.bytes().take_while(u8::is_ascii_hexdigit).count();
    if !(4..=8).contains(&off_len) {
        return None;
    }
    let offset = usize::from_str_radix(&body[..off_len], 16).ok()?;
    let mut at = start + (rest.len() - body.len()) + off_len;
    if line[at..].starts_with(':') {
        at += 1;
    }
    if !line[at..].starts_with([' ', '\t']) {
        return None;
    }
    let from = at;
    let (mut count, mut to) = (0usize, at);
    let mut pos = at;
    while count < 16 {
        let gap = line[pos..].len() - line[pos..].trim_start_matches([' ', '\t']).len();
        let tok_start = pos + gap;
        let tok_len = line[tok_start..].bytes().take_while(u8::is_ascii_hexdigit).count();
        let after = line[tok_start + tok_len..].chars().next();
        if tok_len == 0 || tok_len % 2 == 1 || tok_len > 4 || after.is_some_and(|c| !c.is_whitespace()) || count + tok_len / 2 > 16 {
            break;
        }
        // The ASCII column is set off by a wider gap; `hexdump -C` alone puts two spaces
        // between its two groups of eight bytes.
        if count > 0 && (gap >= 3 || (gap == 2 && count != 8)) {
            break;
        }
        count += tok_len / 2;
        pos = tok_start + tok_len;
        to = pos;
    }
    (count > 0).then_some(DumpLine { offset, count, from, to })
}

/// Whether the text is a dump with an offset column: at least two dump lines (or one at offset
/// 0 with a `:` or ASCII column) whose offsets each equal the previous offset plus its byte
/// count, or restart at 0.
fn is_dump(text: &str) -> bool {
    let mut lines = 0usize;
    let mut expect: Option<usize> = None;
    let mut colon = false;
    for line in text.lines() {
        let Some(d) = dump_line(line) else { continue };
        if d.offset != 0 && expect != Some(d.offset) {
            return false;
        }
        colon |= line[..d.from].contains(':') || line.len() > d.to + 2;
        expect = Some(d.offset + d.count);
        lines += 1;
    }
    lines >= 2 || (lines == 1 && colon)
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
            let text = TextRef::new("diag.hex.odd").arg("line", line.to_string()).arg("col", column.to_string()).arg("digit", format!("{:x}", digits[digits.len() - 1]));
            cap.diagnostics.push(Diagnostic::error(offset, text).at_line(line, column));
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
    fn dump_formats() {
        let want = vec![0x16, 3, 1, 0, 0xc4, 1, 0, 0, 0xc0, 3, 3, 0xcb, 0x34, 0xec, 0xb1, 0xe7, 0x16, 0x03];
        let dumps = [
            // xxd
            "00000000: 1603 0100 c401 0000 c003 03cb 34ec b1e7  ............4...\n00000010: 1603                                     ..\n",
            // hexdump -C
            "00000000  16 03 01 00 c4 01 00 00  c0 03 03 cb 34 ec b1 e7  |............4...|\n00000010  16 03                                             |..|\n",
            // od -A x -t x1z
            "000000 16 03 01 00 c4 01 00 00 c0 03 03 cb 34 ec b1 e7  >............4...<\n000010 16 03                                            >..<\n000012\n",
            // Wireshark Copy as Hex Dump
            "0000   16 03 01 00 c4 01 00 00 c0 03 03 cb 34 ec b1 e7   ............4...\n0010   16 03                                              ..\n",
        ];
        for d in dumps {
            let c = parse(d);
            assert_eq!(c.kind, "hexdump", "{d}");
            assert_eq!(c.data, want, "{d}");
            assert!(c.diagnostics.is_empty(), "{d}: {:?}", c.diagnostics);
        }
        // Plain hex in groups of four is not mistaken for a dump.
        assert_eq!(parse("1603 0100 c401 0000\n c003 03cb").data.len(), 12);
    }

    #[test]
    fn tcpdump_x_packets_become_blocks() {
        let text = "12:00:00.000001 IP 10.0.0.1.5000 > 10.0.0.2.443: Flags [P.], length 3\n\t0x0000:  4500 002b 0000 4000 4006 0000 0a00 0001  E..+..@.@.......\n\t0x0010:  0a00 0002 1388 01bb 0000 0001 0000 0000  ................\n\t0x0020:  5018 ffff 0000 0000 1603 01              P..........\n12:00:00.000002 IP 10.0.0.2.443 > 10.0.0.1.5000: Flags [P.], length 1\n\t0x0000:  4500 0029 0000 4000 4006 0000 0a00 0002  E..)..@.@.......\n\t0x0010:  0a00 0001 01bb 1388 0000 0001 0000 0000  ................\n\t0x0020:  5018 ffff 0000 0000 15                   P........\n";
        let c = parse(text);
        assert_eq!(c.kind, "hexdump");
        assert_eq!(c.blocks, vec![43]);
        assert_eq!(c.data.len(), 43 + 41);
        assert_eq!(&c.data[40..43], &[0x16, 3, 1]);
    }

    #[test]
    fn odd_length_is_reported() {
        let c = parse("16 03 0");
        assert_eq!(c.data, vec![0x16, 0x03]);
        assert_eq!(c.diagnostics.len(), 1);
        assert_eq!(c.diagnostics[0].column, Some(7));
    }
}
