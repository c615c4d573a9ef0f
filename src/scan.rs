//! `tls-lens scan`: one summary line per connection of a capture of any size, in constant
//! memory. The capture is read through a small buffer one packet at a time (the same
//! `PacketSource` as the in-memory reader); each TCP connection keeps only the first bytes of
//! each direction, enough for its handshake, which is then summarised by the same parser and
//! explainer as `analyze`. After that, records are only counted, by their headers, and their
//! payloads skipped without being copied.

use std::collections::HashMap;
use std::io::Read;

use serde::Serialize;

use crate::input::{tls_capture, udp_flow};
use crate::model::{Alert, Connection, Diagnostic, NoteSeverity, OtherFlow, Summary};
use crate::net::{Next, PacketSource, Reassembler, RecordCounts, TcpConnection};
use crate::crypto::keylog::{self, Entry};
use crate::Options;

/// Bytes stored per direction for the handshake (a certificate chain rarely passes 16 KB).
pub const STORE_LIMIT: usize = 64 << 10;
/// Out-of-order bytes held per direction before a gap is given up on.
const PENDING_LIMIT: usize = 1 << 20;
/// The largest pcap record or pcapng block we buffer.
const MAX_BLOCK: usize = 64 << 20;
const READ_SIZE: usize = 1 << 20;

#[derive(Clone, Debug, Serialize)]
pub struct Bytes {
    pub c2s: u64,
    pub s2c: u64,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct RecordTally {
    pub change_cipher_spec: u64,
    pub alert: u64,
    pub handshake: u64,
    /// Content type 23: application data, and in TLS 1.3 the encrypted handshake too.
    pub application_data: u64,
    pub heartbeat: u64,
    /// Payload bytes of the application_data records.
    pub application_data_bytes: u64,
    /// Where counting stopped because the stream no longer looked like TLS records (or a
    /// segment was missing), as an offset in this direction's stream.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lost_at: Option<u64>,
    /// Bytes passed over while looking for the next record header after that.
    #[serde(skip_serializing_if = "is_zero")]
    pub skipped_bytes: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl From<RecordCounts> for RecordTally {
    fn from(c: RecordCounts) -> Self {
        let [change_cipher_spec, alert, handshake, application_data, heartbeat] = c.by_type;
        RecordTally { change_cipher_spec, alert, handshake, application_data, heartbeat, application_data_bytes: c.app_bytes, lost_at: c.lost_at, skipped_bytes: c.skipped }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Records {
    pub c2s: RecordTally,
    pub s2c: RecordTally,
}

#[derive(Clone, Debug, Serialize)]
pub struct CertLine {
    pub subject: String,
    pub issuer: String,
    pub not_before: String,
    pub not_after: String,
    pub san: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct NoteLine {
    pub severity: NoteSeverity,
    pub text: String,
}

/// One line of `tls-lens scan` output: a connection's summary from the JSON contract plus its
/// traffic totals.
#[derive(Clone, Debug, Serialize)]
pub struct ScanLine {
    /// "tcp" or "udp" (UDP flows and TCP without TLS only with `--all`).
    pub transport: &'static str,
    /// Wireshark's `tcp.stream` / `udp.stream` number.
    pub stream: usize,
    pub client: String,
    pub server: String,
    pub tls: bool,
    pub first_frame: u32,
    pub last_frame: u32,
    pub packets: u64,
    /// Both sides sent FIN or one sent RST.
    pub closed: bool,
    pub bytes: Bytes,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<Summary>,
    /// Names of the messages of the handshake part (as `explain` lists them).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub records: Option<Records>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub certificates: Vec<CertLine>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alerts: Vec<Alert>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<NoteLine>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<Diagnostic>,
    /// For flows that are not TLS: what they look like ("QUIC", "HTTP"...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub looks_like: Option<&'static str>,
}

impl ScanLine {
    fn from_connection(c: Connection) -> ScanLine {
        ScanLine {
            transport: if c.quic.is_some() || c.dtls { "udp" } else { "tcp" },
            stream: c.tcp_stream.or(c.udp_stream).unwrap_or(c.id),
            client: c.client.unwrap_or_default(),
            server: c.server.unwrap_or_default(),
            tls: true,
            first_frame: c.stream.chunks.first().and_then(|k| k.frame).unwrap_or(0),
            last_frame: c.stream.chunks.last().and_then(|k| k.frame).unwrap_or(0),
            packets: 0,
            closed: false,
            bytes: Bytes { c2s: 0, s2c: 0 },
            summary: Some(c.summary),
            messages: c.messages.into_iter().map(|m| m.name).collect(),
            records: None,
            certificates: c
                .certificates
                .into_iter()
                .map(|k| CertLine { subject: k.subject, issuer: k.issuer, not_before: k.not_before, not_after: k.not_after, san: k.san })
                .collect(),
            alerts: c.alerts,
            notes: c.notes.into_iter().map(|n| NoteLine { severity: n.severity, text: n.text }).collect(),
            diagnostics: Vec::new(),
            looks_like: None,
        }
    }

    fn from_flow(f: OtherFlow) -> ScanLine {
        ScanLine {
            transport: f.transport,
            stream: f.stream,
            client: f.client,
            server: f.server,
            tls: false,
            first_frame: f.first_frame,
            last_frame: 0,
            packets: f.packets,
            closed: false,
            bytes: Bytes { c2s: 0, s2c: 0 },
            summary: None,
            messages: Vec::new(),
            records: None,
            certificates: Vec::new(),
            alerts: Vec::new(),
            notes: Vec::new(),
            diagnostics: Vec::new(),
            looks_like: f.looks_like,
        }
    }

    /// Add what the connection's end knows: totals, record counts, later problems.
    fn finish(&mut self, c: &TcpConnection) {
        self.first_frame = c.first_frame;
        self.last_frame = c.last_frame;
        self.packets = c.packets;
        self.closed = c.closed;
        self.bytes = Bytes { c2s: c.bytes[0], s2c: c.bytes[1] };
        if self.tls {
            self.records = c.records.map(|[a, b]| Records { c2s: a.into(), s2c: b.into() });
        }
        self.diagnostics.extend(c.diagnostics.iter().cloned());
    }
}

/// What a scan found, for the closing report.
#[derive(Clone, Debug, Default)]
pub struct ScanStats {
    pub bytes_read: u64,
    pub packets: u64,
    pub tls_connections: u64,
    pub other_flows: u64,
    /// The most bytes the reassembler held at once (stored prefixes and out-of-order data).
    pub peak_held: usize,
    pub kind: &'static str,
    /// Problems with the file itself (not with one connection).
    pub diagnostics: Vec<Diagnostic>,
}

pub struct ScanOptions {
    pub explain: Options,
    /// Also list UDP flows and TCP connections without TLS.
    pub all: bool,
}

/// Summarise the stored start of a connection: as a TLS connection, or as another flow.
/// With the key log's entries (`--keylog`, pcapng Decryption Secrets Blocks read so far), TLS
/// 1.3 handshakes are decrypted as `explain` does.
fn summarise(prefix: TcpConnection, kind: &'static str, opts: &Options, keys: &[Entry]) -> ScanLine {
    let stream = prefix.stream;
    match tls_capture(prefix, kind) {
        Ok(cap) => {
            let lean = Options { summary_only: true, ..opts.clone() };
            let (conn, diagnostics, _) = crate::explain_capture(stream, &cap, keys, &lean);
            let mut line = ScanLine::from_connection(conn);
            line.diagnostics = diagnostics;
            line
        }
        Err(flow) => ScanLine::from_flow(flow),
    }
}

/// Scan a capture read from `r`. `emit` gets each line as its connection ends (so lines come
/// in the order connections close, not by `stream`); `progress` gets the bytes read so far,
/// about every megabyte. Text inputs and raw records are read whole and analysed as `explain`
/// does.
pub fn scan<R: Read>(
    mut r: R,
    opts: &ScanOptions,
    mut emit: impl FnMut(&ScanLine) -> std::io::Result<()>,
    mut progress: impl FnMut(u64, &ScanStats),
) -> std::io::Result<ScanStats> {
    let mut stats = ScanStats::default();
    let mut buf: Vec<u8> = Vec::with_capacity(READ_SIZE * 2);
    let mut eof = fill(&mut r, &mut buf, 4)?;
    let kind = match buf.get(..4) {
        Some([0x0a, 0x0d, 0x0d, 0x0a]) => "pcapng",
        Some(m) if [[0xd4, 0xc3, 0xb2, 0xa1], [0xa1, 0xb2, 0xc3, 0xd4], [0x4d, 0x3c, 0xb2, 0xa1], [0xa1, 0xb2, 0x3c, 0x4d]].iter().any(|x| x == m) => "pcap",
        _ => {
            // Not a capture file: read it all and analyse it like `explain`.
            r.read_to_end(&mut buf)?;
            stats.bytes_read = buf.len() as u64;
            let a = crate::analyze(&buf, &opts.explain);
            stats.kind = "text";
            stats.diagnostics = a.diagnostics.iter().filter(|d| d.connection.is_none()).cloned().collect();
            for c in a.connections {
                let diags: Vec<Diagnostic> = a.diagnostics.iter().filter(|d| d.connection == Some(c.id)).cloned().collect();
                let mut line = ScanLine::from_connection(c);
                line.diagnostics = diags;
                stats.tls_connections += 1;
                emit(&line)?;
            }
            if opts.all {
                for f in a.other_flows {
                    stats.other_flows += 1;
                    emit(&ScanLine::from_flow(f))?;
                }
            }
            return Ok(stats);
        }
    };
    stats.kind = kind;
    let mut src = PacketSource::new(kind);
    let mut keys = Keys { seen: usize::MAX, extra: opts.explain.keylog.clone(), entries: Vec::new() };
    let mut reasm = Reassembler::streaming(STORE_LIMIT, PENDING_LIMIT);
    // Connections whose handshake is summarised already, waiting for their end.
    let mut open: HashMap<usize, ScanLine> = HashMap::new();
    let mut start = 0usize; // position in `buf` of file offset `at`
    let mut at = 0usize;
    let mut next_progress = 0u64;
    loop {
        let step = src.next(&buf[start..], at, eof);
        let used = match step {
            Next::Packet(p, n) => {
                stats.packets += 1;
                if let Some(id) = reasm.packet(&p) {
                    if !open.contains_key(&id) && reasm.handshake_over(id) {
                        if let Some(prefix) = reasm.take_prefix(id) {
                            open.insert(id, summarise(prefix, kind, &opts.explain, keys.update(&src.keylog)));
                        }
                    }
                    if reasm.is_closed(id) {
                        if let Some(c) = reasm.remove(id) {
                            let line = open.remove(&id);
                            finish_line(line, c, kind, keys.update(&src.keylog), opts, &mut stats, &mut emit)?;
                        }
                    }
                }
                n
            }
            Next::Skip(n) => n,
            Next::Warn(d, n) => {
                stats.diagnostics.push(d);
                n
            }
            Next::Error(d) => {
                stats.diagnostics.push(d);
                break;
            }
            Next::End if eof => break,
            Next::End | Next::NeedMore(_) if eof => break,
            Next::End | Next::NeedMore(_) => {
                let need = match step {
                    Next::NeedMore(n) => n.max(1),
                    _ => 1,
                };
                if need > MAX_BLOCK {
                    stats.diagnostics.push(Diagnostic::error(
                        at,
                        format!("{kind} block at file offset {at} declares {need} bytes, more than the {} MB this scanner buffers; stopping here", MAX_BLOCK >> 20),
                    ));
                    break;
                }
                buf.drain(..start);
                start = 0;
                eof = fill(&mut r, &mut buf, need.max(READ_SIZE))?;
                0
            }
        };
        start += used;
        at += used;
        if at as u64 >= next_progress {
            stats.peak_held = stats.peak_held.max(reasm.held_bytes());
            stats.bytes_read = at as u64;
            progress(at as u64, &stats);
            next_progress = at as u64 + (1 << 20);
        }
        if start >= READ_SIZE && buf.len() - start < READ_SIZE / 2 {
            // Keep the buffer small: drop what was read.
            buf.drain(..start);
            start = 0;
        }
    }
    stats.bytes_read = stats.bytes_read.max(at as u64);
    let (conns, udp, diags) = reasm.finish();
    stats.diagnostics.extend(diags);
    for c in conns {
        let line = open.remove(&c.stream);
        finish_line(line, c, kind, keys.update(&src.keylog), opts, &mut stats, &mut emit)?;
    }
    let keys = keys.update(&src.keylog).to_vec();
    for f in &udp {
        if let Some(cap) = crate::input::quic_capture(f, kind) {
            let lean = Options { summary_only: true, ..opts.explain.clone() };
            let (conn, diagnostics, _) = crate::explain_capture(f.stream, &cap, &keys, &lean);
            let mut line = ScanLine::from_connection(conn);
            line.diagnostics = diagnostics;
            line.first_frame = f.first_frame;
            line.last_frame = f.last_frame;
            line.packets = f.packets;
            line.bytes = Bytes { c2s: f.dir_bytes[0], s2c: f.dir_bytes[1] };
            stats.tls_connections += 1;
            emit(&line)?;
        } else if opts.all {
            stats.other_flows += 1;
            emit(&ScanLine::from_flow(udp_flow(f)))?;
        }
    }
    progress(stats.bytes_read, &stats);
    Ok(stats)
}

fn finish_line(
    line: Option<ScanLine>,
    mut c: TcpConnection,
    kind: &'static str,
    keys: &[Entry],
    opts: &ScanOptions,
    stats: &mut ScanStats,
    emit: &mut impl FnMut(&ScanLine) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut line = match line {
        Some(l) => l,
        None => {
            // Ended before its handshake was over: summarise what was stored.
            let rest = TcpConnection { data: std::mem::take(&mut c.data), chunks: std::mem::take(&mut c.chunks), diagnostics: std::mem::take(&mut c.diagnostics), ..c.clone() };
            summarise(rest, kind, &opts.explain, keys)
        }
    };
    line.finish(&c);
    if line.tls {
        stats.tls_connections += 1;
    } else {
        stats.other_flows += 1;
        if !opts.all {
            return Ok(());
        }
    }
    emit(&line)
}

/// The key log entries: given ones plus those of the Decryption Secrets Blocks read so far
/// (parsed again only when more came).
struct Keys {
    seen: usize,
    extra: String,
    entries: Vec<Entry>,
}

impl Keys {
    fn update(&mut self, dsb: &str) -> &[Entry] {
        if dsb.len() != self.seen {
            self.entries = keylog::parse(&format!("{}\n{dsb}", self.extra));
            self.seen = dsb.len();
        }
        &self.entries
    }
}

/// Read until `buf` holds at least `want` bytes or the input ends; true at the end.
fn fill<R: Read>(r: &mut R, buf: &mut Vec<u8>, want: usize) -> std::io::Result<bool> {
    while buf.len() < want {
        let old = buf.len();
        let chunk = READ_SIZE.max(want - old);
        buf.resize(old + chunk, 0);
        let n = loop {
            match r.read(&mut buf[old..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    buf.truncate(old);
                    return Err(e);
                }
            }
        };
        buf.truncate(old + n);
        if n == 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// A whole capture at a glance, for the page with big captures: every connection's scan line
/// (sorted by `stream`), the other flows, and the file's own problems. The page then explains
/// one connection at a time (`Options::only_stream`).
#[derive(Clone, Debug, Serialize)]
pub struct Overview {
    pub schema: &'static str,
    pub lang: &'static str,
    pub input: crate::model::InputInfo,
    /// Marks this shape (connections are scan lines, not explained connections).
    pub overview: bool,
    pub connections: Vec<ScanLine>,
    pub other_flows: Vec<ScanLine>,
    pub diagnostics: Vec<Diagnostic>,
    pub packets: u64,
}

/// Scan `input` (held in memory) into an `Overview`; `progress` gets the bytes read so far.
pub fn overview(input: &[u8], opts: &Options, mut progress: impl FnMut(u64)) -> Overview {
    let mut connections = Vec::new();
    let mut other_flows = Vec::new();
    let so = ScanOptions { explain: opts.clone(), all: true };
    let res = scan(
        input,
        &so,
        |l| {
            if l.tls { &mut connections } else { &mut other_flows }.push(l.clone());
            Ok(())
        },
        |done, _| progress(done),
    );
    let stats = res.unwrap_or_default();
    connections.sort_by_key(|l: &ScanLine| l.stream);
    other_flows.sort_by_key(|l: &ScanLine| (l.transport, l.stream));
    Overview {
        schema: crate::model::SCHEMA,
        lang: opts.lang.code(),
        input: crate::model::InputInfo { kind: stats.kind.to_string(), bytes: input.len(), directions: "marked", keylog: None },
        overview: true,
        connections,
        other_flows,
        diagnostics: stats.diagnostics,
        packets: stats.packets,
    }
}
