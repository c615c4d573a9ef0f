//! Capture files: the four pcap magics and pcapng (SHB, IDB, EPB, SPB, obsolete PB, DSB; other
//! blocks skipped). Every problem names the file offset; packets before it are kept.

use pcap_parser::pcap::{parse_pcap_frame, parse_pcap_frame_be, parse_pcap_header};
use pcap_parser::pcapng::{parse_block_be, parse_block_le, Block};

use crate::model::Diagnostic;

/// One captured packet: its link type, bytes, 1-based frame number and where it sits in the file.
#[derive(Clone, Debug)]
pub struct RawPacket<'a> {
    pub frame: u32,
    pub linktype: i32,
    pub data: &'a [u8],
    pub file_offset: usize,
}

/// What a capture file holds.
#[derive(Debug, Default)]
pub struct FileContents<'a> {
    pub packets: Vec<RawPacket<'a>>,
    /// TLS key log text from pcapng Decryption Secrets Blocks (kept for decryption).
    pub keylog: String,
}

fn offset_of(input: &[u8], rest: &[u8]) -> usize {
    input.len() - rest.len()
}

/// Read a pcap or pcapng file. `kind` is "pcap" or "pcapng".
pub fn read_file<'a>(input: &'a [u8], kind: &str, diags: &mut Vec<Diagnostic>) -> FileContents<'a> {
    if kind == "pcapng" {
        read_pcapng(input, diags)
    } else {
        read_pcap(input, diags)
    }
}

fn read_pcap<'a>(input: &'a [u8], diags: &mut Vec<Diagnostic>) -> FileContents<'a> {
    let mut out = FileContents::default();
    let (mut rest, header) = match parse_pcap_header(input) {
        Ok(x) => x,
        Err(e) => {
            diags.push(Diagnostic::error(0, format!("pcap file header (24 bytes) could not be read: {e:?}")));
            return out;
        }
    };
    let linktype = header.network.0;
    let frame_parser = if header.is_bigendian() { parse_pcap_frame_be } else { parse_pcap_frame };
    while !rest.is_empty() {
        let at = offset_of(input, rest);
        match frame_parser(rest) {
            Ok((r, block)) => {
                let frame = out.packets.len() as u32 + 1;
                out.packets.push(RawPacket { frame, linktype, data: block.data, file_offset: offset_of(input, block.data) });
                rest = r;
            }
            Err(_) => {
                diags.push(Diagnostic::error(
                    at,
                    format!("pcap record at file offset {at}: expected a 16-byte record header and the bytes it declares, the file ends or is corrupt here ({} byte(s) not read)", rest.len()),
                ));
                break;
            }
        }
    }
    out
}

fn read_pcapng<'a>(input: &'a [u8], diags: &mut Vec<Diagnostic>) -> FileContents<'a> {
    let mut out = FileContents::default();
    let mut rest = input;
    let mut big_endian = false;
    let mut interfaces: Vec<i32> = Vec::new();
    while !rest.is_empty() {
        let at = offset_of(input, rest);
        // A Section Header Block tells the byte order of its section.
        if rest.len() >= 12 && rest[..4] == [0x0a, 0x0d, 0x0d, 0x0a] {
            big_endian = rest[8..12] == [0x1a, 0x2b, 0x3c, 0x4d];
            interfaces.clear();
        }
        let parsed = if big_endian { parse_block_be(rest) } else { parse_block_le(rest) };
        let (r, block) = match parsed {
            Ok(x) => x,
            Err(_) => {
                diags.push(Diagnostic::error(
                    at,
                    format!("pcapng block at file offset {at}: expected a block (type, length, body, length), the file ends or is corrupt here ({} byte(s) not read)", rest.len()),
                ));
                break;
            }
        };
        match &block {
            Block::InterfaceDescription(idb) => interfaces.push(idb.linktype.0),
            Block::EnhancedPacket(epb) => match interfaces.get(epb.if_id as usize) {
                Some(&lt) => {
                    let data: &'a [u8] = &epb.data[..(epb.caplen as usize).min(epb.data.len())];
                    let frame = out.packets.len() as u32 + 1;
                    out.packets.push(RawPacket { frame, linktype: lt, data, file_offset: offset_of(input, data) });
                }
                None => diags.push(Diagnostic::warning(at, format!("packet block at file offset {at} names interface {} that was not described; skipped", epb.if_id))),
            },
            Block::SimplePacket(spb) => {
                let lt = interfaces.first().copied().unwrap_or(1);
                let data: &'a [u8] = &spb.data[..(spb.origlen as usize).min(spb.data.len())];
                let frame = out.packets.len() as u32 + 1;
                out.packets.push(RawPacket { frame, linktype: lt, data, file_offset: offset_of(input, data) });
            }
            Block::DecryptionSecrets(dsb) => {
                let n = (dsb.secrets_len as usize).min(dsb.data.len());
                out.keylog.push_str(&String::from_utf8_lossy(&dsb.data[..n]));
                if !out.keylog.ends_with('\n') {
                    out.keylog.push('\n');
                }
            }
            Block::Unknown(u) if u.block_type == 2 => {
                // Obsolete Packet Block: interface_id u16, drops u16, ts 2*u32, caplen, len, data.
                let b = u.data;
                if b.len() >= 20 {
                    let rd16 = |x: &[u8]| if big_endian { u16::from_be_bytes([x[0], x[1]]) } else { u16::from_le_bytes([x[0], x[1]]) };
                    let rd32 = |x: &[u8]| if big_endian { u32::from_be_bytes([x[0], x[1], x[2], x[3]]) } else { u32::from_le_bytes([x[0], x[1], x[2], x[3]]) };
                    let if_id = rd16(&b[0..2]) as usize;
                    let caplen = (rd32(&b[12..16]) as usize).min(b.len() - 20);
                    let data = &b[20..20 + caplen];
                    let lt = interfaces.get(if_id).copied().unwrap_or(1);
                    let frame = out.packets.len() as u32 + 1;
                    out.packets.push(RawPacket { frame, linktype: lt, data, file_offset: offset_of(input, data) });
                }
            }
            _ => {}
        }
        rest = r;
    }
    out
}
