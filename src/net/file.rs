//! Capture files: the four pcap magics and pcapng (SHB, IDB, EPB, SPB, obsolete PB, DSB; other
//! blocks skipped). Every problem names the file offset; packets before it are kept.
//!
//! `PacketSource` reads one packet at a time from whatever part of the file is at hand, so the
//! same code serves a file held in memory (`read_file`, the page) and a file streamed through a
//! small buffer (`tls-lens scan`).

use pcap_parser::pcap::{parse_pcap_frame, parse_pcap_frame_be, parse_pcap_header};
use pcap_parser::pcapng::{parse_block_be, parse_block_le, Block};

use pcap_parser::nom;

use crate::model::{Diagnostic, TextRef};

/// One captured packet: its link type, bytes, 1-based frame number and where it sits in the file.
#[derive(Clone, Debug)]
pub struct RawPacket<'a> {
    pub frame: u32,
    pub linktype: i32,
    pub data: &'a [u8],
    pub file_offset: usize,
    /// When it was captured (microseconds since 1970), if the file says.
    pub ts: Option<i64>,
}

/// What a capture file holds.
#[derive(Debug, Default)]
pub struct FileContents<'a> {
    pub packets: Vec<RawPacket<'a>>,
    /// TLS key log text from pcapng Decryption Secrets Blocks (kept for decryption).
    pub keylog: String,
}

/// One step of reading.
pub enum Next<'a> {
    /// A packet, and how many bytes of the buffer it used.
    Packet(RawPacket<'a>, usize),
    /// A block that is not a packet (file header, interface description...) was consumed.
    Skip(usize),
    /// A block was consumed but could not be used; reading goes on.
    Warn(Diagnostic, usize),
    /// The buffer ends inside a block: at least this many bytes (from the buffer start) are needed.
    NeedMore(usize),
    /// The file is corrupt here; reading stops.
    Error(Diagnostic),
    /// The buffer is empty.
    End,
}

enum Format {
    /// `nanos`: the file's magic says its fractions of a second are nanoseconds (0xa1b23c4d).
    Pcap { header_read: bool, big_endian: bool, linktype: i32, nanos: bool },
    /// Per interface: link type, timestamp units per second, timestamp offset (seconds).
    Pcapng { big_endian: bool, interfaces: Vec<(i32, u64, i64)> },
}

/// A reader of pcap or pcapng blocks that keeps the state between them (byte order,
/// interfaces, frame numbers) and collects the key log of Decryption Secrets Blocks.
pub struct PacketSource {
    format: Format,
    frames: u32,
    pub keylog: String,
}

impl PacketSource {
    /// `kind` is "pcap" or "pcapng".
    pub fn new(kind: &str) -> Self {
        let format = if kind == "pcapng" {
            Format::Pcapng { big_endian: false, interfaces: Vec::new() }
        } else {
            Format::Pcap { header_read: false, big_endian: false, linktype: 1, nanos: false }
        };
        PacketSource { format, frames: 0, keylog: String::new() }
    }

    /// Read the next block of `buf`, which starts at file offset `at`. `eof`: nothing follows
    /// `buf`, so a block cut short is an error rather than a request for more bytes.
    pub fn next<'a>(&mut self, buf: &'a [u8], at: usize, eof: bool) -> Next<'a> {
        if buf.is_empty() {
            return Next::End;
        }
        let cut = |what: TextRef| if eof { Next::Error(Diagnostic::error(at, what)) } else { Next::NeedMore(12) };
        let used = |rest: &[u8]| buf.len() - rest.len();
        let needed = |n: &nom::Needed| match n {
            nom::Needed::Size(s) => buf.len() + s.get(),
            nom::Needed::Unknown => buf.len() + 1,
        };
        match &mut self.format {
            Format::Pcap { header_read, big_endian, linktype, nanos } => {
                if !*header_read {
                    return match parse_pcap_header(buf) {
                        Ok((rest, h)) => {
                            *header_read = true;
                            *big_endian = h.is_bigendian();
                            *linktype = h.network.0;
                            *nanos = h.is_nanosecond_precision();
                            Next::Skip(used(rest))
                        }
                        Err(nom::Err::Incomplete(_)) if !eof => Next::NeedMore(24),
                        Err(_) => Next::Error(Diagnostic::error(at, TextRef::new("diag.pcap.header").arg("n", buf.len().to_string()))),
                    };
                }
                let parsed = if *big_endian { parse_pcap_frame_be(buf) } else { parse_pcap_frame(buf) };
                match parsed {
                    Ok((rest, block)) => {
                        self.frames += 1;
                        let frac = if *nanos { i64::from(block.ts_usec) / 1000 } else { i64::from(block.ts_usec) };
                        let ts = i64::from(block.ts_sec).checked_mul(1_000_000).and_then(|s| s.checked_add(frac));
                        let p = RawPacket { frame: self.frames, linktype: *linktype, data: block.data, file_offset: at + 16, ts };
                        Next::Packet(p, used(rest))
                    }
                    Err(nom::Err::Incomplete(n)) if !eof => Next::NeedMore(needed(&n)),
                    Err(_) => Next::Error(Diagnostic::error(at, TextRef::new("diag.pcap.record").arg("at", at.to_string()).arg("n", buf.len().to_string()))),
                }
            }
            Format::Pcapng { big_endian, interfaces } => {
                // A Section Header Block tells the byte order of its section.
                if buf.len() < 12 {
                    return cut(TextRef::new("diag.pcapng.cut").arg("at", at.to_string()).arg("n", buf.len().to_string()));
                }
                if buf[..4] == crate::wire::PCAPNG_MAGIC {
                    *big_endian = buf[8..12] == [0x1a, 0x2b, 0x3c, 0x4d];
                    interfaces.clear();
                }
                let parsed = if *big_endian { parse_block_be(buf) } else { parse_block_le(buf) };
                let (rest, block) = match parsed {
                    Ok(x) => x,
                    // More bytes help only if the block itself is not all here yet: a block
                    // whose inner lengths overrun it is corrupt, however much follows.
                    Err(nom::Err::Incomplete(n)) if !eof && buf.len() < block_len(buf, *big_endian) => return Next::NeedMore(needed(&n)),
                    Err(_) => {
                        return Next::Error(Diagnostic::error(at, TextRef::new("diag.pcapng.block").arg("at", at.to_string()).arg("n", buf.len().to_string())))
                    }
                };
                let n = used(rest);
                let offset_of = |data: &[u8]| at + (data.as_ptr() as usize - buf.as_ptr() as usize);
                let packet = |lt: i32, data: &'a [u8], frames: &mut u32, ts: Option<i64>| {
                    *frames += 1;
                    Next::Packet(RawPacket { frame: *frames, linktype: lt, data, file_offset: offset_of(data), ts }, n)
                };
                // pcapng timestamps: a 64-bit count of the interface's units since 1970 (pcapng
                // §4.3), plus the interface's offset in seconds; in microseconds here.
                let micros = |high: u32, low: u32, units: u64, offset: i64| {
                    let t = (u64::from(high) << 32) | u64::from(low);
                    // Whole seconds, then the fraction (t % units < units: it fits once scaled for
                    // the usual units, 10^3 to 10^9 a second; any other that does not is no time).
                    let secs = i64::try_from(t.checked_div(units)?).ok()?;
                    let frac = i64::try_from((t % units).checked_mul(1_000_000)? / units).ok()?;
                    secs.checked_add(offset)?.checked_mul(1_000_000)?.checked_add(frac)
                };
                match block {
                    Block::InterfaceDescription(idb) => {
                        let units = pcap_parser::build_ts_resolution(idb.if_tsresol).unwrap_or(0);
                        interfaces.push((idb.linktype.0, units, idb.if_tsoffset));
                        Next::Skip(n)
                    }
                    Block::EnhancedPacket(epb) => match interfaces.get(epb.if_id as usize) {
                        Some(&(lt, units, offset)) => {
                            let ts = micros(epb.ts_high, epb.ts_low, units, offset);
                            packet(lt, &epb.data[..(epb.caplen as usize).min(epb.data.len())], &mut self.frames, ts)
                        }
                        None => {
                            self.frames += 1;
                            Next::Warn(Diagnostic::warning(at, TextRef::new("diag.pcapng.interface").arg("at", at.to_string()).arg("if", epb.if_id.to_string())), n)
                        }
                    },
                    Block::SimplePacket(spb) => {
                        let lt = interfaces.first().map_or(1, |i| i.0);
                        packet(lt, &spb.data[..(spb.origlen as usize).min(spb.data.len())], &mut self.frames, None)
                    }
                    Block::DecryptionSecrets(dsb) => {
                        let len = (dsb.secrets_len as usize).min(dsb.data.len());
                        self.keylog.push_str(&String::from_utf8_lossy(&dsb.data[..len]));
                        if !self.keylog.ends_with('\n') {
                            self.keylog.push('\n');
                        }
                        Next::Skip(n)
                    }
                    Block::Unknown(u) if u.block_type == 2 && u.data.len() >= 20 => {
                        // Obsolete Packet Block: interface_id u16, drops u16, ts 2*u32, caplen, len, data.
                        let b = u.data;
                        let be = *big_endian;
                        let if_id = if be { u16::from_be_bytes([b[0], b[1]]) } else { u16::from_le_bytes([b[0], b[1]]) } as usize;
                        let c = [b[12], b[13], b[14], b[15]];
                        let caplen = (if be { u32::from_be_bytes(c) } else { u32::from_le_bytes(c) } as usize).min(b.len() - 20);
                        let (lt, units, offset) = interfaces.get(if_id).copied().unwrap_or((1, 0, 0));
                        let word = |i: usize| {
                            let c = [b[i], b[i + 1], b[i + 2], b[i + 3]];
                            if be { u32::from_be_bytes(c) } else { u32::from_le_bytes(c) }
                        };
                        packet(lt, &b[20..20 + caplen], &mut self.frames, micros(word(4), word(8), units, offset))
                    }
                    _ => Next::Skip(n),
                }
            }
        }
    }
}

/// The total length a pcapng block header declares (0 when it cannot be read).
fn block_len(b: &[u8], big_endian: bool) -> usize {
    match b.get(4..8) {
        Some(l) if big_endian => u32::from_be_bytes([l[0], l[1], l[2], l[3]]) as usize,
        Some(l) => u32::from_le_bytes([l[0], l[1], l[2], l[3]]) as usize,
        None => usize::MAX,
    }
}

/// Read a whole pcap or pcapng file held in memory. `kind` is "pcap" or "pcapng".
pub fn read_file<'a>(input: &'a [u8], kind: &str, diags: &mut Vec<Diagnostic>) -> FileContents<'a> {
    let mut src = PacketSource::new(kind);
    let mut out = FileContents::default();
    let mut at = 0;
    loop {
        match src.next(&input[at..], at, true) {
            Next::Packet(p, n) => {
                out.packets.push(p);
                at += n;
            }
            Next::Skip(n) => at += n,
            Next::Warn(d, n) => {
                diags.push(d);
                at += n;
            }
            Next::Error(d) => {
                diags.push(d);
                break;
            }
            Next::NeedMore(_) | Next::End => break,
        }
    }
    out.keylog = src.keylog;
    out
}
