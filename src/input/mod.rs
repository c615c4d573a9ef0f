//! Input layer: sniff what the user gave us and turn it into a `Capture`: the bytes of one
//! connection in wire order, cut into chunks that each travelled in one (possibly unknown)
//! direction.

mod hex;

use crate::model::{Diagnostic, Dir};

/// A run of bytes that went one way, at `offset..offset+len` of `Capture::data`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChunkIn {
    pub dir: Option<Dir>,
    pub offset: usize,
    pub len: usize,
}

#[derive(Clone, Debug, Default)]
pub struct Capture {
    pub kind: &'static str,
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
            _ => self.chunks.push(ChunkIn { dir, offset, len: bytes.len() }),
        }
    }
}

const PCAP_MAGICS: [[u8; 4]; 4] =
    [[0xd4, 0xc3, 0xb2, 0xa1], [0xa1, 0xb2, 0xc3, 0xd4], [0x4d, 0x3c, 0xb2, 0xa1], [0xa1, 0xb2, 0x3c, 0x4d]];
const PCAPNG_MAGIC: [u8; 4] = [0x0a, 0x0d, 0x0d, 0x0a];

/// Sniff the input and decode it.
pub fn read(input: &[u8]) -> Capture {
    let head: [u8; 4] = match input.get(..4) {
        Some(h) => [h[0], h[1], h[2], h[3]],
        None => [0; 4],
    };
    if input.iter().all(|b| b.is_ascii_whitespace()) {
        let mut c = Capture { kind: "empty", ..Default::default() };
        c.diagnostics.push(Diagnostic::error(0, "empty input: expected hex of TLS records"));
        return c;
    }
    if PCAP_MAGICS.contains(&head) || head == PCAPNG_MAGIC {
        let kind = if head == PCAPNG_MAGIC { "pcapng" } else { "pcap" };
        let mut c = Capture { kind, ..Default::default() };
        c.diagnostics.push(Diagnostic::error(
            0,
            format!("{kind} files are not read yet: paste the hex of the TLS records instead (e.g. Wireshark: Copy as Hex Stream)"),
        ));
        return c;
    }
    if looks_like_records(input) || std::str::from_utf8(input).is_err() {
        let mut c = Capture { kind: "binary", ..Default::default() };
        c.push(None, input);
        return c;
    }
    // Valid UTF-8 that does not start like a TLS record: treat as text.
    let text = std::str::from_utf8(input).unwrap_or_default();
    hex::parse(text)
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
        assert_eq!(c.data.len(), 5);
    }

    #[test]
    fn pcap_is_recognised_and_reported() {
        let c = read(&[0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0]);
        assert_eq!(c.kind, "pcap");
        assert_eq!(c.diagnostics.len(), 1);
    }
}
