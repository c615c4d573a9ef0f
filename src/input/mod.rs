//! Input layer: sniff what the user gave us and turn it into `Capture`s: for each connection,
//! its bytes in wire order, cut into chunks that each travelled in one (possibly unknown)
//! direction. Text and raw records give one capture; pcap/pcapng one per TLS connection.

mod hex;

use crate::model::{Diagnostic, Dir};

/// A run of bytes that went one way, at `offset..offset+len` of `Capture::data`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChunkIn {
    pub dir: Option<Dir>,
    pub offset: usize,
    pub len: usize,
    /// Capture frame that carried (or completed) these bytes.
    pub frame: Option<u32>,
}

#[derive(Clone, Debug, Default)]
pub struct Capture {
    pub kind: &'static str,
    /// "ip:port" of each side, when the input says (captures).
    pub client: Option<String>,
    pub server: Option<String>,
    pub data: Vec<u8>,
    pub chunks: Vec<ChunkIn>,
    /// True when the input said which way each chunk went.
    pub marked: bool,
    pub diagnostics: Vec<Diagnostic>,
}

impl Capture {
    pub(crate) fn push(&mut self, dir: Option<Dir>, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        let offset = self.data.len();
        self.data.extend_from_slice(bytes);
        match self.chunks.last_mut() {
            Some(last) if last.dir == dir && last.offset + last.len == offset => last.len += bytes.len(),
            _ => self.chunks.push(ChunkIn { dir, offset, len: bytes.len(), frame: None }),
        }
    }
}

const PCAP_MAGICS: [[u8; 4]; 4] =
    [[0xd4, 0xc3, 0xb2, 0xa1], [0xa1, 0xb2, 0xc3, 0xd4], [0x4d, 0x3c, 0xb2, 0xa1], [0xa1, 0xb2, 0x3c, 0x4d]];
const PCAPNG_MAGIC: [u8; 4] = [0x0a, 0x0d, 0x0d, 0x0a];

/// Everything the input held: its kind, one capture per connection, and what went wrong.
#[derive(Debug, Default)]
pub struct Input {
    pub kind: &'static str,
    pub captures: Vec<Capture>,
    pub diagnostics: Vec<Diagnostic>,
    /// Key log lines found in the input (pcapng Decryption Secrets Blocks), for decryption.
    pub keylog: String,
}

/// Sniff the input and decode it.
pub fn read(input: &[u8]) -> Input {
    let head: [u8; 4] = match input.get(..4) {
        Some(h) => [h[0], h[1], h[2], h[3]],
        None => [0; 4],
    };
    if input.iter().all(|b| b.is_ascii_whitespace()) {
        return Input {
            kind: "empty",
            diagnostics: vec![Diagnostic::error(0, "empty input: expected hex of TLS records or a pcap/pcapng file")],
            ..Default::default()
        };
    }
    if PCAP_MAGICS.contains(&head) || head == PCAPNG_MAGIC {
        return read_capture_file(input, if head == PCAPNG_MAGIC { "pcapng" } else { "pcap" });
    }
    let cap = if looks_like_records(input) || std::str::from_utf8(input).is_err() {
        let mut c = Capture { kind: "binary", ..Default::default() };
        c.push(None, input);
        c
    } else {
        // Valid UTF-8 that does not start like a TLS record: treat as text.
        hex::parse(std::str::from_utf8(input).unwrap_or_default())
    };
    let diagnostics = cap.diagnostics.clone();
    let kind = cap.kind;
    let captures = if cap.data.is_empty() { Vec::new() } else { vec![Capture { diagnostics: Vec::new(), ..cap }] };
    Input { kind, captures, diagnostics, keylog: String::new() }
}

fn endpoint(e: (std::net::IpAddr, u16)) -> String {
    std::net::SocketAddr::new(e.0, e.1).to_string()
}

/// pcap/pcapng: one capture per TCP connection that carries TLS records.
fn read_capture_file(input: &[u8], kind: &'static str) -> Input {
    let mut diagnostics = Vec::new();
    let file = crate::net::read_file(input, kind, &mut diagnostics);
    if file.packets.is_empty() && diagnostics.is_empty() {
        diagnostics.push(Diagnostic::warning(0, format!("the {kind} file holds no packets")));
    }
    let conns = crate::net::reassemble(&file.packets, &mut diagnostics);
    let mut captures = Vec::new();
    for c in conns {
        let label = format!("{} -> {}", endpoint(c.client), endpoint(c.server));
        if c.data.is_empty() {
            continue;
        }
        if !crate::tls::record::carries_tls(&c.data) {
            diagnostics.push(Diagnostic::warning(
                c.first_offset,
                format!("TCP {label} (from frame {}): {} byte(s) without TLS records, not shown", c.first_frame, c.data.len()),
            ));
            continue;
        }
        captures.push(Capture {
            kind,
            client: Some(endpoint(c.client)),
            server: Some(endpoint(c.server)),
            chunks: c.chunks.iter().map(|&(d, o, l, f)| ChunkIn { dir: Some(d), offset: o, len: l, frame: Some(f) }).collect(),
            data: c.data,
            marked: true,
            diagnostics: c.diagnostics,
        });
    }
    if captures.is_empty() && !file.packets.is_empty() {
        diagnostics.push(Diagnostic::error(0, format!("no TLS connection found in the {} packet(s) of this {kind} file", file.packets.len())));
    }
    Input { kind, captures, diagnostics, keylog: file.keylog }
}

/// Raw binary TLS records start with a content type 20..=24 and a major version 3.
fn looks_like_records(input: &[u8]) -> bool {
    matches!(input, [20..=24, 3, 0..=4, ..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_records_are_taken_as_they_are() {
        let c = read(&[0x16, 0x03, 0x01, 0x00, 0x00]);
        assert_eq!(c.kind, "binary");
        assert_eq!(c.captures[0].data.len(), 5);
    }

    #[test]
    fn truncated_pcap_is_reported_not_misread() {
        let c = read(&[0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0]);
        assert_eq!(c.kind, "pcap");
        assert!(c.captures.is_empty());
        assert_eq!(c.diagnostics.len(), 1);
        assert_eq!(c.diagnostics[0].offset, 0);
    }
}
